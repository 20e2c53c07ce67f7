"""Issue 18: the file dialog speaks Chinese: its 类型 column says 文件夹 (not "Folder") and its dates are
2026/12/2, not "2 12 2026", also on a Linux whose locale is C/POSIX."""
import json
import os
import subprocess
import sys
import textwrap

SCRIPT = textwrap.dedent("""
    import json
    from sifasuo_desktop.ui.app import make_app
    app = make_app()
    from PySide6.QtCore import QCoreApplication, QDate, QDateTime, QLocale, QTime
    when = QDateTime(QDate(2026, 12, 2), QTime(9, 5))
    print(json.dumps({"date": QLocale.system().toString(when, QLocale.ShortFormat),
                      "folder": QCoreApplication.translate("QAbstractFileIconProvider", "Folder"),
                      "look_in": QCoreApplication.translate("QFileDialog", "&Look in:")}))
""")


def _run(env_extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith("LC_") and k != "LANG"}
    env.update(QT_QPA_PLATFORM="offscreen", **env_extra)
    res = subprocess.run([sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr[-2000:]
    return json.loads(res.stdout.strip().splitlines()[-1])


def test_c_locale_gets_chinese_file_dialog_strings():
    out = _run({"LANG": "C.UTF-8"})
    assert out["folder"] == "文件夹"
    assert out["date"].startswith("2026/12/2"), out
    assert out["look_in"] != "&Look in:"


def test_a_chosen_locale_is_kept():
    out = _run({"LANG": "C.UTF-8", "LC_TIME": "en_GB.UTF-8"})
    assert out["date"].startswith("02/12/2026"), out
