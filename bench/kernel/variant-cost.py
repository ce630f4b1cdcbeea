#!/usr/bin/env python3
"""What a configuration variant costs `vmaprep fix` (issue 10 item 1), in one run.

    bench/kernel/variant-cost.py [VMAPREP_BINARY] [REPEAT]

Uses the prepared 7.x e2e tree (test/e2e/prepare-kernel-tree.sh 7.x; not changed). Two TUs are copied into a
temporary directory with a compile database naming the copies (their commands otherwise the tree's, plus -I of the
original directory for local includes), and the tree's .clang-format:

  variant:    drivers/char/hpet.c with 6.12's hpet_mmap put back (test/e2e/inputs-7.x/hpet-6.12-handler.patch):
              the e2e configuration compiles the #else stub, so fix parses the file again with CONFIG_HPET_MMAP
              defined, and re-parses both configurations after the edit;
  no variant: drivers/usb/mon/mon_bin.c (one configuration: its handler converts without one).

For each, `vmaprep check` (the floor: one parse and the analysis) and `vmaprep fix --dry-run --no-validate` (the
plan's parse, a variant's, the re-parses; the model run left out, it does not depend on the variants) run
alternately REPEAT times (default 3); the minimum CPU time (user + system of the child) is kept. Prints both and
the ratios. Not a test: the numbers go to docs/benchmarks.md.
"""
import json, os, resource, shutil, subprocess, sys, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
VMAPREP = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "build", "checker", "vmaprep"))
REPEAT = int(sys.argv[2]) if len(sys.argv) > 2 else 3

tree = subprocess.run(["bash", os.path.join(ROOT, "test", "e2e", "prepare-kernel-tree.sh"), "7.x"],
                      check=True, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True).stdout.split("\n")
tree = [l for l in tree if l.strip()][-1].strip()
db = json.load(open(os.path.join(tree, "compile_commands.json")))
work = tempfile.mkdtemp(prefix="vmaprep-variant-bench.")
src = os.path.join(work, "src")
cases = [("variant", "drivers/char/hpet.c", "hpet-6.12-handler.patch"), ("no variant", "drivers/usb/mon/mon_bin.c", None)]
entries = []
try:
    os.makedirs(src)
    shutil.copy(os.path.join(tree, ".clang-format"), src)
    for _, rel, patch in cases:
        entry = next(e for e in db if e["file"].endswith("/" + rel))
        copy = os.path.join(src, rel)
        os.makedirs(os.path.dirname(copy), exist_ok=True)
        shutil.copy(os.path.join(tree, rel), copy)
        if patch:
            subprocess.run(["patch", "-s", "-d", src, "-p1", "-i",
                            os.path.join(ROOT, "test", "e2e", "inputs-7.x", patch)], check=True)
        e = dict(entry)
        include = "-I" + os.path.dirname(os.path.join(tree, rel))
        if "arguments" in e:
            e["arguments"] = [copy if a.endswith(rel) else a for a in e["arguments"]] + [include]
        else:
            e["command"] = e["command"].replace(os.path.join(tree, rel), copy).replace(" " + rel, " " + copy) + " " + include
        e["file"] = copy
        entries.append(e)
    json.dump(entries, open(os.path.join(work, "compile_commands.json"), "w"), indent=1)

    def cpu(args):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        r = subprocess.run(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), r.stderr

    results = {}
    notes = {}
    for _ in range(REPEAT):
        for name, rel, _ in cases:
            path = os.path.join(src, rel)
            for tool, args in (("check", [VMAPREP, "check", "-p", work, "-j", "1", "--no-config", path]),
                               ("fix", [VMAPREP, "fix", "--dry-run", "--no-validate", "-j", "1", "--no-config",
                                        "-p", work, "--root", src, path])):
                t, err = cpu(args)
                key = (name, tool)
                results[key] = min(results.get(key, t), t)
                if tool == "fix":
                    notes[name] = [l for l in err.splitlines() if "remark:" in l or "note: also" in l or
                                   "not converted" in l]
    for name, rel, _ in cases:
        c, f = results[(name, "check")], results[(name, "fix")]
        print(f"{name:10} {rel:28} check {c:6.2f} s   fix --no-validate {f:6.2f} s   fix/check {f / c:4.2f}x")
        for l in notes[name]:
            print("    " + l.replace(src + "/", ""))
    v = results[("variant", "fix")] / results[("variant", "check")]
    n = results[("no variant", "fix")] / results[("no variant", "check")]
    print(f"a variant adds {v - n:4.2f} check-equivalents of CPU to fix on its TU ({v:4.2f}x against {n:4.2f}x)")
finally:
    shutil.rmtree(work, ignore_errors=True)
