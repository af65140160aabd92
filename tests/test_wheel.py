"""The årshjul as SVG: markers against expand(), month order, needle, escaping,
determinism and the command line. Chromium is not needed (tools/render_wheel_png.sh is
the manual look at the picture)."""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import pytest
from conftest import PLANS, aarshjul_in_new_process, python_in_new_process

from aarshjul.engine.expand import expand
from aarshjul.model import Sone
from aarshjul.render.svg import CX, CY, SONE_COLOUR, Farge, Hjulaar, render_svg

NS = {"s": "http://www.w3.org/2000/svg"}
HOSTILE = PLANS / "wheel_hostile.yaml"


def svg_of(result) -> ET.Element:
    assert result.exit_code == 0, result.stderr
    return ET.fromstring(result.stdout_bytes)


def markers(root: ET.Element) -> list[ET.Element]:
    return [el for el in root.iter() if el.get("class") == "forekomst"]


def marker_ids(root: ET.Element) -> list[str]:
    return [el.get("data-id", "") for el in markers(root)]


def vinkel(x: float, y: float) -> float:
    """Degrees clockwise from the top of the wheel."""
    return math.degrees(math.atan2(x - CX, CY - y)) % 360


def marker_centre(el: ET.Element) -> tuple[float, float]:
    if el.tag.endswith("circle"):
        return float(el.get("cx", "")), float(el.get("cy", ""))
    if el.tag.endswith("rect"):
        x, y = float(el.get("x", "")), float(el.get("y", ""))
        return x + float(el.get("width", "")) / 2, y + float(el.get("height", "")) / 2
    raise AssertionError(f"no centre for {el.tag}")


def month_labels(root: ET.Element) -> list[tuple[str, float]]:
    return [
        ("".join(t.itertext()), vinkel(float(t.get("x", "")), float(t.get("y", ""))))
        for t in root.iter(f"{{{NS['s']}}}text")
        if t.get("class") == "month"
    ]


def texts(root: ET.Element, klasse: str) -> list[str]:
    return ["".join(t.itertext()) for t in root.iter() if t.get("class") == klasse]


# --- markers match the expansion ----------------------------------------------------


def test_markers_are_the_school_years_forekomster(run, mini_path, mini_plan) -> None:
    root = svg_of(run("wheel", "--skoleår", "2026/27", "-o", "-", plan=mini_path))
    expected = [f.id for f in expand(mini_plan, date(2026, 8, 1), date(2027, 8, 1))]
    assert sorted(marker_ids(root)) == sorted(expected)
    assert len(set(marker_ids(root))) == len(expected)
    assert "samba.mote.2026-12-01" in marker_ids(root)  # SAMBA-møte tirsdag 01.12.2026


def test_markers_for_one_virksomhet_in_a_year(run, mini_path, mini_plan) -> None:
    root = svg_of(run("wheel", "--virksomhet", "bhg", "--år", "2027", "-o", "-", plan=mini_path))
    expected = [f.id for f in expand(mini_plan, date(2027, 1, 1), date(2028, 1, 1), ["barnehage"])]
    assert sorted(marker_ids(root)) == sorted(expected)
    # Barnehage is in samordningsgruppa and owns Kvello, but has nothing to do with SAMBA.
    assert "kvello.aar2.2027-10-15" in expected
    assert not any(i.startswith("samba.") for i in marker_ids(root))
    assert texts(root, "centre-virksomhet") == ["Barnehage"]


def test_assumed_dates_are_hollow(run, mini_path) -> None:
    root = svg_of(run("wheel", "--skoleår", "2026/27", "-o", "-", plan=mini_path))
    by_id = {el.get("data-id"): el for el in markers(root)}
    mote = by_id["samba.mote.2026-12-01"]  # antatt: "Planen sier bare måned."
    evaluering = by_id["samba.evaluering.2027-05-31"]
    assert mote.get("data-antatt") == "ja" and mote.get("fill") == "#ffffff"
    assert evaluering.get("data-antatt") is None and evaluering.get("fill") != "#ffffff"
    assert "antatt dato: Planen sier bare måned." in "".join(mote.itertext())


