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
# A Markdown blockquote marker, as some publishers set a law's history: "> 2013年10月30日…通过".
MARKDOWN_QUOTE = re.compile(r"^(?:>\s?)+")
MARKDOWN_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")

# Characters (folded) that end a sentence or a line a writer meant to end; a long line ending
# in anything else was wrapped by the web page and continues on the next line.
LINE_END = '。;:!?"」』)'

# --- structure ----------------------------------------------------------------

# 一、总体要求   (chapter)
CHAPTER = re.compile(rf"^([{CN_NUM}]{{1,3}})、\s*(.*)$")
# (一)指导思想 / (二) 工作目标  (section)
SECTION = re.compile(rf"^\(([{CN_NUM}]{{1,3}})\)\s*(.*)$")
# 1.加强计量标准建设 / 12、…  (item); not 2023年…, not 3.5%
ITEM = re.compile(r"^(\d{1,2})[.、](?!\d)\s*(.*)$")
# —加强统筹、规范管理。  (principle led by a dash); not a rule of dashes alone
PRINCIPLE = re.compile(r"^[—–-]{1,2}\s*([^\s—–-].*)$")
# A short line ending in a colon that opens a new part without a number:
# 在保障措施方面,《实施意见》提出:
PART_INTRO = re.compile(r"^(?:在(?P<topic>.{2,12}?)方面)?.{0,30}[:]$")

# --- structure of laws, regulations and rules (第X条) -------------------------------

# Numerals that count articles, chapters and items: 第一百零二条, 第十条之一, 第9条.
LEGAL_NUM = "零〇一二三四五六七八九十百千两0-9"
# 第九条 县级以上…  / 第十条之一 … / 第一条【立法目的】… (the article that opens on this line)
ARTICLE = re.compile(
    rf"^第 ?(?P<num>[{LEGAL_NUM}]{{1,7}}) ?条(?P<sub>之[一二三四五六七八九十]{{1,3}})?"
    r"(?P<sep> +|:|(?=\[)|$)?(?:\[(?P<head>[^\]]{1,20})\])? *(?P<rest>.*)$"
)
# 第一编 总则 / 第二章 计量基准器具… / 第一节 一般规定 / 第一分编 (a heading of the legal hierarchy)
LEGAL_HEADING = re.compile(
    rf"^第 ?(?P<num>[{LEGAL_NUM}]{{1,5}}) ?(?P<level>分编|编|章|节)(?![^ ]*[,。;]) *(?P<title>[^,。;]{{0,60}})$"
)
# 附: / 附件 / 附件1:… / 附表二 / 附录 《…》 (an appended list or table); not 附则 (a chapter title), 附近, 附加
APPENDIX = re.compile(
    r"^(?:(?P<kind>附件|附表|附录)(?P<num>[0-9一二三四五六七八九十]{0,3}) *(?::|(?=[《 ])|$) *(?P<rest>.*)"
    r"|附 *(?::|$) *(?P<rest2>.*))$"
)
# An item marker inside an article's line, after the start, a colon or a semicolon: …条件:(一)…;(二)…
INLINE_ITEM = re.compile(rf"(?<=[:;。])\(([{CN_NUM}]{{1,3}})\)")
# A reference to an article: 本细则第十七条第二款, 《中华人民共和国计量法》第三十三条, 计量法第七条,
# 第五十四条第(三)项. A short name (计量法) stops at 本, punctuation and 《》.
CROSS_REF = re.compile(
    r"(?:(?P<this>本(?:法|条例|实施细则|细则|办法|规定|规则|决定))|《(?P<title>[^《》]{2,60})》的?"
    r"|(?P<short>[^\s本,。;:、《》()\[\]]{1,20}?(?:法典|法|条例|细则|办法|规定))(?=第))?"
    rf"第(?P<art>[{LEGAL_NUM}]{{1,7}})条(?P<sub>之[一二三四五六七八九十]{{1,3}})?"
    r"(?:第(?P<para>[一二三四五六七八九十]{1,3})款)?(?:第\((?P<item>[一二三四五六七八九十]{1,3})\)项)?"
)
# Words before a short name in a reference that are not part of it: 按计量法第七条 → 计量法.
REF_LEAD = re.compile(r"^(?:按照|依照|依据|根据|违反|参照|适用|执行|按|依|照|对|由|经|和|及|或|与)")
# A table caption or row that an appended table starts with: 表1 国际单位制的基本单位 / | 长度 | 米 | m |
TABLE_LINE = re.compile(r"^(?:表 ?[0-9一二三四五六七八九十]{1,3}\b|表 ?[0-9一二三四五六七八九十]{1,3} |\|)")
# Page scaffolding a converter leaves in Markdown: <!-- INFO END -->, <!-- page 3 -->.
HTML_COMMENT = re.compile(r"^<!--.*-->$")
# Punctuation a sentence or a paragraph ends with (folded); an un-numbered heading line ends with none.
SENTENCE_FINAL = "。;:!?"
# The longest line taken for an un-numbered heading between articles (法定计量单位的使用).
HEADING_MAX_CHARS = 30

# --- header -------------------------------------------------------------------

# 湘市监计量〔2022〕139号, 郴政发〔2011〕17号 (folded: [ ] for 〔 〕)
DOC_NUMBER = re.compile(r"[\u4e00-\u9fff]{1,12}[\[〔]\d{4}[\]〕]\d{1,4}号")
# The notice's own title line: 关于…的通知/意见/措施…, or 《…》 alone.
TITLE = re.compile(
    r"^.{0,40}关于.{2,80}(?:通知|意见|措施|办法|方案|规划|决定)$|^.{2,40}(?:若干措施|实施意见|指导意见)$"
)
ADDRESSEES = re.compile(r"^(?=[^。]*各)[^。]{4,800}:$")
ISSUER = re.compile(r"^.{2,30}(?:人民政府|监督管理局|办公厅|办公室|委员会|总局|厅|局)$|^(?:国务院|国务院办公厅)$")
PUBLIC_NOTE = re.compile(r"^\(此件.{2,8}\)$")
# The signature under a decree: 局长 某某, 部长　某某某 (a title of office and a name).
SIGNATURE = re.compile(
    r"^(?:局长|部长|主任|署长|总理|院长|检察长|省长|市长|县长|区长|主席|署长)\s*[\u4e00-\u9fff]{2,4}$"
)

# --- header of laws, regulations and rules ---------------------------------------

