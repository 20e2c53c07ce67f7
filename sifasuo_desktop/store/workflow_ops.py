"""Store-side operations for problems (整改 workflow) and case-file reviews (评查).

Permission checks happen here, not only in the UI: 销号 (and undoing a 销号) needs `close_problem`, loading a
review standard needs `settings`; every write goes through Store.insert/update (audit + change log).
"""
from __future__ import annotations

import datetime as _dt
import json
from pathlib import Path

from sifasuo_desktop.domain import review as rv
from sifasuo_desktop.domain import workflow as wf
from sifasuo_desktop.domain.errors import PermissionDenied, UserError, ValidationError
from sifasuo_desktop.domain.ledgers import LEDGERS, normalize
from sifasuo_desktop.domain.permissions import require
from sifasuo_desktop.domain.validators import parse_date

from .repo import new_id


# ============================================================================ problems
def _prefix(store) -> str:
    try:
        return (store.org.name or "")[:2]
    except Exception:
        return ""


def _require_owner(store, row: dict, what: str) -> None:
    """A record is changed only by the organisation that owns it (sync design: one owner per record)."""
    local = store.meta("org_code")
    if local and row.get("owner_org") and row["owner_org"] != local:
        rows = store.rows("orgs", "code = ?", (row["owner_org"],), limit=1)
        name = (rows[0].get("name") if rows else None) or row["owner_org"]
        raise UserError(f"该{what}由机构“{name}”登记，"
                        f"只能由该机构办理；本机构只能查看。")


def problem_history(store, problem_id: str) -> list[dict]:
    """All steps of a problem (oldest first), each with its `attachments` list."""
    steps = store.rows("problem_steps", "problem_id = ?", (problem_id,), order_by="step_date, created_at")
    if steps:
        ids = [s["id"] for s in steps]
        marks = ",".join("?" * len(ids))
        att: dict[str, list[dict]] = {}
        for a in store.rows("attachments", f"table_name = 'problem_steps' AND record_id IN ({marks})", ids,
                            order_by="created_at"):
            att.setdefault(a["record_id"], []).append(a)
        for s in steps:
            s["attachments"] = att.get(s["id"], [])
    return steps


def create_problem(store, values: dict, person: str | None = None, step_date=None) -> dict:
    """Insert a problem in state 待整改 plus its opening 交办 step. `values` uses problems field names."""
    require(store.actor, "edit")
    vals = normalize(LEDGERS["problems"], dict(values))
    if vals.get("deadline") and vals.get("found_date") and vals["deadline"] < vals["found_date"]:
        raise ValidationError({"整改期限": "不能早于发现日期"})
    vals["status"] = wf.TODO
    vals["closed_date"] = None
    with store.transaction(), store.workflow():
        if not vals.get("problem_no"):
            year = int(vals["found_date"][:4])
            head = f"{_prefix(store)}问〔{year}〕"
            existing = [r[0] for r in store.conn.execute(
                "SELECT problem_no FROM problems WHERE problem_no LIKE ?", (head + "%",))]
            vals["problem_no"] = wf.next_problem_no(_prefix(store), year, existing)
        elif store.count("problems", "problem_no = ?", (vals["problem_no"],)):
            raise ValidationError({"问题编号": f"“{vals['problem_no']}”已存在"})
        prob = store.insert("problems", vals)
        store.insert("problem_steps", {
            "problem_id": prob["id"], "step_date": parse_date(step_date) if step_date else vals["found_date"],
            "action": wf.ASSIGN, "from_status": None, "to_status": wf.TODO,
            "person": (person or store.actor.label), "note": vals.get("requirement")})
    return prob


def create_problem_from(store, source_table: str, source_id: str, values: dict, person: str | None = None) -> dict:
    """Create a problem directly from a supervision visit or a case-file review (its form's button).

    Source, body and found date come from the source record unless given in `values`.
    """
    src = store.get(source_table, source_id)
    if src is None or src.get("deleted"):
        raise UserError("来源记录不存在或已删除。")
    vals = dict(values)
    if source_table == "visits":
        vals.setdefault("source", "案卷评查" if src.get("method") == "案卷评查" else "监督检查")
        vals.setdefault("found_date", src.get("visit_date"))
        vals.setdefault("body_id", src.get("body_id"))
    elif source_table == "reviews":
        vals.setdefault("source", "案卷评查")
        vals.setdefault("found_date", src.get("review_date") or _dt.date.today().isoformat())
        vals.setdefault("body_id", src.get("body_id"))
        vals.setdefault("category", "事实证据" if src.get("grade") == "不合格" else "文书归档")
    elif source_table == "complaints":
        vals.setdefault("source", "12345" if src.get("channel") == "12345" else "投诉举报")
        vals.setdefault("found_date", src.get("received_date"))
        vals.setdefault("body_id", src.get("body_id"))
    else:
        raise UserError(f"不能从“{source_table}”创建问题。")
    vals["source_ref"] = source_id
    vals["source_table"] = source_table
    with store.transaction():
        prob = create_problem(store, vals, person=person)
        if source_table == "complaints" and not src.get("problem_id"):
            store.update("complaints", source_id, {"problem_id": prob["id"]})
    return prob


