"""Errors raised by the core. Only cli.py turns them into messages and exit codes."""

from __future__ import annotations

import errno
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a plan file, with its place when known."""

    path: Path | None
    line: int | None  # 1-based
    column: int | None  # 1-based
    message: str  # bokmål, a complete sentence

    def __str__(self) -> str:
        where = str(self.path) if self.path is not None else "plan"
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return f"{where}: {self.message}"


class AarshjulError(Exception):
    """Base for every error a user can cause. exit_code follows click: 2 = usage."""

    exit_code = 2

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class PlanError(AarshjulError):
    """The plan file could not be read or is not valid; carries every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class UsageError(AarshjulError):
    """A bad argument: unknown virksomhet, bad date, bad window."""


# The OS's own wording (strerror) is English; these are what a user meets writing files
# and streams. Anything else falls back to the errno name (ENOSPC), which is searchable.
_OS_FEIL = {
    "ENOSPC": "disken er full",
    "EDQUOT": "diskkvoten er brukt opp",
    "EACCES": "mangler tilgang",
    "EPERM": "operasjonen er ikke tillatt",
    "EROFS": "filsystemet er skrivebeskyttet",
    "ENOENT": "finnes ikke",
    "EISDIR": "er en mappe",
    "ENOTDIR": "en del av stien er ikke en mappe",
    "EEXIST": "finnes allerede",
    "EXDEV": "kan ikke flytte mellom to filsystemer",
    "ENAMETOOLONG": "navnet er for langt",
    "ELOOP": "for mange symbolske lenker",
    "EIO": "inn/ut-feil på enheten",
    "EPIPE": "mottakeren har lukket strømmen",
    "EBADF": "strømmen er lukket",
    "ENXIO": "ingen leser i den andre enden",
    "EFBIG": "filen blir for stor",
    "EMFILE": "for mange åpne filer",
    "ETXTBSY": "filen er i bruk",
    "EAGAIN": "enheten er ikke klar",
}


def os_feil_tekst(e: OSError) -> str:
    """A short bokmål phrase for an OSError ("disken er full"), never the English strerror."""
    navn = errno.errorcode.get(e.errno or -1, "")
    return _OS_FEIL.get(navn) or (f"systemfeil {navn}" if navn else "ukjent systemfeil")
