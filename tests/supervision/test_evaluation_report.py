"""The 评估报告 of a 赋权事项评估: `sifasuo evaluation list/report` and the button on the evaluations page (real
main window); the PDF comes from the 公文 engine and says what the evaluation says."""
import json

import pdfplumber
import pytest
from PySide6.QtCore import Qt

from sifasuo_desktop.cli import main
from sifasuo_desktop.domain.permissions import SYSTEM
from sifasuo_desktop.store import Store


@pytest.fixture(scope="module")
def township(tmp_path_factory):
    d = tmp_path_factory.mktemp("ev") / "d"
    assert main(["demo", "--data-dir", str(d), "--cases", "120"]) == 0
    s = Store.open(d)
    s.actor = SYSTEM
    ev = s.rows("power_evaluations", order_by="eval_date")[0]
    s.update("power_evaluations", ev["id"], {"opinion_township": "同意继续承接", "opinion_dept": "加强业务指导",
                                             "opinion_sfs": "建议保留", "conclusion": "建议收回",
                                             "problems": "承接人员不足；零办件", "staff_count": 4,
                                             "certified_count": 3})
    s.close()
    return str(d), ev["id"]


def _text(path) -> str:
    with pdfplumber.open(path) as pdf:
        return "".join((p.extract_text() or "") for p in pdf.pages).replace("\n", "")


def test_report_cli_prints_the_evaluation(township, tmp_path, capsys):
    d, eid = township
    capsys.readouterr()
    assert main(["evaluation", "list", "--json", "--data-dir", d]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert eid in {r["id"] for r in rows} and {"power_code", "power_name", "year", "conclusion"} <= set(rows[0])
    out = tmp_path / "评估报告.pdf"
    assert main(["evaluation", "report", eid, "--out", str(out), "--data-dir", d]) == 0
    assert "已输出" in capsys.readouterr().out
    text = _text(out)
    for s in ("评估报告", "基本情况", "实施情况", "存在问题", "（一）承接人员不足。", "（二）零办件。", "同意继续承接",
              "加强业务指导", "建议保留", "评估结论为：建议收回", "持证率75.0%"):
        assert s in text, s
    assert main(["evaluation", "report", eid, "--out", str(tmp_path / "r.docx"), "--data-dir", d]) == 0
    assert (tmp_path / "r.docx").stat().st_size > 0


def test_report_cli_refuses_unknown_ids_and_bad_outputs(township, tmp_path, capsys):
    d, eid = township
    capsys.readouterr()
    assert main(["evaluation", "report", "no-such", "--out", str(tmp_path / "x.pdf"), "--data-dir", d]) == 1
    assert "找不到赋权事项评估" in capsys.readouterr().err
    assert main(["evaluation", "report", eid, "--out", str(tmp_path / "x.txt"), "--data-dir", d]) == 1
    assert ".pdf" in capsys.readouterr().err
    assert not (tmp_path / "x.pdf").exists() and not (tmp_path / "x.txt").exists()


def test_report_button_on_the_evaluations_page(township, tmp_path, qtbot, monkeypatch):
    from PySide6.QtWidgets import QFileDialog

    from sifasuo_desktop.ui.main_window import MainWindow

    d, eid = township
    s = Store.open(d)
    s.actor = SYSTEM
    w = MainWindow(s, SYSTEM)
    qtbot.addWidget(w)
    w.show()
    try:
        w.show_page("power_evaluations")
        view = w.ledger_view("power_evaluations")
        view.ensure_loaded()
        assert view.select_record(eid)
        out = tmp_path / "gui.pdf"
        monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(out), "PDF (*.pdf)")))
        button = next(b for b in view.record_buttons if b.text().startswith("打印评估报告"))
        assert button.isEnabled()
        qtbot.mouseClick(button, Qt.LeftButton)
        qtbot.waitUntil(out.exists, timeout=10000)
        assert "评估结论为：建议收回" in _text(out)
    finally:
        w.close()
        s.close()
