"""JSON for scripts: a stable contract, documented in README.md under "JSON-format".

`next` and `calendar` give an array of forekomst objects with exactly the keys of
FOREKOMST_KEYS; keys are only ever added (and documented), never renamed or removed.

The array is written row by row (`iter_rader`), with the same bytes as
`json.dumps(..., ensure_ascii=False, sort_keys=True, indent=2)` gives for the whole list:
with `indent` set, json.dumps falls back to its pure-Python encoder and builds the whole
document in memory (issue 17: ~5 KiB per forekomst, ~10x the output). Each row is
formatted here instead, with the C string encoder for every string, so memory is bounded
by the forekomster, not by the text, and the output starts before the last row is done.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from json.encoder import encode_basestring  # the C one when _json is there (CPython)
from operator import attrgetter
from typing import Any

from aarshjul.engine.select import Rad, TiltakStatus
from aarshjul.model import Forekomst, Plan
from aarshjul.render.common import escape_unsafe

FOREKOMST_KEYS = frozenset({
    # the contract from issue 3
    "id", "dato", "tid", "tiltak", "tiltak_navn", "hendelse", "tittel", "type", "ansvar",
    "deltakere", "rolle", "antatt", "kilde", "varsel",
    # added and documented in README.md
    "slutt", "flyttet_fra", "tidlig_varsel", "dager_igjen", "nokkel",
    "antatt_grunn", "flyttet_grunn", "ansvar_antatt", "sted",
    "status", "utfort",  # issue 13: follow-up
})  # fmt: skip

# json.dumps escapes C0 control characters but leaves DEL, C1 (\x9b is a CSI in some
# terminals), invisible and bidi characters, and lone surrogates (which are not UTF-8).
# Escaping them too (render.common.escape_unsafe, the list every format uses) keeps the JSON
# identical as data and harmless on a screen (issue 16).


def _json_escape(ch: str) -> str:
    o = ord(ch)
    if o < 0x10000:
        return f"\\u{o:04x}"
    o -= 0x10000
    return f"\\u{0xD800 + (o >> 10):04x}\\u{0xDC00 + (o & 0x3FF):04x}"


def _escape(text: str) -> str:
    return escape_unsafe(text, _json_escape)


def dumps(data: Any) -> str:
    return _escape(json.dumps(data, ensure_ascii=False, sort_keys=True, indent=2)) + "\n"


def forekomst_obj(f: Forekomst, rad: Rad | None = None) -> dict[str, Any]:
    return {
        "id": f.id,
        "nokkel": f.nokkel,
        "dato": f.dato.isoformat(),
        "tid": f.tid.strftime("%H:%M") if f.tid else None,
        "slutt": f.slutt.strftime("%H:%M") if f.slutt else None,
        "tiltak": f.tiltak_id,
        "tiltak_navn": f.tiltak_navn,
        "hendelse": f.hendelse_id,
        "tittel": f.tittel,
        "type": f.type.value,
        "ansvar": list(f.ansvar),
        "deltakere": list(f.deltakere),
        "rolle": rad.rolle.value if rad is not None and rad.rolle is not None else None,
        "antatt": f.antatt is not None,
        "kilde": f.kilde,
        "varsel": f.varsel,
        "flyttet_fra": f.flyttet_fra.isoformat() if f.flyttet_fra else None,
        "flyttet_grunn": f.flyttet_grunn,
        "antatt_grunn": f.antatt,
        "ansvar_antatt": f.ansvar_antatt,
        "sted": f.sted,
        "tidlig_varsel": rad.tidlig_varsel if rad is not None else False,
        "dager_igjen": rad.dager_igjen if rad is not None else None,
        **oppfoelging_obj(rad),
    }


def oppfoelging_obj(rad: Rad | None) -> dict[str, Any]:
    """"status" (utført, forfalt, kommende, passert; null without follow-up) and "utfort"
    (the sign-off in force: dato, av, merknad, lenke, registrert; else null)."""
    o = rad.oppfoelging if rad is not None else None
    if o is None:
        return {"status": None, "utfort": None}
    k = o.kvittering
    utfort = None
    if k is not None:
        utfort = {"dato": k.utfort.isoformat() if k.utfort else None, "av": k.av, "merknad": k.merknad,
                  "lenke": k.lenke, "registrert": k.registrert}  # fmt: skip
    return {"status": o.status.value, "utfort": utfort}


# --- row by row ----------------------------------------------------------------------

# Rows per chunk that iter_rader yields: big enough that writing costs nothing per row,
# small enough that a chunk stays around 100 KiB.
CHUNK_RADER = 200
# Plan text repeats on every forekomst of a hendelse (the same str object), so its
# encoded form is kept; the bound keeps memory flat when every string is new.
_CACHE_MAKS = 4096
_str_cache: dict[str, str] = {}


def _enc_str(s: str) -> str:
    """A JSON string literal as json.dumps(ensure_ascii=False) writes it, unsafe characters escaped."""
    if s.isascii():  # O(1) in CPython; C0 is escaped by the encoder, so only DEL is left
        return encode_basestring(s) if "\x7f" not in s else _escape(encode_basestring(s))
    e = _str_cache.get(s)
    if e is None:
        if len(_str_cache) >= _CACHE_MAKS:
            _str_cache.clear()
        e = _str_cache[s] = _escape(encode_basestring(s))
    return e


def _enc_liste(v: list[Any]) -> str:
    if not v:
        return "[]"
    if all(type(x) is str for x in v):
        return "[\n      " + ",\n      ".join([_enc_str(x) for x in v]) + "\n    ]"
    return _enc_annet(v)


def _enc_annet(v: Any) -> str:
    """Any other value: json.dumps at nesting level 2 (inside a row inside the array)."""
    return _escape(json.dumps(v, ensure_ascii=False, sort_keys=True, indent=2)).replace("\n", "\n    ")


_ENC: dict[type, Callable[[Any], str]] = {
    str: _enc_str,
    bool: lambda v: "true" if v else "false",
    int: int.__repr__,
    type(None): lambda v: "null",
    list: _enc_liste,
}
_NOEKKEL: dict[str, str] = {}  # '    "key": ' per key


def _rad_tekst(obj: dict[str, Any], hull: dict[str, str] | None = None) -> str:
    """One object of the array, indented as json.dumps(indent=2) does at level 1; with
    hull, the keys in it get that text instead of their value's."""
    deler = []
    for k in sorted(obj):
        prefix = _NOEKKEL.get(k)
        if prefix is None:
            prefix = _NOEKKEL[k] = f"    {_enc_str(k)}: "
        if hull is not None and k in hull:
            deler.append(prefix + hull[k])
            continue
        v = obj[k]
        deler.append(prefix + _ENC.get(type(v), _enc_annet)(v))
    if not deler:
        return "  {}"
    return "  {\n" + ",\n".join(deler) + "\n  }"


