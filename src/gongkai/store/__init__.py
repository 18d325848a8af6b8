"""Store: a database of reports (SQLite by default, PostgreSQL supported), batch ingest,
checks across reports, queries and exports.

``Store`` and ``resolve_url`` load SQLAlchemy on first use, so that importing a light module of
this package (``store.levels``) costs nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from gongkai.store.db import Store, resolve_url

__all__ = ["Store", "resolve_url"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from gongkai.store import db

        return getattr(db, name)
    raise AttributeError(f"module 'gongkai.store' has no attribute {name!r}")
