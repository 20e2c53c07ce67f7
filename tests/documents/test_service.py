"""Store integration: drafting from records, 文号, issue/freeze, supersede, 送达, replies, CLI."""

import datetime as dt
import json
import sqlite3

import pytest

from sifasuo_desktop.cli import main as cli_main
from sifasuo_desktop.documents import model as M
from sifasuo_desktop.documents import service as S
from sifasuo_desktop.domain.errors import PermissionDenied, UserError
from sifasuo_desktop.domain.permissions import LEADER, STAFF, Actor

from .pdfmeasure import open_pdf

LEADER_ACTOR = Actor("zhang", LEADER, "张所长")
STAFF_ACTOR = Actor("li", STAFF, "李干事")
TODAY = dt.date.today()


def test_draft_from_problems_is_prefilled_and_editable(ds):
    store, body, _other, probs = ds
    row = S.draft_for_problems(store, body["id"])
    assert row["status"] == "草稿" and row["doc_type"] == "监督意见书" and not row["doc_no"]
    assert row["recipient"] == "青山镇人民政府"
    assert "重大执法决定未经法制审核" in row["content"] and "已整改完毕" not in row["content"]
    refs = json.loads(row["layout_json"])["refs"]
    assert set(refs["problems"]) == {p["id"] for p in probs[:3]}
    doc = S.load_document(store, row["id"])
    assert doc.draft and doc.doc_no.startswith("青司监意〔")
    doc.title = "行政执法监督意见书（修改）"
    doc.body.append(M.Paragraph.of("特此告知。"))
    row2 = S.save_draft(store, row["id"], doc)
    assert row2["title"] == "行政执法监督意见书（修改）" and row2["content"].endswith("特此告知。")
    # an edit of the plain-text column in the generic form is printed too
    store.update("documents", row["id"], {"content": row2["content"] + "\n五、附加说明\n请按时报送。"})
    doc = S.load_document(store, row["id"])
    assert doc.body[-2].kind == M.H1 and doc.body[-1].text == "请按时报送。"


def test_draft_for_body_without_open_problems_is_refused(ds):
    store, _body, other, _p = ds
    with pytest.raises(UserError, match="没有未销号的问题"):
        S.draft_for_problems(store, other["id"])
    with pytest.raises(UserError, match="找不到"):
        S.draft_for_problems(store, "no-such-body")


def test_issue_requires_leader_role(ds):
    store, body, _o, _p = ds
    row = S.draft_for_problems(store, body["id"])
    store.actor = STAFF_ACTOR
    with pytest.raises(PermissionDenied):
        S.issue(store, row["id"], TODAY)
    assert store.get("documents", row["id"])["status"] == "草稿"
    store.actor = LEADER_ACTOR
    out = S.issue(store, row["id"], TODAY)
    assert out["status"] == "已签发" and out["signer"] == "张所长"
    assert out["doc_no"] == f"青司监意〔{TODAY.year}〕1号"
    assert out["reply_deadline"] == (TODAY + dt.timedelta(days=30)).isoformat()


