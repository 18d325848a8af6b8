"""What registers write, mapped to the template's rows and columns: declared once, as data.

Each outcome row and applicant column of table 3 accepts its template label (with or without
its numbering and group, ``（三）不予公开 1.属于国家秘密``) and the wordings registers use
(``同意公开``, ``信息不存在``, ``律师事务所``). A value is matched after folding (full-width,
traditional characters), dropping spaces, punctuation and numbering; a value that matches
nothing is an error naming its row, never a guess.
"""

from __future__ import annotations

import re

from gongkai.model.template import APPLICANT_COLUMNS, V2021
from gongkai.model.text import fold

OUTCOME_WORDS: dict[str, tuple[str, ...]] = {
    "disclosed": ("公开", "予以公开", "同意公开", "全部公开", "已公开", "主动公开", "告知获取方式", "告知公开途径"),
    "partly_disclosed": ("部分公开", "部份公开", "区分处理", "部分予以公开"),
    "withheld_state_secret": ("国家秘密", "涉及国家秘密", "涉密"),
    "withheld_prohibited_by_law": ("法律法规禁止公开", "法律行政法规禁止公开", "其他法律行政法规禁止公开"),
    "withheld_security_stability": ("三安全一稳定", "危及三安全一稳定", "危及国家安全公共安全经济安全社会稳定"),
    "withheld_third_party": (
        "第三方合法权益",
        "保护第三方合法权益",
        "涉及第三方合法权益",
        "涉及个人隐私",
        "涉及商业秘密",
    ),
    "withheld_internal_affairs": ("内部事务信息", "三类内部事务信息", "内部事务"),
    "withheld_process_info": ("过程性信息", "四类过程性信息"),
    "withheld_enforcement_file": ("行政执法案卷", "执法案卷"),
    "withheld_query_matter": ("行政查询事项", "查询事项"),
    "unavailable_not_held": (
        "本机关不掌握相关政府信息",
        "不掌握",
        "本机关不掌握",
        "信息不存在",
        "政府信息不存在",
        "非本机关掌握",
        "不属于本机关公开",
    ),
    "unavailable_needs_creation": ("没有现成信息需要另行制作", "需要另行制作", "需另行制作", "另行制作"),
    "unavailable_unclear": ("补正后申请内容仍不明确", "补正后仍不明确", "内容不明确"),
    "not_processed_complaint": ("信访举报投诉类申请", "信访举报投诉", "信访", "举报投诉", "信访类"),
    "not_processed_duplicate": ("重复申请",),
    "not_processed_publication": ("要求提供公开出版物", "公开出版物"),
    "not_processed_excessive": ("无正当理由大量反复申请", "大量反复申请"),
    "not_processed_confirmation": ("要求行政机关确认或重新出具已获取信息", "确认或重新出具已获取信息", "重新出具"),
    "other_no_correction": ("申请人无正当理由逾期不补正", "逾期不补正", "未补正", "不补正"),
    "other_unpaid_fee": ("申请人逾期未按收费通知要求缴纳费用", "逾期未缴费", "逾期未缴纳费用", "未缴费"),
    "other_other": ("其他", "其他处理", "撤回", "申请人撤回", "撤回申请", "主动撤回"),
}
"""Wordings besides the template's label, per outcome row of the v2021 table 3."""

APPLICANT_WORDS: dict[str, tuple[str, ...]] = {
    "natural_person": ("自然人", "个人", "公民", "群众"),
    "business": ("商业企业", "企业", "公司", "法人"),
    "research": ("科研机构", "科研院所", "高校", "高等院校"),
    "public_interest": ("社会公益组织", "社会组织", "公益组织"),
    "legal_service": ("法律服务机构", "律师事务所", "律所", "律师"),
    "other_org": ("其他", "其他组织", "其他法人或其他组织"),
}

WITHDRAWN_ROW = "other_other"
"""An application withdrawn with no outcome written is closed as （六）3.其他."""

