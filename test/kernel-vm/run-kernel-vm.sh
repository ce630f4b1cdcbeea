#!/usr/bin/env bash
# Proof in a real kernel (issue 17): boot Debian's linux-source-7.3 (the package the kernel e2e tests use) before
# and after `vmaprep fix` in QEMU, run the same mmap cases on the converted handlers' devices, and compare what user
# space sees; then boot deliberately wrong rewrites and require that the comparison catches each.
#
#   test/kernel-vm/run-kernel-vm.sh VMAPREP_BINARY [--accel auto|kvm|tcg] [--mutants all|none|NAME,...] [--keep DIR]
#                                   [--report FILE]
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
#   upstream   the 7.3 sources as unpacked (where 7.3 converted a handler by hand, upstream's ->mmap_prepare);
#   original   the same with the 6.12 handlers put back (test/e2e/inputs-7.x/NAME-6.12-handler.patch, the fix e2e's
#              put-backs: where 7.3 already converted a handler, the 6.12 handler is the original);
#   converted  the original after `vmaprep fix --api auto` on the handlers' files.
# test/kernel-vm/handlers.tsv lists every handler fix converts on the e2e tree, and the wider run's that run here:
# those with mmap-cases tags are put back (where 7.3 converted them), converted and compared here (mon_bin,
# /dev/zero, /dev/mem, hpet, secretmem, exfat, udf, gfs2, zonefs, blkdev, ecryptfs, aio), the others say what exercising them would
# take. The original's and the converted kernel's transcripts must
# be equal. Upstream against the original: equal but where upstream changed behaviour in the same window and
# putbacks.txt says so: mmap_zero_prepare() tests VMA_MAYSHARE_BIT where 6.12 tested VM_SHARED (the read-only
# /dev/zero lines; the model diverges in the same place, `differs:file`) and the aio ring is VM_DONTCOPY now
# (`differs:flags`): required to differ there, and only there.
# Failure injection (the fi-TAG lines): each handler's mmap (io_setup for aio) is swept with
# /proc/thread-self/fail-nth over every allocation it makes; in the converted kernel nothing may be left mapped after
# a failed call, usbmon's mapping count must balance, and the kernel log must stay clean (the stm/vme_user class:
# state taken in the prepare hook that nothing releases when a later step fails).
# Mutants (each must make the converted kernel's transcript differ from the original's, or fail failure injection):
#   dropped-flag    mon_bin: VMA_DONTEXPAND_BIT dropped from the converted flags
#   dropped-count   mon_bin: the generated ->mapped no longer counts the mapping (mmap_active++)
#   wrong-pfn       /dev/mem: the converted mmap_mem's mmap_action_remap_full() given a pfn 256 pages off
#   mayshare        /dev/zero: the converted mmap_zero tests VMA_MAYSHARE_BIT instead of VMA_SHARED_BIT (what
#                   upstream's hand conversion does: a behaviour change a rewrite must not make)
#   hpet-addr       /dev/hpet: the converted hpet_mmap maps the page after the HPET's registers
#   no-dontdump     memfd_secret: the converted secretmem_mmap no longer sets VMA_DONTDUMP_BIT
#   count-in-prepare mon_bin: the count taken in mmap_prepare instead of ->mapped (equal transcripts; failure
#                   injection after the hook leaves it taken)
#   exfat-no-vmops  exfat: the converted exfat_file_mmap no longer sets desc->vm_ops
# The report (--report FILE, and stdout): one Markdown row per handler of handlers.tsv.
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
REPORT=
while (($#)); do
  case "$1" in
    --accel) ACCEL=$2; shift 2 ;;
    --mutants) MUTANTS=$2; shift 2 ;;
    --keep) KEEP=$2; shift 2 ;;
    --report) REPORT=$2; shift 2 ;;
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
need flock util-linux; need patch patch; need mkfs.exfat exfatprogs; need mkudffs udftools; need mkfs.gfs2 gfs2-utils; need gzip gzip
# Debian's busybox-static installs a static /bin/busybox (ldd refuses a static executable).
BUSYBOX=/bin/busybox
[[ -x $BUSYBOX ]] && ! ldd "$BUSYBOX" >/dev/null 2>&1 || die "no static $BUSYBOX (apt-get install busybox-static)"

