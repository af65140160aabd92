"""A real `serve` (waitress on 127.0.0.1, a free port): a real browser signs off with a
personal link, and eight clients signing off at once lose and double nothing."""

from __future__ import annotations

import http.cookiejar
import re
import shutil
import threading
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO

pytest.importorskip("waitress")

from aarshjul.services.lenker import lag_token  # noqa: E402
from aarshjul.web import WebOppsett, create_app  # noqa: E402

PLAN = REPO / "data" / "plan.yaml"
NOEKKEL = b"fedcba9876543210" * 4
IDAG = date(2026, 12, 7)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    from waitress.server import create_server

    db = tmp_path / "kvitteringer.sqlite"
    app = create_app(WebOppsett(PLAN, db, NOEKKEL, idag=lambda: IDAG))
    srv = create_server(app, host="127.0.0.1", port=0, threads=8)
    traad = threading.Thread(target=srv.run, daemon=True)
    traad.start()
    try:
        yield f"http://127.0.0.1:{srv.effective_port}", db
    finally:
        srv.close()
        traad.join(timeout=5)


class _Klient:
    """A browser without JavaScript: cookies, forms, redirects."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def get(self, sti: str) -> str:
        with self.opener.open(self.base + sti, timeout=30) as r:
            return str(r.read().decode("utf-8"))

    def post(self, sti: str, data: dict[str, str]) -> tuple[int, str]:
        body = urllib.parse.urlencode(data).encode("ascii")
        try:
            with self.opener.open(self.base + sti, data=body, timeout=30) as r:
                return r.status, r.read().decode("utf-8")
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode("utf-8")

    def logg_inn(self, token: str) -> str:
        side = self.get(f"/lenke/{token}")
        status, mine = self.post(f"/lenke/{token}", {"csrf_token": _csrf(side)})
        assert status == 200 and "<h1>Mine oppgaver</h1>" in mine
        return mine


def _csrf(html: str) -> str:
    m = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert m
    return m.group(1)


def test_eight_clients_sign_off_200_duties_at_once(server: tuple[str, Path]) -> None:
    from aarshjul.engine.expand import expand
    from aarshjul.plan.loader import load_plan
    from aarshjul.storage.store import read_rows

    base, db = server
    plan = load_plan(PLAN)
    # 200 distinct occurrences the admin signs off, each for one owner: 200 rows.
    from aarshjul.engine.followup import kvitterende

    valgt = [f for f in expand(plan, date(2019, 1, 1), IDAG) if f.type.value != "aktivitet"][:200]
    ider = [f.id for f in valgt]
    enhet = {f.id: (kvitterende(plan, f) or ("",))[0] for f in valgt}
    assert len(ider) == 200
    feil: list[str] = []

    def klient(n: int) -> None:
        k = _Klient(base)
        mine = k.logg_inn(lag_token(NOEKKEL, None, 1, admin=True))
        for ident in ider[n * 25 : (n + 1) * 25]:
            status, tekst = k.post("/kvitter", {"csrf_token": _csrf(mine), "id": ident, "virksomhet": enhet[ident]})
            if status != 200 or "er kvittert ut" not in tekst:
                feil.append(f"{ident}: {status} {re.sub(r'<[^>]+>', ' ', tekst)[-300:]}")

    traader = [threading.Thread(target=klient, args=(n,)) for n in range(8)]
    for t in traader:
        t.start()
    for t in traader:
        t.join(timeout=120)
    assert feil == []
    rader = list(read_rows(db))
    assert len(rader) == 200 and sorted(r["forekomst_id"] for r in rader) == sorted(ider)


def _chromium() -> tuple[str, str] | None:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    return (browser, driver) if browser and driver else None


@pytest.mark.skipif(_chromium() is None, reason="Chromium eller chromedriver mangler (apt-get install chromium "
                                                 "chromium-driver): nettleserprøven av serve er hoppet over")  # fmt: skip
def test_a_leader_signs_off_in_a_real_browser(server: tuple[str, Path], tmp_path: Path) -> None:
    pytest.importorskip("selenium")
    from selenium import webdriver
    from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    from aarshjul.storage.store import read_rows

    def byttet(gammel: Any) -> Callable[[Any], bool]:
        """Whether the page `gammel` (its <html>) belongs to is gone. Mid-swap chromedriver
        may say «Node with given id does not belong to the document» instead of stale
        (one CI run): both mean the old page is gone."""

        def sjekk(_driver: Any) -> bool:
            try:
                gammel.is_enabled()
            except WebDriverException:  # StaleElementReferenceException is one
                return True
            return False

        return sjekk

    base, db = server
    browser, driver_sti = _chromium()  # type: ignore[misc]
    valg = webdriver.ChromeOptions()
    valg.binary_location = browser
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=375,1400"):
        valg.add_argument(arg)
    driver = webdriver.Chrome(service=Service(driver_sti), options=valg)
    try:
        driver.get(f"{base}/lenke/{lag_token(NOEKKEL, 'barnehage', 30)}")
        assert driver.title.startswith("Logg inn som Barnehage")
        assert not db.exists()  # opening the link wrote nothing
        driver.find_element(By.XPATH, "//button[text()='Logg inn som Barnehage']").click()
        WebDriverWait(driver, 20).until(lambda d: d.current_url == f"{base}/mine")
        oppgave = driver.find_element(By.ID, "oppgave-kvello.observasjon.2026-10-30")
        oppgave.find_element(By.NAME, "merknad").send_keys("Alle barna observert")
        gammel = driver.find_element(By.TAG_NAME, "html")
        oppgave.find_element(By.XPATH, ".//button[text()='Kvitter ut']").click()  # for Barnehage
        # Look only once the page the form left is gone: during the swap a lookup can hit it.
        WebDriverWait(driver, 20).until(byttet(gammel))
        melding = WebDriverWait(driver, 20).until(lambda d: d.find_elements(By.CLASS_NAME, "melding"))
        assert "er kvittert ut for Barnehage." in melding[0].text
        oppgave = driver.find_element(By.ID, "oppgave-kvello.observasjon.2026-10-30")
        assert oppgave.find_element(By.CLASS_NAME, "status-utfort").text.startswith("Utført 07.12.2026")
        driver.save_screenshot(str(tmp_path / "mine-oppgaver.png"))
        gammel = driver.find_element(By.TAG_NAME, "html")
        oppgave.find_element(By.XPATH, ".//button[text()='Angre']").click()
        WebDriverWait(driver, 20).until(byttet(gammel))
        WebDriverWait(driver, 20, ignored_exceptions=(StaleElementReferenceException,)).until(
            lambda d: "Angret:" in d.find_element(By.CLASS_NAME, "melding").text)
        assert [r["handling"] for r in read_rows(db)] == ["kvittert", "angret"]
    finally:
        driver.quit()


def test_no_other_command_imports_the_web_stack(tmp_path: Path) -> None:
    from conftest import python_in_new_process

    # The command as cron runs it, stopped just before it exits (main ends with os._exit).
    out = python_in_new_process(tmp_path,
        "import os, sys\n"
        "import aarshjul.cli as cli\n"
        "cli._exit_now = lambda code: None\n"
        "sys.argv = ['aarshjul', '--today', '25.11.2026', 'next', '--format', 'tekst']\n"
        "cli.main()\n"
        "print(sorted(m for m in ('flask', 'waitress', 'flask_wtf', 'itsdangerous', 'jinja2') if m in sys.modules))\n"
    )  # fmt: skip
    assert out.decode().strip().splitlines()[-1] == "[]"
