"""Nothing of Sel kommune in what a user of another kommune's plan sees.

The shipped example plan is Sel kommune's; headings and help texts once said
«Fellesevaluering», «rådmannsledelsen» and «pmto.evaluering…» to everyone. Headings now
come from the loaded plan (`rapport_tittel`, `ledelse`), help examples are placeholders,
and a command that publishes on the built-in plan says so on stderr.
"""

from __future__ import annotations

import re
from datetime import date
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


def test_ics_med_plan_i_aarshjul_toml_sier_ingenting(run, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from aarshjul.plan.planfile import default_plan_path

    toml = tmp_path / "aarshjul.toml"
    toml.write_text(f'plan = "{default_plan_path().as_posix()}"\n', encoding="utf-8")
    monkeypatch.setenv("AARSHJUL_CONFIG", str(toml))
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


# --- another kommune's plan: no trace of Sel anywhere --------------------------------------

# «Sel» whole-word and case-sensitive (the noun «sel» is not a risk in bokmål output, but
# «Selvstendig» and «select» must not match); the rest case-insensitive anywhere.
_SEL = re.compile(r"\bSel\b|rådmann|pmto|fellesevaluering|samba|kvello|kap\. 5\.2", re.IGNORECASE)


def _sel_spor(tekst: str) -> list[str]:
    return [m.group(0) for m in _SEL.finditer(tekst) if m.group(0) != "sel"]


@pytest.mark.parametrize(("plan", "virksomhet", "rapport_tittel"), [
    (FJELLBYGD, "skole", "Rapport for BTI Fjellbygd, skoleåret 2026/27"),
    # Without kortnavn, and a navn that starts with «Årshjul».
    (PLANS / "fjordvik" / "plan.yaml", "vik_skole", "Rapport for Årshjul for oppvekst, skoleåret 2026/27"),
])  # fmt: skip
def test_ingen_kommando_viser_sel_for_en_annen_kommunes_plan(
    run, tmp_path: Path, plan: Path, virksomhet: str, rapport_tittel: str
) -> None:
    from aarshjul.cli import KOMMANDOER

    utdata: dict[str, str] = {}
    for navn in ["", *(k[0] for k in KOMMANDOER)]:
        args = [navn, "--help"] if navn else ["--help"]
        r = run(*args, plan=plan)
        assert r.exit_code == 0, (navn, r.output)
        utdata[f"{navn} --help"] = r.output
        # A help text cannot read the plan: its examples are placeholders, not Sel's units.
        assert not re.search(r"(--virksomhet|-v) (barnehage|skole|ppt)\b", r.output), (navn, r.output)
    kommandoer = [
        ("rapport",), ("rapport", "--format", "html"), ("status",), ("next",), ("calendar",), ("tiltak",),
        ("virksomheter",), ("check",), ("ferier",), ("digest", "--virksomhet", virksomhet), ("ics", "-o", "-"),
        ("wheel", "-o", "-"),
    ]  # fmt: skip
    for args in kommandoer:
        r = run(*args, plan=plan)
        assert r.exit_code == 0, (args, r.output)
        utdata[" ".join(args)] = r.output
    assert rapport_tittel in utdata["rapport"]
    assert "Merk:" not in utdata["ics -o -"]

    mappe = tmp_path / "nett"
    r = run("publiser", "-o", str(mappe), plan=plan)
    assert r.exit_code == 0, r.output
    utdata["publiser"] = r.output
    sider = sorted(mappe.rglob("*.html"))
    assert len(sider) > 3
    for side in sider:
        utdata[side.name] = side.read_text(encoding="utf-8")

    funnet = {hva: _sel_spor(tekst) for hva, tekst in utdata.items() if _sel_spor(tekst)}
    assert funnet == {}


def test_nettappen_sier_ledelsen_og_rapport_for_en_annen_kommunes_plan(tmp_path: Path) -> None:
    pytest.importorskip("flask")
    from aarshjul.services.lenker import lag_token
    from aarshjul.web import WebOppsett, create_app

    noekkel = b"k" * 32
    app = create_app(WebOppsett(FJELLBYGD, tmp_path / "k.sqlite", noekkel, idag=lambda: date(2026, 11, 25)))
    app.testing = True
    klient = app.test_client()
    url = f"/lenke/{lag_token(noekkel, None, 30, admin=True)}"
    side = klient.get(url).text
    assert "ledelsen" in side
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', side)
    assert csrf is not None
    assert klient.post(url, data={"csrf_token": csrf.group(1)}).status_code == 303
    mine = klient.get("/mine").text
    rapport = klient.get("/rapport").text
    assert "Logget inn som Ledelsen." in mine
    assert "<h1>Rapport for BTI Fjellbygd, skoleåret 2026/27</h1>" in rapport
    assert _sel_spor(side + mine + rapport) == []


def test_kvittering_med_lenken_for_ledelsen_sier_hvem_planen_kaller_ledelsen(real_plan) -> None:
    from dataclasses import replace

    from aarshjul.services.signoff import kilde_tekst

    assert kilde_tekst(real_plan, "lenke:admin") == "med rådmannsledelsens personlige lenke"
    assert kilde_tekst(replace(real_plan, ledelse=None), "lenke:admin") == "med ledelsens personlige lenke"
    assert kilde_tekst(replace(real_plan, ledelse="kommunedirektørens ledergruppe"), "lenke:admin") == (
        "med kommunedirektørens ledergruppes personlige lenke"
    )
