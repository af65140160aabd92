"""The ICS export, read back with icalendar as Outlook and Google would read it."""

from __future__ import annotations

import json
import os
import re
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from conftest import GOLDEN, PLANS, aarshjul_in_new_process, assert_golden
from hypothesis import given, settings
from hypothesis import strategies as st
from icalendar import Calendar

FIENDTLIG = PLANS / "ics_fiendtlig.yaml"
RESERVERT = PLANS / "ics_reservert.yaml"
SKOLEAAR = ("--fra", "01.08.2026", "--til", "31.07.2027")


@pytest.fixture
def ics(run, mini_path):
    """ics(*args) -> (bytes, parsed Calendar) of `aarshjul ics ... -o -` on mini.yaml."""

    def _ics(*args: str, plan: Path | None = None, today: str = "25.11.2026") -> tuple[bytes, Calendar]:
        result = run("ics", *args, "-o", "-", plan=plan or mini_path, today=today)
        assert result.exit_code == 0, result.output
        data = result.stdout_bytes
        return data, Calendar.from_ical(data)

    return _ics


def events(cal: Calendar) -> dict[str, object]:
    """VEVENTs by UID; fails on a duplicate UID."""
    by_uid: dict[str, object] = {}
    for event in cal.walk("VEVENT"):
        uid = str(event["UID"])
        assert uid not in by_uid, f"UID {uid} finnes to ganger"
        by_uid[uid] = event
    return by_uid


def physical_lines(data: bytes) -> list[bytes]:
    assert data.endswith(b"\r\n")
    assert b"\n" not in data.replace(b"\r\n", b""), "linjeskift uten CR"
    assert b"\r" not in data.replace(b"\r\n", b""), "CR uten linjeskift"
    return data[:-2].split(b"\r\n")


# --- events, dates, all-day vs timed -----------------------------------------------


def test_school_year_for_skole_has_the_plans_dates(ics) -> None:
    _, cal = ics("--virksomhet", "skole", *SKOLEAAR)
    got = [(e["DTSTART"].to_ical().decode(), str(e["SUMMARY"])) for e in cal.walk("VEVENT")]
    assert got == [
        ("20260804T090000", "SAMBA-møte"),
        ("20260909", "Møte i samordningsgruppa"),
        ("20261111", "Møte i samordningsgruppa"),
        ("20261201T090000", "SAMBA-møte"),
        ("20270210", "Møte i samordningsgruppa"),
        ("20270302T090000", "SAMBA-møte"),
        ("20270331", "Evaluering av PMTO"),
        ("20270414", "Møte i samordningsgruppa"),
        ("20270504T090000", "SAMBA-møte"),
        ("20270531", "Evaluering av SAMBA"),
    ]
    timed = [isinstance(e.decoded("DTSTART"), datetime) for e in cal.walk("VEVENT")]
    assert timed == [True, False, False, True, False, True, False, False, True, False]


def test_samba_meeting_is_timed_in_europe_oslo(ics) -> None:
    data, cal = ics("--virksomhet", "skole", *SKOLEAAR)
    mote = events(cal)["samba.mote.2026-12@test.example.no"]
    start, end = mote.decoded("DTSTART"), mote.decoded("DTEND")
    assert (start.replace(tzinfo=None), end.replace(tzinfo=None)) == (
        datetime(2026, 12, 1, 9, 0),
        datetime(2026, 12, 1, 11, 0),
    )
    assert start.utcoffset() == timedelta(hours=1)  # CET in December
    assert mote["DTSTART"].params["TZID"] == "Europe/Oslo"
    assert b"DTSTART;TZID=Europe/Oslo:20261201T090000\r\n" in data
    assert b"DTEND;TZID=Europe/Oslo:20261201T110000\r\n" in data
    # Summer time in May: the same wall-clock time, a different UTC offset.
    mai = events(cal)["samba.mote.2027-05@test.example.no"]
    assert mai.decoded("DTSTART").utcoffset() == timedelta(hours=2)
    assert "TRANSP" not in mote


def test_pmto_evaluation_is_all_day_with_next_day_end(ics) -> None:
    data, cal = ics("--virksomhet", "skole", *SKOLEAAR)
    pmto = events(cal)["pmto.evaluering.2027-03@test.example.no"]
    assert pmto.decoded("DTSTART") == date(2027, 3, 31)
    assert pmto.decoded("DTEND") == date(2027, 4, 1)
    assert str(pmto["TRANSP"]) == "TRANSPARENT"
    assert b"DTSTART;VALUE=DATE:20270331\r\nDTEND;VALUE=DATE:20270401\r\n" in data
    for event in cal.walk("VEVENT"):
        start = event.decoded("DTSTART")
        if not isinstance(start, datetime):
            assert event.decoded("DTEND") == start + timedelta(days=1)
            assert str(event["TRANSP"]) == "TRANSPARENT"


