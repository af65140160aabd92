"""Norwegian helligdager and arbeidsdager, computed from dateutil.easter.

We compute the twelve dates ourselves instead of using the `holidays` package:
its import builds every country's calendar (~0.18 s per start), and its
Norway calendar counts every Sunday as a holiday unless told otherwise. Twelve
dates from Easter are a few lines and cost nothing at start-up.

"Arbeidsdag" here is Monday–Friday and not a helligdag/høytidsdag or a closed day
the plan lists. (The legal "virkedag" counts Saturday; we do not mean that.)
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from functools import lru_cache

from dateutil.easter import easter


@lru_cache(maxsize=256)
def helligdager(aar: int) -> dict[date, str]:
    """The helligdager (Lov om helligdager) and høytidsdager (1. and 17. mai) of a year."""
    paaske = easter(aar)
    navn = {
        date(aar, 1, 1): "nyttårsdag",
        paaske - timedelta(days=3): "skjærtorsdag",
        paaske - timedelta(days=2): "langfredag",
        paaske: "1. påskedag",
        paaske + timedelta(days=1): "2. påskedag",
        date(aar, 5, 1): "1. mai",
        date(aar, 5, 17): "17. mai",
        paaske + timedelta(days=39): "Kristi himmelfartsdag",
        paaske + timedelta(days=49): "1. pinsedag",
        paaske + timedelta(days=50): "2. pinsedag",
        date(aar, 12, 25): "1. juledag",
        date(aar, 12, 26): "2. juledag",
    }
    dager: dict[date, str] = {}
    # 17. mai can be 2. pinsedag (2027) or Kristi himmelfartsdag (2029): keep both names.
    for dato, tekst in [(date(aar, 5, 17), "17. mai")] + [(d, t) for d, t in navn.items() if t != "17. mai"]:
        dager[dato] = f"{dager[dato]} og {tekst}" if dato in dager else tekst
    return dict(sorted(dager.items()))


# Closed days are the kommune's own practice (plan: stengte_dager), never the handlingsplan's
# word: the wording says so.
STENGT = "stengt etter planens stengte dager"


class Arbeidskalender:
    """Answers "is this an arbeidsdag?" for one plan's extra closed days."""

    def __init__(
        self,
        stengte_dager: Iterable[tuple[int, int]] = (),
        stengte_datoer: Iterable[date] = (),
    ) -> None:
        self._stengte_dager = frozenset(stengte_dager)
        self._stengte_datoer = frozenset(stengte_datoer)
        # Answers already given: expand asks about the same days for every hendelse,
        # and a shared reason is one string, not one per forekomst.
        self._arbeidsdag: dict[date, bool] = {}
        self._grunner: dict[tuple[date, date], str] = {}
        self._forrige: dict[date, date] = {}
        self._neste: dict[date, date] = {}

    def fridag_navn(self, dato: date) -> str | None:
        """Why the day is not an arbeidsdag ("lørdag", "skjærtorsdag", STENGT), or None."""
        navn = helligdager(dato.year).get(dato)
        if navn is not None:
            return navn
        if dato.weekday() == 5:
            return "lørdag"
        if dato.weekday() == 6:
            return "søndag"
        if (dato.month, dato.day) in self._stengte_dager or dato in self._stengte_datoer:
            return STENGT
        return None

    def flyttet_grunn(self, raw: date, final: date) -> str:
        """Why a date moved from raw to final, naming every weekday that was skipped:
        "nyttårsdag; 31.12 er stengt etter planens stengte dager" (01.01.2019 -> 28.12.2018).

        Plain weekend days in between are not named: a reader knows them.
        """
        tekst = self._grunner.get((raw, final))
        if tekst is None:
            tekst = self._grunner[raw, final] = self._flyttet_grunn(raw, final)
        return tekst

    def _flyttet_grunn(self, raw: date, final: date) -> str:
        grunn = self.fridag_navn(raw) or "ikke arbeidsdag"
        steg = timedelta(days=1 if final > raw else -1)
        deler = [grunn]
        dag = raw + steg
        while dag != final:
            navn = self.fridag_navn(dag)
            if navn is not None and dag.weekday() < 5:
                deler.append(f"{dag.day:02d}.{dag.month:02d} er {navn}")
            dag += steg
        return "; ".join(deler)

    def er_arbeidsdag(self, dato: date) -> bool:
        svar = self._arbeidsdag.get(dato)
        if svar is None:
            svar = self._arbeidsdag[dato] = self.fridag_navn(dato) is None
        return svar

    def forrige_arbeidsdag(self, dato: date) -> date:
        """The arbeidsdag on or before dato."""
        svar = self._forrige.get(dato)
        if svar is None:
            svar = dato
            while not self.er_arbeidsdag(svar):
                svar -= timedelta(days=1)
            self._forrige[dato] = svar
        return svar

    def neste_arbeidsdag(self, dato: date) -> date:
        """The arbeidsdag on or after dato."""
        svar = self._neste.get(dato)
        if svar is None:
            svar = dato
            while not self.er_arbeidsdag(svar):
                svar += timedelta(days=1)
            self._neste[dato] = svar
        return svar
