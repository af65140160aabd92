"""The published website: data in, a folder's files out.

`site_filer` makes the HTML pages, the stylesheet and the wheels one file at a time
(`render_site` gathers them as {file name: bytes}), from a Nettsted whose rows
services/publish.py chose (nothing here expands or selects); the service adds the ICS
files and plan.json, and aarshjul/storage/folder.py writes the folder. Pages are built
from the stdlib: every string from the plan goes through `e()` (html.escape with quotes)
exactly once, at the point it enters the markup, and the wheels come from
render/svg.py, whose ElementTree output is escaped by construction. There is no
JavaScript, no external request and no timestamp of "now": the same plan and `today`
give the same bytes.

Accessibility (WCAG 2.1 AA, tested by tests/a11y/): one h1 per page and headings in
order, a skip link, visible focus, text that says what colour and shape say, each
wheel followed by a table of the same occurrences, and tables that stack into
labelled blocks on narrow screens instead of scrolling sideways.
"""

from __future__ import annotations

import html
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from aarshjul.dates import MAANEDER, UKEDAGER, format_dato, format_skoleaar
from aarshjul.engine.followup import Oppfoelging
from aarshjul.engine.planperiode import Planperiode
from aarshjul.engine.select import Rad
from aarshjul.model import Forekomst, Plan, Rolle, Tiltak, UtenDato, Ventende
from aarshjul.render.common import (
    ANSVAR_ANTATT,
    ANTATT_DATO,
    DELTAKERE_ANTATT,
    LAGT_TIL,
    ROLLE_NAVN,
    TYPE_NAVN,
    andre_antakelser,
    antakelser,
    kilde_tekst,
    one_line,
    planperiode_tekst,
    virksomhet_navn,
    virksomheter_tekst,
)
from aarshjul.render.views import dato_med_ukedag, flyttet, per_uke

INDEX = "index.html"
STIL = "stil.css"
DAGER_ALLE = 30  # the index: the next 30 days for everyone
DAGER_VIRKSOMHET = 60  # a virksomhet's page: the next 60 days


def e(tekst: str) -> str:
    """Plan or user text as HTML text or a quoted attribute value: one line, escaped."""
    return html.escape(one_line(tekst), quote=True)


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


def render_site(site: Nettsted) -> dict[str, bytes]:
    """Every page, the stylesheet and the wheels, as {file name: bytes}."""
    return dict(site_filer(site))


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


def site_filer(site: Nettsted) -> Iterator[tuple[str, bytes]]:
    """The files of site_filnavn, one at a time, index.html last: the caller writes each
    before the next is made, so memory holds one page and its wheel, not the site (a plan
    of 5,000 virksomheter is ~16,000 files). A virksomhet's wheel is made once, for its
    page and its own file."""
    plan = site.plan
    yield STIL, STYLESHEET.encode("utf-8")
    neste_aar = site.skoleaar + 1
    felles = {
        hjul_fil(aar, None): _hjul_svg(site, aar, None)
        for aar in (site.skoleaar, neste_aar)
        if _har_hjul(site, aar, None)
    }
    yield from felles.items()
    yield skoleaar_side(neste_aar), _skoleaar_page(site, neste_aar, felles).encode("utf-8")
    for key in site.virksomheter:
        hjul: dict[str, bytes] = {}
        if _har_hjul(site, site.skoleaar, key):
            hjul[hjul_fil(site.skoleaar, key)] = _hjul_svg(site, site.skoleaar, key)
        yield from hjul.items()
        yield virksomhet_side(key), _virksomhet_page(site, key, hjul).encode("utf-8")
    for tiltak in plan.tiltak:
        yield tiltak_side(tiltak.id), _tiltak_page(site, tiltak.id).encode("utf-8")
    yield INDEX, _index(site, felles).encode("utf-8")


