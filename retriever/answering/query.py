"""Reading a question: its normal form, its type, what it asks for, the places, years, documents and versions it
names, and the explicit filters — one module for answering and for the chat's follow-ups alike.

Which documents a question can name comes from the index (its documents' regions, titles and issuers, with
English names derived by pypinyin). A place is resolved upward through China's administrative divisions
(retriever.places): the documents that govern it are its own region's, its city's and its province's, and the
national ones; no other region's document answers for it (the jurisdiction, Query.place / local_ids / national_ids).
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from weakref import WeakKeyDictionary

from retriever import places
from retriever import patterns as P
from retriever.documents.clean import fold, normalize_query, to_simplified
from retriever.index import Index, tokenize
from retriever.documents.meta import series_key


# What a plan (a policy notice) sets for its own region: a national notice's targets, deadlines and tasks are
# not a city's or a province's, though the national laws' rules are everyone's (a law sets no target at all).
PLAN_TYPES = ("target", "deadline", "responsibility")


class FilterError(ValueError):
    """An explicit filter names something the index does not have."""


@dataclass
class Query:
    text: str
    norm: str  # simplified, folded, with English terms glossed into Chinese
    qtype: str
    doc_ids: list[str] | None  # the documents the question is about; None = all current ones
    regions: list[str] = field(default_factory=list)  # KB regions the question names (or whose places it names)
    place: str | None = None  # the place the question is about (嘉兴, 苏州, 浦东), short name
    chain: list[tuple[str, str]] = field(
        default_factory=list
    )  # its divisions up to the province: [(嘉兴, 市), (浙江, 省)]
    local: list[str] = field(default_factory=list)  # the regions of the chain that have documents in the index
    elsewhere: list[str] = field(default_factory=list)  # other regions the question names (their documents excluded)
    # the documents to answer from, in turn, when those of doc_ids do not: the place's higher regions', then the
    # national ones, each as (region, doc ids)
    tiers: list[tuple[str, list[str] | None]] = field(default_factory=list)
    separate: bool = False  # a place under its own legal system (香港, 澳门, 台湾)
    unheld: str | None = None  # a local document the question names that the index does not hold (广东省…条例)
    years: list[int] = field(default_factory=list)
    terms: list[str] = field(default_factory=list)  # subject words (no question words)
    segments: dict[str, str] = field(default_factory=dict)  # region or doc -> the part of the question about it
    # each name of a document in the question with the documents it names: words a clause of another document
    # may hold (a law's article on 实施细则), though no clause repeats its own document's name
    doc_mentions: list[tuple[tuple[str, ...], str]] = field(default_factory=list)
    slots: set[str] = field(default_factory=set)  # what it asks for: amount, duration, body, list, definition, …
    # the question's own subject words (before glossing) → the documents' words that cover each (law_words)
    meanings: dict[str, list[str]] = field(default_factory=dict)
    # the words' idf over the documents retrieval answered from (search.retrieve fills it; Index.scope_idf)
    idf: dict[str, float] = field(default_factory=dict)


# --- words and numbers -----------------------------------------------------------------------


def gloss(norm: str) -> str:
    """Append the documents' words for English metrology terms and Chinese synonyms, so BM25 and fact
    matching work across languages and wordings. Longer English terms first; a term inside one already glossed
    (metrology law inside implementing rules of the metrology law) adds nothing."""
    extra, taken = [], []
    for en in sorted(P.GLOSSARY_EN, key=len, reverse=True):
        for m in re.finditer(rf"\b{re.escape(en)}\b", norm):
            if not any(a <= m.start() and m.end() <= b for a, b in taken):
                taken.append((m.start(), m.end()))
                extra.append(P.GLOSSARY_EN[en])
                break
    extra += [word for synonym, word in (P.SYNONYMS_ZH | P.EVERYDAY_ZH).items() if synonym in norm]
    return norm + (" " + " ".join(dict.fromkeys(extra)) if extra else "")


def law_words(terms: list[str], norm: str) -> dict[str, list[str]]:
    """Each subject word → the documents' words glossed from the everyday word or synonym it is part of
    (菜市场 → 贸易结算 集市贸易, 用 of 接着用 → 继续 使用): a clause holding those covers the word."""
    found = {key: words.split() for key, words in (P.SYNONYMS_ZH | P.EVERYDAY_ZH).items() if key in norm}
    return {t: list(dict.fromkeys(w for key, ws in found.items() if t in key or key in t for w in ws)) for t in terms}


def arabic_numerals(text: str) -> str:
    """三千项 → 3000项, 百分之九十二 → 92%, 二〇一一年 → 2011年, as documents write them (哪一年 stays)."""
    import cn2an

    def convert(m: re.Match) -> str:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                return cn2an.transform(m.group(0), "cn2an")
            except (ValueError, KeyError):
                return m.group(0)

    return P.CHINESE_QUANTITY.sub(convert, text)


def years_named(norm: str) -> list[int]:
    years = [int(y) for y in re.findall(r"(?<!\d)(20\d\d|19\d\d)(?!\d)", norm)]
    years += [y for plan, y in P.FIVE_YEAR_PLAN_END.items() if plan in norm]
    return sorted(set(years))


def question_type(norm: str, among: tuple[str, ...] | None = None) -> str:
    """The first type of P.QUESTION_TYPES (of those `among`, if given) whose pattern the question matches."""
    return next(
        (t for t, pattern in P.QUESTION_TYPES if (among is None or t in among) and pattern.search(norm)), "general"
    )


def slots(norm: str) -> set[str]:
    """What a question asks for, possibly several things: 几天内向谁申诉 → {duration, body}. A fine's amount is
    the number asked for when both are (罚款多少钱), not a second thing."""
    found = {name for name, pattern in P.ASKS.items() if pattern.search(norm)}
    return found - {"quantity"} if "amount" in found else found


@lru_cache(maxsize=256)
def measure(norm: str) -> str | None:
    """The last word of what a how-much question measures (短缺 of 净含量允许短缺量是多少), if it names one."""
    m = P.ASKED_MEASURE.search(norm)
    words = [t for t in tokenize(m.group("what")) if len(t) >= 2 and t not in P.QUESTION_STOPWORDS] if m else []
    return words[-1] if words else None


def states_measure(norm: str, text: str) -> bool:
    """Whether a text states a number for what the question asks: in the same phrase as the measure's last word
    when the question names one (…抽检合格率达到95% answers no question about 允许短缺量)."""
    head = measure(norm)
    if head is None:
        return bool(P.STATED_QUANTITY.search(fold(text)))
    return any(
        head in phrase and (P.STATED_QUANTITY.search(phrase) or P.TARGET_VALUE.search(phrase))
        for phrase in re.split(r"[,;。:]", fold(text))
    )


def subject_terms(text: str, names: list[str]) -> list[str]:
    """The words of a question that name its subject: no question words, numbers, places or document names."""
    terms = [
        t
        for t in tokenize(text)
        if t not in P.QUESTION_STOPWORDS and not t.isdigit() and not any(t in n + "市省" or n in t for n in names)
    ]
    if any(not t.isascii() for t in terms):  # English words add nothing once glossed into Chinese
        terms = [t for t in terms if not t.isascii()]
    return terms


def english_name(name: str) -> str:
    """浙江 → zhejiang (pypinyin; place names as English questions write them)."""
    from pypinyin import lazy_pinyin

    return "".join(lazy_pinyin(name)).lower()


# --- what the index lets a question name -----------------------------------------------------


class Vocabulary:
    """Regions, places and document names a question can use, read off one index."""

    def __init__(self, index: Index) -> None:
        self.index = index

    @cached_property
    def region_names(self) -> dict[str, str]:
        """Every surface form (lower case) of every region the documents cover → the region."""
        names: dict[str, str] = {}
        for region in self.index.regions:
            names[region] = region
            if region != P.NATIONAL_REGION:
                names[english_name(region)] = region
        if P.NATIONAL_REGION in self.index.regions:
            names |= {alias: P.NATIONAL_REGION for alias in P.NATIONAL_ALIASES}
        return names

    @cached_property
    def doc_names(self) -> dict[str, set[str]]:
        """Names a question may call a document by (its title, short forms of it, its issuer) → doc ids.

        A short form that fits several documents of different series names none of them."""
        found: dict[str, set[str]] = {}
        series_of: dict[str, str] = {}
        for doc_id, n in self.index.notices.items():
            series_of[doc_id] = n.series
            for name in _names_of(n.title, n.issuer, n.kind):
                found.setdefault(name, set()).add(doc_id)
        return {
            name: docs
            for name, docs in found.items()
            if len({series_of[d] for d in docs}) == 1 or name in (fold(n.title) for n in self.index.notices.values())
        }


def _names_of(title: str, issuer: str | None, kind: str) -> set[str]:
    """A document's title, its series key, the key's abbreviations (进口计量器具监督管理办法 → 进口…办法 forms are not
    guessed; 计量法实施细则 → 实施细则), and an issuer's name with and without 办公厅."""
    names = {fold(title).strip("《》"), series_key(title)}
    key = series_key(title)
    if P.DOC_KIND_WORD.search(key):
        names |= {key[start:] for start in range(1, len(key) - 3)}  # 计量法实施细则 → 实施细则 (4 characters at least)
    if issuer and kind == "通知·意见":
        names.add(fold(issuer))
        names.add(P.ISSUER_OFFICE.sub("", fold(issuer)))
    return {n for n in names if len(n) >= 3}


