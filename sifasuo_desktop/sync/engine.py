"""Export and import of sync packages against the Store (sync.md §3.4-3.6).

Township -> county: every owned record changed since the county's last acknowledgement of the
current stream (the first package of a stream carries the whole owned state). County -> township:
county catalogs, pushed settings and documents addressed to that township, since the township's last
acknowledgement of the county's stream. Every package carries acks for the other side's streams.
Import verifies everything first, holds packages that leave a gap, backs up, applies in one
transaction with the §3.5 conflict rules and returns an ImportSummary.
"""
from __future__ import annotations

import datetime as _dt
import json
import shutil
import sqlite3
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..domain import limits
from ..domain.errors import UserError
from .. import fsutil
from ..domain.permissions import require
from ..store import sync_queries as sq
from ..store.migrations import known_names
from ..store.schema import SYNC_COLUMN_NAMES
from ..store.sync_apply import apply_remote_rows
from . import errors as E
from . import policy
from .errors import SyncError
from .keys import LocalKeys, PublicIdentity, b64d, b64e
from .naming import package_file_name, unique_path
from .package import VerifiedPackage, build_manifest, ndjson_gz, open_package, seal_package
from .manifest_check import check_manifest
from .records_check import RecordChecker
from .split import PartStore, is_part, split_package

DATA_FILE = "data/changes-0001.ndjson.gz"
BLOCK = 1000
DEFAULT_HOLD_DAYS = 5


def schema_version() -> int:
    return len(known_names())


now_utc = sq.now_utc


def sync_dir(store, *parts) -> Path:
    p = Path(store.data_dir, "sync", *parts)
    p.mkdir(parents=True, exist_ok=True)
    return p


def local_keys(store) -> LocalKeys:
    org = store.org
    keys = LocalKeys.load_or_create(store.data_dir, org.code, org.name, org.role)
    if keys.org_code != org.code or keys.role != org.role:
        raise SyncError(E.KEYSTORE, "本机同步密钥属于其他机构，与当前数据文件夹不符。")
    return keys


# ---- trust ---------------------------------------------------------------------------------------
def _ident(rec: dict) -> PublicIdentity:
    return PublicIdentity(rec["org_code"], rec["org_name"] or "", rec["role"], b64d(rec["sign_pub"], 32),
                          b64d(rec["box_pub"], 32), rec["trusted_at"], rec["revoked_at"])


def trust_lookup(store):
    def lookup(org: str, key_id: str):
        rec = sq.trusted_key(store.conn, org, key_id)
        return _ident(rec) if rec else None
    return lookup


def trust_identity(store, ident: PublicIdentity) -> dict:
    """Pin the other side's public keys (after the fingerprint was confirmed). County: registers a township."""
    require(store.actor, "keys")
    me = store.org
    if ident.org_code == me.code:
        raise UserError("这是本机自己的身份文件，不需要信任。请导入对方（县司法局或乡镇司法所）的身份文件。")
    if me.role == "township":
        if ident.role != "county":
            raise UserError(f"乡镇司法所只能信任县司法局的身份文件，而“{ident.org_name}”是乡镇司法所。")
        if me.parent_code and ident.org_code != me.parent_code:
            raise UserError(f"身份文件属于“{ident.org_name}”（{ident.org_code}），不是本所的上级（{me.parent_code}）。")
    elif ident.role != "township":
        raise UserError(f"县司法局只能登记乡镇司法所的身份文件，而“{ident.org_name}”是县级机构。")
    rec = {"key_id": ident.key_id, "org_code": ident.org_code, "org_name": ident.org_name, "role": ident.role,
           "sign_pub": b64e(ident.sign_pub), "box_pub": b64e(ident.box_pub), "fingerprint": ident.fingerprint,
           "trusted_at": now_utc(), "trusted_by": store.actor.username}
    with store.transaction():
        old = sq.trusted_key(store.conn, ident.org_code, ident.key_id)
        if old and old["revoked_at"]:
            raise UserError(f"该密钥（编号 {ident.key_id}）已被吊销，不能再次信任。")
        sq.add_trusted_key(store.conn, rec)
        if me.role == "county" and not store.rows("orgs", "code = ?", (ident.org_code,)):
            store.insert("orgs", {"code": ident.org_code, "name": ident.org_name, "role": "township",
                                  "parent_code": me.code}, owner_org=me.code)
    return rec


