"""`aarshjul send`: each leader's week by e-mail, once.

For each virksomhet with recipients in aarshjul.toml ([mottakere]), the week's digest,
made by the same code as `aarshjul digest` (engine/digest.py, render/digest.py), as one
message per recipient: multipart/alternative with a plain-text and an HTML part, UTF-8,
a subject that says what is in it, Date, a Message-ID on the sender's domain and
`Auto-Submitted: auto-generated` (RFC 3834: out-of-office replies do not answer it).
When the site's address is configured the message links to the unit's page, and when
the server is set up (its key file exists) to the recipient unit's personal sign-off link.

**Nothing twice, nothing lost.** Every delivered message is recorded in the sign-off
database (storage/store.py, table utsending: virksomhet, ISO week, channel, recipient,
Message-ID, time) right after the server accepted it; a second run the same week skips
what is recorded (unless `paa_nytt`). A recipient whose delivery fails is not recorded,
does not stop the others, and is sent on the next run. A quiet week sends nothing.
"""

from __future__ import annotations

import smtplib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from email.message import EmailMessage
from pathlib import Path
from typing import Protocol, Self

from aarshjul.config import Oppsett
from aarshjul.errors import AarshjulError, os_feil_tekst
from aarshjul.model import Plan

KANAL_EPOST = "epost"
KANAL_TEAMS = "teams"
LENKE_DAGER = 14  # a link in a weekly mail outlives the next mail by a week


class SendError(AarshjulError):
    exit_code = 1


@dataclass(frozen=True)
class Melding:
    """One message to one recipient: an e-mail, or an Adaptive Card for a Teams channel
    (the recipient is then the channel, recorded as «teams»)."""

    virksomhet: str
    mottaker: str
    epost: EmailMessage | None = None
    kort: dict[str, object] | None = None
    webhook: str | None = None

    @property
    def kanal(self) -> str:
        return KANAL_TEAMS if self.kort is not None else KANAL_EPOST

    @property
    def message_id(self) -> str | None:
        return str(self.epost["Message-ID"]) if self.epost is not None else None


@dataclass
class Resultat:
    sendt: list[Melding] = field(default_factory=list)
    hoppet_over: int = 0  # recorded as sent this week already
    stille: list[str] = field(default_factory=list)  # virksomheter with nothing this week
    feil: list[str] = field(default_factory=list)  # one line per failure, bokmål


def uke_id(mandag: date) -> str:
    """«2026-W50»: the ISO week the record is kept under."""
    aar, uke, _ = mandag.isocalendar()
    return f"{aar}-W{uke:02d}"


def emne(d: object, navn: str) -> str:
    """«Årshjul uke 50 – Barnehage: 1 forfalt, 2 frister» (what the week holds)."""
    from aarshjul.engine.digest import Digest
    from aarshjul.render.common import one_line

    assert isinstance(d, Digest)
    _, uke, _ = d.start.isocalendar()
    deler = []
    if d.forfalte:
        deler.append(f"{len(d.forfalte)} forfalt")
    frister = sum(r.forekomst.type.er_frist for _, rader in d.dager for r in rader) + len(d.frister)
    if frister:
        deler.append(f"{frister} frist" + ("" if frister == 1 else "er"))
    from aarshjul.model import HendelseType

    typer = [r.forekomst.type for _, rader in d.dager for r in rader]
    navn_ = ((HendelseType.MOTE, "møte", "møter"), (HendelseType.AKTIVITET, "aktivitet", "aktiviteter"))
    for type_, en, flere in navn_:
        n = typer.count(type_)
        if n:
            deler.append(f"{n} {en if n == 1 else flere}")
    return f"Årshjul uke {uke} – {one_line(navn)}: {', '.join(deler) or 'ingenting'}"


