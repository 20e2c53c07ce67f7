"""One template per document type: turn plain facts (a dict) into an editable `Document`.

The store-side drafting code (documents.service) collects the facts from the records a document concerns
(problems of a body, a review batch, a visit) and calls `build(doc_type, facts)`. Every key is optional;
missing facts become visible "××" placeholders the user fills in before issue.

Fact keys:
  issuer, issuer_subtitle, county_gov, office (the 司法所), recipient, date (datetime.date), doc_no,
  signature, cc (list), contact, phone, deadline (date), reply_days (int), source, found_date (date),
  scope, method, basis, earlier_doc_no, earlier_date, earlier_deadline, status, matter,
  problems: list of {category, description, case_ref, requirement, deadline}
  ranking (季度通报): {year, quarter, indicator_labels, rows: [{rank, township, score, has_data, <indicator keys>}]}
  review (通报): {year, units, cases, permit, penalty, other, excellent, good, passed, failed, rows, excellent_list}
  service (送达回证): {doc_title, doc_no, receiver, address, method, server, notes}
"""

from __future__ import annotations

import datetime as _dt

from .model import (
    DEFAULT_CODES, DOC_TYPES, DUBANHAN, FORM, GENERAL, H1, HUIZHENG, JIANYISHU, JIDU, JUEDINGSHU, LETTER, PLAIN,
    SERVICE_METHODS, TONGBAO, YIJIANSHU, YUETAN, ZHENGGAI, Document, Paragraph, Run, Table, format_cn_date,
)

X = "××"
CN_NUM = "一二三四五六七八九十"


def _d(v) -> str:
    if isinstance(v, _dt.date):
        return format_cn_date(v)
    return str(v) if v else "×年×月×日"


def _n(i: int) -> str:
    """Chinese item number: 一 … 十, 十一 … 十九, 二十, 二十一 … 九十九 (公文 numbers items in words, never "（20）")."""
    if i <= 10:
        return CN_NUM[i - 1]
    if i < 20:
        return "十" + CN_NUM[i - 11]
    if i < 100:
        tens, units = divmod(i, 10)
        return CN_NUM[tens - 1] + "十" + (CN_NUM[units - 1] if units else "")
    return str(i)


def _p(text: str) -> Paragraph:
    return Paragraph([Run(text)])


def _h1(text: str) -> Paragraph:
    return Paragraph([Run(text)], H1)


def _h1_inline(head: str, rest: str) -> Paragraph:
    """一、标题。正文 — the heading in 黑体, the rest of the paragraph in 仿宋."""
    return Paragraph([Run(head, "heiti"), Run(rest, "fangsong")], "body")


def _problems(f: dict) -> list[dict]:
    return list(f.get("problems") or [])


def _problem_line(k: int, p: dict) -> str:
    cat = p.get("category") or ""
    desc = (p.get("description") or X).rstrip("。；;.")
    ref = p.get("case_ref") or ""
    s = f"（{_n(k)}）"
    if cat:
        s += f"{cat}方面：" if not cat.endswith("问题") else f"{cat}："
    s += desc
    if ref:
        s += f"（涉及{ref}）"
    return s + "。"


def _common(doc_type: str, f: dict, header: str) -> Document:
    issuer = f.get("issuer") or "××县司法局"
    return Document(
        doc_type=doc_type,
        title="",
        issuer=issuer,
        issuer_subtitle=f.get("issuer_subtitle", ""),
        doc_no=f.get("doc_no", ""),
        recipient=f.get("recipient") or "××镇人民政府",
        signature=f.get("signature") or issuer,
        date=f.get("date") or _dt.date.today(),
        cc=list(f.get("cc") or []),
        header=f.get("header") or header,
    )


