"""Short names people call documents by, derived from their titles — never typed per document.

From a title without 中华人民共和国 and its version note (计量法实施细则, 浙江省计量监督管理条例, 强制检定的工作计量器具
检定管理办法) and its type word (细则, 条例, 办法, 规定, 法): the title itself; the place it opens with and the type
word (浙江条例, 浙江省条例); the first word of its subject and the type word (进口办法); the first characters of its
subject's first two words and the type word (强检办法, 水电规定); for implementing rules, the law's name with 细则 and
the type word alone (细则, 实施细则). A name may fit several documents: lookup decides between them.
"""

from __future__ import annotations

from retriever import patterns as P
from retriever.documents.clean import fold
from retriever.documents.meta import series_key

# Type words that name a document alone when one series has them (细则 = the implementing rules in the index);
# one character (法) never does.
MIN_ALONE = 2


def _words(text: str) -> list[str]:
    """The words of a title's subject, joiners dropped; a four-character word counts as two (水利电力 → 水利 电力)."""
    import rjieba

    words = []
    for word in rjieba.cut(text):
        if P.TITLE_JOINERS.match(word) or not word.strip():
            continue
        words += [word[:2], word[2:]] if len(word) == 4 else [word]
    return words


def short_names(title: str) -> set[str]:
    """Every name a person may call the document with this title by (folded, as questions are matched)."""
    key = fold(series_key(title))
    names = {key, fold(title).strip("《》")}
    kind = P.TITLE_TYPE_WORD.search(key)
    if not kind or kind.start() == 0:
        return names
    word, body = kind.group(0), key[: kind.start()]
    kinds = {word, word.removeprefix("实施")} if word.startswith("实施") else {word}
    place = P.PLACE_PREFIX.match(body)
    if place:
        body = body[place.end() :]
        for k in kinds:
            names |= {place.group("place") + k, place.group(0) + k}
    words = _words(body)
    for k in kinds:
        if words:
            names |= {words[0] + k, body[:2] + k}  # 进口办法, however the subject's first word is cut
        if len(words) >= 2:
            names.add(words[0][0] + words[1][0] + k)
        if P.LAW_TITLE.search(body):  # implementing rules of a law: 计量法细则, and 细则 alone
            names.add(body + k)
        if len(k) >= MIN_ALONE and (k.endswith("细则") or k.startswith("实施")):
            names.add(k)
        if place and words:
            names.add(place.group("place") + words[0] + k)
    return {n for n in names if len(n) >= 2}
