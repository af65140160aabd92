"""A guess about *who* stays visible (ansvar_antatt), and duties without dates
(uten_dato) are shown by `tiltak`, counted by `check`, and never invented into dates."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from test_engine_rules import make_plan

from aarshjul.engine.expand import expand
from aarshjul.engine.select import uten_dato_for
from aarshjul.model import Plan

# --- a guess about who --------------------------------------------------------------------


def test_ansvar_antatt_from_tiltak_or_hendelse(tmp_path: Path) -> None:
    plan = make_plan(tmp_path, """\
        - {id: m, tittel: M, type: møte, når: {måneder: [april], dag: "10"}}
        - {id: e, tittel: E, type: evaluering, når: {innen_utgangen_av: mai}, ansvar: [b]}
    """, tiltak_extra='ansvar_antatt: "Planen sier ikke hvem."\n')  # fmt: skip
    got = {f.hendelse_id: f for f in expand(plan, date(2027, 1, 1), date(2028, 1, 1))}
    assert got["m"].ansvar_antatt == "Planen sier ikke hvem."
    # A hendelse that names its own ansvar does not inherit the tiltak's guess.
    assert got["e"].ansvar_antatt is None


def test_real_plan_bup_dps_owner_is_a_visible_guess(run) -> None:
    """4.1.4: «Sel kommune vil ha som mål å få på plass faste samarbeidsmøter i perioden, med
    halvårlig intervall.» The plan names no owner."""
    r = run("calendar", "--skoleår", "2026/27", "--format", "json")
    moter = [o for o in json.loads(r.stdout) if o["tiltak"] == "bup_dps_moter"]
    assert [o["dato"][:7] for o in moter] == ["2026-10", "2027-04"]
    assert all(o["ansvar_antatt"] and "Planen sier ikke hvem" in o["ansvar_antatt"] for o in moter)
    r = run("calendar", "--skoleår", "2026/27", "--virksomhet", "kommunalsjef_helse", "--format", "tekst")
    block = r.stdout[r.stdout.index("Samarbeidsmøte med BUP og DPS") :].split("\n")[1]
    assert "ansvar antatt" in block
    # The digest of week 17 of 2027 (the meeting is the last Tuesday of April, 27.04).
    r = run("digest", "--fra", "26.04.2027", "-v", "kommunalsjef_helse")
    assert r.exit_code == 0, r.output
    assert "(ansvar antatt – må bekreftes)" in r.stdout


# --- duties without dates ------------------------------------------------------------------


def test_duty_without_date_is_in_tiltak_json_and_never_in_calendar(run) -> None:
    """4.1.3: «Tidlig innsatsarbeidet er på agendaen når KFU har møter, og skal ha samme plass
    i fire-årsperioden.» Kap. 11, MOT: «Faste møter med 7. trinn og ungdomsskolene»."""
    r = run("tiltak", "--format", "json")
    assert r.exit_code == 0, r.output
    tiltak = {t["id"]: t for t in json.loads(r.stdout)}
    kfu = next(u for u in tiltak["brukermedvirkning"]["uten_dato"] if u["id"] == "kfu")
    assert kfu["ansvar"] == ["kommunalsjef_oppvekst"] and kfu["kilde"] == "4.1.3"
    assert "KFU" in kfu["tittel"]
    mot = [u["tittel"] for u in tiltak["mot"]["uten_dato"]]
    assert mot == ["Faste møter med 7. trinn og ungdomsskolene"]
    laerende = next(u for u in tiltak["kompetanseheving"]["uten_dato"] if u["id"] == "laerende_moter")
    assert "barnehage" in laerende["ansvar"] and "samordningsgruppa" not in laerende["ansvar"]
    titler = {u["tittel"] for t in tiltak.values() for u in t["uten_dato"]}
    for args in (("--skoleår", "2026/27"), ("--år", "2027")):
        r = run("calendar", *args, "--format", "json")
        assert not titler & {o["tittel"] for o in json.loads(r.stdout)}
    r = run("ics", "--virksomhet", "mot", "--fra", "01.08.2026", "--til", "31.07.2027", "-o", "-")
    assert r.exit_code == 0, r.output
    assert "Faste møter med 7. trinn" not in r.stdout.replace("\r\n ", "")


def test_duties_without_date_for_one_virksomhet(real_plan: Plan) -> None:
    """7.3 «både i forkant og i etterkant»; 8.1 «Virksomhetene skal utarbeide en plan»."""
    mine = {(t.id, u.id): rolle for t, u, rolle in uten_dato_for(real_plan, ["barnehage"])}
    assert mine[("kompetanseheving", "forkant_etterkant")].value == "ansvarlig"
    assert mine[("implementering", "egen_plan")].value == "ansvarlig"
    assert ("brukermedvirkning", "kfu") not in mine
    # Samordningsgruppa's evaluation plan: barnehage is a member, so it takes part.
    assert mine[("kompetanseheving", "evalueringsplan")].value == "deltar"


def test_tiltak_text_shows_duties_without_date(run) -> None:
    r = run("tiltak", "--virksomhet", "mot", "--format", "tekst")
    assert r.exit_code == 0, r.output
    assert "  Uten dato: Faste møter med 7. trinn og ungdomsskolene" in r.stdout


def test_check_counts_duties_without_date(real_plan: Plan) -> None:
    from aarshjul.engine.check import find_warnings, summarize

    summary = summarize(real_plan)
    assert summary.uten_dato == sum(len(t.uten_dato) for t in real_plan.tiltak) >= 25
    # The BUP/DPS meeting, the foreldresamarbeid evaluation and four duties.
    assert summary.antatt_ansvar == 6
    # Kvello's three phases, the SAMBA invitation and the yearly fellesevaluering.
    assert summary.lagt_til == 5
    # A tiltak with duties but no dated hendelse is not warned about a missing evaluation.
    meldinger = [w.message for w in find_warnings(real_plan, date(2026, 11, 25))]
    assert not any("Brukermedvirkning" in m or "Samarbeidende instanser" in m for m in meldinger)
    # Familievernkontoret and KFU are used (by duties without date), so no "not used" warning.
    assert not any("Familievernkontoret" in m or "KFU" in m for m in meldinger)
    # 4.1.4 gives the BUP/DPS meetings no evaluation: said once in the data, no warning.
    assert not any("BUP og DPS" in m for m in meldinger)


def test_check_output_counts_duties_without_date(run) -> None:
    r = run("check")
    assert r.exit_code == 0, r.output
    assert "  Uten dato:           28\n  Antatt ansvar:        6\n  Antatte deltakere:    3\n" in r.stdout
    assert "  Lagt til av oss:      5\n" in r.stdout
