#!/usr/bin/env python3
"""Prints, one per line, the compiler flags compile_commands.json gives a file,
without the compiler, the source, -c and -o: what `vmaprep validate --interpret
ORIG.c NEW.c -- FLAGS` needs to parse a copy of that file the way the tree does."""
import json
import shlex
import sys

db_path, source = sys.argv[1], sys.argv[2]
for entry in json.load(open(db_path)):
    if entry["file"] != source and not source.endswith("/" + entry["file"]):
        continue
    args = entry.get("arguments") or shlex.split(entry["command"])
    out, skip = [], False
    for arg in args[1:]:
        if skip:
            skip = False
        elif arg == "-o":
            skip = True
        elif arg == "-c" or arg.endswith(".c"):
            continue
        else:
            out.append(arg)
    print("\n".join(out))
    sys.exit(0)
sys.exit("compile-flags: %s is not in %s" % (source, db_path))
