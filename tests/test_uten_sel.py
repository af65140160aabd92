"""Nothing of Sel kommune in what a user of another kommune's plan sees.

The shipped example plan is Sel kommune's; headings and help texts once said
«Fellesevaluering», «rådmannsledelsen» and «pmto.evaluering…» to everyone. Headings now
come from the loaded plan (`rapport_tittel`, `ledelse`), help examples are placeholders,
and a command that publishes on the built-in plan says so on stderr.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import PLANS

from aarshjul.render.common import aarshjul_tittel

FJELLBYGD = PLANS / "fjellbygd" / "plan.yaml"


# --- calendar names do not say «Årshjul» twice ---------------------------------------------


@pytest.mark.parametrize(
    ("navn", "tittel"),
    [
        (None, "Årshjul"),
        ("Tidlig innsats", "Årshjul Tidlig innsats"),
        ("Årshjul for oppvekst", "Årshjul for oppvekst"),
        ("årshjul oppvekst", "årshjul oppvekst"),
        ("ÅRSHJUL 2027", "ÅRSHJUL 2027"),
    ],
)
def test_aarshjul_tittel_sier_ordet_en_gang(navn: str | None, tittel: str) -> None:
    assert aarshjul_tittel(navn) == tittel


def _plan_uten_kortnavn(tmp_path: Path) -> Path:
    tekst = FJELLBYGD.read_text(encoding="utf-8")
    tekst = tekst.replace('  navn: "Plan for bedre tverrfaglig innsats"\n', "  navn: Årshjul for oppvekst\n")
    tekst = tekst.replace("  kortnavn: BTI Fjellbygd\n", "")
    assert "Årshjul for oppvekst" in tekst and "kortnavn" not in tekst.split("virksomheter:")[0]
    plan = tmp_path / "plan.yaml"
    plan.write_text(tekst, encoding="utf-8")
    for fil in FJELLBYGD.parent.iterdir():  # the skolerute CSV beside it
        if fil.name != "plan.yaml":
            (tmp_path / fil.name).write_bytes(fil.read_bytes())
    return plan


def test_kalendernavn_uten_kortnavn_gjentar_ikke_aarshjul(run, tmp_path: Path) -> None:
    plan = _plan_uten_kortnavn(tmp_path)
    result = run("ics", "-o", "-", plan=plan)
    assert result.exit_code == 0, result.output
    assert "X-WR-CALNAME:Årshjul for oppvekst" in result.stdout
    assert "Årshjul Årshjul" not in result.stdout


# --- the built-in plan is named when a command publishes on it -----------------------------

MERK = "Merk: bruker eksempelplanen som følger med (Sel kommune)."


def test_ics_uten_plan_sier_at_den_bruker_eksempelplanen(run) -> None:
    result = run("ics", "--virksomhet", "ppt", "-o", "-")
    assert result.exit_code == 0, result.output
    assert MERK in result.stderr and "--plan FIL eller AARSHJUL_PLAN" in result.stderr
    assert "Merk" not in result.stdout and result.stdout.startswith("BEGIN:VCALENDAR")


def test_ics_med_plan_sier_ingenting(run) -> None:
    from aarshjul.plan.planfile import default_plan_path

    result = run("ics", "--virksomhet", "ppt", "-o", "-", plan=default_plan_path())
    assert result.exit_code == 0, result.output
    assert "Merk" not in result.stderr


def test_ics_med_aarshjul_plan_sier_ingenting(run, monkeypatch: pytest.MonkeyPatch) -> None:
    from aarshjul.plan.planfile import default_plan_path

    monkeypatch.setenv("AARSHJUL_PLAN", str(default_plan_path()))
    result = run("ics", "--virksomhet", "ppt", "-o", "-")
    assert result.exit_code == 0, result.output
    assert "Merk" not in result.stderr


def test_next_uten_plan_sier_ingenting(run) -> None:
    result = run("next", "--virksomhet", "ppt")
    assert result.exit_code == 0, result.output
    assert "Merk" not in result.stderr


def test_digest_uten_plan_endrer_ikke_stdout_eller_koden(run) -> None:
    from aarshjul.plan.planfile import default_plan_path

    med = run("digest", "--virksomhet", "ppt", plan=default_plan_path())
    uten = run("digest", "--virksomhet", "ppt")
    assert (uten.exit_code, uten.stdout) == (med.exit_code, med.stdout)
    assert MERK in uten.stderr and "Merk" not in med.stderr
