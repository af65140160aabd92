"""`check` warnings about the ferier (engine/check.py _ferier), each pinned to real dates.

tests/plans/skoleruter/ has skolerute files for 2026/27 and 2027/28 and gives no warnings;
each test changes one thing in a copy of it.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from conftest import PLANS, REPO, skoleruter_kopi

from aarshjul.engine.check import PlanWarning, WarningKind, find_warnings
from aarshjul.plan.loader import load_plan

SKOLERUTER = PLANS / "skoleruter"



def _advarsler(plan_fil: Path, today: date, kind: WarningKind | None = None) -> list[PlanWarning]:
    return [w for w in find_warnings(load_plan(plan_fil), today) if kind is None or w.kind is kind]


@pytest.mark.parametrize("today", [date(2026, 9, 1), date(2027, 9, 1), date(2028, 7, 1)])
def test_the_test_plan_is_clean(today: date) -> None:
    assert find_warnings(load_plan(SKOLERUTER / "plan.yaml"), today) == []


def test_a_school_year_without_ferier(tmp_path: Path) -> None:
    plan_fil = skoleruter_kopi(tmp_path, "periode_til: 31.07.2028", "periode_til: 31.07.2030")
    [w] = _advarsler(plan_fil, date(2027, 9, 1), WarningKind.SKOLEAAR_UTEN_FERIER)
    assert w.line is None
    assert w.message.startswith("Skoleåret 2028/29 har ingen ferier: møtene blir ikke flyttet ut av høstferien")
    assert "Legg til skoleruta for 2028/29 i ferier_fil" in w.message
    # The current school year (2026/27) and the next have files: nothing to say.
    assert _advarsler(plan_fil, date(2026, 9, 1), WarningKind.SKOLEAAR_UTEN_FERIER) == []


def test_a_school_year_after_the_plan_period_is_not_checked(tmp_path: Path) -> None:
    assert _advarsler(SKOLERUTER / "plan.yaml", date(2027, 9, 1)) == []  # 2028/29 is after 31.07.2028
    plan_fil = skoleruter_kopi(tmp_path, "  periode_til: 31.07.2028\n",
                     '  periode_til: 31.07.2028\n  videreført: "Gjelder til ny plan er vedtatt."\n')  # fmt: skip
    kinds = [w.kind for w in _advarsler(plan_fil, date(2027, 9, 1))]
    assert WarningKind.SKOLEAAR_UTEN_FERIER in kinds


def test_plans_without_ferier_say_nothing_new() -> None:
    plan = load_plan(REPO / "data" / "plan.yaml")
    assert not plan.ferier
    ferie_kinds = {WarningKind.SKOLEAAR_UTEN_FERIER, WarningKind.SKOLERUTE, WarningKind.LANG_FLYTTING,
                   WarningKind.FRIST_I_FERIE, WarningKind.FERIE_MANGLER}  # fmt: skip
    assert not [w for w in find_warnings(plan, date(2026, 12, 1)) if w.kind in ferie_kinds]


def test_a_pupil_day_on_a_weekend(tmp_path: Path) -> None:
    plan_fil = skoleruter_kopi(tmp_path, csv={"skolerute-2027-28.csv": "2027-10-09;Fjellbygd skole;Ja;Ja;Ja;\n"})
    [w] = _advarsler(plan_fil, date(2026, 9, 1), WarningKind.SKOLERUTE)
    assert (w.fil, w.line) == (tmp_path / "skolerute-2027-28.csv", 227)
    assert w.message == ("Lørdag 09.10.2027 er oppført som elevdag (elevdag = Ja). "
                         "Programmet ser bort fra helgedager; stemmer datoen?")  # fmt: skip


def test_a_date_twice_with_different_elevdag(tmp_path: Path) -> None:
    plan_fil = skoleruter_kopi(tmp_path, csv={"skolerute-2027-28.csv": "2027-10-05;Fjellbygd skole;Ja;Ja;Ja;\n"})
    [w] = _advarsler(plan_fil, date(2026, 9, 1), WarningKind.SKOLERUTE)
    assert (w.fil, w.line) == (tmp_path / "skolerute-2027-28.csv", 227)
    assert w.message.startswith("05.10.2027 står to ganger for Fjellbygd skole med ulik elevdag "
                                "(linje 38: Nei, linje 227: Ja).")  # fmt: skip


def test_two_schools_in_one_file_may_differ(tmp_path: Path) -> None:
    plan_fil = skoleruter_kopi(tmp_path, csv={"skolerute-2027-28.csv": "2027-10-05;Fjellbygd ungdomsskole;Ja;Ja;Ja;\n"})
    assert _advarsler(plan_fil, date(2026, 9, 1), WarningKind.SKOLERUTE) == []


def test_two_files_that_disagree_about_a_day(tmp_path: Path) -> None:
    # 2027-28's file also lists 25.06.2027, a school day there; 2026-27's says sommerferie.
    plan_fil = skoleruter_kopi(tmp_path, csv={"skolerute-2027-28.csv": "2027-06-25;Fjellbygd skole;Ja;Ja;Ja;\n"})
    [w] = _advarsler(plan_fil, date(2026, 9, 1), WarningKind.SKOLERUTE)
    assert (w.fil, w.line) == (tmp_path / "skolerute-2027-28.csv", 227)
    assert w.message == ("25.06.2027 er skoledag her, men skolefri i skolerute-2026-27.csv, linje 226. "
                         "Programmet regner dagen som skolefri; rett opp den filen som er feil.")  # fmt: skip
    # The same day the same way in both files is fine.
    assert _advarsler(SKOLERUTER / "plan.yaml", date(2026, 9, 1), WarningKind.SKOLERUTE) == []


def test_a_move_longer_than_a_week(tmp_path: Path) -> None:
    plan_fil = skoleruter_kopi(tmp_path, "  ferier_gjelder: [skole]\n",
                     "  ferier_gjelder: [skole]\n  ferier:\n"
                     "    - {navn: Sommerferie, fra: 21.06.2027, til: 06.08.2027}\n")  # fmt: skip
    with (tmp_path / "plan.yaml").open("a", encoding="utf-8") as f:
        f.write("      - {id: juni, tittel: Avslutning, type: møte, når: {måneder: [juni], dag: 22}}\n")
    [w] = _advarsler(plan_fil, date(2026, 9, 1), WarningKind.LANG_FLYTTING)
    assert w.line == 70
    assert w.message == ("«Avslutning» (Utviklingssamtaler) flyttes fra 22.06.2027 til 09.08.2027 (48 dager; "
                         "sommerferie). Vurder en annen dato, «flytt: tidligere» eller «unngå_ferier: nei».")  # fmt: skip


def test_a_move_through_two_ferier(tmp_path: Path) -> None:
    # Vinterferie 01.–05.03.2027, then a leirskole week: first Tuesday 02.03 → 16.03.
    plan_fil = skoleruter_kopi(tmp_path, "  ferier_gjelder: [skole]\n",
                     "  ferier_gjelder: [skole]\n  ferier:\n"
                     "    - {navn: Leirskole, fra: 08.03.2027, til: 12.03.2027}\n")  # fmt: skip
    w, uke = _advarsler(plan_fil, date(2026, 9, 1), WarningKind.LANG_FLYTTING)
    assert (w.line, uke.line) == (36, 46)  # the first Tuesday, and uker [9] onsdag
    assert w.message.startswith("«Samarbeidsmøte med skolen» (Samarbeid om barn med behov for støtte) flyttes fra "
                                "02.03.2027 til 16.03.2027 (14 dager; vinterferie og leirskole).")  # fmt: skip


def test_a_whole_week_move_is_fine() -> None:
    # 02.03.2027 → 09.03.2027 (vinterferie) in the test plan: no warning (the clean test).
    plan = load_plan(SKOLERUTER / "plan.yaml")
    assert not [w for w in find_warnings(plan, date(2026, 9, 1)) if w.kind is WarningKind.LANG_FLYTTING]


def test_a_frist_of_the_school_in_a_ferie(tmp_path: Path) -> None:
    plan_fil = skoleruter_kopi(tmp_path)
    with plan_fil.open("a", encoding="utf-8") as f:
        f.write("      - {id: frist, tittel: Søknad om skoleskyss, type: frist, når: {måneder: [oktober], dag: 5}}\n"
                "      - {id: bhg, tittel: Barnehagens frist, type: frist, når: {måneder: [oktober], dag: 5},"
                " ansvar: [barnehage]}\n"
                "      - {id: ja, tittel: Flyttes, type: frist, når: {måneder: [oktober], dag: 5}, unngå_ferier: ja}\n")
    [w] = _advarsler(plan_fil, date(2026, 9, 1), WarningKind.FRIST_I_FERIE)
    assert w.line == 68
    assert w.message == ("Fristen «Søknad om skoleskyss» (Utviklingssamtaler) faller i ferien 05.10.2026 (høstferie) "
                         "og 05.10.2027 (høstferie) og blir stående der. Skriv «unngå_ferier: ja» for å flytte den "
                         "ut av ferien, eller velg en annen dato.")  # fmt: skip


def test_foer_ferie_without_that_ferie_in_a_school_year(tmp_path: Path) -> None:
    # Rename 2027/28's høstferie: that school year has ferier, but no Høstferie.
    plan_fil = skoleruter_kopi(tmp_path)
    csv = tmp_path / "skolerute-2027-28.csv"
    csv.write_text(csv.read_text(encoding="utf-8").replace("Høstferie", "Haustferie"), encoding="utf-8")
    [w] = _advarsler(plan_fil, date(2027, 9, 1), WarningKind.FERIE_MANGLER)
    assert w.line == 60
    assert w.message.startswith("Høstferie finnes ikke i skoleåret 2027/28, så «Utviklingssamtaler før høstferien» "
                                "(Utviklingssamtaler) får ingen dato det året.")  # fmt: skip


def test_check_shows_the_csv_file_and_line(run, tmp_path: Path) -> None:
    plan_fil = skoleruter_kopi(tmp_path, csv={"skolerute-2027-28.csv": "2027-10-09;Fjellbygd skole;Ja;Ja;Ja;\n"})
    r = run("check", plan=plan_fil, today="01.09.2026")
    assert r.exit_code == 0, r.output
    assert f"{tmp_path / 'skolerute-2027-28.csv'}:227: Lørdag 09.10.2027 er oppført som elevdag" in r.stdout
