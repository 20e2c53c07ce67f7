"""Check digits and value normalisers shared by forms, import and sync.

- 公民身份号码 (GB 11643-1999): 17 digits + ISO 7064 MOD 11-2 check character (0-9 or X).
- 统一社会信用代码 (GB 32100-2015): 18 characters from a 31-symbol alphabet, MOD 31 check character.
"""
from __future__ import annotations

import datetime as _dt
import re

from .limits import check_date, check_number

_ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
_ID_CHECK = "10X98765432"

_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]

_FULLWIDTH = {ord(c): ord(c) - 0xFEE0 for c in "０１２３４５６７８９ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ"}
_FULLWIDTH.update({0x3000: 0x20, ord("－"): ord("-"), ord("．"): ord("."), ord("／"): ord("/")})


def to_halfwidth(text: str) -> str:
    """Turn full-width digits/letters/space into their ASCII forms (２０２５ -> 2025)."""
    return text.translate(_FULLWIDTH)


def id_check_char(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS))
    return _ID_CHECK[total % 11]


def validate_id_number(value: str) -> str | None:
    """Return None when `value` is a valid 18-character 身份证号, else a Chinese reason."""
    v = to_halfwidth(value or "").strip().upper()
    if len(v) != 18:
        return "身份证号应为18位"
    if not v[:17].isdigit() or not (v[17].isdigit() or v[17] == "X"):
        return "身份证号前17位应为数字，末位为数字或X"
    try:
        _dt.date(int(v[6:10]), int(v[10:12]), int(v[12:14]))
    except ValueError:
        return "身份证号中的出生日期无效"
    if id_check_char(v[:17]) != v[17]:
        return "身份证号校验位不正确"
    return None


def make_id_number(first17: str) -> str:
    return first17 + id_check_char(first17)


def uscc_check_char(first17: str) -> str:
    total = sum(_USCC_ALPHABET.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS))
    return _USCC_ALPHABET[(31 - total % 31) % 31]


def validate_uscc(value: str) -> str | None:
    """Return None when `value` is a valid 统一社会信用代码, else a Chinese reason."""
    v = to_halfwidth(value or "").strip().upper()
    if len(v) != 18:
        return "统一社会信用代码应为18位"
    bad = [c for c in v if c not in _USCC_ALPHABET]
    if bad:
        return f"统一社会信用代码含非法字符“{bad[0]}”"
    if uscc_check_char(v[:17]) != v[17]:
        return "统一社会信用代码校验位不正确"
    return None


def make_uscc(first17: str) -> str:
    return first17 + uscc_check_char(first17)


def mask_id_number(value: str | None) -> str:
    """110***********1234 style masking used in lists, exports and reports."""
    if not value:
        return ""
    v = str(value)
    if len(v) <= 7:
        return "*" * len(v)
    return v[:3] + "*" * (len(v) - 7) + v[-4:]


def mask_phone(value: str | None) -> str:
    if not value:
        return ""
    v = str(value)
    if len(v) < 7:
        return "*" * len(v)
    return v[:3] + "*" * (len(v) - 7) + v[-4:]


_DATE_PATTERNS = [
    re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
]


def parse_date(value) -> str | None:
    """Parse a date from the forms seen in real ledgers; return ISO 'YYYY-MM-DD' or None if empty.

    Raises ValueError with a Chinese message when the text is not a date.
    """
    if value is None:
        return None
    if isinstance(value, _dt.datetime):
        value = value.date()
    if isinstance(value, _dt.date):
        check_date(value)
        return value.isoformat()
    text = to_halfwidth(str(value)).strip()
    if not text:
        return None
    for pat in _DATE_PATTERNS:
        m = pat.match(text)
        if m:
            y, mo, d = (int(x) for x in m.groups())
            try:
                day = _dt.date(y, mo, d)
            except ValueError:
                raise ValueError(f"日期“{value}”不存在") from None
            check_date(day)
            return day.isoformat()
    raise ValueError(f"无法识别的日期“{str(value)[:40]}”（应如 2026-11-23）")


