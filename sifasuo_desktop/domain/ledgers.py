"""The ledgers (台账): tables, fields, Chinese labels, spreadsheet synonyms, choices and validation.

This is the ONE place that describes each ledger; forms, list views, spreadsheet import/export and reports
read it. Field lists follow shared/domain/ledgers.md and reference.md §10.
"""
from __future__ import annotations

from dataclasses import dataclass

from . import limits
from . import validators as v
from .errors import ValidationError

# field kinds
TEXT, LONGTEXT, DATE, INT, MONEY, FLOAT, BOOL, CHOICE, MULTI, REF, NAMES, IDNO, USCC, PHONE, JSON = (
    "text", "longtext", "date", "int", "money", "float", "bool", "choice", "multichoice", "ref",
    "names", "id_number", "uscc", "phone", "json")
DATETIME = "datetime"   # a date or a date-time, stored as 'YYYY-MM-DD' or 'YYYY-MM-DD HH:MM' (报备时间/扫码时间)


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    kind: str = TEXT
    required: bool = False
    choices: tuple[str, ...] = ()
    synonyms: tuple[str, ...] = ()
    ref: str | None = None          # table referenced by a REF field (display its `name`-like column)
    in_list: bool = True            # shown as a column in the ledger view
    help: str = ""
    person: bool = False            # a person's name: padding spaces removed (validators.normalize_person_name)
    aliases: tuple[tuple[str, str], ...] = ()   # other spellings of a choice -> the canonical choice
    group: str = ""                 # the form section the field is shown in ("" = the main section)
    check: object = None            # TEXT: fn(text) -> stored text, ValueError (Chinese) when malformed

    @property
    def searchable(self) -> bool:
        return self.kind in (TEXT, LONGTEXT, CHOICE, MULTI, NAMES, REF, IDNO, USCC, PHONE)

    @property
    def sensitive(self) -> bool:
        return self.kind in (IDNO, PHONE)


@dataclass(frozen=True)
class Ledger:
    key: str                        # == table name
    title: str
    fields: tuple[Field, ...]
    number_field: str | None = None  # the human number (案号, 文号, 问题编号...)
    date_field: str | None = None    # used by the date-range filter and default sort
    status_field: str | None = None  # used by the status filter
    display_field: str | None = None  # what a REF to this table shows
    in_nav: bool = True
    prepare: object = None           # optional fn(values) -> values run before field validation
    # (field, other field): a required field filled in from the other when empty (prepare does it); a sheet with
    # the other column needs no column of its own
    fallbacks: tuple[tuple[str, str], ...] = ()

    @property
    def table(self) -> str:
        return self.key

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)

    def has(self, name: str) -> bool:
        return any(f.name == name for f in self.fields)

    @property
    def list_fields(self) -> list[Field]:
        return [f for f in self.fields if f.in_list]

    @property
    def status_choices(self) -> tuple[str, ...]:
        return self.field(self.status_field).choices if self.status_field else ()


F = Field

STAFFING = ("行政", "参公", "事业", "其他", "合同工", "临时工", "劳务派遣", "辅助人员")
REVIEW_RESULTS = ("合格", "不合格", "暂缓")
CERT_EVENT_TYPES = ("申领", "发证", "审验", "暂扣", "收回", "注销", "吊销", "补发", "离岗", "返岗")
LEAVE_KINDS = ("离岗", "调离", "退休")
CERT_STATUS = ("有效", "待审验", "暂扣", "收回", "注销", "吊销", "过期", "遗失补办")
POWER_TYPES = ("行政处罚", "行政检查", "行政强制", "行政许可", "行政确认", "行政给付", "行政征收",
               "行政奖励", "行政裁决", "其他")
CASE_TYPES = ("行政处罚(简易程序)", "行政处罚(一般程序)", "行政许可", "行政强制", "行政检查",
              "行政确认", "行政给付", "行政征收", "其他")
PENALTY_KINDS = ("警告", "通报批评", "罚款", "没收违法所得", "没收非法财物", "暂扣许可证件",
                 "降低资质等级", "吊销许可证件", "限制开展生产经营活动", "责令停产停业", "责令关闭",
                 "限制从业", "行政拘留", "其他")
PROBLEM_SOURCES = ("监督检查", "案卷评查", "投诉举报", "12345", "复议纠错", "上级交办", "企业反馈")
PROBLEM_STATUS = ("待整改", "整改中", "已报告", "已销号", "退回重改")
PROBLEM_CATEGORIES = ("主体", "事实证据", "适用法律", "程序", "文书归档", "裁量", "三项制度", "涉企检查",
                      "执法证件", "其他")
DOC_TYPES = ("督办函", "监督意见书", "监督建议书", "监督决定书", "评查通报", "季度通报", "整改通知单", "约谈通知")
DOC_STATUS = ("草稿", "已签发", "已送达", "已反馈", "已作废", "被替代")
CLUE_CHANNELS = ("专用电话", "电子邮箱", "平台企业评价", "12345", "省长热线", "企业联系点", "行政执法监督员",
                 "媒体曝光", "网络舆情", "第三方评估", "营商环境评价", "复议纠错", "诉讼败诉", "上级交办",
                 "检察建议", "来信来访", "其他")

COMPLAINT_STATUS = ("办理中", "已办结")
SATISFACTION = ("满意", "基本满意", "不满意")
EVAL_METHODS = ("自评", "群众评议", "第三方评估")

LEDGERS: dict[str, Ledger] = {}


def _add(ledger: Ledger) -> Ledger:
    LEDGERS[ledger.key] = ledger
    return ledger


BODIES = _add(Ledger("bodies", "执法主体", (
    F("name", "主体名称", required=True, synonyms=("执法主体", "单位名称", "所属单位")),
    F("body_type", "主体类型", CHOICE, choices=("乡镇政府", "街道办", "县直部门", "授权组织", "受委托组织")),
    F("township", "所属乡镇"),
    F("uscc", "统一社会信用代码", USCC, synonyms=("信用代码",)),
    F("contact", "联系人"),
    F("phone", "联系电话", PHONE),
    F("status", "状态", CHOICE, choices=("有效", "撤销", "更名")),
), number_field=None, status_field="status", display_field="name"))

