"""Where the sign-off database is, and whether it exists: the cheap part of the store.

Every command that shows follow-up asks this on every start (services/signoff.py,
`kvitteringer_i_bruk`); only when the file exists is storage/store.py (and with it
sqlite3) imported, so a machine without sign-offs starts without it. This module
imports nothing of aarshjul.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

DB_ENV = "AARSHJUL_DB"
DB_FILNAVN = "kvitteringer.sqlite"


def resolve_db_path(option: str | None, env: Mapping[str, str] | None = None) -> Path:
    """--db FIL, else $AARSHJUL_DB, else $XDG_DATA_HOME/aarshjul/kvitteringer.sqlite
    (default ~/.local/share/...): sign-offs are data, not cache."""
    env = os.environ if env is None else env
    if option:
        return Path(option).expanduser()
    if env.get(DB_ENV):
        return Path(env[DB_ENV]).expanduser()
    base = env.get("XDG_DATA_HOME") or str(Path("~/.local/share").expanduser())
    return Path(base) / "aarshjul" / DB_FILNAVN
