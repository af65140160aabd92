#!/usr/bin/env python3
"""Monday morning on the server: `aarshjul serve` under 32 concurrent clients.

    .venv/bin/python bench/serve_last.py [--requests 10000] [--clients 32]

The server is the command people run (`aarshjul serve`, waitress, 8 threads) on the
shipped plan with a fresh sign-off database, on 127.0.0.1. The clients run in 4 other
processes (8 threads each, so the load generator is not held by one GIL): each signs
in once with an admin link (not counted), then sends its share of the requests: 80 %
page views (the front page, a virksomhet's page, a tiltak's page, «Mine oppgaver») and
20 % sign-offs (POST /kvitter with a CSRF token; «erstatt» so every one is accepted).
Printed: p50/p95/p99 latency, requests per second, error responses, and lost or doubled
sign-offs (accepted responses against rows in the database).

Beside it, in the same run and the same way: a one-line Flask route on the same waitress
settings (`bench/serve_last.py --gulv`), the stack's own floor. The difference is what
our pages cost.
"""

from __future__ import annotations

import argparse
import http.client
import multiprocessing
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
IDAG = "07.12.2026"


def ledig_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def vent_paa(port: int, prosess: subprocess.Popen[bytes], feil: Path) -> None:
    for _ in range(300):
        if prosess.poll() is not None:
            raise SystemExit(f"serveren stoppet: {feil.read_text(errors='replace')}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("serveren svarte ikke")


class Klient:
    """One connection with keep-alive and the session cookie, as a browser has."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.con = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookie = ""

    def be(self, metode: str, sti: str, data: dict[str, str] | None = None) -> tuple[int, str]:
        hoder = {"Cookie": self.cookie} if self.cookie else {}
        body = None
        if data is not None:
            body = urllib.parse.urlencode(data)
            hoder["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            self.con.request(metode, sti, body=body, headers=hoder)
            svar = self.con.getresponse()
        except (http.client.HTTPException, OSError):
            self.con.close()
            self.con = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            self.con.request(metode, sti, body=body, headers=hoder)
            svar = self.con.getresponse()
        tekst = svar.read().decode("utf-8", "replace")
        kake = svar.getheader("Set-Cookie")
        if kake:
            self.cookie = kake.split(";", 1)[0]
        return svar.status, tekst


def csrf(html: str) -> str:
    m = re.search(r'name="csrf_token" value="([^"]+)"', html)
    return m.group(1) if m else ""


def arbeider(port: int, lenke: str | None, oppgaver: list[tuple[str, str, dict[str, str] | None]],
             traader: int, ut: multiprocessing.Queue) -> None:  # fmt: skip
    """One client process: `traader` threads share its requests; puts (latencies, errors, accepted)."""
    deler = [oppgaver[i::traader] for i in range(traader)]
    resultat: list[tuple[list[float], int, int]] = []

    def traad(mine: list[tuple[str, str, dict[str, str] | None]]) -> None:
        k = Klient(port)
        token = ""
        if lenke is not None:
            _, side = k.be("GET", lenke)
            _, side = k.be("POST", lenke, {"csrf_token": csrf(side)})
            _, side = k.be("GET", "/mine")
            token = csrf(side)
        tider: list[float] = []
        feil, godtatt = 0, 0
        for metode, sti, data in mine:
            if data is not None:
                data = {**data, "csrf_token": token}
            t = time.perf_counter()
            status, _ = k.be(metode, sti, data)
            # A sign-off's time is stored negative, to tell the two kinds apart afterwards.
            tider.append((time.perf_counter() - t) * (-1 if data is not None else 1))
            if status >= 400:
                feil += 1
            elif data is not None and status == 303:
                godtatt += 1
        resultat.append((tider, feil, godtatt))

    ts = [threading.Thread(target=traad, args=(d,)) for d in deler]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    ut.put(([x for r in resultat for x in r[0]], sum(r[1] for r in resultat), sum(r[2] for r in resultat)))


def last(port: int, lenke: str | None, oppgaver: list[tuple[str, str, dict[str, str] | None]],
         klienter: int) -> tuple[list[float], int, int, float]:  # fmt: skip
    prosesser = 4
    q: multiprocessing.Queue = multiprocessing.Queue()
    ps = [multiprocessing.Process(target=arbeider, args=(port, lenke, oppgaver[i::prosesser], klienter // prosesser, q))
          for i in range(prosesser)]  # fmt: skip
    t = time.perf_counter()
    for p in ps:
        p.start()
    svar = [q.get() for _ in ps]
    varighet = time.perf_counter() - t
    for p in ps:
        p.join()
    return [x for s in svar for x in s[0]], sum(s[1] for s in svar), sum(s[2] for s in svar), varighet


def sider_og_kvitteringer(n: int) -> list[tuple[str, str, dict[str, str] | None]]:
    """n requests, 80 % page views and 20 % sign-offs, in a fixed random order."""
    from datetime import date

    from aarshjul.engine.expand import expand
    from aarshjul.engine.followup import kvitterende
    from aarshjul.plan.loader import load_plan

    plan = load_plan(REPO / "data" / "plan.yaml")
    sider = ["/", "/mine"] + [f"/virksomhet-{k}.html" for k in plan.virksomheter] + \
        [f"/tiltak-{t.id}.html" for t in plan.tiltak]  # fmt: skip
    forekomster = [f for f in expand(plan, date(2025, 8, 1), date(2026, 12, 7)) if f.type.value != "aktivitet"]
    rnd = random.Random(2026)
    ut: list[tuple[str, str, dict[str, str] | None]] = []
    for _ in range(n):
        if rnd.random() < 0.2:
            f = rnd.choice(forekomster)
            v = (kvitterende(plan, f) or ("",))[0]
            ut.append(("POST", "/kvitter", {"id": f.id, "virksomhet": v, "erstatt": "ja"}))
        else:
            ut.append(("GET", rnd.choice(sider), None))
    return ut


def skriv(navn: str, tider: list[float], feil: int, varighet: float) -> None:
    q = statistics.quantiles(tider, n=100)
    print(f"  {navn:<34} p50 {q[49] * 1000:6.1f} ms  p95 {q[94] * 1000:6.1f} ms  p99 {q[98] * 1000:6.1f} ms  "
          f"{len(tider) / varighet:6.0f} forespørsler/s  feilsvar {feil}")  # fmt: skip


def gulv_app() -> None:
    """`--gulv`: the one-line Flask route on waitress with serve's settings."""
    from flask import Flask
    from waitress import serve

    app = Flask(__name__)
    app.add_url_rule("/", "ok", lambda: "ok")
    serve(app, host="127.0.0.1", port=int(sys.argv[2]), threads=8, ident="aarshjul", _quiet=True)


@dataclass
class Lastmaaling:
    """One load: latencies in seconds, error responses, wall time; for serve also the
    accepted sign-offs and the rows the database got."""

    tider: list[float]  # a sign-off's time is negative (arbeider)
    feil: int
    varighet: float
    godtatt: int = 0
    rader: int = 0

    def kvantil(self, p: int, hva: str = "alle") -> float:
        tider = [abs(t) for t in self.tider if hva == "alle" or (t < 0) == (hva == "kvitteringer")]
        return statistics.quantiles(tider, n=100)[p - 1]

    @property
    def per_s(self) -> float:
        return len(self.tider) / self.varighet


def maal_serve(aarshjul: Path, requests: int, clients: int) -> tuple[Lastmaaling, Lastmaaling]:
    """`aarshjul serve` under the Monday-morning load, then the floor the same way."""
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "XDG_DATA_HOME": tmp, "XDG_CONFIG_HOME": tmp, "AARSHJUL_DB": f"{tmp}/k.sqlite"}
        env.pop("AARSHJUL_CONFIG", None)
        lenke = subprocess.run([str(aarshjul), "lenke", "--admin", "--url", "http://x"], env=env, check=True,
                               capture_output=True, text=True).stdout.strip()  # fmt: skip
        sti = urllib.parse.urlsplit(lenke).path
        oppgaver = sider_og_kvitteringer(requests)
        port = ledig_port()
        # stderr to a file, not a pipe nobody reads: waitress logs «Task queue depth» under
        # load, and a full pipe blocked its main thread (the whole server) in that write.
        feilfil = Path(tmp) / "serve.err"
        with feilfil.open("wb") as ut:
            server = subprocess.Popen([str(aarshjul), "--today", IDAG, "serve", "--port", str(port)], env=env,
                                      stdout=subprocess.DEVNULL, stderr=ut)  # fmt: skip
        try:
            vent_paa(port, server, feilfil)
            tider, feil, godtatt, varighet = last(port, sti, oppgaver, clients)
        finally:
            server.terminate()
            server.wait(timeout=30)
        from aarshjul.storage.store import read_rows

        rader = sum(r["handling"] == "kvittert" for r in read_rows(Path(tmp) / "k.sqlite"))
        serve = Lastmaaling(tider, feil, varighet, godtatt, rader)
    port = ledig_port()
    with tempfile.TemporaryDirectory() as tmp:
        feilfil = Path(tmp) / "gulv.err"
        with feilfil.open("wb") as ut:
            gulv = subprocess.Popen([sys.executable, __file__, "--gulv-app", str(port)], stdout=subprocess.DEVNULL,
                                    stderr=ut)  # fmt: skip
        return serve, _gulv(port, gulv, feilfil, requests, clients)


