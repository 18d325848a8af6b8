"""What a document determines (the evaluation's denominator) and how the reader meets it."""

from __future__ import annotations

import copy

import pytest

from gongkai.model.report import Cell
from gongkai.parse import parse_document
from gongkai.readers import read_bytes
from gongkai.testing.compare import compare_tables
from gongkai.testing.corpus import make_document, render_bytes
from gongkai.testing.determined import (
    BLANK_OR_ZERO,
    IDENTITIES_OPEN,
    RUN_WITH_BLANK,
    undetermined_cells,
)
from gongkai.testing.generate import GeneratedReport, generate
from report_edits import with_appeals


@pytest.fixture(scope="module")
def base() -> GeneratedReport:
    return generate(7, "v2021")


def test_run_that_splits_two_ways_with_the_same_total(base: GeneratedReport) -> None:
    gen = with_appeals(
        base, review=[2, 0, 0, 0, 2], litigation_direct=[11, 0, 0, 0, 11], litigation_after_review=[0, 0, 0, 0, 0]
    )
    out = undetermined_cells(gen.report, "flat", "none")
    # 110011: 11|0|0|0|11 or 1|10|0|0|11 — same total, nothing else to tell them apart
    assert out.get("appeals.litigation_direct.upheld") == IDENTITIES_OPEN
    assert out.get("appeals.litigation_direct.corrected") == IDENTITIES_OPEN
    assert "appeals.review.upheld" not in out
    assert "appeals.litigation_direct.total" not in out
    # with cell separators nothing is open
    assert not any(p.startswith("appeals.") for p in undetermined_cells(gen.report, "tsv", "none"))


def test_vanished_blanks(base: GeneratedReport) -> None:
    gen = with_appeals(
        base,
        review=[None, 2, 2, 0, 4],
        litigation_direct=[3, 0, 0, 0, 3],
        litigation_after_review=[0, 0, 0, 0, 0],
    )
    out = undetermined_cells(gen.report, "pdftext", "none")
    # "2 2 0 4 3 0 0 0 3 0 0 0 0 0": the review group's first cell vanished; 2 2 0 sit in
    # three of four places and only the total is fixed
    assert out.get("appeals.review.upheld") == IDENTITIES_OPEN
    assert out.get("appeals.review.other") == IDENTITIES_OPEN
    assert "appeals.review.total" not in out
    assert "appeals.litigation_direct.upheld" not in out
    # a run format with a blank: where it was and how many cannot be seen
    assert undetermined_cells(gen.report, "flat", "none").get("appeals.review.upheld") == RUN_WITH_BLANK
    mixed = with_appeals(
        base, review=[2, 0, None, 0, 2], litigation_direct=[3, 0, 0, 0, 3], litigation_after_review=[0] * 5
    )
    got = {p: why for p, why in undetermined_cells(mixed.report, "pdftext", "none").items() if "review" in p}
    # "2 0 0 2": the 2 may sit in either of the first two cells; the two zeros after it are one
    # printed 0 and one blank, in either order
    assert got == {
        "appeals.review.upheld": IDENTITIES_OPEN,
        "appeals.review.corrected": IDENTITIES_OPEN,
        "appeals.review.other": BLANK_OR_ZERO,
        "appeals.review.pending": BLANK_OR_ZERO,
    }
    # "0 0 3 3": the zeros and the blank share the first three places; the 3 may be 'other'
    # (then 'pending' is blank) or 'pending'
    zeros = with_appeals(
        base, review=[0, 0, None, 3, 3], litigation_direct=[3, 0, 0, 0, 3], litigation_after_review=[0] * 5
    )
    got = {p: why for p, why in undetermined_cells(zeros.report, "pdftext", "none").items() if "review" in p}
    assert got == {
        "appeals.review.upheld": BLANK_OR_ZERO,
        "appeals.review.corrected": BLANK_OR_ZERO,
        "appeals.review.other": IDENTITIES_OPEN,
        "appeals.review.pending": IDENTITIES_OPEN,
    }