case "$ACCEL" in
  auto|kvm|tcg) ;;
  *) die "--accel must be auto, kvm or tcg" ;;
esac
ALL_MUTANTS=(dropped-flag dropped-count wrong-pfn mayshare hpet-addr no-dontdump count-in-prepare exfat-no-vmops)
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
# test/kernel-vm/handlers.tsv: the handlers with mmap-cases tags are exercised here.
HANDLERS=$HERE/handlers.tsv
exercised() { awk -F'\t' '!/^#/ && NF >= 5 && $4 != "-"' "$HANDLERS"; }
mapfile -t PUTBACK_NAMES < <(exercised | awk -F'\t' '$3 != "-" && !seen[$3]++ { print $3 }')
PUTBACKS=()
for n in "${PUTBACK_NAMES[@]}"; do PUTBACKS+=("$HERE/../e2e/inputs-7.x/$n-6.12-handler.patch"); done
putback() {
  local p f
  for p in "${PUTBACKS[@]}"; do
    f=$(sed -n 's|^+++ b/||p' "$p" | head -n 1)
    rewrites "$f"
    patch -s -p1 --fuzz=0 --no-backup-if-mismatch -d "$TREE" < "$p" > "$WORK/putback.log" 2>&1 || { cat "$WORK/putback.log" >&2; die "$p does not apply"; }
  done
}
putback
log "building the original kernel (6.12's handlers put back: ${PUTBACK_NAMES[*]})"
n=$(build "$TREE" "$WORK/build-orig.log")
log "original kernel: $n objects compiled or linked"
cp "$TREE/out/arch/x86/boot/bzImage" "$WORK/orig.bzImage"

mapfile -t TARGETS < <(exercised | awk -F'\t' '!seen[$2]++ { print $2 }')
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
# The analysis of the original (vmaprep check over its sources, the tree as the original kernel was built from):
# what the generated cases are made from (gen-cases.py), and what the cases that ran are held to after the boots
# (case-coverage.py).
set +e
"$VMAPREP" check -p "$WORK/db" --api auto --format json > "$WORK/check.json" 2> "$WORK/check.err"
rc=$?
set -e
(( rc < 2 )) || { cat "$WORK/check.err" >&2; die "vmaprep check exited $rc"; }
# The cases each tag runs after mmap-cases' own table: both sides of every comparison of the mapping's extent with a
# constant in the handler's code (test/kernel-vm/gen-cases.py; in the initramfs as /cases/TAG).
python3 "$HERE/gen-cases.py" "$WORK/check.json" "$HANDLERS" "$WORK/cases" >&2 || die "gen-cases.py failed"

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
# An exFAT image for exfat_file_mmap (exfatprogs on the host; the guest mounts it through a loop device).
truncate -s 8M "$WORK/exfat.img" && mkfs.exfat "$WORK/exfat.img" > "$WORK/mkfs.log" 2>&1 \
  || { cat "$WORK/mkfs.log" >&2; die "mkfs.exfat failed"; }
# A UDF image for udf_file_mmap (udftools; 512-byte blocks, the loop device's).
truncate -s 8M "$WORK/udf.img" && mkudffs --media-type=hd --blocksize=512 "$WORK/udf.img" > "$WORK/mkfs.log" 2>&1 \
  || { cat "$WORK/mkfs.log" >&2; die "mkudffs failed"; }
# A GFS2 image for gfs2_mmap (gfs2-utils): single node (lock_nolock), one 8 MiB journal, 32 MiB in all.
truncate -s 32M "$WORK/gfs2.img" && mkfs.gfs2 -O -p lock_nolock -j 1 -J 8 "$WORK/gfs2.img" > "$WORK/mkfs.log" 2>&1 \
  || { cat "$WORK/mkfs.log" >&2; die "mkfs.gfs2 failed"; }
