"""status and rapport mark every date and owner the plan does not give itself, in every
format, and the report counts what is overdue on our dates apart from the plan's own."""

from __future__ import annotations

import csv
import io
import json

TODAY = "07.12.2026"

# The five rows of the 2026/27 report that are overdue on 07.12.2026: every one rests on a
# date we chose, none on a date the plan sets.
FORFALT_ANTATT = [
    "| 30.09.2026 | Rådmannsledelsen sammenfatter en fellesevaluering av tiltakene | forfalt i 68 dager (antatt dato) |",
    "| 11.09.2026 | Evaluering av den årlige kompetansehevingen | forfalt i 87 dager (antatt dato) |",
    "| 11.09.2026 | Evaluering av felles arbeidsseminar | forfalt i 87 dager (antatt dato) |",
    "| 30.10.2026 | Kvello år 1: observasjon av barna gjennomført | forfalt i 38 dager (antatt dato) |",
    "| 11.08.2026 | samarbeid om barn og unge 0–30 år – Innkalling til SAMBA-møte sendt "
    "| forfalt i 118 dager (antatt dato) |",
]


def _rapport(run, fmt: str) -> str:  # type: ignore[no-untyped-def]
    r = run("rapport", "--skoleår", "2026/27", "--format", fmt, today=TODAY)
    assert r.exit_code == 0, r.output
    return r.stdout


def test_the_five_overdue_rows_of_2026_27_say_their_date_is_ours(run) -> None:  # type: ignore[no-untyped-def]
    md = _rapport(run, "markdown")
    for rad in FORFALT_ANTATT:
        assert rad in md, rad
    forfalte = [line for line in md.splitlines() if "| forfalt i " in line]
    assert len(forfalte) == 5 and all("(antatt dato)" in line for line in forfalte)


def test_the_totals_count_overdue_on_our_dates_apart(run) -> None:  # type: ignore[no-untyped-def]
    md = _rapport(run, "markdown")
    assert ("- 0 av 22 evalueringer utført (0 i tide, 0 for sent), 3 forfalt (mangler) – 0 på planens datoer, "
            "3 på datoer vi har antatt, 17 kommende, 2 venter på dato") in md
    assert "2 forfalt (mangler) – 0 på planens datoer, 2 på datoer vi har antatt" in md
    totalt = json.loads(_rapport(run, "json"))["totalt"]
    assert (totalt["evalueringer"]["forfalt"], totalt["evalueringer"]["forfalt_antatt"]) == (3, 3)
    assert (totalt["frister"]["forfalt"], totalt["frister"]["forfalt_antatt"]) == (2, 2)


def test_the_report_ends_with_the_reasons_once_per_hendelse(run) -> None:  # type: ignore[no-untyped-def]
    md = _rapport(run, "markdown")
    slutt = md.split("## Antatte datoer og ansvar\n", 1)[1]
    assert ("- Implementering og endringsledelse – Rådmannsledelsen sammenfatter en fellesevaluering av tiltakene "
            "(antatt dato): Planen sier «en fellesevaluering», uten tid.") in slutt
    assert slutt.count("Evaluering av felles arbeidsseminar (antatt dato)") == 1
    html = _rapport(run, "html")
    assert "<td style=\"border:1px solid #999999;padding:3pt 6pt;vertical-align:top\">forfalt i 68 dager (antatt dato)</td>" in html
    assert "<h2>Antatte datoer og ansvar</h2>" in html


def test_csv_and_json_carry_the_reason(run) -> None:  # type: ignore[no-untyped-def]
    rader = list(csv.DictReader(io.StringIO(_rapport(run, "csv").lstrip("\ufeff")), delimiter=";"))
    felles = next(r for r in rader if r["Id"] == "implementering.fellesevaluering.2026-09-30")
    assert felles["Status"] == "forfalt" and felles["Dager forfalt"] == "68"
    assert felles["Antatt dato"].startswith("Planen sier «en fellesevaluering», uten tid.")
    assert list(rader[0])[-3:] == ["Antatt dato", "Ansvar antatt", "Id"]
    data = json.loads(_rapport(run, "json"))
    obj = next(o for t in data["tiltak"] for o in t["rader"] if o["id"] == "implementering.fellesevaluering.2026-09-30")
    assert obj["antatt"].startswith("Planen sier «en fellesevaluering»") and obj["ansvar_antatt"] is None


def _tabell_bred(plan) -> str:  # type: ignore[no-untyped-def]
    """The status table as a terminal 400 columns wide shows it (the CLI folds cells at 100)."""
    from datetime import date

    from aarshjul.render.oppfoelging import render_status_table
    from aarshjul.services.signoff import oppfoelging

    rader = oppfoelging(plan, date(2026, 8, 1), date(2027, 8, 1), ["barnehage"], {}, date(2026, 12, 7),
                        {"frist", "evaluering", "møte"})
    return render_status_table(plan, rader, "Status", width=400, color=False)


def test_status_marks_the_assumption_in_every_format(run, real_plan) -> None:  # type: ignore[no-untyped-def]
    def status(fmt: str) -> str:
        r = run("status", "--virksomhet", "barnehage", "--format", fmt, today=TODAY)
        assert r.exit_code == 0, r.output
        return r.stdout

    tekst = status("tekst")
    assert ("30.10.2026  forfalt          Frist       Tverrfaglig og systematisk arbeid i barnehagene (Kvello) – "
            "Kvello år 1: observasjon av barna gjennomført\n"
            "            forfalt i 38 dager · antatt dato · ansvar: Barnehage · id: kvello.observasjon.2026-10-30") in tekst
    assert "| forfalt i 38 dager (antatt dato) | `kvello.observasjon.2026-10-30` |" in status("markdown")
    assert "forfalt i 38 dager (antatt dato)" in _tabell_bred(real_plan)
    rad = next(o for o in json.loads(status("json")) if o["id"] == "kvello.observasjon.2026-10-30")
    assert rad["antatt"].startswith("Fasene i det 2-årige årshjulet står i Kvello-veilederen")
    csv_rader = list(csv.DictReader(io.StringIO(status("csv").lstrip("\ufeff")), delimiter=";"))
    kvello = next(r for r in csv_rader if r["Id"] == "kvello.observasjon.2026-10-30")
    assert kvello["Antatt dato"] == rad["antatt"]


def test_a_row_on_the_plans_own_date_has_no_mark(run) -> None:  # type: ignore[no-untyped-def]
    md = _rapport(run, "markdown")
    # «innen utgangen av mai»: the plan's own deadline for the foreldresamarbeid evaluation.
    assert "| 31.05.2027 | Arbeidsgruppa evaluerer Plan for foreldresamarbeid | kommende |" in md
