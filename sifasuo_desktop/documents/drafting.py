"""Drafting supervision documents from the records they concern (issue 17): the problems of a body, a visit,
a review batch, the county's ranking of a quarter. Every entry path (CLI `docs draft`, the 起草 dialog on the
监督文书 page, the record actions on 被监督单位/监督检查/问题整改, the dashboard) calls `draft()` or one of the
`draft_for_*` functions here, so a type is filled the same way wherever it is drafted. No Qt.

The drafts are stored through `service.create_draft` helpers (row <-> Document, settings); issuing, 送达 and
反馈 stay in service.py (their workflow).
"""

from __future__ import annotations

import datetime as _dt

from sifasuo_desktop.domain.errors import UserError
from sifasuo_desktop.domain.workflow import deadline_state
from sifasuo_desktop.store import documents_queries as Q
from sifasuo_desktop.store.rules_queries import load_calendar

from . import model as M
from . import templates as T
from .service import (
    DEFAULT_DEADLINE_WORKDAYS, DRAFT, ISSUED, LABEL, OPEN_PROBLEM_STATES, REPLIED, S_CC, S_DEADLINE_WORKDAYS, SERVED,
    SUPERSEDED, VOID, _date, _facts_base, _iso, _is_township, _row_values,
)

def create_draft(store, key: str, facts: dict | None = None, refs: dict | None = None, body_id: str | None = None,
                 subject: str = "", supersedes_id: str | None = None) -> dict:
    if key not in LABEL or key == M.HUIZHENG:
        raise UserError(f"不能起草该类文书：{key}")
    f = _facts_base(store)
    if key in M.TOWNSHIP_ISSUED and _is_township(store):
        f["issuer"] = store.org.name  # the 司法所 issues it in its own name
    elif store.org and not _is_township(store):
        # drafted at the county: the 司法所 of the body's township relays it, else the bureau itself
        body = store.get("bodies", body_id) if body_id else None
        town = (body or {}).get("township") or ""
        f["office"] = f"{town}司法所" if town else store.org.name
    f.update(facts or {})
    cc_defaults = (store.get_setting(S_CC, {}) or {}).get(key)
    if cc_defaults and not f.get("cc"):
        f["cc"] = list(cc_defaults)
    doc = T.build(key, f)
    extra = {}
    if f.get("deadline"):
        extra["reply_deadline"] = _iso(f["deadline"])
    elif f.get("reply_days"):
        extra["reply_days"] = int(f["reply_days"])
    values = _row_values(doc, refs or {}, extra)
    values.update(status=DRAFT, body_id=body_id, subject=subject or doc.title, supersedes_id=supersedes_id)
    values["doc_no"] = None
    return store.insert("documents", values)


def _body(store, body_id: str) -> dict:
    body = store.get("bodies", body_id) if body_id else None
    if body is None or body.get("deleted"):
        raise UserError("找不到该被监督单位。")
    return body


def new_deadline(store, key: str, start: _dt.date | None = None) -> _dt.date:
    """A deadline a new document sets: N working days (setting, per type) after the document date — never one
    copied from a problem that is already overdue."""
    stored = store.get_setting(S_DEADLINE_WORKDAYS, {}) or {}
    try:
        n = int(stored.get(key, DEFAULT_DEADLINE_WORKDAYS.get(key, 15)))
    except (TypeError, ValueError, AttributeError):
        n = DEFAULT_DEADLINE_WORKDAYS.get(key, 15)
    n = min(max(n, 1), 250)
    return load_calendar(store).add_workdays(start or _dt.date.today(), n)


def _problem_facts(p: dict) -> dict:
    return {"category": p.get("category") or "", "description": p.get("description") or "",
            "case_ref": "", "requirement": p.get("requirement") or "", "deadline": _date(p.get("deadline"))}


def _set_new_deadline(store, key: str, f: dict) -> None:
    """整改通知单 / 决定书: the new time limit runs from the document, not from a problem deadline that may
    already have passed (a problem's own later deadline is kept)."""
    if key not in (M.ZHENGGAI, M.JUEDINGSHU):
        return
    due = new_deadline(store, key)
    f["deadline"] = due
    for pf in f["problems"]:
        if pf.get("deadline") is None or pf["deadline"] < due:
            pf["deadline"] = due


