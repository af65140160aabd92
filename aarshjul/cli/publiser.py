"""`aarshjul publiser`: the årshjul as a static website in a folder (issue 15)."""

from __future__ import annotations

from datetime import date, datetime, timezone
from pathlib import Path
from typing import Annotated

import typer

from aarshjul.cli.common import DbOption, VirksomhetOption, resolve_virksomheter, state
from aarshjul.errors import UsageError

ICS_MAANEDER = 24  # the same window as `ics --alle`: from 1 August of the current school year


def parse_url(url: str) -> str:
    """The site's address without a trailing slash; only http(s) and no spaces or quotes."""
    base = url.strip().rstrip("/")
    skjema, _, rest = base.partition("://")
    if skjema.lower() not in ("http", "https") or not rest or any(c in base for c in " \t\"'<>\\`"):
        raise UsageError(
            f"--url: «{url}» er ikke en nettadresse; skriv f.eks. --url https://intranett.kommune.no/aarshjul"
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
    virksomhet: VirksomhetOption = None,
    db: DbOption = None,
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
    """
    s = state(ctx)
    if not ut or ut == "-":
        raise UsageError("Oppgi mappen nettstedet skal skrives til: -o MAPPE.")
    base = parse_url(url) if url is not None else None

    from dateutil.relativedelta import relativedelta

    from aarshjul.cli.ics import ICS_ALLE, ics_alle_filer, ics_filnavn
    from aarshjul.dates import skoleaar_start
    from aarshjul.engine.expand import expand
    from aarshjul.storage.ics_manifest import MANIFEST, Manifest, dato_naa
    from aarshjul.storage.output import write_atomic
    from aarshjul.storage.folder import publish_folder
    from aarshjul.render.json import render_rader
    from aarshjul.render.site import Abonnement, Nettsted, render_site
    from aarshjul.engine.select import Rad, best_rolle

    plan = s.plan()
    valgt = resolve_virksomheter(plan, virksomhet)
    keys = tuple(k for k in plan.virksomheter if not valgt or k in valgt)
    aar = skoleaar_start(s.today)
    start = date(aar, 8, 1)
    stamp = datetime.combine(start, datetime.min.time(), tzinfo=timezone.utc)

    # Every file is built before the first is written: a problem leaves the folder as it was.
    # The folder's ICS manifest, as `ics --alle` keeps it: SEQUENCE and LAST-MODIFIED (issue 14).
    manifest = Manifest.les(Path(ut), dato_naa(s.today))
    ics = ics_alle_filer(plan, start, start + relativedelta(months=ICS_MAANEDER), stamp, manifest)
    ics_data = {navn: data for navn, data, _ in ics}
    ics_navn = {k: ics_filnavn(k) for k in keys} | {ICS_ALLE: f"{ICS_ALLE}.ics"}
    abonnementer = {k: Abonnement(ics_navn[k], f"{base}/{ics_navn[k]}" if base else None) for k in (*keys, ICS_ALLE)}
    from aarshjul.storage.dbpath import kvitteringer_i_bruk

    kvitteringer = kvitteringer_i_bruk(db)
    filer = render_site(Nettsted(plan, s.today, aar, keys, abonnementer, kvitteringer=kvitteringer))
    filer.update({navn: ics_data[navn] for navn in ics_navn.values()})
    aaret = expand(plan, start, date(aar + 1, 8, 1))
    rader = [Rad(f, best_rolle(plan, f, None), (f.dato - s.today).days, False) for f in aaret]
    filer["plan.json"] = render_rader(rader).encode("utf-8")

    resultat = publish_folder(Path(ut), filer)
    ics_manifest = manifest.til_json()
    if ics_manifest != manifest.lest:  # after the files, as `ics --alle`
        write_atomic(Path(ut) / MANIFEST, ics_manifest)
    typer.echo(
        f"Publiserte {len(filer)} filer i {ut}: {len(resultat.skrevet)} nye eller endret, "
        f"{len(resultat.uendret)} uendret, {len(resultat.fjernet)} gamle fjernet."
    )