def test_doc_numbers_gap_free_never_reused_per_type_and_year(ds):
    store, body, _o, _p = ds
    store.actor = LEADER_ACTOR
    nos = []
    for _ in range(3):
        nos.append(S.issue(store, S.draft_for_problems(store, body["id"])["id"], TODAY)["doc_no"])
    assert nos == [f"青司监意〔{TODAY.year}〕{k}号" for k in (1, 2, 3)]
    # a refused issue (placeholders left) takes no number
    bad = S.create_draft(store, M.YIJIANSHU, {"recipient": "青山镇人民政府"})
    with pytest.raises(UserError, match="××"):
        S.issue(store, bad["id"], TODAY)
    # a failure after the number was taken rolls the counter back with the transaction
    good = S.draft_for_problems(store, body["id"])
    real_update = store.update

    def failing_update(table, rid, values, **kw):
        if values.get("status") == "已签发":
            raise RuntimeError("disk full")
        return real_update(table, rid, values, **kw)

    store.update = failing_update
    with pytest.raises(RuntimeError):
        S.issue(store, good["id"], TODAY)
    store.update = real_update
    # voiding keeps the number taken
    S.void(store, store.rows("documents", "doc_no = ?", (nos[2],))[0]["id"])
    assert S.issue(store, good["id"], TODAY)["doc_no"] == f"青司监意〔{TODAY.year}〕4号"
    # another type has its own sequence; another year starts again at 1
    d2 = S.draft_for_problems(store, body["id"], M.ZHENGGAI)
    assert S.issue(store, d2["id"], TODAY)["doc_no"] == f"青司整改〔{TODAY.year}〕1号"
    d3 = S.draft_for_problems(store, body["id"])
    last_year = dt.date(TODAY.year - 1, 12, 30)
    assert S.issue(store, d3["id"], last_year)["doc_no"] == f"青司监意〔{TODAY.year - 1}〕1号"
    # a number already printed on an imported document is skipped, never reused
    with store.workflow():   # an imported (historical) issued document
        store.insert("documents", {"doc_type": "监督意见书", "doc_no": f"青司监意〔{TODAY.year}〕5号",
                                   "title": "导入", "recipient": "某单位", "status": "已签发"})
    d4 = S.draft_for_problems(store, body["id"])
    assert S.issue(store, d4["id"], TODAY)["doc_no"] == f"青司监意〔{TODAY.year}〕6号"


def test_issued_document_is_frozen(ds):
    store, body, _o, _p = ds
    store.actor = LEADER_ACTOR
    row = S.issue(store, S.draft_for_problems(store, body["id"])["id"], TODAY)
    doc = S.load_document(store, row["id"])
    doc.title = "改标题"
    with pytest.raises(UserError, match="不能再修改"):
        S.save_draft(store, row["id"], doc)
    with pytest.raises(UserError, match="不能再修改"):   # a Chinese StoreError, not a raw IntegrityError
        store.update("documents", row["id"], {"content": "篡改"})
    with pytest.raises(UserError):
        S.issue(store, row["id"], TODAY)
    assert store.get("documents", row["id"])["content"] == row["content"]


def test_supersede_creates_correction_and_marks_original(ds):
    store, body, _o, _p = ds
    store.actor = LEADER_ACTOR
    orig = S.issue(store, S.draft_for_problems(store, body["id"])["id"], TODAY)
    corr = S.supersede(store, orig["id"])
    assert corr["status"] == "草稿" and corr["supersedes_id"] == orig["id"] and corr["content"] == orig["content"]
    assert store.get("documents", orig["id"])["status"] == "已签发"
    issued = S.issue(store, corr["id"], TODAY)
    assert issued["doc_no"] != orig["doc_no"]
    assert store.get("documents", orig["id"])["status"] == "被替代"
    with pytest.raises(UserError, match="草稿可以直接修改"):
        S.supersede(store, S.draft_for_problems(store, body["id"])["id"])


def test_service_and_reply(ds):
    store, body, _o, _p = ds
    store.actor = LEADER_ACTOR
    day = TODAY - dt.timedelta(days=3)
    draft = S.draft_for_problems(store, body["id"])
    with pytest.raises(UserError, match="尚未签发"):
        S.record_service(store, draft["id"], method="直接送达", date=TODAY, receiver="x", signer="y")
    row = S.issue(store, draft["id"], day)
    with pytest.raises(UserError, match="送达方式"):
        S.record_service(store, row["id"], method="飞鸽传书", date=TODAY, receiver="青山镇人民政府", signer="王")
    with pytest.raises(UserError, match="晚于今天"):
        S.record_service(store, row["id"], method="直接送达", date=TODAY + dt.timedelta(days=1),
                         receiver="青山镇人民政府", signer="王")
    with pytest.raises(UserError, match="早于成文日期"):
        S.record_service(store, row["id"], method="直接送达", date=day - dt.timedelta(days=1),
                         receiver="青山镇人民政府", signer="王")
    with pytest.raises(UserError, match="见证人"):
        S.record_service(store, row["id"], method="留置送达", date=TODAY, receiver="青山镇人民政府")
    with pytest.raises(UserError, match="无法识别"):
        S.record_service(store, row["id"], method="直接送达", date="昨天", receiver="青山镇人民政府", signer="王")
    assert store.get("documents", row["id"])["status"] == "已签发"
    rec = S.record_service(store, row["id"], method="直接送达", date=TODAY, receiver="青山镇人民政府",
                           signer="王喆", servers="刘明、赵强", address="青山镇人民路1号")
    doc = store.get("documents", row["id"])
    assert doc["status"] == "已送达" and doc["served_date"] == TODAY.isoformat() and doc["served_receiver"] == "王喆"
    assert rec["doc_id"] == row["id"]
    with pytest.raises(UserError, match="反馈内容"):
        S.record_reply(store, row["id"], date=TODAY, content="  ")
    S.record_reply(store, row["id"], date=TODAY, content="已全部整改，附佐证材料。")
    doc = store.get("documents", row["id"])
    assert doc["status"] == "已反馈" and doc["reply_content"].startswith("已全部整改")


