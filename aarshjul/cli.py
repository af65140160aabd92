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


class NorskKommando(_Norsk, TyperCommand):
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


class _Group(_Norsk, TyperGroup):
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


# --- virksomheter ------------------------------------------------------------------
# (the command is in the issue 3 section below, which gives it --format)


# --- next, calendar, tiltak, check (issue 3) ----------------------------------------

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


def _format(fmt: str | None) -> str:
    valgt = (fmt or "tabell").strip().lower()
    if valgt not in FORMATER:
        raise UsageError(f"Ukjent format «{fmt}». Velg et av: {', '.join(FORMATER)}.")
    return valgt


def _skjerm() -> tuple[int, bool]:
    """(width, colour) for tables: the terminal's width and colour only when stdout is a
    terminal and NO_COLOR (https://no-color.org) is not set; else a fixed width."""
    import shutil

    if sys.stdout.isatty() and not os.environ.get("NO_COLOR"):
        return shutil.get_terminal_size((TABELL_BREDDE, 24)).columns, True
    return TABELL_BREDDE, False


def _heltall(value: str | None, option: str, lo: int, hi: int) -> int | None:
    if value is None:
        return None
    tekst = value.strip()
    if not tekst.lstrip("-").isdigit() or not lo <= int(tekst) <= hi:
        raise UsageError(f"{option} må være et helt tall mellom {lo} og {hi}, ikke «{value}».")
    return int(tekst)


def _skriv(tekst: str) -> None:
    typer.echo(tekst, nl=False)


@app.command("next", cls=NorskKommando)
def next_cmd(
    ctx: typer.Context,
    virksomhet: VirksomhetOption = None,
    fra: Annotated[
        str | None,
        typer.Option(
            "--fra", metavar="DATO", help="Første dag (dd.mm.åååå eller åååå-mm-dd). Standard: i dag."
        ),
    ] = None,
    dager: Annotated[
        str | None,
        typer.Option("--dager", metavar="N", help=f"Antall dager fra --fra. Standard: {NEXT_DAGER}."),
    ] = None,
    til: Annotated[
        str | None, typer.Option("--til", metavar="DATO", help="Siste dag (tas med), i stedet for --dager.")
    ] = None,
    fmt: FormatOption = None,
) -> None:
    """Vis de neste dagene, uke for uke (alias: neste).

    Viser møter, aktiviteter, frister og evalueringer i perioden, sortert og gruppert
    etter ISO-uke, med ansvar og – når du velger virksomhet – rollen (ansvarlig eller
    deltar). Frister og evalueringer vises også før perioden deres, fra varselet
    begynner, med antall dager igjen. Antatte datoer er merket.

    Eksempel: aarshjul next --virksomhet barnehage --dager 14
    """
    from aarshjul.expand import waiting
    from aarshjul.select import upcoming

    valgt = _format(fmt)
    s = state(ctx)
    antall = _heltall(dager, "--dager", 1, 3660)
    start, end = window(s, fra, til, antall, NEXT_DAGER)
    plan = s.plan()
    keys = resolve_virksomheter(plan, virksomhet)
    rader = upcoming(plan, start, end, keys)
    ventende = waiting(plan, keys or None)
    if valgt == "json":
        from aarshjul.render.json import render_rader

        _skriv(render_rader(rader))
    elif valgt == "tabell":
        from aarshjul.render.table import render_next as render_tabell

        width, color = _skjerm()
        _skriv(render_tabell(
            plan, rader, ventende, fra=start, til=end, virksomheter=keys, width=width, color=color
        ))  # fmt: skip
    else:
        if valgt == "tekst":
            from aarshjul.render.text import render_next
        else:
            from aarshjul.render.markdown import render_next
        _skriv(render_next(plan, rader, ventende, fra=start, til=end, virksomheter=keys))


def _aarvalg(s: State, aar: str | None, skoleaar: str | None) -> tuple[int, bool]:
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


