"""Follow-up (oppfølging): what is done, overdue, coming or waiting.

Core code: no terminal, no clock, no SQL. Callers pass the plan, today's date and the
sign-off log (``aarshjul.storage.store.read_logg(path)``: nokkel → its events, oldest
first; an empty dict when nobody has signed anything off).

**Who signs off.** A frist or evaluering owned by several virksomheter is signed off per
virksomhet (``Kvitteringsform.HVER``: each reports that it did its part), a møte or
aktivitet once (``FELLES``); the plan's ``kvittering:`` on the hendelse or tiltak says
otherwise. The virksomheter that sign off a HVER duty (``kvitterende``) are its ansvar,
with a group that is a set (``kvittering: hver`` on the group, «alle skoler») replaced by
its members; a group that is a body (the default, samordningsgruppa) signs off as one.

**The replay rule.** Rows are events. A sign-off row is for one virksomhet or, with
``virksomhet`` empty, for every owner (a FELLES sign-off, and every row from before
sign-offs were per virksomhet). What is in force for virksomhet V is found by replaying,
oldest first, the rows for V and the rows for every owner: a sign-off is put on a stack,
a withdrawal takes the sign-off it names (``angrer``) off the stack, and an old
withdrawal without ``angrer`` empties it (it withdrew everything, as it did then). The
top of the stack is in force. So kvitter, kvitter --erstatt, angre leaves the first
sign-off in force, and kvitter, angre leaves nothing. A FELLES duty replays every row of
its nøkkel, whoever it is for.

The API other modules use:

- ``Status``: ``utført`` (signed off), ``forfalt`` (a frist or evaluering whose date is
  before today, not signed off), ``kommende`` (today or later, not signed off),
  ``passert`` (a møte or aktivitet whose date has passed with no sign-off: only frister
  and evalueringer can be forfalt) and ``venter`` (waiting for a named date, no date yet).
- ``Oppfoelger(plan, logg, today, virksomheter)``: decides states for one run.
  ``.status(forekomst) -> Oppfoelging``: the state with ``dager_forfalt``, ``for_sent``
  ("late": signed off as done after the deadline) and, for a HVER duty, each owning
  virksomhet's part (``enheter``). With virksomheter, a HVER duty is about the selected
  ones that own it: overdue for exactly those of them that have not signed off.
- ``status_for(plan, forekomst, logg, today, virksomheter)``: one occurrence's state.
- ``med_status(plan, forekomster, logg, today, virksomheter)``: the same for a list.
- ``forfalte(plan, today, logg, virksomheter)``: the overdue list for `next`,
  the digest and `status --forfalt`: frister and evalueringer in the FORFALT_DAGER days
  before `today`, not signed off, oldest first.
- ``i_kraft(events, virksomhet)`` / ``i_kraft_felles(events)``: the replay rule.
- ``aarshjul.engine.select.med_oppfoelging(plan, rader, logg, today, fra, virksomheter)``:
  `next`'s rows with their follow-up, the overdue ones first (``Rad.forfalt``),
  signed-off early warnings left out. (In select.py, so that this module does not
  import select: select's Rad refers to Oppfoelging.)
- ``utfort_tekst(kvittering)``: "Utført 25.03.2027", the words every renderer shows.
- ``foreldreloese(plan, logg)``: sign-offs whose occurrence no longer exists in
  the plan (for `check`; never dropped silently).
- ``finn_forekomst(plan, tekst, today)``: the occurrence a user means by an id, a nokkel
  or a short form ("pmto.evaluering 2026/27"); UsageError naming the closest ones.

A sign-off belongs to ``Forekomst.nokkel`` (aarshjul/keys.py), so it stays with its
occurrence when a holiday or an edited day rule moves the date within its period.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from aarshjul.dates import format_dato, format_skoleaar, skoleaar_start
from aarshjul.engine.expand import expand, lengste_vindu, waiting
from aarshjul.errors import UsageError
from aarshjul.keys import FOREKOMST_ID_FORM
from aarshjul.model import (
    Forekomst,
    Hendelse,
    HendelseType,
    Kvittering,
    Kvitteringsform,
    Kvitteringslogg,
    Plan,
    Ventende,
)
from aarshjul.plan.yamlnodes import AAR_MAX, AAR_MIN

# How far back `next`, the digest and `status --forfalt` look for overdue deadlines.
# Every tiltak evaluates at least yearly, so a year catches each one once.
FORFALT_DAGER = 365


class Status(StrEnum):
    UTFOERT = "utført"
    FORFALT = "forfalt"
    KOMMENDE = "kommende"
    PASSERT = "passert"
    VENTER = "venter"


@dataclass(frozen=True)
class Enhetsstatus:
    """One owning virksomhet's part of a duty signed off per virksomhet."""

    virksomhet: str
    status: Status  # utført, forfalt, kommende or passert
    kvittering: Kvittering | None = None  # its sign-off in force, when utført
    for_sent: bool = False


