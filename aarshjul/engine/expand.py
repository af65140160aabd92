"""Expand a plan's hendelser into dated forekomster within a window.

The window is half-open, [fra, til): expanding [a, c) gives exactly what expanding
[a, b) and [b, c) give together. Rules are evaluated a margin beyond the window and
filtered on the final date, so a date moved off a holiday lands in the right window.
All dates are plain `date`s: plan dates are all-day, so no time zone or DST applies.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from operator import itemgetter
from typing import TYPE_CHECKING, Any, Final

from aarshjul import keys
from aarshjul.dates import skoleaar_start
from aarshjul.engine.roles import rolle
from aarshjul.engine.workdays import Arbeidskalender
from aarshjul.model import (
    Dagregel,
    Enkeltdato,
    EtterAarsdato,
    EtterDato,
    EtterFerie,
    Flytt,
    FoerFerie,
    Forekomst,
    Hendelse,
    Hoppet,
    Maanedlig,
    Plan,
    Relativ,
    RRegel,
    Tiltak,
    Ukentlig,
    Ukenummer,
    Ventende,
    Vindu,
)
from aarshjul.plan.rrule import rrule_text

if TYPE_CHECKING:
    from dateutil.relativedelta import relativedelta

    from aarshjul.model import Ferieperiode
    from aarshjul.plan.ferier import Feriekalender

# How far beyond the window raw dates are computed. A date moves at most past a run
# of non-working days (Easter: 5 days; plus closed days the plan lists, capped in plan.py).
# A meeting moved out of a ferie can move further, by the plan's longest ferie (an
# 8-week summer holiday): _Expander adds that to the margin.
MARGIN = timedelta(days=70)
# A ferie move never searches further than this (the loader caps a run of ferie days at
# ferier.MAKS_FERIE_DAGER); past it the occurrence is dropped rather than looping.
_MAKS_FLYTT_DAGER = 400


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
    return list(iter_expand(plan, fra, til, virksomheter))


def iter_expand(
    plan: Plan,
    fra: date,
    til: date,
    virksomheter: Iterable[str] | None = None,
) -> Iterator[Forekomst]:
    """expand(plan, fra, til, virksomheter) one by one: the same forekomster in the same
    order, each made only when it is yielded.

    The rules are evaluated for the whole window first, as small tuples (_Draft); a date
    becomes a Forekomst only on its way out, so a caller that writes each one and lets it
    go holds one forekomst at a time, not the window's.
    """
    expander = _Expander(plan)
    expander.prepare(fra, til)
    wanted = tuple(virksomheter) if virksomheter is not None else None
    # (id prefix, tiltak, hendelse) of the hendelser wanted. A forekomst has its
    # hendelse's ansvar and deltakere, so the role is the hendelse's.
    valgt = [
        (keys.nokkel_prefiks(t.id, h.id), t, h) for t in plan.tiltak for h in t.hendelser
        if wanted is None or any(rolle(plan, h, v) for v in wanted)
    ]  # fmt: skip
    alle: list[_Draft] = []
    for _, tiltak, hendelse in valgt:
        ferdig = expander.memo.get(f"{tiltak.id}.{hendelse.id}")
        if ferdig is None:
            alle.extend(expander.drafts(tiltak, hendelse, fra, til))
        else:
            alle.extend(u for u in ferdig if fra <= u[_DATO] < til)
    # The order is (dato, tid or 00:00, id): stable sorts, the last key first.
    alle.sort(key=_draft_id)
    alle.sort(key=_draft_time)
    alle.sort(key=itemgetter(_DATO))
    slutt = plan.periode_til
    if slutt is None or not alle or alle[-1][_DATO] <= slutt:
        yield from map(_make, alle)
        return
    # Only a videreført plan has drafts after its period (_Expander._datoer); they say so.
    for u in alle:
        yield _make(u, u[_DATO] > slutt)


def hoppet_over(plan: Plan, fra: date, til: date) -> list[Hoppet]:
    """The dates with fra <= dato < til that `flytt: hopp_over` drops, and a weekly
    meeting's dates in a ferie, by hendelse then date: what a rule gave and expand did
    not. Only hendelser that skip are walked again, so the cost is theirs (a weekly
    meeting or two), not the plan's."""
    expander = _Expander(plan)
    ut: list[Hoppet] = []
    for t in plan.tiltak:
        for h in t.hendelser:
            ukentlig_i_ferier = isinstance(h.naar, Ukentlig) and h.unngaa_ferier and expander.ferier is not None
            if not (h.flytt is Flytt.HOPP_OVER or ukentlig_i_ferier) or isinstance(h.naar, Relativ):
                continue
            datoer: list[tuple[date, str, bool]] = []
            for _ in expander._datoer(h, fra, til, datoer):
                pass
            ut.extend(Hoppet(t.id, h.id, d, grunn, ferie) for d, grunn, ferie in datoer)
    return ut


