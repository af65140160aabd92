"""`ferier_gjelder:` decides whose meetings avoid the ferier (plan/loader.py).

tests/plans/skoleruter/ has only the school follow the school calendar: the PP
meeting with the school moves out of høstferien 2027 (04.–08.10.2027), the one with the
barnehage stays on Tuesday 05.10.2027. An explicit `unngå_ferier:` still wins.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from conftest import PLANS, skoleruter_kopi

from aarshjul.engine.expand import expand
from aarshjul.model import Forekomst, Plan
from aarshjul.plan.loader import load_plan

SKOLERUTER = PLANS / "skoleruter"
HOESTFERIEN_2027 = (date(2027, 10, 1), date(2027, 11, 1))



def _en(plan: Plan, hendelse: str, fra: date, til: date) -> list[Forekomst]:
    return [f for f in expand(plan, fra, til) if f"{f.tiltak_id}.{f.hendelse_id}" == hendelse]


def test_the_schools_meeting_moves_the_barnehages_stays() -> None:
    plan = load_plan(SKOLERUTER / "plan.yaml")
    [skole] = _en(plan, "samarbeid.skolemote", *HOESTFERIEN_2027)
    [barnehage] = _en(plan, "samarbeid.barnehagemote", *HOESTFERIEN_2027)
    assert (skole.dato, skole.flyttet_fra, skole.flyttet_grunn) == (date(2027, 10, 12), date(2027, 10, 5), "høstferie")
    assert (barnehage.dato, barnehage.flyttet_fra) == (date(2027, 10, 5), None)
    # Same rule, different units: the shared-date memo keeps them apart.
    assert barnehage.nokkel == "samarbeid.barnehagemote.2027-10"


def test_loader_sets_unngaa_ferier_by_unit() -> None:
    plan = load_plan(SKOLERUTER / "plan.yaml")
    unngaa = {h.id: h.unngaa_ferier for t in plan.tiltak for h in t.hendelser}
    assert unngaa == {
        "skolemote": True, "barnehagemote": False, "ukemote": True,
        "evaluering": False,  # an evaluering never avoids them unless asked
        "hoest": True, "vinter": True,
    }  # fmt: skip


def test_an_explicit_unngaa_ferier_still_wins(tmp_path: Path) -> None:
    plan = load_plan(skoleruter_kopi(tmp_path, "        deltakere: [barnehage]\n",
                           "        deltakere: [barnehage]\n        unngå_ferier: ja\n"))  # fmt: skip
    [barnehage] = _en(plan, "samarbeid.barnehagemote", *HOESTFERIEN_2027)
    assert barnehage.dato == date(2027, 10, 12)
    plan = load_plan(skoleruter_kopi(tmp_path, "        deltakere: [skole]\n", "        deltakere: [skole]\n        unngå_ferier: nei\n"))
    [skole] = _en(plan, "samarbeid.skolemote", *HOESTFERIEN_2027)
    assert skole.dato == date(2027, 10, 5)


def test_without_ferier_gjelder_everyone_avoids_the_ferier(tmp_path: Path) -> None:
    plan = load_plan(skoleruter_kopi(tmp_path, "  ferier_gjelder: [skole]\n", ""))
    assert [f.dato for f in _en(plan, "samarbeid.barnehagemote", *HOESTFERIEN_2027)] == [date(2027, 10, 12)]


@pytest.mark.parametrize("gjelder, flyttes", [("[skole]", True), ("[barnehage]", True), ("[familiesenter]", False)])
def test_a_group_follows_when_a_member_does(tmp_path: Path, gjelder: str, flyttes: bool) -> None:
    # Fjellbygd's koordineringsteamet (barnehage, skole, helsestasjon, barnevern) meets
    # on the first Monday: 05.10.2026 is in høstferien. The familiesenter is no member.
    fjellbygd = PLANS / "fjellbygd"
    for fil in fjellbygd.iterdir():
        shutil.copy(fil, tmp_path / fil.name)
    plan_fil = tmp_path / "plan.yaml"
    tekst = plan_fil.read_text(encoding="utf-8")
    plan_fil.write_text(tekst.replace("  ferier_fil: skolerute-2026-27.csv\n",
                                      f"  ferier_fil: skolerute-2026-27.csv\n  ferier_gjelder: {gjelder}\n"),
                        encoding="utf-8")  # fmt: skip
    plan = load_plan(plan_fil)
    [mote] = _en(plan, "koordinering.mote", date(2026, 10, 1), date(2026, 11, 1))
    assert mote.dato == (date(2026, 10, 12) if flyttes else date(2026, 10, 5))
