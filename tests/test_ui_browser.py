"""The staff chat in a real headless Chromium, against a real `metrokb serve` on 127.0.0.1 over the test index."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from retriever.models import Answer, Citation

ROOT = Path(__file__).resolve().parent.parent
NANCHANG = "南昌到2025年强检计量器具检定覆盖率目标是多少？"


@pytest.fixture(scope="module")
def server(index_dir, tmp_path_factory, serve_cli):
    """`metrokb serve` over the test index, no keys; yields (base url, feedback file)."""
    feedback = tmp_path_factory.mktemp("feedback") / "feedback.jsonl"
    log = tmp_path_factory.mktemp("server") / "serve.log"
    env = {"METROKB_INDEX_DIR": str(index_dir), "METROKB_FEEDBACK_PATH": str(feedback)}
    with serve_cli(env, log) as base:
        yield base, feedback


@pytest.fixture()
def page(browser, server):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(f"{server[0]}/ui/")
    page.wait_for_selector("#question textarea")
    yield page
    context.close()


def ask(page, question: str):
    """Type a question, send it, wait for the answer; return the last answer bubble."""
    bots = page.locator("#chat [data-testid='bot']")
    before = bots.count()
    page.fill("#question textarea", question)
    page.keyboard.press("Enter")
    page.wait_for_function(
        "n => { const b = document.querySelectorAll(\"#chat [data-testid='bot']\");"
        " return b.length > n && !b[b.length - 1].innerText.includes('正在检索'); }",
        arg=before,
    )
    return bots.last


def test_chat_answers_with_citations_follows_up_and_shows_the_clause_in_place(page, tmp_path):
    answer = ask(page, NANCHANG)
    assert "92%以上" in answer.inner_text()
    assert answer.locator("sup.cite-marker").first.inner_text() == "[1]"
    assert answer.locator(".badge-cited").count() == 1
    sources = page.locator("#sources")
    page.wait_for_function("document.querySelector('#sources mark.quote') !== null")
    assert "92%以上" in sources.locator(".source mark.quote").first.inner_text()
    card = sources.locator(".source").first
    assert "《南昌市人民政府关于深入推进计量工作高质量发展的实施意见》" in card.inner_text()
    assert "南昌 · 2023-04-26" in card.inner_text() and "一、" in card.inner_text()

    answer = ask(page, "那温州呢？")
    text = answer.inner_text()
    assert "按上下文理解为：温州到2025年强检计量器具检定覆盖率目标是多少？" in text
    assert "温州" in text.split("按上下文理解为")[-1] and "南昌" not in text
    page.wait_for_function("document.querySelector('#sources .source-title').innerText.includes('温州')")
    assert sources.locator(".source").first.locator("mark.quote").count() == 1

    card = sources.locator(".source").first
    key, path = card.get_attribute("data-source"), card.locator(".source-meta b").inner_text()
    quote = card.locator("mark.quote").inner_text()
    card.click()
    context = page.locator("#clause-context")
    page.wait_for_function(f"document.querySelector('#clause-context').innerText.includes('{key} 原文位置')")
    assert "《温州市推进计量工作" in context.inner_text() and f"本条 {path}" in context.inner_text()
    assert context.locator("mark.quote").inner_text() == quote
    assert "上一条" in context.inner_text() or "下一条" in context.inner_text()
    shot = tmp_path / "chat-with-sources.png"
    page.screenshot(path=str(shot))
    assert shot.stat().st_size > 20_000

    answer = ask(page, "换成湖南")  # Hunan's notice may have no such target: cited or declined, it is about Hunan
    assert "按上下文理解为：湖南到2025年" in answer.inner_text()
    page.wait_for_function("document.querySelector('#sources .source-title').innerText.includes('湖南')")


def test_selecting_a_related_source_shows_that_clause(page):
    ask(page, NANCHANG)
    page.locator("#sources details.more summary").click()
    related = page.locator("#sources .source.related").first
    path = related.locator(".source-meta b").inner_text()
    related.click()
    page.wait_for_function("document.querySelector('#clause-context').innerText.includes('相关1 原文位置')")
    assert f"本条 {path}" in page.locator("#clause-context").inner_text()


def test_new_conversation_forgets_the_context(page):
    ask(page, NANCHANG)
    page.click("#new-conversation")
    page.wait_for_function("document.querySelectorAll(\"#chat [data-testid='bot']\").length === 0")
    assert "提问后" in page.locator("#sources").inner_text()
    page.locator("#chat button.example").first.click()  # the example questions are back
    page.wait_for_function(
        "(() => { const b = document.querySelectorAll(\"#chat [data-testid='bot']\");"
        " return b.length === 1 && b[0].innerText.includes('92%'); })()"
    )
    answer = ask(page, "温州的责任单位有哪些？")
    assert "按上下文理解为" not in answer.inner_text()


def test_abstained_answer_and_server_error_look_different(page):
    answer = ask(page, "上海的强检覆盖率目标是多少？")
    assert answer.locator(".badge-abstained").inner_text() == "未找到可引用的答案"
    assert "上海" in answer.inner_text() and answer.locator("sup.cite-marker").count() == 0
    assert page.locator("#sources .sources-abstained").count() == 1

    answer = ask(page, "测" * 1200)
    assert answer.locator(".badge-error").count() == 1
    assert "问题无法处理" in answer.inner_text() and "1000" in answer.inner_text()
    assert "Traceback" not in page.locator("body").inner_text()


def test_thumbs_up_is_recorded_with_question_answer_and_citations(page, server):
    feedback = server[1]
    before = feedback.read_text().count("\n") if feedback.exists() else 0
    ask(page, NANCHANG)
    copied = page.locator("#copy-text textarea").input_value()
    assert copied.startswith(f"问：{NANCHANG}") and "[1] 《南昌市人民政府" in copied and "引文：" in copied
    page.click("#copy-answer")
    page.wait_for_selector("text=已复制答案及引用")
    page.locator("#chat button[aria-label='赞']").last.click()  # Gradio's own labels follow the browser locale
    page.wait_for_selector("text=已记录反馈：有帮助")
    rows = [json.loads(line) for line in feedback.read_text().splitlines()]
    assert len(rows) == before + 1
    row = rows[-1]
    assert (row["rating"], row["question"], row["abstained"]) == ("up", NANCHANG, False)
    assert "92%以上" in row["answer"] and row["citations"][0]["clause_id"] == "nanchang-2023/一"


def test_browse_shows_metadata_clause_tree_and_extracted_facts(page):
    page.get_by_role("tab", name="浏览文件").click()
    page.wait_for_function("document.querySelector('#browse-view').innerText.includes('湘市监计量〔2022〕139号')")
    view = page.locator("#browse-view")
    assert "湖南省市场监督管理局" in view.inner_text()
    assert view.locator(".node").count() > 5
    assert view.locator(".fact-target").count() >= 1 and "3000项" in view.inner_text()


# --- administration in the browser ---------------------------------------------------------------

READER_KEY, ADMIN_KEY = "reader-browser-key", "admin-browser-key"


@pytest.fixture(scope="module")
def admin_server(index_dir, tmp_path_factory, serve_cli):
    """`metrokb serve` with a reader and an admin key over copies of kb/ and the index; yields (url, kb, log)."""
    work = tmp_path_factory.mktemp("admin")
    shutil.copytree(ROOT / "kb", work / "kb")
    shutil.copytree(index_dir, work / "index", symlinks=True)
    log = work / "serve.log"
    env = {
        "METROKB_KB_DIR": str(work / "kb"),
        "METROKB_INDEX_DIR": str(work / "index"),
        "METROKB_FEEDBACK_PATH": str(work / "feedback" / "feedback.jsonl"),
        "METROKB_API_KEY": READER_KEY,
        "METROKB_ADMIN_KEY": ADMIN_KEY,
    }
    with serve_cli(env, log) as base:
        yield base, work / "kb", log


def login(browser, url: str, key: str):
    """A page logged in through the login page; returns it on the chat."""
    context = browser.new_context(viewport={"width": 1400, "height": 1100}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.goto(f"{url}/ui/")
    assert "/login" in page.url  # the UI is locked: the browser is sent to the login page
    page.fill("#key", key)
    page.click("#login")
    page.wait_for_selector("#question textarea")
    page.wait_for_function("document.querySelector('#whoami').innerText.includes('当前身份')")
    return page


def test_admin_logs_in_uploads_a_notice_sees_its_report_asks_about_it_and_deletes_it(browser, admin_server):
    url, kb, log = admin_server
    page = login(browser, url, ADMIN_KEY)
    assert "admin（管理员）" in page.locator("#whoami").inner_text()
    page.get_by_role("tab", name="知识库管理").click()
    page.set_input_files("#admin-file input[type=file]", str(ROOT / "tests" / "data" / "ganzhou-2025.txt"))
    page.wait_for_selector("#admin-file :text('ganzhou-2025.txt')")
    page.fill("#admin-new-region input, #admin-new-region textarea", "赣州")
    page.click("#admin-upload")
    page.wait_for_selector(
        "#admin-job [data-status=done], #admin-job [data-status=failed], #admin-job [data-status=refused]"
    )
    report = page.locator("#admin-job").inner_text()
    assert "已完成" in report, report
    assert "《赣州市市场监督管理局关于加强民生计量监督工作的通知》" in report and "doc_id：ganzhou-2025" in report
    assert "一级条款 3" in report and "目标" in report and "解析警告（3）" in report
    page.wait_for_function("document.querySelector('#admin-audit').innerText.includes('ganzhou-2025')")
    assert "新增" in page.locator("#admin-audit").inner_text()
    assert (kb / "ganzhou-2025.txt").exists()

    page.get_by_role("tab", name="问答").click()
    answer = ask(page, "赣州到2026年电子计价秤检定率目标是多少？")
    assert "98%以上" in answer.inner_text()
    page.wait_for_function("document.querySelector('#sources').innerText.includes('赣州市市场监督管理局')")

    page.get_by_role("tab", name="知识库管理").click()
    page.locator("#admin-doc input").click()
    page.get_by_role("option", name="ganzhou-2025", exact=False).click()
    page.wait_for_function(
        "document.querySelector('#admin-edit-region input, #admin-edit-region textarea').value === '赣州'"
    )
    page.click("#admin-delete")
    confirm = page.locator("#admin-confirm-text")
    confirm.wait_for()
    assert "确定删除《赣州市市场监督管理局" in confirm.inner_text()
    assert (kb / "ganzhou-2025.txt").exists()  # nothing happens before the confirmation
    page.click("#admin-confirm-delete")
    page.wait_for_function(
        "document.querySelector('#admin-job').innerText.includes('（删除：ganzhou-2025.txt） 已完成')"
    )
    assert not (kb / "ganzhou-2025.txt").exists()
    page.wait_for_function("document.querySelector('#admin-audit').innerText.includes('删除')")
    page.context.close()
    text = log.read_text()
    assert ADMIN_KEY not in text and READER_KEY not in text  # keys are never logged


FINAL = "#admin-job [data-status=done], #admin-job [data-status=failed], #admin-job [data-status=refused]"
# Every text the job view shows while it runs, kept by the page (a MutationObserver) to be read afterwards.
WATCH_JOB = """() => { window.jobStages = [];
  new MutationObserver(() => { for (const s of document.querySelectorAll('#admin-job .job-stage'))
    window.jobStages.push(s.innerText); }).observe(document.querySelector('#admin-job'),
    {subtree: true, childList: true, characterData: true}); }"""
READING_PAGES = re.compile(r"读取页面（含文字识别）(\d+)/(\d+)")


def upload(page, path: Path) -> str:
    """Upload a file in 知识库管理 and wait for its job to end (OCR and LibreOffice on a busy machine: a hang guard,
    not a timing assertion); returns the job view's text."""
    clear = page.locator("#admin-file button[aria-label='清除']")  # the file of the upload before
    if clear.count():
        clear.first.click()
    page.set_input_files("#admin-file input[type=file]", str(path))
    page.wait_for_selector(f"#admin-file :text('{path.name}')", timeout=180_000)  # once over 60 s, under load
    page.click("#admin-upload")
    page.wait_for_function(
        "name => { const j = document.querySelector('#admin-job');"
        " return j.innerText.includes('：' + name + '）') && j.querySelector('[data-status=done], [data-status=failed]')"
        " || j.querySelector('[data-status=refused]'); }",
        arg=path.name,
        timeout=600_000,
    )
    return page.locator("#admin-job").inner_text()


