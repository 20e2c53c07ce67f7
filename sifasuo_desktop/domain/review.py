"""案卷评查 scoring against a versioned standard stored as data (reference.md §3). No SQL, no Qt.

A standard has veto items (否决项: any hit ⇒ 不合格, score 0) and deduction items (扣分项) each with a maximum;
score = total − Σ deductions (never below 0). Grade bands: 优秀 ≥ 90, 良好 ≥ 80 (optional), 合格 ≥ 60,
不合格 below 60 or on any veto hit. A review needs at least two distinct reviewers.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from .errors import UserError, ValidationError
from .validators import split_names

VETO, DEDUCT = "veto", "deduct"
GRADES = ("优秀", "良好", "合格", "不合格")
DEFAULT_BANDS = {"优秀": 90.0, "良好": 80.0, "合格": 60.0}
MIN_REVIEWERS = 2
RESOURCE_DIR = Path(__file__).resolve().parent.parent / "resources" / "review_standards"
DEFAULT_STANDARD_FILE = "general_penalty_default.json"


@dataclass(frozen=True)
class Item:
    code: str
    kind: str           # VETO | DEDUCT
    section: str
    text: str
    max_points: float = 0.0


@dataclass
class Standard:
    name: str
    version_label: str
    case_kind: str
    items: list[Item]
    total: float = 100.0
    bands: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_BANDS))
    use_good: bool = True
    note: str = ""

    @property
    def veto_items(self) -> list[Item]:
        return [i for i in self.items if i.kind == VETO]

    @property
    def deduct_items(self) -> list[Item]:
        return [i for i in self.items if i.kind == DEDUCT]

    def item(self, code: str) -> Item | None:
        for i in self.items:
            if i.code == code:
                return i
        return None

    def to_json(self) -> str:
        return json.dumps({"name": self.name, "version_label": self.version_label, "case_kind": self.case_kind,
                           "total": self.total, "bands": self.bands, "use_good": self.use_good, "note": self.note,
                           "items": [i.__dict__ for i in self.items]}, ensure_ascii=False)

    @classmethod
    def from_dict(cls, d: dict) -> "Standard":
        items = [Item(code=str(i["code"]), kind=i["kind"], section=i.get("section") or "", text=i.get("text") or "",
                      max_points=float(i.get("max_points") or 0)) for i in d.get("items", [])]
        std = cls(name=d.get("name") or "", version_label=d.get("version_label") or "", case_kind=d.get("case_kind") or "",
                  items=items, total=float(d.get("total") or 100), bands={k: float(v) for k, v in
                                                                        (d.get("bands") or DEFAULT_BANDS).items()},
                  use_good=bool(d.get("use_good", True)), note=d.get("note") or "")
        validate_standard(std)
        return std

    @classmethod
    def from_json(cls, text: str) -> "Standard":
        return cls.from_dict(json.loads(text))


def default_standard() -> Standard:
    return Standard.from_json((RESOURCE_DIR / DEFAULT_STANDARD_FILE).read_text(encoding="utf-8"))


def validate_standard(std: Standard) -> None:
    """Raise UserError (Chinese) when the standard is not usable."""
    problems = []
    if not std.name.strip():
        problems.append("缺少标准名称")
    if not std.version_label.strip():
        problems.append("缺少版本")
    codes = [i.code for i in std.items]
    dup = sorted({c for c in codes if codes.count(c) > 1})
    if dup:
        problems.append(f"编码重复：{'、'.join(dup)}")
    for i in std.items:
        if not i.code.strip():
            problems.append("有评查项缺少编码")
        if i.kind not in (VETO, DEDUCT):
            problems.append(f"{i.code}：类型应为否决项或扣分项")
        if i.kind == DEDUCT and i.max_points <= 0:
            problems.append(f"{i.code}：扣分项的分值应大于0")
        if not i.text.strip():
            problems.append(f"{i.code}：缺少评查内容")
    if not std.deduct_items:
        problems.append("至少需要一个扣分项")
    s = sum(i.max_points for i in std.deduct_items)
    if std.deduct_items and abs(s - std.total) > 1e-6:
        problems.append(f"扣分项分值合计为{_fmt(s)}分，应等于总分{_fmt(std.total)}分")
    b = std.bands
    if not (b.get("优秀", 0) > b.get("合格", 0) > 0):
        problems.append("等次分数线应满足 优秀 > 合格 > 0")
    if std.use_good and not (b.get("优秀", 0) > b.get("良好", 0) > b.get("合格", 0)):
        problems.append("等次分数线应满足 优秀 > 良好 > 合格")
    if problems:
        raise UserError("评查标准不可用：" + "；".join(problems) + "。")


def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


# ---------------------------------------------------------------------------- spreadsheet standards
SHEET_KIND = {"否决项": VETO, "否决": VETO, "一票否决": VETO, "扣分项": DEDUCT, "扣分": DEDUCT}
META_KEYS = {"标准名称": "name", "名称": "name", "版本": "version_label", "版本号": "version_label",
             "适用案卷": "case_kind", "适用范围": "case_kind", "总分": "total", "优秀": "优秀", "良好": "良好",
             "合格": "合格"}
HEADERS = {"类型": "kind", "项目类型": "kind", "编码": "code", "序号": "code", "分类": "section", "评查项目": "section",
           "类别": "section", "评查内容": "text", "内容": "text", "评查标准": "text", "分值": "max_points",
           "最高扣分": "max_points"}


def standard_from_rows(rows: list[tuple]) -> Standard:
    """Build a standard from spreadsheet rows (lists of cell values).

    Layout: optional key/value rows above the header (标准名称 | X, 版本 | Y, 适用案卷 | Z, 总分 | 100, 优秀 | 90,
    良好 | 80 (empty = no 良好 band), 合格 | 60), then a header row with 类型, 编码, 分类, 评查内容, 分值, then one
    row per item (类型 否决项/扣分项). Errors name the row number (1-based) in Chinese.
    """
    meta: dict = {}
    header: dict[str, int] | None = None
    items: list[Item] = []
    errors: list[str] = []
    good_given = False
    for n, row in enumerate(rows, start=1):
        cells = ["" if c is None else str(c).strip() for c in row]
        if not any(cells):
            continue
        if header is None:
            names = {HEADERS.get(c.replace(" ", "")) for c in cells}
            if {"kind", "code", "text", "max_points"} <= names:
                header = {}
                for i, c in enumerate(cells):
                    key = HEADERS.get(c.replace(" ", ""))
                    if key and key not in header:
                        header[key] = i
                continue
            key = META_KEYS.get(cells[0].rstrip("：:").replace(" ", ""))
            if key:
                val = next((c for c in cells[1:] if c), "")
                if key == "良好":
                    good_given = True
                meta[key] = val
            continue
        get = lambda k: cells[header[k]] if k in header and header[k] < len(cells) else ""  # noqa: E731
        kind = SHEET_KIND.get(get("kind"))
        if kind is None:
            errors.append(f"第{n}行：类型“{get('kind')}”应为“否决项”或“扣分项”")
            continue
        pts = 0.0
        if kind == DEDUCT:
            try:
                pts = float(get("max_points").replace("分", ""))
            except ValueError:
                errors.append(f"第{n}行：分值“{get('max_points')}”不是数字")
                continue
        items.append(Item(code=get("code"), kind=kind, section=get("section"), text=get("text"), max_points=pts))
    if header is None:
        raise UserError("表格中没有找到表头行（需要包含：类型、编码、评查内容、分值）。")
    if errors:
        raise UserError("评查标准表格有误：" + "；".join(errors[:20]) + "。")
    bands = dict(DEFAULT_BANDS)
    use_good = True
    try:
        for k in ("优秀", "良好", "合格"):
            if k in meta:
                if meta[k] == "":
                    if k == "良好":
                        use_good = False
                    continue
                bands[k] = float(meta[k])
        total = float(meta.get("total") or 100)
    except ValueError:
        raise UserError("评查标准表格有误：总分或等次分数线不是数字。") from None
    if good_given and meta.get("良好", "") == "":
        use_good = False
    std = Standard(name=meta.get("name", ""), version_label=meta.get("version_label", ""),
                   case_kind=meta.get("case_kind", ""), items=items, total=total, bands=bands, use_good=use_good)
    validate_standard(std)
    return std


def standard_to_rows(std: Standard) -> list[list]:
    """The spreadsheet layout that standard_from_rows reads (used as the template an admin edits)."""
    rows: list[list] = [["标准名称", std.name], ["版本", std.version_label], ["适用案卷", std.case_kind],
                        ["总分", std.total], ["优秀", std.bands["优秀"]],
                        ["良好", std.bands.get("良好") if std.use_good else None], ["合格", std.bands["合格"]], [],
                        ["类型", "编码", "分类", "评查内容", "分值"]]
    for i in std.items:
        rows.append(["否决项" if i.kind == VETO else "扣分项", i.code, i.section, i.text,
                     None if i.kind == VETO else i.max_points])
    return rows


# ---------------------------------------------------------------------------- scoring
@dataclass
class ScoreResult:
    score: float
    grade: str
    deducted: float
    veto_hits: list[str]
    deductions: dict[str, float]


def grade_for(score: float, std: Standard, vetoed: bool = False) -> str:
    if vetoed:
        return "不合格"
    b = std.bands
    if score >= b["优秀"]:
        return "优秀"
    if std.use_good and score >= b.get("良好", b["优秀"]):
        return "良好"
    if score >= b["合格"]:
        return "合格"
    return "不合格"


def score(std: Standard, veto_hits, deductions: dict) -> ScoreResult:
    """Running score for a form: raise ValidationError for unknown codes or points out of range."""
    errors: dict[str, str] = {}
    hits = []
    for code in veto_hits or []:
        it = std.item(code)
        if it is None or it.kind != VETO:
            errors[str(code)] = "不是本标准的否决项"
        elif code not in hits:
            hits.append(code)
    clean: dict[str, float] = {}
    for code, pts in (deductions or {}).items():
        it = std.item(code)
        if it is None or it.kind != DEDUCT:
            errors[str(code)] = "不是本标准的扣分项"
            continue
        try:
            p = float(pts)
        except (TypeError, ValueError):
            errors[code] = f"扣分“{pts}”不是数字"
            continue
        if p < 0:
            errors[code] = "扣分不能为负数"
        elif p > it.max_points + 1e-9:
            errors[code] = f"扣分{_fmt(p)}超过该项分值{_fmt(it.max_points)}"
        elif p:
            clean[code] = p
    if errors:
        raise ValidationError(errors)
    deducted = round(sum(clean.values()), 2)
    value = 0.0 if hits else round(max(0.0, std.total - deducted), 2)
    return ScoreResult(score=value, grade=grade_for(value, std, bool(hits)), deducted=deducted, veto_hits=hits,
                       deductions=clean)


def check_reviewers(reviewers) -> list[str]:
    names = reviewers if isinstance(reviewers, (list, tuple)) else split_names(reviewers or "")
    out = []
    for n in names:
        n = n.strip()
        if n and n not in out:
            out.append(n)
    if len(out) < MIN_REVIEWERS:
        raise ValidationError({"评查人": f"至少需要{MIN_REVIEWERS}名不同的评查人（现有{len(out)}名）"})
    return out


# ---------------------------------------------------------------------------- results
def summarize(reviews: list[dict]) -> dict:
    """Counts per grade, average score, 优秀率/合格率 (合格率 counts 优秀+良好+合格) for a list of reviews."""
    counts = {g: 0 for g in GRADES}
    scores = []
    for r in reviews:
        g = r.get("grade")
        if g in counts:
            counts[g] += 1
        if r.get("score") is not None:
            scores.append(float(r["score"]))
    n = sum(counts.values())
    passed = n - counts["不合格"]
    return {"count": n, **counts, "average": round(sum(scores) / len(scores), 2) if scores else None,
            "excellent_rate": round(counts["优秀"] / n, 4) if n else None,
            "pass_rate": round(passed / n, 4) if n else None}


def group_summaries(reviews: list[dict], key: str) -> dict[str, dict]:
    groups: dict[str, list[dict]] = {}
    for r in reviews:
        groups.setdefault(r.get(key) or "", []).append(r)
    return {k: summarize(v) for k, v in groups.items()}
