"""Loading the plan: the same Plan every time, an edit read at once, errors never hidden."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import PLANS, REPO

from aarshjul.errors import PlanError
from aarshjul.plan.loader import load_plan


def _copy(tmp_path: Path, name: str = "mini.yaml") -> Path:
    plan = tmp_path / "plan.yaml"
    shutil.copy(PLANS / name, plan)
    return plan


def test_loading_twice_gives_the_same_plan(tmp_path: Path) -> None:
    plan_path = _copy(tmp_path)
    first = load_plan(plan_path)
    assert load_plan(plan_path) == first
    assert first.virksomheter["samordningsgruppa"].medlemmer == ("barnehage", "skole", "ppt")


def test_an_edited_plan_is_loaded_again(tmp_path: Path) -> None:
    plan_path = _copy(tmp_path)
    assert load_plan(plan_path).navn == "Testplan"
    plan_path.write_text(plan_path.read_text(encoding="utf-8").replace("navn: Testplan", "navn: Ny plan"),
                         encoding="utf-8")  # fmt: skip
    assert load_plan(plan_path).navn == "Ny plan"


def test_a_plan_with_errors_fails_every_time(tmp_path: Path) -> None:
    plan_path = tmp_path / "plan.yaml"
    plan_path.write_text("plan: [\n", encoding="utf-8")
    for _ in range(2):
        with pytest.raises(PlanError):
            load_plan(plan_path)
    with pytest.raises(PlanError, match="finnes ikke"):
        load_plan(tmp_path / "borte.yaml")


def test_the_console_command_prints_the_same_and_leaves_no_cache(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "AARSHJUL_PLAN"}
    env["XDG_CACHE_HOME"] = str(tmp_path / "xdg")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    argv = [sys.executable, "-m", "aarshjul", "--plan", str(PLANS / "mini.yaml"), "--today", "25.11.2026",
            "next", "--virksomhet", "ppt", "--format", "tekst"]  # fmt: skip
    first = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=60)
    assert first.returncode == 0, first.stderr
    second = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=60)
    assert second.returncode == 0, second.stderr
    assert second.stdout == first.stdout
    assert "Uke 49" in second.stdout and "Ressursteam" in second.stdout
    assert not (tmp_path / "xdg").exists()
