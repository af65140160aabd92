"""`next --format tekst|markdown` is written chunk by chunk, with the same text."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aarshjul.engine.expand import waiting
from aarshjul.engine.select import upcoming
from aarshjul.plan.loader import load_plan
from aarshjul.render import markdown, text, views

REAL = Path(__file__).resolve().parent.parent / "data" / "plan.yaml"

linjer = st.lists(st.sampled_from(["", "", "a", "uke 48", "  tirsdag 01.12.2026  SAMBA-møte"]), max_size=40)


@given(linjer, st.integers(1, 4))
def test_chunks_is_slutt_in_pieces(lines: list[str], per: int) -> None:
    import aarshjul.render.views as v

    gammel = v.BOLK_LINJER
    v.BOLK_LINJER = per
    try:
        biter = list(views.chunks(iter(lines)))
    finally:
        v.BOLK_LINJER = gammel
    assert "".join(biter) == views.slutt(list(lines))
    assert all(biter)


@pytest.mark.parametrize("modul", [text, markdown])
@pytest.mark.parametrize(
    ("fra", "til", "hvem"),
    [
        (date(2026, 8, 1), date(2027, 8, 1), []),  # the whole school year 2026/27
        (date(2026, 12, 1), date(2026, 12, 31), ["barnehage"]),
        (date(2027, 7, 1), date(2027, 7, 31), ["barnehage"]),  # nothing: «Ingenting i perioden»
    ],
)
def test_streamed_next_is_the_whole_text(modul: object, fra: date, til: date, hvem: list[str]) -> None:
    plan = load_plan(REAL)
    rader = upcoming(plan, fra, til, hvem)
    kw = dict(fra=fra, til=til, virksomheter=hvem)
    biter = list(modul.iter_next(plan, rader, waiting(plan, hvem or None), **kw))
    hel = modul.render_next(plan, rader, waiting(plan, hvem or None), **kw)
    assert "".join(biter) == hel and hel.endswith("\n") and not hel.endswith("\n\n")
    if len(rader) > 300:  # a school year for everyone: more than one chunk
        assert len(biter) > 1
    if fra == date(2026, 12, 1):
        # Barnehage takes part in the seminar on Wednesday 09.12.2026 (our assumed date).
        assert "Uke 50" in hel and "09.12.2026" in hel and "Felles arbeidsseminar" in hel
