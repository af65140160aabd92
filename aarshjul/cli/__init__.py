"""The command line: builds the typer app from the commands, speaks bokmål in help
and usage errors, and is the one error boundary. Nothing else.

Imports run one way: cli -> aarshjul.commands.* -> aarshjul.cli.common -> core.
The command modules define plain functions; KOMMANDOER below registers them, and a
console start imports only the module of the command it runs. Heavy modules (rich,
icalendar) are imported inside the commands that need them, so `aarshjul next --format
tekst` from cron starts fast.
"""

from __future__ import annotations

import gc
import importlib
import os
import sys
from typing import Annotated, Any, NoReturn

import typer
from typer.core import TyperCommand, TyperGroup

from aarshjul import __version__
from aarshjul.cli.common import State, parse_date_option, report_error, today_in_oslo
from aarshjul.errors import AarshjulError, UsageError

# Every command: (name, module in aarshjul.commands, function). The order is the order
# in --help. To add a command, write a plain function in a commands module and add a row.
KOMMANDOER: tuple[tuple[str, str, str], ...] = (
    ("next", "leder", "next_cmd"),
    ("calendar", "leder", "calendar_cmd"),
    ("tiltak", "leder", "tiltak_cmd"),
    ("virksomheter", "leder", "virksomheter_cmd"),
    ("check", "leder", "check_cmd"),
    ("ferier", "ferier", "ferier_cmd"),
    ("ics", "ics", "ics_cmd"),
    ("digest", "digest", "digest_cmd"),
    ("send", "send", "send_cmd"),
    ("wheel", "wheel", "wheel_cmd"),
    ("kvitter", "kvittering", "kvitter_cmd"),
    ("angre", "kvittering", "angre_cmd"),
    ("status", "kvittering", "status_cmd"),
    ("rapport", "kvittering", "rapport_cmd"),
    ("publiser", "publiser", "publiser_cmd"),
    ("lenke", "web", "lenke_cmd"),
    ("serve", "web", "serve_cmd"),
    ("ny", "starter", "ny_cmd"),
    ("schema", "starter", "schema_cmd"),
)

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
    """Every command's click class (see _bygg_app)."""


def _norsk_bruksfeil(e: Any) -> str | None:
    kind = type(e).__name__
    if kind == "NoSuchOption":
        forslag = sorted(e.possibilities or ())
        hint = f" Mente du {' eller '.join(forslag)}?" if forslag else ""
        return f"Ukjent valg «{e.option_name}».{hint}"
    if kind == "BadOptionUsage" and "requires an argument" in e.message:
        return f"{e.option_name} mangler en verdi."
    if kind in ("BadParameter", "MissingParameter"):
        navn = "/".join(getattr(e.param, "opts", None) or ()) or "verdien"
        if "is not a valid" in e.message:  # click: "'x' is not a valid integer."
            verdi = e.message.partition("'")[2].rpartition("'")[0]
            return f"{navn}: «{verdi}» er ikke et gyldig tall."
        if kind == "MissingParameter":
            return f"{navn} mangler en verdi."
        return f"{navn}: ugyldig verdi."
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
        if arg in _GLOBAL_OPTIONS:
            if j + 1 == len(tail):  # `aarshjul next --plan`: not an unknown option
                raise UsageError(f"{arg} mangler en verdi.")
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
        except KeyboardInterrupt as e:
            # Ctrl-C (or SIGTERM/SIGHUP): no traceback, no "Aborted!", 128 + the signal.
            from aarshjul.storage.interrupts import exit_code

            raise typer.Exit(exit_code(e)) from None


def _version(value: bool) -> None:
    if value:
        typer.echo(f"aarshjul {__version__}")
        raise typer.Exit()


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
    """Årshjul og fristvarsler for en handlingsplan: møter, frister og evalueringer per virksomhet.

    Eksempel: aarshjul --plan plan.yaml next --virksomhet VIRKSOMHET
    """
    ctx.obj = State(plan, parse_date_option(today, "--today") if today else today_in_oslo(), today_fixed=bool(today))
    ctx.obj.command = ALIASER.get(ctx.invoked_subcommand or "", ctx.invoked_subcommand)
    _installasjonens_oppsett(ctx.obj)


def _installasjonens_oppsett(s: State) -> None:
    """aarshjul.toml found by $AARSHJUL_CONFIG, the user's or the system's: its plan and
    database are the defaults for every command (--plan, $AARSHJUL_PLAN, --db and
    $AARSHJUL_DB win). Without a file (two stat calls) nothing changes."""
    from aarshjul.config import DB_ENV_NAVN, finn_config, les_fil

    fil = finn_config(None)
    if fil is None:
        return
    oppsett = les_fil(fil)
    if s.plan_option is None and oppsett.plan is not None:
        s.plan_option = str(oppsett.plan)
    if oppsett.database is not None and not os.environ.get(DB_ENV_NAVN):
        # The one place every command's --db default is read from (storage/dbpath.py).
        os.environ[DB_ENV_NAVN] = str(oppsett.database)


# --- building the app from the commands -----------------------------------------------


