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
from collections.abc import Mapping
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


def _trygt_navn(navn: str) -> bool:
    """A plain file name in the folder itself: no path, no hidden file, no '..'."""
    return bool(navn) and "/" not in navn and "\\" not in navn and not navn.startswith(".") and navn != MANIFEST


def publish_folder(mappe: Path, filer: Mapping[str, bytes], *, siste: str = "index.html") -> Resultat:
    """Write `filer` into `mappe` (created if missing), `siste` last, then drop stale files."""
    for navn in filer:
        if not _trygt_navn(navn):
            raise ValueError(f"not a plain file name: {navn!r}")
    ensure_folder(mappe, "-o må være en mappe.")
    fjern_gamle_tmp(mappe, [*filer, MANIFEST])
    gamle = _les_manifest(mappe)
    rekkefoelge = sorted(n for n in filer if n != siste) + ([siste] if siste in filer else [])
    skrevet: list[str] = []
    uendret: list[str] = []
    for navn in rekkefoelge:
        sti = mappe / navn
        if er_lik(sti, filer[navn]):
            uendret.append(navn)
            continue
        write_in_folder(sti, filer[navn])
        skrevet.append(navn)
    # The manifest lists both runs' files until the stale ones are gone, so an
    # interrupted run still knows on the next run what it may delete.
    foreldede = sorted(n for n in gamle if n not in filer)
    _skriv_manifest(mappe, sorted(set(filer) | set(foreldede)))
    fjernet: list[str] = []
    for navn in foreldede:
        sti = mappe / navn
        try:
            if sti.is_symlink() or not sti.is_file():
                continue
            sti.unlink()
            fjernet.append(navn)
        except FileNotFoundError:
            continue
        except OSError as e:
            raise OutputError(f"Kan ikke fjerne den gamle filen «{sti}»: {os_feil_tekst(e)}.") from None
    if foreldede:
        _skriv_manifest(mappe, sorted(filer))
    return Resultat(tuple(skrevet), tuple(uendret), tuple(fjernet))


def _les_manifest(mappe: Path) -> list[str]:
    """The files the last run wrote; a missing or unreadable manifest lists none."""
    from aarshjul.files import IkkeLest, les_vanlig_fil

    try:
        # Inside a folder others may write: no link followed, no FIFO waited on.
        data = json.loads(les_vanlig_fil(mappe / MANIFEST, 16 * 1024 * 1024, foelg_lenke=False).decode("utf-8"))
    except (OSError, IkkeLest, UnicodeDecodeError, ValueError, RecursionError):
        return []
    filer = data.get("filer") if isinstance(data, dict) else None
    if not isinstance(filer, list):
        return []
    return [n for n in filer if isinstance(n, str) and _trygt_navn(n)]


def _skriv_manifest(mappe: Path, filer: list[str]) -> None:
    data = {"versjon": MANIFEST_VERSJON, "laget_av": "aarshjul publiser", "filer": filer}
    tekst = json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    sti = mappe / MANIFEST
    if not er_lik(sti, tekst.encode("utf-8")):
        write_in_folder(sti, tekst.encode("utf-8"))
