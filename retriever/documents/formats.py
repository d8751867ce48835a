"""Read a document file of any supported format into plain text for the clean → parse pipeline.

The format is told by content (magic bytes), never by the file name: a `.doc` that is really a web page is read as a
web page. Libraries do the reading (pypdf, python-docx, trafilatura; LibreOffice for legacy Word and WPS; OCR in
ocr.py); this module only adds what Chinese government documents need: running headers, footers and page numbers
dropped, lines a page broke re-joined, full-width digits and letters and PDF radical forms made ordinary.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import os
import re
import shutil
import signal
import subprocess
import tempfile
import unicodedata
import uuid
import zipfile
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path, PurePosixPath
from typing import Literal

from retriever import patterns as P
from retriever.documents.clean import NoticeError, decode, fold

log = logging.getLogger(__name__)

Kind = Literal["text", "pdf", "docx", "office", "html", "image", "zip"]
# Progress of a long conversion: (pages done, pages in all).
PageProgress = Callable[[int, int], None]

CACHE_DIR = ".extracted"  # beside the original: <folder>/.extracted/<file name>.json (the extracted text)
CACHE_VERSION = 2  # bump when extraction changes, so cached texts are read again
MIN_PAGE_CHARS = 20  # a PDF page with fewer characters of text layer is a scan: it is OCR'd
FULL_LINE = 0.85  # a line at least this share of the page's longest is full: the text runs on to the next line
EDGE_LINES = 2  # lines at the top and bottom of a page looked at for running headers and footers
MAX_ZIP_RATIO = 200  # an entry that unpacks to more than this many times its packed size is a zip bomb


class FormatError(NoticeError):
    """A file whose content cannot be read; the message says why and what to do."""


@dataclass(frozen=True)
class Limits:
    """What one file may hold (from Settings: max_upload_bytes, max_pages, conversion_timeout_s)."""

    max_bytes: int = 64 * 1024 * 1024
    max_pages: int = 300
    timeout_s: float = 180.0
    max_zip_files: int = 200


def limits_of(settings) -> Limits:
    """The limits configured in Settings (METROKB_MAX_UPLOAD_BYTES, _MAX_PAGES, _CONVERSION_TIMEOUT_S, …)."""
    return Limits(settings.max_upload_bytes, settings.max_pages, settings.conversion_timeout_s, settings.max_zip_files)


@dataclass
class Page:
    """How one page was read: from the text layer or by OCR (with its mean confidence), or not at all."""

    number: int
    source: Literal["text", "ocr"] = "text"
    confidence: float | None = None
    chars: int = 0
    start: int = 0  # Chinese characters of the document's text before this page (to find a clause's page)


@dataclass
class Extracted:
    """A file's text, with how each page was read and what a person should know."""

    kind: Kind
    text: str
    pages: list[Page] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def notes(self) -> list[str]:
        """The parse report's lines on how the file was read (format, OCR'd pages and confidence)."""
        if self.kind == "text":
            return []
        ocr = [p for p in self.pages if p.source == "ocr" and p.chars]
        note = f"read as {self.kind}" + (f", {len(self.pages)} page(s)" if self.pages else "")
        if ocr:
            mean = sum(p.confidence or 0 for p in ocr) / len(ocr)
            note += f"; OCR on page(s) {_ranges([p.number for p in ocr])} (mean confidence {mean:.2f})"
        return [note]


def _ranges(numbers: list[int]) -> str:
    """[1, 2, 3, 5] → '1–3, 5'."""
    out: list[str] = []
    for n in numbers:
        if out and out[-1].split("–")[-1] == str(n - 1):
            out[-1] = f"{out[-1].split('–')[0]}–{n}"
        else:
            out.append(str(n))
    return ", ".join(out)


