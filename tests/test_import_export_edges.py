"""Export and import at their edges: formulas stay text in Excel and come back unchanged,
a malformed file gets a bokmål message with its line, and a uid or timestamp with
anything after it is refused; --db "" is refused like --plan ""."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

UID = "0123456789abcdef0123456789abcdef"


def _eksport(uid: str = UID, registrert: str = "2026-03-20T08:00:00.000000Z", **felt: str) -> list[dict[str, str | None]]:
    rad: dict[str, str | None] = {
        "uid": uid, "nokkel": "pmto.evaluering.2026-03", "handling": "kvittert", "utfort": "2026-03-20",
        "av": None, "merknad": None, "lenke": None, "forekomst_id": "pmto.evaluering.2026-03-31",
        "forekomst_dato": "2026-03-31", "registrert": registrert,
    }  # fmt: skip
    rad.update(felt)
    return [rad]


def test_a_formula_in_a_sign_off_is_text_in_the_csv_and_comes_back_unchanged(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    db, fil, ny = tmp_path / "k.sqlite", tmp_path / "eksport.csv", tmp_path / "ny.sqlite"
    r = run("kvitter", "pmto.evaluering 2025/26", "--virksomhet", "skole", "--dato", "20.03.2026",
            "--av", "=HYPERLINK(\"x\")", "--merknad", "'sitat", "--db", str(db))  # fmt: skip
    assert r.exit_code == 0, r.output
    assert run("kvitter", "--eksport", "csv", "-o", str(fil), "--db", str(db)).exit_code == 0
    tekst = fil.read_text(encoding="utf-8-sig")
    assert ";\"'=HYPERLINK(\"\"x\"\")\";''sitat;" in tekst
    assert run("kvitter", "--importer", str(fil), "--db", str(ny)).exit_code == 0
    ut = run("kvitter", "--eksport", "json", "--db", str(ny)).stdout
    assert [(x["av"], x["merknad"]) for x in json.loads(ut)] == [("=HYPERLINK(\"x\")", "'sitat")]


def test_malformed_imports_get_a_message_not_a_traceback(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    saker = {
        "dyp.json": "[" * 100_000 + "]" * 100_000,
        "tall.json": "[{\"uid\": " + "9" * 5000 + "}]",
        "celle.csv": "uid;nokkel;handling;utfort;av;merknad;lenke;forekomst_id;forekomst_dato;registrert\r\n"
        + "\"" + "x" * 200_000 + "\";;;;;;;;;\r\n",
    }
    for navn, innhold in saker.items():
        fil = tmp_path / navn
        fil.write_text(innhold, encoding="utf-8")
        r = run("kvitter", "--importer", str(fil), "--db", str(tmp_path / "k.sqlite"))
        assert r.exit_code == 2, (navn, r.output)
        assert r.stderr.startswith(f"Feil: {fil}") and "Traceback" not in r.output, navn
    assert not (tmp_path / "k.sqlite").exists()


def test_a_uid_or_timestamp_with_a_trailing_newline_is_refused(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    for rader, hva in ((_eksport(uid=UID + "\n"), "«uid»"), (_eksport(registrert="2026-03-20T08:00:00.000000Z\n"), "«registrert»")):
        fil = tmp_path / "eksport.json"
        fil.write_text(json.dumps(rader), encoding="utf-8")
        r = run("kvitter", "--importer", str(fil), "--db", str(tmp_path / "k.sqlite"))
        assert r.exit_code == 2 and hva in r.stderr, r.output


def test_an_empty_db_option_is_refused(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    for args in (("next", "--db", ""), ("status", "--db", ""), ("kvitter", "pmto.evaluering 2025/26", "--db", "")):
        r = run(*args)
        assert r.exit_code == 2, (args, r.output)
        assert "--db er tom: oppgi stien til kvitteringsdatabasen" in r.stderr


def test_publiser_says_when_the_ics_manifest_was_damaged(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    mappe = tmp_path / "nett"
    assert run("publiser", "-o", str(mappe)).exit_code == 0
    (mappe / ".aarshjul-ics.json").write_text("{ikke json", encoding="utf-8")
    r = run("publiser", "-o", str(mappe))
    assert r.exit_code == 0, r.output
    assert f"«{mappe / '.aarshjul-ics.json'}» er ødelagt og blir skrevet på nytt; SEQUENCE begynner på nytt." in r.stderr


def test_an_import_with_a_key_that_is_not_a_key_is_refused(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    fil = tmp_path / "eksport.json"
    saker = [
        (_eksport(nokkel="pmto.evaluering.2026-03\x1b]0;tittel\x07"), "«nokkel» er ikke en nøkkel"),
        (_eksport(nokkel="pmto.evaluering.01019012345"), "«nokkel» er ikke en nøkkel"),
        (_eksport(forekomst_id="pmto.evaluering.2026-03-31\u202e"), "«forekomst_id» er ikke en id"),
        (_eksport(utfort="٢٠٢٦-٠٣-٢٠"), "«utfort» er ikke en dato"),
        (_eksport(registrert="2099-01-01T00:00:00.000000Z"), "«registrert» (2099-01-01T00:00:00.000000Z) er fram i tid"),
        (_eksport(registrert="2026-13-01T00:00:00.000000Z"), "«registrert» er ikke et tidspunkt som finnes"),
    ]
    for rader, melding in saker:
        fil.write_text(json.dumps(rader, ensure_ascii=False), encoding="utf-8")
        r = run("kvitter", "--importer", str(fil), "--db", str(tmp_path / "k.sqlite"))
        assert r.exit_code == 2 and melding in r.stderr, r.output
        assert "\x1b" not in r.output and "\u202e" not in r.output
    assert not (tmp_path / "k.sqlite").exists()
    fil.write_text(json.dumps(_eksport()), encoding="utf-8")
    assert run("kvitter", "--importer", str(fil), "--db", str(tmp_path / "k.sqlite")).exit_code == 0


def test_sign_offs_dated_1900_and_2200_are_listed_by_check_without_expanding_300_years(
    run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    import aarshjul.engine.followup as followup

    fil, db = tmp_path / "eksport.json", tmp_path / "k.sqlite"
    rader = _eksport(uid="1" * 32, nokkel="gammel.frist.1900-01", forekomst_id="gammel.frist.1900-01-05",
                     forekomst_dato="1900-01-05") + _eksport(  # fmt: skip
        uid="2" * 32, nokkel="fjern.frist.2200-06", forekomst_id="fjern.frist.2200-06-01", forekomst_dato="2200-06-01"
    )
    fil.write_text(json.dumps(rader), encoding="utf-8")
    assert run("kvitter", "--importer", str(fil), "--db", str(db)).exit_code == 0
    vinduer = []
    ekte = followup.expand

    def tell(plan, fra, til, *args, **kw):  # type: ignore[no-untyped-def]
        vinduer.append((fra, til))
        return ekte(plan, fra, til, *args, **kw)

    monkeypatch.setattr(followup, "expand", tell)
    r = run("check", "--db", str(db), today="07.12.2026")
    assert r.exit_code == 0, r.output
    assert "gammel.frist.1900-01" in r.stdout and "fjern.frist.2200-06" in r.stdout
    assert vinduer and max((til - fra).days for fra, til in vinduer) < 20 * 366  # the plan period and ±5 years


FNR = "15076500565"  # the textbook example: valid control digits


def test_an_imported_key_or_id_with_a_foedselsnummer_is_refused(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The rule typed text has (no fødselsnummer) holds for every text of an imported row."""
    fil = tmp_path / "eksport.json"
    saker = [
        (_eksport(nokkel=f"{FNR}.evaluering.2026-03"), "«nokkel»"),
        (_eksport(nokkel="pmto.150765-00565.2026-03"), "«nokkel»"),
        (_eksport(forekomst_id=f"pmto.{FNR}.2026-03-31"), "«forekomst_id»"),
        (_eksport(av=f"Rektor {FNR}"), "«av»"),
        (_eksport(merknad="Gjelder 150765 00565"), "«merknad»"),
        (_eksport(lenke=f"https://x.no/{FNR}"), "«lenke»"),
    ]
    for rader, felt in saker:
        fil.write_text(json.dumps(rader, ensure_ascii=False), encoding="utf-8")
        db = tmp_path / "k.sqlite"
        r = run("kvitter", "--importer", str(fil), "--db", str(db))
        assert r.exit_code == 2, (felt, r.output)
        assert f"{felt} ser ut som et fødselsnummer" in r.stderr, (felt, r.stderr)
        assert FNR not in r.stderr and "150765" not in r.stderr
        assert not db.exists() or "kvittert" not in run("kvitter", "--eksport", "json", "--db", str(db)).stdout


def test_check_masks_a_foedselsnummer_in_a_sign_off_row(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """`check` is mailed by cron: a row written to the database by another way (an older
    version, sqlite3 by hand) must not put a fødselsnummer in the mail."""
    from aarshjul.storage import store
    from aarshjul.storage.store import ny_kvittering

    db = tmp_path / "k.sqlite"
    with store.write_transaction(db) as s:
        s.append([ny_kvittering(f"t{FNR}.evaluering.2026-03", "kvittert", None,
                                forekomst_id=f"t.{FNR}.2026-03-31", forekomst_dato=date(2026, 3, 31))])  # fmt: skip
    r = run("check", "--db", str(db))
    assert FNR not in r.output and "150765" not in r.output, r.output
    assert "t***********.evaluering.2026-03" in r.stdout and "t.***********.2026-03-31" in r.stdout, r.output
