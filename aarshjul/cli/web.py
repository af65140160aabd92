"""`aarshjul lenke` and `aarshjul serve`: leaders sign off in a browser.

Flask, waitress and itsdangerous are imported only here, inside the commands, so no
other command starts slower.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from aarshjul.cli.common import ConfigOption, DbOption, parse_int_option, resolve_virksomheter, state
from aarshjul.errors import UsageError

if TYPE_CHECKING:
    from aarshjul.cli.common import State
    from aarshjul.config import Oppsett



def _oppsett(s: State, config: str | None) -> tuple[Oppsett, Path]:
    """The configuration, and the plan and database it (or the options) point to."""
    from aarshjul.config import les_oppsett
    from aarshjul.plan.planfile import resolve_plan_path

    oppsett = les_oppsett(config)
    plan_path = resolve_plan_path(s.plan_option) if s.plan_option or oppsett.plan is None else oppsett.plan
    if s.plan_option is None and oppsett.plan is not None:
        s.plan_option = str(oppsett.plan)
    return oppsett, plan_path


def _db(option: str | None, oppsett: Oppsett) -> Path:
    from aarshjul.storage.dbpath import resolve_db_path

    if option is None and oppsett.database is not None:
        return oppsett.database
    return resolve_db_path(option)


def _noekkel_sti(oppsett: Oppsett, db: Path) -> Path:
    from aarshjul.storage.noekkel import standard_sti

    return oppsett.server.noekkel_fil or standard_sti(db)


def lenke_cmd(
    ctx: typer.Context,
    virksomhet: Annotated[
        str | None, typer.Option("--virksomhet", "-v", metavar="VIRKSOMHET", help="Virksomheten lenken gjelder.")
    ] = None,
    admin: Annotated[
        bool,
        typer.Option("--admin", help="En lenke for ledelsen (planens «ledelse»): kvitter for alle og se rapporten."),
    ] = False,
    dager: Annotated[
        str | None, typer.Option("--dager", metavar="N", help="Hvor mange dager lenken virker. Standard: 30.")
    ] = None,
    url: Annotated[
        str | None,
        typer.Option("--url", metavar="ADRESSE", help="Der «aarshjul serve» svarer. Standard: [server] url."),
    ] = None,
    ny_noekkel: Annotated[
        bool,
        typer.Option("--ny-nøkkel", "--ny-nokkel",
                     help="Lag en ny nøkkel først: alle gamle lenker og økter slutter å virke."),
    ] = False,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Skriv en personlig lenke for en virksomhet: åpnet i nettleseren viser den en knapp som logger inn.

    Lenken er signert med en hemmelig nøkkel (en fil med modus 0600 ved siden av
    databasen, eller [server] noekkel_fil). Å åpne lenken endrer ingenting; først knappen
    starter en økt. En ny nøkkel (--ny-nøkkel) gjør alle gamle lenker ugyldige.

    Eksempel: aarshjul lenke --virksomhet VIRKSOMHET --dager 14
    """
    from aarshjul.services.lenker import lag_lenke
    from aarshjul.storage.noekkel import hent_noekkel, lag_noekkel

    s = state(ctx)
    oppsett, _ = _oppsett(s, config)
    if admin == (virksomhet is not None):
        raise UsageError("Oppgi enten --virksomhet V eller --admin.")
    base = url or oppsett.serve_url
    if not base:
        raise UsageError("Oppgi --url (adressen der «aarshjul serve» svarer) eller [nettsted] url i aarshjul.toml.")
    if not base.startswith(("https://", "http://")):
        raise UsageError(f"--url må begynne med https:// (fikk «{base}»).")
    antall = parse_int_option(dager, "--dager", 1, 366) or oppsett.server.lenke_dager
    key = None
    if virksomhet is not None:
        keys = resolve_virksomheter(s.plan(), [virksomhet])
        key = keys[0]
    sti = _noekkel_sti(oppsett, _db(db, oppsett))
    noekkel = lag_noekkel(sti, erstatt=True) if ny_noekkel else hent_noekkel(sti)
    if ny_noekkel:
        typer.echo(f"Ny nøkkel i {sti}: alle gamle lenker og økter virker ikke lenger.", err=True)
    typer.echo(lag_lenke(noekkel, base, key, antall, admin=admin))


def serve_cmd(
    ctx: typer.Context,
    host: Annotated[str | None, typer.Option("--host", metavar="ADRESSE", help="Standard: 127.0.0.1.")] = None,
    port: Annotated[str | None, typer.Option("--port", metavar="PORT", help="Standard: 8080.")] = None,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Kjør nettstedet med innlogging og kvittering: ledere kvitterer ut i nettleseren.

    Sidene er de samme som «publiser» lager, levende fra databasen, pluss «Mine oppgaver»
    (med personlig lenke eller kommunens innlogging) og rapporten for ledelsen.
    Kjør den bak nginx eller IIS med https; se docs/serve.md.

    Eksempel: aarshjul serve --port 8080
    """
    from aarshjul.cli.common import today_in_oslo
    from aarshjul.storage.noekkel import hent_noekkel
    from aarshjul.web import WebOppsett, create_app

    s = state(ctx)
    oppsett, plan_path = _oppsett(s, config)
    vert = host or oppsett.server.vert
    nr = parse_int_option(port, "--port", 1, 65535) or oppsett.server.port
    db_path = _db(db, oppsett)
    s.plan()  # a broken plan is reported now, not on the first request
    noekkel = hent_noekkel(_noekkel_sti(oppsett, db_path))
    fast = s.today
    web = WebOppsett(
        plan_path=plan_path, db_path=db_path, noekkel=noekkel, oppsett=oppsett,
        idag=(lambda: fast) if s.today_fixed else today_in_oslo,
        secure_cookie=(oppsett.serve_url or "").startswith("https://"),
    )  # fmt: skip
    app = create_app(web)
    from waitress import serve

    typer.echo(f"aarshjul svarer på http://{vert}:{nr}/ (Ctrl-C stopper). Plan: {plan_path}. Database: {db_path}.",
               err=True)  # fmt: skip
    import sys
    from urllib.parse import urlsplit

    # A sign-off holds the server's write lock across a dozen SQLite calls, each of which
    # lets go of the GIL; with page views rendering in the other threads it waited up to
    # the default 5 ms switch interval to get it back, every time (bench/serve_last.py).
    sys.setswitchinterval(0.0005)

    # Behind nginx at https://intranett.kommune.no/aarshjul the app's own links start with /aarshjul.
    prefiks = urlsplit(oppsett.serve_url or "").path.rstrip("/")
    serve(app, host=vert, port=nr, threads=oppsett.server.traader, ident="aarshjul", url_prefix=prefiks,
          _quiet=True)  # fmt: skip
