"""The web app through its API and forms (in process, on a real SQLite store): who may see and
change what, CSRF, upload limits, login rate limit, security headers, and the outputs."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from conftest import shared_file
from gongkai.store.accounts import User
from gongkai.web import Settings, create_app
from gongkai.web.security import CSRF_COOKIE
from gongkai.web.worker import run_worker
from web_support import PASSWORD, seed_store, serve, server_processes


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    """One seeded database (users hashed once); each test works on its own copy."""
    path = tmp_path_factory.mktemp("seed") / "seed.db"
    return path, seed_store(f"sqlite:///{path}")


@pytest.fixture
def env(tmp_path, seeded):
    import shutil

    path, ids = seeded
    shutil.copyfile(path, tmp_path / "api.db")
    url = f"sqlite:///{tmp_path / 'api.db'}"
    app = create_app(Settings(db=url, files=str(tmp_path / "files"), max_file_mb=1, max_request_mb=3))
    return {"app": app, "ids": ids, "url": url, "files": tmp_path / "files"}


def client(env, user: str | None = None) -> TestClient:
    c = TestClient(env["app"], follow_redirects=False)
    c.get("/login")  # the CSRF cookie
    if user:
        r = c.post("/login", data={"username": user, "password": PASSWORD, "csrf_token": c.cookies[CSRF_COOKIE]})
        assert r.status_code == 303, r.text
    return c


def form(c: TestClient, url: str, data: dict | None = None, **kw):
    return c.post(url, data={**(data or {}), "csrf_token": c.cookies[CSRF_COOKIE]}, **kw)


def api_post(c: TestClient, url: str, **kw):
    return c.post(url, headers={"X-CSRF-Token": c.cookies[CSRF_COOKIE]}, **kw)


def a_finding(c: TestClient, rid: int) -> int:
    fs = c.get(f"/api/reports/{rid}/findings").json()
    assert fs, "the seeded reports have findings"
    return fs[0]["id"]


def test_passwords_are_argon2_hashes_and_login_sets_safe_cookies(env):
    from gongkai.store import Store

    with Store(env["url"]).session() as s:
        hashes = list(s.scalars(select(User.password_hash)))
    assert hashes and all(h.startswith("$argon2") and PASSWORD not in h for h in hashes)
    c = TestClient(env["app"], follow_redirects=False)
    r = c.get("/login")
    assert "HttpOnly" in r.headers["set-cookie"] and "SameSite=Strict" in r.headers["set-cookie"]
    r = c.post("/login", data={"username": "admin", "password": PASSWORD, "csrf_token": c.cookies[CSRF_COOKIE]})
    cookie = r.headers["set-cookie"]
    assert "gk_session=" in cookie and "HttpOnly" in cookie and "samesite=lax" in cookie.lower()
    for h in ("content-security-policy", "x-content-type-options", "x-frame-options", "referrer-policy"):
        assert h in r.headers
    assert "script-src 'self'" in r.headers["content-security-policy"]
    assert "unsafe-inline" not in r.headers["content-security-policy"]


def test_pages_need_login_and_api_says_401(env):
    c = client(env)
    r = c.get("/reports")
    assert r.status_code == 303 and r.headers["location"].startswith("/login")
    r = c.get("/api/reports")
    assert r.status_code == 401 and "登录" in r.json()["detail"]


def test_login_rate_limit(env):
    c = client(env)
    for _ in range(5):
        r = form(c, "/login", {"username": "viewer", "password": "wrong-password"})
        assert r.status_code == 401 and "不正确" in r.text
    r = form(c, "/login", {"username": "viewer", "password": PASSWORD})
    assert r.status_code == 429 and "次数过多" in r.text
    # another user from the same address is not locked out by one user's mistakes
    assert form(c, "/login", {"username": "admin", "password": PASSWORD}).status_code == 303


def test_forms_without_csrf_token_are_refused(env):
    c = client(env, "admin")
    fid = a_finding(c, env["ids"]["yiyuan22"])
    for data in ({}, {"csrf_token": "forged"}):
        r = c.post(f"/findings/{fid}/verdict", data={"verdict": "confirmed", **data})
        assert r.status_code == 403 and "CSRF" in r.text
    # the API with a session cookie needs the header; JSON without it is refused too
    r = c.post(f"/api/findings/{fid}/verdict", json={"verdict": "confirmed"})
    assert r.status_code == 403 and "CSRF" in r.json()["detail"]
    r = form(c, f"/findings/{fid}/verdict", {"verdict": "confirmed", "comment": "退回修改"})
    assert r.status_code == 303
    assert (
        next(f for f in c.get(f"/api/reports/{env['ids']['yiyuan22']}/findings").json() if f["id"] == fid)["verdict"]
        == "confirmed"
    )
    # logging in needs the token as well
    anon = TestClient(env["app"], follow_redirects=False)
    r = anon.post("/login", data={"username": "admin", "password": PASSWORD})
    assert r.status_code == 403


def test_viewer_cannot_change_anything(env):
    c = client(env, "viewer")
    rid = env["ids"]["yiyuan22"]
    fid = a_finding(c, rid)
    assert c.get(f"/api/reports/{rid}").status_code == 200  # reading is allowed
    attempts = [
        api_post(c, f"/api/findings/{fid}/verdict", json={"verdict": "dismissed", "comment": "不是问题"}),
        form(c, f"/findings/{fid}/verdict", {"verdict": "dismissed", "comment": "不是问题"}),
        api_post(c, f"/api/reports/{rid}/reparse"),
        form(c, f"/reports/{rid}/reparse"),
        api_post(c, "/api/uploads", files=[("files", ("a.txt", b"x", "text/plain"))]),
        form(c, "/upload", files=[("files", ("a.txt", b"x", "text/plain"))]),
        api_post(c, "/api/users", json={"username": "x", "password": "12345678", "role": "admin"}),
        form(c, "/users", {"username": "x", "password": "12345678", "role": "admin"}),
    ]
    for r in attempts:
        assert r.status_code == 403, (r.request.url, r.status_code)
    assert c.get("/upload").status_code == 403
    assert all(f["verdict"] is None for f in c.get(f"/api/reports/{rid}/findings").json())


def test_reviewer_scoped_to_a_region_does_not_see_another(env):
    c = client(env, "yiyuan")
    mine, other = env["ids"]["yiyuan22"], env["ids"]["pingtan22"]
    listed = c.get("/api/reports").json()
    assert {r["id"] for r in listed["reports"]} == {env["ids"]["yiyuan21"], mine}
    assert all("沂源县" in r["region"] for r in listed["reports"])
    admin = client(env, "admin")
    other_fid = a_finding(admin, other)
    other_agency = admin.get(f"/api/reports/{other}").json()["store"]["agency_id"]
    for url in (
        f"/api/reports/{other}",
        f"/api/reports/{other}/cells",
        f"/api/reports/{other}/cells/applications.received.total",
        f"/api/reports/{other}/findings",
        f"/api/reports/{other}/export.xlsx",
        f"/api/reports/{other}/export.json",
        f"/api/compare?old={mine}&new={other}",
        f"/api/agencies/{other_agency}/notice.docx",
        f"/reports/{other}",
        f"/reports/{other}/cells/applications.received.total",
        f"/reports/{other}/export.xlsx",
    ):
        r = c.get(url)
        assert r.status_code in (403, 404), (url, r.status_code)
    r = api_post(c, f"/api/findings/{other_fid}/verdict", json={"verdict": "dismissed", "comment": "x"})
    assert r.status_code in (403, 404)
    assert all("沂源县" in (f["region"] or "") for f in c.get("/api/findings").json()["findings"])
    assert c.get("/api/dashboard").json()["figures"]["reports"] == 2
    xlsx = c.get("/api/findings/export.xlsx")
    assert xlsx.status_code == 200 and "平潭" not in _xlsx_text(xlsx.content)
    # their own region works
    assert c.get(f"/api/reports/{mine}/export.xlsx").status_code == 200
    fid = a_finding(c, mine)
    r = api_post(c, f"/api/findings/{fid}/verdict", json={"verdict": "dismissed", "comment": "已核实，无误"})
    assert r.status_code == 200


def _xlsx_text(data: bytes) -> str:
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(data))
    return "\n".join(str(v) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for v in row if v)


def test_uploads_refused_with_clear_messages(env):
    c = client(env, "admin")
    r = api_post(c, "/api/uploads", files=[("files", ("报告.exe", b"MZ...", "application/octet-stream"))])
    assert r.status_code == 415 and "不支持的文件类型" in r.json()["detail"] and "报告.exe" in r.json()["detail"]
    big = b"0" * (1024 * 1024 + 10)
    r = api_post(c, "/api/uploads", files=[("files", ("大文件.txt", big, "text/plain"))])
    assert r.status_code == 413 and "大文件.txt" in r.json()["detail"] and "1 MB" in r.json()["detail"]
    r = form(c, "/upload", files=[("files", ("大文件.pdf", big, "application/pdf"))])
    assert r.status_code == 413 and "文件过大" in r.text and "大文件.pdf" in r.text
    too_much = b"0" * (3 * 1024 * 1024 + 10)
    r = api_post(c, "/api/uploads", files=[("files", ("a.txt", too_much, "text/plain"))])
    assert r.status_code == 413 and "3 MB" in r.json()["detail"]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("年报/巨大.txt", b"0" * (2 * 1024 * 1024))
    r = api_post(c, "/api/uploads", files=[("files", ("年报.zip", buf.getvalue(), "application/zip"))])
    assert r.status_code == 413 and "巨大.txt" in r.json()["detail"]
    r = api_post(c, "/api/uploads", files=[("files", ("坏.zip", b"PK\x03\x04garbage", "application/zip"))])
    assert r.status_code == 400 and "ZIP" in r.json()["detail"]
    r = api_post(c, "/api/uploads", data={"urls": "ftp://example.gov.cn/x"})
    assert r.status_code == 400 and "http" in r.json()["detail"]
    assert c.get("/api/jobs").json() == []  # nothing half-made
    assert not any(env["files"].glob("jobs/*/*"))


def test_api_tokens_for_scripts(env):
    c = client(env, "viewer")
    r = api_post(c, "/api/tokens", json={"name": "导出脚本"})
    token = r.json()["token"]
    assert token.startswith("gk_")
    script = TestClient(env["app"])
    h = {"Authorization": f"Bearer {token}"}
    assert script.get("/api/me", headers=h).json()["role"] == "viewer"
    assert script.get("/api/reports", headers=h).json()["total"] == 3
    # a token carries its user's rights: no CSRF needed, but a viewer still cannot write
    fid = a_finding(c, env["ids"]["yiyuan22"])
    r = script.post(f"/api/findings/{fid}/verdict", headers=h, json={"verdict": "confirmed"})
    assert r.status_code == 403
    tid = r = c.get("/api/tokens").json()[0]["id"]
    assert c.delete(f"/api/tokens/{tid}", headers={"X-CSRF-Token": c.cookies[CSRF_COOKIE]}).status_code == 200
    assert script.get("/api/me", headers=h).status_code == 401
    assert script.get("/api/me", headers={"Authorization": "Bearer gk_made-up"}).status_code == 401


def test_public_read_only_mode(tmp_path):
    url = f"sqlite:///{tmp_path / 'pub.db'}"
    ids = seed_store(url)
    app = create_app(Settings(db=url, files=str(tmp_path / "f"), public=True))
    c = TestClient(app, follow_redirects=False)
    assert c.get("/reports").status_code == 200
    assert c.get(f"/reports/{ids['pingtan22']}").status_code == 200
    c.get("/login")
    fid = c.get(f"/api/reports/{ids['pingtan22']}/findings").json()[0]["id"]
    r = c.post(
        f"/api/findings/{fid}/verdict", json={"verdict": "confirmed"}, headers={"X-CSRF-Token": c.cookies[CSRF_COOKIE]}
    )
    assert r.status_code == 403


def test_outputs_compare_dashboard_findings_notice(env):
    from docx import Document

    c = client(env, "admin")
    old, new = env["ids"]["yiyuan21"], env["ids"]["yiyuan22"]
    cmp = c.get(f"/api/compare?old={old}&new={new}").json()
    cells = [d for rows in cmp["tables"].values() for d in rows]
    changed = [d for d in cells if d["status"] == "changed"]
    assert changed and all(d["change"] == d["new"] - d["old"] for d in changed if isinstance(d["new"], int))
    assert all(0 <= s["similarity"] <= 1 for s in cmp["sections"] if s["similarity"] is not None)
    assert c.get(f"/compare?old={old}&new={new}").status_code == 200
    d = c.get("/api/dashboard?year=2022").json()
    assert d["figures"]["reports"] == 2
    keys = {ch["key"] for ch in d["charts"]}
    assert {"findings_by_rule", "outcomes", "corrections", "trend"} <= keys
    csv = c.get("/api/dashboard/outcomes.csv?year=2022")
    assert csv.status_code == 200 and csv.content.startswith("\ufeff办理结果".encode())
    page = c.get("/dashboard?year=2022").text
    assert page.count("<svg") >= 3
    listing = c.get("/api/findings?by=agency").json()
    assert listing["total"] == sum(g["count"] for g in listing["groups"]) > 0
    # pages of the same list: two findings at a time, then the rest; the groups count them all
    first, rest = (c.get(f"/api/findings?by=agency&offset={o}&limit={n}").json() for o, n in ((0, 2), (2, 10000)))
    assert [f["id"] for f in first["findings"] + rest["findings"]] == [f["id"] for f in listing["findings"]]
    assert len(first["findings"]) == 2 and first["total"] == listing["total"] and first["groups"] == listing["groups"]
    assert c.get("/api/findings?limit=0").status_code == 422
    text = _xlsx_text(c.get("/findings/export.xlsx?by=rule").content)
    assert "问题清单" in text and "沂源县司法局" in text
    agency_id = c.get(f"/api/reports/{new}").json()["store"]["agency_id"]
    r = c.get(f"/agencies/{agency_id}/notice.docx?year=2022")
    assert r.status_code == 200
    doc = Document(io.BytesIO(r.content))
    body = "\n".join(p.text for p in doc.paragraphs)
    assert "沂源县司法局" in body and "整改通知" in body and "整改要求" in body
    report = c.get(f"/api/reports/{new}/export.json").json()
    assert report["schema"] == "gongkai.report/1" and report["id"] == new
    sheets = _xlsx_text(c.get(f"/reports/{new}/export.xlsx").content)
    assert "收到和处理政府信息公开申请情况" in sheets


def test_the_findings_page_goes_page_by_page(env, monkeypatch):
    """The findings list shows a page at a time; the pages together are the whole list."""
    import re

    from gongkai.web import pages

    c = client(env, "admin")
    everything = [f["id"] for f in c.get("/api/findings?limit=10000").json()["findings"]]
    assert len(everything) > 2
    monkeypatch.setattr(pages, "FINDINGS_PER_PAGE", 2)
    seen: list[int] = []
    n_pages = -(-len(everything) // 2)
    for page in range(1, n_pages + 1):
        html = c.get(f"/findings?page={page}").text
        assert f"第 {page} / {n_pages} 页" in html and ("下一页" in html) == (page < n_pages)
        seen += [int(i) for i in re.findall(r'href="/reports/\d+#f(\d+)"', html)]
    assert seen == everything


def test_region_aggregates_are_computed_once_for_every_server_process(env, monkeypatch):
    """A dashboard, a page of the report list and a page of the findings computed by one server
    process are found in the store by another (its own memory empty), the same as computed; after a change to the
    store they are computed again."""
    from gongkai.web import service

    c = client(env, "admin")
    dash, listing = c.get("/api/dashboard?year=2022").json(), c.get("/api/reports?year=2022").json()
    issues = c.get("/api/findings?by=rule&limit=3").json()
    service._cache.clear()  # another process: nothing in memory

    def no_computing(*args: object, **kwargs: object) -> None:
        raise AssertionError("computed again")

    monkeypatch.setattr(service, "dashboard", no_computing)
    monkeypatch.setattr(service, "list_reports", no_computing)
    monkeypatch.setattr(service, "open_findings", no_computing)
    assert c.get("/api/dashboard?year=2022").json() == dash
    assert c.get("/api/reports?year=2022").json() == listing
    assert c.get("/api/findings?by=rule&limit=3").json() == issues
    service._cache.clear()
    fid = a_finding(c, env["ids"]["yiyuan22"])
    api_post(c, f"/api/findings/{fid}/verdict", json={"verdict": "dismissed", "comment": "原表如此"})
    with pytest.raises(AssertionError, match="computed again"):
        c.get("/api/dashboard?year=2022")


def test_an_old_cached_value_is_answered_while_it_is_computed_again(env, monkeypatch):
    """Past CACHE_SECONDS (the store unchanged) the remembered value is answered at once and
    computed again in the background; after a change to the store the caller waits for the new."""
    import threading

    from gongkai.web import service

    store = env["app"].state.store
    values = iter(range(100))
    started, release = threading.Event(), threading.Event()

    def compute(_s: object) -> int:
        n = next(values)
        if n == 1:  # the background computation: hold it until the stale answer is seen
            started.set()
            release.wait(10)
        return n

    assert service.cached(store, ("test",), compute) == 0
    monkeypatch.setattr(service, "CACHE_SECONDS", 0.0)
    assert service.cached(store, ("test",), compute) == 0  # stale, answered at once
    assert started.wait(10)
    release.set()
    for _ in range(200):  # the background computation stores its value
        if service._cache[(store.url, "test")][2] == 1:
            break
        threading.Event().wait(0.05)
    assert service._cache[(store.url, "test")][2] == 1
    fid = a_finding(client(env, "admin"), env["ids"]["yiyuan22"])
    api_post(client(env, "admin"), f"/api/findings/{fid}/verdict", json={"verdict": "confirmed"})
    assert service.cached(store, ("test",), compute) == 2  # the store changed: computed before answering


def test_verdict_survives_reparse_through_the_worker(env, tmp_path):
    """Upload a real report, let the worker parse it, dismiss a finding, parse the file again:
    the finding is there again and still dismissed."""
    path = shared_file("corpus", "pingtan-2020.txt")
    c = client(env, "admin")
    r = api_post(c, "/api/uploads", files=[("files", (path.name, path.read_bytes(), "text/plain"))])
    assert r.status_code == 202
    job = r.json()["jobs"][0]
    assert c.get(f"/api/jobs/{job}").json()["status"] == "queued"
    assert run_worker(env["url"], env["files"], once=True) == 1
    done = c.get(f"/api/jobs/{job}").json()
    assert done["status"] == "done" and done["new"] == 1
    rid = done["results"][0]["report_id"]
    fs = c.get(f"/api/reports/{rid}/findings").json()
    target = next(f for f in fs if f["rule"] == "t3_outcome_total")
    r = api_post(c, f"/api/findings/{target['id']}/verdict", json={"verdict": "dismissed"})
    assert r.status_code == 400 and "复核意见" in r.json()["detail"]
    api_post(c, f"/api/findings/{target['id']}/verdict", json={"verdict": "dismissed", "comment": "原表如此"})
    job2 = api_post(c, f"/api/reports/{rid}/reparse").json()["job_id"]
    assert run_worker(env["url"], env["files"], once=True) == 1
    assert c.get(f"/api/jobs/{job2}").json()["status"] == "done"
    again = c.get(f"/api/reports/{rid}/findings").json()
    assert {f["id"] for f in again}.isdisjoint({f["id"] for f in fs})  # new finding rows
    same = next(f for f in again if f["rule"] == target["rule"] and f["where"] == target["where"])
    assert (same["verdict"], same["comment"]) == ("dismissed", "原表如此")
    # the number's source is the file's own line
    src = c.get(f"/api/reports/{rid}/cells/applications.processed_total.natural_person").json()
    assert src["kind"] == "text"
    hit = next(line for line in src["lines"] if line["hit"])
    marked = [run["text"] for run in hit["runs"] if run["mark"] == "cell"]
    assert marked == [src["cell"]["raw"]]
    assert re.search(r"（七）\s*总计", "".join(run["text"] for run in hit["runs"] if run["mark"] == "label"))


def test_reports_fetched_from_a_url(env, tmp_path):
    """A report page given by URL is fetched by the worker (from a real HTTP server on
    loopback), stored under its URL, and its numbers' sources are still shown."""
    import functools
    import http.server
    import shutil
    import threading
    from importlib.resources import files

    site = tmp_path / "site"
    (site / "zfxxgk").mkdir(parents=True)
    sample = files("gongkai") / "samples" / "city-gov.html"
    shutil.copyfile(str(sample), site / "zfxxgk" / "2024nb.html")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{httpd.server_address[1]}/zfxxgk/2024nb.html"
    try:
        c = client(env, "admin")
        r = api_post(c, "/api/uploads", data={"urls": url + "\n"})
        assert r.status_code == 202
        assert run_worker(env["url"], env["files"], once=True) == 1
    finally:
        httpd.shutdown()
    job = c.get(f"/api/jobs/{r.json()['jobs'][0]}").json()
    assert job["status"] == "done", job
    assert [(x["name"], x["status"]) for x in job["results"]] == [(url, "stored")]
    rid = job["results"][0]["report_id"]
    report = c.get(f"/api/reports/{rid}").json()
    assert report["store"]["location"] == url and report["store"]["format"] == "html"
    key = next(k for k, v in report["cells"].items() if k.startswith("applications.") and v.get("source"))
    src = c.get(f"/api/reports/{rid}/cells/{key}").json()
    assert src["kind"] == "grid"
    hit = [cell for row in src["grid"] for cell in row if cell["hit"]]
    assert [h["text"] for h in hit] == [report["cells"][key]["raw"]]