_VOCABULARY: WeakKeyDictionary = WeakKeyDictionary()


def vocabulary(index: Index) -> Vocabulary:
    if index not in _VOCABULARY:
        _VOCABULARY[index] = Vocabulary(index)
    return _VOCABULARY[index]


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    name: str  # canonical Chinese name (a region, a place) or a doc id
    surface: str


def _find(norm: str, names: dict, suffix: str = "") -> list[Mention]:
    """Non-overlapping mentions of `names` in `norm`, longest first; ASCII names as whole words."""
    if not names:
        return []
    alternation = "|".join(
        rf"\b{re.escape(s)}\b" if s.isascii() else re.escape(s) for s in sorted(names, key=len, reverse=True)
    )
    return [
        Mention(
            m.start(),
            m.end(),
            names[m.group(1).lower()]
            if not isinstance(names[m.group(1).lower()], set)
            else ",".join(sorted(names[m.group(1).lower()])),
            m.group(0),
        )
        for m in re.finditer(rf"({alternation}){suffix}", norm, re.IGNORECASE)
    ]


def region_mentions(norm: str, index: Index) -> list[Mention]:
    """The regions the index covers that a question names, in order."""
    voc = vocabulary(index)
    return [m for m in _find(norm, voc.region_names, P.PLACE_SUFFIX) if _is_place_use(norm, m)]


