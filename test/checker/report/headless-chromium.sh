#!/usr/bin/env bash
# Loads a local page in Debian's chromium, headless, with no network use.
#
#   headless-chromium.sh dom PAGE.html              the DOM after scripts ran, on stdout
#   headless-chromium.sh screenshot PAGE.html OUT.png [WIDTHxHEIGHT]
#
# Fails (never skips) when chromium is missing: scripts/bootstrap.sh installs it.
set -euo pipefail
# lit runs tests with a minimal environment.
export HOME=${HOME:-$(getent passwd "$(id -u)" | cut -d: -f6)}
mode=$1 page=$2
browser=$(command -v chromium || command -v chromium-browser || true)
if [[ -z $browser ]]; then
  echo "headless-chromium: chromium is not installed (apt-get install chromium, or scripts/bootstrap.sh test)" >&2
  exit 1
fi
profile=$(mktemp -d "${TMPDIR:-/tmp}/vmaprep-chromium.XXXXXX")
trap 'rm -rf "$profile"' EXIT
flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking
       --disable-component-update --disable-sync --disable-extensions --hide-scrollbars
       --force-device-scale-factor=1 --user-data-dir="$profile")
url="file://$(realpath "$page")"
case $mode in
  dom)
    timeout 60 "$browser" "${flags[@]}" --dump-dom "$url" 2>/dev/null
    ;;
  screenshot)
    out=$(realpath -m "$3")
    rm -f "$out"
    timeout 60 "$browser" "${flags[@]}" --window-size="${4:-1200,900}" --screenshot="$out" "$url" >/dev/null 2>&1
    [[ -s $out ]] || { echo "headless-chromium: no screenshot written to $out" >&2; exit 1; }
    ;;
  *)
    echo "usage: $0 dom PAGE | screenshot PAGE OUT.png [W,H]" >&2
    exit 2
    ;;
esac
