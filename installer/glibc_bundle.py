"""Give the Linux bundle its own C library, so it needs only the kernel of the office PC (issue 21).

统信UOS 20 has glibc 2.28 and 麒麟 V10 2.31; a bundle built on Debian 12 needs 2.36. Rather than rebuilding
Python, Qt and every wheel against 2.28, the bundle carries the build host's glibc (libc, libm, the dynamic
loader...) in `_internal/glibc/`, and every executable of the bundle is patched (patchelf) to start through
that loader: PT_INTERP = the loader's absolute installed path (the kernel reads PT_INTERP literally, so it
must be absolute: the .deb installs to a fixed folder), RUNPATH = `$ORIGIN/_internal/glibc:$ORIGIN/_internal`,
and the glibc libraries are NEEDED by the executable itself so they are loaded from the bundle before any
system library asks for them by soname (a system libGL asking for libm.so.6 then reuses the bundle's).
System libraries that stay outside (libGL, libEGL, libxcb, fontconfig: the .deb's Depends) were built for
the older glibc and run on the newer one, which keeps its old symbol versions.

    python installer/glibc_bundle.py carry --bundle dist/sifasuo --install-dir /opt/apps/<appid>/files
    python installer/glibc_bundle.py check --bundle dist/sifasuo [--max 2.28]

`check` is the static floor check: the highest GLIBC_x.y the bundle needs *from the system*, i.e. over every
ELF file that does not start through the bundle's own loader (without a carried glibc: every ELF file), and
it fails above --max. With a carried glibc it also checks that nothing in the bundle needs a newer glibc
than the one carried. Limits, said in installer/README.md: glibc's own iconv modules (gconv) and locale
archive are the system's; the bundle's loader reads the system's /etc/ld.so.cache.
"""
from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
from pathlib import Path

GLIBC_DIR = "_internal/glibc"
LOADER = "ld-linux-x86-64.so.2"
# the libraries of Debian's libc6 package that a process may load (the nss/gconv helpers aside)
GLIBC_LIBS = ("ld-linux-x86-64.so.2", "libc.so.6", "libm.so.6", "libmvec.so.1", "libpthread.so.0", "libdl.so.2",
              "librt.so.1", "libutil.so.1", "libresolv.so.2", "libanl.so.1", "libnss_files.so.2",
              "libnss_dns.so.2", "libBrokenLocale.so.1")
# loaded with the executable, so later requests by soname find the bundle's copy first
PRELOAD = ("libm.so.6", "libmvec.so.1", "librt.so.1", "libutil.so.1", "libresolv.so.2", "libanl.so.1")
HOST_LIB_DIRS = ("/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib64")
_GLIBC_RE = re.compile(r"GLIBC_(\d+)\.(\d+)(?:\.(\d+))?")


class BundleError(Exception):
    pass


def _run(cmd: list[str]) -> str:
    try:
        out = subprocess.run(cmd, check=False, capture_output=True, text=True)
    except FileNotFoundError as exc:
        raise BundleError(f"{cmd[0]} not found (apt-get install binutils patchelf)") from exc
    return out.stdout


def _patchelf(*args: str) -> None:
    # one change per call: patchelf 0.14 corrupts the string table when several are combined
    r = subprocess.run(["patchelf", *args], capture_output=True, text=True)
    if r.returncode != 0:
        raise BundleError(f"patchelf {' '.join(args)} failed: {r.stderr.strip()}")


def is_elf(p: Path) -> bool:
    try:
        with open(p, "rb") as fh:
            return fh.read(4) == b"\x7fELF"
    except OSError:
        return False


def elf_files(bundle: Path) -> list[Path]:
    return sorted(p for p in bundle.rglob("*") if p.is_file() and not p.is_symlink() and is_elf(p))


def interpreter(p: Path) -> str | None:
    m = re.search(r"Requesting program interpreter: ([^\]]+)\]", _run(["readelf", "-l", str(p)]))
    return m.group(1).strip() if m else None


def glibc_needed(p: Path) -> tuple[int, ...] | None:
    best = None
    for m in _GLIBC_RE.finditer(_run(["objdump", "-T", str(p)])):
        v = tuple(int(g) for g in m.groups() if g is not None)
        best = v if best is None or v > best else best
    return best


def host_glibc_version() -> str:
    import platform
    name, version = platform.libc_ver()
    if name != "glibc":
        raise BundleError("the build host has no glibc")
    return version


def _host_lib(name: str) -> Path:
    for d in HOST_LIB_DIRS:
        p = Path(d) / name
        if p.exists():
            return p.resolve()
    raise BundleError(f"{name} not found on the build host")