def dubanhan(f: dict) -> Document:
    doc = _common(DUBANHAN, f, LETTER)
    office = f.get("office") or "××司法所"
    matter = f.get("matter") or "行政执法监督发现问题整改事项"
    doc.title = f"关于督促办理{matter}的函"
    probs = _problems(f)
    since = bool(f.get("found_since"))  # problems found on several dates: "自…以来…先后发现"
    body = [_p(f"{'自' if since else ''}{_d(f.get('found_date'))}{'以来' if since else ''}，我局（{office}）在"
               f"{f.get('source') or '行政执法监督检查'}中{'先后' if since else ''}发现你单位存在"
               f"{'以下问题' if probs else '有关问题'}：")]
    for k, p in enumerate(probs, 1):
        body.append(_p(_problem_line(k, p)))
    if f.get("earlier_doc_no") or f.get("earlier_date"):
        body.append(_p(
            f"我局已于{_d(f.get('earlier_date'))}以《行政执法监督意见书》（{f.get('earlier_doc_no') or X}）要求你单位于"
            f"{_d(f.get('earlier_deadline'))}前整改并书面报告，截至目前{f.get('status') or '未收到整改报告'}。"))
    body.append(_p(f"根据{f.get('basis') or '《行政执法监督条例》和省行政执法监督有关规定'}，现予督办："))
    body.append(_h1_inline("一、逐项整改。", "请你单位对上述问题逐项研究，明确责任人和整改措施，确保整改到位。"))
    body.append(_h1_inline("二、按时报送。", f"请于{_d(f.get('deadline'))}前将办理结果及佐证材料书面报送我局（经{office}）。"))
    body.append(_h1_inline("三、逾期处理。", "逾期未办理或者办理不到位的，我局将依规采取约谈、通报等措施，并纳入年度法治政府建设考核。"))
    body.append(_p(f"联系人：{f.get('contact') or X}，联系电话：{f.get('phone') or X}。"))
    doc.body = body
    if probs and f.get("attach_list"):
        doc.attachments = ["问题清单"]
    if not doc.cc:
        doc.cc = [f.get("county_gov_office") or "县人民政府办公室"]
    return doc


def yijianshu(f: dict) -> Document:
    doc = _common(YIJIANSHU, f, PLAIN)
    doc.title = DOC_TYPES[YIJIANSHU]
    doc.recipient_label = "被监督单位"
    office = f.get("office") or "××司法所"
    probs = _problems(f)
    # problems found on several dates: "自…以来先后对你单位…进行了", not the earliest date alone
    found = f"自{_d(f.get('found_date'))}以来先后" if f.get("found_since") else f"于{_d(f.get('found_date'))}"
    body = [_p(f"根据{f.get('basis') or '《行政执法监督条例》和省行政执法监督有关规定'}，我局（{office}）{found}"
               f"对你单位{f.get('scope') or '行政执法工作'}进行了"
               f"{f.get('method') or f.get('source') or '监督检查'}。现将有关情况和监督意见告知如下：")]
    body.append(_h1("一、发现的主要问题"))
    if probs:
        body += [_p(_problem_line(k, p)) for k, p in enumerate(probs, 1)]
    else:
        body.append(_p("（一）××。"))
    body.append(_h1("二、监督意见及整改要求"))
    if probs:
        for k, p in enumerate(probs, 1):
            req = (p.get("requirement") or "针对上述问题认真整改，建立健全相关制度").rstrip("。")
            body.append(_p(f"（{_n(k)}）{req}。"))
    else:
        body.append(_p("（一）××。"))
    days = int(f.get("reply_days") or 30)
    body.append(_h1("三、整改期限及报送要求"))
    dl = f.get("deadline")
    when = f"于{_d(dl)}前" if dl else f"自收到本意见书之日起{days}日内"
    body.append(_p(f"请你单位{when}完成整改，并将整改情况书面报告我局，同时附相关佐证材料。"))
    body.append(_h1("四、其他事项"))
    body.append(_p("你单位对本意见书有异议的，可以自收到本意见书之日起10日内向我局书面申请复查。"))
    doc.body = body
    return doc


def jianyishu(f: dict) -> Document:
    doc = _common(JIANYISHU, f, PLAIN)
    doc.title = DOC_TYPES[JIANYISHU]
    doc.recipient_label = "被监督单位"
    probs = _problems(f)
    body = [_p(f"我局在{f.get('source') or '行政执法监督'}工作中发现，你单位在"
               f"{f.get('scope') or '行政执法工作'}中存在以下需要改进的问题：")]
    body += [_p(_problem_line(k, p)) for k, p in enumerate(probs, 1)] or [_p("（一）××。")]
    body.append(_p("为进一步规范行政执法行为，根据"
                   f"{f.get('basis') or '《行政执法监督条例》和省行政执法监督有关规定'}，提出如下建议："))
    # one suggestion per distinct requirement: nine problems asking "立即整改" make one item, not nine
    reqs = list(dict.fromkeys(p["requirement"].rstrip("。") for p in probs if p.get("requirement"))) or ["健全行政执法工作制度，加强执法人员业务培训"]
    for k, r in enumerate(reqs, 1):
        body.append(_p(f"{_n(k)}、{r.rstrip('。')}。"))
    days = int(f.get("reply_days") or 15)
    body.append(_p(f"请你单位自收到本建议书之日起{days}日内，将采纳建议及改进情况书面回复我局。"))
    doc.body = body
    return doc


