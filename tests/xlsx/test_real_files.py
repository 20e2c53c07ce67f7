"""Files as offices and platforms hand them over (issue 20): CSV in GBK / UTF-8 with BOM, padded names,
two-row headers without merged cells, officers named by 执法证号. Each import has an exact summary, and a
second import of the same file changes nothing."""
import json
import re
import subprocess
import sys

import pytest

from sifasuo_desktop.domain.errors import UserError
from sifasuo_desktop.domain.validators import normalize_person_name, split_person_names
from sifasuo_desktop.store.import_apply import apply_plan
from sifasuo_desktop.xlsx.csv_reader import decode_bytes, sniff_delimiter
from sifasuo_desktop.xlsx.planner import plan_import

from .conftest import ID_LI, ID_ZHANG, make_book

COUNTS = ("rows_read", "created", "updated", "unchanged", "rejected")


def counts(summary):
    return {k: summary[k] for k in COUNTS}


def import_twice(store, path, ledger=None):
    first = apply_plan(store, plan_import(store, path, ledger=ledger))
    again = plan_import(store, path, ledger=ledger)
    assert again.ok, again.errors
    second = apply_plan(store, again)
    return first, second


def book(path, sheets):
    make_book(path, sheets)
    return path


def write_csv(path, lines, encoding, delimiter=","):
    text = "\r\n".join(delimiter.join(cells) for cells in lines) + "\r\n"
    data = text.encode("utf-8-sig" if encoding == "utf-8-sig" else encoding)
    path.write_bytes(data)
    return path


CASE_ROWS = [
    ["案号", "案件类型", "当事人", "立案日期", "决定日期", "处罚种类", "罚款金额", "承办人", "执法主体"],
    ["示罚〔2026〕11号", "行政处罚(一般程序)", "某某商贸有限公司", "2026/3/2", "2026年3月20日", "罚款", "2000", "张三、李四", "示范镇人民政府"],
    ["示罚〔2026〕12号", "行政处罚(简易程序)", "王某", "2026-04-01", "2026-04-01", "警告", "", "张三 李四", "示范镇人民政府"],
]


def test_gbk_csv_imports_with_exact_summary_and_reimport_changes_nothing(store, tmp_path):
    p = write_csv(tmp_path / "平台导出.csv", CASE_ROWS, "gbk")
    assert p.read_bytes().decode("gbk")       # really GBK, not UTF-8
    with pytest.raises(UnicodeDecodeError):
        p.read_bytes().decode("utf-8")
    first, second = import_twice(store, p)
    assert counts(first) == {"rows_read": 2, "created": 2, "updated": 0, "unchanged": 0, "rejected": 0}
    assert counts(second) == {"rows_read": 2, "created": 0, "updated": 0, "unchanged": 2, "rejected": 0}
    cases = {r["case_no"]: r for r in store.rows("cases")}
    assert cases["示罚〔2026〕11号"]["party"] == "某某商贸有限公司"
    assert cases["示罚〔2026〕11号"]["decision_date"] == "2026-03-20"
    assert cases["示罚〔2026〕11号"]["fine_amount"] == 2000
    assert len(json.loads(cases["示罚〔2026〕12号"]["officer_ids"])) == 2
    assert first["officer_matches"] == {"by_name": 4, "by_cert_no": 0, "by_id_number": 0}


@pytest.mark.parametrize("delimiter", [";", "\t"])
def test_utf8_bom_csv_with_semicolons_or_tabs(store, tmp_path, delimiter):
    p = write_csv(tmp_path / "cases.csv", CASE_ROWS, "utf-8-sig", delimiter)
    assert p.read_bytes().startswith(b"\xef\xbb\xbf")
    first, second = import_twice(store, p, ledger="执法案件")
    assert counts(first) == {"rows_read": 2, "created": 2, "updated": 0, "unchanged": 0, "rejected": 0}
    assert counts(second)["unchanged"] == 2 and counts(second)["created"] == 0
    # the BOM does not stick to the first header: 案号 was recognised
    assert {r["case_no"] for r in store.rows("cases")} == {"示罚〔2026〕11号", "示罚〔2026〕12号"}


def test_csv_row_errors_are_reported_in_chinese_and_nothing_is_written(store, tmp_path):
    rows = [CASE_ROWS[0], CASE_ROWS[1][:3] + ["2026-13-45"] + CASE_ROWS[1][4:]]
    p = write_csv(tmp_path / "bad.csv", rows, "gb18030")
    plan = plan_import(store, p)
    assert not plan.ok
    assert plan.errors[0].row == 2 and "立案日期" in plan.errors[0].column + plan.errors[0].message
    with pytest.raises(UserError):
        apply_plan(store, plan)
    assert store.rows("cases") == []


