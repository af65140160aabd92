"""`aarshjul digest`: the weekly digest that cron mails."""

from __future__ import annotations

from typing import Annotated

import typer

from aarshjul.cli.common import (
    DbOption,
    VirksomhetOption,
    parse_date_option,
    resolve_virksomheter,
    state,
    write_output,
)
from aarshjul.errors import UsageError


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
    db: DbOption = None,
) -> None:
    """Ukentlig oppsummering for e-post fra cron: ukens hendelser dag for dag,
    kommende frister og det som venter på en dato.

    Uken er ISO-uken som inneholder --fra (standard: i dag). Dager igjen til en
    frist regnes fra mandag i uken.

    Eksempel: aarshjul digest --virksomhet VIRKSOMHET --stille-hvis-tom
    """
    from aarshjul.engine.digest import MAX_UKER, build_digest
    from aarshjul.render.digest import FORMATER, render

    s = state(ctx)
    if fmt not in FORMATER:
        raise UsageError(f"Ukjent format «{fmt}». Velg et av: {', '.join(FORMATER)}.")
    if not 1 <= uker <= MAX_UKER:
        raise UsageError(f"--uker må være mellom 1 og {MAX_UKER}.")
    start = parse_date_option(fra, "--fra") if fra else s.today
    plan = s.plan()
    from aarshjul.storage.dbpath import kvitteringer_i_bruk

    digest = build_digest(plan, start, uker, resolve_virksomheter(plan, virksomhet), kvitteringer_i_bruk(db))
    if stille_hvis_tom and digest.is_empty:
        return
    write_output("-", render(digest, fmt).encode("utf-8"))
