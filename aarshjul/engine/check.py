"""What `aarshjul check` says about a valid plan: a summary and warnings.

Problems that make a plan unusable are PlanErrors from plan.py. The warnings here are
things a valid plan can still get wrong: an expired plan period, a tiltak nobody
evaluates, a virksomhet nobody refers to, fewer meetings than the plan itself promises,
and hendelser waiting for a date nobody has filled in. Core code: it takes the plan
and `today`, returns data and never prints.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

from aarshjul.dates import format_dato, format_skoleaar, skoleaar_start
from aarshjul.engine.expand import expand, waiting
from aarshjul.model import EtterFerie, FoerFerie, Forekomst, HendelseType, Plan

if TYPE_CHECKING:
    from aarshjul.plan.ferier import Feriekalender


@dataclass(frozen=True)
class Summary:
    virksomheter: int
    tiltak: int
    hendelser: int
    antatte: int  # hendelser whose dates are our assumption (antatt:)
    ventende: int  # hendelser waiting for a named date without a value
    uten_dato: int = 0  # duties without a date (tiltak: uten_dato:)
    antatt_ansvar: int = 0  # hendelser and duties whose owner is our assumption
    lagt_til: int = 0  # hendelser the plan does not have: we added them (lagt_til)
    antatte_deltakere: int = 0  # hendelser whose participants are our assumption


class WarningKind(StrEnum):
    PERIODE_UTLOEPT = "periode_utloept"
    MANGLER_EVALUERING = "mangler_evaluering"
    UBRUKT_VIRKSOMHET = "ubrukt_virksomhet"
    UNDER_MINIMUM = "under_minimum"
    VENTER_PAA_DATO = "venter_paa_dato"
    PERSONOPPLYSNING = "personopplysning"
    # The ferier (engine/check.py _ferier): a school year without them, a skolerute file
    # that looks wrong, a long move, a frist in a ferie, a før_ferie without its ferie.
    SKOLEAAR_UTEN_FERIER = "skoleaar_uten_ferier"
    SKOLERUTE = "skolerute"
    LANG_FLYTTING = "lang_flytting"
    FRIST_I_FERIE = "frist_i_ferie"
    FERIE_MANGLER = "ferie_mangler"


@dataclass(frozen=True)
class PlanWarning:
    kind: WarningKind
    line: int | None  # 1-based line in the plan file, when the warning has a place
    message: str  # bokmål, a complete sentence
    fil: Path | None = None  # another file the line is in (a skolerute CSV); None: the plan


def summarize(plan: Plan) -> Summary:
    hendelser = [h for t in plan.tiltak for h in t.hendelser]
    return Summary(
        virksomheter=len(plan.virksomheter),
        tiltak=len(plan.tiltak),
        hendelser=len(hendelser),
        antatte=sum(1 for h in hendelser if h.antatt is not None),
        ventende=len(waiting(plan)),
        uten_dato=sum(len(t.uten_dato) for t in plan.tiltak),
        antatt_ansvar=sum(1 for h in hendelser if h.ansvar_antatt is not None)
        + sum(1 for t in plan.tiltak for u in t.uten_dato if u.ansvar_antatt is not None),
        lagt_til=sum(1 for h in hendelser if h.lagt_til is not None),
        antatte_deltakere=sum(1 for h in hendelser if h.deltakere_antatt is not None),
    )


def find_warnings(plan: Plan, today: date) -> list[PlanWarning]:
    """Every warning in file-line order (those without a line, about the whole plan, first),
    so a reader can work down the file."""
    warnings = [
        *_periode(plan, today),
        *_mangler_evaluering(plan),
        *_ubrukte_virksomheter(plan),
        *_under_minimum(plan, today),
        *_venter_paa_dato(plan),
        *(PlanWarning(WarningKind.PERSONOPPLYSNING, p.line, p.message) for p in plan.advarsler),
        *_ferier(plan, today),
    ]
    # The plan's own lines first, then each other file's (stable: same line keeps its order).
    return sorted(warnings, key=lambda w: (w.fil is not None, str(w.fil or ""), w.line or 0))


def _periode(plan: Plan, today: date) -> list[PlanWarning]:
    if plan.periode_til is None or plan.periode_til >= today:
        return []
    aar = f"{plan.periode_fra.year}–{plan.periode_til.year} " if plan.periode_fra else ""
    tekst = f"Planperioden {aar}er utløpt (periode_til {format_dato(plan.periode_til)})."
    if plan.viderefort is None:
        tekst += (
            " Programmet lager ingen datoer etter den. Gjelder planen til den er rullert, skriv under «plan:» "
            '«videreført: "begrunnelse"» (kommunen har bestemt det) eller «videreført_antatt: "begrunnelse"» '
            "(en antakelse); ellers rull planen og sett ny periode_til."
        )
    else:
        hvem = "videreført (antatt av oss)" if plan.viderefort_antatt else "videreført"
        tekst += f" Planen er {hvem}, og alle utdata sier det: {plan.viderefort}"
    return [PlanWarning(WarningKind.PERIODE_UTLOEPT, None, tekst)]


def _mangler_evaluering(plan: Plan) -> list[PlanWarning]:
    return [
        PlanWarning(
            WarningKind.MANGLER_EVALUERING, t.linje,
            f"Tiltaket «{t.navn}» ({t.id}) har ingen hendelse av typen evaluering.",
        )  # fmt: skip
        for t in plan.tiltak
        # A tiltak of duties without dates only has nothing to evaluate by a date.
        if t.hendelser and t.uten_evaluering is None
        and not any(h.type is HendelseType.EVALUERING for h in t.hendelser)
    ]


def _ubrukte_virksomheter(plan: Plan) -> list[PlanWarning]:
    nevnt: set[str] = set()
    for t in plan.tiltak:
        nevnt.update(t.ansvar, t.deltakere)
        for h in t.hendelser:
            nevnt.update(h.ansvar, h.deltakere)
        for u in t.uten_dato:
            nevnt.update(u.ansvar, u.deltakere)
    for v in plan.virksomheter.values():
        nevnt.update(v.medlemmer)
    return [
        PlanWarning(
            WarningKind.UBRUKT_VIRKSOMHET, v.linje,
            f"Virksomheten «{v.navn}» ({key}) er ikke nevnt i noe tiltak "
            "(verken under ansvar, deltakere eller medlemmer).",
        )  # fmt: skip
        for key, v in plan.virksomheter.items()
        if key not in nevnt
    ]


def _skoleaar_aa_sjekke(plan: Plan, today: date) -> list[int]:
    """The school years of the plan period and the current one, as start years."""
    aar = {skoleaar_start(today)}
    if plan.periode_fra is not None and plan.periode_til is not None:
        aar.update(range(skoleaar_start(plan.periode_fra), skoleaar_start(plan.periode_til) + 1))
    return sorted(aar)


def _under_minimum(plan: Plan, today: date) -> list[PlanWarning]:
    """School years (August–July) with fewer forekomster than a hendelse's minimum_per_år.

    Whole school years are counted even when the plan period ends mid-year: the rules
    themselves do not stop at periode_til. A school year the hendelse is not valid for
    in full (gyldig_fra/gyldig_til) is skipped, and so is a hendelse still waiting for
    a named date (that has its own warning).
    """
    ventende = {(v.tiltak_id, v.hendelse_id) for v in waiting(plan)}
    floors = {
        (t.id, h.id): (t, h)
        for t in plan.tiltak
        for h in t.hendelser
        if h.minimum_per_aar is not None and (t.id, h.id) not in ventende
    }
    if not floors:
        return []
    years = _skoleaar_aa_sjekke(plan, today)
    counts: Counter[tuple[str, str, int]] = Counter(
        (f.tiltak_id, f.hendelse_id, skoleaar_start(f.dato))
        for f in expand(plan, date(years[0], 8, 1), date(years[-1] + 1, 8, 1))
        if (f.tiltak_id, f.hendelse_id) in floors
    )
    result = []
    for (tid, hid), (t, h) in floors.items():
        assert h.minimum_per_aar is not None
        for aar in years:
            start, slutt = date(aar, 8, 1), date(aar + 1, 7, 31)
            if (h.gyldig_fra and h.gyldig_fra > start) or (h.gyldig_til and h.gyldig_til < slutt):
                continue
            n = counts[(tid, hid, aar)]
            if n < h.minimum_per_aar:
                ganger = "1 gang" if n == 1 else f"{n} ganger"
                result.append(PlanWarning(
                    WarningKind.UNDER_MINIMUM, h.linje,
                    f"«{h.tittel}» ({t.navn}) skjer {ganger} i skoleåret {format_skoleaar(aar)}, "
                    f"men planen sier minst {h.minimum_per_aar} ganger i året (minimum_per_år).",
                ))  # fmt: skip
    return result


def _venter_paa_dato(plan: Plan) -> list[PlanWarning]:
    linjer = {(t.id, h.id): h.linje for t in plan.tiltak for h in t.hendelser}
    return [
        PlanWarning(
            WarningKind.VENTER_PAA_DATO, linjer.get((v.tiltak_id, v.hendelse_id)),
            f"«{v.tittel}» ({v.tiltak_navn}) venter på datoen «{v.dato_navn}»; "
            f"sett datoen under «datoer: {v.dato_id}» i planen når den er kjent.",
        )  # fmt: skip
        for v in waiting(plan)
    ]


# --- ferier ------------------------------------------------------------------------


def _ferie_skoleaar(plan: Plan, today: date) -> list[int]:
    """The school years whose ferier matter now: the current one and the next, within
    the plan period (a videreført plan goes on after periode_til)."""
    aar = skoleaar_start(today)
    result = []
    for y in (aar, aar + 1):
        if plan.periode_fra is not None and date(y + 1, 7, 31) < plan.periode_fra:
            continue
        if plan.periode_til is not None and plan.viderefort is None and date(y, 8, 1) > plan.periode_til:
            continue
        result.append(y)
    return result


def _ferier(plan: Plan, today: date) -> list[PlanWarning]:
    """Warnings about the ferier, for a plan that has some (a plan that never mentions
    them gets none): the skolerute files' own (plan.ferie_advarsler), a school year in
    use without any ferie, a ferie a før_ferie/etter_ferie names missing in one, a
    meeting moved more than a week or through two ferier, and a frist or evaluering of a
    unit that follows the school calendar in a ferie."""
    if not plan.ferier:
        return []
    from aarshjul.plan.ferier import Feriekalender, ferie_grunn, foelger_ferier

    result = [PlanWarning(WarningKind.SKOLERUTE, p.line, p.message, p.path) for p in plan.ferie_advarsler]
    kalender = Feriekalender(plan.ferier)
    years = _ferie_skoleaar(plan, today)
    if not years:
        return result
    navn_per_aar: dict[int, set[str]] = {}
    for y in years:
        perioder = [p for p in kalender.perioder(date(y, 8, 1), date(y + 1, 7, 31))
                    if date(y, 8, 1) <= p.fra <= date(y + 1, 7, 31)]  # fmt: skip
        navn_per_aar[y] = {p.navn.casefold() for p in perioder}
        if not perioder:
            result.append(PlanWarning(
                WarningKind.SKOLEAAR_UTEN_FERIER, None,
                f"Skoleåret {format_skoleaar(y)} har ingen ferier: møtene blir ikke flyttet ut av høstferien, "
                f"juleferien, vinterferien og påskeferien det året. Legg til skoleruta for {format_skoleaar(y)} "
                "i ferier_fil (eller feriene under ferier).",
            ))  # fmt: skip
    for t in plan.tiltak:
        for h in t.hendelser:
            if not isinstance(h.naar, (FoerFerie, EtterFerie)):
                continue
            for y in years:
                if h.naar.navn.casefold() not in navn_per_aar[y] and navn_per_aar[y]:
                    ferie = h.naar.navn[:1].upper() + h.naar.navn[1:]
                    result.append(PlanWarning(
                        WarningKind.FERIE_MANGLER, h.linje,
                        f"{ferie} finnes ikke i skoleåret {format_skoleaar(y)}, så «{h.tittel}» ({t.navn}) "
                        f"får ingen dato det året. Legg til skoleruta for {format_skoleaar(y)} i ferier_fil "
                        "(eller ferien under ferier).",
                    ))  # fmt: skip
    forekomster = expand(plan, date(years[0], 8, 1), date(years[-1] + 1, 8, 1))
    linjer = {(t.id, h.id): h.linje for t in plan.tiltak for h in t.hendelser}
    result += _lange_flyttinger(forekomster, kalender, linjer)
    foelger = foelger_ferier(plan)
    unngaar = {(t.id, h.id) for t in plan.tiltak for h in t.hendelser if h.unngaa_ferier}
    i_ferie: dict[tuple[str, str], list[tuple[Forekomst, str]]] = {}
    for f in forekomster:
        if not f.type.er_frist or (f.tiltak_id, f.hendelse_id) in unngaar:
            continue
        if foelger is not None and not any(v in foelger for v in (*f.ansvar, *f.deltakere)):
            continue
        navn = kalender.ferie_navn(f.dato)
        if navn is not None:
            i_ferie.setdefault((f.tiltak_id, f.hendelse_id), []).append((f, navn))
    for (tid, hid), treff in i_ferie.items():
        f = treff[0][0]
        hva = "Fristen" if f.type is HendelseType.FRIST else "Evalueringen"
        datoer = _og([f"{format_dato(g.dato)} ({ferie_grunn(navn)})" for g, navn in treff])
        result.append(PlanWarning(
            WarningKind.FRIST_I_FERIE, linjer.get((tid, hid)),
            f"{hva} «{f.tittel}» ({f.tiltak_navn}) faller i ferien {datoer} og blir stående der. "
            "Skriv «unngå_ferier: ja» for å flytte den ut av ferien, eller velg en annen dato.",
        ))  # fmt: skip
    return result


def _lange_flyttinger(
    forekomster: list[Forekomst], kalender: Feriekalender, linjer: dict[tuple[str, str], int | None]
) -> list[PlanWarning]:
    """A move out of a ferie longer than a week, or one through two ferier in a row."""
    from aarshjul.plan.ferier import ferie_grunn

    result = []
    for f in forekomster:
        if f.flyttet_fra is None:
            continue
        dager = abs((f.dato - f.flyttet_fra).days)
        steg = timedelta(days=1 if f.dato > f.flyttet_fra else -1)
        ferier: list[str] = []
        d = f.flyttet_fra
        while d != f.dato:
            navn = kalender.ferie_navn(d)
            if navn is not None and ferie_grunn(navn) not in ferier:
                ferier.append(ferie_grunn(navn))
            d += steg
        if not ferier or (dager <= 7 and len(ferier) < 2):
            continue
        grunn = f"{dager} dager; {_og(ferier)}"
        result.append(PlanWarning(
            WarningKind.LANG_FLYTTING, linjer.get((f.tiltak_id, f.hendelse_id)),
            f"«{f.tittel}» ({f.tiltak_navn}) flyttes fra {format_dato(f.flyttet_fra)} til {format_dato(f.dato)} "
            f"({grunn}). Vurder en annen dato, «flytt: tidligere» eller «unngå_ferier: nei».",
        ))  # fmt: skip
    return result


def _og(deler: list[str]) -> str:
    """"a, b og c"."""
    return deler[0] if len(deler) == 1 else f"{', '.join(deler[:-1])} og {deler[-1]}"
