"""`aarshjul ics`: calendar files for Outlook, Microsoft 365 and Google (services/ics_export.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from aarshjul.cli.common import (
    STDOUT_NAVN,
    DbOption,
    VirksomhetOption,
    parse_date_option,
    resolve_virksomheter,
    state,
    write_output,
)
from aarshjul.errors import UsageError


def _antall_hendelser(n: int) -> str:
    return "1 hendelse" if n == 1 else f"{n} hendelser"


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
                "DTSTAMP i filen, kl. 00:00 UTC. Standard: første dag i perioden, men aldri "
                "etter 1. august i inneværende skoleår, så samme plan gir samme fil."
            ),
        ),
    ] = None,
    db: DbOption = None,
) -> None:
    """Lag en kalenderfil (ICS) for Outlook, Microsoft 365 og Google Kalender.

    Én hendelse per forekomst. Frister og evalueringer er heldagshendelser med påminnelse.
    Standard periode: fra 1. august i inneværende skoleår og 24 måneder fram.
    Filen skrives ferdig før den erstatter en gammel fil (trygt fra cron).

    Eksempel: aarshjul ics --virksomhet VIRKSOMHET -o kalender.ics

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
    from aarshjul.services.ics_export import ics_for, ics_stamp, ics_window, skriv_ics_mappe

    start, end = ics_window(
        s.today,
        parse_date_option(fra, "--fra") if fra else None,
        parse_date_option(til, "--til") if til is not None else None,
        maaneder,
    )
    stamp = ics_stamp(s.today, start, parse_date_option(stempel, "--stempel") if stempel else None)
    plan = s.plan()
    from aarshjul.storage.dbpath import kvitteringer_i_bruk

    # Signed-off events say so in SUMMARY and DESCRIPTION ("Utført 25.03.2027").
    kvitteringer = kvitteringer_i_bruk(db) or {}
    keys = resolve_virksomheter(plan, virksomhet)
    utfort = None
    if kvitteringer:
        from aarshjul.engine.followup import utfort_datoer

        # A duty signed off per virksomhet is «utført» in a unit's calendar when that
        # unit has signed off, in the whole plan's when every owner has.
        utfort = utfort_datoer(plan, kvitteringer, keys if not alle else None) or None

    if not alle:
        fil = ics_for(plan, start, end, keys, stamp, utfort)
        write_output(ut, fil.data)
        if ut not in STDOUT_NAVN:
            _fremdrift(f"Skrev {_antall_hendelser(fil.antall)} til {ut}.")
        return

    def varsle(tekst: str) -> None:
        typer.echo(tekst, err=True)

    for sti, antall, skrevet in skriv_ics_mappe(
        plan, Path(ut), start, end, stamp, s.today, utfort=utfort, varsle=varsle
    ):
        if skrevet:
            _fremdrift(f"Skrev {_antall_hendelser(antall)} til {sti}.")
        else:
            _fremdrift(f"Uendret: {sti} ({_antall_hendelser(antall)}).")


def _fremdrift(tekst: str) -> None:
    """Progress for a person at a terminal, on stderr: stdout may be the calendar itself,
    and cron mails whatever reaches stderr, so only errors should get there from cron."""
    import sys

    if sys.stderr is not None and sys.stderr.isatty():
        typer.echo(tekst, err=True)
