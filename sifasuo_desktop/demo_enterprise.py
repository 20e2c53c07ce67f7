"""Demo data for 涉企行政检查 (issue 13): each inspecting body's 行政检查事项目录 (published items, one published late,
one 停用) and 涉企检查计划 (the county department's 2025 plan published after 03-31), and on the generated
inspections the 检查事项 / 任务来源 / 检查方式 / 审批 / 扫码报备 / 企业评价 columns — mostly in order, a few not
(an unknown or unpublished item, a missing or late 报备 or approval, 紧急情形 inspections with their grace).

A random stream of its own, so the rest of the demo (and every figure measured on it) stays what it was."""
from __future__ import annotations

import datetime as dt
import random
import uuid

# (code, name, basis, target); the squad's item 5 is published late, item 6 is 停用
SQUAD_ITEMS = (
    ("XZ-JC-001", "食品小作坊、小餐饮监督检查", "《中华人民共和国食品安全法》第一百一十条", "辖区食品小作坊、小餐饮"),
    ("XZ-JC-002", "生产经营单位安全生产检查", "《中华人民共和国安全生产法》第九条", "辖区生产经营单位"),
    ("XZ-JC-003", "农村自建房建设情况检查", "《中华人民共和国城乡规划法》第五十三条", "辖区农村自建房"),
    ("XZ-JC-004", "畜禽养殖污染防治情况检查", "《畜禽规模养殖污染防治条例》第五条", "辖区畜禽养殖场"),
    ("XZ-JC-005", "燃气经营安全检查", "《城镇燃气管理条例》第四十二条", "辖区燃气经营者"),
    ("XZ-JC-006", "烟花爆竹经营检查", "《烟花爆竹安全管理条例》第三十条", "辖区烟花爆竹零售点"),
)
DEPT_ITEMS = (
    ("CG-JC-001", "户外广告设施设置检查", "《城市市容和环境卫生管理条例》第三十四条", "沿街商户"),
    ("CG-JC-002", "生活垃圾分类收集处置检查", "《中华人民共和国固体废物污染环境防治法》第一百一十一条", "辖区单位"),
    ("CG-JC-003", "占道经营及门前三包检查", "《城市市容和环境卫生管理条例》第三十六条", "沿街商户"),
)
CASE_SOURCES = ("投诉举报", "投诉举报", "上级交办", "转办移送", "企业申请", "整改复查", "紧急情形")


def _catalog(uid, org: str, body: dict, items, published: str, late: str | None, stopped: int | None) -> list[dict]:
    out = []
    for i, (code, name, basis, target) in enumerate(items):
        out.append({"id": uid(), "code": code, "name": name, "body_id": body["id"], "basis": basis, "target": target,
                    "published_date": late if late and i == len(items) - 2 else published,
                    "status": "停用" if stopped is not None and i == stopped else "有效", "owner_org": org})
    return out


def _plans(uid, org: str, body: dict, items, published: dict[int, str]) -> list[dict]:
    out = []
    for year, day in published.items():
        for code, name, _basis, target in items[:3]:
            out.append({"id": uid(), "plan_year": year, "body_id": body["id"], "item_name": name, "scope": target,
                        "ratio": "5%", "frequency": "每年不超过2次", "method": "现场检查", "published_date": day,
                        "filed_date": (dt.date.fromisoformat(day) + dt.timedelta(days=5)).isoformat(), "owner_org": org})
    return out


def catalogs(org: str, squad: dict, dept: dict) -> tuple[list[dict], list[dict]]:
    """(行政检查事项目录 rows, 涉企检查计划 rows) of the squad and the county department in one township."""
    r = random.Random(f"enterprise-catalog-{org}")

    def uid() -> str:
        return str(uuid.UUID(int=r.getrandbits(128), version=4))

    items = (_catalog(uid, org, squad, SQUAD_ITEMS, "2025-03-20", "2025-09-01", 5)
             + _catalog(uid, org, dept, DEPT_ITEMS, "2025-04-20", None, None))
    plans = (_plans(uid, org, squad, SQUAD_ITEMS, {2025: "2025-03-28", 2026: "2026-03-30"})
             + _plans(uid, org, dept, DEPT_ITEMS, {2025: "2025-04-10", 2026: "2026-03-15"}))   # 2025: late (JC-06)
    return items, plans


