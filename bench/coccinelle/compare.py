#!/usr/bin/env python3
"""Scores spatch (mmap-handlers.cocci) and vmaprep against a labelled list.

Called by compare.sh; prints Markdown. A labelled handler is found by a tool
when the tool reports that function with that path (the handler's file or the
file of a table that registers it). Only vmaprep gives verdicts; for
Coccinelle the mutations it saw are compared with vmaprep's.
"""
import argparse
import collections
import json
import os

MUTATION_KINDS = {"flags-change", "field-write", "mapping", "delegation"}


def rel(path, tree):
    path = os.path.normpath(path)
    return os.path.relpath(path, tree) if path.startswith(tree + os.sep) else path


def main():
    ap = argparse.ArgumentParser()
    for a in ("--tree", "--labels", "--spatch", "--vmaprep", "--tus", "--jobs",
              "--spatch-time", "--vmaprep-time"):
        ap.add_argument(a, required=True)
    args = ap.parse_args()
    tree = os.path.normpath(args.tree)

    labels = []
    for line in open(args.labels, encoding="utf-8"):
        if line.startswith("#") or not line.strip():
            continue
        path, func, hook, verdict = line.rstrip("\n").split("\t")[:4]
        labels.append((path, func, hook, verdict))

    cocci_handlers = set()
    cocci_effects = collections.defaultdict(set)
    for line in open(args.spatch, encoding="utf-8"):
        f = line.rstrip("\n").split("\t")
        if f[0] == "HANDLER":
            cocci_handlers.add((rel(f[1], tree), f[2]))
        elif f[0] == "EFFECT":
            cocci_effects[(rel(f[1], tree), f[2])].add((f[3], f[5]))

    doc = json.load(open(args.vmaprep, encoding="utf-8"))
    vm = {}
    for h in doc["handlers"]:
        paths = {rel(h["file"], tree)} | {rel(o["file"], tree) for o in h["ops"]}
        muts = {(e["line"], e["name"]) for e in h["effects"]
                if e["kind"] in MUTATION_KINDS}
        for p in paths:
            vm[(p, h["function"])] = (h, muts)

    rows = []
    score = collections.Counter()
    for path, func, hook, verdict in labels:
        key = (path, func)
        c_found = key in cocci_handlers
        v = vm.get(key)
        v_found = v is not None
        v_verdict = v[0]["verdict"] if v else "-"
        score["labels"] += 1
        score["cocci found"] += c_found
        score["vmaprep found"] += v_found
        score["vmaprep verdict right"] += v_found and v_verdict == verdict
        c_muts = len(cocci_effects.get(key, ()))
        v_muts = len(v[1]) if v else 0
        if hook == "mmap" and c_found and v_found:
            score["legacy found by both"] += 1
            score["cocci saw every vmaprep mutation"] += c_muts >= v_muts
        rows.append((path, func, verdict, c_found, c_muts, v_found, v_verdict, v_muts))

    labelled = {(p, f) for p, f, _, _ in labels}
    cocci_extra = sorted(k for k in cocci_handlers if k not in labelled)
    vm_funcs = {(rel(h["file"], tree), h["function"]) for h in doc["handlers"]}
    vm_extra = sorted(k for k in vm_funcs
                      if k not in labelled and not any(k2 in labelled for k2 in vm if k2[1] == k[1]))

    def timing(t):  # "wall user sys" from bash's time
        wall, user, sys_ = (float(x) for x in t.split())
        return f"{wall:.1f} s ({user + sys_:.1f} s CPU)"
    s = timing(args.spatch_time)
    v = timing(args.vmaprep_time)
    print(f"### {os.path.basename(tree)}: {args.tus} translation units, {args.jobs} jobs\n")
    print("| | wall time (CPU time) | labelled handlers found | verdicts right | mutations seen (legacy handlers found by both) | other handlers reported |")
    print("|---|---:|---:|---:|---:|---:|")
    print(f"| spatch + mmap-handlers.cocci | {s} | {score['cocci found']} of {score['labels']} | n/a (detection only) "
          f"| as many as vmaprep in {score['cocci saw every vmaprep mutation']} of {score['legacy found by both']} | {len(cocci_extra)} |")
    print(f"| vmaprep check | {v} | {score['vmaprep found']} of {score['labels']} | {score['vmaprep verdict right']} of {score['labels']} "
          f"| - | {len(vm_extra)} |")
    print()
    print("| path | function | label | spatch | spatch mutations | vmaprep | vmaprep mutations |")
    print("|---|---|---|---|---:|---|---:|")
    for path, func, verdict, c_found, c_muts, v_found, v_verdict, v_muts in rows:
        mark = "" if v_verdict == verdict else " (**differs**)"
        print(f"| {path} | `{func}` | {verdict} | {'found' if c_found else '**missed**'} | {c_muts} "
              f"| {(v_verdict + mark) if v_found else '**missed**'} | {v_muts} |")
    if cocci_extra:
        print("\nspatch also reported (unlabelled): " + ", ".join(f"{p}:`{f}`" for p, f in cocci_extra))
    if vm_extra:
        print("\nvmaprep also reported (unlabelled): " + ", ".join(f"{p}:`{f}`" for p, f in vm_extra))


if __name__ == "__main__":
    main()
