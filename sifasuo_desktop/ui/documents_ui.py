"""监督文书 in the main window: draft from records, edit drafts, issue, preview/print, export PDF/DOCX,
record 送达 and replies, 送达回证, corrections. Installed through ui/extensions.py."""
from __future__ import annotations

import datetime as _dt
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate, QMarginsF, Qt
from PySide6.QtGui import QImage, QKeySequence, QPageLayout, QPageSize, QPainter, QShortcut
from PySide6.QtWidgets import (QComboBox, QDateEdit, QDialog, QDialogButtonBox, QFileDialog, QFormLayout,
                               QInputDialog, QLabel, QLineEdit, QMessageBox, QPlainTextEdit, QPushButton,
                               QVBoxLayout)

from sifasuo_desktop.documents import model as M
from sifasuo_desktop.documents import service as S
from sifasuo_desktop.domain.errors import UserError
from sifasuo_desktop.domain.permissions import allowed
from sifasuo_desktop.ui.unsaved import DiscardGuard, remember
from sifasuo_desktop.ui.widgets import FitDialog, size_to_window

if TYPE_CHECKING:   # QtPrintSupport is imported when something is printed, not to open the window
    from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog

PRINT_DPI = 600  # what the printer gets (raster path: QtPdf/pdfium render each page, one page at a time)
PREVIEW_DPI = 200  # what the on-screen preview keeps per page (sharp at 100-200 % zoom, ~30 MB a page, not 139)


last_paint_dpi = 0  # the resolution paint_pdf used last (tests)


def open_at_actual_size(dlg: QPrintPreviewDialog) -> None:
    """Open a print preview at 100 % (actual size: 156 mm of 版心 are 156 mm on screen) instead of Qt's fit-to-width;
    the dialog's own toolbar keeps its zoom in/out, zoom box and fit buttons."""
    from PySide6.QtPrintSupport import QPrintPreviewWidget

    w = dlg.findChild(QPrintPreviewWidget)
    if w is not None:
        w.setZoomMode(QPrintPreviewWidget.ZoomMode.CustomZoom)
        w.setZoomFactor(1.0)


# ---------------------------------------------------------------------------- PDF -> printer
def pdf_page_images(data: bytes, dpi: int = PRINT_DPI):
    """Yield one QImage (white background, RGB) per PDF page, rasterised by pypdfium2 (a dependency: QtPdf is not
    part of PySide6-Essentials)."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(data)
    try:
        for i in range(len(pdf)):
            page = pdf[i]
            pil = page.render(scale=dpi / 72.0).to_pil().convert("RGB")
            w, h = pil.size
            yield QImage(pil.tobytes("raw", "RGB"), w, h, 3 * w, QImage.Format_RGB888).copy()
            page.close()
    finally:
        pdf.close()


def make_printer(title: str = "") -> QPrinter:
    from PySide6.QtPrintSupport import QPrinter

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait,
                                      QMarginsF(0, 0, 0, 0)))
    printer.setFullPage(True)  # paint on the whole sheet: actual size, never fit-to-page
    printer.setDuplex(QPrinter.DuplexMode.DuplexLongSide)  # 双面印刷
    if title:
        printer.setDocName(title)
    return printer


def paint_pdf(printer: QPrinter, data: bytes) -> int:
    """Paint every page of the PDF 1:1 onto the printer's paper. Returns the number of pages painted.
    A real printer gets 600 dpi pages (or its own resolution when lower); the print preview (a QPicture engine)
    gets PREVIEW_DPI pages."""
    from PySide6.QtGui import QPaintEngine
    from PySide6.QtPrintSupport import QPrinter

    painter = QPainter()
    if not painter.begin(printer):
        raise UserError("无法开始打印，请检查打印机。")
    engine = painter.paintEngine()
    preview = engine is not None and engine.type() == QPaintEngine.Type.Picture
    dpi = min(PREVIEW_DPI if preview else PRINT_DPI, max(72, printer.resolution()))
    global last_paint_dpi
    last_paint_dpi = dpi
    # the print preview shows the page scaled down: without smoothing, thin 仿宋 strokes break up
    painter.setRenderHint(QPainter.SmoothPixmapTransform, True)
    n = 0
    try:
        target = printer.paperRect(QPrinter.Unit.DevicePixel)
        for img in pdf_page_images(data, dpi):
            if n:
                printer.newPage()
            painter.drawImage(target, img)
            n += 1
    finally:
        painter.end()
    return n


# ---------------------------------------------------------------------------- dialogs
def _zh_buttons(box: QDialogButtonBox) -> QDialogButtonBox:
    """Chinese button texts even when Qt's own zh_CN translation is not loaded."""
    for std, text in ((QDialogButtonBox.Save, "保存"), (QDialogButtonBox.Cancel, "取消"),
                      (QDialogButtonBox.Close, "关闭"), (QDialogButtonBox.Ok, "确定")):
        b = box.button(std)
        if b is not None:
            b.setText(text)
    return box


