"""The identity decoder: runs of digits without separators, split digits, dropped blanks."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import gongkai.parse.decode as decode_mod
from gongkai.model.report import BLANK_OR_ZERO
from gongkai.model.template import V2021, Identity
from gongkai.parse.cells import region_units
from gongkai.parse.decode import RowChoice, RowReading, decode_table, readings_for_row, row_readings

T3 = V2021.table("applications")
T3_COLS = {r.key: tuple(c.key for c in T3.columns) for r in T3.rows}
KINDS = ["count"] * 7


def _row(parts: list[int]) -> list[int]:
    return [*parts, sum(parts)]


def test_run_without_separators_has_one_balanced_reading() -> None:
    units = region_units("21710000218")
    rds = row_readings(units, KINDS)
    assert len(rds) > 1
    ident = [i for i in V2021.identities if i.rule == "t3_row_total" and i.name == "applications.received"]
    choice = decode_table({"received": rds}, {"received": T3_COLS["received"]}, ident)
    values = [c.value for c in choice.rows["received"].reading.cells]
    assert values == [217, 1, 0, 0, 0, 0, 218]
    assert not choice.rows["received"].uncertain


def test_leading_zero_is_never_a_number() -> None:
    for rd in row_readings(region_units("7000007"), KINDS):
        assert all(c.raw == "0" or not c.raw.startswith("0") for c in rd.cells)


def test_spaces_are_boundaries_but_runs_still_split() -> None:
    rds = row_readings(region_units("23 0 00 0 023"), KINDS)
    assert any([c.value for c in rd.cells] == [23, 0, 0, 0, 0, 0, 23] for rd in rds)
    assert all(len(rd.cells) == 7 for rd in rds)


def test_table2_run_without_identity_stays_uncertain() -> None:
    t2 = V2021.table("active_disclosure")
    cols = {"normative_documents": ("issued", "repealed", "in_force")}
    rds = row_readings(region_units("693665"), ["count"] * 3)
    choice = decode_table({"normative_documents": rds}, cols, ())
    assert t2.row("normative_documents")
    assert choice.rows["normative_documents"].uncertain, "no identity can settle a table-2 run"


def test_text_hint_settles_a_table2_run() -> None:
    cols = {"normative_documents": ("issued", "repealed", "in_force")}
    rds = row_readings(region_units("8855698"), ["count"] * 3)
    hints = {("normative_documents", "issued"): 88, ("normative_documents", "in_force"): 698}
    choice = decode_table({"normative_documents": rds}, cols, (), hints)
    rc = choice.rows["normative_documents"]
    assert not rc.uncertain
    assert [c.value for c in rc.reading.cells] == [88, 55, 698]


def test_signed_change_keeps_its_sign() -> None:
    kinds = ["count", "signed", "count"]
    rds = row_readings(region_units("增 69\t11983", 0), ["signed", "count"])
    assert [c.value for c in rds[0].cells] == [69, 11983]
    rds = row_readings(region_units("35\t-15"), ["count", "signed"])
    assert [c.value for c in rds[0].cells] == [35, -15]
    assert all(
        rd.cells[1].value is None or rd.cells[1].value < 0 for rd in row_readings(region_units("2648-18538"), kinds)
    )


def test_unit_inside_cell_is_recorded() -> None:
    rds = row_readings(region_units("3\t251000元"), ["count", "amount"])
    assert rds[0].cells[1].value == 251000 and rds[0].cells[1].unit == "元"


def test_blank_markers_are_not_zero() -> None:
    rds = row_readings(region_units("5\t/\t—\t无\t0\t-\t5"), KINDS)
    cells = rds[0].cells
    assert [c.value for c in cells] == [5, None, None, None, 0, None, 5]
    assert [c.blank for c in cells] == [False, True, True, True, False, True, False]


def test_dropped_blank_cells_are_recovered_by_repair() -> None:
    units = region_units("4\n3\n7")
    assert row_readings(units, KINDS) == []
    repaired = row_readings(units, KINDS, allow_repair=True)
    assert any(rd.cells[0].value == 4 and rd.cells[6].value == 7 for rd in repaired)


def test_a_dash_inside_a_run_is_a_blank_cell_or_a_sign() -> None:
    """``000-112``: a count cannot be negative, so the dash is a blank cell; in table 2's
    signed column (``184-3012``: 本年增/减) it may be either, and nothing tells which."""
    rds = readings_for_row(region_units("000-112"), KINDS, (7,))
    assert [[c.value for c in rd.cells] for rd in rds] == [[0, 0, 0, None, 1, 1, 2]]
    signed = row_readings(region_units("184-3012"), ["count", "signed", "count"])
    values = [[c.value for c in rd.cells] for rd in signed]
    assert [184, -30, 12] in values and [184, None, 3012] in values
    cols = {"licensing": ("prior_items", "change", "decisions")}
    choice = decode_table({"licensing": signed}, cols, ())
    assert {"change", "decisions"} <= set(choice.rows["licensing"].uncertain)


def test_blanks_read_into_a_run_weigh_as_much_as_a_document_error() -> None:
    """Table 4 run together, one group not adding up (2|1|0|4|15). Reading three blank cells
    into the run would make every group add up (204|0|6|210…), but three vanished blanks are
    no likelier than one error: the row as written stands."""
    run = "2040621041507101128"
    truth = [2, 0, 4, 0, 6, 2, 1, 0, 4, 15, 0, 7, 10, 11, 28]
    rds = readings_for_row(region_units(run), ["count"] * 15, (5, 5, 5))
    groups = [
        Identity("t4_total", f"g{g}", tuple(("t4", f"c{5 * g + j}") for j in range(4)), (("t4", f"c{5 * g + 4}"),))
        for g in range(3)
    ]
    choice = decode_table({"t4": rds}, {"t4": tuple(f"c{j}" for j in range(15))}, groups)
    got = choice.rows["t4"]
    for j, v in enumerate(truth):
        assert f"c{j}" in got.uncertain or got.reading.cells[j].value == v


def test_a_token_set_apart_is_read_as_written_when_blanks_vanished() -> None:
    """``2 0 2 3 -3 0 …``: twelve numbers for fifteen cells (blanks dropped) and a negative
    count, which is the document's error: it is read, not refused."""
    rds = readings_for_row(region_units("2 0 2 3 -3 0 0 0 0 0 0 0"), ["count"] * 15, (5, 5, 5))
    assert rds and all(any(c.value == -3 for c in rd.cells) for rd in rds)
    # but a reading that cuts a token must respect the kinds: no negative count there
    cut = row_readings(region_units("2648-18538"), ["count", "signed", "count"])
    assert all(rd.cells[2].value is None or rd.cells[2].value >= 0 for rd in cut)


