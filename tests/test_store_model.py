"""Store round trips, agency identity and the across rules, on reports built from the template."""

from __future__ import annotations

import json

import pytest

from gongkai.checks.across import (
    aggregate_mismatch,
    carryover_mismatch,
    department_sums,
    in_force_continuity,
    shared_passages,
    similarity,
    t2_repealed_bound,
    tables_identical,
    text_reuse,
)
from gongkai.model.report import Cell
from gongkai.model.template import APPLICANT_PARTS
from gongkai.store import Store
from gongkai.store.agencies import infer, name_from_title, same_agency
from gongkai.store.crosscheck import run_across
from gongkai.store.queries import Filters, findings, reports, set_verdict, snapshot
from gongkai.store.records import AgencyResolver, load_report, save_report
from store_factory import make_report


@pytest.fixture
def store(tmp_path):
    st = Store(f"sqlite:///{tmp_path / 't.db'}")
    yield st
    st.close()


def _json(r):
    return json.dumps(r.to_json(), sort_keys=True, default=str, ensure_ascii=False)


def forward(report):
    return {c: report.tables["applications"]["carried_forward"][c].value for c in APPLICANT_PARTS}


def test_round_trip_keeps_every_cell_and_blank(store):
    r = make_report("沂源县司法局", 2022)
    with store.session() as s:
        rid, created = save_report(s, r, parser_version="1", resolver=AgencyResolver())
    assert created
    with store.session() as s:
        back = load_report(s, rid)
    assert back is not None
    assert _json(back) == _json(r)
    assert back.cell("appeals", "litigation_after_review", "other").blank
    assert back.cell("appeals", "litigation_after_review", "other").value is None
    assert back.extra_rows == r.extra_rows
    assert isinstance(back.value("active_disclosure", "fees", "amount"), float)


def test_round_trip_keeps_what_the_checks_need_beyond_cells(store):
    """A re-check from the store must see what the decoder knew: identities broken however
    an ambiguous row is read."""
    r = make_report("沂源县司法局", 2022)
    r.unbalanced = ["appeals.review"]
    r.broken_rules = {"applications": ["t3_balance"]}
    with store.session() as s:
        rid, _ = save_report(s, r, parser_version="1", resolver=AgencyResolver())
    with store.session() as s:
        back = load_report(s, rid)
    assert back is not None
    assert back.unbalanced == ["appeals.review"]
    assert back.broken_rules == {"applications": ["t3_balance"]}


def test_round_trip_keeps_the_agencys_doubt_and_an_unreadable_period(store):
    """A report read back from the store (the web app, a re-check) still says its agency was
    only named by the contact point, and that its period statement could not be read."""
    r = make_report("荣成市信访局", 2025)
    r.agency_uncertain = "机关名称“荣成市信访局”仅见于联系方式，标题、落款和前言均未写明"
    r.agency_candidates = [("contact", "荣成市信访局")]
    r.statistics_period, r.period_statement = None, "统计期限自202111日起至20211231日止"
    with store.session() as s:
        rid, _ = save_report(s, r, parser_version="1", resolver=AgencyResolver())
    with store.session() as s:
        back = load_report(s, rid)
    assert back is not None
    assert (back.agency_uncertain, back.agency_candidates) == (r.agency_uncertain, r.agency_candidates)
    assert back.period_statement == r.period_statement
    assert _json(back) == _json(r)


def test_round_trip_keeps_uncertain_and_unconfirmed_cells_apart(store):
    """Both reasons share a column: an uncertain cell has no value, an unconfirmed one
    (an OCR'd number no identity confirms) keeps its value."""
    r = make_report("沂源县司法局", 2022)
    row = r.tables["active_disclosure"]["licensing"]
    row["decisions"] = Cell(150, raw="150", confidence=0.6, unconfirmed="识别置信度低（0.60）")
    row["prior_items"] = Cell(None, raw="1 5", uncertain="单元格边界丢失", candidates=(1, 5))
    with store.session() as s:
        rid, _ = save_report(s, r, parser_version="1", resolver=AgencyResolver())
    with store.session() as s:
        back = load_report(s, rid)
    assert back is not None
    kept = back.cell("active_disclosure", "licensing", "decisions")
    assert kept is not None and (kept.value, kept.unconfirmed, kept.uncertain) == (150, "识别置信度低（0.60）", None)
    lost = back.cell("active_disclosure", "licensing", "prior_items")
    assert lost is not None and (lost.value, lost.uncertain, lost.unconfirmed) == (None, "单元格边界丢失", None)
    assert _json(back) == _json(r)


