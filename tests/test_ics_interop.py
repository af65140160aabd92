"""A plan change reaches real calendar clients, importers and subscribers alike.

Two clients from PyPI (test extras), driven as a user would:

- khal (an importer): `khal import` of `alle.ics`, then of the file published after a plan
  edit. The moved SAMBA meetings are there once each, on their new dates; the dropped May
  meeting is marked cancelled instead of lingering as if it still happened.
- vdirsyncer (a subscriber): pulls `alle.ics` over HTTP from a local server into a
  filesystem vdir, as a subscription does. vdirsyncer names each item after its UID, so the
  same set of files after the edit proves every moved meeting is the same event with a new
  date; the dropped meeting comes once more as CANCELLED and, when its 60 days of grace are
  over and it leaves the file, vdirsyncer deletes it.

The commands are the real console commands (`python -m aarshjul … ics --alle -o MAPPE`),
on a copy of the shipped plan, with a fixed window (school year 2026/27) and `--today`.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from icalendar import Calendar

from aarshjul.storage.ics_manifest import AVLYST_DAGER

REAL = Path(__file__).resolve().parent.parent / "data" / "plan.yaml"
WINDOW = ["--fra", "01.08.2026", "--til", "31.07.2027"]
SAMBA_LINJE = "        når: {måneder: [august, desember, mars, mai], dag: tredje tirsdag}\n"
SAMBA_ENDRET = "        når: {måneder: [august, desember, mars], dag: andre tirsdag}\n"
# The shipped plan: SAMBA on the third Tuesday of August, December, March and May.
FOER = {"2026-08": date(2026, 8, 18), "2026-12": date(2026, 12, 15), "2027-03": date(2027, 3, 16),
        "2027-05": date(2027, 5, 18)}  # fmt: skip
# After the edit: the second Tuesday, and no meeting in May.
ETTER = {"2026-08": date(2026, 8, 11), "2026-12": date(2026, 12, 8), "2027-03": date(2027, 3, 9)}
DOMENE = "tidliginnsats.sel.kommune.no"
FOERSTE_DAG = date(2026, 12, 1)  # first publication
ANDRE_DAG = date(2026, 12, 2)  # after the edit
ETTER_FRIST = ANDRE_DAG + timedelta(days=AVLYST_DAGER)  # the cancelled event leaves the file


def verktoy(navn: str) -> str:
    """The client's console script from this venv (test extras), else from PATH."""
    kandidat = Path(sys.executable).parent / navn
    if kandidat.exists():
        return str(kandidat)
    funnet = shutil.which(navn)
    if funnet is None:
        pytest.skip(f"{navn} er ikke installert (pip install '.[test]' tar det med)")
    return funnet


def uid(periode: str) -> str:
    return f"samba.mote.{periode}@{DOMENE}"


def publiser(plan: Path, mappe: Path, idag: date) -> None:
    subprocess.run(
        [sys.executable, "-m", "aarshjul", "--plan", str(plan), "--today", idag.strftime("%d.%m.%Y"),
         "ics", "--alle", "-o", str(mappe), *WINDOW],
        check=True, capture_output=True,
    )  # fmt: skip


def rediger(plan: Path) -> None:
    """The kommune moves SAMBA to the second Tuesday and drops the May meeting."""
    tekst = plan.read_text(encoding="utf-8")
    assert tekst.count(SAMBA_LINJE) == 1
    plan.write_text(tekst.replace(SAMBA_LINJE, SAMBA_ENDRET), encoding="utf-8")


@pytest.fixture
def plan(tmp_path: Path) -> Path:
    p = tmp_path / "plan.yaml"
    shutil.copyfile(REAL, p)
    return p


def dato(verdi: object) -> date:
    d = getattr(verdi, "dt", verdi)
    return d.date() if hasattr(d, "date") else d


# --- khal: an importer ----------------------------------------------------------------


def khal_config(tmp_path: Path) -> Path:
    (tmp_path / "khal" / "kalender").mkdir(parents=True)
    cfg = tmp_path / "khal" / "config"
    cfg.write_text(
        f"""[calendars]
[[aarshjul]]
path = {tmp_path / "khal" / "kalender"}
type = calendar
[locale]
timeformat = %H:%M
dateformat = %d.%m.%Y
longdateformat = %d.%m.%Y
datetimeformat = %d.%m.%Y %H:%M
longdatetimeformat = %d.%m.%Y %H:%M
local_timezone = Europe/Oslo
default_timezone = Europe/Oslo
[default]
default_calendar = aarshjul
[sqlite]
path = {tmp_path / "khal" / "khal.db"}
""",
        encoding="utf-8",
    )
    return cfg


