"""Only regular files are read where a path comes from a user, a plan or a folder others
may write: a FIFO there gets a bokmål message instead of hanging the run (cron's `next`
included), and /dev/zero is never read into memory. Each run is a real process with a
time limit, so a hang fails the test instead of stopping the suite."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import PLANS, REPO, default_signals

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="mkfifo finnes ikke på denne plattformen")


def _aarshjul(tmp_path: Path, *args: str, db: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AARSHJUL")}
    env.update(PYTHONPATH=str(REPO), NO_COLOR="1", AARSHJUL_DB=str(db or tmp_path / "ingen.sqlite"))
    return subprocess.run(
        [sys.executable, "-m", "aarshjul", "--today", "07.12.2026", *args], capture_output=True, text=True,
        env=env, cwd=tmp_path, timeout=60, stdin=subprocess.DEVNULL, preexec_fn=default_signals,
    )  # fmt: skip


def test_a_fifo_as_the_sign_off_database_is_refused_not_waited_on(tmp_path: Path) -> None:
    fifo = tmp_path / "kvitteringer.sqlite"
    os.mkfifo(fifo)
    for args in (["next", "--virksomhet", "barnehage", "--format", "tekst"], ["status"], ["kvitter", "pmto.evaluering 2025/26"]):
        r = _aarshjul(tmp_path, *args, db=fifo)
        assert r.returncode == 1, (args, r.stderr)
        assert f"{fifo}: er en FIFO (navngitt rør), ikke en vanlig fil" in r.stderr, args
        assert "Traceback" not in r.stderr
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_a_fifo_as_the_skolerute_file_is_refused_with_the_plans_line(tmp_path: Path) -> None:
    shutil.copy(PLANS / "fjellbygd" / "plan.yaml", tmp_path / "plan.yaml")
    os.mkfifo(tmp_path / "skolerute-2026-27.csv")
    r = _aarshjul(tmp_path, "--plan", "plan.yaml", "check")
    assert r.returncode == 1, r.stderr
    assert "skolerute-filen er en FIFO (navngitt rør), ikke en vanlig fil." in r.stderr
    assert "Traceback" not in r.stderr


@pytest.mark.parametrize("slag", ["fifo", "dev_zero"])
def test_a_strange_ics_manifest_is_replaced_with_a_warning(tmp_path: Path, slag: str) -> None:
    mappe = tmp_path / "kalender"
    mappe.mkdir()
    manifest = mappe / ".aarshjul-ics.json"
    if slag == "fifo":
        os.mkfifo(manifest)
    else:
        manifest.symlink_to("/dev/zero")
    r = _aarshjul(tmp_path, "ics", "--alle", "-o", str(mappe))
    assert r.returncode == 0, r.stderr
    grunn = "er en FIFO (navngitt rør), ikke en vanlig fil" if slag == "fifo" else "er en symbolsk lenke"
    assert f"«{manifest}» {grunn}" in r.stderr and "SEQUENCE begynner på nytt" in r.stderr
    assert stat.S_ISREG(os.lstat(manifest).st_mode) and manifest.read_bytes().startswith(b"{")


def test_a_fifo_as_the_site_manifest_does_not_stop_publiser(tmp_path: Path) -> None:
    mappe = tmp_path / "nett"
    mappe.mkdir()
    os.mkfifo(mappe / ".aarshjul-nettside.json")
    r = _aarshjul(tmp_path, "publiser", "-o", str(mappe))
    assert r.returncode == 0, r.stderr
    assert stat.S_ISREG(os.lstat(mappe / ".aarshjul-nettside.json").st_mode)


@pytest.mark.parametrize("slag", ["fifo", "dev_zero"])
def test_import_reads_only_a_regular_file(tmp_path: Path, slag: str) -> None:
    kilde = tmp_path / "eksport.json"
    if slag == "fifo":
        os.mkfifo(kilde)
        grunn = "er en FIFO (navngitt rør), ikke en vanlig fil"
    else:
        kilde = Path("/dev/zero")
        grunn = "er en enhet, ikke en vanlig fil"
    r = _aarshjul(tmp_path, "kvitter", "--importer", str(kilde))
    assert r.returncode == 2, r.stderr
    assert f"{kilde}: {grunn}; oppgi en fil laget av «aarshjul kvitter --eksport»." in r.stderr
    assert not (tmp_path / "ingen.sqlite").exists()
