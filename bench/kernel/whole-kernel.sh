#!/usr/bin/env bash
# The whole kernel on several architectures: every candidate TU of an allmodconfig built out of tree, checked and
# fixed (--dry-run), with an inventory. Long (hours of CPU on 2 cores): not in CI; results go to docs/rewrites.md.
#
#   bench/kernel/whole-kernel.sh SRCTREE OUTDIR [ARCH...]        (default ARCH: x86_64 arm64)
#
# Per ARCH, in OUTDIR/ARCH: scripts/kernel-db.sh --arch ARCH --config allmodconfig (make O=OUTDIR/ARCH/build), then
#   vmaprep check --api auto --format json   > check.json   (time and peak memory in check.time)
#   vmaprep fix --api auto --dry-run         > fix.diff     (fix.time)
#   vmaprep report --from-json check.json --format html -o report.html
# and, over all ARCHes, OUTDIR/inventory.md (bench/kernel/inventory.py): totals, by verdict, by reason, by
# MAINTAINERS entry, handlers only one architecture builds. vmaprep runs from OUTDIR, not from the build directory.
# Env: VMAPREP (default: build/checker/vmaprep of this checkout), JOBS (default nproc), NICE (default 10),
# DIRS (default: the whole tree; e.g. "drivers/char drivers/misc" for a quick run of the same steps).
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SRC=${1:?usage: $0 SRCTREE OUTDIR [ARCH...]}
OUT=${2:?usage: $0 SRCTREE OUTDIR [ARCH...]}
shift 2
ARCHES=("$@")
((${#ARCHES[@]})) || ARCHES=(x86_64 arm64)
VMAPREP=${VMAPREP:-$HERE/../../build/checker/vmaprep}
JOBS=${JOBS:-$(nproc)}
NICE=${NICE:-10}
[[ -x "$VMAPREP" ]] || { echo "whole-kernel: no vmaprep at $VMAPREP" >&2; exit 2; }
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
SRC=$(cd "$SRC" && pwd)
log() { printf '[whole-kernel %s] %s\n' "$(date -u +%H:%M:%S)" "$*" | tee -a "$OUT/whole-kernel.log" >&2; }

for arch in "${ARCHES[@]}"; do
  A="$OUT/$arch"
  mkdir -p "$A"
  log "$arch: scripts/kernel-db.sh --arch $arch --config allmodconfig -j $JOBS -O $A/build"
  /usr/bin/time -f '%e s wall, %U s user, %S s system, %M KiB peak' -o "$A/kernel-db.time" \
    nice -n "$NICE" bash "$HERE/../../scripts/kernel-db.sh" --arch "$arch" --config allmodconfig -j "$JOBS" \
    --vmaprep "$VMAPREP" -O "$A/build" "$SRC" ${DIRS:-} > "$A/kernel-db.out"
  log "$arch: database $(tail -n 1 "$A/kernel-db.out") ($(tail -n 1 "$A/kernel-db.time"))"
  cd "$OUT"
  log "$arch: vmaprep check"
  /usr/bin/time -f '%e s wall, %U s user, %S s system, %M KiB peak' -o "$A/check.time" \
    nice -n "$NICE" "$VMAPREP" check -p "$A/build" -j "$JOBS" --api auto --format json > "$A/check.json" \
    2> "$A/check.stderr" || (( $? < 2 )) || log "$arch: check reported input errors (see $A/check.stderr)"
  log "$arch: check $(tail -n 1 "$A/check.time")"
  log "$arch: vmaprep fix --dry-run"
  /usr/bin/time -f '%e s wall, %U s user, %S s system, %M KiB peak' -o "$A/fix.time" \
    nice -n "$NICE" "$VMAPREP" fix -p "$A/build" -j "$JOBS" --api auto --dry-run > "$A/fix.diff" \
    2> "$A/fix.stderr" || (( $? < 2 )) || log "$arch: fix reported input errors (see $A/fix.stderr)"
  log "$arch: fix $(tail -n 1 "$A/fix.time")"
  "$VMAPREP" report --from-json "$A/check.json" --root "$SRC" --format html -o "$A/report.html" \
    || log "$arch: report failed"
done
python3 "$HERE/inventory.py" "$SRC" "$OUT" "${ARCHES[@]}" > "$OUT/inventory.md"
log "inventory: $OUT/inventory.md"
