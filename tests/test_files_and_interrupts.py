"""Output files are replaced atomically or not at all, and Ctrl-C exits quietly.

For both file writers (ics, wheel): a failure at any step of writing, a bug in the
renderer or Ctrl-C half-way leaves an existing file exactly as it was and no temporary
file behind; a missing or read-only folder is a clear bokmål error with exit code 2.
"""

from __future__ import annotations

import errno
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
import typer
from conftest import PLANS, REPO, default_signals
from otheruser import run_as_other_user, skip_unless_other_user_can_run

MINI = PLANS / "mini.yaml"
COMMANDS = ("next", "calendar", "tiltak", "virksomheter", "check", "ics", "digest", "wheel")
# The writers, with the module and function that renders their bytes.
WRITERS = {
    "ics": ("ut.ics", "aarshjul.render.ics", "render_ics"),
    "wheel": ("ut.svg", "aarshjul.render.svg", "render_svg"),
}
OLD = b"den forrige eksporten, som abonnentene har\n"


def existing_commands() -> set[str]:
    from aarshjul.cli import app

    return set(typer.main.get_command(app).commands)


def require(command: str) -> None:
    if command not in existing_commands():
        pytest.skip(f"kommandoen «{command}» finnes ikke ennå")


def argv(command: str, out: Path | str) -> list[str]:
    return [command, "-o", str(out)] if command in WRITERS else [command]


def old_file(folder: Path, command: str, mode: int = 0o640) -> Path:
    path = folder / WRITERS[command][0]
    path.write_bytes(OLD)
    path.chmod(mode)
    return path


def no_traceback(result) -> None:
    assert "Traceback" not in result.stdout + result.stderr


# --- atomic writes -------------------------------------------------------------------


@pytest.mark.parametrize("command", WRITERS)
def test_success_replaces_the_file_and_keeps_its_mode(run, tmp_path: Path, command: str) -> None:
    require(command)
    path = old_file(tmp_path, command)
    result = run(*argv(command, path), plan=MINI)
    assert result.exit_code == 0, result.output
    data = path.read_bytes()
    assert data != OLD and data.startswith(b"BEGIN:VCALENDAR" if command == "ics" else b"<")
    assert path.stat().st_mode & 0o777 == 0o640
    assert [p.name for p in tmp_path.iterdir()] == [path.name]


@pytest.mark.parametrize("step", ["replace", "fsync", "chmod"])
@pytest.mark.parametrize("command", WRITERS)
def test_os_failure_while_writing_leaves_the_old_file(
    run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: str, step: str
) -> None:
    require(command)
    path = old_file(tmp_path, command)

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, step, full)
    result = run(*argv(command, path), plan=MINI)
    monkeypatch.undo()
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(f"Feil: Kan ikke skrive «{path}»")
    no_traceback(result)
    assert path.read_bytes() == OLD
    assert [p.name for p in tmp_path.iterdir()] == [path.name], "midlertidig fil ble liggende"


@pytest.mark.parametrize("command", WRITERS)
def test_renderer_bug_leaves_the_old_file(run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: str) -> None:
    require(command)
    import importlib

    _, module, function = WRITERS[command]
    path = old_file(tmp_path, command)

    def bug(*args: object, **kwargs: object) -> bytes:
        raise RuntimeError("feil midt i tegningen")

    monkeypatch.setattr(importlib.import_module(module), function, bug)
    result = run(*argv(command, path), plan=MINI)
    assert isinstance(result.exception, RuntimeError)  # a bug is a bug, not a bokmål message
    assert path.read_bytes() == OLD
    assert [p.name for p in tmp_path.iterdir()] == [path.name]


@pytest.mark.parametrize("command", WRITERS)
def test_ctrl_c_while_writing_leaves_the_old_file(run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: str) -> None:
    require(command)
    path = old_file(tmp_path, command)
    real_fsync = os.fsync

    def interrupted(fd: int) -> None:
        real_fsync(fd)
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupted)
    result = run(*argv(command, path), plan=MINI)
    monkeypatch.undo()
    assert result.exit_code == 130, result.output
    assert result.stdout == "" and result.stderr == ""
    assert path.read_bytes() == OLD
    assert [p.name for p in tmp_path.iterdir()] == [path.name]


@pytest.mark.parametrize("command", WRITERS)
def test_missing_folder_is_a_clear_error(run, tmp_path: Path, command: str) -> None:
    require(command)
    target = tmp_path / "finnes-ikke" / WRITERS[command][0]
    result = run(*argv(command, target), plan=MINI)
    assert result.exit_code == 2, result.output
    assert result.stderr == (
        f"Feil: Mappen «{target.parent}» finnes ikke. Opprett den først, eller velg en annen sti.\n"
    )
    assert result.stdout == ""
    assert not target.parent.exists()


