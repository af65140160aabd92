"""The årshjul as a picture: one SVG wheel for a year, data in, bytes out.

Layout (viewBox 0 0 1200 850, A4 landscape): the wheel on the left, a numbered key
and the legend on the right. Twelve month sectors run clockwise from the top
(January for a calendar year, August for a school year); each tiltak is a ring and
each forekomst a marker at its day's angle. Shape always shows the type (so a
greyscale print still reads), colour shows the type or the zone, hollow markers are
assumed dates, and a red needle marks today.

Built with xml.etree.ElementTree, not string templates: every piece of plan text goes
in as element text or an attribute value and ElementTree escapes it, so there is no
place where escaping can be forgotten, and the tree is well-formed by construction.
Attribute order is insertion order (Python >= 3.8) and numbers are rounded to two
decimals, so the same input gives the same bytes.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING

from aarshjul.dates import MAANEDER, UKEDAGER, format_dato, format_skoleaar
from aarshjul.model import Forekomst, HendelseType, Plan, Sone, Ukentlig, Ventende
from aarshjul.render.common import (
    TYPE_NAVN,
    aarshjul_tittel,
    antakelser,
    dato_lang,
    dato_tekst,
    one_line,
    planperiode_kort,
    planperiode_tekst,
    ventende_naar,
    virksomhet_navn,
)

if TYPE_CHECKING:
    from aarshjul.engine.holidays import Ferierad
    from aarshjul.engine.planperiode import Planperiode


def standard_tittel(plan: Plan) -> str:
    """The title in the middle unless --tittel says otherwise: "Årshjul <kortnavn>"."""
    return aarshjul_tittel(plan.kortnavn)


SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"  # xlink:href beside href, for older SVG readers

# Geometry, in viewBox units (1 unit ≈ 0.25 mm on A4 landscape).
WIDTH, HEIGHT = 1200, 850
CX, CY = 415.0, 425.0  # centre of the wheel
R_OUTER = 400.0  # outer edge of the month band
R_MONTHS = 366.0  # inner edge of the month band
R_RINGS = 362.0  # outer edge of the outermost ring
R_CENTRE = 124.0  # the centre disk with the title
R_RINGS_MIN = 130.0  # rings never come closer to the centre than this
RING_MAX = 46.0  # widest ring, so a plan with three tiltak does not look inflated
KEY_X, KEY_W = 838.0, 350.0  # the key column: left edge and width
MIN_RING_LABEL = 10.0  # narrower rings (about 24 tiltak or more) get no names on the wheel
FONT = "'DejaVu Sans', Arial, Helvetica, sans-serif"

DARK = "#263238"
GREY = "#546E7A"
LINE = "#758A95"  # 3.2:1 on the lightest ring fill (WCAG 1.4.11 non-text contrast)
NEEDLE = "#C62828"
# The ferier: a light tint behind the markers (ring labels on it keep ≥ 7:1, DARK on
# #FBEFC9) and a stronger strip between the rings and the month band. Decoration: each
# ferie's <title>, the legend and the description say the same in words.
FERIE_TINT = "#FFD54F"
FERIE_TINT_OPACITY = "0.3"
FERIE_STRIPE = "#C79100"

# Okabe–Ito colours: distinguishable with the common colour-vision deficiencies.
TYPE_COLOUR = {
    HendelseType.MOTE: "#0072B2",
    HendelseType.AKTIVITET: "#009E73",
    HendelseType.FRIST: "#D55E00",
    HendelseType.EVALUERING: "#9E3D8F",
}
SONE_COLOUR: dict[Sone | None, str] = {
    Sone.GROENN: "#2E7D32",
    Sone.GUL: "#A67C00",  # dark amber: 3.4:1 on the darkest ring fill (#C99700 was 2.4:1)
    Sone.ROED: "#C62828",
    None: "#757575",
}
SONE_NAVN: dict[Sone | None, str] = {
    Sone.GROENN: "Grønn",
    Sone.GUL: "Gul",
    Sone.ROED: "Rød",
    None: "Ingen sone",
}
NEUTRAL = "#455A64"  # shapes in the legend when colour means zone


class Farge(StrEnum):
    """What a marker's colour shows."""

    TYPE = "type"
    SONE = "sone"


@dataclass(frozen=True)
class Hjulaar:
    """The year a wheel shows: [fra, til), a calendar year or a school year."""

    fra: date
    til: date
    skoleaar: bool

    @classmethod
    def kalenderaar(cls, aar: int) -> Hjulaar:
        return cls(date(aar, 1, 1), date(aar + 1, 1, 1), False)

    @classmethod
    def skoleaar_fra(cls, start_aar: int) -> Hjulaar:
        return cls(date(start_aar, 8, 1), date(start_aar + 1, 8, 1), True)

    @property
    def label(self) -> str:
        if self.skoleaar:
            return f"Skoleåret {format_skoleaar(self.fra.year)}"
        return f"Kalenderåret {self.fra.year}"

    @property
    def days(self) -> int:
        return (self.til - self.fra).days

    def ingen_hendelser(self, hvem: str) -> str:
        """What to say instead of a wheel without markers: «Barnevern har ingen hendelser
        med dato i skoleåret 2026/27.»"""
        return f"{one_line(hvem)} har ingen hendelser med dato i {self.label[0].lower()}{self.label[1:]}."

    def contains(self, d: date) -> bool:
        return self.fra <= d < self.til

    def angle(self, d: date) -> float:
        """Degrees clockwise from the top, at the middle of the day."""
        return 360.0 * ((d - self.fra).days + 0.5) / self.days

    def span(self, fra: date, til: date) -> tuple[float, float] | None:
        """(start, end) angles of the days fra..til (inclusive), from the start of fra to
        the end of til, cut to the wheel's year; None when none of them is in it."""
        a1 = max(0.0, 360.0 * (fra - self.fra).days / self.days)
        a2 = min(360.0, 360.0 * ((til - self.fra).days + 1) / self.days)
        return (a1, a2) if a2 > a1 else None

    def month_starts(self) -> list[tuple[int, float]]:
        """(month 1-12, angle of its first day) for the twelve months, in wheel order."""
        result = []
        aar, mnd = self.fra.year, self.fra.month
        for _ in range(12):
            result.append((mnd, 360.0 * (date(aar, mnd, 1) - self.fra).days / self.days))
            aar, mnd = (aar + 1, 1) if mnd == 12 else (aar, mnd + 1)
        return result


