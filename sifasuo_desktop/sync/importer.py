"""Import of sync packages (sync.md §3.5-3.6): verify everything first, hold packages that leave a gap,
back up, apply in one transaction with the §3.5 conflict rules (row_rules.py) and return an ImportSummary."""
from __future__ import annotations

import datetime as _dt
import json
import shutil
import sqlite3
from pathlib import Path

from ..domain.errors import UserError
from ..domain.permissions import require
from ..store import sync_queries as sq
from . import errors as E
from . import policy
from .attachment_files import clean_staging, place_staged, remember_wanted, stage_attachment_files
from .errors import SyncError
from .local import local_keys, schema_digest, schema_version, sync_dir
from .manifest_check import check_manifest
from .package import DATA_FILE, VerifiedPackage, open_package
from .records_check import RecordChecker
from .row_rules import RowApplier
from .split import PartStore, is_part
from .summary import ImportSummary, log_attempt
from .trust import trust_lookup

BLOCK = 1000
DEFAULT_HOLD_DAYS = 5


class _DryRun(Exception):
    pass



def import_files(store, paths, dry_run: bool = False, now: _dt.datetime | None = None,
                 progress=None, cancelled=None) -> list[ImportSummary]:
    """Import several files. Parts of split packages are collected first (any order, any file names),
    so giving all parts at once imports the package once; missing parts leave it waiting (held)."""
    paths = [Path(p) for p in paths]
    out: list[ImportSummary] = []
    jobs: list[tuple[Path, str | None]] = []        # (file to import, sha of a reassembled part group)
    groups: dict[str, dict] = {}
    for p in paths:
        if not is_part(p):
            jobs.append((p, None))
            continue
        try:
            require(store.actor, "sync")
            whole, status = PartStore(sync_dir(store, "parts")).add(p)
        except (SyncError, UserError) as exc:
            s = ImportSummary(str(p), status="rejected", code=getattr(exc, "code", "error"),
                              rejected_reason=exc.message, dry_run=dry_run)
            log_attempt(store, s)
            out.append(s)
            continue
        g = groups.setdefault(status["package_sha256"], {"status": status, "whole": None, "first": p})
        g["status"] = status
        if whole is not None:
            g["whole"] = whole
    for sha, g in groups.items():
        if g["whole"] is not None:
            jobs.append((g["whole"], sha))
        else:
            st = g["status"]
            s = ImportSummary(str(g["first"]), status="held", dry_run=dry_run)
            s.warnings.append(f"分卷已收到 {st['have']}/{st['count']}，其余分卷到齐后将自动合并导入"
                              f"（{st['package_name']}）")
            log_attempt(store, s)
            out.append(s)
    n = max(len(jobs), 1)
    for i, (p, sha) in enumerate(jobs):
        def file_progress(pct, text, i=i):
            if progress:
                progress(int((100 * i + pct) / n), text)
        file_progress(0, f"正在校验 {p.name}")
        s = import_file(store, p, dry_run=dry_run, now=now, progress=file_progress, cancelled=cancelled)
        if sha is not None and s.status != "rejected" and not dry_run:
            PartStore(sync_dir(store, "parts")).discard(sha)
        out.append(s)
    return out


