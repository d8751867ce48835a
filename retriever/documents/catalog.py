"""Edit kb/catalog.yaml in place: set or drop fields of one entry, add or remove an entry, atomically.

The file is edited as text so that its comments and layout stay: an entry is the block of lines from
`  <file name>:` to the next such line, a field is a `    key: value` line (and any deeper-indented lines after
it). If an edit would not read back as intended (a hand-written layout this does not follow), the file is
rewritten from the data instead, keeping the comment header above `notices:`.
"""

from __future__ import annotations

import os
import re
from datetime import date
from pathlib import Path

import yaml

from retriever.documents.clean import NoticeError

HEADER = (
    "# One entry per notice file in kb/. Ingest extracts what the text itself states;\n"
    "# fields given here complete or override it.\n"
)
ENTRY = re.compile(r"^  (?! )(?P<key>[^#\n].*?):\s*$")  # `  000_x.txt:` (exactly two spaces of indent)
FIELD = re.compile(r"^    (?! )(?P<key>[A-Za-z_][\w-]*):")  # `    title: …`


def _scalar(key: str, value) -> str:
    """One `key: value` line as YAML writes it (quoted when needed), without the newline; dates stay unquoted."""
    if key == "date" and isinstance(value, str):
        try:
            value = date.fromisoformat(value)
        except ValueError:
            pass
    return yaml.safe_dump({key: value}, allow_unicode=True, default_flow_style=False, width=10**6).rstrip("\n")


def _entry_key(line: str) -> str | None:
    m = ENTRY.match(line)
    if not m:
        return None
    try:
        key = yaml.safe_load(m.group("key"))
    except yaml.YAMLError:
        return None
    return str(key) if key is not None else None


def _blocks(lines: list[str]) -> tuple[list[str], list[tuple[str, list[str]]]]:
    """(lines up to and including `notices:`, [(file name, its lines)]); trailing blank lines stay with a block."""
    try:
        start = next(i for i, line in enumerate(lines) if line.rstrip() == "notices:") + 1
    except StopIteration:
        return lines + ["notices:"], []
    head, blocks = lines[:start], []
    for line in lines[start:]:
        key = _entry_key(line)
        if key is not None:
            blocks.append((key, [line]))
        elif blocks:
            blocks[-1][1].append(line)
        else:
            head.append(line)
    return head, blocks


def _edit_block(block: list[str], fields: dict) -> list[str]:
    """The entry's lines with each field of `fields` set (value) or dropped (None); new fields go last."""
    out, done, skipping = [block[0]], set(), False
    for line in block[1:]:
        m = FIELD.match(line)
        if m:
            key = m.group("key")
            skipping = key in fields
            if skipping and fields[key] is not None and key not in done:
                out.append("    " + _scalar(key, fields[key]))
                done.add(key)
            if skipping:
                continue
        elif skipping and line.startswith("     "):
            continue  # a continuation line of a replaced or dropped value
        else:
            skipping = False
        out.append(line)
    body_end = len(out)
    while body_end > 1 and not out[body_end - 1].strip():
        body_end -= 1
    new = ["    " + _scalar(k, v) for k, v in fields.items() if v is not None and k not in done]
    return out[:body_end] + new + out[body_end:]


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def update_catalog(kb_dir: Path, file: str, fields: dict | None) -> dict[str, dict]:
    """Set (value) or drop (None) fields of `file`'s entry, creating it if needed; `fields=None` removes the entry.

    Returns the catalog as it now reads. Atomic: readers see the old file or the new one, never half of one.
    """
    path = kb_dir / "catalog.yaml"
    before = read_catalog(kb_dir)
    expected = {k: dict(v or {}) for k, v in before.items()}
    if fields is None:
        expected.pop(file, None)
    else:
        entry = expected.setdefault(file, {})
        for key, value in fields.items():
            if value is None:
                entry.pop(key, None)
            else:
                entry[key] = value

    text = path.read_text(encoding="utf-8") if path.exists() else HEADER + "notices:\n"
    head, blocks = _blocks(text.splitlines())
    if fields is None:
        blocks = [(k, b) for k, b in blocks if k != file]
    elif any(k == file for k, _ in blocks):
        blocks = [(k, _edit_block(b, fields) if k == file else b) for k, b in blocks]
    else:
        if blocks and blocks[-1][1][-1].strip():
            blocks[-1][1].append("")
        blocks.append((file, _edit_block(["  " + _scalar(file, None).removesuffix(" null")], fields)))
    new_text = "\n".join(head + [line for _, b in blocks for line in b]) + "\n"
    if not _reads_as(new_text, expected):
        header = text.split("\nnotices:", 1)[0] + "\n" if "\nnotices:" in text else HEADER
        new_text = header + yaml.safe_dump({"notices": expected}, allow_unicode=True, sort_keys=False, width=10**6)
    _write_atomic(path, new_text)
    return expected


def _reads_as(text: str, expected: dict) -> bool:
    try:
        notices = (yaml.safe_load(text) or {}).get("notices") or {}
    except yaml.YAMLError:
        return False
    normal = {
        k: {f: (v.isoformat() if hasattr(v, "isoformat") else v) for f, v in (e or {}).items()}
        for k, e in notices.items()
    }
    wanted = {
        k: {f: (v.isoformat() if hasattr(v, "isoformat") else v) for f, v in e.items()} for k, e in expected.items()
    }
    return normal == wanted


def read_catalog(kb_dir: Path) -> dict[str, dict]:
    path = kb_dir / "catalog.yaml"
    if not path.exists():
        return {}
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise NoticeError(f"{path}: not valid YAML ({exc}); fix the catalog and re-run ingest") from exc
    return data.get("notices") or {}
