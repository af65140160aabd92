"""The sign-off store: one SQLite file, owned by this module alone.

Every SQL string of aarshjul is here and nothing else imports sqlite3 (STYLE.md §7).
sqlite3 itself is imported only when a database file is opened, so `next` and `digest`
start as fast as before on a machine that has no sign-offs.

**Rows are events.** A sign-off ("kvittert") and its withdrawal ("angret") are both rows
in `kvittering`; nothing is updated or deleted. A row is for one owning virksomhet
(`virksomhet`) or, empty, for every owner; a withdrawal names the sign-off it withdraws
(`angrer`, its uid). The state is not kept here: engine/followup.py replays the events
of each (nøkkel, virksomhet), oldest first (`read_logg` gives them by nøkkel).

**Keys.** A row is tied to the stable occurrence key `Forekomst.nokkel`
("pmto.evaluering.2027-03", aarshjul/keys.py), which survives a holiday move or an
edited day rule within the period. The occurrence's id and date at the time of
signing are stored too, for the report and for `check`.

**Schema.** `MIGRATIONS` is append-only: (version, sql) steps, applied in one
transaction and recorded in `PRAGMA user_version`. A database from a newer aarshjul
(user_version above the last step) is refused, never touched.

**Files.** Where the file is: aarshjul/storage/dbpath.py (--db, $AARSHJUL_DB, XDG).
Opened with journal_mode=WAL and a busy timeout; one transaction per command
(`write_transaction`). Read-only callers use `read_events`, which opens the file with
`mode=ro` and never creates it: a missing file means "no sign-offs". Before opening, the
file's header is checked, so a non-SQLite file at the path is reported and left as it is.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from aarshjul.errors import AarshjulError, os_feil_tekst
from aarshjul.model import ANGRET, KVITTERT, Kvittering

if TYPE_CHECKING:
    import sqlite3

T = TypeVar("T")

BUSY_TIMEOUT_S = 30.0  # how long a command waits for another's lock, in all
# SQLite waits in C for at most this at a time; the loops below wait the rest, so Ctrl-C
# and SIGTERM (Python handlers, run between C calls) stop a waiting command at once.
_VENT_S = 0.1
_HEADER = b"SQLite format 3\x00"


# Append-only. Step 1 is the first released schema; step 2 gives every row a uid so
# that an export imported twice adds nothing (INSERT OR IGNORE on the unique index);
# step 3 signs off per virksomhet: which owner a row is for (NULL: every owner, as every
# older row means), how it came in (kilde) and which sign-off a withdrawal withdraws
# (angrer; NULL on an older withdrawal, which withdrew every sign-off of its nøkkel).
MIGRATIONS: tuple[tuple[int, str], ...] = (
    (
        1,
        """
        CREATE TABLE kvittering (
            id INTEGER PRIMARY KEY,
            nokkel TEXT NOT NULL,
            handling TEXT NOT NULL CHECK (handling IN ('kvittert', 'angret')),
            utfort TEXT,
            av TEXT,
            merknad TEXT,
            lenke TEXT,
            forekomst_id TEXT,
            forekomst_dato TEXT,
            registrert TEXT NOT NULL
        );
        CREATE INDEX kvittering_nokkel ON kvittering (nokkel, registrert);
        """,
    ),
    (
        2,
        """
        ALTER TABLE kvittering ADD COLUMN uid TEXT;
        UPDATE kvittering SET uid = lower(hex(randomblob(16))) WHERE uid IS NULL;
        CREATE UNIQUE INDEX kvittering_uid ON kvittering (uid);
        """,
    ),
    (
        3,
        """
        ALTER TABLE kvittering ADD COLUMN virksomhet TEXT;
        ALTER TABLE kvittering ADD COLUMN kilde TEXT;
        ALTER TABLE kvittering ADD COLUMN angrer TEXT;
        """,
    ),
    # Step 4: what `send` delivered, so a second run the same week sends nothing twice.
    (
        4,
        """
        CREATE TABLE utsending (
            id INTEGER PRIMARY KEY,
            virksomhet TEXT NOT NULL,
            uke TEXT NOT NULL,
            kanal TEXT NOT NULL,
            mottaker TEXT NOT NULL,
            message_id TEXT,
            sendt TEXT NOT NULL
        );
        CREATE INDEX utsending_uke ON utsending (uke, virksomhet, kanal, mottaker);
        """,
    ),
    # Step 5: every sign-off asks for the newest registrert (Store.append); without an
    # index that read the whole table, a cost growing with the kommune's history
    # (bench/serve_last.py).
    (
        5,
        """
        CREATE INDEX kvittering_registrert ON kvittering (registrert);
        """,
    ),
)
SCHEMA_VERSION = MIGRATIONS[-1][0]

_COLUMNS = (
    "uid, nokkel, handling, utfort, av, merknad, lenke, forekomst_id, forekomst_dato, registrert, "
    "virksomhet, kilde, angrer"
)


class StoreError(AarshjulError):
    """The sign-off database cannot be read or written; the message says which file and why."""

    exit_code = 1


def ny_kvittering(
    nokkel: str,
    handling: str,
    utfort: date | None,
    *,
    av: str | None = None,
    merknad: str | None = None,
    lenke: str | None = None,
    forekomst_id: str | None = None,
    forekomst_dato: date | None = None,
    virksomhet: str | None = None,
    kilde: str | None = None,
    angrer: str | None = None,
    naa: datetime | None = None,
) -> Kvittering:
    """A new event with a fresh uid. Its registration time is given (naa), or, left empty,
    taken by Store.append inside the transaction: the order of events is the order in
    which they were committed, not the order in which commands started waiting for the
    lock (a kvitter that waited behind an angre came out older than it)."""
    import uuid

    return Kvittering(
        nokkel=nokkel, handling=handling, utfort=utfort, av=av, merknad=merknad, lenke=lenke,
        forekomst_id=forekomst_id, forekomst_dato=forekomst_dato,
        registrert=_stempel(naa.astimezone(timezone.utc)) if naa else "", uid=uuid.uuid4().hex,
        virksomhet=virksomhet, kilde=kilde, angrer=angrer,
    )  # fmt: skip


def _stempel(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def db_exists(path: Path) -> bool:
    """Whether a file (or anything) is at the path: a cheap check before anything imports
    sqlite3 (the start-up of next and digest). StoreError when the folder cannot be searched."""
    try:
        return path.exists()
    except OSError as e:
        raise StoreError(f"{path}: har ikke tilgang til kvitteringsdatabasen ({os_feil_tekst(e)}).") from None


# --- opening ---------------------------------------------------------------------


def _check_header(path: Path) -> None:
    """Refuse a file that is not SQLite before SQLite sees it (it is left untouched)."""
    from aarshjul.files import IkkeLest, les_starten

    try:
        # A FIFO or a device is refused here, before SQLite would block on it for ever.
        head = les_starten(path, len(_HEADER))
    except IkkeLest as e:
        if e.grunn.startswith("er en mappe"):
            raise StoreError(f"{path}: er en mappe, ikke en kvitteringsdatabase.") from None
        raise StoreError(f"{path}: {e.grunn}; oppgi kvitteringsdatabasen (en SQLite-fil).") from None
    except PermissionError:
        raise StoreError(f"{path}: har ikke lov til å lese kvitteringsdatabasen.") from None
    except OSError as e:
        raise StoreError(f"{path}: kan ikke lese kvitteringsdatabasen ({os_feil_tekst(e)}).") from None
    if head and head != _HEADER:
        raise StoreError(
            f"{path}: er ikke en SQLite-database (feil filhode). Filen er ikke endret; "
            "velg en annen fil med --db eller AARSHJUL_DB."
        )


def _feil(path: Path, e: Exception) -> StoreError:
    """A bokmål message for an sqlite3 error."""
    tekst = str(e).lower()
    if "readonly" in tekst or "read-only" in tekst or "unable to open" in tekst:
        return StoreError(
            f"{path}: kan ikke skrive til kvitteringsdatabasen (filen eller mappen er skrivebeskyttet). "
            "Ingenting er lagret."
        )
    if "not a database" in tekst or "malformed" in tekst or "corrupt" in tekst:
        return StoreError(f"{path}: kvitteringsdatabasen er skadet ({e}). Filen er ikke endret.")
    if "locked" in tekst or "busy" in tekst:
        return StoreError(
            f"{path}: kvitteringsdatabasen er låst av en annen prosess i over {BUSY_TIMEOUT_S:.0f} sekunder. "
            "Prøv igjen."
        )
    return StoreError(f"{path}: feil i kvitteringsdatabasen: {e}.")


# Marks the file as aarshjul's own (PRAGMA application_id, "AARS"): another program's SQLite
# file named by mistake is refused before anything is written to it.
APPLICATION_ID = 0x41415253


def _check_ours(path: Path, con: sqlite3.Connection, versjon: int) -> bool:
    """Whether the file holds aarshjul's sign-offs (False: an empty database, nothing yet).
    StoreError, with the file untouched, for another program's database and for a file
    cut short (a truncated copy read as «no sign-offs», and an export then overwrote the
    good backup with an empty list)."""
    app = int(con.execute("PRAGMA application_id").fetchone()[0])
    if app not in (0, APPLICATION_ID):
        raise StoreError(
            f"{path}: er en SQLite-database fra et annet program, ikke aarshjuls kvitteringsdatabase. "
            "Filen er ikke endret; velg en annen fil med --db eller AARSHJUL_DB."
        )
    if versjon > 0:
        return True
    # No schema yet: a new, empty database (maybe another aarshjul is creating it right
    # now), unless it holds someone else's tables. Asking sqlite_master also reads the
    # file: one cut short fails here as «skadet» instead of reading as no sign-offs.
    # The version is asked again in the same statement, one snapshot: the creator may have
    # committed its tables since `versjon` was read (eight browsers at the first sign-off
    # saw «andre tabeller» here).
    naa, tabeller = con.execute(
        "SELECT (SELECT user_version FROM pragma_user_version), (SELECT count(*) FROM sqlite_master)"
    ).fetchone()
    if int(naa) > 0:
        return _check_version(path, con) > 0
    if int(tabeller):
        raise StoreError(
            f"{path}: er en SQLite-database med andre tabeller enn aarshjuls. Filen er ikke endret; "
            "velg en annen fil med --db eller AARSHJUL_DB."
        )
    return False


def _check_version(path: Path, con: sqlite3.Connection) -> int:
    versjon = int(con.execute("PRAGMA user_version").fetchone()[0])
    if versjon > SCHEMA_VERSION:
        raise StoreError(
            f"{path}: kvitteringsdatabasen har skjemaversjon {versjon}, men denne aarshjul kjenner bare "
            f"til og med {SCHEMA_VERSION}. Den er laget av en nyere aarshjul; oppgrader aarshjul. "
            "Filen er ikke endret."
        )
    return versjon


def _migrate(con: sqlite3.Connection, fra: int) -> None:
    """Apply the steps after `fra` inside the caller's transaction. executescript would
    COMMIT first, so the statements run one by one."""
    for versjon, sql in MIGRATIONS:
        if versjon <= fra:
            continue
        for statement in sql.split(";"):
            if statement.strip():
                con.execute(statement)
        con.execute(f"PRAGMA user_version = {versjon:d}")


class Store:
    """An open store inside one write transaction (see write_transaction)."""

    def __init__(self, path: Path, con: sqlite3.Connection, created: bool) -> None:
        self.path = path
        self.created = created  # the file did not exist before this command
        self._con = con

    def events(self) -> list[Kvittering]:
        return _events(self._con)

    def logg(self, nokler: Iterable[str] | None = None) -> dict[str, list[Kvittering]]:
        """Every event by nøkkel, oldest first (read inside the transaction's lock); with
        `nokler`, only theirs: a sign-off reads its own occurrence's history, not ten years
        of the kommune's (bench/serve_last.py: every sign-off read them all)."""
        if nokler is None:
            return _logg(_events(self._con))
        valgt = sorted(set(nokler))
        if not valgt:
            return {}
        sql = (f"SELECT id, {_kolonner(self._con)} FROM kvittering WHERE nokkel IN ({', '.join('?' * len(valgt))}) "
               "ORDER BY registrert, id")  # fmt: skip
        return _logg(_rader(self._con, sql, valgt))

    def utsendt(self, uke: str) -> set[tuple[str, str, str]]:
        """(virksomhet, kanal, mottaker) of every message `send` recorded for the ISO week."""
        rader = self._con.execute("SELECT virksomhet, kanal, mottaker FROM utsending WHERE uke = ?", (uke,))
        return {(str(v), str(k), str(m)) for v, k, m in rader}

    def registrer_utsending(self, virksomhet: str, uke: str, kanal: str, mottaker: str, message_id: str | None) -> None:
        """Record one delivered message (a row per delivery: a re-send adds one)."""
        self._con.execute(
            "INSERT INTO utsending (virksomhet, uke, kanal, mottaker, message_id, sendt) VALUES (?, ?, ?, ?, ?, ?)",
            (virksomhet, uke, kanal, mottaker, message_id, _stempel(datetime.now(timezone.utc))),
        )

    def append(self, kvitteringer: Iterable[Kvittering]) -> int:
        """Add events; an event whose uid is already stored is skipped. Returns how many were added."""
        import uuid

        added = 0
        siste: str | None = None
        for k in kvitteringer:
            registrert = k.registrert
            if not registrert:  # now, inside the lock, and after every event already stored
                if siste is None:
                    siste = self._con.execute("SELECT max(registrert) FROM kvittering").fetchone()[0] or ""
                naa = datetime.now(timezone.utc)
                if siste and _stempel(naa) <= siste:
                    naa = datetime.strptime(siste, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc)
                    naa += timedelta(microseconds=1)
                registrert = siste = _stempel(naa)
            cur = self._con.execute(
                f"INSERT OR IGNORE INTO kvittering ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    k.uid or uuid.uuid4().hex, k.nokkel, k.handling,
                    k.utfort.isoformat() if k.utfort else None, k.av, k.merknad, k.lenke,
                    k.forekomst_id, k.forekomst_dato.isoformat() if k.forekomst_dato else None,
                    registrert, k.virksomhet, k.kilde, k.angrer,
                ),
            )  # fmt: skip
            added += cur.rowcount
        return added


