"""Writing output files atomically: a temporary file in the same folder, then rename.

A cron job overwriting a published calendar never leaves half a file, and an error
half-way leaves the old file as it was.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from aarshjul.errors import AarshjulError


class OutputError(AarshjulError):
    """The output file or folder cannot be written."""


def write_atomic(path: Path, data: bytes) -> None:
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.exists():
        raise OutputError(f"Mappen «{folder}» finnes ikke. Opprett den først, eller velg en annen sti.")
    if not folder.is_dir():
        raise OutputError(f"«{folder}» er ikke en mappe.")
    if path.is_dir():
        raise OutputError(f"«{path}» er en mappe; oppgi et filnavn.")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except PermissionError:
        raise OutputError(f"Mangler skrivetilgang til mappen «{folder}».") from None
    except OSError as e:
        raise OutputError(f"Kan ikke skrive i mappen «{folder}»: {e.strerror or e}.") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, _mode_for(path))
        os.replace(tmp, path)
    except BaseException as e:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(e, PermissionError):
            raise OutputError(f"Mangler skrivetilgang til «{path}».") from None
        if isinstance(e, OSError):
            raise OutputError(f"Kan ikke skrive «{path}»: {e.strerror or e}.") from None
        raise


def _mode_for(path: Path) -> int:
    """Keep an existing file's permissions; a new file gets the usual 0666 minus umask."""
    try:
        return path.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
