"""Sign-offs of shared duties: per virksomhet, once, the plan's overrides, groups as a set
or a body, refusal and --erstatt, angre that brings back what was before, an old database
and old exports, and overdue for exactly the owners that have not signed off.

On the shipped plan PMTO's yearly evaluation (due 31.03.2027) belongs to Barnevern,
Helsestasjon og skolehelsetjeneste and Skole. tests/plans/nordfjell.yaml has a group of
five schools that each hold a foreldremøte by the end of September (30.09.2026), a body
(samordningsgruppa) and the `kvittering:` overrides.
"""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from datetime import date
from pathlib import Path

import pytest
from conftest import PLANS

from aarshjul.model import ANGRET, KVITTERT
from aarshjul.storage import store

PMTO_ID = "pmto.evaluering.2027-03-31"
PMTO_NOKKEL = "pmto.evaluering.2027-03"
NORDFJELL = PLANS / "nordfjell.yaml"
FORELDREMOTE = "foreldremote.hoest.2026-09-30"
SKOLER = ["nordfjell_skole", "dalen_skole", "haugen_skole", "sjovik_skole", "berg_skole"]


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "kvitteringer.sqlite"


def _status(run, db: Path, *args: str, plan: Path | None = None, today: str = "05.04.2027") -> list[dict]:  # type: ignore[no-untyped-def]
    r = run("status", *args, "--format", "json", "--db", str(db), plan=plan, today=today)
    assert r.exit_code == 0, r.stderr
    return json.loads(r.stdout)


def _rad(rader: list[dict], id_: str) -> dict:
    return next(x for x in rader if x["id"] == id_)


def _nf(run, db: Path, *args: str, today: str = "24.09.2026"):  # type: ignore[no-untyped-def]
    return run(*args, "--db", str(db), plan=NORDFJELL, today=today)


# --- per virksomhet on the shipped plan ----------------------------------------------------


def test_pmto_evaluation_signed_off_by_skole_is_done_for_skole_only(run, db: Path) -> None:
    r = run("kvitter", PMTO_ID, "--virksomhet", "skole", "--av", "Rektor", "--dato", "25.03.2027", "--db", str(db),
            today="05.04.2027")  # fmt: skip
    assert r.exit_code == 0, r.stderr
    assert r.stdout == "Kvittert for Skole: PMTO – Årlig evaluering av PMTO (31.03.2027): Utført 25.03.2027.\n"
    [k] = store.read_events(db)
    assert (k.virksomhet, k.kilde, k.av, k.angrer) == ("skole", "cli", "Rektor", None)
    pmto = _rad(_status(run, db, "--skoleår", "2026/27"), PMTO_ID)
    assert pmto["status"] == "forfalt" and pmto["kvittering"] == "hver"
    assert [(e["virksomhet"], e["status"]) for e in pmto["enheter"]] == [
        ("barnevern", "forfalt"), ("helsestasjon", "forfalt"), ("skole", "utført"),
    ]  # fmt: skip
    skole = pmto["enheter"][2]
    assert skole["id"] == PMTO_ID and skole["utfort"]["av"] == "Rektor" and skole["utfort"]["kilde"] == "cli"
    assert skole["utfort"]["dato"] == "2027-03-25" and skole["utfort"]["registrert"].endswith("Z")
    assert pmto["mangler"] == ["barnevern", "helsestasjon"]
    # For skole alone it is done; for barnevern it is overdue.
    assert _rad(_status(run, db, "--skoleår", "2026/27", "--virksomhet", "skole"), PMTO_ID)["status"] == "utført"
    assert _rad(_status(run, db, "--skoleår", "2026/27", "--virksomhet", "barnevern"), PMTO_ID)["status"] == "forfalt"


