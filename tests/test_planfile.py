"""The plan cache (issue 7): same Plan back, reloaded when anything changes, never trusted blindly."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import PLANS, REPO

import aarshjul.plan.planfile as planfile
from aarshjul.errors import PlanError
from aarshjul.plan.loader import load_plan


@pytest.fixture
def loads(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Every time the cache falls back to plan.load_plan, the path is appended here."""
    calls: list[Path] = []
    real = planfile._load

    def counting(path: Path):  # type: ignore[no-untyped-def]
        calls.append(path)
        return real(path)

    monkeypatch.setattr(planfile, "_load", counting)
    return calls


def _copy(tmp_path: Path, name: str = "mini.yaml") -> Path:
    plan = tmp_path / "plan.yaml"
    shutil.copy(PLANS / name, plan)
    return plan


def test_second_load_comes_from_the_cache_and_is_the_same_plan(tmp_path: Path, loads: list[Path]) -> None:
    plan_path = _copy(tmp_path)
    cache = tmp_path / "cache"
    first = planfile.load_plan_cached(plan_path, cache)
    second = planfile.load_plan_cached(plan_path, cache)
    assert len(loads) == 1
    assert second == first == load_plan(plan_path)
    assert second.virksomheter["samordningsgruppa"].medlemmer == ("barnehage", "skole", "ppt")
    [fil] = cache.iterdir()
    assert fil.suffix == ".pickle" and fil.stat().st_mode & 0o077 == 0
    assert cache.stat().st_mode & 0o077 == 0


def test_an_edited_plan_is_loaded_again(tmp_path: Path, loads: list[Path]) -> None:
    plan_path = _copy(tmp_path)
    cache = tmp_path / "cache"
    assert planfile.load_plan_cached(plan_path, cache).navn == "Testplan"
    plan_path.write_text(plan_path.read_text(encoding="utf-8").replace("navn: Testplan", "navn: Ny plan"),
                         encoding="utf-8")  # fmt: skip
    assert planfile.load_plan_cached(plan_path, cache).navn == "Ny plan"
    assert planfile.load_plan_cached(plan_path, cache).navn == "Ny plan"
    assert len(loads) == 2
    assert len(list(cache.iterdir())) == 1  # one file per plan path, replaced


def test_a_plan_with_errors_is_never_cached(tmp_path: Path) -> None:
    plan_path = tmp_path / "plan.yaml"
    plan_path.write_text("plan: [\n", encoding="utf-8")
    cache = tmp_path / "cache"
    for _ in range(2):
        with pytest.raises(PlanError):
            planfile.load_plan_cached(plan_path, cache)
    assert not cache.exists() or not list(cache.iterdir())
    with pytest.raises(PlanError, match="finnes ikke"):
        planfile.load_plan_cached(tmp_path / "borte.yaml", cache)


def test_damaged_or_writable_cache_files_are_ignored(tmp_path: Path, loads: list[Path]) -> None:
    plan_path = _copy(tmp_path)
    cache = tmp_path / "cache"
    planfile.load_plan_cached(plan_path, cache)
    [fil] = cache.iterdir()
    blob = fil.read_bytes()
    fil.write_bytes(blob[:80] + b"not a pickle")  # the key is intact, the rest is not
    assert planfile.load_plan_cached(plan_path, cache).navn == "Testplan"
    assert len(loads) == 2
    fil.chmod(0o666)  # someone else could have written it: not read
    assert planfile.load_plan_cached(plan_path, cache).navn == "Testplan"
    assert len(loads) == 3


def test_cache_folder_follows_xdg_and_can_be_turned_off(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.delenv("AARSHJUL_CACHE", raising=False)
    assert planfile.cache_folder() == tmp_path / "aarshjul"
    monkeypatch.setenv("XDG_CACHE_HOME", "relativ/sti")  # ignored, as the XDG spec says
    monkeypatch.setenv("HOME", str(tmp_path / "hjem"))
    assert planfile.cache_folder() == tmp_path / "hjem" / ".cache" / "aarshjul"
    monkeypatch.setenv("AARSHJUL_CACHE", "0")
    assert planfile.cache_folder() is None


def test_the_console_command_caches_and_prints_the_same(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("AARSHJUL_PLAN", "AARSHJUL_CACHE")}
    env["XDG_CACHE_HOME"] = str(tmp_path / "xdg")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    argv = [sys.executable, "-m", "aarshjul", "--plan", str(PLANS / "mini.yaml"), "--today", "25.11.2026",
            "next", "--virksomhet", "ppt", "--format", "tekst"]  # fmt: skip
    first = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=60)
    assert first.returncode == 0, first.stderr
    assert len(list((tmp_path / "xdg" / "aarshjul").glob("*.pickle"))) == 1
    second = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=60)
    assert second.returncode == 0, second.stderr
    assert second.stdout == first.stdout
    assert "Uke 49" in second.stdout and "Ressursteam" in second.stdout
