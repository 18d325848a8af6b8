"""End to end in a real headless Chromium (Debian's package, driven by Playwright) against a
real ``gongkai serve`` on a temporary database: a reviewer's day from login to the
rectification notice. Every page is saved as a screenshot under ``bench/out/screens/``.

One test walks the whole flow (each step needs the previous one's data), ending with the
pages read with JavaScript disabled.
"""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

import pytest

from conftest import CORPUS, ROOT, SEEDS
from web_support import CHROMIUM, CHROMIUM_ARGS, PASSWORD, serve

SCREENS = Path(os.environ.get("GONGKAI_SCREENS", ROOT / "bench" / "out" / "screens"))
VIEWPORT = {"width": 1366, "height": 768}
JOB_TIMEOUT_MS = 180_000


@pytest.fixture(scope="module")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} 未安装（scripts/setup.sh 会安装 Debian 的 chromium）")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    if not SEEDS.is_dir() or not CORPUS.is_dir():
        pytest.skip(f"shared documents not found at {SEEDS.parent} (set GONGKAI_SHARED)")
    with serve(tmp_path_factory.mktemp("web")) as base:
        yield base


def shot(page, name: str, full: bool = True) -> None:
    """Save the page (``full=False``: what the window shows, e.g. a cell beside its source)."""
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS / f"{name}.png"), full_page=full)
    # usable at 1366×768: nothing runs off the side of the page
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= VIEWPORT["width"], f"{name}: page is {width}px wide"


def login(page, base: str, user: str = "admin") -> None:
    page.goto(f"{base}/login")
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/reports"))


def report_id(page, base: str, agency: str, year: int) -> int:
    page.goto(f"{base}/reports?agency={agency}&year={year}")
    href = page.locator("table.list tbody a").first.get_attribute("href")
    assert href and href.startswith("/reports/")
    return int(href.rsplit("/", 1)[-1])


def wait_job_done(page) -> None:
    page.wait_for_selector("#job.status-done, #job.status-failed", timeout=JOB_TIMEOUT_MS)
    assert page.locator("#job.status-done").count() == 1, page.locator("#job").inner_text()