OFFICERS = _add(Ledger("officers", "执法人员与证件", (
    F("name", "姓名", required=True, synonyms=("执法人员姓名", "人员姓名"), person=True),
    F("id_number", "身份证号", IDNO, synonyms=("身份证号码", "公民身份号码")),
    F("body_id", "所属单位", REF, ref="bodies", synonyms=("执法主体", "工作单位", "单位")),
    F("post", "岗位", synonyms=("职务", "执法岗位")),
    F("staffing", "编制类型", CHOICE, choices=STAFFING, synonyms=("人员性质", "编制性质")),
    F("cert_no", "执法证号", synonyms=("证件编号", "执法证件号", "执法证编号", "证号", "执法证件编号")),
    F("cert_type", "证件类型", CHOICE, choices=("行政执法证", "行政执法监督证", "部门专用证")),
    F("cert_area", "执法区域", in_list=False),
    F("cert_scope", "执法类别", synonyms=("执法范围", "执法种类"), in_list=False),
    F("cert_issued", "发证日期", DATE, synonyms=("发证时间",), in_list=False),
    F("cert_expiry", "有效期至", DATE, synonyms=("有效期", "证件有效期")),
    F("cert_status", "证件状态", CHOICE, choices=CERT_STATUS, synonyms=("状态",)),
    F("is_legal_reviewer", "是否法制审核人员", BOOL, synonyms=("法制审核员",)),
    F("duty_status", "在岗状态", CHOICE, choices=("在岗", "离岗", "调离", "退休")),
    # lifecycle columns (ledgers.md "Added for the 2025–2026 priorities"); importing them creates the
    # matching certificate events (store/cert_events.py)
    F("left_date", "离岗日期", DATE, synonyms=("离岗时间", "调离日期"), in_list=False),
    F("review_year", "年审年度", INT, synonyms=("审验年度", "年度审验", "最近审验年度"), in_list=False),
    F("review_result", "年审结果", CHOICE, choices=REVIEW_RESULTS, synonyms=("审验结果",), in_list=False),
    F("phone", "联系电话", PHONE, in_list=False),
    F("note", "备注", LONGTEXT, in_list=False),
), status_field="cert_status", date_field="cert_expiry", display_field="name"))

TRAININGS = _add(Ledger("trainings", "培训记录", (
    F("officer_name", "姓名", required=True, person=True),
    F("officer_id", "执法人员", REF, ref="officers", in_list=False),
    F("id_number", "身份证号", IDNO, in_list=False),
    F("training_date", "培训日期", DATE, required=True),
    F("title", "培训名称", required=True),
    F("category", "培训类别", CHOICE, choices=("公共法律知识", "业务知识", "执法技能", "新法", "离岗培训")),
    F("hours", "学时", FLOAT, required=True),
    F("score", "考试成绩", FLOAT),
    F("passed", "是否合格", BOOL),
), date_field="training_date", status_field="category"))

POWERS = _add(Ledger("powers", "赋权事项", (
    F("code", "事项编码", synonyms=("编码", "职权编码", "权力编码")),
    F("name", "事项名称", required=True, synonyms=("职权名称", "权力事项名称")),
    F("power_type", "权力类型", CHOICE, choices=POWER_TYPES, synonyms=("职权类型", "事项类型", "类别")),
    F("legal_basis", "实施依据", LONGTEXT, synonyms=("法定依据", "设定依据", "依据")),
    F("origin_dept", "原实施部门", synonyms=("赋权部门", "县级部门", "委托部门")),
    F("body_id", "承接主体", REF, ref="bodies", synonyms=("承接单位", "乡镇")),
    F("mode", "赋权方式", CHOICE, choices=("赋权", "委托", "下沉"), synonyms=("下放方式",)),
    F("delegation_doc", "赋权文件", synonyms=("文件依据", "赋权文号"), in_list=False),
    F("effective_date", "生效日期", DATE, synonyms=("赋权日期", "承接日期")),
    F("status", "状态", CHOICE, choices=("有效", "暂停", "收回", "取消"), synonyms=("事项状态",)),
    F("revoked_date", "收回日期", DATE, in_list=False),
    F("revoke_reason", "收回原因", in_list=False),
), number_field="code", date_field="effective_date", status_field="status", display_field="name"))

# ---- 执法案件: outcome and discretion columns (ledgers.md "Added for the 2025–2026 priorities"; issue 15)
CASE_OUTCOMES = ("给予处罚", "不予处罚", "首违不罚", "从轻处罚", "减轻处罚", "不予立案", "撤销立案", "移送")
# outcomes people write into 处罚种类 (they mean 处理结果)
OUTCOMES_IN_PENALTY_KINDS = ("不予处罚", "首违不罚")
DISCRETION_LEVELS = ("轻微", "一般", "较重", "严重")
RECONSIDERATION_RESULTS = ("维持", "撤销", "变更", "确认违法", "责令履行", "驳回", "终止")
LITIGATION_RESULTS = ("驳回诉讼请求", "撤销", "变更", "确认违法", "责令履行", "调解撤诉")
TRANSFER_KINDS = ("移送司法机关", "移送纪检监察", "移送其他行政机关")
EXEMPLARY_KINDS = ("典型案例", "指导案例")
CASE_TYPE_ALIASES = (("一般程序", "行政处罚(一般程序)"), ("简易程序", "行政处罚(简易程序)"),
                     ("普通程序", "行政处罚(一般程序)"))
