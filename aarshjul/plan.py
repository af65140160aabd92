"""Load and validate plan.yaml into the model.

We walk the nodes of yaml.compose() instead of using safe_load: every scalar stays
the string the user wrote (YAML 1.1 would turn NO into False, 010 into 8 and
09:00 into 540), and every node keeps its line and column for the messages.
Nothing is constructed from tags, so `!!python/object` cannot run code.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from aarshjul.dates import (
    MAANEDER,
    UKEDAGER,
    normalize,
    parse_dato,
    parse_maaned,
    parse_skoleaar,
    parse_tidsrom,
    parse_ukedag,
    parse_varighet,
)
from aarshjul.errors import PlanError, Problem, UsageError
from aarshjul.model import (
    Dagregel,
    Enkeltdato,
    EtterDato,
    Flytt,
    Gjentakelse,
    Hendelse,
    HendelseType,
    Maanedlig,
    NavngittDato,
    Plan,
    Relativ,
    RRegel,
    Sone,
    Tiltak,
    Ukentlig,
    Virksomhet,
)

# Which plan file to use lives in planfile.py, which a cached start loads without yaml
# (issue 7); the names stay importable from here.
from aarshjul.planfile import ENV_PLAN, default_plan_path, resolve_plan_path  # noqa: F401
from aarshjul.privacy import scan_personal_data

try:  # the C loader parses our kind of file ~8x faster (issue 7)
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

MAX_BYTES = 5 * 1024 * 1024  # a real plan is ~50 kB; anything this big is a mistake
MAX_STENGTE = 40  # keeps a run of closed days well inside expand.MARGIN

_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_STANDARD_TAGS = {
    f"tag:yaml.org,2002:{t}" for t in ("str", "int", "float", "bool", "null", "timestamp", "seq", "map")
}
_NULL_TAG = "tag:yaml.org,2002:null"
_SANN = {"ja": True, "true": True, "nei": False, "false": False}


# --- reading the file -------------------------------------------------------------


def read_plan_text(path: Path) -> str:
    """Read the file as UTF-8 text, turning every OS and encoding failure into a PlanError."""

    def fail(message: str, line: int | None = None, column: int | None = None) -> PlanError:
        return PlanError([Problem(path, line, column, message)])

    try:
        if path.is_dir():
            raise fail("er en mappe, ikke en fil. Oppgi stien til plan.yaml.")
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise fail(
                f"filen er {size // (1024 * 1024)} MB; en plan kan være høyst "
                f"{MAX_BYTES // (1024 * 1024)} MB. Er det riktig fil?"
            )
        with path.open("rb") as fh:
            # A device or FIFO (/dev/zero, /dev/stdin) reports no size: read at most the limit.
            data = fh.read(MAX_BYTES + 1)
        if len(data) > MAX_BYTES:
            raise fail(f"filen er større enn {MAX_BYTES // (1024 * 1024)} MB, høyst for en plan. Er det riktig fil?")
    except FileNotFoundError:
        raise fail("filen finnes ikke.") from None
    except PermissionError:
        raise fail("mangler lesetilgang til filen.") from None
    except OSError as e:
        raise fail(f"kan ikke lese filen ({e.strerror or e}).") from None
    if b"\x00" in data:
        raise fail("filen er binær (inneholder NUL-tegn), ikke en tekstfil i YAML.")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        column = e.start - (data.rfind(b"\n", 0, e.start) + 1) + 1
        raise fail(
            "filen er ikke UTF-8 (kanskje Latin-1/Windows-1252). Lagre den som UTF-8 i editoren.",
            line,
            column,
        ) from None


def _compose(text: str, path: Path) -> yaml.Node | None:
    try:
        return yaml.compose(text, Loader=_Loader)  # noqa: S506 - compose builds no objects
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = mark.line + 1 if mark else None
        column = mark.column + 1 if mark else None
        lines = text.splitlines()
        bad_line = lines[mark.line] if mark is not None and mark.line < len(lines) else ""
        if "\\t" in str(e.problem) or bad_line[: len(bad_line) - len(bad_line.lstrip())].count("\t"):
            message = "tabulator (Tab) er brukt til innrykk; bruk mellomrom."
        else:
            message = _yaml_problem(e, text)
        raise PlanError([Problem(path, line, column, message)]) from None
    except yaml.reader.ReaderError as e:
        # A control character in the file (ESC, DEL ...). The C loader's position counts
        # UTF-8 bytes, so find the character ourselves to give line and column.
        index = text.find(chr(e.character)) if isinstance(e.character, int) else -1
        line = text.count("\n", 0, index) + 1 if index >= 0 else None
        column = index - (text.rfind("\n", 0, index) + 1) + 1 if index >= 0 else None
        code = f"U+{e.character:04X}" if isinstance(e.character, int) else "?"
        message = (f"ugyldig YAML: filen inneholder kontrolltegnet {code}, som ikke er tillatt. "
                   "Fjern det (det kommer ofte fra kopiering fra et annet program).")  # fmt: skip
        raise PlanError([Problem(path, line, column, message)]) from None
    except yaml.YAMLError as e:
        raise PlanError([Problem(path, None, None, f"ugyldig YAML: {e}.")]) from None


# PyYAML's problems (C and Python loaders word some differently) in bokmål.
_YAML_PROBLEMER = (
    ("expected ',' or ']'", "en liste i [ ] er ikke lukket; mangler det «]» eller et komma?"),
    ("expected ',' or '}'", "en samling i {{ }} er ikke lukket; mangler det «}}» eller et komma?"),
    ("mapping values are not allowed", "kolon på feil sted. Sjekk innrykket, eller sett teksten i "
                                       "anførselstegn hvis den inneholder «: »"),
    ("did not find expected key", "her skulle det stå en nøkkel («nøkkel: verdi»). Sjekk innrykket, "
                                  "og at ingenting står etter et avsluttende anførselstegn eller en «]»"),
    ("did not find expected '-' indicator", "her skulle listen fortsette med «- ». Sjekk innrykket"),
    ("could not find expected ':'", "fant ikke kolon etter nøkkelen; skriv «nøkkel: verdi»"),
    ("unexpected end of stream", "filen slutter før et anførselstegn eller en klamme er lukket"),
    ("unknown escape character", "ukjent tegn etter \\ i tekst i doble anførselstegn; skriv \\\\ for "
                                 "en skråstrek, eller bruk enkle anførselstegn"),
    ("undefined alias", "YAML-ankere og -aliaser (& og *) støttes ikke; skriv verdien ut"),
    ("duplicate anchor", "YAML-ankere og -aliaser (& og *) støttes ikke; skriv verdien ut"),
    ("cannot start any token", "tegnet «{char}» kan ikke starte en verdi; sett teksten i anførselstegn"),
    ("another document", "filen har flere YAML-dokumenter (---); en plan er ett dokument"),
    ("maximum nesting depth", "for mange lister og samlinger inni hverandre; en plan har bare noen få nivåer"),
)  # fmt: skip


def _yaml_problem(e: yaml.MarkedYAMLError, text: str) -> str:
    """A bokmål message for a YAML syntax error, pointing at where an open bracket began."""
    problem = str(e.problem or e.context or "")
    both = f"{e.context or ''} {problem}"
    mark = e.problem_mark
    char = ""
    if mark is not None:
        lines = text.split("\n")
        if mark.line < len(lines) and mark.column < len(lines[mark.line]):
            char = lines[mark.line][mark.column]
    for english, norsk in _YAML_PROBLEMER:
        if english in both:
            message = f"ugyldig YAML: {norsk.format(char=char)}"
            break
    else:
        return f"ugyldig YAML ({problem})."
    start = e.context_mark
    if start is not None and mark is not None and start.line != mark.line and (
        "flow" in str(e.context) or "quoted" in str(e.context)
    ):
        message += f" (den begynner på linje {start.line + 1})"
    return message + "."


# --- walking the nodes ------------------------------------------------------------


@dataclass
class _Walker:
    path: Path
    problems: list[Problem]

    def error(self, node: yaml.Node | None, message: str) -> None:
        if node is None:
            self.problems.append(Problem(self.path, None, None, message))
        else:
            mark = node.start_mark
            self.problems.append(Problem(self.path, mark.line + 1, mark.column + 1, message))

    def check_tags(self, root: yaml.Node) -> bool:
        """Reject non-standard tags and aliases (a shared node could blow up the walk)."""
        seen: set[int] = set()
        ok = True
        stack = [root]
        while stack:
            node = stack.pop()
            if id(node) in seen:
                self.error(node, "YAML-ankere og -aliaser (& og *) støttes ikke; skriv verdien ut.")
                return False
            seen.add(id(node))
            if node.tag not in _STANDARD_TAGS:
                self.error(node, f"YAML-taggen «{node.tag}» er ikke tillatt i en plan.")
                ok = False
            if isinstance(node, yaml.MappingNode):
                for k, v in node.value:
                    stack.extend((k, v))
            elif isinstance(node, yaml.SequenceNode):
                stack.extend(node.value)
        return ok

    def mapping(
        self,
        node: yaml.Node,
        what: str,
        allowed: tuple[str, ...],
        required: tuple[str, ...] = (),
    ) -> dict[str, yaml.Node] | None:
        """A mapping's values by key, reporting duplicates, unknown and missing keys."""
        if not isinstance(node, yaml.MappingNode):
            self.error(node, f"{what} skal være en samling av «nøkkel: verdi», ikke {_describe(node)}.")
            return None
        result: dict[str, yaml.Node] = {}
        suggested: set[str] = set()
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self.error(key_node, f"{what}: en nøkkel må være et ord.")
                continue
            key = key_node.value
            if key in result:
                self.error(key_node, f"{what}: nøkkelen «{key}» står to ganger.")
                continue
            if key not in allowed:
                forslag = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
                hint = f" Mente du «{forslag[0]}»?" if forslag else ""
                suggested.update(forslag)
                self.error(
                    key_node,
                    f"{what}: ukjent nøkkel «{key}».{hint} Gyldige nøkler: {', '.join(allowed)}.",
                )
                continue
            result[key] = value_node
        for key in required:
            if key not in result and key not in suggested:  # a typo was already reported
                self.error(node, f"{what} mangler «{key}».")
        return result

    def is_null(self, node: yaml.Node) -> bool:
        return isinstance(node, yaml.ScalarNode) and node.tag == _NULL_TAG

    def text(self, node: yaml.Node, what: str, *, allow_empty: bool = False) -> str | None:
        if not isinstance(node, yaml.ScalarNode) or (self.is_null(node) and not allow_empty):
            self.error(node, f"{what} skal være en tekst, ikke {_describe(node)}.")
            return None
        value = node.value.strip()
        if not value and not allow_empty:
            self.error(node, f"{what} kan ikke være tom.")
            return None
        return value

    def ident(self, node: yaml.Node, what: str) -> str | None:
        value = self.text(node, what)
        if value is not None and not _ID.match(value):
            self.error(
                node,
                f"{what} «{value}» er ikke en gyldig id: bruk små bokstaver a–z, tall, _ og -.",
            )
            return None
        return value

    def integer(self, node: yaml.Node, what: str, low: int, high: int) -> int | None:
        value = self.text(node, what)
        if value is None:
            return None
        if not value.isdigit() or not low <= int(value) <= high:
            self.error(node, f"{what} skal være et helt tall fra {low} til {high}, ikke «{value}».")
            return None
        return int(value)

    def boolean(self, node: yaml.Node, what: str) -> bool | None:
        value = self.text(node, what)
        if value is None:
            return None
        if value.lower() not in _SANN:
            self.error(node, f"{what} skal være ja eller nei, ikke «{value}».")
            return None
        return _SANN[value.lower()]

    def dato(self, node: yaml.Node, what: str) -> date | None:
        value = self.text(node, what)
        if value is None:
            return None
        try:
            return parse_dato(value)
        except ValueError as e:
            self.error(node, f"{what}: {e}.")
            return None

    def items(self, node: yaml.Node, what: str) -> list[yaml.Node]:
        """A list's items; a single scalar is read as a list of one."""
        if isinstance(node, yaml.SequenceNode):
            return list(node.value)
        if isinstance(node, yaml.ScalarNode) and not self.is_null(node):
            return [node]
        self.error(node, f"{what} skal være en liste, ikke {_describe(node)}.")
        return []

    def text_list(self, node: yaml.Node, what: str) -> list[tuple[str, yaml.Node]]:
        out = []
        for item in self.items(node, what):
            value = self.text(item, f"{what} (hvert element)")
            if value is not None:
                out.append((value, item))
        return out


