"""The weekly digest as text, markdown or HTML.

engine/digest.py chooses the content (`build_digest`); `render_text`, `render_markdown`
and `render_html` turn it into a str. Nothing here reads the clock or the terminal: the caller passes the
period's first day. The text version is what cron mails (no ANSI, at most 80 columns),
markdown is for chat, HTML for e-mail (inline styles only, every plan text escaped).

A deadline inside the digest's period is listed under its day and not again under
"Kommende frister"; that section holds the deadlines after the period whose varsel
begins on or before the period's last day (so a reader of one digest a week never gets
less warning than varsel), with days counted from the period's first day.
"""

from __future__ import annotations

import html
import re
import textwrap
from collections.abc import Sequence
from datetime import date, timedelta

from aarshjul.dates import MAANEDER, UKEDAGER, iso_uke
from aarshjul.engine.digest import Digest
from aarshjul.engine.select import Rad
from aarshjul.model import Rolle, Ventende
from aarshjul.render.common import (
    ANTATT_DATO,
    ROLLE_NAVN,
    TYPE_NAVN,
    andre_antakelser,
    dager_igjen_tekst,
    dato_tekst,
    flyttet_tekst,
    klokke,
    markdown_inert,
    one_line,
    paagaar_tekst,
    planperiode_tekst,
    sted_tekst,
    ventende_naar,
    virksomhet_navn,
    virksomheter_tekst,
)

FORMATER = ("tekst", "markdown", "html")
WIDTH = 80
MAA_BEKREFTES = " – må bekreftes"
ANTATT_MERKE = ANTATT_DATO + MAA_BEKREFTES


def render(digest: Digest, fmt: str) -> str:
    if fmt == "tekst":
        return render_text(digest)
    if fmt == "markdown":
        return render_markdown(digest)
    if fmt == "html":
        return render_html(digest)
    raise ValueError(f"unknown digest format {fmt!r}")


# --- wording shared by the three formats (all plain, unescaped text) ----------------


def periode_tekst(start: date, siste: date) -> str:
    """"23.–29. november 2026", "30. november–6. desember 2026",
    "28. desember 2026–3. januar 2027"."""
    if start.year != siste.year:
        return f"{_dag_maaned(start)} {start.year}–{_dag_maaned(siste)} {siste.year}"
    if start.month != siste.month:
        return f"{_dag_maaned(start)}–{_dag_maaned(siste)} {siste.year}"
    return f"{start.day}.–{_dag_maaned(siste)} {siste.year}"


def _dag_maaned(d: date) -> str:
    return f"{d.day}. {MAANEDER[d.month - 1]}"


def uke_tekst(start: date, siste: date) -> str:
    """"Uke 48" or, for several weeks, "Uke 48–49" (ISO weeks: "Uke 53–1" across New Year)."""
    first, last = iso_uke(start)[1], iso_uke(siste)[1]
    return f"Uke {first}" if start + timedelta(days=6) >= siste else f"Uke {first}–{last}"


def og_liste(navn: Sequence[str]) -> str:
    """"A", "A og B", "A, B og C"."""
    if len(navn) <= 1:
        return "".join(navn)
    return f"{', '.join(navn[:-1])} og {navn[-1]}"


def tittel(d: Digest) -> str:
    """The heading, e.g. "Uke 49 · 30. november–6. desember 2026 for Barnehage"."""
    siste = d.slutt - timedelta(days=1)
    t = f"{uke_tekst(d.start, siste)} · {periode_tekst(d.start, siste)}"
    if d.virksomheter:
        t += " for " + og_liste([one_line(virksomhet_navn(d.plan, k)) for k in d.virksomheter])
    return t


def undertittel(d: Digest) -> str:
    return f"{one_line(d.plan.navn)} · {one_line(d.plan.kommune)}"


def planperiode(d: Digest) -> str | None:
    """The line under the heading when the weeks reach past the plan's period."""
    return planperiode_tekst(d.planperiode) if d.planperiode is not None else None


def dag_tekst(d: Digest, dag: date) -> str:
    """"Tirsdag 1. desember"; with the year when the period spans New Year."""
    t = f"{UKEDAGER[dag.weekday()].capitalize()} {_dag_maaned(dag)}"
    if d.start.year != (d.slutt - timedelta(days=1)).year:
        t += f" {dag.year}"
    return t


def tom_tekst(d: Digest) -> str:
    return "Ingenting denne uken." if d.slutt - d.start <= timedelta(days=7) else "Ingenting disse ukene."


