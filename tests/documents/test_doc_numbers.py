"""Issue 12: 文号 unique county-wide (township 机关代字, county-name documents issued at the county) and
DQ-02 重复编号 for duplicates already stored."""
import collections
import datetime as dt
import json

import pytest

from sifasuo_desktop.cli import main
from sifasuo_desktop.documents import model as M
from sifasuo_desktop.documents import service as S
from sifasuo_desktop.domain.errors import UserError
from sifasuo_desktop.domain.permissions import LEADER, Actor
from sifasuo_desktop.store import Store
from sifasuo_desktop.store.rules_queries import check_store

TODAY = dt.date(2026, 11, 23)
LOGIN = {"SIFASUO_USER": "admin", "SIFASUO_PASSWORD": "demo1234"}


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_township_drafts_but_cannot_issue_a_county_bureau_document(township_ds):
    store, body, _o, _p = township_ds
    draft = S.draft_for_problems(store, body["id"])  # 监督意见书: the county bureau's name
    with pytest.raises(UserError, match="只能由县司法局签发"):
        S.issue(store, draft["id"], TODAY)
    row = store.get("documents", draft["id"])
    assert row["status"] == "草稿" and not row["doc_no"]


def test_township_numbers_its_own_documents_under_its_own_code(township_ds):
    store, body, _o, _p = township_ds
    assert S.township_code(store) == "测司所"     # default: first character of 测试镇司法所 + 司所
    first = S.draft_for_problems(store, body["id"], key=M.ZHENGGAI)
    assert S.load_document(store, first["id"]).issuer == "测试镇司法所"
    assert S.issue(store, first["id"], TODAY)["doc_no"] == "测司所〔2026〕1号"
    S.set_township_code(store, "测镇司所")
    second = S.draft_for_problems(store, body["id"], key=M.ZHENGGAI)
    assert S.issue(store, second["id"], TODAY)["doc_no"] == "测镇司所〔2026〕1号"
    # the county's assignment (a "county." setting, it travels down) wins and locks the choice
    store.set_setting(S.S_TOWNSHIP_CODES, {"T0001": "试司所"})
    assert S.township_code(store) == "试司所"
    with pytest.raises(UserError, match="已由县司法局确定"):
        S.set_township_code(store, "别的所")


def test_county_issues_county_documents_under_its_codes(ds):
    store, body, _o, _p = ds
    row = S.issue(store, S.draft_for_problems(store, body["id"])["id"], TODAY)
    assert row["doc_no"] == "青司监意〔2026〕1号"
    assert "××" not in row["content"]


def test_county_sets_township_codes_unique(tmp_path, capsys, monkeypatch):
    d = tmp_path / "c"
    assert run(capsys, "demo", "--data-dir", d, "--role", "county", "--cases", "30")[0] == 0
    for k, v in LOGIN.items():
        monkeypatch.setenv(k, v)
    code, out, err = run(capsys, "docs", "code", "--data-dir", d, "--json")
    codes = {r["name"]: r["code"] for r in json.loads(out)}
    assert code == 0 and codes["青石镇司法所"] == "青司所" and len(set(codes.values())) == len(codes) == 4
    org = [r for r in json.loads(out) if r["name"] == "青石镇司法所"][0]["org_code"]
    code, _, err = run(capsys, "docs", "code", "--data-dir", d, "--org", org, "--set", "柳司所")
    assert code == 1 and "已是柳河乡司法所的机关代字" in err
    code, _, err = run(capsys, "docs", "code", "--data-dir", d, "--org", org, "--set", "示司督函")
    assert code == 1 and "县司法局自己的机关代字" in err
    code, _, err = run(capsys, "docs", "code", "--data-dir", d, "--org", org, "--set", "青〔司")
    assert code == 1 and "括号" in err
    code, out, err = run(capsys, "docs", "code", "--data-dir", d, "--org", org, "--set", "青石司所", "--json")
    assert code == 0 and json.loads(out) == [{"org_code": org, "name": "青石镇司法所", "code": "青石司所"}]
    with Store.open(d) as s:
        assert s.get_setting(S.S_TOWNSHIP_CODES)[org] == "青石司所"   # a "county." setting: travels down


