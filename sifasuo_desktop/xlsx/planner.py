"""Import planning: read a workbook, map its columns, parse and validate every row, resolve links and
decide per row create / update / unchanged — without writing anything.

The plan is all-or-nothing: `plan.ok` is False as soon as one problem (error) exists, and then
`store.import_apply.apply_plan` refuses it. Warnings (unknown columns, officer names matching nobody or
several people, masked personal data kept as stored) do not block the import.
"""
from __future__ import annotations

import datetime as _dt
import json
import re
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from sifasuo_desktop.domain import record_state as _state
from sifasuo_desktop.domain.errors import UserError, ValidationError
from sifasuo_desktop.domain.ledgers import BOOL, IDNO, LEDGERS, MONEY, NAMES, REF, Ledger, normalize
from sifasuo_desktop.domain.validators import (mask_id_number, normalize_person_name, split_names,
                                               split_person_names, to_halfwidth, validate_id_number, validate_uscc)

from .headers import IMPORTABLE, ColumnMap, Detection, apply_manual, detect, norm_header
from .matching import Indexes, candidates, key_display, officer_name
from .reader import SheetGrid, load_grids
from .values import Masked, cell_to_input

PREVIEW_ROWS = 20
# sheets are applied in this order so officers/powers created by one sheet are linkable from the next
IMPORT_ORDER = ("bodies", "officers", "powers", "trainings", "cases", "inspections", "visits", "problems",
                "documents", "complaints", "plan_tasks", "supervisors", "leniency_items", "discretion_standards",
                "supervision_plans", "power_evaluations", "satisfaction_surveys")
# issue 13: a body's 行政检查事项目录 and 涉企检查计划 before the inspections that name their items
IMPORT_ORDER = tuple(k for k in IMPORT_ORDER if k != "inspections")
IMPORT_ORDER = IMPORT_ORDER[:IMPORT_ORDER.index("cases") + 1] + ("inspection_items", "inspection_plans", "inspections") \
    + IMPORT_ORDER[IMPORT_ORDER.index("cases") + 1:]
NOTE_PREFIXES = ("备注", "筛选条件", "注：", "注:", "说明", "填表说明", "填表人", "填报人", "制表", "审核人", "合计", "总计", "小计",
                 "单位负责人", "负责人：", "联系电话：")
EXAMPLE_MARK = "【示例】"
# numbers people type with full-width digits (２０２５) but match on
HALFWIDTH_FIELDS = ("case_no", "problem_no", "code", "cert_no", "doc_no", "task_no", "party_code", "discretion_code",
                    "item_code", "report_no", "officer_cert_nos",
                    "list_item")
NOTES_SHEETS = ("填写说明", "说明", "填表说明", "注意事项")


@dataclass
class Problem:
    sheet: str
    row: int | None            # Excel row number (1-based); None for the whole sheet/file
    column: str                # "C 罚款金额" or ""
    message: str

    def as_dict(self) -> dict:
        return {"sheet": self.sheet, "row": self.row, "column": self.column, "message": self.message}

    def __str__(self) -> str:
        where = self.sheet
        if self.row:
            where += f" 第{self.row}行"
        if self.column:
            where += f" {self.column}列"
        return f"{where}：{self.message}"


@dataclass
class RowAction:
    table: str
    op: str                    # create | update | unchanged
    record_id: str
    values: dict               # create: the full record; update: only changed fields
    sheet: str
    row: int
    stored: dict = field(default_factory=dict)   # the record as it will be stored (for the preview)


@dataclass
class SheetPlan:
    name: str
    detection: Detection
    rows_read: int = 0
    actions: list[RowAction] = field(default_factory=list)
    rejected_rows: set = field(default_factory=set)
    encoding: str = ""           # CSV files: the detected encoding and delimiter, e.g. "GB18030/GBK，逗号分隔"

    @property
    def ledger(self) -> Ledger:
        return LEDGERS[self.detection.ledger]

    @property
    def header_row(self) -> int:
        """1-based Excel row of the (last) header row."""
        return self.detection.header_end + 1

    def preview(self, n: int = PREVIEW_ROWS) -> list[tuple[int, str, dict]]:
        return [(a.row, a.op, a.stored) for a in self.actions[:n]]