def problems_from(store, source_table: str, source_id: str) -> list[dict]:
    return store.rows("problems", "source_table = ? AND source_ref = ?", (source_table, source_id),
                      order_by="found_date, problem_no")


def apply_step(store, problem_id: str, action: str, *, step_date, person: str, note: str = "",
               evidence_files=(), verify_method: str | None = None, verifier: str | None = None,
               verify_date=None, verify_result: str | None = None, today: _dt.date | None = None) -> dict:
    """Move a problem one step (see domain.workflow). Returns the updated problem.

    Refuses (PermissionDenied) an actor without the needed right before anything is written; refuses bad input
    (ValidationError/UserError) with the data untouched. Evidence files are copied into the data folder and
    listed on the step.
    """
    problem = store.get("problems", problem_id)
    if problem is None or problem.get("deleted"):
        raise UserError("问题记录不存在或已删除。")
    history = problem_history(store, problem_id)
    require(store.actor, "edit")
    _require_owner(store, problem, "问题")
    require(store.actor, wf.required_permission(action, problem.get("status") or wf.TODO, history))
    files = [Path(f) for f in evidence_files or ()]
    missing = [str(f) for f in files if not f.is_file()]
    if missing:
        raise UserError(f"找不到佐证材料文件：{'、'.join(missing)}")
    plan = wf.plan_step(problem, history, action, step_date=step_date, person=person, note=note,
                        verify_method=verify_method, verifier=verifier, verify_date=verify_date,
                        verify_result=verify_result, today=today)
    require(store.actor, plan.permission)
    step_id = new_id()
    with store.transaction(), store.workflow():
        names = []
        for f in files:
            store.add_attachment("problem_steps", step_id, f, note=f"{plan.action}佐证材料")
            names.append(f.name)
        store.insert("problem_steps", {
            "id": step_id, "problem_id": problem_id, "step_date": plan.step_date, "action": plan.action,
            "from_status": plan.from_status, "to_status": plan.to_status, "person": plan.person,
            "note": plan.note or None, "evidence": json.dumps(names, ensure_ascii=False) if names else None,
            "verify_method": plan.verify_method, "verifier": plan.verifier, "verify_date": plan.verify_date,
            "verify_result": plan.verify_result})
        updated = store.update("problems", problem_id, {"status": plan.to_status, "closed_date": plan.closed_date},
                               expected_version=problem["version"])
    return updated


def add_step_evidence(store, step_id: str, path) -> dict:
    """Attach one more file to an existing step (the step itself is not changed)."""
    require(store.actor, "edit")
    if store.get("problem_steps", step_id) is None:
        raise UserError("整改步骤不存在。")
    return store.add_attachment("problem_steps", step_id, path, note="补充佐证材料")


def attachment_path(store, attachment: dict) -> Path:
    """The file of an attachment row, resolved and contained in attachments/ (issue 11: a package once
    named /usr/bin/xterm or keys/local.secret). Only documents and images; raises UserError otherwise."""
    return store.attachment_file(attachment)


def due_problems(store, today: _dt.date, soon_days: int = wf.DUE_SOON_DAYS) -> dict[str, list[dict]]:
    """Problems not yet 销号 that are overdue or due within `soon_days` days (ZG-01 reading)."""
    limit = (today + _dt.timedelta(days=soon_days)).isoformat()
    rows = store.rows("problems", "status IS NOT ? AND deadline IS NOT NULL AND deadline <= ?", (wf.CLOSED, limit),
                      order_by="deadline")
    out = {"overdue": [], "due_soon": []}
    for r in rows:
        st = wf.deadline_state(r, today, soon_days)
        if st:
            out[st].append(r)
    return out


# ============================================================================ review standards
def _standard_row_to_obj(row: dict) -> rv.Standard:
    return rv.Standard.from_json(row["items"])


def ensure_default_standard(store) -> dict:
    """The shipped default standard as a review_standards row (inserted once)."""
    std = rv.default_standard()
    for row in store.rows("review_standards", "name = ? AND version_label = ?", (std.name, std.version_label)):
        return row
    with store.transaction():
        return store.insert("review_standards", {"name": std.name, "version_label": std.version_label,
                                                 "case_kind": std.case_kind, "items": std.to_json(), "active": 1})


def list_standards(store) -> list[dict]:
    return store.rows("review_standards", order_by="active DESC, created_at")


