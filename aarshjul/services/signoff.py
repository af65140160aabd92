"""Sign-off and follow-up: kvitter, angre, status, rapport, export and import.

The rules for what a sign-off may say (one line, no control characters, no
fødselsnummer, not after today) live here once, so the CLI and a web form cannot
differ. The store is storage/store.py (SQLite); what is done or overdue is decided by
engine/followup.py. `felt` arguments name the field in messages: an option such as
«--av» at the terminal, a form field in the browser.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aarshjul.errors import UsageError, os_feil_tekst
from aarshjul.keys import FOREKOMST_ID_FORM, NOKKEL_FORM
from aarshjul.model import Forekomst, Kvittering, Kvitteringsform, Kvitteringslogg, Plan
from aarshjul.render.common import one_line

if TYPE_CHECKING:
    from aarshjul.engine.followup import Oppfoelging
    from aarshjul.storage.store import Skrivekobling

MAKS_TEKST = 2000
# An export of ten years of sign-offs in a big city is a few MB; this is far beyond it.
MAKS_EKSPORT = 256 * 1024 * 1024
_KONTROLL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def brukertekst(verdi: str | None, option: str) -> str | None:
    """--av, --merknad, --lenke: one line of text, no fødselsnummer (privacy.py)."""
    if verdi is None:
        return None
    tekst = verdi.strip()
    if not tekst:
        return None
    try:
        # Bytes that were not UTF-8 arrive from argv as lone surrogates (surrogateescape),
        # and from a JSON import as "\udcff": no database or terminal can hold them.
        tekst.encode("utf-8")
    except UnicodeEncodeError:
        raise UsageError(
            f"{option} inneholder tegn som ikke er gyldig UTF-8; skriv teksten på nytt i en terminal "
            "som bruker UTF-8 (f.eks. LANG=nb_NO.UTF-8)."
        ) from None
    if len(tekst) > MAKS_TEKST:
        raise UsageError(f"{option} er for lang ({len(tekst)} tegn); høyst {MAKS_TEKST}.")
    if _KONTROLL.search(tekst):
        raise UsageError(f"{option} inneholder kontrolltegn eller linjeskift; skriv teksten på én linje.")
    import unicodedata

    from aarshjul.plan.privacy import FNR_MELDING, scan_personal_data

    # Check the text as a reader sees it: fullwidth or other digits folded (NFKC), and
    # once more with separators between digits removed ("010190-123 45").
    normal = unicodedata.normalize("NFKC", tekst)
    sammen = re.sub(r"(?<=\d)[\s.\-–/]+(?=\d)", "", normal)
    if scan_personal_data(normal, None)[0] or scan_personal_data(sammen, None)[0]:
        raise UsageError(f"{option} {FNR_MELDING} Skriv rolle eller virksomhet, ikke personnummer.")
    return tekst


def lenke_tekst(verdi: str | None, option: str = "--lenke") -> str | None:
    tekst = brukertekst(verdi, option)
    if tekst is not None and (not tekst.startswith(("https://", "http://")) or " " in tekst):
        raise UsageError(f"{option} må være en nettadresse som begynner med https:// (fikk «{tekst}»).")
    return tekst


# How a sign-off came in (Kvittering.kilde): the terminal, a personal link for a
# virksomhet, or a user the kommune's single sign-on vouched for. The web app builds
# its values with kilde_lenke and kilde_sso; KILDE_FORM is what an import accepts.
KILDE_CLI = "cli"
KILDE_FORM = re.compile(r"cli|lenke:[a-z0-9][a-z0-9_-]*|sso:[^\s\x00-\x1f\x7f-\x9f\u2028\u2029]{1,200}")


def kilde_lenke(virksomhet: str) -> str:
    """"lenke:skole": signed off through a personal link for that virksomhet."""
    return f"lenke:{virksomhet}"


def kilde_sso(bruker: str) -> str:
    """"sso:USER": signed off by a user the single sign-on proxy named."""
    kilde = f"sso:{bruker.strip()}"
    if not KILDE_FORM.fullmatch(kilde):
        raise UsageError(f"Ugyldig brukernavn fra innloggingen: «{one_line(bruker)}».")
    return kilde


@dataclass(frozen=True)
class Lagret:
    """What a write did: the new rows, and whether the database file was created for them."""

    kvitteringer: list[Kvittering]
    opprettet: bool


@dataclass(frozen=True)
class Kvittert:
    """What kvitter did for one occurrence."""

    forekomst: Forekomst
    kvitteringer: tuple[Kvittering, ...]  # the rows written
    virksomheter: tuple[str, ...]  # who they are for; () = once for every owner (felles)
    fra_foer: tuple[str, ...] = ()  # owners already signed off, left as they were
    erstattet: tuple[Kvittering, ...] = ()  # sign-offs in force that these replace


@dataclass(frozen=True)
class Angret:
    """What angre did for one occurrence (or one nøkkel that left the plan)."""

    hva: str  # the occurrence's id, or the nøkkel of one that left the plan
    kvitteringer: tuple[Kvittering, ...]  # the withdrawal rows written
    virksomheter: tuple[str, ...]  # whose sign-off was withdrawn; () = the one for every owner
    gjelder_igjen: tuple[Kvittering, ...] = ()  # earlier sign-offs in force again


class AlleredeKvittert(UsageError):
    """Refused: what is named is signed off already and `erstatt` was not given. Carries
    what is in force (occurrence, virksomhet or None, sign-off), so a page can ask the
    user to confirm the replacement. `hva` is the message without the advice how to
    replace (the CLI's --erstatt, the page's button)."""

    def __init__(self, hva: str, hint: str, i_kraft: list[tuple[Forekomst, str | None, Kvittering]]) -> None:
        super().__init__(f"{hva} {hint}")
        self.hva = hva
        self.i_kraft = i_kraft


def _eiere(plan: Plan, f: Forekomst) -> tuple[Kvitteringsform, tuple[str, ...], tuple[str, ...]]:
    """(form, who signs off one by one (() for felles), who may sign off at all)."""
    from aarshjul.engine.followup import eiere, kvitterende

    kvitterer = kvitterende(plan, f)
    form = Kvitteringsform.HVER if kvitterer else Kvitteringsform.FELLES
    return form, kvitterer, kvitterer or eiere(plan, f.ansvar)


def _navn(plan: Plan, keys: Sequence[str]) -> str:
    from aarshjul.render.common import virksomhet_navn

    return ", ".join(one_line(virksomhet_navn(plan, k)) for k in keys)


def _hva(f: Forekomst) -> str:
    from aarshjul.render.common import dato_tekst

    return f"{one_line(f.tiltak_navn)} – {one_line(f.tittel)} ({dato_tekst(f)})"


def _valgt_virksomhet(plan: Plan, virksomhet: str | None) -> str | None:
    if virksomhet is None:
        return None
    from aarshjul.plan.loader import find_virksomhet

    return virksomhet if virksomhet in plan.virksomheter else find_virksomhet(plan, virksomhet)


def _sjekk_eier(plan: Plan, f: Forekomst, virksomhet: str, eiere: Sequence[str], option: str) -> None:
    if virksomhet not in eiere:
        from aarshjul.render.common import virksomhet_navn

        raise UsageError(
            f"{one_line(virksomhet_navn(plan, virksomhet))} har ikke ansvar for «{f.id}» ({_hva(f)}). "
            f"Den kvitteres av: {_navn(plan, eiere)}. Velg en av dem med {option}."
        )


def registrert_tekst(k: Kvittering) -> str:
    """"24.09.2026 kl. 10:15" in Norwegian time: when a sign-off was recorded."""
    from zoneinfo import ZoneInfo

    try:
        t = datetime.strptime(k.registrert, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc)
    except ValueError:
        return one_line(k.registrert)
    return t.astimezone(ZoneInfo("Europe/Oslo")).strftime("%d.%m.%Y kl. %H:%M")


def kilde_tekst(plan: Plan, kilde: str | None) -> str:
    """How a sign-off came in, in words: "fra kommandolinjen", "med personlig lenke for
    Skole", "innlogget som ola@kommune.no"; "" for rows from before it was recorded."""
    from aarshjul.render.common import ledelse_genitiv, virksomhet_navn

    if kilde == KILDE_CLI:
        return "fra kommandolinjen"
    if kilde == "lenke:admin" and "admin" not in plan.virksomheter:  # services/lenker.py's admin link
        return f"med {ledelse_genitiv(plan)} personlige lenke"
    if kilde is not None and kilde.startswith("lenke:"):
        return f"med personlig lenke for {one_line(virksomhet_navn(plan, kilde[6:]))}"
    if kilde is not None and kilde.startswith("sso:"):
        return f"innlogget som {one_line(kilde[4:])}"
    return ""


