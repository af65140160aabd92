"""A second, fictional kommune's plan (tests/plans/fjellbygd/) written from the docs alone.

It uses sted, ferier (ISO weeks, periods and a skolerute CSV), `etter: "15.08"`, `uker:`,
a non-chapter kilde and a tiltak without evaluation on purpose. The dates are checked
against a real calendar: vinterferie is ISO week 9 (23.02–01.03.2026, 01.03–07.03.2027),
Easter 2026 is 05.04 (06.04 is 2. påskedag), 15.08.2026 + 3 weeks is Saturday 05.09.2026.
"""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest
from conftest import PLANS

from aarshjul.engine.check import WarningKind, find_warnings
from aarshjul.engine.expand import expand
from aarshjul.model import Forekomst, Plan
from aarshjul.plan.loader import load_plan

FJELLBYGD = PLANS / "fjellbygd" / "plan.yaml"


@pytest.fixture(scope="module")
def plan() -> Plan:
    return load_plan(FJELLBYGD)


def _hendelse(plan: Plan, key: str, fra: date, til: date) -> list[Forekomst]:
    tiltak, hendelse = key.split(".")
    return [f for f in expand(plan, fra, til) if (f.tiltak_id, f.hendelse_id) == (tiltak, hendelse)]


def _datoer(plan: Plan, key: str, aar: int) -> list[date]:
    return [f.dato for f in _hendelse(plan, key, date(aar, 1, 1), date(aar + 1, 1, 1))]


def test_the_plan_loads_with_its_own_names(plan: Plan) -> None:
    assert plan.kommune == "Fjellbygd kommune"
    assert plan.kortnavn == "BTI Fjellbygd"
    assert plan.url == "https://fjellbygd.kommune.example/bti"
    assert {f.navn for f in plan.ferier} >= {"Vinterferie", "Høstferie", "Juleferie", "Planleggingsdag"}


def test_coordination_team_first_monday_but_july_moves_out_of_ferier(plan: Plan) -> None:
    assert _datoer(plan, "koordinering.mote", 2026) == [
        date(2026, 1, 5), date(2026, 2, 2), date(2026, 3, 2),
        date(2026, 4, 7),  # 06.04.2026 is 2. påskedag
        date(2026, 5, 4), date(2026, 6, 1), date(2026, 8, 3), date(2026, 9, 7),
        date(2026, 10, 12),  # 05.10.2026 is in høstferie (a period)
        date(2026, 11, 2), date(2026, 12, 7),
    ]  # fmt: skip
    assert _datoer(plan, "koordinering.mote", 2027) == [
        # 04.01.2027 is a planleggingsdag in the skolerute CSV: «første mandag» keeps
        # its weekday, so a week later (tests/test_ferie_datoer.py).
        date(2027, 1, 11),
        date(2027, 2, 1),
        date(2027, 3, 8),  # 01.03.2027 is in vinterferie (ISO week 9)
        date(2027, 4, 5), date(2027, 5, 3), date(2027, 6, 7), date(2027, 8, 2), date(2027, 9, 6),
        date(2027, 10, 11),  # 04.10.2027 is in høstferie
        date(2027, 11, 1), date(2027, 12, 6),
    ]  # fmt: skip


def test_a_moved_meeting_says_why_and_keeps_its_key(plan: Plan) -> None:
    (mars,) = _hendelse(plan, "koordinering.mote", date(2027, 3, 1), date(2027, 4, 1))
    assert (mars.dato, mars.flyttet_fra, mars.flyttet_grunn) == (date(2027, 3, 8), date(2027, 3, 1), "vinterferie")
    assert mars.nokkel == "koordinering.mote.2027-03"
    assert mars.sted == "Rådhuset, møterom Fjellet"
    (jan,) = _hendelse(plan, "koordinering.mote", date(2027, 1, 1), date(2027, 2, 1))
    assert jan.flyttet_grunn == "planleggingsdag"
    (okt,) = _hendelse(plan, "koordinering.mote", date(2026, 10, 1), date(2026, 11, 1))
    assert okt.flyttet_grunn == "høstferie"


