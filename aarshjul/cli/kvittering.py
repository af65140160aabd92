"""Sign-off and follow-up: kvitter, angre, status, rapport.

The store is aarshjul/storage/store.py (SQLite); what is done or overdue is decided by
aarshjul/engine/followup.py. This module only reads options, resolves ids and prints.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from aarshjul.cli.common import (
    DbOption,
    State,
    VirksomhetOption,
    parse_date_option,
    print_text,
    resolve_virksomheter,
    screen,
    state,
    write_output,
)
from aarshjul.errors import UsageError

if TYPE_CHECKING:
    from aarshjul.model import Plan

SkoleaarOption = Annotated[
    str | None,
    typer.Option(
        "--skoleår", "--skoleaar", metavar="ÅÅÅÅ/ÅÅ", help="Et skoleår, august–juli. Standard: inneværende skoleår."
    ),
]
FraOption = Annotated[str | None, typer.Option("--fra", metavar="DATO", help="Første dag (dd.mm.åååå).")]
TilOption = Annotated[str | None, typer.Option("--til", metavar="DATO", help="Siste dag (tas med).")]
# -o is --ut in every command; --output, its name here before, still works (crontabs).
OutputOption = Annotated[
    str, typer.Option("-o", "--ut", metavar="FIL", help="Skriv til filen (atomisk) i stedet for skjermen.")
]
OutputAlias = Annotated[str | None, typer.Option("--output", hidden=True)]
EnVirksomhetOption = Annotated[
    str | None,
    typer.Option(
        "--virksomhet", "-v", metavar="VIRKSOMHET",
        help="Bare for denne virksomheten (den må ha ansvar). Uten: for alle som har ansvar og mangler.",
    ),
]  # fmt: skip

def _db(option: str | None) -> Path:
    from aarshjul.storage.dbpath import resolve_db_path

    return resolve_db_path(option)


def _meld_opprettet(path: Path) -> None:
    typer.echo(f"Opprettet kvitteringsdatabasen: {path}", err=True)


def kvitter_cmd(
    ctx: typer.Context,
    ider: Annotated[list[str] | None, typer.Argument(metavar="ID...", show_default=False)] = None,
    dato: Annotated[
        str | None, typer.Option("--dato", metavar="DATO", help="Dagen det ble gjort. Standard: i dag.")
    ] = None,
    av: Annotated[str | None, typer.Option("--av", metavar="TEKST", help="Hvem (rolle eller virksomhet).")] = None,
    merknad: Annotated[str | None, typer.Option("--merknad", metavar="TEKST", help="En kort merknad.")] = None,
    lenke: Annotated[
        str | None, typer.Option("--lenke", metavar="URL", help="Lenke til referat eller rapport.")
    ] = None,
    virksomhet: EnVirksomhetOption = None,
    erstatt: Annotated[
        bool,
        typer.Option("--erstatt", help="Erstatt en kvittering som allerede gjelder (angre henter den fram igjen)."),
    ] = False,
    eksport: Annotated[
        str | None,
        typer.Option("--eksport", metavar="json|csv", help="Skriv alle kvitteringer (hele historikken) ut."),
    ] = None,
    importer: Annotated[
        str | None,
        typer.Option(
            "--importer", metavar="FIL", help="Les inn en eksport (json eller csv); dobbel import legger ikke til noe."
        ),
    ] = None,
    output: OutputOption = "-",
    output_alias: OutputAlias = None,
    db: DbOption = None,
) -> None:
    """Kvitter ut at en frist, evaluering eller et møte er gjort.

    ID er id-en fra «status» eller --format json: tiltak, hendelse og forekomstens dato,
    som TILTAK.HENDELSE.2027-03-31 (virker for alle regler). Nøkkelen virker også:
    TILTAK.HENDELSE.2027-03 for en regel med måneder, og ISO-uka for en uke-regel
    (TILTAK.HENDELSE.2026-W39 = uke 39 i 2026). Det samme gjør «TILTAK.HENDELSE 2026/27»
    når hendelsen er én gang det skoleåret. Kvitteringen følger forekomsten selv om
    datoen flyttes innenfor perioden sin.

    En frist eller evaluering som flere virksomheter har ansvar for, kvitteres av hver
    virksomhet for seg (--virksomhet); et møte kvitteres én gang. Uten --virksomhet
    kvitteres den for alle som har ansvar og ikke har kvittert ennå. Det som alt er
    kvittert, avvises uten --erstatt.

    Eksempel: aarshjul kvitter TILTAK.HENDELSE.2027-03-31 --virksomhet VIRKSOMHET --dato 25.03.2027 --av Rolle
    """
    s = state(ctx)
    path = _db(db)
    if eksport is not None or importer is not None:
        if ider or dato or av or merknad or lenke or virksomhet or erstatt:
            raise UsageError(
                "--eksport og --importer brukes alene, uten ID, --dato, --av, --merknad, --lenke, --virksomhet "
                "og --erstatt."
            )
        if eksport is not None and importer is not None:
            raise UsageError("Bruk enten --eksport eller --importer, ikke begge.")
        if eksport is not None:
            _eksport(path, eksport, output_alias or output)
        else:
            _import(path, Path(importer or ""))
        return
    if not ider:
        raise UsageError("Skriv hvilken forekomst som er gjort, f.eks. «aarshjul kvitter TILTAK.HENDELSE 2026/27» "
                         "(id-ene står i «aarshjul status»).")
    from aarshjul.engine.followup import utfort_tekst
    from aarshjul.render.common import dato_tekst, one_line
    from aarshjul.services.signoff import kvitter

    resultat, lagret = kvitter(
        s.plan, path, ider, s.today, utfort=parse_date_option(dato, "--dato") if dato else None,
        av=av, merknad=merknad, lenke=lenke, virksomhet=virksomhet, erstatt=erstatt,
    )  # fmt: skip
    if lagret.opprettet:
        _meld_opprettet(path)
    plan = s.plan()
    for r in resultat:
        f = r.forekomst
        hva = f"{one_line(f.tiltak_navn)} – {one_line(f.tittel)} ({dato_tekst(f)})"
        gjort = utfort_tekst(r.kvitteringer[0])
        verb = "Erstattet" if r.erstattet else "Kvittert"
        if len(r.virksomheter) == 1 and virksomhet is not None:
            typer.echo(f"{verb} for {_navn(plan, r.virksomheter)}: {hva}: {gjort}.")
        elif len(r.virksomheter) > 1 or r.fra_foer:
            typer.echo(f"{verb} for {_antall(len(r.virksomheter))}: {hva}: {gjort}.")
            typer.echo(f"  {_navn(plan, r.virksomheter)}.")
            if r.fra_foer:
                typer.echo(f"  Kvittert fra før: {_navn(plan, r.fra_foer)}.")
        else:
            typer.echo(f"{verb}: {hva}: {gjort}.")


def _navn(plan: Plan, keys: tuple[str, ...]) -> str:
    from aarshjul.render.common import one_line, virksomhet_navn

    return ", ".join(one_line(virksomhet_navn(plan, k)) for k in keys)


def _antall(n: int) -> str:
    return f"{n} virksomhet" + ("" if n == 1 else "er")


def angre_cmd(
    ctx: typer.Context,
    ider: Annotated[list[str], typer.Argument(metavar="ID...", show_default=False)],
    virksomhet: Annotated[
        str | None,
        typer.Option("--virksomhet", "-v", metavar="VIRKSOMHET",
                     help="Bare denne virksomhetens kvittering. Uten: alle som gjelder for forekomsten."),
    ] = None,  # fmt: skip
    db: DbOption = None,
) -> None:
    """Trekk tilbake en kvittering.

    Den siste kvitteringen trekkes tilbake, og den som gjaldt før, gjelder igjen.
    Historikken beholdes: angringen lagres også. En oppgave som hver virksomhet
    kvitterer for seg: --virksomhet angrer bare dens kvittering. ID skrives som for «kvitter»: datoen
    eller nøkkelen (uke-regler: ISO-uka, f.eks. TILTAK.HENDELSE.2026-W39).

    Eksempel: aarshjul angre TILTAK.HENDELSE.2027-03-31 --virksomhet VIRKSOMHET
    """
    from aarshjul.engine.followup import utfort_tekst
    from aarshjul.render.common import one_line
    from aarshjul.services.signoff import angre

    s = state(ctx)
    resultat = angre(s.plan, _db(db), ider, s.today, virksomhet=virksomhet)
    plan = s.plan()
    for r in resultat:
        # The key may come from an older database or import: shown inert, never raw.
        hvem = f" for {_navn(plan, r.virksomheter)}" if r.virksomheter else ""
        typer.echo(f"Angret kvitteringen for {one_line(r.hva)}{hvem}.")
        for k in r.gjelder_igjen:
            for_ = f" for {_navn(plan, (k.virksomhet,))}" if k.virksomhet else ""
            typer.echo(f"  Gjelder igjen{for_}: {utfort_tekst(k)}" + (f" av {one_line(k.av)}." if k.av else "."))


# --- status ------------------------------------------------------------------------------

STATUS_FORMATER = ("tabell", "tekst", "markdown", "json", "csv")
RAPPORT_FORMATER = ("markdown", "html", "csv", "json")


def _vindu(s: State, skoleaar: str | None, fra: str | None, til: str | None) -> tuple[date, date, str]:
    """[start, end) and how to name it: a school year (default: the current one) or --fra/--til."""
    from aarshjul.cli.common import parse_year_options
    from aarshjul.dates import format_dato, format_skoleaar

    if fra is not None or til is not None:
        if skoleaar is not None:
            raise UsageError("Bruk enten --skoleår eller --fra/--til, ikke begge.")
        if fra is None or til is None:
            raise UsageError("--fra og --til brukes sammen.")
        start = parse_date_option(fra, "--fra")
        end = parse_date_option(til, "--til") + timedelta(days=1)
        if end <= start:
            raise UsageError("--til kan ikke være før --fra.")
        return start, end, f"{format_dato(start)}–{format_dato(end - timedelta(days=1))}"
    aar, _ = parse_year_options(s, None, skoleaar)
    return date(aar, 8, 1), date(aar + 1, 8, 1), f"skoleåret {format_skoleaar(aar)}"


def status_cmd(
    ctx: typer.Context,
    virksomhet: VirksomhetOption = None,
    skoleaar: SkoleaarOption = None,
    fra: FraOption = None,
    til: TilOption = None,
    forfalt: Annotated[
        bool,
        typer.Option(
            "--forfalt",
            help=(
                "Bare det som er forfalt (frister og evalueringer, siste 365 dager om ikke --skoleår/--fra er gitt). "
                "Skriver ingenting når ingenting er forfalt (for «mail -E» i cron)."
            ),
        ),
    ] = False,
    fmt: Annotated[
        str | None,
        typer.Option("--format", metavar="FORMAT", help="tabell (standard), tekst, markdown, json eller csv (Excel)."),
    ] = None,
    db: DbOption = None,
) -> None:
    """Vis status for frister, evalueringer og møter: utført, forfalt, kommende, venter.

    Bare frister og evalueringer kan være forfalt; et møte uten kvittering som er
    passert, står som «passert». Standard er inneværende skoleår.

    Eksempel: aarshjul status --virksomhet VIRKSOMHET --skoleår 2026/27
    """
    from aarshjul.engine.followup import FORFALT_DAGER, Status
    from aarshjul.engine.planperiode import etter_perioden
    from aarshjul.render import oppfoelging as r
    from aarshjul.render.views import for_hvem
    from aarshjul.services.signoff import oppfoelging
    from aarshjul.storage.dbpath import kvitteringer_i_bruk

    valgt = (fmt or "tabell").strip().lower()
    if valgt not in STATUS_FORMATER:
        raise UsageError(f"Ukjent format «{fmt}». Velg et av: {', '.join(STATUS_FORMATER)}.")
    s = state(ctx)
    if forfalt and skoleaar is None and fra is None and til is None:
        start, end = s.today - timedelta(days=FORFALT_DAGER), s.today
        navn = f"siste {FORFALT_DAGER} dager"
    else:
        start, end, navn = _vindu(s, skoleaar, fra, til)
    plan = s.plan()
    keys = resolve_virksomheter(plan, virksomhet)
    rader = oppfoelging(plan, start, end, keys, kvitteringer_i_bruk(db) or {}, s.today, {"frist", "evaluering", "møte"})
    if forfalt:
        rader = [o for o in rader if o.status is Status.FORFALT]
        if not rader:
            return  # quiet: cron's `mail -E` / `ifne` sends nothing
    overskrift = f"{'Forfalt' if forfalt else 'Status'} {navn} for {for_hvem(plan, keys)}"
    periode = etter_perioden(plan, start, end)
    if valgt == "json":
        print_text(r.render_status_json(rader))
    elif valgt == "csv":
        write_output("-", r.render_status_csv(plan, rader).encode("utf-8"))
    elif valgt == "markdown":
        print_text(r.render_status_markdown(plan, rader, overskrift, periode))
    elif valgt == "tekst":
        print_text(r.render_status_text(plan, rader, overskrift, periode))
    else:
        width, color = screen()
        print_text(r.render_status_table(plan, rader, overskrift, width=width, color=color, planperiode=periode))


def rapport_cmd(
    ctx: typer.Context,
    skoleaar: SkoleaarOption = None,
    fra: FraOption = None,
    til: TilOption = None,
    virksomhet: VirksomhetOption = None,
    fmt: Annotated[
        str,
        typer.Option(
            "--format", metavar="FORMAT", help="markdown (standard), html (e-post og Word), csv (Excel) eller json."
        ),
    ] = "markdown",
    output: OutputOption = "-",
    output_alias: OutputAlias = None,
    db: DbOption = None,
) -> None:
    """Rapporten for ledelsen: hver evaluering og frist i perioden per tiltak.

    Viser utført (når, av hvem, merknad, lenke), utført for sent, forfalt og det som
    venter, med totaler: hvor mange evalueringer som er gjort i tide, for sent og som
    mangler. CSV er for norsk Excel (semikolon, UTF-8 med BOM); HTML kan limes inn i
    e-post og Word. Overskriften er planens rapport_tittel og perioden, ellers
    «Rapport for» planens kortnavn og perioden.

    Eksempel: aarshjul rapport --skoleår 2026/27 --format html -o rapport.html
    """
    from aarshjul.engine.planperiode import etter_perioden
    from aarshjul.render import oppfoelging as r
    from aarshjul.render.common import rapport_overskrift
    from aarshjul.services.signoff import oppfoelging
    from aarshjul.storage.dbpath import kvitteringer_i_bruk

    valgt = fmt.strip().lower()
    if valgt not in RAPPORT_FORMATER:
        raise UsageError(f"Ukjent format «{fmt}». Velg et av: {', '.join(RAPPORT_FORMATER)}.")
    s = state(ctx)
    start, end, navn = _vindu(s, skoleaar, fra, til)
    plan = s.plan()
    keys = resolve_virksomheter(plan, virksomhet)
    rader = oppfoelging(plan, start, end, keys, kvitteringer_i_bruk(db) or {}, s.today, {"frist", "evaluering"})
    overskrift = rapport_overskrift(plan, navn)
    periode = etter_perioden(plan, start, end)
    if valgt == "json":
        tekst = r.render_rapport_json(plan, rader, start, end, periode)
    elif valgt == "csv":
        tekst = r.render_rapport_csv(plan, rader)
    elif valgt == "html":
        tekst = r.render_rapport_html(plan, rader, overskrift, periode)
    else:
        tekst = r.render_rapport_markdown(plan, rader, overskrift, periode)
    write_output(output_alias or output, tekst.encode("utf-8"))


# --- export and import ---------------------------------------------------------------


def _eksport(path: Path, fmt: str, output: str) -> None:
    from aarshjul.services.signoff import eksport

    write_output(output, eksport(path, fmt).encode("utf-8"))


def _import(path: Path, fil: Path) -> None:
    from aarshjul.services.signoff import importer

    lagret, lagt_til = importer(path, fil)
    if lagret.opprettet:
        _meld_opprettet(path)
    n = len(lagret.kvitteringer)
    typer.echo(f"Importerte {lagt_til} av {n} kvitteringer fra {fil} ({n - lagt_til} fantes fra før).")
