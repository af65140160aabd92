"""Follow-up (oppfølging): what is done, overdue, coming or waiting.

Core code: no terminal, no clock, no SQL. Callers pass the plan, today's date and the
sign-offs in force (``aarshjul.storage.store.read_gjeldende(path)``: nokkel → Kvittering; an
empty dict when nobody has signed anything off).

The API other modules use:

- ``Status``: ``utført`` (signed off), ``forfalt`` (a frist or evaluering whose date is
  before today, not signed off), ``kommende`` (today or later, not signed off),
  ``passert`` (a møte or aktivitet whose date has passed with no sign-off: only frister
  and evalueringer can be forfalt) and ``venter`` (waiting for a named date, no date yet).
- ``status_for(forekomst, kvitteringer, today) -> Oppfoelging``: one occurrence's state,
  with ``dager_forfalt`` and ``for_sent`` ("late": signed off as done after the deadline).
- ``med_status(forekomster, kvitteringer, today)``: the same for a list, order kept.
- ``forfalte(plan, today, kvitteringer, virksomheter)``: the overdue list for `next`,
  the digest and `status --forfalt`: frister and evalueringer in the FORFALT_DAGER days
  before `today`, not signed off, oldest first.
- ``aarshjul.engine.select.med_oppfoelging(plan, rader, kvitteringer, today, fra, virksomheter)``:
  `next`'s rows with their follow-up, the overdue ones first (``Rad.forfalt``),
  signed-off early warnings left out. (In select.py, so that this module does not
  import select: select's Rad refers to Oppfoelging.)
- ``utfort_tekst(kvittering)``: "Utført 25.03.2027", the words every renderer shows.
- ``foreldreloese(plan, kvitteringer)``: sign-offs whose occurrence no longer exists in
  the plan (for `check`; never dropped silently).
- ``finn_forekomst(plan, tekst, today)``: the occurrence a user means by an id, a nokkel
  or a short form ("pmto.evaluering 2026/27"); UsageError naming the closest ones.

A sign-off belongs to ``Forekomst.nokkel`` (aarshjul/keys.py), so it stays with its
occurrence when a holiday or an edited day rule moves the date within its period.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from aarshjul.dates import format_dato, format_skoleaar, skoleaar_start
from aarshjul.engine.expand import expand, waiting
from aarshjul.errors import UsageError
from aarshjul.model import Forekomst, Kvittering, Plan, Ventende
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
class Oppfoelging:
    """The follow-up state of one occurrence (or of one hendelse waiting for a date)."""

    status: Status
    forekomst: Forekomst | None  # None only for venter
    ventende: Ventende | None = None  # set only for venter
    kvittering: Kvittering | None = None  # the sign-off in force, when utført
    dager_forfalt: int = 0  # forfalt: days since the deadline (today - dato)
    for_sent: bool = False  # utført after the deadline (frister and evalueringer only)


def status_for(f: Forekomst, kvitteringer: Mapping[str, Kvittering], today: date) -> Oppfoelging:
    k = kvitteringer.get(f.nokkel)
    if k is not None and k.er_kvittert:
        sent = f.type.er_frist and k.utfort is not None and k.utfort > f.dato
        return Oppfoelging(Status.UTFOERT, f, kvittering=k, for_sent=sent)
    if f.dato >= today:
        return Oppfoelging(Status.KOMMENDE, f)
    if f.type.er_frist:
        return Oppfoelging(Status.FORFALT, f, dager_forfalt=(today - f.dato).days)
    return Oppfoelging(Status.PASSERT, f)


def med_status(
    forekomster: Iterable[Forekomst], kvitteringer: Mapping[str, Kvittering], today: date
) -> list[Oppfoelging]:
    return [status_for(f, kvitteringer, today) for f in forekomster]


def venter(plan: Plan, virksomheter: Sequence[str] | None = None) -> list[Oppfoelging]:
    return [Oppfoelging(Status.VENTER, None, ventende=v) for v in waiting(plan, virksomheter or None)]


def forfalte(
    plan: Plan,
    today: date,
    kvitteringer: Mapping[str, Kvittering],
    virksomheter: Sequence[str] | None = None,
    dager: int = FORFALT_DAGER,
) -> list[Oppfoelging]:
    """Frister and evalueringer dated in [today - dager, today), not signed off, oldest first."""
    result = []
    for f in expand(plan, today - timedelta(days=dager), today, virksomheter or None):
        if f.type.er_frist:
            o = status_for(f, kvitteringer, today)
            if o.status is Status.FORFALT:
                result.append(o)
    return result


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


def foreldreloese(plan: Plan, kvitteringer: Mapping[str, Kvittering], today: date) -> list[Kvittering]:
    """Sign-offs in force whose nokkel no occurrence of the plan has any more, by nokkel.

    The plan is expanded around each sign-off's date, not over the span they cover: two
    imported sign-offs dated 1900 and 2200 asked for 300 years of occurrences at once.
    Expanding a window gives what expanding its parts gives (expand.py), so the keys are
    the same."""
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
    raise UsageError(f"Ukjent forekomst «{tekst}».{_forslag(s, alle)}")


def _forslag(tekst: str, alle: Sequence[Forekomst]) -> str:
    import difflib

    hendelser = {f"{f.tiltak_id}.{f.hendelse_id}" for f in alle}
    prefix = next((h for h in sorted(hendelser, key=len, reverse=True) if tekst.startswith(h)), None)
    if prefix is not None:  # the hendelse is right, the period is not: show its nearest ones
        egne = [f.id for f in alle if f"{f.tiltak_id}.{f.hendelse_id}" == prefix]
        navn = difflib.get_close_matches(tekst, egne, n=3, cutoff=0.0)
    else:
        navn = [f"{h}.…" for h in difflib.get_close_matches(tekst, sorted(hendelser), n=3, cutoff=0.5)]
    if not navn:
        return " Se id-ene med «aarshjul status --format json»."
    return f" Nærmeste: {', '.join(navn)}."
