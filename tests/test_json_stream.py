"""The streamed JSON of `next`/`calendar` (issue 17) is byte for byte what
json.dumps(indent=2, sort_keys=True, ensure_ascii=False) gave for the whole list, and it
is produced row by row: the first chunk exists before the last row is read."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import aarshjul.render.json as json_render
from aarshjul.expand import expand
from aarshjul.render.json import dumps, forekomst_obj, iter_objekter, iter_rader, render_rader
from aarshjul.select import Rad, best_rolle, upcoming

scalars = st.none() | st.booleans() | st.integers(-(10**12), 10**12) | st.text()
values = scalars | st.lists(st.text(), max_size=4) | st.lists(scalars, max_size=3)
values = values | st.dictionaries(st.text(max_size=5), values, max_size=3)
rows = st.lists(st.dictionaries(st.text(max_size=12), values, max_size=6), max_size=5)


@given(rows)
def test_streamed_array_is_the_whole_document_dumps(data: list[dict[str, Any]]) -> None:
    text = "".join(iter_objekter(data))
    assert text == dumps(data)
    assert json.loads(text) == data


def test_control_characters_escaped_as_before() -> None:
    data = [{
        "tittel": "Møte \x1b[31mRØD\x07 \x9b31m \x7f \u202eevil \u200b \ud800 \U000e0041",
        "ascii": "a\x7fb", "liste": ["\x85", "\u2066"], "annet": {"x": ["\u202e"]},
    }]  # fmt: skip
    text = "".join(iter_objekter(data))
    assert text == dumps(data)
    assert "\\u009b31m" in text and "\\u007f" in text and "\\u0085" in text and "\\u001b" in text
    assert "\\u202e" in text and "\\ud800" in text and "\\udb40\\udc41" in text and "\\u2066" in text
    assert not any("\x7f" <= c <= "\x9f" or c in "\x1b\u202e\u200b\ud800\u2066\U000e0041" for c in text)


def test_empty_result_is_an_empty_array() -> None:
    assert "".join(iter_rader([])) == "[]\n"


def _kalender(plan: Any, keys: list[str]) -> list[Rad]:
    today = date(2026, 12, 1)
    return [
        Rad(f, best_rolle(plan, f, keys), (f.dato - today).days, False)
        for f in expand(plan, date(2026, 8, 1), date(2027, 8, 1), keys or None)
    ]


def test_real_plan_calendar_bytes_unchanged(real_plan: Any) -> None:
    """The shipped plan's 2026/27 calendar, for skole and unfiltered: the streamed text is
    the old whole-document text, and SAMBA still meets in August, December, March, May."""
    for keys in (["skole"], []):
        rader = _kalender(real_plan, keys)
        old = dumps([forekomst_obj(r.forekomst, r) for r in rader])
        assert render_rader(rader) == old
        samba = [o for o in json.loads(old) if o["tiltak"] == "samba" and o["hendelse"] == "mote"]
        assert [o["dato"][:7] for o in samba] == ["2026-08", "2026-12", "2027-03", "2027-05"]


def test_real_plan_next_with_early_deadlines_unchanged(real_plan: Any) -> None:
    """10.05.2027-16.05.2027: the evaluations due 31.05.2027 ("evalueres i mai", varsel 30)
    come after the week's meetings, marked tidlig_varsel."""
    rader = upcoming(real_plan, date(2027, 5, 10), date(2027, 5, 17), [])
    tidlige = [r.forekomst.id for r in rader if r.tidlig_varsel]
    assert "samba.evaluering.2027-05-31" in tidlige and "kvello.evaluering.2027-05-31" in tidlige
    assert render_rader(rader) == dumps([forekomst_obj(r.forekomst, r) for r in rader])


def test_first_chunk_before_the_last_row(real_plan: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """iter_rader reads its rows lazily: a consumer gets the first chunk after
    CHUNK_RADER rows, so a long calendar is written while it is still being read."""
    monkeypatch.setattr(json_render, "CHUNK_RADER", 10)
    rader = _kalender(real_plan, [])
    assert len(rader) == 84  # the shipped plan's 2026/27
    lest = 0

    def kilde() -> Iterator[Rad]:
        nonlocal lest
        for r in rader:
            lest += 1
            yield r

    chunks = iter_rader(kilde())
    first = next(chunks)
    assert lest <= 11
    assert first.startswith('[\n  {\n    "ansvar": [')
    rest = "".join(chunks)
    assert lest == len(rader)
    assert json.loads(first + rest) == [forekomst_obj(r.forekomst, r) for r in rader]
