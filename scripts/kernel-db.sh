#!/usr/bin/env bash
# kernel-db.sh: a compile database of the kernel's candidate translation units only, for vmaprep.
#
#   scripts/kernel-db.sh [--arch ARCH] [--config allmodconfig|defconfig|FILE] [-j N] [-O OUTDIR] SRCTREE [DIR...]
#
# In an out-of-tree build directory (make O=OUTDIR; SRCTREE is only read and must be clean: no .config, never built
# in place), with LLVM=-19 (clang cross-compiles every architecture, no cross GCC needed):
#   1. configure (allmodconfig, defconfig or the config FILE, then WERROR, KCOV_INSTRUMENT_ALL and DEBUG_INFO_BTF off:
#      warnings of a newer compiler must not stop the build, and BTF wants pahole);
#   2. make prepare;
#   3. select the candidate .c files lexically with `vmaprep candidates` (the prefilter `vmaprep check` applies), under
#      the DIRs given (relative to SRCTREE), else the whole tree minus tools/, scripts/, Documentation/, samples/ and
#      other architectures' arch/ directories;
#   4. build exactly those objects with make -k: an object that fails (an arch-only header or API, an option the
#      configuration lacks) is listed in OUTDIR/kernel-db-failed.txt with its first error, not fatal. kbuild compiles
#      a single-object target whether or not the configuration selects it, so the database holds every candidate
#      that compiles for ARCH with this configuration's headers;
#   5. scripts/clang-tools/gen_compile_commands.py, kept to the candidates that built, into
#      OUTDIR/compile_commands.json.
# Progress and timings go to stderr (and OUTDIR/kernel-db.log); the last line on stdout is the database's path.
# Rerunning is incremental (make's own dependency tracking); the configuration is redone only when it changes.
#
# Options:
#   --arch ARCH        kernel ARCH (x86_64, arm64, riscv, ...; default: x86_64)
#   --config CONFIG    allmodconfig (default), defconfig, any other *config target, or a .config FILE
#   -j N               make -j (default: nproc)
#   -O OUTDIR          build directory (default: ./kernel-db-ARCH-CONFIG)
#   --vmaprep PATH     the vmaprep binary (default: build/checker/vmaprep of this checkout, else vmaprep on PATH)
# Environment: LLVM_SUFFIX (default -19) is kbuild's LLVM= value.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ARCH=x86_64
CONFIG=allmodconfig
JOBS=$(nproc)
OUT=""
VMAPREP=""
LLVM_SUFFIX=${LLVM_SUFFIX:--19}

usage() { sed -n '2,/^set -euo/{/^#/p}' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2; }
die() { printf 'kernel-db: error: %s\n' "$*" >&2; exit 1; }

while (($#)); do
  case "$1" in
    --arch) ARCH=${2:?--arch needs a value}; shift 2 ;;
    --arch=*) ARCH=${1#*=}; shift ;;
    --config) CONFIG=${2:?--config needs a value}; shift 2 ;;
    --config=*) CONFIG=${1#*=}; shift ;;
    -j) JOBS=${2:?-j needs a value}; shift 2 ;;
    -j*) JOBS=${1#-j}; shift ;;
    -O) OUT=${2:?-O needs a value}; shift 2 ;;
    --vmaprep) VMAPREP=${2:?--vmaprep needs a value}; shift 2 ;;
    -h|--help) usage ;;
    --) shift; break ;;
    -*) die "unknown option '$1'" ;;
    *) break ;;
  esac
done
(($#)) || usage
SRC=$(cd "$1" && pwd) || die "no source tree at '$1'"
shift
DIRS=("$@")
[[ -f "$SRC/Makefile" && -f "$SRC/scripts/clang-tools/gen_compile_commands.py" ]] || die "$SRC is not a kernel tree"
[[ "$JOBS" =~ ^[1-9][0-9]*$ ]] || die "-j needs a positive number, not '$JOBS'"

# The kernel's source directory for ARCH (x86_64 builds arch/x86).
case "$ARCH" in
  x86_64|i386|x86) SRCARCH=x86 ;;
  sparc32|sparc64) SRCARCH=sparc ;;
  parisc64) SRCARCH=parisc ;;
  *) SRCARCH=$ARCH ;;