def test_an_em_dash_between_run_together_numbers_is_a_blank_cell() -> None:
    assert [u.kind for u in region_units("132210—18")] == ["number", "blank", "number"]


def test_repairs_that_do_not_mend_the_row_are_not_weighed() -> None:
    """A run-together row that adds up no way it is read (4|2|0|0|0|1|12): inserting blanks
    mends nothing either, so only the row as written is read, and the column identities
    can then settle it."""
    rds = readings_for_row(region_units("42000112"), KINDS, (7,))
    assert rds and all(not any(c.blank for c in rd.cells) for rd in rds)
    assert any([c.value for c in rd.cells] == [4, 2, 0, 0, 0, 1, 12] for rd in rds)
    # a repair that does mend the row is weighed: a dropped blank in a one-cell-per-line row
    mended = readings_for_row(region_units("4\n3\n7"), KINDS, (7,))
    assert any(rd.cells[0].value == 4 and rd.cells[6].value == 7 for rd in mended)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=400), min_size=6, max_size=6))
def test_any_concatenated_row_decodes_to_a_balanced_reading_containing_the_truth(parts: list[int]) -> None:
    row = _row(parts)
    run = "".join(str(v) for v in row)
    rds = readings_for_row(region_units(run), KINDS, (7,))
    ident = [i for i in V2021.identities if i.rule == "t3_row_total" and i.name == "applications.received"]
    choice = decode_table({"received": rds}, {"received": T3_COLS["received"]}, ident)
    rc = choice.rows["received"]
    got = [c.value for c in rc.reading.cells]
    # either exactly the truth, or the disagreeing cells are flagged uncertain (never a silent wrong value)
    for j, col in enumerate(T3_COLS["received"]):
        if col not in rc.uncertain:
            assert got[j] == row[j]
        else:
            assert row[j] in rc.uncertain[col]


# --- blanks that leave no trace, and the exact solver ------------------------------------

