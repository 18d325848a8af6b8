"""Parse: intermediate document → canonical ``Report`` (sections, tables, facts)."""

from __future__ import annotations

from gongkai.parse.report import parse_document

__all__ = ["parse_document"]
