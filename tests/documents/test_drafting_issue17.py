"""Issue 17, second pass: one drafting entry for every type (documents/drafting.py), the 季度通报 from the county's
ranking, a 决定书 whose heading, 代字 and signature are all the county government's, 成文日期/印发日期 set at
issue, and one 文号 check for every entry path."""
import datetime as dt
import json

import pytest

from sifasuo_desktop.cli import main
from sifasuo_desktop.documents import drafting as D
from sifasuo_desktop.documents import model as M
from sifasuo_desktop.documents import service as S
from sifasuo_desktop.domain.errors import UserError, ValidationError
from sifasuo_desktop.domain.ledgers import LEDGERS, normalize
from sifasuo_desktop.domain.validators import doc_no_problem

TODAY = dt.date.today()


def test_service_still_offers_the_drafting_names():
    # callers written before the split (ui, cli, i18b's 督办 path) keep working
    for name in ("create_draft", "new_deadline", "draft_for_problems", "draft_for_visit", "draft_for_review_batch",
                 "draft_dubanhan_for_overdue", "draft", "draft_quarterly_notice"):
        assert getattr(S, name) is getattr(D, name)
    with pytest.raises(AttributeError):
        S.no_such_name  # noqa: B018


@pytest.mark.parametrize("text,key", [("督办函", M.DUBANHAN), ("监督决定书", M.JUEDINGSHU), ("建议书", M.JIANYISHU),
                                      ("约谈通知书", M.YUETAN), ("季度通报", M.JIDU), ("评查通报", M.TONGBAO),
                                      ("整改通知单", M.ZHENGGAI), (M.JIDU, M.JIDU)])
def test_type_words(text, key):
    assert D.type_key(text) == key


@pytest.mark.parametrize("text", ["通报", "送达回证", "", "公告", "huizheng"])
def test_unknown_or_ambiguous_type_is_refused_in_chinese(text):
    with pytest.raises(UserError) as e:
        D.type_key(text)
    assert "可选" in e.value.message
    if text == "通报":
        assert "季度通报" in e.value.message


# ---------------------------------------------------------------------------- 决定书: issuer, 代字, signature
def test_decision_is_the_county_governments_heading_number_and_signature(ds):
    store, body, _other, _probs = ds
    store.set_setting(S.S_COUNTY_GOV, "青山县人民政府")
    row = D.draft(store, "决定书", body_id=body["id"])
    doc = S.load_document(store, row["id"])
    assert doc.issuer == doc.signature == "青山县人民政府"
    assert "青政监决〔" in doc.doc_no                     # the draft's placeholder number is the government's
    text = S.body_text(doc)
    assert "书面报告青山县司法局" in text                  # the bureau receives the report
    out = S.issue(store, row["id"], TODAY)
    assert out["doc_no"] == f"青政监决〔{TODAY.year}〕1号"
    printed = S.load_document(store, row["id"])
    assert printed.issuer == printed.signature == "青山县人民政府"


def test_decision_with_a_bureau_code_or_heading_is_not_issued(ds):
    store, body, _other, _probs = ds
    store.set_setting(S.S_COUNTY_GOV, "青山县人民政府")
    row = D.draft(store, "决定书", body_id=body["id"])
    store.set_setting(S.S_CODES, {"juedingshu": "青司监决"})   # a 文秘 typed the bureau's 代字
    with pytest.raises(UserError) as e:
        S.issue(store, row["id"], TODAY)
    assert "青司监决" in e.value.message and "政" in e.value.message
    assert store.get("documents", row["id"])["status"] == S.DRAFT and not store.get("documents", row["id"])["doc_no"]
    store.set_setting(S.S_CODES, {})
    doc = S.load_document(store, row["id"])
    doc.issuer = "青山县司法局"                             # heading edited back to the bureau
    S.save_draft(store, row["id"], doc)
    with pytest.raises(UserError) as e:
        S.issue(store, row["id"], TODAY)
    assert "发文机关" in e.value.message and "青山县人民政府" in e.value.message
    doc.issuer = "青山县人民政府"
    S.save_draft(store, row["id"], doc)
    assert S.issue(store, row["id"], TODAY)["doc_no"] == f"青政监决〔{TODAY.year}〕1号"   # no number was lost


def test_decision_without_a_county_government_name_is_not_issued(ds):
    store, body, _other, _probs = ds
    row = D.draft(store, "决定书", body_id=body["id"])
    with pytest.raises(UserError) as e:
        S.issue(store, row["id"], TODAY)
    assert "县人民政府名称" in e.value.message


