"""Fetch reports from a government site: a report page, or a list page whose links lead to reports.

Same site only (scheme, host and port of the starting URL), robots.txt respected, one request
per ``delay`` seconds per host (or the site's Crawl-delay, when longer). From a list page we
follow the links whose titles look like annual reports, and the next-page links; from a report
page we follow nothing (its attachment is the same report again).
"""

from __future__ import annotations

import re
import time
import urllib.error
import urllib.request
import urllib.robotparser
from collections.abc import Iterator
from dataclasses import dataclass
from html import unescape
from urllib.parse import urldefrag, urljoin, urlsplit

USER_AGENT = "gongkai/0.1 (government disclosure annual report reader)"
DEFAULT_DELAY_S = 1.0
TIMEOUT_S = 30
MAX_BYTES = 200 * 1024 * 1024
MAX_LIST_PAGES = 50
MIN_REPORT_MARKERS = 3
"""Section words a page must contain to be a report rather than a list of reports."""

_LINK = re.compile(r"<a\b([^>]*)>(.*?)</a\s*>", re.I | re.S)
_HREF = re.compile(r"""href\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.I)
_TITLE_ATTR = re.compile(r"""title\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.I)
_TAG = re.compile(r"<[^>]+>")
_SCRIPT = re.compile(r"<(script|style)\b.*?</\1\s*>", re.I | re.S)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w-]+)""", re.I)
_REPORT_TITLE = re.compile(r"(政府信息公开|政务公开).{0,6}(工作)?年度?报告|信息公开年报|公开年度报告")
_NEXT_PAGE = ("下一页", "下页", "后页", "next")
_REPORT_MARKERS = ("主动公开", "依申请", "行政复议", "行政诉讼", "存在的主要问题", "其他需要报告")
_SCHEMES = ("http", "https")


def _http_only_opener() -> urllib.request.OpenerDirector:
    """urllib's opener without the file:, ftp: and data: handlers: a link or a redirect on a web
    page can never make the crawler read a local file or leave HTTP(S)."""
    opener = urllib.request.OpenerDirector()
    for handler in (
        urllib.request.ProxyHandler(),
        urllib.request.HTTPHandler(),
        urllib.request.HTTPSHandler(),
        urllib.request.HTTPRedirectHandler(),
        urllib.request.HTTPDefaultErrorHandler(),
        urllib.request.HTTPErrorProcessor(),
    ):
        opener.add_handler(handler)
    return opener


_OPENER = _http_only_opener()
_DOC_TYPES = {
    "application/pdf": ".pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/msword": ".doc",
}


@dataclass
class Fetched:
    url: str
    """Final URL, after redirects."""
    data: bytes
    content_type: str

    @property
    def is_html(self) -> bool:
        return "html" in self.content_type or (not self.content_type and b"<html" in self.data[:2048].lower())


@dataclass
class FetchFailure:
    url: str
    code: str
    reason: str


def decode_html(data: bytes) -> str:
    m = _META_CHARSET.search(data[:4096])
    for enc in ([m.group(1).decode("ascii", "ignore")] if m else []) + ["utf-8", "gb18030"]:
        try:
            return data.decode(enc)
        except (LookupError, UnicodeDecodeError):
            continue
    return data.decode("utf-8", "replace")


def page_text(html: str) -> str:
    return unescape(_TAG.sub(" ", _SCRIPT.sub(" ", html)))


def looks_like_report_page(html: str) -> bool:
    """A report page carries the report's sections; a list page only titles of reports."""
    body = page_text(_LINK.sub(" ", html))
    return sum(1 for w in _REPORT_MARKERS if w in body) >= MIN_REPORT_MARKERS


def looks_like_report_title(title: str) -> bool:
    return bool(_REPORT_TITLE.search(re.sub(r"\s+", "", title)))


def links(html: str, base: str) -> list[tuple[str, str]]:
    """(absolute URL without fragment, title) of every link of the page."""
    out = []
    for attrs, inner in _LINK.findall(html):
        h = _HREF.search(attrs)
        if not h:
            continue
        href = unescape(next(g for g in h.groups() if g is not None)).strip()
        if not href or href.startswith(("javascript:", "mailto:", "#")):
            continue
        t = _TITLE_ATTR.search(attrs)
        title = unescape(next(g for g in t.groups() if g is not None)) if t else ""
        text = re.sub(r"\s+", " ", unescape(_TAG.sub("", inner))).strip()
        out.append((urldefrag(urljoin(base, href))[0], f"{title} {text}".strip()))
    return out


def same_site(a: str, b: str) -> bool:
    x, y = urlsplit(a), urlsplit(b)
    return (x.scheme, x.hostname, x.port) == (y.scheme, y.hostname, y.port)


