"""Raw RRULEs (RFC 5545 3.3.10) in a plan: what may be used, checked when the plan is read.

The expander (engine/expand.py) turns a checked rule into dates with dateutil.rrule.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

_ALLOWED_FREQ = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")

# The RRULE parts (RFC 5545 3.3.10) a plan of dates can use. BYHOUR/BYMINUTE/BYSECOND
# are times (a large set made 835 MB in 100 s); BYEASTER is dateutil's own.
_RRULE_PARTS = ("FREQ", "INTERVAL", "COUNT", "UNTIL", "BYMONTH", "BYMONTHDAY", "BYYEARDAY", "BYWEEKNO",
                "BYDAY", "BYSETPOS", "WKST")  # fmt: skip
_RRULE_TIDER = ("BYHOUR", "BYMINUTE", "BYSECOND")
# A rule must match at least once this many years after its start: BYMONTH=2;BYMONTHDAY=30
# never does, and searching for it ran until year 9999 (35 s).
_RRULE_SOEK_AAR = 10


def rrule_problem(regel: str, start: date) -> str | None:
    """Why a raw RRULE cannot be used, in bokmål, or None when it can.

    Checked before anything expands it: dates, not times; a positive INTERVAL; COUNT and
    UNTIL sane; and at least one date within _RRULE_SOEK_AAR years of start.
    """
    from dateutil.rrule import rrule, rrulestr

    text = rrule_text(regel)
    parts: dict[str, str] = {}
    for part in text.upper().split(";"):
        name, er, value = part.partition("=")
        name, value = name.strip(), value.strip()
        if name == "DTSTART":
            return "start-datoen skrives som «start:», ikke i regelen"
        if name in _RRULE_TIDER:
            return f"{name} er et klokkeslett; en plan har datoer (klokkeslettet skrives som «tid:»)"
        if not er or name not in _RRULE_PARTS:
            return f"ukjent del «{part.strip()}»; gyldige er {', '.join(_RRULE_PARTS)}"
        if name in parts:
            return f"{name} står to ganger"
        parts[name] = value
    if parts.get("FREQ") not in _ALLOWED_FREQ:
        return f"FREQ må være en av {', '.join(_ALLOWED_FREQ)}"
    for name, low, high in (("INTERVAL", 1, 1000), ("COUNT", 1, 10000)):
        tall = parts.get(name)
        if tall is not None and not (tall.isascii() and tall.isdigit() and low <= int(tall) <= high):
            return f"{name} må være et helt tall fra {low} til {high}, ikke «{tall}»"
    if "COUNT" in parts and "UNTIL" in parts:
        return "bruk enten COUNT eller UNTIL, ikke begge"
    dtstart = datetime.combine(start, datetime.min.time())
    limit = dtstart + timedelta(days=366 * _RRULE_SOEK_AAR)  # (29 February + 10 years is no date)
    until = parts.get("UNTIL")
    if until is not None:
        if until.endswith("Z"):  # a UTC time; a plan's dates have no time zone
            return "UNTIL skrives som en dato uten tidssone, f.eks. UNTIL=20270630"
        digits = until.split("T")[0]
        try:
            slutt = datetime.strptime(digits, "%Y%m%d") if digits.isascii() and len(digits) == 8 else None
        except ValueError:
            slutt = None
        if slutt is None or not 1900 <= slutt.year <= 2200:
            return f"UNTIL skal være en dato ÅÅÅÅMMDD mellom 1900 og 2200, ikke «{until}»"
        limit = min(limit, slutt.replace(hour=23, minute=59, second=59))
    try:
        rule = rrulestr(text, dtstart=dtstart)
        if not isinstance(rule, rrule):
            return "skriv én regel på én linje"
        first = _foerste(rule, dtstart, limit)
    except (ValueError, TypeError) as e:
        return _rrule_feil(e)
    if first is None:
        return f"regelen gir ingen dato de første {_RRULE_SOEK_AAR} årene etter start {start.strftime('%d.%m.%Y')}"
    return None


# The Gregorian calendar repeats every 400 years: 146,097 days, exactly 20,871 weeks and
# 4,800 months, so a rule matches on the same days, weekdays and leap days 400 years on.
_SYKLUS_AAR = 400


def _foerste(rule: object, dtstart: datetime, limit: datetime) -> datetime | None:
    """The rule's first date up to limit, or None.

    dateutil checks UNTIL only on a date it has found, so a rule that never matches
    (BYMONTH=2;BYMONTHDAY=30) searched day by day until year 9999: ~3 s for each such rule
    in a plan. dateutil does stop after 9999, so the search runs whole 400-year cycles
    later, starting at most 410 years before 9999: the same dates, shifted, and a bounded
    search (0.2 s for the worst, FREQ=DAILY)."""
    from dateutil.rrule import rrule

    assert isinstance(rule, rrule)
    sykluser = (datetime.max.year - _RRULE_SOEK_AAR - 1 - dtstart.year) // _SYKLUS_AAR
    skift = _SYKLUS_AAR * max(sykluser, 0)
    first = next(iter(rule.replace(
        dtstart=dtstart.replace(year=dtstart.year + skift), count=None,
        until=limit.replace(year=limit.year + skift),
    )), None)  # fmt: skip
    return None if first is None else first.replace(year=first.year - skift)


def rrule_text(regel: str) -> str:
    """The rule without «RRULE:» and empty parts («FREQ=DAILY;» is common and harmless)."""
    text = regel.strip()
    if text.upper().startswith("RRULE:"):
        text = text[6:]
    return ";".join(p for p in text.split(";") if p.strip())


def _rrule_feil(e: Exception) -> str:
    """dateutil's reason in bokmål: «invalid 'BYDAY': XX» names the part and the value."""
    m = re.match(r"invalid '?(\w+)'?: ?(.*)", str(e))
    if m and m[1].upper() in _RRULE_PARTS:
        return f"ugyldig verdi i {m[1].upper()}: «{m[2][:60]}»"
    return "regelen kan ikke leses; sjekk verdiene (se RFC 5545, avsnitt 3.3.10)"
