"""Checklist visits (issue 16): the active checklist (the shipped default, or the county's newest version: new
versions go down to every township), a visit's results, and a problem made from a 不符合 item in one step."""
from __future__ import annotations

import json

from sifasuo_desktop.domain import checklist as cl
from sifasuo_desktop.domain.errors import UserError
from sifasuo_desktop.domain.permissions import require


def checklists(store) -> list[dict]:
    return store.rows("checklists", order_by="active DESC, created_at DESC")


DEFAULT_ID = "default-v1"   # the shipped default (never stored: it is the same for every installation)


def default_row() -> dict:
    d = cl.default_checklist()
    return {"id": DEFAULT_ID, "name": d["name"], "version_label": d["version_label"],
            "items": json.dumps(cl.clean_items(d["items"]), ensure_ascii=False), "active": 1}


def active_checklist(store) -> dict:
    """The active checklist: the county's newest active version (stored, synced down), else the shipped default."""
    for row in checklists(store):
        if row.get("active"):
            return row
    return default_row()


def items_of(row: dict | None) -> list[dict]:
    try:
        return cl.clean_items((row or {}).get("items") or "[]")
    except UserError:
        return []


def save_version(store, name: str, version_label: str, items) -> dict:
    """A new checklist version (the county's; older versions stay for the visits that used them)."""
    require(store.actor, "settings")
    if store.meta("role") != "county":
        raise UserError("检查清单由县司法局统一制定和修改。")
    items = cl.clean_items(items)
    name, version_label = (name or "").strip(), (version_label or "").strip()
    if not name or not version_label:
        raise UserError("请填写清单名称和版本。")
    if len(name) > cl.MAX_NAME or len(version_label) > cl.MAX_NAME:
        raise UserError(f"清单名称和版本最多{cl.MAX_NAME}个字。")
    if store.count("checklists") >= cl.MAX_VERSIONS:
        raise UserError(f"检查清单最多保存{cl.MAX_VERSIONS}个版本。")
    if store.count("checklists", "name = ? AND version_label = ?", (name, version_label)):
        raise UserError(f"“{name} {version_label}”已存在，请换一个版本号。")
    with store.transaction():
        for row in checklists(store):
            if row.get("active"):
                store.update("checklists", row["id"], {"active": 0}, action="settings")
        return store.insert("checklists", {"name": name, "version_label": version_label,
                                           "items": json.dumps(items, ensure_ascii=False), "active": 1},
                            action="settings")


def visit_checklist(store, visit: dict) -> tuple[dict, list[dict], dict]:
    """(checklist row, its items, the visit's results): the version the visit used, else the active one."""
    cid = visit.get("checklist_id")
    if cid == DEFAULT_ID:
        return default_row(), items_of(default_row()), cl.parse_results(visit.get("checklist_results"))
    row = store.get("checklists", cid) if cid else None
    if row is None or row.get("deleted"):
        row = active_checklist(store)
    return row, items_of(row), cl.parse_results(visit.get("checklist_results"))


def save_results(store, visit_id: str, results: dict) -> dict:
    """Store the visit's results (and the checklist version they refer to); problems already made stay linked."""
    require(store.actor, "edit")
    visit = store.get("visits", visit_id)
    if visit is None or visit.get("deleted"):
        raise UserError("监督检查记录不存在或已删除。")
    row, items, old = visit_checklist(store, visit)
    clean = cl.clean_results(items, results)
    for code, r in clean.items():
        if not r.get("problem_id") and old.get(code, {}).get("problem_id"):
            r["problem_id"] = old[code]["problem_id"]
    counts = cl.summary(clean)
    values = {"checklist_id": row["id"], "checklist_results": json.dumps(clean, ensure_ascii=False)}
    if not visit.get("findings") or visit.get("findings", "").startswith("清单检查："):
        values["findings"] = (f"清单检查：符合{counts[cl.CONFORM]}项，不符合{counts[cl.NONCONFORM]}项，"
                              f"不适用{counts[cl.NOT_APPLICABLE]}项")
    return store.update("visits", visit_id, values)


def problem_from_item(store, visit_id: str, code: str, deadline: str | None = None) -> dict:
    """One click: the 不符合 item `code` of the visit becomes a problem (来源 监督检查, the visit's body and date,
    the item and its note as the description); the result remembers the problem. Twice gives the same problem."""
    from sifasuo_desktop.store import workflow_ops as ops

    visit = store.get("visits", visit_id)
    if visit is None or visit.get("deleted"):
        raise UserError("监督检查记录不存在或已删除。")
    _row, items, results = visit_checklist(store, visit)
    item = next((i for i in items if i["code"] == code), None)
    r = results.get(code)
    if item is None or r is None or r["result"] != cl.NONCONFORM:
        raise UserError("只有结果为“不符合”并已保存的检查项目才能登记为问题。")
    if r.get("problem_id"):
        prob = store.get("problems", r["problem_id"])
        if prob is not None and not prob.get("deleted"):
            return prob
    with store.transaction():
        prob = ops.create_problem_from(store, "visits", visit_id, {
            "description": cl.problem_text(item, r["note"]), "category": _category(code),
            "deadline": deadline, "basis": f"监督检查清单 {code}"})
        results[code]["problem_id"] = prob["id"]
        linked = sum(1 for x in results.values() if x.get("problem_id"))
        store.update("visits", visit_id, {"checklist_results": json.dumps(results, ensure_ascii=False),
                                          "problem_count": max(int(visit.get("problem_count") or 0), linked)})
    return prob


_CATEGORY = {"ZT": "主体", "RY": "执法证件", "ZD": "三项制度", "XW": "其他", "AJ": "文书归档", "JD": "其他",
             "TJ": "其他", "ZG": "其他"}


def _category(code: str) -> str | None:
    if code.startswith("XW-03"):
        return "涉企检查"
    if code.startswith("ZD-04"):
        return "裁量"
    return _CATEGORY.get(code[:2])
