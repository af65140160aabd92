"""Choosing what to show: a window of forekomster plus deadlines whose lead time has begun."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from aarshjul.expand import expand, rolle
from aarshjul.model import Forekomst, Plan, Rolle

MAX_VARSEL = 366  # plan.py caps varsel at 365 days


@dataclass(frozen=True)
class Rad:
    """One line of `next` or the digest."""

    forekomst: Forekomst
    rolle: Rolle | None  # the filtered virksomhet's role; None when not filtered
    dager_igjen: int  # days from the reference date to the forekomst
    tidlig_varsel: bool  # a deadline after the window, shown because its varsel has begun


def best_rolle(plan: Plan, forekomst: Forekomst, virksomheter: Sequence[str] | None) -> Rolle | None:
    if not virksomheter:
        return None
    roller = {rolle(plan, forekomst, v) for v in virksomheter}
    if Rolle.ANSVARLIG in roller:
        return Rolle.ANSVARLIG
    return Rolle.DELTAR if Rolle.DELTAR in roller else None


def varsel_begynt(forekomst: Forekomst, dag: date) -> bool:
    """A deadline whose lead time has begun on `dag` and which is not yet past."""
    return (
        forekomst.type.er_frist
        and forekomst.dato >= dag
        and forekomst.dato - timedelta(days=forekomst.varsel) <= dag
    )


def kommende_frister(plan: Plan, dag: date, virksomheter: Sequence[str] | None = None) -> list[Rad]:
    """Deadlines and evaluations whose varsel has begun on `dag`, nearest first."""
    rader = []
    for f in expand(plan, dag, dag + timedelta(days=MAX_VARSEL), virksomheter or None):
        if varsel_begynt(f, dag):
            rader.append(Rad(f, best_rolle(plan, f, virksomheter), (f.dato - dag).days, False))
    return rader


def upcoming(
    plan: Plan,
    fra: date,
    til: date,
    virksomheter: Sequence[str] | None = None,
) -> list[Rad]:
    """Everything in [fra, til), then deadlines after til whose varsel has begun on fra."""
    rader = [
        Rad(f, best_rolle(plan, f, virksomheter), (f.dato - fra).days, False)
        for f in expand(plan, fra, til, virksomheter or None)
    ]
    for rad in kommende_frister(plan, fra, virksomheter):
        if rad.forekomst.dato >= til:
            rader.append(Rad(rad.forekomst, rad.rolle, rad.dager_igjen, True))
    return rader
