"""Questions answered by lookup, not search: an article by its number (计量法第二十二条, 细则第四十条第二款, 浙江条例
第10条, Article 9 of the Metrology Law), a document's history (adopted, amended, effective, issuer, 文号, current
version) and what changed between two versions of a document.

A question's document is resolved from the short names of the titles in the index (retriever.answering.names), its
version from a year (细则2018年版) or 旧版/新旧, its article from 第X条 — then the clause ids follow from the index.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from weakref import WeakKeyDictionary

from retriever import patterns as P
from retriever.answering import article_answer
from retriever.answering.cite import cite, quoted_title, sentences
from retriever.answering.names import short_names
from retriever.answering.query import Query, _version_year, years_named
from retriever.answering.search import Hit
from retriever.documents.clean import fold
from retriever.documents.meta import series_key
from retriever.index import Index
from retriever.models import Answer, Citation, Clause, Notice
from retriever.numerals import int_to_cn, legal_number

# A title matches a question's words by its character pairs when at least this share of the pairs of the words
# before the article number are in it (水利电力部门那个电测热工规定 → 水利电力部门电测、热工…的规定), and MIN_PAIRS of them.
MIN_PAIR_SHARE = 0.5
MIN_PAIRS = 3
# English ordinals of paragraphs (its second paragraph).
EN_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6}


@dataclass(frozen=True)
class ArticleAsk:
    """An article asked for by number, with the paragraph (款) or item (项) it narrows to, and where it stands."""

    start: int
    end: int
    number: int
    para: int | None = None
    item: int | None = None


def article_asked(norm: str) -> ArticleAsk | None:
    """The first article a question asks for by number: 第二十二条 / 第22条第二款 / Article 9 paragraph 2."""
    m = P.ARTICLE_ASKED.search(norm)
    if m and (number := legal_number(m.group("art"))):
        para = legal_number(m.group("para")) if m.group("para") else None
        item = legal_number(m.group("item")) if m.group("item") else None
        return ArticleAsk(m.start(), m.end(), number, para, item)
    m = P.ARTICLE_ASKED_EN.search(norm)
    if m:
        para = m.group("para") or m.group("para0")
        return ArticleAsk(m.start(), m.end(), int(m.group("art")), int(para) if para else None)
    return None


def articles_asked(norm: str) -> list[ArticleAsk]:
    """Every article a question asks for by number, in order: 第二十二条和第二十三条 → two."""
    found, at = [], 0
    while (ask := article_asked(norm[at:])) is not None:
        found.append(ArticleAsk(ask.start + at, ask.end + at, ask.number, ask.para, ask.item))
        at += ask.end
    return found


def part_asked(norm: str) -> tuple[int | None, int | None]:
    """(paragraph, item) a message asks for alone: 那第二款呢 → (2, None); its second paragraph → (2, None)."""
    m = P.PART_ASKED.search(norm)
    if not m:
        return None, None
    if m.group("en"):
        return EN_ORDINALS[m.group("en").lower()], None
    if m.group("num"):
        return int(m.group("num")), None
    para = legal_number(m.group("para")) if m.group("para") else None
    item = legal_number(m.group("item")) if m.group("item") else None
    return para, item


def article_words(ask: ArticleAsk, english: bool = False) -> str:
    """How a question writes the article: 第二十二条第二款 / Article 22 paragraph 2."""
    if english:
        return f"Article {ask.number}" + (f" paragraph {ask.para}" if ask.para else "")
    text = f"第{int_to_cn(ask.number)}条"
    if ask.para:
        text += f"第{int_to_cn(ask.para)}款"
    if ask.item:
        text += f"第（{int_to_cn(ask.item)}）项"
    return text


# --- which document a question names ---------------------------------------------------------------

_NAMES: WeakKeyDictionary = WeakKeyDictionary()


def name_table(index: Index) -> dict[str, set[str]]:
    """Every short name of every document in the index → the doc ids it fits (all versions of a series). A name
    that is a document's own title (劳动法) names that document only, though another's abbreviation (劳动合同法 →
    劳动法) makes the same word."""
    if index not in _NAMES:
        table: dict[str, set[str]] = {}
        own: dict[str, set[str]] = {}
        for doc_id, notice in index.notices.items():
            for name in short_names(notice.title):
                table.setdefault(name, set()).add(doc_id)
            for name in (fold(series_key(notice.title)), fold(notice.title).strip("《》")):
                own.setdefault(name, set()).add(doc_id)
        _NAMES[index] = table | own
    return _NAMES[index]


def name_spans(index: Index, norm: str) -> list[tuple[int, int, set[str]]]:
    """Non-overlapping names of documents in a question, longest first: (start, end, doc ids)."""
    table = name_table(index)
    alternation = "|".join(re.escape(n) for n in sorted(table, key=len, reverse=True))
    return [(m.start(), m.end(), table[m.group(0)]) for m in re.finditer(alternation, norm)] if table else []


def _by_pairs(index: Index, words: str, whole: bool = False) -> set[str]:
    """The documents whose title holds most character pairs of the words before an article number (or of the
    whole question: then only one document may hold the most)."""
    words = re.sub(r"[^\u4e00-\u9fff]", "", words if whole else words.rsplit(",", 1)[-1])
    pairs = {words[i : i + 2] for i in range(len(words) - 1)}
    if len(pairs) < MIN_PAIRS:
        return set()
    share = {d: sum(p in fold(n.title) for p in pairs) for d, n in index.notices.items()}
    best = max(share.values(), default=0)
    if best < MIN_PAIRS or best / len(pairs) < MIN_PAIR_SHARE:
        return set()
    found = {d for d, s in share.items() if s == best}
    return set() if whole and len({index.notices[d].series for d in found}) > 1 else found


def documents_named(index: Index, norm: str, before: int | None = None) -> set[str]:
    """The documents (all versions) a question names: the name standing last before `before` (the article
    number), else the first anywhere, else the title that shares most of the words before it."""
    found = name_spans(index, norm)
    if before is not None:
        ahead = [f for f in found if f[1] <= before]
        if ahead:
            return max(ahead, key=lambda f: (f[1], f[1] - f[0]))[2]
    if found:
        return found[0][2]
    return _by_pairs(index, norm[:before]) if before is not None else set()


def _by_type_word(index: Index, words: str) -> set[str]:
    """The documents whose title ends with the type word right before an article number (条例第五条)."""
    kind = P.TITLE_TYPE_WORD.search(words.rstrip("的里中 "))
    if not kind or len(kind.group(0)) < 2:
        return set()
    return {d for d, n in index.notices.items() if fold(n.title).strip("《》").endswith(kind.group(0))}


@dataclass
class Choice:
    """The document an answer comes from, and the others the same name fits (named in the answer)."""

    notice: Notice | None
    others: list[Notice]
    year_missing: int | None = None  # a year asked for that no version of the document has


def choose(index: Index, doc_ids: set[str], norm: str) -> Choice:
    """One version of one document: the national one when a name fits several (the others named), none when
    several local ones fit (the question must say which); the version a year or 旧版 names, else the current."""
    series: dict[str, list[Notice]] = {}
    for d in doc_ids:
        series.setdefault(index.notices[d].series, []).append(index.notices[d])
    heads = {s: _current(vs) for s, vs in series.items()}
    if len(series) > 1:
        national = [s for s, n in heads.items() if n.level == "国家"]
        if len(national) != 1:
            return Choice(None, sorted(heads.values(), key=lambda n: n.doc_id))
        chosen = national[0]
    else:
        chosen = next(iter(series))
    others = sorted((n for s, n in heads.items() if s != chosen), key=lambda n: n.doc_id)
    versions = series[chosen]
    years = years_named(norm)
    if years:
        dated = [v for v in versions if _version_year(v) in years or any(_version_year(v) == y for y in years)]
        if dated:
            return Choice(dated[0], others)
        if len(versions) > 1:
            return Choice(heads[chosen], others, year_missing=years[0])
    if P.OLD_VERSION.search(norm.replace("新旧", "")):  # 新旧版本 names both, not the older one
        old = sorted((v for v in versions if v.status == "superseded"), key=lambda v: v.date or "")
        if old:
            return Choice(old[-1], others)
    return Choice(heads[chosen], others)


def _parts(index: Index, notice: Notice) -> list[Notice]:
    """The other parts of a code filed one per 编 (民法典): those sharing its `part_of`, or else its series and date
    (versions differ in date)."""

    def same_code(n: Notice) -> bool:
        if notice.part_of or n.part_of:
            return n.part_of == notice.part_of
        return n.series == notice.series and n.date == notice.date

    return [n for n in index.notices.values() if n is not notice and same_code(n)]


def _current(versions: list[Notice]) -> Notice:
    current = [v for v in versions if v.status == "current"] or versions
    return max(current, key=lambda v: v.date or "")


def versioned_title(notice: Notice) -> str:
    """《中华人民共和国计量法》（2018年10月26日修正版）: every answer names the version it quotes."""
    label = notice.version_label
    return quoted_title(notice.title) + (f"（{label}）" if label != "现行版" else "")


# --- an article by its number ----------------------------------------------------------------------


def numbered_articles(index: Index, doc_id: str) -> dict[int, Clause]:
    """A document's articles by number: its 第X条, or for a document numbered 一、二、 its top-level clauses."""
    clauses = index.clauses_of(doc_id)
    articles = {c.number: c for c in clauses if c.kind == "article" and c.number}
    if articles:
        return articles
    top = {}
    for c in clauses:
        if c.parent_id is None and c.kind not in ("header", "preamble", "appendix"):
            n = legal_number(c.label.rstrip("、.．"))
            if n and n not in top:
                top[n] = c
    return top


