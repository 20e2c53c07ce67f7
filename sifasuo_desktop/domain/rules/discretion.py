"""包容审慎 and discretion (issue 15): 首违不罚 for a repeat offender (CF-01), a 清单 item penalised anyway (CF-02),
a fine outside its 行政裁量权基准 range (CF-03). Contract: shared/domain/rules.md."""
from __future__ import annotations

import re

from ..calendar import add_months
from ..validators import split_names, to_halfwidth
from .base import RED, YELLOW, Context, date_of

VOID_CASE = frozenset(("已撤销",))
NO_PENALTY_LISTS = ("不予处罚", "首违不罚")
INACTIVE_ITEM = frozenset(("停用", "废止"))


# what _key may change: full-width forms, whitespace, full-width brackets (a text with none is its own key)
_MAY_CHANGE = re.compile(r"[\s０-９Ａ-Ｚ\u3000－．／（）]")


def _key(text) -> str:
    """Codes and names compared after trimming, half-width, no inner spaces, ASCII brackets."""
    if text is None:
        return ""
    if isinstance(text, str) and not _MAY_CHANGE.search(text):
        return text
    out = to_halfwidth(str(text)).strip().replace("（", "(").replace("）", ")")
    return "".join(out.split())


def _party(c: dict) -> tuple[str, str]:
    return _key(c.get("party_code") or c.get("party_id_number")).upper(), _key(c.get("party"))


def _same_party(a: dict, b: dict) -> bool:
    """Both codes known: the codes decide; otherwise the 当事人 names (a party known by name only)."""
    (ca, na), (cb, nb) = _party(a), _party(b)
    if ca and cb:
        return ca == cb
    return bool(na) and na == nb


def _same_violation(a: dict, b: dict) -> bool:
    if a.get("power_id") and a.get("power_id") == b.get("power_id"):
        return True
    ka, kb = _key(a.get("cause")), _key(b.get("cause"))
    return bool(ka) and ka == kb


def _decided(cases) -> list[dict]:
    return [c for c in cases if c.get("status") not in VOID_CASE and date_of(c.get("decision_date"))]


def _party_keys(c: dict) -> set[str]:
    code, name = _party(c)
    return {f"c:{code}" if code else "", f"n:{name}" if name else ""} - {""}


def cf01_targets(candidates) -> tuple[dict[str, list[dict]], dict[str, list[dict]]]:
    """({party code key: its cases}, {party name key: its cases}) of the cases in `candidates` whose 处理结果 is
    首违不罚 (a superset of candidates is fine: the store passes every case whose 处理结果 contains the words, as
    stored, before DQ-01 blanks a bad date)."""
    codes: dict[str, list[dict]] = {}
    names: dict[str, list[dict]] = {}
    for c in candidates:
        if (c.get("outcome") or "").strip() == "首违不罚":
            code, name = _party(c)
            if code:
                codes.setdefault(code, []).append(c)
            if name:
                names.setdefault(name, []).append(c)
    return codes, names


CF01_FIELDS = ("id", "owner_org", "case_no", "body_id", "status", "decision_date", "outcome", "party_code",
               "party_id_number", "party", "power_id", "cause")
_FAILURES = (ValueError, TypeError, OverflowError, KeyError, AttributeError, ArithmeticError)


def _may_be_earlier(o: dict, t: dict, months: int) -> bool:
    """Whether cf01 could count case `o` as an earlier case of the 首违不罚 case `t` (True when unsure)."""
    try:
        decided = date_of(t.get("decision_date"))
        if decided is None or o.get("id") == t.get("id"):
            return False
        day = date_of(o.get("decision_date"))
        return (day is not None and add_months(decided, -months) <= day < decided and _same_party(t, o)
                and _same_violation(t, o))
    except _FAILURES:
        return True