def test_encoding_and_delimiter_detection():
    gbk = "姓名,岗位\n王五,队员\n".encode("gbk")
    assert decode_bytes(gbk) == ("姓名,岗位\n王五,队员\n", "GB18030/GBK")
    assert decode_bytes("姓名".encode("utf-8-sig"))[1] == "UTF-8（带BOM）"
    assert decode_bytes("姓名".encode("utf-8"))[1] == "UTF-8"
    assert sniff_delimiter("a;b;c\n1;2;3\n") == ";"
    assert sniff_delimiter("a\tb\tc\n1\t2\t3\n") == "\t"
    assert sniff_delimiter("姓名,岗位\n\"王五,老王\",队员\n") == ","


@pytest.mark.parametrize("raw, names", [
    ("王  五", ["王五"]), ("钱\u3000多多", ["钱多多"]), ("王  五、李四", ["王五", "李四"]),
    ("王 五 李四", ["王五", "李四"]), ("张三 李四;王五", ["张三", "李四", "王五"]),
    ("阿依古丽 · 买买提", ["阿依古丽·买买提"]), ("阿依古丽•买买提，钱  多多", ["阿依古丽·买买提", "钱多多"]),
])
def test_padded_names_keep_the_middle_dot(raw, names):
    assert split_person_names(raw) == names
    if len(names) == 1:
        assert normalize_person_name(raw) == names[0]


def test_roster_with_padded_names_matches_and_reimports_unchanged(store, tmp_path):
    rows = [["执法人员名册"], ["序号", "姓  名", "身份证号", "所属单位", "执法证号", "证件状态"],
            [1, "王  五", "", "示范镇人民政府", "14020001", "有效"],
            [2, "钱\u3000多多", "", "示范镇人民政府", "14020002", "有效"],
            [3, "阿依古丽 · 买买提", "", "示范镇人民政府", "14020003", "有效"]]
    p = book(tmp_path / "名册.xlsx", {"名册": (rows, ["A1:F1"])})
    first, second = import_twice(store, p)
    assert counts(first) == {"rows_read": 3, "created": 3, "updated": 0, "unchanged": 0, "rejected": 0}
    assert counts(second) == {"rows_read": 3, "created": 0, "updated": 0, "unchanged": 3, "rejected": 0}
    names = {r["name"] for r in store.rows("officers")}
    assert {"王五", "钱多多", "阿依古丽·买买提"} <= names
    # a case sheet naming them with the padding links them by name
    cases = [["案号", "案件类型", "承办人"], ["示罚〔2026〕21号", "行政处罚(一般程序)", "王  五、钱  多多"]]
    q = book(tmp_path / "案件.xlsx", {"案件": (cases, [])})
    s = apply_plan(store, plan_import(store, q))
    assert s["unmatched_officers"] == [] and s["officer_matches"]["by_name"] == 2
    case = store.rows("cases")[0]
    assert case["officer_names"] == "王五、钱多多" and len(json.loads(case["officer_ids"])) == 2


def test_padded_name_stored_earlier_is_found_not_duplicated(store, tmp_path):
    # a record stored by an older version with the padding kept
    gov = store.rows("bodies")[0]["id"]
    store.conn.execute("UPDATE officers SET name = '张  三' WHERE name = '张三'")
    rows = [["姓名", "身份证号", "所属单位", "岗位"], ["张三", ID_ZHANG, "示范镇人民政府", "队长"]]
    p = book(tmp_path / "r.xlsx", {"人员": (rows, [])})
    s = apply_plan(store, plan_import(store, p))
    assert (s["created"], s["updated"]) == (0, 1)
    assert gov


def test_two_row_header_group_disambiguates_equal_names(store, tmp_path):
    # a platform export without merged cells: the group title stands over its first column only
    rows = [["案号", "案件类型", "立案", None, "处罚决定", None, None, "承办人"],
            [None, None, "日期", "编号", "日期", "种类", "金额", None],
            ["示罚〔2026〕31号", "一般程序" and "行政处罚(一般程序)", "2026-05-06", "L-1", "2026-05-20", "罚款", "500", "张三、李四"]]
    p = write_csv(tmp_path / "two-row.csv", [[c or "" for c in r] for r in rows], "gbk")
    plan = plan_import(store, p)
    det = plan.sheets[0].detection
    assert (det.header_start, det.header_end) == (0, 1)
    fields = {c.header: c.field for c in det.columns}
    assert fields["立案/日期"] == "filed_date" and fields["处罚决定/日期"] == "decision_date"
    assert fields["处罚决定/种类"] == "penalty_kinds" and fields["处罚决定/金额"] == "fine_amount"
    first, second = import_twice(store, p)
    assert counts(first) == {"rows_read": 1, "created": 1, "updated": 0, "unchanged": 0, "rejected": 0}
    assert counts(second)["unchanged"] == 1
    case = store.rows("cases")[0]
    assert (case["filed_date"], case["decision_date"], case["fine_amount"]) == ("2026-05-06", "2026-05-20", 500)


