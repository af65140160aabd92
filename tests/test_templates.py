"""One set of templates: `publiser` and `serve` render their pages from the same Jinja2
templates (aarshjul/render/templates/) and the same base.html, so the static site and the
live one cannot drift; the static site links to the server for sign-off when it knows
where it is; no plan text becomes markup."""

from __future__ import annotations

import shutil
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from conftest import PLANS, REPO

pytest.importorskip("flask")

from aarshjul.config import Oppsett, Server  # noqa: E402
from aarshjul.errors import AarshjulError  # noqa: E402
from aarshjul.plan.loader import load_plan  # noqa: E402
from aarshjul.render.site import Abonnement, render_site  # noqa: E402
from aarshjul.services.lenker import lag_token  # noqa: E402
from aarshjul.services.publish import lag_nettsted  # noqa: E402
from aarshjul.web import WebOppsett, create_app  # noqa: E402

PLAN = REPO / "data" / "plan.yaml"
NOEKKEL = b"0123456789abcdef" * 4
IDAG = date(2026, 12, 7)
SERVER = "https://intranett.example.no/kvitter"


def _app(db: Path, oppsett: Oppsett | None = None) -> Any:
    app = create_app(WebOppsett(PLAN, db, NOEKKEL, oppsett or Oppsett(), idag=lambda: IDAG))
    app.testing = True
    return app


def _kvitter(db: Path, ident: str) -> None:
    from aarshjul.services import signoff

    plan = load_plan(PLAN)
    signoff.kvitter(lambda: plan, db, [ident], IDAG, utfort=date(2026, 11, 2), av="Styrer <b>",
                    merknad="Gjort «ferdig» <b>", lenke=None, virksomhet="barnehage")  # fmt: skip


def _statisk(db: Path | None, kvittering_url: str | None = None) -> dict[str, bytes]:
    """What publiser's renderer makes of the data the server shows (no calendars: the
    server has none)."""
    from aarshjul.storage.store import db_exists, read_logg

    plan = load_plan(PLAN)
    logg = read_logg(db) if db is not None and db_exists(db) else {}
    return render_site(lag_nettsted(plan, IDAG, tuple(plan.virksomheter), {}, logg, kvittering_url=kvittering_url))


@pytest.mark.parametrize("med_url", [False, True])
def test_the_server_serves_the_bytes_publiser_writes(tmp_path: Path, med_url: bool) -> None:
    db = tmp_path / "kvitteringer.sqlite"
    _kvitter(db, "kvello.observasjon.2026-10-30")
    oppsett = Oppsett(server=Server(url=SERVER)) if med_url else Oppsett()
    client = _app(db, oppsett).test_client()
    statisk = _statisk(db, SERVER if med_url else None)
    for navn in ("index.html", "virksomhet-barnehage.html", "tiltak-pmto.html", "skoleaar-2027-28.html",
                 "stil.css", "hjul-2026-27-barnehage.svg"):  # fmt: skip
        r = client.get(f"/{navn}")
        assert r.status_code == 200, navn
        assert r.data == statisk[navn], navn
    assert client.get("/").data == statisk["index.html"]
    side = statisk["virksomhet-barnehage.html"].decode()
    assert "Utført i skoleåret 2026/27" in side and "Utført 02.11.2026" in side  # the sign-off is on the page
    assert (f'<a href="{SERVER}/mine">Kvitter ut i nettleseren</a>' in side) is med_url


def test_the_servers_own_pages_and_the_sites_share_one_base(tmp_path: Path) -> None:
    db = tmp_path / "kvitteringer.sqlite"
    client = _app(db).test_client()
    egen = client.get("/mine").text  # not signed in: the server's message page
    offentlig = client.get("/virksomhet-barnehage.html").text
    for side in (egen, offentlig):
        assert '<a class="hopp" href="#innhold">Hopp til innholdet</a>' in side
        assert '<link rel="stylesheet" href="/stil.css">' in side or '<link rel="stylesheet" href="stil.css">' in side
        assert '<main id="innhold" tabindex="-1">' in side
        assert "Laget med aarshjul.</p></footer>" in side
    url = f"/lenke/{lag_token(NOEKKEL, 'barnehage', 30)}"
    side = client.get(url).text
    import re

    csrf = re.search(r'name="csrf_token" value="([^"]+)"', side)
    assert csrf is not None
    client.post(url, data={"csrf_token": csrf.group(1)})
    mine = client.get("/mine").text
    assert '<nav aria-label="Hovedmeny">' in mine and '<li><a href="/mine">Mine oppgaver</a></li>' in mine
    assert 'action="/logg-ut"' in mine and "Logget inn som Styrer, Barnehage." in mine


