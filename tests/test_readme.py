"""The README shows real output, stays a few screens long, and its links (and the docs') work."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from conftest import REPO

README = REPO / "README.md"
# The day the README's sessions were run («kjørt 7. desember 2026»).
TODAY = "07.12.2026"
# Paths the README shows, and where the test puts them instead.
SHOWN_PATHS = ("/var/www/kalender", "/srv/aarshjul")


def _sessions() -> list[str]:
    return re.findall(r"```text\n(\$ .*?)```", README.read_text(encoding="utf-8"), flags=re.DOTALL)


def _commands(session: str) -> list[tuple[str, str]]:
    """(command line, the output shown under it) for each `$ ` line of a session."""
    parts = re.split(r"^\$ (.*)\n", session, flags=re.MULTILINE)
    return list(zip(parts[1::2], parts[2::2]))


def _pattern(shown: str) -> re.Pattern[str]:
    """The shown output as a pattern: a line «…» stands for any number of lines."""
    pieces = [r"(?:.*\n)*?" if line == "…\n" else re.escape(line) for line in shown.splitlines(keepends=True)]
    return re.compile("".join(pieces), flags=re.DOTALL)


def test_readme_is_a_few_screens() -> None:
    assert len(README.read_bytes()) <= 8192


def test_readme_has_five_sessions() -> None:
    assert len(_sessions()) == 5


@pytest.mark.parametrize("session", _sessions(), ids=lambda s: s.split("\n", 1)[0][2:40])
def test_readme_session_is_real_output(run, session: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)

    def here(text: str) -> str:
        for i, shown in enumerate(SHOWN_PATHS):
            text = text.replace(shown, str(tmp_path / f"p{i}"))
        return text

    def shown_again(text: str) -> str:
        for i, shown in enumerate(SHOWN_PATHS):
            text = text.replace(str(tmp_path / f"p{i}"), shown)
        return text

    (tmp_path / "p1").mkdir()
    for line, shown in _commands(session):
        argv = shlex.split(line)
        if argv[0] == "export":
            name, value = argv[1].split("=", 1)
            monkeypatch.setenv(name, here(value))
            out = ""
        elif argv[0] == "head":
            n = int(argv[1].lstrip("-"))
            out = "".join(Path(argv[2]).read_text(encoding="utf-8").splitlines(keepends=True)[:n])
        else:
            assert argv[0] == "aarshjul", line
            result = run(*[here(a) for a in argv[1:]], today=TODAY)
            assert result.exit_code == 0, result.output
            out = shown_again(result.stderr + result.stdout)
            if argv[1] == "ics":
                # «Skrev N hendelser til FIL.» goes to stderr only on a terminal: count instead.
                for n, fil in re.findall(r"^Skrev (\d+) hendelser til (.+)\.$", shown, flags=re.MULTILINE):
                    assert Path(here(fil)).read_bytes().count(b"BEGIN:VEVENT") == int(n), fil
                continue
        assert _pattern(shown).fullmatch(out), f"«$ {line}» skriver ikke lenger det README viser:\n{out}"


def _slug(heading: str) -> str:
    """GitHub's anchor for a heading."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def _anchors(path: Path) -> set[str]:
    text = re.sub(r"```.*?```", "", path.read_text(encoding="utf-8"), flags=re.DOTALL)
    return {_slug(h) for h in re.findall(r"^#+ (.*)$", text, flags=re.MULTILINE)}


@pytest.mark.parametrize("doc", [README, *sorted((REPO / "docs").glob("*.md"))], ids=lambda p: p.name)
def test_links_point_at_files_and_headings_that_exist(doc: Path) -> None:
    text = re.sub(r"```.*?```", "", doc.read_text(encoding="utf-8"), flags=re.DOTALL)
    for target in re.findall(r"\]\(([^)\s]+)\)", text):
        if re.match(r"[a-z]+:", target):
            continue
        fil, _, anchor = target.partition("#")
        path = (doc.parent / fil).resolve() if fil else doc
        if path == REPO / "bench" / "README.md" and not path.exists():
            continue  # the benchmark's own page is written on its own branch; the link waits for it
        assert path.exists(), f"{doc.name}: lenken {target} peker ikke på noen fil"
        if anchor:
            assert anchor in _anchors(path), f"{doc.name}: {path.name} har ingen overskrift for #{anchor}"