def kvittert_tekst(plan: Plan, k: Kvittering) -> str:
    """"for Skole av Rektor 24.09.2026 (registrert 24.09.2026 kl. 10:15 fra kommandolinjen)"."""
    from aarshjul.render.common import virksomhet_navn

    deler = []
    if k.virksomhet:
        deler.append(f"for {one_line(virksomhet_navn(plan, k.virksomhet))}")
    if k.av:
        deler.append(f"av {one_line(k.av)}")
    if k.utfort:
        deler.append(f"{k.utfort:%d.%m.%Y}")
    hvordan = kilde_tekst(plan, k.kilde)
    deler.append(f"(registrert {registrert_tekst(k)}{' ' + hvordan if hvordan else ''})")
    return " ".join(deler)


def kvitter(
    hent_plan: Callable[[], Plan], path: Path, ider: Sequence[str], today: date, *, utfort: date | None = None,
    av: str | None = None, merknad: str | None = None, lenke: str | None = None,
    virksomhet: str | None = None, kilde: str = KILDE_CLI, erstatt: bool = False,
    felt: dict[str, str] | None = None, kobling: Skrivekobling | None = None,
) -> tuple[list[Kvittert], Lagret]:
    """Sign off the occurrences named by ider (id, nøkkel or «tiltak.hendelse ÅÅÅÅ/ÅÅ»),
    done on `utfort` (default today), in one transaction.

    A duty signed off per virksomhet gets one row for `virksomhet` (which must own it)
    or, without it, one for each owner not yet signed off (the administrator's
    shortcut); a duty signed off once gets one row for all. What is signed off already
    is refused with AlleredeKvittert, and nothing is written, unless `erstatt`. `kilde`
    says how it came in (KILDE_CLI, kilde_lenke(V), kilde_sso(USER)). The texts are
    checked before the plan is asked for (`hent_plan`), so a bad value is reported first."""
    from aarshjul.engine.followup import finn_forekomst, i_kraft, i_kraft_felles
    from aarshjul.model import KVITTERT
    from aarshjul.storage.store import ny_kvittering, write_transaction

    navn = {"dato": "--dato", "av": "--av", "merknad": "--merknad", "lenke": "--lenke",
            "virksomhet": "--virksomhet", "erstatt": "--erstatt", **(felt or {})}  # fmt: skip
    dag = utfort or today
    if dag > today:
        raise UsageError(f"{navn['dato']} {dag:%d.%m.%Y} er etter i dag; kvitter når det er gjort.")
    av_, merknad_ = brukertekst(av, navn["av"]), brukertekst(merknad, navn["merknad"])
    lenke_ = lenke_tekst(lenke, navn["lenke"])
    if not KILDE_FORM.fullmatch(kilde):
        raise ValueError(f"kilde {kilde!r}: use KILDE_CLI, kilde_lenke() or kilde_sso()")
    plan = hent_plan()
    forekomster = [finn_forekomst(plan, i, today) for i in ider]
    valgt = _valgt_virksomhet(plan, virksomhet)
    hvem = []
    for f in forekomster:
        form, kvitterer, eiere = _eiere(plan, f)
        if valgt is not None:
            _sjekk_eier(plan, f, valgt, eiere, navn["virksomhet"])
        hvem.append(kvitterer)
    with write_transaction(path, kobling) as store:
        opprettet = store.created
        logg = store.logg(f.nokkel for f in forekomster)
        resultat: list[Kvittert] = []
        nekt: list[tuple[Forekomst, str | None, Kvittering]] = []
        for f, kvitterer in zip(forekomster, hvem):
            events = logg.get(f.nokkel, [])
            maal: list[str | None] = [valgt] if valgt is not None and kvitterer else list(kvitterer) or [None]
            i_kraft_na = {v: (i_kraft(events, v) if v is not None else i_kraft_felles(events)) for v in maal}
            gjort = [v for v in maal if i_kraft_na[v] is not None]
            fra_foer: tuple[str, ...] = ()
            if gjort and not erstatt:
                if valgt is None and kvitterer and len(gjort) < len(maal):
                    fra_foer = tuple(v for v in gjort if v is not None)  # the shortcut signs off the rest
                    maal = [v for v in maal if v not in gjort]
                else:
                    nekt += [(f, v, k) for v in gjort if (k := i_kraft_na[v]) is not None]
                    continue
            rader = tuple(
                ny_kvittering(f.nokkel, KVITTERT, dag, av=av_, merknad=merknad_, lenke=lenke_, forekomst_id=f.id,
                              forekomst_dato=f.dato, virksomhet=v, kilde=kilde)  # fmt: skip
                for v in maal
            )
            erstattet = tuple(k for v in maal if (k := i_kraft_na.get(v)) is not None)
            resultat.append(Kvittert(f, rader, tuple(v for v in maal if v is not None), fra_foer, erstattet))
        if nekt:
            linjer: dict[str, list[str]] = {}
            for f, _, k in nekt:
                linjer.setdefault(_hva(f), []).append(kvittert_tekst(plan, k))
            linjer_ = [f"{hva} er allerede kvittert {'; '.join(deler)}." for hva, deler in linjer.items()]
            hint = f"Bruk {navn['erstatt']} for å erstatte; ingenting er lagret."
            raise AlleredeKvittert(" ".join(linjer_), hint, nekt)
        nye = [k for r in resultat for k in r.kvitteringer]
        store.append(nye)
    return resultat, Lagret(nye, opprettet)


