#!/usr/bin/env python3
"""The workloads that count for aarshjul, each against its target.

    .venv/bin/python bench/run.py            # the full run: ~5 minutes on 2 cores
    .venv/bin/python bench/run.py --quick    # smoke version: a few seconds, rough numbers, small city

Run it with the python of a venv where aarshjul is installed (`pip install -e '.[test]'`
also installs khal): every command is a whole process started through that venv's
console script `aarshjul`, the path a leader's shell and cron take.

1. A leader at a terminal, on the shipped plan: `aarshjul next --virksomhet barnehage
   --format tekst` against the floor `<same python> -c pass` and against
   `khal list today 30d` on the same events (barnehage's own ICS from `aarshjul ics
   --alle`, split into a vdir). After the warm-up the three run in rounds, A B C A B C
   ..., so drift of the machine (frequency, other load) hits all of them; a ratio is
   median / median over the same rounds. Without khal the row says it was skipped.
2. The largest real kommune, nightly, on the big-city plan of bench/storby.py:
   `publiser` into an empty folder (a new one for every run) and again into the folder
   it wrote (nothing changed); `ics --alle` the same two ways: a first night, and cron's
   every night after (the folder and its manifest from the night before). Seconds are
   the median of the runs after the warm-up; they depend on the host's tempo, which is
   printed before and after.
3. A plan ten times the big city, 5,005 virksomheter and 572 tiltak (bench/storby.py
   --bydeler 143):
   `publiser` into an empty folder. Its memory must not grow with the site (each page is
   written before the next is made), and a page's cost not with the other virksomheter.

Peak memory is the child's own ru_maxrss from os.wait4 (the largest single process),
so nothing outside the standard library is needed. Each target is printed as
"oppfylt" with its margin or "ikke oppfylt" with by how much. Missed targets do not
change the exit code; a command that fails does (1).

Everything is written into one temporary folder, removed at the end: the commands get
XDG_CACHE_HOME and XDG_DATA_HOME there (no sign-off database, nothing left in $HOME).
Timings are read here by a person, never asserted by a test.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from storby import skriv_storby  # noqa: E402  (a sibling script, not a package)

REPO = Path(__file__).resolve().parent.parent
MiB = 1024 * 1024
NEXT_ARGS = ["next", "--virksomhet", "barnehage", "--format", "tekst"]
VIRKSOMHET = "barnehage"  # whose events khal gets: the ones `next --virksomhet barnehage` shows

# --- running one process ----------------------------------------------------------


@dataclass
class Maaling:
    sekunder: float
    maks_mib: float
    stdout: str


class KjoeringFeilet(Exception):
    pass


def kjoer(argv: list[str], env: dict[str, str], cwd: Path) -> Maaling:
    """Run argv once: wall time from just before the fork to the reaped exit, and the
    child's own peak resident set size (ru_maxrss is in KiB on Linux). stdout goes to a
    file, as `> fil` from cron."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out, stderr=err, env=env, cwd=cwd)
        _, status, ru = os.wait4(p.pid, 0)
        t1 = time.perf_counter()
        p.returncode = os.waitstatus_to_exitcode(status)
        if p.returncode != 0:
            err.seek(0)
            tekst = err.read().decode("utf-8", "replace").strip().splitlines()
            raise KjoeringFeilet(f"{' '.join(argv)} -> exit {p.returncode}: {' | '.join(tekst[-3:])}")
        out.seek(0)
        return Maaling(t1 - t0, ru.ru_maxrss / 1024, out.read().decode("utf-8", "replace"))


def runder(
    kommandoer: dict[str, list[str]], env: dict[str, str], cwd: Path, runs: int, warmup: int
) -> dict[str, list[Maaling]]:
    """warmup rounds, then runs rounds of every command in turn (A B C A B C ...)."""
    for _ in range(warmup):
        for argv in kommandoer.values():
            kjoer(argv, env, cwd)
    maalt: dict[str, list[Maaling]] = {navn: [] for navn in kommandoer}
    for _ in range(runs):
        for navn, argv in kommandoer.items():
            maalt[navn].append(kjoer(argv, env, cwd))
    return maalt


def median_s(ms: list[Maaling]) -> float:
    return statistics.median(m.sekunder for m in ms)


def maks_mib(ms: list[Maaling]) -> float:
    return max(m.maks_mib for m in ms)


# --- targets ----------------------------------------------------------------------