def test_start_time_without_end_lasts_one_hour(tmp_path: Path, run) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_text(RESERVERT.read_text(encoding="utf-8").replace(
        "når: {dato: 01.12.2026}", 'når: {dato: 01.12.2026}\n        tid: "23:30"'
    ), encoding="utf-8")  # fmt: skip
    result = run("ics", "-v", "skole", "-o", "-", plan=plan)
    assert result.exit_code == 0, result.output
    (event,) = Calendar.from_ical(result.stdout_bytes).walk("VEVENT")
    assert event.decoded("DTSTART").replace(tzinfo=None) == datetime(2026, 12, 1, 23, 30)
    assert event.decoded("DTEND").replace(tzinfo=None) == datetime(2026, 12, 2, 0, 30)


# --- calendar properties and what the clients choke on ------------------------------


def test_calendar_header_for_publishing(ics) -> None:
    data, cal = ics("--virksomhet", "barnehage", *SKOLEAAR)
    assert str(cal["VERSION"]) == "2.0"
    assert str(cal["PRODID"]) == "-//aarshjul//aarshjul 0.1//NO"  # not the kommune's name
    assert str(cal["CALSCALE"]) == "GREGORIAN"
    assert "METHOD" not in cal  # PUBLISH wants an ORGANIZER (RFC 5546); docs/kalender-outlook.md
    assert str(cal["X-WR-CALNAME"]) == "Årshjul Testplan – Barnehage"
    assert str(cal["NAME"]) == "Årshjul Testplan – Barnehage"
    assert str(cal["DESCRIPTION"]) == (
        "Hendelser for Barnehage i Testplan, Testkommune, fra 01.08.2026 til 31.07.2027. "
        "Planperioden 2018–2022 sluttet 31.12.2022. Datoene etter det er med fordi planen er videreført: "
        "Testplanen gjelder til den er rullert."
    )
    assert str(cal["X-WR-TIMEZONE"]) == "Europe/Oslo"
    assert b"\r\nX-PUBLISHED-TTL:PT12H\r\n" in data
    assert b"\r\nREFRESH-INTERVAL;VALUE=DURATION:PT12H\r\n" in data
    assert data.startswith(b"BEGIN:VCALENDAR\r\n") and data.endswith(b"END:VCALENDAR\r\n")
    assert data.count(b"BEGIN:VCALENDAR") == 1
    for forbidden in (b"VTODO", b"METHOD:", b"\r\nRRULE", b"\r\nRDATE", b"\r\nATTENDEE"):
        assert forbidden not in data.replace(b"RRULE:FREQ=YEARLY", b"")
    for event in cal.walk("VEVENT"):
        assert event["SEQUENCE"] == 0
        assert event.decoded("DTSTAMP") == datetime(2026, 8, 1, tzinfo=timezone.utc)


def test_calendar_name_for_several_and_for_all(ics) -> None:
    data, cal = ics("-v", "bhg", "-v", "Skole", *SKOLEAAR)
    # The comma is escaped (vobject-based tools cut the name at a bare one), in both names.
    assert "\r\nX-WR-CALNAME:Årshjul Testplan – Barnehage\\, Skole\r\n" in data.decode()
    assert "\r\nNAME:Årshjul Testplan – Barnehage\\, Skole\r\n" in data.decode()
    _, cal = ics(*SKOLEAAR)
    assert str(cal["X-WR-CALNAME"]) == "Årshjul Testplan – alle virksomheter"


def test_vtimezone_has_yearly_standard_and_daylight_rules(ics) -> None:
    data, cal = ics("--virksomhet", "skole", *SKOLEAAR)
    (vtimezone,) = cal.walk("VTIMEZONE")
    assert str(vtimezone["TZID"]) == "Europe/Oslo"
    assert [c.name for c in vtimezone.subcomponents] == ["DAYLIGHT", "STANDARD"]
    for part, month, offsets in (("DAYLIGHT", 3, (1, 2)), ("STANDARD", 10, (2, 1))):
        (c,) = vtimezone.walk(part)
        rule = c["RRULE"]
        assert (rule["FREQ"], rule["BYMONTH"], rule["BYDAY"]) == (["YEARLY"], [month], ["-1SU"])
        assert "RDATE" not in c
        assert (c.decoded("TZOFFSETFROM"), c.decoded("TZOFFSETTO")) == tuple(timedelta(hours=h) for h in offsets)
    # Before the events, so a client knows the zone when it meets TZID=Europe/Oslo.
    assert data.index(b"BEGIN:VTIMEZONE") < data.index(b"BEGIN:VEVENT")


