"""The Store: one SQLite file per data folder; every write audited and change-logged in one transaction."""
from __future__ import annotations

import contextlib
import datetime as _dt
import hashlib
import json
import os
import shutil
import sqlite3
import threading
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from sifasuo_desktop.domain.errors import ConflictError, UserError, os_error_text
from sifasuo_desktop.domain.ledgers import LEDGERS
from sifasuo_desktop.domain.validators import NUMBER_FIELDS, normalize_number, split_party_id
from sifasuo_desktop.domain.permissions import SYSTEM, Actor, field_change_actions, require
from sifasuo_desktop.domain import record_state as _state
from sifasuo_desktop import fsutil
from sifasuo_desktop.paths import db_path

from . import folder_lock as _folder_lock
from . import migrations as _migrations
from . import search_grams as _search_grams
from .search_text import search_text as _search_text
from .schema import SYNC_COLUMN_NAMES, table_columns

GENESIS_HASH = "0" * 64
SCHEMA_TOO_NEW = "数据文件由更新版本的程序创建（含未知的数据库结构版本：{names}），本程序无法打开。请升级程序后再试。"


class StoreError(UserError):
    pass


# Derived records: per-table callbacks `hook(store, table, record_id, before)` run inside the write's
# transaction after Store.insert/update/bulk_insert (e.g. store/cert_events.py keeps an officer's status in
# step with the certificate events). A hook's own writes do not run hooks again. Sync apply bypasses them:
# the derived rows travel themselves.
WRITE_HOOKS: dict[str, list[Callable]] = {}


@dataclass(frozen=True)
class OrgInfo:
    code: str
    name: str
    role: str  # 'township' | 'county'
    parent_code: str | None = None

    @property
    def role_label(self) -> str:
        return "县司法局" if self.role == "county" else "乡镇司法所"


@dataclass
class Changes:
    """What a committed write batch touched; views decide from this whether to refresh."""

    tables: set[str] = field(default_factory=set)
    records: set[tuple[str, str]] = field(default_factory=set)

    def add(self, table: str, record_id: str) -> None:
        self.tables.add(table)
        self.records.add((table, record_id))

    def touches(self, *tables: str) -> bool:
        return bool(self.tables.intersection(tables))

    def __bool__(self) -> bool:
        return bool(self.tables)


# said before an existing database is upgraded (Store.needs_upgrade): minutes at county scale, and a clerk who sees
# nothing for that long switches the PC off
UPGRADE_NOTICE = ("正在升级数据文件以适配新版本程序（每次升级只做一次；数据多时需要几分钟，县局汇总数据可能需要更久）。"
                  "升级前已自动备份，请不要关闭程序或电脑。")


def utc_now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="milliseconds")


def new_id() -> str:
    return str(uuid.uuid4())


def canonical_json(value) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


def audit_hash(prev_hash: str, ts: str, actor: str, action: str, table: str, record_id: str,
               before: str | None, after: str | None) -> str:
    h = hashlib.sha256()
    for part in (prev_hash, ts, actor, action, table, record_id, before or "", after or ""):
        h.update(part.encode("utf-8"))
        h.update(b"\x1f")
    return h.hexdigest()


def friendly_db_error(exc: BaseException) -> str | None:
    """A Chinese message for storage failures the user can act on (disk full, read-only, locked)."""
    if not isinstance(exc, sqlite3.OperationalError):
        return None
    text = str(exc).lower()
    if "full" in text:
        return "磁盘空间已满，本次修改没有保存（之前保存的数据完好）。请清理磁盘空间后重试。"
    if "readonly" in text or "read-only" in text:
        return "数据文件夹是只读的（没有写入权限），本次修改没有保存。请检查文件夹权限，或把数据文件夹放到可写的位置。"
    if "locked" in text:
        return "数据文件正被其他程序占用，本次修改没有保存，请稍后重试。"
    return None


def integrity_error_text(exc: BaseException) -> str | None:
    """A Chinese message for a write SQLite refused (a trigger's own Chinese text, a unique or reference clash)."""
    if not isinstance(exc, sqlite3.IntegrityError):
        return None
    text = str(exc)
    if any("\u4e00" <= ch <= "\u9fff" for ch in text):   # a trigger's RAISE(ABORT, '…') is already Chinese
        return text
    low = text.lower()
    if "unique" in low:
        return "与已有记录重复（编号等应唯一的内容相同），本次修改没有保存。"
    if "foreign key" in low:
        return "引用的记录不存在或已被删除，本次修改没有保存。"
    if "not null" in low or "check constraint" in low:
        return "有必填内容为空或取值不允许，本次修改没有保存。"
    return "数据文件拒绝了这次修改，本次修改没有保存。"


