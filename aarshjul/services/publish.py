"""Publishing the årshjul as a static website in a folder: the pages, the wheels, the
ICS files of `ics --alle` and plan.json. Every file is built before the first is written,
so a problem leaves the folder as it was; the same plan on the same day gives the same
files."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from aarshjul.model import Forekomst, Kvitteringslogg, Plan

if TYPE_CHECKING:
    from aarshjul.render.site import Abonnement, Nettsted, Omfang


@dataclass(frozen=True)
class Publisering:
    filer: int  # files in the site
    skrevet: int  # new or changed
    uendret: int
    fjernet: int  # stale files removed
    advarsel: str | None = None  # the folder's ICS manifest could not be read: SEQUENCE restarts


def publiser(
    plan: Plan, ut: Path, today: date, keys: Sequence[str], *, base_url: str | None = None,
    kvitteringer: Kvitteringslogg | None = None, kvittering_url: str | None = None,
) -> Publisering:
    """Write the site for the school year of `today` into `ut` (created if missing).

    `keys` are the virksomheter that get a page; `base_url` is the folder's address on
    the web (subscription links); `kvitteringer` the current sign-offs, when a sign-off
    database is in use; `kvittering_url` where `aarshjul serve` answers (the pages link to
    its sign-off page).
    """
    from aarshjul.dates import skoleaar_start
    from aarshjul.engine.expand import expand
    from aarshjul.engine.select import Rad
    from aarshjul.render.json import render_rader
    from aarshjul.render.site import Abonnement, render_site
    from aarshjul.services.ics_export import ICS_ALLE, ics_filnavn, ics_stamp, ics_window, mappe_filer
    from aarshjul.storage.folder import publish_folder
    from aarshjul.storage.ics_manifest import MANIFEST, Manifest, dato_naa
    from aarshjul.storage.output import fjern_gamle_tmp, write_in_folder

    aar = skoleaar_start(today)
    # The calendars are those of `ics --alle` with its default window and DTSTAMP, and
    # the folder's manifest keeps their SEQUENCE and LAST-MODIFIED the same way.
    start, end = ics_window(today, None, None, None)
    manifest = Manifest.les(ut, dato_naa(today))
    ics_data = {navn: data for navn, data, _ in mappe_filer(
        plan, start, end, ics_stamp(today, start), manifest=manifest)}  # fmt: skip
    ics_navn = {k: ics_filnavn(k) for k in keys} | {ICS_ALLE: f"{ICS_ALLE}.ics"}
    abonnementer = {
        k: Abonnement(ics_navn[k], f"{base_url}/{ics_navn[k]}" if base_url else None) for k in (*keys, ICS_ALLE)
    }
    filer = render_site(lag_nettsted(plan, today, tuple(keys), abonnementer, kvitteringer,
                                     kvittering_url=kvittering_url))
    filer.update({navn: ics_data[navn] for navn in ics_navn.values()})
    aaret = expand(plan, start, date(aar + 1, 8, 1))
    filer["plan.json"] = render_rader([Rad(f, None, (f.dato - today).days, False) for f in aaret]).encode("utf-8")

    resultat = publish_folder(ut, filer)
    fjern_gamle_tmp(ut, [MANIFEST])
    ics_manifest = manifest.til_json()
    if ics_manifest != manifest.lest:  # after the files, as `ics --alle`
        write_in_folder(ut / MANIFEST, ics_manifest)
    return Publisering(
        len(filer), len(resultat.skrevet), len(resultat.uendret), len(resultat.fjernet), manifest.advarsel
    )


def lag_nettsted(
    plan: Plan, today: date, keys: tuple[str, ...], abonnementer: Mapping[str, Abonnement],
    kvitteringer: Kvitteringslogg | None, *, kvittering_url: str | None = None,
) -> Nettsted:
    """Choose what every page shows: the front page and the school-year pages (everyone,
    this school year and the next) and one page per virksomhet in keys (this school year).
    With `kvittering_url` (where `aarshjul serve` answers) the pages link to its sign-off page.

    The plan is expanded once for everyone; a virksomhet's rows are those where it has a
    role, which is what expanding for it alone gives (engine/expand.py filters by the same
    rule). A big city's nightly publish (bench/storby.py: 570 pages) expanded the year
    three times per page before.
    """
    from datetime import timedelta

    from aarshjul.dates import skoleaar_start
    from aarshjul.engine.expand import expand, waiting
    from aarshjul.engine.followup import Oppfoelger, forfalte
    from aarshjul.engine.planperiode import etter_perioden
    from aarshjul.engine.roles import med_rolle, rolle
    from aarshjul.engine.select import Rad, upcoming, uten_dato_for
    from aarshjul.render.site import DAGER_ALLE, DAGER_VIRKSOMHET, Nettsted, Omfang

    aar = skoleaar_start(today)
    oppfoelger = Oppfoelger(plan, kvitteringer, today) if kvitteringer is not None else None
    alle: dict[int, list[Rad]] = {
        a: [
            Rad(f, None, (f.dato - today).days, False,
                oppfoelging=oppfoelger.status(f) if oppfoelger is not None else None)
            for f in expand(plan, date(a, 8, 1), date(a + 1, 8, 1))
        ]  # fmt: skip
        for a in (aar, aar + 1)
    }
    omfang: dict[str | None, Omfang] = {
        None: Omfang(
            aar=alle,
            kommende=upcoming(plan, today, today + timedelta(days=DAGER_ALLE)),
            ventende=waiting(plan),
            uten_dato=uten_dato_for(plan),
        )
    }
    kommende = upcoming(plan, today, today + timedelta(days=DAGER_VIRKSOMHET))
    overdue = forfalte(plan, today, kvitteringer) if kvitteringer is not None else []
    roller: dict[tuple[tuple[str, ...], tuple[str, ...]], set[str]] = {}

    def har_rolle(f: Forekomst, key: str) -> bool:
        hvem = (f.ansvar, f.deltakere)
        if hvem not in roller:
            roller[hvem] = med_rolle(plan, f)
        return key in roller[hvem]

    for key in keys:
        omfang[key] = Omfang(
            aar={aar: [
                Rad(r.forekomst, rolle(plan, r.forekomst, key), r.dager_igjen, False, oppfoelging=r.oppfoelging)
                for r in alle[aar] if har_rolle(r.forekomst, key)
            ]},  # fmt: skip
            kommende=[
                Rad(r.forekomst, rolle(plan, r.forekomst, key), r.dager_igjen, r.tidlig_varsel)
                for r in kommende if har_rolle(r.forekomst, key)
            ],
            ventende=waiting(plan, [key]),
            uten_dato=uten_dato_for(plan, [key]),
            # A duty signed off per virksomhet is overdue on an owner's page only while it is missing.
            forfalte=[o for o in overdue if o.forekomst is not None and har_rolle(o.forekomst, key)
                      and (key in o.mangler or all(e.virksomhet != key for e in o.enheter))],  # fmt: skip
        )
    return Nettsted(plan, today, aar, keys, abonnementer, omfang, oppfoelging_i_bruk=kvitteringer is not None,
                    planperiode=etter_perioden(plan, date(aar, 8, 1), date(aar + 2, 8, 1)),
                    kvittering_url=kvittering_url)  # fmt: skip
