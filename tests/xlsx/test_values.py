import datetime as dt

import pytest

from sifasuo_desktop.domain.ledgers import CASES, OFFICERS, normalize
from sifasuo_desktop.xlsx.headers import detect, match_header, norm_header
from sifasuo_desktop.xlsx.reader import SheetGrid
from sifasuo_desktop.xlsx.values import Masked, cell_to_input


def stored(ledger, name, raw, factor=1.0):
    f = ledger.field(name)
    return normalize(ledger, {name: cell_to_input(f, raw, factor)}, partial=True).get(name)


@pytest.mark.parametrize("raw", ["2025-03-05", "2025/3/5", "2025.3.5", "2025年3月5日", " 2025 年 3 月 5 日 ",
                                 "２０２５－０３－０５", 45721, 45721.0, "45721", 20250305, "20250305",
                                 dt.datetime(2025, 3, 5, 14, 30), dt.date(2025, 3, 5), "2025-03-05 00:00:00"])
def test_dates(raw):
    assert stored(CASES, "filed_date", raw) == "2025-03-05"


@pytest.mark.parametrize("raw,expected", [("1,000", 1000.0), ("1000元", 1000.0), ("1.5万元", 15000.0),
                                          ("１，２００元", 1200.0), (200, 200.0), ("￥300.5", 300.5), ("/", None)])
def test_amounts(raw, expected):
    assert stored(CASES, "fine_amount", raw) == expected


def test_amount_column_in_wan():
    assert stored(CASES, "fine_amount", 0.25, factor=10000.0) == 2500.0
    assert stored(CASES, "fine_amount", "1.2", factor=10000.0) == 12000.0


@pytest.mark.parametrize("raw,expected", [("是", 1), ("√", 1), ("Y", 1), ("有", 1), ("否", 0), ("×", 0),
                                          ("N", 0), ("无", 0), (None, None)])
def test_flags(raw, expected):
    assert stored(CASES, "is_major", raw) == expected


def test_choices_names_and_personal_data():
    assert stored(CASES, "case_type", "行政处罚（简易程序）") == "行政处罚(简易程序)"
    assert stored(CASES, "penalty_kinds", "警告，罚款") == "警告、罚款"
    assert stored(CASES, "officer_names", "张三 李四;王五") == "张三、李四、王五"
    with pytest.raises(Masked):
        cell_to_input(OFFICERS.field("id_number"), "379***********1234")
    with pytest.raises(ValueError, match="文本"):
        cell_to_input(OFFICERS.field("id_number"), 379901198503011234.0)
    assert stored(OFFICERS, "cert_no", 37990020230001.0) == "37990020230001"


def test_header_normalisation():
    assert norm_header(" 罚款金额\n（元）* ") == "罚款金额(元)"
    assert match_header(CASES, "罚款金额（元）") == "fine_amount"
    assert match_header(CASES, "罚款(元)") == "fine_amount"
    assert match_header(CASES, "案 号") == "case_no"
    assert match_header(OFFICERS, "执法证件号") == "cert_no"
    assert match_header(CASES, "随便写的") is None


def test_two_row_header_without_filled_merges():
    # group title merged over two sub-headers; the other headers are only in the upper row
    rows = [["案号", "案件类型", "处罚情况", None, "承办人"],
            [None, None, "处罚种类", "罚款金额", None],
            ["A-1", "行政许可", "警告", 0, "张三"]]
    grid = SheetGrid("s", rows, merged=[(0, 2, 0, 3)])
    det = detect(grid)
    assert (det.ledger, det.header_start, det.header_end) == ("cases", 0, 1)
    assert [c.field for c in det.columns] == ["case_no", "case_type", "penalty_kinds", "fine_amount", "officer_names"]
    # CSV files have no merged cells: the group title stands in its first column only, and the lower row
    # is still read as the header because it names more fields
    det = detect(SheetGrid("s", rows, merged=[]))
    assert (det.header_start, det.header_end) == (0, 1)
    assert [c.field for c in det.columns] == ["case_no", "case_type", "penalty_kinds", "fine_amount", "officer_names"]
    # ...while a data row under a one-row header with an empty header cell stays data
    data = [["案号", "案件类型", "处罚种类", None, "承办人"],
            ["A-1", "行政许可", "警告", "备用", "张三"]]
    det = detect(SheetGrid("s", data, merged=[]))
    assert (det.header_start, det.header_end) == (0, 0)
