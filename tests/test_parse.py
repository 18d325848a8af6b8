"""Parser behaviour on documents built from the template declaration."""

from __future__ import annotations

import random

import pytest

from gongkai.model.template import TEMPLATES, Template
from gongkai.parse import parse_document
from gongkai.readers import read_bytes


def _t3_text(tpl: Template, rows: dict[str, list[int]], typo_row: str | None = None, sep: str = "\t") -> str:
    spec = tpl.table("applications")
    lines = [f"测试局{tpl.years[0]}年政府信息公开工作年度报告", "一、总体情况", "略。", "二、主动公开政府信息情况"]
    lines.append("三、收到和处理政府信息公开申请情况")
    for r in spec.rows:
        label = r.numbering + r.label
        if r.key == typo_row:
            i = len(r.numbering) + len(r.label) // 2
            label = label[:i] + "口" + label[i + 1 :]
        lines.append(label + sep + sep.join(str(v) for v in rows[r.key]))
    lines += ["四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项"]
    return "\n".join(lines) + "\n"


def _consistent_rows(tpl: Template, rng: random.Random) -> dict[str, list[int]]:
    spec = tpl.table("applications")
    rows: dict[str, list[int]] = {}
    outcome = [r.key for r in spec.rows][2:-2]
    for key in ("received", "carried_over", *outcome):
        parts = [rng.choice([0, 0, 0, rng.randint(0, 60)]) for _ in range(6)]
        rows[key] = [*parts, sum(parts)]
    total = [sum(rows[k][j] for k in outcome) for j in range(7)]
    rows["processed_total"] = total
    fwd = [rows["received"][j] + rows["carried_over"][j] - total[j] for j in range(7)]
    if min(fwd) < 0:  # keep the identity: add the shortfall to this year's received
        for j in range(7):
            if fwd[j] < 0:
                rows["received"][j] -= fwd[j]
        fwd = [max(0, v) for v in fwd]
    rows["carried_forward"] = fwd
    return rows


@pytest.mark.parametrize("version", ["v2019", "v2021"])
@pytest.mark.parametrize("seed", range(6))
def test_undeclared_label_typo_is_matched_approximately(version: str, seed: int) -> None:
    tpl = TEMPLATES[version]
    rng = random.Random(seed)
    rows = _consistent_rows(tpl, rng)
    long_rows = [r.key for r in tpl.table("applications").rows if len(r.label) >= 8]
    typo = rng.choice(long_rows)
    doc = read_bytes("t.txt", _t3_text(tpl, rows, typo).encode())
    report = parse_document(doc)
    t3 = report.tables["applications"]
    assert t3 is not None
    for key, values in rows.items():
        row = t3[key]
        assert row is not None, key
        assert [c.value for c in row.values()] == values, key


@pytest.mark.parametrize("version", ["v2019", "v2021"])
def test_separator_free_table_decodes_exactly(version: str) -> None:
    tpl = TEMPLATES[version]
    rows = _consistent_rows(tpl, random.Random(7))
    report = parse_document(read_bytes("t.txt", _t3_text(tpl, rows, sep="").encode()))
    t3 = report.tables["applications"]
    assert t3 is not None
    for key, values in rows.items():
        row = t3[key]
        assert row is not None
        got = [c.value for c in row.values()]
        unsure = [c for c in row.values() if c.uncertain]
        # exact, or honestly uncertain: never a different number
        assert got == values or unsure, key
        for c, v in zip(row.values(), values, strict=True):
            if not c.uncertain:
                assert c.value == v


def test_a_negative_count_is_read_as_written_and_flagged() -> None:
    from gongkai.checks import run_checks

    tpl = TEMPLATES["v2021"]
    rows = _consistent_rows(tpl, random.Random(3))
    rows["disclosed"] = [-2, *rows["disclosed"][1:6], rows["disclosed"][6] - 2 - rows["disclosed"][0]]
    report = parse_document(read_bytes("t.txt", _t3_text(tpl, rows).encode()))
    cell = report.cell("applications", "disclosed", "natural_person")
    assert cell is not None and cell.value == -2 and not cell.uncertain
    report.findings = run_checks(report)
    assert any(f.rule == "bad_number" and f.where == "applications.disclosed.natural_person" for f in report.findings)


