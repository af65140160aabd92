"""Plain text for pipes, cron and mail: no colour, no box drawing, one item per line
plus an indented detail line. Nothing here reads the clock or the terminal.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from aarshjul.engine.select import Rad, TiltakStatus
from aarshjul.model import Forekomst, Plan, Ventende
from aarshjul.render import views

if TYPE_CHECKING:
    from aarshjul.engine.holidays import Ferierad
    from aarshjul.engine.planperiode import Planperiode
    from aarshjul.render import oversikt


def _overskrift(tekst: str) -> list[str]:
    return [tekst, "=" * len(tekst), ""]


def _detaljer(linje: views.Linje | oversikt.KalenderLinje, *, med_merknader: bool = True) -> str:
    deler = [linje.type, *(linje.merknader if med_merknader else ()), f"ansvar: {linje.ansvar}"]
    if linje.rolle:
        deler.append(f"rolle: {linje.rolle}")
    return " · ".join(deler)


def _rad(plan: Plan, rad: Rad) -> list[str]:
    linje = views.linje(plan, rad)
    tid = f"  {linje.tid}" if linje.tid else ""
    antatt = f" ({views.ANTATT})" if linje.antatt else ""
    return [f"  {linje.dato}{tid}  {linje.hva}{antatt}", f"      {_detaljer(linje)}"]


def _ventende(plan: Plan, ventende: Sequence[Ventende]) -> list[str]:
    if not ventende:
        return []
    lines = [views.VENTER_OVERSKRIFT]
    for v in ventende:
        lines.append(f"  {views.ventende_tekst(plan, v)}")
        lines.append(f"      ansvar: {views.ventende_ansvar(plan, v)}")
    return [*lines, ""]


def _antakelser(forekomster: Sequence[Forekomst]) -> list[str]:
    """The reasons behind «antatt dato» and the other marks, once per hendelse."""
    lines = []
    for overskrift, forklaring, punkter in views.antakelse_seksjoner(forekomster):
        lines += [overskrift, f"  {forklaring}", *(f"  - {hva}: {grunn}" for hva, grunn in punkter), ""]
    return lines


def render_next(plan: Plan, rader: Sequence[Rad], ventende: Sequence[Ventende], **kwargs: Any) -> str:
    """`aarshjul next --format tekst`: the window [fra, til) week by week."""
    return "".join(iter_next(plan, rader, ventende, **kwargs))


def iter_next(
    plan: Plan,
    rader: Sequence[Rad],
    ventende: Sequence[Ventende],
    *,
    fra: date,
    til: date,
    virksomheter: Sequence[str],
    planperiode: Planperiode | None = None,
) -> Iterator[str]:
    """render_next in chunks, written as they are ready (a window of years is long)."""
    return views.chunks(_next_linjer(plan, rader, ventende, fra, til, virksomheter, planperiode))


def _next_linjer(
    plan: Plan, rader: Sequence[Rad], ventende: Sequence[Ventende], fra: date, til: date,
    virksomheter: Sequence[str], planperiode: Planperiode | None,
) -> Iterator[str]:
    forfalte, i_vinduet, tidlige = views.next_deler(rader)
    hvem = views.for_hvem(plan, virksomheter)
    yield from _overskrift(f"{views.periode(fra, til)} for {hvem}")
    yield from views.planperiode_linjer(planperiode)
    if forfalte:
        yield views.FORFALT_OVERSKRIFT
        for rad in forfalte:
            yield from _rad(plan, rad)
        yield ""
    if not i_vinduet:
        hvem_kort = f" for {hvem}" if virksomheter else ""
        yield from (f"Ingenting i perioden {views.periode(fra, til)}{hvem_kort}.", "")
    for overskrift, uke in views.per_uke(i_vinduet):
        yield overskrift
        for rad in uke:
            yield from _rad(plan, rad)
        yield ""
    if tidlige:
        yield views.FRISTER_OVERSKRIFT
        for rad in tidlige:
            yield from _rad(plan, rad)
        yield ""
    yield from _ventende(plan, ventende)
    yield from _antakelser([r.forekomst for r in rader])


def render_calendar(
    plan: Plan,
    rader: Sequence[Rad],
    ventende: Sequence[Ventende],
    *,
    tittel: str,
    start: date,
    virksomheter: Sequence[str],
    planperiode: Planperiode | None = None,
    ferier: Sequence[Ferierad] = (),
) -> str:
    """`aarshjul calendar --format tekst`: twelve months from `start`, each hendelse once a
    month, and under a month's heading the ferier in it."""
    from aarshjul.render import oversikt
    from aarshjul.render.ferier import maaned_linjer

    lines = _overskrift(f"{tittel} for {views.for_hvem(plan, virksomheter)}")
    lines += views.planperiode_linjer(planperiode)
    ferie_linjer = maaned_linjer(plan, ferier, start, med_gjelder=not virksomheter)
    for maaned, ferie in zip(oversikt.maaneder(plan, rader, start), ferie_linjer, strict=True):
        lines.append(maaned.overskrift)
        lines += [f"  {linje}" for linje in ferie]
        if not maaned.linjer:
            lines.append("  (ingenting)")
        bredde = max((len(k.dager) for k in maaned.linjer), default=0)
        for k in maaned.linjer:
            antatt = f" ({views.ANTATT})" if k.antatt else ""
            tid = f"{k.tid}  " if k.tid else ""
            lines.append(f"  {k.dager.ljust(bredde)}  {tid}{k.hva}{antatt}")
            lines.append(f"      {_detaljer(k)}")
        lines.append("")
    lines += _ventende(plan, ventende)
    lines += _antakelser([r.forekomst for r in rader])
    return views.slutt(lines)