# --- telling the format -------------------------------------------------------------------------------------

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Word 97–2003 and Kingsoft WPS binaries
_IMAGES = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*")
_HTML_START = re.compile(
    rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|meta|body)\b", re.I | re.S
)
# File names ingest looks at in kb/ (the content decides how each is read).
SUFFIXES = (
    *(".txt", ".md", ".pdf", ".docx", ".doc", ".wps", ".rtf", ".odt", ".html", ".htm"),
    *(".png", ".jpg", ".jpeg", ".tif", ".tiff"),
    ".zip",  # each file it holds read on its own (`unpack`)
)
SUPPORTED = ".pdf, .docx, .doc, .wps, .rtf, .odt, .html/.htm, .txt, .md, a scanned page image (.png, .jpg, .tif) or a .zip of these"


def sniff(data: bytes, name: str) -> Kind:
    """The format of a file from its first bytes; FormatError for content of no supported kind."""
    head = data[:2048]
    if b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        try:
            names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
        except zipfile.BadZipFile as exc:
            raise FormatError(f"{name}: damaged zip or Office file ({exc}); save or pack it again") from exc
        if "word/document.xml" in names:
            return "docx"
        if "mimetype" in names and "content.xml" in names:
            return "office"  # OpenDocument text
        return "zip"
    if head.startswith(_OLE2) or head.startswith(b"{\\rtf"):
        return "office"
    if head.startswith(_IMAGES):
        return "image"
    if _HTML_START.match(_text_head(head)):
        return "html"
    try:
        decode(data, name)
    except NoticeError as exc:
        if not data.strip():
            raise  # an empty file: decode's own message says so
        raise FormatError(
            f"{name}: content of no supported kind ({str(exc).split(': ', 1)[-1].replace('; skipped', '')}); "
            f"MetroKB reads {SUPPORTED}"
        ) from exc
    return "text"


def _text_head(head: bytes) -> bytes:
    """The first bytes as ASCII-compatible bytes (a UTF-16 page re-encoded), BOM dropped."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return head.decode("utf-16", errors="ignore").encode("utf-8", errors="ignore")
    return head.removeprefix(b"\xef\xbb\xbf")


def check(data: bytes, name: str, limits: Limits = Limits()) -> Kind:
    """The format of an upload, after the checks that are quick (size, a PDF's password and page count), so
    that what cannot be read is refused at once; the slow reading (OCR, conversion) is left to the job."""
    _check_size(data, name, limits)
    kind = sniff(data, name)
    if kind == "pdf":
        _open_pdf(data, name, limits)
    return kind


def _check_size(data: bytes, name: str, limits: Limits) -> None:
    if len(data) > limits.max_bytes:
        raise FormatError(
            f"{name} is {len(data):,} bytes; the limit is {limits.max_bytes:,} (METROKB_MAX_UPLOAD_BYTES): "
            "split the document or raise the limit"
        )


# --- extraction ---------------------------------------------------------------------------------------------


def extract(data: bytes, name: str, limits: Limits = Limits(), progress: PageProgress | None = None) -> Extracted:
    """The text of one file (not a zip: see `unzip`), by its format; FormatError says why it cannot be read."""
    _check_size(data, name, limits)
    kind = sniff(data, name)
    if kind == "text":
        return Extracted("text", decode(data, name))
    if kind == "zip":
        raise FormatError(
            f"{name}: a zip archive holds several documents; add them with `metrokb add {name}` or upload the zip "
            "in 知识库管理 (each file is then read on its own)"
        )
    if kind == "pdf":
        return _pdf(data, name, limits, progress)
    if kind == "docx":
        return Extracted("docx", _docx(data, name))
    if kind == "office":
        return Extracted("office", _docx(convert_to_docx(data, name, limits.timeout_s), name))
    if kind == "html":
        return Extracted("html", _html(data, name))
    from retriever.documents import ocr

    result = ocr.read_image(data, name)
    page = Page(1, "ocr", result.confidence, len(result.text.strip()))
    warnings = [] if page.chars else [f"{name}: OCR found no text on the image; check that it is a scan of text"]
    return Extracted("image", result.text, [page], warnings)


def read_file(path: Path, limits: Limits = Limits(), progress: PageProgress | None = None) -> Extracted:
    """`extract` for a file on disk, the text kept beside it in `.extracted/` so that a file is converted once."""
    data = path.read_bytes()
    if sniff(data, path.name) == "text":
        return Extracted("text", decode(data, path.name))
    digest = hashlib.sha256(data).hexdigest()
    cache = path.parent / CACHE_DIR / f"{path.name}.json"
    try:
        saved = json.loads(cache.read_text(encoding="utf-8"))
        if saved.get("sha256") == digest and saved.get("version") == CACHE_VERSION:
            return Extracted(saved["kind"], saved["text"], [Page(**p) for p in saved["pages"]], saved["warnings"])
    except (OSError, ValueError, KeyError, TypeError):
        pass
    extracted = extract(data, path.name, limits, progress)
    record = {"sha256": digest, "version": CACHE_VERSION, **asdict(extracted)}
    try:
        cache.parent.mkdir(exist_ok=True)
        tmp = cache.with_suffix(f".{uuid.uuid4().hex}.partial")
        tmp.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
        tmp.replace(cache)
    except OSError as exc:  # a read-only folder (METROKB_EXTRA_KB_DIRS): convert again next time
        log.info("%s: extracted text not kept (%s)", path.name, exc.strerror)
    return extracted


# --- PDF


def _open_pdf(data: bytes, name: str, limits: Limits):
    """A PdfReader over the file, decrypted when only an owner password (against editing) is set."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise FormatError(
                f"{name}: the PDF needs a password to open; save a copy without the open password and upload that"
            )
        count = len(reader.pages)
    except FormatError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError, NotImplementedError) as exc:
        raise FormatError(f"{name}: damaged PDF ({exc}); export or print it to PDF again and re-upload") from exc
    if count == 0:
        raise FormatError(f"{name}: the PDF has no pages")
    if count > limits.max_pages:
        raise FormatError(
            f"{name} has {count} pages; the limit is {limits.max_pages} (METROKB_MAX_PAGES): split the document"
        )
    return reader


