"""Damage done to documents on their way to us, each a named pure function.

Text damages are ``(text, seed) -> text``; ``gbk`` turns text into bytes; ``blank_zeros``
changes what the document shows (blank instead of 0), so it acts on the generated report
before rendering and changes the expected cells and findings with it.
"""

from __future__ import annotations

import copy
import random
import re
from collections.abc import Callable
from dataclasses import dataclass, fields, replace
from typing import TYPE_CHECKING

from gongkai.model.report import Cell, Report
from gongkai.model.template import SECTIONS, Row, Template
from gongkai.render.text import PDF_LINE_WIDTH, wrap
from gongkai.testing.generate import GeneratedReport

if TYPE_CHECKING:
    import numpy as np

TextDamage = Callable[[str, int], str]

_CJK = r"[\u3400-\u9fff]"
_CJK_PAIR = re.compile(rf"(?<={_CJK})(?={_CJK})")
CJK_SPACED_SHARE = 0.5
"""Share of lines whose CJK characters get spaced out (``未 收 到``)."""
BLANK_ZERO_SHARE = 0.3
"""Share of zero cells written blank by a document that leaves some zeros out."""
ALL_ZEROS_BLANK_SHARE = 0.5
"""Share of such documents whose style is to leave every zero blank (a township office
with no applications then prints tables 3 and 4 with nothing in them)."""
PAGE_FOOTER = "- 3 -"
_T3_BREAK_LABELS = ("（四）无法提供", "（五）不予处理")
"""Table 3 breaks across pages before one of these group labels."""


def _is_table_line(line: str) -> bool:
    return "\t" in line or line.lstrip().startswith("|")


def wrap_midword(text: str, seed: int) -> str:
    """Prose lines broken at the PDF line width, mid-word."""
    out: list[str] = []
    for line in text.split("\n"):
        out.extend([line] if _is_table_line(line) or line.startswith("<") else wrap(line, PDF_LINE_WIDTH))
    return "\n".join(out)


def cjk_spaces(text: str, seed: int) -> str:
    """Spaces between CJK characters on some lines, as PDF extraction leaves them."""
    rng = random.Random(seed)
    out = []
    for line in text.split("\n"):
        if not line.startswith("<") and rng.random() < CJK_SPACED_SHARE:
            line = _CJK_PAIR.sub(" ", line)
        out.append(line)
    return "\n".join(out)


def lost_table_structure(text: str, seed: int) -> str:
    """Table rows flattened to space-separated runs (blank cells vanish); one-cell-per-line
    dumps lose their row breaks."""
    out = []
    for line in text.split("\n"):
        if line.lstrip().startswith("|"):
            if set(line.strip()) <= set("|-: "):
                continue
            line = " ".join(x.strip() for x in line.strip().strip("|").split("|") if x.strip())
        elif line.startswith("\t") and line.count("\t") == 1:
            line = line[1:]
            if not line:
                continue
        elif "\t" in line:
            line = " ".join(x for x in line.split("\t") if x)
        out.append(line)
    return "\n".join(out)


def no_separators(text: str, seed: int) -> str:
    """Table cells run together with nothing between them."""
    out = []
    for line in text.split("\n"):
        if line.lstrip().startswith("|"):
            if set(line.strip()) <= set("|-: "):
                continue
            line = "".join(x.strip() for x in line.strip().strip("|").split("|"))
        elif "\t" in line and not line.startswith("\t"):
            line = "".join(line.split("\t"))
        out.append(line)
    return "\n".join(out)


def headings_renumbered(text: str, seed: int) -> str:
    """Section numbers slip: ``2、主动公开…`` or ``二 、主动公开…``."""
    rng = random.Random(seed)
    for i, s in enumerate(SECTIONS):
        if rng.random() < 0.5:
            new = rng.choice((f"{i + 1}、{s.title}", f"{s.number} 、{s.title}"))
            text = text.replace(s.canonical, new, 1)
    return text


