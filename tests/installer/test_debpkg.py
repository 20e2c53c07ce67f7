"""The .deb builder: versions, glibc floor parsing, Depends from a real ELF, UOS layout."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "installer"))
import debpkg  # noqa: E402

needs_dpkg = pytest.mark.skipif(
    not (shutil.which("dpkg-deb") and shutil.which("objdump") and shutil.which("readelf")),
    reason="dpkg-deb/binutils not installed",
)


@pytest.mark.parametrize("good", ["0.1.0.0", "1.2.3.45", "10.0.0.1"])
def test_check_version_accepts_four_numeric_parts(good):
    assert debpkg.check_version(good) == good


@pytest.mark.parametrize("bad", ["0.1.0", "0.1.0.0.1", "0.1.0.a", "v0.1.0.0", "0.1.0.0-1", ""])
def test_check_version_rejects_others(bad):
    with pytest.raises(debpkg.PackagingError):
        debpkg.check_version(bad)


@pytest.mark.parametrize(
    "pep440,build,expected",
    [("0.1.0", 0, "0.1.0.0"), ("1.2", 7, "1.2.0.7"), ("0.1.0.dev3", "12", "0.1.0.12"),
     ("1.0.0rc1", 0, "1.0.0.0"), ("2.3.4.5", 9, "2.3.4.9")],
)
def test_four_part_version(pep440, build, expected):
    assert debpkg.four_part_version(pep440, build) == expected


def test_four_part_version_rejects_garbage():
    with pytest.raises(debpkg.PackagingError):
        debpkg.four_part_version("banana")
    with pytest.raises(debpkg.PackagingError):
        debpkg.four_part_version("1.0", "x1")


def test_parse_glibc_versions_takes_the_highest_numerically():
    text = """
0000000000000000      DF *UND*  0000000000000000 (GLIBC_2.2.5) memcpy
0000000000000000      DF *UND*  0000000000000000 (GLIBC_2.9) pipe2
0000000000000000      DF *UND*  0000000000000000 (GLIBC_2.34) __libc_start_main
0000000000000000      DF *UND*  0000000000000000 (GLIBC_2.17) clock_gettime
0000000000000000      DF *UND*  0000000000000000 (GLIBCXX_3.4.30) _ZNSt
"""
    assert debpkg.parse_glibc_versions(text) == (2, 34)
    assert debpkg.parse_glibc_versions("no versions here") is None


def test_parse_needed():
    text = """
 0x0000000000000001 (NEEDED)             Shared library: [libQt6Core.so.6]
 0x0000000000000001 (NEEDED)             Shared library: [libc.so.6]
 0x000000000000000e (SONAME)             Library soname: [libfoo.so.1]
