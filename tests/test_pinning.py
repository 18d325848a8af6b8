"""Plain ``pdftotext`` (a cell a line): the rows the page pins to their numbers stay read when
the table as a whole cannot be trusted (a report's own error, blank cells that left no line),
and a count in a sentence wrapped apart from its measure word is no table row."""

from __future__ import annotations

import itertools
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gongkai.checks import run_checks
from gongkai.model.template import SECTIONS
from gongkai.parse import parse_document
from gongkai.parse.pinning import _splits
from gongkai.readers import read_bytes
from gongkai.testing.compare import compare_tables
from gongkai.testing.corpus import render_text
from gongkai.testing.determined import undetermined_cells
from gongkai.testing.generate import generate


@given(total=st.integers(0, 14), widths=st.lists(st.integers(1, 4), max_size=4))
def test_the_splits_of_a_run_are_every_way_to_give_each_row_one_to_its_width(total: int, widths: list[int]) -> None:
    want = [s for s in itertools.product(*(range(1, w + 1) for w in widths)) if sum(s) == total]
    assert list(_splits(total, widths)) == want


def _table_3_read(seed: int, defects: tuple[str, ...]) -> tuple[int, int, int]:
    """(exact, determined, wrong) cells of table 3 of a generated report printed a cell a line."""
    gen = generate(seed, defects=defects)
    report = parse_document(read_bytes("report.txt", render_text(gen, "onecell").encode()))
    report.findings = run_checks(report)
    truth = {"applications": gen.report.to_json(provenance=False)["tables"]["applications"]}
    cells = compare_tables(truth, report.to_json(provenance=False), undetermined_cells(gen.report, "onecell", "none"))
    return cells.exact, cells.total, cells.wrong


def test_a_row_sum_the_report_gets_wrong_leaves_the_rest_of_a_one_cell_a_line_table_read() -> None:
    """The generator's planted row-sum error keeps every other identity: the rows pinned by
    their labels, and a block counted off labels that the columns' sums vouch for, stay read."""
    exact = total = 0
    for seed in range(24):
        e, t, wrong = _table_3_read(seed, ("t3_row_total",))
        assert wrong == 0, seed
        exact, total = exact + e, total + t
    assert exact == total


def test_blank_cells_that_left_no_line_and_a_row_sum_error_leave_the_pinned_rows_read() -> None:
    """Runs short of cells whose split the rows' own sums settle are read; the others, and
    nothing else, stay in doubt."""
    exact = total = 0
    for seed in range(24):
        e, t, wrong = _table_3_read(seed, ("blank_cells", "t3_row_total"))
        assert wrong == 0, seed
        exact, total = exact + e, total + t
    assert exact / total >= 0.99


@pytest.mark.parametrize("fmt", ["onecell", "md_layout"])
def test_a_count_wrapped_apart_from_its_measure_word_is_no_table_row(fmt: str) -> None:
    """``…结转下年度继续办理 21`` / ``件。``: a sentence, so a report without table 3 says it is
    missing, not incomplete."""
    checked = 0
    for seed in range(40):
        gen = generate(seed, defects=("table_missing",))
        if gen.report.tables.get("applications") is not None:
            continue
        text = re.sub(r"(结转下年度继续办理[ \u3000]*\d+)[ \u3000]*件", r"\1\n\n件", render_text(gen, fmt))
        if text == render_text(gen, fmt):
            continue
        report = parse_document(read_bytes("report.md" if fmt == "md_layout" else "report.txt", text.encode()))
        rules = {(f.rule, f.where) for f in run_checks(report)}
        assert ("table_missing", "tables.applications") in rules, seed
        assert ("table_incomplete", "tables.applications") not in rules, seed
        checked += 1
    assert checked >= 3


def test_table_4_without_headings_before_a_section_run_into_it_is_read() -> None:
    """A layout converter lost table 4's headings and section 五's heading, whose text is only
    ``无``: the one grid row of fifteen numbers under section 四 is table 4, the ``无`` no cell."""
    problems = next(s for s in SECTIONS if s.key == "problems")
    checked = read = 0
    for seed in range(30):
        gen = generate(seed, defects=("problems_empty",))
        lines = render_text(gen, "md_layout").split("\n")
        start = next(i for i, ln in enumerate(lines) if "四、政府信息公开行政复议" in ln)
        end = next(i for i, ln in enumerate(lines) if problems.canonical in ln)
        rows = [i for i in range(start, end) if lines[i].startswith("|") and "---" not in lines[i]]
        for i in rows:
            if re.search(r"[\u4e00-\u9fff]", lines[i]):
                lines[i] = re.sub(r"[^|]", "", lines[i])  # a row of headings, its words gone
        if len(rows) < 2 or not lines[end + 2].startswith("无"):
            continue
        lines[end] = ""  # section 五 without its heading: its 无 runs on under section 四
        report = parse_document(read_bytes("report.md", "\n".join(lines).encode()))
        assert "table_missing" not in {f.rule for f in run_checks(report)}, seed
        truth = gen.report.tables["appeals"] or {}
        got = report.tables["appeals"] or {}
        for r, row in got.items():
            for c, cell in (row or {}).items():
                if not cell.uncertain:
                    assert cell.value == truth[r][c].value, (seed, r, c)  # type: ignore[index]
                    read += 1
        checked += 1
    assert checked >= 3
    assert read >= 15 * 2  # most such rows read whole


def test_a_dash_between_a_label_and_a_run_of_digits_is_a_blank_first_cell() -> None:
    """``保护第三方合法权益-000000`` (cells run together, the first one printed ``-``): a count
    is never negative, so the dash is a blank cell and the six digits the other six cells."""
    rows_checked = 0
    for seed in range(300):
        gen = generate(seed, defects=("blank_cells",))
        text = render_text(gen, "flat")
        report = parse_document(read_bytes("report.txt", text.encode()))
        for key, row in (gen.report.tables["applications"] or {}).items():
            cells = list((row or {}).values())
            label = re.escape(gen.report.spec.table("applications").row(key).label[-6:])  # type: ignore[union-attr]
            m = re.search(label + r"[-—–－](\d{6})(?!\d)", text)
            if m is None or not cells[0].blank or any(c.blank for c in cells[1:]):
                continue
            got = (report.tables["applications"] or {}).get(key) or {}
            assert [(c.value, c.blank) for c in got.values()] == [(c.value, c.blank) for c in cells], (seed, key)
            rows_checked += 1
    assert rows_checked >= 3


def test_a_negative_count_in_a_table_4_row_no_placement_reads_is_still_a_bad_number() -> None:
    """``||||| 1 | 1 | 3 | -3 ||| 2 | 2 |`` (a layout converter's table 4, blank cells dropped): no
    placement reads a negative count, so the row is unreadable; the -3 is a bad number wherever
    it stands."""
    from gongkai.model.report import Cell
    from gongkai.testing.corpus import render_text as render
    from gongkai.testing.damage import blank_zeros

    found = 0
    for seed in range(40):
        gen = blank_zeros(generate(seed, defects=()), seed)
        review = (gen.report.tables["appeals"] or {})["review"] or {}
        if not review or review["total"].value in (None, 0):
            continue
        value = review["total"].value
        review["total"] = Cell(-value, f"-{value}")
        report = parse_document(read_bytes("report.md", render(gen, "md_layout").encode()))
        bad = [f for f in run_checks(report, ["bad_number"]) if f"-{value}" in f.message or f.found == f"-{value}"]
        assert bad, seed
        found += 1
    assert found >= 5