def chapter_of(index: Index, clause: Clause) -> str:
    """第四章 计量监督 — the chapters and sections an article lies in, as their headings read."""
    names, parent = [], clause.parent_id
    while parent and parent in index.clauses:
        up = index.clauses[parent]
        if up.kind in ("part", "chapter", "section"):
            names.append(up.text.split("\n")[0].strip())
        parent = up.parent_id
    return " ".join(reversed(names))


def _part_span(clause: Clause, para: int | None, item: int | None) -> tuple[tuple[int, int] | None, str]:
    """The span of the paragraph / item asked for and how it is cited; None and the reason when it is absent."""
    paras = [p for p in clause.parts if p.kind == "款"]
    span = None
    label = ""
    if para:
        if para > max(len(paras), 1):
            return None, f"只有{count_cn(max(len(paras), 1))}款，没有第{int_to_cn(para)}款"
        if paras:
            span = (paras[para - 1].start, paras[para - 1].end)
            label = f"第{int_to_cn(para)}款"
    if item:
        inside = [p for p in clause.parts if p.kind == "项" and (span is None or span[0] <= p.start < span[1])]
        if item > len(inside):
            return None, f"没有第（{int_to_cn(item)}）项"
        span = (inside[item - 1].start, inside[item - 1].end)
        label += f"第（{int_to_cn(item)}）项"
    return span, label


