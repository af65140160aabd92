"""`status` and `rapport`: follow-up rows in text, table, markdown, JSON, CSV, HTML.

Data in, str out. Every text from the plan or from a sign-off (--av, --merknad, --lenke)
goes through one_line and then the format's own escaping: markdown backslashes,
html.escape, CSV quoting (plus a leading apostrophe before = + - @ so Excel never runs a
cell as a formula, OWASP "CSV injection").
"""

from __future__ import annotations

import csv
import html
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from aarshjul.dates import format_dato
from aarshjul.engine.followup import Oppfoelging, Status, forfalt_tekst, utfort_tekst
from aarshjul.model import HendelseType, Kvittering, Plan
from aarshjul.render.common import (
    ANSVAR_ANTATT,
    ANTATT_DATO,
    DELTAKERE_ANTATT,
    LAGT_TIL,
    TYPE_NAVN,
    antakelser,
    dato_tekst,
    one_line,
    planperiode_tekst,
    virksomhet_navn,
    virksomheter_tekst,
)
from aarshjul.render.json import dumps

if TYPE_CHECKING:
    from aarshjul.engine.planperiode import Planperiode

STATUS_NAVN = {
    Status.UTFOERT: "utført",
    Status.FORFALT: "forfalt",
    Status.KOMMENDE: "kommende",
    Status.PASSERT: "passert",
    Status.VENTER: "venter på dato",
}
CSV_BOM = "\ufeff"


@dataclass(frozen=True)
class Linje:
    """One row as plain strings (already through one_line)."""

    dato: str  # "31.03.2027" or "" (venter)
    hva: str  # "PMTO – Evaluering av PMTO"
    type: str
    ansvar: str
    status: str  # "utført", "utført for sent", "forfalt", ...
    detalj: str  # "25.03.2027 av Virksomhetsleder: Evalueringsrapport" / "forfalt i 5 dager"
    id: str
    nokkel: str
    av: str
    merknad: str
    lenke: str
    utfort: str  # the sign-off date, dd.mm.yyyy
    antatt: str = ""  # why the date is ours, not the plan's ("" when the plan gives it)
    ansvar_antatt: str = ""  # why who is responsible is ours
    lagt_til: str = ""  # why the duty is ours (not in the plan at all)
    deltakere_antatt: str = ""  # why who takes part is ours
    etter_planperioden: bool = False  # dated after the period of a videreført plan
    # A duty each owner signs off: "3 av 5" and who is missing ("" otherwise).
    andel: str = ""
    mangler: str = ""

    @property
    def merker(self) -> list[str]:
        """«lagt til av oss», «antatt dato», «ansvar antatt», «deltakere antatt», as every
        other output marks them."""
        return [m for m, grunn in ((LAGT_TIL, self.lagt_til), (ANTATT_DATO, self.antatt),
                                   (ANSVAR_ANTATT, self.ansvar_antatt), (DELTAKERE_ANTATT, self.deltakere_antatt))
                if grunn]  # fmt: skip


def status_navn(o: Oppfoelging) -> str:
    if o.status is Status.UTFOERT and o.for_sent:
        return "utført for sent"
    return STATUS_NAVN[o.status]