def import_file(store, path, dry_run: bool = False, now: _dt.datetime | None = None,
                fail_after: int | None = None, progress=None, cancelled=None) -> ImportSummary:
    path = Path(path)
    summary = ImportSummary(str(path), dry_run=dry_run)
    try:
        require(store.actor, "sync")
        if is_part(path):
            whole, status = PartStore(sync_dir(store, "parts")).add(path)
            if whole is None:
                summary.status = "held"
                summary.warnings.append(f"分卷已收到 {status['have']}/{status['count']}，"
                                        f"其余分卷到齐后将自动合并导入（{status['package_name']}）")
                return summary
            result = import_file(store, whole, dry_run, now, fail_after, progress, cancelled)
            result.file = str(path)
            if result.status != "rejected" and not dry_run:
                PartStore(sync_dir(store, "parts")).discard(status["package_sha256"])
            return result
        pkg = open_package(path, local_keys(store), trust_lookup(store), schema_version())
        apply_package(store, pkg, summary, dry_run=dry_run, now=now, fail_after=fail_after, progress=progress,
                      cancelled=cancelled)
    except SyncError as exc:
        summary.status, summary.code, summary.rejected_reason = "rejected", exc.code, exc.message
    except UserError as exc:
        summary.status, summary.code, summary.rejected_reason = "rejected", "error", exc.message
    except OSError as exc:                 # the stick was pulled, the disk is full ...
        summary.status, summary.code = "rejected", "io"
        summary.rejected_reason = (f"读写文件时出错（{exc.strerror or exc}），可能是U盘被拔出或磁盘已满；"
                                   "本机数据没有改变，请重新导入。")
    except sqlite3.DatabaseError as exc:   # e.g. a table trigger refused a row: the transaction rolled back
        summary.status, summary.code = "rejected", "database"
        summary.rejected_reason = f"写入数据库时出错（{exc}），本机数据没有改变。"
    except (TypeError, ValueError, KeyError, AttributeError, OverflowError) as exc:
        # last resort for a shape no check foresaw (the checks above name the field): the transaction has
        # rolled back; refuse the package instead of showing a traceback
        summary.status, summary.code = "rejected", E.BAD_MANIFEST
        summary.rejected_reason = (f"同步包内容不符合本程序的格式（{type(exc).__name__}），已拒绝，本机数据没有改变。"
                                   "请让对方用正式版本的程序重新导出。")
    log_attempt(store, summary)
    return summary


def _clock_warnings(m: dict, st: dict | None, now: _dt.datetime) -> list[str]:
    out = []
    try:
        created = _dt.datetime.fromisoformat(m["created_at_local"])
        if created.tzinfo is None:
            created = created.astimezone()
        if abs((created - now).total_seconds()) > 86400:
            out.append(f"对方电脑时间（{m['created_at_local'][:16]}）与本机相差超过1天，请提醒对方校准时钟")
        if st and st.get("last_created_at_local"):
            prev = _dt.datetime.fromisoformat(st["last_created_at_local"])
            if created < prev:
                out.append("本包的生成时间早于上一个已导入的包，对方电脑时钟可能被调回")
    except (KeyError, ValueError, TypeError):
        out.append("同步包生成时间无法识别")
    return out


