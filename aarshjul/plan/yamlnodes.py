"""Reading a plan file into YAML nodes that keep their marks, and walking them.

We walk the nodes of yaml.compose() instead of using safe_load: every scalar stays
the string the user wrote (YAML 1.1 would turn NO into False, 010 into 8 and
09:00 into 540), and every node keeps its line and column for the messages.
Nothing is constructed from tags, so `!!python/object` cannot run code.

This module knows YAML and nothing about the plan's keys: the file text and its
errors, the YAML syntax messages in bokmål, and the Walker that reads one node as a
mapping, text, id, integer, ja/nei, date or list, collecting Problems.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from aarshjul.dates import parse_dato
from aarshjul.errors import PlanError, Problem, os_feil_tekst
from aarshjul.plan.pyyaml import yaml

try:  # the C loader parses our kind of file ~8x faster
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

MAX_BYTES = 5 * 1024 * 1024  # a real plan is ~50 kB; anything this big is a mistake
# Every date a plan names, and every date it can produce (naar.py, refs.py), lies in these
# years: far beyond any plan, and far inside what `date` and the expander can compute.
AAR_MIN = 1900
AAR_MAX = 2200

_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_STANDARD_TAGS = {
    f"tag:yaml.org,2002:{t}" for t in ("str", "int", "float", "bool", "null", "timestamp", "seq", "map")
}
_NULL_TAG = "tag:yaml.org,2002:null"
_USYNLIGE = frozenset("\u00ad\u034f\u115f\u1160\u17b4\u17b5\u180e\u3164\uffa0")  # not all are Cf
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
        raise fail(f"kan ikke lese filen ({os_feil_tekst(e)}).") from None
    if _utf16(data):
        raise fail("filen er lagret som UTF-16, ikke UTF-8. Åpne den i editoren og lagre den som UTF-8 "
                   "(i Notisblokk: «Lagre som» og «Koding: UTF-8»).")  # fmt: skip
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


def _utf16(data: bytes) -> bool:
    """A UTF-16 byte order mark, or text whose every other byte is NUL (UTF-16 without one)."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return True
    sample = data[:400]
    half = len(sample) // 2
    return half >= 8 and max(sample[0::2].count(0), sample[1::2].count(0)) >= 0.8 * half


# NEL, LINE SEPARATOR and PARAGRAPH SEPARATOR are line breaks to libyaml (YAML 1.1) but
# not to an editor: in a comment they would end it and shift every line reported after
# them. They are read as spaces, so the lines and columns are the ones the editor shows.
_SKJULTE_LINJESKIFT = {0x85: " ", 0x2028: " ", 0x2029: " "}


def compose(text: str, path: Path) -> yaml.Node | None:
    text = text.translate(_SKJULTE_LINJESKIFT)
    try:
        return yaml.compose(text, Loader=_Loader)  # noqa: S506 - compose builds no objects
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = mark.line + 1 if mark else None
        column = mark.column + 1 if mark else None
        lines = text.split("\n")
        bad_line = lines[mark.line] if mark is not None and mark.line < len(lines) else ""
        indent = bad_line[: len(bad_line) - len(bad_line.lstrip())]
        if "\\t" in str(e.problem) or "tab character" in str(e.problem) or "\t" in indent:
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
    except yaml.YAMLError:
        raise PlanError([Problem(path, None, None, "ugyldig YAML; filen kan ikke leses som en plan.")]) from None


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
    ("expected hexdecimal number", "en \\x-, \\u- eller \\U-kode i doble anførselstegn trenger heksadesimale "
                                   "sifre; bruk enkle anførselstegn hvis du mener en skråstrek"),
    ("invalid Unicode character escape", "en \\U-kode i doble anførselstegn er ikke et gyldig tegn"),
    ("directive", "linjer som starter med % (YAML-direktiver) støttes ikke i en plan; fjern linjen"),
    ("incompatible YAML document", "linjer som starter med % (YAML-direktiver) støttes ikke i en plan; fjern linjen"),
    ("expected alphabetic or numeric character", "YAML-ankere og -aliaser (& og *) støttes ikke; sett teksten i "
                                                 "anførselstegn"),
    ("undefined tag handle", "YAML-tagger (!) er ikke tillatt i en plan; sett teksten i anførselstegn"),
    ("indentation indicator equal to 0", "etter «|» eller «>» kan det bare stå et tall 1–9, «+» eller «-»"),
    ("expected comment or line break", "etter «|» eller «>» kan det bare stå et tall 1–9, «+» eller «-»; "
                                       "skriv teksten på linjene under"),
    ("unexpected document indicator", "en linje med «---» eller «...» inni en tekst i anførselstegn; lukk "
                                      "anførselstegnet før"),
    ("expected the node content", "her mangler en verdi; sjekk innrykket"),
    ("expected <document start>", "her skulle planen fortsette med «nøkkel: verdi»; sjekk innrykket"),
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
    else:  # never libyaml's English: say where, and what usually causes it
        return "ugyldig YAML her; sjekk innrykket, kolonet etter hver nøkkel og at anførselstegn er lukket."
    start = e.context_mark
    if start is not None and mark is not None and start.line != mark.line and (
        "flow" in str(e.context) or "quoted" in str(e.context)
    ):
        message += f" (den begynner på linje {start.line + 1})"
    return message + "."


