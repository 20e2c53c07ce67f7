"""check_store over a real Store, settings, the holidays table, and the `sifasuo check` / `holidays` CLI."""
import datetime as dt
import json

import pytest

from sifasuo_desktop.cli import main
from sifasuo_desktop.domain.errors import PermissionDenied
from sifasuo_desktop.domain.permissions import Actor
from sifasuo_desktop.store import Store
from sifasuo_desktop.store.rules_queries import check_store, import_holidays

KEYS = {"code", "severity", "record_type", "record_id", "ref", "message", "due_date"}


def _seed(store):
    body = store.insert("bodies", {"name": "测试镇人民政府", "township": "测试镇", "status": "有效"})
    for name in ("张三", "李四"):
        store.insert("officers", {"name": name, "body_id": body["id"], "cert_no": "1", "cert_status": "有效",
                                  "cert_expiry": "2030-01-01", "duty_status": "在岗"})
    late = store.insert("cases", {"case_no": "测罚〔2026〕1号", "body_id": body["id"], "case_type": "行政处罚(一般程序)",
                                  "filed_date": "2026-12-01", "decision_date": "2026-12-24", "officer_names": "张三、李四",
                                  "status": "已决定"})
    alone = store.insert("cases", {"case_no": "测罚〔2026〕2号", "body_id": body["id"], "case_type": "行政许可",
                                   "filed_date": "2026-06-01", "officer_names": "张三", "status": "办理中"})
    gone = store.insert("cases", {"case_no": "测罚〔2026〕3号", "body_id": body["id"], "case_type": "行政许可",
                                  "filed_date": "2026-06-01", "officer_names": "张三", "status": "办理中"})
    store.delete("cases", gone["id"])
    return body, late, alone


def test_check_store_runs_rules_on_stored_records(store):
    body, late, alone = _seed(store)
    res = check_store(store, today="2027-01-05")
    by = {(f.code, f.record_id): f for f in res.findings}
    assert by[("GS-01", late["id"])].severity == "red" and by[("GS-01", late["id"])].due_date == "2027-01-04"
    assert by[("RY-01", alone["id"])].body == "测试镇人民政府"
    assert all(f.ref != "测罚〔2026〕3号" for f in res.findings)  # deleted records are ignored
    assert any("2027" in n for n in res.notices)
    assert res.counts()["red"] >= 2


def test_settings_change_thresholds_and_need_admin(store):
    _, late, _ = _seed(store)
    assert any(f.code == "GS-01" for f in check_store(store, today="2027-01-05").findings)
    store.set_setting("rules", {"GS-01": {"deadline_workdays": 10}})
    assert not any(f.code == "GS-01" for f in check_store(store, today="2027-01-05").findings)
    store.set_setting("rules", {"GS-01": {"enabled": False}})
    assert not any(f.code == "GS-01" for f in check_store(store, today="2027-03-01").findings)
    store.actor = Actor("xiaowang", "staff")
    with pytest.raises(PermissionDenied):
        store.set_setting("rules", {"GS-01": {"deadline_workdays": 99}})
    with pytest.raises(PermissionDenied):
        import_holidays(store, [("2027-01-01", "holiday")])
    assert store.count("holidays") == 0


def test_imported_holidays_move_deadlines_and_silence_the_notice(store):
    _, late, _ = _seed(store)
    res = import_holidays(store, [("2027-01-01", "holiday"), ("2027-02-06", "workday")], source="t.csv")
    assert res == {"added": 2, "changed": 0, "unchanged": 0, "years": ["2027"]}
    found = [f for f in check_store(store, today="2027-01-05").findings if f.code == "GS-01"]
    assert found[0].severity == "yellow" and found[0].due_date == "2027-01-05"
    assert not any("2027" in n for n in check_store(store, today="2027-01-05").notices)
    res = import_holidays(store, [("2027-01-01", "holiday"), ("2027-02-06", "holiday")])
    assert (res["added"], res["changed"], res["unchanged"]) == (0, 1, 1)