# The title line of a law, regulation, rule or notice: 中华人民共和国计量法, 浙江省计量监督管理条例,
# 中华人民共和国计量法实施细则(2022年修订); no sentence punctuation inside.
LEGAL_TITLE = re.compile(
    r"^[^。;,:!?]{2,60}(?:法|法典|条例|规定|办法|细则|规则|决定|命令|通知|意见|方案|规划|纲要|公告|通告|批复|措施|要点|解释)"
    r"(?:\([^()]{2,16}\))?$"
)
# A version note after a title: (2018年修正), (2022年修订本), (试行) stays.
TITLE_VERSION = re.compile(r"\((?:\d{4}年)?[^()]{0,6}(?:修正|修订|修改)[^()]{0,4}\)$")
# A version's date a repository puts at the end of a file name: 计量法实施细则(2018-03-19).md.
FILE_NAME_DATE = re.compile(r"[(（](\d{4}-\d{2}-\d{2})[)）]$")
# A date anywhere in a line: 2018年10月26日, 一九八六年七月一日.
DATE_IN_TEXT = re.compile(
    r"(?P<y>\d{4}|[〇零一二三四五六七八九]{4}) ?年 ?(?P<m>\d{1,2}|[一二三四五六七八九十]{1,3}) ?月 ?"
    r"(?P<d>\d{1,2}|[一二三四五六七八九十]{1,3}) ?日"
)
# What happened on a date in a document's front matter (the last of these words in the event wins; 修订通过 is a
# revision).
EVENT_ACTION = re.compile(r"修订通过|修正通过|通过|修正|修订|批准|发布|公布|施行|印发|颁布|实施")
# Words around the acting body in an event that are not its name: 第十三届, 第六次会议, 公告第5号, 令第3号.
EVENT_NOISE = re.compile(
    r"第[0-9一二三四五六七八九十百]+(?:届|次会议|次全体会议|次常务会议|次|号)|公告|令(?= ?第| ?\(?\d{4}|$)|根据|同意"
    r"|会议$|[()]|^起|自$"
)
# A front-matter line that records adoption, amendment or publication (dated, ending in an action word),
# possibly several in one parenthesised line: (1985年9月6日…通过 根据2009年8月27日…第一次修正).
EVENT_LINE = re.compile(
    r"^\(?(?:根据)?(?:\d{4}|[〇零一二三四五六七八九]{4}) ?年.{0,1000}(?:通过|修正|修订|批准|发布|公布|施行|印发|颁布)"
    r"(?:的《[^《》]+》)?\)?$"
)
# The act a step adopted, after its action word: …会议通过的《中华人民共和国刑法修正案(二)》.
EVENT_INSTRUMENT = re.compile(r"的《(?P<title>[^《》]+)》")
# An act that amends another: a 修正案, or a decision 关于修改….
AMENDING_ACT = re.compile(r"修正案|修改")
# The part of a code a part file holds, named under the code's title: 总则, 人格权编, 附则, 上册. (第三编 合同 is a
# heading of the body, and never front matter.)
PART_LABEL = re.compile(r"^[\u4e00-\u9fff]{1,8}编$|^(?:总则|分则|附则)$|^[上中下]册$")
# The decree that publishes a rule: 《…办法》已经2024年1月10日市场监管总局第2次局务会议审议通过,现予公布,自2024年5月1日起
# 施行; also a notice's 已经2023年第13次市政府常务会审议通过,现印发给你们 (the date may be a year or missing; the body
# is the one whose meeting adopted it).
DECREE = re.compile(
    r"(?:《(?P<title>[^《》]{2,60})》)?(?:已经|经)(?P<when>(?:\d{4}|[〇零一二三四五六七八九]{4}) ?年(?:[^,。]{1,8}?日)?)?"
    r"(?P<by>[^,。;《》]{2,40}?)(?:第[0-9一二三四五六七八九十百]+次)?(?:局务|部务|委务|署务|行务|常务|主任|全体)?会议?"
    r"(?:审议|讨论)?通过,?现(?:予|将其?)?(?P<act>公布|发布|印发)"
)
# A notice that issues another document: 关于印发《…办法》的通知, 关于发布…的公告, 某局办公厅印发《…》的通知.
ISSUES_ANOTHER = re.compile(r"关于(?:印发|发布|颁布|公布)|(?:印发|发布|颁布|公布)《[^《》]+》的(?:通知|公告|决定)$")
# A decree's heading and number on two lines: 国家市场监督管理总局令 / 第99号 (the issuer's name before 令).
ORDER_HEADING = re.compile(r"^(?P<body>[\u4e00-\u9fff]{2,30}?)令$")
ORDER_NO_LINE = re.compile(r"^\(?第 ?[0-9一二三四五六七八九十百]+ ?号\)?$")
# When the document takes effect: 本法自1986年7月1日起施行 / 自发布之日起施行.
EFFECTIVE = re.compile(
    r"自(?P<when>(?:\d{4}|[〇零一二三四五六七八九]{4})年[0-9一二三四五六七八九十]{1,3}月[0-9一二三四五六七八九十]{1,3}日"
    r"|(?:发布|公布|印发|颁布)之日)起(?:施行|执行|实施|生效)"
)

# Kinds of document (models.DocKind), by what the title ends with and who adopted it.
NOTICE_TITLE = re.compile(r"(?:通知|意见|方案|规划|措施|要点|纲要|通告|公告|批复|函)(?:\([^()]*\))?$")
LAW_TITLE = re.compile(r"(?<!办)法典?(?:\([^()]*\))?$")
REGULATION_TITLE = re.compile(r"(?:条例|规定|办法|细则|规则|决定|命令)(?:\([^()]*\))?$")
NATIONAL_LEGISLATURE = re.compile(r"全国人民代表大会")
LOCAL_LEGISLATURE = re.compile(r"(?<!全国)人民代表大会")
STATE_COUNCIL = re.compile(r"国务院")
# A judicial interpretation (司法解释): the Supreme People's Court or Procuratorate interpreting law, by its title.
JUDICIAL_TITLE = re.compile(r"^最高人民(?:法院|检察院).{2,80}(?:解释|规定|批复|决定)(?:\([^()]*\))?$")
# A rule's order number, its 文号: 国家市场监督管理总局令第3号, 浙江省人民政府令第300号.
# Also 总局第88号令. It starts after a date or a non-Chinese character (never inside 2023年3月16日国家…).
ORDER_NUMBER = re.compile(
    r"(?:(?<=\d日)|(?<=[一二三四五六七八九十]日)|(?<![\u4e00-\u9fff0-9]))"
    r"(?:[\u4e00-\u9fff]{2,24}?令 ?(?:\(?\d{4}\)?年?)?第? ?[0-9一二三四五六七八九十百]+ ?号"
    r"|[\u4e00-\u9fff]{2,24}?第 ?[0-9一二三四五六七八九十百]+ ?号令)"
)

# --- regions and levels ---------------------------------------------------------

# A national body or document: 中华人民共和国…, 国务院, 全国人大, 国家…局, 市场监管总局, 教育部.
NATIONAL = re.compile(
    r"^(?:中华人民共和国|中国|中共中央|中央|全国|国家|国务院|最高人民法院|最高人民检察院)|^[\u4e00-\u9fff]{0,8}(?:总局|部)(?:办公厅)?$|^[^省市县区]{2,8}总局"
)
# A place that opens a title or a body's name: 浙江省…, 嘉兴市人民政府, 湘西土家族苗族自治州…, 中共南昌市委…
# (市 followed by 场 is 市场; 省 followed by 级 is 省级).
# A 经济特区 is its city's (深圳经济特区… → 深圳, 市); an autonomous division's peoples are not part of its short name
# (湘西土家族苗族自治州 → 湘西). A county or district right after its city (上海市浦东新区…) is matched by SUB_PLACE.
PEOPLES = (
    "蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳 佤 畲 高山 拉祜 水 东乡 纳西 景颇 "
    "柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 阿昌 普米 塔吉克 怒 乌孜别克 俄罗斯 鄂温克 德昂 保安 裕固 京 "
    "塔塔尔 独龙 鄂伦春 赫哲 门巴 珞巴 基诺"
).split()
_people = "|".join(sorted(PEOPLES, key=len, reverse=True))
PLACE_SUFFIXES = r"经济特区|特别行政区|自治区|自治州|自治县|自治旗|省|市|地区|盟|新区|县|区|旗"
PLACE_PREFIX = re.compile(
    rf"^(?:中共)?(?P<place>[\u4e00-\u9fff]{{2,8}}?)(?:(?:{_people})族?)*(?P<suffix>{PLACE_SUFFIXES})(?![场级直属域划])"
)
# A county-level place right after a city or province, as the seat of a body: (上海市)浦东新区人民政府,
# (嘉兴市)南湖区市场监督管理局 — not a zone a title names (风景名胜区条例).
SUB_PLACE = re.compile(
    rf"^(?P<place>[\u4e00-\u9fff]{{2,6}}?)(?:(?:{_people})族?)*(?P<suffix>新区|自治县|自治旗|区|县|旗)"
    r"(?=人民政府|人民代表大会|人大常委会|市场监督管理局|市场监管局|质量技术监督局|委员会|政府办公室)"
)
# A place named in running text as the seat of a government or legislature: 嘉兴市人民政府, 济南市人大常委会.
PLACE_IN_TEXT = re.compile(
    r"(?<![本全各我该省市县区])(?![经由向在对与和及据按将报])(?P<place>[\u4e00-\u9fff]{2,4}?)(?P<suffix>省|市|县)"
    r"(?=人民政府|人民代表大会|人大常委会|市场监督管理局|市场监管局|质量技术监督局)"
)
# The level a place suffix implies.
LEVEL_OF_SUFFIX = {
    "省": "省",
    "自治区": "省",
    "特别行政区": "省",
    "市": "市",
    "自治州": "市",
    "地区": "市",
    "盟": "市",
    "经济特区": "市",
    "县": "县",
    "自治旗": "县",
    "新区": "县",
    "自治县": "县",
    "区": "县",
    "旗": "县",
}
# Words of a place name that are not the place: 本, 全, 各.
NOT_A_PLACE = re.compile(r"^(?:本|全|各|我|该|上级|下级|其他|有关|所在|当地|同级|相关)")

# --- facts --------------------------------------------------------------------