@pytest.mark.slow
def test_the_app_on_postgresql(tmp_path):
    """The same pages and calls on a real PostgreSQL server (stricter SQL than SQLite)."""
    from gongkai.store.pgtemp import create_database, pg_bindir, temporary_postgres

    if pg_bindir() is None:
        pytest.skip("PostgreSQL 未安装（找不到 initdb/pg_ctl；scripts/setup.sh 会安装 postgresql）")
    with temporary_postgres(durable=False) as server:
        url = create_database(server, "web")
        ids = seed_store(url)
        app = create_app(Settings(db=url, files=str(tmp_path / "files")))
        env = {"app": app}
        c = client(env, "yiyuan")
        assert c.get("/api/reports?sort=errors&desc=true").json()["total"] == 2
        for page in (
            "/reports",
            "/reports/missing",
            "/dashboard?year=2022",
            "/findings?by=rule",
            f"/reports/{ids['yiyuan22']}",
        ):
            assert c.get(page).status_code == 200, page
        assert c.get(f"/api/reports/{ids['pingtan22']}").status_code == 404
        fid = a_finding(c, ids["yiyuan22"])
        r = api_post(c, f"/api/findings/{fid}/verdict", json={"verdict": "dismissed", "comment": "已核实"})
        assert r.status_code == 200
        assert c.get(f"/api/compare?old={ids['yiyuan21']}&new={ids['yiyuan22']}").status_code == 200
        d = c.get("/api/dashboard?year=2022").json()
        assert d["figures"]["reports"] == 1  # 沂源县司法局 2022; 平潭 is outside the scope
        assert c.get("/findings/export.xlsx").status_code == 200
        app.state.store.close()