def _qdate(iso: str | None) -> QDate:
    d = _dt.date.fromisoformat(iso[:10]) if iso else _dt.date.today()
    return QDate(d.year, d.month, d.day)


def _date_edit(iso: str | None = None) -> QDateEdit:
    """A date field with a calendar popup, shown as 2026-11-23 (today when `iso` is empty)."""
    w = QDateEdit(_qdate(iso))
    w.setCalendarPopup(True)
    w.setDisplayFormat("yyyy-MM-dd")
    return w


def _iso(qd: QDate) -> str:
    return _dt.date(qd.year(), qd.month(), qd.day()).isoformat()


class DocumentEditor(DiscardGuard, FitDialog):
    """Edit a draft (title, 主送, 正文, 抄送, 署名). Issued documents open read-only. The document's own warnings
    at the top (when the window checks rules); Esc/取消 after editing asks 放弃修改？ first."""

    def __init__(self, parent, store, doc_id: str):
        super().__init__(parent)
        self.store = store
        self.doc_id = doc_id
        self.row = store.get("documents", doc_id)
        self.doc = S.document_from_row(store, self.row)
        self.saved = None
        self.read_only = (self.row.get("status") or S.DRAFT) != S.DRAFT
        self.setWindowTitle(("查看" if self.read_only else "编辑") + "文书 — " + (self.row.get("doc_type") or ""))
        self.resize(760, 640)
        lay = QVBoxLayout(self)
        if self.read_only:
            lay.addWidget(QLabel(f"{S.state_phrase(self.row.get('status'))}（{self.row.get('doc_no') or ''}），内容已冻结；"
                                 "如需更正，请使用“制发更正文书”。"))
        if getattr(parent, "rules_engine", None) is not None:
            from .handling_ui import add_record_warnings

            add_record_warnings(self, lay, parent, store, "documents", doc_id)
        form = QFormLayout()
        self.title_edit = QLineEdit(self.doc.title.replace("\n", ""))
        self.recipient_edit = QLineEdit(self.doc.recipient)
        self.body_edit = QPlainTextEdit(S.body_text(self.doc))
        self.cc_edit = QLineEdit("，".join(self.doc.cc))
        self.signature_edit = QLineEdit(self.doc.signature)
        self.issuer_edit = QLineEdit(self.doc.issuer)
        form.addRow("发文机关", self.issuer_edit)
        form.addRow("标题", self.title_edit)
        form.addRow("主送单位", self.recipient_edit)
        form.addRow("正文（每行一段）", self.body_edit)
        form.addRow("抄送", self.cc_edit)
        form.addRow("署名", self.signature_edit)
        lay.addLayout(form)
        self.error = QLabel("")
        self.error.setStyleSheet("color: #d32f2f")
        lay.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.Close if self.read_only else
                                   (QDialogButtonBox.Save | QDialogButtonBox.Cancel))
        _zh_buttons(buttons)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.cancel)
        self.buttons = buttons
        lay.addWidget(buttons)
        for w in (self.title_edit, self.recipient_edit, self.cc_edit, self.signature_edit, self.issuer_edit):
            w.setReadOnly(self.read_only)
        self.body_edit.setReadOnly(self.read_only)
        remember(self, self.state)

    def state(self) -> tuple:
        return tuple(w.text() for w in (self.issuer_edit, self.title_edit, self.recipient_edit, self.cc_edit,
                                        self.signature_edit)) + (self.body_edit.toPlainText(),)

    def edited_document(self) -> M.Document:
        doc = self.doc
        doc.title = self.title_edit.text().strip()
        doc.recipient = self.recipient_edit.text().strip()
        doc.body = S.parse_body(self.body_edit.toPlainText(), doc.body)
        doc.cc = [c.strip() for c in self.cc_edit.text().replace(",", "，").split("，") if c.strip()]
        doc.signature = self.signature_edit.text().strip()
        doc.issuer = self.issuer_edit.text().strip()
        return doc

    def save(self) -> None:
        try:
            doc = self.edited_document()
            if not doc.recipient and doc.doc_type != M.TONGBAO:
                raise UserError("主送单位不能为空。")
            if not doc.body:
                raise UserError("正文不能为空。")
            self.saved = S.save_draft(self.store, self.doc_id, doc, expected_version=self.row["version"])
        except UserError as exc:
            self.error.setText(exc.message)
            return
        self.accept()


