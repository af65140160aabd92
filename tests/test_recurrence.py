"""The recurrence forms the plan needs, each pinned to concrete dates."""

from __future__ import annotations

import textwrap
from datetime import date
from pathlib import Path

import pytest

from aarshjul.engine.expand import expand, waiting
from aarshjul.model import Plan
from aarshjul.plan.loader import load_plan

HEAD = """\
plan:
  navn: Test
  kommune: Testkommune
virksomheter:
  a: {navn: A}
  b: {navn: B}
  gruppe: {navn: Gruppa, medlemmer: [b]}
"""


def make_plan(tmp_path: Path, hendelser: str, extra: str = "", head: str = HEAD) -> Plan:
    body = textwrap.indent(textwrap.dedent(hendelser), " " * 6)
    text = head + extra + "tiltak:\n  - id: t\n    navn: T\n    kilde: '1'\n    ansvar: [a]\n    hendelser:\n" + body
    path = tmp_path / "plan.yaml"
    path.write_text(text, encoding="utf-8")
    return load_plan(path)


def dates(plan: Plan, fra: date, til: date, hendelse: str | None = None) -> list[date]:
    return [f.dato for f in expand(plan, fra, til) if hendelse is None or f.hendelse_id == hendelse]


# --- months with a day rule ---------------------------------------------------------


def test_samba_2026_27_meets_in_august_december_march_may(mini_plan: Plan) -> None:
    moter = [f for f in expand(mini_plan, date(2026, 8, 1), date(2027, 8, 1)) if f.id.startswith("samba.mote")]
    assert [f.dato for f in moter] == [date(2026, 8, 4), date(2026, 12, 1), date(2027, 3, 2), date(2027, 5, 4)]
    assert all(f.dato.weekday() == 1 for f in moter)  # first Tuesday
    assert moter[1].id == "samba.mote.2026-12-01"
    assert moter[1].tid is not None and moter[1].tid.hour == 9


def test_day_of_month_and_last_day(tmp_path: Path) -> None:
    plan = make_plan(tmp_path, """\
        - {id: femtende, tittel: F, type: aktivitet, flytt: ingen, når: {måneder: [februar], dag: "15"}}
        - {id: tretti, tittel: T, type: aktivitet, flytt: ingen, når: {måneder: [februar, april], dag: "31"}}
        - {id: siste, tittel: S, type: frist, flytt: ingen, når: {måneder: [februar], dag: siste dag}}
    """)  # fmt: skip
    fra, til = date(2028, 1, 1), date(2029, 1, 1)
    assert dates(plan, fra, til, "femtende") == [date(2028, 2, 15)]
    # A day number the month lacks means the month's last day (2028 is a leap year).
    assert dates(plan, fra, til, "tretti") == [date(2028, 2, 29), date(2028, 4, 30)]
    assert dates(plan, fra, til, "siste") == [date(2028, 2, 29)]


def test_last_working_day_skips_easter(tmp_path: Path) -> None:
    # March 2024: the 31st is 1. påskedag, 29th langfredag, 28th skjærtorsdag.
    plan = make_plan(tmp_path, "- {id: e, tittel: E, type: evaluering, når: {måneder: [mars], dag: siste arbeidsdag}}")
    assert dates(plan, date(2024, 1, 1), date(2025, 1, 1)) == [date(2024, 3, 27)]


def test_first_working_day_and_last_weekday(tmp_path: Path) -> None:
    plan = make_plan(tmp_path, """\
        - {id: forste, tittel: F, type: aktivitet, når: {måneder: [januar], dag: første arbeidsdag}}
        - {id: fredag, tittel: S, type: aktivitet, når: {måneder: [januar], dag: siste fredag}}
    """)  # fmt: skip
    # 01.01.2027 is nyttårsdag (a Friday): the first arbeidsdag is Monday 4 January.
    assert dates(plan, date(2027, 1, 1), date(2027, 2, 1), "forste") == [date(2027, 1, 4)]
    assert dates(plan, date(2027, 1, 1), date(2027, 2, 1), "fredag") == [date(2027, 1, 29)]


