"""What a published ICS folder held before: `.aarshjul-ics.json`.

A subscriber's client (Outlook, Google, Thunderbird, vdirsyncer) keeps an event by its
UID and replaces it only when SEQUENCE goes up or LAST-MODIFIED changes; an importer
drops an event only when it is told it is cancelled. So `ics --alle -o MAPPE` remembers,
per UID, a hash of what it published, the SEQUENCE and LAST-MODIFIED it gave it, and in
which files it was:

    {"format": 1,
     "hendelser": {
       "samba.mote.2026-12@kommune.example.no": {
         "hash": "9f2c…", "sekvens": 1, "endret": "2026-12-01T00:00:00+00:00",
         "start": "2026-12-15T09:00:00", "slutt": "2026-12-15T11:00:00",
         "tittel": "SAMBA-møte",
         "filer": {"alle.ics": null, "skole.ics": null, "ppt.ics": "2026-12-01"}}}}

`null` means the event is in that file; a date means it left that file on that day and
is published there once more as STATUS:CANCELLED (with SEQUENCE + 1) for AVLYST_DAGER
days, so caches and importers drop it; then it is forgotten. Unchanged content keeps
SEQUENCE and LAST-MODIFIED, so an unchanged re-run writes identical bytes.

Core code: no printing. A manifest that cannot be read is no manifest (`advarsel` says
why, the command prints it): the next run starts the numbering again from what it sees.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timezone
from json.encoder import encode_basestring as _json_streng  # what json.dumps(ensure_ascii=False) uses
from pathlib import Path

from aarshjul.errors import os_feil_tekst

# SHA-256 without hashlib: importing hashlib loads OpenSSL (~2 ms of an `ics --alle` run
# whose whole budget is 15 × `python -c pass`), for one digest per event. The standard
# library's random.py takes sha512 from its C module the same way. Same digests.
try:
    from _sha256 import sha256  # type: ignore[import-not-found]  # CPython ≤ 3.11
except ImportError:  # pragma: no cover - other versions
    try:
        from _sha2 import sha256  # type: ignore[import-not-found,no-redef]  # CPython ≥ 3.12
    except ImportError:
        from hashlib import sha256  # type: ignore[assignment]

MANIFEST = ".aarshjul-ics.json"
FORMAT = 1
AVLYST_DAGER = 60  # how long a removed event is still published as cancelled


@dataclass(frozen=True)
class AvlystHendelse:
    """An event to publish once more as cancelled (render.ics.Avlyst)."""

    uid: str
    sekvens: int
    endret: datetime
    start: date | datetime
    slutt: date | datetime
    tittel: str


def _dato_tekst(d: date | datetime) -> str:
    return d.isoformat()


def _fra_tekst(s: str) -> date | datetime:
    return datetime.fromisoformat(s) if "T" in s else date.fromisoformat(s)


# A big city's manifest (bench/storby.py: 571 files) is ~4 MB; anything near this is not ours.
MAKS_BYTES = 64 * 1024 * 1024


class Manifest:
    """SEQUENCE and LAST-MODIFIED by UID for one folder; implements render.ics.Versjoner."""

    def __init__(self, data: object, naa: datetime) -> None:
        if naa.tzinfo is None:
            raise ValueError("naa must be timezone-aware")
        self.naa = naa.astimezone(timezone.utc)
        self.advarsel: str | None = None
        self.lest: bytes | None = None  # the file as read: unchanged means no need to write
        self._poster: dict[str, dict[str, object]] = {}
        self._sett: set[str] = set()  # UIDs given a version in this run
        self._gjenopplivet: set[str] = set()
        self._filer: set[str] = set()
        self._ny_fil: tuple[str, set[str]] = ("", set())
        self.ugyldige = 0  # entries left out for a value of the wrong type or range
        if data is not None:
            self._poster, self.ugyldige = _poster(data, self.naa.date())
        # Which UIDs each file held, as read: a file looks only at its own (a
        # folder of 5,000 files must not scan every UID for each of them).
        self._per_fil: dict[str, list[str]] = {}
        for uid_, post in self._poster.items():
            for navn in post["filer"]:  # type: ignore[attr-defined]
                self._per_fil.setdefault(navn, []).append(uid_)
        self._endret: dict[str, datetime] = {}  # LAST-MODIFIED by its text, parsed once

    @classmethod
    def les(cls, mappe: Path, naa: datetime) -> Manifest:
        from aarshjul.files import IkkeLest, les_vanlig_fil

        fil = mappe / MANIFEST
        try:
            # Inside a folder others may write: a link is not followed, a FIFO not waited
            # on, /dev/zero not read into memory.
            tekst = les_vanlig_fil(fil, MAKS_BYTES, foelg_lenke=False)
        except FileNotFoundError:
            return cls(None, naa)
        except IkkeLest as e:
            m = cls(None, naa)
            m.advarsel = f"«{fil}» {e.grunn}; den blir skrevet på nytt, og SEQUENCE begynner på nytt."
            return m
        except OSError as e:
            m = cls(None, naa)
            m.advarsel = f"Kunne ikke lese «{fil}» ({os_feil_tekst(e)}); SEQUENCE begynner på nytt."
            return m
        try:
            m = cls(json.loads(tekst.decode("utf-8")), naa)
        except (ValueError, UnicodeDecodeError, TypeError, KeyError):
            m = cls(None, naa)
            m.advarsel = f"«{fil}» er ødelagt og blir skrevet på nytt; SEQUENCE begynner på nytt."
            return m
        m.lest = tekst
        if m.ugyldige:
            m.advarsel = (
                f"«{fil}» har en ugyldig oppføring (feil type eller verdi); den er hoppet over, og "
                "SEQUENCE begynner på nytt for den hendelsen."
                if m.ugyldige == 1
                else f"«{fil}» har {m.ugyldige} ugyldige oppføringer (feil type eller verdi); de er hoppet "
                "over, og SEQUENCE begynner på nytt for de hendelsene."
            )
        return m

    def fil(self, filnavn: str, uids: Iterable[str]) -> list[AvlystHendelse]:
        """Record that `filnavn` now holds these UIDs; return what it must cancel."""
        # A file seen before in this run may have gained UIDs since: then all are looked at.
        kandidater: Iterable[str] = self._poster if filnavn in self._filer else self._per_fil.get(filnavn, ())
        self._filer.add(filnavn)
        naa_uids = set(uids)
        idag = self.naa.date()
        avlyste = []
        for uid_ in kandidater:
            post = self._poster[uid_]
            filer = post["filer"]
            assert isinstance(filer, dict)
            if filnavn not in filer:
                continue
            siden = filer[filnavn]
            if uid_ in naa_uids:
                if siden is not None:  # back in a file that had it cancelled
                    filer[filnavn] = None
                    self._gjenopplivet.add(uid_)
                continue
            if siden is None:
                siden = filer[filnavn] = idag.isoformat()
            assert isinstance(siden, str)
            if (idag - date.fromisoformat(siden)).days >= AVLYST_DAGER:
                del filer[filnavn]
                continue
            sekvens = post["sekvens"]
            assert isinstance(sekvens, int)
            avlyst = datetime.combine(date.fromisoformat(siden), datetime.min.time(), tzinfo=timezone.utc)
            avlyste.append(AvlystHendelse(
                uid=uid_, sekvens=sekvens + 1, endret=avlyst,
                start=_fra_tekst(str(post["start"])), slutt=_fra_tekst(str(post["slutt"])),
                tittel=str(post["tittel"]),
            ))  # fmt: skip
        for uid_ in naa_uids:
            kjent = self._poster.get(uid_)
            if kjent is not None:
                kjente_filer = kjent["filer"]
                assert isinstance(kjente_filer, dict)
                kjente_filer.setdefault(filnavn, None)
        self._ny_fil = (filnavn, naa_uids)
        return sorted(avlyste, key=lambda a: (_dato_tekst(a.start), a.uid))

    def versjon(
        self, uid: str, innhold: bytes, start: date | datetime, slutt: date | datetime, tittel: str
    ) -> tuple[int, datetime | None]:
        hash_ = sha256(innhold).hexdigest()[:32]
        post = self._poster.get(uid)
        if post is None:
            filnavn, uids = self._ny_fil
            post = self._poster[uid] = {
                "hash": hash_, "sekvens": 0, "endret": self.naa.isoformat(),
                "filer": {filnavn: None} if uid in uids else {},
            }  # fmt: skip
        elif post["hash"] != hash_ or uid in self._gjenopplivet:
            if uid not in self._sett:
                sekvens = post["sekvens"]
                assert isinstance(sekvens, int)
                post["sekvens"] = sekvens + 1
                post["endret"] = self.naa.isoformat()
                post["hash"] = hash_
        post["start"], post["slutt"], post["tittel"] = _dato_tekst(start), _dato_tekst(slutt), tittel
        self._sett.add(uid)
        sekvens = post["sekvens"]
        assert isinstance(sekvens, int)
        endret_tekst = str(post["endret"])
        endret = self._endret.get(endret_tekst)
        if endret is None:
            endret = self._endret[endret_tekst] = datetime.fromisoformat(endret_tekst)
        return sekvens, endret

    def til_json(self) -> bytes:
        """The manifest to write after the files: only the files of this run, and only
        UIDs still published somewhere (live or cancelled)."""
        poster = {}
        for uid_, post in sorted(self._poster.items()):
            filer = post["filer"]
            assert isinstance(filer, dict)
            filer = {k: v for k, v in sorted(filer.items()) if k in self._filer}
            if filer:
                poster[uid_] = {**post, "filer": filer}
        return (json_tekst({"format": FORMAT, "hendelser": poster}) + "\n").encode("utf-8")


class _IkkeEnkel(Exception):
    """A value json_tekst does not write itself."""


def json_tekst(data: object) -> str:
    """`json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True)`, the same text.

    With an indent, Python's json writes through its pure-Python encoder, ~25 µs per
    manifest entry (2 s for 82,000 events). Dicts with str keys, str, int and None are
    written here instead, each string by json's own (C) string encoder; anything else
    falls back to json.dumps.
    """
    deler: list[str] = []
    try:
        _skriv(data, "\n", deler)
    except _IkkeEnkel:
        return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True)
    return "".join(deler)


def _skriv(verdi: object, inn: str, deler: list[str]) -> None:
    """Append verdi's JSON at the indent `inn` (a newline and one space per level)."""
    if verdi.__class__ is dict:
        assert isinstance(verdi, dict)
        if not verdi:
            deler.append("{}")
            return
        neste = inn + " "
        skille = "{" + neste
        for key in sorted(verdi):
            if key.__class__ is not str:
                raise _IkkeEnkel
            deler += (skille, _json_streng(key), ": ")
            v = verdi[key]
            if v.__class__ is dict:
                # A nested dict is joined into one string at once: a list of every small
                # piece of a 5,005-virksomheter manifest (38 MB) held ~250 MB of str
                # objects (bench/run.py, part 3).
                del_: list[str] = []
                _skriv(v, neste, del_)
                deler.append("".join(del_))
            else:
                _skriv(v, neste, deler)
            skille = "," + neste
        deler += (inn, "}")
    elif verdi.__class__ is str:
        assert isinstance(verdi, str)
        deler.append(_json_streng(verdi))
    elif verdi is None:
        deler.append("null")
    elif verdi.__class__ is int:
        assert isinstance(verdi, int)
        deler.append(int.__repr__(verdi))
    else:
        raise _IkkeEnkel


