"""DQ-01 数据异常: a record whose own date or amount is out of range (rules.md, "Bad data never stops
the check"). The scan runs before every other rule; the bad fields are blanked in the copy the rules
see, so 9999-12-31 or inf can never crash date arithmetic or stop the rules for other records."""
from __future__ import annotations

import re
from functools import lru_cache

from ..ledgers import DATE, FLOAT, INT, LEDGERS, MONEY
from ..limits import date_problem, number_problem
from ..validators import normalize_number
from .base import YELLOW, Context

CODE = "DQ-01"
_CHECKED = {DATE: "date", MONEY: "number", FLOAT: "number", INT: "integer"}


@lru_cache(maxsize=None)
def _fields(table: str):
    ledger = LEDGERS.get(table)
    if ledger is None:
        return ()
    return tuple((f.name, f.label, _CHECKED[f.kind]) for f in ledger.fields if f.kind in _CHECKED)


_SEEN: dict = {}      # (kind, value) -> _value_problem: the same dates and amounts recur in every chunk


def _known_problem(kind: str, value) -> str | None:
    """_value_problem, remembered (never called with a bool: True == 1 would share 1's entry)."""
    key = (kind, value)
    try:
        return _SEEN[key]
    except KeyError:
        pass
    why = _value_problem(kind, value)
    if len(_SEEN) > 200_000:
        _SEEN.clear()
    if value == value:     # not NaN (a NaN key could never be found again)
        _SEEN[key] = why
    return why


def _value_problem(kind: str, value) -> str | None:
    """Why one stored value of a checked field is out of range (None = fine)."""
    if kind == "date":
        return date_problem(value) or (None if isinstance(value, str) and len(value) == 10 else
                                       f"日期“{str(value)[:40]}”格式不正确")
    return number_problem(value, integer=kind == "integer")


def field_problems(table: str, rec: dict) -> list[tuple[str, str, str]]:
    """[(field, label, reason)] for the out-of-range dates/amounts of one stored record."""
    out = []
    for name, label, kind in _fields(table):
        value = rec.get(name)
        if value is None or value == "":
            continue
        why = _value_problem(kind, value)
        if why:
            out.append((name, label, why))
    return out


def scan(data: dict) -> tuple[dict, list[tuple[str, dict, list]]]:
    """(data with bad fields blanked, [(table, original record, problems)]).

    A table without a bad value is passed on as it is (no copy); its values are checked once per distinct
    value and column (a county's 787,400 cases hold about a thousand distinct dates)."""
    clean: dict = {}
    bad: list = []
    for table, rows in data.items():
        if table not in LEDGERS or not isinstance(rows, (list, tuple)):
            clean[table] = rows
            continue
        suspects = _bad_values(table, rows)
        if suspects is not None and not suspects:
            clean[table] = rows
            continue
        picked = tuple(suspects.items()) if suspects else None
        out_rows = []
        for rec in rows:
            if picked is not None and not any(rec.get(name) in wrong for name, wrong in picked):
                out_rows.append(rec)
                continue
            probs = field_problems(table, rec) if isinstance(rec, dict) else []
            if probs:
                bad.append((table, rec, probs))
                rec = dict(rec, **{name: None for name, _l, _w in probs})
            out_rows.append(rec)
        clean[table] = out_rows
    return clean, bad


def _bad_values(table: str, rows) -> dict | None:
    """{field: its bad values} of the fields holding one (empty: the table is clean); None when the values
    cannot be checked column by column (a record that is no dict, an unhashable value, or a column mixing
    bools with numbers, which compare equal) and every record must be checked on its own."""
    out: dict = {}
    try:
        for name, _label, kind in _fields(table):
            values = {rec.get(name) for rec in rows}
            values.discard(None)
            values.discard("")
            if not values:
                continue
            if kind != "date" and (0 in values or 1 in values) and bool in {type(rec.get(name)) for rec in rows}:
                return None
            wrong = {v for v in values if _known_problem(kind, v)}
            if wrong:
                out[name] = wrong
    except (AttributeError, TypeError):
        return None
    return out


def ref_of(table: str, rec: dict) -> str:
    ledger = LEDGERS.get(table)
    for name in (ledger.number_field if ledger else None, ledger.display_field if ledger else None, "name",
                 "target_name", "officer_name", "title"):
        if name and rec.get(name):
            return str(rec[name])
    return str(rec.get("id", ""))


