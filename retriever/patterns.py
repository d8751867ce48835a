"""Every regular expression and word list MetroKB uses on notice text, as named data.

Patterns run on *folded* text (see clean.fold): ASCII punctuation, half-width digits and
letters. Each constant says what it matches; tests/test_patterns.py has a case per pattern.
"""
from __future__ import annotations

import re

CN_NUM = "一二三四五六七八九十"

# --- cleaning -----------------------------------------------------------------

# Pinyin annotation after a CJK character: 場(chǎng). At least one tone-marked vowel is
# required so that (e-CQS), (a), (一), (可移动), (2021—2035年) are never touched.
TONE_VOWELS = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
PINYIN_ANNOTATION = re.compile(
    rf"(?<=[\u3400-\u9fff])\((?=[a-zü{TONE_VOWELS}]*[{TONE_VOWELS}])[a-zü{TONE_VOWELS}]{{1,7}}\)"
)

# Byte-level damage seen in re-posted pinyin-annotated pages, repaired before anything else
# (key: damaged text as collected; value: what the original page says).
MOJIBAKE_REPAIRS = {
    "?shù)攸h": "地黨",  # 當(dāng)?shù)攸h委 → 當地黨委
    "??茖W": "。科學",  # 建設(shè)??茖W(xué)規劃 → 建設。科學規劃
    "?yàn)橹攸c": "為重點",  # 領域?yàn)橹攸c(diǎn) → 領域為重點
    "?xì)獗韽?qiáng)": "氣表強(qiáng)",  # 燃?xì)獗韽?qiáng)制 → 燃氣表強制
}
# What is left of unrepaired damage: a '?' or U+FFFD inside CJK text.
DAMAGE = re.compile(r"[?\ufffd](?=[\u3400-\u9fffa-z])")

# Whole lines of web boilerplate: forum navigation and footers, site maps, filing numbers,
# share widgets, editor credits, government-portal metadata fields.
BOILERPLATE_LINE = re.compile(
    r"^(?:"
    r"找回密码|立即注册|QQ登录|只需一步.*|搜索|\[复制链接\]|快速回复.*|返回顶部.*|"
    r".*发表于\s*\d{4}-\d{1,2}-\d{1,2}.*|.*显示全部楼层.*|.*您需要登录后才可以回帖.*|本版积分规则|"
    r".*小黑屋.*|.*Archiver.*|.*Powered by.*|.*Copyright.*|GMT[+-]\d+.*|"
    r".*ICP备.*|.*公网安备.*|.*网站标识码.*|.*备案/许可证.*|扫一扫.*|责任编辑.*|"
    r"\[?网站地图.*|主办单位[:：].*|承办单位[:：].*|联系电话[:：].*|电话[:：].*|"
    r"(?:索引号|文号|统一登记号|公开方式|公开范围|信息时效期|签署日期|登记日期|所属机构|所属主题|发文日期|公开责任部门)[:：].*|"
    r"[A-Z]{2,6}-\d{4}-\d{3,}|"
    r"\((?:来源|來源)[:：].*\)|"
    r".{0,12}论坛"
    r")$",
    re.IGNORECASE,
)
# A line after which the rest of the page is not the notice (related links, replies).
TRAILER_START = re.compile(r"^(?:链接|相关链接|附件下载)[:：]?$")
# A markdown heading or link scaffolding: "#### 一、…", "[网站地图](#)".
MARKDOWN_HEADING = re.compile(r"^#{1,6}\s*")
MARKDOWN_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")

# Characters that end a sentence or a line a writer meant to end; a long line ending in
# anything else was wrapped by the web page and continues on the next line.
LINE_END = "。；：！？”」』)）"

# --- structure ----------------------------------------------------------------

# 一、总体要求   (chapter)
CHAPTER = re.compile(rf"^([{CN_NUM}]{{1,3}})、\s*(.*)$")
# (一)指导思想 / (二) 工作目标  (section)
SECTION = re.compile(rf"^\(([{CN_NUM}]{{1,3}})\)\s*(.*)$")
# 1.加强计量标准建设 / 12、…  (item); not 2023年…, not 3.5%
ITEM = re.compile(r"^(\d{1,2})[.、](?!\d)\s*(.*)$")
# —加强统筹、规范管理。  (principle led by a dash)
PRINCIPLE = re.compile(r"^[—–-]{1,2}\s*(\S.*)$")
# A short line ending in a colon that opens a new part without a number:
# 在保障措施方面,《实施意见》提出:
PART_INTRO = re.compile(r"^(?:在(?P<topic>.{2,12}?)方面)?.{0,30}[:]$")

