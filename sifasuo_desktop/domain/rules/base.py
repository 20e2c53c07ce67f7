"""Finding, rule parameters and the context every rule gets (plain Python, no SQL, no Qt)."""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, fields
from functools import lru_cache
from pathlib import Path

from .. import limits
from ..calendar import WorkCalendar, to_date
from ..severity import RED, SEVERITY_LABELS, YELLOW  # noqa: F401  (re-exported)
from ..validators import normalize_person_name, split_person_names
DEFAULTS_PATH = Path(__file__).resolve().parent.parent.parent / "resources" / "rule_defaults.json"


@dataclass(frozen=True)
class Finding:
    code: str
    severity: str            # 'red' | 'yellow'
    record_type: str         # table name: cases, inspections, officers, bodies, powers, problems, documents
    record_id: str
    ref: str                 # the record's human number (案号, 文号, 问题编号, name...)
    message: str             # one line, Chinese
    due_date: str | None = None
    body: str = ""           # responsible enforcement body (name)
    township: str = ""
    owner_org: str = ""
    title: str = ""          # the rule's title
    handled: bool = False    # issue 12: a leader marked it 已知悉/已纠正/无法纠正 (domain/handling.py)
    handling: str = ""       # "已知悉：理由…", empty when not handled

    def to_dict(self) -> dict:
        return {name: getattr(self, name) for name in _FIELD_NAMES}


_FIELD_NAMES = tuple(f.name for f in fields(Finding))


# ---------------------------------------------------------------------- parameters
_DEFAULTS: dict | None = None


def load_defaults() -> dict:
    """{code: {"title", "params", "labels"}} from resources/rule_defaults.json (read once)."""
    global _DEFAULTS
    if _DEFAULTS is None:
        with open(DEFAULTS_PATH, encoding="utf-8") as fh:
            _DEFAULTS = json.load(fh)["rules"]
    return _DEFAULTS


def rule_titles() -> dict[str, str]:
    return {code: d["title"] for code, d in load_defaults().items()}


def effective_params(stored: dict | None = None) -> dict[str, dict]:
    """Defaults merged with stored settings ({code: {"enabled": bool, param: number}}).

    Unknown codes/keys and values that are not non-negative numbers are ignored (defaults kept), so a
    bad settings value can never stop the checks.
    """
    out: dict[str, dict] = {}
    stored = stored if isinstance(stored, dict) else {}
    for code, d in load_defaults().items():
        p = {"enabled": True, **d["params"]}
        over = stored.get(code)
        if isinstance(over, dict):
            if isinstance(over.get("enabled"), bool):
                p["enabled"] = over["enabled"]
            for k, default in d["params"].items():
                val = over.get(k)
                if isinstance(val, bool) or not isinstance(val, (int, float)) or limits.number_problem(val):
                    continue
                p[k] = type(default)(val) if isinstance(default, int) and float(val).is_integer() else val
        out[code] = p
    return out


def validate_settings(values: dict) -> dict:
    """Check values an admin entered ({code: {key: value}}); return the cleaned dict or raise ValueError."""
    defaults = load_defaults()
    clean: dict[str, dict] = {}
    for code, over in values.items():
        if code not in defaults:
            raise ValueError(f"未知的预警规则“{code}”。")
        d = defaults[code]
        item: dict = {}
        for k, val in over.items():
            if k == "enabled":
                item[k] = bool(val)
                continue
            if k not in d["params"]:
                raise ValueError(f"规则{code}没有参数“{k}”。")
            label = d["labels"].get(k, k)
            if isinstance(val, bool) or not isinstance(val, (int, float)) or limits.number_problem(val):
                raise ValueError(f"{code} {label}：应为不小于0的数字。")
            if k == "from_month" and not 1 <= val <= 12:
                raise ValueError(f"{code} {label}：月份应在1到12之间。")
            lo_hi = (d.get("ranges") or {}).get(k)
            if lo_hi and not lo_hi[0] <= val <= lo_hi[1]:
                raise ValueError(f"{code} {label}：应在{lo_hi[0]}到{lo_hi[1]}之间。")
            if k in (d.get("dates") or ()) and not _yyyymmdd_ok(val):
                raise ValueError(f"{code} {label}：“{int(val) if float(val).is_integer() else val}”不是有效日期，应写成YYYYMMDD（8位数字）。")
            item[k] = int(val) if float(val).is_integer() else float(val)
        clean[code] = item
    return clean