_NOISE = re.compile(r"[\s\"'“”‘’《》<>()（）\[\]【】:：,，。.、;；/\\|—\-_~·]")
_CN = "一二三四五六七八九十"
_NUMBERING = re.compile(rf"（[{_CN}]+）|\([{_CN}]+\)|[{_CN}]+、|[0-9]{{1,2}}[.、．]")


def normalise(value: str) -> str:
    """``（三）不予公开 1.属于国家秘密`` → ``不予公开属于国家秘密``."""
    text = _NUMBERING.sub("", fold(value))
    return _NOISE.sub("", text)


def _strip_group(label: str) -> str:
    return _NUMBERING.sub("", label)


def _outcome_table() -> dict[str, str]:
    spec = V2021.table("applications")
    out: dict[str, str] = {}
    keys = [r.key for r in spec.rows]
    outcomes = keys[keys.index("disclosed") : keys.index("processed_total")]
    for key in outcomes:
        row = spec.row(key)
        group = _strip_group(row.group or "") if row.group and not row.group.startswith("三、") else ""
        words = {row.label, *row.variants, *OUTCOME_WORDS.get(key, ())}
        for w in list(words):
            if group:
                words.add(group + w)
        for w in words:
            out.setdefault(normalise(w), key)
    # the v2019 single row and the group names alone are not outcomes: they name no row
    return out


def _applicant_table() -> dict[str, str]:
    out: dict[str, str] = {}
    for col in APPLICANT_COLUMNS[:-1]:
        for w in (col.label, *col.variants, *APPLICANT_WORDS.get(col.key, ())):
            out.setdefault(normalise(w), col.key)
            out.setdefault(normalise("法人或其他组织" + w), col.key)
    return out


OUTCOMES: dict[str, str] = _outcome_table()
APPLICANTS: dict[str, str] = _applicant_table()


def outcome_of(value: str) -> str | None:
    """The v2021 outcome row a register's wording names, or None."""
    return OUTCOMES.get(normalise(value))


def applicant_of(value: str) -> str | None:
    return APPLICANTS.get(normalise(value))


OUTCOME_CHOICES: dict[str, str] = {
    "disclosed": "予以公开",
    "partly_disclosed": "部分公开",
    "withheld_state_secret": "不予公开-属于国家秘密",
    "withheld_prohibited_by_law": "不予公开-其他法律行政法规禁止公开",
    "withheld_security_stability": "不予公开-危及“三安全一稳定”",
    "withheld_third_party": "不予公开-保护第三方合法权益",
    "withheld_internal_affairs": "不予公开-属于三类内部事务信息",
    "withheld_process_info": "不予公开-属于四类过程性信息",
    "withheld_enforcement_file": "不予公开-属于行政执法案卷",
    "withheld_query_matter": "不予公开-属于行政查询事项",
    "unavailable_not_held": "无法提供-本机关不掌握相关政府信息",
    "unavailable_needs_creation": "无法提供-没有现成信息需要另行制作",
    "unavailable_unclear": "无法提供-补正后申请内容仍不明确",
    "not_processed_complaint": "不予处理-信访举报投诉类申请",
    "not_processed_duplicate": "不予处理-重复申请",
    "not_processed_publication": "不予处理-要求提供公开出版物",
    "not_processed_excessive": "不予处理-无正当理由大量反复申请",
    "not_processed_confirmation": "不予处理-要求行政机关确认或重新出具已获取信息",
    "other_no_correction": "其他处理-申请人无正当理由逾期不补正",
    "other_unpaid_fee": "其他处理-申请人逾期未按收费通知要求缴纳费用",
    "other_other": "其他处理-其他",
}
"""The wording the template's drop-down list offers for each outcome (each one maps back)."""
APPLICANT_CHOICES: dict[str, str] = {c.key: c.label for c in APPLICANT_COLUMNS[:-1]}
