"""Property fuzzing of every reader and of the parser (short, for CI; ``bench/fuzz.py`` runs long):
any input is read or refused with a ReadError, is parsed and checked without an exception, and
gives no table number that the document does not contain."""

from __future__ import annotations

import functools
import io
import random
from pathlib import Path

import cv2
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import hostile
from fuzzing import judge, mutate, mutate_text, numbers_not_in_document
from gongkai.model.report import Source
from gongkai.model.template import TEMPLATES
from gongkai.parse import parse_document
from gongkai.readers.document import Document, Grid, GridCell, TextLine

SAMPLES = Path(__file__).resolve().parent.parent / "src" / "gongkai" / "samples"
FAST = settings(max_examples=25, suppress_health_check=[HealthCheck.too_slow], deadline=None)


def _ok(name: str, data: bytes) -> None:
    v = judge(name, data)
    assert not v.problems, "\n".join(v.problems)


@functools.cache
def _seeds() -> dict[str, bytes]:
    """Real-looking documents in every format to mutate: the bundled samples and a generated DOCX and PDF."""
    from gongkai.testing.corpus import make_document

    out = {p.name: p.read_bytes() for p in SAMPLES.iterdir()}
    doc = make_document(11, "docx")
    out["generated.docx"] = doc.data
    return out


LABELS = sorted({r.label for t in TEMPLATES.values() for spec in t.tables.values() for r in spec.rows})
WORDS = [
    "一、总体情况",
    "二、主动公开政府信息情况",
    "三、收到和处理政府信息公开申请情况",
    "本年新收政府信息公开申请数量",
    "合计",
    "自然人",
    "/",
    "—",
    "无",
]
cell_text = st.one_of(
    st.integers(-5, 100_000).map(str),
    st.sampled_from(LABELS + WORDS),
    st.text(alphabet="0123456789 ，,.-/|一二三件", max_size=12),
)


@given(st.binary(max_size=3000), st.sampled_from(["a.txt", "a.md", "a.html", "a.docx", "a.pdf", "a.png", "a.tif"]))
@FAST
def test_any_bytes_are_read_or_refused(data: bytes, name: str) -> None:
    _ok(name, data)


@given(st.sampled_from(sorted(SAMPLES.iterdir())), st.integers(0, 2**32))
@FAST
def test_mutated_sample_reports(path: Path, seed: int) -> None:
    rng = random.Random(seed)
    data = path.read_bytes()
    if rng.random() < 0.5:
        data = mutate_text(data.decode("utf-8"), rng).encode(rng.choice(["utf-8", "gb18030"]))
    else:
        data = mutate(data, rng, list(_seeds().values()))
    _ok(path.name, data)


@given(st.integers(0, 2**32))
@settings(max_examples=25, deadline=None)
def test_mutated_docx(seed: int) -> None:
    rng = random.Random(seed)
    _ok("m.docx", mutate(_seeds()["generated.docx"], rng))


@given(
    st.recursive(
        st.one_of(cell_text, st.just("")),
        lambda inner: st.one_of(
            st.tuples(
                st.sampled_from(["p", "div", "td", "th", "tr", "table", "span", "br"]), st.lists(inner, max_size=5)
            ),
            st.tuples(
                st.just("td"),
                st.lists(inner, max_size=2),
                st.integers(0, 5000).map(str),
                st.integers(0, 5000).map(str),
            ),
        ),
        max_leaves=60,
    )
)
@FAST
def test_any_html_tree(tree: object) -> None:
    def render(node: object) -> str:
        if isinstance(node, str):
            return node
        tag, kids, *spans = node  # type: ignore[misc]
        attrs = f' rowspan="{spans[0]}" colspan="{spans[1]}"' if spans else ""
        return f"<{tag}{attrs}>" + "".join(render(k) for k in kids) + f"</{tag}>"

    _ok("t.html", f"<html><body>{render(tree)}</body></html>".encode())


@given(
    st.lists(
        st.lists(st.tuples(cell_text, st.integers(1, 70), st.sampled_from([None, "restart", "continue"])), max_size=9),
        max_size=25,
    ),
    st.lists(cell_text, max_size=6),
)
@FAST
def test_any_docx_table(rows: list, paragraphs: list[str]) -> None:
    def tc(text: str, span: int, vmerge: str | None) -> str:
        pr = f'<w:gridSpan w:val="{span}"/>' if span > 1 else ""
        if vmerge:
            pr += f'<w:vMerge w:val="{vmerge}"/>'
        return f"<w:tc><w:tcPr>{pr}</w:tcPr><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:tc>"

    body = "".join(f"<w:p><w:r><w:t>{p}</w:t></w:r></w:p>" for p in paragraphs)
    body += "<w:tbl>" + "".join("<w:tr>" + "".join(tc(*c) for c in r) + "</w:tr>" for r in rows) + "</w:tbl>"
    _ok("t.docx", hostile.docx_with(f"<w:document {hostile._W}><w:body>{body}</w:body></w:document>".encode()))