# --- drafting -------------------------------------------------------------------------------------

REGISTER_CSV = (
    "申请编号,收到申请日期,申请人类型,办理结果,答复日期\n"
    "A1,2023-03-01,自然人,予以公开,2023-03-15\n"
    "A2,2023-05-10,商业企业,部分公开,2023-05-22\n"
    "A3,2023-12-20,自然人,,\n"
    "A4,2023-06-01,外星人,予以公开,2023-06-10\n"
)


def _draft(c: TestClient, agency: str, **params: str):
    data = {"agency": agency, "year": "2023", "section_overview": "本机关认真贯彻落实《条例》。"}
    files = {"register": ("台账.csv", REGISTER_CSV.encode("utf-8"), "text/csv")}
    return api_post(c, "/api/compose", data=data, files=files, params=params)


def test_a_draft_counts_the_register_names_bad_rows_and_prefills_only_within_scope(env):
    c = client(env, "viewer")  # drafting changes nothing in the store: any user may draft
    r = _draft(c, "沂源县司法局")
    assert r.status_code == 200, r.text
    body = r.json()
    received = body["report"]["tables"]["applications"]["received"]
    assert received["natural_person"] == 2 and received["business"] == 1 and received["total"] == 3
    assert body["report"]["tables"]["applications"]["carried_forward"]["total"] == 1
    assert any("第 5 行" in p and "外星人" in p for p in body["problems"])  # never guessed
    assert "2022 年报告，已用于预填" in body["notes"][0]  # last year's report of the same agency
    # a reviewer of 沂源县 does not learn of 平潭's report through the prefill
    other = _draft(client(env, "yiyuan"), "平潭综合实验区管委会").json()
    assert "数据库中没有" in other["notes"][0]
    assert "数据库中没有" not in _draft(client(env, "admin"), "平潭综合实验区管委会").json()["notes"][0]


