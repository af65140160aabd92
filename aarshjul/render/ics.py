"""ICS (RFC 5545) for Outlook, Microsoft 365 and Google Calendar: data in, bytes out.

What the big clients choke on, and so what this module avoids:

- VTODO: Outlook and Google ignore it on import, so deadlines are all-day VEVENTs.
- All-day events without DTEND or with DTEND on the same day: DTEND is the next day.
- A VTIMEZONE without both STANDARD and DAYLIGHT parts with yearly rules: Outlook then
  shows the wrong zone and times an hour off. icalendar's `Timezone.from_tzinfo` writes
  a list of RDATEs that ends in 2037 and depends on the installed tz database, so the
  Europe/Oslo block is written here with the EU rules (in force since 1996).
- METHOD: none. METHOD:REQUEST makes Outlook treat the file as an invitation,
  and METHOD:PUBLISH is an iTIP method (RFC 5546) that wants an ORGANIZER the plan does
  not have. Without METHOD the file is a plain RFC 5545 calendar, which Outlook imports
  as if it were PUBLISH ([MS-STANOICAL] V0078) and Google and Thunderbird subscribe to.
- More than one VALARM per event (Outlook keeps one; Google drops them all).
- Lines folded inside a multi-byte character: icalendar (>= 6) folds at 75 octets
  on character boundaries; tests/test_ics.py checks every physical line.
- A VCALENDAR with no component (RFC 5545 §3.6 wants at least one): an empty window
  still gets the Europe/Oslo VTIMEZONE, and the calendar's DESCRIPTION says there is
  nothing in the period.

Every occurrence is its own VEVENT (no RRULE): a date moved off a holiday cannot be
expressed as a recurrence. The UID is the occurrence's stable key (Forekomst.nokkel), so
a meeting moved within its month is the same event with a new date. The output is
deterministic: the caller passes `stamp` (DTSTAMP) and, when it keeps a manifest
(aarshjul/storage/ics_manifest.py), each event's SEQUENCE and LAST-MODIFIED, so the same plan and
window give the same bytes and a subscribed calendar does not churn.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from datetime import date, datetime, timedelta, timezone
from operator import itemgetter
from typing import Protocol
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
    vText,
)
from icalendar.caselessdict import canonsort_keys

from aarshjul import __version__
from aarshjul.dates import format_dato
from aarshjul.engine.planperiode import etter_perioden, planperiode
from aarshjul.model import Forekomst, HendelseType, Plan, Relativ
from aarshjul.render.common import (
    TYPE_NAVN,
    aarshjul_tittel,
    flyttet_tekst,
    kilde_tekst,
    one_line,
    planperiode_tekst,
    sanitize,
    virksomhet_navn,
)

TIDSSONE = "Europe/Oslo"
# How often subscribers should fetch the file again (X-PUBLISHED-TTL is Outlook's name,
# REFRESH-INTERVAL the RFC 7986 one). The published file changes at most nightly.
OPPDATERING = timedelta(hours=12)
TIMED_VARIGHET = timedelta(hours=1)  # a meeting with a start time but no end time

_MAJOR_MINOR = ".".join(__version__.split(".")[:2])
PRODID = f"-//aarshjul//aarshjul {_MAJOR_MINOR}//NO"

# RFC 7986 COLOR (a CSS3 colour name) by type: a deadline stands out in a month view.
FARGE = {
    HendelseType.MOTE: "steelblue",
    HendelseType.AKTIVITET: "seagreen",
    HendelseType.FRIST: "firebrick",
    HendelseType.EVALUERING: "darkorange",
}
MAKS_NAVN = 10  # virksomheter named in a DESCRIPTION line; the rest are counted


def uid(plan: Plan, forekomst: Forekomst) -> str:
    """The stable key at the plan's domain: "samba.mote.2026-12@kommune.example.no"."""
    return f"{forekomst.nokkel}@{plan.uid_domene}"


def kalendernavn(plan: Plan, hvem: str | None = None) -> str:
    """"Årshjul Oppvekst – Barnehage": the plan's short name (or its name), for whom."""
    navn = aarshjul_tittel(plan.kortnavn or plan.navn)
    return f"{navn} – {one_line(hvem)}" if hvem else navn


class Versjoner(Protocol):
    """What was published before (aarshjul/storage/ics_manifest.py): SEQUENCE and LAST-MODIFIED."""

    def versjon(
        self, uid: str, innhold: bytes, start: date | datetime, slutt: date | datetime, tittel: str
    ) -> tuple[int, datetime | None]:
        """(SEQUENCE, LAST-MODIFIED) for this UID with this content; records it, with
        what a cancellation needs later."""
        ...


