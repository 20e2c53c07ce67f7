import datetime as dt
import json

import pytest

from sifasuo_desktop.domain.errors import UserError
from sifasuo_desktop.domain.validators import make_id_number, make_uscc
from sifasuo_desktop.store.import_apply import apply_plan, load_layouts
from sifasuo_desktop.xlsx.planner import plan_import

from .conftest import ID_LI, ID_ZHANG, make_book

USCC_OK = make_uscc("91379901MA3C00001")
USCC_BAD = USCC_OK[:-1] + ("0" if USCC_OK[-1] != "0" else "1")


def messy_cases(path):
    """Title row, 填报单位 row, two-row merged header, mixed dates, full-width digits, notes and blank rows."""
    rows = [
        ["示范镇2025年行政执法案件台账", None, None, None, None, None, None, None, None, None],
        ["填报单位：示范镇司法所", None, None, None, None, None, None, "填报日期：2025年12月31日", None, None],
        ["序号", "案件编号", "办案单位", "案件类型", "当事人", "统一社会信用代码", "立案时间", "处罚情况", None, "办案人员"],
        [None, None, None, None, None, None, None, "处罚种类", "罚款金额（万元）", None],
        [1, "示综罚〔2025〕1号", "示范镇人民政府", "行政处罚（一般程序）", "鑫盛建材有限公司", USCC_OK,
         dt.datetime(2025, 3, 5), "警告、罚款", 0.2, "张三、李四"],
        [2, "示综罚〔２０２５〕2号", "示范镇综合行政执法队", "行政处罚(一般程序)", "王某", None,
         "2025年3月6日", "罚款", "１.５万元", "张三，王五"],
        [None, None, None, None, None, None, None, None, None, None],
        [3, "示综罚〔2025〕3号", "示范镇人民政府", "行政处罚(简易程序)", "李某", None, 45724, "警告", None, "赵六 李四"],
        [4, "示综罚〔2025〕4号", "示范镇人民政府", "行政许可", "刘某", None, "２０２５.３.８", None, None, "李四(" + ID_LI + ")"],
        ["备注：本表由司法所填报。", None, None, None, None, None, None, None, None, None],
    ]
    merges = ["A1:J1", "A2:G2", "H2:J2", "A3:A4", "B3:B4", "C3:C4", "D3:D4", "E3:E4", "F3:F4", "G3:G4", "H3:I3",
              "J3:J4"]
    return make_book(path, {"2025年案件": (rows, merges)})


def test_messy_cases_exact_summary(store, tmp_path):
    f = messy_cases(tmp_path / "cases.xlsx")
    plan = plan_import(store, f)
    s = plan.summary()
    assert s["errors"] == []
    assert (s["rows_read"], s["created"], s["updated"], s["unchanged"], s["rejected"]) == (4, 4, 0, 0, 0)
    assert s["created_bodies"] == ["示范镇综合行政执法队"]
    sheet = s["sheets"][0]
    assert (sheet["ledger"], sheet["header_row"]) == ("cases", 4)
    warnings = {(w["row"], w["message"]) for w in s["warnings"]}
    assert (6, "“王五”在执法人员台账中不存在，未关联") in warnings
    assert any(r == 8 and "“赵六”有2名同名执法人员" in m for r, m in warnings)
    assert (s["unmatched_officers"], s["ambiguous_officers"]) == (["王五"], ["赵六"])
    assert store.count("cases") == 0  # planning writes nothing
    apply_plan(store, plan)
    cases = {c["case_no"]: c for c in store.rows("cases")}
    assert set(cases) == {"示综罚〔2025〕1号", "示综罚〔2025〕2号", "示综罚〔2025〕3号", "示综罚〔2025〕4号"}
    c1, c2, c3, c4 = (cases[f"示综罚〔2025〕{i}号"] for i in range(1, 5))
    assert (c1["filed_date"], c2["filed_date"], c3["filed_date"], c4["filed_date"]) == (
        "2025-03-05", "2025-03-06", "2025-03-08", "2025-03-08")  # Excel serial 45658 = 2025-01-01, 45724 = 03-08
    assert (c1["fine_amount"], c2["fine_amount"]) == (2000.0, 15000.0)   # column headed 万元
    assert c1["case_type"] == "行政处罚(一般程序)"
    assert c1["penalty_kinds"] == "警告、罚款"
    officers = {o["name"] + (o["id_number"] or ""): o["id"] for o in store.rows("officers")}
    zhang, li = officers["张三" + ID_ZHANG], officers["李四" + ID_LI]
    assert json.loads(c1["officer_ids"]) == [zhang, li]
    assert json.loads(c2["officer_ids"]) == [zhang]
    assert json.loads(c3["officer_ids"]) == [li]
    assert json.loads(c4["officer_ids"]) == [li] and c4["officer_names"] == "李四"
    squad = store.rows("bodies", "name = ?", ("示范镇综合行政执法队",))
    assert len(squad) == 1 and c2["body_id"] == squad[0]["id"]
    # audited like any other write
    n = store.conn.execute("SELECT count(*) FROM audit_log WHERE table_name='cases'").fetchone()[0]
    assert n == 4


