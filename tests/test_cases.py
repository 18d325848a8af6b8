"""The case register (issue 15) through the web API: a year and more of generated applications,
each registered and worked event by event as an office would, and table 3, the carry-over and
the overdue list checked against a computation of their own (the notices' working days of
``test_register``, not the package calendar)."""

from __future__ import annotations

import bisect
import datetime as dt
import random
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from gongkai.compose.cases import LAPSED, OUTCOMES
from gongkai.compose.deadlines import NEAR_DUE_DAYS, REPLY_DAYS
from gongkai.compose.register import Application
from gongkai.model.template import APPLICANT_PARTS
from gongkai.web import Settings, create_app
from gongkai.web.security import CSRF_COOKIE
from test_register import WORKDAYS, _span, independent_table3
from web_support import PASSWORD, seed_store

D = dt.date
AGENCY = "淄博市沂源县人民政府办公室"
END = D(2024, 12, 31)
REPLIES = [o for o in OUTCOMES if o not in LAPSED]


@dataclass
class Planned:
    received: dt.date
    applicant: str
    events: list[dict[str, object]] = field(default_factory=list)


def _after(day: dt.date, rng: random.Random, lo: int, hi: int) -> dt.date:
    return day + dt.timedelta(days=rng.randint(lo, hi))


def _due(received: dt.date, events: list[dict[str, object]], today: dt.date) -> dt.date | None:
    """The reply deadline from the notices' working days (None while a correction is awaited)."""
    kinds = {str(e["kind"]): e for e in events}
    start = received
    if "correction_requested" in kinds:
        if "correction_received" not in kinds:
            return None
        start = kinds["correction_received"]["on"]  # type: ignore[assignment]
    paused: set[dt.date] = set()
    for a, b in (("consultation_started", "consultation_replied"), ("fee_notice", "fee_paid")):
        if a in kinds:
            first = kinds[a]["on"] + dt.timedelta(days=1)  # type: ignore[operator]
            last = kinds[b]["on"] if b in kinds else max(today, first)
            paused |= set(_span(first, last))  # type: ignore[arg-type]
    extension = int(kinds["extended"]["days"]) if "extended" in kinds else 0  # type: ignore[call-overload]
    days = [d for d in WORKDAYS if d not in paused]
    return days[bisect.bisect_right(days, start) + REPLY_DAYS + extension - 1]


def plan_cases(seed: int, n: int) -> list[Planned]:
    """Applications of 2023–2024, more of them around the Spring Festival and National Day,
    with corrections (answered or lapsed), consultations, fees (paid or lapsed), extensions
    decided within the period, replies of every outcome and withdrawals; what would fall after
    the end of 2024 is left undone (open cases carried forward)."""
    rng = random.Random(seed)
    hot = [D(2023, 1, 18), D(2023, 9, 26), D(2024, 2, 6), D(2024, 9, 25), D(2024, 12, 20)]
    out: list[Planned] = []
    for _ in range(n):
        if rng.random() < 0.35:
            received = _after(rng.choice(hot), rng, 0, 8)
        else:
            received = _after(D(2023, 1, 3), rng, 0, 715)
        applicant = rng.choices(list(APPLICANT_PARTS), weights=(80, 8, 2, 2, 5, 3))[0]
        p = Planned(received, applicant)
        last = received
        closed = False

        def add(kind: str, on: dt.date, events: list[dict[str, object]] = p.events, **kw: object) -> None:
            nonlocal last
            events.append({"kind": kind, "on": on, **kw})
            last = on

        if rng.random() < 0.12:
            add("correction_requested", _after(last, rng, 1, 7))
            r = rng.random()
            if r < 0.75:
                add("correction_received", _after(last, rng, 1, 20))
            elif r < 0.9:
                add("correction_lapsed", _after(last, rng, 15, 30))
                closed = True
            else:
                closed = True  # still waiting for the correction
        if not closed and rng.random() < 0.1:
            add("consultation_started", _after(last, rng, 1, 5))
            add("consultation_replied", _after(last, rng, 3, 15))
        if not closed and rng.random() < 0.08:
            add("fee_notice", _after(last, rng, 1, 5))
            r = rng.random()
            if r < 0.7:
                add("fee_paid", _after(last, rng, 1, 10))
            elif r < 0.9:
                add("fee_lapsed", _after(last, rng, 10, 20))
                closed = True
            else:
                closed = True  # the fee is still unpaid
        if not closed and rng.random() < 0.15:
            due = _due(received, p.events, last)
            if due is not None and last <= due:
                add("extended", last, days=rng.choice((5, 10, 20)))
        if not closed:
            r = rng.random()
            if r < 0.85:
                add("replied", _after(last, rng, 0, 40), outcome=rng.choice(REPLIES))
            elif r < 0.93:
                add("withdrawn", _after(last, rng, 0, 20))
        p.events = [e for e in p.events if e["on"] <= END]  # type: ignore[operator]
        out.append(p)
    return out


