"""Fjordvik kommune (tests/plans/fjordvik/): an oppvekst årshjul in another kommune's
own words, with windows, dates relative to the holidays, one skolerute file per school
year, and holidays that only the schools and PPT follow.

The dates are checked against a real calendar and the two skolerute files:
- 2026/27: school from 17.08.2026, høstferie 28.09.–02.10.2026, juleferie
  21.12.2026–01.01.2027, vinterferie 22.–26.02.2027, påskeferie 22.–29.03.2027,
  sommerferie from 21.06.2027;
- 2027/28: school from 16.08.2027, høstferie 04.–08.10.2027, juleferie
  20.–31.12.2027, vinterferie 21.–25.02.2028, påskeferie 10.–17.04.2028.
ISO week 36 starts on 31.08.2026 and 06.09.2027.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from conftest import PLANS

from aarshjul.engine.check import find_warnings
from aarshjul.engine.expand import expand
from aarshjul.model import Forekomst, Plan
from aarshjul.plan.loader import load_plan

FJORDVIK = PLANS / "fjordvik" / "plan.yaml"
SKOLEAAR_1 = (date(2026, 8, 1), date(2027, 8, 1))
SKOLEAAR_2 = (date(2027, 8, 1), date(2028, 8, 1))


@pytest.fixture(scope="module")
def plan() -> Plan:
    return load_plan(FJORDVIK)


def _hendelse(plan: Plan, key: str, fra: date = SKOLEAAR_1[0], til: date = SKOLEAAR_2[1]) -> list[Forekomst]:
    tiltak, hendelse = key.split(".")
    return [f for f in expand(plan, fra, til) if (f.tiltak_id, f.hendelse_id) == (tiltak, hendelse)]


def _datoer(plan: Plan, key: str) -> list[date]:
    return [f.dato for f in _hendelse(plan, key)]


def test_both_school_years_come_from_their_own_skolerute_file(plan: Plan) -> None:
    filer = {f.kilde.split(",")[0] for f in plan.ferier}
    assert filer == {"skolerute-2026-27.csv", "skolerute-2027-28.csv"}
    hoest = sorted((f.fra, f.til) for f in plan.ferier if f.navn == "Høstferie")
    assert hoest == [(date(2026, 9, 28), date(2026, 10, 2)), (date(2027, 10, 4), date(2027, 10, 8))]


def test_national_tests_are_one_window_each_year(plan: Plan) -> None:
    spenn = [(f.dato, f.sluttdato) for f in _hendelse(plan, "nasjonale_prover.gjennomforing")]
    assert spenn == [(date(2026, 8, 31), date(2026, 9, 18)), (date(2027, 9, 6), date(2027, 9, 24))]


def test_transition_meetings_are_a_window_in_may_and_june(plan: Plan) -> None:
    spenn = [(f.dato, f.sluttdato) for f in _hendelse(plan, "overgang.overgangsmoter")]
    assert spenn == [(date(2027, 5, 1), date(2027, 6, 12)), (date(2028, 5, 1), date(2028, 6, 12))]


def test_development_talks_are_due_the_last_school_day_before_hoestferien(plan: Plan) -> None:
    # Høstferie starts Monday 28.09.2026 and Monday 04.10.2027: the Fridays before.
    assert _datoer(plan, "utviklingssamtaler.hoest") == [date(2026, 9, 25), date(2027, 10, 1)]


def test_ppt_meets_the_wednesday_after_vinterferien(plan: Plan) -> None:
    # The first school days after vinterferie are Monday 01.03.2027 and Monday 28.02.2028.
    assert _datoer(plan, "ppt_skole.oppstart_vaar") == [date(2027, 3, 3), date(2028, 3, 1)]


def test_the_leader_meeting_keeps_its_tuesday_when_a_holiday_moves_it(plan: Plan) -> None:
    datoer = _datoer(plan, "ledermote.mote")
    assert datoer == [
        date(2026, 8, 25),
        date(2026, 10, 6),  # 29.09.2026 is in høstferie: the Tuesday after it
        date(2026, 10, 27), date(2026, 11, 24),
        date(2027, 1, 5),  # 29.12.2026 is in juleferie
        date(2027, 1, 26),
        date(2027, 3, 2),  # 23.02.2027 is in vinterferie
        date(2027, 3, 30), date(2027, 4, 27), date(2027, 5, 25),
        date(2027, 8, 31), date(2027, 9, 28), date(2027, 10, 26), date(2027, 11, 30),
        date(2028, 1, 4),  # 28.12.2027 is in juleferie
        date(2028, 1, 25), date(2028, 2, 29), date(2028, 3, 28), date(2028, 4, 25), date(2028, 5, 30),
    ]  # fmt: skip
    assert {d.weekday() for d in datoer} == {1}


def test_barnehager_keep_their_meetings_in_hoestferien_while_schools_move_theirs(plan: Plan) -> None:
    # The first Tuesday of October 2027 (05.10) is in the schools' høstferie.
    assert _datoer(plan, "foreldremote_bhg.hoest") == [date(2026, 10, 6), date(2027, 10, 5)]
    assert _datoer(plan, "foreldremote_skole.hoest") == [date(2026, 10, 6), date(2027, 10, 12)]
    # The helsestasjon and the barnehager do not follow the school calendar either.
    assert _datoer(plan, "helsestasjon_bhg.samarbeid") == [date(2026, 10, 7), date(2027, 10, 6)]


def test_a_meeting_with_ppt_avoids_the_easter_holiday(plan: Plan) -> None:
    # PPT follows the school calendar; 12.04.2028 is in påskeferie: the Wednesday after.
    assert _datoer(plan, "bti.koordinering") == [
        date(2026, 9, 9), date(2027, 1, 13), date(2027, 4, 14),
        date(2027, 9, 8), date(2028, 1, 12), date(2028, 4, 19),
    ]  # fmt: skip


def test_the_plan_checks_without_warnings(plan: Plan) -> None:
    assert [p.message for p in find_warnings(plan, date(2026, 12, 7))] == []


def test_check_says_which_school_year_has_no_skolerute(tmp_path: Path) -> None:
    mappe = tmp_path / "fjordvik"
    shutil.copytree(FJORDVIK.parent, mappe)
    (mappe / "skolerute-2027-28.csv").unlink()
    tekst = (mappe / "plan.yaml").read_text(encoding="utf-8")
    (mappe / "plan.yaml").write_text(
        tekst.replace("ferier_fil: [skolerute-2026-27.csv, skolerute-2027-28.csv]", "ferier_fil: skolerute-2026-27.csv"),
        encoding="utf-8",
    )
    advarsler = " ".join(p.message for p in find_warnings(load_plan(mappe / "plan.yaml"), date(2026, 12, 7)))
    assert "2027/28" in advarsler


def test_the_weekly_resource_team_is_not_held_in_the_holidays(plan: Plan) -> None:
    # 44 Thursdays from 20.08.2026 to 17.06.2027; not held in høstferie (01.10),
    # juleferie (24.12, 31.12), vinterferie (25.02), påskeferie (25.03) or on Kristi
    # himmelfartsdag (06.05.2027), whose Friday after is a fridag in the skolerute.
    aar_1 = [f.dato for f in _hendelse(plan, "ressursteam.mote", *SKOLEAAR_1)]
    assert (len(aar_1), aar_1[0], aar_1[-1]) == (38, date(2026, 8, 20), date(2027, 6, 17))
    for ikke in (date(2026, 10, 1), date(2026, 12, 24), date(2027, 2, 25), date(2027, 3, 25), date(2027, 5, 6)):
        assert ikke not in aar_1
    assert {d.weekday() for d in aar_1} == {3}  # never moved to another day
    assert len(_hendelse(plan, "ressursteam.mote", *SKOLEAAR_2)) == 38