def test_one_cell_per_line_keeps_a_blank_marker_cell() -> None:
    """'无' on its own line is a (blank) cell of the row, not the start of the next label."""
    from gongkai.parse.cells import cell_lines

    fields = cell_lines("\n\t0\n\t\n\t无\n\t\n\t3\n\n\t2.下一行")
    assert fields is not None
    assert [f for f, _ in fields] == ["0", "", "无", "", "3"]
    assert cell_lines("\n\t0\n\t其他\n\t3") is not None and len(cell_lines("\n\t0\n\t其他\n\t3") or []) == 1


@pytest.mark.parametrize(
    ("sentence", "value"),
    [("另有4件结转下年度继续办理。", 4), ("结转下年度继续办理21件。", 21), ("共有3件申请结转至下一年度。", 3)],
)
def test_carried_forward_stated_either_way_round(sentence: str, value: int) -> None:
    from gongkai.parse.facts import extract_facts

    facts = {f.key: f.value for f in extract_facts(sentence)}
    assert facts.get("applications.carried_forward.total") == value
    assert "applications.carried_over.total" not in facts


def test_signature_run_on_at_the_end_of_flat_text() -> None:
    from gongkai.parse.meta import find_signature

    date, agency = find_signature(["……均已按时办结。 隆松市统计局2019年1月11日"])
    assert date is not None and (date.year, date.month, date.day) == (2019, 1, 11)
    assert agency == "隆松市统计局"
    # a date inside a sentence is not a signature
    assert find_signature(["本机关将在2019年1月11日"]) == (None, None)


@pytest.mark.parametrize("seed", [3, 11])
def test_table4_line_is_not_extended_by_the_next_sections_text(seed: int) -> None:
    """Section 五 lost its heading and says only '无': that word follows table 4's line of 15
    numbers but is not a 16th cell."""
    from gongkai.model.template import SECTIONS
    from gongkai.render.text import render_pdftext
    from gongkai.testing.generate import generate

    gen = generate(seed, "v2021", defects=())
    gen.report.sections["problems"] = "无"
    heading = next(s.canonical for s in SECTIONS if s.key == "problems")
    text = render_pdftext(gen.report).replace(heading, "", 1)
    got = parse_document(read_bytes("r.txt", text.encode()))
    want = gen.report.tables["appeals"] or {}
    assert got.tables["appeals"] is not None
    for rkey, row in want.items():
        for ckey, cell in (row or {}).items():
            read = (got.tables["appeals"] or {})[rkey]
            assert read is not None and read[ckey].value == cell.value and not read[ckey].uncertain


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("10000无\n1", ["number", "blank", "number"]),  # a separator-free row with a marked blank
        ("3 无 5", ["number", "blank", "number"]),
        ("0 0（四）无法提供", ["number", "number"]),  # '无法提供' is the next label, not a blank
        ("12件", ["number"]),
        ("8 0 0 - 0 0 8", ["number"] * 3 + ["blank"] + ["number"] * 3),  # a spaced dash is a cell
        ("3 — — 5", ["number", "blank", "blank", "number"]),
        ("合法权益 - 0 0", ["blank", "number", "number"]),  # the row's first cell marked blank
        ("3 -5", ["number", "number"]),  # a dash on the number is its sign
    ],
)
def test_blank_markers_between_numbers_are_cells(text: str, kinds: list[str]) -> None:
    from gongkai.parse.cells import region_units

    assert [u.kind for u in region_units(text)] == kinds


def test_a_dash_is_a_blank_only_where_no_number_follows() -> None:
    from gongkai.parse.cells import region_units

    # the last cell of a run-together row marked '-'
    assert [u.kind for u in region_units("000002/81110000-")] == ["number", "blank", "number", "blank"]
    # '294-' at a line break: the dash may be the sign of the number on the next line
    assert "blank" not in [u.kind for u in region_units("294-\n1110")]