def _hva(tiltak: str, tittel_: str) -> str:
    """"SAMBA – SAMBA-møte"; just "Ressursteam" when the title repeats the tiltak's name."""
    t, h = one_line(tiltak), one_line(tittel_)
    return t if t == h else f"{t} – {h}"


def _detaljer(d: Digest, rad: Rad) -> list[str]:
    """"Møte", "ansvar: PPT, Barnevern", "rolle: deltar", "(antatt dato ...)", "flyttet fra ..."."""
    f = rad.forekomst
    deler = [TYPE_NAVN[f.type], f"ansvar: {one_line(virksomheter_tekst(d.plan, f.ansvar))}"]
    if f.sluttdato is not None and not rad.forfalt:  # a vindu: its span, or that it runs already
        deler.insert(0, paagaar_tekst(f) if rad.dager_igjen < 0 else dato_tekst(f))
    if rad.oppfoelging is not None and rad.oppfoelging.kvittering is not None:
        from aarshjul.engine.followup import utfort_tekst

        sent = " (etter fristen)" if rad.oppfoelging.for_sent else ""
        deler.insert(0, utfort_tekst(rad.oppfoelging.kvittering) + sent)
    from aarshjul.render.views import andel_tekst

    andel = andel_tekst(d.plan, rad.oppfoelging)
    if andel:
        deler.insert(0, andel)
    if f.sted:
        deler.append(sted_tekst(f.sted))
    if rad.rolle is not None:
        deler.append(f"rolle: {ROLLE_NAVN[rad.rolle]}")
    if f.antatt is not None:
        deler.append(f"({ANTATT_MERKE})")
    deler += [f"({merke}{MAA_BEKREFTES})" for merke in andre_antakelser(f)]
    flyttet = flyttet_tekst(f)
    if flyttet is not None:
        deler.append(flyttet)
    return deler


def _ventende_detaljer(d: Digest, v: Ventende, r: Rolle | None) -> list[str]:
    deler = [
        TYPE_NAVN[v.type],
        ventende_naar(v),
        f"ansvar: {one_line(virksomheter_tekst(d.plan, v.ansvar))}",
    ]
    if r is not None:
        deler.append(f"rolle: {ROLLE_NAVN[r]}")
    if v.antatt is not None:
        deler.append(f"({ANTATT_MERKE})")
    return deler


def _frist_naar(rad: Rad) -> str:
    """"31.03.2027, om 9 dager"; "31.03.2027, forfalt i 5 dager"."""
    if rad.forfalt:
        from aarshjul.engine.followup import forfalt_tekst

        f = rad.forekomst  # overdue since its last day (a vindu's end)
        return f"{dato_tekst(f)}, {forfalt_tekst(-rad.dager_igjen - (f.siste_dag - f.dato).days)}"
    return f"{dato_tekst(rad.forekomst)}, {dager_igjen_tekst(rad.dager_igjen)}"


KOMMENDE = "Kommende frister"
FORFALT = "Forfalt"
VENTER = "Venter på dato"


# --- text ----------------------------------------------------------------------------


class _Wrapper(textwrap.TextWrapper):
    """Starts a word longer than a line (a URL) on a fresh line before cutting it."""

    def _handle_long_word(
        self, reversed_chunks: list[str], cur_line: list[str], cur_len: int, width: int
    ) -> None:
        if cur_line:
            return  # the caller ends this line; the word gets a whole line next round
        super()._handle_long_word(reversed_chunks, cur_line, cur_len, width)


def _wrap(tekst: str, first: str, rest: str) -> list[str]:
    wrapper = _Wrapper(width=WIDTH, initial_indent=first, subsequent_indent=rest, break_on_hyphens=False)
    return wrapper.wrap(tekst)


def _wrap_deler(deler: list[str], indent: str) -> list[str]:
    """Join details with " · ", breaking lines between details where possible, so a
    mark like "(antatt dato – må bekreftes)" stays whole; a detail too long for a line
    of its own is wrapped by textwrap."""
    lines: list[str] = []
    current = ""
    for i, del_ in enumerate(deler):
        sep = " ·" if i < len(deler) - 1 else ""
        candidate = f"{current} {del_}{sep}" if current else f"{indent}{del_}{sep}"
        if len(candidate) <= WIDTH:
            current = candidate
            continue
        if len(indent + del_ + sep) <= WIDTH:
            if current:
                lines.append(current)
            current = indent + del_ + sep
            continue
        # Too long for a line of its own: let textwrap continue the current line.
        wrapped = _wrap(f"{current.strip()} {del_}{sep}".strip(), indent, indent)
        lines += wrapped[:-1]
        current = wrapped[-1]
    if current:
        lines.append(current)
    return lines


