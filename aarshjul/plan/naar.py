"""The `når:` rules of a hendelse, read from YAML nodes into a Gjentakelse.

Every `når` has exactly one form (its own key: måneder, ukentlig, dato, etter ...)
and may have some companion keys. To add a rule:
1. its key goes into NAAR_FORMS, it and any new companion keys into NAAR_KEYS;
2. its companions into _COMPANIONS;
3. a function `_form(c, node, m, what)` below returns the Gjentakelse (model.py);
4. one row in _READERS. docs/plan-format.md documents it with an example.
The expander (expand.py) turns the Gjentakelse into dates.
"""

from __future__ import annotations

import calendar
import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from aarshjul.dates import MAANEDER, UKEDAGER, parse_maaned, parse_skoleaar, parse_ukedag, parse_varighet
from aarshjul.model import (
    Dagregel,
    Enkeltdato,
    EtterAarsdato,
    EtterDato,
    EtterFerie,
    FoerFerie,
    Gjentakelse,
    Maanedlig,
    Relativ,
    RRegel,
    Ukentlig,
    Ukenummer,
    Vindu,
)
from aarshjul.plan import naarhint
from aarshjul.plan.pyyaml import yaml
from aarshjul.plan.refs import Ref, Refs
from aarshjul.plan.yamlnodes import Walker, er_heltall

NAAR_KEYS = (
    "måneder", "dag", "hvert_år", "startår", "startskoleår", "unntatt_måneder",
    "innen_utgangen_av", "ukentlig", "dato", "etter", "etter_dato", "innen", "rrule", "start", "uker",
    "fra_uke", "til_uke", "fra", "til", "før_ferie", "etter_ferie",
)  # fmt: skip
NAAR_FORMS = (
    "måneder", "innen_utgangen_av", "ukentlig", "dato", "etter", "etter_dato", "rrule", "uker", "fra_uke", "fra",
    "før_ferie", "etter_ferie",
)  # fmt: skip
# The keys that may stand beside each form.
_COMPANIONS: dict[str, frozenset[str]] = {
    "måneder": frozenset({"dag", "hvert_år", "startår", "startskoleår", "unntatt_måneder"}),
    "innen_utgangen_av": frozenset({"hvert_år", "startår", "startskoleår"}),
    "ukentlig": frozenset({"unntatt_måneder"}),
    "dato": frozenset(),
    "etter": frozenset({"innen"}),
    "etter_dato": frozenset({"innen"}),
    "rrule": frozenset({"start", "unntatt_måneder"}),
    "uker": frozenset({"dag"}),
    "fra_uke": frozenset({"til_uke", "hvert_år", "startår", "startskoleår"}),
    "fra": frozenset({"til", "hvert_år", "startår", "startskoleår"}),
    # Dates relative to the ferier, with an optional weekday (`dag: fredag`).
    "før_ferie": frozenset({"dag"}),
    "etter_ferie": frozenset({"dag"}),
}
# `etter: "15.08"`: a day of the year instead of a hendelse id.
_AARSDATO = re.compile(r"^(\d{1,2})\.(\d{1,2})\.?$")
_ORDINAL = {"første": 1, "1.": 1, "andre": 2, "2.": 2, "tredje": 3, "3.": 3, "fjerde": 4, "4.": 4,
            "siste": -1}  # fmt: skip
_DEFAULT_RRULE_START = date(2018, 1, 1)


@dataclass
class _Context:
    w: Walker
    refs: Refs
    tiltak_id: str
    form: str


def parse_naar(w: Walker, refs: Refs, node: yaml.Node, what: str, tiltak_id: str) -> Gjentakelse | None:
    """The hendelse's `når` mapping as a Gjentakelse; None (with problems reported) if bad."""
    what = f"{what}: når"
    m = w.mapping(node, what, NAAR_KEYS)
    if m is None:
        return None
    forms = [k for k in NAAR_FORMS if k in m]
    if len(forms) != 1:
        w.error(
            node,
            f"{what} må ha nøyaktig én av {', '.join(NAAR_FORMS)}"
            + (f", men har {', '.join(forms)}." if forms else f". {naarhint.uten_form(m)}"),
        )
        return None
    form = forms[0]
    for key, value_node in m.items():
        if key != form and key not in _COMPANIONS[form]:
            w.error(value_node, f"{what}: «{key}» kan ikke brukes sammen med «{form}».")
    return _READERS[form](_Context(w, refs, tiltak_id, form), node, m, what)


def unntatt_maaneder(w: Walker, naar_node: yaml.Node, what: str) -> tuple[int, ...]:
    """The months in `når: {unntatt_måneder: ...}`, or () when there are none."""
    if not isinstance(naar_node, yaml.MappingNode):
        return ()
    inner = {k.value: v for k, v in naar_node.value if isinstance(k, yaml.ScalarNode)}
    if "unntatt_måneder" not in inner:
        return ()
    return tuple(parse_maaneder(w, inner["unntatt_måneder"], f"{what}: unntatt_måneder"))


