"""The case form's 处理结果与裁量 section, driven as a clerk would: the pickers offer the 清单 items and 基准 rows for
the 案由 typed, the allowed range shows under the fine, and a fine outside it is flagged at once; saving stores the
outcome, the 基准 and the 典型案例 mark (a mark without a summary is refused on the form)."""
import pytest
from PySide6.QtCore import Qt

from sifasuo_desktop.domain.permissions import SYSTEM
from sifasuo_desktop.ui.main_window import MainWindow
from sifasuo_desktop.ui.record_form import RecordForm

from .helpers import type_text, when_modal


@pytest.fixture
def window(qtbot, store):
    store.insert("bodies", {"name": "示范镇人民政府", "status": "有效"})
    for level, lo, hi in (("一般", 500.0, 1000.0), ("较重", 1000.0, 3000.0)):
        store.insert("discretion_standards", {"code": "JZ-001", "violation": "占道经营", "level": level,
                                              "fine_min": lo, "fine_max": hi}, owner_org="C0001")
    store.insert("discretion_standards", {"code": "JZ-009", "violation": "乱贴小广告", "level": "一般",
                                          "fine_min": 50.0, "fine_max": 200.0})
    store.insert("leniency_items", {"list_type": "首违不罚", "code": "BZ-01", "violation": "占道经营", "status": "有效"},
                 owner_org="C0001")
    store.insert("leniency_items", {"list_type": "不予处罚", "code": "BZ-02", "violation": "乱贴小广告"})
    w = MainWindow(store, SYSTEM)
    qtbot.addWidget(w)
    w.show()
    return w


def test_pickers_range_and_instant_warning(qtbot, window):
    window.show_page("cases")
    view = window.ledger_view("cases")
    seen = {}

    def fill(form):
        assert isinstance(form, RecordForm)
        d = form.discretion
        w = form.widgets
        type_text(w["case_no"], "示罚〔2025〕8号")
        w["case_type"].set_value("行政处罚(一般程序)")
        type_text(w["cause"], "占道经营")
        # only the 占道经营 rows are offered
        seen["items"] = [d.list_picker.itemText(i) for i in range(1, d.list_picker.count())]
        seen["stds"] = [d.standard_picker.itemText(i) for i in range(1, d.standard_picker.count())]
        d.list_picker.setCurrentIndex(1)
        d.list_picker.activated.emit(1)
        d.standard_picker.setCurrentIndex(1)
        d.standard_picker.activated.emit(1)           # JZ-001 一般 500–1000元
        seen["range"] = d.range_label.text()
        type_text(w["fine_amount"], "5000")
        seen["warn_5000"] = (d.warning, d.range_label.text())
        w["fine_amount"].clear()
        type_text(w["fine_amount"], "800")
        seen["warn_800"] = d.warning
        w["outcome"].set_value("给予处罚")
        w["exemplary_kind"].set_value("典型案例")
        qtbot.mouseClick(form.buttons.buttons()[0], Qt.LeftButton)   # 保存 without a summary: refused
        seen["refused"] = form.isVisible() and "案例摘要" in form.error_label.text()
        w["exemplary_summary"].setPlainText("依照裁量基准确定罚款，说理充分")
        qtbot.mouseClick(form.buttons.buttons()[0], Qt.LeftButton)

    state = when_modal(qtbot, fill)
    qtbot.mouseClick(view.add_btn, Qt.LeftButton)
    assert state["error"] is None, state["error"]
    assert seen["items"] == ["首违不罚｜BZ-01｜占道经营"]
    assert [s.split("｜")[:3] for s in seen["stds"]] == [["JZ-001", "一般", "500–1000元"], ["JZ-001", "较重", "1000–3000元"]]
    assert seen["range"] == "允许罚款500–1000元"
    assert seen["warn_5000"][0] and "超出" in seen["warn_5000"][1]
    assert seen["warn_800"] is False
    assert seen["refused"]
    row = window.store.rows("cases", "case_no = ?", ("示罚〔2025〕8号",))[0]
    assert (row["list_item"], row["discretion_code"], row["discretion_level"], row["fine_amount"], row["outcome"],
            row["exemplary_kind"]) == ("BZ-01", "JZ-001", "一般", 800.0, "给予处罚", "典型案例")