LENKER = "Lenker"


def render_text(d: Digest, lenker: Sequence[tuple[str, str]] = ()) -> str:
    """Plain text for a mail client: no ANSI, no line longer than 80 characters. `lenker`:
    (what, address) pairs at the end (the unit's page, the personal sign-off link);
    an address is never wrapped, so a mail client can still follow it."""
    head = _wrap(tittel(d), "", "")
    lines = [*head, "=" * max(len(h) for h in head), *_wrap(undertittel(d), "", ""), ""]
    if (periode := planperiode(d)) is not None:
        lines += [*_wrap(periode, "", ""), ""]
    if d.forfalte:
        lines += [FORFALT, "-" * len(FORFALT)]
        for rad in d.forfalte:
            f = rad.forekomst
            lines += _wrap(f"{_frist_naar(rad)}: {_hva(f.tiltak_navn, f.tittel)}", "  - ", "    ")
            lines += _wrap_deler(_detaljer(d, rad), "    ")
        lines.append("")
    if not d.dager:
        lines += [tom_tekst(d), ""]
    for dag, rader in d.dager:
        lines.append(dag_tekst(d, dag))
        for rad in rader:
            f = rad.forekomst
            tid = klokke(f.tid, f.slutt)
            lines += _wrap(f"{tid} {_hva(f.tiltak_navn, f.tittel)}".lstrip(), "  - ", "    ")
            lines += _wrap_deler(_detaljer(d, rad), "    ")
        lines.append("")
    if d.frister:
        lines += [KOMMENDE, "-" * len(KOMMENDE)]
        for rad in d.frister:
            f = rad.forekomst
            lines += _wrap(f"{_frist_naar(rad)}: {_hva(f.tiltak_navn, f.tittel)}", "  - ", "    ")
            lines += _wrap_deler(_detaljer(d, rad), "    ")
        lines.append("")
    if d.ventende:
        lines += [VENTER, "-" * len(VENTER)]
        for v, r in d.ventende:
            lines += _wrap(_hva(v.tiltak_navn, v.tittel), "  - ", "    ")
            lines += _wrap_deler(_ventende_detaljer(d, v, r), "    ")
        lines.append("")
    if lenker:
        lines += [LENKER, "-" * len(LENKER)]
        for hva, url in lenker:
            lines += [*_wrap(f"{hva}:", "  - ", "    "), f"    {url}"]
        lines.append("")
    while lines and lines[-1] == "":
        lines.pop()
    return "\n".join(lines) + "\n"


# --- markdown --------------------------------------------------------------------------

# Characters that could start emphasis, code, links, HTML, tables, strikethrough or an
# entity. Each is backslash-escaped (CommonMark §2.4), so plan text shows as written.
# Plan text never starts a line, so line-start markup (#, -, 1.) needs no escaping.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&])")


def md_escape(tekst: str) -> str:
    """Plan text safe inside a markdown line: one line, no control characters, no markup."""
    return markdown_inert(one_line(tekst), _md_escape_markup)


def _md_escape_markup(tekst: str) -> str:
    return _MD_SPECIAL.sub(r"\\\1", tekst)


def render_markdown(d: Digest) -> str:
    """Markdown for chat (Teams, Mattermost): one line per item."""
    # tittel() and undertittel() already went through one_line; md_escape is idempotent
    # on our own wording (no special characters there), so escaping the whole is safe.
    lines = [f"## {md_escape(tittel(d))}", "", f"*{md_escape(undertittel(d))}*", ""]
    if (periode := planperiode(d)) is not None:
        lines += [md_escape(periode), ""]
    if d.forfalte:
        lines += [f"### {FORFALT}", ""]
        for rad in d.forfalte:
            f = rad.forekomst
            hva = f"**{md_escape(_hva(f.tiltak_navn, f.tittel))}**"
            lines.append(f"- {_frist_naar(rad)}: {hva} · {_md_detaljer(_detaljer(d, rad))}")
        lines.append("")
    if not d.dager:
        lines += [tom_tekst(d), ""]
    for dag, rader in d.dager:
        lines += [f"### {dag_tekst(d, dag)}", ""]
        for rad in rader:
            f = rad.forekomst
            tid = klokke(f.tid, f.slutt)
            hva = f"**{md_escape(_hva(f.tiltak_navn, f.tittel))}**"
            lines.append(f"- {tid + ' ' if tid else ''}{hva} · {_md_detaljer(_detaljer(d, rad))}")
        lines.append("")
    if d.frister:
        lines += [f"### {KOMMENDE}", ""]
        for rad in d.frister:
            f = rad.forekomst
            hva = f"**{md_escape(_hva(f.tiltak_navn, f.tittel))}**"
            lines.append(f"- {_frist_naar(rad)}: {hva} · {_md_detaljer(_detaljer(d, rad))}")
        lines.append("")
    if d.ventende:
        lines += [f"### {VENTER}", ""]
        for v, r in d.ventende:
            hva = f"**{md_escape(_hva(v.tiltak_navn, v.tittel))}**"
            lines.append(f"- {hva} · {_md_detaljer(_ventende_detaljer(d, v, r))}")
        lines.append("")
    while lines and lines[-1] == "":
        lines.pop()
    return "\n".join(lines) + "\n"


