"""Imports run one way (issue 13, «The house»): cli builds the app from the commands; the
commands never import cli, and a console start imports only the command it runs."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PAKKE = Path(__file__).resolve().parent.parent / "aarshjul"


def _imports(fil: Path) -> set[str]:
    tre = ast.parse(fil.read_text(encoding="utf-8"))
    navn: set[str] = set()
    for node in ast.walk(tre):
        if isinstance(node, ast.ImportFrom) and node.module:
            navn.add(node.module)
        elif isinstance(node, ast.Import):
            navn.update(a.name for a in node.names)
    return navn


def test_no_command_module_imports_cli() -> None:
    for fil in (PAKKE / "commands").glob("*.py"):
        assert "aarshjul.cli" not in _imports(fil), fil.name


def test_core_modules_import_neither_cli_nor_commands() -> None:
    for fil in PAKKE.glob("*.py"):
        if fil.name in ("cli.py", "__main__.py"):
            continue
        bad = {m for m in _imports(fil) if m == "aarshjul.cli" or m.startswith("aarshjul.commands")}
        assert not bad, f"{fil.name} importerer {bad}"


def test_every_registered_command_resolves() -> None:
    from aarshjul.cli import KOMMANDOER, app

    assert [c.name for c in app.registered_commands] == [k[0] for k in KOMMANDOER]


def test_console_start_imports_only_the_invoked_command_module() -> None:
    code = (
        "import sys; sys.argv = ['aarshjul', 'virksomheter', '--format', 'json'];"
        "import aarshjul.cli as c; a = c._bygg_app(c._invoked_command(sys.argv[1:]));"
        "print(sorted(m for m in sys.modules if m.startswith('aarshjul.commands.')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "['aarshjul.commands.common', 'aarshjul.commands.leder']"
