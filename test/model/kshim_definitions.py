#!/usr/bin/env python3
"""Every function and object the kernel API shim declares out of line has a definition in the model.

vmaprep validate compiles a handler against runtime-model/kshim/include and loads it into the vmaprep
executable, which links the model library whole: a shim declaration with no definition in the model is
a handler that cannot be loaded ("undefined symbol"). This lists the declarations (clang's AST of a TU
that includes every shim header, at every API level, hosted as validate compiles) and the symbols the
model library defines (llvm-nm), and fails naming each declaration without a definition.

  kshim_definitions.py CLANG NM KSHIM_INCLUDE MODEL_LIBRARY
"""
import json
import os
import subprocess
import sys
import tempfile

LEVELS = ["61200", "61600", "61800", "61900", "70000", "70100"]


def shim_headers(include_dir):
    headers = []
    for root, _, files in os.walk(include_dir):
        for name in files:
            if name.endswith(".h"):
                headers.append(os.path.relpath(os.path.join(root, name), include_dir))
    return sorted(headers)


def declared(clang, include_dir, level):
    """Names of the non-inline, non-static functions without a body and the extern objects that the
    shim headers declare at one API level."""
    include_dir = os.path.realpath(include_dir)
    with tempfile.NamedTemporaryFile("w", suffix=".c", delete=False) as tu:
        # vmaprep/kapi.h first: it is the level gate every other header includes.
        for header in shim_headers(include_dir):
            tu.write(f"#include <{header}>\n")
        path = tu.name
    try:
        ast = subprocess.run(
            [clang, "-std=gnu11", "-fsyntax-only", f"-DVMAPREP_KAPI={level}", "-I", include_dir,
             "-Xclang", "-ast-dump=json", path],
            check=True, capture_output=True, text=True).stdout
    finally:
        os.unlink(path)
    names = set()
    current_file = [None]

    # The JSON dump names a location's file only when it differs from the previous location printed,
    # so the file of a declaration is the last one named in document order.
    def walk(node):
        if isinstance(node, dict):
            if "file" in node:
                current_file[0] = node["file"]
            for key, value in node.items():
                if key != "includedFrom":  # the includer, not a location: clang does not track it
                    walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for decl in json.loads(ast)["inner"]:
        walk(decl.get("loc", {}))
        walk(decl.get("range", {}))
        where = os.path.realpath(current_file[0]) if current_file[0] else ""
        walk(decl.get("inner", []))
        if not where.startswith(include_dir + os.sep) or decl.get("isImplicit"):
            continue
        kind = decl.get("kind")
        if decl.get("storageClass") == "static" or decl.get("inline"):
            continue
        if kind == "FunctionDecl":
            if not any(child.get("kind") == "CompoundStmt" for child in decl.get("inner", [])):
                names.add(decl["name"])
        elif kind == "VarDecl" and decl.get("storageClass") == "extern":
            names.add(decl["name"])
    return names


def defined(nm, library):
    out = subprocess.run([nm, "--defined-only", "--extern-only", "--format=just-symbols", library],
                         check=True, capture_output=True, text=True).stdout
    return {line.strip() for line in out.splitlines() if line.strip() and not line.endswith(":")}


def main():
    if len(sys.argv) != 5:
        print(__doc__, file=sys.stderr)
        return 2
    clang, nm, include_dir, library = sys.argv[1:]
    declarations = {}
    for level in LEVELS:
        for name in declared(clang, include_dir, level):
            declarations.setdefault(name, level)
    definitions = defined(nm, library)
    missing = sorted(name for name in declarations if name not in definitions)
    print(f"{len(declarations)} out-of-line declarations in {include_dir}, "
          f"{len(declarations) - len(missing)} defined in {os.path.basename(library)}")
    for name in missing:
        print(f"declared, not defined by the model: {name}")
    # A declaration that the walk mislocated would make this test vacuous: the shim declares dozens.
    if len(declarations) < 50:
        print("too few declarations found: the AST walk is broken", file=sys.stderr)
        return 1
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
