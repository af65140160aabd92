"""A sign-off row with a value aarshjul does not write (a date as 31.12.2024, binary in
«av») gives a bokmål message naming the row and the column in every
command that reads the database, and the export still works: it is how the data is
rescued."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

KOMMANDOER = (
    ("next",), ("digest",), ("status",), ("rapport",), ("check",), ("ics", "-o", "-"), ("angre", "pmto.evaluering 2025/26"),
)


def _db_med(run, tmp_path: Path, sql: str, *params: object) -> Path:  # type: ignore[no-untyped-def]
    db = tmp_path / "k.sqlite"
    r = run("kvitter", "pmto.evaluering 2025/26", "--virksomhet", "skole", "--dato", "20.03.2026", "--av", "Styrer",
            "--db", str(db))  # fmt: skip
    assert r.exit_code == 0, r.output
    with sqlite3.connect(db) as con:
        con.execute(sql, params)
    return db


@pytest.mark.parametrize(
    ("sql", "params", "felt", "vist"),
    [
        ("UPDATE kvittering SET utfort = ?", ("31.12.2024",), "utfort", "31.12.2024"),
        ("UPDATE kvittering SET av = ?", (b"\x00\xffStyrer",), "av", "\\x00\\xffStyrer"),
        ("UPDATE kvittering SET forekomst_dato = ?", ("snart",), "forekomst_dato", "snart"),
    ],
)
def test_every_reader_names_the_row_and_the_column(run, tmp_path: Path, sql, params, felt, vist) -> None:  # type: ignore[no-untyped-def]
    db = _db_med(run, tmp_path, sql, *params)
    for args in KOMMANDOER:
        r = run(*args, "--db", str(db), today="01.04.2026")
        assert r.exit_code == 1, (args, r.output)
        assert f"{db}: rad 1 i kvitteringsdatabasen har en verdi aarshjul ikke kan lese i «{felt}»: «{vist}»" in r.stderr, args
        assert "kvitter --eksport json" in r.stderr and "Traceback" not in r.output


def test_the_export_still_works_and_the_fixed_row_comes_back(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    db = _db_med(run, tmp_path, "UPDATE kvittering SET utfort = ?", "31.12.2024")
    kopi = tmp_path / "kopi.json"
    r = run("kvitter", "--eksport", "json", "-o", str(kopi), "--db", str(db))
    assert r.exit_code == 0, r.output
    rader = json.loads(kopi.read_text(encoding="utf-8"))
    assert [(x["nokkel"], x["utfort"], x["av"]) for x in rader] == [("pmto.evaluering.2026-03", "31.12.2024", "Styrer")]
    rader[0]["utfort"] = "2026-03-20"
    kopi.write_text(json.dumps(rader, ensure_ascii=False, indent=2), encoding="utf-8")
    ny = tmp_path / "ny.sqlite"
    assert run("kvitter", "--importer", str(kopi), "--db", str(ny)).exit_code == 0
    status = run("status", "--virksomhet", "skole", "--skoleår", "2025/26", "--format", "json", "--db", str(ny),
                 today="01.04.2026")  # fmt: skip
    pmto = next(o for o in json.loads(status.stdout) if o["nokkel"] == "pmto.evaluering.2026-03")
    assert pmto["status"] == "utført" and pmto["utfort"]["dato"] == "2026-03-20"
