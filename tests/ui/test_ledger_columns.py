"""Issue 18: ledger columns sized from content on a 1366 px screen (状态 visible, 罚款金额 whole, 案号 not cut by
the warning dot, no stretched last column), the clerk's hidden/moved/resized columns remembered per ledger,
and a 导出Excel button on every ledger page."""
import pytest
from PySide6.QtCore import Qt

from sifasuo_desktop.domain.ledgers import nav_ledgers
from sifasuo_desktop.domain.permissions import SYSTEM
from sifasuo_desktop.ui.ledger_view import LedgerView
from sifasuo_desktop.ui.main_window import MainWindow
from sifasuo_desktop.ui.ui_settings import FILE_NAME


def open_window(qtbot, store, width=1366):
    w = MainWindow(store, SYSTEM)
    qtbot.addWidget(w)
    w.resize(width, 700)
    w.show()
    qtbot.waitExposed(w)
    return w


def shown_ledger(qtbot, w, key) -> LedgerView:
    w.show_page(key)
    view = w.ledger_view(key)
    view.ensure_loaded()
    qtbot.waitUntil(lambda: getattr(view, "_sized", False), timeout=3000)
    return view


def test_case_columns_fit_their_content_at_1366(qtbot, demo_store):
    store = demo_store
    w = open_window(qtbot, store)
    view = shown_ledger(qtbot, w, "cases")
    header = view.table.horizontalHeader()
    names = [f.name for f in view.model.fields]
    fm = view.table.fontMetrics()
    assert not header.stretchLastSection()
    # 办理状态 right after 案号, on screen without scrolling
    status_col = names.index(view.ledger.status_field)
    assert header.visualIndex(status_col) == 1
    assert header.sectionViewportPosition(status_col) + header.sectionSize(status_col) <= view.table.viewport().width()
    # the widest fine (demo data) is shown whole
    money = names.index("fine_amount")
    widest = max((view.model.display(view.model.fields[money], r["fine_amount"])
                  for r in store.rows("cases") if r.get("fine_amount")), key=len)
    assert header.sectionSize(money) >= fm.horizontalAdvance(widest) + 8
    assert header.sectionSize(money) >= fm.horizontalAdvance("120,000.00") + 8
    # 案号 with the warning dot in front is not cut (rows of the first screen)
    for row in range(min(view.model.rowCount(), 30)):
        text = view.model.data(view.model.index(row, 0), Qt.DisplayRole)
        assert fm.horizontalAdvance(text) + 8 <= header.sectionSize(0), text
    # every header label is whole
    for col, f in enumerate(view.model.fields):
        assert header.sectionSize(col) >= fm.horizontalAdvance(f.label) + 8, f.label
    # a cut long text shows whole in its tooltip
    cause = names.index("cause")
    assert view.model.data(view.model.index(0, cause), Qt.ToolTipRole) in (
        None, view.model.data(view.model.index(0, cause), Qt.DisplayRole))


def test_hidden_moved_and_resized_columns_are_remembered_per_ledger(qtbot, demo_store):
    store = demo_store
    w = open_window(qtbot, store)
    view = shown_ledger(qtbot, w, "cases")
    header = view.table.horizontalHeader()
    names = [f.name for f in view.model.fields]
    menu = view.header_menu()
    labels = [a.text() for a in menu.actions() if a.isCheckable()]
    assert labels == [f.label for f in view.model.fields]
    party = names.index("party")
    next(a for a in menu.actions() if a.text() == view.model.fields[party].label).toggle()   # hide 当事人
    assert header.isSectionHidden(party)
    cause = names.index("cause")
    header.moveSection(header.visualIndex(cause), 0)
    header.resizeSection(cause, 333)
    qtbot.waitUntil(lambda: (store.data_dir / FILE_NAME).exists(), timeout=3000)
    view.save_header_state()
    other = shown_ledger(qtbot, w, "problems")        # another ledger keeps its own layout
    assert not any(other.table.horizontalHeader().isSectionHidden(c) for c in range(other.model.columnCount()))
    w.close()

    w2 = open_window(qtbot, store)
    view2 = shown_ledger(qtbot, w2, "cases")
    h2 = view2.table.horizontalHeader()
    assert h2.isSectionHidden(party) and h2.visualIndex(cause) == 0 and h2.sectionSize(cause) == 333
    # back to the default layout
    view2.reset_columns()
    assert not h2.isSectionHidden(party) and h2.visualIndex(cause) != 0
    assert h2.visualIndex(names.index(view2.ledger.status_field)) == 1


def test_the_last_visible_column_cannot_be_hidden(qtbot, store):
    store.insert("bodies", {"name": "甲单位"})
    w = open_window(qtbot, store)
    view = shown_ledger(qtbot, w, "bodies")
    header = view.table.horizontalHeader()
    for col in range(1, view.model.columnCount()):
        view.set_column_visible(col, False)
    menu = view.header_menu()
    first = next(a for a in menu.actions() if a.isCheckable())
    assert first.isChecked() and not first.isEnabled()
    assert not header.isSectionHidden(0)


@pytest.mark.parametrize("key", [l.key for l in nav_ledgers()])
def test_every_ledger_page_has_an_export_button(qtbot, demo_store, key):
    w = open_window(qtbot, demo_store)
    view = w.ledger_view(key)
    assert view.export_btn.text() == "导出Excel…" and view.export_btn.isEnabled()


def test_export_button_writes_the_filtered_ledger(qtbot, demo_store, tmp_path):
    import openpyxl

    w = open_window(qtbot, demo_store)
    view = shown_ledger(qtbot, w, "cases")
    view.status_box.setCurrentIndex(view.status_box.findData("办理中"))
    expected = view.model.total()
    assert 0 < expected < len(demo_store.rows("cases"))
    out = view.export_excel(out=str(tmp_path / "办理中.xlsx"), full_personal=False)
    assert out is not None and out.exists()
    ws = openpyxl.load_workbook(out).active
    values = [c for row in ws.iter_rows(values_only=True) for c in row if c]
    assert sum(1 for v in values if v == "办理中") == expected


def test_date_filter_placeholders_read_right(qtbot, store):
    from sifasuo_desktop.ui.ledger_view import range_placeholders

    assert range_placeholders("立案日期") == ("立案日期起", "立案日期止")
    assert range_placeholders("聘期起") == ("聘期起：从", "聘期起：到")
    assert range_placeholders("有效期至") == ("有效期至：从", "有效期至：到")
    w = open_window(qtbot, store)
    for key in w._ledger_views:
        view = w.ledger_view(key)
        for box in (view.date_from, view.date_to):
            text = box.placeholderText()
            assert not any(d in text for d in ("起起", "至起", "止止", "至止", "起止")), (key, text)
