"""The printable 评估报告 of one 赋权事项评估 (issue 16), laid out by the 公文 engine (layout.py / pdf.py).

    report_facts(store, eval_id) -> dict         what the report says (evaluation, its power, the owner's names)
    build_report(facts) -> Document              plain Python: the facts as a 文书式 document
    render_report(store, eval_id, out)           .pdf (RenderResult) or .docx (bytes)

Not a 监督文书: the report carries no 文号 and is not stored in the documents ledger; it is printed from the
evaluation whenever its data change. Empty facts print as visible placeholders (“（未填写）”, ××) so a report
printed too early shows what is missing.
"""
from __future__ import annotations

import datetime as _dt
from pathlib import Path

from sifasuo_desktop import fsutil
from sifasuo_desktop.domain.errors import UserError
from sifasuo_desktop.domain.ledgers import township_label

from .model import BODY, H1, PLAIN, Document, Paragraph, Run, Table, format_cn_date

DOC_TYPE = "power_evaluation_report"   # not one of model.DOC_TYPES: never numbered nor issued
TITLE = "赋权事项评估报告"
MISSING = "（未填写）"
CONCLUSION_TEXT = {
    "保留": "建议继续保留该赋权事项，由承接主体依法规范实施，县级原实施部门加强业务指导和培训。",
    "调整": "建议对该事项的赋权方式、承接主体或实施范围予以调整，调整前由承接主体继续依法实施。",
    "建议收回": "建议依照法定程序将该事项收回县级原实施部门行使，做好收回前后的工作衔接，防止出现监管空档。",
    "建议新增": "建议将与该事项关联的执法事项一并赋予承接主体，按程序报批后实施。",
}
CN = "一二三四五六七八九十"


def _p(text: str, kind: str = BODY) -> Paragraph:
    return Paragraph([Run(text)], kind)


def _h1_inline(head: str, rest: str) -> Paragraph:
    return Paragraph([Run(head, "heiti"), Run(rest, "fangsong")], BODY)


def _date(v) -> _dt.date | None:
    if isinstance(v, _dt.date):
        return v
    try:
        return _dt.date.fromisoformat(str(v)[:10]) if v else None
    except ValueError:
        return None


def _cn(v) -> str:
    d = _date(v)
    return format_cn_date(d) if d else "×年×月×日"


def _end(text: str) -> str:
    text = (text or "").strip()
    return text if not text or text[-1] in "。！？；）)" else text + "。"


def _n(v) -> int | None:
    try:
        return None if v is None or v == "" else int(v)
    except (TypeError, ValueError):
        return None


# ---------------------------------------------------------------------------- facts (store side)
def find_evaluation(store, text: str, year: int | None = None) -> dict:
    """An evaluation by its id, or by 事项编码 / 事项名称 (with `year` when the item was evaluated more than once)."""
    text = (text or "").strip()
    rec = store.get("power_evaluations", text) if text else None
    if rec is not None and not rec.get("deleted"):
        return rec
    where, params = "(power_code = ? OR power_name = ?)", [text, text]
    if year is not None:
        where += " AND year = ?"
        params.append(int(year))
    found = store.rows("power_evaluations", where, tuple(params), order_by="year DESC, eval_date DESC")
    if not found:
        raise UserError(f"找不到赋权事项评估“{text}”（可用评估记录的ID、事项编码或事项名称）。")
    if len(found) > 1:
        years = "、".join(sorted({str(r.get("year") or "") for r in found}))
        raise UserError(f"“{text}”有{len(found)}条评估记录（年度：{years}），请用 --year 指定年度或使用记录ID。")
    return found[0]


def report_facts(store, eval_id: str) -> dict:
    ev = store.get("power_evaluations", eval_id)
    if ev is None or ev.get("deleted"):
        raise UserError("赋权事项评估记录不存在或已删除。")
    power = store.get("powers", ev["power_id"]) if ev.get("power_id") else None
    power = power if power and not power.get("deleted") else {}
    body = store.get("bodies", power["body_id"]) if power.get("body_id") else None
    owner = ev.get("owner_org") or store.meta("org_code")
    orgs = {r["code"]: r.get("name") or r["code"] for r in store.rows("orgs")}
    owner_name = orgs.get(owner) or (store.org.name if owner == store.meta("org_code") else owner)
    return {
        "evaluation": dict(ev),
        "power": dict(power),
        "body_name": (body or {}).get("name") or "",
        "office": owner_name,                         # who made the evaluation (the 司法所)
        "township": township_label(owner_name, owner),
    }


