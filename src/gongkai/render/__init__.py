"""Renderers: a Report as DOCX (and, from other modules, HTML and text)."""
