"""Issue 18: sync set up in one guided step on each side with one USB stick (county → township → county), no
"trust the other side first" refusal on the way; the 同步 page says what was last sent and what waits."""
import pytest

from sifasuo_desktop.domain.permissions import SYSTEM
from sifasuo_desktop.store import Store
from sifasuo_desktop.sync import setup as SU
from sifasuo_desktop.ui import sync_ui
from sifasuo_desktop.ui.main_window import MainWindow
from sifasuo_desktop.ui.sync_setup_ui import SyncSetupWizard


@pytest.fixture
def messages(monkeypatch):
    seen = []
    monkeypatch.setattr(sync_ui, "_info", lambda _p, title, text: seen.append((title, text)))
    monkeypatch.setattr(sync_ui, "_warn", lambda _p, title, text: seen.append((title, text)))
    return seen


@pytest.fixture
def county(tmp_path):
    s = Store.open(tmp_path / "county")
    s.init_org("county", "测试县司法局", "C0001")
    SU.after_init(s)
    yield s
    s.close()


def _window(qtbot, store):
    w = MainWindow(store, SYSTEM)
    qtbot.addWidget(w)
    w.resize(1366, 700)
    w.show()
    return w


def _wizard(qtbot, window, usb):
    dlg = SyncSetupWizard(window, str(usb))
    qtbot.addWidget(dlg)
    dlg.show()
    return dlg


def _trust_all(dlg):
    for f in dlg.found:
        if f.state == "new":
            dlg.confirm_boxes[str(f.path)].setChecked(True)
            dlg.trust(f)
            return f
    raise AssertionError("no identity to trust")


def test_one_guided_step_on_each_side(qtbot, qtlog, store, county, tmp_path, messages):
    SU.after_init(store)
    store.insert("bodies", {"name": "乡镇的执法主体"})
    usb = tmp_path / "usb"
    usb.mkdir()
    # county: its identity onto the stick
    cw = _window(qtbot, county)
    c1 = _wizard(qtbot, cw, usb)
    c1.start()
    assert (usb / "identity-C0001.json").exists() and not c1.pkg_btn.isEnabled()
    # township, one step: trust the county (only after the fingerprint box is ticked), identity + first package
    tw = _window(qtbot, store)
    t = _wizard(qtbot, tw, usb)
    new = [f for f in t.found if f.state == "new"]
    assert [f.ident.org_code for f in new] == ["C0001"]
    t.trust(new[0])                                           # not ticked: refused, nothing trusted
    assert not SU.trusted_peers(store) and "指纹一致" in t.status.text()
    _trust_all(t)
    assert SU.trusted_peers(store) == {"C0001": "测试县司法局"}
    t.start()
    assert (usb / "identity-T0001.json").exists() and t.pkg_btn.isEnabled()
    t.do_packages()
    assert SU.packages_for_me(county, usb), list(usb.iterdir())
    assert "✔ 本机身份文件已写到U盘" in t.status.text() and "✔ 已信任县司法局" in t.status.text()
    # county, one step: trust the township and import its package
    c2 = _wizard(qtbot, cw, usb)
    assert not c2.pkg_btn.isEnabled()                          # the package waits for the township's identity
    _trust_all(c2)
    assert c2.pkg_btn.isEnabled()
    c2.do_packages()
    assert county.count("bodies", "name = '乡镇的执法主体'") == 1
    assert any(title == "导入结果" for title, _ in messages), messages
    # the import's progress reached its dialog through signals, in the GUI thread; Qt printed no timer warning
    from sifasuo_desktop.ui import workers

    relay = workers.LAST_RELAY[0]
    assert relay.updates > 0 and relay.foreign_updates == 0
    bad = [r.message for r in qtlog.records if "timer" in r.message.lower() or "thread" in r.message.lower()]
    assert not bad, bad
    # the township's 同步 page: what was last sent, what waits
    page = tw.sync_page
    page.refresh()
    text = page.sending.text()
    assert "上次发送" in text and "测试县司法局" in text and ".tspkg" in text
    assert "没有未导出的变更" in text
    store.insert("bodies", {"name": "之后新增的主体"})
    page.refresh()
    assert "1 条变更尚未导出" in page.sending.text()


def test_wrong_files_on_the_stick_are_not_offered(qtbot, store, county, tmp_path, messages):
    SU.after_init(store)
    usb = tmp_path / "usb"
    usb.mkdir()
    (usb / "identity-X.json").write_bytes(b"not an identity")     # damaged: skipped, no traceback
    other = Store.open(tmp_path / "other")
    other.init_org("township", "别的镇司法所", "T0002", "C0001")
    SU.write_own_identity(other, usb)                              # a township cannot trust a township
    other.close()
    tw = _window(qtbot, store)
    t = _wizard(qtbot, tw, usb)
    states = {f.ident.org_code: f.state for f in t.found}
    assert states == {"T0002": "wrong"} and not t.confirm_boxes
    assert not t.pkg_btn.isEnabled()


def test_sync_page_before_any_setup(qtbot, store):
    w = _window(qtbot, store)
    w.sync_page.refresh()
    assert "还没有导出过同步包" in w.sync_page.sending.text()
    assert "同步设置向导" in w.sync_page.sending.text()
