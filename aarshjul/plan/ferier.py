"""School holidays (ferier): the periods a plan's meetings avoid.

A ferie is not a closed day: the kommune works, but teachers, parents and pupils are
away, so a møte or aktivitet that falls in one moves out of it. Frister and
evalueringer stay where they are unless the hendelse asks (`unngå_ferier: ja`).

Three ways to give them (docs/plan-format.md, «ferier»):
- a named period: {navn: Vinterferie, fra: 22.02.2027, til: 26.02.2027};
- ISO weeks every year: {navn: Vinterferie, uker: [9]};
- a skolerute file (`ferier_fil:`) in the open-data CSV layout Norwegian kommuner
  publish (Stavanger's: dato;skole;elevdag;laererdag;sfodag;kommentar). A weekday
  with elevdag = Nei is a school holiday; consecutive ones form one ferie named by
  their kommentar.

Core code: parsing raises PlanError naming the CSV file and its line.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from aarshjul.dates import parse_dato
from aarshjul.errors import PlanError, Problem, os_feil_tekst
from aarshjul.model import Ferie, Ferieperiode, Plan

# A run of ferie days longer than this is a mistake (all 52 weeks, a year-long period);
# it also bounds how far a meeting can move, which expand.py adds to its margin.
MAKS_FERIE_DAGER = 120
SKOLERUTE_KOLONNER = ("dato", "skole", "elevdag", "laererdag", "sfodag", "kommentar")
_JA_NEI = {"ja": True, "nei": False}
_MAX_BYTES = 2 * 1024 * 1024
_STANDARD_NAVN = "skolefri"


def ferie_grunn(navn: str) -> str:
    """How a ferie is named in a moved date's reason: "vinterferie" (first letter lowered)."""
    return navn if navn[1:2].isupper() else navn[:1].lower() + navn[1:]


def foelger_ferier(plan: Plan) -> frozenset[str] | None:
    """The ids of the virksomheter that follow the school calendar (`ferier_gjelder:`),
    None when every virksomhet does (no ferier_gjelder). A group listed there brings its
    members (and theirs); a group with a member that follows is in the set too, so its
    meetings avoid the ferier like its members' do."""
    if plan.ferier_gjelder is None:
        return None
    ut: set[str] = set()
    ko = list(plan.ferier_gjelder)
    while ko:
        vid = ko.pop()
        if vid in ut:
            continue
        ut.add(vid)
        v = plan.virksomheter.get(vid)
        if v is not None:
            ko.extend(v.medlemmer)
    endret = True
    while endret:  # groups of groups: a group follows when one of its members does
        endret = False
        for v in plan.virksomheter.values():
            if v.id not in ut and any(m in ut for m in v.medlemmer):
                ut.add(v.id)
                endret = True
    return frozenset(ut)


class Feriekalender:
    """Answers "is this day in a ferie, and which?" for one plan."""

    def __init__(self, ferier: Iterable[Ferie] = ()) -> None:
        self._ferier = tuple(ferier)
        self._dager: dict[date, str] = {}
        self._uker: dict[int, str] = {}
        for f in self._ferier:
            if f.fra is not None and f.til is not None:
                d = f.fra
                while d <= f.til:
                    self._dager.setdefault(d, f.navn)
                    d += timedelta(days=1)
            for uke in f.uker:
                self._uker.setdefault(uke, f.navn)

    def __bool__(self) -> bool:
        return bool(self._dager or self._uker)

    def ferie_navn(self, dato: date) -> str | None:
        navn = self._dager.get(dato)
        if navn is None and self._uker:
            navn = self._uker.get(dato.isocalendar()[1])
        return navn

    def perioder(self, fra: date, til: date) -> list[Ferieperiode]:
        """Every ferie that overlaps [fra, til], by start: a period as given, a week rule
        as one period per year and run of consecutive weeks (Monday to Friday)."""
        result: list[Ferieperiode] = []
        for f in self._ferier:
            if f.fra is not None and f.til is not None:
                if f.fra <= til and f.til >= fra:
                    result.append(Ferieperiode(f.navn, f.fra, f.til, f.kilde))
                continue
            for aar in range(fra.year - 1, til.year + 2):
                mandager = []
                for uke in f.uker:
                    try:
                        mandager.append(date.fromisocalendar(aar, uke, 1))
                    except ValueError:  # week 53 in a year with 52
                        continue
                start: date | None = None
                forrige: date | None = None
                for mandag in [*mandager, None]:
                    if mandag is not None and forrige is not None and (mandag - forrige).days == 7:
                        forrige = mandag
                        continue
                    if start is not None and forrige is not None:
                        slutt = forrige + timedelta(days=4)
                        if start <= til and slutt >= fra:
                            result.append(Ferieperiode(f.navn, start, slutt, f.kilde))
                    start = forrige = mandag
        result.sort(key=lambda p: (p.fra, p.til, p.navn))
        return result

    def lengste_dager(self) -> int:
        """The longest run of days in ferier (weekends between two ferier joined), an upper
        bound for how far a meeting can move. Week rules are laid out over the years the
        periods span, plus one on either side."""
        if not self:
            return 0
        aar = {d.year for d in self._dager} or {2024}
        dager = set(self._dager)
        for y in range(min(aar) - 1, max(aar) + 2):
            for uke in self._uker:
                for wd in range(1, 8):
                    try:
                        dager.add(date.fromisocalendar(y, uke, wd))
                    except ValueError:  # week 53 in a year with 52
                        break
        lengste = run = 0
        forrige: date | None = None
        for d in sorted(dager):
            run = run + (d - forrige).days if forrige is not None and (d - forrige).days <= 3 else 1
            lengste = max(lengste, run)
            forrige = d
        return lengste


