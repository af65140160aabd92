"""Sign-off, status and the fellesevaluering report, on the real plan.

PMTO's yearly evaluation is due by the end of March: 31.03.2027 (a Wednesday). In
2029 it is due 28.03.2029: 29.03 is skjærtorsdag, 30.03 langfredag, 31.03 a Saturday.
"""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date
from pathlib import Path

import pytest

from aarshjul.model import KVITTERT
from aarshjul.storage import store
from aarshjul.storage.store import ny_kvittering

PMTO_ID = "pmto.evaluering.2027-03-31"
PMTO_NOKKEL = "pmto.evaluering.2027-03"


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "data" / "kvitteringer.sqlite"


def _kvitter_pmto(run, db: Path, *extra: str):
    r = run("kvitter", PMTO_ID, "--dato", "25.03.2027", "--av", "Virksomhetsleder barnevern",
            "--merknad", "Evaluert i lærende møte", "--lenke", "https://sel.kommune.no/pmto-2027",
            "--db", str(db), *extra, today="25.03.2027")  # fmt: skip
    assert r.exit_code == 0, r.stderr
    return r


# --- kvitter, angre, status ---------------------------------------------------------------


def test_kvitter_creates_the_db_and_says_where(run, db: Path) -> None:
    r = _kvitter_pmto(run, db)
    assert r.stderr == f"Opprettet kvitteringsdatabasen: {db}\n"
    # Owned by three virksomheter: without --virksomhet it is signed off for each of them.
    assert r.stdout == (
        "Kvittert for 3 virksomheter: PMTO – Årlig evaluering av PMTO (31.03.2027): Utført 25.03.2027.\n"
        "  Barnevern, Helsestasjon og skolehelsetjeneste, Skole.\n"
    )
    r = _kvitter_pmto(run, db, "--erstatt")
    assert r.stderr == ""


def test_read_only_commands_never_create_the_db(run, db: Path) -> None:
    for args in (("status",), ("rapport",), ("kvitter", "--eksport", "json")):
        r = run(*args, "--db", str(db), today="05.04.2027")
        assert r.exit_code == 0, r.stderr
    assert not db.parent.exists()


def test_pmto_signed_off_is_utfort_in_status(run, db: Path) -> None:
    _kvitter_pmto(run, db)
    r = run("status", "--virksomhet", "pmto", "--skoleår", "2026/27", "--format", "json", "--db", str(db),
            today="05.04.2027")  # fmt: skip
    assert r.exit_code == 0, r.stderr
    rader = {x["id"]: x for x in json.loads(r.stdout)}
    pmto = rader[PMTO_ID]
    assert pmto["status"] == "utført" and pmto["nokkel"] == PMTO_NOKKEL and not pmto["for_sent"]
    assert pmto["utfort"]["dato"] == "2027-03-25"
    assert pmto["utfort"]["av"] == "Virksomhetsleder barnevern"
    assert pmto["utfort"]["lenke"] == "https://sel.kommune.no/pmto-2027"
    r = run("status", "--virksomhet", "pmto", "--skoleår", "2026/27", "--format", "tekst", "--db", str(db),
            today="05.04.2027")  # fmt: skip
    assert "31.03.2027  utført" in r.stdout
    assert "Utført 25.03.2027 av Virksomhetsleder barnevern: Evaluert i lærende møte" in r.stdout