@dataclass(frozen=True)
class Oppfoelging:
    """The follow-up state of one occurrence (or of one hendelse waiting for a date)."""

    status: Status
    forekomst: Forekomst | None  # None only for venter
    ventende: Ventende | None = None  # set only for venter
    kvittering: Kvittering | None = None  # the sign-off in force, when utført (the latest one)
    dager_forfalt: int = 0  # forfalt: days since the deadline (today - dato)
    for_sent: bool = False  # utført after the deadline (frister and evalueringer only)
    form: Kvitteringsform = Kvitteringsform.FELLES
    # HVER: every owning virksomhet with its part, in ansvar order; () for FELLES.
    enheter: tuple[Enhetsstatus, ...] = ()
    # HVER: the owning virksomheter the status is about (the selected ones, else all).
    gjelder: tuple[str, ...] = ()

    @property
    def delt(self) -> bool:
        """Signed off per virksomhet by more than one: shown as «3 av 5 utført»."""
        return len(self.enheter) > 1

    @property
    def antall_utfort(self) -> int:
        return sum(e.status is Status.UTFOERT for e in self.enheter)

    @property
    def mangler(self) -> tuple[str, ...]:
        """The owning virksomheter that have not signed off, in ansvar order."""
        return tuple(e.virksomhet for e in self.enheter if e.status is not Status.UTFOERT)


# --- who signs off, and the replay rule ---------------------------------------------


def kvitteringsform(h: Hendelse | None, type_: HendelseType) -> Kvitteringsform:
    """The plan's `kvittering:`, else per virksomhet for frist and evaluering, once for
    møte and aktivitet (one meeting is held once)."""
    if h is not None and h.kvittering is not None:
        return h.kvittering
    return Kvitteringsform.HVER if type_.er_frist else Kvitteringsform.FELLES


def eiere(plan: Plan, ansvar: Iterable[str]) -> tuple[str, ...]:
    """The owners who do a duty: ansvar with a set group (`kvittering: hver` on the group)
    replaced by its members; a body (a group without it) stays one owner. In order, once."""
    ut: list[str] = []
    for key in ansvar:
        v = plan.virksomheter.get(key)
        for eier in v.medlemmer if v is not None and v.er_sett else (key,):
            if eier not in ut:
                ut.append(eier)
    return tuple(ut)


def finn_hendelse(plan: Plan, tiltak_id: str, hendelse_id: str) -> Hendelse | None:
    t = plan.finn_tiltak(tiltak_id)
    return next((h for h in t.hendelser if h.id == hendelse_id), None) if t is not None else None


def kvitterende(plan: Plan, f: Forekomst, h: Hendelse | None = None) -> tuple[str, ...]:
    """The virksomheter that each sign off f; () when it is signed off once (FELLES)."""
    h = h if h is not None else finn_hendelse(plan, f.tiltak_id, f.hendelse_id)
    if kvitteringsform(h, f.type) is Kvitteringsform.FELLES:
        return ()
    return eiere(plan, f.ansvar)


