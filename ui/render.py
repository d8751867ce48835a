"""HTML and Markdown for the chat UI: answers, the sources panel, a clause in its place, a notice's clause tree.

Everything taken from notices or questions is escaped here; the quote is the only thing marked up (<mark>).
"""

from __future__ import annotations

import re
from html import escape
from urllib.parse import quote

from retriever.index import Index
from retriever.models import Answer, Citation, Clause, Fact, Notice

MARKER = re.compile(r"\[(\d{1,2})\]")
FACT_NAMES = {
    "responsibility": "责任单位",
    "target": "目标",
    "deadline": "期限",
    "penalty": "处罚",
    "time_limit": "时限",
    "effective": "施行",
    "authority": "主管机关",
    "definition": "定义",
    "rule": "规定",
    "list": "列举",
}
# The facts the browse summary counts, in this order, and the kinds of facts listed under each clause.
SUMMARY_FACTS = ("responsibility", "target", "deadline", "penalty", "time_limit", "authority", "definition", "list")
SHOWN_FACTS = set(SUMMARY_FACTS) | {"effective"}  # rule facts (every 应当/不得 sentence) would drown the rest
NEIGHBOUR_CHARS = 70  # how much of a neighbouring clause the context view shows


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _short(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit] + "…"


def highlight(text: str, quote: str, css: str = "quote") -> str:
    """The clause text, escaped, with the supporting quote wrapped in <mark> (its first occurrence)."""
    at = text.find(quote) if quote else -1
    if at < 0:
        return _e(text)
    end = at + len(quote)
    return f'{_e(text[:at])}<mark class="{css}">{_e(quote)}</mark>{_e(text[end:])}'


def notice_line(notice: Notice | None) -> str:
    """类别 · 地区 · 日期 · 文号 (· 已被新版本取代), with 未载明 where the document does not state it."""
    if notice is None:
        return ""
    parts = [notice.kind] if notice.kind != "未知" else []
    parts += [notice.region or "地区未载明", notice.date or "日期未载明"]
    if notice.doc_number:
        parts.append(notice.doc_number)
    if notice.status == "superseded":
        parts.append("旧版本，已被新版本取代")
    return " · ".join(parts)


# --- chat ---------------------------------------------------------------------------------


def md_text(text: str) -> str:
    """Notice text safe inside Chat Markdown: HTML and Markdown punctuation neutralised, [n] styled."""
    text = escape(text, quote=False)
    text = re.sub(r"([\\`*_#|~])", r"\\\1", text)
    return MARKER.sub(r'<sup class="cite-marker">[\1]</sup>', text).replace("\n", "  \n")


def answer_markdown(answer: Answer, asked: str | None = None) -> str:
    """The chat bubble for an answer: the rewritten question if any, then the answer with its [n] markers.

    An abstained answer opens with a warning line so it cannot be mistaken for a cited one.
    """
    lines = []
    if asked:
        lines.append(f'<small class="resolved">按上下文理解为：{md_text(asked)}</small>\n')
    if answer.abstained:
        lines.append('<span class="badge badge-abstained">未找到可引用的答案</span>\n')
        lines.append("> " + md_text(answer.answer).replace("\n", "\n> "))
        if answer.related:
            lines.append("\n右侧列出的相关条款仅供参考，并非答案。")
    else:
        lines.append(md_text(answer.answer))
        n = len(answer.citations)
        lines.append(
            f'\n<span class="badge badge-cited">已核对引文</span> '
            f'<small class="cited">引用 {n} 处条款，见右侧“引用来源”。</small>'
        )
    return "\n".join(lines)


def error_markdown(message: str) -> str:
    return f'<span class="badge badge-error">出错了</span>\n\n{md_text(message)}'


def _card(n: str, c: Citation, notice: Notice | None, related: bool, page: int | None = None) -> str:
    css = "source related" if related else "source"
    pdf = (
        f'<a class="source-page" href="/documents/{quote(c.doc_id)}/original#page={page}" target="_blank" '
        f'rel="noopener">原文 PDF 第{page}页</a> · '
        if page
        else ""
    )
    return (
        f'<div class="{css}" data-source="{_e(n)}" role="button" tabindex="0" title="点击查看该条款在原文中的位置">'
        f'<div class="source-head"><span class="source-n">{_e(n)}</span>'
        f'<span class="source-title">《{_e(c.title)}》</span></div>'
        f'<div class="source-meta">{_e(notice_line(notice))} · <b>{_e(c.clause)}{_e(c.part or "")}</b>'
        f"{(' · ' + _e(c.version)) if c.version else ''}</div>"
        f'<div class="source-text">{highlight(c.text, c.quote)}</div>'
        f'<div class="source-go">{pdf}在原文中查看 ›</div></div>'
    )


def source_keys(answer: Answer) -> list[tuple[str, Citation]]:
    """Each citation and related clause with the label its card shows: [1], [2]... then 相关1, 相关2..."""
    keys = [(f"[{i}]", c) for i, c in enumerate(answer.citations, 1)]
    return keys + [(f"相关{i}", c) for i, c in enumerate(answer.related, 1)]


