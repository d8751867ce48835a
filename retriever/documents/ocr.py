"""OCR of scanned pages, on this machine and offline: RapidOCR (PP-OCRv4 Chinese models shipped inside the
rapidocr-onnxruntime wheel, nothing downloaded), PDF pages rendered by poppler's `pdftoppm` as a separate process.

Text boxes are put back into lines by position, with a space where the scan shows a gap (第一条　为了…). The
detector sometimes cuts a short marker at a line's start (（二）, 1., 第三条) into pieces the recogniser cannot read
alone; a line that lost such a fragment is read again as one image.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from retriever.documents.clean import NoticeError

log = logging.getLogger(__name__)

DPI = 200  # render resolution: small print (小四, 12 pt) is ~33 px high, which the recogniser reads well
LOW_CONFIDENCE = 0.8  # a page read with less mean confidence is named in the parse report for a person to check
GAP_CHARS = 0.8  # a horizontal gap wider than this many character heights between two boxes is a space
SAME_LINE = 0.5  # boxes whose vertical centres differ by less than this share of their height are one line
TEXT_SCORE = 0.5  # RapidOCR's own threshold: a box read with a lower score is a fragment, not text
LINE_PAD = 0.5  # a line read again as one image is cropped this many line heights beyond its boxes


@dataclass(frozen=True)
class OcrResult:
    text: str
    confidence: float  # mean recogniser score of the page's characters, 0..1 (0 when nothing was found)


@lru_cache(maxsize=1)
def engine():
    """The RapidOCR engine, loaded once (about a second) from the models inside the package."""
    from rapidocr_onnxruntime import RapidOCR

    return RapidOCR(text_score=0.0)  # every box comes back: _lines tells fragments from text (TEXT_SCORE)


def read_image(image: bytes | Path, name: str) -> OcrResult:
    """The text of one page image (PNG, JPEG, TIFF bytes or a file)."""
    try:
        pixels = engine().load_img(image if isinstance(image, bytes) else str(image))
        boxes, _ = engine()(pixels)
    except Exception as exc:  # noqa: BLE001 -- the engine raises bare exceptions on undecodable images
        raise NoticeError(f"{name}: the image cannot be read (damaged?); save the scan again as PNG or PDF") from exc
    return _lines(boxes or [], pixels)


Box = tuple[float, float, float, float, float, str, float]  # left, right, top, bottom, centre y, text, score


def _lines(boxes: list, pixels=None) -> OcrResult:
    """Boxes [(corners, text, score)] into lines in reading order, and the characters' mean score. A line where
    the detector left a fragment (a box read below TEXT_SCORE) is read again whole from `pixels`."""
    items: list[Box] = []
    for corners, text, score in boxes:
        xs, ys = [p[0] for p in corners], [p[1] for p in corners]
        items.append((min(xs), max(xs), min(ys), max(ys), (min(ys) + max(ys)) / 2, text, float(score)))
    items.sort(key=lambda b: b[4])
    lines: list[list[Box]] = []
    for item in items:
        first = lines[-1][0] if lines else None
        if first and abs(item[4] - first[4]) < SAME_LINE * max(item[3] - item[2], first[3] - first[2]):
            lines[-1].append(item)
        else:
            lines.append([item])
    out, pieces = [], []
    for line in lines:
        line.sort(key=lambda b: b[0])
        kept = [b for b in line if b[6] >= TEXT_SCORE and b[5].strip()]
        if not kept:
            continue
        if len(kept) < len(line) and pixels is not None and (whole := _read_again(pixels, line, kept)):
            kept = [whole]
        text = kept[0][5]
        for prev, box in zip(kept, kept[1:]):
            text += (" " if box[0] - prev[1] > GAP_CHARS * (box[3] - box[2]) else "") + box[5]
        out.append(text)
        pieces += kept
    chars = sum(len(b[5]) for b in pieces)
    confidence = sum(b[6] * len(b[5]) for b in pieces) / chars if chars else 0.0
    from retriever.documents.formats import normalize_forms

    return OcrResult(normalize_forms("\n".join(out)), confidence)


def _read_again(pixels, line: list[Box], kept: list[Box]) -> Box | None:
    """The line read as one image, when that reading keeps the text of every box read well, in order, adds what
    the fragments held and is itself read with confidence; None otherwise (the fragments are then left out)."""
    top, bottom = min(b[2] for b in line), max(b[3] for b in line)
    pad = LINE_PAD * (bottom - top)
    height, width = pixels.shape[:2]
    left, right = max(0, int(line[0][0] - pad)), min(width, int(max(b[1] for b in line) + pad))
    crop = pixels[max(0, int(top - pad / 2)) : min(height, int(bottom + pad / 2)), left:right]
    found, _ = engine()(crop, use_det=False, use_cls=False)
    if not found:
        return None
    text, score = found[0][0], float(found[0][1])
    at = 0
    for box in kept:
        piece = box[5].replace(" ", "")
        at = text.find(piece, at)
        if at < 0:
            return None
        at += len(piece)
    if score < LOW_CONFIDENCE or len(text) <= sum(len(b[5]) for b in kept):
        return None
    return (line[0][0], line[-1][1], top, bottom, line[0][4], text, score)


def read_pdf_pages(
    data: bytes, name: str, numbers: list[int], timeout_s: float, progress: Callable[[int], None] | None = None
) -> list[OcrResult]:
    """OCR the given pages (1-based) of a PDF, each rendered by pdftoppm under `timeout_s`; `progress(k)` after
    the k-th page. A page that cannot be rendered comes back empty (the caller names it)."""
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        raise NoticeError(
            f"{name}: a scanned PDF needs poppler-utils (pdftoppm) to be read; run `make system`, or upload the text"
        )
    results = []
    with tempfile.TemporaryDirectory(prefix="metrokb-ocr-") as tmp:
        source = Path(tmp) / "source.pdf"
        source.write_bytes(data)
        for k, number in enumerate(numbers, 1):
            out = Path(tmp) / f"page-{number}"
            command = [pdftoppm, "-r", str(DPI), "-f", str(number), "-l", str(number), "-png", "-singlefile"]
            try:
                subprocess.run([*command, str(source), str(out)], capture_output=True, timeout=timeout_s, check=False)
            except subprocess.TimeoutExpired:
                log.warning("%s page %d: rendering took over %g s", name, number, timeout_s)
            png = out.with_suffix(".png")
            results.append(read_image(png, name) if png.exists() else OcrResult("", 0.0))
            png.unlink(missing_ok=True)
            if progress:
                progress(k)
    return results
