"""Reading a file whose path comes from a user, a plan, or a folder others can write.

Only a regular file is read: a FIFO at the path would block the run for ever (cron's
`next` and `digest` with it), and a device such as /dev/zero never ends. The file is
opened without blocking, checked with fstat on the open descriptor (so nothing can be
swapped in between the check and the read), and read up to a limit.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path


class IkkeLest(Exception):
    """Why the file was not read, as a bokmål phrase: «er en FIFO, ikke en vanlig fil»."""

    def __init__(self, grunn: str) -> None:
        super().__init__(grunn)
        self.grunn = grunn


def _slag(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "en FIFO (navngitt rør)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "en enhet"
    if stat.S_ISSOCK(mode):
        return "en sokkel"
    return "ikke en vanlig fil"


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.0f} MB" if n >= 1024 * 1024 else f"{n // 1024} kB"


def _aapne(path: Path, foelg_lenke: bool) -> tuple[int, os.stat_result]:
    """An open descriptor on the regular file at path, and its fstat; IkkeLest otherwise."""
    flagg = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)
    if not foelg_lenke:
        flagg |= getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flagg)
    except OSError as e:
        if e.errno == errno.ELOOP and not foelg_lenke:
            raise IkkeLest("er en symbolsk lenke; den følges ikke") from None
        raise
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise IkkeLest("er en mappe, ikke en fil")
        if not stat.S_ISREG(info.st_mode):
            raise IkkeLest(f"er {_slag(info.st_mode)}, ikke en vanlig fil")
        os.set_blocking(fd, True)
    except BaseException:
        os.close(fd)
        raise
    return fd, info


def les_vanlig_fil(path: Path, maks: int, *, foelg_lenke: bool = True) -> bytes:
    """The bytes of the regular file at path, at most `maks` of them.

    IkkeLest for a folder, a FIFO, a device, a file larger than maks and (with
    foelg_lenke=False, for files inside a published folder) a symbolic link. Other
    OSErrors (missing file, no permission) are the caller's to word.
    """
    fd, info = _aapne(path, foelg_lenke)
    try:
        if info.st_size > maks:
            raise IkkeLest(f"er {_mb(info.st_size)}; høyst {_mb(maks)} leses")
        with os.fdopen(fd, "rb", closefd=False) as fh:
            data = fh.read(maks + 1)
        if len(data) > maks:
            raise IkkeLest(f"er større enn {_mb(maks)}; høyst {_mb(maks)} leses")
        return data
    finally:
        os.close(fd)


def les_starten(path: Path, n: int) -> bytes:
    """The first n bytes of the regular file at path (a database's header); IkkeLest as above."""
    fd, _ = _aapne(path, True)
    try:
        with os.fdopen(fd, "rb", closefd=False) as fh:
            return fh.read(n)
    finally:
        os.close(fd)