_TIME_PART = re.compile(r"^(.+?)(?:\s+|T|(?<=日))(\d{1,2})\s*[:：时]\s*(\d{1,2})(?:\s*[:：分]\s*(\d{1,2})(?:\.\d+)?\s*秒?)?\s*分?$")


def parse_datetime(value) -> str | None:
    """A date or a date-time (扫码时间 "2025-08-01 09:30:15", "2025年8月1日 9:30") -> 'YYYY-MM-DD' or
    'YYYY-MM-DD HH:MM' (seconds dropped); None if empty. Raises ValueError (Chinese) when it is neither."""
    if value is None:
        return None
    if isinstance(value, _dt.datetime):
        check_date(value.date())
        if value.hour == value.minute == value.second == 0:
            return value.date().isoformat()
        return f"{value.date().isoformat()} {value.hour:02d}:{value.minute:02d}"
    if isinstance(value, _dt.date):
        return parse_date(value)
    text = to_halfwidth(str(value)).strip()
    if not text:
        return None
    m = _TIME_PART.match(text)
    if m:
        day = parse_date(m.group(1))
        hh, mm = int(m.group(2)), int(m.group(3))
        ss = int(m.group(4)) if m.group(4) else 0
        if not (0 <= hh <= 23 and 0 <= mm <= 59 and 0 <= ss <= 59):
            raise ValueError(f"时间“{str(value)[:40]}”不存在")
        return day if hh == mm == ss == 0 else f"{day} {hh:02d}:{mm:02d}"
    try:
        return parse_date(text)
    except ValueError:
        raise ValueError(f"无法识别的日期或时间“{str(value)[:40]}”（应如 2025-08-01 或 2025-08-01 09:30）") from None


def format_cn_date(iso: str | None) -> str:
    """'2026-11-23' -> '2026年11月23日' (the form used in documents)."""
    if not iso:
        return ""
    d = _dt.date.fromisoformat(iso)
    return f"{d.year}年{d.month}月{d.day}日"


_YES = {"是", "√", "✓", "y", "yes", "有", "1", "true", "对"}
_NO = {"否", "×", "✗", "x", "n", "no", "无", "0", "false", "不是"}


def parse_bool(value) -> bool | None:
    """Yes/no as 是/否, √/×, Y/N, 有/无; None for empty. Raises ValueError otherwise."""
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return bool(value)
    text = to_halfwidth(str(value)).strip().lower()
    if not text:
        return None
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise ValueError(f"无法识别的是/否值“{value}”")


def parse_amount(value) -> float | None:
    """Amounts in 元: accepts '1,000', '1000元', '1.5万元', full-width digits. Returns yuan."""
    if value is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        check_number(value)
        return round(float(value), 2)
    text = to_halfwidth(str(value)).strip().replace(",", "").replace("，", "").replace(" ", "")
    if not text:
        return None
    factor = 1.0
    if text.endswith("万元"):
        factor, text = 10000.0, text[:-2]
    elif text.endswith("万"):
        factor, text = 10000.0, text[:-1]
    elif text.endswith("元"):
        text = text[:-1]
    text = text.lstrip("¥￥")
    try:
        amount = float(text) * factor
    except ValueError:
        raise ValueError(f"无法识别的金额“{str(value)[:40]}”") from None
    check_number(amount)
    return round(amount, 2)


_NAME_SPLIT = re.compile(r"[、，,;；/\s]+")


def split_names(value) -> list[str]:
    """Several names in one cell separated by 、 ， , ; or spaces."""
    if not value:
        return []
    return [n for n in _NAME_SPLIT.split(str(value).strip()) if n]


# ---------------------------------------------------------------------- person names
# Rosters pad two-character names for alignment ("王  五", "钱　多多") with ASCII or full-width spaces;
# minority names keep their middle dot, written in many look-alike forms ("阿依古丽·买买提").
_MIDDLE_DOTS = re.compile(r"\s*[·•・‧∙⋅﹒．]\s*")
_CJK = re.compile(r"^[\u3400-\u9fff\U00020000-\U0002ffff]$")
_EXPLICIT_NAME_SEP = re.compile(r"[、，,;；/]+")