def test_same_file_twice_stores_nothing_new(store):
    r = make_report("沂源县司法局", 2022)
    res = AgencyResolver()
    with store.session() as s:
        save_report(s, r, parser_version="1", resolver=res)
    with store.session() as s:
        before = snapshot(s)
        _, created = save_report(s, r, parser_version="1", resolver=res)
    assert not created
    with store.session() as s:
        assert snapshot(s) == before


def test_reparse_makes_a_new_current_version_and_keeps_verdicts(store):
    r = make_report("沂源县司法局", 2022)
    res = AgencyResolver()
    with store.session() as s:
        save_report(s, r, parser_version="1", resolver=res)
    with store.session() as s:
        fid = findings(s)[0]["id"]
        set_verdict(s, fid, "dismissed", "表四该格确实为空")
    with store.session() as s:
        save_report(s, r, parser_version="2", resolver=res)
    with store.session() as s:
        rows = reports(s)
        assert len(rows) == 1
        found = findings(s)
    assert len(found) == 1 and found[0]["id"] != fid
    assert (found[0]["verdict"], found[0]["comment"]) == ("dismissed", "表四该格确实为空")


@pytest.mark.parametrize(
    ("name", "norm", "level", "government"),
    [
        ("沂源县人民政府", "沂源县", "县", True),
        ("沂源县人民政府办公室", "沂源县", "县", True),
        ("平潭综合实验区管委会", "平潭综合实验区", "市", True),
        ("淮安市洪泽区人民政府", "淮安市洪泽区", "县", True),
        ("淮安市人民政府", "淮安市", "市", True),
        ("山东省人民政府", "山东省", "省", True),
        ("沂源县鲁村镇人民政府", "沂源县鲁村镇", "乡镇街道", True),
        ("沂源县南麻街道办事处", "沂源县南麻街道", "乡镇街道", True),
        ("沂源县住房和城乡建设局", "沂源县住房和城乡建设局", "部门", False),
        ("沂源县城市管理局", "沂源县城市管理局", "部门", False),
        ("泰安市新泰市人民政府", "泰安市新泰市", "县", True),
        # 和 in a place name is not the 和 of 住房和城乡建设局
        ("天津市和平区人民政府", "天津市和平区", "县", True),
        ("呼和浩特市人民政府", "呼和浩特市", "市", True),
        ("阜阳市太和县人民政府", "阜阳市太和县", "县", True),
        ("和县人民政府", "和县", "县", True),
        ("沂源县文化和旅游局", "沂源县文化和旅游局", "部门", False),
    ],
)
def test_agency_inference(name, norm, level, government):
    info = infer(name)
    assert (info.norm_name, info.level, info.is_government) == (norm, level, government)


def test_department_region_and_suffix_identity():
    assert infer("临沂市兰山区市场监督管理局").region == "临沂市兰山区"
    assert infer("天津市和平区教育局").region == "天津市和平区"
    assert infer("平和县住房和城乡建设局").region == "平和县"
    assert same_agency("洪泽区", "淮安市洪泽区")
    assert not same_agency("泽区", "淮安市洪泽区")
    assert name_from_title("平潭综合实验区2021年度政府信息公开工作年度报告") == "平潭综合实验区"


def test_name_variants_are_one_agency(store):
    res = AgencyResolver()
    with store.session() as s:
        for i, name in enumerate(["洪泽区人民政府", "淮安市洪泽区人民政府", "淮安市洪泽区人民政府办公室"]):
            save_report(s, make_report(name, 2021 + i), parser_version="1", resolver=res)
    with store.session() as s:
        rows = reports(s)
    assert {r["agency"] for r in rows} == {"淮安市洪泽区人民政府"}
    assert {r["level"] for r in rows} == {"县"}


def test_carryover_silent_when_it_holds_and_loud_when_not():
    last = make_report("沂源县司法局", 2021)
    good = make_report("沂源县司法局", 2022, carried_over=forward(last))
    assert [f for f in carryover_mismatch(good, last) if f.rule == "carryover_mismatch"] == []
    wrong = dict(forward(last))
    wrong["natural_person"] += 2
    bad = make_report("沂源县司法局", 2022, carried_over=wrong)
    found = carryover_mismatch(bad, last)
    assert [f.where for f in found] == ["applications.carried_over.natural_person", "applications.carried_over.total"]
    assert found[0].expected == forward(last)["natural_person"]
    assert carryover_mismatch(bad, None) == []