def test_innen_utgangen_av_is_last_working_day_of_month(mini_plan: Plan) -> None:
    pmto = [f for f in expand(mini_plan, date(2018, 1, 1), date(2031, 1, 1)) if f.id.startswith("pmto.evaluering")]
    by_year = {f.dato.year: f.dato for f in pmto}
    assert by_year[2027] == date(2027, 3, 31)  # a Wednesday
    assert by_year[2024] == date(2024, 3, 27)  # 31.03.2024 is 1. påskedag
    assert by_year[2029] == date(2029, 3, 28)  # 29.-31.03.2029: skjærtorsdag, langfredag, Saturday
    assert by_year[2030] == date(2030, 3, 29)  # 31.03.2030 is a Sunday
    moved = next(f for f in pmto if f.dato == date(2030, 3, 29))
    assert moved.flyttet_fra == date(2030, 3, 31)


def test_hendelse_carries_its_own_ansvar(mini_plan: Plan) -> None:
    f = next(f for f in expand(mini_plan, date(2027, 1, 1), date(2027, 12, 31)) if f.tiltak_id == "pmto")
    assert f.ansvar == ("barnevern", "helsestasjon", "skole")
    assert mini_plan.finn_tiltak("pmto").ansvar == ("ppt",)


# --- every N years -------------------------------------------------------------------


def test_kvello_wheel_alternates_between_its_two_years(mini_plan: Plan) -> None:
    kvello = [f for f in expand(mini_plan, date(2026, 8, 1), date(2030, 8, 1)) if f.tiltak_id == "kvello"]
    assert [(f.hendelse_id, f.dato) for f in kvello] == [
        ("aar1", date(2026, 10, 15)),
        ("aar2", date(2027, 10, 15)),
        ("aar1", date(2028, 10, 16)),  # 15.10.2028 is a Sunday: an aktivitet moves later
        ("aar2", date(2029, 10, 15)),
    ]


def test_every_other_calendar_year_with_school_year_anchor(tmp_path: Path) -> None:
    # startskoleår counts school years: spring 2028 belongs to 2027/28, an "off" year.
    plan = make_plan(tmp_path, """\
        - id: mot
          tittel: MOT-styret
          type: evaluering
          når: {innen_utgangen_av: [oktober, mars], hvert_år: 2, startskoleår: 2026/27}
    """)  # fmt: skip
    assert dates(plan, date(2026, 8, 1), date(2029, 8, 1)) == [
        date(2026, 10, 30),  # 31.10.2026 is a Saturday
        date(2027, 3, 31),
        date(2028, 10, 31),
        date(2029, 3, 28),  # 29.03 skjærtorsdag, 30.03 langfredag, 31.03 a Saturday
    ]


def test_every_other_year_calendar_anchor(tmp_path: Path) -> None:
    plan = make_plan(tmp_path, """\
        - {id: m, tittel: M, type: evaluering, når: {innen_utgangen_av: mai, hvert_år: 2, startår: 2019}}
    """)  # fmt: skip
    assert [d.year for d in dates(plan, date(2018, 1, 1), date(2026, 1, 1))] == [2019, 2021, 2023, 2025]


# --- weekly, quarterly, half-yearly --------------------------------------------------


def test_weekly_ressursteam_skips_holidays_and_july(mini_plan: Plan) -> None:
    moter = [f.dato for f in expand(mini_plan, date(2027, 3, 1), date(2027, 8, 31)) if f.tiltak_id == "ressursteam"]
    assert all(d.weekday() == 3 for d in moter)
    assert date(2027, 3, 25) not in moter  # skjærtorsdag 2027
    assert date(2027, 5, 6) not in moter  # Kristi himmelfartsdag 2027
    assert date(2027, 3, 18) in moter and date(2027, 4, 1) in moter
    assert not [d for d in moter if d.month == 7]
    assert date(2027, 8, 5) in moter


def test_quarterly_meetings_meet_the_floor(tmp_path: Path) -> None:
    plan = make_plan(tmp_path, """\
        - id: samordning
          tittel: Samordningsgruppa
          type: møte
          minimum_per_år: 4
          når: {måneder: [september, november, februar, april], dag: andre onsdag}
    """)  # fmt: skip
    got = dates(plan, date(2026, 8, 1), date(2027, 8, 1))
    assert got == [date(2026, 9, 9), date(2026, 11, 11), date(2027, 2, 10), date(2027, 4, 14)]
    assert plan.tiltak[0].hendelser[0].minimum_per_aar == 4


def test_half_yearly(tmp_path: Path) -> None:
    plan = make_plan(tmp_path, "- {id: bup, tittel: BUP, type: møte, når: {måneder: [oktober, april], dag: tredje torsdag}}")
    assert dates(plan, date(2026, 8, 1), date(2027, 8, 1)) == [date(2026, 10, 15), date(2027, 4, 15)]