def _spill(events: Iterable[Kvittering]) -> Kvittering | None:
    stabel: list[Kvittering] = []
    for e in events:
        if e.er_kvittert:
            stabel.append(e)
        elif e.angrer is None:  # a withdrawal from before `angrer`: it withdrew everything
            stabel.clear()
        else:
            stabel = [k for k in stabel if k.uid != e.angrer]
    return stabel[-1] if stabel else None


def i_kraft(events: Iterable[Kvittering], virksomhet: str) -> Kvittering | None:
    """The sign-off in force for one owning virksomhet: its own rows and the rows for
    every owner, replayed oldest first (the module docstring)."""
    return _spill(e for e in events if e.virksomhet is None or e.virksomhet == virksomhet)


def i_kraft_felles(events: Iterable[Kvittering]) -> Kvittering | None:
    """The sign-off in force for a duty signed off once: every row of the nøkkel."""
    return _spill(events)


def _valgte(plan: Plan, virksomheter: Iterable[str]) -> frozenset[str]:
    """The selected virksomheter and the members of selected groups."""
    ut = set(virksomheter)
    for key in list(ut):
        v = plan.virksomheter.get(key)
        if v is not None:
            ut.update(v.medlemmer)
    return frozenset(ut)


def _enkel(f: Forekomst, k: Kvittering | None, today: date) -> tuple[Status, bool]:
    # A vindu is due at its end (siste_dag): overdue only after its last day.
    if k is not None:
        return Status.UTFOERT, f.type.er_frist and k.utfort is not None and k.utfort > f.siste_dag
    if f.siste_dag >= today:
        return Status.KOMMENDE, False
    return (Status.FORFALT if f.type.er_frist else Status.PASSERT), False


class Oppfoelger:
    """Decides the follow-up state of occurrences for one plan, sign-off log and day.

    With virksomheter, a duty signed off per virksomhet is about the selected ones that
    own it (or members of a selected group): `next --virksomhet skole` shows it overdue
    only while skole has not signed off. A virksomhet that only takes part sees the
    duty's own state (done when every owner is)."""

    def __init__(
        self, plan: Plan, logg: Kvitteringslogg, today: date, virksomheter: Sequence[str] | None = None
    ) -> None:
        self.plan, self.logg, self.today = plan, logg, today
        self._valgt = _valgte(plan, virksomheter or ())
        # (tiltak, hendelse) → (form, the virksomheter that sign off): asked once per row.
        self._hvem: dict[tuple[str, str], tuple[Kvitteringsform, tuple[str, ...]]] = {}

    def hvem(self, f: Forekomst) -> tuple[Kvitteringsform, tuple[str, ...]]:
        key = (f.tiltak_id, f.hendelse_id)
        svar = self._hvem.get(key)
        if svar is None:
            h = finn_hendelse(self.plan, f.tiltak_id, f.hendelse_id)
            form = kvitteringsform(h, f.type)
            svar = self._hvem[key] = (form, eiere(self.plan, f.ansvar) if form is Kvitteringsform.HVER else ())
        return svar

    def status(self, f: Forekomst) -> Oppfoelging:
        events = self.logg.get(f.nokkel, ())
        form, kvitterer = self.hvem(f)
        if form is Kvitteringsform.FELLES or not kvitterer:
            k = i_kraft_felles(events) if events else None
            status, sent = _enkel(f, k, self.today)
            return self._oppfoelging(f, status, k if status is Status.UTFOERT else None, sent, form)
        enheter = []
        for v in kvitterer:
            k = i_kraft(events, v) if events else None
            status, sent = _enkel(f, k, self.today)
            enheter.append(Enhetsstatus(v, status, k, sent))
        gjelder = tuple(v for v in kvitterer if v in self._valgt) or kvitterer
        mine = [e for e in enheter if e.virksomhet in gjelder]
        if all(e.status is Status.UTFOERT for e in mine):
            siste = max(mine, key=lambda e: (e.kvittering.utfort or date.min, e.kvittering.registrert))  # type: ignore[union-attr]
            return self._oppfoelging(f, Status.UTFOERT, siste.kvittering, any(e.for_sent for e in mine), form,
                                     tuple(enheter), gjelder)  # fmt: skip
        status = next(e.status for e in mine if e.status is not Status.UTFOERT)
        return self._oppfoelging(f, status, None, False, form, tuple(enheter), gjelder)

    def _oppfoelging(
        self, f: Forekomst, status: Status, k: Kvittering | None, sent: bool, form: Kvitteringsform,
        enheter: tuple[Enhetsstatus, ...] = (), gjelder: tuple[str, ...] = (),
    ) -> Oppfoelging:  # fmt: skip
        dager = (self.today - f.siste_dag).days if status is Status.FORFALT else 0
        return Oppfoelging(status, f, kvittering=k, dager_forfalt=dager, for_sent=sent, form=form,
                           enheter=enheter, gjelder=gjelder)  # fmt: skip

    def utfort(self, f: Forekomst) -> bool:
        return self.status(f).status is Status.UTFOERT


