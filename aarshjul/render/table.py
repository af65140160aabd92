"""Tables for the terminal, drawn by rich. The only renderer that imports rich.

The caller decides `width` and `color` (cli.py looks at the terminal and NO_COLOR);
this module renders into a string and never looks at the real terminal. Every cell is
a rich Text built from plain strings, and the Console has markup, emoji and
highlighting off, so plan text like "[bold red]x[/]" or ":warning:" prints as written.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from rich import box
from rich.console import Console, RenderableType
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from aarshjul.engine.select import Rad, TiltakStatus
from aarshjul.model import Plan, Ventende
from aarshjul.render import views

if TYPE_CHECKING:
    from aarshjul.engine.holidays import Ferierad
    from aarshjul.engine.planperiode import Planperiode

_TITTEL = "bold"
_UKE = "bold cyan"
_FRIST = "yellow"
_SNART = "bold red"  # a deadline within a week
_ANTATT = "magenta"
_DEMPET = "dim"


def _console(width: int, color: bool) -> Console:
    return Console(
        file=io.StringIO(),
        width=width,
        force_terminal=color,
        force_interactive=False,
        color_system="auto" if color else None,
        no_color=not color,
        markup=False,
        emoji=False,
        highlight=False,
        legacy_windows=False,
        soft_wrap=False,
    )


def _render(parts: Sequence[RenderableType], width: int, color: bool) -> str:
    console = _console(width, color)
    for part in parts:
        console.print(part)
    out = console.file.getvalue()  # type: ignore[attr-defined]
    return "\n".join(line.rstrip() for line in out.split("\n"))


def _t(tekst: str, style: str = "") -> Text:
    return Text(tekst, style=style)


def _table(columns: Sequence[tuple[str, dict[str, object]]]) -> Table:
    # One space of padding plus the box's one-space divider: two spaces between columns.
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, padding=(0, 1, 0, 0), header_style="bold")
    for name, kw in columns:
        table.add_column(name, **kw)  # type: ignore[arg-type]
    return table


def _hva(linje: views.Linje, rad: Rad) -> Text:
    """What, with the notes ("om 12 dager", "flyttet fra ...") on a line of their own."""
    text = Text(linje.hva)
    for i, m in enumerate(linje.merknader):
        text.append("\n" if i == 0 else "; ")
        style = _DEMPET
        if rad.forekomst.type.er_frist and i == 0:
            style = _SNART if rad.dager_igjen <= 7 else _FRIST
        text.append(m, style=style)
    return text


def _dato(linje: views.Linje) -> Text:
    text = Text(linje.dato_kort)
    if linje.antatt:
        text.append(views.ANTATT_MERKE, style=_ANTATT)
    return text


def _detalj_kolonner(med_tid: bool, filtrert: bool) -> list[tuple[str, dict[str, object]]]:
    """The columns after the date, shared by `next` and `calendar`."""
    columns: list[tuple[str, dict[str, object]]] = [("Tid", {"no_wrap": True})] if med_tid else []
    columns += [
        ("Type", {"no_wrap": True}),
        ("Hva", {"min_width": 20, "overflow": "fold"}),
        ("Ansvar", {"overflow": "fold"}),
    ]
    if filtrert:
        columns.append(("Rolle", {"no_wrap": True}))
    return columns


def _forekomst_table(plan: Plan, rader: Sequence[Rad], filtrert: bool, med_uke: bool) -> Table:
    columns: list[tuple[str, dict[str, object]]] = []
    if med_uke:
        columns.append(("Uke", {"no_wrap": True, "style": _UKE, "justify": "right"}))
    med_tid = any(rad.forekomst.tid for rad in rader)
    columns.append(("Dato", {"no_wrap": True}))
    columns += _detalj_kolonner(med_tid, filtrert)
    table = _table(columns)
    grupper = views.per_uke(rader) if med_uke else [("", list(rader))]
    for gi, (overskrift, uke) in enumerate(grupper):
        for i, rad in enumerate(uke):
            linje = views.linje(plan, rad)
            cells: list[Text] = []
            if med_uke:
                cells.append(_t(overskrift.split(" ")[1] if i == 0 else ""))
            cells.append(_dato(linje))
            if med_tid:
                cells.append(_t(linje.tid))
            cells += [_t(linje.type), _hva(linje, rad), _t(linje.ansvar)]
            if filtrert:
                cells.append(_t(linje.rolle))
            last = i == len(uke) - 1 and gi < len(grupper) - 1
            table.add_row(*cells, end_section=last)
    return table


def _fotnote(antatte: list[tuple[str, str]]) -> list[RenderableType]:
    """"* Antatt dato: ..." and one indented line (wrapped with a hanging indent) per hendelse."""
    if not antatte:
        return []
    head = Text()
    head.append(views.ANTATT_MERKE, style=_ANTATT)
    head.append(f" {views.ANTATT.capitalize()}: {views.ANTATT_FORKLARING.lower()}", style=_DEMPET)
    return [head, *(Padding(_t(f"{hva}: {grunn}", _DEMPET), (0, 0, 0, 2)) for hva, grunn in antatte)]


def _andre(punkter: list[tuple[str, str]]) -> list[RenderableType]:
    """The reasons behind the marks other than «antatt dato» (lagt til av oss, ansvar antatt …)."""
    if not punkter:
        return []
    return [_t(f"{views.ANDRE_OVERSKRIFT}: {views.ANDRE_FORKLARING.lower()}", _DEMPET),
            *(Padding(_t(f"{hva}: {grunn}", _DEMPET), (0, 0, 0, 2)) for hva, grunn in punkter)]  # fmt: skip


def _planperiode(p: Planperiode | None) -> list[RenderableType]:
    return [_t(linje, _ANTATT) if linje else Text("") for linje in views.planperiode_linjer(p)]


def _ventende(plan: Plan, ventende: Sequence[Ventende]) -> list[RenderableType]:
    if not ventende:
        return []
    table = Table.grid(padding=(0, 2))
    table.add_column("Hva")
    table.add_column("Ansvar", style=_DEMPET)
    for v in ventende:
        table.add_row(_t(views.ventende_tekst(plan, v)), _t(f"ansvar: {views.ventende_ansvar(plan, v)}"))
    return [Text(""), Text(views.VENTER_OVERSKRIFT, style=_TITTEL), table]


def render_next(
    plan: Plan,
    rader: Sequence[Rad],
    ventende: Sequence[Ventende],
    *,
    fra: date,
    til: date,
    virksomheter: Sequence[str],
    width: int,
    color: bool,
    planperiode: Planperiode | None = None,
) -> str:
    forfalte, i_vinduet, tidlige = views.next_deler(rader)
    filtrert = bool(virksomheter)
    hvem = views.for_hvem(plan, virksomheter)
    parts: list[RenderableType] = [_t(f"{views.periode(fra, til)} for {hvem}", _TITTEL)]
    parts += _planperiode(planperiode)
    if forfalte:
        parts += [Text(""), _t(views.FORFALT_OVERSKRIFT, _TITTEL)]
        parts.append(_forekomst_table(plan, forfalte, filtrert, med_uke=False))
        parts.append(Text(""))
    if i_vinduet:
        parts.append(_forekomst_table(plan, i_vinduet, filtrert, med_uke=True))
    else:
        hvem_kort = f" for {hvem}" if filtrert else ""
        parts += [Text(""), _t(f"Ingenting i perioden {views.periode(fra, til)}{hvem_kort}.")]
    if tidlige:
        parts += [Text(""), _t(views.FRISTER_OVERSKRIFT, _TITTEL)]
        parts.append(_forekomst_table(plan, tidlige, filtrert, med_uke=False))
    parts += _fotnote(views.antatte([r.forekomst for r in rader]))
    parts += _andre(views.andre_antatte([r.forekomst for r in rader]))
    parts += _ventende(plan, ventende)
    return _render(parts, width, color)


def render_calendar(
    plan: Plan,
    rader: Sequence[Rad],
    ventende: Sequence[Ventende],
    *,
    tittel: str,
    start: date,
    virksomheter: Sequence[str],
    width: int,
    color: bool,
    planperiode: Planperiode | None = None,
    ferier: Sequence[Ferierad] = (),
) -> str:
    from aarshjul.render import oversikt
    from aarshjul.render.ferier import per_maaned, tabell_celler

    filtrert = bool(virksomheter)
    maaneder = oversikt.maaneder(plan, rader, start)
    ferie_rader = per_maaned(ferier, start)
    alle = [k for m in maaneder for k in m.linjer]
    med_tid = any(k.tid for k in alle)
    columns: list[tuple[str, dict[str, object]]] = [
        ("Måned", {"no_wrap": True, "style": _UKE}),
        ("Dag", {"overflow": "fold"}),
    ]
    columns += _detalj_kolonner(med_tid, filtrert)
    table = _table(columns)
    i_hva = 3 + med_tid  # Måned, Dag, [Tid], Type, Hva: a ferie's row fills Dag, Type and Hva
    for mi, maaned in enumerate(maaneder):
        # A month's ferier first, a line each in the Hva column (the calendar's other
        # formats put them under the month's heading).
        for fi, ferie in enumerate(ferie_rader[mi]):
            ferie_dag, ferie_hva = tabell_celler(plan, ferie, med_gjelder=not virksomheter)
            cells = [_t("")] * len(columns)
            cells[0] = _t(maaned.overskrift if fi == 0 else "")
            cells[1], cells[i_hva - 1] = _t(ferie_dag, _DEMPET), _t("Ferie", _DEMPET)
            cells[i_hva] = _t(ferie_hva, _DEMPET)
            table.add_row(*cells)
        linjer = maaned.linjer or (None,)
        for i, k in enumerate(linjer):
            cells = [_t(maaned.overskrift if i == 0 and not ferie_rader[mi] else "")]
            if k is None:
                cells += [_t("–", _DEMPET)] + [_t("")] * (len(columns) - 2)
            else:
                dag = Text(k.dager)
                if k.antatt:
                    dag.append(views.ANTATT_MERKE, style=_ANTATT)
                cells.append(dag)
                if med_tid:
                    cells.append(_t(k.tid))
                hva = Text(k.hva)
                if k.merknader:
                    hva.append("\n" + "; ".join(k.merknader), style=_DEMPET)
                cells += [_t(k.type), hva, _t(k.ansvar)]
                if filtrert:
                    cells.append(_t(k.rolle))
            table.add_row(*cells, end_section=i == len(linjer) - 1 and mi < len(maaneder) - 1)
    parts: list[RenderableType] = [_t(f"{tittel} for {views.for_hvem(plan, virksomheter)}", _TITTEL)]
    parts += [*_planperiode(planperiode), table]
    parts += _fotnote(views.antatte([r.forekomst for r in rader]))
    parts += _andre(views.andre_antatte([r.forekomst for r in rader]))
    parts += _ventende(plan, ventende)
    return _render(parts, width, color)


def render_tiltak(
    plan: Plan,
    statuser: Sequence[TiltakStatus],
    *,
    virksomheter: Sequence[str],
    width: int,
    color: bool,
) -> str:
    from aarshjul.render import oversikt

    filtrert = bool(virksomheter)
    hvem = views.for_hvem(plan, virksomheter)
    parts: list[RenderableType] = [_t(f"Tiltak for {hvem} ({len(statuser)})", _TITTEL)]
    if not statuser:
        return _render([*parts, _t(f"Ingen tiltak for {hvem}.")], width, color)
    columns: list[tuple[str, dict[str, object]]] = [
        ("Tiltak", {"overflow": "fold"}),
        ("Kilde", {"overflow": "fold"}),
        ("Sone", {"no_wrap": True}),
        ("Ansvar", {"overflow": "fold"}),
    ]
    if filtrert:
        columns.append(("Rolle", {"no_wrap": True}))
    columns.append(("Neste", {"min_width": 18, "overflow": "fold"}))
    table = _table(columns)
    for status in statuser:
        t = oversikt.tiltak_linje(plan, status)
        navn = Text(t.navn)
        navn.append(f" ({t.id})", style=_DEMPET)
        ansvar = t.ansvar + (f"; deltakere: {t.deltakere}" if t.deltakere else "")
        cells: list[Text] = [navn, _t(t.kilde), _t(t.sone), _t(ansvar)]
        if filtrert:
            cells.append(_t(t.rolle))
        cells.append(_t("\n".join([*t.neste, *(f"Uten dato: {plikt}" for plikt in t.uten_dato)])))
        table.add_row(*cells)
    return _render([*parts, table], width, color)


def render_virksomheter(plan: Plan, *, width: int, color: bool) -> str:
    from aarshjul.render import oversikt

    linjer = oversikt.virksomhet_linjer(plan)
    med_medlemmer = any(v.medlemmer for v in linjer)
    columns: list[tuple[str, dict[str, object]]] = [
        ("Nøkkel", {"no_wrap": True, "style": _UKE}),
        ("Navn", {"overflow": "fold"}),
        ("Leder", {"overflow": "fold"}),
        ("Aliaser", {"overflow": "fold"}),
    ]
    if med_medlemmer:
        columns.append(("Medlemmer", {"overflow": "fold"}))
    table = _table(columns)
    for v in linjer:
        navn = Text(v.navn)
        if v.ekstern:
            navn.append(" (ekstern)", style=_DEMPET)
        cells = [_t(v.noekkel), navn, _t(v.leder), _t(v.aliaser)]
        if med_medlemmer:
            cells.append(_t(v.medlemmer))
        table.add_row(*cells)
    return _render([table], width, color)