def render_side(site: Nettsted, navn: str) -> bytes | None:
    """One file of the site by its name (what `serve` shows live), or None when the site
    has no such file. The same bytes render_site writes for it."""
    plan = site.plan
    if navn == STIL:
        return STYLESHEET.encode("utf-8")
    if navn == INDEX:
        return _index(site, {}).encode("utf-8")
    for aar in (site.skoleaar, site.skoleaar + 1):
        if navn == hjul_fil(aar, None):
            return _hjul_svg(site, aar, None)
    if navn == skoleaar_side(site.skoleaar + 1):
        return _skoleaar_page(site, site.skoleaar + 1, {}).encode("utf-8")
    for key in site.virksomheter:
        if navn == virksomhet_side(key):
            return _virksomhet_page(site, key, {}).encode("utf-8")
        if navn == hjul_fil(site.skoleaar, key):
            return _hjul_svg(site, site.skoleaar, key)
    for tiltak in plan.tiltak:
        if navn == tiltak_side(tiltak.id):
            return _tiltak_page(site, tiltak.id).encode("utf-8")
    return None


# --- the pages --------------------------------------------------------------------------


def _index(site: Nettsted, filer: Mapping[str, bytes]) -> str:
    plan = site.plan
    aar = site.skoleaar
    deler = [
        f"<h1>{_plan_tittel(plan)}</h1>",
        f'<p class="ingress">{e(plan.kommune)}. {_periode_tekst(plan)}</p>',
        f'<p><a href="{e(plan.url or "")}">Les hele planen</a></p>' if _trygg_url(plan.url) else "",
        _hjul_seksjon(site, aar, None, filer, f"Årshjulet for skoleåret {format_skoleaar(aar)}"),
        f'<p><a href="{skoleaar_side(aar + 1)}">Se årshjulet for neste skoleår, {format_skoleaar(aar + 1)}</a></p>',
        _kommende_seksjon(site, None, DAGER_ALLE, "alle"),
        _virksomhet_liste(site),
        _abonnement_seksjon(site, "alle", "alle virksomheter"),
        _maaned_seksjon(site, aar, None),
        _ventende_seksjon(site, site.omfang[None].ventende),
        _data_seksjon(site),
    ]
    return _page(site, plan.navn, deler, brodsmuler=())


def _skoleaar_page(site: Nettsted, aar: int, filer: Mapping[str, bytes]) -> str:
    plan = site.plan
    tittel = f"Skoleåret {format_skoleaar(aar)}"
    deler = [
        f"<h1>{tittel}</h1>",
        f'<p class="ingress">{_plan_tittel(plan)}, {e(plan.kommune)}.</p>',
        _hjul_seksjon(site, aar, None, filer, f"Årshjulet for skoleåret {format_skoleaar(aar)}"),
        _maaned_seksjon(site, aar, None),
    ]
    return _page(site, tittel, deler, brodsmuler=((INDEX, "Forsiden"),))


def _virksomhet_page(site: Nettsted, key: str, filer: Mapping[str, bytes]) -> str:
    plan = site.plan
    navn = e(virksomhet_navn(plan, key))
    v = plan.virksomheter[key]
    ingress = f"{_plan_tittel(plan)}, {e(plan.kommune)}."
    if v.leder:
        ingress = f"Leder: {e(v.leder)}. " + ingress
    deler = [
        f"<h1>{navn}</h1>",
        f'<p class="ingress">{ingress}</p>',
        _abonnement_seksjon(site, key, virksomhet_navn(plan, key)),
        _forfalt_seksjon(site, key),
        _kommende_seksjon(site, key, DAGER_VIRKSOMHET, key),
        _hjul_seksjon(site, site.skoleaar, key, filer, f"Årshjulet for skoleåret {format_skoleaar(site.skoleaar)}"),
        _maaned_seksjon(site, site.skoleaar, key),
        _utfoert_seksjon(site, key),
        _uten_dato_seksjon(site, key, None),
        _ventende_seksjon(site, site.omfang[key].ventende),
    ]
    return _page(site, virksomhet_navn(plan, key), deler, brodsmuler=((INDEX, "Forsiden"),))


