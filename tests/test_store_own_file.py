"""The sign-off store reads and writes only its own file: another program's SQLite database
is refused untouched, and a database cut short is an error, not «no sign-offs», so an
export never writes an empty list over a good backup."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path


def _kvitter(run, db: Path):  # type: ignore[no-untyped-def]
    return run("kvitter", "pmto.evaluering 2025/26", "--virksomhet", "skole", "--dato", "20.03.2026", "--db", str(db))


def test_another_programs_database_is_refused_and_left_as_it_was(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    for navn, oppsett in (("notater.sqlite", "CREATE TABLE notes(x)"), ("app.sqlite", "PRAGMA application_id = 1234")):
        db = tmp_path / navn
        with sqlite3.connect(db) as con:
            con.execute(oppsett)
            con.execute("CREATE TABLE IF NOT EXISTS t(y)")
        foer = db.read_bytes()
        for args in (("kvitter", "pmto.evaluering 2025/26", "--dato", "20.03.2026"), ("status",), ("next",)):
            r = run(*args, "--db", str(db))
            assert r.exit_code == 1, (navn, args, r.output)
            assert "Filen er ikke endret; velg en annen fil med --db eller AARSHJUL_DB." in r.stderr
        assert db.read_bytes() == foer and not Path(f"{db}-wal").exists()


def test_a_truncated_database_is_an_error_and_the_backup_survives(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    db, backup = tmp_path / "k.sqlite", tmp_path / "backup.json"
    assert _kvitter(run, db).exit_code == 0
    assert run("kvitter", "--eksport", "json", "-o", str(backup), "--db", str(db)).exit_code == 0
    god = backup.read_bytes()
    assert len(json.loads(god)) == 1
    db.write_bytes(db.read_bytes()[:40])
    r = run("kvitter", "--eksport", "json", "-o", str(backup), "--db", str(db))
    assert r.exit_code == 1 and "Filen er ikke endret" in r.stderr, r.output
    assert backup.read_bytes() == god
    assert run("status", "--db", str(db)).exit_code == 1


def test_a_new_database_is_marked_as_aarshjuls_and_an_old_one_still_reads(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    db = tmp_path / "k.sqlite"
    assert _kvitter(run, db).exit_code == 0
    with sqlite3.connect(db) as con:
        assert con.execute("PRAGMA application_id").fetchone()[0] == 0x41415253
        con.execute("PRAGMA application_id = 0")  # as a database made before the mark
    r = run("status", "--virksomhet", "skole", "--skoleår", "2025/26", "--format", "json", "--db", str(db),
            today="01.04.2026")  # fmt: skip
    assert r.exit_code == 0 and '"status": "utført"' in r.stdout


def test_a_new_database_is_group_writable_and_not_world_readable_whatever_the_umask(tmp_path: Path) -> None:
    import os
    import stat
    import subprocess
    import sys

    from conftest import REPO

    db = tmp_path / "delt" / "k.sqlite"
    kode = (
        "import os, sys; os.umask(0o022); sys.argv = ['aarshjul', '--today', '01.04.2026', 'kvitter',"
        f" 'pmto.evaluering 2025/26', '--dato', '20.03.2026', '--db', {str(db)!r}]\n"
        "from aarshjul.cli import main; main()"
    )
    r = subprocess.run([sys.executable, "-c", kode], capture_output=True, text=True,
                       env={**os.environ, "PYTHONPATH": str(REPO)}, timeout=60)  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert stat.S_IMODE(os.stat(db).st_mode) == 0o660
    with sqlite3.connect(db) as con:  # opening keeps -wal and -shm until it closes
        con.execute("SELECT 1 FROM kvittering").fetchall()
        for hale in ("-wal", "-shm"):
            assert stat.S_IMODE(os.stat(f"{db}{hale}").st_mode) == 0o660, hale


def test_ctrl_c_stops_a_command_waiting_for_the_lock_at_once(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Another process holds the write lock; SIGINT to a waiting `kvitter` ends it within
    a second or two (SQLite's own wait, in C, kept Python's handler out for 30 s)."""
    import os
    import signal
    import subprocess
    import sys
    import time

    from conftest import REPO, default_signals

    db = tmp_path / "k.sqlite"
    assert _kvitter(run, db).exit_code == 0
    laas = sqlite3.connect(db, isolation_level=None)
    laas.execute("BEGIN IMMEDIATE")
    try:
        env = {**os.environ, "PYTHONPATH": str(REPO), "NO_COLOR": "1"}
        barn = subprocess.Popen(
            [sys.executable, "-m", "aarshjul", "--today", "01.04.2026", "kvitter", "pmto.evaluering 2025/26",
             "--dato", "21.03.2026", "--db", str(db)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, preexec_fn=default_signals,
        )  # fmt: skip
        time.sleep(1.5)
        assert barn.poll() is None  # still waiting for the lock
        start = time.monotonic()
        barn.send_signal(signal.SIGINT)
        barn.communicate(timeout=20)
        assert barn.returncode == 130 and time.monotonic() - start < 5
    finally:
        laas.execute("ROLLBACK")
        laas.close()


def test_the_servers_log_reader_reads_only_new_rows_and_equals_read_logg(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import shutil
    from datetime import date

    from aarshjul.storage import store

    db = tmp_path / "k.sqlite"
    leser = store.Loggleser(db)
    assert leser.logg() == {}
    with store.write_transaction(db) as s:
        s.append([store.ny_kvittering("a.b.2026-03", store.KVITTERT, date(2026, 3, 1)),
                  store.ny_kvittering("c.d.2026-04", store.KVITTERT, date(2026, 4, 1))])  # fmt: skip
    assert leser.logg() == store.read_logg(db)
    with store.write_transaction(db) as s:
        s.append([store.ny_kvittering("a.b.2026-03", store.ANGRET, None)])
    assert leser.logg() == store.read_logg(db) and len(leser.logg()["a.b.2026-03"]) == 2
    # A restored file (another inode) is read from the start.
    kopi = tmp_path / "kopi.sqlite"
    shutil.copy(db, kopi)
    with store.write_transaction(kopi) as s:
        s.append([store.ny_kvittering("e.f.2026-05", store.KVITTERT, date(2026, 5, 1))])
    kopi.replace(db)
    assert leser.logg() == store.read_logg(db) and "e.f.2026-05" in leser.logg()


def test_a_servers_write_connection_is_reused_and_reopened_for_a_new_file(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import shutil
    import threading
    from datetime import date

    import pytest

    from aarshjul.storage import store

    db = tmp_path / "k.sqlite"
    kobling = store.Skrivekobling()
    with store.write_transaction(db, kobling) as s:
        assert s.created
        s.append([store.ny_kvittering("a.b.2026-03", store.KVITTERT, date(2026, 3, 1))])
    forste = kobling.hent(db)
    assert forste is not None
    # Used from another thread (a server's), the same connection, no new file checks.
    ut: list[object] = []

    def skriv() -> None:
        with store.write_transaction(db, kobling) as s2:
            ut.append(s2._con)
            s2.append([store.ny_kvittering("c.d.2026-04", store.KVITTERT, date(2026, 4, 1))])

    t = threading.Thread(target=skriv)
    t.start()
    t.join()
    assert ut == [forste] and len(store.read_events(db)) == 2
    # An error inside the block rolls back: nothing of it is stored.
    with pytest.raises(RuntimeError):
        with store.write_transaction(db, kobling) as s:
            s.append([store.ny_kvittering("e.f.2026-05", store.KVITTERT, date(2026, 5, 1))])
            raise RuntimeError("stopp")
    assert len(store.read_events(db)) == 2
    # A restored copy (another inode) is opened and checked anew.
    kopi = tmp_path / "kopi.sqlite"
    shutil.copy(db, kopi)
    kopi.replace(db)
    with store.write_transaction(db, kobling) as s:
        s.append([store.ny_kvittering("g.h.2026-06", store.KVITTERT, date(2026, 6, 1))])
    assert kobling.hent(db) is not forste and len(store.read_events(db)) == 3
    kobling.lukk()
