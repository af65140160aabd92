"""The streamed JSON of `next`/`calendar` is byte for byte what
json.dumps(indent=2, sort_keys=True, ensure_ascii=False) gave for the whole list, and it
is produced row by row: the first chunk exists before the last row is read."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, time
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from aarshjul.engine.expand import expand
from aarshjul.engine.followup import Oppfoelging, Status
from aarshjul.engine.roles import best_rolle
from aarshjul.engine.select import Rad, upcoming
from aarshjul.model import KVITTERT, Forekomst, HendelseType, Kvittering, Rolle
from aarshjul.render.json import FOREKOMST_KEYS, dumps, forekomst_obj, iter_objekter, iter_rader, render_rader

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
        Rad(f, best_rolle(plan, (f,), keys), (f.dato - today).days, False)
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


def test_first_chunk_before_the_last_row(real_plan: Any) -> None:
    """iter_rader reads its rows lazily: a consumer gets the first row's text after
    reading one row, so a long calendar is written while it is still being read."""
    rader = _kalender(real_plan, [])
    assert len(rader) == 86  # the shipped plan's 2026/27
    lest = 0

    def kilde() -> Iterator[Rad]:
        nonlocal lest
        for r in rader:
            lest += 1
            yield r

    chunks = iter_rader(kilde())
    first = next(chunks)
    assert lest == 1
    assert first.startswith('[\n  {\n    "ansvar": [')
    rest = "".join(chunks)
    assert lest == len(rader)
    assert json.loads(first + rest) == [forekomst_obj(r.forekomst, r) for r in rader]


# --- every row as forekomst_obj + dumps, whatever the plan text ----------------------

ODD = st.text(st.sampled_from(list('aø%s"\\\x00\x1b\x7f\x9b\u202e\u200b\ud800\U000e0041 .-_\n{}')), max_size=8)
TEKST = ODD | st.text(max_size=12)
DATOER = st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31))
TIDER = st.none() | st.times().map(lambda t: t.replace(microsecond=0))


@st.composite
def hendelse_felter(draw: st.DrawFn) -> dict[str, Any]:
    """The fields a Forekomst takes from its tiltak and hendelse."""
    return {
        "tiltak_id": draw(ODD), "hendelse_id": draw(ODD), "tiltak_navn": draw(TEKST), "tittel": draw(TEKST),
        "type": draw(st.sampled_from(HendelseType)), "ansvar": tuple(draw(st.lists(ODD, max_size=3))),
        "deltakere": tuple(draw(st.lists(ODD, max_size=2))), "kilde": draw(TEKST),
        "varsel": draw(st.integers(0, 365)), "antatt": draw(st.none() | TEKST), "tid": draw(TIDER),
        "slutt": draw(TIDER), "sted": draw(st.none() | TEKST), "ansvar_antatt": draw(st.none() | TEKST),
        "beskrivelse": draw(st.none() | TEKST),
    }  # fmt: skip


@st.composite
def oppfoelging(draw: st.DrawFn, f: Forekomst) -> Oppfoelging | None:
    if draw(st.booleans()):
        return None
    k = None
    if draw(st.booleans()):
        k = Kvittering(
            f.nokkel, KVITTERT, draw(st.none() | DATOER), av=draw(st.none() | TEKST),
            merknad=draw(st.none() | TEKST), lenke=draw(st.none() | ODD), registrert=draw(ODD),
        )  # fmt: skip
    return Oppfoelging(draw(st.sampled_from(Status)), f, kvittering=k)


@st.composite
def rader(draw: st.DrawFn) -> list[Rad]:
    """Rows of a few hendelser, mostly as expand makes them (id "tiltak.hendelse.dato",
    nøkkel "tiltak.hendelse.periode"), sometimes not; moved, assumed, signed off."""
    hendelser = draw(st.lists(hendelse_felter(), min_size=1, max_size=3))
    # Hendelser that differ in one field only.
    for _ in range(draw(st.integers(0, 3))):
        annen = draw(hendelse_felter())
        felt = draw(st.sampled_from(sorted(annen)))
        hendelser.append({**hendelser[0], felt: annen[felt]})
    result = []
    for _ in range(draw(st.integers(0, 10))):
        h = dict(draw(st.sampled_from(hendelser)))
        dato = draw(DATOER)
        periode = draw(st.sampled_from([dato.isoformat(), dato.isoformat()[:7], "engang", "2027-W05"]) | ODD)
        pre = f"{h['tiltak_id']}.{h['hendelse_id']}."
        if draw(st.integers(0, 3)) == 0:  # an inherited antatt
            h["antatt"] = draw(TEKST)
        f = Forekomst(
            id=pre + dato.isoformat() if draw(st.integers(0, 3)) else draw(ODD),
            nokkel=pre + periode if draw(st.integers(0, 3)) else draw(ODD),
            periode=periode, dato=dato, flyttet_fra=draw(st.none() | DATOER),
            flyttet_grunn=draw(st.none() | TEKST), **h,
        )  # fmt: skip
        rolle = draw(st.none() | st.sampled_from(Rolle))
        result.append(Rad(f, rolle, draw(st.integers(-(10**6), 10**6)), draw(st.booleans()), draw(oppfoelging(f))))
    return result


@given(rader())
def test_rows_are_forekomst_obj_dumped(data: list[Rad]) -> None:
    text = "".join(iter_rader(data))
    assert text == dumps([forekomst_obj(r.forekomst, r) for r in data])
    assert len(json.loads(text)) == len(data)


def test_forekomst_obj_keys_are_the_contract(real_plan: Any) -> None:
    """A row has exactly FOREKOMST_KEYS: a key added to forekomst_obj must be added there."""
    f = expand(real_plan, date(2027, 1, 1), date(2027, 2, 1))[0]
    assert FOREKOMST_KEYS == set(forekomst_obj(f, Rad(f, None, 0, False)))


def test_percent_and_nul_in_plan_text_stay_as_they_were() -> None:
    """Plan text with %s, %% or NUL is written as it is."""
    h = {"tiltak_id": "t%s", "hendelse_id": "h%%", "tiltak_navn": "100 %", "tittel": "%s\x00%d",
         "type": HendelseType.FRIST, "ansvar": ("%(x)s",), "deltakere": (), "kilde": "%", "varsel": 14}  # fmt: skip
    data = [
        Rad(Forekomst(id=f"t%s.h%%.{d.isoformat()}", nokkel="t%s.h%%.2027-03", periode="2027-03", dato=d, **h),
            Rolle.DELTAR, i, bool(i % 2))  # fmt: skip
        for i, d in enumerate([date(2027, 3, 1), date(2027, 3, 31)])
    ]
    text = "".join(iter_rader(data))
    assert text == dumps([forekomst_obj(r.forekomst, r) for r in data])
    assert json.loads(text)[1]["tittel"] == "%s\x00%d" and json.loads(text)[1]["id"] == "t%s.h%%.2027-03-31"


def test_hendelser_that_differ_in_one_field_each_say_their_own() -> None:
    h: dict[str, Any] = {"tiltak_id": "t", "hendelse_id": "h", "tiltak_navn": "T", "tittel": "Møte",
                         "type": HendelseType.FRIST, "ansvar": ("a",), "deltakere": (), "kilde": "1", "varsel": 14}  # fmt: skip
    andre = {"tiltak_id": "u", "hendelse_id": "i", "tiltak_navn": "U", "tittel": "Frist", "type": HendelseType.MOTE,
             "ansvar": ("b",), "deltakere": ("c",), "kilde": "2", "varsel": 3, "antatt": "antatt",
             "tid": time(9), "slutt": time(10), "sted": "Her", "ansvar_antatt": "kanskje"}  # fmt: skip
    d = date(2027, 3, 1)
    for felt, verdi in andre.items():
        data = [
            Rad(Forekomst(id=f"{x['tiltak_id']}.{x['hendelse_id']}.{d}", nokkel=f"{x['tiltak_id']}.{x['hendelse_id']}.2027-03",
                          periode="2027-03", dato=d, **x), None, 0, False)  # fmt: skip
            for x in (h, {**h, felt: verdi})
        ]
        assert "".join(iter_rader(data)) == dumps([forekomst_obj(r.forekomst, r) for r in data]), felt


def test_a_replaced_forekomst_is_written_with_its_own_fields(real_plan: Any) -> None:
    """A forekomst from expand and a copy of it with another tittel, side by side: each
    row says its own tittel."""
    from dataclasses import replace

    f, g = expand(real_plan, date(2026, 8, 1), date(2027, 8, 1))[:2]
    endret = replace(f, tittel="Endret tittel")
    assert replace(f) == f and hash(replace(f)) == hash(f)
    data = [Rad(x, None, i, False) for i, x in enumerate([f, endret, g, f])]
    text = "".join(iter_rader(data))
    assert text == dumps([forekomst_obj(r.forekomst, r) for r in data])
    assert [o["tittel"] for o in json.loads(text)][:2] == [f.tittel, "Endret tittel"]


def test_rows_with_a_move_a_role_or_an_early_warning_mixed(real_plan: Any) -> None:
    """Plain rows and rows with a moved date, a role, an early warning or a follow-up,
    mixed: the text json.dumps gives."""
    from dataclasses import replace

    forekomster = expand(real_plan, date(2026, 8, 1), date(2027, 8, 1))
    flyttet = [f for f in forekomster if f.flyttet_fra is not None]
    assert flyttet, "the shipped plan moves some dates off days off"
    f = forekomster[0]
    data = [
        Rad(f, None, 3, False),
        Rad(f, Rolle.DELTAR, 3, False),
        Rad(f, None, 3, True),
        Rad(flyttet[0], None, 1, False),
        Rad(f, None, 3, False, oppfoelging=Oppfoelging(Status.KOMMENDE, f)),
        replace(Rad(f, None, 3, False)),
    ]
    text = "".join(iter_rader(data))
    assert text == dumps([forekomst_obj(r.forekomst, r) for r in data])
