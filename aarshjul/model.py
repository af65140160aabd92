"""The plan model: frozen dataclasses built by plan.py and read by everything else.

Naming (docs/GLOSSARY.md): a *Tiltak* has *Hendelser* (what the plan says happens,
with a recurrence); expand.py turns each Hendelse into dated *Forekomster*.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, time
from enum import StrEnum
from pathlib import Path

from dateutil.relativedelta import relativedelta

from aarshjul.errors import Problem


class HendelseType(StrEnum):
    MOTE = "møte"
    AKTIVITET = "aktivitet"
    FRIST = "frist"
    EVALUERING = "evaluering"

    @property
    def er_frist(self) -> bool:
        """Deadlines and evaluations are due *by* a date and get a lead time."""
        return self in (HendelseType.FRIST, HendelseType.EVALUERING)


class Sone(StrEnum):
    """The three dimensions of chapter 5.2."""

    GROENN = "grønn"
    GUL = "gul"
    ROED = "rød"


class Flytt(StrEnum):
    """What happens to a date that is not an arbeidsdag."""

    TIDLIGERE = "tidligere"
    SENERE = "senere"
    HOPP_OVER = "hopp_over"
    INGEN = "ingen"


class Kvitteringsform(StrEnum):
    """How a duty owned by several virksomheter is signed off (docs/kvitteringer.md)."""

    HVER = "hver"  # each owning virksomhet signs off its own part
    FELLES = "felles"  # one sign-off for all (one meeting, one body)


class Rolle(StrEnum):
    ANSVARLIG = "ansvarlig"
    DELTAR = "deltar"


@dataclass(frozen=True)
class Virksomhet:
    id: str
    navn: str
    aliaser: tuple[str, ...] = ()
    leder: str | None = None
    ekstern: bool = False
    medlemmer: tuple[str, ...] = ()
    linje: int | None = None
    # A group only: HVER = a set whose members each do what the group is ansvarlig for
    # («alle skoler»); FELLES (the default) = a body that acts as one (samordningsgruppa).
    kvittering: Kvitteringsform | None = None

    @property
    def er_sett(self) -> bool:
        """A group whose members each do its duties (kvittering: hver)."""
        return bool(self.medlemmer) and self.kvittering is Kvitteringsform.HVER


@dataclass(frozen=True)
class NavngittDato:
    """A date the plan refers to that may not be known yet ("når stillingen er besatt")."""

    id: str
    navn: str
    dato: date | None
    linje: int | None = None


@dataclass(frozen=True)
class Ferie:
    """A school holiday meetings avoid (aarshjul/plan/ferier.py): a period, or ISO weeks every year."""

    navn: str
    fra: date | None = None
    til: date | None = None
    uker: tuple[int, ...] = ()
    linje: int | None = None
    # Where it was read, for a reader: "skolerute-2026-27.csv, linje 40–44" or
    # "plan.yaml, linje 14" (plan/ferier.py). Not part of what the ferie is.
    kilde: str = field(default="", compare=False)
    fil: str = field(default="", compare=False)  # the file's name alone: "plan.yaml"


@dataclass(frozen=True)
class Ferieperiode:
    """One ferie laid out on the calendar: a period as given, or one year's ISO weeks
    (Monday to Friday), from Feriekalender.perioder."""

    navn: str
    fra: date
    til: date
    kilde: str = ""


# --- recurrence rules -----------------------------------------------------------


@dataclass(frozen=True)
class Dagregel:
    """Which day of a month: the 15th, the first Tuesday, the last working day ...

    art is one of "dato" (n = day of month), "ukedag" (n = 1..4 or -1, ukedag = 0..6),
    "arbeidsdag" (n = 1 or -1), "siste_dag".
    """

    art: str
    n: int = 0
    ukedag: int | None = None
    tekst: str = ""


@dataclass(frozen=True)
class Maanedlig:
    """Given months every year (or every N years), with a day rule."""

    maaneder: tuple[int, ...]
    dag: Dagregel
    hvert_aar: int = 1
    startaar: int | None = None
    skoleaar: bool = False  # startaar counts school years (Aug–Jul) instead of calendar years


@dataclass(frozen=True)
class Ukentlig:
    ukedag: int  # 0 = mandag
    unntatt_maaneder: tuple[int, ...] = ()


@dataclass(frozen=True)
class Enkeltdato:
    dato: date


@dataclass(frozen=True)
class Relativ:
    """Each occurrence of another hendelse, plus an offset ("innen en måned etter")."""

    etter: str  # qualified "tiltak.hendelse"
    innen: relativedelta
    innen_tekst: str


@dataclass(frozen=True)
class EtterDato:
    """A fixed offset after a named date that may still be unknown."""

    dato_id: str
    innen: relativedelta
    innen_tekst: str


@dataclass(frozen=True)
class RRegel:
    """A raw RFC 5545 RRULE, for power users."""

    regel: str
    start: date


@dataclass(frozen=True)
class Ukenummer:
    """A weekday in given ISO weeks every year (`uker: [9, 40], dag: mandag`); week 53
    only in the years that have one."""

    uker: tuple[int, ...]
    ukedag: int  # 0 = mandag


@dataclass(frozen=True)
class EtterAarsdato:
    """A fixed offset after a day of the year (`etter: "15.08"`, `innen: 3 uker`)."""

    maaned: int
    dag: int
    innen: relativedelta
    innen_tekst: str


@dataclass(frozen=True)
class Vindu:
    """A span, once a year (or every N years): `fra_uke: 36, til_uke: 38` (Monday of
    week 36 through Friday of week 38) or `fra: "01.05", til: "12.06"` (both days
    included). An end before the start crosses New Year. Each Forekomst has the first
    day as dato and the last as sluttdato; a span never moves off a holiday.

    uker: fra and til are (ISO week, 0); otherwise (month, day).
    startaar and skoleaar as in Maanedlig (the series' first year or school year).
    """

    fra: tuple[int, int]
    til: tuple[int, int]
    uker: bool = False
    hvert_aar: int = 1
    startaar: int | None = None
    skoleaar: bool = False


@dataclass(frozen=True)
class FoerFerie:
    """The last school day before each ferie of that name (`før_ferie: Høstferie`), or,
    with a weekday (`dag: fredag`), that weekday in the week of that school day."""

    navn: str  # as written; matched case-insensitively on Ferie.navn
    ukedag: int | None = None  # 0 = mandag


@dataclass(frozen=True)
class EtterFerie:
    """The first school day after each ferie of that name (`etter_ferie: Vinterferie`),
    or, with a weekday, that weekday in the week of that school day."""

    navn: str
    ukedag: int | None = None


Gjentakelse = (
    Maanedlig | Ukentlig | Enkeltdato | Relativ | EtterDato | RRegel | Ukenummer | EtterAarsdato | Vindu
    | FoerFerie | EtterFerie
)


@dataclass(frozen=True)
class Hendelse:
    """Something the plan says happens in a tiltak, with its recurrence."""

    id: str
    tittel: str
    type: HendelseType
    naar: Gjentakelse
    ansvar: tuple[str, ...]  # resolved: the hendelse's own or the tiltak's
    deltakere: tuple[str, ...]
    kilde: str
    varsel: int
    flytt: Flytt
    antatt: str | None = None  # the reason, when the date is our assumption
    tid: time | None = None
    slutt: time | None = None
    beskrivelse: str | None = None
    gyldig_fra: date | None = None
    gyldig_til: date | None = None
    unntatt_maaneder: tuple[int, ...] = ()
    minimum_per_aar: int | None = None
    linje: int | None = None
    sted: str | None = None  # where it happens (free text): ICS LOCATION
    unngaa_ferier: bool = False  # moves out of the plan's ferier (møte/aktivitet by default)
    ansvar_antatt: str | None = None  # the reason, when *who* is our assumption
    deltakere_antatt: str | None = None  # the reason, when who *takes part* is ours
    lagt_til: str | None = None  # the reason, when the duty itself is ours, not the plan's
    # The plan's `kvittering:` (the hendelse's own, else the tiltak's); None = by type:
    # frist and evaluering per virksomhet, møte and aktivitet once (engine/followup.py).
    kvittering: Kvitteringsform | None = None


@dataclass(frozen=True)
class UtenDato:
    """A duty the plan states without a date ("løpende", "gjennomgående", "ved behov").

    Shown by `tiltak` and counted by `check`; never expanded into dates.
    """

    id: str
    tittel: str
    ansvar: tuple[str, ...]  # resolved: the item's own or the tiltak's
    deltakere: tuple[str, ...]
    kilde: str
    beskrivelse: str | None = None
    ansvar_antatt: str | None = None  # the reason, when *who* is our assumption
    linje: int | None = None


@dataclass(frozen=True)
class Tiltak:
    id: str
    navn: str
    kilde: str
    ansvar: tuple[str, ...]
    deltakere: tuple[str, ...]
    hendelser: tuple[Hendelse, ...]
    sone: Sone | None = None
    beskrivelse: str | None = None
    linje: int | None = None
    uten_evaluering: str | None = None  # why the tiltak has no evaluation, on purpose
    uten_dato: tuple[UtenDato, ...] = ()
    ansvar_antatt: str | None = None  # applies to hendelser/uten_dato without own ansvar
    deltakere_antatt: str | None = None  # applies to hendelser without own deltakere
    kvittering: Kvitteringsform | None = None  # the hendelser's default (`kvittering:`)


@dataclass(frozen=True)
class Plan:
    navn: str
    kommune: str
    virksomheter: dict[str, Virksomhet]
    tiltak: tuple[Tiltak, ...]
    datoer: dict[str, NavngittDato] = field(default_factory=dict)
    periode_fra: date | None = None
    periode_til: date | None = None
    uid_domene: str = "aarshjul.invalid"
    kortnavn: str | None = None  # a short name for calendar names and headings
    # Why the plan still produces dates after periode_til (`videreført:`), or None: then
    # nothing is dated after it. videreført_antatt: the continuation is our assumption.
    viderefort: str | None = None
    viderefort_antatt: bool = False
    url: str | None = None  # where the plan itself can be read
    rapport_tittel: str | None = None  # the report's heading before its period («Fellesevaluering»)
    ledelse: str | None = None  # who leads, in running text («rådmannsledelsen»); None: «ledelsen»
    stengte_dager: tuple[tuple[int, int], ...] = ()  # (month, day) every year
    stengte_datoer: tuple[date, ...] = ()  # one-off closed days
    ferier: tuple[Ferie, ...] = ()  # school holidays meetings avoid (plan/ferier.py)
    ferier_fil: tuple[Path, ...] = ()  # the skolerute files the ferier were read from
    # The virksomheter and groups that follow the school calendar (`ferier_gjelder:`);
    # None = every virksomhet (plan/ferier.py foelger_ferier).
    ferier_gjelder: tuple[str, ...] | None = None
    kilde_fil: Path | None = None
    # Warnings that do not stop the plan from loading (e-mail addresses, phone numbers:
    # aarshjul/privacy.py). `check` lists them; exports print them to stderr.
    advarsler: tuple[Problem, ...] = ()
    # Warnings about the skolerute files (ferier_fil), each with its file and line:
    # check lists them (plan/ferier.py Skolerute, loader._ferier_fil).
    ferie_advarsler: tuple[Problem, ...] = ()

    def finn_tiltak(self, tiltak_id: str) -> Tiltak | None:
        for tiltak in self.tiltak:
            if tiltak.id == tiltak_id:
                return tiltak
        return None


# --- expansion results --------------------------------------------------------


@dataclass(frozen=True)
class Forekomst:
    """One dated occurrence of a Hendelse."""

    id: str  # "samba.mote.2026-12-01": stable across runs of the same plan
    # The stable key (aarshjul/keys.py): survives the date moving within its periode.
    nokkel: str  # "samba.mote.2026-12"
    periode: str  # "2026-12"
    dato: date  # the day; a vindu's first day
    tiltak_id: str
    tiltak_navn: str
    hendelse_id: str
    tittel: str
    type: HendelseType
    ansvar: tuple[str, ...]
    deltakere: tuple[str, ...]
    kilde: str
    varsel: int
    antatt: str | None = None
    tid: time | None = None
    slutt: time | None = None
    sone: Sone | None = None
    beskrivelse: str | None = None
    flyttet_fra: date | None = None  # the rule's date, when a non-working day moved it
    # Why it moved, naming every weekday skipped (workdays.Arbeidskalender.flyttet_grunn):
    # "nyttårsdag; 31.12 er stengt etter planens stengte dager". Other reasons (school
    # holidays) go into the same field: "vinterferie".
    flyttet_grunn: str | None = None
    sted: str | None = None
    ansvar_antatt: str | None = None
    deltakere_antatt: str | None = None
    lagt_til: str | None = None
    # After the plan's periode_til, in a plan that is videreført (engine/expand.py).
    etter_planperioden: bool = False
    # A vindu's last day (inclusive); None for a forekomst on one day.
    sluttdato: date | None = None

    @property
    def siste_dag(self) -> date:
        """The last day it lasts: sluttdato for a vindu, else dato. A vindu is due then
        (follow-up, varsel)."""
        return self.sluttdato or self.dato

    @property
    def sorteringsnokkel(self) -> tuple[date, time, str]:
        return (self.dato, self.tid or time(0, 0), self.id)


@dataclass(frozen=True)
class Ventende:
    """An occurrence that waits for a named date nobody has filled in yet."""

    tiltak_id: str
    tiltak_navn: str
    hendelse_id: str
    tittel: str
    type: HendelseType
    ansvar: tuple[str, ...]
    deltakere: tuple[str, ...]
    kilde: str
    dato_id: str
    dato_navn: str
    innen_tekst: str
    antatt: str | None = None


@dataclass(frozen=True)
class Hoppet:
    """A date a hendelse's rule gives but the plan drops (`flytt: hopp_over` on a fridag
    or in a ferie): it leaves no forekomst, so a summary of the rule learns it here
    (engine/expand.hoppet_over)."""

    tiltak_id: str
    hendelse_id: str
    dato: date
    grunn: str  # "høstferie" / "skjærtorsdag"
    ferie: bool  # whether a ferie (not a fridag) dropped it


# What a sign-off row says it is (the store's `handling` column).
KVITTERT = "kvittert"
ANGRET = "angret"


@dataclass(frozen=True)
class Kvittering:
    """One row of the store: a sign-off (handling "kvittert") or a withdrawal ("angret")."""

    nokkel: str  # Forekomst.nokkel
    handling: str  # KVITTERT or ANGRET
    utfort: date | None  # the day it was done (sign-offs only)
    av: str | None = None
    merknad: str | None = None
    lenke: str | None = None
    forekomst_id: str | None = None  # Forekomst.id when it was signed off
    forekomst_dato: date | None = None  # the occurrence's date when it was signed off
    registrert: str = ""  # UTC timestamp, ISO 8601 with microseconds: the order of events
    uid: str = ""  # unique per row, kept by export/import
    # The owning virksomhet the row is for; None = for every owner (a shared sign-off,
    # and every row written before sign-offs were per virksomhet).
    virksomhet: str | None = None
    # How it came in: "cli", "lenke:VIRKSOMHET" (a personal link), "sso:BRUKER" (single
    # sign-on), or None for rows written before it was recorded.
    kilde: str | None = None
    # A withdrawal: the uid of the sign-off it withdraws. None on a withdrawal written
    # before this was recorded: it withdrew every sign-off of the nøkkel (the old meaning).
    angrer: str | None = None

    @property
    def er_kvittert(self) -> bool:
        return self.handling == KVITTERT


# The sign-off log: every event by nøkkel, oldest first (storage/store.py read_logg).
# What is in force is replayed from it by engine/followup.py.
Kvitteringslogg = Mapping[str, Sequence[Kvittering]]
