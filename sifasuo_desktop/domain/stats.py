"""Statistics: 月汇总 / 季通报 indicators per body and the annual 统计年报 tables (reference.md §9, §9.1).

Plain functions over lists of record dicts (as the store returns them); no SQL, no Qt. Every table is a
`StatTable` (title, columns, rows, notes) so the UI, the CLI (--json / --xlsx) and printing share one shape.

Counting rules (年报, reference.md §9):
- Table 1 行政处罚: one decision = one 宗 (a 行政处罚 case, 简易 or 一般程序, whose 决定日期 is in the year and
  that records at least one 处罚种类); combined penalties count once under the HEAVIEST kind (order below);
  "X 并处其他" counts as X; 罚没金额 = 罚款金额 + 没收金额 written in the decision (a confiscation without an
  amount adds nothing); decisions later revoked (办理状态 已撤销) are still counted.
- Table 4 行政检查: one inspected object with a written record (检查结果 filled in) = 1 inspection; rows of the
  inspections ledger without a written result are not counted; plus cases of type 行政检查 filed in the year.
- Table 5 持证率: officers 在岗 (or with no duty status) on 12-31; certified = 证件状态 有效 and 有效期至 not
  before 12-31 (or empty).
"""
from __future__ import annotations

import datetime as _dt
from calendar import monthrange
from dataclasses import dataclass, field

from .validators import split_names

# light → heavy (reference.md §9); 其他 ranks below everything ("X 并处其他" counts as X)
PENALTY_ORDER = ("其他", "警告", "通报批评", "罚款", "没收违法所得", "没收非法财物", "暂扣许可证件", "降低资质等级",
                 "限制开展生产经营活动", "责令停产停业", "责令关闭", "限制从业", "吊销许可证件", "行政拘留")
_RANK = {k: i for i, k in enumerate(PENALTY_ORDER)}
_RANK["没收非法财物"] = _RANK["没收违法所得"]     # same step: 没收违法所得/非法财物
_RANK["限制从业"] = _RANK["责令关闭"]             # same step: 责令关闭/限制从业

# Table 1 columns and the kinds each holds
T1_COLUMNS = (
    ("警告、通报批评", ("警告", "通报批评")),
    ("罚款", ("罚款",)),
    ("没收违法所得、没收非法财物", ("没收违法所得", "没收非法财物")),
    ("暂扣许可证件、降低资质等级", ("暂扣许可证件", "降低资质等级")),
    ("吊销许可证件", ("吊销许可证件",)),
    ("限制开展生产经营活动", ("限制开展生产经营活动",)),
    ("责令停产停业、责令关闭、限制从业", ("责令停产停业", "责令关闭", "限制从业")),
    ("行政拘留", ("行政拘留",)),
    ("其他", ("其他",)),
)
_KIND_COLUMN = {k: label for label, kinds in T1_COLUMNS for k in kinds}

PENALTY_TYPES = ("行政处罚(简易程序)", "行政处罚(一般程序)")
CASE_TYPES_SHORT = {"行政处罚(简易程序)": "处罚(简易)", "行政处罚(一般程序)": "处罚(一般)", "行政许可": "许可",
                    "行政强制": "强制", "行政检查": "检查(案件)", "行政确认": "确认", "行政给付": "给付",
                    "行政征收": "征收", "其他": "其他"}
OTHER_ACTS = ("行政征收", "行政确认", "行政给付")
NO_PENALTY_OUTCOMES = ("不予处罚", "首违不罚", "不予立案", "撤销立案", "移送")  # a decision without a penalty kind
REQUIRED_HOURS = 60.0
GRADES = ("优秀", "良好", "合格", "不合格")


@dataclass
class StatTable:
    title: str
    columns: list[str]
    rows: list[list]
    notes: list[str] = field(default_factory=list)
    key: str = ""
    raw: dict = field(default_factory=dict, repr=False)   # the counts behind the rows (issue 16: the ranking)

    def to_dict(self) -> dict:
        return {"key": self.key, "title": self.title, "columns": self.columns, "rows": self.rows, "notes": self.notes}

    def row(self, first_cell) -> list | None:
        for r in self.rows:
            if r and r[0] == first_cell:
                return r
        return None

    def cell(self, first_cell, column: str):
        r = self.row(first_cell)
        return None if r is None else r[self.columns.index(column)]