# --- walking the nodes ------------------------------------------------------------


@dataclass
class Walker:
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
            self.error(node, f"{what} skal være en samling av «nøkkel: verdi», ikke {describe(node)}.")
            return None
        result: dict[str, yaml.Node] = {}
        suggested: set[str] = set()
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self.error(key_node, f"{what}: en nøkkel må være et ord.")
                continue
            key = key_node.value
            if not self.visible(key_node, key, f"{what}: nøkkelen"):
                continue
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

    def scalars(self, root: yaml.Node) -> Iterator[yaml.ScalarNode]:
        """Every scalar (keys and values) under root, without recursion."""
        stack = [root]
        while stack:
            node = stack.pop()
            if isinstance(node, yaml.ScalarNode):
                yield node
            elif isinstance(node, yaml.MappingNode):
                for k, v in reversed(node.value):
                    stack.extend((v, k))
            elif isinstance(node, yaml.SequenceNode):
                stack.extend(reversed(node.value))

    def name(self, node: yaml.Node, what: str) -> str | None:
        """A name people tell apart by looking at it: text without invisible characters."""
        value = self.text(node, what)
        if value is not None and self.visible(node, value, what):
            return value
        return None

    def visible(self, node: yaml.Node, value: str, what: str) -> bool:
        found = usynlig(value)
        if found is not None:
            index, code = found
            self.error(node, f"{what} inneholder det usynlige tegnet {code} (tegn nr. {index + 1}); "
                             "skriv det uten, ellers ser to ulike navn like ut.")  # fmt: skip
            return False
        return True

    def is_null(self, node: yaml.Node) -> bool:
        return isinstance(node, yaml.ScalarNode) and node.tag == _NULL_TAG

    def text(self, node: yaml.Node, what: str, *, allow_empty: bool = False) -> str | None:
        if not isinstance(node, yaml.ScalarNode) or (self.is_null(node) and not allow_empty):
            self.error(node, f"{what} skal være en tekst, ikke {describe(node)}.")
            return None
        value = node.value.strip()
        if not value and not allow_empty:
            self.error(node, f"{what} kan ikke være tom.")
            return None
        return value

    def ident(self, node: yaml.Node, what: str) -> str | None:
        value = self.text(node, what)
        if value is not None and not self.visible(node, value, what):
            return None
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
        if not er_heltall(value) or not low <= int(value) <= high:
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
            d = parse_dato(value)
        except ValueError as e:
            self.error(node, f"{what}: {e}.")
            return None
        if not AAR_MIN <= d.year <= AAR_MAX:
            self.error(node, f"{what}: «{value}» er utenfor årene en plan kan bruke ({AAR_MIN}–{AAR_MAX}).")
            return None
        return d

    def items(self, node: yaml.Node, what: str) -> list[yaml.Node]:
        """A list's items; a single scalar is read as a list of one."""
        if isinstance(node, yaml.SequenceNode):
            return list(node.value)
        if isinstance(node, yaml.ScalarNode) and not self.is_null(node):
            return [node]
        self.error(node, f"{what} skal være en liste, ikke {describe(node)}.")
        return []

    def text_list(self, node: yaml.Node, what: str) -> list[tuple[str, yaml.Node]]:
        out = []
        for item in self.items(node, what):
            value = self.text(item, f"{what} (hvert element)")
            if value is not None:
                out.append((value, item))
        return out


def usynlig(value: str) -> tuple[int, str] | None:
    """The first invisible character in value (zero-width, bidi control, BOM, soft hyphen,
    a line or paragraph separator) as (index, "U+200B"), or None."""
    for index, ch in enumerate(value):
        if ch in _USYNLIGE or (ch > "\x7f" and unicodedata.category(ch) in ("Cf", "Zl", "Zp", "Cc")):
            return index, f"U+{ord(ch):04X}"
    return None


def er_heltall(value: str) -> bool:
    """ASCII digits only: str.isdigit() also accepts «²» and «٣», which int() refuses or misreads."""
    return value.isascii() and value.isdigit()


def describe(node: yaml.Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "en samling av nøkler"
    if isinstance(node, yaml.SequenceNode):
        return "en liste"
    if node.tag == _NULL_TAG:
        return "tom"
    return f"«{node.value}»"