# A team shares one database (docs/kvitteringer.md): the group writes it, others may not
# read the free text in «av» and «merknad». SQLite gives -wal and -shm the main file's mode.
DB_MODUS = 0o660


def _lag_fil(path: Path) -> None:
    """Create the empty database file with DB_MODUS whatever the umask (with 022 the
    first member's 0644 file shut the rest of the group out). An existing file is kept."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, DB_MODUS)
    except FileExistsError:
        return  # another aarshjul created it first: it migrates or we do, under the lock
    except OSError as e:
        raise StoreError(f"{path}: kan ikke lage kvitteringsdatabasen ({os_feil_tekst(e)}).") from None
    try:
        if hasattr(os, "fchmod"):  # not on Windows, where the folder's ACL decides
            os.fchmod(fd, DB_MODUS)
    finally:
        os.close(fd)


def _connect(uri: str, delt: bool = False) -> sqlite3.Connection:
    """delt: the connection is kept by a server and used by its threads one at a time
    (under the server's write lock), so sqlite3's same-thread check is off."""
    import sqlite3

    # isolation_level=None: we issue BEGIN/COMMIT ourselves, one transaction per command.
    con = sqlite3.connect(uri, uri=True, timeout=_VENT_S, isolation_level=None, check_same_thread=not delt)
    con.execute(f"PRAGMA busy_timeout = {int(_VENT_S * 1000)}")
    return con


def _wal(con: sqlite3.Connection) -> None:
    """Put the file in WAL mode (stored in the file, so once). Changing the journal mode
    needs the file to itself and fails at once with "database is locked" while another
    process has it open: SQLite's busy timeout does not wait for it. Two first sign-offs
    at the same moment met that (tests/test_store.py, 2 processes x 50). So the mode is
    read first, and a change that meets a lock is tried again within the busy timeout."""
    import sqlite3
    import time

    frist = time.monotonic() + BUSY_TIMEOUT_S
    while True:
        try:
            if str(con.execute("PRAGMA journal_mode").fetchone()[0]).lower() != "wal":
                con.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as e:
            if "locked" not in str(e) or time.monotonic() > frist:
                raise
            time.sleep(0.005)


def _med_vent(fn: Callable[[], T]) -> T:
    """fn(), tried again while another process holds the lock, for BUSY_TIMEOUT_S."""
    import sqlite3
    import time

    frist = time.monotonic() + BUSY_TIMEOUT_S
    while True:
        try:
            return fn()
        except sqlite3.OperationalError as e:
            if ("locked" not in str(e) and "busy" not in str(e)) or time.monotonic() > frist:
                raise


def _uri(path: Path, mode: str) -> str:
    from urllib.parse import quote

    return f"file:{quote(str(path.resolve()))}?mode={mode}"


@contextmanager
def write_transaction(path: Path, kobling: Skrivekobling | None = None) -> Iterator[Store]:
    """write_transaction, one at a time per kobling (the server's threads queue on its
    lock, not in SQLite's busy handler, whose sleeps grow to 100 ms)."""
    if kobling is None:
        with _write_transaction(path, None) as store:
            yield store
        return
    with kobling.laas:
        with _write_transaction(path, kobling) as store:
            yield store


@contextmanager
def _write_transaction(path: Path, kobling: Skrivekobling | None) -> Iterator[Store]:
    """Open (creating the file and its folder if needed), migrate and yield a Store in one
    BEGIN IMMEDIATE transaction; COMMIT when the block ends, ROLLBACK on any exception
    (Ctrl-C too), so a command writes all its rows or none. With `kobling` (a server's),
    the connection is kept open after the first transaction and used again while the
    file is the same one."""
    import sqlite3

    aapen = kobling.hent(path) if kobling is not None else None
    if aapen is not None:
        try:
            with _transaksjon(path, aapen) as store:
                yield store
        except sqlite3.Error as e:
            kobling.lukk()  # type: ignore[union-attr]
            raise _feil(path, e) from None
        return
    created = not db_exists(path)
    if not created:
        _check_header(path)
    else:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise StoreError(
                f"{path.parent}: kan ikke lage mappen til kvitteringsdatabasen ({os_feil_tekst(e)})."
            ) from None
    if created:
        _lag_fil(path)
    if not os.access(path.parent, os.W_OK) or (not created and not os.access(path, os.W_OK)):
        raise StoreError(
            f"{path}: kan ikke skrive til kvitteringsdatabasen (filen eller mappen er skrivebeskyttet). "
            "Ingenting er lagret."
        )
    con = None
    beholdt = False
    try:
        con = _connect(_uri(path, "rwc" if created else "rw"), delt=kobling is not None)
        # Before anything writes, even the journal mode.
        _med_vent(lambda: _check_ours(path, con, _check_version(path, con)))
        _wal(con)
        with _transaksjon(path, con, created) as store:
            yield store
        if kobling is not None:
            beholdt = kobling.behold(path, con)
    except sqlite3.Error as e:
        raise _feil(path, e) from None
    finally:
        if con is not None and not beholdt:
            con.close()


@contextmanager
def _transaksjon(path: Path, con: sqlite3.Connection, created: bool = False) -> Iterator[Store]:
    """BEGIN IMMEDIATE, bring the schema up to date, yield the Store; COMMIT at the end,
    ROLLBACK on any exception (Ctrl-C too)."""
    _med_vent(lambda: con.execute("BEGIN IMMEDIATE"))
    try:
        # Read again inside the lock: another process may have migrated meanwhile.
        _migrate(con, _check_version(path, con))
        if int(con.execute("PRAGMA application_id").fetchone()[0]) != APPLICATION_ID:
            con.execute(f"PRAGMA application_id = {APPLICATION_ID:d}")
        yield Store(path, con, created)
        con.execute("COMMIT")
    except BaseException:
        if con.in_transaction:
            con.execute("ROLLBACK")
        raise


def read_events(path: Path) -> list[Kvittering]:
    """Every event in the file, oldest first; [] when the file does not exist (never created)."""
    with _read(path) as con:
        return [] if con is None else _events(con)


def read_logg(path: Path) -> dict[str, list[Kvittering]]:
    """nokkel → its events, oldest first; {} when there is no file. What is in force is
    decided by replaying them (engine/followup.py), not here."""
    with _read(path) as con:
        return {} if con is None else _logg(_events(con))


def _logg(events: list[Kvittering]) -> dict[str, list[Kvittering]]:
    ut: dict[str, list[Kvittering]] = {}
    for k in events:
        ut.setdefault(k.nokkel, []).append(k)
    return ut


@contextmanager
def _read(path: Path) -> Iterator[sqlite3.Connection | None]:
    if not db_exists(path):
        yield None
        return
    import sqlite3

    _check_header(path)
    con: sqlite3.Connection | None = None
    try:
        try:
            con = _connect(_uri(path, "ro"))
            versjon = _check_version(path, con)
        except sqlite3.OperationalError:
            # A WAL database whose -shm cannot be created here (read-only folder):
            # immutable=1 reads the main file as it is, which holds every committed
            # row once the last writer has closed (checkpoint on close).
            if con is not None:
                con.close()
            con = _connect(_uri(path, "ro") + "&immutable=1")
            versjon = _check_version(path, con)
        if not _check_ours(path, con, versjon):  # an empty file: no schema yet, no sign-offs
            yield None
            return
        yield con
    except sqlite3.Error as e:
        raise _feil(path, e) from None
    finally:
        if con is not None:
            con.close()


_DATOFELT = ("utfort", "forekomst_dato")
_FELT = tuple(_COLUMNS.split(", "))


class _UgyldigRad(Exception):
    def __init__(self, felt: str, verdi: object) -> None:
        super().__init__(felt)
        self.felt, self.verdi = felt, verdi


def _rad(row: tuple[object, ...]) -> Kvittering:
    """One row as a Kvittering; _UgyldigRad naming the column when a value is not what
    aarshjul writes (another program, or a hand edit, may have put anything there)."""
    verdier: dict[str, object] = {}
    for felt, v in zip(_FELT, row, strict=True):
        if v is not None and not isinstance(v, str):
            raise _UgyldigRad(felt, v)
        if felt in _DATOFELT and v:
            try:
                v = date.fromisoformat(v)  # type: ignore[arg-type]
            except ValueError:
                raise _UgyldigRad(felt, v) from None
        verdier[felt] = v
    if verdier["handling"] not in (KVITTERT, ANGRET):
        raise _UgyldigRad("handling", verdier["handling"])
    return Kvittering(
        nokkel=verdier["nokkel"] or "", handling=verdier["handling"], utfort=verdier["utfort"],  # type: ignore[arg-type]
        av=verdier["av"], merknad=verdier["merknad"], lenke=verdier["lenke"],  # type: ignore[arg-type]
        forekomst_id=verdier["forekomst_id"], forekomst_dato=verdier["forekomst_dato"],  # type: ignore[arg-type]
        registrert=verdier["registrert"] or "", uid=verdier["uid"] or "",  # type: ignore[arg-type]
        virksomhet=verdier["virksomhet"], kilde=verdier["kilde"], angrer=verdier["angrer"],  # type: ignore[arg-type]
    )  # fmt: skip


def _rader(con: sqlite3.Connection, sql: str, params: Sequence[str] = ()) -> list[Kvittering]:
    """Kvitteringer from a query whose first column is the row id; StoreError naming the
    row and the column for a value aarshjul cannot read."""
    ut = []
    for row in con.execute(sql, params).fetchall():
        try:
            ut.append(_rad(row[1:]))
        except _UgyldigRad as e:
            vis = e.verdi.decode("utf-8", "backslashreplace") if isinstance(e.verdi, bytes) else str(e.verdi)
            navn = _db_navn(con)
            raise StoreError(
                f"{navn}: rad {row[0]} i kvitteringsdatabasen har en verdi aarshjul ikke kan lese i «{e.felt}»: "
                f"«{vis[:80]}». Ta sikkerhetskopi med «aarshjul kvitter --eksport json -o kopi.json» "
                "(den virker fortsatt), rett eller fjern raden i kopien og les den inn i en ny database "
                "med --importer."
            ) from None
    return ut


def _db_navn(con: sqlite3.Connection) -> str:
    rows = con.execute("PRAGMA database_list").fetchall()
    return next((str(r[2]) for r in rows if r[1] == "main" and r[2]), "kvitteringsdatabasen")


def _kolonner(con: sqlite3.Connection) -> str:
    """_COLUMNS as a select list for this file: a column an older schema lacks is read as
    NULL. Readers never migrate (they open the file read-only), so a database from before
    step 3 is read as it is: every row for every owner, as it always meant."""
    finnes = {str(r[1]) for r in con.execute("PRAGMA table_info(kvittering)").fetchall()}
    return ", ".join(f if f in finnes else f"NULL AS {f}" for f in _FELT)


def read_rows(path: Path) -> list[dict[str, str | None]]:
    """Every event as the text stored, oldest first, whatever it is: the export reads
    this, so a database with a row aarshjul cannot read can still be rescued. Values that
    are not text are shown as text (bytes with backslash escapes)."""
    with _read(path) as con:
        if con is None:
            return []
        rows = con.execute(f"SELECT {_kolonner(con)} FROM kvittering ORDER BY registrert, id").fetchall()
    return [
        {felt: _som_tekst(v) for felt, v in zip(_FELT, row, strict=True)} for row in rows
    ]


def _som_tekst(v: object) -> str | None:
    if v is None or isinstance(v, str):
        return v
    if isinstance(v, bytes):
        return v.decode("utf-8", "backslashreplace")
    return str(v)


def _events(con: sqlite3.Connection) -> list[Kvittering]:
    return _rader(con, f"SELECT id, {_kolonner(con)} FROM kvittering ORDER BY registrert, id")


class Skrivekobling:
    """The write connection a long-running process (`serve`) keeps between sign-offs.

    A command opens the file, checks that it is SQLite and aarshjul's, sets WAL and closes
    it again for every write; the close of the last connection also checkpoints the WAL
    with an fsync. Half of a web sign-off's SQLite calls were that (bench/serve_last.py).
    The first write opens and checks as always; later writes reuse the connection while
    the file is the same one (same device and inode: a restored copy is opened anew).
    Its lock makes the server's threads write one at a time."""

    def __init__(self) -> None:
        import threading

        self.laas = threading.Lock()
        self._con: sqlite3.Connection | None = None
        self._fil: tuple[Path, int, int] | None = None

    def hent(self, path: Path) -> sqlite3.Connection | None:
        if self._con is None or self._fil is None:
            return None
        try:
            st = os.stat(path)
        except OSError:
            self.lukk()
            return None
        if self._fil != (path, st.st_dev, st.st_ino):
            self.lukk()
            return None
        return self._con

    def behold(self, path: Path, con: sqlite3.Connection) -> bool:
        try:
            st = os.stat(path)
        except OSError:
            return False
        self._con, self._fil = con, (path, st.st_dev, st.st_ino)
        return True

    def lukk(self) -> None:
        if self._con is not None:
            self._con.close()
        self._con, self._fil = None, None


class Loggleser:
    """The sign-off log (nøkkel → events, as read_logg gives it) kept by a long-running
    reader (`serve`) and brought up to date by reading only the rows added since: rows are
    never changed or deleted, so a nøkkel with a new row is read again and the rest kept.
    read_logg parsed every row of the database for each page that needs it, a cost that
    grew with the kommune's history (bench/serve_last.py: 383 requests/s on a new database,
    277 after its 2,000 sign-offs). A replaced file (a restore) is read from scratch."""

    def __init__(self, path: Path) -> None:
        import threading

        self.path = path
        self._lock = threading.Lock()
        self._fil: tuple[int, int] | None = None
        self._siste = 0
        self._logg: dict[str, list[Kvittering]] = {}

    def logg(self) -> dict[str, list[Kvittering]]:
        with self._lock:
            if not db_exists(self.path):
                self._fil, self._siste, self._logg = None, 0, {}
                return {}
            try:
                st = os.stat(self.path)
            except OSError as e:
                raise StoreError(f"{self.path}: kan ikke lese kvitteringsdatabasen ({os_feil_tekst(e)}).") from None
            if (st.st_dev, st.st_ino) != self._fil:
                self._fil, self._siste, self._logg = (st.st_dev, st.st_ino), 0, {}
            with _read(self.path) as con:
                if con is None:
                    return {}
                sql = "SELECT id, nokkel FROM kvittering WHERE id > ? ORDER BY id"
                nye = con.execute(sql, (self._siste,)).fetchall()
                if nye:
                    nokler = sorted({str(n) for _, n in nye})
                    for start in range(0, len(nokler), 500):  # SQLite's limit on bound parameters
                        del_ = nokler[start : start + 500]
                        sql = (f"SELECT id, {_kolonner(con)} FROM kvittering WHERE nokkel IN "
                               f"({', '.join('?' * len(del_))}) ORDER BY registrert, id")  # fmt: skip
                        lest = _logg(_rader(con, sql, del_))
                        for n in del_:
                            self._logg[n] = lest.get(n, [])
                    self._siste = max(int(i) for i, _ in nye)
            return dict(self._logg)
