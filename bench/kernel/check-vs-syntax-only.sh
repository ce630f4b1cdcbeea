#!/usr/bin/env bash
# Compare `vmaprep check` with `clang-19 -fsyntax-only` over the same TUs of a kernel tree, in one run.
#
#   bench/kernel/check-vs-syntax-only.sh TREE_DIR [VMAPREP_BINARY]
#
# Baseline: for every entry of TREE_DIR/compile_commands.json, run clang-19 -fsyntax-only with the entry's exact
# flags (the command minus the compiler, -c, -o OUT and dependency-file flags), sequentially, one process per TU.
# Subject: VMAPREP check -p TREE_DIR -j 1 --format json over all TUs of the same database (one process).
# Prints the CPU times (user + system; robust to other load on the machine) and the ratios vmaprep / syntax-only, with the compile flags as they are and with the
# -w -fno-caret-diagnostics vmaprep adds (the honest floor). Env: CLANG (default clang-19), REPEAT (default 1:
# each side is run REPEAT times, alternating, and the minimum is kept).
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TREE=${1:-}
VMAPREP=${2:-$HERE/../../build/checker/vmaprep}
CLANG=${CLANG:-clang-19}
REPEAT=${REPEAT:-1}
[[ -n "$TREE" && -f "$TREE/compile_commands.json" ]] || { echo "usage: $0 TREE_DIR [VMAPREP_BINARY] (TREE_DIR/compile_commands.json required)" >&2; exit 2; }
[[ -x "$VMAPREP" ]] || { echo "bench: vmaprep binary '$VMAPREP' not found or not executable" >&2; exit 2; }
command -v "$CLANG" >/dev/null || { echo "bench: $CLANG not found" >&2; exit 2; }

python3 - "$TREE" "$VMAPREP" "$CLANG" "$REPEAT" <<'PY'
import json, os, resource, shlex, subprocess, sys, time
tree, vmaprep, clang, repeat = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
db = json.load(open(os.path.join(tree, "compile_commands.json")))

def syntax_only_cmd(e):
    args = e["arguments"] if "arguments" in e else shlex.split(e["command"])
    out, skip = [clang], False
    for a in args[1:]:
        if skip:
            skip = False; continue
        if a in ("-o", "-MF", "-MT", "-MQ"):
            skip = True; continue
        if a in ("-c", "-MD", "-MMD", "-MP") or a.startswith("-Wp,-MMD") or a.startswith("-Wp,-MD"):
            continue
        out.append(a)
    out.append("-fsyntax-only")
    return out, e["directory"]

cmds = [syntax_only_cmd(e) for e in db]
# vmaprep parses with -w -fno-caret-diagnostics (it needs the AST, not the
# warnings); the same flags give the honest floor.
cmds_w = [(c + ["-w", "-fno-caret-diagnostics"], d) for c, d in cmds]

def cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime

# CPU time (user + system of the child processes) is the measure: on a
# machine shared with other work, wall time swings by 2x while CPU time of
# the same work stays within a few percent.
def run_syntax(cmds=cmds):
    c0 = cpu(); fails = 0
    for c, d in cmds:
        r = subprocess.run(c, cwd=d, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        fails += r.returncode != 0
    return cpu() - c0, fails

def run_vmaprep():
    c0 = cpu()
    r = subprocess.run([vmaprep, "check", "-p", tree, "-j", "1", "--format", "json"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return cpu() - c0, r.returncode, r.stderr.decode(errors="replace")

best_s = best_v = best_w = None
for i in range(repeat):
    s, fails = run_syntax()
    w, _ = run_syntax(cmds_w)
    best_w = w if best_w is None else min(best_w, w)
    v, rc, err = run_vmaprep()
    if fails:
        print("warning: %d TU(s) failed clang -fsyntax-only" % fails, file=sys.stderr)
    if rc >= 2:
        sys.exit("bench: vmaprep exited %d:\n%s" % (rc, err[-2000:]))
    best_s = s if best_s is None else min(best_s, s)
    best_v = v if best_v is None else min(best_v, v)
    print("run %d: syntax-only %.2f s, syntax-only -w %.2f s, vmaprep %.2f s" % (i + 1, s, w, v), file=sys.stderr)
print("tree:                 %s" % tree)
print("TUs:                  %d" % len(cmds))
print("clang -fsyntax-only:  %.2f s CPU (sequential, one process per TU, %s)" % (best_s, clang))
print("clang -fsyntax-only -w: %.2f s CPU (the same flags vmaprep parses with)" % best_w)
print("vmaprep check -j 1:   %.2f s CPU" % best_v)
print("ratio vmaprep/syntax: %.3fx" % (best_v / best_s))
print("ratio vmaprep/syntax -w: %.3fx (the floor)" % (best_v / best_w))
PY