# ---------------------------------------------------------------------------- 成文日期 / 印发日期 at issue
def _notice(store):
    return S.create_draft(store, M.TONGBAO, {"review": {"year": 2026, "units": 1, "cases": 2, "permit": 1,
                                                         "penalty": 1, "other": 0, "excellent": 1, "good": 1,
                                                         "passed": 0, "failed": 0,
                                                         "rows": [{"unit": "青山镇", "cases": 2}]},
                                              "deadline": TODAY + dt.timedelta(days=30)})


def test_print_date_is_set_at_issue_and_never_before_the_date(ds):
    store = ds[0]
    row = _notice(store)
    assert S.load_document(store, row["id"]).print_date is None     # not fixed at draft time
    day = TODAY - dt.timedelta(days=3)
    with pytest.raises(UserError) as e:
        S.issue(store, row["id"], day, day - dt.timedelta(days=1))
    assert "印发日期" in e.value.message and "不能早于成文日期" in e.value.message
    assert store.get("documents", row["id"])["status"] == S.DRAFT
    S.issue(store, row["id"], day, day + dt.timedelta(days=1))
    doc = S.load_document(store, row["id"])
    assert doc.date == day and doc.print_date == day + dt.timedelta(days=1) and doc.print_date >= doc.date
    other = _notice(store)
    S.issue(store, other["id"], day)
    doc = S.load_document(store, other["id"])
    assert doc.print_date == doc.date == day                       # default: printed the day it is dated


def test_print_date_typed_badly_is_refused(ds):
    row = _notice(ds[0])
    with pytest.raises(UserError) as e:
        S.issue(ds[0], row["id"], TODAY, "明天")
    assert "印发日期" in e.value.message


# ---------------------------------------------------------------------------- 文号: one check
@pytest.mark.parametrize("bad,why", [
    ("〔2026〕第01号", "机关代字"), ("示司督函〔2026〕第1号", "第"), ("示司督函〔2026〕01号", "虚位"),
    ("示司督函[2026]3号", "六角括号"), ("示司督函（2026）3号", "六角括号"), ("示司督函〔26〕3号", "四位"),
    ("示司督函〔2026〕3", "号"), ("示司督函2026年3号", "年份"), ("示司督函〔2026〕0号", "从1开始"),
    ("示司 督函〔2026〕3号", "空格"), ("示司督函〔2026〕三号", "阿拉伯数字")])
def test_malformed_doc_numbers_are_refused_in_chinese(bad, why):
    msg = doc_no_problem(bad)
    assert msg and why in msg
    with pytest.raises(ValidationError) as e:
        normalize(LEDGERS["documents"], {"doc_type": "督办函", "doc_no": bad, "title": "关于……的函",
                                         "recipient": "青山镇人民政府"})
    assert "文号" in str(e.value.errors)


def test_good_doc_numbers_pass_and_fullwidth_digits_are_normalised():
    for good in ("示司督函〔2026〕3号", "青司所〔2026〕12号", "示政监决〔2026〕1号"):
        assert doc_no_problem(good) is None
        assert M.parse_doc_no(good) is not None
    out = normalize(LEDGERS["documents"], {"doc_type": "督办函", "doc_no": "示司督函〔２０２６〕３号",
                                           "title": "t", "recipient": "r"})
    assert out["doc_no"] == "示司督函〔2026〕3号"
    assert normalize(LEDGERS["documents"], {"doc_type": "督办函", "doc_no": "", "title": "t",
                                            "recipient": "r"}).get("doc_no") is None


# ---------------------------------------------------------------------------- 季度通报
@pytest.fixture(scope="module")
def county(tmp_path_factory):
    from sifasuo_desktop.demo import generate
    from sifasuo_desktop.store import Store

    d = tmp_path_factory.mktemp("county") / "d"
    with Store.open(d) as s:
        generate(s, cases=90, seed=11, role="county")
    return str(d)


def run(capsys, *argv):
    capsys.readouterr()
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


