"""The plan names roles, never persons.

A fødselsnummer (D- and H-nummer too) anywhere in the file refuses the plan, so every
command refuses it (tests/test_bad_input.py: the loader refuses bad_plans/foedselsnummer.yaml,
and every command reports what the loader refuses).
E-mail addresses and phone numbers are warnings on Plan.advarsler, listed by `check`
and repeated on stderr by the exports.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import typer
from conftest import PLANS

from aarshjul.errors import PlanError
from aarshjul.plan.loader import load_plan
from aarshjul.plan.privacy import EPOST_MELDING, FNR_MELDING, TELEFON_MELDING, er_foedselsnummer, scan_personal_data

KONTAKT = PLANS / "privacy_kontakt.yaml"


def with_control_digits(first_nine: str) -> str | None:
    """The eleven digits for DDMMYYIII, or None when that individnummer gives k = 10."""
    d = [int(c) for c in first_nine]
    k1 = (11 - sum(w * x for w, x in zip((3, 7, 6, 1, 8, 9, 4, 5, 2), d)) % 11) % 11
    if k1 == 10:
        return None
    d.append(k1)
    k2 = (11 - sum(w * x for w, x in zip((5, 4, 3, 2, 7, 6, 5, 4, 3, 2), d)) % 11) % 11
    return None if k2 == 10 else first_nine + str(k1) + str(k2)


def some_valid(prefix: str) -> str:
    for individ in range(1000):
        fnr = with_control_digits(f"{prefix}{individ:03d}")
        if fnr is not None:
            return fnr
    raise AssertionError(prefix)


@pytest.mark.parametrize(
    ("digits", "expected"),
    [
        ("15076500565", True),  # the textbook example
        ("01010750160", True),
        (some_valid("290200"), True),  # 29 February 2000
        (some_valid("550765"), True),  # D-nummer: day 15 + 40
        (some_valid("154765"), True),  # H-nummer: month 47 - 40 = July
        ("15076500566", False),  # right date, wrong k2
        ("15076500575", False),  # right date, wrong k1
        (some_valid("320165")[:9] + "00", False),
        (with_control_digits("320165123") or "32016512300", False),  # 32 January
        (with_control_digits("311365123") or "31136512300", False),  # month 13
        (with_control_digits("300265123") or "30026512300", False),  # 30 February
        ("1507650056", False),  # ten digits
        ("1507650056x", False),
    ],
)
def test_foedselsnummer_check(digits: str, expected: bool) -> None:
    assert er_foedselsnummer(digits) is expected


def test_control_digits_helper_agrees() -> None:
    assert with_control_digits("150765005") == "15076500565"


def plan_with(tmp_path: Path, line: str) -> Path:
    text = (PLANS / "mini.yaml").read_text(encoding="utf-8")
    text = text.replace("        antatt: Planen sier bare måned.\n", f"        antatt: Planen sier bare måned.\n{line}\n")
    path = tmp_path / "plan.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def line_of(path: Path, needle: str) -> int:
    return next(i for i, x in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in x)


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("        beskrivelse: Eleven har fnr 15076500565.", "15076500565"),
        ("        beskrivelse: 'Kontakt: 150765 00565'", "150765 00565"),
        ("        # kommentar med 15076500565 er også publisert", "15076500565"),
        ("        beskrivelse: D-nummer " + some_valid("550765"), some_valid("550765")),
    ],
)
def test_foedselsnummer_is_refused_with_line_and_column(tmp_path: Path, text: str, number: str) -> None:
    path = plan_with(tmp_path, text)
    with pytest.raises(PlanError) as e:
        load_plan(path)
    [problem] = e.value.problems
    assert (problem.line, problem.column) == (line_of(path, text), text.index(number) + 1)
    assert problem.message == FNR_MELDING
    assert "00565" not in str(e.value) and number not in str(e.value), "meldingen skal ikke gjenta nummeret"


@pytest.mark.parametrize(
    "text",
    [
        "        beskrivelse: Saksnummer 15076500566.",  # fails mod-11
        "        beskrivelse: Referanse 123456789012.",  # twelve digits: not a fødselsnummer
        "        beskrivelse: Konto 1507.65.00565",  # dotted: a bank account, not a fnr
    ],
)
def test_eleven_digits_that_are_not_a_foedselsnummer_load(tmp_path: Path, text: str) -> None:
    plan = load_plan(plan_with(tmp_path, text))
    assert plan.advarsler == ()


def test_email_and_phone_are_warnings_with_their_place() -> None:
    plan = load_plan(KONTAKT)
    got = [(p.line, p.column, p.message) for p in plan.advarsler]
    assert got == [
        (27, 35, EPOST_MELDING),  # kari.nordmann@sel.kommune.no
        (32, 38, TELEFON_MELDING),  # 412 34 567
        (32, 55, TELEFON_MELDING),  # +47 61 23 45 67
    ]
    assert all(p.path == KONTAKT for p in plan.advarsler)


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("ring 22334455", ["telefon"]),
        ("ring 22 33 44 55 i dag", ["telefon"]),
        ("ring 0047 22334455", ["telefon"]),
        ("ring +4722334455", ["telefon"]),
        ("skriv til post@sel.kommune.no", ["epost"]),
        ("skriv til Ola.Nordmann+plan@example.com.", ["epost"]),
        # Plan things that only look like numbers or addresses:
        ("dato: 01.08.2018", []),
        ("id: samba.mote.2026-12-01", []),
        ("skoleår 2026 2027 og 2027/28", []),
        ("rrule: FREQ=MONTHLY;BYMONTH=9,11,2,4;BYDAY=2WE", []),
        ("uid_domene: tidliginnsats.sel.kommune.no", []),
        ("kilde: 7.11 og kap. 11", []),
        ("tid: 09:00-11:00", []),
        ("beløp 1234567 kr", []),  # seven digits
        ("org.nr. 123456789", []),  # nine digits
        ("ring 12345678", []),  # Norwegian numbers do not start with 0 or 1
    ],
)
def test_what_counts_as_contact_details(text: str, kinds: list[str]) -> None:
    errors, warnings = scan_personal_data(text, None)
    assert errors == []
    found = ["epost" if w.message == EPOST_MELDING else "telefon" for w in warnings]
    assert found == kinds


def test_real_plans_have_no_warnings() -> None:
    from aarshjul.plan.planfile import default_plan_path

    for path in (default_plan_path(), PLANS / "mini.yaml"):
        if path.exists():
            assert load_plan(path).advarsler == (), path


# --- the command line ------------------------------------------------------------------


def commands() -> set[str]:
    from aarshjul.cli import app

    return set(typer.main.get_command(app).commands)


WARNINGS = [
    f"Advarsel: {KONTAKT}:27:35: {EPOST_MELDING}",
    f"Advarsel: {KONTAKT}:32:38: {TELEFON_MELDING}",
    f"Advarsel: {KONTAKT}:32:55: {TELEFON_MELDING}",
]


@pytest.mark.parametrize(
    "args",
    [("ics", "-o", "{out}.ics"), ("ics", "-o", "-"), ("digest",), ("wheel", "-o", "{out}.svg")],
)
def test_exports_repeat_the_warnings_on_stderr(run, tmp_path: Path, args: tuple[str, ...]) -> None:
    if args[0] not in commands():
        pytest.skip(f"kommandoen «{args[0]}» finnes ikke ennå")
    argv = [a.format(out=tmp_path / "ut") for a in args]
    result = run(*argv, plan=KONTAKT)
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == WARNINGS
    assert "Advarsel" not in result.stdout


@pytest.mark.parametrize("command", ["next", "calendar", "tiltak", "virksomheter"])
def test_terminal_commands_do_not_repeat_them(run, command: str) -> None:
    if command not in commands():
        pytest.skip(f"kommandoen «{command}» finnes ikke ennå")
    result = run(command, plan=KONTAKT)
    assert result.exit_code == 0, result.output
    assert "Advarsel" not in result.stderr


def test_aliases_resolve_for_the_warnings(run, tmp_path: Path) -> None:
    if "wheel" not in commands():
        pytest.skip("kommandoen «wheel» finnes ikke ennå")
    result = run("hjul", "-o", str(tmp_path / "h.svg"), plan=KONTAKT)
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == WARNINGS


def test_check_lists_the_warnings(run) -> None:
    if "check" not in commands():
        pytest.skip("kommandoen «check» finnes ikke ennå")
    result = run("check", plan=KONTAKT)
    output = result.stdout + result.stderr
    assert "Traceback" not in output
    for line, column, message in [(27, 35, EPOST_MELDING), (32, 38, TELEFON_MELDING), (32, 55, TELEFON_MELDING)]:
        assert str(line) in output and message in output, output
    assert output.count(TELEFON_MELDING) == 2
