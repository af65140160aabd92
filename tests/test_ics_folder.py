"""`ics --alle -o MAPPE`: an Outlook user reads the calendar at a glance and sees plan changes land.

Pinned to the real plan (data/plan.yaml), school year 2026/27.
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from pathlib import Path

from conftest import PLANS
from hypothesis import given, settings
from hypothesis import strategies as st
from icalendar import Calendar

from aarshjul.engine.expand import expand
from aarshjul.plan.loader import load_plan
from aarshjul.services.ics_export import lag_mappe_filer
from aarshjul.storage.ics_manifest import AVLYST_DAGER, MANIFEST, Manifest, dato_naa

REAL = Path(__file__).resolve().parent.parent / "data" / "plan.yaml"
FRA, TIL = date(2026, 8, 1), date(2027, 8, 1)
STAMP = datetime(2026, 8, 1, tzinfo=timezone.utc)


def publiser(plan_path: Path, mappe: Path, idag: date) -> dict[str, bytes]:
    """What `ics --alle -o MAPPE` does: the files, then the manifest, in the folder."""
    plan = load_plan(plan_path)
    forekomster = expand(plan, FRA, TIL)
    manifest = Manifest.les(mappe, dato_naa(idag))
    assert manifest.advarsel is None
    filnavn = {"barnehage": "barnehage.ics", "skole": "skole.ics"}
    mappe.mkdir(exist_ok=True)
    ut = {}
    for navn, data, _ in lag_mappe_filer(
        plan, forekomster, filnavn, stamp=STAMP, fra=FRA, til=TIL, manifest=manifest
    ):
        (mappe / navn).write_bytes(data)
        ut[navn] = data
    (mappe / MANIFEST).write_bytes(manifest.til_json())
    return ut


def by_uid(data: bytes) -> dict[str, object]:
    return {str(e["UID"]): e for e in Calendar.from_ical(data).walk("VEVENT")}


def test_every_file_reads_at_a_glance(tmp_path: Path) -> None:
    filer = publiser(REAL, tmp_path / "ut", date(2026, 12, 1))
    plan = load_plan(REAL)
    titler = {(t.id, h.id): h.tittel for t in plan.tiltak for h in t.hendelser}
    for navn, data in filer.items():
        cal = Calendar.from_ical(data)
        # The plan's own (short) name, never a hard-coded one.
        assert str(cal["NAME"]).startswith(f"Årshjul {plan.kortnavn or plan.navn} – "), navn
        assert "X-WR-CALNAME" in cal and "X-WR-CALDESC" in cal and "DESCRIPTION" in cal
        assert "METHOD" not in cal
        events = cal.walk("VEVENT")
        assert events, navn
        for e in events:
            tiltak_id, hendelse_id, _ = str(e["UID"]).split("@")[0].split(".", 2)
            tittel = titler[(tiltak_id, hendelse_id)]
            summary = str(e["SUMMARY"])
            assert summary in (tittel, f"Frist: {tittel}", f"Evaluering: {tittel}"), summary
            assert str(e["COLOR"]) in ("steelblue", "seagreen", "firebrick", "darkorange")
    # A deadline and an evaluation show their type in the grid cell.
    alle = by_uid(filer["alle.ics"])
    pmto = alle["pmto.evaluering.2027-03@tidliginnsats.sel.kommune.no"]
    assert str(pmto["SUMMARY"]) == "Årlig evaluering av PMTO"
    assert pmto.decoded("DTSTART") == date(2027, 3, 31)
    assert str(pmto["COLOR"]) == "darkorange"
    innkalling = alle["samba.innkalling.2027-03@tidliginnsats.sel.kommune.no"]
    assert str(innkalling["SUMMARY"]) == "Frist: Innkalling til SAMBA-møte sendt"


def test_description_names_the_leader_and_the_evaluated_meeting(tmp_path: Path) -> None:
    filer = publiser(REAL, tmp_path / "ut", date(2026, 12, 1))
    barnehage = by_uid(filer["barnehage.ics"])
    tekster = [str(e["DESCRIPTION"]) for e in barnehage.values()]
    assert any("Barnehage (Styrer)" in t for t in tekster)
    # The evaluation due 09.03.2027 evaluates the seminar of 09.09.2026, not the
    # meeting of 10.03.2027 beside it.
    alle = by_uid(filer["alle.ics"])
    evaluering = alle["kompetanseheving.arbeidsseminar_evaluering.2026-09@tidliginnsats.sel.kommune.no"]
    assert evaluering.decoded("DTSTART") == date(2027, 3, 9)
    assert "\nGjelder: Felles arbeidsseminar for å implementere kompetanseheving 09.09.2026\n" in str(
        evaluering["DESCRIPTION"]
    )
    # An assumed date says so.
    samba = alle["samba.mote.2026-12@tidliginnsats.sel.kommune.no"]
    assert "Datoen er antatt og må bekreftes" in str(samba["DESCRIPTION"])


def test_unchanged_rerun_is_byte_identical(tmp_path: Path) -> None:
    mappe = tmp_path / "ut"
    forste = publiser(REAL, mappe, date(2026, 12, 1))
    manifest = (mappe / MANIFEST).read_bytes()
    andre = publiser(REAL, mappe, date(2026, 12, 2))
    assert andre == forste
    assert (mappe / MANIFEST).read_bytes() == manifest


def test_moved_meeting_keeps_its_uid_with_a_higher_sequence(tmp_path: Path) -> None:
    mappe = tmp_path / "ut"
    forste = by_uid(publiser(REAL, mappe, date(2026, 12, 1))["skole.ics"])
    uid = "samba.mote.2027-03@tidliginnsats.sel.kommune.no"
    assert forste[uid].decoded("DTSTART") == date(2027, 3, 16)
    assert forste[uid]["SEQUENCE"] == 0
    endret = tmp_path / "plan.yaml"
    endret.write_text(
        REAL.read_text(encoding="utf-8").replace(
            "når: {måneder: [august, desember, mars, mai], dag: tredje tirsdag}",
            "når: {måneder: [august, desember, mars, mai], dag: andre tirsdag}",
        ),
        encoding="utf-8",
    )
    andre = by_uid(publiser(endret, mappe, date(2026, 12, 5))["skole.ics"])
    assert andre[uid].decoded("DTSTART") == date(2027, 3, 9)
    assert andre[uid]["SEQUENCE"] == 1
    assert andre[uid].decoded("LAST-MODIFIED") == datetime(2026, 12, 5, tzinfo=timezone.utc)
    assert forste[uid].decoded("LAST-MODIFIED") == datetime(2026, 12, 1, tzinfo=timezone.utc)
    # No duplicate: the same UIDs, only the moved ones changed.
    assert set(andre) == set(forste)


def test_removed_event_comes_back_once_as_cancelled(tmp_path: Path) -> None:
    mappe = tmp_path / "ut"
    publiser(REAL, mappe, date(2026, 12, 1))
    uten = tmp_path / "plan.yaml"
    tekst = REAL.read_text(encoding="utf-8")
    uten.write_text(
        tekst.replace(
            "når: {måneder: [august, desember, mars, mai], dag: tredje tirsdag}",
            "når: {måneder: [august, desember, mai], dag: tredje tirsdag}",
        ),
        encoding="utf-8",
    )
    uid = "samba.mote.2027-03@tidliginnsats.sel.kommune.no"
    andre = by_uid(publiser(uten, mappe, date(2026, 12, 5))["skole.ics"])
    avlyst = andre[uid]
    assert str(avlyst["STATUS"]) == "CANCELLED"
    assert avlyst["SEQUENCE"] == 1
    assert str(avlyst["SUMMARY"]) == "Avlyst: SAMBA-møte"
    # Still cancelled within the grace period, gone after it.
    tredje = by_uid(publiser(uten, mappe, date(2027, 1, 20))["skole.ics"])
    assert str(tredje[uid]["STATUS"]) == "CANCELLED"
    senere = by_uid(publiser(uten, mappe, date(2027, 2, 3))["skole.ics"])
    assert (date(2027, 2, 3) - date(2026, 12, 5)).days >= AVLYST_DAGER
    assert uid not in senere


def test_empty_window_is_a_valid_calendar(tmp_path: Path) -> None:
    from aarshjul.render.ics import render_ics

    plan = load_plan(REAL)
    forekomster = expand(plan, date(2027, 7, 1), date(2027, 8, 1))
    forekomster = [f for f in forekomster if "barnehage" in f.ansvar]
    assert forekomster == []
    data = render_ics(plan, forekomster, calname="Årshjul – Barnehage", stamp=STAMP)
    cal = Calendar.from_ical(data)
    assert [c.name for c in cal.subcomponents] == ["VTIMEZONE"]  # RFC 5545 §3.6: ≥ 1 component
    assert str(cal["DESCRIPTION"]).endswith("Ingen hendelser i perioden.")


def test_signed_off_event_says_so(tmp_path: Path) -> None:
    from aarshjul.render.ics import render_ics

    plan = load_plan(REAL)
    forekomster = [f for f in expand(plan, FRA, TIL) if f.nokkel == "pmto.evaluering.2027-03"]
    data = render_ics(plan, forekomster, calname="x", stamp=STAMP, utfort={"pmto.evaluering.2027-03": date(2027, 3, 25)})
    (event,) = Calendar.from_ical(data).walk("VEVENT")
    assert str(event["SUMMARY"]) == "Årlig evaluering av PMTO (utført 25.03.2027)"
    assert str(event["DESCRIPTION"]).startswith("Utført 25.03.2027\n")
    assert event.walk("VALARM") == []  # no reminder for what is done


def test_one_tiltak_owning_many_virksomheter_stays_linear(tmp_path: Path) -> None:
    """Many virksomheter on one tiltak: each DESCRIPTION names at most 10, so a file's size
    does not grow with the number of owners (a hostile or huge plan stays cheap)."""
    n = 300
    linjer = [
        "plan: {navn: Stor plan, kommune: Testkommune, uid_domene: test.example.no}",
        "virksomheter:",
        *[f"  v{i}: {{navn: Virksomhet {i}}}" for i in range(n)],
        "tiltak:",
        "  - id: t",
        "    navn: Felles",
        '    kilde: "7.1"',
        f"    ansvar: [{', '.join(f'v{i}' for i in range(n))}]",
        "    hendelser:",
        "      - id: m",
        "        tittel: Møte",
        "        type: møte",
        "        når: {måneder: [september, mars], dag: \"15\"}",
    ]
    plan_path = tmp_path / "stor.yaml"
    plan_path.write_text("\n".join(linjer) + "\n", encoding="utf-8")
    plan = load_plan(plan_path)
    forekomster = expand(plan, FRA, TIL)
    filnavn = {f"v{i}": f"v{i}.ics" for i in range(n)}
    storrelser = []
    for navn, data, antall in lag_mappe_filer(
        plan, forekomster, filnavn, stamp=STAMP, fra=FRA, til=TIL
    ):
        assert antall == 2, navn
        storrelser.append(len(data))
    # Every file is about the same small size: the text does not grow with n.
    assert max(storrelser) < 4000
    (event, _) = Calendar.from_ical(data).walk("VEVENT")
    assert str(event["DESCRIPTION"]).count("Virksomhet ") == 10
    assert f"og {n - 10} andre" in str(event["DESCRIPTION"])


def _alle_events(data: bytes) -> dict[str, str]:
    """UID -> DESCRIPTION for every VEVENT."""
    return {str(e["UID"]): str(e["DESCRIPTION"]) for e in Calendar.from_ical(data).walk("VEVENT")}


EVALUERING_2026_09 = "kompetanseheving.arbeidsseminar_evaluering.2026-09@tidliginnsats.sel.kommune.no"
GJELDER_SEMINAR = "\nGjelder: Felles arbeidsseminar for å implementere kompetanseheving 09.09.2026\n"


def test_evaluated_meeting_before_the_window_keeps_its_date(tmp_path: Path, run) -> None:
    """The seminar of 09.09.2026 is before a window from 01.01.2027; its evaluation on
    09.03.2027 still says which seminar, with the date, in every command and file."""
    fil = tmp_path / "alle.ics"
    result = run("ics", "--fra", "01.01.2027", "--til", "31.07.2027", "-o", str(fil), plan=REAL)
    assert result.exit_code == 0, result.output
    beskrivelse = _alle_events(fil.read_bytes())[EVALUERING_2026_09]
    assert GJELDER_SEMINAR in beskrivelse
    plan = load_plan(REAL)
    assert not any(f.nokkel == "kompetanseheving.arbeidsseminar.2026-09" for f in expand(plan, date(2027, 1, 1), date(2027, 8, 1)))
    # One virksomhet's file, and every file of --alle.
    hvem = next(k for k in plan.virksomheter if any(
        f.nokkel == "kompetanseheving.arbeidsseminar_evaluering.2026-09" and k in f.ansvar
        for f in expand(plan, date(2027, 1, 1), date(2027, 8, 1))
    ))  # fmt: skip
    fil_v = tmp_path / "en.ics"
    result = run("ics", "-v", hvem, "--fra", "01.01.2027", "--til", "31.07.2027", "-o", str(fil_v), plan=REAL)
    assert result.exit_code == 0, result.output
    assert GJELDER_SEMINAR in _alle_events(fil_v.read_bytes())[EVALUERING_2026_09]
    mappe = tmp_path / "mappe"
    result = run("ics", "--alle", "--fra", "01.01.2027", "--til", "31.07.2027", "-o", str(mappe), plan=REAL)
    assert result.exit_code == 0, result.output
    med = [p.name for p in mappe.glob("*.ics") if EVALUERING_2026_09 in _alle_events(p.read_bytes())]
    assert "alle.ics" in med and len(med) > 1
    for navn in med:
        assert GJELDER_SEMINAR in _alle_events((mappe / navn).read_bytes())[EVALUERING_2026_09], navn


def test_meeting_in_another_virksomhets_file_is_named_the_same_in_every_file(tmp_path: Path) -> None:
    """A per-virksomhet file without the evaluated meeting names it as alle.ics does:
    the VEVENT is shared between the files, so it must not depend on which came first."""
    filer = publiser(REAL, tmp_path / "ut", date(2026, 12, 1))
    alle = _alle_events(filer["alle.ics"])
    for navn, data in filer.items():
        for uid, tekst in _alle_events(data).items():
            assert tekst == alle[uid], (navn, uid)


def test_moved_date_gives_the_engines_reason(tmp_path: Path) -> None:
    """Every moved event says why with Forekomst.flyttet_grunn, the reason every other
    format gives: Easter 2024 names the days skipped, not only the first."""
    from aarshjul.render.common import one_line
    from aarshjul.render.ics import render_ics

    plan = load_plan(REAL)
    forekomster = expand(plan, date(2019, 1, 1), date(2031, 1, 1))
    data = render_ics(plan, forekomster, calname="x", stamp=STAMP)
    tekster = _alle_events(data)
    flyttet = [f for f in forekomster if f.flyttet_fra is not None]
    assert flyttet
    for f in flyttet:
        assert f.flyttet_grunn
        linje = f"\nFlyttet fra {f.flyttet_fra:%d.%m.%Y} ({one_line(f.flyttet_grunn)})"
        assert linje in tekster[f"{f.nokkel}@{plan.uid_domene}"], f.id
    assert any(
        "\nFlyttet fra 31.03.2024 (1. påskedag; 29.03 er langfredag; 28.03 er skjærtorsdag)" in t
        for t in tekster.values()
    )


def test_leader_role_equal_to_the_name_is_said_once(tmp_path: Path) -> None:
    """«Kommunalsjef helse» leads itself: «Ansvar: Kommunalsjef helse», not twice."""
    plan = load_plan(REAL)
    assert plan.virksomheter["kommunalsjef_helse"].leder == plan.virksomheter["kommunalsjef_helse"].navn
    filer = publiser(REAL, tmp_path / "ut", date(2026, 12, 1))
    tekster = list(_alle_events(filer["alle.ics"]).values())
    assert not any("Kommunalsjef helse (Kommunalsjef helse)" in t for t in tekster)
    assert any("\nAnsvar: Kommunalsjef helse\n" in t for t in tekster)
    assert any("Barnehage (Styrer)" in t for t in tekster)  # a different role is still named


_JSON_VERDI = st.recursive(
    st.none() | st.integers() | st.text() | st.booleans() | st.floats(allow_nan=False),
    lambda barn: st.dictionaries(st.text(), barn, max_size=4) | st.lists(barn, max_size=3),
    max_leaves=12,
)


@given(data=st.dictionaries(st.text(), _JSON_VERDI, max_size=5))
@settings(max_examples=300, deadline=None)
def test_manifest_json_is_what_json_dumps_writes(data: dict[str, object]) -> None:
    """The manifest's own writer gives json.dumps(indent=1, sort_keys=True) byte for
    byte: odd text (quotes, control characters, æøå, emoji), empty dicts, nesting, and
    what it leaves to json (lists, bools, floats)."""
    import json

    from aarshjul.storage.ics_manifest import json_tekst

    assert json_tekst(data) == json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True)


def test_manifest_of_the_real_plan_is_what_json_dumps_writes(tmp_path: Path) -> None:
    import json

    from aarshjul.storage.ics_manifest import json_tekst

    publiser(REAL, tmp_path / "ut", date(2026, 12, 1))
    tekst = (tmp_path / "ut" / MANIFEST).read_text(encoding="utf-8")
    data = json.loads(tekst)
    assert len(data["hendelser"]) > 50
    assert tekst == json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    assert json_tekst(data) + "\n" == tekst


def test_manifest_values_of_the_wrong_type_or_range_are_left_out_with_a_warning(run, tmp_path: Path) -> None:
    """The manifest lies in a folder others may write. A date written as a number crashed
    the run, SEQUENCE at the RFC 5545 limit made it overflow, and a UID with ESC and NUL
    reached alle.ics as a cancelled event. Each such entry is left out, with a warning
    naming the file; the others keep their SEQUENCE."""
    import json

    mappe = tmp_path / "kal"
    assert run("ics", "--alle", "-o", str(mappe), today="07.12.2026", plan=REAL).exit_code == 0
    fil = mappe / MANIFEST
    data = json.loads(fil.read_text(encoding="utf-8"))
    hendelser = data["hendelser"]
    a, b = sorted(u for u, p in hendelser.items() if "alle.ics" in p["filer"])[:2]
    mal = hendelser[a]
    hendelser[a] = {**mal, "sekvens": 2147483647, "hash": "0"}  # changed content: SEQUENCE + 1
    hendelser[b] = {**hendelser[b], "sekvens": 3}
    hendelser["borte.frist.2026-11@x.no"] = {**mal, "filer": {"alle.ics": 20261101}}
    hendelser["ond\x1b]0;tittel\x07\x00@x.no"] = {**mal, "filer": {"alle.ics": "2026-12-01"}}
    hendelser["sann.frist.2026-11@x.no"] = {**mal, "sekvens": True}
    fil.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")

    r = run("ics", "--alle", "-o", str(mappe), today="07.12.2026", plan=REAL)
    assert r.exit_code == 0, r.output
    assert f"«{fil}» har 4 ugyldige oppføringer (feil type eller verdi)" in r.stderr
    alle = (mappe / "alle.ics").read_bytes()
    assert b"\x1b" not in alle and b"\x00" not in alle and b"borte" not in alle and b"sann" not in alle
    sekvens = {u: int(e.get("SEQUENCE", 0)) for u, e in by_uid(alle).items()}
    assert sekvens[a] == 0 and sekvens[b] == 3
    r = run("ics", "--alle", "-o", str(mappe), today="07.12.2026", plan=REAL)
    assert r.exit_code == 0 and r.stderr == "", r.output


def test_timed_events_keep_their_manifest_entry_between_runs(run, tmp_path: Path) -> None:
    """A timed event's DTSTART is stored with Europe/Oslo's offset; the entry check took
    that for a wrong value, so every nightly run warned and restarted SEQUENCE for every
    meeting with a time (108 in Fjellbygd's plan)."""
    import json

    plan = PLANS / "fjellbygd" / "plan.yaml"
    mappe = tmp_path / "kal"
    assert run("ics", "--alle", "-o", str(mappe), today="07.12.2026", plan=plan).exit_code == 0
    fil = mappe / MANIFEST
    data = json.loads(fil.read_text(encoding="utf-8"))
    timed = [u for u, p in data["hendelser"].items() if "T" in p["start"]]
    assert len(timed) > 50 and data["hendelser"][timed[0]]["start"].endswith(("+01:00", "+02:00"))
    data["hendelser"][timed[0]]["sekvens"] = 4
    fil.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    r = run("ics", "--alle", "-o", str(mappe), today="07.12.2026", plan=plan)
    assert (r.exit_code, r.stderr) == (0, "")
    assert json.loads(fil.read_text(encoding="utf-8"))["hendelser"][timed[0]]["sekvens"] == 4
