#!/usr/bin/env bash
# `cmake --install` into a prefix, the prefix moved elsewhere, and the moved
# tool used as a CI job would: check, fix (in place, then a patch series) and
# validate (compiled, against the shim installed beside it), the man page and
# the bash completion. Nothing may refer to the build or source tree.
#   install-relocated.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
BUILD=$1 SRC=$2
WORK=$(mktemp -d "${TMPDIR:-/tmp}/vmaprep-install.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
fail() { echo "install-relocated: FAIL: $*" >&2; exit 1; }

cmake --install "$BUILD" --prefix "$WORK/first" > "$WORK/install.log"
mv "$WORK/first" "$WORK/moved"
P=$WORK/moved
for f in bin/vmaprep lib/vmaprep/libVmaprepTidy.so share/vmaprep/kshim/include/linux/mm.h \
         share/man/man1/vmaprep.1 share/bash-completion/completions/vmaprep share/doc/vmaprep/ci.md; do
  [[ -e $P/$f ]] || fail "$f not installed"
done
# No path of the build or source tree in the installed files (debug
# information, which names where it was compiled, aside: the .deb strips it).
mkdir -p "$WORK/stripped"
for f in "$P/bin/vmaprep" "$P/lib/vmaprep/libVmaprepTidy.so"; do
  objcopy --strip-debug "$f" "$WORK/stripped/$(basename "$f")"
done
if grep -rlF -e "$SRC" -e "$(cd "$BUILD" && pwd)" "$P/share" "$WORK/stripped" > "$WORK/refs"; then
  fail "installed files name the source or build tree: $(cat "$WORK/refs")"
fi

# A tree: the example drivers with a compile database written for here.
mkdir -p "$WORK/tree/drivers"
cp "$SRC"/examples/drivers/*.c "$WORK/tree/drivers/"
# The installed kernel header tree serves the example drivers as it serves validate.
H=$P/share/vmaprep/kshim/include
python3 - "$WORK/tree" "$H" <<'PY'
import glob, json, os, sys
tree, headers = sys.argv[1], sys.argv[2]
db = [{"directory": tree, "file": os.path.relpath(f, tree),
       "command": "clang-19 -nostdinc -I%s -std=gnu11 -D__KERNEL__ -c %s" % (headers, os.path.relpath(f, tree))}
      for f in sorted(glob.glob(tree + "/drivers/*.c"))]
json.dump(db, open(tree + "/compile_commands.json", "w"), indent=1)
PY
cp -r "$WORK/tree" "$WORK/orig"

set +e
(cd "$WORK" && "$P/bin/vmaprep" check -p tree > check.txt 2>&1); rc=$?
set -e
(( rc == 1 )) || fail "check exited $rc (expected 1, findings): $(tail -3 "$WORK/check.txt")"
grep -q "uses the deprecated file_operations->mmap hook" "$WORK/check.txt" || fail "check found nothing"

# fix exits 1 here: validation refuses the rewrite of counted_map.c (a leak
# on a partial unmap), which is not written.
set +e
(cd "$WORK/tree" && "$P/bin/vmaprep" fix -p . --patches ../series --author 'CI <ci@example.org>' > /dev/null 2> ../series.log)
rc=$?
set -e
(( rc <= 1 )) || fail "fix --patches exited $rc: $(tail -3 "$WORK/series.log")"
[[ -f $WORK/series/0000-cover-letter.patch ]] || fail "no series written"
set +e
(cd "$WORK/tree" && "$P/bin/vmaprep" fix -p . > /dev/null 2> ../fix.log)
rc=$?
set -e
(( rc <= 1 )) || fail "fix exited $rc: $(tail -3 "$WORK/fix.log")"
grep -q "remark: converted .* (validated on the runtime model" "$WORK/fix.log" || fail "fix converted nothing: $(tail -3 "$WORK/fix.log")"
converted=$(grep -c "remark: converted" "$WORK/fix.log")

# validate (compiled against the installed shim): a driver converted by the
# installed fix against its original. (The example drivers read
# file->private_data, which validate's compiled mode does not provide.)
mkdir -p "$WORK/v"
cat > "$WORK/v/orig.c" <<'C'
#include <linux/fs.h>
#include <linux/mm.h>
static int win_mmap(struct file *file, struct vm_area_struct *vma)
{
	vm_flags_set(vma, VM_IO | VM_DONTEXPAND);
	return remap_pfn_range(vma, vma->vm_start, 0x1000 + vma->vm_pgoff, vma->vm_end - vma->vm_start,
			       vma->vm_page_prot);
}
static const struct file_operations win_fops = {
	.mmap = win_mmap,
};
C
cp "$WORK/v/orig.c" "$WORK/v/new.c"
"$P/bin/vmaprep" fix --root "$WORK/v" "$WORK/v/new.c" -- -nostdinc -I"$H" -std=gnu11 -D__KERNEL__ 2> "$WORK/v/fix.log" ||
  fail "fix of the validate fixture: $(tail -3 "$WORK/v/fix.log")"
grep -q mmap_prepare "$WORK/v/new.c" || fail "the validate fixture was not converted"
"$P/bin/vmaprep" validate "$WORK/v/orig.c" "$WORK/v/new.c" -- > "$WORK/validate.txt" 2>&1 ||
  fail "validate: $(tail -5 "$WORK/validate.txt")"
orig=$WORK/v/orig.c f=$WORK/v/new.c
VMAPREP_KSHIM_DIR=$WORK/nowhere "$P/bin/vmaprep" validate "$orig" "$f" -- > "$WORK/noshim.txt" 2>&1 &&
  fail "validate without its shim succeeded"
grep -q "the kernel API shim is not at $WORK/nowhere" "$WORK/noshim.txt" || fail "no clear error without the shim: $(cat "$WORK/noshim.txt")"

# The clang-tidy plugin loads from the moved prefix.
if command -v clang-tidy-19 > /dev/null; then
  clang-tidy-19 --load="$P/lib/vmaprep/libVmaprepTidy.so" --checks='-*,vmaprep-*' "$orig" \
    -- -nostdinc -I"$H" -std=gnu11 -D__KERNEL__ > "$WORK/tidy.txt" 2>&1 || true
  grep -q "vmaprep-legacy-mmap" "$WORK/tidy.txt" || fail "the installed plugin reports nothing: $(tail -3 "$WORK/tidy.txt")"
fi
# The man page renders and says what --help says; the completion offers fix's options.
if command -v man > /dev/null; then
  man -l "$P/share/man/man1/vmaprep.1" > "$WORK/man.txt" 2>/dev/null || fail "man -l failed on the installed page"
else
  echo "install-relocated: note: no man(1) here; the page's source is checked instead of its rendering" >&2
  cp "$P/share/man/man1/vmaprep.1" "$WORK/man.txt"
fi
grep -q -- "--export-fixes" "$WORK/man.txt" || fail "man page lacks fix's options"
words=$(bash -c "source '$P/share/bash-completion/completions/vmaprep'; COMP_WORDS=('$P/bin/vmaprep' fix --pa); COMP_CWORD=2; _vmaprep; echo \${COMPREPLY[*]}")
[[ $words == *--patches* ]] || fail "completion of 'fix --pa' gave '$words'"
echo "install-relocated: PASS: check, fix ($converted converted), fix --patches, validate from a moved prefix"
