#!/usr/bin/env python3
"""Writes the cases the analysis asks for, per mmap-cases tag.

    gen-cases.py CHECK_JSON HANDLERS_TSV OUTDIR

CHECK_JSON is `vmaprep check --format json` over the original sources, HANDLERS_TSV test/kernel-vm/handlers.tsv.
For every handler the test exercises, and each comparison its code makes of the mapping's extent with a constant
(the analysis's `bounds` on vm_start/vm_end/vm_pgoff reads and vma_pages(); the bound vm_iomap_memory() makes with a
constant size: case-coverage.py's bounds_of()), two mappings next to each other on either side of it
(bound_sides()): the size at the turn, and one page more or less; or the offset. They go to OUTDIR/TAG for each of
the handler's tags, one case a line ("NAME OFFSET PAGES PROT SHARING", mmap-cases --cases), a shared read-only
mapping each; a tag with none gets an empty file. The table mmap-cases always runs tries the rest: protections,
sharing, one page and several, offsets inside and past the object (case-coverage.py checks both).

Offsets are pages from the tag's --base (only /dev/mem has one, and mmap_mem compares with no constant); the
coverage check counts them from the base the transcript shows, so a bound missed by a base fails it there.
Prints one line per tag with cases. Exit status 2 on bad input.
"""
import importlib.util
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("case_coverage", os.path.join(HERE, "case-coverage.py"))
coverage = importlib.util.module_from_spec(spec)
spec.loader.exec_module(coverage)


def main(argv):
    if len(argv) != 4:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    try:
        by_name, rows = coverage.load(argv[1], argv[2])
    except (OSError, ValueError, KeyError) as err:
        print(f"gen-cases: {err}", file=sys.stderr)
        return 2
    os.makedirs(argv[3], exist_ok=True)
    for row in rows:
        if len(row) < 5 or row[3] == "-":
            continue
        h = by_name.get(row[0])
        cases = []
        for b in coverage.bounds_of(h) if h else []:
            for pages, pgoff in (point for pair in coverage.bound_sides(b) for point in pair):
                case = f"bound-{pages}p-off{pgoff} {pgoff} {pages} r-- shared"
                if case not in cases:
                    cases.append(case)
        for tag in row[3].split(","):
            with open(os.path.join(argv[3], tag), "w") as out:
                out.write("".join(c + "\n" for c in cases))
            if cases:
                print(f"gen-cases: {tag} ({row[0]}): {', '.join(c.split()[0] for c in cases)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