@pytest.mark.skipif(not shutil.which("pdftoppm"), reason="poppler-utils missing: run `make system`")
def test_admin_uploads_a_scanned_pdf_notice_sees_pages_read_and_asks_about_it(browser, admin_server, tmp_path):
    from bench.office_files import NOTICE, write_scanned_pdf

    url, kb, _ = admin_server
    scan = write_scanned_pdf(NOTICE, tmp_path / "jiayou-2024.pdf", lines_per_page=8)  # three scanned pages
    page = login(browser, url, ADMIN_KEY)
    page.get_by_role("tab", name="知识库管理").click()
    page.evaluate(WATCH_JOB)
    report = upload(page, scan)
    assert "已完成" in report, report
    assert "读取方式：read as pdf, 3 page(s); OCR on page(s) 1–3" in report
    seen = [(int(m[1]), int(m[2])) for s in page.evaluate("window.jobStages") if (m := READING_PAGES.search(s))]
    assert seen and {total for _, total in seen} == {3}, seen  # the bar counted the scan's pages while OCR ran
    assert any(done < 3 for done, _ in seen), seen  # shown before the last page was read, not only at the end
    assert [done for done, _ in seen] == sorted(done for done, _ in seen), seen
    assert (kb / "jiayou-2024.pdf").read_bytes() == scan.read_bytes()
    page.get_by_role("tab", name="问答").click()
    answer = ask(page, "加油站专项检查中加油机抽检比例不低于多少？")
    assert "百分之三十" in answer.inner_text()
    page.wait_for_function("document.querySelector('#sources').innerText.includes('加油站计量专项检查')")
    link = page.locator("#sources a.source-page").first  # the PDF page the quote came from: （二） is on page 2
    assert link.inner_text() == "原文 PDF 第2页"
    href = link.get_attribute("href")
    assert href == "/documents/jiayou-2024/original#page=2"
    fetched = page.evaluate(f"fetch('{href}').then(r => [r.status, r.headers.get('content-type')])")
    assert fetched == [200, "application/pdf"]
    page.context.close()


