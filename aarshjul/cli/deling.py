"""A long `next --format json` written by two processes, one per core (issue 17).

Each row is pure Python work (expanding, the row object, its JSON: ~7 µs), so a
national export (20,000 hendelser over ten years, 818,000 rows) is bound by one core.
The rows are cut at the date in the middle of the window: this process writes the
first half to stdout while a child (os.fork) writes the second half's text to an
unnamed temporary file, which is then copied after the first half. The bytes are those
of one process writing it all: expanding a window gives what expanding its parts gives
(select.iter_upcoming), and the JSON of the two parts joins with ",\\n"
(render.json.iter_rader_uten_ramme). Tests compare the two ways byte for byte.

Used only where it pays and is safe (skal_dele): on POSIX (os.fork) with at least two
processors for this process, when stdout is a real file with a byte buffer, and when the
work is large (hendelser × days at least DELE_FRA; the shipped plan never is).
AARSHJUL_PROSESSER=1 turns it off; =2 uses it whatever the size (the tests do).

Nothing is lost when it fails: if the temporary file cannot be made, nothing has been
written and the caller writes everything itself; if the child fails (a full disk under
the temporary file, say), this process writes the second half itself. The child dies
with the run: Ctrl-C reaches both, and on any way out this process kills and reaps it.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Callable, Iterable
from typing import BinaryIO, TextIO

from aarshjul.storage.interrupts import AVBRYT_SIGNALER

ENV = "AARSHJUL_PROSESSER"
# hendelser × days in the window from which two processes pay: 2,000 hendelser over two
# years (~16,000 rows: ~0.1 s of work against a fork of a few ms).
DELE_FRA = 2000 * 730
_KOPI_BIT = 1 << 20

Deler = Callable[[], Iterable[str]]


def _prosessorer() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not on Linux
        return os.cpu_count() or 1


def skal_dele(hendelser: int, dager: int) -> bool:
    """Whether `next --format json` over this many hendelser and days uses two processes."""
    valg = os.environ.get(ENV, "").strip()
    if valg == "1" or not hasattr(os, "fork"):
        return False
    if valg == "2":
        return True
    return _prosessorer() >= 2 and hendelser * dager >= DELE_FRA


def skriv_delt(del1: Deler, del2: Deler, ut: TextIO, lukk: str, lukk_tom: str) -> bool:
    """Write the rows del1() then del2() give as one JSON array to ut, del2 computed by a
    child process. Each is a factory of render.json.iter_rader_uten_ramme chunks; lukk
    and lukk_tom end an array with and without rows.

    False, with nothing written, when ut has no file descriptor and byte buffer or no
    temporary file can be made: then the caller writes it all as usual.
    """
    import tempfile

    buffer = getattr(ut, "buffer", None)
    if buffer is None:
        return False
    try:
        ut.fileno()
        fil = tempfile.TemporaryFile(prefix="aarshjul-")
    except (OSError, ValueError):  # no descriptor (a test's stream), no room for the file
        return False
    ut.flush()  # nothing of ours may be written twice (the child gets a copy of the buffer)
    pid = os.fork()
    if pid == 0:  # the child: the second half into the file, then out, silently
        _barn(del2, fil, ut)
    try:
        har1 = False
        for chunk in del1():
            ut.write(chunk if har1 else "[\n" + chunk)
            har1 = True
        _, status = os.waitpid(pid, 0)
        pid = 0
        har2 = False
        if os.waitstatus_to_exitcode(status) == 0:
            storrelse = os.fstat(fil.fileno()).st_size
            if storrelse:
                ut.write(",\n" if har1 else "[\n")
                ut.flush()
                _kopier(fil, buffer, storrelse)
                har2 = True
        else:  # the child failed: its half from here
            for chunk in del2():
                ut.write(chunk if har2 else (",\n" if har1 else "[\n") + chunk)
                har2 = True
        ut.write(lukk if har1 or har2 else lukk_tom)
    finally:
        if pid:  # still running: this run is ending some other way
            try:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
            except OSError:  # it ended and was reaped meanwhile: nothing left to do
                pass
        fil.close()
    return True


def _barn(del2: Deler, fil: BinaryIO, ut: TextIO) -> None:
    """The child's whole life: the text of del2 into fil, encoded as ut encodes, then
    os._exit (no cleanup of the parent's state, no output of its own). Exit 0 only when
    all of it was written."""
    kode = 1
    try:
        for signum in AVBRYT_SIGNALER:  # Ctrl-C or SIGTERM simply ends the child
            signal.signal(signum, signal.SIG_DFL)
        with open(fil.fileno(), "w", encoding=ut.encoding, errors=ut.errors, closefd=False) as fh:
            for chunk in del2():
                fh.write(chunk)
        kode = 0
    finally:
        os._exit(kode)


def _kopier(fil: BinaryIO, buffer: BinaryIO, storrelse: int) -> None:
    """The file's bytes after what buffer holds (sendfile where the kernel has it)."""
    buffer.flush()
    inn, ut = fil.fileno(), buffer.fileno()
    sendt = 0
    try:
        while sendt < storrelse:
            n = os.sendfile(ut, inn, sendt, storrelse - sendt)
            if n == 0:
                break
            sendt += n
    except (AttributeError, OSError):  # no sendfile to this kind of file: read and write the rest
        pass
    if sendt < storrelse:
        fil.seek(sendt)
        while bit := fil.read(min(_KOPI_BIT, storrelse - sendt)):
            buffer.write(bit)
            sendt += len(bit)
        buffer.flush()
