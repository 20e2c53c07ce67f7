"""Demo supervision documents (issue 17): for each township one issued document of every type, written by the
real templates from the township's records, with 送达 and 反馈 records in every state.

    督办函        已反馈 (直接送达, replied in time)
    监督意见书    已送达, 反馈期限 not yet reached (委托送达)
    监督建议书    逾期未反馈 (公告送达, the 反馈期限 has passed)
    监督决定书    已签发, 未送达 (and a second one still a 草稿 awaiting the government's signature)
    整改通知单    已反馈 after its 反馈期限 (逾期反馈; 留置送达) — the 司法所's own, under its own 代字
    约谈通知书    已送达 (邮寄送达)
    评查通报      已送达 (电子送达)
    季度通报      已签发 (the county demo drafts it from its real ranking: add_quarterly_notice)
    监督意见书    已作废 (a second one, its 文号 stays taken)

Every document but the 整改通知单 speaks in the county's name, so it is county-owned and addressed to the township
(target_org), numbered in the county's one series per 代字 and year (`numbers`, shared by a county's townships).
Rows are built as history (dates before the demo's ANCHOR), not through the workflow; ids come from the demo's
own random stream so a seed always gives the same documents."""
from __future__ import annotations

import datetime as dt

from sifasuo_desktop.documents import model as M
from sifasuo_desktop.documents import templates as T

ISSUER, GOV, CONTACT, PHONE = "示范县司法局", "示范县人民政府", "周明", "0000-1234567"


def _code(key: str, tname: str) -> str:
    return M.default_township_code(tname) if key == M.ZHENGGAI else "示" + M.DEFAULT_CODES[key]


def _next_number(store, numbers: dict, series, code: str, year: int) -> int:
    """The next serial of a series. A series not in `numbers` yet starts after the highest one already stored
    (a caller that builds a county township by township without sharing `numbers`, e.g. bench/county.py, still
    never prints a 文号 twice)."""
    if series not in numbers:
        numbers[series] = 0
        if store is not None:
            prefix = f"{code}〔{int(year)}〕"
            for (no,) in store.conn.execute("SELECT doc_no FROM documents WHERE doc_no LIKE ?", (prefix + "%",)):
                parsed = M.parse_doc_no(no or "")
                if parsed and parsed[0] == code:
                    numbers[series] = max(numbers[series], parsed[2])
    numbers[series] += 1
    return numbers[series]


def _pf(p: dict, deadline: dt.date | None = None) -> dict:
    return {"category": p.get("category") or "", "description": p.get("description") or "",
            "requirement": p.get("requirement") or "", "deadline": deadline}