def test_kvitter_without_virksomhet_signs_off_every_owner_still_missing_and_says_so(run, db: Path) -> None:
    assert run("kvitter", PMTO_ID, "-v", "skole", "--db", str(db), today="05.04.2027").exit_code == 0
    r = run("kvitter", PMTO_ID, "--db", str(db), today="05.04.2027")
    assert r.exit_code == 0, r.stderr
    assert r.stdout == (
        "Kvittert for 2 virksomheter: PMTO – Årlig evaluering av PMTO (31.03.2027): Utført 05.04.2027.\n"
        "  Barnevern, Helsestasjon og skolehelsetjeneste.\n"
        "  Kvittert fra før: Skole.\n"
    )
    assert [k.virksomhet for k in store.read_events(db)] == ["skole", "barnevern", "helsestasjon"]
    pmto = _rad(_status(run, db, "--skoleår", "2026/27"), PMTO_ID)
    assert pmto["status"] == "utført" and pmto["mangler"] == [] and pmto["for_sent"]


def test_procedures_known_to_all_staff_is_a_frist_each_of_twelve_owners_signs_off(run, db: Path) -> None:
    """«Tiltak og prosedyrer er kjent for alle ansatte» (01.01.2019, a holiday: the working day
    before) belongs to twelve virksomheter. Named by its nøkkel (a one-off date: «engang»), which
    stays when the day it falls on moves, as it did when the plan's closed days changed."""
    kjent = "implementering.kjent.engang"

    def forfalt_for(v: str) -> bool:
        r = run("status", "--forfalt", "--fra", "01.12.2018", "--til", "31.12.2018", "-v", v, "--format", "json",
                "--db", str(db), today="07.01.2019")  # fmt: skip
        return r.stdout != "" and kjent in [x["nokkel"] for x in json.loads(r.stdout)]

    assert run("kvitter", kjent, "-v", "nav", "--dato", "20.12.2018", "--db", str(db), today="07.01.2019").exit_code == 0
    assert not forfalt_for("nav") and forfalt_for("lege")
    r = run("kvitter", kjent, "--db", str(db), today="07.01.2019")
    assert r.exit_code == 0 and r.stdout.startswith("Kvittert for 11 virksomheter: ") and "Kvittert fra før: NAV" in r.stdout
    assert not forfalt_for("lege")
    assert len(store.read_events(db)) == 12


def test_a_virksomhet_that_does_not_own_it_is_refused_naming_the_owners(run, db: Path) -> None:
    r = run("kvitter", PMTO_ID, "--virksomhet", "nav", "--db", str(db), today="05.04.2027")
    assert r.exit_code == 2
    assert "NAV Sel har ikke ansvar for «pmto.evaluering.2027-03-31»" in r.stderr
    assert "Den kvitteres av: Barnevern, Helsestasjon og skolehelsetjeneste, Skole." in r.stderr
    assert not db.exists()


# --- refusal, --erstatt and angre ------------------------------------------------------


def test_signing_off_again_is_refused_with_who_and_when_and_nothing_is_written(run, db: Path) -> None:
    assert _nf(run, db, "kvitter", FORELDREMOTE, "-v", "dalen_skole", "--av", "Rektor").exit_code == 0
    foer = [k.uid for k in store.read_events(db)]
    r = _nf(run, db, "kvitter", FORELDREMOTE, "-v", "dalen_skole", "--dato", "23.09.2026")
    assert r.exit_code == 2
    assert "Foreldremøter – Foreldremøte innen utgangen av september (30.09.2026) er allerede kvittert for " \
           "Dalen skole av Rektor 24.09.2026 (registrert " in r.stderr  # fmt: skip
    assert "fra kommandolinjen). Bruk --erstatt for å erstatte; ingenting er lagret." in r.stderr
    assert [k.uid for k in store.read_events(db)] == foer
    # All five signed off: the shortcut has nothing left and is refused too.
    assert _nf(run, db, "kvitter", FORELDREMOTE).exit_code == 0
    assert _nf(run, db, "kvitter", FORELDREMOTE).exit_code == 2
    assert len(store.read_events(db)) == 5


