"""The Flask application of `aarshjul serve`.

Who may do what:
- Anyone who reaches the server reads the public pages (the static site's, live from
  the database).
- A personal link (`aarshjul lenke`) opens a page with a button; only pressing it (a POST
  with a CSRF token) starts a session for that virksomhet, so a mail scanner that opens
  the link signs nobody in. The session is a signed, HttpOnly cookie with an expiry,
  SameSite=Lax, Secure behind https; the browser is sent on to /mine, a URL without the
  token.
- Behind the kommune's single sign-on, the user comes from a header set by the proxy,
  trusted only on requests from the proxy's own address ([innlogging] in aarshjul.toml),
  and [tilgang] maps users and groups to virksomheter and to the admin.
- A sign-off form is shown only for what the user's virksomhet is responsible for; a
  POST for anything else is refused (403) and nothing is written. The admin
  (the plan's ledelse) signs off for every unit and reads the report.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from flask import Flask, abort, flash, g, get_flashed_messages, redirect, render_template, request, session, url_for
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.exceptions import HTTPException
from werkzeug.routing import BaseConverter
from werkzeug.wrappers import Response

from aarshjul.config import Oppsett
from aarshjul.errors import AarshjulError
from aarshjul.model import Plan

# Scripts: none at all. Styles: the site's stylesheet. Frames: never (clickjacking).
CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)
MAKS_FEIL = 10  # failed link checks per address ...
FEIL_VINDU_S = 600.0  # ... in this many seconds, before the address waits


@dataclass
class WebOppsett:
    """What `serve` decided: where the plan and the database are, the key, the config."""

    plan_path: Path
    db_path: Path
    noekkel: bytes
    oppsett: Oppsett = field(default_factory=Oppsett)
    idag: Callable[[], date] = date.today
    secure_cookie: bool = False  # set when the public URL is https


@dataclass(frozen=True)
class Bruker:
    """Who is signed in: the virksomheter they act for, admin or not, and how they came."""

    navn: str  # what the page says and what a sign-off's «av» records
    virksomheter: tuple[str, ...]
    admin: bool
    kilde: str  # «lenke:barnehage», «sso:ola@kommune.no»


class _Plan:
    """The plan, read again when its file changes (a leader edits it; the server runs on)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._merke: tuple[int, int] | None = None
        self._plan: Plan | None = None

    def hent(self) -> Plan:
        """The plan; after an edit that broke it, the last good one (the problems go to
        the server's log once), so a typo in plan.yaml does not take the site down."""
        import sys

        from aarshjul.plan.loader import load_plan

        try:
            st = self.path.stat()
            merke: tuple[int, int] | None = (st.st_mtime_ns, st.st_size)
        except OSError:
            merke = None
        with self._lock:
            if self._plan is None or merke != self._merke:
                self._merke = merke
                try:
                    self._plan = load_plan(self.path)
                except AarshjulError as e:
                    if self._plan is None:
                        raise
                    print(f"aarshjul serve: {self.path} har feil; viser planen slik den var før.\n{e.message}",
                          file=sys.stderr)  # fmt: skip
            return self._plan


SIDER_ALDER_S = 2.0  # how long the public pages may lag a sign-off


