"""Publishing the årshjul as a static website in a folder: the pages, the wheels, the
ICS files of `ics --alle` and plan.json. Every file is built before the first is written,
so a problem leaves the folder as it was; the same plan on the same day gives the same
files."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path

from aarshjul.model import Kvittering, Plan


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
    from aarshjul.render.site import Abonnement, Nettsted, render_site
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
    filer = render_site(Nettsted(plan, today, aar, tuple(keys), abonnementer, kvitteringer=kvitteringer))
    filer.update({navn: ics_data[navn] for navn in ics_navn.values()})
    aaret = expand(plan, start, date(aar + 1, 8, 1))
    filer["plan.json"] = render_rader([Rad(f, None, (f.dato - today).days, False) for f in aaret]).encode("utf-8")

    resultat = publish_folder(ut, filer)
    ics_manifest = manifest.til_json()
    if ics_manifest != manifest.lest:  # after the files, as `ics --alle`
        write_atomic(ut / MANIFEST, ics_manifest)
    return Publisering(len(filer), len(resultat.skrevet), len(resultat.uendret), len(resultat.fjernet))
