"""Vinduer: `når: {fra_uke, til_uke}` and `når: {fra, til}`, one occurrence over a span.

Dates are pinned from tests/plans/vindu.yaml (plan period 01.08.2025–31.07.2030):
- prover.gjennomfoering: a frist in uke 36–38, varsel 7;
- overgang.moeter: an aktivitet 01.05–12.06, assumed;
- juleaktivitet.uker: uke 50–2 (over New Year); juleaktivitet.dager: 15.12–15.01 every
  second year from 2026.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from conftest import PLANS
from icalendar import Calendar

from aarshjul.engine.expand import expand, lengste_vindu
from aarshjul.engine.followup import Oppfoelger, Status, forfalte
from aarshjul.engine.select import paagaaende, upcoming, varsel_begynt
from aarshjul.errors import PlanError
from aarshjul.model import Forekomst, Plan, Vindu
from aarshjul.plan.loader import load_plan
from aarshjul.render.common import dato_tekst, spenn_tekst

VINDU = PLANS / "vindu.yaml"


@pytest.fixture(scope="module")
def plan() -> Plan:
    return load_plan(VINDU)


def _av(plan: Plan, hendelse: str, fra: date, til: date) -> list[Forekomst]:
    return [f for f in expand(plan, fra, til) if f"{f.tiltak_id}.{f.hendelse_id}" == hendelse]


def _spenn(plan: Plan, hendelse: str, fra: date, til: date) -> list[tuple[date, date | None]]:
    return [(f.dato, f.sluttdato) for f in _av(plan, hendelse, fra, til)]


# --- the rule's dates --------------------------------------------------------------------


def test_uke_36_to_38_is_monday_of_36_through_friday_of_38(plan: Plan) -> None:
    assert _spenn(plan, "prover.gjennomfoering", date(2026, 1, 1), date(2028, 1, 1)) == [
        (date(2026, 8, 31), date(2026, 9, 18)),
        (date(2027, 9, 6), date(2027, 9, 24)),
    ]


def test_fra_til_day_month_includes_both_days(plan: Plan) -> None:
    assert _spenn(plan, "overgang.moeter", date(2027, 1, 1), date(2028, 1, 1)) == [
        (date(2027, 5, 1), date(2027, 6, 12)),
    ]


def test_a_vindu_is_not_moved_off_a_holiday(plan: Plan) -> None:
    """01.05.2027 is a Saturday and 1. mai: a span starts where the plan says."""
    (f,) = _av(plan, "overgang.moeter", date(2027, 1, 1), date(2028, 1, 1))
    assert f.dato == date(2027, 5, 1) and f.flyttet_fra is None


def test_end_before_start_crosses_new_year(plan: Plan) -> None:
    assert _spenn(plan, "juleaktivitet.uker", date(2026, 1, 1), date(2027, 1, 1)) == [
        (date(2026, 12, 7), date(2027, 1, 15)),  # Monday of week 50, Friday of week 2 of 2027
    ]
    assert _spenn(plan, "juleaktivitet.dager", date(2026, 1, 1), date(2027, 1, 1)) == [
        (date(2026, 12, 15), date(2027, 1, 15)),
    ]


def test_hvert_aar_2_starts_in_startaar(plan: Plan) -> None:
    """startår is the series' first year: 2026, 2028 …, nothing in 2025 or 2027."""
    starter = [d for d, _ in _spenn(plan, "juleaktivitet.dager", date(2025, 8, 1), date(2030, 8, 1))]
    assert starter == [date(2026, 12, 15), date(2028, 12, 15)]


def test_startskoleaar_counts_the_school_year_it_starts_in(tmp_path: Path) -> None:
    p = _plan_med(tmp_path, '{fra: "15.08", til: "15.09", hvert_år: 2, startskoleår: "2026/27"}')
    starter = [f.dato for f in expand(load_plan(p), date(2025, 8, 1), date(2030, 8, 1))]
    assert starter == [date(2026, 8, 15), date(2028, 8, 15)]


