"""PyYAML, imported without compiling a regex the C loader never uses.

`import yaml` defines the pure-Python Reader, whose class body compiles NON_PRINTABLE, a
character class over most of Unicode: ~5.5 ms, a twentieth of a leader's `next` on the
shipped plan (bench/run.py; re compile times traced during `next`). The plan is parsed by
the C loader (yamlnodes.py), which never reads that attribute. While yaml is imported,
that one pattern becomes a stand-in that compiles itself on first use, so the
pure-Python loader (a PyYAML built without libyaml) still works as before.
"""

from __future__ import annotations

import re
import sys
from typing import TYPE_CHECKING, Any

_NON_PRINTABLE_START = "[^\x09\x0a\x0d\x20-\x7e\x85"


class _LazyPattern:
    def __init__(self, pattern: str, flags: int) -> None:
        self._args = (pattern, flags)
        self._compiled: re.Pattern[str] | None = None

    def __getattr__(self, name: str) -> Any:
        if self._compiled is None:
            self._compiled = re.compile(*self._args)
        return getattr(self._compiled, name)


def _import_yaml() -> Any:
    if "yaml" in sys.modules:
        return sys.modules["yaml"]
    compile_ = re.compile

    def lazy_compile(pattern: Any, flags: int = 0) -> Any:
        if isinstance(pattern, str) and pattern.startswith(_NON_PRINTABLE_START):
            return _LazyPattern(pattern, flags)
        return compile_(pattern, flags)

    re.compile = lazy_compile  # type: ignore[assignment]
    try:
        import yaml
    finally:
        re.compile = compile_
    return yaml


if TYPE_CHECKING:
    import yaml
else:
    yaml = _import_yaml()
