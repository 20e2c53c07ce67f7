"""Issue 18: the login dialog of a demo folder shows the demo login (admin / demo1234) until its password is
changed; a real folder shows nothing."""
from sifasuo_desktop.security import accounts
from sifasuo_desktop.security.setup import DEMO_PASSWORD, DEMO_USER, after_demo
from sifasuo_desktop.ui.login_dialog import LoginDialog


def test_demo_folder_shows_its_login_until_the_password_changes(qtbot, store):
    after_demo(store)
    dlg = LoginDialog(store)
    qtbot.addWidget(dlg)
    dlg.show()
    assert dlg.demo_hint.isVisible() and f"{DEMO_USER} / {DEMO_PASSWORD}" in dlg.demo_hint.text()
    assert dlg.username.text() == DEMO_USER
    dlg.password.setText(DEMO_PASSWORD)
    dlg._ok()
    assert dlg.actor is not None and dlg.actor.username == DEMO_USER
    accounts.change_password(store, DEMO_USER, DEMO_PASSWORD, "a-new-secret-9")
    again = LoginDialog(store)
    qtbot.addWidget(again)
    again.show()
    assert not again.demo_hint.isVisible() and DEMO_PASSWORD not in again.demo_hint.text()


def test_a_real_folder_shows_no_demo_login(qtbot, store):
    accounts.create_account(store, "boss", "boss-pass-1", accounts.ADMIN)
    dlg = LoginDialog(store)
    qtbot.addWidget(dlg)
    dlg.show()
    assert not dlg.demo_hint.isVisible() and dlg.username.text() == ""