def place_mentions(norm: str, index: Index) -> list[Mention]:
    """Places a question names, covered by a document or not (retriever.places, named by their short names), and
    the regions of the index that are no division of the country (全国 and its aliases)."""
    found = [Mention(p.start, p.end, p.name, p.surface) for p in places.find(norm)]
    for m in region_mentions(norm, index):
        if not any(f.start < m.end and m.start < f.end for f in found):
            found.append(m)
    return sorted(found, key=lambda m: m.start)


def _is_place_use(norm: str, m: Mention) -> bool:
    """Not a place when it is the inside of a word: 全国 in 全国通用 is fine, 海南 in 海南省 fine, 江西 in 浙江西部 not."""
    return not (m.start > 0 and m.surface[0] in "省市" and norm[m.start - 1] in "省市")


def doc_mentions(norm: str, index: Index) -> list[Mention]:
    """Names of documents in a question, each standing as whole words."""
    bounds = places.word_bounds(norm)
    return [
        m
        for m in _find(norm, vocabulary(index).doc_names)
        if m.surface.isascii() or (m.start in bounds and m.end in bounds)
    ]


def named_documents(norm: str, index: Index, found: list[Mention] | None = None) -> list[str]:
    """Documents a question names by title, short title or issuer (计量法 ≠ 计量法实施细则: the longer name wins)."""
    found = doc_mentions(norm, index) if found is None else found
    docs: list[str] = []
    for m in found:
        docs += [d for d in m.name.split(",") if d not in docs]
    return docs


