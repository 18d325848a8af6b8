"""Section prose built from varied sentence templates, with the tables' numbers in it.

``facts`` are the numbers the text states (key → value); a planted narrative mismatch
passes ``lies`` whose values replace the table's number in the sentence.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from gongkai.model.report import TableCells
from gongkai.model.template import Template, outcome_rows
from gongkai.model.text import chinese_numeral
from gongkai.testing.names import Agency

Facts = dict[str, int]


def _v(table: TableCells | None, row: str, col: str) -> int:
    if not table or not table.get(row):
        return 0
    cells = table[row]
    assert cells is not None
    c = cells.get(col)
    return int(c.value) if c is not None and c.value is not None else 0


def table_facts(t: Template, tables: dict[str, TableCells | None]) -> Facts:
    """The numbers a report's text usually states, taken from its tables."""
    apps = tables.get("applications")
    appeals = tables.get("appeals")
    active = tables.get("active_disclosure")
    rows = outcome_rows(t.table("applications"))

    def group(prefix: str) -> int:
        return sum(_v(apps, r, "total") for r in rows if r.startswith(prefix))

    issued_col = "issued" if t.version == "v2021" else "made"
    return {
        "received": _v(apps, "received", "total"),
        "carried_over": _v(apps, "carried_over", "total"),
        "processed": _v(apps, "processed_total", "total"),
        "carried_forward": _v(apps, "carried_forward", "total"),
        "disclosed": _v(apps, "disclosed", "total"),
        "partly_disclosed": _v(apps, "partly_disclosed", "total"),
        "withheld": group("withheld_"),
        "unavailable": group("unavailable_"),
        "not_processed": group("not_processed_"),
        "review": _v(appeals, "review", "total"),
        "litigation": _v(appeals, "litigation_direct", "total") + _v(appeals, "litigation_after_review", "total"),
        "normative_issued": _v(active, "normative_documents", issued_col),
    }


_PARTS = (
    ("（一）主动公开", "1.主动公开方面"),
    ("（二）依申请公开", "2.依申请公开方面"),
    ("（三）政府信息管理", "3.政府信息管理方面"),
    ("（四）政府信息公开平台建设", "4.平台建设方面"),
    ("（五）监督保障", "5.监督保障方面"),
)
"""The five parts of section 一, in the two numbering styles reports use."""
_MEASURES = (
    "进一步健全工作机制，明确专人负责信息发布审核",
    "严格落实“三审三校”制度，规范信息发布流程",
    "坚持“以公开为常态、不公开为例外”，做到应公开尽公开",
    "加强政策解读，通过图解、视频等方式解读政策文件",
    "完善政府信息公开目录，及时更新过期信息",
    "强化保密审查，确保公开信息不涉及国家秘密和个人隐私",
)
_PROBLEMS = (
    "政策解读形式较为单一，解读深度有待加强",
    "部分信息更新不够及时，公开内容的完整性有待提升",
    "工作人员业务能力参差不齐，培训力度还需加大",
    "政务新媒体互动回应不够及时",
)
_IMPROVEMENTS = (
    "丰富解读形式，提高政策解读质量",
    "建立信息更新台账，定期开展自查",
    "加强业务培训，提升工作人员能力",
    "完善政务新媒体管理制度，及时回应群众关切",
)


CHINESE_NUMERAL_SHARE = 0.1
"""Share of reports that write small counts in Chinese numerals (``收到申请十二件``)."""


def spoken(rng: random.Random, f: Facts) -> dict[str, str]:
    """The facts as one report writes them: digits, or (some reports) Chinese numerals for
    counts under 100."""
    chinese = rng.random() < CHINESE_NUMERAL_SHARE
    return {k: chinese_numeral(v) if chinese and 0 < v < 100 else str(v) for k, v in f.items()}


@dataclass(frozen=True)
class Variants:
    """Ways of stating the numbers that real reports use, drawn apart from the sentence
    templates (so the reports drawn before they existed stay as they were)."""

    outcomes_summed: bool = False
    """``予以公开及部分公开N件``: one number for the two rows."""
    received_with_carried: bool = False
    """``共受理申请N件（其中上年结转M件）``: N counts last year's carried-over ones too."""
    denial: bool = False
    """``未发生…被行政复议纠错或行政诉讼败诉的情况``: no corrected case, which is no count of all
    cases (true only where no review or suit was corrected)."""
    fee_in_words: bool = False
    """The fee statement without the fee's name: ``无向申请人收取政府信息公开费用的情况``."""
    attributes: bool = False
    """``制发公文N条，其中主动公开A条、依申请公开B条、不予公开C条``: documents by how each is to be
    disclosed, in section 一's part on managing information; its 不予公开 is no application."""