# --- numbers, geometry and text width --------------------------------------------


def _num(x: float) -> str:
    """A coordinate rounded to two decimals, without trailing zeros ("12.5", "425")."""
    s = f"{round(x, 2):.2f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


def _point(r: float, grader: float) -> tuple[float, float]:
    rad = math.radians(grader)
    return CX + r * math.sin(rad), CY - r * math.cos(rad)


def _arc(r: float, a1: float, a2: float, *, med_klokka: bool = True) -> str:
    """Path data for an arc of radius r from angle a1 to a2 (a1 < a2), either way round."""
    start, slutt = (a1, a2) if med_klokka else (a2, a1)
    x1, y1 = _point(r, start)
    x2, y2 = _point(r, slutt)
    stor = 1 if a2 - a1 > 180 else 0
    retning = 1 if med_klokka else 0
    return f"M{_num(x1)} {_num(y1)} A{_num(r)} {_num(r)} 0 {stor} {retning} {_num(x2)} {_num(y2)}"


def _sector(r_inn: float, r_ut: float, a1: float, a2: float) -> str:
    """Path data for the annular sector between two radii and two angles."""
    x1, y1 = _point(r_ut, a1)
    x2, y2 = _point(r_ut, a2)
    x3, y3 = _point(r_inn, a2)
    x4, y4 = _point(r_inn, a1)
    stor = 1 if a2 - a1 > 180 else 0
    return (
        f"M{_num(x1)} {_num(y1)} A{_num(r_ut)} {_num(r_ut)} 0 {stor} 1 {_num(x2)} {_num(y2)} "
        f"L{_num(x3)} {_num(y3)} A{_num(r_inn)} {_num(r_inn)} 0 {stor} 0 {_num(x4)} {_num(y4)} Z"
    )


# Advance widths of DejaVu Sans in em (the widest of the fonts we name), rounded up a
# little, so an estimate never comes out narrower than what a browser draws.
_NARROW = set("iljI.,:;'|!() ")
_MEDIUM = set("ftrJ-/[]")
_WIDE = set("mwMWæÆœŒ@%")


def _char_em(c: str) -> float:
    if c in _NARROW:
        return 0.32
    if c in _MEDIUM:
        return 0.42
    if c in _WIDE:
        return 0.98
    return 0.74 if c.isupper() else 0.64


_MIN_EM = 0.32  # the narrowest advance: no more than bredde / (0.32 * size) characters fit


def _text_width(tekst: str, size: float, *, fet: bool = False) -> float:
    return sum(map(_char_em, tekst)) * size * (1.08 if fet else 1.0)


def _max_chars(size: float, bredde: float, fet: bool) -> int:
    """An upper bound on how many characters can fit in `bredde`."""
    return int(bredde / (_MIN_EM * size * (1.08 if fet else 1.0))) + 2


def _wrap(tekst: str, size: float, bredde: float, *, fet: bool = False) -> list[str]:
    """Word-wrap to lines no wider than `bredde`; a single over-long word is cut with "…".
    Widths add up word by word, so the cost is linear in the text, however long."""
    linjer: list[str] = []
    linje = ""
    bredde_linje = 0.0
    mellomrom = _text_width(" ", size, fet=fet)
    for ord_ in tekst.split():
        w = _text_width(ord_, size, fet=fet)
        if linje and bredde_linje + mellomrom + w <= bredde:
            linje, bredde_linje = f"{linje} {ord_}", bredde_linje + mellomrom + w
            continue
        if not linje and w <= bredde:
            linje, bredde_linje = ord_, w
            continue
        if linje:
            linjer.append(linje)
        linje = _truncate(ord_, size, bredde, fet=fet)
        bredde_linje = _text_width(linje, size, fet=fet)
    if linje:
        linjer.append(linje)
    return linjer


def _wrap_balanced(tekst: str, size: float, bredde: float, *, fet: bool = False) -> list[str]:
    """Like _wrap, but two lines are balanced: "Årshjul / Fjellbygd BTI", not
    "Årshjul Tidlig / innsats"."""
    linjer = _wrap(tekst, size, bredde, fet=fet)
    ord_ = tekst.split()
    if len(linjer) != 2 or len(ord_) < 2:
        return linjer

    def lengst(d: tuple[str, str]) -> float:
        return max(_text_width(d[0], size, fet=fet), _text_width(d[1], size, fet=fet))

    delinger = [(" ".join(ord_[:i]), " ".join(ord_[i:])) for i in range(1, len(ord_))]
    passer = [d for d in delinger if lengst(d) <= bredde]
    if not passer:
        return linjer
    # Among the near-balanced splits, the one with the shorter first line: a centred
    # title reads best as a small pyramid.
    minst = min(lengst(d) for d in passer)
    nesten = [d for d in passer if lengst(d) <= minst * 1.1]
    beste: tuple[str, str] = min(nesten, key=lambda d: _text_width(d[0], size, fet=fet))
    return list(beste)


def _truncate(tekst: str, size: float, bredde: float, *, fet: bool = False) -> str:
    """The text, or as much of it as fits followed by "…". Cut to what could ever fit
    first, then a binary search on the prefix: the cost is bounded by the width, not by
    the text's length (a 40,000-character name took 47 s one character at a time)."""
    tekst = tekst[: _max_chars(size, bredde, fet) + 1]
    if _text_width(tekst, size, fet=fet) <= bredde:
        return tekst
    lo, hi = 0, len(tekst)  # the longest prefix with "…" that fits has length in [lo, hi)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if _text_width(tekst[:mid] + "…", size, fet=fet) <= bredde:
            lo = mid
        else:
            hi = mid - 1
    return tekst[:lo].rstrip(" ,–-") + "…"


