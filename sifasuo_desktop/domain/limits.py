"""Value ranges and size caps (issue 11): the one place every entry path (form, spreadsheet import,
CLI, sync) and every rule reads them from. Plain Python.

* Dates: 1949-10-01 … 2100-12-31. A date outside is a typing error or a poison value (9999-12-31
  crashed date arithmetic in the warning rules).
* Amounts and counts: finite and >= 0 (no inf, nan, 1e400, negative fines).
* Attachment paths (`stored_path`): relative, below attachments/, no `..`, no NUL/backslash/colon,
  short components, and an extension of a document or image — never an executable.
* Sync packages and split parts: sizes capped before anything is authenticated.
"""
from __future__ import annotations

import datetime as _dt
import math
import re
from pathlib import PurePosixPath

MIN_DATE = _dt.date(1949, 10, 1)
MAX_DATE = _dt.date(2100, 12, 31)
MAX_AMOUNT = 1e15                 # yuan; anything larger is a typing error (and loses cents in a double)
MAX_COUNT = 10 ** 9               # integer ledger fields (办件量, 问题数 …)

DATE_RANGE_TEXT = f"{MIN_DATE.year}年{MIN_DATE.month}月{MIN_DATE.day}日至{MAX_DATE.year}年{MAX_DATE.month}月{MAX_DATE.day}日"


def date_problem(value) -> str | None:
    """None when `value` (a date or an ISO text) is a date in range, else a Chinese reason."""
    if value is None or value == "":
        return None
    if isinstance(value, _dt.datetime):
        value = value.date()
    if not isinstance(value, _dt.date):
        if not isinstance(value, str):
            return f"日期“{str(value)[:40]}”不是日期"
        try:
            value = _dt.date.fromisoformat(value[:10])
        except ValueError:
            return f"日期“{value[:40]}”无法识别"
    if not MIN_DATE <= value <= MAX_DATE:
        return f"日期{value.isoformat()}超出允许范围（{DATE_RANGE_TEXT}）"
    return None


def check_date(value) -> None:
    """Raise ValueError (Chinese) when `value` is a date out of range."""
    why = date_problem(value)
    if why:
        raise ValueError(why)


def number_problem(value, integer: bool = False) -> str | None:
    """None when `value` is a finite number >= 0 (an integer when asked), else a Chinese reason."""
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return f"“{str(value)[:40]}”不是数字"
    if isinstance(value, float) and not math.isfinite(value):
        return "数值无效（无穷大或非数字）"
    if value < 0:
        return f"数值{value:g}为负数，应不小于0"
    if value > (MAX_COUNT if integer else MAX_AMOUNT):
        return f"数值{value:g}过大"
    if integer and isinstance(value, float) and not value.is_integer():
        return f"“{value:g}”应为整数"
    return None


def check_number(value, integer: bool = False) -> None:
    why = number_problem(value, integer)
    if why:
        raise ValueError(why)


# ---------------------------------------------------------------------------- attachments
DOCUMENT_EXTENSIONS = frozenset((
    ".pdf", ".ofd", ".doc", ".docx", ".wps", ".rtf", ".txt", ".odt",
    ".xls", ".xlsx", ".et", ".ods", ".csv", ".ppt", ".pptx", ".dps",
    ".jpg", ".jpeg", ".png", ".gif", ".bmp", ".tif", ".tiff", ".webp", ".heic",
))
MAX_PATH_CHARS = 400
MAX_PART_BYTES = 200              # one path component, in UTF-8 bytes (ext4/NTFS allow 255)
_BAD_CHARS = re.compile(r"[\x00-\x1f\\:*?\"<>|]")
_WIN_RESERVED = re.compile(r"^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$", re.I)


def attachment_extension_ok(name: str) -> bool:
    return PurePosixPath(str(name)).suffix.lower() in DOCUMENT_EXTENSIONS


def safe_attachment_name(name: str, prefix: str = "") -> str:
    """`prefix + name` as one path component that passes attachment_path_problem: bad characters become
    "_", the stem is shortened (the extension kept) so the component stays within MAX_PART_BYTES."""
    p = PurePosixPath(_BAD_CHARS.sub("_", str(name).replace("/", "_")))
    stem, suffix = p.stem.rstrip(" .") or "附件", p.suffix
    room = MAX_PART_BYTES - len((prefix + suffix).encode("utf-8"))
    while len(stem.encode("utf-8")) > room:
        stem = stem[:-1]
    return prefix + (stem.rstrip(" .") or "附件") + suffix


