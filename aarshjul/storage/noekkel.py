"""The secret key that signs personal links and browser sessions: one file, mode 0600.

Made on first use (32 random bytes, hex) with O_CREAT|O_EXCL, so two processes starting
at once cannot each write their own: the loser reads the winner's. Replacing the file
(`aarshjul lenke --ny-nøkkel`) invalidates every link and every session signed with
the old key. A file others can read is refused: whoever reads it can sign in as any
virksomhet.
"""

from __future__ import annotations

import os
import secrets
import stat
from pathlib import Path

from aarshjul.errors import AarshjulError, os_feil_tekst

NOEKKEL_FILNAVN = "lenkenokkel"
_LENGDE = 32


class NoekkelError(AarshjulError):
    exit_code = 1


def standard_sti(database: Path) -> Path:
    """Beside the sign-off database: the two are backed up and protected together."""
    return database.parent / NOEKKEL_FILNAVN


def hent_noekkel(path: Path) -> bytes:
    """The key in path, made (0600) when the file does not exist."""
    try:
        return _les(path)
    except FileNotFoundError:
        pass
    return lag_noekkel(path, erstatt=False)


def lag_noekkel(path: Path, *, erstatt: bool) -> bytes:
    """A new key in path. erstatt=False: only when there is none (another process may have
    made it just now: then that one is read). erstatt=True: a new key replaces the old
    (written beside it and renamed over it, so a reader never sees half a key)."""
    tekst = secrets.token_hex(_LENGDE).encode("ascii") + b"\n"
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        if erstatt:
            tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            try:
                os.write(fd, tekst)
                os.fsync(fd)
            finally:
                os.close(fd)
            os.replace(tmp, path)
            return tekst.strip()
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return _les(path)
        try:
            os.fchmod(fd, 0o600)  # whatever the umask
            os.write(fd, tekst)
            os.fsync(fd)
        finally:
            os.close(fd)
        return tekst.strip()
    except OSError as e:
        raise NoekkelError(f"Kan ikke lage nøkkelfilen {path}: {os_feil_tekst(e)}.") from None


def _les(path: Path) -> bytes:
    from aarshjul.files import IkkeLest, les_vanlig_fil

    try:
        info = os.stat(path)
        if info.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
            raise NoekkelError(
                f"Nøkkelfilen {path} kan leses av andre enn eieren (modus {stat.S_IMODE(info.st_mode):o}). "
                f"Den gjør det mulig å logge inn som hvilken som helst virksomhet: kjør «chmod 600 {path}»."
            )
        data = les_vanlig_fil(path, 4096).strip()
    except FileNotFoundError:
        raise
    except IkkeLest as e:
        raise NoekkelError(f"Nøkkelfilen {path} kan ikke leses: {e.grunn}.") from None
    except OSError as e:
        raise NoekkelError(f"Nøkkelfilen {path} kan ikke leses: {os_feil_tekst(e)}.") from None
    if len(data) < 32:
        raise NoekkelError(
            f"Nøkkelfilen {path} er for kort ({len(data)} tegn); lag en ny med «aarshjul lenke --ny-nøkkel»."
        )
    return data
