"""Hostile arguments, full and closed streams and real signals on every command:
a bokmål message where one can be written, a non-zero exit, never a traceback."""

from __future__ import annotations

import os
import shlex
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import PLANS, REPO, default_signals

MINI = PLANS / "mini.yaml"
TODAY = "25.11.2026"

# Every command with the arguments that make it produce output on stdout.
STDOUT_RUNS = {
    "next": ["next"],
    "next-json": ["next", "--format", "json"],
    "calendar": ["calendar", "--år", "2026"],
    "tiltak": ["tiltak"],
    "virksomheter": ["virksomheter"],
    "check": ["check"],
    "ics": ["ics", "-o", "-"],
    "digest": ["digest", "--format", "html"],
    "wheel": ["wheel", "-o", "-"],
    # the sign-off commands, with a database that does not exist (read-only: never created)
    "status": ["status", "--db", "/finnes/ikke/kvitteringer.db"],
    "rapport": ["rapport", "--db", "/finnes/ikke/kvitteringer.db"],
}


def sh(command: str, timeout: float = 60) -> subprocess.CompletedProcess[bytes]:
    """`python -m aarshjul --plan mini --today … <command>` through bash, for redirections."""
    env = {**os.environ, "PYTHONPATH": str(REPO), "NO_COLOR": "1"}
    env.pop("AARSHJUL_PLAN", None)
    base = f"{shlex.quote(sys.executable)} -m aarshjul --plan {shlex.quote(str(MINI))} --today {TODAY}"
    return subprocess.run(["bash", "-c", f"{base} {command}"], capture_output=True, env=env, timeout=timeout)


def no_traceback(result: subprocess.CompletedProcess[bytes]) -> None:
    assert b"Traceback" not in result.stdout + result.stderr, result.stderr.decode(errors="replace")


# --- streams ---------------------------------------------------------------------------


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="/dev/full finnes ikke")
@pytest.mark.parametrize("name", STDOUT_RUNS)
def test_stdout_to_a_full_disk_is_a_message_and_exit_1(name: str) -> None:
    args = " ".join(STDOUT_RUNS[name])
    result = sh(f"{args} >/dev/full")
    no_traceback(result)
    assert result.returncode == 1, result.stderr
    assert result.stderr.decode().endswith("Feil: Kan ikke skrive til standard utdata: disken er full.\n")


@pytest.mark.parametrize("name", STDOUT_RUNS)
def test_closed_stdout_is_a_message_and_exit_1(name: str) -> None:
    args = " ".join(STDOUT_RUNS[name])
    result = sh(f"{args} >&-")
    no_traceback(result)
    assert result.returncode == 1, result.stderr
    assert result.stderr.decode().endswith("Feil: Kan ikke skrive til standard utdata: strømmen er lukket.\n")


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="/dev/full finnes ikke")
def test_ics_to_a_file_with_stdout_full_writes_the_file_and_says_so(tmp_path: Path) -> None:
    """`ics -o FIL` prints nothing on stdout (progress goes to a terminal's stderr only),
    so a full stdout does not matter: the file is written, exit 0."""
    target = tmp_path / "f.ics"
    result = sh(f"ics -o {shlex.quote(str(target))} >/dev/full")
    no_traceback(result)
    assert result.returncode == 0, result.stderr
    assert target.read_bytes().startswith(b"BEGIN:VCALENDAR")
    assert result.stderr == b""


def test_closed_stdout_never_lets_a_file_become_fd_1(tmp_path: Path) -> None:
    """With fd 1 closed, the temporary file would get fd 1; nothing meant for the screen
    may end up in the written file."""
    target = tmp_path / "f.ics"
    result = sh(f"ics -o {shlex.quote(str(target))} >&-")
    no_traceback(result)
    data = target.read_bytes()
    assert data.startswith(b"BEGIN:VCALENDAR") and b"Skrev" not in data


@pytest.mark.parametrize("name", ["next", "check", "ics"])
def test_closed_stderr_success_is_exit_0(name: str) -> None:
    result = sh(" ".join(STDOUT_RUNS[name]) + " 2>&-")
    assert result.returncode == 0
    assert result.stdout


@pytest.mark.parametrize("args", ["next --fra 31.12.9999", "--plan /finnes/ikke.yaml next", "ukjent"])
def test_closed_stderr_error_is_still_a_non_zero_exit(args: str) -> None:
    result = sh(f"{args} 2>&-")
    assert result.returncode != 0
    no_traceback(result)


# --- arguments ---------------------------------------------------------------------------

EXTREME_DATES = ["31.12.9999", "01.01.0001", "9999-12-31", "0001-01-01", "31.12.2201", "31.12.1899"]
DATE_RUNS = [
    ("next", "--fra"), ("next", "--til"), ("ics", "--fra"), ("ics", "--til"),
    ("digest", "--fra"), ("status", "--fra"), ("status", "--til"), ("rapport", "--fra"), ("rapport", "--til"),
]  # fmt: skip
# Extra arguments a command needs for the date option to be read at all.
DATE_EXTRA = {
    "ics": ["-o", "-"],
    "status": ["--db", "/finnes/ikke/kvitteringer.db"],
    "rapport": ["--db", "/finnes/ikke/kvitteringer.db"],
}


