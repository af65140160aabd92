"""Loading and validating plan files: every problem with file, line, column, in bokmål."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from aarshjul.engine.workdays import Arbeidskalender, helligdager
from aarshjul.errors import PlanError, UsageError
from aarshjul.plan.loader import find_virksomhet, load_plan

GOOD = """\
plan:
  navn: Test
  kommune: Testkommune
virksomheter:
  barnehage: {navn: Barnehage, aliaser: [bhg]}
  skole: {navn: Skole}
  raadmannsledelsen: {navn: Rådmannsledelsen}
tiltak:
  - id: samba
    navn: SAMBA
    kilde: "7.11"
    ansvar: [raadmannsledelsen]
    hendelser:
      - id: mote
        tittel: SAMBA-møte
        type: møte
        når: {måneder: [mars], dag: første tirsdag}
"""


def load_text(tmp_path: Path, text: str | bytes):
    path = tmp_path / "plan.yaml"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return load_plan(path)


def problems(tmp_path: Path, text: str | bytes) -> list[str]:
    with pytest.raises(PlanError) as e:
        load_text(tmp_path, text)
    return [str(p) for p in e.value.problems]


def test_good_plan_loads(tmp_path: Path) -> None:
    plan = load_text(tmp_path, GOOD)
    assert plan.tiltak[0].hendelser[0].naar.maaneder == (3,)


def test_unknown_month_names_line_and_column(tmp_path: Path) -> None:
    [msg] = problems(tmp_path, GOOD.replace("[mars]", "[mais]"))
    assert msg.endswith("plan.yaml:17:25: Hendelsen «samba.mote»: når: måneder: ukjent måned «mais». "
                        "Mente du «mai»? Gyldige er januar … desember.")  # fmt: skip


def test_typo_in_key_is_an_error_with_suggestion(tmp_path: Path) -> None:
    [msg] = problems(tmp_path, GOOD.replace("    ansvar:", "    ansvarr:"))
    assert ":12:5: " in msg and "ukjent nøkkel «ansvarr». Mente du «ansvar»?" in msg


def test_yaml_11_traps_stay_strings(tmp_path: Path) -> None:
    # NO would be False and 010 would be 8 under safe_load; here they are ids/keys as written.
    text = GOOD.replace("  skole: {navn: Skole}", "  'no': {navn: NO}\n  skole: {navn: '010'}")
    plan = load_text(tmp_path, text)
    assert plan.virksomheter["no"].navn == "NO"
    assert plan.virksomheter["skole"].navn == "010"
    timed = load_text(tmp_path, GOOD + "        tid: 09:00-11:30\n")
    h = timed.tiltak[0].hendelser[0]
    assert (h.tid.hour, h.tid.minute, h.slutt.minute) == (9, 0, 30)


@pytest.mark.parametrize(
    ("bad", "expected"),
    [
        ("når: {dato: 30.02.2027}", "«30.02.2027» finnes ikke: februar 2027 har 28 dager"),
        ("når: {dato: 01.13.2027}", "har måned 13"),
        ("når: {dato: 31. april}", "«31. april» er ikke en dato"),
        ("når: {ukentlig: fredagg}", "ukjent ukedag «fredagg»"),
        ("når: {måneder: [mars], dag: femte tirsdag}", "forstår ikke «femte tirsdag»"),
        ("når: {måneder: [3], dag: '1'}", "ukjent måned «3»"),
        ("når: {måneder: mars}", "«måneder» trenger «dag»"),
        ("når: {dato: 01.01.2027, ukentlig: mandag}", "må ha nøyaktig én av"),
        ("når: {etter: seminar, innen: 1 måned}", "ukjent hendelse «samba.seminar»"),
        ("når: {etter: mote, innen: en evighet}", "ukjent tidsrom «en evighet»"),
        ("når: {etter_dato: besatt, innen: 1 år}", "ukjent dato «besatt»"),
        ("når: {rrule: 'FREQ=SECONDLY'}", "FREQ må være en av"),
        ("når: {innen_utgangen_av: mars, hvert_år: 2}", "trenger «startår»"),
    ],
)
def test_bad_recurrence_is_explained(tmp_path: Path, bad: str, expected: str) -> None:
    msgs = problems(tmp_path, GOOD.replace("når: {måneder: [mars], dag: første tirsdag}", bad))
    assert any(expected in m for m in msgs), msgs
    assert all(m.startswith(str(tmp_path / "plan.yaml") + ":") for m in msgs)


def test_wrong_types(tmp_path: Path) -> None:
    msgs = problems(tmp_path, GOOD.replace("ansvar: [raadmannsledelsen]", "ansvar: {a: b}"))
    assert any("ansvar skal være en liste" in m for m in msgs)
    msgs = problems(tmp_path, GOOD.replace("    hendelser:\n", "    hendelser: 5\n    x:\n"))
    assert any("ukjent nøkkel «x»" in m for m in msgs)


def test_unknown_virksomhet_lists_known_and_suggests(tmp_path: Path) -> None:
    [msg] = problems(tmp_path, GOOD.replace("ansvar: [raadmannsledelsen]", "ansvar: [barnehag]"))
    assert "ukjent virksomhet «barnehag». Mente du «barnehage»?" in msg
    assert "Kjente virksomheter: barnehage, raadmannsledelsen, skole." in msg


def test_duplicate_ids(tmp_path: Path) -> None:
    tiltak = GOOD[GOOD.index("  - id: samba"):]
    msgs = problems(tmp_path, GOOD + tiltak)
    assert any("tiltak-id «samba» er brukt to ganger (første gang på linje 9)" in m for m in msgs)
    hendelse = GOOD[GOOD.index("      - id: mote"):]
    msgs = problems(tmp_path, GOOD + hendelse)
    assert any("hendelse-id «mote» er brukt to ganger" in m for m in msgs)


def test_duplicate_key(tmp_path: Path) -> None:
    msgs = problems(tmp_path, GOOD.replace("    navn: SAMBA\n", "    navn: SAMBA\n    navn: SAMBA2\n"))
    assert any("nøkkelen «navn» står to ganger" in m for m in msgs)


def test_cycle_among_relative_hendelser(tmp_path: Path) -> None:
    text = GOOD + """\
      - {id: a, tittel: A, type: frist, når: {etter: b, innen: 1 måned}}
      - {id: b, tittel: B, type: frist, når: {etter: a, innen: 1 måned}}
