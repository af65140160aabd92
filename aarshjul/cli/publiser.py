"""`aarshjul publiser`: the årshjul as a static website in a folder (services/publish.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from aarshjul.cli.common import DbOption, VirksomhetOption, resolve_virksomheter, state
from aarshjul.errors import UsageError


def parse_url(url: str, option: str = "--url") -> str:
    """The site's address without a trailing slash; only http(s) and no spaces or quotes."""
    base = url.strip().rstrip("/")
    skjema, _, rest = base.partition("://")
    if skjema.lower() not in ("http", "https") or not rest or any(c in base for c in " \t\"'<>\\`"):
        raise UsageError(
            f"{option}: «{url}» er ikke en nettadresse; skriv f.eks. {option} https://intranett.kommune.no/aarshjul"
        )
    return base


def publiser_cmd(
    ctx: typer.Context,
    ut: Annotated[
        str | None,
        typer.Option(
            "-o", "--ut", metavar="MAPPE", help="Mappen nettstedet skrives til; den opprettes om den mangler."
        ),
    ] = None,
    url: Annotated[
        str | None,
        typer.Option(
            "--url",
            metavar="ADRESSE",
            help="Adressen mappen har på nettet (https://…); gir abonnementslenker til kalenderne.",
        ),
    ] = None,
    kvittering_url: Annotated[
        str | None,
        typer.Option(
            "--kvittering-url",
            metavar="ADRESSE",
            help="Der «aarshjul serve» svarer (https://…): forsiden og virksomhetssidene lenker dit for å "
            "kvittere ut. Standard: [server] url i aarshjul.toml.",
        ),
    ] = None,
    virksomhet: VirksomhetOption = None,
    db: DbOption = None,
    config: Annotated[
        str | None,
        typer.Option(
            "--config", metavar="FIL",
            help="aarshjul.toml. Standard: $AARSHJUL_CONFIG, ~/.config/aarshjul/aarshjul.toml, "
                 "/etc/aarshjul/aarshjul.toml.",
        ),
    ] = None,  # fmt: skip
) -> None:
    """Lag et nettsted med årshjulet, fristene og kalenderne (statisk HTML, ingen JavaScript).

    Forsiden viser hjulet for skoleåret, de neste 30 dagene og alle virksomhetene; hver
    virksomhet får sin side med sitt hjul, de neste 60 dagene, alt måned for måned og
    kalenderen sin (ICS, samme filer som «ics --alle»). Filer i mappen som aarshjul ikke
    har skrevet, blir liggende. Finnes kvitteringsdatabasen (--db), viser sidene hva som er
    forfalt og hva som er utført; den opprettes aldri av denne kommandoen. Samme plan
    samme dag gir nøyaktig de samme filene.

    Eksempel: aarshjul publiser -o /var/www/aarshjul

    Eksempel: aarshjul publiser -o nett --url https://intranett.no/aarshjul

    Eksempel: aarshjul publiser -o nett --kvittering-url https://intranett.no/kvitter
    """
    s = state(ctx)
    if not ut or ut == "-":
        raise UsageError("Oppgi mappen nettstedet skal skrives til: -o MAPPE.")
    base = parse_url(url) if url is not None else None
    if kvittering_url is not None:
        server: str | None = parse_url(kvittering_url, "--kvittering-url")
    else:
        from aarshjul.config import les_oppsett

        server = les_oppsett(config).server.url

    from aarshjul.services.publish import publiser
    from aarshjul.storage.dbpath import kvitteringer_i_bruk

    plan = s.plan()
    valgt = resolve_virksomheter(plan, virksomhet)
    keys = tuple(k for k in plan.virksomheter if not valgt or k in valgt)
    r = publiser(plan, Path(ut), s.today, keys, base_url=base, kvitteringer=kvitteringer_i_bruk(db),
                 kvittering_url=server)
    if r.advarsel:
        typer.echo(r.advarsel, err=True)  # as `ics --alle` says it: cron mails stderr
    typer.echo(
        f"Publiserte {r.filer} filer i {ut}: {r.skrevet} nye eller endret, "
        f"{r.uendret} uendret, {r.fjernet} gamle fjernet."
    )
