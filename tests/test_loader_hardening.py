"""The loader's side of hostile input: plans that passed `check` and then crashed or hung the commands."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from conftest import PLANS
from dateutil.relativedelta import relativedelta
from test_bad_input import ONE_COMMAND, WRITES_FILE, argv, assert_refused, loader_message

from aarshjul.engine import expand as expand_module
from aarshjul.engine.expand import expand
from aarshjul.errors import PlanError
from aarshjul.model import Enkeltdato, Relativ
from aarshjul.plan.loader import load_plan
from aarshjul.plan.refs import MAX_KJEDE
from aarshjul.plan.rrule import rrule_problem


def chain_plan(path: Path, n: int, root: str = "{dato: 01.09.2026}", typ: str = "møte") -> Path:
    """A tiltak whose hendelse hK follows h(K-1) by one day, h0 being `root`."""
    lines = [
        "plan: {navn: Kjede, kommune: Testkommune}", "virksomheter:", "  skole: {navn: Skole}", "tiltak:",
        "  - id: k", "    navn: Kjede", "    kilde: '1.1'", "    ansvar: [skole]", "    hendelser:",
        f"      - {{id: h0, tittel: Start, type: møte, når: {root}}}",
    ]  # fmt: skip
    for i in range(1, n):
        lines.append(f"      - {{id: h{i}, tittel: Steg {i}, type: {typ}, når: {{etter: h{i - 1}, innen: 1 dager}}}}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_chain_of_1000_etter_is_refused_by_the_loader(run, tmp_path: Path) -> None:
    """It was a RecursionError in every command while `check` called the plan valid. Every
    command loads through load_plan and reports its refusal the same way
    (test_bad_input.py), so one command shows it."""
    plan = chain_plan(tmp_path / "kjede.yaml", 1000)
    out = tmp_path / WRITES_FILE[ONE_COMMAND]
    result = run(*argv(ONE_COMMAND, out), plan=plan)
    # h21 is on line 10 + 21: the first hendelse beyond MAX_KJEDE steps from h0.
    message = f"«k.h{MAX_KJEDE + 1}» er ledd nr. {MAX_KJEDE + 1} i en kjede av «etter» som starter med «k.h0»"
    assert_refused(result, ONE_COMMAND, plan, message, 10 + MAX_KJEDE + 1, None)
    assert result.stderr == loader_message(plan)
    assert not out.exists()


def test_a_3000_chain_is_reported_once(tmp_path: Path) -> None:
    """The old cycle check walked every chain from every start (37 s for 3,000); now linear."""
    with pytest.raises(PlanError) as e:
        load_plan(chain_plan(tmp_path / "kjede.yaml", 3000))
    assert len(e.value.problems) == 1


def test_a_chain_of_max_length_expands(tmp_path: Path) -> None:
    plan = load_plan(chain_plan(tmp_path / "kjede.yaml", MAX_KJEDE + 1))
    got = [f for f in expand(plan, date(2026, 8, 1), date(2026, 12, 1))]
    assert [f.hendelse_id for f in got] == [f"h{i}" for i in range(MAX_KJEDE + 1)]
    # 01.09.2026 is a Tuesday; each step is the next day, and a Saturday moves to Monday
    # (so does the Sunday that follows it: both land on 07.09).
    assert got[0].dato == date(2026, 9, 1) and got[4].dato == date(2026, 9, 7)
    assert got[4].flyttet_fra == date(2026, 9, 5)
    assert all(f.nokkel.endswith(".engang") for f in got)


def test_the_expander_needs_no_recursion_for_a_deep_chain(tmp_path: Path) -> None:
    """Even a Plan not made by load_plan (a chain of 1,000) expands: bases first, memoised."""
    plan = load_plan(chain_plan(tmp_path / "kjede.yaml", 2))
    (tiltak,) = plan.tiltak
    first, step = tiltak.hendelser
    hendelser = [first] + [
        replace(step, id=f"h{i}", tittel=f"Steg {i}", naar=Relativ(f"k.h{i - 1}", relativedelta(days=1), "1 dag"))
        for i in range(1, 1000)
    ]
    deep = replace(plan, tiltak=(replace(tiltak, hendelser=tuple(hendelser)),))
    got = expand(deep, date(2026, 8, 1), date(2031, 1, 1))
    assert len(got) == 1000
    assert got[-1].hendelse_id == "h999" and got[-1].dato.year == 2030


def _direct(plan, fra: date, til: date) -> list:
    """What expand gave before the memo: every hendelse expanded on its own, recursively."""
    expander = expand_module._Expander(plan)
    result = [f for t in plan.tiltak for h in t.hendelser for f in expander.forekomster(t, h, fra, til)]
    result.sort(key=lambda f: f.sorteringsnokkel)
    return result


@pytest.mark.parametrize(("fra", "til"), [(date(2026, 8, 1), date(2027, 8, 1)), (date(2018, 1, 1), date(2031, 1, 1)),
                                          (date(2027, 3, 20), date(2027, 4, 10))])  # fmt: skip
def test_the_memo_changes_nothing_on_the_real_plan(real_plan, fra: date, til: date) -> None:
    assert any(isinstance(h.naar, Relativ) for t in real_plan.tiltak for h in t.hendelser)
    assert expand(real_plan, fra, til) == _direct(real_plan, fra, til)


def test_the_memo_changes_nothing_on_the_mini_plan(mini_plan) -> None:
    assert expand(mini_plan, date(2018, 8, 1), date(2028, 8, 1)) == _direct(mini_plan, date(2018, 8, 1), date(2028, 8, 1))


def test_years_outside_1900_2200_are_refused_everywhere_a_date_is_read(tmp_path: Path) -> None:
    base = (PLANS / "mini.yaml").read_text(encoding="utf-8")
    plan = tmp_path / "p.yaml"
    for old, new, value in (("periode_til: 31.12.2022", "periode_til: 31.12.2201", "31.12.2201"),
                            ("periode_fra: 01.08.2018", "periode_fra: 1899-12-31", "1899-12-31")):  # fmt: skip
        assert old in base
        plan.write_text(base.replace(old, new, 1), encoding="utf-8")
        with pytest.raises(PlanError, match=rf"«{value}» er utenfor årene en plan kan bruke \(1900–2200\)"):
            load_plan(plan)


def test_a_one_off_date_plus_innen_beyond_2200_is_refused(tmp_path: Path) -> None:
    plan = chain_plan(tmp_path / "k.yaml", 1, root="{dato: 31.12.2200}")
    text = plan.read_text(encoding="utf-8") + "      - {id: s, tittel: Senere, type: frist, når: {etter: h0, innen: 1 dager}}\n"
    plan.write_text(text, encoding="utf-8")
    with pytest.raises(PlanError, match=r"«k\.s» havner utenfor årene en plan kan bruke \(1900–2200\): «innen» legger "
                                        r"til sammen til 1 dag \(via «etter: k\.h0»\)"):  # fmt: skip
        load_plan(plan)
    ok = load_plan(chain_plan(tmp_path / "ok.yaml", 2, root="{dato: 30.12.2200}"))
    assert isinstance(ok.tiltak[0].hendelser[0].naar, Enkeltdato)


@pytest.mark.parametrize(
    ("regel", "expected"),
    [
        ("FREQ=DAILY;INTERVAL=0", "INTERVAL må være et helt tall fra 1 til 1000, ikke «0»"),
        ("FREQ=DAILY;INTERVAL=²", "INTERVAL må være et helt tall fra 1 til 1000, ikke «²»"),
        ("FREQ=HOURLY", "FREQ må være en av DAILY, WEEKLY, MONTHLY, YEARLY"),
        ("FREQ=DAILY;BYSECOND=1", "BYSECOND er et klokkeslett"),
        ("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", "regelen gir ingen dato de første 10 årene etter start 01.08.2026"),
        ("FREQ=DAILY;UNTIL=20260701", "regelen gir ingen dato de første 10 årene"),  # ends before it starts
        ("FREQ=DAILY;UNTIL=99991231", "UNTIL skal være en dato ÅÅÅÅMMDD mellom 1900 og 2200"),
        ("FREQ=DAILY;UNTIL=20270101T000000Z", "UNTIL skrives som en dato uten tidssone"),
        ("FREQ=DAILY;COUNT=0", "COUNT må være et helt tall fra 1 til 10000"),
        ("FREQ=DAILY;COUNT=3;UNTIL=20270101", "bruk enten COUNT eller UNTIL, ikke begge"),
        ("FREQ=DAILY;BYDAY=XX", "ugyldig verdi i BYDAY: «XX»"),
        ("FREQ=DAILY;BYEASTER=0", "ukjent del «BYEASTER=0»"),
        ("FREQ=DAILY;INTERVAL=2;INTERVAL=3", "INTERVAL står to ganger"),
        ("FREQ=DAILY;DTSTART=20260801", "start-datoen skrives som «start:»"),
    ],
)
def test_rrules_are_checked_for_what_a_plan_needs(regel: str, expected: str) -> None:
    problem = rrule_problem(regel, date(2026, 8, 1))
    assert problem is not None and expected in problem, problem
    for english in ("invalid", "must", "value", "UTC"):
        assert english not in problem


@pytest.mark.parametrize("regel", ["FREQ=MONTHLY;BYMONTH=9,11,2,4;BYDAY=2WE", "RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;",
                                   "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29", "FREQ=DAILY;UNTIL=20260805"])  # fmt: skip
def test_rrules_a_plan_uses_still_pass(regel: str) -> None:
    assert rrule_problem(regel, date(2026, 8, 1)) is None


# --- fødselsnummer in parsed values, invisible characters ------------------------------

FNR = "15076500565"  # the textbook example; valid control digits


@pytest.mark.parametrize(
    "spelt",
    [
        FNR, "150765 00565", "150765  00565", "150765\u00a000565", "150765-00565", "150765\u201300565",
        "1507\u200b6500565", "150765\u200b00565", "15.07.65 005 65", "15.07.65 00565", "15 07 65 005 65",
        "\uff11\uff15\uff10\uff17\uff16\uff15\uff10\uff10\uff15\uff16\uff15",  # full-width
        "\u0661\u0665\u0660\u0667\u0666\u0665\u0660\u0660\u0665\u0666\u0665",  # Arabic-Indic
        "150765\n00565",  # what a folded plain scalar gives
    ],
)  # fmt: skip
def test_a_foedselsnummer_is_found_however_it_is_spelt(spelt: str) -> None:
    from aarshjul.plan.privacy import finn_personnummer

    assert finn_personnummer(f"Gjelder eleven {spelt} og foreldrene")


@pytest.mark.parametrize(
    "text",
    [
        "Konto 1507.65.00565",  # a bank account: 4+2+5, not how a fødselsnummer is grouped
        "Saksnummer 15076500566",  # fails mod-11
        "Referanse 123456789012",  # twelve digits
        "01.08.2018 12345 og 2026 2027 2028",
        "samba.mote.2026-12-15 og uke 48",
    ],
)
def test_numbers_that_are_not_a_foedselsnummer_are_left_alone(text: str) -> None:
    from aarshjul.plan.privacy import finn_personnummer

    assert not finn_personnummer(text)


def test_user_text_with_a_foedselsnummer_is_refused_without_repeating_it() -> None:
    from aarshjul.errors import UsageError
    from aarshjul.plan.privacy import check_user_text

    check_user_text("Gjennomført i møte 15.12.2026", "--merknad")
    with pytest.raises(UsageError) as e:
        check_user_text("Elev 150765\u200b00565", "--merknad")
    assert e.value.message.startswith("--merknad ser ut til å inneholde et fødselsnummer")
    assert "00565" not in e.value.message


def test_the_real_plan_has_no_foedselsnummer_in_its_values(real_plan) -> None:
    assert real_plan.navn  # load_plan ran the parsed-value scan and refused nothing


@pytest.mark.parametrize("char", ["\u200b", "\u200e", "\u202e", "\u2066", "\ufeff", "\u2060", "\u00ad"])
def test_an_invisible_character_in_a_key_or_id_is_named(tmp_path: Path, char: str) -> None:
    base = (PLANS / "mini.yaml").read_text(encoding="utf-8")
    code = f"U+{ord(char):04X}"
    for old, new in (("  skole:\n", f"  skole{char}:\n"), ("    navn: Skole\n", f"    navn{char}: Skole\n")):
        assert old in base
        plan = tmp_path / "p.yaml"
        plan.write_text(base.replace(old, new, 1), encoding="utf-8")
        with pytest.raises(PlanError, match=re.escape(f"inneholder det usynlige tegnet {code}")):
            load_plan(plan)


# --- YAML messages, --plan "" ------------------------------------------------------------

@pytest.mark.parametrize(
    "bad",
    ['a: "\\xZZ"', 'a: "\\UFFFFFFFF"', "%YAML 1.1\n%YAML 1.1\n---\na: 1", "%FOO\n---\na: 1", "a: *", "a: &\n",
     "a: |0\n  x", "a: |x\n b", 'a: "x\n---\n"', "a: !x!y z", "a: b\n\tc: d", "- a\n- b\nc: d"],
)  # fmt: skip
def test_libyaml_never_speaks_english_to_the_user(tmp_path: Path, bad: str) -> None:
    plan = tmp_path / "p.yaml"
    plan.write_text(bad + "\n", encoding="utf-8")
    with pytest.raises(PlanError) as e:
        load_plan(plan)
    message = e.value.problems[0].message
    assert message.startswith(("ugyldig YAML", "tabulator")), message
    for english in ("found", "expected", "while", "scanning", "parsing", "directive ", "character"):
        assert english not in message, message


def test_an_empty_plan_option_is_an_error_not_the_shipped_plan(run) -> None:
    result = run("next", plan="")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "--plan er tom: oppgi stien til planfilen" in result.stderr
    assert "Traceback" not in result.stderr


def test_an_rrule_starting_on_29_february_is_searched_without_error() -> None:
    assert rrule_problem("FREQ=MONTHLY;BYMONTH=9,11,2,4;BYDAY=2WE", date(2020, 2, 29)) is None


def test_rules_that_never_match_are_refused_without_searching_to_year_9999(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """dateutil looks for a rule's next date day by day and checks UNTIL only on a date it
    found, so each such rule cost a search to year 9999 (~3 s). The search is counted, not
    timed, in the months dateutil looks at (it rebuilds its masks for each): at most the
    400-year cycle of the calendar and the ten years asked for, per rule."""
    import dateutil.rrule

    regler = ["FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30", "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=31",
              "FREQ=DAILY;BYMONTH=4;BYMONTHDAY=31", "FREQ=WEEKLY;BYMONTH=6;BYMONTHDAY=31",
              "FREQ=DAILY;BYMONTH=9;BYMONTHDAY=31", "FREQ=DAILY;BYMONTH=11;BYMONTHDAY=31"]  # fmt: skip
    lines = ["plan: {navn: Umulig, kommune: Testkommune}", "virksomheter:", "  skole: {navn: Skole}", "tiltak:",
             "  - id: u", "    navn: Umulig", "    kilde: '1.1'", "    ansvar: [skole]", "    hendelser:"]  # fmt: skip
    for i, regel in enumerate(regler):
        lines.append(f'      - {{id: h{i}, tittel: H{i}, type: møte, når: {{rrule: "{regel}", start: 01.08.2026}}}}')
    plan = tmp_path / "umulig.yaml"
    plan.write_text("\n".join(lines) + "\n", encoding="utf-8")

    steg = [0]
    grense = len(regler) * 12 * (400 + 12)
    ekte = dateutil.rrule._iterinfo.rebuild

    def tellende(self, year: int, month: int) -> None:  # type: ignore[no-untyped-def]
        steg[0] += 1
        if steg[0] > grense:
            raise AssertionError(f"dateutil looked at more than {grense} months")
        ekte(self, year, month)

    monkeypatch.setattr(dateutil.rrule._iterinfo, "rebuild", tellende)
    with pytest.raises(PlanError) as e:
        load_plan(plan)
    tekst = str(e.value)
    for i, regel in enumerate(regler):
        assert (f"umulig.yaml:{10 + i}:" in tekst and f"ugyldig RRULE «{regel}»: regelen gir ingen dato de første "
                "10 årene etter start 01.08.2026" in tekst), tekst  # fmt: skip


def test_an_etter_on_a_hendelse_with_a_bad_rule_reports_that_rule_once(tmp_path: Path) -> None:
    """The base's bad `når` dropped it, so the follower's `etter:` was also called «ukjent
    hendelse», and adding up the chain then crashed with a KeyError (a traceback from
    `check`). Only the base's own mistake is reported."""
    path = chain_plan(tmp_path / "plan.yaml", 3, root="{innen: 15. juni}")
    with pytest.raises(PlanError) as e:
        load_plan(path)
    assert len(e.value.problems) == 1
    assert "«innen» hører til «etter:»" in e.value.problems[0].message
    assert e.value.problems[0].line == 10
