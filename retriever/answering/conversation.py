"""Follow-up questions: turn 那温州呢？ / 换成湖南 / What about Wenzhou? into a standalone question.

Pure functions over the previous (already standalone) question and the new message, so the chat UI and
the HTTP API resolve follow-ups the same way. A message is rewritten only when it is elliptical (a place
or year and nothing else) or starts as a continuation (那…, 它的…, and …); a complete question is kept as is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from retriever import patterns as P
from retriever.answering.lookup import ArticleAsk, article_asked, article_words, name_spans, part_asked
from retriever.documents.clean import fold, to_simplified
from retriever.index import Index
from retriever.answering.query import Mention, doc_mentions, english_name, place_mentions
from retriever.exam.paste import read_item

# Words that only steer a follow-up (那…呢, 换成…, 如果是…的情况); a message made of these plus places
# and years asks the previous question again for the new place or year.
FILLER_ZH = [
    "以及",
    "和",
    "与",
    "及",
    "跟",
    "那么",
    "那个",
    "那",
    "换成",
    "换为",
    "换作",
    "改成",
    "改为",
    "改问",
    "如果是",
    "要是",
    "若是",
    "假如是",
    "请问",
    "同样的问题",
    "同样",
    "同理",
    "这个问题",
    "问题",
    "情况",
    "怎么样",
    "怎样",
    "如何",
    "还有",
    "再问",
    "再看",
    "看看",
    "一下",
    "也是",
    "也",
    "又",
    "一样",
    "呢",
    "吗",
    "呀",
    "啊",
    "的",
    "是",
    "省",
    "市",
    "地区",
    "方面",
    "对于",
    "关于",
]
FILLER_EN = [
    "what",
    "about",
    "how",
    "and",
    "for",
    "in",
    "the",
    "same",
    "question",
    "instead",
    "then",
    "ok",
    "okay",
    "please",
    "case",
    "of",
    "is",
    "it",
]
FILLER = re.compile(
    "|".join(sorted(map(re.escape, FILLER_ZH), key=len, reverse=True)) + r"|\b(?:" + "|".join(FILLER_EN) + r")\b",
    re.IGNORECASE,
)
PUNCT = re.compile(r"[\s，。？！、,.?!：:；;“”\"'（）()]+")
# A year a question names: 2025, 2025年.
YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)(?:\s*年)?")
# The start of a message that continues the previous turn: 那…, 那么…, 还有…, 另外…, And…, What about…
CONTINUATION = re.compile(r"^\s*(?:那么|那个|那|还有|另外|此外|and\b|what about\b|how about\b)[\s，,]*", re.IGNORECASE)
# Words that point back at the notice the previous question was about: 它的文号, 该文件, this notice, its.
POINTER = re.compile(
    r"(?:它的|它|该文件的?|这个文件的?|这份文件的?|该通知的?|这个通知的?|这份通知的?|"
    r"该意见的?|此文件的?|\bthis notice'?s?\b|\bits\b|\bit\b)",
    re.IGNORECASE,
)
# How two places are joined in a question: 南昌和温州, 南昌、温州, Nanchang and Wenzhou.
JOINER = r"(?:以及|和|与|及|跟|、|\s*,\s*|\s+and\s+)"

Kind = Literal["new", "switch", "carry"]


@dataclass(frozen=True)
class Resolved:
    """The question to ask for one chat message, and how it was derived from the previous one."""

    question: str  # standalone: what the engine is asked
    message: str  # what the user typed
    kind: Kind  # new: asked as typed; switch: previous question, new place/year; carry: previous place added

    @property
    def rewritten(self) -> bool:
        return self.question != self.message


def kb_regions(index: Index) -> list[str]:
    """The regions the index's documents cover (南昌, 温州, 浙江, 全国...)."""
    return sorted(index.regions)


def mentions(text: str, index: Index) -> list[Mention]:
    """The places a text names, in order (query.place_mentions on the text's matching form, same positions)."""
    return place_mentions(fold(to_simplified(text)), index)


