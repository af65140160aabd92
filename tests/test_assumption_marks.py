"""status and rapport mark every date and owner the plan does not give itself, in every
format, and the report counts what is overdue on our dates apart from the plan's own."""

from __future__ import annotations

import csv
import io
import json

TODAY = "07.12.2026"

# The five rows of the 2026/27 report that are overdue on 07.12.2026: every one rests on a
# date we chose, none on a date the plan sets; three are duties (or repetitions) the plan
# does not have at all.
FORFALT_ANTATT = [
    "| 30.09.2026 | Rådmannsledelsen sammenfatter en fellesevaluering av tiltakene "
    "| forfalt i 68 dager (lagt til av oss, antatt dato) |",
    "| 11.09.2026 | Evaluering av den årlige kompetansehevingen | forfalt i 87 dager (antatt dato) |",
    "| 11.09.2026 | Evaluering av felles arbeidsseminar | forfalt i 87 dager (antatt dato) |",
    "| 30.10.2026 | Kvello år 1: observasjon av barna gjennomført | forfalt i 38 dager (lagt til av oss, antatt dato) |",
    "| 11.08.2026 | samarbeid om barn og unge 0–30 år – Innkalling til SAMBA-møte sendt "
    "| forfalt i 118 dager (lagt til av oss, antatt dato) |",
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
    assert len(forfalte) == 5 and all("antatt dato)" in line for line in forfalte)


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
    slutt = md.split("## Antakelser: ikke planens ord\n", 1)[1]
    assert ("- Implementering og endringsledelse – Rådmannsledelsen sammenfatter en fellesevaluering av tiltakene "
            "(antatt dato): Planen sier «en fellesevaluering», uten tid.") in slutt
    assert slutt.count("Evaluering av felles arbeidsseminar (antatt dato)") == 1
    assert ("- Tverrfaglig og systematisk arbeid i barnehagene (Kvello) – Kvello år 1: observasjon av barna "
            "gjennomført (lagt til av oss): Planen sier bare at faste tidspunkt er skissert i Kvello-veilederen.") in slutt
    assert ("- Foreldresamarbeid – Arbeidsgruppa evaluerer Plan for foreldresamarbeid (ansvar antatt): "
            "Planen sier at arbeidsgruppa bak Plan for foreldresamarbeid evaluerer") in slutt
    html = _rapport(run, "html")
    assert ("<td style=\"border:1px solid #999999;padding:3pt 6pt;vertical-align:top\">"
            "forfalt i 68 dager (lagt til av oss, antatt dato)</td>") in html
    assert "<h2>Antakelser: ikke planens ord</h2>" in html


def test_csv_and_json_carry_the_reason(run) -> None:  # type: ignore[no-untyped-def]
    rader = list(csv.DictReader(io.StringIO(_rapport(run, "csv").lstrip("\ufeff")), delimiter=";"))
    felles = next(r for r in rader if r["Id"] == "implementering.fellesevaluering.2026-09-30")
    assert felles["Status"] == "forfalt" and felles["Dager forfalt"] == "68"
    assert felles["Antatt dato"].startswith("Planen sier «en fellesevaluering», uten tid.")
    assert felles["Lagt til av oss"].startswith("Planen sier at rådmannsledelsen sammenfatter én fellesevaluering.")
    assert felles["Etter planperioden"] == "ja"
    assert list(rader[0])[-6:] == ["Antatt dato", "Ansvar antatt", "Lagt til av oss", "Deltakere antatt",
                                   "Etter planperioden", "Id"]
    data = json.loads(_rapport(run, "json"))
    obj = next(o for t in data["tiltak"] for o in t["rader"] if o["id"] == "implementering.fellesevaluering.2026-09-30")
    assert obj["antatt"].startswith("Planen sier «en fellesevaluering»") and obj["ansvar_antatt"] is None
    assert obj["lagt_til"].startswith("Planen sier at rådmannsledelsen") and obj["etter_planperioden"] is True


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
            "            forfalt i 38 dager · lagt til av oss · antatt dato · ansvar: Barnehage · "
            "id: kvello.observasjon.2026-10-30") in tekst
    assert "| forfalt i 38 dager (lagt til av oss, antatt dato) | `kvello.observasjon.2026-10-30` |" in status("markdown")
    assert "forfalt i 38 dager (lagt til av oss, antatt dato)" in _tabell_bred(real_plan)
    # A passed meeting has no detail of its own: the mark alone, not « (antatt dato)».
    assert "| 08.09.2026 | passert | Møte | Implementering og endringsledelse – Møte i samordningsgruppa " \
        "| antatt dato |" in status("markdown")
    rad = next(o for o in json.loads(status("json")) if o["id"] == "kvello.observasjon.2026-10-30")
    assert rad["antatt"].startswith("Fasene i det 2-årige årshjulet står i Kvello-veilederen")
    csv_rader = list(csv.DictReader(io.StringIO(status("csv").lstrip("\ufeff")), delimiter=";"))
    kvello = next(r for r in csv_rader if r["Id"] == "kvello.observasjon.2026-10-30")
    assert kvello["Antatt dato"] == rad["antatt"]
    assert kvello["Lagt til av oss"] == rad["lagt_til"] != ""


