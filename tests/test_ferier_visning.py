"""The ferier a reader can see: `aarshjul ferier`, the calendar's month lines, the
site's month tables and the wheel's shading, pinned to Fjellbygd's plan and skolerute
(tests/plans/fjellbygd/): høstferie 05.10.–09.10.2026 (plan and CSV), vinterferie week 9
= 01.03.–05.03.2027 (plan and CSV), juleferie 21.12.2026–01.01.2027 (CSV)."""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import pytest
from conftest import PLANS

from aarshjul.plan.loader import load_plan
from aarshjul.services.ferier import ferieoversikt, ferier_i

FJELLBYGD = PLANS / "fjellbygd" / "plan.yaml"
SVG = "{http://www.w3.org/2000/svg}"


def _fjellbygd_kopi(tmp_path: Path, erstatt: dict[str, str]) -> Path:
    """Fjellbygd's plan and CSV in tmp_path, with text replaced in plan.yaml."""
    shutil.copy(PLANS / "fjellbygd" / "skolerute-2026-27.csv", tmp_path)
    tekst = FJELLBYGD.read_text(encoding="utf-8")
    for gammel, ny in erstatt.items():
        assert gammel in tekst
        tekst = tekst.replace(gammel, ny)
    sti = tmp_path / "plan.yaml"
    sti.write_text(tekst, encoding="utf-8")
    return sti


@pytest.fixture
def bare_perioder(tmp_path: Path) -> Path:
    """Fjellbygd with the two høstferier as its only ferier: 2027/28 has one, 2028/29 none."""
    return _fjellbygd_kopi(tmp_path, {
        "    - {navn: Vinterferie, uker: [9]}\n": "",
        "  ferier_fil: skolerute-2026-27.csv\n": "",
    })  # fmt: skip


@pytest.fixture
def bare_skolen(tmp_path: Path) -> Path:
    """Fjellbygd where only the school follows the school calendar."""
    return _fjellbygd_kopi(tmp_path, {"  ferier_fil: skolerute-2026-27.csv\n":
                                      "  ferier_fil: skolerute-2026-27.csv\n  ferier_gjelder: [skole]\n"})  # fmt: skip


# --- the service ---------------------------------------------------------------------


def test_fjellbygd_2026_27_merges_the_plan_and_the_csv_into_one_row_each() -> None:
    o = ferieoversikt(load_plan(FJELLBYGD), 2026)
    assert (o.fra, o.til) == (date(2026, 8, 1), date(2027, 7, 31))
    assert o.filer == ("plan.yaml", "skolerute-2026-27.csv")
    rader = {(r.navn, r.fra): r for r in o.rader}
    hoest = rader["Høstferie", date(2026, 10, 5)]
    assert (hoest.til, hoest.uker, hoest.skoledager) == (date(2026, 10, 9), (41,), 5)
    assert hoest.kilder == ("plan.yaml, linje 14", "skolerute-2026-27.csv, linje 37–41")
    vinter = rader["Vinterferie", date(2027, 3, 1)]
    assert (vinter.til, vinter.uker, vinter.skoledager) == (date(2027, 3, 5), (9,), 5)
    assert len(vinter.kilder) == 2
    jul = rader["Juleferie", date(2026, 12, 21)]
    # 21.12.2026–01.01.2027: ten weekdays, of which 25.12 and 01.01 are helligdager.
    assert (jul.til, jul.uker, jul.skoledager) == (date(2027, 1, 1), (52, 53), 8)
    assert o.gjelder is None
    assert [r.fra for r in o.rader] == sorted(r.fra for r in o.rader)


def test_a_virksomhet_outside_ferier_gjelder_gets_no_ferier(bare_skolen: Path) -> None:
    plan = load_plan(bare_skolen)
    assert ferier_i(plan, date(2026, 8, 1), date(2027, 8, 1), ["barnevern"]) == []
    skolen = ferier_i(plan, date(2026, 8, 1), date(2027, 8, 1), ["skole"])
    assert skolen and skolen[0].gjelder is not None and "skole" in skolen[0].gjelder
    assert "barnevern" not in skolen[0].gjelder


# --- aarshjul ferier -----------------------------------------------------------------


def test_ferier_lists_each_ferie_with_days_week_school_days_and_source(run) -> None:
    r = run("ferier", "--skoleår", "2026/27", plan=FJELLBYGD)
    assert r.exit_code == 0, r.output
    out = r.stdout
    assert out.startswith("Ferier i BTI Fjellbygd, skoleåret 2026/27 (01.08.2026–31.07.2027)\n")
    assert "Lest fra: plan.yaml, skolerute-2026-27.csv" in out
    assert "05.10.–09.10.2026      Høstferie\n" in out
    assert "uke 41 · 5 skoledager · kilde: plan.yaml, linje 14; skolerute-2026-27.csv, linje 37–41" in out
    assert "01.03.–05.03.2027      Vinterferie\n" in out
    assert "21.12.2026–01.01.2027  Juleferie\n      uke 52–53 · 8 skoledager" in out
    assert out.rstrip().endswith("Gjelder: alle virksomheter.")