def test_quarterly_notice_from_the_ranking(capsys, county, monkeypatch):
    from sifasuo_desktop.store import Store

    monkeypatch.setenv("SIFASUO_USER", "admin")
    monkeypatch.setenv("SIFASUO_PASSWORD", "demo1234")
    code, out, err = run(capsys, "stats", "--kind", "ranking", "--year", "2026", "--quarter", "3", "--json",
                         "--data-dir", county)
    assert code == 0, err
    ranking = json.loads(out)
    code, out, err = run(capsys, "docs", "draft", "--type", "季度通报", "--year", "2026", "--quarter", "3", "--json",
                         "--data-dir", county)
    assert code == 0, err
    made = json.loads(out)
    assert made["type"] == "季度通报" and made["title"] == "关于2026年第三季度全县乡镇行政执法质效排名情况的通报"
    with Store.open(county) as s:
        doc = S.load_document(s, made["id"])
    table = next(b for b in doc.body if isinstance(b, M.Table))
    assert table.rows[0][:3] == ["名次", "乡镇", "质效\n得分"]
    assert [r[1] for r in table.rows[1:]] == [r["township"] for r in ranking]     # every township, in rank order
    assert [r[0] for r in table.rows[1:]] == [str(r["rank"]) for r in ranking]
    assert table.rows[1][2] == f"{ranking[0]['score']:.2f}"
    text = S.body_text(doc)
    assert "××" not in text and "×年×月×日" not in text and doc.header == M.GENERAL
    code, out, err = run(capsys, "docs", "issue", made["id"], "--date", "2026-11-20", "--print-date", "2026-11-19",
                         "--data-dir", county)
    assert code == 1 and "印发日期" in err
    code, out, err = run(capsys, "docs", "issue", made["id"], "--date", "2026-11-20", "--data-dir", county)
    assert code == 0, err
    assert "示司通〔2026〕" in out
    # 评查通报 and 季度通报 share the county's one 通报 series: never the same 文号
    nos = [d["doc_no"] for d in json.loads(run(capsys, "docs", "list", "--json", "--data-dir", county)[1])
           if d["doc_no"]]
    assert len(nos) == len(set(nos))


@pytest.mark.parametrize("argv,why", [(["--year", "2026"], "季度"), (["--year", "2026", "--quarter", "5"], "1–4"),
                                      ([], "年份和季度")])
def test_quarterly_notice_needs_a_quarter(capsys, county, monkeypatch, argv, why):
    monkeypatch.setenv("SIFASUO_USER", "admin")
    monkeypatch.setenv("SIFASUO_PASSWORD", "demo1234")
    code, _out, err = run(capsys, "docs", "draft", "--type", "季度通报", *argv, "--data-dir", county)
    assert code == 1 and why in err


def test_a_bare_tongbao_is_read_from_what_it_concerns(capsys, county, monkeypatch):
    monkeypatch.setenv("SIFASUO_USER", "admin")
    monkeypatch.setenv("SIFASUO_PASSWORD", "demo1234")
    code, out, err = run(capsys, "docs", "draft", "--type", "通报", "--year", "2026", "--quarter", "2", "--json",
                         "--data-dir", county)
    assert code == 0 and json.loads(out)["type"] == "季度通报", err
    code, _out, err = run(capsys, "docs", "draft", "--type", "通报", "--body", "青石镇人民政府", "--data-dir", county)
    assert code == 1 and "评查通报 或 季度通报" in err


def test_quarterly_notice_is_not_drafted_at_a_township(store):
    with pytest.raises(UserError) as e:
        D.draft(store, "季度通报", year=2026, quarter=3)
    assert "县司法局" in e.value.message


def test_import_refuses_a_malformed_doc_number(capsys, county, monkeypatch, tmp_path):
    """The Excel/CSV import (and 粘贴Excel行, same planner) runs the same 文号 check; the generic form shows the
    文号 read-only (a workflow field: assigned by 签发)."""
    monkeypatch.setenv("SIFASUO_USER", "admin")
    monkeypatch.setenv("SIFASUO_PASSWORD", "demo1234")
    f = tmp_path / "docs.csv"
    f.write_text("文书类型,文号,标题,主送单位,成文日期\n"
                 "督办函,〔2026〕第01号,关于督促整改的函,青石镇人民政府,2026-03-01\n"
                 "督办函,示司督函[2025]7号,关于督促整改的函,青石镇人民政府,2025-03-01\n", encoding="utf-8")
    before = json.loads(run(capsys, "docs", "list", "--json", "--data-dir", county)[1])
    code, out, err = run(capsys, "import-xlsx", str(f), "--ledger", "documents", "--json", "--data-dir", county)
    assert code == 1
    msgs = [e["message"] for e in json.loads(out)["errors"]]
    assert any("缺少机关代字" in m for m in msgs) and any("六角括号" in m for m in msgs)
    assert json.loads(run(capsys, "docs", "list", "--json", "--data-dir", county)[1]) == before