def linje(plan: Plan, o: Oppfoelging) -> Linje:
    k = o.kvittering
    ansvar_antatt = lagt_til = deltakere_antatt = ""
    etter = False
    if o.forekomst is not None:
        f = o.forekomst
        dato, id_, nokkel = dato_tekst(f), f.id, f.nokkel
        hva = f"{one_line(f.tiltak_navn)} – {one_line(f.tittel)}"
        type_, ansvar = TYPE_NAVN[f.type], virksomheter_tekst(plan, f.ansvar)
        antatt, ansvar_antatt = f.antatt or "", f.ansvar_antatt or ""
        lagt_til, deltakere_antatt, etter = f.lagt_til or "", f.deltakere_antatt or "", f.etter_planperioden
    else:
        assert o.ventende is not None
        v = o.ventende
        dato, id_, nokkel = "", f"{v.tiltak_id}.{v.hendelse_id}", ""
        hva = f"{one_line(v.tiltak_navn)} – {one_line(v.tittel)}"
        type_, ansvar = TYPE_NAVN[v.type], virksomheter_tekst(plan, v.ansvar)
        antatt = v.antatt or ""
    detalj = ""
    andel = mangler = ""
    if o.delt:
        andel = f"{o.antall_utfort} av {len(o.enheter)}"
        mangler = ", ".join(one_line(virksomhet_navn(plan, v)) for v in o.mangler)
    if k is not None:
        detalj = utfort_tekst(k)
        if k.av:
            detalj += f" av {one_line(k.av)}"
        if k.merknad:
            detalj += f": {one_line(k.merknad)}"
        if k.lenke:
            detalj += f" ({one_line(k.lenke)})"
    elif o.status is Status.FORFALT:
        detalj = forfalt_tekst(o.dager_forfalt)
    elif o.ventende is not None:
        detalj = (
            f"{one_line(o.ventende.innen_tekst)} etter «{one_line(o.ventende.dato_navn)}» "
            "(datoen er ikke kjent ennå)"
        )
    if o.delt and 0 < o.antall_utfort:
        delvis = f"{andel} utført, mangler: {mangler}" if mangler else f"alle {len(o.enheter)} har kvittert"
        detalj = f"{detalj} · {delvis}" if detalj else delvis
    return Linje(
        dato=dato, hva=hva, type=type_, ansvar=one_line(ansvar), status=status_navn(o), detalj=detalj,
        id=id_, nokkel=nokkel, av=one_line(k.av or "") if k else "", merknad=one_line(k.merknad or "") if k else "",
        lenke=one_line(k.lenke or "") if k else "", utfort=format_dato(k.utfort) if k and k.utfort else "",
        antatt=one_line(antatt), ansvar_antatt=one_line(ansvar_antatt), lagt_til=one_line(lagt_til),
        deltakere_antatt=one_line(deltakere_antatt), etter_planperioden=etter, andel=andel, mangler=mangler,
    )  # fmt: skip


# --- status --------------------------------------------------------------------------


def tittel(fra: date, til: date, hvem: str) -> str:
    return f"Status {format_dato(fra)}–{format_dato(til - timedelta(days=1))} for {hvem}"


def render_status_text(
    plan: Plan, rader: Sequence[Oppfoelging], overskrift: str, planperiode: Planperiode | None = None
) -> str:
    linjer = [linje(plan, o) for o in rader]
    out = [overskrift, "=" * len(overskrift), "", *_planperiode(planperiode)]
    if not linjer:
        out.append("Ingenting i perioden.")
    for li in linjer:
        out.append(f"{li.dato or '—':<10}  {li.status:<15}  {li.type:<10}  {li.hva}")
        under = [x for x in (li.detalj, *li.merker, f"ansvar: {li.ansvar}", f"id: {li.id}") if x]
        out.append(" " * 12 + " · ".join(under))
    return "\n".join(out) + "\n"


_MD = re.compile(r"([\\`*_\[\]<>|~&#])")


def md(tekst: str) -> str:
    return _MD.sub(r"\\\1", one_line(tekst))


def render_status_markdown(
    plan: Plan, rader: Sequence[Oppfoelging], overskrift: str, planperiode: Planperiode | None = None
) -> str:
    out = [f"## {md(overskrift)}", "", *(md(x) for x in _planperiode(planperiode))]
    out += ["| Dato | Status | Type | Hva | Detaljer | Id |", "|" + " --- |" * 6]
    for li in (linje(plan, o) for o in rader):
        out.append(
            f"| {li.dato or '—'} | {md(li.status)} | {md(li.type)} | {md(li.hva)} "
            f"| {md(_med_merker(li.detalj, li)) or ' '} | `{li.id}` |"
        )
    return "\n".join(out) + "\n"


