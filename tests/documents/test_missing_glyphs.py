"""Issue 17: characters no installed font has (𪚥, 𠮷) block 签发 with the characters named — in the domain,
in the CLI (unless --allow-missing-glyphs) and in the GUI (unless the user confirms)."""

import pytest

from sifasuo_desktop.documents import fonts as F
from sifasuo_desktop.documents import model as M
from sifasuo_desktop.documents import service as S

RARE = "\U0002A6A5\U00020BB7"  # 𪚥 𠮷 (CJK Extension B)
PUA = "\U000F0001"  # private use plane: certainly no font


def _rare_missing(resolver) -> str:
    chars = F.missing_chars(RARE + PUA, resolver)
    assert PUA in chars
    return "".join(chars)


def _draft_with(store, body, text: str):
    row = S.draft_for_problems(store, body["id"])
    doc = S.load_document(store, row["id"])
    doc.body.append(M.Paragraph([M.Run(f"当事人{text}的送达地址待核实。")]))
    S.save_draft(store, row["id"], doc)
    return row


def test_missing_chars_lists_each_once_in_order(resolver):
    assert F.missing_chars("中文，堃 \n\t" + PUA + "a" + PUA, resolver) == [PUA]
    assert F.missing_chars("行政执法监督意见书（2026）", resolver) == []


def test_issue_blocked_with_the_characters_named(ds, resolver):
    store, body, _o, _p = ds
    rare = _rare_missing(resolver)
    row = _draft_with(store, body, rare)
    with pytest.raises(F.MissingGlyphs) as ei:
        S.issue(store, row["id"])
    assert ei.value.chars == list(rare)
    for ch in rare:
        assert ch in ei.value.message
    assert "空框" in ei.value.message
    after = store.get("documents", row["id"])
    assert after["status"] == S.DRAFT and not after["doc_no"]  # untouched
    out = S.issue(store, row["id"], allow_missing_glyphs=True)
    assert out["status"] == S.ISSUED and out["doc_no"]


def test_title_and_recipient_are_checked_too(ds, resolver):
    store, body, _o, _p = ds
    row = S.draft_for_problems(store, body["id"])
    doc = S.load_document(store, row["id"])
    doc.recipient = "青山镇" + PUA + "村民委员会"
    S.save_draft(store, row["id"], doc)
    with pytest.raises(F.MissingGlyphs):
        S.issue(store, row["id"])


def test_cli_refuses_unless_allowed(ds, resolver, capsys):
    from sifasuo_desktop.cli import main

    store, body, _o, _p = ds
    rare = _rare_missing(resolver)
    row = _draft_with(store, body, rare)
    data_dir = str(store.data_dir)
    store.close()
    capsys.readouterr()
    code = main(["docs", "issue", row["id"], "--data-dir", data_dir])
    out, err = capsys.readouterr()
    assert code == 1 and "Traceback" not in err
    assert PUA in err and "--allow-missing-glyphs" in err
    from sifasuo_desktop.store import Store

    with Store.open(data_dir) as s:
        assert s.get("documents", row["id"])["status"] == S.DRAFT
    code = main(["docs", "issue", row["id"], "--data-dir", data_dir, "--allow-missing-glyphs"])
    out, err = capsys.readouterr()
    assert code == 0, err
    with Store.open(data_dir) as s:
        assert s.get("documents", row["id"])["status"] == S.ISSUED


@pytest.mark.parametrize("confirm", [False, True])
def test_gui_asks_before_issuing_with_missing_characters(qtbot, ds, resolver, confirm):
    pytest.importorskip("PySide6.QtWidgets")
    from PySide6.QtWidgets import QMessageBox

    from .test_ui import LEADER_ACTOR, check, click, make_window, when_modal

    store, body, _o, _p = ds
    rare = _rare_missing(resolver)
    row = _draft_with(store, body, rare)
    w = make_window(qtbot, store, LEADER_ACTOR)
    seen = []

    def answer(box):  # the 签发 confirmation, then the missing-character warning
        seen.append(box.text())
        if len(seen) == 1:
            box.button(QMessageBox.Yes).click()
            when_modal(answer)
            return
        wanted = "仍然签发" if confirm else "取消"
        [b for b in box.buttons() if b.text() == wanted][0].click()

    st = when_modal(answer)
    click(w, "documents", row["id"], "签发")
    qtbot.waitUntil(lambda: len(seen) >= 2, timeout=5000)
    check(st)
    assert PUA in seen[1] and "空框" in seen[1]
    doc = store.get("documents", row["id"])
    if confirm:
        assert doc["status"] == S.ISSUED and doc["doc_no"]
    else:
        assert doc["status"] == S.DRAFT and not doc["doc_no"]