def khal(cfg: Path, *args: str) -> str:
    r = subprocess.run([verktoy("khal"), "-c", str(cfg), *args], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    return r.stdout


def khal_samba(cfg: Path) -> list[tuple[str, str, str, str]]:
    """(uid, dd.mm.yyyy, title, 'CANCELLED ' or '') for every SAMBA meeting khal shows."""
    ut = khal(cfg, "list", "--format", "{uid}|{start-date}|{title}|{cancelled}", "--day-format", "",
              "01.08.2026", "365d")  # fmt: skip
    rader = [tuple(linje.split("|")) for linje in ut.splitlines() if linje.startswith("samba.mote.")]
    return sorted(rader)


def test_khal_reimport_moves_meetings_and_cancels_the_dropped_one(plan: Path, tmp_path: Path) -> None:
    cfg = khal_config(tmp_path)
    ut = tmp_path / "ut"
    publiser(plan, ut, FOERSTE_DAG)
    khal(cfg, "import", "--batch", "-a", "aarshjul", str(ut / "alle.ics"))
    assert khal_samba(cfg) == sorted((uid(p), d.strftime("%d.%m.%Y"), "SAMBA-møte", "") for p, d in FOER.items())

    rediger(plan)
    publiser(plan, ut, ANDRE_DAG)
    khal(cfg, "import", "--batch", "-a", "aarshjul", str(ut / "alle.ics"))
    # Each meeting once, on its new date (same UID); May is shown as cancelled, not as a
    # meeting that still takes place (an importer never deletes by itself).
    forventet = [(uid(p), d.strftime("%d.%m.%Y"), "SAMBA-møte", "") for p, d in ETTER.items()]
    forventet.append((uid("2027-05"), "18.05.2027", "Avlyst: SAMBA-møte", "CANCELLED "))
    assert khal_samba(cfg) == sorted(forventet)
    # No other event doubled either: one event per UID in the whole calendar.
    alle = khal(cfg, "list", "--format", "{uid}", "--day-format", "", "01.08.2026", "365d").split()
    assert alle and len(alle) == len(set(alle))


# --- vdirsyncer: a subscriber over HTTP -------------------------------------------------


class _Stille(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base's name
        pass


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A local web server for the published folder, as the intranet's nginx would be."""
    mappe = tmp_path / "ut"
    mappe.mkdir()
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Stille, directory=str(mappe)))
    traad = threading.Thread(target=httpd.serve_forever, daemon=True)
    traad.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", mappe
    finally:
        httpd.shutdown()
        httpd.server_close()


def vdirsyncer(cfg: Path, *args: str) -> None:
    r = subprocess.run(
        [verktoy("vdirsyncer"), *args], capture_output=True, text=True, timeout=120,
        env={**os.environ, "VDIRSYNCER_CONFIG": str(cfg)},
    )  # fmt: skip
    assert r.returncode == 0, r.stdout + r.stderr


def lokal(vdir: Path) -> dict[str, object]:
    """file name -> the VEVENT, for every item vdirsyncer keeps."""
    ut = {}
    for fil in vdir.glob("*.ics"):
        (e,) = Calendar.from_ical(fil.read_bytes()).walk("VEVENT")
        ut[fil.name] = e
    return ut


def per_uid(fil: Path) -> dict[str, bytes]:
    """UID -> the VEVENT's bytes, as published."""
    return {str(e["UID"]): e.to_ical() for e in Calendar.from_ical(fil.read_bytes()).walk("VEVENT")}


def samba_moter(items: dict[str, object]) -> dict[date, str]:
    """date -> STATUS ('' when none) of every SAMBA meeting among the items."""
    ut: dict[date, str] = {}
    for e in items.values():
        if str(e["SUMMARY"]).endswith("SAMBA-møte"):
            d = dato(e["DTSTART"])
            assert d not in ut, f"SAMBA-møtet {d} to ganger"
            ut[d] = str(e.get("STATUS", ""))
    return ut


