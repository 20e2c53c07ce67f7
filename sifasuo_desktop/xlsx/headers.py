"""Find the header row of a sheet and map its columns to ledger fields.

Labels and synonyms come from domain/ledgers.py (the one place for them). Header text is compared after
normalisation: full-width → half-width, no spaces/line breaks, Chinese brackets → ASCII, required-markers
(*, ★) and trailing colons removed; a unit or note in brackets ("罚款金额（元）", "检查对象（企业名称）") is
tried both with and without the bracket part.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from sifasuo_desktop.domain.ledgers import JSON, LEDGERS, MONEY, NAV_ORDER, Ledger
from sifasuo_desktop.domain.validators import to_halfwidth

SCAN_ROWS = 30
IGNORED_HEADERS = {"序号", "序", "no", "no.", "顺序号"}
_BRACKET = re.compile(r"\(([^()]*)\)")
# ledgers offered for import (support tables and JSON-heavy ledgers are edited in the app only)
IMPORTABLE = tuple(k for k in NAV_ORDER if k not in ("reviews", "exam_batches", "exam_scores"))
# words in a sheet name or title row that hint at a ledger (tie-breaks between equally scored ledgers)
LEDGER_HINTS = {
    "officers": ("执法人员", "执法证", "人员"), "cert_events": ("证件履历", "证件事件", "审验", "年审"),
    "trainings": ("培训",), "powers": ("赋权", "事项", "职权"),
    "cases": ("案件", "处罚", "执法决定"), "inspections": ("检查",), "problems": ("问题", "整改"),
    "visits": ("监督检查",), "documents": ("文书",), "complaints": ("投诉", "举报", "线索"),
    "plan_tasks": ("三年行动", "任务"), "supervisors": ("监督员",), "bodies": ("执法主体", "主体"),
    "leniency_items": ("包容审慎", "免罚", "不予处罚", "首违不罚", "清单"), "discretion_standards": ("裁量", "基准"),
}
LEDGER_HINTS.update({   # issue 16
    "supervision_plans": ("监督计划", "年度监督"), "satisfaction_surveys": ("满意度", "满意率"),
    "power_evaluations": ("评估",),
})
LEDGER_HINTS.update({   # issue 13
    "inspection_items": ("检查事项目录", "事项目录", "检查事项清单"), "inspection_plans": ("检查计划", "涉企检查计划"),
    "inspections": ("检查", "扫码", "入企"),
})
# the name a sheet or its title row gives a ledger: when several ledgers share the headers found (姓名/身份证号/
# 工作单位 are both 执法人员 and 行政执法监督员), a title naming a ledger outweighs TITLE_BONUS matched columns
TITLE_NAMES = {
    "supervisors": ("行政执法监督员", "执法监督员", "监督员"), "officers": ("执法人员",),
    "plan_tasks": ("三年行动", "行动任务"), "complaints": ("投诉举报", "12345", "问题线索"),
    "supervision_plans": ("监督计划",), "satisfaction_surveys": ("满意度调查",),
    "power_evaluations": ("赋权事项评估", "事项评估"), "trainings": ("培训记录", "培训台账"),
    "inspection_items": ("行政检查事项目录", "检查事项目录", "检查事项清单"), "inspection_plans": ("涉企检查计划", "检查计划"),
}
TITLE_BONUS = 2


def _title_bonus(ledger_key: str, sheet_name: str, rows, upto: int) -> int:
    """TITLE_BONUS when the sheet name or a title row above the header names the ledger (the longest name
    found wins: 行政执法监督员 names supervisors, not officers)."""
    text = sheet_name + "".join(str(v) for r in rows[:upto] for v in r if isinstance(v, str))
    best_len, best_key = 0, None
    for key, names in TITLE_NAMES.items():
        for n in names:
            if n in text and len(n) > best_len:
                best_len, best_key = len(n), key
    return TITLE_BONUS if best_key == ledger_key else 0


def norm_header(value) -> str:
    if value is None:
        return ""
    text = to_halfwidth(str(value))
    text = text.replace("（", "(").replace("）", ")").replace("【", "(").replace("】", ")")
    text = re.sub(r"\s+", "", text)
    text = text.strip("*★※:：")
    return text


def _variants(text: str) -> list[str]:
    out = [text]
    stripped = _BRACKET.sub("", text)
    if stripped and stripped != text:
        out.append(stripped)
    for inner in _BRACKET.findall(text):
        if inner:
            out.append(inner)
    return out


_INDEX: dict[str, dict[str, str]] = {}


def field_index(ledger: Ledger) -> dict[str, str]:
    """normalised header text → field name for one ledger (labels win over synonyms)."""
    idx = _INDEX.get(ledger.key)
    if idx is None:
        idx = {}
        for f in ledger.fields:
            if f.kind == JSON:
                continue
            idx.setdefault(norm_header(f.label), f.name)
        for f in ledger.fields:
            if f.kind == JSON:
                continue
            for s in f.synonyms:
                idx.setdefault(norm_header(s), f.name)
        _INDEX[ledger.key] = idx
    return idx


def match_header(ledger: Ledger, text) -> str | None:
    idx = field_index(ledger)
    for cand in _variants(norm_header(text)):
        name = idx.get(cand)
        if name:
            return name
    return None


@dataclass
class ColumnMap:
    index: int                 # 0-based column
    header: str                # header text as in the sheet (both rows for a two-row header)
    field: str | None          # ledger field name, None = not imported
    how: str = "auto"          # auto | manual | ignored | unknown | duplicate
    factor: float = 1.0        # 10000 for amount columns headed 万元

    @property
    def letter(self) -> str:
        return column_letter(self.index)


@dataclass
class Detection:
    ledger: str
    header_start: int          # 0-based first header row
    header_end: int            # 0-based last header row
    columns: list[ColumnMap] = field(default_factory=list)
    score: int = 0

    @property
    def data_start(self) -> int:
        return self.header_end + 1

    def mapped(self) -> list[ColumnMap]:
        return [c for c in self.columns if c.field]

    def unknown(self) -> list[ColumnMap]:
        return [c for c in self.columns if c.how == "unknown"]

    def signature(self) -> str:
        return layout_signature(self.ledger, [c.header for c in self.columns])


def layout_signature(ledger: str, headers: list[str]) -> str:
    """Identifies a file layout (ledger + header texts) so a hand-made mapping can be remembered."""
    text = ledger + "\x1f" + "\x1f".join(norm_header(h) for h in headers)
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:20]


def column_letter(index: int) -> str:
    n, s = index + 1, ""
    while n:
        n, rem = divmod(n - 1, 26)
        s = chr(65 + rem) + s
    return s


def _cell(rows, r, c):
    row = rows[r] if r < len(rows) else ()
    return row[c] if c < len(row) else None


_GROUP_SUFFIXES = ("基本情况", "基本信息", "信息", "情况", "决定", "内容")


def _group_stem(text: str) -> str:
    for suffix in _GROUP_SUFFIXES:
        if text.endswith(suffix) and len(text) > len(suffix):
            return text[: -len(suffix)]
    return text


def _blank_cell(v) -> bool:
    return v is None or str(v).strip() == ""


def _group_row(rows, r: int, ncols: int) -> list:
    """The upper row of a two-row header with each group title carried over the sub-headers it stands above.

    Workbooks carry it through merged cells (the reader fills them); CSV files and some platform exports
    write the title in the first column of its group only, leaving the cells to its right empty.
    """
    upper = [_cell(rows, r, c) for c in range(ncols)]
    out, current = [], None
    for c in range(ncols):
        v, below = upper[c], _cell(rows, r + 1, c)
        if not _blank_cell(v):
            current = v if not _blank_cell(below) else None   # a title over sub-headers starts a group
            out.append(v)
        elif current is not None and not _blank_cell(below):
            out.append(current)
        else:
            current = None
            out.append(v)
    return out


def _looks_grouped(rows, r: int, ncols: int) -> bool:
    """Row r is a group row without merged cells: an empty cell under a group title's reach, above a header."""
    seen_title = False
    for c in range(ncols):
        v, below = _cell(rows, r, c), _cell(rows, r + 1, c)
        if not _blank_cell(v):
            seen_title = not _blank_cell(below)
        elif seen_title and not _blank_cell(below):
            return True
        else:
            seen_title = False
    return False


