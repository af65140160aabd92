"""The folders are layers, and imports run one way: cli, web -> services -> render, storage,
engine -> plan -> the nouns (model, keys, dates, errors, files, config). A lower layer that imports a
higher one fails here, counting imports inside functions too."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PAKKE = Path(__file__).resolve().parent.parent / "aarshjul"

NOUNS = {"aarshjul", "aarshjul.model", "aarshjul.keys", "aarshjul.dates", "aarshjul.errors", "aarshjul.files",
         "aarshjul.config"}
# What each layer may import from the package, besides the nouns and itself.
MAY_IMPORT: dict[str, set[str]] = {
    "nouns": set(),
    "plan": set(),
    "engine": {"plan"},
    "storage": {"plan"},
    "render": {"plan", "engine"},
    "services": {"plan", "engine", "storage", "render"},
    "web": {"plan", "engine", "storage", "render", "services"},
    "cli": {"plan", "engine", "storage", "render", "services", "web"},
}


def layer_of(module: str) -> str:
    if module in NOUNS or module == "aarshjul.__main__":
        return "nouns" if module != "aarshjul.__main__" else "cli"
    return module.split(".")[1]


def _modules() -> dict[str, Path]:
    out = {}
    for fil in PAKKE.rglob("*.py"):
        rel = fil.relative_to(PAKKE.parent).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = fil
    return out


def _imports(fil: Path, module: str) -> set[str]:
    tree = ast.parse(fil.read_text(encoding="utf-8"))
    names: set[str] = set()
    package = module if fil.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else []))
            if base == "aarshjul":
                names.update(f"aarshjul.{a.name}" for a in node.names if a.name != "__version__")
                names.add("aarshjul")
            else:
                names.add(base)
        elif isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
    return {n for n in names if n == "aarshjul" or n.startswith("aarshjul.")}


def test_every_module_lives_in_a_known_layer() -> None:
    for module in _modules():
        assert layer_of(module) in MAY_IMPORT, f"{module}: ukjent lag"


def test_no_layer_imports_a_higher_one() -> None:
    wrong = []
    for module, fil in _modules().items():
        own = layer_of(module)
        allowed = MAY_IMPORT[own] | {own, "nouns"}
        for imported in sorted(_imports(fil, module)):
            if layer_of(imported) not in allowed:
                wrong.append(f"{module} ({own}) importerer {imported} ({layer_of(imported)})")
    assert not wrong, "\n".join(wrong)


def test_only_cli_imports_typer_only_web_flask_and_only_storage_sqlite3() -> None:
    for module, fil in _modules().items():
        tree = ast.parse(fil.read_text(encoding="utf-8"))
        imported = {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        imported |= {(n.module or "").split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
        if "typer" in imported:
            assert layer_of(module) == "cli", module
        if "sqlite3" in imported:
            assert module == "aarshjul.storage.store", module
        if imported & {"flask", "flask_wtf", "werkzeug"}:
            assert layer_of(module) == "web", module


def test_every_registered_command_resolves() -> None:
    from aarshjul.cli import KOMMANDOER, app

    assert [c.name for c in app.registered_commands] == [k[0] for k in KOMMANDOER]


def test_console_start_imports_only_the_invoked_command_module() -> None:
    code = (
        "import sys; sys.argv = ['aarshjul', 'virksomheter', '--format', 'json'];"
        "import aarshjul.cli as c; a = c._bygg_app(c._invoked_command(sys.argv[1:]));"
        "print(sorted(m for m in sys.modules if m.startswith('aarshjul.cli.')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "['aarshjul.cli.common', 'aarshjul.cli.leder']"


# What computes dates or chooses rows: a renderer gets their results and never calls them.
COMPUTING = {
    "aarshjul.engine.expand": None,  # the whole module
    "aarshjul.engine.digest": {"build_digest"},
    "aarshjul.engine.select": {"upcoming", "iter_upcoming", "kommende_frister", "tiltak_status", "uten_dato_for",
                               "med_oppfoelging"},
    "aarshjul.engine.followup": {"forfalte", "status_for", "med_status", "venter", "finn_forekomst"},
    "aarshjul.engine.roles": None,
}


def test_renderers_never_expand_or_select() -> None:
    wrong = []
    for module, fil in _modules().items():
        if layer_of(module) != "render":
            continue
        for node in ast.walk(ast.parse(fil.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module in COMPUTING:
                forbidden = COMPUTING[node.module]
                names = {a.name for a in node.names}
                if forbidden is None or names & forbidden:
                    wrong.append(f"{module}: from {node.module} import {', '.join(sorted(names))}")
            elif isinstance(node, ast.Import):
                wrong += [f"{module}: import {a.name}" for a in node.names if a.name in COMPUTING]
    assert not wrong, "\n".join(wrong)