def test_reviewer_workflow(browser, server, tmp_path):
    from docx import Document
    from openpyxl import load_workbook

    base = server
    ctx = browser.new_context(viewport=VIEWPORT, accept_downloads=True, locale="zh-CN")
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

    page.goto(f"{base}/reports")
    assert "/login" in page.url
    shot(page, "01-login")
    login(page, base)

    # upload the seeds and the corpus; parsing runs in the worker, the page shows progress
    page.goto(f"{base}/upload")
    files = sorted(str(p) for p in SEEDS.iterdir()) + sorted(str(p) for p in CORPUS.iterdir())
    page.set_input_files("#files", files)
    assert "已选择" in page.inner_text("#chosen")
    shot(page, "02-upload")
    page.click("button.primary")
    page.wait_for_url(re.compile(r"/jobs/\d+"))
    assert page.locator("progress").count() == 1
    wait_job_done(page)
    results = page.locator("table.results tbody tr")
    assert results.count() == len(files)
    stored = page.locator("table.results tr.r-stored").count()
    failed = page.locator("table.results tr.r-failed")
    assert stored == len(files) - failed.count() >= 13
    for i in range(failed.count()):  # a file that is not a report says why
        assert "不是政府信息公开工作年度报告" in failed.nth(i).inner_text()
    shot(page, "03-job")

    page.goto(f"{base}/reports")
    assert page.locator("table.list tbody tr").count() == stored
    shot(page, "04-reports")

    # a report with errors: every finding sits at its cell, numbered like its badge
    rid = report_id(page, base, "平潭", 2020)
    page.goto(f"{base}/reports/{rid}")
    table_findings = page.locator(".tablewrap .finding")
    assert table_findings.count() >= 2
    for i in range(table_findings.count()):
        f = table_findings.nth(i)
        number = f.locator(".fnum").inner_text()
        cell = f.locator("a.where").get_attribute("href")
        assert cell and cell.startswith("#cell-")
        td = page.locator(f'[id="{cell[1:]}"]')
        assert td.locator("a.fb", has_text=number).count() == 1
        assert "has-error" in (td.get_attribute("class") or "")
    shot(page, "05-report-errors")

    # click a number: its source line, with the number marked
    td = page.locator('[id="cell-applications.processed_total.natural_person"]')
    value = td.locator("a.num").inner_text()
    td.locator("a.num").click()
    page.wait_for_selector("#source-panel #source-view")
    assert page.locator("#source-panel .line.hit mark.cell").inner_text() == value
    shot(page, "06-source-text", full=False)

    # a PDF report: the page image cropped to the cell, drawn now
    pdf = report_id(page, base, "洪泽区", 2023)
    page.goto(f"{base}/reports/{pdf}")
    page.locator('[id="cell-appeals.review.total"] a.num').click()
    img = page.wait_for_selector("#source-panel img.crop")
    for _ in range(100):  # the page's CSP allows no eval, so poll rather than wait_for_function
        if img.evaluate("i => i.complete && i.naturalWidth > 0"):
            break
        page.wait_for_timeout(100)
    assert img.evaluate("i => i.naturalHeight") > 50
    shot(page, "07-source-pdf", full=False)

    # dismiss a finding, parse the report again, the verdict stays
    page.goto(f"{base}/reports/{rid}")
    first = page.locator(".tablewrap .finding").first
    where = first.locator("a.where").inner_text()
    first.locator("input[name=comment]").fill("与原件核对无误，系模板理解差异")
    first.locator("button.dismiss").click()
    page.wait_for_selector(".tablewrap .finding.verdict-dismissed")
    page.click("text=重新解析")
    page.wait_for_url(re.compile(r"/jobs/\d+"))
    wait_job_done(page)
    page.goto(f"{base}/reports/{rid}")
    kept = page.locator(".tablewrap .finding.verdict-dismissed")
    assert kept.count() == 1
    assert kept.locator("a.where").inner_text() == where
    assert "与原件核对无误" in kept.inner_text()
    shot(page, "08-dismissed-after-reparse")

    # compare two pingtan years
    new = report_id(page, base, "平潭", 2022)
    page.goto(f"{base}/reports/{new}")
    page.click("text=与上年比较")
    page.wait_for_url(re.compile(r"/compare"))
    assert "2021" in page.inner_text("h1") and "2022" in page.inner_text("h1")
    assert page.locator("tr.st-changed").count() > 0
    assert page.locator(".sim").count() >= 3
    assert page.locator("mark.shared").count() > 0
    shot(page, "09-compare")

    # the dashboard, and the data behind a chart
    page.goto(f"{base}/dashboard?year=2024")
    assert page.locator("svg.chart").count() >= 3
    with page.expect_download() as dl:
        page.click("#chart-outcomes a:has-text('下载数据')")
    csv_text = Path(dl.value.path()).read_text(encoding="utf-8-sig")
    assert csv_text.startswith("办理结果,件数,占比") and "予以公开" in csv_text
    shot(page, "10-dashboard")

    # the findings list, its XLSX, and a rectification notice
    page.goto(f"{base}/findings")
    assert page.locator(".group").count() >= 3
    shot(page, "11-findings")
    with page.expect_download() as dl:
        page.click("text=导出 XLSX")
    wb = load_workbook(io.BytesIO(Path(dl.value.path()).read_bytes()))
    cells = [str(v) for row in wb["问题清单"].iter_rows(values_only=True) for v in row if v]
    assert any("平潭综合实验区" in c for c in cells)
    assert not any("与原件核对无误" in c for c in cells)  # a dismissed finding is not open
    group = page.locator(".group", has=page.locator("h2", has_text="洪泽区"))
    with page.expect_download() as dl:
        group.locator("a:has-text('整改通知')").first.click()
    doc = Document(dl.value.path())
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "整改通知" in text and "洪泽区" in text and "表四" in text
    # the report's own data
    page.goto(f"{base}/reports/{rid}")
    with page.expect_download() as dl:
        page.click("text=下载 XLSX")
    data = Path(dl.value.path()).read_bytes()
    names = load_workbook(io.BytesIO(data)).sheetnames
    assert {"概况", "表三", "问题", "单元格"} <= set(names)

    page.goto(f"{base}/docs")
    page.wait_for_selector(".opblock", timeout=30_000)
    shot(page, "12-api-docs")
    assert not [e for e in errors if "Content Security Policy" in e], errors
    ctx.close()
    read_without_javascript(browser, base, rid)