def test_in_force_continuity():
    last = make_report("沂源县司法局", 2021)
    now = make_report("沂源县司法局", 2022)
    t = now.tables["active_disclosure"]["regulations"]
    before = last.value("active_disclosure", "regulations", "in_force")
    t["in_force"] = Cell(before + t["issued"].value - t["repealed"].value)
    found = {f.where for f in in_force_continuity(now, last)}
    assert "active_disclosure.regulations.in_force" not in found
    t["in_force"] = Cell(before + t["issued"].value - t["repealed"].value + 1)
    assert "active_disclosure.regulations.in_force" in {f.where for f in in_force_continuity(now, last)}
    # no v2021 table last year: nothing to continue from
    assert in_force_continuity(now, make_report("沂源县司法局", 2020)) == []


def _t2(report, row, **values):
    for col, v in values.items():
        report.tables["active_disclosure"][row][col] = v if isinstance(v, Cell) else Cell(v, raw=str(v))


def test_t2_repealed_bound():
    last = make_report("沂源县司法局", 2021)
    now = make_report("沂源县司法局", 2022)
    for row in ("regulations", "normative_documents"):
        _t2(last, row, in_force=5)
        _t2(now, row, issued=2, repealed=7, in_force=0)  # everything in force repealed: allowed
    assert t2_repealed_bound(now, last) == []
    _t2(now, "normative_documents", repealed=8)
    found = t2_repealed_bound(now, last)
    assert [(f.rule, f.severity, f.where) for f in found] == [
        ("t2_repealed_bound", "warning", "active_disclosure.normative_documents.repealed")
    ]
    assert (found[0].expected, found[0].found, found[0].uncertain) == ("<= 7", 8, False)
    assert "行政规范性文件" in found[0].message and "2021年报告现行有效 5 件" in found[0].message
    # a blank 本年制发 counts as 0, and the finding says it relied on it
    _t2(now, "normative_documents", issued=Cell(None, raw="/", blank=True), repealed=6)
    found = t2_repealed_bound(now, last)
    assert [f.where for f in found] == ["active_disclosure.normative_documents.repealed"] and found[0].uncertain
    # a cell that could not be read: not checkable, not a pass
    _t2(last, "regulations", in_force=Cell(None, raw="69x", uncertain="无法识别"))
    assert "not_checkable" in {f.rule for f in t2_repealed_bound(now, last)}
    assert t2_repealed_bound(now, None) == []
    # no v2021 table last year: no 现行有效件数 to bound it
    assert t2_repealed_bound(now, make_report("沂源县司法局", 2020)) == []


def test_store_runs_t2_repealed_bound(store):
    last = make_report("沂源县司法局", 2021)
    now = make_report("沂源县司法局", 2022)
    _t2(last, "regulations", in_force=1)
    _t2(now, "regulations", issued=0, repealed=3, in_force=0)
    _t2(last, "normative_documents", in_force=9)
    _t2(now, "normative_documents", issued=1, repealed=1, in_force=9)
    res = AgencyResolver()
    with store.session() as s:
        save_report(s, last, parser_version="1", resolver=res)
        save_report(s, now, parser_version="1", resolver=res)
    run_across(store)
    with store.session() as s:
        got = findings(s, Filters(rule="t2_repealed_bound"))
    assert [(f["year"], f["location"], f["expected"]) for f in got] == [
        (2022, "active_disclosure.regulations.repealed", "<= 1")
    ]


def test_text_reuse_grades_and_shows_passages():
    text = "本年度我局坚持以公开为常态、不公开为例外，围绕重点领域信息公开，完善政府信息公开制度，" * 4
    last = make_report("沂源县司法局", 2021, overview=text)
    same = make_report("沂源县司法局", 2022, overview=text)
    other = make_report(
        "沂源县司法局", 2022, overview="全年共召开专题会议三次，制定了新的审核流程并对平台进行了改版，" * 4
    )
    found = [f for f in text_reuse(same, last) if f.where == "sections.overview"]
    assert found and found[0].severity == "error"
    assert found[0].detail["passages"]
    assert not [f for f in text_reuse(other, last) if f.where == "sections.overview"]
    assert similarity(text, text) == 1.0
    assert shared_passages("甲乙丙" + text[:40], text[:40] + "丁")[0] == text[:40]


def test_tables_identical():
    last = make_report("沂源县司法局", 2022)
    copy = make_report("沂源县司法局", 2023)
    copy.tables = last.tables
    copy.template = last.template
    assert [f.rule for f in tables_identical(copy, last)] == ["tables_identical"]
    assert tables_identical(make_report("沂源县司法局", 2023, seed=1), last) == []