# A county's regulation as Word (title, adoption line, articles) and a district's notice saved from its portal;
# each with its own title and a detail only it holds.
REGULATION = """某某县出租汽车计价器计量监督管理规定
2023年3月8日 某某县人民政府第十二次常务会议通过
第一条 为了加强出租汽车计价器的计量监督管理，保护乘客和经营者的合法权益，根据有关法律法规，制定本规定。
第二条 本县行政区域内出租汽车计价器的安装、使用、检定和监督管理，适用本规定。
第三条 出租汽车经营者应当使用经检定合格的计价器，并在计价器显著位置粘贴检定合格标志。
第四条 出租汽车计价器的检定周期为六个月。经营者应当在检定有效期届满前十五日内申请周期检定。
第五条 任何单位和个人不得破坏计价器的准确度，不得擅自改动计价器的铅封。
第六条 违反本规定第五条的，由县市场监督管理局责令改正，并处二千元以上一万元以下罚款。
第七条 本规定自2023年5月1日起施行。
"""
WEB_NOTICE = """某某区市场监督管理局关于开展眼镜制配场所计量专项检查的通知
某区市监〔2025〕7号
各街道市场监督管理所：
为规范眼镜制配行为，保护消费者视力健康，区局决定开展眼镜制配场所计量专项检查，现将有关事项通知如下。
一、检查对象
辖区内所有眼镜制配场所，重点检查焦度计、验光仪和瞳距仪的检定情况。
二、检查内容
（一）计量器具检定情况。检查焦度计、验光仪是否按期检定，检定合格率应当达到百分之百。
（二）配镜质量情况。抽查配制眼镜的顶焦度和光学中心水平距离，每家抽查配制眼镜不少于五副。
三、工作要求
各所于2025年9月30日前报送检查总结。
某某区市场监督管理局
2025年6月3日
"""