def _er_merke(del_: str) -> bool:
    """A mark we wrote ("(ansvar antatt – må bekreftes)"), shown in italics. Every other
    detail starts with our own word ("Møte", "ansvar:", "flyttet fra"), never "("."""
    return del_.startswith("(") and del_.endswith(f"{MAA_BEKREFTES})")


def _md_detaljer(deler: list[str]) -> str:
    out = []
    for del_ in deler:
        if _er_merke(del_):
            out.append(f"*{del_[1:-1]}*")
        else:
            out.append(md_escape(del_))
    return " · ".join(out)


# --- HTML ------------------------------------------------------------------------------

_FONT = "font-family:Arial,Helvetica,sans-serif"
_STYLE = {
    "body": f"margin:0;padding:16px;{_FONT};font-size:15px;line-height:1.45;color:#1a1a1a;background:#ffffff",
    "h1": f"margin:0 0 4px 0;{_FONT};font-size:20px;color:#1a1a1a",
    "sub": "margin:0 0 16px 0;font-size:13px;color:#555555",
    "h2": f"margin:18px 0 6px 0;{_FONT};font-size:16px;color:#1a1a1a;border-bottom:1px solid #dddddd",
    "ul": "margin:0 0 8px 0;padding-left:20px",
    "li": "margin:0 0 6px 0",
    "tid": "font-weight:bold",
    "forfalt": "font-weight:bold;color:#b00020",
    "detalj": "color:#555555;font-size:13px",
    "antatt": "color:#8a5a00;font-style:italic",
    "tom": "margin:0 0 8px 0;color:#555555",
}


def h(tekst: str) -> str:
    """Plan text for HTML: one line, control characters shown escaped, then html.escape."""
    return html.escape(one_line(tekst), quote=True)


def render_html(d: Digest, lenker: Sequence[tuple[str, str]] = ()) -> str:
    """A complete small HTML document for e-mail: inline styles, no external resources."""
    s = _STYLE
    heading = h(tittel(d))
    out = [
        "<!DOCTYPE html>",
        '<html lang="nb">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{heading}</title>",
        "</head>",
        f'<body style="{s["body"]}">',
        f'<h1 style="{s["h1"]}">{heading}</h1>',
        f'<p style="{s["sub"]}">{h(undertittel(d))}</p>',
    ]
    if (periode := planperiode(d)) is not None:
        out.append(f'<p style="{s["sub"]}">{h(periode)}</p>')
    if d.forfalte:
        out += [f'<h2 style="{s["h2"]}">{FORFALT}</h2>', f'<ul style="{s["ul"]}">']
        for rad in d.forfalte:
            f = rad.forekomst
            out.append(
                f'<li style="{s["li"]}"><span style="{s["forfalt"]}">{_frist_naar(rad)}</span>: '
                f"<strong>{h(_hva(f.tiltak_navn, f.tittel))}</strong><br>"
                f'<span style="{s["detalj"]}">{_html_detaljer(_detaljer(d, rad))}</span></li>'
            )
        out.append("</ul>")
    if not d.dager:
        out.append(f'<p style="{s["tom"]}">{tom_tekst(d)}</p>')
    for dag, rader in d.dager:
        out += [f'<h2 style="{s["h2"]}">{dag_tekst(d, dag)}</h2>', f'<ul style="{s["ul"]}">']
        for rad in rader:
            f = rad.forekomst
            tid = klokke(f.tid, f.slutt)
            tid_html = f'<span style="{s["tid"]}">{tid}</span> ' if tid else ""
            out.append(
                f'<li style="{s["li"]}">{tid_html}<strong>{h(_hva(f.tiltak_navn, f.tittel))}</strong><br>'
                f'<span style="{s["detalj"]}">{_html_detaljer(_detaljer(d, rad))}</span></li>'
            )
        out.append("</ul>")
    if d.frister:
        out += [f'<h2 style="{s["h2"]}">{KOMMENDE}</h2>', f'<ul style="{s["ul"]}">']
        for rad in d.frister:
            f = rad.forekomst
            out.append(
                f'<li style="{s["li"]}"><span style="{s["tid"]}">{_frist_naar(rad)}</span>: '
                f"<strong>{h(_hva(f.tiltak_navn, f.tittel))}</strong><br>"
                f'<span style="{s["detalj"]}">{_html_detaljer(_detaljer(d, rad))}</span></li>'
            )
        out.append("</ul>")
    if d.ventende:
        out += [f'<h2 style="{s["h2"]}">{VENTER}</h2>', f'<ul style="{s["ul"]}">']
        for v, r in d.ventende:
            out.append(
                f'<li style="{s["li"]}"><strong>{h(_hva(v.tiltak_navn, v.tittel))}</strong><br>'
                f'<span style="{s["detalj"]}">{_html_detaljer(_ventende_detaljer(d, v, r))}</span></li>'
            )
        out.append("</ul>")
    if lenker:
        out += [f'<h2 style="{s["h2"]}">{LENKER}</h2>', f'<ul style="{s["ul"]}">']
        out += [f'<li style="{s["li"]}"><a href="{html.escape(url, quote=True)}">{h(hva)}</a></li>'
                for hva, url in lenker]  # fmt: skip
        out.append("</ul>")
    out += ["</body>", "</html>"]
    return "\n".join(out) + "\n"