class _Sider:
    """The public pages for one (plan, day, database state): built when asked for and kept
    until the plan or the day changes, or the database has changed and the pages are
    SIDER_ALDER_S old. A leader's own page («Mine oppgaver») is never from here: it is
    always live.

    Building the Nettsted takes ~30 ms and a page ~7 ms on the shipped plan. Rebuilt after
    every sign-off, under one lock, a Monday morning of 20 % sign-offs (bench/serve_last.py)
    spent most of its time here and queued every page view behind each rebuild. Now one
    thread rebuilds after a sign-off while the others serve the pages from before it, and
    pages are rendered outside the lock."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._noekkel: tuple[Any, ...] | None = None
        self._db: Any = None
        self._bygget = 0.0
        self._bygger = False  # a thread is rebuilding after a sign-off
        self._nettsted: Any = None
        self._sider: dict[str, bytes | None] = {}

    def side(self, noekkel: tuple[Any, ...], db: Any, lag: Callable[[], Any], navn: str, miljoe: Any) -> bytes | None:
        from aarshjul.render.site import render_side

        bygg = False
        with self._lock:
            if noekkel != self._noekkel:  # another plan or another day: nothing old to show
                self._nettsted, self._noekkel, self._db, self._sider = lag(), noekkel, db, {}
                self._bygget = time.monotonic()
            elif db != self._db and not self._bygger and time.monotonic() - self._bygget >= SIDER_ALDER_S:
                self._bygger = bygg = True
            nettsted, sider = self._nettsted, self._sider
        if bygg:
            try:
                nytt = lag()
            finally:
                with self._lock:
                    self._bygger = False
            with self._lock:
                if self._noekkel == noekkel:
                    self._nettsted, self._db, self._sider = nytt, db, {}
                    self._bygget = time.monotonic()
                nettsted, sider = self._nettsted, self._sider
        data = sider.get(navn, b"")
        if data == b"":  # not rendered yet for this Nettsted (None: no such page)
            data = render_side(nettsted, navn, miljoe)
            with self._lock:
                if self._sider is sider:
                    sider[navn] = data
        return data


class _Grense:
    """Failed link checks per client address: after MAKS_FEIL in FEIL_VINDU_S, 429."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._feil: dict[str, deque[float]] = {}

    def stengt(self, adresse: str) -> bool:
        naa = time.monotonic()
        with self._lock:
            q = self._feil.get(adresse)
            while q and naa - q[0] > FEIL_VINDU_S:
                q.popleft()
            return q is not None and len(q) >= MAKS_FEIL

    def feil(self, adresse: str) -> None:
        with self._lock:
            if len(self._feil) > 10_000:  # a scan from many addresses cannot grow this for ever
                self._feil.clear()
            self._feil.setdefault(adresse, deque()).append(time.monotonic())


class _FilConverter(BaseConverter):
    """A file of the site (page.html, stil.css, hjul.svg): other paths are not pages, so
    GET /kvitter is «method not allowed», not «not found»."""

    regex = r"[A-Za-z0-9_.-]+\.(?:html|css|svg)"


def _db_merke(path: Path) -> tuple[Any, ...]:
    """Changes when the database does (WAL mode writes the -wal file first)."""
    merke: list[Any] = []
    for p in (path, path.with_name(path.name + "-wal")):
        try:
            st = p.stat()
            merke.append((st.st_mtime_ns, st.st_size))
        except OSError:
            merke.append(None)
    return tuple(merke)


