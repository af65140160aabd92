"""`aarshjul ics`: calendar files for Outlook, Microsoft 365 and Google (issue 4)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Annotated

import typer

from aarshjul.commands.common import (
    STDOUT_NAVN,
    State,
    VirksomhetOption,
    parse_date_option,
    resolve_virksomheter,
    state,
    write_output,
)
from aarshjul.errors import UsageError
from aarshjul.model import Plan

ICS_MAANEDER = 24  # default window: from 1 August of the current school year
ICS_ALLE = "alle"  # alle.ics: every virksomhet in one file
ICS_NAVN = "Årshjul Tidlig innsats"  # X-WR-CALNAME: "Årshjul Tidlig innsats – Barnehage"
# Device names Windows refuses as a file name, with any extension ("con.ics" too).
_WINDOWS_RESERVERT = frozenset(
    ["con", "prn", "aux", "nul"] + [f"{p}{n}" for p in ("com", "lpt") for n in range(1, 10)]
)


def ics_filnavn(key: str) -> str:
    """"barnehage.ics": a virksomhet key as a file name that is safe on every OS.

    Keys are already [a-z0-9_-] (plan.py), but the name goes to the file system, so
    anything else becomes "_", and names Windows reserves are refused, not renamed:
    a silently different name would break the subscription URLs people were given.
    """
    import re

    navn = re.sub(r"[^a-z0-9_-]", "_", key.lower())[:100]
    if not navn or navn in _WINDOWS_RESERVERT or navn == ICS_ALLE:
        hvorfor = "er reservert for alle.ics" if navn == ICS_ALLE else "er ikke et trygt filnavn"
        raise UsageError(
            f"Virksomheten «{key}» kan ikke få kalenderfilen «{navn}.ics»: navnet {hvorfor} "
            "(i Windows er f.eks. con, nul, aux, prn og com1 reservert). "
            "Gi virksomheten en annen nøkkel i planen."
        )
    return f"{navn}.ics"


def _ics_window(
    s: State, fra: str | None, til: str | None, maaneder: int | None
) -> tuple[date, date]:
    """[start, end): --fra (default 1 August of the current school year), --til or --måneder."""
    from dateutil.relativedelta import relativedelta

    from aarshjul.dates import skoleaar_start

    if til is not None and maaneder is not None:
        raise UsageError("Bruk enten --til eller --måneder, ikke begge.")
    start = parse_date_option(fra, "--fra") if fra else date(skoleaar_start(s.today), 8, 1)
    if til is not None:
        end = parse_date_option(til, "--til") + timedelta(days=1)
        if end <= start:
            raise UsageError("--til kan ikke være før --fra.")
        return start, end
    n = ICS_MAANEDER if maaneder is None else maaneder
    if not 1 <= n <= 120:
        raise UsageError("--måneder må være mellom 1 og 120.")
    return start, start + relativedelta(months=n)


def _antall_hendelser(n: int) -> str:
    return "1 hendelse" if n == 1 else f"{n} hendelser"


def ics_cmd(
    ctx: typer.Context,
    virksomhet: VirksomhetOption = None,
    alle: Annotated[
        bool,
        typer.Option(
            "--alle", help="Én fil per virksomhet (nøkkel.ics) pluss alle.ics i mappen -o MAPPE."
        ),
    ] = False,
    fra: Annotated[
        str | None,
        typer.Option(
            "--fra", metavar="DATO", help="Første dag. Standard: 1. august i inneværende skoleår."
        ),
    ] = None,
    til: Annotated[str | None, typer.Option("--til", metavar="DATO", help="Siste dag (tas med).")] = None,
    maaneder: Annotated[
        int | None,
        typer.Option(
            "--måneder", "--maaneder", metavar="N", help="Antall måneder fra --fra. Standard: 24."
        ),
    ] = None,
    ut: Annotated[
        str | None,
        typer.Option(
            "-o", "--ut", metavar="FIL|MAPPE",
            help="Filen som skrives (- = skjermen); med --alle en mappe, som opprettes om den mangler.",
        ),
    ] = None,
    stempel: Annotated[
        str | None,
        typer.Option(
            "--stempel", metavar="DATO",
            help=(
                "DTSTAMP i filen, kl. 00:00 UTC. Standard: første dag i perioden, "
                "så samme plan gir samme fil."
            ),
        ),
    ] = None,
) -> None:
    """Lag en kalenderfil (ICS) for Outlook, Microsoft 365 og Google Kalender.

    Én hendelse per forekomst. Frister og evalueringer er heldagshendelser med påminnelse.
    Standard periode: fra 1. august i inneværende skoleår og 24 måneder fram.
    Filen skrives ferdig før den erstatter en gammel fil (trygt fra cron).

    Eksempel: aarshjul ics --virksomhet barnehage -o barnehage.ics

    Eksempel: aarshjul ics --alle -o /var/www/kalender
    """
    s = state(ctx)
    if not ut:
        raise UsageError(
            "Oppgi hvor kalenderen skal skrives: -o FIL (eller -o - for skjermen, -o MAPPE med --alle)."
        )
    if alle and virksomhet:
        raise UsageError("Bruk enten --alle eller --virksomhet, ikke begge.")
    if alle and ut == "-":
        raise UsageError("--alle skriver én fil per virksomhet; -o må være en mappe, ikke -.")
    start, end = _ics_window(s, fra, til, maaneder)
    stamp_dato = parse_date_option(stempel, "--stempel") if stempel else start
    from datetime import timezone

    from aarshjul.expand import expand
    from aarshjul.render.common import virksomheter_tekst
    from aarshjul.render.ics import render_ics

    stamp = datetime.combine(stamp_dato, datetime.min.time(), tzinfo=timezone.utc)
    plan = s.plan()
    navn_alle = f"{ICS_NAVN} – alle virksomheter"

    if not alle:
        keys = resolve_virksomheter(plan, virksomhet)
        forekomster = expand(plan, start, end, keys or None)
        calname = f"{ICS_NAVN} – {virksomheter_tekst(plan, tuple(keys))}" if keys else navn_alle
        write_output(ut, render_ics(plan, forekomster, calname=calname, stamp=stamp))
        if ut not in STDOUT_NAVN:
            typer.echo(f"Skrev {_antall_hendelser(len(forekomster))} til {ut}.")
        return

    filer = ics_alle_filer(plan, start, end, stamp)
    mappe = _ics_mappe(Path(ut))
    for filnavn, data, antall in filer:
        write_output(str(mappe / filnavn), data)
        typer.echo(f"Skrev {_antall_hendelser(antall)} til {mappe / filnavn}.")


def ics_alle_filer(plan: Plan, start: date, end: date, stamp: datetime) -> list[tuple[str, bytes, int]]:
    """[(file name, bytes, number of events)] for every virksomhet, then alle.ics: the
    files of `ics --alle`, also written by `publiser` (issue 15).

    Every file is rendered before the first is written: a plan or name problem
    leaves the whole published folder as it was.
    One expansion, filtered per virksomhet (what expand(..., [key]) does), and each
    VEVENT built once for all the files it is in (`delte`): issue 7.
    """
    from aarshjul.expand import expand, rolle
    from aarshjul.render.ics import render_ics

    alle_forekomster = expand(plan, start, end)
    delte: dict[str, bytes] = {}
    filer: list[tuple[str, bytes, int]] = []
    for key, v in plan.virksomheter.items():
        filnavn = ics_filnavn(key)
        if any(filnavn == f[0] for f in filer):
            raise UsageError(
                f"To virksomheter får samme kalenderfil «{filnavn}». Gi en av dem en annen nøkkel."
            )
        forekomster = [f for f in alle_forekomster if rolle(plan, f, key)]
        data = render_ics(plan, forekomster, calname=f"{ICS_NAVN} – {v.navn}", stamp=stamp, delte=delte)
        filer.append((filnavn, data, len(forekomster)))
    navn_alle = f"{ICS_NAVN} – alle virksomheter"
    data = render_ics(plan, alle_forekomster, calname=navn_alle, stamp=stamp, delte=delte)
    filer.append((f"{ICS_ALLE}.ics", data, len(alle_forekomster)))
    return filer


def _ics_mappe(mappe: Path) -> Path:
    """The --alle folder, created (with parents) when missing."""
    from aarshjul.output import OutputError

    if mappe.exists() and not mappe.is_dir():
        raise OutputError(f"«{mappe}» er en fil, ikke en mappe. Med --alle er -o en mappe.")
    try:
        mappe.mkdir(parents=True, exist_ok=True)
    except PermissionError:
        raise OutputError(f"Mangler tilgang til å opprette mappen «{mappe}».") from None
    except OSError as e:
        raise OutputError(f"Kan ikke opprette mappen «{mappe}»: {e.strerror or e}.") from None
    return mappe
