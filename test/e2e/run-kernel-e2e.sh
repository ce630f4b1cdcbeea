#!/usr/bin/env bash
# End-to-end test of vmaprep on a real kernel tree.
#
#   test/e2e/run-kernel-e2e.sh VERSION_SELECTOR [VMAPREP_BINARY]
#
# 1. prepares (or reuses) the cached tree: test/e2e/prepare-kernel-tree.sh VERSION_SELECTOR
# 2. runs VMAPREP check -p TREE --format json > $OUT (exit 0 = no findings, 1 = findings: both fine; 2+ = failure)
# 3. runs the independent oracle: test/e2e/check-kernel-tree.py TREE labels-<sel>.tsv OUT
# OUT defaults to ${VMAPREP_E2E_OUT:-${VMAPREP_CACHE_DIR:-$HOME/.cache/vmaprep}/e2e/vmaprep-<sel>.json}.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SEL=${1:-}
VMAPREP=${2:-$HERE/../../build/checker/vmaprep}
case "$SEL" in 6.12|7.x) ;; *) echo "usage: $0 6.12|7.x [VMAPREP_BINARY]" >&2; exit 2 ;; esac
[[ -x "$VMAPREP" ]] || { echo "run-kernel-e2e: vmaprep binary '$VMAPREP' not found or not executable (build it first)" >&2; exit 2; }
LABELS="$HERE/labels-$SEL.tsv"
CACHE=${VMAPREP_CACHE_DIR:-$HOME/.cache/vmaprep}
OUT=${VMAPREP_E2E_OUT:-$CACHE/e2e/vmaprep-$SEL.json}
mkdir -p "$(dirname "$OUT")"

TREE=$("$HERE/prepare-kernel-tree.sh" "$SEL" | tail -n 1)
# The fix e2e rewrites the cached tree in place and restores it afterwards:
# runs that share the cache (other ctest processes, other worktrees) take turns,
# which ctest's RESOURCE_LOCK cannot arrange across processes.
exec 8>"$(dirname "$TREE")/.e2e-$SEL.lock"
flock 8
[[ -f "$TREE/compile_commands.json" ]] || { echo "run-kernel-e2e: no compile_commands.json in '$TREE'" >&2; exit 2; }

echo "run-kernel-e2e: $VMAPREP check -p $TREE --format json > $OUT" >&2
t0=$(date +%s.%N)
set +e
"$VMAPREP" check -p "$TREE" --format json > "$OUT" 2> "$OUT.stderr"
rc=$?
set -e
t1=$(date +%s.%N)
printf 'run-kernel-e2e: vmaprep exit %d in %.1f s (stderr: %s)\n' "$rc" "$(echo "$t1 - $t0" | bc)" "$OUT.stderr" >&2
if (( rc >= 2 )); then
  echo "run-kernel-e2e: FAIL: vmaprep exited with $rc (0 and 1 are the normal outcomes)" >&2
  tail -n 20 "$OUT.stderr" >&2
  exit 1
fi
exec python3 "$HERE/check-kernel-tree.py" "$TREE" "$LABELS" "$OUT"
