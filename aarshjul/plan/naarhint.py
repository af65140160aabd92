"""Hints for a `når:` that is almost right: which form the user probably meant.

naar.py reports the problem with its file and line; this module only words the second
half of the message, from the keys and values the user wrote. Nothing here reports.
"""

from __future__ import annotations

import re

from aarshjul.dates import MAANEDER, parse_maaned, parse_ukedag
from aarshjul.plan.pyyaml import yaml

# «15. juni», «15 juni», «15.06», «15.06.2027»: what a deadline written as `innen` says.
_DAG_MAANED = re.compile(r"^\s*(\d{1,2})\.?\s*([A-Za-zÆØÅæøå]+)\s*$")
_DAG_MND = re.compile(r"^\s*(\d{1,2})\.(\d{1,2})\.?\s*$")
_DATO = re.compile(r"^\s*(\d{1,2})\.(\d{1,2})\.(\d{4})\s*$")
# «36-38», «36–38»: a span of weeks, which YAML reads as one string.
_UKE_SPENN = re.compile(r"^\s*(\d{1,2})\s*[-–]\s*(\d{1,2})\s*$")


def _tekst(node: yaml.Node | None) -> str | None:
    if isinstance(node, yaml.ScalarNode) and isinstance(node.value, str) and node.value.strip():
        return node.value.strip()
    return None


def _som_frist(verdi: str | None) -> tuple[str, str] | None:
    """(«måneder: [juni], dag: 15», «dato: 15.06.2027») for «15. juni»; None if not a day."""
    if verdi is None:
        return None
    m = _DATO.match(verdi)
    if m is not None:
        dag, mnd, aar = int(m[1]), int(m[2]), int(m[3])
        if 1 <= mnd <= 12 and 1 <= dag <= 31:
            return f"måneder: [{MAANEDER[mnd - 1]}], dag: {dag}", f"dato: {dag:02d}.{mnd:02d}.{aar}"
        return None
    m = _DAG_MND.match(verdi)
    if m is not None:
        dag, mnd = int(m[1]), int(m[2])
    else:
        m = _DAG_MAANED.match(verdi)
        maaned = parse_maaned(m[2]) if m is not None else None
        if m is None or maaned is None:
            return None
        dag, mnd = int(m[1]), maaned
    if not (1 <= mnd <= 12 and 1 <= dag <= 31):
        return None
    return f"måneder: [{MAANEDER[mnd - 1]}], dag: {dag}", f"dato: {dag:02d}.{mnd:02d}.ÅÅÅÅ"


def uten_form(m: dict[str, yaml.Node]) -> str:
    """The closest form for a `når` that has companion keys but no form, as a sentence."""
    if "innen" in m:
        frist = _som_frist(_tekst(m["innen"]))
        aarlig, engang = frist or ("måneder: [juni], dag: 15", "dato: 15.06.2027")
        return (
            "«innen» hører til «etter:» eller «etter_dato:» (en frist et stykke etter noe annet, "
            "f.eks. «etter: oppstart, innen: 2 uker»). For en frist samme dag hvert år, skriv "
            f"«når: {{{aarlig}}}»; for én gang, «når: {{{engang}}}»."
        )
    if "dag" in m:
        dag = _tekst(m["dag"])
        if dag is not None and parse_ukedag(dag) is not None:
            return (
                f"«dag» hører til en regel: en ukedag hver uke er «når: {{ukentlig: {dag}}}», "
                f"en ukedag i bestemte uker «når: {{uker: [36, 37, 38], dag: {dag}}}»."
            )
        eksempel = dag or "15"
        return f"«dag» hører til «måneder:», f.eks. «når: {{måneder: [september], dag: {eksempel}}}»."
    if m.keys() & {"hvert_år", "startår", "startskoleår"}:
        return (
            "«hvert_år», «startår» og «startskoleår» hører til «måneder:» eller «innen_utgangen_av:», "
            "f.eks. «når: {måneder: [mars], dag: 15, hvert_år: 2, startår: 2026}»."
        )
    if "unntatt_måneder" in m:
        return (
            "«unntatt_måneder» hører til «måneder:», «ukentlig:» eller «rrule:», "
            "f.eks. «når: {ukentlig: mandag, unntatt_måneder: [juli]}»."
        )
    if "start" in m:
        return "«start» hører til «rrule:», f.eks. «når: {rrule: FREQ=MONTHLY;BYDAY=1TU, start: 01.08.2026}»."
    return "For eksempel «når: {måneder: [september], dag: 15}» eller «når: {dato: 15.06.2027}»."


def uke_element(verdi: str) -> str | None:
    """A hint for an item of `uker:` that is not a week number: «36-38» is a span."""
    m = _UKE_SPENN.match(verdi)
    if m is not None:
        fra, til = int(m[1]), int(m[2])
        liste = ", ".join(str(u) for u in range(fra, til + 1)) if fra < til <= fra + 10 else f"{fra}, {til}"
        return (
            f"«{verdi}» leses som tekst, ikke som ukene {fra} til {til}. Skriv hver uke i listen: "
            f"«uker: [{liste}]», eller et spenn med «fra_uke: {fra}, til_uke: {til}»."
        )
    return "«uker» er en liste med ukenummer, f.eks. «uker: [36, 37, 38]»."
