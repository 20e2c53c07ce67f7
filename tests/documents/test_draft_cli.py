"""Issue 17: every document type is drafted from its records through `sifasuo docs draft`, and 送达/反馈 are
recorded with `docs serve` / `docs reply` — on a county demo, as a county 文秘 scripts it. A careless or hostile
call (unknown type, missing records, a 留置送达 without witness, the sync key as 反馈材料) exits 1 in Chinese and
changes nothing."""
import datetime as dt
import json

import pytest

from sifasuo_desktop.cli import main
from sifasuo_desktop.demo import generate
from sifasuo_desktop.store import Store

TODAY = dt.date.today().isoformat()


@pytest.fixture(scope="module")
def county(tmp_path_factory):
    d = tmp_path_factory.mktemp("county") / "d"
    with Store.open(d) as s:
        generate(s, cases=120, seed=7, role="county")
    return str(d)


def run(capsys, *argv):
    capsys.readouterr()
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


def _docs(capsys, d):
    return json.loads(run(capsys, "docs", "list", "--json", "--data-dir", d)[1])


def test_draft_every_type_then_serve_and_reply(capsys, county, monkeypatch):
    d = county
    monkeypatch.setenv("SIFASUO_USER", "admin")
    monkeypatch.setenv("SIFASUO_PASSWORD", "demo1234")
    body = next(x["recipient"] for x in _docs(capsys, d) if x["type"] == "督办函")
    with Store.open(d) as s:
        batch = s.rows("review_batches")[0]["id"]
    made = {}
    for label in ("督办函", "监督意见书", "建议书", "监督决定书", "整改通知单", "约谈通知书"):
        code, out, err = run(capsys, "docs", "draft", "--type", label, "--body", body, "--json", "--data-dir", d)
        assert code == 0, err
        made[label] = json.loads(out)
        assert made[label]["status"] == "草稿" and made[label]["recipient"] == body
    code, out, err = run(capsys, "docs", "draft", "--type", "评查通报", "--batch", batch, "--data-dir", d)
    assert code == 0, err
    made["评查通报"] = {"id": out.strip()}
    types = {x["id"]: x["type"] for x in _docs(capsys, d)}
    assert {types[m["id"]] for m in made.values()} == {"督办函", "监督意见书", "监督建议书", "监督决定书", "整改通知单",
                                                         "约谈通知", "评查通报"}
    # one 督办函 for the body, listing all its overdue problems
    with Store.open(d) as s:
        row = s.get("documents", made["督办函"]["id"])
        refs = json.loads(row["layout_json"])["refs"]["problems"]
        assert len(refs) >= 2 and "（二）" in row["content"]
    # no second letter for the same problems
    code, _, err = run(capsys, "docs", "draft", "--type", "督办函", "--body", body, "--data-dir", d)
    assert code == 1 and "没有需要督办" in err
    dbh = made["督办函"]["id"]
    code, out, err = run(capsys, "docs", "issue", dbh, "--data-dir", d)
    assert code == 0, err
    before = {x["id"]: x["status"] for x in _docs(capsys, d)}
    for bad, why in ((["--method", "留置送达", "--receiver", body], "见证人"),
                     (["--method", "飞鸽传书", "--receiver", body], "送达方式应为"),
                     (["--method", "直接送达", "--receiver", body], "签收人")):
        code, _, err = run(capsys, "docs", "serve", dbh, "--date", TODAY, *bad, "--data-dir", d)
        assert code == 1 and why in err
    assert {x["id"]: x["status"] for x in _docs(capsys, d)} == before
    code, _, err = run(capsys, "docs", "serve", dbh, "--date", TODAY, "--method", "直接送达", "--receiver", body,
                       "--signer", "王镇长", "--data-dir", d)
    assert code == 0, err
    secret = f"{d}/sifasuo.sqlite3"   # the ledger itself must never become 反馈材料
    code, _, err = run(capsys, "docs", "reply", dbh, "--date", TODAY, "--content", "已整改", "--file", secret,
                       "--data-dir", d)
    assert code == 1 and "数据文件夹" in err
    code, _, err = run(capsys, "docs", "reply", dbh, "--date", TODAY, "--content", "已全部整改", "--data-dir", d)
    assert code == 0, err
    assert {x["id"]: x["status"] for x in _docs(capsys, d)}[dbh] == "已反馈"


def test_bad_draft_calls_exit_1_in_chinese(capsys, county):
    for argv, why in ((["--type", "公告", "--body", "x"], "不认识的文书类型"),
                      (["--type", "意见书"], "--body"),
                      (["--type", "评查通报"], "--batch"),
                      (["--type", "意见书", "--body", "不存在的单位"], "找不到被监督单位"),
                      (["--type", "意见书", "--visit", "no-such-visit"], "找不到该监督检查记录")):
        n = len(_docs(capsys, county))
        code, _, err = run(capsys, "docs", "draft", *argv, "--data-dir", county)
        assert code == 1 and why in err, (argv, err)
        assert len(_docs(capsys, county)) == n