def _page(index: Index | None, c: Citation) -> int | None:
    """The PDF page a cited clause starts on, when its document was read from a PDF."""
    clause = index.clauses.get(c.clause_id) if index is not None else None
    return clause.page if clause is not None else None


def sources_html(answer: Answer | None, index: Index | None) -> str:
    """The sources panel: one card per citation (quote highlighted), then related clauses, marked as such."""
    if answer is None:
        return '<div class="sources-empty">提问后，这里列出答案引用的条款；点击条款可查看它在原文中的位置。</div>'
    notices = index.notices if index is not None else {}
    cited = [(k, c) for k, c in source_keys(answer) if k.startswith("[")]
    related = [(k, c) for k, c in source_keys(answer) if not k.startswith("[")]
    parts = []
    if cited:
        parts.append(f'<div class="sources-title">引用来源（{len(cited)}）</div>')
        parts += [_card(k, c, notices.get(c.doc_id), False, _page(index, c)) for k, c in cited]
    elif answer.abstained:
        parts.append('<div class="sources-abstained">未找到可引用的答案：没有条款支持回答。</div>')
    if related:
        title = "相关条款（仅供参考，并非答案）" if answer.abstained else f"其他相关条款（{len(related)}）"
        cards = "".join(_card(k, c, notices.get(c.doc_id), True, _page(index, c)) for k, c in related)
        if answer.abstained:
            parts.append(f'<div class="sources-title related-title">{title}</div>{cards}')
        else:
            parts.append(f'<details class="more"><summary>{title}</summary>{cards}</details>')
    return "".join(parts)


# --- a clause in its place ----------------------------------------------------------------


def _ancestors(index: Index, clause: Clause) -> list[Clause]:
    chain, parent = [], clause.parent_id
    while parent and parent in index.clauses:
        chain.append(index.clauses[parent])
        parent = index.clauses[parent].parent_id
    return chain[::-1]


def _siblings(index: Index, clause: Clause) -> tuple[Clause | None, Clause | None]:
    same = [c for c in index.clauses_of(clause.doc_id) if c.parent_id == clause.parent_id]
    at = next((i for i, c in enumerate(same) if c.clause_id == clause.clause_id), None)
    if at is None:
        return None, None
    return (same[at - 1] if at > 0 else None), (same[at + 1] if at + 1 < len(same) else None)


def _neighbour(clause: Clause | None, where: str) -> str:
    if clause is None:
        return ""
    return (
        f'<div class="ctx-neighbour"><span class="ctx-where">{where} {_e(clause.path)}</span> '
        f"{_e(_short(clause.text, NEIGHBOUR_CHARS))}</div>"
    )


def context_html(index: Index | None, citation: Citation | None, key: str = "") -> str:
    """The cited clause in full, in its place: notice, headings above it, and the clauses before and after."""
    if citation is None or index is None:
        return '<div class="ctx-empty">点击右侧任一引用条款，在这里查看它在原文中的位置（所属标题和前后条款）。</div>'
    clause = index.clauses.get(citation.clause_id)
    notice = index.notices.get(citation.doc_id)
    if clause is None:
        return (
            f'<div class="ctx-empty">当前索引中找不到条款 {_e(citation.clause_id)}'
            "（索引可能已更新），请重新提问。</div>"
        )
    before, after = _siblings(index, clause)
    heads = "".join(
        f'<div class="ctx-heading" style="margin-left:{i * 1.2}em">{_e(a.path)} {_e(a.heading)}</div>'
        for i, a in enumerate(_ancestors(index, clause))
    )
    quote = citation.quote if citation.quote in clause.text else ""
    return (
        f'<div class="ctx"><div class="ctx-title">{_e(key)} 原文位置：'
        f"《{_e(notice.title if notice else citation.title)}》</div>"
        f'<div class="ctx-meta">{_e(notice_line(notice))} · 条款 <b>{_e(clause.path)}</b>'
        f"（{_e(clause.clause_id)}）</div>{heads}{_neighbour(before, '上一条')}"
        f'<div class="ctx-clause"><div class="ctx-where">本条 {_e(clause.path)} {_e(clause.heading)}</div>'
        f"{highlight(clause.text, quote)}</div>{_references(index, clause)}{_neighbour(after, '下一条')}</div>"
    )


def _references(index: Index, clause: Clause) -> str:
    """The articles a clause refers to (本细则第十七条, 《…计量法》第九条), with their text where the knowledge base has them."""
    rows = []
    for ref in clause.refs:
        target = index.clauses.get(ref.target) if ref.target else None
        if target is None:
            rows.append(f'<div class="ctx-ref"><b>{_e(ref.text)}</b>：知识库中没有该条文</div>')
            continue
        title = index.notices[target.doc_id].title
        rows.append(
            f'<div class="ctx-ref"><b>{_e(ref.text)}</b> → 《{_e(title)}》{_e(target.path)}：'
            f"{_e(_short(target.text, 160))}</div>"
        )
    return f'<div class="ctx-refs"><div class="ctx-where">本条引用的条文</div>{"".join(rows)}</div>' if rows else ""