def count_cn(n: int) -> str:
    """How many, in words: 1 → 一, 2 → 两, 12 → 十二."""
    return "两" if n == 2 else int_to_cn(n)


def _own_text(clause: Clause) -> str:
    """The article's text without its own number (第九条 县级以上… → 县级以上…), a substring of the clause."""
    text = clause.text
    label = clause.label
    if text.startswith(label):
        text = text[len(label) :].lstrip(" 　、.．")
    return text.strip()


def _label(clause: Clause, number: int) -> str:
    """第九条; for a document numbered 一、二、 the number as asked and as written: 第八条（八、）."""
    return clause.label if clause.kind == "article" else f"第{int_to_cn(number)}条（{clause.label}）"


def _one_line(text: str) -> str:
    return re.sub(r"\s*\n\s*", "", text)


def article_answer_for(index: Index, q: Query, ask: ArticleAsk) -> Answer | None:
    """The article asked for by number, quoted whole (or its paragraph or item), with its chapter and version;
    None when the question names no document the index holds."""
    doc_ids = documents_named(index, q.norm, ask.start)
    if not doc_ids and q.doc_ids and len({index.notices[d].series for d in q.doc_ids}) == 1:
        doc_ids = set(q.doc_ids)
    if not doc_ids and not (q.place and not q.local):  # 北京条例第五条: no 北京 document, refused as such
        doc_ids = _by_type_word(index, q.norm[: ask.start])
    if not doc_ids:
        return None
    choice = choose(index, doc_ids, q.norm)
    if choice.notice is None:
        names = "、".join(quoted_title(n.title) for n in choice.others)
        return Answer(
            answer=f"“{article_words(ask)}”可能是指以下文件中的条文：{names}。请说明是哪一个文件。",
            abstained=True,
            question_type="general",
        )
    notice = choice.notice
    articles = numbered_articles(index, notice.doc_id)
    if not articles and not _parts(index, notice):
        return None  # not numbered by articles (a notice's 一、(一)): searched
    clause = articles.get(ask.number)
    if clause is None:  # a code held in parts (民法典's 编): the other parts of the same version
        for part in _parts(index, notice):
            articles = numbered_articles(index, part.doc_id) | articles
        clause = articles.get(ask.number)
        notice = index.notices[clause.doc_id] if clause is not None else notice
    if clause is None:
        last = max(articles, default=0)
        return Answer(
            answer=f"{versioned_title(notice)}共{int_to_cn(last)}条[1]，没有{article_words(ArticleAsk(0, 0, ask.number))}。",
            abstained=False,
            question_type="general",
            citations=[cite(index, articles[last], _own_text(articles[last]), 1.0)] if last else [],
        )
    span, part_label = _part_span(clause, ask.para, ask.item)
    missing_part = span is None and (ask.para or ask.item) and part_label
    quote = _own_text(clause) if span is None else clause.text[span[0] : span[1]].strip()
    chapter = chapter_of(index, clause)
    where = f"{_label(clause, ask.number)}{'' if missing_part else part_label}"
    head = f"{versioned_title(notice)}{where}" + (f"（{chapter}）" if chapter else "")
    lines = []
    if missing_part:
        lines.append(f"{versioned_title(notice)}{_label(clause, ask.number)}{part_label}。该条全文如下。")
    direct = _direct(index, q, clause, quote)
    citation = cite(index, clause, direct or quote, 1.0)
    if direct:
        lines.append(f"{head}：{_one_line(direct).rstrip('。；;')}[1]。")
        lines.append(f"原文：“{_one_line(quote)}”")
    else:
        lines.append(f"{head}规定：“{_one_line(quote)}”[1]")
    if choice.year_missing:
        lines.append(f"注：知识库中没有该文件{choice.year_missing}年的版本，以上为现行版本。")
    if choice.others:
        lines.append(f"注：{'、'.join(quoted_title(n.title) for n in choice.others)}也有此简称，以上按全国性文件回答。")
    return Answer(answer="\n\n".join(lines), abstained=False, question_type="general", citations=[citation])