def as_of(p: Planned, on: dt.date) -> Application:
    """The application as the plan says it stood at the end of ``on`` (computed here)."""
    app = Application(0, "", p.received, p.applicant)
    for e in p.events:
        if e["on"] > on:  # type: ignore[operator]
            break
        k, day = str(e["kind"]), e["on"]
        if k == "replied":
            app.replied, app.outcome = day, str(e["outcome"])  # type: ignore[assignment]
        elif k in ("correction_lapsed", "fee_lapsed", "withdrawn"):
            app.replied = day  # type: ignore[assignment]
            app.outcome = {"correction_lapsed": "other_no_correction", "fee_lapsed": "other_unpaid_fee"}.get(
                k, "other_other"
            )
    return app


def _login(app: object, user: str = "yiyuan") -> TestClient:
    c = TestClient(app)  # type: ignore[arg-type]
    c.get("/login")
    c.post("/login", data={"username": user, "password": PASSWORD, "csrf_token": c.cookies[CSRF_COOKIE]})
    return c


def _head(c: TestClient) -> dict[str, str]:
    return {"X-CSRF-Token": c.cookies[CSRF_COOKIE]}


def _fresh(url: str, files: Path) -> TestClient:
    """A reviewer of 沂源县 logged in to a new store at ``url``."""
    seed_store(url)
    return _login(create_app(Settings(db=url, files=str(files))))


def _drive(c: TestClient, plans: list[Planned]) -> dict[int, Planned]:
    """Each planned application registered and worked through the API, event by event."""
    ids: dict[int, Planned] = {}
    for p in plans:
        body = {"agency": AGENCY, "received": p.received.isoformat(), "applicant": p.applicant}
        r = c.post("/api/cases", headers=_head(c), json=body)
        assert r.status_code == 201, r.text
        cid = r.json()["id"]
        ids[cid] = p
        for e in p.events:
            ev = {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in e.items()}
            r = c.post(f"/api/cases/{cid}/events", headers=_head(c), json=ev)
            assert r.status_code == 201, (ev, r.text)
    return ids


@pytest.fixture(scope="module")
def driven(tmp_path_factory: pytest.TempPathFactory) -> tuple[TestClient, list[Planned], dict[int, Planned]]:
    path = tmp_path_factory.mktemp("cases") / "cases.db"
    c = _fresh(f"sqlite:///{path}", path.parent / "files")
    plans = plan_cases(20241001, 260)
    return c, plans, _drive(c, plans)


@pytest.mark.parametrize("on", [D(2023, 12, 31), D(2024, 6, 30), D(2024, 12, 31), D(2024, 2, 18)])
def test_table_3_on_any_day_is_the_cases_sum(driven, on: dt.date) -> None:
    c, plans, _ = driven
    got = c.get("/api/cases/table3", params={"on": on.isoformat()}).json()
    want = independent_table3([as_of(p, on) for p in plans if p.received <= on], on.year, "v2021")
    assert got["cells"] == want
    # last year's carry-forward is this year's carry-over
    if on.month == 12:
        nxt = c.get("/api/cases/table3", params={"on": D(on.year + 1, 1, 1).isoformat()}).json()
        assert nxt["cells"]["carried_over"] == got["cells"]["carried_forward"]


def test_each_cell_lists_its_cases(driven) -> None:
    c, _, ids = driven
    got = c.get("/api/cases/table3", params={"on": "2024-12-31"}).json()
    disclosed = got["cases"].get("disclosed", {}).get("total", [])
    assert len(disclosed) == got["cells"]["disclosed"]["total"] > 0
    assert all(ids[i].events[-1]["outcome"] == "disclosed" for i in disclosed)


@pytest.mark.parametrize("today", [D(2024, 2, 26), D(2024, 10, 14), D(2023, 10, 30)])
def test_overdue_and_near_due_lists_match_the_notices(driven, today: dt.date) -> None:
    """Around the Spring Festival and National Day (make-up working days inside the periods)."""
    c, _, ids = driven
    got = {d["id"]: d["status"] for d in c.get("/api/cases/due", params={"today": today.isoformat()}).json()["cases"]}
    want: dict[int, str] = {}
    for cid, p in ids.items():
        app = as_of(p, today)
        if p.received > today or app.replied is not None:
            continue
        due = _due(p.received, [e for e in p.events if e["on"] <= today], today)  # type: ignore[operator]
        if due is None:
            continue
        if today > due:
            want[cid] = "overdue"
        elif sum(1 for d in WORKDAYS if today < d <= due) <= NEAR_DUE_DAYS:
            want[cid] = "near_due"
    assert got == want
    assert "overdue" in want.values()


