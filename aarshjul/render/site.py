"""The published website: data in, a folder's files out.

`site_filer` makes the HTML pages, the stylesheet and the wheels one file at a time
(`render_site` gathers them as {file name: bytes}), from a Nettsted whose rows
services/publish.py chose (nothing here expands or selects); the service adds the ICS
files and plan.json, and aarshjul/storage/folder.py writes the folder. The pages are
Jinja2 templates (render/templates/, autoescaped), the same folder and the same
base.html `aarshjul serve` renders its own pages from; what is here
prepares each page's data (its view model) and hands it to a template. Plan text goes
through `one_line` once, in the view model (or the templates' `linje` filter), and is
escaped by the template where it enters the markup; the wheels come from render/svg.py,
whose ElementTree output is escaped by construction and is inlined as it is. There is
no JavaScript, no external request and no timestamp of "now": the same plan and `today`
give the same bytes.

Accessibility (WCAG 2.1 AA, tested by tests/a11y/): one h1 per page and headings in
order, a skip link, visible focus, text that says what colour and shape say, each
wheel followed by a table of the same occurrences, and tables that stack into
labelled blocks on narrow screens instead of scrolling sideways.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from aarshjul.dates import MAANEDER, UKEDAGER, format_dato, format_skoleaar
from aarshjul.engine.followup import Oppfoelging
from aarshjul.engine.holidays import Ferierad
from aarshjul.engine.planperiode import Planperiode
from aarshjul.engine.select import Rad
from aarshjul.engine.workdays import STENGT
from aarshjul.model import Forekomst, Hoppet, Plan, Rolle, Tiltak, Ukentlig, UtenDato, Ventende
from aarshjul.render.common import (
    ANSVAR_ANTATT,
    ANTATT_DATO,
    DELTAKERE_ANTATT,
    LAGT_TIL,
    ROLLE_NAVN,
    TYPE_NAVN,
    aarshjul_tittel,
    andre_antakelser,
    antakelser,
    kilde_tekst,
    one_line,
    virksomhet_navn,
    virksomheter_tekst,
)
from aarshjul.render.views import dato_med_ukedag, flyttet, og_liste, per_uke

if TYPE_CHECKING:
    from jinja2 import Environment

INDEX = "index.html"
STIL = "stil.css"
DAGER_ALLE = 30  # the index: the next 30 days for everyone
DAGER_VIRKSOMHET = 60  # a virksomhet's page: the next 60 days
# A hendelse with more forekomster than this in a page's school year (more often than
# monthly: a weekly meeting has ~40) is one line with its dates behind a disclosure, not
# a row per date: 40 rows of six stacked lines made a school's page ~23,000 px at 375 px.
MANGE_GANGER = 12


def virksomhet_side(key: str) -> str:
    return f"virksomhet-{key}.html"


def tiltak_side(tiltak_id: str) -> str:
    return f"tiltak-{tiltak_id}.html"


def skoleaar_side(start_aar: int) -> str:
    return f"skoleaar-{start_aar}-{(start_aar + 1) % 100:02d}.html"


def hjul_fil(start_aar: int, key: str | None) -> str:
    return f"hjul-{start_aar}-{(start_aar + 1) % 100:02d}{'-' + key if key else ''}.svg"


@dataclass(frozen=True)
class Abonnement:
    """Where a calendar file can be fetched: the file name, and its address with --url."""

    filnavn: str  # "barnehage.ics"
    url: str | None  # "https://intranett.example.no/aarshjul/barnehage.ics"

    @property
    def webcal(self) -> str | None:
        if self.url is None:
            return None
        return "webcal://" + self.url.split("://", 1)[1]


@dataclass(frozen=True)
class Omfang:
    """What the pages show for everyone (key None) or for one virksomhet, chosen by
    services/publish.py: the renderer only writes it."""

    # Every forekomst of a school year (by start year), with the virksomhet's role and,
    # when sign-offs are in use, its follow-up status.
    aar: Mapping[int, Sequence[Rad]]
    kommende: Sequence[Rad]  # the next days, then deadlines whose varsel has begun
    ventende: Sequence[Ventende]
    uten_dato: Sequence[tuple[Tiltak, UtenDato, Rolle | None]]
    forfalte: Sequence[Oppfoelging] = ()  # overdue and not signed off (with sign-offs in use)
    # The ferier of each school year (by start year) that apply here: every ferie on the
    # pages for everyone, none on a page of a virksomhet that does not follow the school
    # calendar (plan: ferier_gjelder). The month tables and the wheel show them.
    ferier: Mapping[int, Sequence[Ferierad]] = field(default_factory=dict)


@dataclass(frozen=True)
class Nettsted:
    """What the site shows: the plan, the day it is published for, which pages, and for
    each page its rows."""

    plan: Plan
    today: date
    skoleaar: int  # start year of the current school year
    virksomheter: tuple[str, ...]  # keys that get a page, in the plan's order
    abonnementer: Mapping[str, Abonnement]  # virksomhet key (or "alle") -> its calendar
    omfang: Mapping[str | None, Omfang]  # None: everyone; a key: that virksomhet's page
    json_fil: str = "plan.json"
    # Whether a sign-off database exists: without one the pages say nothing about done
    # or overdue.
    oppfoelging_i_bruk: bool = False
    # Set when the pages' years reach past the plan's period: every page's header says so.
    planperiode: Planperiode | None = None
    # Where `aarshjul serve` answers (publiser --kvittering-url, [server] url): the front
    # page and each virksomhet's page link to its «Mine oppgaver». None: no such link.
    kvittering_url: str | None = None
    # The dates `flytt: hopp_over` dropped in each school year (engine/expand.hoppet_over):
    # a frequent hendelse's summary says «ikke i ferier» only when a ferie dropped one.
    hoppet: Mapping[int, Sequence[Hoppet]] = field(default_factory=dict)


def render_site(site: Nettsted, miljoe: Environment | None = None) -> dict[str, bytes]:
    """Every page, the stylesheet and the wheels, as {file name: bytes}."""
    return dict(site_filer(site, miljoe))


def site_filnavn(site: Nettsted) -> list[str]:
    """The names of the files site_filer makes, known before any is made."""
    navn = [STIL, *(hjul_fil(aar, None) for aar in (site.skoleaar, site.skoleaar + 1) if _har_hjul(site, aar, None))]
    navn.append(skoleaar_side(site.skoleaar + 1))
    for key in site.virksomheter:
        if _har_hjul(site, site.skoleaar, key):
            navn.append(hjul_fil(site.skoleaar, key))
        navn.append(virksomhet_side(key))
    navn += (tiltak_side(t.id) for t in site.plan.tiltak)
    return [*navn, INDEX]


def site_filer(site: Nettsted, miljoe: Environment | None = None) -> Iterator[tuple[str, bytes]]:
    """The files of site_filnavn, one at a time, index.html last: the caller writes each
    before the next is made, so memory holds one page and its wheel, not the site (a plan
    of 5,000 virksomheter is ~16,000 files). A virksomhet's wheel is made once, for its
    page and its own file."""
    plan = site.plan
    sider = _Sider(site, miljoe)
    yield STIL, STYLESHEET.encode("utf-8")
    neste_aar = site.skoleaar + 1
    felles = {
        hjul_fil(aar, None): _hjul_svg(site, aar, None)
        for aar in (site.skoleaar, neste_aar)
        if _har_hjul(site, aar, None)
    }
    yield from felles.items()
    yield skoleaar_side(neste_aar), sider.skoleaar_page(neste_aar, felles).encode("utf-8")
    for key in site.virksomheter:
        hjul: dict[str, bytes] = {}
        if _har_hjul(site, site.skoleaar, key):
            hjul[hjul_fil(site.skoleaar, key)] = _hjul_svg(site, site.skoleaar, key)
        yield from hjul.items()
        yield virksomhet_side(key), sider.virksomhet_page(key, hjul).encode("utf-8")
    for tiltak in plan.tiltak:
        yield tiltak_side(tiltak.id), sider.tiltak_page(tiltak.id).encode("utf-8")
    yield INDEX, sider.index(felles).encode("utf-8")


def _har_hjul(site: Nettsted, aar: int, key: str | None) -> bool:
    """Whether the wheel has a marker: one without says so in words instead (and has no file)."""
    return bool(site.omfang[key].aar[aar])


def render_side(site: Nettsted, navn: str, miljoe: Environment | None = None) -> bytes | None:
    """One file of the site by its name (what `serve` shows live, with its own
    Environment), or None when the site has no such file. The same bytes render_site
    writes for it."""
    plan = site.plan
    if navn == STIL:
        return STYLESHEET.encode("utf-8")
    sider = _Sider(site, miljoe)
    if navn == INDEX:
        return sider.index({}).encode("utf-8")
    for aar in (site.skoleaar, site.skoleaar + 1):
        if navn == hjul_fil(aar, None):
            return _hjul_svg(site, aar, None) if _har_hjul(site, aar, None) else None
    if navn == skoleaar_side(site.skoleaar + 1):
        return sider.skoleaar_page(site.skoleaar + 1, {}).encode("utf-8")
    for key in site.virksomheter:
        if navn == virksomhet_side(key):
            return sider.virksomhet_page(key, {}).encode("utf-8")
        if navn == hjul_fil(site.skoleaar, key):
            return _hjul_svg(site, site.skoleaar, key) if _har_hjul(site, site.skoleaar, key) else None
    for tiltak in plan.tiltak:
        if navn == tiltak_side(tiltak.id):
            return sider.tiltak_page(tiltak.id).encode("utf-8")
    return None


# --- view models: what a template gets -----------------------------------------------
# Text here has been through one_line and is not escaped: the templates escape it.


# The view models are slotted, not frozen: a big city's render makes a RadView for
# every row of every page (~70,000), and a frozen dataclass's __init__ (object.__setattr__
# per field) cost 0.08 s of its page preparation (bench/storby.py).
@dataclass(slots=True)
class ForekomstView:
    """One forekomst as every page shows it, whichever page it is on."""

    iso: str  # "2026-12-01", for <time datetime>
    dato_tekst: str  # "tirsdag 01.12.2026"
    klokke: str  # " kl. 09:00–11:00" or ""
    side: str  # its tiltak's page
    tiltak_navn: str
    tittel: str
    type: str  # "Møte"
    ansvar: str  # the owners' names
    kilde: str
    sted: str
    flyttet: str  # "flyttet fra …" or ""
    er_frist: bool
    antatt: str | None  # why the date is ours, or None
    antatt_id: str  # the anchor of that reason
    andre: tuple[str, ...]  # the marks other than «antatt dato»
    # The month table's Merknad: ("tekst", text) or ("antatt", anchor), in order.
    merknad: tuple[tuple[str, str], ...]


@dataclass(slots=True)
class RadView:
    """One row of a list or table on one page: the forekomst and what this page adds."""

    h: ForekomstView
    rolle: str | None = None  # "ansvarlig" on a virksomhet's page; None: show the owners
    dager_igjen: str = ""  # "om 12 dager", for a frist
    hvem: str = ""  # the month table's Rolle or Ansvar cell
    oppfoelging: str = ""  # "Utført 25.03.2027" / "forfalt i 6 dager", with sign-offs in use
    anker: str | None = None  # the row's id: the stable key, on its first row only
    # On a frequent hendelse's next forekomst in «De neste dagene» (its later ones are left
    # out there): "hver torsdag", linking to its line among the faste hendelser.
    gjentas: str = ""
    gjentas_anker: str = ""


@dataclass(slots=True)
class FastView:
    """A hendelse with more than MANGE_GANGER forekomster on a page's school year, as one
    line: what the forekomster say when grouped and counted, the dates behind a <details>."""

    h: ForekomstView  # its first forekomst: the tiltak, title, type, time and place
    hvem: str  # the role on a virksomhet's page, the owners on the others
    naar: str  # "hver torsdag", or "" when the rule names no weekday
    antall: int
    merknader: tuple[str, ...]  # "ikke i juli", "ikke i ferier", "2 flyttet"
    # Every forekomst, its anchor on its first row, with its date as the list shows it:
    # "06.08.2026" on the weekday the line names, "fredag 09.10.2026" on another.
    datoer: tuple[tuple[RadView, str], ...]
    hoppet: tuple[tuple[str, str, str], ...]  # (iso, "08.10.2026", "høstferie"), dated as datoer
    anker: str  # the line's id

    @property
    def sammendrag(self) -> str:
        """ "hver torsdag kl. 14:00–15:00, 40 ganger, ikke i juli, ikke i ferier"."""
        naar = f"{self.naar}{self.h.klokke}".strip()
        return ", ".join(d for d in (naar, f"{self.antall} ganger", *self.merknader) if d)


class _Sider:
    """The pages of one Nettsted. A forekomst is on many pages (a big city's group duty
    on hundreds): its ForekomstView is made once per render, in `_visninger`, which
    lives only as long as this object."""

    def __init__(self, site: Nettsted, miljoe: Environment | None) -> None:
        if miljoe is None:
            from aarshjul.render.maler import miljoe as ny

            miljoe = ny()
        self.site = site
        self.plan = site.plan
        self.env = miljoe
        self._visninger: dict[int, ForekomstView] = {}
        self._faste_cache: dict[tuple[int, str | None], dict[tuple[str, str], FastView]] = {}

    # --- the pages --------------------------------------------------------------------

    def _render(self, mal: str, tittel: str, brodsmuler: Sequence[tuple[str, str]], side: Any) -> str:
        site = self.site
        return self.env.get_template(mal).render(
            plan=self.plan, tittel=tittel, stil=STIL, brodsmuler=brodsmuler, planperiode=site.planperiode,
            oppdatert=f"{UKEDAGER[site.today.weekday()]} {format_dato(site.today)}", side=side,
            kvitter_href=f"{site.kvittering_url}/mine" if site.kvittering_url else None,
        )  # fmt: skip

    def index(self, filer: Mapping[str, bytes]) -> str:
        site, plan, aar = self.site, self.plan, self.site.skoleaar
        side = {
            "periode": _periode_tekst(plan),
            "plan_url": one_line(plan.url or "") if _trygg_url(plan.url) else None,
            "hjul": self._hjul(aar, None, filer, f"Årshjulet for skoleåret {format_skoleaar(aar)}"),
            "neste_href": skoleaar_side(aar + 1),
            "neste_tekst": format_skoleaar(aar + 1),
            "kommende": self._kommende(None, DAGER_ALLE, "alle"),
            "virksomheter": [(virksomhet_side(k), one_line(virksomhet_navn(plan, k))) for k in site.virksomheter],
            "abonnement": self._abonnement("alle", "alle virksomheter"),
            "maaneder": self._maaneder(aar, None),
            "ventende": self._ventende(site.omfang[None].ventende),
            "json_fil": one_line(site.json_fil),
        }
        return self._render("forside.html", plan.navn, (), side)

    def skoleaar_page(self, aar: int, filer: Mapping[str, bytes]) -> str:
        side = {
            "hjul": self._hjul(aar, None, filer, f"Årshjulet for skoleåret {format_skoleaar(aar)}"),
            "maaneder": self._maaneder(aar, None),
        }
        return self._render("skoleaar.html", f"Skoleåret {format_skoleaar(aar)}", ((INDEX, "Forsiden"),), side)

    def virksomhet_page(self, key: str, filer: Mapping[str, bytes]) -> str:
        site, plan = self.site, self.plan
        aar = site.skoleaar
        side = {
            "leder": plan.virksomheter[key].leder,
            "abonnement": self._abonnement(key, virksomhet_navn(plan, key)),
            "forfalte": self._forfalte(key),
            "kommende": self._kommende(key, DAGER_VIRKSOMHET, key),
            "hjul": self._hjul(aar, key, filer, f"Årshjulet for skoleåret {format_skoleaar(aar)}"),
            "maaneder": self._maaneder(aar, key),
            "skoleaar": format_skoleaar(aar),
            "utfoert": self._utfoert(key),
            "uten_dato": self._uten_dato(key, None),
            "ventende": self._ventende(site.omfang[key].ventende),
        }
        return self._render("virksomhet.html", virksomhet_navn(plan, key), ((INDEX, "Forsiden"),), side)

    def tiltak_page(self, tiltak_id: str) -> str:
        site, plan = self.site, self.plan
        tiltak = plan.finn_tiltak(tiltak_id)
        assert tiltak is not None
        forekomster = [r.forekomst for r in site.omfang[None].aar[site.skoleaar] if r.forekomst.tiltak_id == tiltak_id]
        fakta: list[dict[str, Any]] = [{"navn": "Kilde", "tekst": one_line(kilde_tekst(tiltak.kilde))}]
        if tiltak.sone is not None:
            fakta.append({"navn": "Sone", "tekst": one_line(tiltak.sone.value)})
        fakta.append({"navn": "Ansvar", "lenker": self._virksomhet_lenker(tiltak.ansvar),
                      "grunn": _grunn(ANSVAR_ANTATT, tiltak.ansvar_antatt)})  # fmt: skip
        if tiltak.deltakere:
            fakta.append({"navn": "Deltar", "lenker": self._virksomhet_lenker(tiltak.deltakere),
                          "grunn": _grunn(DELTAKERE_ANTATT, tiltak.deltakere_antatt)})  # fmt: skip
        for f in fakta:
            f.setdefault("lenker", None)
        hendelser = []
        for h in tiltak.hendelser:
            grunner = [(merke, one_line(grunn)) for merke, grunn in (
                (LAGT_TIL, h.lagt_til), (ANTATT_DATO, h.antatt), (ANSVAR_ANTATT, h.ansvar_antatt),
                (DELTAKERE_ANTATT, h.deltakere_antatt)) if grunn]  # fmt: skip
            datoer = [(f.dato.isoformat(), _dag_tekst(f), one_line(flyttet(plan, f) or ""))
                      for f in forekomster if f.hendelse_id == h.id]  # fmt: skip
            hendelser.append({"tittel": one_line(h.tittel), "type": TYPE_NAVN[h.type],
                              "ansvar": self._virksomhet_lenker(h.ansvar), "grunner": grunner, "datoer": datoer})
        side = {
            "fakta": fakta,
            "beskrivelse": one_line(tiltak.beskrivelse) if tiltak.beskrivelse else "",
            "skoleaar": format_skoleaar(site.skoleaar),
            "hendelser": hendelser,
            "uten_dato": self._uten_dato(None, tiltak_id),
            "ventende": self._ventende([v for v in site.omfang[None].ventende if v.tiltak_id == tiltak_id]),
        }
        return self._render("tiltak.html", tiltak.navn, ((INDEX, "Forsiden"),), side)

    # --- sections -------------------------------------------------------------------

    def _visning(self, f: Forekomst) -> ForekomstView:
        v = self._visninger.get(id(f))
        if v is not None:
            return v
        plan = self.plan
        moved = one_line(flyttet(plan, f) or "")
        antatt_id = f"antatt-{f.tiltak_id}-{f.hendelse_id}"
        merknad: list[tuple[str, str]] = []
        if f.sted:
            merknad.append(("tekst", f"sted: {one_line(f.sted)}"))
        if moved:
            merknad.append(("tekst", moved))
        if f.antatt:
            merknad.append(("antatt", antatt_id))
        merknad += [("tekst", f"{merke}: {one_line(grunn)}") for merke, grunn in antakelser(f) if merke != ANTATT_DATO]
        v = ForekomstView(
            iso=f.dato.isoformat(), dato_tekst=_dag_tekst(f), klokke=_klokke(f),
            side=tiltak_side(f.tiltak_id),
            tiltak_navn=one_line(f.tiltak_navn), tittel=one_line(f.tittel), type=TYPE_NAVN[f.type],
            ansvar=one_line(virksomheter_tekst(plan, f.ansvar)), kilde=one_line(kilde_tekst(f.kilde)),
            sted=one_line(f.sted) if f.sted else "", flyttet=moved, er_frist=f.type.er_frist,
            antatt=one_line(f.antatt) if f.antatt is not None else None, antatt_id=antatt_id,
            andre=tuple(one_line(m) for m in andre_antakelser(f)), merknad=tuple(merknad),
        )  # fmt: skip
        # Keyed by identity: every page of one render shares the Nettsted's Forekomst
        # objects, and the Nettsted keeps them alive while this object lives.
        self._visninger[id(f)] = v
        return v

    def _hjul(self, aar: int, key: str | None, filer: Mapping[str, bytes], overskrift: str) -> dict[str, Any]:
        from markupsafe import Markup

        if not _har_hjul(self.site, aar, key):  # a wheel without markers: said in words, no file
            from aarshjul.render.svg import Hjulaar

            hvem = "Planen" if key is None else virksomhet_navn(self.site.plan, key)
            return {"aar": aar, "overskrift": overskrift, "ingen": Hjulaar.skoleaar_fra(aar).ingen_hendelser(hvem)}

        svg = filer.get(hjul_fil(aar, key)) or _hjul_svg(self.site, aar, key)
        tekst = svg.decode("utf-8")
        inline = tekst.split("?>", 1)[1].strip() if tekst.startswith("<?xml") else tekst
        # The one string the templates take as markup: render/svg.py built it with
        # ElementTree, which escapes every text and attribute from the plan.
        return {"aar": aar, "overskrift": overskrift, "svg": Markup(inline), "tabell": _maaned_id(aar),
                "fil": hjul_fil(aar, key)}  # fmt: skip

    def _kommende(self, key: str | None, dager: int, anker: str) -> dict[str, Any]:
        from aarshjul.render.common import dager_igjen_tekst, paagaar_tekst

        site = self.site
        fra, til = site.today, site.today + timedelta(days=dager)
        rader = site.omfang[key].kommende

        def rad(r: Rad) -> RadView:
            rolle = ROLLE_NAVN[r.rolle] if key is not None and r.rolle is not None else None
            dager_igjen = dager_igjen_tekst(r.dager_igjen) if r.forekomst.type.er_frist else ""
            if r.forekomst.sluttdato is not None and r.dager_igjen < 0:  # a vindu that runs already
                dager_igjen = paagaar_tekst(r.forekomst)
            v = RadView(self._visning(r.forekomst), rolle=rolle, dager_igjen=dager_igjen)
            fast = faste.get((r.forekomst.tiltak_id, r.forekomst.hendelse_id))
            if fast is not None:
                v.gjentas, v.gjentas_anker = fast.naar or f"{fast.antall} ganger i skoleåret", fast.anker
            return v

        # A frequent hendelse shows its next forekomst only: the rest are in its line
        # among the faste hendelser, on the same page.
        faste = self._faste(site.skoleaar, key) if site.skoleaar in site.omfang[key].aar else {}
        vist: set[tuple[str, str]] = set()
        neste: list[Rad] = []
        for r in rader:
            hendelse = (r.forekomst.tiltak_id, r.forekomst.hendelse_id)
            if hendelse in faste and not r.tidlig_varsel:
                if hendelse in vist:
                    continue
                vist.add(hendelse)
            neste.append(r)
        rader = neste
        return {
            "anker": anker, "dager": dager, "fra": format_dato(fra), "til": format_dato(til - timedelta(days=1)),
            "hvem": "alle virksomheter" if key is None else one_line(virksomhet_navn(self.plan, key)),
            "uker": [(overskrift, [rad(r) for r in gruppe])
                     for overskrift, gruppe in per_uke([r for r in rader if not r.tidlig_varsel])],
            "tidlige": [rad(r) for r in rader if r.tidlig_varsel],
        }  # fmt: skip

    def _maaneder(self, aar: int, key: str | None) -> dict[str, Any]:
        """Every forekomst of the school year by month: the wheel's text alternative."""
        plan = self.plan
        rader = self.site.omfang[key].aar[aar]
        faste = self._faste(aar, key)
        per_maaned: dict[tuple[int, int], list[RadView]] = {}
        brukt: set[str] = set()
        antatte: list[tuple[str, str, str, str, str]] = []
        sett: set[tuple[str, str]] = set()
        for r in rader:
            f = r.forekomst
            h = self._visning(f)
            if h.antatt is not None and (f.tiltak_id, f.hendelse_id) not in sett:
                sett.add((f.tiltak_id, f.hendelse_id))
                antatte.append((h.antatt_id, h.side, h.tiltak_navn, h.tittel, h.antatt))
            if (f.tiltak_id, f.hendelse_id) in faste:
                continue
            if key:
                hvem = ROLLE_NAVN[r.rolle] if r.rolle is not None else ""
            else:
                hvem = h.ansvar
            anker = f.nokkel
            per_maaned.setdefault((f.dato.year, f.dato.month), []).append(
                RadView(h, hvem=hvem, oppfoelging=_oppfoelging_tekst(r), anker=anker if anker not in brukt else None)
            )
            brukt.add(anker)
        maaneder = []
        m_aar, mnd = aar, 8
        for _ in range(12):
            maaneder.append((f"{MAANEDER[mnd - 1].capitalize()} {m_aar}", per_maaned.get((m_aar, mnd), [])))
            m_aar, mnd = (m_aar + 1, 1) if mnd == 12 else (m_aar, mnd + 1)
        from aarshjul.render.ferier import maaned_linjer

        # A month's ferier by its heading, so the template's month rows stay as they are.
        ferier = {
            overskrift: linjer
            for (overskrift, _), linjer in zip(maaneder, maaned_linjer(
                plan, self.site.omfang[key].ferier.get(aar, ()), date(aar, 8, 1), med_gjelder=key is None
            ), strict=True)
            if linjer
        }
        return {
            "id": _maaned_id(aar), "skoleaar": format_skoleaar(aar), "antall": len(rader),
            "hvem": "alle virksomheter" if key is None else one_line(virksomhet_navn(plan, key)),
            "kolonner": ["Dato", "Hva", "Type"] + (["Rolle"] if key else ["Ansvar"]) + ["Kilde", "Merknad"],
            "maaneder": maaneder, "antatte": antatte, "ferier": ferier, "faste": list(faste.values()),
            "faste_id": f"{_maaned_id(aar)}-faste",
        }  # fmt: skip

    def _faste(self, aar: int, key: str | None) -> dict[tuple[str, str], FastView]:
        """The page's frequent hendelser, by (tiltak, hendelse): grouped and counted from
        the forekomster the service chose, with the dropped dates it found
        (Nettsted.hoppet). Nothing here computes a date."""
        cached = self._faste_cache.get((aar, key))
        if cached is not None:
            return cached
        grupper: dict[tuple[str, str], list[Rad]] = {}
        for r in self.site.omfang[key].aar.get(aar, ()):
            grupper.setdefault((r.forekomst.tiltak_id, r.forekomst.hendelse_id), []).append(r)
        hoppet: dict[tuple[str, str], list[Hoppet]] = {}
        for hp in self.site.hoppet.get(aar, ()):
            hoppet.setdefault((hp.tiltak_id, hp.hendelse_id), []).append(hp)
        faste: dict[tuple[str, str], FastView] = {}
        for (tiltak_id, hendelse_id), gruppe in grupper.items():
            if len(gruppe) <= MANGE_GANGER:
                continue
            forst = gruppe[0]
            h = self._visning(forst.forekomst)
            naar, unntatt = "", set[int]()
            tiltak = self.plan.finn_tiltak(tiltak_id)
            hendelse = next((x for x in tiltak.hendelser if x.id == hendelse_id), None) if tiltak else None
            if hendelse is not None:
                unntatt = set(hendelse.unntatt_maaneder)
                if isinstance(hendelse.naar, Ukentlig):
                    naar = f"hver {UKEDAGER[hendelse.naar.ukedag]}"
                    unntatt |= set(hendelse.naar.unntatt_maaneder)
            merknader: list[str] = []
            if unntatt:
                merknader.append(f"ikke i {og_liste([MAANEDER[m - 1] for m in sorted(unntatt)])}")
            dropp = hoppet.get((tiltak_id, hendelse_id), [])
            if any(hp.ferie for hp in dropp):
                merknader.append("ikke i ferier")
            fri = [hp.grunn for hp in dropp if not hp.ferie]
            if fri:
                # A helligdag is named by its own name; a weekend or closed day by the word.
                bare_helligdager = not set(fri) & {"lørdag", "søndag", "fridag", STENGT}
                merknader.append("ikke på helligdager" if bare_helligdager else "ikke på fridager")
            flyttede = sum(1 for r in gruppe if r.forekomst.flyttet_fra is not None)
            if flyttede:
                merknader.append(f"{flyttede} flyttet")
            ukedag = hendelse.naar.ukedag if hendelse is not None and isinstance(hendelse.naar, Ukentlig) else None
            brukt: set[str] = set()
            datoer = []
            for r in gruppe:
                f, anker = r.forekomst, r.forekomst.nokkel
                rad = RadView(self._visning(f), oppfoelging=_oppfoelging_tekst(r),
                              anker=anker if anker not in brukt else None)
                datoer.append((rad, format_dato(f.dato) if f.dato.weekday() == ukedag else rad.h.dato_tekst))
                brukt.add(anker)
            if key:
                hvem = ROLLE_NAVN[forst.rolle] if forst.rolle is not None else ""
            else:
                hvem = f"ansvar: {h.ansvar}" if h.ansvar else ""
            faste[(tiltak_id, hendelse_id)] = FastView(
                h, hvem=hvem, naar=naar, antall=len(gruppe), merknader=tuple(merknader), datoer=tuple(datoer),
                hoppet=tuple((hp.dato.isoformat(), format_dato(hp.dato) if hp.dato.weekday() == ukedag
                              else dato_med_ukedag(hp.dato), one_line(hp.grunn)) for hp in dropp),
                anker=f"fast-{aar}-{tiltak_id}-{hendelse_id}",
            )  # fmt: skip
        # Only the page being made: the pages are made one at a time, and a cache of every
        # page's summaries grew with the site (5,005 virksomheter: +40 MiB by the end).
        if any(k != key for _, k in self._faste_cache):
            self._faste_cache.clear()
        self._faste_cache[(aar, key)] = faste
        return faste

    def _uten_dato(self, key: str | None, tiltak_id: str | None) -> list[dict[str, str]]:
        """Duties the plan gives without a date ("løpende", "ved behov"): select.uten_dato_for."""
        plan = self.plan
        return [
            {"side": tiltak_side(tiltak.id), "tiltak_navn": one_line(tiltak.navn), "tittel": one_line(plikt.tittel),
             "rolle": ROLLE_NAVN[r] if r is not None else "",
             "ansvar": one_line(virksomheter_tekst(plan, plikt.ansvar)),
             "kilde": one_line(kilde_tekst(plikt.kilde)),
             "ansvar_antatt": one_line(plikt.ansvar_antatt) if plikt.ansvar_antatt else ""}
            for tiltak, plikt, r in self.site.omfang[key].uten_dato if tiltak_id in (None, tiltak.id)
        ]  # fmt: skip

    def _forfalte(self, key: str) -> list[tuple[ForekomstView, str]] | None:
        """Overdue frister and evalueringer, not signed off (aarshjul/engine/followup.py);
        None without sign-offs in use."""
        if not self.site.oppfoelging_i_bruk:
            return None
        from aarshjul.engine.followup import forfalt_tekst

        return [(self._visning(o.forekomst), forfalt_tekst(o.dager_forfalt))
                for o in self.site.omfang[key].forfalte if o.forekomst is not None]  # fmt: skip

    def _utfoert(self, key: str) -> list[tuple[ForekomstView, str, bool]] | None:
        """What was signed off as done in the school year; None without sign-offs in use."""
        if not self.site.oppfoelging_i_bruk:
            return None
        from aarshjul.engine.followup import Status, utfort_tekst

        return [
            (self._visning(o.forekomst), one_line(utfort_tekst(o.kvittering)), o.for_sent)
            for o in (r.oppfoelging for r in self.site.omfang[key].aar[self.site.skoleaar])
            if o is not None and o.status is Status.UTFOERT and o.forekomst is not None and o.kvittering is not None
        ]

    def _ventende(self, ventende: Sequence[Ventende]) -> list[dict[str, str]]:
        return [{"side": tiltak_side(v.tiltak_id), "tiltak_navn": one_line(v.tiltak_navn), "tittel": one_line(v.tittel),
                 "innen": one_line(v.innen_tekst), "dato_navn": one_line(v.dato_navn),
                 "ansvar": one_line(virksomheter_tekst(self.plan, v.ansvar))} for v in ventende]  # fmt: skip

    def _abonnement(self, key: str, hvem: str) -> dict[str, Any] | None:
        ab = self.site.abonnementer.get(key)
        if ab is None:
            return None
        return {"key": one_line(key), "hvem": one_line(hvem), "filnavn": one_line(ab.filnavn),
                "url": one_line(ab.url) if ab.url is not None else None,
                "webcal": one_line(ab.webcal) if ab.webcal is not None else None}  # fmt: skip

    def _virksomhet_lenker(self, keys: Sequence[str]) -> list[tuple[str, str | None]]:
        return [(one_line(virksomhet_navn(self.plan, k)), virksomhet_side(k) if k in self.site.virksomheter else None)
                for k in keys]  # fmt: skip