def _english(region: str) -> str:
    return english_name(region).title()


def _join(regions: list[str], english: bool) -> str:
    if english:
        return " and ".join(_english(r) for r in regions)
    return "和".join(regions)


def _is_elliptical(message: str, places: list[Mention]) -> bool:
    rest = message
    for m in sorted(places, key=lambda m: -m.start):
        rest = rest[: m.start] + " " + rest[m.end :]
    rest = YEAR.sub(" ", rest)
    rest = FILLER.sub(" ", rest)
    return not PUNCT.sub("", rest)


def _switch_places(previous: str, old: list[Mention], new: list[str]) -> str:
    """The previous question about the new places: the first place named is replaced, the others dropped."""
    english = old[0].surface.isascii() if old else not re.search(r"[\u4e00-\u9fff]", previous)
    text = _join(new, english)
    if not old:
        return f"{text}: {previous}" if english else text + previous
    out = previous
    for m in reversed(old[1:]):  # drop later places with the word that joins them to the first
        before = re.search(JOINER + r"$", out[: m.start])
        out = out[: before.start() if before else m.start] + out[m.end :]
    first = old[0]
    return out[: first.start] + text + out[first.end :]


def _switch_years(question: str, years: list[str]) -> str:
    if YEAR.search(question):
        return YEAR.sub(lambda m: years[0] + ("年" if "年" in m.group(0) else ""), question)
    return f"{years[0]}年" + question


def _carry(message: str, regions: list[str]) -> str:
    """A continuation asked again with the previous question's places: 那谁负责？ → 南昌谁负责？"""
    english = not re.search(r"[\u4e00-\u9fff]", message)
    text = _join(regions, english)
    rest = CONTINUATION.sub("", message).strip()
    if POINTER.search(rest):
        possessive = "'s" if english else "的"
        return POINTER.sub(lambda m: text + (possessive if m.group(0).endswith(("的", "s")) else ""), rest, count=1)
    if english:
        return f"{rest.rstrip('?？ ')} in {text}?"
    return text + rest


def resolve(message: str, previous: str | None, index: Index) -> Resolved:
    """The standalone question a chat message asks, given the previous standalone question (or None).

    Places are those query.place_mentions knows: the regions of the index's documents and any other place,
    so 那北京呢？ becomes a question about 北京 that the engine can decline.
    """
    message = message.strip()
    if not previous or read_item(message):  # a pasted exam item stands alone
        return Resolved(message, message, "new")
    if article := _other_article(message, previous):
        return Resolved(article, message, "switch")
    places = mentions(message, index)
    years = [m.group(1) for m in YEAR.finditer(message)]
    if (places or years) and _is_elliptical(message, places):
        question = previous
        if places:
            question = _switch_places(question, mentions(question, index), list(dict.fromkeys(m.name for m in places)))
        if years:
            question = _switch_years(question, years)
        return Resolved(question, message, "switch")
    if not places and P.OTHERWISE_ASK.search(fold(to_simplified(message))):  # 不办的话呢: the previous act not done
        return Resolved(_with_topic(previous, message), message, "carry")
    if not places and (subject := _new_subject(message)):  # 那出租车计价器呢？ after 加油机需要强制检定吗？
        return Resolved(_switch_subject(previous, subject, index), message, "switch")
    continues = CONTINUATION.match(message) or POINTER.search(message) or message.endswith(("呢", "呢？", "呢?"))
    if not places and continues:
        carried = list(dict.fromkeys(m.name for m in mentions(previous, index)))
        if carried:
            return Resolved(_carry(message, carried), message, "carry")
    if not places and _asks_without_subject(message, index):  # 谁来批？ after 进口计量器具要办型式批准吗？
        return Resolved(_of_article(previous, message, index) or _with_topic(previous, message), message, "carry")
    return Resolved(message, message, "new")