def test_overdue_problems_of_a_body_get_one_dubanhan(ds):
    store, body, _o, probs = ds
    store.actor = LEADER_ACTOR
    earlier = S.issue(store, S.draft_for_problems(store, body["id"], problem_ids=[probs[0]["id"]])["id"],
                      TODAY - dt.timedelta(days=30))
    rows = S.draft_dubanhan_for_overdue(store, body["id"], TODAY)
    assert len(rows) == 1  # one letter for the body: problems 1 and 2 are overdue; 3 is not due, 4 is closed
    row = rows[0]
    assert row["doc_type"] == "督办函" and row["status"] == "草稿"
    assert json.loads(row["layout_json"])["refs"]["problems"] == [probs[0]["id"], probs[1]["id"]]
    assert earlier["doc_no"] in row["content"] and "王堃" in row["content"]
    assert "（一）" in row["content"] and "（二）" in row["content"]
    assert S.draft_dubanhan_for_overdue(store, body["id"], TODAY) == []  # no duplicates
    issued = S.issue(store, row["id"], TODAY)
    assert issued["doc_no"] == f"青司督函〔{TODAY.year}〕1号"


def test_review_batch_and_visit_drafts(ds):
    store, body, other, _p = ds
    batch = store.insert("review_batches", {"name": "2026年度案卷评查", "year": 2026, "mode": "集中评查"})
    for k, (b, grade, score) in enumerate([(body, "优秀", 95), (body, "合格", 75), (other, "不合格", 50)]):
        with store.workflow():
            store.insert("reviews", {"batch_id": batch["id"], "case_no": f"案{k}", "body_id": b["id"],
                                     "grade": grade, "score": score})
    store.insert("problems", {"problem_no": "青问〔2026〕9号", "source": "案卷评查", "source_ref": "案2",
                              "body_id": other["id"], "category": "程序", "description": "未告知陈述申辩权利"})
    row = S.draft_for_review_batch(store, batch["id"])
    assert row["doc_type"] == "评查通报"
    doc = S.load_document(store, row["id"])
    table = [b for b in doc.body if isinstance(b, M.Table)][0]
    assert ["青山镇人民政府", "2", "1", "0", "1", "0", "85.0"] in table.rows
    assert "未告知陈述申辩权利" in row["content"]
    visit = store.insert("visits", {"visit_date": "2026-10-12", "method": "实地检查", "body_id": body["id"],
                                    "findings": "执法记录仪未全程使用"})
    v = S.draft_for_visit(store, visit["id"])
    assert "执法记录仪未全程使用" in v["content"] and "2026年10月12日" in v["content"]


def test_render_pdf_docx_and_receipt(ds, tmp_path, resolver):
    store, body, _o, _p = ds
    store.actor = LEADER_ACTOR
    row = S.draft_for_problems(store, body["id"])
    res = S.render(store, row["id"], tmp_path / "draft.pdf")
    text = open_pdf(res.data).pages[0].extract_text()
    assert "草" in text and "〔" in text  # watermark and placeholder number on drafts
    issued = S.issue(store, row["id"], TODAY)
    res = S.render(store, row["id"], tmp_path / "issued.pdf")
    text = "".join(p.extract_text() for p in open_pdf(res.data).pages).replace(" ", "")
    assert issued["doc_no"] in text and M.format_cn_date(TODAY) in text
    S.render(store, row["id"], tmp_path / "issued.docx")
    assert (tmp_path / "issued.docx").read_bytes()[:2] == b"PK"
    S.record_service(store, row["id"], method="直接送达", date=TODAY, receiver="青山镇人民政府", signer="王喆")
    res = S.render(store, row["id"], tmp_path / "receipt.pdf", receipt=True)
    text = open_pdf(res.data).pages[0].extract_text().replace(" ", "")
    assert res.pages == 1 and "送达回证" in text and issued["doc_no"] in text and "直接送达" in text
    with pytest.raises(UserError, match=r"\.pdf"):
        S.render(store, row["id"], tmp_path / "x.txt")