def test_table4_with_fewer_numbers_than_cells_reports_blanks_it_cannot_place() -> None:
    """PDF-style text drops blank cells: nine numbers for fifteen cells means six blanks at
    least, wherever they are."""
    from gongkai.checks import run_checks
    from gongkai.model.report import Cell
    from gongkai.render.text import render_pdftext
    from gongkai.testing.generate import generate

    gen = generate(5, "v2021", defects=())
    appeals = gen.report.tables["appeals"] or {}
    cells = [cell for row in appeals.values() if row for cell in row.values()]
    for row in appeals.values():
        for ckey in ("corrected", "other") if row else ():
            if row[ckey].value == 0:  # type: ignore[index]
                row[ckey] = Cell(None, "", blank=True)  # type: ignore[index]
    n_blank = sum(1 for row in appeals.values() if row for c in row.values() if c.blank)
    assert n_blank and len(cells) == 15
    report = parse_document(read_bytes("r.txt", render_pdftext(gen.report).encode()))
    report.findings = run_checks(report)
    found = [f for f in report.findings if f.rule == "blank_cells" and f.where == "tables.appeals"]
    assert found and f"至少 {n_blank} 个单元格" in found[0].message


def test_a_heading_with_an_extra_character_ends_where_it_matches_best() -> None:
    """``四、政府信息公开行政法复议、行政诉讼情况`` glued to the table header after it: the
    typo's extra 法 must not cut the heading's last character off."""
    from gongkai.model.template import SECTIONS
    from gongkai.model.text import fold
    from gongkai.parse.labels import match_heading

    spec = next(s for s in SECTIONS if s.key == "appeals")
    text = fold("政府信息公开行政法复议、行政诉讼情况行政复议行政诉讼结果维持")
    score, end = match_heading(text, 0, spec)
    assert score > 0.9
    assert text[:end] == fold("政府信息公开行政法复议、行政诉讼情况")


def test_publication_date_in_traditional_characters() -> None:
    """A scraper's header converted to traditional characters: 發佈時間 is 发布时间."""
    from gongkai.parse import parse_document

    text = "標題: 某局2020年政府信息公開工作年度報告\n發佈時間: 2021-02-03 08:24\n一、總體情況\n略。\n"
    report = parse_document(read_bytes("t.txt", text.encode()))
    assert report.published_on is not None and report.published_on.isoformat() == "2021-02-03"


def _all_blank(tables: dict, keys: tuple[str, ...]) -> None:
    from gongkai.model.report import Cell

    for key in keys:
        for row in tables[key].values():
            for col in row or {}:
                row[col] = Cell(None, "", blank=True)


@pytest.mark.parametrize("fmt", ["pdftext", "html", "tsv"])
def test_tables_printed_with_nothing_in_them_are_blank_not_missing(fmt: str) -> None:
    """A report whose style is to leave zeros blank, with nothing to report: tables 3 and 4
    printed with every cell empty (a PDF dump drops them all). Blank is not missing."""
    from gongkai.checks import run_checks
    from gongkai.testing.corpus import render_bytes
    from gongkai.testing.generate import generate

    gen = generate(21, "v2021", defects=())
    _all_blank(gen.report.tables, ("applications", "appeals"))
    report = parse_document(read_bytes(f"r.{'html' if fmt == 'html' else 'txt'}", render_bytes(gen, fmt)))
    for key in ("applications", "appeals"):
        table = report.tables[key]
        assert table is not None, key
        assert all(c.blank and c.value is None for row in table.values() if row for c in row.values())
    rules = {f.rule for f in run_checks(report)}
    assert "blank_cells" in rules and "table_missing" not in rules and "table_incomplete" not in rules


def _sections_doc(active_heading: str) -> str:
    return "\n".join(
        [
            "测试局2023年度政府信息公开工作年度报告",
            "一、总体情况",
            "2023年，测试局扎实推进政务公开。",
            "1.主动公开方面",
            "全年主动公开政府信息120条。",
            "2.依申请公开方面",
            "本年度共收到政府信息公开申请3件。",
            active_heading,
            "本年度制发规范性文件2件。",
            "三、收到和处理政府信息公开申请情况",
            "四、政府信息公开行政复议、行政诉讼情况",
            "五、存在的主要问题及改进情况",
            "一是解读不够深入。",
            "六、其他需要报告的事项",
            "无。",
        ]
    )


