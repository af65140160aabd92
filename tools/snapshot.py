#!/usr/bin/env python3
"""Run every command in every format and keep what it prints, to compare two versions.

    python tools/snapshot.py OUT                  # with the `aarshjul` on PATH
    python tools/snapshot.py --compare OLD NEW    # byte for byte, but the clock

To compare two commits, install each into its own venv (`pip install .` from a
checkout of it) and run this script with that venv's bin first on PATH. --compare
ignores only what depends on the clock (a sign-off's `registrert` time) and the path
of the checkout the plans were read from.

Plans: the shipped plan, every plan in tests/plans/ (and the fjellbygd folder), and the
synthetic big-city plan from bench/storby.py. Windows: the school years 2026/27 and
2027/28, with `--today` fixed so that nothing depends on the clock. Each run writes
NAME.out (stdout), NAME.err (stderr) and NAME.rc (exit code); folder outputs (ics --alle,
publiser) are kept as folders. Sign-offs: a few are made with fixed dates in a fresh
database per plan, then status, rapport and the export read it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))
from storby import skriv_storby  # noqa: E402

AAR = {"2026-27": ("2026/27", "01.08.2026", "31.07.2027", "15.11.2026"),
       "2027-28": ("2027/28", "01.08.2027", "31.07.2028", "15.11.2027")}
FORMATER = ("tabell", "tekst", "markdown", "json")


def kommandoer(plan: Path, navn: str, ut: Path, stor: bool) -> list[tuple[str, list[str]]]:
    """(name, args) pairs for one plan; args after `aarshjul --plan PLAN`."""
    k: list[tuple[str, list[str]]] = [
        ("check", ["check"]),
        ("schema", ["schema"]),
    ]
    for f in FORMATER:
        k.append((f"virksomheter.{f}", ["virksomheter", "--format", f]))
        k.append((f"tiltak.{f}", ["tiltak", "--format", f]))
    for aar, (skoleaar, fra, til, today) in AAR.items():
        t = ["--today", today]
        formater = ("json", "tekst") if stor else FORMATER
        for f in formater:
            k.append((f"next.{aar}.{f}", [*t, "next", "--fra", fra, "--til", til, "--format", f]))
            k.append((f"next30.{aar}.{f}", [*t, "next", "--format", f]))
            k.append((f"calendar.{aar}.{f}", [*t, "calendar", "--skoleår", skoleaar, "--format", f]))
        k.append((f"ics.{aar}", [*t, "ics", "--fra", fra, "--til", til, "--stempel", fra, "-o", "-"]))
        k.append((f"icsalle.{aar}", [*t, "ics", "--alle", "--fra", fra, "--til", til, "--stempel", fra,
                                     "-o", str(ut / f"{navn}.icsalle.{aar}.d")]))
        for f in ("tekst", "markdown", "html"):
            k.append((f"digest.{aar}.{f}", [*t, "digest", "--fra", today, "--uker", "3", "--format", f]))
        k.append((f"wheel.{aar}", [*t, "wheel", "--skoleår", skoleaar, "-o", "-"]))
        k.append((f"wheelsone.{aar}", [*t, "wheel", "--skoleår", skoleaar, "--farge", "sone", "-o", "-"]))
        for f in ("tabell", "tekst", "markdown", "json"):
            k.append((f"status.{aar}.{f}", [*t, "status", "--skoleår", skoleaar, "--format", f]))
        k.append((f"statusforfalt.{aar}", [*t, "status", "--forfalt", "--format", "tekst"]))
        for f in ("markdown", "html", "csv", "json"):
            k.append((f"rapport.{aar}.{f}", [*t, "rapport", "--skoleår", skoleaar, "--format", f]))
    return k


def per_virksomhet(plan: Path, virksomheter: list[str]) -> list[tuple[str, list[str]]]:
    k: list[tuple[str, list[str]]] = []
    for v in virksomheter:
        for aar, (skoleaar, fra, til, today) in AAR.items():
            t = ["--today", today]
            k.append((f"next.{v}.{aar}", [*t, "next", "-v", v, "--fra", fra, "--til", til, "--format", "tekst"]))
            k.append((f"nextjson.{v}.{aar}", [*t, "next", "-v", v, "--dager", "60", "--format", "json"]))
            k.append((f"calendar.{v}.{aar}", [*t, "calendar", "-v", v, "--skoleår", skoleaar, "--format", "tekst"]))
            k.append((f"digest.{v}.{aar}", [*t, "digest", "-v", v, "--fra", today, "--format", "tekst"]))
            k.append((f"ics.{v}.{aar}", [*t, "ics", "-v", v, "--fra", fra, "--til", til, "--stempel", fra, "-o", "-"]))
            k.append((f"wheel.{v}.{aar}", [*t, "wheel", "-v", v, "--skoleår", skoleaar, "-o", "-"]))
            k.append((f"status.{v}.{aar}", [*t, "status", "-v", v, "--skoleår", skoleaar, "--format", "json"]))
    return k


def kjoer(args: list[str], env: dict[str, str], ut: Path, navn: str) -> None:
    r = subprocess.run(["aarshjul", *args], env=env, capture_output=True, stdin=subprocess.DEVNULL,
                       timeout=600)
    (ut / f"{navn}.out").write_bytes(r.stdout)
    (ut / f"{navn}.err").write_bytes(r.stderr)
    (ut / f"{navn}.rc").write_text(f"{r.returncode}\n")


def virksomheter_i(plan: Path, env: dict[str, str]) -> list[str]:
    import json

    r = subprocess.run(["aarshjul", "--plan", str(plan), "virksomheter", "--format", "json"],
                       env=env, capture_output=True)
    if r.returncode:
        return []
    data = json.loads(r.stdout)
    rader = data if isinstance(data, list) else data.get("virksomheter", [])
    return [r["id"] for r in rader]


def snapshot(ut: Path) -> None:
    ut.mkdir(parents=True)
    # Relative paths from here on, so that two snapshots in two folders print the same text.
    os.chdir(ut)
    ut = Path(".")
    tmp = ut / "_tmp"
    tmp.mkdir()
    skriv_storby(tmp / "storby.yaml")
    planer = {"plan": REPO / "data" / "plan.yaml", "storby": tmp / "storby.yaml",
              "fjellbygd": REPO / "tests" / "plans" / "fjellbygd" / "plan.yaml"}
    planer.update({p.stem: p for p in sorted((REPO / "tests" / "plans").glob("*.yaml"))})
    env = {k: v for k, v in os.environ.items() if not k.startswith("AARSHJUL")}
    env.update(NO_COLOR="1", COLUMNS="120", TZ="Europe/Oslo", LC_ALL="C.UTF-8")
    jobber = []
    for navn, plan in planer.items():
        mappe = ut / navn
        mappe.mkdir()
        penv = dict(env, AARSHJUL_DB=str(tmp / f"{navn}.sqlite"), XDG_DATA_HOME=str(tmp / f"{navn}-data"))
        stor = navn == "storby"
        alle = kommandoer(plan, navn, mappe, stor)
        vs = virksomheter_i(plan, penv)
        utvalg = vs[:3] + vs[-2:] if stor else vs
        alle += per_virksomhet(plan, utvalg)
        if not stor:
            for aar, (_s, fra, _til, today) in AAR.items():
                alle.append((f"publiser.{aar}", ["--today", today, "publiser", "-o", str(mappe / f"site.{aar}.d")]))
        else:
            alle.append(("publiser", ["--today", "15.11.2026", "publiser", "-o", str(mappe / "site.d")]))
        jobber.append((navn, plan, penv, mappe, alle))

    def en_plan(job: tuple[str, Path, dict[str, str], Path, list[tuple[str, list[str]]]]) -> None:
        navn, plan, penv, mappe, alle = job
        for knavn, args in alle:
            kjoer(["--plan", str(plan), *args], penv, mappe, knavn)
        # Sign-offs: the first three ids of status in 2026/27, fixed dates, then the readers.
        import json

        r = subprocess.run(["aarshjul", "--plan", str(plan), "--today", "15.11.2026", "status",
                            "--skoleår", "2026/27", "--format", "json"], env=penv, capture_output=True)
        try:
            ids = [rad["id"] for rad in json.loads(r.stdout)][:3]
        except ValueError:
            ids = []
        for i, fid in enumerate(ids):
            kjoer(["--plan", str(plan), "--today", "15.11.2026", "kvitter", fid, "--dato", f"0{i + 1}.11.2026",
                   "--av", "Styrer", "--merknad", "Gjort «ferdig» <b>"], penv, mappe, f"kvitter.{i}")
        if ids:
            kjoer(["--plan", str(plan), "--today", "15.11.2026", "angre", ids[0]], penv, mappe, "angre")
            for aar, (skoleaar, _f, _t, today) in AAR.items():
                t = ["--plan", str(plan), "--today", today]
                kjoer([*t, "status", "--skoleår", skoleaar, "--format", "tekst"], penv, mappe, f"kv-status.{aar}")
                kjoer([*t, "rapport", "--skoleår", skoleaar, "--format", "markdown"], penv, mappe, f"kv-rapport.{aar}")
                kjoer([*t, "next", "--format", "json"], penv, mappe, f"kv-next.{aar}")
                kjoer([*t, "digest", "--fra", today, "--format", "tekst"], penv, mappe, f"kv-digest.{aar}")

    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        list(pool.map(en_plan, sorted(jobber, key=lambda j: j[0] != "storby")))
    shutil.rmtree(tmp)


_REGISTRERT = re.compile(rb'"registrert": "[0-9T:.Z-]+"')


def compare(gammel: Path, ny: Path) -> int:
    """Print every file that differs (after normalising the clock and checkout paths);
    return how many."""
    ulike = 0
    navn = {p.relative_to(gammel) for p in gammel.rglob("*") if p.is_file()}
    navn |= {p.relative_to(ny) for p in ny.rglob("*") if p.is_file()}
    for rel in sorted(navn):
        if rel.parts[0] == "_tmp":
            continue
        a, b = gammel / rel, ny / rel
        if not (a.is_file() and b.is_file()) or _normal(a) != _normal(b):
            ulike += 1
            print(f"ulik: {rel}")
    print(f"{len(navn)} filer sammenlignet, {ulike} ulike.")
    return ulike


def _normal(path: Path) -> bytes:
    data = _REGISTRERT.sub(b'"registrert": "..."', path.read_bytes())
    return re.sub(rb"/[\w./-]*?/(data/plan\.yaml|tests/plans/)", rb"REPO/\1", data)


if __name__ == "__main__":
    if sys.argv[1] == "--compare":
        sys.exit(1 if compare(Path(sys.argv[2]), Path(sys.argv[3])) else 0)
    snapshot(Path(sys.argv[1]))
