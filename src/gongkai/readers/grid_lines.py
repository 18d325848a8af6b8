"""Ruling lines → table cell grids, for vector PDFs and scanned images alike.

Input is horizontal and vertical segments in one coordinate system with y growing
downwards (PDF points or image pixels). Output is, per table, the sorted distinct rule
positions and the merged cells as rectangles of elementary cells. A merged cell is a set
of elementary cells with no rule between them, found with a union-find.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class HSeg:
    y: float
    x0: float
    x1: float


@dataclass(frozen=True)
class VSeg:
    x: float
    y0: float
    y1: float


@dataclass
class CellBox:
    row: int
    col: int
    rowspan: int
    colspan: int
    bbox: tuple[float, float, float, float]


@dataclass
class TableLines:
    xs: list[float]
    ys: list[float]
    cells: list[CellBox]
    """Merged cells in row-major order of their top-left elementary cell."""

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        return (self.xs[0], self.ys[0], self.xs[-1], self.ys[-1])

    @property
    def n_rows(self) -> int:
        return len(self.ys) - 1

    @property
    def n_cols(self) -> int:
        return len(self.xs) - 1


@dataclass(frozen=True)
class Tolerance:
    snap: float
    """Rules closer than this are one rule (double borders, anti-aliasing)."""
    touch: float
    """A segment ending this close to another still meets it."""
    cover: float = 0.6
    """Fraction of an elementary cell's side a rule must cover to count as its border."""


PDF_TOLERANCE = Tolerance(snap=2.0, touch=3.0)
MIN_TABLE_RULES = 2


def build_tables(hsegs: list[HSeg], vsegs: list[VSeg], tol: Tolerance) -> list[TableLines]:
    """All tables found in the segments, top to bottom."""
    hsegs = _merge_h(hsegs, tol)
    vsegs = _merge_v(vsegs, tol)
    tables = []
    for hs, vs in _components(hsegs, vsegs, tol):
        t = _table(hs, vs, tol)
        if t is not None:
            tables.append(t)
    tables.sort(key=lambda t: (t.ys[0], t.xs[0]))
    return tables


def _snap_positions(values: list[float], snap: float) -> list[float]:
    out: list[list[float]] = []
    for v in sorted(values):
        if out and v - out[-1][-1] <= snap:
            out[-1].append(v)
        else:
            out.append([v])
    return [sum(g) / len(g) for g in out]


def _clusters(positions: list[float], snap: float) -> list[list[int]]:
    """Indices of ``positions`` grouped into runs no wider than ``snap`` between neighbours."""
    order = sorted(range(len(positions)), key=positions.__getitem__)
    groups: list[list[int]] = []
    for i in order:
        if groups and positions[i] - positions[groups[-1][-1]] <= snap:
            groups[-1].append(i)
        else:
            groups.append([i])
    return groups


def _merge_spans(spans: list[tuple[float, float, float]], touch: float) -> list[tuple[float, float, float]]:
    """(position, start, end) pieces of one rule position → joined pieces."""
    out: list[tuple[float, float, float]] = []
    weight: list[float] = []
    for pos, a, b in sorted(spans, key=lambda s: s[1]):
        if out and a <= out[-1][2] + touch:
            p, a0, b0 = out[-1]
            wp, wn = weight[-1], max(b - a, 1e-6)
            # a long rule outweighs short pieces (glyph strokes) that joined it
            out[-1] = ((p * wp + pos * wn) / (wp + wn), a0, max(b0, b))
            weight[-1] = wp + wn
        else:
            out.append((pos, a, b))
            weight.append(max(b - a, 1e-6))
    return out


def _merge_h(segs: list[HSeg], tol: Tolerance) -> list[HSeg]:
    """Join collinear overlapping horizontal pieces (a rule drawn cell by cell)."""
    out: list[HSeg] = []
    for g in _clusters([s.y for s in segs], tol.snap):
        for y, a, b in _merge_spans([(segs[i].y, segs[i].x0, segs[i].x1) for i in g], tol.touch):
            out.append(HSeg(y, a, b))
    return out


def _merge_v(segs: list[VSeg], tol: Tolerance) -> list[VSeg]:
    out: list[VSeg] = []
    for g in _clusters([s.x for s in segs], tol.snap):
        for x, a, b in _merge_spans([(segs[i].x, segs[i].y0, segs[i].y1) for i in g], tol.touch):
            out.append(VSeg(x, a, b))
    return out


