#!/usr/bin/env bash
# Prepare a real kernel tree from Debian's linux-source-* package for the vmaprep end-to-end test.
#
#   test/e2e/prepare-kernel-tree.sh VERSION_SELECTOR [--fetch-only]
#
# VERSION_SELECTOR:
#   6.12  linux-source-6.12 from bookworm (+ bookworm-security/-updates): before the mmap_prepare migration
#   7.x   the newest linux-source-7.* in trixie-backports, falling back to sid: with mmap_prepare
#
# The tree goes to ${VMAPREP_CACHE_DIR:-$HOME/.cache/vmaprep}/kernel/<X.Y>/linux-source-<X.Y>/ (outside the repo).
# The machine's apt sources are never touched: a private APT_CONFIG under the cache dir reuses the archive URI
# of /etc/apt/sources.list.d/debian.sources.
#
# Steps (each skipped on rerun when its stamp is current):
#   resolve -> download .deb -> unpack -> configure (defconfig + the symbols of objects-<sel>.txt, no WERROR)
#   -> make prepare -> build exactly the objects listed in objects-<sel>.txt -> compile_commands.json
# The compile database is filtered to exactly the listed objects.
# Progress goes to stderr; the last line on stdout is the tree path.
#
# Environment:
#   VMAPREP_CACHE_DIR  cache root (default $HOME/.cache/vmaprep)
#   VMAPREP_REFRESH=1  re-resolve the package (the backports suite moves); default: reuse the last resolution
#   VMAPREP_JOBS       make -j (default 2)
#   LLVM_SUFFIX        LLVM= value for kbuild (default -19)
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SEL=${1:-}
MODE=${2:-}
CACHE=${VMAPREP_CACHE_DIR:-$HOME/.cache/vmaprep}
JOBS=${VMAPREP_JOBS:-2}
LLVM_SUFFIX=${LLVM_SUFFIX:--19}
T0=$(date +%s)

log() { printf '[prepare %s +%ss] %s\n' "$SEL" "$(( $(date +%s) - T0 ))" "$*" >&2; }
die() { printf '[prepare %s] ERROR: %s\n' "$SEL" "$*" >&2; exit 1; }

case "$SEL" in
  6.12|7.x) ;;
  ""|-h|--help) sed -n '2,24p' "${BASH_SOURCE[0]}" >&2; exit 2 ;;
  *) die "unknown version selector '$SEL' (use 6.12 or 7.x)" ;;
esac
[[ -z "$MODE" || "$MODE" == --fetch-only ]] || die "unknown option '$MODE'"

OBJLIST="$HERE/objects-$SEL.txt"
[[ -f "$OBJLIST" ]] || die "object list $OBJLIST is missing"

need() { command -v "$1" >/dev/null 2>&1 || die "'$1' not found; install it (apt-get install $2)"; }
need apt-get apt; need dpkg-deb dpkg; need xz xz-utils; need python3 python3
need "clang$LLVM_SUFFIX" "clang$LLVM_SUFFIX"; need "ld.lld$LLVM_SUFFIX" "lld$LLVM_SUFFIX"
need "llvm-ar$LLVM_SUFFIX" "llvm$LLVM_SUFFIX"
need flex flex; need bison bison; need bc bc; need perl perl
[[ -e /usr/include/libelf.h || -e /usr/include/gelf.h ]] || die "libelf headers missing (apt-get install libelf-dev)"
[[ -e /usr/include/openssl/ssl.h ]] || die "openssl headers missing (apt-get install libssl-dev)"

mkdir -p "$CACHE/kernel" "$CACHE/apt" "$CACHE/debs"
# One preparation per selector at a time (CI and a developer may share the cache).
if command -v flock >/dev/null 2>&1; then
  exec 9>"$CACHE/kernel/.lock-$SEL"
  flock -n 9 || { log "waiting for another prepare-kernel-tree.sh $SEL to finish"; flock 9; }
fi

