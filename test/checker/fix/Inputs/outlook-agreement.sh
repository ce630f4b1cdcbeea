#!/bin/sh
# For every fixture driver of a directory: the handlers `vmaprep check` says
# `vmaprep fix` rewrites are exactly the handlers fix converts (after its
# re-parse and its validation on the model). Prints one DISAGREE line per
# fixture where they differ, then how many fixtures were checked.
#   outlook-agreement.sh VMAPREP FIXTURE_DIR WORK_DIR COMPILER_FLAGS...
vmaprep=$1; dir=$2; work=$3; shift 3
mkdir -p "$work"
n=0
for src in "$dir"/*.c; do
  f="$work/$(basename "$src")"
  # The fixture without its FileCheck lines (they may be indented).
  sed '/^[[:space:]]*\/\/ [A-Z0-9-]*:/d' "$src" > "$f"
  says=$("$vmaprep" check "$f" -- "$@" 2>/dev/null | sed -n "s/.*note: vmaprep fix rewrites it as '\([A-Za-z0-9_]*\)'.*/\1/p" | sort | tr '\n' ' ')
  does=$("$vmaprep" fix --dry-run "$f" -- "$@" 2>&1 >/dev/null | sed -n "s/.*remark: converted '[A-Za-z0-9_]*' to '\([A-Za-z0-9_]*\)'.*/\1/p" | sort | tr '\n' ' ')
  [ "$says" = "$does" ] || echo "DISAGREE $(basename "$src"): check says [$says] fix does [$does]"
  n=$((n + 1))
done
echo "checked $n fixtures"