def test_no_vtimezone_without_timed_events(ics) -> None:
    data, cal = ics("--virksomhet", "barnehage", *SKOLEAAR)
    # Kvello 15.10.2026 and four meetings of samordningsgruppa (a member): all all-day.
    assert len(cal.walk("VEVENT")) == 5
    assert b"VTIMEZONE" not in data and b"TZID" not in data


def test_one_valarm_on_deadlines_none_on_meetings(ics) -> None:
    _, cal = ics(*SKOLEAAR)
    frister = 0
    for event in cal.walk("VEVENT"):
        alarms = event.walk("VALARM")
        if "Evaluering" in event.categories or "Frist" in event.categories:
            frister += 1
            (alarm,) = alarms
            assert str(alarm["ACTION"]) == "DISPLAY"
            assert alarm.decoded("TRIGGER") == timedelta(days=-14)
            assert str(alarm["DESCRIPTION"]).startswith("Evaluering om 14 dager: ")
        else:
            assert alarms == [], event["SUMMARY"]
    assert frister == 3  # PMTO 31.03., seminaret 26.02. and SAMBA 31.05.2027


def test_no_alarm_when_varsel_is_zero(tmp_path: Path, run) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_text(RESERVERT.read_text(encoding="utf-8").replace(
        "type: møte", "type: frist\n        varsel: 0"
    ), encoding="utf-8")  # fmt: skip
    result = run("ics", "-o", "-", plan=plan)
    assert result.exit_code == 0, result.output
    (event,) = Calendar.from_ical(result.stdout_bytes).walk("VEVENT")
    assert event.walk("VALARM") == []


def test_description_says_who_where_and_whether_the_date_is_certain(ics) -> None:
    _, cal = ics("-v", "raadmannsledelsen", *SKOLEAAR)
    by_uid = events(cal)
    mote = by_uid["samba.mote.2026-12@test.example.no"]
    assert str(mote["DESCRIPTION"]).split("\n") == [
        "Tiltak: SAMBA",
        "Hendelse: SAMBA-møte",
        "Type: Møte",
        "Ansvar: Rådmannsledelsen",
        "Deltakere: Skole, PPT",
        "Kilde: Kapittel 7.11 i planen",
        "Datoen er antatt og må bekreftes: Planen sier bare måned.",
        "Planperioden 2018–2022 sluttet 31.12.2022. Datoene etter det er med fordi planen er videreført: "
        "Testplanen gjelder til den er rullert.",
    ]
    assert [str(c) for c in mote.categories] == ["Møte", "Gul sone"]
    # 28.02.2027 is a Sunday: a deadline moves to the Friday before.
    evaluering = by_uid["kompetanse.evaluering.2027-01@test.example.no"]
    assert str(evaluering["DESCRIPTION"]).endswith("\nFlyttet fra 28.02.2027 (søndag)")
    assert "antatt" not in str(evaluering["DESCRIPTION"])
    assert [str(c) for c in evaluering.categories] == ["Evaluering"]


# --- UIDs and determinism ----------------------------------------------------------


def test_uids_are_unique_and_stable_across_runs(ics, mini_path, tmp_path: Path) -> None:
    first, cal = ics()
    # Another run is another process (cron starts one each night), on another day of the
    # same school year: the same default window, so the same bytes.
    again = aarshjul_in_new_process(tmp_path, "--plan", str(mini_path), "ics", "-o", "-", today="01.06.2027")
    assert first == again
    uids = events(cal)
    assert len(uids) == len(cal.walk("VEVENT")) > 100
    assert all(u.endswith("@test.example.no") and u.isascii() for u in uids)
    assert "ressursteam.mote.2026-W32@test.example.no" in uids


def test_default_window_is_24_months_from_1_august_of_the_school_year(ics) -> None:
    _, cal = ics("-v", "skole")
    dates = sorted(_as_date(e.decoded("DTSTART")) for e in cal.walk("VEVENT"))
    assert dates[0] == date(2026, 8, 4)  # first Tuesday of August 2026, from 01.08.2026
    assert dates[-1] == date(2028, 5, 31)  # the last before 01.08.2028
    _, cal = ics("-v", "skole", today="31.07.2027")
    assert min(_as_date(e.decoded("DTSTART")) for e in cal.walk("VEVENT")) == date(2026, 8, 4)
    _, cal = ics("-v", "skole", today="01.08.2027")
    assert min(_as_date(e.decoded("DTSTART")) for e in cal.walk("VEVENT")) == date(2027, 8, 3)
    _, cal = ics("-v", "skole", "--fra", "01.01.2027", "--måneder", "3")
    assert sorted(_as_date(e.decoded("DTSTART")) for e in cal.walk("VEVENT")) == [
        date(2027, 2, 10), date(2027, 3, 2), date(2027, 3, 31),
    ]  # fmt: skip