def _describe(node: yaml.Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "en samling av nøkler"
    if isinstance(node, yaml.SequenceNode):
        return "en liste"
    if node.tag == _NULL_TAG:
        return "tom"
    return f"«{node.value}»"


# --- the plan's sections --------------------------------------------------------

_PLAN_KEYS = ("navn", "kommune", "periode_fra", "periode_til", "uid_domene", "stengte_dager")
_VIRKSOMHET_KEYS = ("navn", "aliaser", "leder", "ekstern", "medlemmer")
_TILTAK_KEYS = ("id", "navn", "kilde", "sone", "beskrivelse", "ansvar", "deltakere", "hendelser")
_HENDELSE_KEYS = (
    "id", "tittel", "type", "når", "antatt", "tid", "varsel", "flytt", "ansvar", "deltakere",
    "kilde", "beskrivelse", "gyldig_fra", "gyldig_til", "minimum_per_år",
)  # fmt: skip
_NAAR_KEYS = (
    "måneder", "dag", "hvert_år", "startår", "startskoleår", "unntatt_måneder",
    "innen_utgangen_av", "ukentlig", "dato", "etter", "etter_dato", "innen", "rrule", "start",
)  # fmt: skip
_NAAR_FORMS = ("måneder", "innen_utgangen_av", "ukentlig", "dato", "etter", "etter_dato", "rrule")
_ORDINAL = {"første": 1, "1.": 1, "andre": 2, "2.": 2, "tredje": 3, "3.": 3, "fjerde": 4, "4.": 4,
            "siste": -1}  # fmt: skip
_DEFAULT_RRULE_START = date(2018, 1, 1)


@dataclass
class _Ref:
    """A reference to check once everything is loaded."""

    node: yaml.Node
    value: str
    what: str


def load_plan(path: str | Path) -> Plan:
    """Read, parse and validate a plan file. Raises PlanError listing every problem."""
    path = Path(path)
    text = read_plan_text(path)
    personal_errors, advarsler = scan_personal_data(text, path)
    if personal_errors:
        raise PlanError(personal_errors)
    root = _compose(text, path)
    walker = _Walker(path, [])
    if root is None:
        raise PlanError([Problem(path, None, None, "filen er tom (eller har bare kommentarer).")])
    if not walker.check_tags(root):
        raise PlanError(walker.problems)
    plan = _Builder(walker).build(root)
    if walker.problems or plan is None:
        raise PlanError(walker.problems)
    return replace(plan, advarsler=tuple(advarsler)) if advarsler else plan


class _Builder:
    def __init__(self, walker: _Walker) -> None:
        self.w = walker
        self.virksomhet_refs: list[_Ref] = []
        self.hendelse_refs: list[tuple[str, _Ref]] = []  # (from qualified id, ref)
        self.dato_refs: list[_Ref] = []

    def build(self, root: yaml.Node) -> Plan | None:
        w = self.w
        top = w.mapping(root, "Planen", ("plan", "virksomheter", "datoer", "tiltak"),
                        ("plan", "virksomheter", "tiltak"))  # fmt: skip
        if top is None:
            return None
        head = self._plan_head(top["plan"]) if "plan" in top else None
        virksomheter = self._virksomheter(top["virksomheter"]) if "virksomheter" in top else {}
        datoer = self._datoer(top["datoer"]) if "datoer" in top else {}
        tiltak = self._tiltak_list(top["tiltak"]) if "tiltak" in top else ()
        self._check_refs(virksomheter, datoer, tiltak)
        if head is None:
            return None
        return Plan(virksomheter=virksomheter, datoer=datoer, tiltak=tiltak,
                    kilde_fil=w.path, **head)  # fmt: skip

    def _plan_head(self, node: yaml.Node) -> dict[str, Any] | None:
        w = self.w
        m = w.mapping(node, "«plan»", _PLAN_KEYS, ("navn", "kommune"))
        if m is None:
            return None
        head: dict[str, Any] = {
            "navn": w.text(m["navn"], "plan.navn") if "navn" in m else None,
            "kommune": w.text(m["kommune"], "plan.kommune") if "kommune" in m else None,
        }
        if "periode_fra" in m:
            head["periode_fra"] = w.dato(m["periode_fra"], "plan.periode_fra")
        if "periode_til" in m:
            head["periode_til"] = w.dato(m["periode_til"], "plan.periode_til")
        if "uid_domene" in m:
            domene = w.text(m["uid_domene"], "plan.uid_domene")
            if domene is not None and not re.match(r"^[A-Za-z0-9.-]+$", domene):
                w.error(m["uid_domene"], "plan.uid_domene skal være et domenenavn, f.eks. sel.kommune.no.")
            elif domene is not None:
                head["uid_domene"] = domene
        if "stengte_dager" in m:
            dager: list[tuple[int, int]] = []
            datoer: list[date] = []
            for value, item in w.text_list(m["stengte_dager"], "plan.stengte_dager"):
                if re.match(r"^\d{1,2}\.\d{1,2}\.?$", value):
                    try:
                        d = parse_dato(value.rstrip(".") + ".2000")  # a leap year allows 29.02
                        dager.append((d.month, d.day))
                    except ValueError as e:
                        w.error(item, f"plan.stengte_dager: {e}.")
                else:
                    d2 = w.dato(item, "plan.stengte_dager")
                    if d2 is not None:
                        datoer.append(d2)
            if len(dager) + len(datoer) > MAX_STENGTE:
                w.error(m["stengte_dager"], f"plan.stengte_dager kan ha høyst {MAX_STENGTE} dager.")
            head["stengte_dager"] = tuple(dager)
            head["stengte_datoer"] = tuple(datoer)
        if head["navn"] is None or head["kommune"] is None:
            return None
        return head

    def _virksomheter(self, node: yaml.Node) -> dict[str, Virksomhet]:
        w = self.w
        if not isinstance(node, yaml.MappingNode):
            w.error(node, f"«virksomheter» skal være en samling av nøkler, ikke {_describe(node)}.")
            return {}
        result: dict[str, Virksomhet] = {}
        names: dict[str, str] = {}  # normalized name/alias -> key, to catch clashes
        for key_node, value_node in node.value:
            key = w.ident(key_node, "Virksomhetsnøkkelen")
            if key is None:
                continue
            if key in result:
                w.error(key_node, f"virksomheten «{key}» er definert to ganger.")
                continue
            what = f"Virksomheten «{key}»"
            m = w.mapping(value_node, what, _VIRKSOMHET_KEYS, ("navn",))
            if m is None:
                continue
            navn = w.text(m["navn"], f"{what}: navn") if "navn" in m else None
            aliaser = [a for a, _ in w.text_list(m["aliaser"], f"{what}: aliaser")] if "aliaser" in m else []
            leder = w.text(m["leder"], f"{what}: leder") if "leder" in m else None
            ekstern = w.boolean(m["ekstern"], f"{what}: ekstern") if "ekstern" in m else False
            medlemmer = []
            if "medlemmer" in m:
                for value, item in w.text_list(m["medlemmer"], f"{what}: medlemmer"):
                    self.virksomhet_refs.append(_Ref(item, value, f"{what}: medlemmer"))
                    medlemmer.append(value)
            for name in (key, navn or "", *aliaser):
                n = normalize(name)
                if n and names.get(n, key) != key:
                    w.error(key_node, f"{what}: navnet «{name}» brukes også av «{names[n]}».")
                names.setdefault(n, key)
            if navn is None:
                continue
            result[key] = Virksomhet(key, navn, tuple(aliaser), leder, bool(ekstern),
                                     tuple(medlemmer), key_node.start_mark.line + 1)  # fmt: skip
        if not result and not w.problems:
            w.error(node, "«virksomheter» er tom; planen må ha minst én virksomhet.")
        return result

    def _datoer(self, node: yaml.Node) -> dict[str, NavngittDato]:
        w = self.w
        if self.w.is_null(node):
            return {}
        if not isinstance(node, yaml.MappingNode):
            w.error(node, f"«datoer» skal være en samling av nøkler, ikke {_describe(node)}.")
            return {}
        result: dict[str, NavngittDato] = {}
        for key_node, value_node in node.value:
            key = w.ident(key_node, "Datonøkkelen")
            if key is None:
                continue
            if key in result:
                w.error(key_node, f"datoen «{key}» er definert to ganger.")
                continue
            what = f"Datoen «{key}»"
            m = w.mapping(value_node, what, ("navn", "dato"), ("navn", "dato"))
            if m is None or "navn" not in m or "dato" not in m:
                continue
            navn = w.text(m["navn"], f"{what}: navn")
            dato = None if w.is_null(m["dato"]) else w.dato(m["dato"], f"{what}: dato")
            if navn is not None:
                result[key] = NavngittDato(key, navn, dato, key_node.start_mark.line + 1)
        return result

    def _tiltak_list(self, node: yaml.Node) -> tuple[Tiltak, ...]:
        w = self.w
        if not isinstance(node, yaml.SequenceNode):
            w.error(node, f"«tiltak» skal være en liste (linjer som starter med «- »), ikke {_describe(node)}.")
            return ()
        result: list[Tiltak] = []
        seen: dict[str, int] = {}
        for item in node.value:
            tiltak = self._tiltak(item)
            if tiltak is None:
                continue
            if tiltak.id in seen:
                w.error(item, f"tiltak-id «{tiltak.id}» er brukt to ganger (første gang på linje {seen[tiltak.id]}).")
                continue
            seen[tiltak.id] = item.start_mark.line + 1
            result.append(tiltak)
        if not result and not w.problems:
            w.error(node, "«tiltak» er tom; planen må ha minst ett tiltak.")
        return tuple(result)

    def _refs(self, node: yaml.Node, what: str) -> tuple[str, ...]:
        values = []
        for value, item in self.w.text_list(node, what):
            self.virksomhet_refs.append(_Ref(item, value, what))
            values.append(value)
        return tuple(values)

    def _tiltak(self, node: yaml.Node) -> Tiltak | None:
        w = self.w
        m = w.mapping(node, "Et tiltak", _TILTAK_KEYS, ("id", "navn", "kilde", "ansvar", "hendelser"))
        if m is None:
            return None
        tid = w.ident(m["id"], "Tiltakets id") if "id" in m else None
        what = f"Tiltaket «{tid or '?'}»"
        navn = w.text(m["navn"], f"{what}: navn") if "navn" in m else None
        kilde = w.text(m["kilde"], f"{what}: kilde") if "kilde" in m else None
        sone = self._enum(m["sone"], Sone, f"{what}: sone") if "sone" in m else None
        beskrivelse = w.text(m["beskrivelse"], f"{what}: beskrivelse") if "beskrivelse" in m else None
        ansvar = self._refs(m["ansvar"], f"{what}: ansvar") if "ansvar" in m else ()
        deltakere = self._refs(m["deltakere"], f"{what}: deltakere") if "deltakere" in m else ()
        if "ansvar" in m and not ansvar and isinstance(m["ansvar"], yaml.SequenceNode):
            w.error(m["ansvar"], f"{what}: ansvar kan ikke være tom.")
        hendelser: list[Hendelse] = []
        if "hendelser" in m:
            seen: set[str] = set()
            items = w.items(m["hendelser"], f"{what}: hendelser")
            if not items and isinstance(m["hendelser"], yaml.SequenceNode):
                w.error(m["hendelser"], f"{what} har ingen hendelser.")
            for item in items:
                h = self._hendelse(item, tid or "?", what, ansvar, deltakere, kilde or "")
                if h is None:
                    continue
                if h.id in seen:
                    w.error(item, f"{what}: hendelse-id «{h.id}» er brukt to ganger.")
                    continue
                seen.add(h.id)
                hendelser.append(h)
        if None in (tid, navn, kilde) or "hendelser" not in m:
            return None
        assert tid is not None and navn is not None and kilde is not None
        return Tiltak(tid, navn, kilde, ansvar, deltakere, tuple(hendelser), sone, beskrivelse,
                      node.start_mark.line + 1)  # fmt: skip

    def _enum(self, node: yaml.Node, enum: Any, what: str) -> Any:
        value = self.w.text(node, what)
        if value is None:
            return None
        by_norm = {normalize(e.value): e for e in enum}
        found = by_norm.get(normalize(value))
        if found is None:
            self.w.error(node, f"{what}: ukjent verdi «{value}» – gyldige er {', '.join(e.value for e in enum)}.")
        return found

    def _hendelse(
        self,
        node: yaml.Node,
        tiltak_id: str,
        tiltak_what: str,
        ansvar: tuple[str, ...],
        deltakere: tuple[str, ...],
        kilde: str,
    ) -> Hendelse | None:
        w = self.w
        m = w.mapping(node, f"{tiltak_what}: en hendelse", _HENDELSE_KEYS, ("id", "tittel", "type", "når"))
        if m is None:
            return None
        hid = w.ident(m["id"], f"{tiltak_what}: hendelse-id") if "id" in m else None
        what = f"Hendelsen «{tiltak_id}.{hid or '?'}»"
        tittel = w.text(m["tittel"], f"{what}: tittel") if "tittel" in m else None
        htype = self._enum(m["type"], HendelseType, f"{what}: type") if "type" in m else None
        naar = self._naar(m["når"], what, tiltak_id) if "når" in m and hid else None
        antatt = w.text(m["antatt"], f"{what}: antatt") if "antatt" in m else None
        tid = slutt = None
        if "tid" in m:
            value = w.text(m["tid"], f"{what}: tid")
            if value is not None:
                try:
                    tid, slutt = parse_tidsrom(value)
                except ValueError as e:
                    w.error(m["tid"], f"{what}: {e}.")
        default_varsel = 14 if htype is not None and htype.er_frist else 0
        varsel = w.integer(m["varsel"], f"{what}: varsel", 0, 365) if "varsel" in m else default_varsel
        if htype is not None and htype.er_frist:
            default_flytt = Flytt.TIDLIGERE
        else:
            default_flytt = Flytt.SENERE
        flytt = self._enum(m["flytt"], Flytt, f"{what}: flytt") if "flytt" in m else default_flytt
        if htype is HendelseType.MOTE and flytt is Flytt.INGEN:
            w.error(m["flytt"], f"{what}: et møte kan ikke ha «flytt: ingen»; et møte legges aldri på en fridag.")
        own_ansvar = self._refs(m["ansvar"], f"{what}: ansvar") if "ansvar" in m else ansvar
        own_deltakere = self._refs(m["deltakere"], f"{what}: deltakere") if "deltakere" in m else deltakere
        own_kilde = w.text(m["kilde"], f"{what}: kilde") if "kilde" in m else kilde
        beskrivelse = w.text(m["beskrivelse"], f"{what}: beskrivelse") if "beskrivelse" in m else None
        gyldig_fra = w.dato(m["gyldig_fra"], f"{what}: gyldig_fra") if "gyldig_fra" in m else None
        gyldig_til = w.dato(m["gyldig_til"], f"{what}: gyldig_til") if "gyldig_til" in m else None
        if gyldig_fra and gyldig_til and gyldig_til < gyldig_fra:
            w.error(m["gyldig_til"], f"{what}: gyldig_til er før gyldig_fra.")
        minimum = w.integer(m["minimum_per_år"], f"{what}: minimum_per_år", 1, 366) if "minimum_per_år" in m else None
        unntatt: tuple[int, ...] = ()
        if "når" in m and isinstance(m["når"], yaml.MappingNode):
            inner = {k.value: v for k, v in m["når"].value if isinstance(k, yaml.ScalarNode)}
            if "unntatt_måneder" in inner:
                unntatt = tuple(self._maaneder(inner["unntatt_måneder"], f"{what}: unntatt_måneder"))
        if None in (hid, tittel, htype, naar, varsel, flytt, own_kilde):
            return None
        assert hid and tittel and htype and naar is not None and varsel is not None and flytt and own_kilde is not None
        return Hendelse(
            id=hid, tittel=tittel, type=htype, naar=naar, ansvar=own_ansvar, deltakere=own_deltakere,
            kilde=own_kilde, varsel=varsel, flytt=flytt, antatt=antatt, tid=tid, slutt=slutt,
            beskrivelse=beskrivelse, gyldig_fra=gyldig_fra, gyldig_til=gyldig_til,
            unntatt_maaneder=unntatt, minimum_per_aar=minimum, linje=node.start_mark.line + 1,
        )  # fmt: skip

    def _maaneder(self, node: yaml.Node, what: str) -> list[int]:
        result = []
        for value, item in self.w.text_list(node, what):
            mnd = parse_maaned(value)
            if mnd is None:
                forslag = difflib.get_close_matches(value.lower(), MAANEDER, n=1, cutoff=0.6)
                if value.isdigit() and 1 <= int(value) <= 12:
                    forslag = [MAANEDER[int(value) - 1]]
                hint = f" Mente du «{forslag[0]}»?" if forslag else ""
                self.w.error(item, f"{what}: ukjent måned «{value}».{hint} Gyldige er januar … desember.")
            elif mnd in result:
                self.w.error(item, f"{what}: måneden «{value}» står to ganger.")
            else:
                result.append(mnd)
        return result

    def _dagregel(self, node: yaml.Node, what: str) -> Dagregel | None:
        value = self.w.text(node, what)
        if value is None:
            return None
        t = value.lower().strip()
        if re.match(r"^\d{1,2}\.?$", t):
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
                self.w.error(node, f"{what}: ukjent ukedag «{parts[1]}» – gyldige er {', '.join(UKEDAGER)}.")
                return None
        self.w.error(
            node,
            f"{what}: forstår ikke «{value}». Skriv en dag i måneden (15), «siste dag», "
            "«første arbeidsdag», «siste arbeidsdag» eller f.eks. «første tirsdag».",
        )
        return None

    def _naar(self, node: yaml.Node, what: str, tiltak_id: str) -> Gjentakelse | None:
        w = self.w
        what = f"{what}: når"
        m = w.mapping(node, what, _NAAR_KEYS)
        if m is None:
            return None
        forms = [k for k in _NAAR_FORMS if k in m]
        if len(forms) != 1:
            w.error(
                node,
                f"{what} må ha nøyaktig én av {', '.join(_NAAR_FORMS)}"
                + (f", men har {', '.join(forms)}." if forms else "."),
            )
            return None
        form = forms[0]
        allowed_extra = {
            "måneder": {"dag", "hvert_år", "startår", "startskoleår", "unntatt_måneder"},
            "innen_utgangen_av": {"hvert_år", "startår", "startskoleår"},
            "ukentlig": {"unntatt_måneder"},
            "dato": set(),
            "etter": {"innen"},
            "etter_dato": {"innen"},
            "rrule": {"start", "unntatt_måneder"},
        }[form]
        for key, value_node in m.items():
            if key != form and key not in allowed_extra:
                w.error(value_node, f"{what}: «{key}» kan ikke brukes sammen med «{form}».")
        if form in ("måneder", "innen_utgangen_av"):
            maaneder = self._maaneder(m[form], f"{what}: {form}")
            if form == "måneder":
                if "dag" not in m:
                    w.error(node, f"{what}: «måneder» trenger «dag», f.eks. «dag: første tirsdag».")
                    return None
                dag = self._dagregel(m["dag"], f"{what}: dag")
            else:
                dag = Dagregel("siste_dag", tekst="siste dag")
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
            if not maaneder or dag is None or hvert_aar is None:
                return None
            return Maanedlig(tuple(maaneder), dag, hvert_aar, startaar, skoleaar)
        if form == "ukentlig":
            value = w.text(m["ukentlig"], f"{what}: ukentlig")
            if value is None:
                return None
            ukedag = parse_ukedag(value)
            if ukedag is None:
                w.error(m["ukentlig"], f"{what}: ukjent ukedag «{value}» – gyldige er {', '.join(UKEDAGER)}.")
                return None
            return Ukentlig(ukedag)
        if form == "dato":
            d = w.dato(m["dato"], f"{what}: dato")
            return Enkeltdato(d) if d else None
        if form in ("etter", "etter_dato"):
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
                self.dato_refs.append(_Ref(m[form], target, what))
                return EtterDato(target, innen, innen_tekst)
            qualified = target if "." in target else f"{tiltak_id}.{target}"
            self.hendelse_refs.append((what, _Ref(m[form], qualified, what)))
            return Relativ(qualified, innen, innen_tekst)
        # rrule
        regel = w.text(m["rrule"], f"{what}: rrule")
        start = w.dato(m["start"], f"{what}: start") if "start" in m else _DEFAULT_RRULE_START
        if regel is None or start is None:
            return None
        from aarshjul.expand import rrule_problem  # the expander owns dateutil.rrule

        problem = rrule_problem(regel, start)
        if problem:
            w.error(m["rrule"], f"{what}: ugyldig RRULE «{regel}»: {problem}.")
            return None
        return RRegel(regel, start)

    def _check_refs(
        self,
        virksomheter: dict[str, Virksomhet],
        datoer: dict[str, NavngittDato],
        tiltak: tuple[Tiltak, ...],
    ) -> None:
        w = self.w
        known = sorted(virksomheter)
        for ref in self.virksomhet_refs:
            if ref.value not in virksomheter:
                forslag = difflib.get_close_matches(ref.value, known, n=1, cutoff=0.6)
                hint = f" Mente du «{forslag[0]}»?" if forslag else ""
                w.error(ref.node, f"{ref.what}: ukjent virksomhet «{ref.value}».{hint} "
                                  f"Kjente virksomheter: {', '.join(known)}.")  # fmt: skip
        for key, v in virksomheter.items():
            if key in v.medlemmer:
                w.error(None, f"Virksomheten «{key}» kan ikke være medlem av seg selv.")
        for ref in self.dato_refs:
            if ref.value not in datoer:
                kjente = ", ".join(sorted(datoer)) or "(ingen – legg den inn under «datoer:»)"
                w.error(ref.node, f"{ref.what}: ukjent dato «{ref.value}». Kjente datoer: {kjente}.")
        hendelser = {f"{t.id}.{h.id}": h for t in tiltak for h in t.hendelser}
        for _, ref in self.hendelse_refs:
            if ref.value not in hendelser:
                forslag = difflib.get_close_matches(ref.value, sorted(hendelser), n=1, cutoff=0.6)
                hint = f" Mente du «{forslag[0]}»?" if forslag else ""
                w.error(ref.node, f"{ref.what}: ukjent hendelse «{ref.value}».{hint} "
                                  "Skriv «hendelse» i samme tiltak eller «tiltak.hendelse».")  # fmt: skip
        self._check_cycles(tiltak, hendelser)

    def _check_cycles(self, tiltak: tuple[Tiltak, ...], hendelser: dict[str, Hendelse]) -> None:
        edges = {
            f"{t.id}.{h.id}": h.naar.etter
            for t in tiltak
            for h in t.hendelser
            if isinstance(h.naar, Relativ) and h.naar.etter in hendelser
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
                h = hendelser[key]
                line = h.linje
                self.w.problems.append(Problem(
                    self.w.path, line, None,
                    "hendelsene er avhengige av hverandre i ring: "
                    + " → ".join([*cycle, cycle[0]]) + ". En av dem må ha en fast dato.",
                ))  # fmt: skip


def iter_hendelser(plan: Plan) -> Iterator[tuple[Tiltak, Hendelse]]:
    for tiltak in plan.tiltak:
        for hendelse in tiltak.hendelser:
            yield tiltak, hendelse


# --- looking up virksomheter -----------------------------------------------------


def find_virksomhet(plan: Plan, name: str) -> str:
    """The key of a virksomhet by key, alias or display name, forgiving case and æøå spelling."""
    wanted = normalize(name)
    for key, v in plan.virksomheter.items():
        if wanted in {normalize(key), normalize(v.navn), *(normalize(a) for a in v.aliaser)}:
            return key
    candidates: dict[str, str] = {}
    for key, v in plan.virksomheter.items():
        for n in (key, v.navn, *v.aliaser):
            candidates.setdefault(normalize(n), key)
    close = difflib.get_close_matches(wanted, list(candidates), n=1, cutoff=0.5)
    hint = f" Mente du «{candidates[close[0]]}»?" if close else ""
    raise UsageError(
        f"Ukjent virksomhet «{name}».{hint} Gyldige virksomheter: {', '.join(sorted(plan.virksomheter))}."
    )
