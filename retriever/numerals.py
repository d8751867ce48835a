"""Chinese numerals as documents write them: 一 → 1, 十二 → 12, 一百零二 → 102, 二〇一一 → 2011, and back."""

from __future__ import annotations

DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0, "两": 2}
_UNITS = {"十": 10, "百": 100, "千": 1000}
_SPELL = "零一二三四五六七八九"


def cn_to_int(text: str) -> int:
    """一 → 1, 十二 → 12, 二十 → 20, 一百零二 → 102; a run of digits (二〇一一) reads digit by digit."""
    if not any(c in _UNITS for c in text):
        return int("".join(str(DIGITS[c]) for c in text))
    total, current = 0, 0
    for c in text:
        if c in _UNITS:
            total += (current or 1) * _UNITS[c]
            current = 0
        else:
            current = DIGITS[c]
    return total + current


def legal_number(text: str) -> int | None:
    """The number of an article, chapter or item: 九, 一百零二, 12; None when it is not a number."""
    text = text.strip()
    if text.isdigit():
        return int(text)
    try:
        return cn_to_int(text)
    except (KeyError, ValueError):
        return None


def int_to_cn(n: int) -> str:
    """1 → 一, 12 → 十二, 20 → 二十, 102 → 一百零二 (as articles and paragraphs are numbered)."""
    if n < 10:
        return _SPELL[n]
    if n < 20:
        return "十" + (_SPELL[n % 10] if n % 10 else "")
    if n < 100:
        return _SPELL[n // 10] + "十" + (_SPELL[n % 10] if n % 10 else "")
    if n < 1000:
        rest = n % 100
        tail = (
            ""
            if rest == 0
            else ("零" + _SPELL[rest] if rest < 10 else ("一" + int_to_cn(rest) if rest < 20 else int_to_cn(rest)))
        )
        return _SPELL[n // 100] + "百" + tail
    return str(n)