# [责任单位:市市场监管局,…]  or  (责任单位:市市场监管局、市公安局)
RESPONSIBLE_BRACKET = re.compile(r"\[责任单位:([^\]]+)\]|\(责任单位:([^()]+)\)")
# A statement that extends every later 责任单位 list: 以下(各项)责任单位中均包括X、Y,不再单独列出 / 下列任务的责任
# 单位都包括X,不另列出.
RESPONSIBLE_INHERIT = re.compile(
    r"(?:以下|下列|后续)(?:各项|任务|工作)*的?责任单位(?:中)?(?:均|都|皆)包括(.+?),?(?:不再|不另)(?:单独|逐一)?(?:列出|列明|列举)"
)
# 由市场监管总局管理 / 由市市场监管部门牵头 / 质量技术监督部门要牵头 / 秘书长…负责
RESPONSIBLE_PHRASES = (
    re.compile(r"由([^,。;:、]{2,24}?)(?:统一)?(?:牵头|管理|负责)"),
    re.compile(r"(?:^|[,。;])([^,。;:由]{2,16}?)(?:要|应|应当)?(?:牵头|负责)(?!人)"),
)
# A unit name ends like this.
UNIT_SUFFIX = re.compile(
    r"(?:局|部|委|厅|院|会|政府|部门|办|中心|支队|公司|处|室|组织|机构|委员会|管委会|研究院|总局|办公厅)$"
)
# A body named anywhere in a clause (市财政局, 各县人民政府, 计量技术机构, 挂靠单位): a clause with none names no one.
UNIT_NAMED = re.compile(r"[\u4e00-\u9fff]{2,}(?:局|部门|委员会|管委会|政府|院|中心|机构|单位|办公室|厅)")
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
# Words that open a metric but are not part of it (新增 and 累计 are: they say what is counted).
METRIC_LEAD = re.compile(r"^(?:并|且|和|其中|全部|确保|力争|实现|完成)?")
# Words that end the text before a value but are not part of the metric: 能力全部达到B级.
METRIC_TAIL = re.compile(r"(?:全部|均|都)$")

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
SENTENCE_END = re.compile(r"(?<=[。;\n])")

# --- facts of laws, regulations and rules --------------------------------------

# Numerals in amounts and periods: 1000, 一千, 三万, 十五, 二十.
AMOUNT_NUM = "0-9.一二三四五六七八九十百千万两零〇"
# Words that make a sentence a penalty: 罚款, 没收, 吊销, 责令…, 行政处分, 追究刑事责任.
PENALTY_WORD = re.compile(r"罚款|罚金|没收|吊销|责令|警告|处分|拘留|刑事责任|停业整顿|撤销|取消.{0,8}资格|通报批评")
# The amount of a fine: 1000元以下, 五千元以上三万元以下, 违法所得一倍以上三倍以下, 货值金额百分之五十以下.
PENALTY_AMOUNT = re.compile(
    rf"(?:(?:[{AMOUNT_NUM}]+元以上)?[{AMOUNT_NUM}]+元(?:以下)?(?=[^。;,]{{0,10}}(?:罚款|罚金))"
    rf"|违法所得[{AMOUNT_NUM}]+倍以上[{AMOUNT_NUM}]+倍以下|违法所得[{AMOUNT_NUM}]+倍以下"
    rf"|货值金额[^,。;]{{0,12}}?(?:[{AMOUNT_NUM}]+倍|百分之[{AMOUNT_NUM}]+)以下"
    rf"|百分之[{AMOUNT_NUM}]+以下(?=[^。;,]{{0,6}}(?:罚款|罚金)))"
)
# The act a penalty sentence punishes: the words before 的, that open it (…未按照规定申请检定的,).
PENALTY_ACT = re.compile(r"^(?:违反本[^,。;]{0,6}规定,)?(?P<act>[^。;]{4,120}?)的,")
# A time limit: 十五日内, 二十个工作日内, 三个月内, 一九九0年底以前.
TIME_LIMIT = re.compile(
    rf"(?P<value>(?:[{AMOUNT_NUM}]+|半)个?(?:工作日|日|天|月|年|小时|周))(?:内|以内|之内)"
    r"|(?P<year>[一二三四五六七八九〇零0-9]{4}年(?:底|末)?)(?:以前|之前|前)"
)
# Who decides, approves, supervises or receives: 由县级以上地方人民政府计量行政部门决定, 经省级以上人民政府计量
# 行政部门考核合格, 向国务院计量行政部门申请; the body must end like a body.
# The name of the body in an authority phrase: the shortest run ending like a body (部门, 政府, 机构…), so that
# 由省计量主管部门根据…会同省有关部门确定 gives 省计量主管部门.
AUTHORITY_BODY = r"[^,。;:、由经向]{0,38}?(?:部门|政府|机构|局|委员会|院|中心|国务院|海关|法院|机关|单位)"
# Words that may stand between the body and what it does: 由X根据…确定, 由X会同Y制定, 由X统一管理.
AUTHORITY_GAP = r"(?:(?:根据|会同|按照|依照|依据|依法|统一|共同|,)[^。;]{0,30}?)?"
AUTHORITY = (
    re.compile(
        rf"由(?P<body>{AUTHORITY_BODY}){AUTHORITY_GAP}"
        r"(?P<act>决定|审批|批准|负责|制定|监督|考核|确定|指定|授权|主持|办理|公布|颁发|发给|受理|处理|备案|执行|核准|组织|配备|任命)"
    ),
    re.compile(
        rf"经(?P<body>{AUTHORITY_BODY}){AUTHORITY_GAP}(?P<act>考核合格|批准|审批|同意|授权|审查|主持考核|核准|检定合格|鉴定合格)"
    ),
    re.compile(rf"向(?P<body>{AUTHORITY_BODY}){AUTHORITY_GAP}(?P<act>申请|备案|报告|申报|提出|提交|报送|申诉|起诉)"),
    re.compile(
        r"(?:^|[,。;])(?P<body>[^,。;:由经向]{2,30}?)(?:应当|可以|必须|有权)?(?P<act>负责|主管|对[^,。;]{2,30}实施(?:统一)?监督管理)"
    ),
    re.compile(rf"报(?P<body>{AUTHORITY_BODY}){AUTHORITY_GAP}(?P<act>批准|审批|备案|决定|核准)"),
    re.compile(
        rf"(?:^|[,。;])(?P<body>{AUTHORITY_BODY})(?:根据[^,。;]{{0,20}}?|依照[^,。;]{{0,20}}?)?(?P<act>制定|发布|公布|规定)"
    ),
)
# How the name of a body ends (人民政府计量行政部门, 国务院, 计量检定机构, 人民法院, 海关).
BODY_END = re.compile(r"(?:部门|政府|机构|局|委员会|院|中心|国务院|海关|法院|单位|机关|部|委|厅|站|所)$")
# A definition: 计量器具是指…, 本条例所称计量活动,是指…, X:指…
DEFINITION = re.compile(
    r"(?:^|(?<=[\n。;:, ]))(?:\([一二三四五六七八九十]+\))?(?:本(?:法|条例|细则|办法|规定|章|节)|前款|本条)?(?:所称|中的)?"
    r"(?P<term>[^,。;:\n()“”\"]{2,24}?),?(?:是指|指的是|系指)(?P<meaning>[^。\n]+)"
)
# A sentence that names what it describes: …和国家选定的其他计量单位,为国家法定计量单位。
NAMED_AS = re.compile(r"(?P<meaning>[^。;,]{4,60}),为(?P<term>[^。;,的]{3,20})。")
# Words that say what may, must or must not be done, as the article words it.
MODAL = re.compile(r"必须|应当|不得|不准|禁止|严禁|可以|有权|不予|无须|方可")
# An enumeration inside a sentence: 贸易结算、安全防护、医疗卫生、环境监测 (three or more terms); 水、电、气、热能
# (one-character terms, in a longer run). Parentheses stay inside a term: 燃油(气).
ENUMERATION = re.compile(r"[\u4e00-\u9fff()]{1,14}(?:、[\u4e00-\u9fff()]{1,14}){2,}")
# Words before the first term and after the last that belong to the sentence, not the list.
ENUM_LEAD = re.compile(
    r"(?:以及|或者|并且|包括|用于|对于|从事|进行|其中|例如|比如|和|及|或|并|对|在|含|即|如|由|是|为|有|将)+"
)
ENUM_TAIL = re.compile(r"(?:等方面|方面|等领域|领域|等活动|等|的).*$")

# --- questions ----------------------------------------------------------------