class Crawler:
    def __init__(self, delay: float = DEFAULT_DELAY_S, user_agent: str = USER_AGENT) -> None:
        self.delay = delay
        self.user_agent = user_agent
        self._robots: dict[str, urllib.robotparser.RobotFileParser | None] = {}
        self._last: dict[str, float] = {}

    def _host(self, url: str) -> str:
        p = urlsplit(url)
        return f"{p.scheme}://{p.netloc}"

    def _robot(self, url: str) -> urllib.robotparser.RobotFileParser | None:
        host = self._host(url)
        if host not in self._robots:
            rp = urllib.robotparser.RobotFileParser()
            try:
                self._wait(host)
                req = urllib.request.Request(host + "/robots.txt", headers={"User-Agent": self.user_agent})
                # the opener has HTTP(S) handlers only: no file:, ftp: or data: URL is opened
                with _OPENER.open(req, timeout=TIMEOUT_S) as resp:  # nosec B310
                    rp.parse(resp.read().decode("utf-8", "replace").splitlines())
            except urllib.error.HTTPError as e:
                # no robots.txt (4xx) allows everything; a server error forbids nothing we can know
                rp.parse([] if e.code >= 400 else ["User-agent: *", "Disallow: /"])
            except (urllib.error.URLError, OSError, ValueError):
                rp.parse([])
            self._robots[host] = rp
        return self._robots[host]

    def allowed(self, url: str) -> bool:
        rp = self._robot(url)
        return rp is None or rp.can_fetch(self.user_agent, url)

    def _wait(self, host: str) -> None:
        rp = self._robots.get(host)
        delay = self.delay
        if rp is not None:
            cd = rp.crawl_delay(self.user_agent)
            if cd is not None:
                delay = max(delay, float(cd))
        last = self._last.get(host)
        if last is not None:
            pause = last + delay - time.monotonic()
            if pause > 0:
                time.sleep(pause)
        self._last[host] = time.monotonic()

    def get(self, url: str) -> Fetched | FetchFailure:
        if urlsplit(url).scheme.lower() not in _SCHEMES:
            return FetchFailure(url, "unsupported", "只抓取 http/https 网址")
        if not self.allowed(url):
            return FetchFailure(url, "robots", "robots.txt 不允许抓取该地址")
        self._wait(self._host(url))
        req = urllib.request.Request(url, headers={"User-Agent": self.user_agent})
        try:
            # the opener has HTTP(S) handlers only: no file:, ftp: or data: URL is opened
            with _OPENER.open(req, timeout=TIMEOUT_S) as resp:  # nosec B310
                data = resp.read(MAX_BYTES + 1)
                final = resp.geturl()
                ctype = (resp.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        except urllib.error.HTTPError as e:
            return FetchFailure(url, "http", f"下载失败：HTTP {e.code}")
        except (urllib.error.URLError, OSError, ValueError) as e:
            reason = getattr(e, "reason", e)
            return FetchFailure(url, "network", f"下载失败：{reason}")
        if len(data) > MAX_BYTES:
            return FetchFailure(url, "too_large", "文件过大")
        if not same_site(url, final):
            return FetchFailure(url, "offsite", f"重定向到其他网站：{final}")
        return Fetched(final, data, ctype)

    def crawl(self, start: str) -> Iterator[Fetched | FetchFailure]:
        """Yield the reports reachable from ``start`` (itself, when it is a report page)."""
        first = self.get(start)
        if isinstance(first, FetchFailure) or not first.is_html:
            yield first
            return
        html = decode_html(first.data)
        if looks_like_report_page(html):
            yield first
            return
        seen = {start, first.url}
        lists = [(first.url, html)]
        pages = 1
        while lists:
            base, page = lists.pop(0)
            for url, title in links(page, base):
                if url in seen or not same_site(start, url):
                    continue
                if any(w in title.lower() for w in _NEXT_PAGE) and pages < MAX_LIST_PAGES:
                    seen.add(url)
                    nxt = self.get(url)
                    if isinstance(nxt, Fetched) and nxt.is_html:
                        pages += 1
                        seen.add(nxt.url)
                        lists.append((nxt.url, decode_html(nxt.data)))
                    continue
                if not looks_like_report_title(title):
                    continue
                seen.add(url)
                got = self.get(url)
                if isinstance(got, Fetched):
                    if got.url in seen and got.url != url:
                        continue  # a redirect to a report already taken
                    seen.add(got.url)
                    if got.is_html and not looks_like_report_page(decode_html(got.data)):
                        continue  # titled like a report, but not one (a notice about reports)
                yield got


def suffix_for(f: Fetched) -> str:
    """A file name ending that tells the reader the format when the URL does not."""
    path = urlsplit(f.url).path.lower()
    for ext in (".pdf", ".docx", ".doc", ".html", ".htm", ".txt", ".md"):
        if path.endswith(ext):
            return ""
    if f.is_html:
        return "#.html"
    return "#" + _DOC_TYPES[f.content_type] if f.content_type in _DOC_TYPES else ""