def test_two_row_header_with_merged_group_cells(store, tmp_path):
    rows = [["姓名", "所属单位", "证件信息", None],
            [None, None, "证号", "有效期至"],
            ["张三", "示范镇人民政府", "14020009", "2028-12-31"]]
    p = book(tmp_path / "g.xlsx", {"人员": (rows, ["C1:D1", "A1:A2", "B1:B2"])})
    first, second = import_twice(store, p)
    assert counts(first) == {"rows_read": 1, "created": 0, "updated": 1, "unchanged": 0, "rejected": 0}
    assert counts(second)["unchanged"] == 1
    z = [r for r in store.rows("officers") if r["name"] == "张三"][0]
    assert (z["cert_no"], z["cert_expiry"]) == ("14020009", "2028-12-31")


def test_officers_named_by_certificate_number(store, tmp_path):
    gov = store.rows("bodies")[0]["id"]
    for o in store.rows("officers"):
        store.update("officers", o["id"], {"cert_no": {"张三": "14020101", "李四": "14020102"}.get(o["name"], None)},
                     o["version"])
    rows = [["案号", "案件类型", "执法人员", "执法主体"],
            ["示罚〔2026〕41号", "行政处罚(一般程序)", "14020101、14020102", "示范镇人民政府"],
            ["示罚〔2026〕42号", "行政处罚(一般程序)", "张三（14020101）、李四", "示范镇人民政府"],
            ["示罚〔2026〕43号", "行政处罚(一般程序)", "14029999", "示范镇人民政府"]]
    p = book(tmp_path / "platform.xlsx", {"案件": (rows, [])})
    plan = plan_import(store, p)
    s = plan.summary()
    assert counts(s) == {"rows_read": 3, "created": 3, "updated": 0, "unchanged": 0, "rejected": 0}
    assert s["officer_matches"] == {"by_name": 1, "by_cert_no": 3, "by_id_number": 0}
    assert s["unmatched_officers"] == ["14029999"]
    assert any("执法证号“14029999”" in w["message"] for w in s["warnings"])
    apply_plan(store, plan)
    cases = {r["case_no"]: r for r in store.rows("cases")}
    assert cases["示罚〔2026〕41号"]["officer_names"] == "张三、李四"
    assert len(json.loads(cases["示罚〔2026〕41号"]["officer_ids"])) == 2
    assert len(json.loads(cases["示罚〔2026〕42号"]["officer_ids"])) == 2
    again = apply_plan(store, plan_import(store, p))
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 3)
    assert gov and ID_LI


@pytest.mark.parametrize("content, name", [
    (b"PK\x03\x04 broken zip", "a.xlsx"),
    (b"\xd0\xcf\x11\xe0garbage", "b.xls"),
    (b"\x00\x01\x02binary\x00", "c.csv"),
    (b'"unclosed,quote\n1,2\n' + b"x" * 10, "d.csv"),
])
def test_error_texts_are_chinese_only(store, tmp_path, content, name):
    p = tmp_path / name
    p.write_bytes(content)
    with pytest.raises(UserError) as err:
        plan_import(store, p)
    message = err.value.message
    # no English library text (file names and extensions aside)
    allowed = (p.name, "Excel", "WPS", "--ledger", ".xlsx", ".xls", "CSV", "97-2003")
    for word in allowed:
        message = message.replace(word, "")
    assert not re.search(r"[A-Za-z]{3,}", message), err.value.message


def test_cli_imports_a_gbk_csv(tmp_path):
    import os
    d = tmp_path / "d"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", SIFASUO_USER="admin", SIFASUO_PASSWORD="demo1234")

    def run(*a):
        return subprocess.run([sys.executable, "-m", "sifasuo_desktop", *a], capture_output=True, text=True,
                              env=env, timeout=180, stdin=subprocess.DEVNULL)

    assert run("demo", "--data-dir", str(d), "--cases", "5").returncode == 0
    p = write_csv(tmp_path / "导出.csv", [["案号", "案件类型", "当事人"],
                                         ["示罚〔2026〕951号", "行政处罚(一般程序)", "某某公司"],
                                         ["示罚〔2026〕952号", "行政处罚(简易程序)", "某某店"]], "gbk")
    r = run("import-xlsx", str(p), "--data-dir", str(d), "--json")
    assert r.returncode == 0, r.stderr
    assert counts(json.loads(r.stdout)) == {"rows_read": 2, "created": 2, "updated": 0, "unchanged": 0, "rejected": 0}
    r = run("import-xlsx", str(p), "--data-dir", str(d), "--json")
    assert counts(json.loads(r.stdout)) == {"rows_read": 2, "created": 0, "updated": 0, "unchanged": 2, "rejected": 0}
