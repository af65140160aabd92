"""`aarshjul ics`: calendar files for Outlook, Microsoft 365 and Google (issue 4)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from aarshjul.cli.common import (
    STDOUT_NAVN,
    DbOption,
    State,
    VirksomhetOption,
    parse_date_option,
    resolve_virksomheter,
    state,
    write_output,
)
from aarshjul.errors import UsageError
from aarshjul.model import Plan

if TYPE_CHECKING:

    from aarshjul.storage.ics_manifest import Manifest

ICS_MAANEDER = 24  # default window: from 1 August of the current school year
ICS_ALLE = "alle"  # alle.ics: every virksomhet in one file
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
                "DTSTAMP i filen, kl. 00:00 UTC. Standard: første dag i perioden, men aldri "
                "etter 1. august i inneværende skoleår, så samme plan gir samme fil."
            ),
        ),
    ] = None,
    db: DbOption = None,
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
    from datetime import timezone

    from aarshjul.dates import skoleaar_start

    # DTSTAMP: deterministic (the same file all school year) and never after the run's
    # own day, even with a future --fra (issue 14).
    stamp_dato = (
        parse_date_option(stempel, "--stempel") if stempel else min(start, date(skoleaar_start(s.today), 8, 1))
    )
    stamp = datetime.combine(stamp_dato, datetime.min.time(), tzinfo=timezone.utc)
    plan = s.plan()
    from aarshjul.storage.dbpath import kvitteringer_i_bruk

    # Signed-off events say so in SUMMARY and DESCRIPTION ("Utført 25.03.2027", issue 13).
    kvitteringer = kvitteringer_i_bruk(db) or {}
    utfort = {n: k.utfort for n, k in kvitteringer.items() if k.utfort is not None} or None

    if not alle:
        from aarshjul.engine.expand import etter_baser, expand
        from aarshjul.render.common import virksomheter_tekst
        from aarshjul.render.ics import kalenderbeskrivelse, kalendernavn, render_ics

        keys = resolve_virksomheter(plan, virksomhet)
        forekomster = expand(plan, start, end, keys or None)
        hvem = virksomheter_tekst(plan, tuple(keys)) if keys else "alle virksomheter"
        data = render_ics(
            plan, forekomster, calname=kalendernavn(plan, hvem), stamp=stamp,
            kalenderbeskrivelse=kalenderbeskrivelse(plan, hvem, start, end), utfort=utfort,
            baser=etter_baser(plan, forekomster),
        )  # fmt: skip
        write_output(ut, data)
        if ut not in STDOUT_NAVN:
            _fremdrift(f"Skrev {_antall_hendelser(len(forekomster))} til {ut}.")
        return

    # The file names are checked before anything is written: a name problem leaves the
    # whole published folder as it was. Then each file is written as soon as it is made
    # (memory grows with one file, not the folder), and the manifest last.
    filnavn = ics_filnavn_alle(plan)
    from aarshjul.engine.expand import etter_baser, expand
    from aarshjul.storage.ics_manifest import MANIFEST, Manifest, dato_naa, mappe_filer

    alle_forekomster = expand(plan, start, end)
    from aarshjul.storage.output import ensure_folder, er_lik

    mappe = ensure_folder(Path(ut), "Med --alle er -o en mappe.")
    manifest = Manifest.les(mappe, dato_naa(s.today))
    if manifest.advarsel:
        typer.echo(manifest.advarsel, err=True)
    for navn, data, antall in mappe_filer(
        plan, alle_forekomster, filnavn, alle_filnavn=f"{ICS_ALLE}.ics", stamp=stamp, fra=start, til=end,
        manifest=manifest, utfort=utfort, baser=etter_baser(plan, alle_forekomster),
    ):  # fmt: skip
        # A file that already holds these bytes is left as it is: no rewrite, so its
        # modification time (a web server's Last-Modified and ETag) changes only when
        # the calendar does, and an unchanged nightly run costs no disk writes.
        if er_lik(mappe / navn, data):
            _fremdrift(f"Uendret: {mappe / navn} ({_antall_hendelser(antall)}).")
            continue
        write_output(str(mappe / navn), data)
        _fremdrift(f"Skrev {_antall_hendelser(antall)} til {mappe / navn}.")
    ny = manifest.til_json()
    if ny != manifest.lest:
        write_output(str(mappe / MANIFEST), ny)


def ics_filnavn_alle(plan: Plan) -> dict[str, str]:
    """Virksomhet key -> its file name in an `--alle` folder; two keys with one name refused."""
    filnavn: dict[str, str] = {}
    for key in plan.virksomheter:
        navn = ics_filnavn(key)
        if navn in filnavn.values():
            raise UsageError(f"To virksomheter får samme kalenderfil «{navn}». Gi en av dem en annen nøkkel.")
        filnavn[key] = navn
    return filnavn


def ics_alle_filer(
    plan: Plan, start: date, end: date, stamp: datetime, manifest: Manifest | None = None
) -> list[tuple[str, bytes, int]]:
    """[(file name, bytes, number of events)] for every virksomhet, then alle.ics: the
    files of `ics --alle`, also written by `publiser` (issue 15). With the folder's
    manifest (aarshjul/storage/ics_manifest.py) they carry the same SEQUENCE and LAST-MODIFIED
    as `ics --alle` gives; the caller writes `manifest.til_json()` after the files."""
    from aarshjul.engine.expand import etter_baser, expand
    from aarshjul.storage.ics_manifest import mappe_filer

    filnavn = ics_filnavn_alle(plan)
    forekomster = expand(plan, start, end)
    return list(mappe_filer(
        plan, forekomster, filnavn, alle_filnavn=f"{ICS_ALLE}.ics", stamp=stamp, fra=start,
        til=end, manifest=manifest, baser=etter_baser(plan, forekomster),
    ))  # fmt: skip


def _fremdrift(tekst: str) -> None:
    """Progress for a person at a terminal, on stderr: stdout may be the calendar itself,
    and cron mails whatever reaches stderr, so only errors should get there from cron."""
    import sys

    if sys.stderr is not None and sys.stderr.isatty():
        typer.echo(tekst, err=True)
