"""`aarshjul send`: the week's digest by e-mail to every recipient in aarshjul.toml, once."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from aarshjul.cli.common import ConfigOption, DbOption, parse_date_option, state
from aarshjul.cli.web import _db, _noekkel_sti, _oppsett
from aarshjul.errors import UsageError


def send_cmd(
    ctx: typer.Context,
    fra: Annotated[
        str | None, typer.Option("--fra", metavar="DATO", help="En dag i uken som sendes. Standard: i dag.")
    ] = None,
    paa_nytt: Annotated[
        bool, typer.Option("--på-nytt", "--paa-nytt", help="Send også til dem som har fått denne uken fra før.")
    ] = False,
    til_mappe: Annotated[
        str | None,
        typer.Option("--til-mappe", metavar="MAPPE", help="Skriv hver e-post som en .eml-fil i MAPPE; send ingenting."),
    ] = None,
    sendmail: Annotated[
        bool, typer.Option("--sendmail", help="Gi hver e-post til «sendmail -t -oi» i stedet for SMTP-serveren.")
    ] = False,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Send ukens oppsummering på e-post til hver mottaker i aarshjul.toml, én gang per uke.

    Hver virksomhet under [mottakere] får ukens oppsummering (det samme som «digest»), én
    e-post per mottaker, med tekst- og HTML-del og lenke til virksomhetens side når
    [nettsted] url er satt. En uke uten noe sender ingenting. Det som er sendt, lagres i
    kvitteringsdatabasen: en ny kjøring samme uke sender bare det som ikke kom fram.
    Feil står på standard feil, én linje per mottaker, og koden er 1.

    Eksempel: aarshjul send --config /etc/aarshjul/aarshjul.toml
    """
    from aarshjul.engine.digest import week_start
    from aarshjul.services.send import Levering, SendError, Sendmail, Smtp, TilMappe, send, uke_id
    from aarshjul.storage.noekkel import hent_noekkel

    s = state(ctx)
    oppsett, _ = _oppsett(s, config)
    if oppsett.fil is None:
        raise UsageError("Fant ikke aarshjul.toml: oppgi --config FIL (se docs/cron-og-digest.md).")
    if not oppsett.mottakere and not oppsett.teams:
        raise UsageError(f"{oppsett.fil}: ingen mottakere; skriv dem under [mottakere] (eller [teams]).")
    plan = s.plan()
    mandag = week_start(parse_date_option(fra, "--fra") if fra else s.today)
    db_path = _db(db, oppsett)
    noekkel_sti = _noekkel_sti(oppsett, db_path)
    # A personal link only where the server is set up: its key exists (made by serve or lenke).
    noekkel = hent_noekkel(noekkel_sti) if noekkel_sti.exists() else None
    if til_mappe and sendmail:
        raise UsageError("Bruk enten --til-mappe eller --sendmail, ikke begge.")
    levering: Levering = TilMappe(Path(til_mappe)) if til_mappe else Sendmail() if sendmail else Smtp(oppsett)
    try:
        r = send(plan, oppsett, db_path, mandag, s.today, levering, paa_nytt=paa_nytt, registrer=not til_mappe,
                 noekkel=noekkel)  # fmt: skip
    except SendError as e:
        raise UsageError(e.message) from None
    for linje in r.feil:
        typer.echo(f"Feil: {linje}", err=True)
    if sys.stdout.isatty() or til_mappe:
        hvor = f"til {til_mappe}" if til_mappe else ""
        antall = f"{len(r.sendt)} e-post" + ("" if len(r.sendt) == 1 else "er")
        typer.echo(f"Uke {uke_id(mandag)}: {antall} {'skrevet ' + hvor if til_mappe else 'sendt'}"
                   f", {r.hoppet_over} sendt fra før, {len(r.stille)} virksomheter uten noe denne uken.")  # fmt: skip
    if r.feil:
        raise typer.Exit(1)