def _pdf(data: bytes, name: str, limits: Limits, progress: PageProgress | None) -> Extracted:
    reader = _open_pdf(data, name, limits)
    count = len(reader.pages)
    pages, texts, scanned = [], [], []
    for i, page in enumerate(reader.pages, 1):
        try:
            text = page.extract_text() or ""
        except Exception as exc:  # noqa: BLE001 -- pypdf raises many kinds on a damaged page; the page is named
            log.info("%s page %d: text layer unreadable (%s)", name, i, exc)
            text = ""
        text = normalize_forms(text)
        if len(re.sub(r"\s", "", text)) < MIN_PAGE_CHARS:
            scanned.append(i)
        texts.append(text)
        pages.append(Page(i, "text", None, len(text.strip())))
    done = count - len(scanned)
    if progress:
        progress(done, count)
    warnings: list[str] = []
    if scanned:
        from retriever.documents import ocr

        def ocr_progress(k: int) -> None:
            if progress:
                progress(done + k, count)

        results = ocr.read_pdf_pages(data, name, scanned, limits.timeout_s, ocr_progress)
        for number, result in zip(scanned, results, strict=True):
            texts[number - 1] = result.text
            pages[number - 1] = Page(number, "ocr", result.confidence, len(result.text.strip()))
            if not result.text.strip():
                warnings.append(f"{name} page {number}: no text found, even by OCR; check the page or scan it again")
            elif result.confidence < ocr.LOW_CONFIDENCE:
                warnings.append(
                    f"{name} page {number}: OCR confidence {result.confidence:.2f}; check the text of this page"
                )
    starts: list[int] = []
    text = join_pages([t.split("\n") for t in texts], starts)
    for page, start in zip(pages, starts, strict=True):
        page.start = start
    return Extracted("pdf", text, pages, warnings)


def join_pages(pages: list[list[str]], starts: list[int] | None = None) -> str:
    """Pages of lines to one text: page numbers and running headers/footers dropped, broken lines joined.
    `starts` receives, for each page, how many Chinese characters of the text come before it."""
    pages = [[ln.strip() for ln in lines if ln.strip()] for lines in pages]
    running = _running_lines(pages)
    lines: list[str] = []
    where: list[int] = []
    for page in pages:
        where.append(sum(len(_HANZI.findall(ln)) for ln in lines))
        edge = set(range(min(EDGE_LINES, len(page)))) | set(range(max(0, len(page) - EDGE_LINES), len(page)))
        lines += [
            ln for i, ln in enumerate(page) if not (i in edge and (P.PAGE_NUMBER.match(ln) or _shape(ln) in running))
        ]
    if starts is not None:
        starts[:] = where
    return "\n".join(join_broken(lines))