def parse_maaneder(w: Walker, node: yaml.Node, what: str) -> list[int]:
    """Month names (januar … desember) as numbers 1-12, in the order written."""
    result = []
    for value, item in w.text_list(node, what):
        mnd = parse_maaned(value)
        if mnd is None:
            forslag = difflib.get_close_matches(value.lower(), MAANEDER, n=1, cutoff=0.6)
            if er_heltall(value) and 1 <= int(value) <= 12:
                forslag = [MAANEDER[int(value) - 1]]
            hint = f" Mente du «{forslag[0]}»?" if forslag else ""
            w.error(item, f"{what}: ukjent måned «{value}».{hint} Gyldige er januar … desember.")
        elif mnd in result:
            w.error(item, f"{what}: måneden «{value}» står to ganger.")
        else:
            result.append(mnd)
    return result


def parse_dagregel(w: Walker, node: yaml.Node, what: str) -> Dagregel | None:
    """`dag:` — 15, «siste dag», «første arbeidsdag», «siste arbeidsdag», «første tirsdag» ..."""
    value = w.text(node, what)
    if value is None:
        return None
    t = value.lower().strip()
    if re.match(r"^[0-9]{1,2}\.?$", t):
        n = int(t.rstrip("."))
        if 1 <= n <= 31:
            return Dagregel("dato", n, tekst=value)
    elif t == "siste dag":
        return Dagregel("siste_dag", tekst=value)
    elif t in ("første arbeidsdag", "siste arbeidsdag"):
        return Dagregel("arbeidsdag", 1 if t.startswith("første") else -1, tekst=value)
    else:
        parts = t.split()
        if len(parts) == 2 and parts[0] in _ORDINAL:
            ukedag = parse_ukedag(parts[1])
            if ukedag is not None:
                return Dagregel("ukedag", _ORDINAL[parts[0]], ukedag, tekst=value)
            w.error(node, f"{what}: ukjent ukedag «{parts[1]}» – gyldige er {', '.join(UKEDAGER)}.")
            return None
    w.error(
        node,
        f"{what}: forstår ikke «{value}». Skriv en dag i måneden (15), «siste dag», "
        "«første arbeidsdag», «siste arbeidsdag» eller f.eks. «første tirsdag».",
    )
    return None


# --- one reader per form ------------------------------------------------------------

_Mapping = dict[str, yaml.Node]


def _maanedlig(c: _Context, node: yaml.Node, m: _Mapping, what: str) -> Gjentakelse | None:
    """måneder + dag, and innen_utgangen_av; both may repeat every N years."""
    w, form = c.w, c.form
    maaneder = parse_maaneder(w, m[form], f"{what}: {form}")
    if form == "måneder":
        if "dag" not in m:
            w.error(node, f"{what}: «måneder» trenger «dag», f.eks. «dag: første tirsdag».")
            return None
        dag = parse_dagregel(w, m["dag"], f"{what}: dag")
    else:
        dag = Dagregel("siste_dag", tekst="siste dag")
    aarlig = _hvert_aar(c, node, m, what)
    if not maaneder or dag is None or aarlig is None:
        return None
    return Maanedlig(tuple(maaneder), dag, *aarlig)


def _hvert_aar(c: _Context, node: yaml.Node, m: _Mapping, what: str) -> tuple[int, int | None, bool] | None:
    """(hvert_år, startår, counts school years) from hvert_år and startår or
    startskoleår; None (reported) when bad."""
    w = c.w
    hvert_aar = w.integer(m["hvert_år"], f"{what}: hvert_år", 1, 10) if "hvert_år" in m else 1
    startaar: int | None = None
    skoleaar = False
    if "startår" in m and "startskoleår" in m:
        w.error(m["startskoleår"], f"{what}: bruk enten «startår» eller «startskoleår», ikke begge.")
    elif "startår" in m:
        startaar = w.integer(m["startår"], f"{what}: startår", 1900, 2200)
    elif "startskoleår" in m:
        value = w.text(m["startskoleår"], f"{what}: startskoleår")
        if value is not None:
            try:
                startaar, skoleaar = parse_skoleaar(value), True
            except ValueError as e:
                w.error(m["startskoleår"], f"{what}: {e}.")
    if hvert_aar and hvert_aar > 1 and startaar is None:
        w.error(node, f"{what}: «hvert_år: {hvert_aar}» trenger «startår» (eller «startskoleår») "
                      "som sier hvilket år rekken starter.")  # fmt: skip
        return None
    if hvert_aar is None:
        return None
    return hvert_aar, startaar, skoleaar


