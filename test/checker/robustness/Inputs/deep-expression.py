#!/usr/bin/env python3
"""Prints a driver whose mmap handler holds an expression nested N deep
(x + x + ... + x parses as a left-leaning tree N levels high)."""
import sys

depth = int(sys.argv[1])
print("#include <linux/fs.h>\n#include <linux/mm.h>\nstatic int x;")
print("static int deep_mmap(struct file *file, struct vm_area_struct *vma)\n{")
print("\tint v = " + " + ".join(["x"] * depth) + ";")
print("\tvm_flags_set(vma, VM_DONTEXPAND);\n\treturn v ? 0 : 0;\n}")
print("static const struct file_operations deep_fops = { .mmap = deep_mmap };")