def _as_date(d: date | datetime) -> date:
    return d.date() if isinstance(d, datetime) else d


def test_stempel_sets_dtstamp(ics) -> None:
    data, cal = ics("-v", "skole", "--stempel", "2026-11-25", *SKOLEAAR)
    assert {e.decoded("DTSTAMP") for e in cal.walk("VEVENT")} == {datetime(2026, 11, 25, tzinfo=timezone.utc)}
    assert b"DTSTAMP:20261125T000000Z\r\n" in data


def test_golden_skole_and_raadmannsledelsen(ics, update_golden: bool) -> None:
    data, _ = ics("-v", "skole", "-v", "raadmannsledelsen", *SKOLEAAR)
    assert_golden(GOLDEN / "mini_skole_raadmannsledelsen_2026-27.ics", data, update_golden)


@settings(max_examples=20)
@given(
    start=st.dates(min_value=date(2019, 1, 1), max_value=date(2030, 12, 31)),
    dager=st.integers(min_value=1, max_value=400),
)
def test_round_trip_gives_the_forekomster(start: date, dager: int) -> None:
    from aarshjul.engine.expand import expand
    from aarshjul.plan.loader import load_plan
    from aarshjul.render.ics import render_ics

    mini_plan = load_plan(PLANS / "mini.yaml")
    forekomster = expand(mini_plan, start, start + timedelta(days=dager))
    stamp = datetime(2026, 8, 1, tzinfo=timezone.utc)
    data = render_ics(mini_plan, forekomster, calname="Test", stamp=stamp)
    assert data == render_ics(mini_plan, forekomster, calname="Test", stamp=stamp)
    got = [(str(e["UID"]), _as_date(e.decoded("DTSTART"))) for e in Calendar.from_ical(data).walk("VEVENT")]
    assert got == [(f"{f.nokkel}@test.example.no", f.dato) for f in forekomster]


def test_render_ics_wants_an_aware_stamp(mini_plan) -> None:
    from aarshjul.render.ics import render_ics

    with pytest.raises(ValueError):
        render_ics(mini_plan, [], calname="Test", stamp=datetime(2026, 8, 1))


# --- text: æøå, escaping, folding --------------------------------------------------


def test_folded_lines_are_at_most_75_octets_and_whole_utf8(ics) -> None:
    for data, _ in (ics(*SKOLEAAR), ics(plan=FIENDTLIG)):
        lines = physical_lines(data)
        assert any(line.startswith(b" ") for line in lines)  # something was folded
        for line in lines:
            assert len(line) <= 75, line
            line.decode("utf-8")  # a multi-byte æ/ø/å split across lines would fail here


def test_hostile_text_is_escaped_and_round_trips(ics) -> None:
    data, cal = ics(plan=FIENDTLIG)
    (event,) = cal.walk("VEVENT")
    tittel = (
        "Første linje; andre linje, med komma \\ og \\x1b[31mrødt\\x07 og så en lang tittel: "
        "æøå ÆØÅ æøå ÆØÅ æøå ÆØÅ æøå"
    )
    assert str(event["SUMMARY"]) == f"Frist: {tittel}"
    description = str(event["DESCRIPTION"])
    assert "Deltakere: Rar; «virksomhet», med tegn\n" in description
    assert "Kilde: Kapittel 7.1; del 2 i planen\n" in description
    assert description.endswith("\n\nLinje én\nLinje to; med, tegn\nEND:VEVENT\nBEGIN:VTODO")
    assert [str(c) for c in event.categories] == ["Frist", "Rød sone"]
    unfolded = data.replace(b"\r\n ", b"")
    assert b"SUMMARY:Frist: F\xc3\xb8rste linje\\; andre linje\\, med komma \\\\ og" in unfolded
    # The text stays inside its property: no injected line, no terminal escape byte.
    lines = unfolded.split(b"\r\n")
    assert b"BEGIN:VTODO" not in lines and lines.count(b"END:VEVENT") == 1
    assert b"\x1b" not in data and b"\x07" not in data
    assert len(cal.walk("VEVENT")) == 1 and cal.walk("VTODO") == []


# --- the command: --alle, stdout, errors ----------------------------------------------