def test_a_case_tells_its_deadline_across_the_spring_festival(driven) -> None:
    c, _, _ = driven
    head = _head(c)
    r = c.post("/api/cases", headers=head, json={"agency": AGENCY, "received": "2024-02-08", "applicant": "business"})
    case = r.json()
    assert case["due"] == "2024-03-13" and case["state"] == "open"  # 9 Feb off, Sunday 18 Feb worked
    r = c.post(
        f"/api/cases/{case['id']}/events", headers=head, json={"kind": "extended", "on": "2024-03-01", "days": 20}
    )
    assert (
        r.json()["due"]
        == _due(D(2024, 2, 8), [{"kind": "extended", "on": D(2024, 3, 1), "days": 20}], D(2024, 3, 1)).isoformat()
    )


@pytest.mark.parametrize(
    ("events", "message"),
    [
        (
            [
                {"kind": "withdrawn", "on": "2024-05-10"},
                {"kind": "replied", "on": "2024-05-11", "outcome": "disclosed"},
            ],
            "已办结",
        ),
        (
            [{"kind": "extended", "on": "2024-05-07", "days": 5}, {"kind": "extended", "on": "2024-05-08", "days": 5}],
            "只能延长一次",
        ),
        ([{"kind": "replied", "on": "2024-05-01", "outcome": "disclosed"}], "早于收到申请之日"),
        ([{"kind": "extended", "on": "2024-07-01", "days": 5}], "已于"),
        ([{"kind": "replied", "on": "2024-05-10", "outcome": "other_unpaid_fee"}], "不是表三的一种答复结果"),
        ([{"kind": "fee_paid", "on": "2024-05-10"}], "不能「缴纳费用」"),
        (
            [
                {"kind": "replied", "on": "2024-05-20", "outcome": "disclosed"},
                {"kind": "fee_notice", "on": "2024-05-10"},
            ],
            "按时间顺序",
        ),
    ],
)
def test_an_event_the_case_cannot_take_is_refused_and_says_why(driven, events, message) -> None:
    c, _, _ = driven
    head = _head(c)
    cid = c.post(
        "/api/cases", headers=head, json={"agency": AGENCY, "received": "2024-05-06", "applicant": "natural_person"}
    ).json()["id"]
    codes = [c.post(f"/api/cases/{cid}/events", headers=head, json=e) for e in events]
    assert [r.status_code for r in codes[:-1]] == [201] * (len(events) - 1)
    assert codes[-1].status_code == 400 and message in codes[-1].json()["detail"], codes[-1].text
    history = c.get(f"/api/cases/{cid}").json()["events"]
    assert len(history) == len(events) - 1  # nothing half-written


def test_other_regions_and_viewers_cannot_touch_a_case(driven, tmp_path) -> None:
    c, _, ids = driven
    cid = next(iter(ids))
    app = c.app  # type: ignore[attr-defined]
    for user, code in (("viewer", 403),):
        o = _login(app, user)
        head = _head(o)
        r = o.post(f"/api/cases/{cid}/events", headers=head, json={"kind": "withdrawn", "on": "2024-12-31"})
        assert r.status_code == code
        r = o.post(
            "/api/cases", headers=head, json={"agency": AGENCY, "received": "2024-05-06", "applicant": "business"}
        )
        assert r.status_code == code
    # a reviewer of 沂源县 registers nothing for another county, and another county's case is not there for them
    head = _head(c)
    r = c.post(
        "/api/cases",
        headers=head,
        json={"agency": "平潭综合实验区管委会", "received": "2024-05-06", "applicant": "business"},
    )
    assert r.status_code == 400 and "不在您负责的地区" in r.json()["detail"]
    from gongkai.store.cases import NewCase, register_case

    with app.state.store.session() as s:
        other = register_case(s, NewCase("平潭综合实验区管委会", D(2024, 5, 6), "business"), None)
    assert c.get(f"/api/cases/{other}").status_code == 404
    r = c.post(f"/api/cases/{other}/events", headers=head, json={"kind": "withdrawn", "on": "2024-05-07"})
    assert r.status_code == 404
    table = c.get("/api/cases/table3", params={"on": "2024-12-31"}).json()
    assert other not in {i for cols in table["cases"].values() for ids_ in cols.values() for i in ids_}


