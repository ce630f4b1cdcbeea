#!/usr/bin/env bash
# Runs clang-tidy-19 with the project's .clang-tidy files over the project's own
# translation units (checker/, runtime-model/src, runtime-model/kshim/src) of
# BUILD's compile_commands.json; prints the warnings, exits 1 if there are any.
# Each file is analysed once: the database lists every model source three times
# (the plain, asan and fuzz libraries), and clang-tidy would run all three.
# About 7 s of CPU per TU (88 TUs); a ctest only with -DVMAPREP_TIDY_TEST=ON
# (label tidy, see docs/ci.md).
#   scripts/tidy.sh [BUILD] [-j N]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
build=${1:-build}
jobs=$(nproc)
[[ ${2:-} == -j ]] && jobs=$3
[[ -f $build/compile_commands.json ]] || { echo "tidy: no $build/compile_commands.json (configure first)" >&2; exit 2; }
out=$(mktemp)
db=$(mktemp -d)
trap 'rm -rf "$out" "$db"' EXIT
python3 - "$build/compile_commands.json" "$db/compile_commands.json" <<'PY'
import json, sys
seen, once = set(), []
for entry in json.load(open(sys.argv[1])):
    if entry["file"] not in seen:
        seen.add(entry["file"])
        once.append(entry)
json.dump(once, open(sys.argv[2], "w"))
PY
run-clang-tidy-19 -quiet -p "$db" -j "$jobs" \
  "$PWD/checker/(lib|findings|driver|validation|tool|tidy)/.*\.cpp$" "$PWD/runtime-model/(src|kshim/src)/.*\.cpp$" \
  > "$out" 2>/dev/null || true
# A run that analysed nothing (no run-clang-tidy-19, an empty database) must not pass.
files=$(sed -n 's/^Running clang-tidy for \([0-9]*\) files.*/\1/p' "$out")
(( ${files:-0} >= 50 )) || { echo "tidy: clang-tidy analysed ${files:-no} files of $build" >&2; exit 2; }
grep -E 'warning:|error:' "$out" | sort -u || true
! grep -qE 'warning:|error:' "$out"