def test_angre_keeps_history_and_makes_it_forfalt(run, db: Path) -> None:
    _kvitter_pmto(run, db)
    r = run("angre", "pmto.evaluering 2026/27", "--db", str(db), today="05.04.2027")
    assert r.exit_code == 0, r.stderr
    assert r.stdout == (
        f"Angret kvitteringen for {PMTO_ID} for Barnevern, Helsestasjon og skolehelsetjeneste, Skole.\n"
    )
    assert [k.handling for k in store.read_events(db)] == ["kvittert"] * 3 + ["angret"] * 3
    r = run("status", "--forfalt", "--virksomhet", "pmto", "--format", "json", "--db", str(db), today="05.04.2027")
    rad = next(x for x in json.loads(r.stdout) if x["id"] == PMTO_ID)
    assert (rad["status"], rad["dager_forfalt"], rad["utfort"]) == ("forfalt", 5, None)
    r = run("angre", PMTO_ID, "--db", str(db), today="05.04.2027")
    assert r.exit_code == 2 and "er ikke kvittert" in r.stderr


def test_status_forfalt_is_quiet_when_nothing_is_overdue(run, db: Path) -> None:
    # The day before PMTO's deadline nothing of PMTO's is overdue yet (the 2026 one is signed off).
    run("kvitter", "pmto.evaluering 2025/26", "--db", str(db), today="30.03.2027")
    r = run("status", "--forfalt", "--virksomhet", "pmto", "--format", "tekst", "--db", str(db), today="30.03.2027")
    assert (r.exit_code, r.stdout) == (0, "")
    r = run("status", "--forfalt", "--virksomhet", "pmto", "--format", "tekst", "--db", str(db), today="01.04.2027")
    assert r.exit_code == 0 and "forfalt i 1 dag" in r.stdout and "Årlig evaluering av PMTO" in r.stdout


def test_unknown_id_is_an_error_with_suggestions(run, db: Path) -> None:
    r = run("kvitter", "pmto.evaluering.2027-03-30", "--db", str(db), today="05.04.2027")
    assert r.exit_code == 2
    assert "Ukjent forekomst «pmto.evaluering.2027-03-30»" in r.stderr and PMTO_ID in r.stderr
    assert not db.parent.exists()


@pytest.mark.parametrize(
    ("option", "verdi", "ord_"),
    [
        ("--merknad", "Gjelder 01019012345 hos PPT", "fødselsnummer"),  # replaced by a synthetic valid one
        ("--av", "Rektor\x1b[31m", "kontrolltegn"),
        ("--lenke", "javascript:alert(1)", "https://"),
    ],
)
def test_user_text_is_checked(run, db: Path, option: str, verdi: str, ord_: str) -> None:
    from aarshjul.plan.privacy import er_foedselsnummer

    if option == "--merknad":
        verdi = verdi.replace("01019012345", _et_foedselsnummer())
        assert er_foedselsnummer(_et_foedselsnummer())
    r = run("kvitter", PMTO_ID, option, verdi, "--db", str(db), today="05.04.2027")
    assert r.exit_code == 2 and ord_ in r.stderr, r.stderr
    assert not db.exists()


def _et_foedselsnummer() -> str:
    """The first 11-digit number born 01.01.90 with valid control digits (synthetic)."""
    from aarshjul.plan.privacy import er_foedselsnummer

    return next(f"010190{i:03d}{k:02d}" for i in range(1000) for k in range(100) if er_foedselsnummer(f"010190{i:03d}{k:02d}"))


def test_user_text_is_escaped_in_every_output(run, db: Path) -> None:
    merknad = "<script>alert(1)</script> *fet* | =HYPERLINK(\"x\")"
    r = run("kvitter", PMTO_ID, "--dato", "25.03.2027", "--merknad", merknad, "--av", "=1+1", "--db", str(db),
            today="25.03.2027")  # fmt: skip
    assert r.exit_code == 0, r.stderr
    html = run("rapport", "--skoleår", "2026/27", "--format", "html", "--db", str(db), today="05.04.2027").stdout
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    md = run("rapport", "--skoleår", "2026/27", "--format", "markdown", "--db", str(db), today="05.04.2027").stdout
    assert r"\<script\>" in md and r"\*fet\* \|" in md
    raw = run("rapport", "--skoleår", "2026/27", "--format", "csv", "--db", str(db), today="05.04.2027").stdout
    rader = list(csv.reader(io.StringIO(raw.lstrip("\ufeff")), delimiter=";"))
    pmto = next(r for r in rader if r[-1] == PMTO_ID)
    assert "'=1+1" in pmto and f"'{merknad}" not in pmto and merknad in pmto