def create_app(oppsett: WebOppsett) -> Flask:
    from aarshjul.render.common import ledelse, rapport_overskrift, stor_forbokstav
    from aarshjul.render.maler import MALER, VALG
    from aarshjul.services.lenker import LenkeError, les_token
    from aarshjul.services.signoff import kan_kvittere, mine_oppgaver, skjema_virksomhet

    app = Flask(__name__, template_folder=str(MALER), static_folder=None)
    # The options publiser's Environment has (render/maler.py), set before Flask makes its
    # own: the public pages rendered here are then the bytes publiser writes.
    app.jinja_options = {**app.jinja_options, **VALG}
    app.url_map.converters["fil"] = _FilConverter
    app.config.update(
        # Sessions and CSRF tokens are signed with a key derived from the link key, so a
        # new key (lenke --ny-nøkkel) ends every session too.
        SECRET_KEY=oppsett.noekkel + b"/okt",
        SESSION_COOKIE_NAME="aarshjul_okt",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=oppsett.secure_cookie,
        PERMANENT_SESSION_LIFETIME=timedelta(hours=oppsett.oppsett.server.oekt_timer),
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the session
        WTF_CSRF_SSL_STRICT=False,  # behind a TLS-terminating proxy the Referer check misfires
        MAX_CONTENT_LENGTH=64 * 1024,
    )
    CSRFProtect(app)
    _jinja(app)
    plan = _Plan(oppsett.plan_path)
    sider = _Sider()
    from aarshjul.storage.store import Skrivekobling

    kobling = Skrivekobling()
    grense = _Grense()
    # Sign-offs write one at a time through the kobling's lock (storage/store.py); other
    # processes (the CLI, cron) still meet SQLite's own.

    from aarshjul.storage.store import Loggleser

    loggleser = Loggleser(oppsett.db_path)

    def kvitteringer() -> dict[str, Any]:
        """The sign-off log (nøkkel → events); empty before the first sign-off."""
        return loggleser.logg()

    def bruker() -> Bruker | None:
        b: Bruker | None = g.get("bruker")
        return b

    @app.before_request
    def _hvem() -> None:
        g.plan = plan.hent()
        g.bruker = _sso_bruker(oppsett.oppsett, g.plan) or _okt_bruker(g.plan)

    def _okt_bruker(p: Plan) -> Bruker | None:
        if "k" not in session:
            return None
        admin = bool(session.get("a"))
        v = session.get("v")
        if not admin and (not isinstance(v, str) or v not in p.virksomheter):
            session.clear()
            return None
        navn = stor_forbokstav(ledelse(p)) if admin else _leder(p, v)
        return Bruker(navn, () if admin or v is None else (v,), admin, str(session["k"]))

    @app.after_request
    def _hoder(resp: Response) -> Response:
        resp.headers["Content-Security-Policy"] = CSP
        resp.headers["X-Frame-Options"] = "DENY"
        resp.headers["X-Content-Type-Options"] = "nosniff"
        resp.headers["Referrer-Policy"] = "no-referrer"
        if request.endpoint not in ("side", "forside") or resp.status_code != 200:
            resp.headers["Cache-Control"] = "no-store"
        return resp

    def vis(mal: str, status: int = 200, **kw: Any) -> tuple[str, int]:
        from flask_wtf.csrf import generate_csrf

        p, b = plan.hent(), bruker()
        # base.html is shared with the static site: it gets its addresses as hrefs.
        meny = [(url_for("forside"), "Forsiden")]
        if b is not None:
            meny.append((url_for("mine"), "Mine oppgaver"))
        if b is not None and b.admin:
            meny.append((url_for("rapport"), "Rapport"))
        innlogget = {"navn": b.navn, "logg_ut": url_for("logg_ut"), "csrf": generate_csrf()} if b else None
        return render_template(mal, plan=p, bruker=b, meldinger=get_flashed_messages(with_categories=True),
                               stil=url_for("side", navn="stil.css"), meny=meny, innlogget=innlogget,
                               **kw), status  # fmt: skip

    def melding(status: int, tittel: str, tekst: str) -> tuple[str, int]:
        return vis("melding.html", status, tittel=tittel, tekst=tekst)

    # --- the public pages ------------------------------------------------------------

    def offentlig(navn: str) -> Response:
        from aarshjul.services.publish import lag_nettsted

        p, idag = plan.hent(), oppsett.idag()
        data = sider.side((id(p), idag), _db_merke(oppsett.db_path),
                          lambda: lag_nettsted(p, idag, tuple(p.virksomheter), {}, kvitteringer(),
                                               kvittering_url=oppsett.oppsett.server.url),
                          navn, app.jinja_env)  # fmt: skip
        if data is None:
            abort(404)
        typer = {".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8", ".svg": "image/svg+xml"}
        return Response(data, content_type=typer[Path(navn).suffix])

    @app.get("/")
    def forside() -> Response:
        return offentlig("index.html")

    @app.get("/<fil:navn>")
    def side(navn: str) -> Response:
        return offentlig(navn)

    # --- personal links --------------------------------------------------------------

    def sjekk_lenke(token: str) -> Any:
        adresse = _klient(oppsett.oppsett)
        if grense.stengt(adresse):
            return None, melding(429, "For mange forsøk", "For mange ugyldige lenker fra denne adressen. "
                                                           "Vent ti minutter og prøv igjen.")  # fmt: skip
        try:
            return les_token(oppsett.noekkel, token, set(plan.hent().virksomheter)), None
        except LenkeError as e:
            grense.feil(adresse)
            return None, melding(400, "Lenken virker ikke", e.message)

    @app.get("/lenke/<token>")
    def lenke(token: str) -> Any:
        innehaver, feil = sjekk_lenke(token)
        if feil is not None:
            return feil
        p = plan.hent()
        hvem = ledelse(p) if innehaver.admin else _navn(p, innehaver.virksomhet)
        return vis("lenke.html", hvem=hvem)

    @app.post("/lenke/<token>")
    def logg_inn(token: str) -> Any:
        innehaver, feil = sjekk_lenke(token)
        if feil is not None:
            return feil
        session.clear()
        session.permanent = True
        session["k"] = innehaver.kilde
        session["v"] = innehaver.virksomhet
        session["a"] = innehaver.admin
        return redirect(url_for("mine"), 303)

    @app.post("/logg-ut")
    def logg_ut() -> Any:
        session.clear()
        return redirect(url_for("forside"), 303)

    # --- a leader's own duties ---------------------------------------------------------

    @app.get("/mine")
    def mine() -> Any:
        b = bruker()
        if b is None:
            return melding(401, "Du er ikke logget inn",
                           "Åpne den personlige lenken fra e-posten, og trykk på knappen der.")  # fmt: skip
        p, idag = plan.hent(), oppsett.idag()
        valgt = request.args.get("virksomhet") if b.admin else None
        if valgt is not None and valgt not in p.virksomheter:
            abort(404)
        hvem: tuple[str, ...] | None = (valgt,) if valgt else (None if b.admin else b.virksomheter)
        oppgaver = mine_oppgaver(p, hvem, kvitteringer(), idag)
        tekst = "alle virksomheter" if hvem is None else ", ".join(_navn(p, v) for v in hvem) or "ingen virksomhet"

        def enhet(o: Any) -> str | None:
            """The virksomhet the row's form signs off for (None: once for all, or the
            admin's shortcut for every owner still missing)."""
            return skjema_virksomhet(p, o.forekomst, hvem) if hvem else None

        return vis("mine.html", oppgaver=oppgaver, idag=idag, valgt=valgt, hvem=tekst, enhet=enhet)

    def skjema_forekomst() -> Any:
        """Who posts the form, the plan, the occurrence it names and the virksomhet it acts
        for (None: once for all); 401 without a session, 403 when the user may not sign it
        off (nothing is written then)."""
        from aarshjul.engine.followup import finn_forekomst

        b = bruker()
        if b is None:
            abort(401)
        p, idag = plan.hent(), oppsett.idag()
        ident = (request.form.get("id") or "").strip()
        if not ident:
            abort(400, "Skjemaet mangler «id».")
        try:
            f = finn_forekomst(p, ident, idag)
        except AarshjulError as e:
            abort(400, e.message)
        v = (request.form.get("virksomhet") or "").strip() or None
        if v is not None and v not in p.virksomheter:
            abort(400, f"Ukjent virksomhet «{v}».")
        if not b.admin:
            # A unit signs off only its own part: with the field, for itself; without it,
            # only what is signed off once (the shortcut for every owner is the admin's).
            if v is not None and v not in b.virksomheter:
                abort(403)
            if not any(kan_kvittere(p, f, x) for x in ((v,) if v else b.virksomheter)):
                abort(403)
            if v is None and skjema_virksomhet(p, f, b.virksomheter) is not None:
                abort(403)
        elif v is not None and not kan_kvittere(p, f, v):
            abort(403)
        return b, p, f, v

    @app.post("/kvitter")
    def kvitter() -> Any:
        from aarshjul.dates import parse_dato
        from aarshjul.render.common import dato_tekst
        from aarshjul.services import signoff

        b, p, f, v = skjema_forekomst()
        idag = oppsett.idag()
        tekst = (request.form.get("dato") or "").strip()
        try:
            dato = parse_dato(tekst) if tekst else idag
        except ValueError as e:
            abort(400, f"Dato: {e}.")
        felt = {"dato": "Dato", "av": "Utført av", "merknad": "Merknad", "lenke": "Lenke", "virksomhet": "Virksomhet",
                "erstatt": "«Erstatt»"}  # fmt: skip
        try:
            resultat, _ = signoff.kvitter(
                lambda: p, oppsett.db_path, [f.id], idag, utfort=dato, av=b.navn,
                merknad=request.form.get("merknad"), lenke=request.form.get("lenke") or None, virksomhet=v,
                kilde=_kilde(b), erstatt=request.form.get("erstatt") == "ja", felt=felt, kobling=kobling,
            )  # fmt: skip
        except signoff.AlleredeKvittert as e:
            # Ask before replacing: the same form again, with «erstatt» (and a new CSRF token).
            return vis("erstatt.html", 409, forekomst=f, tekst=e.hva,
                       felt={k: request.form.get(k) or "" for k in ("id", "virksomhet", "dato", "merknad", "lenke",
                                                                    "tilbake_virksomhet")})  # fmt: skip
        except AarshjulError as e:
            abort(400, e.message)
        hvem = [_navn(p, x) for r in resultat for x in r.virksomheter]
        flash(f"Utført: {f.tittel} ({dato_tekst(f)}) er kvittert ut" + (f" for {', '.join(hvem)}." if hvem else "."),
              "ok")  # fmt: skip
        return redirect(_tilbake(), 303)

    @app.post("/angre")
    def angre() -> Any:
        from aarshjul.render.common import dato_tekst
        from aarshjul.services import signoff

        b, p, f, v = skjema_forekomst()
        try:
            angret = signoff.angre(lambda: p, oppsett.db_path, [f.id], oppsett.idag(), virksomhet=v,
                                   kilde=_kilde(b), felt={"virksomhet": "Virksomhet"}, kobling=kobling)  # fmt: skip
        except AarshjulError as e:
            abort(400, e.message)
        igjen = [k for a in angret for k in a.gjelder_igjen]
        flash(f"Angret: {f.tittel} ({dato_tekst(f)})"
              + (" – den forrige kvitteringen gjelder igjen." if igjen else " er ikke lenger kvittert."), "ok")
        return redirect(_tilbake(), 303)

    def _tilbake() -> str:
        v = request.form.get("tilbake_virksomhet")
        b = bruker()
        if b is not None and b.admin and v and v in plan.hent().virksomheter:
            return url_for("mine", virksomhet=v)
        return url_for("mine")

    # --- rådmannsledelsen --------------------------------------------------------------

    @app.get("/rapport")
    def rapport() -> Any:
        from aarshjul.dates import format_skoleaar, skoleaar_start
        from aarshjul.engine.planperiode import etter_perioden
        from aarshjul.render import oppfoelging as r
        from aarshjul.services.signoff import oppfoelging

        b = bruker()
        if b is None or not b.admin:
            abort(403)
        from aarshjul.dates import parse_skoleaar

        p, idag = plan.hent(), oppsett.idag()
        naa = skoleaar_start(idag)
        foerste = p.periode_fra.year if p.periode_fra else naa - 5
        valg = list(range(max(foerste, naa - 10), naa + 2))
        tekst = request.args.get("skoleaar")
        try:
            aar = parse_skoleaar(tekst) if tekst else naa
        except ValueError:
            abort(400, f"Ukjent skoleår «{tekst}»; skriv for eksempel 2026/27.")
        if aar not in valg:
            abort(400, f"Skoleåret {format_skoleaar(aar)} er utenfor {format_skoleaar(valg[0])}–"
                       f"{format_skoleaar(valg[-1])}.")  # fmt: skip
        start, slutt = date(aar, 8, 1), date(aar + 1, 8, 1)
        rader = oppfoelging(p, start, slutt, [], kvitteringer(), idag, {"frist", "evaluering"})
        from aarshjul.services.signoff import status_per_virksomhet

        enheter = [(e, _navn(p, e.virksomhet)) for e in status_per_virksomhet(p, rader)]
        return vis("rapport.html", tittel=rapport_overskrift(p, f"skoleåret {format_skoleaar(aar)}"), enheter=enheter,
                   totaler=r.totaler(rader), per_tiltak=[(navn, kilde, [r.linje(p, o) for o in mine])
                                                         for navn, kilde, mine in r.per_tiltak(p, rader)],
                   planperiode=etter_perioden(p, start, slutt), aar=aar,
                   skoleaar=[(a, format_skoleaar(a)) for a in valg])  # fmt: skip

    # --- errors, in bokmål ---------------------------------------------------------------

    @app.errorhandler(AarshjulError)
    def _aarshjul(e: AarshjulError) -> Any:
        """The database or a file the server needs: the message says which and why."""
        return melding(503, "Noe gikk galt", f"{e.message} Prøv igjen om litt.")

    @app.errorhandler(CSRFError)
    def _csrf(e: CSRFError) -> Any:
        return melding(400, "Skjemaet kunne ikke sendes",
                       "Skjemaet mangler en gyldig sikkerhetskode (CSRF), eller økten er utløpt. Ingenting er "
                       "lagret. Gå tilbake, last siden på nytt og prøv igjen.")  # fmt: skip

    @app.errorhandler(HTTPException)
    def _http(e: HTTPException) -> Any:
        tekster = {
            400: ("Noe er feil i skjemaet", "Ingenting er lagret."),
            401: ("Du er ikke logget inn", "Åpne den personlige lenken fra e-posten, og trykk på knappen der."),
            403: ("Ikke tilgang", "Du kan ikke kvittere ut dette for en virksomhet som ikke er din. "
                                  "Ingenting er lagret."),
            404: ("Siden finnes ikke", "Sjekk adressen, eller gå til forsiden."),
            405: ("Ikke tillatt", "Denne adressen tar bare imot skjemaer. Bruk knappene på siden."),
            413: ("For stort skjema", "Ingenting er lagret."),
        }  # fmt: skip
        kode = e.code or 500
        tittel, tekst = tekster.get(kode, ("Noe gikk galt", "Prøv igjen om litt. Ingenting er lagret."))
        if kode == 400 and e.description and not e.description.startswith("The browser"):
            tekst = f"{e.description} {tekst}"
        return melding(kode, tittel, tekst)

    return app


