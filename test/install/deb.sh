#!/usr/bin/env bash
# The .deb CPack builds: its metadata and contents, its dependencies
# satisfiable on this Debian (apt-get --simulate), and an install with dpkg
# into a private root (nothing of the system is touched), from which the
# installed vmaprep runs check and validate.
#   deb.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
BUILD=$(cd "$1" && pwd) SRC=$2
WORK=$(mktemp -d "${TMPDIR:-/tmp}/vmaprep-deb.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
fail() { echo "deb: FAIL: $*" >&2; exit 1; }

(cd "$WORK" && cpack --config "$BUILD/CPackConfig.cmake" -G DEB -B "$WORK/out" > cpack.log 2>&1) ||
  fail "cpack: $(tail -5 "$WORK/cpack.log")"
deb=$(ls "$WORK"/out/vmaprep_*.deb 2>/dev/null | head -n 1)
[[ -n $deb ]] || fail "no .deb in $WORK/out"
dpkg-deb --info "$deb" > "$WORK/info.txt"
grep -q '^ Package: vmaprep$' "$WORK/info.txt" || fail "package name: $(cat "$WORK/info.txt")"
grep -q '^ Depends: .*libclang-cpp19' "$WORK/info.txt" || fail "no dependency on libclang-cpp19"
dpkg-deb --contents "$deb" > "$WORK/contents.txt"
for f in ./usr/bin/vmaprep ./usr/lib/vmaprep/libVmaprepTidy.so ./usr/share/vmaprep/kshim/include/linux/mm.h \
         ./usr/share/man/man1/vmaprep.1 ./usr/share/bash-completion/completions/vmaprep; do
  grep -q " $f\$" "$WORK/contents.txt" || fail "$f not in the package"
done

# Installable here: apt resolves its dependencies (simulated; changes nothing).
apt-get install --simulate -q "$deb" > "$WORK/apt.txt" 2>&1 || fail "apt-get --simulate: $(tail -5 "$WORK/apt.txt")"

# dpkg installs it into a private root; the dependencies are the host's.
R=$WORK/root
mkdir -p "$R/var/lib/dpkg/info" "$R/var/lib/dpkg/updates"
touch "$R/var/lib/dpkg/status"
dpkg --root="$R" --force-depends --force-script-chrootless -i "$deb" > "$WORK/dpkg.txt" 2>&1 ||
  fail "dpkg -i: $(tail -5 "$WORK/dpkg.txt")"
dpkg --root="$R" -s vmaprep | grep -q '^Status: install ok installed' || fail "dpkg does not list it installed"
"$R/usr/bin/vmaprep" --version | grep -q '^vmaprep ' || fail "the installed vmaprep does not run"
set +e
"$R/usr/bin/vmaprep" check "$SRC/examples/drivers/phys_window.c" -- -nostdinc -I"$R/usr/share/vmaprep/kshim/include" \
  -std=gnu11 -D__KERNEL__ > "$WORK/check.txt" 2>&1
rc=$?
set -e
(( rc == 1 )) && grep -q "auto-convertible to mmap_prepare" "$WORK/check.txt" || fail "check from the package: $(tail -3 "$WORK/check.txt")"
echo "deb: PASS: $(basename "$deb") ($(du -k "$deb" | cut -f1) KiB) installs with dpkg and runs"
