"""The case form's 承办人 picker (issue 18): tick the body's officers instead of typing names; each shows its
certificate status (the RY-02 reason from domain/rules/personnel.cert_problem), uncertified ones cannot be
ticked. The field stays a plain 承办人 text ("张三、李四"), so typed names, imports and sync are unchanged."""
from __future__ import annotations

import datetime as _dt

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLineEdit, QMenu, QStyle

from sifasuo_desktop.domain.rules.personnel import cert_problem
from sifasuo_desktop.domain.validators import parse_date

SEP = "、"


def install(window) -> None:
    window.add_form_hook("cases", lambda form: OfficerPicker(form))


def split_names(text: str) -> list[str]:
    for sep in (",", "，", ";", "；", " ", "/"):
        text = text.replace(sep, SEP)
    return [n for n in (p.strip() for p in text.split(SEP)) if n]


class OfficerPicker:
    def __init__(self, form):
        self.form = form
        form.officer_picker = self
        self.edit = form.widgets.get("officer_names")
        if not isinstance(self.edit, QLineEdit):
            return
        icon = form.style().standardIcon(QStyle.SP_FileDialogDetailedView)
        self.action = QAction(icon, "从本主体执法人员中选择…", self.edit)
        self.action.setToolTip("从所选执法主体的执法人员中勾选承办人（显示证件状态）")
        self.action.triggered.connect(lambda _=False: self.popup())
        self.edit.addAction(self.action, QLineEdit.TrailingPosition)
        self.edit.setPlaceholderText("点右侧按钮从本主体执法人员中勾选，或直接输入，多个用“、”分隔")

    def _day(self) -> _dt.date:
        for name in ("filed_date", "decision_date"):
            w = self.form.widgets.get(name)
            try:
                iso = parse_date(w.text()) if w is not None else None
            except ValueError:
                iso = None
            if iso:
                return _dt.date.fromisoformat(iso)
        return _dt.date.today()

    def candidates(self) -> list[tuple[dict, str | None]]:
        """(officer, reason it may not act or None) for the selected body's officers in post."""
        body = self.form.widgets.get("body_id")
        body_id = body.value() if hasattr(body, "value") else None
        where, params = ("body_id = ?", (body_id,)) if body_id else ("", ())
        rows = self.form.store.rows("officers", where, params, order_by="name")
        day = self._day()
        out = []
        for o in rows:
            if (o.get("duty_status") or "在岗") != "在岗":
                continue
            out.append((o, cert_problem(o, day)))
        return out

    def menu(self) -> QMenu:
        menu = QMenu(self.edit)
        chosen = split_names(self.edit.text())
        people = self.candidates()
        if not people:
            menu.addAction("（所选执法主体没有在岗执法人员）").setEnabled(False)
        for o, problem in people:
            name = o.get("name") or ""
            act = menu.addAction(f"{name}（{problem or '证件有效'}）")
            act.setCheckable(True)
            act.setChecked(name in chosen)
            act.setEnabled(problem is None or name in chosen)   # an uncertified officer can only be removed
            act.toggled.connect(lambda on, n=name: self.toggle(n, on))
        self._menu = menu
        return menu

    def popup(self) -> None:
        self.menu().popup(self.edit.mapToGlobal(self.edit.rect().bottomLeft()))

    def toggle(self, name: str, on: bool) -> None:
        names = split_names(self.edit.text())
        if on and name not in names:
            names.append(name)
        elif not on:
            names = [n for n in names if n != name]
        self.edit.setText(SEP.join(names))