def _kalenderaar(s: State, aar: str | None, skoleaar: str | None) -> tuple[date, str]:
    """The årshjul's first day and title."""
    from aarshjul.dates import format_skoleaar

    start, er_skoleaar = _aarvalg(s, aar, skoleaar)
    if er_skoleaar:
        return date(start, 8, 1), f"Årshjul skoleåret {format_skoleaar(start)}"
    return date(start, 1, 1), f"Årshjul {start}"


@app.command("calendar", cls=NorskKommando)
def calendar_cmd(
    ctx: typer.Context,
    virksomhet: VirksomhetOption = None,
    aar: Annotated[
        str | None,
        typer.Option("--år", "--aar", metavar="ÅÅÅÅ", help="Et kalenderår, januar–desember."),
    ] = None,
    skoleaar: Annotated[
        str | None,
        typer.Option(
            "--skoleår", "--skoleaar", metavar="ÅÅÅÅ/ÅÅ",
            help="Et skoleår, august–juli. Standard: inneværende skoleår.",
        ),
    ] = None,
    fmt: FormatOption = None,
) -> None:
    """Vis årshjulet måned for måned (alias: kalender).

    Hver hendelse står én gang per måned med alle dagene sine. Standard er inneværende
    skoleår (august–juli); --år gir et kalenderår.

    Eksempel: aarshjul calendar --virksomhet skole --skoleår 2026/27
    """
    from aarshjul.expand import expand, waiting
    from aarshjul.select import Rad, best_rolle

    valgt = _format(fmt)
    s = state(ctx)
    start, tittel = _kalenderaar(s, aar, skoleaar)
    end = date(start.year + 1, start.month, 1)
    plan = s.plan()
    keys = resolve_virksomheter(plan, virksomhet)
    rader = [
        Rad(f, best_rolle(plan, f, keys), (f.dato - s.today).days, False)
        for f in expand(plan, start, end, keys or None)
    ]
    ventende = waiting(plan, keys or None)
    if valgt == "json":
        from aarshjul.render.json import render_rader

        _skriv(render_rader(rader))
    elif valgt == "tabell":
        from aarshjul.render.table import render_calendar as render_tabell

        width, color = _skjerm()
        _skriv(render_tabell(
            plan, rader, ventende, tittel=tittel, start=start, virksomheter=keys, width=width, color=color
        ))  # fmt: skip
    else:
        if valgt == "tekst":
            from aarshjul.render.text import render_calendar
        else:
            from aarshjul.render.markdown import render_calendar
        _skriv(render_calendar(plan, rader, ventende, tittel=tittel, start=start, virksomheter=keys))


@app.command("tiltak", cls=NorskKommando)
def tiltak_cmd(ctx: typer.Context, virksomhet: VirksomhetOption = None, fmt: FormatOption = None) -> None:
    """Vis tiltakene med ansvar, kilde og neste dato.

    Kilden er kapittelet i planen; sonen er grønn, gul eller rød (kap. 5.2).

    Med --virksomhet: bare tiltakene virksomheten har ansvar for eller deltar i, med
    neste dato som gjelder den.

    Eksempel: aarshjul tiltak --virksomhet ppt
    """
    from aarshjul.select import tiltak_status

    valgt = _format(fmt)
    s = state(ctx)
    plan = s.plan()
    keys = resolve_virksomheter(plan, virksomhet)
    statuser = tiltak_status(plan, s.today, keys)
    if valgt == "json":
        from aarshjul.render.json import render_tiltak as render_json

        _skriv(render_json(plan, statuser))
    elif valgt == "tabell":
        from aarshjul.render.table import render_tiltak as render_tabell

        width, color = _skjerm()
        _skriv(render_tabell(plan, statuser, virksomheter=keys, width=width, color=color))
    else:
        if valgt == "tekst":
            from aarshjul.render.text import render_tiltak
        else:
            from aarshjul.render.markdown import render_tiltak
        _skriv(render_tiltak(plan, statuser, virksomheter=keys))