def test_ferier_defaults_to_the_current_school_year(run) -> None:
    r = run("ferier", plan=FJELLBYGD, today="15.03.2027")
    assert "skoleåret 2026/27" in r.stdout.splitlines()[0]


def test_ferier_says_whether_a_virksomhet_follows_the_school_calendar(run, bare_skolen: Path) -> None:
    r = run("ferier", "--skoleår", "2026/27", "--virksomhet", "barnevern", "-v", "skole", plan=bare_skolen)
    assert r.exit_code == 0, r.output
    assert "Gjelder: Fjellbygd skole og Koordineringsteamet (plan: ferier_gjelder)." in r.stdout
    assert "Barneverntjenesten følger ikke skoleruta" in r.stdout
    assert "Fjellbygd skole følger skoleruta" in r.stdout


def test_a_school_year_without_ferier_says_so_and_exits_0(run, bare_perioder: Path) -> None:
    har = run("ferier", "--skoleår", "2027/28", plan=bare_perioder)
    assert "04.10.–08.10.2027" in har.stdout and "Ingen ferier" not in har.stdout
    r = run("ferier", "--skoleår", "2028/29", plan=bare_perioder)
    assert r.exit_code == 0
    assert ("OBS: Ingen ferier for skoleåret 2028/29. Møter blir ikke flyttet ut av ferier dette året. "
            "Legg skoleruta for 2028/29 i plan: ferier_fil.") in r.stdout  # fmt: skip
    j = run("ferier", "--skoleår", "2028/29", "--format", "json", plan=bare_perioder)
    assert j.exit_code == 0 and json.loads(j.stdout) == []
    assert "Ingen ferier for skoleåret 2028/29." in j.stderr
    md = run("ferier", "--skoleår", "2028/29", "--format", "markdown", plan=bare_perioder)
    assert "> **Ingen ferier for skoleåret 2028/29." in md.stdout


def test_a_plan_without_ferier_says_how_to_add_them(run, mini_path: Path) -> None:
    r = run("ferier", plan=mini_path)
    assert r.exit_code == 0
    assert "Planen har ingen ferier." in r.stdout
    assert "docs/plan-format.md#ferier-og-ferier_fil-valgfrie" in r.stdout
    assert "Gjelder:" not in r.stdout


def test_ferier_json_is_a_list_of_objects_with_iso_dates(run) -> None:
    r = run("ferier", "--skoleår", "2026/27", "--format", "json", plan=FJELLBYGD)
    assert r.exit_code == 0
    data = json.loads(r.stdout)
    assert isinstance(data, list)
    hoest = next(d for d in data if d["navn"] == "Høstferie")
    assert hoest == {
        "navn": "Høstferie", "fra": "2026-10-05", "til": "2026-10-09", "uker": [41], "skoledager": 5,
        "kilder": ["plan.yaml, linje 14", "skolerute-2026-27.csv, linje 37–41"], "gjelder": None,
    }  # fmt: skip
    assert all(set(d) == set(hoest) for d in data)


def test_ferier_rejects_an_unknown_format(run) -> None:
    r = run("ferier", "--format", "tabell", plan=FJELLBYGD)
    assert r.exit_code == 2
    assert "Velg et av: tekst, markdown, json." in r.stderr


def test_a_ferie_name_with_control_characters_is_shown_inert(run, tmp_path: Path) -> None:
    plan = _fjellbygd_kopi(tmp_path, {"{navn: Høstferie, fra: 05.10.2026":
                                      '{navn: "Høst\\e[31mferie", fra: 05.10.2026'})  # fmt: skip
    r = run("ferier", "--skoleår", "2026/27", plan=plan)
    assert r.exit_code == 0, r.output
    assert "\x1b" not in r.stdout
    assert "Høst\\x1b[31mferie" in r.stdout


# --- calendar ------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["tekst", "markdown"])
def test_calendar_names_the_ferie_of_october_2026(run, fmt: str) -> None:
    r = run("calendar", "--skoleår", "2026/27", "--format", fmt, plan=FJELLBYGD)
    assert r.exit_code == 0
    oktober = r.stdout.split("Oktober 2026", 1)[1].split("November 2026", 1)[0]
    assert "Ferie: Høstferie 05.10.–09.10.2026 (uke 41)" in oktober
    januar = r.stdout.split("Januar 2027", 1)[1].split("Februar 2027", 1)[0]
    assert "Juleferie 21.12.2026–01.01.2027 (uke 52–53)" in januar  # a ferie in two months is in both


