#!/usr/bin/env bash
# Coccinelle and vmaprep side by side on one kernel tree: the same translation
# units (those of TREE/compile_commands.json), wall time of each, and what each
# found against the labelled list.
#
#   bench/coccinelle/compare.sh TREE [LABELS.tsv]
#
# TREE: a kernel tree with compile_commands.json (test/e2e/prepare-kernel-tree.sh
# makes one). LABELS defaults to test/e2e/labels-6.12.tsv or labels-7.x.tsv by
# the tree's major version. Environment: VMAPREP (default build/checker/vmaprep),
# JOBS (default nproc, used by both tools), OUT (raw outputs; default
# ${VMAPREP_CACHE_DIR:-~/.cache/vmaprep}/bench/coccinelle/<tree name>).
# Prints a Markdown summary on stdout.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
TREE=$(cd "${1:?usage: compare.sh TREE [LABELS.tsv]}" && pwd)
VMAPREP=${VMAPREP:-$REPO/build/checker/vmaprep}
JOBS=${JOBS:-$(nproc)}
command -v spatch >/dev/null || { echo "compare.sh: spatch not found (apt-get install coccinelle)" >&2; exit 2; }
[[ -x $VMAPREP ]] || { echo "compare.sh: $VMAPREP not built" >&2; exit 2; }
[[ -f $TREE/compile_commands.json ]] || { echo "compare.sh: no $TREE/compile_commands.json" >&2; exit 2; }
if [[ -n ${2:-} ]]; then
  LABELS=$2
else
  major=$(sed -n 's/^VERSION = //p' "$TREE/Makefile")
  case $major in 6) LABELS=$REPO/test/e2e/labels-6.12.tsv ;; *) LABELS=$REPO/test/e2e/labels-7.x.tsv ;; esac
fi
OUT=${OUT:-${VMAPREP_CACHE_DIR:-$HOME/.cache/vmaprep}/bench/coccinelle/$(basename "$TREE")}
mkdir -p "$OUT"

# The translation units vmaprep checks: every file of the compile database.
python3 - "$TREE/compile_commands.json" > "$OUT/tus.txt" <<'PY'
import json, os, sys
seen = []
for e in json.load(open(sys.argv[1])):
    f = os.path.normpath(os.path.join(e["directory"], e["file"]))
    if f not in seen:
        seen.append(f)
print("\n".join(seen))
PY
ntus=$(wc -l < "$OUT/tus.txt")

echo "compare.sh: $ntus translation units, $JOBS jobs, tree $TREE" >&2
# Wall time and CPU time (user + sys of the tool and its children): on a shared
# machine the CPU time moves less than the wall time.
TIMEFORMAT='%R %U %S'
{ time xargs -a "$OUT/tus.txt" -P "$JOBS" -n 4 \
    spatch --sp-file "$HERE/mmap-handlers.cocci" --no-includes --very-quiet > "$OUT/spatch.tsv" 2> "$OUT/spatch.stderr" || true; } 2> "$OUT/spatch.time"
set +e
{ time "$VMAPREP" check -p "$TREE" -j "$JOBS" --format json > "$OUT/vmaprep.json" 2> "$OUT/vmaprep.stderr"; } 2> "$OUT/vmaprep.time"
rc=$?
set -e
(( rc <= 1 )) || { echo "compare.sh: vmaprep exited $rc" >&2; tail -5 "$OUT/vmaprep.stderr" >&2; exit 1; }

python3 "$HERE/compare.py" --tree "$TREE" --labels "$LABELS" --spatch "$OUT/spatch.tsv" \
  --vmaprep "$OUT/vmaprep.json" --tus "$ntus" --jobs "$JOBS" \
  --spatch-time "$(cat "$OUT/spatch.time")" --vmaprep-time "$(cat "$OUT/vmaprep.time")"