HELD_OUT_HEADINGS: dict[str, tuple[str, ...]] = {
    "overview": ("总体工作开展情况", "政府信息公开工作基本概况"),
    "active_disclosure": ("主动公开政府信息工作开展情况", "政府信息主动公开情况"),
    "applications": ("依申请公开政府信息办理情况", "政府信息公开申请办理情况"),
    "appeals": ("因政府信息公开被申请行政复议、提起行政诉讼情况", "政府信息公开行政复议和行政诉讼情况统计"),
    "problems": ("存在的不足及改进方向", "工作中存在的不足和下一步打算"),
    "other_matters": ("其他需要说明的事项", "其他说明"),
}
"""Wordings of the headings that are NOT declared with the template (``SectionSpec.variants``):
held out of the parser's own knowledge, they test that a heading worded as nobody told it is
still its section (or at worst a ``section_title``), never ``section_missing``."""
REWORD_SHARE = 0.6
"""Share of headings ``headings_reworded`` rewords."""
HELD_OUT_SHARE = 0.4
"""Share of the reworded headings that get a held-out wording."""


def heading_rewording(seed: int) -> dict[str, tuple[str, str, bool]]:
    """What ``headings_reworded`` does to each section it rewords: (numbering, words, held
    out). A declared variant may also lose its number or be numbered differently (``七、其他需要
    报告的事项``, ``3、``); a held-out wording keeps the section's number."""
    rng = random.Random(f"{seed}:headings")
    out: dict[str, tuple[str, str, bool]] = {}
    for i, s in enumerate(SECTIONS):
        if rng.random() >= REWORD_SHARE:
            continue
        if rng.random() < HELD_OUT_SHARE:
            out[s.key] = (f"{s.number}、", rng.choice(HELD_OUT_HEADINGS[s.key]), True)
            continue
        forms = [f"{s.number}、", f"{s.number}、", f"{i + 1}、", ""]
        if s.key == "other_matters":
            forms.append("七、")  # a report that added a section of its own before 六
        out[s.key] = (rng.choice(forms), rng.choice(s.variants or (s.title,)), False)
    return out


def headings_reworded(text: str, seed: int) -> str:
    """Headings worded the way agencies word them (``heading_rewording``): declared variants,
    some without number or numbered differently, and held-out wordings. A heading run into its
    text (flat text) keeps a number: nothing else could tell it apart there."""
    for key, (numbering, words, _) in heading_rewording(seed).items():
        s = next(x for x in SECTIONS if x.key == key)
        alone = re.compile(rf"^(<h2>)?{re.escape(s.canonical)}(</h2>)?$", re.M)
        if alone.search(text):
            text = alone.sub(rf"\g<1>{numbering}{words}\g<2>", text, count=1)
        else:
            text = text.replace(s.canonical, f"{numbering or s.number + '、'}{words}", 1)
    return text


def headings_missing_key(seed: int) -> str:
    """The section whose heading ``headings_missing`` removes."""
    return random.Random(seed).choice(("overview", "problems", "other_matters"))


def headings_missing(text: str, seed: int) -> str:
    """One of sections 一, 五, 六 loses its heading (its text runs on from the one before)."""
    s = next(x for x in SECTIONS if x.key == headings_missing_key(seed))
    return re.sub(rf"(<h2>)?{re.escape(s.canonical)}(</h2>)?\n?", "", text, count=1)


def traditional(text: str, seed: int) -> str:
    """Traditional characters (a Hong Kong / Taiwan font conversion or an OCR quirk)."""
    import zhconv  # type: ignore[import-untyped]

    out: str = zhconv.convert(text, "zh-hant")
    return out


_FULL_WIDTH_DIGITS = str.maketrans("0123456789", "０１２３４５６７８９")
_MARKUP_TEXT = re.compile(r">[^<]+")


def fullwidth_digits(text: str, seed: int) -> str:
    """Every digit full-width (``２０２３年``, ``１３ １３ １４８``), as a document typed with a
    Chinese input method in full-width mode prints them; in a web page, its text only."""
    if text.lstrip().startswith("<"):
        return _MARKUP_TEXT.sub(lambda m: m.group().translate(_FULL_WIDTH_DIGITS), text)
    return text.translate(_FULL_WIDTH_DIGITS)


