"""Which ferier the tool read, and for whom: `aarshjul ferier`, and the ferier the
calendar, the site and the wheel show beside the hendelser."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from aarshjul.engine.holidays import Ferieoversikt, Ferierad, ferierader, foelger, gjelder_for
from aarshjul.model import Plan


def ferieoversikt(plan: Plan, skoleaar: int, virksomheter: Sequence[str] = ()) -> Ferieoversikt:
    """Every ferie in the school year starting 1 August `skoleaar`, the files they came
    from and who follows them; with virksomheter, whether each of them does."""
    fra, slutt = date(skoleaar, 8, 1), date(skoleaar + 1, 8, 1)
    filer: list[str] = []
    for ferie in plan.ferier:
        if ferie.fil and ferie.fil not in filer:
            filer.append(ferie.fil)
    for p in plan.ferier_fil:
        if p.name not in filer:
            filer.append(p.name)
    return Ferieoversikt(
        plan_navn=plan.kortnavn or plan.navn,
        skoleaar=skoleaar,
        fra=fra,
        til=date(skoleaar + 1, 7, 31),
        filer=tuple(filer),
        rader=tuple(ferierader(plan, fra, slutt)),
        plan_har_ferier=bool(plan.ferier),
        gjelder=gjelder_for(plan),
        virksomheter=tuple((k, foelger(plan, k)) for k in virksomheter),
    )


def ferier_i(plan: Plan, fra: date, til: date, virksomheter: Sequence[str] = ()) -> list[Ferierad]:
    """The ferier in [fra, til) that apply to virksomheter (all of them without)."""
    return ferierader(plan, fra, til, virksomheter)
