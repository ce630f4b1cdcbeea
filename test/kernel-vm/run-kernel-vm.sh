#!/usr/bin/env bash
# Proof in a real kernel (issue 17): boot Debian's linux-source-7.3 (the package the kernel e2e tests use) before
# and after `vmaprep fix` in QEMU, run the same mmap cases on the converted handlers' devices, and compare what user
# space sees; then boot deliberately wrong rewrites and require that the comparison catches each.
#
#   test/kernel-vm/run-kernel-vm.sh VMAPREP_BINARY [--accel auto|kvm|tcg] [--mutants all|none|NAME,...] [--keep DIR]
#
# Cache (outside the repository): ${VMAPREP_CACHE_DIR:-$HOME/.cache/vmaprep}/kernel-vm/
#   orig/linux-source-7.3/      sources unpacked from the e2e's .deb; out/ in it is the kernel's out-of-tree build
#                               (make O=out, tinyconfig + vm.config)
#   pristine/                   the unpacked version of every source file a variant rewrote
# One tree serves every variant (the original, the fix, each mutant): a variant's files are rewritten in place and
# put back from pristine/ afterwards (also on failure), so make rebuilds only the changed objects and the link.
# A copy of the tree would not do: tools/objtool is built with absolute paths, so a copy rebuilds objtool and with
# it every object. The e2e tree itself (~/.cache/vmaprep/kernel/7.3/...) is never read for sources:
# run-fix-e2e.sh rewrites it in place while it runs.
#
# Three kernels from one tree:
#   upstream   the 7.3 sources as unpacked (mem.c's handlers are upstream's hand-made ->mmap_prepare);
#   original   the same with the 6.12 handlers of drivers/char/mem.c, drivers/char/hpet.c and mm/secretmem.c put
#              back (test/e2e/inputs-7.x/{mem,hpet,secretmem}-6.12-handler.patch, the fix e2e's put-backs: where
#              7.3 already converted a handler, the 6.12 handler is the original);
#   converted  the original after `vmaprep fix --api auto` on mon_bin.c, mem.c, hpet.c and secretmem.c.
# Handlers compared, original against converted (the transcripts must be equal):
#   mon_bin_mmap (drivers/usb/mon/mon_bin.c, /dev/usbmon0; legacy in 7.3)
#   mmap_zero, mmap_mem (drivers/char/mem.c, /dev/zero opened read-write and read-only, /dev/mem)
#   hpet_mmap (drivers/char/hpet.c, /dev/hpet: QEMU's HPET, one page of registers; the model proved its conversion on
#              error paths only, in the e2e configuration's #else stub)
#   secretmem_mmap (mm/secretmem.c, a memfd_secret(2) file)
# And upstream against the original: equal but for the read-only /dev/zero lines, where upstream's
# mmap_zero_prepare() tests VMA_MAYSHARE_BIT where 6.12 tested VM_SHARED (docs/rewrites.md; the model's put-back
# comparison diverges in the same scenario, `differs:file`): required to differ there, and only there.
# Mutants (each must make the converted kernel's transcript differ from the original's):
#   dropped-flag    mon_bin: VMA_DONTEXPAND_BIT dropped from the converted flags
#   dropped-count   mon_bin: the generated ->mapped no longer counts the mapping (mmap_active++)
#   wrong-pfn       /dev/mem: the converted mmap_mem's mmap_action_remap_full() given a pfn 256 pages off
#   mayshare        /dev/zero: the converted mmap_zero tests VMA_MAYSHARE_BIT instead of VMA_SHARED_BIT (what
#                   upstream's hand conversion does: a behaviour change a rewrite must not make)
#   hpet-addr       /dev/hpet: the converted hpet_mmap maps the page after the HPET's registers
#   no-dontdump     memfd_secret: the converted secretmem_mmap no longer sets VMA_DONTDUMP_BIT
#
# Environment: VMAPREP_CACHE_DIR, VMAPREP_JOBS (make -j, default 2), LLVM_SUFFIX (default -19),
#              VMAPREP_VM_TIMEOUT (seconds per boot, default 300 with KVM, 1200 with TCG).
# Progress goes to stderr with elapsed seconds; the transcripts' comparison and "RESULT: PASS" go to stdout.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
VMAPREP=${1:-}
shift || true
ACCEL=auto
MUTANTS=all
KEEP=
while (($#)); do
  case "$1" in
    --accel) ACCEL=$2; shift 2 ;;
    --mutants) MUTANTS=$2; shift 2 ;;
    --keep) KEEP=$2; shift 2 ;;
    *) echo "run-kernel-vm: unknown argument '$1'" >&2; exit 2 ;;
  esac
