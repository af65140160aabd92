"""aarshjul.toml: what cron, `publiser`, `serve`, `lenke` and `send` share on one installation.

Read with the standard library's tomllib. Found through `--config FIL`, then
$AARSHJUL_CONFIG, then $XDG_CONFIG_HOME/aarshjul/aarshjul.toml (~/.config/...), then
/etc/aarshjul/aarshjul.toml. Without a file every command works as before; options on
the command line win over the file. A relative path in the file is relative to the file.

Every problem is reported with the file, the line and what is wrong, in bokmål
(ConfigError, exit code 1). tomllib gives a line only for syntax errors; for a key that is
unknown or has the wrong type the line is found by reading the file's lines (_linje).

Addresses and secrets live here, not in the plan: the plan is published. The password
for SMTP is never in the file, only the path of a file that holds it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aarshjul.errors import AarshjulError, Problem

CONFIG_ENV = "AARSHJUL_CONFIG"
DB_ENV_NAVN = "AARSHJUL_DB"  # storage/dbpath.py's DB_ENV (the nouns do not import storage)
FILNAVN = "aarshjul.toml"
MAKS_BYTES = 1024 * 1024
# An address as mail systems accept it in practice: one @, no spaces or angle brackets.
_ADRESSE = re.compile(r"[^@\s<>\"',;]+@[^@\s<>\"',;]+\.[^@\s<>\"',;]+")


class ConfigError(AarshjulError):
    exit_code = 1

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(f"Feil i oppsettet: {p}" for p in problems))


@dataclass(frozen=True)
class Tilgang:
    """Who may act for which virksomhet when the kommune's single sign-on names the user.

    Each entry is a user name as the proxy sends it («styrer@kommune.no») or a group
    written «gruppe:NAVN». `admin` may sign off for every unit and read the report."""

    admin: tuple[str, ...] = ()
    virksomheter: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class Innlogging:
    """The single sign-on of a reverse proxy in front of `serve`: the headers it sets,
    trusted only on requests from the proxy ([server] proxy)."""

    bruker_header: str
    grupper_header: str | None = None


@dataclass(frozen=True)
class Server:
    # Where `serve` answers on the web, without a trailing slash: the static site
    # (`publiser`) links to its sign-off page. None: the static site has no such link.
    url: str | None = None
    vert: str = "127.0.0.1"
    port: int = 8080
    noekkel_fil: Path | None = None  # the secret for links and sessions; default beside the database
    lenke_dager: int = 30  # how long a personal link works
    oekt_timer: int = 12  # how long a browser session lasts
    traader: int = 8  # waitress threads
    # The reverse proxy's addresses: only from them are X-Forwarded-For (the client, for
    # the rate limit) and the single sign-on headers believed.
    proxy: tuple[str, ...] = ()


@dataclass(frozen=True)
class Oppsett:
    """The parsed file (or the defaults, with `fil` None)."""

    fil: Path | None = None
    plan: Path | None = None
    database: Path | None = None
    nettsted_url: str | None = None
    server: Server = field(default_factory=Server)
    innlogging: Innlogging | None = None
    tilgang: Tilgang = field(default_factory=Tilgang)
    @property
    def serve_url(self) -> str | None:
        """Where `aarshjul serve` answers: [server] url, else [nettsted] url (one address
        for both when serve shows the site itself)."""
        return self.server.url or self.nettsted_url

    # [epost] and [mottakere] are read here so that `check --config` sees every mistake;
    # `send` uses them.
    epost: Mapping[str, Any] = field(default_factory=dict)
    mottakere: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # [teams]: a Teams channel's Workflows webhook per virksomhet (instead of or beside e-mail).
    teams: Mapping[str, str] = field(default_factory=dict)


_TOPP = {"plan": str, "database": str, "nettsted": dict, "server": dict, "innlogging": dict, "tilgang": dict,
         "epost": dict, "mottakere": dict, "teams": dict}  # fmt: skip
_NETTSTED = {"url": str}
_SERVER = {"vert": str, "port": int, "noekkel_fil": str, "lenke_dager": int, "oekt_timer": int, "traader": int,
           "proxy": list, "url": str}
_INNLOGGING = {"bruker_header": str, "grupper_header": str}
_TILGANG = {"admin": list, "virksomheter": dict}
_EPOST = {"fra": str, "smtp_vert": str, "smtp_port": int, "sikkerhet": str, "bruker": str, "passord_fil": str}
_TYPENAVN = {str: "tekst i anførselstegn", int: "et heltall", list: "en liste [ … ]", dict: "en tabell [ … ]"}


def finn_config(option: str | None, env: Mapping[str, str] | None = None) -> Path | None:
    """The configuration file to read: --config, $AARSHJUL_CONFIG, the user's, the system's;
    None when there is none. A file named by --config or the variable must exist."""
    env = os.environ if env is None else env
    for navn, verdi in (("--config", option), (CONFIG_ENV, env.get(CONFIG_ENV))):
        if verdi is not None:
            if not verdi.strip():
                raise ConfigError([Problem(None, None, None, f"{navn} er tom: oppgi stien til {FILNAVN}.")])
            path = Path(verdi).expanduser()
            if not path.exists():
                raise ConfigError([Problem(path, None, None, f"filen finnes ikke (fra {navn}).")])
            return path
    base = env.get("XDG_CONFIG_HOME") or str(Path("~/.config").expanduser())
    for path in (Path(base) / "aarshjul" / FILNAVN, Path("/etc/aarshjul") / FILNAVN):
        try:
            if path.is_file():
                return path
        except OSError:
            continue
    return None


def les_oppsett(option: str | None = None, env: Mapping[str, str] | None = None,
                virksomheter: set[str] | None = None) -> Oppsett:  # fmt: skip
    """The installation's Oppsett; the defaults when no file is found. With `virksomheter`
    (the plan's keys), names of virksomheter in the file are checked too."""
    path = finn_config(option, env)
    return Oppsett() if path is None else les_fil(path, virksomheter)


def les_fil(path: Path, virksomheter: set[str] | None = None) -> Oppsett:
    import tomllib

    from aarshjul.errors import os_feil_tekst
    from aarshjul.files import IkkeLest, les_vanlig_fil

    try:
        data = les_vanlig_fil(path, MAKS_BYTES)
    except IkkeLest as e:
        raise ConfigError([Problem(path, None, None, f"kan ikke leses: {e.grunn}.")]) from None
    except OSError as e:
        raise ConfigError([Problem(path, None, None, f"kan ikke leses: {os_feil_tekst(e)}.")]) from None
    try:
        tekst = data.decode("utf-8")
    except UnicodeDecodeError as e:
        linje = data[: e.start].count(b"\n") + 1
        raise ConfigError([Problem(path, linje, None, "filen er ikke UTF-8.")]) from None
    try:
        raw = tomllib.loads(tekst)
    except tomllib.TOMLDecodeError as e:
        m = re.search(r"\(at line (\d+), column (\d+)\)", str(e))
        rad: int | None = int(m.group(1)) if m else None
        kolonne: int | None = int(m.group(2)) if m else None
        raise ConfigError([Problem(path, rad, kolonne, "ugyldig TOML: " + _toml_feil(str(e)))]) from None
    return _Leser(path, tekst, virksomheter).oppsett(raw)


def _toml_feil(melding: str) -> str:
    """tomllib's English message, with its position removed (the Problem carries it)."""
    return re.sub(r"\s*\(at (line \d+, column \d+|end of document)\)", "", melding).rstrip(".") + "."


class _Leser:
    def __init__(self, path: Path, tekst: str, virksomheter: set[str] | None) -> None:
        self.path = path
        self.linjer = tekst.splitlines()
        self.virksomheter = virksomheter
        self.problemer: list[Problem] = []

    def _linje(self, tabell: str, noekkel: str | None = None) -> int | None:
        """The line of `[tabell]` (or of `noekkel = …` inside it; tabell "" is the top)."""
        i_tabell = tabell == ""
        for n, linje in enumerate(self.linjer, 1):
            s = linje.strip()
            if s.startswith("["):
                navn = s.strip("[]").strip()
                i_tabell = navn == tabell or (noekkel is None and navn.startswith(tabell + ".") and tabell != "")
                if i_tabell and noekkel is None and tabell:
                    return n
                continue
            if i_tabell and noekkel is not None and re.match(rf'^\s*"?{re.escape(noekkel)}"?\s*=', linje):
                return n
        return None

    def feil(self, tabell: str, noekkel: str | None, melding: str) -> None:
        self.problemer.append(Problem(self.path, self._linje(tabell, noekkel), None, melding))

    def tabell(self, raw: Mapping[str, Any], navn: str, typer: Mapping[str, type]) -> dict[str, Any]:
        """The keys of one table whose type is right; an unknown key or a wrong type is a problem."""
        ut: dict[str, Any] = {}
        hvor = f"[{navn}]" if navn else "øverst i filen"
        for noekkel, verdi in raw.items():
            if noekkel not in typer:
                self.feil(navn, noekkel, f"ukjent nøkkel «{noekkel}» {hvor}. Gyldige nøkler: {', '.join(typer)}.")
            elif not isinstance(verdi, typer[noekkel]) or isinstance(verdi, bool):
                self.feil(navn, noekkel, f"«{noekkel}» skal være {_TYPENAVN[typer[noekkel]]}.")
            else:
                ut[noekkel] = verdi
        return ut

    def sti(self, tabell: str, noekkel: str, verdi: str) -> Path:
        p = Path(verdi).expanduser()
        return p if p.is_absolute() else (self.path.parent / p)

    def liste(self, tabell: str, noekkel: str, verdi: list[Any]) -> tuple[str, ...]:
        if not all(isinstance(x, str) and x.strip() for x in verdi):
            self.feil(tabell, noekkel, f"«{noekkel}» skal være en liste med tekster i anførselstegn.")
            return ()
        return tuple(x.strip() for x in verdi)

    def virksomhet(self, tabell: str, noekkel: str) -> bool:
        if self.virksomheter is not None and noekkel not in self.virksomheter:
            kjente = ", ".join(sorted(self.virksomheter)[:12])
            self.feil(tabell, noekkel, f"ukjent virksomhet «{noekkel}» i [{tabell}]. Kjente virksomheter: {kjente}.")
            return False
        return True

    def oppsett(self, raw: Mapping[str, Any]) -> Oppsett:
        topp = self.tabell(raw, "", _TOPP)
        felt: dict[str, Any] = {"fil": self.path}
        for noekkel in ("plan", "database"):
            if noekkel in topp:
                felt[noekkel] = self.sti("", noekkel, topp[noekkel])
        if "nettsted" in topp:
            url = self.url("nettsted", self.tabell(topp["nettsted"], "nettsted", _NETTSTED).get("url"))
            if url is not None:
                felt["nettsted_url"] = url
        if "server" in topp:
            felt["server"] = self._server(self.tabell(topp["server"], "server", _SERVER))
        if "innlogging" in topp:
            felt["innlogging"] = self._innlogging(self.tabell(topp["innlogging"], "innlogging", _INNLOGGING))
        if "tilgang" in topp:
            felt["tilgang"] = self._tilgang(self.tabell(topp["tilgang"], "tilgang", _TILGANG))
        if "epost" in topp:
            felt["epost"] = self._epost(self.tabell(topp["epost"], "epost", _EPOST))
        if "mottakere" in topp:
            felt["mottakere"] = self._mottakere(topp["mottakere"])
        if "teams" in topp:
            felt["teams"] = self._teams(topp["teams"])
        if felt.get("innlogging") is not None and not felt.get("server", Server()).proxy:
            self.feil("innlogging", None, "[innlogging] krever «proxy» under [server]: adressene til proxyen som "
                                          "setter hodene (f.eks. proxy = [\"127.0.0.1\"]).")  # fmt: skip
        if self.problemer:
            raise ConfigError(self.problemer)
        return Oppsett(**felt)

    def url(self, tabell: str, url: str | None) -> str | None:
        """An http(s) address without its trailing slash; a problem otherwise."""
        if url is not None and not re.fullmatch(r"https?://[^\s]+", url):
            self.feil(tabell, "url", "«url» skal begynne med https:// (eller http://).")
            return None
        return url.rstrip("/") if url is not None else None

    def _server(self, t: dict[str, Any]) -> Server:
        grenser = {"port": (1, 65535), "lenke_dager": (1, 366), "oekt_timer": (1, 24 * 14), "traader": (1, 64)}
        for noekkel, (lo, hi) in grenser.items():
            if noekkel in t and not lo <= t[noekkel] <= hi:
                self.feil("server", noekkel, f"«{noekkel}» skal være mellom {lo} og {hi}.")
                del t[noekkel]
        return Server(
            url=self.url("server", t.get("url")), vert=t.get("vert", "127.0.0.1"), port=t.get("port", 8080),
            noekkel_fil=self.sti("server", "noekkel_fil", t["noekkel_fil"]) if "noekkel_fil" in t else None,
            lenke_dager=t.get("lenke_dager", 30), oekt_timer=t.get("oekt_timer", 12), traader=t.get("traader", 8),
            proxy=self.liste("server", "proxy", t["proxy"]) if "proxy" in t else (),
        )  # fmt: skip

    def _innlogging(self, t: dict[str, Any]) -> Innlogging | None:
        if "bruker_header" not in t:
            self.feil("innlogging", None, "[innlogging] mangler «bruker_header» (hodet proxyen setter, "
                                          "f.eks. \"X-Forwarded-Email\").")  # fmt: skip
            return None
        return Innlogging(t["bruker_header"], t.get("grupper_header"))

    def _tilgang(self, t: dict[str, Any]) -> Tilgang:
        admin = self.liste("tilgang", "admin", t["admin"]) if "admin" in t else ()
        virksomheter: dict[str, tuple[str, ...]] = {}
        for key, verdi in (t.get("virksomheter") or {}).items():
            if not isinstance(verdi, list):
                self.feil("tilgang.virksomheter", key, f"«{key}» skal være en liste med brukere og grupper.")
            elif self.virksomhet("tilgang.virksomheter", key):
                virksomheter[key] = self.liste("tilgang.virksomheter", key, verdi)
        return Tilgang(admin, virksomheter)

    def _epost(self, t: dict[str, Any]) -> dict[str, Any]:
        if "fra" in t and not _ADRESSE.fullmatch(t["fra"]):
            self.feil("epost", "fra", f"«fra» er ikke en e-postadresse: «{t['fra']}».")
        if "sikkerhet" in t and t["sikkerhet"] not in ("starttls", "ssl", "ingen"):
            self.feil("epost", "sikkerhet", "«sikkerhet» skal være \"starttls\", \"ssl\" eller \"ingen\".")
        if "smtp_port" in t and not 1 <= t["smtp_port"] <= 65535:
            self.feil("epost", "smtp_port", "«smtp_port» skal være mellom 1 og 65535.")
        if "passord_fil" in t:
            t["passord_fil"] = self.sti("epost", "passord_fil", t["passord_fil"])
        return t

    def _teams(self, t: dict[str, Any]) -> dict[str, str]:
        ut: dict[str, str] = {}
        for key, verdi in t.items():
            if not isinstance(verdi, str) or not re.fullmatch(r"https://[^\s]+", verdi):
                self.feil("teams", key, f"«{key}» skal være adressen til en Workflows-webhook, som begynner med https://.")
            elif self.virksomhet("teams", key):
                ut[key] = verdi
        return ut

    def _mottakere(self, t: dict[str, Any]) -> dict[str, tuple[str, ...]]:
        ut: dict[str, tuple[str, ...]] = {}
        for key, verdi in t.items():
            if not isinstance(verdi, list):
                self.feil("mottakere", key, f"«{key}» skal være en liste med e-postadresser.")
                continue
            if not self.virksomhet("mottakere", key):
                continue
            adresser = self.liste("mottakere", key, verdi)
            for a in adresser:
                if not _ADRESSE.fullmatch(a):
                    self.feil("mottakere", key, f"«{a}» er ikke en e-postadresse.")
            ut[key] = adresser
        return ut