def render_status_table(
    plan: Plan, rader: Sequence[Oppfoelging], overskrift: str, *, width: int, color: bool,
    planperiode: Planperiode | None = None,
) -> str:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    periode = "".join(f"\n{x}" for x in _planperiode(planperiode)[:1])
    table = Table(title=Text(overskrift + periode), title_justify="left", show_lines=False)
    for kolonne in ("Dato", "Status", "Type", "Hva", "Detaljer", "Id"):
        table.add_column(kolonne, overflow="fold")
    farge = {"forfalt": "bold red", "utført": "green", "utført for sent": "yellow"}
    for li in (linje(plan, o) for o in rader):
        table.add_row(
            Text(li.dato or "—"), Text(li.status, style=farge.get(li.status, "")), Text(li.type),
            Text(li.hva), Text(_med_merker(li.detalj, li)), Text(li.id),
        )  # fmt: skip
    buf = io.StringIO()
    console = Console(file=buf, width=width, color_system="standard" if color else None, no_color=not color,
                      force_terminal=color, highlight=False, markup=False, emoji=False)  # fmt: skip
    console.print(table)
    return buf.getvalue()


def obj(o: Oppfoelging) -> dict[str, Any]:
    """One row for JSON: documented in README under "Kvittering og oppfølging"."""
    f, v = o.forekomst, o.ventende
    return {
        "id": f.id if f else f"{v.tiltak_id}.{v.hendelse_id}" if v else None,
        "nokkel": f.nokkel if f else None,
        "dato": f.dato.isoformat() if f else None,
        "sluttdato": f.sluttdato.isoformat() if f and f.sluttdato else None,
        "tiltak": f.tiltak_id if f else v.tiltak_id if v else None,
        "hendelse": f.hendelse_id if f else v.hendelse_id if v else None,
        "tittel": f.tittel if f else v.tittel if v else None,
        "type": (f.type if f else v.type if v else HendelseType.FRIST).value,
        "ansvar": list(f.ansvar if f else v.ansvar if v else ()),
        "status": o.status.value,
        "dager_forfalt": o.dager_forfalt if o.status is Status.FORFALT else None,
        "for_sent": o.for_sent,
        "utfort": utfort_obj(o),
        "antatt": (f.antatt if f else v.antatt if v else None),
        "ansvar_antatt": f.ansvar_antatt if f else None,
        "deltakere_antatt": f.deltakere_antatt if f else None,
        "lagt_til": f.lagt_til if f else None,
        "etter_planperioden": f.etter_planperioden if f else False,
        # hver: each owner signs off its part (listed in enheter); felles: once for all.
        "kvittering": o.form.value if f else None,
        "enheter": [
            {"id": f.id, "virksomhet": e.virksomhet, "status": e.status.value, "for_sent": e.for_sent,
             "utfort": _kvittering_obj(e.kvittering)}
            for e in o.enheter
        ] if f else [],  # fmt: skip
        "mangler": list(o.mangler),
    }


def utfort_obj(o: Oppfoelging) -> dict[str, Any] | None:
    return _kvittering_obj(o.kvittering)


def _kvittering_obj(k: Kvittering | None) -> dict[str, Any] | None:
    if k is None:
        return None
    return {
        "dato": k.utfort.isoformat() if k.utfort else None,
        "av": k.av,
        "merknad": k.merknad,
        "lenke": k.lenke,
        "registrert": k.registrert,
        "virksomhet": k.virksomhet,  # null: signed off for every owner at once
        "kilde": k.kilde,
    }


def render_status_json(rader: Sequence[Oppfoelging]) -> str:
    return dumps([obj(o) for o in rader])


def _celle(tekst: str) -> str:
    return "'" + tekst if tekst[:1] in ("=", "+", "-", "@") else tekst


def _csv(hode: Sequence[str], rader: Sequence[Sequence[str]]) -> str:
    """CSV for Norwegian Excel: `;` between cells, CRLF lines, UTF-8 with a BOM."""
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=";", lineterminator="\r\n")
    w.writerow(hode)
    for r in rader:
        w.writerow([_celle(c) for c in r])
    return CSV_BOM + buf.getvalue()


