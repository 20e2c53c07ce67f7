"""Turn raw cell values into what `domain.ledgers.normalize()` accepts.

Only spreadsheet-specific conversions live here (Excel serial dates, numbers typed into text columns,
amount columns headed 万元, masked personal data); every rule about what a value means is in
domain/validators.py and domain/ledgers.py.
"""
from __future__ import annotations

import datetime as _dt
import re

from sifasuo_desktop.domain.ledgers import (BOOL, CHOICE, DATE, DATETIME, FLOAT, IDNO, INT, LONGTEXT, MONEY, MULTI,
                                            PHONE, TEXT, USCC, Field)
from sifasuo_desktop.domain.validators import to_halfwidth

from .reader import FormulaNoValue

EXCEL_EPOCH = _dt.date(1899, 12, 30)
_TIME_SUFFIX = re.compile(r"^(\S+?)(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)$")
MIN_SERIAL, MAX_SERIAL = 1, 2958465   # 1900-01-01 .. 9999-12-31


class Masked(Exception):
    """A personal-data cell holds a masked value (110***…1234) from an export: keep the stored value."""


def serial_to_date(serial: float) -> str:
    return (EXCEL_EPOCH + _dt.timedelta(days=int(serial))).isoformat()


def _num_text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def cell_to_input(f: Field, value, factor: float = 1.0):
    """Raw cell value → input for normalize(). Raises ValueError (Chinese) or Masked."""
    if value is None:
        return None
    if isinstance(value, FormulaNoValue):
        raise ValueError(f"单元格是公式“{value[:40]}”，文件中没有保存计算结果（公式不会被导入或计算）；"
                         "请在 Excel/WPS 中打开并保存，或把该列“粘贴为数值”后再导入")
    if isinstance(value, str):
        value = value.strip()
        if value in ("", "-", "—", "/", "／"):
            return None
        if value == "无" and f.kind in (DATE, DATETIME, MONEY, INT, FLOAT, IDNO, PHONE, USCC):
            return None
    k = f.kind
    if k == DATETIME:
        if isinstance(value, (_dt.datetime, _dt.date)):
            return value
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            if 19000101 <= value <= 29991231 and float(value).is_integer():
                return str(int(value))
            if MIN_SERIAL <= value <= MAX_SERIAL:   # an Excel date-time serial: days + fraction of a day
                base = _dt.datetime.combine(EXCEL_EPOCH, _dt.time()) + _dt.timedelta(days=float(value))
                return base.replace(second=0, microsecond=0) + _dt.timedelta(minutes=round(base.second / 60))
            raise ValueError(f"无法识别的日期或时间“{_num_text(value)}”")
        return to_halfwidth(str(value)).strip()
    if k == DATE:
        if isinstance(value, (_dt.datetime, _dt.date)):
            return value
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            if 19000101 <= value <= 29991231 and float(value).is_integer():
                return str(int(value))  # 20250305 typed as a number
            if MIN_SERIAL <= value <= MAX_SERIAL:
                return serial_to_date(value)
            raise ValueError(f"无法识别的日期“{_num_text(value)}”")
        text = to_halfwidth(str(value)).strip()
        m = _TIME_SUFFIX.match(text)
        if m:
            text = m.group(1)  # "2025-03-05 00:00:00" (a date pasted as text)
        if text.isdigit() and len(text) <= 5 and MIN_SERIAL <= int(text) <= 99999:
            return serial_to_date(int(text))
        return text
    if k == MONEY:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return round(float(value) * factor, 2)
        if factor != 1.0:
            text = to_halfwidth(str(value)).replace(",", "").replace("，", "").strip()
            if not text.endswith("元") and not text.endswith("万"):
                text += "万元"
            return text
        return value
    if k in (IDNO, PHONE):
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            if k == IDNO:
                if isinstance(value, float) and value > 1e15:
                    raise ValueError("身份证号被存成了数字，末几位已丢失；请把该列设为“文本”格式后重新录入")
                return _num_text(value)
            return _num_text(value)
        if "*" in str(value):
            raise Masked()
        return value
    if k == USCC:
        return _num_text(value) if isinstance(value, (int, float)) else value
    if k in (INT, FLOAT, BOOL):
        return value
    if k in (CHOICE, MULTI):
        return _choice_text(f, value)
    if k in (TEXT, LONGTEXT):
        if isinstance(value, (_dt.datetime, _dt.date)):
            return value.date().isoformat() if isinstance(value, _dt.datetime) else value.isoformat()
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return _num_text(value)
        return str(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _num_text(value)
    return value


def _loose(text: str) -> str:
    return to_halfwidth(text).replace("（", "(").replace("）", ")").replace(" ", "")


def _choice_text(f: Field, value):
    """Accept choices written with full-width brackets or stray spaces: 行政处罚（一般程序） → 行政处罚(一般程序)."""
    text = _num_text(value) if isinstance(value, (int, float)) else str(value)
    loose = {_loose(c): c for c in f.choices}
    if f.kind == CHOICE:
        return loose.get(_loose(text), text.strip())
    from sifasuo_desktop.domain.validators import split_names
    return [loose.get(_loose(t), t) for t in split_names(text)]
