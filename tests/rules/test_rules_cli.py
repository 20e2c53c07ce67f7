"""`sifasuo rules list/set`: every rule of rule_defaults.json, admin-only changes, clear refusals."""
import json

import pytest

from sifasuo_desktop.cli import main
from sifasuo_desktop.domain.rules import CODES, load_defaults
from sifasuo_desktop.security import accounts
from sifasuo_desktop.store import Store
from sifasuo_desktop.store.rules_queries import load_params


@pytest.fixture
def data_dir(tmp_path):
    d = tmp_path / "d"
    with Store.open(d) as s:
        s.init_org("township", "测试镇司法所", "T0001", "C0001")
    return d


def _list(data_dir, capsys):
    capsys.readouterr()
    assert main(["rules", "list", "--data-dir", str(data_dir), "--json"]) == 0
    return {r["code"]: r for r in json.loads(capsys.readouterr().out)}


def test_list_has_every_rule_with_defaults(data_dir, capsys):
    rows = _list(data_dir, capsys)
    assert list(rows) == list(CODES) == list(load_defaults())
    for code, d in load_defaults().items():
        assert rows[code]["title"] == d["title"] and rows[code]["enabled"] is True
        assert rows[code]["params"] == d["params"]
    assert rows["RY-10"]["params"] == {"public_law_hours": 0, "business_hours": 0}
    assert main(["rules", "list", "--data-dir", str(data_dir)]) == 0
    text = capsys.readouterr().out
    assert "RY-10  培训类别学时不足  [启用]" in text and "public_law_hours）=0" in text


def test_set_changes_one_rule_and_keeps_the_others(data_dir, capsys):
    assert main(["rules", "set", "RY-10", "public_law_hours=20", "business_hours=40", "--data-dir", str(data_dir)]) == 0
    assert "已保存" in capsys.readouterr().out
    assert main(["rules", "set", "ry-03", "enabled=false", "--data-dir", str(data_dir)]) == 0
    assert main(["rules", "set", "RY-10", "public_law_hours=３０", "--data-dir", str(data_dir)]) == 0  # full-width
    rows = _list(data_dir, capsys)
    assert rows["RY-10"]["params"] == {"public_law_hours": 30, "business_hours": 40}
    assert rows["RY-03"]["enabled"] is False and rows["RY-03"]["params"] == {"warn_days": 60}
    assert rows["GS-01"]["enabled"] is True
    with Store.open(data_dir) as s:
        p = load_params(s)
        assert p["RY-10"]["public_law_hours"] == 30 and p["RY-03"]["enabled"] is False
    assert main(["rules", "set", "RY-03", "enabled=true", "--data-dir", str(data_dir)]) == 0
    assert _list(data_dir, capsys)["RY-03"]["enabled"] is True


@pytest.mark.parametrize("args, needle", [
    (["XX-99", "a=1"], "未知的预警规则"),
    (["RY-10", "nothing=1"], "没有参数“nothing”"),
    (["RY-10", "public_law_hours=-1"], "不小于0"),
    (["RY-10", "public_law_hours=abc"], "应为数字"),
    (["RY-10", "public_law_hours=inf"], "有限的数字"),
    (["RY-10", "public_law_hours"], "参数名=数值"),
    (["RY-09", "month=13"], "1到12之间"),
    (["RY-09", "day=0"], "1到31之间"),
    (["RY-04", "from_month=0"], "1到12之间"),
    (["GS-01", "enabled=maybe"], "true 或 false"),
])
def test_bad_values_refused_with_chinese_message(data_dir, capsys, args, needle):
    assert main(["rules", "set", *args, "--data-dir", str(data_dir)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("错误：") and needle in err
    with Store.open(data_dir) as s:
        assert s.get_setting("rules") is None  # untouched


def test_set_needs_an_admin(data_dir, capsys, monkeypatch):
    with Store.open(data_dir) as s:
        s.set_meta(accounts.SETUP_OPEN, "1")  # as `init` without --admin-user leaves the folder
        accounts.create_account(s, "boss", "boss-pass-1", "admin")
        s.actor = accounts.authenticate(s, "boss", "boss-pass-1")
        accounts.create_account(s, "clerk", "clerk-pass-1", "staff")
    monkeypatch.setenv("SIFASUO_USER", "clerk")
    monkeypatch.setenv("SIFASUO_PASSWORD", "clerk-pass-1")
    assert main(["rules", "set", "RY-10", "public_law_hours=20", "--data-dir", str(data_dir)]) == 1
    assert capsys.readouterr().err.startswith("错误：")
    assert _list(data_dir, capsys)["RY-10"]["params"]["public_law_hours"] == 0  # read-only listing still works
    monkeypatch.setenv("SIFASUO_USER", "boss")
    monkeypatch.setenv("SIFASUO_PASSWORD", "boss-pass-1")
    assert main(["rules", "set", "RY-10", "public_law_hours=20", "--data-dir", str(data_dir)]) == 0
    assert _list(data_dir, capsys)["RY-10"]["params"]["public_law_hours"] == 20


def test_usage_error_exits_2(data_dir):
    with pytest.raises(SystemExit) as exc:
        main(["rules", "set", "RY-10", "--data-dir", str(data_dir)])
    assert exc.value.code == 2
