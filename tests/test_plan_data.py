"""The shipped plan says what the handlingsplan says.

Each test names the plan's words (section and quote) it pins, so a reader can check
data/plan.yaml against ../shared/seeds (the plan text) in one pass. docs/plikter.md lists
every duty with its plan.yaml id.
"""

from __future__ import annotations

import json
from datetime import date

from aarshjul.engine.expand import expand
from aarshjul.model import HendelseType, Plan


def _hendelse(plan: Plan, tiltak_id: str, hendelse_id: str):
    tiltak = plan.finn_tiltak(tiltak_id)
    assert tiltak is not None, tiltak_id
    return next(h for h in tiltak.hendelser if h.id == hendelse_id)


def test_kompetanseheving_is_three_rows_with_their_owners(real_plan: Plan) -> None:
    """Kap. 11, «Systematisk kompetanseheving på tvers»: three rows.

    1. «Systematisk kompetanseheving på tvers» – «En gang i året» – «Rådmannsledelsen» –
       «Evalueres innen en måned etter tiltaket er gjennomført».
    2. «Felles arbeidsseminar for å implementere kompetanseheving» – «Minimum 4. ganger i
       året» – «Samordningsgruppa» – «Evalueres innen 6 måned etter».
    3. «Lærende møter i virksomhetene med tema» – «Inkluderes i virksomhetenes interne
       samarbeidsmøter» – «Virksomhetsledere/fagledere» (no date: not a hendelse).
    """
    aarlig = _hendelse(real_plan, "kompetanseheving", "aarlig")
    assert aarlig.tittel.startswith("Systematisk kompetanseheving på tvers")
    assert aarlig.ansvar == ("raadmannsledelsen",)
    assert aarlig.antatt is not None and "en gang i året" in aarlig.antatt
    evaluering = _hendelse(real_plan, "kompetanseheving", "aarlig_evaluering")
    assert evaluering.type is HendelseType.EVALUERING
    assert evaluering.naar.etter == "kompetanseheving.aarlig"
    assert evaluering.naar.innen_tekst == "1 måned"

    seminar = _hendelse(real_plan, "kompetanseheving", "arbeidsseminar")
    assert seminar.tittel == "Felles arbeidsseminar for å implementere kompetanseheving"
    assert seminar.ansvar == ("samordningsgruppa",)
    assert seminar.minimum_per_aar == 4
    seminar_eval = _hendelse(real_plan, "kompetanseheving", "arbeidsseminar_evaluering")
    assert seminar_eval.naar.etter == "kompetanseheving.arbeidsseminar"
    assert seminar_eval.naar.innen_tekst == "6 måneder"
    assert seminar_eval.ansvar == ("samordningsgruppa",)

    # Row 3 is no dated hendelse: the lærende møter belong to each unit's own leader, not
    # to four samordningsgruppa meetings every unit merely takes part in.
    tiltak = real_plan.finn_tiltak("kompetanseheving")
    assert tiltak is not None
    assert not any("Lærende møte" in h.tittel for h in tiltak.hendelser)


def test_kompetanseheving_2026_27_once_a_year_and_four_seminars(real_plan: Plan) -> None:
    forekomster = expand(real_plan, date(2026, 8, 1), date(2027, 8, 1))
    aarlig = [f.dato for f in forekomster if f.tiltak_id == "kompetanseheving" and f.hendelse_id == "aarlig"]
    seminarer = [f.dato for f in forekomster if f.hendelse_id == "arbeidsseminar"]
    assert aarlig == [date(2026, 8, 13)]  # second Thursday of August (our choice, antatt)
    assert [d.month for d in seminarer] == [9, 11, 12, 3]


def test_mobbing_tiltak_has_the_plans_name(real_plan: Plan) -> None:
    """Kap. 11: «Tiltaksplan for barnehage og skole i forhold til mobbing og krenkende atferd»."""
    tiltak = real_plan.finn_tiltak("mobbing")
    assert tiltak is not None
    assert tiltak.navn == "Tiltaksplan for barnehage og skole i forhold til mobbing og krenkende atferd"


def test_fellesevaluering_yearly_repeat_is_marked_as_our_choice(real_plan: Plan) -> None:
    """Kap. 11: «En fellesevaluering vil rådmannsledelsen sammenfatte» – one, no time."""
    h = _hendelse(real_plan, "implementering", "fellesevaluering")
    assert h.antatt is not None
    assert "«en fellesevaluering»" in h.antatt and "gjentas hvert år" in h.antatt


def test_frist_1_1_19_moves_only_for_the_holiday(run) -> None:
    """8.1.5: «Frist 1.1.19.» 01.01.2019 is nyttårsdag, so the frist is the working day before,
    Monday 31.12.2018. The plan names no closed days, so none moves it further."""
    r = run("calendar", "--skoleår", "2018/19", "--format", "tekst")
    assert r.exit_code == 0, r.output
    assert "flyttet fra 01.01.2019 (nyttårsdag)" in r.stdout
    assert "stengt" not in r.stdout
    r = run("calendar", "--skoleår", "2018/19", "--format", "json")
    kjent = next(o for o in json.loads(r.stdout) if o["tiltak"] == "implementering" and o["hendelse"] == "kjent")
    assert kjent["dato"] == "2018-12-31" and kjent["flyttet_fra"] == "2019-01-01"


def test_waiting_date_is_said_the_way_a_leader_would(run) -> None:
    """Kap. 11, Aktivitetshus: «Evalueringsplan kommer på plass når aktivitetshuset er i drift»."""
    r = run("digest", "--fra", "30.11.2026")
    assert r.exit_code == 0, r.output
    assert "når aktivitetshuset er i drift" in r.stdout
    assert "innen 0 dager" not in r.stdout


def test_every_id_in_docs_plikter_exists_in_the_plan(real_plan: Plan) -> None:
    """docs/plikter.md lists every duty of the plan with its plan.yaml id: keep them true."""
    import re

    from conftest import REPO

    text = (REPO / "docs" / "plikter.md").read_text(encoding="utf-8")
    known = {f"{t.id}.{h.id}" for t in real_plan.tiltak for h in t.hendelser}
    known |= {f"{t.id}.{u.id}" for t in real_plan.tiltak for u in t.uten_dato}
    cited = set(re.findall(r"`([a-z_]+\.[a-z_]+)`", text)) - {"tiltak.hendelse", "tiltak.id"}
    assert cited, "fant ingen id-er i docs/plikter.md"
    assert sorted(cited - known) == []
    # And every hendelse and duty of the plan is in the list.
    assert sorted(known - cited) == []
