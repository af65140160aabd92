"""The plan keys another kommune needs — ferier, unngå_ferier, uker, etter "dd.mm", sted,
kortnavn/url, uten_evaluering — and check's file-line order."""

from __future__ import annotations

import textwrap
from datetime import date
from pathlib import Path

import pytest

from aarshjul.engine.check import find_warnings
from aarshjul.engine.expand import expand
from aarshjul.errors import PlanError
from aarshjul.plan.loader import load_plan

HEAD = """\
plan:
  navn: Testplan
  kommune: Testkommune
{plan}
virksomheter:
  skole: {{navn: Skole}}
tiltak:
  - id: t
    navn: Tiltak
    kilde: "1"
    ansvar: [skole]
{tiltak}
    hendelser:
{hendelser}
"""


def _plan(tmp_path: Path, hendelser: str, plan: str = "", tiltak: str = ""):
    text = HEAD.format(
        plan=textwrap.indent(textwrap.dedent(plan), "  ") if plan else "",
        tiltak=textwrap.indent(textwrap.dedent(tiltak), "    ") if tiltak else "",
        hendelser=textwrap.indent(textwrap.dedent(hendelser), "      "),
    )
    path = tmp_path / "plan.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _errors(path: Path) -> list[str]:
    with pytest.raises(PlanError) as e:
        load_plan(path)
    return [f"{p.line}: {p.message}" for p in e.value.problems]


EVAL = """\
- id: e
  tittel: Evaluering
  type: evaluering
  når: {dato: 01.06.2027}
"""


def test_a_twelve_week_summer_moves_a_meeting_84_days_and_the_window_still_finds_it(tmp_path: Path) -> None:
    # ISO weeks 23–34 of 2026 are 01.06.–23.08.2026: the June meeting (Monday 01.06.2026)
    # moves to Monday 24.08.2026 — 84 days, beyond expand.MARGIN (70).
    path = _plan(tmp_path, EVAL + """\
- id: m
  tittel: Møte
  type: møte
  når: {måneder: [juni], dag: første mandag}
""", plan="ferier:\n  - {navn: Sommerferie, uker: [23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34]}")
    plan = load_plan(path)
    (f,) = [x for x in expand(plan, date(2026, 8, 24), date(2026, 8, 25)) if x.hendelse_id == "m"]
    assert (f.dato, f.flyttet_fra, f.flyttet_grunn) == (date(2026, 8, 24), date(2026, 6, 1), "sommerferie")
    year = [x for x in expand(plan, date(2026, 1, 1), date(2027, 1, 1)) if x.hendelse_id == "m"]
    halves = [x for a, b in ((date(2026, 1, 1), date(2026, 8, 15)), (date(2026, 8, 15), date(2027, 1, 1)))
              for x in expand(plan, a, b) if x.hendelse_id == "m"]  # fmt: skip
    assert year == halves and [x.dato for x in year] == [date(2026, 8, 24)]


def test_a_frist_can_ask_to_avoid_ferier_and_a_meeting_can_move_earlier(tmp_path: Path) -> None:
    path = _plan(tmp_path, EVAL + """\
- id: f
  tittel: Frist
  type: frist
  når: {dato: 03.03.2027}
  unngå_ferier: ja
- id: m
  tittel: Møte
  type: møte
  når: {dato: 03.03.2027}
  flytt: tidligere
- id: h
  tittel: Møte som hoppes over
  type: møte
  når: {dato: 03.03.2027}
  flytt: hopp_over
""", plan="ferier:\n  - {navn: Vinterferie, fra: 01.03.2027, til: 05.03.2027}")
    got = {f.hendelse_id: f for f in expand(load_plan(path), date(2027, 1, 1), date(2028, 1, 1))}
    assert got["f"].dato == date(2027, 2, 26) and got["f"].flyttet_grunn == "vinterferie"  # Friday before
    assert got["m"].dato == date(2027, 2, 26)
    assert "h" not in got


def test_ferie_then_holiday_names_both(tmp_path: Path) -> None:
    # Påskeferie 22.–26.03.2027, then 2. påskedag 29.03: a meeting on 22.03 lands on 30.03.
    path = _plan(tmp_path, EVAL + """\
- id: m
  tittel: Møte
  type: møte
  når: {dato: 22.03.2027}
""", plan="ferier:\n  - {navn: Påskeferie, fra: 22.03.2027, til: 26.03.2027}")
    (f,) = [x for x in expand(load_plan(path), date(2027, 1, 1), date(2028, 1, 1)) if x.hendelse_id == "m"]
    assert f.dato == date(2027, 3, 30)
    assert f.flyttet_grunn == "påskeferie; 29.03 er 2. påskedag"


@pytest.mark.parametrize(
    ("ferier", "words"),
    [
        ("- {navn: X, fra: 05.10.2026, til: 01.10.2026}", "til (01.10.2026) er før fra (05.10.2026)"),
        ("- {navn: X, fra: 05.10.2026}", "trenger både «fra» og «til»"),
        ("- {navn: X}", "trenger enten «fra» og «til»"),
        ("- {navn: X, uker: [54]}", "uker (hvert element) skal være et helt tall fra 1 til 53"),
        ("- {navn: X, fra: 01.01.2026, til: 31.12.2026}", "feriedager på rad; høyst 120"),
        ("- {navn: X, uker: [9], farge: blå}", "ukjent nøkkel «farge»"),
    ],
)
def test_bad_ferier(tmp_path: Path, ferier: str, words: str) -> None:
    path = _plan(tmp_path, EVAL, plan="ferier:\n" + textwrap.indent(ferier, "  "))
    errors = _errors(path)
    assert any(words in e for e in errors), errors
    assert all(e.split(":")[0] != "None" for e in errors)