DISCRETION_GROUP = "处理结果与裁量"
CASE_DISCRETION_FIELDS = (
    F("outcome", "处理结果", CHOICE, choices=CASE_OUTCOMES, synonyms=("处理决定", "处理方式"), group=DISCRETION_GROUP),
    F("list_item", "适用清单事项", synonyms=("清单事项", "免罚清单事项", "清单编码"), in_list=False,
      group=DISCRETION_GROUP, help="包容审慎清单事项的编码或违法行为"),
    F("discretion_code", "裁量基准编码", synonyms=("基准编码", "裁量编码"), in_list=False, group=DISCRETION_GROUP),
    F("discretion_level", "裁量阶次", CHOICE, choices=DISCRETION_LEVELS, synonyms=("裁量档次", "违法程度", "情节"),
      in_list=False, group=DISCRETION_GROUP),
    F("reconsideration_result", "复议结果", CHOICE, choices=RECONSIDERATION_RESULTS, synonyms=("行政复议结果",),
      in_list=False, group=DISCRETION_GROUP),
    F("litigation_result", "诉讼结果", CHOICE, choices=LITIGATION_RESULTS, synonyms=("行政诉讼结果",),
      in_list=False, group=DISCRETION_GROUP),
    F("transfer", "移送情况", CHOICE, choices=TRANSFER_KINDS, synonyms=("移送",), in_list=False,
      group=DISCRETION_GROUP),
    F("exemplary_kind", "典型案例", CHOICE, choices=EXEMPLARY_KINDS, synonyms=("案例类型", "案例标记"),
      in_list=False, group=DISCRETION_GROUP),
    F("exemplary_summary", "案例摘要", LONGTEXT, synonyms=("典型案例摘要", "案例简介"), in_list=False,
      group=DISCRETION_GROUP),
)


EXEMPLARY_SUMMARY_MAX = 500


def exemplary_problem(kind, summary) -> str | None:
    """Why a 典型案例/指导案例 mark cannot be stored (None when it can): a marked case needs a short summary."""
    kind = (kind or "").strip()
    summary = (summary or "").strip()
    if kind and kind not in EXEMPLARY_KINDS:
        return f"“{kind}”不是可选值（{'、'.join(EXEMPLARY_KINDS)}）"
    if kind and not summary:
        return f"标记为{kind}时须填写案例摘要"
    if len(summary) > EXEMPLARY_SUMMARY_MAX:
        return f"案例摘要不超过{EXEMPLARY_SUMMARY_MAX}字（现为{len(summary)}字）"
    return None


def _prepare_case(values: dict) -> dict:
    """处罚种类 holding 不予处罚/首违不罚 means 处理结果 (ledgers.md): move it there (an explicit 处理结果 wins).
    A 典型案例/指导案例 mark needs its summary (checked when both columns are given: a form, a full row)."""
    if "exemplary_kind" in values and "exemplary_summary" in values:
        msg = exemplary_problem(values.get("exemplary_kind"), values.get("exemplary_summary"))
        if msg:
            raise ValidationError({"案例摘要" if "摘要" in msg else "典型案例": msg})
    raw = values.get("penalty_kinds")
    if raw is None or raw == "":
        return values
    items = list(raw) if isinstance(raw, (list, tuple)) else v.split_names(str(raw))
    outcomes = [i for i in items if i in OUTCOMES_IN_PENALTY_KINDS]
    if not outcomes:
        return values
    out = dict(values)
    rest = [i for i in items if i not in OUTCOMES_IN_PENALTY_KINDS]
    out["penalty_kinds"] = rest or None
    if not (str(out.get("outcome") or "").strip()):
        out["outcome"] = outcomes[0]
    return out


CASES = _add(Ledger("cases", "执法案件", (
    F("case_no", "案号", required=True, synonyms=("案件编号", "文书编号")),
    F("body_id", "执法主体", REF, ref="bodies", synonyms=("办案单位", "执法单位")),
    F("case_type", "案件类型", CHOICE, required=True, choices=CASE_TYPES, synonyms=("执法类别", "行为类别"),
      aliases=CASE_TYPE_ALIASES),
    F("power_id", "赋权事项", REF, ref="powers", synonyms=("事项名称", "执法事项"), in_list=False),
    F("cause", "案由", synonyms=("违法行为", "案件名称")),
    F("party", "当事人", synonyms=("当事人名称", "被处罚人", "相对人")),
    F("party_type", "当事人类型", CHOICE, choices=("自然人", "法人", "其他组织"), synonyms=("相对人类型",),
      in_list=False),
    F("party_code", "统一社会信用代码", synonyms=("信用代码", "证件号码"), in_list=False),
    # a 自然人's ID (issue 12): a 身份证号, masked in lists, exports and packages like an officer's
    F("party_id_number", "当事人身份证号", IDNO, synonyms=("身份证号", "身份证号码", "公民身份号码"), in_list=False),
    F("violation_date", "违法行为发生日期", DATE, synonyms=("违法日期",), in_list=False),
    F("filed_date", "立案日期", DATE, synonyms=("立案时间",)),
    F("extension_days", "延期天数", INT, in_list=False),
    F("decision_date", "决定日期", DATE, synonyms=("处罚决定日期", "作出决定日期")),
    F("penalty_kinds", "处罚种类", MULTI, choices=PENALTY_KINDS, synonyms=("处罚类型",)),
    F("fine_amount", "罚款金额", MONEY, synonyms=("罚款(元)", "罚没金额", "处罚金额")),
    F("confiscation_amount", "没收金额", MONEY, synonyms=("没收违法所得",), in_list=False),
    F("officer_names", "承办人", NAMES, synonyms=("执法人员", "办案人员")),
    F("is_major", "是否重大", BOOL, synonyms=("重大执法决定",), in_list=False),
    F("legal_review_date", "法制审核日期", DATE, synonyms=("审核日期",), in_list=False),
    F("legal_reviewer", "法制审核人", synonyms=("审核人员",), in_list=False, person=True),
    F("hearing_notified", "听证告知", BOOL, synonyms=("是否告知听证",), in_list=False),
    F("served_date", "送达日期", DATE, in_list=False),
    F("published_date", "公示日期", DATE, synonyms=("公示时间",)),
    F("closed_date", "结案日期", DATE, synonyms=("结案时间",), in_list=False),
    F("av_record", "音像记录", BOOL, synonyms=("全过程记录",), in_list=False),
    F("life_safety", "涉及生命健康/金融安全", BOOL, in_list=False),
    F("status", "办理状态", CHOICE, choices=("办理中", "已决定", "已结案", "已撤销")),
    F("note", "备注", LONGTEXT, in_list=False),
    *CASE_DISCRETION_FIELDS,
), number_field="case_no", date_field="filed_date", status_field="status", prepare=_prepare_case))

