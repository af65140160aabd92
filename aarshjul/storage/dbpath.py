"""Where the sign-off database is, and whether it exists: the cheap part of the store.

Every command that shows follow-up asks `kvitteringer_i_bruk` on every start: the one
answer to "is follow-up in use". Only when the file exists is storage/store.py (and with
it sqlite3) imported, so a machine without sign-offs starts without it; this module
imports nothing of aarshjul at run time (~1.3 ms of `next` when it lived beside the
sign-off rules, measured with -X importtime on the shipped plan).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from aarshjul.model import Kvittering

DB_ENV = "AARSHJUL_DB"
DB_FILNAVN = "kvitteringer.sqlite"


def resolve_db_path(option: str | None, env: Mapping[str, str] | None = None) -> Path:
    """--db FIL, else $AARSHJUL_DB, else $XDG_DATA_HOME/aarshjul/kvitteringer.sqlite
    (default ~/.local/share/...): sign-offs are data, not cache."""
    env = os.environ if env is None else env
    if option is not None and not option.strip():
        from aarshjul.errors import UsageError

        raise UsageError("--db er tom: oppgi stien til kvitteringsdatabasen, eller la valget være for standardfilen.")
    if option:
        return Path(option).expanduser()
    if env.get(DB_ENV):
        return Path(env[DB_ENV]).expanduser()
    base = env.get("XDG_DATA_HOME") or str(Path("~/.local/share").expanduser())
    return Path(base) / "aarshjul" / DB_FILNAVN


def kvitteringer_i_bruk(option: str | None) -> dict[str, list[Kvittering]] | None:
    """The one answer to "is follow-up in use": the sign-off log (nøkkel → events) of --db,
    $AARSHJUL_DB or the default path, or None when there is no database file (follow-up
    is not in use, and neither the store nor sqlite3 is loaded).
    A path the user named (--db, AARSHJUL_DB) that cannot be checked (a folder without
    search permission) is left to the store, which says so; the default path under a home
    folder this user may not enter (cron as another user with root's HOME) means none."""
    path = resolve_db_path(option)
    try:
        if not path.exists():
            return None
    except OSError:
        if not option and not os.environ.get(DB_ENV):
            return None
    from aarshjul.storage.store import read_logg

    return read_logg(path)