def normalize_person_name(value) -> str:
    """A person's name as stored and matched: no whitespace inside, one form of the middle dot (U+00B7).

    Latin names keep a single space between words ("John Smith"); only CJK names lose their padding.
    """
    if value is None:
        return ""
    text = _MIDDLE_DOTS.sub("·", str(value).replace("\u3000", " ").strip())
    if re.search(r"[A-Za-z]", text):
        return re.sub(r"\s+", " ", text)
    return re.sub(r"\s+", "", text)


def split_person_names(value) -> list[str]:
    """Several person names in one cell, each normalised with normalize_person_name.

    Names are separated by 、，,;；/ or spaces, but a lone character is a padded surname and is joined with
    what follows it: "王  五、李四" and "王 五 李四" are both 王五 and 李四.
    """
    if value is None:
        return []
    text = _MIDDLE_DOTS.sub("·", str(value).replace("\u3000", " ").strip())
    parts: list[str] = []
    for chunk in _EXPLICIT_NAME_SEP.split(text):
        pending = ""
        for tok in chunk.split():
            if pending:
                parts.append(pending + tok)
                pending = ""
            elif _CJK.match(tok):
                pending = tok
            else:
                parts.append(tok)
        if pending:
            parts.append(pending)
    return [n for n in (normalize_person_name(p) for p in parts) if n]


_YEAR_BRACKETS = re.compile(r"[\[［【(（〔]\s*(\d{4})\s*[\]］】)）〕]")
_SEQ_NO = re.compile(r"〕\s*第?\s*0*(\d+)\s*号")


def normalize_number(value):
    """One spelling for a 案号 / 文号 on every entry path (form, CLI, import, sync).

    Full-width digits become half-width, the year's brackets ([] ［］ 【】 () （）) become 〔〕, and the
    sequence loses its 第 and leading zeros: 示司监意[２０２６]第001号 -> 示司监意〔2026〕1号.
    Values that are not text (None) are returned unchanged.
    """
    if not isinstance(value, str):
        return value
    text = to_halfwidth(value).strip()
    if not text:
        return text
    text = _YEAR_BRACKETS.sub(lambda m: f"〔{m.group(1)}〕", text)
    text = _SEQ_NO.sub(lambda m: f"〕{int(m.group(1))}号", text)
    return text


NUMBER_FIELDS = ("case_no", "doc_no")


def split_party_id(values: dict) -> dict:
    """A 自然人's 身份证号 typed or imported into the 统一社会信用代码 column moves to 当事人身份证号, so it is
    validated and masked as personal data (store writes: form, CLI, import, demo)."""
    if values.get("party_type") != "自然人" or not isinstance(values.get("party_code"), str):
        return values
    code = to_halfwidth(values["party_code"]).strip().upper()
    if code and validate_id_number(code) is None and validate_uscc(code) is not None:
        if not values.get("party_id_number"):
            values["party_id_number"] = code
        values["party_code"] = None
    return values


# ---------------------------------------------------------------------------- 文号 (发文字号, GB/T 9704 7.2.4)
DOC_NO_RE = re.compile(r"^(?P<code>[^〔〕\s]+)〔(?P<year>\d{4})〕(?P<seq>[1-9]\d*)号$")
DOC_NO_EXAMPLE = "示司督函〔2026〕3号"


