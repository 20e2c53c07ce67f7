"""Issue 17: 起草文书 on the 监督文书 page drafts every type from what it concerns, through the same drafting call
as the CLI, and opens the draft in the editor — driven through the real main window."""
import pytest

pytest.importorskip("PySide6.QtWidgets")

from PySide6.QtCore import Qt  # noqa: E402

from sifasuo_desktop.documents import model as M  # noqa: E402
from sifasuo_desktop.documents import service as S  # noqa: E402
from sifasuo_desktop.ui import documents_ui as U  # noqa: E402
from sifasuo_desktop.ui.draft_dialog import DraftDialog  # noqa: E402

from .test_ui import LEADER_ACTOR, check, make_window, when_modal  # noqa: E402


def _documents_page(w):
    w.show_page("documents")
    view = w.ledger_view("documents")
    view.ensure_loaded()
    return view


def _draft_through_dialog(qtbot, w, key, pick=None):
    """Click 起草文书…, choose `key` (and let `pick(dlg)` choose the problems), press 起草; the editor opens:
    return its text and title, then close it."""
    view = _documents_page(w)
    seen = {}

    def in_editor(ed):
        assert isinstance(ed, U.DocumentEditor) and not ed.read_only
        seen.update(title=ed.title_edit.text(), body=ed.body_edit.toPlainText(), issuer=ed.issuer_edit.text(),
                    signature=ed.signature_edit.text(), doc_id=ed.doc_id)
        ed.reject()

    def in_dialog(dlg):
        assert isinstance(dlg, DraftDialog)
        dlg.type_box.setCurrentIndex(dlg.type_box.findData(key))
        if pick:
            pick(dlg)
        seen["editor"] = when_modal(in_editor)
        dlg.buttons.button(dlg.buttons.StandardButton.Ok).click()

    state = when_modal(in_dialog)
    view.draft_btn.click()
    check(state)
    check(seen["editor"])
    return seen


@pytest.fixture
def window(qtbot, ds):
    store = ds[0]
    store.set_setting(S.S_COUNTY_GOV, "青山县人民政府")
    return make_window(qtbot, store, LEADER_ACTOR), ds


def _body(name):
    def pick(dlg):
        dlg.body_box.setCurrentIndex(dlg.body_box.findText(name))
    return pick


def test_every_problem_type_is_drafted_from_the_page(qtbot, window):
    w, (store, body, _other, probs) = window
    before = store.count("documents")
    made = {}
    for key in (M.JIANYISHU, M.JUEDINGSHU, M.ZHENGGAI, M.YUETAN):
        made[key] = _draft_through_dialog(qtbot, w, key, _body(body["name"]))
    assert store.count("documents") == before + 4
    for key, seen in made.items():
        row = store.get("documents", seen["doc_id"])
        assert row["doc_type"] == S.LABEL[key] and row["status"] == S.DRAFT and row["body_id"] == body["id"]
        assert "重大执法决定未经法制审核" in seen["body"]     # the body's open problems are written in
        assert "已整改完毕" not in seen["body"]               # a closed (已销号) problem is not
    assert made[M.JIANYISHU]["title"] == "行政执法监督建议书"
    assert made[M.JUEDINGSHU]["issuer"] == made[M.JUEDINGSHU]["signature"] == "青山县人民政府"
    assert "整改要求：补齐法制审核。" in made[M.ZHENGGAI]["body"]
    assert "约谈" in made[M.YUETAN]["body"]
    # the draft is selected on the 监督文书 page
    view = w.ledger_view("documents")
    assert view.selected_record()["id"] == made[M.YUETAN]["doc_id"]


def test_only_the_ticked_problems_are_written(qtbot, window):
    w, (store, body, _other, probs) = window

    def pick(dlg):
        _body(body["name"])(dlg)
        assert dlg.problems.count() == 3                      # the three open ones
        dlg.set_problems([probs[2]["id"]])

    seen = _draft_through_dialog(qtbot, w, M.ZHENGGAI, pick)
    assert "无证人员参与检查" in seen["body"] and "重大执法决定未经法制审核" not in seen["body"]
    import json

    refs = json.loads(store.get("documents", seen["doc_id"])["layout_json"])["refs"]
    assert refs["problems"] == [probs[2]["id"]]


