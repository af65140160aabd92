"""The commands leaders use at a terminal: next, calendar, tiltak, virksomheter, check."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import TYPE_CHECKING, Annotated, Any

import typer

from aarshjul.cli.common import (
    NEXT_DAGER,
    ConfigOption,
    DbOption,
    FormatOption,
    State,
    VirksomhetOption,
    parse_format,
    parse_int_option,
    parse_year_options,
    print_text,
    report_error,
    resolve_virksomheter,
    screen,
    state,
    window,
)
from aarshjul.errors import PlanError

if TYPE_CHECKING:  # annotations only: select/expand load inside the commands
    from aarshjul.engine.select import Rad
    from aarshjul.model import Plan, Ventende

_RENDER_MODUL = {"tabell": "table", "tekst": "text", "markdown": "markdown"}


def _vis(
    valgt: str, visning: str, plan: Plan, rader: Iterable[Rad], ventende: Sequence[Ventende], **kwargs: Any
) -> None:
    """Print `next` or `calendar` in the chosen format. Each renderer module has
    render_next and render_calendar with the same arguments; only the chosen module is
    imported (rich only for tabell), and the table also gets the screen's width/colour.
    JSON takes the rows as they come; the others get them as a list."""
    if valgt == "json":  # each row says etter_planperioden
        from aarshjul.render.json import iter_rader

        print_text(iter_rader(rader))
        return
    rader = list(rader)
    import importlib

    modul = importlib.import_module(f"aarshjul.render.{_RENDER_MODUL[valgt]}")
    if valgt == "tabell":
        kwargs["width"], kwargs["color"] = screen()
    # A renderer that can stream (iter_next: text, markdown) writes chunk by chunk.
    render = getattr(modul, f"iter_{visning}", None) or getattr(modul, f"render_{visning}")
    print_text(render(plan, rader, ventende, **kwargs))


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
    db: DbOption = None,
) -> None:
    """Vis de neste dagene, uke for uke (alias: neste).

    Viser møter, aktiviteter, frister og evalueringer i perioden, sortert og gruppert
    etter ISO-uke, med ansvar og – når du velger virksomhet – rollen (ansvarlig eller
    deltar). Frister og evalueringer vises også før perioden deres, fra varselet
    begynner, med antall dager igjen. Antatte datoer er merket.

    Eksempel: aarshjul next --virksomhet VIRKSOMHET --dager 14
    """
    from aarshjul.engine.expand import waiting
    from aarshjul.engine.planperiode import etter_perioden
    from aarshjul.engine.select import iter_upcoming
    from aarshjul.storage.dbpath import kvitteringer_i_bruk

    valgt = parse_format(fmt)
    s = state(ctx)
    antall = parse_int_option(dager, "--dager", 1, 3660)
    start, end = window(s, fra, til, antall, NEXT_DAGER)
    plan = s.plan()
    keys = resolve_virksomheter(plan, virksomhet)
    # Rows as they are made: the JSON renderer writes each and lets it go; the others
    # split them into sections and take a list.
    rader: Iterable[Rad] = iter_upcoming(plan, start, end, keys)
    kvitteringer = kvitteringer_i_bruk(db)
    if kvitteringer is not None:  # sign-offs in use: Forfalt first, done marked
        from aarshjul.engine.select import med_oppfoelging

        rader = med_oppfoelging(plan, rader, kvitteringer, s.today, start, keys)
    ventende = waiting(plan, keys or None)
    _vis(valgt, "next", plan, rader, ventende, fra=start, til=end, virksomheter=keys,
         planperiode=etter_perioden(plan, start, end))  # fmt: skip


def _kalenderaar(s: State, aar: str | None, skoleaar: str | None) -> tuple[date, str]:
    """The årshjul's first day and title."""
    from aarshjul.dates import format_skoleaar

    start, er_skoleaar = parse_year_options(s, aar, skoleaar)
    if er_skoleaar:
        return date(start, 8, 1), f"Årshjul skoleåret {format_skoleaar(start)}"
    return date(start, 1, 1), f"Årshjul {start}"


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

    Eksempel: aarshjul calendar --virksomhet VIRKSOMHET --skoleår 2026/27
    """
    from aarshjul.engine.expand import expand, waiting
    from aarshjul.engine.planperiode import etter_perioden
    from aarshjul.engine.roles import best_rolle
    from aarshjul.engine.select import Rad
    from aarshjul.services.ferier import ferier_i

    valgt = parse_format(fmt)
    s = state(ctx)
    start, tittel = _kalenderaar(s, aar, skoleaar)
    end = date(start.year + 1, start.month, 1)
    plan = s.plan()
    keys = resolve_virksomheter(plan, virksomhet)
    rader = [
        Rad(f, best_rolle(plan, (f,), keys), (f.dato - s.today).days, False)
        for f in expand(plan, start, end, keys or None)
    ]
    ventende = waiting(plan, keys or None)
    ferier = ferier_i(plan, start, end, keys)  # the month lines; JSON lists forekomster only
    _vis(valgt, "calendar", plan, rader, ventende, tittel=tittel, start=start, virksomheter=keys,
         planperiode=etter_perioden(plan, start, end), ferier=ferier)  # fmt: skip

def tiltak_cmd(ctx: typer.Context, virksomhet: VirksomhetOption = None, fmt: FormatOption = None) -> None:
    """Vis tiltakene med ansvar, kilde og neste dato.

    Kilden er hvor i planen tiltaket står; sonen (om planen har den) er grønn, gul eller rød.

    Med --virksomhet: bare tiltakene virksomheten har ansvar for eller deltar i, med
    neste dato som gjelder den.

    Eksempel: aarshjul tiltak --virksomhet VIRKSOMHET
    """
    from aarshjul.engine.select import tiltak_status

    valgt = parse_format(fmt)
    s = state(ctx)
    plan = s.plan()
    keys = resolve_virksomheter(plan, virksomhet)
    statuser = tiltak_status(plan, s.today, keys)
    if valgt == "json":
        from aarshjul.render.json import render_tiltak as render_json

        print_text(render_json(plan, statuser))
    elif valgt == "tabell":
        from aarshjul.render.table import render_tiltak as render_tabell

        width, color = screen()
        print_text(render_tabell(plan, statuser, virksomheter=keys, width=width, color=color))
    else:
        if valgt == "tekst":
            from aarshjul.render.text import render_tiltak
        else:
            from aarshjul.render.markdown import render_tiltak
        print_text(render_tiltak(plan, statuser, virksomheter=keys))


def virksomheter_cmd(ctx: typer.Context, fmt: FormatOption = None) -> None:
    """Vis virksomhetene: nøkkel, navn, leder og aliaser.

    Nøkkelen, navnet og aliasene kan alle brukes med --virksomhet.

    Eksempel: aarshjul virksomheter
    """
    valgt = parse_format(fmt)
    plan = state(ctx).plan()
    if valgt == "json":
        from aarshjul.render.json import render_virksomheter as render_json

        print_text(render_json(plan))
    elif valgt == "tabell":
        from aarshjul.render.table import render_virksomheter as render_tabell

        width, color = screen()
        print_text(render_tabell(plan, width=width, color=color))
    else:
        if valgt == "tekst":
            from aarshjul.render.text import render_virksomheter
        else:
            from aarshjul.render.markdown import render_virksomheter
        print_text(render_virksomheter(plan))


def check_cmd(ctx: typer.Context, db: DbOption = None, config: ConfigOption = None) -> None:
    """Kontroller planen og vis advarsler (alias: sjekk).

    Feil i planen skrives til standard feil, og kommandoen avslutter med kode 1.
    Advarsler (utløpt planperiode, tiltak uten evaluering, virksomheter ingen viser
    til, færre møter enn planen sier, datoer som ikke er satt) endrer ikke koden: 0.
    Kvitteringer som ikke lenger hører til en forekomst i planen, listes også. Med
    --config kontrolleres aarshjul.toml også (ukjente nøkler og virksomheter, adresser).

    Eksempel: aarshjul check --plan data/plan.yaml
    """
    from aarshjul.engine.check import find_warnings, summarize
    from aarshjul.render.common import one_line, sanitize

    s = state(ctx)
    try:
        plan = s.plan()
    except PlanError as e:
        report_error(e)
        typer.echo(f"Planen er ikke gyldig ({len(e.problems)} feil).", err=True)
        raise typer.Exit(1) from None
    sted = sanitize(str(s.plan_path))
    oppsett_linje = _sjekk_oppsett(config, plan)
    summary = summarize(plan)
    warnings = find_warnings(plan, s.today)
    lines = [f"Planen er gyldig: {sted}", f"{one_line(plan.navn)} – {one_line(plan.kommune)}"]
    if plan.periode_fra or plan.periode_til:
        fra = plan.periode_fra.strftime("%d.%m.%Y") if plan.periode_fra else "…"
        til = plan.periode_til.strftime("%d.%m.%Y") if plan.periode_til else "…"
        lines.append(f"Planperiode: {fra}–{til}")
    if oppsett_linje:
        lines.append(oppsett_linje)
    tall = [
        ("Virksomheter", summary.virksomheter),
        ("Tiltak", summary.tiltak),
        ("Hendelser", summary.hendelser),
        ("Antatte datoer", summary.antatte),
        ("Venter på dato", summary.ventende),
    ]
    # Duties without a date and guesses about who: shown when the plan has any.
    tall += [(navn, n) for navn, n in (("Uten dato", summary.uten_dato), ("Antatt ansvar", summary.antatt_ansvar),
                                       ("Antatte deltakere", summary.antatte_deltakere),
                                       ("Lagt til av oss", summary.lagt_til)) if n]  # fmt: skip
    lines.append("")
    bredde = max(16, *(len(navn) + 2 for navn, _ in tall))
    lines += [f"  {navn + ':':<{bredde}}{antall:>4}" for navn, antall in tall]
    lines.append("")
    if warnings:
        lines.append(f"Advarsler ({len(warnings)}):")
        for w in warnings:
            hvor = f"{sted}:{w.line}: " if w.line is not None else ""
            if w.fil is not None:  # a line in another file (a skolerute CSV)
                hvor = f"{sanitize(str(w.fil))}:{w.line}: " if w.line is not None else f"{sanitize(str(w.fil))}: "
            lines.append(f"  - {hvor}{sanitize(w.message)}")
    else:
        lines.append("Ingen advarsler.")
    lines += _foreldreloese_kvitteringer(plan, s.today, db)
    print_text("\n".join(lines) + "\n")


def _sjekk_oppsett(config: str | None, plan: Plan) -> str | None:
    """With --config: «Oppsettet er gyldig: FIL», or every problem on stderr and exit 1."""
    if config is None:
        return None
    from aarshjul.config import ConfigError, finn_config, les_fil
    from aarshjul.render.common import sanitize

    try:
        fil = finn_config(config)
        assert fil is not None
        les_fil(fil, set(plan.virksomheter))
    except ConfigError as e:
        report_error(e)
        typer.echo(f"Oppsettet er ikke gyldig ({len(e.problems)} feil).", err=True)
        raise typer.Exit(1) from None
    return f"Oppsettet er gyldig: {sanitize(str(fil))}"


def _foreldreloese_kvitteringer(plan: Plan, today: date, db: str | None) -> list[str]:
    """Sign-offs whose occurrence left the plan: listed, never dropped."""
    from aarshjul.storage.dbpath import kvitteringer_i_bruk

    kvitteringer = kvitteringer_i_bruk(db)
    if not kvitteringer:
        return []
    from aarshjul.dates import format_dato
    from aarshjul.engine.followup import foreldreloese
    from aarshjul.plan.privacy import maskert
    from aarshjul.render.common import one_line

    borte = foreldreloese(plan, kvitteringer, today)
    if not borte:
        return []
    lines = ["", f"Kvitteringer uten forekomst i planen ({len(borte)}):"]
    for k in borte:
        # Rows can come from before the import checked keys, or from sqlite3 by hand:
        # cron mails this, so a fødselsnummer in a key is masked.
        nokkel = maskert(one_line(k.nokkel))
        naar = f"kvittert {format_dato(k.utfort)}" if k.utfort else "kvittert"
        hva = f" for {maskert(one_line(k.forekomst_id))}" if k.forekomst_id else ""
        lines.append(
            f"  - {nokkel} ({naar}{hva}): ingen forekomst har denne nøkkelen lenger. "
            f"Rett planen, eller angre med «aarshjul angre {nokkel}»."
        )
    return lines