def revoke(store, key_id: str) -> None:
    require(store.actor, "keys")
    with store.transaction():
        if not sq.revoke_key(store.conn, key_id, now_utc()):
            raise UserError(f"没有找到未吊销的密钥“{key_id}”。")


def peer_identity(store, peer_org: str | None = None) -> PublicIdentity:
    me = store.org
    want_role = "county" if me.role == "township" else "township"
    keys = [k for k in sq.trusted_keys(store.conn, want_role) if not k["revoked_at"]]
    if peer_org:
        keys = [k for k in keys if k["org_code"] == peer_org]
    if not keys:
        if me.role == "township":
            raise UserError("还没有导入县司法局的身份文件，请先运行 sifasuo trust 县局身份文件。")
        if peer_org:
            raise UserError(f"乡镇“{peer_org}”尚未登记（没有可用的密钥），请先导入该所的身份文件。")
        raise UserError("县司法局导出同步包时必须指定乡镇（--to 机构代码）。")
    orgs = {k["org_code"] for k in keys}
    if len(orgs) > 1:
        raise UserError("已登记多个乡镇，请用 --to 指定要发给哪个乡镇。")
    return _ident(keys[-1])  # the newest trusted key of that org


# ---- export --------------------------------------------------------------------------------------
@dataclass
class ExportResult:
    paths: list
    manifest: dict
    records: int
    warnings: list = field(default_factory=list)

    def text(self) -> str:
        s = self.manifest["seq"]
        files = "、".join(Path(p).name for p in self.paths)
        return (f"已导出同步包：{files}（{self.records} 条记录，序号 {s['from']}–{s['to']}"
                f"{'，完整状态' if self.manifest.get('full') else ''}）"
                + ("。提示：" + "；".join(self.warnings) if self.warnings else ""))


def _stream_state_path(store) -> Path:
    return sync_dir(store) / "stream-state.json"


def _check_stream(store, peer_org: str) -> None:
    """Detect a restore from backup (change_log rolled back) and start a new stream."""
    sid = store.stream_id
    top = sq.max_seq(store.conn, sid)
    try:
        state = json.loads(_stream_state_path(store).read_text("utf-8"))
    except (OSError, ValueError):
        state = {}
    rolled_back = (state.get("stream_id") == sid and int(state.get("exported_to", 0)) > top) or \
        sq.acked_to(store.conn, peer_org, sid) > top
    if rolled_back:
        with store.transaction():
            store.set_meta("prev_stream_id", sid)
            store.new_stream()