@pytest.mark.parametrize(
    "heading", ["二、主动公开政府信息情况", "2、主动公开政府信息情况", "二 、主动公开情况", "三、主动公开政府信息情况"]
)
def test_a_numbered_part_of_section_one_is_not_section_two(heading: str) -> None:
    """``1.主动公开方面`` is a part of 一, however like 二's title its first words are; a
    heading under the section's own number may be worded loosely, under another number it must
    be the title."""
    r = parse_document(read_bytes("r.txt", _sections_doc(heading).encode()))
    assert r.section_titles["active_disclosure"].replace(" ", "") == heading.replace(" ", "")
    assert r.sections["overview"] is not None and "全年主动公开政府信息120条" in r.sections["overview"]
    assert "本年度共收到政府信息公开申请3件" in r.sections["overview"]
    assert r.sections["active_disclosure"] == "本年度制发规范性文件2件。"


def test_a_delimited_cell_holding_no_number_is_unknown_and_only_it() -> None:
    """A tab-separated row whose business cell reads ``a`` (OCR garbage, a stray word): that
    cell is unknown; its neighbours keep their places and values, and nothing is shifted."""
    from gongkai.checks import run_checks
    from gongkai.testing.corpus import render_bytes
    from gongkai.testing.generate import generate

    gen = generate(5, "v2021", defects=())
    text = render_bytes(gen, "tsv").decode()
    want = gen.report.tables["applications"]["disclosed"]  # type: ignore[index]
    assert want is not None
    values = [str(c.value) for c in want.values()]
    line = next(ln for ln in text.split("\n") if ln.startswith("（一）予以公开") or "予以公开\t" in ln)
    fields = line.split("\t")
    fields[-6] = "a"  # the business column
    report = parse_document(read_bytes("r.txt", text.replace(line, "\t".join(fields)).encode()))
    row = report.tables["applications"]["disclosed"]  # type: ignore[index]
    assert row is not None
    assert row["business"].value is None and row["business"].uncertain
    for col, v in zip(want, values, strict=True):
        if col != "business":
            assert str(row[col].value) == v and not row[col].uncertain
    report.findings = run_checks(report)
    assert not any(f.rule == "t3_row_total" and not f.uncertain for f in report.findings)


def test_a_negative_count_among_dropped_blanks_is_reported_wherever_it_is() -> None:
    """PDF-style text drops the blank cells of table 4 and keeps ``-3``: which cell holds it
    is not shown, but the report has a negative count all the same (bad_number, uncertain)."""
    from gongkai.checks import run_checks
    from gongkai.render.text import render_pdftext
    from gongkai.testing.generate import generate
    from report_edits import with_appeals

    gen = with_appeals(
        generate(5, "v2021", defects=()),
        review=[2, None, 0, None, 2],
        litigation_direct=[6, -3, 0, 0, None],
        litigation_after_review=[0, 0, 0, 0, 0],
    )
    report = parse_document(read_bytes("r.txt", render_pdftext(gen.report).encode()))
    report.findings = run_checks(report)
    assert any(f.rule == "bad_number" and f.where.startswith("tables.appeals") for f in report.findings)


@pytest.mark.parametrize(
    ("region", "raw"),
    [
        ("4450\n第二十条第（五）项\n信息内容上一年项目数量本年增/减处理决定数量", "4450"),  # the next part's heading
        (" 12 3\n4 5 \n", "12 3\n4 5"),  # a row wrapped over two lines keeps both
        ("无", "无"),
    ],
)
def test_an_uncertain_row_lists_only_its_own_text(region: str, raw: str) -> None:
    from gongkai.parse.tables import row_text

    assert row_text(region) == raw


def test_a_count_of_articles_in_a_sentence_is_no_table_row() -> None:
    """``制定公开规范性文件1篇，转载…``: a sentence counting articles (篇) under section 二 of a
    report whose table 2 is not in the text (a page's excerpt, a table printed as an image) is
    no row of table 2 — read as one it drew a false incomplete table and template error."""
    from gongkai.checks import run_checks

    text = (
        "清河市统计局2019年政府信息公开工作年度报告\n一、总体情况\n本年工作有序开展。\n"
        "二、主动公开政府信息情况\n本年制定公开规范性文件1篇，转载公开政策文件4篇，公开其他信息70篇。\n"
        "三、收到和处理政府信息公开申请情况\n本年共受理申请10件。\n"
    )
    report = parse_document(read_bytes("doc.txt", text.encode()))
    assert report.tables.get("active_disclosure") is None
    assert not [f for f in run_checks(report) if f.rule in ("table_incomplete", "template_mismatch")]