def test_erstatt_then_angre_brings_back_the_first_and_angre_again_leaves_it_open(run, db: Path) -> None:
    assert _nf(run, db, "kvitter", FORELDREMOTE, "-v", "dalen_skole", "--dato", "20.09.2026", "--av", "Rektor").exit_code == 0
    r = _nf(run, db, "kvitter", FORELDREMOTE, "-v", "dalen_skole", "--erstatt", "--av", "Inspektør")
    assert r.exit_code == 0 and r.stdout.startswith("Erstattet for Dalen skole:"), r.output

    def dalen() -> dict:
        rad = _rad(_status(run, db, "-v", "dalen_skole", "--skoleår", "2026/27", plan=NORDFJELL, today="05.10.2026"),
                   FORELDREMOTE)  # fmt: skip
        return rad

    assert (dalen()["status"], dalen()["utfort"]["av"]) == ("utført", "Inspektør")
    r = _nf(run, db, "angre", FORELDREMOTE, "--virksomhet", "dalen_skole")
    assert r.stdout == (
        f"Angret kvitteringen for {FORELDREMOTE} for Dalen skole.\n"
        "  Gjelder igjen for Dalen skole: Utført 20.09.2026 av Rektor.\n"
    )
    assert (dalen()["status"], dalen()["utfort"]["av"], dalen()["utfort"]["dato"]) == ("utført", "Rektor", "2026-09-20")
    assert _nf(run, db, "angre", FORELDREMOTE, "--virksomhet", "dalen_skole").exit_code == 0
    assert dalen()["status"] == "forfalt"
    r = _nf(run, db, "angre", FORELDREMOTE, "--virksomhet", "dalen_skole")
    assert r.exit_code == 2 and "er ikke kvittert for Dalen skole; ingenting å angre." in r.stderr
    handlinger = [(k.handling, k.virksomhet) for k in store.read_events(db)]
    assert handlinger == [(KVITTERT, "dalen_skole")] * 2 + [(ANGRET, "dalen_skole")] * 2
    events = store.read_events(db)
    assert events[2].angrer == events[1].uid and events[3].angrer == events[0].uid


def test_kvitter_then_angre_leaves_it_open_for_that_school_only(run, db: Path) -> None:
    assert _nf(run, db, "kvitter", FORELDREMOTE, "-v", "dalen_skole").exit_code == 0
    assert _nf(run, db, "kvitter", FORELDREMOTE, "-v", "berg_skole").exit_code == 0
    assert _nf(run, db, "angre", FORELDREMOTE, "-v", "berg_skole").exit_code == 0
    rad = _rad(_status(run, db, "--skoleår", "2026/27", plan=NORDFJELL, today="05.10.2026"), FORELDREMOTE)
    assert {e["virksomhet"] for e in rad["enheter"] if e["status"] == "utført"} == {"dalen_skole"}


# --- møte once, the plan's overrides, groups ----------------------------------------------


def test_a_meeting_owned_by_two_is_signed_off_once(run, db: Path) -> None:
    r = _nf(run, db, "kvitter", "overgang.mote.2027-04-15", today="16.04.2027")
    assert r.exit_code == 0 and r.stdout.startswith("Kvittert: Overgang barnehage–skole – Overgangsmøte"), r.output
    assert [k.virksomhet for k in store.read_events(db)] == [None]
    r = _nf(run, db, "kvitter", "overgang.mote.2027-04-15", "-v", "barnehage", today="16.04.2027")
    assert r.exit_code == 2 and "er allerede kvittert" in r.stderr
    rad = _rad(_status(run, db, "--skoleår", "2026/27", plan=NORDFJELL, today="16.04.2027"), "overgang.mote.2027-04-15")
    assert (rad["status"], rad["kvittering"], rad["enheter"]) == ("utført", "felles", [])