def render_tiltak(plan: Plan, statuser: Sequence[TiltakStatus], *, virksomheter: Sequence[str]) -> str:
    """`aarshjul tiltak --format tekst`: each tiltak with kilde, ansvar and what comes next."""
    from aarshjul.render import oversikt

    lines = _overskrift(f"Tiltak for {views.for_hvem(plan, virksomheter)} ({len(statuser)})")
    if not statuser:
        lines += [f"Ingen tiltak for {views.for_hvem(plan, virksomheter)}.", ""]
    for status in statuser:
        t = oversikt.tiltak_linje(plan, status)
        lines.append(f"{t.navn} ({t.id})")
        kilde = f"  Kilde: {t.kilde}" + (f" · sone: {t.sone}" if t.sone else "")
        lines.append(kilde)
        ansvar = f"  Ansvar: {t.ansvar}" + (f" · deltakere: {t.deltakere}" if t.deltakere else "")
        lines.append(ansvar + (f" · rolle: {t.rolle}" if t.rolle else ""))
        for i, neste in enumerate(t.neste):
            lines.append(f"  {'Neste:' if i == 0 else '      '} {neste}")
        for i, plikt in enumerate(t.uten_dato):
            lines.append(f"  {'Uten dato:' if i == 0 else '          '} {plikt}")
        lines.append("")
    return views.slutt(lines)


def render_virksomheter(plan: Plan) -> str:
    """`aarshjul virksomheter --format tekst`: aligned columns, no colour."""
    from aarshjul.render import oversikt

    rows: list[tuple[str, ...]] = [("Nøkkel", "Navn", "Leder", "Aliaser", "Medlemmer")]
    for v in oversikt.virksomhet_linjer(plan):
        navn = v.navn + (" (ekstern)" if v.ekstern else "")
        rows.append((v.noekkel, navn, v.leder, v.aliaser, v.medlemmer))
    if not any(r[4] for r in rows[1:]):
        rows = [r[:4] for r in rows]
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(c.ljust(widths[i]) for i, c in enumerate(r)).rstrip() for r in rows]
    return "\n".join(lines) + "\n"