def test_duplicate_file_updates_instead_of_duplicating(store, tmp_path):
    f = messy_cases(tmp_path / "cases.xlsx")
    apply_plan(store, plan_import(store, f))
    again = plan_import(store, f).summary()
    assert (again["created"], again["updated"], again["unchanged"], again["rejected"]) == (0, 0, 4, 0)
    assert again["created_bodies"] == []
    # a changed amount updates the record, nothing else
    import openpyxl

    wb = openpyxl.load_workbook(f)
    wb.active["I5"] = 0.3
    wb.save(f)
    plan = plan_import(store, f)
    s = apply_plan(store, plan)
    assert (s["created"], s["updated"], s["unchanged"]) == (0, 1, 3)
    assert store.count("cases") == 4
    c1 = store.rows("cases", "case_no = ?", ("示综罚〔2025〕1号",))[0]
    assert c1["fine_amount"] == 3000.0 and c1["version"] == 2


def test_bad_values_refuse_whole_file(store, tmp_path):
    rows = [
        ["执法人员台账"],
        ["姓名", "身份证号码", "工作单位", "执法证编号", "发证时间", "证件有效期", "法制审核员"],
        ["孙七", make_id_number("37990119800101567"), "示范镇人民政府", "A001", "2024-01-01", "2029-01-01", "√"],
        ["周八", "379901198001015679", "示范镇人民政府", "A002", "2024/13/01", "2029-01-01", "×"],
        ["吴九", make_id_number("37990119800101789"), "示范镇人民政府", "A003", "2024-01-01", "明年", "也许"],
        ["", make_id_number("37990119800101790"), "示范镇人民政府", "A004", None, None, None],
    ]
    bad_check = make_id_number("37990119800101567")[:-1]
    bad_check += "X" if make_id_number("37990119800101567")[-1] != "X" else "0"
    rows[3][1] = bad_check
    f = make_book(tmp_path / "officers.xlsx", {"人员": (rows, [])})
    before = store.count("officers")
    plan = plan_import(store, f)
    s = plan.summary()
    assert (s["rows_read"], s["created"], s["rejected"]) == (4, 1, 3)
    assert s["errors"] == [
        {"sheet": "人员", "row": 4, "column": "B 身份证号码", "message": "身份证号校验位不正确"},
        {"sheet": "人员", "row": 4, "column": "E 发证时间", "message": "日期“2024/13/01”不存在"},
        {"sheet": "人员", "row": 5, "column": "F 证件有效期", "message": "无法识别的日期“明年”（应如 2026-11-23）"},
        {"sheet": "人员", "row": 5, "column": "G 法制审核员", "message": "无法识别的是/否值“也许”"},
        {"sheet": "人员", "row": 6, "column": "A 姓名", "message": "必填"},
    ]
    with pytest.raises(UserError, match="未写入任何数据"):
        apply_plan(store, plan)
    assert store.count("officers") == before