# The tags of the cases' lines (mmap-cases' first argument); fi-TAG lines come from the failure-injection sweeps.
TAGS='usbmon0|zero|zero-ro|mem|hpet|secretmem|exfat|udf|gfs2|zonefs-cnv|zonefs-seq|zonefs-seq-ro|blkdev|blkdev-ro|ecryptfs|aio'
cat > "$WORK/init" <<'EOF'
#!/bin/busybox sh
B=/bin/busybox
$B mount -t proc proc /proc
$B mount -t sysfs sysfs /sys
$B mount -t devtmpfs devtmpfs /dev
$B mount -t debugfs debugfs /sys/kernel/debug
echo "kernel-vm: begin"
/bin/mmap-cases usbmon0 /dev/usbmon0 --open rdwr --pages 75 --probe usbmon --cases /cases/usbmon0
/bin/mmap-cases zero /dev/zero --pages 8 --cases /cases/zero
/bin/mmap-cases zero-ro /dev/zero --open rdonly --pages 8 --cases /cases/zero-ro
/bin/mmap-cases mem /dev/mem --base 0xf0 --pages 16 --cases /cases/mem
/bin/mmap-cases hpet /dev/hpet --open rdonly --pages 1 --hash-bytes 16 --cases /cases/hpet
/bin/mmap-cases secretmem memfd_secret --pages 8 --cases /cases/secretmem
# A file of 16 pages on exFAT (the content: busybox's first 64 KiB, the same in every boot).
$B mkdir -p /mnt/exfat
$B losetup /dev/loop0 /exfat.img && $B mount -t exfat /dev/loop0 /mnt/exfat || echo "kernel-vm: mounting exfat failed"
$B dd if=/bin/busybox of=/mnt/exfat/data bs=4096 count=16 2>/dev/null
/bin/mmap-cases exfat /mnt/exfat/data --pages 16 --cases /cases/exfat
# The same on UDF through /dev/loop3 (udf_file_mmap is still ->mmap in 7.3).
$B mkdir -p /mnt/udf
$B losetup /dev/loop3 /udf.img && $B mount -t udf /dev/loop3 /mnt/udf || echo "kernel-vm: mounting udf failed"
$B dd if=/bin/busybox of=/mnt/udf/data bs=4096 count=16 2>/dev/null
/bin/mmap-cases udf /mnt/udf/data --pages 16 --cases /cases/udf
# And on GFS2 through /dev/loop4 (gfs2_mmap, still ->mmap in 7.3, takes and drops the inode's glock).
$B mkdir -p /mnt/gfs2
$B losetup /dev/loop4 /gfs2.img && $B mount -t gfs2 /dev/loop4 /mnt/gfs2 || echo "kernel-vm: mounting gfs2 failed"
$B dd if=/bin/busybox of=/mnt/gfs2/data bs=4096 count=16 2>/dev/null
/bin/mmap-cases gfs2 /mnt/gfs2/data --pages 16 --cases /cases/gfs2
# zonefs on /dev/nullb0 (null_blk, zoned by the boot parameters): cnv/0 is a conventional zone's file (4 MiB, shared
# writable mappings allowed; dd must not truncate it), seq/0 a sequential zone's, empty: opened read-write, every shared
# mapping may become writable and zonefs refuses it; opened read-only, it maps (and every read is past the end).
/bin/mmap-cases mkzonefs /dev/nullb0
$B mkdir -p /mnt/zonefs
$B mount -t zonefs /dev/nullb0 /mnt/zonefs || echo "kernel-vm: mounting zonefs failed"
$B dd if=/bin/busybox of=/mnt/zonefs/cnv/0 bs=4096 count=16 conv=notrunc 2>/dev/null
/bin/mmap-cases zonefs-cnv /mnt/zonefs/cnv/0 --pages 16 --cases /cases/zonefs-cnv
/bin/mmap-cases zonefs-seq /mnt/zonefs/seq/0 --pages 16 --cases /cases/zonefs-seq
/bin/mmap-cases zonefs-seq-ro /mnt/zonefs/seq/0 --open rdonly --pages 16 --cases /cases/zonefs-seq-ro
# Block devices: a read-write loop device and a read-only one (blkdev_mmap's bdev_read_only() branch).
$B dd if=/bin/busybox of=/blk.img bs=4096 count=16 2>/dev/null
$B losetup /dev/loop1 /blk.img
$B losetup -r /dev/loop2 /blk.img
/bin/mmap-cases blkdev /dev/loop1 --pages 16 --cases /cases/blkdev
/bin/mmap-cases blkdev-ro /dev/loop2 --open rdonly --pages 16 --cases /cases/blkdev-ro
# eCryptfs over a tmpfs directory (ecryptfs_mmap, still ->mmap in 7.3), with the passphrase token mmap-cases adds
# as a user key; the file's 16 pages are written through it, so the lower file holds them encrypted.
$B mkdir -p /ecl /mnt/ecryptfs
$B mount -t tmpfs tmpfs /ecl
/bin/mmap-cases eckey 0123456789abcdef
$B mount -t ecryptfs -o ecryptfs_sig=0123456789abcdef,ecryptfs_cipher=aes,ecryptfs_key_bytes=16 /ecl /mnt/ecryptfs \
  || echo "kernel-vm: mounting ecryptfs failed"