def test_county_demo_holds_no_duplicate_doc_no(tmp_path, capsys):
    d = tmp_path / "c"
    assert run(capsys, "demo", "--data-dir", d, "--role", "county", "--cases", "60")[0] == 0
    code, out, _ = run(capsys, "docs", "list", "--data-dir", d, "--json")
    nos = [x["doc_no"] for x in json.loads(out) if x["doc_no"]]
    assert code == 0 and nos and not [n for n, c in collections.Counter(nos).items() if c > 1]
    assert any(n.startswith("青司所〔") for n in nos) and any(n.startswith("示司督函〔") for n in nos)
    code, out, _ = run(capsys, "check", "--data-dir", d, "--rule", "DQ-02", "--json", "--today", "2026-11-23")
    assert code == 0 and json.loads(out) == []


def test_init_takes_the_townships_code(tmp_path, capsys):
    d = tmp_path / "t"
    code, _, err = run(capsys, "init", "--data-dir", d, "--role", "township", "--org-name", "青石镇司法所",
                       "--org-code", "379901101000", "--parent-code", "379901", "--doc-code", "青〔")
    assert code == 1 and "括号" in err and not (d / "sifasuo.db").exists()
    code, _, err = run(capsys, "init", "--data-dir", d, "--role", "township", "--org-name", "青石镇司法所",
                       "--org-code", "379901101000", "--parent-code", "379901", "--doc-code", "青石所")
    assert code == 0, err
    with Store.open(d) as s:
        assert S.township_code(s) == "青石所"


def _raw_insert(store, table, values):
    """A row as stored before numbers were normalised and duplicates refused: inserted with a placeholder
    number, then given the old number behind the store's back."""
    import uuid

    values = dict(values)
    field = "case_no" if table == "cases" else "doc_no"
    number, owner = values.pop(field), values.pop("owner_org", None)
    with store.workflow():   # issue 12: a 文号 is only written by the issuing workflow
        row = store.insert(table, dict(values, **{field: f"占位{uuid.uuid4().hex[:8]}"}), owner_org=owner)
    store.conn.execute(f"UPDATE {table} SET {field} = ? WHERE id = ?", (number, row["id"]))
    store.conn.commit()
    return row["id"]


def test_dq02_flags_stored_duplicates(store, tmp_path, capsys):
    body = store.insert("bodies", {"name": "测试镇人民政府"})
    other = store.insert("bodies", {"name": "测试镇综合行政执法队"})
    a = _raw_insert(store, "cases", {"case_no": "测综执罚[2025]第001号", "body_id": body["id"]})
    b = _raw_insert(store, "cases", {"case_no": "测综执罚〔2025〕1号", "body_id": body["id"]})
    _raw_insert(store, "cases", {"case_no": "测综执罚〔2025〕1号", "body_id": other["id"]})  # another body: fine
    c = _raw_insert(store, "documents", {"doc_no": "示司监意〔2026〕1号", "doc_type": "监督意见书"})
    e = _raw_insert(store, "documents", {"doc_no": "示司监意〔2026〕1号", "doc_type": "监督意见书", "owner_org": "T0002"})
    found = [f for f in check_store(store, today="2026-11-23").findings if f.code == "DQ-02"]
    assert {f.record_id for f in found} == {a, b, c, e}
    assert all(f.severity == "yellow" and f.title == "重复编号" for f in found)
    assert any("案号为“测综执罚〔2025〕1号”" in f.message for f in found)
    assert any("文号须全县唯一" in f.message and f.ref == "示司监意〔2026〕1号" for f in found)
    data = store.data_dir
    store.close()
    code, out, _ = run(capsys, "check", "--data-dir", data, "--rule", "DQ-02", "--json", "--today", "2026-11-23")
    assert code == 0 and {x["record_id"] for x in json.loads(out)} == {a, b, c, e}
