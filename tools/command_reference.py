#!/usr/bin/env python3
"""Write docs/kommandoer.md from the real --help of aarshjul and of every command.

    python tools/command_reference.py           # rewrite docs/kommandoer.md
    python tools/command_reference.py --check   # exit 1 when the file is stale

The reference is generated rather than written, so it cannot drift from the program
(sqlite-utils checks its docs with `cog --check` for the same reason). Each help text comes
from the console entry point in a child process, as a user sees it: typer's CliRunner
forces an 80-column width that a terminal never gets, so its text wraps differently.
The children run side by side (about a second for all). COLUMNS and NO_COLOR are fixed,
so the text does not depend on the terminal the tool runs in.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TARGET = REPO / "docs" / "kommandoer.md"
# The console entry point under the name a user types (click takes it from argv[0]).
CONSOLE = "import sys; sys.argv[0] = 'aarshjul'; from aarshjul.cli import main; main()"

HEAD = """\
# Kommandoer

<!-- Laget av tools/command_reference.py fra programmets egen --help. Ikke rediger for hånd:
     kjør «python tools/command_reference.py» etter en endring i en hjelpetekst. -->

Hjelpeteksten til `aarshjul` og hver kommando, slik programmet selv skriver den med
`--help`. Siden lages av `tools/command_reference.py`, og en test feiler når den ikke
stemmer med programmet. Forklaringer og eksempler står i [bruk.md](bruk.md) og på sidene
for hvert emne (se [README](../README.md)).
"""


def command_names() -> list[str]:
    """The commands in --help order: the registry in aarshjul.cli."""
    from aarshjul.cli import KOMMANDOER

    return [row[0] for row in KOMMANDOER]


def help_texts(commands: list[tuple[str, ...]]) -> list[str]:
    """`aarshjul ARGS --help` for each ARGS, with trailing spaces removed."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AARSHJUL_")}
    env.update(COLUMNS="100", NO_COLOR="1", PYTHONPATH=str(REPO), PYTHONIOENCODING="utf-8")
    children = [
        subprocess.Popen(
            [sys.executable, "-c", CONSOLE, *args, "--help"],
            cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8",
        )
        for args in commands
    ]
    texts = []
    for args, child in zip(commands, children):
        out, err = child.communicate(timeout=60)
        if child.returncode != 0:
            raise SystemExit(f"«aarshjul {' '.join(args)} --help» avsluttet med kode {child.returncode}:\n{err}")
        texts.append("\n".join(line.rstrip() for line in out.rstrip("\n").splitlines()) + "\n")
    return texts


def generate() -> str:
    """The whole of docs/kommandoer.md."""
    names = command_names()
    parts = [HEAD, ""]
    parts += [f"- [`aarshjul {name}`](#aarshjul-{name})" for name in names]
    commands = [(), *((name,) for name in names)]
    for args, text in zip(commands, help_texts(commands)):
        title = " ".join(("aarshjul", *args))
        parts += ["", f"## `{title}`", "", "```text", f"$ {title} --help", text + "```"]
    return "\n".join(parts) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Lag docs/kommandoer.md fra --help.")
    parser.add_argument("--check", action="store_true", help="bare sjekk at filen er oppdatert (kode 1 ellers)")
    args = parser.parse_args(argv)
    text = generate()
    if args.check:
        current = TARGET.read_text(encoding="utf-8") if TARGET.exists() else ""
        if current != text:
            print(
                f"{TARGET.relative_to(REPO)} stemmer ikke med programmets --help. "
                "Kjør «python tools/command_reference.py» og ta med endringen.",
                file=sys.stderr,
            )
            return 1
        return 0
    TARGET.write_text(text, encoding="utf-8")
    print(f"Skrev {TARGET.relative_to(REPO)}.")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))
    raise SystemExit(main())
