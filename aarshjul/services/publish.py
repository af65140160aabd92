"""Publishing the årshjul as a static website in a folder: the pages, the wheels, the
ICS files of `ics --alle` and plan.json. Every file is built before the first is written,
so a problem leaves the folder as it was; the same plan on the same day gives the same
files."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from aarshjul.model import Kvittering, Plan

if TYPE_CHECKING:
    from aarshjul.render.site import Abonnement, Nettsted, Omfang


@dataclass(frozen=True)
class Publisering:
    filer: int  # files in the site
    skrevet: int  # new or changed
    uendret: int
    fjernet: int  # stale files removed


def publiser(
    plan: Plan, ut: Path, today: date, keys: Sequence[str], *, base_url: str | None = None,
    kvitteringer: Mapping[str, Kvittering] | None = None,
) -> Publisering:
    """Write the site for the school year of `today` into `ut` (created if missing).

    `keys` are the virksomheter that get a page; `base_url` is the folder's address on
    the web (subscription links); `kvitteringer` the current sign-offs, when a sign-off
    database is in use.
    """
    from dateutil.relativedelta import relativedelta

    from aarshjul.dates import skoleaar_start
    from aarshjul.engine.expand import expand
    from aarshjul.engine.select import Rad
    from aarshjul.render.json import render_rader
    from aarshjul.render.site import Abonnement, render_site
    from aarshjul.services.ics_export import ICS_ALLE, ICS_MAANEDER, ics_filnavn, mappe_filer
    from aarshjul.storage.folder import publish_folder
    from aarshjul.storage.ics_manifest import MANIFEST, Manifest, dato_naa
    from aarshjul.storage.output import write_atomic

    aar = skoleaar_start(today)
    start = date(aar, 8, 1)
    stamp = datetime.combine(start, datetime.min.time(), tzinfo=timezone.utc)

    # The folder's ICS manifest, as `ics --alle` keeps it: SEQUENCE and LAST-MODIFIED.
    manifest = Manifest.les(ut, dato_naa(today))
    ics_data = {navn: data for navn, data, _ in mappe_filer(
        plan, start, start + relativedelta(months=ICS_MAANEDER), stamp, manifest=manifest)}  # fmt: skip
    ics_navn = {k: ics_filnavn(k) for k in keys} | {ICS_ALLE: f"{ICS_ALLE}.ics"}
    abonnementer = {
        k: Abonnement(ics_navn[k], f"{base_url}/{ics_navn[k]}" if base_url else None) for k in (*keys, ICS_ALLE)
    }
    filer = render_site(lag_nettsted(plan, today, tuple(keys), abonnementer, kvitteringer))
    filer.update({navn: ics_data[navn] for navn in ics_navn.values()})
    aaret = expand(plan, start, date(aar + 1, 8, 1))
    filer["plan.json"] = render_rader([Rad(f, None, (f.dato - today).days, False) for f in aaret]).encode("utf-8")

    resultat = publish_folder(ut, filer)
    ics_manifest = manifest.til_json()
    if ics_manifest != manifest.lest:  # after the files, as `ics --alle`
        write_atomic(ut / MANIFEST, ics_manifest)
    return Publisering(len(filer), len(resultat.skrevet), len(resultat.uendret), len(resultat.fjernet))


def lag_nettsted(
    plan: Plan, today: date, keys: tuple[str, ...], abonnementer: Mapping[str, Abonnement],
    kvitteringer: Mapping[str, Kvittering] | None,
) -> Nettsted:
    """Choose what every page shows: the front page and the school-year pages (everyone,
    this school year and the next) and one page per virksomhet in keys (this school year)."""
    from aarshjul.dates import skoleaar_start
    from aarshjul.render.site import Nettsted

    aar = skoleaar_start(today)
    omfang: dict[str | None, Omfang] = {None: _omfang(plan, today, None, (aar, aar + 1), kvitteringer)}
    for key in keys:
        omfang[key] = _omfang(plan, today, key, (aar,), kvitteringer)
    return Nettsted(plan, today, aar, keys, abonnementer, omfang, oppfoelging_i_bruk=kvitteringer is not None)


def _omfang(
    plan: Plan, today: date, key: str | None, skoleaar: tuple[int, ...],
    kvitteringer: Mapping[str, Kvittering] | None,
) -> Omfang:
    from datetime import timedelta

    from aarshjul.engine.expand import expand, waiting
    from aarshjul.engine.followup import forfalte, status_for
    from aarshjul.engine.roles import rolle
    from aarshjul.engine.select import Rad, upcoming, uten_dato_for
    from aarshjul.render.site import DAGER_ALLE, DAGER_VIRKSOMHET, Omfang

    keys = [key] if key else None
    rader: dict[int, list[Rad]] = {}
    for a in skoleaar:
        rader[a] = [
            Rad(f, rolle(plan, f, key) if key else None, (f.dato - today).days, False,
                oppfoelging=status_for(f, kvitteringer, today) if kvitteringer is not None else None)
            for f in expand(plan, date(a, 8, 1), date(a + 1, 8, 1), keys)
        ]  # fmt: skip
    dager = DAGER_VIRKSOMHET if key else DAGER_ALLE
    return Omfang(
        aar=rader,
        kommende=upcoming(plan, today, today + timedelta(days=dager), keys),
        ventende=waiting(plan, keys),
        uten_dato=uten_dato_for(plan, keys),
        forfalte=forfalte(plan, today, kvitteringer, keys) if kvitteringer is not None and key else (),
    )