def lag_meldinger(
    plan: Plan, oppsett: Oppsett, mandag: date, logg: Mapping[str, object] | None, today: date,
    noekkel: bytes | None, naa: datetime | None = None,
) -> tuple[list[Melding], list[str]]:  # fmt: skip
    """The week's messages for every virksomhet with recipients, and the virksomheter
    whose week is empty (they get nothing)."""
    from email.utils import format_datetime, make_msgid

    from aarshjul.engine.digest import build_digest
    from aarshjul.render.common import virksomhet_navn
    from aarshjul.render.digest import render_adaptive_card, render_html, render_text

    fra = str(oppsett.epost.get("fra") or "")
    if oppsett.mottakere and not fra:
        raise SendError(f"{oppsett.fil}: [epost] mangler «fra» (avsenderadressen).")
    domene = fra.rsplit("@", 1)[-1]
    naa = naa or datetime.now(timezone.utc)
    meldinger: list[Melding] = []
    stille: list[str] = []
    for key in dict.fromkeys([*oppsett.mottakere, *oppsett.teams]):
        adresser = oppsett.mottakere.get(key, ())
        if key not in plan.virksomheter:
            continue
        d = build_digest(plan, mandag, 1, [key], logg)  # type: ignore[arg-type]
        if d.is_empty:
            stille.append(key)
            continue
        navn = virksomhet_navn(plan, key)
        lenker = _lenker(oppsett, key, navn, noekkel)
        if key in oppsett.teams:
            kort = render_adaptive_card(d, lenker)
            meldinger.append(Melding(key, KANAL_TEAMS, kort=kort, webhook=oppsett.teams[key]))
        if not adresser:
            continue
        tekst, html = render_text(d, lenker), render_html(d, lenker)
        tittel = emne(d, navn)
        for adresse in adresser:
            m = EmailMessage()
            m["From"] = fra
            m["To"] = adresse
            m["Subject"] = tittel
            m["Date"] = format_datetime(naa)
            m["Message-ID"] = make_msgid(idstring=f"{uke_id(mandag)}.{key}", domain=domene)
            m["Auto-Submitted"] = "auto-generated"
            m["X-Auto-Response-Suppress"] = "All"  # Exchange's own switch for the same
            m.set_content(tekst, charset="utf-8")
            m.add_alternative(html, subtype="html", charset="utf-8")
            meldinger.append(Melding(key, adresse, epost=m))
    return meldinger, stille


def _lenker(oppsett: Oppsett, key: str, navn: str, noekkel: bytes | None) -> list[tuple[str, str]]:
    from aarshjul.render.site import virksomhet_side

    lenker = []
    side = oppsett.nettsted_url or oppsett.server.url  # the static site, or serve showing it
    if side:
        lenker.append((f"Årshjulet for {navn}", f"{side}/{virksomhet_side(key)}"))
    if noekkel is not None and oppsett.serve_url:
        from aarshjul.services.lenker import lag_lenke

        lenker.append((f"Kvitter ut for {navn} (personlig lenke, virker i {LENKE_DAGER} dager)",
                       lag_lenke(noekkel, oppsett.serve_url, key, LENKE_DAGER)))  # fmt: skip
    return lenker


class Levering(Protocol):
    """Hands messages to a mail system; raises per message on failure."""

    def __enter__(self) -> Self: ...
    def __exit__(self, *exc: object) -> None: ...
    def lever(self, melding: Melding) -> None: ...


