"""Chinese names for what the store keys: rules, tables, rows, columns, cells, severities."""

from __future__ import annotations

from functools import cache, lru_cache

from gongkai.model.template import SECTIONS, TEMPLATES, V2019, V2021

SEVERITY_NAMES = {"error": "错误", "warning": "警告", "info": "提示"}
VERDICT_NAMES = {"confirmed": "已确认", "dismissed": "已排除"}
TABLE_NAMES = {"active_disclosure": "表二", "applications": "表三", "appeals": "表四"}
SECTION_NAMES = {s.key: s.canonical for s in SECTIONS}
LEVEL_ORDER = ("省", "市", "县", "乡镇街道", "部门")


@cache
def rule_titles() -> dict[str, str]:
    from gongkai.checks import RULES, _load
    from gongkai.checks.across import ACROSS_RULES

    _load()
    out = {r.id: r.title for r in RULES.values()}
    out.update({r.id: r.title for r in ACROSS_RULES.values()})
    out.setdefault("aggregate_mismatch", "本级政府报告表三不小于所属部门之和")
    out["not_checkable"] = "无法核对（相关单元格缺失或读数不确定）"
    return out


def rule_title(rule: str) -> str:
    return rule_titles().get(rule, rule)


def row_label(table: str, row: str, template: str | None = None) -> str:
    for tpl in [TEMPLATES[template]] if template in TEMPLATES else [V2021, V2019]:
        spec = tpl.table(table)
        for r in (*spec.rows, *spec.alternates):
            if r.key == row:
                group = f"{r.group}·" if r.group else ""
                return f"{group}{r.numbering}{r.label}"
    return row.lstrip("+")


def column_label(table: str, col: str, template: str | None = None) -> str:
    for tpl in [TEMPLATES[template]] if template in TEMPLATES else [V2021, V2019]:
        try:
            return tpl.table(table).column(col).label
        except KeyError:
            continue
    return col


@lru_cache(maxsize=1 << 14)  # every cell of every report page and comparison asks
def cell_label(key: str, template: str | None = None) -> str:
    """``applications.received.total`` → ``表三 一、本年新收政府信息公开申请数量 · 总计``."""
    parts = key.split(".")
    if len(parts) == 3:
        t, r, c = parts
        if r.startswith("+"):
            return f"{TABLE_NAMES.get(t, t)} {r[1:]} · 第{int(c) + 1 if c.isdigit() else c}格"
        return f"{TABLE_NAMES.get(t, t)} {row_label(t, r, template)} · {column_label(t, c, template)}"
    return location_label(key, template)


@lru_cache(maxsize=1 << 14)
def location_label(location: str, template: str | None = None) -> str:
    """Where a finding is, in words: a cell, a column or row of a table, a section, the title."""
    parts = location.split(".")
    if parts[0] == "sections" and len(parts) == 2:
        return SECTION_NAMES.get(parts[1], parts[1])
    if parts[0] == "tables" and len(parts) == 2:
        return TABLE_NAMES.get(parts[1], parts[1])
    if len(parts) == 3 and parts[0] in TABLE_NAMES:
        return cell_label(location, template)
    if len(parts) == 2 and parts[0] in TABLE_NAMES:
        t, x = parts
        for tpl in [TEMPLATES[template]] if template in TEMPLATES else [V2021, V2019]:
            spec = tpl.table(t)
            if any(c.key == x for c in spec.columns):
                return f"{TABLE_NAMES[t]}“{column_label(t, x, template)}”列"
            if any(r.key == x for r in spec.rows):
                return f"{TABLE_NAMES[t]}“{row_label(t, x, template)}”行"
    named = {
        "title": "标题",
        "preamble": "报告开头",
        "signed_on": "落款日期",
        "published_on": "发布日期",
        "sections": "正文",
        "template": "模板",
    }
    if location in rule_titles():  # not_checkable findings name the rule they could not check
        return f"“{rule_title(location)}”"
    return named.get(location, location)
