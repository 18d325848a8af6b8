"""Web speed: a national year written straight into the store (generated reports, not parsed),
served by ``gongkai serve``, and the list, report, compare, findings and dashboard pages and
their API calls timed under concurrent clients on loopback. Prints p50/p95/max per endpoint.

    python bench/web_speed.py [--sqlite 20000] [--pg 200000] [--clients 20] [--requests 200] [--workers 2]

``--pg 0`` skips PostgreSQL (a throwaway server is started here). ``--pg-url URL`` uses a
PostgreSQL database of one's own instead, written once (only when it holds no reports yet) and kept,
so that a store of 200,000 reports is built once and measured again after each change. The goal
of issue 12 is p95 under 300 ms for every endpoint with 20 clients. Each URL is first asked once
(its time printed as 首次: a region's aggregates computed for the first time in that server
process, as after every change to the store), then the clients run.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests"))

from gongkai.store import Store  # noqa: E402
from gongkai.store.accounts import LoginFailure, add_user  # noqa: E402
from gongkai.store.pgtemp import create_database, pg_bindir, temporary_postgres  # noqa: E402
from gongkai.store.records import AgencyResolver, Prepared, save_report  # noqa: E402

GOAL_MS = 300
PASSWORD = "bench-password-1"
CHUNK = 200  # ten counties
PREVIOUS_SHARE = 10
"""One agency in this many also has last year's report (for the comparisons)."""
YEAR = 2024


PROVINCES = ("东川省", "西平省", "南安省", "北宁省", "中原省", "海阳省", "山岭省", "江河省", "云台省", "青林省")
CITIES_PER_PROVINCE = 10
COUNTIES_PER_CITY = 10
_PLACE = "清河安平宁远云山兴隆华阳泉林石桥新丰永和长乐白金玉龙凤松柏桃梅兰竹湖溪岭峰"


AGENCIES_PER_COUNTY = 20


