"""Drafting (``gongkai compose``) and regional compilation (``gongkai compile``) on a real SQLite store."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gongkai.analysis.compile import compile_region
from gongkai.checks import run_checks
from gongkai.cli import _register, app
from gongkai.compose.draft import draft
from gongkai.compose.inputs import InputError, read_sections, read_table
from gongkai.model.report import Report
from gongkai.model.template import APPLICANT_PARTS, SECTION_KEYS, TEMPLATES
from gongkai.store import Store
from gongkai.store.records import AgencyResolver, save_report
from gongkai.testing.generate import generate
from gongkai.testing.names import Agency, department_of

_register()
runner = CliRunner()

CITY = Agency("青川市人民政府", "city_gov", "青川市")
COUNTY = Agency("青川市北岭县人民政府", "county_gov", "北岭县")
DEPARTMENTS = [department_of(CITY, d) for d in ("教育局", "财政局", "统计局", "公安局")]
YEAR = 2024
SECTIONS = {
    "overview": "2024年，本市坚持以公开为常态、不公开为例外，推进政务公开。",
    "active_disclosure": "全市主动公开政府信息。",
    "applications": "全市依申请公开工作依法有序开展。",
    "appeals": "行政复议、行政诉讼情况见下表。",
    "problems": "存在的主要问题：公开质量有待提高。改进情况：下一步将加强培训，完善制度。",
    "other_matters": "本年度未收取信息处理费。将政务公开纳入绩效考核，开展社会评议，未发生责任追究情况。",
}


def _report(agency: Agency, seed: int, year: int = YEAR) -> Report:
    r = generate(seed, "v2021", defects=(), agency=agency, year=year).report
    r.source.sha256 = f"{seed:064d}"
    r.source.path = f"{agency.name}-{year}.txt"
    return r


@pytest.fixture
def store(tmp_path: Path) -> Store:
    st = Store(f"sqlite:///{tmp_path / 'g.db'}")
    res = AgencyResolver()
    with st.session() as s:
        # the city's own report and three of its four departments for 2024; the fourth
        # reported in 2023 only; a county government below the city
        for i, a in enumerate([CITY, *DEPARTMENTS[:3], COUNTY]):
            save_report(s, _report(a, 100 + i), parser_version="1", resolver=res)
        save_report(s, _report(DEPARTMENTS[3], 200, 2023), parser_version="1", resolver=res)
    return st


def test_compilation_is_the_cell_by_cell_sum_and_names_the_missing(store: Store) -> None:
    members = [CITY, *DEPARTMENTS[:3], COUNTY]
    parts = [_report(a, 100 + i) for i, a in enumerate(members)]
    with store.session() as s:
        comp = compile_region(s, "青川市人民政府", YEAR, sections=SECTIONS, signed_on=dt.date(2025, 3, 20))
    assert {m.name for m, _ in comp.members} == {a.name for a in members}
    assert [(m.name, years) for m, years in comp.missing] == [(DEPARTMENTS[3].name, [2023])]
    compared = 0
    for path, cell in comp.report.iter_cells():
        t, r, c = path.split(".", 2)
        want = sum((p.value(t, r, c) or 0) for p in parts)
        assert cell.value == pytest.approx(want), path
        assert {x.member.name for x in comp.explain(path)} == {a.name for a in members}
        compared += 1
    assert compared == TEMPLATES["v2021"].table("applications").cell_count + 15 + 10
    findings = run_checks(comp.report)
    assert not findings, [(f.rule, f.where, f.message) for f in findings]
    # departments only: the county government is left out
    with store.session() as s:
        alone = compile_region(s, "青川市人民政府", YEAR, subordinates=False, sections=SECTIONS)
    want = sum(p.value("applications", "received", "total") or 0 for p in parts[:-1])
    assert alone.report.value("applications", "received", "total") == want


def test_an_uncertain_member_cell_leaves_the_sum_unknown(store: Store) -> None:
    from gongkai.model.report import Cell

    bad = _report(DEPARTMENTS[3], 300)
    bad.tables["applications"]["received"]["business"] = Cell(None, raw="1O", uncertain="无法确定")  # type: ignore[index]
    with store.session() as s:
        save_report(s, bad, parser_version="1", resolver=AgencyResolver())
        comp = compile_region(s, "青川市人民政府", YEAR, sections=SECTIONS)
    cell = comp.report.cell("applications", "received", "business")
    assert cell is not None and cell.value is None and DEPARTMENTS[3].name in (cell.uncertain or "")
    assert not comp.missing


def test_compile_cli_renders_and_explains(store: Store, tmp_path: Path) -> None:
    secs = tmp_path / "正文.md"
    secs.write_text(
        "\n\n".join(f"## {s}\n\n{SECTIONS[k]}" for k, s in zip(SECTION_KEYS, _canonical(), strict=True)),
        encoding="utf-8",
    )
    out = tmp_path / "汇编.md"
    res = runner.invoke(
        app,
        [
            *("compile", "--government", "青川市", "--year", "2024", "--db", str(store.url), "--sections", str(secs)),
            *("--explain", "applications.received.total", "-o", str(out), "--signed-on", "2025-03-20"),
        ],
    )
    assert res.exit_code == 0, res.output
    assert "缺报 1 个单位" in res.output and DEPARTMENTS[3].name in res.output
    assert out.exists() and "青川市人民政府2024年政府信息公开工作年度报告" in out.read_text(encoding="utf-8")


def _canonical() -> list[str]:
    from gongkai.model.template import SECTIONS as SPECS

    return [s.canonical for s in SPECS]


# --- compose ----------------------------------------------------------------------------------


def _write_inputs(tmp_path: Path, report: Report) -> tuple[Path, Path]:
    """Table 2 as a wide CSV (the template's labels, captions repeated), table 4 as JSON."""
    tpl = TEMPLATES[report.template or "v2021"]
    spec = tpl.table("active_disclosure")
    t2 = tmp_path / "表二.csv"
    with open(t2, "w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        caption = None
        for r in spec.rows:
            cols = spec.row_columns(r)
            if r.caption != caption:
                caption = r.caption
                w.writerow([caption])
                w.writerow(["信息内容", *(c.label for c in cols)])
            cells = report.tables["active_disclosure"][r.key]  # type: ignore[index]
            w.writerow([r.label, *("" if cells[c.key].value is None else cells[c.key].value for c in cols)])
    t4 = tmp_path / "表四.json"
    t4.write_text(json.dumps(report.to_json(provenance=False)["tables"]["appeals"], ensure_ascii=False), "utf-8")
    return t2, t4


def test_tables_and_sections_read_from_what_drafters_type(tmp_path: Path) -> None:
    gen = generate(7, "v2021", defects=())
    t2, t4 = _write_inputs(tmp_path, gen.report)
    tpl = TEMPLATES["v2021"]
    got2, got4 = read_table(t2, tpl, "active_disclosure"), read_table(t4, tpl, "appeals")
    for key, got in (("active_disclosure", got2), ("appeals", got4)):
        want = gen.report.to_json(provenance=False)["tables"][key]
        assert {r: {c: x.value for c, x in cols.items()} for r, cols in got.items() if cols} == want
    bad = tmp_path / "bad.csv"
    bad.write_text("信息内容,本年制发件数\n规章,x\n", encoding="utf-8")
    with pytest.raises(InputError, match="第 2 行"):
        read_table(bad, tpl, "active_disclosure")
    folder = tmp_path / "正文"
    folder.mkdir()
    (folder / "1-总体情况.md").write_text("第一段\n接着\n\n第二段", encoding="utf-8")
    (folder / "problems.md").write_text("## 五、存在的主要问题及改进情况\n\n问题。", encoding="utf-8")
    assert read_sections(folder) == {"overview": "第一段接着\n第二段", "problems": "问题。"}


def test_compose_prefills_from_last_year_and_checks(tmp_path: Path) -> None:
    agency = Agency("青川市统计局", "city_dept", "青川市")
    last = _report(agency, 500, 2023)
    st = Store(f"sqlite:///{tmp_path / 'g.db'}")
    with st.session() as s:
        save_report(s, last, parser_version="1", resolver=AgencyResolver())
    this = generate(501, "v2021", defects=(), agency=agency, year=2024).report
    t2, t4 = _write_inputs(tmp_path, this)
    # the drafter leaves 现行有效件数 blank: last year's report fills it
    tpl = TEMPLATES["v2021"]
    table2 = read_table(t2, tpl, "active_disclosure")
    for row in ("regulations", "normative_documents"):
        table2[row]["in_force"].value = None  # type: ignore[index]
    from gongkai.analysis.compile import last_year_report

    with st.session() as s:
        prior = last_year_report(s, agency.name, 2023)
    assert prior is not None and prior.year == 2023
    d = draft(
        agency=agency.name,
        year=2024,
        register=None,
        table2=table2,
        table4=read_table(t4, tpl, "appeals"),
        sections=SECTIONS,
        last=prior,
        signed_on=dt.date(2025, 1, 20),
    )
    for row in ("regulations", "normative_documents"):
        want = sum(
            s * (v or 0)
            for s, v in (
                (1, last.value("active_disclosure", row, "in_force")),
                (1, this.value("active_disclosure", row, "issued")),
                (-1, this.value("active_disclosure", row, "repealed")),
            )
        )
        assert d.report.value("active_disclosure", row, "in_force") == want
    assert any("2023 年报告推算" in n for n in d.notes)
    assert d.report.tables["applications"] is None  # no register: table 3 is missing, and checks say so
    assert "table_missing" in {f.rule for f in run_checks(d.report)}


def test_compose_cli_from_a_register(tmp_path: Path) -> None:
    import sys

    sys.path.insert(0, str(Path(__file__).parent))
    from test_register import _write_xlsx, make_register

    rows, truth, bad = make_register(11, n=120)
    reg = tmp_path / "台账.xlsx"
    _write_xlsx(rows, reg)
    gen = generate(8, "v2021", defects=())
    t2, t4 = _write_inputs(tmp_path, gen.report)
    secs = tmp_path / "正文.md"
    secs.write_text(
        "\n\n".join(f"## {s}\n\n{SECTIONS[k]}" for k, s in zip(SECTION_KEYS, _canonical(), strict=True)),
        encoding="utf-8",
    )
    out = tmp_path / "报告.json"
    args = ["compose", "--agency", "青川市统计局", "--year", "2024", "--register", str(reg), "--table2", str(t2)]
    args += ["--table4", str(t4), "--sections", str(secs), "--db", str(tmp_path / "none.db"), "-o", str(out)]
    res = runner.invoke(app, args)
    assert res.exit_code == 2 and "数据库不存在" in res.output  # a --db that is not there is an error
    res = runner.invoke(
        app, [a for a in args if a not in ("--db", str(tmp_path / "none.db"))] + ["--signed-on", "2025-01-20"]
    )
    if bad:
        assert res.exit_code == 1 or "台账问题" in res.output
    assert out.exists(), res.output
    got = json.loads(out.read_text(encoding="utf-8"))
    t3 = got["tables"]["applications"]
    for col in (*APPLICANT_PARTS, "total"):
        assert t3["received"][col] + t3["carried_over"][col] == t3["processed_total"][col] + t3["carried_forward"][col]
    assert t3["received"]["total"] == sum(1 for a in truth if a.received.year == 2024)