def test_aggregate_mismatch():
    gov = make_report("沂源县人民政府", 2022, is_government=True)
    depts = [make_report("沂源县司法局", 2022), make_report("沂源县教育和体育局", 2022)]
    sums, n = department_sums(depts)
    assert n == 2
    found = aggregate_mismatch(gov, sums, n)
    for f in found:
        row = f.where.split(".")[1]
        assert gov.value("applications", row, "total") < sums[row]
    big = {k: 0 for k in sums}
    assert aggregate_mismatch(gov, big, 2) == []


def test_across_on_store_runs_pairs_and_marks_done(store):
    res = AgencyResolver()
    last = make_report("沂源县司法局", 2021)
    wrong = {k: v + 1 for k, v in forward(last).items()}
    with store.session() as s:
        save_report(s, make_report("沂源县司法局", 2022, carried_over=wrong), parser_version="1", resolver=res)
    run_across(store)
    with store.session() as s:
        assert not [f for f in findings(s) if f["rule"] == "carryover_mismatch"]
        save_report(s, last, parser_version="1", resolver=res)
    result = run_across(store)
    assert result.checked == 2  # the new report and the next year's, whose comparison changed
    with store.session() as s:
        got = findings(s, Filters(rule="carryover_mismatch"))
    assert len(got) == len(APPLICANT_PARTS) + 1  # every column and the total
    assert {f["year"] for f in got} == {2022}


def test_departments_get_their_government_as_parent(store):
    res = AgencyResolver()
    with store.session() as s:
        save_report(s, make_report("沂源县人民政府", 2022, is_government=True), parser_version="1", resolver=res)
        save_report(s, make_report("沂源县司法局", 2022), parser_version="1", resolver=res)
        save_report(s, make_report("临沂市司法局", 2022), parser_version="1", resolver=res)
    run_across(store)
    from gongkai.store.queries import agencies

    with store.session() as s:
        parents = {a["name"]: a["parent"] for a in agencies(s)}
    assert parents == {"沂源县人民政府": None, "沂源县司法局": "沂源县人民政府", "临沂市司法局": None}


def test_a_department_named_without_its_city_belongs_to_its_government(store):
    """淮安市洪泽区人民政府's departments call themselves 洪泽区…: the same region, so their sum is
    compared with the government's report; a department of another 洪泽区-less region is not."""
    res = AgencyResolver()
    gov = make_report("淮安市洪泽区人民政府", 2022, is_government=True)
    with store.session() as s:
        save_report(s, gov, parser_version="1", resolver=res)
        save_report(s, make_report("洪泽区司法局", 2022), parser_version="1", resolver=res)
        save_report(s, make_report("洪泽区教育局", 2022), parser_version="1", resolver=res)
        save_report(s, make_report("淮安市司法局", 2022), parser_version="1", resolver=res)
    run_across(store)
    from gongkai.store.queries import agencies

    with store.session() as s:
        parents = {a["name"]: a["parent"] for a in agencies(s)}
        got = findings(s, Filters(rule="aggregate_mismatch"))
    assert parents["洪泽区司法局"] == parents["洪泽区教育局"] == "淮安市洪泽区人民政府"
    assert parents["淮安市司法局"] is None
    sums, n = department_sums([make_report("洪泽区司法局", 2022), make_report("洪泽区教育局", 2022)])
    want = {f.where for f in aggregate_mismatch(gov, sums, n)}
    assert want and {f["location"] for f in got} == want
    assert {f["source"] for f in got} == {gov.source.path}


def test_migrations_build_exactly_the_models(tmp_path):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from gongkai.store.schema import Base

    st = Store(f"sqlite:///{tmp_path / 'm.db'}")
    with st.engine.connect() as c:
        assert compare_metadata(MigrationContext.configure(c), Base.metadata) == []
    st.close()