def test_admin_uploads_a_word_regulation_and_a_saved_web_page_and_asks_about_each(browser, admin_server, tmp_path):
    from bench.office_files import write_docx, write_html

    url, kb, _ = admin_server
    word = write_docx(REGULATION, tmp_path / "jijiaqi-guiding.docx")
    web = write_html(WEB_NOTICE, tmp_path / "yanjing-2025.html")  # menus, breadcrumb, share links and footer
    page = login(browser, url, ADMIN_KEY)
    page.get_by_role("tab", name="知识库管理").click()
    report = upload(page, word)
    assert "已完成" in report and "《某某县出租汽车计价器计量监督管理规定》" in report, report
    assert "读取方式：read as docx" in report and "条 7" in report
    report = upload(page, web)
    assert "已完成" in report and "《某某区市场监督管理局关于开展眼镜制配场所计量专项检查的通知》" in report, report
    assert "读取方式：read as html" in report
    assert "政务公开" not in (kb / ".extracted" / "yanjing-2025.html.json").read_text(encoding="utf-8")  # no menus

    page.get_by_role("tab", name="问答").click()
    for question, value, title, clause in (
        ("出租汽车计价器的检定周期是多长时间？", "六个月", "某某县出租汽车计价器计量监督管理规定", "第四条"),
        (
            "眼镜制配场所专项检查每家抽查配制眼镜不少于几副？",
            "五副",
            "某某区市场监督管理局关于开展眼镜制配场所计量专项检查的通知",
            "二、(二)",
        ),
    ):
        answer = ask(page, question)
        assert value in answer.inner_text(), answer.inner_text()
        page.wait_for_function("t => document.querySelector('#sources .source-title').innerText.includes(t)", arg=title)
        card = page.locator("#sources .source").first
        assert card.locator(".source-title").inner_text() == f"《{title}》"
        assert (
            clause in card.locator(".source-meta b").inner_text() and value in card.locator("mark.quote").inner_text()
        )
    page.context.close()