# ---------------------------------------------------------------- private apt configuration
SYS_SOURCES=/etc/apt/sources.list.d/debian.sources
archive_uri() {
  # first URIs: entry that is not the security archive
  local u
  if [[ -f $SYS_SOURCES ]]; then
    u=$(awk '/^URIs:/{for(i=2;i<=NF;i++) if ($i !~ /security/) {print $i; exit}}' "$SYS_SOURCES")
  fi
  echo "${u:-http://deb.debian.org/debian}"
}
security_uri() {
  local u=""
  [[ -f $SYS_SOURCES ]] && u=$(awk '/^URIs:/{for(i=2;i<=NF;i++) if ($i ~ /security/) {print $i; exit}}' "$SYS_SOURCES")
  echo "${u:-$(archive_uri)-security}"
}

# apt_setup NAME "SUITE..." : writes $CACHE/apt/NAME/{apt.conf,sources.list}, prints the apt.conf path
apt_setup() {
  local name=$1 d="$CACHE/apt/$1"; shift
  mkdir -p "$d/lists/partial" "$d/cache/archives/partial" "$d/state" "$d/etc"
  : > "$d/etc/sources.list"
  local line
  for line in "$@"; do echo "$line" >> "$d/etc/sources.list"; done
  cat > "$d/apt.conf" <<EOF
Dir::Etc::sourcelist "$d/etc/sources.list";
Dir::Etc::sourceparts "-";
Dir::State::Lists "$d/lists";
Dir::State::extended_states "$d/state/extended_states";
Dir::Cache "$d/cache";
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
Acquire::Languages "none";
Acquire::IndexTargets::deb::Contents-deb::DefaultEnabled "false";
APT::Get::List-Cleanup "false";
APT::Sandbox::User "root";
EOF
  echo "$d/apt.conf"
}
papt() { APT_CONFIG="$1" "${@:2}"; }

ARCHIVE=$(archive_uri)
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
RESOLVED="$CACHE/kernel/resolved-$SEL"   # "PKG VERSION APTCONF"

resolve() {
  local conf pkg ver suite
  if [[ $SEL == 6.12 ]]; then
    conf=$(apt_setup bookworm \
      "deb [signed-by=$KEYRING] $ARCHIVE bookworm main" \
      "deb [signed-by=$KEYRING] $ARCHIVE bookworm-updates main" \
      "deb [signed-by=$KEYRING] $(security_uri) bookworm-security main")
    log "apt-get update (private config $conf: bookworm, bookworm-updates, bookworm-security from $ARCHIVE)"
    papt "$conf" apt-get -q update >&2 || die "apt-get update failed for bookworm (network? see output above)"
    pkg=linux-source-6.12
  else
    for suite in trixie-backports sid; do
      conf=$(apt_setup "$suite" "deb [signed-by=$KEYRING] $ARCHIVE $suite main")
      log "apt-get update (private config $conf: $suite from $ARCHIVE)"
      papt "$conf" apt-get -q update >&2 || { log "apt-get update for $suite failed; trying next suite"; continue; }
      pkg=$(papt "$conf" apt-cache pkgnames linux-source-7. | grep -E '^linux-source-7\.[0-9]+$' | sort -V | tail -1 || true)
      if [[ -n "$pkg" ]]; then log "newest 7.x source package in $suite: $pkg"; break; fi
      log "no linux-source-7.* in $suite"
    done
    [[ -n "${pkg:-}" ]] || die "no linux-source-7.* package found in trixie-backports or sid"
  fi
  ver=$(papt "$conf" apt-cache policy "$pkg" | awk '/Candidate:/{print $2}')
  [[ -n "$ver" && "$ver" != "(none)" ]] || die "package $pkg has no candidate version"
  echo "$pkg $ver $conf" > "$RESOLVED"
}

if [[ ! -s "$RESOLVED" || "${VMAPREP_REFRESH:-0}" == 1 ]]; then
  resolve
else
  log "reusing resolution $(cat "$RESOLVED") (VMAPREP_REFRESH=1 to re-resolve)"