# A forekomst before it is made (iter_expand): its hendelse's template and the id prefix,
# then the fields that differ between forekomster of one hendelse:
# (template, prefix, dato, periode, antatt, flyttet_fra, flyttet_grunn, sluttdato).
_Draft = tuple[Forekomst, str, date, str, str | None, date | None, str | None, date | None]
# Positions in an _Draft (Final: mypy reads u[_DATO] as a date).
_TEMPLATE: Final = 0
_DATO: Final = 2
_PERIODE: Final = 3
_ANTATT: Final = 4


def _make(u: _Draft, etter_planperioden: bool = False) -> Forekomst:
    """The forekomst a draft stands for: id "tiltak.hendelse.dato", nøkkel
    "tiltak.hendelse.periode" (aarshjul/keys.py); etter_planperioden when its date is
    after the period of a videreført plan."""
    t, pre, dato, periode, antatt, flyttet_fra, grunn, sluttdato = u
    # The constructor: dataclasses.replace takes twice as long (~4 vs ~9 µs), once per forekomst.
    return Forekomst(
        id=pre + dato.isoformat(), nokkel=pre + periode, periode=periode, dato=dato,
        tiltak_id=t.tiltak_id, tiltak_navn=t.tiltak_navn, hendelse_id=t.hendelse_id, tittel=t.tittel,
        type=t.type, ansvar=t.ansvar, deltakere=t.deltakere, kilde=t.kilde, varsel=t.varsel,
        antatt=antatt, tid=t.tid, slutt=t.slutt, sone=t.sone, beskrivelse=t.beskrivelse,
        flyttet_fra=flyttet_fra, flyttet_grunn=grunn, sted=t.sted, ansvar_antatt=t.ansvar_antatt,
        deltakere_antatt=t.deltakere_antatt, lagt_til=t.lagt_til, etter_planperioden=etter_planperioden,
        sluttdato=sluttdato,
    )  # fmt: skip


def _draft_id(u: _Draft) -> str:
    return u[1] + u[_DATO].isoformat()


def _draft_time(u: _Draft) -> time:
    return u[_TEMPLATE].tid or _MIDNATT


_MIDNATT = time(0, 0)