def _tiltak_page(site: Nettsted, tiltak_id: str) -> str:
    plan = site.plan
    tiltak = plan.finn_tiltak(tiltak_id)
    assert tiltak is not None
    forekomster = [r.forekomst for r in site.omfang[None].aar[site.skoleaar] if r.forekomst.tiltak_id == tiltak_id]
    fakta = [("Kilde", e(kilde_tekst(tiltak.kilde)))]
    if tiltak.sone is not None:
        fakta.append(("Sone", e(tiltak.sone.value)))
    fakta.append(("Ansvar", _virksomhet_lenker(site, tiltak.ansvar) + _grunn_html(ANSVAR_ANTATT, tiltak.ansvar_antatt)))
    if tiltak.deltakere:
        fakta.append(("Deltar", _virksomhet_lenker(site, tiltak.deltakere)
                      + _grunn_html(DELTAKERE_ANTATT, tiltak.deltakere_antatt)))  # fmt: skip
    deler = [
        f"<h1>{e(tiltak.navn)}</h1>",
        '<dl class="fakta">' + "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in fakta) + "</dl>",
    ]
    if tiltak.beskrivelse:
        deler.append(f"<p>{e(tiltak.beskrivelse)}</p>")
    deler.append(f"<h2>Hendelser i skoleåret {format_skoleaar(site.skoleaar)}</h2>")
    for h in tiltak.hendelser:
        mine = [f for f in forekomster if f.hendelse_id == h.id]
        deler.append(f"<h3>{e(h.tittel)}</h3>")
        linjer = [f"{TYPE_NAVN[h.type]}. Ansvar: {_virksomhet_lenker(site, h.ansvar)}."]
        for merke, grunn in ((LAGT_TIL, h.lagt_til), (ANTATT_DATO, h.antatt), (ANSVAR_ANTATT, h.ansvar_antatt),
                             (DELTAKERE_ANTATT, h.deltakere_antatt)):  # fmt: skip
            if grunn:
                linjer.append(f'<span class="antatt">{merke.capitalize()}</span>: {e(grunn)}')
        deler.append("".join(f"<p>{linje}</p>" for linje in linjer))
        if mine:
            deler.append(
                '<ul class="datoer">'
                + "".join(f"<li>{_dato_html(f.dato)}{_flyttet_html(plan, f)}</li>" for f in mine)
                + "</ul>"
            )
        else:
            deler.append("<p>Ingen datoer dette skoleåret.</p>")
    deler.append(_uten_dato_seksjon(site, None, tiltak_id))
    deler.append(_ventende_seksjon(site, [v for v in site.omfang[None].ventende if v.tiltak_id == tiltak_id]))
    return _page(site, tiltak.navn, deler, brodsmuler=((INDEX, "Forsiden"),))


# --- sections -----------------------------------------------------------------------


def _har_hjul(site: Nettsted, aar: int, key: str | None) -> bool:
    """Whether the wheel has a marker: one without says so in words instead (and has no file)."""
    return bool(site.omfang[key].aar[aar])


def _hjul_seksjon(site: Nettsted, aar: int, key: str | None, filer: Mapping[str, bytes], overskrift: str) -> str:
    if not _har_hjul(site, aar, key):
        from aarshjul.render.svg import Hjulaar

        hvem = "Planen" if key is None else virksomhet_navn(site.plan, key)
        return (
            f'<section aria-labelledby="hjul-{aar}"><h2 id="hjul-{aar}">{overskrift}</h2>'
            f"<p>{e(Hjulaar.skoleaar_fra(aar).ingen_hendelser(hvem))}</p></section>"
        )
    svg = filer.get(hjul_fil(aar, key)) or _hjul_svg(site, aar, key)
    tekst = svg.decode("utf-8")
    inline = tekst.split("?>", 1)[1].strip() if tekst.startswith("<?xml") else tekst
    tabell = f"#{_maaned_id(aar)}"
    return (
        f'<section aria-labelledby="hjul-{aar}"><h2 id="hjul-{aar}">{overskrift}</h2>'
        f'<figure class="hjul">{inline}'
        f"<figcaption>Én ring per tiltak, én markør per hendelse; formen viser typen og hule markører er "
        f'antatte datoer. De samme hendelsene står som tekst i <a href="{tabell}">oversikten måned for '
        f'måned</a>. <a href="{hjul_fil(aar, key)}">Last ned hjulet som SVG-bilde</a>.</figcaption>'
        "</figure></section>"
    )


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
    )


