"""Demo data for the supervisor's year (issue 16): 年度监督计划 (one item carried out by a linked visit, one late),
赋权事项评估, 执法满意度调查 and 12345 tickets with 工单编号/办理时限/满意度.

Uses a random stream of its own so the rest of the demo stays what it was for a given seed."""
from __future__ import annotations

import datetime as dt
import random
import uuid


def add_supervision(put, org: str, tname: str, bodies: list[dict], powers: list[dict], anchor: dt.date) -> None:
    r = random.Random(f"supervision-{org}")

    def uid() -> str:
        return str(uuid.UUID(int=r.getrandbits(128), version=4))

    gov, squad = bodies[0], bodies[1]
    year = anchor.year
    items = [("1", "一季度行政执法案卷评查", "案卷评查", squad, f"{year}-03-31", "已完成"),
             ("2", "涉企行政检查专项监督", "专项监督", squad, f"{year}-06-30", "进行中"),
             ("3", "执法台账核查", "台账核查", gov, f"{year}-09-30", "进行中"),
             ("4", "执法证件持证上岗暗访", "暗访", squad, f"{year}-11-15", "未开始"),
             ("5", "四季度日常监督", "日常监督", gov, f"{year}-12-20", "未开始")]
    plans = [{"id": uid(), "plan_year": year, "seq": a, "item": b, "method": c, "body_id": d["id"],
              "planned_date": e, "responsible": f"{tname}司法所", "status": s} for a, b, c, d, e, s in items]
    put("supervision_plans", plans)
    # item 3 is carried out by a visit linked to it; item 4 stays late (JH-01)
    put("visits", [{"id": uid(), "visit_date": f"{year}-09-26", "method": "台账核查", "body_id": gov["id"],
                    "people": "王所长、李干事", "findings": "台账登记基本规范", "problem_count": 0,
                    "plan_item_id": plans[2]["id"]}])
    evals = []
    for w in powers[:6:2]:
        evals.append({"id": uid(), "power_id": w["id"], "power_code": w.get("code"), "power_name": w.get("name"),
                      "year": year - 1, "eval_date": f"{year - 1}-11-{r.randint(10, 28):02d}",
                      "method": r.choice(["自评", "群众评议", "第三方评估"]), "case_count": r.randint(0, 12),
                      "conclusion": r.choice(["保留", "保留", "调整"]), "problems": "承接人员持证不足",
                      "opinion_township": "能够承接", "opinion_dept": "同意保留", "opinion_sfs": "建议加强培训"})
    put("power_evaluations", evals)
    surveys = []
    for q in range(1, 5):
        for b in (gov, squad):
            n = r.randint(40, 80)
            unsat = r.randint(0, max(1, n // 8))
            basic = r.randint(0, n - unsat)
            surveys.append({"id": uid(), "survey_date": f"{year}-{3 * q:02d}-20", "body_id": b["id"],
                            "method": r.choice(["问卷", "电话回访", "企业评价"]), "sample_count": n,
                            "satisfied_count": n - unsat - basic, "basic_count": basic, "unsatisfied_count": unsat})
    put("satisfaction_surveys", surveys)
    tickets = []
    for k in range(6):
        day = anchor - dt.timedelta(days=r.randint(5, 60))
        done = k % 3 != 0
        tickets.append({"id": uid(), "channel": "12345", "ticket_no": f"{year}{org[-6:-3]}{k + 1:05d}",
                        "received_date": day.isoformat(), "body_id": r.choice([gov, squad])["id"],
                        "summary": r.choice(["反映占道经营", "反映夜间施工噪音", "反映违规停车", "反映垃圾清运不及时"]),
                        "time_limit": (day + dt.timedelta(days=21)).isoformat(), "status": "已办结" if done else "办理中",
                        "closed_date": (day + dt.timedelta(days=12)).isoformat() if done else None,
                        "satisfaction": r.choice(["满意", "满意", "基本满意", "不满意"]) if done else None,
                        "conclusion": "属实" if done else "核查中"})
    put("complaints", tickets)
