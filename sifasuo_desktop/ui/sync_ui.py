"""同步 in the GUI: export/import dialogs (USB stick or e-mail), identity/trust, and the sync page
(county: every township's status; both: held packages, reconciliations and conflicts to resolve)."""
from __future__ import annotations

import json
import urllib.parse
from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (QAbstractItemView, QButtonGroup, QCheckBox, QComboBox, QDialogButtonBox,
                               QFileDialog, QFormLayout, QHBoxLayout, QLabel, QMessageBox, QPushButton,
                               QRadioButton, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from sifasuo_desktop.domain.errors import UserError
from sifasuo_desktop.domain.ledgers import LEDGERS
from sifasuo_desktop.domain.permissions import allowed
from sifasuo_desktop.store import sync_queries as sq
from sifasuo_desktop.ui.widgets import FitDialog

DEFAULT_MAIL_CAP_MB = 20
TYPE_LABELS = {"hard": "硬冲突", "soft": "软冲突", "locked": "期间已锁定"}


def install(window) -> None:
    window.add_lazy_page("sync", "同步", lambda: SyncPage(window), attr="sync_page")
    window.add_menu_action("同步", "导出同步包…", lambda: ExportDialog(window).exec(), "Ctrl+Shift+E")
    window.add_menu_action("同步", "导入同步包…", lambda: import_packages(window), "Ctrl+Shift+I")
    window.add_menu_action("同步", "同步状态与冲突", lambda: window.show_page("sync"))
    window.add_menu_action("同步", "导出本机身份文件（公钥与指纹）…", lambda: save_identity(window))
    window.add_menu_action("同步", "信任对方身份文件…", lambda: trust_file(window))


# ---- message boxes (one place, so tests can answer them) ----------------------------------------------
def _info(parent, title: str, text: str) -> None:
    QMessageBox.information(parent, title, text)


def _warn(parent, title: str, text: str) -> None:
    QMessageBox.warning(parent, title, text)


def _ask(parent, title: str, text: str) -> bool:
    return QMessageBox.question(parent, title, text) == QMessageBox.Yes


# ---- workers -------------------------------------------------------------------------------------
def _in_worker(window, title: str, fn):
    """Run fn(store, progress, cancelled) in a worker thread on its own Store connection, then tell the
    window's store that data changed (views refresh as after any write)."""
    from sifasuo_desktop.store import Store

    from .workers import run_task

    def task(progress, cancelled):
        store = Store.open(window.store.data_dir, actor=window.actor, create=False)
        try:
            return fn(store, progress, cancelled)
        finally:
            store.close()

    try:
        return run_task(window, title, task)
    finally:
        _broadcast(window.store)
        page = getattr(window, "sync_page", None)
        if page is not None:
            page.refresh()


def _broadcast(store) -> None:
    from sifasuo_desktop.store.repo import Changes

    changes = Changes()
    changes.tables.update(sq.synced_tables(store.conn))
    store._ref_cache.clear()
    store._load_meta()      # the worker's meta writes (last export, stream state) seen by the window's store
    store._notify(changes)  # the worker wrote through its own connection


def _error(window, exc: Exception, title: str = "同步") -> None:
    _warn(window, title, getattr(exc, "message", None) or str(exc))


# ---- export ----------------------------------------------------------------------------------------
class ExportDialog(FitDialog):
    def __init__(self, window):
        super().__init__(window)
        self.window_ = window
        self.result_paths: list[Path] = []
        self.setWindowTitle("导出同步包")
        store = window.store
        org = store.org
        lay = QVBoxLayout(self)
        form = QFormLayout()
        self.peer = QComboBox()
        role = "township" if org.role == "county" else "county"
        seen = set()
        for k in sq.trusted_keys(store.conn, role):
            if k["revoked_at"] or k["org_code"] in seen:
                continue
            seen.add(k["org_code"])
            self.peer.addItem(f"{k['org_name']}（{k['org_code']}）", k["org_code"])
        form.addRow("发给：", self.peer)
        self.target = QComboBox()
        from sifasuo_desktop.sync.drives import removable_drives
        for label, path in removable_drives():
            self.target.addItem(f"{label}（{path}）", str(path))
        if not self.target.count():
            self.target.setPlaceholderText("未发现U盘，请插入U盘或选择文件夹")
        browse = QPushButton("选择文件夹…")
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.target, 1)
        row.addWidget(browse)
        self.usb = QRadioButton("保存到U盘或文件夹")
        cap = self._cap_mb()
        self.mail = QRadioButton(f"通过电子邮件发送（超过 {cap:g} MB 自动分卷）")
        self.usb.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.usb)
        group.addButton(self.mail)
        form.addRow(self.usb)
        form.addRow("保存位置：", row)
        form.addRow(self.mail)
        self.snapshot = QCheckBox("导出完整状态（县局核对时使用）")
        form.addRow(self.snapshot)
        lay.addLayout(form)
        if not self.peer.count():
            who = "乡镇司法所" if org.role == "county" else "县司法局"
            lay.addWidget(QLabel(f"还没有信任任何{who}的身份文件：请先在“同步”菜单中导入对方的身份文件。"))
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.button(QDialogButtonBox.Ok).setText("导出")
        buttons.button(QDialogButtonBox.Cancel).setText("取消")
        buttons.button(QDialogButtonBox.Ok).setEnabled(self.peer.count() > 0 and allowed(window.actor, "sync"))
        buttons.accepted.connect(self.do_export)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)

    def _cap_mb(self) -> float:
        try:
            return float(self.window_.store.get_setting("sync.mail_cap_mb", DEFAULT_MAIL_CAP_MB))
        except (TypeError, ValueError):
            return DEFAULT_MAIL_CAP_MB

    def _browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "选择保存同步包的文件夹")
        if folder:
            self.target.insertItem(0, folder, folder)
            self.target.setCurrentIndex(0)

    def do_export(self) -> None:
        from sifasuo_desktop.sync import engine

        by_mail = self.mail.isChecked()
        if by_mail:
            folder = Path(self.window_.store.data_dir) / "sync" / "outbox"
            folder.mkdir(parents=True, exist_ok=True)
        else:
            if not self.target.currentData():
                _warn(self, "导出同步包", "请插入U盘或选择一个保存文件夹。")
                return
            folder = Path(self.target.currentData())
        peer = self.peer.currentData()
        org = self.window_.store.org
        cap = int(self._cap_mb() * 1024 * 1024) if by_mail else None
        snapshot = self.snapshot.isChecked()

        def work(store, progress, cancelled):
            progress(10, "正在读取变更并加密…")
            return engine.export_package(store, folder, peer if org.role == "county" else None,
                                         snapshot=snapshot, split_cap=cap)

        try:
            result = _in_worker(self.window_, "导出同步包", work)
        except UserError as exc:
            _error(self, exc, "导出同步包")
            return
        self.result_paths = list(result.paths)
        if by_mail:
            _open_mail(self.window_, folder, result)
        _info(self, "导出同步包", result.text() + f"\n保存在：{folder}")
        self.accept()