class Avlyst(Protocol):
    """An event published before and now gone: sent once more as STATUS:CANCELLED."""

    @property
    def uid(self) -> str: ...
    @property
    def sekvens(self) -> int: ...
    @property
    def endret(self) -> datetime: ...
    @property
    def start(self) -> date | datetime: ...
    @property
    def slutt(self) -> date | datetime: ...
    @property
    def tittel(self) -> str: ...


def render_ics(
    plan: Plan,
    forekomster: Sequence[Forekomst],
    *,
    calname: str,
    stamp: datetime,
    delte: dict[str, bytes] | None = None,
    kalenderbeskrivelse: str | None = None,
    utfort: Mapping[str, date] | None = None,
    versjoner: Versjoner | None = None,
    baser: Mapping[str, Forekomst] | None = None,
    avlyste: Sequence[Avlyst] = (),
) -> bytes:
    """One VCALENDAR with one VEVENT per forekomst, CRLF line endings.

    `stamp` becomes every DTSTAMP that `versjoner` does not give; it must be
    timezone-aware and is written in UTC. `delte` holds VEVENT bytes by forekomst id
    for calls with the same arguments but the forekomster and names: `ics --alle` puts
    each forekomst in several files, so each VEVENT is made once.
    `utfort` maps a nøkkel to the date it was signed off (aarshjul/storage/store.py).
    `baser` holds forekomster by nøkkel outside `forekomster` that an `etter:`
    hendelse may follow (the meeting an evaluation evaluates, before the window).
    """
    if stamp.tzinfo is None:
        raise ValueError("stamp must be timezone-aware")
    stamp = stamp.astimezone(timezone.utc)
    tekst = kalenderbeskrivelse if kalenderbeskrivelse is not None else _kalendertekst(plan)
    if not forekomster and not avlyste:
        tekst += " Ingen hendelser i perioden."
    # VTIMEZONE when an event refers to it (all-day events are floating dates), and in
    # a calendar with no events, which RFC 5545 still wants one component in.
    trenger_tz = any(f.tid is not None for f in forekomster) or any(
        isinstance(a.start, datetime) for a in avlyste
    )
    tz = ZoneInfo(TIDSSONE) if trenger_tz else None
    # The VTIMEZONE and the VEVENTs are serialized one by one and put before
    # END:VCALENDAR: the same bytes as adding them to `cal`, but each can be reused
    # from `delte` (the VTIMEZONE under a key no forekomst id can have).
    slutt = b"END:VCALENDAR\r\n"
    events = {} if delte is None else delte
    deler = [_kalenderhode(plan, calname, tekst)]
    if tz is not None or not (forekomster or avlyste):
        vtimezone = events.get(" VTIMEZONE")
        if vtimezone is None:
            vtimezone = events[" VTIMEZONE"] = til_ical(oslo_vtimezone())
        deler.append(vtimezone)
    linjer = _LINJER
    if len(linjer) > _MAKS_LINJER:
        linjer = _LINJER.clear()
    etter = _etter_regler(plan)
    # Looked up in both, not merged: `ics --alle` gives every file the same `baser`, and
    # a merged copy per file would grow with the plan, not with the file.
    egne = {f.nokkel: f for f in forekomster if f.nokkel} if etter else {}
    # What a forekomst shares with the others of its hendelse, made once: the lines
    # but DESCRIPTION, ordered, and the parts of the DESCRIPTION text (_Template).
    templates: dict[Hashable, _Template] = {}
    # DESCRIPTION lines by everything they depend on (an evaluated meeting's date, a
    # moved date make them differ within a hendelse).
    beskrivelser: dict[Hashable, bytes] = {}
    tider: dict[Hashable, _Tid] = {}
    for f in forekomster:
        event = events.get(f.id)
        if event is None:
            base = _base(plan, f, etter, egne, baser) if (f.tiltak_id, f.hendelse_id) in etter else None
            ferdig = utfort.get(f.nokkel) if utfort else None
            key = (_tekst_nokkel(f), ferdig)
            template = templates.get(key)
            if template is None:
                tekst_props = _tekst_egenskaper(plan, f, base, ferdig, med_beskrivelse=False)
                template = templates[key] = _Template(
                    linjer, tekst_props, _alarm_egenskaper(f, ferdig), _tekstdeler(plan, f), stamp
                )
            bkey = (template, base, f.flyttet_fra, f.flyttet_grunn)
            linje = beskrivelser.get(bkey)
            if linje is None:
                linje = beskrivelser[bkey] = linjer.tekst("DESCRIPTION", _sett_sammen(template.deler, f, base, ferdig))
            tkey = (f.dato, f.tid, f.slutt, f.sluttdato)
            tid = tider.get(tkey)
            if tid is None:
                egenskaper = _egenskaper(plan, f, tz)
                tid = tider[tkey] = (egenskaper, linjer._linjene(egenskaper), tuple([p[0] for p in egenskaper]))
            event = template.vevent(linjer, tid, linje, uid(plan, f), versjoner)
            events[f.id] = event
        deler.append(event)
    for a in avlyste:
        deler.append(linjer.vevent(_avlyst_egenskaper(a, tz), None, a.endret, a.uid, None, a.sekvens, a.endret))
    deler.append(slutt)
    return b"".join(deler)


