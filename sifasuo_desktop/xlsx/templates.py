"""Blank import templates, one per ledger: headers (required ones marked *), an example row (skipped on import
because it starts with 【示例】) and a 填写说明 sheet explaining each column.

Regenerate the committed files with:
    .venv/bin/python -m sifasuo_desktop.xlsx.templates
which writes resources/templates/ (repository) and sifasuo_desktop/resources/templates/ (package data).
"""
from __future__ import annotations

import sys
from pathlib import Path

from sifasuo_desktop.domain.ledgers import (BOOL, CHOICE, DATE, FLOAT, IDNO, INT, LEDGERS, MONEY, MULTI, NAMES,
                                            PHONE, REF, USCC, LONGTEXT, Ledger)
from sifasuo_desktop.domain.validators import make_id_number, make_uscc

from .export import export_fields
from .headers import IMPORTABLE
from .planner import EXAMPLE_MARK

PACKAGE_DIR = Path(__file__).resolve().parent.parent / "resources" / "templates"
REPO_DIR = Path(__file__).resolve().parent.parent.parent / "resources" / "templates"

EXAMPLES: dict[str, dict[str, str]] = {
    "officers": {"name": "张三", "id_number": make_id_number("37990119850301123"), "body_id": "示范镇人民政府",
                 "post": "综合执法队员", "staffing": "行政", "cert_no": "37990020230001", "cert_type": "行政执法证",
                 "cert_area": "示范镇", "cert_scope": "综合行政执法", "cert_issued": "2023-03-05",
                 "cert_expiry": "2028-03-04", "cert_status": "有效", "is_legal_reviewer": "否", "duty_status": "在岗",
                 "phone": "13800000000"},
    "trainings": {"officer_name": "张三", "training_date": "2025年3月5日", "title": "新修订行政处罚法专题培训",
                  "category": "新法", "hours": "8", "score": "92", "passed": "是"},
    "cert_events": {"officer_name": "张三", "id_number": make_id_number("37990119850301123"), "event_type": "审验",
                    "event_date": "2026-02-20", "doc_no": "示司〔2026〕3号", "review_year": "2025", "result": "合格"},
    "powers": {"code": "330217001000", "name": "对在城市道路两侧和公共场地堆放物料的处罚", "power_type": "行政处罚",
               "legal_basis": "《城市市容和环境卫生管理条例》第三十六条", "origin_dept": "县城市管理局",
               "body_id": "示范镇人民政府", "mode": "赋权", "delegation_doc": "示政发〔2024〕12号",
               "effective_date": "2024-07-01", "status": "有效"},
    "cases": {"case_no": "示综罚〔2025〕1号", "body_id": "示范镇人民政府", "case_type": "行政处罚(一般程序)",
              "cause": "擅自占用道路堆放物料", "party": "示范县鑫盛建材有限公司", "party_type": "法人",
              "party_code": make_uscc("91379901MA3C00001"), "filed_date": "2025/3/5", "decision_date": "2025.4.1",
              "penalty_kinds": "警告、罚款", "fine_amount": "2,000元", "officer_names": "张三、李四",
              "is_major": "否", "hearing_notified": "√", "published_date": "2025-04-08", "status": "已结案"},
    "inspections": {"inspect_date": "2025-05-10", "body_id": "示范镇综合行政执法队", "target_name": "示范县鑫盛建材有限公司",
                    "target_uscc": make_uscc("91379901MA3C00001"), "inspect_type": "日常检查", "is_joint": "否",
                    "officer_names": "张三、李四", "result": "未发现问题", "found_problem": "否"},
    "problems": {"problem_no": "WT-2025-001", "found_date": "2025-06-01", "source": "案卷评查",
                 "body_id": "示范镇人民政府", "category": "程序", "description": "案卷缺少听证告知书送达回证",
                 "requirement": "补齐送达回证并建立送达登记", "deadline": "2025-06-30", "status": "整改中"},
}

# issue 15: the outcome/discretion columns of a case (left blank where a real case would be), the two new ledgers
EXAMPLES["cases"].update({"outcome": "给予处罚", "list_item": "", "discretion_code": "示裁-017", "discretion_level": "轻微",
                          "reconsideration_result": "", "litigation_result": "", "transfer": "", "exemplary_kind": "",
                          "exemplary_summary": ""})