def apply_package(store, pkg: VerifiedPackage, summary: ImportSummary, dry_run: bool = False,
                  now: _dt.datetime | None = None, fail_after: int | None = None, force: bool = False,
                  progress=None, cancelled=None) -> None:
    conn = store.conn
    me = store.org
    m = pkg.manifest
    sender = m["sender"]["org"]
    summary.package_id, summary.sender, summary.kind = m["package_id"], sender, m["kind"]
    expected = "county" if me.role == "township" else "township"
    if pkg.sender.role != expected or m["sender"].get("role") != expected:
        raise SyncError("role", "乡镇司法所只接受县司法局的同步包，县司法局只接受乡镇司法所的同步包。")
    if m["kind"] not in ("changes", "snapshot"):
        raise SyncError(E.BAD_MANIFEST, f"本程序不能导入类型为“{m['kind']}”的同步包。")
    if m.get("schema_digest") not in (None, schema_digest()):
        raise SyncError(E.SCHEMA, "双方程序的数据库结构不同（版本号相同但迁移不同），请双方升级到相同版本。")
    check_manifest(m, changes=True)
    try:
        seq = m["seq"]
        sid, seq_from, seq_to = str(seq["stream_id"]), int(seq["from"]), int(seq["to"])
        acks = {str(k): int(v) for k, v in (m.get("acks") or {}).items()}
    except (KeyError, TypeError, ValueError) as exc:
        raise SyncError(E.BAD_MANIFEST, "同步包清单中的序号信息不正确。") from exc
    records_total = next(f["records"] for f in m["files"] if f["path"] == DATA_FILE) if any(
        f["path"] == DATA_FILE for f in m["files"]) else 0
    if DATA_FILE not in pkg.files:
        raise SyncError(E.MISSING_FILE, "同步包中没有数据文件。")
    seen = sq.package_seen(conn, m["package_id"])
    if seen:
        summary.status = "ignored"
        summary.ignored = records_total
        summary.warnings.append(f"该同步包已于 {seen['received_at'][:16]} 导入过，本次未做任何更改")
        return
    now_dt = now or _dt.datetime.now().astimezone()
    stamp = now_dt.astimezone(_dt.timezone.utc).isoformat(timespec="seconds")
    st = sq.stream(conn, sid)
    for claimed in (st, sq.stream(conn, seq.get("prev_stream_id")) if seq.get("prev_stream_id") else None):
        if claimed is not None and claimed["org_code"] != sender:
            raise SyncError(E.STREAM, f"同步包声称的数据流属于另一单位（{claimed['org_code']}），"
                                      f"不能由“{sender}”发送，已拒绝（本机数据没有改变）。")
    summary.warnings.extend(_clock_warnings(m, st, now_dt))
    gap = (st is None and seq_from > 1) or (st is not None and seq_from > st["applied_to"] + 1)
    if gap and not force:
        summary.status = "held"
        summary.held = records_total
        have = 0 if st is None else st["applied_to"]
        summary.warnings.append(f"本包从序号 {seq_from} 开始，本机只应用到 {have}，中间缺少的包到达后将自动应用")
        if not dry_run:
            target = sync_dir(store, "held") / f"{m['package_id']}.tspkg"
            if pkg.source and not target.exists():
                shutil.copyfile(pkg.source, target)
            with store.transaction():
                for s, v in acks.items():
                    sq.record_ack(conn, sender, s, v, stamp)
                sq.hold(conn, {"package_id": m["package_id"], "sender_org": sender, "stream_id": sid,
                               "seq_from": seq_from, "seq_to": seq_to, "file": str(target), "held_at": stamp,
                               "reason": summary.warnings[-1]})
        return
    if not dry_run:
        _backup(store)
        clean_staging(store)
    staged: list = []
    others = [s for s in sq.streams_of(conn, sender) if s["stream_id"] != sid] if st is None else []
    reconciling = me.role == "county" and st is None and bool(others)
    tables = set(sq.synced_tables(conn))
    locks = sq.locked_periods(conn, sender) if me.role == "county" else set()
    try:
        with store.transaction():
            for s, v in acks.items():
                sq.record_ack(conn, sender, s, v, stamp)
            ctx = RowApplier(store, me, sender, sid, m["package_id"], stamp, tables, locks, reconciling, force,
                            fail_after, summary)
            ctx.checker = RecordChecker(sender, pkg.sender.role,
                                        lambda t: store.columns(t) if t in tables else None)
            block = []
            for entry in pkg.records(DATA_FILE):
                block.append(entry)
                if len(block) >= BLOCK:
                    ctx.run(block)
                    block = []
                    if cancelled is not None and cancelled():
                        raise UserError("已取消导入，本机数据没有任何改变。")
                    if progress is not None:
                        progress(int(95 * ctx.done / max(records_total, 1)),
                                 f"正在写入 {ctx.done}/{records_total} 条记录")
            ctx.run(block)
            sq.upsert_stream(conn, sid, sender, seq_to, seq.get("prev_stream_id"), m["created_at_local"], stamp)
            if me.role == "county" and isinstance(m.get("state_digest"), dict):
                keep = lambda t, r: policy.goes_up(t, r, sender)  # noqa: E731
                mine = sq.state_digest(conn, sender, sorted(tables), keep)
                if mine != m["state_digest"]:
                    summary.warnings.append("导入后本机保存的该所数据与对方的状态摘要不一致，已记录待核对")
                    ctx.digest_mismatch = {"theirs": m["state_digest"], "ours": mine}
            if reconciling:
                sq.set_stream_status(conn, sender, sid, "superseded")
                missing = sum(len(sq.ids_owned(conn, t, sender)) for t in tables
                              if t not in policy.LOCAL_UP_TABLES) - (m.get("state_digest") or {}).get("rows", 0)
                sq.open_reconciliation(conn, sender, others[-1]["stream_id"], sid, {
                    "reason": "乡镇启用了新的数据流（可能从备份恢复或重装），需要核对",
                    "regressions": ctx.regressions, "extra_rows_at_county": max(missing, 0),
                    "digest_mismatch": ctx.digest_mismatch}, stamp)
                summary.warnings.append(f"该所启用了新的数据流（可能从备份恢复），已打开核对任务；"
                                        f"{ctx.regressions} 条记录版本回退，未覆盖本机数据")
            result = "applied" if (summary.imported or summary.updated) else "ignored"
            summary.status = result
            sq.record_package(conn, {
                "package_id": m["package_id"], "sha256": pkg.outer_sha256, "sender_org": sender, "kind": m["kind"],
                "stream_id": sid, "seq_from": seq_from, "seq_to": seq_to,
                "created_at_local": m["created_at_local"], "received_at": stamp, "result": result,
                "summary": json.dumps({k: getattr(summary, k) for k in ("imported", "updated", "ignored")} |
                                      {"conflicts": len(summary.conflicts)}, ensure_ascii=False)})
            if force:
                sq.unhold(conn, m["package_id"])
            _record_audit_head(conn, me, sender, sid, m, stamp, summary)
            if ctx.checker.out_of_range:
                summary.warnings.append(f"{ctx.checker.out_of_range} 条记录含超出范围的日期或金额，已导入并在预警中"
                                        "列为“DQ-01 数据异常”，请对方更正")
            if ctx.checker.case_status_off:
                summary.warnings.append(f"{ctx.checker.case_status_off} 条案件的办理状态与其日期不符（应按决定日期、"
                                        "结案日期确定），已按原样导入，请对方用新版本保存后重新同步")
            if me.role == "county":
                from sifasuo_desktop.store.documents_queries import duplicate_doc_nos

                dups = duplicate_doc_nos(conn, sender)
                if dups:
                    summary.warnings.append(f"{len(dups)} 个文号与本县其他文书重复（{'、'.join(dups[:5])}"
                                            f"{'等' if len(dups) > 5 else ''}），已导入并在预警中列为"
                                            "“DQ-02 重复编号”，请核对发文机关和机关代字")
            if dry_run:
                raise _DryRun()
            staged = stage_attachment_files(store, pkg, ctx.attachments, sender)   # before the commit
    except _DryRun:
        return
    place_staged(store, staged, summary)
    if me.role == "township":
        remember_wanted(store, m.get("want_files") or [])
    _release_held(store, sender, sid, summary, now)



