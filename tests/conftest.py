"""Shared fixtures. Tests pass --plan and --today explicitly: nothing depends on the clock."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

HERE = Path(__file__).parent
PLANS = HERE / "plans"
GOLDEN = HERE / "golden"
REPO = HERE.parent

settings.register_profile(
    "ci", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)
settings.register_profile("dev", max_examples=200, deadline=None)
# Long structure-aware fuzzing (tests/test_fuzz.py): HYPOTHESIS_PROFILE=fuzz python -m pytest tests/test_fuzz.py
settings.register_profile(
    "fuzz", max_examples=5000, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", help="Skriv golden-filene på nytt.")


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture
def mini_path() -> Path:
    return PLANS / "mini.yaml"


@pytest.fixture
def mini_plan(mini_path: Path):
    from aarshjul.plan.loader import load_plan

    return load_plan(mini_path)


@pytest.fixture
def real_plan():
    from aarshjul.plan.loader import load_plan
    from aarshjul.plan.planfile import default_plan_path

    return load_plan(default_plan_path())


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory):
    """run("next", "--virksomhet", "barnehage", plan=..., today=...) -> click Result."""
    from typer.testing import CliRunner

    from aarshjul.cli import app

    monkeypatch.delenv("AARSHJUL_PLAN", raising=False)
    # No sign-off database unless a test passes --db: never the user's own, which a
    # test that signs off would otherwise write into.
    monkeypatch.setenv("AARSHJUL_DB", str(tmp_path_factory.mktemp("db") / "ingen.sqlite"))
    monkeypatch.delenv("NO_COLOR", raising=False)
    # Nor the user's aarshjul.toml: a test that needs one passes --config.
    monkeypatch.delenv("AARSHJUL_CONFIG", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path_factory.mktemp("config")))
    runner = CliRunner()

    def _run(*args: str, plan: Path | str | None = None, today: str | None = "25.11.2026", **kw):
        argv: list[str] = []
        if plan is not None:
            argv += ["--plan", str(plan)]
        if today is not None:
            argv += ["--today", today]
        return runner.invoke(app, [*argv, *args], **kw)

    return _run


# --- expectations from a new process ------------------------------------------------------
# "Render twice and compare" in one process cannot see state that outlives a call (a
# module-level cache keyed on too little); a new interpreter has none of it.


def _env(tmp_path: Path) -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(REPO), "NO_COLOR": "1", "XDG_CACHE_HOME": str(tmp_path / "cache")}
    env["AARSHJUL_DB"] = str(tmp_path / "ingen.sqlite")  # as the run fixture: no sign-off database
    env.pop("AARSHJUL_PLAN", None)
    return env


def python_in_new_process(tmp_path: Path, code: str) -> bytes:
    """stdout of `python -c code`; the code may import tests' helpers (tests/ is on the path)."""
    env = _env(tmp_path)
    env["PYTHONPATH"] = os.pathsep.join([str(REPO), str(HERE)])
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, env=env, timeout=120, cwd=tmp_path)
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    return result.stdout


def aarshjul_in_new_process(tmp_path: Path, *args: str, today: str = "25.11.2026") -> bytes:
    """stdout of `python -m aarshjul --today TODAY args`, the run fixture's command in a new process."""
    cmd = [sys.executable, "-m", "aarshjul", "--today", today, *args]
    result = subprocess.run(cmd, capture_output=True, env=_env(tmp_path), timeout=120, cwd=tmp_path)
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    return result.stdout


def default_signals() -> None:
    """preexec_fn for a child that a test interrupts with a signal.

    A child inherits ignored signals: under `nohup` SIGINT and SIGHUP are ignored, and in
    a background job of a non-interactive shell SIGINT is. Python then installs no
    KeyboardInterrupt handler, the signal the test sends does nothing, and the test waits
    for a child that never stops. Back to the default action, the child behaves as when
    started from a terminal."""
    for name in ("SIGINT", "SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.SIG_DFL)


def assert_golden(path: Path, data: bytes, update: bool) -> None:
    """Compare bytes with a golden file; `pytest --update-golden` rewrites it for review."""
    if update or not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        if not update:
            pytest.fail(f"golden-filen {path.name} fantes ikke og er skrevet; se over den og kjør igjen")
    assert data == path.read_bytes(), f"avvik fra {path}; kjør pytest --update-golden og se på diffen"


def skoleruter_kopi(tmp_path: Path, gammel: str = "", ny: str = "", csv: dict[str, str] | None = None) -> Path:
    """tests/plans/skoleruter (a plan with a skolerute per school year) copied into
    tmp_path, with `gammel` replaced by `ny` once in plan.yaml and rows added to CSV
    files; the copied plan.yaml."""
    for fil in (PLANS / "skoleruter").iterdir():
        shutil.copy(fil, tmp_path / fil.name)
    plan_fil = tmp_path / "plan.yaml"
    tekst = plan_fil.read_text(encoding="utf-8")
    if gammel:
        assert gammel in tekst
        plan_fil.write_text(tekst.replace(gammel, ny, 1), encoding="utf-8")
    for navn, rader in (csv or {}).items():
        with (tmp_path / navn).open("a", encoding="utf-8") as f:
            f.write(rader)
    return plan_fil
