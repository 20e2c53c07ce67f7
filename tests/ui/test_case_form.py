"""Issue 18: the case form in sections (案件 / 当事人 / 办理 / 审核与公示 / 结果) with a jump bar, 承办人 ticked from the
body's officers with their certificate status, and a save confirmation next to the ledger."""
import pytest

from sifasuo_desktop.domain.ledgers import JSON, LEDGERS
from sifasuo_desktop.domain.permissions import SYSTEM
from sifasuo_desktop.ui.main_window import MainWindow
from sifasuo_desktop.ui.record_form import RecordForm

from .helpers import when_modal


@pytest.fixture
def window(qtbot, demo_store):
    w = MainWindow(demo_store, SYSTEM)
    qtbot.addWidget(w)
    w.resize(1366, 700)
    w.show()
    return w


def test_case_form_is_in_sections_with_every_field(qtbot, window):
    form = RecordForm(window, LEDGERS["cases"])
    qtbot.addWidget(form)
    form.show()
    assert list(form.section_heads) == ["案件", "当事人", "办理", "审核与公示", "结果"]
    expected = {f.name for f in LEDGERS["cases"].fields if f.kind != JSON}
    assert set(form.widgets) == expected          # grouping drops no field
    # 当事人 fields sit under 当事人, 公示日期 under 审核与公示
    lay = form.form
    row_of = lambda w: lay.getWidgetPosition(w)[0]  # noqa: E731
    heads = {t: row_of(h) for t, h in form.section_heads.items()}
    assert heads["当事人"] < row_of(form.widgets["party"]) < heads["办理"]
    assert heads["审核与公示"] < row_of(form.widgets["published_date"]) < heads["结果"]
    assert heads["结果"] < row_of(form.widgets["fine_amount"])
    # the jump bar scrolls the 结果 heading into view
    bar = form.scroll.verticalScrollBar()
    assert bar.maximum() > 0
    form.jump_to(form.section_heads["结果"])
    assert bar.value() > 0


def test_other_forms_keep_their_own_groups(qtbot, window):
    form = RecordForm(window, LEDGERS["inspections"])
    qtbot.addWidget(form)
    assert "涉企检查" in form.section_heads and len(form.section_heads) == 1


def test_officers_are_ticked_from_the_body_with_their_certificate_status(qtbot, window):
    store = window.store
    body = store.insert("bodies", {"name": "测试主体"})
    ok = store.insert("officers", {"name": "甲执法", "body_id": body["id"], "cert_no": "A1", "cert_status": "有效",
                                   "duty_status": "在岗"})
    store.insert("officers", {"name": "乙暂扣", "body_id": body["id"], "cert_no": "A2", "cert_status": "暂扣",
                              "duty_status": "在岗"})
    store.insert("officers", {"name": "丙离岗", "body_id": body["id"], "cert_no": "A3", "cert_status": "有效",
                              "duty_status": "离岗"})
    form = RecordForm(window, LEDGERS["cases"])
    qtbot.addWidget(form)
    form.widgets["body_id"].set_value(body["id"])
    picker = form.officer_picker
    menu = picker.menu()
    acts = {a.text(): a for a in menu.actions()}
    assert set(acts) == {"甲执法（证件有效）", "乙暂扣（执法证暂扣）"}       # 离岗 officers are not offered
    assert acts["甲执法（证件有效）"].isEnabled() and not acts["乙暂扣（执法证暂扣）"].isEnabled()
    acts["甲执法（证件有效）"].setChecked(True)
    assert form.widgets["officer_names"].text() == "甲执法"
    picker.toggle("李四", True)
    assert form.widgets["officer_names"].text() == "甲执法、李四"
    acts = {a.text(): a for a in picker.menu().actions()}
    assert acts["甲执法（证件有效）"].isChecked()
    acts["甲执法（证件有效）"].setChecked(False)
    assert form.widgets["officer_names"].text() == "李四"
    assert ok["id"]


def test_save_confirmation_shows_next_to_the_ledger(qtbot, window):
    window.show_page("bodies")
    view = window.ledger_view("bodies")
    view.ensure_loaded()

    def fill(dlg):
        dlg.widgets["name"].setText("新建的主体")
        dlg.save()

    state = when_modal(qtbot, fill)
    view.add_record()
    qtbot.waitUntil(lambda: state["done"])
    assert state["error"] is None
    assert view.notice.isVisible() and "已新增" in view.notice.text() and "新建的主体" in view.notice.text()


def test_penalty_kinds_are_ticked_from_the_list_and_stored_as_before(qtbot, window):
    from sifasuo_desktop.domain.ledgers import PENALTY_KINDS

    store = window.store
    form = RecordForm(window, LEDGERS["cases"])
    qtbot.addWidget(form)
    form.show()
    ticks = form.penalty_ticks
    assert list(ticks.boxes) == list(PENALTY_KINDS) and not ticks.edit.isVisible()
    ticks.boxes["罚款"].setChecked(True)
    ticks.boxes["警告"].setChecked(True)
    assert form.widgets["penalty_kinds"].text() == "警告、罚款"      # the list's order, "、" as stored today
    form.widgets["case_no"].setText("勾选〔2026〕1号")
    form.widgets["case_type"].set_value("行政处罚(一般程序)")
    form.save()
    assert form.saved_record is not None, form.error_label.text()
    assert store.get("cases", form.saved_record["id"])["penalty_kinds"] == "警告、罚款"
    # an old record's value shows ticked; a word the list does not know stays visible to be fixed
    form2 = RecordForm(window, LEDGERS["cases"], dict(form.saved_record, penalty_kinds="罚款、罚钱"))
    qtbot.addWidget(form2)
    form2.show()
    t2 = form2.penalty_ticks
    assert t2.boxes["罚款"].isChecked() and not t2.boxes["警告"].isChecked() and t2.edit.isVisible()
    t2.boxes["罚款"].setChecked(False)
    assert form2.widgets["penalty_kinds"].text() == "罚钱"