def _kommende_seksjon(site: Nettsted, key: str | None, dager: int, anker: str) -> str:
    plan = site.plan
    fra, til = site.today, site.today + timedelta(days=dager)
    rader = site.omfang[key].kommende
    hvem = "alle virksomheter" if key is None else e(virksomhet_navn(plan, key))
    ut = [
        f'<section aria-labelledby="neste-{anker}"><h2 id="neste-{anker}">De neste {dager} dagene</h2>',
        f"<p>For {hvem}, fra {format_dato(fra)} til {format_dato(til - timedelta(days=1))}.</p>",
    ]
    if not rader:
        ut.append("<p>Ingenting i denne perioden.</p>")
    tidlige = [r for r in rader if r.tidlig_varsel]
    for overskrift, gruppe in per_uke([r for r in rader if not r.tidlig_varsel]):
        ut.append(f"<h3>{overskrift}</h3>")
        ut.append(_rad_liste(site, gruppe, key))
    if tidlige:
        ut.append("<h3>Frister senere som det er tid for å forberede</h3>")
        ut.append(_rad_liste(site, tidlige, key))
    ut.append("</section>")
    return "".join(ut)


def _rad_liste(site: Nettsted, rader: Sequence[Rad], key: str | None) -> str:
    plan = site.plan
    ut = ['<ul class="hendelser">']
    for r in rader:
        f = r.forekomst
        detaljer = [TYPE_NAVN[f.type]]
        if key is not None and r.rolle is not None:
            detaljer.append(ROLLE_NAVN[r.rolle])
        else:
            detaljer.append(f"ansvar: {e(virksomheter_tekst(plan, f.ansvar))}")
        if f.sted:
            detaljer.append(f"sted: {e(f.sted)}")
        if f.type.er_frist:
            detaljer.append(_dager_igjen(r.dager_igjen))
        moved = flyttet(plan, f)
        if moved:
            detaljer.append(e(moved))
        if f.antatt is not None:
            detaljer.append(_antatt_html(f))
        detaljer += [e(m) for m in andre_antakelser(f)]
        ut.append(
            f'<li><span class="dato">{_dato_html(f.dato)}{_klokke(f)}</span> '
            f'<a href="{tiltak_side(f.tiltak_id)}">{e(f.tiltak_navn)}</a> – {e(f.tittel)} '
            f'<span class="detaljer">({", ".join(detaljer)})</span></li>'
        )
    ut.append("</ul>")
    return "".join(ut)


def _maaned_seksjon(site: Nettsted, aar: int, key: str | None) -> str:
    """Every forekomst of the school year by month: the wheel's text alternative."""
    plan = site.plan
    rader = site.omfang[key].aar[aar]
    forekomster = [r.forekomst for r in rader]
    hvem = "alle virksomheter" if key is None else e(virksomhet_navn(plan, key))
    ut = [
        f'<section aria-labelledby="{_maaned_id(aar)}">'
        f'<h2 id="{_maaned_id(aar)}">Skoleåret {format_skoleaar(aar)} måned for måned</h2>',
        f"<p>Alt i årshjulet for {hvem}, {len(forekomster)} hendelser. «Antatt dato» betyr at planen "
        'ikke gir en nøyaktig dato; se <a href="#antatte">antatte datoer</a>.</p>',
    ]
    kolonner = ["Dato", "Hva", "Type"] + (["Rolle"] if key else ["Ansvar"]) + ["Kilde", "Merknad"]
    brukt: set[str] = set()
    m_aar, mnd = aar, 8
    for _ in range(12):
        mine = [r for r in rader if (r.forekomst.dato.year, r.forekomst.dato.month) == (m_aar, mnd)]
        ut.append(f"<h3>{MAANEDER[mnd - 1].capitalize()} {m_aar}</h3>")
        if not mine:
            ut.append("<p>Ingenting denne måneden.</p>")
        else:
            ut.append('<table class="liste"><thead><tr>')
            ut.append("".join(f'<th scope="col">{k}</th>' for k in kolonner))
            ut.append("</tr></thead><tbody>")
            for rad in mine:
                f = rad.forekomst
                if key:
                    hvem_celle = ROLLE_NAVN[rad.rolle] if rad.rolle is not None else ""
                else:
                    hvem_celle = e(virksomheter_tekst(plan, f.ansvar))
                merknad = [
                    m
                    for m in (
                        _oppfoelging_tekst(rad),
                        f"sted: {e(f.sted)}" if f.sted else "",
                        _flyttet_tekst(plan, f),
                        _antatt_html(f) if f.antatt else "",
                        *(f"{merke}: {e(grunn)}" for merke, grunn in antakelser(f) if merke != ANTATT_DATO),
                    )
                    if m
                ]
                celler = [
                    f"{_dato_html(f.dato)}{_klokke(f)}",
                    f'<a href="{tiltak_side(f.tiltak_id)}">{e(f.tiltak_navn)}</a> – {e(f.tittel)}',
                    TYPE_NAVN[f.type],
                    hvem_celle,
                    e(kilde_tekst(f.kilde)),
                    "; ".join(merknad),
                ]
                anker = _anker(f)
                ut.append(f'<tr id="{e(anker)}">' if anker not in brukt else "<tr>")
                brukt.add(anker)
                ut.append("".join(f'<td data-label="{k}">{c}</td>' for k, c in zip(kolonner, celler, strict=True)))
                ut.append("</tr>")
            ut.append("</tbody></table>")
        m_aar, mnd = (m_aar + 1, 1) if mnd == 12 else (m_aar, mnd + 1)
    ut.append(_antatte(forekomster))
    ut.append("</section>")
    return "".join(ut)


