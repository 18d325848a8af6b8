"""Agency identity: one agency across years and files, whatever name variant it used.

``normalise`` maps the variants of a name to one key: 沂源县人民政府, 沂源县政府, 沂源县人民政府办公室
and 沂源县 all become ``沂源县`` (a government's report is often issued by its office);
平潭综合实验区管委会 becomes ``平潭综合实验区``. ``infer`` reads the region and the level from the
name. Both are heuristics; a CSV of agencies (``load_corrections``) overrides them.
"""

from __future__ import annotations

import bisect
import csv
import re
from dataclasses import dataclass
from pathlib import Path

from gongkai.model.agency import canonical_agency, clean, is_agency_name, is_place, regions

__all__ = [
    "AgencyInfo",
    "Correction",
    "clean",
    "display_name",
    "infer",
    "load_corrections",
    "name_from_title",
    "regions",
    "same_agency",
]

# Suffixes that name the government itself (or the office issuing its report), longest first.
_GOVERNMENT_SUFFIXES: tuple[str, ...] = (
    "人民政府办公厅",
    "人民政府办公室",
    "人民政府",
    "政府办公厅",
    "政府办公室",
    "党工委管委会",
    "管理委员会办公室",
    "管委会办公室",
    "管理委员会",
    "管委会",
    "行政公署",
    "办事处",
    "政府",
)
_OFFICE_SUFFIXES = ("办公室", "办公厅")
_YEAR_FIRST = re.compile(r"^(?:19|20)\d{2}年度?")
_YEAR_TITLE = re.compile(r"(19|20)\d{2}\s*年\s*度?.*$")
_REPORT_WORDS = re.compile(r"(政府信息公开|政务公开).*$")
_PROVINCE_CITIES = ("北京市", "上海市", "天津市", "重庆市")


@dataclass(frozen=True)
class AgencyInfo:
    norm_name: str
    region: str | None
    level: str | None
    is_government: bool


def name_from_title(title: str | None) -> str | None:
    """``平潭综合实验区2021年度政府信息公开工作年度报告`` → ``平潭综合实验区``; the year may come
    first (``2019年平潭综合实验区…``). None unless what is left is a name."""
    if not title:
        return None
    t = clean(title)
    t = _YEAR_FIRST.sub("", t)
    t = _YEAR_TITLE.sub("", t)
    t = _REPORT_WORDS.sub("", t)
    t = t.removesuffix("关于")
    return t if is_agency_name(t) else None


def _strip_government(name: str) -> tuple[str, bool]:
    for suf in _GOVERNMENT_SUFFIXES:
        if name.endswith(suf) and len(name) > len(suf):
            return name[: -len(suf)], True
    return name, False


def _level_of(units: list[str]) -> str | None:
    if not units:
        return None
    last = units[-1]
    if last.endswith(("省", "自治区")) or last in _PROVINCE_CITIES:
        return "省"
    if last.endswith(("镇", "乡", "街道", "苏木")):
        return "乡镇街道"
    if last.endswith(("县", "旗", "自治县", "自治旗")):
        return "县"
    if last.endswith("区"):
        if len(units) == 1 and last.endswith("综合实验区"):
            return "市"  # 平潭综合实验区 is administered at prefecture level
        return "县"
    if last.endswith("市"):
        # a 市 inside another 市 is a county-level city (泰安市新泰市)
        if len(units) >= 2 and units[-2].endswith(("市", "州", "盟", "地区")) and units[-2] not in _PROVINCE_CITIES:
            return "县"
        return "市"
    if last.endswith(("州", "盟", "地区")):
        return "市"
    return None


def infer(name: str) -> AgencyInfo:
    """Identity key, region and level of an agency from its name."""
    n = canonical_agency(name)
    base, gov = _strip_government(n)
    units = regions(base)
    region = "".join(units) or None
    rest = base[len(region) :] if region else base
    if gov or (region and not rest):
        # a government (or a bare place name, as titles give it)
        return AgencyInfo(region or base, region or base, _level_of(units), True)
    # a department: 沂源县教育和体育局 → region 沂源县
    return AgencyInfo(n, region, "部门", False)


