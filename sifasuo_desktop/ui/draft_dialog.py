"""起草文书 on the 监督文书 page (issue 17): choose the type, then what it concerns — a body and (some of) its open
problems, a visit, a review batch or the quarter's ranking — and draft through documents.drafting.draft, the same
call as `sifasuo docs draft`. The controller then opens the draft in the document editor."""
from __future__ import annotations

import datetime as _dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QComboBox, QDialogButtonBox, QFormLayout, QLabel, QListWidget, QListWidgetItem,
                               QSpinBox, QVBoxLayout)

from sifasuo_desktop.documents import drafting as D
from sifasuo_desktop.documents import model as M
from sifasuo_desktop.documents import service as S
from sifasuo_desktop.domain.errors import UserError
from sifasuo_desktop.ui.widgets import FitDialog

# the order a 文秘 finds them in (the ledger labels)
TYPE_ORDER = (M.YIJIANSHU, M.JIANYISHU, M.JUEDINGSHU, M.ZHENGGAI, M.YUETAN, M.DUBANHAN, M.TONGBAO, M.JIDU)
ALL_PROBLEMS = "__all__"


class DraftDialog(FitDialog):
    def __init__(self, parent, store, key: str | None = None):
        super().__init__(parent)
        self.store = store
        self.created: dict | None = None
        self.setWindowTitle("起草文书")
        self.resize(620, 520)
        lay = QVBoxLayout(self)
        form = QFormLayout()
        self.type_box = QComboBox()
        county = bool(store.org and store.org.role != "township")
        for k in TYPE_ORDER:
            if k == M.JIDU and not county:
                continue   # the ranking of all townships is the county's
            self.type_box.addItem(S.LABEL[k], k)
        self.source_box = QComboBox()
        self.body_box = QComboBox()
        self.body_box.setEditable(False)
        for b in store.rows("bodies", order_by="name"):
            self.body_box.addItem(b.get("name") or b["id"], b["id"])
        self.problems = QListWidget()
        self.problems.setMinimumHeight(140)
        self.visit_box = QComboBox()
        names = store.ref_names("bodies")
        for v in store.rows("visits", order_by="visit_date DESC"):
            self.visit_box.addItem(f"{v.get('visit_date') or ''}　{names.get(v.get('body_id'), '')}　"
                                   f"{v.get('method') or ''}", v["id"])
        self.batch_box = QComboBox()
        for b in store.rows("review_batches", order_by="year DESC, name"):
            self.batch_box.addItem(f"{b.get('name') or ''}（{b.get('year') or ''}）", b["id"])
        today = _dt.date.today()
        last_q = (today.year, (today.month - 1) // 3) if today.month > 3 else (today.year - 1, 4)
        self.year_box = QSpinBox()
        self.year_box.setRange(2000, 2100)
        self.year_box.setValue(last_q[0])
        self.quarter_box = QSpinBox()
        self.quarter_box.setRange(1, 4)
        self.quarter_box.setValue(last_q[1])
        form.addRow("文书类型", self.type_box)
        form.addRow("起草依据", self.source_box)
        self.rows = {"body": [("被监督单位", self.body_box), ("问题（可多选）", self.problems)],
                     "visit": [("监督检查", self.visit_box)], "batch": [("评查批次", self.batch_box)],
                     "ranking": [("年份", self.year_box), ("季度", self.quarter_box)]}
        self.labels = {}
        for group in self.rows.values():
            for label, w in group:
                lab = QLabel(label)
                self.labels[w] = lab
                form.addRow(lab, w)
        lay.addLayout(form)
        self.hint = QLabel("")
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet("color: #555")
        lay.addWidget(self.hint)
        self.error = QLabel("")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #d32f2f")
        lay.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.button(QDialogButtonBox.Ok).setText("起草")
        buttons.button(QDialogButtonBox.Cancel).setText("取消")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        self.buttons = buttons
        lay.addWidget(buttons)
        self.type_box.currentIndexChanged.connect(self._type_changed)
        self.source_box.currentIndexChanged.connect(self._source_changed)
        self.body_box.currentIndexChanged.connect(self._fill_problems)
        if key is not None and self.type_box.findData(key) >= 0:
            self.type_box.setCurrentIndex(self.type_box.findData(key))
        self._type_changed()
        self._fill_problems()

    # ------------------------------------------------------------------ choices
    @property
    def key(self) -> str:
        return self.type_box.currentData()

    @property
    def source(self) -> str:
        return self.source_box.currentData()

    def _type_changed(self, *_a) -> None:
        self.source_box.blockSignals(True)
        self.source_box.clear()
        for src in D.DRAFT_SOURCES[self.key]:
            self.source_box.addItem(D.SOURCE_LABELS[src], src)
        self.source_box.blockSignals(False)
        self._source_changed()
        hints = {M.DUBANHAN: "督办函列出该单位全部逾期未整改的问题（一个单位一份）；不勾选问题即按逾期问题起草。",
                 M.JUEDINGSHU: "监督决定书以县人民政府名义制发（发文机关、署名、机关代字均为县人民政府）。",
                 M.JIDU: "季度通报按全县乡镇的质效排名起草，只能由县司法局签发。",
                 M.TONGBAO: "评查通报按评查批次的结果起草。"}
        self.hint.setText(hints.get(self.key, "不勾选问题即写入该单位全部未销号的问题。"))

    def _source_changed(self, *_a) -> None:
        for src, group in self.rows.items():
            for _label, w in group:
                w.setVisible(src == self.source)
                self.labels[w].setVisible(src == self.source)
        self.error.setText("")

    def _fill_problems(self, *_a) -> None:
        self.problems.clear()
        body_id = self.body_box.currentData()
        if not body_id:
            return
        from sifasuo_desktop.store import documents_queries as Q

        for p in Q.open_problems(self.store, body_id):
            text = f"{p.get('problem_no') or ''}　{(p.get('description') or '')[:40]}"
            if p.get("deadline"):
                text += f"（期限{p['deadline']}）"
            item = QListWidgetItem(text)
            item.setData(Qt.UserRole, p["id"])
            item.setFlags(item.flags() | Qt.ItemIsUserCheckable)
            item.setCheckState(Qt.Unchecked)
            self.problems.addItem(item)

    def checked_problems(self) -> list[str]:
        return [self.problems.item(i).data(Qt.UserRole) for i in range(self.problems.count())
                if self.problems.item(i).checkState() == Qt.Checked]

    def set_problems(self, ids) -> None:
        wanted = set(ids)
        for i in range(self.problems.count()):
            it = self.problems.item(i)
            it.setCheckState(Qt.Checked if it.data(Qt.UserRole) in wanted else Qt.Unchecked)

    # ------------------------------------------------------------------ draft
    def arguments(self) -> dict:
        src = self.source
        if src == "body":
            if not self.body_box.currentData():
                raise UserError("请选择被监督单位。")
            return {"body_id": self.body_box.currentData(), "problem_ids": self.checked_problems() or None}
        if src == "visit":
            if not self.visit_box.currentData():
                raise UserError("还没有监督检查记录。")
            return {"visit_id": self.visit_box.currentData()}
        if src == "batch":
            if not self.batch_box.currentData():
                raise UserError("还没有评查批次。")
            return {"batch_id": self.batch_box.currentData()}
        return {"year": self.year_box.value(), "quarter": self.quarter_box.value()}

    def save(self) -> None:
        try:
            self.created = D.draft(self.store, self.key, **self.arguments())
        except UserError as exc:
            self.error.setText(exc.message)
            return
        self.accept()