def _jinja(app: Flask) -> None:
    """What the templates use besides the data: the filters and globals publiser's
    templates have (render/maler.py: `linje`, the shared wording), and two that read the
    request's plan."""
    from aarshjul.render.common import one_line, virksomheter_tekst
    from aarshjul.render.maler import konfigurer

    konfigurer(app.jinja_env)
    app.jinja_env.globals.update(
        ansvar=lambda f: one_line(virksomheter_tekst(g.plan, f.ansvar)),
        navn_liste=lambda keys: one_line(virksomheter_tekst(g.plan, tuple(keys))),
    )


def _kilde(b: Bruker) -> str:
    """How a sign-off came in, as the store records it."""
    from aarshjul.services.signoff import kilde_lenke, kilde_sso

    if b.kilde.startswith("sso:"):
        return kilde_sso(b.kilde[4:])
    return kilde_lenke("admin" if b.admin else b.virksomheter[0])


def _navn(plan: Plan, key: str | None) -> str:
    v = plan.virksomheter.get(key or "")
    return v.navn if v is not None else (key or "")


def _leder(plan: Plan, key: str | None) -> str:
    """What a sign-off from a personal link records as «av»: the unit's leader (a role,
    never a person's name) and the unit."""
    v = plan.virksomheter.get(key or "")
    if v is None:
        return key or ""
    return f"{v.leder}, {v.navn}" if v.leder else v.navn


