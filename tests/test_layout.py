"""The house (issue 12): imports run one way, and the loader's tables agree with each other."""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import REPO

PACKAGE = REPO / "aarshjul"


def _imports(path: Path, *, top_level_only: bool = False) -> set[str]:
    """The aarshjul modules a file imports, at module level or (by default) anywhere."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    found: set[str] = set()
    for node in nodes:
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("aarshjul"):
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("aarshjul"))
    return found


def _module_name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def test_no_import_cycles_in_the_package_counting_imports_inside_functions() -> None:
    graph = {_module_name(p): _imports(p) for p in PACKAGE.rglob("*.py")}
    cycles: list[str] = []
    colour: dict[str, int] = {}

    def visit(module: str, stack: list[str]) -> None:
        colour[module] = 1
        stack.append(module)
        for dep in sorted(graph[module]):
            if dep not in graph or dep == module:
                continue
            if colour.get(dep) == 1:
                cycles.append(" → ".join([*stack[stack.index(dep):], dep]))
            elif dep not in colour:
                visit(dep, stack)
        stack.pop()
        colour[module] = 2

    for module in sorted(graph):
        if module not in colour:
            visit(module, [])
    assert cycles == []
    assert "aarshjul.plan.planfile" in graph and "aarshjul.plan.yamlnodes" in graph["aarshjul.plan.loader"] | graph["aarshjul.plan.naar"]


def test_every_naar_form_has_a_reader_and_its_keys_are_known() -> None:
    from aarshjul.plan import naar

    assert set(naar._READERS) == set(naar._COMPANIONS) == set(naar.NAAR_FORMS)
    companions = set().union(*naar._COMPANIONS.values())
    assert set(naar.NAAR_KEYS) == set(naar.NAAR_FORMS) | companions