@app.command("virksomheter", cls=NorskKommando)
def virksomheter_cmd(ctx: typer.Context, fmt: FormatOption = None) -> None:
    """Vis virksomhetene: nøkkel, navn, leder og aliaser.

    Nøkkelen, navnet og aliasene kan alle brukes med --virksomhet.

    Eksempel: aarshjul virksomheter
    """
    valgt = _format(fmt)
    plan = state(ctx).plan()
    if valgt == "json":
        from aarshjul.render.json import render_virksomheter as render_json

        _skriv(render_json(plan))
    elif valgt == "tabell":
        from aarshjul.render.table import render_virksomheter as render_tabell

        width, color = _skjerm()
        _skriv(render_tabell(plan, width=width, color=color))
    else:
        if valgt == "tekst":
            from aarshjul.render.text import render_virksomheter
        else:
            from aarshjul.render.markdown import render_virksomheter
        _skriv(render_virksomheter(plan))


@app.command("check", cls=NorskKommando)
def check_cmd(ctx: typer.Context) -> None:
    """Kontroller planen og vis advarsler (alias: sjekk).

    Feil i planen skrives til standard feil, og kommandoen avslutter med kode 1.
    Advarsler (utløpt planperiode, tiltak uten evaluering, virksomheter ingen viser
    til, færre møter enn planen sier, datoer som ikke er satt) endrer ikke koden: 0.

    Eksempel: aarshjul check --plan data/plan.yaml
    """
    from aarshjul.check import find_warnings, summarize
    from aarshjul.render.common import one_line, sanitize

    s = state(ctx)
    try:
        plan = s.plan()
    except PlanError as e:
        report_error(e)
        typer.echo(f"Planen er ikke gyldig ({len(e.problems)} feil).", err=True)
        raise typer.Exit(1) from None
    sted = sanitize(str(s.plan_path))
    summary = summarize(plan)
    warnings = find_warnings(plan, s.today)
    lines = [f"Planen er gyldig: {sted}", f"{one_line(plan.navn)} – {one_line(plan.kommune)}"]
    if plan.periode_fra or plan.periode_til:
        fra = plan.periode_fra.strftime("%d.%m.%Y") if plan.periode_fra else "…"
        til = plan.periode_til.strftime("%d.%m.%Y") if plan.periode_til else "…"
        lines.append(f"Planperiode: {fra}–{til}")
    tall = [
        ("Virksomheter", summary.virksomheter),
        ("Tiltak", summary.tiltak),
        ("Hendelser", summary.hendelser),
        ("Antatte datoer", summary.antatte),
        ("Venter på dato", summary.ventende),
    ]
    lines.append("")
    lines += [f"  {navn + ':':<16}{antall:>4}" for navn, antall in tall]
    lines.append("")
    if warnings:
        lines.append(f"Advarsler ({len(warnings)}):")
        for w in warnings:
            hvor = f"{sted}:{w.line}: " if w.line is not None else ""
            lines.append(f"  - {hvor}{sanitize(w.message)}")
    else:
        lines.append("Ingen advarsler.")
    _skriv("\n".join(lines) + "\n")


# --- ics (issue 4) -----------------------------------------------------------------

ICS_MAANEDER = 24  # default window: from 1 August of the current school year
ICS_ALLE = "alle"  # alle.ics: every virksomhet in one file
ICS_NAVN = "Årshjul Tidlig innsats"  # X-WR-CALNAME: "Årshjul Tidlig innsats – Barnehage"
# Device names Windows refuses as a file name, with any extension ("con.ics" too).
_WINDOWS_RESERVERT = frozenset(
    ["con", "prn", "aux", "nul"] + [f"{p}{n}" for p in ("com", "lpt") for n in range(1, 10)]
)


