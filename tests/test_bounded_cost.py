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


# --- publiser: a page's work and the memory of a whole site --------------------------


def _storby(tmp_path: Path, bydeler: int, tiltak: int) -> Path:
    """The bench's synthetic city (bench/storby.py), in a size for a test."""
    import importlib.util

    from conftest import REPO

    spec = importlib.util.spec_from_file_location("storby", REPO / "bench" / "storby.py")
    assert spec is not None and spec.loader is not None
    storby = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(storby)
    path = tmp_path / f"storby-{bydeler}.yaml"
    storby.skriv_storby(path, bydeler, tiltak)
    return path


def _kall_i_lag_nettsted(plan_path: Path) -> int:
    """Python function calls made while choosing every page's rows (counted, not timed)."""
    import sys
    from datetime import date

    from aarshjul.plan.loader import load_plan
    from aarshjul.services.publish import lag_nettsted

    plan = load_plan(plan_path)
    keys = tuple(plan.virksomheter)
    kall = [0]

    def tell(frame, event, arg):  # type: ignore[no-untyped-def]
        if event == "call":
            kall[0] += 1

    sys.setprofile(tell)
    try:
        lag_nettsted(plan, date(2026, 12, 1), keys, {}, None)
    finally:
        sys.setprofile(None)
    return kall[0]


def test_a_pages_rows_cost_grows_with_its_own_rows_not_with_the_other_virksomheter(tmp_path: Path) -> None:
    """Twice the city (twice the virksomheter, each with as many rows) is twice the work
    of choosing the pages' rows, not four times: each page looked through every row of
    the year, and 5,000 virksomheter made that 5,000 x every row."""
    liten = _kall_i_lag_nettsted(_storby(tmp_path, 2, 6))
    stor = _kall_i_lag_nettsted(_storby(tmp_path, 4, 12))
    assert stor < 2.3 * liten, (liten, stor)


def test_publiser_writes_each_page_before_it_makes_the_next(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Memory holds one page, not the site (16,000 files for 5,000 virksomheter)."""
    from datetime import date

    import aarshjul.render.site as site
    import aarshjul.storage.folder as folder
    from aarshjul.plan.loader import load_plan
    from aarshjul.services.publish import publiser

    hendelser: list[str] = []
    ekte_side, ekte_skriv = site._Sider.virksomhet_page, folder.write_in_folder

    def side(self, key, filer):  # type: ignore[no-untyped-def]
        hendelser.append(f"lager {site.virksomhet_side(key)}")
        return ekte_side(self, key, filer)

    def skriv(sti: Path, data: bytes) -> None:
        hendelser.append(f"skriver {sti.name}")
        ekte_skriv(sti, data)

    monkeypatch.setattr(site._Sider, "virksomhet_page", side)
    monkeypatch.setattr(folder, "write_in_folder", skriv)
    plan = load_plan(_storby(tmp_path, 1, 3))
    keys = tuple(plan.virksomheter)
    publiser(plan, tmp_path / "nett", date(2026, 12, 1), keys)
    sider = [h for h in hendelser if h.startswith("lager ")]
    assert len(sider) == len(keys)
    for laget in sider:  # each page is written right after it is made
        i = hendelser.index(laget)
        assert hendelser[i + 1] == laget.replace("lager ", "skriver "), hendelser[i - 2 : i + 3]
    assert [h for h in hendelser if not h.startswith("skriver .")][-1] == "skriver index.html"  # (then manifests)