class ServiceDialog(DiscardGuard, FitDialog):
    def __init__(self, parent, store, doc_id: str):
        super().__init__(parent)
        self.store = store
        self.doc_id = doc_id
        self.saved = None
        row = store.get("documents", doc_id)
        self.setWindowTitle("登记送达 — " + (row.get("doc_no") or row.get("title") or ""))
        lay = QVBoxLayout(self)
        form = QFormLayout()
        self.method = QComboBox()
        self.method.addItems(S.SERVICE_METHODS)
        self.date = _date_edit()
        self.receiver = QLineEdit(row.get("recipient") or "")
        self.signer = QLineEdit()
        self.servers = QLineEdit()
        self.address = QLineEdit()
        self.refusal = QLineEdit()
        self.witness = QLineEdit()
        self.note = QLineEdit()
        for label, w in (("送达方式", self.method), ("送达日期", self.date), ("受送达人", self.receiver),
                         ("签收人", self.signer), ("送达人", self.servers), ("送达地点", self.address),
                         ("拒收事由", self.refusal), ("见证人", self.witness), ("备注", self.note)):
            form.addRow(label, w)
        lay.addLayout(form)
        self.error = QLabel("")
        self.error.setStyleSheet("color: #d32f2f")
        lay.addWidget(self.error)
        b = _zh_buttons(QDialogButtonBox(QDialogButtonBox.Save | QDialogButtonBox.Cancel))
        b.accepted.connect(self.save)
        b.rejected.connect(self.cancel)
        self.buttons = b
        lay.addWidget(b)
        remember(self, self.state)

    def state(self) -> tuple:
        return (self.method.currentText(), self.date.date()) + tuple(w.text() for w in (
            self.receiver, self.signer, self.servers, self.address, self.refusal, self.witness, self.note))

    def save(self) -> None:
        try:
            self.saved = S.record_service(
                self.store, self.doc_id, method=self.method.currentText(), date=_iso(self.date.date()),
                receiver=self.receiver.text(), signer=self.signer.text().strip(), servers=self.servers.text().strip(),
                address=self.address.text().strip(), refusal_reason=self.refusal.text().strip(),
                witness=self.witness.text().strip(), note=self.note.text().strip())
        except UserError as exc:
            self.error.setText(exc.message)
            return
        self.accept()


class ReplyDialog(DiscardGuard, FitDialog):
    def __init__(self, parent, store, doc_id: str):
        super().__init__(parent)
        self.store = store
        self.doc_id = doc_id
        self.saved = None
        row = store.get("documents", doc_id)
        self.setWindowTitle("登记反馈 — " + (row.get("doc_no") or ""))
        lay = QVBoxLayout(self)
        form = QFormLayout()
        self.date = _date_edit()
        self.content = QPlainTextEdit(row.get("reply_content") or "")
        form.addRow("反馈日期", self.date)
        form.addRow("反馈内容", self.content)
        self.files: list[str] = []
        self.files_label = QLabel("（无）")
        add = QPushButton("添加附件…")
        add.clicked.connect(self._add_files)
        form.addRow("佐证材料", self.files_label)
        form.addRow("", add)
        lay.addLayout(form)
        self.error = QLabel("")
        self.error.setStyleSheet("color: #d32f2f")
        lay.addWidget(self.error)
        b = _zh_buttons(QDialogButtonBox(QDialogButtonBox.Save | QDialogButtonBox.Cancel))
        b.accepted.connect(self.save)
        b.rejected.connect(self.cancel)
        self.buttons = b
        lay.addWidget(b)
        remember(self, self.state)

    def state(self) -> tuple:
        return self.date.date(), self.content.toPlainText(), tuple(self.files)

    def _add_files(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self, "选择反馈材料", "", "所有文件 (*)")
        self.files += [p for p in paths if p not in self.files]
        self.files_label.setText("\n".join(Path(p).name for p in self.files) or "（无）")

    def save(self) -> None:
        try:
            self.saved = S.record_reply(self.store, self.doc_id, date=_iso(self.date.date()),
                                        content=self.content.toPlainText(), attachments=self.files)
        except UserError as exc:
            self.error.setText(exc.message)
            return
        self.accept()