$B dd if=/bin/busybox of=/mnt/ecryptfs/data bs=4096 count=16 2>/dev/null
/bin/mmap-cases ecryptfs /mnt/ecryptfs/data --pages 16 --cases /cases/ecryptfs
/bin/mmap-cases aio io_setup
# Failure injection: fail-nth covers sleeping allocations of every order, silently (a stack dump per injected
# failure would read as a problem below).
for a in failslab fail_page_alloc; do
  echo N > /sys/kernel/debug/$a/ignore-gfp-wait
  echo 0 > /sys/kernel/debug/$a/verbose
done
echo 0 > /sys/kernel/debug/fail_page_alloc/min-order
/bin/mmap-cases fi-usbmon0 /dev/usbmon0 --open rdwr --pages 75 --probe usbmon --fail-nth shared-r
/bin/mmap-cases fi-zero /dev/zero --pages 8 --fail-nth shared-rw
/bin/mmap-cases fi-mem /dev/mem --base 0xf0 --pages 16 --fail-nth shared-r
/bin/mmap-cases fi-hpet /dev/hpet --open rdonly --pages 1 --hash-bytes 16 --fail-nth shared-r
/bin/mmap-cases fi-secretmem memfd_secret --pages 8 --fail-nth shared-rw
/bin/mmap-cases fi-exfat /mnt/exfat/data --pages 16 --fail-nth shared-rw
/bin/mmap-cases fi-udf /mnt/udf/data --pages 16 --fail-nth shared-rw
/bin/mmap-cases fi-gfs2 /mnt/gfs2/data --pages 16 --fail-nth shared-rw
/bin/mmap-cases fi-zonefs-cnv /mnt/zonefs/cnv/0 --pages 16 --fail-nth shared-rw
/bin/mmap-cases fi-blkdev /dev/loop1 --pages 16 --fail-nth shared-rw
/bin/mmap-cases fi-ecryptfs /mnt/ecryptfs/data --pages 16 --fail-nth shared-rw
/bin/mmap-cases fi-aio io_setup --fail-nth io_setup
echo "kernel-vm: dmesg problems: $($B dmesg | $B grep -cE 'BUG|WARNING|Oops|Call Trace')"
echo "kernel-vm: end"
$B reboot -f
EOF
cat > "$WORK/initramfs.list" <<EOF
dir /dev 755 0 0
nod /dev/console 600 0 0 c 5 1
dir /proc 755 0 0
dir /sys 755 0 0
dir /mnt 755 0 0
dir /bin 755 0 0
file /bin/busybox $BUSYBOX 755 0 0
file /bin/mmap-cases $WORK/mmap-cases 755 0 0
file /exfat.img $WORK/exfat.img 644 0 0
file /udf.img $WORK/udf.img 644 0 0
file /gfs2.img $WORK/gfs2.img 644 0 0
file /init $WORK/init 755 0 0
EOF
echo "dir /cases 755 0 0" >> "$WORK/initramfs.list"
for f in "$WORK"/cases/*; do echo "file /cases/${f##*/} $f 644 0 0" >> "$WORK/initramfs.list"; done
# Compressed: the filesystem images are mostly zeros (RD_GZIP is on in tinyconfig).
"$GEN_CPIO" "$WORK/initramfs.list" | gzip -n -1 > "$WORK/initramfs.cpio" || die "gen_init_cpio failed"