def test_a_row_on_the_plans_own_date_has_no_mark(run) -> None:  # type: ignore[no-untyped-def]
    md = _rapport(run, "markdown")
    # «evalueres årlig innen utgangen av mars»: the plan's own deadline, its own owner.
    assert "| 31.03.2027 | Årlig evaluering av PMTO | kommende |" in md
    # The plan's date, but an owner we chose: the arbeidsgruppa is not a unit in the plan.
    assert "| 31.05.2027 | Arbeidsgruppa evaluerer Plan for foreldresamarbeid | kommende (ansvar antatt) |" in md


def test_next_marks_a_duty_we_added_and_says_why(run) -> None:  # type: ignore[no-untyped-def]
    tekst = run("next", "--virksomhet", "barnehage", "--format", "tekst", "--fra", "01.10.2026", "--dager", "31",
                today="01.10.2026").stdout  # fmt: skip
    assert ("  fredag 30.10.2026  Tverrfaglig og systematisk arbeid i barnehagene (Kvello) – Kvello år 1: "
            "observasjon av barna gjennomført (antatt dato)\n"
            "      Frist · om 29 dager · flyttet fra 31.10.2026 (lørdag) · lagt til av oss · ansvar: Barnehage · "
            "rolle: ansvarlig") in tekst
    grunner = tekst.split("\nIkke planens ord\n", 1)[1]
    assert ("  - Tverrfaglig og systematisk arbeid i barnehagene (Kvello) – Kvello år 1: observasjon av barna "
            "gjennomført (lagt til av oss): Planen sier bare at faste tidspunkt er skissert i Kvello-veilederen.") \
        in grunner
    md = run("next", "--virksomhet", "barnehage", "--format", "markdown", "--fra", "01.10.2026", "--dager", "31",
             today="01.10.2026").stdout  # fmt: skip
    assert "| om 29 dager; flyttet fra 31.10.2026 (lørdag); lagt til av oss; *antatt dato* |" in md
    obj = next(o for o in json.loads(run("next", "--virksomhet", "barnehage", "--format", "json", "--fra",
                                         "01.10.2026", "--dager", "31", today="01.10.2026").stdout)
               if o["id"] == "kvello.observasjon.2026-10-30")  # fmt: skip
    assert obj["lagt_til"].startswith("Planen sier bare at faste tidspunkt") and obj["etter_planperioden"] is True


def test_ics_says_a_duty_is_ours(run) -> None:  # type: ignore[no-untyped-def]
    from icalendar import Calendar

    r = run("ics", "--virksomhet", "barnehage", "-o", "-", today="01.10.2026")
    cal = Calendar.from_ical(r.stdout_bytes)
    kvello = next(e for e in cal.walk("VEVENT") if str(e["UID"]).startswith("kvello.observasjon.2026-10"))
    assert ("Plikten står ikke i planen; vi har lagt den til: Planen sier bare at faste tidspunkt er skissert "
            "i Kvello-veilederen.") in str(kvello["DESCRIPTION"])


def test_tiltak_and_its_page_keep_the_owner_and_participant_marks(run, tmp_path) -> None:  # type: ignore[no-untyped-def]
    tekst = run("tiltak", "--format", "tekst").stdout
    assert "  Ansvar: Kommunalsjef helse (ansvar antatt) · deltakere: BUP og DPS" in tekst
    assert "  Ansvar: Kommunalsjef helse · deltakere: Psykisk helse (deltakere antatt)" in tekst
    data = {t["id"]: t for t in json.loads(run("tiltak", "--format", "json").stdout)}
    assert data["bup_dps_moter"]["ansvar_antatt"].startswith("Planen sier ikke hvem som har ansvaret")
    assert data["kommunepsykolog"]["deltakere_antatt"].startswith("Planen nevner ikke psykisk helse")
    assert "Kommunalsjef helse (ansvar antatt)" in run("tiltak", "--format", "markdown").stdout
    ut = tmp_path / "site"
    assert run("publiser", "--ut", str(ut)).exit_code == 0
    side = (ut / "tiltak-bup_dps_moter.html").read_text(encoding="utf-8")
    assert '<span class="antatt">(ansvar antatt: Planen sier ikke hvem som har ansvaret' in side
    assert '<span class="antatt">(deltakere antatt: Planen sier ikke hvem i kommunen som deltar' in side