def test_id_nokkel_and_periode_come_from_the_start(plan: Plan) -> None:
    (f,) = _av(plan, "juleaktivitet.uker", date(2026, 1, 1), date(2027, 1, 1))
    assert (f.id, f.nokkel, f.periode) == (
        "juleaktivitet.uker.2026-12-07", "juleaktivitet.uker.2026", "2026",
    )  # fmt: skip


def test_expand_takes_a_vindu_by_its_start_half_open(plan: Plan) -> None:
    """A vindu belongs to the expansion window that holds its first day, as every other
    forekomst does: [a, b) and [b, c) together give [a, c) once."""
    assert _spenn(plan, "prover.gjennomfoering", date(2026, 8, 31), date(2026, 9, 1)) == [
        (date(2026, 8, 31), date(2026, 9, 18)),
    ]
    assert _spenn(plan, "prover.gjennomfoering", date(2026, 9, 1), date(2026, 9, 19)) == []
    assert _spenn(plan, "prover.gjennomfoering", date(2026, 8, 1), date(2026, 8, 31)) == []


def test_lengste_vindu_is_the_longest_span(plan: Plan) -> None:
    """How far `next` looks back for a running vindu: the longest the plan's vinduer
    last in any year. Here overgang.moeter, 01.05–12.06: 43 days."""
    assert lengste_vindu(plan).days == 43


def test_a_plan_without_vinduer_looks_back_nowhere(mini_plan: Plan) -> None:
    assert not lengste_vindu(mini_plan)
    assert paagaaende(mini_plan, date(2026, 11, 25)) == []


def test_week_53_only_in_years_that_have_it(tmp_path: Path) -> None:
    p = _plan_med(tmp_path, "{fra_uke: 53, til_uke: 53}")
    assert [(f.dato, f.sluttdato) for f in expand(load_plan(p), date(2025, 8, 1), date(2030, 8, 1))] == [
        (date(2026, 12, 28), date(2027, 1, 1)),
    ]


# --- what users read ----------------------------------------------------------------------


def test_span_text() -> None:
    assert spenn_tekst(date(2026, 8, 31), date(2026, 9, 18)) == "31.08.–18.09.2026"
    assert spenn_tekst(date(2026, 12, 15), date(2027, 1, 15)) == "15.12.2026–15.01.2027"


def test_next_on_a_middle_day_shows_the_running_vindu(run) -> None:
    r = run("next", "--dager", "7", "--format", "tekst", plan=VINDU, today="09.09.2026")
    assert r.exit_code == 0, r.output
    assert r.stdout.splitlines()[3:6] == [
        "Uke 37 (07.09.–13.09.2026)",  # the window's week, not week 36 where the vindu began
        "  31.08.–18.09.2026  Nasjonale prøver – Nasjonale prøver gjennomføres",
        "      Frist · pågår, til 18.09.2026 · ansvar: Skole",
    ]


def test_next_json_has_sluttdato(run) -> None:
    r = run("next", "--dager", "7", "--format", "json", plan=VINDU, today="09.09.2026")
    assert r.exit_code == 0, r.output
    (rad,) = json.loads(r.stdout)
    assert (rad["id"], rad["dato"], rad["sluttdato"]) == ("prover.gjennomfoering.2026-08-31", "2026-08-31", "2026-09-18")
    assert rad["dager_igjen"] == -9


def test_next_does_not_show_a_vindu_that_has_ended(run) -> None:
    r = run("next", "--dager", "7", "--format", "tekst", plan=VINDU, today="19.09.2026")
    assert r.exit_code == 0, r.output
    assert "Nasjonale prøver" not in r.stdout


def test_upcoming_keeps_the_order_running_first(plan: Plan) -> None:
    rader = upcoming(plan, date(2026, 9, 9), date(2026, 12, 31))
    assert [r.forekomst.id for r in rader][:2] == ["prover.gjennomfoering.2026-08-31", "juleaktivitet.uker.2026-12-07"]
    assert paagaaende(plan, date(2026, 8, 31)) == []  # it starts that day: in the window, not before it