def _direct(index: Index, q: Query, clause: Clause, quote: str) -> str | None:
    """The sentence of the article that answers a question asking more than its text (罚多少, 怎么定义的), if any."""
    rest = P.ARTICLE_TEXT_ASK.sub("", q.norm)
    if P.ARTICLE_TEXT_ASK.search(q.norm) or not q.slots:
        return None
    statement = article_answer.best_statement(index, q, [Hit(clause, 1.0, 1.0, 1.0)])
    if statement is None or article_answer.missing(q, statement) or not rest:
        return None
    found = statement.quote if statement.quote in quote else None
    return found if found and found != quote else None


# --- a document's history -------------------------------------------------------------------------

# Steps of a document's life that answer each aspect asked, as its front matter names them (Event.action).
ASPECT_ACTIONS = {
    "adopted": ("通过",),
    "approved": ("批准",),
    "published": ("发布", "公布", "印发", "颁布"),
    "amended": ("修正", "修订"),
    "effective": ("施行", "实施"),
}
# A history question names its document and the steps asked about; more words of its own than this (型式批准…罚多少)
# make it a question about the document's content, answered by search.
MAX_HISTORY_CONTENT = 1
# How a history line says the front matter leaves an asked step open (没有载明批准的日期和机关).
GAP = "没有"
ASPECT_NAMES = {"adopted": "通过", "approved": "批准", "published": "发布", "amended": "修改", "effective": "施行"}


def history_document(index: Index, q: Query) -> Notice | None:
    """The document a history question is about: named by a short name, by its region, or by most of its title's
    words (an English title glossed); None when none or several are meant."""
    doc_ids = documents_named(index, q.norm)
    if not doc_ids and q.doc_ids and len({index.notices[d].series for d in q.doc_ids}) == 1:
        doc_ids = set(q.doc_ids)
    if not doc_ids:
        doc_ids = _by_pairs(index, q.norm, whole=True)
    if not doc_ids:
        return None
    return choose(index, doc_ids, q.norm).notice


def asks_history(q: Query, notice: Notice) -> bool:
    """Whether a question asks about the document's life rather than about what it says: its words beyond the
    title, the steps and P.HISTORY_WORDS are at most MAX_HISTORY_CONTENT."""
    return len(history_content(q, notice)) <= MAX_HISTORY_CONTENT


def history_content(q: Query, notice: Notice) -> list[str]:
    """The question's words beyond the document's title, the steps of its life and P.HISTORY_WORDS."""
    title = fold(notice.title)
    return [
        t
        for t in q.terms
        if len(t) > 1
        and t not in title
        and t not in P.HISTORY_WORDS
        and not any(p.search(t) for p in P.HISTORY_ASPECTS.values())
    ]


def _header(index: Index, notice: Notice) -> Clause | None:
    return index.clauses.get(f"{notice.doc_id}/header")


def _header_sentence(index: Index, notice: Notice, pattern: re.Pattern) -> tuple[Clause, str] | None:
    """A sentence of the front matter (or the preamble) that matches: 已经…常务会审议通过 of a notice."""
    for part in ("header", "preamble"):
        clause = index.clauses.get(f"{notice.doc_id}/{part}")
        if clause and (found := _sentences_with(clause, pattern)):
            return clause, found[0]
    return None


