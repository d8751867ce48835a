"""Parse a document's clean lines into its clause tree: notice clauses (一、 / (一) / 1. / —), the legal
hierarchy of laws and regulations (编 / 章 / 节 / 第X条, with 款 / 项 / 目 inside each article), appended
lists and tables, or — for text in neither style — one clause per paragraph.

Each part of a document is read in its own style: a notice that carries an appended regulation, or
a decree of 一、二、 followed by a table, parses both ways. The style is chosen from the text alone.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from retriever.documents import meta
from retriever import patterns as P
from retriever.documents.clean import Cleaned, NoticeError, clean_text, decode, fold
from retriever.models import Clause, Notice, Part
from retriever.numerals import cn_to_int, int_to_cn, legal_number


@dataclass
class Parsed:
    notice: Notice
    clauses: list[Clause]
    warnings: list[str] = field(default_factory=list)


@dataclass
class _Open:
    """A clause being built."""

    kind: str
    keys: list[str]  # its id below the doc id
    path: str  # readable path
    heading: str
    lines: list[str]
    parent: _Open | None = None
    number: int | None = None  # articles and numbered headings
    level: str = ""  # legal headings: 编 / 分编 / 章 / 节 / "" (un-numbered)

    @property
    def key(self) -> str:
        return self.keys[-1]


# Rank of legal heading levels: a heading closes every open heading of its rank or below.
_RANK = {"appendix": 0, "编": 1, "分编": 2, "章": 3, "节": 4, "": 5}


def _heading(rest: str) -> str:
    """The run-in heading of a notice clause: the text up to its first 。, or the whole short line."""
    head, dot, _ = rest.partition("。")
    if dot and len(head) <= 40:
        return head
    return rest if len(rest) <= 40 else ""


def _marker(folded: str) -> tuple[str, str, str] | None:
    """(kind, number, rest) of a line that opens a notice clause, else None."""
    for kind, pattern in (("chapter", P.CHAPTER), ("section", P.SECTION), ("item", P.ITEM)):
        m = pattern.match(folded)
        if m:
            return kind, m.group(1), m.group(2)
    m = P.PRINCIPLE.match(folded)
    return ("principle", "", m.group(1)) if m else None


def _opens(folded: str) -> bool:
    """Whether a line opens a clause in any style (notice marker, article, legal heading, appendix)."""
    return bool(_marker(folded) or P.ARTICLE.match(folded) or P.LEGAL_HEADING.match(folded) or P.APPENDIX.match(folded))


def _compact(title: str) -> str:
    """总 则 → 总则: spaces that pad a short heading are not part of it."""
    return title.replace(" ", "") if len(title) <= 12 else title.strip()


def _is_bare_line(folded: str) -> bool:
    """A short line that ends in no sentence punctuation: a heading, not a paragraph."""
    return 0 < len(folded) <= P.HEADING_MAX_CHARS and folded[-1] not in P.SENTENCE_FINAL and not _opens(folded)


class _Tree:
    """The state of one pass over a document's body."""

    def __init__(self, lines: list[str], folded: list[str], headings: dict[int, int], continues: bool = False) -> None:
        self.lines, self.folded, self.headings = lines, folded, headings
        self.continues = continues  # a part file of a code: its first article continues the code's numbering
        self.opened: list[_Open] = []
        self.trailer: list[str] = []
        self.warnings: list[str] = []
        self.containers: list[_Open] = []  # open legal headings and appendix, outermost first
        self.article: _Open | None = None
        self.chapter: _Open | None = None  # notice style
        self.section: _Open | None = None
        self.last_article: dict[str, int] = {}  # scope (appendix key or "") -> last article number
        self.principles: dict[int, int] = {}

    # --- where a line goes -----------------------------------------------------------------

    def feed(self, i: int) -> None:
        line, f = self.lines[i], self.folded[i]
        if m := P.APPENDIX.match(f):
            return self._appendix(i, m)
        if m := P.LEGAL_HEADING.match(f):
            return self._legal_heading(line, m)
        if (m := P.ARTICLE.match(f)) and self._starts_article(m):
            return self._article(line, m)
        if self.article is not None and not _marker(f):
            return self._in_article(i)
        if self.article is not None and _marker(f) and _marker(f)[0] in ("section", "item"):
            self.article.lines.append(line)
            return None
        if (mk := _marker(f)) and not self._is_list_entry(mk):
            return self._notice_clause(line, *mk)
        return self._loose(i)

    def _is_list_entry(self, mk: tuple[str, str, str]) -> bool:
        """In an appended list (1.尺 / 2.面积计) a numbered entry is a line of the list, not a clause."""
        kind, _, rest = mk
        in_appendix = any(c.kind == "appendix" for c in self.containers)
        return in_appendix and kind == "item" and _is_bare_line(fold(rest))

    def _scope(self) -> _Open | None:
        return next((c for c in self.containers if c.kind == "appendix"), None)

    def _close_article(self) -> None:
        self.article = None

    def _open(self, node: _Open) -> _Open:
        self.opened.append(node)
        return node

    # --- legal structure -------------------------------------------------------------------

    def _appendix(self, i: int, m) -> None:
        word, num = m.group("kind") or "附件", m.group("num") or ""
        rest = (m.group("rest") or m.group("rest2") or "").strip()
        key = word + num
        title = rest
        nxt = i + 1
        if not title and nxt < len(self.lines) and _is_bare_line(self.folded[nxt]):
            title = self.lines[nxt]
        node = _Open("appendix", [key], key, title.strip("：: "), [self.lines[i]], None, level="appendix")
        self._reset(node)

    def _reset(self, container: _Open | None) -> None:
        """A new top-level part: an appendix (or nothing, after one)."""
        self.containers = [container] if container else []
        self.article = self.chapter = self.section = None
        if container:
            self._open(container)

    def _legal_heading(self, line: str, m) -> None:
        level, num = m.group("level"), m.group("num")
        title = _compact(m.group("title"))
        while (
            self.containers
            and self.containers[-1].kind != "appendix"
            and _RANK[self.containers[-1].level] >= _RANK[level]
        ):
            self.containers.pop()
        parent = self.containers[-1] if self.containers else None
        label = f"第{num}{level}"
        path = (parent.path if parent and parent.kind != "appendix" else "") + label
        if parent and parent.kind == "appendix":
            path = f"{parent.path} {label}"
        kind = {"编": "part", "分编": "part", "章": "chapter", "节": "section"}[level]
        node = _Open(
            kind,
            (parent.keys if parent else []) + [label],
            path,
            title,
            [line],
            parent,
            number=legal_number(num),
            level=level,
        )
        self.containers.append(self._open(node))
        self.article = self.chapter = self.section = None

    def _unnumbered_heading(self, line: str) -> None:
        """A plain line between articles that heads the ones after it (法定计量单位的使用)."""
        title = _compact(line)
        while self.containers and self.containers[-1].level == "":
            self.containers.pop()
        parent = self.containers[-1] if self.containers else None
        numbered = any(c.kind in ("part", "chapter") for c in self.containers)
        node = _Open(
            "section" if numbered else "chapter",
            (parent.keys if parent else []) + [title],
            (f"{parent.path} " if parent else "") + title,
            title,
            [line],
            parent,
            level="",
        )
        self.containers.append(self._open(node))
        self.article = None

    def _starts_article(self, m) -> bool:
        """第X条 at a line start opens an article when it counts on from the last one (or is set apart)."""
        n = legal_number(m.group("num"))
        if n is None:
            return False
        scope = self._scope()
        if n > self.last_article.get(scope.key if scope else "", 0):
            return True
        # A number that does not count on opens an article only when set apart like one (第十条 …),
        # never when the line merely starts by citing it (第十条规定的…).
        return m.group("sep") is not None and not m.group("rest").startswith(("规定", "的", "所"))

    def _article(self, line: str, m) -> None:
        n = legal_number(m.group("num"))
        scope = self._scope()
        scope_key = scope.key if scope else ""
        last = self.last_article.get(scope_key, 0)
        label = f"第{m.group('num')}条" + (m.group("sub") or "")
        if n > last + 1 and not m.group("sub") and not (self.continues and not self.last_article):
            self.warnings.append(
                f"article numbering jumps from 第{int_to_cn(last)}条 to {label}" + (f" in {scope.key}" if scope else "")
            )
        self.last_article[scope_key] = max(last, n)
        container = self.containers[-1] if self.containers else None
        heading = " · ".join(c.heading for c in self.containers if c.kind != "appendix" and c.heading)
        path = (f"{container.path} " if container else "") + label
        node = _Open("article", (scope.keys if scope else []) + [label], path, heading, [line], container, number=n)
        self.article = self._open(node)
        self.chapter = self.section = None

    def _in_article(self, i: int) -> None:
        line, f = self.lines[i], self.folded[i]
        if self._is_heading_between_articles(i):
            return self._unnumbered_heading(line)
        role = meta.line_role(f)
        if role in ("date", "public_note") or (role == "issuer" and i >= len(self.lines) - 3):
            self.trailer.append(line)
            return None
        self.article.lines.append(line)
        return None

    def _is_heading_between_articles(self, i: int) -> bool:
        f = self.folded[i]
        if i in self.headings:
            return True
        if not _is_bare_line(f) or P.DATE_IN_TEXT.fullmatch(f) or P.TABLE_LINE.match(f):
            return False
        nxt = self.folded[i + 1] if i + 1 < len(self.folded) else ""
        return bool(P.ARTICLE.match(nxt) or P.LEGAL_HEADING.match(nxt))

    # --- notice structure ------------------------------------------------------------------

    def _notice_clause(self, line: str, kind: str, num: str, rest: str) -> None:
        self._close_article()
        heading = _heading(line[len(line) - len(rest) :])
        base = self.containers[-1] if self.containers else None
        if kind == "chapter":
            node = self.chapter = _Open(
                kind,
                (base.keys if base else []) + [num],
                (f"{base.path} " if base else "") + f"{num}、",
                heading,
                [line],
                base,
            )
            self.section = None
        elif kind == "section":
            parent = self.chapter or base
            node = self.section = _Open(
                kind,
                (parent.keys if parent else []) + [f"({num})"],
                (parent.path if parent else "") + f"({num})",
                heading,
                [line],
                parent,
            )
        else:
            parent = self.section or self.chapter or base
            keys, path = (parent.keys, parent.path) if parent else ([], "")
            if kind == "principle":
                n = self.principles[id(parent)] = self.principles.get(id(parent), 0) + 1
                node = _Open(kind, keys + [f"—{n}"], path + f"—{n}", heading, [line], parent)
            else:
                node = _Open(kind, keys + [num], path + f"{num}.", heading, [line], parent)
        self._open(node)

    def _loose(self, i: int) -> None:
        """A line that opens nothing: a trailer line, a new part, a heading, or more of the open clause."""
        line, f = self.lines[i], self.folded[i]
        if self._heading_goes_on(i):  # 第四章 犯罪嫌疑人…案件 / 违法所得的没收程序: one title broken over two lines
            node = self.opened[-1]
            node.heading, node.lines[-1] = node.heading + line, node.lines[-1] + line
            return None
        role = meta.line_role(f)
        if role in ("date", "issuer", "public_note"):
            self.trailer.append(line)
            return None
        if self._starts_table(i):
            node = _Open("appendix", ["附件"], "附件", line, [line], None, level="appendix")
            return self._reset(node)
        if (intro := P.PART_INTRO.match(f)) and self.opened:
            topic = intro.group("topic") or f"part{len(self.opened)}"
            self.chapter = self._open(_Open("chapter", [topic], topic, line.rstrip("："), [line]))
            self.section = None
            return None
        if i in self.headings and self.opened and not self.opened[-1].kind == "appendix" and _is_bare_line(f):
            return self._unnumbered_heading(line)
        self.opened[-1].lines.append(line)
        return None

    def _heading_goes_on(self, i: int) -> bool:
        """A bare line right after a numbered legal heading, itself right before an article or heading: the rest of
        the heading's title."""
        node = self.opened[-1] if self.opened else None
        nxt = self.folded[i + 1] if i + 1 < len(self.folded) else ""
        return (
            node is not None
            and node.level in ("编", "分编", "章", "节")
            and len(node.lines) == 1
            and _is_bare_line(self.folded[i])
            and bool(P.ARTICLE.match(nxt) or P.LEGAL_HEADING.match(nxt))
        )

    def _starts_table(self, i: int) -> bool:
        """A bare title line followed by a table: an appended table without an 附件 marker."""
        if not _is_bare_line(self.folded[i]) or not self.opened or self.opened[-1].kind == "appendix":
            return False
        return any(P.TABLE_LINE.match(f) for f in self.folded[i + 1 : i + 3])


