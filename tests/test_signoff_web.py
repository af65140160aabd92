"""`aarshjul serve` through Flask's test client: every route and every refusal.

A leader with only a personal link signs off in a browser; opening a link never signs
anyone in or off; a POST without a CSRF token, for another unit's duty or from nobody
writes nothing."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO

pytest.importorskip("flask")

from aarshjul.config import Innlogging, Oppsett, Server, Tilgang  # noqa: E402
from aarshjul.services.lenker import lag_token  # noqa: E402
from aarshjul.web import WebOppsett, create_app  # noqa: E402

PLAN = REPO / "data" / "plan.yaml"
NOEKKEL = b"0123456789abcdef" * 4
IDAG = date(2026, 12, 7)
KVELLO = "kvello.observasjon.2026-10-30"  # barnehage's, overdue on 07.12.2026
PMTO = "pmto.evaluering.2027-03-31"  # not barnehage's


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "kvitteringer.sqlite"


def _app(db: Path, oppsett: Oppsett | None = None, noekkel: bytes = NOEKKEL) -> Any:
    app = create_app(WebOppsett(PLAN, db, noekkel, oppsett or Oppsett(), idag=lambda: IDAG))
    app.testing = True
    return app


@pytest.fixture
def client(db: Path) -> Any:
    return _app(db).test_client()


def _csrf(html: str) -> str:
    m = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert m, html[:500]
    return m.group(1)


def _logg_inn(client: Any, virksomhet: str | None = "barnehage", *, admin: bool = False) -> str:
    url = f"/lenke/{lag_token(NOEKKEL, virksomhet, 30, admin=admin)}"
    side = client.get(url)
    r = client.post(url, data={"csrf_token": _csrf(side.text)})
    assert r.status_code == 303 and r.headers["Location"].endswith("/mine"), r.text
    return client.get("/mine").text


def _rader(db: Path) -> list[Any]:
    from aarshjul.storage.store import db_exists, read_rows

    return list(read_rows(db)) if db_exists(db) else []


# --- public pages ----------------------------------------------------------------------


def test_public_pages_are_the_sites_with_strict_headers(client: Any) -> None:
    r = client.get("/")
    assert r.status_code == 200 and "<h1>Strategi- og handlingsplan for Tidlig innsats</h1>" in r.text
    assert r.headers["Content-Security-Policy"].startswith("default-src 'none'")
    assert "frame-ancestors 'none'" in r.headers["Content-Security-Policy"]
    assert r.headers["X-Frame-Options"] == "DENY"
    assert "script" not in r.headers["Content-Security-Policy"].replace("default-src", "")
    assert client.get("/virksomhet-barnehage.html").status_code == 200
    assert client.get("/stil.css").headers["Content-Type"].startswith("text/css")
    ukjent = client.get("/finnes-ikke.html")
    assert ukjent.status_code == 404 and "Siden finnes ikke" in ukjent.text


# --- personal links ----------------------------------------------------------------------


def test_opening_a_link_twice_signs_nobody_in(client: Any, db: Path) -> None:
    url = f"/lenke/{lag_token(NOEKKEL, 'barnehage', 30)}"
    for _ in range(2):
        r = client.get(url)
        assert r.status_code == 200 and "Logg inn som Barnehage</button>" in r.text
        assert r.headers["Cache-Control"] == "no-store" and r.headers["Referrer-Policy"] == "no-referrer"
    assert client.get("/mine").status_code == 401
    assert _rader(db) == [] and not db.exists()


def test_the_button_starts_a_session_in_a_safe_cookie(client: Any) -> None:
    url = f"/lenke/{lag_token(NOEKKEL, 'barnehage', 30)}"
    r = client.post(url, data={"csrf_token": _csrf(client.get(url).text)})
    assert r.status_code == 303 and r.headers["Location"] == "/mine"
    cookie = r.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Expires=" in cookie
    assert "lenke" not in r.headers["Location"]  # the token stays behind
    mine = client.get("/mine").text
    assert "Logget inn som Styrer, Barnehage." in mine
    assert f'<input type="hidden" name="id" value="{KVELLO}">' in mine


def test_a_post_without_csrf_token_is_refused_in_bokmaal(client: Any) -> None:
    url = f"/lenke/{lag_token(NOEKKEL, 'barnehage', 30)}"
    r = client.post(url)
    assert r.status_code == 400 and "sikkerhetskode (CSRF)" in r.text and "Ingenting er" in r.text
    assert client.get("/mine").status_code == 401


@pytest.mark.parametrize("token", [
    lag_token(NOEKKEL, "barnehage", 30)[:-3] + "abc",  # tampered signature
    lag_token(b"another key" * 6, "barnehage", 30),  # signed with a key that was replaced
    "ikke-en-lenke",
])  # fmt: skip
def test_a_bad_link_says_so_and_signs_nobody_in(client: Any, token: str) -> None:
    r = client.get(f"/lenke/{token}")
    assert r.status_code == 400 and "Lenken virker ikke" in r.text and token not in r.text
    assert client.post(f"/lenke/{token}", data={"csrf_token": "x"}).status_code == 400
    assert client.get("/mine").status_code == 401


def test_an_expired_link_is_refused(client: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    import itsdangerous.timed as timed

    token = lag_token(NOEKKEL, "barnehage", 1)
    naa = timed.time.time()
    monkeypatch.setattr(timed.time, "time", lambda: naa + 2 * 86400)
    r = client.get(f"/lenke/{token}")
    assert r.status_code == 400 and "Lenken er utløpt" in r.text


def test_failed_link_checks_are_rate_limited(client: Any) -> None:
    for _ in range(10):
        assert client.get("/lenke/feil").status_code == 400
    r = client.get(f"/lenke/{lag_token(NOEKKEL, 'barnehage', 30)}")
    assert r.status_code == 429 and "For mange" in r.text


# --- signing off ---------------------------------------------------------------------------


def test_a_leader_signs_off_and_undoes_their_own_duty(client: Any, db: Path) -> None:
    mine = _logg_inn(client)
    assert (f'<input type="hidden" name="id" value="{KVELLO}">\n'
            '<input type="hidden" name="virksomhet" value="barnehage">') in mine
    r = client.post("/kvitter", data={"csrf_token": _csrf(mine), "id": KVELLO, "virksomhet": "barnehage", "dato": "2026-10-28",
                                      "merknad": "Alle barna observert <b>"})  # fmt: skip
    assert r.status_code == 303
    (rad,) = _rader(db)
    assert (rad["nokkel"], rad["handling"], rad["utfort"], rad["av"], rad["merknad"], rad["virksomhet"],
            rad["kilde"]) == ("kvello.observasjon.2026-10", "kvittert", "2026-10-28", "Styrer, Barnehage",
                              "Alle barna observert <b>", "barnehage", "lenke:barnehage")  # fmt: skip
    mine = client.get("/mine").text
    assert "er kvittert ut for Barnehage." in mine and "Alle barna observert &lt;b&gt;" in mine
    assert "<strong>Utført</strong> 28.10.2026" in mine
    r = client.post("/angre", data={"csrf_token": _csrf(mine), "id": KVELLO, "virksomhet": "barnehage"})
    assert r.status_code == 303 and [x["handling"] for x in _rader(db)] == ["kvittert", "angret"]


def test_another_units_duty_is_refused_and_recorded_nowhere(client: Any, db: Path) -> None:
    mine = _logg_inn(client)
    assert f'value="{PMTO}"' not in mine  # no form for it
    r = client.post("/kvitter", data={"csrf_token": _csrf(mine), "id": PMTO})
    assert r.status_code == 403 and "Ikke tilgang" in r.text
    r = client.post("/kvitter", data={"csrf_token": _csrf(mine), "id": KVELLO, "virksomhet": "skole"})
    assert r.status_code == 403
    assert not db.exists()


def test_refusals_write_nothing(client: Any, db: Path) -> None:
    assert client.post("/kvitter", data={"id": KVELLO}).status_code == 400  # no session, no token
    mine = _logg_inn(client)
    assert client.post("/kvitter", data={"id": KVELLO}).status_code == 400  # no token
    assert client.post("/kvitter", data={"id": KVELLO, "csrf_token": "feil"}).status_code == 400
    r = client.get("/kvitter")
    assert r.status_code == 405 and "Denne adressen tar bare imot skjemaer" in r.text
    r = client.post("/kvitter", data={"csrf_token": _csrf(mine), "id": KVELLO, "virksomhet": "barnehage",
                                      "dato": "2026-12-31"})  # fmt: skip
    assert r.status_code == 400 and "er etter i dag" in r.text
    from aarshjul.plan.privacy import er_foedselsnummer

    fnr = next(f"010190{i:05d}" for i in range(100000) if er_foedselsnummer(f"010190{i:05d}"))
    r = client.post("/kvitter", data={"csrf_token": _csrf(mine), "id": KVELLO, "virksomhet": "barnehage",
                                      "merknad": f"Gjelder {fnr}"})  # fmt: skip
    assert r.status_code == 400 and "fødselsnummer" in r.text
    assert not db.exists()


def test_logging_out_ends_the_session(client: Any) -> None:
    mine = _logg_inn(client)
    assert client.post("/logg-ut", data={"csrf_token": _csrf(mine)}).status_code == 303
    assert client.get("/mine").status_code == 401


def test_a_new_key_ends_every_link_and_session(db: Path) -> None:
    gammel = _app(db).test_client()
    _logg_inn(gammel)
    ny = _app(db, noekkel=b"a brand new key!" * 4).test_client()
    ny.set_cookie("aarshjul_okt", gammel.get_cookie("aarshjul_okt").value)
    assert ny.get("/mine").status_code == 401
    assert ny.get(f"/lenke/{lag_token(NOEKKEL, 'barnehage', 30)}").status_code == 400


# --- rådmannsledelsen -----------------------------------------------------------------------


def test_only_the_admin_sees_the_report_and_signs_off_for_any_unit(client: Any, db: Path) -> None:
    _logg_inn(client)
    assert client.get("/rapport").status_code == 403
    admin = _app(db).test_client()
    mine = _logg_inn(admin, None, admin=True)
    assert "Alle virksomheter" in mine and "Logget inn som Rådmannsledelsen." in mine
    r = admin.post("/kvitter", data={"csrf_token": _csrf(mine), "id": "pmto.evaluering.2026-03-31",
                                     "dato": "2026-03-25"})  # fmt: skip
    assert r.status_code == 303
    rapport = admin.get("/rapport").text
    assert "<h1>Fellesevaluering skoleåret 2026/27</h1>" in rapport
    assert "Planperioden 2018–2022 sluttet 31.12.2022." in rapport
    # Every unit's own count, linked to its tasks: PMTO 2025/26 was signed off above for barnevern only.
    assert '<a href="/mine?virksomhet=barnehage">Barnehage</a>' in rapport
    fra_i_fjor = admin.get("/rapport?skoleaar=2025/26").text
    rad = re.search(r'<a href="/mine\?virksomhet=barnevern">Barnevern</a></td><td data-label="Utført">(\d+)</td>',
                    fra_i_fjor)  # fmt: skip
    assert rad is not None and int(rad.group(1)) >= 1


def test_the_report_has_no_label_without_a_value(db: Path) -> None:
    """A narrow screen stacks the table and writes each cell's data-label before it: an
    empty cell (not done yet: no Utført, Av, Merknad) has no label, so no «Merknad:»."""
    admin = _app(db).test_client()
    _logg_inn(admin, None, admin=True)
    rapport = admin.get("/rapport").text
    assert '<td class="ikke-del"></td><td></td><td></td>' in rapport
    assert not re.search(r'<td data-label="[^"]*"(?: class="[^"]*")?></td>', rapport)


# --- the kommune's single sign-on ---------------------------------------------------------------


def test_single_sign_on_is_trusted_only_from_the_proxy(db: Path) -> None:
    oppsett = Oppsett(server=Server(proxy=("127.0.0.1",)), innlogging=Innlogging("X-Forwarded-Email", "X-Forwarded-Groups"),
                      tilgang=Tilgang(admin=("gruppe:aarshjul-admin",),
                                      virksomheter={"barnehage": ("styrer@kommune.no",)}))  # fmt: skip
    client = _app(db, oppsett).test_client()
    r = client.get("/mine", headers={"X-Forwarded-Email": "styrer@kommune.no"})
    assert r.status_code == 200 and "Logget inn som styrer@kommune.no." in r.text
    assert f'value="{KVELLO}"' in r.text
    fra_andre = client.get("/mine", headers={"X-Forwarded-Email": "styrer@kommune.no"},
                           environ_base={"REMOTE_ADDR": "10.0.0.9"})  # fmt: skip
    assert fra_andre.status_code == 401
    admin = client.get("/rapport", headers={"X-Forwarded-Email": "rm@kommune.no",
                                            "X-Forwarded-Groups": "ansatte, aarshjul-admin"})  # fmt: skip
    assert admin.status_code == 200


# --- a duty several units own -----------------------------------------------------------------

MOBBING = "mobbing.evaluering.2026-03-31"  # owned by barnehage, skole and helsestasjon


def test_each_unit_signs_off_its_own_part_of_a_shared_duty(client: Any, db: Path) -> None:
    mine = _logg_inn(client)
    assert "0 av 3 utført; mangler: Barnehage, Skole, Helsestasjon og skolehelsetjeneste" in mine
    # Without its own unit the form would sign off for all three: refused.
    assert client.post("/kvitter", data={"csrf_token": _csrf(mine), "id": MOBBING}).status_code == 403
    r = client.post("/kvitter", data={"csrf_token": _csrf(mine), "id": MOBBING, "virksomhet": "barnehage"})
    assert r.status_code == 303
    (rad,) = _rader(db)
    assert (rad["virksomhet"], rad["kilde"]) == ("barnehage", "lenke:barnehage")
    mine = client.get("/mine").text
    assert "er kvittert ut for Barnehage." in mine
    assert "1 av 3 utført; mangler: Skole, Helsestasjon og skolehelsetjeneste" in mine


def test_a_second_sign_off_asks_before_it_replaces_and_undo_brings_the_first_back(client: Any, db: Path) -> None:
    mine = _logg_inn(client)
    felt = {"id": KVELLO, "virksomhet": "barnehage"}
    assert client.post("/kvitter", data={"csrf_token": _csrf(mine), **felt, "dato": "2026-10-28"}).status_code == 303
    r = client.post("/kvitter", data={"csrf_token": _csrf(mine), **felt, "dato": "2026-12-01"})
    assert r.status_code == 409 and "er allerede kvittert for Barnehage av Styrer, Barnehage 28.10.2026" in r.text
    assert "Erstatt kvitteringen</button>" in r.text and len(_rader(db)) == 1
    assert '<input type="hidden" name="dato" value="2026-12-01">' in r.text
    r = client.post("/kvitter", data={"csrf_token": _csrf(r.text), **felt, "dato": "2026-12-01", "erstatt": "ja"})
    assert r.status_code == 303 and [x["utfort"] for x in _rader(db)] == ["2026-10-28", "2026-12-01"]
    r = client.post("/angre", data={"csrf_token": _csrf(mine), **felt}, follow_redirects=True)
    assert "den forrige kvitteringen gjelder igjen" in r.text
    assert "<strong>Utført</strong> 28.10.2026" in r.text


# --- the loop closed ------------------------------------------------------------------------


def test_pmto_signed_off_with_a_link_reaches_the_report_page_and_the_cli(client: Any, db: Path, run) -> None:  # type: ignore[no-untyped-def]
    mine = _logg_inn(client, "barnevern")
    pmto = "pmto.evaluering.2026-03-31"
    assert f'value="{pmto}"' in mine
    r = client.post("/kvitter", data={"csrf_token": _csrf(mine), "id": pmto, "virksomhet": "barnevern",
                                      "dato": "2026-03-25", "merknad": "Evaluert i lærende møte"})  # fmt: skip
    assert r.status_code == 303
    admin = _app(db).test_client()
    _logg_inn(admin, None, admin=True)
    side = admin.get("/rapport?skoleaar=2025/26").text
    assert "<h1>Fellesevaluering skoleåret 2025/26</h1>" in side
    delt = "1 av 3 utført, mangler: Helsestasjon og skolehelsetjeneste, Skole"
    assert "PMTO – Årlig evaluering av PMTO" in side and delt in side
    assert admin.get("/rapport?skoleaar=1999/00").status_code == 400
    cli = run("rapport", "--skoleår", "2025/26", "--db", str(db), today="07.12.2026").stdout
    assert f"| 31.03.2026 | Årlig evaluering av PMTO | forfalt i 251 dager · {delt} |" in cli
    rad = next(o for o in json.loads(run("status", "--skoleår", "2025/26", "--format", "json", "--db", str(db),
                                         today="07.12.2026").stdout) if o["id"] == pmto)  # fmt: skip
    barnevern = next(e for e in rad["enheter"] if e["virksomhet"] == "barnevern")
    assert barnevern["utfort"]["merknad"] == "Evaluert i lærende møte"
    assert barnevern["utfort"]["kilde"] == "lenke:barnevern"


def test_each_of_five_schools_signs_off_its_own_foreldremoete(tmp_path: Path) -> None:
    from aarshjul.storage.store import read_rows

    plan = REPO / "tests" / "plans" / "nordfjell.yaml"
    db = tmp_path / "k.sqlite"
    app = create_app(WebOppsett(plan, db, NOEKKEL, idag=lambda: date(2026, 10, 5)))
    skoler = ["nordfjell_skole", "dalen_skole", "haugen_skole", "sjovik_skole", "berg_skole"]
    for n, skole in enumerate(skoler):
        c = app.test_client()
        mine = _logg_inn(c, skole)
        assert f"{n} av 5 utført" in mine
        r = c.post("/kvitter", data={"csrf_token": _csrf(mine), "id": "foreldremote.hoest.2026-09-30",
                                     "virksomhet": skole, "dato": "2026-09-24"})  # fmt: skip
        assert r.status_code == 303
        # Another school's part is not this school's to sign off.
        andre = skoler[(n + 1) % 5]
        r = c.post("/kvitter", data={"csrf_token": _csrf(mine), "id": "foreldremote.hoest.2026-09-30",
                                     "virksomhet": andre})  # fmt: skip
        assert r.status_code == 403
    assert sorted(r["virksomhet"] for r in read_rows(db)) == sorted(skoler)


def test_hostile_plan_text_stays_text_on_every_page(tmp_path: Path) -> None:
    from html.parser import HTMLParser

    plan = REPO / "tests" / "plans" / "hostile.yaml"
    app = create_app(WebOppsett(plan, tmp_path / "k.sqlite", NOEKKEL, idag=lambda: date(2026, 11, 25)))
    leder = app.test_client()
    sider = [_logg_inn(leder, "skole"), leder.get(f"/lenke/{lag_token(NOEKKEL, 'skole', 30)}").text]
    admin = app.test_client()
    _logg_inn(admin, None, admin=True)
    sider += [admin.get("/mine").text, admin.get("/rapport").text]

    class Tagger(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.tagger: set[str] = set()
            self.attributter: set[str] = set()

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            self.tagger.add(tag)
            self.attributter.update(a for a, _ in attrs)

    for html in sider:
        t = Tagger()
        t.feed(html)
        assert not t.tagger & {"script", "svg", "b", "i", "iframe"}, t.tagger
        assert not {a for a in t.attributter if a.startswith("on")}
        assert "\x1b" not in html and "\x07" not in html
    assert ("<h3><span class=\"dato\">01.12.2026</span> Tiltak [bold red]x[/] &lt;script&gt;alert(1)&lt;/script&gt; "
            "– Møte [bold red]x[/] \\x1b[2J\\x1b[31m; a,b ny linje &lt;script&gt;&amp;&#34;&#39;</h3>") in sider[0]


def test_a_broken_plan_edit_keeps_the_last_good_plan(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    import os

    plan = tmp_path / "plan.yaml"
    plan.write_text(PLAN.read_text(encoding="utf-8"), encoding="utf-8")
    client = _app_for(plan, tmp_path / "k.sqlite").test_client()
    assert client.get("/").status_code == 200
    plan.write_text(plan.read_text(encoding="utf-8").replace("tiltak:\n", "tiltak:\n  - id: [\n", 1), encoding="utf-8")
    os.utime(plan, ns=(1, 1))
    r = client.get("/")
    assert r.status_code == 200 and "Tidlig innsats" in r.text
    assert "har feil; viser planen slik den var før" in capsys.readouterr().err


def test_an_unreadable_database_is_a_message_not_a_traceback(tmp_path: Path) -> None:
    db = tmp_path / "k.sqlite"
    db.write_bytes(b"dette er ikke en database" * 10)
    client = _app_for(PLAN, db).test_client()
    url = f"/lenke/{lag_token(NOEKKEL, 'barnehage', 30)}"
    client.post(url, data={"csrf_token": _csrf(client.get(url).text)})
    r = client.get("/mine")
    assert r.status_code == 503 and "er ikke en SQLite-database" in r.text and "Traceback" not in r.text


def _app_for(plan: Path, db: Path) -> Any:
    app = create_app(WebOppsett(plan, db, NOEKKEL, idag=lambda: IDAG))
    app.testing = True
    return app


def test_the_source_of_a_sign_off_reads_as_who(real_plan) -> None:  # type: ignore[no-untyped-def]
    from aarshjul.services.signoff import kilde_tekst

    assert kilde_tekst(real_plan, "lenke:admin") == "med rådmannsledelsens personlige lenke"
    assert kilde_tekst(real_plan, "lenke:barnehage") == "med personlig lenke for Barnehage"
    assert kilde_tekst(real_plan, "sso:styrer@kommune.no") == "innlogget som styrer@kommune.no"