_BOTH_OUTCOMES = re.compile(r"予以公开\{disclosed\}件[，、]部分公开\{partly_disclosed\}件")
RECEIVED_WITH_CARRIED = "本年度共受理政府信息公开申请{received_and_carried}件（其中上年结转{carried_over}件）。"
DENIAL = "本年度未发生因政府信息公开被行政复议纠错或行政诉讼败诉的情况。"


def _applications_sentence(rng: random.Random, f: Facts, v: Variants = Variants()) -> str:
    if f["received"] == 0 and f["carried_over"] == 0:
        return rng.choice(
            ("本年度未收到政府信息公开申请。", "全年没有收到政府信息公开申请。", "本年度共收到政府信息公开申请0件。")
        )
    head = rng.choice(
        (
            "本年度共收到政府信息公开申请{received}件，上年结转{carried_over}件。",
            "全年新收政府信息公开申请{received}件，另有上年结转申请{carried_over}件。",
            "{year}年共受理政府信息公开申请{received}件，上年结转{carried_over}件。",
            "依申请公开方面，本年度新收申请{received}件，上年结转{carried_over}件。",
        )
    )
    body = rng.choice(
        (
            "已办结{processed}件，其中予以公开{disclosed}件，部分公开{partly_disclosed}件，不予公开{withheld}件，"
            "无法提供{unavailable}件，不予处理{not_processed}件；结转下年度继续办理{carried_forward}件。",
            "办理结果为：予以公开{disclosed}件，部分公开{partly_disclosed}件，无法提供{unavailable}件，"
            "不予公开{withheld}件，不予处理{not_processed}件，共办结{processed}件，结转下年度继续办理{carried_forward}件。",
            "截至年底办结{processed}件（予以公开{disclosed}件、部分公开{partly_disclosed}件、不予公开{withheld}件、"
            "无法提供{unavailable}件、不予处理{not_processed}件），另有{carried_forward}件结转下年度继续办理。",
        )
    )
    if v.received_with_carried:
        head = RECEIVED_WITH_CARRIED
    if v.outcomes_summed:
        body = _BOTH_OUTCOMES.sub("予以公开及部分公开{disclosed_and_partly}件", body)
    return head + body


def _stated(rng: random.Random, f: Facts) -> dict[str, str]:
    """The facts as the text writes them, with the sums some sentences state."""
    return spoken(
        rng,
        {
            **f,
            "received_and_carried": f["received"] + f["carried_over"],
            "disclosed_and_partly": f["disclosed"] + f["partly_disclosed"],
        },
    )


def _attributes(items: int, f: Facts) -> str:
    """Documents by disclosure attribute; numbers from the report's own (no draw of the
    sentence generator, so that other reports stay as they were), the 不予公开 one never the
    table's withheld total."""
    public, on_request, withheld = items // 4 + 3, items % 9 + 2, f["withheld"] + items % 5 + 1
    total = public + on_request + withheld
    return (
        f"全年制发公文类政府信息{total}条，其中主动公开{public}条、依申请公开{on_request}条、不予公开{withheld}条。",
        f"全年共制发政府信息{total}条，其中，主动公开政府信息{public}条"
        f"（涵盖政策文件类{public // 2}条、其他{public - public // 2}条）、"
        f"依申请公开{on_request}条、不予公开{withheld}条。",
        f"全年共制作政府信息（文件）{total}份，其中主动公开{public}份、依申请公开及不予公开{on_request + withheld}份。",
        f"制作、获取政府信息总数{total}条，其中主动公开政府信息{public}条，依申请公开信息数{on_request}条，"
        f"不予公开信息数{withheld}条。",
        f"全年印发公文类政府信息共{total}条，其中主动公开信息数{public}，依申请公开信息数{on_request}条，不予公开{withheld}条。",
    )[items % 5]