def test_marker_angle_is_day_accurate(run, mini_path) -> None:
    root = svg_of(run("wheel", "--skoleår", "2026/27", "-o", "-", plan=mini_path))
    by_id = {el.get("data-id"): el for el in markers(root)}
    # 01.12.2026 is day 122 of the school year (from 01.08.2026), drawn mid-day.
    x, y = marker_centre(by_id["samba.mote.2026-12-01"])
    assert vinkel(x, y) == pytest.approx(360 * 122.5 / 365, abs=0.05)
    # Kvello år 1 observasjon, Thursday 15.10.2026: day 75.
    x, y = marker_centre(by_id["kvello.aar1.2026-10-15"])
    assert vinkel(x, y) == pytest.approx(360 * 75.5 / 365, abs=0.05)


def test_real_plan_every_virksomhet_and_barnehage(run, real_plan) -> None:
    for args, keys in (((), None), (("--virksomhet", "barnehage"), ["barnehage"])):
        root = svg_of(run("wheel", *args, "--skoleår", "2026/27", "-o", "-"))
        expected = [f.id for f in expand(real_plan, date(2026, 8, 1), date(2027, 8, 1), keys)]
        assert expected
        assert sorted(marker_ids(root)) == sorted(expected)
        assert_readable(root)
        # The real plan's rings are wide enough for their names on the wheel.
        paa_hjulet = {t.get("data-ring") for t in root.iter(f"{{{NS['s']}}}text") if t.get("class") == "ring-label"}
        assert paa_hjulet == {m.get("data-ring") for m in markers(root)}


def assert_readable(root: ET.Element, *, alle_i_noekkelen: bool = True) -> None:
    """Text large enough for A4 and a key that ends above the legend with every ring listed."""
    for t in root.iter(f"{{{NS['s']}}}text"):
        assert float(t.get("font-size", "0")) >= 11, "".join(t.itertext())
    ringer = {m.get("data-ring") for m in markers(root)}
    i_noekkelen = {g.get("data-ring") for g in root.iter() if g.get("class") == "key-ring"}
    assert ringer and (i_noekkelen == ringer if alle_i_noekkelen else i_noekkelen < ringer)
    paa_hjulet = {t.get("data-ring") for t in root.iter(f"{{{NS['s']}}}text") if t.get("class") == "ring-label"}
    assert paa_hjulet in (ringer, set())  # every ring named on the wheel, or none when too narrow
    forklaring = next(g for g in root.iter() if g.get("class") == "legend")
    legend_top = float(forklaring.find("s:line", NS).get("y1", ""))
    noekkel = next(g for g in root.iter() if g.get("class") == "key")
    assert max(float(t.get("y", "0")) for t in noekkel.iter(f"{{{NS['s']}}}text")) < legend_top - 4


# --- months, needle, centre -------------------------------------------------------


def test_school_year_starts_with_august_at_the_top(run, mini_path) -> None:
    labels = month_labels(svg_of(run("wheel", "--skoleår", "2026/27", "-o", "-", plan=mini_path)))
    assert [m for m, _ in labels] == [
        "august", "september", "oktober", "november", "desember", "januar",
        "februar", "mars", "april", "mai", "juni", "juli",
    ]  # fmt: skip
    angles = [a for _, a in labels]
    assert angles[0] < 30  # the first sector is just right of twelve o'clock
    assert angles == sorted(angles)  # clockwise


def test_calendar_year_starts_with_january_at_the_top(run, mini_path) -> None:
    root = svg_of(run("wheel", "--år", "2027", "-o", "-", plan=mini_path))
    labels = month_labels(root)
    assert [m for m, _ in labels][:3] == ["januar", "februar", "mars"]
    assert labels[-1][0] == "desember"
    angles = [a for _, a in labels]
    assert angles[0] < 30 and angles == sorted(angles)
    assert texts(root, "centre-year") == ["Kalenderåret 2027"]


