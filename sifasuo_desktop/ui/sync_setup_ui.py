"""同步设置向导 (issue 18): sync set up in ONE guided step on each side with one USB stick (sync/setup.py says how):
this side's identity file written onto the stick, the other side's identity found there trusted after the
fingerprint was read over the phone, then the first package exported onto the stick (township) or the packages
on it imported (county). The dialog shows what is done (✔) and what is left."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialogButtonBox, QFileDialog, QGroupBox, QHBoxLayout, QLabel,
                               QPushButton, QVBoxLayout, QWidget)

from sifasuo_desktop.domain.errors import UserError
from sifasuo_desktop.domain.permissions import allowed
from sifasuo_desktop.sync import setup as SU

from .widgets import FitDialog


class SyncSetupWizard(FitDialog):
    def __init__(self, window, folder: str | None = None):
        super().__init__(window)
        self.window_ = window
        self.store = window.store
        org = self.store.org
        self.county = org.role == "county"
        self.other = "乡镇司法所" if self.county else "县司法局"
        self.setWindowTitle("同步设置向导")
        self.resize(720, 560)
        lay = QVBoxLayout(self)
        intro = QLabel(
            ("县司法局：插入U盘，本向导把本局身份文件写到U盘；U盘交给乡镇后，乡镇运行同一向导即可信任本局并导出第一个同步包。"
             "U盘带回后再运行本向导：核对指纹、信任该所，并导入U盘上的同步包。")
            if self.county else
            ("司法所：插入县司法局给的U盘（上面有县局的身份文件），本向导一次完成：核对并信任县局身份、把本所身份文件写到U盘、"
             "导出第一个同步包到U盘。把U盘交回县司法局即可。"))
        intro.setWordWrap(True)
        lay.addWidget(intro)
        row = QHBoxLayout()
        row.addWidget(QLabel("U盘或文件夹："))
        self.folder_box = QComboBox()
        self.folder_box.setMinimumWidth(320)
        from sifasuo_desktop.sync.drives import removable_drives

        for label, path in removable_drives():
            self.folder_box.addItem(f"{label}（{path}）", str(path))
        if folder:
            self.set_folder(folder)
        browse = QPushButton("选择文件夹…")
        browse.clicked.connect(self._browse)
        row.addWidget(self.folder_box, 1)
        row.addWidget(browse)
        lay.addLayout(row)

        self.own_box = QGroupBox("第1步  本机身份")
        ol = QVBoxLayout(self.own_box)
        from sifasuo_desktop.sync.engine import local_keys

        try:
            fp = local_keys(self.store).public.fingerprint
        except UserError as exc:
            fp = exc.message
        self.own_label = QLabel(f"{org.name}（{org.code}）  指纹：{fp}\n对方核对时请读出这串指纹。")
        self.own_label.setWordWrap(True)
        self.own_label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        ol.addWidget(self.own_label)
        lay.addWidget(self.own_box)

        self.peer_box = QGroupBox(f"第2步  信任{self.other}的身份文件")
        self.peer_lay = QVBoxLayout(self.peer_box)
        lay.addWidget(self.peer_box)
        self.pkg_box = QGroupBox("第3步  " + ("导入U盘上的同步包" if self.county else "导出第一个同步包到U盘"))
        pl = QVBoxLayout(self.pkg_box)
        self.pkg_label = QLabel("")
        self.pkg_label.setWordWrap(True)
        pl.addWidget(self.pkg_label)
        self.pkg_btn = QPushButton("导入同步包" if self.county else "导出同步包到此U盘")
        self.pkg_btn.clicked.connect(self.do_packages)
        pl.addWidget(self.pkg_btn)
        lay.addWidget(self.pkg_box)
        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.status.setStyleSheet("font-weight: bold;")
        lay.addWidget(self.status)
        lay.addStretch(1)
        self.run_btn = QPushButton("开始（写入本机身份文件并查找对方文件）")
        self.run_btn.setDefault(True)
        self.run_btn.clicked.connect(self.start)
        buttons = QDialogButtonBox(QDialogButtonBox.Close)
        buttons.button(QDialogButtonBox.Close).setText("关闭")
        buttons.rejected.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(self.run_btn)
        bottom.addStretch(1)
        bottom.addWidget(buttons)
        lay.addLayout(bottom)
        self.own_written: Path | None = None
        self.found: list = []
        self.confirm_boxes: dict[str, QCheckBox] = {}
        self.done_text: list[str] = []
        self.folder_box.currentIndexChanged.connect(lambda _i: self.refresh())
        self.refresh()

    # ------------------------------------------------------------------ folder
    def folder(self) -> Path | None:
        data = self.folder_box.currentData()
        return Path(data) if data else None

    def set_folder(self, folder) -> None:
        folder = str(folder)
        idx = self.folder_box.findData(folder)
        if idx < 0:
            self.folder_box.insertItem(0, folder, folder)
            idx = 0
        self.folder_box.setCurrentIndex(idx)

    def _browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "选择U盘或文件夹")
        if folder:
            self.set_folder(folder)

    # ------------------------------------------------------------------ steps
    def start(self) -> None:
        folder = self.folder()
        if folder is None:
            self.status.setText("请插入U盘或选择一个文件夹。")
            return
        try:
            self.own_written = SU.write_own_identity(self.store, folder)
        except UserError as exc:
            self.status.setText(exc.message)
            return
        self.refresh()

    def trust(self, found) -> None:
        from sifasuo_desktop.sync import engine

        box = self.confirm_boxes.get(str(found.path))
        if box is None or not box.isChecked():
            self.status.setText("请先打电话请对方读出指纹，核对一致后勾选“指纹一致”，再点“信任”。")
            return
        try:
            engine.trust_identity(self.store, found.ident)
        except UserError as exc:
            self.status.setText(exc.message)
            return
        self.done_text.append(f"已信任{found.label}")
        page = getattr(self.window_, "sync_page", None)
        if page is not None:
            page.refresh()
        self.refresh()

    def do_packages(self) -> None:
        folder = self.folder()
        if folder is None:
            return
        if self.county:
            from .sync_ui import import_packages

            files = SU.packages_for_me(self.store, folder)
            results = import_packages(self.window_, [str(p) for p in files]) if files else None
            if results:
                self.done_text.append(f"已导入U盘上的 {len(files)} 个同步包文件")
        else:
            from sifasuo_desktop.sync import engine

            from .sync_ui import _in_worker

            try:
                result = _in_worker(self.window_, "导出同步包",
                                    lambda store, progress, cancelled: engine.export_package(store, folder))
            except UserError as exc:
                self.status.setText(exc.message)
                return
            self.done_text.append(result.text())
        self.refresh()

    def refresh(self) -> None:
        folder = self.folder()
        can = allowed(self.window_.actor, "sync") and allowed(self.window_.actor, "keys")
        self.run_btn.setEnabled(folder is not None and can)
        while self.peer_lay.count():
            item = self.peer_lay.takeAt(0)
            w = item.widget()
            if w is not None:
                w.hide()
                w.setParent(None)
                w.deleteLater()
        self.confirm_boxes = {}
        self.found = SU.find_identities(self.store, folder) if folder else []
        trusted = SU.trusted_peers(self.store)
        shown = 0
        for f in self.found:
            if f.state == "own":
                continue
            shown += 1
            line = QWidget()
            ll = QHBoxLayout(line)
            ll.setContentsMargins(0, 0, 0, 0)
            text = QLabel(f"{f.label}  指纹：{f.ident.fingerprint}")
            text.setWordWrap(True)
            ll.addWidget(text, 1)
            if f.state == "trusted":
                ll.addWidget(QLabel("✔ 已信任"))
            elif f.state == "wrong":
                ll.addWidget(QLabel(f"不能信任：{f.reason}"))
            else:
                box = QCheckBox("已电话核对，指纹一致")
                self.confirm_boxes[str(f.path)] = box
                ll.addWidget(box)
                b = QPushButton("信任")
                b.setEnabled(can)
                b.clicked.connect(lambda _=False, ff=f: self.trust(ff))
                ll.addWidget(b)
            self.peer_lay.addWidget(line)
        if not shown:
            hint = QLabel(f"此U盘/文件夹中没有{self.other}的身份文件（{SU.IDENTITY_PREFIX}机构代码{SU.IDENTITY_SUFFIX}）。"
                          + (f"已信任：{'、'.join(trusted.values())}。" if trusted else
                             ("乡镇运行向导后会把其身份文件写到U盘上。" if self.county
                              else "请向县司法局要一个写有县局身份文件的U盘。")))
            hint.setWordWrap(True)
            self.peer_lay.addWidget(hint)
        own_there = folder is not None and (folder / SU.identity_file_name(self.store.org.code)).exists()
        packages = SU.packages_for_me(self.store, folder) if (folder and self.county) else []
        if self.county:
            self.pkg_label.setText(f"U盘上有 {len(packages)} 个发给本局的同步包文件。" if packages
                                   else "U盘上没有发给本局的同步包。")
            self.pkg_btn.setEnabled(bool(packages) and bool(trusted) and can)
        else:
            self.pkg_label.setText("信任县司法局后即可导出（第一个同步包包含本所全部数据）。" if not trusted
                                   else f"将导出给：{'、'.join(trusted.values())}。")
            self.pkg_btn.setEnabled(bool(trusted) and folder is not None and can)
        marks = [("本机身份文件已写到U盘", own_there), (f"已信任{self.other}", bool(trusted))]
        self.status.setText("   ".join(("✔ " if ok else "○ ") + t for t, ok in marks)
                            + ("\n" + "\n".join(self.done_text) if self.done_text else ""))

    def ready(self) -> bool:
        return bool(SU.trusted_peers(self.store))


def open_wizard(window, folder=None):
    dlg = SyncSetupWizard(window, folder)
    window.sync_setup_dialog = dlg
    dlg.exec()
    return dlg


def install(window) -> None:
    window.add_menu_action("同步", "同步设置向导…", lambda: open_wizard(window))