_HANZI = re.compile(r"[\u4e00-\u9fff]")
PAGE_KEY_CHARS = 12  # Chinese characters from a clause's start that find it in the pages


def page_of(pages: list[Page], text: str) -> Callable[[str], int | None]:
    """A function from a clause's text to the page it starts on (None if not found), for clauses in order."""
    hanzi = "".join(_HANZI.findall(text))
    starts = [p.start for p in pages]
    last = 0

    def find(clause_text: str) -> int | None:
        nonlocal last
        key = "".join(_HANZI.findall(clause_text))[:PAGE_KEY_CHARS]
        at = hanzi.find(key, last) if key else -1
        if at < 0:
            return None
        last = at
        return pages[max(i for i, s in enumerate(starts) if s <= at)].number if starts else None

    return find


def _shape(line: str) -> str:
    """A line with its numbers blanked: a running header's page number changes from page to page."""
    return re.sub(r"\d+", "#", re.sub(r"\s", "", line))


def _running_lines(pages: list[list[str]]) -> set[str]:
    """Lines that stand at the top or bottom of at least half the pages (two pages or more)."""
    if len(pages) < 2:
        return set()
    seen: Counter[str] = Counter()
    for page in pages:
        seen.update({_shape(ln) for ln in page[:EDGE_LINES] + page[-EDGE_LINES:]})
    return {shape for shape, n in seen.items() if n >= max(2, len(pages) / 2)}