# null_blk (built in) as zonefs's device: 1 GiB of 4 MiB zones, the first two conventional, memory-backed so that the
# super block written at boot stays.
NULL_BLK="null_blk.zoned=1 null_blk.gb=1 null_blk.zone_size=4 null_blk.zone_nr_conv=2 null_blk.memory_backed=1"
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
    -append "console=ttyS0 panic=-1 loglevel=4 no_timer_check $NULL_BLK" < /dev/null > "$WORK/$2.qemu" 2>&1 || rc=$?
  if (( rc != 0 )); then
    tail -30 "$console" >&2; cat "$WORK/$2.qemu" >&2
    (( rc == 124 )) && die "QEMU ($ACCEL) did not finish booting $2 in ${BOOT_TIMEOUT}s"
    die "QEMU ($ACCEL) exited with status $rc booting $2"
  fi
  tr -d '\r' < "$console" > "$console.txt"
  [[ -n $KEEP ]] && mkdir -p "$KEEP" && cp "$console.txt" "$KEEP/$2.console.txt"
  grep -q '^kernel-vm: end' "$console.txt" || { tail -30 "$console.txt" >&2; die "$2: the test did not run to its end"; }
  # The test's lines only (kernel messages may share the console).
  sed -n '/^kernel-vm: begin/,/^kernel-vm: end/p' "$console.txt" | grep -E "^(((fi-)?($TAGS)) |kernel-vm:)" > "$WORK/$2.all"
  # The failure-injection lines are checked for what must hold (fi_check), not compared: where an allocation fails
  # depends on the order in which the core and the handler allocate, which a conversion may change.
  grep -v '^fi-' "$WORK/$2.all" > "$WORK/$2.txt" || true
  grep '^fi-' "$WORK/$2.all" > "$WORK/$2.fi" || true
  grep -q '^kernel-vm: dmesg problems: 0$' "$WORK/$2.txt" || { grep -B2 -A20 -E 'BUG|WARNING|Oops' "$console.txt" | head -40 >&2; die "$2: the kernel logged a problem"; }
  log "booted $2 with $ACCEL in $(( $(date +%s) - t ))s: $(wc -l < "$WORK/$2.txt") lines"
}

boot "$WORK/upstream.bzImage" upstream
boot "$WORK/orig.bzImage" orig
# The handler under test must have been exercised on its success path, or the comparison proves little.
grep -q '^usbmon0 shared-r: mmap = ok' "$WORK/orig.txt" || { cat "$WORK/orig.txt" >&2; die "original: mmap of /dev/usbmon0 did not succeed"; }
grep -q '^usbmon0 shared-r: probe mapped: ring [0-9]*, resize EBUSY' "$WORK/orig.txt" \
  || die "original: usbmon does not count the mapping (the probe is not observing it)"

# Each handler reached its success path in the original (zonefs's seq/0: its own refusal), or the comparison proves
# little: one line of the transcript per handler, and what it means when it is missing.
while IFS='|' read -r line what; do
  grep -q "^$line" "$WORK/orig.txt" || die "original: $what"
done <<'EOF'
mem shared-r: mmap = ok|mmap of /dev/mem did not succeed
zero-ro shared-r: mmap = ok|a read-only shared mmap of /dev/zero did not succeed
hpet shared-r: mmap = ok|mmap of /dev/hpet did not succeed
secretmem shared-r: mmap = ok|mmap of a memfd_secret file did not succeed
exfat shared-rw: mmap = ok|a shared read-write mmap of a file on exFAT did not succeed
udf shared-rw: mmap = ok|a shared read-write mmap of a file on UDF did not succeed
gfs2 shared-rw: mmap = ok|a shared read-write mmap of a file on GFS2 did not succeed
zonefs-cnv shared-rw: mmap = ok|a shared read-write mmap of zonefs's cnv/0 did not succeed
zonefs-seq shared-rw: mmap = EINVAL|zonefs did not refuse a shared read-write mmap of seq/0
zonefs-seq-ro shared-r: mmap = ok|a read-only shared mmap of zonefs's seq/0 did not succeed
blkdev shared-rw: mmap = ok|a shared read-write mmap of /dev/loop1 did not succeed
blkdev-ro shared-r: mmap = ok|mmap of the read-only /dev/loop2 did not succeed
ecryptfs shared-rw: mmap = ok|a shared read-write mmap of a file on eCryptfs did not succeed
aio ring: io_setup(128) = ok|io_setup(2) did not succeed
EOF

