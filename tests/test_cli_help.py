"""--help: bokmål, an example, and the Norwegian aliases in the command list."""

from __future__ import annotations

import pytest

COMMANDS = {
    "next": "Eksempel: aarshjul next --virksomhet VIRKSOMHET --dager 14",
    "calendar": "Eksempel: aarshjul calendar --virksomhet VIRKSOMHET --skoleår 2026/27",
    "tiltak": "Eksempel: aarshjul tiltak --virksomhet VIRKSOMHET",
    "virksomheter": "Eksempel: aarshjul virksomheter",
    "check": "Eksempel: aarshjul check --plan data/plan.yaml",
    "ferier": "Eksempel: aarshjul ferier --skoleår 2026/27",
    "publiser": "Eksempel: aarshjul publiser -o /var/www/aarshjul",
    "ny": "Eksempel: aarshjul ny plan.yaml",
    "schema": "Eksempel: aarshjul schema > plan.schema.json",
    "lenke": "Eksempel: aarshjul lenke --virksomhet VIRKSOMHET --dager 14",
    "serve": "Eksempel: aarshjul serve --port 8080",
}


@pytest.mark.parametrize("cmd", sorted(COMMANDS))
def test_command_help_is_norwegian_with_an_example(run, cmd: str) -> None:
    r = run(cmd, "--help", today=None)
    assert r.exit_code == 0
    out = r.stdout
    assert out.startswith(f"Bruk: aarshjul {cmd} [VALG]")
    assert "\nValg:\n" in out
    assert "Vis denne hjelpen og avslutt." in out
    assert COMMANDS[cmd] in out
    for english in ("Usage:", "Options:", "Show this message"):
        assert english not in out


@pytest.mark.parametrize(("alias", "cmd"), [("neste", "next"), ("kalender", "calendar"), ("sjekk", "check")])
def test_aliases_are_listed_and_work_with_help(run, alias: str, cmd: str) -> None:
    top = run("--help", today=None).stdout
    line = next(line for line in top.splitlines() if line.strip().startswith(cmd + " "))
    assert f"(alias: {alias})" in line
    r = run(alias, "-h", today=None)
    assert r.exit_code == 0
    assert COMMANDS[cmd] in r.stdout


def test_format_option_documented(run) -> None:
    out = run("next", "--help", today=None).stdout
    assert "--format FORMAT" in out
    assert "tabell (standard, for skjermen), tekst (for e-post og cron), markdown" in " ".join(out.split())


def test_readme_documents_every_command_and_the_json_contract() -> None:
    import re

    from conftest import REPO

    from aarshjul.render.json import FOREKOMST_KEYS

    readme = (REPO / "docs" / "bruk.md").read_text(encoding="utf-8")
    for cmd in COMMANDS:
        assert f"### `aarshjul {cmd}`" in readme
    json_doc = (REPO / "docs" / "json.md").read_text(encoding="utf-8")
    assert json_doc.startswith("# JSON-format\n")
    json_section = json_doc.split("\n## ", 1)[0]
    documented = set(re.findall(r"^\| `([a-z_]+)` \|", json_section, flags=re.MULTILINE))
    assert documented == FOREKOMST_KEYS
    assert "$ aarshjul next --virksomhet barnehage\n" in readme


def test_top_level_help_and_usage_errors_are_bokmaal(run) -> None:
    result = run("--help", today=None)
    assert result.exit_code == 0
    assert "Bruk:" in result.stdout and "Kommandoer:" in result.stdout
    assert "Vis denne hjelpen og avslutt." in result.stdout
    assert "Usage:" not in result.stdout and "Show this message" not in result.stdout
    result = run("nxet", today=None)
    assert result.exit_code == 2
    assert "Ukjent kommando «nxet». Mente du «next»?" in result.stderr
    result = run("--foo", today=None)
    assert result.exit_code == 2
    assert "Ukjent valg «--foo»." in result.stderr
    assert "Traceback" not in result.output


@pytest.mark.parametrize("kommando", ["ics", "digest", "wheel"])
def test_export_commands_help_is_bokmaal(run, kommando: str) -> None:
    result = run(kommando, "--help", today=None)
    assert result.exit_code == 0
    assert result.stdout.startswith("Bruk:")
    assert "Eksempel: aarshjul" in result.stdout
    assert "Options:" not in result.stdout


def test_plan_option_works_after_the_command_too(run, mini_path) -> None:
    before = run("--plan", str(mini_path), "next", "-v", "skole", "--format", "json")
    after = run("next", "-v", "skole", "--format", "json", "--plan", str(mini_path))
    assert before.exit_code == after.exit_code == 0
    assert before.stdout == after.stdout
    assert '"id": "samba.mote.2026-12-01"' in after.stdout
    result = run("check", f"--plan={mini_path}")
    assert result.exit_code == 0 and "Testplan" in result.stdout
