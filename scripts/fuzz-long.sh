#!/bin/bash
# The longer run of the tool's fuzz targets (docs/robustness.md, "Fuzzing"); ctest runs each for a few
# seconds only. One target at a time, niced, each from a fresh corpus directory in the build tree (plus
# the read-only seeds of the readers), so a run does not depend on an earlier one.
#
#   scripts/fuzz-long.sh [BUILD_DIR [SECONDS [SEED]]]     defaults: build 600 1; NICE=10 sets the niceness
#
# Prints one line per target: its exit status (0: no finding), inputs run, the corpus it ended with and
# the peak RSS; the logs stay in BUILD_DIR/test/fuzz/long-run/. Exits 1 if any target found something
# (its crash input is in the log's directory).
set -euo pipefail

build=${1:-build}
seconds=${2:-600}
seed=${3:-1}
fuzz=$(cd "$build/test/fuzz" && pwd)
seeds=$(cd "$(dirname "$0")/../test/fuzz/corpus" && pwd)
out=$fuzz/long-run
mkdir -p "$out"

found=0
for target in FuzzIntegerArithmetic FuzzNestedDocuments FuzzCheckJsonReader FuzzBaselineReader FuzzConfigReader \
    FuzzCompileDatabaseReader; do
  corpus=$out/corpus-$target
  rm -rf "$corpus" && mkdir -p "$corpus"
  extra=()
  case $target in
    Fuzz*Reader) name=${target#Fuzz} && extra=("$seeds/${name%Reader}") ;;
  esac
  log=$out/$target.log
  start=$(date +%s)
  status=0
  (cd "$out" && ASAN_OPTIONS=detect_leaks=1 nice -n "${NICE:-10}" "$fuzz/$target" "$corpus" \
    ${extra[@]+"${extra[@]}"} -max_total_time="$seconds" -seed="$seed" -max_len=4096 -print_final_stats=1) \
    > "$log" 2>&1 || status=$?
  [ "$status" = 0 ] || found=1
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  rss=$(sed -n 's/^stat::peak_rss_mb: *//p' "$log")
  echo "$target: exit $status, $(($(date +%s) - start)) s, ${runs:-?} inputs, $(ls "$corpus" | wc -l) in corpus," \
       "peak RSS ${rss:-?} MB, seed $seed"
done
exit $found
