"""JSON for scripts: a stable contract, documented in README.md under "JSON-format".

`next` and `calendar` give an array of forekomst objects with exactly the keys of
FOREKOMST_KEYS; keys are only ever added (and documented), never renamed or removed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

from aarshjul.model import Forekomst, Plan
from aarshjul.render.common import UNSAFE
from aarshjul.select import Rad, TiltakStatus

FOREKOMST_KEYS = frozenset({
    # the contract from issue 3
    "id", "dato", "tid", "tiltak", "tiltak_navn", "hendelse", "tittel", "type", "ansvar",
    "deltakere", "rolle", "antatt", "kilde", "varsel",
    # added and documented in README.md
    "slutt", "flyttet_fra", "tidlig_varsel", "dager_igjen", "nokkel",
    "antatt_grunn", "flyttet_grunn", "ansvar_antatt",
    "status", "utfort",  # issue 13: follow-up
})  # fmt: skip

# json.dumps escapes C0 control characters but leaves DEL, C1 (\x9b is a CSI in some
# terminals), invisible and bidi characters, and lone surrogates (which are not UTF-8).
# Escaping them too (render.common.UNSAFE, the list every format uses) keeps the JSON
# identical as data and harmless on a screen (issue 16).


def _json_escape(m: re.Match[str]) -> str:
    o = ord(m.group())
    if o < 0x10000:
        return f"\\u{o:04x}"
    o -= 0x10000
    return f"\\u{0xD800 + (o >> 10):04x}\\u{0xDC00 + (o & 0x3FF):04x}"


def dumps(data: Any) -> str:
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, indent=2)
    return UNSAFE.sub(_json_escape, text) + "\n"


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


def render_rader(rader: Sequence[Rad]) -> str:
    """`next` and `calendar`: one object per forekomst, in the order shown."""
    return dumps([forekomst_obj(r.forekomst, r) for r in rader])


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
