"""`aarshjul next`: the window week by week, in every format.

Dates are pinned from tests/plans/mini.yaml with --today 25.11.2026 (conftest's default).
"""

from __future__ import annotations

import json
from datetime import date

import pytest
from conftest import PLANS

MINI = PLANS / "mini.yaml"
HOSTILE = PLANS / "cli_hostile.yaml"
FORMATER = ("tabell", "tekst", "markdown", "json")
JSON_KEYS = {
    "id", "dato", "tid", "tiltak", "tiltak_navn", "hendelse", "tittel", "type", "ansvar",
    "deltakere", "rolle", "antatt", "kilde", "varsel",
    "slutt", "flyttet_fra", "tidlig_varsel", "dager_igjen", "nokkel",
    "antatt_grunn", "flyttet_grunn", "ansvar_antatt", "status", "utfort", "sted",
    "deltakere_antatt", "lagt_til", "etter_planperioden", "sluttdato",
}  # fmt: skip


def test_skole_sees_samba_meeting_as_deltar(run) -> None:
    r = run("next", "--virksomhet", "skole", "--dager", "30", "--format", "tekst", plan=MINI)
    assert r.exit_code == 0, r.output
    assert r.stdout.splitlines()[0] == "25.11.2026–24.12.2026 for Skole"
    assert "Uke 49 (30.11.–06.12.2026)" in r.stdout
    assert "  tirsdag 01.12.2026  09:00–11:00  SAMBA – SAMBA-møte (antatt dato)" in r.stdout
    assert "      Møte · ansvar: Rådmannsledelsen · rolle: deltar" in r.stdout
    # Ressursteam is PPT's, Barnevern's and Helsestasjon's, not Skole's.
    assert "Ressursteam" not in r.stdout
    # Waiting items only when the virksomhet is involved (Kommunepsykolog is Helsestasjon's).
    assert "Venter på dato" not in r.stdout


def test_alias_neste_gives_the_same(run) -> None:
    a = run("next", "-v", "skole", "--format", "tekst", plan=MINI)
    b = run("neste", "-v", "skole", "--format", "tekst", plan=MINI)
    assert a.exit_code == b.exit_code == 0
    assert a.stdout == b.stdout


def test_unfiltered_lists_everything_by_week_without_role(run) -> None:
    r = run("next", "--format", "tekst", plan=MINI)
    assert r.exit_code == 0, r.output
    out = r.stdout
    assert out.splitlines()[0] == "25.11.2026–24.12.2026 for alle virksomheter"
    weeks = [line for line in out.splitlines() if line.startswith("Uke ")]
    assert weeks == [
        "Uke 48 (23.11.–29.11.2026)",
        "Uke 49 (30.11.–06.12.2026)",
        "Uke 50 (07.12.–13.12.2026)",
        "Uke 51 (14.12.–20.12.2026)",
    ]
    assert "  torsdag 26.11.2026  Ressursteam – Ressursteam" in out
    assert "      Møte · ansvar: PPT, Barnevern, Helsestasjon" in out
    assert "rolle:" not in out
    # Weekly Thursday meetings; 24.12 is a closed day in the plan and not in the window anyway.
    assert out.count("Ressursteam – Ressursteam") == 4
    assert "Venter på dato" in out
    assert "Kommunepsykolog – Evaluering av kommunepsykolog: 1 år etter at kommunepsykolog-stillingen er besatt" in out


def test_ansvarlig_role(run) -> None:
    r = run("next", "-v", "ppt", "--dager", "7", "--format", "tekst", plan=MINI)
    assert r.exit_code == 0
    assert "  torsdag 26.11.2026  Ressursteam – Ressursteam" in r.stdout
    assert "rolle: ansvarlig" in r.stdout


def test_group_member_takes_part(run) -> None:
    # Barnehage is a member of samordningsgruppa, which is ansvarlig for its meetings.
    r = run("next", "-v", "bhg", "--fra", "1.2.2027", "--dager", "28", "--format", "tekst", plan=MINI)
    assert r.exit_code == 0
    assert "  onsdag 10.02.2027  Samordningsgruppa – Møte i samordningsgruppa" in r.stdout
    assert "      Møte · ansvar: Samordningsgruppa · rolle: deltar" in r.stdout