# ---- 行政检查: 涉企检查 columns (ledgers.md "Added for the 2025–2026 priorities"; 国办发〔2024〕54号; issue 13)
INSPECT_TYPES = ("日常检查", "专项检查", "个案检查")
TASK_SOURCES = ("年度计划", "投诉举报", "上级交办", "转办移送", "企业申请", "整改复查", "紧急情形", "其他")
EMERGENCY_SOURCE = "紧急情形"
INSPECT_METHODS = ("现场检查", "非现场检查", "书面核查")
ON_SITE = "现场检查"            # the default when 检查方式 is empty
INSPECT_METHOD_ALIASES = (("现场", "现场检查"), ("实地检查", "现场检查"), ("非现场", "非现场检查"),
                          ("非现场监管", "非现场检查"), ("远程检查", "非现场检查"), ("书面检查", "书面核查"),
                          ("书面审查", "书面核查"))
TASK_SOURCE_ALIASES = (("计划内", "年度计划"), ("计划检查", "年度计划"), ("双随机", "年度计划"),
                       ("双随机抽查", "年度计划"), ("投诉", "投诉举报"), ("举报", "投诉举报"), ("12345", "投诉举报"),
                       ("交办", "上级交办"), ("移送", "转办移送"), ("转办", "转办移送"), ("复查", "整改复查"),
                       ("紧急", "紧急情形"), ("情况紧急", "紧急情形"), ("突发事件", "紧急情形"))
RATINGS = ("满意", "基本满意", "不满意")
ENTERPRISE_GROUP = "涉企检查"
INSPECTION_ENTERPRISE_FIELDS = (
    F("item_name", "检查事项", synonyms=("检查事项名称", "行政检查事项"), group=ENTERPRISE_GROUP,
      help="本主体行政检查事项目录中已公布的事项（JC-03）"),
    F("item_code", "检查事项编码", synonyms=("事项编码",), in_list=False, group=ENTERPRISE_GROUP,
      help="可不填；填写时先按编码匹配目录"),
    F("task_source", "任务来源", CHOICE, choices=TASK_SOURCES, synonyms=("检查来源", "检查依据来源"),
      aliases=TASK_SOURCE_ALIASES, group=ENTERPRISE_GROUP),
    F("method", "检查方式", CHOICE, choices=INSPECT_METHODS, aliases=INSPECT_METHOD_ALIASES, in_list=False,
      group=ENTERPRISE_GROUP, help="不填视为现场检查"),
    F("approval_date", "审批日期", DATE, synonyms=("检查审批日期", "方案审批日期"), in_list=False,
      group=ENTERPRISE_GROUP, help="检查方案经本机关负责人批准的日期（JC-05）"),
    F("approver", "审批人", synonyms=("批准人",), in_list=False, group=ENTERPRISE_GROUP, person=True),
    F("report_time", "报备时间", DATETIME, synonyms=("扫码时间", "扫码入企时间", "报备日期"), group=ENTERPRISE_GROUP,
      help="线上报备（扫码入企）的日期或日期时间，如 2025-08-01 09:30（JC-04）"),
    F("report_no", "报备编号", synonyms=("扫码编号", "检查码", "入企码"), in_list=False, group=ENTERPRISE_GROUP),
    F("rating", "企业评价", CHOICE, choices=RATINGS, synonyms=("企业满意度", "评价结果"), group=ENTERPRISE_GROUP),
    F("officer_cert_nos", "检查人员执法证号", synonyms=("执法证号", "检查人员证号", "执法人员执法证号", "执法证件号"),
      in_list=False, group=ENTERPRISE_GROUP, help="扫码入企平台导出的执法证号，与检查人员按顺序对应；用于关联执法人员"),
)

def _prepare_inspection(values: dict) -> dict:
    """A 扫码入企 export has no 检查日期 of its own: the date of the 扫码时间 (报备时间) is the inspection's."""
    if str(values.get("inspect_date") or "").strip() or not values.get("report_time"):
        return values
    try:
        when = v.parse_datetime(values["report_time"])
    except ValueError:
        return values       # reported against 报备时间 itself
    return dict(values, inspect_date=when[:10]) if when else values


INSPECTIONS = _add(Ledger("inspections", "行政检查", (
    F("inspect_date", "检查日期", DATE, required=True, synonyms=("检查时间", "入企检查日期")),
    F("body_id", "执法主体", REF, ref="bodies", synonyms=("检查主体", "检查单位", "实施主体")),
    F("target_name", "检查对象", required=True, synonyms=("企业名称", "检查对象(企业名称)", "被检查单位", "被检查企业")),
    F("target_uscc", "统一社会信用代码", USCC, synonyms=("信用代码", "企业信用代码")),
    F("inspect_type", "检查类型", CHOICE, choices=INSPECT_TYPES, synonyms=("检查类别",)),
    F("is_joint", "是否联合检查", BOOL, synonyms=("联合检查",)),
    F("officer_names", "检查人员", NAMES, synonyms=("执法人员", "检查人员姓名")),
    F("result", "检查结果", LONGTEXT),
    F("found_problem", "是否发现问题", BOOL),
    *INSPECTION_ENTERPRISE_FIELDS,
), date_field="inspect_date", status_field="inspect_type", prepare=_prepare_inspection,
    fallbacks=(("inspect_date", "report_time"),)))

VISITS = _add(Ledger("visits", "监督检查", (
    F("visit_date", "检查日期", DATE, required=True),
    F("method", "监督方式", CHOICE, choices=("日常监督", "重点监督", "专项监督", "案卷评查", "座谈",
                                           "台账核查", "暗访", "现场测评")),
    F("body_id", "被监督单位", REF, ref="bodies", required=True),
    F("people", "检查人员", NAMES),
    F("findings", "发现问题", LONGTEXT),
    F("problem_count", "问题数", INT),
    F("note", "备注", LONGTEXT, in_list=False),
    # issue 16: the plan item the visit carries out, and its checklist (version and results per item)
    F("plan_item_id", "监督计划事项", REF, ref="supervision_plans", in_list=False,
      synonyms=("计划事项", "年度监督计划")),
    F("checklist_id", "检查清单", REF, ref="checklists", in_list=False),
    F("checklist_results", "清单检查结果", JSON, in_list=False),
), date_field="visit_date", status_field="method"))