@dataclass(frozen=True)
class Skolerute:
    """What one skolerute file says: its ferier, what looks wrong in it without making
    it unreadable (advarsler: a pupil day on a weekend, a date listed twice with different
    elevdag), and each weekday listed with whether it is free and its line, so the loader
    can compare files (two files saying different things about one day)."""

    ferier: tuple[Ferie, ...]
    advarsler: tuple[Problem, ...] = ()
    dager: dict[date, tuple[bool, int]] = field(default_factory=dict)


def les_skolerute(path: Path, visningsnavn: str | None = None) -> tuple[Ferie, ...]:
    """The school holidays in a skolerute CSV file, as one Ferie per run of free weekdays.

    Raises PlanError (file name and line) for a file that is missing, not UTF-8, without
    the dato and elevdag columns, or with a bad date or Ja/Nei value.
    """
    return les_skolerute_med_advarsler(path, visningsnavn).ferier


def les_skolerute_med_advarsler(path: Path, visningsnavn: str | None = None) -> Skolerute:
    """les_skolerute, with the file's warnings and days (Skolerute)."""
    shown = Path(visningsnavn) if visningsnavn else path

    def fail(message: str, line: int | None = None) -> PlanError:
        return PlanError([Problem(shown, line, None, message)])

    from aarshjul.files import IkkeLest, les_vanlig_fil

    try:
        data = les_vanlig_fil(path, _MAX_BYTES)
    except IkkeLest as e:
        if e.grunn.startswith("er en mappe"):
            raise fail("er en mappe, ikke en skolerute-fil (CSV).") from None
        if e.grunn.startswith("er større") or " MB; høyst" in e.grunn:
            raise fail("skolerute-filen er større enn 2 MB. Er det riktig fil?") from None
        raise fail(f"skolerute-filen {e.grunn}.") from None
    except FileNotFoundError:
        raise fail("skolerute-filen finnes ikke.") from None
    except PermissionError:
        raise fail("mangler lesetilgang til skolerute-filen.") from None
    except OSError as e:
        raise fail(f"kan ikke lese skolerute-filen ({os_feil_tekst(e)}).") from None
    if len(data) > _MAX_BYTES:
        raise fail("skolerute-filen er større enn 2 MB. Er det riktig fil?")
    if b"\x00" in data:
        raise fail("skolerute-filen er binær, ikke en CSV-tekstfil.")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise fail("skolerute-filen er ikke UTF-8. Lagre den som UTF-8 (CSV UTF-8 i Excel).",
                   data.count(b"\n", 0, e.start) + 1) from None  # fmt: skip
    advarsler: list[Problem] = []
    dager: dict[date, tuple[bool, int]] = {}
    fri = _skolerute_dager(text, fail, shown, advarsler, dager)
    return Skolerute(_skolerute_ferier(fri, shown.name), tuple(advarsler), dager)


