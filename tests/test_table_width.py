"""Terminal tables at narrow widths: nothing is cut without a sign.

rich crops a line wider than the console: at 60 columns the date, time, type and role
columns left the text columns no room, and «Barneverntjenesten» came out as
«Barneverntjeneste», with no «…». render/table.py now lays a table out compactly when
its columns do not fit with whole words, and prints a line that is still too wide
whole instead of cropping it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

import pytest
from conftest import PLANS

from aarshjul.engine.expand import waiting
from aarshjul.engine.select import tiltak_status, upcoming
from aarshjul.model import Plan
from aarshjul.plan.loader import load_plan
from aarshjul.render import table

FRA, TIL = date(2026, 12, 1), date(2027, 4, 1)


def _tabeller(plan: Plan, width: int, virksomheter: list[str]) -> Iterator[tuple[str, str]]:
    rader = upcoming(plan, FRA, TIL, virksomheter or None)
    kw = {"virksomheter": virksomheter, "width": width, "color": False}
    yield "next", table.render_next(plan, rader, waiting(plan), fra=FRA, til=TIL, **kw)  # type: ignore[arg-type]
    yield "calendar", table.render_calendar(plan, rader, waiting(plan), tittel="Skoleåret 2026/27",
                                            start=date(2026, 8, 1), **kw)  # type: ignore[arg-type]  # fmt: skip
    yield "tiltak", table.render_tiltak(plan, tiltak_status(plan, FRA, virksomheter or None), **kw)  # type: ignore[arg-type]
    yield "virksomheter", table.render_virksomheter(plan, width=width, color=False)


def _plan(navn: str) -> Plan:
    from aarshjul.plan.planfile import default_plan_path

    return load_plan(default_plan_path() if navn == "REAL" else PLANS / navn)


# Words the compact layouts add (render/table.py) that the wide ones do not have.
KOMPAKTE_ORD = {"Virksomhet", "leder", "aliaser", "medlemmer", "sone", "ansvar", "Uke"}


@pytest.mark.parametrize("plan_navn", ["fjellbygd/plan.yaml", "REAL", "nordfjell.yaml"])
@pytest.mark.parametrize("width", [60, 80])
@pytest.mark.parametrize("virksomheter", [[], ["barnevern"]], ids=["alle", "barnevern"])
def test_no_line_is_wider_than_the_terminal_and_no_word_is_cut(plan_navn, width, virksomheter) -> None:
    """Every word at 60 or 80 columns is a word of the same table at 250 columns: a
    cropped «Barneverntjeneste» or a folded «Barnever»/«ntjenest» is not."""
    plan = _plan(plan_navn)
    virksomheter = [v for v in virksomheter if v in plan.virksomheter]
    brede = dict(_tabeller(plan, 250, virksomheter))
    for kommando, ut in _tabeller(plan, width, virksomheter):
        assert max(len(line) for line in ut.splitlines()) <= width, kommando
        kjente = set(re.findall(r"\w+", brede[kommando])) | KOMPAKTE_ORD
        ukjente = set(re.findall(r"\w+", ut)) - kjente
        assert not ukjente, f"{kommando} ({width}): {sorted(ukjente)}\n{ut}"


def test_barneverntjenesten_is_whole_at_60_columns() -> None:
    plan = _plan("fjellbygd/plan.yaml")
    for kommando, ut in _tabeller(plan, 60, ["barnevern"]):
        if kommando == "tiltak":
            continue  # its columns are for the tiltak, not for who
        assert "Barneverntjenesten" in ut, f"{kommando}:\n{ut}"
    nxt = dict(_tabeller(plan, 60, []))["next"]
    # The compact layout: each week a row, the time under the date, the type under what.
    assert re.search(r"^Uke 49$", nxt, re.M) and "\ntor 03.12.2026  " in nxt
    assert re.search(r"^14:00–15:00\s+Ressursteammøte", nxt, re.M)
    assert re.search(r"^\s+Møte\s*$", nxt, re.M)


def test_a_wide_terminal_keeps_the_full_layout() -> None:
    plan = _plan("fjellbygd/plan.yaml")
    nxt = dict(_tabeller(plan, 120, ["barnevern"]))["next"]
    assert re.search(r"^Uke\s+Dato\s+Tid\s+Type\s+Hva\s+Ansvar\s+Rolle$", nxt, re.M)
