"""-o is --ut in every command that writes a file; --output, the older name in kvitter and
rapport, still works (hidden), so crontabs written for it keep running."""

from __future__ import annotations

import re
from pathlib import Path

from aarshjul.cli import KOMMANDOER


def test_every_command_with_o_calls_it_ut(run) -> None:  # type: ignore[no-untyped-def]
    for navn, _modul, _funksjon in KOMMANDOER:
        hjelp = run(navn, "--help").stdout
        if re.search(r"^\s+-o, ", hjelp, re.M):
            assert re.search(r"^\s+-o, --ut ", hjelp, re.M), navn
        assert "--output" not in hjelp, navn


def test_rapport_writes_the_same_file_with_ut_and_with_output(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ut, output = tmp_path / "ut.md", tmp_path / "output.md"
    assert run("rapport", "--skoleår", "2026/27", "--ut", str(ut)).exit_code == 0
    assert run("rapport", "--skoleår", "2026/27", "--output", str(output)).exit_code == 0
    assert ut.read_bytes().startswith("# Fellesevaluering skoleåret 2026/27\n".encode())
    assert output.read_bytes() == ut.read_bytes()


def test_kvitter_export_follows_output_too(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    db = tmp_path / "k.sqlite"
    kvittert = run("kvitter", "pmto.evaluering 2025/26", "--virksomhet", "skole", "--dato", "20.03.2026",
                   "--db", str(db))  # fmt: skip
    assert kvittert.exit_code == 0, kvittert.output
    fil = tmp_path / "eksport.csv"
    result = run("kvitter", "--eksport", "csv", "--output", str(fil), "--db", str(db))
    assert result.exit_code == 0, result.output
    linjer = fil.read_text(encoding="utf-8-sig").splitlines()
    assert linjer[0].startswith("uid;nokkel;handling;utfort")
    assert len(linjer) == 2 and ";pmto.evaluering.2026-03;kvittert;2026-03-20;" in linjer[1]
