"""The ferier as text: `aarshjul ferier` (tekst and json here, markdown in markdown.py) and the one line per
ferie the calendar and the site show in a month («Ferie: Høstferie 05.10.–09.10.2026
(uke 41)»). Rows come from engine/holidays.py; nothing here computes a date.

Ferie names and kilder are plan or CSV text: one_line makes them inert for a terminal,
markdown escapes them again, JSON keeps them whole.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date

from aarshjul.dates import format_dato, format_skoleaar
from aarshjul.engine.holidays import Ferieoversikt, Ferierad
from aarshjul.model import Plan
from aarshjul.render.common import one_line, virksomhet_navn

PLAN_FORMAT_LENKE = "docs/plan-format.md#ferier-og-ferier_fil-valgfrie"
ALLE = "alle virksomheter"


def dager_tekst(fra: date, til: date) -> str:
    """«05.10.–09.10.2026», «21.12.2026–01.01.2027», «13.11.2026»."""
    if fra == til:
        return format_dato(fra)
    if fra.year == til.year:
        return f"{fra.strftime('%d.%m.')}–{format_dato(til)}"
    return f"{format_dato(fra)}–{format_dato(til)}"


def uker_tekst(uker: Sequence[int]) -> str:
    """«uke 41», «uke 52–53», «uke 52 og 1»."""
    if len(uker) == 1:
        return f"uke {uker[0]}"
    if all(b == a + 1 for a, b in zip(uker, uker[1:], strict=False)):
        return f"uke {uker[0]}–{uker[-1]}"
    deler = [str(u) for u in uker]
    return f"uke {', '.join(deler[:-1])} og {deler[-1]}"


def skoledager_tekst(n: int) -> str:
    return "1 skoledag" if n == 1 else f"{n} skoledager"


def navn(rad: Ferierad) -> str:
    return one_line(rad.navn)


def tittel(rad: Ferierad) -> str:
    """«Høstferie 05.10.–09.10.2026»: the wheel's tooltip and legend."""
    return f"{navn(rad)} {dager_tekst(rad.fra, rad.til)}"


def gjelder_tekst(plan: Plan, gjelder: Sequence[str] | None) -> str:
    """«alle virksomheter» or «Fjellbygd skole og Fjellbygd barnehage»."""
    if gjelder is None:
        return ALLE
    if not gjelder:
        return "ingen virksomheter"
    navnene = [one_line(virksomhet_navn(plan, k)) for k in gjelder]
    return navnene[0] if len(navnene) == 1 else f"{', '.join(navnene[:-1])} og {navnene[-1]}"


def maaned_linje(plan: Plan, rad: Ferierad, *, med_gjelder: bool) -> str:
    """«Ferie: Høstferie 05.10.–09.10.2026 (uke 41)», and on a page for everyone, when
    the plan names who follows the school calendar, «…; gjelder Fjellbygd skole»."""
    tekst = f"Ferie: {tittel(rad)} ({uker_tekst(rad.uker)})"
    if med_gjelder and rad.gjelder is not None:
        tekst += f"; gjelder {gjelder_tekst(plan, rad.gjelder)}"
    return tekst


def i_maaned(ferier: Sequence[Ferierad], aar: int, mnd: int) -> list[Ferierad]:
    """The ferier with a day in month `mnd` of `aar` (a juleferie is in December and January)."""
    return [r for r in ferier if (r.fra.year, r.fra.month) <= (aar, mnd) <= (r.til.year, r.til.month)]


def per_maaned(ferier: Sequence[Ferierad], start: date, antall: int = 12) -> list[list[Ferierad]]:
    """For each of `antall` months from `start` (as render/oversikt.maaneder lays them
    out), the ferier with a day in it."""
    result = []
    aar, mnd = start.year, start.month
    for _ in range(antall):
        result.append(i_maaned(ferier, aar, mnd))
        aar, mnd = (aar + 1, 1) if mnd == 12 else (aar, mnd + 1)
    return result


def maaned_linjer(
    plan: Plan, ferier: Sequence[Ferierad], start: date, *, med_gjelder: bool, antall: int = 12
) -> list[list[str]]:
    """For each of `antall` months from `start`, the ferie lines of that month."""
    return [[maaned_linje(plan, r, med_gjelder=med_gjelder) for r in m] for m in per_maaned(ferier, start, antall)]