def etter_baser(plan: Plan, forekomster: Sequence[Forekomst]) -> dict[str, Forekomst]:
    """The occurrences that `etter:` forekomster follow but that are not among them, by
    nøkkel: a meeting before (or, for a negative offset, after) the window, or one of
    another virksomhet. The ICS names the evaluated meeting with its date whatever the
    window: «Gjelder: Felles arbeidsseminar … 09.09.2026». Used by the ICS
    commands (ics, ics --alle, publiser); any renderer may name the base the same way.

    Each missing base is expanded over a few days around its date (the follower's rule
    date minus the offset; a month offset can land up to three days off), only its own
    hendelse and the ones it follows in turn, so the cost grows with what is missing.
    """
    regler = {(t.id, h.id): h.naar for t in plan.tiltak for h in t.hendelser if isinstance(h.naar, Relativ)}
    if not regler:
        return {}
    har = {f.nokkel for f in forekomster}
    # base "tiltak.hendelse" -> the nøkler wanted and the window [lo, hi) they lie in
    mangler: dict[str, tuple[set[str], date, date]] = {}
    rom = timedelta(days=7)
    for f in forekomster:
        naar = regler.get((f.tiltak_id, f.hendelse_id))
        if naar is None:
            continue
        nokkel = f"{naar.etter}.{f.periode}"
        if nokkel in har:
            continue
        try:
            dato = (f.flyttet_fra or f.dato) - naar.innen
            lo, hi = dato - rom, dato + rom
        except (OverflowError, ValueError):  # at the ends of the calendar
            continue
        kjent = mangler.get(naar.etter)
        if kjent is None:
            mangler[naar.etter] = ({nokkel}, lo, hi)
        else:
            kjent[0].add(nokkel)
            mangler[naar.etter] = (kjent[0], min(kjent[1], lo), max(kjent[2], hi))
    hendelser = {f"{t.id}.{h.id}": h for t in plan.tiltak for h in t.hendelser}
    funnet: dict[str, Forekomst] = {}
    for base, (nokler, lo, hi) in mangler.items():
        # The base hendelse and the chain it follows: a plan with only those expands
        # them exactly as the whole plan does.
        kjede = {base}
        h = hendelser.get(base)
        while h is not None and isinstance(h.naar, Relativ) and h.naar.etter not in kjede:
            kjede.add(h.naar.etter)
            h = hendelser.get(h.naar.etter)
        delplan = replace(plan, tiltak=tuple(
            replace(t, hendelser=tuple(h for h in t.hendelser if f"{t.id}.{h.id}" in kjede))
            for t in plan.tiltak if any(f"{t.id}.{h.id}" in kjede for h in t.hendelser)
        ))  # fmt: skip
        for f in expand(delplan, lo, hi):
            if f.nokkel in nokler:
                funnet[f.nokkel] = f
    return funnet


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




