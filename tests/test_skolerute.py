"""Skolerute CSV files (the open-data layout) become ferier; bad files are clear errors."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from aarshjul.errors import PlanError
from aarshjul.model import Ferie
from aarshjul.plan.ferier import Feriekalender, ferie_grunn, les_skolerute


def _csv(tmp_path: Path, text: str, name: str = "skolerute.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_stavanger_layout_with_iso_dates(tmp_path: Path) -> None:
    # Vinterferie 2027 is ISO week 9: Monday 01.03.2027 – Friday 05.03.2027.
    rows = ["dato;skole;elevdag;laererdag;sfodag;kommentar"]
    rows.append("2027-02-26;Fjellbygd skole;Ja;Ja;Ja;")
    rows.append("2027-02-27;Fjellbygd skole;Nei;Nei;Nei;")  # Saturday: not counted
    for d in range(1, 6):
        rows.append(f"2027-03-0{d};Fjellbygd skole;Nei;Nei;Ja;Vinterferie")
    rows.append("2027-03-08;Fjellbygd skole;Ja;Ja;Ja;")
    ferier = les_skolerute(_csv(tmp_path, "\n".join(rows) + "\n"))
    assert ferier == (Ferie("Vinterferie", fra=date(2027, 3, 1), til=date(2027, 3, 5)),)


def test_tolerates_commas_norwegian_dates_lowercase_and_trailing_spaces(tmp_path: Path) -> None:
    text = (
        "\ufeffDato , Skole , Elevdag , Lærerdag , SFOdag , Kommentar \n"
        "18.12.2026 , Fjellbygd skole , ja , ja , ja ,\n"
        "21.12.2026 , Fjellbygd skole , nei , nei , ja , Juleferie \n"
        "22.12.2026,Fjellbygd skole,Nei ,Nei,Nei,Juleferie\n"
        "04.01.2027,Fjellbygd skole,NEI,Ja,Ja,Planleggingsdag\n"
        "05.01.2027,Fjellbygd skole,Ja,Ja,Ja,\n"
    )
    ferier = les_skolerute(_csv(tmp_path, text))
    assert ferier == (
        Ferie("Juleferie", fra=date(2026, 12, 21), til=date(2026, 12, 22)),
        Ferie("Planleggingsdag", fra=date(2027, 1, 4), til=date(2027, 1, 4)),
    )


def test_free_days_across_a_weekend_are_one_ferie(tmp_path: Path) -> None:
    text = (
        "dato;skole;elevdag;laererdag;sfodag;kommentar\n"
        "2027-03-26;A;Nei;Nei;Nei;Påskeferie\n"  # Friday
        "2027-03-29;A;Nei;Nei;Nei;\n"  # Monday: 2. påskedag
        "2027-03-30;A;Nei;Nei;Nei;\n"
    )
    assert les_skolerute(_csv(tmp_path, text)) == (
        Ferie("Påskeferie", fra=date(2027, 3, 26), til=date(2027, 3, 30)),
    )


def test_a_day_free_for_one_school_only_is_no_ferie(tmp_path: Path) -> None:
    text = (
        "dato;skole;elevdag;laererdag;sfodag;kommentar\n"
        "2026-10-05;Nord skole;Nei;Nei;Ja;Høstferie\n"
        "2026-10-05;Sør skole;Ja;Ja;Ja;\n"
        "2026-10-06;Nord skole;Nei;Nei;Ja;Høstferie\n"
        "2026-10-06;Sør skole;Nei;Nei;Ja;Høstferie\n"
    )
    assert les_skolerute(_csv(tmp_path, text)) == (Ferie("Høstferie", fra=date(2026, 10, 6), til=date(2026, 10, 6)),)


def test_unnamed_free_days_are_skolefri(tmp_path: Path) -> None:
    text = "dato,elevdag\n2026-11-13,Nei\n"
    assert les_skolerute(_csv(tmp_path, text)) == (Ferie("skolefri", fra=date(2026, 11, 13), til=date(2026, 11, 13)),)


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("dato;skole;elevdag\n2026-08-19;A;Ja\n2026-13-01;A;Ja\n", 3, "måned 13"),
        ("dato;skole;elevdag\n2026-08-19;A;Ja\n31.02.2027;A;Nei\n", 3, "februar 2027 har 28 dager"),
        ("dato;skole;elevdag\n\n2026-08-19;A;Kanskje\n", 3, "elevdag skal være Ja eller Nei, ikke «Kanskje»"),
        ("dato;skole;elevdag\n2026-08-19;A\n", 2, "linjen har 2 kolonner"),
        ("dato;skole;laererdag\n2026-08-19;A;Ja\n", 1, "mangler kolonnen «elevdag»"),
        ("", None, "er tom"),
    ],
)
def test_bad_file_names_its_own_file_and_line(tmp_path: Path, text: str, line: int | None, words: str) -> None:
    path = _csv(tmp_path, text, "rute.csv")
    with pytest.raises(PlanError) as e:
        les_skolerute(path)
    (problem,) = e.value.problems
    assert problem.path == path
    assert problem.line == line
    assert words in problem.message


def test_missing_and_latin1_files(tmp_path: Path) -> None:
    with pytest.raises(PlanError, match="finnes ikke"):
        les_skolerute(tmp_path / "borte.csv")
    path = tmp_path / "latin1.csv"
    path.write_bytes("dato;elevdag;kommentar\n2026-10-05;Nei;Høstferie\n".encode("latin-1"))
    with pytest.raises(PlanError, match="ikke UTF-8") as e:
        les_skolerute(path)
    assert e.value.problems[0].line == 2


def test_feriekalender_periods_and_iso_weeks() -> None:
    kalender = Feriekalender([
        Ferie("Høstferie", fra=date(2026, 10, 5), til=date(2026, 10, 9)),
        Ferie("Vinterferie", uker=(9,)),
    ])
    assert kalender.ferie_navn(date(2026, 10, 5)) == "Høstferie"
    assert kalender.ferie_navn(date(2026, 10, 12)) is None
    assert kalender.ferie_navn(date(2027, 3, 1)) == "Vinterferie"  # Monday of week 9, 2027
    assert kalender.ferie_navn(date(2026, 2, 23)) == "Vinterferie"  # Monday of week 9, 2026
    assert kalender.ferie_navn(date(2027, 2, 28)) is None  # Sunday of week 8
    assert ferie_grunn("Vinterferie") == "vinterferie"
    assert ferie_grunn("SFO-fri") == "SFO-fri"


def test_longest_run_counts_an_eight_week_summer() -> None:
    sommer = Feriekalender([Ferie("Sommerferie", uker=tuple(range(26, 34)))])
    assert sommer.lengste_dager() >= 56
    assert Feriekalender().lengste_dager() == 0


def test_each_ferie_names_the_file_and_lines_it_came_from(tmp_path: Path) -> None:
    text = (
        "dato;skole;elevdag;laererdag;sfodag;kommentar\n"
        "2026-10-02;A;Ja;Ja;Ja;\n"
        "2026-10-05;A;Nei;Nei;Ja;Høstferie\n"
        "2026-10-06;A;Nei;Nei;Ja;Høstferie\n"
        "2026-10-07;A;Nei;Nei;Ja;Høstferie\n"
        "2026-11-13;A;Nei;Ja;Ja;Planleggingsdag\n"
    )
    hoest, plan_dag = les_skolerute(_csv(tmp_path, text, "rute-2026-27.csv"))
    assert (hoest.kilde, hoest.fil) == ("rute-2026-27.csv, linje 3–5", "rute-2026-27.csv")
    assert plan_dag.kilde == "rute-2026-27.csv, linje 6"


def test_periods_lay_out_week_rules_per_year_monday_to_friday() -> None:
    kalender = Feriekalender([
        Ferie("Høstferie", fra=date(2026, 10, 5), til=date(2026, 10, 9), kilde="plan.yaml, linje 12"),
        Ferie("Vinterferie", uker=(8, 9), kilde="plan.yaml, linje 13"),
    ])
    perioder = kalender.perioder(date(2026, 8, 1), date(2027, 7, 31))
    assert [(p.navn, p.fra, p.til, p.kilde) for p in perioder] == [
        ("Høstferie", date(2026, 10, 5), date(2026, 10, 9), "plan.yaml, linje 12"),
        # Weeks 8 and 9 of 2027: one period, Monday 22.02 to Friday 05.03.
        ("Vinterferie", date(2027, 2, 22), date(2027, 3, 5), "plan.yaml, linje 13"),
    ]


def test_a_plan_reads_one_skolerute_file_per_school_year(tmp_path: Path) -> None:
    from aarshjul.plan.loader import load_plan

    (tmp_path / "a.csv").write_text("dato;elevdag;kommentar\n2026-10-05;Nei;Høstferie\n", encoding="utf-8")
    (tmp_path / "b.csv").write_text("dato;elevdag;kommentar\n2027-10-04;Nei;Høstferie\n", encoding="utf-8")
    plan_fil = tmp_path / "plan.yaml"
    plan_fil.write_text(
        "plan:\n  navn: P\n  kommune: K\n  ferier_fil: [a.csv, b.csv]\n"
        "virksomheter:\n  skole: {navn: Skolen}\n"
        "tiltak:\n  - id: t\n    navn: T\n    kilde: x\n    ansvar: [skole]\n"
        "    uten_evaluering: test\n    hendelser:\n"
        "      - {id: m, tittel: Møte, type: møte, når: {dato: 01.09.2026}}\n",
        encoding="utf-8",
    )
    plan = load_plan(plan_fil)
    assert plan.ferier_fil == (tmp_path / "a.csv", tmp_path / "b.csv")
    assert [(f.fra, f.kilde) for f in plan.ferier] == [
        (date(2026, 10, 5), "a.csv, linje 2"),
        (date(2027, 10, 4), "b.csv, linje 2"),
    ]


def test_ferier_gjelder_names_who_follows_the_school_calendar() -> None:
    from aarshjul.plan.ferier import foelger_ferier
    from aarshjul.plan.loader import load_plan

    plan = load_plan(Path(__file__).parent / "plans" / "fjellbygd" / "plan.yaml")
    assert foelger_ferier(plan) is None  # no ferier_gjelder: everyone
    # The school follows it; the koordineringsteamet (barnehage, skole, ...) has the
    # school as a member, so its meetings avoid the ferier too; the barnehage does not.
    from dataclasses import replace

    valgt = foelger_ferier(replace(plan, ferier_gjelder=("skole",)))
    assert valgt == frozenset({"skole", "koordineringsteamet"})


def test_ferier_gjelder_must_name_known_virksomheter(tmp_path: Path) -> None:
    from aarshjul.plan.loader import load_plan

    plan_fil = tmp_path / "plan.yaml"
    plan_fil.write_text(
        "plan:\n  navn: P\n  kommune: K\n  ferier_gjelder: [skoler]\n"
        "virksomheter:\n  skole: {navn: Skolen}\n"
        "tiltak:\n  - id: t\n    navn: T\n    kilde: x\n    ansvar: [skole]\n"
        "    uten_evaluering: test\n    hendelser:\n"
        "      - {id: m, tittel: Møte, type: møte, når: {dato: 01.09.2026}}\n",
        encoding="utf-8",
    )
    with pytest.raises(PlanError) as e:
        load_plan(plan_fil)
    assert e.value.problems[0].line == 4
    assert "plan.ferier_gjelder: ukjent virksomhet «skoler». Mente du «skole»?" in e.value.problems[0].message