# --- small pieces ------------------------------------------------------------------


def _hjul_svg(site: Nettsted, aar: int, key: str | None) -> bytes:
    from aarshjul.engine.planperiode import etter_perioden
    from aarshjul.render.svg import Hjulaar, render_svg

    plan = site.plan
    omfang = site.omfang[key]
    return render_svg(
        plan,
        [r.forekomst for r in omfang.aar[aar]],
        aar=Hjulaar.skoleaar_fra(aar),
        today=site.today,
        tittel=_hjul_tittel(plan),
        virksomheter=[key] if key else [],
        ventende=omfang.ventende,
        planperiode=etter_perioden(plan, date(aar, 8, 1), date(aar + 1, 8, 1)),
        ferier=omfang.ferier.get(aar, ()),
    )


def _oppfoelging_tekst(rad: Rad) -> str:
    """ "Utført 25.03.2027" or "forfalt i 6 dager" in the month table, with sign-offs in use."""
    o = rad.oppfoelging
    if o is None:
        return ""
    from aarshjul.engine.followup import Status, forfalt_tekst, utfort_tekst

    if o.status is Status.UTFOERT and o.kvittering is not None:
        return one_line(utfort_tekst(o.kvittering))
    if o.status is Status.FORFALT:
        return forfalt_tekst(o.dager_forfalt)
    return ""