def tabell_celler(plan: Plan, rad: Ferierad, *, med_gjelder: bool) -> tuple[str, str]:
    """(Dag, Hva) of a ferie's row in the calendar table (its Type is «Ferie»):
    «05.10.–09.10.2026», «Høstferie (uke 41)»."""
    hva = f"{navn(rad)} ({uker_tekst(rad.uker)})"
    if med_gjelder and rad.gjelder is not None:
        hva += f"; gjelder {gjelder_tekst(plan, rad.gjelder)}"
    return dager_tekst(rad.fra, rad.til), hva


# --- aarshjul ferier -----------------------------------------------------------------


def overskrift(o: Ferieoversikt) -> str:
    return (f"Ferier i {one_line(o.plan_navn)}, skoleåret {format_skoleaar(o.skoleaar)} "
            f"({format_dato(o.fra)}–{format_dato(o.til)})")  # fmt: skip


def ingen_ferier_tekst(o: Ferieoversikt) -> str:
    """What to say when the school year has no ferier; empty when it has some."""
    if o.rader:
        return ""
    if not o.plan_har_ferier:
        return (
            "Planen har ingen ferier. Møter blir ikke flyttet ut av skoleferier. "
            "Legg ferier i planen under plan: ferier eller plan: ferier_fil; "
            f"se {PLAN_FORMAT_LENKE}."
        )
    aar = format_skoleaar(o.skoleaar)
    return (f"Ingen ferier for skoleåret {aar}. Møter blir ikke flyttet ut av ferier dette året. "
            f"Legg skoleruta for {aar} i plan: ferier_fil.")  # fmt: skip


def hvem_linjer(plan: Plan, o: Ferieoversikt) -> list[str]:
    linjer = [f"Gjelder: {gjelder_tekst(plan, o.gjelder)}"
              + (" (plan: ferier_gjelder)." if o.gjelder is not None else ".")]  # fmt: skip
    for key, foelger in o.virksomheter:
        hvem = one_line(virksomhet_navn(plan, key))
        if foelger:
            linjer.append(f"{hvem} følger skoleruta: møter og aktiviteter flyttes ut av feriene.")
        else:
            linjer.append(f"{hvem} følger ikke skoleruta (plan: ferier_gjelder): møtene flyttes ikke ut av feriene.")
    return linjer


def lest_fra(o: Ferieoversikt) -> list[str]:
    """«Lest fra: plan.yaml, skolerute-2026-27.csv» and a blank line; nothing when the
    plan has no ferier (the message below says so)."""
    return ["Lest fra: " + ", ".join(one_line(f) for f in o.filer), ""] if o.filer else []


def render_tekst(plan: Plan, o: Ferieoversikt) -> str:
    """`aarshjul ferier --format tekst`."""
    hode = overskrift(o)
    lines = [hode, "=" * len(hode), "", *lest_fra(o)]
    ingen = ingen_ferier_tekst(o)
    if ingen:
        lines += [f"OBS: {ingen}", ""]
    bredde = max((len(dager_tekst(r.fra, r.til)) for r in o.rader), default=0)
    for r in o.rader:
        lines.append(f"  {dager_tekst(r.fra, r.til).ljust(bredde)}  {navn(r)}")
        lines.append(f"      {uker_tekst(r.uker)} · {skoledager_tekst(r.skoledager)} · kilde: "
                     f"{'; '.join(one_line(k) for k in r.kilder)}")  # fmt: skip
    if o.rader:
        lines.append("")
    if o.plan_har_ferier:
        lines += hvem_linjer(plan, o)
    return "\n".join(lines).rstrip("\n") + "\n"


def render_json(o: Ferieoversikt) -> str:
    """`aarshjul ferier --format json`: a list of ferier with ISO dates (docs/json.md)."""
    rader = [
        {
            "navn": r.navn,
            "fra": r.fra.isoformat(),
            "til": r.til.isoformat(),
            "uker": list(r.uker),
            "skoledager": r.skoledager,
            "kilder": list(r.kilder),
            "gjelder": list(r.gjelder) if r.gjelder is not None else None,
        }
        for r in o.rader
    ]
    return json.dumps(rader, ensure_ascii=False, sort_keys=True, indent=2) + "\n"
