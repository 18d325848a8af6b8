"""Ingest from a government site: a list page served by a local HTTP server."""

from __future__ import annotations

import importlib.util
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from conftest import shared_file
from gongkai.store import Store
from gongkai.store.fetch import looks_like_report_page, looks_like_report_title
from gongkai.store.ingest import ingest
from gongkai.store.queries import reports

MARK = "==================== 正文 ===================="


def report_html(txt: Path) -> bytes:
    """The report page the text file was taken from, rebuilt as a web page."""
    head, body = txt.read_text(encoding="utf-8").split(MARK, 1)
    title = head.splitlines()[0].split(":", 1)[1].strip()
    paras = "".join(f"<p>{line}</p>" for line in body.splitlines() if line.strip())
    return (
        f'<html><head><meta charset="utf-8"><title>{title}</title></head><body><h1>{title}</h1>{paras}</body></html>'
    ).encode()


LIST = """<html><head><meta charset="utf-8"><title>政府信息公开年报</title></head><body><ul>
<li><a href="/r/2021.html" title="平潭综合实验区2021年度政府信息公开工作年度报告">
平潭综合实验区2021年度政府信息公开工作年度报告</a></li>
<li><a href="/old/2022.html">平潭综合实验区2022年度政府信息公开工作年度报告</a></li>
<li><a href="files/huaian.pdf">淮安市人民政府2024年政府信息公开工作年度报告（PDF）</a></li>
<li><a href="/r/missing.html">平潭综合实验区2019年政府信息公开工作年度报告</a></li>
<li><a href="/n/notice.html">关于做好2024年度政府信息公开工作年度报告编制发布工作的通知</a></li>
<li><a href="/private/2020.html">平潭综合实验区2020年政府信息公开工作年度报告</a></li>
<li><a href="/contact.html">联系我们</a></li>
<li><a href="http://example.invalid/r/2024.html">平潭综合实验区2024年政府信息公开工作年度报告</a></li>
</ul></body></html>"""
NOTICE = (
    "<html><head><meta charset='utf-8'></head><body><p>各单位：请于1月31日前报送2024年度政府信息公开工作年度报告。"
    "</p></body></html>"
).encode()


@pytest.fixture
def site() -> Iterator[tuple[str, list[str]]]:
    pages: dict[str, tuple[int, str, bytes]] = {
        "/robots.txt": (200, "text/plain", b"User-agent: *\nDisallow: /private/\n"),
        "/list.html": (200, "text/html; charset=utf-8", LIST.encode()),
        "/r/2021.html": (200, "text/html", report_html(shared_file("corpus", "pingtan-2021.txt"))),
        "/r/2022.html": (200, "text/html", report_html(shared_file("corpus", "pingtan-2022.txt"))),
        "/private/2020.html": (200, "text/html", report_html(shared_file("corpus", "pingtan-2020.txt"))),
        "/files/huaian.pdf": (200, "application/pdf", shared_file("corpus", "huaian-city-gov-2024.pdf").read_bytes()),
        "/n/notice.html": (200, "text/html", NOTICE),
        "/contact.html": (200, "text/html", b"<html><body>tel</body></html>"),
    }
    seen: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            seen.append(self.path)
            if self.path == "/old/2022.html":
                self.send_response(301)
                self.send_header("Location", "/r/2022.html")
                self.end_headers()
                return
            status, ctype, body = pages.get(self.path, (404, "text/html", b"not found"))
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    t = threading.Thread(target=server.serve_forever, daemon=True)
    t.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", seen
    server.shutdown()
    server.server_close()


def test_list_page_ingest_stores_exactly_the_reports(tmp_path, site):
    base, seen = site
    st = Store(f"sqlite:///{tmp_path / 'web.db'}")
    summary = ingest(st, [f"{base}/list.html"], workers=1, delay=0)
    with st.session() as s:
        got = {(r["location"].removeprefix(base), r["year"]) for r in reports(s)}
    pdf = importlib.util.find_spec("gongkai.readers.pdf") is not None
    expected = {("/r/2021.html", 2021), ("/r/2022.html", 2022)}  # the redirect is stored under its target
    if pdf:
        expected.add(("/files/huaian.pdf", 2024))
    assert got == expected
    failed = {f.location.removeprefix(base): f.code for f in summary.failed}
    assert failed.pop("/r/missing.html") == "http"
    assert failed.pop("/private/2020.html") == "robots"
    if not pdf:
        assert failed.pop("/files/huaian.pdf") == "unsupported"
    assert failed == {}
    assert "/private/2020.html" not in seen and "/contact.html" not in seen
    assert "/n/notice.html" in seen  # fetched (its title mentions annual reports) but not stored
    again = ingest(st, [f"{base}/list.html"], workers=1, delay=0)
    assert again.new == 0 and again.unchanged == len(expected)
    st.close()


def test_a_report_page_url_is_the_report(tmp_path, site):
    base, _ = site
    st = Store(f"sqlite:///{tmp_path / 'web.db'}")
    s = ingest(st, [f"{base}/r/2021.html"], workers=1, delay=0)
    assert (s.new, s.failed) == (1, [])
    st.close()


def test_report_heuristics():
    assert looks_like_report_title("沂源县司法局2024年政府信息公开工作年度报告")
    assert looks_like_report_title("2023年度政务公开工作年度报告")
    assert not looks_like_report_title("联系我们")
    assert not looks_like_report_page(LIST)
    assert not looks_like_report_page(NOTICE.decode())
