"""Reading an exam item however it is pasted: 单选 / 多选 with lettered options on their own lines or inline
(A．… B．…, A、, (A)), or a 判断 statement with its answer box; with or without a 【单选题】 label or a number.

Works on the folded text (half-width punctuation, lower-case Latin) and gives the item back in readable form.
"""

from __future__ import annotations

import re

from retriever import patterns as P
from retriever.documents.clean import fold, readable, to_simplified
from retriever.models import ExamItem

MIN_OPTIONS = 2  # fewer lettered options than this is no choice item (a stray "A." in a question)
MIN_STEM_CHARS = 4  # a stem shorter than this is no exam item
MAX_OPTION_CHARS = 200  # an "option" longer than this is prose that happens to hold a letter and a dot


def _labels(text: str) -> tuple[str, str | None, str | None]:
    """The text without its leading type label and number (in either order), the label and the number."""
    label = number = None
    for _ in range(2):
        if label is None and (m := P.EXAM_LABEL.match(text)):
            label, text = m.group("label"), text[m.end() :]
        if number is None and (m := P.EXAM_NUMBER.match(text)):
            number, text = m.group("a") or m.group("b") or m.group("c"), text[m.end() :]
    return text, label, number


def _markers(text: str) -> list[tuple[str, int, int]]:
    """(letter, start, end) of every place an option letter may start."""
    return [(m.group("p") or m.group("l") or m.group("s"), m.start(), m.end()) for m in P.EXAM_OPTION.finditer(text)]


def _chain(markers: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    """The longest run a, b, c… of markers in text order; of equally long runs, the last (nearest the options)."""
    best: list[tuple[str, int, int]] = []
    for i, (letter, _, _) in enumerate(markers):
        if letter != "a":
            continue
        run = [markers[i]]
        for m in markers[i + 1 :]:
            if m[0] == chr(ord(run[-1][0]) + 1):
                run.append(m)
        if len(run) >= len(best):
            best = run
    return best


def _clean_option(text: str) -> str:
    return readable(text.strip().rstrip(";,。.、 \n").strip())


def _judge_kind(options: dict[str, str]) -> bool:
    """Options that are only 对/错 (正确/错误, √/×) make a 判断 item."""
    return len(options) == 2 and {P.JUDGE_WORDS.get(o) for o in options.values()} == {"对", "错"}


def read_item(text: str) -> ExamItem | None:
    """The exam item `text` is, or None when it is not one (an ordinary question)."""
    if not isinstance(text, str):
        return None
    folded = fold(to_simplified(text)).strip()
    body, label, number = _labels(folded)
    kind = P.EXAM_LABEL_KINDS.get(label) if label else None
    chain = _chain(_markers(body))
    options: dict[str, str] = {}
    if len(chain) >= MIN_OPTIONS:
        bounds = [s for _, s, _ in chain[1:]] + [len(body)]
        options = {letter.upper(): _clean_option(body[end:stop]) for (letter, _, end), stop in zip(chain, bounds)}
        if not all(options.values()) or any(len(o) > MAX_OPTION_CHARS for o in options.values()):
            options = {}
    stem = body[: chain[0][1]] if options else body
    stem = re.sub(r"\s+", " ", stem).strip()
    box = P.JUDGE_BOX.search(stem)
    if options and _judge_kind(options):
        kind, options = "judge", {}
    elif not options:
        if kind != "judge" and not box:
            return None
        kind = "judge"
    if box:
        stem = stem[: box.start()].rstrip()
    if len(P.EXAM_BLANK.sub("", stem)) < MIN_STEM_CHARS:
        return None
    stated = label is not None
    if kind is None:
        kind = "multiple" if P.EXAM_MULTIPLE_HINT.search(stem) else "single"
    if kind == "judge" and options:
        return None
    if kind != "judge" and not options:
        return None
    return ExamItem(
        kind=kind,
        stem=readable(stem),
        options=options,
        label=label,
        number=number,
        negative=kind != "judge" and bool(P.EXAM_NEGATIVE.search(stem)),
        kind_stated=stated,
    )
