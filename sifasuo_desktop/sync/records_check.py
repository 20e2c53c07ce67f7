"""Type and range of every record in a signed package (issue 11), checked before the row is applied.

A wrong type (a text version, 2**63-1, a list in a column, inf/1e400, a NUL in an id) or an unsafe
attachment path refuses the whole package: the transaction rolls back and the Chinese reason names the
table, record and field. A date or amount of the right type but out of range (old data stored before
the limits existed) is applied and counted, so the county sees it as `DQ-01 数据异常` instead of the
township being unable to sync at all.
"""
from __future__ import annotations

import math

from ..domain import limits
from ..domain import record_state
from ..domain.ledgers import BOOL, DATE, FLOAT, INT, LEDGERS, MONEY
from . import errors as E
from ..domain.errors import UserError
from .errors import SyncError

MAX_TEXT = 1024 * 1024
INT64 = 2 ** 63 - 1


def _checklist():
    from ..domain import checklist

    return checklist.check_row, checklist.MAX_VERSIONS, "监督检查清单"


def _report_calendar():
    from ..domain import report_calendar

    return report_calendar.check_row, report_calendar.MAX_ITEMS, "报送日历"


_CATALOG_CHECKS = {"checklists": _checklist, "report_calendar": _report_calendar}


def _refuse(table: str, row, field: str, what: str) -> SyncError:
    rid = row.get("id") if isinstance(row, dict) else None
    rid = rid[:60] if isinstance(rid, str) else "?"
    return SyncError(E.BAD_RECORD, f"同步包中数据表“{str(table)[:40]}”的记录（{rid}）字段“{field}”{what}，"
                                   "已拒绝整个包，本机数据没有改变。")


def _scalar_ok(v) -> bool:
    if v is None or isinstance(v, str):
        return v is None or (len(v) <= MAX_TEXT and "\x00" not in v)
    if isinstance(v, bool):
        return False
    if isinstance(v, int):
        return -INT64 - 1 <= v <= INT64
    if isinstance(v, float):
        return math.isfinite(v)
    return False


_isfinite = math.isfinite
_TYPED = (DATE, MONEY, FLOAT, INT, BOOL)
_typed_cache: dict[int, tuple] = {}


def _typed_fields(ledger) -> tuple:
    """(name, kind, label) of the ledger's fields whose values _ledger_fields checks (dates and numbers)."""
    hit = _typed_cache.get(id(ledger))
    if hit is None or hit[0] is not ledger:
        hit = _typed_cache[id(ledger)] = (ledger, tuple((f.name, f.kind, f.label) for f in ledger.fields
                                                         if f.kind in _TYPED))
    return hit[1]


def _id_ok(v) -> bool:
    return isinstance(v, str) and 0 < len(v) <= limits.MAX_ID_CHARS * 2 and v.isprintable()


