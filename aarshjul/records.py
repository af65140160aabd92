"""`@record`: a frozen dataclass that is cheaper to define (issue 17, start-up budget).

Every command is a fresh process, so class definitions are start-up time. On Python 3.11
`@dataclass(frozen=True)` compiles six functions per class with `exec` (__init__,
__repr__, __eq__, __hash__, __setattr__, __delattr__): ~0.5 ms a class, 14 ms for the
model's 18 classes, measured in-process as the best of 30 runs of the module's code
(1.7 ms of it is the module without any dataclass work). `__eq__`, `__hash__` and
`__repr__` depend only on the field names, so `record` writes them once, here, for every
class; dataclass still generates `__init__` and the frozen `__setattr__`/`__delattr__`.

A record behaves as `@dataclass(frozen=True)` does: the same constructor, fields,
defaults and `dataclasses.replace`/`fields`/`asdict`; assignment raises
FrozenInstanceError; equal when the class and every field are equal (compared as a tuple,
in field order); hash of that tuple; repr `Name(field=value, ...)`. tests/test_records.py
checks each against a plain frozen dataclass twin.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields
from operator import attrgetter
from typing import Any, TypeVar, dataclass_transform

T = TypeVar("T")


def _eq(self: Any, other: object) -> bool:
    sammenlign = self.__record_sammenlign__
    if other.__class__ is self.__class__:
        return sammenlign(self) == sammenlign(other)  # type: ignore[no-any-return]
    return NotImplemented


def _hash(self: Any) -> int:
    return hash(self.__record_hash__(self))


def _repr(self: Any) -> str:
    navn = self.__record_repr_felt__
    deler = ", ".join(f"{n}={v!r}" for n, v in zip(navn, self.__record_repr__(self), strict=True))
    return f"{self.__class__.__qualname__}({deler})"


def _tuppel(navn: tuple[str, ...]) -> Callable[[Any], tuple[Any, ...]]:
    """The fields' values as a tuple, by C code (attrgetter); one field gives a 1-tuple."""
    if not navn:
        return lambda _self: ()
    if len(navn) == 1:
        hent = attrgetter(navn[0])
        return lambda self: (hent(self),)
    return attrgetter(*navn)


@dataclass_transform(frozen_default=True)
def record(cls: type[T]) -> type[T]:
    """Use as `@record` where `@dataclass(frozen=True)` would be."""
    for metode in ("__eq__", "__hash__", "__repr__"):
        if metode in cls.__dict__:
            raise TypeError(f"{cls.__qualname__} defines {metode}; use @dataclass(frozen=True)")
    ny = dataclass(frozen=True, eq=False, repr=False)(cls)
    felt = fields(ny)  # type: ignore[arg-type]
    # The same fields dataclass itself would use for each method (field(compare=False) …).
    sammenlign = tuple(f.name for f in felt if f.compare)
    hashes = tuple(f.name for f in felt if (f.compare if f.hash is None else f.hash))
    vises = tuple(f.name for f in felt if f.repr)
    ny.__record_sammenlign__ = staticmethod(_tuppel(sammenlign))  # type: ignore[attr-defined]
    ny.__record_hash__ = staticmethod(_tuppel(hashes))  # type: ignore[attr-defined]
    ny.__record_repr__ = staticmethod(_tuppel(vises))  # type: ignore[attr-defined]
    ny.__record_repr_felt__ = vises  # type: ignore[attr-defined]
    ny.__eq__ = _eq  # type: ignore[method-assign,assignment]
    ny.__hash__ = _hash  # type: ignore[method-assign,assignment]
    ny.__repr__ = _repr  # type: ignore[method-assign,assignment]
    return ny
