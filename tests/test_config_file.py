"""aarshjul.toml: found in the documented order, relative paths relative to the file, and
every mistake reported with the file, the line and what is wrong, in bokmål."""

from __future__ import annotations

from pathlib import Path

import pytest

from aarshjul.config import ConfigError, finn_config, les_fil, les_oppsett

GOD = """\
plan = "plan.yaml"
database = "data/kvitteringer.sqlite"

[nettsted]
url = "https://intranett.kommune.no/aarshjul/"

[server]
port = 8090
noekkel_fil = "hemmelig/lenkenokkel"
proxy = ["127.0.0.1"]

[innlogging]
bruker_header = "X-Forwarded-Email"

[tilgang]
admin = ["gruppe:aarshjul-admin"]

[tilgang.virksomheter]
barnehage = ["styrer@kommune.no"]

[epost]
fra = "aarshjul@kommune.no"
smtp_vert = "smtp.kommune.no"
sikkerhet = "starttls"

[mottakere]
barnehage = ["styrer@kommune.no"]
"""


def _skriv(tmp_path: Path, tekst: str) -> Path:
    fil = tmp_path / "aarshjul.toml"
    fil.write_text(tekst, encoding="utf-8")
    return fil


def test_a_good_file_with_paths_relative_to_it(tmp_path: Path) -> None:
    o = les_fil(_skriv(tmp_path, GOD), {"barnehage", "skole"})
    assert o.plan == tmp_path / "plan.yaml" and o.database == tmp_path / "data" / "kvitteringer.sqlite"
    assert o.nettsted_url == "https://intranett.kommune.no/aarshjul"
    assert o.server.port == 8090 and o.server.noekkel_fil == tmp_path / "hemmelig" / "lenkenokkel"
    assert o.server.proxy == ("127.0.0.1",) and o.innlogging is not None
    assert o.tilgang.virksomheter == {"barnehage": ("styrer@kommune.no",)}
    assert o.mottakere == {"barnehage": ("styrer@kommune.no",)}


@pytest.mark.parametrize(("endring", "linje", "melding"), [
    (("port = 8090", "prot = 8090"), 8, "ukjent nøkkel «prot» [server]. Gyldige nøkler: vert, port"),
    (("port = 8090", 'port = "8090"'), 8, "«port» skal være et heltall."),
    (("port = 8090", "port = 70000"), 8, "«port» skal være mellom 1 og 65535."),
    (('barnehage = ["styrer@kommune.no"]\n\n[epost]', 'barnehag = ["styrer@kommune.no"]\n\n[epost]'), 19,
     "ukjent virksomhet «barnehag» i [tilgang.virksomheter]."),
    (('[mottakere]\nbarnehage = ["styrer@kommune.no"]', '[mottakere]\nbarnehage = ["styrer(a)kommune.no"]'), 27,
     "«styrer(a)kommune.no» er ikke en e-postadresse."),
    (('sikkerhet = "starttls"', 'sikkerhet = "tls"'), 24, '«sikkerhet» skal være "starttls", "ssl" eller "ingen".'),
    (("url = ", "url = 5 #"), 5, "«url» skal være tekst i anførselstegn."),
    (('proxy = ["127.0.0.1"]\n', ""), 11, "[innlogging] krever «proxy» under [server]"),
    (("[server]", "[server"), 7, "ugyldig TOML"),
])  # fmt: skip
def test_each_mistake_names_the_file_and_the_line(tmp_path: Path, endring: tuple[str, str], linje: int,
                                                  melding: str) -> None:  # fmt: skip
    fil = _skriv(tmp_path, GOD.replace(*endring))
    with pytest.raises(ConfigError) as e:
        les_fil(fil, {"barnehage", "skole"})
    assert f"Feil i oppsettet: {fil}:{linje}" in str(e.value) and melding in str(e.value), str(e.value)


def test_the_servers_address_for_sign_off_links(tmp_path: Path) -> None:
    assert les_fil(_skriv(tmp_path, GOD)).server.url is None
    o = les_fil(_skriv(tmp_path, GOD.replace("port = 8090", 'port = 8090\nurl = "https://intranett.kommune.no/k/"')))
    assert o.server.url == "https://intranett.kommune.no/k"  # publiser appends /mine
    assert o.nettsted_url == "https://intranett.kommune.no/aarshjul"  # [nettsted] url is its own key


def test_the_search_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    xdg = tmp_path / "xdg"
    (xdg / "aarshjul").mkdir(parents=True)
    bruker = _skriv(xdg / "aarshjul", "")
    egen = _skriv(tmp_path, "")
    assert finn_config(None, {"XDG_CONFIG_HOME": str(xdg)}) == bruker
    assert finn_config(None, {"XDG_CONFIG_HOME": str(xdg), "AARSHJUL_CONFIG": str(egen)}) == egen
    assert finn_config(str(egen), {"XDG_CONFIG_HOME": str(xdg), "AARSHJUL_CONFIG": "/finnes/ikke"}) == egen
    with pytest.raises(ConfigError, match="filen finnes ikke"):
        finn_config(None, {"AARSHJUL_CONFIG": str(tmp_path / "mangler.toml")})
    with pytest.raises(ConfigError, match="--config er tom"):
        finn_config("", {})
    assert les_oppsett(None, {"XDG_CONFIG_HOME": str(tmp_path / "tom")}).fil in (None, Path("/etc/aarshjul/aarshjul.toml"))


def test_not_utf8_and_not_a_file(tmp_path: Path) -> None:
    fil = tmp_path / "aarshjul.toml"
    fil.write_bytes(b'plan = "a"\nurl = "\xff"\n')
    with pytest.raises(ConfigError, match=r"aarshjul.toml:2: filen er ikke UTF-8"):
        les_fil(fil)
    with pytest.raises(ConfigError, match="kan ikke leses: er en mappe|kan ikke leses"):
        les_fil(tmp_path)


def test_check_checks_the_file_against_the_plan(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    fil = _skriv(tmp_path, GOD)
    r = run("check", "--config", str(fil))
    assert r.exit_code == 0, r.output
    assert f"Oppsettet er gyldig: {fil}" in r.stdout
    fil.write_text(GOD.replace('[mottakere]\nbarnehage', '[mottakere]\nbarnehagen'), encoding="utf-8")
    r = run("check", "--config", str(fil))
    assert r.exit_code == 1
    assert f"{fil}:27: ukjent virksomhet «barnehagen» i [mottakere]." in r.stderr
    assert "Oppsettet er ikke gyldig (1 feil)." in r.stderr


def test_every_command_takes_plan_and_database_from_the_file(run, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from conftest import PLANS

    fil = _skriv(tmp_path, f'plan = "{PLANS / "mini.yaml"}"\ndatabase = "k.sqlite"\n')
    monkeypatch.setenv("AARSHJUL_CONFIG", str(fil))
    monkeypatch.delenv("AARSHJUL_DB", raising=False)
    r = run("next", "-v", "skole", "--format", "tekst")
    assert r.exit_code == 0 and "SAMBA – SAMBA-møte" in r.stdout  # the test plan, not the shipped one
    assert run("kvitter", "samba.mote.2026-12-01", today="01.12.2026").exit_code == 0
    assert (tmp_path / "k.sqlite").exists()
    # Options and variables win.
    assert "Strategi- og handlingsplan" in run("check", "--plan", str(PLANS.parent.parent / "data" / "plan.yaml")).stdout
    fil.write_text("plan = 5\n", encoding="utf-8")
    r = run("next")
    assert r.exit_code == 1 and f"Feil i oppsettet: {fil}:1: «plan» skal være tekst i anførselstegn." in r.stderr
