"""A link or FIFO planted inside a published folder is replaced, never followed: cron
publishes as root or a service user into a folder the web server's people may write, and
nothing outside the folder may change because of what is inside it."""

from __future__ import annotations

import os
import stat
import time
from pathlib import Path

UTENFOR = b"ikke aarshjul sitt\n"


def _plant(mappe: Path, navn: str, utenfor: Path) -> None:
    mappe.mkdir(exist_ok=True)
    utenfor.write_bytes(UTENFOR)
    (mappe / navn).symlink_to(utenfor)


def test_ics_alle_replaces_a_planted_link_and_leaves_its_target(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    mappe, utenfor, manifest_ute = tmp_path / "kalender", tmp_path / "passwd", tmp_path / "annet.json"
    _plant(mappe, "barnehage.ics", utenfor)
    (mappe / ".aarshjul-ics.json").symlink_to(manifest_ute)
    result = run("ics", "--alle", "-o", str(mappe))
    assert result.exit_code == 0, result.output
    assert utenfor.read_bytes() == UTENFOR and not manifest_ute.exists()
    for navn in ("barnehage.ics", ".aarshjul-ics.json"):
        info = os.lstat(mappe / navn)
        assert stat.S_ISREG(info.st_mode), navn
    assert (mappe / "barnehage.ics").read_bytes().startswith(b"BEGIN:VCALENDAR\r\n")


def test_publiser_replaces_planted_links_to_pages_and_manifests(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    mappe = tmp_path / "nett"
    mål = {navn: tmp_path / f"ute-{i}" for i, navn in
           enumerate(("index.html", "virksomhet-barnehage.html", ".aarshjul-nettside.json", "stil.css"))}
    mappe.mkdir()
    for navn, utenfor in mål.items():
        utenfor.write_bytes(UTENFOR)
        (mappe / navn).symlink_to(utenfor)
    result = run("publiser", "-o", str(mappe))
    assert result.exit_code == 0, result.output
    for navn, utenfor in mål.items():
        assert utenfor.read_bytes() == UTENFOR, navn
        assert stat.S_ISREG(os.lstat(mappe / navn).st_mode), navn
    assert (mappe / "index.html").read_bytes().startswith(b"<!DOCTYPE html>")


def test_a_fifo_in_the_folder_neither_hangs_nor_is_written_through(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    mappe = tmp_path / "kalender"
    mappe.mkdir()
    os.mkfifo(mappe / "alle.ics")
    result = run("ics", "--alle", "-o", str(mappe))
    assert result.exit_code == 0, result.output
    assert stat.S_ISREG(os.lstat(mappe / "alle.ics").st_mode)
    assert (mappe / "alle.ics").read_bytes().startswith(b"BEGIN:VCALENDAR\r\n")


def test_a_link_to_an_identical_file_is_still_replaced(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    mappe = tmp_path / "kalender"
    assert run("ics", "--alle", "-o", str(mappe)).exit_code == 0
    kopi = tmp_path / "kopi.ics"
    kopi.write_bytes((mappe / "skole.ics").read_bytes())
    (mappe / "skole.ics").unlink()
    (mappe / "skole.ics").symlink_to(kopi)
    assert run("ics", "--alle", "-o", str(mappe)).exit_code == 0
    assert stat.S_ISREG(os.lstat(mappe / "skole.ics").st_mode)


def test_a_folder_at_a_files_name_is_refused_in_bokmaal(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    mappe = tmp_path / "kalender"
    (mappe / "alle.ics").mkdir(parents=True)
    result = run("ics", "--alle", "-o", str(mappe))
    assert result.exit_code != 0
    assert "alle.ics» er en mappe" in result.stderr and "Traceback" not in result.output


def test_temporary_files_a_killed_run_left_are_removed_by_the_next(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    mappe = tmp_path / "nett"
    assert run("publiser", "-o", str(mappe)).exit_code == 0
    gammel = time.time() - 2 * 3600
    rester = {navn: mappe / navn for navn in (".index.html.k1ll3d_x.tmp", ".alle.ics.abcd1234.tmp",
                                              "..aarshjul-ics.json.zz99yy88.tmp")}  # fmt: skip
    for sti in rester.values():
        sti.write_bytes(b"halv")
        os.utime(sti, (gammel, gammel))
    fersk = mappe / ".skole.ics.fresh123.tmp"  # another run may be writing it right now
    fersk.write_bytes(b"halv")
    fremmed = mappe / ".logo.png.abcd1234.tmp"  # not a name aarshjul writes
    fremmed.write_bytes(b"x")
    os.utime(fremmed, (gammel, gammel))
    lenke = mappe / ".stil.css.lenke123.tmp"
    lenke.symlink_to(tmp_path / "utenfor")
    assert run("publiser", "-o", str(mappe)).exit_code == 0
    assert not any(sti.exists() for sti in rester.values())
    assert fersk.exists() and fremmed.exists() and lenke.is_symlink()
