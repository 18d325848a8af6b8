"""Immutable records the readers and the parser make by the hundred for every report."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar, dataclass_transform

T = TypeVar("T")


@dataclass_transform(frozen_default=True)
def record(cls: type[T]) -> type[T]:
    """A frozen dataclass to the type checker (its fields read-only, compared and hashed by
    value), built as a plain one with slots: a frozen dataclass sets each field through
    ``object.__setattr__``, which makes it five times as slow to build, and the tables of a
    report make hundreds of units and cell readings, the readers a source for every line and
    cell. Nothing assigns their fields (mypy says so); a changed record is a new one
    (``dataclasses.replace``)."""
    return dataclass(slots=True, unsafe_hash=True)(cls)
