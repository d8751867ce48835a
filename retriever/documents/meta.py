"""What a document says about itself: title, 文号, issuer, dates of adoption and amendment, effective date,
kind (法律 … 通知·意见), region and level, and the series its versions share.

Everything here is read from the text; kb/catalog.yaml completes or overrides it (see index.read_notice).
"""

from __future__ import annotations

import re
from pathlib import Path

from retriever import patterns as P
from retriever.documents.clean import fold
from retriever import places
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
    if P.EVENT_LINE.match(folded) or P.DECREE.search(folded):
        return "event"
    if P.ORDER_HEADING.match(folded) or P.ORDER_NO_LINE.match(folded) or _order_line(folded):
        return "doc_number"
    if P.SIGNATURE.match(folded):
        return "signature"
    if P.PART_LABEL.match(folded.replace(" ", "")):
        return "part"
    if _is_title(folded):
        return "title"
    if P.ADDRESSEES.match(folded):
        return "addressees"
    if P.ISSUER.match(folded):
        return "issuer"
    return None


def events(line: str) -> list[Event]:
    """The dated steps one front-matter line records (several when a parenthesised history lists them). A step that
    adopted an amending act (…通过的《…修正案（二）》, 《…关于修改…的决定》) is an amendment (修正)."""
    folded = fold(line)
    dates = [m for m in P.DATE_IN_TEXT.finditer(folded) if _iso(m)]
    found = []
    for m, nxt in zip(dates, dates[1:] + [None]):
        segment = folded[m.end() : nxt.start() if nxt else len(folded)]
        outside = re.sub(r"《[^《》]*》", lambda t: " " * len(t.group(0)), segment)  # action words of titles aside
        actions = list(P.EVENT_ACTION.finditer(outside))
        if not actions:
            continue
        action, end = actions[-1], actions[-1].end()
        word = _action(action.group(0))
        if act := P.EVENT_INSTRUMENT.match(segment, end):
            end = act.end()
            word = "修正" if word == "通过" and P.AMENDING_ACT.search(act.group("title")) else word
        shown = line[m.start() : m.end() + end].strip(" （(")
        found.append(Event(date=_iso(m), action=word, by=_body(segment[: action.start()]), text=shown))
    return found


def _action(word: str) -> str:
    """修订通过 is a revision, 修正通过 an amendment."""
    return word[:2] if word.endswith("通过") and len(word) > 2 else word


def decree_events(line: str, signed: str | None) -> list[Event]:
    """The steps a decree states: adopted at a meeting (经…局务会议审议通过, when it dates the meeting), published
    (现予公布 / 现印发, on the decree's own date: `signed`, its date line as written) and in force (自…起施行)."""
    folded = fold(line)
    m = P.DECREE.search(folded)
    if not m:
        return []
    by = _body(m.group("by"))
    adopted = date_iso(m.group("when")) if m.group("when") else None
    found = [Event(date=adopted, action="通过", by=by, text=line[m.start() : m.end()])] if adopted else []
    if signed and (published := date_iso(fold(signed))):
        found.append(Event(date=published, action=m.group("act"), by=by, text=signed))
    if (eff := P.EFFECTIVE.search(folded, m.end())) and (when := date_iso(eff.group("when"))):
        found.append(Event(date=when, action="施行", text=line[eff.start() : eff.end()]))
    return found


def _order_line(folded: str) -> bool:
    """A line that is only an order number, perhaps in brackets: (国家市场监督管理总局令第70号), (总局第88号令)."""
    m = P.ORDER_NUMBER.search(folded)
    return bool(m) and not folded.replace(m.group(0), "").strip(" ()[]")


def _body(text: str) -> str | None:
    """The acting body in an event's words: 第十三届全国人民代表大会常务委员会第六次会议 → 全国人民代表大会常务委员会."""
    instrument = re.search(r"《([^》]*)》", text)
    before = text[: instrument.start()] if instrument else text
    body = P.EVENT_NOISE.sub("", before).strip(" ,:")
    if not body and instrument and "关于" in instrument.group(1):
        body = instrument.group(1).split("关于")[0]
    return body or None