# A follow-up that names only a new subject: 那出租车计价器呢？ / 细则呢 / 血压计的呢.
NEW_SUBJECT = re.compile(r"^(?:那么|那个|那|还有|另外)?[\s,，]*(?P<subject>[^\s,，?？。!！]{1,16}?)(?:的)?呢[?？]?$")
# Words that ask rather than name: a message holding one asks a question of its own.
ASKING = re.compile(
    r"什么|多少|多久|多长|谁|哪|怎么|怎样|如何|吗|几|为何|为什么|是否|能否|可否|\b(?:who|what|when|how|which)\b"
)
# The longest follow-up taken to ask about the previous question's subject when it names none of its own.
SHORT_FOLLOW_UP = 10


def _new_subject(message: str) -> str | None:
    said = fold(to_simplified(message.strip()))
    m = NEW_SUBJECT.match(said)
    if not m or ASKING.search(m.group("subject")) or P.OTHERWISE_ASK.search(said):
        return None
    return None if article_asked(m.group("subject")) else m.group("subject")


def _switch_subject(previous: str, subject: str, index: Index) -> str:
    """The previous question about a new subject: the document it named replaced by the one named now (计量法什么时候
    施行 + 细则呢 → 细则什么时候施行), else the words before its first asking or linking word (加油机需要强制检定吗 +
    出租车计价器呢 → 出租车计价器需要强制检定吗), after any place it opens with."""
    before = fold(to_simplified(previous))
    named, was = doc_mentions(subject, index), doc_mentions(before, index)
    if named and was:
        return before[: was[0].start] + subject + before[was[0].end :]
    start = 0
    for m in place_mentions(before, index):
        if m.start == start:
            start = m.end + (1 if before[m.end : m.end + 1] == "的" else 0)
    link = LINK.search(before, start)
    if link is None or link.start() == start:
        return _with_topic(previous, subject + "呢")
    return before[:start] + subject + before[link.start() :]


# Where a question's subject ends: its first asking or linking word (需要, 属于, 要, 是, 有, 什么, 由谁…).
LINK = re.compile(
    r"需要|需不需要|属于|是否|要不要|要|必须|应当|应该|可以|能|是|有|由|归|向|在|什么|多少|谁|哪|怎么|怎样|如何|多久|几"
)


def _asks_without_subject(message: str, index: Index) -> bool:
    """A short question that names no document, article or subject of its own (谁来批？ 多久检定一次？ 这条是哪年
    修改的？): asked of the previous question's subject."""
    said = PUNCT.sub("", fold(to_simplified(message)))
    if len(said) > SHORT_FOLLOW_UP or not ASKING.search(said) or doc_mentions(said, index) or article_asked(said):
        return False
    return bool(POINTER.search(said) or SUBJECT_POINTER.search(said) or CONTINUATION.match(said) or len(said) <= 6)


def _of_article(previous: str, message: str, index: Index) -> str | None:
    """A follow-up about the article the previous question asked for by number, with the article named in it:
    计量法第九条讲什么？ + 这条是哪年修改的？ → 计量法第九条是哪年修改的？; + 违反了怎么罚？ → 违反计量法第九条怎么罚？"""
    before, said = fold(to_simplified(previous)), fold(to_simplified(message))
    asked = article_asked(before)
    if asked is None:
        return None
    named = [start for start, end, _ in name_spans(index, before) if end <= asked.start]
    reference = before[named[-1] if named else asked.start : asked.end]
    if m := SUBJECT_POINTER.search(said):
        return said[: m.start()] + reference + said[m.end() :]
    if m := BREACH_OPENING.match(said):
        return m.group(1) + reference + said[m.end() :]
    return None