def test_calendar_shows_the_span_in_the_month_it_starts(run) -> None:
    r = run("calendar", "--skoleår", "2026/27", "--format", "tekst", plan=VINDU, today="09.09.2026")
    assert r.exit_code == 0, r.output
    aug = r.stdout.index("August 2026")
    sep = r.stdout.index("September 2026")
    assert r.stdout.index("31.08.–18.09.2026  Nasjonale prøver") in range(aug, sep)
    assert "07.12.2026–15.01.2027  Juleaktivitet – Juleprosjekt over nyttår" in r.stdout


def test_digest_says_pagaar_for_a_running_vindu(run) -> None:
    r = run("digest", "--fra", "09.09.2026", plan=VINDU, today="09.09.2026")
    assert r.exit_code == 0, r.output
    assert "Mandag 7. september" in r.stdout
    assert "pågår, til 18.09.2026 · Frist · ansvar: Skole" in r.stdout


# --- ICS ----------------------------------------------------------------------------------


def test_ics_is_one_all_day_event_with_exclusive_dtend(run) -> None:
    r = run("ics", "--fra", "01.08.2026", "--til", "31.07.2027", "-o", "-", plan=VINDU, today="09.09.2026")
    assert r.exit_code == 0, r.output
    events = {str(e["UID"]): e for e in Calendar.from_ical(r.stdout_bytes).walk("VEVENT")}
    e = events["prover.gjennomfoering.2026@test.example.no"]
    assert e["DTSTART"].dt == date(2026, 8, 31)
    assert e["DTEND"].dt == date(2026, 9, 19)  # the day after 18.09 (RFC 5545: DTEND is exclusive)
    assert b"DTSTART;VALUE=DATE:20260831" in r.stdout_bytes
    assert b"DTEND;VALUE=DATE:20260919" in r.stdout_bytes
    # varsel counts back from the end: 7 days before 18.09, i.e. 8 before DTEND.
    (alarm,) = e.walk("VALARM")
    assert alarm["TRIGGER"].to_ical() == b"-P8D"
    assert alarm["TRIGGER"].params["RELATED"] == "END"
    over_nyttaar = events["juleaktivitet.uker.2026@test.example.no"]
    assert (over_nyttaar["DTSTART"].dt, over_nyttaar["DTEND"].dt) == (date(2026, 12, 7), date(2027, 1, 16))


def test_ics_from_a_later_start_keeps_a_vindu_that_still_runs(run, tmp_path: Path) -> None:
    """A file whose span starts inside a running vindu still has it: a subscriber's
    calendar would otherwise cancel it when the published year turns."""
    r = run("ics", "--fra", "04.01.2027", "--til", "31.01.2027", "-o", "-", plan=VINDU, today="04.01.2027")
    assert r.exit_code == 0, r.output
    uids = {str(e["UID"]) for e in Calendar.from_ical(r.stdout_bytes).walk("VEVENT")}
    assert "juleaktivitet.uker.2026@test.example.no" in uids  # 07.12.2026–15.01.2027
    mappe = tmp_path / "kal"
    r = run("ics", "--alle", "--fra", "04.01.2027", "-o", str(mappe), plan=VINDU, today="04.01.2027")
    assert r.exit_code == 0, r.output
    assert b"UID:juleaktivitet.uker.2026@test.example.no" in (mappe / "skole.ics").read_bytes()


def test_tiltak_shows_the_running_vindu_as_next(run) -> None:
    r = run("tiltak", "--format", "tekst", plan=VINDU, today="09.09.2026")
    assert r.exit_code == 0, r.output
    assert "Neste: 31.08.–18.09.2026 (pågår): Nasjonale prøver gjennomføres" in r.stdout


# --- follow-up ----------------------------------------------------------------------------


