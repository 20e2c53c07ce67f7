"""Demo data for the certificate lifecycle (issue 14): certificate events, 离岗/返岗, 年审 and an exam batch.

Uses a random stream of its own so the rest of the demo stays what it was for a given seed.
"""
from __future__ import annotations

import datetime as dt
import random
import uuid

from .domain.validators import make_id_number


def add_lifecycle(put, org: str, officers: list[dict], cases_anchor: dt.date) -> None:
    r = random.Random(f"lifecycle-{org}")

    def uid() -> str:
        return str(uuid.UUID(int=r.getrandbits(128), version=4))

    events: list[dict] = []
    trainings: list[dict] = []

    def ev(o, kind, day, **kw):
        events.append({"id": uid(), "officer_id": o["id"], "officer_name": o["name"], "id_number": o.get("id_number"),
                       "event_type": kind, "event_date": day.isoformat() if isinstance(day, dt.date) else day,
                       "recorded_by": "示范镇司法所", **kw})

    held = [o for o in officers if o.get("cert_issued")]
    for i, o in enumerate(held):
        issued = dt.date.fromisoformat(o["cert_issued"])
        status = o.get("cert_status")
        if status not in ("有效", "暂扣", "收回", "注销", "吊销"):
            continue  # 待审验/过期/遗失补办 stay as entered: no history recorded for them
        ev(o, "申领", issued - dt.timedelta(days=45), prelim_date=(issued - dt.timedelta(days=40)).isoformat(),
           prelim_opinion="经司法所初审，符合申领条件，同意上报。")
        ev(o, "发证", issued, cert_no=o.get("cert_no"), cert_expiry=o.get("cert_expiry"),
           doc_no=f"示司证〔{issued.year}〕{i + 1}号")
        if status != "有效":
            ev(o, status, dt.date(2025, 6, 1) + dt.timedelta(days=7 * i), reason="年度审验发现问题" if status == "暂扣"
               else "调离执法岗位" if status in ("收回", "注销") else "违法违纪", doc_no=f"示司〔2025〕{20 + i}号")
            continue
        for year in range(max(issued.year, 2024), 2026):
            if i == 8 and year == 2025:
                continue  # no 2025 review recorded (RY-09 red after 03-31)
            ev(o, "审验", dt.date(year + 1, 3, 1) + dt.timedelta(days=i), review_year=year,
               result="不合格" if (i == 9 and year == 2025) else "合格", doc_no=f"示司审〔{year + 1}〕{i + 1}号")
    # one officer away and back with 离岗教育 and a passed 返岗考核, one back without enough hours
    active = [o for o in held if o.get("cert_status") == "有效"]
    if len(active) > 12:
        for o, hours, result in ((active[10], 40.0, "合格"), (active[11], 16.0, None)):
            ev(o, "离岗", dt.date(2025, 3, 1), reason="借调县信访局", leave_kind="离岗")
            trainings.append({"id": uid(), "officer_name": o["name"], "officer_id": o["id"],
                              "training_date": "2025-08-15", "title": "2025年离岗人员返岗培训", "category": "离岗培训",
                              "hours": hours, "passed": 1})
            ev(o, "返岗", dt.date(2025, 9, 1), result=result, doc_no="示司〔2025〕31号" if result else None)
    # one officer left recently but still appears on later cases (RY-06)
    if len(active) > 13:
        ev(active[13], "离岗", cases_anchor - dt.timedelta(days=45), reason="调整至社区矫正岗位", leave_kind="离岗")
    # newcomers: an auxiliary holding a valid certificate (RY-08), a new holder short of 公共法律知识 (RY-05)
    body_id = officers[0]["body_id"] if officers else None
    extra = [
        {"id": uid(), "name": "辅助员陈", "id_number": make_id_number(f"379901{r.randint(1970, 1999)}0612{r.randint(100, 999)}"),
         "phone": "1" + "".join(str(r.randint(0, 9)) for _ in range(10)), "body_id": body_id, "post": "执法辅助", "staffing": "辅助人员",
         "cert_no": "379900000901", "cert_type": "行政执法证", "cert_issued": "2024-05-10", "cert_expiry": "2029-05-09",
         "cert_status": "有效", "duty_status": "在岗", "review_year": 2025, "review_result": "合格"},
        {"id": uid(), "name": "新证周", "id_number": make_id_number(f"379901{r.randint(1970, 1999)}0915{r.randint(100, 999)}"),
         "phone": "1" + "".join(str(r.randint(0, 9)) for _ in range(10)), "body_id": body_id, "post": "执法队员", "staffing": "行政",
         "cert_no": "379900000902", "cert_type": "行政执法证", "cert_issued": "2026-06-18", "cert_expiry": "2031-06-17",
         "cert_status": "有效", "duty_status": "在岗"},
    ]
    put("officers", extra)
    newcomer = extra[1]
    trainings.append({"id": uid(), "officer_name": newcomer["name"], "officer_id": newcomer["id"],
                      "training_date": "2026-05-20", "title": "新申领证件人员公共法律知识培训", "category": "公共法律知识",
                      "hours": 16.0, "passed": 1})
    ev(newcomer, "申领", "2026-05-06", prelim_date="2026-05-08", prelim_opinion="经司法所初审，同意上报。")
    ev(newcomer, "发证", "2026-06-18", cert_no=newcomer["cert_no"], cert_expiry=newcomer["cert_expiry"],
       doc_no="示司证〔2026〕7号")
    put("cert_events", events)
    put("trainings", trainings)

    # a closed-book exam batch for 2026 sampling part of the officers
    batch = {"id": uid(), "name": "2026年度行政执法人员闭卷考试", "exam_date": min(dt.date(2026, 9, 20), cases_anchor).isoformat(),
             "year": 2026, "scope": "行政处罚法、行政许可法、行政强制法及综合执法业务", "pass_mark": 60.0}
    put("exam_batches", [batch])
    sample = active[: max(1, len(active) * 6 // 10)]
    scores = []
    for o in sample:
        score = float(r.randint(52, 98))
        scores.append({"id": uid(), "batch_id": batch["id"], "officer_id": o["id"], "officer_name": o["name"],
                       "score": score, "passed": int(score >= 60)})
    put("exam_scores", scores)