class RecordChecker:
    """Checks rows of one package; `out_of_range` counts applied rows whose dates/amounts are out of range."""

    def __init__(self, sender: str, sender_role: str, columns):
        self.sender, self.sender_role = sender, sender_role
        self.columns = columns          # table -> list of local column names
        self.out_of_range = 0
        self.catalog_rows: dict[str, int] = {}
        self.case_status_off = 0        # cases whose 办理状态 is not what their dates give (issue 12)
        self._colsets: dict[str, frozenset | None] = {}   # table -> its local columns (one lookup per table)

    def entry(self, e) -> tuple[str, dict]:
        if not isinstance(e, dict) or not isinstance(e.get("row"), dict) or not isinstance(e.get("table"), str):
            raise SyncError(E.CORRUPT, "同步包中的记录格式不正确，已拒绝。")
        seq = e.get("seq")
        if type(seq) is not int or not 0 <= seq <= limits.MAX_SEQ:
            raise SyncError(E.CORRUPT, "同步包中记录的序号不正确，已拒绝。")
        return e["table"], e["row"]

    def row(self, table: str, row: dict) -> None:
        if "id" not in row or not _id_ok(row["id"]):
            raise _refuse(table, row, "id", "不是有效的编号")
        cols = self._colsets.get(table, self)
        if cols is self:
            cols = self.columns(table)
            cols = self._colsets[table] = None if cols is None else frozenset(cols)
        if cols is not None and row.keys() != cols:
            raise SyncError(E.BAD_RECORD, f"同步数据与本机数据表“{table}”的字段不一致，已拒绝整个包"
                                          "（请双方升级到相同版本）。")
        if not _id_ok(row.get("owner_org")):
            raise _refuse(table, row, "owner_org", "不是有效的机构代码")
        v = row.get("version")
        if type(v) is not int or not 1 <= v <= limits.MAX_VERSION:
            raise _refuse(table, row, "version", f"不是 1–{limits.MAX_VERSION} 的整数")
        if row.get("deleted") not in (0, 1) or isinstance(row.get("deleted"), bool):
            raise _refuse(table, row, "deleted", "不是 0 或 1")
        for c in ("created_at", "updated_at", "updated_by"):
            if c in row and row[c] is not None and (not isinstance(row[c], str) or len(row[c]) > 200):
                raise _refuse(table, row, c, "不是文本")
        for k, val in row.items():   # the common exact types inline; anything else is decided by _scalar_ok
            t = type(val)
            if t is str:
                if len(val) <= MAX_TEXT and "\x00" not in val:
                    continue
            elif val is None:
                continue
            elif t is int:
                if -INT64 - 1 <= val <= INT64:
                    continue
            elif t is float:
                if _isfinite(val):
                    continue
            if not _scalar_ok(val):
                raise _refuse(table, row, k, "的值类型不正确（列表、对象、无穷大或过长的文本）")
        self._ledger_fields(table, row)
        if table == "cases" and not row.get("deleted") and row.get("status") != record_state.case_status(row):
            self.case_status_off += 1
        if table == "attachments":
            self._attachment(row)
        if table in _CATALOG_CHECKS:
            self._catalog(table, row)
        if table == "finding_handlings":   # issue 12: a handled warning, checked as hostile input
            self._handling(row)
        if table == "orgs" and self.sender_role == "township":
            if row.get("code") != self.sender or row.get("role") != "township":
                raise SyncError(E.BAD_RECORD, f"乡镇同步包中含有其他机构（{str(row.get('code'))[:40]}）的机构信息，"
                                              "乡镇只能发送本所自己的机构信息，已拒绝整个包。")

    def _ledger_fields(self, table: str, row: dict) -> None:
        ledger = LEDGERS.get(table)
        if ledger is None:
            return
        bad_range = False
        for name, kind, label in _typed_fields(ledger):
            val = row.get(name)
            if val is None:
                continue
            if kind == DATE:
                if not isinstance(val, str):
                    raise _refuse(table, row, label, "不是日期")
                bad_range = bad_range or limits.date_problem(val) is not None
            else:
                if isinstance(val, bool) or not isinstance(val, (int, float)):
                    if isinstance(val, str) and kind != BOOL:
                        bad_range = True        # legacy text in a number column: shown as DQ-01
                        continue
                    raise _refuse(table, row, label, "不是数字")
                bad_range = bad_range or limits.number_problem(val, integer=kind == INT) is not None
        if bad_range:
            self.out_of_range += 1

    def _catalog(self, table: str, row: dict) -> None:
        """The county's 检查清单/报送日历 (issue 16): the content the editor would have stored, and no more
        live entries than a county can keep."""
        check, limit, what = _CATALOG_CHECKS[table]()
        if not row.get("deleted"):
            n = self.catalog_rows[table] = self.catalog_rows.get(table, 0) + 1
            if n > limit:
                raise SyncError(E.BAD_RECORD, f"同步包中的{what}超过{limit}项，已拒绝整个包，本机数据没有改变。")
        try:
            check(row)
        except UserError as exc:
            raise _refuse(table, row, what, f"不正确（{exc.message[:200]}）") from None

    def _handling(self, row: dict) -> None:
        from ..domain.handling import row_problem
        from ..domain.rules import CODES

        why = row_problem(row, known_codes=set(CODES))
        if why:
            raise _refuse("finding_handlings", row, "处置", f"不正确（{why}）")

    def _attachment(self, row: dict) -> None:
        if row.get("deleted"):
            return
        why = limits.attachment_path_problem(row.get("stored_path"))
        if why is None and row.get("file_name") is not None and not limits.attachment_extension_ok(
                str(row.get("file_name"))):
            why = "附件名称不是文档或图片"
        if why:
            raise _refuse("attachments", row, "stored_path", f"不安全（{why}）")
        sha = row.get("sha256")
        if sha is not None and not (isinstance(sha, str) and limits.HEX64.match(sha)):
            raise _refuse("attachments", row, "sha256", "不是64位十六进制")


# the rows the workflow writes together with a state (domain/record_state.sync_refusal)
STATE_EVIDENCE = {"problems": ("problem_steps", "problem_id"), "documents": ("service_receipts", "doc_id")}


def state_refusals(conn, table: str, items: list[tuple[dict | None, dict]], block: dict[str, list[dict]]) -> dict:
    """{record id: Chinese reason} for received rows whose 销号/签发/送达 state came without its workflow
    records (issue 12). `block`: the rows of the package block being applied, by table (a step precedes its
    problem in a package, so it is either stored already or in the same block)."""
    if table not in STATE_EVIDENCE or not items:
        return {}
    from ..store import sync_queries as sq

    ev_table, col = STATE_EVIDENCE[table]
    ids = [row["id"] for _, row in items]
    related = sq.rows_referring(conn, ev_table, col, ids) + [r for r in block.get(ev_table, ())
                                                             if r.get(col) in set(ids)]
    by_id: dict[str, list[dict]] = {}
    for r in related:
        by_id.setdefault(r.get(col), []).append(r)
    out = {}
    for stored, row in items:
        why = record_state.sync_refusal(table, row, stored, by_id.get(row["id"], []))
        if not why and table == "documents":
            why = township_issued_refusal(row, stored)
        if why:
            out[row["id"]] = why
    return out


def township_issued_refusal(row: dict, stored: dict | None) -> str | None:
    """A township's package may not bring a 文号 on a document issued in the county bureau's name (issue 12:
    those are numbered only at the county; documents.model.issued_at_county). History records travel as they are;
    a 文号 already stored here is not re-checked."""
    from ..documents import model as M

    no = row.get("doc_no")
    if (row.get("deleted") or record_state.is_history(row) or not no
            or (stored is not None and stored.get("doc_no") == no)):
        return None
    key = M.DOC_TYPE_BY_LABEL.get(row.get("doc_type") or "")
    if key is None or not M.issued_at_county(key):
        return None
    return (f"文书“{str(no)[:40]}”（{M.DOC_TYPE_SHORT.get(key, key)}）以县司法局名义制发，只能由县司法局编号签发，"
            "乡镇同步包却带来了已编号的文书，该条未导入，本机保存的内容不变；请乡镇把草稿报送县司法局签发")