def test_a_broken_group_could_be_another_group(base: GeneratedReport) -> None:
    """Table 4 run together with one group that does not add up: a reading breaking another
    group instead is just as good, so the reader cannot know which cells are meant."""
    gen = with_appeals(
        base, review=[0] * 5, litigation_direct=[2, 1, 0, 0, 3], litigation_after_review=[2, 2, 0, 0, 13]
    )
    # 0000021003220013: 2|1|0|0|3 and 2|2|0|0|13 (broken), or 21|0|0|3|2… breaking the second
    out = undetermined_cells(gen.report, "flat", "none")
    assert out.get("appeals.litigation_direct.upheld") == IDENTITIES_OPEN
    assert "appeals.review.upheld" not in out


def test_a_run_our_cuts_cannot_balance_is_not_read_confidently(base: GeneratedReport) -> None:
    """``000080008-40913``: a vanished blank and a dash in table 4's run. Cutting every digit
    apart fills the fifteen cells but breaks all three groups; the repairs that would mend
    them are too many to weigh, so no cell may be stated as certain."""
    gen = with_appeals(
        base, review=[None, 0, 0, 0, 0], litigation_direct=[8, 0, 0, 0, 8], litigation_after_review=[None, 4, 0, 9, 13]
    )
    table = gen.report.tables["appeals"]
    assert table is not None and table["litigation_after_review"] is not None
    table["litigation_after_review"]["upheld"] = Cell(None, "-", blank=True)
    doc = render_bytes(gen, "flat")
    assert "000080008-40913" in doc.decode()
    got = parse_document(read_bytes("r.txt", doc)).to_json(provenance=False)
    stats = compare_tables(gen.report.to_json(provenance=False)["tables"], got, set())
    assert stats.wrong == 0


@pytest.mark.parametrize(("fmt", "damage"), [("pdftext", "blank_zeros"), ("flat", "none")])
def test_reader_never_claims_what_the_document_does_not_say(fmt: str, damage: str) -> None:
    """Where the oracle says a cell is open, gongkai either leaves it uncertain or reads the
    document's value; it never states another number."""
    wrong = 0
    for seed in range(8):
        doc = make_document(seed, fmt, damage)
        got = parse_document(read_bytes(doc.name, doc.data)).to_json(provenance=False)
        truth = doc.truth.report.to_json(provenance=False)["tables"]
        stats = compare_tables(truth, got, set(undetermined_cells(doc.truth.report, fmt, damage)))
        wrong += stats.wrong
    assert wrong == 0


def test_blank_row_between_rows_reads_blank(base: GeneratedReport) -> None:
    """A table-3 row printed with nothing in it (every cell blank) is blank, not missing."""
    gen = copy.deepcopy(base)
    t3 = gen.report.tables["applications"]
    assert t3 is not None and t3["withheld_state_secret"] is not None
    for col in t3["withheld_state_secret"]:
        t3["withheld_state_secret"][col] = Cell(None, "", blank=True)
    doc = render_bytes(gen, "pdftext")
    rep = parse_document(read_bytes("r.txt", doc))
    row = (rep.tables["applications"] or {})["withheld_state_secret"]
    assert row is not None and all(c.blank and c.value is None for c in row.values())


def test_a_dash_in_a_table2_run_is_a_sign_or_a_blank_cell() -> None:
    """``5-2`` is 5 and −2 in two cells, or 5, a blank and 2 in three: a document run
    together does not say which its dash is."""
    from gongkai.testing.determined import count_splits

    assert count_splits("5-2", 2, limit=5) == 1
    assert count_splits("5-2", 3, limit=5) == 1
    assert count_splits("120-", 2, limit=5) == 1
    assert count_splits("1202", 2, limit=5) == 2  # 1|202, 120|2 (02 is no number)
