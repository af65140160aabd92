"""`next --format json` from two processes (commands/deling.py, issue 17): the same bytes
as one process, whatever the window; a failed child costs time, not output; the child
never outlives the run."""

from __future__ import annotations

import importlib.util
import os
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
from conftest import PLANS, REPO

from aarshjul.cli import deling
from aarshjul.engine.select import iter_upcoming, upcoming
from aarshjul.plan.loader import load_plan
from aarshjul.render.json import LUKK, LUKK_TOM, iter_rader, iter_rader_uten_ramme

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="os.fork finnes ikke på denne plattformen")

MINI = PLANS / "mini.yaml"


def _aarshjul(*args: str, prosesser: str, plan: Path | None = None, **kwargs: object) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "PYTHONPATH": str(REPO), "NO_COLOR": "1", deling.ENV: prosesser}
    env.pop("AARSHJUL_PLAN", None)
    argv = [sys.executable, "-m", "aarshjul", *(["--plan", str(plan)] if plan else []), "next", *args, "--format", "json"]
    return subprocess.run(argv, capture_output=True, env=env, timeout=120, check=False, **kwargs)  # type: ignore[call-overload]


@pytest.mark.parametrize(
    "args",
    [
        ("--fra", "01.08.2026", "--til", "31.07.2036"),  # ten school years: meetings, etter:, moved dates
        ("--fra", "08.05.2027", "--dager", "14"),  # barnehage's early deadlines come last
        ("-v", "barnehage", "--fra", "08.05.2027", "--dager", "14"),
        ("--fra", "01.08.2026", "--dager", "1"),  # a one-day window: all of it in the second half
        ("--fra", "02.01.2027", "--dager", "2"),  # nothing at all: "[]"
    ],
)
def test_two_processes_write_what_one_writes(args: tuple[str, ...]) -> None:
    en = _aarshjul(*args, prosesser="1")
    to = _aarshjul(*args, prosesser="2")
    assert en.returncode == to.returncode == 0, (en.stderr, to.stderr)
    assert to.stdout == en.stdout and to.stderr == en.stderr == b""
    assert en.stdout.startswith(b"[") and en.stdout.endswith(b"]\n")


def test_the_halves_are_the_whole(real_plan) -> None:  # type: ignore[no-untyped-def]
    """What the two processes each write: cut at any date up to the window's end, the
    rows of (None, d) and then (d, None) are upcoming's, early deadlines last."""
    fra, til = date(2027, 5, 8), date(2027, 5, 22)
    alle = upcoming(real_plan, fra, til, ["barnehage"])
    assert any(r.tidlig_varsel for r in alle)
    for d in (fra, date(2027, 5, 12), til):
        deler = [*iter_upcoming(real_plan, fra, til, ["barnehage"], (None, d)),
                 *iter_upcoming(real_plan, fra, til, ["barnehage"], (d, None))]  # fmt: skip
        assert deler == alle, d


class _FeiletBarn:
    """os.fork as seen from the parent, but the "child" is a process that fails at once
    (as a child would on a full disk under its temporary file)."""

    def __init__(self) -> None:
        self.proc = subprocess.Popen([sys.executable, "-c", "raise SystemExit(1)"])

    def __call__(self) -> int:
        return self.proc.pid


@pytest.mark.parametrize("midt", [date(2026, 8, 1), date(2027, 1, 1), date(2028, 1, 1)])
def test_a_failed_child_costs_time_not_output(real_plan, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, midt: date) -> None:  # type: ignore[no-untyped-def]
    fra, til = date(2026, 8, 1), date(2028, 1, 1)
    monkeypatch.setattr(os, "fork", _FeiletBarn())
    ut_fil = tmp_path / "ut.json"
    with ut_fil.open("w", encoding="utf-8") as ut:
        ok = deling.skriv_delt(
            lambda: iter_rader_uten_ramme(iter_upcoming(real_plan, fra, til, None, (None, midt))),
            lambda: iter_rader_uten_ramme(iter_upcoming(real_plan, fra, til, None, (midt, None))),
            ut, LUKK, LUKK_TOM,
        )  # fmt: skip
    assert ok
    assert ut_fil.read_text(encoding="utf-8") == "".join(iter_rader(upcoming(real_plan, fra, til)))