# --- the question -----------------------------------------------------------------------------


def understand(index: Index, question: str, filters: dict | None = None) -> Query:
    """Type, slots, named places, documents, versions and years of a question, and which documents it is about."""
    plain = arabic_numerals(normalize_query(question))
    norm = gloss(plain)
    titled = doc_mentions(norm, index)

    def in_title(m) -> bool:  # 浙江 inside 浙江省计量监督管理条例 names the document
        return any(t.start <= m.start and m.end <= t.end and len(t.surface) > len(m.surface) for t in titled)

    def set_aside(m) -> bool:  # 衡阳，不是郴州: named only to say the question is not about it
        return bool(P.NEGATED_PLACE.search(norm[: m.start]))

    every = [p for p in places.find(norm) if not in_title(p)]
    found = [p for p in every if not set_aside(p)]
    scope = jurisdiction(index, found, {p.start for p in found if P.PLACE_DOCUMENT.match(norm[p.end :])})
    if not every and (
        abroad := places.foreign(to_simplified(question))
    ):  # 在美国得州, in Texas: no law held governs it
        where = abroad[0]
        chain = [(where.name, places.ABROAD)] + (
            [(where.country, places.ABROAD)] if where.country != where.name else []
        )
        scope = Scope(place=where.name, chain=chain, separate=True)
    unheld = next(
        (
            p.surface + m.group(0)
            for p in found
            if p.name == scope.place and not scope.local and (m := P.PLACE_DOCUMENT.match(norm[p.end :]))
        ),
        None,
    )
    mentions = [
        m for m in region_mentions(norm, index) if not in_title(m) and not set_aside(m) and m.name not in scope.names
    ]
    mentions = sorted(mentions + scope.mentions, key=lambda m: m.start)
    named = list(dict.fromkeys(m.name for m in mentions))
    docs = named_documents(norm, index, titled)
    years = years_named(norm)
    ordinal = _ordinal_version(index, norm, docs)
    if ordinal:
        docs = [d for d in docs if index.notices[d].series != index.notices[ordinal].series] + [ordinal]
    old = (
        bool(P.OLD_VERSION.search(norm))
        or _names_an_older_version(index, docs, years)
        or bool(ordinal and index.notices[ordinal].status == "superseded")
    )
    qtype = question_type(norm)
    if len(named) > 1:
        qtype = "comparison"
    national = P.NATIONAL_REGION if P.NATIONAL_REGION in index.regions else None

    def governing(regions: list[str], named_docs: list[str]) -> list[str] | None:
        found = apply_filters(index, _documents(index, regions, named_docs, years, old), filters)
        if scope.place and regions == [national] and qtype in PLAN_TYPES and found is not None:
            found = [
                d for d in found if d in named_docs or (index.notices[d].kind != "通知·意见" and qtype != "target")
            ]
        return found

    doc_ids = governing(named or ([national] if scope.place and national else []), docs)
    tiers = []
    if scope.place and scope.local and not docs and len(named) == 1:
        for region in [*scope.local[1:], *([national] if national else [])]:
            tiers.append((region, governing([region], []) or []))
    elif not (scope.place or named or docs or filters or old) and national and doc_ids is None and qtype != "metadata":
        # a rule asked about with no place named is asked of what holds everywhere: the national documents first,
        # a local one only when they have no clause for it (and the answer says where it applies); a question
        # about a document itself (metadata) is about whichever document it describes
        doc_ids, tiers = governing([national], []), [("", None)]
    first: dict[str, int] = {}
    for m in mentions:
        first.setdefault(m.name, m.start)
    order = sorted(first, key=first.get)
    cuts = [first[r] for r in order]
    segments = {r: norm[a:b] for r, a, b in zip(order, cuts, cuts[1:] + [len(norm)])}
    # the words the question names places and documents with
    names = list(named) + [m.surface for m in titled] + [w for p in every for w in (p.surface, p.name)]
    mentioned = [(tuple(m.name.split(",")), m.surface) for m in titled]
    return Query(
        text=question,
        norm=norm,
        qtype=qtype,
        doc_ids=doc_ids,
        regions=order,
        place=scope.place,
        chain=scope.chain,
        local=scope.local,
        elsewhere=scope.elsewhere,
        tiers=tiers,
        separate=scope.separate,
        unheld=unheld,
        years=years,
        terms=subject_terms(_without_versions(norm), names),
        meanings=law_words(subject_terms(_without_versions(plain), names), plain),
        segments=segments,
        doc_mentions=mentioned,
        slots=slots(norm),
    )