@pytest.mark.parametrize("fmt", ["tabell", "tekst", "markdown"])
def test_empty_window_is_a_friendly_line(run, fmt: str) -> None:
    r = run("next", "--virksomhet", "barnehage", "--format", fmt, plan=MINI)
    assert r.exit_code == 0
    assert "Ingenting i perioden 25.11.2026–24.12.2026 for Barnehage." in r.stdout


def test_empty_window_json_is_an_empty_array(run) -> None:
    r = run("next", "--virksomhet", "barnehage", "--format", "json", plan=MINI)
    assert r.exit_code == 0
    assert r.stdout == "[]\n"


def test_deadline_in_window_shows_days_left(run) -> None:
    r = run("next", "-v", "skole", "--format", "tekst", plan=MINI, today="20.03.2027")
    assert r.exit_code == 0
    assert "  onsdag 31.03.2027  PMTO – Evaluering av PMTO" in r.stdout
    assert "      Evaluering · om 11 dager · ansvar: Barnevern, Helsestasjon, Skole · rolle: ansvarlig" in r.stdout


def test_deadline_after_window_shows_early_once_varsel_has_begun(run) -> None:
    r = run("next", "--dager", "7", "--format", "tekst", plan=MINI, today="20.05.2027")
    assert r.exit_code == 0
    out = r.stdout
    head, _, tail = out.partition("Frister som nærmer seg\n")
    assert "Evaluering av SAMBA" not in head
    assert tail.startswith("  mandag 31.05.2027  SAMBA – Evaluering av SAMBA\n")
    assert "      Evaluering · om 11 dager · ansvar: Rådmannsledelsen" in tail


def test_deadline_varsel_not_begun_is_not_shown(run) -> None:
    # SAMBA's evaluation (31.05.2027) has varsel 14: from 17.05.
    r = run("next", "--dager", "7", "--format", "tekst", plan=MINI, today="10.05.2027")
    assert r.exit_code == 0
    assert "Evaluering av SAMBA" not in r.stdout
    assert "Frister som nærmer seg" not in r.stdout


def test_moved_date_says_from_what_and_why(run) -> None:
    # PMTO: innen utgangen av mars; 31.03.2024 is Easter Sunday, 28.–29.03 are holidays.
    r = run("next", "-v", "skole", "--format", "tekst", plan=MINI, today="20.03.2024")
    assert r.exit_code == 0
    assert "  onsdag 27.03.2024  PMTO – Evaluering av PMTO" in r.stdout
    # Every skipped weekday is named, not only the rule's own day: a leader
    # must see why the meeting is not where the rule puts it.
    assert "om 7 dager · flyttet fra 31.03.2024 (1. påskedag; 29.03 er langfredag; 28.03 er skjærtorsdag)" in r.stdout


@pytest.mark.parametrize("fra", ["1.12.2026", "01.12.2026", "2026-12-01"])
def test_til_is_inclusive_and_dates_in_three_spellings(run, fra: str) -> None:
    r = run("next", "-v", "skole", "--fra", fra, "--til", fra, "--format", "json", plan=MINI)
    assert r.exit_code == 0, r.output
    assert [o["id"] for o in json.loads(r.stdout)] == ["samba.mote.2026-12-01"]


def test_dager_sets_the_window(run) -> None:
    r = run("next", "--dager", "1", "--format", "json", plan=MINI)
    assert [o["dato"] for o in json.loads(r.stdout)] == []
    r = run("next", "--dager", "2", "--format", "json", plan=MINI)
    assert [o["dato"] for o in json.loads(r.stdout)] == ["2026-11-26"]


# --- formats -------------------------------------------------------------------


def test_json_contract(run) -> None:
    r = run("next", "-v", "skole", "--format", "json", plan=MINI)
    assert r.exit_code == 0
    data = json.loads(r.stdout)
    assert isinstance(data, list) and len(data) == 1
    obj = data[0]
    assert set(obj) == JSON_KEYS
    assert obj == {
        "id": "samba.mote.2026-12-01",
        "nokkel": "samba.mote.2026-12",
        "dato": "2026-12-01",
        "sluttdato": None,
        "tid": "09:00",
        "slutt": "11:00",
        "tiltak": "samba",
        "tiltak_navn": "SAMBA",
        "hendelse": "mote",
        "tittel": "SAMBA-møte",
        "type": "møte",
        "ansvar": ["raadmannsledelsen"],
        "deltakere": ["skole", "ppt"],
        "rolle": "deltar",
        "antatt": True,
        "antatt_grunn": "Planen sier bare måned.",
        "ansvar_antatt": None,
        "deltakere_antatt": None,
        "lagt_til": None,
        "etter_planperioden": True,
        "sted": None,
        "kilde": "7.11",
        "varsel": 0,
        "flyttet_fra": None,
        "flyttet_grunn": None,
        "tidlig_varsel": False,
        "dager_igjen": 6,
        "status": None,  # no sign-off database: follow-up not in use
        "utfort": None,
    }
    # ensure_ascii=False, sort_keys=True, indent=2
    assert '"tittel": "SAMBA-møte"' in r.stdout
    assert r.stdout.startswith('[\n  {\n    "ansvar": [')