def test_a_reader_sees_no_admin_tab_and_cannot_upload(browser, admin_server):
    url, kb, _ = admin_server
    page = login(browser, url, READER_KEY)
    assert "reader（只读）" in page.locator("#whoami").inner_text()
    assert page.get_by_role("tab", name="知识库管理").count() == 0
    assert "92%以上" in ask(page, NANCHANG).inner_text()  # reading works as before
    status = page.evaluate("fetch('/ui/gradio_api/upload', {method: 'POST', body: new FormData()}).then(r => r.status)")
    assert status == 403
    page.context.close()


# --- the UI's pieces without a browser ----------------------------------------------------


def _citation(text: str, quote: str) -> Citation:
    return Citation(doc_id="d", title="<t>", clause_id="d/一", clause="一、", text=text, quote=quote, score=1.0)


def test_sources_panel_escapes_notice_text_and_marks_only_the_quote():
    from ui.render import sources_html

    answer = Answer(
        answer="x[1]",
        abstained=False,
        question_type="general",
        citations=[_citation("前<script>文&后 到2025年达到92%。", "到2025年达到92%。")],
    )
    html = sources_html(answer, None)
    assert "<script>" not in html and "前&lt;script&gt;文&amp;后" in html
    assert '<mark class="quote">到2025年达到92%。</mark>' in html and "《&lt;t&gt;》" in html


def test_feedback_rows_append_as_json_lines(tmp_path):
    from ui.feedback import record_feedback

    answer = Answer(answer="a[1]", abstained=False, question_type="target", citations=[_citation("t", "t")])
    turn = {"message": "那温州呢？", "question": "温州…", "filters": {}, "answer": answer.model_dump(mode="json")}
    path = tmp_path / "deep" / "feedback.jsonl"
    record_feedback(path, "down", turn)
    record_feedback(path, "up", turn)
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert [r["rating"] for r in rows] == ["down", "up"]
    assert rows[0]["message"] == "那温州呢？" and rows[0]["citations"][0]["clause_id"] == "d/一"


def test_a_pasted_exam_item_shows_the_choice_the_article_and_the_option_lines(page):
    ask(page, "温州到2025年强检计量器具检定覆盖率目标是多少？")  # an item after a question stands alone
    item = "【单选题】到2025年，南昌市全市强检计量器具检定覆盖率达到（　　）以上。\nA．90%\nB．92%\nC．95%\nD．98%"
    answer = ask(page, item)
    text = answer.inner_text()
    assert text.startswith("答案：B"), text
    assert "依据：《南昌市人民政府关于深入推进计量工作高质量发展的实施意见》" in text and "92%以上" in text
    for line in ("A．90%：错误", "B．92%：正确", "C．95%：错误", "D．98%：错误"):
        assert line in text
    assert "按上下文理解为" not in text
    page.wait_for_function("document.querySelector('#sources mark.quote') !== null")
    assert "92%以上" in page.locator("#sources .source mark.quote").first.inner_text()