def _limit_lines(linjer: list[str], maks: int, size: float, bredde: float, *, fet: bool = False) -> list[str]:
    """At most `maks` lines; the last one ends in "…" after a whole word when one fits."""
    if len(linjer) <= maks:
        return linjer
    ord_ = " ".join(linjer[maks - 1 :]).split()
    siste = ""
    for o in ord_:
        if _text_width(f"{siste} {o}…".strip(), size, fet=fet) > bredde:
            break
        siste = f"{siste} {o}".strip()
    siste = siste.rstrip(",;:–-") + "…" if siste else _truncate(ord_[0] + "…", size, bredde, fet=fet)
    return [*linjer[: maks - 1], siste]


# --- the model of a wheel ----------------------------------------------------------


@dataclass
class _RingHendelse:
    hendelse_id: str
    tittel: str
    type: HendelseType
    antatt: bool
    ukedag: int | None  # weekly hendelser are summed up as "hver torsdag"
    sted: str | None = None  # shown in the key when there is room
    forekomster: list[Forekomst] = field(default_factory=list)


@dataclass
class _Ring:
    nummer: int
    tiltak_id: str
    navn: str
    sone: Sone | None
    hendelser: list[_RingHendelse]
    r_inn: float = 0.0
    r_ut: float = 0.0

    @property
    def forekomster(self) -> list[Forekomst]:
        return sorted((f for h in self.hendelser for f in h.forekomster), key=lambda f: f.sorteringsnokkel)

    @property
    def r_midt(self) -> float:
        return (self.r_inn + self.r_ut) / 2


def _build_rings(plan: Plan, forekomster: Sequence[Forekomst]) -> list[_Ring]:
    """One ring per tiltak with forekomster, fewest forekomster innermost (the outer
    rings are longer, so the busiest tiltak get the most room); ties keep plan order."""
    plan_rekkefoelge = {t.id: i for i, t in enumerate(plan.tiltak)}
    per_tiltak: dict[str, list[Forekomst]] = {}
    for f in forekomster:
        per_tiltak.setdefault(f.tiltak_id, []).append(f)
    ringer: list[_Ring] = []
    for tiltak_id, fs in per_tiltak.items():
        tiltak = plan.finn_tiltak(tiltak_id)
        hendelse_rekkefoelge = {h.id: i for i, h in enumerate(tiltak.hendelser)} if tiltak else {}
        hendelser: dict[str, _RingHendelse] = {}
        for f in fs:
            if f.hendelse_id not in hendelser:
                h = next((h for h in tiltak.hendelser if h.id == f.hendelse_id), None) if tiltak else None
                ukedag = h.naar.ukedag if h is not None and isinstance(h.naar, Ukentlig) else None
                hendelser[f.hendelse_id] = _RingHendelse(
                    f.hendelse_id, one_line(f.tittel), f.type, f.antatt is not None, ukedag,
                    one_line(f.sted) if f.sted else None,
                )
            hendelser[f.hendelse_id].forekomster.append(f)
        ordnet = sorted(
            hendelser.values(), key=lambda h: (hendelse_rekkefoelge.get(h.hendelse_id, 999), h.hendelse_id)
        )
        ringer.append(_Ring(0, tiltak_id, one_line(fs[0].tiltak_navn), fs[0].sone, ordnet))
    ringer.sort(
        key=lambda r: (len(r.forekomster), plan_rekkefoelge.get(r.tiltak_id, len(plan_rekkefoelge)), r.tiltak_id)
    )
    if ringer:
        bredde = min(RING_MAX, (R_RINGS - R_RINGS_MIN) / len(ringer))
        for i, ring in enumerate(ringer):
            ring.nummer = i + 1
            ring.r_inn = R_RINGS - (len(ringer) - i) * bredde
            ring.r_ut = ring.r_inn + bredde
    return ringer


def _colour(farge: Farge, type_: HendelseType, sone: Sone | None) -> str:
    return TYPE_COLOUR[type_] if farge is Farge.TYPE else SONE_COLOUR[sone]


def _datoer_text(h: _RingHendelse) -> str:
    fs = h.forekomster
    if fs and fs[0].sluttdato is not None:  # a vindu: once a year, its span
        return ", ".join(dato_tekst(f) for f in fs)
    if h.ukedag is not None and len(fs) > 6:
        return f"hver {UKEDAGER[h.ukedag]}, {len(fs)} ganger"
    if len(fs) > 6:
        return f"{len(fs)} ganger, {fs[0].dato:%d.%m}–{fs[-1].dato:%d.%m}"
    return ", ".join(f"{f.dato:%d.%m}" for f in fs)


# --- SVG building -------------------------------------------------------------------


def _sub(parent: ET.Element, tag: str, attrs: dict[str, str], tekst: str | None = None) -> ET.Element:
    el = ET.SubElement(parent, tag, attrs)
    if tekst is not None:
        el.text = tekst
    return el


def _text(
    parent: ET.Element,
    x: float,
    y: float,
    tekst: str,
    size: float,
    *,
    fet: bool = False,
    farge: str = DARK,
    anker: str = "start",
    klasse: str | None = None,
    ekstra: dict[str, str] | None = None,
) -> ET.Element:
    attrs = {"x": _num(x), "y": _num(y), "font-size": _num(size)}
    if fet:
        attrs["font-weight"] = "bold"
    if farge != DARK:
        attrs["fill"] = farge
    if anker != "start":
        attrs["text-anchor"] = anker
    if klasse:
        attrs["class"] = klasse
    attrs.update(ekstra or {})
    return _sub(parent, "text", attrs, tekst)


