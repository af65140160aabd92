"""The role of a virksomhet in a duty: the one place that decides it.

A virksomhet is ansvarlig when it is named in `ansvar`, or is a member of a group named
there that is a set whose members each do the duty (`kvittering: hver` on the group,
«alle skoler»); it deltar when it is named in `deltakere`, or is a member of a group (a
body such as samordningsgruppa) named in either. Everything
that filters or labels by virksomhet (next, calendar, the digest, the website, the ICS
folder) asks here.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from aarshjul.model import Plan, Rolle, Tiltak


class HarAnsvar(Protocol):
    """A Tiltak, Hendelse, Forekomst, Ventende or UtenDato: anything with ansvar and deltakere."""

    @property
    def ansvar(self) -> tuple[str, ...]: ...

    @property
    def deltakere(self) -> tuple[str, ...]: ...


def rolle(plan: Plan, item: HarAnsvar, virksomhet: str) -> Rolle | None:
    """ansvarlig when named in ansvar or a member of a set group named there; deltar when
    named in deltakere or a member of a group that is named in either; None otherwise."""
    if virksomhet in item.ansvar:
        return Rolle.ANSVARLIG
    for key in item.ansvar:
        group = plan.virksomheter.get(key)
        if group is not None and group.er_sett and virksomhet in group.medlemmer:
            return Rolle.ANSVARLIG
    if virksomhet in item.deltakere:
        return Rolle.DELTAR
    for key in (*item.ansvar, *item.deltakere):
        group = plan.virksomheter.get(key)
        if group is not None and virksomhet in group.medlemmer:
            return Rolle.DELTAR
    return None


def best_rolle(plan: Plan, items: Iterable[HarAnsvar], virksomheter: Iterable[str] | None) -> Rolle | None:
    """The strongest role any of the virksomheter has in any of the items (ansvarlig before
    deltar); None without virksomheter."""
    if not virksomheter:
        return None
    funnet: Rolle | None = None
    for item in items:
        for v in virksomheter:
            r = rolle(plan, item, v)
            if r is Rolle.ANSVARLIG:
                return r
            funnet = funnet or r
    return funnet


def tiltak_rolle(plan: Plan, tiltak: Tiltak, virksomheter: Iterable[str]) -> Rolle | None:
    """The best role any of the virksomheter has in the tiltak or one of its duties."""
    return best_rolle(plan, (tiltak, *tiltak.hendelser, *tiltak.uten_dato), virksomheter)


def med_rolle(plan: Plan, item: HarAnsvar) -> set[str]:
    """Every virksomhet with a role in the item: named in ansvar or deltakere, or a member
    of a group named there (the same answer as `rolle`, for all virksomheter at once)."""
    keys = {*item.ansvar, *item.deltakere}
    for key in (*item.ansvar, *item.deltakere):
        group = plan.virksomheter.get(key)
        if group is not None:
            keys.update(group.medlemmer)
    return keys
