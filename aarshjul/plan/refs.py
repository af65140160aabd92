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
from datetime import date

from dateutil.relativedelta import relativedelta

from aarshjul.errors import Problem
from aarshjul.model import Enkeltdato, EtterDato, Ferie, NavngittDato, Relativ, Tiltak, Virksomhet
from aarshjul.plan.pyyaml import yaml
from aarshjul.plan.yamlnodes import AAR_MAX, AAR_MIN, Walker

# How many hendelser may follow one another (`etter:`). Real chains have two or three;
# each step widens the window the expander must compute (expand.MARGIN per step).
MAX_KJEDE = 20


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
    # "tiltak.hendelse" of every hendelse the file has, also those with an error of their
    # own: a reference to one is not «ukjent» (that would report one mistake twice).
    skrevne_hendelser: set[str] = field(default_factory=set)
    ferier: list[Ref] = field(default_factory=list)  # ferie names (`før_ferie:`), check_ferienavn


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
    problems = len(w.problems)
    for ref in refs.hendelser:
        if ref.value not in hendelser and ref.value not in refs.skrevne_hendelser:
            forslag = difflib.get_close_matches(ref.value, sorted(hendelser), n=1, cutoff=0.6)
            hint = f" Mente du «{forslag[0]}»?" if forslag else ""
            w.error(ref.node, f"{ref.what}: ukjent hendelse «{ref.value}».{hint} "
                              "Skriv «hendelse» i samme tiltak eller «tiltak.hendelse».")  # fmt: skip
    _check_cycles(w, tiltak, hendelser)
    # A chain through a hendelse that has an error of its own is not added up.
    if len(w.problems) == problems and all(ref.value in hendelser for ref in refs.hendelser):
        check_offsets(w, tiltak, datoer)


def _check_cycles(w: Walker, tiltak: tuple[Tiltak, ...], linjer: dict[str, int | None]) -> None:
    """Report each ring of hendelser that follow one another (`etter:`) once.

    Each hendelse follows at most one other, so one walk per start with three colours
    (not seen, on this walk, done) visits every hendelse once: linear in the plan
    (a 3,000-hendelse chain took 37 s with the old walk).
    """
    edges = {
        f"{t.id}.{h.id}": h.naar.etter
        for t in tiltak
        for h in t.hendelser
        if isinstance(h.naar, Relativ) and h.naar.etter in linjer
    }
    done: set[str] = set()
    for start in edges:
        path: list[str] = []
        on_path: dict[str, int] = {}
        node: str | None = start
        while node is not None and node not in done and node not in on_path:
            on_path[node] = len(path)
            path.append(node)
            node = edges.get(node)
        if node is not None and node in on_path:
            cycle = path[on_path[node]:]
            w.problems.append(Problem(
                w.path, linjer[min(cycle)], None,
                "hendelsene er avhengige av hverandre i ring: "
                + " → ".join([*cycle, cycle[0]]) + ". En av dem må ha en fast dato.",
            ))  # fmt: skip
        done.update(path)


def check_offsets(w: Walker, tiltak: tuple[Tiltak, ...], datoer: dict[str, NavngittDato]) -> None:
    """Every date a plan can produce lies in AAR_MIN..AAR_MAX, and no `etter:` chain is
    longer than MAX_KJEDE.

    A date rule's own dates are checked where they are read; what adds up is a chain of
    `etter:` (each `innen` on top of the one before) and `etter_dato` + `innen`. Only
    called on a plan without cycles or unknown references.
    """
    by_key = {f"{t.id}.{h.id}": h for t in tiltak for h in t.hendelser}
    # key -> (root of its chain, sum of innen, steps from the root)
    total: dict[str, tuple[str, relativedelta, int]] = {}
    for key in by_key:
        path: list[str] = []
        node = key
        while node not in total:
            naar = by_key[node].naar
            if not isinstance(naar, Relativ):
                total[node] = (node, relativedelta(), 0)
                break
            path.append(node)
            node = naar.etter
        root, offset, steps = total[node]
        for follower in reversed(path):
            naar = by_key[follower].naar
            assert isinstance(naar, Relativ)
            offset, steps = offset + naar.innen, steps + 1
            total[follower] = (root, offset, steps)
    for key, h in by_key.items():
        root, offset, steps = total[key]
        if steps > MAX_KJEDE:
            if steps == MAX_KJEDE + 1:  # once per chain, where it first is too long
                w.problems.append(Problem(
                    w.path, h.linje, None,
                    f"Hendelsen «{key}» er ledd nr. {steps} i en kjede av «etter» som starter med «{root}»; "
                    f"en kjede kan ha høyst {MAX_KJEDE} ledd. Gi en av hendelsene en egen regel.",
                ))  # fmt: skip
            continue
        naar = by_key[root].naar
        if isinstance(naar, EtterDato):
            navngitt = datoer.get(naar.dato_id)
            start = navngitt.dato if navngitt is not None else None
            offset = offset + naar.innen
        else:
            start = naar.dato if isinstance(naar, Enkeltdato) else None
        if start is not None:
            ok = _in_years(start, offset)
        else:  # a repeating rule: its dates move by the offset
            ok = _days(offset) <= 366 * (AAR_MAX - AAR_MIN)
        if not ok:
            via = f" (via «etter: {root}»)" if root != key else ""
            w.problems.append(Problem(
                w.path, h.linje, None,
                f"Hendelsen «{key}» havner utenfor årene en plan kan bruke ({AAR_MIN}–{AAR_MAX}): "
                f"«innen» legger til sammen til {_tekst(offset)}{via}.",
            ))  # fmt: skip


def _in_years(start: date, offset: relativedelta) -> bool:
    if _days(offset) > 366 * (AAR_MAX - AAR_MIN):
        return False
    try:
        return AAR_MIN <= (start + offset).year <= AAR_MAX
    except (OverflowError, ValueError):  # beyond what date can hold
        return False


def _days(offset: relativedelta) -> int:
    """An upper bound on the days in a sum of innen (years, months, weeks, days)."""
    return abs(offset.years) * 366 + abs(offset.months) * 31 + abs(offset.days)


def _tekst(offset: relativedelta) -> str:
    parts = [(offset.years, "år", "år"), (offset.months, "måned", "måneder"), (offset.days, "dag", "dager")]
    return ", ".join(f"{n} {one if n == 1 else many}" for n, one, many in parts if n) or "0 dager"


def check_ferienavn(w: Walker, refs: Refs, ferier: tuple[Ferie, ...]) -> None:
    """Report every `før_ferie:`/`etter_ferie:` name that no ferie of the plan has
    (case-insensitive), with a suggestion and the names there are."""
    if not refs.ferier:
        return
    navn: dict[str, str] = {}
    for f in ferier:
        navn.setdefault(f.navn.casefold(), f.navn)
    for ref in refs.ferier:
        if ref.value.casefold() in navn:
            continue
        if not navn:
            w.error(ref.node, f"{ref.what}: planen har ingen ferier. Legg dem inn under «plan:» med "
                              "«ferier:» eller «ferier_fil:» (skoleruta).")  # fmt: skip
            continue
        forslag = difflib.get_close_matches(ref.value.casefold(), list(navn), n=1, cutoff=0.6)
        hint = f" Mente du «{navn[forslag[0]]}»?" if forslag else ""
        w.error(ref.node, f"{ref.what}: ukjent ferie «{ref.value}».{hint} "
                          f"Ferier i planen: {', '.join(sorted(navn.values()))}.")  # fmt: skip