def _marker(
    parent: ET.Element,
    type_: HendelseType,
    x: float,
    y: float,
    s: float,
    farge: str,
    hul: bool,
    attrs: dict[str, str] | None = None,
) -> ET.Element:
    """A marker of size s (about its radius): circle = møte, square = aktivitet,
    diamond = frist, triangle = evaluering; hollow when the date is assumed."""
    a = dict(attrs or {})
    if type_ is HendelseType.MOTE:
        tag, geo = "circle", {"cx": _num(x), "cy": _num(y), "r": _num(s)}
    elif type_ is HendelseType.AKTIVITET:
        k = s * 0.88
        tag, geo = "rect", {"x": _num(x - k), "y": _num(y - k), "width": _num(2 * k), "height": _num(2 * k)}
    elif type_ is HendelseType.FRIST:
        d = s * 1.3
        tag, geo = "path", {"d": _polygon([(x, y - d), (x + d, y), (x, y + d), (x - d, y)])}
    else:
        h = s * 1.25
        tag, geo = "path", {"d": _polygon([(x, y - h), (x + h * 1.05, y + h * 0.75), (x - h * 1.05, y + h * 0.75)])}
    a.update(geo)
    if hul:
        a.update({"fill": "#ffffff", "stroke": farge, "stroke-width": _num(max(1.5, s * 0.42))})
    else:
        a.update({"fill": farge, "stroke": "#ffffff", "stroke-width": "1"})
    return _sub(parent, tag, a)


def _polygon(punkter: list[tuple[float, float]]) -> str:
    return "M" + " L".join(f"{_num(x)} {_num(y)}" for x, y in punkter) + " Z"


def render_svg(
    plan: Plan,
    forekomster: Sequence[Forekomst],
    *,
    aar: Hjulaar,
    today: date,
    tittel: str | None = None,
    virksomheter: Sequence[str] = (),
    farge: Farge = Farge.TYPE,
    ventende: Sequence[Ventende] = (),
    planperiode: Planperiode | None = None,
    ferier: Sequence[Ferierad] = (),
) -> bytes:
    """The wheel for the forekomster in `aar` (the caller expands and filters); with
    planperiode, the description and the source line say the year is past the plan's period.
    `ferier` (services/ferier.py, for the wheel's year and virksomheter) are shaded behind
    the markers and listed in the legend and the description."""
    forekomster = [f for f in forekomster if aar.contains(f.dato)]
    ringer = _build_rings(plan, forekomster)
    tittel = one_line(tittel or "") or standard_tittel(plan)
    virk_tekst = (
        ", ".join(one_line(virksomhet_navn(plan, v)) for v in virksomheter) if virksomheter else "Alle virksomheter"
    )

    root = ET.Element("svg", {
        "xmlns": SVG_NS,
        "xmlns:xlink": XLINK_NS,
        "width": str(WIDTH),
        "height": str(HEIGHT),
        "viewBox": f"0 0 {WIDTH} {HEIGHT}",
        "role": "img",
        "aria-labelledby": "wheel-title wheel-desc",
        "font-family": FONT,
    })  # fmt: skip
    _sub(root, "title", {"id": "wheel-title"}, f"{tittel} – {virk_tekst} – {aar.label}")
    beskrivelse = _description(ringer, virk_tekst if virksomheter else "alle virksomheter", aar, farge, ventende)
    if planperiode is not None:
        beskrivelse += " " + planperiode_tekst(planperiode)
    ferier = [f for f in ferier if aar.span(f.fra, f.til) is not None]
    if ferier:
        beskrivelse += " " + _ferier_description(ferier)
    _sub(root, "desc", {"id": "wheel-desc"}, beskrivelse)
    defs = _sub(root, "defs", {})
    _sub(root, "rect", {"width": str(WIDTH), "height": str(HEIGHT), "fill": "#ffffff"})

    _draw_rings(root, ringer)
    if ferier:
        _draw_ferier(root, aar, ringer, ferier)
    _draw_months(root, aar, ringer)
    _draw_ring_labels(root, defs, ringer, aar, today)
    if aar.contains(today):
        _draw_needle(root, aar, today)
    _draw_markers(root, ringer, aar, farge)
    _draw_centre(root, tittel, virk_tekst, aar)
    legend_topp = _draw_legend(root, farge, aar.contains(today), today, med_ferier=bool(ferier))
    _draw_key(root, ringer, ventende, farge, legend_topp - 14)
    kilde = f"Kilde: {one_line(plan.navn)}, {one_line(plan.kommune)}"
    if planperiode is not None:
        kilde = f"{planperiode_kort(planperiode)} {kilde}"
    _draw_source_line(root, kilde)

    if not len(defs):
        root.remove(defs)
    ET.indent(root, space=" ")
    for t in root.iter("text"):
        # Indentation inside a <text> would become part of what it says.
        if len(t):
            t.text = None
            for child in t:
                child.tail = None
    body = ET.tostring(root, encoding="unicode", short_empty_elements=True)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n").encode("utf-8")


def _description(
    ringer: list[_Ring], virk_tekst: str, aar: Hjulaar, farge: Farge, ventende: Sequence[Ventende]
) -> str:
    antall = sum(len(r.forekomster) for r in ringer)
    deler = [f"Årshjul for {virk_tekst}, {aar.label[0].lower()}{aar.label[1:]}: "
             f"{_antall_hendelser(antall)} i {len(ringer)} tiltak, én ring per tiltak."]  # fmt: skip
    if ringer:
        deler.append("Ring 1 er innerst: " + "; ".join(f"{r.nummer} {r.navn}" for r in ringer) + ".")
    deler.append(
        "Formen viser typen (sirkel møte, firkant aktivitet, rute frist, trekant evaluering), "
        f"fargen viser {'typen' if farge is Farge.TYPE else 'sonen'}; hule markører er antatte datoer."
    )
    if ventende:
        deler.append(f"{_antall_hendelser(len(ventende))} venter på en dato og er ikke med.")
    return " ".join(deler)


def _ferier_description(ferier: Sequence[Ferierad]) -> str:
    from aarshjul.render.ferier import tittel

    return "Skoleferier (skyggelagt i hjulet): " + "; ".join(tittel(f) for f in ferier) + "."


