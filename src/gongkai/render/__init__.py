"""Renderers: a canonical ``Report`` written out as the documents agencies publish."""

from __future__ import annotations
