"""Errors raised by the core. Only cli.py turns them into messages and exit codes."""

from __future__ import annotations

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