def test_a_frist_in_vinterferie_does_not_move(plan: Plan) -> None:
    # uker: [9, 40], dag: mandag — the Monday of ISO weeks 9 and 40.
    assert _datoer(plan, "overgang.kartlegging", 2026) == [date(2026, 2, 23), date(2026, 9, 28)]
    assert _datoer(plan, "overgang.kartlegging", 2027) == [date(2027, 3, 1), date(2027, 10, 4)]
    forekomster = _hendelse(plan, "overgang.kartlegging", date(2027, 1, 1), date(2028, 1, 1))
    assert [f.flyttet_fra for f in forekomster] == [None, None]
    assert [f.nokkel for f in forekomster] == ["overgang.kartlegging.2027-W09", "overgang.kartlegging.2027-W40"]
    # A frist on a weekend in høstferie moves off the weekend only: 10.10.2026 is a Saturday.
    assert date(2026, 10, 9) in _datoer(plan, "revisjon.frist", 2026)


def test_an_activity_may_stay_in_the_ferie(plan: Plan) -> None:
    assert _datoer(plan, "foreldre.vinteraktivitet", 2027) == [date(2027, 3, 3)]  # Wednesday of week 9


def test_parents_meeting_three_weeks_after_15_august(plan: Plan) -> None:
    # 15.08.2026 + 3 weeks = Saturday 05.09.2026; 15.08.2027 + 3 weeks = Sunday 05.09.2027 (flytt: tidligere).
    assert _datoer(plan, "foreldre.mote", 2026) == [date(2026, 9, 4)]
    assert _datoer(plan, "foreldre.mote", 2027) == [date(2027, 9, 3)]
    (f,) = _hendelse(plan, "foreldre.mote", date(2027, 1, 1), date(2028, 1, 1))
    assert f.nokkel == "foreldre.mote.2027"
    # No helper event: nothing falls on 15 August itself.
    assert not [x for x in expand(plan, date(2026, 8, 15), date(2026, 8, 16))]


def test_other_rules(plan: Plan) -> None:
    assert _datoer(plan, "koordinering.status", 2026) == [date(2026, 10, 15)]
    assert _datoer(plan, "overgang.mote", 2027) == [date(2027, 4, 27)]
    assert _datoer(plan, "koordinering.evaluering", 2027) == [date(2027, 6, 30)]
    assert _datoer(plan, "koordinering.evaluering", 2028) == []
    assert _datoer(plan, "revisjon.evaluering", 2027) == [date(2027, 9, 1)]


def test_check_is_clean_and_respects_uten_evaluering(plan: Plan) -> None:
    # Only the two frister that stay in a ferie (tests/test_check_ferier.py): everyone
    # follows the school calendar here (no ferier_gjelder).
    warnings = find_warnings(plan, date(2026, 12, 1))
    assert [(w.kind, w.line) for w in warnings] == [(WarningKind.FRIST_I_FERIE, 79), (WarningKind.FRIST_I_FERIE, 112)]
    assert "«Kartlegging levert»" in warnings[0].message and "01.03.2027 (vinterferie)" in warnings[0].message
    assert plan.finn_tiltak("foreldre").uten_evaluering.startswith("Foreldremøtet evalueres")


def test_next_json_and_text_show_sted(run) -> None:
    r = run("next", "--format", "json", "--dager", "20", plan=FJELLBYGD, today="20.02.2027")
    assert r.exit_code == 0, r.output
    rows = json.loads(r.stdout)["forekomster"] if isinstance(json.loads(r.stdout), dict) else json.loads(r.stdout)
    mote = next(x for x in rows if x["hendelse"] == "mote" and x["tiltak"] == "koordinering")
    assert mote["sted"] == "Rådhuset, møterom Fjellet"
    assert mote["flyttet_fra"] == "2027-03-01" and mote["flyttet_grunn"] == "vinterferie"
    r = run("next", "--format", "tekst", "--dager", "20", plan=FJELLBYGD, today="20.02.2027")
    assert "Møte · flyttet fra 01.03.2027 (vinterferie) · sted: Rådhuset, møterom Fjellet" in r.stdout
    assert "stengt" not in r.stdout


