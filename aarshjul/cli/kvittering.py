"""Sign-off and follow-up (issue 13): kvitter, angre, status, rapport.

The store is aarshjul/storage/store.py (SQLite); what is done or overdue is decided by
aarshjul/engine/followup.py. This module only reads options, resolves ids and prints.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from aarshjul.cli.common import (
    DbOption,
    State,
    VirksomhetOption,
    parse_date_option,
    print_text,
    resolve_virksomheter,
    screen,
    state,
    write_output,
)
from aarshjul.errors import UsageError

if TYPE_CHECKING:
    from aarshjul.engine.followup import Oppfoelging
    from aarshjul.model import Kvittering, Plan

SkoleaarOption = Annotated[
    str | None,
    typer.Option(
        "--skoleår", "--skoleaar", metavar="ÅÅÅÅ/ÅÅ", help="Et skoleår, august–juli. Standard: inneværende skoleår."
    ),
]
FraOption = Annotated[str | None, typer.Option("--fra", metavar="DATO", help="Første dag (dd.mm.åååå).")]
TilOption = Annotated[str | None, typer.Option("--til", metavar="DATO", help="Siste dag (tas med).")]
OutputOption = Annotated[
    str, typer.Option("--output", "-o", metavar="FIL", help="Skriv til filen (atomisk) i stedet for skjermen.")
]

MAKS_TEKST = 2000
_KONTROLL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def _db(option: str | None) -> Path:
    from aarshjul.storage.dbpath import resolve_db_path

    return resolve_db_path(option)


def gjeldende(db: str | None) -> dict[str, Kvittering]:
    """The sign-offs in force; {} without a database file (sqlite3 is then never imported)."""
    from aarshjul.storage.store import db_exists

    path = _db(db)
    if not db_exists(path):
        return {}
    from aarshjul.storage.store import read_gjeldende

    return read_gjeldende(path)


def _brukertekst(verdi: str | None, option: str) -> str | None:
    """--av, --merknad, --lenke: one line of text, no fødselsnummer (privacy.py)."""
    if verdi is None:
        return None
    tekst = verdi.strip()
    if not tekst:
        return None
    if len(tekst) > MAKS_TEKST:
        raise UsageError(f"{option} er for lang ({len(tekst)} tegn); høyst {MAKS_TEKST}.")
    if _KONTROLL.search(tekst):
        raise UsageError(f"{option} inneholder kontrolltegn eller linjeskift; skriv teksten på én linje.")
    import unicodedata

    from aarshjul.plan.privacy import FNR_MELDING, scan_personal_data

    # Check the text as a reader sees it: fullwidth or other digits folded (NFKC), and
    # once more with separators between digits removed ("010190-123 45").
    normal = unicodedata.normalize("NFKC", tekst)
    sammen = re.sub(r"(?<=\d)[\s.\-–/]+(?=\d)", "", normal)
    if scan_personal_data(normal, None)[0] or scan_personal_data(sammen, None)[0]:
        raise UsageError(f"{option} {FNR_MELDING} Skriv rolle eller virksomhet, ikke personnummer.")
    return tekst


def _lenke(verdi: str | None) -> str | None:
    tekst = _brukertekst(verdi, "--lenke")
    if tekst is not None and (not tekst.startswith(("https://", "http://")) or " " in tekst):
        raise UsageError(f"--lenke må være en nettadresse som begynner med https:// (fikk «{tekst}»).")
    return tekst


def _meld_opprettet(path: Path) -> None:
    typer.echo(f"Opprettet kvitteringsdatabasen: {path}", err=True)


def kvitter_cmd(
    ctx: typer.Context,
    ider: Annotated[list[str] | None, typer.Argument(metavar="ID...", show_default=False)] = None,
    dato: Annotated[
        str | None, typer.Option("--dato", metavar="DATO", help="Dagen det ble gjort. Standard: i dag.")
    ] = None,
    av: Annotated[str | None, typer.Option("--av", metavar="TEKST", help="Hvem (rolle eller virksomhet).")] = None,
    merknad: Annotated[str | None, typer.Option("--merknad", metavar="TEKST", help="En kort merknad.")] = None,
    lenke: Annotated[
        str | None, typer.Option("--lenke", metavar="URL", help="Lenke til referat eller rapport.")
    ] = None,
    eksport: Annotated[
        str | None,
        typer.Option("--eksport", metavar="json|csv", help="Skriv alle kvitteringer (hele historikken) ut."),
    ] = None,
    importer: Annotated[
        str | None,
        typer.Option(
            "--importer", metavar="FIL", help="Les inn en eksport (json eller csv); dobbel import legger ikke til noe."
        ),
    ] = None,
    output: OutputOption = "-",
    db: DbOption = None,
) -> None:
    """Kvitter ut at en frist, evaluering eller et møte er gjort.

    ID er id-en fra «status» eller --format json (pmto.evaluering.2027-03-31), nøkkelen
    (pmto.evaluering.2027-03) eller tiltak.hendelse og skoleår når det er entydig
    («pmto.evaluering 2026/27»). Kvitteringen følger forekomsten selv om datoen flyttes
    innenfor perioden sin.

    Eksempel: aarshjul kvitter pmto.evaluering.2027-03-31 --dato 25.03.2027 --av "Virksomhetsleder PPT"
    """
    s = state(ctx)
    path = _db(db)
    if eksport is not None or importer is not None:
        if ider or dato or av or merknad or lenke:
            raise UsageError("--eksport og --importer brukes alene, uten ID, --dato, --av, --merknad og --lenke.")
        if eksport is not None and importer is not None:
            raise UsageError("Bruk enten --eksport eller --importer, ikke begge.")
        if eksport is not None:
            _eksport(path, eksport, output)
        else:
            _import(path, Path(importer or ""))
        return
    if not ider:
        raise UsageError("Skriv hvilken forekomst som er gjort, f.eks. «aarshjul kvitter pmto.evaluering 2026/27».")
    from aarshjul.engine.followup import finn_forekomst, utfort_tekst
    from aarshjul.model import KVITTERT
    from aarshjul.storage.store import ny_kvittering, write_transaction

    utfort = parse_date_option(dato, "--dato") if dato else s.today
    if utfort > s.today:
        raise UsageError(f"--dato {utfort:%d.%m.%Y} er etter i dag; kvitter når det er gjort.")
    av_, merknad_, lenke_ = _brukertekst(av, "--av"), _brukertekst(merknad, "--merknad"), _lenke(lenke)
    plan = s.plan()
    forekomster = [finn_forekomst(plan, i, s.today) for i in ider]
    nye = [
        ny_kvittering(
            f.nokkel, KVITTERT, utfort, av=av_, merknad=merknad_, lenke=lenke_, forekomst_id=f.id, forekomst_dato=f.dato
        )
        for f in forekomster
    ]
    with write_transaction(path) as store:
        if store.created:
            _meld_opprettet(path)
        store.append(nye)
    from aarshjul.render.common import one_line

    for f, k in zip(forekomster, nye):
        hva = f"{one_line(f.tiltak_navn)} – {one_line(f.tittel)} ({f.dato:%d.%m.%Y})"
        typer.echo(f"Kvittert: {hva}: {utfort_tekst(k)}.")


def angre_cmd(
    ctx: typer.Context,
    ider: Annotated[list[str], typer.Argument(metavar="ID...", show_default=False)],
    db: DbOption = None,
) -> None:
    """Trekk tilbake en kvittering. Historikken beholdes: angringen lagres også.

    Eksempel: aarshjul angre pmto.evaluering.2027-03-31
    """
    from aarshjul.engine.followup import finn_forekomst
    from aarshjul.errors import AarshjulError
    from aarshjul.model import ANGRET
    from aarshjul.storage.store import db_exists, ny_kvittering, write_transaction

    s = state(ctx)
    path = _db(db)
    if not db_exists(path):
        raise UsageError(f"Ingen kvitteringer å angre: {path} finnes ikke.")
    plan = s.plan()
    with write_transaction(path) as store:
        i_kraft = store.gjeldende()
        nye = []
        for tekst in ider:
            # A sign-off whose occurrence left the plan can still be withdrawn by its key.
            k = i_kraft.get(tekst.strip()) or next(
                (k for k in i_kraft.values() if k.forekomst_id == tekst.strip()), None
            )
            if k is None:
                try:
                    nokkel = finn_forekomst(plan, tekst, s.today).nokkel
                except AarshjulError:
                    raise
                k = i_kraft.get(nokkel)
                if k is None:
                    raise UsageError(f"«{tekst}» er ikke kvittert; ingenting å angre.")
            nye.append(
                ny_kvittering(k.nokkel, ANGRET, None, forekomst_id=k.forekomst_id, forekomst_dato=k.forekomst_dato)
            )
        store.append(nye)
    for k in nye:
        typer.echo(f"Angret kvitteringen for {k.forekomst_id or k.nokkel}.")


# --- status ------------------------------------------------------------------------------

STATUS_FORMATER = ("tabell", "tekst", "markdown", "json", "csv")
RAPPORT_FORMATER = ("markdown", "html", "csv", "json")


def _vindu(s: State, skoleaar: str | None, fra: str | None, til: str | None) -> tuple[date, date, str]:
    """[start, end) and how to name it: a school year (default: the current one) or --fra/--til."""
    from aarshjul.cli.common import parse_year_options
    from aarshjul.dates import format_dato, format_skoleaar

    if fra is not None or til is not None:
        if skoleaar is not None:
            raise UsageError("Bruk enten --skoleår eller --fra/--til, ikke begge.")
        if fra is None or til is None:
            raise UsageError("--fra og --til brukes sammen.")
        start = parse_date_option(fra, "--fra")
        end = parse_date_option(til, "--til") + timedelta(days=1)
        if end <= start:
            raise UsageError("--til kan ikke være før --fra.")
        return start, end, f"{format_dato(start)}–{format_dato(end - timedelta(days=1))}"
    aar, _ = parse_year_options(s, None, skoleaar)
    return date(aar, 8, 1), date(aar + 1, 8, 1), f"skoleåret {format_skoleaar(aar)}"


def _rader(
    plan: Plan,
    start: date,
    end: date,
    keys: Sequence[str],
    i_kraft: dict[str, Kvittering],
    today: date,
    typer_: set[str],
) -> list[Oppfoelging]:
    from aarshjul.engine.expand import expand
    from aarshjul.engine.followup import med_status, venter

    forekomster = [f for f in expand(plan, start, end, keys or None) if f.type.value in typer_]
    rader = med_status(forekomster, i_kraft, today)
    return rader + [o for o in venter(plan, keys) if o.ventende is not None and o.ventende.type.value in typer_]


def status_cmd(
    ctx: typer.Context,
    virksomhet: VirksomhetOption = None,
    skoleaar: SkoleaarOption = None,
    fra: FraOption = None,
    til: TilOption = None,
    forfalt: Annotated[
        bool,
        typer.Option(
            "--forfalt",
            help=(
                "Bare det som er forfalt (frister og evalueringer, siste 365 dager om ikke --skoleår/--fra er gitt). "
                "Skriver ingenting når ingenting er forfalt (for «mail -E» i cron)."
            ),
        ),
    ] = False,
    fmt: Annotated[
        str | None,
        typer.Option("--format", metavar="FORMAT", help="tabell (standard), tekst, markdown, json eller csv (Excel)."),
    ] = None,
    db: DbOption = None,
) -> None:
    """Vis status for frister, evalueringer og møter: utført, forfalt, kommende, venter.

    Bare frister og evalueringer kan være forfalt; et møte uten kvittering som er
    passert, står som «passert». Standard er inneværende skoleår.

    Eksempel: aarshjul status --virksomhet ppt --skoleår 2026/27
    """
    from aarshjul.engine.followup import FORFALT_DAGER, Status
    from aarshjul.render import oppfoelging as r
    from aarshjul.render.views import for_hvem

    valgt = (fmt or "tabell").strip().lower()
    if valgt not in STATUS_FORMATER:
        raise UsageError(f"Ukjent format «{fmt}». Velg et av: {', '.join(STATUS_FORMATER)}.")
    s = state(ctx)
    if forfalt and skoleaar is None and fra is None and til is None:
        start, end = s.today - timedelta(days=FORFALT_DAGER), s.today
        navn = f"siste {FORFALT_DAGER} dager"
    else:
        start, end, navn = _vindu(s, skoleaar, fra, til)
    plan = s.plan()
    keys = resolve_virksomheter(plan, virksomhet)
    rader = _rader(plan, start, end, keys, gjeldende(db), s.today, {"frist", "evaluering", "møte"})
    if forfalt:
        rader = [o for o in rader if o.status is Status.FORFALT]
        if not rader:
            return  # quiet: cron's `mail -E` / `ifne` sends nothing
    overskrift = f"{'Forfalt' if forfalt else 'Status'} {navn} for {for_hvem(plan, keys)}"
    if valgt == "json":
        print_text(r.render_status_json(rader))
    elif valgt == "csv":
        write_output("-", r.render_status_csv(plan, rader).encode("utf-8"))
    elif valgt == "markdown":
        print_text(r.render_status_markdown(plan, rader, overskrift))
    elif valgt == "tekst":
        print_text(r.render_status_text(plan, rader, overskrift))
    else:
        width, color = screen()
        print_text(r.render_status_table(plan, rader, overskrift, width=width, color=color))


def rapport_cmd(
    ctx: typer.Context,
    skoleaar: SkoleaarOption = None,
    fra: FraOption = None,
    til: TilOption = None,
    virksomhet: VirksomhetOption = None,
    fmt: Annotated[
        str,
        typer.Option(
            "--format", metavar="FORMAT", help="markdown (standard), html (e-post og Word), csv (Excel) eller json."
        ),
    ] = "markdown",
    output: OutputOption = "-",
    db: DbOption = None,
) -> None:
    """Fellesevalueringen for rådmannsledelsen: hver evaluering og frist i perioden per tiltak.

    Viser utført (når, av hvem, merknad, lenke), utført for sent, forfalt og det som
    venter, med totaler: hvor mange evalueringer som er gjort i tide, for sent og som
    mangler. CSV er for norsk Excel (semikolon, UTF-8 med BOM); HTML kan limes inn i
    e-post og Word.

    Eksempel: aarshjul rapport --skoleår 2026/27 --format html -o fellesevaluering.html
    """
    from aarshjul.render import oppfoelging as r

    valgt = fmt.strip().lower()
    if valgt not in RAPPORT_FORMATER:
        raise UsageError(f"Ukjent format «{fmt}». Velg et av: {', '.join(RAPPORT_FORMATER)}.")
    s = state(ctx)
    start, end, navn = _vindu(s, skoleaar, fra, til)
    plan = s.plan()
    keys = resolve_virksomheter(plan, virksomhet)
    rader = _rader(plan, start, end, keys, gjeldende(db), s.today, {"frist", "evaluering"})
    overskrift = f"Fellesevaluering {navn}"
    if valgt == "json":
        tekst = r.render_rapport_json(plan, rader, start, end)
    elif valgt == "csv":
        tekst = r.render_rapport_csv(plan, rader)
    elif valgt == "html":
        tekst = r.render_rapport_html(plan, rader, overskrift)
    else:
        tekst = r.render_rapport_markdown(plan, rader, overskrift)
    write_output(output, tekst.encode("utf-8"))


# --- export and import ---------------------------------------------------------------

EKSPORT_FELT = (
    "uid", "nokkel", "handling", "utfort", "av", "merknad", "lenke", "forekomst_id", "forekomst_dato", "registrert",
)  # fmt: skip


def _til_dict(k: Kvittering) -> dict[str, Any]:
    return {
        "uid": k.uid, "nokkel": k.nokkel, "handling": k.handling,
        "utfort": k.utfort.isoformat() if k.utfort else None, "av": k.av, "merknad": k.merknad, "lenke": k.lenke,
        "forekomst_id": k.forekomst_id, "forekomst_dato": k.forekomst_dato.isoformat() if k.forekomst_dato else None,
        "registrert": k.registrert,
    }  # fmt: skip


def _eksport(path: Path, fmt: str, output: str) -> None:
    from aarshjul.storage.store import read_events

    valgt = fmt.strip().lower()
    if valgt not in ("json", "csv"):
        raise UsageError(f"Ukjent eksportformat «{fmt}». Velg json eller csv.")
    rader = [_til_dict(k) for k in read_events(path)]
    if valgt == "json":
        from aarshjul.render.json import dumps

        data = dumps(rader)
    else:
        import csv
        import io

        buf = io.StringIO()
        w = csv.DictWriter(buf, fieldnames=EKSPORT_FELT, delimiter=";", lineterminator="\r\n")
        w.writeheader()
        for rad in rader:
            w.writerow({k: "" if v is None else v for k, v in rad.items()})
        data = "\ufeff" + buf.getvalue()
    write_output(output, data.encode("utf-8"))


def _import(path: Path, fil: Path) -> None:
    from aarshjul.storage.store import write_transaction

    nye = les_eksport(fil)
    with write_transaction(path) as store:
        if store.created:
            _meld_opprettet(path)
        lagt_til = store.append(nye)
    typer.echo(f"Importerte {lagt_til} av {len(nye)} kvitteringer fra {fil} ({len(nye) - lagt_til} fantes fra før).")


_UID = re.compile(r"^[0-9a-f]{32}$")
_STEMPEL = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$")


def les_eksport(fil: Path) -> list[Kvittering]:
    """Parse an export (JSON or CSV, told apart by content); UsageError with file:line."""
    try:
        raw = fil.read_bytes()
    except OSError as e:
        raise UsageError(f"{fil}: kan ikke lese filen ({e.strerror}).") from None
    try:
        tekst = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UsageError(f"{fil}: er ikke UTF-8; bruk en fil laget av «aarshjul kvitter --eksport».") from None
    rader: list[tuple[int, dict[str, Any]]] = []
    if tekst.lstrip().startswith("["):
        import json

        try:
            data = json.loads(tekst)
        except json.JSONDecodeError as e:
            raise UsageError(f"{fil}:{e.lineno}: ugyldig JSON ({e.msg}).") from None
        if not isinstance(data, list) or not all(isinstance(x, dict) for x in data):
            raise UsageError(f"{fil}: JSON-eksporten skal være en liste med objekter.")
        linjer = [i + 1 for i, line in enumerate(tekst.splitlines()) if line.strip() == "{"]
        rader = [(linjer[i] if i < len(linjer) else 0, x) for i, x in enumerate(data)]
    else:
        import csv

        reader = csv.DictReader(tekst.splitlines(), delimiter=";")
        mangler = set(EKSPORT_FELT) - set(reader.fieldnames or ())
        if mangler:
            raise UsageError(f"{fil}:1: CSV-filen mangler kolonnene {', '.join(sorted(mangler))}.")
        rader = [(reader.line_num, dict(rad)) for rad in reader]
    return [_kvittering(fil, linje, rad) for linje, rad in rader]


def _kvittering(fil: Path, linje: int, rad: dict[str, Any]) -> Kvittering:
    from aarshjul.model import ANGRET, KVITTERT, Kvittering

    hvor = f"{fil}:{linje}" if linje else str(fil)

    def felt(navn: str) -> str | None:
        v = rad.get(navn)
        if v is None or v == "":
            return None
        if not isinstance(v, str):
            raise UsageError(f"{hvor}: «{navn}» skal være tekst.")
        return v

    def dato(navn: str) -> date | None:
        v = felt(navn)
        if v is None:
            return None
        try:
            return date.fromisoformat(v)
        except ValueError:
            raise UsageError(f"{hvor}: «{navn}» er ikke en dato (åååå-mm-dd): «{v}».") from None

    uid, nokkel, handling, registrert = felt("uid"), felt("nokkel"), felt("handling"), felt("registrert")
    if uid is None or not _UID.match(uid):
        raise UsageError(f"{hvor}: «uid» mangler eller er ugyldig.")
    if not nokkel:
        raise UsageError(f"{hvor}: «nokkel» mangler.")
    if handling not in (KVITTERT, ANGRET):
        raise UsageError(f"{hvor}: «handling» må være {KVITTERT} eller {ANGRET}.")
    if registrert is None or not _STEMPEL.match(registrert):
        raise UsageError(f"{hvor}: «registrert» mangler eller er ikke et tidsstempel (2027-03-25T09:00:00.000000Z).")
    try:
        av, merknad = _brukertekst(felt("av"), "«av»"), _brukertekst(felt("merknad"), "«merknad»")
        lenke = _brukertekst(felt("lenke"), "«lenke»")
    except UsageError as e:
        raise UsageError(f"{hvor}: {e.message}") from None
    return Kvittering(
        nokkel=nokkel, handling=handling, utfort=dato("utfort"), av=av, merknad=merknad, lenke=lenke,
        forekomst_id=felt("forekomst_id"), forekomst_dato=dato("forekomst_dato"), registrert=registrert, uid=uid,
    )  # fmt: skip