def _hode_faste(plan: Plan) -> Calendar:
    """The calendar properties that are the same in every file of a plan."""
    cal = Calendar()
    cal.add("version", "2.0")
    cal.add("prodid", PRODID)
    cal.add("calscale", "GREGORIAN")
    url = plan_url(plan)
    if url:
        cal.add("url", url, parameters={"VALUE": "URI"})
    cal.add("x-wr-timezone", TIDSSONE)
    cal.add("x-published-ttl", vDuration(OPPDATERING))
    cal.add("refresh-interval", vDuration(OPPDATERING), parameters={"VALUE": "DURATION"})
    return cal


def _hode_egne(calname: str, tekst: str) -> Calendar:
    """The calendar properties of one file: its name and description."""
    cal = Calendar()
    navn = vText(one_line(calname))  # TEXT, escaped: a comma in a name would split it
    cal.add("name", navn)
    cal.add("x-wr-calname", navn)
    cal.add("description", tekst)
    cal.add("x-wr-caldesc", vText(tekst))
    return cal


def _kalenderhode(plan: Plan, calname: str, tekst: str) -> bytes:
    """BEGIN:VCALENDAR and the calendar's properties: the bytes of one Calendar with
    `_hode_faste` and `_hode_egne` together."""
    linjer = {**_linjer_etter_navn(_hode_faste(plan)), **_linjer_etter_navn(_hode_egne(calname, tekst))}
    orden = canonsort_keys(list(linjer), Calendar.canonical_order)
    return b"BEGIN:VCALENDAR\r\n" + b"".join([linjer[n] for n in orden])


def _linjer_etter_navn(component: Component) -> dict[str, bytes]:
    """Each (single-valued) property's folded line, by name."""
    return {name: fold(component.content_line(name, value)) for name, value in component.items()}



def til_ical(component: Component) -> bytes:
    """`component.to_ical()` (no subcomponents or with them), folded by `fold`: the same
    bytes, without icalendar's character-by-character folding."""
    return b"".join([fold(line) for line in component.content_lines() if line])


def plan_url(plan: Plan) -> str | None:
    """The plan's URL when it is a web address (http or https); nothing else is linked."""
    url = (plan.url or "").strip()
    if re.fullmatch(r"https?://[^\s\x00-\x1f\x7f]+", url, re.IGNORECASE):
        return url
    return None


def _kalendertekst(plan: Plan) -> str:
    return f"{one_line(plan.navn)}, {one_line(plan.kommune)}. Laget av aarshjul fra planen."


def kalenderbeskrivelse(plan: Plan, hvem: str | None, fra: date, til: date) -> str:
    """The calendar's DESCRIPTION: which plan, for whom, which period ([fra, til))."""
    om = f" for {one_line(hvem)}" if hvem else ""
    siste = til - timedelta(days=1)
    tekst = (
        f"Hendelser{om} i {one_line(plan.navn)}, {one_line(plan.kommune)}, "
        f"fra {format_dato(fra)} til {format_dato(siste)}."
    )
    periode = etter_perioden(plan, fra, til)
    return tekst if periode is None else f"{tekst} {planperiode_tekst(periode)}"