def status_for(
    plan: Plan, f: Forekomst, logg: Kvitteringslogg, today: date, virksomheter: Sequence[str] | None = None
) -> Oppfoelging:
    return Oppfoelger(plan, logg, today, virksomheter).status(f)


def med_status(
    plan: Plan, forekomster: Iterable[Forekomst], logg: Kvitteringslogg, today: date,
    virksomheter: Sequence[str] | None = None,
) -> list[Oppfoelging]:  # fmt: skip
    o = Oppfoelger(plan, logg, today, virksomheter)
    return [o.status(f) for f in forekomster]


def venter(plan: Plan, virksomheter: Sequence[str] | None = None) -> list[Oppfoelging]:
    return [Oppfoelging(Status.VENTER, None, ventende=v) for v in waiting(plan, virksomheter or None)]


def forfalte(
    plan: Plan,
    today: date,
    logg: Kvitteringslogg,
    virksomheter: Sequence[str] | None = None,
    dager: int = FORFALT_DAGER,
) -> list[Oppfoelging]:
    """Frister and evalueringer due in [today - dager, today), not signed off (for the
    selected virksomheter that own them), oldest first. A vindu is due at its end: it is
    looked for as far back as the plan's longest vindu lasts."""
    o = Oppfoelger(plan, logg, today, virksomheter)
    result = []
    fra = today - timedelta(days=dager)
    for f in expand(plan, fra - lengste_vindu(plan), today, virksomheter or None):
        if f.type.er_frist and f.siste_dag >= fra:
            s = o.status(f)
            if s.status is Status.FORFALT:
                result.append(s)
    return result


def utfort_datoer(plan: Plan, logg: Kvitteringslogg, virksomheter: Sequence[str] | None = None) -> dict[str, date]:
    """nøkkel → the day it was done, for what is done (for the selected virksomheter that
    own it, else for every owner): what a calendar marks «utført». Read from the nøkkel
    (tiltak.hendelse.periode), so no expansion is needed."""
    valgt = _valgte(plan, virksomheter or ())
    ut: dict[str, date] = {}
    for nokkel, events in logg.items():
        tiltak_id, _, rest = nokkel.partition(".")
        hendelse_id = rest.partition(".")[0]
        h = finn_hendelse(plan, tiltak_id, hendelse_id)
        if h is None:
            continue
        kvitterer = eiere(plan, h.ansvar) if kvitteringsform(h, h.type) is Kvitteringsform.HVER else ()
        if kvitterer:
            gjelder = [v for v in kvitterer if v in valgt] or kvitterer
            mine = [i_kraft(events, v) for v in gjelder]
        else:
            mine = [i_kraft_felles(events)]
        if all(k is not None for k in mine):
            dager = [k.utfort for k in mine if k is not None and k.utfort is not None]
            if dager:
                ut[nokkel] = max(dager)
    return ut


def utfort_tekst(k: Kvittering) -> str:
    """"Utført 25.03.2027" (the date the work was done, not when it was recorded)."""
    return f"Utført {format_dato(k.utfort)}" if k.utfort is not None else "Utført"