done
[[ -n $VMAPREP && -x $VMAPREP ]] || { echo "run-kernel-vm: vmaprep binary '${VMAPREP}' not found" >&2; exit 2; }
VMAPREP=$(cd "$(dirname "$VMAPREP")" && pwd)/$(basename "$VMAPREP")
CACHE=${VMAPREP_CACHE_DIR:-$HOME/.cache/vmaprep}
VMC=$CACHE/kernel-vm
JOBS=${VMAPREP_JOBS:-2}
LLVM_SUFFIX=${LLVM_SUFFIX:--19}
T0=$(date +%s)
log() { printf '[kernel-vm +%ss] %s\n' "$(( $(date +%s) - T0 ))" "$*" >&2; }
die() { printf '[kernel-vm] FAIL: %s\n' "$*" >&2; exit 1; }

need() { command -v "$1" >/dev/null 2>&1 || die "'$1' not found; install it (apt-get install $2)"; }
need qemu-system-x86_64 qemu-system-x86; need "clang$LLVM_SUFFIX" "clang$LLVM_SUFFIX"; need cpio cpio
need flock util-linux; need patch patch
# Debian's busybox-static installs a static /bin/busybox (ldd refuses a static executable).
BUSYBOX=/bin/busybox
[[ -x $BUSYBOX ]] && ! ldd "$BUSYBOX" >/dev/null 2>&1 || die "no static $BUSYBOX (apt-get install busybox-static)"

case "$ACCEL" in
  auto|kvm|tcg) ;;
  *) die "--accel must be auto, kvm or tcg" ;;
esac
ALL_MUTANTS=(dropped-flag dropped-count wrong-pfn mayshare hpet-addr no-dontdump)
case "$MUTANTS" in
  all) MUTANT_LIST=("${ALL_MUTANTS[@]}") ;;
  none) MUTANT_LIST=() ;;
  *) IFS=, read -r -a MUTANT_LIST <<< "$MUTANTS" ;;
esac
for m in "${MUTANT_LIST[@]}"; do
  [[ " ${ALL_MUTANTS[*]} " == *" $m "* ]] || die "unknown mutant '$m' (known: ${ALL_MUTANTS[*]})"
done

