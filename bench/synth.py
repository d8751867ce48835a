"""A synthetic knowledge base of N notices built from the real notices' clause patterns, with gold clauses.

Each notice is one (region, field) pair: 《X市人民政府办公室关于印发X市{field}工作方案的通知》 with
three short clauses written the way the real notices write them —
  一、工作目标      a target clause   (南昌 一、/温州 (一)2.: 到2027年，全市…覆盖率达到93%以上，…)
  二、{heading}     a responsibility  (南昌 二、(三)3.: …（责任单位：市市场监管局、市国资委）)
  三、{heading}     a deadline        (温州 (三)9.: 2028年底前，建成…)
Regions, years, values and units vary, so every fact is distinct; each generated question names its
notice (region + field) the way staff would and has exactly one gold clause. Notices are small on purpose:
the default embedder manages only a few passages a second on two cores.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

import yaml

# Prefecture-level cities that no notice in kb/ covers; none is a substring of another or of a template.
REGIONS = (  # noqa: SIM905 - a list of names reads best as one string
    "株洲 湘潭 衡阳 岳阳 常德 益阳 永州 怀化 娄底 邵阳 张家界 九江 赣州 上饶 吉安 宜春 抚州 萍乡 新余 鹰潭 "
    "景德镇 台州 金华 嘉兴 绍兴 湖州 丽水 衢州 舟山 宁波 无锡 苏州 常州 镇江 扬州 泰州 盐城 淮安 连云港 宿迁 "
    "徐州 芜湖 蚌埠 淮南 马鞍山 铜陵 安庆 黄山 滁州 阜阳 宿州 六安 亳州 池州 宣城 泉州 漳州 莆田 三明 龙岩 "
    "宁德 南平 洛阳 开封 安阳 新乡 焦作 濮阳 许昌 漯河 三门峡 南阳 商丘 信阳 周口 驻马店 宜昌 襄阳 荆州 十堰 "
    "孝感 黄冈 咸宁 随州 荆门 鄂州 黄石 韶关 汕头 江门 湛江 茂名 肇庆 惠州 梅州 汕尾 河源 阳江 清远 潮州 "
    "揭阳 云浮 柳州 桂林 梧州 北海 钦州 玉林 百色 贺州 河池 来宾 崇左 绵阳 德阳 宜宾 泸州 乐山 南充 遂宁"
).split()

# Fields of metrology work: the topic that tells one region's notices apart.
FIELDS = (  # noqa: SIM905
    "民生计量 能源计量 医疗卫生计量 加油站计量监管 集贸市场计量 眼镜制配计量 出租汽车计价器监管 电能表检定 水表检定 "
    "燃气表检定 衡器监管 定量包装商品监管 社会公用计量标准建设 计量比对 计量技术机构改革 产业计量 计量人才培养 计量科普 "
    "计量数字化转型 碳计量 智慧计量监管 诚信计量 计量执法 强制检定 型式评价 校准服务 量值传递 标准物质研制 检定规程制修订 "
    "能效计量 企业计量 测量管理体系推广 商品量监管 贸易结算计量 安全防护计量 环境监测计量 交通运输计量 粮食计量 农业计量 "
    "电力计量 充电桩计量 光伏计量 氢能计量 生物医药计量 集成电路计量 航空航天计量 海洋计量 气象计量 食品安全计量 建筑工程计量"
).split()

# Targets as the real notices phrase them: (sentence template, short metric for questions, unit, low, high).
TARGETS = (
    ("全市强检计量器具检定覆盖率达到{v}%以上", "强检计量器具检定覆盖率", "%", 85, 99),
    ("重点用能单位能源计量器具配备率达到{v}%以上", "重点用能单位能源计量器具配备率", "%", 80, 99),
    ("定量包装商品净含量抽检合格率达到{v}%以上", "定量包装商品净含量抽检合格率", "%", 85, 99),
    ("关系国计民生的计量器具受检率达到{v}%以上", "计量器具受检率", "%", 85, 99),
    ("新建、改造社会公用计量标准{v}项以上", "新建、改造社会公用计量标准", "项", 10, 300),
    ("培育诚信计量承诺单位{v}家以上", "诚信计量承诺单位", "家", 50, 2000),
    ("完成重点用能单位能源计量审查{v}家以上", "重点用能单位能源计量审查", "家", 20, 400),
    ("新增强制检定项目{v}项以上", "新增强制检定项目", "项", 5, 60),
    ("累计服务企业{v}家以上", "服务企业", "家", 100, 3000),
    ("制修订地方计量技术规范{v}项以上", "地方计量技术规范", "项", 3, 40),
)

HEADINGS = (
    "加强计量标准建设",
    "提升量传溯源体系支撑能力",
    "加强企业计量体系建设",
    "建好计量管理人才队伍",
    "加强计量前沿技术研究",
    "提升制造业质量竞争力",
    "提升能源资源计量管理和服务水平",
    "服务人民健康与安全",
    "开展计量数字化转型研究",
    "强化民生计量监督管理",
    "推进计量执法体系建设",
    "探索智慧计量监管模式",
)
ACTIONS = (
    "完善工作机制，加强部门协同，推动各项措施落到实处",
    "加大计量监督检查力度，依法查处计量违法行为",
    "组织开展计量技术培训和技能比武，提升计量人员能力",
    "推动计量技术机构与企业开展合作，提升服务效能",
    "建立问题清单和整改台账，实行闭环管理",
    "加强计量数据的采集、分析和应用",
)
UNITS = (
    "市发改委",
    "市科技局",
    "市工信局",
    "市人社局",
    "市国资委",
    "市交通运输局",
    "市卫生健康委",
    "市应急局",
    "市生态环境局",
    "市水利局",
    "市农业农村局",
    "市公安局",
    "市司法局",
    "市财政局",
    "市商务局",
    "市住建局",
)
DEADLINE_HEADINGS = ("抓好工作落实", "明确时间节点", "加强进度管理", "强化督促检查")
TASKS = (
    "建成覆盖全市的计量器具在线监测平台",
    "完成在用计量器具普查登记",
    "完成社会公用计量标准复查换证",
    "建立重点用能单位能源计量数据在线采集系统",
    "实现强制检定计量器具备案全覆盖",
    "完成计量技术机构整合",
    "出台计量发展专项资金管理办法",
    "建成计量科普教育基地",
    "建立计量失信惩戒名单制度",
    "完成计量检定人员轮训",
    "建成计量检测数据共享平台",
    "完成集贸市场计量示范创建",
)


@dataclass(frozen=True)
class Probe:
    """A generated question with the one clause that answers it."""

    question: str
    gold: str  # clause_id
    kind: str  # target | responsibility | deadline
    expect: str  # the value, unit or deadline the answer should contain


@dataclass(frozen=True)
class SynthKB:
    path: Path
    notices: int
    probes: tuple[Probe, ...]
    open_questions: tuple[str, ...]  # no region named: these search the whole index (FAISS path)


def _notice(region: str, field: str, n: int, rng: random.Random) -> tuple[str, dict, list[Probe]]:
    doc_id = f"synth-{n:05d}"
    year = rng.randint(2012, 2030)
    target_year = year + rng.randint(2, 5)
    (ta, tb) = rng.sample(TARGETS, 2)
    va, vb = rng.randint(ta[3], ta[4]), rng.randint(tb[3], tb[4])
    heading, action = rng.choice(HEADINGS), rng.choice(ACTIONS)
    units = ["市市场监管局", *rng.sample(UNITS, rng.randint(1, 4))]
    task, due = rng.choice(TASKS), year + rng.randint(1, 3)
    title = f"{region}市人民政府办公室关于印发{region}市{field}工作方案的通知"
    number = f"{region[0]}政办发〔{year}〕{rng.randint(1, 60)}号"
    date = f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    y, m, d = (int(x) for x in date.split("-"))
    text = (
        "\n".join(
            [
                title,
                number,
                f"{y}年{m}月{d}日",
                f"一、工作目标。到{target_year}年，{ta[0].format(v=va)}，{tb[0].format(v=vb)}，{field}工作水平明显提升。",
                f"二、{heading}。围绕{field}工作，{action}。（责任单位：{'、'.join(units)}）",
                f"三、{rng.choice(DEADLINE_HEADINGS)}。{due}年底前，{task}。",
            ]
        )
        + "\n"
    )
    entry = {
        "doc_id": doc_id,
        "title": title,
        "issuer": f"{region}市人民政府办公室",
        "doc_number": number,
        "date": date,
        "region": region,
        "level": "市",
    }
    metric, value = (ta[1], f"{va}{ta[2]}") if rng.random() < 0.5 else (tb[1], f"{vb}{tb[2]}")
    forms = {  # two phrasings of each question: the full name of the notice, and a shorter everyday one
        "target": (
            f"{region}市{field}工作方案提出，到{target_year}年{metric}要达到多少？",
            f"{region}{field}方案里{metric}的目标是多少？",
        ),
        "responsibility": (
            f"{region}市{field}工作方案中，{heading}的责任单位有哪些？",
            f"{region}的{field}工作方案，“{heading}”由哪些部门负责？",
        ),
        "deadline": (
            f"{region}市{field}工作方案要求什么时候{task}？",
            f"按照{region}{field}工作方案，{task}的期限是哪一年？",
        ),
    }
    probes = [
        Probe(rng.choice(forms["target"]), f"{doc_id}/一", "target", value),
        Probe(rng.choice(forms["responsibility"]), f"{doc_id}/二", "responsibility", units[-1]),
        Probe(rng.choice(forms["deadline"]), f"{doc_id}/三", "deadline", f"{due}年"),
    ]
    return text, entry, probes


def write_kb(path: Path, n: int, seed: int = 7) -> SynthKB:
    """Write n synthetic notices (.txt) and their catalog.yaml into `path`; return the generated questions."""
    if n > len(REGIONS) * len(FIELDS):
        raise ValueError(f"at most {len(REGIONS) * len(FIELDS)} distinct (region, field) notices; asked for {n}")
    rng = random.Random(seed)
    pairs = rng.sample([(r, f) for r in REGIONS for f in FIELDS], n)
    path.mkdir(parents=True, exist_ok=True)
    catalog, probes = {}, []
    for i, (region, field) in enumerate(pairs):
        text, entry, found = _notice(region, field, i, rng)
        name = f"{i:05d}.txt"
        (path / name).write_text(text, encoding="utf-8")
        catalog[name] = entry
        probes += found
    (path / "catalog.yaml").write_text(
        yaml.safe_dump({"notices": catalog}, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    open_questions = tuple(f"{f}工作方案中{rng.choice(TARGETS)[1]}的目标是多少？" for f in rng.sample(FIELDS, 20))
    return SynthKB(path, n, tuple(probes), open_questions)


def sample_probes(kb: SynthKB, limit: int, seed: int = 11) -> list[Probe]:
    """At most `limit` probes, the same share of each kind, in a fixed order."""
    if len(kb.probes) <= limit:
        return list(kb.probes)
    return random.Random(seed).sample(list(kb.probes), limit)