def add_documents(put, g, org: str, tname: str, county: str, numbers: dict, bodies: list[dict],
                  problems: list[dict], batch: dict | None, reviews: list[dict], anchor: dt.date,
                  drafts_owner: str | None = None, store=None) -> list[dict]:
    """Put the township's documents (and their 送达回证 records); returns the document rows."""
    from sifasuo_desktop.documents.service import _row_values

    gov, squad = bodies[0], bodies[1]
    open_p = [p for p in problems if p.get("status") != "已销号"]
    by_body = {b["id"]: [p for p in open_p if p["body_id"] == b["id"]] for b in (gov, squad)}
    docs, receipts = [], []

    def make(key, body, probs, day, *, state, method=None, reply_days=30, reply_on=None, facts=None,
             title=None, extra=None):
        f = {"issuer": ISSUER, "county_gov": GOV, "office": f"{tname}司法所", "contact": CONTACT, "phone": PHONE,
             "recipient": body["name"] if body else None, "date": day,
             "problems": [_pf(p, day + dt.timedelta(days=reply_days)) for p in probs[:4]],
             "found_date": min((dt.date.fromisoformat(p["found_date"]) for p in probs[:4]), default=None),
             "source": (probs[0].get("source") if probs else None) or "监督检查",
             "deadline": day + dt.timedelta(days=reply_days)}
        if key == M.ZHENGGAI:
            f["issuer"] = f"{tname}司法所"
        f.update(facts or {})
        doc = T.build(key, {k: v for k, v in f.items() if v is not None})
        if title:
            doc.title = title
        draft = state == "草稿"
        owner = org if key == M.ZHENGGAI else (drafts_owner or county) if draft else county
        doc_no = None
        if not draft:
            code = _code(key, tname)
            series = (org, day.year) if key == M.ZHENGGAI else (code, M.number_series(key), day.year)
            doc_no = M.format_doc_no(code, day.year, _next_number(store, numbers, series, code, day.year))
            doc.doc_no = doc_no
            if doc.printed_by:
                doc.print_date = day
        doc.draft = draft
        refs = {"problems": [p["id"] for p in probs[:4]]}
        if key == M.TONGBAO and batch is not None:
            refs["review_batches"] = [batch["id"]]
        if body:
            refs["bodies"] = [body["id"]]
        row = _row_values(doc, refs, {"reply_deadline": (day + dt.timedelta(days=reply_days)).isoformat()})
        row.update(id=g.uid(), owner_org=owner, doc_no=doc_no, body_id=body["id"] if body else None,
                   target_org=org, subject=(probs[0]["description"] if probs else doc.title.replace("\n", "")),
                   signer=None if draft else CONTACT, status="草稿" if draft else "已签发",
                   reply_deadline=None if draft else (day + dt.timedelta(days=reply_days)).isoformat())
        row.update(extra or {})
        if method:
            served = day + dt.timedelta(days=2)
            receiver = body["name"] if body else row["recipient"]
            signer = (body or {}).get("contact") or g.name()
            rec = {"id": g.uid(), "owner_org": owner, "doc_id": row["id"], "receiver": receiver, "method": method,
                   "address": f"{tname}人民路1号", "servers": f"{g.name()}、{g.name()}", "sign_date": served.isoformat(),
                   "signer": signer if method in ("直接送达", "留置送达", "委托送达") else ""}
            if method == "留置送达":
                rec.update(refusal_reason="受送达人拒绝签收", witness=f"{g.name()}（{tname}东风村村委会主任）",
                           note="已将文书留置于受送达人办公场所，并拍照记录")
            elif method == "委托送达":
                rec.update(proxy_reason=f"委托{tname}司法所代为送达", note="")
            elif method == "邮寄送达":
                rec.update(note="EMS 挂号信，回执已归档")
            elif method == "电子送达":
                rec.update(note="经受送达人同意，通过政务内网送达")
            elif method == "公告送达":
                rec.update(note="受送达人下落不明，在县司法局公告栏及网站公告六十日")
            receipts.append(rec)
            row.update(status="已送达", served_date=served.isoformat(), served_method=method,
                       served_receiver=rec["signer"] or receiver)
        if reply_on:
            row.update(status="已反馈", reply_date=reply_on.isoformat(),
                       reply_content="已按要求逐项整改，整改报告及佐证材料随文报送。")
        docs.append(row)
        return row

    a = anchor
    gp, sp = by_body[gov["id"]], by_body[squad["id"]]
    main, other = (gov, gp) if len(gp) >= len(sp) else (squad, sp)
    second = squad if main is gov else gov
    second_p = sp if main is gov else gp
    # 督办函: 已反馈 in time
    d = a - dt.timedelta(days=75)
    make(M.DUBANHAN, main, other[:2], d, state="已签发", method="直接送达", reply_days=10,
         reply_on=d + dt.timedelta(days=9))
    # 监督意见书: 已送达, 反馈期限 well ahead
    d = a - dt.timedelta(days=6)
    make(M.YIJIANSHU, second, second_p[:3] or other[:3], d, state="已签发", method="委托送达", reply_days=90)
    # 监督建议书: 逾期未反馈
    d = a - dt.timedelta(days=60)
    make(M.JIANYISHU, main, other[1:3] or other[:1], d, state="已签发", method="公告送达", reply_days=15)
    # 监督决定书: 已签发, 未送达; and a draft for the government's signature
    d = a - dt.timedelta(days=2)
    make(M.JUEDINGSHU, main, other[:1], d, state="已签发", reply_days=30)
    make(M.JUEDINGSHU, second, second_p[:1] or other[:1], a, state="草稿", reply_days=30)
    # 整改通知单 (the 司法所's own): 已反馈 after the 反馈期限
    d = a - dt.timedelta(days=50)
    make(M.ZHENGGAI, second, second_p[:2] or other[:2], d, state="已签发", method="留置送达", reply_days=15,
         reply_on=d + dt.timedelta(days=25))
    # 约谈通知书: 已送达
    d = a - dt.timedelta(days=4)
    make(M.YUETAN, main, other[:2], d, state="已签发", method="邮寄送达", reply_days=45,
         facts={"overdue": True, "meeting_time": f"{M.format_cn_date(a + dt.timedelta(days=10))}上午9时。",
                "meeting_place": "县司法局三楼会议室。"})
    # 评查通报 from the township's review batch: 已送达
    if batch is not None:
        graded = [r for r in reviews if r.get("grade")]
        count = {k: sum(1 for r in graded if r["grade"] == k) for k in ("优秀", "良好", "合格", "不合格")}
        review = {"year": batch.get("year") or a.year, "units": 1, "cases": len(graded), "permit": 0,
                  "penalty": len(graded), "other": 0, "excellent": count["优秀"], "good": count["良好"],
                  "passed": count["合格"], "failed": count["不合格"], "method": batch.get("mode"),
                  "rows": [{"unit": f"{tname}人民政府", "cases": len(graded), "excellent": count["优秀"],
                            "good": count["良好"], "passed": count["合格"], "failed": count["不合格"],
                            "avg": round(sum(r["score"] for r in graded) / len(graded), 1) if graded else ""}]}
        failed = [p for p in problems if p.get("source") == "案卷评查"]
        d = dt.date(a.year, 4, 10)
        make(M.TONGBAO, None, failed, d, state="已签发", method="电子送达", reply_days=30,
             facts={"review": review, "recipient": f"{tname}人民政府"},
             extra={"subject": batch.get("name") or "案卷评查通报"})
    # a 监督意见书 voided after issue (its 文号 stays taken)
    d = a - dt.timedelta(days=30)
    make(M.YIJIANSHU, main, other[:1], d, state="已签发", reply_days=30, extra={"status": "已作废"})
    put("documents", docs)
    put("service_receipts", receipts)
    return docs


