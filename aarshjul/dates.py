"""Norwegian date words: parsing what users type and formatting what they read."""

from __future__ import annotations

import calendar
import re
from datetime import date, time
from typing import Any

from dateutil.relativedelta import relativedelta

MAANEDER = (
    "januar", "februar", "mars", "april", "mai", "juni",
    "juli", "august", "september", "oktober", "november", "desember",
)  # fmt: skip
UKEDAGER = ("mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag")
UKEDAGER_KORT = ("man", "tir", "ons", "tor", "fre", "lør", "søn")

_ORDTALL = {"en": 1, "ett": 1, "et": 1, "ei": 1, "to": 2, "tre": 3, "fire": 4, "fem": 5,
            "seks": 6, "sju": 7, "syv": 7, "åtte": 8, "ni": 9, "ti": 10, "tolv": 12}  # fmt: skip
_ENHETER = {
    "dag": "days", "dager": "days", "dagar": "days",
    "uke": "weeks", "uker": "weeks",
    "måned": "months", "måneder": "months", "mnd": "months",
    "år": "years",
}  # fmt: skip


def normalize(tekst: str) -> str:
    """Fold case and the ways people type æøå without a Norwegian keyboard."""
    t = tekst.strip().lower().replace("å", "a").replace("æ", "ae").replace("ø", "o")
    return t.replace("aa", "a").replace("oe", "o")


_MAANED_NORM = {normalize(m): i + 1 for i, m in enumerate(MAANEDER)}
_UKEDAG_NORM = {normalize(d): i for i, d in enumerate(UKEDAGER)}


def parse_maaned(tekst: str) -> int | None:
    return _MAANED_NORM.get(normalize(tekst))


def parse_ukedag(tekst: str) -> int | None:
    return _UKEDAG_NORM.get(normalize(tekst))


_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_NORSK = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")


def parse_dato(tekst: str) -> date:
    """Parse 2027-03-01, 1.3.2027 or 01.03.2027. Raises ValueError with a bokmål message."""
    s = tekst.strip()
    m = _ISO.match(s)
    if m:
        aar, mnd, dag = int(m[1]), int(m[2]), int(m[3])
    else:
        m = _NORSK.match(s)
        if not m:
            raise ValueError(
                f"«{tekst}» er ikke en dato; skriv dd.mm.åååå (01.03.2027) eller åååå-mm-dd"
            )
        dag, mnd, aar = int(m[1]), int(m[2]), int(m[3])
    if not 1 <= mnd <= 12:
        raise ValueError(f"«{tekst}» har måned {mnd}; måneden må være 1–12")
    if not 1 <= aar:
        raise ValueError(f"«{tekst}» har et ugyldig år")
    siste = calendar.monthrange(aar, mnd)[1]
    if not 1 <= dag <= siste:
        raise ValueError(f"«{tekst}» finnes ikke: {MAANEDER[mnd - 1]} {aar} har {siste} dager")
    return date(aar, mnd, dag)


_VARIGHET = re.compile(r"^(\S+)\s+(\S+)$")


def parse_varighet(tekst: str) -> relativedelta:
    """Parse "1 måned", "en måned", "6 måneder", "14 dager", "2 uker", "et år"."""
    m = _VARIGHET.match(tekst.strip().lower())
    if m:
        tall_tekst, enhet_tekst = m[1], m[2]
        tall = int(tall_tekst) if tall_tekst.isascii() and tall_tekst.isdigit() else _ORDTALL.get(tall_tekst)
        enhet = _ENHETER.get(enhet_tekst)
        if tall is not None and enhet is not None and 0 <= tall <= 1000:
            kwargs: dict[str, Any] = {enhet: tall}
            return relativedelta(**kwargs)
    raise ValueError(
        f"ukjent tidsrom «{tekst}»; skriv f.eks. «1 måned», «6 måneder», «14 dager», «2 uker» eller «1 år»"
    )


_KLOKKE = re.compile(r"^(\d{1,2})[:.](\d{2})$")


def parse_klokkeslett(tekst: str) -> time:
    m = _KLOKKE.match(tekst.strip())
    if not m or int(m[1]) > 23 or int(m[2]) > 59:
        raise ValueError(f"«{tekst}» er ikke et klokkeslett; skriv tt:mm, f.eks. 09:00")
    return time(int(m[1]), int(m[2]))


def parse_tidsrom(tekst: str) -> tuple[time, time | None]:
    """Parse "09:00" or "09:00-11:30" (also with an en dash)."""
    deler = re.split(r"\s*[-–]\s*", tekst.strip())
    if len(deler) > 2:
        raise ValueError(f"«{tekst}» er ikke et tidsrom; skriv 09:00 eller 09:00-11:00")
    start = parse_klokkeslett(deler[0])
    slutt = parse_klokkeslett(deler[1]) if len(deler) == 2 else None
    if slutt is not None and slutt <= start:
        raise ValueError(f"«{tekst}»: sluttid må være etter starttid")
    return start, slutt


def format_dato(d: date) -> str:
    return d.strftime("%d.%m.%Y")


def format_dato_med_ukedag(d: date) -> str:
    return f"{UKEDAGER[d.weekday()]} {format_dato(d)}"


def iso_uke(d: date) -> tuple[int, int]:
    """(ISO year, ISO week): 31.12.2026 is in week 53 of 2026, 01.01.2027 too."""
    iso = d.isocalendar()
    return iso.year, iso.week


def skoleaar_start(d: date) -> int:
    """The year a school year (1 August–31 July) starts: 2026 for 15.03.2027."""
    return d.year if d.month >= 8 else d.year - 1


def format_skoleaar(start_aar: int) -> str:
    return f"{start_aar}/{(start_aar + 1) % 100:02d}"


_SKOLEAAR = re.compile(r"^(\d{4})\s*[/-]\s*(\d{2}|\d{4})$")


def parse_skoleaar(tekst: str) -> int:
    """Parse "2026/27" or "2026/2027" into the start year 2026."""
    m = _SKOLEAAR.match(tekst.strip())
    if m:
        start = int(m[1])
        slutt = int(m[2])
        if slutt == start + 1 or slutt == (start + 1) % 100:
            return start
    raise ValueError(f"«{tekst}» er ikke et skoleår; skriv f.eks. 2026/27")