def existing(run, command: str) -> None:
    if run(command, "--help").exit_code != 0:
        pytest.skip(f"«{command}» finnes ikke ennå")


@pytest.mark.parametrize("value", EXTREME_DATES)
@pytest.mark.parametrize(("command", "option"), DATE_RUNS)
def test_dates_far_out_are_refused_in_bokmaal(run, command: str, option: str, value: str) -> None:
    existing(run, command)
    extra = list(DATE_EXTRA.get(command, []))
    if command in ("status", "rapport"):  # --fra and --til go together there
        extra += ["--til", "31.12.2027"] if option == "--fra" else ["--fra", "01.01.2027"]
    result = run(command, option, value, *extra, plan=MINI)
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.stderr.startswith(f"Feil: {option}: «{value}» er utenfor årene 1900–2200.")


@pytest.mark.parametrize("value", EXTREME_DATES)
def test_today_far_out_is_refused(run, value: str) -> None:
    result = run("next", plan=MINI, today=value)
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(f"Feil: --today: «{value}» er utenfor årene 1900–2200.")


@pytest.mark.parametrize("value", ["01.01.1900", "31.12.2200"])
def test_the_edges_of_the_bound_still_work(run, value: str) -> None:
    for args in (["next", "--fra", value], ["ics", "--fra", value, "-o", "-"], ["digest", "--fra", value]):
        result = run(*args, plan=MINI)
        assert result.exit_code == 0, (args, result.output)


@pytest.mark.parametrize("digit", ["²", "³", "٣", "３", "①"])
@pytest.mark.parametrize(
    ("args", "option"),
    [
        (["calendar", "--år"], "--år"),
        (["wheel", "-o", "-", "--år"], "--år"),
        (["next", "--dager"], "--dager"),
    ],
)
def test_only_ascii_digits_count_as_numbers(run, args: list[str], option: str, digit: str) -> None:
    result = run(*args, f"202{digit}" if option == "--år" else digit, plan=MINI)
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.stderr.startswith(f"Feil: {option}")


def test_an_int_option_speaks_bokmaal(run) -> None:
    result = run("ics", "--måneder", "x", "-o", "-", plan=MINI)
    assert result.exit_code == 2
    assert "is not a valid" not in result.stderr
    assert result.stderr.startswith("Feil: --måneder/--maaneder: «x» er ikke et gyldig tall.")


@pytest.mark.parametrize("where", ["after", "before"])
def test_plan_without_a_value_says_so(where: str) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    argv = ["next", "--plan"] if where == "after" else ["--plan"]
    result = subprocess.run([sys.executable, "-m", "aarshjul", *argv], capture_output=True, env=env, timeout=60)
    assert result.returncode == 2
    assert result.stderr.decode().startswith("Feil: --plan mangler en verdi.")
    assert b"Ukjent valg" not in result.stderr


def test_undecodable_title_bytes_become_replacement_characters(tmp_path: Path) -> None:
    """`wheel --tittel $'\\xff'`: argv bytes that are not UTF-8 (surrogates in Python)."""
    import xml.etree.ElementTree as ET

    target = tmp_path / "hjul.svg"
    result = sh(f"wheel --tittel $'Hjul \\xff\\xfe' -o {shlex.quote(str(target))}")
    no_traceback(result)
    assert result.returncode == 0, result.stderr
    svg = target.read_text(encoding="utf-8")
    assert "Hjul \ufffd\ufffd" in svg
    ET.fromstring(svg.encode("utf-8"))


# --- real signals on a real command -------------------------------------------------------


@pytest.mark.parametrize("signame", ["SIGTERM", "SIGHUP", "SIGINT"])
def test_a_signal_to_a_running_command_exits_128_plus_n_quietly(tmp_path: Path, signame: str) -> None:
    """The plan is a FIFO that never ends, so the command is certainly running when the
    signal comes; SIGTERM and SIGHUP exit like Ctrl-C: quiet, 128 + the signal."""
    fifo = tmp_path / "plan.yaml"
    os.mkfifo(fifo)
    env = {**os.environ, "PYTHONPATH": str(REPO), "NO_COLOR": "1"}
    child = subprocess.Popen(
        [sys.executable, "-m", "aarshjul", "--plan", str(fifo), "--today", TODAY, "ics", "-o", str(tmp_path / "ut.ics")],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, preexec_fn=default_signals,
    )  # fmt: skip
    writer = None
    try:
        deadline = time.monotonic() + 30
        while writer is None:
            try:
                writer = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
            except OSError:
                if time.monotonic() > deadline or child.poll() is not None:
                    pytest.skip("barneprosessen nådde aldri planfilen")
                time.sleep(0.02)
        os.write(writer, b"plan:\n")
        time.sleep(0.2)
        child.send_signal(getattr(signal, signame))
        out, err = child.communicate(timeout=30)
    finally:
        if writer is not None:
            os.close(writer)
        if child.poll() is None:
            child.kill()
            child.wait()
    assert child.returncode == 128 + getattr(signal, signame), err
    assert err == b"" and out == b""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.yaml"]