def export_package(store, out, peer_org: str | None = None, *, snapshot: bool = False,
                   split_cap: int | None = None, now: _dt.datetime | None = None) -> ExportResult:
    require(store.actor, "sync")
    fsutil.check_output_path(out, store.data_dir, allow=("sync/outbox",))
    me = store.org
    keys = local_keys(store)
    peer = peer_identity(store, peer_org)
    _check_stream(store, peer.org_code)
    conn = store.conn
    sid = store.stream_id
    to = sq.max_seq(conn, sid)
    acked = min(sq.acked_to(conn, peer.org_code, sid), to)
    full = snapshot or acked == 0
    tables = sq.synced_tables(conn)
    if me.role == "township":
        keep = lambda t, r: policy.goes_up(t, r, me.code)  # noqa: E731
        full_fields = set(store.get_setting(policy.PERSONAL_SETTING, list(policy.DEFAULT_FULL_PERSONAL)) or [])
        row_map = lambda t, r: policy.outgoing_row(t, policy.finite_row(r), full_fields)  # noqa: E731
    else:
        keep = lambda t, r: policy.goes_down(t, r, me.code, peer.org_code)  # noqa: E731
        row_map = lambda t, r: policy.finite_row(r)  # noqa: E731
    entries = []
    if full:
        seq_of = {(t, i): s for t, i, s in sq.changed_records(conn, sid, 0, to)}
        for t in tables:
            for row in sq.owned_rows(conn, t, me.code):
                if keep(t, row):
                    entries.append((seq_of.get((t, row["id"]), 0), t, row))
        seq_from = 1
    else:
        changed = sq.changed_records(conn, sid, acked, to)
        by_table: dict[str, list[str]] = {}
        for t, i, _s in changed:
            by_table.setdefault(t, []).append(i)
        rows = {t: sq.fetch_rows(conn, t, ids) for t, ids in by_table.items()}
        for t, i, s in changed:
            row = rows[t].get(i)
            if row is not None and keep(t, row):
                entries.append((s, t, row))
        seq_from = acked + 1
    entries = [(s_, t, row_map(t, r)) for s_, t, r in entries]
    entries.sort(key=lambda e: e[0])
    counts: dict[str, int] = {}
    for _, t, _ in entries:
        counts[t] = counts.get(t, 0) + 1
    gz, n = ndjson_gz({"seq": s, "table": t, "row": r} for s, t, r in entries)
    files = {DATA_FILE: gz}
    files.update(_attachment_files(store, entries))
    if me.role == "township":
        files.update(_wanted_files(store, files))
    extra = {
        "sender": {"stream_id": sid, "node_id": store.installation_id, "name": me.name},
        "seq": {"stream_id": sid, "from": seq_from, "to": to, "prev_stream_id": store.meta("prev_stream_id")},
        "full": full, "counts": counts,
        "acks": sq.acks_for_peer(conn, peer.org_code),
        "open_conflicts": len(sq.conflicts(conn, True, peer.org_code)),
        "schema_digest": _schema_digest(),
        "contains_personal_data": me.role == "township",
    }
    if me.role == "county":
        extra["want_files"] = sq.missing_attachment_shas(conn, peer.org_code, store.attachments_dir(),
                                                         limits.attachment_path_problem)
    head = store.audit_head()
    if head is not None:
        extra["audit_head"] = head
    if me.role == "township":
        extra["state_digest"] = sq.state_digest(conn, me.code, tables, keep, row_map)
    kind = "snapshot" if snapshot else "changes"
    manifest = build_manifest(sender=keys, recipient=peer, kind=kind, schema_version=schema_version(),
                              files=files, records={DATA_FILE: n}, extra=extra)
    total = sum(len(b) for b in files.values())
    if total > limits.MAX_PACKAGE_BYTES - 1024 * 1024:
        raise UserError(f"同步包内容有 {total // 2**20} MB，超过上限 {limits.MAX_PACKAGE_BYTES // 2**20} MB"
                        "（对方无法导入）。请先分批导出附件较多的记录。")
    if now is not None:
        manifest["created_at_local"] = now.astimezone().replace(microsecond=0).isoformat()
    name = package_file_name(me.code, peer.org_code, kind, sid, seq_from, to, now)
    out = Path(out)
    path = unique_path(out, name) if out.is_dir() else out
    seal_package(path, manifest, files, keys, peer)
    try:
        _stream_state_path(store).write_text(json.dumps({"stream_id": sid, "exported_to": to}), "utf-8")
    except OSError:
        pass
    paths = split_package(path, split_cap) if split_cap else [path]
    result = ExportResult(paths, manifest, n)
    held_back = sq.count_local_attachments(conn, me.code, policy.attachment_travels)
    if held_back:
        result.warnings.append(f"{held_back} 个附件的文件名或类型不符合要求（如可执行文件、名称过长），未同步，"
                               "请删除后改为文档或图片重新添加")
    return result


def _attachment_files(store, entries) -> dict[str, bytes]:
    """Scans/attachments listed in the package travel as content-addressed files/<sha256>."""
    rows = [r for _s, t, r in entries if t == "attachments"]
    return _read_attachment_files(store, rows)


def _read_attachment_files(store, rows, out: dict | None = None) -> dict[str, bytes]:
    import hashlib
    out = {} if out is None else out
    for r in rows:
        if r.get("deleted") or not r.get("sha256") or not r.get("stored_path"):
            continue
        name = f"files/{r['sha256']}"
        if name in out or not _safe_rel(r["stored_path"]):
            continue
        try:
            data = (store.attachments_dir() / r["stored_path"]).read_bytes()
        except OSError:
            continue            # the row still travels; the file can follow in a later package
        if hashlib.sha256(data).hexdigest() == r["sha256"]:
            out[name] = data
    return out


def _wanted_path(store) -> Path:
    return sync_dir(store) / "wanted-files.json"


