"""How readings are scored against what the document shows."""

from __future__ import annotations

from gongkai.testing.compare import RuleStats, compare_tables, score_findings
from gongkai.testing.corpus import make_document, undecidable_cells
from gongkai.testing.determined import count_splits

REVIEW = {"upheld": 1, "corrected": 0, "other": None, "pending": 0, "total": 1}
EXPECTED = {"appeals": {"review": REVIEW}, "applications": None}


def _got(**cells: object) -> dict[str, object]:
    row = {**REVIEW, **cells}
    return {"tables": {"appeals": {"review": row}}, "uncertain": []}


def test_exact_when_every_cell_matches() -> None:
    s = compare_tables(EXPECTED, _got())
    assert (s.total, s.exact, s.wrong, s.uncertain, s.missed) == (5, 5, 0, 0, 0)


def test_blank_read_as_zero_is_wrong() -> None:
    s = compare_tables(EXPECTED, _got(other=0))
    assert s.wrong == 1 and s.mismatches[0]["path"] == "appeals.review.other"


def test_unread_cell_is_missed_and_flagged_cell_uncertain() -> None:
    got = _got(upheld=None)
    assert compare_tables(EXPECTED, got).missed == 1
    got["uncertain"] = [{"where": "appeals.review.upheld"}]
    s = compare_tables(EXPECTED, got)
    assert (s.missed, s.uncertain) == (0, 1)


def test_uncertain_best_reading_that_is_not_the_documents_is_wrong() -> None:
    got = _got(upheld=7)
    got["uncertain"] = [{"where": "appeals.review.upheld"}]
    assert compare_tables(EXPECTED, got).wrong == 1


def test_skipped_cells_are_not_scored_unless_confidently_wrong() -> None:
    skip = ["appeals.review.upheld"]
    assert compare_tables(EXPECTED, _got(), skip=skip).total == 4
    unsure = _got(upheld=None)
    unsure["uncertain"] = [{"where": "appeals.review.upheld"}]
    assert compare_tables(EXPECTED, unsure, skip=skip).total == 4
    # a value the document does not determine, claimed as certain and not the document's
    s = compare_tables(EXPECTED, _got(upheld=9), skip=skip)
    assert (s.total, s.wrong) == (5, 1)


def test_findings_uncertain_counts_for_recall_not_as_false_positive() -> None:
    stats: dict[str, RuleStats] = {}
    got = {"findings": [{"rule": "t3_balance"}, {"rule": "t4_total", "uncertain": True}]}
    out = score_findings(stats, got, ["t3_balance"])
    assert stats["t3_balance"].tp == 1 and "t4_total" not in stats
    assert out == {"missing": [], "unexpected": []}
    score_findings(stats, {"findings": [{"rule": "t4_total"}]}, [])
    assert stats["t4_total"].fp == 1


def test_runcount_splits() -> None:
    assert count_splits("000", 3) == 1
    assert count_splits("693665", 3) == 2  # at least two readings
    assert count_splits("35-15", 2) == 1


def test_undecidable_only_where_cells_run_together_or_blanks_vanish() -> None:
    assert undecidable_cells(make_document(1, "tsv", "none")) == set()
    assert undecidable_cells(make_document(1, "flat", "none"))
    assert undecidable_cells(make_document(1, "pdftext", "blank_zeros"))