@dataclass
class ImportPlan:
    path: str
    sheets: list[SheetPlan] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    new_bodies: list[dict] = field(default_factory=list)      # {"id", "name", "body_type"}
    skipped_sheets: list[str] = field(default_factory=list)
    unmatched_names: list[str] = field(default_factory=list)   # officer names matching nobody
    ambiguous_names: list[str] = field(default_factory=list)   # officer names matching several people
    # how officers named in cells were linked: by_name / by_cert_no / by_id_number (counts of links)
    officer_matches: dict = field(default_factory=lambda: {"by_name": 0, "by_cert_no": 0, "by_id_number": 0})
    applied: bool = False

    def _name_problem(self, name: str, ambiguous: bool) -> None:
        target = self.ambiguous_names if ambiguous else self.unmatched_names
        if name not in target:
            target.append(name)

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.sheets)

    def actions(self):
        for s in self.sheets:
            yield from s.actions

    def count(self, op: str) -> int:
        return sum(1 for a in self.actions() if a.op == op)

    def summary(self) -> dict:
        return {
            "file": self.path,
            "sheets": [{"sheet": s.name, "ledger": s.detection.ledger, "ledger_title": s.ledger.title,
                        "header_row": s.header_row, "rows_read": s.rows_read,
                        **({"encoding": s.encoding} if s.encoding else {}),
                        "columns": {f"{c.letter} {c.header}": (s.ledger.field(c.field).label if c.field else None)
                                    for c in s.detection.columns}} for s in self.sheets],
            "rows_read": sum(s.rows_read for s in self.sheets),
            "created": self.count("create"),
            "history": sum(1 for s in self.sheets for a in s.actions
                           if a.op == "create" and _state.is_history(a.values)),
            "updated": self.count("update"),
            "unchanged": self.count("unchanged"),
            "rejected": sum(len(s.rejected_rows) for s in self.sheets),
            "errors": [e.as_dict() for e in self.errors],
            "warnings": [w.as_dict() for w in self.warnings],
            "created_bodies": [b["name"] for b in self.new_bodies],
            "unmatched_officers": list(self.unmatched_names),
            "ambiguous_officers": list(self.ambiguous_names),
            "officer_matches": dict(self.officer_matches),
            "applied": self.applied,
        }


def _blank(v) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


def _body_type_guess(name: str) -> str | None:
    if name.endswith("街道办事处") or name.endswith("街道"):
        return "街道办"
    if name.endswith("人民政府") or name.endswith("镇") or name.endswith("乡"):
        return "乡镇政府"
    if name.startswith("县") or "县" in name[:4] and name.endswith("局"):
        return "县直部门"
    return None