"""
    assert debpkg.parse_needed(text) == ["libQt6Core.so.6", "libc.so.6"]


def test_desktop_entry_points_into_opt_apps_and_has_chinese_name():
    d = debpkg.desktop_entry()
    assert "Name[zh_CN]=司法所行政执法监督台账" in d
    assert f"Exec=/opt/apps/{debpkg.APP_ID}/files/sifasuo" in d
    assert f"Icon={debpkg.APP_ID}" in d
    assert d.startswith("[Desktop Entry]\n")


def test_info_json_matches_uos_fields():
    info = json.loads(debpkg.info_json("0.1.0.3", "amd64"))
    assert info["appid"] == debpkg.APP_ID == info["appid"].lower()
    assert info["version"] == "0.1.0.3"
    assert info["arch"] == ["amd64"]
    assert info["permissions"]["autostart"] is False
    with pytest.raises(debpkg.PackagingError):
        debpkg.info_json("0.1", "amd64")


def _fake_bundle(tmp_path: Path) -> Path:
    """A 'bundle' whose executable is a real ELF that needs liblzma from the host."""
    xz = shutil.which("xz") or "/usr/bin/xz"
    if not Path(xz).exists():
        pytest.skip("no xz binary on this host to use as a fake ELF")
    bundle = tmp_path / "sifasuo"
    (bundle / "_internal").mkdir(parents=True)
    shutil.copy2(xz, bundle / "sifasuo")
    (bundle / "_internal" / "data.txt").write_text("x", encoding="utf-8")
    return bundle


@needs_dpkg
def test_compute_depends_from_real_elf(tmp_path):
    bundle = _fake_bundle(tmp_path)
    depends, floor = debpkg.compute_depends(bundle, log=lambda *_: None)
    assert floor is not None and tuple(map(int, floor.split("."))) >= (2, 2)
    assert depends[0] == f"libc6 (>= {floor})"
    assert any(d.startswith("liblzma") for d in depends), depends
    assert any("fonts-wqy-microhei" in d for d in depends)


@needs_dpkg
def test_a_library_carried_in_the_bundle_is_not_a_dependency(tmp_path):
    bundle = _fake_bundle(tmp_path)
    out = subprocess.run(["/sbin/ldconfig", "-p"], capture_output=True, text=True).stdout
    lzma = next((line.split("=>")[1].strip() for line in out.splitlines()
                 if line.strip().startswith("liblzma.so.5 ") and "64" in line), None)
    if lzma is None:
        pytest.skip("liblzma not found via ldconfig")
    shutil.copy2(lzma, bundle / "_internal" / "liblzma.so.5")
    depends, _ = debpkg.compute_depends(bundle, log=lambda *_: None)
    assert not any(d.startswith("liblzma") for d in depends), depends


@needs_dpkg
def test_build_deb_has_uos_layout_and_no_maintainer_scripts(tmp_path):
    bundle = _fake_bundle(tmp_path)
    rc = debpkg.main(["--bundle", str(bundle), "--out", str(tmp_path / "out"),
                      "--version", "0.1.0.7", "--arch", "amd64", "--stage", str(tmp_path / "stage"),
                      "--compress", "gzip"])
    assert rc == 0
    deb = tmp_path / "out" / f"{debpkg.APP_ID}_0.1.0.7_amd64.deb"
    assert deb.is_file()
    listing = subprocess.run(["dpkg-deb", "-c", str(deb)], capture_output=True, text=True, check=True).stdout
    opt = f"./opt/apps/{debpkg.APP_ID}"
    for path in (f"{opt}/files/sifasuo", f"{opt}/info",
                 f"{opt}/entries/applications/{debpkg.APP_ID}.desktop",
                 f"{opt}/entries/icons/hicolor/256x256/apps/{debpkg.APP_ID}.png",
                 f"./usr/share/applications/{debpkg.APP_ID}.desktop",
                 f"./usr/share/icons/hicolor/48x48/apps/{debpkg.APP_ID}.png"):
        assert path in listing, path
    assert f"./usr/bin/sifasuo -> /opt/apps/{debpkg.APP_ID}/files/sifasuo" in listing
    # everything outside /opt/apps is only the launcher, desktop entry and icons
    for line in listing.splitlines():
        p = line.split()[5]
        if not line.startswith("d"):
            assert p.startswith(opt) or p.startswith(("./usr/bin/sifasuo", "./usr/share/applications/",
                                                      "./usr/share/icons/hicolor/")), p
        assert "root/root" in line
    ctrl_files = subprocess.run(["dpkg-deb", "--ctrl-tarfile", str(deb)], capture_output=True).stdout
    import io
    import tarfile
    names = {Path(n).name for n in tarfile.open(fileobj=io.BytesIO(ctrl_files)).getnames()}
    assert not names & {"preinst", "postinst", "prerm", "postrm", "config", "triggers"}, names
    field = lambda f: subprocess.run(["dpkg-deb", "-f", str(deb), f], capture_output=True, text=True).stdout.strip()  # noqa: E731
    assert field("Package") == debpkg.APP_ID
    assert field("Version") == "0.1.0.7"
    assert field("Depends").startswith("libc6 (>= 2.")
    info = json.loads((tmp_path / "stage" / "opt" / "apps" / debpkg.APP_ID / "info").read_text("utf-8"))
    assert info["version"] == field("Version")


def test_missing_bundle_is_a_clear_error(tmp_path, capsys):
    rc = debpkg.main(["--bundle", str(tmp_path / "nope"), "--out", str(tmp_path), "--version", "0.1.0.0",
                      "--arch", "amd64"])
    assert rc == 1
    assert "does not exist" in capsys.readouterr().err


def test_bad_version_is_rejected_before_building(tmp_path, capsys):
    rc = debpkg.main(["--bundle", str(tmp_path), "--out", str(tmp_path), "--version", "0.1", "--arch", "amd64"])
    assert rc == 1
    assert "four numeric parts" in capsys.readouterr().err


@pytest.mark.skipif(shutil.which("desktop-file-validate") is None, reason="desktop-file-utils not installed")
def test_desktop_entry_passes_desktop_file_validate(tmp_path):
    f = tmp_path / f"{debpkg.APP_ID}.desktop"
    f.write_text(debpkg.desktop_entry(), encoding="utf-8")
    res = subprocess.run(["desktop-file-validate", str(f)], capture_output=True, text=True)
    assert res.returncode == 0 and not res.stdout.strip(), res.stdout + res.stderr