def _draw_ferier(root: ET.Element, aar: Hjulaar, ringer: list[_Ring], ferier: Sequence[Ferierad]) -> None:
    """The ferier as shaded sectors across the rings, under the month lines, names and
    markers, each with its name and days as a tooltip. A layer of its own: nothing else
    in the wheel depends on it."""
    from aarshjul.render.ferier import tittel

    r_inn = ringer[0].r_inn if ringer else R_CENTRE
    g = _sub(root, "g", {"class": "ferier"})
    for f in ferier:
        vinkler = aar.span(f.fra, f.til)
        if vinkler is None:
            continue
        a1, a2 = vinkler
        fg = _sub(g, "g", {"class": "ferie", "data-fra": f.fra.isoformat(), "data-til": f.til.isoformat()})
        _sub(fg, "title", {}, tittel(f))
        _sub(fg, "path", {"d": _sector(r_inn, R_RINGS, a1, a2), "fill": FERIE_TINT,
                          "fill-opacity": FERIE_TINT_OPACITY})  # fmt: skip
        _sub(fg, "path", {"d": _sector(R_RINGS, R_MONTHS, a1, a2), "fill": FERIE_STRIPE})


def _antall_hendelser(n: int) -> str:
    return "1 hendelse" if n == 1 else f"{n} hendelser"


def _draw_rings(root: ET.Element, ringer: list[_Ring]) -> None:
    g = _sub(root, "g", {"class": "rings"})
    # Painter's order: outermost first, each disk covering the inside of the last.
    for ring in reversed(ringer):
        fill = "#EEF2F5" if ring.nummer % 2 else "#FAFBFC"
        _sub(g, "circle", {"cx": _num(CX), "cy": _num(CY), "r": _num(ring.r_ut), "fill": fill,
                           "stroke": LINE, "stroke-width": "0.8"})  # fmt: skip
    if ringer:
        _sub(g, "circle", {"cx": _num(CX), "cy": _num(CY), "r": _num(ringer[0].r_inn), "fill": "#ffffff",
                           "stroke": LINE, "stroke-width": "0.8"})  # fmt: skip


def _draw_months(root: ET.Element, aar: Hjulaar, ringer: list[_Ring]) -> None:
    g = _sub(root, "g", {"class": "months"})
    starter = aar.month_starts()
    r_inn = ringer[0].r_inn if ringer else R_CENTRE
    for i, (mnd, a1) in enumerate(starter):
        a2 = starter[i + 1][1] if i + 1 < len(starter) else 360.0
        fill = "#37474F" if i % 2 == 0 else "#546E7A"
        _sub(g, "path", {"d": _sector(R_MONTHS, R_OUTER, a1, a2), "fill": fill})
        x1, y1 = _point(r_inn, a1)
        x2, y2 = _point(R_MONTHS, a1)
        _sub(g, "line", {"x1": _num(x1), "y1": _num(y1), "x2": _num(x2), "y2": _num(y2),
                         "stroke": LINE, "stroke-width": "1"})  # fmt: skip
    for i, (mnd, a1) in enumerate(starter):
        a2 = starter[i + 1][1] if i + 1 < len(starter) else 360.0
        midt = (a1 + a2) / 2
        x, y = _point((R_MONTHS + R_OUTER) / 2, midt)
        # Tangential text, turned upright on the lower half so no month is upside down.
        rot = midt + 180 if 90 < midt < 270 else midt
        _text(g, x, y, MAANEDER[mnd - 1], 15, fet=True, farge="#ffffff", anker="middle", klasse="month",
               ekstra={"dominant-baseline": "central", "transform": f"rotate({_num(rot)} {_num(x)} {_num(y)})",
                       "data-month": str(mnd)})  # fmt: skip


def _widest_gap(vinkler: list[float], halv: float) -> tuple[float, float]:
    """The widest free stretch (start, end) between markers on a ring, in degrees;
    `halv` is half a marker's angular size."""
    if not vinkler:
        return 0.0, 360.0
    vs = sorted(vinkler)
    best = (vs[-1] + halv, vs[0] + 360 - halv)
    for a, b in zip(vs, vs[1:], strict=False):
        if (b - a) > best[1] - best[0] + 2 * halv + 1e-9:
            best = (a + halv, b - halv)
    return best


def _ring_font_size(ring: _Ring) -> float:
    return max(11.0, min(14.0, (ring.r_ut - ring.r_inn) * 0.62))


def _draw_ring_labels(
    root: ET.Element, defs: ET.Element, ringer: list[_Ring], aar: Hjulaar, today: date
) -> None:
    """Each ring's number and name, written along the ring in its widest gap (the
    needle counts as an obstacle, so it never crosses a name)."""
    g = _sub(root, "g", {"class": "ring-labels"})
    hindre = [aar.angle(today)] if aar.contains(today) else []
    if ringer and ringer[0].r_ut - ringer[0].r_inn < MIN_RING_LABEL:
        return  # text taller than its ring would run into its neighbours; the key has the names
    for ring in ringer:
        r = ring.r_midt
        s = _marker_size(ring)
        halv = math.degrees((s * 1.4 + 4) / r)
        a1, a2 = _widest_gap([v for f in ring.forekomster for v in _vinkler(f, aar, halv)] + hindre, halv)
        plass = math.radians(a2 - a1) * r - 8
        size = _ring_font_size(ring)
        nummer = str(ring.nummer)
        navn = f"{nummer}\u2002{ring.navn}"  # an en space: SVG collapses two plain ones
        maks_bredde = min(plass, 2 * math.pi * r * 0.45)  # a name never wraps half the wheel
        if _text_width(navn, size, fet=True) > maks_bredde:
            # A cut name when a few letters fit, else just the number (the key has the name).
            kort = maks_bredde > _text_width(nummer + " MMMMM…", size)
            navn = _truncate(navn, size, maks_bredde, fet=True) if kort else nummer
        bredde = _text_width(navn, size, fet=True) + 6
        midt = (a1 + a2) / 2
        spenn = math.degrees(bredde / r)
        opp_ned = 90 < (midt % 360) < 270
        sti_id = f"ring-{ring.nummer}-path"
        bue = _arc(r, midt - spenn / 2, midt + spenn / 2, med_klokka=not opp_ned)
        _sub(defs, "path", {"id": sti_id, "d": bue})
        t = _sub(g, "text", {"font-size": _num(size), "font-weight": "bold", "fill": "#37474F",
                             "dominant-baseline": "central", "class": "ring-label",
                             "data-ring": str(ring.nummer)})  # fmt: skip
        _sub(t, "textPath", {"href": f"#{sti_id}", "xlink:href": f"#{sti_id}", "startOffset": "50%",
                             "text-anchor": "middle"}, navn)  # fmt: skip


