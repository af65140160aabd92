"""The shipped plan works from any directory, and `python -m aarshjul` runs."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO


def _run_outside_repo(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "AARSHJUL_PLAN")}
    return subprocess.run(
        [sys.executable, "-m", "aarshjul", *args], cwd=tmp_path, env=env,
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip


def test_help_and_default_plan_from_another_directory(tmp_path: Path) -> None:
    result = _run_outside_repo(tmp_path, "--help")
    if "No module named aarshjul" in result.stderr:
        pytest.skip("aarshjul er ikke installert i dette miljøet (kjør pip install .)")
    assert result.returncode == 0, result.stderr
    assert "next" in result.stdout and "Eksempel" in result.stdout
    result = _run_outside_repo(tmp_path, "virksomheter")
    assert result.returncode == 0, result.stderr
    assert "barnehage" in result.stdout


def test_default_plan_is_the_repository_plan() -> None:
    from aarshjul.plan.planfile import default_plan_path

    path = default_plan_path()
    assert path.name == "plan.yaml"
    assert path.read_bytes() == (REPO / "data" / "plan.yaml").read_bytes()
