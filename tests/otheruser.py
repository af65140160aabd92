"""Run `python -m aarshjul` as a process that is not root (for the tests of unreadable plans and
unwritable outputs).

Root reads and writes files whatever their permission bits, so tests of "no read
permission" and "read-only folder" need another user. When we are root and setpriv
exists, the child runs as nobody (65534); callers skip when that cannot work here.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def run_as_other_user(*args: str) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "aarshjul", "--today", "25.11.2026", *args]
    if os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("kjører som root uten setpriv: root ser bort fra filrettigheter")
        cmd = [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", *cmd]
    env = {**os.environ, "PYTHONPATH": str(REPO), "NO_COLOR": "1"}
    env.pop("AARSHJUL_PLAN", None)
    return subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=60, cwd="/")


def skip_unless_other_user_can_run(plan: Path) -> None:
    """A control run: the other user must be able to start Python and read `plan`."""
    control = run_as_other_user("--plan", str(plan), "virksomheter")
    if control.returncode != 0:
        last = (control.stderr.strip().splitlines() or ["?"])[-1]
        pytest.skip(f"en annen bruker kan ikke kjøre Python-miljøet her: {last}")
