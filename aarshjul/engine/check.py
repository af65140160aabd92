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
from datetime import date
from enum import StrEnum

from aarshjul.dates import format_dato, format_skoleaar, skoleaar_start
from aarshjul.engine.expand import expand, waiting
from aarshjul.model import HendelseType, Plan


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


@dataclass(frozen=True)
class PlanWarning:
    kind: WarningKind
    line: int | None  # 1-based line in the plan file, when the warning has a place
    message: str  # bokmål, a complete sentence


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
    ]
    return sorted(warnings, key=lambda w: w.line or 0)  # stable: same line keeps its order


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