# What must hold under failure injection (the fi-TAG lines of $1): every sweep ran to its end and at least one
# injected failure failed the call; a failed call left nothing mapped in its range (no [aio] ring after a failed
# io_setup) and the driver's count where it has one balanced (usbmon's resize answers EBUSY while a mapping is
# counted). Prints what does not hold.
FI_TAGS=(usbmon0 zero mem hpet secretmem exfat udf gfs2 zonefs-cnv blkdev ecryptfs aio)
fi_check() {
  local f=$WORK/$1.fi t
  for t in "${FI_TAGS[@]}"; do
    grep -q "^fi-$t fail-nth: done: " "$f" || { echo "fi-$t: the sweep did not run to its end"; continue; }
    grep -qE "^fi-$t fail-nth: nth [0-9]+: [a-z_]+ = E[A-Z]+, injected" "$f" || echo "fi-$t: no injected failure failed the call"
  done
  grep -E '^fi-[a-z0-9-]+ fail-nth: nth [0-9]+: [a-z_]+ = E[A-Z0-9]+, .*(left in range [1-9]|\[aio\] mappings [1-9])' "$f" \
    | sed 's/^/left mapped after a failed call: /' || true
  grep -E '^fi-usbmon0 fail-nth: probe (after failed call|unmapped): .*resize EBUSY' "$f" | sort | uniq -c \
    | sed 's/^/count not balanced: /' || true
  return 0
}
for k in upstream orig; do
  fi_check "$k" > "$WORK/$k.fi-problems"
  echo "failure injection, $k: $(grep -c ': done: ' "$WORK/$k.fi") sweeps, $(grep -c ', injected' "$WORK/$k.fi") injected failures$( [[ -s $WORK/$k.fi-problems ]] && printf ', problems:\n%s' "$(cat "$WORK/$k.fi-problems")")"
done

# Upstream's own conversions against the put-back originals: the behaviour changes upstream made in the same window
# show, and nothing else may: mmap_zero (a read-only file's shared mapping is shmem-backed now: the zero-ro lines)
# and aio_ring_mmap (the ring is VM_DONTCOPY now: the aio lines; putbacks.txt's differs:flags).
echo "== upstream 7.3 vs original (6.12's handlers: ${PUTBACK_NAMES[*]}) ($ACCEL) =="
diff -u "$WORK/orig.txt" "$WORK/upstream.txt" > "$WORK/upstream.diff" && die "upstream's mmap_zero_prepare was expected to differ from 6.12's mmap_zero for a read-only /dev/zero"
grep -E '^[-+][a-z]' "$WORK/upstream.diff" | grep -v '^[-+][-+]' > "$WORK/upstream.changed" || true
if grep -vE '^[-+](zero-ro|aio) ' "$WORK/upstream.changed" > "$WORK/upstream.other"; then
  cat "$WORK/upstream.diff"; die "upstream differs from the 6.12 handlers beyond the read-only /dev/zero and aio ring cases"
fi
grep -q '^+aio ring: maps .* flags .* dc ' "$WORK/upstream.changed" \
  || { cat "$WORK/upstream.diff"; die "upstream differs, but not by a VM_DONTCOPY aio ring"; }
grep -q '^+zero-ro .* /dev/zero (deleted) ' "$WORK/upstream.changed" \
  || { cat "$WORK/upstream.diff"; die "upstream differs, but not by a shmem-backed read-only /dev/zero mapping"; }
echo "differs as declared: $(grep -c '^+zero-ro' "$WORK/upstream.changed") zero-ro lines (upstream backs a read-only file's shared mapping with shmem), $(grep -c '^+aio' "$WORK/upstream.changed") aio lines (upstream's ring is VM_DONTCOPY)"
grep '^[-+]zero-ro' "$WORK/upstream.changed" | head -4 || true
grep '^[-+]aio' "$WORK/upstream.changed" | head -4 || true