@dataclass
class Maal:
    navn: str
    grense: float
    enhet: str  # "×", " s", " MiB"
    verdi: float | None = None
    fmt: str = ".2f"
    uten_dom: str = ""  # why there is no verdict (skipped, failed, --quick)

    def tekst(self, x: float, fmt: str = "") -> str:
        return f"{x:{fmt or self.fmt}}{self.enhet}"

    def dom(self) -> str:
        if self.uten_dom:
            return self.uten_dom
        assert self.verdi is not None
        if self.verdi <= self.grense:
            return f"oppfylt ({self.tekst(self.grense - self.verdi)} til gode)"
        over = self.verdi - self.grense
        if not self.grense:
            return f"IKKE OPPFYLT: {self.tekst(over)}"
        return f"IKKE OPPFYLT: {self.tekst(over)} over (+{over / self.grense * 100:.0f} %)"


def skriv_maal(maal: list[Maal]) -> None:
    w = max(len(m.navn) for m in maal)
    head = f"{'mål':<{w}}  {'målt':>9}  {'krav':>11}  resultat"
    print(head)
    print("-" * (len(head) + 30))
    for m in maal:
        verdi = "—" if m.verdi is None else m.tekst(m.verdi)
        print(f"{m.navn:<{w}}  {verdi:>9}  {'≤ ' + m.tekst(m.grense, 'g'):>11}  {m.dom()}")
    print()


# --- the host ---------------------------------------------------------------------


def maskin() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (f"Maskin: {os.cpu_count()} kjerner ({cpu}), {platform.system()} {platform.release()}, "
            f"Python {platform.python_version()} ({sys.executable})")  # fmt: skip


def commit() -> str:
    try:
        sha = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
                             capture_output=True, text=True, check=True).stdout.strip()  # fmt: skip
        endret = subprocess.run(["git", "-C", str(REPO), "status", "--porcelain", "--untracked-files=no"],
                                capture_output=True, text=True, check=True).stdout.strip()  # fmt: skip
    except (OSError, subprocess.CalledProcessError):
        return "ukjent commit"
    return f"commit {sha}" + (" (med endringer som ikke er committet)" if endret else "")


def last() -> str:
    if not hasattr(os, "getloadavg"):
        return "ukjent"
    return ", ".join(f"{x:.2f}" for x in os.getloadavg())


def verts_tempo(env: dict[str, str], ganger: int) -> str:
    """How fast the host is right now: a fixed loop of pure Python in a new process, the
    median of a few runs. The same machine has given 0.13 s in a fast phase and 0.24-0.35 s in slow
    ones: seconds from different phases are not comparable, ratios from one round are."""
    argv = [sys.executable, "-c", "sum(range(10**7))"]
    t = statistics.median(kjoer(argv, env, Path.cwd()).sekunder for _ in range(ganger))
    return f'python -c "sum(range(10**7))" {t:.3f} s (median av {ganger}); last (1, 5, 15 min) {last()}'


def barne_env(tmp: Path) -> dict[str, str]:
    """The environment of every child: the user's, minus what changes aarshjul's output
    or speed, with caches and data in the temporary folder."""
    env = dict(os.environ)
    for navn in ("NO_COLOR", "PYTHONPROFILEIMPORTTIME", "AARSHJUL_PLAN", "AARSHJUL_DB"):
        env.pop(navn, None)
    # An installed package has its bytecode compiled; without the cache every run would
    # compile aarshjul's sources again.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["XDG_CACHE_HOME"] = str(tmp / "cache")
    env["XDG_DATA_HOME"] = str(tmp / "data")
    return env


def finn_program(navn: str) -> Path | None:
    """A console script beside this interpreter (the venv's own), else on PATH."""
    script = Path(sys.executable).parent / navn
    if script.is_file():
        return script
    funnet = shutil.which(navn)
    return Path(funnet) if funnet else None


# --- 1. a leader at a terminal ----------------------------------------------------


