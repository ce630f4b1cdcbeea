#!/usr/bin/env python3
"""Writes vmaprep.1 from the tool's own --help texts, so the man page and --help
never disagree: one section per command, each the command's --help as printed.

    gen-manpage.py VMAPREP_BINARY OUTPUT.1
"""
import datetime
import os
import subprocess
import sys

COMMANDS = ["check", "fix", "validate", "merge", "report"]


def run(binary, *args):
    out = subprocess.run([binary, *args], capture_output=True, text=True, check=True)
    return out.stdout


def roff_escape(text):
    lines = []
    for line in text.rstrip("\n").split("\n"):
        line = line.replace("\\", "\\e")
        if line.startswith((".", "'")):
            line = "\\&" + line
        lines.append(line)
    return "\n".join(lines)


def main():
    binary, output = sys.argv[1], sys.argv[2]
    version = run(binary, "--version").split()[1]
    # SOURCE_DATE_EPOCH keeps the page reproducible (Debian's convention).
    stamp = int(os.environ.get("SOURCE_DATE_EPOCH", "0")) or None
    date = datetime.datetime.fromtimestamp(stamp, datetime.timezone.utc) if stamp else datetime.date(2026, 1, 1)
    page = [
        '.TH VMAPREP 1 "%s" "vmaprep %s" "User Commands"' % (date.strftime("%Y-%m-%d"), version),
        ".SH NAME",
        "vmaprep \\- migrate Linux kernel file_operations->mmap handlers to ->mmap_prepare",
        ".SH SYNOPSIS",
    ]
    for command in COMMANDS:
        page.append(".B vmaprep %s\n.RI [ options ]" % command)
        page.append(".br")
    page += [
        ".SH DESCRIPTION",
        "vmaprep finds every file_operations mmap handler of a kernel tree through its",
        "compile_commands.json, says whether and how each converts to mmap_prepare",
        "(\\fBcheck\\fR), rewrites those that convert mechanically after proving each",
        "rewrite on a model of the kernel's VMA layer (\\fBfix\\fR), compares an original",
        "and a rewritten handler (\\fBvalidate\\fR), merges sharded results (\\fBmerge\\fR)",
        "and writes reports (\\fBreport\\fR). Each section below is the command's",
        "\\fB\\-\\-help\\fR.",
    ]
    for command in COMMANDS:
        page.append('.SH "VMAPREP %s"' % command.upper())
        page.append(".nf")
        page.append(roff_escape(run(binary, command, "--help")))
        page.append(".fi")
    page += [
        ".SH FILES",
        ".TP",
        ".I PREFIX/share/vmaprep/kshim/include",
        "the kernel API shim \\fBvmaprep validate\\fR compiles handlers against, found relative",
        "to the executable (\\fBVMAPREP_KSHIM_DIR\\fR overrides)",
        ".TP",
        ".I PREFIX/lib/vmaprep/libVmaprepTidy.so",
        "the clang-tidy-19 plugin (\\fBclang-tidy-19 \\-\\-load=...\\fR)",
        ".TP",
        ".I .vmaprep.yaml",
        "a tree's defaults, found above the compile database",
        ".SH ENVIRONMENT",
        ".TP",
        ".B NO_COLOR",
        "no colour on a terminal",
        ".SH SEE ALSO",
        ".BR clang-tidy-19 (1),",
        ".BR clang-apply-replacements-19 (1),",
        ".BR git-am (1)",
    ]
    os.makedirs(os.path.dirname(os.path.abspath(output)), exist_ok=True)
    with open(output + ".tmp", "w") as f:
        f.write("\n".join(page) + "\n")
    os.replace(output + ".tmp", output)


if __name__ == "__main__":
    main()