def _untitled_title(folded: str) -> bool:
    """A first line that can only be a title: short, no punctuation of a sentence, no clause marker."""
    return meta.bare_title(folded) and not _opens(folded)


def _skip_contents(lines: list[str], folded: list[str], start: int) -> int:
    """A table of contents (目录 and a run of headings) after `start`: the index just past it, else `start`."""
    for i in range(start, min(start + 40, len(folded))):
        if folded[i].replace(" ", "") == "目录":
            j = i + 1
            while j < len(folded) and (P.LEGAL_HEADING.match(folded[j]) or P.APPENDIX.match(folded[j])):
                if j > i + 1 and folded[j].replace(" ", "") == folded[i + 1].replace(" ", ""):
                    break  # the first heading again: the body starts
                j += 1
            return j if j > i + 1 else start
    return start


def _heading_text(folded: str) -> str | None:
    """The text of a line that can head a table-of-contents entry: a legal heading or a notice chapter (二、回避)."""
    if P.LEGAL_HEADING.match(folded) or (P.CHAPTER.match(folded) and _is_bare_line(P.CHAPTER.match(folded).group(2))):
        return folded.replace(" ", "")
    return None


def _contents_run(folded: list[str], start: int) -> int:
    """A table of contents without the word 目录: a run of at least three heading lines from `start`, with nothing
    between them, that recur below as the body's headings. The index just past it, else `start`."""
    j = start
    while j < len(folded) and _heading_text(folded[j]):
        j += 1
    if j - start < CONTENTS_MIN_HEADINGS:
        return start
    below = {_heading_text(f) for f in folded[j:]} - {None}
    run = [_heading_text(f) for f in folded[start:j]]
    return j if all(h in below for h in run) else start