class _Expander:
    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.kalender = arbeidskalender(plan)
        self.ferier: Feriekalender | None = None
        self.margin = MARGIN
        if plan.ferier:
            from aarshjul.plan.ferier import Feriekalender

            self.ferier = Feriekalender(plan.ferier)
            self.margin = MARGIN + timedelta(days=self.ferier.lengste_dager())
        self.by_id = {f"{t.id}.{h.id}": (t, h) for t in plan.tiltak for h in t.hendelser}
        # Forekomster of every hendelse another follows, over a window covering all its
        # followers (prepare). Key: "tiltak.hendelse".
        self.memo: dict[str, list[_Draft]] = {}
        # Computed once for all hendelser: a base date + an offset, and a day rule's date
        # in a (year, month). With shared_dates below: ~2 s (~20 %) of `publiser` into an
        # empty folder on the big-city plan (bench/storby.py), which expands for each page.
        self.pluss: dict[relativedelta, dict[date, date]] = {}
        # A rule's forekomst dates (drafts), shared by the hendelser that have it.
        self.shared_dates: dict[tuple[Any, ...], list[tuple[date, str, date | None, str | None]]] = {}
        self.dager: dict[Dagregel, dict[tuple[int, int], date]] = {}
        # The ferier of one name (casefolded) starting in a year, merged (ferie_perioder).
        self.ferie_aar: dict[tuple[str, int], list[Ferieperiode]] = {}

    def prepare(self, fra: date, til: date) -> None:
        """Expand each hendelse that others follow (`etter:`) once, bases before followers.

        A follower then reads its base from the memo instead of expanding it again, so a
        chain of any length is neither recursion (1,000 `etter:` raised RecursionError)
        nor quadratic work. The memo holds the base over the union of the windows its
        followers need; filtering it to one follower's window gives exactly what expanding
        that window gives, since a date never moves by MARGIN or more.
        """
        bases: dict[str, str] = {}
        for key, (_, h) in self.by_id.items():
            if isinstance(h.naar, Relativ) and h.naar.etter in self.by_id:
                bases[key] = h.naar.etter
        if not bases:
            return
        depth = _depths(bases)
        windows = {key: (fra, til) for key in self.by_id}
        for key in sorted(bases, key=depth.__getitem__, reverse=True):  # followers first
            naar = self.by_id[key][1].naar
            assert isinstance(naar, Relativ)
            lo, hi = windows[key]
            base_lo, base_hi = _base_window(naar, _minus(lo, self.margin), _minus(hi, -self.margin))
            old_lo, old_hi = windows[bases[key]]
            windows[bases[key]] = (min(old_lo, base_lo), max(old_hi, base_hi))
        for key in sorted(set(bases.values()), key=depth.__getitem__):  # bases first
            tiltak, h = self.by_id[key]
            self.memo[key] = self.drafts(tiltak, h, *windows[key])

    def forekomster(self, tiltak: Tiltak, h: Hendelse, fra: date, til: date) -> list[Forekomst]:
        """The hendelse's forekomster with fra <= dato < til, by date."""
        slutt = self.plan.periode_til
        return [_make(u, slutt is not None and u[_DATO] > slutt) for u in self.drafts(tiltak, h, fra, til)]

    def drafts(self, tiltak: Tiltak, h: Hendelse, fra: date, til: date) -> list[_Draft]:
        """The hendelse's forekomster with fra <= dato < til, by date, as drafts (_make
        makes each one)."""
        # What every forekomst of the hendelse shares; _make makes each date's from it.
        pre = keys.nokkel_prefiks(tiltak.id, h.id)  # the id too is "tiltak.hendelse." + date
        template = Forekomst(
            id=pre, nokkel=pre, periode="", dato=fra, tiltak_id=tiltak.id,
            tiltak_navn=tiltak.navn, hendelse_id=h.id, tittel=h.tittel, type=h.type,
            ansvar=h.ansvar, deltakere=h.deltakere, kilde=h.kilde, varsel=h.varsel,
            antatt=h.antatt, tid=h.tid, slutt=h.slutt, sone=tiltak.sone,
            beskrivelse=h.beskrivelse, sted=h.sted, ansvar_antatt=h.ansvar_antatt,
            deltakere_antatt=h.deltakere_antatt, lagt_til=h.lagt_til,
        )  # fmt: skip
        antatt = h.antatt
        if isinstance(h.naar, Relativ):  # each date follows a base forekomst, its antatt too
            result: list[_Draft] = []
            for final, periode, raw, grunn, base in self._datoer(h, fra, til):
                a = antatt
                if a is None and base is not None and base[_ANTATT] is not None:
                    # A date computed from an assumed date is assumed too, and says which.
                    a = f"følger antatt dato for «{base[_TEMPLATE].tittel}» ({base[_ANTATT]})"
                result.append((template, pre, final, periode, a, raw, grunn, None))
            return result
        # Hendelser with equal rules have equal dates: computed once (a plan of many units
        # repeats «innen utgangen av mars» and «ukentlig: torsdag» often).
        regel = (h.naar, h.flytt, h.unngaa_ferier, h.unntatt_maaneder, h.gyldig_fra, h.gyldig_til, fra, til)
        try:
            datoer = self.shared_dates.get(regel)
            delt = True
        except TypeError:  # (an unhashable rule from a Plan built in code: not shared)
            datoer, delt = None, False
        if datoer is None:
            datoer = [(final, periode, raw, grunn) for final, periode, raw, grunn, _ in self._datoer(h, fra, til)]
            if delt:
                self.shared_dates[regel] = datoer
        if isinstance(h.naar, Vindu):  # a span: its last day follows from its first
            vindu = h.naar
            return [(template, pre, final, periode, antatt, raw, grunn, vindu_slutt(vindu, final))
                    for final, periode, raw, grunn in datoer]  # fmt: skip
        return [(template, pre, final, periode, antatt, raw, grunn, None) for final, periode, raw, grunn in datoer]

    def _datoer(
        self, h: Hendelse, fra: date, til: date, hoppet: list[tuple[date, str, bool]] | None = None
    ) -> Iterator[tuple[date, str, date | None, str | None, _Draft | None]]:
        """(dato, periode, flyttet_fra, flyttet_grunn, the base forekomst for `etter:`) of
        each of the hendelse's forekomster with fra <= dato < til, by date. They depend
        only on what drafts' rule key holds (and on the plan). With `hoppet`, the rule's
        dates in the window that were dropped go there as (dato, why, in a ferie)."""
        seen: set[date] = set()
        # Nothing before the plan exists unless the hendelse says so (an earlier gyldig_fra).
        start = h.gyldig_fra or self.plan.periode_fra
        # Nothing after the plan's period unless the plan says it is continued (videreført).
        slutt = h.gyldig_til
        if self.plan.periode_til is not None and self.plan.viderefort is None:
            slutt = min(slutt, self.plan.periode_til) if slutt else self.plan.periode_til
        ferier = self.ferier if h.unngaa_ferier else None
        # Dates relative to a ferie are school days already: only a closed day moves them.
        if isinstance(h.naar, (FoerFerie, EtterFerie)):
            ferier = None
        # A rule that names a weekday keeps it when a ferie moves the date (whole weeks).
        hele_uker = holder_ukedag(h.naar)
        # A weekly meeting in a ferie is not held that week: a week later is next week's
        # meeting, and day by day piled a summer's Thursdays onto the first school day.
        ukentlig = isinstance(h.naar, Ukentlig)
        unntatt = h.unntatt_maaneder
        flytt = h.flytt
        if isinstance(h.naar, Vindu):  # a span is not a day that moves: it stays where it is
            flytt, ferier = Flytt.INGEN, None
        ingen_flytt = flytt is Flytt.INGEN  # (an enum member's lookup costs more than the test)
        er_arbeidsdag = self.kalender.er_arbeidsdag
        for raw, periode, base in self._raw_dates(h, fra - self.margin, til + self.margin):
            if unntatt and raw.month in unntatt:
                continue
            if ferier is not None and ukentlig:
                final = None if ferier.ferie_navn(raw) is not None else self._shift(raw, flytt)
                if final is not None and ferier.ferie_navn(final) is not None:  # moved into one
                    final = None
            elif ferier is not None and hele_uker:
                final = self._shift_ferie_uke(raw, flytt, ferier)
            elif ferier is not None:
                final = self._shift_ferie(raw, flytt, ferier)
            elif ingen_flytt or er_arbeidsdag(raw):
                final = raw
            else:
                final = self._shift(raw, flytt)
            if final is None:
                if hoppet is not None and fra <= raw < til and not ((start and raw < start) or (slutt and raw > slutt)):
                    hoppet.append(self._hoppet_grunn(raw, ferier))
                continue
            if final in seen or not fra <= final < til:
                continue
            if (start and final < start) or (slutt and final > slutt):
                continue
            seen.add(final)
            if raw == final:
                yield final, periode, None, None, base
            else:
                yield final, periode, raw, self._grunn(raw, final, ferier), base

    def _shift(self, raw: date, flytt: Flytt) -> date | None:
        if flytt is Flytt.INGEN or self.kalender.er_arbeidsdag(raw):
            return raw
        if flytt is Flytt.TIDLIGERE:
            return self.kalender.forrige_arbeidsdag(raw)
        if flytt is Flytt.SENERE:
            return self.kalender.neste_arbeidsdag(raw)
        return None  # hopp_over

    def _shift_ferie(self, raw: date, flytt: Flytt, ferier: Feriekalender) -> date | None:
        """Like _shift, but a ferie day is also passed over (after the ferie by default)."""
        if flytt is Flytt.INGEN:
            return raw
        steg = timedelta(days=-1 if flytt is Flytt.TIDLIGERE else 1)
        d = raw
        for _ in range(_MAKS_FLYTT_DAGER):
            if ferier.ferie_navn(d) is None and self.kalender.er_arbeidsdag(d):
                return d
            if flytt is Flytt.HOPP_OVER:
                return None
            d += steg
        return None

    def _shift_ferie_uke(self, raw: date, flytt: Flytt, ferier: Feriekalender) -> date | None:
        """Like _shift_ferie for a rule that names a weekday: out of a ferie by whole weeks
        (a week later; a week earlier with `flytt: tidligere`), so a «første tirsdag»
        stays a Tuesday; then a closed day moves as _shift_ferie moves it."""
        if flytt is Flytt.INGEN:
            return raw
        if flytt is Flytt.HOPP_OVER:
            return self._shift_ferie(raw, flytt, ferier)
        uke = timedelta(days=-7 if flytt is Flytt.TIDLIGERE else 7)
        d = raw
        for _ in range(_MAKS_FLYTT_DAGER // 7):
            if ferier.ferie_navn(d) is None:
                return d if self.kalender.er_arbeidsdag(d) else self._shift_ferie(d, flytt, ferier)
            d += uke
        return None

    def ferie_perioder(self, navn: str, aar: int) -> list[Ferieperiode]:
        """The ferier named navn (case-insensitive) that start in aar, by start; periods
        that overlap or touch (a weekend between) are one (a ferie given twice: as a
        period and in a skolerute file)."""
        key = (navn.casefold(), aar)
        found = self.ferie_aar.get(key)
        if found is not None:
            return found
        found = []
        if self.ferier is not None:
            from aarshjul.model import Ferieperiode

            # Periods starting in aar, and the ones that start earlier and run into it
            # (merged into them, then dropped when they start before aar).
            for p in self.ferier.perioder(date(aar, 1, 1) - timedelta(days=130), date(aar + 1, 1, 31)):
                if p.navn.casefold() != key[0]:
                    continue
                if found and p.fra <= found[-1].til + timedelta(days=3):
                    last = found[-1]
                    found[-1] = Ferieperiode(last.navn, last.fra, max(last.til, p.til), last.kilde)
                else:
                    found.append(p)
            found = [p for p in found if p.fra.year == aar]
        self.ferie_aar[key] = found
        return found

    def _ferie_dates(self, naar: FoerFerie | EtterFerie, lo: date, hi: date) -> Iterator[tuple[date, str]]:
        """før_ferie / etter_ferie: the school day before (after) each ferie of the name,
        with periode "YYYY" of the ferie's start (keys.py), or its start date when the
        name starts more than once that year."""
        ferier = self.ferier
        if ferier is None:
            return
        foer = isinstance(naar, FoerFerie)
        steg = timedelta(days=-1 if foer else 1)

        def skoledag(d: date) -> date | None:
            for _ in range(_MAKS_FLYTT_DAGER):
                if ferier.ferie_navn(d) is None and self.kalender.er_arbeidsdag(d):
                    return d
                d += steg
            return None

        for aar in range(lo.year - 1, hi.year + 2):
            perioder = self.ferie_perioder(naar.navn, aar)
            for p in perioder:
                d = skoledag(p.fra - timedelta(days=1) if foer else p.til + timedelta(days=1))
                if d is None:
                    continue
                if naar.ukedag is not None:
                    # That weekday in the school day's week; one on the ferie's side of
                    # the school day is the school day itself, one that is not a school
                    # day moves away from the ferie.
                    valgt = d + timedelta(days=naar.ukedag - d.weekday())
                    if (valgt > d) if foer else (valgt < d):
                        valgt = d
                    d = skoledag(valgt)
                if d is None or not lo <= d <= hi:
                    continue
                periode = keys.aar_periode(p.fra) if len(perioder) == 1 else keys.dato_periode(p.fra)
                yield d, periode

    def _hoppet_grunn(self, raw: date, ferier: Feriekalender | None) -> tuple[date, str, bool]:
        """(raw, why it was dropped, whether a ferie dropped it). A helligdag in a ferie is
        named as the helligdag ("skjærtorsdag", not "påskeferie"): the more exact reason."""
        fri = self.kalender.fridag_navn(raw)
        navn = ferier.ferie_navn(raw) if ferier is not None and fri is None else None
        if navn is not None:
            from aarshjul.plan.ferier import ferie_grunn

            return raw, ferie_grunn(navn), True
        return raw, fri or "fridag", False

    def _grunn(self, raw: date, final: date, ferier: Feriekalender | None) -> str:
        """Why raw moved to final: the ferie it was in ("vinterferie"), else the days off
        (workdays.Arbeidskalender.flyttet_grunn)."""
        if ferier is None or not any(ferier.ferie_navn(d) for d in _dager(raw, final)):
            return self.kalender.flyttet_grunn(raw, final)
        from aarshjul.plan.ferier import ferie_grunn

        deler: list[str] = []
        for d in _dager(raw, final):
            navn = ferier.ferie_navn(d)
            if navn is not None:
                tekst = ferie_grunn(navn)
            else:
                fri = self.kalender.fridag_navn(d)
                if fri is None or (d != raw and d.weekday() >= 5):
                    continue
                tekst = fri if d == raw else f"{d.day:02d}.{d.month:02d} er {fri}"
            if tekst not in deler:
                deler.append(tekst)
        return "; ".join(deler)

    def _raw_dates(self, h: Hendelse, lo: date, hi: date) -> Iterator[tuple[date, str, _Draft | None]]:
        """The rule's dates in [lo, hi], before moving off non-working days, each with
        the periode of its stable key (aarshjul/keys.py) and, for `etter:`, the base
        forekomst it follows, as a draft (its antatt is inherited)."""
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
            base_lo, base_hi = _base_window(naar, lo, hi)
            ferdig = self.memo.get(naar.etter)
            if ferdig is None:
                tiltak, base = self.by_id[naar.etter]
                ferdig = self.drafts(tiltak, base, base_lo, base_hi)
            # date + relativedelta is Python code (~5 µs); followers share their bases' dates.
            pluss = self.pluss.get(naar.innen)
            if pluss is None:
                pluss = self.pluss[naar.innen] = {}
            for u in ferdig:
                dato = u[_DATO]
                if base_lo <= dato < base_hi:
                    ny = pluss.get(dato)
                    if ny is None:
                        ny = pluss[dato] = dato + naar.innen
                    yield ny, u[_PERIODE], u
        elif isinstance(naar, RRegel):
            for d in _rrule_dates(naar, lo, hi):
                yield d, keys.dato_periode(d), None
        elif isinstance(naar, Ukenummer):
            for aar in range(lo.year - 1, hi.year + 2):
                for uke in naar.uker:
                    try:
                        d = date.fromisocalendar(aar, uke, naar.ukedag + 1)
                    except ValueError:  # week 53 in a year that has 52
                        continue
                    if lo <= d <= hi:
                        yield d, keys.uke_periode(d), None
        elif isinstance(naar, (FoerFerie, EtterFerie)):
            for d, periode in self._ferie_dates(naar, lo, hi):
                yield d, periode, None
        elif isinstance(naar, EtterAarsdato):
            for aar in range(max(1, (lo - naar.innen).year - 1), min(9999, (hi - naar.innen).year + 2)):
                anker = date(aar, naar.maaned, naar.dag)
                d = anker + naar.innen
                if lo <= d <= hi:
                    yield d, keys.aar_periode(anker), None
        elif isinstance(naar, Vindu):
            for aar in range(lo.year - 1, hi.year + 2):
                spenn = vindu_datoer(naar, aar)
                if spenn is not None and lo <= spenn[0] <= hi:
                    # The year the series counts (ISO year for weeks): uke 1 of 2019
                    # starts 31.12.2018, the same calendar year as uke 1 of 2018.
                    yield spenn[0], keys.aar_periode(aar), None

    def _maanedlig(self, regel: Maanedlig, lo: date, hi: date) -> Iterator[date]:
        maaneder = sorted(regel.maaneder)
        # The day rule's date in each month, shared by every hendelse with an equal rule.
        dager = self.dager.get(regel.dag)
        if dager is None:
            dager = self.dager[regel.dag] = {}
        for aar in range(lo.year, hi.year + 1):
            for mnd in maaneder:
                if regel.hvert_aar > 1 and regel.startaar is not None:
                    telles = skoleaar_start(date(aar, mnd, 1)) if regel.skoleaar else aar
                    # startår is the series' first (school) year, not only its parity.
                    if telles < regel.startaar or (telles - regel.startaar) % regel.hvert_aar:
                        continue
                d = dager.get((aar, mnd))
                if d is None:
                    d = dager[aar, mnd] = self._dag_i_maaned(regel.dag, aar, mnd)
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


def vindu_datoer(vindu: Vindu, aar: int) -> tuple[date, date] | None:
    """(first day, last day) of the vindu that starts in year aar (the ISO year of its
    weeks for `fra_uke`), or None: not a year of the series, or a week 53 the year lacks.

    A week window runs Monday of fra_uke through Friday of til_uke: the school and work
    weeks a leader means by «uke 36–38»."""
    if vindu.hvert_aar > 1 and vindu.startaar is not None:
        telles = aar
        if vindu.skoleaar:
            foerste = vindu_datoer(replace(vindu, hvert_aar=1), aar)
            if foerste is None:
                return None
            telles = skoleaar_start(foerste[0])
        # startår is the series' first (school) year, as in Maanedlig.
        if telles < vindu.startaar or (telles - vindu.startaar) % vindu.hvert_aar:
            return None
    (fa, fb), (ta, tb) = vindu.fra, vindu.til
    over_nyttaar = (ta, tb) < (fa, fb)
    try:
        if vindu.uker:
            return (date.fromisocalendar(aar, fa, 1),
                    date.fromisocalendar(aar + 1 if over_nyttaar else aar, ta, 5))  # fmt: skip
        return date(aar, fa, fb), date(aar + 1 if over_nyttaar else aar, ta, tb)
    except ValueError:  # week 53 in a year that has 52; year 9999 + 1
        return None


def vindu_slutt(vindu: Vindu, start: date) -> date | None:
    """The last day of the vindu that starts on `start` (a date vindu_datoer gave)."""
    aar = start.isocalendar()[0] if vindu.uker else start.year
    spenn = vindu_datoer(replace(vindu, hvert_aar=1), aar)
    return spenn[1] if spenn is not None else None


def lengste_vindu(plan: Plan) -> timedelta:
    """How long the plan's longest vindu lasts (at most a year); zero without any. How
    far back a caller looks for one that began earlier and still runs."""
    lengst = timedelta(0)
    for tiltak in plan.tiltak:
        for h in tiltak.hendelser:
            if isinstance(h.naar, Vindu):
                # Years with and without week 53 and a leap day, on either side of New Year.
                for aar in range(2025, 2029):
                    spenn = vindu_datoer(replace(h.naar, hvert_aar=1), aar)
                    if spenn is not None:
                        lengst = max(lengst, spenn[1] - spenn[0] + timedelta(days=1))
    return min(lengst, timedelta(days=366))


# The dates a window may reach, with room for MARGIN: a long `etter:` chain widens the
# window by MARGIN per step, and `date` ends at year 1 and 9999.
_FIRST = date.min + 2 * MARGIN
_LAST = date.max - 2 * MARGIN


def _minus(d: date, delta: timedelta | relativedelta) -> date:
    """d - delta, kept within _FIRST.._LAST instead of overflowing."""
    try:
        return min(max(d - delta, _FIRST), _LAST)
    except (OverflowError, ValueError):  # beyond year 1 or 9999
        return _FIRST if d.year < 5000 else _LAST


def _base_window(naar: Relativ, lo: date, hi: date) -> tuple[date, date]:
    """The window [lo', hi') of the base whose forekomster give a follower's raw dates in [lo, hi]."""
    return _minus(lo, naar.innen), _minus(_minus(hi, naar.innen), -timedelta(days=1))


def _depths(bases: dict[str, str]) -> dict[str, int]:
    """How many `etter:` steps each hendelse is from a hendelse with its own dates."""
    depth: dict[str, int] = {}
    for start in bases:
        path: list[str] = []
        node = start
        while node in bases and node not in depth and node not in path:
            path.append(node)
            node = bases[node]
        d = depth.get(node, 0)  # a root, or (never from load_plan) a ring
        for key in reversed(path):
            d += 1
            depth[key] = d
    for base in bases.values():
        depth.setdefault(base, 0)
    return depth


def holder_ukedag(naar: object) -> bool:
    """Whether a rule names a weekday (`dag: første tirsdag`, `uker: [..], dag: tirsdag`),
    so that a ferie moves its date by whole weeks (_Expander._shift_ferie_uke)."""
    if isinstance(naar, Maanedlig):
        return naar.dag.art == "ukedag"
    return isinstance(naar, Ukenummer)


def _dager(raw: date, final: date) -> Iterator[date]:
    """raw, and every day after it up to (not including) final, in the direction moved."""
    steg = timedelta(days=1 if final > raw else -1)
    d = raw
    while d != final:
        yield d
        d += steg


def _rrule_dates(regel: RRegel, lo: date, hi: date) -> Iterator[date]:
    from dateutil.rrule import rrulestr

    rule = rrulestr(rrule_text(regel.regel), dtstart=datetime.combine(regel.start, datetime.min.time()))
    lo_dt = datetime.combine(lo, datetime.min.time())
    hi_dt = datetime.combine(hi, datetime.max.time())
    for dt in rule.between(lo_dt, hi_dt, inc=True):
        yield dt.date()