# ---------------------------------------------------------------- the converted kernel
# The cases against the analysis (case-coverage.py, over the check made before the boots): what each handler's code
# tests must have been tried both ways by the cases that ran on it (every comparison with a constant too), and what it
# does (flags, vm_ops, mapping calls) must show in a mapping that succeeded.
if ! python3 "$HERE/case-coverage.py" "$WORK/check.json" "$HANDLERS" "$WORK/orig.txt" > "$WORK/coverage.txt"; then
  cat "$WORK/coverage.txt"; die "the cases do not try or show everything the analysis says a handler tests or does"
fi
echo "== what each handler tests and does (vmaprep check), and the cases that tried and showed it =="
cat "$WORK/coverage.txt"

log "$VMAPREP fix --api auto on ${TARGETS[*]}"
for t in "${TARGETS[@]}"; do rewrites "$t"; done
set +e
"$VMAPREP" fix -p "$WORK/db" --api auto > "$WORK/fix.txt" 2>&1
rc=$?
set -e
(( rc < 2 )) || { cat "$WORK/fix.txt" >&2; die "vmaprep fix exited $rc"; }
mapfile -t CONVERTED < <(exercised | awk -F'\t' '{ print $2 ":" $1 }')
for h in "${CONVERTED[@]}"; do
  grep -q "${h%%:*}:.*remark: converted '${h#*:}'" "$WORK/fix.txt" \
    || { cat "$WORK/fix.txt" >&2; die "vmaprep fix did not convert ${h#*:}"; }
done
for t in "${TARGETS[@]}"; do cp "$TREE/$t" "$WORK/fixed.${t//\//_}"; done

log "building the converted kernel (the changed objects and the link)"
n=$(build "$TREE" "$WORK/build-conv.log")
log "converted kernel: $n objects compiled or linked"
boot "$TREE/out/arch/x86/boot/bzImage" conv