def _antatte(forekomster: Sequence[Forekomst]) -> str:
    """Why each assumed date is assumed, once per hendelse: the target of "antatt dato"."""
    sett: set[tuple[str, str]] = set()
    ut = ['<h3 id="antatte">Antatte datoer</h3>']
    punkter = []
    for f in forekomster:
        k = (f.tiltak_id, f.hendelse_id)
        if f.antatt is None or k in sett:
            continue
        sett.add(k)
        punkter.append(
            f'<li id="{_antatt_id(f)}"><a href="{tiltak_side(f.tiltak_id)}">{e(f.tiltak_navn)}</a> – '
            f"{e(f.tittel)}: {e(f.antatt)}</li>"
        )
    if not punkter:
        ut.append("<p>Ingen datoer her er antatt.</p>")
    else:
        ut.append("<p>Planen gir ikke nøyaktig dato for disse; datoen er vår antakelse:</p>")
        ut.append('<ul class="antatte">' + "".join(punkter) + "</ul>")
    return "".join(ut)


def _uten_dato_seksjon(site: Nettsted, key: str | None, tiltak_id: str | None) -> str:
    """Duties the plan gives without a date ("løpende", "ved behov"): select.uten_dato_for."""
    plan = site.plan
    plikter = [p for p in site.omfang[key].uten_dato if tiltak_id in (None, p[0].id)]
    if not plikter:
        return ""
    ut = [
        '<section aria-labelledby="uten-dato"><h2 id="uten-dato">Oppgaver uten dato</h2>',
        "<p>Planen sier at dette skal gjøres, men ikke når; det står derfor ikke i kalenderen.</p><ul>",
    ]
    for tiltak, plikt, r in plikter:
        detaljer = [ROLLE_NAVN[r]] if r is not None else [f"ansvar: {e(virksomheter_tekst(plan, plikt.ansvar))}"]
        detaljer.append(e(kilde_tekst(plikt.kilde)))
        if plikt.ansvar_antatt:
            detaljer.append(f"antatt ansvar: {e(plikt.ansvar_antatt)}")
        ut.append(
            f'<li><a href="{tiltak_side(tiltak.id)}">{e(tiltak.navn)}</a> – {e(plikt.tittel)} '
            f'<span class="detaljer">({", ".join(detaljer)})</span></li>'
        )
    ut.append("</ul></section>")
    return "".join(ut)