# --- rapport ------------------------------------------------------------------------------


def test_rapport_shows_pmto_done_and_the_totals(run, db: Path) -> None:
    _kvitter_pmto(run, db)
    r = run("rapport", "--skoleår", "2026/27", "--format", "json", "--db", str(db), today="05.04.2027")
    assert r.exit_code == 0, r.stderr
    data = json.loads(r.stdout)
    assert (data["fra"], data["til"]) == ("2026-08-01", "2027-07-31")
    pmto = next(t for t in data["tiltak"] if t["navn"] == "PMTO")
    rad = next(x for x in pmto["rader"] if x["id"] == PMTO_ID)
    assert rad["status"] == "utført" and rad["utfort"]["dato"] == "2027-03-25"
    ev = data["totalt"]["evalueringer"]
    assert ev["utfort"] == ev["i_tide"] == 1 and ev["antall"] >= 10
    assert ev["antall"] == ev["utfort"] + ev["forfalt"] + ev["kommende"] + ev["venter"]
    md = run("rapport", "--skoleår", "2026/27", "--db", str(db), today="05.04.2027").stdout
    assert md.startswith("# Fellesevaluering skoleåret 2026/27\n")
    assert f"1 av {ev['antall']} evalueringer utført (1 i tide, 0 for sent)" in md
    # Owned by three virksomheter, each signed off (the shortcut): the row says so.
    assert "| 31.03.2027 | Årlig evaluering av PMTO | utført (3 av 3) | 25.03.2027 | Virksomhetsleder barnevern |" in md


def test_rapport_is_in_plan_order(run, db: Path, real_plan) -> None:
    data = json.loads(run("rapport", "--format", "json", "--db", str(db), today="05.04.2027").stdout)
    navn = [t["navn"] for t in data["tiltak"]]
    plan_orden = [t.navn for t in real_plan.tiltak]
    assert navn == [n for n in plan_orden if n in navn] and len(navn) >= 10


def test_rapport_csv_is_for_norwegian_excel(run, db: Path, tmp_path: Path) -> None:
    _kvitter_pmto(run, db)
    ut = tmp_path / "rapport.csv"
    r = run("rapport", "--skoleår", "2026/27", "--format", "csv", "-o", str(ut), "--db", str(db), today="05.04.2027")
    assert r.exit_code == 0 and r.stdout == ""
    raw = ut.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfTiltak;Kilde;Frist;") and b"\r\n" in raw
    rader = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    pmto = next(r for r in rader if r[-1] == PMTO_ID)
    assert pmto[:3] == ["PMTO", pmto[1], "31.03.2027"] and pmto[5] == "utført" and pmto[7] == "25.03.2027"


def test_late_sign_off_is_reported_late(run, db: Path) -> None:
    run("kvitter", PMTO_ID, "--dato", "02.04.2027", "--db", str(db), today="05.04.2027")
    md = run("rapport", "--skoleår", "2026/27", "--db", str(db), today="05.04.2027").stdout
    assert "| 31.03.2027 | Årlig evaluering av PMTO | utført for sent (3 av 3) | 02.04.2027 |" in md
    assert "evalueringer utført (0 i tide, 1 for sent)" in md


# --- keys survive plan edits -----------------------------------------------------------