def test_alle_writes_one_file_per_virksomhet_and_creates_the_folder(tmp_path: Path, run, mini_path) -> None:
    mappe = tmp_path / "publisert" / "kalender"
    result = run("ics", "--alle", *SKOLEAAR, "-o", str(mappe), plan=mini_path)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in mappe.iterdir()) == [
        ".aarshjul-ics.json", "alle.ics", "barnehage.ics", "barnevern.ics", "helsestasjon.ics", "ppt.ics",
        "raadmannsledelsen.ics", "samordningsgruppa.ics", "skole.ics",
    ]  # fmt: skip
    # Progress only for a person at a terminal, on stderr: nothing on stdout, so cron mails nothing.
    assert result.stdout == "" and result.stderr == ""
    skole = Calendar.from_ical((mappe / "skole.ics").read_bytes())
    assert str(skole["X-WR-CALNAME"]) == "Årshjul Testplan – Skole"
    assert len(skole.walk("VEVENT")) == 10
    alle = Calendar.from_ical((mappe / "alle.ics").read_bytes())
    assert str(alle["X-WR-CALNAME"]) == "Årshjul Testplan – alle virksomheter"
    # The per-virksomhet files are views of alle.ics: the same UIDs for the same forekomst.
    assert set(events(skole)) < set(events(alle))
    single = run("ics", "-v", "skole", *SKOLEAAR, "-o", "-", plan=mini_path).stdout_bytes
    # The same events as `ics -v skole`; the folder's also carry LAST-MODIFIED (manifest).
    ut = [(str(e["UID"]), e["DTSTART"].to_ical(), str(e["SUMMARY"])) for e in skole.walk("VEVENT")]
    assert ut == [(str(e["UID"]), e["DTSTART"].to_ical(), str(e["SUMMARY"])) for e in Calendar.from_ical(single).walk("VEVENT")]
    assert all("LAST-MODIFIED" in e for e in skole.walk("VEVENT"))


def test_alle_leaves_unchanged_files_alone_and_replaces_changed_ones(tmp_path: Path, run, mini_path) -> None:
    """An unchanged re-run rewrites nothing (same inode, same mtime: a web server's
    Last-Modified stays); a plan edit replaces exactly the files whose bytes change."""
    mappe = tmp_path / "kalender"
    assert run("ics", "--alle", *SKOLEAAR, "-o", str(mappe), plan=mini_path).exit_code == 0
    for p in mappe.iterdir():
        os.utime(p, ns=(1_000_000_000, 1_000_000_000))  # so a rewrite cannot keep the mtime
    for_ = {p.name: (p.stat().st_ino, p.stat().st_mtime_ns, p.read_bytes()) for p in mappe.iterdir()}
    assert run("ics", "--alle", *SKOLEAAR, "-o", str(mappe), plan=mini_path).exit_code == 0
    assert {p.name: (p.stat().st_ino, p.stat().st_mtime_ns, p.read_bytes()) for p in mappe.iterdir()} == for_
    # A file someone changed by hand is written again, even where the plan edit below
    # does not change it.
    uten = sorted(n for n, (_, _, data) in for_.items() if n.endswith(".ics") and "SAMBA-møte".encode() not in data)
    assert uten
    (mappe / uten[0]).write_bytes(b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")
    endret = tmp_path / "plan.yaml"
    tekst = mini_path.read_text(encoding="utf-8")
    assert "tittel: SAMBA-møte\n" in tekst
    endret.write_text(tekst.replace("tittel: SAMBA-møte\n", "tittel: SAMBA-møtet\n"), encoding="utf-8")
    assert run("ics", "--alle", *SKOLEAAR, "-o", str(mappe), plan=endret).exit_code == 0
    etter = {p.name: (p.stat().st_ino, p.stat().st_mtime_ns, p.read_bytes()) for p in mappe.iterdir()}
    assert etter[uten[0]][2] == for_[uten[0]][2]
    nye = {navn for navn in for_ if etter[navn][:2] != for_[navn][:2]}
    endrede = {navn for navn in for_ if etter[navn][2] != for_[navn][2]}
    assert "alle.ics" in endrede and ".aarshjul-ics.json" in endrede
    assert nye == endrede | {uten[0]}
    assert set(for_) - nye, "some files do not have the SAMBA meeting and stay as they were"
    assert all(b"SAMBA-m\xc3\xb8tet" in etter[navn][2] for navn in endrede - {".aarshjul-ics.json"})


def test_alle_refuses_a_reserved_windows_name_and_writes_nothing(tmp_path: Path, run) -> None:
    mappe = tmp_path / "ut"
    result = run("ics", "--alle", "-o", str(mappe), plan=RESERVERT)
    assert result.exit_code == 2
    assert "Virksomheten «con» kan ikke få kalenderfilen «con.ics»" in result.stderr
    assert not mappe.exists()


def test_file_names_are_safe() -> None:
    from aarshjul.errors import UsageError
    from aarshjul.services.ics_export import ics_filnavn

    assert ics_filnavn("barnehage") == "barnehage.ics"
    assert ics_filnavn("skole-nord_2") == "skole-nord_2.ics"
    assert ics_filnavn("Skole/../Nord") == "skole____nord.ics"
    for reserved in ("con", "nul", "aux", "prn", "com1", "lpt9", "alle"):
        with pytest.raises(UsageError):
            ics_filnavn(reserved)


def test_alle_into_a_file_is_an_error(tmp_path: Path, run, mini_path) -> None:
    fil = tmp_path / "fil.ics"
    fil.write_bytes(b"gammel")
    result = run("ics", "--alle", "-o", str(fil), plan=mini_path)
    assert result.exit_code == 2
    assert "er en fil, ikke en mappe" in result.stderr
    assert fil.read_bytes() == b"gammel"


def test_stdout_gets_only_the_calendar(run, mini_path) -> None:
    result = run("ics", "-v", "skole", "-o", "-", plan=mini_path)
    assert result.exit_code == 0
    assert result.stdout_bytes.startswith(b"BEGIN:VCALENDAR\r\n")
    assert result.stdout_bytes.endswith(b"END:VCALENDAR\r\n")
    assert result.stderr == ""


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "Oppgi hvor kalenderen skal skrives"),
        (("-o", "-", "--til", "01.01.2027", "--måneder", "3"), "Bruk enten --til eller --måneder"),
        (("-o", "-", "--alle", "-v", "skole"), "Bruk enten --alle eller --virksomhet"),
        (("--alle", "-o", "-"), "-o må være en mappe"),
        (("-o", "-", "--fra", "01.02.2027", "--til", "01.01.2027"), "--til kan ikke være før --fra"),
        (("-o", "-", "--maaneder", "0"), "--måneder må være mellom 1 og 120"),
        (("-o", "-", "--stempel", "31.02.2027"), "--stempel:"),
        (("-o", "-", "-v", "skolen-nord"), "Ukjent virksomhet «skolen-nord»"),
    ],
)
def test_usage_errors_exit_2_in_bokmaal(run, mini_path, args: tuple[str, ...], message: str) -> None:
    result = run("ics", *args, plan=mini_path)
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.output
    assert result.stdout == ""