def _yyyymmdd_ok(val) -> bool:
    if not float(val).is_integer():
        return False
    n = int(val)
    try:
        dt.date(n // 10000, n // 100 % 100, n % 100)
    except ValueError:
        return False
    return True


def rule_listing(stored: dict | None = None) -> list[dict]:
    """Every rule with its title, whether it is on and its effective parameters (the `rules list` rows)."""
    eff = effective_params(stored)
    out = []
    for code, d in load_defaults().items():
        p = dict(eff[code])
        enabled = p.pop("enabled", True)
        out.append({"code": code, "title": d["title"], "enabled": enabled, "params": p,
                    "defaults": dict(d["params"]), "labels": dict(d.get("labels") or {})})
    return out


_TRUE = ("true", "1", "yes", "on", "是", "启用", "开")
_FALSE = ("false", "0", "no", "off", "否", "停用", "关")


def parse_assignments(code: str, pairs: list[str]) -> dict:
    """`KEY=VALUE` texts for rule `code` -> {key: value} (numbers, or a bool for `enabled`), validated
    against the rule's defaults. Raises ValueError with a Chinese message."""
    from ..validators import to_halfwidth

    defaults = load_defaults()
    if code not in defaults:
        raise ValueError(f"未知的预警规则“{code}”（可用：{'、'.join(defaults)}）。")
    if not pairs:
        raise ValueError("请给出要修改的参数，如 enabled=false 或 参数名=数值。")
    values: dict = {}
    for pair in pairs:
        key, sep, raw = to_halfwidth(pair).partition("=")
        key, raw = key.strip(), raw.strip()
        if not sep or not key:
            raise ValueError(f"“{pair}”应写成 参数名=数值。")
        if key == "enabled":
            low = raw.lower()
            if low in _TRUE:
                values[key] = True
            elif low in _FALSE:
                values[key] = False
            else:
                raise ValueError(f"enabled 应为 true 或 false：“{raw}”。")
            continue
        if key not in defaults[code]["params"]:
            known = "、".join(["enabled", *defaults[code]["params"]])
            raise ValueError(f"规则{code}没有参数“{key}”（可用：{known}）。")
        try:
            num = float(raw)
        except ValueError:
            raise ValueError(f"{code} {key}：应为数字：“{raw}”。") from None
        if num != num or num in (float("inf"), float("-inf")):
            raise ValueError(f"{code} {key}：应为有限的数字：“{raw}”。")
        values[key] = int(num) if num.is_integer() else num
    return validate_settings({code: values})[code]


def merge_settings(stored: dict | None, code: str, changes: dict) -> dict:
    """The stored "rules" setting with `changes` applied to rule `code` (other rules untouched)."""
    out = {c: dict(v) for c, v in (stored or {}).items() if isinstance(v, dict)} if isinstance(stored, dict) else {}
    out.setdefault(code, {}).update(changes)
    return out


# ---------------------------------------------------------------------- context
NAME_SPLIT = split_person_names


class Context:
    """What the rules share: today, the calendar, bodies and officers indexed once."""

    def __init__(self, data: dict, today: dt.date, calendar: WorkCalendar):
        self.today = today
        self.cal = calendar
        self.bodies = {b["id"]: b for b in data.get("bodies", ())}
        self.officers = {o["id"]: o for o in data.get("officers", ())}
        self.officers_by_name: dict[str, list[dict]] = {}
        for o in data.get("officers", ()):
            if o.get("name"):
                self.officers_by_name.setdefault(normalize_person_name(o["name"]), []).append(o)
        self._ids_cache: dict[str, list[str]] = {}
        self._names_cache: dict[str, list[str]] = {}
        self._count_cache: dict[tuple, int] = {}
        self._resolve_cache: dict[tuple, list] = {}
        self.memo: dict[str, dict] = {}   # a rule's facts per shared object (e.g. per resolve_officers list)
        self.title = rule_titles()

    def body_fields(self, body_id) -> tuple[str, str]:
        b = self.bodies.get(body_id)
        if not b:
            return "", ""
        return b.get("name") or "", b.get("township") or ""

    def finding(self, code, severity, record_type, rec, ref, message, due=None, body_id=None) -> Finding:
        body, township = self.body_fields(body_id if body_id is not None else rec.get("body_id"))
        return Finding(code=code, severity=severity, record_type=record_type, record_id=rec["id"],
                       ref=ref or "", message=message, due_date=due.isoformat() if isinstance(due, dt.date) else due,
                       body=body, township=township, owner_org=rec.get("owner_org") or "",
                       title=self.title.get(code, ""))

    # officers recorded on a case/inspection
    def officer_ids(self, rec) -> list[str]:
        raw = rec.get("officer_ids")
        if not raw:
            return []
        cached = self._ids_cache.get(raw)
        if cached is None:
            try:
                val = json.loads(raw) if isinstance(raw, str) else raw
            except ValueError:
                val = []
            cached = [str(x) for x in val if x] if isinstance(val, list) else []
            self._ids_cache[raw] = cached
        return cached

    def officer_names(self, rec) -> list[str]:
        raw = rec.get("officer_names")
        if not raw:
            return []
        cached = self._names_cache.get(raw)
        if cached is None:
            cached = NAME_SPLIT(raw)
            self._names_cache[raw] = cached
        return cached

    def officer_count(self, rec) -> int:
        key = (rec.get("officer_ids"), rec.get("officer_names"))
        n = self._count_cache.get(key)
        if n is None:
            n = max(len(set(self.officer_ids(rec))), len(set(self.officer_names(rec))))
            self._count_cache[key] = n
        return n

    def resolve_officers(self, rec) -> list[tuple[str, list[dict]]]:
        """[(name, candidate officer records)] for each officer on the record; ids win over names."""
        key = (rec.get("officer_ids"), rec.get("officer_names"), rec.get("body_id"))
        out = self._resolve_cache.get(key)
        if out is None:
            out = self._resolve_cache[key] = self._resolve(rec)
        return out

    def _resolve(self, rec) -> list[tuple[str, list[dict]]]:
        ids = self.officer_ids(rec)
        names = self.officer_names(rec)
        out = []
        if ids:
            for i, oid in enumerate(ids):
                o = self.officers.get(oid)
                if o is not None:
                    out.append((o.get("name") or oid, [o]))
                else:
                    name = names[i] if i < len(names) else oid
                    out.append((name, self.officers_by_name.get(name, [])))
            return out
        for name in names:
            cands = self.officers_by_name.get(name, [])
            same_body = [o for o in cands if o.get("body_id") == rec.get("body_id")]
            out.append((name, same_body or cands))
        return out


@lru_cache(maxsize=1 << 16)
def _cached_date(value) -> dt.date | None:
    return to_date(value)


def date_of(value) -> dt.date | None:
    """ISO text -> date (cached: the same few thousand dates repeat across 100k records)."""
    if value is None or value == "":
        return None
    try:
        return _cached_date(value)
    except TypeError:  # unhashable
        return to_date(value)
