"""A `når:` that is almost right says which form was probably meant, with the user's own values."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_plan_load import GOOD, problems

REGEL = "når: {måneder: [mars], dag: første tirsdag}"


def _melding(tmp_path: Path, naar: str) -> str:
    [msg] = problems(tmp_path, GOOD.replace(REGEL, naar))
    assert msg.startswith(f"{tmp_path / 'plan.yaml'}:17:")
    return msg


def test_innen_alene_foreslaar_aarlig_frist_og_engangsdato_med_brukerens_dato(tmp_path: Path) -> None:
    msg = _melding(tmp_path, "når: {innen: 15. juni}")
    assert "må ha nøyaktig én av" in msg
    assert "«innen» hører til «etter:» eller «etter_dato:»" in msg
    assert "«når: {måneder: [juni], dag: 15}»" in msg
    assert "«når: {dato: 15.06.ÅÅÅÅ}»" in msg


@pytest.mark.parametrize(
    ("innen", "aarlig", "engang"),
    [
        ("15.06", "måneder: [juni], dag: 15", "dato: 15.06.ÅÅÅÅ"),
        ("1. september", "måneder: [september], dag: 1", "dato: 01.09.ÅÅÅÅ"),
        ("15.06.2027", "måneder: [juni], dag: 15", "dato: 15.06.2027"),
        ("snart", "måneder: [juni], dag: 15", "dato: 15.06.2027"),  # not a day: a plain example
    ],
)
def test_innen_med_andre_verdier(tmp_path: Path, innen: str, aarlig: str, engang: str) -> None:
    msg = _melding(tmp_path, f"når: {{innen: '{innen}', hvert_år: 1}}")
    assert f"«når: {{{aarlig}}}»" in msg and f"«når: {{{engang}}}»" in msg


def test_dag_alene_peker_paa_maaneder_eller_uker(tmp_path: Path) -> None:
    assert "«når: {måneder: [september], dag: 15}»" in _melding(tmp_path, "når: {dag: 15}")
    msg = _melding(tmp_path, "når: {dag: mandag}")
    assert "«når: {ukentlig: mandag}»" in msg and "«når: {uker: [36, 37, 38], dag: mandag}»" in msg


def test_andre_nabonokler_uten_form(tmp_path: Path) -> None:
    assert "hører til «måneder:» eller «innen_utgangen_av:»" in _melding(tmp_path, "når: {startår: 2026}")
    assert "hører til «rrule:»" in _melding(tmp_path, "når: {start: 01.08.2026}")
    assert "For eksempel «når: {måneder: [september], dag: 15}»" in _melding(tmp_path, "når: {}")


def test_to_former_sier_fortsatt_hvilke(tmp_path: Path) -> None:
    msg = _melding(tmp_path, "når: {dato: 01.01.2027, ukentlig: mandag}")
    assert msg.endswith("men har ukentlig, dato.")


def test_et_ukespenn_i_uker_sier_hvordan_listen_skrives(tmp_path: Path) -> None:
    [msg] = problems(tmp_path, GOOD.replace(REGEL, "når: {uker: [36-38], dag: mandag}"))
    assert "plan.yaml:17:" in msg
    assert "«36-38» leses som tekst, ikke som ukene 36 til 38" in msg
    assert "«uker: [36, 37, 38]»" in msg and "«fra_uke: 36, til_uke: 38»" in msg


def test_annen_tekst_i_uker_viser_en_liste(tmp_path: Path) -> None:
    [msg] = problems(tmp_path, GOOD.replace(REGEL, "når: {uker: [høst], dag: mandag}"))
    assert "«uker» er en liste med ukenummer, f.eks. «uker: [36, 37, 38]»" in msg
