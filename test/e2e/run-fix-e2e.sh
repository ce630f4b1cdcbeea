#!/usr/bin/env bash
# End-to-end test of `vmaprep fix` on a real kernel tree with mmap_prepare.
#
#   test/e2e/run-fix-e2e.sh 7.x [VMAPREP_BINARY]
#
# 1. prepares (or reuses) the cached tree (prepare-kernel-tree.sh);
# 2. rebuilds every object whose source the fix would change, as it is, and
#    keeps the compiler's warnings (the baseline);
# 3. runs `vmaprep fix -p TREE --api auto` in place;
# 4. rebuilds the changed objects with `make LLVM=-19` and asserts they compile
#    with no warning that was not in the baseline (line numbers aside);
# 5. runs the fix again and asserts it changes nothing;
# 5b. (patch-series-e2e.sh) writes the series with --patches before the fix,
#    checkpatch --strict on every patch, git am -3 onto the original files,
#    which must give the files the rebuild compiled;
# 5c. (tidy-parity-e2e.sh) before the fix: clang-tidy-19 with the plugin prints
#    check's warnings and notes, line for line, on every TU with a handler;
# 6. restores the original sources (also on failure), so the cached tree stays
#    pristine, and prints the summary that docs/rewrites.md records.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SEL=${1:-7.x}
VMAPREP=${2:-$HERE/../../build/checker/vmaprep}
LLVM_SUFFIX=${LLVM_SUFFIX:--19}
VMAPREP=$(cd "$(dirname "$VMAPREP")" 2>/dev/null && pwd)/$(basename "$VMAPREP")
[[ -x "$VMAPREP" ]] || { echo "run-fix-e2e: vmaprep binary '$VMAPREP' not found" >&2; exit 2; }
TREE=$("$HERE/prepare-kernel-tree.sh" "$SEL" | tail -n 1)
# The fix e2e rewrites the cached tree in place and restores it afterwards:
# runs that share the cache (other ctest processes, other worktrees) take turns,
# which ctest's RESOURCE_LOCK cannot arrange across processes.
exec 8>"$(dirname "$TREE")/.e2e-$SEL.lock"
flock 8
WORK=$(mktemp -d "${TMPDIR:-/tmp}/vmaprep-fix-e2e.XXXXXX")
BACKUP=$WORK/backup
mkdir -p "$BACKUP"

restore() {
  if [[ -f $WORK/changed.txt ]]; then
    while read -r rel; do
      [[ -f $BACKUP/$rel ]] && cp -p "$BACKUP/$rel" "$TREE/$rel"
    done < "$WORK/changed.txt"
  fi
  rm -rf "$WORK"
}
trap restore EXIT

# What would change: the files named in the dry run's diff.
"$VMAPREP" fix -p "$TREE" --api auto --dry-run > "$WORK/dry.txt" 2> "$WORK/dry.err" || true
grep '^+++ b/' "$WORK/dry.txt" | sed 's|^+++ b/||' > "$WORK/changed.txt" || true
count=$(wc -l < "$WORK/changed.txt")
if (( count == 0 )); then
  echo "run-fix-e2e: FAIL: the fix changes nothing in $TREE; expected conversions" >&2
  cat "$WORK/dry.err" >&2
  exit 1
fi
objects=()
while read -r rel; do
  mkdir -p "$BACKUP/$(dirname "$rel")"
  cp -p "$TREE/$rel" "$BACKUP/$rel"
  objects+=("${rel%.c}.o")
done < "$WORK/changed.txt"

# Warnings without line and column numbers: a rewrite moves lines.
warnings() { grep -E 'warning:' "$1" | sed -E 's/:[0-9]+:[0-9]+:/:/' | sort || true; }

build() { # $1: log
  for o in "${objects[@]}"; do touch "$TREE/${o%.o}.c"; done
  make -C "$TREE" LLVM="$LLVM_SUFFIX" -j"${VMAPREP_JOBS:-2}" "${objects[@]}" > "$1" 2>&1
}

echo "run-fix-e2e: baseline build of ${objects[*]}" >&2
build "$WORK/before.log" || { echo "run-fix-e2e: FAIL: the unmodified objects do not build" >&2; tail -20 "$WORK/before.log" >&2; exit 1; }

# ---- the patch series (test/e2e/patch-series-e2e.sh): written and checkpatch'd
# before the tree changes ----
"$HERE/patch-series-e2e.sh" write "$TREE" "$VMAPREP" "$WORK"
# ---- end of the patch series step ----
# ---- the clang-tidy plugin says what check says on this tree (test/e2e/tidy-parity-e2e.sh) ----
"$HERE/tidy-parity-e2e.sh" "$TREE" "$VMAPREP" "${VMAPREP_TIDY_PLUGIN:-$(dirname "$VMAPREP")/tidy/libVmaprepTidy.so}" "$WORK"