def _forfalt_seksjon(site: Nettsted, key: str) -> str:
    """Overdue frister and evalueringer, not signed off (aarshjul/engine/followup.py)."""
    if not site.oppfoelging_i_bruk:
        return ""
    from aarshjul.engine.followup import forfalt_tekst

    ut = ['<section aria-labelledby="forfalt"><h2 id="forfalt">Forfalt</h2>']
    liste = [o for o in site.omfang[key].forfalte if o.forekomst is not None]
    if not liste:
        ut.append("<p>Ingen frister eller evalueringer er forfalt.</p>")
    else:
        ut.append("<p>Frister og evalueringer som har passert uten at de er kvittert ut som gjort.</p><ul>")
        for o in liste:
            f = o.forekomst
            assert f is not None
            ut.append(
                f'<li><span class="dato">{_dato_html(f.dato)}</span> '
                f'<a href="{tiltak_side(f.tiltak_id)}">{e(f.tiltak_navn)}</a> – {e(f.tittel)} '
                f'<span class="detaljer">({TYPE_NAVN[f.type]}, <strong>{forfalt_tekst(o.dager_forfalt)}</strong>)'
                "</span></li>"
            )
        ut.append("</ul>")
    ut.append("</section>")
    return "".join(ut)


def _utfoert_seksjon(site: Nettsted, key: str) -> str:
    """What was signed off as done in the school year."""
    if not site.oppfoelging_i_bruk:
        return ""
    from aarshjul.engine.followup import Status, utfort_tekst

    gjort = [
        o
        for o in (r.oppfoelging for r in site.omfang[key].aar[site.skoleaar])
        if o is not None and o.status is Status.UTFOERT and o.forekomst is not None and o.kvittering is not None
    ]
    ut = [
        f'<section aria-labelledby="utfoert"><h2 id="utfoert">Utført i skoleåret {format_skoleaar(site.skoleaar)}</h2>'
    ]
    if not gjort:
        ut.append("<p>Ingenting er kvittert ut som gjort ennå.</p>")
    else:
        ut.append("<ul>")
        for o in gjort:
            f, k = o.forekomst, o.kvittering
            assert f is not None and k is not None
            sent = ", etter fristen" if o.for_sent else ""
            ut.append(
                f'<li><a href="{tiltak_side(f.tiltak_id)}">{e(f.tiltak_navn)}</a> – {e(f.tittel)} '
                f"({_dato_html(f.dato)}): {e(utfort_tekst(k))}{sent}</li>"
            )
        ut.append("</ul>")
    ut.append("</section>")
    return "".join(ut)


def _oppfoelging_tekst(rad: Rad) -> str:
    """ "Utført 25.03.2027" or "forfalt i 6 dager" in the month table, with sign-offs in use."""
    o = rad.oppfoelging
    if o is None:
        return ""
    from aarshjul.engine.followup import Status, forfalt_tekst, utfort_tekst

    if o.status is Status.UTFOERT and o.kvittering is not None:
        return f"<strong>{e(utfort_tekst(o.kvittering))}</strong>"
    if o.status is Status.FORFALT:
        return f"<strong>{forfalt_tekst(o.dager_forfalt)}</strong>"
    return ""


def _ventende_seksjon(site: Nettsted, ventende: Sequence[Ventende]) -> str:
    if not ventende:
        return ""
    ut = [
        '<section aria-labelledby="venter"><h2 id="venter">Venter på dato</h2>',
        "<p>Disse venter på en dato planen ikke kjenner ennå.</p><ul>",
    ]
    for v in ventende:
        ut.append(
            f'<li><a href="{tiltak_side(v.tiltak_id)}">{e(v.tiltak_navn)}</a> – {e(v.tittel)}: '
            f"{e(v.innen_tekst)} etter «{e(v.dato_navn)}» (ansvar: {e(virksomheter_tekst(site.plan, v.ansvar))})</li>"
        )
    ut.append("</ul></section>")
    return "".join(ut)


def _virksomhet_liste(site: Nettsted) -> str:
    plan = site.plan
    ut = ['<section aria-labelledby="virksomheter"><h2 id="virksomheter">Virksomhetene</h2>']
    if not site.virksomheter:
        ut.append("<p>Ingen virksomheter er publisert.</p>")
    else:
        ut.append("<p>Hver virksomhet har sin side med sitt årshjul, sine frister og sin kalender.</p>")
        ut.append('<ul class="virksomheter">')
        for key in site.virksomheter:
            ut.append(f'<li><a href="{virksomhet_side(key)}">{e(virksomhet_navn(plan, key))}</a></li>')
        ut.append("</ul>")
    ut.append("</section>")
    return "".join(ut)