def test_a_holiday_moved_deadline_keeps_its_sign_off_after_the_day_rule_is_edited(
    run, db: Path, tmp_path: Path
) -> None:
    from aarshjul.plan.planfile import default_plan_path

    tekst = default_plan_path().read_text(encoding="utf-8")
    plan = tmp_path / "plan.yaml"
    plan.write_text(tekst, encoding="utf-8")
    # 2029: 31.03 is a Saturday, 30.03 langfredag, 29.03 skjærtorsdag → due 28.03.2029.
    r = run("kvitter", "pmto.evaluering 2028/29", "--dato", "27.03.2029", "--db", str(db), plan=plan,
            today="27.03.2029")  # fmt: skip
    assert r.exit_code == 0, r.stderr
    assert "(28.03.2029)" in r.stdout
    gammel = "        når: {innen_utgangen_av: mars}\n        # Evaluererne er andre"
    assert tekst.count(gammel) == 1
    plan.write_text(tekst.replace(gammel, '        når: {måneder: [mars], dag: "15"}\n        # Evaluererne er andre'),
                    encoding="utf-8")  # fmt: skip
    r = run("status", "--virksomhet", "pmto", "--skoleår", "2028/29", "--format", "json", "--db", str(db),
            plan=plan, today="02.04.2029")  # fmt: skip
    assert r.exit_code == 0, r.stderr
    rad = next(x for x in json.loads(r.stdout) if x["hendelse"] == "evaluering")
    assert (rad["id"], rad["status"]) == ("pmto.evaluering.2029-03-15", "utført")
    r = run("check", "--db", str(db), plan=plan, today="02.04.2029")
    assert r.exit_code == 0 and r.stdout.startswith("Planen er gyldig")
    assert "Kvitteringer uten forekomst" not in r.stdout  # the sign-off still has its occurrence


def test_check_reports_sign_offs_whose_occurrence_is_gone(run, db: Path, tmp_path: Path) -> None:
    from aarshjul.plan.planfile import default_plan_path

    tekst = default_plan_path().read_text(encoding="utf-8")
    plan = tmp_path / "plan.yaml"
    plan.write_text(tekst, encoding="utf-8")
    _kvitter_pmto(run, db)
    gammel = "        når: {innen_utgangen_av: mars}\n        # Evaluererne er andre"
    plan.write_text(tekst.replace(gammel, "        når: {innen_utgangen_av: april}\n        # Evaluererne er andre"),
                    encoding="utf-8")  # fmt: skip
    r = run("check", "--db", str(db), plan=plan, today="05.04.2027")
    assert r.exit_code == 0, r.stderr
    assert f"{PMTO_NOKKEL} (kvittert 25.03.2027 for {PMTO_ID})" in r.stdout
    assert len(store.read_events(db)) == 3  # reported, not dropped (one row per owner)


# --- export and import ------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_export_import_round_trip_and_twice_adds_nothing(run, db: Path, tmp_path: Path, fmt: str) -> None:
    _kvitter_pmto(run, db)
    run("kvitter", "samba.mote.2027-03", "--merknad", "Referat; «lagret»", "--db", str(db), today="05.04.2027")
    run("angre", "samba.mote.2027-03", "--db", str(db), today="05.04.2027")
    ut = tmp_path / f"eksport.{fmt}"
    r = run("kvitter", "--eksport", fmt, "-o", str(ut), "--db", str(db), today="05.04.2027")
    assert r.exit_code == 0, r.stderr
    ny = tmp_path / "ny.sqlite"
    r = run("kvitter", "--importer", str(ut), "--db", str(ny), today="05.04.2027")
    assert r.exit_code == 0, r.stderr
    assert "Importerte 5 av 5 kvitteringer" in r.stdout  # pmto for each of its 3 owners, samba and its angre
    assert store.read_events(ny) == store.read_events(db)
    r = run("kvitter", "--importer", str(ut), "--db", str(ny), today="05.04.2027")
    assert "Importerte 0 av 5 kvitteringer" in r.stdout and "5 fantes fra før" in r.stdout
    assert len(store.read_events(ny)) == 5


