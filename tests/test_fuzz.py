"""Structure-aware fuzzing of every command on valid-looking plans.

Hypothesis builds plans the way a user writes them: random virksomheter (with aliases,
members, external ones), tiltak and hendelser, every `når` form (måneder + dag rules,
hvert_år, innen_utgangen_av, ukentlig, dato, etter chains, etter_dato, rrule built from
parts), offsets, gyldig_fra/til, varsel, flytt, times, stengte_dager and free text drawn
from all of Unicode (plus the characters that attack each format). The text is written as
YAML and loaded; a plan the loader refuses must be a PlanError. A plan it accepts goes
through every command and format, and:

- nothing raises but the project's own errors (a traceback is a failure);
- the work is bounded: occurrences are counted, never more than one a day per hendelse
  in the window, and each output is bounded by the occurrences it shows;
- every output is well-formed: ICS through icalendar, SVG through xml.etree, the HTML
  digest through html.parser, JSON through json; no raw control, bidi or zero-width
  character anywhere.

Profiles (tests/conftest.py, HYPOTHESIS_PROFILE): `ci` (the default) runs a few examples
in seconds; `fuzz` runs thousands: `HYPOTHESIS_PROFILE=fuzz python -m pytest tests/test_fuzz.py`.
A hang is turned into a failure by an alarm (a guard, not a speed test).
"""

from __future__ import annotations

import json
import signal
import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aarshjul.dates import MAANEDER, UKEDAGER, format_dato
from aarshjul.errors import PlanError
from aarshjul.plan.loader import load_plan
from aarshjul.render.common import first_unsafe

# A fuzz example runs a dozen commands: a tenth of the profile's examples (ci: 6).
EXAMPLES = max(5, settings().max_examples // 10)
HANG_SECONDS = 60

FIRST = date(1990, 1, 1)
LAST = date(2100, 12, 31)
dates = st.dates(min_value=FIRST, max_value=LAST)

# Free text: any Unicode scalar YAML can carry (no surrogates: they cannot be UTF-8),
# weighted towards what breaks formats: controls, bidi, zero-width, XML-illegal, markup.
ATTACKS = [
    "\x1b[31m", "\x00", "\x07", "\x85", "\x9b", "\u2028", "\u202e", "\u2066", "\u200b", "\u200d", "\ufeff",
    "\ufffe", "\uffff", "\ufdd0", "\U000e0041", "\u00ad", "<script>", "]]>", "&amp;", "\r\n", "\\", ";", ",",
    "END:VEVENT", "[bold]x[/]", "*x*", "`", "|", "https://evil.example/x", "www.evil.example", "a@b.no",
    "@channel", "æøå ÆØÅ", "😀", "\u0301", "%s", "{0}", "${x}",
]  # fmt: skip
any_char = st.characters(blacklist_categories=("Cs",))
free_text = st.lists(st.one_of(st.text(any_char, min_size=1, max_size=8), st.sampled_from(ATTACKS)), min_size=1, max_size=6).map(
    "".join
).filter(lambda s: s.strip() != "")

months = st.lists(st.sampled_from(MAANEDER), min_size=1, max_size=4, unique=True)
weekday = st.sampled_from(UKEDAGER)
dag = st.one_of(
    st.integers(1, 31).map(str),
    st.sampled_from(["siste dag", "første arbeidsdag", "siste arbeidsdag"]),
    st.tuples(st.sampled_from(["første", "andre", "tredje", "fjerde", "siste"]), weekday).map(" ".join),
)
innen = st.tuples(st.integers(0, 24), st.sampled_from(["dager", "uker", "måneder", "år"])).map(
    lambda t: f"{t[0]} {t[1]}" if t[1] != "år" else f"{min(t[0], 3)} år"
)


@st.composite
def rrules(draw: st.DrawFn) -> str:
    """An RRULE of what a plan needs (dates, a positive interval), built from parts."""
    freq = draw(st.sampled_from(["DAILY", "WEEKLY", "MONTHLY", "YEARLY"]))
    parts = [f"FREQ={freq}"]
    interval = draw(st.integers(1, 12))
    if freq == "DAILY":
        interval = max(interval, 3)
    if interval > 1:
        parts.append(f"INTERVAL={interval}")
    if freq in ("MONTHLY", "YEARLY") and draw(st.booleans()):
        parts.append("BYMONTH=" + ",".join(str(m) for m in draw(st.lists(st.integers(1, 12), min_size=1, max_size=4, unique=True))))
    if freq == "MONTHLY" and draw(st.booleans()):
        parts.append(f"BYMONTHDAY={draw(st.sampled_from([1, 2, 10, 15, 28, -1]))}")
    elif freq in ("WEEKLY", "MONTHLY") and draw(st.booleans()):
        prefix = draw(st.sampled_from(["", "1", "2", "-1"])) if freq == "MONTHLY" else ""
        parts.append(f"BYDAY={prefix}{draw(st.sampled_from(['MO', 'TU', 'WE', 'TH', 'FR']))}")
    if draw(st.integers(0, 3)) == 0:
        parts.append(f"COUNT={draw(st.integers(1, 50))}")
    return ";".join(parts)


@st.composite
def every_n_years(draw: st.DrawFn) -> dict[str, object]:
    n = draw(st.integers(1, 4))
    if n == 1:
        return {}
    start = draw(st.integers(1995, 2090))
    if draw(st.booleans()):
        return {"hvert_år": str(n), "startår": str(start)}
    return {"hvert_år": str(n), "startskoleår": f"{start}/{(start + 1) % 100:02d}"}


# Values the loader must refuse with a message or bound (years outside 1900–2200, offsets
# of centuries, long etter-chains): drawn only by the hostile test below.
# (three in four inside the usual range, so most plans still load and reach every command)
wild_dates = st.one_of(dates, dates, dates, st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)))
wild_innen = st.tuples(st.one_of(st.integers(0, 12), st.integers(0, 1000)), st.sampled_from(["dager", "uker", "måneder", "år"])).map(
    lambda t: f"{t[0]} {t[1]}"
)


