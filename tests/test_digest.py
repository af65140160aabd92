"""The weekly digest for cron: golden output for fixed weeks, escaping, silence."""

from __future__ import annotations

import functools
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import GOLDEN, PLANS, assert_golden, python_in_new_process
from hypothesis import given
from hypothesis import strategies as st

from aarshjul.dates import iso_uke
from aarshjul.engine.digest import build_digest
from aarshjul.render.common import one_line
from aarshjul.render.digest import (
    md_escape,
    og_liste,
    periode_tekst,
    render_html,
    render_markdown,
    render_text,
    uke_tekst,
)

MINI = PLANS / "mini.yaml"
NYTTAAR = PLANS / "digest_nyttaar.yaml"
HOSTILE = PLANS / "digest_hostile.yaml"
EXT = {"tekst": "txt", "markdown": "md", "html": "html"}


def digest(run, plan: Path, *args: str, today: str = "25.11.2026") -> bytes:
    result = run("digest", *args, plan=plan, today=today)
    assert result.exit_code == 0, result.output
    return result.stdout_bytes


def golden(run, update_golden: bool, name: str, plan: Path, *args: str, fmt: str = "tekst") -> str:
    data = digest(run, plan, *args, "--format", fmt)
    assert_golden(GOLDEN / f"digest_{name}.{EXT[fmt]}", data, update_golden)
    return data.decode("utf-8")


def assert_plain_text(text: str) -> None:
    """What cron mails: no escape sequences, nothing wider than 80 columns."""
    assert "\x1b" not in text
    assert all(len(line) <= 80 for line in text.splitlines()), max(text.splitlines(), key=len)
    assert text.endswith("\n") and not text.endswith("\n\n")


# --- headings --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "siste", "expected"),
    [
        (date(2026, 11, 23), date(2026, 11, 29), "23.–29. november 2026"),
        (date(2026, 11, 30), date(2026, 12, 6), "30. november–6. desember 2026"),
        (date(2026, 12, 28), date(2027, 1, 3), "28. desember 2026–3. januar 2027"),
    ],
)
def test_periode_tekst(start: date, siste: date, expected: str) -> None:
    assert periode_tekst(start, siste) == expected


def test_iso_week_53_of_2026() -> None:
    assert iso_uke(date(2026, 12, 31)) == (2026, 53)
    assert iso_uke(date(2027, 1, 3)) == (2026, 53)
    assert uke_tekst(date(2026, 12, 28), date(2027, 1, 3)) == "Uke 53"
    assert uke_tekst(date(2026, 12, 28), date(2027, 1, 10)) == "Uke 53–1"
    assert uke_tekst(date(2026, 11, 23), date(2026, 12, 6)) == "Uke 48–49"


def test_og_liste() -> None:
    assert og_liste(["Barnehage"]) == "Barnehage"
    assert og_liste(["Barnehage", "Skole"]) == "Barnehage og Skole"
    assert og_liste(["Barnehage", "Skole", "PPT"]) == "Barnehage, Skole og PPT"


def test_default_week_is_the_one_containing_today(run) -> None:
    text = digest(run, MINI, today="25.11.2026").decode()
    assert text.startswith("Uke 48 · 23.–29. november 2026\n")
    # Any day of week 49 gives the same digest as its Monday.
    assert digest(run, MINI, today="06.12.2026") == digest(run, MINI, "--fra", "30.11.2026")


def test_several_weeks(run) -> None:
    text = digest(run, MINI, "--fra", "25.11.2026", "--uker", "2").decode()
    assert text.startswith("Uke 48–49 · 23. november–6. desember 2026\n")
    assert "Tirsdag 1. desember" in text and "Torsdag 26. november" in text
    text = digest(run, MINI, "--fra", "31.12.2026", "--uker", "2").decode()
    assert text.startswith("Uke 53–1 · 28. desember 2026–10. januar 2027\n")
    assert "Torsdag 7. januar 2027" in text


def test_virksomheter_in_heading(run) -> None:
    text = digest(run, MINI, "--fra", "30.11.2026", "-v", "bhg", "-v", "skole").decode()
    assert text.startswith("Uke 49 · 30. november–6. desember 2026 for Barnehage og Skole\n")


# --- a week with a SAMBA meeting (week 49, 30.11–06.12.2026) --------------------------


