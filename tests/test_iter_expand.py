"""iter_expand: expand's forekomster one by one, made only on their way out (issue 17)."""

from __future__ import annotations

import gc
import weakref
from dataclasses import replace
from datetime import date

import pytest

from aarshjul import expand as expand_module
from aarshjul.expand import expand, iter_expand, rolle
from aarshjul.model import Enkeltdato, Ukentlig
from aarshjul.select import iter_upcoming, upcoming


def _reference(plan, fra: date, til: date, virksomheter=None) -> list:  # type: ignore[no-untyped-def]
    """expand as it was defined before iter_expand: every hendelse on its own, filtered
    forekomst by forekomst, then one sort by (dato, tid or 00:00, id)."""
    expander = expand_module._Expander(plan)
    result = [f for t in plan.tiltak for h in t.hendelser for f in expander.forekomster(t, h, fra, til)]
    if virksomheter is not None:
        result = [f for f in result if any(rolle(plan, f, v) for v in virksomheter)]
    result.sort(key=lambda f: f.sorteringsnokkel)
    return result


@pytest.mark.parametrize(("fra", "til"), [(date(2026, 8, 1), date(2027, 8, 1)), (date(2018, 1, 1), date(2031, 1, 1)),
                                          (date(2027, 3, 20), date(2027, 4, 10))])  # fmt: skip
@pytest.mark.parametrize("virksomheter", [None, ("barnehage",), ("ppt", "nav"), ()])
def test_iter_expand_gives_what_expand_gave_on_the_real_plan(real_plan, fra, til, virksomheter) -> None:  # type: ignore[no-untyped-def]
    got = list(iter_expand(real_plan, fra, til, virksomheter))
    assert got == _reference(real_plan, fra, til, virksomheter)
    assert got == expand(real_plan, fra, til, virksomheter)
    if virksomheter != ():
        assert got, "the window holds forekomster, so the comparison says something"


def test_samba_2026_27_in_august_december_march_may(real_plan) -> None:  # type: ignore[no-untyped-def]
    samba = [f for f in iter_expand(real_plan, date(2026, 8, 1), date(2027, 8, 1)) if f.tiltak_id == "samba"
             and f.type.value == "møte"]  # fmt: skip
    assert [f.dato.month for f in samba] == [8, 12, 3, 5]


def test_same_day_order_is_by_time_then_full_id(mini_plan) -> None:  # type: ignore[no-untyped-def]
    """Four hendelser on one day: those without a time count as 00:00 and come first, by
    id (b before c, whatever the plan order); then 08:00 and 09:00."""
    from datetime import time

    (tiltak, *andre) = mini_plan.tiltak
    mal = tiltak.hendelser[0]
    dag = date(2027, 1, 12)
    hendelser = (
        replace(mal, id="c", naar=Enkeltdato(dag), tid=None, slutt=None),
        replace(mal, id="a", naar=Enkeltdato(dag), tid=time(9, 0), slutt=None),
        replace(mal, id="b", naar=Enkeltdato(dag), tid=None, slutt=None),
        replace(mal, id="z", naar=Enkeltdato(dag), tid=time(8, 0), slutt=None),
    )
    plan = replace(mini_plan, tiltak=(replace(tiltak, hendelser=hendelser),))
    got = [f.hendelse_id for f in iter_expand(plan, dag, dag + (date(2027, 1, 13) - dag))]
    assert got == ["b", "c", "z", "a"]


def test_ids_with_dots_are_sorted_by_the_whole_id(mini_plan) -> None:  # type: ignore[no-untyped-def]
    """A Plan built in code may have ids load_plan refuses: prefix "t.b." begins "t.b.0.",
    and "t.b.0.2027-01-12" sorts before "t.b.2027-01-12" although "t.b." < "t.b.0.". The
    shortcut (sort hendelser by prefix) would get this wrong; iter_expand sorts by id."""
    (tiltak, *_) = mini_plan.tiltak
    mal = tiltak.hendelser[0]
    dag = date(2027, 1, 12)
    hendelser = (
        replace(mal, id="b", naar=Enkeltdato(dag), tid=None, slutt=None),
        replace(mal, id="b.0", naar=Enkeltdato(dag), tid=None, slutt=None),
    )
    plan = replace(mini_plan, tiltak=(replace(tiltak, id="t", hendelser=hendelser),))
    got = [f.id for f in iter_expand(plan, dag, date(2027, 1, 13))]
    assert got == ["t.b.0.2027-01-12", "t.b.2027-01-12"]
    assert got == sorted(got)


def test_a_forekomst_let_go_is_freed_at_once(mini_plan) -> None:  # type: ignore[no-untyped-def]
    """What the streaming is for: a caller that writes each forekomst and drops it holds
    one at a time. Twenty years of weekly meetings: every forekomst but the one in hand
    is gone (by reference counting, with the cycle collector off as cli.main has it)."""
    (tiltak, *_) = mini_plan.tiltak
    ukentlig = replace(tiltak.hendelser[0], id="ukentlig", naar=Ukentlig(1), tid=None, slutt=None)
    plan = replace(mini_plan, tiltak=(replace(tiltak, hendelser=(ukentlig,)),))
    var_paa = gc.isenabled()
    gc.disable()
    try:
        refs = []
        levende_maks = 0
        for f in iter_expand(plan, date(2027, 1, 1), date(2047, 1, 1)):
            refs.append(weakref.ref(f))
            del f
            levende_maks = max(levende_maks, sum(r() is not None for r in refs[-50:]))
        assert len(refs) > 1000
        assert levende_maks <= 1
        assert all(r() is None for r in refs)
    finally:
        if var_paa:
            gc.enable()


def test_iter_upcoming_is_upcoming(real_plan) -> None:  # type: ignore[no-untyped-def]
    fra, til = date(2027, 5, 8), date(2027, 5, 22)  # two early deadlines for barnehage then
    rader = list(iter_upcoming(real_plan, fra, til, ["barnehage"]))
    assert rader == upcoming(real_plan, fra, til, ["barnehage"])
    # The window's rows first, then the early deadlines after it.
    tidlige = [r.tidlig_varsel for r in rader]
    assert tidlige == sorted(tidlige) and any(tidlige) and not all(tidlige)