def test_calendar_and_digest_show_sted(run) -> None:
    r = run("calendar", "--år", "2027", "--format", "markdown", plan=FJELLBYGD)
    assert r.exit_code == 0, r.output
    assert "sted: Fjellbygd skole, personalrommet" in r.stdout
    for fmt in ("tekst", "markdown", "html"):
        r = run("digest", "--format", fmt, plan=FJELLBYGD, today="08.03.2027")
        assert r.exit_code == 0, r.output
        assert "sted: Rådhuset, møterom Fjellet" in r.stdout
        assert "vinterferie" in r.stdout


def test_ics_has_location(run, tmp_path: Path) -> None:
    from icalendar import Calendar

    out = tmp_path / "oppvekst.ics"
    r = run("ics", "--virksomhet", "oppvekst", "--fra", "01.01.2027", "--til", "01.01.2028", "-o", str(out),
            plan=FJELLBYGD)  # fmt: skip
    assert r.exit_code == 0, r.output
    cal = Calendar.from_ical(out.read_bytes())
    steder = {str(e.get("LOCATION")) for e in cal.walk("VEVENT") if e.get("LOCATION")}
    assert steder == {"Rådhuset, møterom Fjellet"}
    assert b"Sel" not in out.read_bytes() and b"Tidlig innsats" not in out.read_bytes()


def test_an_edited_skolerute_is_read_again(tmp_path: Path) -> None:
    folder = tmp_path / "plan"
    shutil.copytree(FJELLBYGD.parent, folder)
    first = load_plan(folder / "plan.yaml")
    assert load_plan(folder / "plan.yaml").ferier == first.ferier
    csv = folder / "skolerute-2026-27.csv"
    text = csv.read_text(encoding="utf-8").replace("2027-01-04;Fjellbygd skole;Nei;Ja;Ja;Planleggingsdag",
                                                   "2027-01-04;Fjellbygd skole;Ja;Ja;Ja;")  # fmt: skip
    csv.write_text(text, encoding="utf-8")
    again = load_plan(folder / "plan.yaml")
    assert "Planleggingsdag" not in {f.navn for f in again.ferier if f.fra == date(2027, 1, 4)}
    assert again.ferier != first.ferier


def test_wheel_key_shows_sted_when_there_is_room(run) -> None:
    import xml.etree.ElementTree as ET

    r = run("wheel", "--år", "2027", "-o", "-", plan=FJELLBYGD)
    assert r.exit_code == 0, r.output
    tekst = " ".join("".join(t.itertext()) for t in ET.fromstring(r.stdout_bytes).iter("{http://www.w3.org/2000/svg}text"))
    assert "· Rådhuset, møterom Fjellet" in tekst


def test_weekly_meeting_skips_ferier_and_helligdager_in_2026_27(plan: Plan) -> None:
    from aarshjul.engine.expand import hoppet_over

    fra, til = date(2026, 8, 1), date(2027, 8, 1)
    moter = [f.dato for f in _hendelse(plan, "ressursteam.mote", fra, til)]
    # Every Thursday from 06.08.2026 to 24.06.2027 is 47; July is not in the rule, and
    # seven fall in a ferie or on a helligdag (hopp_over: no meeting those weeks).
    assert len(moter) == 40 and moter[0] == date(2026, 8, 6) and moter[-1] == date(2027, 6, 17)
    assert all(d.weekday() == 3 for d in moter)
    hoppet = [(h.dato, h.grunn, h.ferie) for h in hoppet_over(plan, fra, til) if h.tiltak_id == "ressursteam"]
    assert hoppet == [
        (date(2026, 10, 8), "høstferie", True),
        (date(2026, 12, 24), "juleferie", True),
        (date(2026, 12, 31), "juleferie", True),
        (date(2027, 3, 4), "vinterferie", True),  # ISO week 9
        (date(2027, 3, 25), "skjærtorsdag", False),  # in påskeferie too: the helligdag is named
        (date(2027, 5, 6), "Kristi himmelfartsdag", False),
        (date(2027, 6, 24), "sommerferie", True),
    ]
    assert not set(moter) & {d for d, _, _ in hoppet}