@dataclass
class Scope:
    """Which place a question is about and the regions with documents that govern it."""

    place: str | None = None
    chain: list[tuple[str, str]] = field(default_factory=list)
    local: list[str] = field(default_factory=list)
    elsewhere: list[str] = field(default_factory=list)
    separate: bool = False
    mentions: list[Mention] = field(default_factory=list)  # the places named, as the regions that govern them
    names: set[str] = field(default_factory=set)  # every region of every chain named


def jurisdiction(index: Index, found: list[places.Place], citing: set[int] = frozenset()) -> Scope:
    """The place a question is about and the regions whose documents govern it.

    Places of one province are one place, the most precise of them (上海宝山 → 宝山; 长沙属于湖南 → 长沙). Two
    places that both have documents are a comparison (嘉兴和上海…分别, 湖南省局和郴州…): each answers for itself.
    Otherwise the question is about the place it names most often (the first, on a tie); another region it names
    (我在苏州，听说上海…) is elsewhere and its documents do not answer. A place named only as the region of a
    document the question cites (上海条例规定…，南京也要吗; `citing`: the places' offsets) is not the one asked
    about while another place is named."""
    if not found:
        return Scope()
    groups: dict[str, list[places.Place]] = {}
    for p in found:
        groups.setdefault(p.chain[-1][0], []).append(p)

    def held(p: places.Place) -> list[str]:
        return [name for name, _ in p.chain if name in index.regions]

    names = {name for p in found for name, _ in p.chain}
    covered = [g for g in groups.values() if any(held(p) for p in g)]
    own = {p.name for p in found if p.name in index.regions}  # places that have documents of their own
    if len(covered) >= 2 or len(own) >= 2:
        mentions = [Mention(p.start, p.end, held(p)[0], p.surface) for g in covered for p in g if held(p)]
        return Scope(mentions=mentions, names=names)
    # max keeps the first of equals
    subject = max(groups.values(), key=lambda g: (any(p.start not in citing for p in g), len(g)))
    place = max(subject, key=lambda p: len(p.chain))
    local = held(place)
    elsewhere = [r for g in groups.values() if g is not subject for p in g for r in held(p)]
    mentions = [Mention(p.start, p.end, local[0], p.surface) for p in subject if local]
    return Scope(
        place=place.name,
        chain=place.chain,
        local=local,
        elsewhere=list(dict.fromkeys(elsewhere)),
        separate=place.chain[-1][0] in places.SEPARATE_SYSTEMS,
        mentions=mentions[:1],
        names=names,
    )


def _without_versions(norm: str) -> str:
    """The question without the words that name a version (旧版, 第三次修订): they are no subject."""
    return P.ORDINAL_VERSION.sub(" ", P.OLD_VERSION.sub(" ", norm))