REVIEWS = _add(Ledger("reviews", "案卷评查", (
    F("batch_id", "评查批次", REF, ref="review_batches"),
    F("case_id", "案卷", REF, ref="cases", in_list=False),
    F("case_no", "案号", required=True),
    F("body_id", "被评查单位", REF, ref="bodies"),
    F("reviewers", "评查人", NAMES, required=True, help="至少2人"),
    F("review_date", "评查日期", DATE),
    F("veto_hits", "否决项", JSON, in_list=False),
    F("deductions", "扣分明细", JSON, in_list=False),
    F("score", "得分", FLOAT),
    F("grade", "等次", CHOICE, choices=("优秀", "良好", "合格", "不合格")),
    F("comment", "评语", LONGTEXT, in_list=False),
), number_field="case_no", date_field="review_date", status_field="grade"))

PROBLEMS = _add(Ledger("problems", "问题整改", (
    F("problem_no", "问题编号", synonyms=("编号",)),
    F("found_date", "发现日期", DATE, required=True),
    F("source", "来源", CHOICE, choices=PROBLEM_SOURCES, required=True),
    F("source_ref", "来源记录", in_list=False),
    F("body_id", "被监督单位", REF, ref="bodies"),
    F("category", "问题类别", CHOICE, choices=PROBLEM_CATEGORIES),
    F("description", "问题描述", LONGTEXT, required=True),
    F("basis", "依据条款", in_list=False),
    F("requirement", "整改要求", LONGTEXT, in_list=False),
    F("deadline", "整改期限", DATE),
    F("responsible", "责任人", in_list=False),
    F("status", "整改状态", CHOICE, choices=PROBLEM_STATUS),
    F("closed_date", "销号日期", DATE),
    # issue 12: 1 = imported from an old sheet with its state (read-only, see domain/record_state.py)
    F("state_imported", "历史导入", BOOL, synonyms=("历史记录",)),
), number_field="problem_no", date_field="found_date", status_field="status"))

DOCUMENTS = _add(Ledger("documents", "监督文书", (
    F("doc_type", "文书类型", CHOICE, choices=DOC_TYPES, required=True),
    F("doc_no", "文号", check=v.normalize_doc_no, help="如 示司督函〔2026〕3号；草稿不填，签发时自动编号"),
    F("title", "标题", required=True),
    F("recipient", "主送单位", required=True),
    F("body_id", "被监督单位", REF, ref="bodies", in_list=False),
    F("target_org", "发往乡镇(机构代码)", in_list=False),
    F("subject", "事由", LONGTEXT, in_list=False),
    F("content", "正文", LONGTEXT, in_list=False),
    F("cc", "抄送", in_list=False),
    F("signer", "签发人", in_list=False),
    F("doc_date", "成文日期", DATE),
    F("reply_deadline", "反馈期限", DATE),
    F("status", "状态", CHOICE, choices=DOC_STATUS),
    F("served_date", "送达日期", DATE, in_list=False),
    F("served_method", "送达方式", CHOICE, choices=("直接送达", "留置送达", "邮寄送达", "电子送达", "委托送达",
                                                "公告送达"), in_list=False),
    F("served_receiver", "签收人", in_list=False),
    F("reply_date", "反馈日期", DATE),
    F("reply_content", "反馈内容", LONGTEXT, in_list=False),
    F("supersedes_id", "替代文书", in_list=False),
    F("state_imported", "历史导入", BOOL, synonyms=("历史记录",)),
), number_field="doc_no", date_field="doc_date", status_field="status"))

COMPLAINTS = _add(Ledger("complaints", "投诉举报/线索", (
    F("channel", "来源渠道", CHOICE, choices=CLUE_CHANNELS, required=True, synonyms=("来源", "渠道", "投诉渠道")),
    F("ticket_no", "工单编号", synonyms=("12345工单号", "工单号", "工单编码")),
    F("received_date", "受理日期", DATE, required=True, synonyms=("收到日期", "受理时间", "接收日期", "来件日期")),
    F("complainant", "反映人", in_list=False),
    F("phone", "联系电话", PHONE, in_list=False),
    F("body_id", "涉及单位", REF, ref="bodies", synonyms=("被投诉单位", "被举报单位", "承办单位")),
    F("summary", "内容摘要", LONGTEXT, required=True, synonyms=("投诉内容", "反映内容", "主要内容", "诉求内容")),
    F("verifier", "核查人"),
    F("conclusion", "核查结论", CHOICE, choices=("属实", "部分属实", "不属实", "核查中")),
    F("result", "处理结果", LONGTEXT, in_list=False, synonyms=("办理结果",)),
    F("problem_id", "转化问题", REF, ref="problems", in_list=False),
    F("time_limit", "办理时限", DATE, synonyms=("办结时限", "办理期限"), help="空则按受理日期后15个工作日（TS-01）"),
    F("closed_date", "办结日期", DATE, synonyms=("办结时间",)),
    F("status", "办理状态", CHOICE, choices=COMPLAINT_STATUS, synonyms=("状态",)),
    F("satisfaction", "满意度", CHOICE, choices=SATISFACTION, synonyms=("满意度评价", "回访满意度")),
), number_field="ticket_no", date_field="received_date", status_field="conclusion"))

PLAN_TASKS = _add(Ledger("plan_tasks", "三年行动任务", (
    F("task_no", "任务编号", synonyms=("序号", "编号")),
    F("task", "任务名称", LONGTEXT, required=True, synonyms=("任务内容", "重点任务", "工作任务")),
    F("measure", "具体措施", LONGTEXT, synonyms=("工作措施",)),
    F("responsible_unit", "责任单位", synonyms=("牵头单位",)),
    F("deadline", "完成时限", DATE, synonyms=("时间节点", "完成时间")),
    F("progress", "进展情况", LONGTEXT),
    F("evidence", "佐证材料", in_list=False),
    F("status", "状态", CHOICE, choices=("未开始", "推进中", "已完成", "持续推进"), synonyms=("进度", "完成情况")),
), number_field="task_no", date_field="deadline", status_field="status"))