def add_township_quarterly_copy(put, g, org: str, tname: str, county: str, numbers: dict, anchor: dt.date,
                                store=None) -> dict:
    """The township demo's copy of the county's 季度通报 (as it arrives in the county's package): the township
    cannot rank the others, so the table is the county's, written here as history."""
    from sifasuo_desktop.documents.service import _row_values

    rows = [{"rank": i + 1, "township": t, "score": s, "publication_rate": pr, "legal_review_rate": lr,
             "rectification_rate": rr, "overdue_problems": od, "review_good_rate": gr, "satisfaction_rate": sr}
            for i, (t, s, pr, lr, rr, od, gr, sr) in enumerate((
                ("东湖镇", 86.4, 0.98, 1.0, 0.82, 1, 0.8, 0.962), (tname, 81.2, 0.95, 0.9, 0.75, 2, 0.7, 0.951),
                ("青石镇", 77.5, 0.92, 0.85, 0.7, 3, 0.6, 0.948), ("柳河乡", 70.3, 0.88, 0.8, 0.6, 4, 0.5, 0.931)))]
    day = anchor - dt.timedelta(days=40)
    labels = ["公示及时率", "法制审核率", "持证率", "培训达标率", "整改率", "逾期未销号", "评查优良率", "JC/RY预警每百件",
              "满意率"]
    doc = T.build(M.JIDU, {"issuer": ISSUER, "date": day, "deadline": day + dt.timedelta(days=21),
                           "ranking": {"year": 2026, "quarter": 3, "indicator_labels": labels, "rows": rows}})
    code = _code(M.JIDU, tname)
    series = (code, M.number_series(M.JIDU), day.year)
    doc.doc_no = M.format_doc_no(code, day.year, _next_number(store, numbers, series, code, day.year))
    doc.print_date = day
    row = _row_values(doc, {"ranking": ["2026Q3"]})
    row.update(id=g.uid(), owner_org=county, doc_no=doc.doc_no, target_org=org, signer=CONTACT, status="已签发",
               subject="2026年第三季度乡镇行政执法质效排名", reply_deadline=(day + dt.timedelta(days=21)).isoformat())
    put("documents", [row])
    return row


def add_quarterly_notice(store, anchor: dt.date) -> dict | None:
    """The county demo's 季度通报: drafted from its real ranking (documents.drafting), issued and served through
    the workflow."""
    from sifasuo_desktop.documents import drafting as D
    from sifasuo_desktop.documents import service as S
    from sifasuo_desktop.domain.errors import UserError

    q = (anchor.month - 1) // 3 or 4
    year = anchor.year if (anchor.month - 1) // 3 else anchor.year - 1
    day = anchor - dt.timedelta(days=10)
    try:
        row = D.draft_quarterly_notice(store, year, q, facts={"date": day, "deadline": day + dt.timedelta(days=21)},
                                       as_of=anchor)
        S.issue(store, row["id"], day)
        S.record_service(store, row["id"], method="电子送达", date=day.isoformat(), receiver="各乡镇人民政府、各司法所",
                         note="通过政务内网送达")
    except UserError:   # pragma: no cover - a county demo without townships
        return None
    return store.get("documents", row["id"])