def ics_filnavn(key: str) -> str:
    """"barnehage.ics": a virksomhet key as a file name that is safe on every OS.

    Keys are already [a-z0-9_-] (plan.py), but the name goes to the file system, so
    anything else becomes "_", and names Windows reserves are refused, not renamed:
    a silently different name would break the subscription URLs people were given.
    """
    import re

    navn = re.sub(r"[^a-z0-9_-]", "_", key.lower())[:100]
    if not navn or navn in _WINDOWS_RESERVERT or navn == ICS_ALLE:
        hvorfor = "er reservert for alle.ics" if navn == ICS_ALLE else "er ikke et trygt filnavn"
        raise UsageError(
            f"Virksomheten «{key}» kan ikke få kalenderfilen «{navn}.ics»: navnet {hvorfor} "
            "(i Windows er f.eks. con, nul, aux, prn og com1 reservert). "
            "Gi virksomheten en annen nøkkel i planen."
        )
    return f"{navn}.ics"


def _ics_window(
    s: State, fra: str | None, til: str | None, maaneder: int | None
) -> tuple[date, date]:
    """[start, end): --fra (default 1 August of the current school year), --til or --måneder."""
    from dateutil.relativedelta import relativedelta

    from aarshjul.dates import skoleaar_start

    if til is not None and maaneder is not None:
        raise UsageError("Bruk enten --til eller --måneder, ikke begge.")
    start = parse_date_option(fra, "--fra") if fra else date(skoleaar_start(s.today), 8, 1)
    if til is not None:
        end = parse_date_option(til, "--til") + timedelta(days=1)
        if end <= start:
            raise UsageError("--til kan ikke være før --fra.")
        return start, end
    n = ICS_MAANEDER if maaneder is None else maaneder
    if not 1 <= n <= 120:
        raise UsageError("--måneder må være mellom 1 og 120.")
    return start, start + relativedelta(months=n)


def _antall_hendelser(n: int) -> str:
    return "1 hendelse" if n == 1 else f"{n} hendelser"


@app.command("ics", cls=NorskKommando)
def ics_cmd(
    ctx: typer.Context,
    virksomhet: VirksomhetOption = None,
    alle: Annotated[
        bool,
        typer.Option(
            "--alle", help="Én fil per virksomhet (nøkkel.ics) pluss alle.ics i mappen -o MAPPE."
        ),
    ] = False,
    fra: Annotated[
        str | None,
        typer.Option(
            "--fra", metavar="DATO", help="Første dag. Standard: 1. august i inneværende skoleår."
        ),
    ] = None,
    til: Annotated[str | None, typer.Option("--til", metavar="DATO", help="Siste dag (tas med).")] = None,
    maaneder: Annotated[
        int | None,
        typer.Option(
            "--måneder", "--maaneder", metavar="N", help="Antall måneder fra --fra. Standard: 24."
        ),
    ] = None,
    ut: Annotated[
        str | None,
        typer.Option(
            "-o", "--ut", metavar="FIL|MAPPE",
            help="Filen som skrives (- = skjermen); med --alle en mappe, som opprettes om den mangler.",
        ),
    ] = None,
    stempel: Annotated[
        str | None,
        typer.Option(
            "--stempel", metavar="DATO",
            help=(
                "DTSTAMP i filen, kl. 00:00 UTC. Standard: første dag i perioden, "
                "så samme plan gir samme fil."
            ),
        ),
    ] = None,
) -> None:
    """Lag en kalenderfil (ICS) for Outlook, Microsoft 365 og Google Kalender.

    Én hendelse per forekomst. Frister og evalueringer er heldagshendelser med påminnelse.
    Standard periode: fra 1. august i inneværende skoleår og 24 måneder fram.
    Filen skrives ferdig før den erstatter en gammel fil (trygt fra cron).

    Eksempel: aarshjul ics --virksomhet barnehage -o barnehage.ics

    Eksempel: aarshjul ics --alle -o /var/www/kalender
    """
    s = state(ctx)
    if not ut:
        raise UsageError(
            "Oppgi hvor kalenderen skal skrives: -o FIL (eller -o - for skjermen, -o MAPPE med --alle)."
        )
    if alle and virksomhet:
        raise UsageError("Bruk enten --alle eller --virksomhet, ikke begge.")
    if alle and ut == "-":
        raise UsageError("--alle skriver én fil per virksomhet; -o må være en mappe, ikke -.")
    start, end = _ics_window(s, fra, til, maaneder)
    stamp_dato = parse_date_option(stempel, "--stempel") if stempel else start
    from datetime import timezone

    from aarshjul.expand import expand
    from aarshjul.render.common import virksomheter_tekst
    from aarshjul.render.ics import render_ics

    stamp = datetime.combine(stamp_dato, datetime.min.time(), tzinfo=timezone.utc)
    plan = s.plan()
    navn_alle = f"{ICS_NAVN} – alle virksomheter"

    if not alle:
        keys = resolve_virksomheter(plan, virksomhet)
        forekomster = expand(plan, start, end, keys or None)
        calname = f"{ICS_NAVN} – {virksomheter_tekst(plan, tuple(keys))}" if keys else navn_alle
        write_output(ut, render_ics(plan, forekomster, calname=calname, stamp=stamp))
        if ut != "-":
            typer.echo(f"Skrev {_antall_hendelser(len(forekomster))} til {ut}.")
        return

    # Every file is rendered before the first is written: a plan or name problem
    # leaves the whole published folder as it was.
    # One expansion, filtered per virksomhet (what expand(..., [key]) does), and each
    # VEVENT built once for all the files it is in (`delte`): issue 7.
    from aarshjul.expand import rolle

    alle_forekomster = expand(plan, start, end)
    delte: dict[str, bytes] = {}
    filer: list[tuple[str, bytes, int]] = []
    for key, v in plan.virksomheter.items():
        filnavn = ics_filnavn(key)
        if any(filnavn == f[0] for f in filer):
            raise UsageError(
                f"To virksomheter får samme kalenderfil «{filnavn}». Gi en av dem en annen nøkkel."
            )
        forekomster = [f for f in alle_forekomster if rolle(plan, f, key)]
        data = render_ics(plan, forekomster, calname=f"{ICS_NAVN} – {v.navn}", stamp=stamp, delte=delte)
        filer.append((filnavn, data, len(forekomster)))
    data = render_ics(plan, alle_forekomster, calname=navn_alle, stamp=stamp, delte=delte)
    filer.append((f"{ICS_ALLE}.ics", data, len(alle_forekomster)))
    mappe = _ics_mappe(Path(ut))
    for filnavn, data, antall in filer:
        write_output(str(mappe / filnavn), data)
        typer.echo(f"Skrev {_antall_hendelser(antall)} til {mappe / filnavn}.")