def test_import_of_a_bad_file_names_the_line(run, db: Path, tmp_path: Path) -> None:
    fil = tmp_path / "feil.csv"
    fil.write_text(
        "\ufeffuid;nokkel;handling;utfort;av;merknad;lenke;forekomst_id;forekomst_dato;registrert\r\n"
        f"{'a' * 32};pmto.evaluering.2027-03;kvittert;25.03.2027;;;;;;2026-03-25T09:00:00.000000Z\r\n",
        encoding="utf-8",
    )
    r = run("kvitter", "--importer", str(fil), "--db", str(db), today="05.04.2027")
    assert r.exit_code == 2 and f"{fil}:2: «utfort» er ikke en dato" in r.stderr
    assert not db.exists()


# --- files that cannot be used --------------------------------------------------------------


def test_non_sqlite_file_is_a_clear_error_and_untouched(run, tmp_path: Path) -> None:
    fil = tmp_path / "kvitteringer.sqlite"
    fil.write_text("dette er et regneark\n", encoding="utf-8")
    for args in (("kvitter", PMTO_ID), ("status",), ("next",)):
        r = run(*args, "--db", str(fil), today="05.04.2027")
        assert r.exit_code == 1, (args, r.stdout)
        assert r.stderr == f"Feil: {fil}: er ikke en SQLite-database (feil filhode). Filen er ikke endret; " \
            "velg en annen fil med --db eller AARSHJUL_DB.\n"
        assert "Traceback" not in r.stdout
    assert fil.read_text(encoding="utf-8") == "dette er et regneark\n"


def test_newer_schema_is_refused(run, db: Path) -> None:
    import sqlite3

    _kvitter_pmto(run, db)
    con = sqlite3.connect(db)
    con.execute("PRAGMA user_version = 99")
    con.commit()
    con.close()
    before = db.read_bytes()
    r = run("kvitter", "samba.mote.2027-03", "--db", str(db), today="05.04.2027")
    assert r.exit_code == 1 and "skjemaversjon 99" in r.stderr and "nyere aarshjul" in r.stderr
    assert db.read_bytes() == before


@pytest.mark.parametrize(
    ("mappe", "fil"), [(0o777, 0o444), (0o555, 0o666)], ids=["read_only_file", "read_only_folder"]
)
def test_read_only_file_or_folder_as_another_user(mappe: int, fil: int) -> None:
    import shutil
    import tempfile

    from otheruser import run_as_other_user

    folder = Path(tempfile.mkdtemp(prefix="aarshjul-kvittering-"))
    try:
        db = folder / "kvitteringer.sqlite"
        with store.write_transaction(db) as s:
            s.append([ny_kvittering(PMTO_NOKKEL, KVITTERT, date(2027, 3, 25), forekomst_id=PMTO_ID)])
        for side in folder.glob("*-*"):
            side.unlink()
        db.chmod(fil)
        folder.chmod(mappe)
        before = db.read_bytes()
        r = run_as_other_user("kvitter", "samba.mote.2026-12", "--db", str(db))
        if r.returncode != 1 and "aarshjul" not in r.stderr:
            pytest.skip(f"en annen bruker kan ikke kjøre Python-miljøet her: {r.stderr[-200:]}")
        assert r.returncode == 1, r.stderr
        assert r.stderr == (
            f"Feil: {db}: kan ikke skrive til kvitteringsdatabasen (filen eller mappen er skrivebeskyttet). "
            "Ingenting er lagret.\n"
        )
        assert db.read_bytes() == before
        # Reading still works for them: status shows the sign-off.
        r = run_as_other_user("status", "--virksomhet", "pmto", "--skoleår", "2026/27", "--format", "json",
                              "--db", str(db))  # fmt: skip
        assert r.returncode == 0, r.stderr
        assert next(x for x in json.loads(r.stdout) if x["id"] == PMTO_ID)["status"] == "utført"
        assert db.read_bytes() == before
    finally:
        folder.chmod(0o755)
        shutil.rmtree(folder)


