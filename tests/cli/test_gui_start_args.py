"""Issue 19 (start-up): a GUI start reads its two options without building the command parser, so the command
families (and what they import, e.g. cryptography) stay unimported; anything else goes to the full parser."""
from __future__ import annotations

import subprocess
import sys

from sifasuo_desktop import cli


def test_gui_arguments_only_for_a_gui_start():
    a = cli._gui_arguments(["--data-dir", "D", "--quit-after-startup"])
    assert a.data_dir == "D" and a.quit_after_startup and a.command is None
    a = cli._gui_arguments(["--data-dir=D"])
    assert a.data_dir == "D" and not a.quit_after_startup
    a = cli._gui_arguments([])
    assert not hasattr(a, "data_dir") and a.command is None
    for argv in (["check", "--data-dir", "D"], ["--data-dir", "D", "check"], ["--version"], ["-h"], ["--data"],
                 ["--data-dir"], ["--bogus"], ["--quit-after-startup", "x"]):
        assert cli._gui_arguments(argv) is None, argv


def test_a_gui_start_imports_no_command_family(tmp_path):
    code = ("import sys\n"
            "import sifasuo_desktop.ui.app as app\n"
            "seen = {}\n"
            "def fake(data_dir, quit_after_startup=False):\n"
            "    seen['mods'] = sorted(m for m in sys.modules if m.startswith('sifasuo_desktop.cli.')"
            " or m.startswith('cryptography'))\n"
            "    print(repr((str(data_dir), quit_after_startup, seen['mods'])), flush=True)\n"
            "    return 0\n"
            "app.run_gui = fake\n"
            "from sifasuo_desktop.cli import main\n"
            f"main(['--data-dir', {str(tmp_path)!r}, '--quit-after-startup'])\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    data_dir, quit_flag, mods = eval(out.stdout.strip().splitlines()[-1])
    assert data_dir == str(tmp_path) and quit_flag is True
    assert mods == [], mods


def test_a_command_still_gets_the_full_parser(capsys):
    import pytest

    with pytest.raises(SystemExit) as exc:
        cli.main(["--data-dir", "x", "--bogus"])
    assert exc.value.code == 2 and "参数错误" in capsys.readouterr().err