def plan_import(store, path, ledger: str | None = None, manual: dict | None = None,
                remembered: dict | None = None, progress=None, grids: list[SheetGrid] | None = None) -> ImportPlan:
    """Plan importing `path` into `store` (nothing is written).

    ledger: a ledger key or its Chinese title; only sheets of that ledger are imported.
    manual: {sheet name: {header text or column index: field name or None}} mappings made by hand.
    remembered: {layout signature: {header text: field name or None}} (store.import_apply.load_layouts).
    progress: optional callable(percent, text), called now and then (GUI progress dialogs).
    grids: the file already read by reader.load_grids (re-planning after a mapping change).
    """
    key = resolve_ledger(ledger) if ledger else None
    if progress:
        progress(2, "正在读取文件…")
    if grids is None:
        grids = load_grids(path)
    plan = ImportPlan(str(path))
    planned: list[tuple[SheetGrid, Detection]] = []
    for grid in grids:
        if grid.name.strip() in NOTES_SHEETS:
            plan.skipped_sheets.append(grid.name)
            continue
        det = detect(grid, key)
        if det is None:
            plan.skipped_sheets.append(grid.name)
            continue
        led = LEDGERS[det.ledger]
        mapping = dict((remembered or {}).get(det.signature(), {}))
        mapping.update((manual or {}).get(grid.name, {}))
        if mapping:
            apply_manual(det, mapping)
        # a sheet with a few matching words is a notes sheet, not a ledger
        needed = [f.name for f in led.fields if f.required]
        if not key and not any(c.field in needed or c.field == led.number_field for c in det.columns):
            plan.skipped_sheets.append(grid.name)
            continue
        planned.append((grid, det))
    if not planned:
        what = f"“{LEDGERS[key].title}”台账的" if key else "可识别的台账"
        raise UserError(f"在“{Path(path).name}”中没有找到{what}表头（已查看工作表：{'、'.join(g.name for g in grids)}）。"
                        "请确认表头行含有“案号”“姓名”等列名，或用 --ledger 指定台账。")
    if key and len(planned) > 1:
        # --ledger with a workbook of several ledgers: sheets lacking this ledger's required columns are others
        needed = {f.name for f in LEDGERS[key].fields if f.required}
        full = [(g, d) for g, d in planned if needed <= {c.field for c in d.columns}]
        if full:
            plan.skipped_sheets += [g.name for g, d in planned if (g, d) not in full]
            planned = full
    planned.sort(key=lambda gd: IMPORT_ORDER.index(gd[1].ledger) if gd[1].ledger in IMPORT_ORDER else 99)
    idx = Indexes(store)
    for i, (grid, det) in enumerate(planned):
        if progress:
            progress(30 + int(60 * i / len(planned)), f"正在检查工作表“{grid.name}”…")
        tick = None
        if progress:
            lo, span, total = 30 + 60 * i / len(planned), 60 / len(planned), max(len(grid.rows), 1)
            tick = lambda r, name=grid.name: progress(int(lo + span * r / total), f"正在检查工作表“{name}”第{r}行…")
        plan.sheets.append(_plan_sheet(plan, idx, grid, det, tick))
    if progress:
        progress(95, "检查完成")
    return plan


def resolve_ledger(name: str, for_export: bool = False) -> str:
    """A ledger key from its key or Chinese title. Export accepts every ledger in the navigation; import
    only those with a spreadsheet form (IMPORTABLE)."""
    from sifasuo_desktop.domain.ledgers import NAV_ORDER

    pool = NAV_ORDER if for_export else IMPORTABLE
    text = (name or "").strip()
    if text in LEDGERS and text in pool:
        return text
    for k in pool:
        led = LEDGERS[k]
        if text in (led.title, led.title.replace("与证件", "")) or norm_header(text) == norm_header(led.title):
            return k
    choices = "、".join(f"{k}（{LEDGERS[k].title}）" for k in pool)
    raise UserError(f"未知的台账“{name}”。可选：{choices}")


def _col_label(col: ColumnMap) -> str:
    return f"{col.letter} {col.header}"


