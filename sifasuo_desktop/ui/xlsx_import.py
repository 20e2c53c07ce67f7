"""文件 → 导入Excel台账: choose a file, see what will happen (sheet, header row, column mapping, first rows as they
will be stored, every problem by sheet/row/column), map unknown columns by hand (remembered per file layout),
confirm new 执法主体, then import all-or-nothing."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (QAbstractItemView, QApplication, QCheckBox, QComboBox, QDialogButtonBox,
                               QFileDialog, QGroupBox, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QMessageBox,
                               QProgressDialog, QPushButton, QSplitter, QTableWidget, QTableWidgetItem, QTabWidget,
                               QVBoxLayout, QWidget)

from sifasuo_desktop.domain.errors import UserError
from sifasuo_desktop.domain.ledgers import JSON, LEDGERS
from sifasuo_desktop.domain.permissions import allowed
from sifasuo_desktop.security.backup import backup_before
from sifasuo_desktop.store.import_apply import apply_plan, check_plan, load_layouts
from sifasuo_desktop.xlsx.headers import IMPORTABLE
from sifasuo_desktop.xlsx.planner import plan_import
from sifasuo_desktop.xlsx.reader import load_grids
from sifasuo_desktop.ui.widgets import FitDialog

OP_LABELS = {"create": "新增", "update": "更新", "unchanged": "无变化"}
RED = QBrush(QColor("#c62828"))
YELLOW_BG = QBrush(QColor("#fff4cc"))


def _item(text, fg=None, bg=None) -> QTableWidgetItem:
    it = QTableWidgetItem("" if text is None else str(text))
    it.setFlags(it.flags() & ~Qt.ItemIsEditable)
    if fg is not None:
        it.setForeground(fg)
    if bg is not None:
        it.setBackground(bg)
    return it


class _Progress:
    """A progress dialog driven from the GUI thread (the Store belongs to this thread)."""

    def __init__(self, parent, title: str):
        self.dialog = QProgressDialog(title, None, 0, 100, parent)
        self.dialog.setWindowTitle(title)
        self.dialog.setWindowModality(Qt.WindowModal)
        self.dialog.setMinimumDuration(400)

    def __call__(self, percent, text=""):
        self.dialog.setValue(int(percent))
        if text:
            self.dialog.setLabelText(text)
        QApplication.processEvents()

    def close(self):
        self.dialog.close()


class XlsxImportDialog(FitDialog):
    def __init__(self, window, path=None):
        super().__init__(window)
        self.window_ = window
        self.store = window.store
        self.plan = None
        self.grids = None
        self.path: str | None = None
        self.manual: dict[str, dict] = {}
        self.setWindowTitle("导入Excel台账")
        self.resize(1100, 720)

        lay = QVBoxLayout(self)
        top = QHBoxLayout()
        self.file_edit = QLineEdit()
        self.file_edit.setReadOnly(True)
        self.file_edit.setPlaceholderText("选择要导入的 Excel 或 CSV 文件（.xlsx、.xls、.csv）")
        browse = QPushButton("选择文件…")
        browse.clicked.connect(self.choose_file)
        self.ledger_box = QComboBox()
        self.ledger_box.addItem("自动识别台账", None)
        for k in IMPORTABLE:
            self.ledger_box.addItem(LEDGERS[k].title, k)
        self.ledger_box.currentIndexChanged.connect(lambda _i: self.replan())
        top.addWidget(QLabel("文件："))
        top.addWidget(self.file_edit, 1)
        top.addWidget(browse)
        top.addWidget(self.ledger_box)
        lay.addLayout(top)

        self.summary = QLabel("请选择文件。")
        self.summary.setWordWrap(True)
        self.summary.setStyleSheet("font-size: 13px; padding: 4px;")
        lay.addWidget(self.summary)

        split = QSplitter(Qt.Vertical)
        upper = QWidget()
        ul = QHBoxLayout(upper)
        ul.setContentsMargins(0, 0, 0, 0)
        map_box = QGroupBox("列对应（可手动修改，按文件格式记住）")
        ml = QVBoxLayout(map_box)
        self.sheet_box = QComboBox()
        self.sheet_box.currentIndexChanged.connect(lambda _i: self._show_sheet())
        ml.addWidget(self.sheet_box)
        self.mapping = QTableWidget(0, 3)
        self.mapping.setHorizontalHeaderLabels(["列", "表头", "对应字段"])
        self.mapping.horizontalHeader().setSectionResizeMode(1, QHeaderView.Stretch)
        self.mapping.setColumnWidth(2, 170)   # room for "（不导入）" and the longer field names
        self.mapping.verticalHeader().setVisible(False)
        ml.addWidget(self.mapping)
        ul.addWidget(map_box, 2)
        body_box = QGroupBox("将新建的执法主体")
        bl = QVBoxLayout(body_box)
        self.bodies_label = QLabel("无")
        self.bodies_label.setWordWrap(True)
        self.bodies_label.setAlignment(Qt.AlignTop | Qt.AlignLeft)
        bl.addWidget(self.bodies_label, 1)
        self.bodies_ok = QCheckBox("确认新建以上执法主体")
        self.bodies_ok.toggled.connect(lambda _c: self._update_buttons())
        bl.addWidget(self.bodies_ok)
        ul.addWidget(body_box, 1)
        split.addWidget(upper)

        self.tabs = QTabWidget()
        self.preview = QTableWidget(0, 0)
        self.preview.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.preview.verticalHeader().setVisible(False)
        self.problems = QTableWidget(0, 5)
        self.problems.setHorizontalHeaderLabels(["类型", "工作表", "行", "列", "说明"])
        self.problems.horizontalHeader().setSectionResizeMode(4, QHeaderView.Stretch)
        self.problems.verticalHeader().setVisible(False)
        self.tabs.addTab(self.preview, "预览（前20行，按导入后的样子）")
        self.tabs.addTab(self.problems, "问题")
        split.addWidget(self.tabs)
        split.setStretchFactor(1, 1)
        lay.addWidget(split, 1)

        self.buttons = QDialogButtonBox()
        self.import_btn = self.buttons.addButton("导入", QDialogButtonBox.AcceptRole)
        self.buttons.addButton("关闭", QDialogButtonBox.RejectRole)
        self.import_btn.clicked.connect(self.do_import)
        self.buttons.rejected.connect(self.reject)
        lay.addWidget(self.buttons)
        self.import_btn.setEnabled(False)
        if not allowed(window.actor, "import"):
            self.import_btn.setToolTip("当前账号无权导入数据")
        if path:
            self.load(path)

    # ------------------------------------------------------------------ planning
    def choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "选择Excel台账", str(Path.home()), "Excel 或 CSV 文件 (*.xlsx *.xls *.csv);;CSV 文件 (*.csv *.txt);;所有文件 (*)")
        if path:
            self.load(path)

    def load(self, path) -> None:
        self.path = str(path)
        self.grids = None
        self.manual = {}
        self.file_edit.setText(self.path)
        self.replan()

    def replan(self) -> None:
        if not self.path:
            return
        progress = _Progress(self, "正在检查文件")
        try:
            if self.grids is None:
                progress(2, "正在读取文件…")
                self.grids = load_grids(self.path)
            self.plan = plan_import(self.store, self.path, ledger=self.ledger_box.currentData(),
                                    manual=self.manual, remembered=load_layouts(self.store), progress=progress,
                                    grids=self.grids)
        except UserError as exc:
            self.plan = None
            self.summary.setText(f"<span style='color:#c62828'>{exc.message}</span>")
            self.sheet_box.clear()
            self.mapping.setRowCount(0)
            self.preview.setRowCount(0)
            self.problems.setRowCount(0)
            self.bodies_label.setText("无")
            self._update_buttons()
            return
        finally:
            progress.close()
        self._show_plan()

    def _show_plan(self) -> None:
        plan = self.plan
        s = plan.summary()
        parts = [f"读取 {s['rows_read']} 行：新增 {s['created']} 条，更新 {s['updated']} 条，无变化 {s['unchanged']} 条"]
        if s.get("history"):
            parts.append(f"其中 {s['history']} 条已销号的问题或已签发/送达的文书作为“历史导入”记录保存（状态只读）")
        if plan.errors:
            parts.append(f"<span style='color:#c62828'><b>有问题 {s['rejected']} 行（共 {len(plan.errors)} 处）"
                         "——改正文件后重新选择，问题未解决前不能导入</b></span>")
        if plan.warnings:
            parts.append(f"提示 {len(plan.warnings)} 条")
        if plan.skipped_sheets:
            parts.append(f"未识别的工作表：{'、'.join(plan.skipped_sheets)}")
        m = s["officer_matches"]
        if any(m.values()):
            parts.append(f"执法人员关联：按姓名 {m['by_name']} 人次，按执法证号 {m['by_cert_no']} 人次，"
                         f"按身份证号 {m['by_id_number']} 人次")
        encodings = [sp.encoding for sp in plan.sheets if sp.encoding]
        if encodings:
            parts.append(f"CSV 文件：{encodings[0]}")
        self.summary.setText("；".join(parts))
        current = self.sheet_box.currentText()
        self.sheet_box.blockSignals(True)
        self.sheet_box.clear()
        for sp in plan.sheets:
            self.sheet_box.addItem(f"{sp.name}（{sp.ledger.title}，表头第{sp.header_row}行，{sp.rows_read}行）", sp.name)
        idx = max(self.sheet_box.findText(current), 0)
        self.sheet_box.setCurrentIndex(idx)
        self.sheet_box.blockSignals(False)
        self._show_sheet()
        self.problems.setRowCount(0)
        for kind, items in (("错误", plan.errors), ("提示", plan.warnings)):
            for p in items:
                r = self.problems.rowCount()
                self.problems.insertRow(r)
                fg = RED if kind == "错误" else None
                for c, v in enumerate((kind, p.sheet, p.row or "", p.column, p.message)):
                    self.problems.setItem(r, c, _item(v, fg))
        self.problems.resizeColumnsToContents()
        self.tabs.setTabText(1, f"问题（错误 {len(plan.errors)}，提示 {len(plan.warnings)}）")
        if plan.errors:
            self.tabs.setCurrentIndex(1)
        names = [b["name"] for b in plan.new_bodies]
        self.bodies_label.setText("\n".join(names) if names else "无")
        self.bodies_ok.setVisible(bool(names))
        self.bodies_ok.setChecked(False)
        self._update_buttons()

    def current_sheet(self):
        if not self.plan or not self.plan.sheets:
            return None
        name = self.sheet_box.currentData()
        return next((sp for sp in self.plan.sheets if sp.name == name), self.plan.sheets[0])

    def _show_sheet(self) -> None:
        sp = self.current_sheet()
        self.mapping.setRowCount(0)
        self.preview.setRowCount(0)
        if sp is None:
            return
        led = sp.ledger
        for col in sp.detection.columns:
            r = self.mapping.rowCount()
            self.mapping.insertRow(r)
            bg = YELLOW_BG if col.how == "unknown" else None
            self.mapping.setItem(r, 0, _item(col.letter, bg=bg))
            self.mapping.setItem(r, 1, _item(col.header, bg=bg))
            box = QComboBox()
            box.addItem("（不导入）", None)
            for f in led.fields:
                if f.kind != JSON:
                    box.addItem(f.label, f.name)
            box.setCurrentIndex(max(box.findData(col.field), 0) if col.field else 0)
            box.currentIndexChanged.connect(lambda _i, b=box, h=col.header, s=sp.name: self.set_mapping(s, h, b.currentData()))
            self.mapping.setCellWidget(r, 2, box)
        self.mapping.resizeColumnToContents(0)
        labels = [f.label for f in led.fields if f.kind != JSON]
        rows = sp.preview()
        shown = [lab for lab in labels if any(lab in st for _, _, st in rows)] or labels
        self.preview.setColumnCount(2 + len(shown))
        self.preview.setHorizontalHeaderLabels(["行", "操作"] + shown)
        for excel_row, op, stored in rows:
            r = self.preview.rowCount()
            self.preview.insertRow(r)
            self.preview.setItem(r, 0, _item(excel_row))
            self.preview.setItem(r, 1, _item(OP_LABELS.get(op, op)))
            for c, lab in enumerate(shown, start=2):
                self.preview.setItem(r, c, _item(stored.get(lab, "")))
        self.preview.resizeColumnsToContents()

    def set_mapping(self, sheet: str, header: str, field: str | None) -> None:
        """Map a column by hand (None = do not import it) and re-check the file."""
        self.manual.setdefault(sheet, {})[header] = field
        QTimer.singleShot(0, self.replan)  # not inside the signal of the combo box the re-check replaces

    def _update_buttons(self) -> None:
        ok = bool(self.plan and self.plan.ok and allowed(self.window_.actor, "import"))
        if ok and self.plan.new_bodies and not self.bodies_ok.isChecked():
            ok = False
        self.import_btn.setEnabled(ok)

    # ------------------------------------------------------------------ applying
    def do_import(self) -> None:
        if not self.plan or not self.plan.ok:
            return
        progress = _Progress(self, "正在导入")
        try:
            check_plan(self.store, self.plan)
            backup_before(self.store, "xlsx-import")     # the state before the import (issue 7)
            s = apply_plan(self.store, self.plan, progress=progress)
        except UserError as exc:
            progress.close()
            QMessageBox.warning(self, "导入失败", f"{exc.message}\n\n未写入任何数据。")
            return
        progress.close()
        self.result_summary = s
        msg = f"已导入：新增 {s['created']} 条，更新 {s['updated']} 条，无变化 {s['unchanged']} 条。"
        if s.get("history"):
            msg += f"\n其中 {s['history']} 条作为“历史导入”记录保存（已销号/已签发等状态按原台账，只读）。"
        if s["created_bodies"]:
            msg += f"\n新建执法主体：{'、'.join(s['created_bodies'])}"
        QMessageBox.information(self, "导入完成", msg)
        self.accept()
