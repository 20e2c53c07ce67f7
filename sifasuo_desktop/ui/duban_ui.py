"""督办函 where the clerk sees the overdue problems (issue 18): the 问题整改 page (select overdue problems → 督办…)
and the 首页's to-do list (select its overdue 问题整改 rows → 督办所选逾期问题). One letter per body through the
drafting API (documents/service.draft_dubanhan_for_overdue with the selected problem ids); the draft opens
straight in the document editor and the selection the clerk made stays."""
from __future__ import annotations

import datetime as _dt

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import QAbstractItemView, QMessageBox, QPushButton

from sifasuo_desktop.documents import service as S
from sifasuo_desktop.domain.errors import UserError
from sifasuo_desktop.domain.permissions import allowed

from .dashboard import SEVERITY_TEXT


def overdue_by_body(problems: list[dict], today: _dt.date | None = None) -> dict[str | None, list[str]]:
    from sifasuo_desktop.domain.workflow import deadline_state   # not needed to open the window

    today = today or _dt.date.today()
    out: dict[str | None, list[str]] = {}
    for p in problems:
        if p and deadline_state(p, today) == "overdue":
            out.setdefault(p.get("body_id"), []).append(p["id"])
    return out


def draft_duban(window, problem_ids: list[str], today: _dt.date | None = None, open_editor: bool = True) -> list[dict]:
    """Draft one 督办函 per body for the overdue ones among `problem_ids`; open the first in the editor."""
    store = window.store
    problems = [store.get("problems", i) for i in problem_ids]
    groups = overdue_by_body([p for p in problems if p and not p.get("deleted")], today)
    if not groups:
        raise UserError("所选问题都没有逾期（或已销号），不需要督办。")
    if None in groups:
        raise UserError("有逾期问题没有填写“被监督单位（执法主体）”，无法确定督办函的主送单位；请先在问题中补填。")
    rows = []
    with store.transaction():   # all letters or none
        for body_id, ids in groups.items():
            rows += S.draft_dubanhan_for_overdue(store, body_id, today, problem_ids=set(ids))
    if not rows:
        raise UserError("所选逾期问题已有未作废的督办函，没有起草新的督办函。")
    text = f"✔ 已起草督办函 {len(rows)} 份（{'、'.join(r.get('recipient') or '' for r in rows)}），签发前可在“监督文书”中修改"
    from .toast import notify

    notify(window, text)
    controller = getattr(window, "documents_controller", None)
    if open_editor and controller is not None:
        controller.edit(store.get("documents", rows[0]["id"]) or rows[0])
    return rows


def _guarded(window, fn):
    try:
        return fn()
    except UserError as exc:
        QMessageBox.warning(window, "无法起草督办函", exc.message)
        return None


def install_problems_button(window):
    if hasattr(window, "on_ledger_view"):     # built with the page (pages are built when first shown)
        window.on_ledger_view("problems", lambda view: _problems_button(window, view))
        return None
    try:
        view = window.ledger_view("problems")
    except (AttributeError, KeyError):
        return None
    return _problems_button(window, view)


def _problems_button(window, view):
    b = QPushButton("督办…")
    b.setObjectName("duban_button")
    b.setToolTip("为所选的逾期问题起草督办函（每个被监督单位一份），并直接打开文书编辑")
    b.clicked.connect(lambda _=False: _guarded(window, lambda: draft_duban(
        window, [r["id"] for r in view.selected_records()])))
    view.buttons_layout.insertWidget(3, b)
    view.duban_btn = b

    def update():
        recs = view.selected_records()
        b.setEnabled(bool(overdue_by_body(recs)) and allowed(window.actor, "edit"))
    view.table.selectionModel().selectionChanged.connect(lambda *_: update())
    view.model.modelReset.connect(update)
    update()
    return b


def dashboard_problem_ids(page) -> list[str]:
    rows = sorted({i.row() for i in page.todo.selectionModel().selectedRows()})
    out = []
    for r in rows:
        it = page.todo.item(r, 0)
        data = it.data(Qt.UserRole) if it is not None else None
        if data and data[0] == "problems" and it.text() == SEVERITY_TEXT["red"]:
            out.append(data[1])
    return list(dict.fromkeys(out))


def install_dashboard_button(window):
    page = window.page("dashboard") if hasattr(window, "page") else None
    todo = getattr(page, "todo", None)
    if todo is None:
        return None
    todo.setSelectionMode(QAbstractItemView.ExtendedSelection)
    b = QPushButton("督办所选逾期问题…")
    b.setObjectName("dashboard_duban")
    b.setToolTip("在下表中选中逾期的“问题整改”行（Ctrl/Shift+单击可多选），为其起草督办函")
    b.setEnabled(False)
    b.clicked.connect(lambda _=False: _guarded(window, lambda: draft_duban(window, dashboard_problem_ids(page))))
    lay = todo.parentWidget().layout()
    lay.insertWidget(lay.indexOf(todo), b, 0, Qt.AlignLeft)
    todo.itemSelectionChanged.connect(
        lambda: b.setEnabled(bool(dashboard_problem_ids(page)) and allowed(window.actor, "edit")))
    page.duban_button = b
    fill = page._fill_todo

    def fill_keeping_selection():
        # the list is rebuilt after every change (the draft just saved): the rows the clerk selected stay selected
        keep = {todo.item(i.row(), 0).data(Qt.UserRole) for i in todo.selectionModel().selectedRows()
                if todo.item(i.row(), 0) is not None}
        fill()
        if keep:
            for r in range(todo.rowCount()):
                it = todo.item(r, 0)
                if it is not None and it.data(Qt.UserRole) in keep:
                    todo.selectionModel().select(todo.model().index(r, 0),
                                                 QItemSelectionModel.Select | QItemSelectionModel.Rows)
    page._fill_todo = fill_keeping_selection
    return b


def install(window) -> None:
    install_problems_button(window)
    install_dashboard_button(window)
