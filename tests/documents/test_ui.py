"""Drive the 监督文书 UI in the real main window: draft, edit, issue, preview/print, export, 送达, 反馈."""

import pytest

pytest.importorskip("PySide6.QtWidgets")

from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog  # noqa: E402
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton  # noqa: E402

from sifasuo_desktop.documents import service as S  # noqa: E402
from sifasuo_desktop.domain.permissions import LEADER, STAFF, Actor  # noqa: E402
from sifasuo_desktop.ui import documents_ui as U  # noqa: E402
from sifasuo_desktop.ui import extensions  # noqa: E402
from sifasuo_desktop.ui.main_window import MainWindow  # noqa: E402

from .pdfmeasure import MM, open_pdf  # noqa: E402

LEADER_ACTOR = Actor("zhang", LEADER, "张所长")


def when_modal(action):
    """Run action(dialog) on the next modal dialog; errors are re-raised by check()."""
    state = {"error": None, "done": False}

    def poll():
        w = QApplication.activeModalWidget()
        if w is None:
            QTimer.singleShot(20, poll)
            return
        try:
            action(w)
        except BaseException as exc:  # noqa: BLE001
            state["error"] = exc
            w.reject()
        state["done"] = True

    QTimer.singleShot(0, poll)
    return state


def check(state):
    assert state["done"], "no modal dialog appeared"
    if state["error"]:
        raise state["error"]


def make_window(qtbot, store, actor):
    store.actor = actor
    w = MainWindow(store, actor)
    qtbot.addWidget(w)
    if "sifasuo_desktop.ui.documents_ui" not in extensions.EXTENSIONS:
        U.install(w)
    w.show()
    return w


def click(window, ledger, record_id, text):
    view = window.ledger_view(ledger)
    window.show_page(ledger)
    view.ensure_loaded()
    view.refresh()
    assert view.select_record(record_id)
    button = [b for b in view.record_buttons if isinstance(b, QPushButton) and b.text() == text][0]
    assert button.isEnabled()
    button.click()


def test_documents_workflow_through_the_ui(qtbot, ds, tmp_path, monkeypatch):
    store, body, _other, _p = ds
    w = make_window(qtbot, store, LEADER_ACTOR)
    c = w.documents_controller

    # draft a 监督意见书 from the body's open problems and edit it in the editor
    def edit(dlg):
        assert isinstance(dlg, U.DocumentEditor) and not dlg.read_only
        assert "重大执法决定未经法制审核" in dlg.body_edit.toPlainText()
        dlg.title_edit.setText("行政执法监督意见书")
        dlg.body_edit.setPlainText(dlg.body_edit.toPlainText() + "\n特此告知。")
        dlg.buttons.button(dlg.buttons.StandardButton.Save).click()

    st = when_modal(edit)
    click(w, "bodies", body["id"], "起草监督意见书")
    check(st)
    doc = store.rows("documents")[0]
    assert doc["status"] == "草稿" and doc["content"].endswith("特此告知。")

    # issue (confirm with 是)
    st = when_modal(lambda box: box.button(QMessageBox.Yes).click())
    click(w, "documents", doc["id"], "签发")
    check(st)
    doc = store.get("documents", doc["id"])
    assert doc["status"] == "已签发" and doc["doc_no"].startswith("青司监意〔")

    # the editor now opens read-only
    st = when_modal(lambda dlg: (dlg.read_only or pytest.fail("editable after issue"), dlg.reject()))
    click(w, "documents", doc["id"], "编辑文书")
    check(st)

    # preview / print: a QPrintPreviewDialog at actual size, painted from the PDF; printer kept alive
    def preview(dlg):
        assert isinstance(dlg, QPrintPreviewDialog)
        qtbot.waitUntil(lambda: c.pages_painted >= 1, timeout=5000)
        dlg.reject()

    st = when_modal(preview)
    click(w, "documents", doc["id"], "预览/打印")
    check(st)
    assert isinstance(c.printer, QPrinter) and c.printer.fullPage()
    assert c.printer.pageLayout().pageSize().id() == c.printer.pageLayout().pageSize().PageSizeId.A4

    # export PDF and DOCX
    monkeypatch.setattr(U.QFileDialog, "getSaveFileName", lambda *a, **k: (str(tmp_path / "out"), ""))
    click(w, "documents", doc["id"], "导出PDF")
    text = "".join(p.extract_text() for p in open_pdf((tmp_path / "out.pdf").read_bytes()).pages).replace(" ", "")
    assert doc["doc_no"] in text
    click(w, "documents", doc["id"], "导出DOCX")
    assert (tmp_path / "out.docx").read_bytes()[:2] == b"PK"

    # 送达: first try without a 签收人 (refused, dialog stays open), then complete it
    def serve(dlg):
        assert isinstance(dlg, U.ServiceDialog)
        dlg.save()
        assert "签收人" in dlg.error.text() and dlg.isVisible()
        dlg.signer.setText("王喆")
        dlg.servers.setText("刘明、赵强")
        dlg.save()

    st = when_modal(serve)
    click(w, "documents", doc["id"], "登记送达")
    check(st)
    doc = store.get("documents", doc["id"])
    assert doc["status"] == "已送达" and doc["served_receiver"] == "王喆"

    def reply(dlg):
        dlg.content.setPlainText("已全部整改。")
        dlg.save()

    st = when_modal(reply)
    click(w, "documents", doc["id"], "登记反馈")
    check(st)
    assert store.get("documents", doc["id"])["status"] == "已反馈"


