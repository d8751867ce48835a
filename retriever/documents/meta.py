"""What a document says about itself: title, 文号, issuer, dates of adoption and amendment, effective date,
kind (法律 … 通知·意见), region and level, and the series its versions share.

Everything here is read from the text; kb/catalog.yaml completes or overrides it (see index.read_notice).
"""

from __future__ import annotations

import re

from retriever import patterns as P
from retriever.documents.clean import fold
from retriever.models import Event, Notice
from retriever.numerals import DIGITS, cn_to_int


def date_iso(text: str) -> str | None:
    """The first date in a text as yyyy-mm-dd: 2018年10月26日, 一九八六年七月一日."""
    m = P.DATE_IN_TEXT.search(text)
    return _iso(m) if m else None


def _iso(m: re.Match) -> str | None:
    y, mo, d = m.group("y"), m.group("m"), m.group("d")
    year = int(y) if y.isdigit() else int("".join(str(DIGITS[c]) for c in y))
    month = int(mo) if mo.isdigit() else cn_to_int(mo)
    day = int(d) if d.isdigit() else cn_to_int(d)
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


def line_role(folded: str) -> str | None:
    """What a front-matter line is: title, doc number, date, issuer, addressees, public note, event."""
    if P.DATE_IN_TEXT.fullmatch(folded) and date_iso(folded):
        return "date"
    if P.DOC_NUMBER.fullmatch(folded):
        return "doc_number"
    if P.PUBLIC_NOTE.match(folded):
        return "public_note"
    if P.EVENT_LINE.match(folded):
        return "event"
    if _is_title(folded):
        return "title"
    if P.ADDRESSEES.match(folded):
        return "addressees"
    if P.ISSUER.match(folded):
        return "issuer"
    return None


def events(line: str) -> list[Event]:
    """The dated steps one front-matter line records (several when a parenthesised history lists them)."""
    folded = fold(line)
    dates = [m for m in P.DATE_IN_TEXT.finditer(folded) if _iso(m)]
    found = []
    for m, nxt in zip(dates, dates[1:] + [None]):
        segment = folded[m.end() : nxt.start() if nxt else len(folded)]
        actions = list(P.EVENT_ACTION.finditer(segment))
        if not actions:
            continue
        action = actions[-1]
        shown = line[m.start() : m.end() + action.end()].strip(" （(")
        found.append(Event(date=_iso(m), action=action.group(0), by=_body(segment[: action.start()]), text=shown))
    return found


def _body(text: str) -> str | None:
    """The acting body in an event's words: 第十三届全国人民代表大会常务委员会第六次会议 → 全国人民代表大会常务委员会."""
    instrument = re.search(r"《([^》]*)》", text)
    before = text[: instrument.start()] if instrument else text
    body = P.EVENT_NOISE.sub("", before).strip(" ,:")
    if not body and instrument and "关于" in instrument.group(1):
        body = instrument.group(1).split("关于")[0]
    return body or None


def _title(lines: list[str], folded: list[str], header: list[int], headings: dict[int, int]) -> str:
    """A `# ` heading of the front matter, else its first title line; a 文号 before it is not part of it."""
    h1 = [i for i in header if headings.get(i) == 1]
    titled = [i for i in header if _is_title(folded[i])] or [i for i in header[:1] if i == 0 and bare_title(folded[0])]
    pick = (h1 or titled or [None])[0]
    if pick is None:
        return ""
    title = lines[pick]
    if m := P.DOC_NUMBER.match(fold(title)):
        title = title[m.end() :].strip()
    return title


def bare_title(folded: str) -> bool:
    """A line that can be a document's title although no title pattern knows its last word: short, no
    sentence punctuation, no date or 文号 (the first line of a document without another title)."""
    return (
        2 <= len(folded) <= 60
        and not any(c in folded for c in P.SENTENCE_FINAL + ",")
        and not P.DATE_IN_TEXT.search(folded)
        and not P.DOC_NUMBER.fullmatch(folded)
    )


