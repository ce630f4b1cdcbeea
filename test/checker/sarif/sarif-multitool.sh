#!/usr/bin/env bash
# Validates SARIF files with Microsoft's SARIF Multitool, offline.
#
#   sarif-multitool.sh SCHEMA.json FILE.sarif...
#
# Installs @microsoft/sarif-multitool 5.7.0 from npm into a cache outside the
# repo (${VMAPREP_CACHE_DIR:-~/.cache/vmaprep}/sarif-multitool) the first time,
# and sets the binary's run bit by hand (npm leaves its postinstall chmod
# unrun). `Sarif.Multitool validate` exits 0 whatever it finds, so its own
# SARIF log is read: any error or warning fails the file. Exit 0 all valid,
# 1 a file is invalid or the tool cannot be installed or run (never a skip).
set -euo pipefail
VERSION=5.7.0
# lit runs tests with a minimal environment: no HOME (npm needs one too).
export HOME=${HOME:-$(getent passwd "$(id -u)" | cut -d: -f6)}
CACHE=${VMAPREP_CACHE_DIR:-$HOME/.cache/vmaprep}/sarif-multitool
TOOL=$CACHE/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool
SCHEMA=$1
shift

mkdir -p "$CACHE"
(
  flock 9
  if [[ ! -f $TOOL ]] || ! grep -q "\"version\": \"$VERSION\"" "$CACHE/node_modules/@microsoft/sarif-multitool/package.json" 2>/dev/null; then
    command -v npm >/dev/null || { echo "sarif-multitool: npm is not installed (apt-get install npm)" >&2; exit 1; }
    echo "sarif-multitool: installing @microsoft/sarif-multitool@$VERSION into $CACHE" >&2
    (cd "$CACHE" && npm install --no-audit --no-fund --loglevel=error "@microsoft/sarif-multitool@$VERSION" >&2) ||
      { echo "sarif-multitool: npm install failed" >&2; exit 1; }
  fi
  chmod u+x "$TOOL"
) 9>"$CACHE/.lock"

status=0
for f in "$@"; do
  log=$(mktemp "${TMPDIR:-/tmp}/sarif-validate.XXXXXX.sarif")
  rm -f "$log"
  if ! "$TOOL" validate "$f" --json-schema "$SCHEMA" --level Error Warning --output "$log" >/dev/null 2>&1 || [[ ! -s $log ]]; then
    echo "sarif-multitool: $f: the validator did not run (no log written)"
    status=1
    continue
  fi
  python3 - "$f" "$log" <<'PY' || status=1
import json, sys
name, log = sys.argv[1], sys.argv[2]
run = json.load(open(log))["runs"][0]
bad = [r for r in run.get("results", []) if r.get("level", "warning") in ("error", "warning")]
failed = [n for inv in run.get("invocations", []) for n in inv.get("toolExecutionNotifications", [])
          if n.get("level", "error") == "error"]
for r in bad:
    loc = r.get("locations", [{}])[0].get("physicalLocation", {}).get("region", {})
    args = r.get("message", {}).get("arguments", [])
    print(f"{name}:{loc.get('startLine', '?')}: {r.get('level', 'warning')} {r['ruleId']}: {' '.join(map(str, args))}")
for n in failed:
    print(f"{name}: tool error: {n.get('message', {}).get('text', '')}")
if bad or failed:
    sys.exit(1)
print(f"{name}: valid (Sarif.Multitool)")
PY
  rm -f "$log"
done
exit $status
