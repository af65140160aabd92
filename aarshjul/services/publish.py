"""Publishing the årshjul as a static website in a folder: the pages, the wheels, the
ICS files of `ics --alle` and plan.json. Each file is written as soon as it is made, so
memory holds one page, not the site; index.html is written last, so until then the old
index links only to files that exist. The same plan on the same day gives the same
files."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from aarshjul.model import Kvitteringslogg, Plan, Rolle, Tiltak, UtenDato, Ventende

if TYPE_CHECKING:
    from aarshjul.engine.followup import Oppfoelging
    from aarshjul.engine.roles import HarAnsvar
    from aarshjul.render.site import Abonnement, Nettsted, Omfang


@dataclass(frozen=True)
class Publisering:
    filer: int  # files in the site
    skrevet: int  # new or changed
    uendret: int
    fjernet: int  # stale files removed
    advarsel: str | None = None  # a manifest of the folder could not be read (whole or in part)


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
    from itertools import chain

    from aarshjul.dates import skoleaar_start
    from aarshjul.engine.expand import expand
    from aarshjul.engine.select import Rad
    from aarshjul.render.json import render_rader
    from aarshjul.render.site import Abonnement, site_filer, site_filnavn
    from aarshjul.services.ics_export import ICS_ALLE, ics_filnavn, ics_stamp, ics_window, mappe_filer
    from aarshjul.storage.folder import publish_folder
    from aarshjul.storage.ics_manifest import MANIFEST, Manifest, dato_naa
    from aarshjul.storage.output import fjern_gamle_tmp, write_in_folder

    aar = skoleaar_start(today)
    # The calendars are those of `ics --alle` with its default window and DTSTAMP, and
    # the folder's manifest keeps their SEQUENCE and LAST-MODIFIED the same way.
    start, end = ics_window(today, None, None, None)
    manifest = Manifest.les(ut, dato_naa(today))
    ics_navn = {k: ics_filnavn(k) for k in keys} | {ICS_ALLE: f"{ICS_ALLE}.ics"}
    publisert = set(ics_navn.values())
    ics_filer = (
        (navn, data)
        for navn, data, _ in mappe_filer(plan, start, end, ics_stamp(today, start), manifest=manifest)
        if navn in publisert
    )
    abonnementer = {
        k: Abonnement(ics_navn[k], f"{base_url}/{ics_navn[k]}" if base_url else None) for k in (*keys, ICS_ALLE)
    }
    nettsted = lag_nettsted(plan, today, tuple(keys), abonnementer, kvitteringer, kvittering_url=kvittering_url)

    def plan_json() -> Iterator[tuple[str, bytes]]:
        aaret = expand(plan, start, date(aar + 1, 8, 1))
        rader = [Rad(f, None, (f.dato - today).days, False) for f in aaret]
        yield "plan.json", render_rader(rader).encode("utf-8")

    navn = [*site_filnavn(nettsted), *ics_navn.values(), "plan.json"]
    # One file at a time into the folder (publish_folder holds index.html back to the end).
    resultat = publish_folder(ut, chain(ics_filer, site_filer(nettsted), plan_json()), navn=navn)
    fjern_gamle_tmp(ut, [MANIFEST])
    ics_manifest = manifest.til_json()
    if ics_manifest != manifest.lest:  # after the files, as `ics --alle`
        write_in_folder(ut / MANIFEST, ics_manifest)
    advarsel = "\n".join(a for a in (manifest.advarsel, resultat.advarsel) if a) or None
    return Publisering(len(navn), len(resultat.skrevet), len(resultat.uendret), len(resultat.fjernet), advarsel)


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
    from aarshjul.engine.expand import expand, hoppet_over, waiting
    from aarshjul.engine.followup import Oppfoelger, forfalte
    from aarshjul.engine.planperiode import etter_perioden
    from aarshjul.engine.roles import med_rolle, rolle
    from aarshjul.engine.select import Rad, upcoming, uten_dato_for
    from aarshjul.plan.ferier import foelger_ferier
    from aarshjul.render.site import DAGER_ALLE, DAGER_VIRKSOMHET, Nettsted, Omfang
    from aarshjul.services.ferier import ferier_i

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
    ferier = {a: ferier_i(plan, date(a, 8, 1), date(a + 1, 8, 1)) for a in (aar, aar + 1)}
    omfang: dict[str | None, Omfang] = {
        None: Omfang(
            aar=alle,
            kommende=upcoming(plan, today, today + timedelta(days=DAGER_ALLE)),
            ventende=waiting(plan),
            uten_dato=uten_dato_for(plan),
            ferier=ferier,
        )
    }
    # Who follows the school calendar, resolved once (not once per page).
    foelger = foelger_ferier(plan)
    kommende = upcoming(plan, today, today + timedelta(days=DAGER_VIRKSOMHET))
    overdue = forfalte(plan, today, kvitteringer) if kvitteringer is not None else []
    # Each row is handed to the virksomheter with a role in it, instead of each page
    # looking through every row: a page's work grows with its own rows, not with the
    # plan (5,000 virksomheter made that 5,000 x every row of the year).
    roller: dict[tuple[tuple[str, ...], tuple[str, ...]], tuple[str, ...]] = {}

    def med(item: HarAnsvar) -> tuple[str, ...]:
        hvem = (item.ansvar, item.deltakere)
        if hvem not in roller:
            roller[hvem] = tuple(k for k in med_rolle(plan, item) if k in valgt)
        return roller[hvem]

    valgt = set(keys)
    aar_rader: dict[str, list[Rad]] = {k: [] for k in keys}
    for r in alle[aar]:
        for key in med(r.forekomst):
            aar_rader[key].append(
                Rad(r.forekomst, rolle(plan, r.forekomst, key), r.dager_igjen, False, oppfoelging=r.oppfoelging)
            )
    kommende_rader: dict[str, list[Rad]] = {k: [] for k in keys}
    for r in kommende:
        for key in med(r.forekomst):
            kommende_rader[key].append(Rad(r.forekomst, rolle(plan, r.forekomst, key), r.dager_igjen, r.tidlig_varsel))
    ventende: dict[str, list[Ventende]] = {k: [] for k in keys}
    for v in omfang[None].ventende:
        for key in med(v):
            ventende[key].append(v)
    uten_dato: dict[str, list[tuple[Tiltak, UtenDato, Rolle | None]]] = {k: [] for k in keys}
    for tiltak, plikt, _ in omfang[None].uten_dato:
        for key in med(plikt):
            uten_dato[key].append((tiltak, plikt, rolle(plan, plikt, key)))
    forfalt: dict[str, list[Oppfoelging]] = {k: [] for k in keys}
    for o in overdue:
        if o.forekomst is not None:
            for key in med(o.forekomst):
                # A duty signed off per virksomhet is overdue on an owner's page only while it is missing.
                if key in o.mangler or all(e.virksomhet != key for e in o.enheter):
                    forfalt[key].append(o)
    for key in keys:
        omfang[key] = Omfang(
            aar={aar: aar_rader[key]},
            kommende=kommende_rader[key],
            ventende=ventende[key],
            uten_dato=uten_dato[key],
            forfalte=forfalt[key],
            ferier={aar: ferier[aar] if foelger is None or key in foelger else []},
        )
    return Nettsted(plan, today, aar, keys, abonnementer, omfang, oppfoelging_i_bruk=kvitteringer is not None,
                    planperiode=etter_perioden(plan, date(aar, 8, 1), date(aar + 2, 8, 1)),
                    kvittering_url=kvittering_url,
                    hoppet={a: hoppet_over(plan, date(a, 8, 1), date(a + 1, 8, 1))
                            for a in (aar, aar + 1)})  # fmt: skip