def forfalt_tekst(dager: int) -> str:
    """"forfalt i 5 dager" / "forfalt i 1 dag"."""
    return f"forfalt i {dager} dag" + ("" if dager == 1 else "er")


# --- orphans and ids ---------------------------------------------------------------


def _alle(plan: Plan, today: date) -> list[Forekomst]:
    """Every occurrence from the plan period (or five years back) to five years ahead."""
    lo, hi = _standard_vindu(plan, today)
    return expand(plan, lo, hi + timedelta(days=1))


def foreldreloese(plan: Plan, logg: Kvitteringslogg, today: date) -> list[Kvittering]:
    """Sign-offs in force whose nokkel no occurrence of the plan has any more, by nokkel
    (the newest in force of each, whoever it is for).

    The plan is expanded around each sign-off's date, not over the span they cover: two
    imported sign-offs dated 1900 and 2200 asked for 300 years of occurrences at once.
    Expanding a window gives what expanding its parts gives (expand.py), so the keys are
    the same."""
    kvitteringer = {n: k for n, events in logg.items() if (k := i_kraft_felles(events)) is not None}
    if not kvitteringer:
        return []
    margin = timedelta(days=400)
    vinduer = [_standard_vindu(plan, today)]
    for k in kvitteringer.values():
        d = k.forekomst_dato
        # No plan has an occurrence outside these years (plan/yamlnodes.py): such a
        # sign-off matches nothing, and d ± margin could leave what `date` can hold.
        if d is not None and AAR_MIN <= d.year <= AAR_MAX:
            vinduer.append((d - margin, d + margin))
    kjente: set[str] = set()
    for lo, hi in _slaa_sammen(vinduer):
        kjente.update(f.nokkel for f in expand(plan, lo, hi + timedelta(days=1)))
    return [k for n, k in sorted(kvitteringer.items()) if n not in kjente]


def _standard_vindu(plan: Plan, today: date) -> tuple[date, date]:
    """The plan period (or five years back) to five years ahead."""
    lo = min([plan.periode_fra or today - timedelta(days=5 * 366), today - timedelta(days=5 * 366)])
    hi = max([plan.periode_til or today, today + timedelta(days=5 * 366)])
    return lo, hi


def _slaa_sammen(vinduer: list[tuple[date, date]]) -> list[tuple[date, date]]:
    """Overlapping or touching windows joined, in date order."""
    ut: list[tuple[date, date]] = []
    for lo, hi in sorted(vinduer):
        if ut and lo <= ut[-1][1] + timedelta(days=1):
            ut[-1] = (ut[-1][0], max(ut[-1][1], hi))
        else:
            ut.append((lo, hi))
    return ut


_SKOLEAAR_I_ID = re.compile(r"^(?P<hendelse>.+?)[ .](?P<start>\d{4})[/-](?P<slutt>\d{2}|\d{4})$")


def finn_forekomst(plan: Plan, tekst: str, today: date) -> Forekomst:
    """The occurrence meant by `tekst`: its id ("pmto.evaluering.2027-03-31"), its nokkel
    ("pmto.evaluering.2027-03") or "tiltak.hendelse SKOLEÅR" ("pmto.evaluering 2026/27",
    "pmto.evaluering.2026-27") when the hendelse has one occurrence that school year.
    UsageError otherwise, naming the closest ids."""
    s = tekst.strip()
    funnet = _paa_dagen(plan, s, today)
    if funnet is not None:
        return funnet
    alle = _alle(plan, today)
    for f in alle:
        if s in (f.id, f.nokkel):
            return f
    m = _SKOLEAAR_I_ID.match(s)
    if m is not None:
        start, slutt = int(m["start"]), int(m["slutt"])
        if slutt in (start + 1, (start + 1) % 100):
            hendelse = m["hendelse"]
            treff = [
                f for f in alle
                if f"{f.tiltak_id}.{f.hendelse_id}" == hendelse and skoleaar_start(f.dato) == start
            ]  # fmt: skip
            if len(treff) == 1:
                return treff[0]
            if treff:
                raise UsageError(
                    f"«{tekst}» passer på {len(treff)} forekomster i skoleåret {format_skoleaar(start)}; "
                    f"skriv en av: {', '.join(f.id for f in treff[:8])}{' …' if len(treff) > 8 else ''}."
                )
    raise UsageError(f"Ukjent forekomst «{tekst}».{_forslag(s, alle, today)}")


