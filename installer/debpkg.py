"""Build a .deb in the UOS/deepin store layout from a PyInstaller one-folder bundle.

    python installer/debpkg.py --bundle dist/sifasuo --out dist [--version 0.1.0.0] [--arch amd64]

Layout (UOS store spec: everything under /opt/apps/<appid>/, lower-case appid, four-part numeric
version, JSON ``info`` file, no maintainer scripts):

    /opt/apps/cn.gov.sifasuo.desktop/files/            the PyInstaller folder (sifasuo + _internal/)
    /opt/apps/cn.gov.sifasuo.desktop/entries/applications/cn.gov.sifasuo.desktop.desktop
    /opt/apps/cn.gov.sifasuo.desktop/entries/icons/hicolor/{48x48,256x256}/apps/cn.gov.sifasuo.desktop.png
    /opt/apps/cn.gov.sifasuo.desktop/info
    /usr/share/applications/cn.gov.sifasuo.desktop.desktop      (copy: Kylin / plain Debian look here)
    /usr/share/icons/hicolor/{48x48,256x256}/apps/cn.gov.sifasuo.desktop.png
    /usr/bin/sifasuo -> /opt/apps/cn.gov.sifasuo.desktop/files/sifasuo

Depends is computed from the bundle: every ELF's NEEDED sonames that the bundle does not carry are
mapped to the Debian package that owns them on the build host (``dpkg -S``); libc6 gets a ``>=``
on the highest GLIBC_x.y symbol version found by ``objdump -T`` (the bundle's glibc floor).
A Chinese font is required too (alternatives), because without one Qt silently draws boxes.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

APP_ID = "cn.gov.sifasuo.desktop"
PACKAGE = APP_ID  # UOS: package name == appid == desktop file name == .deb name prefix
EXE_NAME = "sifasuo"
NAME_ZH = "司法所行政执法监督台账"
NAME_EN = "Sifasuo Administrative Law Enforcement Supervision Ledger"
MAINTAINER = "sifasuo_desktop developers <sifasuo-desktop@localhost>"
REPO_ROOT = Path(__file__).resolve().parent.parent
ICON_DIR = REPO_ROOT / "resources" / "icons"
ICON_SIZES = (48, 256)

# Any one of these gives Qt and the PDF engine a CJK face; without one, Chinese text
# silently turns into boxes (toolchain.md §2.2), so it is a Depends, not a Recommends.
CJK_FONT_ALTERNATIVES = (
    "fonts-noto-cjk",
    "fonts-wqy-microhei",
    "fonts-wqy-zenhei",
    "fonts-arphic-uming",
    "fonts-arphic-ukai",
)
# The bundled libfontconfig reads /etc/fonts/fonts.conf from this package.
EXTRA_DEPENDS = ("fontconfig-config",)
RECOMMENDS = ("libcups2",)

# Used when the build host lacks the library (so `dpkg -S` cannot name its package):
# well-known Debian/Ubuntu/UOS package names for sonames Qt's plugins link to.
KNOWN_SONAME_PACKAGES = {
    "libwayland-client.so.0": "libwayland-client0",
    "libwayland-cursor.so.0": "libwayland-cursor0",
    "libwayland-egl.so.1": "libwayland-egl1",
    "libEGL.so.1": "libegl1",
    "libGL.so.1": "libgl1",
    "libOpenGL.so.0": "libopengl0",
    "libGLX.so.0": "libglx0",
    "libxcb.so.1": "libxcb1",
    "libX11.so.6": "libx11-6",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libcups.so.2": "libcups2",
}

# the oldest target (统信UOS 20) when the bundle carries its own glibc
CARRIED_GLIBC_FLOOR = "2.28"

# Sonames that belong to the C library itself: their package gets the glibc floor.
LIBC_SONAMES = {
    "libc.so.6", "libm.so.6", "libdl.so.2", "libpthread.so.0", "librt.so.1", "libutil.so.1",
    "libresolv.so.2", "libanl.so.1", "libnsl.so.1", "libcrypt.so.1",
    "ld-linux-x86-64.so.2", "ld-linux-aarch64.so.1", "ld-linux.so.2",
}

_VERSION_RE = re.compile(r"^\d+\.\d+\.\d+\.\d+$")
_GLIBC_RE = re.compile(r"GLIBC_(\d+)\.(\d+)(?:\.(\d+))?")
_NEEDED_RE = re.compile(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]")


class PackagingError(Exception):
    """A problem that stops the .deb from being built (message says what to fix)."""


# ---------------------------------------------------------------- versions

def check_version(version: str) -> str:
    """UOS wants MAJOR.MINOR.PATCH.BUILD, all numeric."""
    if not _VERSION_RE.match(version):
        raise PackagingError(
            f"version {version!r} is not four numeric parts (e.g. 0.1.0.0) as the UOS store requires"
        )
    return version


def four_part_version(project_version: str, build: int | str = 0) -> str:
    """Turn a PEP 440 release ('0.1.0', '1.2', '0.1.0.dev3', '1.0.0rc1') into 'a.b.c.build'."""
    m = re.match(r"^\s*v?(\d+(?:\.\d+)*)", project_version)
    if not m:
        raise PackagingError(f"cannot read a numeric release from version {project_version!r}")
    parts = [int(p) for p in m.group(1).split(".")][:3]
    while len(parts) < 3:
        parts.append(0)
    if not str(build).isdigit():
        raise PackagingError(f"build number {build!r} is not a non-negative integer")
    return check_version(".".join(str(p) for p in parts + [int(build)]))


def project_version(pyproject: Path = REPO_ROOT / "pyproject.toml") -> str:
    import tomllib

    with open(pyproject, "rb") as fh:
        return tomllib.load(fh)["project"]["version"]


# ---------------------------------------------------------------- ELF inspection

def is_elf(path: Path) -> bool:
    try:
        with open(path, "rb") as fh:
            return fh.read(4) == b"\x7fELF"
    except OSError:
        return False


def elf_files(bundle: Path) -> list[Path]:
    return sorted(p for p in bundle.rglob("*") if p.is_file() and not p.is_symlink() and is_elf(p))


def parse_glibc_versions(objdump_text: str) -> tuple[int, ...] | None:
    """Highest GLIBC_x.y[.z] mentioned in ``objdump -T`` output, or None."""
    best: tuple[int, ...] | None = None
    for m in _GLIBC_RE.finditer(objdump_text):
        v = tuple(int(g) for g in m.groups() if g is not None)
        if best is None or v > best:
            best = v
    return best


def parse_needed(readelf_text: str) -> list[str]:
    """NEEDED sonames from ``readelf -d`` output."""
    return _NEEDED_RE.findall(readelf_text)


def _run(cmd: list[str]) -> str:
    try:
        return subprocess.run(cmd, check=False, capture_output=True, text=True).stdout
    except FileNotFoundError as exc:
        raise PackagingError(f"{cmd[0]} not found; install binutils/dpkg-dev") from exc


def glibc_floor(bundle: Path) -> tuple[str | None, str | None]:
    """(floor 'x.y', file that needs it) over every ELF in the bundle."""
    best: tuple[int, ...] | None = None
    who = None
    for f in elf_files(bundle):
        v = parse_glibc_versions(_run(["objdump", "-T", str(f)]))
        if v is not None and (best is None or v > best):
            best, who = v, str(f.relative_to(bundle))
    return (".".join(map(str, best)) if best else None), who


def external_sonames(bundle: Path) -> dict[str, list[str]]:
    """soname -> bundle files needing it, for sonames the bundle does not carry itself."""
    elves = elf_files(bundle)
    carried = {p.name for p in bundle.rglob("*") if p.is_file() or p.is_symlink()}
    need: dict[str, list[str]] = {}
    for f in elves:
        for so in parse_needed(_run(["readelf", "-d", str(f)])):
            if so not in carried:
                need.setdefault(so, []).append(str(f.relative_to(bundle)))
    return need


def _ldconfig_paths() -> dict[str, str]:
    out = _run(["/sbin/ldconfig", "-p"]) or _run(["ldconfig", "-p"])
    paths: dict[str, str] = {}
    fallback: dict[str, str] = {}
    for line in out.splitlines():
        m = re.match(r"\s*(\S+)\s+\(([^)]*)\)\s+=>\s+(\S+)", line)
        if not m:
            continue
        # prefer the 64-bit entry (flags "libc6,x86-64" / "libc6,AArch64") over i386 multiarch ones
        target = paths if "64" in m.group(2) else fallback
        target.setdefault(m.group(1), m.group(3))
    for so, path in fallback.items():
        paths.setdefault(so, path)
    return paths


def owning_package(path: str) -> str | None:
    out = subprocess.run(["dpkg", "-S", path], capture_output=True, text=True)
    if out.returncode != 0:
        # /lib is a symlink to /usr/lib on merged-usr systems; dpkg knows one spelling
        alt = path[4:] if path.startswith("/usr/") else "/usr" + path
        out = subprocess.run(["dpkg", "-S", alt], capture_output=True, text=True)
        if out.returncode != 0:
            return None
    pkg = out.stdout.split(":", 1)[0].strip()
    return pkg.split(",")[0].strip() or None


def compute_depends(bundle: Path, log=print) -> tuple[list[str], str | None]:
    """Debian Depends entries for the bundle, and the glibc floor."""
    if (bundle / "_internal" / "glibc" / "VERSION").is_file():
        # the bundle starts through its own glibc (installer/glibc_bundle.py): the system's libc only has to
        # serve the system libraries in Depends; the floor is what those need, at least the target's 2.28
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        import glibc_bundle

        need, _problems = glibc_bundle.check(bundle, None, log=lambda *_: None)
        floor = max((need or CARRIED_GLIBC_FLOOR, CARRIED_GLIBC_FLOOR), key=lambda v: tuple(map(int, v.split("."))))
        who = "the system libraries in Depends (the bundle carries its own glibc)"
    else:
        floor, who = glibc_floor(bundle)
    log(f"glibc floor: {floor} (needed by {who})")
    need = external_sonames(bundle)
    libpaths = _ldconfig_paths()
    pkgs: set[str] = set()
    for so, users in sorted(need.items()):
        if so in LIBC_SONAMES:
            continue
        path = libpaths.get(so)
        pkg = owning_package(path) if path else None
        if pkg is None and so in KNOWN_SONAME_PACKAGES:
            pkg = KNOWN_SONAME_PACKAGES[so]
            log(f"note: {so} is not on the build host; using the known package {pkg}")
        if pkg is None:
            log(f"WARNING: no package found for {so} (needed by {users[0]}); not in Depends")
            continue
        pkgs.add(pkg.split(":")[0])  # drop multiarch qualifier
    depends = [f"libc6 (>= {floor})" if floor else "libc6"]
    depends += sorted(pkgs - {"libc6"})
    depends += list(EXTRA_DEPENDS)
    depends.append(" | ".join(CJK_FONT_ALTERNATIVES))
    return depends, floor


# ---------------------------------------------------------------- text files

def desktop_entry() -> str:
    exe = f"/opt/apps/{APP_ID}/files/{EXE_NAME}"
    return "\n".join([
        "[Desktop Entry]",
        "Type=Application",
        "Version=1.0",
        f"Name={NAME_EN}",
        f"Name[zh_CN]={NAME_ZH}",
        "GenericName=Supervision ledger",
        "GenericName[zh_CN]=执法监督台账",
        "Comment=Offline ledger for township judicial offices",
        "Comment[zh_CN]=司法所行政执法监督台账（离线单机版）",
        f"Exec={exe}",
        f"TryExec={exe}",
        f"Icon={APP_ID}",
        "Terminal=false",
        "Categories=Office;",
        "Keywords=司法所;执法监督;台账;sifasuo;",
        f"StartupWMClass={EXE_NAME}",
        "",
    ])


def info_json(version: str, arch: str) -> str:
    info = {
        "appid": APP_ID,
        "name": NAME_ZH,
        "version": check_version(version),
        "arch": [arch],
        "permissions": {
            "autostart": False,
            "notification": False,
            "trayicon": False,
            "clipboard": True,
            "account": False,
            "bluetooth": False,
            "camera": False,
            "audio_record": False,
            "installed_apps": False,
        },
    }
    return json.dumps(info, ensure_ascii=False, indent=2) + "\n"


def control_text(version: str, arch: str, depends: list[str], installed_kb: int) -> str:
    return "\n".join([
        f"Package: {PACKAGE}",
        f"Version: {check_version(version)}",
        "Section: utils",
        "Priority: optional",
        f"Architecture: {arch}",
        f"Maintainer: {MAINTAINER}",
        f"Installed-Size: {installed_kb}",
        f"Depends: {', '.join(depends)}",
        f"Recommends: {', '.join(RECOMMENDS)}",
        "Homepage: https://localhost/sifasuo_desktop",
        f"Description: {NAME_ZH}",
        " Offline ledger and supervision tool for township judicial offices",
        " (司法所) and the county bureau: case ledgers, warnings, supervision",
        " documents as PDF/DOCX and USB sync packages. Frozen PyInstaller",
        " bundle installed under /opt/apps; launcher /usr/bin/sifasuo.",
        "",
    ])


# ---------------------------------------------------------------- tree + deb

def _dir_size_kb(root: Path) -> int:
    total = 0
    for p in root.rglob("*"):
        if p.is_file() and not p.is_symlink():
            total += p.stat().st_size
    return (total + 1023) // 1024


def build_tree(bundle: Path, stage: Path, version: str, arch: str, depends: list[str], log=print) -> Path:
    check_version(version)
    exe = bundle / EXE_NAME
    if not exe.is_file():
        raise PackagingError(f"{exe} missing: is {bundle} a PyInstaller one-folder bundle of {EXE_NAME}?")
    if stage.exists():
        shutil.rmtree(stage)
    opt = stage / "opt" / "apps" / APP_ID
    shutil.copytree(bundle, opt / "files", symlinks=True)
    apps = opt / "entries" / "applications"
    apps.mkdir(parents=True)
    (apps / f"{APP_ID}.desktop").write_text(desktop_entry(), encoding="utf-8")
    usr_apps = stage / "usr" / "share" / "applications"
    usr_apps.mkdir(parents=True)
    (usr_apps / f"{APP_ID}.desktop").write_text(desktop_entry(), encoding="utf-8")
    for px in ICON_SIZES:
        src = ICON_DIR / f"{APP_ID}-{px}.png"
        if not src.is_file():
            raise PackagingError(f"icon {src} missing (run resources/icons/make_icon.py)")
        for base in (opt / "entries" / "icons", stage / "usr" / "share" / "icons"):
            d = base / "hicolor" / f"{px}x{px}" / "apps"
            d.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, d / f"{APP_ID}.png")
    (opt / "info").write_text(info_json(version, arch), encoding="utf-8")
    usr_bin = stage / "usr" / "bin"
    usr_bin.mkdir(parents=True)
    os.symlink(f"/opt/apps/{APP_ID}/files/{EXE_NAME}", usr_bin / EXE_NAME)
    debian = stage / "DEBIAN"
    debian.mkdir()
    (debian / "control").write_text(
        control_text(version, arch, depends, _dir_size_kb(stage)), encoding="utf-8"
    )
    # normalise permissions: dirs 755, files 644, executables/ELF shared objects 755
    for p in stage.rglob("*"):
        if p.is_symlink():
            continue
        if p.is_dir():
            p.chmod(0o755)
        else:
            p.chmod(0o755 if (os.access(p, os.X_OK) or is_elf(p)) else 0o644)
    (debian / "control").chmod(0o644)
    return stage


def build_deb(stage: Path, out_dir: Path, version: str, arch: str, compress: str = "xz") -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    deb = out_dir / f"{PACKAGE}_{version}_{arch}.deb"
    cmd = ["dpkg-deb", "--root-owner-group", f"-Z{compress}", "--build", str(stage), str(deb)]
    res = subprocess.run(cmd, capture_output=True, text=True)
    if res.returncode != 0:
        raise PackagingError(f"dpkg-deb failed: {res.stderr.strip()}")
    return deb


def host_arch() -> str:
    out = _run(["dpkg", "--print-architecture"]).strip()
    return out or "amd64"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bundle", type=Path, required=True, help="PyInstaller folder (contains sifasuo)")
    ap.add_argument("--out", type=Path, default=REPO_ROOT / "dist")
    ap.add_argument("--version", help="four-part version; default: pyproject version + .BUILD_NUMBER")
    ap.add_argument("--arch", default=None)
    ap.add_argument("--stage", type=Path, default=None, help="staging dir (default: build/deb-root)")
    ap.add_argument("--compress", default=os.environ.get("SIFASUO_DEB_COMPRESS", "xz"),
                    choices=["xz", "gzip", "zstd", "none"])
    args = ap.parse_args(argv)
    try:
        version = args.version or four_part_version(project_version(), os.environ.get("BUILD_NUMBER", "0"))
        check_version(version)
        arch = args.arch or host_arch()
        if not args.bundle.is_dir():
            raise PackagingError(f"bundle folder {args.bundle} does not exist (run PyInstaller first)")
        depends, floor = compute_depends(args.bundle)
        stage = args.stage or (REPO_ROOT / "build" / "deb-root")
        build_tree(args.bundle, stage, version, arch, depends)
        deb = build_deb(stage, args.out, version, arch, args.compress)
    except PackagingError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"Depends: {', '.join(depends)}")
    print(f"glibc floor: {floor}")
    print(f"deb: {deb} ({deb.stat().st_size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
