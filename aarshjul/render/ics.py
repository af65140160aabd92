"""ICS (RFC 5545) for Outlook, Microsoft 365 and Google Calendar: data in, bytes out.

What the big clients choke on, and so what this module avoids (issue 4):

- VTODO: Outlook and Google ignore it on import, so deadlines are all-day VEVENTs.
- All-day events without DTEND or with DTEND on the same day: DTEND is the next day.
- A VTIMEZONE without both STANDARD and DAYLIGHT parts with yearly rules: Outlook then
  shows the wrong zone and times an hour off. icalendar's `Timezone.from_tzinfo` writes
  a list of RDATEs that ends in 2037 and depends on the installed tz database, so the
  Europe/Oslo block is written here with the EU rules (in force since 1996).
- METHOD:REQUEST (Outlook treats the file as an invitation): we publish.
- More than one VALARM per event (Outlook keeps one; Google drops them all).
- Lines folded inside a multi-byte character: icalendar (>= 6) folds at 75 octets
  on character boundaries; tests/test_ics.py checks every physical line.

Every occurrence is its own VEVENT (no RRULE): a date moved off a holiday cannot be
expressed as a recurrence. The output is deterministic: the caller passes `stamp`
(DTSTAMP) and the UIDs come from the forekomst ids, so the same plan and window give
the same bytes and a subscribed calendar does not churn.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Iterable, Sequence
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from icalendar import (
    Alarm,
    Calendar,
    Component,
    Event,
    Timezone,
    TimezoneDaylight,
    TimezoneStandard,
    vDuration,
)
from icalendar.caselessdict import canonsort_keys

from aarshjul import __version__
from aarshjul.dates import format_dato
from aarshjul.expand import arbeidskalender
from aarshjul.model import Forekomst, Plan
from aarshjul.render.common import (
    TYPE_NAVN,
    hva,
    kilde_tekst,
    one_line,
    sanitize,
    virksomheter_tekst,
)

TIDSSONE = "Europe/Oslo"
# How often subscribers should fetch the file again (X-PUBLISHED-TTL is Outlook's name,
# REFRESH-INTERVAL the RFC 7986 one). The published file changes at most nightly.
OPPDATERING = timedelta(hours=12)
TIMED_VARIGHET = timedelta(hours=1)  # a meeting with a start time but no end time

_MAJOR_MINOR = ".".join(__version__.split(".")[:2])
PRODID = f"-//Sel kommune//aarshjul {_MAJOR_MINOR}//NO"


def uid(plan: Plan, forekomst: Forekomst) -> str:
    """Stable across runs and machines: "samba.mote.2026-12-01@sel.kommune.no"."""
    return f"{forekomst.id}@{plan.uid_domene}"


def render_ics(
    plan: Plan,
    forekomster: Sequence[Forekomst],
    *,
    calname: str,
    stamp: datetime,
    delte: dict[str, bytes] | None = None,
) -> bytes:
    """One VCALENDAR (METHOD:PUBLISH) with one VEVENT per forekomst, CRLF line endings.

    `stamp` becomes every DTSTAMP; it must be timezone-aware and is written in UTC.
    `delte` holds VEVENT bytes by forekomst id for calls with the same plan and stamp:
    `ics --alle` puts each forekomst in several files, so each VEVENT is made once.
    """
    if stamp.tzinfo is None:
        raise ValueError("stamp must be timezone-aware")
    stamp = stamp.astimezone(timezone.utc)
    cal = Calendar()
    cal.add("version", "2.0")
    cal.add("prodid", PRODID)
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", one_line(calname))
    cal.add("x-wr-timezone", TIDSSONE)
    cal.add("x-published-ttl", vDuration(OPPDATERING))
    cal.add("refresh-interval", vDuration(OPPDATERING), parameters={"VALUE": "DURATION"})
    # VTIMEZONE only when an event refers to it; all-day events are floating dates.
    tz = ZoneInfo(TIDSSONE) if any(f.tid is not None for f in forekomster) else None
    # The VTIMEZONE and the VEVENTs are serialized one by one and put before
    # END:VCALENDAR: the same bytes as adding them to `cal`, but each can be reused
    # from `delte` (the VTIMEZONE under a key no forekomst id can have).
    slutt = b"END:VCALENDAR\r\n"
    hode: bytes = cal.to_ical()
    assert hode.endswith(slutt)
    events = {} if delte is None else delte
    deler = [hode[: -len(slutt)]]
    if tz is not None:
        vtimezone = events.get(" VTIMEZONE")
        if vtimezone is None:
            vtimezone = events[" VTIMEZONE"] = oslo_vtimezone().to_ical()
        deler.append(vtimezone)
    linjer = _LINJER
    if len(linjer) > _MAKS_LINJER:
        linjer = _LINJER.clear()
    # The properties a forekomst shares with the others of its hendelse, made once.
    tekster: dict[Hashable, tuple[list[Egenskap], list[Egenskap] | None]] = {}
    for f in forekomster:
        event = events.get(f.id)
        if event is None:
            key = _tekst_nokkel(f)
            tekst = tekster.get(key)
            if tekst is None:
                tekst = tekster[key] = (_tekst_egenskaper(plan, f), _alarm_egenskaper(f))
            event = linjer.vevent(_egenskaper(plan, f, stamp, tz) + tekst[0], tekst[1])
            events[f.id] = event
        deler.append(event)
    deler.append(slutt)
    return b"".join(deler)


# --- serialization: every distinct content line made once by icalendar ----------------
#
# Building an icalendar Event per forekomst and serializing it costs ~200 µs, most of it
# in property encoding and line folding (issue 17). But almost every line of a VEVENT
# repeats: SUMMARY, DESCRIPTION, CATEGORIES and the VALARM are the same for every
# forekomst of a hendelse, DTSTAMP is the same in the whole file, and dates repeat across
# hendelser. So each distinct (property, value, parameters) is encoded and folded once by
# icalendar and its bytes are reused; the order of the lines is icalendar's own
# (Event.canonical_order, then alphabetical). `_event` builds the same VEVENT the slow
# way, and tests/test_ics.py checks that both give the same bytes.

Params = tuple[tuple[str, str], ...]
_UNIKE = frozenset(["UID"])  # one per forekomst: never reused, so not kept
# A UID icalendar writes as it is: no character TEXT escapes, short enough not to fold.
_ENKEL = re.compile(r"[A-Za-z0-9@._-]{1,60}")
Egenskap = tuple[str, Hashable, Params]  # (name, value, parameters)


def _egenskaper(plan: Plan, f: Forekomst, stamp: datetime, tz: ZoneInfo | None) -> list[Egenskap]:
    """The VEVENT's own properties (when and which), values as icalendar's `add` takes
    them; `_tekst_egenskaper` adds what it shares with the other forekomster of its hendelse."""
    ingen: Params = ()
    if f.tid is None:
        # All-day: VALUE=DATE, DTEND the day after (exclusive), and free/busy "free"
        # so a deadline does not block the leader's whole day.
        return [
            ("UID", uid(plan, f), ingen),
            ("DTSTAMP", stamp, ingen),
            ("SEQUENCE", 0, ingen),
            ("DTSTART", f.dato, ingen),
            ("DTEND", f.dato + _EN_DAG, ingen),
            ("TRANSP", "TRANSPARENT", ingen),
        ]
    assert tz is not None
    start = datetime.combine(f.dato, f.tid, tzinfo=tz)
    end = datetime.combine(f.dato, f.slutt, tzinfo=tz) if f.slutt else start + TIMED_VARIGHET
    return [
        ("UID", uid(plan, f), ingen),
        ("DTSTAMP", stamp, ingen),
        ("SEQUENCE", 0, ingen),
        ("DTSTART", start, ingen),
        ("DTEND", end, ingen),
    ]


_EN_DAG = timedelta(days=1)


def _tekst_nokkel(f: Forekomst) -> Hashable:
    """Every field `_tekst_egenskaper` and `_alarm_egenskaper` read: forekomster with the
    same key share those properties."""
    return (
        f.tiltak_navn, f.tittel, f.type, f.ansvar, f.deltakere, f.kilde, f.antatt, f.flyttet_fra,
        f.beskrivelse, f.sone, f.varsel,
    )  # fmt: skip


def _tekst_egenskaper(plan: Plan, f: Forekomst) -> list[Egenskap]:
    """SUMMARY, DESCRIPTION and CATEGORIES."""
    kategorier = [TYPE_NAVN[f.type]]
    if f.sone is not None:
        kategorier.append(f"{f.sone.value.capitalize()} sone")
    return [
        ("SUMMARY", hva(f), ()),
        ("DESCRIPTION", beskrivelse(plan, f), ()),
        ("CATEGORIES", tuple(kategorier), ()),
    ]


def _alarm_egenskaper(f: Forekomst) -> list[Egenskap] | None:
    """One DISPLAY alarm `varsel` days before the start (Outlook keeps only one)."""
    if not (f.type.er_frist and f.varsel > 0):
        return None
    return [
        ("ACTION", "DISPLAY", ()),
        ("DESCRIPTION", f"{TYPE_NAVN[f.type]} om {f.varsel} dager: {hva(f)}", ()),
        ("TRIGGER", timedelta(days=-f.varsel), ()),
    ]


def _add(component: Component, props: list[Egenskap]) -> None:
    for name, value, params in props:
        component.add(name, list(value) if isinstance(value, tuple) else value, dict(params))


def _event(plan: Plan, f: Forekomst, stamp: datetime, tz: ZoneInfo | None) -> Event:
    """The VEVENT as an icalendar Event: the reference the fast path must match."""
    event = Event()
    _add(event, _egenskaper(plan, f, stamp, tz) + _tekst_egenskaper(plan, f))
    alarm_props = _alarm_egenskaper(f)
    if alarm_props is not None:
        alarm = Alarm()
        _add(alarm, alarm_props)
        event.add_component(alarm)
    return event


class _Linjer:
    """Content lines by property, parameters and value, each encoded and folded once.

    Values are keyed as they are: within one property, values that compare equal give
    the same line (a date and a datetime never compare equal).
    """

    def __init__(self) -> None:
        self._linjer: dict[Hashable, dict[Hashable, bytes]] = {}
        self._alarmer: dict[tuple[Egenskap, ...], bytes] = {}
        self._rekkefolge: dict[tuple[str, ...], tuple[int, ...]] = {}
        self.antall = 0

    def __len__(self) -> int:
        return self.antall

    def clear(self) -> _Linjer:
        self._linjer.clear()
        self._alarmer.clear()
        self.antall = 0
        return self

    def _ny(self, egenskap: Egenskap) -> bytes:
        name, value, params = egenskap
        if name in _UNIKE and isinstance(value, str) and _ENKEL.fullmatch(value):
            # What icalendar writes for such a value, without the work: nothing to
            # escape and nothing to fold (it folds at 75 octets).
            return f"{name}:{value}\r\n".encode("ascii")
        event = Event()
        _add(event, [egenskap])
        data = fold(event.content_line(name, event[name]))
        if name not in _UNIKE:
            self._linjer.setdefault((name, params) if params else name, {})[value] = data
            self.antall += 1
        return data

    def _ordnet(self, props: list[Egenskap], orden: Iterable[str] | None) -> list[bytes]:
        names = tuple([p[0] for p in props])
        order = self._rekkefolge.get(names)
        if order is None:
            sortert = canonsort_keys(names, orden)
            order = self._rekkefolge[names] = tuple(names.index(n) for n in sortert)
        linjer = self._linjer
        deler = []
        for i in order:
            egenskap = props[i]
            name, value, params = egenskap
            data = linjer.get((name, params) if params else name, _TOM).get(value)
            deler.append(self._ny(egenskap) if data is None else data)
        return deler

    def vevent(self, props: list[Egenskap], alarm: list[Egenskap] | None) -> bytes:
        deler = [b"BEGIN:VEVENT\r\n", *self._ordnet(props, Event.canonical_order)]
        if alarm is not None:
            key = tuple(alarm)
            data = self._alarmer.get(key)
            if data is None:
                data = b"".join(
                    [b"BEGIN:VALARM\r\n", *self._ordnet(alarm, Alarm.canonical_order), b"END:VALARM\r\n"]
                )
                self._alarmer[key] = data
                self.antall += 1
            deler.append(data)
        deler.append(b"END:VEVENT\r\n")
        return b"".join(deler)


_TOM: dict[Hashable, bytes] = {}


def fold(line: str) -> bytes:
    """icalendar's folding (`icalendar.parser.string._foldline`), on bytes, with CRLF.

    The same rule: segments of at most 74 octets, cut only between characters, and a
    segment does not end in a backslash or caret (the escape moves to the next line).
    icalendar does it one character at a time, a third of the time of a whole export;
    tests/test_ics.py checks that both give the same bytes for any text.
    """
    data = line.encode("utf-8")
    n = len(data)
    if n <= _FOLD:
        return data + b"\r\n"
    deler = []
    p = 0
    while n - p > _FOLD:
        e = p + _FOLD
        while data[e] & 0xC0 == 0x80:  # inside a multi-byte character
            e -= 1
        if e - p > 1 and data[e - 1] in b"\\^":
            e -= 1
        deler.append(data[p:e])
        p = e
    deler.append(data[p:])
    return b"\r\n ".join(deler) + b"\r\n"


_FOLD = 74  # octets of content per physical line; with the leading space of a fold, 75


# The lines depend on nothing but (name, value, parameters), so one cache serves every
# call in the process; it is emptied when it grows past this many entries.
_MAKS_LINJER = 100_000
_LINJER = _Linjer()


def oslo_vtimezone() -> Timezone:
    """Europe/Oslo as two yearly rules, the form Outlook understands.

    CET/CEST: summer time from 02:00 on the last Sunday of March to 03:00 on the last
    Sunday of October (EU rules since 1996; the plan's dates are all later than that).
    """
    daylight = TimezoneDaylight()
    daylight.add("dtstart", datetime(1970, 3, 29, 2, 0))
    daylight.add("rrule", {"freq": "yearly", "bymonth": 3, "byday": "-1SU"})
    daylight.add("tzname", "CEST")
    daylight.add("tzoffsetfrom", timedelta(hours=1))
    daylight.add("tzoffsetto", timedelta(hours=2))
    standard = TimezoneStandard()
    standard.add("dtstart", datetime(1970, 10, 25, 3, 0))
    standard.add("rrule", {"freq": "yearly", "bymonth": 10, "byday": "-1SU"})
    standard.add("tzname", "CET")
    standard.add("tzoffsetfrom", timedelta(hours=2))
    standard.add("tzoffsetto", timedelta(hours=1))
    vtimezone = Timezone()
    vtimezone.add("tzid", TIDSSONE)
    vtimezone.add_component(daylight)
    vtimezone.add_component(standard)
    return vtimezone


def beskrivelse(plan: Plan, f: Forekomst) -> str:
    """The DESCRIPTION text: who, where in the plan, and whether the date is certain."""
    linjer = [
        f"Tiltak: {one_line(f.tiltak_navn)}",
        f"Hendelse: {one_line(f.tittel)}",
        f"Type: {TYPE_NAVN[f.type]}",
        f"Ansvar: {one_line(virksomheter_tekst(plan, f.ansvar))}",
    ]
    if f.deltakere:
        linjer.append(f"Deltakere: {one_line(virksomheter_tekst(plan, f.deltakere))}")
    linjer.append(f"Kilde: {kilde_tekst(f.kilde)}")
    if f.antatt:
        linjer.append(f"Datoen er antatt og må bekreftes: {one_line(f.antatt)}")
    if f.flyttet_fra is not None:
        linjer.append(f"Flyttet fra {format_dato(f.flyttet_fra)} ({_fridag(plan, f.flyttet_fra)})")
    tekst = "\n".join(linjer)
    if f.beskrivelse and f.beskrivelse.strip():
        tekst += "\n\n" + sanitize(f.beskrivelse.strip())
    return tekst


def _fridag(plan: Plan, dag: date) -> str:
    return arbeidskalender(plan).fridag_navn(dag) or "helligdag/helg"

