"""`aarshjul ny` writes a starter plan that passes check and the schema; `aarshjul
schema` is generated from the loader's own keys and agrees with it on the bad-plan corpus;
nothing in the package names Sel or "Tidlig innsats"."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import HERE, PLANS, REPO

from aarshjul.engine.check import find_warnings
from aarshjul.errors import PlanError
from aarshjul.plan import loader as plan_module
from aarshjul.plan import naar
from aarshjul.plan.loader import load_plan
from aarshjul.plan.schema import plan_schema

jsonschema = pytest.importorskip("jsonschema")
_INT = re.compile(r"^[-+]?\d+$")
_FLOAT = re.compile(r"^[-+]?(\d+\.\d*|\.\d+)([eE][-+]?\d+)?$")


def _yaml12(node: yaml.Node) -> Any:
    """The data an editor's YAML 1.2 (core schema) parser sees: 15 a number, 09:00 and ja text."""
    if isinstance(node, yaml.MappingNode):
        return {k.value: _yaml12(v) for k, v in node.value}
    if isinstance(node, yaml.SequenceNode):
        return [_yaml12(v) for v in node.value]
    value = node.value
    if node.style is not None:  # quoted
        return value
    if value in ("", "~", "null", "Null", "NULL"):
        return None
    if value in ("true", "True", "TRUE", "false", "False", "FALSE"):
        return value.lower() == "true"
    if _INT.match(value):
        return int(value)
    if _FLOAT.match(value):
        return float(value)
    return value


def _instance(path: Path) -> Any:
    return _yaml12(yaml.compose(path.read_text(encoding="utf-8")))


@pytest.fixture(scope="module")
def validator() -> Any:
    schema = plan_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def _valid_test_plans() -> list[Path]:
    out = [REPO / "data" / "plan.yaml"]
    for p in sorted(PLANS.rglob("*.yaml")):
        try:
            load_plan(p)
        except PlanError:
            continue
        out.append(p)
    return out


@pytest.mark.parametrize("path", _valid_test_plans(), ids=lambda p: p.name)
def test_every_valid_plan_validates(validator: Any, path: Path) -> None:
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(_instance(path))]
    assert errors == []


def test_schema_keys_are_the_loaders_keys() -> None:
    s = plan_schema()
    defs = s["$defs"]
    assert list(s["properties"]) == list(plan_module._TOP_KEYS)
    assert list(defs["plan"]["properties"]) == list(plan_module._PLAN_KEYS)
    assert list(defs["tiltak"]["properties"]) == list(plan_module._TILTAK_KEYS)
    assert list(defs["hendelse"]["properties"]) == list(plan_module._HENDELSE_KEYS)
    assert list(defs["naar"]["properties"]) == list(naar.NAAR_KEYS)
    assert defs["hendelse"]["required"] == list(plan_module._HENDELSE_REQUIRED)


def _edit(tmp_path: Path, old: str, new: str) -> Path:
    text = (PLANS / "fjellbygd" / "plan.yaml").read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "plan.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    (tmp_path / "skolerute-2026-27.csv").write_bytes((PLANS / "fjellbygd" / "skolerute-2026-27.csv").read_bytes())
    return path


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("        sted: Fjellbygd barnehage\n", "        stedd: Fjellbygd barnehage\n"),  # unknown key
        ("måneder: [april], dag: siste tirsdag", "måneder: [aprill], dag: siste tirsdag"),  # bad month
        ("måneder: [april], dag: siste tirsdag", "måneder: [4], dag: siste tirsdag"),  # a number is no month
        ("  kortnavn: BTI Fjellbygd\n", "  kortnavn: BTI Fjellbygd\n  farge: blå\n"),  # unknown plan key
        ("type: møte\n        når: {måneder: [april]", "type: samling\n        når: {måneder: [april]"),
        ("{navn: Vinterferie, uker: [9]}", "{navn: Vinterferie, uker: [54]}"),
    ],
)
def test_schema_and_loader_both_reject(validator: Any, tmp_path: Path, old: str, new: str) -> None:
    path = _edit(tmp_path, old, new)
    with pytest.raises(PlanError):
        load_plan(path)
    assert list(validator.iter_errors(_instance(path))), "the schema accepted what the loader rejects"


