"""Demo data for 包容审慎 and discretion (issue 15): a 包容审慎清单, a 行政裁量权基准 and, on the generated cases,
处理结果 / 裁量基准 / 复议 / 诉讼 / 移送 / 典型案例 values.

A random stream of its own, so the rest of the demo (and every figure measured on it) stays as it was; only
the new columns are filled in, and a few decided 警告 cases become 不予处罚/首违不罚 decisions.
"""
from __future__ import annotations

import random
import uuid

_NS = uuid.UUID("6f1b1f34-6c11-4f55-9a43-1b2d5c0e9a15")

# (code, 违法行为, 法律依据, {阶次: (下限, 上限)})
SIMPLE = (0, 50), (50, 200), (200, 1000), (1000, 3000)
GENERAL = (1000, 5000), (5000, 20000), (20000, 60000), (60000, 200000)
LEVELS = ("轻微", "一般", "较重", "严重")
STANDARDS = (
    ("示裁-001", "占道经营", "《城市市容和环境卫生管理条例》第三十六条", SIMPLE),
    ("示裁-002", "在公共场地堆放物料", "《城市市容和环境卫生管理条例》第三十六条", SIMPLE),
    ("示裁-003", "乱贴乱画小广告", "《城市市容和环境卫生管理条例》第三十四条", SIMPLE),
    ("示裁-004", "露天焚烧秸秆", "《中华人民共和国大气污染防治法》第一百一十九条", SIMPLE),
    ("示裁-005", "违规燃放烟花爆竹", "《烟花爆竹安全管理条例》第四十二条", SIMPLE),
    ("示裁-006", "流动摊贩无证经营", "省《食品小作坊小餐饮及食品摊点管理条例》", SIMPLE),
    ("示裁-011", "未经批准擅自搭建构筑物", "《城市市容和环境卫生管理条例》第三十六条", GENERAL),
    ("示裁-012", "未按规划许可进行建设", "《中华人民共和国城乡规划法》第六十五条", GENERAL),
    ("示裁-013", "非法占用耕地建房", "《中华人民共和国土地管理法》第七十八条", GENERAL),
    ("示裁-014", "畜禽养殖场未建设污染防治设施", "《畜禽规模养殖污染防治条例》第三十九条", GENERAL),
    ("示裁-015", "擅自在河道管理范围内采砂", "《中华人民共和国水法》第七十二条", GENERAL),
    ("示裁-016", "未对从业人员进行安全生产教育培训", "《中华人民共和国安全生产法》第九十七条", GENERAL),
    ("示裁-017", "擅自占用挖掘道路", "《城市道路管理条例》第四十二条", GENERAL),
    ("示裁-018", "擅自改变林地用途", "《中华人民共和国森林法》第七十三条", GENERAL),
)
# (清单类型, 编码, 违法行为, 适用条件)
LIST_ITEMS = (
    ("首违不罚", "示免-001", "占道经营", "首次违法、危害后果轻微并及时改正"),
    ("首违不罚", "示免-002", "乱贴乱画小广告", "首次违法、及时清除"),
    ("不予处罚", "示免-011", "在公共场地堆放物料", "违法行为轻微并及时改正，没有造成危害后果"),
    ("不予处罚", "示免-012", "未对从业人员进行安全生产教育培训", "首次发现且当场完成培训补正"),
    ("从轻处罚", "示免-021", "露天焚烧秸秆", "主动消除或者减轻违法行为危害后果"),
    ("减轻处罚", "示免-031", "未按规划许可进行建设", "配合查处违法行为有立功表现"),
)
_BY_CAUSE = {s[1]: s for s in STANDARDS}
_ITEM_BY_CAUSE = {i[2]: i for i in LIST_ITEMS}


def catalog_rows(owner: str, issuer: str) -> dict[str, list[dict]]:
    """The demo 包容审慎清单 and 行政裁量权基准 rows (ids derived from owner and code: the same for every run)."""
    std = []
    for code, violation, basis, ranges in STANDARDS:
        for level, (lo, hi) in zip(LEVELS, ranges):
            std.append({"id": str(uuid.uuid5(_NS, f"{owner}|std|{code}|{level}")), "code": code, "violation": violation,
                        "legal_basis": basis, "level": level, "fine_min": float(lo), "fine_max": float(hi),
                        "circumstances": f"{level}情节", "issuer": issuer, "issued_date": "2024-12-20",
                        "owner_org": owner})
    items = [{"id": str(uuid.uuid5(_NS, f"{owner}|list|{code}")), "list_type": t, "code": code, "violation": v,
              "conditions": cond, "legal_basis": "《中华人民共和国行政处罚法》第三十二条、第三十三条", "issuer": issuer,
              "issued_date": "2024-12-20", "status": "有效", "owner_org": owner} for t, code, v, cond in LIST_ITEMS]
    return {"leniency_items": items, "discretion_standards": std}


def _level_for(ranges, fine: float) -> str | None:
    for level, (lo, hi) in zip(LEVELS, ranges):
        if lo <= fine <= hi:
            return level
    return None


def decorate(rng: random.Random, batch: list[dict]) -> None:
    """Fill the issue-15 columns of generated case rows in place (before they are stored)."""
    for c in batch:
        if not (c.get("case_type") or "").startswith("行政处罚") or not c.get("decision_date"):
            continue
        std = _BY_CAUSE.get(c.get("cause"))
        item = _ITEM_BY_CAUSE.get(c.get("cause"))
        fine = c.get("fine_amount")
        roll = rng.random()
        if c.get("penalty_kinds") == "警告" and item and item[0] in ("首违不罚", "不予处罚") and roll < 0.5:
            c.update(outcome=item[0], list_item=item[1], penalty_kinds=None, fine_amount=None)
            continue
        c["outcome"] = "给予处罚"
        if item and item[0] in ("从轻处罚", "减轻处罚") and roll < 0.2:
            c.update(outcome=item[0], list_item=item[1])
        if std and fine and rng.random() < 0.6:
            level = _level_for(std[3], float(fine))
            if level and rng.random() < 0.02:  # a fine outside the chosen 阶次 (CF-03)
                level = LEVELS[(LEVELS.index(level) + 2) % 4]
            if level:
                c.update(discretion_code=std[0], discretion_level=level)
        if item and item[0] in ("首违不罚", "不予处罚") and fine and rng.random() < 0.03:
            c["list_item"] = item[1]  # a 清单 item named, and fined all the same (CF-02)
        if c["case_type"] == "行政处罚(一般程序)":
            r2 = rng.random()
            if r2 < 0.05:
                c["reconsideration_result"] = rng.choice(("维持", "维持", "维持", "撤销", "变更", "驳回"))
            elif r2 < 0.07:
                c["litigation_result"] = rng.choice(("驳回诉讼请求", "驳回诉讼请求", "撤销", "调解撤诉"))
            if rng.random() < 0.01:
                c["transfer"] = rng.choice(("移送司法机关", "移送其他行政机关"))
            if rng.random() < 0.004:
                c["exemplary_kind"] = "典型案例"
                c["exemplary_summary"] = (f"{c.get('party') or '当事人'}{c.get('cause')}一案：执法主体依照裁量基准"
                                          "确定罚款数额，说理充分，程序规范，可供类案参照。")
