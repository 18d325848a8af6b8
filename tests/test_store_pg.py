"""The same collection in SQLite and in a real PostgreSQL server gives the same store."""

from __future__ import annotations

import re

import pytest

from conftest import CORPUS, SEEDS
from gongkai.store import Store
from gongkai.store.ingest import ingest
from gongkai.store.pgtemp import create_database, pg_bindir, temporary_postgres
from gongkai.store.queries import Filters, agencies, findings, set_verdict, snapshot
from gongkai.store.records import AgencyResolver, save_report
from store_corpus import make_collection
from store_factory import make_report


@pytest.fixture(scope="module")
def pg_server():
    if pg_bindir() is None:
        pytest.skip("PostgreSQL 未安装（找不到 initdb/pg_ctl；scripts/setup.sh 会安装 postgresql）")
    with temporary_postgres(durable=False) as url:
        yield url


def _snap(st: Store) -> dict:
    with st.session() as s:
        return snapshot(s)


def _without_ids(dash: dict) -> dict:
    """A dashboard without the store's report ids (each store numbers its reports as ingest
    finished them): the ranking of errors as agencies, years and counts."""
    for chart in dash["charts"]:
        if chart["key"] == "rank_errors":
            chart["rows"] = sorted([r[0], r[1], r[3]] for r in chart["rows"])
    return dash


@pytest.mark.slow
def test_sqlite_and_postgres_store_the_same(tmp_path, pg_server):
    if not CORPUS.is_dir():
        pytest.skip(f"shared documents not found at {CORPUS} (set GONGKAI_SHARED)")
    make_collection(tmp_path / "docs", copies=1)
    inputs = [str(CORPUS), str(SEEDS), str(tmp_path / "docs")]
    lite = Store(f"sqlite:///{tmp_path / 's.db'}")
    pg = Store(create_database(pg_server, "same"))
    assert pg.dialect == "postgresql"
    # a pair whose text is reused word for word (similarity exactly 1)
    text = "本年度我局坚持以公开为常态、不公开为例外，围绕重点领域信息公开，完善政府信息公开制度，" * 4
    for st in (lite, pg):
        with st.session() as s:
            for year in (2021, 2022):
                save_report(
                    s, make_report("沂源县司法局", year, overview=text), parser_version="1", resolver=AgencyResolver()
                )
    a = ingest(lite, inputs, workers=2)
    b = ingest(pg, inputs, workers=2)
    assert (a.new, len(a.failed)) == (b.new, len(b.failed))
    assert a.new > 0
    snap = _snap(lite)
    assert _snap(pg) == snap
    assert snap["cells"] and snap["findings"]
    assert any(f[3] == "text_reuse" for f in snap["findings"])
    # idempotent on PostgreSQL too
    again = ingest(pg, inputs, workers=2)
    assert again.new == 0
    assert _snap(pg) == snap
    # a region's dashboard (its reports passed to PostgreSQL as one array) is the same, ties
    # in the rankings ordered alike
    from gongkai.analysis.dashboard import dashboard

    for region in ("沂源县", "淮安市", None):
        with lite.session() as s, pg.session() as t:
            want, got = (
                _without_ids(dashboard(s, region, None).to_json()),
                _without_ids(dashboard(t, region, None).to_json()),
            )
        assert got == want and want["figures"]["reports"] > 0
    lite.close()
    pg.close()


@pytest.mark.slow
def test_verdicts_on_postgres(pg_server):
    from gongkai.store.records import AgencyResolver, save_report
    from store_factory import make_report

    st = Store(create_database(pg_server, "verdicts"))
    with st.session() as s:
        save_report(s, make_report("沂源县司法局", 2022), parser_version="1", resolver=AgencyResolver())
    with st.session() as s:
        fid = findings(s)[0]["id"]
        set_verdict(s, fid, "confirmed", "已退回修改")
    with st.session() as s:
        assert findings(s, Filters(agency="司法局"))[0]["verdict"] == "confirmed"
        assert agencies(s)[0]["level"] == "部门"
    st.close()


def test_pingtan_is_one_agency_across_years(tmp_path):
    if not CORPUS.is_dir():
        pytest.skip(f"shared documents not found at {CORPUS} (set GONGKAI_SHARED)")
    st = Store(f"sqlite:///{tmp_path / 'p.db'}")
    ingest(st, [str(CORPUS)], workers=1)
    years = {int(m.group(1)) for p in CORPUS.glob("pingtan-*.txt") if (m := re.search(r"(\d{4})", p.name))}
    with st.session() as s:
        rows = [a for a in agencies(s) if "平潭" in a["name"]]
        assert len(rows) == 1, rows
        assert (rows[0]["first_year"], rows[0]["last_year"], rows[0]["reports"]) == (min(years), max(years), len(years))
        found = findings(s, Filters(agency="平潭"))
    # 上年结转 equals last year's 结转下年度 in every consecutive pair: the rule stays silent
    assert [f for f in found if f["rule"] == "carryover_mismatch"] == []
    st.close()
