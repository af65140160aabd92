"""`aarshjul calendar`: the årshjul month by month."""

from __future__ import annotations

import json

import pytest
from conftest import PLANS

MINI = PLANS / "mini.yaml"


def _months(out: str) -> list[str]:
    return [line for line in out.splitlines() if line and not line.startswith((" ", "=")) and line[-4:].isdigit()]


def test_default_is_the_current_school_year(run) -> None:
    r = run("calendar", "-v", "skole", "--format", "tekst", plan=MINI)  # today 25.11.2026
    assert r.exit_code == 0, r.output
    out = r.stdout
    assert out.splitlines()[0] == "Årshjul skoleåret 2026/27 for Skole"
    months = _months(out)
    assert months[0] == "August 2026" and months[-1] == "Juli 2027" and len(months) == 12
    # SAMBA meetings: første tirsdag in August, December, March and May.
    assert out.count("SAMBA – SAMBA-møte (antatt dato)") == 4
    for month, day in [("August 2026", "tirsdag 4."), ("Desember 2026", "tirsdag 1."),
                       ("Mars 2027", "tirsdag 2."), ("Mai 2027", "tirsdag 4.")]:  # fmt: skip
        block = out.split(month + "\n", 1)[1].split("\n\n", 1)[0]
        assert f"  {day}" in block and "09:00–11:00  SAMBA – SAMBA-møte" in block, month
    assert "Oktober 2026\n  (ingenting)" in out
    assert "rolle: deltar" in out and "rolle: ansvarlig" in out


def test_alias_kalender(run) -> None:
    a = run("calendar", "--format", "tekst", plan=MINI)
    b = run("kalender", "--format", "tekst", plan=MINI)
    assert a.exit_code == b.exit_code == 0
    assert a.stdout == b.stdout


@pytest.mark.parametrize("option", ["--år", "--aar"])
def test_calendar_year(run, option: str) -> None:
    r = run("calendar", option, "2027", "--format", "tekst", plan=MINI)
    assert r.exit_code == 0, r.output
    out = r.stdout
    assert out.splitlines()[0] == "Årshjul 2027 for alle virksomheter"
    months = _months(out)
    assert months[0] == "Januar 2027" and months[-1] == "Desember 2027"
    mars = out.split("Mars 2027\n", 1)[1].split("\n\n", 1)[0]
    # Weekly Thursday meetings with hopp_over: 25.03.2027 is skjærtorsdag.
    assert "torsdager 4., 11., 18.  Ressursteam – Ressursteam" in mars
    feb = out.split("Februar 2027\n", 1)[1].split("\n\n", 1)[0]
    assert "Evaluering · flyttet fra 28.02.2027 (søndag) · ansvar: Rådmannsledelsen" in feb
    assert "rolle:" not in out


@pytest.mark.parametrize("option", ["--skoleår", "--skoleaar"])
def test_school_year_option(run, option: str) -> None:
    r = run("calendar", option, "2027/28", "--format", "json", plan=MINI)
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert all("2027-08-01" <= o["dato"] < "2028-08-01" for o in data)
    assert [o["dato"] for o in data if o["id"].startswith("kvello.")] == ["2027-10-15"]
    assert [o["hendelse"] for o in data if o["id"].startswith("kvello.")] == ["aar2"]


def test_json_is_the_next_contract(run) -> None:
    r = run("calendar", "-v", "skole", "--format", "json", plan=MINI)
    data = json.loads(r.stdout)
    samba = [o for o in data if o["tiltak"] == "samba" and o["hendelse"] == "mote"]
    assert [o["dato"] for o in samba] == ["2026-08-04", "2026-12-01", "2027-03-02", "2027-05-04"]
    assert all(o["rolle"] == "deltar" and o["antatt"] is True for o in samba)
    assert {o["rolle"] for o in data if o["tiltak"] == "pmto"} == {"ansvarlig"}


def test_markdown(run) -> None:
    r = run("calendar", "-v", "skole", "--format", "markdown", plan=MINI)
    assert r.exit_code == 0
    lines = r.stdout.splitlines()
    assert lines[0] == "# Årshjul skoleåret 2026/27 for Skole"
    assert "## August 2026" in lines and "## Juli 2027" in lines
    assert "| tirsdag 4. | 09:00–11:00 | SAMBA – SAMBA-møte | Møte | Rådmannsledelsen | deltar | *antatt dato* |" in lines
    oktober = r.stdout.split("## Oktober 2026\n\n", 1)[1]
    assert oktober.startswith("*Ingenting denne måneden.*")


def test_table(run) -> None:
    r = run("calendar", "-v", "skole", plan=MINI)
    assert r.exit_code == 0
    out = r.stdout
    assert out.splitlines()[0] == "Årshjul skoleåret 2026/27 for Skole"
    lines = out.splitlines()
    i = next(i for i, line in enumerate(lines) if line.startswith("August 2026"))
    row = lines[i]
    # The day may wrap onto the next line when the columns are tight: «tirsdag» / «4.*».
    assert row.split()[:3] == ["August", "2026", "tirsdag"] and "09:00–11:00" in row
    assert "4.*" in row or lines[i + 1].split()[0] == "4.*"
    assert "deltar" in row
    assert "SAMBA – SAMBA-møte: Planen sier bare måned." in out
    assert "\x1b[" not in out


def test_waiting_items_are_listed(run) -> None:
    r = run("calendar", "-v", "helsestasjon", "--format", "tekst", plan=MINI)
    assert "Venter på dato\n  Kommunepsykolog – Evaluering av kommunepsykolog: 1 år etter" in r.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--år", "2027", "--skoleår", "2026/27"], "Feil: Bruk enten --år eller --skoleår, ikke begge."),
        (["--år", "27x"], "Feil: --år: «27x» er ikke et årstall; skriv f.eks. --år 2027."),
        (["--skoleår", "2026/28"], "Feil: --skoleår: «2026/28» er ikke et skoleår; skriv f.eks. 2026/27."),
        (["--format", "svg"], "Feil: Ukjent format «svg». Velg et av: tabell, tekst, markdown, json."),
        (["-v", "skolen"], "Feil: Ukjent virksomhet «skolen». Mente du «skole»?"),
    ],
)
def test_user_errors(run, args: list[str], message: str) -> None:
    r = run("calendar", *args, plan=MINI)
    assert r.exit_code == 2
    assert r.stderr.startswith(message)
    assert r.stdout == ""
    assert "Traceback" not in r.output