def _date_words(iso: str) -> str:
    y, m, d = (int(x) for x in iso.split("-"))
    return f"{y}年{m}月{d}日"


def history_answer(index: Index, q: Query, notice: Notice) -> Answer | None:
    """When and by whom a document was adopted, approved, published, amended (how many times), when it takes
    effect, its 文号 and its current version — each from its front matter (`<doc_id>/header`) or its
    effective-date article, cited; None when the question asks none of these."""
    found = {a: m.start() for a, pattern in P.HISTORY_ASPECTS.items() if (m := pattern.search(q.norm))}
    asked = sorted(found, key=found.get)  # in the order the question asks them
    if "history" in asked:  # the whole history, in the order a document lives it
        asked = ["adopted", "approved", "published", "amended", "effective", "number", "version"]
    if not asked:
        return None
    title = versioned_title(notice)
    header = _header(index, notice)
    lines: list[str] = []
    citations: list[Citation] = []

    def cited(clause: Clause | None, quote: str) -> str:
        if clause is None:
            return ""
        for n, c in enumerate(citations, 1):
            if c.clause_id == clause.clause_id:
                return f"[{n}]"
        citations.append(cite(index, clause, quote, 1.0))
        return f"[{len(citations)}]"

    for aspect in asked:
        if aspect in ASPECT_ACTIONS:
            lines += _steps(index, q, notice, aspect, title, header, cited)
        elif aspect == "number":
            if notice.doc_number:
                lines.append(f"{title}的文号为{notice.doc_number}{cited(header, notice.doc_number)}。")
            else:
                lines.append(f"{title}没有载明文号。")
        elif aspect == "version":
            lines.append(_versions_line(index, notice, header, cited))
    lines = [line for line in dict.fromkeys(lines) if line]
    if not lines:
        return None
    if "history" in (a for a, p in P.HISTORY_ASPECTS.items() if p.search(q.norm)):  # steps it has, no gaps listed
        lines = [line for line in lines if GAP not in line] or lines
    lines = lines[:1] + [line.removeprefix(title).lstrip("：") for line in lines[1:]]
    if not citations:  # nothing the front matter states was asked: what it lacks, said
        return Answer(answer="\n".join(lines), abstained=True, question_type="metadata")
    return Answer(answer="\n".join(lines), abstained=False, question_type="metadata", citations=citations)


def _steps(index: Index, q: Query, notice: Notice, aspect: str, title: str, header, cited) -> list[str]:
    """The lines that answer one aspect of a document's life."""
    actions = ASPECT_ACTIONS[aspect]
    steps = [e for e in notice.events if e.action in actions]
    if aspect == "effective":
        fact = next(iter(index.facts_of(notice.doc_id, "effective")), None)
        if fact is not None:
            clause = index.clauses[fact.clause_id]
            return [f"{title}{clause.label}：{_one_line(fact.quote).rstrip('。')}{cited(clause, fact.quote)}。"]
        if steps:
            return [f"{title}自{_date_words(steps[-1].date)}起施行{cited(header, steps[-1].text)}。"]
        if notice.effective:
            return [f"{title}自{_date_words(notice.effective)}起施行{cited(header, '')}。"]
        return [f"{title}没有载明施行日期。"]
    if aspect == "amended":
        ordinal = P.ORDINAL_VERSION.search(q.norm)
        if ordinal:
            named = f"第{ordinal.group(1)}次{ordinal.group(2)}"
            step = next((e for e in steps if named in fold(e.text)), None)
            if step is None:
                return [f"{title}没有{named}的记载（共{count_cn(len(steps))}次{_kinds(steps)}）。"]
            return [f"{title}{named}：{step.text}{cited(header, step.text)}。"]
        if not steps:
            return [f"{title}没有修正或修订的记载。"]
        listed = "；".join(f"{e.text}{cited(header, e.text)}" for e in steps)
        return [f"{title}共{_kinds(steps, count=True)}：{listed}。"]
    if not steps:
        if notice.kind == "通知·意见" and (said := _notice_step(index, notice, aspect)):
            clause, sentence = said
            if aspect == "published":  # the date a notice is dated (its 落款), in its header or not
                return [f"{title}于{sentence}印发{cited(clause, sentence)}。"]
            return [f"{title}：{_one_line(sentence).rstrip('。')}{cited(clause, sentence)}。"]
        return [f"{title}没有载明{ASPECT_NAMES[aspect]}的日期和机关。"]
    chosen = steps[:1] if P.FIRST_STEP.search(q.norm) else steps
    return [f"{title}：" + "；".join(f"{e.text}{cited(header, e.text)}" for e in chosen) + "。"]