@pytest.fixture
def data_dir(tmp_path):
    d = tmp_path / "d"
    s = Store.open(d)
    s.init_org("township", "测试镇司法所", "T0001", "C0001")
    _seed(s)
    s.close()
    return d


def test_cli_check_json(data_dir, capsys):
    assert main(["check", "--data-dir", str(data_dir), "--today", "2027-01-05", "--json"]) == 0
    out, err = capsys.readouterr()
    items = json.loads(out)
    assert items and all(KEYS <= set(i) for i in items)
    assert {i["code"] for i in items} >= {"GS-01", "RY-01"}
    assert "2027" in err  # fallback-year notice on stderr


def test_cli_check_human_and_rule_filter(data_dir, capsys):
    assert main(["check", "--data-dir", str(data_dir), "--today", "2027-01-05", "--rule", "RY-01"]) == 0
    out = capsys.readouterr().out
    assert "RY-01" in out and "GS-01" not in out and "红色预警" in out
    assert main(["check", "--data-dir", str(data_dir), "--today", "2026-07-01", "--rule", "gs-01"]) == 0
    assert "没有预警" in capsys.readouterr().out
    assert main(["check", "--data-dir", str(data_dir), "--rule", "XX-01"]) == 1
    assert "未知的规则代码" in capsys.readouterr().err


def test_cli_check_bad_date_is_usage_error(data_dir):
    with pytest.raises(SystemExit) as exc:
        main(["check", "--data-dir", str(data_dir), "--today", "2027-13-45"])
    assert exc.value.code == 2


def test_cli_holidays_import_and_list(data_dir, tmp_path, capsys):
    f = tmp_path / "2027.csv"
    f.write_text("date,kind\n2027-01-01,休\n2027-02-06,班\n", encoding="utf-8")
    assert main(["holidays", "import", str(f), "--data-dir", str(data_dir)]) == 0
    assert "新增2天" in capsys.readouterr().out
    assert main(["holidays", "list", "--data-dir", str(data_dir)]) == 0
    assert "2027年：放假1天，调休上班1天" in capsys.readouterr().out
    assert main(["check", "--data-dir", str(data_dir), "--today", "2027-01-05", "--json"]) == 0
    items = json.loads(capsys.readouterr().out)
    assert [i["due_date"] for i in items if i["code"] == "GS-01"] == ["2027-01-05"]


def test_cli_holidays_bad_file_changes_nothing(data_dir, tmp_path, capsys):
    f = tmp_path / "bad.csv"
    f.write_text("2027-01-01,holiday\n2027-02-30,holiday\n", encoding="utf-8")
    assert main(["holidays", "import", str(f), "--data-dir", str(data_dir)]) == 1
    assert "第2行日期不正确" in capsys.readouterr().err
    assert main(["holidays", "import", str(tmp_path / "missing.csv"), "--data-dir", str(data_dir)]) == 1
    assert "无法读取" in capsys.readouterr().err
    with Store.open(data_dir) as s:
        assert s.count("holidays") == 0


def test_gbk_file_accepted(data_dir, tmp_path, capsys):
    f = tmp_path / "gbk.csv"
    f.write_bytes("日期,类型\n2027-10-09,上班\n".encode("gbk"))
    assert main(["holidays", "import", str(f), "--data-dir", str(data_dir)]) == 0
    with Store.open(data_dir) as s:
        assert [(r["date"], r["kind"]) for r in s.rows("holidays")] == [("2027-10-09", "workday")]


def test_demo_store_has_findings_of_many_rules(demo_store):
    res = check_store(demo_store, today=dt.date(2026, 11, 20))
    codes = {f.code for f in res.findings}
    assert {"GS-01", "RY-01", "RY-03", "FQ-02", "ZG-01"} <= codes