def page_break_table3(text: str, seed: int) -> str:
    """A page break inside table 3: page number, and the group header repeated."""
    rng = random.Random(seed)
    start = text.find("本年新收")
    label = rng.choice(_T3_BREAK_LABELS)
    at = text.find(label, start) if start >= 0 else -1
    if at < 0:
        return text
    line_start = text.rfind("\n", 0, at) + 1
    if "\n" in text[at - 200 if at > 200 else 0 : at] and at - line_start < 40:
        return text[:line_start] + f"\n{PAGE_FOOTER}\n\f\n" + text[line_start:]
    return text[:at] + f"{PAGE_FOOTER}三、本年度办理结果" + text[at:]


_HEAD_BEFORE = ("（三）不予公开", "（四）无法提供", "2.重复申请", "行政许可", "行政处罚")
"""Rows of tables 2 and 3 a page may break before."""


def running_head(text: str, seed: int) -> str:
    """A page break inside table 2 or 3 as a PDF's text shows it: the page's footer, then the
    next page's running head (the report's title, as its first line has it), on lines of their
    own between two rows."""
    rng = random.Random(f"running_head:{seed}")
    head = next((ln.strip(" #*\t") for ln in text.split("\n") if ln.strip(" #*\t")), "")
    start = text.find("二、主动公开")
    label = rng.choice(_HEAD_BEFORE)
    at = text.find(label, start) if start >= 0 and head else -1
    if at < 0:
        return text
    line_start = text.rfind("\n", 0, at) + 1
    feed = "\f\n" if rng.random() < 0.5 else ""  # pdftotext's page feed, or text copied without it
    return text[:line_start] + f"\n{PAGE_FOOTER}\n{feed}{head}\n\n" + text[line_start:]


def gbk(text: str, seed: int = 0) -> bytes:
    """The bytes a GBK site serves (the HTML charset declaration follows)."""
    text = re.sub(r'<meta charset="[^"]+">', '<meta charset="gbk">', text, count=1)
    return text.encode("gb18030")


def blank_zeros(gen: GeneratedReport, seed: int) -> GeneratedReport:
    """Zero cells of tables 3 and 4 left blank, all of them (a style) or some (sloppiness):
    the document then shows no number."""
    rng = random.Random(seed)
    share = 1.0 if rng.random() < ALL_ZEROS_BLANK_SHARE else BLANK_ZERO_SHARE
    out = copy.deepcopy(gen)
    blanks = list(out.blanks)
    for tkey in ("applications", "appeals"):
        table = out.report.tables.get(tkey)
        for rkey, row in (table or {}).items():
            for ckey, cell in (row or {}).items():
                if cell.value == 0 and rng.random() < share:
                    row[ckey] = Cell(None, "", blank=True)  # type: ignore[index]
                    blanks.append(f"{tkey}.{rkey}.{ckey}")
    if len(blanks) > len(out.blanks):
        out.expected = out.expected | {"blank_cells"}
        out.allowed = out.allowed | {"t3_balance", "t3_row_total", "t3_outcome_total", "t4_total"}
    out.blanks = tuple(blanks)
    return out


BLANK_MARKS = ("/", "／", "—", "-", "无")
"""What a report that marks its blank cells prints in them: one mark a report."""


def blank_marks(gen: GeneratedReport, seed: int) -> GeneratedReport:
    """Zero cells of tables 3 and 4 left blank (as ``blank_zeros``), each marked with the
    report's mark (``/``, ``—``, ``无``): the mark is a cell of its own, in every shape."""
    out = blank_zeros(gen, seed)
    mark = random.Random(f"blank_marks:{seed}").choice(BLANK_MARKS)
    for tkey in ("applications", "appeals"):
        for row in (out.report.tables.get(tkey) or {}).values():
            for ckey, cell in (row or {}).items():
                if cell.blank:
                    row[ckey] = Cell(None, mark, blank=True)  # type: ignore[index]
    return out


def blank_totals(gen: GeneratedReport, seed: int) -> GeneratedReport:
    """The 总计 column of table 3's outcome rows left blank while their applicant cells are
    filled (a real report does so): the totals are not 0, and nothing contradicts anything."""
    from gongkai.model.template import outcome_rows

    out = copy.deepcopy(gen)
    table = out.report.tables.get("applications")
    spec = out.report.spec
    if not table or spec is None:
        return out
    blanks = list(out.blanks)
    for rkey in outcome_rows(spec.table("applications")):
        row = table.get(rkey)
        if row and "total" in row and any(c.value for k, c in row.items() if k != "total"):
            row["total"] = Cell(None, "", blank=True)
            blanks.append(f"applications.{rkey}.total")
    if len(blanks) > len(out.blanks):
        # one warning naming the blank totals (t3_row_total), and the blank cells themselves
        out.expected = out.expected | {"blank_cells", "t3_row_total"}
    out.blanks = tuple(blanks)
    return out