@pytest.mark.parametrize(
    ("page", "date"),
    [
        ("五常市背荫河镇2022年政府信息公开工作年度报告\n日期:2023-01-11 来源:五常市人民政府 访问量:\n", "2023-01-11"),
        ("时间: 2024-03-31 18:46:07 来源: 西藏自治区人民政府办公厅\n", "2024-03-31"),
        ("来源:鱼峰区里雍镇  |   发布日期:2026-01-28 17:00\n", "2026-01-28"),
        ("本年度报告中所列数据统计时间:2022-01-01至2022-12-31。\n", None),
        ("日期:2023-01-11\n", None),
        # 海南区 (内蒙古), a 贵州 page and another portal's header
        ("来源:海南区    时间:2024-02-04\n", "2024-02-04"),
        ("发文日期: 2023年01月12日\n", "2023-01-12"),
        ("2024-01-30 18:26 来源:县人民政府办公室\n", "2024-01-30"),
        ("2024-01-30 18:26\n", None),
        ("统计时间：2023-01-01 来源\n", None),
        # 青海, 辽宁 and 重庆 portals' headers
        ("来源:    时间:2024年01月25日\n", "2024-01-25"),
        ("2024年01月26日来源:于洪区教育局\n", "2024-01-26"),
        ("日期:2021-01-22来源:重庆合川工业园区管委会\n", "2021-01-22"),
        ("本报告统计时间为2022年1月1日至12月31日，来源于各科室\n", None),
    ],
)
def test_a_portal_s_bare_date_beside_its_source_is_the_publication_date(page: str, date: str | None) -> None:
    """Real portal metadata lines (黑龙江, 西藏, 广西): a bare 日期/时间 is the page's date only on
    the line naming its 来源; a period or a date alone is not."""
    from gongkai.model.text import publication_date

    found = publication_date(page)
    assert (found.isoformat() if found else None) == date


@pytest.mark.parametrize(
    ("text", "period"),
    [
        ("本报告所列数据统计期限为2023年全年。", ("2023-01-01", "2023-12-31")),
        ("统计期限：2024.1.1-2024.12.31。", ("2024-01-01", "2024-12-31")),
        ("本报告所列数据统计时间为2022-01-01至2022-12-31。", ("2022-01-01", "2022-12-31")),
        ("2024.3.1-2024.3.31开展专项检查。", None),
    ],
)
def test_a_statistics_period_stated_in_other_forms(text: str, period: tuple[str, str] | None) -> None:
    """The whole year, or dotted and ISO dates, in the statement itself; a range elsewhere is
    no period."""
    from gongkai.model.text import fold
    from gongkai.parse.meta import find_period

    found = find_period(fold(text))
    assert (tuple(d.isoformat() for d in found) if found else None) == period


@pytest.mark.parametrize("fmt", ["layout", "onecell"])
@pytest.mark.parametrize("seed", range(3))
def test_a_table_printed_blank_and_cut_short_is_blank_and_incomplete_not_missing(fmt: str, seed: int) -> None:
    """Table 3's first rows printed with their labels and not a number (a quiet year, blank
    cells), the rest of the table lost: those rows are blank and the table incomplete, not
    "no table 3" (an error naming a table the page shows)."""
    from gongkai.checks import run_checks
    from gongkai.model.report import Cell
    from gongkai.testing.generate import generate
    from gongkai.testing.shapes import SHAPE_RENDERERS

    report = generate(seed, defects=()).report
    table = report.tables["applications"]
    assert table is not None
    kept = list(table)[:3]
    report.tables["applications"] = {
        key: {col: Cell(None, "", blank=True) for col in (row or {})} for key, row in table.items() if key in kept
    }
    got = parse_document(read_bytes(f"r.{fmt}.txt", SHAPE_RENDERERS[fmt](report, seed).encode()))
    read = got.tables["applications"]
    assert read is not None
    for key in kept:
        assert all(c.blank and not c.uncertain for c in (read[key] or {}).values())
    rules = {f.rule for f in run_checks(got)}
    assert "table_incomplete" in rules and "table_missing" not in rules