def attachment_path_problem(stored_path) -> str | None:
    """None when `stored_path` may be stored and opened below attachments/, else a Chinese reason."""
    if not isinstance(stored_path, str) or not stored_path:
        return "附件路径为空或不是文本"
    if len(stored_path) > MAX_PATH_CHARS:
        return "附件路径过长"
    if _BAD_CHARS.search(stored_path):
        return "附件路径含有不允许的字符（如 NUL、反斜杠、冒号）"
    p = PurePosixPath(stored_path)
    if p.is_absolute() or stored_path.startswith("/"):
        return "附件路径不能是绝对路径"
    parts = stored_path.split("/")
    for part in parts:
        if part in ("", ".", ".."):
            return "附件路径不能含有“..”或空的目录名"
        if len(part.encode("utf-8")) > MAX_PART_BYTES:
            return "附件路径中的文件名过长"
        if part.endswith((" ", ".")) or _WIN_RESERVED.match(part):
            return f"附件路径中的名称“{part[:40]}”不允许"
    if not attachment_extension_ok(parts[-1]):
        return f"附件类型“{p.suffix or '无扩展名'}”不允许（只允许文档和图片）"
    return None


# ---------------------------------------------------------------------------- sync packages
MAX_PACKAGE_BYTES = 256 * 1024 * 1024     # one package file (checked before decryption)
MAX_PARTS = 1000                          # parts of one split package
MAX_PART_FILE_BYTES = MAX_PACKAGE_BYTES + 64 * 1024
MAX_VERSION = 10 ** 9                     # a record's version (one per edit)
MAX_SEQ = 2 ** 53                         # change-log sequence numbers and acknowledgements
MAX_ID_CHARS = 100                        # record ids, stream ids, package ids, org codes
HEX64 = re.compile(r"^[0-9a-f]{64}$")


# ---------------------------------------------------------------------------- spreadsheets (import)
# An .xlsx is a zip of XML: these caps are checked on the zip directory and while streaming the XML, before
# openpyxl builds anything, so a zip bomb (millions of shared strings, one huge string, a sheet whose
# dimension claims 17 billion cells) is refused with a Chinese message instead of eating the memory.
# A county-wide ledger of 50,000 rows x 40 columns stays well below every cap.
MAX_CELL_CHARS = 32767                        # Excel's own limit for one cell
MAX_XLSX_TOTAL_BYTES = 512 * 1024 * 1024      # all XML members together, uncompressed
MAX_XLSX_SHEET_BYTES = 256 * 1024 * 1024      # one worksheet's XML, uncompressed
MAX_XLSX_STRINGS_BYTES = 64 * 1024 * 1024     # the shared-strings table, uncompressed
MAX_XLSX_PART_BYTES = 16 * 1024 * 1024        # any other XML part (styles, workbook, relations ...)
MAX_XLSX_MEMBERS = 5000
MAX_XLSX_RATIO = 500                          # uncompressed/compressed of one member above 4 MB (XML is ~5-50x)
MAX_SHARED_STRINGS = 1_000_000
MAX_SHEET_ROWS = 200_000                      # the last row holding a value
MAX_SHEET_COLUMNS = 1000                      # the last column holding a value
MAX_CELLS = 2_000_000                         # cells holding a value, all sheets together
MAX_XLS_BYTES = 64 * 1024 * 1024              # an Excel 97-2003 file (65,536 rows at most; a ledger is a few MB)
MAX_CSV_BYTES = 200 * 1024 * 1024             # a platform export of a whole county is a few MB


# ---------------------------------------------------------------------------- spreadsheets (export)
# A text cell beginning with one of these is taken for a formula by Excel/WPS (or by a CSV reader): exports
# write such text as a string cell marked "quote prefix" so nothing is ever evaluated.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(text) -> bool:
    return isinstance(text, str) and text.startswith(FORMULA_PREFIXES)
