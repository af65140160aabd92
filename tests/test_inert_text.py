"""Free text from the plan stays inert and well-formed in every output format.

tests/plans/invisible.yaml carries bidi overrides and isolates, zero-width characters,
a BOM, a tag character, U+FFFE/U+FFFF, a noncharacter, NEL and a C1 CSI, plus URLs,
www., bare domains, e-mail addresses and @mentions. Every command and format must show
the invisible ones as visible escapes (never the raw character), produce well-formed
ICS/SVG/HTML/JSON, and markdown that GitHub-flavoured renderers (cmark-gfm, markdown-it
with linkify) turn into no link and no mention.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import PLANS

from aarshjul.render.common import first_unsafe, markdown_inert, sanitize

PLAN = PLANS / "invisible.yaml"
TODAY = "25.11.2026"
# Every character the plan hides; none may reach any output as itself.
HIDDEN = "\u202e\u202c\u200b\u200d\u2066\u2067\u2069\ufeff\U000e0041\u200f\u200e\ufdd0\u00ad\ufffe\uffff\x85\x9b"


def _no_hidden(text: str) -> None:
    found = sorted({f"U+{ord(c):04X}" for c in text if c in HIDDEN})
    assert not found, f"usynlige tegn slapp gjennom: {found}"


TEXT_RUNS = [
    ("next", "--format", "tekst"),
    ("next", "--format", "tabell"),
    ("next", "--format", "markdown"),
    ("calendar", "--år", "2026", "--format", "tekst"),
    ("calendar", "--år", "2026", "--format", "markdown"),
    ("calendar", "--år", "2026", "--format", "tabell"),
    ("tiltak", "--format", "tekst"),
    ("tiltak", "--format", "tabell"),
    ("tiltak", "--format", "markdown"),
    ("digest", "--fra", "01.12.2026", "--format", "tekst"),
    ("digest", "--fra", "01.12.2026", "--format", "markdown"),
    ("digest", "--fra", "01.12.2026", "--format", "html"),
    ("check",),
]


@pytest.mark.parametrize("args", TEXT_RUNS, ids=lambda a: "-".join(a))
def test_invisible_characters_are_shown_escaped(run, args: tuple[str, ...]) -> None:
    result = run(*args, plan=PLAN, today=TODAY)
    assert result.exit_code == 0, result.output
    _no_hidden(result.stdout)
    _no_hidden(result.stderr)
    if args[0] != "check":
        assert "\\u202e" in result.stdout  # the trick shows instead of reversing the line


def test_the_wheel_is_well_formed_xml_with_hidden_characters(run) -> None:
    result = run("wheel", "--år", "2026", "--tittel", "Hjul \ufffe\u202e\ud800", "-o", "-", plan=PLAN, today=TODAY)
    assert result.exit_code == 0, result.output
    _no_hidden(result.stdout)
    ET.fromstring(result.stdout_bytes)  # raises on U+FFFE, C0 or a lone surrogate


def test_ics_parses_and_hides_nothing(run) -> None:
    from icalendar import Calendar

    result = run("ics", "--fra", "01.11.2026", "--til", "31.12.2026", "-o", "-", plan=PLAN, today=TODAY)
    assert result.exit_code == 0, result.output
    text = result.stdout_bytes.decode("utf-8")
    _no_hidden(text)
    cal = Calendar.from_ical(result.stdout_bytes)
    summaries = [str(e["SUMMARY"]) for e in cal.walk("VEVENT")]
    assert any("\\u202eesrever\\u202c" in s for s in summaries), summaries


class _Strict(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_digest_html_parses_and_hides_nothing(run) -> None:
    result = run("digest", "--fra", "01.12.2026", "--format", "html", plan=PLAN, today=TODAY)
    assert result.exit_code == 0, result.output
    p = _Strict()
    p.feed(result.stdout)
    p.close()
    _no_hidden("".join(p.text))
    assert "&#" not in result.stdout.replace("&#x27;", "")  # no numeric references sneak chars back


@pytest.mark.parametrize("command", [("next",), ("calendar", "--år", "2026"), ("tiltak",)])
def test_json_keeps_the_data_but_escapes_it_on_screen(run, command: tuple[str, ...]) -> None:
    result = run(*command, "--format", "json", plan=PLAN, today=TODAY)
    assert result.exit_code == 0, result.output
    _no_hidden(result.stdout)
    result.stdout.encode("utf-8")
    data = json.loads(result.stdout)
    assert "\u202eesrever\u202c" in json.dumps(data, ensure_ascii=False)  # the data is exact


def test_json_escapes_lone_surrogates_and_astral_invisibles() -> None:
    from aarshjul.render.json import dumps

    text = dumps(["a\ud800b\U000e0041c\u2066"])
    assert text.isascii() or all(c not in text for c in "\ud800\U000e0041\u2066")
    text.encode("utf-8")
    assert json.loads(text) == ["a\ud800b\U000e0041c\u2066"]


def test_sanitize_shows_every_unsafe_character_as_an_ascii_escape() -> None:
    assert sanitize("Barnehage\u200b") == "Barnehage\\u200b"
    assert sanitize("a\u202eb\x1bc\ufffe\ud800\U000e0041\tx\ny") == "a\\u202eb\\x1bc\\ufffe\\ud800\\U000e0041\tx\ny"
    assert sanitize("Rådmannsledelsen – «SAMBA» 😀") == "Rådmannsledelsen – «SAMBA» 😀"
    assert first_unsafe(sanitize("".join(chr(c) for c in range(0x10000)) + "\U000e0001\U000e007f")) is None


# --- markdown: no links, no mentions --------------------------------------------------

LINKY = [
    "https://evil.example/x",
    "http://evil.example",
    "ftp://evil.example/fil",
    "www.evil.example",
    "WWW.EVIL.EXAMPLE/sti",
    "evil.com",
    "se Sel.no i dag",
    "//evil.example/x",
    "post@evil.example",
    "mailto:post@evil.example",
    "xmpp:post@evil.example",
    "@channel",
    "hei @here og @org/team",
    "https://1.2.3.4/x",
    "пример.рф",
    "<https://evil.example>",
    "[klikk](https://evil.example)",
]


def _gfm(text: str) -> str:
    cmarkgfm = pytest.importorskip("cmarkgfm")
    return str(cmarkgfm.github_flavored_markdown_to_html(text))


def _linkify(text: str) -> str:
    markdown_it = pytest.importorskip("markdown_it")
    pytest.importorskip("linkify_it")
    return str(markdown_it.MarkdownIt("gfm-like", {"linkify": True}).render(text))


def _mentions_outside_code(html: str) -> list[str]:
    without_code = re.sub(r"<code>.*?</code>", "", html, flags=re.S)
    return re.findall(r"(?<![\w@])@\w+", without_code)


@pytest.mark.parametrize("text", LINKY)
def test_markdown_helpers_make_no_link_or_mention(text: str) -> None:
    from aarshjul.render.digest import md_escape
    from aarshjul.render.markdown import md

    for escaped in (md(text), md_escape(text)):
        for html in (_gfm(escaped), _linkify(escaped)):
            assert "<a " not in html, (escaped, html)
            assert not _mentions_outside_code(html), (escaped, html)


def test_markdown_still_reads_as_written() -> None:
    from aarshjul.render.markdown import md

    html = _gfm(md("Se https://evil.example/x, www.evil.example og kap. 7.2 (m.fl.)"))
    assert "Se https://evil.example/x, www.evil.example og kap. 7.2 (m.fl.)" in html
    assert md("Kapittel 7.2 og 7.10") == "Kapittel 7.2 og 7.10"  # numbers are left alone
    assert markdown_inert("skriv til a@b.no", lambda s: s) == "skriv til `a@b.no`"


@pytest.mark.parametrize(
    "args",
    [
        ("next", "--format", "markdown"),
        ("calendar", "--år", "2026", "--format", "markdown"),
        ("tiltak", "--format", "markdown"),
        ("digest", "--fra", "01.12.2026", "--format", "markdown"),
    ],
    ids=lambda a: "-".join(a),
)
def test_markdown_output_links_nothing(run, args: tuple[str, ...]) -> None:
    result = run(*args, plan=PLAN, today=TODAY)
    assert result.exit_code == 0, result.output
    for html in (_gfm(result.stdout), _linkify(result.stdout)):
        assert "<a " not in html, html
        assert not _mentions_outside_code(html), html
    assert "evil" in result.stdout


def test_the_real_plan_markdown_is_unchanged_by_link_escaping(run, tmp_path: Path) -> None:
    """The real plan has no URLs: its markdown has no stray backslashes before . or :"""
    result = run("calendar", "--skoleår", "2026/27", "--format", "markdown", today="01.12.2026")
    assert result.exit_code == 0, result.output
    assert "\\." not in result.stdout and "\\:" not in result.stdout
    assert "SAMBA" in result.stdout


def test_a_line_break_in_a_title_reads_as_a_space_and_attacks_stay_visible(run, tmp_path: Path) -> None:
    """A title typed with a Windows line ending ("\\r\\n", or a lone "\\r") is whitespace to
    a reader: one space, not «\\x0d» in every format. Bidi overrides still show."""
    from aarshjul.render.common import one_line

    assert one_line("Tiltak\r\nmed CR") == "Tiltak med CR"
    assert one_line("a\rb\x0bc\x0cd\u2028e\u2029f") == "a b c d e f"
    assert one_line("Møte \u202ebidi\u200b") == "Møte \\u202ebidi\\u200b"
    plan = tmp_path / "cr.yaml"
    plan.write_text(
        'plan: {navn: "Plan\\r\\nmed CR", kommune: Testkommune, uid_domene: test.example.no}\n'
        'virksomheter:\n  skole: {navn: "Skole\\rNord"}\n'
        'tiltak:\n  - id: t\n    navn: "Tiltak\\rmed CR"\n    kilde: "1.1"\n    ansvar: [skole]\n'
        '    hendelser:\n      - {id: h, tittel: "Møte\\r\\nom \\u202Ebidi", type: møte, når: {dato: 15.12.2026}}\n',
        encoding="utf-8",
    )
    for args in (("next", "--format", "tekst"), ("next", "--format", "markdown"), ("ics", "-o", "-"),
                 ("tiltak",), ("hjul", "-o", "-")):  # fmt: skip
        r = run(*args, plan=plan, today="07.12.2026")
        assert r.exit_code == 0, r.stderr
        ut = r.stdout.replace("\n ", "")  # ICS folds long lines
        assert "x0d" not in ut and "\r" not in ut, args
        assert "Tiltak med CR" in ut, args
        if args[0] != "hjul":
            assert "\\u202e" in ut.replace("\\\\", "\\"), args  # ICS and markdown escape the backslash