def test_json_unfiltered_has_null_role_and_early_deadlines_marked(run) -> None:
    r = run("next", "--dager", "7", "--format", "json", plan=MINI, today="20.05.2027")
    data = json.loads(r.stdout)
    assert all(o["rolle"] is None for o in data)
    early = [o for o in data if o["tidlig_varsel"]]
    assert [(o["id"], o["dager_igjen"], o["varsel"]) for o in early] == [("samba.evaluering.2027-05-31", 11, 14)]
    assert all(set(o) == JSON_KEYS for o in data)


def test_json_moved_date(run) -> None:
    r = run("next", "-v", "skole", "--format", "json", plan=MINI, today="20.03.2024")
    (obj,) = [o for o in json.loads(r.stdout) if o["tiltak"] == "pmto"]
    assert obj["dato"] == "2024-03-27"
    assert obj["flyttet_fra"] == "2024-03-31"
    assert obj["antatt"] is False and obj["tid"] is None


def test_markdown(run) -> None:
    r = run("next", "-v", "skole", "--format", "markdown", plan=MINI)
    assert r.exit_code == 0
    lines = r.stdout.splitlines()
    assert lines[0] == "# 25.11.2026–24.12.2026 for Skole"
    assert "## Uke 49 (30.11.–06.12.2026)" in lines
    assert "| Dato | Tid | Hva | Type | Ansvar | Rolle | Merknad |" in lines
    assert (
        "| tirsdag 01.12.2026 | 09:00–11:00 | SAMBA – SAMBA-møte | Møte | Rådmannsledelsen | deltar "
        "| *antatt dato* |"
    ) in lines


def test_table_marks_assumed_dates_with_a_footnote(run) -> None:
    r = run("next", "-v", "skole", plan=MINI)  # tabell is the default
    assert r.exit_code == 0
    out = r.stdout
    assert out.splitlines()[0] == "25.11.2026–24.12.2026 for Skole"
    # The line under the heading: the test plan's period ended in 2022, and it says why it goes on.
    assert out.splitlines()[1].startswith("Planperioden 2018–2022 sluttet 31.12.2022.")
    header = next(line for line in out.splitlines() if line.lstrip().startswith("Uke")).split()
    assert header == ["Uke", "Dato", "Tid", "Type", "Hva", "Ansvar", "Rolle"]
    row = next(line for line in out.splitlines() if "tir 01.12.2026*" in line)
    assert row.split()[:4] == ["49", "tir", "01.12.2026*", "09:00–11:00"]
    assert "deltar" in row
    assert "* Antatt dato: planen gir ikke nøyaktig dato for disse" in out
    assert "  SAMBA – SAMBA-møte: Planen sier bare måned." in out


def test_table_early_deadlines_and_waiting(run) -> None:
    r = run("next", "--dager", "7", plan=MINI, today="20.05.2027")
    out = r.stdout
    section = out.split("Frister som nærmer seg\n", 1)[1]
    row = next(line for line in section.splitlines() if "31.05.2027" in line)
    assert row.split()[:3] == ["man", "31.05.2027", "Evaluering"]
    assert "om 11 dager" in section
    assert "Venter på dato" in out


# --- terminal safety -------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATER)
@pytest.mark.parametrize("no_color", [False, True])
def test_no_ansi_when_not_a_terminal(run, fmt: str, no_color: bool) -> None:
    env = {"NO_COLOR": "1"} if no_color else {}
    r = run("next", "--format", fmt, plan=MINI, today="20.05.2027", env=env)
    assert r.exit_code == 0
    assert "\x1b[" not in r.stdout
    assert "Ressursteam" in r.stdout


