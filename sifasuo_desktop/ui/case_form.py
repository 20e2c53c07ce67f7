"""The case form's 承办人 picker (issue 18): tick the body's officers instead of typing names; each shows its
certificate status (the RY-02 reason from domain/rules/personnel.cert_problem), uncertified ones cannot be
ticked. The field stays a plain 承办人 text ("张三、李四"), so typed names, imports and sync are unchanged."""
from __future__ import annotations

import datetime as _dt

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLineEdit, QMenu

from sifasuo_desktop.domain.validators import parse_date

SEP = "、"


def install(window) -> None:
    window.add_form_hook("cases", lambda form: OfficerPicker(form))
    window.add_form_hook("cases", lambda form: PenaltyTicks(form))


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
        from PySide6.QtWidgets import QStyle   # its ~40 enums cost 6 ms: created when a case form first opens

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
        from sifasuo_desktop.domain.rules.personnel import cert_problem   # the rules' package: on first use

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


class PenaltyTicks:
    """处罚种类 ticked from the domain's list (ledgers.PENALTY_KINDS) instead of typed (issue 18). The field's line
    edit stays the value holder ("警告、罚款", stored as before) and is shown only while it holds something the list
    does not know (an old import), so nothing is hidden from the clerk."""

    def __init__(self, form):
        from PySide6.QtWidgets import QCheckBox, QGridLayout, QVBoxLayout, QWidget

        from sifasuo_desktop.domain.ledgers import LEDGERS

        self.form = form
        form.penalty_ticks = self
        self.edit = form.widgets.get("penalty_kinds")
        if not isinstance(self.edit, QLineEdit):
            return
        self.kinds = LEDGERS["cases"].field("penalty_kinds").choices
        box = QWidget()
        outer = QVBoxLayout(box)
        outer.setContentsMargins(0, 0, 0, 0)
        grid = QGridLayout()
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setVerticalSpacing(0)
        outer.addLayout(grid)
        form.form.replaceWidget(self.edit, box)
        outer.addWidget(self.edit)
        self.boxes = {}
        for i, kind in enumerate(self.kinds):
            cb = QCheckBox(kind, box)
            cb.toggled.connect(lambda _on: self._ticked())
            grid.addWidget(cb, i // 5, i % 5)
            self.boxes[kind] = cb
        self.widget = box
        self._syncing = False
        self.edit.textChanged.connect(lambda _t: self._from_text())
        self._from_text()

    def _from_text(self) -> None:
        if self._syncing:
            return
        names = split_names(self.edit.text())
        self._syncing = True
        for kind, cb in self.boxes.items():
            cb.setChecked(kind in names)
        self._syncing = False
        unknown = [n for n in names if n not in self.boxes]
        self.edit.setVisible(bool(unknown))
        if unknown:
            self.edit.setToolTip("以下内容不在处罚种类清单中，请改为勾选：" + "、".join(unknown))

    def _ticked(self) -> None:
        if self._syncing:
            return
        others = [n for n in split_names(self.edit.text()) if n not in self.boxes]
        chosen = [k for k in self.kinds if self.boxes[k].isChecked()]
        self._syncing = True
        self.edit.setText(SEP.join(chosen + others))
        self._syncing = False
        self.edit.setVisible(bool(others))
