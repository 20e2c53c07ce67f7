"""With a terminal attached, init asks for the administrator and write commands ask for the login."""
import os
import select
import sys
import time

import pytest

from sifasuo_desktop.security import accounts
from sifasuo_desktop.store import Store

pty = pytest.importorskip("pty", reason="needs a POSIX pty")


def _run_in_pty(argv, answers, timeout=60.0):
    """Run the CLI in a pseudo-terminal, answering each prompt (matched by text) in turn."""
    env = {k: v for k, v in os.environ.items() if k not in ("SIFASUO_USER", "SIFASUO_PASSWORD")}
    pid, fd = pty.fork()
    if pid == 0:  # child
        os.execve(sys.executable, [sys.executable, "-m", "sifasuo_desktop", *argv], env)
    out = b""
    pending = list(answers)
    answered_at = 0
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        r, _, _ = select.select([fd], [], [], 0.2)
        if r:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                break
            if not chunk:
                break
            out += chunk
        fresh = out[answered_at:].decode("utf-8", "replace")
        if pending and pending[0][0] in fresh:
            os.write(fd, (pending.pop(0)[1] + "\n").encode())
            answered_at = len(out)  # match the next prompt only in what comes after this answer
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status), out.decode("utf-8", "replace")


def test_init_prompts_for_admin_then_write_command_prompts_for_login(tmp_path):
    d = tmp_path / "d"
    code, out = _run_in_pty(
        ["init", "--data-dir", str(d), "--role", "township", "--org-name", "终端所", "--org-code", "379901106000"],
        [("管理员用户名", "chief"), ("设置密码", "chief-pass-1"), ("再输入一次", "chief-pass-1")])
    assert code == 0, out
    assert "已创建管理员账号：chief" in out and "恢复码" in out
    with Store.open(d) as s:
        assert accounts.authenticate(s, "chief", "chief-pass-1").role == "admin"
    code, out = _run_in_pty(["backup", "--data-dir", str(d), "--out", str(tmp_path / "b.sqlite3")],
                            [("用户名", "chief"), ("密码", "chief-pass-1")])
    assert code == 0, out
    assert (tmp_path / "b.sqlite3").exists()