def test_kvittering_felles_on_a_frist_and_hver_on_a_meeting_override_the_defaults(run, db: Path) -> None:
    # overgang.plan: a frist owned by two, per virksomhet by default.
    assert _nf(run, db, "kvitter", "overgang.plan.2027-05-31", "-v", "barnehage", today="01.06.2027").exit_code == 0
    # overgang.rapport: the same owners, but `kvittering: felles` on the hendelse.
    assert _nf(run, db, "kvitter", "overgang.rapport.2027-06-30", "-v", "barnehage", today="01.07.2027").exit_code == 0
    rader = _status(run, db, "--skoleår", "2026/27", plan=NORDFJELL, today="02.07.2027")
    plan, rapport = _rad(rader, "overgang.plan.2027-05-31"), _rad(rader, "overgang.rapport.2027-06-30")
    assert (plan["kvittering"], plan["status"], plan["mangler"]) == ("hver", "forfalt", ["nordfjell_skole"])
    assert (rapport["kvittering"], rapport["status"]) == ("felles", "utført")
    # helse: `kvittering: felles` on the tiltak reaches its frist; the møte says `hver` itself.
    frist, mote = _rad(rader, "helse.frist.2026-11-30"), _rad(rader, "helse.oppsummering.2026-12-10")
    assert frist["kvittering"] == "felles" and mote["kvittering"] == "hver"
    assert [e["virksomhet"] for e in mote["enheter"]] == ["helsestasjon", *SKOLER]


def test_a_group_that_is_a_set_signs_off_per_member_and_a_body_once(run, db: Path) -> None:
    rader = _status(run, db, "--skoleår", "2026/27", plan=NORDFJELL, today="05.10.2026")
    assert [e["virksomhet"] for e in _rad(rader, FORELDREMOTE)["enheter"]] == SKOLER
    assert [e["virksomhet"] for e in _rad(rader, "samordning.evaluering.2027-06-30")["enheter"]] == ["samordningsgruppa"]
    # A member of the body takes part; it does not sign off for the body.
    r = _nf(run, db, "kvitter", "samordning.evaluering.2027-06-30", "-v", "oppvekst", today="01.07.2027")
    assert r.exit_code == 2 and "Den kvitteres av: Samordningsgruppa." in r.stderr
    r = _nf(run, db, "kvitter", "samordning.evaluering.2027-06-30", today="01.07.2027")
    assert r.exit_code == 0 and [k.virksomhet for k in store.read_events(db)] == ["samordningsgruppa"]
    # The group's name, not a member's, cannot sign off for a set.
    r = _nf(run, db, "kvitter", FORELDREMOTE, "-v", "alle_skoler")
    assert r.exit_code == 2 and "Den kvitteres av: Nordfjell skole, Dalen skole" in r.stderr


def test_members_of_a_set_are_ansvarlig_and_members_of_a_body_take_part() -> None:
    from aarshjul.engine.roles import rolle
    from aarshjul.model import Rolle
    from aarshjul.plan.loader import load_plan

    plan = load_plan(NORDFJELL)
    foreldremote = plan.tiltak[0].hendelser[0]
    samordning = plan.tiltak[1].hendelser[0]
    assert rolle(plan, foreldremote, "dalen_skole") is Rolle.ANSVARLIG
    assert rolle(plan, samordning, "barnehage") is Rolle.DELTAR
    assert plan.virksomheter["alle_skoler"].er_sett and not plan.virksomheter["samordningsgruppa"].er_sett


# --- overdue for exactly the owners that have not signed off --------------------------------


