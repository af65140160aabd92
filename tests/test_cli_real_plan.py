"""The leader commands against the real plan, data/plan.yaml."""

from __future__ import annotations

import json


def test_samba_meetings_2026_27_in_august_december_march_may(run) -> None:
    r = run("calendar", "--skoleår", "2026/27", "--format", "json")
    assert r.exit_code == 0, r.output
    moter = [o for o in json.loads(r.stdout) if o["tiltak"] == "samba" and o["hendelse"] == "mote"]
    assert [int(o["dato"][5:7]) for o in moter] == [8, 12, 3, 5]
    assert all(o["antatt"] for o in moter)


def test_next_for_barnehage(run) -> None:
    r = run("next", "--virksomhet", "barnehage", "--format", "tekst")
    assert r.exit_code == 0, r.output
    assert r.stdout.startswith("25.11.2026–24.12.2026 for Barnehage\n")


def test_check_accepts_the_real_plan(run) -> None:
    r = run("check")
    assert r.exit_code == 0, r.output
    assert r.stdout.startswith("Planen er gyldig: ")


def test_readme_session_is_real_output(run) -> None:
    """docs/bruk.md shows `aarshjul next --virksomhet barnehage` on 25.11.2026; keep it true."""
    from conftest import REPO

    readme = (REPO / "docs" / "bruk.md").read_text(encoding="utf-8")
    start = readme.index("$ aarshjul next --virksomhet barnehage\n") + len("$ aarshjul next --virksomhet barnehage\n")
    shown = readme[start : readme.index("```", start)]
    r = run("next", "--virksomhet", "barnehage")
    assert r.exit_code == 0, r.output
    assert r.stdout == shown


def test_pmto_and_mobbing_evaluations_due_last_working_day_of_march(run) -> None:
    r = run("calendar", "--år", "2027", "--format", "json")
    frister = {(o["tiltak"], o["hendelse"]): o["dato"] for o in json.loads(r.stdout) if o["type"] == "evaluering"}
    assert frister[("pmto", "evaluering")] == "2027-03-31"
    assert frister[("mobbing", "evaluering")] == "2027-03-31"
    r = run("calendar", "--år", "2029", "--format", "json")
    frister = {(o["tiltak"], o["hendelse"]): o["dato"] for o in json.loads(r.stdout) if o["type"] == "evaluering"}
    # 31.03.2029 is a Saturday, 30.03 langfredag, 29.03 skjærtorsdag.
    assert frister[("pmto", "evaluering")] == "2029-03-28"