def cf01_pool(cases, targets: tuple[dict, dict], months: int) -> list[dict]:
    """The cases of `cases` cf01 can look at (the 首违不罚 cases of `targets`, cf01_targets of all cases, and the cases
    that may be an earlier case of one of them), with the fields it reads: run cf01 over the pools of all chunks
    of the cases and it finds what it finds over all of them."""
    codes, names = targets
    if not codes and not names:
        return []
    out = []
    for c in _decided(cases):      # every decided case goes by here: its two party keys looked up directly
        code = c.get("party_code") or c.get("party_id_number")
        code = code if type(code) is str and code.isascii() and code.isalnum() and code.isupper() else _key(code).upper()
        name = _key(c.get("party"))
        hits = [*codes.get(code, ()), *names.get(name, ())]
        if not hits:
            continue
        if (c.get("outcome") or "").strip() == "首违不罚" or any(_may_be_earlier(c, t, months) for t in hits):
            out.append({k: c.get(k) for k in CF01_FIELDS})
    return out


def cf01(ctx: Context, data: dict, p: dict):
    """首违不罚适用不当 (red). A case with 处理结果 首违不罚 and a 决定日期 D whose party (统一社会信用代码; the 当事人
    name when either case has no code) has another case of the same 违法行为 (same linked 赋权事项, or the same
    案由 after trimming) decided within the `months` before D: on or after D − `months` (the start date counts,
    like every "within N" period read backwards) and before D (a same-day decision is not an earlier one).
    Cases marked 已撤销 are ignored on both sides."""
    months = int(p["months"])
    cases = _decided(data.get("cases", ()))
    targets = [c for c in cases if (c.get("outcome") or "").strip() == "首违不罚"]
    if not targets:
        return
    wanted: set[str] = set()     # the parties of the 首违不罚 cases: only their other cases are looked up
    for c in targets:
        code, name = _party(c)
        wanted.update(k for k in (f"c:{code}" if code else "", f"n:{name}" if name else "") if k)
    by_party: dict[str, list[dict]] = {}
    for c in cases:
        for k in _party_keys(c) & wanted:
            by_party.setdefault(k, []).append(c)
    for c in targets:
        decided = date_of(c["decision_date"])
        start = add_months(decided, -months)
        code, name = _party(c)
        pool = {id(o): o for k in (f"c:{code}" if code else "", f"n:{name}" if name else "") if k
                for o in by_party.get(k, ())}
        earlier = [o for o in pool.values() if o["id"] != c["id"] and _same_party(c, o) and _same_violation(c, o)
                   and start <= date_of(o["decision_date"]) < decided]
        if earlier:
            first = min(earlier, key=lambda o: (o["decision_date"], o.get("case_no") or ""))
            more = f"等{len(earlier)}件" if len(earlier) > 1 else ""
            yield ctx.finding("CF-01", RED, "cases", c, c.get("case_no"),
                              f"当事人“{c.get('party') or code}”{months}个月内已因同一违法行为被处理"
                              f"（{first.get('case_no') or '无案号'}，{first['decision_date'][:10]}决定{more}），"
                              "不应适用首违不罚")


def _list_index(items) -> dict[str, list[dict]]:
    idx: dict[str, list[dict]] = {}
    for it in items:
        if (it.get("status") or "有效") in INACTIVE_ITEM:
            continue
        for k in {_key(it.get("code")), _key(it.get("violation"))} - {""}:
            idx.setdefault(k, []).append(it)
    return idx


def _penalised(c: dict) -> list[str]:
    what = []
    fine = _amount(c.get("fine_amount"))
    if fine is not None and fine > 0:
        what.append(f"罚款{fine:g}元")
    for k in split_names(c.get("penalty_kinds") or ""):
        if k and not (k == "罚款" and what):
            what.append(k)
    return what


def cf02(ctx: Context, data: dict, p: dict):
    """清单内轻微违法仍予处罚 (yellow, for the supervisor to check). A case whose 适用清单事项 names (by 事项编码 or
    违法行为, trimmed) an item of a 不予处罚 or 首违不罚 list, yet whose 处理结果 is 给予处罚 with a 罚款金额 above 0 or
    another 处罚种类. Items marked 停用/废止 are no longer on the list; a blank 处理结果 is "not recorded" and
    does not fire."""
    idx = _list_index(data.get("leniency_items", ()))
    if not idx:
        return
    for c in data.get("cases", ()):
        if c.get("status") in VOID_CASE or (c.get("outcome") or "").strip() != "给予处罚":
            continue
        key = _key(c.get("list_item"))
        if not key:
            continue
        items = [it for it in idx.get(key, ()) if it.get("list_type") in NO_PENALTY_LISTS]
        what = _penalised(c)
        if not items or not what:
            continue
        it = items[0]
        label = it.get("code") or it.get("violation")
        yield ctx.finding("CF-02", YELLOW, "cases", c, c.get("case_no"),
                          f"适用{it['list_type']}清单事项“{label}”，但仍予处罚（{'、'.join(what)}），请核查")


