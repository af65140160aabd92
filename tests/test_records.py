"""`@record` behaves as `@dataclass(frozen=True)` (aarshjul/records.py, issue 17 start-up)."""

from __future__ import annotations

import dataclasses
import pickle
from dataclasses import FrozenInstanceError, dataclass, field
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aarshjul import model
from aarshjul.records import record


@record
class Punkt:
    x: int
    y: int = 0
    navn: str | None = None


@dataclass(frozen=True)
class Tvilling:
    x: int
    y: int = 0
    navn: str | None = None


@record
class Ett:
    a: str


@record
class Tom:
    pass


@record
class MedFelt:
    a: int
    skjult: int = field(default=0, repr=False)
    ignorert: int = field(default=0, compare=False)
    liste: list[int] = field(default_factory=list, hash=False)


@dataclass(frozen=True)
class MedFeltTvilling:
    a: int
    skjult: int = field(default=0, repr=False)
    ignorert: int = field(default=0, compare=False)
    liste: list[int] = field(default_factory=list, hash=False)


verdier = st.tuples(st.integers(), st.integers(), st.none() | st.text(max_size=5))


@given(verdier, verdier)
def test_eq_hash_repr_as_a_frozen_dataclass(a: tuple[int, int, str | None], b: tuple[int, int, str | None]) -> None:
    pa, pb, ta, tb = Punkt(*a), Punkt(*b), Tvilling(*a), Tvilling(*b)
    assert (pa == pb) is (ta == tb) and (pa != pb) is (ta != tb)
    assert hash(pa) == hash(ta)  # both hash the tuple of fields
    assert repr(pa) == repr(ta).replace("Tvilling", "Punkt")
    assert dataclasses.astuple(pa) == dataclasses.astuple(ta)


def test_frozen_and_dataclass_api() -> None:
    p = Punkt(1, 2, "a")
    with pytest.raises(FrozenInstanceError):
        p.x = 5  # type: ignore[misc]
    with pytest.raises(FrozenInstanceError):
        del p.y  # type: ignore[misc]
    assert dataclasses.is_dataclass(p)
    assert [f.name for f in dataclasses.fields(p)] == ["x", "y", "navn"]
    assert dataclasses.replace(p, y=9) == Punkt(1, 9, "a")
    assert dataclasses.asdict(p) == {"x": 1, "y": 2, "navn": "a"}
    assert pickle.loads(pickle.dumps(p)) == p
    assert Punkt(1) == Punkt(1, 0, None) and Punkt(1) != Punkt(2)
    # Another class with the same fields is never equal (as dataclass: NotImplemented).
    assert Punkt(1) != Tvilling(1) and (Punkt(1) == (1, 0, None)) is False
    assert {Punkt(1), Punkt(1), Punkt(2)} == {Punkt(1), Punkt(2)}
    with pytest.raises(TypeError):
        Punkt()  # type: ignore[call-arg]


def test_one_field_and_no_field() -> None:
    assert Ett("a") == Ett("a") and Ett("a") != Ett("b")
    assert hash(Ett("a")) == hash(("a",)) and repr(Ett("a")) == "Ett(a='a')"
    assert Tom() == Tom() and hash(Tom()) == hash(()) and repr(Tom()) == "Tom()"


def test_field_options_as_dataclass() -> None:
    a, b = MedFelt(1, 2, 3, [4]), MedFeltTvilling(1, 2, 3, [4])
    assert repr(a) == repr(b).replace("MedFeltTvilling", "MedFelt")
    assert MedFelt(1, ignorert=1) == MedFelt(1, ignorert=2)  # compare=False
    assert MedFelt(1, skjult=1) != MedFelt(1, skjult=2)
    assert hash(MedFelt(1, 2, 3, [4])) == hash(MedFeltTvilling(1, 2, 3, [9]))  # hash=False, compare=False


def test_a_class_that_defines_its_own_eq_is_refused() -> None:
    with pytest.raises(TypeError, match="__eq__"):

        @record
        class Egen:
            a: int

            def __eq__(self, other: object) -> bool:
                return True


def test_the_model_is_made_of_records() -> None:
    f = model.Forekomst(
        id="samba.mote.2026-12-15", nokkel="samba.mote.2026-12", periode="2026-12", dato=date(2026, 12, 15),
        tiltak_id="samba", tiltak_navn="SAMBA", hendelse_id="mote", tittel="SAMBA-møte",
        type=model.HendelseType.MOTE, ansvar=("ppt",), deltakere=("skole",), kilde="Kapittel 7.2", varsel=14,
    )  # fmt: skip
    assert f == dataclasses.replace(f) and hash(f) == hash(dataclasses.replace(f))
    assert f != dataclasses.replace(f, dato=date(2026, 12, 8))
    assert repr(f).startswith("Forekomst(id='samba.mote.2026-12-15', nokkel='samba.mote.2026-12', ")
    with pytest.raises(FrozenInstanceError):
        f.dato = date(2027, 1, 1)  # type: ignore[misc]
