"""Issue 12: 案号/文号 have one spelling on every entry path; a 案号 is not added twice in one body."""
import pytest

from sifasuo_desktop.domain.errors import UserError
from sifasuo_desktop.domain.validators import normalize_number


@pytest.mark.parametrize("typed", ["示司监意〔2026〕1号", "示司监意[2026]1号", "示司监意【2026】第001号",
                                   "示司监意（２０２６）０１号", "示司监意［2026］第1号", "示司监意(2026)1号"])
def test_normalize_number_one_spelling(typed):
    assert normalize_number(typed) == "示司监意〔2026〕1号"


def test_normalize_keeps_other_text():
    assert normalize_number(None) is None
    assert normalize_number("  ") == ""
    assert normalize_number("青司所罚字〔2025〕10号") == "青司所罚字〔2025〕10号"


def test_case_no_typed_three_ways_gives_one_case(store):
    body = store.insert("bodies", {"name": "青山镇人民政府"})
    first = store.insert("cases", {"case_no": "青综执罚[2026]第003号", "body_id": body["id"], "case_type": "行政处罚"})
    assert first["case_no"] == "青综执罚〔2026〕3号"
    for typed in ("青综执罚〔2026〕3号", "青综执罚【2026】3号"):
        with pytest.raises(UserError, match="已存在"):
            store.insert("cases", {"case_no": typed, "body_id": body["id"], "case_type": "行政处罚"})
    assert store.count("cases", "deleted = 0") == 1
    # another body may use the same number; an edit normalises too
    other = store.insert("bodies", {"name": "绿水镇人民政府"})
    second = store.insert("cases", {"case_no": "青综执罚〔2026〕3号", "body_id": other["id"], "case_type": "行政处罚"})
    assert store.update("cases", second["id"], {"case_no": "青综执罚【2026】04号"})["case_no"] == "青综执罚〔2026〕4号"


def test_bulk_insert_normalises_doc_no(store):
    with store.workflow():   # a 文号 is written only by a workflow (issue 12); the bulk path still normalises it
        store.bulk_insert("documents", [{"doc_no": "示司监意[２０２６]第002号"}])
    assert [r["doc_no"] for r in store.rows("documents")] == ["示司监意〔2026〕2号"]


def test_import_of_a_case_no_typed_another_way_updates_never_adds(store, tmp_path, capsys):
    """Issue 12: the same 案号 in the same body, typed with [] 【】 第 or leading zeros in a later sheet (or twice in
    one sheet), updates the stored case instead of adding a second one."""
    import json

    import openpyxl

    from sifasuo_desktop.cli import main
    from sifasuo_desktop.store import Store

    data = store.data_dir
    store.close()

    def sheet(name, rows):
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.append(["案号", "案件类型", "当事人", "执法主体", "立案日期"])
        for r in rows:
            ws.append(r)
        wb.save(tmp_path / name)
        code = main(["import-xlsx", str(tmp_path / name), "--data-dir", str(data), "--ledger", "执法案件", "--json"])
        out = capsys.readouterr().out
        assert code == 0, out
        return json.loads(out)

    first = sheet("a.xlsx", [["青综执罚[2026]第003号", "行政处罚(一般程序)", "张三", "青石镇人民政府", "2026-03-01"]])
    assert first["created"] == 1
    again = sheet("b.xlsx", [["青综执罚【2026】3号", "行政处罚(一般程序)", "张三丰", "青石镇人民政府", "2026-03-01"],
                             ["青综执罚（2026）004号", "行政处罚(一般程序)", "李四", "青石镇人民政府", "2026-03-02"]])
    assert (again["created"], again["updated"]) == (1, 1), again
    # the same case twice in one sheet, spelled two ways: the file is refused, nothing written
    code = main(["import-xlsx", str(_twice(tmp_path)), "--data-dir", str(data), "--ledger", "执法案件", "--json"])
    out, err = capsys.readouterr()
    assert code == 1 and "案号只能对应一件案件" in out + err, out + err
    with Store.open(data) as s:
        got = sorted((r["case_no"], r["party"]) for r in s.rows("cases", "deleted = 0"))
    assert got == [("青综执罚〔2026〕3号", "张三丰"), ("青综执罚〔2026〕4号", "李四")]


def _twice(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["案号", "案件类型", "当事人", "执法主体", "立案日期"])
    ws.append(["青综执罚〔2026〕5号", "行政处罚(一般程序)", "王五", "青石镇人民政府", "2026-03-03"])
    ws.append(["青综执罚[2026]05号", "行政处罚(一般程序)", "王五一", "青石镇人民政府", "2026-03-03"])
    wb.save(tmp_path / "twice.xlsx")
    return tmp_path / "twice.xlsx"