# The per-handler report (prove-in-vm): each handler of handlers.tsv, exercised here (the converted kernel's lines
# against the original's, failure injection, upstream's own conversion where 7.3 has one) or why not.
handler_report() {
  local h file pb tags why t n lines mapped refused diffs inj udiff
  printf '| handler | file | in a real 7.3 kernel (QEMU, %s) |\n|---|---|---|\n' "$ACCEL"
  while IFS=$'\t' read -r h file pb tags why; do
    [[ -z $h || $h == \#* ]] && continue
    if [[ $tags == - ]]; then
      printf '| `%s` | %s | not exercisable here: %s |\n' "$h" "$file" "$why"
      continue
    fi
    lines=0 mapped=0 refused=0 diffs=0 inj=0 udiff=0
    for t in ${tags//,/ }; do
      n=$(grep -c "^$t " "$WORK/orig.txt" || true); lines=$((lines + n))
      n=$(grep -cE "^$t [^:]*: (mmap|io_setup\([0-9]+\)) = ok" "$WORK/orig.txt" || true); mapped=$((mapped + n))
      n=$(grep -cE "^$t [^:]*: (mmap|io_setup\([0-9]+\)) = E" "$WORK/orig.txt" || true); refused=$((refused + n))
      n=$(diff <(grep "^$t " "$WORK/orig.txt") <(grep "^$t " "$WORK/conv.txt") | grep -c '^>' || true); diffs=$((diffs + n))
      n=$(diff <(grep "^$t " "$WORK/orig.txt") <(grep "^$t " "$WORK/upstream.txt") | grep -c '^>' || true); udiff=$((udiff + n))
      n=$(grep -c "^fi-$t fail-nth: nth .*, injected" "$WORK/conv.fi" || true); inj=$((inj + n))
    done
    printf '| `%s` | %s | %s: %s (%s); %s lines, %s mappings made, %s refused; failure injection: %s; %s |\n' "$h" "$file" \
      "$( ((lines == 0)) && echo "NOT RUN" || { ((diffs == 0)) && echo "equal to the original" || echo "DIFFERS from the original in $diffs lines"; })" \
      "${tags//,/, }" "$why" "$lines" "$mapped" "$refused" \
      "$( ((inj == 0)) && echo "none" || echo "$inj injected failures$(grep -qE "^fi-(${tags//,/|}) " "$WORK/conv.fi-problems" 2>/dev/null && echo ", PROBLEMS" || echo ", nothing left mapped, counts balanced")")" \
      "$( [[ $pb == - ]] && echo "legacy in 7.3" || { ((udiff == 0)) && echo "upstream's own conversion: equal" || echo "upstream's own conversion differs in $udiff lines (declared)"; })$(sed -n "s/^$h: tests //p" "$WORK/coverage.txt" | sed 's/ ([^)]*)//g; s/^/; what the analysis says its code tests: /')"
  done < "$HANDLERS"
}
fi_check conv > "$WORK/conv.fi-problems"
handler_report > "$WORK/report.md"
echo "== per handler =="
cat "$WORK/report.md"
[[ -n $REPORT ]] && cp "$WORK/report.md" "$REPORT"

echo "== original vs converted ($ACCEL) =="
if ! diff -u "$WORK/orig.txt" "$WORK/conv.txt" > "$WORK/conv.diff"; then
  cat "$WORK/conv.diff"
  die "the converted kernel's transcript differs from the original's"
fi
echo "equal: $(wc -l < "$WORK/orig.txt") lines; $(grep -c ': mmap = ok' "$WORK/orig.txt") mappings made, $(grep -c ': mmap = E' "$WORK/orig.txt") refused"
if [[ -s $WORK/conv.fi-problems ]]; then
  cat "$WORK/conv.fi-problems"; die "the converted kernel fails under failure injection"
fi
echo "failure injection, converted: $(grep -c ': done: ' "$WORK/conv.fi") sweeps, $(grep -c ', injected' "$WORK/conv.fi") injected failures, nothing left mapped, counts balanced$(cmp -s "$WORK/orig.fi" "$WORK/conv.fi" && echo ', the same lines as the original' || echo ' (the lines differ from the original: the allocation order changed)')"
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
    # The stm/vme_user class: state taken in the prepare hook, which no close undoes when a later step fails.
    count-in-prepare) file=drivers/usb/mon/mon_bin.c
                   expr='/_mmap_mapped(/,/^}/{/++;/d};s/^\(\tdesc->private_data = desc->file->private_data;\)$/\1\n\t((struct mon_reader_bin *)desc->private_data)->mmap_active++;/' ;;
    exfat-no-vmops) file=fs/exfat/file.c; expr='s/^\tdesc->vm_ops = &exfat_file_vm_ops;$//' ;;
    *) die "unknown mutant '$m' (known: ${ALL_MUTANTS[*]})" ;;
  esac
  for t in "${TARGETS[@]}"; do rewrites "$t"; cp "$WORK/fixed.${t//\//_}" "$TREE/$t"; done
  rewrites "$file"
  sed "$expr" "$TREE/$file" > "$WORK/mutant.c"
  cmp -s "$WORK/mutant.c" "$TREE/$file" && die "mutant $m: '$expr' changes nothing in $file"
  cp "$WORK/mutant.c" "$TREE/$file"
  log "mutant $m: building"
  n=$(build "$TREE" "$WORK/build-$m.log")
  log "mutant $m: $n objects compiled or linked"
  boot "$TREE/out/arch/x86/boot/bzImage" "$m"
  echo "== original vs mutant $m ($file: $expr) =="
  fi_check "$m" > "$WORK/$m.fi-problems"
  if diff -u "$WORK/orig.txt" "$WORK/$m.txt" > "$WORK/$m.diff" && [[ ! -s $WORK/$m.fi-problems ]]; then
    die "mutant $m was not caught: its transcript equals the original's and failure injection finds nothing"
  fi
  head -3 "$WORK/$m.fi-problems"
  # head closes the pipe early; under pipefail that SIGPIPE must not end the run.
  grep -E '^[-+][a-z]' "$WORK/$m.diff" | grep -v '^[-+][-+]' | head -6 || true
  caught=$((caught + 1))
done

if [[ -n $KEEP ]]; then
  mkdir -p "$KEEP"
  cp "$WORK"/*.txt "$WORK"/*.fi "$WORK"/*.diff "$WORK/check.json" "$KEEP"/ 2>/dev/null || true
fi
echo "kernel-vm: converted ${CONVERTED[*]#*:} equal to the originals in a real 7.3 kernel ($ACCEL), sound under failure injection; $caught of ${#MUTANT_LIST[@]} mutants caught; $(( $(date +%s) - T0 ))s"
echo "RESULT: PASS"
