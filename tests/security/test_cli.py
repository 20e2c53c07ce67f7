"""The CLI acts as an account: system without accounts, anonymous read-only for reads, login for writes."""
import json

import pytest

from sifasuo_desktop.cli import main
from sifasuo_desktop.domain.permissions import SYSTEM
from sifasuo_desktop.security import accounts
from sifasuo_desktop.security.cli_auth import CLI_READONLY, cli_actor
from sifasuo_desktop.store import Store


def test_init_with_admin_flags_creates_admin_and_prints_recovery_code(tmp_path, capsys, login):
    d = tmp_path / "d"
    rc = main(["init", "--data-dir", str(d), "--role", "township", "--org-name", "甲镇司法所", "--org-code", "379901103000",
               "--admin-user", "chief", "--admin-password", "chief-pass-1"])
    out = capsys.readouterr().out
    assert rc == 0 and "已创建管理员账号：chief" in out and "恢复码" in out
    code = out.split("恢复码（只显示这一次，请抄下来锁好）：")[1].split()[0]
    with Store.open(d) as s:
        assert accounts.get_account(s, "chief").role == "admin"
        assert accounts.recover_with_code(s, "chief", code, "reset-pass-22")


def test_init_without_terminal_or_flags_warns_and_cli_acts_as_system(tmp_path, capsys, login):
    d = tmp_path / "d"
    rc = main(["init", "--data-dir", str(d), "--role", "township", "--org-name", "乙镇司法所", "--org-code", "379901104000"])
    err = capsys.readouterr().err
    assert rc == 0 and "未创建管理员账号" in err
    with Store.open(d) as s:
        assert not accounts.has_accounts(s)
        assert cli_actor(s, write=True) == SYSTEM
    # the first account can then be added without logging in
    assert main(["accounts", "add", "--data-dir", str(d), "--user", "admin2", "--role", "管理员",
                 "--password", "admin2-pass"]) == 0


def test_init_with_weak_password_is_refused_before_anything_is_written(tmp_path, capsys, login):
    d = tmp_path / "d"
    rc = main(["init", "--data-dir", str(d), "--role", "township", "--org-name", "丙镇司法所", "--org-code", "379901105000",
               "--admin-user", "chief", "--admin-password", "123"])
    assert rc == 1 and "至少需要8个字符" in capsys.readouterr().err
    assert not d.exists()
    rc = main(["init", "--data-dir", str(d), "--role", "township", "--org-name", "丙镇司法所", "--org-code", "379901105000",
               "--admin-user", "chief", "--admin-password", "chief-pass-1"])
    assert rc == 0
    with Store.open(d) as s:
        assert accounts.has_accounts(s)


def test_demo_creates_admin_demo1234_and_prints_it(tmp_path, capsys, login):
    d = tmp_path / "demo"
    assert main(["demo", "--data-dir", str(d), "--cases", "5"]) == 0
    assert "演示账号：admin / demo1234" in capsys.readouterr().out
    with Store.open(d) as s:
        assert accounts.authenticate(s, "admin", "demo1234").role == "admin"


def test_write_commands_need_login_read_commands_are_masked_readonly(sec_dir, capsys, login):
    out_file = sec_dir.parent / "b.sqlite3"
    rc = main(["backup", "--data-dir", str(sec_dir), "--out", str(out_file)])
    assert rc == 1 and "SIFASUO_USER" in capsys.readouterr().err and not out_file.exists()
    login("clerk")
    assert main(["backup", "--data-dir", str(sec_dir), "--out", str(out_file)]) == 0 and out_file.exists()
    login("clerk")
    import os
    os.environ["SIFASUO_PASSWORD"] = "wrong-one-1"
    assert main(["backup", "--data-dir", str(sec_dir), "--out", str(out_file)]) == 1
    assert "用户名或密码错误" in capsys.readouterr().err
    with Store.open(sec_dir) as s:
        assert cli_actor(s, write=False) == CLI_READONLY