@pytest.mark.parametrize("fmt", ["pdftext", "md_layout", "onecell"])
@pytest.mark.parametrize("seed", range(2))
def test_a_number_is_not_cut_to_mend_the_reports_own_error(fmt: str, seed: int) -> None:
    """Table 4 printed ``1 1 2 1 10`` with its blank cells vanished, its 复议后起诉 total wrong
    (10 for 1): cutting 10 into 1 and 0 makes every sum hold, keeping it whole breaks one.
    The cells the two place differently are open, never a certain number the page lacks."""
    from gongkai.model.report import Cell
    from gongkai.testing.compare import compare_tables
    from gongkai.testing.corpus import render_text
    from gongkai.testing.generate import generate

    gen = generate(seed, defects=())
    printed = {("review", "other"): 1, ("review", "pending"): 1, ("review", "total"): 2}
    printed |= {("litigation_after_review", "upheld"): 1, ("litigation_after_review", "total"): 10}
    appeals = gen.report.tables["appeals"]
    assert appeals is not None
    for group, row in appeals.items():
        for col in row or {}:
            value = printed.get((group, col))
            row[col] = Cell(value, str(value)) if value is not None else Cell(None, "", blank=True)  # type: ignore[index]
    got = parse_document(read_bytes(f"r.{fmt}.txt", render_text(gen, fmt).encode()))
    cells = compare_tables(gen.report.to_json(provenance=False)["tables"], got.to_json(provenance=False))
    assert cells.wrong == 0, [m for m in cells.mismatches if m["kind"] == "wrong"]


OPENINGS = ["《{t}》已经编制完成并向社会公开，现就年报内容进行如下解读。", "关于《{t}》的解读"]


@pytest.mark.parametrize("opening", OPENINGS)
@pytest.mark.parametrize("seed", range(3))
def test_a_page_interpreting_a_report_is_refused_as_no_report(opening: str, seed: int) -> None:
    """年报解读 pages stand beside many reports on the portals (a 山东 page): read as the report
    they named it, and six sections and three tables were errors of that report."""
    from gongkai.pipeline import parse_bytes
    from gongkai.readers import ReadError
    from gongkai.render.text import render_tsv
    from gongkai.testing.generate import generate

    gen = generate(seed)
    title = f"{gen.report.agency}{gen.report.year}年政府信息公开工作年度报告"
    page = "\n".join(
        [
            opening.format(t=title),
            "一、编制背景",
            f"政府信息公开工作年度报告是法定制度安排，编制了《{title}》。",
            "二、主要内容",
            "报告全文包括总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况等六项内容。",
            "三、统计期限",
            f"本年度报告中所列数据统计期限从{gen.report.year}年1月1日到{gen.report.year}年12月31日止。",
        ]
    )
    with pytest.raises(ReadError) as e:
        parse_bytes("jiedu.txt", page.encode())
    assert "解读" in e.value.reason
    # the report itself is read as before
    assert parse_bytes("report.txt", render_tsv(gen.report).encode()).agency is not None


def test_full_width_digits_are_spaced_apart_as_numbers_not_as_words() -> None:
    """``１３ １３ １４８`` is three cells, as ``13 13 148`` is; ``共 １３ 件`` closes up as ``共 13 件`` does."""
    from gongkai.model.text import despace

    assert despace("规范性文件 １３ １３ １４８") == "规范性文件１３ １３ １４８"
    assert despace("共 １３ 件") == "共１３件"


@pytest.mark.parametrize("fmt", ["pdftext", "onecell", "layout", "cells", "flat"])
def test_a_report_typed_with_full_width_digits_reads_as_with_ascii_ones(fmt: str) -> None:
    """Rendered from the model, every digit full-width: was uncertain in text split by
    spaces (the spaces between full-width digits were taken for spaces between words)."""
    from gongkai.testing.compare import compare_tables
    from gongkai.testing.corpus import make_document
    from gongkai.testing.determined import undetermined_cells

    for seed in range(4):
        doc = make_document(seed, fmt, "fullwidth_digits")
        assert "２" in doc.data.decode("utf-8")
        report = parse_document(read_bytes(doc.name, doc.data))
        truth = doc.truth.report.to_json(provenance=False)["tables"]
        open_cells = undetermined_cells(doc.truth.report, fmt, "fullwidth_digits")
        cells = compare_tables(truth, report.to_json(provenance=False), open_cells)
        assert cells.wrong == 0 and cells.exact == cells.total, (doc.name, cells.mismatches)
        assert report.year == doc.truth.report.year