# ---------------------------------------------------------------------------- the document (plain Python)
def build_report(f: dict) -> Document:
    ev, pw = dict(f.get("evaluation") or {}), dict(f.get("power") or {})
    name = ev.get("power_name") or pw.get("name") or "××"
    code = ev.get("power_code") or pw.get("code") or ""
    year = ev.get("year") or (_date(ev.get("eval_date")) or _dt.date.today()).year
    office = f.get("office") or "××司法所"
    township = f.get("township") or "××镇"
    body_name = f.get("body_name") or "××"
    sections: list = []

    def h(text: str) -> None:
        sections.append(_p(f"{CN[sum(1 for b in sections if isinstance(b, Paragraph) and b.kind == H1)]}、{text}", H1))

    # 一、基本情况
    intro = [_p(f"根据赋权事项评估工作安排，{office}对{township}承接的“{name}”事项{year}年度的实施情况进行了评估。"
                "现将评估情况报告如下：")]
    h("基本情况")
    facts = [f"“{name}”"]
    if code:
        facts.append(f"（事项编码{code}" + (f"，{pw['power_type']}）" if pw.get("power_type") else "）"))
    origin = pw.get("origin_dept") or "县级原实施部门"
    mode = pw.get("mode") or "赋权"
    line = "".join(facts) + f"原由{origin}实施，以{mode}方式交由{body_name}承接"
    if pw.get("delegation_doc"):
        line += f"（{pw['delegation_doc']}）"
    line += f"，自{_cn(pw['effective_date'])}起实施" if pw.get("effective_date") else ""
    line += f"，目前状态为“{pw['status']}”。" if pw.get("status") else "。"
    sections.append(_p(line))
    if pw.get("legal_basis"):
        sections.append(_p(f"实施依据：{_end(pw['legal_basis'])}"))

    # 二、评估方式
    h("评估方式")
    sections.append(_p(f"本次评估于{_cn(ev.get('eval_date'))}采取{ev.get('method') or '查阅台账、座谈了解'}的方式进行，"
                       f"办件量、评查结果和承接人员持证情况取自执法监督台账{year}年度的数据。"))

    # 三、实施情况
    h("实施情况")
    cases, corrected, failed = _n(ev.get("case_count")), _n(ev.get("corrected_count")), _n(ev.get("review_failed_count"))
    staff, cert = _n(ev.get("staff_count")), _n(ev.get("certified_count"))
    rate = f"{100.0 * cert / staff:.1f}%" if staff and cert is not None else "—"

    def cell(v) -> str:
        return "—" if v is None else str(v)

    sections.append(Table([["指标", "数值", "说明"],
                           ["办件量（件）", cell(cases), f"{year}年度立案（受理）数"],
                           ["纠错数（件）", cell(corrected), "被复议、诉讼或监督纠错"],
                           ["评查不合格（件）", cell(failed), "案卷评查等次为不合格"],
                           ["承接人员（人）", cell(staff), "承接主体在岗执法人员"],
                           ["持证人员（人）", cell(cert), f"持证率{rate}"]],
                          [2.4, 1.2, 3.4], font_size=14.0))
    notes = []
    if cases == 0:
        notes.append(f"{year}年度该事项零办件")
    elif cases:
        notes.append(f"{year}年度共办理{cases}件")
    if failed:
        notes.append(f"评查不合格{failed}件")
    if staff and not cert:
        notes.append("承接主体无持证执法人员")
    elif staff:
        notes.append(f"承接人员{staff}人，持证{cert or 0}人")
    if notes:
        sections.append(_p("，".join(notes) + "。"))

    # 四、存在问题
    h("存在问题")
    problems = [p.strip(" 。") for p in str(ev.get("problems") or "").replace(";", "；").replace("\n", "；").split("；")
                if p.strip(" 。")]
    sections += [_p(f"（{CN[i] if i < 10 else i + 1}）{_end(p)}") for i, p in enumerate(problems)] \
        or [_p("经评估，未发现该事项承接实施中存在明显问题。")]

    # 五、各方意见
    h("各方意见")
    for i, (label, key) in enumerate((("乡镇意见", "opinion_township"), ("县级部门意见", "opinion_dept"),
                                      ("司法所意见", "opinion_sfs"))):
        sections.append(_h1_inline(f"（{CN[i]}）{label}：", _end(ev.get(key) or "") or MISSING))
    if (ev.get("opinions") or "").strip():
        sections.append(_h1_inline("（四）其他意见：", _end(ev["opinions"])))

    # 六、评估结论
    h("评估结论")
    conclusion = (ev.get("conclusion") or "").strip()
    if conclusion:
        sections.append(_p(f"综合以上情况，评估结论为：{conclusion}。{CONCLUSION_TEXT.get(conclusion, '')}"))
    else:
        sections.append(_p(f"评估结论：{MISSING}。"))

    return Document(doc_type=DOC_TYPE, title=f"关于“{name}”赋权事项\n{year}年度实施情况的评估报告", issuer=office,
                    recipient=f.get("recipient") or "", body=[*intro, *sections], signature=office,
                    date=_date(ev.get("eval_date")), sealed=True, header=PLAIN)


# ---------------------------------------------------------------------------- output
def render_report(store, eval_id: str, out: str | Path):
    """Write the report to `out` (.pdf: the 公文 engine with the folder's font preferences; .docx: the editable
    copy). Returns the pdf RenderResult or the docx bytes."""
    out = fsutil.check_output_path(out, store.data_dir)
    doc = build_report(report_facts(store, eval_id))
    suffix = out.suffix.lower()
    try:
        if suffix == ".pdf":
            from .fonts import default_resolver
            from .pdf import render_pdf
            from .service import font_preferences

            return render_pdf(doc, out, resolver=default_resolver(font_preferences(store) or None))
        if suffix == ".docx":
            from .docx_out import render_docx

            return render_docx(doc, out)
    except OSError as exc:
        raise fsutil.write_error(out, exc) from exc
    raise UserError("输出文件应以 .pdf 或 .docx 结尾。")


def default_file_name(store, eval_id: str) -> str:
    ev = store.get("power_evaluations", eval_id) or {}
    name = "".join(ch for ch in str(ev.get("power_name") or "赋权事项") if ch not in '\\/:*?"<>|')[:40]
    return f"{name}{ev.get('year') or ''}年度评估报告.pdf"