# --- next and digest ----------------------------------------------------------------------


def test_next_marks_pmto_done_and_drops_it_from_early_deadlines(run, db: Path) -> None:
    args = ("next", "--virksomhet", "barnevern", "--dager", "3", "--format", "tekst", "--db", str(db))
    before = run(*args, today="25.03.2027").stdout
    assert "Frister som nærmer seg" in before and "onsdag 31.03.2027  PMTO – Årlig evaluering av PMTO" in before
    _kvitter_pmto(run, db)
    after = run(*args, today="25.03.2027").stdout
    assert "31.03.2027  PMTO" not in after
    assert "Forfalt\n  tirsdag 31.03.2026  PMTO – Årlig evaluering av PMTO" in after  # last year's, unsigned
    r = run("next", "--virksomhet", "barnevern", "--format", "json", "--db", str(db), today="25.03.2027")
    pmto = next(x for x in json.loads(r.stdout) if x["id"] == PMTO_ID)
    assert pmto["status"] == "utført" and pmto["utfort"]["dato"] == "2027-03-25"
    tekst = run("next", "--virksomhet", "barnevern", "--format", "tekst", "--db", str(db), today="25.03.2027").stdout
    assert "  onsdag 31.03.2027  PMTO – Årlig evaluering av PMTO\n      Evaluering · utført 25.03.2027 ·" in tekst


def test_next_starts_with_forfalt(run, db: Path) -> None:
    run("kvitter", "samba.mote.2027-03", "--db", str(db), today="05.04.2027")  # follow-up in use
    tekst = run("next", "--virksomhet", "barnevern", "--format", "tekst", "--db", str(db), today="05.04.2027").stdout
    lines = tekst.splitlines()
    assert lines[3].startswith("Planperioden 2018–2022 sluttet 31.12.2022.") and lines[5] == "Forfalt"
    i = lines.index("  onsdag 31.03.2027  PMTO – Årlig evaluering av PMTO")
    assert i < lines.index("Uke 14 (05.04.–11.04.2027)")
    assert lines[i + 1].startswith("      Evaluering · forfalt i 5 dager ·")
    md = run("next", "--virksomhet", "barnevern", "--format", "markdown", "--db", str(db), today="05.04.2027").stdout
    assert md.index("## Forfalt") < md.index("## Uke 14")


def test_next_without_a_database_has_no_forfalt_section(run, db: Path) -> None:
    tekst = run("next", "--virksomhet", "barnevern", "--format", "tekst", "--db", str(db), today="05.04.2027").stdout
    assert "Forfalt" not in tekst
    assert not db.parent.exists()


def test_digest_week_14_of_2027_lists_pmto_as_forfalt(run, db: Path) -> None:
    _kvitter_pmto(run, db)
    run("angre", PMTO_ID, "--db", str(db), today="05.04.2027")  # unsigned again
    r = run("digest", "--virksomhet", "barnevern", "--fra", "05.04.2027", "--db", str(db), today="05.04.2027")
    assert r.exit_code == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0].startswith("Uke 14 · 5.–11. april 2027 for Barnevern")
    assert lines[4].startswith("Planperioden 2018–2022 sluttet 31.12.2022.")
    assert lines[8:10] == ["Forfalt", "-------"]
    assert "  - 31.03.2027, forfalt i 5 dager: PMTO – Årlig evaluering av PMTO" in lines
    html = run("digest", "--virksomhet", "barnevern", "--fra", "05.04.2027", "--format", "html", "--db", str(db),
               today="05.04.2027").stdout  # fmt: skip
    assert ">Forfalt</h2>" in html and "31.03.2027, forfalt i 5 dager" in html
    md = run("digest", "--virksomhet", "barnevern", "--fra", "05.04.2027", "--format", "markdown", "--db", str(db),
             today="05.04.2027").stdout  # fmt: skip
    assert "### Forfalt" in md and "- 31.03.2027, forfalt i 5 dager: **PMTO – Årlig evaluering av PMTO**" in md