def _abonnement_seksjon(site: Nettsted, key: str, hvem: str) -> str:
    ab = site.abonnementer.get(key)
    if ab is None:
        return ""
    ut = [
        f'<section aria-labelledby="kalender-{e(key)}"><h2 id="kalender-{e(key)}">Kalender for {e(hvem)}</h2>',
        "<p>Abonner på kalenderen, så kommer endringer i planen inn av seg selv.</p>",
    ]
    if ab.url is not None and ab.webcal is not None:
        ut.append(f'<p>Kalenderadresse: <code class="adresse">{e(ab.url)}</code></p>')
        ut.append(
            f'<ul class="lenker"><li><a href="{e(ab.webcal)}">Abonner i kalenderprogrammet (webcal)</a></li>'
            f'<li><a href="{e(ab.filnavn)}" download>Last ned kalenderfilen ({e(ab.filnavn)})</a></li></ul>'
        )
        ut.append(
            '<h3>Slik legger du den til</h3><dl class="veiledning">'
            "<dt>Outlook</dt><dd>Kopier kalenderadressen over. Velg Legg til kalender, Fra Internett, "
            "lim inn adressen og velg OK.</dd>"
            "<dt>Outlook på nettet</dt><dd>Kopier kalenderadressen. Gå til Kalender, Legg til kalender, "
            "Abonner fra nettet, lim inn adressen, gi kalenderen et navn og velg Importer.</dd>"
            "<dt>Google Kalender</dt><dd>Kopier kalenderadressen. Velg + ved Andre kalendere, Fra URL, "
            "lim inn adressen og velg Legg til kalender.</dd></dl>"
        )
    else:
        ut.append(
            f'<ul class="lenker"><li><a href="{e(ab.filnavn)}" download>Last ned kalenderfilen '
            f"({e(ab.filnavn)})</a></li></ul>"
            "<p>Kalenderen kan importeres fra filen. For å abonnere trengs adressen der nettstedet ligger; "
            "den står her når nettstedet er publisert med --url.</p>"
        )
    ut.append("</section>")
    return "".join(ut)


def _data_seksjon(site: Nettsted) -> str:
    return (
        '<section aria-labelledby="data"><h2 id="data">Data</h2>'
        f'<p><a href="{e(site.json_fil)}">Hele skoleåret som JSON</a> (samme format som '
        "«aarshjul calendar --format json»), for den som vil bygge videre.</p></section>"
    )


# --- small pieces ------------------------------------------------------------------


def _anker(f: Forekomst) -> str:
    """The page anchor of a forekomst: its stable key (aarshjul/keys.py), so a link to
    "samba.mote.2026-12" survives the meeting moving within its month."""
    return f.nokkel


def _maaned_id(aar: int) -> str:
    return f"maaned-{aar}"


def _antatt_id(f: Forekomst) -> str:
    return f"antatt-{f.tiltak_id}-{f.hendelse_id}"


def _antatt_html(f: Forekomst) -> str:
    return f'<a class="antatt" href="#{_antatt_id(f)}">antatt dato</a>'


def _flyttet_tekst(plan: Plan, f: Forekomst) -> str:
    moved = flyttet(plan, f)
    return e(moved) if moved else ""


def _flyttet_html(plan: Plan, f: Forekomst) -> str:
    moved = flyttet(plan, f)
    return f" ({e(moved)})" if moved else ""


def _dato_html(d: date) -> str:
    return f'<time datetime="{d.isoformat()}">{dato_med_ukedag(d)}</time>'


def _klokke(f: Forekomst) -> str:
    if f.tid is None:
        return ""
    slutt = f"–{f.slutt.strftime('%H:%M')}" if f.slutt else ""
    return f" kl. {f.tid.strftime('%H:%M')}{slutt}"


def _dager_igjen(dager: int) -> str:
    from aarshjul.render.common import dager_igjen_tekst

    return dager_igjen_tekst(dager)


def _virksomhet_lenker(site: Nettsted, keys: Sequence[str]) -> str:
    deler = []
    for k in keys:
        navn = e(virksomhet_navn(site.plan, k))
        deler.append(f'<a href="{virksomhet_side(k)}">{navn}</a>' if k in site.virksomheter else navn)
    return ", ".join(deler) or "ingen"


