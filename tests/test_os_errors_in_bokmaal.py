"""What the operating system says reaches a user in bokmål, not as its English strerror
(«Not a directory», «Permission denied»): here for the sign-off database and the
skolerute file, through a path whose folder is a file."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import PLANS


def test_a_database_under_a_file_is_reported_in_bokmaal(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "fil").write_text("x")
    db = tmp_path / "fil" / "k.sqlite"
    r = run("kvitter", "pmto.evaluering 2025/26", "--db", str(db))
    assert r.exit_code == 1, r.output
    assert f"{db.parent}: kan ikke lage mappen til kvitteringsdatabasen (finnes allerede)." in r.stderr
    assert "Not a directory" not in r.stderr and "File exists" not in r.stderr


def test_a_skolerute_under_a_file_is_reported_in_bokmaal(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    tekst = (PLANS / "fjellbygd" / "plan.yaml").read_text(encoding="utf-8")
    (tmp_path / "plan.yaml").write_text(tekst.replace("ferier_fil: skolerute-2026-27.csv",
                                                      "ferier_fil: fil/skolerute.csv"), encoding="utf-8")
    (tmp_path / "fil").write_text("x")
    shutil.copy(PLANS / "fjellbygd" / "skolerute-2026-27.csv", tmp_path / "skolerute-2026-27.csv")
    r = run("check", plan=tmp_path / "plan.yaml")
    assert r.exit_code == 1, r.output
    assert "kan ikke lese skolerute-filen (en del av stien er ikke en mappe)." in r.stderr
    assert "Not a directory" not in r.stderr