@st.composite
def naar(draw: st.DrawFn, earlier: list[str], datoer: list[str], hostile: bool = False) -> dict[str, object]:
    dates_ = wild_dates if hostile else dates
    innen_ = wild_innen if hostile else innen
    forms = ["måneder", "innen_utgangen_av", "ukentlig", "dato", "rrule"]
    forms += ["etter"] * 3 if earlier else []
    forms += ["etter_dato"] if datoer else []
    form = draw(st.sampled_from(forms))
    if form == "måneder":
        result: dict[str, object] = {"måneder": draw(months), "dag": draw(dag), **draw(every_n_years())}
        if draw(st.booleans()):
            result["unntatt_måneder"] = draw(months)
        return result
    if form == "innen_utgangen_av":
        return {"innen_utgangen_av": draw(months), **draw(every_n_years())}
    if form == "ukentlig":
        result = {"ukentlig": draw(weekday)}
        if draw(st.booleans()):
            result["unntatt_måneder"] = draw(months)
        return result
    if form == "dato":
        return {"dato": format_dato(draw(dates_))}
    if form == "rrule":
        return {"rrule": draw(rrules()), "start": format_dato(draw(dates_))}
    if form == "etter_dato":
        return {"etter_dato": draw(st.sampled_from(datoer)), "innen": draw(innen_)}
    # hostile: mostly follow the one just before, so chains grow long
    target = earlier[-1] if hostile and draw(st.integers(0, 3)) else draw(st.sampled_from(earlier))
    return {"etter": target, "innen": draw(innen_)}