def angre(
    hent_plan: Callable[[], Plan], path: Path, ider: Sequence[str], today: date, *,
    virksomhet: str | None = None, kilde: str = KILDE_CLI, felt: dict[str, str] | None = None,
    kobling: Skrivekobling | None = None,
) -> list[Angret]:
    """Withdraw the sign-off in force for ider (for `virksomhet`, or for every owner that
    has one); the earlier sign-off, if any, is in force again (the replay rule in
    engine/followup.py). The history keeps every row. Without a database there is
    nothing to withdraw, whatever the plan says."""
    from aarshjul.engine.followup import finn_forekomst, i_kraft, i_kraft_felles
    from aarshjul.model import ANGRET
    from aarshjul.storage.store import db_exists, ny_kvittering, write_transaction

    navn = {"virksomhet": "--virksomhet", **(felt or {})}
    if not KILDE_FORM.fullmatch(kilde):
        raise ValueError(f"kilde {kilde!r}: use KILDE_CLI, kilde_lenke() or kilde_sso()")
    if not db_exists(path):
        raise UsageError(f"Ingen kvitteringer å angre: {path} finnes ikke.")
    plan = hent_plan()
    valgt = _valgt_virksomhet(plan, virksomhet)
    with write_transaction(path, kobling) as store:
        logg = store.logg()
        resultat: list[Angret] = []
        for tekst in ider:
            s = tekst.strip()
            # A sign-off whose occurrence left the plan can still be withdrawn by its key.
            nokkel: str | None = s if s in logg else next(
                (n for n, events in logg.items() if any(k.forekomst_id == s for k in events)), None
            )
            f = None
            try:
                f = finn_forekomst(plan, tekst, today)
                nokkel = f.nokkel
            except UsageError:
                if nokkel is None:
                    raise
            events = list(logg.get(nokkel or "", []))
            hva = f.id if f is not None else one_line(nokkel or s)
            par: list[tuple[str | None, Kvittering]] = []  # (for whom, the sign-off withdrawn)
            if f is not None:
                _, kvitterer, eiere = _eiere(plan, f)
                if valgt is not None:
                    _sjekk_eier(plan, f, valgt, eiere, navn["virksomhet"])
                if kvitterer:
                    for v in [valgt] if valgt is not None else kvitterer:
                        if (k := i_kraft(events, v)) is not None:
                            par.append((v, k))
                elif (k := i_kraft_felles(events)) is not None:
                    par.append((None, k))
            elif valgt is not None:
                if (k := i_kraft(events, valgt)) is not None:
                    par.append((valgt, k))
            elif (k := i_kraft_felles(events)) is not None:
                par.append((None, k))
            if not par:
                hvem = f" for {_navn(plan, [valgt])}" if valgt is not None else ""
                raise UsageError(f"«{tekst}» er ikke kvittert{hvem}; ingenting å angre.")
            rader: list[Kvittering] = []
            sett: set[str] = set()
            for _, trukket in par:
                if trukket.uid in sett:
                    continue
                sett.add(trukket.uid)
                # A row for every owner withdrawn for one virksomhet only: it stays for the others.
                for_hvem = trukket.virksomhet if trukket.virksomhet is not None else valgt
                rader.append(ny_kvittering(trukket.nokkel, ANGRET, None, forekomst_id=trukket.forekomst_id,
                                           forekomst_dato=trukket.forekomst_dato, virksomhet=for_hvem, kilde=kilde,
                                           angrer=trukket.uid))  # fmt: skip
            etter = events + rader
            igjen = tuple(
                k for v, _ in par
                if (k := (i_kraft(etter, v) if v is not None else i_kraft_felles(etter))) is not None
            )  # fmt: skip
            logg[nokkel or ""] = etter
            resultat.append(Angret(hva, tuple(rader), tuple(v for v, _ in par if v is not None), igjen))
        store.append(k for r in resultat for k in r.kvitteringer)
    return resultat