# --- serialization: every distinct content line made once by icalendar ----------------
#
# Building an icalendar Event per forekomst and serializing it costs ~400 µs, most of it
# in property encoding and line folding: ~1.1 s on top of ~0.3 s for the 2,775 events of
# `ics --alle` on the big-city plan (bench/storby.py). But almost every line of a VEVENT
# repeats: SUMMARY, DESCRIPTION, CATEGORIES and the VALARM are the same for every
# forekomst of a hendelse, DTSTAMP is the same in the whole file, and dates repeat across
# hendelser. So each distinct (property, value, parameters) is encoded and folded once by
# icalendar and its bytes are reused; the order of the lines is icalendar's own
# (Event.canonical_order, then alphabetical). `_event` builds the same VEVENT the slow
# way, and tests/test_ics.py checks that both give the same bytes.

Params = tuple[tuple[str, str], ...]
_TEKST = frozenset(["SUMMARY", "DESCRIPTION", "LOCATION"])  # TEXT (vText) properties: _Linjer.tekst
_UNIKE = frozenset(["UID"])  # one per forekomst: never reused, so not kept
# A UID icalendar writes as it is: no character TEXT escapes, short enough not to fold.
_ENKEL = re.compile(r"[A-Za-z0-9@._-]{1,60}")
Egenskap = tuple[str, Hashable, Params]  # (name, value, parameters)


def _egenskaper(plan: Plan, f: Forekomst, tz: ZoneInfo | None) -> list[Egenskap]:
    """The VEVENT's own properties (when), values as icalendar's `add` takes them;
    `_tekst_egenskaper` adds what it shares with the other forekomster of its hendelse,
    and `_Linjer.vevent` the UID, DTSTAMP, SEQUENCE and LAST-MODIFIED."""
    ingen: Params = ()
    if f.tid is None or f.sluttdato is not None:
        # All-day: VALUE=DATE, DTEND the day after (exclusive), and free/busy "free"
        # so a deadline does not block the leader's whole day. A vindu is all-day over
        # its span: DTEND the day after its last day (RFC 5545 3.6.1).
        return [
            ("DTSTART", f.dato, ingen),
            ("DTEND", f.siste_dag + _EN_DAG, ingen),
            ("TRANSP", "TRANSPARENT", ingen),
        ]
    assert tz is not None
    start = datetime.combine(f.dato, f.tid, tzinfo=tz)
    end = datetime.combine(f.dato, f.slutt, tzinfo=tz) if f.slutt else start + TIMED_VARIGHET
    return [("DTSTART", start, ingen), ("DTEND", end, ingen)]


_EN_DAG = timedelta(days=1)


def _tekst_nokkel(f: Forekomst) -> Hashable:
    """Every field `_tekst_egenskaper`, `_alarm_egenskaper` and `_tekstdeler` read but the
    moved date: forekomster with the same key (and the same sign-off) share all those
    properties but DESCRIPTION, which also says the base and the moved date."""
    return (
        f.tiltak_id, f.tiltak_navn, f.hendelse_id, f.tittel, f.type, f.ansvar, f.deltakere, f.kilde,
        f.antatt, f.beskrivelse, f.sone, f.varsel, f.sted, f.ansvar_antatt, f.deltakere_antatt, f.lagt_til,
        f.etter_planperioden,
    )  # fmt: skip


Base = tuple[str, date | None]  # (the base hendelse's title, the base occurrence's date)


def _etter_regler(plan: Plan) -> dict[tuple[str, str], str]:
    """(tiltak id, hendelse id) -> the "tiltak.hendelse" an `etter:` hendelse follows."""
    return {
        (t.id, h.id): h.naar.etter for t in plan.tiltak for h in t.hendelser if isinstance(h.naar, Relativ)
    }


def _base(
    plan: Plan,
    f: Forekomst,
    etter: dict[tuple[str, str], str],
    baser: Mapping[str, Forekomst],
    andre: Mapping[str, Forekomst] | None = None,
) -> Base | None:
    """The occurrence an `etter:` forekomst follows, from `baser` or else `andre`: it has
    the same periode (keys.py)."""
    hva_etter = etter.get((f.tiltak_id, f.hendelse_id))
    if hva_etter is None:
        return None
    nokkel = f"{hva_etter}.{f.periode}"
    base = baser.get(nokkel)
    if base is None and andre:
        base = andre.get(nokkel)
    if base is not None:
        return (one_line(base.tittel), base.dato)
    tiltak_id, _, hendelse_id = hva_etter.partition(".")
    tiltak = plan.finn_tiltak(tiltak_id)
    tittel = next((h.tittel for h in tiltak.hendelser if h.id == hendelse_id), hva_etter) if tiltak else hva_etter
    return (one_line(tittel), None)