def _ukentlig(c: _Context, node: yaml.Node, m: _Mapping, what: str) -> Gjentakelse | None:
    value = c.w.text(m["ukentlig"], f"{what}: ukentlig")
    if value is None:
        return None
    ukedag = parse_ukedag(value)
    if ukedag is None:
        c.w.error(m["ukentlig"], f"{what}: ukjent ukedag «{value}» – gyldige er {', '.join(UKEDAGER)}.")
        return None
    return Ukentlig(ukedag)


def _dato(c: _Context, node: yaml.Node, m: _Mapping, what: str) -> Gjentakelse | None:
    d = c.w.dato(m["dato"], f"{what}: dato")
    return Enkeltdato(d) if d else None


def _etter(c: _Context, node: yaml.Node, m: _Mapping, what: str) -> Gjentakelse | None:
    """etter (another hendelse) and etter_dato (a named date), both with innen."""
    w, form = c.w, c.form
    if "innen" not in m:
        w.error(node, f"{what}: «{form}» trenger «innen», f.eks. «innen: 1 måned».")
        return None
    innen_tekst = w.text(m["innen"], f"{what}: innen")
    if innen_tekst is None:
        return None
    try:
        innen = parse_varighet(innen_tekst)
    except ValueError as e:
        w.error(m["innen"], f"{what}: {e}.")
        return None
    target = w.text(m[form], f"{what}: {form}")
    if target is None:
        return None
    if form == "etter_dato":
        c.refs.datoer.append(Ref(m[form], target, what))
        return EtterDato(target, innen, innen_tekst)
    aarsdato = _AARSDATO.match(target)
    if aarsdato:
        dag_i_aaret = _dag_hvert_aar(w, m[form], aarsdato, target, f"{what}: etter")
        return EtterAarsdato(*dag_i_aaret, innen, innen_tekst) if dag_i_aaret else None
    qualified = target if "." in target else f"{c.tiltak_id}.{target}"
    c.refs.hendelser.append(Ref(m[form], qualified, what))
    return Relativ(qualified, innen, innen_tekst)


def _rrule(c: _Context, node: yaml.Node, m: _Mapping, what: str) -> Gjentakelse | None:
    w = c.w
    regel = w.text(m["rrule"], f"{what}: rrule")
    start = w.dato(m["start"], f"{what}: start") if "start" in m else _DEFAULT_RRULE_START
    if regel is None or start is None:
        return None
    from aarshjul.plan.rrule import rrule_problem

    problem = rrule_problem(regel, start)
    if problem:
        w.error(m["rrule"], f"{what}: ugyldig RRULE «{regel}»: {problem}.")
        return None
    return RRegel(regel, start)


def _uker(c: _Context, node: yaml.Node, m: _Mapping, what: str) -> Gjentakelse | None:
    """uker: [9, 40] + dag: mandag — a weekday of given ISO weeks every year."""
    w = c.w
    uker: list[int] = []
    for item in w.items(m["uker"], f"{what}: uker"):
        if isinstance(item, yaml.ScalarNode) and isinstance(item.value, str) and not er_heltall(item.value.strip()):
            w.error(item, f"{what}: uker: {naarhint.uke_element(item.value.strip())}")
            continue
        uke = w.integer(item, f"{what}: uker (hvert element)", 1, 53)
        if uke is None:
            continue
        if uke in uker:
            w.error(item, f"{what}: uke {uke} står to ganger.")
        else:
            uker.append(uke)
    if "dag" not in m:
        w.error(node, f"{what}: «uker» trenger «dag», en ukedag, f.eks. «dag: mandag».")
        return None
    ukedag = _ukedag(w, m["dag"], "uker", what)
    if ukedag is None:
        return None
    if not uker:
        return None
    return Ukenummer(tuple(sorted(uker)), ukedag)


def _vindu(c: _Context, node: yaml.Node, m: _Mapping, what: str) -> Gjentakelse | None:
    """fra_uke + til_uke (Monday of the first week through Friday of the last) and
    fra + til (day.month, both days included); an end before the start crosses New Year."""
    w, form = c.w, c.form
    slutt = "til_uke" if form == "fra_uke" else "til"
    if slutt not in m:
        eksempel = "fra_uke: 36, til_uke: 38" if form == "fra_uke" else 'fra: "01.05", til: "12.06"'
        w.error(node, f"{what}: «{form}» trenger «{slutt}», f.eks. «{eksempel}».")
        return None
    fra: tuple[int, int] | None
    til: tuple[int, int] | None
    if form == "fra_uke":
        fra_uke = w.integer(m["fra_uke"], f"{what}: fra_uke", 1, 53)
        til_uke = w.integer(m["til_uke"], f"{what}: til_uke", 1, 53)
        fra = (fra_uke, 0) if fra_uke is not None else None
        til = (til_uke, 0) if til_uke is not None else None
    else:
        fra = _aarsdag(c, m["fra"], "fra", what)
        til = _aarsdag(c, m["til"], "til", what)
        if fra is not None and fra == til:
            w.error(m["til"], f"{what}: «fra» og «til» er samme dag; et vindu varer fra én dag til en "
                              "annen. For én dag hvert år, bruk f.eks. «måneder: [mai], dag: 1».")  # fmt: skip
            return None
    aarlig = _hvert_aar(c, node, m, what)
    if fra is None or til is None or aarlig is None:
        return None
    return Vindu(fra, til, form == "fra_uke", *aarlig)