def _wanted_files(store, have: dict) -> dict[str, bytes]:
    """Township: the files the county's last package asked for again (their rows travelled before)."""
    try:
        wanted = json.loads(_wanted_path(store).read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(wanted, list):
        return {}
    shas = [w for w in wanted if isinstance(w, str) and limits.HEX64.match(w) and f"files/{w}" not in have]
    rows = sq.attachments_by_sha(store.conn, store.org.code, shas)
    return _read_attachment_files(store, rows)


def _safe_rel(path: str) -> bool:
    """A stored_path that may be written and opened below attachments/ (domain.limits is the rule)."""
    return limits.attachment_path_problem(path) is None


STAGING = ".staging"


def _stage_attachment_files(store, pkg: VerifiedPackage, rows: list[dict], sender: str) -> list[tuple[Path, Path]]:
    """Write the package's attachment files to attachments/.staging/<package> BEFORE the commit (an error
    here rolls the import back); returns (staged file, final path) pairs to rename after the commit.
    Files that answer a county's request for missing files are matched to existing rows by hash."""
    import hashlib
    import os
    root = store.attachments_dir()
    targets: dict[str, Path] = {}
    for r in rows:
        if r.get("deleted") or not r.get("sha256") or not _safe_rel(r.get("stored_path") or ""):
            continue
        targets[str(root / r["stored_path"])] = r["sha256"]
    offered = {name[6:] for name in pkg.files if name.startswith("files/")}
    if offered:
        for r in sq.attachments_by_sha(store.conn, sender, sorted(offered)):
            if _safe_rel(r.get("stored_path") or ""):
                targets.setdefault(str(root / r["stored_path"]), r["sha256"])
    stage = root / STAGING / pkg.package_id
    out = []
    for i, (dest, sha) in enumerate(sorted(targets.items())):
        data = pkg.files.get(f"files/{sha}")
        dest = Path(dest)
        if data is None or dest.exists() or hashlib.sha256(data).hexdigest() != sha:
            continue
        stage.mkdir(parents=True, exist_ok=True)
        tmp = stage / f"{i:06d}"
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        out.append((tmp, dest))
    return out


def _place_staged(store, staged: list[tuple[Path, Path]], summary) -> int:
    """After the commit: move staged files into place. A failure here only leaves the file missing;
    the county asks for it again in its next package (want_files)."""
    import os
    placed = 0
    for tmp, dest in staged:
        try:
            dest.parent.mkdir(parents=True, exist_ok=True)
            os.replace(tmp, dest)
            placed += 1
        except OSError:
            summary.warnings.append(f"附件“{dest.name[:60]}”未能保存，下次同步时将请求对方重新发送")
    for tmp, _ in staged[:1]:
        shutil.rmtree(tmp.parent, ignore_errors=True)
    return placed


def _clean_staging(store, max_age_s: int = 3600) -> None:
    """Leftovers of an import killed between commit and rename (the county asks for those files again)."""
    import time
    folder = Path(store.data_dir) / "attachments" / STAGING
    try:
        old = [p for p in folder.iterdir() if time.time() - p.stat().st_mtime > max_age_s]
    except OSError:
        return
    for p in old:
        shutil.rmtree(p, ignore_errors=True)


def _schema_digest() -> str:
    import hashlib
    return hashlib.sha256("\n".join(known_names()).encode()).hexdigest()[:16]


# ---- import --------------------------------------------------------------------------------------
@dataclass
class ImportSummary:
    file: str
    status: str = "applied"           # applied | ignored | held | rejected
    package_id: str | None = None
    sender: str | None = None
    kind: str | None = None
    imported: int = 0
    updated: int = 0
    ignored: int = 0
    held: int = 0
    conflicts: list = field(default_factory=list)
    rejected_reason: str | None = None
    code: str | None = None
    warnings: list = field(default_factory=list)
    released: list = field(default_factory=list)
    dry_run: bool = False

    @property
    def exit_code(self) -> int:
        return {"rejected": 4, "held": 3}.get(self.status, 0)

    def to_dict(self) -> dict:
        d = asdict(self)
        d["released"] = [r.to_dict() if isinstance(r, ImportSummary) else r for r in self.released]
        return d

    def text(self) -> str:
        name = Path(self.file).name
        pre = "【试运行，未写入】" if self.dry_run else ""
        if self.status == "rejected":
            return f"{pre}{name}：已拒绝。原因：{self.rejected_reason}"
        if self.status == "held":
            return f"{pre}{name}：已暂存，等待缺失的同步包或分卷。{'；'.join(self.warnings)}"
        line = (f"{pre}{name}：新增 {self.imported} 条，更新 {self.updated} 条，忽略 {self.ignored} 条，"
                f"冲突 {len(self.conflicts)} 条")
        if self.status == "ignored":
            line += "（重复或无新内容）"
        if self.warnings:
            line += "。提示：" + "；".join(self.warnings)
        for r in self.released:
            line += "\n  " + r.text()
        return line


def exit_code(summaries) -> int:
    codes = {s.exit_code for s in summaries}
    return 4 if 4 in codes else 3 if 3 in codes else 0


class _DryRun(Exception):
    pass


def _log_attempt(store, summary: ImportSummary) -> None:
    """Every import attempt, with its result, in a file beside the database (not in it)."""
    try:
        rec = {"at": now_utc(), "file": summary.file, "status": summary.status, "package_id": summary.package_id,
               "sender": summary.sender, "code": summary.code, "reason": summary.rejected_reason,
               "imported": summary.imported, "updated": summary.updated, "ignored": summary.ignored,
               "conflicts": len(summary.conflicts), "dry_run": summary.dry_run}
        with open(sync_dir(store) / "import-log.ndjson", "a", encoding="utf-8") as fh:
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    except OSError:
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
            _log_attempt(store, s)
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
            _log_attempt(store, s)
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
    _log_attempt(store, summary)
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
    if m.get("schema_digest") not in (None, _schema_digest()):
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
        _clean_staging(store)
    staged: list = []
    others = [s for s in sq.streams_of(conn, sender) if s["stream_id"] != sid] if st is None else []
    reconciling = me.role == "county" and st is None and bool(others)
    tables = set(sq.synced_tables(conn))
    locks = sq.locked_periods(conn, sender) if me.role == "county" else set()
    try:
        with store.transaction():
            for s, v in acks.items():
                sq.record_ack(conn, sender, s, v, stamp)
            ctx = _ApplyCtx(store, me, sender, sid, m["package_id"], stamp, tables, locks, reconciling, force,
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
            if me.role == "county":
                from sifasuo_desktop.store.documents_queries import duplicate_doc_nos

                dups = duplicate_doc_nos(conn, sender)
                if dups:
                    summary.warnings.append(f"{len(dups)} 个文号与本县其他文书重复（{'、'.join(dups[:5])}"
                                            f"{'等' if len(dups) > 5 else ''}），已导入并在预警中列为"
                                            "“DQ-02 重复编号”，请核对发文机关和机关代字")
            if dry_run:
                raise _DryRun()
            staged = _stage_attachment_files(store, pkg, ctx.attachments, sender)   # before the commit
    except _DryRun:
        return
    _place_staged(store, staged, summary)
    if me.role == "township":
        _remember_wanted(store, m.get("want_files") or [])
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


def _remember_wanted(store, shas: list) -> None:
    try:
        _wanted_path(store).write_text(json.dumps(sorted(set(shas))), "utf-8")
    except OSError:
        pass


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


class _ApplyCtx:
    """Row-by-row decisions of sync.md §3.5, written in blocks through store.sync_apply."""

    def __init__(self, store, me, sender, sid, package_id, stamp, tables, locks, reconciling, force,
                 fail_after, summary):
        self.store, self.me, self.sender, self.sid = store, me, sender, sid
        self.package_id, self.stamp, self.tables, self.locks = package_id, stamp, tables, locks
        self.reconciling, self.force, self.fail_after, self.summary = reconciling, force, fail_after, summary
        self.done = 0
        self.regressions = 0
        self.digest_mismatch = None
        self.attachments: list[dict] = []
        self.actor = f"sync:{sender}"
        self.checker: RecordChecker | None = None

    def conflict(self, kind: str, reason: str, table: str, row: dict, stored: dict | None) -> None:
        fields = sorted(k for k in row if k not in SYNC_COLUMN_NAMES and stored is not None
                        and stored.get(k) != row.get(k)) if isinstance(row, dict) else []
        rec = {"type": kind, "reason": reason, "table_name": table, "record_id": str(row.get("id")),
               "owner_org": row.get("owner_org"), "sender_org": self.sender,
               "local_version": stored["version"] if stored else None, "incoming_version": row.get("version"),
               "local_hash": sq.row_hash(stored) if stored else None, "incoming_hash": sq.row_hash(row),
               "conflicting_fields": json.dumps(fields, ensure_ascii=False),
               "incoming_row": json.dumps(row, ensure_ascii=False), "package_id": self.package_id,
               "stream_id": self.sid, "created_at": self.stamp}
        sq.add_conflict(self.store.conn, rec)
        self.summary.conflicts.append({"type": kind, "reason": reason, "table": table, "id": rec["record_id"]})

    def run(self, block: list[dict]) -> None:
        if not block:
            return
        conn = self.store.conn
        by_table: dict[str, list[dict]] = {}
        for e in block:
            table, row = self.checker.entry(e)
            if table in self.tables:
                self.checker.row(table, row)     # type and range of every field, before anything is applied
            elif "id" not in row or not isinstance(row["id"], str):
                raise SyncError(E.CORRUPT, "同步包中的记录格式不正确。")
            by_table.setdefault(table, []).append(row)
        for table, rows in by_table.items():
            if table not in self.tables:
                for row in rows:
                    self.conflict("hard", "本机没有这个数据表", table, row, None)
                continue
            existing = sq.fetch_rows(conn, table, [r["id"] for r in rows])
            items = []
            for row in rows:
                stored = existing.get(row["id"])
                action = self.decide(table, row, stored)
                if action:
                    items.append((stored, row))
                    if table == "attachments":
                        self.attachments.append(row)
                    if action == "insert":
                        self.summary.imported += 1
                    else:
                        self.summary.updated += 1
                    if self.force:
                        self.conflict("soft", "跳过缺失的同步包强制应用", table, row, stored)
                self.done += 1
                if self.fail_after is not None and self.done >= self.fail_after:
                    apply_remote_rows(self.store, table, items, self.actor)
                    raise RuntimeError(f"injected failure after {self.done} rows")
            apply_remote_rows(self.store, table, items, self.actor)

    def decide(self, table: str, row: dict, stored: dict | None) -> str | None:
        county = self.me.role == "county"
        if county:
            owner_ok = (row.get("owner_org") == self.sender and table not in policy.COUNTY_ONLY_TABLES
                        and table not in policy.LOCAL_UP_TABLES)
            why = "乡镇不能修改县局所有的数据（目录、标准、设置）或其他乡镇的数据"
        else:
            owner_ok = row.get("owner_org") == self.sender and policy.goes_down(table, row, self.sender,
                                                                                 self.me.code)
            why = "县局同步包中含有不应发给本所的数据"
        if not owner_ok:
            self.conflict("hard", why, table, row, stored)
            return None
        if county and self.locks:
            period = policy.period_of(table, row)
            if period in self.locks:
                self.conflict("locked", f"{period} 期间已被县局锁定（已验收），需先解锁", table, row, stored)
                return None
        if stored is None:
            return "insert"
        if stored["owner_org"] != row["owner_org"]:
            if table == "settings" and not county:
                return "update"  # a county-managed setting replaces the township's local value
            self.conflict("hard", "本机已有同编号但归属不同的记录", table, row, stored)
            return None
        if row["version"] > stored["version"]:
            return "update"
        if row["version"] == stored["version"]:
            if sq.row_hash(row) == sq.row_hash(stored):
                self.summary.ignored += 1
                return None
            self.conflict("hard", "版本号相同但内容不同（可能是恢复备份、程序错误或被篡改）", table, row, stored)
            return None
        if self.reconciling:
            self.regressions += 1
            self.conflict("soft", "版本回退：乡镇的记录比县局已有的旧（可能从备份恢复），未覆盖", table, row, stored)
        else:
            self.summary.ignored += 1
        return None


# ---- operator actions live in decisions.py; re-exported so callers keep using engine.<name> ---------
from .decisions import (close_reconciliation, force_held, lock_period, resolve_conflict,  # noqa: E402,F401
                        township_status, unlock_period)
