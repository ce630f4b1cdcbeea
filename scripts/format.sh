#!/usr/bin/env bash
# Formats the project's own C++ with clang-format-19 (.clang-format files beside
# the code choose the style), or with --check lists the files that differ and
# exits 1. Kernel-style C (test fixtures, examples, the kshim headers the
# handlers compile against) is not the project's code and is left alone.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
FORMAT=${CLANG_FORMAT:-clang-format-19}
command -v "$FORMAT" >/dev/null || { echo "format: $FORMAT not found (apt-get install clang-format-19)" >&2; exit 2; }
mapfile -t files < <(git ls-files -- \
  'checker/*.cpp' 'checker/*.h' 'checker/*.def' \
  'runtime-model/src/*.cpp' 'runtime-model/src/*.h' 'runtime-model/include/*.h' 'runtime-model/kshim/src/*.cpp' \
  'test/model/*.cpp' 'test/model/*.h' 'test/fuzz/*.cpp' 'bench/*.cpp' \
  | grep -v '^test/model/fixtures/' | grep -v '\.def$')
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