def render_status_csv(plan: Plan, rader: Sequence[Oppfoelging]) -> str:
    hode = ("Dato", "Status", "Type", "Tiltak og hendelse", "Ansvar", "Utført", "Av", "Merknad", "Lenke",
            "Dager forfalt", "Utført av virksomheter", "Mangler", "Antatt dato", "Ansvar antatt",
            "Lagt til av oss", "Deltakere antatt", "Etter planperioden", "Id", "Nøkkel")  # fmt: skip
    data = []
    for o in rader:
        li = linje(plan, o)
        forfalt = str(o.dager_forfalt) if o.status is Status.FORFALT else ""
        data.append((li.dato, li.status, li.type, li.hva, li.ansvar, li.utfort, li.av, li.merknad, li.lenke,
                     forfalt, li.andel, li.mangler, li.antatt, li.ansvar_antatt, li.lagt_til, li.deltakere_antatt,
                     _ja(li.etter_planperioden), li.id, li.nokkel))  # fmt: skip
    return _csv(hode, data)


# --- rapport (the fellesevaluering) ----------------------------------------------------


@dataclass(frozen=True)
class Tall:
    """Totals for one type (evalueringer or frister) in the report."""

    antall: int = 0
    i_tide: int = 0
    for_sent: int = 0
    forfalt: int = 0
    kommende: int = 0
    venter: int = 0
    forfalt_antatt: int = 0  # of forfalt: on a date we chose (or a duty we added), not the plan's

    @property
    def utfort(self) -> int:
        return self.i_tide + self.for_sent

    def tekst(self, flertall: str) -> str:
        """"2 av 5 evalueringer utført (1 i tide, 1 for sent), 2 forfalt, 1 kommende"."""
        t = f"{self.utfort} av {self.antall} {flertall} utført ({self.i_tide} i tide, {self.for_sent} for sent)"
        t += f", {self.forfalt} forfalt (mangler)"
        if self.forfalt_antatt:
            egne = self.forfalt - self.forfalt_antatt
            t += f" – {egne} på planens datoer, {self.forfalt_antatt} på datoer vi har antatt"
        if self.kommende:
            t += f", {self.kommende} kommende"
        if self.venter:
            t += f", {self.venter} venter på dato"
        return t


def tall(rader: Sequence[Oppfoelging], type_: HendelseType) -> Tall:
    def er(o: Oppfoelging) -> bool:
        item = o.forekomst or o.ventende
        return item is not None and item.type is type_

    mine = [o for o in rader if er(o)]
    return Tall(
        antall=len(mine),
        i_tide=sum(o.status is Status.UTFOERT and not o.for_sent for o in mine),
        for_sent=sum(o.status is Status.UTFOERT and o.for_sent for o in mine),
        forfalt=sum(o.status is Status.FORFALT for o in mine),
        forfalt_antatt=sum(o.status is Status.FORFALT and o.forekomst is not None
                           and (o.forekomst.antatt is not None or o.forekomst.lagt_til is not None)
                           for o in mine),  # fmt: skip
        kommende=sum(o.status is Status.KOMMENDE for o in mine),
        venter=sum(o.status is Status.VENTER for o in mine),
    )


def per_tiltak(plan: Plan, rader: Sequence[Oppfoelging]) -> list[tuple[str, str, list[Oppfoelging]]]:
    """(tiltak navn, kilde, its rows) in plan order; tiltak with nothing due are left out."""
    result = []
    for t in plan.tiltak:
        mine = [o for o in rader if (o.forekomst or o.ventende) and (o.forekomst or o.ventende).tiltak_id == t.id]  # type: ignore[union-attr]
        if mine:
            result.append((one_line(t.navn), one_line(t.kilde), mine))
    return result


def totaler(rader: Sequence[Oppfoelging]) -> list[str]:
    return [
        tall(rader, HendelseType.EVALUERING).tekst("evalueringer"),
        tall(rader, HendelseType.FRIST).tekst("frister"),
    ]


