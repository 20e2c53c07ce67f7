"""County mode in the ledger views: a 乡镇 column (from each record's owner_org) and a 乡镇 filter.

Installed at runtime by sync_ui.install() through the window's public ledger_view(key) API: the view's
model gets one extra leading column and the view one extra filter box, so the ledger modules need no
county-specific code. (A declared hook such as window.add_ledger_column() would be the cleaner long-term
home for this.)
"""
from __future__ import annotations

from PySide6.QtWidgets import QComboBox

from sifasuo_desktop.domain.ledgers import TEXT, Field, nav_ledgers
from sifasuo_desktop.store import sync_queries as sq

TOWNSHIP_FIELD = Field("owner_org", "乡镇", TEXT)


def install(window) -> None:
    if window.store.org.role != "county":
        return
    names: dict[str, str] = {}

    def reload_names() -> None:
        names.clear()
        names.update(sq.township_names(window.store.conn))
        names[window.store.org.code] = window.store.org.name

    reload_names()
    boxes = []
    for ledger in nav_ledgers():
        view = window.ledger_view(ledger.key)
        if view is None:
            continue
        boxes.append(_install_view(view, names))

    def on_changes(changes) -> None:
        if changes.touches("orgs"):
            reload_names()
            for box in boxes:
                _fill_box(box, names)

    window.store.subscribe(on_changes)
    window.destroyed.connect(lambda *_: window.store.unsubscribe(on_changes))


def _fill_box(box: QComboBox, names: dict) -> None:
    current = box.currentData()
    box.blockSignals(True)
    box.clear()
    box.addItem("全部乡镇", None)
    for code, name in sorted(names.items()):
        box.addItem(name, code)
    i = box.findData(current)
    box.setCurrentIndex(max(i, 0))
    box.blockSignals(False)


def _install_view(view, names: dict) -> QComboBox:
    model = view.model
    model.beginResetModel()
    model.fields = [TOWNSHIP_FIELD] + [f for f in model.fields if f.name != "owner_org"]
    model.endResetModel()
    plain_display = model.display

    def display(field, value):
        if field is TOWNSHIP_FIELD:
            return names.get(value, value or "")
        return plain_display(field, value)

    model.display = display
    box = QComboBox()
    box.setObjectName("township_filter")
    _fill_box(box, names)
    lay = view.layout()
    for i in range(lay.count()):
        sub = lay.itemAt(i).layout()
        if sub is not None and sub.indexOf(view.search) >= 0:
            sub.insertWidget(sub.indexOf(view.search) + 1, box)
            break
    plain_query = view.current_query

    def current_query():
        q = plain_query()
        code = box.currentData()
        if code:
            q.extra_where = f"({q.extra_where}) AND t.owner_org = ?" if q.extra_where else "t.owner_org = ?"
            q.extra_params = tuple(q.extra_params) + (code,)
        return q

    view.current_query = current_query
    view.township_filter = box
    box.currentIndexChanged.connect(lambda _i: view.apply_filters())
    return box
