"""aarshjul.plan.pyyaml imports PyYAML without compiling the pure-Python Reader's
NON_PRINTABLE at start-up; the pattern still works where it is used."""

from __future__ import annotations

import subprocess
import sys


def _in_new_process(code: str) -> str:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()


def test_the_pattern_is_compiled_only_when_used_and_re_compile_is_restored() -> None:
    out = _in_new_process(
        "import re; kompiler = re.compile\n"
        "from aarshjul.plan.pyyaml import yaml\n"
        "p = yaml.reader.Reader.NON_PRINTABLE\n"
        "print(type(p).__name__, re.compile is kompiler)\n"
        "print(p.search('ok\\x07') is not None, p.search('æøå – tekst') is None)"
    )
    assert out.splitlines() == ["_LazyPattern True", "True True"]


def test_the_pure_python_loader_still_refuses_a_control_character() -> None:
    out = _in_new_process(
        "from aarshjul.plan.pyyaml import yaml\n"
        "try:\n"
        "    yaml.load('a: b\\x07', Loader=yaml.SafeLoader)\n"
        "except yaml.reader.ReaderError as e:\n"
        "    print('ReaderError', e.character == 7)"
    )
    assert out == "ReaderError True"


def test_the_shipped_plan_loads_after_the_import() -> None:
    out = _in_new_process(
        "from aarshjul.plan.loader import load_plan\n"
        "from aarshjul.plan.planfile import default_plan_path\n"
        "print(load_plan(default_plan_path()).kommune)"
    )
    assert out == "Sel kommune"
