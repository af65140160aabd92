"""Shared wording for every renderer, so `next`, the digest, ICS and SVG say things alike."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import date, time
from functools import cache
from typing import TYPE_CHECKING

from aarshjul.dates import MAANEDER, UKEDAGER, format_dato
from aarshjul.model import Forekomst, HendelseType, Plan, Rolle, Ventende

if TYPE_CHECKING:
    from aarshjul.engine.planperiode import Planperiode

# What plan text must never carry into any output, one list for every format:
# - C0/C1 control characters other than newline and tab: they move the cursor, change
#   colours or ring the bell in a terminal, and XML 1.0 forbids C0;
# - invisible and direction-changing characters (zero-width space/joiners, bidi embeddings,
#   overrides and isolates, word joiner, BOM, soft hyphen, Hangul fillers, tag characters):
#   "Barnehage" and "Barnehage\u200b" must not look alike, and "\u202e" must not reverse a
#   line. A ZWJ inside an emoji sequence is shown escaped too: plan text has no emoji;
# - what XML 1.0, HTML and UTF-8 do not allow: lone surrogates, U+FFFE, U+FFFF and the
#   noncharacters U+FDD0..U+FDEF.
# Each is shown as a visible ASCII escape ("\x1b", "\u200b"), so the text stays readable,
# the trick shows, and every output format stays well-formed.
# Code point ranges, inclusive. Not a regex: a character class beyond Latin-1 takes
# ~1 ms to compile, on every start. Most text needs no work at all:
# str.isprintable() (C speed) is false for every unsafe character but the few in
# _PRINTABLE_UNSAFE, so only text that fails that check is looked at character by character.
CONTROL = ((0x00, 0x08), (0x0B, 0x1F), (0x7F, 0x9F))
INVISIBLE = (
    (0xAD, 0xAD), (0x34F, 0x34F), (0x61C, 0x61C), (0x115F, 0x1160), (0x17B4, 0x17B5),
    (0x180B, 0x180F), (0x200B, 0x200F), (0x202A, 0x202E), (0x2060, 0x206F), (0x3164, 0x3164),
    (0xFEFF, 0xFEFF), (0xFFA0, 0xFFA0), (0xFFF9, 0xFFFB), (0x1D173, 0x1D17A), (0xE0000, 0xE007F),
)  # fmt: skip
NOT_TEXT = ((0xD800, 0xDFFF), (0xFDD0, 0xFDEF), (0xFFFE, 0xFFFF))
# Unsafe but printable to str.isprintable (Hangul fillers, CGJ, Mongolian/Khmer marks).
_PRINTABLE_UNSAFE = "\u034f\u115f\u1160\u17b4\u17b5\u180b\u180c\u180d\u180f\u3164\uffa0"


def unsafe_codepoints() -> Iterator[int]:
    for lo, hi in (*CONTROL, *INVISIBLE, *NOT_TEXT):
        yield from range(lo, hi + 1)


@cache
def _unsafe_set() -> frozenset[int]:
    return frozenset(unsafe_codepoints())


def needs_escaping(tekst: str) -> bool:
    """Whether tekst may hold an unsafe character (cheap; false for ordinary text)."""
    if tekst.isascii():
        return not tekst.isprintable() and not tekst.replace("\n", "").replace("\t", "").isprintable()
    if any(map(tekst.__contains__, _PRINTABLE_UNSAFE)):  # C-speed substring scans
        return True
    return not tekst.isprintable() and not tekst.replace("\n", "").replace("\t", "").isprintable()


def escape_unsafe(tekst: str, escape: Callable[[str], str]) -> str:
    """tekst with every unsafe character replaced by escape(character)."""
    if not needs_escaping(tekst):
        return tekst
    unsafe = _unsafe_set()
    return "".join(escape(c) if ord(c) in unsafe else c for c in tekst)


def visible_escape(ch: str) -> str:
    """"\x1b", "\u200b", "\U000e0041": how an unsafe character is shown."""
    o = ord(ch)
    if o < 0x100:
        return f"\\x{o:02x}"
    return f"\\u{o:04x}" if o < 0x10000 else f"\\U{o:08x}"


def first_unsafe(tekst: str) -> str | None:
    """The first unsafe character in tekst (tab and newline are safe), or None."""
    unsafe = _unsafe_set()
    return next((c for c in tekst if ord(c) in unsafe), None)


def sanitize(tekst: str) -> str:
    """Plan or user text made inert for every output: control, invisible, bidi and
    XML-illegal characters shown as escapes (\\x1b, \\u202e); newlines and tabs kept."""
    return _cut(escape_unsafe(_cut(tekst, MAKS_TEKST), visible_escape), MAKS_TEKST)


# What one value may cost: a plan file may be 5 MB, and a 4 MB title once took
# minutes in the wheel and `next`. Shown text is cut to these lengths (with "…") before
# any renderer measures, wraps or repeats it; JSON keeps the data whole.
MAKS_LINJE = 1000  # one_line: a name, a title, a table cell
MAKS_TEKST = 20000  # sanitize: a beskrivelse, a message


def _cut(tekst: str, maks: int) -> str:
    return tekst if len(tekst) <= maks else tekst[: maks - 1] + "…"


# Line breaks other than \n: to a reader of one line they are whitespace like \n, not an
# attack to show (a title typed on Windows ends in \r). CR, VT, FF, NEL, U+2028/2029.
_LINJESKIFT = str.maketrans(dict.fromkeys("\r\x0b\x0c\x85\u2028\u2029", " "))


def one_line(tekst: str) -> str:
    """Plan text as one inert line: line breaks as spaces, sanitized, whitespace
    collapsed, at most MAKS_LINJE."""
    if len(tekst) > 4 * MAKS_LINJE:  # split() and the escapes below stay bounded too
        tekst = tekst[: 4 * MAKS_LINJE]
    if not tekst.isprintable():  # false for every line break; ordinary text skips this
        tekst = tekst.translate(_LINJESKIFT)
    return _cut(" ".join(sanitize(tekst).split()), MAKS_LINJE)


TYPE_NAVN = {
    HendelseType.MOTE: "Møte",
    HendelseType.AKTIVITET: "Aktivitet",
    HendelseType.FRIST: "Frist",
    HendelseType.EVALUERING: "Evaluering",
}
ROLLE_NAVN = {Rolle.ANSVARLIG: "ansvarlig", Rolle.DELTAR: "deltar"}


def aarshjul_tittel(navn: str | None) -> str:
    """"Årshjul BTI Fjellbygd", or the name alone when it already starts with the word
    ("Årshjul for oppvekst", not "Årshjul Årshjul for oppvekst"); "Årshjul" without one."""
    if not navn:
        return "Årshjul"
    navn = one_line(navn)
    return navn if navn.casefold().startswith("årshjul") else f"Årshjul {navn}"


STANDARD_LEDELSE = "ledelsen"


def ledelse(plan: Plan) -> str:
    """Who leads the plan's work, in running text: `plan: ledelse` («rådmannsledelsen»),
    else «ledelsen». The admin link and the report are theirs."""
    return one_line(plan.ledelse) if plan.ledelse else STANDARD_LEDELSE


def ledelse_genitiv(plan: Plan) -> str:
    """«rådmannsledelsens», «ledelsens»; a name ending in s gets an apostrophe."""
    navn = ledelse(plan)
    return f"{navn}'" if navn.endswith(("s", "x", "z")) else f"{navn}s"


def stor_forbokstav(tekst: str) -> str:
    return tekst[:1].upper() + tekst[1:]


def rapport_overskrift(plan: Plan, periode: str) -> str:
    """The report's heading: `plan: rapport_tittel` and the period («Fellesevaluering
    skoleåret 2026/27»), else «Rapport for <kortnavn or navn>, skoleåret 2026/27»."""
    if plan.rapport_tittel:
        return f"{one_line(plan.rapport_tittel)} {periode}"
    return f"Rapport for {one_line(plan.kortnavn or plan.navn)}, {periode}"


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


# The marks for what the plan does not say, the same words in every format. Each has its
# reason in the plan (antatt, ansvar_antatt, deltakere_antatt, lagt_til).
LAGT_TIL = "lagt til av oss"  # the duty itself is ours
ANTATT_DATO = "antatt dato"
ANSVAR_ANTATT = "ansvar antatt"
DELTAKERE_ANTATT = "deltakere antatt"


def antakelser(f: Forekomst) -> list[tuple[str, str]]:
    """(mark, reason as one line) for each thing about f that is ours, not the plan's:
    the duty itself, its date, who is responsible, who takes part."""
    return [
        (merke, one_line(grunn))
        for merke, grunn in (
            (LAGT_TIL, f.lagt_til), (ANTATT_DATO, f.antatt),
            (ANSVAR_ANTATT, f.ansvar_antatt), (DELTAKERE_ANTATT, f.deltakere_antatt),
        )
        if grunn is not None
    ]  # fmt: skip


def andre_antakelser(f: Forekomst) -> list[str]:
    """The marks other than «antatt dato», which formats show beside the date."""
    return [merke for merke, _ in antakelser(f) if merke != ANTATT_DATO]


def planperiode_tekst(p: Planperiode) -> str:
    """The one line an output shows when it reaches past the plan's period:
    "Planperioden 2018–2022 sluttet 31.12.2022. Datoene etter det er med fordi planen er
    videreført (antatt): …"."""
    aar = f" {p.fra.year}–{p.slutt.year}" if p.fra is not None and p.fra.year != p.slutt.year else ""
    slutt = format_dato(p.slutt)
    if p.viderefort is None:
        return (f"Planperioden{aar} sluttet {slutt}. Planen er ikke videreført, så ingenting "
                f"etter {slutt} er tatt med.")  # fmt: skip
    grunn = one_line(p.viderefort)
    if grunn and grunn[-1] not in ".!?…":
        grunn += "."
    merke = "videreført (antatt av oss)" if p.antatt else "videreført"
    return f"Planperioden{aar} sluttet {slutt}. Datoene etter det er med fordi planen er {merke}: {grunn}"