@given(st.integers(0, 2**32))
@settings(max_examples=15, deadline=None)
def test_mutated_pdf(seed: int) -> None:
    rng = random.Random(seed)
    _ok("m.pdf", mutate(_text_pdf(), rng))


@functools.cache
def _text_pdf() -> bytes:
    """A small text-layer PDF (standard font, ASCII digits and words): pdfium reads it without OCR."""
    lines = ["Annual report 2023", "received 12 3 0 15", "processed 7 1 0 8", "total 19 4 0 23"] * 3
    content = "BT /F1 11 Tf 72 770 Td 14 TL " + " ".join(f"({t}) '" for t in lines) + " ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> "
        b"/Contents 5 0 R >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content.encode()),
    ]
    return hostile._pdf(objects)


@pytest.mark.slow
@given(
    st.integers(8, 300),
    st.integers(8, 300),
    st.sampled_from([".png", ".tif", ".jpg", ".bmp"]),
    st.integers(0, 2**32),
)
@settings(max_examples=4, deadline=None)
def test_any_small_image(w: int, h: int, ext: str, seed: int) -> None:
    rng = np.random.default_rng(seed)
    img = np.full((h, w), 255, np.uint8)
    for _ in range(int(rng.integers(0, 6))):  # a few dark strokes: rules, specks, digits
        x, y = int(rng.integers(0, w)), int(rng.integers(0, h))
        cv2.line(img, (x, y), (int(rng.integers(0, w)), y), 0, int(rng.integers(1, 3)))
        cv2.putText(img, str(int(rng.integers(0, 999))), (x, y), cv2.FONT_HERSHEY_SIMPLEX, 0.6, 0, 1)
    ok, buf = cv2.imencode(ext, img)
    assert ok
    _ok("i" + ext, buf.tobytes())


@given(
    st.lists(
        st.one_of(
            st.builds(lambda t: TextLine(t, Source(line=1)), st.one_of(cell_text, st.text(max_size=30))),
            st.lists(st.lists(st.one_of(st.none(), cell_text), min_size=1, max_size=10), min_size=1, max_size=30).map(
                lambda rows: Grid(
                    [
                        [GridCell(t, Source(row=r, col=c)) if t is not None else None for c, t in enumerate(row)]
                        for r, row in enumerate(rows)
                    ],
                    Source(block=0),
                )
            ),
        ),
        max_size=40,
    )
)
@settings(max_examples=20, deadline=None)
def test_the_parser_never_invents_a_number(blocks: list) -> None:
    doc = Document("x.txt", "text", blocks=blocks)
    report = parse_document(doc)
    assert not numbers_not_in_document(doc, report)


def test_the_number_check_can_fail() -> None:
    """The property is not vacuous: a report whose cell holds a number the document lacks fails it."""
    from gongkai.readers import read

    doc = read(str(SAMPLES / "county-dept.txt"))
    report = parse_document(doc)
    assert not numbers_not_in_document(doc, report)
    cell = next(c for t in report.tables.values() if t for r in t.values() if r for c in r.values() if c.value)
    cell.value = 987654321
    assert numbers_not_in_document(doc, report)


def test_hostile_kinds_pass_the_judge() -> None:
    for kind in ("docx_billion_laughs", "html_billion_laughs", "nested_html", "empty", "binary_html", "truncated_pdf"):
        name, make = hostile.KINDS[kind]
        _ok(name, make())
    buf = io.BytesIO()
    _ok("x.zip", hostile.zip_bomb(size=1 << 24) + buf.getvalue())


def test_a_label_cut_off_at_the_end_of_the_text() -> None:
    """Found by bench/fuzz.py (minimised): a fuzzy label match running past the end of the text
    raised IndexError in the table reader."""
    text = "2020年关系为：第一项加第二项之和，等于第三项加第四项之和）申请人情况\n\t\t2.没有现成信息需要另"
    _ok("cut.txt", text.encode())
