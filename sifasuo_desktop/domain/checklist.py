"""Checklist visits (issue 16): a 监督检查 carried out against a versioned checklist (default: reference.md §1.4,
editable by the county as data). Plain Python: the items, the results and their validation.

results: {item code: {"result": 符合|不符合|不适用, "note": text, "problem_id": id of the problem made from it}}
"""
from __future__ import annotations

import json
from pathlib import Path

from .errors import UserError

CONFORM, NONCONFORM, NOT_APPLICABLE = "符合", "不符合", "不适用"
RESULTS = (CONFORM, NONCONFORM, NOT_APPLICABLE)
DEFAULT_PATH = Path(__file__).resolve().parent.parent / "resources" / "checklists" / "visit_default.json"
MAX_ITEMS = 200


def default_checklist() -> dict:
    with open(DEFAULT_PATH, encoding="utf-8") as fh:
        return json.load(fh)


ITEM_KEYS = ("code", "item", "evidence")
MAX_CODE, MAX_TEXT = 20, 200
MAX_NAME = 100
MAX_VERSIONS = 500      # checklist versions a county keeps (and a package may carry)


def clean_items(items, strict: bool = False) -> list[dict]:
    """Validate a checklist's items ([{code, item, evidence}]); codes unique. UserError in Chinese.

    strict (a synced package, i.e. hostile input): an unknown field, a non-text value or an over-long text
    refuses the list instead of being dropped or shortened."""
    if isinstance(items, str):
        try:
            items = json.loads(items)
        except ValueError:
            raise UserError("检查清单格式不正确。") from None
    if not isinstance(items, list) or not items:
        raise UserError("检查清单至少应有一个检查项目。")
    if len(items) > MAX_ITEMS:
        raise UserError(f"检查清单最多{MAX_ITEMS}项。")
    out, seen = [], set()
    for n, it in enumerate(items, 1):
        if not isinstance(it, dict):
            raise UserError(f"第{n}项格式不正确。")
        if strict:
            extra = [str(k)[:20] for k in it if k not in ITEM_KEYS]
            if extra:
                raise UserError(f"第{n}项含有未知字段“{'、'.join(extra)}”。")
            for k in ITEM_KEYS:
                v = it.get(k)
                limit = MAX_CODE if k == "code" else MAX_TEXT
                if v is not None and (not isinstance(v, str) or len(v) > limit):
                    raise UserError(f"第{n}项的“{k}”不是{limit}字以内的文本。")
        code = str(it.get("code") or "").strip()
        text = str(it.get("item") or "").strip()
        if not code or not text:
            raise UserError(f"第{n}项缺少编号或检查内容。")
        if len(code) > MAX_CODE:
            raise UserError(f"第{n}项的编号“{code[:30]}”超过{MAX_CODE}个字。")
        if code in seen:
            raise UserError(f"检查项目编号“{code}”重复。")
        seen.add(code)
        out.append({"code": code, "item": text[:MAX_TEXT], "evidence": str(it.get("evidence") or "").strip()[:MAX_TEXT]})
    return out


def check_row(row: dict) -> None:
    """A checklist version as it arrives in a sync package (hostile input): UserError unless its name, version
    and items are what save_version would have stored."""
    if row.get("deleted"):
        return
    for key, label in (("name", "清单名称"), ("version_label", "版本")):
        v = row.get(key)
        if not isinstance(v, str) or not v.strip() or len(v) > MAX_NAME:
            raise UserError(f"{label}应为{MAX_NAME}字以内的文本。")
    if row.get("active") not in (None, 0, 1):
        raise UserError("“启用”应为0或1。")
    clean_items(row.get("items"), strict=True)


def parse_results(raw) -> dict[str, dict]:
    """Stored results (JSON text or dict) → {code: {"result", "note", "problem_id"}}; broken values → {}."""
    if isinstance(raw, str):
        try:
            raw = json.loads(raw) if raw.strip() else {}
        except ValueError:
            return {}
    if not isinstance(raw, dict):
        return {}
    out = {}
    for code, r in raw.items():
        if isinstance(r, dict) and r.get("result") in RESULTS:
            out[str(code)] = {"result": r["result"], "note": str(r.get("note") or "")[:500],
                              "problem_id": r.get("problem_id") or None}
    return out


def clean_results(items: list[dict], results: dict) -> dict[str, dict]:
    """Results entered for `items`: only the checklist's codes and the three results; a 不符合 needs a note."""
    codes = {i["code"]: i for i in items}
    out = {}
    for code, r in results.items():
        if code not in codes:
            raise UserError(f"检查项目“{code}”不在该检查清单中。")
        res = (r or {}).get("result")
        if res in (None, ""):
            continue
        if res not in RESULTS:
            raise UserError(f"{code}：结果应为{'、'.join(RESULTS)}。")
        note = str(r.get("note") or "").strip()
        if res == NONCONFORM and not note:
            raise UserError(f"{code} {codes[code]['item']}：不符合的项目请写明情况。")
        out[code] = {"result": res, "note": note[:500], "problem_id": r.get("problem_id") or None}
    return out


def summary(results: dict) -> dict[str, int]:
    out = {k: 0 for k in RESULTS}
    for r in results.values():
        out[r["result"]] = out.get(r["result"], 0) + 1
    return out


def problem_text(item: dict, note: str) -> str:
    return f"【{item['code']} {item['item']}】不符合：{note}"
