"""The Jinja2 templates of every HTML page: the static site's (`publiser`) and the live
server's (`serve`), one folder and one base layout (templates/base.html), so the two
cannot drift.

`miljoe()` is the Environment `publiser` renders with; the web app gives Flask's own
Environment the same options (VALG) and calls `konfigurer` on it, so a template renders
to the same bytes in both. Shared templates take every address as a ready href (relative
file names on the static site) and never call Flask's url_for or csrf_token; templates
only the server shows may.

Escaping: autoescape is on. Text from the plan goes through `one_line` (the `linje`
filter, or once in the page's view model in render/site.py) and is escaped by Jinja2
where it enters the markup; the wheel's SVG is the one string marked safe (ElementTree
escaped it, render/svg.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader

from aarshjul.model import Forekomst
from aarshjul.render.common import TYPE_NAVN, antakelser, one_line, planperiode_tekst

MALER = Path(__file__).resolve().parent / "templates"

# trim_blocks/lstrip_blocks: a line holding only a {% tag %} leaves nothing in the page;
# keep_trailing_newline: a page ends with a newline, as a text file does.
VALG: dict[str, Any] = {"autoescape": True, "trim_blocks": True, "lstrip_blocks": True, "keep_trailing_newline": True}


def miljoe() -> Environment:
    """A configured Environment; it compiles each template once, on first use."""
    env = Environment(loader=FileSystemLoader(str(MALER)), **VALG)
    konfigurer(env)
    return env


def konfigurer(env: Environment) -> None:
    """The filters and globals every template may use, in both Environments."""
    env.filters["linje"] = one_line
    env.globals.update(
        typenavn=TYPE_NAVN,
        planperiode_tekst=planperiode_tekst,
        merker=_merker,
    )


def _merker(f: Forekomst) -> list[str]:
    return [m for m, _ in antakelser(f)]
