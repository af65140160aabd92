"""A JSON Schema (draft 2020-12) for plan.yaml, for editors that validate as you type.

One source of truth: the keys, and which are required, come from the loader's own key
tuples (plan.py, naar.py), so a key the loader accepts is in the schema and an unknown
key is rejected by both. This module adds only what each value looks like (text, a
date, a list of months ...). A key without a description here is still listed, with
any value allowed: the loader stays the judge of values.

The schema describes the file as an editor's YAML 1.2 parser reads it: `15` is a number,
`09:00` and `ja` are text. `aarshjul schema` prints it; VS Code's YAML extension reads
`# yaml-language-server: $schema=plan.schema.json` at the top of plan.yaml.
"""

from __future__ import annotations

from typing import Any

from aarshjul.dates import MAANEDER, UKEDAGER
from aarshjul.model import Flytt, HendelseType, Kvitteringsform, Sone
from aarshjul.plan import loader as plan
from aarshjul.plan import naar

SCHEMA_URI = "https://json-schema.org/draft/2020-12/schema"
_ID = {"type": "string", "pattern": r"^[a-z0-9][a-z0-9_-]*$"}
_TEKST = {"type": "string", "minLength": 1}
_DATO = {"type": "string", "pattern": r"^\s*(\d{4}-\d{1,2}-\d{1,2}|\d{1,2}\.\d{1,2}\.\d{4})\s*$",
         "description": "En dato: dd.mm.åååå (01.03.2027) eller åååå-mm-dd."}  # fmt: skip
_HELTALL = {"type": "integer", "minimum": 0}
_JA_NEI = {"enum": ["ja", "nei", "Ja", "Nei", "true", "false", True, False]}
_KVITTERING = {
    "enum": [k.value for k in Kvitteringsform],
    "description": "hver: hver virksomhet i ansvar kvitterer for sin del; felles: én kvittering for alle.",
}


def _tekst_liste(item: dict[str, Any]) -> dict[str, Any]:
    """A list, or one value standing for a list of one (as the loader reads it)."""
    return {"anyOf": [{"type": "array", "items": item}, item]}


def _verdier(values: list[str]) -> list[str]:
    """Enum values as written and in the ASCII spelling the loader also accepts."""
    out: list[str] = []
    for v in values:
        for form in (v, v.replace("å", "a").replace("ø", "o").replace("æ", "ae")):
            if form not in out:
                out.append(form)
    return out


_MAANED = {"enum": [*MAANEDER, *(m.capitalize() for m in MAANEDER)], "description": "januar … desember"}
_UKEDAG = {"enum": _verdier([*UKEDAGER, *(d.capitalize() for d in UKEDAGER)])}
_MAANEDER = _tekst_liste(_MAANED)
_REFS = _tekst_liste(_ID)

_PLAN = {
    "navn": _TEKST, "kommune": _TEKST, "kortnavn": _TEKST, "url": _TEKST,
    "periode_fra": _DATO, "periode_til": _DATO, "videreført": _TEKST, "videreført_antatt": _TEKST,
    "uid_domene": {"type": "string", "pattern": r"^[A-Za-z0-9.-]+$"},
    "stengte_dager": _tekst_liste({"type": "string"}),
    "ferier": {"type": "array", "items": {"$ref": "#/$defs/ferie"}},
    "ferier_fil": {"anyOf": [_TEKST, _tekst_liste(_TEKST)]},
    "ferier_gjelder": _REFS,
    "rapport_tittel": _TEKST, "ledelse": _TEKST,
}  # fmt: skip
_FERIE = {"navn": _TEKST, "fra": _DATO, "til": _DATO,
          "uker": _tekst_liste({"type": "integer", "minimum": 1, "maximum": 53})}  # fmt: skip
_VIRKSOMHET = {"navn": _TEKST, "aliaser": _tekst_liste(_TEKST), "leder": _TEKST, "ekstern": _JA_NEI,
               "medlemmer": _REFS, "kvittering": _KVITTERING}  # fmt: skip
