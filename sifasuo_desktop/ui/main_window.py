"""The main window: a shell with the navigation list, the pages and the menus. Features plug in through
ui/extensions.py (see docs/DEVELOPING.md, "UI plug-in API")."""
from __future__ import annotations

import importlib
import logging

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QLabel, QListWidget, QListWidgetItem, QMainWindow, QMessageBox, QSplitter,
                               QStackedWidget, QWidget)

from sifasuo_desktop import APP_NAME, __version__
from sifasuo_desktop.domain.ledgers import nav_ledgers
from sifasuo_desktop.domain.permissions import ROLE_LABELS

from . import extensions
from .dashboard import DashboardPage
from .ledger_view import LedgerView

log = logging.getLogger(__name__)
MENUS = ("文件", "台账", "监督", "统计", "同步", "工具", "帮助")
DEFAULT_LEDGER = "cases"


class MainWindow(QMainWindow):
    def __init__(self, store, actor, data_dir=None):
        super().__init__()
        self.store = store
        self.actor = actor
        self.data_dir = data_dir or store.data_dir
        self._pages: dict[str, object] = {}
        self._ledger_views: dict[str, LedgerView] = {}
        self._unbuilt: dict[str, QWidget] = {}      # ledger pages not shown yet: an empty stand-in each
        self._lazy: dict[str, tuple] = {}           # other pages not shown yet: key -> (factory, attribute, stand-in)
        self._lazy_attrs: dict[str, str] = {}       # attribute (window.stats_page) -> key of its unbuilt page
        self._record_buttons: dict[str, list] = {}  # (text, callback, when) to put on a ledger view when built
        self._record_actions: dict[str, list] = {}
        self._form_actions: dict[str, list] = {}
        self._badge_providers: list = []
        self.extension_errors: list[str] = []
        org = store.org
        self.setWindowTitle(org.name)  # Qt appends the application display name (APP_NAME)
        self.resize(1280, 800)

        self.nav = QListWidget()
        self.nav.setMinimumWidth(150)
        self.nav.setMaximumWidth(220)
        self.nav.setStyleSheet("QListWidget { font-size: 14px; } QListWidget::item { padding: 6px; }")
        self.stack = QStackedWidget()
        split = QSplitter(Qt.Horizontal)
        split.addWidget(self.nav)
        split.addWidget(self.stack)
        split.setStretchFactor(1, 1)
        split.setCollapsible(0, False)
        split.setSizes([170, 1110])
        self.setCentralWidget(split)

        self.menus = {title: self.menuBar().addMenu(title) for title in MENUS}
        self._build_core_menus()

        self.add_page("dashboard", "首页", DashboardPage(self))
        for ledger in nav_ledgers():
            self._ledger_placeholders(ledger)
        self.nav.currentRowChanged.connect(self._nav_changed)
        self._install_extensions()
        # ledger views are built when first shown (or asked for) and loaded then; the default one at start
        self.ledger_view(DEFAULT_LEDGER).ensure_loaded()
        self.nav.setCurrentRow(0)

        user = f"{actor.label}（{ROLE_LABELS.get(actor.role, actor.role)}）"
        self.statusBar().addPermanentWidget(QLabel(f"{org.name}  |  {org.role_label}  |  {user}"))
        store.subscribe(self._on_changes)

    # ------------------------------------------------------------------ pages
    def _ledger_placeholders(self, ledger) -> None:
        """An empty stand-in in the stack; the LedgerView (toolbar, model, columns: ~15 ms each, two dozen
        ledgers) is built when the page is first shown or asked for (issue 19: start-up)."""
        holder = QWidget(self)
        self._unbuilt[ledger.key] = holder
        self.add_page(ledger.key, ledger.title, holder)

    def _build_ledger_view(self, key: str) -> LedgerView:
        view = self._ledger_views.get(key)
        if view is not None:
            return view
        holder = self._unbuilt[key]           # KeyError for a key that is no ledger page, as before
        view = LedgerView(self, key)
        for text, callback, when in self._record_buttons.get(key, ()):
            view.add_record_button(text, callback, when)
        for fn in self.__dict__.get("_view_hooks", {}).get(key, ()):
            fn(view)
        self._ledger_views[key] = view
        del self._unbuilt[key]
        self._put_in_place(key, holder, view)
        return view

    def _put_in_place(self, key: str, holder: QWidget, widget) -> None:
        """The built page takes its stand-in's place in the stack (and stays current if the stand-in was)."""
        current = self.stack.currentWidget() is holder
        self.stack.insertWidget(self.stack.indexOf(holder), widget)
        self.stack.removeWidget(holder)
        self._pages[key] = widget
        if current:
            self.stack.setCurrentWidget(widget)
        holder.deleteLater()

    def add_lazy_page(self, key: str, title: str, factory, attr: str | None = None,
                      before: str | None = None) -> None:
        """A page built the first time it is shown or asked for (issue 19: start-up): its navigation entry is there
        at once, `factory()` makes the widget on the first show_page / navigation click / page(key), or on the
        first read of `window.<attr>` (so `window.stats_page` keeps working)."""
        holder = QWidget(self)
        self.add_page(key, title, holder, before=before)
        self._lazy[key] = (factory, attr, holder)
        if attr:
            self._lazy_attrs[attr] = key

    def _build_lazy_page(self, key: str):
        factory, attr, holder = self._lazy.pop(key)
        if attr:
            self._lazy_attrs.pop(attr, None)
        try:
            widget = factory()
        except BaseException:
            self._lazy[key] = (factory, attr, holder)   # not built: the next show tries again
            if attr:
                self._lazy_attrs[attr] = key
            raise
        self._put_in_place(key, holder, widget)
        if attr:
            setattr(self, attr, widget)
        return widget

    def __getattr__(self, name: str):
        # only reached when normal lookup fails: an attribute of a page not built yet builds it
        key = self.__dict__.get("_lazy_attrs", {}).get(name)
        if key is None:
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
        return self._build_lazy_page(key)

    def add_page(self, key: str, title: str, widget, before: str | None = None) -> None:
        if key in self._pages:
            raise ValueError(f"page {key} exists")
        self._pages[key] = widget
        item = QListWidgetItem(title)
        item.setData(Qt.UserRole, key)
        if before and before in self._pages:
            row = self._page_row(before)
            self.nav.insertItem(row, item)
        else:
            self.nav.addItem(item)
        self.stack.addWidget(widget)

    def _page_row(self, key: str) -> int:
        for row in range(self.nav.count()):
            if self.nav.item(row).data(Qt.UserRole) == key:
                return row
        return -1

    def page(self, key: str):
        if key in self._unbuilt:
            return self._build_ledger_view(key)
        if key in self._lazy:
            return self._build_lazy_page(key)
        return self._pages.get(key)

    def page_keys(self) -> list[str]:
        return [self.nav.item(r).data(Qt.UserRole) for r in range(self.nav.count())]

    def show_page(self, key: str) -> None:
        row = self._page_row(key)
        if row >= 0:
            self.nav.setCurrentRow(row)

    def _nav_changed(self, row: int) -> None:
        if row < 0:
            return
        key = self.nav.item(row).data(Qt.UserRole)
        if key in self._unbuilt:
            self._build_ledger_view(key)
        elif key in self._lazy:
            self._build_lazy_page(key)
        widget = self._pages[key]
        if isinstance(widget, LedgerView):
            widget.ensure_loaded()
        elif hasattr(widget, "on_show"):
            widget.on_show()
        self.stack.setCurrentWidget(widget)

    def ledger_view(self, key: str) -> LedgerView:
        return self._build_ledger_view(key)

    def current_ledger_view(self) -> LedgerView | None:
        w = self.stack.currentWidget()
        return w if isinstance(w, LedgerView) else None

    def open_record(self, table: str, record_id: str) -> dict | None:
        """Go to the ledger holding the record and open its form."""
        view = self._build_ledger_view(table) if table in self._unbuilt or table in self._ledger_views else None
        record = self.store.get(table, record_id)
        if view is None or record is None:
            QMessageBox.information(self, "找不到记录", "该记录不存在或已删除。")
            return None
        self.show_page(table)
        view.ensure_loaded()
        view.select_record(record_id)
        return view.open_form(record)

    # ------------------------------------------------------------------ plug-in API
    def add_menu_action(self, menu_title: str, text: str, callback, shortcut=None):
        menu = self.menus.get(menu_title) or self.menuBar().addMenu(menu_title)
        self.menus[menu_title] = menu
        action = menu.addAction(text)
        action.triggered.connect(lambda _checked=False: callback())
        if shortcut:
            action.setShortcut(shortcut)
        return action

    def add_record_action(self, ledger_key: str, text: str, callback, when=None) -> None:
        """`when(record) -> bool`: shown only for records whose state allows the action."""
        self._record_actions.setdefault(ledger_key, []).append((text, callback))
        self._record_buttons.setdefault(ledger_key, []).append((text, callback, when))
        view = self._ledger_views.get(ledger_key)
        if view is not None:
            view.add_record_button(text, callback, when)

    def record_actions(self, ledger_key: str) -> list:
        return list(self._record_actions.get(ledger_key, []))

    def add_form_action(self, ledger_key: str, text: str, callback) -> None:
        self._form_actions.setdefault(ledger_key, []).append((text, callback))

    def form_actions(self, ledger_key: str) -> list:
        return list(self._form_actions.get(ledger_key, []))

    def add_state_action(self, ledger_key: str, text: str, callback, when=None) -> None:
        """The workflow button a record form shows beside its read-only state field (issue 12):
        `callback(form, record)`; `when(record) -> bool` hides it where the state allows nothing."""
        self.__dict__.setdefault("_state_actions", {}).setdefault(ledger_key, []).append((text, callback, when))

    def state_actions(self, ledger_key: str) -> list:
        return list(self.__dict__.get("_state_actions", {}).get(ledger_key, []))

    def on_ledger_view(self, ledger_key: str, fn) -> None:
        """`fn(view)` once the ledger's view exists: now if built, else when first shown (extra buttons)."""
        view = self._ledger_views.get(ledger_key)
        if view is not None:
            fn(view)
        else:
            self.__dict__.setdefault("_view_hooks", {}).setdefault(ledger_key, []).append(fn)

    def add_form_hook(self, ledger_key: str, fn) -> None:
        """`fn(form)` runs after a record form of that ledger is built (extra pickers, live hints)."""
        self.__dict__.setdefault("_form_hooks", {}).setdefault(ledger_key, []).append(fn)

    def form_hooks(self, ledger_key: str) -> list:
        return list(self.__dict__.get("_form_hooks", {}).get(ledger_key, []))

    def add_badge_provider(self, fn) -> None:
        self._badge_providers.append(fn)

    def badge_for(self, table: str, record_id: str):
        worst = None
        for fn in self._badge_providers:
            b = fn(table, record_id)
            if b and (worst is None or (b[0] == "red" and worst[0] != "red")):
                worst = b
        return worst

    def refresh_badges(self) -> None:
        for view in self._ledger_views.values():
            if view._loaded:
                view.model.layoutChanged.emit()

    def _install_extensions(self) -> None:
        for name in extensions.EXTENSIONS:
            importlib.import_module(name).install(self)
        # 退出 stays the last entry of 文件 whatever the extensions appended
        file_menu = self.menus["文件"]
        file_menu.removeAction(self._quit_action)
        file_menu.addSeparator()
        file_menu.addAction(self._quit_action)

    # ------------------------------------------------------------------ menus and changes
    def _build_core_menus(self) -> None:
        self.add_menu_action("文件", "新增记录", self._new_record, "Ctrl+N")
        self.menus["文件"].addSeparator()
        self._quit_action = self.add_menu_action("文件", "退出", self.close, "Ctrl+Q")
        for ledger in nav_ledgers():
            self.add_menu_action("台账", ledger.title, lambda k=ledger.key: self.show_page(k))
        self.add_menu_action("帮助", "关于", self._about)

    def _new_record(self) -> None:
        view = self.current_ledger_view()
        if view is None:
            QMessageBox.information(self, "新增记录", "请先在左侧选择一个台账。")
            return
        view.add_record()

    def _about(self) -> None:
        QMessageBox.about(self, "关于", f"{APP_NAME}\n版本 {__version__}\n数据文件夹：{self.data_dir}")

    def _on_changes(self, changes) -> None:
        for table in changes.tables:
            view = self._ledger_views.get(table)
            if view is not None:
                view.refresh()
        # referenced names may show in other ledgers
        if changes.touches("bodies", "officers", "powers"):
            for view in self._ledger_views.values():
                view.model.layoutChanged.emit()
        dash = self._pages.get("dashboard")
        if dash is not None and hasattr(dash, "on_changes"):
            dash.on_changes(changes)

    def closeEvent(self, event) -> None:
        self.store.unsubscribe(self._on_changes)
        super().closeEvent(event)