def test_in_file_duplicate_key_is_kept_with_a_warning(store, tmp_path):
    rows = [["问题编号", "发现日期", "来源", "问题描述"],
            ["WT-1", "2025-01-02", "监督检查", "未亮证执法"],
            ["WT-1", "2025-01-03", "监督检查", "文书不规范"]]
    f = make_book(tmp_path / "p.xlsx", {"问题": (rows, [])})
    plan = plan_import(store, f)
    s = plan.summary()
    assert (s["errors"], s["created"]) == ([], 2)
    assert s["warnings"] == [{"sheet": "问题", "row": 3, "column": "",
                              "message": "与第2行的问题编号“WT-1”重复，作为另一条记录导入，请核实"}]
    apply_plan(store, plan)
    # the file again: each row finds its own record
    again = plan_import(store, f).summary()
    assert (again["created"], again["unchanged"], again["errors"]) == (0, 2, [])
    # a changed row that could be either record is refused rather than guessed
    import openpyxl
    wb = openpyxl.load_workbook(f)
    wb.active["D2"] = "新描述"
    wb.active["D3"] = "另一个描述"
    wb.save(f)
    s = plan_import(store, f).summary()
    assert s["errors"][0] == {"sheet": "问题", "row": 2, "column": "",
                              "message": "问题编号“WT-1”对应已有的2条记录，无法确定更新哪一条"}


def test_uscc_check_digit_on_cases_and_inspections(store, tmp_path):
    rows = [["案号", "案件类型", "当事人", "当事人类型", "信用代码"],
            ["A-1", "行政许可", "甲公司", "法人", USCC_BAD],
            ["A-2", "行政许可", "乙公司", "法人", USCC_OK]]
    insp = [["检查日期", "检查对象", "统一社会信用代码", "检查人员"],
            ["2025-05-05", "甲公司", USCC_BAD, "张三"]]
    f = make_book(tmp_path / "x.xlsx", {"案件": (rows, []), "检查": (insp, [])})
    s = plan_import(store, f).summary()
    assert s["errors"] == [
        {"sheet": "案件", "row": 2, "column": "E 信用代码", "message": "统一社会信用代码校验位不正确"},
        {"sheet": "检查", "row": 2, "column": "C 统一社会信用代码", "message": "统一社会信用代码校验位不正确"},
    ]
    assert (s["created"], s["rejected"]) == (1, 2)


def test_missing_required_column_and_unknown_sheet(store, tmp_path):
    f = make_book(tmp_path / "c.xlsx", {"案件": ([["案号", "当事人", "立案日期"], ["A-1", "甲", "2025-1-1"]], [])})
    s = plan_import(store, f, ledger="执法案件").summary()
    assert s["errors"] == [{"sheet": "案件", "row": 1, "column": "", "message": "缺少必填列“案件类型”"}]
    g = make_book(tmp_path / "n.xlsx", {"随便": ([["甲", "乙"], [1, 2]], [])})
    with pytest.raises(UserError, match="没有找到可识别的台账"):
        plan_import(store, g)
    with pytest.raises(UserError, match="未知的台账"):
        plan_import(store, f, ledger="nonsense")


def test_trainings_link_by_id_number_and_officers_same_file(store, tmp_path):
    officers = [["姓名", "身份证号", "所属单位"], ["钱十", make_id_number("37990119800101111"), "示范镇人民政府"]]
    trainings = [["姓名", "身份证号", "培训日期", "培训名称", "学时", "是否合格"],
                 ["赵六", None, "2025-3-1", "行政处罚法", "８", "是"],
                 ["钱十", None, "2025-3-1", "行政处罚法", 8, "Y"]]
    f = make_book(tmp_path / "t.xlsx", {"培训": (trainings, []), "人员": (officers, [])})
    plan = plan_import(store, f)
    assert plan.errors == []
    assert [sp.detection.ledger for sp in plan.sheets] == ["officers", "trainings"]
    apply_plan(store, plan)
    qian = store.rows("officers", "name = '钱十'")[0]
    tr = {t["officer_name"]: t for t in store.rows("trainings")}
    assert tr["钱十"]["officer_id"] == qian["id"] and tr["钱十"]["hours"] == 8.0 and tr["钱十"]["passed"] == 1
    assert tr["赵六"]["officer_id"] is None
    assert any("赵六" in w.message and "同名" in w.message for w in plan.warnings)