def _meets(h: HSeg, v: VSeg, t: float) -> bool:
    return h.x0 - t <= v.x <= h.x1 + t and v.y0 - t <= h.y <= v.y1 + t


def _components(hs: list[HSeg], vs: list[VSeg], tol: Tolerance) -> list[tuple[list[HSeg], list[VSeg]]]:
    """Groups of segments connected by crossings: one group per table."""
    n = len(hs)
    parent = list(range(n + len(vs)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, h in enumerate(hs):
        for j, v in enumerate(vs):
            if _meets(h, v, tol.touch):
                a, b = find(i), find(n + j)
                if a != b:
                    parent[a] = b
    groups: dict[int, tuple[list[HSeg], list[VSeg]]] = {}
    for i, h in enumerate(hs):
        groups.setdefault(find(i), ([], []))[0].append(h)
    for j, v in enumerate(vs):
        groups.setdefault(find(n + j), ([], []))[1].append(v)
    return [g for g in groups.values() if len(g[0]) >= MIN_TABLE_RULES and len(g[1]) >= MIN_TABLE_RULES]


def _covered(intervals: list[tuple[float, float]], a: float, b: float, cover: float) -> bool:
    need = (b - a) * cover
    got = 0.0
    for lo, hi in intervals:
        got += max(0.0, min(hi, b) - max(lo, a))
    return got >= need


def _table(hs: list[HSeg], vs: list[VSeg], tol: Tolerance) -> TableLines | None:
    ys = _snap_positions([h.y for h in hs], tol.snap)
    xs = _snap_positions([v.x for v in vs], tol.snap)
    hs, vs = list(hs), list(vs)
    # A table cut by a page break often lacks its closing rule: the column rules run on
    # past the last row rule. Close it there (and likewise at the other three sides).
    bottom, top = max(v.y1 for v in vs), min(v.y0 for v in vs)
    right, left = max(h.x1 for h in hs), min(h.x0 for h in hs)
    if bottom > ys[-1] + tol.touch:
        ys.append(bottom)
        hs.append(HSeg(bottom, xs[0], xs[-1]))
    if top < ys[0] - tol.touch:
        ys.insert(0, top)
        hs.append(HSeg(top, xs[0], xs[-1]))
    if right > xs[-1] + tol.touch:
        xs.append(right)
        vs.append(VSeg(right, ys[0], ys[-1]))
    if left < xs[0] - tol.touch:
        xs.insert(0, left)
        vs.append(VSeg(left, ys[0], ys[-1]))
    if len(ys) < MIN_TABLE_RULES or len(xs) < MIN_TABLE_RULES:
        return None
    h_at: list[list[tuple[float, float]]] = [[] for _ in ys]
    for h in hs:
        h_at[_nearest(ys, h.y)].append((h.x0 - tol.snap / 2, h.x1 + tol.snap / 2))
    v_at: list[list[tuple[float, float]]] = [[] for _ in xs]
    for v in vs:
        v_at[_nearest(xs, v.x)].append((v.y0 - tol.snap / 2, v.y1 + tol.snap / 2))
    nr, nc = len(ys) - 1, len(xs) - 1
    parent = list(range(nr * nc))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for r in range(nr):
        for c in range(nc):
            if c + 1 < nc and not _covered(v_at[c + 1], ys[r], ys[r + 1], tol.cover):
                parent[find(r * nc + c)] = find(r * nc + c + 1)
            if r + 1 < nr and not _covered(h_at[r + 1], xs[c], xs[c + 1], tol.cover):
                parent[find(r * nc + c)] = find((r + 1) * nc + c)
    extent: dict[int, list[int]] = {}
    for r in range(nr):
        for c in range(nc):
            e = extent.setdefault(find(r * nc + c), [r, c, r, c])
            e[0], e[1], e[2], e[3] = min(e[0], r), min(e[1], c), max(e[2], r), max(e[3], c)
    cells = [
        CellBox(r0, c0, r1 - r0 + 1, c1 - c0 + 1, (xs[c0], ys[r0], xs[c1 + 1], ys[r1 + 1]))
        for r0, c0, r1, c1 in sorted(extent.values())
    ]
    return TableLines(xs, ys, cells)


def _nearest(values: list[float], v: float) -> int:
    return min(range(len(values)), key=lambda i: abs(values[i] - v))