# ---------------------------------------------------------------------------- periods
@dataclass(frozen=True)
class Period:
    kind: str          # monthly | quarterly | annual
    year: int
    number: int = 0    # month 1-12 or quarter 1-4
    start: str = ""
    end: str = ""

    @property
    def label(self) -> str:
        if self.kind == "monthly":
            return f"{self.year}年{self.number}月"
        if self.kind == "quarterly":
            return f"{self.year}年第{'一二三四'[self.number - 1]}季度"
        return f"{self.year}年度"

    def contains(self, iso: str | None) -> bool:
        return bool(iso) and self.start <= iso[:10] <= self.end


def last_full_period(kind: str, today) -> tuple[int, int | None]:
    """(year, number) of the last period that has ended by `today`: on 2 December the 月汇总 is November's
    (December has no data yet), the 季通报 the third quarter; the 统计年报 is the current year's (it is compiled
    in December and January, so in January the previous year's)."""
    if kind == "monthly":
        return (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
    if kind == "quarterly":
        q = (today.month - 1) // 3 + 1
        return (today.year, q - 1) if q > 1 else (today.year - 1, 4)
    return (today.year if today.month > 1 else today.year - 1), None


def make_period(kind: str, year: int, number: int | None = None) -> Period:
    from .errors import UserError

    if not 1900 < int(year) < 3000:
        raise UserError(f"年份“{year}”无效。")
    year = int(year)
    if kind == "monthly":
        if number is None or not 1 <= int(number) <= 12:
            raise UserError("月汇总需要指定月份（1–12）。")
        m = int(number)
        return Period(kind, year, m, f"{year}-{m:02d}-01", f"{year}-{m:02d}-{monthrange(year, m)[1]:02d}")
    if kind == "quarterly":
        if number is None or not 1 <= int(number) <= 4:
            raise UserError("季通报需要指定季度（1–4）。")
        q = int(number)
        m0, m1 = 3 * q - 2, 3 * q
        return Period(kind, year, q, f"{year}-{m0:02d}-01", f"{year}-{m1:02d}-{monthrange(year, m1)[1]:02d}")
    if kind == "annual":
        return Period(kind, year, 0, f"{year}-01-01", f"{year}-12-31")
    raise UserError(f"未知的统计类型“{kind}”（可选：monthly 月汇总、quarterly 季通报、annual 年报）。")


# ---------------------------------------------------------------------------- penalties
def penalty_kinds(case: dict) -> list[str]:
    raw = case.get("penalty_kinds") or ""
    return [k for k in split_names(raw) if k]


def heaviest_penalty(kinds) -> str | None:
    """The heaviest kind in `kinds` (unknown kinds count as 其他); None for no kinds."""
    kinds = [k if k in _RANK else "其他" for k in kinds if k]
    if not kinds:
        return None
    return max(kinds, key=lambda k: _RANK[k])


def penalty_amount(case: dict) -> float:
    return float(case.get("fine_amount") or 0) + float(case.get("confiscation_amount") or 0)


def _d(value) -> _dt.date | None:
    if not value:
        return None
    try:
        return _dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _rate(num: int, den: int):
    return round(num / den, 4) if den else None


def fmt_rate(r) -> str:
    return "—" if r is None else f"{r * 100:.1f}%"


# ---------------------------------------------------------------------------- annual report (年报)
def annual_tables(year: int, cases: list[dict], inspections: list[dict], officers: list[dict]) -> list[StatTable]:
    """The 统计年报 tables for one year. `cases`/`inspections`/`officers` may hold other years: filtered here."""
    p = make_period("annual", year)
    t1_counts = {label: 0 for label, _ in T1_COLUMNS}
    amount = 0.0
    no_kind = 0
    for c in cases:
        if c.get("case_type") not in PENALTY_TYPES or not p.contains(c.get("decision_date")):
            continue
        heavy = heaviest_penalty(penalty_kinds(c))
        if heavy is None:
            if (c.get("outcome") or "") not in NO_PENALTY_OUTCOMES:
                no_kind += 1
            continue
        t1_counts[_KIND_COLUMN[heavy]] += 1
        amount += penalty_amount(c)
    total = sum(t1_counts.values())
    t1 = StatTable("表1 行政处罚实施情况", [label for label, _ in T1_COLUMNS] + ["合计(宗)", "罚没金额(元)", "罚没金额(万元)"],
                   [[*t1_counts.values(), total, round(amount, 2), round(amount / 10000, 2)]], key="t1_penalty")
    t1.notes.append("一个处罚决定计为一宗；同时适用多种处罚的，按最重的处罚种类计一次；“X并处其他”计入X；"
                    "罚没金额按决定书载明金额合计，无法确定金额的没收不计入；后被复议、诉讼撤销的决定仍计入。")
    if no_kind:
        t1.notes.append(f"另有{no_kind}件处罚案件已作出决定但未登记处罚种类和处理结果，未计入本表。")
    t1.notes.append("不予处罚、首违不罚的决定不计入本表，见表1附。")

    lic_decided = sum(1 for c in cases if c.get("case_type") == "行政许可" and p.contains(c.get("decision_date")))
    lic_filed = sum(1 for c in cases if c.get("case_type") == "行政许可" and p.contains(c.get("filed_date")))
    t2 = StatTable("表2 行政许可实施情况", ["受理登记数量(件)", "作出许可决定数量(件)"], [[lic_filed, lic_decided]],
                   key="t2_license")
    t2.notes.append("受理登记数量按立案(受理)日期统计；作出许可决定数量按决定日期统计。台账未登记申请、不予许可、"
                    "撤销许可的分项，上报时请据实补填。")

    force = sum(1 for c in cases if c.get("case_type") == "行政强制"
                and p.contains(c.get("decision_date") or c.get("filed_date")))
    t3 = StatTable("表3 行政强制实施情况", ["行政强制(宗)"], [[force]], key="t3_force")
    t3.notes.append("按决定日期（无决定日期的按立案日期）统计；台账未区分强制措施与强制执行的分项及申请法院强制执行数，"
                    "上报时请据实补填。")

    insp_ok = sum(1 for i in inspections if p.contains(i.get("inspect_date")) and (i.get("result") or "").strip())
    insp_missing = sum(1 for i in inspections if p.contains(i.get("inspect_date"))
                       and not (i.get("result") or "").strip())
    insp_cases = sum(1 for c in cases if c.get("case_type") == "行政检查" and p.contains(c.get("filed_date")))
    others = {t: sum(1 for c in cases if c.get("case_type") == t and p.contains(c.get("decision_date")))
              for t in OTHER_ACTS}
    t4 = StatTable("表4 其他行政执法行为实施情况", ["行政检查(次)", "行政征收(件)", "行政确认(件)", "行政给付(件)"],
                   [[insp_ok + insp_cases, others["行政征收"], others["行政确认"], others["行政给付"]]],
                   key="t4_other")
    t4.notes.append("行政检查：一个检查对象且有完整书面记录计为一次（检查台账中“检查结果”已填写的记录，另加案件类型为"
                    "行政检查且当年立案的案件）；无书面记录、无特定对象的巡查不计入。")
    if insp_missing:
        t4.notes.append(f"有{insp_missing}条检查记录未填写检查结果，未计入。")

    on_duty, certified = certification(officers, p.end)
    t5 = StatTable("表5 行政执法证持证情况", ["执法岗位人数", "持有效执法证人数", "持证率"],
                   [[on_duty, certified, fmt_rate(_rate(certified, on_duty))]], key="t5_cert")
    t5.notes.append("执法岗位人数为年末在岗人员；持有效执法证指证件状态为“有效”且年末未过有效期。")
    return [t1, t2, t3, t4, t5]


def certification(officers: list[dict], as_of: str) -> tuple[int, int]:
    on_duty = [o for o in officers if (o.get("duty_status") or "在岗") == "在岗"]
    ok = [o for o in on_duty if o.get("cert_status") == "有效" and (not o.get("cert_expiry")
                                                                   or o["cert_expiry"][:10] >= as_of)]
    return len(on_duty), len(ok)


# ---------------------------------------------------------------------------- 月汇总 / 季通报
SUMMARY_COLUMNS = ["执法主体", "处罚(简易)", "处罚(一般)", "许可", "强制", "其他类型", "罚没金额(元)", "行政检查(次)",
                   "公示及时率", "法制审核率", "持证率", "培训达标率", "整改率", "逾期未销号",
                   "评查优秀", "评查良好", "评查合格", "评查不合格"]


def publication_due(case: dict, cal, publish_days) -> _dt.date | None:
    """The 公示 deadline of a decided case, or None when the case needs no case-by-case publication."""
    days = publish_days(case.get("case_type"))
    decided = _d(case.get("decision_date"))
    if days is None or decided is None or case.get("status") == "已撤销":
        return None
    return cal.add_workdays(decided, int(days))


def period_summary(period: Period, bodies: list[dict], cases: list[dict], inspections: list[dict],
                   officers: list[dict], trainings: list[dict], problems: list[dict], reviews: list[dict], *,
                   cal, publish_days, as_of: _dt.date, required_hours: float = REQUIRED_HOURS,
                   townships: dict | None = None) -> StatTable:
    """One row per enforcement body plus a 合计 row.

    - case counts: cases whose 决定日期 (or 立案日期 when undecided) falls in the period, by type;
    - 罚没金额: 罚款+没收 of penalty decisions in the period;
    - 行政检查: inspections in the period with a written result;
    - 公示及时率: decisions in the period needing publication (7/20 working days, as GS-01/GS-02) whose deadline
      has passed by `as_of` or that are published; timely = published on or before the deadline;
    - 法制审核率: 重大 decisions in the period with a 法制审核日期 on or before the decision;
    - 持证率: officers 在岗 at the period end holding a valid certificate; 培训达标率: of those on duty, the
      share with ≥ `required_hours` training hours in the period's year up to the period end (year to date);
    - 整改率: problems whose 整改期限 falls on or before the period end: share 销号 by the period end;
      逾期未销号: of those, deadline before the period end and not 销号 by the period end;
    - 评查: reviews dated in the period, by grade.

    With `townships` ({body id: 乡镇}, the county's view) a 乡镇 column follows 执法主体, so a county department
    working in three townships is three rows that say which township each is.
    """
    end = min(period.end, as_of.isoformat()) if as_of.isoformat() >= period.start else period.end
    year_start = f"{period.year}-01-01"
    names = {b["id"]: b.get("name") or "" for b in bodies}
    keys: list[str] = []

    def acc(bid):
        k = bid or ""
        if k not in stats:
            stats[k] = {"types": {}, "amount": 0.0, "insp": 0, "pub_due": 0, "pub_ok": 0, "major": 0,
                        "major_ok": 0, "duty": 0, "cert": 0, "trained": 0, "due": 0, "closed": 0, "late": 0,
                        "grades": {g: 0 for g in GRADES}}
            keys.append(k)
        return stats[k]

    stats: dict[str, dict] = {}
    for b in bodies:
        acc(b["id"])
    for c in cases:
        when = c.get("decision_date") or c.get("filed_date")
        if period.contains(when):
            s = acc(c.get("body_id"))
            t = c.get("case_type") or "其他"
            s["types"][t] = s["types"].get(t, 0) + 1
        if not period.contains(c.get("decision_date")):
            continue
        s = acc(c.get("body_id"))
        if c.get("case_type") in PENALTY_TYPES:
            s["amount"] += penalty_amount(c)
        due = publication_due(c, cal, publish_days)
        if due is not None:
            pub = _d(c.get("published_date"))
            if pub is not None or due < as_of:
                s["pub_due"] += 1
                if pub is not None and pub <= due:
                    s["pub_ok"] += 1
        if c.get("is_major"):
            s["major"] += 1
            lr = c.get("legal_review_date")
            if lr and lr[:10] <= c["decision_date"][:10]:
                s["major_ok"] += 1
    for i in inspections:
        if period.contains(i.get("inspect_date")) and (i.get("result") or "").strip():
            acc(i.get("body_id"))["insp"] += 1
    hours: dict[str, float] = {}
    for t in trainings:
        d = (t.get("training_date") or "")[:10]
        if t.get("officer_id") and year_start <= d <= end:
            hours[t["officer_id"]] = hours.get(t["officer_id"], 0.0) + float(t.get("hours") or 0)
    for o in officers:
        if (o.get("duty_status") or "在岗") != "在岗":
            continue
        s = acc(o.get("body_id"))
        s["duty"] += 1
        if o.get("cert_status") == "有效" and (not o.get("cert_expiry") or o["cert_expiry"][:10] >= end):
            s["cert"] += 1
        if hours.get(o["id"], 0.0) >= required_hours:
            s["trained"] += 1
    for p in problems:
        dl = (p.get("deadline") or "")[:10]
        if not dl or dl > period.end:
            continue
        s = acc(p.get("body_id"))
        s["due"] += 1
        closed = (p.get("closed_date") or "")[:10]
        done = p.get("status") == "已销号" and (not closed or closed <= end)
        if done:
            s["closed"] += 1
        elif dl < end:
            s["late"] += 1
    for r in reviews:
        if period.contains(r.get("review_date")) and r.get("grade") in GRADES:
            acc(r.get("body_id"))["grades"][r["grade"]] += 1

    def row(label, s):
        ty = s["types"]
        main = ("行政处罚(简易程序)", "行政处罚(一般程序)", "行政许可", "行政强制")
        other = sum(v for k, v in ty.items() if k not in main)
        return [label, ty.get(main[0], 0), ty.get(main[1], 0), ty.get(main[2], 0), ty.get(main[3], 0), other,
                round(s["amount"], 2), s["insp"], fmt_rate(_rate(s["pub_ok"], s["pub_due"])),
                fmt_rate(_rate(s["major_ok"], s["major"])), fmt_rate(_rate(s["cert"], s["duty"])),
                fmt_rate(_rate(s["trained"], s["duty"])), fmt_rate(_rate(s["closed"], s["due"])), s["late"],
                *[s["grades"][g] for g in GRADES]]

    rows = []
    total = None
    for k in keys:
        s = stats[k]
        if not _has_activity(s) and k not in names:
            continue
        r = row(names.get(k) or "（未填执法主体）", s)
        if townships is not None:
            r.insert(1, townships.get(k) or "")
        rows.append(r)
        total = _merge(total, s)
    if total is not None:
        r = row("合计", total)
        if townships is not None:
            r.insert(1, "")
        rows.append(r)
    title = ("月汇总" if period.kind == "monthly" else "季通报" if period.kind == "quarterly" else "年度汇总")
    columns = list(SUMMARY_COLUMNS)
    if townships is not None:
        columns.insert(1, "乡镇")
    t = StatTable(f"{period.label}行政执法情况{title}", columns, rows, key=f"summary_{period.kind}",
                  raw={"total": total, "by_body": stats})
    t.notes.append(f"统计期间：{period.start} 至 {period.end}；截至 {end}。案件按决定日期（未决定的按立案日期）计入；"
                   "公示及时率按许可/一般程序处罚7个工作日、其他决定20个工作日计算（简易程序不逐案公示）；"
                   f"培训达标率为当年累计学时达到{required_hours:g}学时的在岗人员比例；整改率为整改期限已到的问题中已销号的比例。")
    return t


def _has_activity(s: dict) -> bool:
    return bool(s["types"] or s["insp"] or s["duty"] or s["due"] or any(s["grades"].values()))


def _merge(total: dict | None, s: dict) -> dict:
    if total is None:
        total = {"types": {}, "grades": {g: 0 for g in GRADES}}
        for k, v in s.items():
            if k not in ("types", "grades"):
                total[k] = 0
    for k, v in s["types"].items():
        total["types"][k] = total["types"].get(k, 0) + v
    for g in GRADES:
        total["grades"][g] += s["grades"][g]
    for k, v in s.items():
        if k not in ("types", "grades"):
            total[k] += v
    return total


# ---------------------------------------------------------------------------- dashboard series
def monthly_counts(dates: list[str], year: int) -> list[int]:
    out = [0] * 12
    prefix = f"{year}-"
    for d in dates:
        if d and d.startswith(prefix):
            try:
                out[int(d[5:7]) - 1] += 1
            except ValueError:
                continue
    return out


def rectification_rate_by_month(problems: list[dict], year: int) -> list[float | None]:
    """For each month of `year`: share of problems due by the month's end that were 销号 by then."""
    out = []
    for m in range(1, 13):
        end = f"{year}-{m:02d}-{monthrange(year, m)[1]:02d}"
        due = [p for p in problems if p.get("deadline") and p["deadline"][:10] <= end]
        done = [p for p in due if p.get("status") == "已销号" and (p.get("closed_date") or "")[:10] <= end]
        out.append(_rate(len(done), len(due)))
    return out
