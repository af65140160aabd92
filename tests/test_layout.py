"""The house (issue 12): imports run one way, and the loader's tables agree with each other."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import PLANS, REPO

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


def test_plan_and_planfile_import_one_way() -> None:
    assert "aarshjul.plan.planfile" not in _imports(PACKAGE / "plan" / "loader.py")
    # planfile loads plan.py only when it has to parse a plan, never at start-up.
    assert "aarshjul.plan.loader" in _imports(PACKAGE / "plan" / "planfile.py")
    assert "aarshjul.plan.loader" not in _imports(PACKAGE / "plan" / "planfile.py", top_level_only=True)
    for module in ("naar.py", "refs.py", "yamlnodes.py"):
        assert not {"aarshjul.plan.loader", "aarshjul.plan.planfile"} & _imports(PACKAGE / "plan" / module), module


def test_a_cached_start_imports_neither_yaml_nor_the_loader(tmp_path: Path) -> None:
    plan = tmp_path / "plan.yaml"
    shutil.copy(PLANS / "mini.yaml", plan)
    code = (
        "import sys; from pathlib import Path; from aarshjul.plan.planfile import load_plan_cached; "
        f"p = load_plan_cached(Path({str(plan)!r}), Path({str(tmp_path / 'cache')!r})); "
        "print(p.navn, sorted(m for m in ('yaml', 'aarshjul.plan.loader', 'aarshjul.plan.yamlnodes') if m in sys.modules))"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    first = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    second = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert first.stdout.split()[0] == "Testplan" and "'yaml'" in first.stdout
    assert second.stdout.strip() == "Testplan []"


def test_every_naar_form_has_a_reader_and_its_keys_are_known() -> None:
    from aarshjul.plan import naar

    assert set(naar._READERS) == set(naar._COMPANIONS) == set(naar.NAAR_FORMS)
    companions = set().union(*naar._COMPANIONS.values())
    assert set(naar.NAAR_KEYS) == set(naar.NAAR_FORMS) | companions