def test_bad_ferier_fil_names_the_csv_and_its_line(tmp_path: Path) -> None:
    (tmp_path / "rute.csv").write_text("dato;elevdag\n2026-10-05;Nei\n2026-10-32;Nei\n", encoding="utf-8")
    path = _plan(tmp_path, EVAL, plan="ferier_fil: rute.csv")
    with pytest.raises(PlanError) as e:
        load_plan(path)
    (p,) = e.value.problems
    assert (p.path, p.line) == (tmp_path / "rute.csv", 3)
    assert "finnes ikke" in p.message
    path = _plan(tmp_path, EVAL, plan="ferier_fil: borte.csv")
    assert "skolerute-filen finnes ikke" in str(pytest.raises(PlanError, load_plan, path).value)


@pytest.mark.parametrize(
    ("naar", "words"),
    [
        ("{uker: [9]}", "«uker» trenger «dag»"),
        ("{uker: [9], dag: første mandag}", "med «uker» er dag en ukedag"),
        ("{uker: [9, 9], dag: mandag}", "uke 9 står to ganger"),
        ("{uker: [0], dag: mandag}", "fra 1 til 53"),
        ('{etter: "29.02", innen: 1 uke}', "29.02 finnes ikke hvert år"),
        ('{etter: "15.13", innen: 1 uke}', "måneden må være 1–12"),
        ('{etter: "31.04", innen: 1 uke}', "april har ikke 31 dager"),
        ('{etter: "15.08"}', "«etter» trenger «innen»"),
    ],
)
def test_bad_new_rules(tmp_path: Path, naar: str, words: str) -> None:
    path = _plan(tmp_path, EVAL + f"- id: x\n  tittel: X\n  type: møte\n  når: {naar}\n")
    errors = _errors(path)
    assert any(words in e for e in errors), errors


def test_week_53_only_in_years_that_have_it(tmp_path: Path) -> None:
    path = _plan(tmp_path, EVAL + "- id: x\n  tittel: X\n  type: frist\n  når: {uker: [53], dag: torsdag}\n")
    datoer = [f.dato for f in expand(load_plan(path), date(2025, 1, 1), date(2028, 1, 1)) if f.hendelse_id == "x"]
    assert datoer == [date(2026, 12, 31)]  # 2026 has an ISO week 53; 2025 and 2027 do not


def test_plan_head_names_and_sted(tmp_path: Path) -> None:
    path = _plan(tmp_path, EVAL + "- id: x\n  tittel: X\n  type: møte\n  når: {dato: 02.03.2027}\n  sted: Kantina\n",
                 plan="kortnavn: TI Test\nurl: https://test.example/plan")  # fmt: skip
    plan = load_plan(path)
    assert (plan.kortnavn, plan.url) == ("TI Test", "https://test.example/plan")
    assert [f.sted for f in expand(plan, date(2027, 1, 1), date(2028, 1, 1)) if f.hendelse_id == "x"] == ["Kantina"]


def test_uten_evaluering_silences_the_warning_and_cannot_stand_beside_an_evaluation(tmp_path: Path) -> None:
    moete = "- id: x\n  tittel: X\n  type: møte\n  når: {dato: 02.03.2027}\n"
    plan = load_plan(_plan(tmp_path, moete))
    assert [w.kind.value for w in find_warnings(plan, date(2026, 12, 1))] == ["mangler_evaluering"]
    plan = load_plan(_plan(tmp_path, moete, tiltak='uten_evaluering: "Evalueres i kommunens kvalitetssystem."'))
    assert find_warnings(plan, date(2026, 12, 1)) == []
    errors = _errors(_plan(tmp_path, EVAL, tiltak='uten_evaluering: "Grunn"'))
    assert any("men også en hendelse av typen evaluering" in e for e in errors), errors


def test_check_lists_warnings_in_file_line_order(tmp_path: Path) -> None:
    text = """\
plan:
  navn: Testplan
  kommune: Testkommune
  periode_til: 31.12.2020
virksomheter:
  skole: {navn: Skole}
  ubrukt: {navn: Ubrukt}
tiltak:
  - id: a
    navn: A
    kilde: "1"
    ansvar: [skole]
    hendelser:
      - {id: m, tittel: M, type: møte, når: {dato: 01.03.2027}}
  - id: b
    navn: B
    kilde: "2"
    ansvar: [skole]
    hendelser:
      - {id: m, tittel: M, type: møte, når: {dato: 01.03.2027}}
"""
    path = tmp_path / "plan.yaml"
    path.write_text(text, encoding="utf-8")
    warnings = find_warnings(load_plan(path), date(2026, 12, 1))
    assert [(w.kind.value, w.line) for w in warnings] == [
        ("periode_utloept", None), ("ubrukt_virksomhet", 7), ("mangler_evaluering", 9), ("mangler_evaluering", 15),
    ]