def _fra_proxy(oppsett: Oppsett) -> bool:
    return (request.remote_addr or "") in oppsett.server.proxy


def _klient(oppsett: Oppsett) -> str:
    """The client's address: the peer, or behind our own proxy the address it forwarded
    (the last in X-Forwarded-For, the one the proxy itself added)."""
    if _fra_proxy(oppsett):
        videre = [x.strip() for x in request.headers.get("X-Forwarded-For", "").split(",") if x.strip()]
        if videre:
            return videre[-1]
    return request.remote_addr or "?"


def _sso_bruker(oppsett: Oppsett, plan: Plan) -> Bruker | None:
    """The user the kommune's proxy names, when [innlogging] is configured and the request
    comes from the proxy; None otherwise (a header from anyone else is ignored)."""
    inn = oppsett.innlogging
    if inn is None or not _fra_proxy(oppsett):
        return None
    navn = (request.headers.get(inn.bruker_header) or "").strip()
    if not navn or len(navn) > 200:
        return None
    grupper = set()
    if inn.grupper_header:
        grupper = {x.strip() for x in (request.headers.get(inn.grupper_header) or "").split(",") if x.strip()}
    hvem = {navn.casefold(), *(f"gruppe:{x}".casefold() for x in grupper)}

    def treff(liste: tuple[str, ...]) -> bool:
        return any(x.casefold() in hvem for x in liste)

    admin = treff(oppsett.tilgang.admin)
    virksomheter = tuple(k for k, liste in oppsett.tilgang.virksomheter.items() if k in plan.virksomheter
                         and treff(liste))  # fmt: skip
    return Bruker(navn, virksomheter, admin, f"sso:{navn}")