def sammendrag(f: Forekomst, utfort: date | None = None) -> str:
    """SUMMARY: what happens first, the type in front of a frist or evaluering whose
    title does not already say it ("Frist: Innkalling til SAMBA-møte sendt")."""
    tittel = one_line(f.tittel)
    forst = tittel.casefold()
    if f.type is HendelseType.FRIST and "frist" not in forst:
        tittel = f"Frist: {tittel}"
    elif f.type is HendelseType.EVALUERING and "evaluer" not in forst:
        tittel = f"Evaluering: {tittel}"
    if utfort is not None:
        tittel += f" (utført {format_dato(utfort)})"
    return tittel


def _tekst_egenskaper(
    plan: Plan, f: Forekomst, base: Base | None, utfort: date | None, med_beskrivelse: bool = True
) -> list[Egenskap]:
    """SUMMARY, DESCRIPTION, CATEGORIES, COLOR, LOCATION and URL; without
    `med_beskrivelse` DESCRIPTION only keeps its place (_Template makes it per forekomst)."""
    kategorier = [TYPE_NAVN[f.type]]
    if f.sone is not None:
        kategorier.append(f"{f.sone.value.capitalize()} sone")
    props: list[Egenskap] = [
        ("SUMMARY", sammendrag(f, utfort), ()),
        ("DESCRIPTION", beskrivelse(plan, f, base, utfort) if med_beskrivelse else "", ()),
        ("CATEGORIES", tuple(kategorier), ()),
        ("COLOR", FARGE[f.type], ()),
    ]
    if f.sted and f.sted.strip():
        props.append(("LOCATION", one_line(f.sted), ()))
    url = plan_url(plan)
    if url:
        props.append(("URL", url, (("VALUE", "URI"),)))
    return props


def _alarm_egenskaper(f: Forekomst, utfort: date | None = None) -> list[Egenskap] | None:
    """One DISPLAY alarm `varsel` days before the start (Outlook keeps only one); none
    for a deadline already signed off. A vindu is due at its end: the alarm counts back
    from DTEND (RELATED=END)."""
    if not (f.type.er_frist and f.varsel > 0) or utfort is not None:
        return None
    if f.sluttdato is not None:
        # DTEND is the day after the last day: one more day back gives varsel before it.
        return [
            ("ACTION", "DISPLAY", ()),
            ("DESCRIPTION", f"{TYPE_NAVN[f.type]} om {f.varsel} dager: {sammendrag(f)}", ()),
            ("TRIGGER", timedelta(days=-f.varsel - 1), (("RELATED", "END"),)),
        ]
    return [
        ("ACTION", "DISPLAY", ()),
        ("DESCRIPTION", f"{TYPE_NAVN[f.type]} om {f.varsel} dager: {sammendrag(f)}", ()),
        ("TRIGGER", timedelta(days=-f.varsel), ()),
    ]


def _avlyst_egenskaper(a: Avlyst, tz: ZoneInfo | None) -> list[Egenskap]:
    start, slutt = a.start, a.slutt
    if isinstance(start, datetime) and isinstance(slutt, datetime):
        assert tz is not None
        start, slutt = start.replace(tzinfo=tz), slutt.replace(tzinfo=tz)
    props: list[Egenskap] = [
        ("DTSTART", start, ()),
        ("DTEND", slutt, ()),
        ("SUMMARY", f"Avlyst: {one_line(a.tittel)}", ()),
        ("STATUS", "CANCELLED", ()),
    ]
    if not isinstance(start, datetime):
        props.append(("TRANSP", "TRANSPARENT", ()))
    return props


def _add(component: Component, props: list[Egenskap]) -> None:
    for name, value, params in props:
        component.add(name, list(value) if isinstance(value, tuple) else value, dict(params))


def _event(
    plan: Plan,
    f: Forekomst,
    stamp: datetime,
    tz: ZoneInfo | None,
    base: Base | None = None,
    utfort: date | None = None,
    sekvens: int = 0,
    endret: datetime | None = None,
) -> Event:
    """The VEVENT as an icalendar Event: the reference the fast path must match."""
    event = Event()
    props = _egenskaper(plan, f, tz) + _tekst_egenskaper(plan, f, base, utfort)
    props += _stempler(uid(plan, f), stamp, sekvens, endret)
    _add(event, props)
    alarm_props = _alarm_egenskaper(f, utfort)
    if alarm_props is not None:
        alarm = Alarm()
        _add(alarm, alarm_props)
        event.add_component(alarm)
    return event