@pytest.mark.parametrize("fmt", ["tekst", "markdown", "html"])
def test_samba_week(run, update_golden: bool, fmt: str) -> None:
    out = golden(run, update_golden, "uke49", MINI, "--fra", "01.12.2026", fmt=fmt)
    assert "Uke 49 · 30. november–6. desember 2026" in out
    assert "Tirsdag 1. desember" in out and "Torsdag 3. desember" in out
    assert out.index("Tirsdag 1. desember") < out.index("SAMBA-møte") < out.index("Torsdag 3. desember")
    assert "09:00–11:00" in out
    assert "antatt dato – må bekreftes" in out
    assert "Venter på dato" in out and "1 år etter at kommunepsykolog-stillingen er besatt" in out
    assert "Kommende frister" not in out


def test_samba_week_text(run) -> None:
    text = digest(run, MINI, "--fra", "30.11.2026").decode()
    assert_plain_text(text)
    assert (
        "  - 09:00–11:00 SAMBA – SAMBA-møte\n"
        "    Møte · ansvar: Rådmannsledelsen · (antatt dato – må bekreftes)\n"
    ) in text


def test_samba_week_for_skole_shows_role(run, update_golden: bool) -> None:
    text = golden(run, update_golden, "uke49_skole", MINI, "--fra", "30.11.2026", "-v", "skole")
    assert text.startswith("Uke 49 · 30. november–6. desember 2026 for Skole\n")
    assert "rolle: deltar" in text
    # Ressursteam is PPT/Barnevern/Helsestasjon's meeting, not Skole's.
    assert "Ressursteam" not in text and "Torsdag 3. desember" not in text
    # The waiting evaluation belongs to Helsestasjon.
    assert "Venter på dato" not in text


# --- an empty week ----------------------------------------------------------------------

# Week 28 of 2027 (12.–18.07.2027): Ressursteam pauses in July, nothing else happens.


def test_empty_week(run, update_golden: bool) -> None:
    text = golden(run, update_golden, "tom", MINI, "--fra", "12.07.2027", "-v", "barnehage")
    assert text == (
        "Uke 28 · 12.–18. juli 2027 for Barnehage\n"
        "========================================\n"
        "Testplan · Testkommune\n"
        "\n"
        "Planperioden 2018–2022 sluttet 31.12.2022. Datoene etter det er med fordi planen\n"
        "er videreført: Testplanen gjelder til den er rullert.\n"
        "\n"
        "Ingenting denne uken.\n"
    )


def test_empty_week_still_shows_waiting_items(run) -> None:
    text = digest(run, MINI, "--fra", "12.07.2027").decode()
    assert "Ingenting denne uken.\n\nVenter på dato\n" in text


@pytest.mark.parametrize("fmt", ["tekst", "markdown", "html"])
@pytest.mark.parametrize("virksomhet", [(), ("-v", "barnehage")])
def test_empty_week_silent(run, fmt: str, virksomhet: tuple[str, ...]) -> None:
    # Waiting items wait every week; they alone do not make cron send a mail.
    result = run(
        "digest", "--fra", "12.07.2027", *virksomhet, "--format", fmt, "--stille-hvis-tom", plan=MINI
    )
    assert result.exit_code == 0
    assert result.stdout_bytes == b""
    assert result.stderr_bytes in (b"", None)


def test_silent_only_when_empty(run) -> None:
    # A week with a meeting, and a quiet week with a deadline coming up, both print.
    assert b"SAMBA" in digest(run, MINI, "--fra", "30.11.2026", "--stille-hvis-tom")
    quiet = digest(run, MINI, "--fra", "22.03.2027", "--stille-hvis-tom").decode()
    assert "Ingenting denne uken." in quiet and "Evaluering av PMTO" in quiet


# --- across New Year: ISO week 53 of 2026 (28.12.2026–03.01.2027) -----------------------


@pytest.mark.parametrize("fmt", ["tekst", "markdown", "html"])
def test_new_year_week(run, update_golden: bool, fmt: str) -> None:
    out = golden(run, update_golden, "uke53", NYTTAAR, "--fra", "31.12.2026", fmt=fmt)
    assert "Uke 53 · 28. desember 2026–3. januar 2027" in out
    # The year is shown on each day when the period spans New Year.
    assert "Onsdag 30. desember 2026" in out and "Lørdag 2. januar 2027" in out
    # 31.12 is a closed day: the deadline moves to 30.12, the weekly Ressursteam is skipped.
    assert "flyttet fra 31.12.2026" in out
    assert "Torsdag 31. desember" not in out and "Ressursteam" not in out
    # Listed under its day, not again under "Kommende frister".
    assert out.count("Årsrapport for tidlig innsats levert rådmannen") == 1
    assert "Kommende frister" not in out
    if fmt == "tekst":
        assert_plain_text(out)