def test_manual_mapping_is_remembered_per_layout(store, tmp_path):
    rows = [["案号", "案件类型", "处理人员", "奇怪的列"], ["B-1", "行政许可", "张三", "x"]]
    f = make_book(tmp_path / "m.xlsx", {"案件": (rows, [])})
    plan = plan_import(store, f)
    assert [c.header for c in plan.sheets[0].detection.unknown()] == ["处理人员", "奇怪的列"]
    plan = plan_import(store, f, manual={"案件": {"处理人员": "officer_names", "奇怪的列": None}})
    apply_plan(store, plan)
    assert store.rows("cases")[0]["officer_names"] == "张三"
    assert list(load_layouts(store).values()) == [{"处理人员": "officer_names", "奇怪的列": None}]
    again = plan_import(store, f, remembered=load_layouts(store))
    cols = {c.header: (c.field, c.how) for c in again.sheets[0].detection.columns}
    assert cols["处理人员"] == ("officer_names", "manual") and cols["奇怪的列"] == (None, "skipped")
    assert again.summary()["unchanged"] == 1


def test_not_xlsx_files(store, tmp_path):
    p = tmp_path / "a.xlsx"
    p.write_bytes(b"not a zip")
    with pytest.raises(UserError, match="不是有效的 Excel 文件"):
        plan_import(store, p)
    q = tmp_path / "old.xls"
    q.write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(UserError, match="另存为"):
        plan_import(store, q)
    with pytest.raises(UserError, match="找不到文件"):
        plan_import(store, tmp_path / "missing.xlsx")


def test_later_file_with_more_columns_updates_the_same_records(store, tmp_path):
    a = make_book(tmp_path / "a.xlsx", {"案件": ([["案号", "案件类型"], ["C-1", "行政许可"]], []),
                                        "人员": ([["姓名", "岗位"], ["孙七", "队员"]], [])})
    apply_plan(store, plan_import(store, a))
    idno = make_id_number("37990119800101567")
    b = make_book(tmp_path / "b.xlsx", {"案件": ([["案号", "案件类型", "执法主体"], ["C-1", "行政许可", "示范镇人民政府"]], []),
                                        "人员": ([["姓名", "岗位", "身份证号"], ["孙七", "队员", idno]], [])})
    s = apply_plan(store, plan_import(store, b))
    assert (s["created"], s["updated"]) == (0, 2)
    assert store.rows("officers", "name = '孙七'")[0]["id_number"] == idno
    assert store.rows("cases")[0]["body_id"] == store.rows("bodies", "name = '示范镇人民政府'")[0]["id"]
    # another person with the same name but another ID number is a new officer
    other = make_id_number("37990119810101567")
    c = make_book(tmp_path / "c.xlsx", {"人员": ([["姓名", "岗位", "身份证号"], ["孙七", "队员", other]], [])})
    s = apply_plan(store, plan_import(store, c))
    assert s["created"] == 1 and store.count("officers", "name = '孙七'") == 2


def test_ledger_option_picks_its_sheet(store, tmp_path):
    f = make_book(tmp_path / "w.xlsx", {
        "人员": ([["姓名", "身份证号", "岗位"], ["孙七", make_id_number("37990119800101567"), "队员"]], []),
        "培训": ([["姓名", "培训日期", "培训名称", "学时"], ["张三", "2025-01-05", "执法规范", 4]], [])})
    plan = plan_import(store, f, ledger="trainings")
    assert [sp.name for sp in plan.sheets] == ["培训"] and plan.skipped_sheets == ["人员"]
    assert plan.summary()["created"] == 1 and plan.errors == []
    both = plan_import(store, f)
    assert [sp.detection.ledger for sp in both.sheets] == ["officers", "trainings"]