EXAMPLES["leniency_items"] = {"list_type": "首违不罚", "code": "示免-001", "violation": "占道经营",
                              "conditions": "首次违法、危害后果轻微并及时改正",
                              "legal_basis": "《中华人民共和国行政处罚法》第三十三条", "issuer": "示范县司法局",
                              "issued_date": "2025-03-01", "status": "有效"}
EXAMPLES["discretion_standards"] = {"code": "示裁-017", "violation": "擅自占用挖掘道路",
                                    "legal_basis": "《城市道路管理条例》第四十二条", "level": "轻微",
                                    "circumstances": "首次违法，占用面积小且及时恢复", "fine_min": "1000",
                                    "fine_max": "5,000元", "other_penalty": "", "issuer": "示范县司法局",
                                    "issued_date": "2025-03-01"}

# issue 16: the supervisor's year
EXAMPLES["plan_tasks"] = {"task_no": "RW-2026-01", "task": "开展行政执法案卷评查", "measure": "每年组织集中评查不少于1次",
                          "responsible_unit": "示范镇司法所", "deadline": "2026-10-31", "status": "推进中"}
EXAMPLES["complaints"] = {"channel": "12345", "ticket_no": "2026031500012", "received_date": "2026-03-15",
                          "body_id": "示范镇综合行政执法队", "summary": "反映占道经营长期无人管理", "conclusion": "属实",
                          "time_limit": "2026-04-03", "closed_date": "2026-03-28", "status": "已办结", "satisfaction": "满意"}
EXAMPLES["supervisors"] = {"name": "王五", "identity": "人大代表", "employer": "示范镇东风村村委会", "phone": "13900000000",
                           "term_start": "2025-01-01", "term_end": "2027-12-31", "status": "在聘"}
EXAMPLES["supervision_plans"] = {"plan_year": "2026", "seq": "1", "item": "一季度行政执法案卷评查", "method": "案卷评查",
                                 "body_id": "示范镇综合行政执法队", "planned_date": "2026-03-31", "responsible": "王所长",
                                 "status": "未开始"}
EXAMPLES["power_evaluations"] = {"power_code": "330217001000", "power_name": "对在城市道路两侧和公共场地堆放物料的处罚",
                                 "eval_date": "2026-11-10", "year": "2026", "method": "自评", "case_count": "3",
                                 "problems": "承接人员持证不足", "conclusion": "保留"}
EXAMPLES["satisfaction_surveys"] = {"survey_date": "2026-06-20", "body_id": "示范镇综合行政执法队", "method": "问卷",
                                    "sample_count": "60", "satisfied_count": "50", "basic_count": "7",
                                    "unsatisfied_count": "3"}


def _generic_example(f) -> str:
    k = f.kind
    if k == DATE:
        return "2025-03-05"
    if k in (CHOICE, MULTI) and f.choices:
        return f.choices[0]
    if k == BOOL:
        return "是"
    if k == MONEY:
        return "1000"
    if k in (INT, FLOAT):
        return "1"
    if k == IDNO:
        return make_id_number("37990119850301123")
    if k == USCC:
        return make_uscc("91379901MA3C00001")
    if k == PHONE:
        return "13800000000"
    if k == NAMES:
        return "张三、李四"
    if k == REF:
        return "示范镇人民政府" if f.ref == "bodies" else ""
    return f"{f.label}示例"


