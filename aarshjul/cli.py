"""The command line: arguments, the clock, files and exit codes. Nothing else.

Heavy modules (rich, icalendar) are imported inside the commands that need them,
so `aarshjul next --format tekst` from cron starts fast (issue 7).
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from typer.core import TyperGroup

from aarshjul import __version__
from aarshjul.dates import parse_dato
from aarshjul.errors import AarshjulError, PlanError, UsageError
from aarshjul.model import Plan

TIDSSONE = "Europe/Oslo"

# Norwegian aliases for the English command names (STYLE.md §2).
ALIASER = {"neste": "next", "kalender": "calendar", "sjekk": "check", "hjul": "wheel"}


class _Group(TyperGroup):
    """Resolves the Norwegian aliases and is the one place errors become messages."""

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        return super().get_command(ctx, ALIASER.get(cmd_name, cmd_name))

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except AarshjulError as e:
            report_error(e)
            raise typer.Exit(e.exit_code) from None
        except KeyboardInterrupt:
            # Ctrl-C: no traceback, no "Aborted!", the conventional 128 + SIGINT.
            raise typer.Exit(130) from None


def report_error(e: AarshjulError) -> None:
    from aarshjul.render.common import sanitize

    if isinstance(e, PlanError):
        for problem in e.problems:
            typer.echo(f"Feil i planen: {sanitize(str(problem))}", err=True)
    else:
        typer.echo(f"Feil: {sanitize(e.message)}", err=True)


app = typer.Typer(
    name="aarshjul",
    cls=_Group,
    help=(
        "Årshjul og fristvarsler for strategi- og handlingsplanen for Tidlig innsats.\n\n"
        "Eksempel: aarshjul next --virksomhet barnehage"
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


@dataclass
class State:
    """What the global options decided, shared with every command through ctx.obj."""

    plan_option: str | None
    today: date
    _plan: Plan | None = field(default=None, repr=False)

    @property
    def plan_path(self) -> Path:
        from aarshjul.plan import resolve_plan_path

        return resolve_plan_path(self.plan_option)

    def plan(self) -> Plan:
        if self._plan is None:
            from aarshjul.plan import load_plan

            self._plan = load_plan(self.plan_path)
        return self._plan


def today_in_oslo() -> date:
    """Today in Europe/Oslo, whatever the server's own time zone is."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return datetime.now(ZoneInfo(TIDSSONE)).date()
    except ZoneInfoNotFoundError:  # no tz database (Windows without tzdata)
        return date.today()


def _version(value: bool) -> None:
    if value:
        typer.echo(f"aarshjul {__version__}")
        raise typer.Exit()


@app.callback()
def _global(
    ctx: typer.Context,
    plan: Annotated[
        str | None,
        typer.Option(
            "--plan",
            envvar="AARSHJUL_PLAN",
            metavar="FIL",
            help="Planfilen (YAML). Standard: planen som følger med programmet.",
            show_envvar=True,
        ),
    ] = None,
    today: Annotated[
        str | None,
        typer.Option("--today", hidden=True, help="Lat som om i dag er denne datoen (for tester)."),
    ] = None,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Vis versjonen og avslutt."),
    ] = False,
) -> None:
    """Årshjul og fristvarsler for strategi- og handlingsplanen for Tidlig innsats.

    Eksempel: aarshjul next --virksomhet barnehage
    """
    ctx.obj = State(plan, parse_date_option(today, "--today") if today else today_in_oslo())


# --- shared option handling ----------------------------------------------------------


def state(ctx: typer.Context) -> State:
    obj = ctx.find_root().obj
    assert isinstance(obj, State)
    return obj


def parse_date_option(value: str, option: str) -> date:
    try:
        return parse_dato(value)
    except ValueError as e:
        raise UsageError(f"{option}: {e}.") from None


def resolve_virksomheter(plan: Plan, names: list[str] | None) -> list[str]:
    """Keys for what the user typed (key, alias or name); UsageError with a suggestion."""
    from aarshjul.plan import find_virksomhet

    keys: list[str] = []
    for name in names or []:
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


def write_output(target: str, data: bytes) -> None:
    """Write to a file atomically, or to stdout when target is "-"."""
    if target == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    from aarshjul.output import write_atomic

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


# --- virksomheter ------------------------------------------------------------------


@app.command("virksomheter")
def virksomheter_cmd(ctx: typer.Context) -> None:
    """Vis virksomhetene i planen: nøkkel, navn, leder og aliaser.

    Eksempel: aarshjul virksomheter
    """
    from aarshjul.render.common import sanitize

    plan = state(ctx).plan()
    rows = [("Nøkkel", "Navn", "Leder", "Aliaser")]
    for key, v in plan.virksomheter.items():
        navn = v.navn + (" (ekstern)" if v.ekstern else "")
        rows.append((key, navn, v.leder or "", ", ".join(v.aliaser)))
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    for r in rows:
        line = "  ".join(c.ljust(widths[i]) for i, c in enumerate(r[:3])) + "  " + r[3]
        typer.echo(sanitize(line.rstrip()))


# --- next, calendar, tiltak, check (issue 3) ----------------------------------------

# --- ics (issue 4) -----------------------------------------------------------------

# --- digest (issue 5) --------------------------------------------------------------

# --- wheel (issue 8) ---------------------------------------------------------------


def main() -> NoReturn:
    """Console entry point: `aarshjul` and `python -m aarshjul`."""
    try:
        app()
    except BrokenPipeError:
        # `aarshjul next | head`: the reader left; say nothing, like other Unix tools.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(1)
    except KeyboardInterrupt:
        sys.exit(130)
    sys.exit(0)