def render_rapport_markdown(
    plan: Plan, rader: Sequence[Oppfoelging], overskrift: str, planperiode: Planperiode | None = None
) -> str:
    out = [f"# {md(overskrift)}", "", f"*{md(plan.navn)} · {md(plan.kommune)}*", ""]
    out += [md(x) for x in _planperiode(planperiode)]
    out += ["## Sammendrag", ""]
    out += [f"- {md(t)}" for t in totaler(rader)]
    out.append("")
    for navn, kilde, mine in per_tiltak(plan, rader):
        out += [f"## {md(navn)}", "", f"*{md(kilde)}*", ""]
        out += ["| Frist | Hva | Status | Utført | Av | Merknad | Lenke |", "|" + " --- |" * 7]
        for o in mine:
            li = linje(plan, o)
            hva = md(li.hva.split(" – ", 1)[-1])
            status = md(_med_merker(_rapport_status(o, li), li))
            out.append(
                f"| {li.dato or '—'} | {hva} | {status} | {li.utfort or ' '} | {md(li.av) or ' '} "
                f"| {md(li.merknad) or ' '} | {md(li.lenke) or ' '} |"
            )
        out.append("")
    antatte = _antatte(rader)
    if antatte:
        out += [f"## {ANTATTE_OVERSKRIFT}", "", ANTATTE_FORKLARING, ""]
        out += [f"- {md(hva)}: {md(grunn)}" for hva, grunn in antatte]
    while out and out[-1] == "":
        out.pop()
    return "\n".join(out) + "\n"


_CSS = {
    "body": "font-family:Calibri,Arial,Helvetica,sans-serif;font-size:11pt;color:#1a1a1a;background:#ffffff",
    "table": "border-collapse:collapse;margin:0 0 12pt 0",
    "th": "border:1px solid #999999;padding:3pt 6pt;text-align:left;background:#eeeeee",
    "td": "border:1px solid #999999;padding:3pt 6pt;vertical-align:top",
}


def h(tekst: str) -> str:
    return html.escape(one_line(tekst), quote=True)


def _lenke_html(lenke: str) -> str:
    if lenke.startswith(("https://", "http://")):
        return f'<a href="{h(lenke)}">{h(lenke)}</a>'
    return h(lenke)


def render_rapport_html(
    plan: Plan, rader: Sequence[Oppfoelging], overskrift: str, planperiode: Planperiode | None = None
) -> str:
    """One HTML document with inline styles only: pastes into Outlook and Word as tables."""
    c = _CSS
    out = [
        "<!DOCTYPE html>", '<html lang="nb">', "<head>", '<meta charset="utf-8">',
        f"<title>{h(overskrift)}</title>", "</head>", f'<body style="{c["body"]}">',
        f"<h1>{h(overskrift)}</h1>", f"<p>{h(plan.navn)} · {h(plan.kommune)}</p>",
        *(f"<p><strong>{h(x)}</strong></p>" for x in _planperiode(planperiode) if x),
        "<h2>Sammendrag</h2>", "<ul>", *[f"<li>{h(t)}</li>" for t in totaler(rader)], "</ul>",
    ]  # fmt: skip
    hode = ("Frist", "Hva", "Status", "Utført", "Av", "Merknad", "Lenke")
    for navn, kilde, mine in per_tiltak(plan, rader):
        out += [f"<h2>{h(navn)}</h2>", f"<p><em>{h(kilde)}</em></p>", f'<table style="{c["table"]}">', "<tr>"]
        out += [f'<th scope="col" style="{c["th"]}">{x}</th>' for x in hode]
        out.append("</tr>")
        for o in mine:
            li = linje(plan, o)
            status = _med_merker(_rapport_status(o, li), li)
            celler = (h(li.dato or "—"), h(li.hva.split(" – ", 1)[-1]), h(status), h(li.utfort), h(li.av),
                      h(li.merknad), _lenke_html(li.lenke))  # fmt: skip
            out.append("<tr>" + "".join(f'<td style="{c["td"]}">{x}</td>' for x in celler) + "</tr>")
        out.append("</table>")
    antatte = _antatte(rader)
    if antatte:
        out += [f"<h2>{ANTATTE_OVERSKRIFT}</h2>", f"<p>{h(ANTATTE_FORKLARING)}</p>", "<ul>"]
        out += [f"<li>{h(hva)}: {h(grunn)}</li>" for hva, grunn in antatte]
        out.append("</ul>")
    out += ["</body>", "</html>"]
    return "\n".join(out) + "\n"