def test_overdue_only_for_the_schools_that_have_not_signed_off_in_next_status_digest_rapport(run, db: Path) -> None:
    assert _nf(run, db, "kvitter", FORELDREMOTE, "-v", "nordfjell_skole", "--av", "Rektor").exit_code == 0

    def vis(*args: str) -> str:
        r = _nf(run, db, *args, today="05.10.2026")
        assert r.exit_code == 0, r.stderr
        return r.stdout

    assert "Foreldremøte" not in vis("next", "-v", "nordfjell_skole", "--format", "tekst")
    dalen = vis("next", "-v", "dalen_skole", "--format", "tekst")
    assert "Forfalt\n  onsdag 30.09.2026  Foreldremøter – Foreldremøte innen utgangen av september" in dalen
    assert "forfalt i 5 dager · 1 av 5 utført, mangler: Dalen skole, Haugen skole, Sjøvik skole, Berg skole" in dalen
    assert "rolle: ansvarlig" in dalen
    assert vis("status", "--forfalt", "-v", "nordfjell_skole") == ""
    assert FORELDREMOTE in vis("status", "--forfalt", "-v", "dalen_skole", "--format", "tekst")
    assert "Foreldremøte" not in vis("digest", "-v", "nordfjell_skole", "--fra", "05.10.2026")
    assert "30.09.2026, forfalt i 5 dager" in vis("digest", "-v", "berg_skole", "--fra", "05.10.2026")
    md = vis("rapport", "--skoleår", "2026/27")
    assert ("| 30.09.2026 | Foreldremøte innen utgangen av september | forfalt i 5 dager · 1 av 5 utført, mangler: "
            "Dalen skole, Haugen skole, Sjøvik skole, Berg skole |") in md  # fmt: skip
    rapport = json.loads(vis("rapport", "--skoleår", "2026/27", "-v", "nordfjell_skole", "--format", "json"))
    rad = next(r for t in rapport["tiltak"] for r in t["rader"] if r["id"] == FORELDREMOTE)
    assert rad["status"] == "utført"
    raw = vis("status", "--skoleår", "2026/27", "--format", "csv")
    rader = list(csv.DictReader(io.StringIO(raw.lstrip("\ufeff")), delimiter=";"))
    csv_rad = next(r for r in rader if r["Id"] == FORELDREMOTE)
    assert csv_rad["Utført av virksomheter"] == "1 av 5" and csv_rad["Mangler"].startswith("Dalen skole, Haugen")


def test_a_calendar_marks_it_done_for_the_virksomhet_that_signed_off(run, db: Path) -> None:
    assert run("kvitter", PMTO_ID, "-v", "barnevern", "--dato", "25.03.2027", "--db", str(db),
               today="25.03.2027").exit_code == 0  # fmt: skip

    def summary(*args: str) -> str:
        r = run("ics", "-o", "-", "--fra", "01.03.2027", "--til", "30.04.2027", *args, "--db", str(db),
                today="26.03.2027")  # fmt: skip
        assert r.exit_code == 0, r.stderr
        return next(line for line in r.stdout.splitlines() if line.startswith("SUMMARY:Årlig evaluering av PMTO"))

    assert summary("-v", "barnevern") == "SUMMARY:Årlig evaluering av PMTO (utført 25.03.2027)"
    assert summary("-v", "skole") == "SUMMARY:Årlig evaluering av PMTO"
    assert summary() == "SUMMARY:Årlig evaluering av PMTO"  # the whole plan's: two owners are missing


# --- the database and its exports --------------------------------------------------------


def _v2_database(path: Path) -> None:
    """A database as aarshjul wrote it before sign-offs were per virksomhet (schema 2)."""
    con = sqlite3.connect(path)
    for _, sql in store.MIGRATIONS[:2]:
        con.executescript(sql)
    rader = [
        ("a" * 32, PMTO_NOKKEL, "kvittert", "2027-03-25", "Virksomhetsleder barnevern", "2027-03-25T09:00:00.000000Z"),
        ("b" * 32, "mobbing.evaluering.2027-03", "kvittert", "2027-03-20", None, "2027-03-20T09:00:00.000000Z"),
        ("c" * 32, "mobbing.evaluering.2027-03", "kvittert", "2027-03-21", None, "2027-03-21T09:00:00.000000Z"),
        ("d" * 32, "mobbing.evaluering.2027-03", "angret", None, None, "2027-03-22T09:00:00.000000Z"),
    ]
    con.executemany(
        "INSERT INTO kvittering (uid, nokkel, handling, utfort, av, registrert) VALUES (?, ?, ?, ?, ?, ?)", rader
    )
    con.execute("PRAGMA user_version = 2")
    con.commit()
    con.close()


