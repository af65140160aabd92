"""Properties of the engine on generated plans and windows (hypothesis).

Plans are generated as YAML text and read with load_plan, so the loader is exercised
too: every recurrence form (måneder + dag, innen_utgangen_av, ukentlig, dato, etter,
hvert_år, rrule), random flytt and random stengte_dager. Examples are bounded by the
"ci" profile in conftest.py (60 each), so the file runs in seconds.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
import yaml
from conftest import PLANS
from hypothesis import assume, given
from hypothesis import strategies as st

from aarshjul.dates import MAANEDER, UKEDAGER, format_dato
from aarshjul.engine.expand import arbeidskalender, expand
from aarshjul.engine.roles import best_rolle
from aarshjul.engine.select import Rad, kommende_frister, paagaaende, upcoming
from aarshjul.errors import PlanError
from aarshjul.model import Flytt, Plan, Vindu
from aarshjul.plan.loader import load_plan

FIRST = date(2018, 1, 1)
LAST = date(2032, 12, 31)
RRULES = (
    "FREQ=MONTHLY;BYMONTH=9,11,2,4;BYDAY=2WE",
    "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU",
    "FREQ=YEARLY;BYMONTH=6;BYMONTHDAY=-1",
    "FREQ=DAILY;INTERVAL=10",
)
# Titles with what plan text must survive: ICS specials, markup, quotes, æøå, a tab.
TITLE_CHARS = st.sampled_from(list("abcæøåÆØÅ 0;,:\\\"'<>&[]/*_-\t") + ["\x1b", "\n"])


@pytest.fixture(scope="module")
def folder() -> Iterator[Path]:
    # hypothesis reuses one function call for many examples: no function-scoped tmp_path.
    with tempfile.TemporaryDirectory(prefix="aarshjul-prop-") as d:
        yield Path(d)


def dd_mm_yyyy(d: date) -> str:
    return format_dato(d)


dates = st.dates(min_value=FIRST, max_value=LAST)
months = st.lists(st.sampled_from(MAANEDER), min_size=1, max_size=4, unique=True)
weekday = st.sampled_from(UKEDAGER)
dag = st.one_of(
    st.integers(1, 31).map(str),
    st.sampled_from(["siste dag", "første arbeidsdag", "siste arbeidsdag"]),
    st.tuples(st.sampled_from(["første", "andre", "tredje", "fjerde", "siste"]), weekday).map(" ".join),
)
innen = st.tuples(
    st.integers(0, 12), st.sampled_from(["dager", "uker", "måneder", "år"])
).map(lambda t: f"{t[0]} {t[1]}" if t[1] != "år" else f"{min(t[0], 2)} år")


@st.composite
def every_n_years(draw: st.DrawFn) -> dict[str, object]:
    n = draw(st.integers(1, 3))
    if n == 1:
        return {}
    if draw(st.booleans()):
        return {"hvert_år": str(n), "startår": str(draw(st.integers(2016, 2030)))}
    start = draw(st.integers(2016, 2030))
    return {"hvert_år": str(n), "startskoleår": f"{start}/{(start + 1) % 100:02d}"}


@st.composite
def naar(draw: st.DrawFn, earlier: list[str]) -> dict[str, object]:
    forms = ["måneder", "innen_utgangen_av", "ukentlig", "dato", "rrule"] + (["etter"] * 2 if earlier else [])
    form = draw(st.sampled_from([*forms, "vindu"]))
    if form == "vindu":  # a span: weeks (week 53 only some years) or days, maybe over New Year
        if draw(st.booleans()):
            return {"fra_uke": draw(st.integers(1, 53)), "til_uke": draw(st.integers(1, 53)), **draw(every_n_years())}
        fra, til = draw(st.lists(st.dates(date(2001, 1, 1), date(2001, 12, 31)), min_size=2, max_size=2, unique=True))
        return {"fra": f"{fra:%d.%m}", "til": f"{til:%d.%m}", **draw(every_n_years())}
    if form == "måneder":
        result: dict[str, object] = {"måneder": draw(months), "dag": draw(dag), **draw(every_n_years())}
        if draw(st.booleans()):
            result["unntatt_måneder"] = draw(months)
        return result
    if form == "innen_utgangen_av":
        return {"innen_utgangen_av": draw(months), **draw(every_n_years())}
    if form == "ukentlig":
        result = {"ukentlig": draw(weekday)}
        if draw(st.booleans()):
            result["unntatt_måneder"] = draw(months)
        return result
    if form == "dato":
        return {"dato": dd_mm_yyyy(draw(dates))}
    if form == "rrule":
        return {"rrule": draw(st.sampled_from(RRULES)), "start": dd_mm_yyyy(draw(dates))}
    return {"etter": draw(st.sampled_from(earlier)), "innen": draw(innen)}


@st.composite
def plans(draw: st.DrawFn) -> str:
    """The YAML text of a valid plan: 1–3 tiltak with 1–4 hendelser each."""
    stengte = draw(st.lists(
        st.one_of(
            st.tuples(st.integers(1, 12), st.integers(1, 28)).map(lambda t: f"{t[1]:02d}.{t[0]:02d}"),
            dates.map(dd_mm_yyyy),
        ),
        max_size=8, unique=True,
    ))  # fmt: skip
    tiltak = []
    earlier: list[str] = []  # "tiltak.hendelse" defined so far: etter may only look back (no cycles)
    for t in range(draw(st.integers(1, 3))):
        hendelser = []
        for h in range(draw(st.integers(1, 4))):
            htype = draw(st.sampled_from(["møte", "aktivitet", "frist", "evaluering"]))
            hendelse: dict[str, object] = {
                "id": f"h{h}",
                "tittel": draw(st.text(TITLE_CHARS, min_size=1, max_size=20).filter(lambda s: s.strip())),
                "type": htype,
                "når": draw(naar(earlier)),
            }
            flytt = draw(st.sampled_from([None, "tidligere", "senere", "hopp_over", "ingen"]))
            if flytt and not (flytt == "ingen" and htype == "møte"):
                hendelse["flytt"] = flytt
            if draw(st.booleans()):
                hendelse["tid"] = draw(st.sampled_from(["09:00", "13:30-15:00"]))
            if draw(st.integers(0, 4)) == 0:
                fra = draw(dates)
                hendelse["gyldig_fra"] = dd_mm_yyyy(fra)
                hendelse["gyldig_til"] = dd_mm_yyyy(fra + timedelta(days=draw(st.integers(0, 900))))
            hendelser.append(hendelse)
            earlier.append(f"t{t}.h{h}")
        tiltak.append({"id": f"t{t}", "navn": f"Tiltak {t}", "kilde": "1", "ansvar": ["a"], "hendelser": hendelser})
    data = {
        "plan": {"navn": "Generert", "kommune": "Testkommune", "stengte_dager": stengte},
        "virksomheter": {"a": {"navn": "A"}},
        "tiltak": tiltak,
    }
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


@st.composite
def windows(draw: st.DrawFn) -> tuple[date, date, date]:
    a = draw(st.dates(min_value=date(2018, 6, 1), max_value=date(2031, 1, 1)))
    b = a + timedelta(days=draw(st.integers(0, 400)))
    c = b + timedelta(days=draw(st.integers(0, 400)))
    return a, b, c


def load(folder: Path, text: str) -> Plan:
    path = folder / "plan.yaml"
    path.write_text(text, encoding="utf-8")
    return load_plan(path)


@given(text=plans(), window=windows())
def test_expansion_is_sorted_unique_inside_and_splits(folder: Path, text: str, window: tuple[date, date, date]) -> None:
    plan = load(folder, text)
    a, b, c = window
    whole = expand(plan, a, c)
    assert all(a <= f.dato < c for f in whole)
    assert [f.sorteringsnokkel for f in whole] == sorted(f.sorteringsnokkel for f in whole)
    ids = [f.id for f in whole]
    assert len(ids) == len(set(ids))
    assert expand(plan, a, b) + expand(plan, b, c) == whole


@given(text=plans(), window=windows())
def test_upcoming_is_the_window_then_its_early_deadlines(folder: Path, text: str, window: tuple[date, date, date]) -> None:
    """upcoming expands once, not once for the window and again for its early deadlines;
    its rows are still exactly those of expanding the window, then kommende_frister's
    deadlines after the window, marked tidlig_varsel."""
    plan = load(folder, text)
    a, b, _ = window
    for wanted in (None, ["a"]):
        # Vinduer that began before the window and still run come first («pågår»).
        foer = paagaaende(plan, a, wanted) if a < b else []
        assert all(f.dato < a <= f.siste_dag for f in foer)
        old = [Rad(f, best_rolle(plan, (f,), wanted), (f.dato - a).days, False) for f in foer]
        old += [Rad(f, best_rolle(plan, (f,), wanted), (f.dato - a).days, False) for f in expand(plan, a, b, wanted)]
        old += [replace(r, tidlig_varsel=True) for r in kommende_frister(plan, a, wanted) if r.forekomst.dato >= b]
        assert upcoming(plan, a, b, wanted) == old


@given(text=plans(), window=windows())
def test_only_flytt_ingen_lands_on_a_day_off(folder: Path, text: str, window: tuple[date, date, date]) -> None:
    plan = load(folder, text)
    kalender = arbeidskalender(plan)
    # A vindu is a span, not a day: it never moves (docs/plan-format.md), whatever flytt says.
    flytt = {(t.id, h.id): Flytt.INGEN if isinstance(h.naar, Vindu) else h.flytt
             for t in plan.tiltak for h in t.hendelser}  # fmt: skip
    a, _, c = window
    for f in expand(plan, a, c):
        if flytt[(f.tiltak_id, f.hendelse_id)] is not Flytt.INGEN:
            assert kalender.er_arbeidsdag(f.dato), (f.id, kalender.fridag_navn(f.dato))
        if f.type.er_frist and flytt[(f.tiltak_id, f.hendelse_id)] is not Flytt.INGEN:
            assert f.dato.weekday() < 5


@given(text=plans(), window=windows())
def test_ics_reads_back_the_same_dates_ids_and_titles(folder: Path, text: str, window: tuple[date, date, date]) -> None:
    from icalendar import Calendar

    from aarshjul.render.ics import render_ics, sammendrag

    plan = load(folder, text)
    a, _, c = window
    forekomster = expand(plan, a, c)
    stamp = datetime(2026, 8, 1, tzinfo=timezone.utc)
    data = render_ics(plan, forekomster, calname="Prøve; med, tegn", stamp=stamp)
    assert b"\x1b" not in data
    events = Calendar.from_ical(data).walk("VEVENT")
    got = []
    for e in events:
        start = e.decoded("DTSTART")
        got.append((str(e["UID"]), start.date() if isinstance(start, datetime) else start, str(e["SUMMARY"])))
    assert got == [(f"{f.nokkel}@{plan.uid_domene}", f.dato, sammendrag(f)) for f in forekomster]


# --- the loader never fails any other way ------------------------------------------------


def load_or_plan_error(folder: Path, data: bytes) -> None:
    path = folder / "plan.yaml"
    path.write_bytes(data)
    try:
        plan = load_plan(path)
    except PlanError as e:
        assert e.problems, "en PlanError uten problemer"
        for p in e.problems:
            assert p.message.strip() and p.path == path
            assert p.line is None or p.line >= 1
            assert p.column is None or p.column >= 1
    else:
        assert isinstance(plan, Plan)


@given(text=st.text(max_size=400))
def test_load_plan_on_any_text(folder: Path, text: str) -> None:
    load_or_plan_error(folder, text.encode("utf-8", "surrogatepass"))


@given(data=st.binary(max_size=400))
def test_load_plan_on_any_bytes(folder: Path, data: bytes) -> None:
    load_or_plan_error(folder, data)


MINI = (PLANS / "mini.yaml").read_text(encoding="utf-8")


@given(
    cuts=st.lists(
        st.tuples(st.integers(0, len(MINI)), st.integers(0, 40), st.text(st.sampled_from(list(":-[]{}&*!|>'\"#\n\t ,?%@`æ0")), max_size=6)),
        min_size=1, max_size=4,
    )
)  # fmt: skip
def test_load_plan_on_a_damaged_real_plan(folder: Path, cuts: list[tuple[int, int, str]]) -> None:
    text = MINI
    for at, length, insert in cuts:
        text = text[:at] + insert + text[at + length:]
    assume(text != MINI)
    load_or_plan_error(folder, text.encode("utf-8", "surrogatepass"))
