"""A realistic fictional township (示范县 示范镇) or county, deterministic for a seed.

Everything is invented: names, ID numbers (valid check digits, fictional area code 379901), enterprises
and their 统一社会信用代码. Some records deliberately break the rules so the warnings have work to do.
"""
from __future__ import annotations

import datetime as dt
import json
import random
import uuid

from sifasuo_desktop.domain.validators import make_id_number, make_uscc

ANCHOR = dt.date(2026, 11, 20)  # fixed, so a seed always gives the same data

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史黎贺顾毛郝龚邵万钱覃武戴孔汤庞樊兰殷施陶洪翟安颜倪严牛温芦季俞章鲁葛伍申尤毕聂柴焦向柳邢"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国文辉志鹏飞斌宇浩凯晨欣雪梅琳慧丹晓波宁海燕林峰永健亮新利春霖堃赟喆"
VILLAGES = ["东风村", "红旗村", "前进村", "新民村", "胜利村", "团结村", "和平村", "光明村", "幸福村", "长青村",
            "柳河村", "杏林村", "南湖社区", "北街社区"]
TRADES = [("餐饮", "餐饮服务有限公司"), ("建材", "建材有限公司"), ("农资", "农资经营部"), ("养殖", "养殖专业合作社"),
          ("商贸", "商贸有限公司"), ("机械", "机械加工厂"), ("食品", "食品有限公司"), ("物流", "物流有限公司"),
          ("砖瓦", "新型建材厂"), ("超市", "超市"), ("加油", "加油站"), ("石材", "石材加工有限公司")]
BRANDS = "鑫盛恒通宏达华兴隆丰瑞祥永安福顺富源德信金利汇泽润东升利民聚鼎"

POWER_CATALOG = [
    ("行政处罚", "对在城市道路两侧和公共场地堆放物料的处罚", "《城市市容和环境卫生管理条例》第三十六条", "县城市管理局"),
    ("行政处罚", "对未经批准擅自搭建建筑物、构筑物或者其他设施的处罚", "《城市市容和环境卫生管理条例》第三十六条", "县城市管理局"),
    ("行政处罚", "对在村庄、集镇规划区内未按规划许可进行建设的处罚", "《中华人民共和国城乡规划法》第六十五条", "县自然资源局"),
    ("行政处罚", "对未经批准或者采取欺骗手段骗取批准非法占用土地的处罚", "《中华人民共和国土地管理法》第七十七条", "县自然资源局"),
    ("行政处罚", "对农村村民未经批准或者采取欺骗手段骗取批准非法占用土地建住宅的处罚", "《中华人民共和国土地管理法》第七十八条", "县自然资源局"),
    ("行政处罚", "对露天焚烧秸秆、落叶等产生烟尘污染物质的处罚", "《中华人民共和国大气污染防治法》第一百一十九条", "县生态环境分局"),
    ("行政处罚", "对畜禽养殖场未建设污染防治配套设施的处罚", "《畜禽规模养殖污染防治条例》第三十九条", "县生态环境分局"),
    ("行政处罚", "对食品摊贩未取得登记证从事经营的处罚", "省《食品小作坊小餐饮及食品摊点管理条例》", "县市场监督管理局"),
    ("行政处罚", "对生产经营单位未按规定对从业人员进行安全生产教育培训的处罚", "《中华人民共和国安全生产法》第九十七条", "县应急管理局"),
    ("行政处罚", "对违反规定燃放烟花爆竹的处罚", "《烟花爆竹安全管理条例》第四十二条", "县公安局"),
    ("行政处罚", "对擅自在河道管理范围内采砂的处罚", "《中华人民共和国水法》第七十二条", "县水利局"),
    ("行政处罚", "对在禁牧区放牧的处罚", "省《草原条例》", "县农业农村局"),
    ("行政处罚", "对未取得建筑工程施工许可证擅自施工的处罚", "《建筑工程施工许可管理办法》第十二条", "县住房和城乡建设局"),
    ("行政处罚", "对擅自占用、挖掘城市道路的处罚", "《城市道路管理条例》第四十二条", "县城市管理局"),
    ("行政处罚", "对户外广告设施设置不符合规定的处罚", "《城市市容和环境卫生管理条例》第三十四条", "县城市管理局"),
    ("行政处罚", "对未按规定收集、贮存、处置生活垃圾的处罚", "《中华人民共和国固体废物污染环境防治法》第一百一十一条", "县城市管理局"),
    ("行政处罚", "对非法猎捕、杀害陆生野生动物的处罚", "《中华人民共和国野生动物保护法》第四十八条", "县林业局"),
    ("行政处罚", "对擅自改变林地用途的处罚", "《中华人民共和国森林法》第七十三条", "县林业局"),
    ("行政检查", "对辖区内生产经营单位安全生产情况的检查", "《中华人民共和国安全生产法》第九条", "县应急管理局"),
    ("行政检查", "对农村自建房建设情况的检查", "《中华人民共和国城乡规划法》第五十三条", "县住房和城乡建设局"),
    ("行政检查", "对食品小作坊、小餐饮的监督检查", "《中华人民共和国食品安全法》第一百一十条", "县市场监督管理局"),
    ("行政检查", "对畜禽养殖污染防治情况的检查", "《畜禽规模养殖污染防治条例》第五条", "县生态环境分局"),
    ("行政强制", "对违法搭建的建筑物、构筑物的强制拆除", "《中华人民共和国城乡规划法》第六十八条", "县城市管理局"),
    ("行政强制", "对非法采砂工具的查封、扣押", "《中华人民共和国行政强制法》第九条", "县水利局"),
    ("行政许可", "乡村建设规划许可", "《中华人民共和国城乡规划法》第四十一条", "县自然资源局"),
    ("行政许可", "农村村民宅基地审批", "《中华人民共和国土地管理法》第六十二条", "县农业农村局"),
    ("行政许可", "临时占用城市道路审批", "《城市道路管理条例》第三十一条", "县住房和城乡建设局"),
    ("行政确认", "农村五保供养对象的确认", "《农村五保供养工作条例》第七条", "县民政局"),
    ("行政给付", "临时救助金给付", "《社会救助暂行办法》第四十八条", "县民政局"),
    ("行政征收", "城市生活垃圾处理费征收", "《城市生活垃圾管理办法》第九条", "县城市管理局"),
    ("行政处罚", "对在饮用水水源保护区内从事网箱养殖的处罚", "《中华人民共和国水污染防治法》第九十一条", "县生态环境分局"),
    ("行政处罚", "对经营者未明码标价的处罚", "《中华人民共和国价格法》第四十二条", "县市场监督管理局"),
]