def _skolerute_dager(
    text: str,
    fail: Callable[..., PlanError],
    shown: Path | None = None,
    advarsler: list[Problem] | None = None,
    dager: dict[date, tuple[bool, int]] | None = None,
) -> list[tuple[date, str, int]]:
    """(dato, kommentar, line) of every weekday without elevdag, in date order. With
    advarsler: a pupil day on a weekend, and one school's date listed twice with
    different elevdag, are added to it (file shown, line); with dager: every weekday
    listed, whether it is free and its first line."""
    lines = text.splitlines()
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None:
        raise fail("skolerute-filen er tom.")
    header = lines[first]
    skille = ";" if header.count(";") >= header.count(",") else ","
    rows = csv.reader(lines[first:], delimiter=skille)
    try:
        kolonner = [k.strip().lower().lstrip("\ufeff") for k in next(rows)]
    except csv.Error as e:
        raise fail(f"ugyldig CSV ({e}).", first + 1) from None
    kolonner = [k.replace("æ", "ae").replace("ø", "oe").replace("å", "aa") for k in kolonner]
    for need in ("dato", "elevdag"):
        if need not in kolonner:
            raise fail(
                f"skolerute-filen mangler kolonnen «{need}». Første linje skal være kolonnenavnene: "
                f"{skille.join(SKOLERUTE_KOLONNER)}.",
                first + 1,
            )
    i_dato, i_elev = kolonner.index("dato"), kolonner.index("elevdag")
    i_kommentar = kolonner.index("kommentar") if "kommentar" in kolonner else None
    i_skole = kolonner.index("skole") if "skole" in kolonner else None
    per_skole: dict[tuple[date, str], tuple[bool, int]] = {}  # a date's first row per school
    # Several schools in one file: a day is free only when it is free for every school listed.
    per_dag: dict[date, list[tuple[bool, str, int]]] = {}
    line_no = first + 1
    try:
        for row in rows:
            line_no = first + rows.line_num
            if not any(cell.strip() for cell in row):
                continue
            if len(row) <= max(i_dato, i_elev):
                raise fail(f"linjen har {len(row)} kolonner; den trenger minst {max(i_dato, i_elev) + 1} "
                           f"(skilletegn «{skille}»).", line_no)  # fmt: skip
            verdi = row[i_dato].strip()
            try:
                dato = parse_dato(verdi)
            except ValueError as e:
                raise fail(f"kolonnen dato: {e}.", line_no) from None
            elev = row[i_elev].strip().lower()
            if elev not in _JA_NEI:
                raise fail(f"kolonnen elevdag skal være Ja eller Nei, ikke «{row[i_elev].strip()}».", line_no)
            kommentar = row[i_kommentar].strip() if i_kommentar is not None and i_kommentar < len(row) else ""
            per_dag.setdefault(dato, []).append((_JA_NEI[elev], kommentar, line_no))
            if advarsler is not None and shown is not None:
                skole = row[i_skole].strip() if i_skole is not None and i_skole < len(row) else ""
                _sjekk_rad(advarsler, shown, per_skole, dato, skole, _JA_NEI[elev], line_no)
    except csv.Error as e:
        raise fail(f"ugyldig CSV ({e}).", line_no) from None
    result = []
    if dager is not None:
        for dato, rader in per_dag.items():
            if dato.weekday() < 5:
                dager[dato] = (not any(elevdag for elevdag, _, _ in rader), min(n for _, _, n in rader))
    for dato in sorted(per_dag):
        rader = per_dag[dato]
        if dato.weekday() < 5 and not any(elevdag for elevdag, _, _ in rader):
            result.append((dato, next((k for _, k, _ in rader if k), ""), min(n for _, _, n in rader)))
    return result


_UKEDAG_NAVN = ("mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag")


def _sjekk_rad(
    advarsler: list[Problem],
    shown: Path,
    per_skole: dict[tuple[date, str], tuple[bool, int]],
    dato: date,
    skole: str,
    elevdag: bool,
    line: int,
) -> None:
    """The warnings one row of a skolerute file can give (_skolerute_dager)."""
    tekst = f"{dato.day:02d}.{dato.month:02d}.{dato.year}"
    if elevdag and dato.weekday() >= 5:
        advarsler.append(Problem(shown, line, None,
            f"{_UKEDAG_NAVN[dato.weekday()].capitalize()} {tekst} er oppført som elevdag (elevdag = Ja). "
            "Programmet ser bort fra helgedager; stemmer datoen?"))  # fmt: skip
    forrige = per_skole.get((dato, skole))
    if forrige is None:
        per_skole[dato, skole] = (elevdag, line)
    elif forrige[0] != elevdag:
        hvem = f" for {skole}" if skole else ""
        ja_nei = {True: "Ja", False: "Nei"}
        advarsler.append(Problem(shown, line, None,
            f"{tekst} står to ganger{hvem} med ulik elevdag (linje {forrige[1]}: {ja_nei[forrige[0]]}, "
            f"linje {line}: {ja_nei[elevdag]}). Programmet regner dagen som skoledag; rett opp filen."))  # fmt: skip


def _skolerute_ferier(dager: Sequence[tuple[date, str, int]], filnavn: str) -> tuple[Ferie, ...]:
    """Consecutive free weekdays (a weekend between them allowed) with the same kommentar
    (or none) as one Ferie each, named by that kommentar ("Vinterferie"), else "skolefri".
    A planleggingsdag right after juleferie is its own ferie, so a moved date says which.
    Each Ferie's kilde names the file and its lines."""
    result: list[Ferie] = []
    start: date | None = None
    slutt: date | None = None
    navn = ""
    linjer: list[int] = []

    def ferdig() -> None:
        if start is not None and slutt is not None:
            fra_l, til_l = min(linjer), max(linjer)
            hvor = f"linje {fra_l}" if fra_l == til_l else f"linje {fra_l}–{til_l}"
            result.append(Ferie(navn or _STANDARD_NAVN, fra=start, til=slutt, kilde=f"{filnavn}, {hvor}",
                                fil=filnavn))

    for dato, kommentar, linje in dager:
        if slutt is not None and kommentar in ("", navn) and (dato - slutt).days <= 3 and all(
            (slutt + timedelta(days=i)).weekday() >= 5 for i in range(1, (dato - slutt).days)
        ):
            slutt = dato
            navn = navn or kommentar
            linjer.append(linje)
            continue
        ferdig()
        start = slutt = dato
        navn = kommentar
        linjer = [linje]
    ferdig()
    return tuple(result)
