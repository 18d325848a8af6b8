"""Drafting a report in the browser: ``gongkai compose`` as a form. The same inputs (a register
of applications, tables 2 and 4 as CSV/XLSX/JSON, the six sections' texts) are read by the same
functions, the draft is checked as it is typed, and written out as DOCX, HTML, Markdown or JSON.
Nothing is stored: a draft is the drafter's until it is published and uploaded."""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from dataclasses import dataclass, field
from typing import Any

from gongkai.analysis.compile import CompileError, find_agency, last_year_report
from gongkai.checks import run_checks
from gongkai.compose.draft import draft, last_year_note
from gongkai.compose.inputs import InputError, table_from_bytes
from gongkai.compose.register import Register, RegisterError, register_from_bytes
from gongkai.model.report import Finding, Report
from gongkai.model.template import SECTION_KEYS, SECTIONS, TEMPLATES, template_for_year
from gongkai.store import Store
from gongkai.store.accounts import Principal, in_scope
from gongkai.store.schema import Agency

DRAFT_FORMATS = {
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
    "html": ("text/html; charset=utf-8", "html"),
    "md": ("text/markdown; charset=utf-8", "md"),
    "json": ("application/json", "json"),
}
"""What a draft can be written as (PDF needs LibreOffice for seconds: the command line has it)."""
SECTION_NAMES = {s.key: s.canonical for s in SECTIONS}


@dataclass
class Upload:
    name: str
    data: bytes


@dataclass
class ComposeForm:
    agency: str
    year: int
    template: str | None = None
    signed_on: dt.date | None = None
    register: Upload | None = None
    table2: Upload | None = None
    table4: Upload | None = None
    sections: dict[str, str] = field(default_factory=dict)
    from_cases: bool = False
    """Table 3 from the agency's cases in the app (when no register is uploaded)."""


@dataclass
class Composed:
    report: Report | None
    notes: list[str] = field(default_factory=list)
    """What was filled in from where, and what is still to do."""
    problems: list[str] = field(default_factory=list)
    """Inputs that could not be read, or register rows that could not count (with the row)."""
    findings: list[Finding] = field(default_factory=list)

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == "error") + len(self.problems)


def _safe_name(name: str, fallback: str) -> str:
    """The uploaded file's own name, without any folder part (it only names the file)."""
    return os.path.basename(name.replace("\\", "/")) or fallback


def _read_inputs(form: ComposeForm, template: str) -> tuple[Register | None, Any, Any, list[str]]:
    """The uploads, read by the command line's readers; messages name the uploaded file."""
    problems: list[str] = []
    reg = t2 = t4 = None
    tpl = TEMPLATES[template]
    if form.register is not None:
        name = _safe_name(form.register.name, "台账.xlsx")
        try:
            reg = register_from_bytes(form.register.data, name)
            problems += [p.describe(name) for p in reg.problems]
        except RegisterError as e:
            problems.append(str(e))
    for key, up in (("active_disclosure", form.table2), ("appeals", form.table4)):
        if up is None:
            continue
        try:
            cells = table_from_bytes(up.data, _safe_name(up.name, f"{key}.csv"), tpl, key)
        except InputError as e:
            problems.append(str(e))
            continue
        if key == "active_disclosure":
            t2 = cells
        else:
            t4 = cells
    return reg, t2, t4, problems


def _last_year(store: Store, p: Principal, agency: str, year: int) -> Report | None:
    """Last year's report of the agency, when the user may see it (else as if there were none)."""
    with store.session() as s:
        try:
            agency_id, _ = find_agency(s, agency)
        except CompileError:
            return None
        row = s.get(Agency, agency_id)
        if row is None or not in_scope(row.region, p.region):
            return None
        return last_year_report(s, agency, year - 1)


def _register_of_cases(store: Store, p: Principal, agency: str, year: int) -> Register:
    """The agency's cases (within the user's region) as the register stood at the year's end."""
    from gongkai.compose.cases import applications
    from gongkai.store.cases import cases_of

    with store.session() as s:
        cases = cases_of(s, p.region, agency)
    return Register("依申请案件", applications(cases, dt.date(year, 12, 31)), [], len(cases))


def compose(store: Store, p: Principal, form: ComposeForm) -> Composed:
    """The draft of ``form``, checked. Inputs that cannot be read are listed, never guessed."""
    agency = form.agency.strip()
    if not agency:
        return Composed(None, problems=["请填写机关名称"])
    tpl = TEMPLATES.get(form.template or "") or template_for_year(form.year)
    if tpl is None:
        return Composed(None, problems=[f"{form.year} 年没有统一的报告格式（2019 年起才有）"])
    reg, t2, t4, problems = _read_inputs(form, tpl.version)
    cases_note = None
    if reg is None and form.from_cases:
        reg = _register_of_cases(store, p, agency, form.year)
        cases_note = f"表三由「依申请」中登记的 {len(reg.applications)} 件申请生成（截至 {form.year} 年 12 月 31 日）"
    last = _last_year(store, p, agency, form.year)
    sections = {k: v.strip() for k, v in form.sections.items() if k in SECTION_KEYS and v.strip()}
    d = draft(
        agency=agency,
        year=form.year,
        register=reg,
        table2=t2,
        table4=t4,
        sections=sections,
        last=last,
        template=tpl.version,
        signed_on=form.signed_on or dt.date.today(),
    )
    notes = [last_year_note(form.year, last), *([cases_note] if cases_note else [])]
    d.report.findings = run_checks(d.report)
    return Composed(d.report, notes + d.notes, problems, d.report.findings)


def written(report: Report, fmt: str) -> bytes:
    """The draft as a file of ``fmt`` (see ``DRAFT_FORMATS``)."""
    if fmt == "json":
        return json.dumps(report.to_json(provenance=False), ensure_ascii=False, indent=2).encode("utf-8")
    from gongkai.render import render_file

    with tempfile.TemporaryDirectory(prefix="gongkai-draft-") as d:
        path = os.path.join(d, "draft." + DRAFT_FORMATS[fmt][1])
        render_file(report, path, fmt)
        with open(path, "rb") as f:
            return f.read()