def oppfoelging(
    plan: Plan,
    start: date,
    end: date,
    keys: Sequence[str],
    logg: Kvitteringslogg,
    today: date,
    typer_: set[str],
) -> list[Oppfoelging]:
    """The frister, evalueringer and møter (the types in typer_) in [start, end) with their
    status, then the duties still waiting for a date."""
    from aarshjul.engine.expand import expand
    from aarshjul.engine.followup import med_status, venter

    forekomster = [f for f in expand(plan, start, end, keys or None) if f.type.value in typer_]
    rader = med_status(plan, forekomster, logg, today, keys)
    return rader + [o for o in venter(plan, keys) if o.ventende is not None and o.ventende.type.value in typer_]


EKSPORT_FELT = (
    "uid", "nokkel", "handling", "utfort", "av", "merknad", "lenke", "forekomst_id", "forekomst_dato", "registrert",
    "virksomhet", "kilde", "angrer",
)  # fmt: skip
# An export from before sign-offs were per virksomhet lacks these; its rows are for every owner.
_NYE_FELT = ("virksomhet", "kilde", "angrer")


def eksport(path: Path, fmt: str) -> str:
    """Every sign-off event (the whole history) as JSON or CSV for Excel (semicolons, BOM)."""
    from aarshjul.storage.store import read_rows

    valgt = fmt.strip().lower()
    if valgt not in ("json", "csv"):
        raise UsageError(f"Ukjent eksportformat «{fmt}». Velg json eller csv.")
    # The rows as stored, not as parsed: the export is how a database with a row aarshjul
    # cannot read is rescued (fix the row in the file, then --importer).
    rader = read_rows(path)
    if valgt == "json":
        from aarshjul.render.json import dumps

        data = dumps(rader)
    else:
        import csv
        import io

        buf = io.StringIO()
        w = csv.DictWriter(buf, fieldnames=EKSPORT_FELT, delimiter=";", lineterminator="\r\n")
        w.writeheader()
        for rad in rader:
            w.writerow({k: "" if v is None else _formelvern(v) for k, v in rad.items()})
        data = "\ufeff" + buf.getvalue()
    return data