def test_an_old_database_keeps_every_sign_off_and_its_meaning(run, db: Path) -> None:
    _v2_database(db)
    # Read as it is (never migrated by a reader): the old sign-off is for every owner, and
    # the old withdrawal withdrew both sign-offs before it, as it did then.
    rader = _status(run, db, "--skoleår", "2026/27")
    pmto = _rad(rader, PMTO_ID)
    assert pmto["status"] == "utført" and [e["status"] for e in pmto["enheter"]] == ["utført"] * 3
    assert _rad(rader, "mobbing.evaluering.2027-03-31")["status"] == "forfalt"
    with sqlite3.connect(db) as con:
        assert con.execute("PRAGMA user_version").fetchone()[0] == 2
    # The first write migrates; every row stays, with virksomhet and kilde empty.
    r = run("kvitter", PMTO_ID, "-v", "skole", "--db", str(db), today="05.04.2027")
    assert r.exit_code == 2 and "er allerede kvittert av Virksomhetsleder barnevern 25.03.2027" in r.stderr
    assert run("angre", PMTO_ID, "-v", "skole", "--db", str(db), today="05.04.2027").exit_code == 0
    with sqlite3.connect(db) as con:
        assert con.execute("PRAGMA user_version").fetchone()[0] == store.SCHEMA_VERSION == 5
    events = store.read_events(db)
    assert [k.uid for k in events[:4]] == ["b" * 32, "c" * 32, "d" * 32, "a" * 32]  # by registrert
    assert all(k.virksomhet is None and k.kilde is None for k in events[:4])
    assert (events[4].handling, events[4].virksomhet, events[4].angrer) == (ANGRET, "skole", "a" * 32)
    # Withdrawn for skole only: the old row still stands for the two others.
    pmto = _rad(_status(run, db, "--skoleår", "2026/27"), PMTO_ID)
    assert pmto["status"] == "forfalt" and pmto["mangler"] == ["skole"]


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_export_import_round_trip_carries_virksomhet_kilde_and_angrer(run, db: Path, tmp_path: Path, fmt: str) -> None:
    assert _nf(run, db, "kvitter", FORELDREMOTE, "-v", "dalen_skole").exit_code == 0
    assert _nf(run, db, "kvitter", FORELDREMOTE, "-v", "dalen_skole", "--erstatt", "--av", "Rektor").exit_code == 0
    assert _nf(run, db, "angre", FORELDREMOTE, "-v", "dalen_skole").exit_code == 0
    ut, ny = tmp_path / f"eksport.{fmt}", tmp_path / "ny.sqlite"
    assert run("kvitter", "--eksport", fmt, "-o", str(ut), "--db", str(db)).exit_code == 0
    tekst = ut.read_text(encoding="utf-8-sig")
    assert "dalen_skole" in tekst and "cli" in tekst
    r = run("kvitter", "--importer", str(ut), "--db", str(ny))
    assert r.exit_code == 0 and "Importerte 3 av 3 kvitteringer" in r.stdout, r.output
    gammel, kopi = store.read_events(db), store.read_events(ny)
    assert kopi == gammel and kopi[2].angrer == kopi[1].uid
    assert [(k.virksomhet, k.kilde) for k in kopi] == [("dalen_skole", "cli")] * 3


def test_an_export_from_before_per_virksomhet_still_imports(run, db: Path, tmp_path: Path) -> None:
    fil = tmp_path / "gammel.csv"
    fil.write_text(
        "\ufeffuid;nokkel;handling;utfort;av;merknad;lenke;forekomst_id;forekomst_dato;registrert\r\n"
        f"{'e' * 32};{PMTO_NOKKEL};kvittert;2027-03-25;Rektor;;;{PMTO_ID};2027-03-31;2026-03-25T09:00:00.000000Z\r\n",
        encoding="utf-8",
    )
    r = run("kvitter", "--importer", str(fil), "--db", str(db))
    assert r.exit_code == 0, r.output
    [k] = store.read_events(db)
    assert (k.virksomhet, k.kilde, k.angrer, k.utfort) == (None, None, None, date(2027, 3, 25))
    assert _rad(_status(run, db, "--skoleår", "2026/27"), PMTO_ID)["status"] == "utført"