def overview(rng: random.Random, agency: Agency, year: int, f: Facts, items: int, v: Variants = Variants()) -> str:
    style = rng.randrange(2)
    parts = [
        rng.choice(
            (
                f"{year}年，{agency.name}深入贯彻落实《中华人民共和国政府信息公开条例》，{rng.choice(_MEASURES)}，"
                "政府信息公开工作取得新进展。",
                f"{year}年，我单位坚持以人民为中心，{rng.choice(_MEASURES)}，扎实推进政务公开各项工作。",
            )
        ),
        _PARTS[0][style],
        f"全年通过政府网站主动公开政府信息{items}条，{rng.choice(_MEASURES)}。",
        _PARTS[1][style],
        _applications_sentence(rng, f, v).format(year=year, **_stated(rng, f)),
        _PARTS[2][style],
        "，".join(rng.sample(_MEASURES, 2)) + "。" + (_attributes(items, f) if v.attributes else ""),
        _PARTS[3][style],
        f"依托{agency.place}政府门户网站和政务新媒体发布信息，{rng.choice(_MEASURES)}。",
        _PARTS[4][style],
        f"开展政务公开培训{rng.randint(1, 6)}次，{rng.choice(_MEASURES)}。",
    ]
    return "\n".join(parts)


def active(rng: random.Random, f: Facts) -> str:
    """Sections 二–四 are often only their table: their text is then empty (present)."""
    if rng.random() < 0.5:
        return ""
    return rng.choice(
        ("本年度制发规范性文件{normative_issued}件。", "全年共制发行政规范性文件{normative_issued}件，均已按规定公开。")
    ).format(**f)


def applications(rng: random.Random, f: Facts, year: int, force: bool = False, v: Variants = Variants()) -> str:
    if rng.random() < 0.5 and not force:
        return ""
    return _applications_sentence(rng, f, v).format(year=year, **_stated(rng, f))


def appeals(rng: random.Random, f: Facts, v: Variants = Variants()) -> str:
    if rng.random() < 0.4:
        return DENIAL if v.denial else ""
    if f["review"] == 0 and f["litigation"] == 0:
        none = rng.choice(
            (
                "本年度未发生政府信息公开行政复议、行政诉讼案件。",
                "全年无因政府信息公开被申请行政复议或提起行政诉讼的情况。",
            )
        )
        return DENIAL if v.denial else none
    counts = rng.choice(
        (
            "本年度因政府信息公开被申请行政复议{review}件，被提起行政诉讼{litigation}件。",
            "全年共发生政府信息公开行政复议案件{review}件、行政诉讼案件{litigation}件。",
        )
    ).format(**f)
    return counts + DENIAL if v.denial else counts


def problems(rng: random.Random, empty: bool = False) -> str:
    if empty:
        return rng.choice(("无。", "无"))
    p = rng.sample(_PROBLEMS, 2)
    i = rng.sample(_IMPROVEMENTS, 2)
    return "\n".join(
        (
            "（一）存在的主要问题",
            f"一是{p[0]}；二是{p[1]}。",
            "（二）改进情况",
            f"一是{i[0]}；二是{i[1]}。",
        )
    )


FEE_IN_WORDS = "（一）本年度无向申请人收取政府信息公开费用的情况。"


def other_matters(
    rng: random.Random, v2021: bool, fee_statement: bool, assessment: bool, v: Variants = Variants()
) -> str:
    """Section 六; ``assessment``: a government's 考核、社会评议和责任追究 results."""
    lines: list[str] = []
    if v2021 and fee_statement:
        said = rng.choice(
            (
                "（一）收取信息处理费情况。本年度未收取政府信息公开信息处理费。",
                "1.依申请公开信息处理费收费情况。本年度没有因政府信息公开申请收取信息处理费。",
            )
        )
        lines.append(FEE_IN_WORDS if v.fee_in_words else said)
    proposals = f"本年度承办人大代表建议{rng.randint(0, 80)}件、政协提案{rng.randint(0, 90)}件，均已按时办结。"
    lines.append("（二）人大代表建议和政协提案办理结果公开情况。" + proposals)
    if v2021:
        lines.append(f"（三）政务公开工作创新情况。{rng.choice(_MEASURES)}。")
        lines.append(f"（四）落实上级年度政务公开工作要点情况。{rng.choice(_MEASURES)}。")
    if assessment:
        lines.append(
            "（五）工作考核、社会评议和责任追究结果情况。将政务公开纳入绩效考核，开展社会评议，本年度未发生责任追究情况。"
        )
    return "\n".join(lines)