CELL_MEASURES: dict[str, str] = {"count": "件", "signed": "件", "amount": "万元"}
"""The measure word a report prints after a table-2 number, by the column's kind; the
procurement row counts projects (``个``) and its money in 元."""
PROCUREMENT_MEASURES = {"projects": "个", "amount": "元"}


def cell_units(gen: GeneratedReport, seed: int) -> GeneratedReport:
    """Table 2's numbers printed with their measure words (``政府集中采购1个246900元``, a real
    report): in text that runs cells together the words are the only edges between them."""
    out = copy.deepcopy(gen)
    table = out.report.tables.get("active_disclosure")
    spec = out.report.spec
    if not table or spec is None:
        return out
    t2 = spec.table("active_disclosure")
    for rkey, row in table.items():
        for ckey, cell in (row or {}).items():
            if cell.value is None:
                continue
            unit = PROCUREMENT_MEASURES.get(ckey) if rkey == "procurement" else None
            unit = unit or CELL_MEASURES.get(t2.column(ckey).kind, "件")
            number = cell.raw if cell.raw is not None else str(cell.value)
            row[ckey] = Cell(cell.value, f"{number}{unit}", cell.blank)  # type: ignore[index]
    return out


_TD = re.compile(r"<td([^>]*)>(.*?)</td>", re.S)
_P = re.compile(r"<(p|h1|h2)([^>]*)>(.*?)</\1>", re.S)
_WORD_CELL = (
    '<td{attrs} valign="top" style="border:solid windowtext 1.0pt;padding:0cm 5.4pt 0cm 5.4pt">'
    '<p class="MsoNormal" align="center" style="text-align:center">'
    '<span lang="EN-US" style="font-size:10.5pt;font-family:仿宋_GB2312">{text}</span></p></td>'
)
_WORD_PARA = '<p class="MsoNormal" style="text-indent:32.0pt;line-height:28.0pt">{runs}</p>'
_WORD_RUN = '<span style="font-size:16.0pt;font-family:仿宋_GB2312{bold}">{text}</span>'


ADDED_ROW_LABELS = ("其他主动公开文件（含部门文件）", "党内法规及配套制度", "重大行政决策事项")
"""Rows some agencies add to table 2 below its 规范性文件 row: no words shared with the template."""
ADDED_ROW_KEY = "added_row"


@dataclass
class _PrintedReport(Report):
    """A report as a document prints it with its own template (a row the national one lacks)."""

    printed_template: Template | None = None

    @property
    def spec(self) -> Template | None:
        return self.printed_template


def added_row(gen: GeneratedReport, seed: int) -> GeneratedReport:
    """The report as printed with one more row in table 2, below 规范性文件, that the template
    does not have (``其他主动公开文件（含部门文件）``, as a 湖北 report prints): for rendering
    only. The truth stays the template's table: the added row's numbers are no cell of it."""
    tpl = gen.report.spec
    table = gen.report.tables.get("active_disclosure")
    if tpl is None or not table:
        return gen
    rng = random.Random(f"added_row:{seed}")
    spec = tpl.table("active_disclosure")
    at = next((i for i, r in enumerate(spec.rows) if r.key == "normative_documents"), None)
    if at is None:
        return gen
    below = spec.rows[at]
    row = Row(ADDED_ROW_KEY, rng.choice(ADDED_ROW_LABELS), columns=below.columns, caption=below.caption)
    printed = replace(spec, rows=(*spec.rows[: at + 1], row, *spec.rows[at + 1 :]))
    report = copy.deepcopy(gen.report)
    shown = _PrintedReport(
        **{f.name: getattr(report, f.name) for f in fields(Report)},
        printed_template=replace(tpl, tables={**tpl.tables, "active_disclosure": printed}),
    )
    shown.tables["active_disclosure"] = {
        **table,
        ADDED_ROW_KEY: {c.key: Cell(n, str(n)) for c in spec.row_columns(below) for n in [rng.randint(0, 60)]},
    }
    return replace(gen, report=shown)