esac
[[ -d "$SRC/arch/$SRCARCH" ]] || die "no arch/$SRCARCH in $SRC (unknown --arch '$ARCH')"

if [[ -f "$CONFIG" ]]; then
  CONFIG_FILE=$(cd "$(dirname "$CONFIG")" && pwd)/$(basename "$CONFIG")
  CONFIG_NAME=$(basename "$CONFIG")
else
  CONFIG_FILE=""
  CONFIG_NAME=$CONFIG
  [[ "$CONFIG" == *config ]] || die "--config '$CONFIG' is neither a file nor a *config target"
fi
OUT=${OUT:-$PWD/kernel-db-$ARCH-$CONFIG_NAME}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)

if [[ -z "$VMAPREP" ]]; then
  if [[ -x "$HERE/../build/checker/vmaprep" ]]; then VMAPREP=$HERE/../build/checker/vmaprep
  else VMAPREP=$(command -v vmaprep || true); fi
fi
[[ -n "$VMAPREP" && -x "$VMAPREP" ]] || die "no vmaprep binary (build it, or pass --vmaprep PATH)"

need() { command -v "$1" >/dev/null 2>&1 || die "'$1' not found; install it (apt-get install $2)"; }
need make make; need python3 python3; need flex flex; need bison bison; need bc bc; need perl perl
need "clang$LLVM_SUFFIX" "clang$LLVM_SUFFIX"; need "ld.lld$LLVM_SUFFIX" "lld$LLVM_SUFFIX"
need "llvm-ar$LLVM_SUFFIX" "llvm$LLVM_SUFFIX"

LOG="$OUT/kernel-db.log"
: > "$LOG"
T0=$(date +%s)
STEP_T=$T0
log() { printf '[kernel-db %s +%ss] %s\n' "$ARCH" "$(( $(date +%s) - T0 ))" "$*" | tee -a "$LOG" >&2; }
step_done() { local now; now=$(date +%s); log "$1 took $(( now - STEP_T ))s"; STEP_T=$now; }
MK=(make -C "$SRC" O="$OUT" ARCH="$ARCH" LLVM="$LLVM_SUFFIX" -j"$JOBS")

# ---------------------------------------------------------------- configure
if [[ -f "$SRC/.config" || -d "$SRC/include/config" || -d "$SRC/arch/$SRCARCH/include/generated" ]]; then
  die "$SRC has been configured or built in place; kbuild refuses make O= on it (use a clean copy, or make mrproper there)"
fi
CFG_KEY=$( { echo "$ARCH $CONFIG_NAME $LLVM_SUFFIX"; [[ -z "$CONFIG_FILE" ]] || cat "$CONFIG_FILE"; } | sha1sum | cut -c1-16)
RECONFIGURED=0
if [[ -f "$OUT/.config" && "$(cat "$OUT/.kernel-db-config" 2>/dev/null)" == "$CFG_KEY" ]]; then
  log "configuration current ($OUT/.config)"
else
  RECONFIGURED=1
  if [[ -n "$CONFIG_FILE" ]]; then
    log "configure from $CONFIG_FILE"
    cp "$CONFIG_FILE" "$OUT/.config"
    "${MK[@]}" -s olddefconfig >>"$LOG" 2>&1 || die "make olddefconfig failed (see $LOG)"
  else
    log "make $CONFIG"
    "${MK[@]}" -s "$CONFIG" >>"$LOG" 2>&1 || die "make $CONFIG failed (see $LOG)"
  fi
  "$SRC/scripts/config" --file "$OUT/.config" -d WERROR -d KCOV_INSTRUMENT_ALL -d DEBUG_INFO_BTF \
    || die "scripts/config failed"
  "${MK[@]}" -s olddefconfig >>"$LOG" 2>&1 || die "make olddefconfig failed (see $LOG)"
  echo "$CFG_KEY" > "$OUT/.kernel-db-config"
fi
step_done "configure"

