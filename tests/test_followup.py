"""Follow-up core: status rules, the overdue list, ids, on the real plan.

PMTO's yearly evaluation is due by the end of March: 31.03.2027 (a Wednesday).
"""

from __future__ import annotations

from datetime import date

import pytest

from aarshjul.engine.followup import Status, finn_forekomst, forfalte, status_for
from aarshjul.engine.select import med_oppfoelging
from aarshjul.model import KVITTERT
from aarshjul.storage.store import ny_kvittering

PMTO_ID = "pmto.evaluering.2027-03-31"
PMTO_NOKKEL = "pmto.evaluering.2027-03"


def test_pmto_due_31_03_2027_has_a_month_key(real_plan) -> None:
    f = finn_forekomst(real_plan, PMTO_ID, date(2026, 12, 1))
    assert (f.dato, f.nokkel) == (date(2027, 3, 31), PMTO_NOKKEL)
    assert finn_forekomst(real_plan, PMTO_NOKKEL, date(2026, 12, 1)) == f
    assert finn_forekomst(real_plan, "pmto.evaluering 2026/27", date(2026, 12, 1)) == f
    assert finn_forekomst(real_plan, "pmto.evaluering.2026-27", date(2026, 12, 1)) == f


def test_status_rules(real_plan) -> None:
    f = finn_forekomst(real_plan, PMTO_ID, date(2026, 12, 1))
    assert status_for(real_plan, f, {}, date(2027, 3, 31)).status is Status.KOMMENDE
    o = status_for(real_plan, f, {}, date(2027, 4, 5))
    assert (o.status, o.dager_forfalt) == (Status.FORFALT, 5)
    i_tide = {PMTO_NOKKEL: [ny_kvittering(PMTO_NOKKEL, KVITTERT, date(2027, 3, 25))]}
    o = status_for(real_plan, f, i_tide, date(2027, 4, 5))
    assert (o.status, o.for_sent) == (Status.UTFOERT, False)
    sent = {PMTO_NOKKEL: [ny_kvittering(PMTO_NOKKEL, KVITTERT, date(2027, 4, 2))]}
    assert status_for(real_plan, f, sent, date(2027, 4, 5)).for_sent
    # A meeting is never forfalt: SAMBA met 16.03.2027 (third Tuesday of March).
    samba = finn_forekomst(real_plan, "samba.mote.2027-03", date(2026, 12, 1))
    assert samba.dato == date(2027, 3, 16)
    assert status_for(real_plan, samba, {}, date(2027, 4, 5)).status is Status.PASSERT


def test_forfalte_lists_the_unsigned_deadline_oldest_first(real_plan) -> None:
    rader = forfalte(real_plan, date(2027, 4, 5), {}, ["pmto"])
    assert PMTO_ID in [o.forekomst.id for o in rader if o.forekomst]
    datoer = [o.forekomst.dato for o in rader if o.forekomst]
    assert datoer == sorted(datoer)
    signed = {PMTO_NOKKEL: [ny_kvittering(PMTO_NOKKEL, KVITTERT, date(2027, 3, 25))]}
    assert PMTO_ID not in [o.forekomst.id for o in forfalte(real_plan, date(2027, 4, 5), signed, ["pmto"]) if o.forekomst]


def test_unknown_id_names_the_closest(real_plan) -> None:
    from aarshjul.errors import UsageError

    with pytest.raises(UsageError, match=r"Ukjent forekomst «pmto.evaluering.2027-03-30».*pmto.evaluering.2027-03-31"):
        finn_forekomst(real_plan, "pmto.evaluering.2027-03-30", date(2026, 12, 1))
    with pytest.raises(UsageError, match=r"Nærmeste: pmto.evaluering"):
        finn_forekomst(real_plan, "pmto.evalering", date(2026, 12, 1))
    with pytest.raises(UsageError, match=r"passer på 4 forekomster"):  # SAMBA meets four times a year
        finn_forekomst(real_plan, "samba.mote 2026/27", date(2026, 12, 1))




def test_digest_of_week_14_of_2027_has_pmto_forfalt_5_days(real_plan) -> None:
    from aarshjul.engine.digest import build_digest
    from aarshjul.render.digest import render_text

    annen = {"samba.mote.2027-03": [ny_kvittering("samba.mote.2027-03", KVITTERT, date(2027, 3, 16))]}
    d = build_digest(real_plan, date(2027, 4, 5), 1, ["barnevern"], annen)
    pmto = next(r for r in d.forfalte if r.forekomst.id == PMTO_ID)
    assert pmto.oppfoelging is not None and pmto.oppfoelging.dager_forfalt == 5
    assert "  - 31.03.2027, forfalt i 5 dager: PMTO – Årlig evaluering av PMTO\n" in render_text(d)
    # Without sign-offs in use (no database) there is no Forfalt section at all.
    assert build_digest(real_plan, date(2027, 4, 5), 1, ["barnevern"]).forfalte == ()


def test_next_rows_with_follow_up(real_plan) -> None:
    from aarshjul.engine.select import upcoming

    signed = {PMTO_NOKKEL: [ny_kvittering(PMTO_NOKKEL, KVITTERT, date(2027, 3, 25))]}
    rader = upcoming(real_plan, date(2027, 3, 25), date(2027, 3, 28), ["barnevern"])
    assert PMTO_ID in [r.forekomst.id for r in rader if r.tidlig_varsel]
    med = med_oppfoelging(real_plan, rader, signed, date(2027, 3, 25), date(2027, 3, 25), ["barnevern"])
    assert PMTO_ID not in [r.forekomst.id for r in med]
    forfalt = [r for r in med if r.forfalt]
    assert forfalt and all(r.forekomst.dato < date(2027, 3, 25) for r in forfalt)
    assert med[: len(forfalt)] == forfalt


def test_unknown_id_suggests_the_nearest_in_time_first(real_plan) -> None:
    """A typo in the day offered 2027-12-21 and 2022-12-20 beside the right meeting; the
    nearest occurrences to the day typed (or to today) now come first."""
    from aarshjul.errors import UsageError

    with pytest.raises(UsageError) as e:
        finn_forekomst(real_plan, "samba.mote.2026-12-02", date(2026, 11, 25))
    naermeste = e.value.message.split("Nærmeste: ", 1)[1].rstrip(".").split(", ")
    assert naermeste[0] == "samba.mote.2026-12-15"
    assert all(n.startswith(("samba.mote.2026-", "samba.mote.2027-0")) for n in naermeste), naermeste
    with pytest.raises(UsageError) as e:  # no day given: nearest to today, not the plan's last year
        finn_forekomst(real_plan, "pmto.evaluering", date(2026, 11, 25))
    assert "Nærmeste: pmto.evaluering.2027-03-31, pmto.evaluering.2026-03-31" in e.value.message


def test_unknown_week_id_explains_iso_weeks(real_plan) -> None:
    from aarshjul.errors import UsageError

    with pytest.raises(UsageError) as e:
        finn_forekomst(real_plan, "ressursteam.fast_dag.2026-11-24", date(2026, 11, 25))
    assert "Nærmeste: ressursteam.fast_dag.2026-11-26 (uke 2026-W48)" in e.value.message
    assert "Uke-regler kvitteres med ISO-uke, f.eks. 2026-W39 = uke 39 i 2026" in e.value.message
    # Both the week and the forekomst's date name the same occurrence.
    uke = finn_forekomst(real_plan, "ressursteam.fast_dag.2026-W48", date(2026, 11, 25))
    assert finn_forekomst(real_plan, "ressursteam.fast_dag.2026-11-26", date(2026, 11, 25)) == uke
