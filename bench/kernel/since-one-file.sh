#!/usr/bin/env bash
# What `vmaprep check --since REV` saves on a one-file change of a real kernel tree, in one run.
#
#   bench/kernel/since-one-file.sh [TREE_SELECTOR] [VMAPREP_BINARY] [FILE]
#
# TREE_SELECTOR (default 7.x) is test/e2e/prepare-kernel-tree.sh's; the prepared tree (built objects, kbuild's .cmd
# files, compile_commands.json) is not changed: it is copied with hard links into WORK (default a temporary directory
# under TMPDIR or /tmp, which must be on the tree's file system; removed at the end, KEEP=1 keeps it), the copy's
# database is rewritten to name the copy, and the copy becomes a git repository (the kernel's .gitignore: objects and
# .cmd files untracked) with one commit. Then FILE (default drivers/fpga/dfl-afu-main.c, a TU of the database with a
# convertible handler) gets a comment after its handler's name, so that finding is on a changed line; the file is
# written anew (sed -i renames, so the cached tree's inode is untouched), and
#
#   full:  vmaprep check -p COPY --no-config            (every TU of the database)
#   since: vmaprep check -p COPY --no-config --since HEAD (the TUs the change can reach)
#
# run alternately REPEAT times each (default 3), keeping the minimum CPU time (user + system of the process and its
# threads: robust to other load on a shared machine, unlike wall time). Prints both, the ratio, each run's summary
# line (how many TUs it parsed) and the places of its warnings. Not a test: the numbers go to docs/benchmarks.md.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SEL=${1:-7.x}
VMAPREP=${2:-$HERE/../../build/checker/vmaprep}
FILE=${3:-drivers/fpga/dfl-afu-main.c}
REPEAT=${REPEAT:-3}
[[ -x "$VMAPREP" ]] || { echo "since-one-file: vmaprep binary '$VMAPREP' not found" >&2; exit 2; }
VMAPREP=$(cd "$(dirname "$VMAPREP")" && pwd)/$(basename "$VMAPREP")
TREE=$("$HERE/../../test/e2e/prepare-kernel-tree.sh" "$SEL" | tail -n 1)
[[ -f $TREE/compile_commands.json && -f $TREE/$FILE ]] ||
  { echo "since-one-file: $TREE has no compile_commands.json or no $FILE" >&2; exit 2; }
WORK=${WORK:-$(mktemp -d "${TMPDIR:-/tmp}/vmaprep-since-bench.XXXXXX")}
[[ ${KEEP:-0} == 1 ]] || trap 'rm -rf "$WORK"' EXIT
COPY=$WORK/linux
mkdir -p "$WORK"

echo "since-one-file: hard-linked copy of $TREE in $COPY" >&2
# Under the lock test/e2e/run-fix-e2e.sh holds while it rewrites the tree in place, so the copy is of the tree as
# prepared.
(
  flock 8
  cp -al "$TREE" "$COPY"
) 8>"$(dirname "$TREE")/.e2e-$SEL.lock"
# The database names the tree by absolute path; the copy's names the copy (a new file, not the linked one).
sed "s|$TREE|$COPY|g" "$TREE/compile_commands.json" > "$COPY/compile_commands.json.new"
mv "$COPY/compile_commands.json.new" "$COPY/compile_commands.json"
grep -q "$COPY" "$COPY/compile_commands.json" || { echo "since-one-file: the database does not name $TREE" >&2; exit 2; }
echo "since-one-file: git repository of the copy (git add of the tracked sources)" >&2
# Debian's linux-source adds '/*' (everything at the top) to the kernel's .gitignore; the copy's gets the
# kernel's own rules back (a new file: the linked one is the cached tree's).
sed -e '/^\/\*$/d' -e '/^!\/debian\/$/d' "$COPY/.gitignore" > "$COPY/.gitignore.new"
mv "$COPY/.gitignore.new" "$COPY/.gitignore"
git -C "$COPY" init -q
git -C "$COPY" add -A
git -C "$COPY" ls-files --error-unmatch -- "$FILE" > /dev/null ||
  { echo "since-one-file: $FILE is not tracked in the copy's repository" >&2; exit 2; }
git -C "$COPY" -c user.name=bench -c user.email=bench@example.org -c commit.gpgsign=false commit -q -m base

# One changed line: a comment after the handler's name (the first definition 'X_mmap(struct file ...)' without a
# ';'), so its finding is on a changed line and --since reports it.
sed -i '0,/_mmap(struct file[^;]*$/s|\(_mmap(struct file[^;]*\)$|\1 /* changed */|' "$COPY/$FILE"
[[ $(git -C "$COPY" diff --numstat | awk '{print $1}') == 1 ]] ||
  { echo "since-one-file: the one-line change of $FILE did not happen" >&2; git -C "$COPY" diff --stat >&2; exit 2; }
[[ $(stat -c %i "$COPY/$FILE") != $(stat -c %i "$TREE/$FILE") ]] ||
  { echo "since-one-file: $FILE still shares the cached tree's inode" >&2; exit 2; }

python3 - "$VMAPREP" "$COPY" "$REPEAT" <<'PY'
import os, resource, subprocess, sys
vmaprep, copy, repeat = sys.argv[1], sys.argv[2], int(sys.argv[3])
runs = {
    "full": [vmaprep, "check", "-p", copy, "--no-config", "--no-progress"],
    "since": [vmaprep, "check", "-p", copy, "--no-config", "--no-progress", "--since", "HEAD"],
}
best, summary = {}, {}
for _ in range(repeat):
    for name, cmd in runs.items():
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        p = subprocess.run(cmd, cwd=copy, capture_output=True, text=True)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if p.returncode not in (0, 1):
            sys.exit("since-one-file: %s exited %d:\n%s" % (name, p.returncode, p.stderr[-2000:]))
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        best[name] = min(best.get(name, cpu), cpu)
        out = (p.stdout + p.stderr).splitlines()
        summary[name] = [l for l in out if l.startswith("vmaprep:") and "analysed" in l][-1:]
        summary[name] += [l.split(": warning: ")[0] for l in out if ": warning: " in l]
for name in runs:
    print("%-5s %7.2f s CPU" % (name, best[name]))
    for line in summary[name]:
        print("      " + line.replace(copy + "/", ""))
print("since / full = %.3f" % (best["since"] / best["full"]))
PY
