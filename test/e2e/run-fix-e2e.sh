#!/usr/bin/env bash
# End-to-end test of `vmaprep fix` on a real kernel tree with mmap_prepare.
#
#   test/e2e/run-fix-e2e.sh 7.x [VMAPREP_BINARY]
#
# 1. prepares (or reuses) the cached tree (prepare-kernel-tree.sh);
# 1b. puts the 6.12 handlers of inputs-<sel>/putbacks.txt back into their
#    files (upstream's converted files are kept aside and restored at the end),
#    builds their objects, and adds to compile_commands.json the files whose
#    objects the prepared configuration does not build;
# 2. rebuilds every object whose source the fix would change, as it is, and
#    keeps the compiler's warnings (the baseline);
# 3. runs `vmaprep fix -p TREE --api auto` in place;
# 4. rebuilds the changed objects with `make LLVM=-19` and asserts they compile
#    with no warning that was not in the baseline (line numbers aside);
# 4b. compiles each configuration variant the fix converted too (CONFIG_X
#    flipped by an -include) before and after, and asserts no error and no new
#    warning there;
# 5. runs the fix again and asserts it changes nothing;
# 5b. (patch-series-e2e.sh) writes the series with --patches before the fix,
#    checkpatch --strict on every patch, git am -3 onto the original files,
#    which must give the files the rebuild compiled;
# 5c. (tidy-parity-e2e.sh) before the fix: clang-tidy-19 with the plugin prints
#    check's warnings and notes, line for line, on every TU with a handler;
# 5d. for each put-back handler: fix converted it (unless listed pending), the
#    rewrite is equivalent to the put-back original, and upstream's own 7.3
#    handler is equivalent to it or differs as listed (`vmaprep validate
#    --interpret`, the tree's flags); a mutant of upstream's handler is caught;
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

UPSTREAM=$WORK/upstream # the put-back files as the tree has them (upstream's conversions)
LEGACY=$WORK/legacy     # the same files with the 6.12 handlers put back
mkdir -p "$UPSTREAM" "$LEGACY"

restore() {
  if [[ -f $WORK/changed.txt ]]; then
    while read -r rel; do
      [[ -f $BACKUP/$rel ]] && cp -p "$BACKUP/$rel" "$TREE/$rel"
    done < "$WORK/changed.txt"
  fi
  if [[ -f $WORK/putback-files.txt ]]; then
    while read -r rel; do
      [[ -f $UPSTREAM/$rel ]] && cp -p "$UPSTREAM/$rel" "$TREE/$rel"
    done < "$WORK/putback-files.txt"
  fi
  [[ -f $WORK/compile_commands.json ]] && cp -p "$WORK/compile_commands.json" "$TREE/compile_commands.json"
  if [[ -f $WORK/putback-extra.txt ]]; then
    while read -r o; do
      rm -f "$TREE/$o" "$TREE/$(dirname "$o")/.$(basename "$o").cmd"
    done < "$WORK/putback-extra.txt"
  fi
  rm -rf "$WORK"
}
trap restore EXIT

# ---- put-back handlers (inputs-<sel>/putbacks.txt): the 6.12 handler in its
# 7.3 file, so fix converts what upstream converted by hand ----
PUTBACKS=$HERE/inputs-$SEL/putbacks.txt
putbacks() { [[ -f $PUTBACKS ]] && sed -e 's/#.*//' "$PUTBACKS" | awk 'NF' || true; }
: > "$WORK/putback-files.txt"
while read -r patch rel _; do
  grep -qxF "$rel" "$WORK/putback-files.txt" && continue
  mkdir -p "$UPSTREAM/$(dirname "$rel")" "$LEGACY/$(dirname "$rel")"
  cp -p "$TREE/$rel" "$UPSTREAM/$rel"
  echo "$rel" >> "$WORK/putback-files.txt"
  patch -s -p1 --fuzz=0 --no-backup-if-mismatch -r - -d "$TREE" < "$HERE/inputs-$SEL/$patch" ||
    { echo "run-fix-e2e: FAIL: $patch does not apply to $TREE/$rel" >&2; exit 1; }
  cp -p "$TREE/$rel" "$LEGACY/$rel"
