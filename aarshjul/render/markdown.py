"""Markdown for wikis, chat and documents: headings per week or month and pipe tables.

Plan text is backslash-escaped (CommonMark §2.4), so a tiltak named `[x](http://…)`
or `*viktig*` shows as written and a `|` cannot break a table.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from aarshjul.engine.select import Rad, TiltakStatus
from aarshjul.model import Forekomst, Plan, Ventende
from aarshjul.render import views
from aarshjul.render.common import markdown_inert, one_line

if TYPE_CHECKING:
    from aarshjul.engine.holidays import Ferieoversikt, Ferierad
    from aarshjul.engine.planperiode import Planperiode

_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&#])")


def md(tekst: str) -> str:
    """Text safe inside a markdown line or table cell."""
    return markdown_inert(one_line(tekst), _md_markup)


def _md_markup(tekst: str) -> str:
    return _SPECIAL.sub(r"\\\1", tekst)


def _tabell(hode: Sequence[str], rader: Sequence[Sequence[str]]) -> list[str]:
    """A pipe table; cells must already be escaped."""
    lines = ["| " + " | ".join(hode) + " |", "|" + "|".join(" --- " for _ in hode) + "|"]
    lines += ["| " + " | ".join(c or " " for c in r) + " |" for r in rader]
    return [*lines, ""]


def _merknad(merknader: Sequence[str], antatt: bool) -> str:
    deler = [md(m) for m in merknader]
    if antatt:
        deler.append(f"*{views.ANTATT}*")
    return "; ".join(deler)


def _linjer(plan: Plan, rader: Sequence[Rad], filtrert: bool) -> list[str]:
    hode = ["Dato", "Tid", "Hva", "Type", "Ansvar", *(["Rolle"] if filtrert else []), "Merknad"]
    celler = []
    for rad in rader:
        linje = views.linje(plan, rad)
        celler.append([
            linje.dato, linje.tid, md(linje.hva), linje.type, md(linje.ansvar),
            *([linje.rolle] if filtrert else []), _merknad(linje.merknader, linje.antatt),
        ])  # fmt: skip
    return _tabell(hode, celler)


def _ventende(plan: Plan, ventende: Sequence[Ventende]) -> list[str]:
    if not ventende:
        return []
    lines = [f"## {views.VENTER_OVERSKRIFT}", ""]
    for v in ventende:
        lines.append(f"- {md(views.ventende_tekst(plan, v))} (ansvar: {md(views.ventende_ansvar(plan, v))})")
    return [*lines, ""]


def _planperiode(p: Planperiode | None) -> list[str]:
    return [f"*{md(linje)}*" if linje else "" for linje in views.planperiode_linjer(p)]


def _antakelser(forekomster: Sequence[Forekomst]) -> list[str]:
    """The reasons behind «antatt dato» and the other marks, once per hendelse."""
    lines = []
    for overskrift, forklaring, punkter in views.antakelse_seksjoner(forekomster):
        lines += [f"## {overskrift}", "", forklaring, ""]
        lines += [*(f"- {md(hva)}: {md(grunn)}" for hva, grunn in punkter), ""]
    return lines


def render_next(plan: Plan, rader: Sequence[Rad], ventende: Sequence[Ventende], **kwargs: Any) -> str:
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
    yield from (f"# {views.periode(fra, til)} for {md(hvem)}", "")
    yield from _planperiode(planperiode)
    if forfalte:
        yield from (f"## {views.FORFALT_OVERSKRIFT}", "")
        yield from _linjer(plan, forfalte, bool(virksomheter))
    if not i_vinduet:
        hvem_kort = f" for {md(hvem)}" if virksomheter else ""
        yield from (f"Ingenting i perioden {views.periode(fra, til)}{hvem_kort}.", "")
    for overskrift, uke in views.per_uke(i_vinduet):
        yield from (f"## {overskrift}", "")
        yield from _linjer(plan, uke, bool(virksomheter))
    if tidlige:
        yield from (f"## {views.FRISTER_OVERSKRIFT}", "")
        yield from _linjer(plan, tidlige, bool(virksomheter))
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
    from aarshjul.render import oversikt
    from aarshjul.render.ferier import maaned_linjer

    filtrert = bool(virksomheter)
    lines = [f"# {md(tittel)} for {md(views.for_hvem(plan, virksomheter))}", ""]
    lines += _planperiode(planperiode)
    ferie_linjer = maaned_linjer(plan, ferier, start, med_gjelder=not virksomheter)
    for maaned, ferie in zip(oversikt.maaneder(plan, rader, start), ferie_linjer, strict=True):
        lines += [f"## {maaned.overskrift}", ""]
        for linje in ferie:
            lines += [f"*{md(linje)}*", ""]
        if not maaned.linjer:
            lines += ["*Ingenting denne måneden.*", ""]
            continue
        hode = ["Dag", "Tid", "Hva", "Type", "Ansvar", *(["Rolle"] if filtrert else []), "Merknad"]
        celler = [
            [k.dager, k.tid, md(k.hva), k.type, md(k.ansvar), *([k.rolle] if filtrert else []),
             _merknad(k.merknader, k.antatt)]
            for k in maaned.linjer
        ]  # fmt: skip
        lines += _tabell(hode, celler)
    lines += _ventende(plan, ventende)
    lines += _antakelser([r.forekomst for r in rader])
    return views.slutt(lines)


def render_tiltak(plan: Plan, statuser: Sequence[TiltakStatus], *, virksomheter: Sequence[str]) -> str:
    from aarshjul.render import oversikt

    filtrert = bool(virksomheter)
    lines = [f"# Tiltak for {md(views.for_hvem(plan, virksomheter))}", ""]
    if not statuser:
        return views.slutt([*lines, f"Ingen tiltak for {md(views.for_hvem(plan, virksomheter))}."])
    hode = ["Tiltak", "Kilde", "Sone", "Ansvar", "Deltakere", *(["Rolle"] if filtrert else []), "Neste", "Uten dato"]
    celler = []
    for status in statuser:
        t = oversikt.tiltak_linje(plan, status)
        celler.append([
            f"{md(t.navn)} ({md(t.id)})", md(t.kilde), t.sone, md(t.ansvar), md(t.deltakere),
            *([t.rolle] if filtrert else []), "; ".join(md(n) for n in t.neste),
            "; ".join(md(u) for u in t.uten_dato),
        ])  # fmt: skip
    return views.slutt([*lines, *_tabell(hode, celler)])


def render_virksomheter(plan: Plan) -> str:
    from aarshjul.render import oversikt

    hode = ["Nøkkel", "Navn", "Leder", "Aliaser", "Medlemmer"]
    celler = [
        [md(v.noekkel), md(v.navn) + (" (ekstern)" if v.ekstern else ""), md(v.leder), md(v.aliaser),
         md(v.medlemmer)]
        for v in oversikt.virksomhet_linjer(plan)
    ]  # fmt: skip
    return views.slutt(_tabell(hode, celler))


def render_ferier(plan: Plan, o: Ferieoversikt) -> str:
    """`aarshjul ferier --format markdown`."""
    from aarshjul.render import ferier as fv

    lines = [f"# {md(fv.overskrift(o))}", "", *(md(linje) if linje else "" for linje in fv.lest_fra(o))]
    ingen = fv.ingen_ferier_tekst(o)
    if ingen:
        lines += [f"> **{md(ingen)}**", ""]
    if o.rader:
        lines += ["| Ferie | Dager | Uke | Skoledager | Kilde |", "| --- | --- | --- | --- | --- |"]
        for r in o.rader:
            kilder = "; ".join(md(k) for k in r.kilder)
            lines.append(f"| {md(r.navn)} | {fv.dager_tekst(r.fra, r.til)} | {fv.uker_tekst(r.uker)} | "
                         f"{r.skoledager} | {kilder} |")  # fmt: skip
        lines.append("")
    if o.plan_har_ferier:
        for linje in fv.hvem_linjer(plan, o):
            lines += [md(linje), ""]
    return "\n".join(lines).rstrip("\n") + "\n"