def _docx_text(data: bytes) -> str:
    import io

    from docx import Document

    return "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)


def test_letters_are_filled_from_the_case_and_the_office_edits_their_text(driven) -> None:
    c, _, _ = driven
    head = _head(c)
    case = c.post(
        "/api/cases",
        headers=head,
        json={
            "agency": AGENCY,
            "received": "2024-03-04",
            "applicant": "natural_person",
            "applicant_name": "王某",
            "subject": "2023年道路维修资金使用情况",
        },
    ).json()
    cid = case["id"]
    c.post(f"/api/cases/{cid}/events", headers=head, json={"kind": "correction_requested", "on": "2024-03-06"})
    notice = _docx_text(c.get(f"/api/cases/{cid}/letter.docx").content)
    assert "补正申请告知书" in notice and "王某：" in notice and "2024年3月4日" in notice
    c.post(f"/api/cases/{cid}/events", headers=head, json={"kind": "correction_received", "on": "2024-03-11"})
    c.post(
        f"/api/cases/{cid}/events",
        headers=head,
        json={"kind": "replied", "on": "2024-03-29", "outcome": "withheld_process_info"},
    )
    reply = _docx_text(c.get(f"/api/cases/{cid}/letter.docx").content)
    assert "不予公开" in reply and "过程性信息" in reply and "2023年道路维修资金使用情况" in reply
    assert "淄博市沂源县人民政府办公室" in reply and "2024年3月29日" in reply
    # the office rewrites the text; a field it names is filled, one the case lacks stays visible
    text = "{申请人}：\n您于{收到日期}的申请涉及内部研究过程，{某字段}，不予公开。"
    r = c.put("/api/cases/letters/withheld_process_info", headers=head, json={"text": text})
    assert r.status_code == 200
    reply = _docx_text(c.get(f"/api/cases/{cid}/letter.docx").content)
    assert "王某：" in reply and "您于2024年3月4日的申请涉及内部研究过程，{某字段}" in reply
    kinds = {k["kind"] for k in c.get("/api/cases/letters").json()}
    assert set(REPLIES) <= kinds and {"correction_requested", "extended", "fee_notice"} <= kinds


def test_a_viewer_cannot_edit_letters(driven) -> None:
    c, _, _ = driven
    o = _login(c.app, "viewer")  # type: ignore[attr-defined]
    r = o.put("/api/cases/letters/disclosed", headers={"X-CSRF-Token": o.cookies[CSRF_COOKIE]}, json={"text": "x"})
    assert r.status_code == 403


def test_a_register_imports_as_cases_and_exports_back(tmp_path) -> None:
    """An office's existing register (the compose issue's format, generated with planted bad
    rows) becomes cases; table 3 of the cases is the register's, the rows that cannot be read
    are named, and the exported register reads back to the same applications."""
    from gongkai.compose.register import read_register
    from test_register import _write_xlsx, make_register

    rows, truth, bad = make_register(20240613, n=200)
    _write_xlsx(rows, tmp_path / "台账.xlsx")
    c = _fresh(f"sqlite:///{tmp_path / 'c.db'}", tmp_path / "files")
    head = _head(c)
    with open(tmp_path / "台账.xlsx", "rb") as f:
        r = c.post("/api/cases/import", headers=head, data={"agency": AGENCY}, files={"file": ("台账.xlsx", f)})
    assert r.status_code == 201, r.text
    got = r.json()
    named = {int(p.split("第 ")[1].split(" 行")[0]) for p in got["problems"]}
    assert named == bad  # every planted bad row is named, with its row number, and only those
    imported = [a for a in truth if a.row not in named]
    assert got["imported"] == len(imported) == len(truth)
    for year in (2023, 2024):
        t3 = c.get("/api/cases/table3", params={"on": f"{year}-12-31"}).json()["cells"]
        assert t3 == independent_table3(imported, year, "v2021")
    r = c.get("/api/cases/export.xlsx")
    (tmp_path / "导出.xlsx").write_bytes(r.content)
    back = read_register(tmp_path / "导出.xlsx")
    assert back.problems == []

    def key(a: Application) -> tuple[object, ...]:
        return (a.received, a.applicant, a.outcome, a.replied, a.extension, a.correction_sent, a.consulted)

    assert sorted(map(key, back.applications), key=repr) == sorted(map(key, imported), key=repr)


