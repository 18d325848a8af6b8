"""Ruling lines → cell grid, as a property: any grid of merged cells drawn as cell borders
(piece by piece, as Word and LibreOffice draw them) comes back with the same spans."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from gongkai.readers.grid_lines import PDF_TOLERANCE, HSeg, VSeg, build_tables

Span = tuple[int, int, int, int]  # row, col, rowspan, colspan


@st.composite
def merged_grids(draw: st.DrawFn) -> tuple[list[float], list[float], list[Span]]:
    n_rows = draw(st.integers(1, 8))
    n_cols = draw(st.integers(1, 8))
    heights = draw(st.lists(st.floats(12, 60), min_size=n_rows, max_size=n_rows))
    widths = draw(st.lists(st.floats(15, 120), min_size=n_cols, max_size=n_cols))
    ys = [50.0]
    for h in heights:
        ys.append(ys[-1] + h)
    xs = [40.0]
    for w in widths:
        xs.append(xs[-1] + w)
    taken = [[False] * n_cols for _ in range(n_rows)]
    spans: list[Span] = []
    for r in range(n_rows):
        for c in range(n_cols):
            if taken[r][c]:
                continue
            max_cs = 1
            while c + max_cs < n_cols and not taken[r][c + max_cs]:
                max_cs += 1
            cs = draw(st.integers(1, max_cs))
            rs = draw(st.integers(1, n_rows - r))
            while any(taken[rr][cc] for rr in range(r, r + rs) for cc in range(c, c + cs)):
                rs -= 1
            for rr in range(r, r + rs):
                for cc in range(c, c + cs):
                    taken[rr][cc] = True
            spans.append((r, c, rs, cs))
    return xs, ys, spans


def _borders(xs: list[float], ys: list[float], spans: list[Span], jitter: float) -> tuple[list[HSeg], list[VSeg]]:
    hs, vs = [], []
    for i, (r, c, rs, cs) in enumerate(spans):
        d = jitter if i % 2 else -jitter
        x0, x1, y0, y1 = xs[c], xs[c + cs], ys[r], ys[r + rs]
        hs += [HSeg(y0 + d, x0, x1), HSeg(y1 - d, x0, x1)]
        vs += [VSeg(x0 + d, y0, y1), VSeg(x1 - d, y0, y1)]
    return hs, vs


@settings(max_examples=200, deadline=None)
@given(merged_grids(), st.floats(0, 0.6))
def test_cell_borders_give_back_the_merged_cells(
    grid: tuple[list[float], list[float], list[Span]], jitter: float
) -> None:
    xs, ys, spans = grid
    hs, vs = _borders(xs, ys, spans, jitter)
    tables = build_tables(hs, vs, PDF_TOLERANCE)
    assert len(tables) == 1
    t = tables[0]
    got = sorted((c.row, c.col, c.rowspan, c.colspan) for c in t.cells)
    # rule positions no cell border uses collapse away, so compare on the rules that exist
    used_x = sorted({xs[c] for _, c, _, _ in spans} | {xs[c + cs] for _, c, _, cs in spans})
    used_y = sorted({ys[r] for r, _, _, _ in spans} | {ys[r + rs] for r, _, rs, _ in spans})
    want = sorted(
        (
            used_y.index(ys[r]),
            used_x.index(xs[c]),
            used_y.index(ys[r + rs]) - used_y.index(ys[r]),
            used_x.index(xs[c + cs]) - used_x.index(xs[c]),
        )
        for r, c, rs, cs in spans
    )
    assert got == want


def test_two_tables_apart_are_two_grids() -> None:
    hs = [HSeg(y, 0, 100) for y in (0, 20, 40)] + [HSeg(y, 0, 100) for y in (200, 220)]
    vs = [VSeg(x, 0, 40) for x in (0, 50, 100)] + [VSeg(x, 200, 220) for x in (0, 100)]
    tables = build_tables(hs, vs, PDF_TOLERANCE)
    assert [(t.n_rows, t.n_cols) for t in tables] == [(2, 2), (1, 1)]


def test_table_without_its_closing_rule_is_closed() -> None:
    """A table cut by a page break: column rules run past the last row rule."""
    hs = [HSeg(y, 0, 100) for y in (0, 20)]
    vs = [VSeg(x, 0, 45) for x in (0, 50, 100)]
    (t,) = build_tables(hs, vs, PDF_TOLERANCE)
    assert (t.n_rows, t.n_cols) == (2, 2)
    assert t.ys[-1] == 45
