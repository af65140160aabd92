"""The views of `calendar`, `tiltak` and `virksomheter`: what their cells say.

Apart from render/views.py (the cells of `next`) so that a leader's `next`, started
from cron or a terminal, does not build these classes: ~3 ms of each start on the
shipped plan (-X importtime).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from aarshjul.dates import MAANEDER, UKEDAGER
from aarshjul.engine.select import Rad, TiltakStatus
from aarshjul.model import Plan, Rolle, Tiltak, UtenDato
from aarshjul.render.common import (
    ANSVAR_ANTATT,
    DELTAKERE_ANTATT,
    ROLLE_NAVN,
    TYPE_NAVN,
    andre_antakelser,
    dager_igjen_tekst,
    dato_tekst,
    hva,
    klokke,
    one_line,
    sted_tekst,
    ventende_naar,
    virksomheter_tekst,
)
from aarshjul.render.views import ANTATT, dato_med_ukedag, flyttet

# --- calendar ----------------------------------------------------------------------

UKEDAGER_FLERTALL = tuple(f"{d}er" for d in UKEDAGER)  # "torsdager"


@dataclass(frozen=True)
class KalenderLinje:
    """One hendelse within one month of the årshjul, with all its days that month."""

    dager: str  # "tirsdag 4." or "torsdager 6., 13., 20., 27."
    tid: str
    hva: str
    type: str
    ansvar: str
    rolle: str
    merknader: tuple[str, ...]
    antatt: bool


@dataclass(frozen=True)
class Maaned:
    overskrift: str  # "August 2026"
    linjer: tuple[KalenderLinje, ...]


def maaneder(plan: Plan, rader: Sequence[Rad], start: date, antall: int = 12) -> list[Maaned]:
    """The årshjul: `antall` months from `start` (the 1st), each hendelse once per month."""
    result = []
    aar, mnd = start.year, start.month
    for _ in range(antall):
        mine = [r for r in rader if (r.forekomst.dato.year, r.forekomst.dato.month) == (aar, mnd)]
        grupper: dict[tuple[str, str], list[Rad]] = {}
        for r in mine:
            grupper.setdefault((r.forekomst.tiltak_id, r.forekomst.hendelse_id), []).append(r)
        linjer = [_kalender_linje(plan, g) for g in grupper.values()]
        result.append(Maaned(f"{MAANEDER[mnd - 1].capitalize()} {aar}", tuple(linjer)))
        aar, mnd = (aar + 1, 1) if mnd == 12 else (aar, mnd + 1)
    return result


def _kalender_linje(plan: Plan, rader: list[Rad]) -> KalenderLinje:
    f = rader[0].forekomst
    datoer = [r.forekomst.dato for r in rader]
    ukedager = {d.weekday() for d in datoer}
    dagtall = ", ".join(f"{d.day}." for d in datoer)
    if len(datoer) == 1:
        dager = f"{UKEDAGER[datoer[0].weekday()]} {dagtall}"
    elif len(ukedager) == 1:
        dager = f"{UKEDAGER_FLERTALL[datoer[0].weekday()]} {dagtall}"
    else:
        dager = dagtall
    if f.sluttdato is not None:  # a vindu (one a year): its span, in the month it starts
        dager = dato_tekst(f)
    roller = {r.rolle for r in rader}
    rolle = Rolle.ANSVARLIG if Rolle.ANSVARLIG in roller else next(iter(roller))
    merknader = []
    for r in rader:
        moved = flyttet(plan, r.forekomst)
        if moved is not None:
            merknader.append(f"{r.forekomst.dato.day}.: {moved}" if len(rader) > 1 else moved)
    steder = list(dict.fromkeys(r.forekomst.sted for r in rader if r.forekomst.sted))
    merknader.extend(sted_tekst(s) for s in steder)
    merknader += andre_antakelser(f)
    return KalenderLinje(
        dager=dager,
        tid=klokke(f.tid, f.slutt),
        hva=hva(f),
        type=TYPE_NAVN[f.type],
        ansvar=one_line(virksomheter_tekst(plan, f.ansvar)),
        rolle=ROLLE_NAVN[rolle] if rolle is not None else "",
        merknader=tuple(merknader),
        antatt=f.antatt is not None,
    )


# --- tiltak ------------------------------------------------------------------------


@dataclass(frozen=True)
class TiltakLinje:
    navn: str  # "SAMBA"
    id: str
    kilde: str
    sone: str  # "gul" or ""
    ansvar: str
    deltakere: str
    rolle: str
    neste: tuple[str, ...]  # "tirsdag 01.12.2026 (om 6 dager): SAMBA-møte", "venter på dato: ..."
    uten_dato: tuple[str, ...] = ()  # duties without a date: "Faste møter med 7. trinn ..."


def tiltak_linje(plan: Plan, status: TiltakStatus) -> TiltakLinje:
    t = status.tiltak
    neste: list[str] = []
    if status.neste is not None:
        f = status.neste.forekomst
        dag = dato_tekst(f) if f.sluttdato else dato_med_ukedag(f.dato)
        igjen = status.neste.dager_igjen
        naar = f"{dag} ({'pågår' if igjen < 0 else dager_igjen_tekst(igjen)})"  # the span is shown
        tekst = f"{naar}: {one_line(f.tittel)}"
        merker = [m for m in andre_antakelser(f) if m not in (ANSVAR_ANTATT, DELTAKERE_ANTATT)]
        merker += [ANTATT] if f.antatt is not None else []
        neste.append(tekst + (f" ({'; '.join(merker)})" if merker else ""))
    for v in status.ventende:
        neste.append(
            f"venter på dato: {one_line(v.tittel)}, {ventende_naar(v)}"
        )
    if not neste:
        neste.append("ingen datoer" if not t.hendelser else "ingen flere datoer")
    return TiltakLinje(
        navn=one_line(t.navn),
        id=t.id,
        kilde=one_line(t.kilde),
        sone=t.sone.value if t.sone is not None else "",
        ansvar=one_line(virksomheter_tekst(plan, t.ansvar)) + (f" ({ANSVAR_ANTATT})" if t.ansvar_antatt else ""),
        deltakere=one_line(virksomheter_tekst(plan, t.deltakere))
        + (f" ({DELTAKERE_ANTATT})" if t.deltakere_antatt and t.deltakere else ""),
        rolle=ROLLE_NAVN[status.rolle] if status.rolle is not None else "",
        neste=tuple(neste),
        uten_dato=tuple(uten_dato_tekst(plan, t, u, r) for u, r in status.uten_dato),
    )


def uten_dato_tekst(plan: Plan, tiltak: Tiltak, plikt: UtenDato, rolle: Rolle | None = None) -> str:
    """"Faste møter med 7. trinn og ungdomsskolene", with the filtered virksomhet's role,
    or (unfiltered) its own ansvar when it is not the tiltak's; its source when it
    differs; and "ansvar antatt" when who is our guess."""
    tekst = one_line(plikt.tittel)
    deler = []
    if rolle is not None:
        deler.append(f"rolle: {ROLLE_NAVN[rolle]}")
    elif plikt.ansvar != tiltak.ansvar:
        deler.append(f"ansvar: {one_line(virksomheter_tekst(plan, plikt.ansvar))}")
    if plikt.kilde != tiltak.kilde:
        deler.append(f"kilde: {one_line(plikt.kilde)}")
    if plikt.ansvar_antatt is not None:
        deler.append(ANSVAR_ANTATT)
    return tekst + (f" ({'; '.join(deler)})" if deler else "")


# --- virksomheter --------------------------------------------------------------------


@dataclass(frozen=True)
class VirksomhetLinje:
    noekkel: str
    navn: str
    leder: str
    aliaser: str
    medlemmer: str
    ekstern: bool


def virksomhet_linjer(plan: Plan) -> list[VirksomhetLinje]:
    return [
        VirksomhetLinje(
            noekkel=key,
            navn=one_line(v.navn),
            leder=one_line(v.leder or ""),
            aliaser=one_line(", ".join(v.aliaser)),
            medlemmer=one_line(virksomheter_tekst(plan, v.medlemmer)),
            ekstern=v.ekstern,
        )
        for key, v in plan.virksomheter.items()
    ]