def _vinkler(f: Forekomst, aar: Hjulaar, halv: float) -> list[float]:
    """The angles a forekomst covers on its ring: its day's, or a vindu's arc as angles
    at most 2 × halv apart, so a ring's name is never written across an arc."""
    start = aar.angle(f.dato)
    if f.sluttdato is None:
        return [start]
    slutt = aar.angle(min(f.sluttdato, aar.til - timedelta(days=1)))
    steg = max(2 * halv, 0.5)
    n = max(1, math.ceil((slutt - start) / steg))
    return [start + (slutt - start) * i / n for i in range(n + 1)]


def _marker_size(ring: _Ring) -> float:
    return max(3.5, min(8.0, (ring.r_ut - ring.r_inn) * 0.3))


def _draw_markers(root: ET.Element, ringer: list[_Ring], aar: Hjulaar, farge: Farge) -> None:
    g = _sub(root, "g", {"class": "forekomster"})
    for ring in ringer:
        s = _marker_size(ring)
        forskyvninger = _lanes(ring, aar, s)
        for f, bane in zip(ring.forekomster, forskyvninger, strict=True):
            if f.sluttdato is not None:
                _draw_span(g, ring, f, bane, s, aar, farge)
            x, y = _point(ring.r_midt + bane, aar.angle(f.dato))
            el = _marker(g, f.type, x, y, s, _colour(farge, f.type, f.sone), f.antatt is not None, {
                "class": "forekomst",
                "data-id": f.id,
                "data-ring": str(ring.nummer),
                "data-dato": f.dato.isoformat(),
                "data-type": f.type.value,
                **({"data-antatt": "ja"} if f.antatt is not None else {}),
            })  # fmt: skip
            _sub(el, "title", {}, _tips(f))


def _tips(f: Forekomst) -> str:
    """A marker's tooltip: what, when (a vindu's span), and what is assumed."""
    naar = dato_tekst(f) if f.sluttdato is not None else dato_lang(f.dato)
    tips = f"{one_line(f.tiltak_navn)} – {one_line(f.tittel)}: {naar}"
    return tips + "".join(f" ({merke}: {grunn})" for merke, grunn in antakelser(f))


def _draw_span(g: ET.Element, ring: _Ring, f: Forekomst, bane: float, s: float, aar: Hjulaar, farge: Farge) -> None:
    """A vindu as an arc along its ring from its first to its last day (cut at the end of
    the wheel's year), under the marker at its start, which still shows the type."""
    assert f.sluttdato is not None
    slutt = min(f.sluttdato, aar.til - timedelta(days=1))
    a1, a2 = aar.angle(f.dato), aar.angle(slutt)
    if a2 <= a1:
        return
    farge_ = _colour(farge, f.type, f.sone)
    bue = _sub(g, "path", {
        "class": "vindu", "d": _arc(ring.r_midt + bane, a1, a2), "fill": "none", "stroke": farge_,
        "stroke-width": _num(s * 1.1), "stroke-linecap": "round",
        **({"stroke-dasharray": _num(s * 1.2) + " " + _num(s * 0.8)} if f.antatt is not None else {}),
        "data-id": f.id, "data-dato": f.dato.isoformat(), "data-sluttdato": f.sluttdato.isoformat(),
    })  # fmt: skip
    _sub(bue, "title", {}, _tips(f))


def _lanes(ring: _Ring, aar: Hjulaar, s: float) -> list[float]:
    """Radial offsets for a ring's markers: markers closer than their size (a seminar and
    its evaluation two days apart) are spread across the ring instead of on top of each
    other, so the angle stays day-accurate."""
    fs = ring.forekomster
    vinkler = [aar.angle(f.dato) for f in fs]
    klynger: list[list[int]] = []
    for i, v in enumerate(vinkler):
        if klynger and math.radians(v - vinkler[klynger[-1][-1]]) * ring.r_midt < 2.3 * s:
            klynger[-1].append(i)
        else:
            klynger.append([i])
    halv = (ring.r_ut - ring.r_inn) / 2 - s * 0.5  # the furthest a marker may move
    result = [0.0] * len(fs)
    for klynge in klynger:
        k = len(klynge)
        if k == 1 or halv <= 0:
            continue
        for j, i in enumerate(klynge):
            result[i] = -halv + 2 * halv * j / (k - 1)
    return result


def _draw_needle(root: ET.Element, aar: Hjulaar, today: date) -> None:
    angle = aar.angle(today)
    g = _sub(root, "g", {"class": "needle", "data-dato": today.isoformat()})
    _sub(g, "title", {}, f"I dag: {dato_lang(today)}")
    x1, y1 = _point(R_CENTRE, angle)
    x2, y2 = _point(R_OUTER + 6, angle)
    _sub(g, "line", {"x1": _num(x1), "y1": _num(y1), "x2": _num(x2), "y2": _num(y2), "stroke": NEEDLE,
                     "stroke-width": "3", "stroke-linecap": "round"})  # fmt: skip
    x3, y3 = _point(R_OUTER + 6, angle)
    _sub(g, "circle", {"cx": _num(x3), "cy": _num(y3), "r": "5", "fill": NEEDLE})


