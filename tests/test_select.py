"""What `next` and the digest choose to show: the window plus deadlines inside their varsel."""

from __future__ import annotations

from datetime import date

from aarshjul.engine.select import kommende_frister, upcoming
from aarshjul.model import Plan, Rolle


def test_deadline_shows_from_its_lead_time(mini_plan: Plan) -> None:
    # PMTO evaluering 31.03.2027 has the default varsel of 14 days: visible from 17.03.
    assert [r.forekomst.id for r in kommende_frister(mini_plan, date(2027, 3, 16))] == []
    [rad] = kommende_frister(mini_plan, date(2027, 3, 17))
    assert (rad.forekomst.id, rad.dager_igjen) == ("pmto.evaluering.2027-03-31", 14)


def test_upcoming_adds_early_deadlines_after_the_window(mini_plan: Plan) -> None:
    rader = upcoming(mini_plan, date(2027, 3, 20), date(2027, 3, 27), ["skole"])
    ids = [(r.forekomst.id, r.tidlig_varsel, r.rolle) for r in rader]
    assert ids == [("pmto.evaluering.2027-03-31", True, Rolle.ANSVARLIG)]


def test_upcoming_roles_for_a_filtered_virksomhet(mini_plan: Plan) -> None:
    rader = upcoming(mini_plan, date(2026, 11, 25), date(2026, 12, 25), ["skole"])
    assert [(r.forekomst.id, r.rolle, r.dager_igjen) for r in rader] == [
        ("samba.mote.2026-12-01", Rolle.DELTAR, 6),
    ]
    rader = upcoming(mini_plan, date(2026, 11, 25), date(2026, 12, 25), ["barnehage"])
    assert rader == []
