"""installer/glibc_bundle.py: the bundle carries its own glibc and the static floor check (issue 21)."""
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "installer"))
import glibc_bundle  # noqa: E402

pytestmark = pytest.mark.skipif(not (shutil.which("patchelf") and shutil.which("objdump")),
                                reason="needs patchelf and binutils (installed by installer/ci-check.sh)")


def fake_bundle(tmp_path):
    b = tmp_path / "bundle"
    (b / "_internal").mkdir(parents=True)
    shutil.copy2(shutil.which("true"), b / "sifasuo")
    shutil.copy2(glibc_bundle._host_lib("libz.so.1") if Path("/lib/x86_64-linux-gnu/libz.so.1").exists()
                 else glibc_bundle._host_lib("libm.so.6"), b / "_internal" / "libz.so.1")
    return b


def test_without_a_carried_glibc_the_system_must_provide_the_build_hosts(tmp_path):
    b = fake_bundle(tmp_path)
    need, problems = glibc_bundle.check(b, "2.28", log=lambda *_: None)
    host = tuple(map(int, glibc_bundle.host_glibc_version().split(".")))
    assert need is not None and tuple(map(int, need.split("."))) <= host
    if tuple(map(int, need.split("."))) > (2, 28):
        assert problems and "above the floor 2.28" in problems[0]


def test_carried_glibc_runs_the_executable_through_the_bundles_loader(tmp_path):
    b = fake_bundle(tmp_path)
    patched = glibc_bundle.carry(b, str(b), log=lambda *_: None)
    assert [p.name for p in patched] == ["sifasuo"]
    assert glibc_bundle.interpreter(b / "sifasuo") == f"{b}/_internal/glibc/ld-linux-x86-64.so.2"
    assert (b / "_internal/glibc/libc.so.6").is_file()
    # the patched program really starts through the carried loader
    assert subprocess.run([str(b / "sifasuo")]).returncode == 0
    need, problems = glibc_bundle.check(b, "2.28", log=lambda *_: None)
    assert (need, problems) == (None, [])
    # a second program added later without patching is caught by the check
    shutil.copy2(shutil.which("true"), b / "helper")
    need, problems = glibc_bundle.check(b, "2.28", log=lambda *_: None)
    assert need is not None
    if tuple(map(int, need.split("."))) > (2, 28):
        assert any("helper" in p for p in problems)


def test_install_dir_must_be_absolute(tmp_path):
    with pytest.raises(glibc_bundle.BundleError):
        glibc_bundle.carry(fake_bundle(tmp_path), "relative/dir", log=lambda *_: None)