def _title(lines: list[str], folded: list[str], header: list[int], headings: dict[int, int]) -> str:
    """A `# ` heading of the front matter, else its first title line; a 文号 before it is not part of it, and a
    title a publisher broke over lines (国务院关于印发…规划 / （2021—2035年）的通知) is joined."""
    h1 = [i for i in header if headings.get(i) == 1]
    titled = [i for i in header if _is_title(folded[i])] or [i for i in header[:1] if i == 0 and bare_title(folded[0])]
    starts = [i for i in header[:1] if bare_title(folded[i]) and title_run(lines, folded, i)[1] > i + 1]
    pick = (h1 or starts or titled or [None])[0]
    if pick is None:
        return ""
    title = title_run(lines, folded, pick)[0] if pick not in h1 else lines[pick]
    if m := P.DOC_NUMBER.match(fold(title)):
        title = title[m.end() :].strip()
    return title


def title_run(lines: list[str], folded: list[str], i: int) -> tuple[str, int]:
    """The title that starts at line i, with the lines that complete it, and the index after it.

    A publisher breaks a long title over lines in two ways: a bracket goes on the next line (国务院关于印发…规划 /
    （2021—2035年）的通知), or the title is set in short pieces none of which is a title (最高人民法院 / 关于适用《…》的 /
    解释); a next line that is a title by itself starts nothing here."""

    def joinable(j: int) -> bool:
        return j < len(lines) and bare_title(folded[j]) and line_role(folded[j]) not in ("doc_number", "date")

    if _is_title(folded[i]):
        if joinable(i + 1) and folded[i + 1].startswith("(") and _is_title(fold(lines[i] + lines[i + 1])):
            return lines[i] + lines[i + 1], i + 2
        return lines[i], i + 1
    title, j = lines[i], i + 1
    while (
        joinable(j)
        and j < i + TITLE_MAX_PIECES
        and not _is_title(folded[j])
        and len(folded[j]) <= TITLE_PIECE_MAX_CHARS
    ):
        title, j = title + lines[j], j + 1
        if _is_title(fold(title)):
            return title, j
    return lines[i], i + 1


# A title set over lines: at most this many, each at most this long.
TITLE_MAX_PIECES = 4
TITLE_PIECE_MAX_CHARS = 30


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
    """法律 / 行政法规 / 地方性法规 / 部门规章 / 地方政府规章 / 司法解释 / 规范性文件 / 通知·意见, from what the text
    states."""
    t = fold(title)
    bodies = " ".join(filter(None, [issuer] + [e.by or "" for e in steps] + [e.text for e in steps]))
    if P.JUDICIAL_TITLE.match(t):
        return "司法解释"
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
    shown = name.strip("《》 ")
    start, stop, level, end = m.start("place"), m.end("place"), P.LEVEL_OF_SUFFIX[m.group("suffix")], m.end()
    if level == "省" and (city := P.PLACE_PREFIX.match(folded[end:])):
        if _is_city(city.group("place")) and P.LEVEL_OF_SUFFIX[city.group("suffix")] == "市":  # 浙江省嘉兴市 → 嘉兴
            start, stop, level, end = end + city.start("place"), end + city.end("place"), "市", end + city.end()
    if level != "县" and (sub := P.SUB_PLACE.match(folded[end:])):
        if not P.NOT_A_PLACE.match(sub.group("place")):  # a county or district of the city: 上海市浦东新区 → 浦东
            return shown[end : end + sub.end("place")], P.LEVEL_OF_SUFFIX[sub.group("suffix")]
    return shown[start:stop], level


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
    signed = date_iso(fold(roles["date"])) if "date" in roles else None
    steps = [e for i in header for e in events(lines[i]) if P.EVENT_LINE.match(folded[i])]
    steps += [
        e for i in header for e in decree_events(lines[i], roles.get("date")) if not P.EVENT_LINE.match(folded[i])
    ]
    order_body, order_number = _order_heading(lines, folded, header)
    last_title = max((i for i in header if _is_title(folded[i])), default=-1)
    window = [i for i in header if i <= max(last_title, 0) + 1]
    number = (
        next((m.group(0) for i in window if (m := P.DOC_NUMBER.match(folded[i]))), None)
        or order_number
        or next((m.group(0) for i in header if (m := P.ORDER_NUMBER.search(folded[i]))), None)
    )
    if number and not order_number:
        number = _unfold(number, lines, folded)
    date = signed
    adopted = [e for e in steps if e.action not in ("施行", "实施")]
    if adopted:
        date = max(e.date for e in adopted) if date is None else date
    if (named := P.FILE_NAME_DATE.search(Path(file).stem)) and signed is None and adopted and named[1] > date:
        date = named[1]  # a history that stops before the version its repository dates the file by
    issuer = roles.get("issuer") or order_body or _issuer(steps)
    if P.ISSUES_ANOTHER.search(fold(title)) and signed and not any(e.action == "印发" for e in steps):
        steps.append(Event(date=signed, action="印发", by=issuer, text=roles["date"]))
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
        part=roles.get("part"),
    )


