"""Content model of a supervision document: plain dataclasses, no Qt, no database.

A `Document` is what the renderer prints. It is JSON-serialisable (`to_dict` / `from_dict`) so the store
can keep the editable draft and the frozen issued content in one TEXT column.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import asdict, dataclass, field

from sifasuo_desktop.domain.validators import DOC_NO_RE as _DOC_NO_RE  # the one 文号 rule

# ---- document types ---------------------------------------------------------------------------

DUBANHAN = "dubanhan"  # 行政执法监督督办函 (信函格式)
YIJIANSHU = "yijianshu"  # 行政执法监督意见书
JIANYISHU = "jianyishu"  # 行政执法监督建议书
JUEDINGSHU = "juedingshu"  # 行政执法监督决定书
TONGBAO = "tongbao"  # 案卷评查情况通报
ZHENGGAI = "zhenggai"  # 整改通知单
HUIZHENG = "huizheng"  # 送达回证
YUETAN = "yuetan"  # 约谈通知书
JIDU = "jidu"  # 季度通报: the county's quarterly 质效 ranking of its townships (文种 通报, like the 评查通报)

DOC_TYPES: dict[str, str] = {
    DUBANHAN: "行政执法监督督办函",
    YIJIANSHU: "行政执法监督意见书",
    JIANYISHU: "行政执法监督建议书",
    JUEDINGSHU: "行政执法监督决定书",
    TONGBAO: "案卷评查情况通报",
    ZHENGGAI: "整改通知单",
    HUIZHENG: "送达回证",
    YUETAN: "行政执法监督约谈通知书",
    JIDU: "行政执法质效季度通报",
}
DOC_TYPE_BY_LABEL = {v: k for k, v in DOC_TYPES.items()}
# short labels, also accepted on input
DOC_TYPE_SHORT = {DUBANHAN: "督办函", YIJIANSHU: "监督意见书", JIANYISHU: "监督建议书", JUEDINGSHU: "监督决定书",
                  TONGBAO: "评查通报", ZHENGGAI: "整改通知单", HUIZHENG: "送达回证",
                  YUETAN: "约谈通知", JIDU: "季度通报"}
DOC_TYPE_BY_LABEL.update({v: k for k, v in DOC_TYPE_SHORT.items()})

# the six 送达方式 (the 送达回证 form offers all of them; record_service accepts only these)
SERVICE_METHODS = ("直接送达", "留置送达", "委托送达", "邮寄送达", "电子送达", "公告送达")

# default 机关代字 per type (a store setting overrides them); "X" stands for the county's 简称
DEFAULT_CODES = {
    DUBANHAN: "司督函", YIJIANSHU: "司监意", JIANYISHU: "司监建", JUEDINGSHU: "政监决",
    TONGBAO: "司通", ZHENGGAI: "司整改", HUIZHENG: "", YUETAN: "司约谈", JIDU: "司通",
}
# the 文号 series a type is numbered in: the county numbers all its 通报 (评查通报, 季度通报) in one series under
# one 代字, so two 通报 can never print the same 文号
SERIES = {JIDU: TONGBAO}


def number_series(key: str) -> str:
    return SERIES.get(key, key)

# header variants
LETTER = "letter"  # 信函格式
GENERAL = "general"  # 通用格式 (red 机关标志 + 文号 centred + red line)
PLAIN = "plain"  # 文书式: title block, 文号 on the right
FORM = "form"  # one-page table form (送达回证)
HEADERS = (LETTER, GENERAL, PLAIN, FORM)

# paragraph kinds
BODY = "body"  # 左空二字, 回行顶格
FLUSH = "flush"  # 顶格 (主送机关)
H1 = "h1"  # 一、 黑体
H2 = "h2"  # （一） 楷体
CENTER = "center"
RIGHT = "right"
ATTACH = "attach"  # 附件说明: 左空二字, continuation lines aligned after "附件："
KINDS = (BODY, FLUSH, H1, H2, CENTER, RIGHT, ATTACH)


@dataclass
class Run:
    text: str
    role: str = ""  # "" = the paragraph's role; or a font role from fonts.py


@dataclass
class Paragraph:
    runs: list[Run]
    kind: str = BODY

    @classmethod
    def of(cls, text: str, kind: str = BODY, role: str = "") -> "Paragraph":
        return cls([Run(text, role)], kind)

    @property
    def text(self) -> str:
        return "".join(r.text for r in self.runs)


@dataclass
class Table:
    """A ruled table laid on the line grid. `widths` are relative column widths."""

    rows: list[list[str]]
    widths: list[float] = field(default_factory=list)
    header_rows: int = 1
    font_size: float = 14.0  # 4号
    min_lines: list[int] = field(default_factory=list)  # per row minimum height in grid lines


Block = Paragraph | Table


@dataclass
class Document:
    doc_type: str
    title: str  # "\n" marks a manual line break
    issuer: str  # 发文机关 (机关标志 text), e.g. "××县司法局"
    issuer_subtitle: str = ""  # e.g. "（××县人民政府行政执法监督机构）"
    doc_no: str = ""  # 发文字号, e.g. "X司督函〔2026〕3号"; "" = not issued yet
    recipient: str = ""  # 主送机关 without the colon
    recipient_label: str = ""  # e.g. "被监督单位" -> printed "被监督单位：××"
    body: list[Block] = field(default_factory=list)
    attachments: list[str] = field(default_factory=list)  # 附件说明 names
    signature: str = ""  # 署名
    date: _dt.date | None = None  # 成文日期
    sealed: bool = True  # leave room for (and centre) the seal
    note: str = ""  # 附注, printed in （）
    cc: list[str] = field(default_factory=list)  # 抄送机关
    printed_by: str = ""  # 印发机关
    print_date: _dt.date | None = None  # 印发日期
    header: str = LETTER
    mark: str = ""  # 机关标志 text for the 通用格式 (e.g. "××县司法局文件"); default issuer
    draft: bool = False  # print "草稿" watermark

    # ---- JSON -----------------------------------------------------------------------------------
    def to_dict(self) -> dict:
        d = asdict(self)
        d["date"] = self.date.isoformat() if self.date else None
        d["print_date"] = self.print_date.isoformat() if self.print_date else None
        body = []
        for b in self.body:
            if isinstance(b, Table):
                body.append({"table": asdict(b)})
            else:
                body.append({"kind": b.kind, "runs": [[r.text, r.role] for r in b.runs]})
        d["body"] = body
        return d

    @classmethod
    def from_dict(cls, d: dict) -> "Document":
        d = dict(d)
        body: list[Block] = []
        for b in d.get("body") or []:
            if "table" in b:
                body.append(Table(**b["table"]))
            else:
                body.append(Paragraph([Run(t, r) for t, r in b.get("runs", [])], b.get("kind", BODY)))
        d["body"] = body
        for k in ("date", "print_date"):
            if d.get(k):
                d[k] = _dt.date.fromisoformat(d[k])
        known = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in d.items() if k in known})

    def all_text(self) -> str:
        parts = [self.title, self.issuer, self.issuer_subtitle, self.doc_no, self.recipient, self.signature,
                 self.note, " ".join(self.cc), self.printed_by, " ".join(self.attachments), self.mark]
        for b in self.body:
            if isinstance(b, Table):
                parts += [c for row in b.rows for c in row]
            else:
                parts.append(b.text)
        return "".join(parts)


# ---- 文号 and dates ---------------------------------------------------------------------------



def format_doc_no(code: str, year: int, seq: int) -> str:
    """`X司督函〔2026〕3号`: full year in 六角括号, no 第, no leading zeros."""
    code = (code or "").strip()
    if not code:
        raise ValueError("机关代字不能为空")
    if any(c in code for c in "〔〕[]【】()（）"):
        raise ValueError("机关代字不能含括号")
    if not (1000 <= int(year) <= 9999):
        raise ValueError("年份应为四位数")
    if int(seq) < 1:
        raise ValueError("序号应从 1 开始")
    return f"{code}〔{int(year)}〕{int(seq)}号"


# Who issues what (issue 12). Every type except the 整改通知单 speaks in the county bureau's (or county
# government's) name, so it is issued, and numbered, only at the county: a township drafts it and the draft
# travels up. A township issues its own 整改通知单 under its own 机关代字 (青司所〔2026〕3号): one series per
# 代字 and year, so two townships, or a township and the county, can never print the same 文号.
TOWNSHIP_ISSUED = frozenset({ZHENGGAI})
TOWNSHIP_SERIES = "*"  # doc_number_seq.doc_type of a township's single series


def issued_at_county(key: str) -> bool:
    return key not in TOWNSHIP_ISSUED and key != HUIZHENG


def county_issue_refusal(key: str) -> str:
    return (f"“{DOC_TYPES.get(key, key)}”以县司法局名义制发，只能由县司法局签发。司法所可以起草，"
            "草稿随同步包报送县司法局，由县司法局签发后下发。")


def validate_code_word(code: str) -> str | None:
    """None when `code` can be a 机关代字, else a Chinese reason."""
    code = (code or "").strip()
    if not code:
        return "机关代字不能为空"
    if any(c in code for c in "〔〕[]【】()（）"):
        return "机关代字不能含括号"
    if any(c.isspace() for c in code) or len(code) > 12:
        return "机关代字不能含空格，且不超过12个字"
    if code[-1].isdigit():
        return "机关代字不能以数字结尾"
    return None


def default_township_code(name: str) -> str:
    """A township's default 机关代字: the first character of its name + 司所 (青石镇司法所 -> 青司所)."""
    name = (name or "").strip()
    return (name[:1] or "乡") + "司所"


def parse_doc_no(doc_no: str) -> tuple[str, int, int] | None:
    m = _DOC_NO_RE.match(doc_no or "")
    if not m:
        return None
    return m.group("code"), int(m.group("year")), int(m.group("seq"))


def placeholder_doc_no(code: str, year: int) -> str:
    """What a draft shows where the number will go."""
    return f"{code}〔{int(year)}〕　号"


def format_cn_date(d: _dt.date) -> str:
    """成文日期: Arabic digits, full year, no leading zeros — `2026年11月23日`."""
    return f"{d.year}年{d.month}月{d.day}日"


_CN_DATE_RE = re.compile(r"^(\d{4})年([1-9]|1[0-2])月([1-9]|[12]\d|3[01])日$")


def parse_cn_date(s: str) -> _dt.date | None:
    m = _CN_DATE_RE.match(s or "")
    if not m:
        return None
    try:
        return _dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def doc_type_key(value: str) -> str:
    """Accept a key (`dubanhan`) or a Chinese label; raise ValueError with a Chinese message."""
    if value in DOC_TYPES:
        return value
    if value in DOC_TYPE_BY_LABEL:
        return DOC_TYPE_BY_LABEL[value]
    raise ValueError(f"未知的文书类型：{value}")