def test_a_draft_downloads_as_docx_that_reads_back_to_its_numbers(env):
    from gongkai.parse import parse_document
    from gongkai.readers import read_bytes

    r = _draft(client(env, "viewer"), "沂源县司法局", format="docx")
    assert r.status_code == 200 and r.content.startswith(b"PK")
    assert "wordprocessingml" in r.headers["content-type"]
    back = parse_document(read_bytes("draft.docx", r.content))
    assert back.agency == "沂源县司法局" and back.year == 2023
    assert back.tables["applications"]["received"]["total"].value == 3  # type: ignore[index]


def test_the_drafting_form_checks_live_and_refuses_a_post_without_csrf(env):
    c = client(env, "viewer")
    page = c.get("/compose")
    assert page.status_code == 200 and "撰写年度报告" in page.text and 'name="register"' in page.text
    data = {"agency": "沂源县司法局", "year": "2023"}
    files = {"register": ("台账.csv", REGISTER_CSV.encode("utf-8"), "text/csv")}
    r = c.post("/compose/check", data=data, files=files, headers={"hx-request": "true"})
    assert r.status_code == 403  # no CSRF token
    r = form(c, "/compose/check", data, files=files, headers={"hx-request": "true"})
    assert r.status_code == 200 and "核查结果" in r.text and "<html" not in r.text
    assert "外星人" in r.text and "缺少第二部分的正文" in r.text
    bad = form(c, "/compose/check", {"agency": "沂源县司法局", "year": "二〇二三"})
    assert bad.status_code == 400 and "年度应为数字" in bad.text
    t = c.get("/api/register/template")
    assert t.status_code == 200 and t.content.startswith(b"PK")


