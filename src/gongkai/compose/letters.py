"""Letters to applicants (答复书 and 告知书): one typed text per outcome and notice, filled from a
case. The office may rewrite each text in the app; the fields in braces (``{申请人}``) are
filled from the case, an unknown field is left as written so that the office sees it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from gongkai.model.template import V2021

ROW_LABELS = {r.key: r.label for r in V2021.table("applications").rows}
"""Table 3's row labels as the template declares them (no numbering), by row key."""


def row_label(outcome: str) -> str:
    """The outcome's label without its note (``部分公开（区分处理的，…）`` → ``部分公开``)."""
    return ROW_LABELS.get(outcome, outcome).split("（")[0]


OPENING = "{申请人}：\n本机关于{收到日期}收到您提出的政府信息公开申请（{申请内容}）。"
CLOSING = "如对本答复不服，可以自收到本答复之日起六十日内依法申请行政复议，或者六个月内依法提起行政诉讼。"
GROUNDS = {
    "withheld_state_secret": "属于国家秘密",
    "withheld_prohibited_by_law": "属于法律、行政法规禁止公开的信息",
    "withheld_security_stability": "公开后可能危及国家安全、公共安全、经济安全、社会稳定",
    "withheld_third_party": "涉及第三方合法权益，第三方不同意公开且不公开不会对公共利益造成重大影响",
    "withheld_internal_affairs": "属于行政机关的内部事务信息",
    "withheld_process_info": "属于行政机关在履行行政管理职能过程中形成的过程性信息",
    "withheld_enforcement_file": "属于行政执法案卷信息",
    "withheld_query_matter": "属于行政查询事项，可通过相应的查询渠道获取",
}
_LAW = "根据《中华人民共和国政府信息公开条例》的规定"
BODIES: dict[str, str] = {
    "disclosed": "经审查，您申请的信息属于公开范围，现予以公开，随本答复书一并提供（或告知您获取的方式和途径）。",
    "partly_disclosed": (
        "经审查，您申请的信息中部分内容可以公开，现将可以公开的部分提供给您；其余部分{不公开理由}，不予公开。"
    ),
    **{k: f"经审查，您申请的信息{v}，{_LAW}，决定不予公开。" for k, v in GROUNDS.items()},
    "unavailable_not_held": "经查，本机关未制作或获取您申请的信息，该信息不存在。",
    "unavailable_needs_creation": (
        "经查，您申请的信息需要本机关对现有政府信息进行加工、分析后方能形成，本机关不予提供。"
    ),
    "unavailable_unclear": "本机关已告知您补正申请，补正后申请内容仍不明确，无法确定您申请的信息，本机关无法提供。",
    "not_processed_complaint": (
        "您的申请实为信访、投诉、举报事项，不属于政府信息公开申请，"
        "本机关不作为政府信息公开申请处理，请通过相应渠道提出。"
    ),
    "not_processed_duplicate": "您已就相同内容提出过申请，本机关已作出答复，对您的重复申请不予重复处理。",
    "not_processed_publication": "您申请的信息属于公开出版物，请通过公开出版渠道获取，本机关不予处理。",
    "not_processed_excessive": "您的申请数量、频次明显超过合理范围，且未说明理由（或理由不合理），本机关不予处理。",
    "not_processed_confirmation": (
        "您申请行政机关确认或重新出具已获取的信息，不属于政府信息公开申请，本机关不予处理。"
    ),
    "other_other": "您的申请本机关已按其他方式处理：{处理情况}。",
}
NOTICES: dict[str, tuple[str, str]] = {
    "correction_requested": (
        "补正申请告知书",
        "您的申请内容不明确，请于收到本告知书之日起十五个工作日内补正，写明所需信息的名称、文号或者便于查询的其他特征性描述。"
        "无正当理由逾期不补正的，视为放弃申请，本机关不再处理该申请。答复期限自本机关收到补正的申请之日起计算。",
    ),
    "extended": (
        "延期答复告知书",
        "因{延期理由}，本机关不能在二十个工作日内作出答复，经本机关政府信息公开工作机构负责人同意，"
        "答复期限延长{延长天数}个工作日，至{答复期限}。",
    ),
    "fee_notice": (
        "收费通知书",
        "您的申请数量、频次明显超过合理范围，本机关依照《政府信息公开信息处理费管理办法》收取信息处理费{收费金额}元。"
        "请于收到本通知之日起二十个工作日内缴纳，逾期未缴纳的，视为放弃申请，本机关不再处理该申请。答复期限自缴纳费用之日起继续计算。",
    ),
}


@dataclass(frozen=True)
class LetterKind:
    key: str
    title: str
    default: str
    """The text the office starts from (opening, body, closing)."""


def letter_kinds() -> dict[str, LetterKind]:
    out = {}
    for key, body in BODIES.items():
        text = "\n".join((OPENING, body, CLOSING))
        out[key] = LetterKind(key, f"政府信息公开申请答复书（{row_label(key)}）", text)
    for key, (title, body) in NOTICES.items():
        out[key] = LetterKind(key, title, "\n".join((OPENING, body)))
    return out


LETTER_KINDS = letter_kinds()


_FIELD = re.compile(r"\{([^{}\n]+)\}")


def fill(text: str, fields: dict[str, str]) -> str:
    """``text`` with its ``{字段}`` filled from ``fields``; others kept as written."""
    return _FIELD.sub(lambda m: fields.get(m.group(1), m.group(0)), text)
