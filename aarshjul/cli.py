"""The command line: arguments, the clock, files and exit codes. Nothing else.

Heavy modules (rich, icalendar) are imported inside the commands that need them,
so `aarshjul next --format tekst` from cron starts fast (issue 7).
"""

from __future__ import annotations

import gc

# Importing typer and the model allocates tens of thousands of long-lived objects, and
# the cyclic collector would rescan them several times for nothing (~0.3x the bare
# interpreter's start-up, issue 7). Paused while this module loads; re-enabled at its end,
# so the imports below come after a statement on purpose.
# ruff: noqa: E402
_GC_VAR_PAA = gc.isenabled()
gc.disable()

import os
import sys
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from typer.core import TyperCommand, TyperGroup

from aarshjul import __version__
from aarshjul.dates import parse_dato
from aarshjul.errors import AarshjulError, PlanError, UsageError
from aarshjul.model import Plan

TIDSSONE = "Europe/Oslo"

# Norwegian aliases for the English command names (STYLE.md §2).
ALIASER = {"neste": "next", "kalender": "calendar", "sjekk": "check", "hjul": "wheel"}


# click's own help strings, in bokmål. The classes are found through TyperCommand, not
# imported from click: typer < 0.28 uses the real click, 0.28 a vendored copy.
_CONTEXT: Any = TyperCommand.context_class
_CLICK_USAGE_ERROR: Any = next(c for c in typer.BadParameter.__mro__ if c.__name__ == "UsageError")
_HJELP_ORD = {"Options": "Valg", "Arguments": "Argumenter", "Commands": "Kommandoer"}
_HJELP_MERKER = (
    ("[env var: ", "[miljøvariabel: "), ("[default: ", "[standard: "), ("[required]", "[påkrevd]")
)


class _NorskFormatter(_CONTEXT.formatter_class):  # type: ignore[misc]
    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, "Bruk: " if prefix is None else prefix)

    def section(self, name: str) -> Any:
        return super().section(_HJELP_ORD.get(name, name))

    def write_dl(self, rows: Any, *args: Any, **kwargs: Any) -> None:
        oversatt = []
        for term, tekst in rows:
            for en, nb in _HJELP_MERKER:
                tekst = tekst.replace(en, nb)
            oversatt.append((term, tekst))
        super().write_dl(oversatt, *args, **kwargs)


class _NorskContext(_CONTEXT):  # type: ignore[misc]
    formatter_class = _NorskFormatter


class _Norsk:
    """Mixin: --help and argument errors in bokmål, for commands and the group.

    Unknown options, a missing option value and extra arguments become aarshjul
    UsageErrors (exit 2, "Feil: ..."); other click errors keep click's English wording.
    """

    context_class = _NorskContext

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["options_metavar"] = "[VALG]"
        super().__init__(*args, **kwargs)

    def get_help_option(self, ctx: Any) -> Any:
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.help = "Vis denne hjelpen og avslutt."
        return option

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)  # type: ignore[misc,no-any-return]
        except _CLICK_USAGE_ERROR as e:
            melding = _norsk_bruksfeil(e)
            if melding is None:
                raise
            raise UsageError(f"{melding} Se «{ctx.command_path} --help».") from None


class NorskKommando(_Norsk, TyperCommand):  # type: ignore[misc]
    """Use with @app.command("navn", cls=NorskKommando)."""


def _norsk_bruksfeil(e: Any) -> str | None:
    kind = type(e).__name__
    if kind == "NoSuchOption":
        forslag = sorted(e.possibilities or ())
        hint = f" Mente du {' eller '.join(forslag)}?" if forslag else ""
        return f"Ukjent valg «{e.option_name}».{hint}"
    if kind == "BadOptionUsage" and "requires an argument" in e.message:
        return f"{e.option_name} mangler en verdi."
    if e.message.startswith("Got unexpected extra argument"):
        ekstra = e.message.rpartition("(")[2].rstrip(")")
        return f"Ukjent argument «{ekstra}»; kommandoen tar bare valg (som --virksomhet)."
    return None


_GLOBAL_OPTIONS = ("--plan", "--today")  # global options that take a value


def _hoist_global_options(args: list[str]) -> list[str]:
    """Move --plan FIL (and --today) written after the command to before it, so that
    `aarshjul check --plan min.yaml` works like `aarshjul --plan min.yaml check`."""
    i = 0
    while i < len(args) and args[i].startswith("-"):  # global options before the command
        i += 2 if args[i] in _GLOBAL_OPTIONS else 1
    head, tail = args[:i], args[i:]
    hoisted: list[str] = []
    kept: list[str] = []
    j = 0
    while j < len(tail):
        arg = tail[j]
        if arg == "--":
            kept.extend(tail[j:])
            break
        if arg in _GLOBAL_OPTIONS and j + 1 < len(tail):
            hoisted.extend(tail[j : j + 2])
            j += 2
            continue
        if arg.startswith(tuple(f"{o}=" for o in _GLOBAL_OPTIONS)):
            hoisted.append(arg)
        else:
            kept.append(arg)
        j += 1
    return head + hoisted + kept


