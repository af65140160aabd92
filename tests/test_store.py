"""The sign-off store: events, migrations, concurrency, damage and interrupts."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from datetime import date, datetime, timezone
from pathlib import Path

import pytest
from conftest import default_signals

from aarshjul.model import ANGRET, KVITTERT
from aarshjul.storage import store
from aarshjul.storage.dbpath import resolve_db_path
from aarshjul.storage.store import StoreError, ny_kvittering

REPO = Path(__file__).resolve().parent.parent


def _gjeldende(path: Path) -> dict[str, object]:
    """nøkkel → the sign-off in force, whoever it is for (the replay rule, engine/followup.py)."""
    from aarshjul.engine.followup import i_kraft_felles

    return {n: k for n, events in store.read_logg(path).items() if (k := i_kraft_felles(events)) is not None}


def _kvitter(path: Path, nokkel: str, utfort: date | None = date(2027, 3, 25), handling: str = KVITTERT) -> None:
    with store.write_transaction(path) as s:
        s.append([ny_kvittering(nokkel, handling, utfort if handling == KVITTERT else None)])


def test_created_on_first_write_in_wal_mode(tmp_path: Path) -> None:
    path = tmp_path / "ny" / "mappe" / "k.sqlite"
    with store.write_transaction(path) as s:
        assert s.created
        s.append([ny_kvittering("pmto.evaluering.2027-03", KVITTERT, date(2027, 3, 25), av="Rektor")])
    with store.write_transaction(path) as s:
        assert not s.created
    con = sqlite3.connect(path)
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert con.execute("PRAGMA user_version").fetchone()[0] == store.SCHEMA_VERSION
    con.close()


def test_reading_never_creates(tmp_path: Path) -> None:
    path = tmp_path / "finnes_ikke" / "k.sqlite"
    assert store.read_events(path) == []
    assert store.read_logg(path) == {}
    assert not path.parent.exists()


def test_state_is_the_newest_event(tmp_path: Path) -> None:
    path = tmp_path / "k.sqlite"
    _kvitter(path, "pmto.evaluering.2027-03")
    _kvitter(path, "mobbing.evaluering.2027-03")
    _kvitter(path, "pmto.evaluering.2027-03", handling=ANGRET)
    assert set(_gjeldende(path)) == {"mobbing.evaluering.2027-03"}
    _kvitter(path, "pmto.evaluering.2027-03", utfort=date(2027, 3, 30))
    gjeldende = _gjeldende(path)
    assert gjeldende["pmto.evaluering.2027-03"].utfort == date(2027, 3, 30)  # type: ignore[attr-defined]
    # Nothing was overwritten: all four events are still there, oldest first.
    handlinger = [(k.nokkel, k.handling) for k in store.read_events(path)]
    assert handlinger == [
        ("pmto.evaluering.2027-03", KVITTERT),
        ("mobbing.evaluering.2027-03", KVITTERT),
        ("pmto.evaluering.2027-03", ANGRET),
        ("pmto.evaluering.2027-03", KVITTERT),
    ]


def test_same_uid_twice_adds_nothing(tmp_path: Path) -> None:
    path = tmp_path / "k.sqlite"
    k = ny_kvittering("pmto.evaluering.2027-03", KVITTERT, date(2027, 3, 25))
    with store.write_transaction(path) as s:
        assert s.append([k]) == 1
    with store.write_transaction(path) as s:
        assert s.append([k, k]) == 0
    assert len(store.read_events(path)) == 1


def test_db_path_order() -> None:
    assert resolve_db_path("x.sqlite", {"AARSHJUL_DB": "/a/b"}) == Path("x.sqlite")
    assert resolve_db_path(None, {"AARSHJUL_DB": "/a/b"}) == Path("/a/b")
    assert resolve_db_path(None, {"XDG_DATA_HOME": "/d"}) == Path("/d/aarshjul/kvitteringer.sqlite")
    assert resolve_db_path(None, {}).name == "kvitteringer.sqlite"
    assert resolve_db_path(None, {}).parent.parent.name == "share"


# --- migrations ------------------------------------------------------------------------


def test_migration_from_the_first_version_keeps_rows(tmp_path: Path) -> None:
    path = tmp_path / "v1.sqlite"
    con = sqlite3.connect(path)
    con.executescript(store.MIGRATIONS[0][1])
    con.execute(
        "INSERT INTO kvittering (nokkel, handling, utfort, av, registrert) VALUES (?, ?, ?, ?, ?)",
        ("pmto.evaluering.2027-03", "kvittert", "2027-03-25", "Rektor", "2027-03-25T10:00:00.000000Z"),
    )
    con.execute("PRAGMA user_version = 1")
    con.commit()
    con.close()
    _kvitter(path, "mobbing.evaluering.2027-03")
    con = sqlite3.connect(path)
    assert con.execute("PRAGMA user_version").fetchone()[0] == store.SCHEMA_VERSION
    uids = [r[0] for r in con.execute("SELECT uid FROM kvittering ORDER BY id")]
    con.close()
    assert len(uids) == 2 and all(uids) and len(set(uids)) == 2
    gammel = _gjeldende(path)["pmto.evaluering.2027-03"]
    assert (gammel.utfort, gammel.av) == (date(2027, 3, 25), "Rektor")  # type: ignore[attr-defined]


def test_migrations_are_append_only_and_numbered() -> None:
    assert [v for v, _ in store.MIGRATIONS] == list(range(1, len(store.MIGRATIONS) + 1))


# --- damaged and foreign files ------------------------------------------------------------


def _newer(path: Path) -> None:
    _kvitter(path, "pmto.evaluering.2027-03")
    con = sqlite3.connect(path)
    con.execute(f"PRAGMA user_version = {store.SCHEMA_VERSION + 1}")
    con.commit()
    con.close()


@pytest.mark.parametrize(
    ("lag", "ord_"),
    [
        (lambda p: p.write_text("nokkel;dato\npmto;2027-03-25\n"), "ikke en SQLite-database"),
        (lambda p: p.write_bytes(b"SQLite format 3\x00" + b"\xff" * 5000), "skadet"),
        (_newer, "nyere aarshjul"),
    ],
    ids=["csv_file", "corrupt", "newer_schema"],
)
def test_bad_files_are_refused_and_left_untouched(tmp_path: Path, lag, ord_: str) -> None:
    path = tmp_path / "k.sqlite"
    lag(path)
    for side in tmp_path.glob("k.sqlite-*"):
        side.unlink()
    before = path.read_bytes()
    with pytest.raises(StoreError, match=ord_):
        store.read_events(path)
    with pytest.raises(StoreError, match=ord_):
        _kvitter(path, "mobbing.evaluering.2027-03")
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["k.sqlite"]


def test_a_folder_at_the_path_is_refused(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="er en mappe"):
        store.read_events(tmp_path)


# --- processes ---------------------------------------------------------------------------

_WRITER = textwrap.dedent(
    """
    import sys
    from datetime import date
    from pathlib import Path
    from aarshjul.storage import store
    path, navn = Path(sys.argv[1]), sys.argv[2]
    for i in range(50):
        with store.write_transaction(path) as s:
            s.append([store.ny_kvittering(f"{navn}.mote.2027-{i:03d}", "kvittert", date(2027, 3, 25))])
    """
)


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(REPO)}


def test_two_processes_times_50_sign_offs_give_100(tmp_path: Path) -> None:
    path = tmp_path / "k.sqlite"
    procs = [
        subprocess.Popen([sys.executable, "-c", _WRITER, str(path), navn], env=_env(), stderr=subprocess.PIPE)
        for navn in ("a", "b")
    ]
    for p in procs:
        _, err = p.communicate(timeout=120)
        assert p.returncode == 0, err.decode()
    events = store.read_events(path)
    assert len(events) == 100
    assert len({k.nokkel for k in events}) == 100
    con = sqlite3.connect(path)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    con.close()


_SLOW = textwrap.dedent(
    """
    import sys, time
    from datetime import date
    from pathlib import Path
    from aarshjul.storage import store
    path = Path(sys.argv[1])
    def rows():
        for i in range(10_000):
            if i == 5:
                print("midt i", flush=True)
            time.sleep(0.01)
            yield store.ny_kvittering(f"x.mote.{i}", "kvittert", date(2027, 3, 25))
    with store.write_transaction(path) as s:
        s.append(rows())
    """
)


def test_ctrl_c_mid_write_leaves_a_consistent_database(tmp_path: Path) -> None:
    path = tmp_path / "k.sqlite"
    _kvitter(path, "pmto.evaluering.2027-03")
    p = subprocess.Popen(
        [sys.executable, "-c", _SLOW, str(path)],
        env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, preexec_fn=default_signals,
    )  # fmt: skip
    try:
        assert p.stdout is not None
        assert p.stdout.readline().strip() == b"midt i"
        time.sleep(0.05)
        p.send_signal(signal.SIGINT)
        _, err = p.communicate(timeout=60)
    finally:
        # The child writes for 100 s; a failed assertion above must not leave it running.
        if p.poll() is None:
            p.kill()
            p.wait()
    assert p.returncode != 0 and b"KeyboardInterrupt" in err
    # The interrupted transaction left nothing; what was there before is intact.
    assert [k.nokkel for k in store.read_events(path)] == ["pmto.evaluering.2027-03"]
    con = sqlite3.connect(path)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    con.close()
    _kvitter(path, "mobbing.evaluering.2027-03")  # and it takes the next write
    assert len(store.read_events(path)) == 2


def test_registration_time_is_utc_and_sortable() -> None:
    k = ny_kvittering("a.b.engang", KVITTERT, None, naa=datetime(2027, 3, 25, 9, 0, tzinfo=timezone.utc))
    assert k.registrert == "2027-03-25T09:00:00.000000Z"
    assert len(k.uid) == 32


def test_the_order_of_events_is_the_order_they_were_committed(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """kvittert, angret, kvittert committed in that order leaves the occurrence signed off,
    even when the last sign-off was prepared before the withdrawal (it waited for the lock)."""
    from datetime import date

    from aarshjul.model import KVITTERT
    from aarshjul.storage.store import ny_kvittering, write_transaction

    db = tmp_path / "k.sqlite"
    assert run("kvitter", "pmto.evaluering 2025/26", "--dato", "20.03.2026", "--db", str(db)).exit_code == 0
    ventet = ny_kvittering("pmto.evaluering.2026-03", KVITTERT, date(2026, 3, 21))
    assert run("angre", "pmto.evaluering.2026-03", "--db", str(db)).exit_code == 0
    with write_transaction(db) as st:
        st.append([ventet])
    assert _gjeldende(db)["pmto.evaluering.2026-03"].utfort == date(2026, 3, 21)  # type: ignore[attr-defined]