def _stempler(uid_: str, stamp: datetime, sekvens: int, endret: datetime | None) -> list[Egenskap]:
    """UID, DTSTAMP, SEQUENCE and LAST-MODIFIED. Without METHOD, DTSTAMP is when the event
    last changed (RFC 5545 §3.8.7.2), so a known LAST-MODIFIED is the DTSTAMP too."""
    props: list[Egenskap] = [
        ("UID", uid_, ()),
        ("DTSTAMP", endret or stamp, ()),
        ("SEQUENCE", sekvens, ()),
    ]
    if endret is not None:
        props.append(("LAST-MODIFIED", endret, ()))
    return props


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
        if name in _TEKST and not params and value.__class__ is str:
            assert isinstance(value, str)
            return self.tekst(name, value)
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
        return self._linjene([props[i] for i in order])

    def _linjene(self, props: list[Egenskap]) -> list[bytes]:
        linjer = self._linjer
        deler = []
        for egenskap in props:
            name, value, params = egenskap
            data = linjer.get((name, params) if params else name, _TOM).get(value)
            deler.append(self._ny(egenskap) if data is None else data)
        return deler

    def vevent(
        self,
        props: list[Egenskap],
        alarm: list[Egenskap] | None,
        stamp: datetime,
        uid_: str,
        versjoner: Versjoner | None,
        sekvens: int = 0,
        endret: datetime | None = None,
    ) -> bytes:
        if versjoner is not None:
            # The content without the stamps: what "changed" means for SEQUENCE.
            innhold = b"".join(self._linjene(props))
            if alarm is not None:
                innhold += b"".join(self._linjene(alarm))
            verdi = {p[0]: p[1] for p in props}
            start, slutt, tittel = verdi["DTSTART"], verdi["DTEND"], verdi["SUMMARY"]
            assert isinstance(start, date) and isinstance(slutt, date) and isinstance(tittel, str)
            sekvens, endret = versjoner.versjon(uid_, innhold, start, slutt, tittel)
        props = props + _stempler(uid_, stamp, sekvens, endret)
        deler = [b"BEGIN:VEVENT\r\n", *self._ordnet(props, Event.canonical_order)]
        if alarm is not None:
            deler.append(self.valarm(alarm))
        deler.append(b"END:VEVENT\r\n")
        return b"".join(deler)

    def valarm(self, alarm: list[Egenskap]) -> bytes:
        key = tuple(alarm)
        data = self._alarmer.get(key)
        if data is None:
            data = b"".join([b"BEGIN:VALARM\r\n", *self._ordnet(alarm, Alarm.canonical_order), b"END:VALARM\r\n"])
            self._alarmer[key] = data
            self.antall += 1
        return data

    def tekst(self, name: str, value: str) -> bytes:
        """The line of a TEXT property without parameters (DESCRIPTION): what icalendar's
        Event.add and content_line give, escaped by icalendar's vText, without building
        an Event per value (each DESCRIPTION that names a date is its own)."""
        data = self._linjer.get(name, _TOM).get(value)
        if data is None:
            data = fold(f"{name}:{vText(value).to_ical().decode('utf-8')}")
            self._linjer.setdefault(name, {})[value] = data
            self.antall += 1
        return data


_TOM: dict[Hashable, bytes] = {}


