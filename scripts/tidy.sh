#!/usr/bin/env bash
# Runs clang-tidy-19 with the project's .clang-tidy files over the project's own
# translation units (checker/, runtime-model/src, runtime-model/kshim/src) of
# BUILD's compile_commands.json; prints the warnings, exits 1 if there are any.
# Not in ctest: about 13 s per TU on one core (see docs/ci.md).
#   scripts/tidy.sh [BUILD] [-j N]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
build=${1:-build}
jobs=$(nproc)
[[ ${2:-} == -j ]] && jobs=$3
[[ -f $build/compile_commands.json ]] || { echo "tidy: no $build/compile_commands.json (configure first)" >&2; exit 2; }
out=$(mktemp)
trap 'rm -f "$out"' EXIT
run-clang-tidy-19 -quiet -p "$build" -j "$jobs" \
  "$PWD/checker/(lib|findings|driver|validation|tool|tidy)/.*\.cpp$" "$PWD/runtime-model/(src|kshim/src)/.*\.cpp$" \
  > "$out" 2>/dev/null || true
grep -E 'warning:|error:' "$out" | sort -u || true
! grep -qE 'warning:|error:' "$out"