# --- header -------------------------------------------------------------------

# 湘市监计量〔2022〕139号, 郴政发〔2011〕17号 (folded: [ ] for 〔 〕)
DOC_NUMBER = re.compile(r"[\u4e00-\u9fff]{1,12}[\[〔]\d{4}[\]〕]\d{1,4}号")
DATE_ARABIC = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$")
DATE_CHINESE = re.compile(r"^([〇零一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日$")
# The notice's own title line: 关于…的通知/意见/措施…, or 《…》 alone.
TITLE = re.compile(r"^.{0,40}关于.{2,80}(?:通知|意见|措施|办法|方案|规划|决定)$|^.{2,40}(?:若干措施|实施意见|指导意见)$")
ADDRESSEES = re.compile(r"^(?=[^。]*各)[^。]{4,800}:$")
ISSUER = re.compile(r"^.{2,30}(?:人民政府|监督管理局|办公厅|办公室|委员会|总局|厅|局)$")
PUBLIC_NOTE = re.compile(r"^\(此件.{2,8}\)$")

# --- facts --------------------------------------------------------------------

# [责任单位:市市场监管局,…]  or  (责任单位:市市场监管局、市公安局)
RESPONSIBLE_BRACKET = re.compile(r"\[责任单位:([^\]]+)\]|\(责任单位:([^()]+)\)")
# 以下责任单位中均包括各县(区)人民政府、开发区管委会,湾里管理局,不再单独列出
RESPONSIBLE_INHERIT = re.compile(r"以下责任单位中均包括(.+?),?不再单独列出")
# 由市场监管总局管理 / 由市市场监管部门牵头 / 质量技术监督部门要牵头 / 秘书长…负责
RESPONSIBLE_PHRASES = (
    re.compile(r"由([^,。;:、]{2,24}?)(?:统一)?(?:牵头|管理|负责)"),
    re.compile(r"(?:^|[,。;])([^,。;:由]{2,16}?)(?:要|应|应当)?(?:牵头|负责)(?!人)"),
)
# A unit name ends like this.
UNIT_SUFFIX = re.compile(
    r"(?:局|部|委|厅|院|会|政府|部门|办|中心|支队|公司|处|室|组织|机构|委员会|管委会|研究院|总局|办公厅)$"
)
UNIT_SPLIT = re.compile(r"[、,;，；]")

# A quantity in a target: 30项以上, 92%以上, 1-2家, 1000家, 超过60项以上, 3000项.
TARGET_VALUE = re.compile(
    r"(?P<pre>超过|不低于|不少于|达到|力争)?(?P<num>\d+(?:\.\d+)?(?:[-~]\d+(?:\.\d+)?)?)"
    r"(?P<unit>%|项|家|个|所|名|人|台|件|万元|亿元|万)(?P<qual>以上|以下|左右)?"
)
# A grade in a target: 全部达到B级
TARGET_GRADE = re.compile(r"达到(?P<grade>[a-dA-D]级)")
# Words before a value that qualify it (达到 does not: it only introduces it).
QUALIFYING_LEADS = ("超过", "不低于", "不少于")
# Where a target's metric starts: the previous clause-internal delimiter.
METRIC_DELIMS = ",;。:"
# Words that open a metric but are not part of it.
METRIC_LEAD = re.compile(r"^(?:并|且|和|其中|全部|确保|力争|实现|完成|累计|新增的?)?")

# Time expressions: 到2025年底, 到"十四五"末, 自2011年起, 每年, 2025年前.
DEADLINE = re.compile(
    r"到\"?十[一二三四五六七八九]?五\"?(?:末|期间)|"
    r"到(\d{4})年(?:底|末)?|"
    r"自(\d{4})年起|"
    r"(\d{4})年(?:前|以前|底前)|"
    r"每年"
)
# Five-year plan ends: 十四五 → 2025.
FIVE_YEAR_PLAN_END = {"十二五": 2015, "十三五": 2020, "十四五": 2025, "十五五": 2030}

# Sentence boundaries for splitting long clauses.
SENTENCE_END = re.compile(r"(?<=[。;])")
