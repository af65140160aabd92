"""docs/kommandoer.md is the real --help of every command, so it cannot go stale."""

from __future__ import annotations

import importlib.util

from conftest import REPO


def test_docs_kommandoer_is_the_help_the_program_prints() -> None:
    spec = importlib.util.spec_from_file_location("command_reference", REPO / "tools" / "command_reference.py")
    assert spec is not None and spec.loader is not None
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    text = tool.generate()
    assert "## `aarshjul next`" in text and "Bruk: aarshjul next [VALG]" in text
    assert (REPO / "docs" / "kommandoer.md").read_text(encoding="utf-8") == text, (
        "docs/kommandoer.md stemmer ikke med programmets --help: kjør «python tools/command_reference.py»"
    )
