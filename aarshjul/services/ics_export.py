"""ICS export: the calendar of one or more virksomheter, or a published folder with one
file per virksomhet plus alle.ics. `aarshjul ics`, `aarshjul publiser` (and later the web
app) call these, so the window, the DTSTAMP and the `etter:` bases are decided once."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from aarshjul.dates import skoleaar_start
from aarshjul.errors import UsageError
from aarshjul.model import Forekomst, Plan

if TYPE_CHECKING:
    from aarshjul.storage.ics_manifest import Manifest

ICS_MAANEDER = 24  # default window: from 1 August of the current school year
ICS_ALLE = "alle"  # alle.ics: every virksomhet in one file
# Device names Windows refuses as a file name, with any extension ("con.ics" too).
_WINDOWS_RESERVERT = frozenset(
    ["con", "prn", "aux", "nul"] + [f"{p}{n}" for p in ("com", "lpt") for n in range(1, 10)]
)


def ics_filnavn(key: str) -> str:
    """"barnehage.ics": a virksomhet key as a file name that is safe on every OS.

    Keys are already [a-z0-9_-] (plan/loader.py), but the name goes to the file system, so
    anything else becomes "_", and names Windows reserves are refused, not renamed:
    a silently different name would break the subscription URLs people were given.
    """
    import re

    navn = re.sub(r"[^a-z0-9_-]", "_", key.lower())[:100]
    if not navn or navn in _WINDOWS_RESERVERT or navn == ICS_ALLE:
        hvorfor = "er reservert for alle.ics" if navn == ICS_ALLE else "er ikke et trygt filnavn"
        raise UsageError(
            f"Virksomheten «{key}» kan ikke få kalenderfilen «{navn}.ics»: navnet {hvorfor} "
            "(i Windows er f.eks. con, nul, aux, prn og com1 reservert). "
            "Gi virksomheten en annen nøkkel i planen."
        )
    return f"{navn}.ics"


def ics_filnavn_alle(plan: Plan) -> dict[str, str]:
    """Virksomhet key -> its file name in a published folder; two keys with one name refused."""
    filnavn: dict[str, str] = {}
    for key in plan.virksomheter:
        navn = ics_filnavn(key)
        if navn in filnavn.values():
            raise UsageError(f"To virksomheter får samme kalenderfil «{navn}». Gi en av dem en annen nøkkel.")
        filnavn[key] = navn
    return filnavn


def ics_window(today: date, fra: date | None, til: date | None, maaneder: int | None) -> tuple[date, date]:
    """[start, end): fra (default 1 August of the current school year), til or maaneder."""
    from dateutil.relativedelta import relativedelta

    if til is not None and maaneder is not None:
        raise UsageError("Bruk enten --til eller --måneder, ikke begge.")
    start = fra if fra is not None else date(skoleaar_start(today), 8, 1)
    if til is not None:
        end = til + timedelta(days=1)
        if end <= start:
            raise UsageError("--til kan ikke være før --fra.")
        return start, end
    n = ICS_MAANEDER if maaneder is None else maaneder
    if not 1 <= n <= 120:
        raise UsageError("--måneder må være mellom 1 og 120.")
    return start, start + relativedelta(months=n)


def ics_stamp(today: date, start: date, stempel: date | None = None) -> datetime:
    """DTSTAMP, 00:00 UTC: the given day, else the window's first day but never after
    1 August of the current school year, so the same plan gives the same file all year
    and a future window never stamps a day that has not come."""
    dag = stempel if stempel is not None else min(start, date(skoleaar_start(today), 8, 1))
    return datetime.combine(dag, datetime.min.time(), tzinfo=timezone.utc)


@dataclass(frozen=True)
class IcsFil:
    data: bytes
    antall: int  # events in the file


def _i_kalenderen(plan: Plan, start: date, end: date, keys: Sequence[str] | None = None) -> list[Forekomst]:
    """The forekomster a calendar file from start to end holds: those that begin in it,
    after the vinduer that began before start and still run then (a subscriber's
    calendar would otherwise cancel a running vindu when the file's year turns)."""
    from aarshjul.engine.expand import expand
    from aarshjul.engine.select import paagaaende

    return [*paagaaende(plan, start, keys), *expand(plan, start, end, keys)]


def ics_for(
    plan: Plan, start: date, end: date, keys: Sequence[str], stamp: datetime,
    utfort: Mapping[str, date] | None = None,
) -> IcsFil:
    """One calendar: the forekomster of the virksomheter in keys (all when empty)."""
    from aarshjul.engine.expand import etter_baser
    from aarshjul.render.common import virksomheter_tekst
    from aarshjul.render.ics import kalenderbeskrivelse, kalendernavn, render_ics

    forekomster = _i_kalenderen(plan, start, end, keys or None)
    hvem = virksomheter_tekst(plan, tuple(keys)) if keys else "alle virksomheter"
    data = render_ics(
        plan, forekomster, calname=kalendernavn(plan, hvem), stamp=stamp,
        kalenderbeskrivelse=kalenderbeskrivelse(plan, hvem, start, end), utfort=utfort,
        baser=etter_baser(plan, forekomster),
    )  # fmt: skip
    return IcsFil(data, len(forekomster))


def mappe_filer(
    plan: Plan, start: date, end: date, stamp: datetime, *,
    manifest: Manifest | None = None, utfort: Mapping[str, date] | None = None,
) -> Iterator[tuple[str, bytes, int]]:
    """The files of a published folder, one at a time: (file name, bytes, events).

    One file per virksomhet with the forekomster where it is ansvarlig or deltar, then
    alle.ics with every forekomst. With the folder's manifest the events carry the
    SEQUENCE and LAST-MODIFIED the folder had; the caller writes `manifest.til_json()`
    after the files. File names are checked when this is called, before the first file
    is made, so a name problem leaves a published folder as it was.
    """
    from aarshjul.engine.expand import etter_baser

    filnavn = ics_filnavn_alle(plan)
    forekomster = _i_kalenderen(plan, start, end)
    return lag_mappe_filer(
        plan, forekomster, filnavn, stamp=stamp, fra=start, til=end, manifest=manifest, utfort=utfort,
        baser=etter_baser(plan, forekomster),
    )  # fmt: skip


def lag_mappe_filer(
    plan: Plan,
    forekomster: Sequence[Forekomst],
    filnavn: Mapping[str, str],
    *,
    stamp: datetime,
    fra: date,
    til: date,
    manifest: Manifest | None = None,
    utfort: Mapping[str, date] | None = None,
    baser: Mapping[str, Forekomst] | None = None,
) -> Iterator[tuple[str, bytes, int]]:
    """The files for these forekomster and file names (mappe_filer without its checks).

    Which virksomheter a forekomst belongs to is worked out once per forekomst, and each
    VEVENT is made once for all its files, so the work grows with the output, not with
    files x events (a tiltak owned by a group of hundreds of virksomheter). Files are
    yielded as they are made, so the caller can write each before the next is made."""
    from aarshjul.engine.roles import med_rolle
    from aarshjul.render.ics import kalenderbeskrivelse, kalendernavn, render_ics, uid

    per_virksomhet: dict[str, list[Forekomst]] = {key: [] for key in filnavn}
    for f in forekomster:
        for key in med_rolle(plan, f):
            liste = per_virksomhet.get(key)
            if liste is not None:
                liste.append(f)
    delte: dict[str, bytes] = {}
    uids = {f.id: uid(plan, f) for f in forekomster}
    # Every file names an evaluated meeting the same way, also where the meeting is in
    # another virksomhet's file only: each VEVENT is made once for all its files.
    alle_baser = {f.nokkel: f for f in forekomster if f.nokkel}
    if baser:
        alle_baser = {**baser, **alle_baser}
    deler: list[tuple[str, str, Sequence[Forekomst]]] = [
        (navn, plan.virksomheter[key].navn if key in plan.virksomheter else key, per_virksomhet[key])
        for key, navn in filnavn.items()
    ]
    deler.append((f"{ICS_ALLE}.ics", "alle virksomheter", forekomster))
    for navn, hvem, fs in deler:
        avlyste = manifest.fil(navn, (uids[f.id] for f in fs)) if manifest is not None else []
        data = render_ics(
            plan, fs, calname=kalendernavn(plan, hvem), stamp=stamp, delte=delte,
            kalenderbeskrivelse=kalenderbeskrivelse(plan, hvem, fra, til),
            utfort=utfort, versjoner=manifest, baser=alle_baser, avlyste=avlyste,
        )  # fmt: skip
        yield navn, data, len(fs)


def skriv_ics_mappe(
    plan: Plan, ut: Path, start: date, end: date, stamp: datetime, today: date, *,
    utfort: Mapping[str, date] | None = None, varsle: Callable[[str], None] = lambda _: None,
) -> Iterator[tuple[Path, int, bool]]:
    """`ics --alle`: write the folder's files, yielding (path, events, written) per file.

    The file names are checked before the folder is made or anything is written. A file
    that already holds the same bytes is left as it is: no rewrite, so its modification
    time (a web server's Last-Modified and ETag) changes only when the calendar does, and
    an unchanged nightly run costs no disk writes. Each file is written atomically as soon
    as it is made (memory grows with one file, not the folder), and the manifest last.
    `varsle` gets the warning about a manifest that could not be read.
    """
    from aarshjul.engine.expand import etter_baser
    from aarshjul.storage.ics_manifest import MANIFEST, Manifest, dato_naa
    from aarshjul.storage.output import ensure_folder, er_lik, fjern_gamle_tmp, write_in_folder

    filnavn = ics_filnavn_alle(plan)
    forekomster = _i_kalenderen(plan, start, end)
    mappe = ensure_folder(ut, "Med --alle er -o en mappe.")
    fjern_gamle_tmp(mappe, [*filnavn.values(), f"{ICS_ALLE}.ics", MANIFEST])
    manifest = Manifest.les(mappe, dato_naa(today))
    if manifest.advarsel:
        varsle(manifest.advarsel)
    for navn, data, antall in lag_mappe_filer(
        plan, forekomster, filnavn, stamp=stamp, fra=start, til=end, manifest=manifest, utfort=utfort,
        baser=etter_baser(plan, forekomster),
    ):  # fmt: skip
        sti = mappe / navn
        if er_lik(sti, data):
            yield sti, antall, False
            continue
        write_in_folder(sti, data)
        yield sti, antall, True
    ny = manifest.til_json()
    if ny != manifest.lest:
        write_in_folder(mappe / MANIFEST, ny)
