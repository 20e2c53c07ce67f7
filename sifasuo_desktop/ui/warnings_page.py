"""The 预警 page: findings grouped by severity, then by rule; double-click opens the record."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (QHBoxLayout, QHeaderView, QLabel, QPushButton, QTreeWidget, QTreeWidgetItem,
                               QVBoxLayout, QWidget)

from sifasuo_desktop.domain.rules import CODES, RED, SEVERITY_LABELS, YELLOW

CHUNK = 500  # findings added per expansion / "显示更多"
KIND, FINDING, MORE, RULE_KEY = Qt.UserRole, Qt.UserRole + 1, Qt.UserRole + 2, Qt.UserRole + 3
FINDING_OBJ = Qt.UserRole + 4   # the Finding itself (处置 needs its code)
HANDLED_COLOR = QColor("#8a8a8a")
COLORS = {RED: QColor("#c62828"), YELLOW: QColor("#b26a00")}
RECORD_LABELS = {"cases": "执法案件", "inspections": "行政检查", "officers": "执法人员", "bodies": "执法主体",
                 "powers": "赋权事项", "problems": "问题整改", "documents": "监督文书"}


def update_nav_title(window, counts) -> None:
    """The 预警 entry of the navigation shows the total (set from the rules engine, whether or not the page has
    been built yet)."""
    nav = getattr(window, "nav", None)
    if nav is None:
        return
    for row in range(nav.count()):
        item = nav.item(row)
        if item.data(Qt.UserRole) == "warnings":
            # the navigation column is narrow: the total fits, the split goes to the tooltip
            total = counts["red"] + counts["yellow"]
            item.setText(f"预警（{total}）" if total else "预警")
            item.setToolTip(f"红色预警 {counts['red']} 条，黄色预警 {counts['yellow']} 条")
            item.setForeground(QBrush(COLORS["red"] if counts["red"] else COLORS["yellow"])
                               if total else QBrush())


class WarningsPage(QWidget):
    def __init__(self, window, engine):
        super().__init__()
        self.window_ = window
        self.engine = engine
        self._groups: dict[tuple[str, str], list] = {}

        self.summary = QLabel("正在检查……")
        self.summary.setStyleSheet("font-size: 15px; font-weight: bold;")
        self.notices = QLabel()
        self.notices.setWordWrap(True)
        self.notices.setStyleSheet("QLabel { background: #fff8e1; border: 1px solid #ffe082; padding: 4px; }")
        self.notices.hide()
        self.recheck_button = QPushButton("重新检查")
        self.recheck_button.clicked.connect(self.engine.recompute)
        self.open_button = QPushButton("打开记录")
        self.open_button.setEnabled(False)
        self.open_button.clicked.connect(self.open_current)
        # issue 12: a leader marks a finding 已知悉/已纠正/无法纠正 (greyed, out of 本周要办的事, still counted)
        self.handle_button = QPushButton("处置…")
        self.handle_button.setEnabled(False)
        self.handle_button.setToolTip("所长/负责人或管理员：标记为已知悉、已纠正或无法纠正并写明理由")
        self.handle_button.clicked.connect(lambda _=False: self.handle_current())
        self.expand_button = QPushButton("全部展开规则")
        self.expand_button.clicked.connect(self._expand_rules)

        self.tree = QTreeWidget()
        self.tree.setColumnCount(4)
        self.tree.setHeaderLabels(["预警 / 记录", "说明", "期限", "执法主体"])
        self.tree.setUniformRowHeights(True)
        # 说明 takes the spare width (it is the long text); 期限 and 执法主体 keep just what they need
        self.tree.header().setStretchLastSection(False)
        self.tree.header().setSectionResizeMode(1, QHeaderView.Stretch)
        self.tree.setColumnWidth(0, 300)
        self.tree.setColumnWidth(2, 100)
        self.tree.setColumnWidth(3, 190)
        self.tree.itemExpanded.connect(self._on_expanded)
        self.tree.itemActivated.connect(self._on_activated)
        self.tree.currentItemChanged.connect(lambda cur, _prev: self._current_changed(cur))

        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(self.expand_button)
        top.addWidget(self.open_button)
        top.addWidget(self.handle_button)
        top.addWidget(self.recheck_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.notices)
        layout.addWidget(self.tree, 1)

        engine.updated.connect(self.rebuild)
        engine.failed.connect(lambda msg: self.summary.setText(msg))

    # ------------------------------------------------------------------ building
    def rebuild(self) -> None:
        res = self.engine.result
        if res is None:
            return
        expanded = {self._key(self.tree.topLevelItem(i).child(j))
                    for i in range(self.tree.topLevelItemCount())
                    for j in range(self.tree.topLevelItem(i).childCount())
                    if self.tree.topLevelItem(i).child(j).isExpanded()}
        self._groups = {}
        for f in res.findings:
            self._groups.setdefault((f.severity, f.code), []).append(f)
        counts = res.counts()
        handled = sum(1 for f in res.findings if getattr(f, "handled", False))
        self.summary.setText(f"检查日期 {res.today}：红色预警 {counts['red']} 条，黄色预警 {counts['yellow']} 条"
                             + (f"（其中已处置 {handled} 条）" if handled else ""))
        self.notices.setText("\n".join(res.notices))
        self.notices.setVisible(bool(res.notices))
        self.tree.setUpdatesEnabled(False)
        self.tree.clear()
        order = {c: i for i, c in enumerate(CODES)}
        for sev in (RED, YELLOW):
            keys = sorted((k for k in self._groups if k[0] == sev), key=lambda k: order.get(k[1], 99))
            total = sum(len(self._groups[k]) for k in keys)
            top = QTreeWidgetItem([f"{SEVERITY_LABELS[sev]}（{total}）"])
            top.setData(0, KIND, "severity")
            top.setForeground(0, QBrush(COLORS[sev]))
            font = top.font(0)
            font.setBold(True)
            top.setFont(0, font)
            self.tree.addTopLevelItem(top)
            for key in keys:
                items = self._groups[key]
                node = QTreeWidgetItem([f"{key[1]} {items[0].title}（{len(items)}）"])
                node.setData(0, KIND, "rule")
                node.setData(0, MORE, 0)  # findings added so far
                node.setData(0, RULE_KEY, "|".join(key))
                node.setForeground(0, QBrush(COLORS[sev]))
                node.setChildIndicatorPolicy(QTreeWidgetItem.ShowIndicator)
                top.addChild(node)
                if self._key(node) in expanded:
                    node.setExpanded(True)
            top.setExpanded(True)
        self.tree.setUpdatesEnabled(True)

    @staticmethod
    def _key(node) -> str | None:
        return node.data(0, RULE_KEY) if node is not None else None

    def _on_expanded(self, node) -> None:
        if node.data(0, KIND) == "rule" and node.data(0, MORE) == 0:
            self._add_chunk(node)

    def _rule_findings(self, node) -> list:
        sev, code = (node.data(0, RULE_KEY) or "|").split("|", 1)
        return self._groups.get((sev, code), [])

    def _add_chunk(self, node) -> None:
        findings = self._rule_findings(node)
        start = node.data(0, MORE) or 0
        if node.childCount() and node.child(node.childCount() - 1).data(0, KIND) == MORE:
            node.removeChild(node.child(node.childCount() - 1))
        batch = []
        for f in findings[start:start + CHUNK]:
            label = RECORD_LABELS.get(f.record_type, f.record_type)
            handled = getattr(f, "handled", False)
            text = f"【已处置：{f.handling}】{f.message}" if handled else f.message
            item = QTreeWidgetItem([f.ref or f"（{label}）", text, f.due_date or "", f.body or f.township])
            item.setData(0, KIND, FINDING)
            item.setData(0, FINDING, (f.record_type, f.record_id))
            item.setData(0, FINDING_OBJ, f)
            item.setToolTip(1, text)
            if handled:
                for c in range(4):
                    item.setForeground(c, QBrush(HANDLED_COLOR))
            batch.append(item)
        node.addChildren(batch)
        shown = start + len(batch)
        node.setData(0, MORE, shown)
        if shown < len(findings):
            more = QTreeWidgetItem([f"显示更多……（还有{len(findings) - shown}条）"])
            more.setData(0, KIND, MORE)
            node.addChild(more)

    def _expand_rules(self) -> None:
        for i in range(self.tree.topLevelItemCount()):
            top = self.tree.topLevelItem(i)
            top.setExpanded(True)
            for j in range(top.childCount()):
                top.child(j).setExpanded(True)

    # ------------------------------------------------------------------ actions
    def _on_activated(self, item, _column=0) -> None:
        kind = item.data(0, KIND)
        if kind == FINDING:
            table, record_id = item.data(0, FINDING)
            self.window_.open_record(table, record_id)
        elif kind == MORE:
            self._add_chunk(item.parent())

    def _current_changed(self, cur) -> None:
        is_finding = cur is not None and cur.data(0, KIND) == FINDING
        self.open_button.setEnabled(is_finding)
        f = cur.data(0, FINDING_OBJ) if is_finding else None
        self.handle_button.setEnabled(f is not None)
        self.handle_button.setText("取消处置" if getattr(f, "handled", False) else "处置…")

    def handle_current(self):
        """处置… (or 取消处置 of a handled one) for the selected finding; the rules engine recomputes after."""
        from .handling_ui import handle_finding_dialog, unhandle_finding_dialog

        item = self.tree.currentItem()
        f = item.data(0, FINDING_OBJ) if item is not None and item.data(0, KIND) == FINDING else None
        if f is None:
            return None
        if getattr(f, "handled", False):
            return unhandle_finding_dialog(self.window_, f, self)
        return handle_finding_dialog(self.window_, f, self)

    def open_current(self) -> None:
        item = self.tree.currentItem()
        if item is not None:
            self._on_activated(item)

    def finding_items(self) -> list[QTreeWidgetItem]:
        """Every finding row currently in the tree (for tests and keyboard navigation)."""
        out = []
        for i in range(self.tree.topLevelItemCount()):
            top = self.tree.topLevelItem(i)
            for j in range(top.childCount()):
                rule = top.child(j)
                out.extend(rule.child(k) for k in range(rule.childCount()) if rule.child(k).data(0, KIND) == FINDING)
        return out

    def on_show(self) -> None:
        if self.engine.result is None and not self.engine.busy:
            self.engine.recompute()
