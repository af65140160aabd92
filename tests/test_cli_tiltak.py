"""`aarshjul tiltak` and `aarshjul virksomheter`."""

from __future__ import annotations

import json

import pytest
from conftest import PLANS

MINI = PLANS / "mini.yaml"
CHECK = PLANS / "cli_check.yaml"
HOSTILE = PLANS / "cli_hostile.yaml"


def _block(out: str, heading: str) -> str:
    return out.split(heading + "\n", 1)[1].split("\n\n", 1)[0]


def test_every_tiltak_with_kilde_sone_ansvar_and_next_date(run) -> None:
    r = run("tiltak", "--format", "tekst", plan=MINI)
    assert r.exit_code == 0, r.output
    out = r.stdout
    assert out.splitlines()[0] == "Tiltak for alle virksomheter (7)"
    assert _block(out, "SAMBA (samba)") == (
        "  Kilde: 7.11 · sone: gul\n"
        "  Ansvar: Rådmannsledelsen · deltakere: Skole, PPT\n"
        "  Neste: tirsdag 01.12.2026 (om 6 dager): SAMBA-møte (antatt dato)"
    )
    assert "  Neste: torsdag 26.11.2026 (i morgen): Ressursteam" in _block(out, "Ressursteam (ressursteam)")
    # Kvello alternates: år 1 in 2026/27 (passed), år 2 in autumn 2027.
    assert "  Neste: fredag 15.10.2027 (om 324 dager): Kvello år 2 – oppfølging" in _block(out, "Kvello (kvello)")
    psykolog = _block(out, "Kommunepsykolog (psykolog)")
    assert ("  Neste: venter på dato: Evaluering av kommunepsykolog, 1 år etter at "
            "kommunepsykolog-stillingen er besatt") in psykolog  # fmt: skip


def test_filtered_shows_only_own_tiltak_with_role(run) -> None:
    r = run("tiltak", "-v", "skole", "--format", "tekst", plan=MINI)
    assert r.exit_code == 0
    out = r.stdout
    assert out.splitlines()[0] == "Tiltak for Skole (3)"
    titles = [line for line in out.splitlines()[3:] if line.endswith(")") and not line.startswith(" ")]
    assert titles == ["SAMBA (samba)", "PMTO (pmto)", "Samordningsgruppa (samordning)"]
    # PMTO's tiltak ansvar is PPT, but its evaluation names Skole: ansvarlig.
    assert "  Ansvar: PPT · rolle: ansvarlig" in _block(out, "PMTO (pmto)")
    assert "rolle: deltar" in _block(out, "Samordningsgruppa (samordning)")


def test_no_more_dates(run) -> None:
    r = run("tiltak", "--format", "tekst", plan=CHECK)
    assert "  Neste: ingen flere datoer" in _block(r.stdout, "Avsluttet tiltak (ferdig)")


def test_json(run) -> None:
    r = run("tiltak", "-v", "skole", "--format", "json", plan=MINI)
    data = json.loads(r.stdout)
    assert [t["id"] for t in data] == ["samba", "pmto", "samordning"]
    samba = data[0]
    assert set(samba) == {"id", "navn", "kilde", "sone", "ansvar", "deltakere", "rolle", "neste", "venter_paa_dato",
                          "uten_dato", "ansvar_antatt", "deltakere_antatt"}
    assert samba["uten_dato"] == []
    assert samba["sone"] == "gul" and samba["rolle"] == "deltar"
    assert samba["neste"]["id"] == "samba.mote.2026-12-01" and samba["neste"]["rolle"] == "deltar"
    r = run("tiltak", "--format", "json", plan=MINI)
    psykolog = next(t for t in json.loads(r.stdout) if t["id"] == "psykolog")
    assert psykolog["venter_paa_dato"] == [{
        "hendelse": "evaluering", "tittel": "Evaluering av kommunepsykolog", "dato": "psykolog_besatt",
        "dato_navn": "Kommunepsykolog-stillingen er besatt", "innen": "1 år",
    }]  # fmt: skip
    assert psykolog["neste"] is None


def test_markdown_and_table(run) -> None:
    md = run("tiltak", "-v", "skole", "--format", "markdown", plan=MINI)
    assert md.exit_code == 0
    assert "| Tiltak | Kilde | Sone | Ansvar | Deltakere | Rolle | Neste |" in md.stdout
    assert "| PMTO (pmto) | 7.10 |   | PPT |   | ansvarlig | onsdag 31.03.2027 (om 126 dager): Evaluering av PMTO |" in md.stdout
    tabell = run("tiltak", plan=MINI)
    assert tabell.exit_code == 0
    assert tabell.stdout.splitlines()[1].split() == ["Tiltak", "Kilde", "Sone", "Ansvar", "Neste"]
    assert "SAMBA (samba)" in tabell.stdout and "\x1b[" not in tabell.stdout


@pytest.mark.parametrize("fmt", ["tabell", "tekst", "markdown"])
def test_hostile_tiltak(run, fmt: str) -> None:
    r = run("tiltak", "--format", fmt, plan=HOSTILE)
    assert r.exit_code == 0
    assert "\x1b" not in r.stdout
    expected = "\\[bold red\\]x\\[/\\]" if fmt == "markdown" else "[bold red]x[/]"
    if fmt == "tabell":  # the table may wrap the text at its space: each word is literal
        assert all(ord_ in r.stdout.split() for ord_ in expected.split())
    else:
        assert expected in r.stdout


# --- virksomheter --------------------------------------------------------------------


def test_virksomheter_text(run) -> None:
    r = run("virksomheter", "--format", "tekst", plan=MINI)
    assert r.exit_code == 0
    lines = r.stdout.splitlines()
    assert lines[0].split() == ["Nøkkel", "Navn", "Leder", "Aliaser", "Medlemmer"]
    assert lines[1].split() == ["barnehage", "Barnehage", "Styrer", "bhg"]
    assert lines[-1].split() == ["samordningsgruppa", "Samordningsgruppa", "Barnehage,", "Skole,", "PPT"]


def test_virksomheter_json_markdown_table(run) -> None:
    data = json.loads(run("virksomheter", "--format", "json", plan=MINI).stdout)
    assert data[0] == {"id": "barnehage", "navn": "Barnehage", "aliaser": ["bhg"], "leder": "Styrer",
                       "ekstern": False, "medlemmer": []}  # fmt: skip
    assert data[-1]["medlemmer"] == ["barnehage", "skole", "ppt"]
    md = run("virksomheter", "--format", "markdown", plan=HOSTILE).stdout
    assert "| ppt | PPT \\*fet\\* \\| \\_kursiv\\_ |   |   |   |" in md
    tabell = run("virksomheter", plan=MINI).stdout
    assert "helsestasjon" in tabell and "skolehelsetjenesten" in tabell
    assert "Skole [red]rød[/red]" in run("virksomheter", plan=HOSTILE).stdout