def read_without_javascript(browser, base: str, rid: int) -> None:
    """Lists, the report page, a number's source and the findings read with JavaScript off."""
    ctx = browser.new_context(viewport=VIEWPORT, java_script_enabled=False)
    page = ctx.new_page()
    login(page, base)
    assert page.locator("table.list tbody tr").count() >= 13
    page.goto(f"{base}/reports/{rid}")
    assert page.locator("table.tpl").count() == 3
    assert page.locator(".finding").count() >= 2
    page.locator('[id="cell-applications.processed_total.natural_person"] a.num').click()
    page.wait_for_selector("#source-view .line.hit")  # the source opens as a page of its own
    shot(page, "13-nojs-source")
    page.goto(f"{base}/findings")
    assert page.locator(".group").count() >= 3
    shot(page, "14-nojs-findings")
    ctx.close()


REGISTER = (
    "申请编号,收到申请日期,申请人类型,办理结果,答复日期\n"
    "B1,2024-02-20,自然人,予以公开,2024-03-05\n"
    "B2,2024-04-08,自然人,本机关不掌握相关政府信息,2024-04-19\n"
    "B3,2024-09-02,科研机构,部分公开,2024-09-20\n"
    "B4,2024-12-26,社会公益组织,,\n"
    "B5,2024-07-01,机器人,予以公开,2024-07-03\n"
)


def test_drafting_a_report_with_live_checks(browser, server, tmp_path):
    """An agency drafts its report: the register becomes table 3 as it is chosen, a row the
    register cannot count is named, the checks follow the typing, and the DOCX reads back."""
    from gongkai.parse import parse_document
    from gongkai.readers import read

    base = server
    register = tmp_path / "台账.csv"
    register.write_text(REGISTER, encoding="utf-8-sig")
    ctx = browser.new_context(viewport=VIEWPORT, accept_downloads=True)
    page = ctx.new_page()
    login(page, base)
    page.click("nav a:has-text('撰写')")
    page.wait_for_url(re.compile(r"/compose$"))
    page.fill("input[name=agency]", "某县统计局")
    page.fill("input[name=year]", "2024")
    page.set_input_files("input[name=register]", str(register))
    page.wait_for_selector("#compose-result .compose-t3")  # checked without pressing anything
    result = page.locator("#compose-result")
    assert "机器人" in result.inner_text() and "第 6 行" in result.inner_text()
    received = page.locator(".compose-t3 tr", has_text="本年新收").locator("td").inner_text()
    assert received.strip() == "4"
    assert "缺少第一部分的正文" in result.inner_text()
    page.fill("textarea[name=section_overview]", "2024年，本局认真贯彻落实《中华人民共和国政府信息公开条例》。")
    sync_api = pytest.importorskip("playwright.sync_api")
    sync_api.expect(result).not_to_contain_text("缺少第一部分的正文", timeout=10_000)
    shot(page, "15-compose")
    page.select_option("select[name=format]", "docx")
    with page.expect_download() as dl:
        page.click("#compose-download")
    path = tmp_path / "草稿.docx"
    Path(dl.value.path()).replace(path)
    back = parse_document(read(str(path)))
    assert back.agency == "某县统计局" and back.year == 2024
    t3 = back.tables["applications"] or {}
    assert (t3["received"] or {})["total"].value == 4 and (t3["carried_forward"] or {})["total"].value == 1
    ctx.close()


def _t3_total(page, base: str, row: str) -> int:
    page.goto(f"{base}/cases/table3?on=2024-12-31")
    return int(page.locator(f"#cases-t3 tr:has(th:text-is('{row}'))").locator("td").last.inner_text())