def same_agency(a: str, b: str) -> bool:
    """Two identity keys of which one names the other with more of its region
    (洪泽区 and 淮安市洪泽区)."""
    if a == b:
        return True
    short, long = sorted((a, b), key=len)
    if not long.endswith(short) or len(short) < 2:
        return False
    prefix = long[: -len(short)]
    # the extra prefix must be a whole chain of admin units, not part of a name
    return is_place(prefix)


class NormIndex:
    """Agencies by identity key, with ``variants``: the agencies whose key names the same body
    with more or less of its region (``same_agency``), found by the key's suffixes and a sorted
    list of reversed keys instead of comparing with every agency (a national store has 200,000:
    a scan per new agency made ingest quadratic)."""

    def __init__(self, keys: dict[str, int] | None = None) -> None:
        self.ids: dict[str, int] = dict(keys or {})
        self._reversed = sorted(k[::-1] for k in self.ids)

    def get(self, key: str) -> int | None:
        return self.ids.get(key)

    def __contains__(self, key: str) -> bool:
        return key in self.ids

    def add(self, key: str, agency_id: int) -> None:
        if key not in self.ids:
            bisect.insort(self._reversed, key[::-1])
        self.ids[key] = agency_id

    def remove(self, key: str) -> None:
        if self.ids.pop(key, None) is not None:
            rev = key[::-1]
            self._reversed.pop(bisect.bisect_left(self._reversed, rev))

    def variants(self, key: str) -> list[int]:
        """Agencies of another key that ``same_agency`` takes for ``key``'s."""
        hits = [
            self.ids[key[i:]]
            for i in range(1, len(key) - 1)  # shorter keys that ``key`` ends with
            if key[i:] in self.ids and same_agency(key[i:], key)
        ]
        rev = key[::-1]
        for r in self._reversed[bisect.bisect_left(self._reversed, rev) :]:  # longer keys ending with it
            if not r.startswith(rev):
                break
            other = r[::-1]
            if other != key and same_agency(other, key):
                hits.append(self.ids[other])
        return hits


def display_name(names: list[str]) -> str:
    """The fullest variant that is not the office issuing a government's report (longest, then
    first in code order): independent of the order in which files arrive."""
    return sorted(names, key=lambda s: (s.endswith(_OFFICE_SUFFIXES), -len(s), s))[0]


@dataclass(frozen=True)
class Correction:
    name: str
    norm_name: str | None = None
    level: str | None = None
    region: str | None = None
    parent: str | None = None
    is_government: bool | None = None


_CSV_COLUMNS = {
    "name": ("name", "名称", "机关名称", "单位名称"),
    "norm_name": ("norm_name", "标准名称", "归并为"),
    "level": ("level", "层级", "级别"),
    "region": ("region", "地区", "行政区"),
    "parent": ("parent", "上级", "上级机关", "所属政府"),
    "is_government": ("is_government", "是否政府", "政府"),
}
_TRUE = ("1", "true", "yes", "是", "y")


def load_corrections(path: str | Path) -> list[Correction]:
    """Read a CSV (UTF-8, with or without BOM) whose header names at least ``name``; the other
    columns (norm_name, level, region, parent, is_government, or their Chinese names) are optional."""
    with open(path, encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f)
        header = {h.strip(): h for h in (reader.fieldnames or [])}
        cols: dict[str, str] = {}
        for field, aliases in _CSV_COLUMNS.items():
            for a in aliases:
                if a in header:
                    cols[field] = header[a]
                    break
        if "name" not in cols:
            raise ValueError("机关表缺少 name（名称）列")
        out: list[Correction] = []
        for row in reader:

            def get(field: str, row: dict[str, str] = row) -> str | None:
                v = (row.get(cols[field]) or "").strip() if field in cols else ""
                return v or None

            name = get("name")
            if not name:
                continue
            gov = get("is_government")
            out.append(
                Correction(
                    name=name,
                    norm_name=get("norm_name"),
                    level=get("level"),
                    region=get("region"),
                    parent=get("parent"),
                    is_government=(gov.lower() in _TRUE) if gov else None,
                )
            )
        return out
