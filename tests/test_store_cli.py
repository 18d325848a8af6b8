"""The store commands, run through the CLI on a small store."""

from __future__ import annotations

import csv

import pytest
from typer.testing import CliRunner

from gongkai.cli import _register, app
from gongkai.store import Store
from gongkai.store.queries import agencies, findings
from gongkai.store.records import AgencyResolver, save_report
from store_factory import forward_of, make_report

runner = CliRunner()


@pytest.fixture
def db(tmp_path, monkeypatch):
    _register()
    from gongkai.cli import store_cmds

    monkeypatch.setattr(store_cmds._out(), "width", 300)  # no wrapping inside table cells
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    st = Store(url)
    res = AgencyResolver()
    last = make_report("沂源县司法局", 2021)
    wrong = {k: v + 1 for k, v in forward_of(last).items()}
    with st.session() as s:
        save_report(s, last, parser_version="1", resolver=res)
        save_report(s, make_report("沂源县司法局", 2022, carried_over=wrong), parser_version="1", resolver=res)
        save_report(s, make_report("平潭县人民政府", 2022, is_government=True), parser_version="1", resolver=res)
        save_report(s, make_report("平潭综合实验区管委会", 2023), parser_version="1", resolver=res)
    st.close()
    return url


def run(*args: str):
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_recheck_reports_findings_review(db):
    out = run("recheck", "--db", db)
    assert "已核查 4 份报告" in out
    out = run("reports", "--db", db, "--rule", "carryover_mismatch")
    assert "报告（1 份）" in out and "2022" in out
    assert "部门" in run("reports", "--db", db, "--level", "部门")
    out = run("findings", "--db", db, "--by", "rule")
    assert "carryover_mismatch" in out
    out = run("findings", "--db", db, "--by", "severity")
    assert "警告" in out
    out = run("findings", "--db", db, "--list", "--rule", "carryover_mismatch")
    assert "上年结转" in out
    st = Store(db)
    with st.session() as s:
        fid = findings(s)[0]["id"]
    run("review", str(fid), "dismissed", "-m", "口径不同", "--db", db)
    with st.session() as s:
        assert next(f for f in findings(s) if f["id"] == fid)["comment"] == "口径不同"
    st.close()
    bad = runner.invoke(app, ["review", "999999", "confirmed", "--db", db])
    assert bad.exit_code == 2


def test_agency_csv_merges_and_corrects(db, tmp_path):
    st = Store(db)
    with st.session() as s:
        assert len([a for a in agencies(s) if "平潭" in a["name"]]) == 2
    table = tmp_path / "agencies.csv"
    with open(table, "w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerow(["名称", "归并为", "层级", "地区"])
        w.writerow(["平潭县人民政府", "平潭综合实验区", "市", "福建省平潭综合实验区"])
    assert "已更正 1 个机关" in run("agencies", "--db", db, "--import", str(table))
    with st.session() as s:
        rows = [a for a in agencies(s) if "平潭" in a["name"]]
    assert len(rows) == 1
    assert (rows[0]["level"], rows[0]["region"], rows[0]["reports"]) == ("市", "福建省平潭综合实验区", 2)
    st.close()
    assert "平潭" in run("agencies", "--db", db)


def test_export_command(db, tmp_path):
    out = tmp_path / "x.csv"
    assert "已导出 4 行" in run("export", "--db", db, "-o", str(out))
    with open(out, encoding="utf-8-sig") as f:
        header = next(csv.reader(f))
    assert header[:2] == ["report_id", "agency"]
    bad = runner.invoke(app, ["export", "--db", db, "-o", str(tmp_path / "x.pdf")])
    assert bad.exit_code == 2
