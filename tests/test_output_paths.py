"""`-o` never renames over what is not a regular file, and interrupts (real
signals: SIGINT, SIGTERM, SIGHUP) never leave a temporary file behind.

Special files are written in place (a FIFO, a character device, /dev/stdout) or refused
(a block device, a socket, a dangling link); a link to a regular file stays a link and
its target is replaced atomically.
"""

from __future__ import annotations

import os
import signal
import socket
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import PLANS, REPO, default_signals

from aarshjul.storage.output import OutputError, write_atomic

MINI = PLANS / "mini.yaml"


def cli(*args: str, **kw: object) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "PYTHONPATH": str(REPO), "NO_COLOR": "1"}
    env.pop("AARSHJUL_PLAN", None)
    kw.setdefault("stdout", subprocess.PIPE)
    kw.setdefault("stderr", subprocess.PIPE)
    return subprocess.run(
        [sys.executable, "-m", "aarshjul", "--plan", str(MINI), "--today", "25.11.2026", *args],
        env=env, timeout=60, **kw,
    )  # fmt: skip


# --- special files -------------------------------------------------------------------


def test_dev_stdout_is_written_to_the_stream_not_renamed_over() -> None:
    """`ics -o /dev/stdout` (as root the old code replaced the /dev/stdout link)."""
    before = os.lstat("/dev/stdout") if os.path.lexists("/dev/stdout") else None
    result = cli("ics", "-o", "/dev/stdout")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(b"BEGIN:VCALENDAR") and result.stdout.endswith(b"END:VCALENDAR\r\n")
    if before is not None:
        after = os.lstat("/dev/stdout")
        assert stat.S_IFMT(after.st_mode) == stat.S_IFMT(before.st_mode)
        assert after.st_ino == before.st_ino


def test_dev_stdout_redirected_to_a_file_writes_through_the_stream(tmp_path: Path) -> None:
    target = tmp_path / "ut.ics"
    with target.open("wb") as fh:
        result = cli("ics", "-o", "/dev/stdout", stdout=fh, stderr=subprocess.PIPE)
    assert result.returncode == 0, result.stderr
    assert target.read_bytes().startswith(b"BEGIN:VCALENDAR")
    assert [p.name for p in tmp_path.iterdir()] == ["ut.ics"]


