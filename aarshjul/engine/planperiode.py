"""The plan's period: what an output says when it shows dates after periode_til.

A plan runs from periode_fra to periode_til. After periode_til, expand() makes dates
only when the plan says it is continued (`videreført:` or, as our assumption,
`videreført_antatt:`); each such forekomst has `etter_planperioden`. Every output whose
window reaches past periode_til says so once, where a reader sees it first (a line under
the heading, the site's header, the calendar's description): render/common.py words it
from the Planperiode returned here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from aarshjul.model import Plan


@dataclass(frozen=True)
class Planperiode:
    """A window reaches past the plan's period; what the plan says about that."""

    fra: date | None  # periode_fra
    slutt: date  # periode_til, the period's last day
    viderefort: str | None  # why dates go on after slutt; None: nothing is dated after it
    antatt: bool  # the continuation is our assumption, not the kommune's decision


def etter_perioden(plan: Plan, fra: date, til: date) -> Planperiode | None:
    """The Planperiode when the window [fra, til) has days after periode_til, else None."""
    slutt = plan.periode_til
    if slutt is None or til - timedelta(days=1) <= slutt:
        return None
    return Planperiode(plan.periode_fra, slutt, plan.viderefort, plan.viderefort_antatt)


def planperiode(plan: Plan) -> Planperiode | None:
    """The plan's Planperiode for outputs without a window of their own (a calendar
    subscription runs on), when the plan has a periode_til."""
    if plan.periode_til is None:
        return None
    return Planperiode(plan.periode_fra, plan.periode_til, plan.viderefort, plan.viderefort_antatt)