def _maaned_id(aar: int) -> str:
    return f"maaned-{aar}"


def _dag_tekst(f: Forekomst) -> str:
    """"tirsdag 01.12.2026", or a vindu's span "31.08.–18.09.2026" (in the month it starts)."""
    from aarshjul.render.common import dato_tekst

    return dato_tekst(f) if f.sluttdato is not None else dato_med_ukedag(f.dato)


def _klokke(f: Forekomst) -> str:
    if f.tid is None:
        return ""
    slutt = f"–{f.slutt.strftime('%H:%M')}" if f.slutt else ""
    return f" kl. {f.tid.strftime('%H:%M')}{slutt}"


def _trygg_url(url: str | None) -> bool:
    """Only an http(s) address becomes a link: a plan's url could say javascript:."""
    return url is not None and url.strip().lower().startswith(("https://", "http://"))


def _hjul_tittel(plan: Plan) -> str:
    return aarshjul_tittel(plan.kortnavn)


def _periode_tekst(plan: Plan) -> str:
    if plan.periode_fra and plan.periode_til:
        return f"Planperiode {format_dato(plan.periode_fra)}–{format_dato(plan.periode_til)}."
    if plan.periode_fra:
        return f"Planen gjelder fra {format_dato(plan.periode_fra)}."
    return ""