fi
read -r PKG DEBVER APTCONF < "$RESOLVED"
KVER=${PKG#linux-source-}                 # e.g. 6.12, 7.3
DIR="$CACHE/kernel/$KVER"
TREE="$DIR/$PKG"
mkdir -p "$DIR"

# ---------------------------------------------------------------- download
DEB="$CACHE/debs/${PKG}_${DEBVER//:/%3a}_all.deb"
if [[ -s "$DEB" ]] && dpkg-deb --info "$DEB" >/dev/null 2>&1; then
  log "have $DEB"
else
  log "downloading $PKG=$DEBVER"
  ( cd "$CACHE/debs" && papt "$APTCONF" apt-get -q download "$PKG=$DEBVER" >&2 ) || die "apt-get download $PKG=$DEBVER failed"
  [[ -s "$DEB" ]] || DEB=$(ls -t "$CACHE"/debs/"${PKG}"_*_all.deb | head -1)
  dpkg-deb --info "$DEB" >/dev/null || die "downloaded $DEB is not a valid .deb"
  log "downloaded $(du -h "$DEB" | cut -f1) $DEB"
fi

# ---------------------------------------------------------------- unpack
UNPACK_STAMP="$DIR/.stamp-unpacked"
if [[ -f "$UNPACK_STAMP" && "$(cat "$UNPACK_STAMP")" == "$DEBVER" && -f "$TREE/Makefile" ]]; then
  log "have unpacked tree $TREE ($DEBVER)"
else
  log "unpacking $DEB into $DIR (tarball inside the .deb, then the kernel tarball)"
  rm -rf "$TREE" "$DIR/deb" "$DIR"/.stamp-*
  mkdir -p "$DIR/deb"
  # The .deb's data member holds usr/src/linux-source-X.Y.tar.xz; stream it straight into tar.
  dpkg-deb --fsys-tarfile "$DEB" | tar -x -C "$DIR/deb" --wildcards "./usr/src/${PKG}.tar.*" \
    || die "could not extract usr/src/${PKG}.tar.* from $DEB"
  SRC_TAR=$(ls "$DIR"/deb/usr/src/"${PKG}".tar.* | head -1)
  tar -x -C "$DIR" -f "$SRC_TAR" || die "untar of $SRC_TAR failed"
  rm -rf "$DIR/deb"
  [[ -f "$TREE/Makefile" ]] || die "unpacked tree $TREE has no Makefile"
  echo "$DEBVER" > "$UNPACK_STAMP"
  log "unpacked $TREE"
fi

if [[ "$MODE" == --fetch-only ]]; then echo "$TREE"; exit 0; fi

# ---------------------------------------------------------------- object list
# objects-<sel>.txt: "path/to/object.o  CONFIG_A CONFIG_B ..." ; '#' starts a comment.
mapfile -t OBJECTS < <(sed -e 's/#.*//' "$OBJLIST" | awk 'NF{print $1}')
mapfile -t SYMS < <(sed -e 's/#.*//' "$OBJLIST" | awk 'NF{for(i=2;i<=NF;i++) print $i}' | sed 's/^CONFIG_//' | sort -u)
((${#OBJECTS[@]})) || die "no objects in $OBJLIST"
for o in "${OBJECTS[@]}"; do
  [[ -f "$TREE/${o%.o}.c" ]] || die "$OBJLIST names $o but $TREE/${o%.o}.c does not exist in $PKG"
done
CFG_KEY=$(printf '%s\n' "$LLVM_SUFFIX" "${SYMS[@]}" | sha1sum | cut -c1-16)
OBJ_KEY=$(printf '%s\n' "$CFG_KEY" "${OBJECTS[@]}" | sha1sum | cut -c1-16)
MK=(make -C "$TREE" LLVM="$LLVM_SUFFIX" -j"$JOBS")

# ---------------------------------------------------------------- configure
CFG_STAMP="$DIR/.stamp-config"
if [[ -f "$CFG_STAMP" && "$(cat "$CFG_STAMP")" == "$CFG_KEY" && -f "$TREE/.config" ]]; then
  log "config current"
else
  rm -f "$DIR/.stamp-prepare" "$DIR/.stamp-objects" "$DIR/.stamp-compdb"
  log "make LLVM=$LLVM_SUFFIX defconfig"
  "${MK[@]}" -s defconfig >&2 || die "make defconfig failed"
  args=()
  for s in "${SYMS[@]}"; do args+=(-e "$s"); done
  log "scripts/config -e ${SYMS[*]} -d WERROR -d KCOV_INSTRUMENT_ALL"
  (cd "$TREE" && ./scripts/config "${args[@]}" -d WERROR -d KCOV_INSTRUMENT_ALL -d DEBUG_INFO_BTF) \
    || die "scripts/config failed"
  log "make LLVM=$LLVM_SUFFIX olddefconfig"
  "${MK[@]}" -s olddefconfig >&2 || die "make olddefconfig failed"
  # Report symbols that Kconfig refused (unmet dependencies), so the object list can be fixed.
  missing=()
  for s in "${SYMS[@]}"; do
    grep -Eq "^CONFIG_${s}=(y|m)" "$TREE/.config" || missing+=("$s")
  done
  if ((${#missing[@]})); then
    die "Kconfig did not enable: ${missing[*]} (unmet dependencies; fix $OBJLIST)"
  fi
  grep -q '^CONFIG_WERROR=y' "$TREE/.config" && die "CONFIG_WERROR is still on"
  echo "$CFG_KEY" > "$CFG_STAMP"
fi

# ---------------------------------------------------------------- make prepare
PREP_STAMP="$DIR/.stamp-prepare"
if [[ -f "$PREP_STAMP" && "$(cat "$PREP_STAMP")" == "$CFG_KEY" ]]; then
  log "prepare current"
else
  log "make LLVM=$LLVM_SUFFIX -j$JOBS prepare"
  "${MK[@]}" -s prepare >&2 || die "make prepare failed"
  echo "$CFG_KEY" > "$PREP_STAMP"
fi

# ---------------------------------------------------------------- objects
OBJ_STAMP="$DIR/.stamp-objects"
if [[ -f "$OBJ_STAMP" && "$(cat "$OBJ_STAMP")" == "$OBJ_KEY" ]]; then
  log "objects current (${#OBJECTS[@]})"
else
  log "building ${#OBJECTS[@]} objects: ${OBJECTS[*]}"
  # One make invocation for all objects (kbuild handles single-object targets in any directory).
  if ! "${MK[@]}" -k "${OBJECTS[@]}" >&2; then
    failed=()
    for o in "${OBJECTS[@]}"; do [[ -f "$TREE/$o" ]] || failed+=("$o"); done
    die "building objects failed: ${failed[*]:-see make output above}"
  fi
  for o in "${OBJECTS[@]}"; do [[ -f "$TREE/$o" ]] || die "make succeeded but $o was not produced"; done
  echo "$OBJ_KEY" > "$OBJ_STAMP"
fi

# ---------------------------------------------------------------- compile_commands.json
DB_STAMP="$DIR/.stamp-compdb"
if [[ -f "$DB_STAMP" && "$(cat "$DB_STAMP")" == "$OBJ_KEY" && -s "$TREE/compile_commands.json" ]]; then
  log "compile_commands.json current"
else
  log "scripts/clang-tools/gen_compile_commands.py, filtered to the listed objects"
  (cd "$TREE" && python3 scripts/clang-tools/gen_compile_commands.py -d . -o compile_commands.all.json) >&2 \
    || die "gen_compile_commands.py failed"
  python3 - "$TREE" "${OBJECTS[@]}" <<'EOF' || die "filtering compile_commands.json failed"
import json, os, sys
tree, objs = sys.argv[1], sys.argv[2:]
want = {os.path.normpath(os.path.join(tree, o[:-2] + ".c")) for o in objs}
db = json.load(open(os.path.join(tree, "compile_commands.all.json")))
out, seen = [], set()
for e in db:
    f = os.path.normpath(os.path.join(e["directory"], e["file"]))
    if f in want and f not in seen:
        seen.add(f); out.append(e)
missing = sorted(want - seen)
if missing:
    sys.exit("no compile command for: " + " ".join(missing))
for e in out:
    for bad in ("-fconserve-stack", "-mrecord-mcount", "-fno-allow-store-data-races"):
        if bad in e["command"]:
            sys.exit("GCC-only flag %s in %s" % (bad, e["file"]))
json.dump(out, open(os.path.join(tree, "compile_commands.json"), "w"), indent=2)
print("compile_commands.json: %d entries" % len(out), file=sys.stderr)
EOF
  echo "$OBJ_KEY" > "$DB_STAMP"
fi

log "ready: $TREE ($PKG $DEBVER, ${#OBJECTS[@]} objects)"
echo "$TREE"