# The fewest headings in a row taken for a table of contents that has no 目录 line.
CONTENTS_MIN_HEADINGS = 3


def parse_lines(
    lines: list[str], doc_id: str, file: str, headings: dict[int, int] | None = None, front_end: int | None = None
) -> Parsed:
    """Header metadata and clause tree of one document's clean lines."""
    headings = headings or {}
    folded = [fold(line) for line in lines]
    body_start = front_end or 0
    first = next((i for i in range(body_start, len(folded)) if _opens(folded[i])), None)
    contents: set[int] = set()  # lines of a table of contents: neither front matter nor text
    if first is not None:
        toc_start = next((i for i in range(body_start, first + 1) if folded[i].replace(" ", "") == "目录"), None)
        toc_end = _skip_contents(lines, folded, toc_start) if toc_start is not None else body_start
        if toc_start is not None and toc_end > toc_start:
            contents = set(range(toc_start, toc_end))
        elif (run_end := _contents_run(folded, first)) > first:
            contents, toc_end = set(range(first, run_end)), run_end
        if contents:
            first = next((i for i in range(toc_end, len(folded)) if _opens(folded[i])), first)
    warnings: list[str] = []
    style_note = None
    if first is None:  # no markers at all: header lines, then every paragraph a clause
        first = (
            front_end
            if front_end is not None
            else next(
                (i for i, f in enumerate(folded) if meta.line_role(f) is None and not (i == 0 and _untitled_title(f))),
                len(lines),
            )
        )
        style_note = "no clause markers found (第X条, 一、, (一) or 1.); each paragraph is a clause"

    if front_end is not None:
        roles = [meta.line_role(f) or "front" for f in folded[:front_end]] + [None] * (first - front_end)
        _mark_repeated_title(folded, roles, front_end, first, headings)
    else:
        roles = [meta.line_role(f) for f in folded[:first]]
    if roles and "title" not in roles and _untitled_title(folded[0]):
        roles[0] = "title"  # a bare first line names the document even in no title pattern's words
    if "title" in roles:  # a title set over lines (最高人民法院 / 关于适用《…》的 / 解释) is one title
        start = roles.index("title")
        stop = meta.title_run(lines, folded, start)[1]
        roles[start:stop] = ["title"] * (stop - start)
    titles = [i for i, r in enumerate(roles) if r == "title"]
    last_title = titles[-1] if titles else -1
    header_end = front_end if front_end is not None else last_title + 1
    header_idx = [i for i in range(first) if (i < header_end or roles[i]) and i not in contents]
    preamble = [ln for i, ln in enumerate(lines[:first]) if i >= header_end and not roles[i] and i not in contents]

    tree = _Tree(lines, folded, headings, continues="part" in roles)
    if style_note:
        for n, line in enumerate(lines[first:], 1):
            tree.opened.append(_Open("paragraph", [f"第{n}段"], f"第{n}段", "", [line]))
        warnings.append(style_note)
    else:
        for i in range(first, len(lines)):
            tree.feed(i)
    warnings += tree.warnings

    clauses: list[Clause] = []
    if preamble:
        clauses.append(_clause(doc_id, "preamble", "preamble", "前言", "", preamble, 0, None))
    seen: set[str] = set()
    for node in tree.opened:
        cid = f"{doc_id}/" + "/".join(node.keys)
        if cid in seen:
            warnings.append(f"clause {node.path} appears twice; the second is kept as {cid}~2")
            cid += "~2"
        seen.add(cid)
        parent_id = f"{doc_id}/" + "/".join(node.parent.keys) if node.parent else None
        clause = _clause(
            doc_id, cid, node.kind, node.path, node.heading, node.lines, len(clauses), parent_id, node.number
        )
        if node.kind == "article":
            clause = clause.model_copy(update={"parts": article_parts(clause.text)})
        elif node.kind == "appendix":
            clause = clause.model_copy(update={"parts": list_parts(clause.text)})
        clauses.append(clause)
    header = [lines[i] for i in header_idx] + tree.trailer
    if header:
        clauses.insert(0, _clause(doc_id, "header", "header", "文件头", "", header, -1, None))
    warnings += _numbering_gaps(tree.opened) + _outside_articles(tree.opened)

    notice = meta.describe(doc_id, file, lines, folded, header_idx, tree.trailer, headings)
    style = _style(tree.opened) if not style_note else "paragraphs"
    return Parsed(notice.model_copy(update={"style": style}), clauses, warnings)