class IssueDatesDialog(FitDialog):
    """成文日期 and 印发日期 of a document with a 版记, asked at 签发 (the 印发日期 is never before the 成文日期)."""

    def __init__(self, parent, record: dict):
        super().__init__(parent)
        self.setWindowTitle("签发日期 — " + (record.get("title") or ""))
        lay = QVBoxLayout(self)
        form = QFormLayout()
        self.date = _date_edit()
        self.print_date = _date_edit()
        form.addRow("成文日期", self.date)
        form.addRow("印发日期（版记）", self.print_date)
        lay.addLayout(form)
        lay.addWidget(QLabel("印发日期不能早于成文日期。"))
        b = _zh_buttons(QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel))
        b.accepted.connect(self.accept)
        b.rejected.connect(self.reject)
        self.buttons = b
        lay.addWidget(b)


# ---------------------------------------------------------------------------- controller
class DocumentsController:
    def __init__(self, window):
        self.window = window
        self.printer: QPrinter | None = None  # QPrintPreviewDialog does not own its printer: keep a reference
        self.preview: QPrintPreviewDialog | None = None
        self.pages_painted = 0
        self.last_warning = ""
        self.font_note = ""  # which free fonts stood in for the official ones in the last rendered document

    @property
    def store(self):
        return self.window.store

    def _status(self, text: str) -> None:
        from .toast import notify

        notify(self.window, text)   # where the clerk looks (issue 18), and in the status bar

    def _warn_fonts(self, res) -> None:
        """Empty boxes (characters no font has) are worth a dialog; characters printed by a second font and free
        stand-in fonts are said in the status bar (and the preview's title)."""
        self.font_note = getattr(res, "substitute_note", "") or ""
        self.last_warning = getattr(res, "fallback_warning", "") or ""
        notes = [t for t in (self.font_note, self.last_warning) if t]
        if notes:
            self._status(" ".join(notes))
        if getattr(res, "missing", None):
            QMessageBox.warning(self.window, "字体提示", self.last_warning)

    def _render_bytes(self, doc_id: str, receipt: bool = False):
        with tempfile.TemporaryDirectory() as tmp:
            return S.render(self.store, doc_id, Path(tmp) / "doc.pdf", receipt=receipt)

    # record actions on the 监督文书 ledger
    def edit(self, record: dict):
        dlg = DocumentEditor(self.window, self.store, record["id"])
        dlg.exec()
        if dlg.saved:
            self._status("文书草稿已保存。")
        return dlg.saved

    def issue(self, record: dict):
        if not allowed(self.window.actor, "issue_document"):
            raise UserError("只有所长/负责人或管理员可以签发文书。")
        if (record.get("status") or S.DRAFT) != S.DRAFT:
            raise UserError(f"{S.state_phrase(record.get('status'))}，不能重复签发。")
        # a 通报 prints a 版记: its 成文日期 and 印发日期 are chosen here, at issue (never fixed at draft time)
        day = printed = None
        self.issue_dates = None
        if S.load_document(self.store, record["id"]).printed_by:
            dlg = IssueDatesDialog(self.window, record)
            self.issue_dates = dlg
            if not dlg.exec():
                return None
            day, printed = _iso(dlg.date.date()), _iso(dlg.print_date.date())
        answer = QMessageBox.question(self.window, "签发文书",
                                      f"确定签发《{record.get('title')}》吗？签发后将分配文号，内容不能再修改。",
                                      QMessageBox.Yes | QMessageBox.No, QMessageBox.No)
        if answer != QMessageBox.Yes:
            return None
        from sifasuo_desktop.documents.fonts import MissingGlyphs

        try:
            row = S.issue(self.store, record["id"], day, printed)
        except MissingGlyphs as exc:
            box = QMessageBox(QMessageBox.Warning, "缺字提示", exc.message, parent=self.window)
            go = box.addButton("仍然签发", QMessageBox.AcceptRole)
            box.setDefaultButton(box.addButton("取消", QMessageBox.RejectRole))
            box.exec()
            if box.clickedButton() is not go:
                self._status("未签发：文书中有本机字体没有的字。")
                return None
            row = S.issue(self.store, record["id"], day, printed, allow_missing_glyphs=True)
        self._status(f"已签发：{row['doc_no']}")
        return row

    def preview_print(self, record: dict, receipt: bool = False):
        from PySide6.QtPrintSupport import QPrintPreviewDialog

        res = self._render_bytes(record["id"], receipt)
        self._warn_fonts(res)
        self.printer = make_printer(record.get("title") or "")
        self.preview = QPrintPreviewDialog(self.printer, self.window)
        note = getattr(res, "substitute_note", "") or ""
        self.preview.setWindowTitle("打印预览（100% 实际大小；打印时请选“实际大小”，勿缩放）" +
                                    ("　" + note if note else ""))
        size_to_window(self.preview, self.window)
        open_at_actual_size(self.preview)

        def paint(printer):
            self.pages_painted = paint_pdf(printer, res.data)

        self.preview.paintRequested.connect(paint)
        self.preview.exec()
        return res

    def export(self, record: dict, suffix: str, receipt: bool = False):
        name = (record.get("doc_no") or record.get("title") or "文书").replace("/", "_")
        if receipt:
            name += "-送达回证"
        flt = "PDF 文件 (*.pdf)" if suffix == ".pdf" else "Word 文档 (*.docx)"
        path, _ = QFileDialog.getSaveFileName(self.window, "导出文书", name + suffix, flt)
        if not path:
            return None
        if not path.lower().endswith(suffix):
            path += suffix
        res = S.render(self.store, record["id"], path, receipt=receipt)
        if suffix == ".pdf":
            self._warn_fonts(res)
        self._status(f"已导出：{path}")
        return path

    def serve(self, record: dict):
        dlg = ServiceDialog(self.window, self.store, record["id"])
        dlg.exec()
        return dlg.saved

    def reply(self, record: dict):
        dlg = ReplyDialog(self.window, self.store, record["id"])
        dlg.exec()
        return dlg.saved

    def supersede(self, record: dict):
        row = S.supersede(self.store, record["id"])
        self._status("已生成更正文书草稿，签发后原文书标记为“被替代”。")
        return self.edit(row) or row

    def void(self, record: dict):
        """作废: the only way an issued document leaves use (it cannot be deleted); its 文号 stays taken."""
        name = record.get("doc_no") or record.get("title") or ""
        if QMessageBox.question(self.window, "作废文书", f"确定作废文书“{name}”吗？作废后文号不再使用，"
                                "文书仍保留在台账中（状态“已作废”），不能恢复。",
                                QMessageBox.Yes | QMessageBox.No, QMessageBox.No) != QMessageBox.Yes:
            return None
        row = S.void(self.store, record["id"])
        self._status(f"文书“{name}”已作废。")
        return row

    # drafting: every type from what it concerns (ui/draft_dialog.py -> documents.drafting.draft)
    def draft_any(self, key: str | None = None, body: dict | None = None, visit: dict | None = None):
        from sifasuo_desktop.ui.draft_dialog import DraftDialog

        dlg = DraftDialog(self.window, self.store, key)
        self.draft_dialog = dlg
        if body is not None and dlg.body_box.findData(body["id"]) >= 0:
            dlg.body_box.setCurrentIndex(dlg.body_box.findData(body["id"]))
        if visit is not None and dlg.visit_box.findData(visit["id"]) >= 0:
            dlg.source_box.setCurrentIndex(max(dlg.source_box.findData("visit"), 0))
            dlg.visit_box.setCurrentIndex(dlg.visit_box.findData(visit["id"]))
        if not dlg.exec() or dlg.created is None:
            return None
        row = dlg.created
        self._status(f"已起草{row.get('doc_type') or ''}：{row.get('title') or ''}")
        return self._open_draft(row)

    # drafting from other ledgers
    def draft_opinion(self, body: dict, key: str = M.YIJIANSHU):
        row = S.draft_for_problems(self.store, body["id"], key)
        self._status(f"已起草{S.LABEL[key]}：{row['title']}")
        return self._open_draft(row)

    def draft_overdue(self, body: dict):
        rows = S.draft_dubanhan_for_overdue(self.store, body["id"])
        if not rows:
            raise UserError(f"“{body.get('name')}”没有需要督办的逾期问题（或已起草督办函）。")
        self._status(f"已为逾期问题起草督办函 {len(rows)} 份，请到“监督文书”台账修改并签发。")
        return rows

    def draft_from_visit(self, visit: dict):
        row = S.draft_for_visit(self.store, visit["id"])
        return self._open_draft(row)

    def draft_review_notice(self):
        batches = self.store.rows("review_batches", order_by="year DESC, name")
        if not batches:
            raise UserError("还没有评查批次。")
        labels = [f"{b.get('name') or ''}（{b.get('year') or ''}）" for b in batches]
        label, ok = QInputDialog.getItem(self.window, "起草评查通报", "评查批次", labels, 0, False)
        if not ok:
            return None
        row = S.draft_for_review_batch(self.store, batches[labels.index(label)]["id"])
        return self._open_draft(row)

    def _open_draft(self, row: dict):
        view = getattr(self.window, "ledger_view", None)
        if view is not None:
            self.window.show_page("documents")
            v = self.window.ledger_view("documents")
            v.ensure_loaded()
            v.refresh()
            v.select_record(row["id"])
        self.edit(row)
        return row

    def settings_dialog(self, focus: str | None = None):
        """`focus="code"`: open with the cursor in the field the first-run checklist asks for (机关代字, or
        the 发文机关 / 联系人 still missing)."""
        store = self.store
        dlg = FitDialog(self.window)   # a county's list of townships' 机关代字 scrolls inside at 1366×768
        self.settings_dlg = dlg
        dlg.setWindowTitle("文书设置")
        # the fields scroll (a county lists every township's 机关代字), 保存/取消 and the error stay in view
        from PySide6.QtWidgets import QFrame, QScrollArea, QVBoxLayout, QWidget
        outer = QVBoxLayout(dlg)
        inner = QWidget()
        form = QFormLayout(inner)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.NoFrame)
        scroll.setWidget(inner)
        outer.addWidget(scroll, 1)
        issuer = QLineEdit(store.get_setting(S.S_ISSUER, "") or "")
        short = QLineEdit(store.get_setting(S.S_SHORT, "") or "")
        contact = store.get_setting(S.S_CONTACT, {}) or {}
        cname = QLineEdit(contact.get("name", ""))
        cphone = QLineEdit(contact.get("phone", ""))
        form.addRow("发文机关（如 ××县司法局）", issuer)
        form.addRow("机关代字前缀（县简称）", short)
        form.addRow("联系人", cname)
        form.addRow("联系电话", cphone)
        self.code_edits = self._township_code_rows(form)
        from sifasuo_desktop.documents import fonts as F

        prefs = S.font_preferences(store)
        families = F.default_resolver().available_families()
        self.font_boxes = {}
        for role in F.ROLES:
            box = QComboBox()
            box.addItem("自动（按顺序查找）", "")
            for fam in families:
                box.addItem(fam, fam)
            if prefs.get(role):
                k = box.findData(prefs[role])
                if k < 0:
                    box.addItem(prefs[role], prefs[role])
                    k = box.count() - 1
                box.setCurrentIndex(k)
            self.font_boxes[role] = box
            form.addRow(f"{F.ROLE_LABELS[role]}字体", box)
        self.settings_error = QLabel("")
        self.settings_error.setWordWrap(True)
        self.settings_error.setStyleSheet("color: #c62828;")
        outer.addWidget(self.settings_error)
        hint = inner.sizeHint()
        scroll.setMinimumSize(hint.width() + 24, min(hint.height() + 4, 560))
        dlg.focus_target = None
        if focus == "code":
            own = [e for e in self.code_edits.values() if not e.isReadOnly() and not e.text().strip()]
            wanted = ([issuer] if store.org.role == "county" and not issuer.text().strip() else []) + own + \
                ([short] if store.org.role == "county" and not short.text().strip() else []) + \
                [e for e in (cname, cphone) if not e.text().strip()] + list(self.code_edits.values())[:1]
            if wanted:
                dlg.focus_target = wanted[0]
                wanted[0].setFocus()
                wanted[0].selectAll()
        b = _zh_buttons(QDialogButtonBox(QDialogButtonBox.Save | QDialogButtonBox.Cancel))
        b.accepted.connect(lambda: self._save_township_codes() and dlg.accept())
        b.rejected.connect(dlg.reject)
        outer.addWidget(b)
        if dlg.exec():
            store.set_setting(S.S_ISSUER, issuer.text().strip())
            store.set_setting(S.S_SHORT, short.text().strip())
            store.set_setting(S.S_CONTACT, {"name": cname.text().strip(), "phone": cphone.text().strip()})
            store.set_setting(S.S_FONTS, {r: b.currentData() for r, b in self.font_boxes.items() if b.currentData()})
            self._status("文书设置已保存。")

    def _township_code_rows(self, form) -> dict:
        """机关代字 (issue 12): a township's own (read-only once the county has assigned it); at the county every
        registered township's. The same checks as `sifasuo docs code` (documents.service.set_township_code)."""
        store = self.store
        org = store.org
        edits = {}
        assigned = store.get_setting(S.S_TOWNSHIP_CODES, {}) or {}
        for row in S.township_codes(store):
            edit = QLineEdit(row["code"])
            edit.original = row["code"]
            if org.role == "township":
                label = "本所机关代字（本所文号用）"
                if not (assigned.get(org.code) or store.get_setting(S.S_OWN_CODE, "")):
                    edit.original = ""   # the shown default is only a proposal: 保存 confirms it (first-run step)
                if assigned.get(org.code):
                    edit.setReadOnly(True)
                    edit.setToolTip("已由县司法局确定，如需变更请联系县司法局")
            else:
                label = f"{row['name'] or row['org_code']}机关代字"
            form.addRow(label, edit)
            edits[row["org_code"]] = edit
        return edits

    def _save_township_codes(self) -> bool:
        """Store the changed 机关代字 all together; a refused one keeps the dialog open with the reason."""
        changed = {o: e.text().strip() for o, e in self.code_edits.items()
                   if not e.isReadOnly() and e.text().strip() != e.original}
        if not changed:
            return True
        try:
            with self.store.transaction():
                for org_code, code in changed.items():
                    S.set_township_code(self.store, code, org_code)
        except UserError as exc:
            self.settings_error.setText(exc.message)
            return False
        for org_code, code in changed.items():
            self.code_edits[org_code].original = code
        return True

    def choose_seal(self):
        path, _ = QFileDialog.getOpenFileName(self.window, "选择印章图片（仅保存在本机）", "",
                                              "图片 (*.png *.jpg *.jpeg)")
        if path:
            S.set_seal(self.store, path)
            self._status("印章图片已保存在本机，签发后的 PDF 将加盖该印章。")