def _paa_dagen(plan: Plan, ident: str, today: date) -> Forekomst | None:
    """An exact id names its day: the occurrence found by expanding that day only, where
    it lies in the window finn_forekomst searches. What every web form sends: ~1 ms
    instead of ~30 ms for the ten years of the shipped plan (bench/serve_last.py)."""
    m = FOREKOMST_ID_FORM.fullmatch(ident)
    if m is None:
        return None
    try:
        dag = date.fromisoformat(ident[-10:])
    except ValueError:
        return None
    lo, hi = _standard_vindu(plan, today)
    if not lo <= dag <= hi:
        return None
    return next((f for f in expand(plan, dag, dag + timedelta(days=1)) if f.id == ident), None)


UKE_FORKLARING = (
    "Uke-regler kvitteres med ISO-uke, f.eks. 2026-W39 = uke 39 i 2026, eller med forekomstens dato."
)
_UKE_I_ID = re.compile(r"^(\d{4})-W(\d{1,2})$")
_MAANED_I_ID = re.compile(r"^(\d{4})-(\d{1,2})$")
_SKOLEAAR_HALE = re.compile(r"^(\d{4})[/-](\d{2}|\d{4})$")


def _ment_dato(hale: str, today: date) -> date:
    """The day a user meant by what follows «tiltak.hendelse.»: a date, a month, an ISO
    week, a year or a school year; today when it says none of those."""
    try:
        return date.fromisoformat(hale)
    except ValueError:
        pass
    try:
        if m := _UKE_I_ID.match(hale):
            return date.fromisocalendar(int(m[1]), max(1, min(int(m[2]), 52)), 4)
        if m := _MAANED_I_ID.match(hale):
            return date(int(m[1]), max(1, min(int(m[2]), 12)), 15)
        if m := _SKOLEAAR_HALE.match(hale):
            return date(int(m[1]) + 1, 2, 1)
        if re.fullmatch(r"\d{4}", hale):
            return date(int(hale), 7, 1)
    except ValueError:  # a year outside what `date` holds
        pass
    return today


def _forslag(tekst: str, alle: Sequence[Forekomst], today: date) -> str:
    """« Nærmeste: …» for an unknown id. With the hendelse right, its occurrences nearest
    in time to the day the user typed (or to today) come first, then the most alike."""
    import difflib

    hendelser = {f"{f.tiltak_id}.{f.hendelse_id}" for f in alle}
    prefix = next((h for h in sorted(hendelser, key=len, reverse=True) if tekst.startswith(h)), None)
    if prefix is not None:  # the hendelse is right, the period is not: show its nearest ones
        egne = [f for f in alle if f"{f.tiltak_id}.{f.hendelse_id}" == prefix]
        maal = _ment_dato(tekst[len(prefix) :].lstrip(". "), today)

        def likhet(f: Forekomst) -> float:
            return difflib.SequenceMatcher(None, tekst, f.id).ratio()

        naermeste = sorted(egne, key=lambda f: (abs((f.dato - maal).days), -likhet(f)))[:3]
        uker = any("-W" in f.nokkel for f in egne)
        navn = [f"{f.id} (uke {f.nokkel[len(prefix) + 1 :]})" if uker else f.id for f in naermeste]
        if navn:
            return f" Nærmeste: {', '.join(navn)}." + (f" {UKE_FORKLARING}" if uker else "")
    else:
        navn = [f"{h}.…" for h in difflib.get_close_matches(tekst, sorted(hendelser), n=3, cutoff=0.5)]
    if not navn:
        return " Se id-ene med «aarshjul status --format json»."
    return f" Nærmeste: {', '.join(navn)}."