def _row_fields(ledger: Ledger, rows, r: int, ncols: int, lower: int | None = None) -> dict[int, str]:
    """column → field for header row r (with optional second header row `lower`, whose match wins).

    In a two-row header the group title disambiguates equal sub-headers: "立案" over 日期 and "处罚决定" over
    日期 give 立案日期 and 决定日期; the group + sub-header text is tried first, then the group without its
    generic ending (信息, 情况, 决定…) + sub-header, then the sub-header alone.
    """
    out: dict[int, str] = {}
    groups = _group_row(rows, r, ncols) if lower is not None else None
    for c in range(ncols):
        name = None
        if lower is not None:
            below, upper = _cell(rows, lower, c), groups[c]
            if not _blank_cell(below) and not _blank_cell(upper) and norm_header(upper) != norm_header(below):
                g, sub = norm_header(upper), norm_header(below)
                for cand in (g + sub, _group_stem(g) + sub):
                    name = match_header(ledger, cand)
                    if name:
                        break
            if name is None:
                name = match_header(ledger, below)
            # the upper cell counts only above an empty cell (a header not split in two) or itself
            if name is None and (_blank_cell(below) or below == upper):
                name = match_header(ledger, upper)
        else:
            name = match_header(ledger, _cell(rows, r, c))
        if name is not None:
            out[c] = name
    return out


