"""A bad plan file is refused the same way by every command.

Each case must give a short bokmål message naming the file (and line and column where
the loader knows them), exit 2 (`check`: 1), print no traceback and nothing on stdout,
and leave the output file of `ics`/`wheel`/`publiser` untouched.

Every command gets its plan from one function, `load_plan` (through State.plan), so the
faults are not multiplied by the commands: each bad plan goes once through the loader
and once through one command (ONE_COMMAND), and each command is run once on one bad
plan (test_every_command_reports_a_bad_plan_the_same_way), where its message must be
exactly the loader's.

The committed corpus is tests/bad_plans/ (one fault per file, described in its first
line); the cases that cannot be committed (a huge file, a directory, a missing file, a
file without read permission) are generated here.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
import typer
from conftest import REPO
from otheruser import run_as_other_user, skip_unless_other_user_can_run

from aarshjul.errors import PlanError
from aarshjul.plan.loader import load_plan
from aarshjul.render.common import sanitize

BAD = Path(__file__).parent / "bad_plans"

# Every command of the CLI. A command missing from aarshjul.cli.app fails
# test_every_command_exists loudly; the parametrized tests skip it meanwhile.
COMMANDS = ("next", "calendar", "tiltak", "virksomheter", "check", "ics", "digest", "wheel", "publiser")
WRITES_FILE = {"ics": "ut.ics", "wheel": "ut.svg", "publiser": "nett"}
# The command each bad plan is run through: a file writer, so that every fault is also
# shown to write nothing.
ONE_COMMAND = "ics"
# The plan each command is run on: a fault with both a line and a column.
ONE_PLAN = "unknown_key_ansvarr.yaml"

# file in tests/bad_plans -> (fragment of the message, line, column); None = not known.
CASES: dict[str, tuple[str, int | None, int | None]] = {
    "yaml_syntax_error.yaml": ("ugyldig YAML: en samling i { } er ikke lukket", 24, 11),
    "tab_indentation.yaml": ("tabulator (Tab) er brukt til innrykk; bruk mellomrom", 9, 1),
    "string_for_list.yaml": ("«tiltak» skal være en liste", 13, 9),
    "mapping_for_list.yaml": ("ansvar skal være en liste, ikke en samling av nøkler", 17, 13),
    "number_as_month.yaml": ("ukjent måned «8». Mente du «august»?", 23, 25),
    "unknown_key_ansvarr.yaml": ("ukjent nøkkel «ansvarr». Mente du «ansvar»?", 17, 5),
    "date_30_february.yaml": ("«30.02.2027» finnes ikke: februar 2027 har 28 dager", 27, 21),
    "date_month_13.yaml": ("«01.13.2027» har måned 13; måneden må være 1–12", 27, 21),
    "date_31_april_words.yaml": ("«31. april» er ikke en dato; skriv dd.mm.åååå", 27, 21),
    "date_31_04.yaml": ("«31.04.2027» finnes ikke: april 2027 har 30 dager", 27, 21),
    "unknown_weekday.yaml": ("ukjent ukedag «fredagg»", 23, 25),
    "unknown_weekday_in_dag.yaml": ("ukjent ukedag «tysdag»", 23, 49),
    "unknown_month_name.yaml": ("ukjent måned «desmber». Mente du «desember»?", 23, 33),
    "unknown_type.yaml": ("type: ukjent verdi «evaluring»", 26, 15),
    "bad_time.yaml": ("«25:00» er ikke et klokkeslett", 24, 14),
    "duplicate_tiltak_id.yaml": ("tiltak-id «samba» er brukt to ganger (første gang på linje 14)", 28, 5),
    "duplicate_hendelse_id.yaml": ("hendelse-id «mote» er brukt to ganger", 24, 9),
    "duplicate_key.yaml": ("nøkkelen «navn» står to ganger", 16, 5),
    "undefined_virksomhet.yaml": ("ukjent virksomhet «skolen_nord». Mente du «skole»?", 17, 14),
    "undefined_hendelse.yaml": ("ukjent hendelse «samba.seminar»", 27, 22),
    "undefined_dato.yaml": ("ukjent dato «psykolog_besatt»", 27, 27),
    "cycle.yaml": ("i ring: samba.mote → samba.evaluering → samba.mote", 24, None),
    "empty.yaml": ("filen er tom", None, None),
    "only_comments.yaml": ("filen er tom (eller har bare kommentarer)", None, None),
    "binary.yaml": ("filen er binær", None, None),
    "latin1.yaml": ("filen er ikke UTF-8 (kanskje Latin-1/Windows-1252)", 21, 24),
    "control_character.yaml": ("filen inneholder kontrolltegnet U+001B", 25, 31),
    "python_object_tag.yaml": ("YAML-taggen «tag:yaml.org,2002:python/object/apply:os.system» er ikke tillatt", 3, 9),
    "alias_bomb.yaml": ("YAML-ankere og -aliaser (& og *) støttes ikke", 2, 4),
    "deep_nesting.yaml": ("for mange lister og samlinger inni hverandre", 2, 1006),
    "top_level_list.yaml": ("Planen skal være en samling av «nøkkel: verdi», ikke en liste", 2, 1),
    "foedselsnummer.yaml": ("ser ut som et fødselsnummer; planen skal bare navngi roller, ikke personer", 26, 44),
    # Each of these was once a traceback, or a year beyond 2200, in every command.
    "unicode_digit_varsel.yaml": ("varsel skal være et helt tall fra 0 til 365, ikke «²»", 21, 17),
    "unicode_digit_minimum.yaml": ("minimum_per_år skal være et helt tall fra 1 til 366, ikke «³»", 21, 25),
    "unicode_digit_innen.yaml": ("ukjent tidsrom «² uker»", 24, 35),
    "year_9999_etter_dato.yaml": ("«31.12.9999» er utenfor årene en plan kan bruke (1900–2200)", 14, 11),
    "periode_fra_year_1.yaml": ("plan.periode_fra: «01.01.0001» er utenfor årene en plan kan bruke (1900–2200)", 5, 16),
    "chained_1000_years.yaml": ("«samba.totusen» havner utenfor årene en plan kan bruke (1900–2200): «innen» legger "
                                "til sammen til 2000 år (via «etter: samba.start»)", 25, None),
    "chained_1000_years_repeating.yaml": ("«samba.totusen» havner utenfor årene en plan kan bruke (1900–2200)", 25, None),
    # RRULEs that passed `check` and then hung every command.
    "rrule_interval_zero.yaml": ("INTERVAL må være et helt tall fra 1 til 1000, ikke «0»", 20, 22),
    "rrule_byhour.yaml": ("BYHOUR er et klokkeslett; en plan har datoer", 20, 22),
    "rrule_never_matches.yaml": ("regelen gir ingen dato de første 10 årene etter start 01.08.2026", 20, 22),
    # A fødselsnummer the raw-text scan missed: the parsed values are checked, normalised.
    "foedselsnummer_yaml_escape.yaml": ("ser ut som et fødselsnummer", 21, 22),
    "foedselsnummer_folded.yaml": ("ser ut som et fødselsnummer", 21, 22),
    "foedselsnummer_fullwidth.yaml": ("ser ut som et fødselsnummer", 21, 22),
    "foedselsnummer_zero_width.yaml": ("ser ut som et fødselsnummer", 21, 22),
    "foedselsnummer_dd_mm_yy.yaml": ("ser ut som et fødselsnummer", 21, 22),
    # Names that look like another: invisible characters are refused in names and keys.
    "invisible_in_name.yaml": ("navn inneholder det usynlige tegnet U+200B (tegn nr. 10)", 11, 11),
    "bidi_in_alias.yaml": ("aliaset inneholder det usynlige tegnet U+202E (tegn nr. 1)", 9, 23),
    "utf16.yaml": ("filen er lagret som UTF-16, ikke UTF-8", None, None),
    "line_separator_in_comment.yaml": ("ukjent nøkkel «ansvarr»", 19, 5),
}

OLD = b"BEGIN:VCALENDAR\r\nX-GAMMEL:den forrige eksporten\r\nEND:VCALENDAR\r\n"


def existing_commands() -> set[str]:
    from aarshjul.cli import app

    group = typer.main.get_command(app)
    return set(group.commands)


def require(command: str) -> None:
    if command not in existing_commands():
        pytest.skip(f"kommandoen «{command}» finnes ikke ennå (se test_every_command_exists)")


def argv(command: str, out: Path) -> list[str]:
    """The command with the options it needs to run; -o into `out` for the writers."""
    if command in WRITES_FILE:
        return [command, "-o", str(out)]
    return [command]


def assert_refused(result, command: str, plan: Path | str, fragment: str,
                   line: int | None, column: int | None) -> None:  # fmt: skip
    output = result.stdout + result.stderr
    assert "Traceback" not in output, output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code == (1 if command == "check" else 2), (result.exit_code, output)
    assert result.stdout == "", f"stdout skal være tom ved feil: {result.stdout!r}"
    err = result.stderr
    assert fragment in err, err
    where = str(plan)
    if line is not None:
        where += f":{line}:"
        if column is not None:
            where = where + f"{column}:"
    assert where in err, f"{where!r} mangler i {err!r}"
    # Short and Norwegian: a few lines, no English from click/PyYAML, no control bytes.
    assert len(err) < 1500 and all(len(x) < 400 for x in err.splitlines()), err
    for english in ("Error", "Usage:", "Aborted", "exception", "did not find"):
        assert english not in err, err
    assert "\x1b" not in output


def loader_message(plan: Path) -> str:
    """What the CLI prints for a plan load_plan refuses: one line per problem."""
    with pytest.raises(PlanError) as e:
        load_plan(plan)
    return "".join(f"Feil i planen: {sanitize(str(problem))}\n" for problem in e.value.problems)


def test_every_command_exists() -> None:
    missing = [c for c in COMMANDS if c not in existing_commands()]
    assert not missing, f"kommandoer som mangler i aarshjul.cli.app: {', '.join(missing)}"


def test_corpus_is_complete() -> None:
    files = sorted(p.name for p in BAD.iterdir())
    assert files == sorted(CASES), "hver fil i tests/bad_plans trenger en forventning i CASES"
    assert len(files) >= 20


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_plan(run, tmp_path: Path, name: str) -> None:
    """Each fault once through the loader and once through ONE_COMMAND."""
    fragment, line, column = CASES[name]
    plan = BAD / name
    message = loader_message(plan)
    out = tmp_path / WRITES_FILE[ONE_COMMAND]
    result = run(*argv(ONE_COMMAND, out), plan=plan)
    assert_refused(result, ONE_COMMAND, plan, fragment, line, column)
    assert result.stderr == message
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_reports_a_bad_plan_the_same_way(run, tmp_path: Path, command: str) -> None:
    """Every command prints exactly the loader's message (`check` adds its count), exits
    2 (`check`: 1) with nothing on stdout, and writes nothing: neither a new file nor over
    an existing export."""
    require(command)
    fragment, line, column = CASES[ONE_PLAN]
    plan = BAD / ONE_PLAN
    message = loader_message(plan)
    if command == "check":
        message += "Planen er ikke gyldig (1 feil).\n"
    out = tmp_path / WRITES_FILE.get(command, "ut")
    result = run(*argv(command, out), plan=plan)
    assert_refused(result, command, plan, fragment, line, column)
    assert result.stderr == message
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []
    if command in WRITES_FILE:
        # An existing export is left exactly as it was.
        out.write_bytes(OLD)
        result = run(*argv(command, out), plan=plan)
        assert_refused(result, command, plan, fragment, line, column)
        assert result.stderr == message
        assert out.read_bytes() == OLD
        assert list(tmp_path.iterdir()) == [out]


# --- generated cases: each once through ONE_COMMAND ------------------------------------


@pytest.fixture(scope="module")
def huge_plan(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 30 MB "plan": a real plan followed by megabytes of comments."""
    path = tmp_path_factory.mktemp("stor") / "plan.yaml"
    line = b"# " + b"fyll " * 20 + b"\n"
    with path.open("wb") as fh:
        fh.write((REPO / "tests" / "plans" / "mini.yaml").read_bytes())
        for _ in range(30 * 1024 * 1024 // len(line)):
            fh.write(line)
    assert path.stat().st_size > 30_000_000
    return path


def test_huge_file(run, tmp_path: Path, huge_plan: Path) -> None:
    out = tmp_path / WRITES_FILE[ONE_COMMAND]
    result = run(*argv(ONE_COMMAND, out), plan=huge_plan)
    assert_refused(result, ONE_COMMAND, huge_plan, "filen er 30 MB; en plan kan være høyst 5 MB", None, None)
    assert not out.exists()


def test_endless_device(run, tmp_path: Path) -> None:
    """/dev/zero has size 0 and never ends: the loader must not read it into memory."""
    device = Path("/dev/zero")
    if not device.exists():
        pytest.skip("/dev/zero finnes ikke på denne plattformen")
    out = tmp_path / WRITES_FILE[ONE_COMMAND]
    result = run(*argv(ONE_COMMAND, out), plan=device)
    assert_refused(result, ONE_COMMAND, device, "filen er større enn 5 MB, høyst for en plan", None, None)
    assert not out.exists()


def test_directory_instead_of_file(run, tmp_path: Path) -> None:
    folder = tmp_path / "planer"
    folder.mkdir()
    out = tmp_path / WRITES_FILE[ONE_COMMAND]
    result = run(*argv(ONE_COMMAND, out), plan=folder)
    assert_refused(result, ONE_COMMAND, folder, "er en mappe, ikke en fil", None, None)
    assert not out.exists()


def test_missing_file(run, tmp_path: Path) -> None:
    missing = tmp_path / "finnes-ikke" / "plan.yaml"
    out = tmp_path / WRITES_FILE[ONE_COMMAND]
    result = run(*argv(ONE_COMMAND, out), plan=missing)
    assert_refused(result, ONE_COMMAND, missing, "filen finnes ikke", None, None)
    assert not out.exists()


def test_missing_file_from_environment(run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    missing = tmp_path / "plan.yaml"
    monkeypatch.setenv("AARSHJUL_PLAN", str(missing))
    out = tmp_path / WRITES_FILE[ONE_COMMAND]
    result = run(*argv(ONE_COMMAND, out))
    assert_refused(result, ONE_COMMAND, missing, "filen finnes ikke", None, None)


def test_file_without_read_permission(run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Through CliRunner. Root reads any file whatever its mode bits, so there the
    denial is simulated at Path.open; the real thing is in the next test."""
    plan = tmp_path / "plan.yaml"
    shutil.copy(BAD.parent / "plans" / "mini.yaml", plan)
    plan.chmod(0)
    if os.geteuid() == 0:
        real_open = Path.open

        def denied(self: Path, *args, **kwargs):
            if self == plan:
                raise PermissionError(13, "Permission denied", str(self))
            return real_open(self, *args, **kwargs)

        monkeypatch.setattr(Path, "open", denied)
    out = tmp_path / WRITES_FILE[ONE_COMMAND]
    result = run(*argv(ONE_COMMAND, out), plan=plan)
    assert_refused(result, ONE_COMMAND, plan, "mangler lesetilgang til filen", None, None)
    assert not out.exists()


def test_file_without_read_permission_for_real() -> None:
    """A real mode-000 file, read by a real process that is not root (setpriv when we are root)."""
    folder = Path(tempfile.mkdtemp(prefix="aarshjul-lese-"))
    try:
        folder.chmod(0o755)
        plan = folder / "plan.yaml"
        shutil.copy(BAD.parent / "plans" / "mini.yaml", plan)
        plan.chmod(0o644)
        skip_unless_other_user_can_run(plan)
        plan.chmod(0)
        result = run_as_other_user("--plan", str(plan), "virksomheter")
        assert result.returncode == 2, result
        assert result.stdout == ""
        assert result.stderr == f"Feil i planen: {plan}: mangler lesetilgang til filen.\n"
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def test_norwegian_aliases_give_the_same_answer(run) -> None:
    aliases = {"neste": "next", "kalender": "calendar", "sjekk": "check", "hjul": "wheel"}
    for alias, command in aliases.items():
        if command not in existing_commands():
            continue
        plan = BAD / "unknown_key_ansvarr.yaml"
        extra = ["-o", "-"] if command in WRITES_FILE else []
        result = run(alias, *extra, plan=plan)
        assert result.exit_code == (1 if command == "check" else 2), result.output
        assert f"{plan}:17:5: " in result.stderr



# --- docs/feilsoking.md shows real output --------------------------------------------------

# How each example in docs/feilsoking.md was made from the shipped plan: (old text, new text).
README_EDITS = {
    "check": (re.compile(r"^    ansvar:", re.MULTILINE), "    ansvarr:"),
    "next": (re.compile(re.escape("når: {dato: 30.06.2019}")), "når: {dato: 31.06.2019}"),
}


def test_readme_feilsoeking_shows_real_output(run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    from aarshjul.plan.planfile import default_plan_path

    readme = (REPO / "docs" / "feilsoking.md").read_text(encoding="utf-8")
    assert readme.startswith("# Feilsøking\n")
    section = readme.split("\n## ", 1)[0]
    blocks = re.findall(r"```console\n\$ aarshjul --plan plan.yaml (\w+)\n(.*?)```", section, flags=re.DOTALL)
    assert [command for command, _ in blocks] == list(README_EDITS)
    monkeypatch.chdir(tmp_path)
    shipped = default_plan_path().read_text(encoding="utf-8")
    for command, shown in blocks:
        pattern, new = README_EDITS[command]
        assert pattern.search(shipped), f"README-eksempelet for {command} passer ikke lenger med data/plan.yaml"
        Path("plan.yaml").write_text(pattern.sub(new, shipped, count=1), encoding="utf-8")
        result = run(command, plan="plan.yaml")
        assert result.exit_code == (1 if command == "check" else 2)
        # Line numbers move when data/plan.yaml is edited; the wording must not.
        numbers = re.compile(r"plan\.yaml:\d+:\d+:")
        assert numbers.sub("plan.yaml:L:C:", result.stderr) == numbers.sub("plan.yaml:L:C:", shown)


# --- the console command itself (cli.main) ---------------------------------------------


def console(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`python -m aarshjul`: the path cron takes, which CliRunner does not (main())."""
    env = {**os.environ, "PYTHONPATH": str(REPO), "NO_COLOR": "1"}
    env.pop("AARSHJUL_PLAN", None)
    cmd = [sys.executable, "-m", "aarshjul", "--today", "25.11.2026", *args]
    return subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=60, cwd=tmp_path)


@pytest.mark.parametrize(
    ("plan", "fragment", "where"),
    [
        ("/dev/zero", "filen er større enn 5 MB", "/dev/zero: "),
        (str(BAD / "foedselsnummer.yaml"), "ser ut som et fødselsnummer", f"{BAD / 'foedselsnummer.yaml'}:26:44: "),
        (str(BAD / "binary.yaml"), "filen er binær", f"{BAD / 'binary.yaml'}: "),
        ("finnes-ikke.yaml", "filen finnes ikke", "finnes-ikke.yaml: "),
        (".", "er en mappe, ikke en fil", ".: "),
    ],
)
def test_console_refuses_bad_plans_too(tmp_path: Path, plan: str, fragment: str, where: str) -> None:
    if plan.startswith("/dev/") and not Path(plan).exists():
        pytest.skip(f"{plan} finnes ikke på denne plattformen")
    for _ in range(2):  # the second run of the same plan refuses it too
        result = console(tmp_path, "--plan", plan, "digest")
        assert result.returncode == 2, result
        assert result.stdout == ""
        assert result.stderr.startswith(f"Feil i planen: {where}") and fragment in result.stderr
        assert "Traceback" not in result.stderr


def test_console_warnings_on_every_run(tmp_path: Path) -> None:
    plan = str(REPO / "tests" / "plans" / "privacy_kontakt.yaml")
    runs = [console(tmp_path, "--plan", plan, "digest") for _ in range(2)]
    for result in runs:
        assert result.returncode == 0, result
        assert [x.split(": ", 2)[1] for x in result.stderr.splitlines()] == [
            f"{plan}:27:35", f"{plan}:32:38", f"{plan}:32:55"
        ]