def planperiode_kort(p: Planperiode) -> str:
    """"Etter planperioden (til 31.12.2022), videreført (antatt av oss).": for a picture's
    source line, where the whole sentence does not fit."""
    slutt = format_dato(p.slutt)
    if p.viderefort is None:
        return f"Planperioden sluttet {slutt}; ikke videreført."
    return f"Etter planperioden (til {slutt}), videreført{' (antatt av oss)' if p.antatt else ''}."


def flyttet_tekst(f: Forekomst) -> str | None:
    """"flyttet fra 01.01.2019 (nyttårsdag; 31.12 er stengt etter planens stengte dager)"."""
    if f.flyttet_fra is None:
        return None
    grunn = f" ({one_line(f.flyttet_grunn)})" if f.flyttet_grunn else ""
    return f"flyttet fra {format_dato(f.flyttet_fra)}{grunn}"


def spenn_tekst(fra: date, til: date) -> str:
    """A vindu's days, both included: "31.08.–18.09.2026"; across New Year
    "15.12.2026–15.01.2027"."""
    if fra.year == til.year:
        return f"{fra:%d.%m.}–{format_dato(til)}"
    return f"{format_dato(fra)}–{format_dato(til)}"


def dato_tekst(f: Forekomst) -> str:
    """The forekomst's date as every output shows it: "01.12.2026", or a vindu's span
    (spenn_tekst), never its first day alone."""
    return spenn_tekst(f.dato, f.sluttdato) if f.sluttdato is not None else format_dato(f.dato)