# --- one-off, relative, named dates --------------------------------------------------


def test_one_off_deadline_on_new_years_day_moves_to_working_day_before(mini_plan: Plan) -> None:
    # Frist 1.1.19 (8.1.5): 01.01 is nyttårsdag, 31.12 is a closed day in this plan,
    # 29.-30.12.2018 a weekend -> Friday 28.12.2018.
    got = [f for f in expand(mini_plan, date(2018, 12, 1), date(2019, 2, 1)) if f.tiltak_id == "psykolog"]
    assert [(f.hendelse_id, f.dato, f.flyttet_fra) for f in got] == [("frist", date(2018, 12, 28), date(2019, 1, 1))]


def test_deadline_on_sunday_and_skjaertorsdag_moves_earlier(tmp_path: Path) -> None:
    plan = make_plan(tmp_path, """\
        - {id: sondag, tittel: S, type: frist, når: {dato: 07.03.2027}}
        - {id: skjaer, tittel: K, type: frist, når: {dato: 25.03.2027}}
        - {id: senere, tittel: L, type: frist, flytt: senere, når: {dato: 25.03.2027}}
        - {id: ingen, tittel: I, type: frist, flytt: ingen, når: {dato: 25.03.2027}}
    """)  # fmt: skip
    fra, til = date(2027, 1, 1), date(2028, 1, 1)
    assert dates(plan, fra, til, "sondag") == [date(2027, 3, 5)]
    assert dates(plan, fra, til, "skjaer") == [date(2027, 3, 24)]
    assert dates(plan, fra, til, "senere") == [date(2027, 3, 30)]  # after 2. påskedag 29.03
    assert dates(plan, fra, til, "ingen") == [date(2027, 3, 25)]


def test_meeting_never_lands_on_a_non_working_day(tmp_path: Path) -> None:
    # First Tuesday of May 2029 is 1. mai.
    plan = make_plan(tmp_path, "- {id: m, tittel: M, type: møte, når: {måneder: [mai], dag: første tirsdag}}")
    assert dates(plan, date(2029, 1, 1), date(2030, 1, 1)) == [date(2029, 5, 2)]


def test_evaluation_due_a_month_after_each_seminar(mini_plan: Plan) -> None:
    got = [(f.hendelse_id, f.dato) for f in expand(mini_plan, date(2027, 1, 1), date(2028, 12, 31))
           if f.tiltak_id == "kompetanse"]  # fmt: skip
    assert got == [
        ("seminar", date(2027, 1, 29)),
        ("evaluering", date(2027, 2, 26)),  # 28.02.2027 is a Sunday -> Friday 26.02
        ("seminar", date(2028, 1, 28)),
        ("evaluering", date(2028, 2, 28)),
    ]


def test_month_arithmetic_the_norwegian_way(tmp_path: Path) -> None:
    # "en måned etter 31. januar" is the last day of February.
    plan = make_plan(tmp_path, """\
        - {id: s, tittel: S, type: aktivitet, flytt: ingen, når: {dato: 31.01.2028}}
        - {id: e, tittel: E, type: evaluering, flytt: ingen, når: {etter: s, innen: en måned}}
        - {id: h, tittel: H, type: evaluering, flytt: ingen, når: {etter: s, innen: 6 måneder}}
    """)  # fmt: skip
    fra, til = date(2028, 1, 1), date(2029, 1, 1)
    assert dates(plan, fra, til, "e") == [date(2028, 2, 29)]
    assert dates(plan, fra, til, "h") == [date(2028, 7, 31)]


def test_relative_window_includes_base_before_window(tmp_path: Path) -> None:
    # The seminar is outside the window, its evaluation inside it.
    plan = make_plan(tmp_path, """\
        - {id: s, tittel: S, type: aktivitet, når: {dato: 15.01.2027}}
        - {id: e, tittel: E, type: evaluering, når: {etter: s, innen: 1 måned}}
    """)  # fmt: skip
    assert dates(plan, date(2027, 2, 1), date(2027, 3, 1)) == [date(2027, 2, 15)]


def test_named_date_unknown_is_waiting_never_invented(mini_plan: Plan) -> None:
    assert not [f for f in expand(mini_plan, date(2018, 1, 1), date(2035, 1, 1)) if f.id.startswith("psykolog.evaluering")]
    [v] = waiting(mini_plan)
    assert (v.tiltak_id, v.hendelse_id, v.dato_id, v.innen_tekst) == ("psykolog", "evaluering", "psykolog_besatt", "1 år")