# Question types, tried in this order on the folded, simplified question. Notice words (目标, 责任单位,
# 到哪年) and regulation words (罚款, 几日内, 由谁审批, 是指) both; the answerer reads each kind of document
# with its own facts whatever the type.
QUESTION_TYPES = (
    (
        "metadata",
        re.compile(
            r"文号|发文字号|发文机关|发文单位|印发日期|发布日期|成文日期|哪天发布|何时发布|什么时候发布|哪一天|哪个部门印发|谁印发|谁发布|"
            r"发布时间|落款日期|签发日期|成文日期|哪个机关|哪次会议|哪一次会议|审议通过|(?:依据|根据|依照)(?:了|的是)?.{0,12}(?:哪|什么)[份个些]?(?:文件|精神|规定)|"
            r"(?:哪份|哪个|什么)文件.{0,6}(?:制定|依据|根据)|based on (?:which|what)|哪天印发|何时印发|什么时候印发|印发时间|哪一年印发|主送|下发给|印发给|发给了?哪些|抄送|"
            r"第几次修[正订]|修[正订]过几次|几次修[正订]|第[一二三四五六七八九十]{1,2}次修[正订](?:是|在)|哪个部门发布|部门发布的|机关发布|"
            r"(?:哪号|第几号)公告|经国务院批准|"
            r"(?:何时|什么时候|哪天|哪一天|哪年|从什么时候|自什么时候|何日)(?:起|开始)?(?:施行|生效|实施)|施行日期|生效日期|"
            r"when did .{0,60} (?:issue|publish)|issued on|issue date|addressed to|document number|issued by|issuing|"
            r"publication date|when was .* (?:issued|published|adopted|amended|revised)|last (?:revised|amended)|"
            r"come into (?:force|effect)|take effect|effective date"
        ),
    ),
    (
        "comparison",
        re.compile(
            r"各地|分别|对比|比较|相比|两地|两个文件|各自|哪个.{0,10}更|有什么区别|有何区别|区别|不同之处|差异|"
            r"有什么不同|有何不同|一样吗|是否一样|相同吗|compare|respectively|differ"
        ),
    ),
    (
        "definition",
        re.compile(
            r"什么是|什么叫|是指什么|指什么|指的是什么|是什么意思|含义|定义|怎么定义|如何定义|何谓|何为|所称.{1,12}是|怎么计算|"
            r"what is meant|what does .{1,40} mean|define|definition"
        ),
    ),
    (
        "authority",
        re.compile(
            r"(?:由谁|谁来|哪个部门|哪一级|哪级|哪个机关|哪个机构|向哪|找哪|报谁|报哪|哪些部门|谁)(?=.{0,20}"
            r"(?:批准|审批|决定|考核|制定|确定|监督|申请|授权|发证|颁发|解释|配备|核准|备案|处理|组织|主持|调解|起诉|申诉))|"
            r"(?:批准|审批|决定|考核|制定|确定|监督|申请|授权|发证|颁发|解释|配备|核准|备案|调解)(?:权)?(?:由谁|归谁|是谁|属于哪|由哪)|"
            r"which (?:authority|department|body)|who (?:decides|approves|issues|examines|supervises|is responsible)"
        ),
    ),
    (
        "responsibility",
        re.compile(
            r"谁|哪些单位|哪个单位|哪些部门|哪个部门|责任单位|牵头|负责|由什么|主管|管理.*委员会|who|which (?:units|departments|agencies)|responsib|lead"
        ),
    ),
    (
        "penalty",
        re.compile(
            r"罚款|处罚|罚多少|罚金|法律责任|怎么处理|如何处理|怎么罚|会被|受到什么|后果|吊销|没收|fine|penalt|punish|sanction"
        ),
    ),
    (
        "time_limit",
        re.compile(
            r"几天|多少天|几日|多少日|几个工作日|多少个工作日|多长时间|几年|几个月|多少年|时限|within how|how many (?:working )?days|how long|time limit"
        ),
    ),
    (
        "permission",
        re.compile(
            r"能不能|能否|可不可以|可以.{0,16}吗|是否可以|是否允许|允许.{0,12}吗|是否需要|需不需要|要不要|必须.{0,12}吗|是否必须|是否应当|"
            r"能.{0,16}吗|需要.{0,16}吗|有没有.{0,8}(?:要求|限制|规定)|^(?:can|may|must|is it allowed|are .* allowed|do .* need)\b"
        ),
    ),
    (
        "list",
        re.compile(
            r"哪些|哪几|包括什么|包括哪|什么条件|哪些条件|哪些情形|哪几种|哪几类|哪些内容|what (?:conditions|powers|materials|items|documents|kinds)|list"
        ),
    ),
    (
        "deadline",
        re.compile(
            r"何时|什么时候|哪一年|哪年|多久|期限|截止|时间节点|到什么时间|when|by which year|deadline|what year"
        ),
    ),
    (
        "target",
        re.compile(
            r"目标是什么|什么目标|主要目标|哪些目标|多少|几个|几家|几项|比例|百分之|占比|达到.{0,6}(?:吗|什么)|目标值|指标|覆盖率|受检率|合格率|"
            r"how many|how much|what percentage|percent|target|rate"
        ),
    ),
)
# A question about when a document takes effect (answered from its 自…起施行 article, else a 施行 step).
EFFECTIVE_ASK = re.compile(r"施行|生效|实施日期|起实施|come into (?:force|effect)|take effect|effective")
# A question about a fine (罚): the article retrieval ranks first may answer it though in other words.
FINE_ASK = re.compile(r"罚|fine|penalt")
# A fine stated with a number in a sentence (罚款1万元以上的…报…决定), though no amount of one act.
FINE_STATED = re.compile(r"罚款[^。;]{0,6}\d|\d[^。;]{0,6}罚款|罚款[^。;]{0,6}[一二三四五六七八九十百千万]+元")
# A quantity a statement gives: 1000元, 十五日, 二十个工作日, 3倍, 92%.
STATED_QUANTITY = re.compile(
    r"(?:\d+(?:\.\d+)?|[一二三四五六七八九十百千万两零〇]+) ?个?(?:元|日|天|工作日|年|月|%|倍|项|台|件|次|万|小时|周)"
)
# What a how-much question measures: 净含量允许短缺量是多少 → 净含量允许短缺量, 覆盖率要达到多少 → 覆盖率. Its last
# word must stand beside the number that answers it (配备率大幅提高 states no number for 配备率).
ASKED_MEASURE = re.compile(
    r"(?P<what>[\u4e00-\u9fff]{2,16}?)(?:的)?(?:要求|标准|目标|指标)?(?:是|为|有|要|应)?(?:达到|不低于)?多少"
)
# A duration asked as how long something stays valid (证书有效期几年): a period within which to act
# (二十个工作日内完成考核) does not state it; only a text that speaks of validity does (VALIDITY_STATED).
VALIDITY_ASK = re.compile(r"有效期|有效(?:多久|多长|几年)|\bvalid(?:ity)?\b", re.IGNORECASE)
VALIDITY_STATED = re.compile(r"有效")
# What a question asks for, independently of its type (a question may ask for several): the facts that can
# fill each slot are named in answer.SLOT_FACTS.
ASKS = {
    "amount": re.compile(
        r"罚[^,。;:?!]{0,4}(?:多少|数额|金额|上限|最多|最高|区间|幅度|标准)|maximum fine|amount of the fine|"
        r"how much .{0,20}fine"
    ),
    "duration": re.compile(
        r"几天|多少天|几日|多少日|几个工作日|多少个工作日|多长时间|多久|几年|几个月|多少年|"
        r"(?:周期|期限|时限|有效期)(?:是|为)?(?:多长|多久|多少|几)|多长(?:的)?(?:周期|期限|时间)|"
        r"within how|how many (?:working )?(?:days|months|years)|how long"
    ),
    "quantity": re.compile(
        r"(?:是|为|有)多少(?!天|日|年)|多少(?:项|个|台|件|次|倍|%|钱)|(?<![了这那好])几(?:项|个|台|件|次|倍)|收费标准|"
        r"最大允许误差|how many|what (?:is|was) the (?:number|value)"
    ),
    "body": re.compile(
        r"由谁|谁来|是谁|哪个部门|哪一级|哪级|哪个机关|哪个机构|哪个单位|哪些部门|哪家|"
        r"which (?:authority|department|body)|who"
    ),
    "recipient": re.compile(r"向谁|找谁|报谁|向哪|找哪|报哪|到哪|to (?:which|whom)|apply to|appeal to"),
    "list": re.compile(
        r"哪些(?!处罚|法律责任|后果|罚)|哪几(?!种处罚)|包括什么|包括哪|什么条件|哪几种|哪几类|"
        r"what (?:conditions|powers|materials|items|documents)"
    ),
    "definition": re.compile(
        r"什么是|什么叫|是指什么|指什么|指的是|是什么意思|含义|定义|界定|何谓|何为|怎么计算|所称|是什么[?]?$|"
        r"what is meant|mean\b|define|definition"
    ),
    "permission": re.compile(
        r"能不能|能否|可不可以|可以.{0,16}吗|是否可以|是否允许|允许.{0,12}吗|是否需要|需不需要|要不要|必须.{0,12}吗|是否必须|是否应当|"
        r"能.{0,16}吗|需要.{0,16}吗|(?<![不还])要[\u4e00-\u9fff]{1,8}吗|^(?:can|may|must|is it allowed|do .* need)\b"
    ),
    "changed": re.compile(
        r"新增了|新加了|增加了|改了|修改了|有什么变化|变化|改动|区别|不同|what changed|what is new|differ"
    ),
    "consequence": re.compile(
        r"什么处罚|哪些处罚|怎么处罚|如何处罚|怎样处罚|怎么罚|罚多少|罚款多少|会被罚|罚款(?:是|为)?多少|"
        r"法律责任|后果|惩罚|会被(?:怎么|如何)?处理|会被怎样|受到什么|承担什么|punish|penalt|consequence|fine"
    ),
}

