#!/usr/bin/env python3
"""make DIR HEADERS: writes a driver whose file name is not UTF-8 (byte 0xff)
and a compile database for it. paths JSON: prints, for each "file" of a
vmaprep JSON document, whether the path it names (its exact bytes from
"file_bytes" when present) exists. sarif SARIF: prints, for each result's
location, its URI and whether the file it names (percent-decoded, RFC 3986,
against %SRCROOT%) exists. links REPORT ROOT: checks that a Markdown or HTML
report is UTF-8 and prints, for each link to a file, its target and whether
the file it names (percent-decoded, against ROOT) exists. baseline FILE ROOT:
prints, for each finding of a baseline, whether the path it names ("path_bytes"
when present) exists under ROOT."""
import re
import json
import os
import sys
import urllib.parse

if sys.argv[1] == "make":
    out, headers = sys.argv[2].encode(), sys.argv[3]
    name = b"drv-\xff.c"
    with open(os.path.join(out, name), "w") as f:
        f.write("#include <linux/fs.h>\n#include <linux/mm.h>\n"
                "static int foo_mmap(struct file *file, struct vm_area_struct *vma)\n{\n"
                "\tvm_flags_set(vma, VM_DONTEXPAND);\n\treturn 0;\n}\n"
                "static const struct file_operations foo_fops = { .mmap = foo_mmap };\n")
    # The database is written as bytes: JSON text may carry any byte in a string.
    entry = (b'[{"directory": "' + out + b'", "file": "' + name + b'", "command": "clang-19 -nostdinc -I'
             + headers.encode() + b' -c ' + name + b'"}]')
    with open(os.path.join(out, b"compile_commands.json"), "wb") as f:
        f.write(entry)
elif sys.argv[1] == "sarif":
    run = json.load(open(sys.argv[2]))["runs"][0]
    root = urllib.parse.unquote_to_bytes(run["originalUriBaseIds"]["%SRCROOT%"]["uri"][len("file://"):])
    for r in run["results"]:
        art = r["locations"][0]["physicalLocation"]["artifactLocation"]
        path = urllib.parse.unquote_to_bytes(art["uri"])
        if art.get("uriBaseId") == "%SRCROOT%":
            path = root + path
        print("result", r["ruleId"], "uri", art["uri"], "file exists:", os.path.exists(path))
elif sys.argv[1] == "links":
    text = open(sys.argv[2], "rb").read().decode("utf-8")  # raises if not UTF-8
    root = sys.argv[3].encode()
    for target in re.findall(r'\]\(([^)#]+)#L\d+\)|href="([^"#]+)#L\d+"', text):
        target = target[0] or target[1]
        path = os.path.join(root, urllib.parse.unquote_to_bytes(target))
        print("link", target, "file exists:", os.path.exists(path))
elif sys.argv[1] == "baseline":
    root = sys.argv[3].encode()
    for f in json.load(open(sys.argv[2]))["findings"]:
        path = bytes.fromhex(f["path_bytes"]) if "path_bytes" in f else f["path"].encode()
        print("finding", f["function"], "file exists:", os.path.exists(os.path.join(root, path)))
else:
    doc = json.load(open(sys.argv[2]))
    for h in doc["handlers"]:
        path = bytes.fromhex(h["file_bytes"]) if "file_bytes" in h else h["file"].encode()
        print("handler", h["function"], "file exists:", os.path.exists(path))