def test_the_annual_report_drafts_table_3_from_the_cases(driven) -> None:
    """Drafting (撰写) takes table 3 from the cases when no register is uploaded: the draft's
    table 3 is the cases' table 3 on 31 December."""
    c, _, _ = driven
    want = c.get("/api/cases/table3", params={"on": "2024-12-31", "agency": AGENCY}).json()["cells"]
    r = c.post(
        "/api/compose?format=json",
        headers={"X-CSRF-Token": c.cookies[CSRF_COOKIE]},
        files={"agency": (None, AGENCY), "year": (None, "2024"), "from_cases": (None, "1")},
    )
    assert r.status_code == 200, r.text
    t3 = r.json()["tables"]["applications"]
    assert {k: {c_: v for c_, v in row.items()} for k, row in t3.items()} == want


def test_cases_on_postgresql(tmp_path) -> None:
    """The same register on a real PostgreSQL server: 60 generated cases, table 3 and the due list."""
    from gongkai.store.pgtemp import create_database, pg_bindir, temporary_postgres

    if pg_bindir() is None:
        pytest.skip("PostgreSQL 未安装（找不到 initdb/pg_ctl；scripts/setup.sh 会安装 postgresql）")
    with temporary_postgres(durable=False) as server:
        c = _fresh(create_database(server, "cases"), tmp_path / "files")
        plans = plan_cases(7, 60)
        _drive(c, plans)
        got = c.get("/api/cases/table3", params={"on": "2024-12-31"}).json()["cells"]
        assert got == independent_table3([as_of(p, END) for p in plans], 2024, "v2021")
        assert c.get("/api/cases/due", params={"today": "2024-02-26"}).status_code == 200
        assert c.get("/cases").status_code == 200


def test_attachments_are_kept_with_the_case_and_only_its_region_sees_them(driven, tmp_path) -> None:
    c, _, ids = driven
    head = _head(c)
    cid = next(iter(ids))
    body = "申请书：请公开2023年道路维修资金使用情况。".encode()
    r = c.post(f"/api/cases/{cid}/attachments", headers=head, files={"file": ("../申请书.txt", body)})
    assert r.status_code == 201, r.text
    att = r.json()
    assert att["name"] == "申请书.txt"  # no folder part is kept
    listed = c.get(f"/api/cases/{cid}").json()["attachments"]
    assert [a["name"] for a in listed] == ["申请书.txt"]
    assert c.get(f"/api/cases/{cid}/attachments/{att['id']}").content == body
    empty = c.post(f"/api/cases/{cid}/attachments", headers=head, files={"file": ("空.txt", b"")})
    assert empty.status_code == 400 and "空文件" in empty.json()["detail"]
    # another region: the case and its files are not there
    from gongkai.store.cases import NewCase, register_case

    app = c.app  # type: ignore[attr-defined]
    with app.state.store.session() as s:
        other = register_case(s, NewCase("平潭综合实验区管委会", D(2024, 5, 6), "business"), None)
    r = c.post(f"/api/cases/{other}/attachments", headers=head, files={"file": ("x.txt", b"x")})
    assert r.status_code == 404
    assert c.get(f"/api/cases/{other}/attachments/{att['id']}").status_code == 404


def test_the_office_year_counts_its_cases(tmp_path) -> None:
    """The cases page's figures for the year so far, against the plan's own dates and the
    notices' working days: received, closed, closed within the period or after it, overdue."""
    c = _fresh(f"sqlite:///{tmp_path / 'y.db'}", tmp_path / "files")
    plans = plan_cases(99, 90)
    _drive(c, plans)
    from gongkai.compose.calendar import WorkCalendar
    from gongkai.store.cases import cases_of, office_year

    today = D(2024, 10, 14)
    with c.app.state.store.session() as s:  # type: ignore[attr-defined]
        got = office_year(cases_of(s, "沂源县"), WorkCalendar.load(), today)
    want = {"received": 0, "closed": 0, "on_time": 0, "late": 0}
    for p in plans:
        if p.received > today:
            continue
        want["received"] += p.received.year == 2024
        app = as_of(p, today)
        if app.replied is None or app.replied.year != 2024:
            continue
        want["closed"] += 1
        due = _due(p.received, [e for e in p.events if e["on"] <= app.replied], app.replied)  # type: ignore[operator]
        want["late" if due is not None and app.replied > due else "on_time"] += 1
    assert {k: got[k] for k in want} == want and want["late"] > 0
    due_now = c.get("/api/cases/due", params={"today": today.isoformat()}).json()["cases"]
    assert got["overdue"] == sum(1 for d in due_now if d["status"] == "overdue")
    page = c.get("/cases").text
    assert "超过法定期限" in page and "临近期限" in page