def test_mine_oppgaver_lists_a_running_vindu_under_this_month(plan: Plan) -> None:
    """The browser's «Mine oppgaver»: a vindu frist that began in August is not overdue
    on 10.09 and must still be in a list (this month's) until its last day."""
    from aarshjul.services.signoff import mine_oppgaver

    oppgaver = mine_oppgaver(plan, ["skole"], {}, date(2026, 9, 10))
    denne = [o.forekomst.nokkel for o in oppgaver.denne_maaneden if o.forekomst is not None]
    assert "prover.gjennomfoering.2026" in denne
    forfalt = [o.forekomst.nokkel for o in oppgaver.forfalt if o.forekomst is not None]
    assert "prover.gjennomfoering.2026" not in forfalt and "prover.gjennomfoering.2025" in forfalt


def test_a_vindu_frist_is_due_at_its_end(plan: Plan) -> None:
    (f,) = _av(plan, "prover.gjennomfoering", date(2026, 8, 1), date(2026, 9, 1))
    assert Oppfoelger(plan, {}, date(2026, 9, 10)).status(f).status is Status.KOMMENDE
    assert Oppfoelger(plan, {}, date(2026, 9, 18)).status(f).status is Status.KOMMENDE
    etter = Oppfoelger(plan, {}, date(2026, 9, 21)).status(f)
    assert (etter.status, etter.dager_forfalt) == (Status.FORFALT, 3)
    assert [o.forekomst.id for o in forfalte(plan, date(2026, 9, 10), {}) if o.forekomst] == ["prover.gjennomfoering.2025-09-01"]
    assert [o.forekomst.id for o in forfalte(plan, date(2026, 9, 21), {}, dager=10) if o.forekomst] == [
        "prover.gjennomfoering.2026-08-31"
    ]


def test_status_cli_overdue_only_after_the_last_day(run, tmp_path: Path) -> None:
    db = tmp_path / "k.sqlite"
    r = run("kvitter", "prover.gjennomfoering.2025", "--dato", "18.09.2025", "--db", str(db),
            plan=VINDU, today="10.09.2026")  # fmt: skip
    assert r.exit_code == 0, r.output
    for idag, status in (("10.09.2026", "kommende"), ("21.09.2026", "forfalt")):
        r = run("status", "--fra", "01.08.2026", "--til", "30.09.2026", "--format", "json", "--db", str(db),
                plan=VINDU, today=idag)  # fmt: skip
        assert r.exit_code == 0, r.output
        rader = [x for x in json.loads(r.stdout) if x["id"] == "prover.gjennomfoering.2026-08-31"]
        assert [(x["status"], x["sluttdato"]) for x in rader] == [(status, "2026-09-18")], idag


def test_varsel_counts_back_from_the_end(plan: Plan) -> None:
    (f,) = _av(plan, "prover.gjennomfoering", date(2026, 8, 1), date(2026, 9, 1))
    assert not varsel_begynt(f, date(2026, 8, 25))  # 18.09 − 7 days = 11.09
    assert varsel_begynt(replace(f, varsel=25), date(2026, 8, 25))  # 18.09 − 25 days = 24.08


# --- the wheel ---------------------------------------------------------------------------


def test_wheel_draws_an_arc_with_the_span(run, tmp_path: Path) -> None:
    ut = tmp_path / "hjul.svg"
    r = run("wheel", "--skoleår", "2026/27", "-o", str(ut), plan=VINDU, today="09.09.2026")
    assert r.exit_code == 0, r.output
    svg = ut.read_text(encoding="utf-8")
    assert 'class="vindu"' in svg
    assert 'data-dato="2026-08-31" data-sluttdato="2026-09-18"' in svg
    assert "Nasjonale prøver – Nasjonale prøver gjennomføres: 31.08.–18.09.2026" in svg


# --- the plan file ------------------------------------------------------------------------

_MAL = """\
plan:
  navn: Vindu
  kommune: Testkommune
  periode_fra: 01.08.2025
  periode_til: 31.07.2030
virksomheter:
  skole: {{navn: Skole}}
tiltak:
  - id: t
    navn: T
    kilde: "1"
    ansvar: [skole]
    hendelser:
      - id: h
        tittel: H
        type: aktivitet
        når: {naar}
"""