def test_other_years_settle_an_ambiguous_table_2_row(store):
    last = make_report("沂源县司法局", 2021)
    now = make_report("沂源县司法局", 2022)
    row = "normative_documents"
    options = [{"issued": 6, "repealed": 93, "in_force": 665}, {"issued": 69, "repealed": 3, "in_force": 731}]
    cells = last.tables["active_disclosure"][row]
    for col in ("issued", "repealed", "in_force"):
        cells[col] = Cell(None, raw="69366 5", uncertain="单元格边界丢失，2 种读法", confidence=0.5)
    last.alternatives = {f"active_disclosure.{row}": options}
    t = now.tables["active_disclosure"][row]
    t["in_force"] = Cell(731 + t["issued"].value - t["repealed"].value)  # continues the second reading only
    res = AgencyResolver()
    with store.session() as s:
        old_id, _ = save_report(s, last, parser_version="1", resolver=res)
        save_report(s, now, parser_version="1", resolver=res)
    result = run_across(store)
    assert result.settled == 1
    with store.session() as s:
        settled = load_report(s, old_id)
    assert settled is not None
    assert [settled.value("active_disclosure", row, c) for c in ("issued", "repealed", "in_force")] == [69, 3, 731]
    assert not settled.alternatives
    with store.session() as s:
        assert not [f for f in findings(s) if f["rule"] == "in_force_continuity"]


def test_a_dismissed_finding_hides_only_its_own_report_from_the_error_filter(store):
    """Dismissing a finding in one report says nothing of the same rule at the same place in
    another report: that one still has an open error (the dismissal is matched by source file,
    rule and place, inside the report being filtered)."""
    from gongkai.model.report import Finding

    res = AgencyResolver()
    with store.session() as s:
        for agency in ("甲县人民政府", "乙县人民政府"):
            r = make_report(agency, 2023)
            r.findings = [Finding("t3_row_total", "error", "applications.received", "表三合计不符")]
            save_report(s, r, parser_version="1", resolver=res)
    with store.session() as s:
        first = next(f for f in findings(s) if f["agency"] == "甲县人民政府")
        set_verdict(s, first["id"], "dismissed", "原件如此")
    with store.session() as s:
        with_errors = {r["agency"] for r in reports(s, Filters(has_errors=True))}
    assert with_errors == {"乙县人民政府"}


def test_the_dashboard_counts_only_open_findings(store):
    """A dismissed finding leaves the dashboard's findings by rule, its count of reports with
    errors and its ranking of the reports with the most errors; the same rule at the same place
    in another report stays."""
    from gongkai.analysis.dashboard import dashboard
    from gongkai.model.report import Finding

    res = AgencyResolver()
    with store.session() as s:
        for agency, n in (("甲县人民政府", 1), ("乙县人民政府", 2)):
            r = make_report(agency, 2023)
            r.findings = [Finding("t3_row_total", "error", f"applications.row{i}", "表三合计不符") for i in range(n)]
            save_report(s, r, parser_version="1", resolver=res)

    def seen() -> tuple[list[list[object]], int, list[tuple[str, int]]]:
        with store.session() as s:
            d = dashboard(s, None, 2023)
        by_rule = d.chart("findings_by_rule")
        worst = d.chart("rank_errors")
        assert by_rule is not None and worst is not None
        rows = [r[2:] for r in by_rule.rows if r[0] == "t3_row_total"]
        return rows, d.figures["reports_with_errors"], [(r[0], r[3]) for r in worst.rows]

    assert seen() == ([["错误", 3, 2]], 2, [("乙县人民政府", 2), ("甲县人民政府", 1)])
    with store.session() as s:
        first = next(f for f in findings(s) if f["agency"] == "甲县人民政府")
        set_verdict(s, first["id"], "dismissed", "原件如此")
    assert seen() == ([["错误", 2, 1]], 1, [("乙县人民政府", 2)])


def test_region_sums_read_the_aggregate_index(tmp_path):
    """The partial index over the cells that aggregates read is frozen in its migration with the
    keys the template declares, and the dashboard's sums reach it (SQLite compares the index's
    condition with the query's, term by term: a key list out of step would silently lose it)."""
    import importlib

    from sqlalchemy import select

    from gongkai.analysis.dashboard import _cell_sums
    from gongkai.store.schema import AGGREGATE_KEYS, CellRow, aggregate_cells

    migration = importlib.import_module("gongkai.store.migrations.versions.0004_cells_aggregate_index")
    assert tuple(migration.KEYS) == AGGREGATE_KEYS
    st = Store(f"sqlite:///{tmp_path / 'm.db'}")
    with st.session() as s:
        q = select(CellRow.key).where(CellRow.report_id.in_([1, 2]), aggregate_cells())
        sql = str(q.compile(compile_kwargs={"literal_binds": True}))
        plan = " ".join(str(r) for r in s.connection().exec_driver_sql("EXPLAIN QUERY PLAN " + sql))
        assert "ix_cells_aggregate" in plan
        assert _cell_sums(s, [1, 2], ["applications.received.total"]) == {}
    st.close()