def _draw_centre(root: ET.Element, tittel: str, virk_tekst: str, aar: Hjulaar) -> None:
    g = _sub(root, "g", {"class": "centre"})
    _sub(g, "circle", {"cx": _num(CX), "cy": _num(CY), "r": _num(R_CENTRE), "fill": "#ffffff",
                       "stroke": "#37474F", "stroke-width": "2"})  # fmt: skip
    bredde = R_CENTRE * 1.62
    tsize = 21.0
    tlinjer = _wrap_balanced(tittel, tsize, bredde, fet=True)
    if len(tlinjer) > 2:
        tsize = 16.0
        tlinjer = _limit_lines(_wrap(tittel, tsize, bredde, fet=True), 3, tsize, bredde, fet=True)
    vsize = 15.0
    vlinjer = _wrap_balanced(virk_tekst, vsize, bredde)
    if len(vlinjer) > 3:  # several virksomheter: smaller before cutting
        vsize = 13.0
        vlinjer = _limit_lines(_wrap(virk_tekst, vsize, bredde), 3, vsize, bredde)
    linjer = [(t, tsize, True, "centre-tittel") for t in tlinjer]
    linjer += [(v, vsize, False, "centre-virksomhet") for v in vlinjer]
    linjer.append((aar.label, 16.0, True, "centre-year"))
    hoeyder = [size * 1.25 for _, size, _, _ in linjer]
    mellomrom = 8.0  # between title, virksomhet and year
    total = sum(hoeyder) + 2 * mellomrom
    y = CY - total / 2
    forrige = linjer[0][3]
    for (tekst, size, fet, klasse), h in zip(linjer, hoeyder, strict=True):
        if klasse != forrige:
            y += mellomrom
            forrige = klasse
        farge = DARK if klasse != "centre-virksomhet" else "#37474F"
        _text(g, CX, y + h * 0.78, tekst, size, fet=fet, farge=farge, anker="middle", klasse=klasse)
        y += h


def _draw_legend(root: ET.Element, farge: Farge, vis_naal: bool, today: date, *, med_ferier: bool = False) -> float:
    """The legend at the bottom of the key column, one row per idea; returns its top y."""
    size = 13.0
    rad = 22.0
    # Each row is a list of (symbol drawer, label); items are spaced by their widths.
    rader: list[list[tuple[str, object, str]]] = []
    rader.append([("type", t, TYPE_NAVN[t]) for t in HendelseType])
    if farge is Farge.SONE:
        rader.append([("sone", z, SONE_NAVN[z]) for z in (Sone.GROENN, Sone.GUL, Sone.ROED, None)])
    rader.append([("antatt", None, "Hul: antatt dato")])
    if vis_naal:
        rader[-1].append(("naal", None, f"Nålen: i dag {format_dato(today)}"))
    if med_ferier:
        rader.append([("ferie", None, "Skyggelagt: skoleferie")])
    # Rows wider than the column continue on the next row.
    rader = [rad_ for elementer in rader for rad_ in _flow(elementer, size)]
    hoeyde = 26 + rad * len(rader)
    topp = HEIGHT - 14 - hoeyde
    g = _sub(root, "g", {"class": "legend"})
    _sub(g, "line", {"x1": _num(KEY_X), "y1": _num(topp), "x2": _num(KEY_X + KEY_W), "y2": _num(topp),
                     "stroke": LINE, "stroke-width": "1"})  # fmt: skip
    overskrift = "Forklaring: formen er typen, fargen er " + ("typen" if farge is Farge.TYPE else "sonen")
    _text(g, KEY_X, topp + 20, _truncate(overskrift, 13, KEY_W, fet=True), 13, fet=True)
    y = topp + 26 + rad / 2
    for elementer in rader:
        x = KEY_X + 8
        for art, verdi, tekst in elementer:
            if art == "type":
                assert isinstance(verdi, HendelseType)
                _marker(g, verdi, x, y, 6.5, TYPE_COLOUR[verdi] if farge is Farge.TYPE else NEUTRAL, False)
            elif art == "sone":
                _sub(g, "rect", {"x": _num(x - 7), "y": _num(y - 7), "width": "14", "height": "14", "rx": "3",
                                 "fill": SONE_COLOUR[verdi]})  # type: ignore[index]  # fmt: skip
            elif art == "antatt":
                _marker(g, HendelseType.MOTE, x, y, 6.5, NEUTRAL, True)
            elif art == "ferie":
                _sub(g, "rect", {"x": _num(x - 7), "y": _num(y - 7), "width": "14", "height": "14",
                                 "fill": FERIE_TINT, "fill-opacity": FERIE_TINT_OPACITY, "stroke": FERIE_STRIPE,
                                 "stroke-width": "2"})  # fmt: skip
            else:
                _sub(g, "line", {"x1": _num(x - 8), "y1": _num(y), "x2": _num(x + 8), "y2": _num(y),
                                 "stroke": NEEDLE, "stroke-width": "3", "stroke-linecap": "round"})  # fmt: skip
            _text(g, x + 13, y + size * 0.36, tekst, size)
            x += 13 + _text_width(tekst, size) + 22
        y += rad
    return topp


def _flow(elementer: list[tuple[str, object, str]], size: float) -> list[list[tuple[str, object, str]]]:
    rader: list[list[tuple[str, object, str]]] = [[]]
    bredde = 0.0
    for e in elementer:
        b = 13 + _text_width(e[2], size) + 22
        if rader[-1] and bredde + b - 22 > KEY_W - 8:
            rader.append([])
            bredde = 0.0
        rader[-1].append(e)
        bredde += b
    return rader


@dataclass(frozen=True)
class _Layout:
    """One way to lay out the key: font size, and whether each hendelse gets its own
    line with its title (else the tiltak's hendelser share lines, dates only)."""

    size: float
    detaljer: bool
    sted: bool = False  # the hendelse's sted after its dates, when it has one


_LAYOUTS = (
    [_Layout(s, True, sted=True) for s in (13.0, 12.0)]
    + [_Layout(s, True) for s in (13.0, 12.0, 11.0)]
    + [_Layout(s, False) for s in (12.0, 11.0)]
)


