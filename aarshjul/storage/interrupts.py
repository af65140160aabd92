"""SIGTERM and SIGHUP end a run the way Ctrl-C does: as an exception, so every cleanup on
the way out runs (write_atomic removes its temporary file, the store rolls back).

Cron and systemd stop a job with SIGTERM, and a closed terminal sends SIGHUP; by default
both kill Python at once and leave partial temporary files behind. main()
installs the handlers; the exit code is the conventional 128 + the signal's number.
Only the stdlib `signal` module is imported here: main() runs this on every start.
"""

from __future__ import annotations

import signal
from types import FrameType

# Signals that end a run and that a handler can catch.
AVBRYT_SIGNALER = tuple(getattr(signal, n) for n in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, n))


class Avbrutt(KeyboardInterrupt):
    """SIGTERM or SIGHUP, raised like Ctrl-C (a KeyboardInterrupt) so handlers that clean
    up after Ctrl-C also clean up after these."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _raise_avbrutt(signum: int, frame: FrameType | None) -> None:
    raise Avbrutt(signum)


def install_signal_handlers() -> None:
    """SIGTERM and SIGHUP raise Avbrutt (SIGINT keeps Python's KeyboardInterrupt), unless
    the signal was ignored when we started (nohup): then it stays ignored."""
    for signum in AVBRYT_SIGNALER:
        if signum == signal.SIGINT:
            continue
        try:
            if signal.getsignal(signum) == signal.SIG_IGN:
                continue
            signal.signal(signum, _raise_avbrutt)
        except (OSError, ValueError):  # not the main thread, or not on this platform
            pass


def exit_code(e: KeyboardInterrupt) -> int:
    """128 + the signal's number: 130 for Ctrl-C, 143 for SIGTERM, 129 for SIGHUP."""
    return 128 + (e.signum if isinstance(e, Avbrutt) else int(signal.SIGINT))