def test_a_change_to_base_html_shows_in_both(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from aarshjul.render import maler

    kopi = tmp_path / "templates"
    shutil.copytree(maler.MALER, kopi)
    base = kopi / "base.html"
    base.write_text(base.read_text(encoding="utf-8").replace("Laget med aarshjul.", "Laget med aarshjul. MERKE"),
                    encoding="utf-8")  # fmt: skip
    monkeypatch.setattr(maler, "MALER", kopi)
    statisk = _statisk(None)
    client = _app(tmp_path / "kvitteringer.sqlite").test_client()
    for side in (statisk["index.html"].decode(), statisk["tiltak-pmto.html"].decode(),
                 client.get("/virksomhet-barnehage.html").text, client.get("/mine").text,
                 client.get("/finnes-ikke.html").text):  # fmt: skip
        assert "Laget med aarshjul. MERKE</p></footer>" in side


# --- the sign-off link ------------------------------------------------------------------


def _publiser(run: Any, ut: Path, *args: str) -> Any:
    return run("publiser", "-o", str(ut), *args, plan=PLAN, today="01.12.2026")


def _lenker(fil: Path) -> list[str]:
    class _P(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.href: list[str] = []

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            self.href += [v or "" for k, v in attrs if k == "href"]

    p = _P()
    p.feed(fil.read_text(encoding="utf-8"))
    return p.href


def test_publiser_links_to_the_server_only_when_told_where_it_is(run, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "ingen"))
    uten = tmp_path / "uten"
    assert _publiser(run, uten).exit_code == 0
    assert not [h for f in uten.glob("*.html") for h in _lenker(f) if h.endswith("/mine")]
    assert "Kvitter ut i nettleseren" not in (uten / "index.html").read_text(encoding="utf-8")

    med = tmp_path / "med"
    r = _publiser(run, med, "--kvittering-url", SERVER + "/")
    assert r.exit_code == 0, r.stderr
    for navn in ("index.html", "virksomhet-barnehage.html", "virksomhet-skole.html"):
        tekst = (med / navn).read_text(encoding="utf-8")
        assert f'<a href="{SERVER}/mine">Kvitter ut i nettleseren</a>' in tekst, navn
        assert "personlige lenken i e-posten" in tekst, navn
    assert SERVER not in (med / "tiltak-pmto.html").read_text(encoding="utf-8")


def test_the_server_address_comes_from_the_config_and_the_option_wins(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    toml = tmp_path / "aarshjul.toml"
    toml.write_text('[server]\nurl = "https://fra-fil.example.no/aarshjul/"\n', encoding="utf-8")
    fra_fil = tmp_path / "fil"
    assert _publiser(run, fra_fil, "--config", str(toml)).exit_code == 0
    assert 'href="https://fra-fil.example.no/aarshjul/mine"' in (fra_fil / "index.html").read_text(encoding="utf-8")
    valg = tmp_path / "valg"
    assert _publiser(run, valg, "--config", str(toml), "--kvittering-url", SERVER).exit_code == 0
    tekst = (valg / "index.html").read_text(encoding="utf-8")
    assert f'href="{SERVER}/mine"' in tekst and "fra-fil" not in tekst


@pytest.mark.parametrize("url", ["javascript:alert(1)", "intranett.no", "https://a b", 'https://x"onmouseover=1'])
def test_a_bad_server_address_is_a_usage_error(run, tmp_path: Path, url: str) -> None:  # type: ignore[no-untyped-def]
    r = _publiser(run, tmp_path / "ut", "--kvittering-url", url)
    assert r.exit_code == 2 and "--kvittering-url" in r.stderr
    assert not (tmp_path / "ut").exists()


def test_a_bad_server_address_in_the_config_names_the_line(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    toml = tmp_path / "aarshjul.toml"
    toml.write_text('[server]\nport = 8080\nurl = "ftp://x"\n', encoding="utf-8")
    r = _publiser(run, tmp_path / "ut", "--config", str(toml))
    assert r.exit_code == 1 and f"{toml}:3" in r.stderr and "«url» skal begynne med https://" in r.stderr


# --- no markup from the plan ------------------------------------------------------------

TAGGER = {"a", "body", "code", "dd", "details", "div", "dl", "dt", "figcaption", "figure", "footer", "h1", "h2", "h3", "head",
          "header", "html", "li", "link", "main", "meta", "nav", "ol", "p", "section", "span", "strong", "summary", "table",
          "tbody", "td", "th", "thead", "time", "title", "tr", "ul",
          # the wheel's SVG
          "svg", "g", "circle", "defs", "desc", "line", "path", "rect", "text", "textpath"}  # fmt: skip


class _Tagger(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tagger: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tagger.append((tag, dict(attrs)))


def _planer() -> list[Path]:
    return [*sorted(PLANS.glob("*.yaml")), PLANS / "fjellbygd" / "plan.yaml"]


@pytest.mark.parametrize("sti", _planer(), ids=lambda p: p.stem if p.stem != "plan" else p.parent.name)
def test_no_plan_text_becomes_markup_in_any_page(sti: Path) -> None:
    try:
        plan = load_plan(sti)
    except AarshjulError:
        pytest.skip("planen er ugyldig med vilje")
    keys = tuple(plan.virksomheter)
    ab = {k: Abonnement(f"{k}.ics", f"https://intranett.example.no/{k}.ics") for k in (*keys, "alle")}
    filer = render_site(lag_nettsted(plan, date(2026, 12, 1), keys, ab, {}, kvittering_url=SERVER))
    for navn, data in filer.items():
        if not navn.endswith(".html"):
            continue
        p = _Tagger()
        p.feed(data.decode("utf-8"))
        assert {t for t, _ in p.tagger} <= TAGGER, f"{navn}: {sorted({t for t, _ in p.tagger} - TAGGER)}"
        for tag, attrs in p.tagger:
            assert not [a for a in attrs if a.startswith("on") or a in ("style", "srcdoc", "formaction")], navn
            href = (attrs.get("href") or "").strip().lower()
            assert not href.startswith(("javascript:", "data:", "vbscript:")), f"{navn}: {href}"