def get_standard(store, standard_id: str | None) -> tuple[dict, rv.Standard]:
    row = store.get("review_standards", standard_id) if standard_id else None
    if row is None or row.get("deleted"):
        try:
            row = ensure_default_standard(store)
        except PermissionDenied:  # a read-only account looking at a batch: use the shipped standard unsaved
            std = rv.default_standard()
            return {"id": None, "name": std.name, "version_label": std.version_label}, std
    return row, _standard_row_to_obj(row)


def add_standard(store, rows) -> dict:
    """Store a review standard read from a spreadsheet's rows (admin only; xlsx.reports reads the file).
    Nothing is written when the rows are refused."""
    require(store.actor, "settings")
    std = rv.standard_from_rows(rows)
    if store.count("review_standards", "name = ? AND version_label = ?", (std.name, std.version_label)):
        raise UserError(f"评查标准“{std.name}”（{std.version_label}）已存在；请修改版本号后再导入。")
    with store.transaction():
        return store.insert("review_standards", {"name": std.name, "version_label": std.version_label,
                                                 "case_kind": std.case_kind, "items": std.to_json(), "active": 1},
                            action="settings")


# ============================================================================ reviews
def create_batch(store, name: str, year, mode: str | None = None, scope: str | None = None,
                 standard_id: str | None = None) -> dict:
    vals = normalize(LEDGERS["review_batches"], {"name": name, "year": year, "mode": mode, "scope": scope})
    with store.transaction():
        row, _ = get_standard(store, standard_id)
        vals["standard_id"] = row["id"]
        return store.insert("review_batches", vals)


def batch_standard(store, batch_id: str) -> tuple[dict, rv.Standard]:
    batch = store.get("review_batches", batch_id)
    if batch is None or batch.get("deleted"):
        raise UserError("评查批次不存在。")
    return get_standard(store, batch.get("standard_id"))


def save_review(store, batch_id: str, *, case_id: str | None = None, case_no: str | None = None, reviewers,
                veto_hits=(), deductions: dict | None = None, review_date=None, comment: str = "",
                body_id: str | None = None, review_id: str | None = None) -> dict:
    """Score and save one case-file review (insert, or update `review_id`)."""
    require(store.actor, "edit")
    if review_id:
        old = store.get("reviews", review_id)
        if old is None or old.get("deleted"):
            raise UserError("要修改的评查记录不存在。")
        _require_owner(store, old, "评查记录")
    _, std = batch_standard(store, batch_id)
    errors = {}
    try:
        names = rv.check_reviewers(reviewers)
    except ValidationError as exc:
        errors.update(exc.errors)
        names = []
    case = store.get("cases", case_id) if case_id else None
    if case_id and case is None:
        errors["案卷"] = "案件不存在"
    if case is not None:
        case_no = case["case_no"]
        body_id = body_id or case.get("body_id")
    if not (case_no or "").strip():
        errors["案号"] = "必填"
    try:
        day = parse_date(review_date) if review_date else _dt.date.today().isoformat()
    except ValueError as exc:
        errors["评查日期"] = str(exc)
        day = None
    try:
        result = rv.score(std, list(veto_hits or ()), deductions or {})
    except ValidationError as exc:
        errors.update(exc.errors)
        result = None
    if not errors:
        dup = store.rows("reviews", "batch_id = ? AND case_no = ?" + (" AND id != ?" if review_id else ""),
                         (batch_id, case_no.strip(), review_id) if review_id else (batch_id, case_no.strip()))
        if dup:
            errors["案号"] = f"本批次已评查过案卷“{case_no}”"
    if errors:
        raise ValidationError(errors)
    vals = {"batch_id": batch_id, "case_id": case["id"] if case else None, "case_no": case_no.strip(),
            "body_id": body_id, "reviewers": "、".join(names), "review_date": day,
            "veto_hits": json.dumps(result.veto_hits, ensure_ascii=False),
            "deductions": json.dumps(result.deductions, ensure_ascii=False), "score": result.score,
            "grade": result.grade, "comment": (comment or "").strip() or None}
    with store.transaction(), store.workflow():
        if review_id:
            return store.update("reviews", review_id, vals)
        return store.insert("reviews", vals)


def batch_results(store, batch_id: str | None = None) -> dict:
    """Results for one batch (or all reviews): overall summary and one summary per reviewed body."""
    where, params = ("batch_id = ?", (batch_id,)) if batch_id else ("", ())
    reviews = store.rows("reviews", where, params, order_by="review_date, case_no")
    names = store.ref_names("bodies")
    for r in reviews:
        r["body_name"] = names.get(r.get("body_id") or "", "") or "（未填单位）"
    return {"summary": rv.summarize(reviews), "by_body": rv.group_summaries(reviews, "body_name"),
            "reviews": reviews}
