#!/usr/bin/env bash
# Run the installed .deb inside a Debian 11 (bullseye, glibc 2.31) chroot that holds none of the build host's
# libraries: debootstrap --variant=minbase, then `apt-get install ./the.deb` pulls only bullseye's own packages
# for Depends (libegl1, libgl1, libxcb1, fontconfig, a CJK font). Then: --quit-after-startup (offscreen), demo,
# check --json, docs render. Needs root, debootstrap and the Debian registry.
#   installer/chroot-check.sh DEB      (env CHROOT_DIR: reuse/keep a chroot there; default: a temp dir, removed)
set -euo pipefail
DEB=$(readlink -f "$1")
KEEP=0
if [ -n "${CHROOT_DIR:-}" ]; then R="$CHROOT_DIR"; KEEP=1; else R=$(mktemp -d /tmp/sifasuo-bullseye.XXXXXX); fi
cleanup() {
  umount -l "$R/proc" 2>/dev/null || true
  umount -l "$R/dev" 2>/dev/null || true
  [ "$KEEP" = 1 ] || rm -rf "$R"
}
trap cleanup EXIT
t0=$(date +%s)
if [ ! -x "$R/usr/bin/apt-get" ]; then
  echo "debootstrap bullseye (minbase) into $R"
  debootstrap --variant=minbase bullseye "$R" http://deb.debian.org/debian >"$R.debootstrap.log" 2>&1 \
    || { tail -20 "$R.debootstrap.log"; exit 1; }
fi
mountpoint -q "$R/proc" || mount -t proc proc "$R/proc"
mountpoint -q "$R/dev" || mount --bind /dev "$R/dev"
cp /etc/resolv.conf "$R/etc/resolv.conf"
echo "chroot: $(chroot "$R" ldd --version | head -1)"
cp "$DEB" "$R/tmp/sifasuo.deb"
chroot "$R" /bin/sh -c 'DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends /tmp/sifasuo.deb' >"$R/tmp/apt.log" 2>&1 \
  || { tail -30 "$R/tmp/apt.log"; exit 1; }
echo "installed in the chroot ($(chroot "$R" dpkg-query -W -f '${Version}' cn.gov.sifasuo.desktop)); Depends came from bullseye"
run() { chroot "$R" /usr/bin/env QT_QPA_PLATFORM=offscreen HOME=/root timeout 300 /usr/bin/sifasuo "$@"; }
rm -rf "$R/tmp/D"
run demo --data-dir /tmp/D --cases 200 | tail -1
t=$(date +%s%N)
run --data-dir /tmp/D --quit-after-startup
echo "--quit-after-startup: exit 0 in $(( ($(date +%s%N) - t) / 1000000 )) ms"
run check --data-dir /tmp/D --json >"$R/tmp/check.json"
python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print('check --json:', len(d), 'findings')" "$R/tmp/check.json"
ID=$(run docs list --data-dir /tmp/D --json | python3 -c "import json,sys; print(json.load(sys.stdin)[0]['id'])")
run docs render "$ID" --data-dir /tmp/D --out /tmp/doc.pdf
head -c 5 "$R/tmp/doc.pdf" | grep -q '%PDF-' || { echo "no PDF written"; exit 1; }
echo "docs render: $(stat -c %s "$R/tmp/doc.pdf") bytes"
echo "chroot-check: OK in $(( $(date +%s) - t0 )) s"
