#!/usr/bin/env python3
"""Start-up and scaling benchmark for aarshjul (issues 7 and 17).

    python bench/run.py            # full run: ~1 minute on 2 cores
    python bench/run.py --quick    # smoke version: a few seconds, numbers are rough
    python bench/run.py --khal     # also time `khal list today 30d` on the same events

Run it with the interpreter of a venv where aarshjul is installed
(`.venv/bin/python bench/run.py`): the commands are run through that venv's
console script `aarshjul`, the path users and cron take.

Start-up: every command is a whole process. Each measured run of a command is paired
with a run of the floor, `<venv python> -c pass`, in the order A B A B ..., so drift
of the machine (frequency, other load) hits both; the ratio is median(command) /
median(floor) from the same pairs. Peak memory is the child's own ru_maxrss from
os.wait4 (stdlib `resource` fields), so nothing but the standard library is needed.

Every start-up row has a cold twin (AARSHJUL_CACHE=0: the plan read from YAML).

Scaling: synthetic plans of 20 ... 20,000 hendelser with the recurrence forms of the
real plan, each loaded and expanded over 10 years in a fresh child process, so the
peak memory is that size's own; then the same plans as the command people run,
`aarshjul next --format json > file` (time, peak RSS, µs per row; first run with an
empty plan cache, then warm), and `aarshjul ics` over the same window (µs per event).
Each target of issue 17 is printed as "oppfylt" or "ikke oppfylt med X".
The benchmark builds nothing and writes only to a
temporary folder; the commands it runs write what they always write: Python's bytecode
cache and aarshjul's plan cache (~/.cache/aarshjul, filled by the warm-up, as by the
first run of any cron line). It is not part of the test suite: timings are checked
here, by a person, never by a test.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
MiB = 1024 * 1024

# --- what is measured -------------------------------------------------------------


@dataclass
class Kommando:
    navn: str  # as shown in the table
    args: list[str]  # after the program
    maal: float | None = None  # target: at most this many times the floor
    env: dict[str, str] = field(default_factory=dict)
    modul: bool = False  # run as `python -m aarshjul` instead of the console script
    terminal: bool = False  # stdout is a pseudo-terminal of 100 columns, as at a prompt


def kommandoer(ut: Path) -> list[Kommando]:
    """The start-up table. Targets from issue 7; the rest is for information."""
    return [
        Kommando("--help", ["--help"]),
        Kommando(
            "next --virksomhet barnehage --format tekst",
            ["next", "--virksomhet", "barnehage", "--format", "tekst"],
            8.0,
        ),
        Kommando(
            "next (tabell i terminal, 100 kolonner)", ["next", "--format", "tabell"], 12.0,
            {"TERM": "xterm-256color"}, terminal=True,
        ),
        Kommando("ics --alle -o MAPPE", ["ics", "--alle", "-o", str(ut / "ics")], 15.0),
        Kommando("digest", ["digest"]),
        Kommando("wheel -o hjul.svg", ["wheel", "-o", str(ut / "hjul.svg")]),
        Kommando(
            "python -m aarshjul next ... --format tekst",
            ["next", "--virksomhet", "barnehage", "--format", "tekst"],
            modul=True,
        ),
    ]


KORTNAVN = {  # for --commands
    "help": "--help",
    "next-tekst": "next --virksomhet barnehage --format tekst",
    "next-tabell": "next (tabell i terminal, 100 kolonner)",
    "ics": "ics --alle -o MAPPE",
    "digest": "digest",
    "wheel": "wheel -o hjul.svg",
    "modul": "python -m aarshjul next ... --format tekst",
}

# --- running one process ----------------------------------------------------------


@dataclass
class Maaling:
    sekunder: float
    maks_mib: float
    cpu: float = 0.0  # user + system seconds, the process and the children it reaped


class KjoeringFeilet(Exception):
    pass


def kjoer(
    argv: list[str], env: dict[str, str], cwd: Path, stdout: int | None = subprocess.DEVNULL,
    terminal: bool = False,
) -> Maaling:
    """Run argv once; wall time from just before the fork to the reaped exit, and the
    child's own peak resident set size (ru_maxrss is in KiB on Linux). With terminal,
    stdout is a 100-column pseudo-terminal that a thread reads, as a terminal would."""
    with tempfile.TemporaryFile() as err:
        leser = None
        if terminal:
            master, slave = _pty(100, 40)
            stdout = slave
        t0 = time.perf_counter()
        p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=stdout, stderr=err, env=env, cwd=cwd)
        if terminal:
            os.close(slave)
            leser = threading.Thread(target=_les_alt, args=(master,))
            leser.start()
        _, status, ru = os.wait4(p.pid, 0)
        t1 = time.perf_counter()
        if leser is not None:
            leser.join()
        p.returncode = os.waitstatus_to_exitcode(status)
        if p.returncode != 0:
            err.seek(0)
            tekst = err.read().decode("utf-8", "replace").strip().splitlines()
            raise KjoeringFeilet(f"{' '.join(argv)} -> exit {p.returncode}: {' | '.join(tekst[-3:])}")
    return Maaling(t1 - t0, ru.ru_maxrss / 1024, ru.ru_utime + ru.ru_stime)


def _pty(kolonner: int, rader: int) -> tuple[int, int]:
    import fcntl
    import pty
    import struct
    import termios

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rader, kolonner, 0, 0))
    return master, slave


def _les_alt(fd: int) -> None:
    """Drain the terminal until the child has closed it (EIO on Linux, b"" elsewhere)."""
    try:
        while os.read(fd, 65536):
            pass
    except OSError:
        pass
    finally:
        os.close(fd)


def tall(n: float) -> str:
    """12 345: digits grouped with a space, as Norwegian text does."""
    return f"{int(n):,}".replace(",", " ")


def dom_tekst(verdi: float, maal: float, enhet: str, fmt: str = ".2f") -> str:
    """"oppfylt", or "ikke oppfylt med X" (by how much the target is missed)."""
    if verdi <= maal:
        return "oppfylt"
    return f"ikke oppfylt med {verdi - maal:{fmt}}{enhet} ({(verdi / maal - 1) * 100:.0f} %)"


def median(xs: list[float]) -> float:
    return statistics.median(xs)


@dataclass
class Resultat:
    navn: str
    median_s: float
    gulv_s: float  # median of the floor runs paired with this command
    maks_mib: float
    maal: float | None
    feil: str | None = None

    @property
    def forhold(self) -> float:
        return self.median_s / self.gulv_s


def par_maaling(
    navn: str, argv: list[str], gulv: list[str], env: dict[str, str], cwd: Path, runs: int, warmup: int,
    maal: float | None = None, terminal: bool = False,
) -> tuple[Resultat, list[float]]:
    """warm-up, then floor and command alternately (A B A B ...)."""
    try:
        for _ in range(warmup):
            kjoer(gulv, env, cwd)
            kjoer(argv, env, cwd, terminal=terminal)
        a: list[float] = []
        b: list[Maaling] = []
        for _ in range(runs):
            a.append(kjoer(gulv, env, cwd).sekunder)
            b.append(kjoer(argv, env, cwd, terminal=terminal))
    except KjoeringFeilet as e:
        return Resultat(navn, float("nan"), float("nan"), float("nan"), maal, str(e)), []
    return Resultat(navn, median([m.sekunder for m in b]), median(a), max(m.maks_mib for m in b), maal), a


# --- the start-up table -----------------------------------------------------------


def finn_program() -> tuple[list[str], str | None]:
    """The console script beside this interpreter, or `python -m aarshjul` with a note."""
    script = Path(sys.executable).parent / ("aarshjul.exe" if os.name == "nt" else "aarshjul")
    if script.is_file():
        return [str(script)], None
    return [sys.executable, "-m", "aarshjul"], (
        f"Fant ikke {script} (aarshjul er ikke installert i denne venv-en); bruker python -m aarshjul."
    )


def barne_env() -> tuple[dict[str, str], str | None]:
    """The environment for every child; PYTHONPATH=<repo> only when aarshjul is not installed."""
    env = dict(os.environ)
    env.pop("NO_COLOR", None)
    env.pop("PYTHONPROFILEIMPORTTIME", None)
    env.pop("AARSHJUL_PLAN", None)
    env.pop("AARSHJUL_CACHE", None)
    # An installed package has its bytecode compiled (pip does it at install time);
    # without the cache every run would compile aarshjul's sources again.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    probe = subprocess.run(
        [sys.executable, "-c", "import aarshjul"], env=env, capture_output=True, cwd=tempfile.gettempdir()
    )
    if probe.returncode == 0:
        return env, None
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    return env, f"aarshjul er ikke installert for {sys.executable}; bruker PYTHONPATH={REPO}."


def oppstart(args: argparse.Namespace, ut: Path) -> list[Resultat]:
    env, merknad_env = barne_env()
    program, merknad = finn_program()
    gulv = [sys.executable, "-c", "pass"]
    plan_args = ["--plan", str(args.plan)] if args.plan else []
    valgt = {KORTNAVN[k] for k in args.commands} if args.commands else None
    cwd = ut

    print(f"Oppstart: median av {args.runs} kjøringer etter {args.warmup} oppvarming(er), "
          "gulv og kommando annenhver gang (A B A B)")  # fmt: skip
    print(f"  gulv    = {' '.join(gulv)}")
    print(f"  program = {' '.join(program)}")
    for m in (merknad_env, merknad):
        if m:
            print(f"  merk: {m}")
    print()

    resultater: list[Resultat] = []
    alle_gulv: list[float] = []
    for k in kommandoer(ut):
        if valgt is not None and k.navn not in valgt:
            continue
        prog = [sys.executable, "-m", "aarshjul"] if k.modul else program
        # warm: the plan cache filled by the warm-up; cold: AARSHJUL_CACHE=0, the plan is
        # read and checked from the YAML on every run, as on a first run (issue 17).
        for kald in (False, True):
            navn = "  samme, kald (AARSHJUL_CACHE=0)" if kald else k.navn
            kenv = {**env, **k.env, **({"AARSHJUL_CACHE": "0"} if kald else {})}
            r, gulv_tider = par_maaling(
                navn, [*prog, *plan_args, *k.args], gulv, kenv, cwd, args.runs, args.warmup,
                None if kald else k.maal, k.terminal,
            )  # fmt: skip
            resultater.append(r)
            alle_gulv += gulv_tider

    if args.khal:
        r = khal_maaling(args, ut, program, plan_args, env, gulv)
        if r is not None:
            resultater.append(r)

    skriv_oppstart(resultater, alle_gulv)
    return resultater


def skriv_oppstart(resultater: list[Resultat], alle_gulv: list[float]) -> None:
    w = max([len(r.navn) for r in resultater] + [len("python -c pass (gulv)"), len("kommando")])
    head = (f"{'kommando':<{w}}  {'median':>9}  {'gulv (par)':>10}  {'× gulv':>7}  {'maks minne':>10}  "
            f"{'mål':>6}  resultat")  # fmt: skip
    print(head)
    print("-" * len(head))
    if alle_gulv:
        print(f"{'python -c pass (gulv)':<{w}}  {median(alle_gulv) * 1000:>6.1f} ms  {'':>10}  {1.0:>6.2f}×")
    for r in resultater:
        if r.feil:
            print(f"{r.navn:<{w}}  {'—':>9}  {'—':>10}  {'—':>7}  {'—':>10}  {'':>6}  FEIL: {r.feil}")
            continue
        maal = f"≤ {r.maal:g}×" if r.maal else ""
        dom = dom_tekst(r.forhold, r.maal, "×") if r.maal else "(info)"
        print(f"{r.navn:<{w}}  {r.median_s * 1000:>6.1f} ms  {r.gulv_s * 1000:>7.1f} ms  {r.forhold:>6.2f}×  "
              f"{r.maks_mib:>6.1f} MiB  {maal:>6}  {dom}")  # fmt: skip
    print("× gulv = median for kommandoen / median for gulvet i de samme parene (A B A B), så")
    print("endringer i maskinens tempo underveis slår likt ut på begge.")
    khal = next((r for r in resultater if r.navn.startswith("khal") and not r.feil), None)
    if khal is not None:
        print()
        print(f"Mot {khal.navn} (mål: ≤ 0.3× khal, forholdene fra samme kjøring):")
        for r in resultater:
            if r.maal and not r.feil:
                x = r.forhold / khal.forhold
                print(f"  {r.navn:<{w}}  {x:>5.2f}× khal  {dom_tekst(x, 0.3, '× khal')}")
    print()


# --- khal, optional ---------------------------------------------------------------


def khal_maaling(
    args: argparse.Namespace, ut: Path, program: list[str], plan_args: list[str], env: dict[str, str],
    gulv: list[str],
) -> Resultat | None:
    """`khal list today 30d` on a vdir holding the same events as aarshjul's alle.ics.

    khal goes into a throwaway venv in the temporary folder; when it cannot be
    installed (no network, no wheel), the table says so.
    """
    navn = "khal list today 30d (samme hendelser)"
    venv = ut / "khal-venv"
    print("khal: lager en egen venv og installerer khal (kan ta et minutt) …", flush=True)
    try:
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True)
        pip = subprocess.run(
            [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "khal"],
            capture_output=True, text=True, timeout=600,
        )  # fmt: skip
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as e:
        return Resultat(navn, float("nan"), float("nan"), float("nan"), None, f"kunne ikke lage venv: {e}")
    if pip.returncode != 0:
        siste = " | ".join(pip.stderr.strip().splitlines()[-2:])
        return Resultat(navn, float("nan"), float("nan"), float("nan"), None, f"khal kunne ikke installeres: {siste}")

    # The same events: aarshjul's own ICS for all virksomheter, one event per file (vdir).
    ics_dir = ut / "khal-ics"
    subprocess.run([*program, *plan_args, "ics", "--alle", "-o", str(ics_dir)], env=env, check=True,
                   capture_output=True)  # fmt: skip
    antall = lag_vdir(ics_dir / "alle.ics", ut / "vdir")
    konfig = ut / "khal.conf"
    konfig.write_text(
        "[calendars]\n[[aarshjul]]\n"
        f"path = {ut / 'vdir'}\ntype = calendar\n"
        "[locale]\ntimeformat = %H:%M\ndateformat = %d.%m.%Y\nlongdateformat = %d.%m.%Y\n"
        "datetimeformat = %d.%m.%Y %H:%M\nlongdatetimeformat = %d.%m.%Y %H:%M\n"
        "local_timezone = Europe/Oslo\ndefault_timezone = Europe/Oslo\n"
        f"[sqlite]\npath = {ut / 'khal.db'}\n",
        encoding="utf-8",
    )
    print(f"khal: {antall} hendelser i vdir-en", flush=True)
    khal = [str(venv / "bin" / "khal"), "-c", str(konfig), "list", "today", "30d"]
    kenv = {k: v for k, v in env.items() if k != "PYTHONPATH"}
    vis = subprocess.run(khal, env=kenv, cwd=ut, capture_output=True, text=True)
    linjer = [line for line in vis.stdout.splitlines() if line.strip()]
    print(f"khal: {len(linjer)} linjer fra `khal list today 30d` (exit {vis.returncode})", flush=True)
    # The first run fills khal's cache from the vdir; par_maaling's warm-up absorbs it.
    r, _ = par_maaling(navn, khal, gulv, kenv, ut, args.runs, max(args.warmup, 1))
    return r


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


# --- scaling ----------------------------------------------------------------------

_MAANED = ["januar", "februar", "mars", "april", "mai", "juni", "juli", "august", "september",
           "oktober", "november", "desember"]  # fmt: skip
_VIRKSOMHETER = ["barnehage", "skole", "ppt", "barnevern", "helsestasjon", "samordningsgruppa"]


def syntetisk_plan(n: int) -> str:
    """YAML text of a plan with n hendelser, ten per tiltak, in the mix of the real plan
    (data/plan.yaml: mostly innen_utgangen_av and måneder+dag, some dato and etter,
    a few ukentlig)."""
    return "".join(_syntetiske_linjer(n))


def skriv_syntetisk_plan(n: int, path: Path) -> None:
    """syntetisk_plan(n) written line by line, so this script stays small: the commands
    it measures inherit its peak memory as their floor (kommando_skalering)."""
    with path.open("w", encoding="utf-8") as fh:
        fh.writelines(_syntetiske_linjer(n))


def _syntetiske_linjer(n: int) -> Iterator[str]:
    """The lines of syntetisk_plan, each with its newline, a tiltak at a time."""
    out = [
        "plan:",
        "  navn: Syntetisk plan for ytelsesmåling",
        "  kommune: Testkommune",
        "  uid_domene: bench.example.no",
        '  stengte_dager: ["24.12", "31.12"]',
        "virksomheter:",
        "  barnehage: {navn: Barnehage, aliaser: [bhg]}",
        "  skole: {navn: Skole}",
        "  ppt: {navn: PPT}",
        "  barnevern: {navn: Barnevern}",
        "  helsestasjon: {navn: Helsestasjon}",
        "  samordningsgruppa: {navn: Samordningsgruppa, medlemmer: [barnehage, skole, ppt]}",
        "tiltak:",
    ]
    t = 0
    laget = 0
    while laget < n:
        t += 1
        ansvar = _VIRKSOMHETER[t % len(_VIRKSOMHETER)]
        deltar = _VIRKSOMHETER[(t + 2) % len(_VIRKSOMHETER)]
        out += [
            f"  - id: t{t:05d}",
            f"    navn: Tiltak {t} – «tidlig innsats» på tvers",
            f'    kilde: "7.{t % 20 + 1}"',
            f"    sone: {('grønn', 'gul', 'rød')[t % 3]}",
            f"    ansvar: [{ansvar}]",
            f"    deltakere: [{deltar}]",
            "    hendelser:",
        ]
        m1, m2 = _MAANED[t % 12], _MAANED[(t + 6) % 12]
        forms = [
            ("møte", "{måneder: [august, desember, mars, mai], dag: første tirsdag}", '"09:00-11:00"'),
            ("frist", f"{{innen_utgangen_av: {m1}}}", None),
            ("evaluering", f"{{innen_utgangen_av: [{m1}, {m2}]}}", None),
            ("evaluering", "{etter: h00, innen: 1 måned}", None),
            ("aktivitet", "{måneder: [september, februar], dag: \"15\"}", None),
            ("frist", f"{{dato: {1 + t % 28:02d}.{1 + t % 12:02d}.{2027 + t % 10}}}", None),
            ("frist", f"{{innen_utgangen_av: {m2}, hvert_år: 2, startår: 2027}}", None),
            ("frist", "{måneder: [januar], dag: siste arbeidsdag}", None),
            ("aktivitet", "{etter: h04, innen: 2 uker}", None),
            (
                ("møte", "{ukentlig: torsdag, unntatt_måneder: [juli]}", '"14:00"')
                if t % 2 == 0
                else ("møte", "{måneder: [november], dag: siste fredag}", None)
            ),
        ]
        for i, (typ, naar, tid) in enumerate(forms):
            if laget >= n:
                break
            out += [
                f"      - id: h{i:02d}",
                f"        tittel: Hendelse {i} i tiltak {t} (æøå)",
                f"        type: {typ}",
                f"        når: {naar}",
            ]
            if tid:
                out.append(f"        tid: {tid}")
            if typ == "frist" and i == 7:
                out.append("        varsel: 30")
            laget += 1
        yield from (linje + "\n" for linje in out)
        out = []
    yield from (linje + "\n" for linje in out)


def _som_cli(med_gc: bool) -> None:
    """Run the library as `aarshjul` runs it: cli.main() turns the cyclic GC off."""
    if not med_gc:
        gc.disable()


def skalering_barn(plan_path: str, aar: int, med_gc: bool) -> None:
    """In the child: load and expand one plan, print the figures as JSON."""
    from datetime import date

    _som_cli(med_gc)

    from aarshjul.engine.expand import expand
    from aarshjul.plan.loader import load_plan

    fra = date(2027, 1, 1)
    til = date(2027 + aar, 1, 1)
    t0 = time.perf_counter()
    plan = load_plan(plan_path)
    t1 = time.perf_counter()
    forekomster = expand(plan, fra, til)
    t2 = time.perf_counter()
    n_h = sum(len(t.hendelser) for t in plan.tiltak)
    print(json.dumps({"hendelser": n_h, "forekomster": len(forekomster), "last": t1 - t0, "utvid": t2 - t1}))


def ics_barn(plan_path: str, n: int, med_gc: bool) -> None:
    """In the child: render the first n forekomster of a plan as ICS; print JSON."""
    from datetime import date, datetime, timezone

    _som_cli(med_gc)

    from aarshjul.engine.expand import expand
    from aarshjul.plan.loader import load_plan
    from aarshjul.render.ics import render_ics

    plan = load_plan(plan_path)
    forekomster = expand(plan, date(2027, 1, 1), date(2037, 1, 1))[:n]
    stamp = datetime(2027, 1, 1, tzinfo=timezone.utc)
    t0 = time.perf_counter()
    data = render_ics(plan, forekomster, calname="Ytelsesmåling", stamp=stamp)
    t1 = time.perf_counter()
    print(json.dumps({"forekomster": len(forekomster), "bytes": len(data), "render": t1 - t0}))


def barn(args: list[str], env: dict[str, str], cwd: Path) -> tuple[dict[str, float], Maaling]:
    with tempfile.TemporaryFile() as fh:
        m = kjoer([sys.executable, str(Path(__file__).resolve()), *args], env, cwd, stdout=fh.fileno())
        fh.seek(0)
        return json.loads(fh.read().decode("utf-8")), m


def skalering(args: argparse.Namespace, ut: Path) -> tuple[list[dict[str, float]], dict[str, float] | None]:
    env, merknad = barne_env()
    gjentatt = "" if args.quick else "; median av 5 for ≤ 2 000 hendelser"
    print(f"Skalering: syntetiske planer utvidet over {args.years} år (2027–{2026 + args.years}), "
          f"ny prosess per måling{gjentatt}")  # fmt: skip
    if merknad:
        print(f"  merk: {merknad}")
    if args.gc:
        print("  med syklisk GC på (--gc); aarshjul selv slår den av i cli.main()")
    else:
        print("  syklisk GC av, som når aarshjul kjører (cli.main); --gc slår den på")
    print()
    gc_arg = ["--gc"] if args.gc else []
    rader = []
    filer: dict[int, Path] = {}
    for n in args.sizes:
        path = ut / f"syntetisk_{n}.yaml"
        skriv_syntetisk_plan(n, path)
        filer[n] = path
        # Small sizes take milliseconds, so one run is mostly noise: the median of 5.
        gjentak = 5 if n <= 2000 and not args.quick else 1
        try:
            maalt = [barn(["--child-scale", str(path), str(args.years), *gc_arg], env, ut) for _ in range(gjentak)]
        except KjoeringFeilet as e:
            print(f"  {n} hendelser: FEIL: {e}")
            continue
        d = dict(maalt[0][0])
        for felt in ("last", "utvid"):
            d[felt] = median([x[felt] for x, _ in maalt])
        d.update({
            "storrelse": n, "kb": path.stat().st_size / 1024, "gjentak": gjentak,
            "maks_mib": max(m.maks_mib for _, m in maalt), "prosess": median([m.sekunder for _, m in maalt]),
        })  # fmt: skip
        rader.append(d)

    head = (f"{'hendelser':>9}  {'plan':>8}  {'forekomster':>11}  {'last':>9}  {'utvid':>9}  "
            f"{'last+utvid':>10}  {'prosess':>9}  {'maks minne':>10}  {'µs/forekomst':>12}  "
            f"{'µs/hendelse (last)':>18}")  # fmt: skip
    print(head)
    print("-" * len(head))
    for d in rader:
        per_f = d["utvid"] / max(d["forekomster"], 1) * 1e6
        per_h = d["last"] / max(d["hendelser"], 1) * 1e6
        print(f"{tall(d['hendelser']):>9}  {d['kb']:>5.0f} kB  {tall(d['forekomster']):>11}  "
              f"{d['last']:>7.3f} s  {d['utvid']:>7.3f} s  {d['last'] + d['utvid']:>8.3f} s  "
              f"{d['prosess']:>7.2f} s  {d['maks_mib']:>6.1f} MiB  {per_f:>12.2f}  {per_h:>18.1f}")  # fmt: skip
    print()
    for a, b in zip(rader, rader[1:]):
        fa = a["utvid"] / a["forekomster"]
        fb = b["utvid"] / b["forekomster"]
        la = a["last"] / a["hendelser"]
        lb = b["last"] / b["hendelser"]
        print(f"Linearitet {tall(a['hendelser'])} → {tall(b['hendelser'])}: kostnad per forekomst "
              f"{fb / fa:.2f}×, lasting per hendelse {lb / la:.2f}× (lineært = 1.00)")  # fmt: skip
    maal = next((d for d in rader if d["storrelse"] == 2000), None)
    if maal is not None and args.years == 10:
        tid = maal["last"] + maal["utvid"]
        print(f"Mål (issue 7) 2 000 hendelser × 10 år i prosessen: last+utvid {tid:.2f} s (≤ 1.5 s): "
              f"{dom_tekst(tid, 1.5, ' s')}; maks minne {maal['maks_mib']:.0f} MiB (≤ 100 MiB): "
              f"{dom_tekst(maal['maks_mib'], 100, ' MiB', '.0f')}")  # fmt: skip
    print()
    kommando_skalering(args, ut, filer, rader, env)

    ics = None
    if args.ics:
        kilde = max(filer.items(), key=lambda kv: kv[0])[1] if filer else None
        kilde = filer.get(2000, kilde)
        if kilde is not None:
            try:
                ics, m = barn(["--child-ics", str(kilde), str(args.ics), *gc_arg], env, ut)
                ics["maks_mib"] = m.maks_mib
            except KjoeringFeilet as e:
                print(f"ICS: FEIL: {e}")
        if ics is not None:
            dom = ""
            if args.ics == 10000:
                dom = f" (≤ 2 s: {dom_tekst(ics['render'], 2, ' s')})"
            print(f"ICS av {tall(ics['forekomster'])} hendelser i prosessen: {ics['render']:.2f} s{dom}, "
                  f"{ics['bytes'] / MiB:.1f} MiB tekst, maks minne {ics['maks_mib']:.0f} MiB, "
                  f"{ics['render'] / ics['forekomster'] * 1e6:.0f} µs per hendelse")  # fmt: skip
    print()
    if filer:
        ics_kommando(args, ut, filer, env)
    return rader, ics


# --- the same sizes as commands (issue 17) -----------------------------------------

# The window of the scaling table, as options: ten years from 01.01.2027, --til included.
def _vindu(aar: int) -> list[str]:
    return ["--fra", "01.01.2027", "--til", f"31.12.{2026 + aar}"]


def _tell(path: Path, merke: bytes) -> int:
    """How often merke occurs in a file, read in 1 MiB pieces (never whole, and small: the
    commands this script starts inherit its peak memory, see kommando_skalering)."""
    n = 0
    rest = b""
    with path.open("rb") as fh:
        while blokk := fh.read(MiB):
            data = rest + blokk
            n += data.count(merke)
            rest = data[-(len(merke) - 1):]
    return n


def _kommando_maaling(
    argv: list[str], env: dict[str, str], cwd: Path, ut_fil: Path, gjentak: int
) -> tuple[Maaling, list[Maaling]]:
    """The first run with an empty plan cache (cold), then gjentak warm runs; stdout goes
    to ut_fil, as `> fil` in a shell."""
    cache = Path(tempfile.mkdtemp(prefix="cache-", dir=cwd))
    env = {**env, "XDG_CACHE_HOME": str(cache)}
    maalinger = []
    for _ in range(1 + gjentak):
        with ut_fil.open("wb") as fh:
            maalinger.append(kjoer(argv, env, cwd, stdout=fh.fileno()))
    shutil.rmtree(cache, ignore_errors=True)
    return maalinger[0], maalinger[1:]


# Targets of issue 17 for `next --format json` over 10 years: (seconds, MiB).
JSON_MAAL = {2000: (1.0, 150.0), 20000: (10.0, 1024.0)}
ICS_MAAL_US = 60.0


def verts_tempo(env: dict[str, str]) -> float:
    """How fast the host is right now: a fixed loop of pure Python in a new process
    (`python -c "sum(range(10**7))"`), the median of 3. The same machine gave 0.13 s in a
    fast phase and 0.24-0.35 s in slow ones on 02.12.2026, with nothing else running:
    seconds from different phases are not comparable, ratios from one run are."""
    argv = [sys.executable, "-c", "sum(range(10**7))"]
    return median([kjoer(argv, env, Path.cwd()).sekunder for _ in range(3)])


def kommando_skalering(
    args: argparse.Namespace, ut: Path, filer: dict[int, Path], inprosess: list[dict[str, float]],
    env: dict[str, str],
) -> None:
    program, _ = finn_program()
    print(f"Skalering som kommando: aarshjul --plan PLAN next {' '.join(_vindu(args.years))} --format json "
          "> fil (ny prosess; først én kald kjøring med tom plan-cache, så varme)")  # fmt: skip
    print(f"  Vertens tempo før: python -c \"sum(range(10**7))\" {verts_tempo(env):.3f} s "
          "(rask fase ~0.13 s, treg 0.24–0.35 s)")  # fmt: skip
    head = (f"{'hendelser':>9}  {'rader':>9}  {'kald':>8}  {'varm':>8}  {'cpu':>8}  {'maks minne':>10}  "
            f"{'µs/rad':>7}  {'utdata':>9}  {'i prosessen (last+utvid)':>24}  mål")  # fmt: skip
    print(head)
    print("-" * len(head))
    per_n = {int(d["storrelse"]): d for d in inprosess}
    dommer = []
    for n, path in sorted(filer.items()):
        gjentak = 1 if args.quick or n >= 20000 else 3
        ut_fil = ut / f"next_{n}.json"
        argv = [*program, "--plan", str(path), "next", *_vindu(args.years), "--format", "json"]
        try:
            kald, varme = _kommando_maaling(argv, env, ut, ut_fil, gjentak)
            # The same command in one process (AARSHJUL_PROSESSER=1), where it would use two.
            en = None
            if n * 365 * args.years >= 2000 * 730:  # commands/deling.py: DELE_FRA
                _, en = _kommando_maaling(argv, {**env, "AARSHJUL_PROSESSER": "1"}, ut, ut_fil, gjentak)
        except KjoeringFeilet as e:
            print(f"{tall(n):>9}  FEIL: {e}")
            continue
        rader = _tell(ut_fil, b'\n    "id": ')
        mib = ut_fil.stat().st_size / MiB
        ut_fil.unlink()
        varm = median([m.sekunder for m in varme])
        cpu = median([m.cpu for m in varme])
        minne = max(m.maks_mib for m in varme)
        d = per_n.get(n)
        inp = f"{d['last'] + d['utvid']:.3f} s" if d else ""
        maal = JSON_MAAL.get(n) if args.years == 10 else None
        maal_tekst = f"≤ {maal[0]:g} s, ≤ {maal[1]:g} MiB" if maal else "(info)"
        print(f"{tall(n):>9}  {tall(rader):>9}  {kald.sekunder:>6.2f} s  {varm:>6.2f} s  {cpu:>6.2f} s  "
              f"{minne:>6.1f} MiB  {varm / max(rader, 1) * 1e6:>7.2f}  {mib:>5.1f} MiB  {inp:>24}  "
              f"{maal_tekst}")  # fmt: skip
        if en:
            en_varm = median([m.sekunder for m in en])
            print(f"{'':>9}  {'én prosess':>9}  {'':>8}  {en_varm:>6.2f} s  {median([m.cpu for m in en]):>6.2f} s  "
                  f"{max(m.maks_mib for m in en):>6.1f} MiB  {en_varm / max(rader, 1) * 1e6:>7.2f}  "
                  f"(AARSHJUL_PROSESSER=1; to prosesser: {varm / en_varm:.2f}× tiden)")  # fmt: skip
        if maal:
            dommer.append(
                f"Mål {tall(n)} hendelser × 10 år, next --format json: tid {varm:.2f} s (≤ {maal[0]:g} s): "
                f"{dom_tekst(varm, maal[0], ' s')}; maks minne {minne:.0f} MiB (≤ {maal[1]:g} MiB): "
                f"{dom_tekst(minne, maal[1], ' MiB', '.0f')}"
            )
    # Linux gives a process the peak of the memory it was started from (the fork of this
    # script, before exec): a peak at this floor means "at most this".
    gulv = kjoer([sys.executable, "-c", "pass"], env, ut).maks_mib
    print(f"maks minne kan ikke leses lavere enn {gulv:.1f} MiB her (`python -c pass` startet herfra: Linux")
    print("regner med toppen til prosessen den ble startet fra); et tall på gulvet betyr «høyst så mye».")
    print("varm = median av de varme kjøringene (3 for ≤ 2 000 hendelser, ellers 1); µs/rad = varm / rader;")
    print("cpu = bruker + system, med barneprosessen. Fra 2 000 hendelser × 2 år skriver kommandoen med to")
    print("prosesser (commands/deling.py); maks minne er da den største av de to, ikke summen.")
    print(f"  Vertens tempo etter: {verts_tempo(env):.3f} s")
    for linje in dommer:
        print(linje)
    print()


def ics_kommando(args: argparse.Namespace, ut: Path, filer: dict[int, Path], env: dict[str, str]) -> None:
    """`aarshjul ics` over the scaling window for the 2 000-hendelser plan (~82 000 events)."""
    program, _ = finn_program()
    n = 2000 if 2000 in filer else max(filer)
    ut_fil = ut / "alle.ics"
    try:
        kald, varme = _kommando_maaling(
            [*program, "--plan", str(filer[n]), "ics", *_vindu(args.years), "-o", str(ut_fil)],
            env, ut, ut / "ics.stdout", 1,
        )  # fmt: skip
    except KjoeringFeilet as e:
        print(f"ICS som kommando: FEIL: {e}")
        return
    events = _tell(ut_fil, b"BEGIN:VEVENT")
    mib = ut_fil.stat().st_size / MiB
    ut_fil.unlink()
    varm = varme[0]
    per = varm.sekunder / max(events, 1) * 1e6
    print(f"ICS som kommando: aarshjul --plan ({tall(n)} hendelser) ics {' '.join(_vindu(args.years))} -o FIL: "
          f"{tall(events)} hendelser, {mib:.1f} MiB; kald {kald.sekunder:.2f} s, varm {varm.sekunder:.2f} s, "
          f"maks minne {varm.maks_mib:.0f} MiB, {per:.1f} µs per hendelse (hele kommandoen)")  # fmt: skip
    if n == 2000 and args.years == 10:
        print(f"Mål ICS ≤ {ICS_MAAL_US:g} µs per hendelse ved ~82 000 hendelser: "
              f"{dom_tekst(per, ICS_MAAL_US, ' µs', '.1f')}")
    print()


# --- the machine ------------------------------------------------------------------


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


# --- main -------------------------------------------------------------------------


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="bench/run.py",
        description="Måler oppstartstid og skalering for aarshjul (issue 7). Kjør med Python fra "
        "en venv der aarshjul er installert.",
    )
    p.add_argument("--runs", type=int, help="målte kjøringer per kommando (standard 15, --quick 2)")
    p.add_argument("--warmup", type=int, help="oppvarmingskjøringer per kommando (standard 2, --quick 1)")
    p.add_argument("--quick", action="store_true", help="røyktest på noen sekunder: få kjøringer, små planer")
    p.add_argument("--plan", type=Path, help="planen kommandoene bruker (standard: planen som følger med)")
    p.add_argument("--sizes", help="antall hendelser i de syntetiske planene, kommaseparert")
    p.add_argument("--years", type=int, help="år å utvide over (standard 10)")
    p.add_argument("--ics", type=int, help="antall hendelser i ICS-målingen (standard 10000, 0 = ingen)")
    p.add_argument("--commands", help=f"bare disse kommandoene: {','.join(KORTNAVN)}")
    p.add_argument("--no-startup", action="store_true", help="hopp over oppstartstabellen")
    p.add_argument("--no-scaling", action="store_true", help="hopp over skaleringen")
    p.add_argument("--khal", action="store_true", help="sammenlign med khal (installeres i en egen venv)")
    p.add_argument("--gc", action="store_true", help="skalering med syklisk GC på (aarshjul slår den av)")
    p.add_argument("--child-scale", nargs=2, help=argparse.SUPPRESS)
    p.add_argument("--child-ics", nargs=2, help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    q = args.quick
    args.runs = args.runs or (2 if q else 15)
    args.warmup = args.warmup if args.warmup is not None else (1 if q else 2)
    args.years = args.years or (2 if q else 10)
    args.ics = args.ics if args.ics is not None else (300 if q else 10000)
    sizes = args.sizes or ("20,200" if q else "20,200,2000,20000")
    args.sizes = [int(s.replace("_", "")) for s in sizes.split(",") if s.strip()]
    if args.commands:
        args.commands = [c.strip() for c in args.commands.split(",") if c.strip()]
        ukjent = [c for c in args.commands if c not in KORTNAVN]
        if ukjent:
            p.error(f"ukjent kommando {', '.join(ukjent)}; velg blant {', '.join(KORTNAVN)}")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if args.child_scale:
        skalering_barn(args.child_scale[0], int(args.child_scale[1]), args.gc)
        return 0
    if args.child_ics:
        ics_barn(args.child_ics[0], int(args.child_ics[1]), args.gc)
        return 0
    if not hasattr(os, "wait4"):
        print("bench/run.py trenger os.wait4 (Linux/macOS).", file=sys.stderr)
        return 2
    print(maskin())
    if hasattr(os, "getloadavg"):
        print("Last på maskinen ved start (1, 5, 15 min): " + ", ".join(f"{x:.2f}" for x in os.getloadavg()))
    print()
    ut = Path(tempfile.mkdtemp(prefix="aarshjul-bench-"))
    try:
        feil = False
        if not args.no_startup:
            feil |= any(r.feil for r in oppstart(args, ut))
        if not args.no_scaling:
            rader, _ = skalering(args, ut)
            feil |= len(rader) != len(args.sizes)
    finally:
        shutil.rmtree(ut, ignore_errors=True)
    return 1 if feil else 0


if __name__ == "__main__":
    sys.exit(main())