SUPERVISORS = _add(Ledger("supervisors", "行政执法监督员", (
    F("name", "姓名", required=True, person=True),
    F("identity", "身份", CHOICE, choices=("人大代表", "政协委员", "企业家", "律师/法律顾问", "村(居)干部", "其他")),
    F("id_number", "身份证号", IDNO, synonyms=("身份证号码",), in_list=False),
    F("employer", "工作单位"),
    F("phone", "联系电话", PHONE),
    F("term_start", "聘任日期", DATE, synonyms=("聘期起", "聘任时间")),
    F("term_end", "聘期至", DATE, synonyms=("聘期止", "聘期截止", "聘期届满日期")),
    F("activities", "参与活动记录", LONGTEXT),
    F("status", "状态", CHOICE, choices=("在聘", "期满", "解聘")),
), date_field="term_start", status_field="status", display_field="name"))

# certificate events (issue 14): the history behind an officer's certificate and duty status
CERT_EVENTS = _add(Ledger("cert_events", "证件履历", (
    F("officer_name", "姓名", required=True, synonyms=("执法人员姓名", "人员姓名", "执法人员")),
    F("officer_id", "执法人员", REF, ref="officers", in_list=False),
    F("id_number", "身份证号", IDNO, in_list=False),
    F("event_type", "事件类型", CHOICE, required=True, choices=CERT_EVENT_TYPES, synonyms=("事件", "类型")),
    F("event_date", "日期", DATE, required=True, synonyms=("事件日期", "办理日期")),
    F("doc_no", "文号", synonyms=("文件编号", "批准文号")),
    F("reason", "事由/原因", synonyms=("原因", "事由", "离岗原因")),
    F("cert_no", "执法证号", synonyms=("证件编号",), in_list=False, help="发证、补发时填写"),
    F("cert_expiry", "有效期至", DATE, in_list=False, help="发证、补发时填写"),
    F("review_year", "审验年度", INT, synonyms=("年审年度",), help="审验时填写"),
    F("result", "结果", CHOICE, choices=REVIEW_RESULTS, synonyms=("审验结果", "考核结果", "返岗考核结果"),
      help="审验结果或返岗考核结果"),
    F("prelim_date", "司法所初审日期", DATE, synonyms=("初审日期",), in_list=False, help="申领时填写"),
    F("prelim_opinion", "司法所初审意见", LONGTEXT, synonyms=("初审意见",), in_list=False, help="申领时填写"),
    F("leave_kind", "离岗类型", CHOICE, choices=LEAVE_KINDS, in_list=False, help="离岗时填写（默认离岗）"),
    F("recorded_by", "记录人", in_list=False),
    F("note", "备注", LONGTEXT, in_list=False),
), date_field="event_date", status_field="event_type"))

EXAM_BATCHES = _add(Ledger("exam_batches", "闭卷考试", (
    F("name", "考试名称", required=True),
    F("exam_date", "考试日期", DATE, required=True),
    F("year", "年度", INT, required=True),
    F("scope", "考试范围"),
    F("body_id", "组织单位", REF, ref="bodies", in_list=False),
    F("pass_mark", "合格分数线", FLOAT),
    F("note", "备注", LONGTEXT, in_list=False),
), date_field="exam_date", display_field="name"))

EXAM_SCORES = _add(Ledger("exam_scores", "考试成绩", (
    F("batch_id", "考试", REF, ref="exam_batches", required=True),
    F("officer_id", "执法人员", REF, ref="officers"),
    F("officer_name", "姓名", required=True),
    F("score", "成绩", FLOAT),
    F("passed", "是否合格", BOOL),
    F("note", "备注", in_list=False),
), status_field="passed"))

# ---- 包容审慎清单 and 行政裁量权基准 (ledgers.md "Added for the 2025–2026 priorities"; issue 15). County-owned
# catalogs go down to every township; a township may add local rows of its own.
LIST_TYPES = ("不予处罚", "首违不罚", "从轻处罚", "减轻处罚", "不予实施行政强制")
LIST_ITEM_STATUS = ("有效", "停用", "废止")
LENIENCY_ITEMS = _add(Ledger("leniency_items", "包容审慎清单", (
    F("list_type", "清单类型", CHOICE, required=True, choices=LIST_TYPES, synonyms=("清单种类", "清单名称")),
    F("code", "事项编码", synonyms=("编码", "清单编码", "序号编码")),
    F("violation", "违法行为", required=True, synonyms=("违法行为名称", "事项名称")),
    F("conditions", "适用条件", LONGTEXT, synonyms=("适用情形", "条件")),
    F("legal_basis", "法律依据", LONGTEXT, synonyms=("依据", "法定依据", "处罚依据")),
    F("issuer", "制定单位", synonyms=("发布单位", "制定机关")),
    F("issued_date", "发布日期", DATE, synonyms=("公布日期", "印发日期")),
    F("status", "状态", CHOICE, choices=LIST_ITEM_STATUS, synonyms=("事项状态",)),
), number_field="code", date_field="issued_date", status_field="list_type", display_field="violation"))

DISCRETION_STANDARDS = _add(Ledger("discretion_standards", "行政裁量权基准", (
    F("code", "基准编码", required=True, synonyms=("裁量基准编码", "裁量编码", "编码")),
    F("violation", "违法行为", synonyms=("违法行为名称", "事项名称")),
    F("legal_basis", "法律依据", LONGTEXT, synonyms=("依据", "处罚依据")),
    F("level", "裁量阶次", CHOICE, required=True, choices=DISCRETION_LEVELS,
      synonyms=("裁量档次", "违法程度", "情节")),
    F("circumstances", "适用情形", LONGTEXT, synonyms=("适用条件", "具体情形")),
    F("fine_min", "罚款下限", MONEY, synonyms=("罚款下限(元)", "最低罚款")),
    F("fine_max", "罚款上限", MONEY, synonyms=("罚款上限(元)", "最高罚款")),
    F("other_penalty", "其他处罚", synonyms=("其他处罚种类",)),
    F("issuer", "制定单位", synonyms=("发布单位", "制定机关")),
    F("issued_date", "发布日期", DATE, synonyms=("公布日期", "印发日期")),
), number_field="code", date_field="issued_date", status_field="level", display_field="violation"))

