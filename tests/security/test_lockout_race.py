"""Issue 11 item 8: parallel wrong passwords cannot outrun the lock-out (the attempt count is atomic)."""
import threading

from sifasuo_desktop.security import accounts
from sifasuo_desktop.store import Store

from .conftest import PASSWORDS


def test_sixty_parallel_wrong_passwords_lock_the_account(sec_dir, monkeypatch):
    checked = []
    real_verify = accounts._verify

    def counting_verify(store, username, password):
        checked.append(username)
        return real_verify(store, username, password)

    monkeypatch.setattr(accounts, "_verify", counting_verify)
    results = []
    start = threading.Barrier(60)

    def attempt(i):
        s = Store.open(sec_dir)
        try:
            start.wait()
            accounts.authenticate(s, "clerk", f"wrong-guess-{i:03d}")
            results.append("ok")
        except accounts.AuthError as exc:
            results.append(exc.message)
        finally:
            s.close()

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(60)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 60 and "ok" not in results
    assert len(checked) <= 5           # only as many guesses as the limit were ever checked
    with Store.open(sec_dir) as s:
        acc = accounts.get_account(s, "clerk")
        assert acc.locked()
        # even the right password is refused while locked
        try:
            accounts.authenticate(s, "clerk", PASSWORDS["clerk"])
            raise AssertionError("locked account let a login in")
        except accounts.AuthError as exc:
            assert "锁定" in exc.message


def test_sequential_wrong_passwords_still_lock_at_the_limit(sec_dir):
    with Store.open(sec_dir) as s:
        for i in range(4):
            try:
                accounts.authenticate(s, "clerk", f"bad-{i}-xxxx")
            except accounts.AuthError as exc:
                assert exc.message == accounts.BAD_LOGIN
        assert not accounts.get_account(s, "clerk").locked()
        assert accounts.authenticate(s, "clerk", PASSWORDS["clerk"]).username == "clerk"   # resets the count
        for i in range(5):
            try:
                accounts.authenticate(s, "clerk", f"bad-{i}-xxxx")
            except accounts.AuthError:
                pass
        assert accounts.get_account(s, "clerk").locked()
