"""Issue 17: the document print preview opens at 100 % (actual size) with zoom controls; printing gets 600 dpi
pages (the preview keeps lighter ones); the preview names the free fonts that stood in for the official ones."""

import pytest

pytest.importorskip("PySide6.QtWidgets")

from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog, QPrintPreviewWidget  # noqa: E402
from PySide6.QtWidgets import QComboBox, QToolBar  # noqa: E402

from sifasuo_desktop.documents import service as S  # noqa: E402
from sifasuo_desktop.ui import documents_ui as U  # noqa: E402

from .pdfmeasure import open_pdf  # noqa: E402
from .test_ui import LEADER_ACTOR, check, click, make_window, when_modal  # noqa: E402


def test_preview_opens_at_actual_size_with_zoom_controls(qtbot, ds):
    store, body, _o, _p = ds
    row = S.draft_for_problems(store, body["id"])
    w = make_window(qtbot, store, LEADER_ACTOR)
    c = w.documents_controller
    seen = {}

    def preview(dlg):
        assert isinstance(dlg, QPrintPreviewDialog)
        qtbot.waitUntil(lambda: c.pages_painted >= 1, timeout=5000)
        pw = dlg.findChild(QPrintPreviewWidget)
        seen["mode"] = pw.zoomMode()
        seen["factor"] = pw.zoomFactor()
        seen["zoom_box"] = [b.currentText() for b in dlg.findChildren(QComboBox)]
        seen["toolbar"] = [a.text() for t in dlg.findChildren(QToolBar) for a in t.actions()]
        seen["title"] = dlg.windowTitle()
        seen["dpi"] = U.last_paint_dpi
        dlg.reject()

    st = when_modal(preview)
    click(w, "documents", row["id"], "预览/打印")
    check(st)
    assert seen["mode"] == QPrintPreviewWidget.ZoomMode.CustomZoom and seen["factor"] == pytest.approx(1.0)
    assert any(t.startswith("100") for t in seen["zoom_box"]), seen["zoom_box"]
    assert len([t for t in seen["toolbar"] if t]) >= 4  # zoom in/out, fit width/page ... stay available
    assert "100%" in seen["title"]
    assert seen["dpi"] == U.PREVIEW_DPI
    note = c.font_note
    if note:  # on a PC without the official fonts the preview says which fonts print the document
        assert note in seen["title"] and "替代字体" in note


def test_printing_gets_600_dpi_pages(qtbot, ds, tmp_path):
    store, body, _o, _p = ds
    row = S.draft_for_problems(store, body["id"])
    res = S.render(store, row["id"], tmp_path / "doc.pdf")
    printer = U.make_printer("t")
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    out = tmp_path / "printed.pdf"
    printer.setOutputFileName(str(out))
    n = U.paint_pdf(printer, res.data)
    assert n == res.pages and U.last_paint_dpi == 600
    pdf = open_pdf(out.read_bytes())
    im = pdf.pages[0].images[0]
    dpi = im["srcsize"][0] / ((im["x1"] - im["x0"]) / 72)
    assert abs(dpi - 600) < 5
    assert abs((im["x1"] - im["x0"]) - pdf.pages[0].width) < 1  # the whole sheet, 1:1 (no fit-to-page)