# ---- 行政检查事项目录 and 涉企检查计划 (ledgers.md "Added for the 2025–2026 priorities"; issue 13). Each body
# publishes its own catalog and annual plan: township-owned rows, like the inspections themselves.
ITEM_STATUS = ("有效", "停用")
INSPECTION_ITEMS = _add(Ledger("inspection_items", "行政检查事项目录", (
    F("code", "事项编码", synonyms=("编码", "检查事项编码")),
    F("name", "事项名称", required=True, synonyms=("检查事项", "检查事项名称", "行政检查事项")),
    F("body_id", "执法主体", REF, ref="bodies", required=True, synonyms=("实施主体", "检查主体")),
    F("basis", "检查依据", LONGTEXT, synonyms=("依据", "法律依据", "设定依据", "实施依据")),
    F("target", "检查对象", synonyms=("检查对象范围",)),
    F("published_date", "公布日期", DATE, synonyms=("公示日期", "发布日期")),
    F("status", "状态", CHOICE, choices=ITEM_STATUS, synonyms=("事项状态",), aliases=(("启用", "有效"), ("失效", "停用"),
                                                                                  ("废止", "停用"))),
), number_field="code", date_field="published_date", status_field="status", display_field="name"))

INSPECTION_PLANS = _add(Ledger("inspection_plans", "涉企检查计划", (
    F("plan_year", "计划年度", INT, required=True, synonyms=("年度",)),
    F("body_id", "执法主体", REF, ref="bodies", required=True, synonyms=("实施主体", "检查主体")),
    F("item_name", "检查事项", synonyms=("检查事项名称", "行政检查事项")),
    F("scope", "检查对象范围", synonyms=("检查对象",)),
    F("ratio", "检查比例", synonyms=("抽查比例",)),
    F("frequency", "检查频次", synonyms=("频次",)),
    F("method", "检查方式"),
    F("published_date", "公布日期", DATE, synonyms=("公示日期", "发布日期")),
    F("filed_date", "备案日期", DATE, synonyms=("报司法局备案日期", "备案时间", "报备案日期")),
), date_field="published_date", display_field="item_name"))

# support tables (edited from their parent ledgers, not in the navigation list)
REVIEW_BATCHES = _add(Ledger("review_batches", "评查批次", (
    F("name", "批次名称", required=True),
    F("year", "年度", INT, required=True),
    F("mode", "组织方式", CHOICE, choices=("自查", "抽查", "交叉互评", "集中评查")),
    F("scope", "评查范围"),
    F("standard_id", "评查标准"),
    F("notice_doc_id", "通报文书", in_list=False),
    F("plan_item_id", "监督计划事项", REF, ref="supervision_plans", in_list=False),
), display_field="name", in_nav=False))

POWER_EVALUATIONS = _add(Ledger("power_evaluations", "赋权事项评估", (
    F("power_code", "事项编码", synonyms=("编码", "职权编码")),
    F("power_name", "事项名称", synonyms=("职权名称", "赋权事项名称")),
    F("power_id", "赋权事项", REF, ref="powers", in_list=False),
    F("eval_date", "评估日期", DATE, required=True, synonyms=("评估时间",)),
    F("year", "评估年度", INT, required=True),
    F("method", "评估方式", CHOICE, choices=EVAL_METHODS),
    F("case_count", "办件量", INT, synonyms=("办件数",)),
    F("corrected_count", "纠错数", INT),
    F("review_failed_count", "评查不合格数", INT),
    F("staff_count", "承接人员数", INT),
    F("certified_count", "持证数", INT),
    F("conclusion", "评估结论", CHOICE, choices=("保留", "调整", "建议收回", "建议新增")),
    F("problems", "存在问题", LONGTEXT),
    F("opinion_township", "乡镇意见", LONGTEXT, in_list=False),
    F("opinion_dept", "县级部门意见", LONGTEXT, in_list=False),
    F("opinion_sfs", "司法所意见", LONGTEXT, in_list=False),
    F("opinions", "各方意见", LONGTEXT, in_list=False),
), number_field="power_code", date_field="eval_date", status_field="conclusion"))

# ---- the supervisor's year (ledgers.md "Added for the 2025–2026 priorities"; issue 16)
PLAN_METHODS = ("日常监督", "专项监督", "案卷评查", "台账核查", "暗访")
PLAN_STATUS = ("未开始", "进行中", "已完成")
SUPERVISION_PLANS = _add(Ledger("supervision_plans", "年度监督计划", (
    F("plan_year", "计划年度", INT, required=True, synonyms=("年度",)),
    F("seq", "序号", synonyms=("编号",)),
    F("item", "监督事项", required=True, synonyms=("监督内容", "计划事项", "工作内容")),
    F("method", "监督方式", CHOICE, choices=PLAN_METHODS, synonyms=("方式",)),
    F("body_id", "被监督单位", REF, ref="bodies", synonyms=("监督对象", "被监督对象")),
    F("township", "乡镇", in_list=False, help="计划针对整个乡镇时填写"),
    F("planned_date", "计划完成时间", DATE, synonyms=("完成时间", "计划时间", "完成时限")),
    F("responsible", "责任人", synonyms=("负责人",)),
    F("status", "状态", CHOICE, choices=PLAN_STATUS, synonyms=("完成情况", "进度")),
    F("note", "备注", LONGTEXT, in_list=False),
), number_field="seq", date_field="planned_date", status_field="status", display_field="item"))

SURVEY_METHODS = ("问卷", "电话回访", "企业评价", "第三方")
SATISFACTION_SURVEYS = _add(Ledger("satisfaction_surveys", "执法满意度调查", (
    F("survey_date", "调查日期", DATE, required=True, synonyms=("调查时间",)),
    F("body_id", "被评价单位", REF, ref="bodies", synonyms=("执法主体", "被调查单位")),
    F("method", "调查方式", CHOICE, choices=SURVEY_METHODS),
    F("sample_count", "样本数", INT, required=True, synonyms=("调查人数", "样本量")),
    F("satisfied_count", "满意数", INT, synonyms=("满意",)),
    F("basic_count", "基本满意数", INT, synonyms=("基本满意",)),
    F("unsatisfied_count", "不满意数", INT, synonyms=("不满意",)),
    F("note", "备注", LONGTEXT, in_list=False),
), date_field="survey_date", status_field="method"))