def test_fifo_is_written_in_place_and_stays_a_fifo(tmp_path: Path) -> None:
    fifo = tmp_path / "kalender.ics"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader_ready = threading.Event()

    def read() -> None:
        # Non-blocking: an empty read means "no writer yet" until data has come.
        fd = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
        reader_ready.set()
        data = b""
        deadline = time.monotonic() + 20
        try:
            while time.monotonic() < deadline:
                try:
                    chunk = os.read(fd, 65536)
                except BlockingIOError:
                    chunk = None
                if chunk:
                    data += chunk
                elif chunk == b"" and data:
                    break
                else:
                    time.sleep(0.01)
        finally:
            os.close(fd)
        got.append(data)

    t = threading.Thread(target=read)
    t.start()
    reader_ready.wait(10)
    write_atomic(fifo, b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")
    t.join(10)
    assert got == [b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"]
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert [p.name for p in tmp_path.iterdir()] == ["kalender.ics"]


def test_fifo_nobody_reads_is_an_error_not_a_hang(tmp_path: Path) -> None:
    fifo = tmp_path / "ingen-leser"
    os.mkfifo(fifo)
    with pytest.raises(OutputError, match="ingen leser fra den"):
        write_atomic(fifo, b"x")
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_character_device_is_written_in_place(tmp_path: Path) -> None:
    """A /dev/null twin made with mknod (root only): it must stay a device node."""
    node = tmp_path / "null"
    try:
        os.mknod(node, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except (PermissionError, AttributeError, OSError):
        pytest.skip("kan ikke lage en enhetsnode her (krever root)")
    write_atomic(node, b"forsvinner")
    assert stat.S_ISCHR(os.lstat(node).st_mode)
    assert [p.name for p in tmp_path.iterdir()] == ["null"]


def test_dev_null_through_the_cli_stays_a_device() -> None:
    result = cli("wheel", "-o", "/dev/null")
    assert result.returncode == 0, result.stderr
    assert stat.S_ISCHR(os.lstat("/dev/null").st_mode)


def test_socket_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "s"
    s = socket.socket(socket.AF_UNIX)
    try:
        s.bind(str(path))
        with pytest.raises(OutputError, match="velg en vanlig fil"):
            write_atomic(path, b"x")
    finally:
        s.close()
    assert stat.S_ISSOCK(os.lstat(path).st_mode)


def test_link_to_a_regular_file_replaces_the_target_and_keeps_the_link(tmp_path: Path) -> None:
    real = tmp_path / "publisert" / "kalender.ics"
    real.parent.mkdir()
    real.write_bytes(b"gammel")
    real.chmod(0o640)
    link = tmp_path / "kalender.ics"
    link.symlink_to(real)
    write_atomic(link, b"ny")
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert real.read_bytes() == b"ny"
    assert real.stat().st_mode & 0o777 == 0o640
    assert sorted(p.name for p in real.parent.iterdir()) == ["kalender.ics"]


def test_dangling_link_is_refused(tmp_path: Path) -> None:
    link = tmp_path / "kalender.ics"
    link.symlink_to(tmp_path / "finnes-ikke.ics")
    with pytest.raises(OutputError, match="symbolsk lenke.*som ikke finnes"):
        write_atomic(link, b"x")
    assert link.is_symlink() and not (tmp_path / "finnes-ikke.ics").exists()


def test_os_errors_are_bokmaal_not_strerror(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import errno

    def full(*args: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(OutputError) as e:
        write_atomic(tmp_path / "ut.ics", b"x")
    assert e.value.message == f"Kan ikke skrive «{tmp_path / 'ut.ics'}»: disken er full."
    assert list(tmp_path.iterdir()) == []


def test_unknown_errno_falls_back_to_its_name() -> None:
    import errno

    from aarshjul.errors import os_feil_tekst

    assert os_feil_tekst(OSError(errno.EROFS, "Read-only file system")) == "filsystemet er skrivebeskyttet"
    assert os_feil_tekst(OSError(errno.ECONNRESET, "Connection reset by peer")) == "systemfeil ECONNRESET"
    assert os_feil_tekst(OSError("uten nummer")) == "ukjent systemfeil"


# --- interrupts with real signals --------------------------------------------------

# A child process that writes one file with write_atomic and is interrupted by a real
# signal at a chosen step. "mkstemp": the signal arrives as mkstemp returns, before the
# old code's try (it left a 0-byte .tmp); "fsync": half-way through writing.
CHILD = r"""
import os, signal, sys, tempfile, time
from pathlib import Path
from aarshjul.storage import interrupts, output

step, signame, target = sys.argv[1], sys.argv[2], Path(sys.argv[3])
signum = getattr(signal, signame)
interrupts.install_signal_handlers()
real_mkstemp, real_fsync = tempfile.mkstemp, os.fsync

def mkstemp(*a, **kw):
    result = real_mkstemp(*a, **kw)
    if step == "mkstemp":
        os.kill(os.getpid(), signum)
    return result

def fsync(fd):
    real_fsync(fd)
    if step == "fsync":
        print("skriver", flush=True)
        time.sleep(30)

tempfile.mkstemp, os.fsync = mkstemp, fsync
try:
    output.write_atomic(target, b"ny kalender\n" * 10000)
except KeyboardInterrupt as e:
    sys.exit(128 + getattr(e, "signum", signal.SIGINT))
sys.exit(0)
"""


@pytest.mark.parametrize("signame", ["SIGINT", "SIGTERM", "SIGHUP"])
@pytest.mark.parametrize("step", ["mkstemp", "fsync"])
def test_a_real_signal_while_writing_leaves_no_temporary_file(tmp_path: Path, step: str, signame: str) -> None:
    if not hasattr(signal, signame):
        pytest.skip(f"{signame} finnes ikke her")
    target = tmp_path / "kalender.ics"
    target.write_bytes(b"gammel\n")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, step, signame, str(target)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, preexec_fn=default_signals,
    )  # fmt: skip
    try:
        if step == "fsync":
            assert child.stdout is not None
            assert child.stdout.readline() == b"skriver\n"
            child.send_signal(getattr(signal, signame))
        _, err = child.communicate(timeout=60)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert child.returncode == 128 + getattr(signal, signame), err
    assert b"Traceback" not in err
    assert [p.name for p in tmp_path.iterdir()] == ["kalender.ics"], "midlertidig fil ble liggende"
    assert target.read_bytes() == b"gammel\n"


def test_an_ignored_hangup_stays_ignored() -> None:
    """nohup: SIGHUP ignored at start stays ignored after install_signal_handlers."""
    code = (
        "import signal; signal.signal(signal.SIGHUP, signal.SIG_IGN);"
        "from aarshjul.storage import interrupts; interrupts.install_signal_handlers();"
        "print(signal.getsignal(signal.SIGHUP) == signal.SIG_IGN,"
        " signal.getsignal(signal.SIGTERM) is interrupts._raise_avbrutt)"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, env=env, timeout=60, text=True)
    assert out.stdout.split() == ["True", "True"], out.stderr


def test_er_lik_is_true_only_for_a_readable_regular_file_with_exactly_those_bytes(tmp_path: Path) -> None:
    """What `ics --alle` and `publiser` leave alone: never a FIFO (not even opened, so
    nothing blocks), a folder, a link or a file that differs in a byte."""
    from aarshjul.storage.output import er_lik

    fil = tmp_path / "a.ics"
    fil.write_bytes(b"BEGIN:VCALENDAR\r\n")
    assert er_lik(fil, b"BEGIN:VCALENDAR\r\n")
    assert not er_lik(fil, b"BEGIN:VCALENDAR\r\nX")  # longer
    assert not er_lik(fil, b"BEGIN:VCALENDAR\r")  # shorter
    assert not er_lik(fil, b"BEGIN:VCALENDAX\r\n")  # same size
    lenke = tmp_path / "lenke.ics"
    lenke.symlink_to(fil)
    assert not er_lik(lenke, b"BEGIN:VCALENDAR\r\n")  # a link is replaced, never read through
    borte = tmp_path / "borte.ics"
    borte.symlink_to(tmp_path / "finnes-ikke")
    assert not er_lik(borte, b"")
    assert not er_lik(tmp_path / "mangler.ics", b"")
    mappe = tmp_path / "mappe.ics"
    mappe.mkdir()
    assert not er_lik(mappe, b"")
    if hasattr(os, "mkfifo"):
        fifo = tmp_path / "fifo.ics"
        os.mkfifo(fifo)
        assert not er_lik(fifo, b"")