def test_needle_when_today_is_inside_the_year(run, mini_path) -> None:
    root = svg_of(run("wheel", "--skoleår", "2026/27", "-o", "-", plan=mini_path, today="25.11.2026"))
    naal = [g for g in root.iter() if g.get("class") == "needle"]
    assert len(naal) == 1 and naal[0].get("data-dato") == "2026-11-25"
    line = naal[0].find("s:line", NS)
    assert line is not None
    angle = vinkel(float(line.get("x2", "")), float(line.get("y2", "")))
    assert angle == pytest.approx(360 * 116.5 / 365, abs=0.05)  # 25.11 is day 116
    assert any("Nålen: i dag 25.11.2026" in "".join(t.itertext()) for t in root.iter(f"{{{NS['s']}}}text"))


def test_no_needle_when_today_is_outside_the_year(run, mini_path) -> None:
    root = svg_of(run("wheel", "--år", "2027", "-o", "-", plan=mini_path, today="25.11.2026"))
    assert not [g for g in root.iter() if g.get("class") == "needle"]
    assert not any("Nålen" in "".join(t.itertext()) for t in root.iter(f"{{{NS['s']}}}text"))


def test_default_is_the_current_school_year(run, mini_path) -> None:
    root = svg_of(run("hjul", "-o", "-", plan=mini_path, today="15.03.2027"))
    assert texts(root, "centre-year") == ["Skoleåret 2026/27"]
    assert texts(root, "centre-tittel") == ["Årshjul"]  # mini.yaml has no kortnavn
    assert texts(root, "centre-virksomhet") == ["Alle virksomheter"]
    title = root.find("s:title", NS)
    assert title is not None and title.text == "Årshjul – Alle virksomheter – Skoleåret 2026/27"
    desc = root.find("s:desc", NS)
    assert desc is not None and "Ring 1 er innerst" in (desc.text or "")


def test_colour_by_zone(run, mini_path) -> None:
    root = svg_of(run("wheel", "--skoleår", "2026/27", "--farge", "sone", "-o", "-", plan=mini_path))
    by_id = {el.get("data-id"): el for el in markers(root)}
    assert by_id["samba.evaluering.2027-05-31"].get("fill") == SONE_COLOUR[Sone.GUL]  # SAMBA: sone gul
    assert by_id["pmto.evaluering.2027-03-31"].get("fill") == SONE_COLOUR[None]  # PMTO: no zone
    legend = "".join(next(g for g in root.iter() if g.get("class") == "legend").itertext())
    assert "Grønn" in legend and "Rød" in legend and "fargen er sonen" in legend


# --- escaping and determinism -----------------------------------------------------------


def test_hostile_plan_text_is_escaped(run) -> None:
    hostile_title = '<svg onload=alert(2)> "T" & \'t\''
    result = run("wheel", "--skoleår", "2026/27", "--tittel", hostile_title, "-o", "-", plan=HOSTILE)
    data = result.stdout_bytes
    root = svg_of(result)
    assert b"<script" not in data and b"<svg onload" not in data and b"<b>" not in data
    assert b"\x1b" not in data
    label = '<script>alert(1)</script> & "x"'
    assert label in texts(root, "key-tiltak")
    ring_labels = [t for t in root.iter(f"{{{NS['s']}}}text") if t.get("class") == "ring-label"]
    assert any(label in "".join(t.itertext()) for t in ring_labels)
    # Every element of the picture is SVG: nothing in the plan became markup.
    assert {el.tag.split("}")[0] for el in root.iter()} == {"{" + NS["s"]}
    assert not [el for el in root.iter() if el.tag.endswith(("script", "b", "i"))]
    tips = ["".join(el.itertext()) for el in markers(root) if (el.get("data-id") or "").startswith("samba.mote.")]
    assert tips and all("SAMBA-møte ]]> <!-- \\x1b[31m rød -->" in t for t in tips)
    assert all("antatt dato: Planen sier bare <måned> & 'dag'." in t for t in tips)
    assert "".join(root.find("s:title", NS).itertext()).startswith(hostile_title)
    kilde = texts(root, "source")
    assert kilde == ["Etter planperioden (til 31.12.2022), videreført. Kilde: Plan <b>fet</b> & co, Testkommune"]


