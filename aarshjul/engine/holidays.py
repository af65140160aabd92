"""The ferier a reader sees: each school holiday in a span laid out once, with its ISO
weeks, how many school days it takes and where it was read.

plan/ferier.py answers "is this day in a ferie?" for expand; this module answers
"which ferier are there, and for whom?" for `aarshjul ferier`, the calendar's month
lines, the site and the wheel's shading. The renderers get these rows and only format them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from aarshjul.engine.workdays import Arbeidskalender
from aarshjul.model import Plan
from aarshjul.plan.ferier import Feriekalender, foelger_ferier


@dataclass(frozen=True)
class Ferierad:
    """One ferie as a reader sees it: «Høstferie 05.10.–09.10.2026, uke 41, 5 skoledager»."""

    navn: str
    fra: date
    til: date  # the last day, inclusive
    uker: tuple[int, ...]  # ISO weeks, in date order (52, 53, 1 across New Year)
    skoledager: int  # weekdays in the ferie that are not helligdager or closed days
    kilder: tuple[str, ...]  # "plan.yaml, linje 14", "skolerute-2026-27.csv, linje 37–41"
    # The virksomheter (keys, plan order) that follow the school calendar; None = all.
    gjelder: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Ferieoversikt:
    """What `aarshjul ferier` shows for one school year (services/ferier.py builds it)."""

    plan_navn: str
    skoleaar: int  # start year: 2026 for 2026/27
    fra: date  # 01.08.
    til: date  # 31.07., inclusive
    filer: tuple[str, ...]  # the files the ferier were read from, by name
    rader: tuple[Ferierad, ...]
    plan_har_ferier: bool  # False: the plan gives no ferier at all
    gjelder: tuple[str, ...] | None  # who follows the school calendar; None = every virksomhet
    # With --virksomhet: each key asked about and whether it follows the school calendar.
    virksomheter: tuple[tuple[str, bool], ...] = ()


def gjelder_for(plan: Plan) -> tuple[str, ...] | None:
    """The keys, in the plan's order, of the virksomheter that follow the school
    calendar (ferier_gjelder resolved: members of listed groups, groups with a member
    that follows), or None when every virksomhet does."""
    foelger = foelger_ferier(plan)
    if foelger is None:
        return None
    return tuple(k for k in plan.virksomheter if k in foelger)


def foelger(plan: Plan, key: str) -> bool:
    """Whether the virksomhet `key` follows the school calendar."""
    hvem = foelger_ferier(plan)
    return hvem is None or key in hvem


def _uker(fra: date, til: date) -> tuple[int, ...]:
    uker: list[int] = []
    d = fra
    while d <= til:
        uke = d.isocalendar()[1]
        if not uker or uker[-1] != uke:
            uker.append(uke)
        d += timedelta(days=1)
    return tuple(uker)


def ferierader(plan: Plan, fra: date, til: date, virksomheter: Sequence[str] = ()) -> list[Ferierad]:
    """The ferier that overlap [fra, til), by start. A ferie given twice with the same
    name and days (in the plan and in a skolerute file) is one row with both kilder.
    With virksomheter: none unless one of them follows the school calendar."""
    if not plan.ferier or til <= fra:
        return []
    if virksomheter and not any(foelger(plan, k) for k in virksomheter):
        return []
    gjelder = gjelder_for(plan)
    arbeid = Arbeidskalender(plan.stengte_dager, plan.stengte_datoer)
    samlet: dict[tuple[str, date, date], list[str]] = {}
    for p in Feriekalender(plan.ferier).perioder(fra, til - timedelta(days=1)):
        kilder = samlet.setdefault((p.navn, p.fra, p.til), [])
        if p.kilde and p.kilde not in kilder:
            kilder.append(p.kilde)
    rader = []
    for (navn, start, slutt), kilder in samlet.items():
        skoledager = sum(
            1 for i in range((slutt - start).days + 1) if arbeid.er_arbeidsdag(start + timedelta(days=i))
        )
        rader.append(Ferierad(navn, start, slutt, _uker(start, slutt), skoledager, tuple(kilder), gjelder))
    rader.sort(key=lambda r: (r.fra, r.til, r.navn))
    return rader
