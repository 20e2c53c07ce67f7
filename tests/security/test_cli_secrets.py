"""Issue 11 item 13: passwords need not be on the command line (environment, --…-file, stdin, prompt);
the old flags still work, with a Chinese warning."""
import os
import subprocess
import sys

from sifasuo_desktop.cli import main
from sifasuo_desktop.security import accounts
from sifasuo_desktop.store import Store

INIT = ["--role", "township", "--org-name", "甲镇司法所", "--org-code", "379901103000", "--admin-user", "chief"]


def test_init_reads_the_admin_password_from_a_file_without_warning(tmp_path, capsys, login):
    pw = tmp_path / "pw.txt"
    pw.write_text("chief-pass-1\n", encoding="utf-8")
    d = tmp_path / "d"
    assert main(["init", "--data-dir", str(d), *INIT, "--admin-password-file", str(pw)]) == 0
    assert "警告" not in capsys.readouterr().err
    with Store.open(d) as s:
        assert accounts.authenticate(s, "chief", "chief-pass-1")


def test_old_password_flag_still_works_but_warns(tmp_path, capsys, login):
    d = tmp_path / "d"
    assert main(["init", "--data-dir", str(d), *INIT, "--admin-password", "chief-pass-1"]) == 0
    err = capsys.readouterr().err
    assert "其他用户可以在进程列表" in err and "--admin-password-file" in err


def test_accounts_add_and_recover_from_stdin_and_environment(tmp_path, login, monkeypatch):
    d = tmp_path / "d"
    assert main(["init", "--data-dir", str(d), *INIT, "--admin-password-file", os.devnull]) == 1  # empty file
    monkeypatch.setenv("SIFASUO_ADMIN_PASSWORD", "chief-pass-1")
    out = subprocess.run([sys.executable, "-m", "sifasuo_desktop", "init", "--data-dir", str(d), *INIT],
                         capture_output=True, text=True, env=dict(os.environ), stdin=subprocess.DEVNULL).stdout
    code = out.split("抄下来锁好）：")[1].split()[0]
    env = dict(os.environ, SIFASUO_USER="chief", SIFASUO_PASSWORD="chief-pass-1")
    r = subprocess.run([sys.executable, "-m", "sifasuo_desktop", "accounts", "add", "--data-dir", str(d), "--user",
                        "clerk", "--role", "staff", "--password-file", "-"], input="clerk-pass-1\n",
                       capture_output=True, text=True, env=env)
    assert r.returncode == 0 and "警告" not in r.stderr, r.stderr
    env = dict(os.environ, SIFASUO_RECOVERY_CODE=code)
    r = subprocess.run([sys.executable, "-m", "sifasuo_desktop", "accounts", "recover", "--data-dir", str(d),
                        "--user", "chief", "--password-file", "-"], input="new-chief-pass\n",
                       capture_output=True, text=True, env=env)
    assert r.returncode == 0 and "警告" not in r.stderr, r.stderr
    with Store.open(d) as s:
        assert accounts.authenticate(s, "clerk", "clerk-pass-1")
        assert accounts.authenticate(s, "chief", "new-chief-pass")