def _word_runs(rng: random.Random, text: str, bold: bool) -> str:
    """Word splits a paragraph into runs wherever formatting or revisions changed, here
    between two CJK characters."""
    cuts = sorted(i for i in range(1, len(text)) if re.match(_CJK, text[i - 1 : i + 1]) and rng.random() < 0.03)
    parts = [text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)], strict=True)]
    weight = ";font-weight:bold" if bold else ""
    return "".join(_WORD_RUN.format(bold=weight, text=x) for x in parts)


def word_html(text: str, seed: int) -> str:
    """HTML saved from Word: every cell and paragraph wrapped in MsoNormal spans, blank
    cells as ``&nbsp;``, headings as bold paragraphs instead of ``<h2>``."""
    rng = random.Random(seed)
    text = _TD.sub(lambda m: _WORD_CELL.format(attrs=m.group(1), text=m.group(2) or "&nbsp;"), text)

    def para(m: re.Match[str]) -> str:
        if "MsoNormal" in m.group(2):
            return m.group(0)  # a cell's paragraph, already Word's (its runs carry tags)
        return _WORD_PARA.format(runs=_word_runs(rng, m.group(3), m.group(1) != "p"))

    return _P.sub(para, text)


SCAN_DPI = 150
SCAN_NOISE_SIGMA = 10.0
"""Grey-level noise of a cheap office scanner (0–255 scale)."""
SCAN_MAX_SKEW_DEGREES = 0.8
SCAN_SPECKS_PER_PAGE = 400


def scan(pdf: bytes, seed: int, noisy: bool = True, container: str = "pdf") -> bytes:
    """A printed copy scanned back: pages rasterised and (``noisy``) slightly skewed, noisy and
    specked, saved as an image-only PDF (no text layer) or (``container="tiff"``) as the
    multi-page TIFF a scanner writes."""
    import io
    import os
    import subprocess
    import tempfile

    import cv2
    import numpy as np
    from PIL import Image

    rng = np.random.default_rng(seed)
    pages: list[Image.Image] = []
    with tempfile.TemporaryDirectory() as d:
        src = os.path.join(d, "in.pdf")
        with open(src, "wb") as f:
            f.write(pdf)
        subprocess.run(["pdftoppm", "-r", str(SCAN_DPI), "-gray", "-png", src, os.path.join(d, "p")], check=True)
        for name in sorted(n for n in os.listdir(d) if n.endswith(".png")):
            img = cv2.imread(os.path.join(d, name), cv2.IMREAD_GRAYSCALE)
            if img is None:
                raise OSError(f"pdftoppm wrote an unreadable page: {name}")
            if noisy:
                img = _scanner(img, rng)
            pages.append(Image.fromarray(img))
    out = io.BytesIO()
    if container == "tiff":
        pages[0].save(out, format="TIFF", save_all=True, append_images=pages[1:], compression="tiff_lzw")
    else:
        pages[0].save(out, format="PDF", save_all=True, append_images=pages[1:], resolution=SCAN_DPI)
    return out.getvalue()