def test_vdirsyncer_subscription_over_http_follows_plan_changes(
    plan: Path, tmp_path: Path, server: tuple[str, Path]
) -> None:
    url, ut = server
    vdir = tmp_path / "vdir"
    vdir.mkdir()
    cfg = tmp_path / "vdirsyncer.conf"
    cfg.write_text(
        f"""[general]
status_path = "{tmp_path / "status"}/"

[pair aarshjul]
a = "publisert"
b = "lokal"
collections = null
conflict_resolution = "a wins"

[storage publisert]
type = "http"
url = "{url}/alle.ics"

[storage lokal]
type = "filesystem"
path = "{vdir}/"
fileext = ".ics"
""",
        encoding="utf-8",
    )
    publiser(plan, ut, FOERSTE_DAG)
    foer_uid = per_uid(ut / "alle.ics")
    vdirsyncer(cfg, "discover")
    vdirsyncer(cfg, "sync")
    foer = lokal(vdir)
    publisert = Calendar.from_ical((ut / "alle.ics").read_bytes()).walk("VEVENT")
    assert len(foer) == len(publisert)
    assert samba_moter(foer) == dict.fromkeys(FOER.values(), "")

    # A re-run of the unchanged plan on another day: not one item changes.
    publiser(plan, ut, ANDRE_DAG)
    vdirsyncer(cfg, "sync")
    assert lokal(vdir).keys() == foer.keys()

    rediger(plan)
    publiser(plan, ut, ANDRE_DAG)
    vdirsyncer(cfg, "sync")
    etter = lokal(vdir)
    # Each meeting once, on its new date; the dropped May meeting is there as cancelled.
    assert samba_moter(etter) == {**dict.fromkeys(ETTER.values(), ""), FOER["2027-05"]: "CANCELLED"}
    # vdirsyncer's http storage replaces every UID with a hash of the item's content, so a
    # changed event is a new item and the old one is deleted. What keeps subscribers calm
    # is that every event the edit did not touch is the same bytes: only the changed
    # events (the SAMBA meetings and what follows them) are new items.
    endret = {u for u, e in per_uid(ut / "alle.ics").items() if e != foer_uid.get(u)}
    assert endret == {uid(p) for p in FOER}
    nye = etter.keys() - foer.keys()
    assert len(nye) == len(foer.keys() - etter.keys()) == len(endret)
    # What changed says so: SEQUENCE 1 and LAST-MODIFIED the day of the edit.
    for n in nye:
        assert int(etter[n]["SEQUENCE"]) == 1, n
        assert etter[n]["LAST-MODIFIED"].dt.date() == ANDRE_DAG, n

    # 60 days later the cancelled meeting leaves the file, and the subscriber drops it.
    publiser(plan, ut, ETTER_FRIST)
    vdirsyncer(cfg, "sync")
    til_slutt = lokal(vdir)
    assert samba_moter(til_slutt) == dict.fromkeys(ETTER.values(), "")
    assert len(til_slutt) == len(etter) - 1


def test_khal_shows_a_vindu_on_every_day_of_its_span(tmp_path: Path) -> None:
    """A vindu (Nasjonale prøver, uke 36–38 = 31.08.–18.09.2026) is one all-day event
    over the span: khal lists it on a middle day and on the last, not the day after."""
    cfg = khal_config(tmp_path)
    fil = tmp_path / "vindu.ics"
    vindu = Path(__file__).resolve().parent / "plans" / "vindu.yaml"
    subprocess.run(
        [sys.executable, "-m", "aarshjul", "--plan", str(vindu), "--today", "09.09.2026",
         "ics", "-o", str(fil), *WINDOW],
        check=True, capture_output=True,
    )  # fmt: skip
    khal(cfg, "import", "--batch", "-a", "aarshjul", str(fil))

    def paa(dag: str) -> list[str]:
        ut = khal(cfg, "list", "--format", "{uid}|{start-date}|{end-date}", "--day-format", "", dag, "1d")
        return [linje for linje in ut.splitlines() if linje.startswith("prover.gjennomfoering.")]

    forventet = ["prover.gjennomfoering.2026@test.example.no|31.08.2026|18.09.2026"]
    assert paa("09.09.2026") == forventet
    assert paa("18.09.2026") == forventet
    assert paa("19.09.2026") == []