def test_hostile_virksomhet_name_in_the_centre(run) -> None:
    root = svg_of(run("wheel", "-v", "barnehage", "-o", "-", plan=HOSTILE))
    assert " ".join(texts(root, "centre-virksomhet")) == 'Barnehage <i>&amp;</i> "SFO"'


def test_same_input_same_bytes(run, mini_path, tmp_path: Path) -> None:
    """The same plan and options give the same bytes here and in a new process."""
    a = run("wheel", "--skoleår", "2026/27", "-o", "-", plan=mini_path).stdout_bytes
    b = aarshjul_in_new_process(tmp_path, "--plan", str(mini_path), "wheel", "--skoleår", "2026/27", "-o", "-")
    assert a == b and a.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<svg')
    # Coordinates are rounded to at most two decimals.
    for el in ET.fromstring(a).iter():
        for key, value in el.attrib.items():
            if not key.startswith(("data-", "class", "id", "href")):
                assert not re.search(r"\d\.\d{3}", value), (el.tag, key, value)


def test_render_svg_is_pure(mini_plan, tmp_path: Path) -> None:
    """The picture depends on its arguments alone: here, after whatever ran before in this
    process, and on a second call, it is what a new process draws from the same plan."""
    aar = Hjulaar.kalenderaar(2027)
    fs = expand(mini_plan, aar.fra, aar.til)

    def lag(today: date) -> bytes:
        return render_svg(mini_plan, fs, aar=aar, today=today, farge=Farge.TYPE)

    code = (
        "import sys; from datetime import date; from conftest import PLANS;"
        " from aarshjul.engine.expand import expand; from aarshjul.plan.loader import load_plan;"
        " from aarshjul.render.svg import Farge, Hjulaar, render_svg;"
        " plan = load_plan(PLANS / 'mini.yaml'); aar = Hjulaar.kalenderaar(2027);"
        " fs = expand(plan, aar.fra, aar.til);"
        " sys.stdout.buffer.write(render_svg(plan, fs, aar=aar, today=date(2030, 1, 1), farge=Farge.TYPE))"
    )
    expected = python_in_new_process(tmp_path, code)
    assert lag(date(2030, 1, 1)) == expected
    assert lag(date(2030, 1, 1)) == expected  # drawing used nothing up
    assert lag(date(2030, 1, 1)) != lag(date(2027, 6, 1))  # only the needle and its legend differ
    root = ET.fromstring(lag(date(2030, 1, 1)))
    assert root.get("viewBox") == "0 0 1200 850"


def test_a_year_without_forekomster_still_draws_a_wheel(mini_plan) -> None:
    root = ET.fromstring(render_svg(mini_plan, [], aar=Hjulaar.skoleaar_fra(2030), today=date(2026, 1, 1)))
    assert markers(root) == []
    assert len(month_labels(root)) == 12
    assert "Ingen hendelser dette året." in "".join(root.itertext())


def test_ring_names_on_the_wheel(run, mini_path, mini_plan) -> None:
    root = svg_of(run("wheel", "--skoleår", "2026/27", "-o", "-", plan=mini_path))
    labels = {t.get("data-ring"): "".join(t.itertext()) for t in root.iter(f"{{{NS['s']}}}text")
              if t.get("class") == "ring-label"}  # fmt: skip
    # Fewest forekomster innermost: PMTO (1) is ring 1, the weekly Ressursteam the outermost.
    assert labels["1"] == "1\u2002PMTO"
    assert labels[str(len(labels))] == f"{len(labels)}\u2002Ressursteam"
    assert len(labels) == len({f.tiltak_id for f in expand(mini_plan, date(2026, 8, 1), date(2027, 8, 1))})


# --- command line -------------------------------------------------------------------