done < <(putbacks)
if [[ -s $WORK/putback-files.txt ]]; then
  # Objects the prepared configuration does not build (orangefs, exfat, ...):
  # kbuild compiles a single object whatever the configuration says, and
  # gen_compile_commands.py reads its .cmd; the tree's database gets those
  # entries until the restore (the shared tree is prepared as
  # objects-<sel>.txt says, unchanged).
  python3 - "$TREE/compile_commands.json" "$TREE" $(cat "$WORK/putback-files.txt") > "$WORK/putback-extra.txt" <<'PY'
import json, os, sys
db, tree = sys.argv[1], sys.argv[2]
have = {os.path.normpath(os.path.join(e["directory"], e["file"])) for e in json.load(open(db))}
for rel in sys.argv[3:]:
    if os.path.normpath(os.path.join(tree, rel)) not in have:
        print(rel[:-2] + ".o")
PY
  mapfile -t putback_objects < <(sed 's/\.c$/.o/' "$WORK/putback-files.txt")
  echo "run-fix-e2e: put back $(wc -l < "$WORK/putback-files.txt") files' 6.12 handlers; building ${putback_objects[*]}" >&2
  make -C "$TREE" LLVM="$LLVM_SUFFIX" -j"${VMAPREP_JOBS:-2}" "${putback_objects[@]}" > "$WORK/putback-build.log" 2>&1 ||
    { echo "run-fix-e2e: FAIL: a put-back file does not build:" >&2; grep -E 'error' "$WORK/putback-build.log" | head -20 >&2; exit 1; }
fi
# ---- end of the put-back step ----

# ---- extra objects (VMAPREP_E2E_EXTRA_OBJECTS: a file of object paths, one
# per line; test/e2e/run-wider-fix.sh): each compiled as a single kbuild object
# with the prepared configuration; those that do not compile are listed and
# left out, the others join the database until the restore ----
: > "$WORK/extra-built.txt"
if [[ -n ${VMAPREP_E2E_EXTRA_OBJECTS:-} ]]; then
  python3 - "$TREE/compile_commands.json" "$TREE" "$WORK/putback-files.txt" "$VMAPREP_E2E_EXTRA_OBJECTS" > "$WORK/extra-wanted.txt" <<'PY'
import json, os, sys
db, tree, putback, extra = sys.argv[1:5]
have = {os.path.normpath(os.path.join(e["directory"], e["file"])) for e in json.load(open(db))}
have |= {os.path.normpath(os.path.join(tree, l.strip())) for l in open(putback) if l.strip()}
for line in open(extra):
    o = line.split("#")[0].strip()
    if o.endswith(".o") and os.path.normpath(os.path.join(tree, o[:-2] + ".c")) not in have:
        print(o)