def test_a_body_without_open_problems_is_told_and_nothing_is_drafted(qtbot, window):
    w, (store, _body_row, other, _probs) = window
    view = _documents_page(w)
    before = store.count("documents")
    seen = {}

    def in_dialog(dlg):
        dlg.type_box.setCurrentIndex(dlg.type_box.findData(M.JUEDINGSHU))
        dlg.body_box.setCurrentIndex(dlg.body_box.findData(other["id"]))
        dlg.buttons.button(dlg.buttons.StandardButton.Ok).click()
        seen["error"] = dlg.error.text()
        seen["open"] = dlg.isVisible()
        dlg.reject()

    state = when_modal(in_dialog)
    view.draft_btn.click()
    check(state)
    assert "没有未销号的问题" in seen["error"] and seen["open"]
    assert store.count("documents") == before


def test_the_dialog_asks_what_each_type_concerns(qtbot, window):
    w, _ds = window
    dlg = DraftDialog(w, w.store)
    qtbot.addWidget(dlg)
    dlg.show()
    sources = {}
    for i in range(dlg.type_box.count()):
        dlg.type_box.setCurrentIndex(i)
        sources[dlg.key] = [dlg.source_box.itemData(k) for k in range(dlg.source_box.count())]
    assert sources[M.TONGBAO] == ["batch"] and sources[M.JIDU] == ["ranking"] and sources[M.DUBANHAN] == ["body"]
    assert sources[M.JUEDINGSHU] == ["body", "visit"]
    dlg.type_box.setCurrentIndex(dlg.type_box.findData(M.JIDU))
    assert dlg.year_box.isVisible() and dlg.quarter_box.isVisible() and not dlg.body_box.isVisible()
    assert dlg.problems.item(0) is None or dlg.problems.item(0).flags() & Qt.ItemIsUserCheckable


def test_a_township_is_not_offered_the_quarterly_notice(qtbot, township_ds):
    store = township_ds[0]
    w = make_window(qtbot, store, LEADER_ACTOR)
    dlg = DraftDialog(w, store)
    qtbot.addWidget(dlg)
    assert dlg.type_box.findData(M.JIDU) < 0 and dlg.type_box.findData(M.ZHENGGAI) >= 0


def test_issue_asks_the_date_and_the_print_date(qtbot, window):
    from PySide6.QtCore import QDate
    from PySide6.QtWidgets import QMessageBox

    from .test_ui import click

    w, (store, _body_row, _other, _probs) = window
    row = S.create_draft(store, M.TONGBAO, {"review": {"year": 2026, "units": 1, "cases": 1, "permit": 0,
                                                        "penalty": 1, "other": 0, "excellent": 1, "good": 0,
                                                        "passed": 0, "failed": 0, "rows": [{"unit": "青山镇"}]},
                                             "deadline": S._date("2027-01-31")})
    seen = []

    def dates(day, printed, then):
        def act(dlg):
            assert isinstance(dlg, U.IssueDatesDialog)   # a 通报 has a 版记: both dates are asked at issue
            dlg.date.setDate(QDate(*day))
            dlg.print_date.setDate(QDate(*printed))
            st2["s"] = when_modal(then)
            dlg.buttons.button(dlg.buttons.StandardButton.Ok).click()
        return act

    st2 = {}

    def yes(box):
        box.button(QMessageBox.Yes).click()

    def yes_then_warned(box):
        st2["w"] = when_modal(warned)
        box.button(QMessageBox.Yes).click()

    def warned(box):
        seen.append(box.text())
        box.accept()

    st = when_modal(dates((2026, 11, 20), (2026, 11, 19), yes_then_warned))
    click(w, "documents", row["id"], "签发")
    check(st)
    check(st2["s"])
    check(st2["w"])
    assert any("不能早于成文日期" in t for t in seen)
    assert store.get("documents", row["id"])["status"] == S.DRAFT
    st = when_modal(dates((2026, 11, 20), (2026, 11, 23), yes))
    click(w, "documents", row["id"], "签发")
    check(st)
    check(st2["s"])
    doc = S.load_document(store, row["id"])
    assert store.get("documents", row["id"])["status"] == S.ISSUED
    assert doc.date.isoformat() == "2026-11-20" and doc.print_date.isoformat() == "2026-11-23"


def test_quarterly_notice_without_townships_is_explained(qtbot, window):
    w, (store, *_rest) = window
    dlg = DraftDialog(w, store, M.JIDU)
    qtbot.addWidget(dlg)
    dlg.show()
    before = store.count("documents")
    dlg.year_box.setValue(2026)
    dlg.quarter_box.setValue(3)
    dlg.buttons.button(dlg.buttons.StandardButton.Ok).click()
    assert "没有可排名的乡镇" in dlg.error.text() and dlg.created is None
    assert store.count("documents") == before
