"""扫码入企 platform exports (issue 13): the online systems' own headers (扫码时间, 检查码, 检查人员执法证号, 企业名称,
检查单位…) are mapped by synonyms; officers are linked by 执法证号 first and by name when the number is unknown;
a number that names someone else is said; a date-time 扫码时间 keeps its time; the platform's extra columns are
warnings, not errors. The workbook is generated here the way those systems write it (a title row, 序号, Excel
date-time cells)."""
import datetime as dt
import json
import sqlite3
from pathlib import Path

import openpyxl

from sifasuo_desktop.cli import main
from sifasuo_desktop.domain.validators import make_id_number, make_uscc

BODY = "示范镇人民政府"
USCC = make_uscc("91379901MA0000001")


def _officers(path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["姓名", "身份证号", "所属单位", "执法证号", "证件状态", "有效期至"])
    for i, (name, cert) in enumerate((("张三", "37990020230001"), ("李四", "37990020230002"),
                                      ("王五", "37990020230003"), ("王五", "37990020230004"))):
        ws.append([name, make_id_number(f"37990119850301{i}12"), BODY, cert, "有效", "2030-01-01"])
    wb.save(path)
    return str(path)


def _platform(path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "扫码入企记录"
    ws.append(["示范县“扫码入企”检查记录导出（2025-08-01 至 2025-08-31）"])
    ws.append(["序号", "检查码", "扫码时间", "检查单位", "企业名称", "企业信用代码", "检查类别", "检查事项名称", "检查来源",
               "检查人员", "检查人员执法证号", "企业评价", "企业地址"])
    ws.append([1, "JCM2025080100001", dt.datetime(2025, 8, 1, 9, 30, 12), BODY, "示范县鑫盛商贸有限公司", USCC, "日常检查",
               "食品经营监督检查", "计划内", "张三、李四", "37990020230001、37990020230002", "满意", "示范镇人民路1号"])
    # 李四's name is misspelt in the platform (李 四 with a padding space is fine; 李斯 is another person) —
    # the 执法证号 wins and the difference is said
    ws.append([2, "JCM2025080500002", "2025-08-05 14:05:00", BODY, "示范县鑫盛商贸有限公司", USCC, "日常检查",
               "食品经营监督检查", "投诉", "张三、李斯", "37990020230001、37990020230002", "基本满意", ""])
    # two 王五: the numbers tell them apart; an unknown number falls back to the name
    ws.append([3, "JCM2025080900003", "2025/8/9 8:00", BODY, "示范县鑫盛商贸有限公司", USCC, "专项检查",
               "食品经营监督检查", "上级交办", "王五、张三", "37990020230004、99990000000000", "不满意", ""])
    wb.save(path)
    return str(path)


def _rows(d):
    con = sqlite3.connect(Path(d) / "sifasuo.sqlite3")
    con.row_factory = sqlite3.Row
    try:
        officers = {r["id"]: (r["name"], r["cert_no"]) for r in con.execute("SELECT id, name, cert_no FROM officers")}
        insp = [dict(r) for r in con.execute("SELECT * FROM inspections WHERE deleted = 0 ORDER BY report_no")]
    finally:
        con.close()
    return officers, insp


def test_platform_export_maps_and_links_officers_by_cert_no(tmp_path, capsys):
    d = str(tmp_path / "d")
    assert main(["init", "--data-dir", d, "--role", "township", "--org-name", "示范镇司法所", "--org-code", "379901101000",
                 "--parent-code", "379901"]) == 0
    assert main(["import-xlsx", _officers(tmp_path / "o.xlsx"), "--data-dir", d]) == 0
    capsys.readouterr()
    assert main(["import-xlsx", _platform(tmp_path / "p.xlsx"), "--data-dir", d]) == 0
    out = capsys.readouterr().out
    assert "：行政检查，表头在第2行，读取3行" in out
    assert "按执法证号5人次" in out and "按姓名1人次" in out, out
    assert "执法证号“37990020230002”登记的是“李四”，与“李斯”不一致，已按执法证号关联" in out
    assert "企业地址" in out and "无法识别的列" in out          # an extra platform column: a warning only
    officers, insp = _rows(d)
    assert [r["report_no"] for r in insp] == ["JCM2025080100001", "JCM2025080500002", "JCM2025080900003"]
    first, second, third = insp
    assert first["report_time"] == "2025-08-01 09:30" and first["inspect_date"] is not None
    assert second["report_time"] == "2025-08-05 14:05" and third["report_time"] == "2025-08-09 08:00"
    assert (first["task_source"], second["task_source"], third["task_source"]) == ("年度计划", "投诉举报", "上级交办")
    assert (first["rating"], third["rating"]) == ("满意", "不满意")
    names = lambda r: [officers[i] for i in json.loads(r["officer_ids"])]  # noqa: E731
    assert names(first) == [("张三", "37990020230001"), ("李四", "37990020230002")]
    assert names(second) == [("张三", "37990020230001"), ("李四", "37990020230002")]
    assert second["officer_names"] == "张三、李四"
    assert names(third) == [("王五", "37990020230004"), ("张三", "37990020230001")]
    # importing the same export again changes nothing (matched by 检查码)
    assert main(["import-xlsx", _platform(tmp_path / "p2.xlsx"), "--data-dir", d]) == 0
    assert "已新增0条，已更新0条，无变化3条" in capsys.readouterr().out


def test_platform_export_without_inspection_date_uses_the_scan_time(tmp_path, capsys):
    d = str(tmp_path / "d")
    assert main(["init", "--data-dir", d, "--role", "township", "--org-name", "示范镇司法所", "--org-code", "379901101000",
                 "--parent-code", "379901"]) == 0
    capsys.readouterr()
    assert main(["import-xlsx", _platform(tmp_path / "p.xlsx"), "--data-dir", d]) == 0
    _, insp = _rows(d)
    assert [r["inspect_date"] for r in insp] == ["2025-08-01", "2025-08-05", "2025-08-09"]
