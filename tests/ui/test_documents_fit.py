"""Issue 18 (i18c): every record action of the 监督文书 page is reachable at 1366×768 without scrolling
sideways (the outputs in one 导出/打印 ▾ menu), and an issued document cannot be deleted (only 作废) - not
from the GUI, not through the store, not by a sync package."""
import pytest
from PySide6.QtWidgets import QMessageBox

from sifasuo_desktop.documents import service as S
from sifasuo_desktop.domain import record_state
from sifasuo_desktop.domain.errors import UserError
from sifasuo_desktop.domain.permissions import SYSTEM
from sifasuo_desktop.ui.main_window import MainWindow


@pytest.fixture
def page(qtbot, demo_store):
    w = MainWindow(demo_store, SYSTEM)
    qtbot.addWidget(w)
    w.resize(1366, 768)
    w.show()
    w.show_page("documents")
    view = w.ledger_view("documents")
    view.ensure_loaded()
    return w, view


def _strip(view):
    from PySide6.QtWidgets import QScrollArea
    return next(a for a in view.findChildren(QScrollArea) if a.widget() is view.buttons_layout.parentWidget())


def _draft(store):
    body = store.rows("bodies", limit=1)[0]
    return store.insert("documents", {"doc_type": "监督意见书", "title": "关于督促整改的监督意见书",
                                      "status": S.DRAFT, "body_id": body["id"]})


def test_every_action_fits_at_1366_without_scrolling(qtbot, page):
    w, view = page
    served = next(r for r in w.store.rows("documents") if r["status"] == S.SERVED)
    draft = _draft(w.store)
    view.refresh()
    for rec in (served, draft):
        assert view.select_record(rec["id"])
        qtbot.wait(10)
        bar = _strip(view).horizontalScrollBar()
        assert bar.maximum() == 0, f"record actions scroll sideways ({bar.maximum()} px) for {rec['status']}"
        for b in [view.edit_btn, view.delete_btn, *view.group_buttons,
                  *(b for b in view.record_buttons if getattr(b, "menu_group", None) is None)]:
            if b.isVisible():
                right = b.mapTo(w, b.rect().topRight()).x()
                assert right <= w.width(), f"{b.text()} is cut at the right ({right} > {w.width()})"
    # the outputs are in the one menu button; its menu lists what the selected document allows
    group = next(g for g in view.group_buttons if g.text().startswith("导出/打印"))
    assert group.text() == "导出/打印 ▾" and group.isVisible() and group.isEnabled()
    assert view.select_record(served["id"])
    group.menu().aboutToShow.emit()
    assert [a.text() for a in group.menu().actions()] == ["预览/打印", "导出PDF", "导出DOCX", "送达回证"]
    assert view.select_record(draft["id"])
    group.menu().aboutToShow.emit()
    assert [a.text() for a in group.menu().actions()] == ["预览/打印", "导出PDF", "导出DOCX"]
    assert view.print_shortcut.key().toString() == "Ctrl+P"


def test_every_ledger_button_row_fits_at_1366(qtbot, demo_store):
    w = MainWindow(demo_store, SYSTEM)
    qtbot.addWidget(w)
    w.resize(1366, 768)
    w.show()
    crowded = []
    for key in w.page_keys():
        w.show_page(key)
        try:
            view = w.ledger_view(key)
        except (AttributeError, KeyError):
            continue
        if view is None or not hasattr(view, "buttons_layout"):
            continue
        view.ensure_loaded()
        if view.model.rowCount():
            view.table.selectRow(0)
        qtbot.wait(5)
        bar = _strip(view).horizontalScrollBar()
        if bar.maximum() > 0:
            crowded.append((key, bar.maximum()))
    assert not crowded, f"button rows scrolling sideways at 1366: {crowded}"


