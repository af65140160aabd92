"""The weekly digest's content: what happens in the period, deadlines coming up, what waits.

A deadline inside the digest's period is listed under its day and not again under
"Kommende frister"; that section holds the deadlines after the period whose varsel
begins on or before the period's last day (so a reader of one digest a week never gets
less warning than varsel), with days counted from the period's first day. Nothing here
reads the clock: the caller passes the period's first day. render/digest.py writes it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from aarshjul.engine.expand import expand, waiting
from aarshjul.engine.planperiode import Planperiode, etter_perioden
from aarshjul.engine.roles import best_rolle
from aarshjul.engine.select import Rad, kommende_frister
from aarshjul.model import Kvitteringslogg, Plan, Rolle, Ventende

MAX_UKER = 52


@dataclass(frozen=True)
class Digest:
    """Everything one digest shows, chosen from the plan for [start, slutt)."""

    plan: Plan
    start: date  # a Monday
    slutt: date  # exclusive: the Monday after the last week
    virksomheter: tuple[str, ...]  # keys; empty = the whole plan
    dager: tuple[tuple[date, tuple[Rad, ...]], ...]  # days with something on them
    frister: tuple[Rad, ...]  # deadlines after the period whose varsel has begun
    ventende: tuple[tuple[Ventende, Rolle | None], ...]
    # Overdue deadlines before the period, not signed off; only when sign-offs
    # are in use (build_digest got kvitteringer). Days are counted from the period's start.
    forfalte: tuple[Rad, ...] = ()
    # Set when the weeks reach past the plan's period: the digest says so under its heading.
    planperiode: Planperiode | None = None

    @property
    def is_empty(self) -> bool:
        """Nothing in the period, nothing overdue and no deadline coming up (waiting items
        do not count: they wait every week, and cron should stay silent in a quiet week)."""
        return not self.dager and not self.frister and not self.forfalte


def week_start(d: date) -> date:
    """The Monday of d's ISO week."""
    return d - timedelta(days=d.weekday())


def build_digest(
    plan: Plan,
    fra: date,
    uker: int = 1,
    virksomheter: Sequence[str] = (),
    kvitteringer: Kvitteringslogg | None = None,
) -> Digest:
    """The digest for `uker` ISO weeks from the week that contains `fra`.

    With kvitteringer (the sign-off log, nokkel → events), the digest
    starts with what is overdue, marks what is done, and leaves signed-off deadlines out
    of "Kommende frister"."""
    if not 1 <= uker <= MAX_UKER:
        raise ValueError(f"uker must be 1..{MAX_UKER}, got {uker}")
    start = week_start(fra)
    slutt = start + timedelta(weeks=uker)
    wanted = tuple(virksomheter)
    per_dag: dict[date, list[Rad]] = {}
    forfalte: tuple[Rad, ...] = ()
    oppfoelger = None
    if kvitteringer is not None:
        from aarshjul.engine import followup

        oppfoelger = followup.Oppfoelger(plan, kvitteringer, start, wanted)
        forfalte = tuple(
            Rad(o.forekomst, best_rolle(plan, (o.forekomst,), wanted), (o.forekomst.dato - start).days, False,
                oppfoelging=o, forfalt=True)  # fmt: skip
            for o in followup.forfalte(plan, start, kvitteringer, wanted)
            if o.forekomst is not None
        )
    # Vinduer that began before the period and still run: under its first day («pågår»).
    from aarshjul.engine.select import paagaaende

    for f in paagaaende(plan, start, wanted):
        o = oppfoelger.status(f) if oppfoelger is not None else None
        rad = Rad(f, best_rolle(plan, (f,), wanted), (f.dato - start).days, False, oppfoelging=o)
        per_dag.setdefault(start, []).append(rad)
    for f in expand(plan, start, slutt, wanted or None):
        o = oppfoelger.status(f) if oppfoelger is not None else None
        rad = Rad(f, best_rolle(plan, (f,), wanted), (f.dato - start).days, False, oppfoelging=o)
        per_dag.setdefault(f.dato, []).append(rad)
    # A deadline belongs in this digest when its varsel opens on any day of the period,
    # not only on its Monday: whoever reads one digest a week then never gets less
    # warning than varsel. Days are counted from the period's first day, as above.
    frister = tuple(
        Rad(r.forekomst, r.rolle, (r.forekomst.dato - start).days, True)
        for r in kommende_frister(plan, slutt - timedelta(days=1), wanted)
        if r.forekomst.dato >= slutt and (oppfoelger is None or not oppfoelger.utfort(r.forekomst))
    )
    ventende = tuple((v, best_rolle(plan, (v,), wanted)) for v in waiting(plan, wanted or None))
    return Digest(
        plan=plan,
        start=start,
        slutt=slutt,
        virksomheter=wanted,
        dager=tuple((d, tuple(rader)) for d, rader in sorted(per_dag.items())),
        frister=frister,
        ventende=ventende,
        forfalte=forfalte,
        # The weeks, and the deadlines after them that it lists.
        planperiode=etter_perioden(plan, start, max([slutt, *(r.forekomst.dato + timedelta(days=1) for r in frister)])),
    )