def test_table_width_does_not_depend_on_the_terminal(run) -> None:
    narrow = run("next", plan=MINI, env={"COLUMNS": "40"})
    wide = run("next", plan=MINI, env={"COLUMNS": "250"})
    assert narrow.stdout == wide.stdout
    assert max(len(line) for line in wide.stdout.splitlines()) <= 100


def test_table_in_colour_for_a_terminal_keeps_markup_literal() -> None:
    from aarshjul.engine.expand import waiting
    from aarshjul.engine.select import upcoming
    from aarshjul.plan.loader import load_plan
    from aarshjul.render.table import render_next

    plan = load_plan(HOSTILE)
    fra, til = date(2026, 11, 25), date(2026, 12, 25)
    rader = upcoming(plan, fra, til)
    kwargs = {"fra": fra, "til": til, "virksomheter": [], "width": 160}
    farget = render_next(plan, rader, waiting(plan), color=True, **kwargs)
    plain = render_next(plan, rader, waiting(plan), color=False, **kwargs)
    assert "\x1b[1m" in farget  # bold title: colour really is on
    assert "\x1b[" not in plain
    assert "[bold red]x[/]" in farget and "[bold red]x[/]" in plain
    assert "\\x1b[31mRØD" in plain  # the plan's ESC is shown escaped, not obeyed


@pytest.mark.parametrize("fmt", ["tabell", "tekst"])
def test_hostile_plan_text_prints_literally(run, fmt: str) -> None:
    r = run("next", "--format", fmt, plan=HOSTILE)
    assert r.exit_code == 0, r.output
    out = r.stdout
    assert "[bold red]x[/]" in out
    assert "Skole [red]rød[/red]" in out
    assert "\x1b" not in out and "\x07" not in out and "\x9b" not in out
    assert "\\x1b[31mRØD" in out  # shown escaped, not obeyed
    if fmt == "tekst":
        assert "Møte \\x1b[31mRØD\\x1b[0m\\x07 [x](https://evil.example) :smile: (antatt dato)" in out
    assert ":smile:" in out  # no emoji substitution


def test_hostile_plan_markdown_is_escaped(run) -> None:
    r = run("next", "--format", "markdown", plan=HOSTILE)
    assert r.exit_code == 0
    out = r.stdout
    assert "\\[bold red\\]x\\[/\\]" in out
    assert "PPT \\*fet\\* \\| \\_kursiv\\_" in out
    assert "\\<b\\>fet\\</b\\>" in out
    assert "\\x1b\\[31mRØD" in out
    assert "\x1b" not in out


def test_hostile_plan_json_keeps_the_data(run) -> None:
    r = run("next", "--format", "json", plan=HOSTILE)
    assert r.exit_code == 0
    assert "\x1b" not in r.stdout and "\x9b" not in r.stdout  # escaped as \u001b, \u009b
    data = json.loads(r.stdout)
    assert data[0]["tiltak_navn"] == "[bold red]x[/]"
    assert data[0]["tittel"].startswith("Møte \x1b[31mRØD\x1b[0m\x07")
    assert data[1]["tittel"].endswith("\x9b31m")


class _Tty:
    def isatty(self) -> bool:
        return True


class _Pipe:
    def isatty(self) -> bool:
        return False


def test_colour_and_terminal_width_only_on_a_terminal_without_no_color(monkeypatch) -> None:
    import os
    import shutil

    from aarshjul.cli import common as cli

    monkeypatch.setattr(shutil, "get_terminal_size", lambda fallback=(0, 0): os.terminal_size((132, 40)))
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setattr(cli.sys, "stdout", _Tty())
    assert cli.screen() == (132, True)
    monkeypatch.setenv("NO_COLOR", "1")
    assert cli.screen() == (cli.TABELL_BREDDE, False)
    monkeypatch.delenv("NO_COLOR")
    monkeypatch.setattr(cli.sys, "stdout", _Pipe())
    assert cli.screen() == (cli.TABELL_BREDDE, False)


def test_week_heading_across_new_year() -> None:
    from aarshjul.render.views import uke_overskrift

    assert uke_overskrift(date(2026, 12, 31)) == "Uke 53 (28.12.2026–03.01.2027)"
    assert uke_overskrift(date(2027, 1, 3)) == "Uke 53 (28.12.2026–03.01.2027)"
    assert uke_overskrift(date(2026, 11, 25)) == "Uke 48 (23.11.–29.11.2026)"