def juedingshu(f: dict) -> Document:
    """Drafted for the county government's signature: headed, numbered (government 代字) and signed by it; the
    bureau (`issuer` in the facts) is where the execution is reported."""
    f = dict(f)
    bureau = f.get("issuer") or "县司法局"
    gov = f.get("county_gov") or "××县人民政府"
    f["issuer"], f["signature"] = gov, gov
    f.setdefault("report_to", bureau)
    doc = _common(JUEDINGSHU, f, PLAIN)
    doc.title = DOC_TYPES[JUEDINGSHU]
    doc.recipient_label = "被监督单位"
    probs = _problems(f)
    body = [_p(f"经{f.get('method') or '行政执法监督检查'}，查明你单位存在以下违法或者不当的行政执法行为：")]
    body += [_p(_problem_line(k, p)) for k, p in enumerate(probs, 1)] or [_p("（一）××。")]
    body.append(_p(f"上述行为违反了{f.get('violated') or '《中华人民共和国行政处罚法》等法律法规'}的规定。"
                   f"根据{f.get('basis') or '《行政执法监督条例》和省行政执法监督有关规定'}，决定如下："))
    decisions = f.get("decisions") or ["责令你单位对上述行政执法行为予以改正"]
    for k, d in enumerate(decisions, 1):
        body.append(_p(f"{_n(k)}、{d.rstrip('。')}。"))
    body.append(_p(f"请你单位于{_d(f.get('deadline'))}前执行本决定，并将执行情况书面报告"
                   f"{f.get('report_to') or '县司法局'}。"))
    body.append(_p("你单位对本决定不服的，可以自收到本决定书之日起10日内书面申请复查。"))
    doc.body = body
    return doc


def tongbao(f: dict) -> Document:
    doc = _common(TONGBAO, f, GENERAL)
    rv = dict(f.get("review") or {})
    year = rv.get("year") or (doc.date.year if doc.date else _dt.date.today().year)
    doc.mark = f.get("mark") or (doc.issuer + "文件")
    doc.title = f"关于{year}年度行政执法案卷评查情况的通报"
    doc.recipient = f.get("recipient") or "各乡镇人民政府，县直各行政执法部门"
    units, cases = rv.get("units", X), rv.get("cases", X)
    body = [_p(f"为进一步规范行政执法行为，提升行政执法案卷质量，我局组织开展了{year}年度行政执法案卷评查工作。"
               "现将有关情况通报如下：")]
    body.append(_h1("一、基本情况"))
    body.append(_p(f"本次评查采取{rv.get('method') or '单位自查与集中抽查相结合'}的方式，共评查{units}个单位的行政执法案卷"
                   f"{cases}卷，其中行政许可案卷{rv.get('permit', X)}卷、行政处罚案卷{rv.get('penalty', X)}卷、"
                   f"其他案卷{rv.get('other', X)}卷。"))
    body.append(_h1("二、评查结果"))
    body.append(_p(f"经评查，优秀案卷{rv.get('excellent', X)}卷，良好案卷{rv.get('good', X)}卷，合格案卷"
                   f"{rv.get('passed', X)}卷，不合格案卷{rv.get('failed', X)}卷。各单位评查结果见下表："))
    rows = [["单位", "案卷数", "优秀", "良好", "合格", "不合格", "平均分"]]
    for r in rv.get("rows") or []:
        rows.append([str(r.get(k, "")) for k in ("unit", "cases", "excellent", "good", "passed", "failed", "avg")])
    if len(rows) == 1:
        rows.append([X, "", "", "", "", "", ""])
    body.append(Table(rows, [4, 1.6, 1.3, 1.3, 1.3, 1.6, 1.6]))
    body.append(_h1("三、主要问题"))
    probs = _problems(f)
    body += [_p(_problem_line(k, p)) for k, p in enumerate(probs, 1)] or [
        _p("（一）××。") if not rv.get("rows") else _p("本次评查未发现需要通报的共性问题。")]
    if rv.get("excellent_list"):
        body.append(_h1("四、优秀案卷"))
        body.append(_p("、".join(rv["excellent_list"]) + "。"))
    body.append(_h1(("五" if rv.get("excellent_list") else "四") + "、整改要求"))
    body.append(_p(f"各单位要对照本次评查发现的问题认真整改，于{_d(f.get('deadline'))}前将整改情况书面报送我局。"
                   "评查结果将纳入年度法治政府建设考核。"))
    doc.body = body
    doc.printed_by = f.get("printed_by") or (doc.issuer + "办公室")
    doc.print_date = f.get("print_date")   # 印发日期: set at issue (service.issue), never before the 成文日期
    return doc