def _is_title(folded: str) -> bool:
    return bool(P.TITLE.match(folded) or P.LEGAL_TITLE.match(folded)) and not folded.endswith("。")


def series_key(title: str) -> str:
    """What the versions of one document share: its title without 中华人民共和国, a version note or spaces."""
    key = P.TITLE_VERSION.sub("", fold(title)).strip("《》 ")
    return re.sub(r"\s+", "", key.removeprefix("中华人民共和国"))


def document_kind(title: str, issuer: str | None, steps: list[Event], doc_number: str | None) -> str:
    """法律 / 行政法规 / 地方性法规 / 部门规章 / 地方政府规章 / 规范性文件 / 通知·意见, from what the text states."""
    t = fold(title)
    bodies = " ".join(filter(None, [issuer] + [e.by or "" for e in steps] + [e.text for e in steps]))
    if P.NOTICE_TITLE.search(t):
        return "通知·意见"
    if P.LAW_TITLE.search(t) and (P.NATIONAL_LEGISLATURE.search(bodies) or t.startswith("中华人民共和国")):
        return "法律"
    if P.LOCAL_LEGISLATURE.search(bodies):
        return "地方性法规"
    if P.STATE_COUNCIL.search(bodies):
        return "行政法规"
    if doc_number and P.ORDER_NUMBER.search(fold(doc_number)):
        return "地方政府规章" if PLACE_OF(issuer or "") else "部门规章"
    if P.REGULATION_TITLE.search(t):
        if t.startswith("中华人民共和国"):
            return "行政法规"
        if t.endswith("条例") and PLACE_OF(t):
            return "地方性法规"
        return "规范性文件"
    return "未知"


def PLACE_OF(name: str) -> tuple[str, str] | None:  # noqa: N802 -- reads like the rule it applies
    """(place, level) a body's or title's name begins with: 浙江省… → (浙江, 省); None for national names."""
    folded = fold(name).strip("《》 ")
    if not folded or P.NATIONAL.match(folded):
        return None
    m = P.PLACE_PREFIX.match(folded)
    if not m or P.NOT_A_PLACE.match(m.group("place")):
        return None
    return name.strip("《》 ")[m.start("place") : m.end("place")], P.LEVEL_OF_SUFFIX[m.group("suffix")]


def region_and_level(title: str, issuer: str | None, steps: list[Event], text: str) -> tuple[str | None, str]:
    """Where a document applies: a national one is 全国/国家; else the place its title, issuer or text names."""
    names = [title, issuer or ""] + [e.by or "" for e in steps]
    national = [n for n in names if n and P.NATIONAL.match(fold(n).strip("《》 "))]
    for name in names:
        if name and (found := PLACE_OF(name)):
            return found
    if national or any(P.NATIONAL_LEGISLATURE.search(n) or P.STATE_COUNCIL.search(n) for n in names if n):
        return "全国", "国家"
    if m := P.PLACE_IN_TEXT.search(fold(text[:3000])):
        if not P.NOT_A_PLACE.match(m.group("place")):
            return m.group("place"), P.LEVEL_OF_SUFFIX[m.group("suffix")]
    return None, "未知"


def effective_date(text: str, steps: list[Event], date: str | None) -> str | None:
    """When the document takes effect: its own words (自…起施行), or a 施行 step of its front matter."""
    if m := P.EFFECTIVE.search(fold(text)):
        when = m.group("when")
        if "之日" in when:
            published = [e.date for e in steps if e.action in ("发布", "公布", "印发", "颁布")]
            return published[-1] if published else date
        return date_iso(when)
    return next((e.date for e in steps if e.action in ("施行", "实施")), None)


