"""Expand a plan's hendelser into dated forekomster within a window.

The window is half-open, [fra, til): expanding [a, c) gives exactly what expanding
[a, b) and [b, c) give together. Rules are evaluated a margin beyond the window and
filtered on the final date, so a date moved off a holiday lands in the right window.
All dates are plain `date`s: plan dates are all-day, so no time zone or DST applies.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Iterator
from datetime import date, datetime, timedelta

from aarshjul import keys
from aarshjul.dates import skoleaar_start
from aarshjul.model import (
    Dagregel,
    Enkeltdato,
    EtterDato,
    Flytt,
    Forekomst,
    Hendelse,
    Maanedlig,
    Plan,
    Relativ,
    Rolle,
    RRegel,
    Tiltak,
    Ukentlig,
    Ventende,
)
from aarshjul.workdays import Arbeidskalender

# How far beyond the window raw dates are computed. A date moves at most past a run
# of non-working days (Easter: 5 days; plus closed days the plan lists, capped in plan.py).
MARGIN = timedelta(days=70)
_ALLOWED_FREQ = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")


def arbeidskalender(plan: Plan) -> Arbeidskalender:
    return Arbeidskalender(plan.stengte_dager, plan.stengte_datoer)


def expand(
    plan: Plan,
    fra: date,
    til: date,
    virksomheter: Iterable[str] | None = None,
) -> list[Forekomst]:
    """Every forekomst with fra <= dato < til, sorted by date, time and id.

    With virksomheter, only those where one of them is ansvarlig or deltar.
    """
    expander = _Expander(plan)
    result: list[Forekomst] = []
    for tiltak in plan.tiltak:
        for hendelse in tiltak.hendelser:
            result.extend(expander.forekomster(tiltak, hendelse, fra, til))
    if virksomheter is not None:
        wanted = tuple(virksomheter)
        result = [f for f in result if any(rolle(plan, f, v) for v in wanted)]
    result.sort(key=lambda f: f.sorteringsnokkel)
    return result


def waiting(plan: Plan, virksomheter: Iterable[str] | None = None) -> list[Ventende]:
    """Hendelser that wait for a named date nobody has filled in ("når stillingen er besatt")."""
    result = []
    wanted = tuple(virksomheter) if virksomheter is not None else None
    for tiltak in plan.tiltak:
        for h in tiltak.hendelser:
            if not isinstance(h.naar, EtterDato):
                continue
            navngitt = plan.datoer.get(h.naar.dato_id)
            if navngitt is None or navngitt.dato is not None:
                continue
            v = Ventende(
                tiltak_id=tiltak.id, tiltak_navn=tiltak.navn, hendelse_id=h.id, tittel=h.tittel,
                type=h.type, ansvar=h.ansvar, deltakere=h.deltakere, kilde=h.kilde,
                dato_id=navngitt.id, dato_navn=navngitt.navn, innen_tekst=h.naar.innen_tekst,
                antatt=h.antatt,
            )  # fmt: skip
            if wanted is None or any(rolle(plan, v, w) for w in wanted):
                result.append(v)
    return result


def rolle(plan: Plan, item: Forekomst | Ventende, virksomhet: str) -> Rolle | None:
    """ansvarlig when named in ansvar; deltar when named in deltakere or a member of a
    group (samordningsgruppa) that is named in either."""
    if virksomhet in item.ansvar:
        return Rolle.ANSVARLIG
    if virksomhet in item.deltakere:
        return Rolle.DELTAR
    for key in (*item.ansvar, *item.deltakere):
        group = plan.virksomheter.get(key)
        if group is not None and virksomhet in group.medlemmer:
            return Rolle.DELTAR
    return None


def rrule_problem(regel: str, start: date) -> str | None:
    """Why a raw RRULE cannot be used, in bokmål, or None when it can."""
    from dateutil.rrule import rrulestr

    text = regel.strip()
    if text.upper().startswith("RRULE:"):
        text = text[6:]
    parts = dict(p.split("=", 1) for p in text.upper().split(";") if "=" in p)
    if parts.get("FREQ") not in _ALLOWED_FREQ:
        return f"FREQ må være en av {', '.join(_ALLOWED_FREQ)}"
    if "DTSTART" in text.upper():
        return "start-datoen skrives som «start:», ikke i regelen"
    try:
        rrulestr(text, dtstart=datetime.combine(start, datetime.min.time()))
    except (ValueError, TypeError) as e:
        return str(e)
    return None


class _Expander:
    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.kalender = arbeidskalender(plan)
        self.by_id = {f"{t.id}.{h.id}": (t, h) for t in plan.tiltak for h in t.hendelser}

    def forekomster(self, tiltak: Tiltak, h: Hendelse, fra: date, til: date) -> list[Forekomst]:
        result: list[Forekomst] = []
        seen: set[date] = set()
        # Nothing before the plan exists unless the hendelse says so (an earlier gyldig_fra).
        start = h.gyldig_fra or self.plan.periode_fra
        for raw, periode, base in self._raw_dates(h, fra - MARGIN, til + MARGIN):
            if raw.month in h.unntatt_maaneder:
                continue
            final = self._shift(raw, h.flytt)
            if final is None or final in seen or not fra <= final < til:
                continue
            if (start and final < start) or (h.gyldig_til and final > h.gyldig_til):
                continue
            seen.add(final)
            antatt = h.antatt
            if antatt is None and base is not None and base.antatt is not None:
                # A date computed from an assumed date is assumed too, and says which.
                antatt = f"følger antatt dato for «{base.tittel}» ({base.antatt})"
            result.append(Forekomst(
                id=f"{tiltak.id}.{h.id}.{final.isoformat()}", nokkel=keys.nokkel(tiltak.id, h.id, periode),
                periode=periode, dato=final, tiltak_id=tiltak.id,
                tiltak_navn=tiltak.navn, hendelse_id=h.id, tittel=h.tittel, type=h.type,
                ansvar=h.ansvar, deltakere=h.deltakere, kilde=h.kilde, varsel=h.varsel,
                antatt=antatt, tid=h.tid, slutt=h.slutt, sone=tiltak.sone,
                beskrivelse=h.beskrivelse, flyttet_fra=raw if raw != final else None,
                flyttet_grunn=self.kalender.flyttet_grunn(raw, final) if raw != final else None,
                sted=h.sted, ansvar_antatt=h.ansvar_antatt,
            ))  # fmt: skip
        return result

    def _shift(self, raw: date, flytt: Flytt) -> date | None:
        if flytt is Flytt.INGEN or self.kalender.er_arbeidsdag(raw):
            return raw
        if flytt is Flytt.TIDLIGERE:
            return self.kalender.forrige_arbeidsdag(raw)
        if flytt is Flytt.SENERE:
            return self.kalender.neste_arbeidsdag(raw)
        return None  # hopp_over

    def _raw_dates(self, h: Hendelse, lo: date, hi: date) -> Iterator[tuple[date, str, Forekomst | None]]:
        """The rule's dates in [lo, hi], before moving off non-working days, each with
        the periode of its stable key (aarshjul/keys.py) and, for `etter:`, the base
        forekomst it follows (its antatt is inherited)."""
        naar = h.naar
        if isinstance(naar, Maanedlig):
            for d in self._maanedlig(naar, lo, hi):
                yield d, keys.maaned_periode(d), None
        elif isinstance(naar, Ukentlig):
            d = lo + timedelta(days=(naar.ukedag - lo.weekday()) % 7)
            while d <= hi:
                yield d, keys.uke_periode(d), None
                d += timedelta(days=7)
        elif isinstance(naar, Enkeltdato):
            if lo <= naar.dato <= hi:
                yield naar.dato, keys.ENGANG, None
        elif isinstance(naar, EtterDato):
            navngitt = self.plan.datoer.get(naar.dato_id)
            if navngitt is not None and navngitt.dato is not None:
                d = navngitt.dato + naar.innen
                if lo <= d <= hi:
                    yield d, keys.ENGANG, None
        elif isinstance(naar, Relativ):
            tiltak, base = self.by_id[naar.etter]
            for f in self.forekomster(tiltak, base, lo - naar.innen, hi - naar.innen + timedelta(days=1)):
                yield f.dato + naar.innen, f.periode, f
        elif isinstance(naar, RRegel):
            for d in _rrule_dates(naar, lo, hi):
                yield d, keys.dato_periode(d), None

    def _maanedlig(self, regel: Maanedlig, lo: date, hi: date) -> Iterator[date]:
        for aar in range(lo.year, hi.year + 1):
            for mnd in sorted(regel.maaneder):
                if regel.hvert_aar > 1 and regel.startaar is not None:
                    telles = skoleaar_start(date(aar, mnd, 1)) if regel.skoleaar else aar
                    # startår is the series' first (school) year, not only its parity.
                    if telles < regel.startaar or (telles - regel.startaar) % regel.hvert_aar:
                        continue
                d = self._dag_i_maaned(regel.dag, aar, mnd)
                if lo <= d <= hi:
                    yield d

    def _dag_i_maaned(self, regel: Dagregel, aar: int, mnd: int) -> date:
        siste = calendar.monthrange(aar, mnd)[1]
        if regel.art == "dato":
            return date(aar, mnd, min(regel.n, siste))
        if regel.art == "siste_dag":
            return date(aar, mnd, siste)
        if regel.art == "arbeidsdag":
            if regel.n > 0:
                return self.kalender.neste_arbeidsdag(date(aar, mnd, 1))
            return self.kalender.forrige_arbeidsdag(date(aar, mnd, siste))
        assert regel.ukedag is not None
        if regel.n > 0:
            first = date(aar, mnd, 1)
            return first + timedelta(days=(regel.ukedag - first.weekday()) % 7 + 7 * (regel.n - 1))
        last = date(aar, mnd, siste)
        return last - timedelta(days=(last.weekday() - regel.ukedag) % 7)


def _rrule_dates(regel: RRegel, lo: date, hi: date) -> Iterator[date]:
    from dateutil.rrule import rrulestr

    text = regel.regel.strip()
    if text.upper().startswith("RRULE:"):
        text = text[6:]
    rule = rrulestr(text, dtstart=datetime.combine(regel.start, datetime.min.time()))
    lo_dt = datetime.combine(lo, datetime.min.time())
    hi_dt = datetime.combine(hi, datetime.max.time())
    for dt in rule.between(lo_dt, hi_dt, inc=True):
        yield dt.date()