def lag_vdir(ics: Path, vdir: Path) -> int:
    """Split one VCALENDAR into one .ics file per VEVENT (the vdir layout khal reads)."""
    tekst = ics.read_text(encoding="utf-8")
    linjer = tekst.replace("\r\n", "\n").split("\n")
    hode: list[str] = []
    tz: list[str] = []
    events: list[list[str]] = []
    cur: list[str] | None = None
    in_tz = False
    for line in linjer:
        if line == "BEGIN:VTIMEZONE":
            in_tz = True
        if in_tz:
            tz.append(line)
            if line == "END:VTIMEZONE":
                in_tz = False
            continue
        if line == "BEGIN:VEVENT":
            cur = []
        if cur is not None:
            cur.append(line)
            if line == "END:VEVENT":
                events.append(cur)
                cur = None
        elif line.startswith(("VERSION:", "PRODID:")):
            hode.append(line)
    vdir.mkdir(parents=True, exist_ok=True)
    for i, ev in enumerate(events):
        body = ["BEGIN:VCALENDAR", *hode, *tz, *ev, "END:VCALENDAR", ""]
        (vdir / f"{i:06d}.ics").write_text("\r\n".join(body), encoding="utf-8")
    return len(events)


def khal_oppsett(
    khal: Path, aarshjul: list[str], env: dict[str, str], tmp: Path
) -> tuple[list[str], int]:
    """A khal config over a vdir of the virksomhet's own events from `aarshjul ics --alle`."""
    ics_dir = tmp / "khal-ics"
    kjoer([*aarshjul, "ics", "--alle", "-o", str(ics_dir)], env, tmp)
    vdir = tmp / "vdir"
    antall = lag_vdir(ics_dir / f"{VIRKSOMHET}.ics", vdir)
    konfig = tmp / "khal.conf"
    konfig.write_text(
        f"[calendars]\n[[aarshjul]]\npath = {vdir}\ntype = calendar\n"
        "[locale]\ntimeformat = %H:%M\ndateformat = %d.%m.%Y\nlongdateformat = %d.%m.%Y\n"
        "datetimeformat = %d.%m.%Y %H:%M\nlongdatetimeformat = %d.%m.%Y %H:%M\n"
        "local_timezone = Europe/Oslo\ndefault_timezone = Europe/Oslo\n"
        f"[sqlite]\npath = {tmp / 'khal.db'}\n",
        encoding="utf-8",
    )
    return [str(khal), "-c", str(konfig), "list", "today", "30d"], antall