# the main indicators a 季度通报 prints (the full set is in `sifasuo stats --kind ranking`)
JIDU_COLUMNS = (("publication_rate", "公示\n及时率"), ("legal_review_rate", "法制\n审核率"),
                ("rectification_rate", "整改率"), ("overdue_problems", "逾期\n未销号"),
                ("review_good_rate", "评查\n优良率"), ("satisfaction_rate", "满意率"))


def _rate(v) -> str:
    if v is None or v == "":
        return "—"
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return f"{v * 100:.1f}%"
    return str(v)


def _score(v) -> str:
    try:
        return f"{float(v or 0):.2f}"
    except (TypeError, ValueError):
        return X


def jidu(f: dict) -> Document:
    """季度通报: the county's quarterly ranking of its townships by the 质效 index (通用格式, issued by the county)."""
    doc = _common(JIDU, f, GENERAL)
    rk = dict(f.get("ranking") or {})
    year = rk.get("year") or (doc.date.year if doc.date else _dt.date.today().year)
    q = rk.get("quarter")
    qname = f"第{CN_NUM[int(q) - 1]}季度" if q else "第×季度"
    period = f"{year}年{qname}"
    doc.mark = f.get("mark") or (doc.issuer + "文件")
    doc.title = f"关于{period}全县乡镇行政执法质效排名情况的通报"
    doc.recipient = f.get("recipient") or "各乡镇人民政府，各司法所"
    rows = list(rk.get("rows") or [])
    labels = rk.get("indicator_labels") or []
    body = [_p(f"为推动全县行政执法工作规范化，县司法局依据各乡镇在行政执法监督平台登记和报送的数据，对{period}各乡镇"
               "行政执法质效进行了评价。现将有关情况通报如下：")]
    body.append(_h1("一、评价方式"))
    body.append(_p(f"本次评价从{'、'.join(labels) if labels else X}等{len(labels) or X}项指标进行，各指标按县司法局确定的"
                   "权重加权计算质效得分（满分100分）；本季度没有数据的指标不计入。"))
    body.append(_h1("二、排名情况"))
    ranked = [r for r in rows if r.get("has_data", True)]
    empty = [r for r in rows if not r.get("has_data", True)]
    if len(ranked) >= 3:
        top = "、".join(r.get("township") or X for r in ranked[:3])
        body.append(_p(f"{period}，{top}位列前三名；{ranked[-1].get('township') or X}得分最低"
                       f"（{_score(ranked[-1].get('score'))}分）。各乡镇得分及主要指标见下表："))
    elif ranked:
        body.append(_p(f"{period}，{ranked[0].get('township') or X}得分最高（{_score(ranked[0].get('score'))}分）。"
                       "各乡镇得分及主要指标见下表："))
    else:
        body.append(_p(f"{period}各乡镇均无可评价的数据。"))
    head = ["名次", "乡镇", "质效\n得分"] + [label for _k, label in JIDU_COLUMNS]
    table = [head]
    for r in rows:
        table.append([str(r.get("rank", "")), r.get("township") or "", _score(r.get("score"))]
                     + [(str(r.get(k)) if r.get(k) is not None else "—") if k == "overdue_problems"
                        else _rate(r.get(k)) for k, _label in JIDU_COLUMNS])
    if len(table) == 1:
        table.append([X, X] + [""] * (len(head) - 2))
    body.append(Table(table, [1.1, 2.6, 1.3] + [1.35] * len(JIDU_COLUMNS), font_size=12.0))
    if empty:
        body.append(_p("、".join(r.get("township") or X for r in empty) + "本季度没有可评价的数据，列于末位，"
                       "请及时在平台登记执法数据并按时报送。"))
    body.append(_h1("三、工作要求"))
    weak = ranked[-1].get("township") if len(ranked) >= 2 else None
    body.append(_p("各乡镇要对照排名查找差距，重点抓好行政执法公示、重大执法决定法制审核和问题整改销号工作"
                   + (f"，{weak}等排名靠后的乡镇要认真分析原因，制定整改措施" if weak else "")
                   + f"，于{_d(f.get('deadline'))}前将整改措施书面报送县司法局。质效排名结果纳入年度法治政府建设考核。"))
    doc.body = body
    doc.printed_by = f.get("printed_by") or (doc.issuer + "办公室")
    doc.print_date = f.get("print_date")
    return doc