def sqlite_error_text(exc: BaseException) -> str:
    """SQLite's English message for the user, in Chinese (the original goes to the log)."""
    text = str(exc).lower()
    if "not a database" in text:
        return "不是本程序的数据文件，或文件已损坏"
    if "malformed" in text or "corrupt" in text:
        return "数据文件已损坏"
    if "unable to open" in text or "cannot open" in text:
        return "无法打开数据文件或其 -wal/-shm 辅助文件（可能是文件夹、没有权限或磁盘不可用）"
    if "disk i/o" in text:
        return "读写磁盘出错（U盘可能已拔出或损坏）"
    return friendly_db_error(exc) or integrity_error_text(exc) or "数据文件读写出错"


def _short(path, keep: int = 120) -> str:
    text = str(path)
    return text if len(text) <= keep else text[:keep // 2] + "…" + text[-keep // 2:]


def _open_error(path: Path, exc: BaseException) -> str | None:
    if friendly_db_error(exc) and "readonly" in str(exc).lower() or not os.access(path.parent, os.W_OK):
        return (f"无法打开数据文件“{path}”：数据文件夹是只读的（没有写入权限）。请检查文件夹权限，"
                "或把数据文件夹复制到可写的位置；数据没有任何改动。")
    return None


def connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False, timeout=10)
    conn.row_factory = sqlite3.Row
    _search_grams.register(conn)  # the triggers keeping the 1–2 character search index call it
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("PRAGMA busy_timeout=10000")
    return conn