def test_receipt_uses_service_typed_into_the_ledger(ds, tmp_path):
    store, body, _o, _p = ds
    store.actor = LEADER_ACTOR
    row = S.issue(store, S.draft_for_problems(store, body["id"])["id"], TODAY)
    with store.workflow():   # a 送达 recorded before the receipt records existed
        store.update("documents", row["id"], {"served_date": TODAY.isoformat(), "served_method": "邮寄送达",
                                              "served_receiver": "青山镇党政办", "status": "已送达"})
    doc = S.receipt_document(store, row["id"])
    cells = {r[0]: r[1] for r in doc.body[0].rows}
    assert cells["送达方式"] == "邮寄送达" and cells["受送达人"] == "青山镇党政办"
    assert M.format_cn_date(TODAY) in cells["受送达人签名\n或盖章"]


def test_seal_only_local_and_validated(ds, tmp_path):
    store, *_ = ds
    bad = tmp_path / "seal.txt"
    bad.write_text("not an image")
    with pytest.raises(UserError, match="PNG"):
        S.set_seal(store, bad)
    assert not S.seal_file(store.data_dir).exists()


def test_cli_list_and_render(ds, tmp_path, capsys):
    store, body, _o, _p = ds
    store.actor = LEADER_ACTOR
    row = S.issue(store, S.draft_for_problems(store, body["id"])["id"], TODAY)
    S.draft_for_problems(store, body["id"], M.JIANYISHU)
    data_dir = str(store.data_dir)
    store.close()
    assert cli_main(["docs", "list", "--data-dir", data_dir, "--json"]) == 0
    items = json.loads(capsys.readouterr().out)
    assert len(items) == 2
    assert {tuple(sorted(i)) for i in items} == {("doc_date", "doc_no", "id", "recipient", "status", "title",
                                                  "type")}
    mine = [i for i in items if i["id"] == row["id"]][0]
    assert mine["doc_no"] == row["doc_no"] and mine["type"] == "监督意见书" and mine["status"] == "已签发"
    assert mine["recipient"] == "青山镇人民政府"
    out = tmp_path / "o.pdf"
    assert cli_main(["docs", "render", row["id"], "--data-dir", data_dir, "--out", str(out)]) == 0
    assert out.read_bytes()[:5] == b"%PDF-"
    assert cli_main(["docs", "render", row["id"], "--data-dir", data_dir, "--out", str(tmp_path / "o.docx")]) == 0
    capsys.readouterr()
    assert cli_main(["docs", "render", "nope", "--data-dir", data_dir, "--out", str(out)]) == 1
    assert "找不到文书" in capsys.readouterr().err
    assert cli_main(["docs", "render", row["id"], "--data-dir", data_dir, "--out", str(tmp_path / "a.txt")]) == 1
    assert ".pdf" in capsys.readouterr().err
    with pytest.raises(SystemExit) as e:
        cli_main(["docs", "render", row["id"], "--data-dir", data_dir])
    assert e.value.code == 2


def test_bad_issue_date_is_a_chinese_error_and_changes_nothing(ds):
    store, body, _o, _p = ds
    store.actor = LEADER_ACTOR
    row = S.draft_for_problems(store, body["id"])
    with pytest.raises(UserError, match="成文日期"):
        S.issue(store, row["id"], "2026-13-45")
    assert store.get("documents", row["id"])["status"] == "草稿"
    assert S.Q.last_doc_number(store, "青司监意", M.YIJIANSHU, TODAY.year) == 0


