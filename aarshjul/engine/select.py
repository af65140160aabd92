"""Choosing what to show: a window of forekomster plus deadlines whose lead time has begun."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from aarshjul.engine.expand import expand, iter_expand, waiting
from aarshjul.engine.roles import best_rolle, tiltak_rolle
from aarshjul.model import Forekomst, Plan, Rolle, Tiltak, UtenDato, Ventende

if TYPE_CHECKING:  # followup is loaded only when sign-offs are in use

    from aarshjul.engine.followup import Oppfoelging
    from aarshjul.model import Kvitteringslogg

MAX_VARSEL = 366  # plan.py caps varsel at 365 days


@dataclass(frozen=True)
class Rad:
    """One line of `next` or the digest."""

    forekomst: Forekomst
    rolle: Rolle | None  # the filtered virksomhet's role; None when not filtered
    dager_igjen: int  # days from the reference date to the forekomst
    tidlig_varsel: bool  # a deadline after the window, shown because its varsel has begun
    # Follow-up: set when sign-offs are in use. forfalt marks a row of the
    # "Forfalt" section: an overdue deadline from before the window.
    oppfoelging: Oppfoelging | None = None
    forfalt: bool = False




def varsel_begynt(forekomst: Forekomst, dag: date) -> bool:
    """A deadline whose lead time has begun on `dag` and which is not yet past. A vindu
    is due at its end: varsel counts back from its last day."""
    return (
        forekomst.type.er_frist
        and forekomst.dato >= dag
        and forekomst.siste_dag - timedelta(days=forekomst.varsel) <= dag
    )


def paagaaende(plan: Plan, dag: date, virksomheter: Sequence[str] | None = None) -> list[Forekomst]:
    """Vinduer that began before `dag` and still run on it, by date: what `next` and the
    digest show as «pågår». Looks back the plan's longest vindu (at most a year), over
    the hendelser that are vinduer only."""
    from dataclasses import replace

    from aarshjul.engine.expand import lengste_vindu
    from aarshjul.model import Vindu

    tilbake = lengste_vindu(plan)
    if not tilbake:
        return []
    bare_vinduer = replace(plan, tiltak=tuple(
        replace(t, hendelser=tuple(h for h in t.hendelser if isinstance(h.naar, Vindu)))
        for t in plan.tiltak if any(isinstance(h.naar, Vindu) for h in t.hendelser)
    ))  # fmt: skip
    return [f for f in expand(bare_vinduer, dag - tilbake, dag, virksomheter or None) if f.siste_dag >= dag]


def kommende_frister(plan: Plan, dag: date, virksomheter: Sequence[str] | None = None) -> list[Rad]:
    """Deadlines and evaluations whose varsel has begun on `dag`, nearest first."""
    rader = []
    for f in expand(plan, dag, dag + timedelta(days=MAX_VARSEL), virksomheter or None):
        if varsel_begynt(f, dag):
            rader.append(Rad(f, best_rolle(plan, (f,), virksomheter), (f.dato - dag).days, False))
    return rader


def upcoming(
    plan: Plan,
    fra: date,
    til: date,
    virksomheter: Sequence[str] | None = None,
) -> list[Rad]:
    """Everything in [fra, til), then deadlines after til whose varsel has begun on fra.
    Vinduer that began before fra and still run on it come first («pågår»)."""
    return list(iter_upcoming(plan, fra, til, virksomheter))


def iter_upcoming(
    plan: Plan,
    fra: date,
    til: date,
    virksomheter: Sequence[str] | None = None,
) -> Iterator[Rad]:
    """upcoming's rows one by one, as expand.iter_expand makes them: a renderer that
    writes each row and lets it go holds one row, not the window's.

    One expansion covers both: [fra, til) and the year kommende_frister looks at,
    [fra, fra + MAX_VARSEL). Expanding a window gives exactly what expanding its parts
    gives (expand.py), so the rows and their order are those of expanding [fra, til) and
    then kommende_frister(fra) after til, without expanding the overlap (the first year of
    the window) twice. The early deadlines come last; only they are held until the
    window's rows are out.
    """
    wanted = virksomheter or None
    tidlige: list[Rad] = []
    if fra < til:  # vinduer that began before the window and still run come first
        for f in paagaaende(plan, fra, wanted):
            yield Rad(f, best_rolle(plan, (f,), wanted) if wanted else None, (f.dato - fra).days, False)
    for f in iter_expand(plan, fra, max(til, fra + timedelta(days=MAX_VARSEL)), wanted):
        if f.dato < til:
            yield Rad(f, best_rolle(plan, (f,), wanted) if wanted else None, (f.dato - fra).days, False)
        elif varsel_begynt(f, fra):
            tidlige.append(Rad(f, best_rolle(plan, (f,), wanted), (f.dato - fra).days, True))
    yield from tidlige


def med_oppfoelging(
    plan: Plan,
    rader: Iterable[Rad],
    kvitteringer: Kvitteringslogg,
    today: date,
    fra: date,
    virksomheter: Sequence[str] | None = None,
) -> list[Rad]:
    """`next` with sign-offs in use: a "Forfalt" row for each overdue deadline dated before
    the window (days counted from today), then every row with its follow-up; an early
    warning (a deadline after the window) that is already signed off is left out."""
    from dataclasses import replace

    from aarshjul.engine.followup import Oppfoelger, Status, forfalte

    result = [
        Rad(o.forekomst, best_rolle(plan, (o.forekomst,), virksomheter), (o.forekomst.dato - today).days, False,
            oppfoelging=o, forfalt=True)  # fmt: skip
        for o in forfalte(plan, today, kvitteringer, virksomheter)
        if o.forekomst is not None and o.forekomst.dato < fra
    ]
    oppfoelger = Oppfoelger(plan, kvitteringer, today, virksomheter)
    for rad in rader:
        o = oppfoelger.status(rad.forekomst)
        if rad.tidlig_varsel and o.status is Status.UTFOERT:
            continue
        result.append(replace(rad, oppfoelging=o))
    return result


# --- the `tiltak` overview -------------------------------------------------------

TILTAK_HORISONT = timedelta(days=5 * 366)  # far enough for "hvert_år: 2" and more


@dataclass(frozen=True)
class TiltakStatus:
    """One tiltak with its next forekomst, for `aarshjul tiltak`."""

    tiltak: Tiltak
    rolle: Rolle | None  # the filtered virksomheter's best role in the tiltak; None unfiltered
    neste: Rad | None  # the first forekomst on or after the reference date
    ventende: tuple[Ventende, ...]  # hendelser waiting for a named date
    # duties without a date with the virksomheter's role (None unfiltered); with
    # virksomheter, only those they take part in
    uten_dato: tuple[tuple[UtenDato, Rolle | None], ...] = ()


def tiltak_status(plan: Plan, dag: date, virksomheter: Sequence[str] | None = None) -> list[TiltakStatus]:
    """Every tiltak (with virksomheter: those they take part in) and what comes next.

    With virksomheter, `neste` is the next forekomst one of them takes part in.
    """
    neste: dict[str, Rad] = {}
    # A vindu that still runs comes before the next one starts.
    for f in [*paagaaende(plan, dag, virksomheter), *expand(plan, dag, dag + TILTAK_HORISONT, virksomheter or None)]:
        if f.tiltak_id not in neste:
            neste[f.tiltak_id] = Rad(f, best_rolle(plan, (f,), virksomheter), (f.dato - dag).days, False)
    ventende = waiting(plan, virksomheter or None)
    result = []
    for tiltak in plan.tiltak:
        r = tiltak_rolle(plan, tiltak, virksomheter) if virksomheter else None
        if virksomheter and r is None:
            continue
        mine = tuple(v for v in ventende if v.tiltak_id == tiltak.id)
        plikter = tuple(
            (u, ur) for u in tiltak.uten_dato
            for ur in [best_rolle(plan, (u,), virksomheter) if virksomheter else None]
            if not virksomheter or ur is not None
        )  # fmt: skip
        result.append(TiltakStatus(tiltak, r, neste.get(tiltak.id), mine, plikter))
    return result


# --- duties without a date ---------------------------------------------------------------


def uten_dato_for(
    plan: Plan, virksomheter: Sequence[str] | None = None
) -> list[tuple[Tiltak, UtenDato, Rolle | None]]:
    """Every duty without a date, in plan order, with the virksomheter's best role.

    With virksomheter, only the duties one of them is ansvarlig for or takes part in; the
    role is None when unfiltered. This is what a leader asking "what does the plan expect
    of my unit, besides the dates?" needs (the website lists it per virksomhet).
    """
    result = []
    for tiltak in plan.tiltak:
        for plikt in tiltak.uten_dato:
            r = best_rolle(plan, (plikt,), virksomheter) if virksomheter else None
            if virksomheter and r is None:
                continue
            result.append((tiltak, plikt, r))
    return result