# --- browse -------------------------------------------------------------------------------


def _fact_chip(fact: Fact) -> str:
    if fact.kind == "responsibility":
        units = "、".join(fact.units) or fact.quote
        extra = f"（另含：{'、'.join(fact.implicit_units)}）" if fact.implicit_units else ""
        body = f"{units}{extra}"
    elif fact.kind == "target":
        when = f"{fact.deadline}：" if fact.deadline else ""
        body = f"{when}{fact.metric or ''} {fact.value or ''}{fact.qualifier or ''}".strip()
    elif fact.kind == "penalty":
        body = f"{_short(fact.subject or '', 30)}：{fact.value or '未规定数额'}"
    elif fact.kind in ("time_limit", "effective"):
        body = fact.value or ""
    elif fact.kind == "authority":
        body = f"{fact.value}（{fact.modal}）"
    elif fact.kind == "definition":
        body = f"{fact.subject}：{_short(fact.value or '', 40)}"
    elif fact.kind == "list":
        body = _short("、".join(fact.items), 60)
    else:
        body = f"{fact.deadline or fact.modal or ''}——{_short(fact.quote, 60)}"
    return (
        f'<span class="fact fact-{fact.kind}" title="{_e(fact.quote)}"><b>{FACT_NAMES[fact.kind]}</b> {_e(body)}</span>'
    )


def notice_html(index: Index, doc_id: str) -> str:
    """A notice's metadata and its clause tree, with the responsibilities, targets and deadlines per clause."""
    notice = index.notices.get(doc_id)
    if notice is None:
        return '<div class="ctx-empty">请选择一个文件。</div>'
    clauses = index.clauses_of(doc_id)
    facts = [f for c in clauses for f in index.facts.get(c.clause_id, [])]
    count = {k: sum(f.kind == k for f in facts) for k in FACT_NAMES}
    version = "现行" if notice.status == "current" else f"旧版本，现行版本为 {notice.superseded_by}"
    rows = [
        ("标题", notice.title),
        ("类别", notice.kind),
        ("发文机关", notice.issuer),
        ("文号", notice.doc_number),
        ("日期", notice.date),
        ("施行日期", notice.effective),
        ("地区", notice.region),
        ("层级", notice.level),
        ("版本", version),
        ("沿革", "；".join(e.text for e in notice.events)),
        ("来源", notice.source),
        ("文件", notice.file),
        ("文件编号（doc_id）", notice.doc_id),
    ]
    table = "".join(f"<tr><th>{_e(k)}</th><td>{_e(v) if v else '<i>未载明</i>'}</td></tr>" for k, v in rows)
    warnings = "".join(f"<li>{_e(w)}</li>" for w in notice.warnings)
    articles = sum(c.kind == "article" for c in clauses)
    shown = [f"{FACT_NAMES[k]} {count[k]} 处" for k in SUMMARY_FACTS if count[k]]
    summary = (
        f'<div class="browse-summary">条款 {len(clauses)} 条'
        + (f"（其中条文 {articles} 条）" if articles else "")
        + "".join(f" · {x}" for x in shown)
        + "</div>"
    )
    tree = "".join(_clause_row(index, c) for c in clauses)
    return (
        f'<div class="browse"><table class="meta">{table}</table>'
        + (f'<div class="warnings">解析提示：<ul>{warnings}</ul></div>' if warnings else "")
        + summary
        + f'<div class="tree">{tree}</div></div>'
    )


def _depth(index: Index, clause: Clause) -> int:
    return len(_ancestors(index, clause))


def _clause_row(index: Index, clause: Clause) -> str:
    facts = [f for f in index.facts.get(clause.clause_id, []) if f.kind in SHOWN_FACTS]
    chips = "".join(_fact_chip(f) for f in facts) + "".join(
        f'<span class="fact fact-ref" title="{_e(r.text)}"><b>引用</b> {_e(r.text)}'
        f"{' → ' + _e(r.target) if r.target else '（知识库中无此文件）'}</span>"
        for r in clause.refs
    )
    body = clause.text
    title = f"{clause.path} {clause.heading}".strip()
    return (
        f'<div class="node node-{clause.kind}" style="margin-left:{_depth(index, clause) * 1.4}em" '
        f'data-clause="{_e(clause.clause_id)}"><details{" open" if facts else ""}>'
        f"<summary><b>{_e(title)}</b>{f' <span class=fact-count>{len(facts)} 项要点</span>' if facts else ''}"
        f'</summary><div class="node-text">{_e(body)}</div></details>'
        + (f'<div class="facts">{chips}</div>' if chips else "")
        + "</div>"
    )