def _plan_sheet(plan: ImportPlan, idx: Indexes, grid: SheetGrid, det: Detection, tick=None) -> SheetPlan:
    led = LEDGERS[det.ledger]
    sp = SheetPlan(grid.name, det, encoding=f"{grid.encoding}，{grid.delimiter}分隔" if grid.encoding else "")
    sheet = grid.name
    err = plan.errors
    for col in det.columns:
        if col.how == "unknown":
            plan.warnings.append(Problem(sheet, det.header_end + 1, _col_label(col), "无法识别的列，未导入（可在界面中手动对应）"))
        elif col.how == "duplicate":
            plan.warnings.append(Problem(sheet, det.header_end + 1, _col_label(col), "与前面的列对应同一字段，未导入"))
    mapped = det.mapped()
    have = {c.field for c in mapped}
    filled_from = dict(led.fallbacks)
    missing = [f for f in led.fields if f.required and f.name not in have and filled_from.get(f.name) not in have]
    if missing:
        for f in missing:
            err.append(Problem(sheet, det.header_end + 1, "", f"缺少必填列“{f.label}”"))
        return sp
    label_to_col = {led.field(c.field).label: c for c in mapped}
    claimed: dict[str, int] = {}     # record id -> Excel row that created/updates it
    masked_cols: set[int] = set()
    header_norms = {norm_header(c.header) for c in det.columns}
    table = led.table
    idx.table(table)
    for r in range(det.data_start, len(grid.rows)):
        row = grid.rows[r]
        excel_row = r + 1
        if tick and r % 500 == 0:
            tick(r)
        cells = [(c, row[c.index] if c.index < len(row) else None) for c in mapped]
        texts = [str(v).strip() for v in row if not _blank(v)]
        if not texts:
            continue
        first = texts[0]
        if any(first.startswith(p) for p in NOTE_PREFIXES):
            continue  # 备注/说明/填表人/合计 rows below (or between) the records
        if any(t.startswith(EXAMPLE_MARK) for t in texts):
            continue
        if sum(1 for t in texts if norm_header(t) in header_norms) >= max(2, len(texts) // 2):
            continue  # header repeated (a sheet pasted from several printed pages)
        if all(_blank(v) for _, v in cells):
            continue
        sp.rows_read += 1
        row_errors: list[Problem] = []
        inputs: dict = {}
        refs: dict[str, tuple[ColumnMap, str]] = {}
        for col, raw in cells:
            f = led.field(col.field)
            if f.kind == REF:
                if not _blank(raw):
                    refs[f.name] = (col, to_halfwidth(str(raw)).strip())
                continue
            try:
                inputs[f.name] = cell_to_input(f, raw, col.factor)
            except Masked:
                if col.index not in masked_cols:
                    masked_cols.add(col.index)
                    plan.warnings.append(Problem(sheet, excel_row, _col_label(col),
                                                 f"{f.label}为脱敏值（含*），导入时保留原有数据"))
            except ValueError as exc:
                row_errors.append(Problem(sheet, excel_row, _col_label(col), str(exc)))
                inputs.pop(f.name, None)
        try:
            values = normalize(led, inputs, partial=True)
        except ValidationError as exc:
            values = {}
            bad = set()
            for label, msg in exc.errors.items():
                col = label_to_col.get(label)
                row_errors.append(Problem(sheet, excel_row, _col_label(col) if col else label, msg))
                if col:
                    bad.add(col.field)
            good = {k: v for k, v in inputs.items() if k not in bad}
            try:
                values = normalize(led, good, partial=True)
            except ValidationError:
                values = {}
        values = {k: v for k, v in values.items() if v is not None and v != ""}
        for k in HALFWIDTH_FIELDS:
            if isinstance(values.get(k), str):
                values[k] = to_halfwidth(values[k]).strip()
        _cross_checks(led, values, label_to_col, sheet, excel_row, row_errors)
        # links
        links: dict = {}
        for fname, (col, text) in refs.items():
            f = led.field(fname)
            rid = _resolve_ref(plan, idx, f, text, sheet, excel_row, col)
            if rid:
                links[fname] = rid
        values.update(links)
        if table in ("trainings", "cert_events") and "officer_id" not in values:
            oid = _officer_for_training(plan, idx, values, sheet, excel_row, label_to_col)
            if oid:
                values["officer_id"] = oid
        if table == "inspections":
            _inspection_checks(plan, idx, values, label_to_col, sheet, excel_row)
        for fname in ("officer_names",):
            if led.has(fname) and led.field(fname).kind == NAMES and values.get(fname) and table in ("cases", "inspections"):
                col = label_to_col[led.field(fname).label]
                ids, names = _link_officers(plan, idx, values[fname], values.get("body_id"), sheet, excel_row, col)
                values["officer_ids"] = json.dumps(ids)
                values[fname] = "、".join(names)  # "李四(证号)" keeps only the name
        # which stored (or earlier planned) record this row updates
        target = None
        key_used, ids = candidates(idx, table, values)
        if key_used is not None:
            names = "、".join(led.field(k).label for k in key_used[0])
            shown_key = "/".join(key_display(idx, k, v) for k, v in zip(*key_used))
            if len(ids) > 1 and values.get("body_id") and "body_id" not in key_used[0]:
                ids = [i for i in ids if idx.records[table][i].get("body_id") == values["body_id"]] or ids
            free = [i for i in ids if i not in claimed]
            if ids and not free and table == "cases":
                # one 案号 is one case in its body (issue 12; the store refuses a second): the file contradicts itself
                row_errors.append(Problem(sheet, excel_row, "", f"与第{claimed[ids[0]]}行的{names}“{shown_key}”重复："
                                                                "同一执法主体的案号只能对应一件案件，请合并为一行后再导入"))
            elif ids and not free:
                # the same number twice in one file: kept as two records (the app allows it and its
                # checks flag it), but said out loud
                prev = claimed[ids[0]]
                plan.warnings.append(Problem(sheet, excel_row, "", f"与第{prev}行的{names}“{shown_key}”重复，"
                                                                   "作为另一条记录导入，请核实"))
            elif len(free) == 1:
                target = free[0]
            elif len(free) > 1:
                same = [i for i in free if not any(_differs(idx.records[table][i].get(k), v)
                                                   for k, v in values.items())]
                if same:
                    target = same[0]
                else:
                    row_errors.append(Problem(sheet, excel_row, "", f"{names}“{shown_key}”对应已有的{len(free)}条记录，"
                                                                    "无法确定更新哪一条"))
        if target is None:
            flagged = {p.column for p in row_errors}
            for f in led.fields:
                if f.required and f.name not in values:
                    col = label_to_col.get(f.label)
                    where = _col_label(col) if col else f.label
                    if where not in flagged:
                        row_errors.append(Problem(sheet, excel_row, where, "必填"))
        if target is not None:
            # an import never moves an existing record's workflow state (issue 12): said at planning time
            before = idx.records[table][target]
            bad = _state.refused_fields(table, before, {k: v for k, v in values.items()
                                                        if _differs(before.get(k), v)})
            if bad:
                row_errors.append(Problem(sheet, excel_row, "", f"不能通过导入修改已有记录的“{'、'.join(bad)}”，"
                                                                f"{_state.HOW[table]}"))
        if row_errors:
            err.extend(row_errors)
            sp.rejected_rows.add(excel_row)
            continue
        if table == "cases" and values.get("status"):
            # 办理状态 follows the dates (issue 12): a typed state the dates contradict is said, then derived
            merged = dict(idx.records[table][target] if target is not None else {}, **values)
            derived = _state.case_status(merged)
            if derived != values["status"]:
                col = label_to_col.get(led.field("status").label)
                plan.warnings.append(Problem(sheet, excel_row, _col_label(col) if col else "办理状态",
                                             f"办理状态“{values['status']}”与日期不符，按日期记为“{derived}”"
                                             f"（{_state.CASE_STATUS_HOW}）"))
        if target is None:
            values = _state.as_history(table, values)   # closed/issued rows come in as 历史导入 (issue 12)
            rec = dict(values, id=str(uuid.uuid4()))
            idx.register(table, rec)
            claimed[rec["id"]] = excel_row
            shown = _stored(idx, led, rec) if len(sp.actions) < PREVIEW_ROWS else {}
            sp.actions.append(RowAction(table, "create", rec["id"], rec, sheet, excel_row, shown))
        else:
            before = idx.records[table][target]
            changed = {k: v for k, v in values.items() if _differs(before.get(k), v)}
            after = dict(before, **changed)
            idx.register(table, after)
            claimed[target] = excel_row
            op = "update" if changed else "unchanged"
            shown = _stored(idx, led, after) if len(sp.actions) < PREVIEW_ROWS else {}
            sp.actions.append(RowAction(table, op, target, changed, sheet, excel_row, shown))
    return sp


def _differs(old, new) -> bool:
    if old is None:
        return new is not None
    if isinstance(new, float) or isinstance(old, float):
        try:
            return abs(float(old) - float(new)) > 0.005
        except (TypeError, ValueError):
            return True
    return str(old) != str(new)


def _cross_checks(led: Ledger, values: dict, label_to_col: dict, sheet: str, row: int, out: list) -> None:
    if led.key == "cases" and values.get("party_code"):
        code = to_halfwidth(str(values["party_code"])).strip().upper()
        col = label_to_col.get(led.field("party_code").label)
        where = _col_label(col) if col else "统一社会信用代码"
        ptype = values.get("party_type")
        if len(code) == 18:
            if ptype == "自然人":
                msg = validate_id_number(code)
            elif ptype in ("法人", "其他组织"):
                msg = validate_uscc(code)
            else:
                msg = None if (validate_uscc(code) is None or validate_id_number(code) is None) else \
                    "统一社会信用代码（或身份证号）校验位不正确"
            if msg:
                out.append(Problem(sheet, row, where, msg))
            else:
                values["party_code"] = code
        elif ptype in ("法人", "其他组织"):
            out.append(Problem(sheet, row, where, "统一社会信用代码应为18位"))


def _resolve_ref(plan: ImportPlan, idx: Indexes, f, text: str, sheet: str, row: int, col: ColumnMap) -> str | None:
    if f.ref == "bodies":
        name = text
        rid = idx.bodies.get(name)
        if rid is None:
            rid = str(uuid.uuid4())
            idx.bodies[name] = rid
            idx.body_names[rid] = name
            plan.new_bodies.append({"id": rid, "name": name, "body_type": _body_type_guess(name), "status": "有效"})
        return rid
    if f.ref == "powers":
        rid = idx.powers_by_code.get(text)
        if rid:
            return rid
        ids = idx.powers_by_name.get(text, [])
        if len(ids) == 1:
            return ids[0]
        msg = f"赋权事项“{text}”在赋权事项台账中不存在，未关联" if not ids else f"赋权事项“{text}”有{len(ids)}条同名记录，未关联"
        plan.warnings.append(Problem(sheet, row, _col_label(col), msg))
        return None
    if f.ref == "officers":
        rid = idx.officer_by_code(plan, text)
        if rid:
            return rid
        found = idx.officers_named(text)
        if len(found) == 1:
            plan.officer_matches["by_name"] += 1
            return found[0]["id"]
        msg = f"“{text}”在执法人员台账中不存在，未关联" if not found else f"“{text}”有{len(found)}名同名执法人员，未关联"
        plan._name_problem(text, bool(found))
        plan.warnings.append(Problem(sheet, row, _col_label(col), msg))
        return None
    if f.ref == "supervision_plans":   # issue 16: a visit names the plan item it carries out (监督事项)
        ids = _plan_items(idx).get(text, [])
        if len(ids) == 1:
            return ids[0]
        msg = (f"“{text}”在年度监督计划中不存在，未关联" if not ids
               else f"年度监督计划中有{len(ids)}条“{text}”，未关联")
        plan.warnings.append(Problem(sheet, row, _col_label(col), msg))
        return None
    plan.warnings.append(Problem(sheet, row, _col_label(col), f"“{text}”无法关联到{LEDGERS[f.ref].title}，未导入该列"))
    return None


def _inspection_checks(plan, idx: Indexes, values: dict, label_to_col, sheet: str, row: int) -> None:
    """扫码入企 platform exports (issue 13): a 检查人员执法证号 column pairs with the 检查人员 names in order (each
    officer is then linked by 执法证号 first, by name when the number is unknown); a 检查事项 that is no published
    item of the body's 行政检查事项目录 is said at once (JC-03 reports it again at every check)."""
    codes = split_names(values.get("officer_cert_nos") or "")
    if codes:
        names = split_person_names(values.get("officer_names") or "")
        tokens = [f"{names[i]}({c})" if i < len(names) else c for i, c in enumerate(codes)] + names[len(codes):]
        values["officer_names"] = "、".join(tokens)
    if not (values.get("item_name") or values.get("item_code")) or not values.get("inspect_date"):
        return
    from sifasuo_desktop.domain.rules.inspections import catalog_index, item_problem

    catalog = catalog_index(idx.table("inspection_items").values())
    why = item_problem(values, catalog, _dt.date.fromisoformat(values["inspect_date"]))
    if why:
        col = label_to_col.get("检查事项") or label_to_col.get("检查事项编码")
        plan.warnings.append(Problem(sheet, row, _col_label(col) if col else "检查事项", why + "（JC-03）"))


def _plan_items(idx: Indexes) -> dict[str, list[str]]:
    """监督事项 (and 计划年度+序号 as “2026-3”) → plan item ids, stored ones read once."""
    found = getattr(idx, "_plan_items", None)
    if found is None:
        found = {}
        for r in idx.store.rows("supervision_plans"):
            for key in {(r.get("item") or "").strip(), f"{r.get('plan_year')}-{r.get('seq')}" if r.get("seq") else ""}:
                if key:
                    found.setdefault(key, []).append(r["id"])
        idx._plan_items = found
    return found


def _officer_for_training(plan, idx: Indexes, values: dict, sheet: str, row: int, label_to_col) -> str | None:
    if values.get("id_number"):
        rid = idx.officer_by_code(plan, values["id_number"])
        if rid:
            return rid
    name = values.get("officer_name")
    if not name:
        return None
    found = idx.officers_named(name)
    if values.get("id_number") and found:
        found = [o for o in found if (o.get("id_number") or "").upper() == values["id_number"].upper()] or found
    col = label_to_col.get("姓名")
    where = _col_label(col) if col else "姓名"
    if len(found) == 1:
        plan.officer_matches["by_name"] += 1
        return found[0]["id"]
    plan._name_problem(name, bool(found))
    if not found:
        plan.warnings.append(Problem(sheet, row, where, f"“{name}”在执法人员台账中不存在，未关联"))
    else:
        plan.warnings.append(Problem(sheet, row, where, f"“{name}”有{len(found)}名同名执法人员，请填写身份证号区分；未关联"))
    return None


def _link_officers(plan, idx: Indexes, names: str, body_id, sheet: str, row: int,
                   col: ColumnMap) -> tuple[list[str], list[str]]:
    """Officer names, 'name(执法证号或身份证号)' or a bare 执法证号/身份证号 (platform exports) → (officer ids,
    plain names); names matching nobody or several people are warnings. plan.officer_matches counts how each
    link was made."""
    ids: list[str] = []
    plain: list[str] = []
    for token in split_person_names(names):
        token = token.replace("（", "(").replace("）", ")")
        name, code = token, None
        if "(" in token and token.endswith(")"):
            name, code = token[:-1].split("(", 1)
            name, code = normalize_person_name(name), code.strip().upper()
        elif _CODE_LIKE.match(to_halfwidth(token)):
            name, code = "", token
        if code:
            rid = idx.officer_by_code(plan, code)
            if rid:
                if rid not in ids:
                    ids.append(rid)
                known = officer_name(idx, rid)
                if name and known and normalize_person_name(name) != known:
                    plan.warnings.append(Problem(sheet, row, _col_label(col),
                                                 f"执法证号“{code}”登记的是“{known}”，与“{name}”不一致，已按执法证号关联"))
                plain.append(known or name or code)
                continue
            if not name:
                plain.append(code)
                plan._name_problem(code, False)
                plan.warnings.append(Problem(sheet, row, _col_label(col),
                                             f"执法证号“{code}”在执法人员台账中不存在，未关联"))
                continue
        plain.append(name)
        found = idx.officers_named(name)
        if len(found) > 1 and body_id:
            found = [o for o in found if o.get("body_id") == body_id] or found
        if len(found) == 1:
            if found[0]["id"] not in ids:
                ids.append(found[0]["id"])
            plan.officer_matches["by_name"] += 1
        elif not found:
            plan._name_problem(name, False)
            plan.warnings.append(Problem(sheet, row, _col_label(col), f"“{name}”在执法人员台账中不存在，未关联"))
        else:
            plan._name_problem(name, True)
            plan.warnings.append(Problem(sheet, row, _col_label(col),
                                         f"“{name}”有{len(found)}名同名执法人员，未关联（可写作“姓名(执法证号)”区分）"))
    return ids, plain


# a certificate or ID number standing alone where a name is expected: letters/digits only, at least 5 digits
_CODE_LIKE = re.compile(r"^(?=(?:.*\d){5})[0-9A-Za-z\-]{5,30}$")



def _stored(idx: Indexes, led: Ledger, rec: dict) -> dict:
    """label → display text of a record as it will be stored (preview)."""
    out = {}
    for f in led.fields:
        v = rec.get(f.name)
        if v is None or v == "":
            continue
        if f.kind == REF:
            if f.ref == "bodies":
                v = idx.body_names.get(v, v)
            elif f.ref == "officers":
                v = next((o["name"] for lst in idx.officers_by_name.values() for o in lst if o["id"] == v), v)
            elif f.ref == "powers":
                v = next((n for n, ids in idx.powers_by_name.items() if v in ids), v)
        elif f.kind == BOOL:
            v = "是" if v else "否"
        elif f.kind == MONEY:
            v = f"{float(v):.2f}"
        elif f.kind == IDNO:
            v = mask_id_number(v)
        out[f.label] = str(v)
    return out
