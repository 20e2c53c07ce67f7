"""Issue 17, texts: item numbers stay Chinese past （十九）, the 送达回证 offers all six 送达方式, a 评查通报 drafted
from a batch has no ×× / ×年×月×日 placeholders, and a new 整改通知单 never sets a time limit in the past."""
import datetime as dt

from sifasuo_desktop.documents import model as M
from sifasuo_desktop.documents import service as S
from sifasuo_desktop.documents import templates as T


def test_item_numbers_are_chinese_words_beyond_nineteen():
    assert [T._n(i) for i in (1, 10, 11, 19, 20, 21, 30, 35, 99)] == [
        "一", "十", "十一", "十九", "二十", "二十一", "三十", "三十五", "九十九"]
    doc = T.build(M.YIJIANSHU, {"problems": [{"description": f"问题{i}"} for i in range(1, 23)]})
    text = S.body_text(doc)
    assert "（二十）问题20" in text and "（二十二）问题22" in text and "（20）" not in text


def test_receipt_form_offers_the_six_service_methods():
    doc = T.build(M.HUIZHENG, {"service": {"doc_title": "行政执法监督意见书"}})
    cells = [c for t in doc.body if isinstance(t, M.Table) for row in t.rows for c in row]
    methods = next(c for c in cells if "□直接送达" in c)
    assert all("□" + m in methods for m in ("直接送达", "留置送达", "委托送达", "邮寄送达", "电子送达", "公告送达"))
    assert S.SERVICE_METHODS == M.SERVICE_METHODS and len(set(S.SERVICE_METHODS)) == 6


def test_review_report_from_a_batch_has_no_placeholders(demo_store):
    batch = demo_store.rows("review_batches")[0]
    row = S.draft_for_review_batch(demo_store, batch["id"])
    text = S.body_text(S.load_document(demo_store, row["id"]))
    assert "××" not in text and "×年×月×日" not in text
    counts = S.Q.review_kind_counts(demo_store, batch["id"])
    assert sum(counts.values()) == demo_store.count("reviews", "batch_id = ?", (batch["id"],))
    assert f"行政处罚案卷{counts['penalty']}卷" in text


def test_new_rectification_notice_sets_a_future_time_limit(store):
    store.set_setting(S.S_ISSUER, "示范县司法局")
    store.set_setting(S.S_CONTACT, {"name": "王明", "phone": "0531-12345678"})
    body = store.insert("bodies", {"name": "示范镇人民政府", "status": "有效"})
    store.insert("problems", {"found_date": "2025-03-01", "source": "监督检查", "body_id": body["id"],
                              "description": "未按期公示", "deadline": "2025-04-01"})
    row = S.draft_for_problems(store, body["id"], M.ZHENGGAI)
    text = S.body_text(S.load_document(store, row["id"]))
    today = dt.date.today()
    assert "2025年4月1日" not in text
    issued = S.issue(store, row["id"])
    assert issued["reply_deadline"] > today.isoformat()
    due = S.new_deadline(store, M.ZHENGGAI)
    assert M.format_cn_date(due) in text and (due - today).days >= 15   # 15 working days are at least 3 weeks


def test_rectification_notice_keeps_problem_requirement_and_time_limit_apart():
    doc = T.build(M.ZHENGGAI, {"problems": [{"category": "文书归档", "description": "未按期公示",
                                             "requirement": "立即整改。", "deadline": dt.date(2026, 12, 24)}]})
    text = S.body_text(doc)
    assert "未按期公示。整改要求：立即整改。整改时限：2026年12月24日前。" in text
    assert "公示整改要求" not in text and "整改整改时限" not in text


def test_rectification_notice_from_a_visit_sets_a_future_time_limit(store):
    store.set_setting(S.S_ISSUER, "示范县司法局")
    store.set_setting(S.S_CONTACT, {"name": "王明", "phone": "0531-12345678"})
    body = store.insert("bodies", {"name": "示范镇综合行政执法队", "status": "有效"})
    visit = store.insert("visits", {"visit_date": "2025-02-10", "method": "台账核查", "body_id": body["id"],
                                    "findings": "涉企检查未提前报备", "problem_count": 1})
    store.insert("problems", {"found_date": "2025-02-10", "source": "监督检查", "source_ref": visit["id"],
                              "body_id": body["id"], "description": "涉企检查未提前报备",
                              "requirement": "立即整改。", "deadline": "2025-02-23"})
    row = S.draft_for_visit(store, visit["id"], M.ZHENGGAI)
    text = S.body_text(S.load_document(store, row["id"]))
    due = M.format_cn_date(S.new_deadline(store, M.ZHENGGAI))
    assert "2025年2月23日" not in text and "×年×月×日" not in text
    assert f"整改时限：{due}前。" in text and f"请于{due}前完成整改" in text
    assert S.issue(store, row["id"])["reply_deadline"] > dt.date.today().isoformat()


def test_suggestion_letter_lists_each_suggestion_once():
    same = "立即整改，并报送整改报告及佐证材料。"
    doc = T.build(M.JIANYISHU, {"problems": [{"description": "甲", "requirement": same},
                                             {"description": "乙", "requirement": "完善证据"},
                                             {"description": "丙", "requirement": same.rstrip("。")}]})
    text = S.body_text(doc)
    assert text.count("立即整改，并报送整改报告及佐证材料。") == 1
    assert "一、立即整改，并报送整改报告及佐证材料。" in text and "二、完善证据。" in text and "三、" not in text


def test_opinion_letter_for_problems_found_on_several_dates_says_since(store):
    store.set_setting(S.S_ISSUER, "示范县司法局")
    body = store.insert("bodies", {"name": "示范镇人民政府", "status": "有效"})
    for day, what in (("2025-07-23", "未按期公示"), ("2026-03-02", "自由裁量未说明理由")):
        store.insert("problems", {"found_date": day, "source": "监督检查", "body_id": body["id"], "description": what})
    text = S.body_text(S.load_document(store, S.draft_for_problems(store, body["id"], M.YIJIANSHU)["id"]))
    assert "自2025年7月23日以来先后对你单位行政执法工作进行了监督检查" in text
    assert "于2025年7月23日对你单位" not in text


def test_opinion_letter_for_problems_found_on_one_date_names_it(store):
    store.set_setting(S.S_ISSUER, "示范县司法局")
    body = store.insert("bodies", {"name": "示范镇人民政府", "status": "有效"})
    store.insert("problems", {"found_date": "2025-07-23", "source": "监督检查", "body_id": body["id"],
                              "description": "未按期公示"})
    text = S.body_text(S.load_document(store, S.draft_for_problems(store, body["id"], M.YIJIANSHU)["id"]))
    assert "于2025年7月23日对你单位行政执法工作进行了监督检查" in text and "以来" not in text
