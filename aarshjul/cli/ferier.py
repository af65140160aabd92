"""`aarshjul ferier`: the school holidays the tool read, and who follows them."""

from __future__ import annotations

from typing import Annotated

import typer

from aarshjul.cli.common import VirksomhetOption, parse_year_options, print_text, resolve_virksomheter, state
from aarshjul.errors import UsageError

FERIE_FORMATER = ("tekst", "markdown", "json")


def ferier_cmd(
    ctx: typer.Context,
    skoleaar: Annotated[
        str | None,
        typer.Option(
            "--skoleår", "--skoleaar", metavar="ÅÅÅÅ/ÅÅ",
            help="Skoleåret, august–juli. Standard: inneværende skoleår.",
        ),
    ] = None,
    virksomhet: VirksomhetOption = None,
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format", metavar="FORMAT",
            help="tekst (standard), markdown eller json (en liste med ISO-datoer, for skript).",
        ),
    ] = None,
) -> None:
    """Vis skoleferiene planen leste: navn, datoer, uke, skoledager og hvor de står.

    Møter og aktiviteter flyttes ut av disse feriene. Under listen står hvem som følger
    skoleruta (plan: ferier_gjelder); med --virksomhet om den virksomheten gjør det.
    Et skoleår uten ferier sies tydelig fra om.

    Eksempel: aarshjul ferier --skoleår 2026/27
    """
    from aarshjul.render import ferier as render
    from aarshjul.services.ferier import ferieoversikt

    valgt = (fmt or "tekst").strip().lower()
    if valgt not in FERIE_FORMATER:
        raise UsageError(f"Ukjent format «{fmt}». Velg et av: {', '.join(FERIE_FORMATER)}.")
    s = state(ctx)
    start, _ = parse_year_options(s, None, skoleaar)
    plan = s.plan()
    keys = resolve_virksomheter(plan, virksomhet)
    oversikt = ferieoversikt(plan, start, keys)
    if valgt == "json":
        print_text(render.render_json(oversikt))
        ingen = render.ingen_ferier_tekst(oversikt)
        if ingen:  # the list is empty: say why where a person reads it
            typer.echo(ingen, err=True)
    elif valgt == "markdown":
        from aarshjul.render.markdown import render_ferier

        print_text(render_ferier(plan, oversikt))
    else:
        print_text(render.render_tekst(plan, oversikt))