PY
  mapfile -t extra_objects < "$WORK/extra-wanted.txt"
  echo "run-fix-e2e: building ${#extra_objects[@]} extra objects (make -k; log: extra-build.log)" >&2
  # (no targets would make the whole kernel)
  ((${#extra_objects[@]} == 0)) ||
    make -k -C "$TREE" LLVM="$LLVM_SUFFIX" -j"${VMAPREP_JOBS:-2}" "${extra_objects[@]}" > "$WORK/extra-build.log" 2>&1 || true
  failed=()
  for o in "${extra_objects[@]}"; do
    if [[ -f $TREE/$o && -f $TREE/$(dirname "$o")/.$(basename "$o").cmd ]]; then echo "$o" >> "$WORK/extra-built.txt"; else failed+=("$o"); fi
  done
  echo "run-fix-e2e: $(wc -l < "$WORK/extra-built.txt") extra objects built; ${#failed[@]} do not compile in this configuration: ${failed[*]}" >&2
fi

# The put-back and extra objects' commands, from their .cmd files, join the
# database until the restore.
cat "$WORK/putback-extra.txt" "$WORK/extra-built.txt" 2> /dev/null > "$WORK/db-extra.txt" || true
if [[ -s $WORK/db-extra.txt ]]; then
  cp -p "$TREE/compile_commands.json" "$WORK/compile_commands.json"
  (cd "$TREE" && python3 scripts/clang-tools/gen_compile_commands.py -d . -o "$WORK/all-commands.json") 2> /dev/null
  python3 - "$TREE/compile_commands.json" "$WORK/all-commands.json" "$TREE" $(cat "$WORK/db-extra.txt") <<'PY'
import json, os, sys
db_path, all_path, tree = sys.argv[1:4]
db = json.load(open(db_path))
want = {os.path.normpath(os.path.join(tree, o[:-2] + ".c")) for o in sys.argv[4:]}
added, seen = [], set()
for e in json.load(open(all_path)):
    f = os.path.normpath(os.path.join(e["directory"], e["file"]))
    if f in want and f not in seen:
        seen.add(f)
        added.append(e)
if len(added) != len(want):
    sys.exit("run-fix-e2e: no compile command for: " + " ".join(sorted(want - seen)))
json.dump(db + added, open(db_path, "w"), indent=2)
PY
  echo "run-fix-e2e: compile_commands.json extended with $(wc -l < "$WORK/db-extra.txt") objects until the restore" >&2
fi

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

# Each configuration variant the fix converted too (the remark's note: "also
# converted and re-parsed with CONFIG_X defined|undefined"): the file before
# and after the fix, compiled with the tree's own flags and warnings plus an
# -include that flips CONFIG_X after autoconf.h (switching the shared tree's
# .config would rebuild every object), must give no error and no warning the
# original did not give in that configuration.
variants=0
vcompile() { # $1: source, $2: log; paths and positions left out of the log (uses rel, vflags, header)
  (cd "$TREE" && "clang$LLVM_SUFFIX" -fsyntax-only "${vflags[@]}" -I"$TREE/$(dirname "$rel")" -include "$header" "$1") 2>&1 |
    grep -E '(error|warning):' | sed -E "s|^[^ ]*/$(basename "$rel"):[0-9]+:[0-9]+:|$rel:|" | sort > "$2" || true
}
while IFS=$'\t' read -r rel macro state; do
  header=$WORK/variant-$macro-$state.h
  if [[ $state == defined ]]; then
    printf '#undef %s\n#define %s 1\n' "$macro" "$macro" > "$header"
  else
    printf '#undef %s\n#undef %s_MODULE\n' "$macro" "$macro" > "$header"
  fi
  mapfile -t vflags < <(python3 "$HERE/compile-flags.py" "$TREE/compile_commands.json" "$TREE/$rel")
  vcompile "$BACKUP/$rel" "$WORK/variant.before"
  vcompile "$TREE/$rel" "$WORK/variant.after"
  if grep -q 'error:' "$WORK/variant.after" || [[ -n $(comm -13 "$WORK/variant.before" "$WORK/variant.after") ]]; then
    echo "run-fix-e2e: FAIL: $rel with $macro $state (a configuration the fix converted) has errors or new warnings:" >&2
    comm -13 "$WORK/variant.before" "$WORK/variant.after" | head -20 >&2
    exit 1
  fi
  echo "run-fix-e2e: $rel compiles with $macro $state (a variant the fix converted), no error, no new warning ($(wc -l < "$WORK/variant.after") warnings, as before)" >&2
  variants=$((variants + 1))
done < <(sed -nE "s#^$TREE/([^:]+):[0-9]+:[0-9]+: note: also converted and re-parsed with ([A-Za-z0-9_]+) (defined|undefined),.*#\1\t\2\t\3#p" "$WORK/fix.txt" | sort -u)

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
# Every handler fix converts here is listed in test/kernel-vm/handlers.tsv, which says whether the real-kernel test
# (test/kernel-vm) exercises it or what it would take: a new conversion must be placed there.
unlisted=$(sed -nE "s/.*remark: converted '([^']+)' to .*/\1/p" "$WORK/fix.txt" | sort -u \
  | while read -r h; do grep -q "^$h	" "$HERE/../kernel-vm/handlers.tsv" || echo "$h"; done)
if [[ -n $unlisted ]]; then
  echo "run-fix-e2e: FAIL: converted, but not in test/kernel-vm/handlers.tsv (exercised in a real kernel, or why not): $unlisted" >&2
  exit 1
fi
mutants=0
while read -r rel; do
  python3 "$HERE/compile-flags.py" "$TREE/compile_commands.json" "$TREE/$rel" > "$WORK/flags"
  mapfile -t flags < "$WORK/flags"
  flags+=("-I$(dirname "$TREE/$rel")")
  # Each handler the file converted (drivers/char/mem.c put back has two), its
  # mutants made inside its own body (the generated ->mapped's in the file),
  # and validated against its own table.
  while IFS= read -r remark; do
    succeeded=$(sed -nE 's/.* ([0-9]+) hook calls succeeded.*/\1/p' <<< "$remark")
    converted=$(sed -nE "s/.*remark: converted '([^']+)' to '([^']+)'.*/\1/p" <<< "$remark")
    prepared=$(sed -nE "s/.*remark: converted '([^']+)' to '([^']+)'.*/\2/p" <<< "$remark")
    if (( ${succeeded:-0} < 10 )); then
      echo "run-fix-e2e: note: $rel: $converted: ${succeeded:-0} hook calls succeeded in validation; too few to require that mutants of its success path are seen" >&2
      continue
    fi
    table=$(putbacks | awk -v rel="$rel" -v h="$converted" '$2 == rel && $4 == h { print $3 }')
    # Else the table that registers it, where the file has several
    # (selinuxfs.c: sel_handle_status_ops, sel_policy_ops).
    [[ -n $table ]] || table=$(awk -v h="$converted" '
      match($0, /struct file_operations [A-Za-z0-9_]+ *=/) { t = substr($0, RSTART + 23, RLENGTH - 23); sub(/ *=$/, "", t) }
      $0 ~ "\\.mmap[ \t]*=[ \t]*" h "[ \t]*,"  { print t; exit }' "$BACKUP/$rel")
    table_option=()
    [[ -n $table ]] && table_option=(--table "$table")
    i=0
    for mutation in "/$prepared(struct vm_area_desc \*desc)$/,/^}/s/vma_desc_test(desc, VMA_SHARED_BIT)/!vma_desc_test(desc, VMA_SHARED_BIT)/" \
                    "/$prepared(struct vm_area_desc \*desc)$/,/^}/{/desc->page_prot = /,/;$/d}" \
                    "/$prepared(struct vm_area_desc \*desc)$/,/^}/s/mmap_action_remap_full(desc, /mmap_action_remap_full(desc, 0x100 ^ /" \
                    '/_mmap_mapped(/,/^}/{/++;/d}'; do
      i=$((i + 1))
      mutant="$WORK/mutant$i.$(basename "$rel")"
      sed "$mutation" "$TREE/$rel" > "$mutant"
      cmp -s "$mutant" "$TREE/$rel" && continue
      set +e
      (cd "$TREE" && "$VMAPREP" validate --interpret --accept-merge "${table_option[@]}" "$BACKUP/$rel" "$mutant" -- "${flags[@]}") > "$WORK/mutant.txt" 2>&1
      mrc=$?
      set -e
      if (( mrc != 1 )); then
        echo "run-fix-e2e: FAIL: mutant '$mutation' of $rel ($converted) not caught (exit $mrc):" >&2
        tail -5 "$WORK/mutant.txt" >&2
        exit 1
      fi
      mutants=$((mutants + 1))
    done
  done < <(grep "^$TREE/$rel:.*remark: converted" "$WORK/fix.txt")
done < "$WORK/changed.txt"
echo "run-fix-e2e: $mutants mutants of the rewrites caught by validation" >&2

# ---- put-back handlers: fix's rewrite and upstream's conversion, each compared
# with the put-back original on the model (docs/rewrites.md, "Upstream's
# conversions put back") ----
# validate_pair ORIGINAL NEW TABLE OUT: `vmaprep validate --interpret` with the
# file's flags from the tree's database; prints the exit status. --accept-merge:
# a mapping that merges after an mmap_prepare hook is the new hook's design
# (docs/validation.md), whoever wrote the hook.
validate_pair() {
  local rc=0
  (cd "$TREE" && "$VMAPREP" validate --interpret --accept-merge --table "$3" "$1" "$2" -- "${pb_flags[@]}") > "$4" 2>&1 || rc=$?
  echo "$rc"
}
: > "$WORK/putback-summary.txt"
pb_fail=0 pb_mutants=0
while read -r patch rel table handler fixwant upwant; do
  mapfile -t pb_flags < <(python3 "$HERE/compile-flags.py" "$TREE/compile_commands.json" "$TREE/$rel")
  pb_flags+=("-I$(dirname "$TREE/$rel")")
  out=$WORK/putback.$handler
  line="$handler ($rel):"
  # (a) fix converted it, and its rewrite is equivalent to the original.
  remark=$(grep "^$TREE/$rel:.*remark: converted '$handler' to" "$WORK/fix.txt" | head -n 1 || true)
  if [[ -n $remark ]]; then
    rc=$(validate_pair "$LEGACY/$rel" "$TREE/$rel" "$table" "$out.fix")
    if [[ $rc != 0 ]]; then
      echo "run-fix-e2e: FAIL: $handler: vmaprep's rewrite is not equivalent to the put-back original (exit $rc):" >&2
      tail -5 "$out.fix" >&2
      pb_fail=1
    fi
    line+=" converted, rewrite $(sed -nE 's/.*: (equivalent over [0-9]+ scenarios|[0-9]+ of [0-9]+ scenarios diverge.*)$/\1/p' "$out.fix" | tail -n 1)"
    [[ $fixwant == pending:* ]] && echo "run-fix-e2e: note: $handler is converted now; putbacks.txt can say 'converted'" >&2
  else
    reason=$(grep "^$TREE/$rel:.*warning: '$handler' not converted" "$WORK/fix.txt" | head -n 1 | sed "s|^$TREE/||" || true)
    if [[ $fixwant == converted ]]; then
      echo "run-fix-e2e: FAIL: $handler ($rel) was put back for fix to convert, and it was not: ${reason:-no warning either}" >&2
      pb_fail=1
    fi
    line+=" not converted (${fixwant#pending:}: ${reason#*not converted: })"
  fi
  # (b) upstream's 7.3 handler against the same original.
  rc=$(validate_pair "$LEGACY/$rel" "$UPSTREAM/$rel" "$table" "$out.upstream")
  first=$(grep -m1 '^divergence:' "$out.upstream" || true)
  case $upwant in
  equivalent)
    if [[ $rc != 0 ]]; then
      echo "run-fix-e2e: FAIL: $handler: upstream's handler is not equivalent to the put-back original (exit $rc):" >&2
      tail -6 "$out.upstream" >&2
      pb_fail=1
    fi
    line+="; upstream equivalent" ;;
  differs:*)
    # The field is what follows the scenario: "mapped vma [0,4096) flags".
    field=${first##*\': }
    if [[ $rc != 1 || ($field != "${upwant#differs:}" && $field != *" ${upwant#differs:}") ]]; then
      echo "run-fix-e2e: FAIL: $handler: upstream's handler was expected to differ in '${upwant#differs:}' (exit $rc):" >&2
      tail -6 "$out.upstream" >&2
      pb_fail=1
    fi
    line+="; upstream differs: ${first#divergence: }" ;;
  esac
  # (c) the upstream comparison can fail: a mutant of upstream's handler (the
  # first of these edits that changes its body) must not pass for it.
  name=${handler}_prepare
  if [[ $upwant == equivalent ]] && grep -q "^static int $name(" "$UPSTREAM/$rel"; then
    for mutation in 's/desc->vm_ops = &/desc->vm_ops = NULL; (void)\&/' \
                    's/vma_desc_test(desc, \(VMA_[A-Z]*_BIT\))/!vma_desc_test(desc, \1)/' \
                    's/generic_file_readonly_mmap_prepare(desc)/generic_file_mmap_prepare(desc)/' \
                    's/return 0;/return -ENODEV;/' \
                    's/return -ENOSYS;/return -ENODEV;/'; do
      mutant=$WORK/upstream-mutant/$rel
      mkdir -p "$(dirname "$mutant")"
      sed "/^static int $name(/,/^}/$mutation" "$UPSTREAM/$rel" > "$mutant"
      cmp -s "$mutant" "$UPSTREAM/$rel" && continue
      # An edit only in code this configuration does not compile (hpet's real
      # handler under CONFIG_HPET_MMAP, erofs's under CONFIG_FS_DAX) is no mutant.
      for f in "$UPSTREAM/$rel" "$mutant"; do
        (cd "$TREE" && "clang$LLVM_SUFFIX" -E -P "${pb_flags[@]}" -fmacro-prefix-map="$(dirname "$f")/=" "$f") > "$f.i" 2> /dev/null || true
      done
      cmp -s "$UPSTREAM/$rel.i" "$mutant.i" && continue
      rc=$(validate_pair "$LEGACY/$rel" "$mutant" "$table" "$out.mutant")
      if [[ $rc != 1 ]]; then
        echo "run-fix-e2e: FAIL: mutant '$mutation' of upstream's $name not caught (exit $rc)" >&2
        tail -3 "$out.mutant" >&2
        pb_fail=1
      fi
      pb_mutants=$((pb_mutants + 1))
      line+="; mutant '$mutation' caught"
      break
    done
  fi
  echo "$line" >> "$WORK/putback-summary.txt"
done < <(putbacks)
(( pb_fail == 0 )) || exit 1
[[ -s $WORK/putback-summary.txt ]] && echo "run-fix-e2e: $pb_mutants mutants of upstream's conversions caught by validation" >&2

# Idempotent: a second run converts nothing and changes nothing.
for rel in $(cat "$WORK/changed.txt"); do cp -p "$TREE/$rel" "$WORK/first.$(echo "$rel" | tr / -)"; done
"$VMAPREP" fix -p "$TREE" --api auto > "$WORK/again.txt" 2>&1 || true
for rel in $(cat "$WORK/changed.txt"); do
  cmp -s "$TREE/$rel" "$WORK/first.$(echo "$rel" | tr / -)" || { echo "run-fix-e2e: FAIL: a second fix changed $rel" >&2; exit 1; }
done
grep -q "^vmaprep: converted 0 of" "$WORK/again.txt" || { echo "run-fix-e2e: FAIL: the second run converted something" >&2; tail -3 "$WORK/again.txt" >&2; exit 1; }

echo "== converted ($count files rebuilt with make LLVM=$LLVM_SUFFIX, no new warnings; $variants configuration variants compiled, no new warnings; $mutants mutants caught) =="
grep 'remark: converted' "$WORK/fix.txt" | sed "s|$TREE/||"
echo "== left, and why =="
grep "warning: '.*' not converted" "$WORK/fix.txt" | sed "s|$TREE/||"
tail -n 1 "$WORK/fix.txt"
if [[ -s $WORK/putback-summary.txt ]]; then
  echo "== put back from 6.12 (inputs-$SEL/putbacks.txt): fix, and upstream's conversion, against the original =="
  cat "$WORK/putback-summary.txt"
fi
echo "RESULT: PASS"