# What an entry may hold. The manifest lies in a folder others may write (a web server's
# document root): a value of the right JSON shape but the wrong type or range must not
# crash the run (a number as a date) or reach a calendar raw (ESC or NUL in a UID line).
_UID = re.compile(r"[\x21-\x7e]{1,500}")  # ours are key@domain: visible ASCII, no space
_DATO = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")  # fromisoformat alone takes 20261101 too
_HASH = re.compile(r"[0-9a-f]{1,64}")
# SEQUENCE is at most 2147483647 (RFC 5545 3.8.7.4); a run adds at most 2 (a new version
# and a cancellation), so an entry above this is reset rather than published out of range.
MAKS_SEKVENS = 2**31 - 1 - 2
_AAR = range(1900, 2201)  # the years a plan can use (plan/yamlnodes.py AAR_MIN..AAR_MAX)


def _tidspunkt(verdi: object, *, klokke: bool) -> date | datetime | None:
    """An ISO text in the plan's years, or None: with klokke a date-time with a time zone
    (LAST-MODIFIED), else a date or a date-time (DTSTART, DTEND: a timed event's has
    Europe/Oslo's offset)."""
    if not isinstance(verdi, str) or len(verdi) > 40 or not _DATO.match(verdi):
        return None
    try:
        d = datetime.fromisoformat(verdi) if klokke else _fra_tekst(verdi)
    except ValueError:
        return None
    if d.year not in _AAR:
        return None
    if klokke and (not isinstance(d, datetime) or d.tzinfo is None):
        return None
    return d