def findings(ctx: Context, bad):
    for table, rec, probs in bad:
        text = "；".join(f"{label}：{why}" for _n, label, why in probs)
        rec = rec if rec.get("id") else dict(rec, id="")
        yield ctx.finding(CODE, YELLOW, table, rec, ref_of(table, rec),
                          f"数据异常，{text}；其他规则检查该记录时忽略此字段，请更正")


def rule_failed(ctx: Context, code: str, exc: BaseException):
    """A rule that still failed (a value no scan foresaw): one DQ-01 finding names the rule; the others ran."""
    rec = {"id": f"rule:{code}", "owner_org": ""}
    return ctx.finding(CODE, YELLOW, "rules", rec, code,
                       f"规则{code}（{ctx.title.get(code, '')}）因数据异常未能完成检查（{type(exc).__name__}），"
                       "其他规则不受影响；请检查该规则涉及记录中的日期和金额")


# ---------------------------------------------------------------------- DQ-02 重复编号
DQ02 = "DQ-02"


# what normalize_number may change: full-width forms, whitespace, a year's other brackets, 第, a leading zero
# after 〕, digits that are not ASCII. A number with none of these is its own normal form.
_MAY_NORMALIZE = re.compile(r"[\s０-９Ａ-Ｚ\u3000－．／\[［【(（\]］】)）第]|〕0|(?![0-9])\d")


def _normal_number(value):
    """normalize_number(value), without its work for a number already in normal form (nearly all)."""
    if isinstance(value, str) and value and not _MAY_NORMALIZE.search(value):
        return value
    return normalize_number(value)


DQ02_FIELDS = ("id", "owner_org", "body_id", "case_no")


def dq02_unnormal_cases(cases) -> list[dict]:
    """Cases whose 案号 is not in normal form (their DQ-02 fields only): the streamed check keeps these, the store
    adds the cases numbered as their normal forms and those sharing a number as stored (dq02_numbers)."""
    out = []
    for c in cases:
        no = c.get("case_no")
        if no and (not isinstance(no, str) or _MAY_NORMALIZE.search(no)):
            out.append({k: c.get(k) for k in DQ02_FIELDS})
    return out


def dq02_numbers(unnormal) -> list:
    """The normal forms of `unnormal`'s numbers (the stored numbers their cases may share)."""
    return sorted({n for n in (normalize_number(c.get("case_no")) for c in unnormal) if isinstance(n, str) and n})


def _groups(rows, key):
    """Records sharing a key, groups of two or more, in the order their keys first appear."""
    first: dict = {}
    groups: dict = {}
    for rec in rows or ():
        if not isinstance(rec, dict):
            continue
        k = key(rec)
        if k is None:
            continue
        seen = first.setdefault(k, rec)
        if seen is not rec:
            group = groups.get(k)
            if group is None:
                groups[k] = [seen, rec]
            else:
                group.append(rec)
    order = {k: i for i, k in enumerate(first) if k in groups} if len(groups) > 1 else {}
    return [groups[k] for k in sorted(groups, key=order.__getitem__)] if order else list(groups.values())


def dq02(ctx: Context, data, params):
    """Numbers that mean two records: a 案号 shared by cases of one body (stored before numbers were
    normalised and duplicates refused), a 文号 shared by documents anywhere in the county (two townships
    numbering under one 代字, or a package that brought a number the county already had)."""
    def case_key(rec):
        no = _normal_number(rec.get("case_no"))
        return (rec.get("owner_org") or "", rec.get("body_id") or "", no) if no else None

    for group in _groups(data.get("cases"), case_key):
        no = group[0]["case_no"]
        for rec in group:
            yield ctx.finding(DQ02, YELLOW, "cases", rec, normalize_number(rec.get("case_no")),
                              f"重复编号：同一执法主体有{len(group)}件案件的案号为“{normalize_number(no)}”，"
                              "请核对后合并或更正案号")

    def doc_key(rec):
        no = _normal_number(rec.get("doc_no"))
        return no or None

    for group in _groups(data.get("documents"), doc_key):
        no = normalize_number(group[0]["doc_no"])
        for rec in group:
            yield ctx.finding(DQ02, YELLOW, "documents", rec, no,
                              f"重复编号：全县有{len(group)}份文书的文号为“{no}”（文号须全县唯一），"
                              "请核对发文机关和机关代字，更正后以新文号制发")
