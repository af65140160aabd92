"""The plan's period: nothing is dated after periode_til unless the plan says it is
continued (videreført), and then every output says so once, where a reader sees it first."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import PLANS
from icalendar import Calendar

MINI = PLANS / "mini.yaml"
VIDEREFOERT = "Planperioden 2018–2022 sluttet 31.12.2022. Datoene etter det er med fordi planen er videreført"
IKKE = "Planperioden 2018–2022 sluttet 31.12.2022. Planen er ikke videreført, så ingenting etter 31.12.2022"


def _uten_viderefoering(tmp_path: Path) -> Path:
    tekst = MINI.read_text(encoding="utf-8").replace('  videreført: "Testplanen gjelder til den er rullert."\n', "")
    assert "videreført" not in tekst
    plan = tmp_path / "plan.yaml"
    plan.write_text(tekst, encoding="utf-8")
    return plan


def test_without_videreført_nothing_is_dated_after_the_period(tmp_path: Path) -> None:
    from datetime import date

    from aarshjul.engine.expand import expand
    from aarshjul.plan.loader import load_plan

    plan = load_plan(_uten_viderefoering(tmp_path))
    datoer = [f.dato for f in expand(plan, date(2022, 1, 1), date(2028, 1, 1))]
    assert datoer and max(datoer) <= date(2022, 12, 31)
    # The SAMBA meeting of December 2022 is the last one; the plan's own dates are kept.
    assert date(2022, 12, 6) in datoer
    videre = load_plan(MINI)
    etter = [f for f in expand(videre, date(2022, 12, 1), date(2023, 1, 10)) if f.dato > date(2022, 12, 31)]
    assert etter and all(f.etter_planperioden for f in etter)
    assert not any(f.etter_planperioden for f in expand(videre, date(2022, 12, 1), date(2023, 1, 1)))


def test_without_videreført_next_and_check_say_why_it_is_empty(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    plan = _uten_viderefoering(tmp_path)
    r = run("next", "-v", "skole", "--format", "tekst", plan=plan)
    assert r.exit_code == 0, r.output
    assert r.stdout.splitlines()[3].startswith(IKKE)
    assert "Ingenting i perioden 25.11.2026–24.12.2026 for Skole." in r.stdout
    check = run("check", plan=plan)
    assert "Planperioden 2018–2022 er utløpt (periode_til 31.12.2022). Programmet lager ingen datoer etter den." \
        in check.stdout
    assert '«videreført: "begrunnelse"»' in check.stdout and '«videreført_antatt: "begrunnelse"»' in check.stdout


def test_a_window_inside_the_period_has_no_line(run) -> None:  # type: ignore[no-untyped-def]
    r = run("next", "-v", "skole", "--format", "tekst", plan=MINI, today="25.11.2021")
    assert r.exit_code == 0, r.output
    assert "Planperioden" not in r.stdout
    assert all(o["etter_planperioden"] is False
               for o in json.loads(run("next", "--format", "json", plan=MINI, today="25.11.2021").stdout))


@pytest.mark.parametrize("fmt", ["tekst", "markdown", "tabell"])
def test_next_and_calendar_say_it_under_the_heading(run, fmt: str) -> None:  # type: ignore[no-untyped-def]
    for args in (("next",), ("calendar", "--skoleår", "2026/27")):
        r = run(*args, "-v", "skole", "--format", fmt, plan=MINI)
        assert r.exit_code == 0, r.output
        linjer = [line.strip("*") for line in r.stdout.splitlines() if line.strip()]
        i = next(n for n, line in enumerate(linjer) if line.startswith("Planperioden"))
        assert i <= 2, linjer[:4]  # under the heading, before the first week or month
        assert r.stdout.count("Planperioden 2018–2022 sluttet") == 1


def test_digest_status_and_rapport_say_it_once(run) -> None:  # type: ignore[no-untyped-def]
    for args in (("digest", "--fra", "30.11.2026"), ("digest", "--format", "html", "--fra", "30.11.2026"),
                 ("status", "--format", "tekst"), ("status", "--format", "markdown"), ("status",),
                 ("rapport",), ("rapport", "--format", "html")):  # fmt: skip
        r = run(*args, plan=MINI)
        assert r.exit_code == 0, (args, r.output)
        tekst = " ".join(r.stdout.split())  # the digest wraps at 80 columns
        assert tekst.count(VIDEREFOERT + ": Testplanen gjelder til den er rullert.") == 1, args
    data = json.loads(run("rapport", "--format", "json", plan=MINI).stdout)
    assert data["planperiode"].startswith(VIDEREFOERT)
    rader = json.loads(run("status", "--format", "json", plan=MINI).stdout)
    assert rader and all(o["etter_planperioden"] is True for o in rader if o["dato"])


def test_ics_says_it_in_the_calendar_and_in_each_event_after_the_period(run) -> None:  # type: ignore[no-untyped-def]
    r = run("ics", "-v", "skole", "-o", "-", "--fra", "01.08.2022", "--til", "31.07.2023", plan=MINI)
    assert r.exit_code == 0, r.output
    cal = Calendar.from_ical(r.stdout_bytes)
    assert VIDEREFOERT in str(cal["X-WR-CALDESC"])
    for event in cal.walk("VEVENT"):
        etter = event.decoded("DTSTART").isoformat()[:10] > "2022-12-31"
        assert (VIDEREFOERT in str(event["DESCRIPTION"])) is etter, event["UID"]


def test_the_site_header_and_the_wheel_say_it(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ut = tmp_path / "site"
    r = run("publiser", "--ut", str(ut), plan=MINI)
    assert r.exit_code == 0, r.output
    for side in ("index.html", "virksomhet-skole.html", "tiltak-samba.html"):
        html = (ut / side).read_text(encoding="utf-8")
        header = html.split("<header>", 1)[1].split("</header>", 1)[0]
        assert f'<p class="planperiode">{VIDEREFOERT}' in header, side
    svg = run("wheel", "-v", "skole", "-o", "-", plan=MINI).stdout
    assert "Etter planperioden (til 31.12.2022), videreført. Kilde: Testplan, Testkommune" in svg
    assert VIDEREFOERT in svg.split("<desc", 1)[1].split("</desc>", 1)[0]


def test_the_shipped_plan_says_the_continuation_is_our_assumption(run) -> None:  # type: ignore[no-untyped-def]
    r = run("next", "--virksomhet", "barnehage", "--format", "tekst", today="07.12.2026")
    assert ("Planperioden 2018–2022 sluttet 31.12.2022. Datoene etter det er med fordi planen er videreført "
            "(antatt av oss): Kommuner bruker ofte en plan til den er rullert.") in r.stdout


@pytest.mark.parametrize(("tillegg", "feil"), [
    ('  videreført: "a"\n  videreført_antatt: "b"\n', "skriv enten «videreført»"),
    ('  videreført: "a"\n', "plan.videreført forutsetter periode_til"),
])  # fmt: skip
def test_videreført_is_checked(run, tmp_path: Path, tillegg: str, feil: str) -> None:  # type: ignore[no-untyped-def]
    tekst = MINI.read_text(encoding="utf-8").replace('  videreført: "Testplanen gjelder til den er rullert."\n', "")
    if "periode_til" in feil:
        tekst = tekst.replace("  periode_til: 31.12.2022\n", "")
    plan = tmp_path / "plan.yaml"
    plan.write_text(tekst.replace("  uid_domene:", tillegg + "  uid_domene:"), encoding="utf-8")
    r = run("check", plan=plan)
    assert r.exit_code == 1 and feil in r.stderr and f"{plan}:" in r.stderr, r.output