CAUSES = {
    "行政处罚(简易程序)": ["占道经营", "在公共场地堆放物料", "乱贴乱画小广告", "露天焚烧秸秆", "违规燃放烟花爆竹", "流动摊贩无证经营"],
    "行政处罚(一般程序)": ["未经批准擅自搭建构筑物", "未按规划许可进行建设", "非法占用耕地建房", "畜禽养殖场未建设污染防治设施",
                       "擅自在河道管理范围内采砂", "未对从业人员进行安全生产教育培训", "擅自占用挖掘道路", "擅自改变林地用途"],
    "行政许可": ["乡村建设规划许可申请", "宅基地审批申请", "临时占用道路审批申请"],
    "行政强制": ["违法建筑强制拆除", "查封扣押非法采砂工具"],
    "行政检查": ["安全生产检查", "自建房安全检查", "食品小作坊检查"],
    "行政确认": ["五保供养对象确认"],
    "行政给付": ["临时救助金给付"],
    "其他": ["责令限期改正"],
}
CASE_TYPE_WEIGHTS = [("行政处罚(简易程序)", 30), ("行政处罚(一般程序)", 38), ("行政许可", 10), ("行政强制", 5),
                     ("行政检查", 10), ("行政确认", 2), ("行政给付", 3), ("其他", 2)]