def _gyldig_post(uid_: str, post: object, idag: date) -> dict[str, object] | None:
    """One entry with every value of the type and in the range the code uses, or None."""
    if not _UID.fullmatch(uid_) or not isinstance(post, dict):
        return None
    sekvens, hash_, filer, tittel = post.get("sekvens"), post.get("hash"), post.get("filer"), post.get("tittel", "")
    if type(sekvens) is not int or not 0 <= sekvens <= MAKS_SEKVENS:  # (bool is an int too)
        return None
    if not isinstance(hash_, str) or not _HASH.fullmatch(hash_) or not isinstance(tittel, str):
        return None
    endret = _tidspunkt(post.get("endret"), klokke=True)
    start, slutt = _tidspunkt(post.get("start"), klokke=False), _tidspunkt(post.get("slutt"), klokke=False)
    if endret is None or start is None or slutt is None or type(start) is not type(slutt):
        return None
    if not isinstance(filer, dict):
        return None
    for navn, siden in filer.items():
        if len(navn) > 255:
            return None
        if siden is not None:  # the day it left that file: a plain date, not after today
            d = _tidspunkt(siden, klokke=False)
            if d is None or isinstance(d, datetime) or d > idag:
                return None
    return {
        "hash": hash_, "sekvens": sekvens, "endret": post["endret"], "start": post["start"],
        "slutt": post["slutt"], "tittel": tittel, "filer": dict(filer),
    }  # fmt: skip


def _poster(data: object, idag: date) -> tuple[dict[str, dict[str, object]], int]:
    """The manifest's valid entries and how many were not: a manifest of the wrong shape
    raises ValueError, an entry with a wrong value is left out (and counted)."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ValueError("unknown manifest format")
    hendelser = data.get("hendelser")
    if not isinstance(hendelser, dict):
        raise ValueError("no hendelser")
    poster: dict[str, dict[str, object]] = {}
    ugyldige = 0
    for uid_, post in hendelser.items():
        gyldig = _gyldig_post(uid_, post, idag)
        if gyldig is None:
            ugyldige += 1
        else:
            poster[uid_] = gyldig
    return poster, ugyldige


def dato_naa(idag: date) -> datetime:
    """The run's LAST-MODIFIED: the start of its own day, in UTC (deterministic per day)."""
    return datetime.combine(idag, datetime.min.time(), tzinfo=timezone.utc)
