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

from collections.abc import Sequence
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from icalendar import (
    Alarm,
    Calendar,
    Event,
    Timezone,
    TimezoneDaylight,
    TimezoneStandard,
    vDuration,
)

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
    `ics --alle` puts each forekomst in several files, and building and serializing a
    VEVENT with icalendar costs ~0.2 ms, so each one is made once (issue 7).
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
    for f in forekomster:
        event = events.get(f.id)
        if event is None:
            event = events[f.id] = _event(plan, f, stamp, tz).to_ical()
        deler.append(event)
    deler.append(slutt)
    return b"".join(deler)


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


def _event(plan: Plan, f: Forekomst, stamp: datetime, tz: ZoneInfo | None) -> Event:
    event = Event()
    event.add("uid", uid(plan, f))
    event.add("dtstamp", stamp)
    event.add("sequence", 0)
    if f.tid is None:
        # All-day: VALUE=DATE, DTEND the day after (exclusive), and free/busy "free"
        # so a deadline does not block the leader's whole day.
        event.add("dtstart", f.dato)
        event.add("dtend", f.dato + timedelta(days=1))
        event.add("transp", "TRANSPARENT")
    else:
        assert tz is not None
        start = datetime.combine(f.dato, f.tid, tzinfo=tz)
        end = datetime.combine(f.dato, f.slutt, tzinfo=tz) if f.slutt else start + TIMED_VARIGHET
        event.add("dtstart", start)
        event.add("dtend", end)
    event.add("summary", hva(f))
    event.add("description", beskrivelse(plan, f))
    kategorier = [TYPE_NAVN[f.type]]
    if f.sone is not None:
        kategorier.append(f"{f.sone.value.capitalize()} sone")
    event.add("categories", kategorier)
    if f.type.er_frist and f.varsel > 0:
        event.add_component(_alarm(f))
    return event


def _alarm(f: Forekomst) -> Alarm:
    """One DISPLAY alarm `varsel` days before the start (Outlook keeps only one)."""
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", f"{TYPE_NAVN[f.type]} om {f.varsel} dager: {hva(f)}")
    alarm.add("trigger", timedelta(days=-f.varsel))
    return alarm


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