def _gulv(port: int, gulv: subprocess.Popen[bytes], feil: Path, requests: int, clients: int) -> Lastmaaling:
    try:
        vent_paa(port, gulv, feil)
        tider, antall_feil, _, varighet = last(port, None, [("GET", "/", None)] * requests, clients)
    finally:
        gulv.terminate()
        gulv.wait(timeout=30)
    return Lastmaaling(tider, antall_feil, varighet)


def skriv_serve(serve: Lastmaaling, gulv: Lastmaaling, requests: int, clients: int) -> None:
    print(f"   {requests} forespørsler (80 % sider, 20 % kvitteringer), {clients} samtidige klienter i 4 prosesser")
    for navn, m in (("aarshjul serve (planen som følger med)", serve), ("gulv: Flask-rute «ok» på waitress", gulv)):
        print(f"   {navn:<38} p50 {m.kvantil(50) * 1000:6.1f} ms  p95 {m.kvantil(95) * 1000:6.1f} ms  "
              f"p99 {m.kvantil(99) * 1000:6.1f} ms  {m.per_s:6.0f}/s  feilsvar {m.feil}")  # fmt: skip
    for hva in ("sider", "kvitteringer"):
        p50, p95, p99 = (serve.kvantil(p, hva) * 1000 for p in (50, 95, 99))
        print(f"     {hva:<36} p50 {p50:6.1f} ms  p95 {p95:6.1f} ms  p99 {p99:6.1f} ms")
    print(f"   kvitteringer godtatt {serve.godtatt}, rader i databasen {serve.rader}: "
          f"{'ingen tapt eller doblet' if serve.godtatt == serve.rader else f'AVVIK {serve.rader - serve.godtatt:+d}'}")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--requests", type=int, default=10_000)
    ap.add_argument("--clients", type=int, default=32)
    args = ap.parse_args()
    serve, gulv = maal_serve(Path(sys.executable).with_name("aarshjul"), args.requests, args.clients)
    print("serve under last:")
    skriv_serve(serve, gulv, args.requests, args.clients)
    return 0


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--gulv-app":
        gulv_app()
    else:
        sys.exit(main())
