#!/usr/bin/env python3
"""Validation cost per handler pair: times `vmaprep validate` on a pair (default: the remap pair of
test/checker/validate/remap.test) over the full matrix. Reports wall and CPU time of the whole command
(CPU includes the two clang-19 compiles it spawns) and the per-phase wall times vmaprep reports in its
JSON output (parse, compile, matrix). Results go to docs/validation.md by hand; nothing here asserts.

With --interpret it times the interpreted validation `vmaprep fix` runs on its rewrites (no compile:
the matrix is 8 worlds of 45 scenarios plus the learning runs); FLAGS after `--` go to the parse
(default: the kernel API shim's include directory).

usage: bench/validate/run.py [--vmaprep PATH] [--runs N] [--interpret] [ORIGINAL.c REWRITTEN.c] [-- FLAGS]
"""
import argparse, json, os, re, resource, statistics, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def remap_pair(directory):
    """Extracts orig.c and rewrite.c from the split-file test."""
    text = open(os.path.join(ROOT, "test/checker/validate/remap.test")).read()
    files = {}
    for name, body in re.findall(r"^#--- (\S+)\n(.*?)(?=^#--- |\Z)", text, re.S | re.M):
        files[name] = body
    paths = []
    for name in ("orig.c", "rewrite.c"):
        path = os.path.join(directory, name)
        open(path, "w").write(files[name])
        paths.append(path)
    return paths


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--vmaprep", default=os.path.join(ROOT, "build-val/checker/vmaprep"))
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--interpret", action="store_true")
    ap.add_argument("pair", nargs="*")
    argv = sys.argv[1:]
    flags = []
    if "--" in argv:
        flags = argv[argv.index("--") + 1:]
        argv = argv[:argv.index("--")]
    args = ap.parse_args(argv)
    if args.interpret and not flags:
        flags = ["-I", os.path.join(ROOT, "runtime-model/kshim/include")]
    mode = ["--interpret"] if args.interpret else []
    with tempfile.TemporaryDirectory() as tmp:
        pair = args.pair if len(args.pair) == 2 else remap_pair(tmp)
        walls, cpus, phases = [], [], {"parse": [], "compile": [], "matrix": []}
        for _ in range(args.runs):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            out = subprocess.run([args.vmaprep, "validate", *mode, "--format", "json", *pair, "--", *flags],
                                 capture_output=True, text=True)
            walls.append((time.perf_counter() - start) * 1000)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpus.append(((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)) * 1000)
            if out.returncode == 2:
                sys.exit(out.stderr)
            report = json.loads(out.stdout)
            for k in phases:
                phases[k].append(report["timing_ms"][k])
        med = statistics.median
        print(f"pair: {os.path.basename(pair[0])} / {os.path.basename(pair[1])}, "
              f"{report['scenarios']} scenarios, {args.runs} runs (median)")
        note = "(in-process parse, no compile)" if args.interpret else "(incl. the two clang-19 compiles)"
        print(f"command: wall {med(walls):.1f} ms, cpu {med(cpus):.1f} ms {note}")
        print("phases (wall): " + ", ".join(f"{k} {med(v):.1f} ms" for k, v in phases.items()))


if __name__ == "__main__":
    main()