def _aarsdag(c: _Context, node: yaml.Node, key: str, what: str) -> tuple[int, int] | None:
    """A day of every year, "01.05" or "1.5", as (month, day); the same days `etter:
    "15.08"` allows (29.02 does not come every year)."""
    w = c.w
    value = w.text(node, f"{what}: {key}")
    if value is None:
        return None
    aarsdato = _AARSDATO.match(value)
    if aarsdato is None:
        if re.match(r"^\d{1,2}\.\d{1,2}\.\d{4}$", value):
            w.error(node, f"{what}: {key}: «{value}» er en dato med år. Skriv dag.måned, f.eks. "
                          f"«{value[:value.rindex('.')]}», for hvert år, eller bruk «dato:» for én gang.")  # fmt: skip
        else:
            w.error(node, f"{what}: {key}: forstår ikke «{value}». Skriv dag.måned i anførselstegn, "
                          'f.eks. «fra: "01.05", til: "12.06"».')  # fmt: skip
        return None
    return _dag_hvert_aar(w, node, aarsdato, value, f"{what}: {key}")


def _dag_hvert_aar(
    w: Walker, node: yaml.Node, aarsdato: re.Match[str], value: str, what: str
) -> tuple[int, int] | None:
    """(month, day) of a day.month that comes every year (`etter: "15.08"`, a vindu's
    `fra`/`til`), or None with the reason reported: month 1–12, a day the month has,
    and not 29.02."""
    dag, mnd = int(aarsdato[1]), int(aarsdato[2])
    if not 1 <= mnd <= 12:
        w.error(node, f"{what}: «{value}» har måned {mnd}; måneden må være 1–12.")
        return None
    if (mnd, dag) == (2, 29):
        w.error(node, f"{what}: 29.02 finnes ikke hvert år; bruk 28.02 eller 01.03.")
        return None
    if not 1 <= dag <= calendar.monthrange(2001, mnd)[1]:
        w.error(node, f"{what}: «{value}» finnes ikke: {MAANEDER[mnd - 1]} har ikke {dag} dager.")
        return None
    return mnd, dag


def _ukedag(w: Walker, node: yaml.Node, form: str, what: str) -> int | None:
    """`dag:` beside a form whose day is a weekday (`uker`, `før_ferie`): 0 = mandag, or
    None with the reason reported."""
    value = w.text(node, f"{what}: dag")
    if value is None:
        return None
    ukedag = parse_ukedag(value)
    if ukedag is None:
        w.error(node, f"{what}: dag: ukjent ukedag «{value}» – med «{form}» er dag en ukedag "
                      f"({', '.join(UKEDAGER)}).")  # fmt: skip
    return ukedag


def _ferie(c: _Context, node: yaml.Node, m: _Mapping, what: str) -> Gjentakelse | None:
    """før_ferie / etter_ferie: Høstferie — the last school day before (first after) each
    ferie of that name; `dag: fredag` picks that weekday in the school day's week. The
    name is checked against the plan's ferier once they are all read (refs.py)."""
    w, form = c.w, c.form
    navn = w.text(m[form], f"{what}: {form}")
    ukedag: int | None = None
    if "dag" in m:
        ukedag = _ukedag(w, m["dag"], form, what)
        if ukedag is None:
            return None
    if navn is None:
        return None
    c.refs.ferier.append(Ref(m[form], navn, f"{what}: {form}"))
    return FoerFerie(navn, ukedag) if form == "før_ferie" else EtterFerie(navn, ukedag)


_Reader = Callable[[_Context, yaml.Node, _Mapping, str], Gjentakelse | None]
_READERS: dict[str, _Reader] = {
    "måneder": _maanedlig,
    "innen_utgangen_av": _maanedlig,
    "ukentlig": _ukentlig,
    "dato": _dato,
    "etter": _etter,
    "etter_dato": _etter,
    "rrule": _rrule,
    "uker": _uker,
    "fra_uke": _vindu,
    "fra": _vindu,
    "før_ferie": _ferie,
    "etter_ferie": _ferie,
}