class Smtp:
    """SMTP with STARTTLS, SSL or neither, and an optional login (password from a file)."""

    def __init__(self, oppsett: Oppsett) -> None:
        e = oppsett.epost
        self.vert = str(e.get("smtp_vert") or "localhost")
        self.sikkerhet = str(e.get("sikkerhet") or "starttls")
        standard = {"ssl": 465, "starttls": 587}.get(self.sikkerhet, 25)
        self.port = int(e.get("smtp_port") or standard)
        self.bruker = e.get("bruker")
        self.passord_fil: Path | None = e.get("passord_fil")
        self.con: smtplib.SMTP | None = None

    def __enter__(self) -> Smtp:
        import ssl

        try:
            if self.sikkerhet == "ssl":
                self.con = smtplib.SMTP_SSL(self.vert, self.port, timeout=60, context=ssl.create_default_context())
            else:
                self.con = smtplib.SMTP(self.vert, self.port, timeout=60)
                if self.sikkerhet == "starttls":
                    self.con.starttls(context=ssl.create_default_context())
            if self.bruker:
                self.con.login(str(self.bruker), self._passord())
        except (OSError, smtplib.SMTPException) as e:
            self.con = None
            raise SendError(f"Kan ikke sende e-post via {self.vert}:{self.port}: {_smtp_feil(e)}.") from None
        return self

    def _passord(self) -> str:
        from aarshjul.files import IkkeLest, les_vanlig_fil

        if self.passord_fil is None:
            raise SendError("[epost] har «bruker», men ikke «passord_fil».")
        try:
            return les_vanlig_fil(self.passord_fil, 4096).decode("utf-8").strip()
        except (IkkeLest, OSError, UnicodeDecodeError) as e:
            grunn = e.grunn if isinstance(e, IkkeLest) else os_feil_tekst(e) if isinstance(e, OSError) else "ikke UTF-8"
            raise SendError(f"Passordfilen {self.passord_fil} kan ikke leses: {grunn}.") from None

    def __exit__(self, *exc: object) -> None:
        if self.con is not None:
            try:
                self.con.quit()
            except (OSError, smtplib.SMTPException):
                self.con.close()

    def lever(self, melding: Melding) -> None:
        assert self.con is not None and melding.epost is not None
        self.con.send_message(melding.epost)


class _HverForSeg:
    """A channel that opens nothing for the run: each message is delivered on its own
    (sendmail, a file, an HTTPS request), so entering and leaving the run do nothing."""

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        return None


class Sendmail(_HverForSeg):
    """`--sendmail`: each message to `sendmail -t -oi` (the host's own mail system, which
    queues and retries); a non-zero exit is that recipient's failure."""

    def __init__(self) -> None:
        import shutil

        self.program = shutil.which("sendmail") or "/usr/sbin/sendmail"

    def lever(self, melding: Melding) -> None:
        import subprocess

        assert melding.epost is not None
        try:
            p = subprocess.run([self.program, "-t", "-oi"], input=melding.epost.as_bytes(), capture_output=True,
                               timeout=120)  # fmt: skip
        except FileNotFoundError:
            raise SendError(f"Fant ikke sendmail ({self.program}).") from None
        except subprocess.TimeoutExpired:
            raise LeveringFeil("sendmail svarte ikke på 120 sekunder") from None
        if p.returncode != 0:
            feil = p.stderr.decode("utf-8", "replace").strip().splitlines()
            raise LeveringFeil(f"sendmail avsluttet med kode {p.returncode}" + (f": {feil[-1]}" if feil else ""))


class TilMappe(_HverForSeg):
    """`--til-mappe`: each message as an .eml file, nothing sent or recorded."""

    def __init__(self, mappe: Path) -> None:
        self.mappe = mappe

    def lever(self, melding: Melding) -> None:
        import json
        import re

        from aarshjul.storage.output import write_atomic

        navn = re.sub(r"[^A-Za-z0-9@._-]", "_", f"{melding.virksomhet}-{melding.mottaker}")
        self.mappe.mkdir(parents=True, exist_ok=True)
        if melding.epost is not None:
            write_atomic(self.mappe / f"{navn}.eml", melding.epost.as_bytes())
        else:
            data = json.dumps(teams_melding(melding), ensure_ascii=False, indent=2) + "\n"
            write_atomic(self.mappe / f"{navn}.json", data.encode("utf-8"))


def teams_melding(melding: Melding) -> dict[str, object]:
    """What a Workflows webhook takes: a message with the card as its one attachment."""
    return {"type": "message", "attachments": [
        {"contentType": "application/vnd.microsoft.card.adaptive", "contentUrl": None, "content": melding.kort},
    ]}  # fmt: skip


