#!/usr/bin/env bash
# Compare `vmaprep check` with `clang-19 -fsyntax-only` over the same TUs of a kernel tree, in one run.
#
#   bench/kernel/check-vs-syntax-only.sh TREE_DIR [VMAPREP_BINARY]
#
# Baseline: for every entry of TREE_DIR/compile_commands.json, run clang-19 -fsyntax-only with the entry's exact
# flags (the command minus the compiler, -c, -o OUT and dependency-file flags), sequentially, one process per TU.
# Subject: VMAPREP check -p TREE_DIR -j 1 --format json over all TUs of the same database (one process), and the same
# with VMAPREP_PARSE_ALL_BODIES=1 (every header function body built); the two JSON documents must be identical.
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
import json, os, resource, shlex, subprocess, sys, tempfile, time
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

# vmaprep's own rusage (os.wait4): its CPU time and its peak resident memory.
# all_bodies: VMAPREP_PARSE_ALL_BODIES=1 builds every header function body, as
# vmaprep did before it skipped those its findings do not depend on; the JSON
# must be the same document.
def run_vmaprep(all_bodies=False):
    env = {k: v for k, v in os.environ.items() if k != "VMAPREP_PARSE_ALL_BODIES"}
    if all_bodies:
        env["VMAPREP_PARSE_ALL_BODIES"] = "1"
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        p = subprocess.Popen([vmaprep, "check", "-p", tree, "-j", "1", "--format", "json"],
                             stdout=out, stderr=err, env=env)
        _, status, ru = os.wait4(p.pid, 0)
        p.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0); err.seek(0)
        return (ru.ru_utime + ru.ru_stime, p.returncode, err.read().decode(errors="replace"), out.read(),
                ru.ru_maxrss)

best_s = best_v = best_w = best_a = None
rss_v = rss_a = 0
for i in range(repeat):
    s, fails = run_syntax()
    w, _ = run_syntax(cmds_w)
    best_w = w if best_w is None else min(best_w, w)
    v, rc, err, doc, rss = run_vmaprep()
    a, rc_a, err_a, doc_a, rss_all = run_vmaprep(all_bodies=True)
    if fails:
        print("warning: %d TU(s) failed clang -fsyntax-only" % fails, file=sys.stderr)
    if rc >= 2 or rc_a >= 2:
        sys.exit("bench: vmaprep exited %d/%d:\n%s" % (rc, rc_a, (err or err_a)[-2000:]))
    if doc != doc_a or rc != rc_a:
        sys.exit("bench: FINDINGS DIFFER between the skipped-bodies parse and the all-bodies parse")
    best_s = s if best_s is None else min(best_s, s)
    best_v = v if best_v is None else min(best_v, v)
    best_a = a if best_a is None else min(best_a, a)
    rss_v, rss_a = max(rss_v, rss), max(rss_a, rss_all)
    print("run %d: syntax-only %.2f s, syntax-only -w %.2f s, vmaprep %.2f s, all bodies %.2f s" % (i + 1, s, w, v, a),
          file=sys.stderr)
print("tree:                 %s" % tree)
print("TUs:                  %d" % len(cmds))
print("clang -fsyntax-only:  %.2f s CPU (sequential, one process per TU, %s)" % (best_s, clang))
print("clang -fsyntax-only -w: %.2f s CPU (the same flags vmaprep parses with)" % best_w)
print("vmaprep check -j 1:   %.2f s CPU, peak RSS %d MiB" % (best_v, rss_v // 1024))
print("  all header bodies:  %.2f s CPU, peak RSS %d MiB (VMAPREP_PARSE_ALL_BODIES=1; same findings)" % (best_a, rss_a // 1024))
print("ratio vmaprep/syntax: %.3fx" % (best_v / best_s))
print("ratio vmaprep/syntax -w: %.3fx (the floor)" % (best_v / best_w))
print("ratio all bodies/syntax -w: %.3fx" % (best_a / best_w))
PY