@st.composite
def plans(draw: st.DrawFn, hostile: bool = False) -> tuple[str, int]:
    """(YAML text of a plan, number of hendelser)."""
    dates_ = wild_dates if hostile else dates
    n_virk = draw(st.integers(1, 4))
    virk_keys = [f"v{i}" for i in range(n_virk)]
    virksomheter: dict[str, dict[str, object]] = {}
    for i, key in enumerate(virk_keys):
        v: dict[str, object] = {"navn": f"Virksomhet {i} " + draw(st.sampled_from(["", "æøå", "&<>", "[x]"]))}
        if draw(st.booleans()):
            v["leder"] = draw(free_text)
        if draw(st.integers(0, 3)) == 0:
            v["ekstern"] = True
        virksomheter[key] = v
    datoer: dict[str, dict[str, object]] = {}
    for i in range(draw(st.integers(0, 2))):
        datoer[f"d{i}"] = {"navn": draw(free_text), "dato": draw(st.one_of(st.none(), dates_.map(format_dato)))}
    tiltak = []
    earlier: list[str] = []  # etter may only look back: no cycles
    n_hendelser = 0
    for t in range(draw(st.integers(1, 3))):
        hendelser = []
        for h in range(draw(st.integers(1, 30 if hostile else 4))):
            htype = draw(st.sampled_from(["møte", "aktivitet", "frist", "evaluering"]))
            hendelse: dict[str, object] = {
                "id": f"h{h}",
                "tittel": draw(free_text),
                "type": htype,
                "når": draw(naar(earlier, list(datoer), hostile)),
            }
            if draw(st.booleans()):
                hendelse["beskrivelse"] = draw(free_text)
            if draw(st.integers(0, 2)) == 0:
                hendelse["antatt"] = draw(free_text)
            flytt = draw(st.sampled_from([None, "tidligere", "senere", "hopp_over", "ingen"]))
            if flytt and not (flytt == "ingen" and htype == "møte"):
                hendelse["flytt"] = flytt
            if draw(st.booleans()):
                hendelse["tid"] = draw(st.sampled_from(["09:00", "13:30-15:00", "23:59"]))
            if draw(st.integers(0, 3)) == 0:
                hendelse["varsel"] = str(draw(st.integers(0, 365)))
            if draw(st.integers(0, 4)) == 0:
                fra = draw(dates)
                hendelse["gyldig_fra"] = format_dato(fra)
                hendelse["gyldig_til"] = format_dato(min(LAST, fra + timedelta(days=draw(st.integers(0, 3000)))))
            if draw(st.integers(0, 3)) == 0:
                hendelse["ansvar"] = draw(st.lists(st.sampled_from(virk_keys), min_size=1, max_size=3, unique=True))
            hendelser.append(hendelse)
            earlier.append(f"t{t}.h{h}")
            n_hendelser += 1
        tiltak.append({
            "id": f"t{t}",
            "navn": draw(free_text),
            "kilde": draw(st.sampled_from(["7.1", "7.11", "kap. 9", "side 4"])),
            "sone": draw(st.sampled_from(["grønn", "gul", "rød"])),
            "beskrivelse": draw(free_text),
            "ansvar": draw(st.lists(st.sampled_from(virk_keys), min_size=1, max_size=2, unique=True)),
            "hendelser": hendelser,
        })  # fmt: skip
    data: dict[str, object] = {
        "plan": {
            "navn": draw(free_text),
            "kommune": draw(free_text),
            "uid_domene": "fuzz.example.no",
            "stengte_dager": draw(st.lists(dates_.map(format_dato), max_size=4, unique=True)),
        },
        "virksomheter": virksomheter,
        "tiltak": tiltak,
    }
    if datoer:
        data["datoer"] = datoer
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10_000), n_hendelser


@pytest.fixture(scope="module")
def folder() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="aarshjul-fuzz-") as d:
        yield Path(d)