def _ordinal_version(index: Index, norm: str, docs: list[str]) -> str | None:
    """The version a question names by its revision (第三次修订的实施细则): the step with that name in the series'
    histories gives a date; the version of that date (its own, or its file's) is the one meant."""
    m = P.ORDINAL_VERSION.search(norm)
    if not m or not docs:
        return None
    series = {index.notices[d].series for d in docs}
    versions = [n for n in index.notices.values() if n.series in series]
    dates = {e.date for n in versions for e in n.events if f"第{m.group(1)}次{m.group(2)}" in fold(e.text)}
    for n in versions:
        named = P.FILE_DATE.search(n.file)
        if n.date in dates or (named and named.group(0) in dates):
            return n.doc_id
    return None


def _names_an_older_version(index: Index, docs: list[str], years: list[int]) -> bool:
    """A year that dates a superseded version of a named document (2018年版 of a series revised in 2022)."""
    for doc_id in docs:
        notice = index.notices[doc_id]
        if notice.status == "superseded" and any(_version_year(notice) == y for y in years):
            return not any(
                _version_year(index.notices[o]) == y
                for o in docs
                if o != doc_id and index.notices[o].status == "current"
                for y in years
            )
    return False


def _version_year(notice) -> int | None:
    """The year a version is known by: the date its file is named with (计量法实施细则(2018-03-19).md), else its
    own latest date."""
    if m := P.FILE_DATE.search(notice.file):
        return int(m.group(1))
    return notice.year


def _documents(index: Index, regions: list[str], docs: list[str], years: list[int], old: bool) -> list[str] | None:
    """The documents a question is about: those of the regions and documents it names, current versions unless
    it asks for an older one (both when it names years of both, to compare them)."""
    pool = set(index.notices)
    if regions:
        pool &= {d for r in regions for d in index.regions.get(r, [])}
        outside = [d for d in docs if d not in pool]  # 国家实施细则和上海条例: a named document beside a region's
        if outside and pool & set(docs):
            pool = (pool & set(docs)) | set(outside)
        elif outside:
            pool |= set(outside)
    elif docs:
        pool &= set(docs)
    if docs and years and len({_version_year(index.notices[d]) for d in docs} & set(years)) > 1:
        return sorted(d for d in pool if _version_year(index.notices[d]) in years)  # compare two versions
    if old:
        superseded = {d for d in pool if index.notices[d].status == "superseded"}
        if docs:
            superseded &= set(docs)
        pool = superseded or pool
    else:
        pool = {d for d in pool if index.notices[d].status == "current"}
    if not regions and not docs and not old:
        return None if pool == set(index.current) else sorted(pool)
    return sorted(pool)


def apply_filters(index: Index, doc_ids: list[str] | None, filters: dict | None) -> list[str] | None:
    """Narrow the documents by explicit filters: doc_id, region, level, year. Unknown values raise FilterError."""
    if not filters:
        return doc_ids
    allowed = set(index.notices)
    checks = {
        "doc_id": lambda n, v: n.doc_id == v,
        "region": lambda n, v: n.region == v,
        "level": lambda n, v: n.level == v,
        "year": lambda n, v: n.year == int(v),
    }
    for key, value in filters.items():
        if value in (None, ""):
            continue
        if key not in checks:
            raise FilterError(f"unknown filter {key!r}; use one of {', '.join(checks)}")
        matched = {d for d, n in index.notices.items() if checks[key](n, value)}
        if not matched:
            known = sorted({str(getattr(n, key)) for n in index.notices.values()})
            raise FilterError(f"no document has {key}={value!r}; known values: {', '.join(known)}")
        allowed &= matched
    if doc_ids is not None:
        if filters.get("doc_id"):  # a version chosen by id stands, though the question's words pick the current one
            series = {index.notices[d].series for d in doc_ids}
            doc_ids = [d for d, n in index.notices.items() if n.series in series]
        allowed &= set(doc_ids)
    elif "doc_id" not in filters:
        allowed &= set(index.current)
    return sorted(allowed)
