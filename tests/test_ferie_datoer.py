"""Dates and the ferier: moves that keep the weekday, and `før_ferie`/`etter_ferie`.

A rule that names a weekday (`dag: første tirsdag`, `uker: [9], dag: onsdag`) moves out
of a ferie by whole weeks; other rules move day by day (engine/expand.py). Real dates:
vinterferie 2027 is 01.–05.03.2027 (uke 9), høstferie 2026 05.–09.10.2026, juleferie
2026 ends 01.01.2027 and 04.01.2027 is a planleggingsdag (tests/plans/skoleruter/).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from conftest import PLANS

from aarshjul.engine.expand import expand
from aarshjul.errors import PlanError
from aarshjul.model import Forekomst, Plan
from aarshjul.plan.loader import load_plan

SKOLERUTER = PLANS / "skoleruter"


def _plan(tmp_path: Path, ferier: str, hendelser: str) -> Plan:
    plan_fil = tmp_path / "plan.yaml"
    plan_fil.write_text(
        "plan:\n  navn: P\n  kommune: K\n  periode_fra: 01.01.2026\n  periode_til: 31.12.2028\n"
        f"  ferier:\n{ferier}"
        "virksomheter:\n  skole: {navn: Skolen}\n"
        "tiltak:\n  - id: t\n    navn: T\n    kilde: x\n    ansvar: [skole]\n"
        f"    uten_evaluering: test\n    hendelser:\n{hendelser}",
        encoding="utf-8",
    )
    return load_plan(plan_fil)


VINTERFERIE = "    - {navn: Vinterferie, uker: [9]}\n"


def _alle(plan: Plan, hendelse: str, fra: date, til: date) -> list[Forekomst]:
    return [f for f in expand(plan, fra, til) if f"{f.tiltak_id}.{f.hendelse_id}" == hendelse]


def _datoer(plan: Plan, hendelse: str, fra: date, til: date) -> list[date]:
    return [f.dato for f in _alle(plan, hendelse, fra, til)]


MARS_2027 = (date(2027, 3, 1), date(2027, 4, 1))


# --- moves that keep the weekday ------------------------------------------------------


def test_first_tuesday_in_vinterferie_moves_a_week_and_stays_a_tuesday() -> None:
    plan = load_plan(SKOLERUTER / "plan.yaml")
    [f] = _alle(plan, "samarbeid.skolemote", *MARS_2027)
    assert (f.dato, f.flyttet_fra, f.flyttet_grunn) == (date(2027, 3, 9), date(2027, 3, 2), "vinterferie")
    assert f.dato.weekday() == 1
    assert f.nokkel == "samarbeid.skolemote.2027-03"  # the periode is the rule's month


def test_a_week_rule_moves_a_week(tmp_path: Path) -> None:
    plan = _plan(tmp_path, VINTERFERIE, "      - {id: m, tittel: M, type: møte, når: {uker: [9], dag: onsdag}}\n")
    assert _datoer(plan, "t.m", *MARS_2027) == [date(2027, 3, 10)]


def test_flytt_tidligere_moves_a_week_back(tmp_path: Path) -> None:
    plan = _plan(tmp_path, VINTERFERIE, "      - {id: m, tittel: M, type: møte, flytt: tidligere,"
                                        " når: {måneder: [mars], dag: første tirsdag}}\n")  # fmt: skip
    assert _datoer(plan, "t.m", date(2027, 2, 1), date(2027, 4, 1)) == [date(2027, 2, 23)]


def test_hopp_over_drops_the_date(tmp_path: Path) -> None:
    plan = _plan(tmp_path, VINTERFERIE, "      - {id: m, tittel: M, type: møte, flytt: hopp_over,"
                                        " når: {måneder: [mars], dag: første tirsdag}}\n")  # fmt: skip
    assert _datoer(plan, "t.m", *MARS_2027) == []


def test_a_move_into_another_ferie_keeps_going(tmp_path: Path) -> None:
    ferier = VINTERFERIE + "    - {navn: Leirskole, fra: 08.03.2027, til: 12.03.2027}\n"
    plan = _plan(tmp_path, ferier, "      - {id: m, tittel: M, type: møte, når: {måneder: [mars], dag: første tirsdag}}\n")
    [f] = _alle(plan, "t.m", *MARS_2027)
    assert (f.dato, f.flyttet_grunn) == (date(2027, 3, 16), "vinterferie; leirskole")


def test_a_week_move_onto_a_holiday_then_moves_a_day(tmp_path: Path) -> None:
    # Uke 19 of 2027 is 10.–14.05; the Monday after is 17. mai, so Tuesday 18.05.
    plan = _plan(tmp_path, "    - {navn: Maiferie, uker: [19]}\n",
                 "      - {id: m, tittel: M, type: møte, når: {uker: [19], dag: mandag}}\n")  # fmt: skip
    [f] = _alle(plan, "t.m", date(2027, 5, 1), date(2027, 6, 1))
    assert (f.dato, f.flyttet_fra) == (date(2027, 5, 18), date(2027, 5, 10))
    assert f.flyttet_grunn is not None and f.flyttet_grunn.startswith("maiferie")


def test_other_rules_move_day_by_day_and_a_weekly_meeting_skips_the_ferie(tmp_path: Path) -> None:
    plan = _plan(tmp_path, VINTERFERIE, "      - {id: m, tittel: M, type: møte, når: {måneder: [mars], dag: 2}}\n"
                                        "      - {id: u, tittel: U, type: møte, når: {ukentlig: onsdag}}\n")  # fmt: skip
    assert _datoer(plan, "t.m", *MARS_2027) == [date(2027, 3, 8)]  # 02.03 → Monday after the ferie
    # ukentlig: the ferie's Wednesday (03.03) is not held; the next one is 10.03.
    assert _datoer(plan, "t.u", date(2027, 3, 1), date(2027, 3, 15)) == [date(2027, 3, 10)]


# --- før_ferie and etter_ferie ----------------------------------------------------------


def test_foer_hoestferie_on_tuesday_of_the_week_before() -> None:
    plan = load_plan(SKOLERUTER / "plan.yaml")
    samtaler = _alle(plan, "samtaler.hoest", date(2026, 8, 1), date(2028, 8, 1))
    assert [(f.dato, f.nokkel, f.flyttet_fra) for f in samtaler] == [
        (date(2026, 9, 29), "samtaler.hoest.2026", None),  # høstferie from Monday 05.10.2026
        (date(2027, 9, 28), "samtaler.hoest.2027", None),  # høstferie from Monday 04.10.2027
    ]


def test_etter_vinterferie_is_the_first_school_day_after() -> None:
    plan = load_plan(SKOLERUTER / "plan.yaml")
    assert _datoer(plan, "samtaler.vinter", date(2026, 8, 1), date(2028, 8, 1)) == [
        date(2027, 3, 8), date(2028, 3, 6)
    ]  # fmt: skip


def test_etter_juleferie_skips_the_planleggingsdag_and_names_a_monday(tmp_path: Path) -> None:
    plan_fil = tmp_path / "plan.yaml"
    tekst = (SKOLERUTER / "plan.yaml").read_text(encoding="utf-8").replace(
        "        når: {etter_ferie: vinterferie}\n", "        når: {etter_ferie: JULEFERIE, dag: mandag}\n"
    )
    plan_fil.write_text(tekst, encoding="utf-8")
    for csv in SKOLERUTER.glob("*.csv"):
        (tmp_path / csv.name).write_bytes(csv.read_bytes())
    plan = load_plan(plan_fil)
    # 04.01.2027 is a planleggingsdag: the first school day is Tuesday 05.01, and its
    # Monday is before it, so 05.01. In 2028 school starts on Monday 03.01.
    assert _datoer(plan, "samtaler.vinter", date(2026, 8, 1), date(2028, 8, 1)) == [
        date(2027, 1, 5), date(2028, 1, 3)
    ]  # fmt: skip


def test_a_weekday_inside_the_ferie_is_the_school_day_itself(tmp_path: Path) -> None:
    # A ferie from Wednesday 07.10.2026: «fredag» of that week is in it, so Tuesday 06.10.
    plan = _plan(tmp_path, "    - {navn: Høstferie, fra: 07.10.2026, til: 13.10.2026}\n",
                 "      - {id: f, tittel: F, type: møte, når: {før_ferie: Høstferie, dag: fredag}}\n"
                 "      - {id: m, tittel: M, type: møte, når: {før_ferie: Høstferie, dag: mandag}}\n"
                 "      - {id: e, tittel: E, type: møte, når: {etter_ferie: Høstferie, dag: mandag}}\n")  # fmt: skip
    fra, til = date(2026, 9, 1), date(2026, 11, 1)
    assert _datoer(plan, "t.f", fra, til) == [date(2026, 10, 6)]
    assert _datoer(plan, "t.m", fra, til) == [date(2026, 10, 5)]
    assert _datoer(plan, "t.e", fra, til) == [date(2026, 10, 14)]  # Wednesday: Monday was in the ferie


def test_a_holiday_on_the_weekday_moves_away_from_the_ferie(tmp_path: Path) -> None:
    # Høstferie (made up) from Monday 10.05.2027; Thursday 06.05.2027 is Kristi himmelfartsdag.
    plan = _plan(tmp_path, "    - {navn: Maiferie, fra: 10.05.2027, til: 14.05.2027}\n",
                 "      - {id: f, tittel: F, type: møte, når: {før_ferie: maiferie, dag: torsdag}}\n"
                 "      - {id: e, tittel: E, type: møte, når: {etter_ferie: maiferie, dag: mandag}}\n")  # fmt: skip
    assert _datoer(plan, "t.f", date(2027, 4, 1), date(2027, 6, 1)) == [date(2027, 5, 5)]
    assert _datoer(plan, "t.e", date(2027, 4, 1), date(2027, 6, 1)) == [date(2027, 5, 18)]  # 17. mai


def test_a_name_used_twice_a_year_keys_by_date(tmp_path: Path) -> None:
    plan = _plan(tmp_path, "    - {navn: Planleggingsdag, fra: 13.11.2026, til: 13.11.2026}\n"
                           "    - {navn: Planleggingsdag, fra: 17.08.2026, til: 17.08.2026}\n",
                 "      - {id: e, tittel: E, type: møte, når: {etter_ferie: Planleggingsdag}}\n")  # fmt: skip
    assert [(f.dato, f.periode) for f in _alle(plan, "t.e", date(2026, 8, 1), date(2027, 1, 1))] == [
        (date(2026, 8, 18), "2026-08-17"), (date(2026, 11, 16), "2026-11-13"),
    ]  # fmt: skip


def test_an_unknown_ferie_name_is_an_error_with_a_suggestion(tmp_path: Path) -> None:
    with pytest.raises(PlanError) as e:
        _plan(tmp_path, VINTERFERIE, "      - {id: m, tittel: M, type: møte, når: {før_ferie: Vinterfri}}\n")
    [problem] = e.value.problems
    assert problem.line == 17
    assert "ukjent ferie «Vinterfri». Mente du «Vinterferie»? Ferier i planen: Vinterferie." in problem.message


def test_foer_ferie_needs_ferier(tmp_path: Path) -> None:
    plan_fil = tmp_path / "plan.yaml"
    plan_fil.write_text(
        "plan:\n  navn: P\n  kommune: K\nvirksomheter:\n  skole: {navn: Skolen}\n"
        "tiltak:\n  - id: t\n    navn: T\n    kilde: x\n    ansvar: [skole]\n    uten_evaluering: test\n"
        "    hendelser:\n      - {id: m, tittel: M, type: møte, når: {etter_ferie: Høstferie, dag: fredagen}}\n"
        "      - {id: n, tittel: N, type: møte, når: {før_ferie: Høstferie}}\n",
        encoding="utf-8",
    )
    with pytest.raises(PlanError) as e:
        load_plan(plan_fil)
    meldinger = [p.message for p in e.value.problems]
    assert any("dag: ukjent ukedag «fredagen»" in m for m in meldinger)
    assert any("før_ferie: planen har ingen ferier." in m for m in meldinger)