echo "run-fix-e2e: $VMAPREP fix -p $TREE --api auto" >&2
set +e
"$VMAPREP" fix -p "$TREE" --api auto > "$WORK/fix.txt" 2>&1 # diagnostics are on stderr
rc=$?
set -e
if (( rc >= 2 )); then
  echo "run-fix-e2e: FAIL: vmaprep fix exited $rc" >&2
  cat "$WORK/fix.txt" >&2
  exit 1
fi

echo "run-fix-e2e: rebuild of the rewritten objects" >&2
if ! build "$WORK/after.log"; then
  echo "run-fix-e2e: FAIL: a rewritten object does not build:" >&2
  grep -E 'error' "$WORK/after.log" | head -20 >&2
  exit 1
fi
# ---- the patch series: git am -3 onto the files as they were gives what was
# just rebuilt ----
"$HERE/patch-series-e2e.sh" apply "$TREE" "$WORK" "$BACKUP" "$WORK/changed.txt"
# ---- end of the patch series step ----
new=$(comm -13 <(warnings "$WORK/before.log") <(warnings "$WORK/after.log"))
if [[ -n $new ]]; then
  echo "run-fix-e2e: FAIL: new compiler warnings after the rewrite:" >&2
  echo "$new" >&2
  exit 1
fi

# Validated: every conversion was run side by side with its original on the
# runtime model (the remark says so), and the validation is not vacuous: a
# mutant of each rewrite (a negated flag test, a dropped page_prot change, a
# pfn 256 pages off, a count left out of a generated ->mapped) is caught by
# `vmaprep validate --interpret` with the tree's own flags, where the
# validation reached at least 10 successful hook calls.
if grep 'remark: converted' "$WORK/fix.txt" | grep -vq 'validated on the runtime model'; then
  echo "run-fix-e2e: FAIL: a conversion was written without validation:" >&2
  grep 'remark: converted' "$WORK/fix.txt" | grep -v 'validated on the runtime model' >&2
  exit 1
fi
mutants=0
while read -r rel; do
  remark=$(grep "^$TREE/$rel:.*remark: converted" "$WORK/fix.txt" | head -n 1)
  succeeded=$(sed -nE 's/.* ([0-9]+) hook calls succeeded.*/\1/p' <<< "$remark")
  if (( ${succeeded:-0} < 10 )); then
    echo "run-fix-e2e: note: $rel: ${succeeded:-0} hook calls succeeded in validation; too few to require that mutants of its success path are seen" >&2
    continue
  fi
  python3 "$HERE/compile-flags.py" "$TREE/compile_commands.json" "$TREE/$rel" > "$WORK/flags"
  mapfile -t flags < "$WORK/flags"
  flags+=("-I$(dirname "$TREE/$rel")")
  i=0
  for mutation in 's/vma_desc_test(desc, VMA_SHARED_BIT)/!vma_desc_test(desc, VMA_SHARED_BIT)/' \
                  '/desc->page_prot = /d' \
                  's/mmap_action_remap_full(desc, /mmap_action_remap_full(desc, 0x100 ^ /' \
                  '/_mmap_mapped(/,/^}/{/++;/d}'; do
    i=$((i + 1))
    mutant="$WORK/mutant$i.$(basename "$rel")"
    sed "$mutation" "$TREE/$rel" > "$mutant"
    cmp -s "$mutant" "$TREE/$rel" && continue
    set +e
    (cd "$TREE" && "$VMAPREP" validate --interpret --accept-merge "$BACKUP/$rel" "$mutant" -- "${flags[@]}") > "$WORK/mutant.txt" 2>&1
    mrc=$?
    set -e
    if (( mrc != 1 )); then
      echo "run-fix-e2e: FAIL: mutant '$mutation' of $rel not caught (exit $mrc):" >&2
      tail -5 "$WORK/mutant.txt" >&2
      exit 1
    fi
    mutants=$((mutants + 1))
  done
done < "$WORK/changed.txt"
echo "run-fix-e2e: $mutants mutants of the rewrites caught by validation" >&2

# Idempotent: a second run converts nothing and changes nothing.
for rel in $(cat "$WORK/changed.txt"); do cp -p "$TREE/$rel" "$WORK/first.$(echo "$rel" | tr / -)"; done
"$VMAPREP" fix -p "$TREE" --api auto > "$WORK/again.txt" 2>&1 || true
for rel in $(cat "$WORK/changed.txt"); do
  cmp -s "$TREE/$rel" "$WORK/first.$(echo "$rel" | tr / -)" || { echo "run-fix-e2e: FAIL: a second fix changed $rel" >&2; exit 1; }
done
grep -q "^vmaprep: converted 0 of" "$WORK/again.txt" || { echo "run-fix-e2e: FAIL: the second run converted something" >&2; tail -3 "$WORK/again.txt" >&2; exit 1; }

echo "== converted ($count files rebuilt with make LLVM=$LLVM_SUFFIX, no new warnings; $mutants mutants caught) =="
grep 'remark: converted' "$WORK/fix.txt" | sed "s|$TREE/||"
echo "== left, and why =="
grep "warning: '.*' not converted" "$WORK/fix.txt" | sed "s|$TREE/||"
tail -n 1 "$WORK/fix.txt"
echo "RESULT: PASS"
