"""finn_forekomst: an exact id is looked up on its own day, and finds what the search
over the whole window finds."""

from __future__ import annotations

from datetime import date, timedelta

from aarshjul.engine import followup
from aarshjul.engine.expand import expand


def test_every_id_is_found_on_its_day_as_in_the_whole_window(real_plan) -> None:  # type: ignore[no-untyped-def]
    today = date(2026, 12, 7)
    alle = followup._alle(real_plan, today)
    for f in expand(real_plan, date(2026, 8, 1), date(2027, 8, 1)):
        assert followup._paa_dagen(real_plan, f.id, today) == f
        assert followup.finn_forekomst(real_plan, f.id, today) == next(x for x in alle if x.id == f.id)


def test_an_id_outside_the_window_or_not_a_day_goes_the_long_way(real_plan) -> None:  # type: ignore[no-untyped-def]
    today = date(2026, 12, 7)
    lo, hi = followup._standard_vindu(real_plan, today)
    assert followup._paa_dagen(real_plan, f"pmto.evaluering.{(hi + timedelta(days=400)).isoformat()}", today) is None
    assert followup._paa_dagen(real_plan, "pmto.evaluering.2027-02-30", today) is None
    assert followup._paa_dagen(real_plan, "pmto.evaluering.2027-03", today) is None
    assert followup.finn_forekomst(real_plan, "pmto.evaluering.2027-03", today).id == "pmto.evaluering.2027-03-31"