def _width(line: str) -> int:
    """Display width: a Chinese character counts two, a Latin letter or digit one."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line)


_STARTS_NEW = (
    P.ARTICLE,
    P.LEGAL_HEADING,
    P.CHAPTER,
    P.SECTION,
    P.ITEM,
    P.APPENDIX,
    P.DOC_NUMBER,
    P.EVENT_LINE,
)


def join_broken(lines: list[str]) -> list[str]:
    """Re-join the lines of a paragraph that the page width broke: a full line not ending a sentence runs on,
    unless the next line opens a new article, chapter, item or appendix."""
    if not lines:
        return []
    full = FULL_LINE * sorted(_width(ln) for ln in lines)[int(0.9 * (len(lines) - 1))]
    out = [lines[0]]
    for line in lines[1:]:
        prev = out[-1]
        if (
            _width(prev.split("\n")[-1]) >= full
            and prev[-1] not in "。！？；：.!?;:"
            and not any(p.match(fold(line)) for p in _STARTS_NEW)
        ):
            out[-1] = prev + line
        else:
            out.append(line)
    return out


# Full-width digits and letters (２０２５, ＧＢ) to ASCII; punctuation keeps its width. PDF fonts often map
# characters to Kangxi radicals (⼈ U+2F08 for 人) or compatibility ideographs: their ordinary character.
_WIDE_ALNUM = {c: c - 0xFEE0 for r in ((0xFF10, 0xFF1A), (0xFF21, 0xFF3B), (0xFF41, 0xFF5B)) for c in range(*r)}
_RADICALS = re.compile(r"[\u2e80-\u2fdf\uf900-\ufaff]")
LETTER_SPACED = 3  # gaps between Chinese characters in one line that make it letter-spaced; fewer are separators


def normalize_forms(text: str) -> str:
    """Characters as the document means them: ２０２５年 → 2025年, ⼈ → 人, 'Ａ类' → 'A类', 通 知 → 通知."""
    text = _RADICALS.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text.translate(_WIDE_ALNUM))
    text = P.OCR_YEAR_BRACKET.sub(lambda m: f"〔{m.group(1) or m.group(2)}〕", text)
    return "\n".join(
        P.CJK_GAP.sub("", line) if len(P.CJK_GAP.findall(line)) >= LETTER_SPACED else line for line in text.split("\n")
    )


# --- Word


def _docx(data: bytes, name: str) -> str:
    """Paragraphs and table rows of a .docx in document order (tables as | a | b | rows)."""
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # noqa: BLE001 -- python-docx raises KeyError, ValueError, lxml errors on damage
        raise FormatError(f"{name}: damaged Word file ({exc}); open and save it again in Word or WPS") from exc
    lines = []
    for block in document.element.body.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append(Paragraph(block, document).text)
        elif tag == "tbl":
            for row in Table(block, document).rows:
                cells = [c.text.replace("\n", " ").strip() for c in row.cells]
                lines.append("| " + " | ".join(dict.fromkeys(cells)) + " |")  # merged cells repeat: once each
    return normalize_forms("\n".join(lines))


def convert_to_docx(data: bytes, name: str, timeout_s: float) -> bytes:
    """A legacy Word/WPS/RTF/OpenDocument file converted to .docx by LibreOffice (a separate process, its own
    profile, under a time limit)."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise FormatError(
            f"{name}: reading .doc/.wps needs LibreOffice (Debian package libreoffice-writer-nogui; `make system`), "
            "or save the file as .docx or PDF"
        )
    suffix = {b"{\\rt": ".rtf", b"PK\x03\x04": ".odt"}.get(data[:4], ".doc")
    with tempfile.TemporaryDirectory(prefix="metrokb-office-", ignore_cleanup_errors=True) as tmp:
        source = Path(tmp) / f"source{suffix}"
        source.write_bytes(data)
        command = [
            soffice,
            f"-env:UserInstallation=file://{tmp}/profile",
            "--headless",
            "--norestore",
            "--convert-to",
            "docx",
            "--outdir",
            f"{tmp}/out",
            str(source),
        ]
        # Its own session: on the time limit the whole process group goes (soffice starts soffice.bin as a child,
        # which would live on, writing to the profile, if only the first process were killed).
        process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
        )
        try:
            process.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired as exc:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            raise FormatError(
                f"{name}: converting it took longer than {timeout_s:g} s (METROKB_CONVERSION_TIMEOUT_S); "
                "save it as .docx or PDF and upload that"
            ) from exc
        out = Path(tmp) / "out" / "source.docx"
        if not out.exists():
            raise FormatError(f"{name}: LibreOffice could not read it (damaged?); save it as .docx or PDF")
        return out.read_bytes()


# --- web pages


def _html(data: bytes, name: str) -> str:
    """The article of a saved web page (menus, navigation and footers left out), its title first."""
    import trafilatura

    found = trafilatura.bare_extraction(
        data, include_tables=True, include_comments=False, favor_recall=True, with_metadata=True
    )
    body = (found.text if found is not None else "") or ""
    if not body.strip():
        raise FormatError(f"{name}: no article text found in the web page; save the page's text as .txt")
    title = (found.title or "").strip()
    if title and title not in body[: len(title) + 200]:
        body = f"{title}\n{body}"
    return normalize_forms(body)


# --- zip archives


@dataclass
class Member:
    """One file of a zip: its data, or why it was refused."""

    name: str
    data: bytes | None = None
    refused: str | None = None


