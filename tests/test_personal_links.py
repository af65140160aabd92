"""`aarshjul lenke`: a signed link per virksomhet, its key in a 0600 file made on first
use, and a new key that ends every old link."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

pytest.importorskip("itsdangerous")

from aarshjul.services.lenker import LenkeError, les_token  # noqa: E402

URL = "https://intranett.kommune.no/aarshjul"


def _token(lenke: str) -> str:
    assert lenke.startswith(URL + "/lenke/")
    return lenke.strip().rsplit("/", 1)[1]


def test_a_link_for_a_unit_with_its_key_made_once(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    db = tmp_path / "data" / "kvitteringer.sqlite"
    r = run("lenke", "--virksomhet", "bhg", "--url", URL + "/", "--db", str(db))
    assert r.exit_code == 0, r.output
    noekkel = tmp_path / "data" / "lenkenokkel"
    assert stat.S_IMODE(noekkel.stat().st_mode) == 0o600
    innehaver = les_token(noekkel.read_bytes().strip(), _token(r.stdout), {"barnehage"})
    assert innehaver.virksomhet == "barnehage" and innehaver.kilde == "lenke:barnehage"
    innhold = noekkel.read_bytes()
    assert run("lenke", "-v", "skole", "--url", URL, "--db", str(db)).exit_code == 0
    assert noekkel.read_bytes() == innhold  # the same key for every link
    assert not db.exists()  # a link writes no sign-off database


def test_a_new_key_ends_the_old_links(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    db = tmp_path / "kvitteringer.sqlite"
    gammel = _token(run("lenke", "-v", "barnehage", "--url", URL, "--db", str(db)).stdout)
    r = run("lenke", "-v", "barnehage", "--url", URL, "--db", str(db), "--ny-nøkkel")
    assert r.exit_code == 0 and "alle gamle lenker og økter virker ikke lenger" in r.stderr
    noekkel = (tmp_path / "lenkenokkel").read_bytes().strip()
    assert les_token(noekkel, _token(r.stdout), {"barnehage"}).virksomhet == "barnehage"
    with pytest.raises(LenkeError, match="nøkkelen er byttet"):
        les_token(noekkel, gammel, {"barnehage"})


def test_a_key_others_can_read_is_refused(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    db = tmp_path / "kvitteringer.sqlite"
    noekkel = tmp_path / "lenkenokkel"
    noekkel.write_text("a" * 64)
    os.chmod(noekkel, 0o644)
    r = run("lenke", "-v", "barnehage", "--url", URL, "--db", str(db))
    assert r.exit_code == 1 and "kan leses av andre enn eieren (modus 644)" in r.stderr
    assert "chmod 600" in r.stderr and r.stdout == ""


@pytest.mark.parametrize(("args", "melding"), [
    (("-v", "barnehage"), "Oppgi --url"),
    (("-v", "barnehage", "--admin", "--url", URL), "Oppgi enten --virksomhet V eller --admin"),
    (("--url", URL), "Oppgi enten --virksomhet V eller --admin"),
    (("-v", "barnhage", "--url", URL), "barnhage"),
    (("-v", "barnehage", "--url", "ftp://x"), "--url må begynne med https://"),
    (("-v", "barnehage", "--url", URL, "--dager", "400"), "--dager"),
])  # fmt: skip
def test_what_a_link_needs(run, tmp_path: Path, args: tuple[str, ...], melding: str) -> None:  # type: ignore[no-untyped-def]
    r = run("lenke", *args, "--db", str(tmp_path / "k.sqlite"))
    assert r.exit_code == 2 and melding in r.stderr, r.output
    assert not (tmp_path / "lenkenokkel").exists()


def test_the_admin_link(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    r = run("lenke", "--admin", "--url", URL, "--db", str(tmp_path / "k.sqlite"))
    assert r.exit_code == 0
    innehaver = les_token((tmp_path / "lenkenokkel").read_bytes().strip(), _token(r.stdout), set())
    assert innehaver.admin and innehaver.kilde == "lenke:admin"