def _guard(window, fn):
    def run(*args):
        try:
            return fn(*args)
        except UserError as exc:
            QMessageBox.warning(window, "无法完成", exc.message)
            return None
    return run


def _print_shortcut(view) -> None:
    """Ctrl+P on the 监督文书 page previews/prints the selected document (design.md §7)."""
    for b in getattr(view, "record_buttons", []):
        if b.text() == "预览/打印":
            b.setShortcut(QKeySequence(QKeySequence.Print))
            b.setToolTip("打印预览所选文书（Ctrl+P）")


OUTPUT_GROUP = ("导出/打印 ▾", ["预览/打印", "导出PDF", "导出DOCX", "送达回证"])
AMEND_GROUP = ("更正/作废 ▾", ["制发更正文书", "作废"])


def _group_outputs(view) -> None:
    """At 1366×768 the record actions fit one row only with the outputs in one menu button (issue 18);
    Ctrl+P still previews/prints the selected document."""
    amend = view.group_record_buttons(*AMEND_GROUP)
    if amend is not None:
        amend.setToolTip("制发更正文书（签发后原文书被替代）、作废（文号保留，不再使用）")
    label, texts = OUTPUT_GROUP
    group = view.group_record_buttons(label, texts)
    if group is None:
        return
    group.setToolTip("预览/打印（Ctrl+P）、导出PDF、导出DOCX、送达回证")
    preview = next((b for b in group.members if b.text() == "预览/打印"), None)
    if preview is not None:
        preview.setShortcut(QKeySequence())
        sc = QShortcut(QKeySequence(QKeySequence.Print), view)
        sc.activated.connect(lambda: preview.isEnabled() and preview.click())
        view.print_shortcut = sc