def test_calendar_table_gives_the_ferie_a_row(run) -> None:
    r = run("calendar", "--skoleår", "2026/27", "--format", "tabell", plan=FJELLBYGD)
    linjer = r.stdout.splitlines()
    i = next(i for i, line in enumerate(linjer) if "05.10.–09.10.2026" in line)
    assert "Ferie" in linjer[i] and "Høstferie (uke 41)" in linjer[i]
    # The ferie is the month's first row: on the month's line, or right under it when
    # the table is compact (the month on a line of its own).
    assert "Oktober 2026" in linjer[i] or linjer[i - 1].strip() == "Oktober 2026"


def test_calendar_for_a_virksomhet_outside_ferier_gjelder_has_no_ferie_lines(run, bare_skolen: Path) -> None:
    alle = run("calendar", "--skoleår", "2026/27", "--format", "tekst", plan=bare_skolen).stdout
    assert ("Ferie: Høstferie 05.10.–09.10.2026 (uke 41); gjelder Fjellbygd skole og Koordineringsteamet"
            in alle)  # fmt: skip
    skole = run("calendar", "--skoleår", "2026/27", "--format", "tekst", "-v", "skole", plan=bare_skolen).stdout
    assert "Ferie: Høstferie 05.10.–09.10.2026 (uke 41)\n" in skole
    barnevern = run("calendar", "--skoleår", "2026/27", "--format", "tekst", "-v", "barnevern", plan=bare_skolen)
    assert "Ferie:" not in barnevern.stdout


def test_calendar_of_a_plan_without_ferier_has_no_ferie_lines(run) -> None:
    r = run("calendar", "--skoleår", "2026/27", "--format", "tekst")
    assert r.exit_code == 0 and "Ferie:" not in r.stdout


# --- the wheel -----------------------------------------------------------------------


def _wheel(run, *args: str, plan: Path | None = FJELLBYGD) -> ET.Element:
    r = run("wheel", "--skoleår", "2026/27", *args, "-o", "-", plan=plan, today="07.12.2026")
    assert r.exit_code == 0, r.output
    return ET.fromstring(r.stdout_bytes)


def test_the_wheel_shades_each_ferie_with_a_title(run) -> None:
    root = _wheel(run)
    ferier = root.findall(f".//{SVG}g[@class='ferie']")
    titler = [g.findtext(f"{SVG}title") for g in ferier]
    assert "Høstferie 05.10.–09.10.2026" in titler
    assert "Vinterferie 01.03.–05.03.2027" in titler
    assert titler.count("Høstferie 05.10.–09.10.2026") == 1  # plan and CSV: one sector
    hoest = next(g for g in ferier if g.get("data-fra") == "2026-10-05")
    assert hoest.get("data-til") == "2026-10-09"
    assert len(hoest.findall(f"{SVG}path")) == 2
    # Under the markers: the ferier's layer comes before theirs.
    lag = [g.get("class") for g in root.findall(f"{SVG}g")]
    assert lag.index("ferier") < lag.index("forekomster")
    assert lag.index("ferier") < lag.index("ring-labels")
    desc = root.findtext(f"{SVG}desc") or ""
    assert "Skoleferier (skyggelagt i hjulet): Planleggingsdag 17.08.–18.08.2026; Høstferie 05.10.–09.10.2026;" in desc
    legend = "".join(root.find(f".//{SVG}g[@class='legend']").itertext())  # type: ignore[union-attr]
    assert "Skyggelagt: skoleferie" in legend


def test_a_wheel_without_ferier_has_no_shading(run) -> None:
    root = _wheel(run, "--virksomhet", "barnehage", plan=None)
    assert root.find(f".//{SVG}g[@class='ferier']") is None
    assert "Skoleferier" not in (root.findtext(f"{SVG}desc") or "")


def test_the_wheel_of_a_virksomhet_outside_ferier_gjelder_is_not_shaded(run, bare_skolen: Path) -> None:
    assert _wheel(run, "-v", "skole", plan=bare_skolen).find(f".//{SVG}g[@class='ferier']") is not None
    assert _wheel(run, "-v", "barnevern", plan=bare_skolen).find(f".//{SVG}g[@class='ferier']") is None


# --- the site ------------------------------------------------------------------------


def test_the_site_names_the_ferier_month_by_month(bare_skolen: Path) -> None:
    from aarshjul.render.site import render_site
    from aarshjul.services.publish import lag_nettsted

    plan = load_plan(bare_skolen)
    filer = render_site(lag_nettsted(plan, date(2026, 12, 7), ("skole", "barnevern"), {}, None))
    forside = filer["index.html"].decode()
    oktober = forside.split("<h3>Oktober 2026</h3>", 1)[1].split("<h3>", 1)[0]
    assert ('<p class="ferie">Ferie: Høstferie 05.10.–09.10.2026 (uke 41); gjelder Fjellbygd skole og '
            "Koordineringsteamet</p>") in oktober  # fmt: skip
    skole = filer["virksomhet-skole.html"].decode()
    assert '<p class="ferie">Ferie: Høstferie 05.10.–09.10.2026 (uke 41)</p>' in skole
    assert 'class="ferie"' not in filer["virksomhet-barnevern.html"].decode()