def unzip(data: bytes, name: str, limits: Limits = Limits()) -> list[Member]:
    """The files of a zip, each with its data or the reason it is refused (a path climbing out of the archive, a
    nested archive, too large or a zip bomb); folders are flattened. FormatError if the zip itself is unusable."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = [i for i in archive.infolist() if not i.is_dir()]
    except zipfile.BadZipFile as exc:
        raise FormatError(f"{name}: damaged zip ({exc}); pack the files again") from exc
    if len(infos) > limits.max_zip_files:
        raise FormatError(f"{name} holds {len(infos)} files; the limit is {limits.max_zip_files}: send several zips")
    members, total = [], 0
    for info in infos:
        entry = _entry_name(info)
        path = PurePosixPath(info.filename.replace("\\", "/"))
        if info.filename.startswith(("/", "\\")) or ".." in path.parts or ":" in path.parts[0]:
            members.append(Member(entry, refused=f"{name}: {info.filename} climbs out of the archive; refused"))
            continue
        if entry.startswith(".") or entry.startswith("__MACOSX") or "__MACOSX" in path.parts:
            continue
        if info.flag_bits & 0x1:
            members.append(
                Member(entry, refused=f"{name}: {entry} is encrypted in the zip; pack it without a password")
            )
            continue
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > limits.max_bytes or total + info.file_size > limits.max_bytes * 4 or ratio > MAX_ZIP_RATIO:
            members.append(
                Member(
                    entry,
                    refused=f"{name}: {entry} unpacks to {info.file_size:,} bytes (packed {info.compress_size:,}): "
                    "over the size limit or a zip bomb; refused",
                )
            )
            continue
        with archive.open(info) as f:
            content = f.read(limits.max_bytes + 1)  # the header's size can lie: never read past the limit
        if len(content) > limits.max_bytes:
            members.append(Member(entry, refused=f"{name}: {entry} is over the size limit; refused"))
        elif content.startswith(b"PK\x03\x04") and sniff(content, entry) == "zip":
            members.append(Member(entry, refused=f"{name}: {entry} is a zip inside the zip; unpack it first"))
        else:
            members.append(Member(entry, content))
            total += len(content)
    return members


def is_archive(path: Path) -> bool:
    """Whether a file is a zip of documents (not a Word or OpenDocument file, which are zips too), by content."""
    try:
        with path.open("rb") as f:
            if f.read(4) not in (b"PK\x03\x04", b"PK\x05\x06"):
                return False
        return sniff(path.read_bytes(), path.name) == "zip"
    except (OSError, FormatError):
        return False  # read as a document: its own reading says what is wrong


def unpack(path: Path, limits: Limits = Limits()) -> tuple[list[Path], dict[str, str]]:
    """The files of a zip kept in a knowledge-base folder, through `unzip`'s guards: written once (again when the
    zip changes) to `.extracted/<zip name>/` beside it, to be read like any file there (their text cached beside
    them); and the members refused, by name, with the reason. FormatError if the zip itself is unusable."""
    data = path.read_bytes()
    _check_size(data, path.name, limits)
    digest = hashlib.sha256(data).hexdigest()
    folder = path.parent / CACHE_DIR / path.name
    stamp = folder / ".sha256"
    members = unzip(data, path.name, limits)
    refused = {m.name: m.refused or "refused" for m in members if m.data is None}
    kept = [m for m in members if m.data is not None]
    for twin in {m.name for m in kept if sum(k.name == m.name for k in kept) > 1}:
        refused[twin] = f"{path.name}: two files named {twin} in different folders; give them different names"
    kept = [m for m in kept if m.name not in refused]
    try:
        fresh = not stamp.is_file() or stamp.read_text() != digest
        if fresh:
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(parents=True)
    except OSError:  # a read-only folder (METROKB_EXTRA_KB_DIRS): unpack where this machine keeps temporary files
        folder, fresh = Path(tempfile.gettempdir()) / "metrokb-zips" / digest / path.name, True
        folder.mkdir(parents=True, exist_ok=True)
    for member in kept if fresh else []:
        (folder / member.name).write_bytes(member.data or b"")
    if fresh:
        (folder / ".sha256").write_text(digest)
    return [folder / m.name for m in kept], refused


def original_path(folders, file: str) -> Path | None:
    """Where a knowledge-base file is: in one of the folders, or, for a zip's member (`batch.zip/notice.pdf`),
    where `unpack` wrote it; None when it is no longer there."""
    candidates = [d / file for d in folders] + [d / CACHE_DIR / file for d in folders if "/" in file]
    return next((p for p in candidates if p.is_file()), None)


def _entry_name(info: zipfile.ZipInfo) -> str:
    """A zip entry's file name (folders dropped); names packed by Chinese Windows are GBK without the UTF-8 flag."""
    raw = info.filename
    if not info.flag_bits & 0x800:
        try:
            raw = raw.encode("cp437").decode("gb18030")
        except (UnicodeEncodeError, UnicodeDecodeError):
            pass
    return PurePosixPath(raw.replace("\\", "/")).name