def importer(path: Path, fil: Path) -> tuple[Lagret, int]:
    """Read an export into the store; rows it has already (by uid) are not added again.
    Returns the rows read and how many were new."""
    from aarshjul.storage.store import write_transaction

    nye = les_eksport(fil)
    with write_transaction(path) as store:
        opprettet = store.created
        lagt_til = store.append(nye)
    return Lagret(nye, opprettet), lagt_til


_UID = re.compile(r"[0-9a-f]{32}")
_VIRKSOMHET = re.compile(r"[a-z0-9][a-z0-9_-]*")
_STEMPEL = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}Z")  # ASCII digits only
_DATO = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# A sign-off registered later than this is refused: it would stay the newest event for ever.
_KLOKKESKJEVHET = timedelta(hours=1)


def les_eksport(fil: Path) -> list[Kvittering]:
    """Parse an export (JSON or CSV, told apart by content); UsageError with file:line."""
    from aarshjul.files import IkkeLest, les_vanlig_fil

    try:
        raw = les_vanlig_fil(fil, MAKS_EKSPORT)
    except IkkeLest as e:
        raise UsageError(f"{fil}: {e.grunn}; oppgi en fil laget av «aarshjul kvitter --eksport».") from None
    except OSError as e:
        raise UsageError(f"{fil}: kan ikke lese filen ({os_feil_tekst(e)}).") from None
    try:
        tekst = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UsageError(f"{fil}: er ikke UTF-8; bruk en fil laget av «aarshjul kvitter --eksport».") from None
    rader: list[tuple[int, dict[str, Any]]] = []
    if tekst.lstrip().startswith("["):
        import json

        try:
            data = json.loads(tekst)
        except json.JSONDecodeError as e:
            raise UsageError(f"{fil}:{e.lineno}: ugyldig JSON ({e.msg}).") from None
        except RecursionError:
            raise UsageError(f"{fil}: JSON-en er nøstet for dypt; en eksport er en liste med flate objekter.") from None
        except ValueError:  # an integer of thousands of digits (Python refuses to convert it)
            raise UsageError(f"{fil}: JSON-en har et tall med for mange sifre; en eksport har bare tekst.") from None
        if not isinstance(data, list) or not all(isinstance(x, dict) for x in data):
            raise UsageError(f"{fil}: JSON-eksporten skal være en liste med objekter.")
        linjer = [i + 1 for i, line in enumerate(tekst.splitlines()) if line.strip() == "{"]
        rader = [(linjer[i] if i < len(linjer) else 0, x) for i, x in enumerate(data)]
    else:
        import csv

        reader = csv.DictReader(tekst.splitlines(), delimiter=";")
        try:
            mangler = set(EKSPORT_FELT) - set(_NYE_FELT) - set(reader.fieldnames or ())
            if mangler:
                raise UsageError(f"{fil}:1: CSV-filen mangler kolonnene {', '.join(sorted(mangler))}.")
            rader = [(reader.line_num, {k: _uten_formelvern(v) for k, v in rad.items()}) for rad in reader]
        except csv.Error as e:
            raise UsageError(f"{fil}:{reader.line_num}: CSV-filen kan ikke leses ({e}).") from None
    return [_kvittering(fil, linje, rad) for linje, rad in rader]