class Store:
    """Open with Store.open(data_dir, actor=...). Not thread-safe: one Store per thread."""

    def __init__(self, data_dir: Path, conn: sqlite3.Connection, actor: Actor):
        self.data_dir = Path(data_dir)
        self.conn = conn
        self.actor = actor
        self._columns: dict[str, list[str]] = {}
        self._depth = 0
        self._pending = Changes()
        self._listeners: list[Callable[[Changes], None]] = []
        self._ref_cache: dict[str, dict[str, str]] = {}
        self._lock = threading.RLock()
        self._meta: dict[str, str] = {}
        self._folder_lock = None   # shared lock on <data>/.sifasuo.lock (set by Store.open)
        self.setup_session = False  # True once this Store object has written the org (init/setup dialog)
        self._workflow_depth = 0    # >0 inside a workflow operation (store.workflow()): state fields writable
        self._history_depth = 0     # >0 inside the Excel import's history path (store.history_import())
        self._load_meta()

    # ------------------------------------------------------------------ opening
    @classmethod
    def open(cls, data_dir, actor: Actor = SYSTEM, create: bool = True, check: bool = False) -> "Store":
        data_dir = Path(data_dir)
        path = db_path(data_dir)
        try:
            exists = path.exists()
            if not exists:
                if not create:
                    raise StoreError(f"数据文件夹“{data_dir}”中没有台账数据，请先初始化（sifasuo init）。")
                if data_dir.is_symlink() and not data_dir.exists():
                    raise StoreError(f"数据文件夹“{data_dir}”是一个失效的快捷方式（符号链接），请检查路径。")
                if data_dir.exists() and not data_dir.is_dir():
                    raise StoreError(f"“{data_dir}”是一个文件，不是数据文件夹，请检查路径。")
                try:
                    data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
                except OSError as exc:
                    raise StoreError(f"无法创建数据文件夹“{data_dir}”：{fsutil.os_reason(exc)}") from exc
            if path.is_dir() or not data_dir.is_dir():
                raise StoreError(f"“{data_dir}”不是可用的数据文件夹（{'数据文件的位置是一个文件夹' if path.is_dir() else '不是文件夹'}）。")
            folder_lock = _folder_lock.acquire(data_dir)
        except OSError as exc:   # ENAMETOOLONG, ELOOP, EACCES on a parent, EIO ...
            raise StoreError(f"无法使用数据文件夹“{_short(data_dir)}”：{os_error_text(exc)}。") from exc
        try:
            conn = connect(path)
        except sqlite3.Error as exc:
            folder_lock.release()
            raise StoreError(_open_error(path, exc) or f"无法打开数据文件“{path}”：{sqlite_error_text(exc)}") from exc
        except BaseException:
            folder_lock.release()
            raise
        fsutil.secure_tree(data_dir)
        if folder_lock.fd is not None:   # a real shared lock: no restore runs, nobody is mid-restore
            fsutil.clean_litter(data_dir)
        try:
            if check:
                row = conn.execute("PRAGMA quick_check").fetchone()
                if row[0] != "ok":
                    raise StoreError(f"数据文件已损坏（{row[0]}），请从备份恢复。")
            cls._migrate(conn, data_dir)
        except sqlite3.DatabaseError as exc:
            conn.close()
            folder_lock.release()
            if _open_error(path, exc):
                raise StoreError(_open_error(path, exc)) from exc
            raise StoreError(f"数据文件“{path}”无法读取（{sqlite_error_text(exc)}），可能已损坏，请从备份恢复。") from exc
        except BaseException:
            conn.close()
            folder_lock.release()
            raise
        try:
            store = cls(data_dir, conn, actor)
            if not store._meta.get("installation_id"):
                store._set_meta("installation_id", new_id())
        except BaseException:
            conn.close()
            folder_lock.release()
            raise
        store._folder_lock = folder_lock
        fsutil.register_data_dir(data_dir)
        return store

    @staticmethod
    def _migration_state(conn: sqlite3.Connection) -> str:
        """"new" (no migration applied yet), "current" (every migration this program knows, none it does not),
        "pending" (an existing database to upgrade) or "newer" (made by a newer program: refused on open).
        Plain SQL, no sqlite_utils."""
        known = set(_migrations.known_names())
        try:
            done = {r[0] for r in conn.execute("SELECT name FROM _sqlite_migrations WHERE migration_set = ?",
                                               (_migrations.MIGRATION_SET,))}
        except sqlite3.OperationalError:
            done = set()
        if not done:
            return "new"
        if done - known:
            return "newer"
        return "current" if known <= done else "pending"

    @classmethod
    def needs_upgrade(cls, data_dir) -> bool:
        """Whether opening this folder will first upgrade an existing database (migrations pending): at county
        scale that takes minutes, and the GUI/CLI say so before it starts. False when there is nothing to tell
        (no database, a new one, one made by a newer program, or one that cannot be read: opening reports it)."""
        path = db_path(Path(data_dir))
        if not path.is_file():
            return False
        from urllib.parse import quote

        try:
            conn = sqlite3.connect(f"file:{quote(str(path.absolute()))}?mode=ro", uri=True)
        except sqlite3.Error:
            return False
        try:
            return cls._migration_state(conn) == "pending"
        except sqlite3.Error:
            return False
        finally:
            conn.close()

    @classmethod
    def _migrate(cls, conn: sqlite3.Connection, data_dir: Path) -> None:
        if cls._migration_state(conn) == "current":   # the common case, answered with plain SQL
            return
        import sqlite_utils

        db = sqlite_utils.Database(conn)
        migrations = _migrations.load()
        applied = {m.name for m in migrations.applied(db)}
        unknown = sorted(applied - set(_migrations.known_names()))
        if unknown:
            raise StoreError(SCHEMA_TOO_NEW.format(names="、".join(unknown)))
        pending = migrations.pending(db)
        if not pending:
            return
        if applied:  # an existing database: keep a copy before changing its structure
            backup_dir = data_dir / "backups"
            backup_dir.mkdir(parents=True, exist_ok=True)
            stamp = _dt.datetime.now().strftime("%Y%m%d-%H%M%S")
            target = backup_dir / f"pre-migration-{stamp}-{pending[0].name}.sqlite3"
            dst = sqlite3.connect(str(target))
            try:
                conn.backup(dst)
            finally:
                dst.close()
        migrations.apply(db)

    # a bulk write of this many rows refreshes the planner's statistics at close (ANALYZE)
    ANALYZE_AFTER_ROWS = 5000
    # page cache of a bulk write's transaction (KiB; SQLite's default is 2 MiB): with 2 MiB the inserts into a table
    # with 17 indexes spill and re-read pages through the WAL all the time (sync import of 100,000 cases: 11 M pwrite
    # calls, 17 s of system time; 64 MiB: 246 MB peak, issue 19's limit is 300 MB)
    BULK_CACHE_KIB = 65536
    _cache_was = None   # cache_size before a bulk write raised it

    def close(self) -> None:
        with contextlib.suppress(Exception):
            # only after bulk writes: a read-only session (check, a refused restore) leaves the file's bytes alone
            if not self.conn.in_transaction and getattr(self, "_analyze_due", False):
                # a full pass (2.0 s for the 20-township county, page cache warm): a sampled one (analysis_limit
                # 2000 or 20000) estimated 2.4 M rows in the 821,680-case decision-date index, and SQLite then sorted
                # the whole table for a page sorted by 决定日期 (250 ms instead of 8 ms)
                self.conn.execute("ANALYZE")
                self.conn.execute("PRAGMA optimize")
        with contextlib.suppress(Exception):
            self.conn.close()
        _search_grams.forget(self.conn)
        lk, self._folder_lock = self._folder_lock, None
        if lk is not None:
            lk.release()
            fsutil.unregister_data_dir(self.data_dir)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def as_actor(self, actor: Actor) -> "Store":
        """Switch the acting account (after a login)."""
        self.actor = actor
        return self

    # ------------------------------------------------------------------ meta / org
    def _load_meta(self) -> None:
        self._meta = {r["key"]: r["value"] for r in self.conn.execute("SELECT key, value FROM meta")}

    def _set_meta(self, key: str, value: str | None) -> None:
        self.conn.execute("INSERT INTO meta(key, value) VALUES(?, ?) ON CONFLICT(key) DO UPDATE SET value=excluded.value",
                          (key, value))
        self._meta[key] = value

    def meta(self, key: str, default=None):
        return self._meta.get(key, default)

    def set_meta(self, key: str, value) -> None:
        """Installation-local values (not synced, not audited): ids, cursors, UI state."""
        with self.transaction():
            self._set_meta(key, None if value is None else str(value))

    @property
    def installation_id(self) -> str:
        return self._meta["installation_id"]

    @property
    def stream_id(self) -> str:
        return self._meta.get("stream_id") or self._meta["installation_id"]

    def new_stream(self) -> str:
        """Start a new change stream (after a restore): the county then reconciles."""
        sid = new_id()
        self.set_meta("stream_id", sid)
        return sid

    @property
    def initialized(self) -> bool:
        return bool(self._meta.get("org_code"))

    @property
    def org(self) -> OrgInfo:
        if not self.initialized:
            raise StoreError("数据文件夹尚未初始化（缺少机构信息）。")
        return OrgInfo(self._meta["org_code"], self._meta.get("org_name", ""), self._meta.get("role", "township"),
                       self._meta.get("parent_code") or None)

    def init_org(self, role: str, name: str, code: str, parent_code: str | None = None) -> OrgInfo:
        if role not in ("township", "county"):
            raise StoreError("角色只能是 township（乡镇司法所）或 county（县司法局）。")
        name, code = (name or "").strip(), (code or "").strip()
        if not name:
            raise StoreError("机构名称不能为空。")
        if not code or not all(ch.isalnum() or ch in "-_" for ch in code) or not code.isascii():
            raise StoreError("机构代码只能由字母、数字、-、_ 组成，且不能为空。")
        if self.initialized:
            raise StoreError(f"该数据文件夹已初始化为“{self._meta.get('org_name')}”（{self._meta.get('org_code')}），不能重复初始化。")
        with self.transaction():
            self._set_meta("role", role)
            self._set_meta("org_name", name)
            self._set_meta("org_code", code)
            self._set_meta("parent_code", parent_code or "")
            self._set_meta("created_at", utc_now())
            self.insert("orgs", {"code": code, "name": name, "role": role, "parent_code": parent_code},
                        owner_org=code)
        self.setup_session = True
        return self.org

    # ------------------------------------------------------------------ transactions
    @contextlib.contextmanager
    def transaction(self):
        """Group writes into one transaction. Nested calls use savepoints."""
        with self._lock:
            if self._depth == 0:
                self.conn.execute("BEGIN IMMEDIATE")
                self._pending = Changes()
            else:
                self.conn.execute(f"SAVEPOINT sp{self._depth}")
            self._depth += 1
            try:
                yield self
            except BaseException as exc:
                self._depth -= 1
                if self._depth == 0:
                    if self.conn.in_transaction:
                        self.conn.execute("ROLLBACK")
                    _search_grams.discard(self.conn)
                    self._end_bulk_cache()
                    self._pending = Changes()
                    self._ref_cache.clear()
                    self._load_meta()
                    if friendly_db_error(exc):
                        raise StoreError(friendly_db_error(exc)) from exc
                elif self.conn.in_transaction:  # SQLite may already have rolled back everything (disk full)
                    self.conn.execute(f"ROLLBACK TO SAVEPOINT sp{self._depth}")
                    self.conn.execute(f"RELEASE SAVEPOINT sp{self._depth}")
                raise
            else:
                self._depth -= 1
                if self._depth == 0:
                    try:
                        _search_grams.flush(self.conn)   # deferred full-text rows: indexed in this transaction
                        self.conn.execute("COMMIT")
                    except BaseException as exc:
                        if self.conn.in_transaction:
                            self.conn.execute("ROLLBACK")
                        _search_grams.discard(self.conn)
                        self._end_bulk_cache()
                        self._pending = Changes()
                        self._ref_cache.clear()
                        self._load_meta()
                        if not isinstance(exc, sqlite3.Error):
                            raise
                        if friendly_db_error(exc):
                            raise StoreError(friendly_db_error(exc)) from exc
                        raise
                    self._end_bulk_cache()
                    changes, self._pending = self._pending, Changes()
                    if changes:
                        self._notify(changes)
                else:
                    self.conn.execute(f"RELEASE SAVEPOINT sp{self._depth}")

    def subscribe(self, callback: Callable[[Changes], None]) -> None:
        self._listeners.append(callback)

    def unsubscribe(self, callback) -> None:
        with contextlib.suppress(ValueError):
            self._listeners.remove(callback)

    def _notify(self, changes: Changes) -> None:
        for cb in list(self._listeners):
            cb(changes)

    # ------------------------------------------------------------------ reading
    def columns(self, table: str) -> list[str]:
        cols = self._columns.get(table)
        if cols is None:
            cols = table_columns(self.conn, table)
            if not cols:
                raise StoreError(f"未知的数据表“{table}”。")
            self._columns[table] = cols
        return cols

    def get(self, table: str, record_id: str) -> dict | None:
        self.columns(table)
        row = self.conn.execute(f"SELECT * FROM {table} WHERE id = ?", (record_id,)).fetchone()
        return dict(row) if row else None

    def rows(self, table: str, where: str = "", params: Iterable = (), order_by: str | None = None,
             include_deleted: bool = False, limit: int | None = None) -> list[dict]:
        self.columns(table)
        clauses = []
        if not include_deleted:
            clauses.append("deleted = 0")
        if where:
            clauses.append(f"({where})")
        sql = f"SELECT * FROM {table}"
        if clauses:
            sql += " WHERE " + " AND ".join(clauses)
        if order_by:
            sql += f" ORDER BY {order_by}"
        if limit:
            sql += f" LIMIT {int(limit)}"
        return [dict(r) for r in self.conn.execute(sql, tuple(params))]

    def shown_count(self, table: str) -> int:
        """Live records of `table` for a count shown to the user (the ledger's 共 N 条 uses the same cached count:
        one count of a large table at start-up, not two). Not for decisions: use count()."""
        from .ledger_queries import live_count

        return live_count(self.conn, table)

    def count(self, table: str, where: str = "", params: Iterable = ()) -> int:
        sql = f"SELECT count(*) FROM {table} WHERE deleted = 0" + (f" AND ({where})" if where else "")
        return self.conn.execute(sql, tuple(params)).fetchone()[0]

    @staticmethod
    def display_column(table: str) -> str:
        """The column a reference to `table` shows and is typed by (案号, 问题编号, a name...)."""
        special = {"cases": "case_no", "problems": "problem_no"}
        if table in special:
            return special[table]
        ledger = LEDGERS.get(table)
        return (ledger.display_field or ledger.number_field or "id") if ledger else "name"

    def is_open(self) -> bool:
        try:
            self.conn.execute("SELECT 1")
        except sqlite3.ProgrammingError:
            return False
        return True

    def ref_names(self, table: str) -> dict[str, str]:
        """id -> display text for a referenced table (cached; refreshed after writes to it)."""
        cache = self._ref_cache.get(table)
        if cache is None:
            col = self.display_column(table)
            cache = {r[0]: (r[1] or "") for r in self.conn.execute(f"SELECT id, {col} FROM {table}")}
            self._ref_cache[table] = cache
        return cache

    # ------------------------------------------------------------------ settings
    def get_setting(self, key: str, default=None):
        row = self.conn.execute("SELECT value FROM settings WHERE key = ? AND deleted = 0", (key,)).fetchone()
        if row is None or row[0] is None:
            return default
        return json.loads(row[0])

    def set_setting(self, key: str, value) -> None:
        require(self.actor, "settings")
        sid = str(uuid.uuid5(uuid.NAMESPACE_URL, "sifasuo-setting:" + key))
        payload = canonical_json(value)
        owner = self._meta.get("org_code") or "local"
        with self.transaction():
            if self.get("settings", sid):
                self.update("settings", sid, {"value": payload, "deleted": 0}, action="settings")
            else:
                self.insert("settings", {"id": sid, "key": key, "value": payload}, action="settings",
                            owner_org=owner)

    # ------------------------------------------------------------------ writing
    @contextlib.contextmanager
    def workflow(self):
        """Run a workflow operation (problem step, document issue/service/reply, review scoring): only inside
        it may the state fields of domain.record_state be written."""
        self._workflow_depth += 1
        try:
            yield self
        finally:
            self._workflow_depth -= 1

    @contextlib.contextmanager
    def history_import(self):
        """The Excel import's history path (issue 12): inside it, NEW rows marked
        record_state.HISTORY_FIELD = 1 may carry their old state (closed problems, issued documents); they are
        audited as "import_history". Nothing else is relaxed: unmarked rows and updates are checked as always."""
        self._history_depth += 1
        try:
            yield self
        finally:
            self._history_depth -= 1

    def _history_row(self, table: str, before: dict | None, values: dict) -> bool:
        return (before is None and self._history_depth > 0 and table in _state.HISTORY_TABLES
                and _state.is_history(values))

    def _check_state(self, table: str, before: dict | None, values: dict) -> None:
        if self._workflow_depth or table not in _state.PROTECTED:
            return
        if self._history_row(table, before, values):
            return
        _state.check_write(table, before, values)

    @staticmethod
    def _derive_case_status(before: dict | None, values: dict) -> None:
        """办理状态 of a case follows its dates on every write (domain.record_state.case_status)."""
        status = _state.case_status(dict(before or {}, **values))
        if before is None or "status" in values or status != before.get("status"):
            values["status"] = status

    def _clean(self, table: str, values: dict) -> dict:
        cols = self.columns(table)
        unknown = [k for k in values if k not in cols]
        if unknown:
            raise StoreError(f"数据表“{table}”没有字段：{', '.join(unknown)}")
        for key in NUMBER_FIELDS:
            if key in values:
                values[key] = normalize_number(values[key])
        if table == "cases":
            split_party_id(values)
        return values

    def insert(self, table: str, values: dict, action: str = "edit", owner_org: str | None = None) -> dict:
        require(self.actor, action)
        values = self._clean(table, dict(values))
        now = utc_now()
        rec = {k: v for k, v in values.items() if k not in SYNC_COLUMN_NAMES}
        rec["id"] = values.get("id") or new_id()
        rec["owner_org"] = owner_org or values.get("owner_org") or self._meta.get("org_code") or "local"
        rec.update(version=1, deleted=0, created_at=now, updated_at=now, updated_by=self.actor.username)
        if table == "cases":
            self._derive_case_status(None, rec)
        cols = list(rec)
        self._check_state(table, None, rec)
        with self.transaction():
            if table == "cases" and rec.get("case_no"):
                self._refuse_duplicate_case(rec)
            try:
                self.conn.execute(f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                                  [rec[c] for c in cols])
            except sqlite3.IntegrityError as exc:
                raise StoreError(integrity_error_text(exc)) from exc
            op = _state.HISTORY_AUDIT_ACTION if self._history_row(table, None, rec) else "insert"
            self._after_write(table, rec["id"], "insert", None, rec, now, audit_action=op)
            self._run_hooks(table, rec["id"], None)
        return self.get(table, rec["id"])

    def _refuse_duplicate_case(self, rec: dict) -> None:
        """A second case with the same (normalised) 案号 in the same body is refused, never added."""
        body = rec.get("body_id")
        row = self.conn.execute(
            "SELECT id FROM cases WHERE deleted = 0 AND case_no = ? AND "
            "(body_id IS ? OR body_id = ?) AND owner_org = ? AND id <> ? LIMIT 1",
            (rec["case_no"], body, body, rec["owner_org"], rec["id"])).fetchone()
        if row is not None:
            raise StoreError(f"案号“{rec['case_no']}”在本执法主体已存在，不能重复新增；请打开已有案件修改。")

    def update(self, table: str, record_id: str, values: dict, expected_version: int | None = None,
               action: str = "edit") -> dict:
        require(self.actor, action)
        values = self._clean(table, dict(values))
        with self.transaction():
            before = self.get(table, record_id)
            if before is None:
                raise StoreError("要修改的记录不存在。")
            if expected_version is not None and before["version"] != expected_version:
                raise ConflictError("该记录已被其他人修改，请重新打开后再编辑。")
            changes = {k: v for k, v in values.items() if k not in ("id", "owner_org", "version", "created_at",
                                                                    "updated_at", "updated_by")}
            if table == "cases" and changes.get("deleted") != 1:
                self._derive_case_status(before, changes)
            changed = {k: v for k, v in changes.items() if before.get(k) != v}
            if not changed:
                return before
            for extra in field_change_actions(table, before, changed):
                require(self.actor, extra)
            if changed.get("deleted") == 1:   # every caller, workflow or not (issue 18: issued documents)
                refusal = _state.delete_refusal(table, before)
                if refusal:
                    raise _state.RecordStateError(refusal)
            self._check_state(table, before, changed)
            now = utc_now()
            changed.update(version=before["version"] + 1, updated_at=now, updated_by=self.actor.username)
            sets = ", ".join(f"{k} = ?" for k in changed)
            try:
                self.conn.execute(f"UPDATE {table} SET {sets} WHERE id = ?", [*changed.values(), record_id])
            except sqlite3.IntegrityError as exc:   # e.g. the documents_frozen trigger (m0020)
                raise StoreError(integrity_error_text(exc)) from exc
            after = dict(before, **changed)
            op = "delete" if changed.get("deleted") == 1 else "update"
            self._after_write(table, record_id, op, before, after, now)
            self._run_hooks(table, record_id, before)
        return self.get(table, record_id)

    def _run_hooks(self, table: str, record_id: str, before: dict | None) -> None:
        hooks = WRITE_HOOKS.get(table)
        if not hooks or getattr(self, "_in_hook", False):
            return
        self._in_hook = True
        try:
            for hook in hooks:
                hook(self, table, record_id, before)
        finally:
            self._in_hook = False

    def delete(self, table: str, record_id: str, action: str = "edit") -> dict:
        """Tombstone: the row stays with deleted=1 so the deletion can travel in sync packages."""
        return self.update(table, record_id, {"deleted": 1}, action=action)

    def bulk_insert(self, table: str, records: list[dict], action: str = "edit") -> int:
        """Insert many records in one transaction (demo data, imports) with the same logs as insert()."""
        require(self.actor, action)
        if not records:
            return 0
        now = utc_now()
        org = self._meta.get("org_code") or "local"
        user = self.actor.username
        prepared = []
        for values in records:
            values = dict(values)
            for key in NUMBER_FIELDS:
                if key in values:
                    values[key] = normalize_number(values[key])
            if table == "cases":
                split_party_id(values)
                self._derive_case_status(None, values)
            rec = {k: v for k, v in values.items() if k not in SYNC_COLUMN_NAMES}
            rec["id"] = values.get("id") or new_id()
            rec["owner_org"] = values.get("owner_org") or org
            rec.update(version=1, deleted=0, created_at=now, updated_at=now, updated_by=user)
            self._check_state(table, None, rec)   # every row: no bulk path around the workflow (issue 12)
            prepared.append(rec)
        cols = self.columns(table)
        used = [c for c in cols if any(c in r for r in prepared[:1])] or cols
        used = sorted({k for r in prepared for k in r}, key=cols.index)
        self._clean(table, dict.fromkeys(used))
        with self.transaction():
            self.conn.executemany(
                f"INSERT INTO {table} ({', '.join(used)}) VALUES ({', '.join('?' * len(used))})",
                [[r.get(c) for c in used] for r in prepared])
            self._after_write_many(table, prepared, now)
            if WRITE_HOOKS.get(table):
                for r in prepared:
                    self._run_hooks(table, r["id"], None)
        self.note_bulk_write(len(prepared))
        return len(prepared)

    def note_bulk_write(self, rows: int) -> None:
        """Bulk writes (demo, import, sync) change the tables' shape: ANALYZE at close once enough rows came."""
        self._bulk_rows = getattr(self, "_bulk_rows", 0) + rows
        if self._bulk_rows >= self.ANALYZE_AFTER_ROWS:
            self._analyze_due = True

    # ------------------------------------------------------------------ logs and index
    def audit_head(self) -> dict | None:
        """{seq, hash} of the newest audit entry (the chain's head), or None for an empty log."""
        row = self.conn.execute("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
        return {"seq": row[0], "hash": row[1]} if row else None

    def _last_hash(self) -> str:
        row = self.conn.execute("SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
        return row[0] if row else GENESIS_HASH

    def _after_write(self, table: str, record_id: str, op: str, before: dict | None, after: dict, now: str,
                     audit_action: str | None = None) -> None:
        prev = self._last_hash()
        b = canonical_json(before) if before is not None else None
        a = canonical_json(after)
        actor = self.actor.username
        action = audit_action or op
        h = audit_hash(prev, now, actor, action, table, record_id, b, a)
        self.conn.execute(
            "INSERT INTO audit_log(ts, actor, action, table_name, record_id, before, after, prev_hash, hash) "
            "VALUES (?,?,?,?,?,?,?,?,?)", (now, actor, action, table, record_id, b, a, prev, h))
        self.conn.execute(
            "INSERT INTO change_log(stream_id, table_name, record_id, version, op, ts) VALUES (?,?,?,?,?,?)",
            (self.stream_id, table, record_id, after["version"], op, now))
        self._index_record(table, after)
        self._pending.add(table, record_id)
        self._ref_cache.pop(table, None)

    def _after_write_many(self, table: str, records: list[dict], now: str) -> None:
        prev = self._last_hash()
        actor = self.actor.username
        audit_rows, change_rows = [], []
        sid = self.stream_id
        for rec in records:
            a = canonical_json(rec)
            action = _state.HISTORY_AUDIT_ACTION if self._history_row(table, None, rec) else "insert"
            h = audit_hash(prev, now, actor, action, table, rec["id"], None, a)
            audit_rows.append((now, actor, action, table, rec["id"], None, a, prev, h))
            prev = h
            change_rows.append((sid, table, rec["id"], rec["version"], "insert", now))
        self.conn.executemany(
            "INSERT INTO audit_log(ts, actor, action, table_name, record_id, before, after, prev_hash, hash) "
            "VALUES (?,?,?,?,?,?,?,?,?)", audit_rows)
        self.conn.executemany(
            "INSERT INTO change_log(stream_id, table_name, record_id, version, op, ts) VALUES (?,?,?,?,?,?)",
            change_rows)
        ledger = LEDGERS.get(table)
        if ledger is not None:
            self.defer_search_index()
            self.conn.executemany(_search_grams.index_sql(ledger),
                                  [(table, r["id"], self.search_text(table, r)) for r in records])
        self._pending.tables.add(table)
        self._ref_cache.pop(table, None)

    def defer_search_index(self) -> None:
        """Inside store.transaction(): rows added to search_index from now on reach both full-text indexes
        in one pass just before this transaction commits (bulk writes: ~3× less work than per-row triggers)."""
        if self._depth == 0:
            raise RuntimeError("defer_search_index must run inside store.transaction()")
        _search_grams.defer(self.conn)
        if self._cache_was is None:   # and a page cache that holds the b-trees being filled (restored at the end)
            self._cache_was = self.conn.execute("PRAGMA cache_size").fetchone()[0]
            self.conn.execute(f"PRAGMA cache_size = -{self.BULK_CACHE_KIB}")

    def _end_bulk_cache(self) -> None:
        if self._cache_was is not None:
            self.conn.execute(f"PRAGMA cache_size = {int(self._cache_was)}")
            self._cache_was = None

    def search_text(self, table: str, rec: dict) -> str:
        """The text the ledger search box matches: every searchable field, refs resolved to names."""
        return _search_text(self.ref_names, table, rec)

    def _index_record(self, table: str, rec: dict) -> None:
        if table not in LEDGERS:
            return
        if rec.get("deleted"):
            self.conn.execute("DELETE FROM search_index WHERE record_id = ?", (rec["id"],))
            return
        self.conn.execute(_search_grams.index_sql(LEDGERS[table]), (table, rec["id"], self.search_text(table, rec)))

    # ------------------------------------------------------------------ files
    def backup_to(self, target) -> Path:
        """Online backup (consistent even while the app writes) to `target`; integrity-checked."""
        target = Path(target)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:   # backups/ is a file, the folder is read-only, the stick is gone
            raise StoreError(f"无法创建备份文件夹“{target.parent}”：{fsutil.os_reason(exc)}。") from exc
        journal = None
        try:
            with fsutil.atomic_path(target) as tmp:  # created 0600; renamed into place only when complete
                journal = Path(str(tmp) + "-journal")
                dst = sqlite3.connect(str(tmp))
                try:
                    self.conn.backup(dst)
                    ok = dst.execute("PRAGMA integrity_check").fetchone()[0]
                finally:
                    dst.close()
                if ok != "ok":
                    raise StoreError(f"备份文件校验失败：{ok}")
        finally:
            if journal is not None:   # a disk that filled up mid-copy leaves SQLite's rollback journal behind
                with contextlib.suppress(OSError):
                    journal.unlink()
        return target

    def attachments_dir(self) -> Path:
        p = self.data_dir / "attachments"
        p.mkdir(parents=True, exist_ok=True)
        return p

    def attachment_file(self, attachment: dict) -> Path:
        """Resolved path of an attachment row's file, refused unless it is a document/image below
        attachments/ (domain.limits is the rule; symlinks pointing out are refused as well)."""
        from sifasuo_desktop.domain.limits import attachment_extension_ok, attachment_path_problem

        rel = attachment.get("stored_path")
        name = attachment.get("file_name") or ""
        why = attachment_path_problem(rel)
        if why is None and name and not attachment_extension_ok(name):
            why = f"附件名称“{name[:60]}”不是文档或图片"
        root = self.attachments_dir().resolve()
        if why is None:
            target = (root / rel).resolve()
            if not target.is_relative_to(root) or target == root:
                why = "附件路径指向附件文件夹之外"
            elif not attachment_extension_ok(target.name):
                why = "附件实际指向的文件不是文档或图片"
        if why:
            raise StoreError(f"不能打开附件“{name[:60] or rel}”：{why}。该附件可能来自被篡改的同步包，请联系管理员。")
        return target

    def add_attachment(self, table: str, record_id: str, source_path, note: str = "") -> dict:
        """Copy a file into the data folder and list it on the record."""
        from sifasuo_desktop.domain.limits import DOCUMENT_EXTENSIONS, attachment_extension_ok, safe_attachment_name

        src = Path(source_path)
        if not src.is_file():
            raise StoreError(f"找不到附件文件“{src}”。")
        if not attachment_extension_ok(src.name):
            raise StoreError(f"附件“{src.name}”的类型不允许，只能添加文档或图片（"
                             f"{'、'.join(sorted(e[1:] for e in DOCUMENT_EXTENSIONS))}）。")
        data = src.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        rel = Path(table) / record_id / safe_attachment_name(src.name, f"{digest[:12]}-")
        dest = self.attachments_dir() / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        if not dest.exists():
            with fsutil.atomic_path(dest) as tmp:   # 0600, never a half-copied attachment
                shutil.copyfile(src, tmp)
        return self.insert("attachments", {"table_name": table, "record_id": record_id, "file_name": src.name,
                                           "stored_path": rel.as_posix(), "sha256": digest, "size": len(data),
                                           "note": note})
