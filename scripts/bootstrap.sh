#!/usr/bin/env bash
# One entry point for the README's two commands, on a fresh Debian bookworm machine as root:
#   scripts/bootstrap.sh example   install what is missing, build, run `vmaprep check` on examples/
#   scripts/bootstrap.sh test      install what is missing, build, run every test through ctest
# Both are idempotent: apt runs only when a package is missing, and the build is incremental.
set -euo pipefail

mode=${1:-example}
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${VMAPREP_BUILD_DIR:-$repo/build}

packages=(
  clang-19 clang-tidy-19 clang-tools-19 libclang-19-dev llvm-19-dev llvm-19-tools lld-19 libclang-rt-19-dev
  cmake ninja-build python3 git xz-utils
  # the format test (scripts/format.sh --check)
  clang-format-19
  # the kernel API shim must also compile with gcc (test/model)
  gcc
  libgtest-dev libgmock-dev libbenchmark-dev
  # building real kernel trees for the end-to-end tests (test/e2e)
  flex bison bc libelf-dev libssl-dev cpio kmod dwarves
  # the 6.12 handlers put back into the 7.x tree (test/e2e/run-fix-e2e.sh, test/kernel-vm)
  patch
  # booting the 7.x kernel before and after the fix (test/kernel-vm; mkfs.exfat, mkudffs and mkfs.gfs2 make its
  # images)
  qemu-system-x86 busybox-static exfatprogs udftools gfs2-utils
  # the report test loads the HTML page in a real browser; bench/coccinelle runs spatch
  chromium coccinelle
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "bootstrap: installing ${missing[*]}"
  if [ "$(id -u)" -ne 0 ]; then
    echo "bootstrap: packages are missing and this is not root; run as root or install: ${missing[*]}" >&2
    exit 2
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# clang++-19, not g++: a g++-built clang-tidy plugin dies at first use (docs/toolchain.md, llvm-project#62765).
cmake -S "$repo" -B "$build" -G Ninja \
  -DCMAKE_BUILD_TYPE=${VMAPREP_BUILD_TYPE:-RelWithDebInfo} \
  -DCMAKE_C_COMPILER=clang-19 -DCMAKE_CXX_COMPILER=clang++-19 -DVMAPREP_WERROR=ON >/dev/null
cmake --build "$build" -j "$(nproc)"

case "$mode" in
  example)
    echo
    echo "== vmaprep check over the bundled example drivers (examples/) =="
    set +e
    "$build/checker/vmaprep" check -p "$build/examples"
    rc=$?
    set -e
    echo "== vmaprep exited with $rc (0: no findings, 1: findings, 2: usage or input error) =="
    [ "$rc" -le 1 ]
    ;;
  test)
    (cd "$build" && ctest --output-on-failure -j "$(nproc)")
    # The sanitizer tier (docs/robustness.md): the tool and the clang-tidy
    # plugin built with ASan and UBSan in a build of their own, and the lit
    # suite and the 7.x kernel tree (prepared by the plain run) through them.
    cmake -S "$repo" -B "$build-san" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DCMAKE_C_COMPILER=clang-19 -DCMAKE_CXX_COMPILER=clang++-19 -DVMAPREP_SANITIZE=address,undefined >/dev/null
    cmake --build "$build-san" -j "$(nproc)" --target vmaprep VmaprepTidy
    (cd "$build-san" && ctest -L sanitize --output-on-failure)
    ;;
  *)
    echo "usage: scripts/bootstrap.sh example|test" >&2
    exit 2
    ;;
esac
