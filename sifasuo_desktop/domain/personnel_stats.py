"""Enforcement personnel figures (issue 14): 持证率, 年审完成率, 培训达标率 by category, 离岗/返岗 per body and
township; the 执法证件年审汇总表; closed-book exam sampling per year against the county's target; one
officer's profile (certificate timeline, hours by year and category). Plain Python over record dicts.

Counting rules (written in each table's notes as well):
- 执法岗位人数: officers 在岗 (or no duty status) on the year's 12-31 (today when the year is not over).
- 持证率: of those, 证件状态 有效 and 有效期至 not before that day.
- 年审完成率: of the 有效 certificates issued on or before 12-31 of the year, those with a 年审 for that
  year whose result is 合格 (审验 events, or the officer's 年审年度/年审结果).
- 培训达标率 by category: of the on-duty certified officers, those whose hours in the year reach the minimum:
  公共法律知识 ≥ RY-10 `public_law_hours`, 业务知识 + 执法技能 ≥ `business_hours` (— when the minimum is 0,
  i.e. not set), all categories together ≥ RY-04 `required_hours`.
- 离岗/返岗: 离岗 and 返岗 events dated in the year (an officer row's 离岗日期 without an event counts too).
"""
from __future__ import annotations

import datetime as _dt

from . import certificates as C
from .stats import StatTable, _rate, fmt_rate

PUBLIC_LAW = "公共法律知识"
BUSINESS = ("业务知识", "执法技能")
TRAINING_CATEGORIES = ("公共法律知识", "业务知识", "执法技能", "新法", "离岗培训", "其他")


def _iso(d) -> str:
    return d.isoformat() if isinstance(d, _dt.date) else str(d or "")


def _year_end(year: int, today: _dt.date | None) -> str:
    end = _dt.date(year, 12, 31)
    return _iso(min(end, today) if today else end)


def _key_hours(trainings) -> dict:
    """(match key) -> [(iso date, category, hours)] matching officers by id, 身份证号, then name."""
    out: dict = {}
    for t in trainings:
        d = str(t.get("training_date") or "")[:10]
        if not d:
            continue
        try:
            h = float(t.get("hours") or 0)
        except (TypeError, ValueError):
            continue
        item = (d, (t.get("category") or "其他").strip() or "其他", h)
        for key in (("id", t.get("officer_id")), ("idno", t.get("id_number")), ("name", t.get("officer_name"))):
            if key[1]:
                out.setdefault(key, []).append(item)
    return out


def _hours_of(index: dict, o: dict) -> list:
    for key in (("id", o.get("id")), ("idno", o.get("id_number")), ("name", o.get("name"))):
        if key[1] and key in index:
            return index[key]
    return []


def hours_by_year_category(trainings_of_officer) -> dict[int, dict[str, float]]:
    out: dict[int, dict[str, float]] = {}
    for d, cat, h in trainings_of_officer:
        y = C.year_of(d[:4])
        if y is None:
            continue
        row = out.setdefault(y, {})
        row[cat] = row.get(cat, 0.0) + h
    return out


def _events_by_officer(events) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for e in events:
        if e.get("officer_id") and not e.get("deleted"):
            out.setdefault(e["officer_id"], []).append(e)
    return out


def on_duty(o: dict) -> bool:
    return (o.get("duty_status") or "在岗") == "在岗"


def certified(o: dict, as_of: str) -> bool:
    return o.get("cert_status") == "有效" and (not o.get("cert_expiry") or str(o["cert_expiry"])[:10] >= as_of)


def needs_review(o: dict, year: int) -> bool:
    issued = str(o.get("cert_issued") or "")[:10]
    return o.get("cert_status") == "有效" and (not issued or issued <= f"{year}-12-31")