@pytest.mark.parametrize(("felt", "verdi", "melding"), [
    ("virksomhet", "Dalen skole", "«virksomhet» er ikke en virksomhetsnøkkel"),
    ("kilde", "epost", "«kilde» må være cli, lenke:VIRKSOMHET eller sso:BRUKER"),
    ("angrer", "f" * 32, "«angrer» skal være uid-en"),  # on a sign-off, not a withdrawal
])  # fmt: skip
def test_an_import_with_a_bad_new_column_names_the_line(run, db: Path, tmp_path: Path, felt, verdi, melding) -> None:  # type: ignore[no-untyped-def]
    rad = {"uid": "e" * 32, "nokkel": PMTO_NOKKEL, "handling": "kvittert", "utfort": "2027-03-25",
           "registrert": "2026-03-25T09:00:00.000000Z", felt: verdi}  # fmt: skip
    fil = tmp_path / "feil.json"
    fil.write_text(json.dumps([rad], indent=2), encoding="utf-8")
    r = run("kvitter", "--importer", str(fil), "--db", str(db))
    assert r.exit_code == 2 and f"{fil}:2: {melding}" in r.stderr, r.stderr
    assert not db.exists()


# --- the service the web will call ---------------------------------------------------------


def test_the_service_records_how_a_sign_off_came_in_and_refuses_with_what_is_in_force(db: Path) -> None:
    from aarshjul.plan.loader import load_plan
    from aarshjul.services.signoff import AlleredeKvittert, kilde_lenke, kilde_sso, kvitter

    plan = load_plan(NORDFJELL)
    dag = date(2026, 9, 24)
    resultat, _ = kvitter(lambda: plan, db, [FORELDREMOTE], dag, virksomhet="dalen_skole",
                          kilde=kilde_lenke("dalen_skole"))  # fmt: skip
    assert resultat[0].virksomheter == ("dalen_skole",)
    with pytest.raises(AlleredeKvittert) as e:
        kvitter(lambda: plan, db, [FORELDREMOTE], dag, virksomhet="dalen_skole", kilde=kilde_sso("ola@nordfjell.no"),
                felt={"erstatt": "«Erstatt»"})  # fmt: skip
    [(f, virksomhet, k)] = e.value.i_kraft
    assert (f.id, virksomhet, k.kilde) == (FORELDREMOTE, "dalen_skole", "lenke:dalen_skole")
    assert "med personlig lenke for Dalen skole). Bruk «Erstatt» for å erstatte" in e.value.message
    kvitter(lambda: plan, db, [FORELDREMOTE], dag, virksomhet="dalen_skole", kilde=kilde_sso("ola@nordfjell.no"),
            erstatt=True)  # fmt: skip
    assert [k.kilde for k in store.read_events(db)] == ["lenke:dalen_skole", "sso:ola@nordfjell.no"]


# --- the plan key -------------------------------------------------------------------------


def _plan_med(tmp_path: Path, gammel: str, ny: str) -> Path:
    tekst = NORDFJELL.read_text(encoding="utf-8")
    assert gammel in tekst
    p = tmp_path / "plan.yaml"
    p.write_text(tekst.replace(gammel, ny, 1), encoding="utf-8")
    return p


def test_an_unknown_kvittering_value_and_one_on_a_single_virksomhet_are_plan_errors(tmp_path: Path) -> None:
    from aarshjul.errors import PlanError
    from aarshjul.plan.loader import load_plan

    p = _plan_med(tmp_path, "        kvittering: felles\n", "        kvittering: alle\n")
    linje = p.read_text(encoding="utf-8").splitlines().index("        kvittering: alle") + 1
    with pytest.raises(PlanError) as e:
        load_plan(p)
    assert [(x.line, x.message) for x in e.value.problems] == [
        (linje, "Hendelsen «overgang.rapport»: kvittering: ukjent verdi «alle» – gyldige er hver, felles.")
    ]
    p = _plan_med(tmp_path, "    leder: Styrer\n", "    leder: Styrer\n    kvittering: hver\n")
    linje = p.read_text(encoding="utf-8").splitlines().index("    kvittering: hver") + 1
    with pytest.raises(PlanError) as e:
        load_plan(p)
    [problem] = e.value.problems
    assert problem.line == linje and problem.path == p
    assert problem.message.startswith("Virksomheten «barnehage»: «kvittering» gjelder bare en gruppe med medlemmer")