@pytest.mark.parametrize("command", WRITERS)
def test_folder_as_target_is_a_clear_error(run, tmp_path: Path, command: str) -> None:
    require(command)
    result = run(*argv(command, tmp_path), plan=MINI)
    assert result.exit_code == 2, result.output
    assert result.stderr == f"Feil: «{tmp_path}» er en mappe; oppgi et filnavn.\n"
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("command", WRITERS)
def test_read_only_folder_is_a_clear_error(run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: str) -> None:
    """Through CliRunner: real mode bits when not root; as root (which may write anyway)
    the denial is simulated where write_atomic creates its temporary file."""
    require(command)
    folder = tmp_path / "skrivebeskyttet"
    folder.mkdir()
    path = old_file(folder, command)
    folder.chmod(0o555)
    if os.geteuid() == 0:
        def denied(*args: object, **kwargs: object) -> tuple[int, str]:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))

        monkeypatch.setattr(tempfile, "mkstemp", denied)
    try:
        result = run(*argv(command, path), plan=MINI)
    finally:
        folder.chmod(0o755)
    assert result.exit_code == 2, result.output
    assert result.stderr == f"Feil: Mangler skrivetilgang til mappen «{folder}».\n"
    assert path.read_bytes() == OLD


@pytest.mark.parametrize("command", WRITERS)
def test_read_only_folder_for_real(command: str) -> None:
    """A real process that is not root writing into a folder it may only read."""
    require(command)
    folder = Path(tempfile.mkdtemp(prefix="aarshjul-skriv-"))
    try:
        folder.chmod(0o755)
        plan = folder / "plan.yaml"
        shutil.copy(MINI, plan)
        skip_unless_other_user_can_run(plan)
        target = old_file(folder, command, mode=0o644)
        if os.geteuid() != 0:
            folder.chmod(0o555)
        result = run_as_other_user("--plan", str(plan), *argv(command, target))
        folder.chmod(0o755)
        assert result.returncode == 2, result
        assert result.stderr == f"Feil: Mangler skrivetilgang til mappen «{folder}».\n"
        assert target.read_bytes() == OLD
    finally:
        folder.chmod(0o755)
        shutil.rmtree(folder, ignore_errors=True)


# --- Ctrl-C --------------------------------------------------------------------------


@pytest.mark.parametrize("command", COMMANDS)
def test_ctrl_c_inside_a_command_exits_130_quietly(run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: str) -> None:
    """KeyboardInterrupt while the plan is read (every command reads it)."""
    require(command)
    import aarshjul.plan.loader

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(aarshjul.plan.loader, "load_plan", interrupted)
    result = run(*argv(command, tmp_path / "ut"), plan=MINI)
    assert result.exit_code == 130, result.output
    assert result.stdout == "" and result.stderr == ""
    assert not (tmp_path / "ut").exists()


@pytest.mark.parametrize("command", ["next", "calendar", "ics", "wheel"])
def test_ctrl_c_inside_expand_exits_130_quietly(run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: str) -> None:
    require(command)
    import aarshjul.engine.expand

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    # Every expansion (expand, iter_expand, whoever calls them) starts here.
    monkeypatch.setattr(aarshjul.engine.expand._Expander, "prepare", interrupted)
    result = run(*argv(command, tmp_path / "ut"), plan=MINI)
    assert result.exit_code == 130, result.output
    assert result.stdout == "" and result.stderr == ""


def test_sigint_to_a_real_process_exits_130_quietly(tmp_path: Path) -> None:
    """`python -m aarshjul` reading its plan from a FIFO that never ends: the process is
    certainly inside the command (blocked reading the plan) when SIGINT arrives."""
    if not hasattr(os, "mkfifo"):
        pytest.skip("mkfifo finnes ikke på denne plattformen")
    fifo = tmp_path / "plan.yaml"
    os.mkfifo(fifo)
    env = {**os.environ, "PYTHONPATH": str(REPO), "NO_COLOR": "1"}
    env.pop("AARSHJUL_PLAN", None)
    child = subprocess.Popen(
        [sys.executable, "-m", "aarshjul", "--plan", str(fifo), "--today", "25.11.2026", "next"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, preexec_fn=default_signals,
    )  # fmt: skip
    writer = None
    try:
        deadline = time.monotonic() + 30
        while writer is None:  # ENXIO until the child has opened the FIFO for reading
            try:
                writer = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
            except OSError as e:
                if e.errno != errno.ENXIO or time.monotonic() > deadline or child.poll() is not None:
                    pytest.skip(f"barneprosessen nådde aldri planfilen: {e}")
                time.sleep(0.02)
        os.write(writer, b"plan:\n")  # a first piece; the rest never comes
        time.sleep(0.1)
        child.send_signal(signal.SIGINT)
        out, err = child.communicate(timeout=30)
    finally:
        if writer is not None:
            os.close(writer)
        if child.poll() is None:
            child.kill()
            child.wait()
    assert child.returncode == 130, (child.returncode, err)
    assert out == b""
    assert b"Traceback" not in err and b"KeyboardInterrupt" not in err
    assert err == b""
