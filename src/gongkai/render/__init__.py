"""Renderers: a ``Report`` in the official layout as DOCX, PDF, HTML and Markdown (and, for
the synthetic corpus, the text shapes reports are found in). Every one draws the tables from
``render.layout``."""

from __future__ import annotations

import os
import tempfile

from gongkai.model.report import Report

RENDER_FORMATS: tuple[str, ...] = ("docx", "pdf", "html", "md")
SUFFIX_FORMATS = {".docx": "docx", ".pdf": "pdf", ".html": "html", ".htm": "html", ".md": "md", ".markdown": "md"}


def format_of(path: str) -> str | None:
    return SUFFIX_FORMATS.get(os.path.splitext(path)[1].lower())


def render_file(report: Report, path: str, fmt: str | None = None, official_fonts: bool = False) -> None:
    """Write ``report`` to ``path`` in ``fmt`` (from the suffix when None), whole or not at all:
    the file appears only once complete."""
    fmt = fmt or format_of(path)
    if fmt not in RENDER_FORMATS:
        raise ValueError(f"不支持的输出格式：{fmt}（可用：{'、'.join(RENDER_FORMATS)}）")
    folder = os.path.dirname(os.path.abspath(path))
    with tempfile.TemporaryDirectory(dir=folder, prefix=".gongkai-render-") as d:
        tmp = os.path.join(d, "report." + ("md" if fmt == "md" else fmt))
        if fmt in ("docx", "pdf"):
            from gongkai.render.docx import render_official_docx

            docx = os.path.join(d, "report.docx")
            render_official_docx(report, docx, official_fonts)
            if fmt == "pdf":
                from gongkai.render.pdf import docx_files_to_pdf

                docx_files_to_pdf([docx], d)
        elif fmt == "html":
            from gongkai.render.html import render_official_html

            with open(tmp, "w", encoding="utf-8") as f:
                f.write(render_official_html(report))
        else:
            from gongkai.render.text import render_official_markdown

            with open(tmp, "w", encoding="utf-8") as f:
                f.write(render_official_markdown(report))
        os.replace(tmp, path)


__all__ = ["RENDER_FORMATS", "format_of", "render_file"]