def _open_mail(window, folder: Path, result) -> None:
    names = [Path(p).name for p in result.paths]
    subject = f"同步包 {window.store.org.name} {names[0][:40]}"
    body = ("附件是司法所行政执法监督台账的同步包（已加密，只有收件单位能打开）。\n"
            f"共 {len(names)} 个文件：\n" + "\n".join(names) +
            "\n\n请把全部附件保存到同一个文件夹，在程序中选择“同步 → 导入同步包”，一次选中全部文件导入；"
            "分卷可以按任意顺序导入，全部到齐后自动合并。\n")
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))
    url = "mailto:?subject=" + urllib.parse.quote(subject) + "&body=" + urllib.parse.quote(body)
    QDesktopServices.openUrl(QUrl(url))


# ---- import ----------------------------------------------------------------------------------------
def import_packages(window, paths=None, dry_run: bool = False):
    from sifasuo_desktop.sync import engine

    if not allowed(window.actor, "sync"):
        _warn(window, "导入同步包", "当前账号无权同步。")
        return None
    if paths is None:
        paths, _ = QFileDialog.getOpenFileNames(window, "选择同步包（可多选，分卷请全部选中）", "",
                                                "同步包 (*.tspkg *.part*);;所有文件 (*)")
    if not paths:
        return None
    try:
        results = _in_worker(window, "导入同步包",
                             lambda store, progress, cancelled: engine.import_files(
                                 store, [Path(p) for p in paths], dry_run=dry_run, progress=progress,
                                 cancelled=cancelled))
    except UserError as exc:
        _error(window, exc, "导入同步包")
        return None
    text = "\n".join(r.text() for r in results)
    code = engine.exit_code(results)
    box = _info if code == 0 else _warn
    box(window, "导入结果", text)
    return results