def _chunks(tekster: Iterable[str]) -> Iterator[str]:
    """The rows' texts as one JSON array, CHUNK_RADER rows per chunk."""
    chunk: list[str] = []
    first = True
    for tekst in tekster:
        chunk.append(tekst)
        if len(chunk) >= CHUNK_RADER:
            yield ("[\n" if first else ",\n") + ",\n".join(chunk)
            first = False
            chunk = []
    if chunk:
        yield ("[\n" if first else ",\n") + ",\n".join(chunk)
        first = False
    yield "[]\n" if first else "\n]\n"


def iter_objekter(objekter: Iterable[dict[str, Any]]) -> Iterator[str]:
    """A JSON array of flat objects, in chunks; joined, the same text as dumps(list)."""
    return _chunks(_rad_tekst(obj) for obj in objekter)


# --- the rows of next/calendar, from a template per hendelse ---------------------------
#
# Most of a forekomst object is the same for every forekomst of a hendelse. For each
# distinct set of those values, forekomst_obj (the one definition of the keys) is encoded
# once by _rad_tekst into a template: the text between the holes the keys below leave; a
# row is then the template's pieces with the few values that are its own between them,
# joined once per chunk (issue 17: about 4x faster than a dict and _rad_tekst per row).
# The text is the same: a string's JSON is the JSON of its characters one by one, so
# "prefix" + "suffix" may be encoded in two parts. Rows that are not as expand makes them
# (another id or nøkkel) are encoded in full.

