"""Writing a published folder so that a web server never serves half a site.

Each file is replaced atomically (output.write_in_folder: a temporary file, then rename;
a link or FIFO planted at a name is replaced, never followed or read through),
pages before the index, so every link on a new index.html already points to a new
file. A file whose bytes are unchanged is not touched at all (same bytes, same mtime:
caches and `rsync` see nothing new). The folder may hold files that aarshjul did not
write (a logo, a .htaccess, other calendars): they are left alone. To remove pages that
no longer exist (a virksomhet taken out of the plan) the folder keeps a manifest,
MANIFEST, of the files the last run wrote; only names listed there are ever deleted.

Why not build a new folder and swap it in: a rename swaps the whole folder, and the
files aarshjul did not write would be lost, or have to be copied across and then be
stale; the web server's document root may also be a mount point that cannot be renamed.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from aarshjul.errors import os_feil_tekst
from aarshjul.storage.output import OutputError, ensure_folder, er_lik, fjern_gamle_tmp, write_in_folder

MANIFEST = ".aarshjul-nettside.json"
MANIFEST_VERSJON = 1


@dataclass(frozen=True)
class Resultat:
    """What a publish did, file names in the order they were handled."""

    skrevet: tuple[str, ...]
    uendret: tuple[str, ...]
    fjernet: tuple[str, ...]
    advarsel: str | None = None  # the manifest listed names aarshjul never writes: left out


def _trygt_navn(navn: str) -> bool:
    """A plain file name in the folder itself: no path, no hidden file, no '..'."""
    return bool(navn) and "/" not in navn and "\\" not in navn and not navn.startswith(".") and navn != MANIFEST


def publish_folder(
    mappe: Path,
    filer: Mapping[str, bytes] | Iterable[tuple[str, bytes]],
    *,
    navn: Collection[str] | None = None,
    siste: str = "index.html",
) -> Resultat:
    """Write `filer` into `mappe` (created if missing), `siste` last, then drop stale files.

    `filer` is a mapping, or (name, bytes) pairs made one at a time with every name given
    beforehand in `navn`: each is written as it comes, so memory holds one page, not the
    site (a plan of 5,000 virksomheter is ~16,000 files). `siste` is held back and written
    after the others whatever its place."""
    if isinstance(filer, Mapping):
        alle = list(filer)
        par: Iterable[tuple[str, bytes]] = ((n, filer[n]) for n in sorted(alle))
    else:
        if navn is None:
            raise ValueError("navn is needed with an iterable of files")
        alle, par = list(navn), filer
    for n in alle:
        if not _trygt_navn(n):
            raise ValueError(f"not a plain file name: {n!r}")
    ventet = set(alle)
    ensure_folder(mappe, "-o må være en mappe.")
    fjern_gamle_tmp(mappe, [*alle, MANIFEST])
    gamle, ugyldige = _les_manifest(mappe)
    skrevet: list[str] = []
    uendret: list[str] = []
    sist: bytes | None = None
    laget: set[str] = set()

    def skriv(n: str, data: bytes) -> None:
        sti = mappe / n
        if er_lik(sti, data):
            uendret.append(n)
        else:
            write_in_folder(sti, data)
            skrevet.append(n)

    for n, data in par:
        if n not in ventet or n in laget:
            raise ValueError(f"file not announced or made twice: {n!r}")
        laget.add(n)
        if n == siste:
            sist = data
        else:
            skriv(n, data)
    if laget != ventet:
        raise ValueError(f"files announced but not made: {sorted(ventet - laget)!r}")
    if sist is not None:
        skriv(siste, sist)
    # The manifest lists both runs' files until the stale ones are gone, so an
    # interrupted run still knows on the next run what it may delete.
    foreldede = sorted(n for n in gamle if n not in ventet)
    _skriv_manifest(mappe, sorted(ventet | set(foreldede)))
    fjernet: list[str] = []
    for gammel in foreldede:
        sti = mappe / gammel
        try:
            if sti.is_symlink() or not sti.is_file():
                continue
            sti.unlink()
            fjernet.append(gammel)
        except FileNotFoundError:
            continue
        except OSError as e:
            raise OutputError(f"Kan ikke fjerne den gamle filen «{sti}»: {os_feil_tekst(e)}.") from None
    if foreldede:
        _skriv_manifest(mappe, sorted(ventet))
    advarsel = None
    if ugyldige:
        advarsel = (
            f"«{mappe / MANIFEST}» har {ugyldige} {'ugyldig navn' if ugyldige == 1 else 'ugyldige navn'} "
            "(ikke et filnavn aarshjul skriver); de er hoppet over, og ingen fil med et slikt navn er fjernet."
        )
    return Resultat(tuple(skrevet), tuple(uendret), tuple(fjernet), advarsel)


def _les_manifest(mappe: Path) -> tuple[list[str], int]:
    """The files the last run wrote, and how many of the manifest's names were not plain
    file names (a number, a control character, a name too long for the file system:
    one would fail every run after, the manifest lying in a folder others may write);
    a missing or unreadable manifest lists none."""
    from aarshjul.files import IkkeLest, les_vanlig_fil

    try:
        # Inside a folder others may write: no link followed, no FIFO waited on.
        data = json.loads(les_vanlig_fil(mappe / MANIFEST, 16 * 1024 * 1024, foelg_lenke=False).decode("utf-8"))
    except (OSError, IkkeLest, UnicodeDecodeError, ValueError, RecursionError):
        return [], 0
    filer = data.get("filer") if isinstance(data, dict) else None
    if not isinstance(filer, list):
        return [], 0
    gode = [n for n in filer if isinstance(n, str) and _trygt_navn(n) and _vanlig_navn(n)]
    return gode, len(filer) - len(gode)


def _vanlig_navn(navn: str) -> bool:
    """Printable, and short enough for a file system (255 bytes)."""
    try:
        return navn.isprintable() and len(navn.encode("utf-8")) <= 255
    except UnicodeEncodeError:  # a lone surrogate from "\udcff" in the JSON
        return False


def _skriv_manifest(mappe: Path, filer: list[str]) -> None:
    data = {"versjon": MANIFEST_VERSJON, "laget_av": "aarshjul publiser", "filer": filer}
    tekst = json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    sti = mappe / MANIFEST
    if not er_lik(sti, tekst.encode("utf-8")):
        write_in_folder(sti, tekst.encode("utf-8"))