def _order_heading(lines: list[str], folded: list[str], header: list[int]) -> tuple[str | None, str | None]:
    """A decree's heading over its number (国家市场监督管理总局令 / 第99号): the issuing body and the number as one."""
    for i, j in zip(header, header[1:]):
        if j == i + 1 and (m := P.ORDER_HEADING.match(folded[i])) and P.ORDER_NO_LINE.match(folded[j]):
            return lines[i][: m.end("body")], lines[i] + lines[j].strip("（）() ")
    return None, None


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


def assign_versions(notices: list[Notice], articles: dict[str, tuple[int, int]] | None = None) -> dict[str, Notice]:
    """Documents of one series and region are versions of one document, or parts of one code.

    Parts are documents of one series adopted on the same date that name different parts (人格权编, 合同编) or
    hold article ranges that do not overlap (`articles`: doc_id -> first and last article number); together they
    are one edition, sharing `part_of` (the doc_id of the part with the first articles) and a status. Editions are
    versions: the newest (latest adoption or amendment date) is current, each older one superseded by the next."""
    articles = articles or {}
    groups: dict[tuple, list[Notice]] = {}
    for n in notices:
        groups.setdefault((n.region, n.series), []).append(n)
    out = {}
    for group in groups.values():
        editions: list[list[Notice]] = []
        for n in sorted(group, key=lambda n: (n.date or n.effective or "", articles.get(n.doc_id, (0, 0)), n.file)):
            same_day = (
                editions[-1]
                if editions and (editions[-1][0].date or editions[-1][0].effective) == (n.date or n.effective)
                else None
            )
            if same_day is not None and all(_apart(n, other, articles) for other in same_day):
                same_day.append(n)
            else:
                editions.append([n])
        editions = [_as_parts(e) for e in editions]
        for older, newer in zip(editions, editions[1:]):
            for n in older:
                out[n.doc_id] = n.model_copy(update={"status": "superseded", "superseded_by": newer[0].doc_id})
        for n in editions[-1]:
            out[n.doc_id] = n.model_copy(update={"status": "current", "superseded_by": None})
    return {n.doc_id: out[n.doc_id] for n in notices}


def _apart(a: Notice, b: Notice, articles: dict[str, tuple[int, int]]) -> bool:
    """Whether two documents of one series and date are parts of one code, not copies of one text."""
    if a.part and b.part:
        return a.part != b.part
    ra, rb = articles.get(a.doc_id), articles.get(b.doc_id)
    return bool(ra and rb and (ra[1] < rb[0] or rb[1] < ra[0]))


def _as_parts(edition: list[Notice]) -> list[Notice]:
    """The documents of one edition, each marked as a part of the first when there are several; a part that does
    not state when it takes effect takes the date its sibling parts state."""
    if len(edition) == 1:
        return edition
    effective = next((n.effective for n in edition if n.effective), None)
    return [n.model_copy(update={"part_of": edition[0].doc_id, "effective": n.effective or effective}) for n in edition]


def _is_city(name: str) -> bool:
    """Whether China's administrative divisions know `name` as a city (嘉兴), from the same data questions use."""
    chain = places.resolve(name)
    return bool(chain) and chain[0][1] == "市"