def _bygg_app(bare: str | None = None) -> typer.Typer:
    """The app with every command, or with only `bare` when it names one: a console start
    runs one command, and typer turns each registered command into a click command on every
    start besides importing its module."""
    # Only `bare`: ~10 ms of `next --virksomhet barnehage --format tekst` on the shipped
    # plan (~0.4 ms per command registered, plus rich and icalendar not imported).
    ny = typer.Typer(
        name="aarshjul",
        cls=_Group,
        help=(
            "Årshjul og fristvarsler for en handlingsplan: møter, frister og evalueringer per virksomhet.\n\n"
            "Eksempel: aarshjul --plan plan.yaml next --virksomhet VIRKSOMHET"
        ),
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
        rich_markup_mode=None,
        context_settings={"help_option_names": ["-h", "--help"]},
    )
    ny.callback()(_global)
    valgte = [k for k in KOMMANDOER if k[0] == bare] or KOMMANDOER
    for navn, modul, funksjon in valgte:
        fn = getattr(importlib.import_module(f"aarshjul.cli.{modul}"), funksjon)
        ny.command(navn, cls=NorskKommando)(fn)
    return ny


def __getattr__(name: str) -> Any:
    """`aarshjul.cli.app`: the whole app, built on first use (tests, library callers)."""
    if name == "app":
        globals()["app"] = built = _bygg_app()
        return built
    raise AttributeError(name)


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
    from aarshjul.storage.interrupts import exit_code, install_signal_handlers

    _guard_streams()
    install_signal_handlers()  # SIGTERM/SIGHUP clean up like Ctrl-C
    # Only the invoked command is imported and registered; help and errors for other
    # argv (no command, a typo) get them all.
    app = _bygg_app(_invoked_command(sys.argv[1:]))
    # One short run: the cyclic collector would only rescan long-lived objects (the
    # libraries, the plan); reference counting frees everything else. ~0.8 s (~5 %) of
    # `publiser` into an empty folder on the big-city plan (bench/storby.py).
    gc.disable()
    code = 0
    try:
        app()
    except SystemExit as e:
        if isinstance(e.code, int) or e.code is None:
            code = e.code or 0
        else:
            _say(str(e.code))
            code = 1
    except BrokenPipeError:
        # `aarshjul next | head`: the reader left; say nothing, like other Unix tools.
        code = 1
    except KeyboardInterrupt as e:  # Ctrl-C, SIGTERM, SIGHUP: 128 + the signal
        code = exit_code(e)
    except UnicodeEncodeError as e:
        _say(f"Feil: Utdata kan ikke skrives med tegnsettet {e.encoding}; bruk UTF-8 (f.eks. LANG=nb_NO.UTF-8).")
        code = 1
    except OSError as e:  # stdout full (/dev/full) or closed (>&-), a failing device
        _say_stream_error(e)
        code = 1
    _exit_now(code)


class _LukketStroem:
    """What sys.stdout/sys.stderr become when the stream was closed (`aarshjul next >&-`):
    writing anything raises EBADF, so the command fails with a message instead of an
    AttributeError on None, or silently losing its output."""

    encoding = "utf-8"
    errors = "strict"

    def __init__(self, navn: str) -> None:
        self.name = navn
        self.buffer = self

    def write(self, data: str | bytes) -> int:
        if data:
            import errno

            raise OSError(errno.EBADF, "closed")
        return 0

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False


def _guard_streams() -> None:
    """A closed stdin/stdout/stderr (fd 0-2) gets /dev/null as a placeholder, so a file
    we open later never becomes fd 1 and catches text meant for the screen; a closed
    sys.stdout/sys.stderr becomes a _LukketStroem."""
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:
            try:
                os.open(os.devnull, os.O_RDWR)  # the lowest free number: this fd
            except OSError:
                pass
    if sys.stdout is None:
        sys.stdout = _LukketStroem("<stdout>")  # type: ignore[assignment]
    if sys.stderr is None:
        sys.stderr = _LukketStroem("<stderr>")  # type: ignore[assignment]


def _say(tekst: str) -> None:
    """A last message on stderr; when stderr itself cannot be written, the exit code is
    all that is left to tell."""
    try:
        sys.stderr.write(tekst + "\n")
        sys.stderr.flush()
    except (OSError, ValueError):
        pass


def _say_stream_error(e: OSError) -> None:
    from aarshjul.errors import os_feil_tekst

    _say(f"Feil: Kan ikke skrive til standard utdata: {os_feil_tekst(e)}.")


def _exit_now(code: int) -> NoReturn:
    """Flush and leave without the interpreter's teardown, which frees every module
    object one by one: ~9 ms of `next --virksomhet barnehage --format tekst` on the
    shipped plan, about the bare interpreter's start-up. Nothing is lost:
    output files are closed by write_atomic, and aarshjul registers no atexit hooks.
    Output that cannot be flushed (a full disk) is an error, never exit 0."""
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        code = code or 1
    except (OSError, ValueError) as e:
        if code == 0:
            if isinstance(e, OSError):
                _say_stream_error(e)
            code = 1
    try:
        sys.stderr.flush()
    except (OSError, ValueError):
        code = code or 1
    os._exit(code)