def test_issued_document_cannot_be_deleted_from_the_gui_only_voided(qtbot, page, monkeypatch):
    w, view = page
    issued = next(r for r in w.store.rows("documents") if r["status"] == S.ISSUED)
    assert view.select_record(issued["id"])
    assert not view.delete_btn.isEnabled()
    assert "已签发的文书只能作废" in view.delete_btn.toolTip()
    assert "删除" not in {b.text() for b in view.row_actions()}
    amend = next(g for g in view.group_buttons if g.text() == "更正/作废 ▾")
    assert amend.isVisible()
    amend.menu().aboutToShow.emit()
    void = next(a for a in amend.menu().actions() if a.text() == "作废")
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.Yes)
    void.trigger()
    after = w.store.get("documents", issued["id"])
    assert after["status"] == S.VOID and after["doc_no"] == issued["doc_no"] and not after["deleted"]
    assert view.select_record(issued["id"])
    assert not view.delete_btn.isEnabled() and not amend.isVisible()     # 已作废: nothing left to amend
    # a draft is deleted as before
    draft = _draft(w.store)
    view.refresh()
    assert view.select_record(draft["id"])
    assert view.delete_btn.isEnabled()
    view.delete_selected()
    assert w.store.get("documents", draft["id"])["deleted"] == 1


@pytest.mark.parametrize("status", [S.ISSUED, S.SERVED, S.REPLIED, S.VOID, S.SUPERSEDED])
def test_store_refuses_deleting_an_issued_document_for_every_caller(demo_store, status):
    doc = next((r for r in demo_store.rows("documents") if r["status"] == status), None)
    if doc is None:
        doc = next(r for r in demo_store.rows("documents") if r["status"] == S.SERVED)
        demo_store.conn.execute("UPDATE documents SET status = ? WHERE id = ?", (status, doc["id"]))
        doc = demo_store.get("documents", doc["id"])
    with pytest.raises(UserError) as exc:
        demo_store.delete("documents", doc["id"])
    assert "只能作废" in exc.value.message and "没有删除" in exc.value.message
    with pytest.raises(UserError), demo_store.workflow():      # not inside a workflow either
        demo_store.update("documents", doc["id"], {"deleted": 1})
    assert demo_store.get("documents", doc["id"])["deleted"] == 0


def test_history_row_and_sync_delete():
    issued = {"id": "d1", "status": "已送达", "doc_no": "示司监意〔2026〕1号", "deleted": 0}
    assert record_state.delete_refusal("documents", issued)
    assert record_state.delete_refusal("documents", dict(issued, status="草稿")) is None
    # a history row (an old sheet's copy) may be deleted: a wrong import must be undoable
    assert record_state.delete_refusal("documents", dict(issued, state_imported=1)) is None
    # a sync package that deletes an issued document is refused with a reason; the stored row stays
    why = record_state.sync_refusal("documents", dict(issued, deleted=1), issued, [])
    assert why and "同步包中的删除未执行" in why
    assert record_state.sync_refusal("documents", dict(issued, deleted=1, status="草稿"),
                                     dict(issued, status="草稿"), []) is None


def test_cli_docs_void(tmp_path, capsys):
    """`sifasuo docs void ID`: the CLI's way out for an issued document (delete is refused by the store)."""
    from sifasuo_desktop.cli import main
    from sifasuo_desktop.demo import generate
    from sifasuo_desktop.store import Store

    data = tmp_path / "demo"
    s = Store.open(data)
    generate(s, cases=30, seed=5)
    doc = next(r for r in s.rows("documents") if r["status"] == S.ISSUED)
    s.close()
    capsys.readouterr()
    assert main(["docs", "void", doc["id"], "--data-dir", str(data)]) == 0
    out, err = capsys.readouterr()
    assert "已作废" in out and doc["doc_no"] in out and "Traceback" not in err
    assert main(["docs", "void", doc["id"], "--data-dir", str(data)]) == 1      # already void: told, exit 1
    out, err = capsys.readouterr()
    assert "已作废" in err and "Traceback" not in err
    s = Store.open(data)
    assert s.get("documents", doc["id"])["status"] == S.VOID
    s.close()