def doc_no_problem(value: str) -> str | None:
    """None when `value` is a well-formed 文号 (机关代字〔年份〕序号号: full year in 六角括号, no 第, no leading
    zero), else a Chinese reason. The one check every entry path (generic form, import, CLI, issue) uses."""
    text = to_halfwidth(value or "").strip()
    if not text:
        return None
    hint = f"（应写成 机关代字〔年份〕序号号，如“{DOC_NO_EXAMPLE}”）"
    if any(c.isspace() for c in text):
        return "文号不能含空格" + hint
    if "〔" not in text or "〕" not in text:
        if re.search(r"[\[(（【﹝［]\s*\d{2,4}\s*[\])）】﹞］]", text):
            return "年份应用六角括号〔〕，不用[]、()、【】" + hint
        return "文号缺少〔年份〕" + hint
    code, _, rest = text.partition("〔")
    year, _, tail = rest.partition("〕")
    if not code:
        return "文号缺少机关代字" + hint
    if any(c in code for c in "〔〕[]【】()（）"):
        return "机关代字不能含括号" + hint
    if not re.fullmatch(r"\d{4}", year):
        return f"年份应为四位数字（〔{year}〕应写成如〔2026〕）" + hint
    if tail.startswith("第"):
        return "序号前不加“第”" + hint
    if not tail.endswith("号"):
        return "文号应以“号”结尾" + hint
    seq = tail[:-1]
    if not seq.isdigit():
        return f"序号应为阿拉伯数字：“{seq}”" + hint
    if seq.startswith("0"):
        return ("序号应从1开始" if not seq.strip("0") else "序号不编虚位（写“1号”，不写“01号”）") + hint
    if not DOC_NO_RE.match(text):   # pragma: no cover - every other form is caught above
        return "文号格式不正确" + hint
    return None


def normalize_doc_no(value) -> str | None:
    """The stored form of a 文号 (full-width digits made half-width); ValueError with the Chinese reason."""
    text = to_halfwidth(str(value or "")).strip()
    why = doc_no_problem(text)
    if why:
        raise ValueError(why)
    return text or None


# ---- 机构代码 (issue 12): set once at setup, never changed (every record and package carries it) -------------
# first two digits of a 行政区划代码 (GB/T 2260): the provinces, autonomous regions and municipalities
PROVINCE_CODES = frozenset({"11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
                            "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64",
                            "65", "71", "81", "82"})


def validate_org_code(code, role: str, parent_code=None) -> str | None:
    """None when `code` can be this organisation's 机构代码, else a Chinese reason. The code is the county-assigned
    行政区划代码: a county bureau its county's 6 digits (or the 12-digit 统计用区划代码 ending 000000); a township
    9 digits (county + 3-digit 乡镇) or the 12-digit 统计用区划代码 ending 000; a township's code begins with its
    county's code when that is given."""
    text = to_halfwidth(str(code or "")).strip()
    if not text:
        return "机构代码不能为空"
    if not text.isdigit():
        return f"机构代码“{text[:20]}”只能由数字组成（行政区划代码，如 379901 或 379901101000）"
    if len(text) not in (6, 9, 12):
        return f"机构代码应为6位、9位或12位数字（行政区划代码），“{text}”是{len(text)}位"
    if text[:2] not in PROVINCE_CODES:
        return f"机构代码“{text}”的前两位不是省级行政区划代码"
    county = text[:6]
    if county[4:] == "00":
        return (f"机构代码“{text}”的前六位以00结尾，是地市级而不是县级区划代码"
                if len(text) == 6 or role == "township" else f"机构代码“{text}”的前六位不是县级区划代码")
    if role == "county":
        if len(text) == 9 or (len(text) == 12 and text[6:] != "000000"):
            return f"县司法局的机构代码应为本县的6位行政区划代码（如 {county}），“{text}”是乡镇级代码"
    else:
        if len(text) == 6:
            return f"乡镇司法所的机构代码应为9位或12位（县代码 + 乡镇代码，如 {text}101），“{text}”是县级代码"
        if text[6:9] == "000":
            return f"机构代码“{text}”的第7–9位为000，不是乡镇级区划代码"
        if len(text) == 12 and text[9:] != "000":
            return f"12位机构代码的最后三位应为000（乡镇级统计用区划代码），“{text}”是村级代码"
        if parent_code:
            parent = to_halfwidth(str(parent_code)).strip()
            why = validate_org_code(parent, "county")
            if why:
                return "上级机构代码：" + why
            if not text.startswith(parent[:6]):
                return f"乡镇的机构代码应以所属县的代码“{parent[:6]}”开头，“{text}”不是"
    return None


def normalize_org_code(code) -> str:
    """The 机构代码 as stored: half-width digits, no surrounding blanks."""
    return to_halfwidth(str(code or "")).strip()
