"""The model's nouns are frozen values: equal by their fields, hashable, immutable."""

from __future__ import annotations

import dataclasses
import pickle
from dataclasses import FrozenInstanceError
from datetime import date

import pytest

from aarshjul import model


def _forekomst() -> model.Forekomst:
    return model.Forekomst(
        id="samba.mote.2026-12-15", nokkel="samba.mote.2026-12", periode="2026-12", dato=date(2026, 12, 15),
        tiltak_id="samba", tiltak_navn="SAMBA", hendelse_id="mote", tittel="SAMBA-møte",
        type=model.HendelseType.MOTE, ansvar=("ppt",), deltakere=("skole",), kilde="Kapittel 7.2", varsel=14,
    )  # fmt: skip


def test_a_forekomst_is_a_frozen_value() -> None:
    f = _forekomst()
    assert f == dataclasses.replace(f) and hash(f) == hash(dataclasses.replace(f))
    assert f != dataclasses.replace(f, dato=date(2026, 12, 8))
    assert repr(f).startswith("Forekomst(id='samba.mote.2026-12-15', nokkel='samba.mote.2026-12', ")
    with pytest.raises(FrozenInstanceError):
        f.dato = date(2027, 1, 1)  # type: ignore[misc]
    with pytest.raises(FrozenInstanceError):
        del f.tittel  # type: ignore[misc]
    assert pickle.loads(pickle.dumps(f)) == f
    assert {f, dataclasses.replace(f), dataclasses.replace(f, id="x")} == {f, dataclasses.replace(f, id="x")}


def test_another_class_with_the_same_fields_is_never_equal() -> None:
    assert model.Enkeltdato(date(2027, 1, 1)) == model.Enkeltdato(date(2027, 1, 1))
    assert model.Enkeltdato(date(2027, 1, 1)) != model.Enkeltdato(date(2027, 1, 2))
    assert model.Enkeltdato(date(2027, 1, 1)) != (date(2027, 1, 1),)
    assert model.Ukentlig(0) != model.Ukenummer((), 0)
