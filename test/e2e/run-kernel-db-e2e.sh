#!/usr/bin/env bash
# End-to-end test of scripts/kernel-db.sh and of vmaprep on an out-of-tree kernel build.
#
#   test/e2e/run-kernel-db-e2e.sh VMAPREP_BINARY ARCH CONFIG [--expect CONFIG_SYM]... DIR...
#
# 1. fetches Debian's newest linux-source-7.* (test/e2e/prepare-kernel-tree.sh 7.x --fetch-only) and unpacks a
#    pristine copy of it once, next to the cached trees (kbuild refuses make O= on a tree built in place);
# 2. scripts/kernel-db.sh --arch ARCH --config CONFIG -O <cache>/kernel-db/<name> PRISTINE DIR...;
# 3. checks that the configuration has every --expect symbol (CONFIG_RANDSTRUCT_FULL: the seed file is relative to
#    the build directory);
# 4. runs vmaprep check -p BUILD --format json from a directory that is neither the build nor the source directory;
# 5. runs the independent oracle (check-kernel-tree.py): every .mmap/.mmap_prepare registration in the TUs that
#    built is found, and no TU is an input error. At least one TU must have built.
# The build directory is kept and reused (incremental); VMAPREP_CACHE_DIR moves the cache as for the other e2e tests.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
VMAPREP=${1:?usage: $0 VMAPREP ARCH CONFIG [--expect SYM]... DIR...}
ARCH=${2:?arch}
CONFIG=${3:?config}
shift 3
EXPECT=()
while [[ "${1:-}" == --expect ]]; do EXPECT+=("$2"); shift 2; done
DIRS=("$@")
((${#DIRS[@]})) || { echo "run-kernel-db-e2e: no DIR given" >&2; exit 2; }
[[ -x "$VMAPREP" ]] || { echo "run-kernel-db-e2e: vmaprep binary '$VMAPREP' not found (build it first)" >&2; exit 2; }
CACHE=${VMAPREP_CACHE_DIR:-$HOME/.cache/vmaprep}
log() { printf '[kernel-db-e2e %s] %s\n' "$ARCH" "$*" >&2; }

# ---------------------------------------------------------------- a pristine source tree
"$HERE/prepare-kernel-tree.sh" 7.x --fetch-only >/dev/null
read -r PKG DEBVER _ < "$CACHE/kernel/resolved-7.x"
KVER=${PKG#linux-source-}
DEB="$CACHE/debs/${PKG}_${DEBVER//:/%3a}_all.deb"
[[ -s "$DEB" ]] || DEB=$(ls -t "$CACHE"/debs/"${PKG}"_*_all.deb | head -1)
PRISTINE_DIR="$CACHE/kernel-pristine/$KVER"
SRC="$PRISTINE_DIR/$PKG"
mkdir -p "$PRISTINE_DIR"
exec 9>"$PRISTINE_DIR/.lock"
flock 9
if [[ "$(cat "$PRISTINE_DIR/.stamp-unpacked" 2>/dev/null)" != "$DEBVER" || ! -f "$SRC/Makefile" ]]; then
  log "unpacking a pristine $PKG ($DEBVER) into $PRISTINE_DIR"
  rm -rf "$SRC" "$PRISTINE_DIR/.stamp-unpacked"
  dpkg-deb --fsys-tarfile "$DEB" | tar -xO "./usr/src/$PKG.tar.xz" | xz -dc | tar -x -C "$PRISTINE_DIR"
  [[ -f "$SRC/Makefile" ]] || { echo "run-kernel-db-e2e: unpacking $DEB gave no $SRC/Makefile" >&2; exit 2; }
  echo "$DEBVER" > "$PRISTINE_DIR/.stamp-unpacked"
fi
flock -u 9

# ---------------------------------------------------------------- the database
NAME="$KVER-$ARCH-$(basename "$CONFIG")-$(printf '%s\n' "${DIRS[@]}" | sha1sum | cut -c1-8)"
BUILD="$CACHE/kernel-db/$NAME"
log "scripts/kernel-db.sh --arch $ARCH --config $CONFIG -O $BUILD $SRC ${DIRS[*]}"
DB=$(bash "$HERE/../../scripts/kernel-db.sh" --arch "$ARCH" --config "$CONFIG" -j "${VMAPREP_JOBS:-2}" \
       --vmaprep "$VMAPREP" -O "$BUILD" "$SRC" "${DIRS[@]}" | tail -n 1)
[[ "$DB" == "$BUILD/compile_commands.json" && -s "$DB" ]] || { echo "run-kernel-db-e2e: FAIL: kernel-db.sh printed '$DB'" >&2; exit 1; }
for sym in "${EXPECT[@]}"; do
  grep -q "^$sym=y" "$BUILD/.config" || { echo "run-kernel-db-e2e: FAIL: $sym is not set in $BUILD/.config" >&2; exit 1; }
done
ENTRIES=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' "$DB")
((ENTRIES > 0)) || { echo "run-kernel-db-e2e: FAIL: no candidate built (see $BUILD/kernel-db.log)" >&2; exit 1; }
log "$ENTRIES TUs built; not built: $(wc -l < "$BUILD/kernel-db-failed.txt") (listed in $BUILD/kernel-db-failed.txt)"

# ---------------------------------------------------------------- vmaprep, started elsewhere
ELSEWHERE=$(mktemp -d)
trap 'rm -rf "$ELSEWHERE"' EXIT
OUT="$BUILD/vmaprep.json"
log "cd $ELSEWHERE && vmaprep check -p $BUILD --format json > $OUT"
set +e
(cd "$ELSEWHERE" && "$VMAPREP" check -p "$BUILD" --format json > "$OUT" 2> "$OUT.stderr")
rc=$?
set -e
if ((rc >= 2)); then
  echo "run-kernel-db-e2e: FAIL: vmaprep exited with $rc" >&2
  tail -n 20 "$OUT.stderr" >&2
  exit 1
fi
: > "$ELSEWHERE/no-labels.tsv"
python3 "$HERE/check-kernel-tree.py" "$BUILD" "$ELSEWHERE/no-labels.tsv" "$OUT"