def test_writes_a_file_and_says_so(tmp_path: Path, run, mini_path) -> None:
    fil = tmp_path / "skole.ics"
    result = run("ics", "-v", "skole", *SKOLEAAR, "-o", str(fil), plan=mini_path)
    assert result.exit_code == 0
    assert result.stdout == ""
    assert len(Calendar.from_ical(fil.read_bytes()).walk("VEVENT")) == 10


# --- atomic writes ---------------------------------------------------------------------


def _old_file(tmp_path: Path) -> Path:
    fil = tmp_path / "skole.ics"
    fil.write_bytes(b"BEGIN:VCALENDAR\r\nden gamle\r\nEND:VCALENDAR\r\n")
    return fil


@pytest.mark.parametrize("failing", ["replace", "fsync"])
def test_failure_mid_export_leaves_the_old_file(
    tmp_path: Path, run, mini_path, monkeypatch: pytest.MonkeyPatch, failing: str
) -> None:
    fil = _old_file(tmp_path)
    old = fil.read_bytes()

    def boom(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, failing, boom)
    result = run("ics", "-v", "skole", "-o", str(fil), plan=mini_path)
    monkeypatch.undo()
    assert result.exit_code == 2
    assert "Kan ikke skrive" in result.stderr and "disken er full" in result.stderr  # bokmål, not strerror
    assert fil.read_bytes() == old
    assert [p.name for p in tmp_path.iterdir()] == ["skole.ics"]  # no temporary file left


def test_renderer_failure_leaves_the_old_file(tmp_path: Path, run, mini_path, monkeypatch: pytest.MonkeyPatch) -> None:
    import aarshjul.render.ics

    fil = _old_file(tmp_path)
    old = fil.read_bytes()

    def boom(*args: object, **kwargs: object) -> bytes:
        raise RuntimeError("feil midt i eksporten")

    monkeypatch.setattr(aarshjul.render.ics, "render_ics", boom)
    result = run("ics", "-v", "skole", "-o", str(fil), plan=mini_path)
    assert isinstance(result.exception, RuntimeError)  # a bug shows as one, not as a message
    assert fil.read_bytes() == old
    assert [p.name for p in tmp_path.iterdir()] == ["skole.ics"]


def test_missing_folder_is_a_clear_error(tmp_path: Path, run, mini_path) -> None:
    result = run("ics", "-o", str(tmp_path / "finnes-ikke" / "x.ics"), plan=mini_path)
    assert result.exit_code == 2
    assert f"Mappen «{tmp_path / 'finnes-ikke'}» finnes ikke" in result.stderr
    assert "Traceback" not in result.output


