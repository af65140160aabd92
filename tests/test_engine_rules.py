"""Engine rules a leader relies on: guesses stay visible, nothing before the plan exists,
duties without dates, and why a date moved."""

from __future__ import annotations

import json
import textwrap
from datetime import date
from pathlib import Path

from aarshjul.engine.expand import expand
from aarshjul.model import Plan
from aarshjul.plan.loader import load_plan

HEAD = """\
plan:
  navn: Test
  kommune: Testkommune
  periode_fra: 01.08.2018
  stengte_dager: ["24.12", "31.12"]
virksomheter:
  a: {navn: A}
  b: {navn: B}
  gruppe: {navn: Gruppa, medlemmer: [b]}
"""


def make_plan(tmp_path: Path, hendelser: str, tiltak_extra: str = "") -> Plan:
    body = textwrap.indent(textwrap.dedent(hendelser), " " * 6)
    extra = textwrap.indent(textwrap.dedent(tiltak_extra), " " * 4)
    text = HEAD + "tiltak:\n  - id: t\n    navn: T\n    kilde: '1'\n    ansvar: [a]\n" + extra
    text += "    hendelser:\n" + body
    path = tmp_path / "plan.yaml"
    path.write_text(text, encoding="utf-8")
    return load_plan(path)


# --- a date computed from an assumed date is assumed ---------------------------------


def test_evaluation_after_an_assumed_meeting_is_assumed(tmp_path: Path) -> None:
    plan = make_plan(tmp_path, """\
        - id: mote
          tittel: Seminaret
          type: møte
          når: {måneder: [august], dag: andre torsdag}
          antatt: "Planen sier bare «en gang i året»."
        - {id: evaluering, tittel: Evaluering, type: evaluering, når: {etter: mote, innen: 1 måned}}
        - {id: fast, tittel: Fast, type: evaluering, når: {etter: evaluering, innen: 0 dager}, antatt: "Egen grunn."}
    """)  # fmt: skip
    got = {f.hendelse_id: f for f in expand(plan, date(2027, 8, 1), date(2027, 10, 1))}
    assert got["mote"].dato == date(2027, 8, 12)
    assert got["evaluering"].dato == date(2027, 9, 10)  # 12.09.2027 is a Sunday
    assert got["evaluering"].antatt == (
        "følger antatt dato for «Seminaret» (Planen sier bare «en gang i året».)"
    )
    # Through a chain, and a hendelse's own reason wins over the inherited one.
    assert got["fast"].antatt == "Egen grunn."


def test_evaluation_after_a_plan_date_is_not_assumed(tmp_path: Path) -> None:
    plan = make_plan(tmp_path, """\
        - {id: frist, tittel: Frist, type: frist, når: {innen_utgangen_av: mars}}
        - {id: evaluering, tittel: Evaluering, type: evaluering, når: {etter: frist, innen: 1 måned}}
    """)  # fmt: skip
    assert all(f.antatt is None for f in expand(plan, date(2027, 1, 1), date(2028, 1, 1)))


def test_real_plan_kompetanseheving_evaluation_is_antatt_in_json_ics_and_text(run) -> None:
    """Kap. 11, rad 1: «Evalueres innen en måned etter tiltaket er gjennomført» – after a
    kompetanseheving whose day is our assumption (andre torsdag i august)."""
    r = run("calendar", "--skoleår", "2026/27", "--format", "json")
    assert r.exit_code == 0, r.output
    rows = json.loads(r.stdout)
    ev = next(o for o in rows if o["tiltak"] == "kompetanseheving" and o["hendelse"] == "aarlig_evaluering")
    assert ev["dato"] == "2026-09-11"  # 13.08.2026 + 1 måned = Sunday 13.09 -> Friday 11.09
    assert ev["antatt"] is True
    assert ev["antatt_grunn"].startswith(
        "følger antatt dato for «Systematisk kompetanseheving på tvers (årlig, initiert av rådmannsledelsen)»"
    )
    r = run("calendar", "--skoleår", "2026/27", "--virksomhet", "raadmannsledelsen", "--format", "tekst")
    line = next(x for x in r.stdout.splitlines() if "Evaluering av den årlige kompetansehevingen" in x)
    assert "(antatt dato)" in line
    r = run("ics", "--virksomhet", "raadmannsledelsen", "--fra", "01.09.2026", "--til", "30.09.2026", "-o", "-")
    assert r.exit_code == 0, r.output
    unfolded = r.stdout.replace("\r\n ", "").replace("\n ", "")
    event = next(e for e in unfolded.split("BEGIN:VEVENT")[1:] if "Evaluering av den årlige kompetansehevingen" in e)
    assert "Datoen er antatt og må bekreftes: følger antatt dato for «Systematisk kompetanseheving" in event