# ---- identity / trust ----------------------------------------------------------------------------
def save_identity(window, path: str | None = None):
    from sifasuo_desktop.sync.engine import local_keys

    org = window.store.org
    if path is None:
        path, _ = QFileDialog.getSaveFileName(window, "保存本机身份文件", f"identity-{org.code}.json",
                                              "身份文件 (*.json)")
    if not path:
        return None
    try:
        keys = local_keys(window.store)
        keys.write_identity(Path(path))
    except UserError as exc:
        _error(window, exc)
        return None
    _info(window, "本机身份文件",
                            f"已保存：{path}\n\n机构：{org.name}（{org.code}）\n密钥编号：{keys.key_id}\n"
                            f"指纹：{keys.public.fingerprint}\n\n请把文件交给对方，并通过电话或纸面核对指纹。")
    return path


def trust_file(window, path: str | None = None):
    from sifasuo_desktop.sync import engine
    from sifasuo_desktop.sync.keys import parse_identity

    if path is None:
        path, _ = QFileDialog.getOpenFileName(window, "选择对方的身份文件", "", "身份文件 (*.json);;所有文件 (*)")
    if not path:
        return None
    try:
        ident = parse_identity(Path(path).read_bytes())
    except OSError as exc:
        _error(window, UserError(f"无法读取文件：{exc.strerror or exc}"))
        return None
    except UserError as exc:
        _error(window, exc)
        return None
    role = "县司法局" if ident.role == "county" else "乡镇司法所"
    answer = _ask(
        window, "核对指纹",
        f"机构：{ident.org_name}（{ident.org_code}，{role}）\n密钥编号：{ident.key_id}\n\n指纹：\n{ident.fingerprint}\n\n"
        "请打电话给对方，请对方读出其程序中显示的指纹。完全一致才能信任。\n指纹一致吗？")
    if not answer:
        return None
    try:
        engine.trust_identity(window.store, ident)
    except UserError as exc:
        _error(window, exc)
        return None
    page = getattr(window, "sync_page", None)
    if page is not None:
        page.refresh()
    _info(window, "信任对方身份", f"已信任：{ident.org_name}（{ident.org_code}）。")
    return ident


# ---- the page --------------------------------------------------------------------------------------
def _table(headers) -> QTableWidget:
    t = QTableWidget(0, len(headers))
    t.setHorizontalHeaderLabels(headers)
    t.setEditTriggers(QAbstractItemView.NoEditTriggers)
    t.setSelectionBehavior(QAbstractItemView.SelectRows)
    t.setSelectionMode(QAbstractItemView.SingleSelection)
    t.horizontalHeader().setStretchLastSection(True)
    t.verticalHeader().setVisible(False)
    return t


def _fill(table: QTableWidget, rows: list[list], keys: list | None = None) -> None:
    table.setRowCount(len(rows))
    for r, values in enumerate(rows):
        for c, v in enumerate(values):
            item = QTableWidgetItem("" if v is None else str(v))
            if keys is not None and c == 0:
                item.setData(256, keys[r])
            table.setItem(r, c, item)
    table.resizeColumnsToContents()