def test_staff_account_cannot_issue_document_through_cli(sec_dir, capsys, login):
    from sifasuo_desktop.documents import service as S

    with Store.open(sec_dir) as s:
        s.set_setting(S.S_ISSUER, "甲县司法局")
        s.set_setting(S.S_SHORT, "甲")
        s.set_setting(S.S_CONTACT, {"name": "刘明", "phone": "0530-1234567"})
        body = s.insert("bodies", {"name": "甲镇人民政府", "body_type": "乡镇人民政府"})
        s.insert("problems", {"problem_no": "甲问〔2026〕1号", "found_date": "2026-10-01", "source": "监督检查",
                              "body_id": body["id"], "category": "程序", "description": "重大执法决定未经法制审核",
                              "requirement": "补齐法制审核", "deadline": "2026-12-01", "status": "待整改"})
        doc = S.draft_for_problems(s, body["id"], key="zhenggai")  # the 司法所's own 整改通知单
    login("clerk")
    assert main(["docs", "issue", "--data-dir", str(sec_dir), doc["id"]]) == 1
    assert "无权签发文书" in capsys.readouterr().err
    with Store.open(sec_dir) as s:
        assert s.get("documents", doc["id"])["status"] == "草稿"
    login("lead")
    assert main(["docs", "issue", "--data-dir", str(sec_dir), doc["id"]]) == 0
    with Store.open(sec_dir) as s:
        assert s.get("documents", doc["id"])["status"] == "已签发"


def test_accounts_cli_admin_only(sec_dir, capsys, login):
    login("clerk")
    assert main(["accounts", "add", "--data-dir", str(sec_dir), "--user", "x1", "--role", "staff",
                 "--password", "x1-pass-123"]) == 1
    assert "无权管理账号" in capsys.readouterr().err
    login("boss")
    assert main(["accounts", "add", "--data-dir", str(sec_dir), "--user", "x1", "--role", "staff",
                 "--password", "x1-pass-123"]) == 0
    assert main(["accounts", "passwd", "--data-dir", str(sec_dir), "--user", "x1", "--password", "x1-temp-999"]) == 0
    assert main(["accounts", "set", "--data-dir", str(sec_dir), "--user", "x1", "--role", "leader", "--disable"]) == 0
    capsys.readouterr()
    assert main(["accounts", "list", "--data-dir", str(sec_dir), "--json"]) == 0
    rows = {r["username"]: r for r in json.loads(capsys.readouterr().out)}
    assert rows["x1"]["role"] == "leader" and not rows["x1"]["active"] and rows["x1"]["must_change"]


def test_recover_cli_without_login(tmp_path, capsys, login):
    d = tmp_path / "d"
    main(["init", "--data-dir", str(d), "--role", "county", "--org-name", "某县司法局", "--org-code", "379902",
          "--admin-user", "chief", "--admin-password", "chief-pass-1"])
    code = capsys.readouterr().out.split("请抄下来锁好）：")[1].split()[0]
    assert main(["accounts", "recover", "--data-dir", str(d), "--user", "chief", "--code", "WRONG-CODE",
                 "--password", "new-pass-123"]) == 1
    assert "恢复码不正确" in capsys.readouterr().err
    assert main(["accounts", "recover", "--data-dir", str(d), "--user", "chief", "--code", code,
                 "--password", "new-pass-123"]) == 0
    assert "新密码" in capsys.readouterr().out
    login("chief")
    import os
    os.environ["SIFASUO_PASSWORD"] = "new-pass-123"
    assert main(["backup", "--data-dir", str(d), "--out", str(tmp_path / "x.sqlite3")]) == 0


@pytest.mark.parametrize("user", ["guest"])
def test_readonly_account_cannot_write(sec_dir, capsys, login, user):
    login(user)
    assert main(["backup-config", "--data-dir", str(sec_dir), "--no-second-dir"]) == 1
    assert "无权" in capsys.readouterr().err