def _grunn(merke: str, grunn: str | None) -> tuple[str, str] | None:
    """(mark, why) after a fact, when it is our assumption."""
    return (merke, one_line(grunn)) if grunn else None


# Colours (on #ffffff): text #1b1b1b 17:1, muted #4d4d4d 8.4:1, links #0b4f9c 8.3:1,
# focus: black outline on #ffdd00. Nothing relies on colour alone.
STYLESHEET = """\
*, *::before, *::after { box-sizing: border-box; }
html { font-family: system-ui, "Segoe UI", Roboto, "DejaVu Sans", Arial, sans-serif; line-height: 1.5; }
body { margin: 0; color: #1b1b1b; background: #ffffff; overflow-wrap: anywhere; }
header, main, footer { max-width: 72rem; margin: 0 auto; padding: 0 1rem; }
h1, h2, h3 { line-height: 1.25; }
h2 { margin-top: 2.5rem; border-bottom: 2px solid #1b1b1b; padding-bottom: .25rem; }
a { color: #0b4f9c; text-decoration: underline; text-underline-offset: .15em; }
a:focus-visible, main:focus-visible { outline: 3px solid #1b1b1b; outline-offset: 2px;
  background: #ffdd00; color: #000000; }
main:focus:not(:focus-visible) { outline: none; }
.hopp { position: absolute; left: -999rem; top: 0; padding: .5rem 1rem; background: #ffdd00; color: #000000; }
.hopp:focus { left: 1rem; z-index: 1; }
.ingress { font-size: 1.15rem; color: #4d4d4d; }
.brodsmuler { list-style: none; padding: 0; margin: 1rem 0 0; }
.brodsmuler li { display: inline; }
figure.hjul { margin: 1rem 0; }
figure.hjul svg { display: block; max-width: 100%; height: auto; }
.hjul-ramme:focus-visible { outline: 3px solid #1b1b1b; outline-offset: 2px; }
.smal { display: none; }
figcaption { color: #4d4d4d; margin-top: .5rem; }
ul.hendelser { padding-left: 1.25rem; }
ul.virksomheter { columns: 16rem; }
ul.hendelser li { margin: .35rem 0; }
ul.faste { list-style: none; padding-left: 0; }
ul.faste > li { margin: .35rem 0 .75rem; }
ul.kolonner { columns: 9.5rem; column-gap: 1rem; padding-left: 1.25rem; }
ul.kolonner li { break-inside: avoid; }
details summary { cursor: pointer; color: #0b4f9c; text-decoration: underline; text-underline-offset: .15em; }
details summary:focus-visible { outline: 3px solid #1b1b1b; outline-offset: 2px; background: #ffdd00; color: #000000; }
.dato { font-weight: 600; }
.detaljer { color: #4d4d4d; }
.antatt { font-style: italic; }
.planperiode { border-left: 4px solid #1b1b1b; padding: .25rem .75rem; background: #f3f3f3; }
code.adresse { overflow-wrap: anywhere; word-break: break-all; background: #f2f2f2; padding: .1rem .3rem; }
table.liste { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; }
table.liste th, table.liste td { text-align: left; vertical-align: top; padding: .35rem .5rem;
  border-bottom: 1px solid #767676; overflow-wrap: anywhere; }
table.liste thead th { border-bottom: 2px solid #1b1b1b; }
table.liste th, .ikke-del { white-space: nowrap; }
dl.fakta dt, dl.veiledning dt { font-weight: 600; }
dl.fakta dd, dl.veiledning dd { margin: 0 0 .5rem 0; }
footer { margin-top: 3rem; padding-top: 1rem; padding-bottom: 2rem; border-top: 1px solid #767676; color: #4d4d4d; }
@media (max-width: 40rem) {
  /* The wheel's circle (the left two thirds of the SVG's viewBox) fills the screen, edge
     to edge, instead of a thumbnail of circle and key; the key is a swipe (or arrow key)
     away, and the same events follow as text. */
  .hjul-ramme { overflow-x: auto; margin: 0 -1rem; }
  figure.hjul .hjul-ramme svg { max-width: none; width: 147%; }
  .smal { display: inline; }
  table.liste, table.liste tbody, table.liste tr, table.liste td { display: block; width: 100%; }
  table.liste thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
  table.liste tr { border-bottom: 2px solid #1b1b1b; padding: .25rem 0; }
  table.liste td { border: none; padding: .1rem 0; }
  /* A cell without a value has no data-label (the templates leave it out) and no line. */
  table.liste td:empty { display: none; }
  table.liste td[data-label]::before { content: attr(data-label) ": "; font-weight: 600; }
  /* Two short facts share a line: «Type: Møte   Rolle: deltar». */
  table.liste td[data-label="Type"], table.liste td[data-label="Rolle"] { display: inline-block; width: auto;
    margin-right: 1.5rem; }
}
/* aarshjul serve: menus, forms and messages (the same stylesheet as the static site) */
ul.meny { list-style: none; padding: 0; margin: 1rem 0 0; display: flex; flex-wrap: wrap; gap: .25rem 1.25rem; }
form.innlogget p { margin: .5rem 0; color: #4d4d4d; }
button { font: inherit; padding: .5rem 1rem; border: 2px solid #0b4f9c; border-radius: .25rem;
  background: #0b4f9c; color: #ffffff; cursor: pointer; }
button.sekundaer { background: #ffffff; color: #0b4f9c; }
button.lenkeknapp { padding: 0; border: none; background: none; color: #0b4f9c; text-decoration: underline; }
button:focus-visible, input:focus-visible, select:focus-visible { outline: 3px solid #1b1b1b; outline-offset: 2px;
  box-shadow: 0 0 0 6px #ffdd00; }
.felt { margin: .5rem 0; }
.felt label { display: block; font-weight: 600; }
.felt input, .felt select { font: inherit; padding: .35rem .5rem; border: 2px solid #4d4d4d; border-radius: .25rem;
  width: 100%; max-width: 28rem; }
ul.oppgaver { list-style: none; padding: 0; }
li.oppgave { border-bottom: 1px solid #767676; padding: .5rem 0 1rem; }
li.oppgave h3 { margin: .5rem 0 .25rem; }
.melding { border-left: 4px solid #0b6b2e; background: #eef7f0; padding: .5rem .75rem; }
.status-forfalt strong { color: #a4001d; }
.status-utfort strong { color: #0b6b2e; }
@media print { .hopp { display: none; } a { color: #000000; } }
"""