def test_folder_that_is_a_file_is_a_clear_error(tmp_path: Path, run, mini_path) -> None:
    (tmp_path / "fil").write_text("x")
    result = run("ics", "-o", str(tmp_path / "fil" / "x.ics"), plan=mini_path)
    assert result.exit_code == 2
    assert "er ikke en mappe" in result.stderr


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root ignores permission bits")
def test_read_only_folder_is_a_clear_error(tmp_path: Path, run, mini_path) -> None:
    mappe = tmp_path / "skrivebeskyttet"
    mappe.mkdir()
    mappe.chmod(0o555)
    try:
        result = run("ics", "-o", str(mappe / "x.ics"), plan=mini_path)
    finally:
        mappe.chmod(0o755)
    assert result.exit_code == 2
    assert "Mangler skrivetilgang" in result.stderr


def test_cli_does_not_import_icalendar_until_ics_runs() -> None:
    """Every cron line starts a fresh process; icalendar is for `ics` only: importing it costs
    every other command's start-up."""
    import subprocess
    import sys

    code = "import sys, aarshjul.cli; print(sorted(m for m in ('icalendar', 'zoneinfo') if m in sys.modules))"
    env = {**os.environ, "PYTHONPATH": str(PLANS.parent.parent)}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert out.stdout.strip() == "[]"


# --- the fast serializer is icalendar's output -------------------------------------------


@settings(max_examples=300)
@given(st.text(alphabet=st.characters(blacklist_characters="\r\n", blacklist_categories=("Cs",)), max_size=400)
       | st.text(alphabet="ab\\^;,æ€😀 ", max_size=300))  # fmt: skip
def test_fold_is_icalendars_folding(line: str) -> None:
    from icalendar.parser.string import _foldline

    from aarshjul.render.ics import fold

    assert fold(line) == _foldline(line).encode("utf-8") + b"\r\n"


@pytest.mark.parametrize("n", [73, 74, 75, 148, 149, 150])
def test_fold_at_the_edges(n: int) -> None:
    from icalendar.parser.string import _foldline

    from aarshjul.render.ics import fold

    for line in ("a" * n, "a" * (n - 2) + "\\n" + "b" * 5, "a" * (n - 1) + "æ" * 3, "ø" * n, "a" * (n - 2) + "😀b"):
        assert fold(line) == _foldline(line).encode("utf-8") + b"\r\n", line


def test_every_vevent_is_what_icalendar_writes(mini_plan) -> None:
    """Real plan and hostile plan: each reused-line VEVENT equals icalendar's own Event."""
    from zoneinfo import ZoneInfo

    from aarshjul.engine.expand import expand
    from aarshjul.plan.loader import load_plan
    from aarshjul.render.ics import _base, _etter_regler, _event, render_ics

    stamp = datetime(2026, 8, 1, tzinfo=timezone.utc)
    real = load_plan(Path(__file__).parent.parent / "data" / "plan.yaml")
    for plan in (mini_plan, real, load_plan(FIENDTLIG)):
        forekomster = expand(plan, date(2026, 1, 1), date(2029, 1, 1))
        data = render_ics(plan, forekomster, calname="Test", stamp=stamp)
        tz = ZoneInfo("Europe/Oslo")
        got = re.findall(rb"BEGIN:VEVENT\r\n.*?END:VEVENT\r\n", data, re.S)
        baser = {f.nokkel: f for f in forekomster}
        etter = _etter_regler(plan)
        assert got == [_event(plan, f, stamp, tz, _base(plan, f, etter, baser)).to_ical() for f in forekomster]
        assert len(got) > 0


