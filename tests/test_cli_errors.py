"""User errors: a bokmål message on stderr, exit 2, never a traceback."""

from __future__ import annotations

import pytest
from conftest import PLANS

MINI = PLANS / "mini.yaml"
BROKEN = PLANS / "cli_broken.yaml"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["next", "-v", "barnehagen"],
         "Feil: Ukjent virksomhet «barnehagen». Mente du «barnehage»? Gyldige virksomheter: barnehage, "
         "barnevern, helsestasjon, ppt, raadmannsledelsen, samordningsgruppa, skole."),
        (["neste", "--virksomhet", "xyz"],
         "Feil: Ukjent virksomhet «xyz». Gyldige virksomheter: barnehage, barnevern, helsestasjon, ppt, "
         "raadmannsledelsen, samordningsgruppa, skole."),
        (["next", "--fra", "31.02.2027"], "Feil: --fra: «31.02.2027» finnes ikke: februar 2027 har 28 dager."),
        (["next", "--fra", "neste uke"],
         "Feil: --fra: «neste uke» er ikke en dato; skriv dd.mm.åååå (01.03.2027) eller åååå-mm-dd."),
        (["next", "--til", "2026-13-01"], "Feil: --til: «2026-13-01» har måned 13; måneden må være 1–12."),
        (["next", "--til", "1.1.2026"], "Feil: --til kan ikke være før --fra."),
        (["next", "--dager", "tretti"], "Feil: --dager må være et helt tall mellom 1 og 3660, ikke «tretti»."),
        (["next", "--dager", "0"], "Feil: --dager må være et helt tall mellom 1 og 3660, ikke «0»."),
        (["next", "--dager", "7", "--til", "1.12.2026"], "Feil: Bruk enten --til eller --dager, ikke begge."),
        (["next", "--format", "html"], "Feil: Ukjent format «html». Velg et av: tabell, tekst, markdown, json."),
        (["next", "--virksomheter", "skole"], "Feil: Ukjent valg «--virksomheter». Mente du --virksomhet?"),
        (["next", "--fra"], "Feil: --fra mangler en verdi."),
        (["next", "skole"], "Feil: Ukjent argument «skole»; kommandoen tar bare valg (som --virksomhet)."),
        (["tiltak", "-v", "skolen"], "Feil: Ukjent virksomhet «skolen». Mente du «skole»?"),
        (["tiltak", "--format", "pdf"], "Feil: Ukjent format «pdf»."),
        (["virksomheter", "--format", "csv"], "Feil: Ukjent format «csv»."),
        (["check", "--strict"], "Feil: Ukjent valg «--strict»."),
    ],
)
def test_usage_errors(run, args: list[str], message: str) -> None:
    r = run(*args, plan=MINI)
    assert r.exit_code == 2, r.output
    assert r.stderr.startswith(message)
    assert r.stdout == ""
    assert "Traceback" not in r.output


def test_unknown_option_points_to_help(run) -> None:
    r = run("next", "--foo", plan=MINI)
    assert r.exit_code == 2
    assert r.stderr == "Feil: Ukjent valg «--foo». Mente du --format eller --fra? Se «aarshjul next --help».\n"


@pytest.mark.parametrize("cmd", ["next", "calendar", "tiltak", "virksomheter"])
def test_bad_plan_exits_2(run, cmd: str) -> None:
    r = run(cmd, plan=BROKEN)
    assert r.exit_code == 2
    assert r.stderr.startswith(f"Feil i planen: {BROKEN}:14:14: Tiltaket «samarbeid»: ansvar: ukjent virksomhet")
    assert r.stdout == ""


def test_unreadable_plan_files_exit_2(run, tmp_path) -> None:
    r = run("next", plan=tmp_path / "borte.yaml")
    assert r.exit_code == 2
    assert r.stderr == f"Feil i planen: {tmp_path / 'borte.yaml'}: filen finnes ikke.\n"
    r = run("next", plan=tmp_path)
    assert r.exit_code == 2
    assert "er en mappe, ikke en fil. Oppgi stien til plan.yaml." in r.stderr
    latin1 = tmp_path / "latin1.yaml"
    latin1.write_bytes(b"plan:\n  navn: R\xe5dmannen\n")
    r = run("next", plan=latin1)
    assert r.exit_code == 2
    assert "filen er ikke UTF-8" in r.stderr
    assert "Traceback" not in r.output


def test_plan_from_environment(run) -> None:
    r = run("next", "-v", "skole", "--format", "json", env={"AARSHJUL_PLAN": str(MINI)})
    assert r.exit_code == 0, r.output
    assert '"id": "samba.mote.2026-12-01"' in r.stdout