_DATO_OPPFOERING = {"navn": _TEKST, "dato": {"anyOf": [_DATO, {"type": "null"}]}}
_TILTAK = {
    "id": _ID, "navn": _TEKST, "kilde": {"type": ["string", "number"]},
    "sone": {"enum": _verdier([s.value for s in Sone])}, "beskrivelse": _TEKST,
    "ansvar": _REFS, "deltakere": _REFS,
    "hendelser": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/hendelse"}},
    "uten_evaluering": _TEKST, "ansvar_antatt": _TEKST, "deltakere_antatt": _TEKST, "kvittering": _KVITTERING,
}  # fmt: skip
_HENDELSE = {
    "id": _ID, "tittel": _TEKST, "type": {"enum": _verdier([t.value for t in HendelseType])},
    "når": {"$ref": "#/$defs/naar"}, "antatt": _TEKST,
    "tid": {"type": "string", "pattern": r"^\s*\d{1,2}[:.]\d{2}(\s*[-–]\s*\d{1,2}[:.]\d{2})?\s*$"},
    "varsel": {"type": "integer", "minimum": 0, "maximum": 365},
    "flytt": {"enum": _verdier([f.value for f in Flytt])},
    "ansvar": _REFS, "deltakere": _REFS, "kilde": {"type": ["string", "number"]}, "beskrivelse": _TEKST,
    "gyldig_fra": _DATO, "gyldig_til": _DATO,
    "minimum_per_år": {"type": "integer", "minimum": 1, "maximum": 366},
    "sted": _TEKST, "unngå_ferier": _JA_NEI, "ansvar_antatt": _TEKST,
    "deltakere_antatt": _TEKST, "lagt_til": _TEKST, "kvittering": _KVITTERING,
}  # fmt: skip
_AARSDAG = {"type": "string", "pattern": r"^\s*\d{1,2}\.\d{1,2}\.?\s*$"}
_NAAR = {
    "måneder": _MAANEDER, "innen_utgangen_av": _MAANEDER, "unntatt_måneder": _MAANEDER,
    "dag": {"type": ["string", "integer"], "description": "15, «siste dag», «første tirsdag» … (med uker: en ukedag)"},
    "hvert_år": {"type": "integer", "minimum": 1, "maximum": 10},
    "startår": {"type": "integer", "minimum": 1900, "maximum": 2200},
    "startskoleår": {"type": "string", "pattern": r"^\s*\d{4}\s*/\s*\d{2,4}\s*$"},
    "ukentlig": _UKEDAG, "dato": _DATO,
    "etter": {"type": "string", "description": "En hendelse-id (tiltak.hendelse) eller en dag i året, \"15.08\""},
    "etter_dato": _ID, "innen": _TEKST, "rrule": _TEKST, "start": _DATO,
    "uker": _tekst_liste({"type": "integer", "minimum": 1, "maximum": 53}),
    "fra_uke": {"type": "integer", "minimum": 1, "maximum": 53},
    "til_uke": {"type": "integer", "minimum": 1, "maximum": 53},
    "fra": {**_AARSDAG, "description": "Dag.måned hvert år, \"01.05\""},
    "til": {**_AARSDAG, "description": "Dag.måned hvert år, \"12.06\""},
}  # fmt: skip
# Dates relative to the ferier: the ferie's name as the plan has it (ferier, ferier_fil).
_NAAR["før_ferie"] = _NAAR["etter_ferie"] = {
    **_TEKST, "description": "Navnet på en ferie i planen, f.eks. Høstferie: siste skoledag før (første etter) den",
}


def _objekt(keys: tuple[str, ...], required: tuple[str, ...], values: dict[str, Any]) -> dict[str, Any]:
    schema: dict[str, Any] = {
        "type": "object",
        "properties": {k: values.get(k, {}) for k in keys},
        "additionalProperties": False,
    }
    if required:
        schema["required"] = list(required)
    return schema


def plan_schema() -> dict[str, Any]:
    """The JSON Schema for plan.yaml, built from the loader's key tuples."""
    naar_schema = _objekt(naar.NAAR_KEYS, (), _NAAR)
    naar_schema["oneOf"] = [{"required": [form]} for form in naar.NAAR_FORMS]
    return {
        "$schema": SCHEMA_URI,
        "$id": "https://aarshjul.invalid/plan.schema.json",
        "title": "plan.yaml (aarshjul)",
        "description": "En kommunes handlingsplan som årshjul: se docs/plan-format.md.",
        **_objekt(plan._TOP_KEYS, plan._TOP_REQUIRED, {
            "plan": {"$ref": "#/$defs/plan"},
            "virksomheter": {"type": "object", "propertyNames": _ID, "minProperties": 1,
                             "additionalProperties": {"$ref": "#/$defs/virksomhet"}},
            "datoer": {"type": ["object", "null"], "propertyNames": _ID,
                       "additionalProperties": {"$ref": "#/$defs/dato"}},
            "tiltak": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/tiltak"}},
        }),  # fmt: skip
        "$defs": {
            "plan": _objekt(plan._PLAN_KEYS, plan._PLAN_REQUIRED, _PLAN),
            "ferie": _objekt(plan._FERIE_KEYS, plan._FERIE_REQUIRED, _FERIE),
            "virksomhet": _objekt(plan._VIRKSOMHET_KEYS, plan._VIRKSOMHET_REQUIRED, _VIRKSOMHET),
            "dato": _objekt(plan._DATO_KEYS, plan._DATO_KEYS, _DATO_OPPFOERING),
            "tiltak": _objekt(plan._TILTAK_KEYS, plan._TILTAK_REQUIRED, _TILTAK),
            "hendelse": _objekt(plan._HENDELSE_KEYS, plan._HENDELSE_REQUIRED, _HENDELSE),
            "naar": naar_schema,
        },
    }
