"""Neighbouring years of one agency settle table-2 runs that one report cannot."""

from __future__ import annotations

from pathlib import Path

from gongkai.model.template import V2021
from gongkai.pipeline import parse_paths


def _report(year: int, normative_values: str) -> str:
    t2 = V2021.table("active_disclosure")
    lines = [f"某某县教育局{year}年政府信息公开工作年度报告", "一、总体情况", "略。", "二、主动公开政府信息情况"]
    for row in t2.rows:
        cols = t2.row_columns(row)
        values = normative_values if row.key == "normative_documents" else "\t".join("1" for _ in cols)
        lines.append(f"{row.label}\t{values}")
    lines += [
        "三、收到和处理政府信息公开申请情况",
        "四、政府信息公开行政复议、行政诉讼情况",
        "五、存在的主要问题及改进情况",
    ]
    return "\n".join(lines) + "\n"


def test_continuity_settles_last_years_run(tmp_path: Path) -> None:
    a, b = tmp_path / "2023.txt", tmp_path / "2024.txt"
    a.write_text(_report(2023, "7050"), encoding="utf-8")  # 7|0|50, 70|5|0, 7|05.. (no), 705|0 ...
    b.write_text(_report(2024, "5\t2\t53"), encoding="utf-8")
    alone = parse_paths([str(a)])[0]
    cells = alone.tables["active_disclosure"]["normative_documents"]  # type: ignore[index, union-attr]
    assert any(c.uncertain for c in cells.values())
    both = parse_paths([str(a), str(b)])
    row = both[0].tables["active_disclosure"]["normative_documents"]  # type: ignore[index, union-attr]
    assert [c.value for c in row.values()] == [7, 0, 50]
    assert not any(c.uncertain for c in row.values())
    assert any(d.method.startswith("cross-year") for d in both[0].decisions)  # type: ignore[union-attr]


def test_other_agencies_do_not_interfere(tmp_path: Path) -> None:
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text(_report(2023, "7050"), encoding="utf-8")
    b.write_text(_report(2024, "5\t2\t53").replace("某某县教育局", "另一县卫生局"), encoding="utf-8")
    first = parse_paths([str(a), str(b)])[0]
    row = first.tables["active_disclosure"]["normative_documents"]  # type: ignore[index, union-attr]
    assert any(c.uncertain for c in row.values())


def test_neighbours_that_disagree_leave_the_run_open(tmp_path: Path) -> None:
    """``5120`` is 5|1|20, 5|12|0 or 51|2|0. Next year (现行有效 20 after 1 issued and 1 repealed)
    continues only 5|1|20; last year (现行有效 7) is continued only by 5|12|0. One of the two
    links is broken, and nothing tells which: the run stays open rather than settling on the
    reading of whichever neighbour came first."""
    paths = {}
    for year, values in ((2022, "1\t1\t7"), (2023, "5120"), (2024, "1\t1\t20")):
        paths[year] = tmp_path / f"{year}.txt"
        paths[year].write_text(_report(year, values), encoding="utf-8")

    def normative(years: tuple[int, ...]) -> list[object]:
        got = {r.year: r for r in parse_paths([str(paths[y]) for y in years])}
        row = got[2023].tables["active_disclosure"]["normative_documents"]  # type: ignore[index, union-attr]
        return [None if c.uncertain else c.value for c in row.values()]

    assert normative((2023, 2024)) == [5, 1, 20]
    assert normative((2022, 2023)) == [5, 12, 0]
    assert normative((2022, 2023, 2024)) == [None, None, None]


def test_a_year_of_another_report_a_preamble_names_is_not_the_report_s() -> None:
    """``…以及景德镇市2019年度的政府信息公开年度报告提纲编制`` (a real 2022 report without a
    title line): the outline it follows is no title; the year is the report's own."""
    from gongkai.pipeline import parse_bytes
    from gongkai.testing.corpus import render_text
    from gongkai.testing.generate import generate

    for seed in range(6):
        gen = generate(seed, title_shape="standard")
        year = gen.report.year
        assert year is not None and gen.report.title is not None
        lines = render_text(gen, "markdown").split("\n")
        at = next(k for k, line in enumerate(lines) if gen.report.title in line)
        lines[at] = ""
        first = next(k for k, line in enumerate(lines) if k > at and line.strip())
        lines[first] = f"本报告根据条例要求，以及某市{year - 3}年度的政府信息公开年度报告提纲编制。" + lines[first]
        got = parse_bytes("report.md", "\n".join(lines).encode())
        assert got.year == year, seed
        assert got.title is None, seed