def _kvittering(fil: Path, linje: int, rad: dict[str, Any]) -> Kvittering:
    from aarshjul.model import ANGRET, KVITTERT, Kvittering

    hvor = f"{fil}:{linje}" if linje else str(fil)

    def felt(navn: str) -> str | None:
        v = rad.get(navn)
        if v is None or v == "":
            return None
        if not isinstance(v, str):
            raise UsageError(f"{hvor}: «{navn}» skal være tekst.")
        return v

    def dato(navn: str) -> date | None:
        v = felt(navn)
        if v is None:
            return None
        try:
            if not _DATO.fullmatch(v):
                raise ValueError(v)
            return date.fromisoformat(v)
        except ValueError:
            raise UsageError(f"{hvor}: «{navn}» er ikke en dato (åååå-mm-dd): «{one_line(v)}».") from None

    uid, nokkel, handling, registrert = felt("uid"), felt("nokkel"), felt("handling"), felt("registrert")
    if uid is None or not _UID.fullmatch(uid):
        raise UsageError(f"{hvor}: «uid» mangler eller er ugyldig.")
    if not nokkel:
        raise UsageError(f"{hvor}: «nokkel» mangler.")
    forekomst_id = felt("forekomst_id")
    from aarshjul.plan.privacy import FNR_MELDING, finn_personnummer, maskert

    # A key is text from the file like --av: a fødselsnummer in it would reach the database,
    # and `check` (mailed by cron) prints the keys of sign-offs the plan no longer has.
    for navn, verdi in (("nokkel", nokkel), ("forekomst_id", forekomst_id)):
        if verdi is not None and finn_personnummer(verdi):
            raise UsageError(f"{hvor}: «{navn}» {FNR_MELDING} Raden kan ikke importeres.")
    if not NOKKEL_FORM.fullmatch(nokkel):
        raise UsageError(
            f"{hvor}: «nokkel» er ikke en nøkkel (som tiltak.hendelse.2027-03): «{maskert(one_line(nokkel))}»."
        )
    if forekomst_id is not None and not FOREKOMST_ID_FORM.fullmatch(forekomst_id):
        raise UsageError(
            f"{hvor}: «forekomst_id» er ikke en id (som tiltak.hendelse.2027-03-31): "
            f"«{maskert(one_line(forekomst_id))}»."
        )
    if handling not in (KVITTERT, ANGRET):
        raise UsageError(f"{hvor}: «handling» må være {KVITTERT} eller {ANGRET}.")
    virksomhet, kilde, angrer = felt("virksomhet"), felt("kilde"), felt("angrer")
    if virksomhet is not None and not _VIRKSOMHET.fullmatch(virksomhet):
        raise UsageError(
            f"{hvor}: «virksomhet» er ikke en virksomhetsnøkkel (som i planens «virksomheter:»): "
            f"«{one_line(virksomhet)}»."
        )
    if kilde is not None and not KILDE_FORM.fullmatch(kilde):
        raise UsageError(f"{hvor}: «kilde» må være cli, lenke:VIRKSOMHET eller sso:BRUKER: «{one_line(kilde)}».")
    if angrer is not None and (handling != ANGRET or not _UID.fullmatch(angrer)):
        raise UsageError(f"{hvor}: «angrer» skal være uid-en til kvitteringen en angring trekker tilbake.")
    if registrert is None or not _STEMPEL.fullmatch(registrert):
        raise UsageError(f"{hvor}: «registrert» mangler eller er ikke et tidsstempel (2027-03-25T09:00:00.000000Z).")
    try:
        tidspunkt = datetime.strptime(registrert, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc)
    except ValueError:
        raise UsageError(f"{hvor}: «registrert» er ikke et tidspunkt som finnes: «{registrert}».") from None
    if tidspunkt > datetime.now(timezone.utc) + _KLOKKESKJEVHET:
        raise UsageError(
            f"{hvor}: «registrert» ({registrert}) er fram i tid; en slik rad ville vært den nyeste for alltid."
        )
    try:
        av, merknad = brukertekst(felt("av"), "«av»"), brukertekst(felt("merknad"), "«merknad»")
        lenke = brukertekst(felt("lenke"), "«lenke»")
    except UsageError as e:
        raise UsageError(f"{hvor}: {e.message}") from None
    return Kvittering(
        nokkel=nokkel, handling=handling, utfort=dato("utfort"), av=av, merknad=merknad, lenke=lenke,
        forekomst_id=forekomst_id, forekomst_dato=dato("forekomst_dato"), registrert=registrert, uid=uid,
        virksomhet=virksomhet, kilde=kilde, angrer=angrer,
    )  # fmt: skip


