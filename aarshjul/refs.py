"""References between the parts of a plan, checked once everything is loaded.

While the builder reads the file it only records each reference (a virksomhet in
ansvar/deltakere/medlemmer, a hendelse in `etter:`, a named date in `etter_dato:`)
with its node. check_refs() then reports the unknown ones with a suggestion, and
the cycles among `etter:` hendelser. A new kind of reference gets its own list in
Refs and its own loop in check_refs().
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

import yaml

from aarshjul.errors import Problem
from aarshjul.model import NavngittDato, Relativ, Tiltak, Virksomhet
from aarshjul.yamlnodes import Walker


@dataclass
class Ref:
    """A reference to check once everything is loaded."""

    node: yaml.Node
    value: str
    what: str


@dataclass
class Refs:
    """The references met while reading, by what they point at."""

    virksomheter: list[Ref] = field(default_factory=list)
    hendelser: list[Ref] = field(default_factory=list)  # qualified "tiltak.hendelse"
    datoer: list[Ref] = field(default_factory=list)


def check_refs(
    w: Walker,
    refs: Refs,
    virksomheter: dict[str, Virksomhet],
    datoer: dict[str, NavngittDato],
    tiltak: tuple[Tiltak, ...],
) -> None:
    """Report every reference to something the plan does not define, and every cycle."""
    known = sorted(virksomheter)
    for ref in refs.virksomheter:
        if ref.value not in virksomheter:
            forslag = difflib.get_close_matches(ref.value, known, n=1, cutoff=0.6)
            hint = f" Mente du «{forslag[0]}»?" if forslag else ""
            w.error(ref.node, f"{ref.what}: ukjent virksomhet «{ref.value}».{hint} "
                              f"Kjente virksomheter: {', '.join(known)}.")  # fmt: skip
    for key, v in virksomheter.items():
        if key in v.medlemmer:
            w.error(None, f"Virksomheten «{key}» kan ikke være medlem av seg selv.")
    for ref in refs.datoer:
        if ref.value not in datoer:
            kjente = ", ".join(sorted(datoer)) or "(ingen – legg den inn under «datoer:»)"
            w.error(ref.node, f"{ref.what}: ukjent dato «{ref.value}». Kjente datoer: {kjente}.")
    hendelser = {f"{t.id}.{h.id}": h.linje for t in tiltak for h in t.hendelser}
    for ref in refs.hendelser:
        if ref.value not in hendelser:
            forslag = difflib.get_close_matches(ref.value, sorted(hendelser), n=1, cutoff=0.6)
            hint = f" Mente du «{forslag[0]}»?" if forslag else ""
            w.error(ref.node, f"{ref.what}: ukjent hendelse «{ref.value}».{hint} "
                              "Skriv «hendelse» i samme tiltak eller «tiltak.hendelse».")  # fmt: skip
    _check_cycles(w, tiltak, hendelser)


def _check_cycles(w: Walker, tiltak: tuple[Tiltak, ...], linjer: dict[str, int | None]) -> None:
    """Report each ring of hendelser that follow one another (`etter:`) once."""
    edges = {
        f"{t.id}.{h.id}": h.naar.etter
        for t in tiltak
        for h in t.hendelser
        if isinstance(h.naar, Relativ) and h.naar.etter in linjer
    }
    reported: set[str] = set()
    for start in edges:
        chain = [start]
        node = edges.get(start)
        while node is not None and node not in chain and node in edges:
            chain.append(node)
            node = edges[node]
        if node is not None and node in chain:
            cycle = chain[chain.index(node):]
            key = min(cycle)
            if key in reported:
                continue
            reported.add(key)
            w.problems.append(Problem(
                w.path, linjer[key], None,
                "hendelsene er avhengige av hverandre i ring: "
                + " → ".join([*cycle, cycle[0]]) + ". En av dem må ha en fast dato.",
            ))  # fmt: skip