"""
    msgs = problems(tmp_path, text)
    assert any("i ring: samba.a → samba.b → samba.a" in m for m in msgs), msgs


def test_every_problem_reported_in_one_run(tmp_path: Path) -> None:
    text = GOOD.replace("[mars]", "[mais]").replace("type: møte", "type: mote2").replace("navn: SAMBA", "nav: SAMBA")
    assert len(problems(tmp_path, text)) >= 3


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "filen er tom"),
        (b"# bare en kommentar\n# og en til\n", "filen er tom"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "filen er binær"),
        ("plan:\n  navn: Bærum\n".encode("latin-1"), "filen er ikke UTF-8"),
        (b"plan:\n\tnavn: x\n", "tabulator (Tab) er brukt til innrykk"),
        (b"plan: [a, b\n", "ugyldig YAML"),
        (b"!!python/object/apply:os.system ['echo pwned']\n", "YAML-taggen «tag:yaml.org,2002:python/object/apply:os.system»"),
        (b"a: &x [1, 2]\nb: *x\n", "YAML-ankere og -aliaser"),
        (b"- bare\n- en liste\n", "Planen skal være en samling"),
    ],
)
def test_unreadable_files(tmp_path: Path, content: bytes, expected: str) -> None:
    msgs = problems(tmp_path, content)
    assert any(expected in m for m in msgs), msgs


def test_latin1_names_line_and_column(tmp_path: Path) -> None:
    [msg] = problems(tmp_path, "plan:\n  navn: Bærum\n".encode("latin-1"))
    assert ":2:10: " in msg  # the æ in «Bærum»


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(PlanError, match="filen finnes ikke"):
        load_plan(tmp_path / "mangler.yaml")
    with pytest.raises(PlanError, match="er en mappe"):
        load_plan(tmp_path)


def test_find_virksomhet_forgives_case_and_spelling(tmp_path: Path) -> None:
    plan = load_text(tmp_path, GOOD)
    assert find_virksomhet(plan, "BHG") == "barnehage"
    assert find_virksomhet(plan, "Barnehage") == "barnehage"
    assert find_virksomhet(plan, "radmannsledelsen") == "raadmannsledelsen"
    assert find_virksomhet(plan, "Rådmannsledelsen") == "raadmannsledelsen"
    with pytest.raises(UsageError) as e:
        find_virksomhet(plan, "barnhage")
    assert "Mente du «barnehage»?" in e.value.message
    assert "Gyldige virksomheter: barnehage, raadmannsledelsen, skole." in e.value.message


def test_helligdager_2027() -> None:
    dager = helligdager(2027)
    assert dager[date(2027, 3, 25)] == "skjærtorsdag"
    assert dager[date(2027, 3, 26)] == "langfredag"
    assert dager[date(2027, 3, 29)] == "2. påskedag"
    assert dager[date(2027, 5, 6)] == "Kristi himmelfartsdag"
    assert dager[date(2027, 5, 17)] == "17. mai og 2. pinsedag"  # they coincide in 2027
    assert dager[date(2027, 5, 16)] == "1. pinsedag"
    assert len(dager) == 11
    assert len(helligdager(2026)) == 12
    kal = Arbeidskalender(stengte_dager=[(12, 24), (12, 31)])
    assert kal.fridag_navn(date(2026, 12, 24)) == "stengt etter planens stengte dager"
    assert kal.fridag_navn(date(2026, 12, 26)) == "2. juledag"
    assert kal.fridag_navn(date(2026, 11, 28)) == "lørdag"
    assert kal.er_arbeidsdag(date(2026, 12, 23))
    assert kal.forrige_arbeidsdag(date(2027, 1, 1)) == date(2026, 12, 30)
