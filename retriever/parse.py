"""Parse clean notice lines into header metadata and a clause tree (一、 / (一) / 1. / —)."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from retriever import patterns as P
from retriever.clean import NoticeError, clean_text, decode, fold
from retriever.models import Clause, Notice

CN_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0}


def cn_to_int(text: str) -> int:
    """一 → 1, 十二 → 12, 二十 → 20 (clause numbers and date parts)."""
    if "十" in text:
        tens, _, ones = text.partition("十")
        return (CN_DIGITS[tens] if tens else 1) * 10 + (CN_DIGITS[ones] if ones else 0)
    return int("".join(str(CN_DIGITS[c]) for c in text))


@dataclass
class Parsed:
    notice: Notice
    clauses: list[Clause]
    warnings: list[str] = field(default_factory=list)


@dataclass
class _Open:
    """A clause being built."""

    kind: str
    key: str
    piece: str  # its part of the readable path
    heading: str
    lines: list[str]
    parent: "_Open | None" = None

    @property
    def keys(self) -> list[str]:
        return (self.parent.keys if self.parent else []) + [self.key]

    @property
    def path(self) -> str:
        return (self.parent.path if self.parent else "") + self.piece


def _heading(rest: str) -> str:
    """The run-in heading of a clause: the text up to its first 。, or the whole short line."""
    head, dot, _ = rest.partition("。")
    if dot and len(head) <= 40:
        return head
    return rest if len(rest) <= 40 else ""


def _marker(folded: str) -> tuple[str, str, str] | None:
    """(kind, number, rest) of a clause-opening line, else None."""
    for kind, pattern in (("chapter", P.CHAPTER), ("section", P.SECTION), ("item", P.ITEM)):
        m = pattern.match(folded)
        if m:
            return kind, m.group(1), m.group(2)
    m = P.PRINCIPLE.match(folded)
    return ("principle", "", m.group(1)) if m else None


def _date_iso(folded: str) -> str | None:
    m = P.DATE_ARABIC.match(folded)
    if m:
        y, mo, d = (int(g) for g in m.groups())
        return f"{y:04d}-{mo:02d}-{d:02d}"
    m = P.DATE_CHINESE.match(folded)
    if m:
        y = int("".join(str(CN_DIGITS[c]) for c in m.group(1)))
        return f"{y:04d}-{cn_to_int(m.group(2)):02d}-{cn_to_int(m.group(3)):02d}"
    return None


def _header_role(folded: str) -> str | None:
    """What a front-matter line is: title, doc number, date, issuer, addressees, public note."""
    if _date_iso(folded):
        return "date"
    if P.DOC_NUMBER.fullmatch(folded):
        return "doc_number"
    if P.PUBLIC_NOTE.match(folded):
        return "public_note"
    if P.TITLE.match(folded) and not folded.endswith("。"):
        return "title"
    if P.ADDRESSEES.match(folded):
        return "addressees"
    if P.ISSUER.match(folded):
        return "issuer"
    return None


def parse_lines(lines: list[str], doc_id: str, file: str) -> Parsed:
    folded = [fold(line) for line in lines]
    first = next((i for i, f in enumerate(folded) if _marker(f)), None)
    if first is None:
        raise NoticeError(f"{file}: no clauses found (expected 一、, (一) or 1. markers); skipped")
    warnings: list[str] = []
    roles = [_header_role(f) for f in folded[:first]]
    titles = [i for i, r in enumerate(roles) if r == "title"]
    last_title = titles[-1] if titles else -1

    header_lines = [ln for i, ln in enumerate(lines[:first]) if i <= last_title or roles[i]]
    preamble = [ln for i, ln in enumerate(lines[:first]) if i > last_title and not roles[i]]
    meta: dict[str, str] = {}
    for i, role in enumerate(roles):
        if role and role not in meta:
            meta[role] = lines[i]

    clauses: list[Clause] = []
    opened: list[_Open] = []
    chapter = section = None
    trailer: list[str] = []
    counts: dict[tuple, int] = {}

    for line, f in zip(lines[first:], folded[first:]):
        mk = _marker(f)
        if mk is None:
            role = _header_role(f)
            if role in ("date", "issuer", "public_note"):
                trailer.append(line)
                meta.setdefault(role, line)
                continue
            intro = P.PART_INTRO.match(f)
            if intro and opened:
                topic = intro.group("topic") or f"part{len(opened)}"
                chapter = _Open("chapter", topic, topic, line.rstrip("："), [line])
                section = None
                opened.append(chapter)
                continue
            opened[-1].lines.append(line)
            continue
        kind, num, rest = mk
        heading = _heading(line[len(line) - len(rest):])
        if kind == "chapter":
            node = chapter = _Open(kind, num, f"{num}、", heading, [line])
            section = None
        elif kind == "section":
            node = section = _Open(kind, f"({num})", f"({num})", heading, [line], chapter)
        else:
            parent = section or chapter
            if kind == "principle":
                n = counts[(id(parent), "—")] = counts.get((id(parent), "—"), 0) + 1
                num = str(n)
                node = _Open(kind, f"—{n}", f"—{n}", heading, [line], parent)
            else:
                node = _Open(kind, num, f"{num}.", heading, [line], parent)
        opened.append(node)

    if preamble:
        clauses.append(_clause(doc_id, "preamble", "preamble", "前言", "", preamble, 0, None))
    seen: set[str] = set()
    for node in opened:
        cid = f"{doc_id}/" + "/".join(node.keys)
        if cid in seen:
            warnings.append(f"clause {node.path} appears twice; the second is kept as {cid}~2")
            cid += "~2"
        seen.add(cid)
        parent_id = f"{doc_id}/" + "/".join(node.parent.keys) if node.parent else None
        clauses.append(_clause(doc_id, cid, node.kind, node.path, node.heading, node.lines, len(clauses), parent_id))
    header = header_lines + trailer
    if header:
        clauses.insert(0, _clause(doc_id, "header", "header", "文件头", "", header, -1, None))
    warnings += _numbering_gaps(opened)

    title = meta.get("title", "")
    if m := P.DOC_NUMBER.match(fold(title)):
        title = title[m.end():].strip()
    number = next((m.group(0) for f in folded[: max(last_title, 0) + 2] if (m := P.DOC_NUMBER.match(f))), None)
    notice = Notice(
        doc_id=doc_id,
        file=file,
        title=title or file,
        issuer=meta.get("issuer"),
        doc_number=_unfold(number, lines, folded) if number else None,
        date=_date_iso(fold(meta["date"])) if "date" in meta else None,
        addressees=meta.get("addressees"),
    )
    return Parsed(notice, clauses, warnings)


def _unfold(found: str, lines: list[str], folded: list[str]) -> str:
    """The shown form of a span found in folded text."""
    for line, f in zip(lines, folded):
        i = f.find(found)
        if i >= 0:
            return line[i : i + len(found)]
    return found


def _clause(doc_id, cid, kind, path, heading, lines, position, parent_id) -> Clause:
    if not cid.startswith(doc_id + "/"):
        cid = f"{doc_id}/{cid}"
    return Clause(
        clause_id=cid, doc_id=doc_id, kind=kind, path=path, heading=heading,
        text="\n".join(lines), position=position, parent_id=parent_id,
    )


def _numbering_gaps(opened: list[_Open]) -> list[str]:
    """Chapters count 1, 2, 3; sections and items restart at 1 under each parent or run on."""
    warnings, last = [], {}
    for node in opened:
        if node.kind not in ("chapter", "section", "item") or not _is_number(node.key):
            continue
        n = _number(node.key)
        scope = node.kind if node.kind != "chapter" else id(node.parent)
        prev = last.get(scope, 0)
        if n != prev + 1 and not (node.kind != "chapter" and n == 1):
            warnings.append(f"numbering jumps from {prev} to {node.path}")
        last[scope] = n
    return warnings


def _is_number(key: str) -> bool:
    key = key.strip("()")
    return key.isdigit() or all(c in CN_DIGITS or c == "十" for c in key)


def _number(key: str) -> int:
    key = key.strip("()")
    return int(key) if key.isdigit() else cn_to_int(key)


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:16]


def parse_file(data: bytes, file: str, doc_id: str) -> Parsed:
    """Decode, clean and parse one notice file; raises NoticeError with the file name and reason."""
    lines, warnings = clean_text(decode(data, file))
    parsed = parse_lines(lines, doc_id, file)
    parsed.warnings[:0] = warnings
    return parsed
