"""bench/run.py still runs and prints a row for every target. No timing is asserted here:
timings are read by a person from a full `python bench/run.py`, never checked by a test."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

from conftest import REPO

TARGETS = (
    "next … tekst / python -c pass",
    "next … tekst / khal list today 30d",
    "publiser -o TOM_MAPPE: tid",
    "publiser -o TOM_MAPPE: maks minne",
    "publiser på nytt, uendret: tid",
    "ics --alle -o TOM_MAPPE: tid",
    "ics --alle -o SAMME_MAPPE: tid",
    "publiser 5005 virksomheter: tid",
    "publiser 5005 virksomheter: maks minne",
    "serve: p95 under 32 klienter",
    "serve: feilsvar",
    "serve: tapte eller doble kvitteringer",
    "send storby (én mottaker per virksomhet): tid",
    "send storby: maks minne",
)
VERDICTS = ("oppfylt (", "IKKE OPPFYLT: ", "ikke vurdert: ", "hoppet over")


def _bench_module() -> ModuleType:
    """bench/run.py is a script, not a package: loaded by path (dataclasses need it in sys.modules)."""
    if "bench_run" in sys.modules:
        return sys.modules["bench_run"]
    spec = importlib.util.spec_from_file_location("bench_run", REPO / "bench" / "run.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_run"] = module
    spec.loader.exec_module(module)
    return module


def _khal_installed() -> bool:
    return (Path(sys.executable).parent / "khal").is_file()


def test_quick_benchmark_prints_every_target_row() -> None:
    argv = [sys.executable, str(REPO / "bench" / "run.py"), "--quick", "--runs", "1", "--warmup", "0"]
    result = subprocess.run(argv, capture_output=True, text=True, timeout=600)  # a guard against a hang only; nothing is timed
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert "Maskin:" in out and "Vertens tempo før:" in out and "Vertens tempo etter:" in out
    for row in ("python -c pass (gulv)", "aarshjul next --virksomhet barnehage --format tekst", "aarshjul --help"):
        assert row in out
    for row in ("publiser -o TOM_MAPPE ", "publiser -o SAMME_MAPPE (uendret)", "ics --alle -o TOM_MAPPE ",
                "ics --alle -o SAMME_MAPPE (natten før)"):
        assert row in out
    assert "aarshjul serve (planen som følger med)" in out and "gulv: Flask-rute «ok» på waitress" in out
    assert "ingen tapt eller doblet" in out
    assert "0 nye eller endret" in out  # the second publish found nothing to change

    table = out.split("\nmål ", 1)[1]
    for target in TARGETS:
        row = next(line for line in table.splitlines() if line.startswith(target))
        assert any(v in row for v in VERDICTS), row
    khal_row = next(line for line in table.splitlines() if line.startswith(TARGETS[1]))
    if _khal_installed():
        assert "oppfylt" in khal_row.lower() and "—" not in khal_row
        assert "khal list today 30d (" in out  # the measured row, with its number of events
    else:
        assert "hoppet over" in khal_row
    # --quick measures a small city, so the nightly targets get no verdict
    for target in TARGETS[2:]:
        assert "ikke vurdert: --quick" in next(line for line in table.splitlines() if line.startswith(target))


def test_skipped_parts_still_print_their_target_rows() -> None:
    argv = [sys.executable, str(REPO / "bench" / "run.py"), "--quick", "--runs", "1", "--warmup", "0",
            "--no-khal", "--no-nightly", "--no-huge", "--no-serve", "--no-send"]  # fmt: skip
    result = subprocess.run(argv, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    table = result.stdout.split("\nmål ", 1)[1]
    for target in TARGETS[1:]:
        assert "hoppet over" in next(line for line in table.splitlines() if line.startswith(target))


def test_a_target_says_by_how_much_it_is_missed() -> None:
    bench = _bench_module()
    assert bench.Maal("t", 15.0, " s", 18.0).dom() == "IKKE OPPFYLT: 3.00 s over (+20 %)"
    assert bench.Maal("t", 10.0, "×", 6.9).dom() == "oppfylt (3.10× til gode)"
    assert bench.Maal("t", 5.0, " s", 5.0).dom() == "oppfylt (0.00 s til gode)"
    assert bench.Maal("t", 0.0, "", 2.0, ".0f").dom() == "IKKE OPPFYLT: 2"


def test_the_big_city_has_the_size_of_its_formula(tmp_path: Path) -> None:
    bench = _bench_module()
    plan = tmp_path / "storby.yaml"
    bench.skriv_storby(plan)
    # 15 bydeler × (12 skoler + 20 barnehager + helsestasjon + barnevern + PPT), 3 groups each
    assert bench.tell_plan(plan).startswith("525 virksomheter og 45 grupper, 60 tiltak, 300 hendelser")
