"""Fictional agencies at every level, from a township office to a province.

Place names are drawn from a pool of characters, so the generated reports carry no real
agency's text; a drawn name may happen to exist, which does not matter for testing.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Literal

from gongkai.model.agency import SHORT_FORMS, regions

Level = Literal["township", "county_dept", "county_gov", "city_dept", "city_gov", "province_dept", "province_gov"]
LEVELS: tuple[Level, ...] = (
    "township",
    "county_dept",
    "county_gov",
    "city_dept",
    "city_gov",
    "province_dept",
    "province_gov",
)

_PLACE_CHARS = "清河安平宁远云山东西南北兴隆华阳江川泉林石桥新丰永和长乐青白金玉龙凤松柏桃梅兰竹海湖溪岭峰"
_TOWN_SUFFIX = ("镇", "乡", "街道办事处")
DEPARTMENTS: tuple[str, ...] = (
    "行政审批服务局",
    "司法局",
    "民政局",
    "财政局",
    "教育局",
    "自然资源局",
    "生态环境局",
    "住房和城乡建设局",
    "交通运输局",
    "水利局",
    "农业农村局",
    "商务局",
    "文化和旅游局",
    "卫生健康委员会",
    "退役军人事务局",
    "应急管理局",
    "市场监督管理局",
    "统计局",
    "医疗保障局",
    "人力资源和社会保障局",
    "公安局",
)


@dataclass(frozen=True)
class Agency:
    name: str
    level: Level
    place: str
    """The area the agency serves (``清河县``), used in prose."""

    @property
    def is_government(self) -> bool:
        return self.name.endswith("人民政府")


def _place(rng: random.Random) -> str:
    a, b = rng.sample(_PLACE_CHARS, 2)
    return a + b


ZHOU_SHARE = 0.2
"""Share of cities (and of counties, half as many) whose name ends in 州 (杭州市, 通州区, 全州县),
and of cities, a quarter as many, that are a 州 (恩施州, whose 市场监督管理局 runs its 州 into 市):
real names the admin units must not cut. Drawn from a generator of their own, seeded by the
names drawn, so that a seed's other draws stay as they were."""


def _with_zhou(city: str, county: str) -> tuple[str, str]:
    vr = random.Random(city + county)
    draw = vr.random()
    if draw < ZHOU_SHARE:
        city = city[0] + "州市"
    elif draw < ZHOU_SHARE * 1.25:
        city = city[:2] + "州"
    if vr.random() < ZHOU_SHARE / 2:
        county = county[0] + "州" + county[2:]
    return city, county


SUMU_SHARE = 0.3
"""Share of 乡 that are 苏木 (Inner Mongolia's township: 扎赉特旗宝力根花苏木人民政府), drawn
from a generator of their own so that a seed's other draws stay as they were."""


def _sumu(town: str) -> str:
    if town.endswith("乡") and random.Random(town).random() < SUMU_SHARE:
        return town[:-1] + "苏木"
    return town


def make_agency(rng: random.Random, level: Level) -> Agency:
    county = _place(rng) + rng.choice(("县", "区"))
    city = _place(rng) + "市"
    province = _place(rng) + "省"
    city, county = _with_zhou(city, county)
    if level == "township":
        town = _sumu(_place(rng) + rng.choice(_TOWN_SUFFIX))
        name = f"{county}{town}" if town.endswith("办事处") else f"{county}{town}人民政府"
        return Agency(name, level, town)
    if level == "county_dept":
        return Agency(county + rng.choice(DEPARTMENTS), level, county)
    if level == "county_gov":
        return Agency(f"{city}{county}人民政府", level, county)
    if level == "city_dept":
        return Agency(city + rng.choice(DEPARTMENTS), level, city)
    if level == "city_gov":
        return Agency(f"{city}人民政府", level, city)
    if level == "province_dept":
        return Agency(province + rng.choice(DEPARTMENTS).replace("局", "厅", 1), level, province)
    return Agency(f"{province}人民政府", level, province)


DEPARTMENT_LEVEL: dict[Level, Level] = {
    "county_gov": "county_dept",
    "city_gov": "city_dept",
    "province_gov": "province_dept",
}
"""The level of a government's departments (a township has none that report)."""


def department_of(government: Agency, department: str) -> Agency:
    """A department of ``government`` (one of ``DEPARTMENTS``), named as departments name
    themselves: by the area they serve, without the higher levels the government's name may
    carry (清河市安平县人民政府 → 安平县司法局)."""
    level = DEPARTMENT_LEVEL[government.level]
    if level == "province_dept":
        department = department.replace("局", "厅", 1)
    return Agency(government.place + department, level, government.place)


OTHER_DEPARTMENTS: tuple[str, ...] = (
    "科学技术委员会",
    "发展和改革委员会",
    "人民政府办公室",
    "人民政府研究室",
    "人民政府参事室",
)
"""Departments reports often name in a short form (市科委, 市发改委, 区府办), drawn for a share
of departments from a generator of their own (so the other draws of a seed stay as they were)."""
OTHER_DEPARTMENT_SHARE = 0.2


def vary_department(rng: random.Random, agency: Agency) -> Agency:
    """For a share of departments, one of ``OTHER_DEPARTMENTS`` of the same area and level
    (a province's office is a 办公厅)."""
    if not agency.level.endswith("_dept") or rng.random() >= OTHER_DEPARTMENT_SHARE:
        return agency
    department = rng.choice(OTHER_DEPARTMENTS)
    if agency.level == "province_dept" and department.endswith("办公室"):
        department = department.replace("办公室", "办公厅")
    return Agency(agency.place + department, agency.level, agency.place)


def short_names(name: str) -> list[str]:
    """The short forms a name may be printed in (``清河区人民政府办公室`` → 清河区政府办公室,
    清河区政府办, 清河区府办), from the declared ``SHORT_FORMS``."""
    out = []
    for short, full in SHORT_FORMS:
        if name.endswith(full) and len(name) > len(full):
            out.append(name[: -len(full)] + short)
    return out


def partial_name(name: str) -> str | None:
    """The name without its place but the place's unit (``清河区统计局`` → ``区统计局``), as a
    preamble may print it (``现公布区统计局2023年…``); None for a government's own name."""
    units = regions(name)
    if not units or units[-1].endswith("街道"):
        return None
    rest = name[len("".join(units)) :]
    if not rest or rest.endswith("人民政府"):
        return None
    return units[-1][-1] + rest