def test_new_year_week_in_mini_is_empty(run) -> None:
    text = digest(run, MINI, "--fra", "28.12.2026").decode()
    assert text.startswith("Uke 53 · 28. desember 2026–3. januar 2027\n")
    assert "Ingenting denne uken." in text
    result = run("digest", "--fra", "01.01.2027", "--stille-hvis-tom", plan=MINI)
    assert result.exit_code == 0 and result.stdout_bytes == b""


def test_deadline_of_next_week_shown_as_kommende(run) -> None:
    # Week 52: the Årsrapport deadline (30.12.2026, varsel 14) is 9 days after Monday 21.12.
    text = digest(run, NYTTAAR, "--fra", "21.12.2026", "-v", "barnehage").decode()
    assert "Ingenting denne uken.\n\nKommende frister\n" in text
    assert (
        "  - 30.12.2026, om 9 dager: Årsrapport – Årsrapport for tidlig innsats levert\n"
        "    rådmannen\n"
    ) in text
    # 31.12 is a closed day by the kommune's practice, not the handlingsplan's word.
    assert "rolle: ansvarlig ·\n    flyttet fra 31.12.2026 (stengt etter planens stengte dager)\n" in text


# --- a deadline inside its lead time ----------------------------------------------------

# PMTO evaluering 31.03.2027, varsel 14 (the default): the varsel begins 17.03.2027.


def test_deadline_inside_lead_time(run, update_golden: bool) -> None:
    text = golden(run, update_golden, "uke12_skole", MINI, "--fra", "22.03.2027", "-v", "skole")
    assert text.startswith("Uke 12 · 22.–28. mars 2027 for Skole\n")
    assert "Kommende frister\n" in text
    assert "  - 31.03.2027, om 9 dager: PMTO – Evaluering av PMTO\n" in text
    assert "Evaluering · ansvar: Barnevern, Helsestasjon, Skole · rolle: ansvarlig\n" in text
    assert_plain_text(text)


@pytest.mark.parametrize("fmt", ["markdown", "html"])
def test_deadline_inside_lead_time_other_formats(run, update_golden: bool, fmt: str) -> None:
    out = golden(run, update_golden, "uke12_skole", MINI, "--fra", "22.03.2027", "-v", "skole", fmt=fmt)
    assert "Kommende frister" in out and "31.03.2027, om 9 dager" in out


def test_deadline_before_lead_time(run) -> None:
    # Week 10 (Monday 08.03): the varsel begins 17.03, after the week.
    text = digest(run, MINI, "--fra", "08.03.2027", "-v", "skole").decode()
    assert "PMTO" not in text and "Kommende frister" not in text


def test_deadline_whose_lead_time_opens_during_the_week(run) -> None:
    """Whoever reads one digest a week never gets less warning than varsel.

    Week 11 (Monday 15.03.2027): PMTO's evaluation is due 31.03, varsel 14 days, so the
    varsel opens Wednesday 17.03. It is in week 11's digest (16 days ahead), not first in
    week 12's with 9 days left.
    """
    text = digest(run, MINI, "--fra", "15.03.2027", "-v", "skole").decode()
    assert "Kommende frister\n" in text
    assert "  - 31.03.2027, om 16 dager: PMTO – Evaluering av PMTO\n" in text
    # The week before the varsel opens (08.–14.03: 17.03 is after Sunday 14.03) stays quiet.
    assert "PMTO" not in digest(run, MINI, "--fra", "14.03.2027", "-v", "skole").decode()


def test_deadline_inside_the_period_is_listed_once(run) -> None:
    text = digest(run, MINI, "--fra", "22.03.2027", "--uker", "2", "-v", "skole").decode()
    assert "Onsdag 31. mars" in text
    assert text.count("Evaluering av PMTO") == 1 and "Kommende frister" not in text


def test_build_digest_is_empty(mini_plan) -> None:
    assert build_digest(mini_plan, date(2027, 7, 14), 1, ["barnehage"]).is_empty
    assert not build_digest(mini_plan, date(2027, 3, 22), 1, ["skole"]).is_empty
    assert not build_digest(mini_plan, date(2026, 12, 1)).is_empty
    with pytest.raises(ValueError):
        build_digest(mini_plan, date(2026, 12, 1), 0)


# --- HTML: a complete document that parses, with plan text escaped -------------------


VOID = {"meta", "br"}
ALLOWED = {"html", "head", "meta", "title", "body", "h1", "h2", "p", "ul", "li", "strong", "span", "br"}


