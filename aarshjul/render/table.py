"""Tables for the terminal, drawn by rich. The only renderer that imports rich.

The caller decides `width` and `color` (cli.py looks at the terminal and NO_COLOR);
this module renders into a string and never looks at the real terminal. Every cell is
a rich Text built from plain strings, and the Console has markup, emoji and
highlighting off, so plan text like "[bold red]x[/]" or ":warning:" prints as written.

Nothing is cut: when a table's columns do not fit the width with every word whole (a
60-column terminal: date, time, type and role left «Barneverntjenesten» no room, and
rich cropped the line to «Barneverntjeneste»), the table is laid out compactly, with the
time under the date and the type and role under what, so two text columns share the
rest. Where even that does not fit, rich folds words onto the next line, and a line
still too wide is printed whole (the terminal wraps it) rather than cropped.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from datetime import date
from typing import TYPE_CHECKING

from rich import box
from rich.cells import cell_len
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
    from aarshjul.render.oversikt import Maaned, TiltakLinje, VirksomhetLinje

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
        console.print(part, crop=False)  # never cut a line silently: see the module docstring
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


def _bredder(table: Table) -> list[tuple[int, int]]:
    """Each column's (narrowest, widest) content width: the narrowest keeps every word
    (and a no_wrap cell) whole, the widest has no line wrapped."""
    ut = []
    for column in table.columns:
        tekster = [c.plain if isinstance(c, Text) else str(c) for c in (column.header, *column.cells)]
        bredest = max(cell_len(line) for t in tekster for line in t.split("\n"))
        smalest = bredest if column.no_wrap else max((cell_len(w) for t in tekster for w in t.split()), default=1)
        smalest = max(smalest, column.min_width or 0)
        ut.append((smalest, max(bredest, smalest)))
    return ut


def _passer(table: Table, width: int) -> bool:
    """Whether the table fits in width with no word broken: each column's content plus one
    space of padding, and one space between columns (_table)."""
    bredder = _bredder(table)
    return sum(lo for lo, _ in bredder) + 2 * len(bredder) - 1 <= width


def _fordel(table: Table, width: int) -> Table:
    """Fix the column widths when the table is too wide for its lines but fits with whole
    words. Each column gets its longest word; then the room left is shared fairly (each
    column's share, or less if it wants less): a short date or name stays on one line and
    the long text columns wrap. rich's own fit shrinks the widest columns evenly, and
    folded «Samordningsgrupp|a» where the title could have wrapped instead."""
    bredder = _bredder(table)
    luft = 2 * len(bredder) - 1
    if sum(hi for _, hi in bredder) + luft <= width or not _passer(table, width):
        return table
    bredde = [lo for lo, _ in bredder]
    rest = width - luft - sum(bredde)
    mangler = sorted((hi - lo, i) for i, (lo, hi) in enumerate(bredder) if hi > lo)
    while mangler:
        andel = rest // len(mangler)
        mer, i = mangler[0]
        if mer > andel:
            break
        bredde[i] += mer
        rest -= mer
        mangler.pop(0)
    for n, (mer, i) in enumerate(mangler):  # those that want more than their share split the rest
        bredde[i] += rest // len(mangler) + (1 if n < rest % len(mangler) else 0)
    for column, b in zip(table.columns, bredde, strict=True):
        column.width = b
    return table


def _tilpass(lag: Callable[[int], Table], width: int, nivaaer: int = 2) -> Table:
    """The first layout that fits with whole words (0: full, 1: compact, 2: compacter),
    else the last, its widths fixed."""
    for nivaa in range(nivaaer):
        table = lag(nivaa)
        if _passer(table, width):
            return _fordel(table, width)
    return _fordel(lag(nivaaer), width)


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


def _detalj_kolonner(med_tid: bool, filtrert: bool, kompakt: int = 0) -> list[tuple[str, dict[str, object]]]:
    """The columns after the date, shared by `next` and `calendar`. Compact: the time is
    in the date's cell, the type and role in what's (_kompakt_hva); compacter: the
    owners too."""
    if kompakt == 2:
        return [("Hva", {"overflow": "fold"})]
    if kompakt:
        return [("Hva", {"overflow": "fold"}), ("Ansvar", {"overflow": "fold"})]
    columns: list[tuple[str, dict[str, object]]] = [("Tid", {"no_wrap": True})] if med_tid else []
    columns += [
        ("Type", {"no_wrap": True}),
        ("Hva", {"overflow": "fold"}),
        ("Ansvar", {"overflow": "fold"}),
    ]
    if filtrert:
        columns.append(("Rolle", {"no_wrap": True}))
    return columns


def _kompakt_hva(hva: Text, type_: str, rolle: str | None, ansvar: str | None = None) -> Text:
    """What, with its type (and the role, or the owners) on the line under the title,
    before the notes."""
    tittel, _, merknader = hva.plain.partition("\n")
    text = hva[: len(tittel)]
    text.append("\n" + type_ + (f", {rolle}" if rolle else "") + (f", ansvar: {ansvar}" if ansvar else ""),
                style=_DEMPET)  # fmt: skip
    if merknader:
        text.append("\n")
        text.append_text(hva[len(tittel) + 1 :])
    return text


def _forekomst_table(plan: Plan, rader: Sequence[Rad], filtrert: bool, med_uke: bool, width: int) -> Table:
    return _tilpass(lambda kompakt: _forekomst_layout(plan, rader, filtrert, med_uke, kompakt), width)


def _forekomst_layout(plan: Plan, rader: Sequence[Rad], filtrert: bool, med_uke: bool, kompakt: int) -> Table:
    """Full: Uke, Dato, Tid, Type, Hva, Ansvar, Rolle. Compact: Dato (the time under it),
    Hva (type and role under it) and Ansvar, each week a row of its own."""
    columns: list[tuple[str, dict[str, object]]] = []
    if med_uke and not kompakt:
        columns.append(("Uke", {"no_wrap": True, "style": _UKE, "justify": "right"}))
    med_tid = any(rad.forekomst.tid for rad in rader)
    columns.append(("Dato", {"no_wrap": True}))
    columns += _detalj_kolonner(med_tid, filtrert, kompakt)
    table = _table(columns)
    grupper = views.per_uke(rader) if med_uke else [("", list(rader))]
    for gi, (overskrift, uke) in enumerate(grupper):
        if med_uke and kompakt:
            table.add_row(_t(" ".join(overskrift.split(" ")[:2]), _UKE), *[_t("")] * (len(columns) - 1))
        for i, rad in enumerate(uke):
            linje = views.linje(plan, rad)
            cells: list[Text] = []
            if med_uke and not kompakt:
                cells.append(_t(overskrift.split(" ")[1] if i == 0 else ""))
            if kompakt:
                dato = _dato(linje)
                if linje.tid:
                    dato.append("\n" + linje.tid)
                ansvar = linje.ansvar if kompakt == 2 else None
                hva = _kompakt_hva(_hva(linje, rad), linje.type, linje.rolle if filtrert else None, ansvar)
                cells += [dato, hva] if ansvar is not None else [dato, hva, _t(linje.ansvar)]
            else:
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
        parts.append(_forekomst_table(plan, forfalte, filtrert, False, width))
        parts.append(Text(""))
    if i_vinduet:
        parts.append(_forekomst_table(plan, i_vinduet, filtrert, True, width))
    else:
        hvem_kort = f" for {hvem}" if filtrert else ""
        parts += [Text(""), _t(f"Ingenting i perioden {views.periode(fra, til)}{hvem_kort}.")]
    if tidlige:
        parts += [Text(""), _t(views.FRISTER_OVERSKRIFT, _TITTEL)]
        parts.append(_forekomst_table(plan, tidlige, filtrert, False, width))
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
    # A month's ferier as (Dag, Hva) cells, shown first in the month (the calendar's
    # other formats put them under the month's heading).
    ferie_celler = [
        [tabell_celler(plan, ferie, med_gjelder=not virksomheter) for ferie in rader_i_maaned]
        for rader_i_maaned in per_maaned(ferier, start)
    ]
    table = _tilpass(lambda kompakt: _kalender_layout(maaneder, filtrert, kompakt, ferie_celler), width)
    parts: list[RenderableType] = [_t(f"{tittel} for {views.for_hvem(plan, virksomheter)}", _TITTEL)]
    parts += [*_planperiode(planperiode), table]
    parts += _fotnote(views.antatte([r.forekomst for r in rader]))
    parts += _andre(views.andre_antatte([r.forekomst for r in rader]))
    parts += _ventende(plan, ventende)
    return _render(parts, width, color)


def _kalender_layout(
    maaneder: Sequence[Maaned], filtrert: bool, kompakt: int, ferie_celler: Sequence[Sequence[tuple[str, str]]] = ()
) -> Table:
    """Full: Måned, Dag, Tid, Type, Hva, Ansvar, Rolle. Compact: Dag (the time under it),
    Hva (type and role under it) and Ansvar, each month a row of its own. A month's
    ferier (Dag and Hva cells, dimmed) come first in it, with the type «Ferie»."""
    alle = [k for m in maaneder for k in m.linjer]
    med_tid = any(k.tid for k in alle)
    columns: list[tuple[str, dict[str, object]]] = [] if kompakt else [("Måned", {"no_wrap": True, "style": _UKE})]
    # Compact: the month headings are in this column, each on one line.
    dag_kolonne: dict[str, object] = {"overflow": "fold"}
    if kompakt:
        dag_kolonne["min_width"] = max(cell_len(m.overskrift) for m in maaneder)
    columns.append(("Dag", dag_kolonne))
    columns += _detalj_kolonner(med_tid, filtrert, kompakt)
    table = _table(columns)
    for mi, maaned in enumerate(maaneder):
        linjer = maaned.linjer or (None,)
        ferier = ferie_celler[mi] if mi < len(ferie_celler) else ()
        if kompakt and not maaned.linjer and not ferier:  # an empty month is one line: «August 2026  –»
            table.add_row(_t(maaned.overskrift, _UKE), _t("–", _DEMPET), *[_t("")] * (len(columns) - 2),
                          end_section=mi < len(maaneder) - 1)  # fmt: skip
            continue
        if kompakt:
            table.add_row(_t(maaned.overskrift, _UKE), *[_t("")] * (len(columns) - 1))
        for fi, (ferie_dag, ferie_hva) in enumerate(ferier):
            cells = [_t("")] * len(columns)
            if kompakt:
                cells[0], cells[1] = _t(ferie_dag, _DEMPET), _t(f"Ferie: {ferie_hva}", _DEMPET)
            else:
                i_type = 2 + med_tid  # Måned, Dag, [Tid], Type, Hva
                cells[0] = _t(maaned.overskrift if fi == 0 else "")
                cells[1], cells[i_type], cells[i_type + 1] = (
                    _t(ferie_dag, _DEMPET), _t("Ferie", _DEMPET), _t(ferie_hva, _DEMPET))  # fmt: skip
            table.add_row(*cells)
        for i, k in enumerate(linjer):
            cells = [] if kompakt else [_t(maaned.overskrift if i == 0 and not ferier else "")]
            if k is None:
                cells += [_t("–", _DEMPET)] + [_t("")] * (len(columns) - len(cells) - 1)
            else:
                dag = Text(k.dager)
                if k.antatt:
                    dag.append(views.ANTATT_MERKE, style=_ANTATT)
                if kompakt and k.tid:
                    dag.append("\n" + k.tid)
                cells.append(dag)
                if med_tid and not kompakt:
                    cells.append(_t(k.tid))
                hva = Text(k.hva)
                if k.merknader:
                    hva.append("\n" + "; ".join(k.merknader), style=_DEMPET)
                if kompakt == 2:
                    cells.append(_kompakt_hva(hva, k.type, k.rolle if filtrert else None, k.ansvar))
                elif kompakt:
                    cells += [_kompakt_hva(hva, k.type, k.rolle if filtrert else None), _t(k.ansvar)]
                else:
                    cells += [_t(k.type), hva, _t(k.ansvar)]
                    if filtrert:
                        cells.append(_t(k.rolle))
            table.add_row(*cells, end_section=i == len(linjer) - 1 and mi < len(maaneder) - 1)
    return table


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
    linjer = [oversikt.tiltak_linje(plan, status) for status in statuser]
    table = _tilpass(lambda kompakt: _tiltak_layout(linjer, filtrert, kompakt), width, nivaaer=1)
    return _render([*parts, table], width, color)


def _tiltak_layout(linjer: Sequence[TiltakLinje], filtrert: bool, kompakt: int) -> Table:
    """Compact: Tiltak (its kilde, sone, role and ansvar under its name) and Neste."""
    columns: list[tuple[str, dict[str, object]]] = [("Tiltak", {"overflow": "fold"})]
    if not kompakt:
        columns += [("Kilde", {"overflow": "fold"}), ("Sone", {"no_wrap": True}), ("Ansvar", {"overflow": "fold"})]
        if filtrert:
            columns.append(("Rolle", {"no_wrap": True}))
    columns.append(("Neste", {"overflow": "fold"}))
    table = _table(columns)
    for t in linjer:
        navn = Text(t.navn)
        navn.append(f" ({t.id})", style=_DEMPET)
        ansvar = t.ansvar + (f"; deltakere: {t.deltakere}" if t.deltakere else "")
        cells: list[Text] = [navn]
        if kompakt:
            sone = f"sone {t.sone}" if t.sone else ""
            navn.append("\n" + ", ".join(d for d in (t.kilde, sone, t.rolle if filtrert else "") if d), style=_DEMPET)
            navn.append(f"\nansvar: {ansvar}", style=_DEMPET)
        else:
            cells += [_t(t.kilde), _t(t.sone), _t(ansvar)]
            if filtrert:
                cells.append(_t(t.rolle))
        cells.append(_t("\n".join([*t.neste, *(f"Uten dato: {plikt}" for plikt in t.uten_dato)])))
        table.add_row(*cells)
    return table


def render_virksomheter(plan: Plan, *, width: int, color: bool) -> str:
    from aarshjul.render import oversikt

    linjer = oversikt.virksomhet_linjer(plan)
    return _render([_tilpass(lambda kompakt: _virksomhet_layout(linjer, kompakt), width, nivaaer=1)], width, color)


def _virksomhet_layout(linjer: Sequence[VirksomhetLinje], kompakt: int) -> Table:
    """Compact: the leader, aliases and members under the name, each on its own line."""
    med_medlemmer = any(v.medlemmer for v in linjer)
    columns: list[tuple[str, dict[str, object]]] = [("Nøkkel", {"no_wrap": True, "style": _UKE})]
    if kompakt:
        columns.append(("Virksomhet", {"overflow": "fold"}))
    else:
        columns += [("Navn", {"overflow": "fold"}), ("Leder", {"overflow": "fold"}), ("Aliaser", {"overflow": "fold"})]
        if med_medlemmer:
            columns.append(("Medlemmer", {"overflow": "fold"}))
    table = _table(columns)
    for v in linjer:
        navn = Text(v.navn)
        if v.ekstern:
            navn.append(" (ekstern)", style=_DEMPET)
        if kompakt:
            for etikett, verdi in (("leder", v.leder), ("aliaser", v.aliaser), ("medlemmer", v.medlemmer)):
                if verdi:
                    navn.append(f"\n{etikett}: {verdi}", style=_DEMPET)
            table.add_row(_t(v.noekkel), navn)
            continue
        cells = [_t(v.noekkel), navn, _t(v.leder), _t(v.aliaser)]
        if med_medlemmer:
            cells.append(_t(v.medlemmer))
        table.add_row(*cells)
    return table
