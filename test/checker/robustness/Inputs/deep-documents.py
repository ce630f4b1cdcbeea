#!/usr/bin/env python3
"""Writes documents nested 100,000 deep into the directory given: a compile
database, a vmaprep JSON shard (also read as a baseline) and two
.vmaprep.yaml files (flow brackets, compact block sequences)."""
import os
import sys

out, n = sys.argv[1], 100000
os.makedirs(os.path.join(out, "db"), exist_ok=True)
files = {
    "db/compile_commands.json": "[" * n + "]" * n,
    "shard.json": '{"a":' * n + "1" + "}" * n,
    "flow.yaml": "api: " + "[" * n + "]" * n + "\n",
    "block.yaml": "exclude:\n" + "- " * n + "x\n",
}
for name, text in files.items():
    with open(os.path.join(out, name), "w") as f:
        f.write(text)
