"""The `sifasuo` command as county staff script it: commands, exit codes, Chinese messages."""
import json
import os
import subprocess
import sys

import pytest

from sifasuo_desktop.store import Store


def run(*args, env_extra=None, timeout=120):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    env.pop("SIFASUO_USER", None)
    env.pop("SIFASUO_PASSWORD", None)
    env.update(env_extra or {})
    return subprocess.run([sys.executable, "-m", "sifasuo_desktop", *args], capture_output=True, text=True,
                          env=env, timeout=timeout, stdin=subprocess.DEVNULL)


def test_init_then_refuse_second_init(tmp_path):
    d = tmp_path / "t"
    r = run("init", "--data-dir", str(d), "--role", "township", "--org-name", "测试镇司法所", "--org-code", "379901101000",
            "--parent-code", "379901")
    assert r.returncode == 0, r.stderr
    assert "已初始化" in r.stdout
    with Store.open(d) as s:
        assert (s.org.code, s.org.role, s.org.parent_code) == ("379901101000", "township", "379901")
    r = run("init", "--data-dir", str(d), "--role", "county", "--org-name", "乙", "--org-code", "379902")
    assert r.returncode == 1 and "已初始化" in r.stderr


def test_usage_errors_exit_2(tmp_path):
    r = run("init", "--data-dir", str(tmp_path), "--role", "village", "--org-name", "x", "--org-code", "y")
    assert r.returncode == 2
    r = run("no-such-command")
    assert r.returncode == 2


def test_user_error_exit_1_with_chinese_message(tmp_path):
    r = run("init", "--data-dir", str(tmp_path / "x"), "--role", "township", "--org-name", "甲", "--org-code", "代码")
    assert r.returncode == 1 and r.stderr.startswith("错误：") and "机构代码" in r.stderr


def test_demo_json_and_refuses_used_folder(tmp_path):
    d = tmp_path / "demo"
    r = run("demo", "--data-dir", str(d), "--cases", "80", "--seed", "5", "--json")
    assert r.returncode == 0, r.stderr
    summary = json.loads(r.stdout)
    assert summary["counts"]["cases"] == 80 and summary["org_code"] == "379905101000"
    for table in ("officers", "trainings", "powers", "inspections", "visits", "reviews", "problems", "documents",
                  "complaints", "plan_tasks", "supervisors"):
        assert summary["counts"][table] > 0, table
    r = run("demo", "--data-dir", str(d))
    assert r.returncode == 1 and "已有台账数据" in r.stderr


def test_demo_seed_gives_own_org_code(tmp_path):
    a = json.loads(run("demo", "--data-dir", str(tmp_path / "a"), "--cases", "5", "--seed", "1", "--json").stdout)
    b = json.loads(run("demo", "--data-dir", str(tmp_path / "b"), "--cases", "5", "--seed", "2", "--json").stdout)
    assert a["org_code"] != b["org_code"]


def test_quit_after_startup_opens_main_window(tmp_path):
    d = tmp_path / "demo"
    assert run("demo", "--data-dir", str(d), "--cases", "50").returncode == 0
    r = run("--data-dir", str(d), "--quit-after-startup")
    assert r.returncode == 0, r.stderr


def test_version():
    r = run("--version")
    assert r.returncode == 0 and r.stdout.startswith("sifasuo ")