def test_a_case_registered_worked_and_answered_moves_table_3(browser, server, tmp_path):
    """An office registers an application, asks for a correction, receives it, extends the
    period, replies with the generated letter, and table 3 follows."""
    from docx import Document

    base = server
    ctx = browser.new_context(viewport=VIEWPORT, accept_downloads=True, locale="zh-CN")
    page = ctx.new_page()
    login(page, base)
    disclosed, forward = _t3_total(page, base, "予以公开"), _t3_total(page, base, "结转下年度继续办理")
    page.click("nav a:has-text('依申请')")
    page.wait_for_url(re.compile(r"/cases$"))
    form = page.locator("#register-case")
    form.locator("input[name=agency]").fill("沂源县人民政府办公室")
    form.locator("input[name=received]").fill("2024-03-04")
    form.locator("select[name=applicant]").select_option("natural_person")
    form.locator("input[name=applicant_name]").fill("王某")
    form.locator("input[name=subject]").fill("2023年道路维修资金使用情况")
    shot(page, "16-cases")
    form.locator("button").click()
    page.wait_for_url(re.compile(r"/cases/\d+$"))
    assert page.locator("#case-due").inner_text() == "2024-04-01"
    assert _t3_total(page, base, "结转下年度继续办理") == forward + 1
    page.go_back()

    def step(kind: str, on: str, **extra: str) -> None:
        ev = page.locator("#case-event")
        ev.locator("select[name=kind]").select_option(kind)
        ev.locator("input[name=on]").fill(on)
        for name, value in extra.items():
            if name == "outcome":
                ev.locator("select[name=outcome]").select_option(value)
            else:
                ev.locator(f"input[name={name}]").fill(value)
        ev.locator("button").click()
        page.wait_for_load_state()

    case_url = page.url
    page.goto(case_url)
    form_file = tmp_path / "申请书.txt"
    form_file.write_text("请公开2023年道路维修资金使用情况。", encoding="utf-8")
    page.set_input_files("#case-attach input[name=file]", str(form_file))
    page.locator("#case-attach button").click()
    page.wait_for_load_state()
    assert "申请书.txt" in page.locator("#attachments").inner_text()
    step("correction_requested", "2024-03-06")
    assert page.locator("#case-state").inner_text() == "待补正"
    step("correction_received", "2024-03-11")
    step("extended", "2024-03-20", days="10")
    # 20 working days from 11 March, then 10 more
    assert page.locator("#case-due").inner_text() == "2024-04-23"
    # the office words its reply letter its own way, in the app
    page.goto(f"{base}/cases/letters")
    box = page.locator("form#disclosed textarea")
    box.fill(box.input_value().replace("现予以公开", "现予以公开（本办公室用语）"))
    page.locator("form#disclosed button").click()
    page.wait_for_url(re.compile(r"saved=disclosed"))
    shot(page, "19-case-letters", full=False)
    page.goto(case_url)
    step("replied", "2024-04-10", outcome="disclosed")
    assert page.locator("#case-state").inner_text() == "已办结"
    shot(page, "17-case")
    with page.expect_download() as dl:
        page.click("#letters a:has-text('答复书')")
    letter = "\n".join(p.text for p in Document(dl.value.path()).paragraphs)
    assert "王某：" in letter and "现予以公开（本办公室用语）" in letter and "2024年4月10日" in letter
    assert _t3_total(page, base, "予以公开") == disclosed + 1
    assert _t3_total(page, base, "结转下年度继续办理") == forward
    shot(page, "18-cases-table3")
    # the cell names its cases: ours among them
    page.goto(f"{base}/cases/table3?on=2024-12-31")
    page.locator("#cases-t3 tr:has(th:text-is('予以公开'))").locator("td a").last.click()
    page.wait_for_url(re.compile(r"/cases/table3/cell"))
    assert "2023年道路维修资金使用情况" in page.locator("#cell-cases").inner_text()
    ctx.close()
