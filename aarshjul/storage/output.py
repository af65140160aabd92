"""Writing output files: atomically for regular files, in place for devices and pipes.

A regular file (or a symbolic link to one) is written to a temporary file in the same
folder as the real file, then renamed over it: a cron job overwriting a published
calendar never leaves half a file, and an error half-way leaves the old file as it was.
A link stays a link; the file it points to is replaced, with its permissions kept.

A path that exists and is not a regular file is never renamed over: running
as root, `-o /dev/stdout` would otherwise replace the /dev/stdout link, and a device node
or a FIFO would become a regular file. A character device (/dev/null, a terminal) or a
FIFO is written in place, as `cp` does; `/dev/stdout`, `/dev/fd/N` and `/proc/self/fd/N`
write to that open stream. A block device, a socket, a folder or a dangling link is
refused with a message.

Interrupts: SIGINT, SIGTERM and SIGHUP all raise (aarshjul.storage.interrupts, installed by
main), and the signals are held back from the moment the temporary
file is created until its name is known, so an interrupt at any point removes it.
"""

from __future__ import annotations

import errno
import os
import re
import signal
import stat
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from aarshjul.errors import AarshjulError, os_feil_tekst
from aarshjul.storage.interrupts import AVBRYT_SIGNALER


class OutputError(AarshjulError):
    """The output file or folder cannot be written."""