def personnel_table(year: int, bodies, officers, trainings, events, params: dict,
                    today: _dt.date | None = None) -> StatTable:
    """One row per enforcement body (with officers), then one per township and 合计."""
    as_of = _year_end(year, today)
    need_pub = float(params.get("RY-10", {}).get("public_law_hours") or 0)
    need_bus = float(params.get("RY-10", {}).get("business_hours") or 0)
    need_all = float(params.get("RY-04", {}).get("required_hours") or 0)
    idx = _key_hours(trainings)
    evs = _events_by_officer(events)
    body_by_id = {b["id"]: b for b in bodies}
    y = str(year)

    def blank():
        return {"duty": 0, "cert": 0, "rev_need": 0, "rev_ok": 0, "pub_ok": 0, "bus_ok": 0, "all_ok": 0,
                "trained_base": 0, "left": 0, "back": 0}

    acc: dict[str, dict] = {}
    for o in officers:
        a = acc.setdefault(o.get("body_id") or "", blank())
        if on_duty(o):
            a["duty"] += 1
            if certified(o, as_of):
                a["cert"] += 1
                a["trained_base"] += 1
                hours = [(d, c, h) for d, c, h in _hours_of(idx, o) if d[:4] == y]
                pub = sum(h for _, c, h in hours if c == PUBLIC_LAW)
                bus = sum(h for _, c, h in hours if c in BUSINESS)
                total = sum(h for _, _, h in hours)
                a["pub_ok"] += pub >= need_pub
                a["bus_ok"] += bus >= need_bus
                a["all_ok"] += total >= need_all
        if needs_review(o, year):
            a["rev_need"] += 1
            a["rev_ok"] += C.passed_review(o, evs.get(o.get("id"), ()), year)
        own = evs.get(o.get("id"), ())
        lefts = {e.get("event_date") for e in own if e.get("event_type") == "离岗" and str(e.get("event_date"))[:4] == y}
        if str(o.get("left_date") or "")[:4] == y:
            lefts.add(o["left_date"])
        a["left"] += len(lefts)
        a["back"] += sum(1 for e in own if e.get("event_type") == "返岗" and str(e.get("event_date"))[:4] == y)

    def row(label, township, s):
        return [label, township, s["duty"], s["cert"], fmt_rate(_rate(s["cert"], s["duty"])), s["rev_need"],
                s["rev_ok"], fmt_rate(_rate(s["rev_ok"], s["rev_need"])),
                fmt_rate(_rate(s["pub_ok"], s["trained_base"])) if need_pub > 0 else "—",
                fmt_rate(_rate(s["bus_ok"], s["trained_base"])) if need_bus > 0 else "—",
                fmt_rate(_rate(s["all_ok"], s["trained_base"])), s["left"], s["back"]]

    def merge(total, s):
        for k, v in s.items():
            total[k] += v

    rows, towns, grand = [], {}, blank()
    order = sorted(acc, key=lambda b: ((body_by_id.get(b) or {}).get("township") or "~", (body_by_id.get(b) or {}).get("name") or "~"))
    for bid in order:
        b = body_by_id.get(bid) or {}
        s = acc[bid]
        town = b.get("township") or ""
        rows.append(row(b.get("name") or "（未填单位）", town, s))
        merge(towns.setdefault(town, blank()), s)
        merge(grand, s)
    for town, s in sorted(towns.items()):
        if town:
            rows.append([f"{town}小计", town, *row("", town, s)[2:]])
    rows.append(["合计", "", *row("", "", grand)[2:]])
    t = StatTable(f"{year}年度执法人员持证、年审、培训情况",
                  ["执法主体", "所属乡镇", "执法岗位人数", "持有效证人数", "持证率", "应年审", "年审合格", "年审完成率",
                   f"公共法律知识达标率（≥{need_pub:g}学时）" if need_pub > 0 else "公共法律知识达标率",
                   f"业务+技能达标率（≥{need_bus:g}学时）" if need_bus > 0 else "业务+技能达标率",
                   f"总学时达标率（≥{need_all:g}学时）", "本年离岗", "本年返岗"], rows, key="personnel")
    t.notes.append(f"执法岗位人数为{as_of}在岗人员；持有效证指证件状态为“有效”且未过有效期。")
    t.notes.append(f"应年审为{year}年12月31日前发证、状态有效的证件；年审合格以审验记录（年度{year}、结果合格）为准。")
    t.notes.append("培训达标率以在岗持证人员为基数；公共法律知识、业务+技能的最低学时取自预警规则RY-10设置（0表示未设定，显示“—”），"
                   "总学时取自RY-04。")
    return t