def _explain(ledger: Ledger, f) -> str:
    k = f.kind
    parts = []
    if k == DATE:
        parts.append("日期，如 2025-03-05、2025/3/5、2025年3月5日，或 Excel 日期")
    elif k == MONEY:
        parts.append("金额（元），可写 2000、2,000元、0.2万元；列名写“（万元）”时按万元计")
    elif k == BOOL:
        parts.append("是/否（也可写 √/×、Y/N、有/无）")
    elif k == IDNO:
        parts.append("18位公民身份号码，校验位会核对；请把该列设为“文本”格式")
    elif k == USCC:
        parts.append("18位统一社会信用代码，校验位会核对")
    elif k == PHONE:
        parts.append("电话号码")
    elif k == NAMES:
        parts.append("可填多人，用顿号、逗号或空格分隔；按姓名关联执法人员台账，同名时可写“姓名(执法证号)”")
    elif k == MULTI:
        parts.append("可多选，用顿号分隔：" + "、".join(f.choices))
    elif k == CHOICE:
        parts.append("可选值：" + "、".join(f.choices))
    elif k == REF and f.ref == "bodies":
        parts.append("执法主体名称；不存在的主体导入时自动新建（导入前会列出）")
    elif k == REF and f.ref == "powers":
        parts.append("赋权事项名称或事项编码，按赋权事项台账关联")
    elif k in (INT, FLOAT):
        parts.append("数字")
    elif k == LONGTEXT:
        parts.append("文字，可多行")
    else:
        parts.append("文字")
    if ledger.key == "cases" and f.name == "party_code":
        parts.append("法人/其他组织填统一社会信用代码；自然人的身份证号填“当事人身份证号”")
    if f.help:
        parts.append(f.help)
    return "；".join(parts)


def build_template(ledger_key: str, path) -> Path:
    from . import writer as W

    ledger = LEDGERS[ledger_key]
    fields = export_fields(ledger)
    kinds = {DATE: W.TEXT, LONGTEXT: W.LONGTEXT}
    columns = [W.Column(("*" if f.required else "") + f.label, kinds.get(f.kind, W.TEXT)) for f in fields]
    example = EXAMPLES.get(ledger_key, {})
    row = [str(example.get(f.name, _generic_example(f))) for f in fields]
    row[0] = EXAMPLE_MARK + row[0]
    wb = W.new_workbook()
    ws = W.add_table_sheet(wb, f"{ledger.title}台账", columns, [row], org_name="", sheet_name=ledger.title,
                           report_date="      年    月    日")
    from openpyxl.styles import Font

    for cell in ws[W.HEADER_ROW + 1]:
        cell.font = Font(name="宋体", size=10, italic=True, color="808080")
    notes = wb.create_sheet("填写说明")
    notes.append([f"{ledger.title}台账 导入模板 填写说明"])
    notes.append(["1. 从第4行起每行填写一条记录；以“【示例】”开头的示例行导入时自动跳过，可直接覆盖或删除。"])
    notes.append(["2. 带 * 的列必须填写。表头上方的标题行、填报单位行可以保留；空行和“备注：”行会被跳过。"])
    notes.append(["3. 同一文件重复导入不会产生重复记录：已有记录（按下表“匹配依据”）会被更新。"])
    notes.append([])
    notes.append(["列名", "是否必填", "填写要求", "也可识别的列名"])
    for f in fields:
        notes.append([f.label, "必填" if f.required else "", _explain(ledger, f), "、".join(f.synonyms)])
    from .matching import MATCH_KEYS

    keys = MATCH_KEYS.get(ledger_key, ())
    if keys:
        notes.append([])
        notes.append(["匹配依据", "；或 ".join("+".join(ledger.field(k).label for k in key) for key in keys)])
    for col, width in zip("ABCD", (22, 10, 70, 40)):
        notes.column_dimensions[col].width = width
    notes["A1"].font = Font(name="宋体", size=14, bold=True)
    for cell in notes[6]:
        cell.font = Font(name="宋体", size=11, bold=True)
    return W.save(wb, path)


def template_name(ledger_key: str) -> str:
    return f"{LEDGERS[ledger_key].title.replace('/', '_')}导入模板.xlsx"


def template_path(ledger_key: str) -> Path | None:
    """The shipped template for a ledger (package data), None when missing."""
    p = PACKAGE_DIR / template_name(ledger_key)
    return p if p.is_file() else None


def generate_all(dirs=None) -> list[Path]:
    out = []
    for d in dirs or (REPO_DIR, PACKAGE_DIR):
        d = Path(d)
        d.mkdir(parents=True, exist_ok=True)
        for key in IMPORTABLE:
            if key == "bodies":
                continue
            out.append(build_template(key, d / template_name(key)))
    return out


if __name__ == "__main__":
    for p in generate_all(sys.argv[1:] or None):
        print(p)
