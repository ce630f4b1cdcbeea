#!/usr/bin/env bash
# Configuration-dependent handlers on a real tree (not in CI; seconds per file).
#
#   test/e2e/run-config-inputs.sh [VMAPREP_BINARY]
#
# 7.3 converted hpet and mtdchar upstream; their 6.12 `.mmap` handlers, put
# back into the 7.3 files (inputs-7.x/{hpet,mtdchar}-6.12-handler.patch), are the shapes of
# issue 10 that broke a configuration: hpet's #else stub (CONFIG_HPET_MMAP),
# mtdchar's !CONFIG_MMU branch inside the handler. For each patch the script
# copies the file from the cached 7.x tree (prepare-kernel-tree.sh), applies the
# patch to the copy (the tree is never touched), and runs `vmaprep fix --dry-run`
# on the copy with the tree's own flags, as the tree is configured and, where a
# -D can flip the controlling condition, flipped (CONFIG_MMU cannot be: the
# tree's autoconf.h, included after the command line's macros, defines it, and
# x86 needs it). Each must be refused, naming the condition: the rewrite of one
# configuration would leave the other legacy (hpet: the stub, and the real
# handler orphaned; mtdchar: a `vma` that no longer exists).
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
VMAPREP=${1:-$HERE/../../build/checker/vmaprep}
TREE=$("$HERE/prepare-kernel-tree.sh" 7.x | tail -n 1)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/vmaprep-config-inputs.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
fail=0
# patch  file  handler  flipped-condition-flag
while read -r patch rel handler flip; do
  mkdir -p "$WORK/$(dirname "$rel")"
  cp "$TREE/$rel" "$WORK/$rel"
  (cd "$WORK" && patch -s -p1 < "$HERE/inputs-7.x/$patch")
  mapfile -t flags < <(python3 "$HERE/compile-flags.py" "$TREE/compile_commands.json" "$TREE/$rel")
  variants=("")
  [[ $flip != none ]] && variants+=("$flip")
  for extra in "${variants[@]}"; do
    out=$(cd "$TREE" && "$VMAPREP" fix --dry-run "$WORK/$rel" -- "${flags[@]}" -I"$TREE/$(dirname "$rel")" $extra 2>&1 || true)
    line=$(grep "warning: '$handler' not converted" <<< "$out" | sed "s|$WORK/||" || true)
    if [[ $line == *"which this parse did not compile"* ]]; then
      echo "refused${extra:+ ($extra)}: $line"
    else
      echo "run-config-inputs: FAIL: $rel${extra:+ ($extra)}: '$handler' not refused for hidden code:" >&2
      grep -E "remark|warning|error" <<< "$out" | sed "s|$WORK/||" >&2 || true
      fail=1
    fi
  done
done <<'LIST'
hpet-6.12-handler.patch     drivers/char/hpet.c    hpet_mmap     -DCONFIG_HPET_MMAP=1
mtdchar-6.12-handler.patch  drivers/mtd/mtdchar.c  mtdchar_mmap  none
LIST
(( fail == 0 )) && echo "RESULT: PASS" || { echo "RESULT: FAIL"; exit 1; }