def zhenggai(f: dict) -> Document:
    doc = _common(ZHENGGAI, f, PLAIN)
    doc.title = DOC_TYPES[ZHENGGAI]
    doc.recipient_label = "被通知单位"
    probs = _problems(f)
    body = [_p(f"经{f.get('method') or f.get('source') or '案卷评查'}，发现你单位存在以下问题，现通知你单位限期整改：")]
    for k, p in enumerate(probs, 1):
        line = _problem_line(k, p)
        # each part keeps its own full stop: "…公示。整改要求：…。整改时限：…前。" (not run into each other)
        if p.get("requirement"):
            line += f"整改要求：{p['requirement'].rstrip('。；;.')}。"
        if p.get("deadline"):
            line += f"整改时限：{_d(p['deadline'])}前。"
        body.append(_p(line))
    if not probs:
        body.append(_p("（一）××。"))
    body.append(_p(f"请于{_d(f.get('deadline'))}前完成整改，并将整改情况及佐证材料报送"
                   f"{f.get('office') or '××司法所'}。"))
    doc.body = body
    return doc


def yuetan(f: dict) -> Document:
    doc = _common(YUETAN, f, PLAIN)
    doc.title = "约谈通知书"
    doc.recipient_label = "被约谈单位"
    probs = _problems(f)
    body = [_p(f"经{f.get('method') or f.get('source') or '行政执法监督检查'}，你单位存在以下问题"
               f"{'且逾期未整改' if f.get('overdue') else ''}：")]
    body += [_p(_problem_line(k, p)) for k, p in enumerate(probs, 1)] or [_p("（一）××。")]
    body.append(_p(f"根据{f.get('basis') or '《行政执法监督条例》和省行政执法监督有关规定'}，我局决定对你单位有关负责人"
                   "进行约谈。现将有关事项通知如下："))
    body.append(_h1_inline("一、约谈时间：", f.get("meeting_time") or "×年×月×日×时。"))
    body.append(_h1_inline("二、约谈地点：", f.get("meeting_place") or "××。"))
    body.append(_h1_inline("三、参加人员：", "你单位主要负责人、分管负责人及执法机构负责人。"))
    body.append(_h1_inline("四、准备材料：", "问题整改情况书面报告及相关佐证材料。"))
    body.append(_p(f"联系人：{f.get('contact') or X}，联系电话：{f.get('phone') or X}。"))
    doc.body = body
    return doc




def huizheng(f: dict) -> Document:
    doc = _common(HUIZHENG, f, FORM)
    doc.title = DOC_TYPES[HUIZHENG]
    sv = dict(f.get("service") or {})
    doc.recipient = ""
    doc.signature = ""
    doc.date = None
    doc.cc = []
    doc.sealed = False
    doc.doc_no = ""
    blank_date = "年　　月　　日"
    rows = [
        ["送达文书名称\n及文号", f"《{sv.get('doc_title') or X}》" + (f"\n{sv['doc_no']}" if sv.get("doc_no") else "")],
        ["受送达人", sv.get("receiver") or ""],
        ["送达地点", sv.get("address") or ""],
        ["送达方式", sv.get("method") or "　".join("□" + m for m in SERVICE_METHODS)],
        ["送达人（签名）", sv.get("server") or ""],
        ["受送达人签名\n或盖章", "\n\n" + (_d(sv["date"]) if sv.get("date") else blank_date)],
        ["代收人及\n代收理由", sv.get("proxy") or ""],
        ["拒收事由\n及见证人", sv.get("refusal") or ""],
        ["备注", sv.get("notes") or ""],
    ]
    doc.body = [Table(rows, [1.35, 3], header_rows=0, font_size=16.0, min_lines=[2, 2, 1, 1, 2, 3, 2, 2, 2]),
                Paragraph([Run("注：受送达人签收日期即为送达日期。")], "flush")]
    return doc


BUILDERS = {
    DUBANHAN: dubanhan, YIJIANSHU: yijianshu, JIANYISHU: jianyishu, JUEDINGSHU: juedingshu, TONGBAO: tongbao,
    ZHENGGAI: zhenggai, HUIZHENG: huizheng, YUETAN: yuetan, JIDU: jidu,
}


def build(doc_type: str, facts: dict | None = None) -> Document:
    if doc_type not in BUILDERS:
        raise ValueError(f"未知的文书类型：{doc_type}")
    return BUILDERS[doc_type](dict(facts or {}))


_ = (DEFAULT_CODES, FORM)