def ved_terminalen(args: argparse.Namespace, tmp: Path, env: dict[str, str], aarshjul: list[str]) -> list[Maal]:
    gulv = [sys.executable, "-c", "pass"]
    kommandoer = {"gulv": gulv, "next": [*aarshjul, *NEXT_ARGS]}
    plan = str(args.plan) if args.plan else "planen som følger med"
    print(f"1. Ved terminalen ({plan}): runder A B C etter {args.warmup} oppvarming(er), "
          f"{args.runs} målte runder")  # fmt: skip
    print(f"   A = {' '.join(gulv)}")
    print(f"   B = aarshjul {' '.join(NEXT_ARGS)}")

    khal_maal = Maal("next … tekst / khal list today 30d", 0.35, "×")
    khal = finn_program("khal")
    khal_navn = "khal list today 30d"
    if args.no_khal:
        khal_maal.uten_dom = "hoppet over (--no-khal)"
    elif khal is None:
        khal_maal.uten_dom = "hoppet over: khal er ikke installert (pip install -e '.[test]')"
    else:
        try:
            kommandoer["khal"], antall = khal_oppsett(khal, aarshjul, env, tmp)
            khal_navn = f"khal list today 30d ({antall} hendelser for {VIRKSOMHET} i vdir)"
            print(f"   C = {khal} list today 30d, på {VIRKSOMHET}.ics fra `aarshjul ics --alle` ({antall} hendelser)")
        except KjoeringFeilet as e:
            khal_maal.uten_dom = f"hoppet over: {e}"
    if khal_maal.uten_dom:
        print(f"   C = khal: {khal_maal.uten_dom}")
    print()

    maalt = runder(kommandoer, env, tmp, args.runs, args.warmup)
    # --help is for information only: a third of the rounds.
    hjelp = runder({"gulv": gulv, "help": [*aarshjul, "--help"]}, env, tmp, max(args.runs // 3, 1), args.warmup)

    rader = [
        ("python -c pass (gulv)", maalt["gulv"], maalt["gulv"]),
        (f"aarshjul {' '.join(NEXT_ARGS)}", maalt["next"], maalt["gulv"]),
    ]
    if "khal" in maalt:
        rader.append((khal_navn, maalt["khal"], maalt["gulv"]))
    rader.append(("aarshjul --help (info, egne runder mot gulvet)", hjelp["help"], hjelp["gulv"]))
    w = max(len(r[0]) for r in rader)
    head = f"{'kommando':<{w}}  {'median':>9}  {'× gulv':>7}  {'maks minne':>10}  utdata"
    print(head)
    print("-" * len(head))
    for navn, ms, gulv_ms in rader:
        linjer = len([x for x in ms[-1].stdout.splitlines() if x.strip()])
        print(f"{navn:<{w}}  {median_s(ms) * 1000:>6.1f} ms  {median_s(ms) / median_s(gulv_ms):>6.2f}×  "
              f"{maks_mib(ms):>6.1f} MiB  {linjer} linjer")  # fmt: skip
    print("× gulv = median / median for gulvet i de samme rundene. Maks minne kan ikke leses lavere enn")
    print("gulvets: Linux gir en ny prosess toppen til prosessen den ble startet fra.")
    print()

    next_s = median_s(maalt["next"])
    maal = [Maal("next … tekst / python -c pass", 10.0, "×", next_s / median_s(maalt["gulv"]))]
    if "khal" in maalt:
        khal_maal.verdi = next_s / median_s(maalt["khal"])
    maal.append(khal_maal)
    return maal


# --- 2. the largest kommune, nightly ----------------------------------------------


def tell_plan(plan: Path) -> str:
    """What the written plan holds, counted from its text."""
    tekst = plan.read_text(encoding="utf-8")
    enheter = re.findall(r"^  \w+: \{navn:.*$", tekst, flags=re.M)
    grupper = sum("medlemmer:" in e for e in enheter)
    tiltak = len(re.findall(r"^  - id:", tekst, flags=re.M))
    hendelser = len(re.findall(r"^      - id:", tekst, flags=re.M))
    return (f"{len(enheter) - grupper} virksomheter og {grupper} grupper, {tiltak} tiltak, "
            f"{hendelser} hendelser, {plan.stat().st_size / 1024:.0f} kB")  # fmt: skip


def siste_linje(m: Maaling, mappe: Path) -> str:
    linjer = [x for x in m.stdout.splitlines() if x.strip()]
    return linjer[-1].replace(str(mappe), "MAPPE") if linjer else ""


def storby_maal(
    tom: list[Maaling], igjen: list[Maaling], ics_tom: list[Maaling], ics: list[Maaling]
) -> list[Maal]:
    """The nightly targets; without measurements, rows with no value. The target for
    `ics --alle` (5 s) holds for a first night (empty folder) and every night after."""
    return [
        Maal("publiser -o TOM_MAPPE: tid", 15.0, " s", median_s(tom) if tom else None),
        Maal("publiser -o TOM_MAPPE: maks minne", 300.0, " MiB", maks_mib(tom) if tom else None, ".0f"),
        Maal("publiser på nytt, uendret: tid", 10.0, " s", median_s(igjen) if igjen else None),
        Maal("ics --alle -o TOM_MAPPE: tid", 5.0, " s", median_s(ics_tom) if ics_tom else None),
        Maal("ics --alle -o SAMME_MAPPE: tid", 5.0, " s", median_s(ics) if ics else None),
    ]


SVAER_BYDELER = 143  # x 35 = 5,005 virksomheter


def svaer_maal(tom: list[Maaling]) -> list[Maal]:
    """The targets of the plan with 5,005 virksomheter; without measurements, no value."""
    return [
        Maal("publiser 5005 virksomheter: tid", 60.0, " s", median_s(tom) if tom else None),
        Maal("publiser 5005 virksomheter: maks minne", 300.0, " MiB", maks_mib(tom) if tom else None, ".0f"),
    ]


def svaer_plan(args: argparse.Namespace, tmp: Path, env: dict[str, str], program: str) -> list[Maal]:
    plan = tmp / "svaer.yaml"
    bydeler = 2 if args.quick else SVAER_BYDELER
    skriv_storby(plan, bydeler=bydeler, tiltak=4 * bydeler)  # 4 per bydel, as in the city
    liten = "  (--quick: 2 bydeler)" if args.quick else ""
    print(f"3. Svær plan (bench/storby.py --bydeler {bydeler}: {tell_plan(plan)}){liten}")
    print(f"   median av {args.nightly_runs} kjøringer etter {args.nightly_warmup} oppvarming(er)")
    print()
    tom, nett = i_tomme_mapper([program, "--plan", str(plan), "publiser", "-o"], "svaer", args, env, tmp)
    spenn = f"{min(m.sekunder for m in tom):.2f}–{max(m.sekunder for m in tom):.2f} s"
    navn = "publiser -o TOM_MAPPE"
    head = f"{'kommando':<{len(navn)}}  {'median':>8}  {'min–maks':>13}  {'maks minne':>10}  utdata"
    print(head)
    print("-" * len(head))
    print(f"{navn}  {median_s(tom):>6.2f} s  {spenn:>13}  {maks_mib(tom):>6.0f} MiB  {siste_linje(tom[-1], nett)}")
    print()
    shutil.rmtree(nett)
    maal = svaer_maal(tom)
    if args.quick:
        for m in maal:
            m.uten_dom = "ikke vurdert: --quick bruker en liten plan"
    return maal


def i_tomme_mapper(
    argv: list[str], navn: str, args: argparse.Namespace, env: dict[str, str], tmp: Path
) -> tuple[list[Maaling], Path]:
    """argv + a new empty folder for every run (warm-ups first); each folder but the last is
    removed between runs, outside the timing, so the disk does not fill up. Returns the
    measured runs and the last folder."""
    maalt: list[Maaling] = []
    forrige: Path | None = None
    for i in range(args.nightly_warmup + args.nightly_runs):
        mappe = tmp / f"{navn}-{i}"
        m = kjoer([*argv, str(mappe)], env, tmp)
        if i >= args.nightly_warmup:
            maalt.append(m)
        if forrige is not None:
            shutil.rmtree(forrige)
        forrige = mappe
    assert forrige is not None
    return maalt, forrige


def om_natten(args: argparse.Namespace, tmp: Path, env: dict[str, str], program: str) -> list[Maal]:
    plan = tmp / "storby.yaml"
    if args.quick:
        skriv_storby(plan, bydeler=1, tiltak=3)
    else:
        skriv_storby(plan)
    aarshjul = [program, "--plan", str(plan)]
    liten = "  (--quick: 1 bydel, 3 tiltak)" if args.quick else ""
    print(f"2. Storby om natten (bench/storby.py: {tell_plan(plan)}){liten}")
    print(f"   median av {args.nightly_runs} kjøringer etter {args.nightly_warmup} oppvarming(er), "
          "én kommando om gangen")
    print()

    rader: list[tuple[str, list[Maaling], str]] = []
    tom, nett = i_tomme_mapper([*aarshjul, "publiser", "-o"], "nett", args, env, tmp)
    rader.append(("publiser -o TOM_MAPPE", tom, siste_linje(tom[-1], nett)))
    # The same again into the folder the last run wrote: nothing has changed.
    igjen = runder({"p": [*aarshjul, "publiser", "-o", str(nett)]}, env, tmp,
                   args.nightly_runs, args.nightly_warmup)["p"]  # fmt: skip
    rader.append(("publiser -o SAMME_MAPPE (uendret)", igjen, siste_linje(igjen[-1], nett)))
    shutil.rmtree(nett)
    ics_tom, ics_mappe = i_tomme_mapper([*aarshjul, "ics", "--alle", "-o"], "ics", args, env, tmp)
    filer = sum(1 for _ in ics_mappe.glob("*.ics"))
    mib = sum(f.stat().st_size for f in ics_mappe.iterdir()) / MiB
    rader.append(("ics --alle -o TOM_MAPPE", ics_tom, f"{filer} filer, {mib:.0f} MiB"))
    # cron's case: the folder of the night before, with its manifest.
    ics = runder({"i": [*aarshjul, "ics", "--alle", "-o", str(ics_mappe)]}, env, tmp,
                 args.nightly_runs, args.nightly_warmup)["i"]  # fmt: skip
    rader.append(("ics --alle -o SAMME_MAPPE (natten før)", ics, ""))

    w = max(len(r[0]) for r in rader)
    head = f"{'kommando':<{w}}  {'median':>8}  {'min–maks':>13}  {'maks minne':>10}  utdata"
    print(head)
    print("-" * len(head))
    for navn, ms, tekst in rader:
        spenn = f"{min(m.sekunder for m in ms):.2f}–{max(m.sekunder for m in ms):.2f} s"
        print(f"{navn:<{w}}  {median_s(ms):>6.2f} s  {spenn:>13}  {maks_mib(ms):>6.0f} MiB  {tekst}".rstrip())
    print()

    maal = storby_maal(tom, igjen, ics_tom, ics)
    if args.quick:
        for m in maal:
            m.uten_dom = "ikke vurdert: --quick bruker en liten storby"
    return maal


# --- main -------------------------------------------------------------------------


def send_maal(ms: list[Maaling]) -> list[Maal]:
    return [
        Maal("send storby (én mottaker per virksomhet): tid", 30.0, " s", median_s(ms) if ms else None),
        Maal("send storby: maks minne", 300.0, " MiB", maks_mib(ms) if ms else None, ".0f"),
    ]


def send_storby(args: argparse.Namespace, tmp: Path, env: dict[str, str], program: str) -> list[Maal]:
    """5. `aarshjul send` for the big city, one recipient per virksomhet, into an SMTP sink
    on 127.0.0.1 (aiosmtpd, which only counts): the whole run as cron starts it, for the
    week of 21.09.2026, when the September deadlines' varsel has begun for every unit
    (most weeks of the synthetic plan are quiet and would send little)."""
    import re as re_
    import socket

    from aiosmtpd.controller import Controller

    plan = tmp / "send-storby.yaml"
    skriv_storby(plan, bydeler=1, tiltak=3) if args.quick else skriv_storby(plan)
    keys = [m.group(1) for m in re_.finditer(r"^  ([a-z0-9_]+): \{navn:", plan.read_text("utf-8"), re_.M)]
    teller = {"n": 0}

    class Sluk:
        async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
            teller["n"] += 1
            return "250 OK"

    with socket.socket() as sk:
        sk.bind(("127.0.0.1", 0))
        port = sk.getsockname()[1]
    c = Controller(Sluk(), hostname="127.0.0.1", port=port)
    c.start()
    maalinger = []
    try:
        for i in range(args.nightly_warmup + args.nightly_runs):
            cfg = tmp / f"send-{i}.toml"
            mottakere = "".join(f'{k} = ["leder.{k}@kommune.example"]\n' for k in keys)
            cfg.write_text(f'database = "send-{i}.sqlite"\n[nettsted]\nurl = "https://intranett.kommune.example"\n'
                           f'[epost]\nfra = "aarshjul@kommune.example"\nsmtp_vert = "127.0.0.1"\nsmtp_port = {port}\n'
                           f'sikkerhet = "ingen"\n[mottakere]\n{mottakere}', encoding="utf-8")  # fmt: skip
            m = kjoer([program, "--plan", str(plan), "--today", "21.09.2026", "send", "--config", str(cfg)], env, tmp)
            if i >= args.nightly_warmup:
                maalinger.append(m)
    finally:
        c.stop()
    liten = "  (--quick: 1 bydel)" if args.quick else ""
    print(f"5. send for storbyen (bench/storby.py: {len(keys)} virksomheter og grupper med én mottaker hver){liten}")
    print(f"   {median_s(maalinger):.2f} s (median av {len(maalinger)}), maks minne {maks_mib(maalinger):.0f} MiB, "
          f"{teller['n'] // max(1, args.nightly_warmup + args.nightly_runs)} e-poster per kjøring til SMTP-sluket")
    print()
    maal = send_maal(maalinger)
    if args.quick:
        for x in maal:
            x.uten_dom = "ikke vurdert: --quick"
    return maal


def serve_maal(m: Any) -> list[Maal]:
    """The server's targets (bench/serve_last.py); without a measurement, no value."""
    return [
        Maal("serve: p95 under 32 klienter", 150.0, " ms", m.kvantil(95) * 1000 if m else None, ".0f"),
        Maal("serve: feilsvar", 0.0, "", float(m.feil) if m else None, ".0f"),
        Maal("serve: tapte eller doble kvitteringer", 0.0, "", float(abs(m.rader - m.godtatt)) if m else None, ".0f"),
    ]


def serve_last(args: argparse.Namespace, program: Path) -> list[Maal]:
    """4. Monday morning on the server: `aarshjul serve` under 32 clients, beside the floor."""
    from serve_last import maal_serve, skriv_serve

    requests = 500 if args.quick else 10_000
    print("4. serve en mandag morgen (bench/serve_last.py)" + ("  (--quick: 500 forespørsler)" if args.quick else ""))
    serve, gulv = maal_serve(program, requests, 32)
    skriv_serve(serve, gulv, requests, 32)
    print()
    maal = serve_maal(serve)
    if args.quick:  # 500 requests: too few for a p95 to judge
        for m in maal:
            m.uten_dom = "ikke vurdert: --quick"
    return maal


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="bench/run.py",
        description="Måler arbeidsoppgavene som teller for aarshjul, hver mot sitt mål. Kjør med "
        "Python fra en venv der aarshjul er installert.",
    )
    p.add_argument("--quick", action="store_true", help="røyktest på noen sekunder: få kjøringer, liten storby")
    p.add_argument("--runs", type=int, help="målte runder ved terminalen (standard 15, --quick 2)")
    p.add_argument("--warmup", type=int, help="oppvarmingsrunder ved terminalen (standard 2, --quick 1)")
    p.add_argument("--nightly-runs", type=int, help="målte kjøringer per nattlig kommando (standard 3, --quick 1)")
    p.add_argument("--nightly-warmup", type=int, help="oppvarminger per nattlig kommando (standard 1, --quick 0)")
    p.add_argument("--plan", type=Path, help="planen ved terminalen (standard: planen som følger med)")
    p.add_argument("--no-khal", action="store_true", help="hopp over sammenligningen med khal")
    p.add_argument("--no-nightly", action="store_true", help="hopp over storbyen om natten")
    p.add_argument("--no-huge", action="store_true", help="hopp over den svære planen (5005 virksomheter)")
    p.add_argument("--no-serve", action="store_true", help="hopp over serve under last")
    p.add_argument("--no-send", action="store_true", help="hopp over send for storbyen")
    p.add_argument("--khal", action="store_true", help=argparse.SUPPRESS)  # khal is part of every run now
    args = p.parse_args(argv)
    q = args.quick
    args.runs = args.runs or (2 if q else 15)
    args.warmup = args.warmup if args.warmup is not None else (1 if q else 2)
    args.nightly_runs = args.nightly_runs or (1 if q else 3)
    args.nightly_warmup = args.nightly_warmup if args.nightly_warmup is not None else (0 if q else 1)
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if not hasattr(os, "wait4"):
        print("bench/run.py trenger os.wait4 (Linux/macOS).", file=sys.stderr)
        return 2
    program = finn_program("aarshjul")
    if program is None or program.parent != Path(sys.executable).parent:
        print(f"Fant ikke aarshjul ved siden av {sys.executable}. Kjør med python fra venv-en der "
              "aarshjul er installert: .venv/bin/python bench/run.py", file=sys.stderr)  # fmt: skip
        return 2
    tmp = Path(tempfile.mkdtemp(prefix="aarshjul-bench-"))
    try:
        env = barne_env(tmp)
        naa = datetime.now(timezone.utc).strftime("%d.%m.%Y %H:%M UTC")
        print(f"bench/run.py{' --quick' if args.quick else ''}, {naa}, {commit()}")
        print(maskin())
        print(f"Vertens tempo før:   {verts_tempo(env, 1 if args.quick else 3)}")
        print()
        aarshjul = [str(program), *(["--plan", str(args.plan.resolve())] if args.plan else [])]
        maal = ved_terminalen(args, tmp, env, aarshjul)
        if args.no_nightly:
            print("2. Storby om natten: hoppet over (--no-nightly)")
            print()
            for m in storby_maal([], [], [], []):
                m.uten_dom = "hoppet over (--no-nightly)"
                maal.append(m)
        else:
            maal += om_natten(args, tmp, env, str(program))
        if args.no_huge:
            print("3. Svær plan: hoppet over (--no-huge)")
            print()
            for m in svaer_maal([]):
                m.uten_dom = "hoppet over (--no-huge)"
                maal.append(m)
        else:
            maal += svaer_plan(args, tmp, env, str(program))
        if args.no_serve:
            print("4. serve en mandag morgen: hoppet over (--no-serve)")
            print()
            for m in serve_maal(None):
                m.uten_dom = "hoppet over (--no-serve)"
                maal.append(m)
        else:
            maal += serve_last(args, program)
        if args.no_send:
            print("5. send for storbyen: hoppet over (--no-send)")
            print()
            for m in send_maal([]):
                m.uten_dom = "hoppet over (--no-send)"
                maal.append(m)
        else:
            maal += send_storby(args, tmp, env, str(program))
        print(f"Vertens tempo etter: {verts_tempo(env, 1 if args.quick else 3)}")
        print()
        skriv_maal(maal)
    except KjoeringFeilet as e:
        print(f"FEIL: {e}", file=sys.stderr)
        return 1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