class SyncPage(QWidget):
    def __init__(self, window):
        super().__init__(window)
        self.window_ = window
        self.store = window.store
        lay = QVBoxLayout(self)
        head = QLabel("同步")
        head.setStyleSheet("font-size: 18px; font-weight: bold;")
        lay.addWidget(head)
        self.info = QLabel("")
        self.info.setWordWrap(True)
        lay.addWidget(self.info)
        # what was last sent and what waits to be sent (issue 18)
        self.sending = QLabel("")
        self.sending.setObjectName("sync_sending")
        self.sending.setWordWrap(True)
        self.sending.setStyleSheet("background: #f5f9ff; border: 1px solid #bbdefb; padding: 6px;")
        lay.addWidget(self.sending)
        bar = QHBoxLayout()
        for text, cb in (("同步设置向导…", lambda: _open_setup(window)),
                         ("导出同步包…", lambda: ExportDialog(window).exec()),
                         ("导入同步包…", lambda: import_packages(window)),
                         ("刷新", self.refresh)):
            b = QPushButton(text)
            b.clicked.connect(cb)
            bar.addWidget(b)
        bar.addStretch(1)
        lay.addLayout(bar)

        self.county = self.store.org.role == "county"
        self.towns = _table(["乡镇", "机构代码", "最近同步", "已应用至序号", "暂存包", "未处理冲突", "待核对",
                             "距上次联系(天)"])
        if self.county:
            lay.addWidget(QLabel("各乡镇同步情况"))
            lay.addWidget(self.towns, 2)
            tbar = QHBoxLayout()
            self.lock_btn = QPushButton("锁定（验收）所选乡镇的期间…")
            self.unlock_btn = QPushButton("解锁期间…")
            self.lock_btn.clicked.connect(lambda: self.lock(True))
            self.unlock_btn.clicked.connect(lambda: self.lock(False))
            tbar.addWidget(self.lock_btn)
            tbar.addWidget(self.unlock_btn)
            self.locks_label = QLabel("")
            tbar.addWidget(self.locks_label, 1)
            lay.addLayout(tbar)

        self.conflicts_label = QLabel("未处理的同步冲突")
        lay.addWidget(self.conflicts_label)
        self.conflicts = _table(["编号", "类型", "来自", "台账", "记录", "本机版本", "对方版本", "不同的字段", "原因"])
        lay.addWidget(self.conflicts, 3)
        cbar = QHBoxLayout()
        self.keep_btn = QPushButton("保留本机数据")
        self.accept_btn = QPushButton("采用对方数据")
        self.keep_btn.clicked.connect(lambda: self.resolve("keep"))
        self.accept_btn.clicked.connect(lambda: self.resolve("accept"))
        cbar.addWidget(self.keep_btn)
        cbar.addWidget(self.accept_btn)
        cbar.addStretch(1)
        lay.addLayout(cbar)

        self.held_label = QLabel("暂存的同步包（等待缺失的包）")
        lay.addWidget(self.held_label)
        self.held = _table(["编号", "来自", "序号范围", "暂存时间", "说明"])
        lay.addWidget(self.held, 1)
        hbar = QHBoxLayout()
        self.force_btn = QPushButton("强制应用所选暂存包")
        self.force_btn.clicked.connect(self.force)
        self.close_rec_btn = QPushButton("核对完毕（关闭所选待核对事项）")
        self.close_rec_btn.clicked.connect(self.close_reconciliation)
        hbar.addWidget(self.force_btn)
        hbar.addWidget(self.close_rec_btn)
        hbar.addStretch(1)
        lay.addLayout(hbar)
        self.recs_label = QLabel("待核对事项")
        lay.addWidget(self.recs_label)
        self.recs = _table(["编号", "乡镇", "打开时间", "详情"])
        lay.addWidget(self.recs, 1)
        # each button acts on the selected row of its table: enabled only when there is one to act on
        self._can_sync = allowed(window.actor, "sync")
        self._row_buttons = ((self.conflicts, (self.keep_btn, self.accept_btn)), (self.held, (self.force_btn,)),
                             (self.recs, (self.close_rec_btn,)))
        for table, _buttons in self._row_buttons:
            table.itemSelectionChanged.connect(self._update_buttons)
        self._update_buttons()
        self.store.subscribe(self._on_changes)
        self.destroyed.connect(lambda *_: self.store.unsubscribe(self._on_changes))
        # filled when first shown (showEvent): keeps the sync engine out of start-up

    def _update_buttons(self) -> None:
        for table, buttons in self._row_buttons:
            on = self._can_sync and bool(table.selectionModel().selectedRows())
            for b in buttons:
                b.setEnabled(on)

    def _on_changes(self, _changes) -> None:
        if self.isVisible():
            self.refresh()

    def showEvent(self, event) -> None:
        self.refresh()
        super().showEvent(event)

    def refresh(self) -> None:
        from sifasuo_desktop.sync import engine

        conn = self.store.conn
        org = self.store.org
        names = sq.township_names(conn)
        acks = sq.acks_of_stream(conn, self.store.stream_id)
        ack_text = "；".join(f"{a['peer_org']} 已确认至序号 {a['acked_to']}（{_local(a['received_at'])}）" for a in acks)
        peers = {k["org_code"] for k in sq.trusted_keys(conn) if not k["revoked_at"]}
        self.info.setText(f"本机：{org.name}（{org.code}，{org.role_label}）  数据流 {self.store.stream_id[:8]}，"
                          f"最新序号 {sq.max_seq(conn, self.store.stream_id)}。已信任 {len(peers)} 个单位。"
                          + (f"\n{ack_text}" if ack_text else "\n对方尚未确认本机的任何数据。"))
        self.sending.setText(sending_text(self.store))
        if self.county:
            rows = engine.township_status(self.store)
            _fill(self.towns, [[r["org_name"], r["org_code"], _local(r["last_package_at"], "从未"),
                                r["applied_to"], r["held"], r["open_conflicts"], r["reconciliations"],
                                "" if r["days_since_contact"] is None else r["days_since_contact"]] for r in rows],
                  [r["org_code"] for r in rows])
            locks = sq.period_locks(conn)
            self.locks_label.setText("已锁定：" + ("，".join(f"{names.get(a, a)} {p}" for a, p in locks)
                                                   if locks else "无"))
        items = sq.conflicts(conn)
        _fill(self.conflicts, [[c["id"], TYPE_LABELS.get(c["type"], c["type"]),
                                names.get(c["sender_org"], c["sender_org"]),
                                LEDGERS[c["table_name"]].title if c["table_name"] in LEDGERS else c["table_name"],
                                _record_label(c), c["local_version"], c["incoming_version"],
                                "、".join(_field_labels(c)), c["reason"]] for c in items],
              [c["id"] for c in items])
        held = sq.held(conn)
        _fill(self.held, [[h["package_id"][:8], names.get(h["sender_org"], h["sender_org"]),
                           f"{h['seq_from']}–{h['seq_to']}", _local(h["held_at"]), h["reason"]] for h in held],
              [h["package_id"] for h in held])
        recs = sq.reconciliations(conn)
        _fill(self.recs, [[r["id"], names.get(r["org_code"], r["org_code"]), _local(r["opened_at"]),
                           _rec_details(r["details"])] for r in recs], [r["id"] for r in recs])
        self.conflicts_label.setText(f"未处理的同步冲突（{len(items)} 条）" if items else "未处理的同步冲突：无")
        self.held_label.setText(f"暂存的同步包（等待缺失的包，{len(held)} 个）" if held
                                else "暂存的同步包（等待缺失的包）：无")
        self.recs_label.setText(f"待核对事项（{len(recs)} 项）" if recs else "待核对事项：无")
        self._update_buttons()

    def lock(self, locking: bool, period: str | None = None) -> None:
        """Lock (accept) or unlock a month of the selected township; unlocking applies refused changes."""
        from PySide6.QtWidgets import QInputDialog

        from sifasuo_desktop.sync import engine

        code = self._selected_key(self.towns)
        if code is None:
            _info(self, "期间锁定", "请先在上面的表格中选中一个乡镇。")
            return
        if period is None:
            period, ok = QInputDialog.getText(self, "期间锁定", "期间（YYYY-MM，例如 2026-10）：")
            if not ok:
                return
        try:
            if locking:
                engine.lock_period(self.store, code, period.strip())
                _info(self, "期间锁定", f"已锁定 {period}，该期间的后续修改将记为冲突，解锁后再应用。")
            else:
                n = engine.unlock_period(self.store, code, period.strip())
                _info(self, "期间锁定", f"已解锁 {period}，应用了 {n} 条此前被拒绝的修改。")
        except UserError as exc:
            _error(self, exc, "期间锁定")
        _broadcast(self.store)
        self.refresh()

    def _selected_key(self, table: QTableWidget):
        row = table.currentRow()
        if row < 0 or table.item(row, 0) is None:
            return None
        return table.item(row, 0).data(256)

    def resolve(self, action: str) -> None:
        from sifasuo_desktop.sync import engine

        cid = self._selected_key(self.conflicts)
        if cid is None:
            _info(self, "同步冲突", "请先选中一条冲突。")
            return
        try:
            engine.resolve_conflict(self.store, int(cid), action)
        except UserError as exc:
            _error(self, exc, "同步冲突")
        self.refresh()

    def force(self) -> None:
        from sifasuo_desktop.sync import engine

        pid = self._selected_key(self.held)
        if pid is None:
            _info(self, "暂存的同步包", "请先选中一个暂存包。")
            return
        try:
            r = engine.force_held(self.store, pid)
        except UserError as exc:
            _error(self, exc, "暂存的同步包")
            return
        _info(self, "暂存的同步包", r.text())
        self.refresh()

    def close_reconciliation(self) -> None:
        from sifasuo_desktop.sync import engine

        rid = self._selected_key(self.recs)
        if rid is None:
            _info(self, "待核对事项", "请先选中一个待核对事项。")
            return
        engine.close_reconciliation(self.store, int(rid))
        self.refresh()


