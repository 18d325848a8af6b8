"""Store: a database of reports (SQLite by default, PostgreSQL supported), batch ingest,
checks across reports, queries and exports."""

from __future__ import annotations

from gongkai.store.db import Store, resolve_url

__all__ = ["Store", "resolve_url"]
