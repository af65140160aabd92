"""Issue 16: a plan cache that cannot be read is no cache, whatever is wrong with it;
AARSHJUL_CACHE=off|false|no|nei turns it off; root with another user's HOME leaves no
root-owned cache there."""

from __future__ import annotations

import os
import pickle
import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import PLANS, REPO

import aarshjul.plan.planfile as planfile


def _setup(tmp_path: Path) -> tuple[Path, Path, bytes]:
    plan = tmp_path / "plan.yaml"
    shutil.copy(PLANS / "mini.yaml", plan)
    cache = tmp_path / "cache"
    planfile.load_plan_cached(plan, cache)
    [fil] = cache.iterdir()
    return plan, fil, fil.read_bytes()


def test_a_frame_length_overflow_is_no_cache(tmp_path: Path) -> None:
    """The bytes that raised OverflowError («FRAME length exceeds…») in pickle."""
    plan, fil, blob = _setup(tmp_path)
    key_len = len(planfile._key(plan, plan.read_bytes()))
    body = b"\x80\x05\x95" + (2**63 - 1).to_bytes(8, "little") + b"."
    fil.write_bytes(blob[:key_len] + planfile._hash(body, planfile._DIGEST) + body)  # even with a right digest
    assert planfile.load_plan_cached(plan, tmp_path / "cache").navn == "Testplan"


@pytest.mark.parametrize("seed", range(40))
def test_random_damage_is_never_unpickled(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seed: int) -> None:
    plan, fil, blob = _setup(tmp_path)
    rng = random.Random(seed)
    data = bytearray(blob)
    for _ in range(rng.randint(1, 8)):
        kind = rng.choice(["flip", "cut", "insert"])
        at = rng.randrange(len(data))
        if kind == "flip":
            data[at] ^= 1 << rng.randrange(8)
        elif kind == "cut":
            del data[at : at + rng.randint(1, 64)]
        else:
            data[at:at] = rng.randbytes(rng.randint(1, 16))
    if bytes(data) == blob:
        pytest.skip("ingen endring")
    fil.write_bytes(bytes(data))
    unpickled: list[int] = []
    real = pickle.loads
    monkeypatch.setattr(pickle, "loads", lambda b, *a, **k: unpickled.append(1) or real(b, *a, **k))
    assert planfile.load_plan_cached(plan, tmp_path / "cache").navn == "Testplan"
    assert unpickled == [], "en skadet cachefil ble gitt til pickle"


def test_the_console_survives_a_damaged_cache(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO), "XDG_CACHE_HOME": str(tmp_path / "xdg"), "NO_COLOR": "1"}
    env.pop("AARSHJUL_CACHE", None)
    argv = [sys.executable, "-m", "aarshjul", "--plan", str(PLANS / "mini.yaml"), "--today", "25.11.2026", "next"]
    first = subprocess.run(argv, capture_output=True, env=env, timeout=60)
    assert first.returncode == 0, first.stderr
    [fil] = (tmp_path / "xdg" / "aarshjul").iterdir()
    fil.write_bytes(fil.read_bytes()[:-7] + b"\xff" * 7)
    second = subprocess.run(argv, capture_output=True, env=env, timeout=60)
    assert second.returncode == 0 and second.stdout == first.stdout, second.stderr
    assert b"Traceback" not in second.stderr


@pytest.mark.parametrize("value", ["0", "off", "OFF", "false", "False", "no", "nei", "Nei", " av "])
def test_cache_can_be_turned_off_in_words(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, value: str) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setenv("AARSHJUL_CACHE", value)
    assert planfile.cache_folder() is None


@pytest.mark.parametrize("value", ["", "1", "on", "ja"])
def test_other_values_keep_the_cache(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, value: str) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setenv("AARSHJUL_CACHE", value)
    assert planfile.cache_folder() == tmp_path / "aarshjul"


def test_root_with_another_users_home_creates_no_cache_there(tmp_path: Path) -> None:
    if os.geteuid() != 0:
        pytest.skip("krever root")
    home = tmp_path / "alice"
    home.mkdir()
    os.chown(home, 65534, 65534)  # nobody's home
    env = {**os.environ, "PYTHONPATH": str(REPO), "HOME": str(home), "NO_COLOR": "1"}
    env.pop("XDG_CACHE_HOME", None)
    env.pop("AARSHJUL_CACHE", None)
    argv = [sys.executable, "-m", "aarshjul", "--plan", str(PLANS / "mini.yaml"), "--today", "25.11.2026", "next"]
    result = subprocess.run(argv, capture_output=True, env=env, timeout=60)
    assert result.returncode == 0, result.stderr
    assert list(home.iterdir()) == [], "root laget en cache i en annens hjemmemappe"


def test_own_home_still_gets_a_cache(tmp_path: Path) -> None:
    home = tmp_path / "meg"
    home.mkdir()
    plan = tmp_path / "plan.yaml"
    shutil.copy(PLANS / "mini.yaml", plan)
    folder = home / ".cache" / "aarshjul"
    planfile.load_plan_cached(plan, folder)
    assert len(list(folder.iterdir())) == 1
