"""Results computed from the store, kept in it for every process that serves it: a region's
dashboard or list page is computed once after each change, whichever process is asked first."""

from __future__ import annotations

import hashlib

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from gongkai.store.db import Store
from gongkai.store.records import utcnow
from gongkai.store.schema import ComputedResult


def result_key(*parts: object) -> str:
    """A fixed-length key for what was computed and for whom (the parts' ``repr``)."""
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def load_computed(s: Session, key: str, stamp: str, max_age_s: float) -> str | None:
    """The stored value of ``key`` if it was computed at ``stamp`` (the store unchanged since)
    and at most ``max_age_s`` ago."""
    row = s.execute(
        select(ComputedResult.stamp, ComputedResult.value, ComputedResult.computed_at).where(ComputedResult.key == key)
    ).first()
    if row is None or row.stamp != stamp or (utcnow() - row.computed_at).total_seconds() > max_age_s:
        return None
    return str(row.value)


def save_computed(store: Store, key: str, stamp: str, value: str) -> None:
    """Keep ``value`` for ``key`` (replacing an older one). Another process saving the same key
    at the same moment wins: its value is as good."""
    try:
        with store.session() as s:
            s.execute(delete(ComputedResult).where(ComputedResult.key == key))
            s.add(ComputedResult(key=key, stamp=stamp, value=value, computed_at=utcnow()))
    except IntegrityError:
        pass