def test_bad_plan_corpus_unknown_keys_and_months_rejected_by_both(validator: Any) -> None:
    for name in ("unknown_key_ansvarr.yaml", "unknown_month_name.yaml", "number_as_month.yaml",
                 "unknown_type.yaml", "mapping_for_list.yaml"):  # fmt: skip
        path = HERE / "bad_plans" / name
        with pytest.raises(PlanError):
            load_plan(path)
        assert list(validator.iter_errors(_instance(path))), name


def test_ny_writes_a_plan_that_passes_check_and_the_schema(run, validator: Any, tmp_path: Path) -> None:
    target = tmp_path / "plan.yaml"
    r = run("ny", str(target), today=None)
    assert r.exit_code == 0, r.output
    assert target.read_text(encoding="utf-8").startswith("# yaml-language-server: $schema=plan.schema.json\n")
    plan = load_plan(target)
    assert find_warnings(plan, date(2026, 12, 1)) == []
    assert list(validator.iter_errors(_instance(target))) == []
    rules = {type(h.naar).__name__ for t in plan.tiltak for h in t.hendelser}
    assert rules == {"Maanedlig", "Ukentlig", "Relativ", "Ukenummer", "EtterAarsdato", "Enkeltdato",
                     "EtterDato", "RRegel", "Vindu", "FoerFerie"}  # fmt: skip
    assert len(plan.virksomheter) == 3
    c = run("check", plan=target)
    assert c.exit_code == 0 and "Ingen advarsler." in c.stdout


def test_ny_refuses_to_overwrite(run, tmp_path: Path) -> None:
    target = tmp_path / "plan.yaml"
    target.write_text("min egen plan\n", encoding="utf-8")
    r = run("ny", str(target), today=None)
    assert r.exit_code != 0
    assert "finnes allerede" in r.stderr
    assert target.read_text(encoding="utf-8") == "min egen plan\n"


def test_schema_command_prints_the_schema(run) -> None:
    r = run("schema", today=None)
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert data["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert data == plan_schema()


_NAVN = re.compile(r"\bSel\b|Tidlig innsats", re.IGNORECASE)
# The ICS modules are checked apart: moving their calendar names and PRODID to the plan's
# names is separate work, and this keeps its failure separate too.
_VENTER_PAA_ICS = {"render/ics.py", "cli/ics.py", "services/ics_export.py"}


def _names_in_package() -> dict[str, list[str]]:
    package = REPO / "aarshjul"
    found: dict[str, list[str]] = {}
    for path in sorted(package.rglob("*.py")):
        rel = path.relative_to(package).as_posix()
        if rel.startswith("data/"):
            continue
        hits = [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if _NAVN.search(line)]
        if hits:
            found[rel] = hits
    return found


def test_nothing_in_the_package_names_sel_or_tidlig_innsats() -> None:
    found = {k: v for k, v in _names_in_package().items() if k not in _VENTER_PAA_ICS}
    assert found == {}


def test_ics_modules_do_not_name_sel_either() -> None:
    assert {k: v for k, v in _names_in_package().items() if k in _VENTER_PAA_ICS} == {}


def test_wheel_title_comes_from_the_plan(run) -> None:
    import xml.etree.ElementTree as ET

    r = run("wheel", "--år", "2027", "-o", "-", plan=PLANS / "fjellbygd" / "plan.yaml")
    assert r.exit_code == 0, r.output
    root = ET.fromstring(r.stdout_bytes)
    title = root.find("{http://www.w3.org/2000/svg}title")
    assert title is not None and (title.text or "").startswith("Årshjul BTI Fjellbygd – ")


def test_the_shipped_plans_wheel_is_titled_by_its_kortnavn(run) -> None:
    import xml.etree.ElementTree as ET

    r = run("wheel", "--skoleår", "2026/27", "-o", "-", plan=REPO / "data" / "plan.yaml")
    assert r.exit_code == 0, r.output
    title = ET.fromstring(r.stdout_bytes).find("{http://www.w3.org/2000/svg}title")
    assert title is not None and (title.text or "").startswith("Årshjul Tidlig innsats – ")