def _plan_med(tmp_path: Path, naar: str) -> Path:
    p = tmp_path / "plan.yaml"
    p.write_text(_MAL.format(naar=naar), encoding="utf-8")
    return p


def test_the_model_is_a_vindu(tmp_path: Path) -> None:
    h = load_plan(_plan_med(tmp_path, "{fra_uke: 36, til_uke: 38, hvert_år: 2, startår: 2026}")).tiltak[0].hendelser[0]
    assert h.naar == Vindu((36, 0), (38, 0), uker=True, hvert_aar=2, startaar=2026)


@pytest.mark.parametrize(
    ("naar", "melding"),
    [
        ("{fra_uke: 36}", "når: «fra_uke» trenger «til_uke», f.eks. «fra_uke: 36, til_uke: 38»."),
        ('{fra: "01.05"}', 'når: «fra» trenger «til», f.eks. «fra: "01.05", til: "12.06"».'),
        ('{fra: "01.05.2027", til: "12.06"}', "når: fra: «01.05.2027» er en dato med år. Skriv dag.måned, "
                                              "f.eks. «01.05», for hvert år, eller bruk «dato:» for én gang."),
        ('{fra: "29.02", til: "12.06"}', "når: fra: 29.02 finnes ikke hvert år; bruk 28.02 eller 01.03."),
        ('{fra: "01.05", til: "31.04"}', "når: til: «31.04» finnes ikke: april har ikke 31 dager."),
        ('{fra: "01.13", til: "12.06"}', "når: fra: «01.13» har måned 13; måneden må være 1–12."),
        ('{fra: "mai", til: "juni"}', "når: fra: forstår ikke «mai». Skriv dag.måned i anførselstegn"),
        ('{fra: "01.05", til: "01.05"}', "når: «fra» og «til» er samme dag"),
        ("{fra_uke: 36, til_uke: 54}", "når: til_uke skal være et helt tall fra 1 til 53, ikke «54»."),
        ("{fra_uke: 36, til: \"12.06\"}", "når: «til» kan ikke brukes sammen med «fra_uke»."),
        ("{fra_uke: 36, til_uke: 38, hvert_år: 2}", "når: «hvert_år: 2» trenger «startår»"),
    ],
)
def test_bad_vindu_says_what_to_write(tmp_path: Path, naar: str, melding: str) -> None:
    with pytest.raises(PlanError) as e:
        load_plan(_plan_med(tmp_path, naar))
    meldinger = [(p.line, p.message) for p in e.value.problems]
    assert any(line == 17 and melding in m for line, m in meldinger), meldinger


def test_dato_tekst_of_a_one_day_forekomst_is_the_date(plan: Plan) -> None:
    (f,) = _av(plan, "prover.gjennomfoering", date(2026, 8, 1), date(2026, 9, 1))
    assert dato_tekst(f) == "31.08.–18.09.2026"
    assert dato_tekst(replace(f, sluttdato=None)) == "31.08.2026"


def test_week_1_vinduer_of_two_iso_years_have_their_own_keys(tmp_path: Path) -> None:
    # ISO week 1 of 2018 starts Monday 01.01.2018, that of 2019 Monday 31.12.2018: both in
    # calendar year 2018, so the key counts the ISO year.
    tekst = VINDU.read_text(encoding="utf-8").replace("periode_fra: 01.08.2025", "periode_fra: 01.08.2017")
    tekst = tekst.replace("når: {fra_uke: 50, til_uke: 2}", "når: {fra_uke: 1, til_uke: 2}")
    fil = tmp_path / "plan.yaml"
    fil.write_text(tekst, encoding="utf-8")
    uker = _av(load_plan(fil), "juleaktivitet.uker", date(2018, 1, 1), date(2019, 2, 1))
    assert [(f.dato, f.nokkel) for f in uker] == [
        (date(2018, 1, 1), "juleaktivitet.uker.2018"),
        (date(2018, 12, 31), "juleaktivitet.uker.2019"),
    ]