class _Template:
    """A VEVENT's lines but its own (when, DESCRIPTION, the stamps), in icalendar's order.

    Made once per hendelse (and sign-off): each forekomst then costs a few look-ups and
    one join. `vevent` gives the same bytes as `_Linjer.vevent` with the same
    properties, and the same content (what a manifest hashes) in the same order.
    """

    __slots__ = ("deler", "_stamp", "_faste", "_navn", "_alarm", "_for", "_etter", "_tittel", "_oppsett", "_stempler")

    def __init__(
        self,
        linjer: _Linjer,
        tekst: list[Egenskap],
        alarm: list[Egenskap] | None,
        deler: _Tekstdeler,
        stamp: datetime,
    ) -> None:
        self.deler = deler  # the DESCRIPTION text's shared parts
        self._stamp = stamp
        # DTSTAMP and SEQUENCE without a manifest: the same for every forekomst.
        self._stempler = linjer._linjene(_stempler("x", stamp, 0, None)[1:])
        i = next(i for i, p in enumerate(tekst) if p[0] == "DESCRIPTION")
        faste = tekst[:i] + tekst[i + 1 :]
        self._faste = linjer._linjene(faste)
        self._navn = tuple([p[0] for p in faste])
        tekst_linjer = linjer._linjene(tekst[:i]), linjer._linjene(tekst[i + 1 :])
        self._alarm = b""
        alarm_innhold = b""
        if alarm is not None:
            self._alarm = linjer.valarm(alarm)
            alarm_innhold = b"".join(linjer._linjene(alarm))
        # The content a manifest hashes: own properties, then these in their order.
        self._for = b"".join(tekst_linjer[0])
        self._etter = b"".join(tekst_linjer[1]) + alarm_innhold
        tittel = tekst[0][1] if tekst[0][0] == "SUMMARY" else ""
        assert isinstance(tittel, str)
        self._tittel = tittel
        # By the names of the own properties: the VEVENT as a bytes %-template, the
        # lines that are the same for every forekomst in it, and which own line goes
        # into each %b (icalendar's order). One per manifest mode, as the stamps differ.
        self._oppsett: dict[tuple[str, ...], tuple[bytes, Callable[[Sequence[bytes]], tuple[bytes, ...]]]] = {}

    def _lag_oppsett(self, navn: tuple[str, ...]) -> tuple[bytes, Callable[[Sequence[bytes]], tuple[bytes, ...]]]:
        alle = navn + self._navn
        template = [b"BEGIN:VEVENT\r\n"]
        rekkefolge = []
        for n in canonsort_keys(alle, Event.canonical_order):
            i = alle.index(n)
            if i < len(navn):
                template.append(b"%b")
                rekkefolge.append(i)
            else:
                template.append(self._faste[i - len(navn)].replace(b"%", b"%%"))
        template.append((self._alarm + b"END:VEVENT\r\n").replace(b"%", b"%%"))
        hent = itemgetter(*rekkefolge)
        if len(rekkefolge) == 1:  # itemgetter of one index gives the item, not a tuple
            return b"".join(template), lambda linjer: (linjer[rekkefolge[0]],)
        return b"".join(template), hent

    def vevent(self, linjer: _Linjer, tid: _Tid, beskrivelse: bytes, uid_: str, versjoner: Versjoner | None) -> bytes:
        egne, own, navn = tid
        if versjoner is None:
            uid_linje = f"UID:{uid_}\r\n".encode("ascii") if _ENKEL.fullmatch(uid_) else linjer._ny(("UID", uid_, ()))
            verdier = [*own, beskrivelse, uid_linje, *self._stempler]
            navn += _UTEN_MANIFEST
        else:
            innhold = b"".join([*own, self._for, beskrivelse, self._etter])
            verdi = {p[0]: p[1] for p in egne}
            start, slutt = verdi["DTSTART"], verdi["DTEND"]
            assert isinstance(start, date) and isinstance(slutt, date)
            sekvens, endret = versjoner.versjon(uid_, innhold, start, slutt, self._tittel)
            stempler = _stempler(uid_, self._stamp, sekvens, endret)
            verdier = [*own, beskrivelse, *linjer._linjene(stempler)]
            navn += ("DESCRIPTION", *[p[0] for p in stempler])
        oppsett = self._oppsett.get(navn)
        if oppsett is None:
            oppsett = self._oppsett[navn] = self._lag_oppsett(navn)
        return oppsett[0] % oppsett[1](verdier)


# A forekomst's own properties for when it is (_egenskaper), their lines and names: the
# same for every forekomst on that day at that time, made once per date in render_ics.
_Tid = tuple[list["Egenskap"], list[bytes], tuple[str, ...]]
_UTEN_MANIFEST = ("DESCRIPTION", "UID", "DTSTAMP", "SEQUENCE")  # _stempler's names, no LAST-MODIFIED


def fold(line: str) -> bytes:
    """icalendar's folding (`icalendar.parser.string._foldline`), on bytes, with CRLF.

    The same rule: segments of at most 74 octets, cut only between characters, and a
    segment does not end in a backslash or caret (the escape moves to the next line).
    tests/test_ics.py checks that both give the same bytes for any text.
    """
    # ~115 ms (~7 %) of `ics --alle -o DIR` on the big-city plan (bench/storby.py, 571
    # files) against icalendar's own folding, which goes one character at a time.
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


