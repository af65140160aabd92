"""The stable occurrence key (aarshjul/keys.py): one occurrence per periode, and the key
survives a holiday move or an edited day rule, so a sign-off and an Outlook event stay
with their occurrence."""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

from aarshjul.engine.expand import expand
from aarshjul.model import Plan
from aarshjul.plan.loader import load_plan


def test_samba_meetings_2026_27_have_month_keys(real_plan: Plan) -> None:
    # 4.1 / 7.11: SAMBA meets in August, December, March and May.
    got = [f for f in expand(real_plan, date(2026, 8, 1), date(2027, 8, 1)) if f.tiltak_id == "samba" and f.hendelse_id == "mote"]
    assert [f.nokkel for f in got] == ["samba.mote.2026-08", "samba.mote.2026-12", "samba.mote.2027-03", "samba.mote.2027-05"]
    assert all(f.nokkel == f"samba.mote.{f.periode}" for f in got)


def test_keys_are_unique_over_the_whole_real_plan(real_plan: Plan) -> None:
    alle = expand(real_plan, date(2018, 8, 1), date(2023, 8, 1))
    dupes = [k for k, n in Counter(f.nokkel for f in alle).items() if n > 1]
    assert dupes == []


def test_holiday_move_keeps_the_periode_of_the_rules_date(mini_plan: Plan) -> None:
    # Frist 1.1.19 (8.1.5) moves to 28.12.2018: it is still the January 2019 one-off.
    (f,) = [f for f in expand(mini_plan, date(2018, 12, 1), date(2019, 2, 1)) if f.tiltak_id == "psykolog"]
    assert f.dato == date(2018, 12, 28) and f.id == "psykolog.frist.2018-12-28"
    assert f.nokkel == "psykolog.frist.engang"


def _plan(tmp_path: Path, dag: str, navn: str = "p.yaml") -> Plan:
    fil = tmp_path / navn
    fil.write_text(f"""\
plan: {{navn: Testplan, kommune: Testkommune}}
virksomheter:
  skole: {{navn: Skole}}
tiltak:
  - id: pmto
    navn: PMTO
    kilde: "7.14"
    ansvar: [skole]
    hendelser:
      - {{id: evaluering, tittel: Evaluering, type: evaluering, når: {{måneder: [mars], dag: {dag}}}}}
      - {{id: etter, tittel: Oppfølging, type: frist, når: {{etter: evaluering, innen: 2 uker}}}}
      - {{id: ukemote, tittel: Ukemøte, type: møte, når: {{ukentlig: torsdag}}}}
""", encoding="utf-8")
    return load_plan(fil)


def test_edited_day_rule_keeps_keys(tmp_path: Path) -> None:
    fra, til = date(2027, 1, 1), date(2028, 1, 1)
    siste = {f.hendelse_id: f for f in expand(_plan(tmp_path, "siste dag"), fra, til) if f.hendelse_id != "ukemote"}
    femtende = {f.hendelse_id: f for f in expand(_plan(tmp_path, "15", "q.yaml"), fra, til) if f.hendelse_id != "ukemote"}
    # 31.03.2027 is a Wednesday; 15.03.2027 a Monday: other dates, other ids, same keys.
    assert siste["evaluering"].dato == date(2027, 3, 31) and femtende["evaluering"].dato == date(2027, 3, 15)
    assert siste["evaluering"].id != femtende["evaluering"].id
    assert siste["evaluering"].nokkel == femtende["evaluering"].nokkel == "pmto.evaluering.2027-03"
    # A follow-up `etter:` the evaluation belongs to the evaluation's periode.
    assert siste["etter"].nokkel == femtende["etter"].nokkel == "pmto.etter.2027-03"


def test_weekly_meetings_are_keyed_by_iso_week(tmp_path: Path) -> None:
    got = [f for f in expand(_plan(tmp_path, "15"), date(2026, 11, 30), date(2026, 12, 14)) if f.hendelse_id == "ukemote"]
    assert [(f.dato, f.nokkel) for f in got] == [
        (date(2026, 12, 3), "pmto.ukemote.2026-W49"),
        (date(2026, 12, 10), "pmto.ukemote.2026-W50"),
    ]
