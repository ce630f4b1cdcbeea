#!/usr/bin/env bash
# The fix end-to-end over every object of the 7.x tree with an `.mmap`
# registration that compiles in the e2e configuration (issue 10's wider run;
# not in CI: tens of minutes on 2 cores; docs/rewrites.md records the result).
#
#   test/e2e/run-wider-fix.sh [VMAPREP_BINARY]
#
# Lists the tree's .c files that register `.mmap =` (outside tools/, samples/,
# Documentation/, scripts/ and other architectures' arch/), and hands their
# objects to run-fix-e2e.sh as extra objects (VMAPREP_E2E_EXTRA_OBJECTS): it
# compiles each as a single kbuild object with the e2e configuration (those that
# do not compile are listed and left out), adds their commands to the tree's
# compile_commands.json until the restore, and holds every conversion to
# everything the fix e2e asks: rebuilt with no new warning, every configuration
# variant compiled with no new warning, validated (the strength of each
# validation in the summary), mutants caught, the patch series checkpatch
# --strict clean and applied with git am, clang-tidy's diagnostics equal check's,
# a second fix changes nothing.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
VMAPREP=${1:-$HERE/../../build/checker/vmaprep}
TREE=$("$HERE/prepare-kernel-tree.sh" 7.x | tail -n 1)
LIST=$(mktemp "${TMPDIR:-/tmp}/vmaprep-wider.XXXXXX")
trap 'rm -f "$LIST"' EXIT
(cd "$TREE" && grep -rlE --include='*.c' '\.mmap[[:space:]]*=' . |
  sed 's|^\./||' | grep -vE '^(tools|samples|Documentation|scripts|usr)/' |
  grep -vE '^arch/' | sed 's/\.c$/.o/' | sort) > "$LIST.all"
(cd "$TREE" && grep -rlE --include='*.c' '\.mmap[[:space:]]*=' arch/x86 | sed 's/\.c$/.o/' | sort) >> "$LIST.all"
sort -u "$LIST.all" > "$LIST"
rm -f "$LIST.all"
echo "run-wider-fix: $(wc -l < "$LIST") files of $TREE register .mmap" >&2
VMAPREP_E2E_EXTRA_OBJECTS=$LIST "$HERE/run-fix-e2e.sh" 7.x "$VMAPREP"
