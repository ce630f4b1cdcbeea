#!/usr/bin/env bash
# Formats the project's own C++ with clang-format-19 (.clang-format files beside
# the code choose the style), or with --check lists the files that differ and
# exits 1. Kernel-style C (test fixtures, examples, the kshim headers the
# handlers compile against) is not the project's code and is left alone.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
FORMAT=${CLANG_FORMAT:-clang-format-19}
command -v "$FORMAT" >/dev/null || { echo "format: $FORMAT not found (apt-get install clang-format-19)" >&2; exit 2; }
# Found on disk, not with git ls-files: outside a git checkout (a source
# tarball) that list would be empty and the check would pass having read nothing.
mapfile -t files < <(
  { find checker runtime-model/src runtime-model/include runtime-model/kshim/src test/model test/fuzz bench \
      -type f \( -name '*.cpp' -o -name '*.h' \) -not -path 'test/model/fixtures/*'; } | LC_ALL=C sort)
(( ${#files[@]} > 100 )) || { echo "format: found only ${#files[@]} C++ files; run from a whole source tree" >&2; exit 2; }
if [[ ${1:-} == --check ]]; then
  bad=0
  for f in "${files[@]}"; do
    if ! "$FORMAT" --dry-run -Werror "$f" >/dev/null 2>&1; then
      echo "format: $f differs from clang-format (run scripts/format.sh)"
      bad=1
    fi
  done
  exit $bad
fi
"$FORMAT" -i "${files[@]}"