# Excel runs a cell that starts with = + - @ as a formula (OWASP "CSV injection"): the
# export puts an apostrophe before such a cell, as status and rapport do, and before a
# cell that starts with an apostrophe; the import takes one away, so a round trip keeps
# the text.
_FORMELSTART = ("=", "+", "-", "@", "'")


def _formelvern(tekst: str) -> str:
    return "'" + tekst if tekst.startswith(_FORMELSTART) else tekst


def _uten_formelvern(tekst: str | None) -> str | None:
    return tekst[1:] if tekst and tekst.startswith("'") else tekst


# --- a leader's own duties (the web's «Mine oppgaver») ---------------------------------

MINE_DAGER = 60  # «Kommende»: this many days after the current month
MINE_KVITTERT = 20  # «Kvittert tidligere»: the newest this many


@dataclass(frozen=True)
class MineOppgaver:
    """What one virksomhet (or the admin, for all) is to sign off: overdue, this month, coming."""

    forfalt: list[Oppfoelging]
    denne_maaneden: list[Oppfoelging]
    kommende: list[Oppfoelging]
    # Signed off, dated before this month: the newest sign-offs first, so the latest can
    # still be undone after it left the lists above.
    kvittert: list[Oppfoelging] = field(default_factory=list)


def kan_kvittere(plan: Plan, f: Forekomst, virksomhet: str) -> bool:
    """Whether `virksomhet` may sign off `f`: it owns it (named in ansvar, or a member of
    a set group named there). The one rule kvitter's --virksomhet, the web forms and the
    web's 403 share."""
    return virksomhet in _eiere(plan, f)[2]