# --- nothing before periode_fra; startår is the first year ------------------------------


def test_nothing_before_periode_fra_unless_gyldig_fra_says_so(tmp_path: Path) -> None:
    plan = make_plan(tmp_path, """\
        - {id: m, tittel: M, type: møte, når: {måneder: [mars, september], dag: "10"}}
        - {id: e, tittel: E, type: evaluering, når: {etter: m, innen: 6 måneder}}
        - {id: gammel, tittel: G, type: evaluering, når: {innen_utgangen_av: juni}, gyldig_fra: 01.08.2016}
    """)  # fmt: skip
    got = [(f.hendelse_id, f.dato) for f in expand(plan, date(2016, 1, 1), date(2019, 4, 1))]
    assert got == [
        ("gammel", date(2017, 6, 30)),
        ("gammel", date(2018, 6, 29)),
        ("m", date(2018, 9, 10)),
        # No evaluation in September 2018 of a March 2018 meeting: the meeting is before
        # the plan, so is its evaluation.
        ("e", date(2019, 3, 8)),  # 10.03.2019 is a Sunday
        ("m", date(2019, 3, 11)),
    ]


def test_startaar_is_the_first_year_not_only_its_parity(tmp_path: Path) -> None:
    plan = make_plan(tmp_path, """\
        - {id: k, tittel: K, type: evaluering, når: {innen_utgangen_av: mai, hvert_år: 2, startår: 2021}}
        - {id: s, tittel: S, type: møte, når: {måneder: [oktober], dag: "15", hvert_år: 2, startskoleår: 2020/21}}
    """)  # fmt: skip
    k = [f.dato.year for f in expand(plan, date(2018, 8, 1), date(2026, 1, 1)) if f.hendelse_id == "k"]
    s = [f.dato.year for f in expand(plan, date(2018, 8, 1), date(2026, 1, 1)) if f.hendelse_id == "s"]
    assert k == [2021, 2023, 2025]  # not 2019
    assert s == [2020, 2022, 2024]  # not 2018


def test_real_plan_calendars_2017_18_and_2018_19_start_01_08_2018(run) -> None:
    """Kap. 6: «Handlingsplan 2018-2022»; periode_fra 01.08.2018. These calendars once showed Kvello år 2
    before år 1, a MOT board evaluation in September 2017 and samordningsgruppa meetings
    «ledes av kommunalsjef helse eller oppvekst» «fra høst 2018» before autumn 2018."""
    r = run("calendar", "--skoleår", "2017/18", "--format", "json")
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout) == []
    r = run("calendar", "--skoleår", "2018/19", "--format", "json")
    rows = json.loads(r.stdout)
    assert min(o["dato"] for o in rows) >= "2018-08-01"
    kvello = [(o["hendelse"], o["dato"][:7]) for o in rows if o["tiltak"] == "kvello" and o["type"] != "evaluering"]
    assert kvello == [("observasjon", "2018-10"), ("droftingsmote", "2018-11")]
    # The first arbeidsseminar evaluation evaluates September 2018's seminar, in March 2019.
    evals = [o["dato"] for o in rows if o["hendelse"] == "arbeidsseminar_evaluering"]
    assert evals[0].startswith("2019-03")


# --- why a date moved ------------------------------------------------------------------


def test_flyttet_grunn_names_every_skipped_weekday(tmp_path: Path) -> None:
    """8.1.5 «Frist 1.1.19»: nyttårsdag, and 31.12 closed by the kommune's practice."""
    plan = make_plan(tmp_path, "- {id: f, tittel: F, type: frist, når: {dato: 01.01.2019}}")
    (f,) = expand(plan, date(2018, 12, 1), date(2019, 2, 1))
    assert (f.dato, f.flyttet_fra) == (date(2018, 12, 28), date(2019, 1, 1))
    assert f.flyttet_grunn == "nyttårsdag; 31.12 er stengt etter planens stengte dager"
