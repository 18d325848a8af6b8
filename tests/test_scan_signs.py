"""The sign of an OCR'd number: a minus the scan does not clearly show never becomes a
confident number, and a reading left open reaches the report as null + uncertain."""

from __future__ import annotations

import pytest

from gongkai.checks import run_checks
from gongkai.parse import parse_document
from gongkai.readers import read_bytes
from gongkai.readers.document import Grid, GridCell
from gongkai.testing.corpus import make_document


def _cell_with_text(blocks: list, text: str) -> GridCell:
    for b in blocks:
        if isinstance(b, Grid):
            for row in b.rows:
                for c in row:
                    if c is not None and c.text == text:
                        return c
    raise AssertionError(f"no grid cell reads {text!r}")


def test_a_cell_its_reader_left_open_is_null_and_listed_as_uncertain_with_its_candidates() -> None:
    d = make_document(800009, "html", "none")
    doc = read_bytes(d.name, d.data)
    cell = _cell_with_text(doc.blocks, "-18")
    path = next(p for p, c in parse_document(doc).iter_cells() if c.value == -18)
    # what the OCR path hands over when the ink left of 18 may be a minus or a speck
    cell.text, cell.candidates, cell.doubt = "18", ("18", "-18"), "数字前的痕迹可能是负号，也可能是扫描污点"
    report = parse_document(doc)
    got = report.cell(*path.split("."))
    assert got is not None and got.value is None
    assert got.candidates == (18, -18)
    out = report.to_json(provenance=False)
    table, row, col = path.split(".")
    assert out["tables"][table][row][col] is None
    listed = {u["where"]: u for u in out["uncertain"]}
    assert listed[path]["candidates"] == [18, -18]
    assert "负号" in listed[path]["reason"]


def _read(seed: int, fmt: str, damage: str):  # type: ignore[no-untyped-def]
    d = make_document(seed, fmt, damage)
    report = parse_document(read_bytes(d.name, d.data))
    report.findings = run_checks(report)
    return d.truth.report, report


@pytest.mark.slow
def test_a_minus_as_small_as_a_speck_in_a_150_dpi_scan_is_read() -> None:
    """The 2 pt minus of -18 was taken out as a speck: the recogniser saw 18."""
    truth, report = _read(800009, "image", "none")
    assert truth.value("active_disclosure", "other_services", "change") == -18
    assert report.value("active_disclosure", "other_services", "change") == -18


@pytest.mark.slow
def test_a_speck_far_left_of_a_count_is_not_its_minus() -> None:
    """A speck read as ':' left of 69 made -69 and a false bad_number."""
    truth, report = _read(5800011, "image", "scanned_noise")
    assert truth.value("active_disclosure", "penalties", "decisions") == 69
    cell = report.cell("active_disclosure", "penalties", "decisions")
    assert cell is not None
    assert cell.value == 69 or (cell.value is None and cell.uncertain and 69 in cell.candidates)
    assert not [f for f in report.findings if f.rule == "bad_number"]