@contextmanager
def no_hang(seconds: int = HANG_SECONDS) -> Iterator[None]:
    """Turn a hang into a failure (SIGALRM; where there is none, no guard)."""
    if not hasattr(signal, "setitimer"):
        yield
        return

    def fire(signum: int, frame: object) -> None:
        raise AssertionError(f"henger: mer enn {seconds} s på ett eksempel")

    old = signal.signal(signal.SIGALRM, fire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def _inert(text: str) -> None:
    bad = first_unsafe(text.replace("\r\n", "\n"))
    assert bad is None, f"U+{ord(bad):04X} slapp gjennom: {text[max(0, text.index(bad) - 40):text.index(bad) + 40]!r}"


class _Html(HTMLParser):
    pass


WINDOW_START = "01.08.2026"
WINDOW_DAYS = 400


_FUZZ = settings(
    max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)


@_FUZZ
@given(generated=plans())
def test_every_command_on_a_generated_plan(run_cli, folder: Path, generated: tuple[str, int]) -> None:
    _every_command(run_cli, folder, generated)


@_FUZZ
@given(generated=plans(hostile=True))
def test_every_command_on_a_plan_with_wild_dates_offsets_and_chains(run_cli, folder: Path, generated: tuple[str, int]) -> None:
    """Years 1–9999, offsets of up to 1000 years, etter-chains of up to 30: the loader
    refuses what is out of bounds with a PlanError, and what it accepts runs everywhere."""
    _every_command(run_cli, folder, generated)


def _every_command(run_cli, folder: Path, generated: tuple[str, int]) -> None:
    from icalendar import Calendar

    from aarshjul.engine.expand import expand

    text, n_hendelser = generated
    path = folder / "plan.yaml"
    path.write_text(text, encoding="utf-8")
    with no_hang():
        try:
            plan = load_plan(path)
        except PlanError as e:
            assert e.problems and all(p.message.strip() for p in e.problems)
            return
        start = date(2026, 8, 1)
        forekomster = expand(plan, start, start + timedelta(days=WINDOW_DAYS))
        # Bounded work: at most one occurrence a day per hendelse (DAILY rules are >= 3 days apart).
        assert len(forekomster) <= n_hendelser * (WINDOW_DAYS + 1)
        budget = 20_000 + 4_000 * (len(forekomster) + n_hendelser)  # bytes of output per shown item

        def ok(*args: str) -> str:
            result = run_cli(*args, plan=path)
            assert result.exception is None or isinstance(result.exception, SystemExit), (args, result.exception)
            assert "Traceback" not in result.output
            assert result.exit_code in (0, 1, 2), (args, result.exit_code, result.output)
            _inert(result.stdout)
            _inert(result.stderr)
            assert len(result.stdout_bytes) <= budget, (args, len(result.stdout_bytes), budget)
            return str(result.stdout)

        window = ("--fra", WINDOW_START, "--dager", str(WINDOW_DAYS))
        data = json.loads(ok("next", *window, "--format", "json"))
        assert len(data) <= len(forekomster)
        ok("next", *window, "--format", "tekst")
        ok("next", *window, "--format", "tabell")
        ok("calendar", "--skoleår", "2026/27", "--format", "markdown")
        ok("tiltak", "--format", "tekst")
        ok("virksomheter", "--format", "json")
        ok("check")
        ics = ok("ics", "--fra", WINDOW_START, "--til", "31.08.2027", "-o", "-")
        if ics:
            Calendar.from_ical(ics.encode("utf-8"))
        svg = ok("wheel", "--skoleår", "2026/27", "-o", "-")
        if svg:
            ET.fromstring(svg.encode("utf-8"))
        html = ok("digest", "--fra", WINDOW_START, "--format", "html")
        parser = _Html()
        parser.feed(html)
        parser.close()
        ok("digest", "--fra", WINDOW_START, "--format", "markdown")


@pytest.fixture(scope="module")
def run_cli():
    """Like conftest's run, but usable across hypothesis examples (no monkeypatch)."""
    from typer.testing import CliRunner

    from aarshjul.cli import app

    runner = CliRunner()

    def _run(*args: str, plan: Path):
        return runner.invoke(app, ["--plan", str(plan), "--today", "01.12.2026", *args])

    return _run