mkdir -p "$VMC"
exec 9>"$VMC/.lock"
flock -n 9 || { log "waiting for another run-kernel-vm.sh to finish"; flock 9; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/vmaprep-kernel-vm.XXXXXX")
touch "$VMC/.changed"
# The files the current variant rewrote go back to their unpacked text; a plain cp gives them a new mtime, so the
# next build recompiles their objects.
restore() {
  local rel
  while read -r rel; do
    [[ -n $rel && -f $VMC/pristine/$rel ]] && cp "$VMC/pristine/$rel" "$TREE/$rel"
  done < "$VMC/.changed"
  : > "$VMC/.changed"
}
# Declare that the variant rewrites $1 (relative to the tree).
rewrites() {
  if [[ ! -f $VMC/pristine/$1 ]]; then
    mkdir -p "$(dirname "$VMC/pristine/$1")"
    cp -p "$TREE/$1" "$VMC/pristine/$1"
  fi
  echo "$1" >> "$VMC/.changed"
}
trap 'restore; rm -rf "$WORK"' EXIT

# ---------------------------------------------------------------- the original sources, from the e2e's .deb
"$HERE/../e2e/prepare-kernel-tree.sh" 7.x --fetch-only > "$WORK/e2e-tree" 2> "$WORK/prepare.log" \
  || { cat "$WORK/prepare.log" >&2; die "prepare-kernel-tree.sh 7.x --fetch-only failed"; }
read -r PKG DEBVER _ < "$CACHE/kernel/resolved-7.x" || die "no $CACHE/kernel/resolved-7.x"
DEB=$(ls "$CACHE"/debs/"${PKG}"_*_all.deb 2>/dev/null | grep -F "_${DEBVER/:/%3a}_" | head -n 1 || true)
[[ -n $DEB ]] || DEB=$(ls -t "$CACHE"/debs/"${PKG}"_*_all.deb | head -n 1 || true)
[[ -f $DEB ]] || die "no .deb of $PKG in $CACHE/debs"
TREE=$VMC/orig/$PKG

if [[ ! -f $VMC/orig/.stamp-unpacked || "$(cat "$VMC/orig/.stamp-unpacked")" != "$(basename "$DEB")" ]]; then
  log "unpacking $(basename "$DEB") into $VMC/orig"
  rm -rf "$VMC/orig" "$VMC/pristine"
  : > "$VMC/.changed"
  mkdir -p "$VMC/orig"
  dpkg-deb --fsys-tarfile "$DEB" | tar -xO --wildcards "./usr/src/${PKG}.tar.*" | tar -xJ -C "$VMC/orig" \
    || die "could not unpack $DEB"
  basename "$DEB" > "$VMC/orig/.stamp-unpacked"
fi

# ---------------------------------------------------------------- configuration and build
MK=(nice -n 10 make O=out ARCH=x86_64 LLVM="$LLVM_SUFFIX" -j"$JOBS")
configure() { # $1: tree
  local tree=$1 key
  key=$(cat "$HERE/vm.config" | sha1sum | cut -c1-16)
  [[ -f $tree/out/.stamp-config && "$(cat "$tree/out/.stamp-config")" == "$key" ]] && return 0
  log "configuring $tree/out: tinyconfig + test/kernel-vm/vm.config, WERROR off"
  (cd "$tree" && "${MK[@]}" -s tinyconfig >/dev/null \
    && ./scripts/kconfig/merge_config.sh -m -O out out/.config "$HERE/vm.config" >/dev/null \
    && ./scripts/config --file out/.config -d WERROR \
    && "${MK[@]}" -s olddefconfig) >&2 || die "configuring $tree failed"
  local s
  for s in $(grep -o '^CONFIG_[A-Z0-9_]*' "$HERE/vm.config"); do
    grep -q "^$s=y" "$tree/out/.config" || die "Kconfig did not enable $s (unmet dependencies; fix vm.config)"
  done
  echo "$key" > "$tree/out/.stamp-config"
}
build() { # $1: tree, $2: log
  (cd "$1" && KBUILD_BUILD_TIMESTAMP=vmaprep KBUILD_BUILD_USER=vmaprep KBUILD_BUILD_HOST=kernel-vm \
      "${MK[@]}" bzImage) > "$2" 2>&1 \
    || { grep -E 'error:|Error|\*\*\*' "$2" | head -20 >&2; die "kernel build in $1 failed (log: $2)"; }
  grep -cE '^  (CC|AS|LD) ' "$2" || true
}

restore
configure "$TREE"
log "building the upstream kernel (incremental; cold: the whole tiny kernel)"
n=$(build "$TREE" "$WORK/build-upstream.log")
log "upstream kernel: $n objects compiled or linked"
cp "$TREE/out/arch/x86/boot/bzImage" "$WORK/upstream.bzImage"

# The original: 6.12's mem.c handlers put back (the put-back the fix e2e converts and compares on the model).
PUTBACKS=("$HERE/../e2e/inputs-7.x/mem-6.12-handler.patch" "$HERE/../e2e/inputs-7.x/hpet-6.12-handler.patch"
          "$HERE/../e2e/inputs-7.x/secretmem-6.12-handler.patch")
putback() {
  local p f
  for p in "${PUTBACKS[@]}"; do
    f=$(sed -n 's|^+++ b/||p' "$p" | head -n 1)
    rewrites "$f"
    patch -s -p1 --fuzz=0 --no-backup-if-mismatch -d "$TREE" < "$p" > "$WORK/putback.log" 2>&1 || { cat "$WORK/putback.log" >&2; die "$p does not apply"; }
  done
}
putback
log "building the original kernel (6.12's mem.c, hpet.c and secretmem.c handlers put back)"
n=$(build "$TREE" "$WORK/build-orig.log")
log "original kernel: $n objects compiled or linked"
cp "$TREE/out/arch/x86/boot/bzImage" "$WORK/orig.bzImage"

# ---------------------------------------------------------------- accelerator
# KVM only where it boots this kernel: /dev/kvm may exist where nested virtualization does not work (on the
# development machine QEMU's KVM guest never reaches the kernel, and -cpu host dies on an MSR it cannot set).
if [[ $ACCEL == auto ]]; then
  ACCEL=tcg
  if [[ -r /dev/kvm && -w /dev/kvm ]]; then
    { timeout 30 qemu-system-x86_64 -accel kvm -cpu host -m 256M -nodefaults -no-reboot -display none -monitor none \
      -serial "file:$WORK/kvm-probe.console" -kernel "$TREE/out/arch/x86/boot/bzImage" \
      -append "console=ttyS0 panic=-1 init=/kvm-probe" < /dev/null > "$WORK/kvm-probe.qemu" 2>&1 || true; } 2>/dev/null
    if grep -q 'Linux version' "$WORK/kvm-probe.console" 2>/dev/null; then
      ACCEL=kvm
    else
      log "/dev/kvm is there but a KVM guest did not boot in 30s ($(tail -n 1 "$WORK/kvm-probe.qemu")); using TCG"
    fi
  fi
fi
if [[ $ACCEL == kvm ]]; then BOOT_TIMEOUT=${VMAPREP_VM_TIMEOUT:-300}; else BOOT_TIMEOUT=${VMAPREP_VM_TIMEOUT:-1200}; fi

# ---------------------------------------------------------------- initramfs and boot
# gen_init_cpio is one host C file; built here, because the kernel's make target for it is not stable across 7.x
# (7.3.4's top Makefile knows usr_gen_init_cpio, not usr/gen_init_cpio).
GEN_CPIO=$WORK/gen_init_cpio
"clang$LLVM_SUFFIX" -O1 -o "$GEN_CPIO" "$TREE/usr/gen_init_cpio.c" || die "building usr/gen_init_cpio.c failed"
"clang$LLVM_SUFFIX" -static -O1 -Wall -Wextra -Werror -o "$WORK/mmap-cases" "$HERE/mmap-cases.c" \
  || die "building mmap-cases.c failed"
cat > "$WORK/init" <<'EOF'
#!/bin/busybox sh
/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t sysfs sysfs /sys
/bin/busybox mount -t devtmpfs devtmpfs /dev
echo "kernel-vm: begin"
/bin/mmap-cases usbmon0 /dev/usbmon0 --open rdwr --pages 75 --probe usbmon
/bin/mmap-cases zero /dev/zero --pages 8
/bin/mmap-cases zero-ro /dev/zero --open rdonly --pages 8
/bin/mmap-cases mem /dev/mem --base 0xf0 --pages 16
/bin/mmap-cases hpet /dev/hpet --open rdonly --pages 1 --hash-bytes 16
/bin/mmap-cases secretmem memfd_secret --pages 8
echo "kernel-vm: dmesg problems: $(/bin/busybox dmesg | /bin/busybox grep -cE 'BUG|WARNING|Oops|Call Trace')"
echo "kernel-vm: end"
/bin/busybox reboot -f
EOF
cat > "$WORK/initramfs.list" <<EOF
dir /dev 755 0 0
nod /dev/console 600 0 0 c 5 1
dir /proc 755 0 0
dir /sys 755 0 0
dir /bin 755 0 0
file /bin/busybox $BUSYBOX 755 0 0
file /bin/mmap-cases $WORK/mmap-cases 755 0 0
file /init $WORK/init 755 0 0
EOF
"$GEN_CPIO" "$WORK/initramfs.list" > "$WORK/initramfs.cpio" || die "gen_init_cpio failed"

boot() { # $1: bzImage, $2: name; the transcript's test lines go to $WORK/$2.txt
  local console=$WORK/$2.console
  local accel=(-accel tcg -cpu max)
  [[ $ACCEL == kvm ]] && accel=(-accel kvm -cpu host)
  local t rc=0
  t=$(date +%s)
  # no_timer_check: under TCG on a loaded host the emulated 8254 can miss the
  # IO-APIC timer check's window, and the guest panics ("IO-APIC + timer
  # doesn't work!") before the test runs; the check proves nothing here.
  timeout "$BOOT_TIMEOUT" qemu-system-x86_64 "${accel[@]}" -m 256M -smp 1 -nodefaults -no-reboot \
    -display none -monitor none -serial "file:$console" \
    -kernel "$1" -initrd "$WORK/initramfs.cpio" \
    -append "console=ttyS0 panic=-1 loglevel=4 no_timer_check" < /dev/null > "$WORK/$2.qemu" 2>&1 || rc=$?
  if (( rc != 0 )); then
    tail -30 "$console" >&2; cat "$WORK/$2.qemu" >&2
    (( rc == 124 )) && die "QEMU ($ACCEL) did not finish booting $2 in ${BOOT_TIMEOUT}s"
    die "QEMU ($ACCEL) exited with status $rc booting $2"
  fi
  tr -d '\r' < "$console" > "$console.txt"
  [[ -n $KEEP ]] && mkdir -p "$KEEP" && cp "$console.txt" "$KEEP/$2.console.txt"
  grep -q '^kernel-vm: end' "$console.txt" || { tail -30 "$console.txt" >&2; die "$2: the test did not run to its end"; }
  # The test's lines only (kernel messages may share the console).
  sed -n '/^kernel-vm: begin/,/^kernel-vm: end/p' "$console.txt" | grep -E '^((usbmon0|zero|zero-ro|mem|hpet|secretmem) |kernel-vm:)' > "$WORK/$2.txt"
  grep -q '^kernel-vm: dmesg problems: 0$' "$WORK/$2.txt" || { grep -B2 -A20 -E 'BUG|WARNING|Oops' "$console.txt" | head -40 >&2; die "$2: the kernel logged a problem"; }
  log "booted $2 with $ACCEL in $(( $(date +%s) - t ))s: $(wc -l < "$WORK/$2.txt") lines"
}

boot "$WORK/upstream.bzImage" upstream
boot "$WORK/orig.bzImage" orig
# The handler under test must have been exercised on its success path, or the comparison proves little.
grep -q '^usbmon0 shared-r: mmap = ok' "$WORK/orig.txt" || { cat "$WORK/orig.txt" >&2; die "original: mmap of /dev/usbmon0 did not succeed"; }
grep -q '^usbmon0 shared-r: probe mapped: ring [0-9]*, resize EBUSY' "$WORK/orig.txt" \
  || die "original: usbmon does not count the mapping (the probe is not observing it)"

grep -q '^mem shared-r: mmap = ok' "$WORK/orig.txt" || die "original: mmap of /dev/mem did not succeed"
grep -q '^zero-ro shared-r: mmap = ok' "$WORK/orig.txt" || die "original: a read-only shared mmap of /dev/zero did not succeed"
grep -q '^hpet shared-r: mmap = ok' "$WORK/orig.txt" || die "original: mmap of /dev/hpet did not succeed"
grep -q '^secretmem shared-r: mmap = ok' "$WORK/orig.txt" || die "original: mmap of a memfd_secret file did not succeed"

# Upstream's own conversions of mem.c, hpet.c and secretmem.c against the put-back originals: the behaviour change upstream made in
# mmap_zero (a read-only file's shared mapping is shmem-backed now) shows in the zero-ro lines, and nothing else may.
echo "== upstream 7.3 vs original (6.12's mem.c, hpet.c and secretmem.c handlers) ($ACCEL) =="
diff -u "$WORK/orig.txt" "$WORK/upstream.txt" > "$WORK/upstream.diff" && die "upstream's mmap_zero_prepare was expected to differ from 6.12's mmap_zero for a read-only /dev/zero"
grep -E '^[-+][a-z]' "$WORK/upstream.diff" | grep -v '^[-+][-+]' > "$WORK/upstream.changed" || true
if grep -v '^[-+]zero-ro ' "$WORK/upstream.changed" > "$WORK/upstream.other"; then
  cat "$WORK/upstream.diff"; die "upstream differs from the 6.12 handlers beyond the read-only /dev/zero case"
fi
grep -q '^+zero-ro .* /dev/zero (deleted) ' "$WORK/upstream.changed" \
  || { cat "$WORK/upstream.diff"; die "upstream differs, but not by a shmem-backed read-only /dev/zero mapping"; }
echo "differs as declared: $(grep -c '^+' "$WORK/upstream.changed") zero-ro lines (upstream backs a read-only file's shared mapping with shmem)"
head -4 "$WORK/upstream.changed"

# ---------------------------------------------------------------- the converted kernel
TARGETS=(drivers/usb/mon/mon_bin.c drivers/char/mem.c drivers/char/hpet.c mm/secretmem.c)
(cd "$TREE/out" && python3 ../scripts/clang-tools/gen_compile_commands.py -d . -o "$WORK/compile_commands.all.json") >&2 \
  || die "gen_compile_commands.py failed"
python3 - "$WORK/compile_commands.all.json" "$WORK/db/compile_commands.json" "$TREE" "${TARGETS[@]}" <<'EOF' || die "no compile command for a target"
import json, os, sys
src, dst, tree, targets = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
want = {os.path.normpath(os.path.join(tree, t)) for t in targets}
db = [e for e in json.load(open(src)) if os.path.normpath(os.path.join(e["directory"], e["file"])) in want]
missing = want - {os.path.normpath(os.path.join(e["directory"], e["file"])) for e in db}
if missing:
    sys.exit("no compile command for " + " ".join(sorted(missing)))
os.makedirs(os.path.dirname(dst), exist_ok=True)
json.dump(db, open(dst, "w"), indent=2)
EOF
log "$VMAPREP fix --api auto on ${TARGETS[*]}"
for t in "${TARGETS[@]}"; do rewrites "$t"; done
set +e
"$VMAPREP" fix -p "$WORK/db" --api auto > "$WORK/fix.txt" 2>&1
rc=$?
set -e
(( rc < 2 )) || { cat "$WORK/fix.txt" >&2; die "vmaprep fix exited $rc"; }
for h in mon_bin.c:mon_bin_mmap mem.c:mmap_zero mem.c:mmap_mem hpet.c:hpet_mmap secretmem.c:secretmem_mmap; do
  grep -q "${h%%:*}:.*remark: converted '${h#*:}'" "$WORK/fix.txt" \
    || { cat "$WORK/fix.txt" >&2; die "vmaprep fix did not convert ${h#*:}"; }
done
for t in "${TARGETS[@]}"; do cp "$TREE/$t" "$WORK/fixed.$(basename "$t")"; done

log "building the converted kernel (the changed objects and the link)"
n=$(build "$TREE" "$WORK/build-conv.log")
log "converted kernel: $n objects compiled or linked"
boot "$TREE/out/arch/x86/boot/bzImage" conv

echo "== original vs converted ($ACCEL) =="
if ! diff -u "$WORK/orig.txt" "$WORK/conv.txt" > "$WORK/conv.diff"; then
  cat "$WORK/conv.diff"
  die "the converted kernel's transcript differs from the original's"
fi
echo "equal: $(wc -l < "$WORK/orig.txt") lines; $(grep -c ': mmap = ok' "$WORK/orig.txt") mappings made, $(grep -c ': mmap = E' "$WORK/orig.txt") refused"
grep -E '^usbmon0 (open|shared-r|shared-rw|private-r|shared-r-past-end):' "$WORK/orig.txt" \
  | grep -E 'mmap =|maps \[\+0|probe mapped|mprotect|mremap\(\+1|last page' | head -20 || true

# ---------------------------------------------------------------- mutants: deliberately wrong rewrites
caught=0
for m in "${MUTANT_LIST[@]}"; do
  restore
  putback
  case "$m" in
    dropped-flag)  file=drivers/usb/mon/mon_bin.c
                   expr='s/vma_desc_set_flags(desc, VMA_DONTEXPAND_BIT, /vma_desc_set_flags(desc, /' ;;
    dropped-count) file=drivers/usb/mon/mon_bin.c; expr='/_mmap_mapped(/,/^}/{/++;/d}' ;;
    wrong-pfn)     file=drivers/char/mem.c
                   expr='s/mmap_action_remap_full(desc, desc->pgoff)/mmap_action_remap_full(desc, 0x100 ^ desc->pgoff)/' ;;
    mayshare)      file=drivers/char/mem.c
                   expr='s/vma_desc_test(desc, VMA_SHARED_BIT)/vma_desc_test(desc, VMA_MAYSHARE_BIT)/' ;;
    hpet-addr)     file=drivers/char/hpet.c
                   expr='s/mmap_action_simple_ioremap(desc, addr, PAGE_SIZE)/mmap_action_simple_ioremap(desc, addr + PAGE_SIZE, PAGE_SIZE)/' ;;
    no-dontdump)   file=mm/secretmem.c; expr='s/vma_desc_set_flags(desc, VMA_DONTDUMP_BIT);//' ;;
    *) die "unknown mutant '$m' (known: ${ALL_MUTANTS[*]})" ;;
  esac
  for t in "${TARGETS[@]}"; do rewrites "$t"; cp "$WORK/fixed.$(basename "$t")" "$TREE/$t"; done
  rewrites "$file"
  sed "$expr" "$TREE/$file" > "$WORK/mutant.c"
  cmp -s "$WORK/mutant.c" "$TREE/$file" && die "mutant $m: '$expr' changes nothing in $file"
  cp "$WORK/mutant.c" "$TREE/$file"
  log "mutant $m: building"
  n=$(build "$TREE" "$WORK/build-$m.log")
  log "mutant $m: $n objects compiled or linked"
  boot "$TREE/out/arch/x86/boot/bzImage" "$m"
  echo "== original vs mutant $m ($file: $expr) =="
  if diff -u "$WORK/orig.txt" "$WORK/$m.txt" > "$WORK/$m.diff"; then
    die "mutant $m was not caught: its transcript equals the original's"
  fi
  # head closes the pipe early; under pipefail that SIGPIPE must not end the run.
  grep -E '^[-+][a-z]' "$WORK/$m.diff" | grep -v '^[-+][-+]' | head -6 || true
  caught=$((caught + 1))
done

if [[ -n $KEEP ]]; then
  mkdir -p "$KEEP"
  cp "$WORK"/*.txt "$WORK"/*.diff "$KEEP"/ 2>/dev/null || true
fi
echo "kernel-vm: converted mon_bin_mmap, mmap_zero, mmap_mem, hpet_mmap and secretmem_mmap equal to the originals in a real 7.3 kernel ($ACCEL); $caught of ${#MUTANT_LIST[@]} mutants caught; $(( $(date +%s) - T0 ))s"
echo "RESULT: PASS"