MINI_COLS = ("a", "b", "c", "total")
MINI_ROWS = ("x", "y", "sum")


def _mini_identities() -> list[Identity]:
    """Each row's total; and per column, row ``sum`` = ``x`` + ``y`` (like table 3's balance)."""
    out = [Identity("row_total", f"t.{r}", tuple((r, c) for c in MINI_COLS[:-1]), ((r, "total"),)) for r in MINI_ROWS]
    out += [Identity("column", f"t.{c}", (("x", c), ("y", c)), (("sum", c),)) for c in MINI_COLS]
    return out


def _printed(values: list[int], blank: list[bool]) -> str:
    """Space-separated, blank cells leaving no trace (PDF text without layout)."""
    return " ".join(str(v) for v, b in zip(values, blank, strict=True) if not b)


def _mini_readings(rows: dict[str, tuple[list[int], list[bool]]]) -> dict[str, list[RowReading]]:
    return {
        r: row_readings(region_units(_printed(v, b)), ["count"] * 4, allow_repair=True) for r, (v, b) in rows.items()
    }


def test_zero_or_blank_is_left_open_but_sums_are_settled() -> None:
    # x = 2 . 0 2 printed "2 0 2": the 2 is column a (the sums say so), but which of b, c is blank?
    rows = {"x": ([2, 0, 0, 2], [False, True, False, False]), "y": ([1, 1, 0, 2], [False] * 4)}
    rows["sum"] = ([3, 1, 0, 4], [False] * 4)
    choice = decode_table(_mini_readings(rows), dict.fromkeys(MINI_ROWS, MINI_COLS), _mini_identities())
    x = choice.rows["x"]
    assert x.reading.cells[0].value == 2 and x.reading.cells[3].value == 2
    assert set(x.uncertain) == {"b", "c"}
    assert all({v or 0 for v in cands} == {0} for cands in x.uncertain.values())
    assert x.method == BLANK_OR_ZERO


def _mini_tables() -> st.SearchStrategy[dict[str, tuple[list[int], list[bool]]]]:
    small = st.integers(0, 3)

    def build(xs: list[int], ys: list[int], blanks: list[bool]) -> dict[str, tuple[list[int], list[bool]]]:
        x, y = [*xs, sum(xs)], [*ys, sum(ys)]
        s = [a + b for a, b in zip(x, y, strict=True)]
        out: dict[str, tuple[list[int], list[bool]]] = {}
        for i, (r, vals) in enumerate((("x", x), ("y", y), ("sum", s))):
            out[r] = (vals, [v == 0 and blanks[4 * i + j] for j, v in enumerate(vals)])
        return out

    return st.builds(
        build,
        st.lists(small, min_size=3, max_size=3),
        st.lists(small, min_size=3, max_size=3),
        st.lists(st.booleans(), min_size=12, max_size=12),
    )


@given(_mini_tables(), st.booleans())
@settings(max_examples=60, deadline=None)
def test_solver_agrees_with_enumeration(rows: dict[str, tuple[list[int], list[bool]]], defect: bool) -> None:
    if defect:  # a planted error: the sum row's total off by one
        vals, blank = rows["sum"]
        rows["sum"] = ([*vals[:3], vals[3] + 1], [*blank[:3], False])
    readings = _mini_readings(rows)
    cols = dict.fromkeys(MINI_ROWS, MINI_COLS)
    enumerated = decode_table(readings, cols, _mini_identities())
    original = decode_mod.MAX_JOINT_COMBINATIONS
    decode_mod.MAX_JOINT_COMBINATIONS = 0  # every component to the solver
    try:
        solved = decode_table(readings, cols, _mini_identities())
    finally:
        decode_mod.MAX_JOINT_COMBINATIONS = original
    assert solved.violations == enumerated.violations
    assert solved.broken_rules == enumerated.broken_rules
    for r in MINI_ROWS:
        e, s = enumerated.rows[r], solved.rows[r]
        assert set(e.uncertain) == set(s.uncertain)
        for j, col in enumerate(MINI_COLS):
            if col not in e.uncertain:
                assert e.reading.cells[j].value == s.reading.cells[j].value