def _tongbao_with(store, text: str):
    row = S.create_draft(store, M.TONGBAO, {"review": {"year": 2026, "units": 1, "cases": 1, "permit": 0,
                                                        "penalty": 1, "other": 0, "excellent": 1, "good": 0,
                                                        "passed": 0, "failed": 0, "rows": [{"unit": "青山镇"}]},
                                             "deadline": S._date("2027-01-31")})
    doc = S.load_document(store, row["id"])
    assert doc.printed_by  # a 通报 has a 版记: its dates are asked at issue
    doc.body.append(M.Paragraph([M.Run(f"评查中发现当事人{text}的卷宗缺少送达回证。")]))
    S.save_draft(store, row["id"], doc)
    return row


def test_cli_issue_with_dates_is_refused_then_allowed(ds, resolver, capsys):
    """The glyph check sits in the same `docs issue` as --date/--print-date; a refusal leaves both unset."""
    from sifasuo_desktop.cli import main
    from sifasuo_desktop.store import Store

    store, _body, _o, _p = ds
    row = _tongbao_with(store, _rare_missing(resolver))
    data_dir = str(store.data_dir)
    store.close()
    capsys.readouterr()
    args = ["docs", "issue", row["id"], "--data-dir", data_dir, "--date", "2026-11-20", "--print-date", "2026-11-23"]
    assert main(args) == 1
    _out, err = capsys.readouterr()
    assert PUA in err and "--allow-missing-glyphs" in err and "Traceback" not in err
    with Store.open(data_dir) as s:
        assert s.get("documents", row["id"])["status"] == S.DRAFT
        assert S.load_document(s, row["id"]).print_date is None
    # the date check still comes first: a 印发日期 before the 成文日期 is refused even with the flag
    bad = ["docs", "issue", row["id"], "--data-dir", data_dir, "--date", "2026-11-20", "--print-date", "2026-11-19",
           "--allow-missing-glyphs"]
    assert main(bad) == 1
    assert "不能早于成文日期" in capsys.readouterr()[1]
    assert main(args + ["--allow-missing-glyphs"]) == 0, capsys.readouterr()[1]
    with Store.open(data_dir) as s:
        doc = S.load_document(s, row["id"])
        assert s.get("documents", row["id"])["status"] == S.ISSUED
        assert doc.date.isoformat() == "2026-11-20" and doc.print_date.isoformat() == "2026-11-23"


@pytest.mark.parametrize("confirm", [False, True])
def test_gui_dates_dialog_then_missing_characters(qtbot, ds, resolver, confirm):
    """The 签发 path of a document with a 版记: IssueDatesDialog → 签发 confirmation → 缺字提示 (仍然签发/取消);
    confirmed, the document is issued with the dates chosen in the dialog."""
    pytest.importorskip("PySide6.QtWidgets")
    from PySide6.QtCore import QDate
    from PySide6.QtWidgets import QMessageBox

    from sifasuo_desktop.ui import documents_ui as U

    from .test_ui import LEADER_ACTOR, check, click, make_window, when_modal

    store, _body, _o, _p = ds
    row = _tongbao_with(store, _rare_missing(resolver))
    w = make_window(qtbot, store, LEADER_ACTOR)
    seen, pending = [], []

    def dates(dlg):
        assert isinstance(dlg, U.IssueDatesDialog)
        seen.append("dates")
        dlg.date.setDate(QDate(2026, 11, 20))
        dlg.print_date.setDate(QDate(2026, 11, 23))
        pending.append(when_modal(answer))
        dlg.buttons.button(dlg.buttons.StandardButton.Ok).click()

    def answer(box):  # the 签发 confirmation, then the missing-character warning
        seen.append(box.text())
        if len(seen) == 2:
            pending.append(when_modal(answer))
            box.button(QMessageBox.Yes).click()
            return
        wanted = "仍然签发" if confirm else "取消"
        [b for b in box.buttons() if b.text() == wanted][0].click()

    st = when_modal(dates)
    click(w, "documents", row["id"], "签发")
    qtbot.waitUntil(lambda: len(seen) >= 3, timeout=5000)
    check(st)
    for p in pending:
        check(p)
    assert seen[0] == "dates" and "签发" in seen[1]
    assert PUA in seen[2] and "空框" in seen[2]
    doc = S.load_document(store, row["id"])
    stored = store.get("documents", row["id"])
    if confirm:
        assert stored["status"] == S.ISSUED and stored["doc_no"]
        assert doc.date.isoformat() == "2026-11-20" and doc.print_date.isoformat() == "2026-11-23"
    else:
        assert stored["status"] == S.DRAFT and not stored["doc_no"] and doc.print_date is None
