"""What every command shares: the global State, option types, parsing of dates, formats
and years, writing output, and the one way errors become messages.

The command modules (aarshjul/cli/*.py) import from here, never from aarshjul.cli;
cli.py builds the app from the commands (KOMMANDOER), so imports run one way:
cli -> commands.* -> commands.common -> core. Nothing here imports rich or icalendar.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Annotated

import typer

from aarshjul.dates import parse_dato
from aarshjul.errors import AarshjulError, PlanError, UsageError
from aarshjul.model import Plan

TIDSSONE = "Europe/Oslo"


def report_error(e: AarshjulError) -> None:
    from aarshjul.render.common import sanitize

    if isinstance(e, PlanError):
        for problem in e.problems:
            typer.echo(f"Feil i planen: {sanitize(str(problem))}", err=True)
    else:
        typer.echo(f"Feil: {sanitize(e.message)}", err=True)


@dataclass
class State:
    """What the global options decided, shared with every command through ctx.obj."""

    plan_option: str | None
    today: date
    _plan: Plan | None = field(default=None, repr=False)
    command: str | None = None  # the subcommand, aliases resolved: exports warn about personal data
    today_fixed: bool = False  # --today was given: a server keeps that day instead of the clock's

    @property
    def plan_path(self) -> Path:
        from aarshjul.plan.planfile import resolve_plan_path

        return resolve_plan_path(self.plan_option)

    def plan(self) -> Plan:
        if self._plan is None:
            from aarshjul.plan.loader import load_plan

            self._plan = load_plan(self.plan_path)
            if self.command in EXPORTS:
                warn_personal_data(self._plan)
            if self.command in PUBLISERER and self.bruker_eksempelplanen():
                warn_example_plan(self._plan)
        return self._plan

    def bruker_eksempelplanen(self) -> bool:
        """No --plan, $AARSHJUL_PLAN or config `plan`: the plan shipped with aarshjul."""
        from aarshjul.plan.planfile import ENV_PLAN

        return self.plan_option is None and not os.environ.get(ENV_PLAN, "").strip()


def today_in_oslo() -> date:
    """Today in Europe/Oslo, whatever the server's own time zone is."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return datetime.now(ZoneInfo(TIDSSONE)).date()
    except ZoneInfoNotFoundError:  # no tz database (Windows without tzdata)
        return date.today()


# --- shared option handling ----------------------------------------------------------


def state(ctx: typer.Context) -> State:
    obj = ctx.find_root().obj
    assert isinstance(obj, State)
    return obj


# Dates and years a user may give (--fra, --til, --today, --år): the years the loader
# accepts in a plan (31.12.9999 + a window would overflow `date`).
FOERSTE_AAR, SISTE_AAR = 1900, 2200


def parse_date_option(value: str, option: str) -> date:
    try:
        d = parse_dato(value)
    except ValueError as e:
        raise UsageError(f"{option}: {e}.") from None
    if not FOERSTE_AAR <= d.year <= SISTE_AAR:
        raise UsageError(f"{option}: «{value}» er utenfor årene {FOERSTE_AAR}–{SISTE_AAR}.")
    return d


def argv_text(value: str) -> str:
    """Free text from the command line (a title): bytes that were not UTF-8 arrive as
    lone surrogates (\udcff) and cannot be written anywhere; they become U+FFFD."""
    try:
        return value.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    except UnicodeEncodeError:  # a surrogate that is not an escaped byte
        return value.encode("utf-8", "replace").decode("utf-8")


def resolve_virksomheter(plan: Plan, names: list[str] | None) -> list[str]:
    """Keys for what the user typed (key, alias or name); UsageError with a suggestion."""
    keys: list[str] = []
    for name in names or []:
        if name in plan.virksomheter:  # a key as it is; else a search by alias or name
            key = name
        else:
            from aarshjul.plan.loader import find_virksomhet

            key = find_virksomhet(plan, name)
        if key not in keys:
            keys.append(key)
    return keys


def window(
    s: State,
    fra: str | None,
    til: str | None,
    dager: int | None,
    default_dager: int,
) -> tuple[date, date]:
    """[start, end) from --fra and either --til (inclusive, as users read it) or --dager."""
    if til is not None and dager is not None:
        raise UsageError("Bruk enten --til eller --dager, ikke begge.")
    start = parse_date_option(fra, "--fra") if fra else s.today
    if til is not None:
        end = parse_date_option(til, "--til") + timedelta(days=1)
        if end <= start:
            raise UsageError("--til kan ikke være før --fra.")
        return start, end
    n = default_dager if dager is None else dager
    if not 1 <= n <= 3660:
        raise UsageError("--dager må være mellom 1 og 3660.")
    return start, start + timedelta(days=n)


# -o values that are standard output itself: a confirmation («Skrev …») there would
# be written into the data.
STDOUT_NAVN = frozenset({"-", "/dev/stdout", "/dev/fd/1", "/proc/self/fd/1"})


def write_output(target: str, data: bytes) -> None:
    """Write to a file atomically, or to stdout when target is "-"."""
    if target == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    from aarshjul.storage.output import write_atomic

    write_atomic(Path(target), data)


