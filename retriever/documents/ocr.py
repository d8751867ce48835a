"""OCR of scanned pages, on this machine and offline: RapidOCR (PP-OCRv4 Chinese models shipped inside the
rapidocr-onnxruntime wheel, nothing downloaded), PDF pages rendered by poppler's `pdftoppm` as a separate process.

Text boxes are put back into lines by position, with a space where the scan shows a gap (第一条　为了…).
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


@dataclass(frozen=True)
class OcrResult:
    text: str
    confidence: float  # mean recogniser score of the page's characters, 0..1 (0 when nothing was found)


@lru_cache(maxsize=1)
def engine():
    """The RapidOCR engine, loaded once (about a second) from the models inside the package."""
    from rapidocr_onnxruntime import RapidOCR

    return RapidOCR()


def read_image(image: bytes | Path, name: str) -> OcrResult:
    """The text of one page image (PNG, JPEG, TIFF bytes or a file)."""
    try:
        boxes, _ = engine()(image if isinstance(image, bytes) else str(image))
    except Exception as exc:  # noqa: BLE001 -- the engine raises bare exceptions on undecodable images
        raise NoticeError(f"{name}: the image cannot be read ({exc}); save the scan as PNG or PDF") from exc
    return _lines(boxes or [])


def _lines(boxes: list) -> OcrResult:
    """Boxes [(corners, text, score)] into lines in reading order, and the characters' mean score."""
    items = []
    for corners, text, score in boxes:
        xs, ys = [p[0] for p in corners], [p[1] for p in corners]
        items.append((min(xs), max(xs), (min(ys) + max(ys)) / 2, max(ys) - min(ys), text, float(score)))
    items.sort(key=lambda b: b[2])
    lines: list[list[tuple]] = []
    for item in items:
        if lines and abs(item[2] - lines[-1][0][2]) < SAME_LINE * max(item[3], lines[-1][0][3]):
            lines[-1].append(item)
        else:
            lines.append([item])
    out = []
    for line in lines:
        line.sort(key=lambda b: b[0])
        text = line[0][4]
        for prev, box in zip(line, line[1:]):
            text += (" " if box[0] - prev[1] > GAP_CHARS * box[3] else "") + box[4]
        out.append(text)
    chars = sum(len(b[4]) for b in items)
    confidence = sum(b[5] * len(b[4]) for b in items) / chars if chars else 0.0
    from retriever.documents.formats import normalize_forms

    return OcrResult(normalize_forms("\n".join(out)), confidence)


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
