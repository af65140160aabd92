"""bench/run.py still runs and prints its tables (issue 7). No timing is asserted here:
timings are read by a person from a full `python bench/run.py`, never checked by a test."""

from __future__ import annotations

import subprocess
import sys

from conftest import REPO


def test_quick_benchmark_prints_both_tables() -> None:
    argv = [
        sys.executable, str(REPO / "bench" / "run.py"), "--quick", "--runs", "1", "--warmup", "0",
        "--commands", "help", "--sizes", "20", "--years", "1", "--ics", "20",
    ]  # fmt: skip
    result = subprocess.run(argv, capture_output=True, text=True, timeout=600)  # a guard against a hang only; nothing is timed
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert "Maskin:" in out
    for header in ("kommando", "median", "× gulv", "maks minne", "mål", "resultat"):
        assert header in out
    assert "python -c pass (gulv)" in out and "--help" in out
    for header in ("hendelser", "forekomster", "last+utvid", "µs/forekomst"):
        assert header in out
    rad = next(line for line in out.splitlines() if line.split()[:1] == ["20"])
    assert int(rad.split()[3]) > 20  # 20 hendelser give more forekomster than that in a year
    assert "ICS av 20 hendelser" in out
    # issue 17: a cold row beside each warm one, the same sizes as commands, ICS as a command
    assert "  samme, kald (AARSHJUL_CACHE=0)" in out
    assert "Skalering som kommando" in out and "µs/rad" in out and "i prosessen (last+utvid)" in out
    tabell = out.split("Skalering som kommando", 1)[1]
    rad = next(line for line in tabell.splitlines() if line.split()[:1] == ["20"])
    assert int(rad.split()[1]) > 20
    assert "ICS som kommando" in out and "µs per hendelse (hele kommandoen)" in out
