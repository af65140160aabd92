"""Shared wording for every renderer, so `next`, the digest, ICS and SVG say things alike."""

from __future__ import annotations

import re
from datetime import date, time

from aarshjul.dates import MAANEDER, UKEDAGER, format_dato
from aarshjul.model import Forekomst, HendelseType, Plan, Rolle, Ventende

# C0/C1 control characters other than newline and tab: plan text must never move the
# cursor, change colours or ring the bell in someone's terminal.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def sanitize(tekst: str) -> str:
    """Show control characters escaped (\\x1b) instead of letting a terminal act on them."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", tekst)


def one_line(tekst: str) -> str:
    return " ".join(sanitize(tekst).split())


TYPE_NAVN = {
    HendelseType.MOTE: "Møte",
    HendelseType.AKTIVITET: "Aktivitet",
    HendelseType.FRIST: "Frist",
    HendelseType.EVALUERING: "Evaluering",
}
ROLLE_NAVN = {Rolle.ANSVARLIG: "ansvarlig", Rolle.DELTAR: "deltar"}


def virksomhet_navn(plan: Plan, key: str) -> str:
    v = plan.virksomheter.get(key)
    return v.navn if v is not None else key


def virksomheter_tekst(plan: Plan, keys: tuple[str, ...]) -> str:
    return ", ".join(virksomhet_navn(plan, k) for k in keys)


def klokke(tid: time | None, slutt: time | None) -> str:
    if tid is None:
        return ""
    return tid.strftime("%H:%M") + (f"–{slutt.strftime('%H:%M')}" if slutt else "")


def dager_igjen_tekst(dager: int) -> str:
    if dager == 0:
        return "i dag"
    if dager == 1:
        return "i morgen"
    if dager < 0:
        return f"{-dager} dager siden"
    return f"om {dager} dager"


def hva(f: Forekomst) -> str:
    """"SAMBA – SAMBA-møte": tiltak and hendelse, on one line, safe for a terminal."""
    return f"{one_line(f.tiltak_navn)} – {one_line(f.tittel)}"


def flyttet_tekst(f: Forekomst) -> str | None:
    """"flyttet fra 01.01.2019 (nyttårsdag; 31.12 er stengt etter kommunens praksis)"."""
    if f.flyttet_fra is None:
        return None
    grunn = f" ({one_line(f.flyttet_grunn)})" if f.flyttet_grunn else ""
    return f"flyttet fra {format_dato(f.flyttet_fra)}{grunn}"


def _lowercase_first(tekst: str) -> str:
    """"Aktivitetshuset er i drift" -> "aktivitetshuset ..."; "NAV har ..." stays."""
    return tekst[:1].lower() + tekst[1:] if tekst[1:2].islower() else tekst


def ventende_naar(v: Ventende) -> str:
    """When a waiting hendelse is due, as a leader would say it: "når aktivitetshuset er
    i drift" (no offset) or "1 år etter at kommunepsykolog-stillingen er besatt"."""
    hendelse = _lowercase_first(one_line(v.dato_navn))
    innen = one_line(v.innen_tekst)
    if innen.split(" ", 1)[0] in ("0", "null"):
        return f"når {hendelse}"
    return f"{innen} etter at {hendelse}"


# A kilde that begins with a chapter of the plan: "7.3", "4.1.4 og kap. 11", "kapittel 11",
# "kap. 9". Not "15-1" (a section of a law) or a year range.
_KAPITTEL_TALL = re.compile(r"^\d+(?:\.\d+)*(?![\d\-–])")
_KAPITTEL_ORD = re.compile(r"^kap(?:ittel|\.)?\s*\d", re.IGNORECASE)


def kilde_tekst(kilde: str) -> str:
    """The kilde as a reader sees it: "Kapittel 7.3 i planen" for a chapter reference,
    otherwise as the plan wrote it ("Barnevernsloven § 15-1"). One line, terminal-safe."""
    tekst = one_line(kilde)
    if _KAPITTEL_TALL.match(tekst):
        return f"Kapittel {tekst} i planen"
    if _KAPITTEL_ORD.match(tekst):
        return f"{tekst[0].upper()}{tekst[1:]} i planen"
    return tekst


def dato_lang(d: date) -> str:
    """"tirsdag 1. desember 2026"."""
    return f"{UKEDAGER[d.weekday()]} {d.day}. {MAANEDER[d.month - 1]} {d.year}"