# A quantity written in Chinese numerals: 三千项, 百分之九十二, 二〇一一年 (not 哪一年, 第一).
CHINESE_QUANTITY = re.compile(
    r"百分之[零一二三四五六七八九十百点]+|[零〇一二三四五六七八九十百千万两]{2,}(?=[项家个年%所名])"
)

# A question that asks for several things at once (哪两个时间节点, 哪些, 分别).
PLURAL_ASK = re.compile(r"哪些|哪两|哪几|几个|分别|各自|which (?:two|years|dates)")

# A proviso: the sentence after a rule that makes its exception (在教学示范中使用计量器具不受此限; 但…的除外).
PROVISO = re.compile(r"^\s*但(?:是)?|不受此限|不在此限|除外[。；;]?\s*$")

# Places: China's divisions (retriever/places.py) say what and where a place is; the index, which are covered.
# Words before a place that name it only to set it aside (衡阳，不是郴州; 而非长沙): it is not the place asked about.
NEGATED_PLACE = re.compile(r"(?:不是|并非|而非|而不是|不在|非)在?$")
# A local document named after its place (广东省计量监督管理条例, 北京市…办法): the words after the place name.
PLACE_DOCUMENT = re.compile(r"^(?:省|市|自治区|区|县)?[^\s的，,。？?！!、和与及]{0,10}?(?:条例|办法|规定|细则|规章)")
# The suffix a place may carry in a question: 温州市, 浙江省.
PLACE_SUFFIX = r"(?:市|省)?"
# The region of national documents, and the words that name the national level in a question.
NATIONAL_REGION = "全国"
NATIONAL_ALIASES = (
    "国家层面",
    "国家级",
    "national level",
    "nationwide",
    "samr",
    "state administration for market regulation",
    "市场监管总局",
    "国家市场监督管理总局",
    "国家市场监管总局",
    "总局",
)
# A version of a document the question asks about: an older one (旧版, 修订前, 原细则).
OLD_VERSION = re.compile(
    r"旧版|老版|原版|修订前|修正前|修改前|原来的|以前的|过去的|废止的|older version|previous version|before (?:the )?(?:revision|amendment)"
)
# A version named by its revision: 第三次修订的实施细则, 第五次修正.
ORDINAL_VERSION = re.compile(r"第([一二三四五六七八九十]{1,2})次(修订|修正)")
# A date in a file's name (计量法实施细则(2018-03-19).md): how people tell versions apart.
FILE_DATE = re.compile(r"(?<![0-9a-f])((?:19|20)\d\d)-\d\d-\d\d")
# The word a document's title ends with, which short names keep (实施细则, 管理办法, 计量法).
DOC_KIND_WORD = re.compile(r"(?:实施细则|细则|条例|办法|规定|规则|决定|命令|法|通知|意见|措施|方案)$")
# An office of a body, dropped for its short name: 市场监管总局办公厅 → 市场监管总局.
ISSUER_OFFICE = re.compile(r"(?:办公厅|办公室)$")

# --- pasted exam items (题库 items): read on folded text (half-width punctuation, lower-case letters) -----------

