import pytest

from sifasuo_desktop.domain import validators as v
from sifasuo_desktop.domain.errors import ValidationError
from sifasuo_desktop.domain.ledgers import LEDGERS, normalize


@pytest.mark.parametrize("value,ok", [
    ("11010519491231002X", True),      # the GB 11643 example number
    ("11010519491231002x", True),
    ("110105194912310021", False),     # wrong check digit
    ("11010519491331002X", False),     # month 13
    ("1101051949123100", False),
    ("１１０１０５１９４９１２３１００２Ｘ", True),  # full-width digits
])
def test_id_number(value, ok):
    assert (v.validate_id_number(value) is None) == ok


def test_id_check_reason():
    assert v.validate_id_number("110105194912310021") == "身份证号校验位不正确"


@pytest.mark.parametrize("value,ok", [
    ("91350100M000100Y43", True),
    ("91350100M000100Y44", False),
    ("91350100M000100YI3", False),  # I is not in the alphabet
    ("9135010", False),
])
def test_uscc(value, ok):
    assert (v.validate_uscc(value) is None) == ok


def test_make_uscc_round_trip():
    code = v.make_uscc("91379901ABCDEFGH1")
    assert v.validate_uscc(code) is None


@pytest.mark.parametrize("text,iso", [
    ("2025-03-05", "2025-03-05"), ("2025/3/5", "2025-03-05"), ("2025.3.5", "2025-03-05"),
    ("2025年3月5日", "2025-03-05"), (" 2025 年 3 月 5 日 ", "2025-03-05"), ("２０２５－０３－０５", "2025-03-05"),
    ("20250305", "2025-03-05"), ("", None), (None, None),
])
def test_parse_date(text, iso):
    assert v.parse_date(text) == iso


@pytest.mark.parametrize("text", ["2025-02-30", "明天", "2025-13-01"])
def test_parse_date_refuses(text):
    with pytest.raises(ValueError):
        v.parse_date(text)


@pytest.mark.parametrize("text,amount", [("1,000", 1000.0), ("1000元", 1000.0), ("1.5万元", 15000.0),
                                         ("１２００", 1200.0), ("￥300.5", 300.5), (250, 250.0)])
def test_parse_amount(text, amount):
    assert v.parse_amount(text) == amount


@pytest.mark.parametrize("text,b", [("是", True), ("√", True), ("Y", True), ("有", True), ("否", False),
                                    ("×", False), ("n", False), ("无", False), ("", None)])
def test_parse_bool(text, b):
    assert v.parse_bool(text) is b


def test_split_names():
    assert v.split_names("张三、李四，王五 赵六;钱七") == ["张三", "李四", "王五", "赵六", "钱七"]


def test_masking():
    assert v.mask_id_number("11010519491231002X") == "110***********002X"
    assert v.mask_phone("13800138000") == "138****8000"


def test_normalize_reports_every_bad_field_in_chinese():
    with pytest.raises(ValidationError) as exc:
        normalize(LEDGERS["officers"], {"name": "", "id_number": "110105194912310021", "cert_expiry": "明年"})
    errors = exc.value.errors
    assert errors["姓名"] == "必填"
    assert errors["身份证号"] == "身份证号校验位不正确"
    assert "无法识别的日期" in errors["有效期至"]


def test_normalize_converts_values():
    out = normalize(LEDGERS["cases"], {"case_no": " 示罚〔2026〕1号 ", "case_type": "行政处罚(一般程序)",
                                       "fine_amount": "1.2万元", "is_major": "√", "filed_date": "2026年1月2日",
                                       "officer_names": "张三，李四", "penalty_kinds": "罚款、警告"})
    assert out == {"case_no": "示罚〔2026〕1号", "case_type": "行政处罚(一般程序)", "fine_amount": 12000.0,
                   "is_major": 1, "filed_date": "2026-01-02", "officer_names": "张三、李四",
                   "penalty_kinds": "罚款、警告"}


def test_choice_refused():
    with pytest.raises(ValidationError) as exc:
        normalize(LEDGERS["cases"], {"case_no": "1", "case_type": "罚没"})
    assert "不是可选值" in exc.value.errors["案件类型"]