def test_without_a_file_descriptor_nothing_is_written_and_the_caller_goes_on() -> None:
    import io

    ut = io.StringIO()
    assert not deling.skriv_delt(lambda: ["x"], lambda: ["y"], ut, LUKK, LUKK_TOM)
    assert ut.getvalue() == ""


def test_when_two_processes_are_used(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(deling.ENV, raising=False)
    monkeypatch.setattr(deling, "_prosessorer", lambda: 2)
    assert deling.skal_dele(2000, 3650) and deling.skal_dele(20000, 365)
    shipped = load_plan(REPO / "data" / "plan.yaml")
    assert not deling.skal_dele(sum(len(t.hendelser) for t in shipped.tiltak), 3660)  # --dager at most
    monkeypatch.setattr(deling, "_prosessorer", lambda: 1)
    assert not deling.skal_dele(20000, 3650)
    monkeypatch.setenv(deling.ENV, "2")
    assert deling.skal_dele(1, 1)
    monkeypatch.setenv(deling.ENV, "1")
    monkeypatch.setattr(deling, "_prosessorer", lambda: 2)
    assert not deling.skal_dele(20000, 3650)


def _stor_plan(tmp_path: Path) -> Path:
    """The benchmark's synthetic plan with 2,000 hendelser: ten years take about a second."""
    spec = importlib.util.spec_from_file_location("bench_run", REPO / "bench" / "run.py")
    assert spec and spec.loader
    bench = importlib.util.module_from_spec(spec)
    sys.modules["bench_run"] = bench  # (its dataclasses look their module up)
    spec.loader.exec_module(bench)
    path = tmp_path / "stor.yaml"
    path.write_text(bench.syntetisk_plan(2000), encoding="utf-8")
    return path


def _barn_av(pid: int) -> list[int]:
    try:
        return [int(x) for x in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def _lever(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="trenger /proc (Linux)")
@pytest.mark.parametrize("slutt", ["sigterm", "lukket_rør"])
def test_the_child_never_outlives_the_run(tmp_path: Path, slutt: str) -> None:
    """SIGTERM to this process only (`kill PID`, not the group) or a reader that stops
    (`| head`): the run ends as one process would, and the child is gone."""
    plan = _stor_plan(tmp_path)
    env = {**os.environ, "PYTHONPATH": str(REPO), "NO_COLOR": "1", deling.ENV: "2"}
    env.pop("AARSHJUL_PLAN", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "aarshjul", "--plan", str(plan), "next", "--fra", "01.01.2027", "--til", "31.12.2036",
         "--format", "json"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
    )  # fmt: skip
    try:
        assert proc.stdout is not None
        proc.stdout.read(64 * 1024)  # the first half is being written: the child is at work
        barn: list[int] = []
        frist = time.monotonic() + 30
        while not barn and time.monotonic() < frist:
            barn = _barn_av(proc.pid)
            time.sleep(0.01)
        assert barn, "the run should have a child while it writes"
        if slutt == "sigterm":
            proc.send_signal(signal.SIGTERM)
            proc.stdout.read()
        else:
            proc.stdout.close()
        proc.wait(timeout=60)
        err = proc.stderr.read() if proc.stderr else b""
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    if slutt == "sigterm":
        assert proc.returncode == 143, err
    assert b"Traceback" not in err
    frist = time.monotonic() + 10
    while any(_lever(b) for b in barn) and time.monotonic() < frist:
        time.sleep(0.01)
    assert not any(_lever(b) for b in barn)