VirksomhetOption = Annotated[
    list[str] | None,
    typer.Option(
        "--virksomhet",
        "-v",
        metavar="VIRKSOMHET",
        help="Vis bare det denne virksomheten har ansvar for eller deltar i (kan gjentas).",
    ),
]


# --- personal data warnings ---------------------------------------------------------

# Commands whose output leaves the building: they repeat the plan's privacy warnings on
# stderr (cron mails stderr to the admin). `check` lists them itself.
EXPORTS = frozenset({"ics", "digest", "wheel", "publiser"})


# Commands that publish or send: on the shipped example plan without being asked to, they
# say so on stderr, so a kommune does not send out the example by mistake. stdout and the
# exit code stay as they are (a cron job pipes stdout).
PUBLISERER = frozenset({"ics", "publiser", "digest", "send", "serve"})


def warn_example_plan(plan: Plan) -> None:
    from aarshjul.render.common import sanitize

    typer.echo(
        f"Merk: bruker eksempelplanen som følger med ({sanitize(plan.kommune)}). "
        "Bruk --plan FIL eller AARSHJUL_PLAN for deres egen plan.",
        err=True,
    )


def warn_personal_data(plan: Plan) -> None:
    from aarshjul.render.common import sanitize

    for problem in plan.advarsler:
        typer.echo(f"Advarsel: {sanitize(str(problem))}", err=True)


# --- formats, screens and years, shared by the commands -------------------------

FORMATER = ("tabell", "tekst", "markdown", "json")
FORMAT_HJELP = (
    "tabell (standard, for skjermen), tekst (for e-post og cron), markdown eller json (for skript)."
)
TABELL_BREDDE = 100  # the table's width when stdout is not a terminal or NO_COLOR is set
NEXT_DAGER = 30

FormatOption = Annotated[
    str | None,
    typer.Option("--format", metavar="FORMAT", help=f"Hvordan det vises: {FORMAT_HJELP}"),
]


def parse_format(fmt: str | None) -> str:
    valgt = (fmt or "tabell").strip().lower()
    if valgt not in FORMATER:
        raise UsageError(f"Ukjent format «{fmt}». Velg et av: {', '.join(FORMATER)}.")
    return valgt


def screen() -> tuple[int, bool]:
    """(width, colour) for tables: the terminal's width and colour only when stdout is a
    terminal and NO_COLOR (https://no-color.org) is not set; else a fixed width."""
    import shutil

    if sys.stdout.isatty() and not os.environ.get("NO_COLOR"):
        return shutil.get_terminal_size((TABELL_BREDDE, 24)).columns, True
    return TABELL_BREDDE, False


def parse_int_option(value: str | None, option: str, lo: int, hi: int) -> int | None:
    if value is None:
        return None
    tekst = value.strip()
    # ASCII digits only: "²".isdigit() is true, and int() refuses it.
    if not (tekst.isascii() and tekst.lstrip("-").isdigit()) or not lo <= int(tekst) <= hi:
        raise UsageError(f"{option} må være et helt tall mellom {lo} og {hi}, ikke «{value}».")
    return int(tekst)


def print_text(tekst: str | Iterable[str]) -> None:
    """Write to stdout as it is: a str, or the chunks of a streaming renderer
    (render.json.iter_rader) one by one, so a long result is never one string."""
    if isinstance(tekst, str):
        typer.echo(tekst, nl=False)
        return
    for chunk in tekst:
        typer.echo(chunk, nl=False)


def parse_year_options(s: State, aar: str | None, skoleaar: str | None) -> tuple[int, bool]:
    """(start year, is a school year) from --år, --skoleår or the current school year."""
    from aarshjul.dates import parse_skoleaar, skoleaar_start

    if aar is not None and skoleaar is not None:
        raise UsageError("Bruk enten --år eller --skoleår, ikke begge.")
    if aar is not None:
        if not (aar.strip().isascii() and aar.strip().isdigit()) or not 1900 <= int(aar) <= 2200:
            raise UsageError(f"--år: «{aar}» er ikke et årstall; skriv f.eks. --år 2027.")
        return int(aar), False
    if skoleaar is not None:
        try:
            start = parse_skoleaar(skoleaar)
        except ValueError as e:
            raise UsageError(f"--skoleår: {e}.") from None
        if not 1900 <= start <= 2200:
            raise UsageError(f"--skoleår: «{skoleaar}» er utenfor 1900–2200.")
        return start, True
    return skoleaar_start(s.today), True


# The sign-off database (aarshjul/storage/store.py resolves the path).
ConfigOption = Annotated[
    str | None,
    typer.Option(
        "--config", metavar="FIL",
        help="aarshjul.toml. Standard: $AARSHJUL_CONFIG, ~/.config/aarshjul/aarshjul.toml, "
             "/etc/aarshjul/aarshjul.toml.",
    ),
]  # fmt: skip

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        metavar="FIL",
        help=(
            "Kvitteringsdatabasen (SQLite). Standard: $AARSHJUL_DB, ellers "
            "$XDG_DATA_HOME/aarshjul/kvitteringer.sqlite (~/.local/share/aarshjul/…)."
        ),
    ),
]
