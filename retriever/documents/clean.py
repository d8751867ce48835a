"""Turn a notice file as collected into clean Simplified Chinese lines.

Steps: decode (UTF-8 or GB18030), repair known byte damage, drop pinyin annotations,
convert traditional to simplified, drop web boilerplate, re-join lines a web page wrapped,
and make punctuation readable. `fold` gives the matching form of any text, one character
for one character, so that spans found in folded text are spans of the shown text.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from retriever import patterns as P

log = logging.getLogger(__name__)


class NoticeError(ValueError):
    """A notice file that cannot be used; the message says why and what to do."""


_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def decode(data: bytes, name: str) -> str:
    """Bytes to text: UTF-8 (with or without BOM), UTF-16 with a BOM, else GB18030 (a superset of GBK)."""
    if data.startswith(_UTF16_BOMS):
        try:
            data = data.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError as exc:
            raise NoticeError(
                f"{name}: damaged UTF-16 text ({exc.reason}); save it as UTF-8 and re-run ingest"
            ) from exc
    if not data.strip():
        raise NoticeError(f"{name}: the file is empty; add the notice text or remove the file")
    if b"\x00" in data[:4096]:
        raise NoticeError(f"{name}: binary file (NUL bytes), not a text notice; skipped")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        controls = sum(1 for c in text if unicodedata.category(c) == "Cc" and c not in "\n\r\t")
        if controls > len(text) // 100:
            break
        return text
    raise NoticeError(f"{name}: not readable as UTF-8 or GB18030 text; save it as UTF-8 and re-run ingest")


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    return _t2s().convert(text)


def strip_pinyin(text: str) -> str:
    """市場(chǎng)監(jiān)督 → 市場監督; real parentheses stay."""
    return P.PINYIN_ANNOTATION.sub("", text)


def repair(text: str, repairs: dict[str, str] | None = None) -> str:
    """Undo byte damage a file's catalog entry lists (damaged text as collected -> what the original says)."""
    for damaged, original in (repairs or {}).items():
        text = text.replace(damaged, original)
    return text


# Folding: full-width ASCII to half-width, Chinese quotes and brackets to ASCII, lower case.
_FOLD = {i: i - 0xFEE0 for i in range(0xFF01, 0xFF5F)}
_FOLD.update(
    {
        0x3000: 0x20,
        0x201C: 0x22,
        0x201D: 0x22,
        0x2018: 0x27,
        0x2019: 0x27,
        0x3014: 0x5B,
        0x3015: 0x5D,
        0x3010: 0x5B,
        0x3011: 0x5D,
        0xFF5E: 0x7E,
    }
)


def fold(text: str) -> str:
    """Matching form of text: same length, half-width punctuation, lower-case Latin."""
    return text.translate(_FOLD).lower()


# Punctuation, brackets and spaces, which say nothing about whether two texts state the same words.
_PUNCTUATION = re.compile(r"[，。；、：:“”‘’\"'（）()《》〈〉\[\]【】!！?？,.;\s·—\-]")


def bare(text: str) -> str:
    """Text for comparing wordings (an option with a clause, two versions of a sentence): folded, without
    punctuation or spaces."""
    return _PUNCTUATION.sub("", fold(text))


_READABLE = str.maketrans({",": "，", ";": "；", ":": "：", "(": "（", ")": "）", "?": "？", "!": "！"})
_ASCII_RUN = re.compile(r"(?<=[0-9A-Za-z])[:,](?=[0-9A-Za-z])")


def readable(line: str) -> str:
    """Chinese punctuation in full width, as a reader expects; keeps 14:50 and 1,000 intact."""
    keep = {m.start() for m in _ASCII_RUN.finditer(line)}
    return "".join(c if i in keep else c.translate(_READABLE) for i, c in enumerate(line))


def drop_boilerplate(lines: list[str], origins: list[int] | None = None) -> list[str]:
    """Drop page furniture; Markdown headings and blockquotes keep their text. `origins` receives each kept line's
    old index."""
    kept, where = [], []
    for i, line in enumerate(lines):
        if P.TRAILER_START.match(fold(line)):
            break
        line = P.MARKDOWN_LINK.sub(r"\1", P.MARKDOWN_HEADING.sub("", P.MARKDOWN_QUOTE.sub("", line))).strip()
        if not line or P.BOILERPLATE_LINE.match(fold(line)) or set(line) <= set("|-—=*# "):
            continue
        kept.append(line)
        where.append(i)
    if origins is not None:
        origins[:] = where
    return kept