def test_digest_marks_pmto_done_and_drops_it_from_kommende_frister(run, db: Path) -> None:
    args = ("digest", "--virksomhet", "barnevern", "--db", str(db))
    before = run(*args, "--fra", "22.03.2027", today="22.03.2027").stdout
    assert "31.03.2027, om 9 dager: PMTO – Årlig evaluering av PMTO" in before
    _kvitter_pmto(run, db)
    after = run(*args, "--fra", "22.03.2027", today="26.03.2027").stdout
    assert "31.03.2027" not in after
    assert "31.03.2026, forfalt i 356 dager: PMTO – Årlig evaluering av PMTO" in after  # last year's
    uke13 = run(*args, "--fra", "29.03.2027", today="29.03.2027").stdout
    assert "Onsdag 31. mars\n  - PMTO – Årlig evaluering av PMTO\n    Utført 25.03.2027 · Evaluering ·\n" in uke13
    assert "31.03.2027, forfalt" not in uke13


# The docs' session (docs/kvitteringer.md): each command line and what it printed.
DOC_OKT = (
    ("kvitter", "pmto.evaluering 2026/27", "--virksomhet", "barnevern", "--dato", "25.03.2027",
     "--av", "Virksomhetsleder barnevern", "--merknad", "Evaluert i lærende møte"),
    ("status", "--virksomhet", "pmto", "--skoleår", "2026/27", "--format", "tekst"),
    ("kvitter", "pmto.evaluering 2026/27", "--virksomhet", "skole", "--av", "Rektor"),
    ("kvitter", "pmto.evaluering 2026/27", "--virksomhet", "skole", "--av", "Rektor"),
    ("kvitter", "pmto.evaluering 2026/27", "--virksomhet", "skole", "--av", "Rektor", "--dato", "01.04.2027",
     "--erstatt"),
    ("angre", "pmto.evaluering 2026/27", "--virksomhet", "skole"),
    ("kvitter", "pmto.evaluering 2026/27"),
    ("status", "--virksomhet", "pmto", "--skoleår", "2026/27", "--format", "tekst"),
    ("kvitter", "pmto.evaluering.2027-03-30"),
)  # fmt: skip
# When a row was recorded is the clock's; the docs show one such time.
_REGISTRERT = re.compile(r"registrert \d\d\.\d\d\.\d{4} kl\. \d\d:\d\d")


def _vis(args: tuple[str, ...]) -> str:
    return "$ aarshjul " + " ".join(f'"{a}"' if " " in a else a for a in args)


def doc_okt(run, db: Path) -> str:  # type: ignore[no-untyped-def]
    """The session as the docs show it: the database's path as a user's, the time as 10:15."""
    ut = []
    for args in DOC_OKT:
        r = run(*args, "--db", str(db), today="05.04.2027")
        tekst = (r.stderr + r.stdout).replace(str(db), "/home/raadmann/.local/share/aarshjul/kvitteringer.sqlite")
        ut.append(_vis(args) + "\n" + _REGISTRERT.sub("registrert 05.04.2027 kl. 10:15", tekst))
    return "".join(ut)


def test_readme_session_is_real_output(run, db: Path) -> None:  # type: ignore[no-untyped-def]
    from conftest import REPO

    readme = (REPO / "docs" / "kvitteringer.md").read_text(encoding="utf-8")
    assert readme.startswith("# Kvittering og oppfølging\n")
    seksjon = readme.split("\n## ", 1)[0]
    assert f"```text\n{doc_okt(run, db)}```" in seksjon
    run("angre", PMTO_ID, "--db", str(db), today="05.04.2027")
    digest = run("digest", "--virksomhet", "barnevern", "--fra", "05.04.2027", "--db", str(db), today="05.04.2027")
    linjer = digest.stdout.splitlines()
    i = linjer.index("  - 31.03.2027, forfalt i 5 dager: PMTO – Årlig evaluering av PMTO")
    hode = linjer[: linjer.index("Forfalt") + 2]  # the heading, the plan period, «Forfalt»
    assert "\n".join(hode) + "\n…\n" + "\n".join(linjer[i : i + 3]) + "\n…\n" in seksjon


