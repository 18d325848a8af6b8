"""A row a report adds to a table of the template (其他主动公开文件（含部门文件）below 规范性文件)
is no row of the template: its numbers are nobody's, and the template's rows stay read."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gongkai.model.template import TEMPLATES
from gongkai.model.text import fold
from gongkai.parse import parse_document
from gongkai.parse.added_rows import _pieces, names_no_row
from gongkai.readers import read_bytes
from gongkai.testing.compare import compare_tables
from gongkai.testing.corpus import make_document, render_text
from gongkai.testing.damage import ADDED_ROW_LABELS, APPLIES
from gongkai.testing.determined import undetermined_cells
from gongkai.testing.generate import generate

TEXT_FORMATS = sorted(APPLIES["added_row"] - {"docx", "pdf"})


@pytest.mark.parametrize("fmt", TEXT_FORMATS)
def test_a_row_the_template_lacks_leaves_every_cell_of_the_table_read(fmt: str) -> None:
    """Rendered from the model with the added row; the truth is the template's table alone.
    Before, in text laid out by lines (pdftotext, a cell a line, a converter's Markdown), the
    added row's numbers stood among the template's rows and left them uncertain."""
    for seed in range(6):
        doc = make_document(seed, fmt, "added_row")
        printed = "".join(doc.data.decode("utf-8").split())
        assert any(label[:6] in printed for label in ADDED_ROW_LABELS)  # (a label may wrap)
        report = parse_document(read_bytes(doc.name, doc.data))
        truth = doc.truth.report.to_json(provenance=False)["tables"]
        cells = compare_tables(
            truth, report.to_json(provenance=False), undetermined_cells(doc.truth.report, fmt, "added_row")
        )
        assert cells.wrong == 0, (doc.name, cells.mismatches)
        assert cells.exact == cells.total, (doc.name, cells.mismatches)
        assert not any(k.startswith("added") for k in (report.tables.get("active_disclosure") or {}))


SPECS = [t.table(k) for t in TEMPLATES.values() for k in ("active_disclosure", "applications")]


@given(st.data())
def test_a_piece_of_anything_the_table_prints_names_no_row_of_its_own(data: st.DataObject) -> None:
    """The tail of a wrapped label, a label with one character wrong: never an added row."""
    spec = data.draw(st.sampled_from(SPECS))
    word = fold(data.draw(st.sampled_from([w for w in spec.printed_words if w != spec.title and len(w) >= 4])))
    start = data.draw(st.integers(0, len(word) - 3))
    piece = word[start : data.draw(st.integers(start + 3, len(word)))]
    typo = data.draw(st.text(alphabet="测试错字", min_size=1, max_size=1))
    assert not names_no_row(piece + typo, _pieces(spec))


def test_the_added_labels_name_no_row_of_table_2() -> None:
    for tpl in TEMPLATES.values():
        spec = tpl.table("active_disclosure")
        assert all(names_no_row(fold(label), _pieces(spec)) for label in ADDED_ROW_LABELS)


def _with_running_head(text: str, before: str, head: str) -> str:
    """``text`` with a page break (footer, then the page's running head) before ``before``."""
    at = text.rfind("\n", 0, text.index(before, text.index("三、收到"))) + 1
    return text[:at] + "\n- 3 -\n\n" + head + "\n\n" + text[at:]


@pytest.mark.parametrize("fmt", ["onecell", "cells"])
def test_a_pages_running_head_between_table_rows_is_no_added_row(fmt: str) -> None:
    """A page break inside table 3 of a dump a cell a line: the footer, then the page's running
    head (the report's title, ``…2023年度…报告``, or its agency). The first version of added rows
    took it for one, and it took the next row's numbers: table 3 in doubt on every such break."""
    for seed in range(6):
        gen = generate(seed)
        text = render_text(gen, fmt)
        for head in (f"{gen.report.agency}{gen.report.year}年度政府信息公开工作年度报告", gen.report.agency or ""):
            doc = _with_running_head(text, "2.重复申请", head)
            report = parse_document(read_bytes("report.txt", doc.encode()))
            truth = {"applications": gen.report.to_json(provenance=False)["tables"]["applications"]}
            open_cells = undetermined_cells(gen.report, fmt, "none")
            cells = compare_tables(truth, report.to_json(provenance=False), open_cells)
            assert cells.wrong == 0 and cells.exact == cells.total, (seed, head, cells.mismatches[:2])
