"""Text from the plan is data in every command and every format.

tests/plans/hostile.yaml puts rich markup, terminal escapes, ICS specials and
HTML/SVG elements into every text of a valid plan. Each renderer tests its own
escaping; this is the cross-cutting check over the whole command line: no raw
control byte reaches a terminal, markup is printed literally, ICS parses back with
the same summary, SVG and HTML parse and carry the text as text.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from html.parser import HTMLParser

import pytest
import typer
from conftest import PLANS

HOSTILE = PLANS / "hostile.yaml"
COMMANDS = ("next", "calendar", "tiltak", "virksomheter", "check", "ics", "digest", "wheel")

# The texts as the plan has them (YAML "\e" is ESC) ...
MOTE = "Møte [bold red]x[/] \x1b[2J\x1b[31m; a,b\nny linje <script>&\"'"
TILTAK = "Tiltak [bold red]x[/] <script>alert(1)</script>"
PLAN_NAVN = "Plan [bold red]P[/] \x1b[2J\x1b[31mrød"
LEDER = "Rektor \x1b]8;;https://evil.example\x1b\\klikk\x1b]8;;\x1b\\"
SKOLE = "Skole [link=https://evil.example]lenke[/link]"
# ... and as a reader must see them: control characters shown as \x1b, lines joined.
MOTE_VIST = "Møte [bold red]x[/] \\x1b[2J\\x1b[31m; a,b ny linje <script>&\"'"
PLAN_VIST = "Plan [bold red]P[/] \\x1b[2J\\x1b[31mrød"
LEDER_VIST = "Rektor \\x1b]8;;https://evil.example\\x1b\\klikk"

# Bytes a terminal acts on: ESC, BEL, BS, CSI (C1), and the other C0 controls.
CONTROL = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]|\xc2[\x80-\x9f]")
SPAN = ("--fra", "25.11.2026", "--til", "31.12.2026")

# (argv, kind, literal texts that must appear as written)
CASES: list[tuple[tuple[str, ...], str, tuple[str, ...]]] = [
    (("next",), "table", ("[bold red]x[/]", "[link=https://evil.example")),
    (("next", "--format", "tekst"), "text", (MOTE_VIST, SKOLE)),
    (("next", "--format", "markdown"), "markdown", (MOTE_VIST, SKOLE)),
    (("next", "--format", "json"), "json", (MOTE, TILTAK)),
    (("calendar",), "table", ("[bold red]x[/]",)),
    (("calendar", "--format", "tekst"), "text", (MOTE_VIST, TILTAK)),
    (("calendar", "--format", "markdown"), "markdown", (MOTE_VIST, TILTAK)),
    (("calendar", "--format", "json"), "json", (MOTE, TILTAK)),
    (("tiltak",), "table", ("Tiltak [bold red]x[/]",)),
    (("tiltak", "--format", "tekst"), "text", (TILTAK, SKOLE)),
    (("tiltak", "--format", "markdown"), "markdown", (TILTAK, SKOLE)),
    (("tiltak", "--format", "json"), "json", (TILTAK,)),
    (("virksomheter",), "table", ("[link=https://evil.example]lenke[/link]",)),
    (("virksomheter", "--format", "tekst"), "text", (SKOLE, LEDER_VIST)),
    (("virksomheter", "--format", "markdown"), "markdown", (SKOLE, LEDER_VIST)),
    (("virksomheter", "--format", "json"), "json", (SKOLE, LEDER)),
    (("check",), "text", (PLAN_VIST,)),
    (("ics", "-o", "-", *SPAN), "ics", ()),
    (("digest", "--fra", "30.11.2026"), "text", (PLAN_VIST, MOTE_VIST)),
    (("digest", "--fra", "30.11.2026", "--format", "markdown"), "markdown", (PLAN_VIST, MOTE_VIST)),
    (("digest", "--fra", "30.11.2026", "--format", "html"), "html", (PLAN_VIST, MOTE_VIST, TILTAK)),
    (("wheel", "-o", "-", "--skoleår", "2026/27"), "svg", (TILTAK,)),
]


def existing_commands() -> set[str]:
    from aarshjul.cli import app

    return set(typer.main.get_command(app).commands)


def test_every_command_is_covered() -> None:
    assert {args[0] for args, _, _ in CASES} == set(COMMANDS)
    missing = [c for c in COMMANDS if c not in existing_commands()]
    assert not missing, f"kommandoer som mangler i aarshjul.cli.app: {', '.join(missing)}"


def unmarkdown(text: str) -> str:
    """What a Markdown reader shows for backslash escapes (and &amp; style entities)."""
    import html

    return html.unescape(re.sub(r"\\([\\`*_{}\[\]()#+\-.!|<>~&\"':])", r"\1", text))


def strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from strings(k)
            yield from strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from strings(v)


class _Html(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attrs: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs += [name for name, _ in attrs]

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def one_line(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize(("args", "kind", "literals"), CASES, ids=[" ".join(c[0][:3]) for c in CASES])
def test_plan_text_stays_text(run, args: tuple[str, ...], kind: str, literals: tuple[str, ...]) -> None:
    if args[0] not in existing_commands():
        pytest.skip(f"kommandoen «{args[0]}» finnes ikke ennå")
    result = run(*args, plan=HOSTILE)
    assert result.exit_code == 0, result.output
    out = result.stdout_bytes
    assert out, "ingen utdata"
    for stream in (out, result.stderr_bytes):
        allowed_cr = stream.replace(b"\r\n", b"\n") if kind == "ics" else stream
        bad = CONTROL.search(allowed_cr)
        assert bad is None, f"rått kontrolltegn {bad.group()!r} i {stream[max(0, bad.start() - 40):bad.end() + 40]!r}"
    assert b"Traceback" not in out + result.stderr_bytes
    text = out.decode("utf-8")

    if kind == "table":
        # Tables wrap long cells, so look for short literals only; rich must not have
        # eaten the markup (it would leave "x" without the brackets).
        for literal in literals:
            assert literal in text, literal
    elif kind == "text":
        # Plain text may be wrapped for e-mail: compare with whitespace collapsed.
        for literal in literals:
            assert one_line(literal) in one_line(text), literal
    elif kind == "markdown":
        shown = unmarkdown(text)
        for literal in literals:
            assert literal in shown, literal
        assert not re.search(r"(?<!\\)<(script|b|svg|img|i)\b", text), "HTML-element i Markdown"
    elif kind == "json":
        values = set(strings(json.loads(text)))
        for literal in literals:
            assert literal in values, literal
    elif kind == "html":
        parser = _Html()
        parser.feed(text)
        parser.close()
        assert not {"script", "svg", "img", "i", "b", "blink"} & set(parser.tags), parser.tags
        assert not [a for a in parser.attrs if a.startswith("on")]
        shown = one_line("".join(parser.text))
        for literal in literals:
            assert one_line(literal) in shown, literal
    elif kind == "svg":
        root = ET.fromstring(out)  # well-formed XML, or this raises
        tags = {el.tag.rsplit("}", 1)[-1] for el in root.iter()}
        assert not {"script", "foreignObject", "iframe", "a"} & tags, tags
        assert not [k for el in root.iter() for k in el.attrib if k.rsplit("}", 1)[-1].startswith("on")]
        shown = one_line(" ".join(root.itertext()))
        for literal in literals:
            assert literal in shown, literal
        assert "\\x1b[1m[u]z[/u]" in shown
    else:
        assert kind == "ics"
        check_ics(out)


def check_ics(data: bytes) -> None:
    from icalendar import Calendar

    cal = Calendar.from_ical(data)
    names = {c.name for c in cal.walk()}
    assert names <= {"VCALENDAR", "VEVENT", "VALARM", "VTIMEZONE", "STANDARD", "DAYLIGHT"}, names
    events = {str(e["UID"]): e for e in cal.walk("VEVENT")}
    mote = events["angrep.mote.engang@test.example.no"]
    assert str(mote["SUMMARY"]) == MOTE_VIST  # what happens first; the tiltak is in DESCRIPTION
    assert f"Tiltak: {one_line(TILTAK)}" in str(mote["DESCRIPTION"])
    # The description's "END:VEVENT", "DTSTART:19700101" and CRLF stayed inside it.
    assert mote.decoded("DTSTART").isoformat() == "2026-12-01T09:00:00+01:00"
    assert "END:VEVENT" in str(mote["DESCRIPTION"]) and "DTSTART:19700101" in str(mote["DESCRIPTION"])
    assert "\x1b" not in str(mote["DESCRIPTION"])
    frist = events["angrep.frist.engang@test.example.no"]
    assert str(frist["SUMMARY"]) == "Frist [bold]y[/] \\x07\\x08 <![CDATA[ ]]> &lt;"
    ukentlig = sorted(uid for uid in events if ".ukentlig." in uid)
    assert ukentlig[0] == "angrep.ukentlig.2026-W48@test.example.no" and len(ukentlig) == 6
    assert len(events) == 8


def test_table_with_colour_on_a_terminal_still_prints_markup_literally(run, monkeypatch: pytest.MonkeyPatch) -> None:
    """With colour on (a terminal, no NO_COLOR), rich emits its own ESC sequences; the
    plan's text must still not be parsed as markup nor carry its own escapes through."""
    from aarshjul.cli import leder

    if "next" not in existing_commands():
        pytest.skip("kommandoen «next» finnes ikke ennå")
    monkeypatch.setattr(leder, "screen", lambda: (100, True))
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.setenv("COLORTERM", "truecolor")
    result = run("next", plan=HOSTILE, color=True)  # color=True: typer.echo keeps ANSI, as on a tty
    assert result.exit_code == 0, result.output
    assert "\x1b[" in result.stdout, "forventet farger fra rich"
    plain = re.sub(r"\x1b\[[0-9;]*m", "", result.stdout)  # rich's own styling (SGR) only
    assert "\x1b" not in plain, "ESC fra planen slapp gjennom"
    assert "[bold red]x[/]" in plain
    assert "\\x1b[1m[u]z[/u]" in plain