def _html_detaljer(deler: list[str]) -> str:
    out = []
    for del_ in deler:
        if _er_merke(del_):
            out.append(f'<span style="{_STYLE["antatt"]}">{del_[1:-1]}</span>')
        else:
            out.append(h(del_))
    return " · ".join(out)


# --- Adaptive Card (Teams Workflows) ----------------------------------------------------

KORT_VERSJON = "1.4"  # what Teams renders in channels (Workflows' «post card in a channel»)


def render_adaptive_card(d: Digest, lenker: Sequence[tuple[str, str]] = ()) -> dict[str, object]:
    """The digest as an Adaptive Card for a Teams Workflows webhook: the same sections as
    the text, each item a TextBlock whose plan text is escaped for the card's markdown
    subset (md_escape), and the links as Action.OpenUrl buttons."""
    body: list[dict[str, object]] = [
        {"type": "TextBlock", "text": md_escape(tittel(d)), "size": "Medium", "weight": "Bolder", "wrap": True},
        {"type": "TextBlock", "text": md_escape(undertittel(d)), "isSubtle": True, "spacing": "None", "wrap": True},
    ]
    if (periode := planperiode(d)) is not None:
        body.append({"type": "TextBlock", "text": md_escape(periode), "isSubtle": True, "wrap": True})

    def seksjon(overskrift: str, punkter: list[str]) -> None:
        body.append({"type": "TextBlock", "text": overskrift, "weight": "Bolder", "spacing": "Medium", "wrap": True})
        body.extend({"type": "TextBlock", "text": p, "wrap": True, "spacing": "Small"} for p in punkter)

    def punkt(r: Rad, foran: str) -> str:
        f = r.forekomst
        return f"{foran}**{md_escape(_hva(f.tiltak_navn, f.tittel))}** · {_md_detaljer(_detaljer(d, r))}"

    if d.forfalte:
        seksjon(FORFALT, [punkt(r, f"{_frist_naar(r)}: ") for r in d.forfalte])
    if not d.dager:
        body.append({"type": "TextBlock", "text": tom_tekst(d), "wrap": True})
    for dag, rader in d.dager:
        seksjon(dag_tekst(d, dag), [punkt(r, f"{tid} " if (tid := klokke(r.forekomst.tid, r.forekomst.slutt)) else "")
                                    for r in rader])  # fmt: skip
    if d.frister:
        seksjon(KOMMENDE, [punkt(r, f"{_frist_naar(r)}: ") for r in d.frister])
    kort: dict[str, object] = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": KORT_VERSJON,
        "body": body,
    }
    if lenker:
        kort["actions"] = [{"type": "Action.OpenUrl", "title": one_line(hva), "url": url} for hva, url in lenker]
    return kort