# The keys whose values a row fills in, in sorted order (the order of the holes).
_PER_RAD = ("dager_igjen", "dato", "flyttet_fra", "flyttet_grunn", "id", "nokkel", "rolle", "status",
            "tidlig_varsel", "utfort")  # fmt: skip
# The keys that come from the hendelse: _mal_key reads every Forekomst field they use.
_PER_HENDELSE = ("ansvar", "ansvar_antatt", "antatt", "antatt_grunn", "deltakere", "hendelse", "kilde",
                 "slutt", "sted", "tid", "tiltak", "tiltak_navn", "tittel", "type", "varsel")  # fmt: skip
_HULL = "\0"  # stands for a hole while the template is built (json.dumps escapes NUL)
_MAKS_MALER = 65536  # a bound, for rows that share nothing
# What the _PER_HENDELSE values of a forekomst are computed from, as one tuple.
_mal_key = attrgetter("tiltak_id", "hendelse_id", "tittel", "tiltak_navn", "type", "ansvar", "deltakere",
                      "kilde", "varsel", "tid", "slutt", "sted", "ansvar_antatt", "antatt")  # fmt: skip


class _Mal:
    """A hendelse's row template: the 11 pieces between the holes of _PER_RAD, those
    pieces joined over the holes a plain row fills with null/false (vanlig: no move, no
    role, no follow-up, not an early deadline), and the prefix of id and nøkkel."""

    __slots__ = ("deler", "vanlig", "pre")

    def __init__(self, deler: tuple[str, ...], pre: str) -> None:
        self.deler = deler
        self.pre = pre
        m = deler
        # dager_igjen, dato, [flyttet_fra, flyttet_grunn], id, nokkel, [rolle, status,
        # tidlig_varsel, utfort]: the bracketed holes are constants in a plain row.
        self.vanlig = (m[0], m[1], m[2] + "null" + m[3] + "null" + m[4], m[5],
                       m[6] + "null" + m[7] + "null" + m[8] + "false" + m[9] + "null" + m[10])  # fmt: skip


def _lag_mal(f: Forekomst, rad: Rad) -> _Mal | None:
    """The template for the forekomster that share f's _mal_key, or None when
    forekomst_obj has keys this module does not know (then every row is encoded in full)."""
    obj = forekomst_obj(f, rad)
    if sorted(obj) != sorted(_PER_RAD + _PER_HENDELSE):
        return None
    pre = f"{f.tiltak_id}.{f.hendelse_id}."  # id and nøkkel: "tiltak.hendelse." + date or periode
    hull = dict.fromkeys(_PER_RAD, _HULL)
    hull["dato"] = f'"{_HULL}"'  # an isoformat() needs no escaping
    hull["id"] = hull["nokkel"] = _enc_str(pre)[:-1] + _HULL + '"'
    deler = tuple(_rad_tekst(obj, hull).split(_HULL))
    assert len(deler) == len(_PER_RAD) + 1
    return _Mal(deler, pre)


def _suffiks(s: str, pre: str) -> str | None:
    """s's JSON text after the prefix pre, without quotes; None when s does not start with pre."""
    if not s.startswith(pre):
        return None
    return _enc_str(s[len(pre) :])[1:-1]


def _enc(v: Any) -> str:
    return _ENC.get(type(v), _enc_annet)(v)


def iter_rader(rader: Iterable[Rad]) -> Iterator[str]:
    """`next` and `calendar`, streamed: one object per forekomst, in the order shown.

    Joined, the chunks are iter_objekter(forekomst_obj(r.forekomst, r) for r in rader):
    each row is put after "[\\n" (the first) or ",\\n", CHUNK_RADER rows to a chunk.
    """
    tom = True
    for chunk in _rader_uten_ramme(rader):
        yield "[\n" + chunk if tom else chunk
        tom = False
    yield "[]\n" if tom else "\n]\n"


