"""首次使用清单 on the 首页 (issue 18): the steps of domain/first_run.py, each with the button that does it, ticked
from the data after every change (never by hand). Folded to one line once everything is done."""
from __future__ import annotations

import shiboken6
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import ( QGridLayout, QGroupBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout,
                               QWidget)

from sifasuo_desktop.domain.first_run import all_done, checklist
from sifasuo_desktop.domain.ledgers import LEDGERS

DONE, TODO = "✔", "○"


def _menu_action(window, menu: str, text: str):
    m = getattr(window, "menus", {}).get(menu)
    for act in (m.actions() if m is not None else []):
        if act.text() == text:
            return act
    return None


def _trigger(window, menu: str, text: str):
    act = _menu_action(window, menu, text)
    if act is not None:
        act.trigger()


class FirstRunPanel(QGroupBox):
    def __init__(self, window):
        super().__init__("首次使用清单（完成一项自动打勾）")
        self.setObjectName("first_run")
        self.window_ = window
        self.store = window.store
        self.setStyleSheet("QGroupBox#first_run { font-weight: bold; border: 1px solid #90caf9; border-radius: 4px;"
                           " margin-top: 10px; padding: 6px; } QGroupBox#first_run::title { left: 8px; }")
        self.lay = QVBoxLayout(self)
        self.body = QWidget()
        self.grid = QGridLayout(self.body)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setHorizontalSpacing(10)
        self.grid.setVerticalSpacing(2)
        self.lay.addWidget(self.body)
        self.steps = []
        self.marks: dict[str, QLabel] = {}
        self.refresh()

    def _actions(self, key: str) -> list[tuple[str, object]]:
        w = self.window_
        if key == "office":
            docs = getattr(w, "documents_controller", None)
            if docs is not None:   # straight to the 机关代字 field (issue 12's field in 文书设置)
                return [("填写机关代字…", lambda: docs.settings_dialog(focus="code"))]
            return [("文书设置…", lambda: _trigger(w, "监督", "文书设置…"))]
        if key == "accounts":
            return [("账号管理…", lambda: _trigger(w, "工具", "账号管理…"))]
        if key == "identity":
            return [("同步设置向导…", lambda: _trigger(w, "同步", "同步设置向导…"))]
        if key == "backup":
            return [("备份设置…", lambda: _trigger(w, "工具", "备份设置…")),
                    ("立即备份…", lambda: _trigger(w, "文件", "立即备份…"))]
        if key in LEDGERS:
            return [("下载模板…", lambda k=key: self._template(k)), ("导入…", lambda k=key: self._import(k))]
        return []

    def _run(self, fn) -> None:
        """A step's button; the dialogs it opens are modal, so look at the data again once it returns (accounts
        and backups change no ledger table)."""
        try:
            fn()
        finally:
            if shiboken6.isValid(self):
                QTimer.singleShot(0, self, self.refresh)

    def _template(self, key: str):
        from .extensions_xlsx import save_template

        return save_template(self.window_, key)

    def _import(self, key: str):
        from sifasuo_desktop.domain.permissions import allowed

        from .xlsx_import import XlsxImportDialog

        if not allowed(self.window_.actor, "import"):
            return None
        dlg = XlsxImportDialog(self.window_)
        dlg.ledger_box.setCurrentIndex(max(dlg.ledger_box.findData(key), 0))
        self.import_dialog = dlg
        dlg.exec()
        return dlg

    def _row(self, r: int, step, indent: bool = False) -> None:
        mark = QLabel(DONE if step.done else TODO)
        mark.setStyleSheet("color: #2e7d32; font-weight: bold;" if step.done else "color: #9e9e9e;")
        self.marks[step.key] = mark
        title = QLabel(("    " if indent else "") + step.title)
        title.setStyleSheet("font-weight: normal;" + (" color: #616161;" if step.done else ""))
        detail = QLabel(step.detail)
        detail.setWordWrap(True)
        detail.setStyleSheet("font-weight: normal; color: #616161;")
        self.grid.addWidget(mark, r, 0)
        self.grid.addWidget(title, r, 1)
        self.grid.addWidget(detail, r, 2)
        box = QHBoxLayout()
        box.setContentsMargins(0, 0, 0, 0)
        for text, cb in self._actions(step.key):
            if step.done and text == "填写机关代字…":
                text = "文书设置…"     # done: the same dialog, no call to fill anything in
            b = QPushButton(text)
            b.setStyleSheet("font-weight: normal; padding: 1px 8px;")
            b.clicked.connect(lambda _=False, f=cb: self._run(f))
            box.addWidget(b)
        box.addStretch(1)
        holder = QWidget()
        holder.setLayout(box)
        self.grid.addWidget(holder, r, 3)

    def refresh(self) -> None:
        try:
            steps = checklist(self.store)
        except Exception:  # noqa: BLE001 - the checklist must never take the 首页 down
            self.hide()
            return
        self.steps = steps
        while self.grid.count():
            item = self.grid.takeAt(0)
            w = item.widget()
            if w is not None:   # gone at once (deleteLater alone left the old rows painted under the new ones)
                w.hide()
                w.setParent(None)
                w.deleteLater()
        self.marks = {}
        r = 0
        for step in steps:
            self._row(r, step)
            r += 1
            if step.key == "import" and not step.done:
                for sub in step.subs:
                    self._row(r, sub, indent=True)
                    r += 1
        self.grid.setColumnStretch(2, 1)
        done = sum(s.done for s in steps)
        finished = all_done(steps)
        self.setTitle("首次使用清单：已全部完成" if finished else f"首次使用清单（已完成 {done}/{len(steps)}，完成一项自动打勾）")
        self.body.setVisible(not finished)

    def done_keys(self) -> set[str]:
        out = {s.key for s in self.steps if s.done}
        for s in self.steps:
            out |= {f"import.{sub.key}" for sub in s.subs if sub.done}
        return out


def install(window) -> None:
    page = window.page("dashboard") if hasattr(window, "page") else None
    todo = getattr(page, "todo", None)
    if todo is None:
        return
    page.first_run = None
    show = page.on_show

    def on_show():
        panel = page.first_run
        if panel is None:
            # built when the 首页 is first shown (its constructor reads the checklist once): nothing of it at
            # start-up before then, and no second read of the same data right after building it (issue 19)
            _build(window, page, todo)
        elif shiboken6.isValid(panel):
            panel.refresh()   # a backup to the USB stick changes no table: look again whenever the 首页 is shown
        show()
    page.on_show = on_show


def _build(window, page, todo) -> "FirstRunPanel":
    panel = FirstRunPanel(window)
    page.first_run = panel
    lay = todo.parentWidget().layout()
    lay.insertWidget(0, panel)
    timer = QTimer(panel, singleShot=True, interval=300)
    timer.timeout.connect(panel.refresh)

    def changed(_changes):
        if shiboken6.isValid(panel) and panel.isVisible():
            timer.start()
    store = window.store
    store.subscribe(changed)
    panel.destroyed.connect(lambda *_: store.unsubscribe(changed))
    return panel