def _trygg_url(url: str | None) -> bool:
    """Only an http(s) address becomes a link: a plan's url could say javascript:."""
    return url is not None and url.strip().lower().startswith(("https://", "http://"))


def _plan_tittel(plan: Plan) -> str:
    return e(plan.navn)


def _hjul_tittel(plan: Plan) -> str:
    return f"Årshjul {one_line(plan.kortnavn)}" if plan.kortnavn else "Årshjul"


def _periode_tekst(plan: Plan) -> str:
    if plan.periode_fra and plan.periode_til:
        return f"Planperiode {format_dato(plan.periode_fra)}–{format_dato(plan.periode_til)}."
    if plan.periode_fra:
        return f"Planen gjelder fra {format_dato(plan.periode_fra)}."
    return ""


def _grunn_html(merke: str, grunn: str | None) -> str:
    """" (ansvar antatt: why)" after a fact, when it is our assumption."""
    return f' <span class="antatt">({merke}: {e(grunn)})</span>' if grunn else ""


def _planperiode_html(site: Nettsted) -> str:
    if site.planperiode is None:
        return ""
    return f'<p class="planperiode">{e(planperiode_tekst(site.planperiode))}</p>'


def _page(site: Nettsted, tittel: str, deler: Sequence[str], *, brodsmuler: Sequence[tuple[str, str]]) -> str:
    plan = site.plan
    nav = ""
    if brodsmuler:
        lenker = "".join(f'<li><a href="{href}">{tekst}</a></li>' for href, tekst in brodsmuler)
        nav = f'<nav aria-label="Brødsmuler"><ol class="brodsmuler">{lenker}</ol></nav>'
    dag = site.today
    return (
        "<!DOCTYPE html>\n"
        '<html lang="nb">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{e(tittel)}{' – ' + e(plan.navn) if tittel != plan.navn else ''}</title>\n"
        f'<link rel="stylesheet" href="{STIL}">\n</head>\n<body>\n'
        '<a class="hopp" href="#innhold">Hopp til innholdet</a>\n'
        f"<header>{nav}{_planperiode_html(site)}</header>\n"
        f'<main id="innhold" tabindex="-1">\n' + "\n".join(d for d in deler if d) + "\n</main>\n"
        f"<footer><p>{e(plan.navn)}, {e(plan.kommune)}. Oppdatert {UKEDAGER[dag.weekday()]} "
        f"{format_dato(dag)}. Laget med aarshjul.</p></footer>\n"
        "</body>\n</html>\n"
    )


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
figcaption { color: #4d4d4d; margin-top: .5rem; }
ul.hendelser { padding-left: 1.25rem; }
ul.virksomheter { columns: 16rem; }
ul.hendelser li { margin: .35rem 0; }
.dato { font-weight: 600; }
.detaljer { color: #4d4d4d; }
.antatt { font-style: italic; }
.planperiode { border-left: 4px solid #1b1b1b; padding: .25rem .75rem; background: #f3f3f3; }
code.adresse { overflow-wrap: anywhere; word-break: break-all; background: #f2f2f2; padding: .1rem .3rem; }
table.liste { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; }
table.liste th, table.liste td { text-align: left; vertical-align: top; padding: .35rem .5rem;
  border-bottom: 1px solid #767676; overflow-wrap: anywhere; }
table.liste thead th { border-bottom: 2px solid #1b1b1b; }
dl.fakta dt, dl.veiledning dt { font-weight: 600; }
dl.fakta dd, dl.veiledning dd { margin: 0 0 .5rem 0; }
footer { margin-top: 3rem; padding-top: 1rem; padding-bottom: 2rem; border-top: 1px solid #767676; color: #4d4d4d; }
@media (max-width: 40rem) {
  table.liste, table.liste tbody, table.liste tr, table.liste td { display: block; width: 100%; }
  table.liste thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
  table.liste tr { border-bottom: 2px solid #1b1b1b; padding: .25rem 0; }
  table.liste td { border: none; padding: .1rem 0; }
  table.liste td::before { content: attr(data-label) ": "; font-weight: 600; }
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