def _documents_view(window, c, draft, view) -> None:
    """The 监督文书 page's own buttons, put on its view when it is built (first shown: issue 19)."""
    _documents_toolbar(window, c, draft, view)
    _print_shortcut(view)
    _group_outputs(view)


def _documents_toolbar(window, c, draft, view) -> None:
    """One 编辑 on the 监督文书 page: the generic record form (登记信息) only for drafts, a double click opens the
    document editor (read-only once issued)."""
    draft_btn = QPushButton("起草文书…")
    draft_btn.setToolTip("按被监督单位的问题、监督检查、评查批次或季度排名起草任一类文书")
    draft_btn.clicked.connect(lambda _=False: _guard(window, c.draft_any)())
    view.buttons_layout.insertWidget(0, draft_btn)
    view.draft_btn = draft_btn
    view.edit_btn.setText("登记信息")
    view.edit_btn.setToolTip("修改草稿的登记信息（文书类型、主送单位、期限等）；正文请用“编辑文书”")
    view.edit_when = draft
    view.open_action = c.edit
    view._update_buttons()


def install(window) -> DocumentsController:
    c = DocumentsController(window)
    window.documents_controller = c
    g = lambda fn: _guard(window, fn)  # noqa: E731
    state = lambda r: r.get("status") or S.DRAFT  # noqa: E731
    draft = lambda r: state(r) == S.DRAFT  # noqa: E731
    issued = lambda r: state(r) in (S.ISSUED, S.SERVED, S.REPLIED)  # noqa: E731
    # each action only on the documents whose state allows it (the workflow in documents/service.py decides
    # again: this only keeps impossible actions off the toolbar and the row menu)
    for text, cb, when in (
            ("编辑文书", c.edit, None),
            ("签发", c.issue, draft),   # a clerk without the right still sees it and is told why
            ("预览/打印", c.preview_print, None),
            ("导出PDF", lambda r: c.export(r, ".pdf"), None), ("导出DOCX", lambda r: c.export(r, ".docx"), None),
            ("登记送达", c.serve, issued), ("登记反馈", c.reply, issued),
            ("送达回证", lambda r: c.preview_print(r, receipt=True), issued),
            ("制发更正文书", c.supersede, issued), ("作废", c.void, issued)):
        window.add_record_action("documents", text, cb, when)
    window.on_ledger_view("documents", lambda view: _documents_view(window, c, draft, view))
    window.add_record_action("bodies", "起草监督意见书", c.draft_opinion)
    window.add_record_action("bodies", "逾期问题督办函", c.draft_overdue)
    window.add_record_action("visits", "起草监督意见书", c.draft_from_visit)
    window.add_record_action("bodies", "起草文书…", lambda r: c.draft_any(body=r))
    window.add_record_action("visits", "起草文书…", lambda r: c.draft_any(visit=r))
    # one menu button for the drafting actions, so the 执法主体 and 监督检查 rows fit 1366 pixels (issue 18)
    window.on_ledger_view("bodies", lambda v: v.group_record_buttons(
        "起草文书 ▾", ["起草监督意见书", "逾期问题督办函", "起草文书…"]))
    window.on_ledger_view("visits", lambda v: v.group_record_buttons("起草文书 ▾", ["起草监督意见书", "起草文书…"]))
    window.add_menu_action("监督", "起草文书…", g(c.draft_any))
    window.add_menu_action("监督", "起草案卷评查通报…", g(c.draft_review_notice))
    window.add_menu_action("监督", "文书设置…", g(c.settings_dialog))
    window.add_menu_action("监督", "印章图片…", g(c.choose_seal))
    return c
