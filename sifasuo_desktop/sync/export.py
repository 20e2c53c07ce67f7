"""Export of sync packages (sync.md §3.4). Township -> county: every owned record changed since the county's
last acknowledgement of the current stream (the first package of a stream carries the whole owned state).
County -> township: county catalogs, pushed settings and documents addressed to that township, since the
township's last acknowledgement of the county's stream. Every package carries acks for the other side's streams."""
from __future__ import annotations

import datetime as _dt
import json
from dataclasses import dataclass, field
from pathlib import Path

from .. import fsutil
from ..domain import limits
from ..domain.errors import UserError
from ..domain.permissions import require
from ..store import sync_queries as sq
from . import policy
from .attachment_files import attachment_files, wanted_files
from .local import local_keys, schema_digest, schema_version, sync_dir
from .naming import package_file_name, unique_path
from .package import DATA_FILE, build_manifest, ndjson_gz, seal_package
from .split import split_package

BLOCK = 1000        # records fetched per query while the package is written
from .trust import peer_identity


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
    stream = _Outgoing(conn, keep, row_map, me.role == "township" and full)
    if full:
        records = stream.full(tables, me.code, sid, to)
        seq_from = 1
    else:
        records = stream.changes(sid, acked, to)
        seq_from = acked + 1
    gz, n = ndjson_gz(records)
    counts = stream.counts
    files = {DATA_FILE: gz}
    files.update(attachment_files(store, stream.attachments))
    if me.role == "township":
        files.update(wanted_files(store, files))
    extra = {
        "sender": {"stream_id": sid, "node_id": store.installation_id, "name": me.name},
        "seq": {"stream_id": sid, "from": seq_from, "to": to, "prev_stream_id": store.meta("prev_stream_id")},
        "full": full, "counts": counts,
        "acks": sq.acks_for_peer(conn, peer.org_code),
        "open_conflicts": len(sq.conflicts(conn, True, peer.org_code)),
        "schema_digest": schema_digest(),
        "contains_personal_data": me.role == "township",
    }
    if me.role == "county":
        extra["want_files"] = sq.missing_attachment_shas(conn, peer.org_code, store.attachments_dir(),
                                                         limits.attachment_path_problem)
    head = store.audit_head()
    if head is not None:
        extra["audit_head"] = head
    if me.role == "township":
        extra["state_digest"] = stream.digest.result() if full else sq.state_digest(conn, me.code, tables, keep,
                                                                                     row_map)
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
    from .setup import note_export  # what was last sent, for the 同步 page (issue 18)

    note_export(store, result, peer.org_code)
    return result


class _Outgoing:
    """The package's records as a stream, in seq order, block by block (sync.md §3.4): a full export sends the
    owned rows older than the stream (seq 0, table by table, by id) and then every record the stream changed;
    an incremental one the records changed since the peer's ack. Counts per table, the attachment rows and (for
    a full township export) the state digest are gathered on the way."""

    def __init__(self, conn, keep, row_map, digest: bool):
        self.conn, self.keep, self.row_map = conn, keep, row_map
        self.counts: dict[str, int] = {}
        self.attachments: list[dict] = []
        self.digest = sq.StateDigest() if digest else None

    def _entry(self, seq: int, table: str, row: dict) -> dict:
        row = self.row_map(table, row)
        self.counts[table] = self.counts.get(table, 0) + 1
        if table == "attachments":
            self.attachments.append(row)
        if self.digest is not None:
            self.digest.add(table, row)
        return {"seq": seq, "table": table, "row": row}

    def full(self, tables, owner: str, sid: str, to: int):
        for t in tables:
            for row in sq.owned_rows_unlogged(self.conn, t, owner, sid, to):
                if self.keep(t, row):
                    yield self._entry(0, t, row)
        yield from self.changes(sid, 0, to, set(tables))

    def changes(self, sid: str, after: int, to: int, tables: set | None = None):
        block: list[tuple[str, str, int]] = []
        for rec in sq.iter_changed_records(self.conn, sid, after, to):
            if tables is None or rec[0] in tables:
                block.append(rec)
            if len(block) >= BLOCK:
                yield from self._block(block)
                block = []
        yield from self._block(block)

    def _block(self, block):
        by_table: dict[str, list[str]] = {}
        for t, i, _s in block:
            by_table.setdefault(t, []).append(i)
        rows = {t: sq.fetch_rows(self.conn, t, ids) for t, ids in by_table.items()}
        for t, i, s in block:
            row = rows[t].get(i)
            if row is not None and self.keep(t, row):
                yield self._entry(s, t, row)