# A follow-up opening with a breach of what was asked about: 违反了怎么罚, 不遵守的话会怎样.
BREACH_OPENING = re.compile(r"^((?:如果|要是)?(?:违反|违背|不遵守))(?:了|的话|这条|该条)*[,，]?")
# Words that point back at the previous question's article or thing: 这条, 该条, 这个, 上述.
SUBJECT_POINTER = re.compile(r"这条|该条|此条|本条|这个|这种|上述|这一条|that (?:article|one)|this (?:article|one)")


def _with_topic(previous: str, message: str) -> str:
    """A follow-up that names no subject asked after the previous question's words, as one sentence:
    进口计量器具要办型式批准吗？ + 不办的话会怎么罚 → 进口计量器具要办型式批准，不办的话会怎么罚"""
    topic = re.sub(r"[\s？?。！!]*$", "", previous)
    topic = re.sub(r"(?:吗|呢|(?<![什怎那这多])么|吧)+$", "", topic).rstrip("，,。 ")
    english = not re.search(r"[\u4e00-\u9fff]", previous)
    return f"{topic}, {message[:1].lower()}{message[1:]}" if english else f"{topic}，{message}"


def _other_article(message: str, previous: str) -> str | None:
    """The previous question about the next or previous article, or another paragraph or item of the same one:
    计量法第二十二条是什么内容？ + 下一条呢 → 计量法第二十三条是什么内容？; + 那第二款呢 → …第二十二条第二款…"""
    said, before = fold(to_simplified(message)), fold(to_simplified(previous))
    asked = article_asked(before)
    if asked is None or article_asked(said) is not None:
        return None
    number, para, item = asked.number, None, None
    if P.NEXT_ARTICLE.search(said):
        number += 1
    elif P.PREVIOUS_ARTICLE.search(said) and number > 1:
        number -= 1
    else:
        para, item = part_asked(said)
        if para is None and item is None:
            return None
        para = para or (asked.para if item else None)
    english = not before[asked.start :].startswith("第")
    words = article_words(ArticleAsk(0, 0, number, para, item), english)
    shown = previous if len(before) == len(previous) else before  # the user's own writing where it lines up
    return shown[: asked.start] + words + shown[asked.end :]


def standalone(message: str, history: list[str] | None, index: Index) -> str:
    """The question a message asks after the earlier messages of its conversation (oldest first), each resolved
    on the one before, as the chat does: what POST /ask with `history` answers."""
    previous = None
    for earlier in history or []:
        if earlier and earlier.strip():
            previous = resolve(earlier, previous, index).question
    return resolve(message, previous, index).question


def example_questions(index: Index, n: int = 6) -> list[str]:
    """Questions the documents in the index answer, one per document in turn (newest first): a target of a notice,
    the term an article defines, a time limit. The chat offers them as examples, whatever documents it holds."""
    from retriever.answering.cite import label, quoted_title

    def about(notice) -> list[str]:
        name = quoted_title(notice.title)
        found = []
        for fact in index.facts_of(notice.doc_id):
            if fact.kind == "target" and fact.metric and fact.value and fact.deadline:
                when = "" if fold(fact.deadline) in fold(fact.metric) else fact.deadline
                found.append(f"{label(notice)}{when}{fact.metric}的目标是多少？")
            elif fact.kind == "definition" and fact.subject and len(fact.subject) <= 12:
                found.append(f"{name}中“{fact.subject}”是指什么？")
            elif fact.kind == "responsibility" and fact.units:
                heading = re.sub(
                    r"^[一二三四五六七八九十\d（()）.、]+", "", index.clauses[fact.clause_id].heading
                ).strip("。：: ")
                if 2 <= len(heading) <= 16:
                    found.append(f"{label(notice)}{heading}的责任单位有哪些？")
        return found

    notices = sorted((index.notices[d] for d in index.current), key=lambda x: x.date or "", reverse=True)
    pools = [q for q in (about(x) for x in notices) if q]
    examples: list[str] = []
    while pools and len(examples) < n:
        for pool in list(pools):
            examples.append(pool.pop(0))
            if not pool:
                pools.remove(pool)
            if len(examples) == n:
                break
    return examples