def test_reply_attachments_copied_and_missing_file_refused(ds, tmp_path):
    store, body, _o, _p = ds
    store.actor = LEADER_ACTOR
    row = S.issue(store, S.draft_for_problems(store, body["id"])["id"], TODAY)
    with pytest.raises(UserError, match="找不到附件"):
        S.record_reply(store, row["id"], date=TODAY, content="已整改", attachments=[tmp_path / "nope.pdf"])
    assert store.get("documents", row["id"])["status"] == "已签发"
    f = tmp_path / "整改报告.pdf"
    f.write_bytes(b"%PDF-1.4 report")
    S.record_reply(store, row["id"], date=TODAY, content="已整改", attachments=[f])
    att = store.rows("attachments", "table_name = 'documents' AND record_id = ?", (row["id"],))
    assert [a["file_name"] for a in att] == ["整改报告.pdf"] and att[0]["note"] == "反馈材料"


def test_row_typed_in_the_generic_form_keeps_its_type_when_issued(ds, tmp_path):
    store, _body, _o, _p = ds
    store.actor = LEADER_ACTOR
    row = store.insert("documents", {"doc_type": "约谈通知", "title": "约谈通知书", "recipient": "青山镇人民政府",
                                     "content": "经监督检查，你单位执法证件管理混乱。\n一、约谈时间：2026年12月1日上午9时。",
                                     "status": "草稿"})
    doc = S.load_document(store, row["id"])
    assert doc.doc_type == M.YUETAN and doc.body[1].runs[0].role == "heiti"
    out = S.issue(store, row["id"], TODAY)
    assert out["doc_type"] == "约谈通知" and out["doc_no"] == f"青司约谈〔{TODAY.year}〕1号"
    res = S.render(store, row["id"], tmp_path / "y.pdf")
    text = "".join(p.extract_text() for p in open_pdf(res.data).pages).replace(" ", "")
    assert "约谈通知书" in text and "执法证件管理混乱" in text


def test_dubanhan_for_problems_found_on_several_dates_says_since(ds):
    store, body, _o, probs = ds
    first = (TODAY - dt.timedelta(days=90)).isoformat()
    store.update("problems", probs[0]["id"], {"found_date": first, "source": "案卷评查"})
    row = S.draft_dubanhan_for_overdue(store, body["id"], TODAY)[0]
    head = row["content"].splitlines()[0]
    assert head.startswith(f"自{M.format_cn_date(dt.date.fromisoformat(first))}以来，我局（青山县司法局）在")
    assert "中先后发现你单位存在以下问题：" in head and "在行政执法监督中" in head   # two sources named together


def test_dubanhan_for_problems_found_on_one_date_names_it(ds):
    store, body, _o, probs = ds
    head = S.draft_dubanhan_for_overdue(store, body["id"], TODAY)[0]["content"].splitlines()[0]
    found = M.format_cn_date(dt.date.fromisoformat(probs[0]["found_date"]))
    assert head == f"{found}，我局（青山县司法局）在监督检查中发现你单位存在以下问题："


def test_review_report_lists_only_the_problems_of_the_batchs_files(ds):
    """The same case number in another body (another township at the county) is another file."""
    store, body, other, _p = ds
    batch = store.insert("review_batches", {"name": "2026年度案卷评查", "year": 2026, "mode": "集中评查"})
    with store.workflow():
        store.insert("reviews", {"batch_id": batch["id"], "case_no": "青综执罚〔2025〕1号", "body_id": body["id"],
                                 "grade": "不合格", "score": 50})
    store.insert("problems", {"problem_no": "青问〔2026〕8号", "source": "案卷评查", "source_ref": "青综执罚〔2025〕1号",
                              "body_id": body["id"], "category": "程序", "description": "未告知陈述申辩权利"})
    store.insert("problems", {"problem_no": "青问〔2026〕9号", "source": "案卷评查", "source_ref": "青综执罚〔2025〕1号",
                              "body_id": other["id"], "category": "证据", "description": "另一单位的同号案卷证据不足"})
    row = S.draft_for_review_batch(store, batch["id"])
    assert "未告知陈述申辩权利" in row["content"]
    assert "另一单位的同号案卷证据不足" not in row["content"]