def describe(
    doc_id: str,
    file: str,
    lines: list[str],
    folded: list[str],
    header: list[int],
    trailer: list[str],
    headings: dict[int, int],
) -> Notice:
    """The document's metadata from its header lines (indexes into `lines`) and its trailer lines."""
    roles: dict[str, str] = {}
    for line in [lines[i] for i in header] + trailer:
        role = line_role(fold(line))
        if role and role not in roles:
            roles[role] = line
    title = _title(lines, folded, header, headings)
    steps = [e for i in header for e in events(lines[i]) if P.EVENT_LINE.match(folded[i])]
    last_title = max((i for i in header if _is_title(folded[i])), default=-1)
    window = [i for i in header if i <= max(last_title, 0) + 1]
    number = next((m.group(0) for i in window if (m := P.DOC_NUMBER.match(folded[i]))), None) or next(
        (m.group(0) for i in header if (m := P.ORDER_NUMBER.search(folded[i]))), None
    )
    if number:
        number = _unfold(number, lines, folded)
    date = date_iso(fold(roles["date"])) if "date" in roles else None
    adopted = [e for e in steps if e.action not in ("施行", "实施")]
    if adopted:
        date = max(e.date for e in adopted) if date is None else date
    issuer = roles.get("issuer") or _issuer(steps)
    text = "\n".join(lines)
    region, level = region_and_level(title, issuer, steps, text)
    return Notice(
        doc_id=doc_id,
        file=file,
        title=title or file,
        issuer=issuer,
        doc_number=number,
        date=date,
        addressees=roles.get("addressees"),
        events=tuple(steps),
        effective=effective_date(text, steps, date),
        kind=document_kind(title or file, issuer, steps, number),
        region=region,
        level=level,
        series=series_key(title or file),
    )


def _issuer(steps: list[Event]) -> str | None:
    """The body that adopted (通过), approved (批准) or issued the document, in that order of preference."""
    for actions in (("通过",), ("批准",), ("发布", "公布", "印发", "颁布")):
        found = [e.by for e in steps if e.action in actions and e.by]
        if found:
            return found[0]
    return None


def _unfold(found: str, lines: list[str], folded: list[str]) -> str:
    """The shown form of a span found in folded text."""
    for line, f in zip(lines, folded):
        i = f.find(found)
        if i >= 0:
            return line[i : i + len(found)]
    return found


def complete(notice: Notice, overrides: dict) -> Notice:
    """The document with its catalog fields applied, and what derives from them (kind, region, series) redone
    unless the catalog sets it too."""
    done = notice.model_copy(update=overrides)
    derived: dict = {}
    if "kind" not in overrides:
        derived["kind"] = document_kind(done.title, done.issuer, list(done.events), done.doc_number)
    if "region" not in overrides and "level" not in overrides and ({"title", "issuer"} & set(overrides)):
        region, level = region_and_level(done.title, done.issuer, list(done.events), "")
        if region:
            derived |= {"region": region, "level": level}
    if "series" not in overrides:
        derived["series"] = series_key(done.title)
    return done.model_copy(update=derived)


def assign_versions(notices: list[Notice]) -> dict[str, Notice]:
    """Documents of one series and region are versions: the newest (latest adoption or amendment date) is
    current, each older one superseded by the next newer; files that share the newest stated date are parts of one
    document, all current."""
    groups: dict[tuple, list[Notice]] = {}
    for n in notices:
        groups.setdefault((n.region, n.series), []).append(n)
    out = {}
    for group in groups.values():
        group.sort(key=lambda n: (n.date or n.effective or "", n.file))
        newest = group[-1].date or group[-1].effective
        # files of one series with the newest date, that date stated, are parts of one code (民法典's books in
        # files of their own), all current; an older date is an older version, superseded by the next newer
        parts = [n for n in group if newest and (n.date or n.effective) == newest] or group[-1:]
        older = [n for n in group if n not in parts]
        for old, newer in zip(older, older[1:] + parts[:1]):
            out[old.doc_id] = old.model_copy(update={"status": "superseded", "superseded_by": newer.doc_id})
        for part in parts:
            out[part.doc_id] = part.model_copy(update={"status": "current", "superseded_by": None})
    return {n.doc_id: out[n.doc_id] for n in notices}
