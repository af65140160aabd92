"""`aarshjul publiser` as a user runs it, on the shipped plan on 01.12.2026."""

from __future__ import annotations

from pathlib import Path

from conftest import PLANS

URL = "https://intranett.example.no/aarshjul"
TODAY = "01.12.2026"


def _filer(mappe: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(mappe.iterdir()) if p.is_file()}


def test_publiser_writes_the_site_with_the_same_ics_files_as_ics_alle(run, tmp_path: Path) -> None:
    nett, ics = tmp_path / "nett", tmp_path / "ics"
    result = run("publiser", "-o", str(nett), "--url", URL, today=TODAY)
    assert result.exit_code == 0, result.output
    assert f"i {nett}:" in result.stdout
    filer = _filer(nett)
    assert {"index.html", "stil.css", "plan.json", "alle.ics", "barnehage.ics", "virksomhet-barnehage.html"} <= set(
        filer
    )
    assert run("ics", "--alle", "-o", str(ics), today=TODAY).exit_code == 0
    fra_ics = _filer(ics)
    assert {n for n in filer if n.endswith(".ics")} == {n for n in fra_ics if n.endswith(".ics")}
    for navn, data in fra_ics.items():
        if navn.endswith(".ics"):
            assert filer[navn] == data, navn


def test_plan_json_is_the_school_year_as_calendar_json(run, tmp_path: Path) -> None:
    nett = tmp_path / "nett"
    assert run("publiser", "-o", str(nett), today=TODAY).exit_code == 0
    kalender = run("calendar", "--skoleår", "2026/27", "--format", "json", today=TODAY)
    assert kalender.exit_code == 0
    assert (nett / "plan.json").read_bytes() == kalender.stdout_bytes


def test_republishing_the_same_plan_changes_no_byte(run, tmp_path: Path) -> None:
    nett = tmp_path / "nett"
    assert run("publiser", "-o", str(nett), "--url", URL, today=TODAY).exit_code == 0
    foer = {p.name: (p.stat().st_mtime_ns, p.read_bytes()) for p in nett.iterdir()}
    andre = run("publiser", "-o", str(nett), "--url", URL, today=TODAY)
    assert andre.exit_code == 0
    assert ": 0 nye eller endret" in andre.stdout
    assert {p.name: (p.stat().st_mtime_ns, p.read_bytes()) for p in nett.iterdir()} == foer


def test_one_virksomhet_gets_its_page_and_calendar_and_alle(run, tmp_path: Path) -> None:
    nett = tmp_path / "nett"
    result = run("publiser", "-o", str(nett), "--virksomhet", "Skole", today=TODAY)
    assert result.exit_code == 0, result.output
    filer = _filer(nett)
    assert [n for n in filer if n.startswith("virksomhet-")] == ["virksomhet-skole.html"]
    assert sorted(n for n in filer if n.endswith(".ics")) == ["alle.ics", "skole.ics"]


def test_bad_arguments_are_usage_errors_in_bokmaal(run, tmp_path: Path) -> None:
    nett = tmp_path / "nett"
    mangler = run("publiser", today=TODAY)
    assert mangler.exit_code == 2 and "-o MAPPE" in mangler.stderr
    for url in ("intranett.example.no", "ftp://x.example.no", 'https://x.example.no/"><script>'):
        feil = run("publiser", "-o", str(nett), "--url", url, today=TODAY)
        assert feil.exit_code == 2 and "er ikke en nettadresse" in feil.stderr, url
    ukjent = run("publiser", "-o", str(nett), "--virksomhet", "barnehagen", today=TODAY)
    assert ukjent.exit_code == 2 and "barnehage" in ukjent.stderr
    assert not nett.exists()
    assert "Traceback" not in mangler.output + feil.output + ukjent.output


def test_a_file_where_the_folder_should_be_is_refused(run, tmp_path: Path) -> None:
    fil = tmp_path / "nett"
    fil.write_text("behold\n")
    result = run("publiser", "-o", str(fil), today=TODAY)
    assert result.exit_code == 2  # OutputError, as for `ics --alle -o FIL`
    assert "er en fil, ikke en mappe" in result.stderr
    assert fil.read_text() == "behold\n"


def test_hostile_plan_publishes_escaped(run, tmp_path: Path) -> None:
    nett = tmp_path / "nett"
    result = run("publiser", "-o", str(nett), plan=PLANS / "hostile.yaml", today=TODAY)
    assert result.exit_code == 0, result.output
    for navn, data in _filer(nett).items():
        if navn.endswith((".html", ".svg")):
            assert b"<script" not in data.lower(), navn


def test_help_is_in_bokmaal_with_an_example(run) -> None:
    result = run("publiser", "--help", today=None)
    assert result.exit_code == 0
    assert "Eksempel: aarshjul publiser -o" in result.stdout
    assert "--url" in result.stdout and "--virksomhet" in result.stdout


def test_sign_offs_show_on_the_pages_and_the_database_is_never_created(run, tmp_path: Path) -> None:
    db, nett = tmp_path / "kvitteringer.sqlite", tmp_path / "nett"
    assert run("publiser", "-o", str(nett), "--db", str(db), today="06.04.2027").exit_code == 0
    assert not db.exists()
    assert 'id="forfalt"' not in (nett / "virksomhet-barnehage.html").read_text()
    kvitter = run("kvitter", "mobbing.evaluering.2027-03", "--dato", "25.03.2027", "--db", str(db), today="06.04.2027")
    assert kvitter.exit_code == 0, kvitter.output
    assert run("publiser", "-o", str(nett), "--db", str(db), today="06.04.2027").exit_code == 0
    side = (nett / "virksomhet-barnehage.html").read_text()
    assert "Utført 25.03.2027" in side and 'id="forfalt"' in side