def _workdays_after(day: dt.date, n: int) -> dt.date:
    while n > 0:
        day += dt.timedelta(days=1)
        if day.weekday() < 5:
            n -= 1
    return day


def decorate(org: str, inspections: list[dict], items: list[dict]) -> None:
    """Fill the issue-13 columns of generated inspection rows in place (before they are stored)."""
    r = random.Random(f"enterprise-{org}")
    by_body: dict[str, list[dict]] = {}
    for it in items:
        by_body.setdefault(it["body_id"], []).append(it)
    emergencies = 0
    for k, row in enumerate(inspections):
        day = dt.date.fromisoformat(row["inspect_date"])
        roll = r.random()
        row["method"] = "非现场检查" if roll < 0.06 else "书面核查" if roll < 0.09 else "现场检查"
        planned = row.get("inspect_type") in ("日常检查", "专项检查")
        source = r.choice(CASE_SOURCES)
        row["task_source"] = "年度计划" if planned else "紧急情形" if emergencies < 3 and row["method"] == "现场检查" else source
        emergency = row["task_source"] == "紧急情形"
        cat = by_body.get(row.get("body_id"), [])
        roll = r.random()
        if cat and roll > 0.03:
            usable = [it for it in cat if it["status"] == "有效"]
            it = r.choice(usable if roll > 0.06 else cat)   # now and then the late or the 停用 item
            row["item_name"], row["item_code"] = it["name"], it["code"] if r.random() < 0.5 else None
        elif roll > 0.015:
            row["item_name"] = "企业经营情况综合检查"         # no item of the catalog (JC-03)
        # approval: a few days before; now and then missing or after; emergencies afterwards
        roll = r.random()
        if emergency:
            row["approval_date"] = _workdays_after(day, r.choice((0, 1, 2, 2, 3))).isoformat()
        elif roll > 0.03:
            row["approval_date"] = (day - dt.timedelta(days=r.randint(0 if roll < 0.04 else 1, 6))).isoformat()
            if roll < 0.04:
                row["approval_date"] = (day + dt.timedelta(days=1)).isoformat()
        row["approver"] = "分管负责人" if row.get("approval_date") else None
        # 扫码报备: on the day before entering; a few missing or late (JC-04 from 2025-07-01)
        roll = r.random()
        when = None
        if emergency:
            when = _workdays_after(day, r.choice((0, 0, 1, 2)))
        elif roll > 0.04:
            when = day + dt.timedelta(days=1 if roll < 0.055 else 0)
        if when is not None and row["method"] == "现场检查":
            row["report_time"] = f"{when.isoformat()} {r.randint(8, 10):02d}:{r.randint(0, 59):02d}"
            row["report_no"] = f"JCM{day:%Y%m%d}{k:05d}"
        if emergency:
            # every emergency case shows: approval and 报备 within their grace, or one working day too late
            n = emergencies
            emergencies += 1
            row["approval_date"] = _workdays_after(day, (1, 2, 3)[n % 3]).isoformat()
            row["approver"] = "分管负责人"
            if row["method"] == "现场检查":
                row["report_time"] = f"{_workdays_after(day, (1, 0, 2)[n % 3]).isoformat()} 16:30"
                row["report_no"] = f"JCM{day:%Y%m%d}{k:05d}"
        roll = r.random()
        row["rating"] = ("满意" if roll < 0.62 else "基本满意" if roll < 0.86 else "不满意" if roll < 0.91 else None)