def review_summary(year: int, bodies, officers, trainings, events, townships: dict | None = None) -> StatTable:
    """执法证件年审汇总表: every officer holding a certificate (not 注销/吊销/收回 before the year), with the
    年审 for `year` and that year's training hours. With `townships` ({body id: 乡镇}, the county's view) a 乡镇
    column follows 所属单位."""
    idx = _key_hours(trainings)
    evs = _events_by_officer(events)
    names = {b["id"]: b.get("name") or "" for b in bodies}
    y = str(year)
    rows = []
    held = [o for o in officers if o.get("cert_no") or o.get("cert_status")]
    towns = townships or {}
    held.sort(key=lambda o: (towns.get(o.get("body_id"), ""), names.get(o.get("body_id"), "~"), o.get("name") or ""))
    counts = {"合格": 0, "不合格": 0, "暂缓": 0, "未审验": 0}
    for o in held:
        own = evs.get(o.get("id"), ())
        rev = [e for e in C.ordered(own) if e.get("event_type") == "审验" and C.year_of(e.get("review_year")) == year]
        if rev:
            result, day, doc = rev[-1].get("result") or "", rev[-1].get("event_date") or "", rev[-1].get("doc_no") or ""
        elif C.year_of(o.get("review_year")) == year:
            result, day, doc = o.get("review_result") or "", "", ""
        else:
            result, day, doc = "", "", ""
        hours = [(c, h) for d, c, h in _hours_of(idx, o) if d[:4] == y]
        total = sum(h for _, h in hours)
        pub = sum(h for c, h in hours if c == PUBLIC_LAW)
        counts[result if result in counts else "未审验"] += 1
        note = []
        if not needs_review(o, year):
            note.append("不需年审" if o.get("cert_status") == "有效" else f"证件{o.get('cert_status') or '未登记状态'}")
        if o.get("duty_status") and o["duty_status"] != "在岗":
            note.append(o["duty_status"])
        rows.append([len(rows) + 1, o.get("name") or "", names.get(o.get("body_id"), ""), o.get("cert_no") or "",
                     o.get("cert_issued") or "", o.get("cert_expiry") or "", o.get("cert_status") or "",
                     result or "未审验", day, doc, round(total, 1), round(pub, 1), "；".join(note)])
        if townships is not None:
            rows[-1].insert(3, towns.get(o.get("body_id")) or "")
    columns = ["序号", "姓名", "所属单位", "执法证号", "发证日期", "有效期至", "证件状态", "审验结果", "审验日期",
               "审验文号", "年度培训学时", "其中公共法律知识", "备注"]
    if townships is not None:
        columns.insert(3, "乡镇")
    t = StatTable(f"{year}年度执法证件年审汇总表", columns, rows, key="review_summary")
    t.notes.append(f"共{len(rows)}人：审验合格{counts['合格']}人，不合格{counts['不合格']}人，暂缓{counts['暂缓']}人，"
                   f"未审验{counts['未审验']}人。")
    t.notes.append(f"审验结果取{year}年度的审验记录（证件履历），无记录时取执法人员台账“年审年度/年审结果”。")
    return t


def exam_sampling(officers, batches, scores, targets: dict, today: _dt.date | None = None) -> StatTable:
    """Per year with an exam batch or a target: officers on duty and certified at year end (应考), officers
    sampled (distinct, in that year's batches), 抽考比例 vs the county's target (percent), passes."""
    by_batch = {b["id"]: b for b in batches if not b.get("deleted")}
    years = {C.year_of(b.get("year")) for b in by_batch.values()} | {C.year_of(y) for y in targets}
    years.discard(None)
    rows = []
    for year in sorted(years):
        base = sum(1 for o in officers if on_duty(o) and certified(o, _year_end(year, today)))
        sampled: dict[str, bool] = {}
        for s in scores:
            b = by_batch.get(s.get("batch_id"))
            if b is None or s.get("deleted") or C.year_of(b.get("year")) != year:
                continue
            who = s.get("officer_id") or s.get("officer_name")
            if not who:
                continue
            mark = b.get("pass_mark")
            try:
                ok = bool(s.get("passed")) if s.get("passed") is not None else (
                    mark is not None and s.get("score") is not None and float(s["score"]) >= float(mark))
            except (TypeError, ValueError):
                ok = False
            sampled[who] = sampled.get(who, False) or ok
        n = len(sampled)
        ratio = _rate(n, base)
        target = targets.get(year, targets.get(str(year)))
        reached = "—" if target is None or ratio is None else ("达标" if ratio * 100 >= float(target) - 1e-9 else "未达标")
        passed = sum(1 for v in sampled.values() if v)
        rows.append([year, sum(1 for b in by_batch.values() if C.year_of(b.get("year")) == year), base, n,
                     fmt_rate(ratio), "未设定" if target is None else f"{float(target):g}%", reached, passed,
                     fmt_rate(_rate(passed, n))])
    t = StatTable("闭卷考试抽考情况", ["年度", "考试场次", "应考人数（在岗持证）", "抽考人数", "抽考比例", "县局目标比例",
                                 "是否达到目标", "合格人数", "合格率"], rows, key="exam_sampling")
    t.notes.append("抽考人数按人计（同一年度多场考试只计一次）；是否合格以成绩表“是否合格”为准，未填时按考试合格分数线判断。")
    return t


def timeline(officer: dict, events) -> list[dict]:
    """The officer's certificate history, oldest first: {date, type, text, id}."""
    return [{"date": e.get("event_date") or "", "type": e.get("event_type") or "", "text": C.describe(e),
             "id": e.get("id")} for e in C.ordered(events)]


def officer_hours(officer: dict, trainings) -> dict[int, dict[str, float]]:
    return hours_by_year_category(_hours_of(_key_hours(trainings), officer))