def _scanner(img: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """What a cheap office scanner does to a page: a slight skew, grey noise, specks."""
    import cv2
    import numpy as np

    h, w = img.shape
    angle = float(rng.uniform(-SCAN_MAX_SKEW_DEGREES, SCAN_MAX_SKEW_DEGREES))
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    img = cv2.warpAffine(img, m, (w, h), borderValue=255)
    noisy = img.astype(np.float32) + rng.normal(0, SCAN_NOISE_SIGMA, img.shape)
    ys, xs = rng.integers(0, h, SCAN_SPECKS_PER_PAGE), rng.integers(0, w, SCAN_SPECKS_PER_PAGE)
    noisy[ys, xs] = rng.integers(0, 120, SCAN_SPECKS_PER_PAGE)
    out: np.ndarray = np.clip(noisy, 0, 255).astype(np.uint8)
    return out


TEXT_DAMAGES: dict[str, TextDamage] = {
    "wrap_midword": wrap_midword,
    "cjk_spaces": cjk_spaces,
    "lost_table_structure": lost_table_structure,
    "no_separators": no_separators,
    "headings_renumbered": headings_renumbered,
    "headings_missing": headings_missing,
    "traditional": traditional,
    "page_break_table3": page_break_table3,
    "word_html": word_html,
    "headings_reworded": headings_reworded,
    "fullwidth_digits": fullwidth_digits,
    "running_head": running_head,
}
CONVERTED = ("pdftotext", "pdftotext_layout", "markitdown", "pymupdf4llm", "pypdf")
"""The PDF passed through a converter (``converters.py``): the document is the converter's text."""
DAMAGES: tuple[str, ...] = (
    "none",
    *TEXT_DAMAGES,
    "blank_zeros",
    "blank_totals",
    "blank_marks",
    "cell_units",
    "added_row",
    "gbk",
    "scanned_noise",
    *CONVERTED,
)

_PRINTED_TABLES = frozenset(
    {"html", "tsv", "cells", "markdown", "flat", "pdftext", "docx", "pdf"}
    | {"md_layout", "onecell", "layout", "cell_lines"}
)
"""Every format but the scanned image: what a table prints, whatever reads it back."""
APPLIES: dict[str, frozenset[str]] = {
    "none": frozenset(
        {
            "html",
            "tsv",
            "cells",
            "markdown",
            "flat",
            "pdftext",
            "docx",
            "pdf",
            "image",
            "md_layout",
            "onecell",
            "layout",
            "cell_lines",
        }
    ),
    "wrap_midword": frozenset({"tsv", "cells", "markdown", "flat"}),
    "cjk_spaces": frozenset({"html", "tsv", "cells", "markdown", "flat"}),
    "lost_table_structure": frozenset({"tsv", "cells", "markdown"}),
    "no_separators": frozenset({"tsv", "markdown"}),
    "headings_renumbered": frozenset(
        {"html", "tsv", "cells", "markdown", "flat", "pdftext", "md_layout", "onecell", "layout", "cell_lines"}
    ),
    "headings_missing": frozenset(
        {"html", "tsv", "cells", "markdown", "flat", "pdftext", "md_layout", "onecell", "layout", "cell_lines"}
    ),
    "traditional": frozenset({"html", "tsv", "cells", "markdown", "flat", "pdftext", "md_layout", "onecell", "layout"}),
    "page_break_table3": frozenset({"tsv", "cells", "flat", "pdftext"}),
    "blank_zeros": frozenset(
        {"html", "tsv", "cells", "markdown", "pdftext", "docx", "pdf", "md_layout", "onecell", "layout", "cell_lines"}
    ),
    "gbk": frozenset({"html", "tsv", "flat", "pdftext"}),
    "word_html": frozenset({"html"}),
    "scanned_noise": frozenset({"pdf", "image"}),
    "blank_totals": frozenset({"html", "tsv", "cells", "markdown", "docx", "md_layout", "layout", "cell_lines"}),
    "cell_units": frozenset({"html", "tsv", "cells", "markdown", "flat", "docx", "cell_lines"}),
    "pdftotext": frozenset({"pdf"}),
    "pdftotext_layout": frozenset({"pdf"}),
    "markitdown": frozenset({"pdf"}),
    "pymupdf4llm": frozenset({"pdf"}),
    "pypdf": frozenset({"pdf"}),
    "headings_reworded": frozenset({"html", "tsv", "cells", "markdown", "flat", "pdftext", "cell_lines"}),
    "running_head": frozenset({"tsv", "cells", "pdftext", "onecell", "layout", "cell_lines", "markdown"}),
    "blank_marks": _PRINTED_TABLES,
    "fullwidth_digits": frozenset(
        {"html", "tsv", "cells", "markdown", "flat", "pdftext", "md_layout", "onecell", "layout", "cell_lines"}
    ),
    "added_row": _PRINTED_TABLES,
}
"""Which formats a damage is realistic for."""
EXCUSED: dict[str, frozenset[str]] = {
    "headings_renumbered": frozenset({"section_title"}),
    "headings_missing": frozenset(
        {"section_missing", "section_title", "problems_empty", "fee_statement_missing", "government_assessment_missing"}
    ),
    "lost_table_structure": frozenset({"blank_cells"}),
    "headings_reworded": frozenset({"section_title"}),
}
"""Findings a damage may cause that are not false positives."""