CHECKLISTS = _add(Ledger("checklists", "监督检查清单", (
    F("name", "清单名称", required=True),
    F("version_label", "版本", required=True),
    F("items", "检查项目", JSON, in_list=False),
    F("active", "启用", BOOL),
    F("note", "说明", LONGTEXT, in_list=False),
), display_field="name", in_nav=False))

REPORT_CALENDAR = _add(Ledger("report_calendar", "报送日历", (
    F("name", "报送事项", required=True),
    F("frequency", "周期", CHOICE, choices=("每月", "每年"), required=True),
    F("month", "截止月", INT, help="每年的事项填写；每月的事项留空"),
    F("day", "截止日", INT, required=True),
    F("active", "启用", BOOL),
    F("note", "说明", LONGTEXT, in_list=False),
), display_field="name", in_nav=False))

REPORT_SUBMISSIONS = _add(Ledger("report_submissions", "报送记录", (
    F("calendar_id", "报送事项", REF, ref="report_calendar", required=True),
    F("period", "所属期", required=True, help="每月事项：2026-03；每年事项：2026"),
    F("submitted_date", "报送日期", DATE, required=True),
    F("note", "备注", LONGTEXT, in_list=False),
), date_field="submitted_date", in_nav=False))

NAV_ORDER = ("officers", "cert_events", "trainings", "exam_batches", "exam_scores", "powers", "cases", "inspections", "visits", "reviews", "problems",
             "documents", "complaints", "plan_tasks", "supervisors", "bodies",
             "leniency_items", "discretion_standards", "inspection_items", "inspection_plans",
             "supervision_plans", "power_evaluations", "satisfaction_surveys")


def nav_ledgers() -> list[Ledger]:
    return [LEDGERS[k] for k in NAV_ORDER]


# The county's view (issue 16): every ledger list of a county folder leads with the 乡镇 whose records they are
# (the record's owner_org), so 示范县城市管理局 working in three townships reads as three distinct rows.
TOWNSHIP_FIELD = Field("owner_org", "乡镇", TEXT)


def township_label(org_name: str | None, code: str = "") -> str:
    """The 乡镇 of a township organisation: its name without 司法所 (青石镇司法所 → 青石镇)."""
    name = (org_name or code or "").strip()
    return name[:-3] if name.endswith("司法所") and len(name) > 3 else name


def normalize(ledger: Ledger, values: dict, partial: bool = False) -> dict:
    """Validate and normalise user-entered values for `ledger`.

    Returns a new dict of storable values. Raises ValidationError (Chinese messages per field label).
    With partial=True, required fields missing from `values` are not reported (an update).
    """
    if ledger.prepare is not None:
        values = ledger.prepare(values)
    out: dict = {}
    errors: dict[str, str] = {}
    for f in ledger.fields:
        if f.name not in values:
            if f.required and not partial:
                errors[f.label] = "必填"
            continue
        raw = values[f.name]
        try:
            val = _normalize_value(f, raw)
        except ValueError as exc:
            errors[f.label] = str(exc)
            continue
        if f.required and (val is None or val == ""):
            errors[f.label] = "必填"
            continue
        out[f.name] = val
    # keys that are not ledger fields are passed through untouched (ids, links, workflow columns)
    for k, val in values.items():
        if not ledger.has(k):
            out[k] = val
    if errors:
        raise ValidationError(errors)
    return out


def _normalize_value(f: Field, raw):
    if raw is None:
        return None
    if isinstance(raw, str):
        raw = raw.strip()
        if raw == "":
            return None
    k = f.kind
    if k == DATE:
        return v.parse_date(raw)
    if k == DATETIME:
        return v.parse_datetime(raw)
    if k == BOOL:
        b = v.parse_bool(raw)
        return None if b is None else int(b)
    if k == MONEY:
        return v.parse_amount(raw)
    if k == INT:
        try:
            num = float(v.to_halfwidth(str(raw)))
        except ValueError:
            raise ValueError(f"应为整数：“{str(raw)[:40]}”") from None
        limits.check_number(num, integer=True)
        return int(num)
    if k == FLOAT:
        try:
            num = float(v.to_halfwidth(str(raw)))
        except ValueError:
            raise ValueError(f"应为数字：“{str(raw)[:40]}”") from None
        limits.check_number(num)
        return num
    if k == IDNO:
        text = v.to_halfwidth(str(raw)).strip().upper()
        err = v.validate_id_number(text)
        if err:
            raise ValueError(err)
        return text
    if k == USCC:
        text = v.to_halfwidth(str(raw)).strip().upper()
        err = v.validate_uscc(text)
        if err:
            raise ValueError(err)
        return text
    if k == CHOICE:
        text = str(raw).strip()
        if f.aliases and text not in f.choices:
            text = dict(f.aliases).get(text.replace("（", "(").replace("）", ")").replace(" ", ""), text)
        if f.choices and text not in f.choices:
            raise ValueError(f"“{text}”不是可选值（{'、'.join(f.choices)}）")
        return text
    if k == MULTI:
        items = raw if isinstance(raw, (list, tuple)) else v.split_names(raw)
        bad = [i for i in items if f.choices and i not in f.choices]
        if bad:
            raise ValueError(f"“{bad[0]}”不是可选值")
        return "、".join(items)
    if k == NAMES:
        items = ([v.normalize_person_name(i) for i in raw] if isinstance(raw, (list, tuple))
                 else v.split_person_names(raw))
        return "、".join(i for i in items if i)
    if k == PHONE:
        text = v.to_halfwidth(str(raw)).strip()
        digits = text.replace("-", "").replace(" ", "")
        if not digits.isdigit() or not 7 <= len(digits) <= 12:
            raise ValueError(f"电话号码格式不正确：“{raw}”")
        return text
    if k == JSON:
        return raw
    if f.person:
        return v.normalize_person_name(raw) or None
    if f.check is not None:
        return f.check(str(raw))
    return str(raw)