def _kinds(steps: list, count: bool = False) -> str:
    """共五次修正 / 四次修订 / 两次修正、一次修订."""
    by: dict[str, int] = {}
    for e in steps:
        by[e.action] = by.get(e.action, 0) + 1
    return "、".join(f"{count_cn(n)}次{action}" for action, n in by.items())


def _notice_step(index: Index, notice: Notice, aspect: str) -> tuple[Clause, str] | None:
    """A notice's own words for a step: 已经…常务会审议通过 (adopted); its date line (published)."""
    if aspect == "adopted":
        return _header_sentence(index, notice, P.HISTORY_ASPECTS["adopted"])
    if aspect == "published" and notice.date:
        header = _header(index, notice)
        words = _date_words(notice.date)
        return (header, words) if header else None
    return None


def _versions_line(index: Index, notice: Notice, header, cited) -> str:
    """Which version is current, and the versions the knowledge base holds."""
    versions = sorted((n for n in index.notices.values() if n.series == notice.series), key=lambda n: n.date or "")
    current = _current(versions)
    last = next((e for e in reversed(current.events) if e.action in ("修正", "修订")), None)
    line = f"现行版本为{versioned_title(current)}"
    if last:
        line += f"（{last.text}）"
    line += cited(_header(index, current), last.text if last else "")
    older = [n for n in versions if n.doc_id != current.doc_id]
    if older:
        line += "；知识库中另有旧版本：" + "、".join(n.version_label for n in older)
    return line + "。"


# --- what changed between versions -----------------------------------------------------------------

# At most this many changed articles are quoted in full; the others are named.
MAX_QUOTED_CHANGES = 4


def _series_versions(index: Index, q: Query, ask: ArticleAsk | None) -> list[Notice]:
    """The versions of the document a question compares (oldest first): a named document with several versions,
    else the only document of the index that has several."""
    doc_ids = documents_named(index, q.norm, ask.start if ask else None)
    if not doc_ids and q.doc_ids:
        doc_ids = set(q.doc_ids)
    series = {index.notices[d].series for d in doc_ids}
    several = {n.series for n in index.notices.values()} if not series else series
    several = [s for s in several if sum(n.series == s for n in index.notices.values()) > 1]
    if len(several) != 1:
        return []
    versions = sorted((n for n in index.notices.values() if n.series == several[0]), key=lambda n: n.date or "")
    return versions if len({v.date for v in versions}) == len(versions) else []  # not the parts of a code


def _pair(versions: list[Notice], years: list[int]) -> tuple[Notice, Notice]:
    """(older, newer): the versions the years name, else the current one and the one before it."""
    named = [v for v in versions if _version_year(v) in years]
    if len(named) >= 2:
        return named[0], named[-1]
    newer = named[-1] if named and named[-1] is not versions[0] else _current(versions)
    before = [v for v in versions if (v.date or "") < (newer.date or "")]
    older = before[-1] if before else versions[0]
    return older, newer


def version_name(notice: Notice) -> str:
    """How people name a version: by the year it is known by (its file's date), with its last step when that
    differs: 2022年3月29日修订版, 2018年版（2017年3月1日修订版）."""
    label, year = notice.version_label, _version_year(notice)
    return label if year is None or label.startswith(str(year)) else f"{year}年版（{label}）"


def _marked(old: str, new: str) -> str:
    """The differences of two texts word by word, as a reader checks them: 新增“…”, 删除“…”, “二十日”改为“十日”."""
    import rjieba

    a, b = list(rjieba.cut(old)), list(rjieba.cut(new))
    changes = []
    for op, i, j, k, m in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        removed, added = "".join(a[i:j]), "".join(b[k:m])
        if op == "insert":
            changes.append(f"新增“{added}”")
        elif op == "delete":
            changes.append(f"删除“{removed}”")
        elif op == "replace":
            changes.append(f"“{removed}”改为“{added}”")
    return "；".join(changes)


def _one_version(index: Index, q: Query, ask: ArticleAsk | None) -> Answer | None:
    """What changed cannot be told when the knowledge base holds one version of the document named: said so."""
    doc_ids = documents_named(index, q.norm, ask.start if ask else None)
    series = {index.notices[d].series for d in doc_ids}
    if len(series) != 1 or len(doc_ids) != 1:
        return None
    notice = index.notices[next(iter(doc_ids))]
    header = _header(index, notice)
    return Answer(
        answer=f"知识库中只有{versioned_title(notice)}一个版本，无法比较各次修改改动了哪些条文。",
        abstained=True,
        question_type="comparison",
        related=[cite(index, header, "", 0.0)] if header else [],
    )