def draft_for_problems(store, body_id: str, key: str = M.YIJIANSHU, problem_ids: list[str] | None = None,
                       facts: dict | None = None) -> dict:
    """A 意见书 / 建议书 / 整改通知单 / 决定书 about the open problems of one body."""
    body = _body(store, body_id)
    probs = Q.open_problems(store, body_id)
    if problem_ids is not None:
        wanted = set(problem_ids)
        probs = [p for p in probs if p["id"] in wanted]
    if not probs:
        raise UserError(f"“{body['name']}”没有未销号的问题，无需制发文书。")
    f = {"recipient": body["name"], "problems": [_problem_facts(p) for p in probs],
         "found_date": _date(min(p.get("found_date") or "9999-12-31" for p in probs)) if any(
             p.get("found_date") for p in probs) else None,
         "found_since": len({p.get("found_date") for p in probs if p.get("found_date")}) > 1,
         "source": probs[0].get("source") or "监督检查"}
    _set_new_deadline(store, key, f)
    f.update(facts or {})
    return create_draft(store, key, f, {"problems": [p["id"] for p in probs], "bodies": [body_id]}, body_id,
                        subject=f"{body['name']}问题整改")


def draft_for_visit(store, visit_id: str, key: str = M.YIJIANSHU, facts: dict | None = None) -> dict:
    v = store.get("visits", visit_id)
    if v is None or v.get("deleted"):
        raise UserError("找不到该监督检查记录。")
    body = _body(store, v.get("body_id"))
    probs = store.rows("problems", "source_ref = ? AND coalesce(status,'') != '已销号'", (visit_id,),
                       order_by="problem_no")
    f = {"recipient": body["name"], "found_date": _date(v.get("visit_date")), "method": v.get("method") or "监督检查",
         "source": v.get("method") or "监督检查", "problems": [_problem_facts(p) for p in probs]}
    if not probs and v.get("findings"):
        f["problems"] = [{"description": v["findings"]}]
    _set_new_deadline(store, key, f)
    f.update(facts or {})
    return create_draft(store, key, f, {"visits": [visit_id], "problems": [p["id"] for p in probs],
                                        "bodies": [body["id"]]}, body["id"], subject=f"{body['name']}监督检查")


def draft_for_review_batch(store, batch_id: str, facts: dict | None = None) -> dict:
    """案卷评查情况通报 from a review batch: grade counts per body and the problems found."""
    batch = store.get("review_batches", batch_id)
    if batch is None or batch.get("deleted"):
        raise UserError("找不到该评查批次。")
    rows = Q.review_grade_rows(store, batch_id)
    if not rows:
        raise UserError(f"评查批次“{batch.get('name') or ''}”还没有评查结果。")
    names = store.ref_names("bodies")
    total = {k: sum(int(r[k] or 0) for r in rows) for k in ("cases", "excellent", "good", "passed", "failed")}
    reviews = store.rows("reviews", "batch_id = ?", (batch_id,))
    case_nos = sorted({r["case_no"] for r in reviews if r.get("case_no")})
    probs = []
    if case_nos:
        marks = ",".join("?" * len(case_nos))
        probs = store.rows("problems", f"source = '案卷评查' AND source_ref IN ({marks})", case_nos,
                           order_by="problem_no")
        # a case number is unique only within its body: at the county, another township's 示综执罚〔2024〕1号
        # is not a file of this batch
        files = {(r.get("case_no"), r.get("body_id")) for r in reviews}
        probs = [p for p in probs if (p.get("source_ref"), p.get("body_id")) in files
                 or not p.get("body_id") or (p.get("source_ref"), None) in files]
    excellent = [f"{names.get(r['body_id'], '')}{r['case_no']}案卷" for r in reviews if r.get("grade") == "优秀"]
    review = dict(year=batch.get("year") or _dt.date.today().year, units=len(rows), cases=total["cases"],
                  excellent=total["excellent"], good=total["good"], passed=total["passed"], failed=total["failed"],
                  **Q.review_kind_counts(store, batch_id), method=batch.get("mode") or None,
                  rows=[dict(unit=names.get(r["body_id"], r["body_id"] or ""), cases=r["cases"],
                             excellent=r["excellent"], good=r["good"], passed=r["passed"], failed=r["failed"],
                             avg=r["avg"] if r["avg"] is not None else "") for r in rows],
                  excellent_list=excellent[:10])
    found = [_problem_facts(p) for p in probs[:12]]
    if not found:   # no problem records yet: the reviewers' comments on the files that lost points
        found = [{"description": f"{names.get(r.get('body_id'), '')}{r['case_no']}案卷：{r['comment'].strip()}"}
                 for r in sorted(reviews, key=lambda r: (r.get("score") is None, r.get("score") or 0))
                 if (r.get("comment") or "").strip() and r.get("grade") != "优秀"][:12]
    f = {"review": review, "problems": found,
         "deadline": new_deadline(store, M.TONGBAO)}
    f.update(facts or {})
    return create_draft(store, M.TONGBAO, f, {"review_batches": [batch_id], "problems": [p["id"] for p in probs]},
                        subject=batch.get("name") or "案卷评查通报")