class Teams(_HverForSeg):
    """POSTs each card to its channel's Workflows webhook (https), one request per card."""

    def lever(self, melding: Melding) -> None:
        import json
        import urllib.error
        import urllib.request

        assert melding.webhook is not None
        data = json.dumps(teams_melding(melding), ensure_ascii=False).encode("utf-8")
        req = urllib.request.Request(melding.webhook, data=data, method="POST",
                                     headers={"Content-Type": "application/json"})  # fmt: skip
        try:
            with urllib.request.urlopen(req, timeout=60) as svar:
                if svar.status not in (200, 201, 202, 204):
                    raise LeveringFeil(f"webhooken svarte {svar.status}")
        except urllib.error.HTTPError as e:
            raise LeveringFeil(f"webhooken svarte {e.code} {e.reason}") from None
        except urllib.error.URLError as e:
            grunn = os_feil_tekst(e.reason) if isinstance(e.reason, OSError) else str(e.reason)
            raise LeveringFeil(f"kom ikke fram til webhooken ({grunn})") from None


class LeveringFeil(OSError):
    """A message a channel did not take (a webhook's answer, sendmail's exit); the message
    says why, in bokmål."""


def _smtp_feil(e: BaseException) -> str:
    if isinstance(e, smtplib.SMTPResponseException):
        tekst = e.smtp_error.decode("utf-8", "replace") if isinstance(e.smtp_error, bytes) else str(e.smtp_error)
        return f"serveren svarte {e.smtp_code} {tekst}"
    if isinstance(e, smtplib.SMTPRecipientsRefused):
        return "serveren tok ikke imot mottakeren " + ", ".join(
            f"({kode} {tekst.decode('utf-8', 'replace') if isinstance(tekst, bytes) else tekst})"
            for kode, tekst in e.recipients.values()
        )
    if isinstance(e, LeveringFeil):
        return str(e)
    if isinstance(e, OSError):
        return os_feil_tekst(e)
    return str(e)


def send(
    plan: Plan, oppsett: Oppsett, db: Path, mandag: date, today: date, levering: Levering, *,
    paa_nytt: bool = False, registrer: bool = True, noekkel: bytes | None = None,
) -> Resultat:  # fmt: skip
    """Send the week that starts on `mandag` to every recipient not yet recorded for it."""
    from aarshjul.storage.store import db_exists, read_logg, write_transaction

    logg = read_logg(db) if db_exists(db) else None
    meldinger, stille = lag_meldinger(plan, oppsett, mandag, logg, today, noekkel)
    uke = uke_id(mandag)
    resultat = Resultat(stille=stille)
    allerede: set[tuple[str, str, str]] = set()
    if registrer and not paa_nytt and meldinger and db_exists(db):
        with write_transaction(db) as store:
            allerede = store.utsendt(uke)
    igjen = [m for m in meldinger if (m.virksomhet, m.kanal, m.mottaker) not in allerede]
    resultat.hoppet_over = len(meldinger) - len(igjen)
    epost = [m for m in igjen if m.kanal == KANAL_EPOST]
    kort = [m for m in igjen if m.kanal == KANAL_TEAMS]
    _lever(epost, levering, db, uke, registrer, resultat)
    _lever(kort, levering if isinstance(levering, TilMappe) else Teams(), db, uke, registrer, resultat)
    return resultat


def _lever(igjen: list[Melding], levering: Levering, db: Path, uke: str, registrer: bool, resultat: Resultat) -> None:
    from aarshjul.storage.store import write_transaction

    if not igjen:
        return
    try:
        with levering:
            for m in igjen:
                try:
                    levering.lever(m)
                except (OSError, smtplib.SMTPException) as e:
                    resultat.feil.append(f"{m.mottaker} ({m.virksomhet}): {_smtp_feil(e)}")
                    if isinstance(e, smtplib.SMTPServerDisconnected):
                        resultat.feil += [f"{x.mottaker} ({x.virksomhet}): ikke sendt, serveren brøt forbindelsen"
                                          for x in igjen[igjen.index(m) + 1:]]  # fmt: skip
                        break
                    continue
                resultat.sendt.append(m)
                if registrer:
                    # Recorded at once, each in its own transaction: a run stopped halfway
                    # sends only the rest next time.
                    with write_transaction(db) as store:
                        store.registrer_utsending(m.virksomhet, uke, m.kanal, m.mottaker, m.message_id)
    except SendError as e:
        resultat.feil += [f"{m.mottaker} ({m.virksomhet}): ikke sendt. {e.message}" for m in igjen]
