"""Real document files made from a text, as people have them: a PDF with a text layer (reportlab), a scanned PDF
(Pillow renders the text as an image), .docx (python-docx), .doc and .wps (LibreOffice converts the .docx) and a web
page saved from a government site (menus, navigation and a footer around the article)."""

from __future__ import annotations

import html
import shutil
import subprocess
import textwrap
from pathlib import Path

FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"  # Debian fonts-noto-cjk (make system)

# An article-structured regulation (title, history line, chapters, articles with paragraphs and items), in the
# shape of tests/data/regulations; articles long enough that a PDF page breaks their lines.
LAW = """某某市计量监督管理办法
2019年6月12日 某某市人民政府第十八次常务会议通过
第一章 总则
第一条 为了加强计量监督管理，保障计量单位制的统一和量值的准确可靠，维护消费者和经营者的合法权益，根据有关法律法规，结合本市实际，制定本办法。
第二条 本市行政区域内建立计量基准器具、计量标准器具，进行计量检定，制造、修理、销售、使用计量器具，以及对上述活动实施监督管理，适用本办法。
第二章 计量器具管理
第三条 使用列入强制检定目录的工作计量器具的单位和个人，应当向所在地县级市场监督管理部门登记，并申请周期检定。
未按照规定申请检定或者检定不合格的，不得使用。
第四条 集贸市场主办者应当履行下列义务：
（一）配备与经营规模相适应的公平秤，并定期送检；
（二）建立在用计量器具管理档案，督促经营者使用合格的计量器具；
（三）配合市场监督管理部门开展计量监督检查。
第三章 法律责任
第五条 违反本办法第三条规定，使用未经检定或者检定不合格的计量器具的，由市场监督管理部门责令改正，可以处一千元以上五千元以下罚款。
第六条 本办法自2019年10月1日起施行。
"""

# A notice (一、 / （一） clauses, 责任单位, a date), in the shape of tests/data/ganzhou-2025.txt.
NOTICE = """某某市市场监督管理局关于开展加油站计量专项检查的通知
某市监计量〔2024〕12号
各县（市、区）市场监督管理局：
为保障成品油交易计量公平，维护消费者合法权益，市局决定在全市范围内开展加油站计量专项检查，现将有关事项通知如下。
一、检查范围
全市所有在营加油站，重点检查加油机强制检定情况和税控装置运行情况。
二、工作安排
（一）自查阶段。各加油站于2024年5月31日前完成自查，发现问题立即整改。责任单位：各县（市、区）市场监督管理局。
（二）检查阶段。2024年6月至8月，市县两级联合开展现场检查，加油机抽检比例不低于百分之三十。责任单位：市计量测试所。
三、工作要求
各单位要加强组织领导，按时报送检查情况。
某某市市场监督管理局
2024年4月20日
"""

HEADER = "某某市人民政府公报"  # a running header printed on every page of the PDF


def write_pdf(text: str, path: Path, chars_per_line: int = 30, lines_per_page: int = 14) -> Path:
    """A PDF with a text layer: lines broken at the page width, a running header and `— n —` page numbers."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    lines = [piece for line in text.strip().split("\n") for piece in textwrap.wrap(line, chars_per_line)]
    pdf = canvas.Canvas(str(path), pagesize=A4)
    width, height = A4
    pages = [lines[i : i + lines_per_page] for i in range(0, len(lines), lines_per_page)]
    for n, page in enumerate(pages, 1):
        pdf.setFont("STSong-Light", 10)
        pdf.drawCentredString(width / 2, height - 40, HEADER)
        pdf.drawCentredString(width / 2, 30, f"— {n} —")
        pdf.setFont("STSong-Light", 14)
        for k, line in enumerate(page):
            pdf.drawString(60, height - 90 - 22 * k, line)
        pdf.showPage()
    pdf.save()
    return path


def page_images(text: str, chars_per_line: int = 30, lines_per_page: int = 24):
    """Pages of the text rendered as A4 images at 150 dpi, as a scanner makes them."""
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(FONT, 30)
    lines = [piece for line in text.strip().split("\n") for piece in textwrap.wrap(line, chars_per_line)]
    for start in range(0, len(lines), lines_per_page):
        image = Image.new("L", (1240, 1754), 255)
        draw = ImageDraw.Draw(image)
        for k, line in enumerate(lines[start : start + lines_per_page]):
            draw.text((110, 140 + 56 * k), line, font=font, fill=0)
        yield image


def write_scanned_pdf(text: str, path: Path, lines_per_page: int = 24) -> Path:
    """A PDF of page images only (no text layer), like a scanned notice."""
    images = list(page_images(text, lines_per_page=lines_per_page))
    images[0].save(path, "PDF", resolution=150, save_all=True, append_images=images[1:])
    return path


def write_docx(text: str, path: Path) -> Path:
    import docx

    document = docx.Document()
    for line in text.strip().split("\n"):
        document.add_paragraph(line)
    document.save(str(path))
    return path


def convert(source: Path, fmt: str, out_dir: Path) -> Path:
    """LibreOffice converts `source` to `fmt` (doc, pdf, …) in out_dir; its own profile in out_dir."""
    soffice = shutil.which("soffice")
    assert soffice, "LibreOffice (libreoffice-writer-nogui) is needed: make system"
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{out_dir}/lo-profile",
            "--headless",
            "--convert-to",
            fmt,
            "--outdir",
            str(out_dir),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return out_dir / f"{source.stem}.{fmt}"


def write_html(text: str, path: Path, encoding: str = "utf-8") -> Path:
    """A page saved from a government portal: menus, a breadcrumb, share links and a footer around the article."""
    title, *body = text.strip().split("\n")
    paragraphs = "\n".join(f"<p>{html.escape(line)}</p>" for line in body)
    page = f"""<!DOCTYPE html>
<html><head><meta charset="{encoding}"><title>{html.escape(title)}_某某市人民政府门户网站</title></head>
<body>
<div class="top"><a href="/">首页</a> <a href="/zwgk">政务公开</a> <a href="/hdjl">互动交流</a> <a href="/bsfw">办事服务</a></div>
<ul class="nav"><li><a href="/zcwj">政策文件</a></li><li><a href="/tzgg">通知公告</a></li><li><a href="/zcjd">政策解读</a></li></ul>
<div class="crumb">当前位置：首页 &gt; 政务公开 &gt; 政策文件</div>
<div class="article">
<h1>{html.escape(title)}</h1>
<div class="info">发布时间：2024-04-20 来源：市场监督管理局 浏览次数：1024</div>
<div class="content">
{paragraphs}
</div>
<div class="share">分享到：微信 微博 【打印本页】【关闭窗口】</div>
</div>
<div class="footer">主办单位：某某市人民政府办公室 网站标识码：3600000001 备案号：赣ICP备12345678号 联系我们 网站地图</div>
</body></html>"""
    path.write_bytes(page.encode(encoding))
    return path