def _marked_blanks_read(seed: int, mark: str, fmt: str) -> tuple[int, int, int]:
    """(wrong, exact, total) cells of a generated report whose zero cells are printed blank, each
    blank marked with ``mark`` (a report that writes ``—`` or ``无`` in its empty cells)."""
    from gongkai.model.report import Cell
    from gongkai.testing.compare import compare_tables
    from gongkai.testing.corpus import render_text
    from gongkai.testing.damage import blank_zeros
    from gongkai.testing.generate import generate

    shown = blank_zeros(generate(seed), seed)
    for table in shown.report.tables.values():
        for row in (table or {}).values():
            for key, cell in (row or {}).items():
                if cell.blank:
                    row[key] = Cell(None, mark, blank=True)  # type: ignore[index]
    name = "report.md" if fmt == "markdown" else "report.txt"
    report = parse_document(read_bytes(name, render_text(shown, fmt).encode()))
    cells = compare_tables(shown.report.to_json(provenance=False)["tables"], report.to_json(provenance=False), {})
    return cells.wrong, cells.exact, cells.total


@pytest.mark.parametrize(
    ("fmt", "mark"), [("tsv", "—"), ("pdftext", "无"), ("layout", "无"), ("flat", "无"), ("markdown", "/")]
)
def test_blank_cells_marked_with_a_sign_are_never_read_as_numbers(fmt: str, mark: str) -> None:
    """``1\\t—\\t3\\t—\\t41`` was taken for a page footer ``— 3 —`` and cut out; ``2 无 0`` was
    closed up to ``2无0`` like words; ``101无无2`` ended the row at the two marks; a Markdown row
    of marks (``| / | / |``) was taken for a heading row, and two equal numbers under two of its
    equal marks for one spanning cell. Each put numbers in other cells."""
    for seed in range(20 if fmt == "markdown" else 8):
        wrong, _, _ = _marked_blanks_read(seed, mark, fmt)
        assert wrong == 0, seed


def test_a_page_footer_inside_a_line_is_run_into_its_text_and_a_row_of_cells_is_not() -> None:
    from gongkai.parse.stream import INLINE_PAGE_NUMBER

    assert INLINE_PAGE_NUMBER.search("0000000- 3 -三、本年度办理结果")
    assert not INLINE_PAGE_NUMBER.search("34\t3\t1\t—\t3\t—\t41")
    assert not INLINE_PAGE_NUMBER.search("34 3 1 — 3 — 41")


def test_blank_markers_that_are_chinese_characters_stay_cells_of_their_own() -> None:
    from gongkai.model.text import despace
    from gongkai.parse.cells import region_units

    assert despace("无 0 2 0 2 无 0 无 无 无 0") == "无 0 2 0 2 无 0 无 无 无 0"
    assert despace("本 年 度 无 行 政 复 议 ") == "本年度无行政复议 "  # a word of a sentence closes up as before
    assert despace("不计        无         0        无") == "不计        无         0        无"  # a layout row
    units = region_units("101无无2无13")
    assert [u.kind for u in units].count("blank") == 3


@pytest.mark.parametrize("numbered", ["四、", "4、"])
@pytest.mark.parametrize("fmt", ["tsv", "flat"])
def test_a_tables_last_blank_mark_before_section_four_denies_no_appeals(fmt: str, numbered: str) -> None:
    """``…无\\t无`` ending table 3, then ``四、政府信息公开行政复议、行政诉讼情况``: the lines joined
    (or no lines at all) read as ``无…行政复议、行政诉讼``, a denial of any case, against a table
    4 that has them."""
    from gongkai.checks import run_checks
    from gongkai.testing.corpus import render_text
    from gongkai.testing.damage import blank_marks
    from gongkai.testing.generate import generate

    for seed in range(12):
        gen = blank_marks(generate(seed), seed)
        text = render_text(gen, fmt).replace("四、政府信息公开行政复议", f"{numbered}政府信息公开行政复议")
        report = parse_document(read_bytes("report.txt", text.encode()))
        denials = [f.text for f in report.facts if f.key.startswith("appeals.") and numbered in f.text]
        assert not denials, seed
        assert not [f for f in run_checks(report) if f.rule == "narrative_mismatch" and f.where.startswith("appeals")]


