"""A synthetic corpus: generated reports rendered in every format, damaged, as bytes.

``make_document(seed, fmt, damage)`` is deterministic; the returned ``GeneratedReport`` is
the truth the bytes must read back to (after damage that changes what the document shows).
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from dataclasses import dataclass

from gongkai.model.template import SECTIONS
from gongkai.render.html import render_html
from gongkai.render.pdf import docx_to_pdf
from gongkai.render.text import FILE_SUFFIX, TEXT_RENDERERS
from gongkai.testing.converters import CONVERTED_SUFFIX, CONVERTERS, cached_pdf
from gongkai.testing.damage import (
    APPLIES,
    TEXT_DAMAGES,
    added_row,
    blank_marks,
    blank_totals,
    blank_zeros,
    cell_units,
    gbk,
    headings_missing_key,
    scan,
)
from gongkai.testing.determined import RUN_DAMAGES, RUN_FORMATS, undetermined_cells
from gongkai.testing.generate import GeneratedReport, generate
from gongkai.testing.shapes import SHAPE_RENDERERS, SHAPE_SUFFIX


def docx_available() -> bool:
    try:
        import gongkai.render.docx  # noqa: F401
    except ImportError:
        return False
    return True


def pdf_available() -> bool:
    """PDF needs the DOCX renderer, LibreOffice to export it and gongkai's PDF reader."""
    try:
        import gongkai.readers.pdf  # noqa: F401
    except ImportError:
        return False
    return docx_available() and shutil.which("soffice") is not None and shutil.which("pdftoppm") is not None


def formats() -> tuple[str, ...]:
    """Every format gongkai reads that we can render here."""
    out: tuple[str, ...] = ("html", *TEXT_RENDERERS, *SHAPE_RENDERERS)
    if docx_available():
        out = (*out, "docx")
    if pdf_available():
        out = (*out, "pdf", "image")
    return out


SECTION_RULES: dict[str, frozenset[str]] = {
    "problems": frozenset({"problems_empty"}),
    # without its heading, section 六's text runs on into 五, which is then no longer empty
    "other_matters": frozenset({"fee_statement_missing", "government_assessment_missing", "problems_empty"}),
}
"""Rules that judge a section's text, which a lost heading leaves without their section."""

SLOW_FORMATS = frozenset({"pdf", "image"})
"""LibreOffice export (and OCR for scans) takes seconds per document."""


@dataclass
class SyntheticDocument:
    name: str
    fmt: str
    damage: str
    data: bytes
    truth: GeneratedReport


def render_bytes(gen: GeneratedReport, fmt: str) -> bytes:
    if fmt == "html":
        return render_html(gen.report).encode("utf-8")
    if fmt == "docx":
        from gongkai.render.docx import render_docx

        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "r.docx")
            render_docx(gen.report, path)
            with open(path, "rb") as f:
                return f.read()
    if fmt == "pdf":
        return cached_pdf(render_bytes(gen, "docx"), docx_to_pdf)
    return render_text(gen, fmt).encode("utf-8")


def render_text(gen: GeneratedReport, fmt: str) -> str:
    """The report in a text format (the converters' shapes draw their habits from its seed)."""
    if fmt == "html":
        return render_html(gen.report)
    if fmt in SHAPE_RENDERERS:
        return SHAPE_RENDERERS[fmt](gen.report, gen.seed)
    return TEXT_RENDERERS[fmt](gen.report)


IMAGE_SUFFIX = ".tif"

PUBLICATION_DATE_FORMATS = frozenset({"html", "flat"})
"""Formats that print a publication date apart from the signature (the portal page's
发布日期, the scraper's 发布时间)."""


def invisible_defects(fmt: str, damage: str) -> frozenset[str]:
    """Defects a document in ``fmt`` with ``damage`` cannot show, so none is planted there:
    a late publication without a publication date; a negative count where cells run
    together (``0-2`` is as much a blank cell and a 2)."""
    out = set()
    if fmt not in PUBLICATION_DATE_FORMATS:
        out.add("published_late")
    if fmt in RUN_FORMATS or damage in RUN_DAMAGES:
        out.add("bad_number")
    return frozenset(out)


def make_document(seed: int, fmt: str, damage: str = "none", template: str | None = None) -> SyntheticDocument:
    if fmt not in APPLIES.get(damage, frozenset()):
        raise ValueError(f"damage {damage} does not apply to {fmt}")
    gen = generate(seed, template, invisible=invisible_defects(fmt, damage))
    if damage == "blank_zeros":
        gen = blank_zeros(gen, seed)
    if damage == "blank_totals":
        gen = blank_totals(gen, seed)
    if damage == "blank_marks":
        gen = blank_marks(gen, seed)
    if damage == "cell_units":
        gen = cell_units(gen, seed)
    shown = added_row(gen, seed) if damage == "added_row" else gen
    """What the document prints; ``gen`` stays the truth."""
    if fmt == "image":
        # the pages as a scanner's multi-page TIFF; clean unless scanned with noise
        data = scan(render_bytes(shown, "pdf"), seed, noisy=damage == "scanned_noise", container="tiff")
    elif damage == "scanned_noise":
        data = scan(render_bytes(shown, "pdf"), seed)
    elif damage in CONVERTERS:
        data = CONVERTERS[damage](render_bytes(shown, "pdf")).encode("utf-8")
    elif damage in TEXT_DAMAGES or damage == "gbk":
        text = render_text(shown, fmt)
        data = gbk(text) if damage == "gbk" else TEXT_DAMAGES[damage](text, seed).encode("utf-8")
    else:
        data = render_bytes(shown, fmt)
    if damage == "headings_missing":
        key = headings_missing_key(seed)
        spec = next(s for s in SECTIONS if s.key == key)
        opens = re.compile(rf"(?:^|\n|>)[ \t]*（一）[^\n<]{{0,30}}?(?:{'|'.join(spec.keywords)})")
        if spec.opened_by_subheading and opens.search(data.decode("utf-8", "replace")):
            # its first sub-heading (（一）存在的主要问题) still opens it on a line of its own:
            # there, without a heading (run into the text before it, as in ``flat``, it is not)
            gen.expected = gen.expected | {"section_title"}
        else:
            # without its heading the section cannot be told apart: the truth is 'absent', and
            # the rules that read that section can no longer be expected to fire
            gen.report.sections[key] = None
            gen.expected = (gen.expected - SECTION_RULES.get(key, frozenset())) | {"section_missing"}
    suffix = (
        CONVERTED_SUFFIX.get(damage) or SHAPE_SUFFIX.get(fmt) or (IMAGE_SUFFIX if fmt == "image" else FILE_SUFFIX[fmt])
    )
    name = f"{seed:06d}-{fmt}-{damage}{suffix}"
    return SyntheticDocument(name, fmt, damage, data, gen)


def undecidable_cells(doc: SyntheticDocument) -> set[str]:
    """Cells no reader can settle from the document alone (see ``determined.py``)."""
    return set(undetermined_cells(doc.truth.report, doc.fmt, doc.damage))