def _record_audit_head(conn, me, sender: str, sid: str, m: dict, stamp: str, summary) -> None:
    """County: keep the township's audit chain head of every package (its history of heads). A head that
    goes back on the same stream means entries were removed from the township's audit log."""
    head = m.get("audit_head")
    if me.role != "county" or not isinstance(head, dict):
        return
    last = sq.last_audit_head(conn, sender)
    if last is not None and last["stream_id"] == sid and (
            head["seq"] < last["seq"] or (head["seq"] == last["seq"] and head["hash"] != last["hash"])):
        summary.warnings.append(f"该所审计日志的链头（第{head['seq']}条）早于或不同于上次收到的（第{last['seq']}条），"
                                "审计记录可能被删除或改写，请核查")
    sq.add_audit_head(conn, sender, sid, head["seq"], head["hash"], m["package_id"], stamp)



def _release_held(store, sender: str, sid: str, summary: ImportSummary, now) -> None:
    """Apply held packages of this stream whose gap is now filled."""
    while True:
        st = sq.stream(store.conn, sid)
        ready = [h for h in sq.held(store.conn, sender)
                 if h["stream_id"] == sid and h["seq_from"] <= st["applied_to"] + 1]
        if not ready:
            return
        h = ready[0]
        with store.transaction():
            sq.unhold(store.conn, h["package_id"])
        result = import_file(store, h["file"], now=now)
        summary.released.append(result)
        Path(h["file"]).unlink(missing_ok=True)


def _backup(store) -> None:
    folder = Path(store.data_dir) / "backups"
    stamp = _dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    store.backup_to(folder / f"pre-sync-{stamp}.sqlite3")
    old = sorted(folder.glob("pre-sync-*.sqlite3"))
    for p in old[:-5]:  # keep the five newest pre-import copies
        p.unlink(missing_ok=True)