def paagaar_tekst(f: Forekomst) -> str:
    """"pågår, til 18.09.2026": a vindu that began before the day shown and still runs."""
    return f"pågår, til {format_dato(f.siste_dag)}"


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


def sted_tekst(sted: str) -> str:
    """"sted: Rådhuset, møterom Fjellet" — where a hendelse happens, one line."""
    return f"sted: {one_line(sted)}"


def dato_lang(d: date) -> str:
    """"tirsdag 1. desember 2026"."""
    return f"{UKEDAGER[d.weekday()]} {d.day}. {MAANEDER[d.month - 1]} {d.year}"


# --- markdown: plan text must not become links or mentions ---------------
#
# GitHub-flavoured renderers (cmark-gfm's autolink extension, markdown-it with linkify)
# turn "https://…", "www.…", "evil.com" and "a@b.no" into links, and GitHub, Slack and
# Mattermost turn "@channel" into a mention. Checked against cmarkgfm and markdown-it-py
# with linkify (tests/test_markdown_inert.py):
# - a backslash before ":" after a letter or digit, and before "." between a word
#   character and a letter, stops every URL and domain autolink in both, and the text
#   renders as written ("https\://evil\.example" shows "https://evil.example");
# - cmark-gfm links e-mail addresses whatever is escaped, and a mention is made after
#   rendering (on the HTML), so e-mail addresses and @names become code spans, which no
#   renderer links or mentions in.
@cache
def _md_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """(code-span tokens, URL punctuation), compiled on first markdown use: \\w is
    Unicode, and compiling costs ~0.3 ms a start that shows no markdown should not pay."""
    code_token = re.compile(
        r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+"  # an e-mail address
        r"|(?<![\w@`])@\w[\w.\-/]*"  # @channel, @user, @org/team
    )
    link_punct = re.compile(r"(?<=[A-Za-z0-9]):(?=\S)|(?<=\w)\.(?=[^\W\d_])")
    return code_token, link_punct


def markdown_inert(tekst: str, escape: Callable[[str], str]) -> str:
    """One line of plan text for markdown: escape(…) for markup characters, then URL
    punctuation escaped and e-mail addresses and @mentions as code spans."""
    code_token, link_punct = _md_patterns()
    out: list[str] = []
    pos = 0
    for m in code_token.finditer(tekst):
        out.append(link_punct.sub(r"\\\g<0>", escape(tekst[pos : m.start()])))
        out.append(f"`{m.group()}`")
        pos = m.end()
    out.append(link_punct.sub(r"\\\g<0>", escape(tekst[pos:])))
    return "".join(out)
