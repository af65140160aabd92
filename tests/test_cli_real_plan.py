"""The leader commands against the real plan, data/plan.yaml (issue 3)."""

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
