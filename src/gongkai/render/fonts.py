"""Fonts of the official layout (GB/T 9704): 方正小标宋 title, 黑体 headings, 仿宋 body, 宋体 tables.

An agency's Windows machine has them; a Debian server usually has only the Noto CJK fonts
(``fonts-noto-cjk``). A document names the official font when it is installed here (so the
PDF made here looks as printed) and the CJK font present otherwise, unless the caller asks for
the official names regardless (a DOCX to be finished in Word on an agency's computer).
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True)
class FontSet:
    title: str
    heading: str
    body: str
    table: str
    title_bold: bool = False
    """The fallback for 小标宋 is a bold serif; 小标宋 itself is bold by design."""


OFFICIAL = FontSet("方正小标宋简体", "黑体", "仿宋_GB2312", "宋体")
_CHOICES: dict[str, tuple[str, ...]] = {
    "title": ("方正小标宋简体", "方正小标宋_GBK", "FZXiaoBiaoSong-B05S"),
    "heading": ("黑体", "SimHei", "Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Zen Hei"),
    "body": ("仿宋_GB2312", "仿宋", "FangSong", "Noto Serif CJK SC", "Source Han Serif SC", "AR PL UMing CN"),
    "table": ("宋体", "SimSun", "Noto Serif CJK SC", "Source Han Serif SC", "AR PL UMing CN"),
}
FALLBACK = FontSet("Noto Sans CJK SC", "Noto Sans CJK SC", "Noto Serif CJK SC", "Noto Serif CJK SC", True)
"""Debian's CJK fonts (``fonts-noto-cjk``); the synthetic corpus is typed in them."""


@lru_cache(maxsize=1)
def installed_families() -> frozenset[str]:
    """Font family names fontconfig knows (every localised name of each family)."""
    if shutil.which("fc-list") is None:
        return frozenset()
    try:
        out = subprocess.run(["fc-list", ":", "family"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return frozenset()
    return frozenset(name.strip() for line in out.splitlines() for name in line.split(","))


def _first(kind: str, families: frozenset[str], fallback: str) -> str:
    return next((f for f in _CHOICES[kind] if f in families), fallback)


def present_fonts() -> FontSet:
    """The official fonts where installed, else the CJK fonts present (Noto on Debian)."""
    fams = installed_families()
    title = next((f for f in _CHOICES["title"] if f in fams), None)
    body = _first("body", fams, FALLBACK.body)
    return FontSet(
        title or "Noto Serif CJK SC",
        _first("heading", fams, FALLBACK.heading),
        body,
        _first("table", fams, FALLBACK.table),
        title_bold=title is None,
    )


def font_set(official: bool = False) -> FontSet:
    return OFFICIAL if official else present_fonts()