def _overdue(problem: dict, today: _dt.date) -> bool:
    return deadline_state(problem, today) == "overdue"


def draft_dubanhan_for_overdue(store, body_id: str, today: _dt.date | None = None, days: int = 10,
                               problem_ids=None) -> list[dict]:
    """One 督办函 draft for the body listing every overdue problem that has no live 督办函 yet ([] when none;
    a list so callers handle "nothing to do" and "one letter" alike). The earlier 意见书/整改通知单 the letter
    recalls is the latest one issued about those problems; the new time limit is `days` working days from today.
    `problem_ids`: only those of the body's problems (the ones a clerk selected on the 问题整改 page)."""
    today = today or _dt.date.today()
    body = _body(store, body_id)
    chosen, earlier = [], []
    for p in Q.open_problems(store, body_id):
        if problem_ids is not None and p["id"] not in problem_ids:
            continue
        if not _overdue(p, today) or (p.get("status") or "待整改") not in OPEN_PROBLEM_STATES:
            continue
        docs = Q.documents_referencing(store, "problems", p["id"])
        if any(d["doc_type"] == LABEL[M.DUBANHAN] and d["status"] not in (VOID, SUPERSEDED) for d in docs):
            continue
        chosen.append(p)
        earlier += [(d, p) for d in docs if d["doc_type"] in (LABEL[M.YIJIANSHU], LABEL[M.ZHENGGAI])
                    and d["status"] in (ISSUED, SERVED, REPLIED) and d.get("doc_no")]
    if not chosen:
        return []
    cats = sorted({p.get("category") for p in chosen if p.get("category")})
    f = {"recipient": body["name"], "problems": [_problem_facts(p) for p in chosen],
         "found_date": min((_date(p.get("found_date")) for p in chosen if p.get("found_date")), default=None),
         "found_since": len({p.get("found_date") for p in chosen if p.get("found_date")}) > 1,
         "source": (chosen[0].get("source") or "监督检查") if len({p.get("source") for p in chosen}) == 1
         else "行政执法监督",
         "deadline": load_calendar(store).add_workdays(today, days),
         "matter": f"{cats[0]}问题整改事项" if len(cats) == 1 else None,
         "status": ("未收到整改报告" if all(p.get("status") in ("待整改", None, "") for p in chosen)
                    else "整改仍未全部到位")}
    if earlier:
        earlier.sort(key=lambda x: x[0].get("doc_date") or "")
        e, ep = earlier[-1]
        f.update(earlier_doc_no=e["doc_no"], earlier_date=_date(e.get("doc_date")),
                 earlier_deadline=_date(e.get("reply_deadline")) or _date(ep.get("deadline")))
    f = {k: v for k, v in f.items() if v is not None}
    nos = "、".join(p.get("problem_no") or "" for p in chosen if p.get("problem_no"))
    with store.transaction():
        row = create_draft(store, M.DUBANHAN, f, {"problems": [p["id"] for p in chosen], "bodies": [body_id]},
                           body_id, subject=f"督办：{nos}" if nos else f"督办：{body['name']}逾期问题")
    return [row]


def draft_quarterly_notice(store, year: int, quarter: int, facts: dict | None = None,
                           as_of: _dt.date | None = None) -> dict:
    """季度通报 from the county's ranking of its townships for one quarter (store/ranking_queries.township_ranking,
    the numbers of `sifasuo stats --kind ranking --year Y --quarter Q`). Drafted and issued at the county only."""
    from sifasuo_desktop.domain import ranking as rk
    from sifasuo_desktop.store.ranking_queries import township_ranking

    if store.org is None or _is_township(store):
        raise UserError("季度通报由县司法局根据全县乡镇的质效排名起草和签发，司法所不能起草。")
    try:
        year, quarter = int(year), int(quarter)
    except (TypeError, ValueError):
        raise UserError("请指定年份和季度（1–4），如 --year 2026 --quarter 3。") from None
    if not 1 <= quarter <= 4:
        raise UserError(f"季度应为1–4：{quarter}。")
    period, rows, weights = township_ranking(store, year, quarter=quarter, as_of=as_of)
    if not rows:
        raise UserError(f"{year}年第{quarter}季度没有可排名的乡镇（县司法局尚未收到乡镇的数据）。")
    labels = [i.label for i in rk.INDICATORS if weights.get(i.key, 0) > 0]
    f = {"ranking": {"year": year, "quarter": quarter, "indicator_labels": labels, "rows": rows},
         "deadline": new_deadline(store, M.JIDU)}
    f.update(facts or {})
    return create_draft(store, M.JIDU, f, {"ranking": [f"{year}Q{quarter}"]},
                        subject=f"{year}年第{quarter}季度乡镇行政执法质效排名")


