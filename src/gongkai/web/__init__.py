"""The web app: FastAPI with server-rendered Chinese pages (Jinja2, htmx served locally) and a
JSON API under ``/api``, over the store and the analysis functions the CLI uses too."""

from __future__ import annotations

from gongkai.web.app import create_app
from gongkai.web.config import Settings

__all__ = ["Settings", "create_app"]