def _mark_repeated_title(folded: list[str], roles: list, start: int, end: int, headings: dict[int, int]) -> None:
    """Lines after the front matter that spell the title again, broken over lines, are part of the front matter."""
    title = next(
        (f for i, (f, r) in enumerate(zip(folded[:start], roles)) if r == "title" or headings.get(i) == 1), None
    )
    if not title:
        return
    key, joined = title.replace(" ", "").lstrip("#"), ""
    for i in range(start, end):
        joined += folded[i].replace(" ", "")
        if not key.startswith(joined):
            return
        if joined == key:
            roles[start : i + 1] = ["title"] * (i + 1 - start)
            return


def _style(opened: list[_Open]) -> str:
    kinds = {n.kind for n in opened}
    articles = "article" in kinds
    notice = bool(
        kinds & {"chapter", "section", "item", "principle"}
        and any(
            n.kind in ("chapter", "section", "item", "principle") and n.level == "" and not n.keys[-1].startswith("第")
            for n in opened
        )
    )
    if articles and notice:
        return "mixed"
    return "articles" if articles else "notice"


def _clause(doc_id, cid, kind, path, heading, lines, position, parent_id, number=None) -> Clause:
    if not cid.startswith(doc_id + "/"):
        cid = f"{doc_id}/{cid}"
    return Clause(
        clause_id=cid,
        doc_id=doc_id,
        kind=kind,
        path=path,
        heading=heading,
        text="\n".join(lines),
        position=position,
        parent_id=parent_id,
        number=number,
    )