def _is_shared_object(p: Path) -> bool:
    # some libraries (libQt6Core, libcap) are also runnable and carry a PT_INTERP: they are still libraries
    return re.search(r"\.so(\.|$)", p.name) is not None


def carry(bundle: Path, install_dir: str, log=print) -> list[Path]:
    """Copy the host glibc into the bundle and patch its executables. Returns the patched executables."""
    if not install_dir.startswith("/"):
        raise BundleError("--install-dir must be absolute (the kernel reads PT_INTERP literally)")
    gdir = bundle / GLIBC_DIR
    gdir.mkdir(parents=True, exist_ok=True)
    for name in GLIBC_LIBS:
        shutil.copy2(_host_lib(name), gdir / name)
        (gdir / name).chmod(0o755)
    version = host_glibc_version()
    (gdir / "VERSION").write_text(version + "\n", encoding="ascii")
    lic = Path("/usr/share/doc/libc6/copyright")
    if lic.is_file():
        shutil.copy2(lic, gdir / "COPYRIGHT.glibc")
    loader = f"{install_dir.rstrip('/')}/{GLIBC_DIR}/{LOADER}"
    patched = []
    for p in elf_files(bundle):
        if p.parent == gdir or _is_shared_object(p) or interpreter(p) is None:
            continue          # shared objects run inside a process the patched executable started
        depth = p.parent.relative_to(bundle).parts
        up = "/".join([".."] * len(depth))
        base = f"$ORIGIN/{up}/" if up else "$ORIGIN/"
        _patchelf("--set-interpreter", loader, str(p))
        _patchelf("--set-rpath", f"{base}{GLIBC_DIR}:{base}_internal", str(p))
        needed = set(re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", _run(["readelf", "-d", str(p)])))
        for so in PRELOAD:
            if so not in needed:
                _patchelf("--add-needed", so, str(p))
        patched.append(p)
    log(f"glibc {version} carried in {GLIBC_DIR}; executables starting through {loader}: "
        + ", ".join(str(p.relative_to(bundle)) for p in patched))
    return patched


def check(bundle: Path, maximum: str | None, log=print) -> tuple[str | None, list[str]]:
    """(highest GLIBC_x.y needed from the system, problems). A problem makes the check fail."""
    gdir = bundle / GLIBC_DIR
    carried = (gdir / "VERSION").read_text().strip() if (gdir / "VERSION").is_file() else None
    carried_v = tuple(int(x) for x in carried.split(".")) if carried else None
    problems: list[str] = []
    from_system: tuple[int, ...] | None = None
    who = None
    elves = elf_files(bundle)
    own_loader_exes = 0
    for p in elves:
        rel = str(p.relative_to(bundle))
        if carried is not None and p.parent == gdir:
            continue          # the carried glibc itself
        interp = interpreter(p)
        need = glibc_needed(p)
        runs_on_own = carried is not None and (interp is None or _is_shared_object(p)
                                                or interp.endswith(f"/{GLIBC_DIR}/{LOADER}"))
        if carried is not None and interp is not None and interp.endswith(f"/{GLIBC_DIR}/{LOADER}"):
            own_loader_exes += 1
        if runs_on_own:
            if need and carried_v and need > carried_v:
                problems.append(f"{rel} needs GLIBC_{'.'.join(map(str, need))} > carried {carried}")
            continue
        if need and (from_system is None or need > from_system):
            from_system, who = need, rel
    if carried is not None and own_loader_exes == 0:
        problems.append("a glibc is carried but no executable starts through its loader")
    text = ".".join(map(str, from_system)) if from_system else None
    log(f"ELF files: {len(elves)}; carried glibc: {carried or 'none'}; executables on the bundle's loader: "
        f"{own_loader_exes}")
    log(f"highest GLIBC needed from the system: {text or 'none'}" + (f" (by {who})" if who else ""))
    if maximum and from_system:
        max_v = tuple(int(x) for x in maximum.split("."))
        if from_system > max_v:
            problems.append(f"{who} needs GLIBC_{text} from the system, above the floor {maximum}")
    return text, problems


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("carry")
    c.add_argument("--bundle", type=Path, required=True)
    c.add_argument("--install-dir", required=True)
    k = sub.add_parser("check")
    k.add_argument("--bundle", type=Path, required=True)
    k.add_argument("--max", default=None, help="fail when the system must provide a newer glibc than this")
    args = ap.parse_args(argv)
    try:
        if args.cmd == "carry":
            carry(args.bundle, args.install_dir)
            return 0
        _, problems = check(args.bundle, args.max)
        for pr in problems:
            print(f"FAIL: {pr}", file=sys.stderr)
        return 1 if problems else 0
    except BundleError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