# The item's type label as banks write it: 【单选题】, [多项选择题], (判断题), 单选题:, 一、单项选择题.
EXAM_LABEL = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+、\s*)?[\[(【]?\s*(?P<label>单选|单项选择|多选|多项选择|不定项选择|不定项|判断|是非)题?"
    r"\s*[\])】]?\s*[:.、]?\s*"
)
# What kind each label word names.
EXAM_LABEL_KINDS = {
    "单选": "single",
    "单项选择": "single",
    "多选": "multiple",
    "多项选择": "multiple",
    "不定项选择": "multiple",
    "不定项": "multiple",
    "判断": "judge",
    "是非": "judge",
}
# The item's number: 12. / 12、 / (12) / 第12题.
EXAM_NUMBER = re.compile(r"^\s*(?:第\s*(?P<a>\d{1,4})\s*题[:.、]?|(?P<b>\d{1,4})\s*[.、)](?!\d)|\((?P<c>\d{1,4})\))\s*")
# An option letter as written before its text: a. a、 a: a) (a) — never inside a Latin word or a number.
EXAM_OPTION = re.compile(r"(?<![a-z0-9])(?:\((?P<p>[a-h])\)|(?P<l>[a-h])\s*[.、:)])|(?m:^\s*(?P<s>[a-h])\s+)")
# The blank of a stem: ( ), (　　), ______, ＿＿.
EXAM_BLANK = re.compile(r"\(\s*\)|_{2,}|＿+")
# A 判断 item's answer box after the statement: ( ), (对/错), (√/×), (正确/错误), the box filled in, or 对/错 alone.
JUDGE_BOX = re.compile(
    r"(?<=[。.!?])\s*(?:\(\s*(?:(?:对|错|正确|错误|√|×|✓|✗|t|f)(?:\s*/\s*(?:对|错|正确|错误|√|×|✓|✗|t|f))?)?\s*\)"
    r"|(?:对|正确|√)\s*/\s*(?:错|错误|×))\s*$"
)
# A 判断 item's two options when pasted as choices: 对/错, 正确/错误, √/×.
JUDGE_WORDS = {
    "对": "对",
    "正确": "对",
    "√": "对",
    "✓": "对",
    "是": "对",
    "错": "错",
    "错误": "错",
    "×": "错",
    "✗": "错",
    "否": "错",
}
# A stem asking what follows a condition in the law (…计量器具不合格的，下列处理符合规定的是): each option is read
# as the statement "condition，option"; the match starts at the comma ending the condition.
EXAM_WHAT_FOLLOWS = re.compile(
    r"[,，]\s*(?:下列|以下)(?:哪(?:一|些)?[项种个]?)?(?:处理|处罚|处分|法律责任|后果|做法)(?:方式|措施)?(?:中)?"
    r"(?:不)?(?:符合规定|正确|恰当)?的(?:是|有)"
)
# A stem on a notice task's responsible units: 下列单位中属于该项工作责任单位的有 / 该项工作的责任单位包括X.
EXAM_RESPONSIBLE = re.compile(r"责任单位")
# A 判断 statement naming the units: …责任单位包括X(、Y) — `units` the units it says are responsible.
EXAM_RESPONSIBLE_NAMED = re.compile(r"责任单位(?:包括|有|为|是)(?P<units>[^,。;:()]+?)[。.]?$")
# A stem asking for the wrong option(s): 不正确的是, 错误的是, 不属于, 不包括, 除外.
EXAM_NEGATIVE = re.compile(
    r"(?:不正确|不准确|不恰当|不妥当?|不对|错误|(?:不符合|不属于|不包括|不是|不应当?|不能|不可以|不需要|不必|无权)[^,。;]{0,30}?)"
    r"的[\u4e00-\u9fff]{0,4}?(?:是|有|为)|(?:下列|以下)[^,。;]{0,8}(?:不属于|不包括|不是|不符合|不应|不得|不能|不需要)|除外"
)
# A stem that says the item may have several right options: (多选), 哪些, …的有( ), …包括( ).
EXAM_MULTIPLE_HINT = re.compile(r"多选|多项|哪些|(?:的有|包括|包含)\s*(?:\(\s*\)|_{2,})?\s*[。.?]?\s*$")

# Cross-language glossary: English metrology and administrative terms to the words Chinese documents use.
GLOSSARY_EN = {
    # the attributes people ask that documents seldom state (ATTRIBUTE_TERMS)
    "salary": "工资",
    "salaries": "工资",
    "wage": "工资",
    "wages": "工资",
    "phone number": "联系电话",
    "telephone": "联系电话",
    "contact details": "联系方式",
    "contact information": "联系方式",
    "email": "邮箱",
    "website": "网址",
    "office hours": "办公时间",
    "opening hours": "营业时间",
    "registration requirements": "报名条件",
    "eligibility requirements": "报名条件",
    # instruments and standards
    "measuring instruments": "计量器具",
    "measuring instrument": "计量器具",
    "instruments": "计量器具",
    "working measuring instruments": "工作计量器具",
    "measurement standards": "计量标准",
    "standards": "计量标准",
    "public measurement standards": "社会公用计量标准",
    "primary standards": "计量基准",
    "metrological standards": "计量基准",
    "taxi meter": "出租汽车里程计价表 计价",
    "taximeter": "出租汽车里程计价表 计价",
    "fuel dispenser": "燃油加油机",
    "water meter": "水表",
    "electricity meter": "电能表 电度表",
    "gas meter": "煤气表 燃气表",
    "scale": "秤 衡器",
    "scales": "秤 衡器",
    "weighing": "衡器",
    "sphygmomanometer": "血压计",
    "blood pressure": "血压计",
    "thermometer": "温度计",
    "breath alcohol": "呼出气体酒精含量探测器 酒精",
    "alcohol": "酒精",
    "catalogue": "目录",
    "catalog": "目录",
    "prepackaged": "定量包装商品",
    "net content": "净含量",
    "legal units": "法定计量单位",
    "units of measurement": "计量单位",
    "metrology": "计量",
    "metrological": "计量",
    # verification, calibration, approval
    "compulsory verification": "强制检定 强检",
    "mandatory verification": "强制检定 强检",
    "verification": "检定",
    "calibration": "校准",
    "calibrate": "校准",
    "verification period": "检定周期",
    "period": "周期",
    "type approval": "型式批准",
    "pattern approval": "型式批准",
    "pattern evaluation": "定型鉴定",
    "metrological certification": "计量认证",
    "certification": "认证",
    "arbitration": "仲裁检定 仲裁",
    "dispute": "纠纷",
    "disputes": "纠纷",
    "mediation": "调解",
    "accreditation": "考核",
    "assessment": "考核",
    "examination": "考核",
    "authorisation": "授权",
    "authorization": "授权",
    "authorized": "授权",
    "license": "许可证",
    "licence": "许可证",
    "permit": "许可",
    "repair": "修理",
    "manufacture": "制造",
    "manufacturing": "制造",
    "sale": "销售",
    "import": "进口",
    "imported": "进口",
    "customs": "海关",
    "release": "验放",
    "approval documents": "批件",
    "approval": "批准 审批",
    "approve": "批准 审批",
    "approved": "批准",
    "filing": "备案",
    "register": "登记 备案",
    "seal": "印 封签",
    "certificate": "证书",
    "cheating device": "作弊装置",
    "tamper": "作弊",
    # administration and law
    "metrology authority": "计量行政部门 计量主管部门",
    "metrology authorities": "计量行政部门 计量主管部门",
    "administrative department": "行政部门",
    "state council": "国务院",
    "people's government": "人民政府",
    "implementing rules of the metrology law": "计量法实施细则",
    "implementing rules": "实施细则",
    "metrology law": "计量法",
    "product quality inspection": "产品质量检验",
    "notification and commitment": "告知承诺",
    "failed": "不合格",
    "keep using": "继续使用",
    "continue to use": "继续使用",
    "regulations": "条例 办法",
    "regulation": "条例 办法",
    "fine": "罚款",
    "fined": "罚款",
    "penalty": "处罚 罚款",
    "penalties": "处罚 罚款",
    "confiscate": "没收",
    "illegal gains": "违法所得",
    "revoke": "吊销",
    "criminal": "刑事责任",
    "violation": "违法 违反",
    "violations": "违法 违反",
    "complaint": "投诉",
    "complaints": "投诉",
    "report": "举报",
    "reply": "答复 处理",
    "working days": "工作日",
    "days": "日",
    "powers": "职权",
    "inspect": "监督检查 检查",
    "inspection": "监督检查",
    "investigate": "查处",
    "investigating": "查处",
    "supervision": "监督",
    "effective": "施行",
    "come into force": "施行",
    "amended": "修正",
    "amendment": "修正",
    "revised": "修订",
    "adopted": "通过",
    "published": "发布 公布",
    "definition": "是指",
    "define": "是指",
    "means": "是指",
    "conditions": "条件",
    "prohibited": "不得 禁止",
    # policy notices
    "coverage": "覆盖率",
    "integrity": "诚信计量",
    "honest": "诚信计量",
    "energy": "能源计量",
    "enterprises": "企业",
    "registered metrologist": "注册计量师",
    "responsible": "责任单位",
    "enforcement": "执法",
    "industrial metrology testing center": "产业计量测试中心",
    "testing center": "产业计量测试中心",
    "technical committee": "计量技术委员会",
    "committee": "委员会",
    "talent": "人才",
    "funding": "经费",
    "digital": "数字化",
    "carbon": "碳计量",
    "training": "培训",
    "publicity": "宣传",
    "police": "公安局",
    "public security": "公安局",
    "justice": "司法局",
    "units": "单位",
    "pass rate": "合格率",
    "inspection rate": "受检率",
    "leading role": "龙头引领 牵头",
    "institute": "计量院 研究院",
    "technical institutions": "计量技术机构",
    "addressees": "主送",
    "guidance": "指导意见",
    "general office": "办公厅",
    "expert database": "专家库",
    "achievements": "成果",
    "science and technology": "科技",
    "organisation": "组织",
    "organization": "组织",
    "legal person": "法人",
    "new": "新增",
    "upgraded": "改造",
    "county": "县级",
    "samr": "市场监管总局",
    "state administration for market regulation": "市场监管总局",
}

# Words that carry no subject in a question (dropped when measuring how well a clause covers it).
QUESTION_STOPWORDS = set(
    "的 了 是 吗 呢 吧 啊 么 什么 多少 哪些 哪个 哪 谁 如何 怎么 怎样 为何 为什么 要求 规定 提出 文件 通知 意见 实施 "
    "其中 关于 有 有没有 是否 和 与 及 或 对 在 中 里 上 下 请问 一下 告诉 我 你 我们 知道 问 几 个 年 到 目标 应 应该 "
    "需要 达到 多 少 各 分别 那 呢 这 那个 这个 负责 部门 单位 责任 责任单位 牵头 承担 哪家 各是 相比 "
    "一年 哪一年 哪年 这份 那份 时限 期限 时间 节点 时间节点 时候 什么时候 多久 定下 计划 打算 要 能 会 被 "
    "由 可以 可 能够 把 将 让 给 向 从 以 域性 "
    "这边 那边 这里 那里 这样 那样 这么 那么 所以 因为 但是 如果 就 还 也 都 说 做 允许 行不行 行吗 "
    "所称 含义 是指 意思 指的是 叫 不是 而非 并非 还是 具体 "
    "the a an of in to for is are what which who when how by and does do".split()
)
# Attributes a question may ask for that policy notices do not state (contact details, exam
# registration). When the knowledge base never mentions the word, MetroKB abstains; when it does, only a clause
# that names the attribute of what was asked answers. Fees and fines are not here: notices speak of them in other
# words (经费, 免费检定), so coverage decides instead.
ATTRIBUTE_TERMS = "地址 联系电话 联系方式 邮箱 网址 报名条件 报考条件 营业时间 办公时间 工资".split()

# A list asked for item by item (具体包括哪些, 具体是哪些, 具体名单): an article that states only what the items have
# in common (用于贸易结算…的计量器具) does not answer it, a list does.
ITEMS_ASK = re.compile(r"具体(?:包括|是|有|指|为)?(?:哪些|哪几)|具体(?:名单|清单|目录)")
# A requirement asked of named things (对学历和从业年限有哪些要求, 对加油机有什么规定): a clause answers only when it
# names one of them (or the law's word glossed from it); the things are the words after the last 的, split at 和/及/与/、.
REQUIREMENT_ASK = re.compile(r"对(?P<what>[\u4e00-\u9fff、]{2,16}?)有(?:什么|哪些|何)(?:具体)?(?:要求|规定|限制|条件)")
REQUIREMENT_SPLIT = re.compile(r"[和及与、]")

# Words a question may use for what notices call otherwise; the notice's word is added to the question.
SYNONYMS_ZH = {
    "抽查": "抽检",
    "费用": "经费",
    "收费": "费 免费",
    "依据": "根据",
    "考评": "考核",
    "指标": "目标",
    "组建": "成立",
    "联手": "联合",
    "提高": "提升",
    "实现": "完成",
    "期限": "时限",
    "领头": "牵头 龙头",
    "要钱": "费 无偿 免费",
    "花钱": "费 无偿 免费",
    "付费": "费 无偿 免费",
    "送检": "申请检定",
    "修好": "修理 检定",  # a repaired instrument is verified again before it is used
    "作弊": "作弊装置",
    "私刻": "伪造",
    "拆开": "拆卸",
    "不送检": "未按照规定申请检定",
    "出租车": "出租汽车",
    "计价器": "计价表 计量器具",
    "罚多少": "罚款",
    "没按": "未按照",
    "不按": "未按照",
    "没有": "未",
    "随意": "擅自",
    "私自": "擅自",
    "停用": "停止使用",
    "禁止": "不得",
    "不能": "不得",
    "不许": "不得",
    "界定": "是指",
    "争议": "纠纷",
    "准不准": "准确度",
    "谈不拢": "未达成一致",
    "演示": "示范",
    "上课": "教学",
    "没检定": "未经检定",
    "立法目的": "为了 制定本法",  # a law states its purpose in its first article: 为了…，制定本法/本条例
    "立法宗旨": "为了 制定本法",
}
# Everyday words for what metrology law names in its own terms: general vocabulary of the field (instruments,
# trade, repair, medicine), never the words of one question. Each adds the law's words to the question.
EVERYDAY_ZH = {
    # instruments people name by kind → the law's 计量器具 (and the catalogues' entries: 秤, 衡器, 电能表)
    "秤": "计量器具",  # 秤, 电子秤, 台秤, 杆秤, 磅秤
    "地磅": "秤 衡器 计量器具",
    "电子磅": "秤 衡器 计量器具",
    "天平": "衡器 计量器具",
    "电表": "电能表 计量器具",
    "煤气表": "燃气表 计量器具",
    "水表": "计量器具",
    "酒精检测仪": "呼出气体酒精含量探测器 计量器具",
    # acts and places of trade → 贸易结算 (what the law calls using a measure to settle a sale)
    "卖菜": "贸易结算 集市贸易",
    "摊主": "贸易结算 集市贸易",
    "摊贩": "贸易结算 集市贸易",
    "菜市场": "贸易结算 集市贸易",
    "菜场": "贸易结算 集市贸易",
    "农贸市场": "贸易结算 集贸市场",
    "集贸市场": "集市贸易",  # the regulations' full form of the abbreviation
    "公平秤": "复测 复秤",  # the scale a market keeps for buyers to weigh again
    "商家": "经营者",
    "缺斤少两": "贸易结算 短缺",
    # repairing, making, checking
    "维修": "修理",
    "修了": "修理",
    "修一下": "修理",
    "修过": "修理",
    "自己修": "修理",
    "坏了": "不合格",
    "批量生产": "制造",
    "生产": "制造",
    "新款": "新产品",
    "过期": "超过检定周期",
    # fees people name by what they pay for → the law's 收费
    "检定费": "检定 收费",
    "校准费": "校准 收费",
    "检测费": "检测 收费",
    # using an instrument, as people say it → the law's 使用
    "接着用": "使用",
    "继续用": "使用",
    "照样用": "使用",
    "照常用": "使用",
    "还在用": "使用",
    "没检过": "未经检定",
    "没有检定": "未经检定",
    # where people use instruments for health
    "诊所": "医疗卫生",
    "医院": "医疗卫生",
    "看病": "医疗卫生",
}
# The thing a list question asks about: 哪些计量违法行为 → 行为, 职责有哪些 → 职责, 具备哪些条件 → 条件.
LIST_HEAD = re.compile(
    r"(?:哪些|哪几[种类项个])(?P<after>[\u4e00-\u9fff]{1,12})|(?P<before>[\u4e00-\u9fff]{1,12}?)(?:有|包括)哪些"
)
# Words that forbid: a question about what is forbidden is answered by a list its introduction forbids.
PROHIBITION = re.compile(r"禁止|不得|不准|严禁|不允许")
# The noun a list's introduction announces: 不得有下列行为 → 行为, 职责是 → 职责.
LISTED_NOUN = re.compile(
    r"(?:下列|以下|如下|下述)([^,。;:]{1,12})|(?!.*(?:下列|以下|如下|下述))([^,。;:的]{1,8})(?:是|为|包括|有)[:]?$"
)
# What a permission question asks: whether something may be done (可以 / 不得 answer it), or must be done
# (应当 / 必须 / 无须 answer it); the modal words of the rule that answers each.
MUST_ASK = re.compile(
    r"需不需要|是否需要|要不要|必须|是否应当|应不应该|需要.{0,16}吗|(?<![不还])要[\u4e00-\u9fff]{1,8}吗|\bmust\b|\bneed\b|required"
)
# The acts of an authority that answer 向谁 (whom one applies, reports or appeals to).
RECIPIENT_ACTS = ("申请", "备案", "报告", "申报", "提出", "提交", "报送", "申诉", "起诉")
MAY_MODALS = ("可以", "不得", "禁止", "不准", "严禁", "方可", "有权", "不予")
MUST_MODALS = ("应当", "必须", "无须", "不得")
SMALL_TALK = re.compile(
    r"^(?:你好|您好|hi|hello|谢谢|thanks|thank you|再见|bye|你是谁|讲个笑话|今天天气|天气怎么样).{0,10}$"
)

# Text in a notice that reads like an instruction to a language model; hidden from the
# generative answerer and never accepted as support for a generated sentence.
PLANTED_INSTRUCTION = re.compile(
    r"[^。\n]*(?:忽略(?:以上|之前|前面|上述)|无视(?:以上|之前)|ignore (?:all |any )?(?:previous|above|prior) instructions|"
    r"system prompt|系统提示|你现在是|you are now)[^。\n]*[。]?",
    re.IGNORECASE,
)

# --- what a question names by lookup (retriever/answering/lookup.py): articles, versions, histories -----------

# An article a question asks for by its number, with the paragraph (款) or item (项) it narrows to:
# 第二十二条, 第22条, 第四十条第二款, 第41条第四项, 第五十四条第(三)项 (folded text).
ARTICLE_ASKED = re.compile(
    rf"第 ?(?P<art>[{LEGAL_NUM}]{{1,5}}) ?条(?:之[一二三四五六七八九十]{{1,3}})?"
    rf"(?:的?第 ?(?P<para>[{LEGAL_NUM}]{{1,3}}) ?款)?(?:的?第 ?\(?(?P<item>[{LEGAL_NUM}]{{1,3}})\)? ?项)?"
)
# An article a question names as the rule breached (违反浙江条例第十四条的，罚多少): the answer is in the article that
# punishes the breach, found by search, not the article named.
ARTICLE_BREACHED = re.compile(r"(?:违反|违背|不遵守|不符合)[^,。;?!]{0,20}$")
# The same in English: Article 9, article 9 paragraph 2, paragraph 2 of Article 9.
ARTICLE_ASKED_EN = re.compile(
    r"(?:\b(?:paragraph|para\.?) (?P<para0>\d{1,2}) of )?\barticle (?P<art>\d{1,3})\b"
    r"(?:,? ?(?:paragraph|para\.?) (?P<para>\d{1,2})\b)?",
    re.IGNORECASE,
)
# A paragraph or item asked for alone, after an article was named (那第二款呢, its second paragraph?).
PART_ASKED = re.compile(
    rf"第 ?(?P<para>[{LEGAL_NUM}]{{1,3}}) ?款|第 ?\(?(?P<item>[{LEGAL_NUM}]{{1,3}})\)? ?项"
    r"|\b(?P<en>first|second|third|fourth|fifth|sixth) paragraph\b|\bparagraph (?P<num>\d{1,2})\b",
    re.IGNORECASE,
)
# The article after or before the one asked about: 下一条, 后一条, the next article / 上一条, 前一条.
NEXT_ARTICLE = re.compile(r"下一条|后一条|再下一条|\bnext (?:article|one)\b", re.IGNORECASE)
PREVIOUS_ARTICLE = re.compile(r"上一条|前一条|\bprevious (?:article|one)\b", re.IGNORECASE)
# A follow-up about the case where the previous question's act is not done, which names no subject of its own:
# 不办的话会怎么罚, 如果没有呢, 要是不检定的话, 否则呢, otherwise?, and if not? (it is asked with the previous topic).
OTHERWISE_ASK = re.compile(
    r"^(?:那么?|那样)?[,\s]*(?:(?:如果|要是|若是?|假如|万一)?(?:不|没有?|未)[\u4e00-\u9fff]{0,6}?(?:的话|呢)|"
    r"否则|不然|要不然)|"
    r"^\s*(?:and\s+)?(?:if\s+not\b|if\s+(?:they|it|he|she|you|we)\s+(?:don't|doesn't|do\s+not|does\s+not|didn't)\b|"
    r"otherwise\b)",
    re.IGNORECASE,
)
# Words of a question that asks for an article's text and nothing more: 讲的什么, 是什么内容, 规定了什么, 原文.
ARTICLE_TEXT_ASK = re.compile(
    r"讲(?:的|了)?(?:是)?(?:什么|啥)|说(?:的|了)?(?:是)?(?:什么|啥)|是(?:什么|啥)内容|什么内容|啥内容|内容是|"
    r"规定(?:了)?(?:什么|啥)|怎么规定|如何规定|原文|全文|条文|\bwhat (?:is|does)\b|\babout\b|\bsay\b"
)
# A document's own type word, and the places a title opens with, from which short names are made:
# 浙江省计量监督管理条例 → 浙江条例, 强制检定的工作计量器具检定管理办法 → 强检办法 (retriever/answering/names.py).
TITLE_TYPE_WORD = re.compile(r"(?:实施细则|实施办法|实施条例|细则|条例|办法|规定|规则|决定|命令|法)$")
# Words that join others in a title and never start an abbreviation: 的, 和, 与, 及, 、.
TITLE_JOINERS = re.compile(r"^(?:的|和|与|及|、|,|关于|对|等)$")
# A question that offers its answers to choose from (检定周期是一年还是半年？): the options, the words right before
# and after 还是.
CHOICE_ASK = re.compile(
    r"(?:是|为|按|用|要|在)?(?P<a>[^\s,，。?？是为按用要在的]{1,6})还是(?P<b>[^\s,，。?？]{1,6}?)(?:呢|吗|啊)?[?？]?$"
)
# A question asking when: 哪年, 什么时候, 何时, 哪一次.
WHEN_ASK = re.compile(r"哪年|哪一年|什么时候|何时|哪天|哪次|哪一次|几月|\bwhen\b|\bwhich year\b", re.IGNORECASE)
# What a question asks of a document's life (retriever/answering/lookup.py answers each from its front matter).
HISTORY_ASPECTS = {
    "adopted": re.compile(r"通过|审议|\badopted\b|\bpassed\b", re.IGNORECASE),
    "approved": re.compile(r"批准|\bapprov", re.IGNORECASE),
    "published": re.compile(r"发布|公布|印发|颁布|\bpromulgat|\bpublish|\bissued\b", re.IGNORECASE),
    "amended": re.compile(r"修正|修订|修改|\bamend|\brevis", re.IGNORECASE),
    "effective": re.compile(r"施行|生效|实施日期|起实施|\beffect\b|\bforce\b", re.IGNORECASE),
    "number": re.compile(r"文号|发文字号|\bdocument number\b", re.IGNORECASE),
    "version": re.compile(r"版本|现行|有效|\bcurrent\b|\bversions?\b", re.IGNORECASE),
    "history": re.compile(r"沿革|历史|历程|经过了?哪些|\bhistory\b", re.IGNORECASE),
}
# Words a question about a document's life uses besides the steps it names (哪次会议, 第几次, 哪天): no subject.
HISTORY_WORDS = set(
    "哪次 会议 哪天 哪年 哪一年 第几 几次 第几次 最早 最初 首次 开始 正式 哪个 机关 部门 日期 时间 具体".split()
)
# Words that ask for the first of several steps (最早通过), not the latest.
FIRST_STEP = re.compile(r"最初|最早|首次|第一次|原始|\boriginally\b|\bfirst\b", re.IGNORECASE)
# A question about what changed between two versions of a document: 改了哪些条, 有什么不同, 新旧, 变了没有, 多了什么.
VERSIONS_ASK = re.compile(
    r"改了|改动|修改了|变了|变化|变动|不同|区别|差别|差异|新旧|新版|多了|少了|删了|删除了|增加了|一致吗|"
    r"\bchanged?\b|\bdiffer|\bdifference"
)
# Words that say a question is about versions of a document, not about two things in one (检定和校准有什么区别).
VERSION_CUE = re.compile(
    r"新旧|新版|旧版|老版|原版|版本|\d{4} ?年?版|修正|修订|修改前|修改后|现行|\bversions?\b|\bamend|\brevis",
    re.IGNORECASE,
)
# A phrase a question quotes (有没有“自愿签署告知承诺书”这个说法): looked for word for word (folded quotes).
QUOTED_PHRASE = re.compile(r"[“\"「『]([^”\"」』]{2,60})[”\"」』]")
# A question whether words occur at all (有没有…这个说法, 是否提到, 出现过): answered by finding them.
PHRASE_PRESENCE = re.compile(r"有没有|有无|是否有|是否提到|提到过?|说法|字样|表述|出现过?|\bmention")
# The signs of an exam item pasted whole (options A. B. C. on their own lines or after the stem): never split.
PASTED_OPTIONS = re.compile(r"(?:^|\n|\s)[A-Ha-h][\.．、:：)）]\s*\S")
# Where one question ends and the next begins in a compound question: ？ ? ； ; and the English ", and when".
QUESTION_BREAK = re.compile(r"(?<=[？?])\s*|(?<=[；;])\s*")
# --- question banks (题库 exports: CSV and spreadsheets) -----------------------------

# A bank's column headers, by what the column holds; each header is folded and stripped of spaces and
# brackets before it is looked up. The first row that names a stem and a key column is the header row.
BANK_HEADERS = {
    "kind": ("题型", "题目类型", "试题类型", "类型", "题类"),
    "stem": ("题干", "题目", "试题", "题目内容", "试题内容", "问题", "题干内容"),
    "options": ("选项", "备选项", "选项内容", "备选答案", "答案选项"),
    "key": ("答案", "正确答案", "参考答案", "标准答案", "答案选项字母"),
    "explanation": ("解析", "答案解析", "试题解析", "题目解析", "说明", "依据"),
}
# One option per column: 选项A, A, A选项, 选项a, 选项 A (folded: lower case, no spaces).
BANK_OPTION_HEADER = re.compile(r"^(?:选项)?([a-h])(?:选项|项)?$")
# A bank's 题型 cell, read as an exam kind (folded); 不定项 is multiple choice with one or more keys.
BANK_KIND = {
    "single": re.compile(r"^(?:单选|单项选择|单项|single)"),
    "multiple": re.compile(r"^(?:多选|多项选择|多项|不定项|multiple)"),
    "judge": re.compile(r"^(?:判断|是非|对错|true ?/ ?false|judge)"),
}
# What separates the letters of a key written ACD, A,C,D, A、C、D, A C D, A/C/D, A和C (folded).
KEY_SEPARATOR = re.compile(r"[\s,、;/|+&和及与]+")
# A lead before the key itself (folded): 答案：B, 正确答案为ACD, 参考答案 B.
KEY_LEAD = re.compile(r"^(?:正确答案|参考答案|标准答案|答案)\s*[:为是]?\s*")
# 判断 keys as banks write them (folded): the 判断 words above (对/错, 正确/错误, √/×), and ✔/✘, t/f,
# true/false (a spreadsheet's TRUE cell), yes/no; x is ×, typed on a keyboard.
KEY_JUDGE = JUDGE_WORDS | {
    "✔": "对",
    "t": "对",
    "true": "对",
    "y": "对",
    "yes": "对",
    "✘": "错",
    "x": "错",
    "f": "错",
    "false": "错",
    "n": "错",
    "no": "错",
}

# --- page furniture of documents read from PDF and scans (documents/formats.py) -----------------------------

# A page number line of an official document: — 3 —, - 3 -, 第3页, 第 3 页 共 10 页, 3/10, a bare 3.
PAGE_NUMBER = re.compile(
    r"^[\s\-—–·]*(?:第\s*\d+\s*页(?:\s*[,，/]?\s*共\s*\d+\s*页)?|\d+\s*/\s*\d+|\d{1,4})[\s\-—–·]*$"
)
# A space between two Chinese characters; a PDF line with several is letter-spaced (通 知, 计 量 法).
CJK_GAP = re.compile(r"(?<=[\u4e00-\u9fff，。、；：“”（）《》]) (?=[\u4e00-\u9fff，。、；：“”（）《》])")
# A 文号's year bracket that OCR closed or opened with a Latin bracket: 〔2024]12号, [2024〕12号 (not （2024）12号).
OCR_YEAR_BRACKET = re.compile(r"〔(\d{4})[\]】）)](?=\d{1,4}号)|[\[【（(](\d{4})〕(?=\d{1,4}号)")