def _open_setup(window):
    from .sync_setup_ui import open_wizard

    return open_wizard(window)


def sending_text(store) -> str:
    """上次发送 (when, to whom, files, records) and 待发送 per trusted unit, from sync/setup.py."""
    from sifasuo_desktop.sync import setup as SU

    try:
        last = SU.last_export(store)
        rows = SU.waiting(store)
    except Exception as exc:  # noqa: BLE001 - the page still shows the rest
        return f"无法读取发送情况：{getattr(exc, 'message', exc)}"
    names = SU.trusted_peers(store)
    lines = []
    if last:
        who = names.get(last.get("peer"), last.get("peer") or "")
        lines.append(f"上次发送：{_local(last.get('at'))} 发给{who}，{last.get('records') or 0} 条记录"
                     f"（序号 {last.get('seq_from')}–{last.get('seq_to')}），文件 {'、'.join(last.get('files') or [])}"
                     + (f"，保存在 {last['folder']}" if last.get("folder") else ""))
    else:
        lines.append("上次发送：还没有导出过同步包。")
    if not rows:
        lines.append("待发送：还没有信任对方的身份文件，请先运行“同步设置向导…”。")
    for r in rows:
        parts = [f"{r['unsent']} 条变更尚未导出" if r["unsent"] else "没有未导出的变更"]
        if r["unconfirmed"]:
            parts.append(f"{r['unconfirmed']} 条已导出、等待对方确认")
        lines.append(f"待发送给{r['org_name']}：" + "，".join(parts)
                     + f"（对方已确认至序号 {r['acked_to']}，本机最新序号 {r['top']}）")
    return "\n".join(lines)