def counties_per_city(n: int) -> int:
    """Enough counties that ``n`` agencies each have a name of their own (200,000 agencies: 100
    counties a city, 10,000 counties, about three times China's; 20,000: 10 a city)."""
    return max(COUNTIES_PER_CITY, -(-n // (len(PROVINCES) * CITIES_PER_PROVINCE * AGENCIES_PER_COUNTY)))


def bench_agency(seed: int, per_city: int = COUNTIES_PER_CITY) -> Any:
    """Agencies nested like a country's: 10 provinces, 10 cities each, ``per_city`` counties each;
    in a county its government, departments and townships (seed decides which)."""
    from gongkai.model.template import SECTION_KEYS  # noqa: F401  (imports the model first)
    from gongkai.testing.names import DEPARTMENTS, Agency

    county_no, within = divmod(seed, AGENCIES_PER_COUNTY)
    n_counties = len(PROVINCES) * CITIES_PER_PROVINCE * per_city
    county_no %= n_counties
    p, rest = divmod(county_no, CITIES_PER_PROVINCE * per_city)
    c, k = divmod(rest, per_city)
    n_place = len(_PLACE)
    city = _PLACE[(p * 7 + c) % n_place] + _PLACE[(c * 3 + 1) % n_place] + "市"
    # two characters that differ for every county of a city (up to len(_PLACE)² of them)
    county = _PLACE[(k // n_place + c) % n_place] + _PLACE[(k + p) % n_place] + "县"
    place = PROVINCES[p] + city + county
    if within == 0:
        return Agency(place + "人民政府", "county_gov", county)
    if within < 4:
        town = _PLACE[(within * 13 + k) % n_place] + _PLACE[(within + c) % n_place] + "镇"
        return Agency(place + town + "人民政府", "township", town)
    return Agency(place + DEPARTMENTS[within % len(DEPARTMENTS)], "county_dept", county)


def _make(seeds: list[int], per_city: int) -> list[Prepared]:
    import hashlib

    from gongkai.checks import run_checks
    from gongkai.store.records import prepare
    from gongkai.testing.generate import generate

    out = []
    for seed in seeds:
        agency = bench_agency(seed, per_city)
        years = [YEAR, YEAR - 1] if seed % PREVIOUS_SHARE == 0 else [YEAR]
        for year in years:
            g = generate(seed * 10 + year % 10, template="v2021", agency=agency, year=year)
            r = g.report
            r.findings = run_checks(r)
            r.source.sha256 = hashlib.sha256(f"bench/{seed}/{year}".encode()).hexdigest()
            r.source.path = f"bench/{seed}-{year}.txt"
            out.append(prepare(r))
    return out


_stores: dict[str, Store] = {}


def _write(url: str, seeds: list[int], per_city: int) -> int:
    """Make and store one chunk of agencies' reports (in a worker: the workers write side by
    side; a chunk is one transaction, so a stopped build resumes from the chunks it lacks)."""
    store = _stores.get(url) or _stores.setdefault(url, Store(url, migrate=False))
    prepared = _make(seeds, per_city)
    res = AgencyResolver()
    with store.session() as s:
        for p in prepared:
            save_report(s, p, parser_version="bench", resolver=res)
    return len(prepared)


def _stored_seeds(url: str) -> set[int]:
    from sqlalchemy import select

    from gongkai.store.schema import SourceFileRow

    store = Store(url)
    with store.session() as s:
        locations = s.scalars(select(SourceFileRow.location).where(SourceFileRow.location.like("bench/%")))
        seeds = {int(loc.split("/")[1].split("-")[0]) for loc in locations}
    store.close()
    return seeds


def build(url: str, n: int, jobs: int) -> None:
    """``n`` agencies' reports of one year (a tenth with last year's too), straight into the store.
    Chunks follow the counties (a county's departments find their government in the same chunk)."""
    per_city = counties_per_city(n)
    stored = _stored_seeds(url)
    chunks = [
        list(range(i, min(i + CHUNK, n))) for i in range(0, n, CHUNK) if not set(range(i, min(i + CHUNK, n))) <= stored
    ]
    t0 = time.monotonic()
    done = 0
    with ProcessPoolExecutor(jobs) as pool:
        for written in pool.map(_write, [url] * len(chunks), chunks, [per_city] * len(chunks)):
            done += written
            print(f"\r  写入 {done} 份报告（{done / (time.monotonic() - t0):.0f} 份/秒）", end="", flush=True)
    from sqlalchemy import delete as sql_delete

    store = Store(url)
    with store.session() as s:
        if s.scalar(select_user("bench")) is None:
            add_user(s, "bench", PASSWORD, "admin")
        # an earlier run that measured before the user existed has the login paused (rate limit)
        s.execute(sql_delete(LoginFailure))
    store.close()
    print()


def select_user(name: str) -> Any:
    from sqlalchemy import select

    from gongkai.store.accounts import User

    return select(User.id).where(User.username == name)


def _count_reports(url: str) -> int:
    from sqlalchemy import func, select

    from gongkai.store.schema import ReportVersion

    store = Store(url)
    try:
        with store.session() as s:
            return int(s.scalar(select(func.count(ReportVersion.id))) or 0)
    finally:
        store.close()


def targets(url: str) -> dict[str, list[str]]:
    """The URLs each endpoint is timed on: a busy region, reports, pairs of years."""
    from sqlalchemy import func, select

    from gongkai.store.schema import Agency, ReportVersion

    store = Store(url)
    with store.session() as s:
        regions = s.execute(
            select(Agency.region, func.count(ReportVersion.id))
            .join(ReportVersion, ReportVersion.agency_id == Agency.id)
            .where(Agency.region.is_not(None))
            .group_by(Agency.region)
            .order_by(func.count(ReportVersion.id).desc())
            .limit(20)
        ).all()
        ids = list(s.scalars(select(ReportVersion.id).where(ReportVersion.year == YEAR).limit(200)))
        prev = dict(
            s.execute(
                select(ReportVersion.agency_id, ReportVersion.id).where(ReportVersion.year == YEAR - 1).limit(200)
            ).all()
        )
        cur = dict(
            s.execute(
                select(ReportVersion.agency_id, ReportVersion.id).where(
                    ReportVersion.year == YEAR, ReportVersion.agency_id.in_(list(prev))
                )
            ).all()
        )
    store.close()
    comp = [(prev[a], cur[a]) for a in cur]
    from gongkai.store.agencies import regions as units_of

    counties = [r for r, _ in regions]
    units = units_of(counties[0]) if counties else []
    wider = ["".join(units[:1]), "".join(units[:2])] if len(units) >= 2 else []
    # busy counties, and a city and a province (their aggregates cover ten and a hundred counties)
    regs = [urllib.parse.quote(r) for r in counties[:8] + wider]
    return {
        "列表页 /reports": [f"/reports?region={r}&year={YEAR}" for r in regs] + [f"/reports?page={i}" for i in (1, 50)],
        "列表 API": [f"/api/reports?region={r}&year={YEAR}" for r in regs] + ["/api/reports?has_errors=true"],
        "报告页": [f"/reports/{i}" for i in ids],
        "报告 API": [f"/api/reports/{i}" for i in ids],
        "比较页": [f"/compare?old={a}&new={b}" for a, b in comp],
        "比较 API": [f"/api/compare?old={a}&new={b}" for a, b in comp],
        "问题清单页": [f"/findings?region={r}&year={YEAR}" for r in regs],
        "问题清单 API": [f"/api/findings?region={r}&year={YEAR}" for r in regs],
        "统计页": [f"/dashboard?region={r}&year={YEAR}" for r in regs],
        "统计 API": [f"/api/dashboard?region={r}&year={YEAR}" for r in regs],
    }


def measure(base: str, urls: list[str], clients: int, requests: int) -> list[float]:
    import httpx

    def login() -> httpx.Client:
        c = httpx.Client(base_url=base, timeout=60)
        c.get("/login")
        c.post("/login", data={"username": "bench", "password": PASSWORD, "csrf_token": c.cookies["gk_csrf"]})
        return c

    sessions = [login() for _ in range(clients)]
    times: list[float] = []
    lock = threading.Lock()
    codes: Counter[int | str] = Counter()

    def run(k: int) -> None:
        c = sessions[k]
        for n, _ in enumerate(range(k, requests, clients)):
            url = urls[(k + n) % len(urls)]  # each client goes through every URL, from its own
            t0 = time.perf_counter()
            try:
                code = c.get(url).status_code
            except httpx.HTTPError as e:  # counted, and the server's log is shown at the end
                code = type(e).__name__
            dt = (time.perf_counter() - t0) * 1000
            with lock:
                times.append(dt)
                codes[code] += 1

    threads = [threading.Thread(target=run, args=(k,)) for k in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for c in sessions:
        c.close()
    if set(codes) != {200}:
        print(f"    ！状态码：{dict(codes)}")
        return [float("inf")] * len(times)  # an endpoint that does not answer has not met the goal
    return times


def bench(url: str, label: str, clients: int, requests: int, workers: int, tmp: Path) -> list[tuple[str, float]]:
    from web_support import free_port, server_processes

    port = free_port()
    gk = str(Path(sys.executable).with_name("gongkai"))
    cmd = [gk, "serve", "--db", url, "--port", str(port), "--no-worker", "--workers", str(workers), "--files", str(tmp)]
    log = open(tmp / "serve.log", "wb")  # noqa: SIM115  (closed with the server)
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"

    # a process still starting takes no requests but takes CPU from those that do: wait for all
    started = len(server_processes(base, workers))
    print(f"\n  {started} 个服务进程已就绪")
    results = []
    try:
        print(f"\n{label}：{clients} 个并发客户端，每项 {requests} 次请求，{workers} 个服务进程")
        print("  首次：每个地址第一次请求（一个客户端依次请求；地区的汇总在该服务进程中第一次计算）")
        print(f"  {'接口':<14}{'首次最大 ms':>11}{'p50 ms':>9}{'p95 ms':>9}{'最大 ms':>9}")
        for name, urls in targets(url).items():
            if not urls:
                print(f"  {name:<14} （库中没有可用的对象）")
                continue
            first = measure(base, list(dict.fromkeys(urls)), 1, len(set(urls)))
            t = sorted(measure(base, urls, clients, requests))
            p95 = t[int(len(t) * 0.95) - 1]
            flag = "✓" if p95 < GOAL_MS else "✗"
            print(f"  {name:<14}{max(first):>11.0f}{statistics.median(t):>9.0f}{p95:>9.0f}{t[-1]:>9.0f}  {flag}")
            results.append((name, p95))
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()
    errors = [line for line in (tmp / "serve.log").read_text(errors="replace").splitlines() if "Error" in line]
    if errors:
        print("  服务进程报告的错误：\n    " + "\n    ".join(errors[-10:]))
    return results


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument(
        "--sqlite", type=int, default=20000, help="SQLite 中的机关数（每个一份本年报告，十分之一另有上年报告）"
    )
    ap.add_argument("--pg", type=int, default=200000, help="PostgreSQL 中的机关数（0 不测）")
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--requests", type=int, default=200, help="每个接口的请求数")
    ap.add_argument("--workers", type=int, default=2, help="gongkai serve 的服务进程数")
    ap.add_argument("--jobs", type=int, default=2, help="生成报告的进程数")
    ap.add_argument("--sqlite-db", default=None, help="用已生成的 SQLite 库（本脚本以前写的），不再生成")
    ap.add_argument("--pg-url", default=None, help="用自备的 PostgreSQL 库（空库则先生成写入，之后保留）")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        all_results: dict[str, Any] = {}
        if a.sqlite_db:
            url = f"sqlite:///{Path(a.sqlite_db).resolve()}"
            all_results["SQLite"] = bench(url, f"SQLite（{a.sqlite_db}）", a.clients, a.requests, a.workers, Path(tmp))
        elif a.sqlite:
            url = f"sqlite:///{Path(tmp) / 'web.db'}"
            print(f"SQLite：生成并写入 {a.sqlite} 个机关的报告")
            build(url, a.sqlite, a.jobs)
            all_results["SQLite"] = bench(
                url, f"SQLite（{a.sqlite} 个机关）", a.clients, a.requests, a.workers, Path(tmp)
            )
        if a.pg_url:
            print(f"PostgreSQL：生成并写入 {a.pg} 个机关的报告（已写入的跳过）")
            build(a.pg_url, a.pg, a.jobs)
            label = f"PostgreSQL（{_count_reports(a.pg_url)} 份报告）"
            all_results["PostgreSQL"] = bench(a.pg_url, label, a.clients, a.requests, a.workers, Path(tmp))
        elif a.pg:
            if pg_bindir() is None:
                print("PostgreSQL 未安装，跳过")
            else:
                with temporary_postgres(durable=False) as server:
                    url = create_database(server, "webspeed")
                    print(f"PostgreSQL：生成并写入 {a.pg} 个机关的报告")
                    build(url, a.pg, a.jobs)
                    label = f"PostgreSQL（{a.pg} 个机关）"
                    all_results["PostgreSQL"] = bench(url, label, a.clients, a.requests, a.workers, Path(tmp))
        slow = [(db, n, p) for db, rs in all_results.items() for n, p in rs if p >= GOAL_MS]
        print()
        if slow:
            print(f"未达到 p95 < {GOAL_MS} ms：" + "；".join(f"{db} {n} {p:.0f} ms" for db, n, p in slow))
        else:
            print(f"全部接口 p95 < {GOAL_MS} ms")


if __name__ == "__main__":
    main()