def _layout_key(
    ringer: list[_Ring], oppsett: _Layout, farge: Farge, y: float, bunn: float
) -> tuple[ET.Element, float, int]:
    """The key laid out from y; returns the group, where it ends and how many rings fit."""
    g = ET.Element("g", {"class": "key-rings"})
    size = oppsett.size
    lh = size * 1.3  # line height
    innrykk = KEY_X + 24
    for antall, ring in enumerate(ringer):
        blokk = ET.Element("g", {"class": "key-ring", "data-ring": str(ring.nummer)})
        start = y
        navn = _wrap(ring.navn, size, KEY_W - 24, fet=True)
        by = y + lh / 2
        _sub(blokk, "circle", {"cx": _num(KEY_X + 9), "cy": _num(by), "r": _num(size * 0.72), "fill": "#37474F"})
        _text(blokk, KEY_X + 9, by + size * 0.33, str(ring.nummer), max(11.0, size * 0.85), fet=True,
              farge="#ffffff", anker="middle")  # fmt: skip
        for i, linje in enumerate(navn):
            klasse = "key-tiltak" if i == 0 else None
            _text(blokk, innrykk, y + lh * i + size, linje, size, fet=True, klasse=klasse)
        if oppsett.detaljer:
            y += lh * len(navn)
            for h in ring.hendelser:
                farge_ = _colour(farge, h.type, ring.sone)
                _marker(blokk, h.type, innrykk + 6, y + lh / 2, size * 0.38, farge_, h.antatt)
                sted = f" · {h.sted}" if oppsett.sted and h.sted else ""
                linjer = _wrap(f"{h.tittel}: {_datoer_text(h)}{sted}", size, KEY_W - 40)
                for i, linje in enumerate(linjer):
                    _text(blokk, innrykk + 16, y + lh * i + size, linje, size)
                y += lh * len(linjer)
        else:
            # Dates only, the hendelser one after another on shared lines, starting on
            # the name's last line when there is room ("5 MOT  ▲ 30.06").
            y += lh * (len(navn) - 1)
            x = innrykk + _text_width(navn[-1], size, fet=True) + 12
            for h in ring.hendelser:
                tekst = _datoer_text(h)
                if x > innrykk and x + 16 + _text_width(_wrap(tekst, size, KEY_W)[0], size) > KEY_X + KEY_W:
                    x, y = innrykk, y + lh
                farge_ = _colour(farge, h.type, ring.sone)
                _marker(blokk, h.type, x + 6, y + lh / 2, size * 0.38, farge_, h.antatt)
                linjer = _wrap(tekst, size, KEY_X + KEY_W - x - 16)
                for i, linje in enumerate(linjer):
                    _text(blokk, x + 16, y + lh * i + size, linje, size)
                y += lh * (len(linjer) - 1)
                x += 16 + _text_width(linjer[-1], size) + 14
            y += lh
        y += size * 0.5
        if y > bunn:
            return g, start, antall
        g.append(blokk)
    return g, y, len(ringer)


def _draw_key(
    root: ET.Element, ringer: list[_Ring], ventende: Sequence[Ventende], farge: Farge, bunn: float
) -> None:
    g = _sub(root, "g", {"class": "key"})
    _text(g, KEY_X, 40, "Tiltak i hjulet (ring 1 er innerst)", 15, fet=True)
    y0 = 58.0
    if not ringer:
        _text(g, KEY_X, y0 + 13, "Ingen hendelser dette året.", 13)
        if ventende:
            _draw_ventende(g, ventende, y0 + 26, bunn, 13.0)
        return
    # The most detail that fits; if even the tightest layout does not, the outermost
    # rings are left out with a note instead of running into the legend.
    for oppsett in _LAYOUTS:
        blokk, y, antall = _layout_key(ringer, oppsett, farge, y0, bunn)
        if antall == len(ringer):
            break
    else:
        lh = oppsett.size * 1.3
        blokk, y, antall = _layout_key(ringer, oppsett, farge, y0, bunn - 2 * lh)
        # The rings that did not fit are always the outermost ones.
        rest = f"Ringene {antall + 1}–{len(ringer)}" if antall < len(ringer) - 1 else f"Ring {len(ringer)}"
        melding = f"{rest} får ikke plass her; velg én --virksomhet for et mindre hjul."
        for i, linje in enumerate(_limit_lines(_wrap(melding, oppsett.size, KEY_W), 2, oppsett.size, KEY_W)):
            _text(blokk, KEY_X, y + lh * i + oppsett.size, linje, oppsett.size)
        y += 2 * lh
    g.append(blokk)
    if ventende:
        _draw_ventende(g, ventende, y + 4, bunn, oppsett.size)


def _draw_ventende(g: ET.Element, ventende: Sequence[Ventende], y: float, bunn: float, size: float) -> None:
    """Hendelser that wait for a named date: listed when they all fit, else counted."""
    lh = size * 1.3
    tekster = [
        f"{one_line(v.tittel)}: {ventende_naar(v)}"
        for v in ventende
    ]
    linjer = [_wrap(t, size, KEY_W - 14) for t in tekster]
    v_g = ET.Element("g", {"class": "ventende"})
    if y + lh * (1 + sum(len(ls) for ls in linjer)) <= bunn:
        _text(v_g, KEY_X, y + size, "Venter på en dato (ikke i hjulet):", size, fet=True)
        y += lh
        for ls in linjer:
            _sub(v_g, "circle", {"cx": _num(KEY_X + 6), "cy": _num(y + lh / 2), "r": "2", "fill": DARK})
            for j, linje in enumerate(ls):
                _text(v_g, KEY_X + 14, y + lh * j + size, linje, size)
            y += lh * len(ls)
    elif y + lh <= bunn:
        melding = f"{_antall_hendelser(len(ventende))} venter på en dato og er ikke med i hjulet."
        _text(v_g, KEY_X, y + size, melding, size)
    else:
        return
    g.append(v_g)


def _draw_source_line(root: ET.Element, tekst: str) -> None:
    size = 11.0
    _text(root, 14, HEIGHT - 10, _truncate(tekst, size, KEY_X - 40), size, farge=GREY, klasse="source")