# ---------------------------------------------------------------------------- one entry for every type
# what each type is drafted from (the 起草 dialog asks this; the CLI options map onto it)
BODY, VISIT, BATCH, RANKING = "body", "visit", "batch", "ranking"
DRAFT_SOURCES = {
    M.DUBANHAN: (BODY,), M.YIJIANSHU: (BODY, VISIT), M.JIANYISHU: (BODY, VISIT), M.JUEDINGSHU: (BODY, VISIT),
    M.ZHENGGAI: (BODY, VISIT), M.YUETAN: (BODY, VISIT), M.TONGBAO: (BATCH,), M.JIDU: (RANKING,),
}
SOURCE_LABELS = {BODY: "被监督单位的问题", VISIT: "一次监督检查", BATCH: "评查批次", RANKING: "季度质效排名"}

# what a 文秘 types for a type (the ledger label, the label without 监督 / with 书, the full name)
TYPE_WORDS = {"督办函": M.DUBANHAN, "意见书": M.YIJIANSHU, "建议书": M.JIANYISHU, "决定书": M.JUEDINGSHU,
              "整改通知单": M.ZHENGGAI, "整改通知书": M.ZHENGGAI, "约谈通知": M.YUETAN, "约谈通知书": M.YUETAN,
              "评查通报": M.TONGBAO, "案卷评查通报": M.TONGBAO, "案卷评查情况通报": M.TONGBAO,
              "季度通报": M.JIDU, "质效通报": M.JIDU, "季度质效通报": M.JIDU, "质效排名通报": M.JIDU}
TYPE_CHOICES = "督办函、监督意见书、监督建议书、监督决定书、整改通知单、约谈通知书、评查通报、季度通报"


def type_key(text: str) -> str:
    """--type / the dialog's choice -> template key; UserError (Chinese) for anything else."""
    t = (text or "").strip()
    if t in DRAFT_SOURCES:
        return t
    word = t[2:] if t.startswith("监督") else t
    key = TYPE_WORDS.get(t) or TYPE_WORDS.get(word) or M.DOC_TYPE_BY_LABEL.get(t)
    if key is None or key not in DRAFT_SOURCES:
        hint = "（“通报”请写明：评查通报 或 季度通报）" if t == "通报" else ""
        raise UserError(f"不认识的文书类型“{t}”{hint}。可选：{TYPE_CHOICES}。")
    return key


def draft(store, key: str, *, body_id: str | None = None, problem_ids: list[str] | None = None,
          visit_id: str | None = None, batch_id: str | None = None, year: int | None = None,
          quarter: int | None = None, today: _dt.date | None = None) -> dict:
    """Draft a document of type `key` (a template key or what type_key accepts) from what it concerns:
    a body (optionally only `problem_ids`), a visit, a review batch or the ranking of (`year`, `quarter`).
    Returns the new draft row; UserError (Chinese) when the records give nothing to write. Every entry path
    (CLI, the 起草 dialog) calls this. A bare "通报" is the 评查通报 with a batch, the 季度通报 with a quarter."""
    if (key or "").strip() == "通报" and (batch_id or quarter is not None):
        key = M.TONGBAO if batch_id else M.JIDU
    key = type_key(key)
    if key == M.TONGBAO:
        if not batch_id:
            raise UserError("评查通报须指定评查批次（--batch）。")
        return draft_for_review_batch(store, batch_id)
    if key == M.JIDU:
        if year is None or quarter is None:
            raise UserError("季度通报须指定年份和季度（--year Y --quarter Q）。")
        return draft_quarterly_notice(store, year, quarter)
    if visit_id:
        if key == M.DUBANHAN:
            raise UserError("督办函按被监督单位的逾期问题起草，请指定被监督单位（--body）。")
        return draft_for_visit(store, visit_id, key)
    if not body_id:
        raise UserError("请指定被监督单位（--body）或监督检查记录（--visit）。")
    if key == M.DUBANHAN and not problem_ids:
        rows = draft_dubanhan_for_overdue(store, body_id, today)
        if not rows:
            raise UserError("该单位没有需要督办的逾期问题（或已有未作废的督办函）。")
        return rows[0]
    if key == M.YUETAN:
        # 约谈 follows problems left unrectified: say so when every problem it lists is overdue
        probs = [p for p in Q.open_problems(store, body_id) if problem_ids is None or p["id"] in set(problem_ids)]
        day = today or _dt.date.today()
        overdue = bool(probs) and all(_overdue(p, day) for p in probs)
        return draft_for_problems(store, body_id, key, problem_ids, {"overdue": overdue} if overdue else None)
    return draft_for_problems(store, body_id, key, problem_ids)