# ---------------------------------------------------------------- prepare
log "make prepare"
"${MK[@]}" -s prepare >>"$LOG" 2>&1 || die "make prepare failed (see $LOG)"
step_done "prepare"

# ---------------------------------------------------------------- candidates
if ((${#DIRS[@]} == 0)); then
  for d in "$SRC"/*/; do
    d=$(basename "$d")
    case "$d" in arch|tools|scripts|Documentation|samples|usr|LICENSES|include|rust) continue ;; esac
    DIRS+=("$d")
  done
  DIRS+=("arch/$SRCARCH")
fi
for d in "${DIRS[@]}"; do [[ -e "$SRC/$d" ]] || die "no $d in $SRC"; done
mapfile -t CANDIDATES < <(cd "$SRC" && "$VMAPREP" candidates "${DIRS[@]}")
printf '%s\n' "${CANDIDATES[@]}" > "$OUT/kernel-db-candidates.txt"
log "${#CANDIDATES[@]} candidate .c files under ${DIRS[*]} (vmaprep candidates)"
((${#CANDIDATES[@]})) || die "no candidate files under ${DIRS[*]}"
step_done "candidate selection"

# ---------------------------------------------------------------- objects
OBJECTS=()
for c in "${CANDIDATES[@]}"; do OBJECTS+=("${c%.c}.o"); done
# Objects of an earlier configuration would count as built when this one does not build them.
if ((RECONFIGURED)); then (cd "$OUT" && rm -f "${OBJECTS[@]}"); fi
log "make -k ${#OBJECTS[@]} objects (log: $LOG)"
# kbuild builds a single object only where the configuration builds it ("No rule to make target" otherwise);
# -k goes on past those and past real failures, which are listed below.
"${MK[@]}" -k "${OBJECTS[@]}" >>"$LOG" 2>&1 || true
BUILT=()
: > "$OUT/kernel-db-failed.txt"
for i in "${!OBJECTS[@]}"; do
  if [[ -f "$OUT/${OBJECTS[$i]}" ]]; then
    BUILT+=("${CANDIDATES[$i]}")
  else
    # The first compiler error about the file, if make got that far (an arch-only header, a config-off API).
    why=$(grep -m1 -F "$SRC/${CANDIDATES[$i]}:" "$LOG" | grep -m1 -E 'error:' || true)
    echo "${CANDIDATES[$i]}${why:+	${why#"$SRC/"}}" >> "$OUT/kernel-db-failed.txt"
  fi
done
NFAILED=$(wc -l < "$OUT/kernel-db-failed.txt")
log "${#BUILT[@]} built, $NFAILED failed (listed with their first error in $OUT/kernel-db-failed.txt)"
step_done "objects"

# ---------------------------------------------------------------- compile_commands.json
python3 "$SRC/scripts/clang-tools/gen_compile_commands.py" -d "$OUT" -o "$OUT/compile_commands.all.json" \
  >>"$LOG" 2>&1 || die "gen_compile_commands.py failed (see $LOG)"
printf '%s\n' "${BUILT[@]}" | python3 -c '
import json, os, sys
src, out = sys.argv[1], sys.argv[2]
want = {os.path.normpath(os.path.join(src, l.strip())) for l in sys.stdin if l.strip()}
db = json.load(open(os.path.join(out, "compile_commands.all.json")))
keep, seen = [], set()
for e in db:
    f = os.path.normpath(os.path.join(e["directory"], e["file"]))
    if f in want and f not in seen:
        seen.add(f); keep.append(e)
for f in sorted(want - seen):
    print("kernel-db: warning: built but no compile command: " + f, file=sys.stderr)
tmp = os.path.join(out, "compile_commands.json.tmp")
with open(tmp, "w") as o:
    json.dump(keep, o, indent=1)
os.replace(tmp, os.path.join(out, "compile_commands.json"))
print("%d entries" % len(keep))
' "$SRC" "$OUT" | while read -r line; do log "compile_commands.json: $line"; done
rm -f "$OUT/compile_commands.all.json"
step_done "compile database"
log "done in $(( $(date +%s) - T0 ))s"
echo "$OUT/compile_commands.json"