# --- parts of an article: 款 / 项 / 目 ------------------------------------------------------


def article_parts(text: str) -> tuple[Part, ...]:
    """The paragraphs (款), items (项) and sub-items (目) of an article's text, with their citation labels.

    Each line is a paragraph unless it opens with (一) (an item of the paragraph before) or 1. (a sub-item
    of the item before); items run inline too (…条件:(一)…;(二)…)."""
    spans: list[tuple[str, str, int, int]] = []  # (kind, marker, start, end), in text order
    offset = 0
    for n, line in enumerate(fold(text).split("\n")):
        base, start, end = offset, offset, offset + len(line)
        offset = end + 1
        if n == 0 and (m := P.ARTICLE.match(line)):
            if not m.group("rest"):
                continue
            start = base + m.start("rest")
        if n and (m := P.SECTION.match(line)):
            spans.append(("项", m.group(1), start, end))
        elif n and (m := P.ITEM.match(line)):
            in_item = bool(spans) and spans[-1][0] in ("项", "目")
            spans.append(("目" if in_item else "项", m.group(1), start, end))
        else:
            spans.append(("款", "", start, end))
            inline = list(P.INLINE_ITEM.finditer(line, start - base))
            if len(inline) >= 2:
                for m, nxt in zip(inline, inline[1:] + [None]):
                    spans.append(("项", m.group(1), base + m.start(), base + (nxt.start() if nxt else len(line))))
    paragraphs = sum(1 for kind, *_ in spans if kind == "款")
    parts: list[Part] = []
    para = item = -1  # indexes into parts
    for kind, marker, start, end in spans:
        if kind == "款":
            parts.append(
                Part(kind="款", label=f"第{int_to_cn(sum(p.kind == '款' for p in parts) + 1)}款", start=start, end=end)
            )
            para, item = len(parts) - 1, -1
            continue
        prefix = parts[para].label if para >= 0 and paragraphs > 1 else ""
        if kind == "项":
            number = f"第{marker}项" if marker.isdigit() else f"第（{marker}）项"
            parts.append(Part(kind="项", label=prefix + number, start=start, end=end))
            item = len(parts) - 1
        else:
            owner = parts[item].label if item >= 0 else prefix
            parts.append(Part(kind="目", label=f"{owner}第{marker}目", start=start, end=end))
            if item >= 0:
                parts[item] = parts[item].model_copy(update={"end": end})
        if para >= 0:  # a paragraph runs on over its items
            parts[para] = parts[para].model_copy(update={"end": max(parts[para].end, end)})
    return tuple(parts)


