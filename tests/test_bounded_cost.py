"""What one long value can cost is bounded, counted in work, not wall-clock.

A 40,000-character name took 47 s in the wheel (labels shortened one character at a
time) and a 4 MB title minutes in `next`. Shown text is cut to MAKS_LINJE before any
renderer wraps or measures it, and the wheel's label fitting measures at most a few
widths' worth of characters per label.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from aarshjul.render import svg
from aarshjul.render.common import MAKS_LINJE, MAKS_TEKST, one_line, sanitize


def _plan(tmp_path: Path, navn: str) -> Path:
    path = tmp_path / "lang.yaml"
    path.write_text(
        f"""plan:
  navn: Lang
  kommune: Test
  uid_domene: test.example.no
virksomheter:
  skole:
    navn: Skole
tiltak:
  - id: t
    navn: "{navn}"
    kilde: "7.1"
    ansvar: [skole]
    hendelser:
      - id: h
        tittel: "{navn}"
        type: frist
        når: {{måneder: [januar, mars, mai, august, oktober, desember], dag: 15}}
""",
        encoding="utf-8",
    )
    return path


def test_one_line_and_sanitize_cut_long_text() -> None:
    assert len(one_line("a" * 4_000_000)) == MAKS_LINJE
    assert one_line("a" * 4_000_000).endswith("…")
    assert len(one_line("ord " * 1_000_000)) == MAKS_LINJE
    assert len(sanitize("\x1b" * 100_000)) == MAKS_TEKST
    assert one_line("SAMBA-møte") == "SAMBA-møte"


@pytest.mark.parametrize("shape", ["ett ord", "mange ord"])
def test_wheel_labels_measure_a_bounded_number_of_characters(
    run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, shape: str
) -> None:
    navn = "x" * 40_000 if shape == "ett ord" else ("Langt navn " * 4000)[:40_000]
    measured = [0]
    real = svg._text_width

    def counting(tekst: str, size: float, *, fet: bool = False) -> float:
        measured[0] += len(tekst)
        return real(tekst, size, fet=fet)

    monkeypatch.setattr(svg, "_text_width", counting)
    result = run("wheel", "--år", "2026", "-o", "-", plan=_plan(tmp_path, navn), today="01.12.2026")
    assert result.exit_code == 0, result.output
    # One character at a time this was ~800 million characters measured.
    assert measured[0] < 500_000, measured[0]
    assert len(result.stdout) < 200_000  # tooltips repeat the name cut to MAKS_LINJE, not whole


def test_truncate_is_the_longest_prefix_that_fits() -> None:
    for n in (0, 1, 5, 17, 200):
        tekst = "Evaluering av SAMBA-møtet " * 8
        bredde = 10.0 * n
        got = svg._truncate(tekst, 10, bredde)
        # What the old one-character-at-a-time loop gave:
        old = tekst
        if svg._text_width(old, 10) > bredde:
            while old and svg._text_width(old + "…", 10) > bredde:
                old = old[:-1]
            old = old.rstrip(" ,–-") + "…"
        assert got == old, (n, got, old)


@pytest.mark.parametrize("args", [("next", "--dager", "400"), ("calendar", "--år", "2026"), ("digest",)])
def test_a_huge_title_costs_little_in_the_text_commands(run, tmp_path: Path, args: tuple[str, ...]) -> None:
    navn = ("Langt navn " * 200_000)[:2_000_000]
    result = run(*args, "--format", "tekst", plan=_plan(tmp_path, navn), today="01.12.2026")
    assert result.exit_code == 0, result.output
    assert len(result.stdout) < 100_000
