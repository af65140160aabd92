"""`kilde` is free text (a law, a vedtak or a chapter); only a chapter reference gets the chapter wording."""

from __future__ import annotations

import pytest

from aarshjul.render.common import kilde_tekst


@pytest.mark.parametrize(
    ("kilde", "tekst"),
    [
        ("7.3", "Kapittel 7.3 i planen"),
        ("4.1.4", "Kapittel 4.1.4 i planen"),
        ("7.17 og kap. 11", "Kapittel 7.17 og kap. 11 i planen"),
        ("kapittel 11", "Kapittel 11 i planen"),
        ("kap. 9", "Kap. 9 i planen"),
        ("Barnevernsloven § 15-1", "Barnevernsloven § 15-1"),
        ("Opplæringslova § 12-4", "Opplæringslova § 12-4"),
        ("15-1 i loven", "15-1 i loven"),
        ("Kommunestyrevedtak 2025", "Kommunestyrevedtak 2025"),
        ("  7.1\n  ", "Kapittel 7.1 i planen"),
    ],
)
def test_kilde_tekst(kilde: str, tekst: str) -> None:
    assert kilde_tekst(kilde) == tekst


def test_kilde_tekst_is_terminal_safe() -> None:
    assert kilde_tekst("Loven \x1b[31m§ 1") == "Loven \\x1b[31m§ 1"