def test_serve_with_several_processes_answers_from_each(tmp_path):
    with serve(tmp_path, "--workers", "2", "--no-worker") as base:
        seen = server_processes(base, 2, seconds=60)
        assert len(seen) == 2
        assert all(re.fullmatch(r"[0-9a-f]{8}", i) for i in seen)


def test_a_server_process_works_on_as_many_requests_at_once_as_its_threads(tmp_path):
    import anyio.to_thread

    app = create_app(Settings(db=f"sqlite:///{tmp_path / 't.db'}", files=str(tmp_path / "f"), threads=3))
    with TestClient(app) as c:
        assert c.portal is not None
        assert c.portal.call(lambda: anyio.to_thread.current_default_thread_limiter().total_tokens) == 3
        assert c.get("/healthz").status_code == 200


def test_the_region_tree_marks_a_region_named_in_full(env):
    """The report page's breadcrumb links to the agency's region in full (淮安市洪泽区); the tree
    opens the way to that region's node and marks it."""
    from gongkai.store import Store
    from gongkai.store.records import AgencyResolver, save_report
    from store_factory import make_report

    st = Store(env["url"])
    with st.session() as s:
        res = AgencyResolver()
        for agency in ("淮安市人民政府", "淮安市洪泽区人民政府"):
            save_report(s, make_report(agency, 2022, is_government=True), parser_version="1", resolver=res)
    st.close()
    c = client(env, "admin")
    region = c.get("/api/reports?agency=洪泽区").json()["reports"][0]["region"]
    assert region.endswith("洪泽区") and region != "洪泽区"
    html = c.get("/reports", params={"region": region}).text
    tree = html[html.index('<ul class="tree">') :]
    marked = re.findall(r'<a [^>]*class="on"[^>]*>([^<]+)</a>', tree)
    assert marked == ["洪泽区"]


def test_the_report_page_says_when_the_agency_is_in_doubt(env):
    """A report whose agency only its contact point names: the page says so beside the name
    (read back from the store, as every page reads it)."""
    from gongkai.store import Store
    from gongkai.store.records import AgencyResolver, save_report
    from store_factory import make_report

    r = make_report("荣成市信访局", 2025)
    r.agency_uncertain = "机关名称“荣成市信访局”仅见于联系方式，标题、落款和前言均未写明"
    st = Store(env["url"])
    with st.session() as s:
        rid, _ = save_report(s, r, parser_version="1", resolver=AgencyResolver())
    st.close()
    c = client(env, "admin")
    page = c.get(f"/reports/{rid}").text
    assert "机关名称待核实" in page and "仅见于联系方式" in page
    sure = c.get(f"/reports/{env['ids']['yiyuan22']}").text
    assert "机关名称待核实" not in sure