class _Group(_Norsk, TyperGroup):  # type: ignore[misc]
    """Resolves the Norwegian aliases, speaks bokmål in help and usage errors, and is
    the one place errors become messages."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["subcommand_metavar"] = "KOMMANDO [VALG]..."
        super().__init__(*args, **kwargs)

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        # The group parses its own options before invoke(), so report errors here too.
        try:
            return super().parse_args(ctx, _hoist_global_options(args))
        except AarshjulError as e:
            report_error(e)
            raise typer.Exit(e.exit_code) from None

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        return super().get_command(ctx, ALIASER.get(cmd_name, cmd_name))

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        try:
            return super().resolve_command(ctx, args)
        except _CLICK_USAGE_ERROR as e:
            if not e.message.startswith("No such command"):
                raise
            import difflib

            navn = sorted([*self.list_commands(ctx), *ALIASER])
            forslag = difflib.get_close_matches(args[0], navn, n=1)
            hint = f" Mente du «{forslag[0]}»?" if forslag else ""
            raise UsageError(
                f"Ukjent kommando «{args[0]}».{hint} Kommandoer: {', '.join(self.list_commands(ctx))}. "
                f"Se «{ctx.command_path} --help»."
            ) from None

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


# Whether State.plan() may use the plan cache (planfile.py). Only main(), the console
# command, turns it on: tests and library callers always load the file.
_PLAN_CACHE = False


@dataclass
class State:
    """What the global options decided, shared with every command through ctx.obj."""

    plan_option: str | None
    today: date
    _plan: Plan | None = field(default=None, repr=False)
    command: str | None = None  # the subcommand, aliases resolved (issue 6: export warnings)

    @property
    def plan_path(self) -> Path:
        from aarshjul.planfile import resolve_plan_path

        return resolve_plan_path(self.plan_option)

    def plan(self) -> Plan:
        if self._plan is None:
            if _PLAN_CACHE:  # set by main(): the console command, not tests (issue 7)
                from aarshjul.planfile import load_plan_cached

                self._plan = load_plan_cached(self.plan_path)
            else:
                from aarshjul.plan import load_plan

                self._plan = load_plan(self.plan_path)
            if self.command in EXPORTS:
                warn_personal_data(self._plan)
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
    ctx.obj.command = ALIASER.get(ctx.invoked_subcommand or "", ctx.invoked_subcommand)


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
    keys: list[str] = []
    for name in names or []:
        if name in plan.virksomheter:  # the usual cron line: no need to load plan.py (issue 7)
            key = name
        else:
            from aarshjul.plan import find_virksomhet

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


# --- personal data warnings (issue 6) ---------------------------------------------

# Commands whose output leaves the building: they repeat the plan's privacy warnings on
# stderr (cron mails stderr to the admin). `check` lists them itself.
EXPORTS = frozenset({"ics", "digest", "wheel"})


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
    if not tekst.lstrip("-").isdigit() or not lo <= int(tekst) <= hi:
        raise UsageError(f"{option} må være et helt tall mellom {lo} og {hi}, ikke «{value}».")
    return int(tekst)


def print_text(tekst: str) -> None:
    typer.echo(tekst, nl=False)


def parse_year_options(s: State, aar: str | None, skoleaar: str | None) -> tuple[int, bool]:
    """(start year, is a school year) from --år, --skoleår or the current school year."""
    from aarshjul.dates import parse_skoleaar, skoleaar_start

    if aar is not None and skoleaar is not None:
        raise UsageError("Bruk enten --år eller --skoleår, ikke begge.")
    if aar is not None:
        if not aar.strip().isdigit() or not 1900 <= int(aar) <= 2200:
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


# --- the commands, one module per group (registration order is the order in --help) --

from aarshjul.commands import leder  # noqa: E402,F401,I001  next, calendar, tiltak, virksomheter, check
from aarshjul.commands import ics  # noqa: E402,F401  ics
from aarshjul.commands import digest  # noqa: E402,F401  digest
from aarshjul.commands import wheel  # noqa: E402,F401  wheel


def _invoked_command(argv: list[str]) -> str | None:
    """The command name in argv (after the global options), or None when argv starts
    with anything else (--help, --version, a typo): then click needs every command."""
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg in ("--plan", "--today"):
            i += 2
        elif arg.startswith(("--plan=", "--today=")):
            i += 1
        elif arg.startswith("-"):
            return None
        else:
            return ALIASER.get(arg, arg)
    return None


def main() -> NoReturn:
    """Console entry point: `aarshjul` and `python -m aarshjul`."""
    # typer turns every registered command into a click command on each start
    # (signatures, type hints: ~0.4 ms per command). A fresh process runs one command,
    # so register only that one; help and errors for other argv keep them all (issue 7).
    global _PLAN_CACHE
    _PLAN_CACHE = True
    alle = app.registered_commands
    name = _invoked_command(sys.argv[1:])
    app.registered_commands = [c for c in alle if c.name == name] or alle
    # One short run: the cyclic collector would only rescan long-lived objects (the
    # libraries, the plan); reference counting frees everything else (issue 7).
    gc.disable()
    code = 0
    try:
        app()
    except SystemExit as e:
        if isinstance(e.code, int) or e.code is None:
            code = e.code or 0
        else:
            typer.echo(str(e.code), err=True)
            code = 1
    except BrokenPipeError:
        # `aarshjul next | head`: the reader left; say nothing, like other Unix tools.
        code = 1
    except KeyboardInterrupt:
        code = 130
    finally:
        app.registered_commands = alle
    _exit_now(code)


def _exit_now(code: int) -> NoReturn:
    """Flush and leave without the interpreter's teardown, which frees every module
    object one by one: ~1x the bare interpreter's start-up (issue 7). Nothing is lost:
    output files are closed by write_atomic, and aarshjul registers no atexit hooks."""
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        code = code or 1
    except OSError:
        pass
    try:
        sys.stderr.flush()
    except OSError:
        pass
    os._exit(code)


if _GC_VAR_PAA:  # the pause at the top of this module ends here; main() pauses again
    gc.enable()
