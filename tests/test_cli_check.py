"""`aarshjul check`: a summary and warnings; exit 1 only for plan errors."""

from __future__ import annotations

from datetime import date

import pytest
from conftest import PLANS

from aarshjul.engine.check import WarningKind, find_warnings, summarize
from aarshjul.plan.loader import load_plan

MINI = PLANS / "mini.yaml"
CHECK = PLANS / "cli_check.yaml"
CLEAN = PLANS / "cli_clean.yaml"
BROKEN = PLANS / "cli_broken.yaml"


def test_mini_summary_and_warnings(run) -> None:
    r = run("check", plan=MINI)
    assert r.exit_code == 0, r.output
    out = r.stdout
    assert out.startswith(f"Planen er gyldig: {MINI}\nTestplan – Testkommune\nPlanperiode: 01.08.2018–31.12.2022\n")
    assert "  Virksomheter:      7\n  Tiltak:            7\n  Hendelser:        11\n" in out
    assert "  Antatte datoer:    1\n  Venter på dato:    1\n" in out
    assert ("Advarsler (5):\n  - Planperioden 2018–2022 er utløpt (periode_til 31.12.2022). Planen er videreført, "
            "og alle utdata sier det: Testplanen gjelder til den er rullert.\n") in out
    assert f"  - {MINI}:64: Tiltaket «Kvello» (kvello) har ingen hendelse av typen evaluering.\n" in out
    assert "venter på datoen «Kommunepsykolog-stillingen er besatt»" in out
    assert r.stderr == ""


def test_alias_sjekk(run) -> None:
    a, b = run("check", plan=MINI), run("sjekk", plan=MINI)
    assert a.exit_code == b.exit_code == 0 and a.stdout == b.stdout


def test_period_not_expired_before_its_end(run) -> None:
    r = run("check", plan=MINI, today="31.12.2022")
    assert "Planperioden" not in r.stdout
    r = run("check", plan=MINI, today="01.01.2023")
    assert "Planperioden 2018–2022 er utløpt (periode_til 31.12.2022)." in r.stdout


def test_each_kind_of_warning(run) -> None:
    r = run("check", plan=CHECK)
    assert r.exit_code == 0
    out = r.stdout
    assert "Advarsler (4):" in out
    assert (f"{CHECK}:14: Virksomheten «Biblioteket» (bibliotek) er ikke nevnt i noe tiltak "
            "(verken under ansvar, deltakere eller medlemmer).") in out  # fmt: skip
    assert ("«Samordningsmøte» (Samordning) skjer 3 ganger i skoleåret 2026/27, men planen sier "
            "minst 4 ganger i året (minimum_per_år).") in out  # fmt: skip
    assert "Tiltaket «Koordinator» (koordinator) har ingen hendelse av typen evaluering." in out
    assert "«Oppstartsmøte med koordinator» (Koordinator) venter på datoen «Koordinator er ansatt»" in out
    assert "utløpt" not in out
    # PPT is only a deltaker, Skole only ansvar: both count as referred to.
    assert "«PPT»" not in out and "«Skole»" not in out


def test_clean_plan(run) -> None:
    r = run("check", plan=CLEAN)
    assert r.exit_code == 0
    assert r.stdout.endswith("\nIngen advarsler.\n")


@pytest.mark.parametrize("cmd", ["check", "sjekk"])
def test_plan_error_exits_1_with_the_message_on_stderr(run, cmd: str) -> None:
    r = run(cmd, plan=BROKEN)
    assert r.exit_code == 1
    assert r.stdout == ""
    assert r.stderr.splitlines() == [
        f"Feil i planen: {BROKEN}:14:14: Tiltaket «samarbeid»: ansvar: ukjent virksomhet «skole-nord». "
        "Mente du «skole»? Kjente virksomheter: skole.",
        "Planen er ikke gyldig (1 feil).",
    ]


def test_missing_or_unreadable_plan_exits_1(run, tmp_path) -> None:
    r = run("check", plan=tmp_path / "finnes-ikke.yaml")
    assert r.exit_code == 1
    assert "filen finnes ikke." in r.stderr
    r = run("check", plan=tmp_path)
    assert r.exit_code == 1
    assert "er en mappe, ikke en fil" in r.stderr
    assert "Traceback" not in r.output


# --- the core: aarshjul/check.py -----------------------------------------------------


def test_summarize_counts() -> None:
    s = summarize(load_plan(MINI))
    assert (s.virksomheter, s.tiltak, s.hendelser, s.antatte, s.ventende) == (7, 7, 11, 1, 1)


def test_under_minimum_counts_each_school_year_of_the_period_and_the_current_one() -> None:
    plan = load_plan(CHECK)  # period 2026/27 only
    kinds = [w for w in find_warnings(plan, date(2028, 9, 1)) if w.kind is WarningKind.UNDER_MINIMUM]
    assert ["2026/27" in w.message for w in kinds] == [True, False]
    assert "2028/29" in kinds[1].message
    assert kinds[0].line == 29


def test_mini_meets_its_floor() -> None:
    # Samordningsgruppa: 4 meetings every school year, minimum 4: no warning in any year.
    warnings = find_warnings(load_plan(MINI), date(2026, 11, 25))
    assert not [w for w in warnings if w.kind is WarningKind.UNDER_MINIMUM]
    assert [w.kind for w in warnings].count(WarningKind.MANGLER_EVALUERING) == 3