def test_import_needs_the_import_permission(store, tmp_path, capsys):
    from sifasuo_desktop.domain.errors import PermissionDenied
    from sifasuo_desktop.domain.permissions import SYSTEM, Actor

    f = messy_cases(tmp_path / "cases.xlsx")
    plan = plan_import(store, f)
    store.as_actor(Actor("viewer", "readonly"))
    try:
        with pytest.raises(PermissionDenied, match="无权导入数据"):
            apply_plan(store, plan)
    finally:
        store.as_actor(SYSTEM)
    assert store.count("cases") == 0 and store.count("bodies") == 1
    s = apply_plan(store, plan)
    assert s["applied"] is True and store.count("cases") == 4
    with pytest.raises(UserError, match="已执行过"):
        apply_plan(store, plan)


def test_cli_text_summary(store, tmp_path, capsys):
    from sifasuo_desktop.cli import main

    f = messy_cases(tmp_path / "cases.xlsx")
    data_dir = store.data_dir
    assert main(["import-xlsx", str(f), "--data-dir", str(data_dir), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "工作表“2025年案件”：执法案件，表头在第4行，读取4行" in out
    assert "读取4行：将新增4条，将更新0条，无变化0条，有问题0行" in out
    assert "将新建执法主体：示范镇综合行政执法队" in out
    assert "未找到的执法人员：王五" in out and "（试运行，未写入数据）" in out


def test_old_excel_xls_files(store, tmp_path):
    """Excel 97-2003 sheets (still common in townships): title row, merged header, date cells, numbers."""
    xlwt = pytest.importorskip("xlwt")
    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("执法人员")
    ws.write_merge(0, 0, 0, 4, "示范镇行政执法人员台账")
    for c, h in enumerate(["姓名", "身份证号", "所属单位", "证件信息", None]):
        if h and c != 3:
            ws.write_merge(1, 2, c, c, h)
    ws.write_merge(1, 1, 3, 4, "证件信息")
    ws.write(2, 3, "执法证号")
    ws.write(2, 4, "有效期至")
    date_style = xlwt.easyxf(num_format_str="yyyy-mm-dd")
    ws.write(3, 0, "孙七")
    ws.write(3, 1, make_id_number("37990119800101567"))
    ws.write(3, 2, "示范镇人民政府")
    ws.write(3, 3, 37990020230001)
    ws.write(3, 4, dt.date(2028, 3, 4), date_style)
    f = tmp_path / "old.xls"
    wb.save(str(f))
    plan = plan_import(store, f)
    s = plan.summary()
    assert (s["errors"], s["created"], s["sheets"][0]["header_row"]) == ([], 1, 3)
    apply_plan(store, plan)
    o = store.rows("officers", "name = '孙七'")[0]
    assert (o["cert_no"], o["cert_expiry"], o["id_number"]) == ("37990020230001", "2028-03-04",
                                                                 make_id_number("37990119800101567"))


def test_a_typed_case_state_the_dates_contradict_is_said_then_derived(store, tmp_path):
    """Issue 12: 办理状态 follows the dates; an old sheet's 已结案 without a 结案日期 is stored as 办理中 and the
    plan says so (row and column), while a consistent row passes silently."""
    rows = [["案号", "案件类型", "当事人", "立案日期", "办理状态", "结案日期"],
            ["测罚〔2026〕21号", "行政处罚(一般程序)", "甲", "2026-03-02", "已结案", None],
            ["测罚〔2026〕22号", "行政处罚(一般程序)", "乙", "2026-03-02", "已结案", "2026-04-01"]]
    f = make_book(tmp_path / "c.xlsx", {"案件": (rows, [])})
    plan = plan_import(store, f)
    s = plan.summary()
    assert s["errors"] == [] and s["created"] == 2
    assert [(w["row"], w["column"]) for w in s["warnings"]] == [(2, "E 办理状态")]
    assert "按日期记为“办理中”" in s["warnings"][0]["message"]
    apply_plan(store, plan)
    got = {r["case_no"]: r["status"] for r in store.rows("cases")}
    assert got == {"测罚〔2026〕21号": "办理中", "测罚〔2026〕22号": "已结案"}