@pytest.mark.parametrize("limit", ["SOLVER_SECONDS", "SOLVER_WORK"])
def test_out_of_time_leaves_the_open_rows_open(monkeypatch: pytest.MonkeyPatch, limit: str) -> None:
    """No proof within the budget (of work, or the wall clock's safeguard): the rows keep all
    their equally good readings."""
    import gongkai.parse.joint as joint_mod

    rows = {"x": ([2, 0, 0, 2], [False, True, False, False]), "y": ([1, 0, 1, 2], [False, True, False, False])}
    rows["sum"] = ([3, 0, 1, 4], [False, True, False, False])
    readings = _mini_readings(rows)
    cols = dict.fromkeys(MINI_ROWS, MINI_COLS)
    monkeypatch.setattr(decode_mod, "MAX_JOINT_COMBINATIONS", 0)
    proven = decode_table(readings, cols, _mini_identities())
    monkeypatch.setattr(joint_mod, limit, 0.0)
    unproven = decode_table(readings, cols, _mini_identities())
    for r in MINI_ROWS:
        assert set(proven.rows[r].uncertain) <= set(unproven.rows[r].uncertain)
    assert any(unproven.rows[r].uncertain for r in MINI_ROWS)


def _table4_choice(text: str) -> RowChoice:
    """The decoder's choice for table 4's fifteen cells printed as ``text`` with numbers set
    apart (three groups of five, each ending with its total)."""
    rds = readings_for_row(region_units(text), ["count"] * 15, (5, 5, 5), False)
    groups = [
        Identity("t4_total", f"g{g}", tuple(("t4", f"c{5 * g + j}") for j in range(4)), (("t4", f"c{5 * g + 4}"),))
        for g in range(3)
    ]
    return decode_table({"t4": rds}, {"t4": tuple(f"c{j}" for j in range(15))}, groups).rows["t4"]


def test_a_row_too_short_for_cuts_is_read_with_its_dropped_blanks() -> None:
    """``10 10 11 11 7 9 3 19``: eleven digits cannot fill fifteen cells however they are cut;
    the repairs are many, but the cheapest that keep every group adding up (blanks the dump
    dropped, no cut numbers) agree on the totals."""
    choice = _table4_choice("10 10 11 11 7 9 3 19")
    assert {"c4", "c9", "c14"}.isdisjoint(choice.uncertain)
    assert [choice.reading.cells[j].value for j in (4, 9, 14)] == [10, 11, 19]


def test_a_short_row_of_numbers_set_apart_is_read_with_blanks_not_cuts() -> None:
    """``49 12 48 109 42 42 55 46 101``: nine numbers for fifteen cells. The dump dropped six
    blank cells; cutting 49 into 4|9 (a missing space) is the rarer explanation, so the
    totals, which every blank placement shares, are certain."""
    choice = _table4_choice("49 12 48 109 42 42 55 46 101")
    assert {"c4", "c9", "c14"}.isdisjoint(choice.uncertain)
    assert [choice.reading.cells[j].value for j in (4, 9, 14)] == [109, 42, 101]


def test_a_blank_marker_glued_after_the_last_number_may_be_the_next_sections_text() -> None:
    """Table 4 run together, then 无 — section 五, which says only 无, lost its heading. The
    无 may be the last cell (blank) or no cell at all; here only the second fills the groups."""
    units = region_units("000000000000000无")
    rds = readings_for_row(units, ["count"] * 15, (5, 5, 5))
    assert [[c.value for c in rd.cells] for rd in rds] == [[0] * 15]
    # spaced off, the marker is a cell
    assert region_units("0 0 0 无")[-1].optional is False


def test_a_search_that_runs_out_of_tie_rounds_proves_nothing() -> None:
    """Rows that each read two equally good ways: the exact search reports every row open when
    it may look long enough, and no answer at all when its rounds run out before it has shown
    which cells vary (the evaluation's measure of what a document determines gives it far
    more rounds than the parser, so that it never counts such cells as determined)."""
    from gongkai.parse.joint import Option, solve

    rows = [f"r{i}" for i in range(6)]
    options = {r: [Option((1, 0), 0, 0, 0.0), Option((0, 1), 0, 0, 0.0)] for r in rows}
    columns = dict.fromkeys(rows, ("a", "b"))
    found = solve(options, columns, [], tie_rounds=20)
    assert found is not None
    assert all(sorted(found.chosen[r]) == [0, 1] for r in rows)
    assert solve(options, columns, [], tie_rounds=0) is None