def test_staff_cannot_issue_and_sees_why(qtbot, ds):
    store, body, _o, _p = ds
    row = S.draft_for_problems(store, body["id"])
    w = make_window(qtbot, store, Actor("li", STAFF, "李干事"))
    seen = {}

    def warn(box):
        seen["text"] = box.text()
        box.accept()

    st = when_modal(warn)
    click(w, "documents", row["id"], "签发")
    check(st)
    assert "签发" in seen["text"] and store.get("documents", row["id"])["status"] == "草稿"


def test_paint_pdf_prints_actual_size(qtbot, tmp_path, resolver):
    from sifasuo_desktop.documents import model as M
    from sifasuo_desktop.documents import templates as T
    from sifasuo_desktop.documents.pdf import render_pdf

    from .conftest import FACTS

    data = render_pdf(T.build(M.DUBANHAN, FACTS), resolver=resolver).data
    printer = U.make_printer("test")
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    printer.setResolution(100)
    assert U.paint_pdf(printer, data) == 2
    out = open_pdf((tmp_path / "printed.pdf").read_bytes())
    assert len(out.pages) == 2
    page = out.pages[0]
    assert abs(page.width - 210 * MM) < 1 and abs(page.height - 297 * MM) < 1
    img = page.images[0]
    assert abs(img["x0"]) < 1 and abs(img["top"]) < 1  # the page image covers the sheet 1:1
    assert abs(img["x1"] - page.width) < 1 and abs(img["bottom"] - page.height) < 1


def test_settings_dialog_saves_issuer_and_user_chosen_font(qtbot, ds, tmp_path):
    from sifasuo_desktop.domain.permissions import ADMIN

    store, body, _o, _p = ds
    w = make_window(qtbot, store, Actor("admin", ADMIN, "管理员"))
    c = w.documents_controller
    families = None

    def fill(dlg):
        nonlocal families
        box = c.font_boxes["fangsong"]
        families = [box.itemData(i) for i in range(box.count())]
        other = [f for f in families if f and f != "AR PL UMing CN"][0]
        box.setCurrentIndex(box.findData(other))
        edits = dlg.findChildren(U.QLineEdit)
        edits[0].setText("白云县司法局")
        dlg.accept()

    st = when_modal(fill)
    c.settings_dialog()
    check(st)
    chosen = S.font_preferences(store)["fangsong"]
    assert chosen in families and store.get_setting(S.S_ISSUER) == "白云县司法局"
    row = S.draft_for_problems(store, body["id"])
    res = S.render(store, row["id"], tmp_path / "x.pdf")
    assert res.fonts["仿宋"] == chosen  # the user's choice comes first in the resolver chain


def test_township_cannot_issue_a_county_bureau_document_in_the_ui(qtbot, township_ds):
    """Issue 12: a 司法所 drafts a 监督意见书 (the county bureau's name) but 签发 is refused with a Chinese reason."""
    store, body, _o, _p = township_ds
    row = S.draft_for_problems(store, body["id"])
    w = make_window(qtbot, store, LEADER_ACTOR)
    seen = []

    def answer(box):   # the 签发 confirmation first, then the refusal
        seen.append(box.text())
        yes = box.button(QMessageBox.Yes) if isinstance(box, QMessageBox) else None
        (yes.click() if yes is not None else box.accept())
        if len(seen) < 2:
            when_modal(answer)

    st = when_modal(answer)
    click(w, "documents", row["id"], "签发")
    qtbot.waitUntil(lambda: len(seen) >= 2, timeout=5000)
    check(st)
    assert any("只能由县司法局签发" in t for t in seen), seen
    doc = store.get("documents", row["id"])
    assert doc["status"] == "草稿" and not doc["doc_no"]