def join_wrapped(lines: list[str], keep: set[int] = frozenset(), origins: list[int] | None = None) -> list[str]:
    """Re-join a sentence that a web page broke over two lines (a long line not ending in punctuation).

    Lines whose index is in `keep` (Markdown headings) are never joined; `origins` receives, for each
    output line, the index of the input line it starts with."""
    out: list[str] = []
    where: list[int] = []
    for i, line in enumerate(lines):
        prev = out[-1] if out else ""
        # Compare folded text: forum pages end lines with ASCII ':' or ';' too.
        if (
            len(prev) > 40
            and fold(prev[-1]) not in P.LINE_END
            and _continues(fold(prev), fold(line))
            and i not in keep
            and where[-1] not in keep
        ):
            out[-1] = prev + line
        else:
            out.append(line)
            where.append(i)
    if origins is not None:
        origins[:] = where
    return out


def _continues(prev: str, line: str) -> bool:
    """Whether `line` is the rest of `prev`'s sentence rather than a title, header line or new clause."""
    starts_new = (
        P.CHAPTER,
        P.SECTION,
        P.ITEM,
        P.PRINCIPLE,
        P.DOC_NUMBER,
        P.ADDRESSEES,
        P.ARTICLE,
        P.LEGAL_HEADING,
        P.APPENDIX,
        P.EVENT_LINE,
    )
    return not P.TITLE.match(prev) and not P.EVENT_LINE.match(prev) and not any(p.match(line) for p in starts_new)


@dataclass
class Cleaned:
    """A document's clean lines, with what its markup said before it was dropped."""

    lines: list[str]
    warnings: list[str] = field(default_factory=list)
    headings: dict[int, int] = field(default_factory=dict)  # line index -> Markdown heading level (# is 1)
    front_end: int | None = None  # first line after a comment (<!-- INFO END -->) that closes the front matter


def clean_text(raw: str, repairs: dict[str, str] | None = None) -> Cleaned:
    """Clean document text into lines, remembering Markdown headings and where the front matter ends.

    `repairs` are the byte-damage repairs of this file's catalog entry, applied before anything else."""
    warnings = []
    text = strip_pinyin(repair(raw.replace("\r\n", "\n").replace("\r", "\n"), repairs))
    for m in P.DAMAGE.finditer(text):
        warnings.append(f"damaged characters near {text[max(0, m.start() - 6) : m.end() + 6]!r}")
    text = to_simplified(text)
    raw_lines = [re.sub(r"\s+", " ", line).strip() for line in text.split("\n")]
    levels = {i: len(m.group(1)) for i, line in enumerate(raw_lines) if (m := MARKDOWN_LEVEL.match(line))}
    comments = [i for i, line in enumerate(raw_lines) if P.HTML_COMMENT.match(line)]
    kept_at: list[int] = []
    lines = drop_boilerplate([ln if i not in comments else "" for i, ln in enumerate(raw_lines)], kept_at)
    keep = {k for k, i in enumerate(kept_at) if i in levels}
    joined_at: list[int] = []
    lines = join_wrapped(lines, keep, joined_at)
    origin = [kept_at[k] for k in joined_at]  # raw line index of each output line
    headings = {n: levels[i] for n, i in enumerate(origin) if i in levels}
    # The first comment after some text closes the front matter (a converter's <!-- INFO END -->).
    first_text = origin[0] if origin else 0
    closing = next((c for c in comments if c > first_text), None)
    front_end = next((n for n, i in enumerate(origin) if closing is not None and i > closing), None)
    return Cleaned([readable(line) for line in lines], warnings, headings, front_end)


# A Markdown heading: its hashes give its level.
MARKDOWN_LEVEL = re.compile(r"^(#{1,6})\s")


def normalize_query(text: str) -> str:
    """A question in the form notices are matched in: simplified, folded, single-spaced."""
    return re.sub(r"\s+", " ", fold(to_simplified(text))).strip()