class _Gen:
    def __init__(self, seed: int):
        self.r = random.Random(seed)

    def uid(self) -> str:
        return str(uuid.UUID(int=self.r.getrandbits(128), version=4))

    def name(self) -> str:
        return self.r.choice(SURNAMES) + "".join(self.r.choice(GIVEN) for _ in range(self.r.choice((1, 2, 2))))

    def date_between(self, start: dt.date, end: dt.date) -> dt.date:
        span = max((end - start).days, 0)
        return start + dt.timedelta(days=self.r.randint(0, span))

    def id_number(self, birth: dt.date | None = None) -> str:
        birth = birth or self.date_between(dt.date(1966, 1, 1), dt.date(2000, 12, 31))
        return make_id_number(f"379901{birth:%Y%m%d}{self.r.randint(0, 999):03d}")

    def uscc(self) -> str:
        alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
        return make_uscc("91379901" + "".join(self.r.choice(alphabet) for _ in range(9)))

    def phone(self) -> str:
        return "1" + self.r.choice("3589") + "".join(str(self.r.randint(0, 9)) for _ in range(9))


def _codes(seed: int) -> tuple[str, str]:
    county = f"3799{seed % 100:02d}"
    return county, f"{county}101000"


def generate(store, cases: int = 600, seed: int = 1, role: str = "township", progress=None) -> dict:
    """Fill an empty store with demo data. Returns a summary with record counts."""
    g = _Gen(seed)
    county_code, township_code = _codes(seed)
    if role == "county":
        store.init_org("county", "示范县司法局", county_code)
        townships = [(f"{county_code}{i:03d}000", name) for i, name in
                     ((101, "示范镇"), (102, "青石镇"), (103, "柳河乡"), (104, "东湖镇"))]
        for code, name in townships:
            store.insert("orgs", {"code": code, "name": f"{name}司法所", "role": "township", "parent_code": county_code},
                         owner_org=county_code)
        # 示范镇 is the township `sifasuo demo --seed S` generates: its records reach this county through its sync
        # packages, so it stays empty here, and the other townships come from a random stream of their own (the
        # same stream would give them the 示范镇 demo's record ids and every package would be a pile of conflicts).
        townships = townships[1:]
        g = _Gen(f"county-{seed}")
        per = max(cases // len(townships), 0) if cases else 0
        counts: dict[str, int] = {}
        numbers: dict = {}  # the county's 文号 series, one for all its townships
        for i, (code, name) in enumerate(townships):
            n = per + (cases - per * len(townships) if i == 0 else 0)
            c = _township(store, g, code, name, n, progress, county_code, numbers)
            for k, v in c.items():
                counts[k] = counts.get(k, 0) + v
        org_name, org_code = "示范县司法局", county_code
    else:
        store.init_org("township", "示范镇司法所", township_code, county_code)
        counts = _township(store, g, township_code, "示范镇", cases, progress, county_code)
        org_name, org_code = "示范镇司法所", township_code
    # who signs the supervision documents: without these, drafts keep "××" placeholders and cannot be issued
    store.set_setting("documents.issuer", "示范县司法局")
    store.set_setting("documents.county_gov", "示范县人民政府")
    store.set_setting("documents.county_short", "示")
    store.set_setting("documents.contact", {"name": "周明", "phone": "0000-1234567"})
    if role == "county":   # the 季度通报 from the county's own ranking, through drafting and the workflow
        from .demo_documents import add_quarterly_notice

        if add_quarterly_notice(store, ANCHOR) is not None:
            counts["documents"] = counts.get("documents", 0) + 1
    return {"org_name": org_name, "org_code": org_code, "role": role, "seed": seed, "counts": counts}


def _township(store, g: _Gen, org: str, tname: str, n_cases: int, progress, county: str = "",
              numbers: dict | None = None) -> dict:
    """One township's records. `numbers` is the county's 文号 counter, shared by every township of a county."""
    numbers = {} if numbers is None else numbers
    county = county or store.org.parent_code or store.org.code
    r = g.r
    counts: dict[str, int] = {}

    def put(table, rows):
        for row in rows:
            row.setdefault("owner_org", org)
        # the demo writes the records its workflows would have produced (steps, issue, service, scoring)
        with store.workflow():
            store.bulk_insert(table, rows)
        counts[table] = counts.get(table, 0) + len(rows)

    with store.transaction():
        # enforcement bodies
        gov = {"id": g.uid(), "name": f"{tname}人民政府", "body_type": "乡镇政府", "township": tname,
               "uscc": make_uscc("11379901" + "".join(r.choice("0123456789") for _ in range(9))),
               "contact": g.name(), "phone": g.phone(), "status": "有效"}
        squad = {"id": g.uid(), "name": f"{tname}综合行政执法队", "body_type": "受委托组织", "township": tname,
                 "contact": g.name(), "phone": g.phone(), "status": "有效"}
        county_dept = {"id": g.uid(), "name": "示范县城市管理局", "body_type": "县直部门", "township": "",
                       "status": "有效"}
        bodies = [gov, squad, county_dept]
        put("bodies", bodies)

        # officers with certificates in every status
        officers = []
        statuses = ["有效"] * 18 + ["待审验", "暂扣", "收回", "注销", "吊销", "过期", "遗失补办"]
        for i, st in enumerate(statuses + ["有效"] * 3):
            # valid certificates were issued before the demo's cases start (2024) and run five years
            issued = g.date_between(dt.date(2022, 1, 1), dt.date(2023, 12, 31)) if st == "有效" else \
                g.date_between(dt.date(2019, 1, 1), dt.date(2023, 12, 31))
            expiry = issued.replace(year=issued.year + 5) if issued.month != 2 or issued.day != 29 else \
                dt.date(issued.year + 5, 2, 28)
            if i in (3, 4):  # expiring soon
                expiry = ANCHOR + dt.timedelta(days=10 * i)
            if i == 5:  # expired although the status still says 有效 (RY-03 red)
                expiry = ANCHOR - dt.timedelta(days=30)
            if st == "过期":
                expiry = ANCHOR - dt.timedelta(days=200)
            body = gov if i % 3 else squad
            officers.append({
                "id": g.uid(), "name": g.name(), "id_number": g.id_number(), "body_id": body["id"],
                "post": r.choice(["执法队员", "执法队长", "法制审核员", "综合执法办主任", "执法辅助"]) if i else "执法队长",
                "staffing": r.choice(["行政", "参公", "事业"]) if i < 22 else "其他",
                "cert_no": f"3799{r.randint(10000000, 99999999)}" if i < 24 else None,
                "cert_type": "行政执法证" if i < 24 else None,
                "cert_area": f"示范县{tname}", "cert_scope": r.choice(["综合行政执法", "城乡规划", "自然资源", "生态环境"]),
                "cert_issued": issued.isoformat() if i < 24 else None,
                "cert_expiry": expiry.isoformat() if i < 24 else None,
                "cert_status": st if i < 24 else None,
                "is_legal_reviewer": 1 if i in (1, 7) else 0,
                "duty_status": "在岗" if st not in ("注销", "收回") else r.choice(["调离", "退休"]),
                "phone": g.phone(),
            })
        put("officers", officers)
        # officers who act on cases: valid certificates that stay valid (officer 5's expired unnoticed: RY-03)
        active = [o for i, o in enumerate(officers) if o["cert_status"] == "有效" and i != 5]
        uncertified = [o for o in officers if o["cert_status"] in ("暂扣", "吊销", "过期", None)]

        # trainings: most officers reach 60 hours, a few do not
        trainings = []
        courses = [("公共法律知识", "行政处罚法专题培训", 16), ("业务知识", "综合行政执法业务培训", 24),
                   ("执法技能", "执法记录仪使用与文书制作", 12), ("新法", "《行政执法监督条例》解读", 8),
                   ("业务知识", "涉企行政检查规范专题", 8), ("公共法律知识", "行政复议法修订解读", 8)]
        for year in (2025, 2026):
            for j, o in enumerate(officers):
                if o["duty_status"] != "在岗":
                    continue
                picks = courses if j % 6 else courses[:3]
                for cat, title, hours in picks:
                    day = g.date_between(dt.date(year, 2, 1), min(dt.date(year, 11, 15), ANCHOR))
                    trainings.append({"id": g.uid(), "officer_name": o["name"], "officer_id": o["id"],
                                      "training_date": day.isoformat(), "title": f"{year}年{title}", "category": cat,
                                      "hours": float(hours), "score": float(r.randint(70, 99)), "passed": 1})
        put("trainings", trainings)

        # delegated powers
        powers = []
        for k, (ptype, pname, basis, dept) in enumerate(POWER_CATALOG):
            eff = dt.date(2020 + (k % 3), 1 + (k % 12), 1)
            powers.append({"id": g.uid(), "code": f"3799{ {'行政处罚': 'CF', '行政检查': 'JC', '行政强制': 'QZ', '行政许可': 'XK'}.get(ptype, 'QT') }{k + 1:04d}",
                           "name": pname, "power_type": ptype, "legal_basis": basis, "origin_dept": dept,
                           "body_id": gov["id"], "mode": "赋权" if k % 5 else "委托",
                           "delegation_doc": f"示政发〔{eff.year}〕{10 + k % 7}号", "effective_date": eff.isoformat(),
                           "status": "有效" if k != 9 else "暂停"})
        put("powers", powers)
        used_powers = powers[:20]  # the rest are never used (FQ-01 / FQ-02)

        enterprises = []
        for k in range(max(30, n_cases // 8 if n_cases else 30)):
            short, suffix = r.choice(TRADES)
            brand = "".join(r.sample(BRANDS, 2))
            enterprises.append((f"示范县{brand}{suffix}" if "公司" in suffix or "厂" in suffix else f"{tname}{brand}{suffix}",
                                g.uscc()))

        # cases
        if progress:
            progress(f"正在生成 {n_cases} 件执法案件……")
        types, weights = zip(*CASE_TYPE_WEIGHTS)
        seqs: dict[tuple, int] = {}
        batch = []
        start = dt.date(2024, 1, 1)
        from sifasuo_desktop import demo_discretion  # issue 15: outcome/discretion columns, a stream of its own
        put("leniency_items", demo_discretion.catalog_rows(org, f"{tname}人民政府")["leniency_items"])
        put("discretion_standards", demo_discretion.catalog_rows(org, f"{tname}人民政府")["discretion_standards"])
        d_rng = random.Random(f"discretion-{org}")
        for k in range(n_cases):
            ctype = r.choices(types, weights)[0]
            filed = g.date_between(start, ANCHOR)
            year = filed.year
            prefix = {"行政处罚": "示综执罚", "行政许可": "示许", "行政强制": "示强", "行政检查": "示检"}.get(ctype[:4], "示综")
            key = (prefix, year)  # one number sequence per 字号 and year: 案号 never repeat
            seqs[key] = seqs.get(key, 0) + 1
            case_no = f"{prefix}〔{year}〕{seqs[key]}号"
            body = squad if ctype.startswith("行政处罚") and k % 3 else gov
            cause = r.choice(CAUSES[ctype])
            is_org = r.random() < 0.4
            if is_org:
                party, pcode = r.choice(enterprises)
                ptype = "法人"
            else:
                party, pcode, ptype = g.name(), None, "自然人"
            n_off = 2 if r.random() > 0.015 else 1  # a few cases with one officer (RY-01)
            pool = active if r.random() > 0.01 else uncertified  # a few with an uncertified officer (RY-02)
            offs = r.sample(pool, min(n_off, len(pool)))
            decision = None
            status = "办理中"
            days_open = (ANCHOR - filed).days
            if ctype == "行政处罚(简易程序)":
                decision = filed
            elif days_open > 20 or r.random() < 0.3:
                decision = filed + dt.timedelta(days=r.randint(5, 80 if r.random() > 0.02 else 120))
                if decision > ANCHOR:
                    decision = None
            published = None
            if decision:
                status = "已决定"
                late = r.random() < 0.03
                published = decision + dt.timedelta(days=r.randint(12, 30) if late else r.randint(1, 6))
                if published > ANCHOR or r.random() < 0.02:
                    published = None
            penalties, fine = None, None
            if ctype.startswith("行政处罚"):
                if ctype == "行政处罚(简易程序)":
                    if r.random() < 0.3:
                        penalties, fine = "警告", None
                    else:
                        penalties, fine = "罚款", float(r.choice([50, 100, 200]) if ptype == "自然人" else r.choice([500, 1000, 2000]))
                else:
                    roll = r.random()
                    if roll < 0.6:
                        penalties, fine = "罚款", float(r.choice([2000, 5000, 8000, 10000, 20000, 50000, 120000]))
                    elif roll < 0.8:
                        penalties, fine = "罚款、没收违法所得", float(r.choice([3000, 10000, 30000]))
                    elif roll < 0.9:
                        penalties, fine = "责令停产停业", None
                    else:
                        penalties, fine = "警告", None
            if decision is None:  # nothing decided yet: no penalty recorded
                penalties, fine = None, None
            major = ctype == "行政处罚(一般程序)" and (fine or 0) >= 50000 or (penalties or "").startswith("责令停产")
            reviewer = officers[1]["name"]
            review_date = None
            if major and decision:
                review_date = (decision - dt.timedelta(days=r.randint(1, 5))).isoformat() if r.random() > 0.1 else None
            hearing = 1 if (fine or 0) >= 10000 or (penalties or "").startswith("责令停产") else 0
            if hearing and r.random() < 0.05:
                hearing = 0
            violation = filed - dt.timedelta(days=r.randint(0, 60) if r.random() > 0.01 else r.randint(800, 900))
            closed = None
            if decision and r.random() < 0.7 and (ANCHOR - decision).days > 30:
                closed = decision + dt.timedelta(days=r.randint(15, 30))
                status = "已结案"
            batch.append({
                "id": g.uid(), "case_no": case_no, "body_id": body["id"], "case_type": ctype,
                "power_id": r.choice(used_powers)["id"], "cause": cause, "party": party, "party_type": ptype,
                "party_code": pcode, "violation_date": violation.isoformat(), "filed_date": filed.isoformat(),
                "decision_date": decision.isoformat() if decision else None,
                "penalty_kinds": penalties, "fine_amount": fine,
                "confiscation_amount": float(r.choice([800, 1500, 3000])) if penalties and "没收" in penalties else None,
                "officer_names": "、".join(o["name"] for o in offs),
                "officer_ids": json.dumps([o["id"] for o in offs]),
                "is_major": 1 if major else 0, "legal_review_date": review_date,
                "legal_reviewer": reviewer if review_date else None, "hearing_notified": hearing,
                "served_date": (decision + dt.timedelta(days=r.randint(0, 6))).isoformat() if decision else None,
                "published_date": published.isoformat() if published else None,
                "closed_date": closed.isoformat() if closed and closed <= ANCHOR else None,
                "av_record": 1 if r.random() > 0.1 else 0, "life_safety": 0, "status": status,
            })
            if len(batch) >= 5000:
                demo_discretion.decorate(d_rng, batch)
                put("cases", batch)
                batch = []
                if progress:
                    progress(f"  已生成 {counts.get('cases', 0)} 件")
        demo_discretion.decorate(d_rng, batch)
        put("cases", batch)

        # enterprise inspections (some too frequent, some repeated by two bodies)
        insp = []
        n_insp = max(40, n_cases // 5)
        for k in range(n_insp):
            # mostly spread over many enterprises; every 97th inspection goes to the same one (JC-01/JC-02)
            name, code = r.choice(enterprises) if k % 97 else enterprises[0]
            day = g.date_between(dt.date(2025, 1, 1), ANCHOR)
            offs = r.sample(active, 2)
            insp.append({"id": g.uid(), "inspect_date": day.isoformat(),
                         "body_id": (squad if k % 4 else county_dept)["id"], "target_name": name, "target_uscc": code,
                         "inspect_type": r.choices(["日常检查", "专项检查", "个案检查"], [6, 3, 1])[0],
                         "is_joint": 1 if r.random() < 0.15 else 0,
                         "officer_names": "、".join(o["name"] for o in offs),
                         "officer_ids": json.dumps([o["id"] for o in offs]),
                         "result": r.choice(["未发现问题", "发现消防通道堵塞，已责令整改", "台账不全，已指导完善",
                                             "发现安全隐患2处，已下达整改通知"]),
                         "found_problem": 0})
        for row in insp:
            row["found_problem"] = 0 if row["result"] == "未发现问题" else 1
        from . import demo_enterprise  # 检查事项目录, 涉企检查计划 and the inspections' 涉企 columns (issue 13)

        e_items, e_plans = demo_enterprise.catalogs(org, squad, county_dept)
        put("inspection_items", e_items)
        put("inspection_plans", e_plans)
        demo_enterprise.decorate(org, insp, e_items)
        put("inspections", insp)

        # supervision visits, problems and their steps
        visits, problems, steps = [], [], []
        pno = 0
        for k in range(12):
            day = g.date_between(dt.date(2025, 3, 1), ANCHOR - dt.timedelta(days=5))
            vid = g.uid()
            found = r.sample(["行政处罚决定未在7个工作日内公示", "执法文书送达回证缺少受送达人签名",
                              "重大执法决定未经法制审核即作出", "部分执法人员执法证过期仍参与执法",
                              "案卷未按规定装订归档", "自由裁量未说明理由", "涉企检查未提前报备"], 2)
            visits.append({"id": vid, "visit_date": day.isoformat(),
                           "method": r.choice(["日常监督", "专项监督", "台账核查", "案卷评查"]),
                           "body_id": r.choice([gov, squad])["id"], "people": "、".join(g.name() for _ in range(2)),
                           "findings": "；".join(found), "problem_count": len(found)})
            for desc in found:
                pno += 1
                deadline = day + dt.timedelta(days=30)
                state = r.choice(["待整改", "整改中", "已报告", "已销号", "已销号"])
                pid = g.uid()
                problems.append({"id": pid, "problem_no": f"{tname[:2]}问〔{day.year}〕{pno}号", "found_date": day.isoformat(),
                                 "source": "监督检查", "source_ref": vid, "body_id": visits[-1]["body_id"],
                                 "category": r.choice(["三项制度", "程序", "文书归档", "执法证件"]),
                                 "description": desc, "requirement": "立即整改，并报送整改报告及佐证材料",
                                 "deadline": deadline.isoformat(), "responsible": g.name(), "status": state,
                                 "closed_date": (deadline - dt.timedelta(days=3)).isoformat() if state == "已销号" else None})
                steps.append({"id": g.uid(), "problem_id": pid, "step_date": day.isoformat(), "action": "交办",
                              "from_status": None, "to_status": "待整改", "person": visits[-1]["people"].split("、")[0]})
                if state == "已销号":
                    steps.append({"id": g.uid(), "problem_id": pid, "step_date": (deadline - dt.timedelta(days=3)).isoformat(),
                                  "action": "销号", "from_status": "已报告", "to_status": "已销号", "person": g.name(),
                                  "verify_method": "书面核查", "verifier": g.name()})
        put("visits", visits)

        # case-file reviews
        batch_id = g.uid()
        put("review_batches", [{"id": batch_id, "name": "2026年度行政执法案卷评查", "year": 2026, "mode": "集中评查",
                                "scope": "2025年度一般程序行政处罚案卷"}])
        general = [c for c in store.rows("cases", "case_type = '行政处罚(一般程序)' AND decision_date IS NOT NULL AND owner_org = ?",
                                         (org,), limit=10)]
        reviews = []
        for c in general:
            score = float(r.choice([95, 92, 88, 84, 76, 68, 55]))
            grade = "优秀" if score >= 90 else "良好" if score >= 80 else "合格" if score >= 60 else "不合格"
            reviews.append({"id": g.uid(), "batch_id": batch_id, "case_id": c["id"], "case_no": c["case_no"],
                            "body_id": c["body_id"], "reviewers": "、".join(g.name() for _ in range(2)),
                            "review_date": "2026-03-15", "veto_hits": "[]", "deductions": "[]", "score": score,
                            "grade": grade, "comment": "案卷材料基本齐全" if score >= 60 else "证据不足，程序存在瑕疵"})
            if grade == "不合格":
                pno += 1
                problems.append({"id": g.uid(), "problem_no": f"{tname[:2]}问〔2026〕{pno}号", "found_date": "2026-03-15",
                                 "source": "案卷评查", "source_ref": c["case_no"], "body_id": c["body_id"],
                                 "category": "事实证据", "description": f"案卷{c['case_no']}评查不合格：证据不足",
                                 "requirement": "完善证据，规范办案程序", "deadline": "2026-04-30",
                                 "responsible": g.name(), "status": "整改中"})
        put("reviews", reviews)

        # complaints
        complaints = []
        for k in range(15):
            day = g.date_between(dt.date(2025, 6, 1), ANCHOR)
            concl = r.choice(["属实", "部分属实", "不属实", "核查中"])
            complaints.append({"id": g.uid(), "channel": r.choice(["12345", "专用电话", "来信来访", "企业联系点", "行政执法监督员"]),
                               "received_date": day.isoformat(), "complainant": g.name(), "phone": g.phone(),
                               "body_id": r.choice([gov, squad])["id"],
                               "summary": r.choice(["反映执法人员检查时未出示执法证件", "反映对同一企业一个月内多次检查",
                                                    "反映罚款未开具票据", "反映违法建设长期未处理", "反映执法态度粗暴"]),
                               "verifier": g.name(), "conclusion": concl,
                               "closed_date": None if concl == "核查中" else (day + dt.timedelta(days=10)).isoformat()})
            if concl in ("属实", "部分属实") and k % 2 == 0:
                pno += 1
                pid = g.uid()
                problems.append({"id": pid, "problem_no": f"{tname[:2]}问〔{day.year}〕{pno}号", "found_date": day.isoformat(),
                                 "source": r.choice(["投诉举报", "12345"]), "source_ref": complaints[-1]["id"],
                                 "body_id": complaints[-1]["body_id"], "category": "程序",
                                 "description": complaints[-1]["summary"] + "，经核查属实",
                                 "requirement": "对相关人员批评教育，规范执法行为",
                                 "deadline": (day + dt.timedelta(days=20)).isoformat(), "responsible": g.name(),
                                 "status": r.choice(["待整改", "整改中", "已报告"])})
                complaints[-1]["problem_id"] = pid
        put("complaints", complaints)
        put("problems", problems)
        put("problem_steps", steps)

        # supervision documents: one issued document of every type, 送达/反馈 in every state (demo_documents.py)
        from .demo_documents import add_documents, add_township_quarterly_copy

        add_documents(put, g, org, tname, county, numbers, bodies, problems,
                      {"id": batch_id, "name": "2026年度行政执法案卷评查", "year": 2026, "mode": "集中评查"}, reviews,
                      ANCHOR, drafts_owner=org if store.org.role == "township" else county, store=store)
        if store.org.role == "township":
            add_township_quarterly_copy(put, g, org, tname, county, numbers, ANCHOR, store=store)

        # three-year plan tasks and volunteer supervisors
        tasks = [("1", "全面落实行政执法三项制度", "建立行政执法公示、全过程记录、重大执法决定法制审核台账", "2025-12-31", "已完成"),
                 ("2", "开展行政执法人员全员培训", "每人每年不少于60学时，组织闭卷考试", "2026-12-31", "推进中"),
                 ("3", "开展案卷评查", "每年组织集中评查不少于1次，评查结果通报", "2026-10-31", "已完成"),
                 ("4", "规范涉企行政检查", "建立涉企检查报备制度，杜绝重复检查、多头检查", "2026-06-30", "推进中"),
                 ("5", "开展突出问题专项整治", "建立问题清单，每月25日前报送进展，实行销号管理", "2026-12-31", "推进中"),
                 ("6", "推进赋权事项评估", "对下放事项开展评估，接不住的及时调整", "2026-09-30", "未开始")]
        put("plan_tasks", [{"id": g.uid(), "task_no": a, "task": b, "measure": c, "responsible_unit": f"{tname}司法所",
                            "deadline": d, "status": e, "progress": "按计划推进" if e != "未开始" else ""}
                           for a, b, c, d, e in tasks])
        put("supervisors", [{"id": g.uid(), "name": g.name(), "identity": ident, "employer": emp, "phone": g.phone(),
                             "term_start": "2024-01-01", "term_end": "2026-12-31", "status": "在聘",
                             "activities": "参加2025年度案卷评查；参与涉企检查回访"}
                            for ident, emp in (("人大代表", f"{tname}东风村村委会"), ("政协委员", "示范县第一中学"),
                                               ("企业家", "示范县鑫盛商贸有限公司"), ("律师/法律顾问", "示范律师事务所"))])
        from .demo_lifecycle import add_lifecycle  # certificate history, 离岗/返岗, 年审, exams (issue 14)

        add_lifecycle(put, org, officers, ANCHOR)
        from .demo_supervision import add_supervision  # plan, evaluations, surveys, 12345 tickets (issue 16)

        add_supervision(put, org, tname, bodies, powers, ANCHOR)
    return counts