class _Checker(HTMLParser):
    """Records structure; fails on wrong nesting, unknown tags or risky attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.tags: list[str] = []
        self.text: list[str] = []
        self.decl: list[str] = []
        self.errors: list[str] = []

    def handle_decl(self, decl: str) -> None:
        self.decl.append(decl)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag not in ALLOWED:
            self.errors.append(f"unexpected <{tag}>")
        for name, value in attrs:
            if name not in {"style", "lang", "charset", "name", "content"}:
                self.errors.append(f"unexpected attribute {name} on <{tag}>")
            if name == "style" and value is not None and ("url(" in value or "expression" in value):
                self.errors.append(f"external resource in style on <{tag}>")
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.errors.append(f"self-closing <{tag}/>")

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> does not close {self.stack[-1:] or 'anything'}")
        else:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def handle_comment(self, data: str) -> None:
        self.errors.append("comment")

    def handle_pi(self, data: str) -> None:
        self.errors.append("processing instruction")


def check_html(document: str) -> _Checker:
    checker = _Checker()
    checker.feed(document)
    checker.close()
    assert checker.errors == []
    assert checker.stack == []
    assert checker.decl == ["DOCTYPE html"]
    assert document.startswith('<!DOCTYPE html>\n<html lang="nb">\n<head>\n<meta charset="utf-8">\n')
    assert checker.tags[:1] == ["html"] and checker.tags.count("body") == 1
    # Inline styles only and nothing fetched: no <style>, no src/href, no url() (checked above).
    assert "<style" not in document
    return checker


@pytest.mark.parametrize(
    ("plan", "args"),
    [
        (MINI, ("--fra", "30.11.2026")),
        (MINI, ("--fra", "22.03.2027", "-v", "skole")),
        (MINI, ("--fra", "12.07.2027", "-v", "barnehage")),
        (NYTTAAR, ("--fra", "31.12.2026")),
    ],
)
def test_html_is_well_formed(run, plan: Path, args: tuple[str, ...]) -> None:
    check_html(digest(run, plan, *args, "--format", "html").decode())


@pytest.mark.parametrize("fmt", ["tekst", "markdown", "html"])
def test_hostile_plan_golden(run, update_golden: bool, fmt: str) -> None:
    out = golden(run, update_golden, "hostile", HOSTILE, "--fra", "01.12.2026", fmt=fmt)
    assert "\x1b" not in out and "\x07" not in out
    if fmt == "markdown":
        assert r"\\x1b\[31mRØD\\x1b\[0m\\x07" in out
    else:
        assert r"\x1b[31mRØD\x1b[0m\x07" in out


def test_hostile_plan_html_escapes_everything(run) -> None:
    document = digest(run, HOSTILE, "--fra", "01.12.2026", "--format", "html").decode()
    checker = check_html(document)
    assert "script" not in checker.tags and "img" not in checker.tags and "h1" in checker.tags
    assert checker.tags.count("h1") == 1
    text = "".join(checker.text)
    # The hostile text survives as text, exactly as written.
    assert '<script>alert("x")</script> – Møte & "sitat" \'enkel\' </li></ul><h1>' in text
    assert "Skole <img src=x onerror=alert(1)> & O'Brien" in text
    assert "Kommune</title><script>alert(1)</script>" in text
    # The waiting date's name follows "1 måned etter at", so its first letter is lowercase.
    assert "1 måned etter at dato <!-- kommentar --> ]]> & \"x\"" in text
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in document
    assert "O&#x27;Brien" in document


def test_hostile_plan_text_is_plain(run) -> None:
    text = digest(run, HOSTILE, "--fra", "01.12.2026").decode()
    assert_plain_text(text)
    # A word longer than a line starts on its own line before it is cut.
    assert "    https://eksempel.no/en/veldig/lang/" in text


# --- markdown: plan text cannot add markup ----------------------------------------------


def test_md_escape() -> None:
    assert md_escape("[klikk](https://evil.example)") == r"\[klikk\](https\://evil\.example)"  # no autolink: a link in a plan's text must not become clickable
    assert md_escape("*fet* _kursiv_ `kode` <b> a|b ~~x~~ & \\") == (
        r"\*fet\* \_kursiv\_ \`kode\` \<b\> a\|b \~\~x\~\~ \& \\"
    )
    assert md_escape("to\nlinjer\x1b") == r"to linjer\\x1b"
    assert md_escape("SAMBA-møte 7.11 (gul)") == "SAMBA-møte 7.11 (gul)"


def test_hostile_markdown_renders_as_text(run) -> None:
    markdown_it = pytest.importorskip("markdown_it")
    md = digest(run, HOSTILE, "--fra", "01.12.2026", "--format", "markdown").decode()
    rendered = markdown_it.MarkdownIt("commonmark").render(md)
    for tag in ("<a ", "<img", "<script", "<code>", "<b>", "<del>", "<h1>", "<table"):
        assert tag not in rendered
    # Our own markup only: the heading, three day/section headings, bold items, italics.
    assert rendered.count("<h2>") == 1 and rendered.count("<h3>") == 3
    assert rendered.count("<strong>") == 3
    assert rendered.count("<em>") == 2  # the plan's name line and the antatt mark
    assert "[klikk](https://evil.example)" in rendered


# --- text, markdown and html come from the same Digest ---------------------------------


def test_renderers_are_pure(mini_plan, tmp_path: Path) -> None:
    """The text depends on the Digest alone: here, after whatever ran before in this
    process, and on a second call, it is what a new process renders from the same plan."""
    code = (
        "import sys; from datetime import date; from conftest import PLANS;"
        " from aarshjul.plan.loader import load_plan;"
        " from aarshjul.engine.digest import build_digest; from aarshjul.render.digest import render_text;"
        " d = build_digest(load_plan(PLANS / 'mini.yaml'), date(2026, 12, 1), 1, ['skole']);"
        " sys.stdout.buffer.write(render_text(d).encode('utf-8'))"
    )
    expected = python_in_new_process(tmp_path, code).decode("utf-8")
    d = build_digest(mini_plan, date(2026, 12, 1), 1, ["skole"])
    assert render_text(d) == expected
    assert render_text(d) == expected  # rendering used nothing up
    assert "SAMBA" in expected
    assert "Tirsdag 1. desember" in render_markdown(d) and "Tirsdag 1. desember" in render_html(d)


# --- usage errors -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--uker", "0"), "--uker må være mellom 1 og 52."),
        (("--uker", "53"), "--uker må være mellom 1 og 52."),
        (("--format", "pdf"), "Ukjent format «pdf». Velg et av: tekst, markdown, html."),
        (("--fra", "31.02.2027"), "--fra: «31.02.2027» finnes ikke"),
        (("-v", "skolen-nord"), "Ukjent virksomhet «skolen-nord»."),
    ],
)
def test_usage_errors(run, args: tuple[str, ...], message: str) -> None:
    result = run("digest", *args, plan=MINI)
    assert result.exit_code == 2
    assert message in result.stderr
    assert result.stdout == ""
    assert "Traceback" not in result.output


def test_help_has_example(run) -> None:
    result = run("digest", "--help", plan=MINI)
    assert result.exit_code == 0
    assert "Eksempel: aarshjul digest --virksomhet VIRKSOMHET --stille-hvis-tom" in result.stdout
    assert "--stille-hvis-tom" in result.stdout and "--uker" in result.stdout


# --- properties: any plan text stays text ----------------------------------------------


@given(st.text(max_size=60))
def test_md_escape_round_trips_through_commonmark(tekst: str) -> None:
    markdown_it = pytest.importorskip("markdown_it")
    import html

    rendered = markdown_it.MarkdownIt("commonmark").render(f"a {md_escape(tekst)} b")
    assert rendered.startswith("<p>") and rendered.endswith("</p>\n")
    inner = rendered[3:-5]
    assert "<" not in inner  # no element came from the text
    assert html.unescape(inner) == f"a {one_line(tekst)} b"


@functools.cache
def _mini():
    from aarshjul.plan.loader import load_plan

    return load_plan(MINI)


_WORDS = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40)


@given(tiltak=_WORDS, tittel=_WORDS, virksomhet=_WORDS, lang=st.integers(0, 200))
def test_text_lines_fit_80_columns(tiltak: str, tittel: str, virksomhet: str, lang: int) -> None:
    import dataclasses

    from aarshjul.model import Virksomhet

    plan = _mini()
    plan = dataclasses.replace(
        plan,
        virksomheter={**plan.virksomheter, "skole": Virksomhet("skole", virksomhet + "x" * lang)},
    )
    d = build_digest(plan, date(2027, 3, 22), 2, ["skole"])
    rader = tuple(
        (dag, tuple(dataclasses.replace(r, forekomst=dataclasses.replace(
            r.forekomst, tiltak_navn=tiltak, tittel=tittel + "y" * lang)) for r in rs))
        for dag, rs in d.dager
    )  # fmt: skip
    text = render_text(dataclasses.replace(d, dager=rader))
    assert all(len(line) <= 80 for line in text.splitlines())
    assert not any(c in text for c in "\x1b\x07\x00\r")
    check_html(render_html(dataclasses.replace(d, dager=rader)))