def _amount(v):
    if v is None or v == "":
        return None
    try:
        return float(v)
    except (TypeError, ValueError):
        return None


def cf03(ctx: Context, data: dict, p: dict):
    """罚款超出裁量基准. A case with a 裁量基准编码 and a 裁量阶次 and a recorded 罚款金额: red when the fine lies
    outside [罚款下限, 罚款上限] of that code's 阶次 in the 行政裁量权基准 ledger (the bounds themselves are inside;
    a blank bound is open); yellow when the code, or the 阶次 under that code, names nothing in the ledger. When a
    code/阶次 has several rows (a county row and a township's local one), the case's own organisation's rows are
    used if it has any; the fine is inside when it is inside one of them. A blank 罚款金额 is not checked."""
    rows: dict[str, list[dict]] = {}
    for s in data.get("discretion_standards", ()):
        k = _key(s.get("code")).upper()
        if k:
            rows.setdefault(k, []).append(s)
    # (raw code, raw 阶次, organisation) -> what the ledger says for them; the same few recur on every case
    # (kept in the context across the chunks of a streamed check: the ledger is the same for all of them)
    seen = ctx.memo.setdefault("CF-03", {})

    def lookup(raw_code, raw_level, org):
        code, level = _key(raw_code).upper(), (raw_level or "").strip()
        if not code or not level:
            return None
        under = rows.get(code, [])
        if not under:
            return "none", level, None
        match = [s for s in under if (s.get("level") or "").strip() == level]
        if not match:
            return "level", level, "、".join(sorted({s.get("level") or "" for s in under} - {""})) or "无"
        own = [s for s in match if s.get("owner_org") and s.get("owner_org") == org]
        return "range", level, own or match

    for c in data.get("cases", ()):
        key = (c.get("discretion_code"), c.get("discretion_level"), c.get("owner_org"))
        try:
            got = seen[key]
        except KeyError:
            got = seen[key] = lookup(*key)
        except TypeError:   # unhashable
            got = lookup(*key)
        if got is None or c.get("status") in VOID_CASE:
            continue
        fine = _amount(c.get("fine_amount"))
        if fine is None:
            continue
        kind, level, match = got
        if kind == "none":
            yield ctx.finding("CF-03", YELLOW, "cases", c, c.get("case_no"),
                              f"裁量基准编码“{c.get('discretion_code')}”在行政裁量权基准台账中不存在")
            continue
        if kind == "level":
            yield ctx.finding("CF-03", YELLOW, "cases", c, c.get("case_no"),
                              f"裁量基准“{c.get('discretion_code')}”没有“{level}”阶次（有：{match}）")
            continue
        if any(_inside(fine, s) for s in match):
            continue
        s = match[0]
        yield ctx.finding("CF-03", RED, "cases", c, c.get("case_no"),
                          f"罚款{fine:g}元超出裁量基准“{c.get('discretion_code')}”{level}阶次的范围"
                          f"（{range_text(s.get('fine_min'), s.get('fine_max'))}）")


def _inside(fine: float, s: dict) -> bool:
    lo, hi = _amount(s.get("fine_min")), _amount(s.get("fine_max"))
    return (lo is None or fine >= lo - 0.005) and (hi is None or fine <= hi + 0.005)


def range_text(lo, hi) -> str:
    """'500–2000元' / '不低于500元' / '不超过2000元' / '不限' (shared by the rule message and the case form)."""
    lo, hi = _amount(lo), _amount(hi)
    if lo is not None and hi is not None:
        return f"{lo:g}–{hi:g}元"
    if lo is not None:
        return f"不低于{lo:g}元"
    if hi is not None:
        return f"不超过{hi:g}元"
    return "不限"


def fine_inside(fine, standard: dict) -> bool:
    """Whether `fine` (yuan) lies inside a 基准 row's [罚款下限, 罚款上限] (the case form's instant warning)."""
    value = _amount(fine)
    return value is None or _inside(value, standard)
