"""iter_expand: expand's forekomster one by one, made only on their way out."""

from __future__ import annotations

import gc
import weakref
from dataclasses import replace
from datetime import date

import pytest

from aarshjul.engine import expand as expand_module
from aarshjul.engine.expand import expand, iter_expand
from aarshjul.engine.roles import rolle
from aarshjul.engine.select import iter_upcoming, upcoming
from aarshjul.model import Enkeltdato, Ukentlig


def _reference(plan, fra: date, til: date, virksomheter=None) -> list:
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
def test_iter_expand_gives_what_expand_gave_on_the_real_plan(real_plan, fra, til, virksomheter) -> None:
    got = list(iter_expand(real_plan, fra, til, virksomheter))
    assert got == _reference(real_plan, fra, til, virksomheter)
    assert got == expand(real_plan, fra, til, virksomheter)
    if virksomheter != ():
        assert got, "the window holds forekomster, so the comparison says something"


def test_samba_2026_27_in_august_december_march_may(real_plan) -> None:
    samba = [f for f in iter_expand(real_plan, date(2026, 8, 1), date(2027, 8, 1)) if f.tiltak_id == "samba"
             and f.type.value == "møte"]  # fmt: skip
    assert [f.dato.month for f in samba] == [8, 12, 3, 5]


def test_same_day_order_is_by_time_then_full_id(mini_plan) -> None:
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


def test_ids_with_dots_are_sorted_by_the_whole_id(mini_plan) -> None:
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


def test_a_forekomst_let_go_is_freed_at_once(mini_plan) -> None:
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


def test_iter_upcoming_is_upcoming(real_plan) -> None:
    fra, til = date(2027, 5, 8), date(2027, 5, 22)  # two early deadlines for barnehage then
    rader = list(iter_upcoming(real_plan, fra, til, ["barnehage"]))
    assert rader == upcoming(real_plan, fra, til, ["barnehage"])
    # The window's rows first, then the early deadlines after it.
    tidlige = [r.tidlig_varsel for r in rader]
    assert tidlige == sorted(tidlige) and any(tidlige) and not all(tidlige)


def _alene(plan, tiltak, hendelse, fra: date, til: date) -> list:
    """The hendelse expanded in a plan of its own: nothing shared with another hendelse."""
    return expand(replace(plan, tiltak=(replace(tiltak, hendelser=(hendelse,)),)), fra, til)


def test_hendelser_with_one_rule_share_its_dates_and_nothing_else(mini_plan) -> None:
    """The dates of equal rules are computed once per expansion. Whatever else decides a
    date is part of the rule's key: flytt, the valid period, the months left out. Each
    hendelse gets what it gets alone, with its own title and antatt."""
    from aarshjul.model import Flytt

    (tiltak, *_) = mini_plan.tiltak
    mal = replace(tiltak.hendelser[0], naar=Ukentlig(5), tid=None, slutt=None, antatt=None)  # Saturdays
    hendelser = (
        replace(mal, id="a", flytt=Flytt.SENERE),
        replace(mal, id="b", flytt=Flytt.SENERE, tittel="Samme regel", antatt="antatt her"),
        replace(mal, id="c", flytt=Flytt.TIDLIGERE),
        replace(mal, id="d", flytt=Flytt.INGEN),
        replace(mal, id="e", flytt=Flytt.SENERE, gyldig_til=date(2027, 3, 1)),
        replace(mal, id="f", flytt=Flytt.SENERE, unntatt_maaneder=(2,)),
    )
    tiltak = replace(tiltak, hendelser=hendelser)
    plan = replace(mini_plan, tiltak=(tiltak,))
    fra, til = date(2027, 1, 1), date(2027, 7, 1)
    hele = expand(plan, fra, til)
    for h in hendelser:
        alene = _alene(plan, tiltak, h, fra, til)
        assert [f for f in hele if f.hendelse_id == h.id] == alene, h.id
    datoer = {h.id: [f.dato for f in hele if f.hendelse_id == h.id] for h in hendelser}
    assert datoer["a"] == datoer["b"] and datoer["a"][0] == date(2027, 1, 4)  # Saturday 2 -> Monday 4
    # Saturday 02.01 moved earlier passes nyttårsdag and leaves the window; 09.01 -> 08.01.
    assert datoer["c"][0] == date(2027, 1, 8) and datoer["d"][0] == date(2027, 1, 2)
    assert max(datoer["e"]) == date(2027, 3, 1)  # gyldig_til is the last day that counts
    # unntatt_måneder leaves out the rule's February dates (30.01 moved to 01.02 stays).
    f_regel = [(f.flyttet_fra or f.dato) for f in hele if f.hendelse_id == "f"]
    assert not any(d.month == 2 for d in f_regel) and len(datoer["f"]) == len(datoer["a"]) - 4
    b = [f for f in hele if f.hendelse_id == "b"]
    assert {f.tittel for f in b} == {"Samme regel"} and {f.antatt for f in b} == {"antatt her"}


def test_every_hendelse_of_the_real_plan_gets_what_it_gets_alone(real_plan) -> None:
    """Sharing dates between equal rules changes nothing on the shipped plan: each
    hendelse without `etter:` (those need their base) expanded alone gives its part of
    the whole plan's school years 2026/27 and 2027/28."""
    from aarshjul.model import Relativ

    fra, til = date(2026, 8, 1), date(2028, 8, 1)
    hele = expand(real_plan, fra, til)
    sjekket = 0
    for tiltak in real_plan.tiltak:
        for h in tiltak.hendelser:
            if isinstance(h.naar, Relativ):
                continue
            egne = [f for f in hele if (f.tiltak_id, f.hendelse_id) == (tiltak.id, h.id)]
            assert egne == _alene(real_plan, tiltak, h, fra, til), f"{tiltak.id}.{h.id}"
            sjekket += 1
    assert sjekket > 20