# ~95 ms (~6 %) of `ics --alle -o DIR` on the big-city plan (bench/storby.py): each file
# reuses the lines the files before it made. A line depends only on (name, value,
# parameters), never on the plan, so nothing in it can go stale; emptied past this size.
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


def beskrivelse(plan: Plan, f: Forekomst, base: Base | None = None, utfort: date | None = None) -> str:
    """The DESCRIPTION text: what, who (with the leader's role), what an evaluation
    evaluates, where in the plan, and whether the date or the responsibility is certain."""
    return _sett_sammen(_tekstdeler(plan, f), f, base, utfort)


# The DESCRIPTION lines a forekomst shares with the others of its hendelse: before the
# «Gjelder» line, between it and «Flyttet fra», and after that (the plan's URL and the
# hendelse's own text).
_Tekstdeler = tuple[str, str, str]


def _tekstdeler(plan: Plan, f: Forekomst) -> _Tekstdeler:
    """The parts of `beskrivelse` that depend only on what `_tekst_nokkel` holds."""
    linjer = [
        f"Tiltak: {one_line(f.tiltak_navn)}",
        f"Hendelse: {one_line(f.tittel)}",
        f"Type: {TYPE_NAVN[f.type]}",
        f"Ansvar: {_med_leder(plan, f.ansvar)}",
    ]
    if f.deltakere:
        linjer.append(f"Deltakere: {_navn(plan, f.deltakere)}")
    midt = []
    if f.sted and f.sted.strip():
        midt.append(f"Sted: {one_line(f.sted)}")
    midt.append(f"Kilde: {kilde_tekst(f.kilde)}")
    if f.lagt_til:
        midt.append(f"Plikten står ikke i planen; vi har lagt den til: {one_line(f.lagt_til)}")
    if f.antatt:
        midt.append(f"Datoen er antatt og må bekreftes: {one_line(f.antatt)}")
    if f.ansvar_antatt:
        midt.append(f"Ansvaret er antatt: {one_line(f.ansvar_antatt)}")
    if f.deltakere_antatt:
        midt.append(f"Deltakerne er antatt: {one_line(f.deltakere_antatt)}")
    if f.etter_planperioden and (periode := planperiode(plan)) is not None:
        midt.append(planperiode_tekst(periode))
    url = plan_url(plan)
    slutt = f"\nPlanen: {url}" if url else ""
    if f.beskrivelse and f.beskrivelse.strip():
        slutt += "\n\n" + sanitize(f.beskrivelse.strip())
    return "\n".join(linjer), "\n".join(midt), slutt


def _sett_sammen(deler: _Tekstdeler, f: Forekomst, base: Base | None, utfort: date | None) -> str:
    """The DESCRIPTION from its shared parts and what is this forekomst's own."""
    for_, midt, slutt = deler
    tekst = f"Utført {format_dato(utfort)}\n{for_}" if utfort is not None else for_
    if base is not None:
        tittel, dato = base
        tekst += f"\nGjelder: {tittel} {format_dato(dato)}" if dato else f"\nGjelder: {tittel}"
    tekst += "\n" + midt
    flyttet = flyttet_tekst(f)  # the engine's reason, as every other format gives it
    if flyttet is not None:
        tekst += "\n" + flyttet[:1].upper() + flyttet[1:]
    return tekst + slutt


def _med_leder(plan: Plan, keys: tuple[str, ...]) -> str:
    """"Barnehage (Styrer), Skole (Rektor)": each unit with its leader's role."""
    deler = []
    for key in keys[:MAKS_NAVN]:
        v = plan.virksomheter.get(key)
        navn = one_line(v.navn if v is not None else key)
        leder = one_line(v.leder) if v is not None and v.leder else ""
        # "Kommunalsjef helse", not "Kommunalsjef helse (Kommunalsjef helse)"
        har_leder = leder.strip() and leder.strip().casefold() != navn.strip().casefold()
        deler.append(f"{navn} ({leder})" if har_leder else navn)
    return _med_resten(deler, len(keys))


def _navn(plan: Plan, keys: tuple[str, ...]) -> str:
    return _med_resten([one_line(virksomhet_navn(plan, k)) for k in keys[:MAKS_NAVN]], len(keys))


def _med_resten(deler: list[str], antall: int) -> str:
    """At most MAKS_NAVN names and a count: one event's text stays bounded, however many
    virksomheter a hendelse names."""
    tekst = ", ".join(deler)
    if antall > len(deler):
        tekst += f" og {antall - len(deler)} andre"
    return tekst