def test_writes_the_file_given_with_o(run, mini_path, tmp_path: Path) -> None:
    target = tmp_path / "hjul.svg"
    result = run("wheel", "--skoleår", "2026/27", "-o", str(target), plan=mini_path)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    stdout = run("wheel", "--skoleår", "2026/27", "-o", "-", plan=mini_path).stdout_bytes
    assert target.read_bytes() == stdout
    assert not [p for p in tmp_path.iterdir() if p.name != "hjul.svg"]  # no temporary file left


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--år", "2027", "--skoleår", "2026/27", "-o", "-"), "enten --år eller --skoleår"),
        (("--år", "neste", "-o", "-"), "«neste» er ikke et årstall"),
        (("--skoleår", "2026/28", "-o", "-"), "--skoleår: «2026/28» er ikke et skoleår"),
        (("--farge", "regnbue", "-o", "-"), "velg «type» eller «sone»"),
        (("--virksomhet", "skolen-nord", "-o", "-"), "Ukjent virksomhet «skolen-nord»"),
        ((), "-o hjul.svg"),
    ],
)
def test_usage_errors_in_bokmaal(run, mini_path, args, message) -> None:
    result = run("wheel", *args, plan=mini_path)
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""


def test_missing_folder_is_an_error(run, mini_path, tmp_path: Path) -> None:
    result = run("wheel", "-o", str(tmp_path / "finnes-ikke" / "hjul.svg"), plan=mini_path)
    assert result.exit_code == 2
    assert "finnes ikke" in result.stderr


def test_help_is_in_bokmaal_with_an_example(run) -> None:
    result = run("wheel", "--help", today=None)
    assert result.exit_code == 0
    assert "Eksempel: aarshjul wheel --virksomhet VIRKSOMHET -o hjul.svg" in result.stdout
    assert "--skoleår" in result.stdout and "[default" not in result.stdout


def test_many_tiltak_keep_the_key_above_the_legend(run, tmp_path: Path) -> None:
    tiltak = "".join(
        f"""
  - id: t{i:02d}
    navn: Et tiltak med et ganske langt navn som må brytes over flere linjer nr. {i}
    kilde: "{i}"
    ansvar: [skole]
    hendelser:
      - id: mote
        tittel: Møte nummer {i}
        type: møte
        når: {{måneder: [september, november, februar, april], dag: "{i % 28 + 1}"}}
"""
        for i in range(40)
    )
    plan = tmp_path / "wheel_mange.yaml"
    plan.write_text(
        "plan:\n  navn: Mange tiltak\n  kommune: Testkommune\n"
        "virksomheter:\n  skole:\n    navn: Skole\n"
        f"tiltak:{tiltak}",
        encoding="utf-8",
    )
    root = svg_of(run("wheel", "--skoleår", "2026/27", "-o", "-", plan=plan))
    assert len(markers(root)) == 160
    assert_readable(root, alle_i_noekkelen=False)
    assert not [t for t in root.iter(f"{{{NS['s']}}}text") if t.get("class") == "ring-label"]  # 5.8 px rings
    noekkel = next(g for g in root.iter() if g.get("class") == "key")
    # The rings that do not fit in the key are named, and the reader is told what to do.
    tekst = " ".join(t.text or "" for t in noekkel.iter(f"{{{NS['s']}}}text"))
    assert re.search(r"Ringene \d+–40 får ikke plass her; velg én --virksomhet", tekst)


def test_a_virksomhet_without_dated_duties_is_told_so_instead_of_an_empty_wheel(run, tmp_path) -> None:
    ut = tmp_path / "kfu.svg"
    r = run("hjul", "--virksomhet", "kfu", "-o", str(ut), today="07.12.2026")
    assert r.exit_code == 0, r.stderr
    assert r.stderr.strip() == (
        "KFU (kommunalt foreldreutvalg) har ingen hendelser med dato i skoleåret 2026/27. Ingen fil er skrevet."
    )
    assert not ut.exists()
    r = run("hjul", "--virksomhet", "kfu", "--virksomhet", "familievernkontoret", "--år", "2027", "-o", "-",
            today="07.12.2026")  # fmt: skip
    assert r.exit_code == 0 and r.stdout == ""
    assert "KFU (kommunalt foreldreutvalg) og Familievernkontoret på Otta har ingen hendelser med dato i " \
           "kalenderåret 2027." in r.stderr  # fmt: skip
    r = run("hjul", "--virksomhet", "barnevern", "-o", "-", today="07.12.2026")
    assert r.exit_code == 0 and r.stdout.startswith("<?xml") and r.stderr == ""
