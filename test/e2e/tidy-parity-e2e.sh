#!/usr/bin/env bash
# The clang-tidy plugin against `vmaprep check` on a real kernel tree: for every
# translation unit in which check reports a legacy handler, the warning and
# note lines (file:line:col: level: message) clang-tidy-19 prints with the
# plugin loaded must be check's, line for line (test/checker/tidy/cli-parity.test
# does the same on fixtures). Called by run-fix-e2e.sh before the tree changes:
#
#   tidy-parity-e2e.sh TREE VMAPREP PLUGIN WORK
set -euo pipefail
TREE=$1 VMAPREP=$(realpath "$2") PLUGIN=$(realpath "$3") WORK=$4
CLANG_TIDY=${CLANG_TIDY:-clang-tidy-19}
[[ -f $PLUGIN ]] || { echo "tidy-parity-e2e: FAIL: no plugin at $PLUGIN" >&2; exit 1; }
diags='^[^ ]*:[0-9]*:[0-9]*: \(warning\|note\|error\):'

# The translation units with a legacy handler, from check's own report.
"$VMAPREP" check -p "$TREE" --api auto --no-config --no-progress > "$WORK/parity-all.txt" 2> /dev/null || true
grep ': warning: .*\[vmaprep-legacy-mmap\]$' "$WORK/parity-all.txt" | cut -d: -f1 | sort -u > "$WORK/parity-files.txt"
files=()
while read -r f; do
  [[ $f == *.c ]] || { echo "tidy-parity-e2e: FAIL: a handler in $f, not a .c file: name its translation unit here" >&2; exit 1; }
  files+=("${f#"$TREE"/}")
done < "$WORK/parity-files.txt"
(( ${#files[@]} > 0 )) || { echo "tidy-parity-e2e: FAIL: check reported no legacy handler in $TREE" >&2; exit 1; }

(cd "$TREE" && "$VMAPREP" check -p . --api auto --no-config --no-progress "${files[@]}") 2> /dev/null |
  grep "$diags" | sed "s|^$TREE/||" > "$WORK/parity.cli" || true
(cd "$TREE" && "$CLANG_TIDY" --load="$PLUGIN" --checks='-*,vmaprep-*' -p . --quiet \
  --config='{CheckOptions: {vmaprep-legacy-mmap.ApiLevel: auto}}' "${files[@]}") 2> /dev/null |
  grep "$diags" | sed "s|^$TREE/||" > "$WORK/parity.tidy" || true
warnings=$(grep -c ': warning: ' "$WORK/parity.cli" || true)
# The files were chosen for check's warnings: none now means the run failed, and an empty diff would prove nothing.
# (Fewer warnings than files is right: a handler defined here and registered in a TU not listed is joined only when
# that TU is analysed too.)
(( warnings > 0 )) ||
  { echo "tidy-parity-e2e: FAIL: check printed no warning over ${#files[@]} files that have a legacy handler" >&2; exit 1; }
if ! cmp -s "$WORK/parity.cli" "$WORK/parity.tidy"; then
  echo "tidy-parity-e2e: FAIL: clang-tidy with the plugin and vmaprep check differ (< check, > clang-tidy):" >&2
  diff "$WORK/parity.cli" "$WORK/parity.tidy" | head -40 >&2
  exit 1
fi
echo "tidy-parity-e2e: ${#files[@]} translation units, $warnings warnings, $(wc -l < "$WORK/parity.cli") diagnostic lines: clang-tidy's are check's" >&2