def test_vevents_and_manifest_hashes_with_a_manifest_are_what_icalendar_writes(tmp_path: Path) -> None:
    """With a manifest (ics --alle), each VEVENT equals icalendar's own Event with the
    SEQUENCE and LAST-MODIFIED given, and the content hashed is every property's
    icalendar line in the order the properties are made: a faster path must not bump
    SEQUENCE for a folder published before it."""
    import hashlib
    from zoneinfo import ZoneInfo

    from icalendar import Event

    from aarshjul.engine.expand import expand
    from aarshjul.plan.loader import load_plan
    from aarshjul.render.ics import (
        _add,
        _alarm_egenskaper,
        _base,
        _egenskaper,
        _etter_regler,
        _event,
        _tekst_egenskaper,
        fold,
        render_ics,
        uid,
    )  # fmt: skip
    from aarshjul.storage.ics_manifest import Manifest

    stamp = datetime(2026, 8, 1, tzinfo=timezone.utc)
    naa = datetime(2026, 12, 1, tzinfo=timezone.utc)
    tz = ZoneInfo("Europe/Oslo")
    for plan in (load_plan(Path(__file__).parent.parent / "data" / "plan.yaml"), load_plan(FIENDTLIG)):
        forekomster = expand(plan, date(2026, 8, 1), date(2027, 8, 1))
        manifest = Manifest(None, naa)
        manifest.fil("alle.ics", [uid(plan, f) for f in forekomster])
        data = render_ics(plan, forekomster, calname="Test", stamp=stamp, versjoner=manifest)
        got = re.findall(rb"BEGIN:VEVENT\r\n.*?END:VEVENT\r\n", data, re.S)
        baser = {f.nokkel: f for f in forekomster}
        etter = _etter_regler(plan)
        poster = json.loads(manifest.til_json())["hendelser"]
        assert len(got) == len(forekomster) > 0
        for f, vevent in zip(forekomster, got, strict=True):
            base = _base(plan, f, etter, baser)
            assert vevent == _event(plan, f, stamp, tz, base, None, 0, naa).to_ical(), f.id
            innhold = b""
            for props in (_egenskaper(plan, f, tz) + _tekst_egenskaper(plan, f, base, None), _alarm_egenskaper(f) or []):
                for egenskap in props:
                    event = Event()
                    _add(event, [egenskap])
                    innhold += fold(event.content_line(egenskap[0], event[egenskap[0]]))
            assert poster[uid(plan, f)]["hash"] == hashlib.sha256(innhold).hexdigest()[:32], f.id


@pytest.mark.parametrize("plan_fil", ["mini.yaml", "ics_fiendtlig.yaml", "fjellbygd/plan.yaml", "REAL"])
def test_calendar_header_is_what_icalendar_writes(plan_fil: str) -> None:
    """The header made from lines shared between files equals one icalendar Calendar
    with every property, as before: with and without a URL, for a full and an empty file."""
    from icalendar import vDuration, vText

    from aarshjul.engine.expand import expand
    from aarshjul.plan.loader import load_plan
    from aarshjul.render.ics import OPPDATERING, PRODID, kalenderbeskrivelse, plan_url, render_ics

    sti = Path(__file__).parent.parent / "data" / "plan.yaml" if plan_fil == "REAL" else PLANS / plan_fil
    plan = load_plan(sti)
    stamp = datetime(2026, 8, 1, tzinfo=timezone.utc)
    for fra, til, hvem in ((date(2026, 8, 1), date(2027, 8, 1), "Skole, PPT"), (date(2027, 7, 1), date(2027, 7, 2), "A, b; c")):
        forekomster = [f for f in expand(plan, fra, til) if f.tid is None][:3]
        tekst = kalenderbeskrivelse(plan, hvem, fra, til)
        data = render_ics(plan, forekomster, calname=f"Årshjul – {hvem}", stamp=stamp, kalenderbeskrivelse=tekst)
        if not forekomster:
            tekst += " Ingen hendelser i perioden."
        cal = Calendar()
        cal.add("version", "2.0")
        cal.add("prodid", PRODID)
        cal.add("calscale", "GREGORIAN")
        navn = vText(f"Årshjul – {hvem}")
        cal.add("name", navn)
        cal.add("x-wr-calname", navn)
        cal.add("description", tekst)
        cal.add("x-wr-caldesc", vText(tekst))
        if plan_url(plan):
            cal.add("url", plan_url(plan), parameters={"VALUE": "URI"})
        cal.add("x-wr-timezone", "Europe/Oslo")
        cal.add("x-published-ttl", vDuration(OPPDATERING))
        cal.add("refresh-interval", vDuration(OPPDATERING), parameters={"VALUE": "DURATION"})
        assert ("URL" in cal) == (plan_fil == "fjellbygd/plan.yaml")
        forventet = cal.to_ical()[: -len(b"END:VCALENDAR\r\n")]
        assert data.startswith(forventet + b"BEGIN:V"), plan_fil


@given(tekst=st.text(min_size=0, max_size=300), navn=st.sampled_from(["SUMMARY", "DESCRIPTION", "LOCATION"]))
@settings(max_examples=300, deadline=None)
def test_text_lines_are_what_icalendar_writes(tekst: str, navn: str) -> None:
    """SUMMARY, DESCRIPTION and LOCATION lines made by vText and fold() equal an
    icalendar Event's own content line, for any text (commas, backslashes, «\\N», CR/LF,
    multi-byte characters at the fold)."""
    from icalendar import Event

    from aarshjul.render.ics import _Linjer, fold

    event = Event()
    event.add(navn, tekst)
    assert _Linjer().tekst(navn, tekst) == fold(event.content_line(navn, event[navn]))
    assert _Linjer()._ny((navn, tekst, ())) == fold(event.content_line(navn, event[navn]))