def _rader_uten_ramme(rader: Iterable[Rad]) -> Iterator[str]:
    """The rows of iter_rader without the brackets around them: the first row as it is,
    every other after ",\\n"."""
    maler: dict[tuple[Any, ...], _Mal | None] = {}
    perioder: dict[str, str] = {}  # periode -> its JSON text without quotes
    deler: list[str] = []  # the chunk's pieces
    i = 0  # rows in the chunk
    sep = ""
    for rad in rader:
        f = rad.forekomst
        key = _mal_key(f)
        try:
            mal = maler[key]
        except KeyError:
            if len(maler) >= _MAKS_MALER:
                maler.clear()
            mal = maler[key] = _lag_mal(f, rad)
        dager = rad.dager_igjen
        tidlig = rad.tidlig_varsel
        id_rest = nk_rest = None
        if mal is not None and type(dager) is int and type(tidlig) is bool:
            pre = mal.pre
            dato = f.dato.isoformat()
            # As expand makes them: id is prefix + dato, nøkkel prefix + periode; checked.
            id_rest = dato if f.id == pre + dato else _suffiks(f.id, pre)
            periode = f.periode
            if f.nokkel == pre + periode:
                nk_rest = perioder.get(periode)
                if nk_rest is None:
                    nk_rest = perioder[periode] = _enc_str(periode)[1:-1]
            else:
                nk_rest = _suffiks(f.nokkel, pre)
        if id_rest is None or nk_rest is None:
            deler += (sep, _rad_tekst(forekomst_obj(f, rad)))
        elif (
            rad.oppfoelging is None and f.flyttet_fra is None and f.flyttet_grunn is None and rad.rolle is None
            and not tidlig
        ):  # fmt: skip
            v = mal.vanlig  # type: ignore[union-attr]
            deler += (sep, v[0], str(dager), v[1], dato, v[2], id_rest, v[3], nk_rest, v[4])
        else:
            m = mal.deler  # type: ignore[union-attr]
            if rad.oppfoelging is None:
                status = utfort = "null"
            else:
                oo = oppfoelging_obj(rad)
                status, utfort = _enc(oo["status"]), _enc(oo["utfort"])
            fra = f.flyttet_fra
            grunn = f.flyttet_grunn
            r = rad.rolle
            deler += (
                sep, m[0], str(dager), m[1], dato, m[2],
                "null" if fra is None else f'"{fra.isoformat()}"', m[3],
                "null" if grunn is None else _enc_str(grunn), m[4],
                id_rest, m[5], nk_rest, m[6],
                "null" if r is None else _enc_str(r.value), m[7],
                status, m[8], "true" if tidlig else "false", m[9], utfort, m[10],
            )  # fmt: skip
        sep = ",\n"
        i += 1
        if i >= CHUNK_RADER:
            yield "".join(deler)
            deler = []
            i = 0
    if deler:
        yield "".join(deler)


def render_rader(rader: Sequence[Rad]) -> str:
    """`next` and `calendar`: one object per forekomst, in the order shown."""
    return "".join(iter_rader(rader))


def render_tiltak(plan: Plan, statuser: Sequence[TiltakStatus]) -> str:
    return dumps([
        {
            "id": s.tiltak.id,
            "navn": s.tiltak.navn,
            "kilde": s.tiltak.kilde,
            "sone": s.tiltak.sone.value if s.tiltak.sone else None,
            "ansvar": list(s.tiltak.ansvar),
            "deltakere": list(s.tiltak.deltakere),
            "rolle": s.rolle.value if s.rolle else None,
            "neste": forekomst_obj(s.neste.forekomst, s.neste) if s.neste else None,
            "venter_paa_dato": [
                {"hendelse": v.hendelse_id, "tittel": v.tittel, "dato": v.dato_id,
                 "dato_navn": v.dato_navn, "innen": v.innen_tekst}
                for v in s.ventende
            ],  # fmt: skip
            "uten_dato": [
                {"id": u.id, "tittel": u.tittel, "ansvar": list(u.ansvar), "deltakere": list(u.deltakere),
                 "kilde": u.kilde, "beskrivelse": u.beskrivelse, "ansvar_antatt": u.ansvar_antatt,
                 "rolle": r.value if r else None}
                for u, r in s.uten_dato
            ],  # fmt: skip
        }
        for s in statuser
    ])


def render_virksomheter(plan: Plan) -> str:
    return dumps([
        {
            "id": key,
            "navn": v.navn,
            "aliaser": list(v.aliaser),
            "leder": v.leder,
            "ekstern": v.ekstern,
            "medlemmer": list(v.medlemmer),
        }
        for key, v in plan.virksomheter.items()
    ])