def _ics_mappe(mappe: Path) -> Path:
    """The --alle folder, created (with parents) when missing."""
    from aarshjul.output import OutputError

    if mappe.exists() and not mappe.is_dir():
        raise OutputError(f"«{mappe}» er en fil, ikke en mappe. Med --alle er -o en mappe.")
    try:
        mappe.mkdir(parents=True, exist_ok=True)
    except PermissionError:
        raise OutputError(f"Mangler tilgang til å opprette mappen «{mappe}».") from None
    except OSError as e:
        raise OutputError(f"Kan ikke opprette mappen «{mappe}»: {e.strerror or e}.") from None
    return mappe


# --- digest (issue 5) --------------------------------------------------------------


@app.command("digest", cls=NorskKommando)
def digest_cmd(
    ctx: typer.Context,
    virksomhet: VirksomhetOption = None,
    fra: Annotated[
        str | None,
        typer.Option("--fra", metavar="DATO", help="En dag i den første uken (dd.mm.åååå). Standard: i dag."),
    ] = None,
    uker: Annotated[
        int, typer.Option("--uker", metavar="N", help="Antall uker oppsummeringen dekker (1–52).")
    ] = 1,
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            metavar="tekst|markdown|html",
            help="tekst (e-post i ren tekst), markdown (chat) eller html (e-post).",
        ),
    ] = "tekst",
    stille_hvis_tom: Annotated[
        bool,
        typer.Option(
            "--stille-hvis-tom",
            help="Skriv ingenting (og avslutt med 0) når uken er tom og ingen frister nærmer seg.",
        ),
    ] = False,
) -> None:
    """Ukentlig oppsummering for e-post fra cron: ukens hendelser dag for dag,
    kommende frister og det som venter på en dato.

    Uken er ISO-uken som inneholder --fra (standard: i dag). Dager igjen til en
    frist regnes fra mandag i uken.

    Eksempel: aarshjul digest --virksomhet barnehage --stille-hvis-tom
    """
    from aarshjul.render.digest import FORMATER, MAX_UKER, build_digest, render

    s = state(ctx)
    if fmt not in FORMATER:
        raise UsageError(f"Ukjent format «{fmt}». Velg et av: {', '.join(FORMATER)}.")
    if not 1 <= uker <= MAX_UKER:
        raise UsageError(f"--uker må være mellom 1 og {MAX_UKER}.")
    start = parse_date_option(fra, "--fra") if fra else s.today
    plan = s.plan()
    digest = build_digest(plan, start, uker, resolve_virksomheter(plan, virksomhet))
    if stille_hvis_tom and digest.is_empty:
        return
    write_output("-", render(digest, fmt).encode("utf-8"))


