"""JSON for scripts: a stable contract, documented in README.md under "JSON-format".

`next` and `calendar` give an array of forekomst objects with exactly the keys of
FOREKOMST_KEYS; keys are only ever added (and documented), never renamed or removed.

The array is written row by row (`iter_rader`), with the same bytes as
`json.dumps(..., ensure_ascii=False, sort_keys=True, indent=2)` gives for the whole list:
a long `next` starts writing before its last row is made and never holds the whole text.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from aarshjul.engine.select import Rad, TiltakStatus
from aarshjul.model import Forekomst, Plan
from aarshjul.render.common import escape_unsafe

FOREKOMST_KEYS = frozenset({
    # the first contract
    "id", "dato", "tid", "tiltak", "tiltak_navn", "hendelse", "tittel", "type", "ansvar",
    "deltakere", "rolle", "antatt", "kilde", "varsel",
    # added and documented in README.md
    "slutt", "flyttet_fra", "tidlig_varsel", "dager_igjen", "nokkel",
    "antatt_grunn", "flyttet_grunn", "ansvar_antatt", "sted",
    "status", "utfort",  # follow-up, when sign-offs are in use
    "deltakere_antatt", "lagt_til", "etter_planperioden",
    "sluttdato",  # a vindu's last day (docs/json.md)
})  # fmt: skip

# json.dumps escapes C0 control characters but leaves DEL, C1 (\x9b is a CSI in some
# terminals), invisible and bidi characters, and lone surrogates (which are not UTF-8).
# Escaping them too (render.common.escape_unsafe, the list every format uses) keeps the JSON
# identical as data and harmless on a screen.


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
        "sluttdato": f.sluttdato.isoformat() if f.sluttdato else None,
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
        "deltakere_antatt": f.deltakere_antatt,
        "lagt_til": f.lagt_til,
        "etter_planperioden": f.etter_planperioden,
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


def _rad_tekst(obj: dict[str, Any]) -> str:
    """One object of the array as dumps(list) writes it: json.dumps(indent=2) indents a
    nested object by two more spaces on every line, and no JSON string holds a raw newline."""
    return _escape("  " + json.dumps(obj, ensure_ascii=False, sort_keys=True, indent=2).replace("\n", "\n  "))


def iter_objekter(objekter: Iterable[dict[str, Any]]) -> Iterator[str]:
    """A JSON array of objects, one object at a time; joined, the text dumps(list) gives."""
    sep = "[\n"
    for obj in objekter:
        yield sep + _rad_tekst(obj)
        sep = ",\n"
    yield "[]\n" if sep == "[\n" else "\n]\n"


def iter_rader(rader: Iterable[Rad]) -> Iterator[str]:
    """`next` and `calendar`, streamed: one object per forekomst, in the order shown."""
    return iter_objekter(forekomst_obj(r.forekomst, r) for r in rader)


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
            "ansvar_antatt": s.tiltak.ansvar_antatt,
            "deltakere_antatt": s.tiltak.deltakere_antatt,
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