def _local(ts: str | None, default: str = "") -> str:
    """UTC ISO timestamp -> local 'YYYY-MM-DD HH:MM'."""
    if not ts:
        return default
    import datetime as _dt
    try:
        return _dt.datetime.fromisoformat(ts).astimezone().strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return ts[:16]


def _record_label(c: dict) -> str:
    try:
        row = json.loads(c["incoming_row"] or "{}")
    except ValueError:
        row = {}
    ledger = LEDGERS.get(c["table_name"])
    for col in ((ledger.number_field, ledger.display_field) if ledger else ()) + ("name", "title", "key"):
        if col and row.get(col):
            return str(row[col])
    return c["record_id"][:8]


def _field_labels(c: dict) -> list[str]:
    try:
        fields = json.loads(c["conflicting_fields"] or "[]")
    except ValueError:
        return []
    ledger = LEDGERS.get(c["table_name"])
    out = []
    for f in fields:
        out.append(ledger.field(f).label if ledger and ledger.has(f) else f)
    return out


def _rec_details(text: str | None) -> str:
    try:
        d = json.loads(text or "{}")
    except ValueError:
        return text or ""
    parts = [d.get("reason", "")]
    if d.get("regressions"):
        parts.append(f"{d['regressions']} 条记录版本回退")
    if d.get("extra_rows_at_county"):
        parts.append(f"县局多出 {d['extra_rows_at_county']} 条该所记录")
    if d.get("digest_mismatch"):
        parts.append("状态摘要不一致")
    return "；".join(p for p in parts if p)