def render_rapport_csv(plan: Plan, rader: Sequence[Oppfoelging]) -> str:
    hode = ("Tiltak", "Kilde", "Frist", "Type", "Hva", "Status", "Dager forfalt", "Utført", "Av", "Merknad",
            "Lenke", "Utført av virksomheter", "Mangler", "Antatt dato", "Ansvar antatt", "Lagt til av oss",
            "Deltakere antatt", "Etter planperioden", "Id")  # fmt: skip
    data = []
    for navn, kilde, mine in per_tiltak(plan, rader):
        for o in mine:
            li = linje(plan, o)
            forfalt = str(o.dager_forfalt) if o.status is Status.FORFALT else ""
            data.append((navn, kilde, li.dato, li.type, li.hva.split(" – ", 1)[-1], li.status, forfalt, li.utfort,
                         li.av, li.merknad, li.lenke, li.andel, li.mangler, li.antatt, li.ansvar_antatt,
                         li.lagt_til, li.deltakere_antatt, _ja(li.etter_planperioden), li.id))  # fmt: skip
    return _csv(hode, data)


def render_rapport_json(
    plan: Plan, rader: Sequence[Oppfoelging], fra: date, til: date, planperiode: Planperiode | None = None
) -> str:
    ev, fr = tall(rader, HendelseType.EVALUERING), tall(rader, HendelseType.FRIST)

    def t(x: Tall) -> dict[str, int]:
        return {"antall": x.antall, "utfort": x.utfort, "i_tide": x.i_tide, "for_sent": x.for_sent,
                "forfalt": x.forfalt, "forfalt_antatt": x.forfalt_antatt, "kommende": x.kommende,
                "venter": x.venter}  # fmt: skip

    return dumps({
        "fra": fra.isoformat(),
        "til": (til - timedelta(days=1)).isoformat(),
        "planperiode": planperiode_tekst(planperiode) if planperiode is not None else None,
        "totalt": {"evalueringer": t(ev), "frister": t(fr)},
        "tiltak": [
            {"navn": navn, "kilde": kilde, "rader": [obj(o) for o in mine]}
            for navn, kilde, mine in per_tiltak(plan, rader)
        ],
    })


ANTATTE_OVERSKRIFT = "Antakelser: ikke planens ord"
ANTATTE_FORKLARING = (
    "Planen sier ikke selv dette (datoen, hvem som har ansvaret eller deltar, eller at plikten finnes); "
    "det er vår antakelse, og kommunen bør bekrefte eller rette den:"
)


def _rapport_status(o: Oppfoelging, li: Linje) -> str:
    """The report's status cell: "forfalt i 5 dager · 3 av 5 utført, mangler: …" for what is
    overdue, else the status ("utført (5 av 5)" for a duty each owner signed off)."""
    if o.status is Status.FORFALT:
        return li.detalj
    if o.status is Status.UTFOERT and li.andel:
        return f"{li.status} ({li.andel})"
    if o.delt and 0 < o.antall_utfort < len(o.enheter):
        return f"{li.status} · {li.andel} utført, mangler: {li.mangler}"
    return li.status


def _planperiode(p: Planperiode | None) -> list[str]:
    """The line under the heading when the window reaches past the plan's period."""
    return [] if p is None else [planperiode_tekst(p), ""]


def _ja(verdi: bool) -> str:
    return "ja" if verdi else ""


def _med_merker(tekst: str, li: Linje) -> str:
    """"forfalt i 68 dager (antatt dato)": the row says when its date or owner is ours."""
    if not li.merker:
        return tekst
    merker = ", ".join(li.merker)
    return f"{tekst} ({merker})" if tekst else merker


def _antatte(rader: Sequence[Oppfoelging]) -> list[tuple[str, str]]:
    """Why each assumption in the report is ours, once per hendelse: (what, reason)."""
    sett: set[tuple[str, str, str]] = set()
    ut = []
    for o in rader:
        item = o.forekomst or o.ventende
        if item is None:
            continue
        hva = f"{one_line(item.tiltak_navn)} – {one_line(item.tittel)}"
        if o.forekomst is not None:
            merker = antakelser(o.forekomst)
        else:
            merker = [(ANTATT_DATO, one_line(item.antatt))] if item.antatt else []
        for merke, grunn in merker:
            key = (item.tiltak_id, item.hendelse_id, merke)
            if key not in sett:
                sett.add(key)
                ut.append((f"{hva} ({merke})", grunn))
    return ut