def versions_answer(index: Index, q: Query, ask: ArticleAsk | None) -> Answer | None:
    """The articles whose words differ between two versions of a document, both texts quoted and the
    difference marked; for one article asked, whether it changed."""
    versions = _series_versions(index, q, ask)
    if len(versions) < 2:
        return None
    older, newer = _pair(versions, years_named(q.norm))
    old_articles, new_articles = numbered_articles(index, older.doc_id), numbered_articles(index, newer.doc_id)
    numbers = [ask.number] if ask else sorted(set(old_articles) | set(new_articles))
    both = [n for n in numbers if n in old_articles and n in new_articles]
    changed = [n for n in both if _own_text(old_articles[n]) != _own_text(new_articles[n])]
    changed += [n for n in numbers if (n in old_articles) != (n in new_articles)]
    if ask and ask.number not in old_articles and ask.number not in new_articles:
        return None  # the number is in neither version: looked up as an article, which says so
    names = f"{quoted_title(newer.title)}{version_name(newer)}与{version_name(older)}相比"
    if ask and not changed:
        clause = new_articles.get(ask.number)
        if clause is None:
            return None
        return Answer(
            answer=f"{names}，{clause.label}文字没有变化[1]：“{_one_line(_own_text(clause))}”",
            abstained=False,
            question_type="comparison",
            citations=[cite(index, clause, _own_text(clause), 1.0)],
        )
    if not changed:
        header = _header(index, newer)
        return Answer(
            answer=f"{names}，各条文字没有变化[1]。",
            abstained=header is None,
            question_type="comparison",
            citations=[cite(index, header, "", 1.0)] if header else [],
        )
    if q.terms:  # what the question is about comes first (申请计量认证 → 第三十一条)
        from retriever.answering.search import weighted_coverage

        def about(n: int) -> float:
            clause = new_articles.get(n) or old_articles[n]
            return weighted_coverage(index, q.terms, clause.text + clause.heading, q.idf)

        changed = sorted(changed, key=lambda n: -about(n))
    labels = "、".join(f"第{int_to_cn(n)}条" for n in sorted(changed))
    lines, citations = [], []
    for n in changed[:MAX_QUOTED_CHANGES]:
        old, new = old_articles.get(n), new_articles.get(n)
        if new is not None:
            citations.append(cite(index, new, _own_text(new), 1.0))
        if old is not None:
            citations.append(cite(index, old, _own_text(old), 1.0))
        marks = _marked(_own_text(old), _own_text(new)) if old and new else ("新增该条" if new else "删去该条")
        first_mark = len(citations) - (2 if old and new else 1) + 1
        lines.append(f"第{int_to_cn(n)}条的改动：{marks}。")
        if new is not None:
            lines.append(f"  {version_name(newer)}：“{_one_line(_own_text(new))}”[{first_mark}]")
        if old is not None:
            lines.append(f"  {version_name(older)}：“{_one_line(_own_text(old))}”[{len(citations)}]")
    if ask:
        n = ask.number
        old, new = old_articles.get(n), new_articles.get(n)
        change = _marked(_own_text(old), _own_text(new)) if old and new else ("新增该条" if new else "删去该条")
        lines = [f"{names}，第{int_to_cn(n)}条有改动：{change}。"] + lines[1:]
    else:
        lines.insert(0, f"{names}，共有{count_cn(len(changed))}条文字不同：{labels}。")
    if len(changed) > MAX_QUOTED_CHANGES:
        lines.append(f"（其余{count_cn(len(changed) - MAX_QUOTED_CHANGES)}条从略，可逐条询问。）")
    return Answer(answer="\n".join(lines), abstained=False, question_type="comparison", citations=citations)


def _squeezed(text: str) -> str:
    return re.sub(r"[\W_]", "", fold(text))