def test_named_date_known_gives_a_date(tmp_path: Path) -> None:
    extra = "datoer:\n  besatt: {navn: Stillingen besatt, dato: 15.09.2025}\n"
    plan = make_plan(tmp_path, "- {id: e, tittel: E, type: evaluering, når: {etter_dato: besatt, innen: et år}}", extra)
    assert dates(plan, date(2025, 1, 1), date(2028, 1, 1)) == [date(2026, 9, 15)]
    assert waiting(plan) == []


# --- limits, rrule --------------------------------------------------------------------


def test_valid_from_and_until(tmp_path: Path) -> None:
    plan = make_plan(tmp_path, """\
        - id: e
          tittel: E
          type: evaluering
          gyldig_fra: 01.08.2016
          gyldig_til: 31.07.2022
          når: {innen_utgangen_av: juni}
    """)  # fmt: skip
    assert [d.year for d in dates(plan, date(2010, 1, 1), date(2030, 1, 1))] == [2017, 2018, 2019, 2020, 2021, 2022]


def test_raw_rrule(mini_plan: Plan) -> None:
    got = [f.dato for f in expand(mini_plan, date(2026, 8, 1), date(2027, 8, 1)) if f.tiltak_id == "samordning"]
    assert got == [date(2026, 9, 9), date(2026, 11, 11), date(2027, 2, 10), date(2027, 4, 14)]


# --- the window contract -------------------------------------------------------------


def test_window_is_half_open_and_sorted(mini_plan: Plan) -> None:
    got = expand(mini_plan, date(2026, 12, 1), date(2026, 12, 2))
    assert [f.id for f in got] == ["samba.mote.2026-12-01"]
    assert expand(mini_plan, date(2026, 11, 30), date(2026, 12, 1)) == []
    year = expand(mini_plan, date(2026, 1, 1), date(2027, 1, 1))
    assert year == sorted(year, key=lambda f: f.sorteringsnokkel)
    assert len({f.id for f in year}) == len(year)


def test_year_equals_its_months_joined(mini_plan: Plan) -> None:
    year = expand(mini_plan, date(2027, 1, 1), date(2028, 1, 1))
    months = []
    for m in range(1, 13):
        end = date(2028, 1, 1) if m == 12 else date(2027, m + 1, 1)
        months.extend(expand(mini_plan, date(2027, m, 1), end))
    assert [f.id for f in year] == [f.id for f in months]


@pytest.mark.parametrize(
    ("virksomhet", "expected_tiltak"),
    [
        ("barnehage", {"kvello", "samordning"}),  # samordning via membership of the group
        ("ppt", {"samba", "kvello", "ressursteam", "samordning"}),
        ("helsestasjon", {"pmto", "kvello", "ressursteam"}),
    ],
)
def test_filter_by_virksomhet_sees_ansvar_and_deltakelse(mini_plan: Plan, virksomhet: str, expected_tiltak: set[str]) -> None:
    got = {f.tiltak_id for f in expand(mini_plan, date(2026, 8, 1), date(2028, 8, 1), [virksomhet])}
    assert got == expected_tiltak


def test_order_is_date_then_time_then_id_whatever_the_plan_order(tmp_path: Path) -> None:
    """expand sorts by (dato, tid or 00:00, id), in three stable passes: on one
    day the untimed and 00:00 first by id, then 09:00 by id, then 13:00, though neither
    the plan's order nor the ids' give that; the day before comes first."""
    plan = make_plan(tmp_path, """\
        - {id: a_sen, tittel: A, type: møte, når: {dato: "15.03.2027"}, tid: "13:00"}
        - {id: c_ni, tittel: C, type: møte, når: {dato: "15.03.2027"}, tid: "09:00"}
        - {id: b_ni, tittel: B, type: møte, når: {dato: "15.03.2027"}, tid: "09:00"}
        - {id: e_midnatt, tittel: E, type: møte, når: {dato: "15.03.2027"}, tid: "00:00"}
        - {id: d_uten, tittel: D, type: frist, når: {dato: "15.03.2027"}}
        - {id: z_foer, tittel: Z, type: frist, når: {dato: "12.03.2027"}}
    """)  # fmt: skip
    ids = [f.hendelse_id for f in expand(plan, date(2027, 3, 1), date(2027, 4, 1))]
    assert ids == ["z_foer", "d_uten", "e_midnatt", "b_ni", "c_ni", "a_sen"]
