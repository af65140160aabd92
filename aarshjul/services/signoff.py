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
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aarshjul.errors import UsageError, os_feil_tekst
from aarshjul.keys import FOREKOMST_ID_FORM, NOKKEL_FORM
from aarshjul.model import Forekomst, Kvittering, Plan
from aarshjul.render.common import one_line

if TYPE_CHECKING:
    from aarshjul.engine.followup import Oppfoelging

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


@dataclass(frozen=True)
class Lagret:
    """What a write did: the new rows, and whether the database file was created for them."""

    kvitteringer: list[Kvittering]
    opprettet: bool


def kvitter(
    hent_plan: Callable[[], Plan], path: Path, ider: Sequence[str], today: date, *, utfort: date | None = None,
    av: str | None = None, merknad: str | None = None, lenke: str | None = None,
    felt: dict[str, str] | None = None,
) -> tuple[list[Forekomst], Lagret]:
    """Sign off the occurrences named by ider (id, nøkkel or «tiltak.hendelse ÅÅÅÅ/ÅÅ»),
    done on `utfort` (default today), in one transaction. The texts are checked before
    the plan is asked for (`hent_plan`), so a bad value is reported first."""
    from aarshjul.engine.followup import finn_forekomst
    from aarshjul.model import KVITTERT
    from aarshjul.storage.store import ny_kvittering, write_transaction

    navn = {"dato": "--dato", "av": "--av", "merknad": "--merknad", "lenke": "--lenke", **(felt or {})}
    dag = utfort or today
    if dag > today:
        raise UsageError(f"{navn['dato']} {dag:%d.%m.%Y} er etter i dag; kvitter når det er gjort.")
    av_, merknad_ = brukertekst(av, navn["av"]), brukertekst(merknad, navn["merknad"])
    lenke_ = lenke_tekst(lenke, navn["lenke"])
    plan = hent_plan()
    forekomster = [finn_forekomst(plan, i, today) for i in ider]
    nye = [
        ny_kvittering(
            f.nokkel, KVITTERT, dag, av=av_, merknad=merknad_, lenke=lenke_, forekomst_id=f.id, forekomst_dato=f.dato
        )
        for f in forekomster
    ]
    with write_transaction(path) as store:
        opprettet = store.created
        store.append(nye)
    return forekomster, Lagret(nye, opprettet)


def angre(hent_plan: Callable[[], Plan], path: Path, ider: Sequence[str], today: date) -> list[Kvittering]:
    """Withdraw the sign-offs in force for ider; the history keeps both rows. Without a
    database there is nothing to withdraw, whatever the plan says."""
    from aarshjul.engine.followup import finn_forekomst
    from aarshjul.model import ANGRET
    from aarshjul.storage.store import db_exists, ny_kvittering, write_transaction

    if not db_exists(path):
        raise UsageError(f"Ingen kvitteringer å angre: {path} finnes ikke.")
    plan = hent_plan()
    with write_transaction(path) as store:
        i_kraft = store.gjeldende()
        nye = []
        for tekst in ider:
            # A sign-off whose occurrence left the plan can still be withdrawn by its key.
            k = i_kraft.get(tekst.strip()) or next(
                (k for k in i_kraft.values() if k.forekomst_id == tekst.strip()), None
            )
            if k is None:
                k = i_kraft.get(finn_forekomst(plan, tekst, today).nokkel)
                if k is None:
                    raise UsageError(f"«{tekst}» er ikke kvittert; ingenting å angre.")
            nye.append(
                ny_kvittering(k.nokkel, ANGRET, None, forekomst_id=k.forekomst_id, forekomst_dato=k.forekomst_dato)
            )
        store.append(nye)
    return nye


def oppfoelging(
    plan: Plan,
    start: date,
    end: date,
    keys: Sequence[str],
    i_kraft: dict[str, Kvittering],
    today: date,
    typer_: set[str],
) -> list[Oppfoelging]:
    """The frister, evalueringer and møter (the types in typer_) in [start, end) with their
    status, then the duties still waiting for a date."""
    from aarshjul.engine.expand import expand
    from aarshjul.engine.followup import med_status, venter

    forekomster = [f for f in expand(plan, start, end, keys or None) if f.type.value in typer_]
    rader = med_status(forekomster, i_kraft, today)
    return rader + [o for o in venter(plan, keys) if o.ventende is not None and o.ventende.type.value in typer_]


EKSPORT_FELT = (
    "uid", "nokkel", "handling", "utfort", "av", "merknad", "lenke", "forekomst_id", "forekomst_dato", "registrert",
)  # fmt: skip


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
            mangler = set(EKSPORT_FELT) - set(reader.fieldnames or ())
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
            f"{hvor}: «nokkel» er ikke en nøkkel (som pmto.evaluering.2027-03): «{maskert(one_line(nokkel))}»."
        )
    if forekomst_id is not None and not FOREKOMST_ID_FORM.fullmatch(forekomst_id):
        raise UsageError(
            f"{hvor}: «forekomst_id» er ikke en id (som pmto.evaluering.2027-03-31): "
            f"«{maskert(one_line(forekomst_id))}»."
        )
    if handling not in (KVITTERT, ANGRET):
        raise UsageError(f"{hvor}: «handling» må være {KVITTERT} eller {ANGRET}.")
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