def phrase_answer(index: Index, q: Query, ask: ArticleAsk | None) -> Answer | None:
    """Whether a version of a document has words the question quotes (老版细则里有没有“…”这个说法): the articles of
    each version that have them, and the same article of the version asked about when it does not."""
    quoted = P.QUOTED_PHRASE.search(q.norm)
    if not quoted or not P.PHRASE_PRESENCE.search(q.norm):
        return None
    versions = _series_versions(index, q, ask)
    if len(versions) < 2:
        return None
    phrase = _squeezed(quoted.group(1))
    asked = choose(index, {v.doc_id for v in versions}, q.norm).notice or _current(versions)
    having = {
        v.doc_id: [c for c in numbered_articles(index, v.doc_id).values() if phrase in _squeezed(c.text)]
        for v in versions
    }
    own = having[asked.doc_id]
    if own:
        clause = own[0]
        return Answer(
            answer=f"{quoted_title(asked.title)}{version_name(asked)}{clause.label}有“{quoted.group(1)}”的规定[1]："
            f"“{_one_line(_own_text(clause))}”",
            abstained=False,
            question_type="comparison",
            citations=[cite(index, clause, _own_text(clause), 1.0)],
        )
    elsewhere = [(v, c) for v in versions for c in having[v.doc_id] if v.doc_id != asked.doc_id]
    if not elsewhere:
        return None
    lines = [f"{quoted_title(asked.title)}{version_name(asked)}没有“{quoted.group(1)}”的说法。"]
    citations = []
    for v, clause in elsewhere[:2]:
        citations.append(cite(index, clause, _own_text(clause), 1.0))
        lines.append(f"该说法见于{version_name(v)}{clause.label}[{len(citations)}]：“{_one_line(_own_text(clause))}”")
        same = numbered_articles(index, asked.doc_id).get(clause.number or 0)
        if same is not None:
            citations.append(cite(index, same, _own_text(same), 1.0))
            lines.append(f"{version_name(asked)}{same.label}[{len(citations)}]：“{_one_line(_own_text(same))}”")
    return Answer(answer="\n".join(lines), abstained=False, question_type="comparison", citations=citations)


# --- entry point ---------------------------------------------------------------------------------


def answer(index: Index, q: Query) -> Answer | None:
    """The answer a lookup gives (an article by number, a history, a version diff), or None to search."""
    ask = article_asked(q.norm)
    if (said := phrase_answer(index, q, ask)) is not None:
        return said
    if P.VERSIONS_ASK.search(q.norm) and P.VERSION_CUE.search(q.norm):
        if (diff := versions_answer(index, q, ask) or _one_version(index, q, ask)) is not None:
            return diff
    if ask is not None and P.HISTORY_ASPECTS["amended"].search(q.norm) and P.WHEN_ASK.search(q.norm):
        if (when := _article_amended(index, q, ask)) is not None:  # 计量法第九条是哪年修改的
            return when
    if ask is not None and not P.ARTICLE_BREACHED.search(q.norm[: ask.start]):
        asks = articles_asked(q.norm)
        if len(asks) > 1:  # 第二十二条和第二十三条: each quoted in turn
            from retriever.answering.compound import join

            answers = [a for a in (article_answer_for(index, q, one) for one in asks) if a is not None]
            return join(answers) if answers else None
        return article_answer_for(index, q, ask)
    if any(p.search(q.norm) for p in P.HISTORY_ASPECTS.values()) and (notice := history_document(index, q)):
        if not asks_history(q, notice):
            return None
        said = history_answer(index, q, notice)
        if said is not None and history_content(q, notice) and GAP in said.answer:
            return None  # a word of its own the front matter leaves open (由谁起草): the articles may state it
        return said
    return None


def _article_amended(index: Index, q: Query, ask: ArticleAsk) -> Answer | None:
    """When an article was amended: with two versions held, whether its words differ between them; with one, the
    document's amendments, saying that one version cannot show which of them changed the article."""
    if len(_series_versions(index, q, ask)) >= 2:
        return versions_answer(index, q, ask)
    notice = history_document(index, q)
    said = history_answer(index, q, notice) if notice else None
    if said is None or said.abstained:
        return None
    article = article_words(ask)
    said.answer = (
        f"知识库只收录了{versioned_title(notice)}一个版本，无法判断{article}在哪一次修改中改动；"
        f"该文件的修改情况如下。\n{said.answer}"
    )
    return said


def breached_article(index: Index, q: Query) -> Clause | None:
    """The article a question asks the consequence of breaching (违反计量法第九条怎么罚), if the index holds it."""
    ask = article_asked(q.norm)
    if ask is None or not P.ARTICLE_BREACHED.search(q.norm[: ask.start]):
        return None
    doc_ids = documents_named(index, q.norm, ask.start)
    if not doc_ids or (choice := choose(index, doc_ids, q.norm)).notice is None:
        return None
    return numbered_articles(index, choice.notice.doc_id).get(ask.number)


def _sentences_with(clause: Clause, pattern: re.Pattern) -> list[str]:
    return [s.strip() for s in sentences(clause.text) if pattern.search(s)]