@pytest.mark.parametrize("fmt", ["pdftext", "layout"])
@pytest.mark.parametrize("mark", ["-", "／", "无"])
def test_blank_cells_marked_with_a_sign_leave_every_cell_of_a_text_dump_read(fmt: str, mark: str) -> None:
    """A mark is a cell of its own: nothing about a marked row is left to guess. Were left
    uncertain: ``／ ／ 0`` closed up like words (full-width slashes counted as Chinese), a row
    ending ``0 - -`` or ``0 无 无`` (only one trailing mark was a cell), a row opening ``无 0``
    after its label (closed up to ``无0``), and a label cut by its row's marks (``…重新出具 - - -``
    / ``已获取信息``), which no cut at a digit found."""
    for seed in range(8):
        wrong, exact, total = _marked_blanks_read(seed, mark, fmt)
        assert wrong == 0 and exact == total, (seed, exact, total)


@pytest.mark.parametrize("fmt", ["md_layout", "onecell", "flat", "layout", "pdftext", "markdown"])
def test_a_report_that_marks_its_blank_cells_reads_whole_in_every_text_shape(fmt: str) -> None:
    """The damage kind ``blank_marks`` (blank zeros marked ``/``, ``／``, ``—``, ``-`` or ``无``,
    one mark a report). Were left uncertain: a converter's ``| 5 - | - - |`` (a hyphen after a
    number set apart was taken for a sign, ``- -`` for words), marks one a line (a run of
    one-character lines taken for a label printed vertically), ``6-----6`` and ``170///017``
    run together (the hyphens and slashes were text), ``…不计    无    0`` in a layout (the
    mark closed up into the label)."""
    from gongkai.testing.compare import compare_tables
    from gongkai.testing.corpus import make_document
    from gongkai.testing.determined import undetermined_cells

    for seed in range(6):
        doc = make_document(seed, fmt, "blank_marks")
        report = parse_document(read_bytes(doc.name, doc.data))
        truth = doc.truth.report.to_json(provenance=False)["tables"]
        open_cells = undetermined_cells(doc.truth.report, fmt, "blank_marks")
        cells = compare_tables(truth, report.to_json(provenance=False), open_cells)
        assert cells.wrong == 0 and cells.exact == cells.total, (doc.name, cells.mismatches[:3])


def test_a_run_that_marks_its_blanks_with_hyphens_has_no_negative_counts() -> None:
    """``1---1-1--1-----`` (table 4 run together, blank cells marked ``-``): the hyphen between
    two digits is one more mark, not the sign of ``-1`` (a sign never doubles, and the field's
    doubled hyphens say how it marks its blanks). Was read ``-1`` in two documents in 1,112."""
    from gongkai.parse.cells import region_units

    units = region_units("1---1-1--1-----")
    assert len(units) == 15
    assert [u.text for u in units if u.kind == "number"] == ["1", "1", "1", "1"]
    assert all(u.sign == 1 for u in units)
    assert [u.sign for u in region_units("120-2") if u.kind == "number"] == [1, -1]  # no marks: as before


def test_a_blank_mark_among_table_4_s_numbers_is_no_heading_between_them() -> None:
    """A dump a cell a line, table 4's fifteen values after its headings, one of them ``无``:
    the mark was taken for a heading printed among the numbers (a page laid out by columns), and
    with the report's own sum error (t4_total) every cell was doubted and the error not named."""
    from gongkai.checks import run_checks
    from gongkai.model.report import Cell
    from gongkai.testing.corpus import render_text
    from gongkai.testing.damage import blank_zeros
    from gongkai.testing.generate import generate

    checked = 0
    for seed in (0, 2, 4, 6):  # (reports whose table 3 reads fast: a blank zero may cost its search seconds)
        gen = blank_zeros(generate(seed, defects=("t4_total",)), seed)
        t4 = gen.report.tables.get("appeals") or {}
        assert "t4_total" in gen.defects and any(c.blank for row in t4.values() for c in (row or {}).values())
        for row in t4.values():
            for key, cell in (row or {}).items():
                if cell.blank:
                    row[key] = Cell(None, "无", blank=True)  # type: ignore[index]
        report = parse_document(read_bytes("report.txt", render_text(gen, "onecell").encode()))
        appeals = report.tables.get("appeals") or {}
        assert not any(c.uncertain for row in appeals.values() for c in (row or {}).values()), seed
        assert any(f.rule == "t4_total" for f in run_checks(report)), seed
        checked += 1
    assert checked == 4