def _hint_score(ledger_key: str, sheet_name: str, rows, upto: int) -> int:
    text = sheet_name + "".join(str(v) for r in rows[:upto] for v in r if isinstance(v, str))
    return sum(1 for w in LEDGER_HINTS.get(ledger_key, ()) if w in text)


def detect(grid, ledger: str | None = None, min_score: int = 2) -> Detection | None:
    """Best (ledger, header rows) for a sheet, or None when no row looks like a header.

    Score = distinct fields matched. A two-row header (merged group cells above sub-headers) is used only
    when it matches strictly more fields than either row alone.
    """
    rows = grid.rows
    ncols = grid.ncols
    keys = [ledger] if ledger else list(IMPORTABLE)
    best = None  # (score, hint, -start, ledger, start, end, fields)
    scan = min(SCAN_ROWS, len(rows))
    for key in keys:
        led = LEDGERS[key]
        for r in range(scan):
            single = _row_fields(led, rows, r, ncols)
            cands = [(len(set(single.values())), r, r, single)]
            # two-row headers exist only with merged cells (a group title spanning sub-headers, or a
            # header cell spanning both rows)
            if r + 1 < len(rows) and (any(m[0] == r and (m[2] > m[0] or m[3] > m[1]) for m in grid.merged)
                                      or _looks_grouped(rows, r, ncols)):
                combo = _row_fields(led, rows, r, ncols, lower=r + 1)
                n = len(set(combo.values()))
                nxt = len(set(_row_fields(led, rows, r + 1, ncols).values()))
                if n > max(cands[0][0], nxt):
                    cands.append((n, r, r + 1, combo))
            for score, start, end, fields in cands:
                if score < min_score:
                    continue
                hint = _hint_score(key, grid.name, rows, start)
                bonus = _title_bonus(key, grid.name, rows, start)
                cand = (score + bonus, hint, -end, -(end - start), key, start, end, fields)
                if best is None or cand[:4] > best[:4]:
                    best = cand
    if best is None:
        return None
    score, _, _, _, key, start, end, fields = best
    led = LEDGERS[key]
    columns: list[ColumnMap] = []
    seen: set[str] = set()
    group = _group_row(rows, start, ncols) if end > start else None
    for c in range(ncols):
        parts = []
        for r in range(start, end + 1):
            v = group[c] if group is not None and r == start else _cell(rows, r, c)
            t = "" if v is None else str(v).strip()
            if t and t not in parts:
                parts.append(t)
        header = "/".join(parts)
        name = fields.get(c)
        if name is None:
            if not header:
                continue
            how = "ignored" if norm_header(header).lower() in IGNORED_HEADERS else "unknown"
            columns.append(ColumnMap(c, header, None, how))
            continue
        if name in seen:
            columns.append(ColumnMap(c, header, None, "duplicate"))
            continue
        seen.add(name)
        factor = 10000.0 if led.field(name).kind == MONEY and "万元" in norm_header(header) else 1.0
        columns.append(ColumnMap(c, header, name, "auto", factor))
    return Detection(key, start, end, columns, score)


def apply_manual(det: Detection, manual: dict) -> Detection:
    """Apply a hand-made mapping {header text or column index: field name or None} to a detection."""
    led = LEDGERS[det.ledger]
    by_norm = {norm_header(k) if isinstance(k, str) else k: v for k, v in (manual or {}).items()}
    for col in det.columns:
        key = norm_header(col.header)
        if key in by_norm or col.index in by_norm:
            target = by_norm.get(key, by_norm.get(col.index))
            if target and not led.has(target):
                continue
            col.field = target or None
            col.how = "manual" if target else "skipped"
            col.factor = 10000.0 if target and led.field(target).kind == MONEY and "万元" in key else 1.0
    # a field mapped twice keeps its first column
    seen: set[str] = set()
    for col in det.columns:
        if col.field:
            if col.field in seen:
                col.field, col.how = None, "duplicate"
            else:
                seen.add(col.field)
    return det