# --- wheel (issue 8) ---------------------------------------------------------------


def _hjulaar(s: State, aar: str | None, skoleaar: str | None) -> Any:
    """The year of the wheel: --år, --skoleår or the current school year."""
    from aarshjul.render.svg import Hjulaar

    start, er_skoleaar = _aarvalg(s, aar, skoleaar)
    return Hjulaar.skoleaar_fra(start) if er_skoleaar else Hjulaar.kalenderaar(start)


@app.command("wheel", cls=NorskKommando)
def wheel_cmd(
    ctx: typer.Context,
    virksomhet: VirksomhetOption = None,
    aar: Annotated[
        str | None,
        typer.Option("--år", "--aar", metavar="ÅÅÅÅ", help="Et kalenderår, januar øverst."),
    ] = None,
    skoleaar: Annotated[
        str | None,
        typer.Option(
            "--skoleår", "--skoleaar", metavar="ÅÅÅÅ/ÅÅ",
            help="Et skoleår, august øverst. Standard: inneværende skoleår.",
        ),
    ] = None,
    tittel: Annotated[
        str | None,
        typer.Option(
            "--tittel", metavar="TEKST", help="Tittelen i midten. Standard: «Årshjul Tidlig innsats».",
        ),
    ] = None,
    farge: Annotated[
        str,
        typer.Option(
            "--farge", metavar="type|sone", show_default=False,
            help="Farge etter hendelsestype (standard) eller etter sone (grønn/gul/rød).",
        ),
    ] = "type",
    ut: Annotated[
        str | None,
        typer.Option(
            "-o", "--ut", metavar="FIL", help="SVG-filen som skal skrives; «-» skriver til standard ut.",
        ),
    ] = None,
) -> None:
    """Tegn årshjulet som et SVG-bilde: én ring per tiltak, tolv måneder med klokka.

    Bildet er laget for A4 liggende. Hule markører er antatte datoer; den røde nålen er i dag.

    Eksempel: aarshjul wheel --virksomhet barnehage -o hjul.svg
    """
    from aarshjul.expand import expand, waiting
    from aarshjul.render.svg import DEFAULT_TITTEL, Farge, render_svg

    if ut is None:
        raise UsageError("Oppgi hvor bildet skal skrives, f.eks. -o hjul.svg (eller -o - for standard ut).")
    try:
        fargevalg = Farge(farge.strip().lower())
    except ValueError:
        raise UsageError(f"--farge: «{farge}» er ukjent; velg «type» eller «sone».") from None
    s = state(ctx)
    hjulaar = _hjulaar(s, aar, skoleaar)
    plan = s.plan()
    keys = resolve_virksomheter(plan, virksomhet)
    data = render_svg(
        plan,
        expand(plan, hjulaar.fra, hjulaar.til, keys or None),
        aar=hjulaar,
        today=s.today,
        tittel=tittel if tittel is not None else DEFAULT_TITTEL,
        virksomheter=keys,
        farge=fargevalg,
        ventende=waiting(plan, keys or None),
    )
    write_output(ut, data)


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
