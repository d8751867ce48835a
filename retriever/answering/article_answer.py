"""Answers from laws, regulations and rules: the article (or clause) that answers, the sentences of it that say
what was asked, named by document, article and paragraph (《中华人民共和国计量法》第三十一条：…[1]。).

What a question asks for (query.Query.slots: an amount, a time limit, a body, a list, a definition, a permission)
chooses among the top articles and their sentences, through the facts that fill it. When the best article does
not state what was asked — a fine without an amount, a period without a number — the answer says so and
abstains. A referenced article the answer rests on is cited second; an older version that reads otherwise
is noted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache

from retriever import patterns as P
from retriever.answering.cite import cite, document_name
from retriever.documents.clean import bare, fold
from retriever.index import Index, tokenize
from retriever.models import Citation, Clause, Fact
from retriever.answering.query import Query, states_measure
from retriever.answering.search import Hit, weighted_coverage

# The facts that can fill what a question asks for.
SLOT_FACTS = {
    "amount": ("penalty",),
    "duration": ("time_limit",),
    "body": ("authority", "responsibility"),
    "recipient": ("authority",),
    "list": ("list",),
    "definition": ("definition",),
    "permission": ("rule",),
    "consequence": ("penalty",),
}
# What the article itself must state, or the answer says it does not (a fine's amount, a period's length).
REQUIRED = {"amount": "罚款数额", "duration": "具体期限", "quantity": "具体数值"}
# Articles considered from the top of retrieval.
CANDIDATES = 6
# Score of a statement: idf-weighted share of the question's subject words it holds, plus SLOT_WEIGHT for
# each slot a fact in it fills, plus RANK_WEIGHT / (rank + 1) for where retrieval put its article. Set on the
# eval/regulations.jsonl dev split (run of 2026-11-24).
SLOT_WEIGHT = 0.35
RANK_WEIGHT = 0.15
# A further sentence joins the statement when it adds this much (subject words or a slot).
MIN_GAIN = 0.08
# A sentence fills what was asked only when it is about the question: it holds at least this share of the
# subject words (a fine, a period or a number stated for another matter fills nothing). Same run.
MIN_SLOT_WORDS = 0.2
# What a national document's statement gains when the question names no place. Same run.
NATIONAL_WEIGHT = 0.3
MAX_SENTENCES = 3
# Cosine at which a penalty article of another document restates one (the implementing rules' article for the
# law's; measured over the metrology law's five penalty articles: the restating article 0.972–0.983, an article
# on another offence of the same rules at most 0.972).
RESTATES = 0.97


@dataclass
class Statement:
    """What an article says in answer: its sentences (spans of the clause text) and the facts in them."""

    hit: Hit
    rank: int
    spans: list[tuple[int, int]]
    facts: list[Fact]
    filled: set[str]
    score: float
    words: float  # idf-weighted share of the question's subject words the statement holds

    @property
    def clause(self) -> Clause:
        return self.hit.clause

    @property
    def quote(self) -> str:
        """The exact span from the first sentence to the last."""
        return self.clause.text[self.spans[0][0] : self.spans[-1][1]].strip()

    @property
    def text(self) -> str:
        """The sentences as one statement: 。 between them becomes ；, and the lines of a list run on (joined
        by ； where a line ends without punctuation), so the direct answer is one sentence."""
        parts = [_one_line(self.clause.text[a:b]).rstrip("。；;，,") for a, b in self.spans]
        if parts:  # the answer names the item (第四十一条第（四）项：…), so its marker is not repeated
            parts[0] = ITEM_MARK.sub("", parts[0])
        joined = ""
        for part in (p for p in parts if p):
            joined += ("" if not joined or joined.endswith(("：", ":")) else "；") + part
        return joined


# A notice-style clause's own marker at the start of its text: 八、 / （三） / 2．
CLAUSE_MARK = re.compile(
    r"^\s*(?:[一二三四五六七八九十]{1,3}、|[（(][一二三四五六七八九十]{1,3}[）)]|\d{1,2}[.．、])\s*"
)
# An item's own marker at the start of a statement: （四） / (4) / 4．
ITEM_MARK = re.compile(r"^\s*(?:[（(][一二三四五六七八九十]+[）)]|\d+[.．、])\s*")


def _one_line(text: str) -> str:
    lines = [ln.strip() for ln in text.strip().split("\n") if ln.strip()]
    out = ""
    for line in lines:
        if out and not out.endswith(("。", "；", "：", "，", ";", ":", ",")):
            out += "；"
        out += line
    return out


def _units(clause: Clause) -> list[tuple[int, int]]:
    """Sentence spans of a clause: up to 。, or a line (each item of a list a unit of its own); the article's
    own number is not part of its first sentence."""
    text = clause.text
    spans, start = [], 0
    for m in re.finditer(r"。|\n", text):
        end = m.end() if m.group(0) == "。" else m.start()
        if text[start:end].strip():
            spans.append((start, end))
        start = m.end()
    if text[start:].strip():
        spans.append((start, len(text)))
    if spans:  # the clause's own number (第九条 / 八、) is named by the answer, not quoted
        first = spans[0]
        head = (
            re.match(r"第[^条]{1,8}条(?:之[一二三四五六七八九十]+)?\s*", text[first[0] : first[1]])
            if clause.kind == "article"
            else CLAUSE_MARK.match(text[first[0] : first[1]])
        )
        if head and first[0] + head.end() < first[1]:
            spans[0] = (first[0] + head.end(), first[1])
    return spans


def _with_items(clause: Clause, units: list[tuple[int, int]], chosen: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """An introduction (…下列条件：) chosen without any of its items brings them all: a list is never shown bare; an
    item chosen without its introduction brings the introduction, which says what the item is a case of."""
    items = [(p.start, p.end) for p in clause.parts if p.kind == "项"]
    done = list(chosen)
    for span in chosen:
        if not fold(clause.text[span[0] : span[1]]).rstrip().endswith(":"):
            continue
        following = []
        for unit in units[units.index(span) + 1 :] if span in units else []:
            if not any(a <= unit[0] < b for a, b in items):
                break
            following.append(unit)
        if following and not any(u in chosen for u in following):
            done += following
    for span in chosen:  # an item chosen alone brings the introduction it completes (有下列情况之一的，可…：)
        if not any(a <= span[0] < b for a, b in items) or span not in units:
            continue
        before = units[: units.index(span)]
        intro = next((u for u in reversed(before) if not any(a <= u[0] < b for a, b in items)), None)
        if intro and fold(clause.text[intro[0] : intro[1]]).rstrip().endswith(":"):
            done.append(intro)
    return sorted(set(done))


def _facts_in(facts: list[Fact], text: str, span: tuple[int, int]) -> list[Fact]:
    """Facts whose quote overlaps the span."""
    found = []
    for f in facts:
        at = text.find(f.quote)
        if at >= 0 and at < span[1] and at + len(f.quote) > span[0]:
            found.append(f)
    return found


def _fills(q: Query, facts: list[Fact], text: str) -> set[str]:
    """The slots of the question the facts (and the text) fill: an amount needs a penalty with an amount, a
    definition the term asked about, a quantity a number with its unit."""
    stated = fold(text)
    if not P.FINE_ASK.search(q.norm):  # a fine's amount is no answer to how much of something else
        for f in facts:
            if f.kind == "penalty" and f.value:
                stated = stated.replace(fold(f.value), "")
    filled = {"quantity"} if "quantity" in q.slots and states_measure(q.norm, stated) else set()
    modals = P.MUST_MODALS if P.MUST_ASK.search(q.norm) else P.MAY_MODALS
    for slot in q.slots:
        for f in facts:
            if f.kind not in SLOT_FACTS.get(slot, ()):
                continue
            if slot == "amount" and not f.value and not P.FINE_STATED.search(fold(text)):
                continue
            if slot == "duration" and P.VALIDITY_ASK.search(q.norm) and not P.VALIDITY_STATED.search(f.quote):
                continue  # a period to act in is no answer to how long something stays valid
            if slot == "definition" and f.subject and fold(f.subject) not in q.norm:
                continue
            if slot == "recipient" and f.modal not in P.RECIPIENT_ACTS:
                continue
            if slot == "body" and f.kind == "authority" and f.modal in P.RECIPIENT_ACTS and "recipient" not in q.slots:
                continue  # the body one applies or reports to (向…申请) does not decide: 周期由谁来定 → 由…确定
            if slot == "permission" and not any(m in f.quote for m in modals):
                continue
            filled.add(slot)
        if slot == "body" and any(f.kind == "rule" and f.subject and P.BODY_END.search(fold(f.subject)) for f in facts):
            filled.add(slot)  # 国务院计量行政部门应当… names who must act
        if slot == "permission" and any(f.kind == "list" and _lists_asked(q, f) for f in facts):
            filled.add(slot)  # 加油机需要强制检定吗 → 燃油加油机 in the list of what 实行强制检定
    return filled


def _statement(index: Index, q: Query, hit: Hit, rank: int, about: str | None = None) -> Statement | None:
    """The best statement of one clause for the question: a list or definition fact whole, or the sentences
    that cover the question, most useful first, kept in document order."""
    clause, text = hit.clause, hit.clause.text
    facts = index.facts.get(clause.clause_id, [])
    units = _units(clause)
    if not units:
        return None
    for slot, kind in (("definition", "definition"), ("list", "list")):
        if slot in q.slots:
            whole = [
                f
                for f in facts
                if f.kind == kind and f.quote in text and (kind == "list" and len(f.items) >= 2 or kind != "list")
            ]
            if whole:
                best = max(
                    whole,
                    key=lambda f: (
                        _names_term(q, f),
                        weighted_coverage(index, q.terms, f.quote, q.idf),
                        -text.find(f.quote),
                    ),
                )
                at = text.find(best.quote)
                spans = [(at, at + len(best.quote))]
                # a list is about what its introduction says, not about the words of its items
                focus = (best.subject or "") if kind == "list" and "\n" in best.quote else about
                return _scored(index, q, hit, rank, spans, facts, focus)
    chosen: list[tuple[int, int]] = []
    remaining = list(units)
    current = None
    while remaining and len(chosen) < MAX_SENTENCES:
        options = [(_scored(index, q, hit, rank, sorted(chosen + [u]), facts, about), u) for u in remaining]
        best, unit = max(options, key=lambda o: (o[0].score, -o[1][0]))
        if current is not None and best.score - current.score < MIN_GAIN:
            break
        chosen.append(unit)
        remaining.remove(unit)
        current = best
    if current is not None:
        spans = _with_provisos(clause, units, _with_items(clause, units, current.spans))
        if spans != current.spans:
            current = _scored(index, q, hit, rank, spans, facts, about)
    return current


def _with_provisos(
    clause: Clause, units: list[tuple[int, int]], chosen: list[tuple[int, int]]
) -> list[tuple[int, int]]:
    """A sentence chosen brings the proviso that follows it in its paragraph (…不受此限, 但…除外): the rule is
    not quoted without its exception."""
    done = list(chosen)
    for span in chosen:
        if span not in units or (at := units.index(span)) + 1 >= len(units):
            continue
        follower = units[at + 1]
        if "\n" not in clause.text[span[1] : follower[0]] and P.PROVISO.search(clause.text[follower[0] : follower[1]]):
            done.append(follower)
    return sorted(set(done))


def _lists_asked(q: Query, fact: Fact) -> bool:
    """Whether a list names the thing the question asks about, under an introduction that says what it asks:
    an item holds a subject word and the introduction another."""
    words = [t for t in q.terms if len(t) >= 2]
    in_items = {t for t in words if any(t in fold(item) for item in fact.items)}
    return bool(in_items) and any(t in fold(fact.subject or "") for t in words if t not in in_items)


def _names_term(q: Query, fact: Fact) -> int:
    """How long the defined term is that the question names (0 when it names none): 社会公用计量标准 beats 计量标准."""
    return len(fact.subject) if fact.subject and fold(fact.subject) in q.norm else 0


def _scored(
    index: Index,
    q: Query,
    hit: Hit,
    rank: int,
    spans: list[tuple[int, int]],
    facts: list[Fact],
    about: str | None = None,
) -> Statement:
    """A statement of these spans, scored; `about` is the text its subject words are counted in, if not the spans."""
    text, heading = hit.clause.text, hit.clause.heading
    terms = q.terms + _other_names(q, hit.clause)
    joined = "".join(text[a:b] for a, b in spans)
    inside, filled = [], set()
    for span in spans:
        facts_here = _facts_in(facts, text, span)
        inside += facts_here
        # a fine for another act fills nothing; the article retrieval ranks first (in other words) may
        near = weighted_coverage(index, terms, (about or "") + text[span[0] : span[1]] + heading, q.idf)
        if near >= MIN_SLOT_WORDS or (rank == 0 and P.FINE_ASK.search(q.norm)):
            filled |= _fills(q, facts_here, text[span[0] : span[1]])
    words = weighted_coverage(index, terms, (joined if about is None else about) + heading, q.idf)
    score = words + SLOT_WEIGHT * len(filled) + RANK_WEIGHT / (rank + 1)
    if not q.regions and index.notices[hit.clause.doc_id].level == "国家":
        score += NATIONAL_WEIGHT  # a question naming no place asks about the national rules first
    if "changed" in q.slots and _differs_from_older(index, hit.clause):
        score += SLOT_WEIGHT  # 现行…新增了什么: the article this version changed
    if (
        "list" in q.slots
        and (head := _list_head(q.norm))
        and any(f.kind == "list" and _lists(f, head, q) for f in facts if any(_overlaps(f, text, s) for s in spans))
    ):
        score += SLOT_WEIGHT  # the list of what was asked for (哪些行为 → 不得有下列行为)
    return Statement(hit, rank, spans, inside, filled, score, words)


def _overlaps(fact: Fact, text: str, span: tuple[int, int]) -> bool:
    return bool(_facts_in([fact], text, span))


# Part-of-speech tags (jieba's) that continue a noun phrase besides the n* tags: idioms and set phrases
# (违法行为), verbal and adjectival nouns (测试, 安全), abbreviations.
NOUN_TAGS = {"l", "vn", "an", "j"}


@lru_cache(maxsize=256)
def _list_head(norm: str) -> str | None:
    """The thing a list question asks about, the last word of its noun phrase: 哪些计量违法行为 → 违法行为,
    哪几种方式授权… → 方式 (the phrase ends at its first verb), 职责有哪些 → 职责."""
    m = P.LIST_HEAD.search(norm)
    if not m:
        return None
    if m.group("after"):
        import rjieba

        nouns = []
        for word, tag in rjieba.tag(m.group("after")):
            if not (tag.startswith("n") or tag in NOUN_TAGS):
                break
            nouns.append(word)
        words = [w for w in nouns if len(w) >= 2 and w not in P.QUESTION_STOPWORDS]
    else:
        words = [t for t in tokenize(m.group("before")) if len(t) >= 2 and t not in P.QUESTION_STOPWORDS]
    return words[-1] if words else None


def _lists(fact: Fact, head: str, q: Query) -> bool:
    """Whether a list's introduction lists what `head` names: 不得有下列行为 lists 行为 (and 违法行为);
    …行为，可以行使下列职权 does not. A question about what is forbidden (禁止哪些) asks for a list of prohibitions."""
    intro = fold(fact.subject or "")
    if P.PROHIBITION.search(q.norm):
        if not P.PROHIBITION.search(intro):
            return False
        if head in P.PROHIBITION.split(intro)[0]:  # 校准机构有哪些事不能做: what the one named must not do
            return True
    listed = P.LISTED_NOUN.search(intro)
    if not listed:
        return head in intro
    noun = listed.group(1) or listed.group(2)
    return head in noun or head[-2:] in noun  # 违法行为 asks for a kind of the 行为 listed


def _older_articles(index: Index, clause: Clause) -> list[Clause]:
    """The same article (by number) in the versions this document superseded."""
    number = clause.clause_id.split("/", 1)[1]
    return [
        same
        for old in index.notices.values()
        if old.superseded_by == clause.doc_id
        if (same := index.clauses.get(f"{old.doc_id}/{number}")) is not None
    ]


def _differs_from_older(index: Index, clause: Clause) -> bool:
    """Whether the next older version of the document words this article otherwise."""
    return any(bare(same.text) != bare(clause.text) for same in _older_articles(index, clause))


def _other_names(q: Query, clause: Clause) -> list[str]:
    """The words of the names of other documents the question names: a clause never repeats its own document's
    name, but may speak of another (计量法第三十三条 on 实施细则, 办法第一条 on 《计量法》第九条)."""
    return [
        t
        for docs, surface in q.doc_mentions
        if clause.doc_id not in docs
        for t in tokenize(surface)
        if t not in P.QUESTION_STOPWORDS
    ]


def statement_with(index: Index, q: Query, clause: Clause, quote: str) -> Statement:
    """The statement of one clause for the question that holds `quote` (its effective-date sentence, say)."""
    hit = Hit(clause, 0.0, 1.0, 0.0)
    facts = index.facts.get(clause.clause_id, [])
    best = _statement(index, q, hit, 0)
    at = clause.text.find(quote)
    spans = list(best.spans) if best else []
    if at >= 0 and not any(a <= at < b for a, b in spans):
        spans = sorted(spans + [u for u in _units(clause) if u[0] <= at < u[1] or at <= u[0] < at + len(quote)])
    return _scored(index, q, hit, 0, spans, facts)


def best_statement(index: Index, q: Query, hits: list[Hit]) -> Statement | None:
    """The statement that answers best among the top clauses (and, for a definition, the clauses that define
    the term asked about); ties go to the better-ranked clause."""
    candidates = list(hits[:CANDIDATES])
    referred: dict[str, Clause] = {}  # a penalty article -> the article it was found through
    # the lists of what was asked for and the definitions of the term asked about, wherever they rank
    wanted = {}
    if "list" in q.slots and (head := _list_head(q.norm)):
        wanted["list"] = lambda f: _lists(f, head, q)
    if "definition" in q.slots:
        wanted["definition"] = lambda f: bool(f.subject) and fold(f.subject) in q.norm
    docs = set(q.doc_ids) if q.doc_ids is not None else index.current
    seen = {h.clause.clause_id for h in candidates}
    for kind, fits in wanted.items():
        for fact in index.facts_of(kind=kind):
            if fact.doc_id in docs and fact.clause_id not in seen and fits(fact):
                seen.add(fact.clause_id)
                candidates.append(Hit(index.clauses[fact.clause_id], 0.0, 0.0, 0.0))
    if q.slots & {"consequence", "amount"}:  # a penalty written by reference: 违反本条例第二十六条规定…处…罚款
        for hit in list(candidates):
            for ref_id in index.referrers.get(hit.clause.clause_id, []):
                if ref_id in referred or not any(f.kind == "penalty" for f in index.facts.get(ref_id, [])):
                    continue
                if index.clauses[ref_id].doc_id not in docs | index.current:
                    continue  # an older version's penalty for it answers only when that version is asked for
                if any(c.clause.clause_id == ref_id for c in candidates[: candidates.index(hit)]):
                    continue  # ranked above the article it refers to: it stands on its own words
                referred[ref_id] = hit.clause  # found through the article it punishes (ranked at least as high)
                if ref_id not in seen:
                    seen.add(ref_id)
                    candidates.append(Hit(index.clauses[ref_id], hit.score, hit.dense, hit.coverage))
    restating: dict[str, Clause] = {}  # a penalty article restating another -> that article
    if "amount" in q.slots:  # a law's fine left open (可以并处罚款), its amount set where another document restates it
        for hit in list(candidates):
            found = restatement(index, hit.clause)
            if found and found not in seen:
                restating[found] = hit.clause
                seen.add(found)
                candidates.append(Hit(index.clauses[found], hit.score, hit.dense, hit.coverage))
    candidates = [h for h in candidates if h.clause.kind != "header"]  # front matter answers metadata only
    found = []
    for r, h in enumerate(candidates):
        if h.clause.clause_id in referred:  # scored on the words of the article it punishes breaches of
            source = referred[h.clause.clause_id]
            rank = next(i for i, c in enumerate(candidates) if c.clause is source)
            s = _statement(index, q, h, rank, about=source.text)
        elif h.clause.clause_id in restating:  # on its own words, ranked where the article it restates is
            source = restating[h.clause.clause_id]
            s = _statement(index, q, h, next(i for i, c in enumerate(candidates) if c.clause is source))
        else:
            s = _statement(index, q, h, r)
        if s is not None:
            found.append(s)
    return max(found, key=lambda s: (s.score, -s.rank)) if found else None


def restatement(index: Index, clause: Clause) -> str | None:
    """The penalty article of another current document of the same region that restates a penalty article:
    an implementing regulation repeats the law's offence and sets the fine the law leaves open (法 …可以并处罚款 →
    实施细则 …处以1000元以下的罚款). The nearest such article by meaning, when it is at least RESTATES near."""
    if not any(f.kind == "penalty" for f in index.facts.get(clause.clause_id, [])):
        return None
    region = index.notices[clause.doc_id].region
    among = [
        f.clause_id
        for d in sorted(index.current)
        if d != clause.doc_id and index.notices[d].region == region
        for f in index.facts_of(d, "penalty")
    ]
    nearest = index.nearest_clause(clause.clause_id, list(dict.fromkeys(among)))
    return nearest[0] if nearest and nearest[1] >= RESTATES else None


def missing(q: Query, statement: Statement) -> str | None:
    """What the question asks that the clause does not state (a fine's amount, a time limit; the items of a list
    asked for one by one, 具体包括哪些, where the article sets only what they have in common), if anything."""
    if P.ITEMS_ASK.search(q.norm):
        head = _list_head(q.norm)
        if not any(
            f.kind == "list" and len(f.items) >= 2 and (head is None or _lists(f, head, q)) for f in statement.facts
        ):
            return "具体名单"
    return next((what for slot, what in REQUIRED.items() if slot in q.slots and slot not in statement.filled), None)


def title_of(index: Index, clause: Clause) -> str:
    """《中华人民共和国计量法实施细则》（2022年3月29日修订版） — the version when others are in the knowledge base."""
    return document_name(index, index.notices[clause.doc_id])


def where(clause: Clause) -> str:
    """第九条 / 附件 / 一、 — how an answer names the clause after the document."""
    if clause.kind in ("header",):
        return ""
    if clause.kind == "preamble":
        return "序言"
    return clause.label


def compose(index: Index, q: Query, statement: Statement) -> tuple[str, list[Citation]]:
    """The answer text and its citations: the statement, a referenced article it rests on, an older version."""
    clause = statement.clause
    first = cite(index, clause, statement.quote, statement.hit.dense)
    part = first.part or ""
    direct = f"{title_of(index, clause)}{where(clause)}{part}：{statement.text}[1]。"
    citations = [first]
    lines = [direct]
    if ref := _referenced(index, clause, statement.quote):
        target, quote = ref
        citations.append(cite(index, target, quote, statement.hit.dense))
        lines.append(
            f"所引{title_of(index, target) if target.doc_id != clause.doc_id else ''}{where(target)}："
            f"“{_one_line(quote).rstrip('。')}”[{len(citations)}]。"
        )
    if older := _older_version(index, clause, statement.quote):
        old_clause, old_sentence = older
        citations.append(cite(index, old_clause, old_sentence, 0.0))
        lines.append(
            f"注：该条在{index.notices[old_clause.doc_id].version_label}中的规定与现行版本不同："
            f"“{_one_line(old_sentence).rstrip('。')}”[{len(citations)}]。"
        )
    return "\n\n".join(lines), citations


def _first_sentence(clause: Clause) -> str:
    units = _units(clause)
    return clause.text[units[0][0] : units[0][1]].strip() if units else clause.text


def _referenced(index: Index, clause: Clause, quote: str) -> tuple[Clause, str] | None:
    """The article a statement refers to (依照本细则第十七条 …), and the part of it referred to."""
    start = clause.text.find(quote)
    for ref in clause.refs:
        if ref.target and start <= ref.start < start + len(quote) and ref.target in index.clauses:
            target = index.clauses[ref.target]
            part = next((p for p in target.parts if p.label == ref.part), None) if ref.part else None
            text = target.text[part.start : part.end].strip() if part else _first_sentence(target)
            return target, text
    return None


def _older_version(index: Index, clause: Clause, statement: str) -> tuple[Clause, str] | None:
    """The same article in the next older version of the document, when the words the answer quotes differ
    there: the older article and its sentence closest to the statement."""
    ours = bare(statement)
    for same in _older_articles(index, clause):
        if ours in bare(same.text):
            continue  # the older version says the same
        units = [same.text[a:b].strip() for a, b in _units(same)]
        closest = max(units, key=lambda s: (SequenceMatcher(None, bare(s), ours).ratio(), -units.index(s)), default="")
        if closest and bare(closest) not in ours:
            return same, closest
    return None
