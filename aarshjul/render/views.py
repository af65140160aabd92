"""Plain-string views of `next`, `calendar`, `tiltak` and `virksomheter`.

The text, markdown and table renderers lay out the same cells; this module decides
what the cells say. Every string from the plan has been through one_line (control
characters shown escaped, one line); the renderers add only their own escaping
(markdown backslashes, rich Text objects).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from aarshjul.dates import UKEDAGER, UKEDAGER_KORT, format_dato, iso_uke
from aarshjul.engine.select import Rad
from aarshjul.model import Forekomst, Plan, Ventende
from aarshjul.render.common import (
    ANTATT_DATO,
    ROLLE_NAVN,
    TYPE_NAVN,
    andre_antakelser,
    antakelser,
    dager_igjen_tekst,
    dato_tekst,
    flyttet_tekst,
    hva,
    klokke,
    one_line,
    paagaar_tekst,
    planperiode_tekst,
    sted_tekst,
    ventende_naar,
    virksomhet_navn,
    virksomheter_tekst,
)

if TYPE_CHECKING:
    from aarshjul.engine.followup import Oppfoelging
    from aarshjul.engine.planperiode import Planperiode

ANTATT = ANTATT_DATO
FRISTER_OVERSKRIFT = "Frister som nærmer seg"
VENTER_OVERSKRIFT = "Venter på dato"
ANTATT_OVERSKRIFT = "Antatte datoer"
ANTATT_FORKLARING = "Planen gir ikke nøyaktig dato for disse; datoen er vår antakelse:"
ANTATT_MERKE = "*"  # the footnote mark in tables
ANDRE_OVERSKRIFT = "Ikke planens ord"
ANDRE_FORKLARING = "Dette sier ikke planen; det er vår antakelse:"


def planperiode_linjer(p: Planperiode | None) -> list[str]:
    """The line under a heading when the output reaches past the plan's period, and a
    blank line; nothing otherwise."""
    return [] if p is None else [planperiode_tekst(p), ""]


def slutt(lines: list[str]) -> str:
    """The lines as one text: trailing blank lines dropped, one final newline."""
    while lines and lines[-1] == "":
        lines.pop()
    return "\n".join(lines) + "\n"


# Lines per chunk that chunks yields: a chunk of ~40 KiB, written as it is ready.
BOLK_LINJER = 500


def chunks(lines: Iterable[str]) -> Iterator[str]:
    """slutt(list(lines)) in chunks, without holding the whole text (`next` over ten
    years is 160,000 lines): a blank line is held back until a line follows it."""
    bolk: list[str] = []
    blanke = 0
    noe = False
    for line in lines:
        if line == "":
            blanke += 1
            continue
        if blanke:
            bolk.extend([""] * blanke)
            blanke = 0
        bolk.append(line)
        noe = True
        if len(bolk) >= BOLK_LINJER:
            yield "\n".join(bolk) + "\n"
            bolk = []
    if bolk:
        yield "\n".join(bolk) + "\n"
    elif not noe:
        yield "\n"


def og_liste(navn: Sequence[str]) -> str:
    """"A", "A og B", "A, B og C"."""
    if len(navn) <= 1:
        return "".join(navn)
    return f"{', '.join(navn[:-1])} og {navn[-1]}"


def for_hvem(plan: Plan, virksomheter: Sequence[str]) -> str:
    """"Barnehage", "Barnehage og Skole", or "alle virksomheter"."""
    if not virksomheter:
        return "alle virksomheter"
    return og_liste([one_line(virksomhet_navn(plan, k)) for k in virksomheter])


def periode(fra: date, til: date) -> str:
    """The half-open window [fra, til) as users read it: "25.11.2026–24.12.2026"."""
    return f"{format_dato(fra)}–{format_dato(til - timedelta(days=1))}"


def uke_overskrift(d: date) -> str:
    """"Uke 48 (23.11.–29.11.2026)"; across New Year "Uke 53 (28.12.2026–03.01.2027)"."""
    mandag = d - timedelta(days=d.weekday())
    soendag = mandag + timedelta(days=6)
    if mandag.year == soendag.year:
        fra = mandag.strftime("%d.%m.")
    else:
        fra = format_dato(mandag)
    return f"Uke {iso_uke(d)[1]} ({fra}–{format_dato(soendag)})"


def next_deler(rader: Sequence[Rad]) -> tuple[list[Rad], list[Rad], list[Rad]]:
    """`next`'s three parts, each in the order given: overdue deadlines from before the
    window ("Forfalt"), the window, and deadlines after it whose varsel has begun."""
    forfalte: list[Rad] = []
    i_vinduet: list[Rad] = []
    tidlige: list[Rad] = []
    for rad in rader:
        if rad.tidlig_varsel:
            tidlige.append(rad)
        elif rad.forfalt:
            forfalte.append(rad)
        else:
            i_vinduet.append(rad)
    return forfalte, i_vinduet, tidlige


def per_uke(rader: Sequence[Rad]) -> list[tuple[str, list[Rad]]]:
    """Rows grouped by ISO week, in the order given (already sorted by date). A vindu
    that began before the window («pågår») is in the window's first week, not under a
    week before it."""
    grupper: list[tuple[tuple[int, int], str, list[Rad]]] = []
    for rad in rader:
        dag = rad.forekomst.dato
        if rad.forekomst.sluttdato is not None and rad.dager_igjen < 0 and not rad.forfalt:
            dag -= timedelta(days=rad.dager_igjen)  # the window's first day
        uke = iso_uke(dag)
        if not grupper or grupper[-1][0] != uke:
            grupper.append((uke, uke_overskrift(dag), []))
        grupper[-1][2].append(rad)
    return [(overskrift, liste) for _, overskrift, liste in grupper]


def dato_med_ukedag(d: date) -> str:
    """"tirsdag 01.12.2026"."""
    return f"{UKEDAGER[d.weekday()]} {format_dato(d)}"


def flyttet(plan: Plan, f: Forekomst) -> str | None:
    """"flyttet fra 01.01.2019 (nyttårsdag; 31.12 er stengt etter planens stengte dager)"."""
    return flyttet_tekst(f)


@dataclass(frozen=True)
class Linje:
    """One forekomst as plain cells."""

    dato: str  # "tirsdag 01.12.2026"; a vindu "31.08.–18.09.2026"
    dato_kort: str  # "tir 01.12.2026"
    tid: str  # "09:00–11:00" or ""
    hva: str  # "SAMBA – SAMBA-møte"
    type: str  # "Møte"
    ansvar: str  # display names
    rolle: str  # "ansvarlig" / "deltar" / "" when not filtered
    merknader: tuple[str, ...]  # "om 12 dager", "flyttet fra ..."
    antatt: bool


FORFALT_OVERSKRIFT = "Forfalt"


def oppfoelging_tekst(rad: Rad) -> str | None:
    """"utført 25.03.2027" or "forfalt i 5 dager" when sign-offs are in use."""
    o = rad.oppfoelging
    if o is None:
        return None
    from aarshjul.engine.followup import Status, forfalt_tekst, utfort_tekst

    if o.kvittering is not None:
        tekst = utfort_tekst(o.kvittering).lower()
        return tekst + (" (etter fristen)" if o.for_sent else "")
    if o.status is Status.FORFALT:
        return forfalt_tekst(o.dager_forfalt)
    return None


def andel_tekst(plan: Plan, o: Oppfoelging | None) -> str:
    """"3 av 5 utført, mangler: Skole D, Skole E" for a duty each owner signs off, while
    some have and some have not ("" otherwise: all or none is what the status says)."""
    if o is None or not o.delt or not 0 < o.antall_utfort < len(o.enheter):
        return ""
    mangler = ", ".join(one_line(virksomhet_navn(plan, v)) for v in o.mangler)
    return f"{o.antall_utfort} av {len(o.enheter)} utført, mangler: {mangler}"


def linje(plan: Plan, rad: Rad) -> Linje:
    f = rad.forekomst
    merknader = []
    oppfoelging = oppfoelging_tekst(rad)
    if (f.sluttdato is not None and not rad.forfalt
            and rad.dager_igjen < 0 <= (f.sluttdato - f.dato).days + rad.dager_igjen):  # fmt: skip
        merknader.append(paagaar_tekst(f))  # a vindu that began before the day asked about
    if oppfoelging is not None:
        merknader.append(oppfoelging)
    elif f.type.er_frist and not (f.sluttdato is not None and rad.dager_igjen < 0 and not rad.forfalt):
        merknader.append(dager_igjen_tekst(rad.dager_igjen))
    andel = andel_tekst(plan, rad.oppfoelging)
    if andel:
        merknader.append(andel)
    moved = flyttet(plan, f)
    if moved is not None:
        merknader.append(moved)
    if f.sted:
        merknader.append(sted_tekst(f.sted))
    merknader += andre_antakelser(f)
    if f.sluttdato is not None:  # a vindu: its span, in both widths
        dato = dato_kort = dato_tekst(f)
    else:
        dato = dato_med_ukedag(f.dato)
        dato_kort = f"{UKEDAGER_KORT[f.dato.weekday()]} {format_dato(f.dato)}"
    return Linje(
        dato=dato,
        dato_kort=dato_kort,
        tid=klokke(f.tid, f.slutt),
        hva=hva(f),
        type=TYPE_NAVN[f.type],
        ansvar=one_line(virksomheter_tekst(plan, f.ansvar)),
        rolle=ROLLE_NAVN[rad.rolle] if rad.rolle is not None else "",
        merknader=tuple(merknader),
        antatt=f.antatt is not None,
    )


def antatte(forekomster: Sequence[Forekomst]) -> list[tuple[str, str]]:
    """(what, why) for each hendelse with an assumed date, once, in order of appearance."""
    seen: set[tuple[str, str]] = set()
    result = []
    for f in forekomster:
        key = (f.tiltak_id, f.hendelse_id)
        if f.antatt is not None and key not in seen:
            seen.add(key)
            result.append((hva(f), one_line(f.antatt)))
    return result


def andre_antatte(forekomster: Sequence[Forekomst]) -> list[tuple[str, str]]:
    """(what and which mark, why) for each duty we added, owner or participant we chose,
    once per hendelse and mark, in order of appearance: the reasons behind the marks
    other than «antatt dato»."""
    seen: set[tuple[str, str, str]] = set()
    result = []
    for f in forekomster:
        for merke, grunn in antakelser(f):
            key = (f.tiltak_id, f.hendelse_id, merke)
            if merke != ANTATT_DATO and key not in seen:
                seen.add(key)
                result.append((f"{hva(f)} ({merke})", grunn))
    return result


def antakelse_seksjoner(forekomster: Sequence[Forekomst]) -> list[tuple[str, str, list[tuple[str, str]]]]:
    """(heading, explanation, [(what, why)]) for the reasons behind «antatt dato» and behind
    the other marks, each section only when it has any: what text and markdown end with."""
    seksjoner = [
        (ANTATT_OVERSKRIFT, ANTATT_FORKLARING, antatte(forekomster)),
        (ANDRE_OVERSKRIFT, ANDRE_FORKLARING, andre_antatte(forekomster)),
    ]
    return [x for x in seksjoner if x[2]]


def ventende_tekst(plan: Plan, v: Ventende) -> str:
    """"Kommunepsykolog – Evaluering: 1 år etter «Stillingen er besatt» (datoen er ikke kjent ennå)"."""
    return (
        f"{one_line(v.tiltak_navn)} – {one_line(v.tittel)}: {ventende_naar(v)} "
        "(datoen er ikke kjent ennå)"
    )


def ventende_ansvar(plan: Plan, v: Ventende) -> str:
    return one_line(virksomheter_tekst(plan, v.ansvar))