@pytest.mark.parametrize("skriv", [
    lambda n: f"{n[:6]}-{n[6:]}",  # a dash
    lambda n: f"{n[:2]}.{n[2:4]}.{n[4:6]} {n[6:9]} {n[9:]}",  # dots and spaces
    lambda n: n.translate({ord(c): 0xFF10 + int(c) for c in "0123456789"}),  # fullwidth digits
], ids=["dash", "dots_spaces", "fullwidth"])  # fmt: skip
def test_a_disguised_foedselsnummer_is_refused(run, db: Path, skriv) -> None:
    r = run("kvitter", PMTO_ID, "--av", f"Gjelder {skriv(_et_foedselsnummer())}", "--db", str(db), today="05.04.2027")
    assert r.exit_code == 2 and "fødselsnummer" in r.stderr
    assert not db.exists()


def test_ics_says_utfort_in_summary_and_description(run, db: Path, tmp_path: Path) -> None:
    from icalendar import Calendar

    def pmto(ics: bytes):
        cal = Calendar.from_ical(ics)
        return next(e for e in cal.walk("VEVENT") if str(e["UID"]).startswith(f"{PMTO_NOKKEL}@"))

    ut = tmp_path / "barnevern.ics"
    args = ("ics", "--virksomhet", "barnevern", "--fra", "01.08.2026", "--til", "31.07.2027", "-o", str(ut),
            "--db", str(db))  # fmt: skip
    assert run(*args, today="05.04.2027").exit_code == 0
    assert "utført" not in str(pmto(ut.read_bytes())["SUMMARY"])
    _kvitter_pmto(run, db)
    r = run(*args, today="05.04.2027")
    assert r.exit_code == 0, r.stderr
    event = pmto(ut.read_bytes())
    assert str(event["SUMMARY"]).endswith("(utført 25.03.2027)")
    assert "Utført 25.03.2027" in str(event["DESCRIPTION"])
    mappe = tmp_path / "kalender"
    r = run("ics", "--alle", "--fra", "01.08.2026", "--til", "31.07.2027", "-o", str(mappe), "--db", str(db),
            today="05.04.2027")  # fmt: skip
    assert r.exit_code == 0, r.stderr
    assert str(pmto((mappe / "alle.ics").read_bytes())["SUMMARY"]).endswith("(utført 25.03.2027)")


@pytest.mark.parametrize("option", ["--merknad", "--av", "--lenke"])
def test_user_text_that_is_not_utf8_is_named_as_such(tmp_path: Path, option: str) -> None:
    """Bytes that are not UTF-8 in argv are the text's fault, not the output's encoding."""
    import os
    import subprocess
    import sys

    db = tmp_path / "kvitteringer.sqlite"
    env = {**os.environ, "NO_COLOR": "1", "XDG_CACHE_HOME": str(tmp_path), "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"}
    env.pop("AARSHJUL_PLAN", None)
    argv = [sys.executable.encode(), b"-m", b"aarshjul", b"--today", b"25.03.2027", b"kvitter", PMTO_ID.encode(),
            option.encode(), b"Rektor \xff", b"--db", str(db).encode()]  # fmt: skip
    r = subprocess.run(argv, capture_output=True, env=env, timeout=60, cwd=tmp_path)
    feil = r.stderr.decode("utf-8")
    assert r.returncode == 2, feil
    assert f"{option} inneholder tegn som ikke er gyldig UTF-8" in feil
    assert "Traceback" not in feil and "Utdata" not in feil
    assert not db.exists()