@contextmanager
def _signals_held() -> Iterator[None]:
    """Hold SIGINT/TERM/HUP until the block ends; a held signal is delivered (and its
    exception raised) right after. No-op where pthread_sigmask does not exist."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, AVBRYT_SIGNALER)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


# Open streams a user may name as a file: written to, never renamed over.
_FD_PREFIXES = ("/dev/fd/", "/proc/self/fd/")
_STD_NAMES = {"/dev/stdout": 1, "/dev/stderr": 2}


def ensure_folder(mappe: Path, hva: str) -> Path:
    """The output folder of `ics --alle` and `publiser`, created with its parents when
    missing; `hva` says in the message why -o must be a folder."""
    if mappe.exists() and not mappe.is_dir():
        raise OutputError(f"«{mappe}» er en fil, ikke en mappe. {hva}")
    try:
        mappe.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise OutputError(f"Kan ikke opprette mappen «{mappe}»: {os_feil_tekst(e)}.") from None
    return mappe


def er_lik(path: Path, data: bytes) -> bool:
    """Whether path is a regular file (not a link) that holds exactly data.

    For the folder writers (`ics --alle`, `publiser`), which leave an unchanged file alone
    instead of replacing it with the same bytes. Anything else at the name counts as
    different, so write_in_folder replaces it; it is opened without following a link and
    without blocking, so a link or a FIFO planted in the folder is never read through.
    """
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except (OSError, ValueError):
        return False
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size != len(data):
            return False
        with os.fdopen(fd, "rb", closefd=False) as fh:
            return fh.read(len(data) + 1) == data
    except OSError:
        return False
    finally:
        os.close(fd)


# mkstemp's names: prefix + 8 characters from [a-z0-9_] + suffix (_replace below).
_TMP_NAVN = re.compile(r"\.(?P<navn>.+)\.[a-z0-9_]{8}\.tmp")
# A temporary file this old is not another run's, still being written: a run killed with
# SIGKILL (or a power cut) left it.
_TMP_ALDER_S = 3600


def fjern_gamle_tmp(mappe: Path, navn: Iterable[str]) -> list[str]:
    """Remove the temporary files a killed run left for these names in a published folder
    (regular files older than an hour, never a link); the names removed."""
    mine = set(navn)
    fjernet = []
    grense = time.time() - _TMP_ALDER_S
    try:
        innhold = list(os.scandir(mappe))
    except OSError:
        return []
    for oppf in innhold:
        m = _TMP_NAVN.fullmatch(oppf.name)
        if m is None or m["navn"] not in mine:
            continue
        try:
            info = oppf.stat(follow_symlinks=False)
            if stat.S_ISREG(info.st_mode) and info.st_mtime < grense:
                os.unlink(oppf.path)
                fjernet.append(oppf.name)
        except OSError:
            continue
    return fjernet


def write_in_folder(path: Path, data: bytes) -> None:
    """Write one file of a folder aarshjul publishes (`ics --alle`, `publiser`).

    Whatever is at the name (a symbolic link, a FIFO, a device node) is replaced by a
    regular file, atomically; a link is never followed. Cron publishes as root or a
    service user into a folder others (the web server's people) can write: a link planted
    there must not make the publisher write outside it. Replacing rather than refusing
    keeps the nightly run working, and the folder is aarshjul's own. A folder at the
    name is refused.
    """
    try:
        info: os.stat_result | None = os.lstat(path)
    except FileNotFoundError:
        info = None
    except OSError as e:
        raise OutputError(f"Kan ikke skrive «{path}»: {os_feil_tekst(e)}.") from None
    if info is not None and stat.S_ISDIR(info.st_mode):
        raise OutputError(f"«{path}» er en mappe; aarshjul skriver en fil med det navnet. Flytt mappen.")
    mode = info.st_mode & 0o777 if info is not None and stat.S_ISREG(info.st_mode) else _standard_mode()
    _replace(path, path.parent if str(path.parent) else Path("."), data, mode)


def write_atomic(path: Path, data: bytes) -> None:
    """Write data to path: atomically for a regular file, in place for a device or FIFO."""
    stream = _named_stream(path)
    if stream is not None:
        _write_stream(path, stream, data)
        return
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        _write_new_or_regular(path, data)
        return
    except OSError as e:
        raise OutputError(f"Kan ikke skrive «{path}»: {os_feil_tekst(e)}.") from None
    if stat.S_ISLNK(info.st_mode):
        try:
            info = os.stat(path)
        except FileNotFoundError:
            raise OutputError(
                f"«{path}» er en symbolsk lenke til «{os.readlink(path)}», som ikke finnes."
            ) from None
        except OSError as e:
            raise OutputError(f"Kan ikke skrive «{path}»: {os_feil_tekst(e)}.") from None
        if stat.S_ISREG(info.st_mode):
            _write_new_or_regular(Path(os.path.realpath(path)), data)
            return
    if stat.S_ISREG(info.st_mode):
        _write_new_or_regular(path, data)
    elif stat.S_ISDIR(info.st_mode):
        raise OutputError(f"«{path}» er en mappe; oppgi et filnavn.")
    elif stat.S_ISCHR(info.st_mode) or stat.S_ISFIFO(info.st_mode):
        _write_in_place(path, data)
    else:
        slag = "en blokkenhet" if stat.S_ISBLK(info.st_mode) else "verken en fil, en enhet eller en FIFO"
        raise OutputError(f"«{path}» er {slag}; velg en vanlig fil.")


def _named_stream(path: Path) -> int | None:
    """The fd number for /dev/stdout, /dev/stderr, /dev/fd/N, /proc/self/fd/N; else None."""
    name = str(path)
    if name in _STD_NAMES:
        return _STD_NAMES[name]
    for prefix in _FD_PREFIXES:
        if name.startswith(prefix) and name[len(prefix):].isascii() and name[len(prefix):].isdigit():
            return int(name[len(prefix):])
    return None


def _write_stream(path: Path, fd: int, data: bytes) -> None:
    """Write to an already open stream of this process (what /dev/stdout names)."""
    try:
        if fd in (1, 2):
            stream = sys.stdout if fd == 1 else sys.stderr
            if stream is None:
                raise OSError(errno.EBADF, "closed")
            stream.flush()
            stream.buffer.write(data)
            stream.buffer.flush()
            return
        _write_all(fd, data)
    except OSError as e:
        raise OutputError(f"Kan ikke skrive «{path}»: {os_feil_tekst(e)}.") from None


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _write_in_place(path: Path, data: bytes) -> None:
    """A character device or FIFO: open it for writing (not blocking on a FIFO nobody
    reads), write, close. Nothing is created, renamed or truncated."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    except OSError as e:
        if e.errno == errno.ENXIO:
            raise OutputError(f"Kan ikke skrive «{path}»: ingen leser fra den.") from None
        raise OutputError(f"Kan ikke skrive «{path}»: {os_feil_tekst(e)}.") from None
    try:
        os.set_blocking(fd, True)
        _write_all(fd, data)
    except OSError as e:
        raise OutputError(f"Kan ikke skrive «{path}»: {os_feil_tekst(e)}.") from None
    finally:
        os.close(fd)


def _write_new_or_regular(path: Path, data: bytes) -> None:
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.exists():
        raise OutputError(f"Mappen «{folder}» finnes ikke. Opprett den først, eller velg en annen sti.")
    if not folder.is_dir():
        raise OutputError(f"«{folder}» er ikke en mappe.")
    if path.is_dir():
        raise OutputError(f"«{path}» er en mappe; oppgi et filnavn.")
    _replace(path, folder, data, _mode_for(path))


def _replace(path: Path, folder: Path, data: bytes, mode: int) -> None:
    """data into a temporary file in folder, flushed to disk, then renamed over path."""
    tmp: str | None = None
    try:
        # From mkstemp until `tmp` holds the name, an interrupt would leave an empty
        # temporary file nobody knows about: the signals wait until the name is kept.
        with _signals_held():
            try:
                fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
            except PermissionError:
                raise OutputError(f"Mangler skrivetilgang til mappen «{folder}».") from None
            except OSError as e:
                raise OutputError(f"Kan ikke skrive i mappen «{folder}»: {os_feil_tekst(e)}.") from None
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
        tmp = None
    except BaseException as e:
        if tmp is not None:
            with _signals_held():  # a second Ctrl-C must not stop the cleanup
                try:
                    os.unlink(tmp)
                except OSError:
                    pass
        if isinstance(e, OutputError):
            raise
        if isinstance(e, PermissionError):
            raise OutputError(f"Mangler skrivetilgang til «{path}».") from None
        if isinstance(e, OSError):
            raise OutputError(f"Kan ikke skrive «{path}»: {os_feil_tekst(e)}.") from None
        raise


def _mode_for(path: Path) -> int:
    """Keep an existing file's permissions; a new file gets the usual 0666 minus umask."""
    try:
        return path.stat().st_mode & 0o777
    except OSError:
        return _standard_mode()


def _standard_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask
