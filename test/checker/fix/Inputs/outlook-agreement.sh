#!/bin/sh
# For every fixture driver of a directory: the handlers `vmaprep check` says
# `vmaprep fix` rewrites are exactly the handlers fix converts (after its
# re-parse and its validation on the model). Prints one DISAGREE line per
# fixture where they differ and one FAILED line per run that did not end
# normally (exit 0 or 1), then how many fixtures were checked and how many
# rewrites check promised: a vmaprep that fails on every fixture must not
# pass as "agreeing on nothing". Each fixture's JSON is left as FIXTURE.json
# in WORK_DIR for verdict-outlook.py.
#   outlook-agreement.sh VMAPREP FIXTURE_DIR WORK_DIR COMPILER_FLAGS...
vmaprep=$1; dir=$2; work=$3; shift 3
mkdir -p "$work"
n=0; promised=0
for src in "$dir"/*.c; do
  f="$work/$(basename "$src")"
  # The fixture without its FileCheck lines (they may be indented).
  sed '/^[[:space:]]*\/\/ [A-Z0-9-]*:/d' "$src" > "$f"
  # A fixture written for another API level says so on its first RUN line.
  run=$(grep -m1 'RUN:' "$src")
  api=$(printf '%s' "$run" | grep -o -- '--api [0-9.a-z]*')
  kapi=$(printf '%s' "$run" | grep -o -- '-DVMAPREP_KAPI=[0-9]*')
  "$vmaprep" check $api "$f" -- "$@" $kapi > "$f.check" 2>&1; rc=$?
  [ $rc -le 1 ] || echo "FAILED $(basename "$src"): check exited with $rc"
  "$vmaprep" check $api --format json "$f" -- "$@" $kapi > "$f.json" 2>/dev/null; rc=$?
  [ $rc -le 1 ] || echo "FAILED $(basename "$src"): check --format json exited with $rc"
  "$vmaprep" fix $api --dry-run "$f" -- "$@" $kapi > "$f.fix" 2>&1; rc=$?
  [ $rc -le 1 ] || echo "FAILED $(basename "$src"): fix exited with $rc"
  says=$(sed -n "s/.*note: vmaprep fix rewrites it as '\([A-Za-z0-9_]*\)'.*/\1/p" "$f.check" | sort | tr '\n' ' ')
  does=$(sed -n "s/.*remark: converted '[A-Za-z0-9_]*' to '\([A-Za-z0-9_]*\)'.*/\1/p" "$f.fix" | sort | tr '\n' ' ')
  promised=$((promised + $(printf '%s' "$says" | wc -w)))
  [ "$says" = "$does" ] || echo "DISAGREE $(basename "$src"): check says [$says] fix does [$does]"
  n=$((n + 1))
done
echo "checked $n fixtures, $promised rewrites promised"