def list_parts(text: str) -> tuple[Part, ...]:
    """The numbered entries of an appended list (1.尺 / 2.面积计), each an item (项)."""
    parts, offset = [], 0
    for line in fold(text).split("\n"):
        if m := P.ITEM.match(line):
            parts.append(Part(kind="项", label=f"第{m.group(1)}项", start=offset, end=offset + len(line)))
        offset += len(line) + 1
    return tuple(parts)


# --- warnings ----------------------------------------------------------------------------------


def _numbering_gaps(opened: list[_Open]) -> list[str]:
    """Notice clauses: chapters count 1, 2, 3; sections and items restart at 1 under each parent or run on.
    Legal headings count on within their parent. (Article gaps are found while parsing.)"""
    warnings, last = [], {}
    for node in opened:
        if node.kind == "article" or node.kind == "appendix" or node.kind == "paragraph":
            continue
        if node.level:  # 第X章 / 第X节 / 第X编: counted within their parent, or on through the whole text
            scope, whole = ("legal", node.level, id(node.parent)), ("legal", node.level)
            n = node.number or 0
            prev, prev_whole = last.get(scope, 0), last.get(whole, 0)
            if n not in (prev + 1, prev_whole + 1):
                warnings.append(f"{node.level} numbering jumps from {prev} to {node.path}")
            last[scope] = last[whole] = n
            continue
        if node.kind not in ("chapter", "section", "item") or not _is_number(node.key):
            continue
        n = _number(node.key)
        scope = node.kind if node.kind != "chapter" else id(node.parent)
        prev = last.get(scope, 0)
        if n != prev + 1 and not (node.kind != "chapter" and n == 1):
            warnings.append(f"numbering jumps from {prev} to {node.path}")
        last[scope] = n
    return warnings


def _outside_articles(opened: list[_Open]) -> list[str]:
    """Text under a legal heading before its first article: kept with the heading, but no article cites it."""
    return [
        f"text outside any article under {node.path}: {node.lines[1][:30]}…"
        for node in opened
        if node.level in ("编", "分编", "章", "节") and len(node.lines) > 1
    ]


def _is_number(key: str) -> bool:
    key = key.strip("()")
    return key.isdigit() or all(c in "〇零一二三四五六七八九十" for c in key)


def _number(key: str) -> int:
    key = key.strip("()")
    return int(key) if key.isdigit() else cn_to_int(key)


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:16]


def parse_cleaned(cleaned: Cleaned, file: str, doc_id: str) -> Parsed:
    parsed = parse_lines(cleaned.lines, doc_id, file, cleaned.headings, cleaned.front_end)
    parsed.warnings[:0] = cleaned.warnings
    return parsed


def parse_file(data: bytes, file: str, doc_id: str, repairs: dict[str, str] | None = None) -> Parsed:
    """Decode, clean and parse one document file; raises NoticeError with the file name and reason."""
    cleaned = clean_text(decode(data, file), repairs)
    if not any(line.strip() for line in cleaned.lines):
        raise NoticeError(f"{file}: no text left after cleaning (only page furniture); add the document text")
    return parse_cleaned(cleaned, file, doc_id)