def skjema_virksomhet(plan: Plan, f: Forekomst, virksomheter: Sequence[str]) -> str | None:
    """The virksomhet a form signs `f` off for: the first of `virksomheter` that owns it,
    when it is signed off per virksomhet; None when it is signed off once for all."""
    _, kvitterer, _ = _eiere(plan, f)
    return next((v for v in virksomheter if v in kvitterer), None) if kvitterer else None


def mine_oppgaver(
    plan: Plan, virksomheter: Sequence[str] | None, logg: Kvitteringslogg, today: date
) -> MineOppgaver:
    """Frister, evalueringer and møter the virksomheter own (None: every one, for the
    admin): overdue ones from the last year, this month's, and those of the MINE_DAGER
    days after it, each with its follow-up state for those virksomheter; and the newest
    sign-offs before this month, so the latest can still be undone."""
    from aarshjul.engine.expand import expand
    from aarshjul.engine.followup import FORFALT_DAGER, Status, forfalte, med_status
    from aarshjul.engine.select import paagaaende

    def egne(f: Forekomst) -> bool:
        return f.type.value != "aktivitet" and (
            virksomheter is None or any(kan_kvittere(plan, f, v) for v in virksomheter))

    keys = list(virksomheter) if virksomheter is not None else None
    forfalt = [o for o in forfalte(plan, today, logg, keys) if o.forekomst is not None and egne(o.forekomst)]
    maaned_start = today.replace(day=1)
    neste = date(today.year + (today.month == 12), today.month % 12 + 1, 1)
    sett = {o.forekomst.nokkel for o in forfalt if o.forekomst is not None}
    # With the vinduer that began before the month and still run: not overdue before their
    # last day, they would otherwise be in no list while they run.
    denne = [*paagaaende(plan, maaned_start, keys), *expand(plan, maaned_start, neste, keys)]
    i_maaned = [f for f in denne if egne(f) and f.nokkel not in sett]
    senere = [f for f in expand(plan, neste, neste + timedelta(days=MINE_DAGER), keys) if egne(f)]
    tidligere = [f for f in expand(plan, today - timedelta(days=FORFALT_DAGER), maaned_start, keys)
                 if egne(f) and f.nokkel in logg]  # fmt: skip
    kvittert = [o for o in med_status(plan, tidligere, logg, today, keys)
                if o.status is Status.UTFOERT and o.kvittering is not None]  # fmt: skip
    kvittert.sort(key=lambda o: o.kvittering.registrert if o.kvittering else "", reverse=True)
    return MineOppgaver(forfalt, med_status(plan, i_maaned, logg, today, keys),
                        med_status(plan, senere, logg, today, keys), kvittert[:MINE_KVITTERT])  # fmt: skip


@dataclass(frozen=True)
class Enhetstall:
    """One virksomhet's part of the report: its frister and evalueringer by state."""

    virksomhet: str
    utfort: int
    forfalt: int
    kommende: int


def status_per_virksomhet(plan: Plan, rader: Sequence[Oppfoelging]) -> list[Enhetstall]:
    """For the plan's ledelse: per owning virksomhet (in the plan's order), how many of its
    frister and evalueringer in `rader` are done, overdue and coming. A duty signed off
    per virksomhet counts each owner's own part; one signed off once counts for every owner."""
    from aarshjul.engine.followup import Status, eiere

    tall: dict[str, list[int]] = {}
    for o in rader:
        f = o.forekomst
        if f is None:
            continue
        deler = [(e.virksomhet, e.status) for e in o.enheter] or [(v, o.status) for v in eiere(plan, f.ansvar)]
        for v, status in deler:
            t = tall.setdefault(v, [0, 0, 0])
            if status is Status.UTFOERT:
                t[0] += 1
            elif status is Status.FORFALT:
                t[1] += 1
            elif status is Status.KOMMENDE:
                t[2] += 1
    return [Enhetstall(k, *tall[k]) for k in plan.virksomheter if k in tall]
