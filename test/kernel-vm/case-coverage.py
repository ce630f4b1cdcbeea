#!/usr/bin/env python3
"""Holds the real-kernel cases to what the analysis knows about each handler.

    case-coverage.py CHECK_JSON HANDLERS_TSV TRANSCRIPT

CHECK_JSON is `vmaprep check --format json` over the original (put-back) sources; HANDLERS_TSV is
test/kernel-vm/handlers.tsv; TRANSCRIPT is the original kernel's mmap-cases lines. For every handler the test
exercises, the analysis's effects say which properties of the mapping its code looks at: the VM_* flags it tests
(`flags-test` operands), the mapping's size (`size-query`, `vm_start`/`vm_end` reads) and its offset (`vm_pgoff`
reads). Each property user space controls must have been tried both ways by the cases that ran on the handler's
tags: VM_WRITE a writable and a read-only protection, VM_SHARED a shared and a private mapping, VM_MAYSHARE and
VM_MAYWRITE a shared mapping of a file opened read-only (the only way to have VM_MAYSHARE without VM_SHARED, or a
shared mapping without VM_MAYWRITE), VM_EXEC an executable protection, VM_READ PROT_NONE, the size one page and
several, the offset zero and not; and every comparison of the extent with a constant (the analysis's `bounds`, and
the bound vm_iomap_memory() makes with a constant size) made true by one case and false by another. Flags user
space cannot set (VM_IO, VM_PFNMAP, ...) are listed as such.

The other direction, what the handler does: every flag it sets or clears (`flags-change`) must show in the smaps
VmFlags of a mapping that succeeded (set: the mnemonic present; cleared: absent), and a `vm_ops` it installs or a
mapping call it makes must have been read through (a page read of a successful mapping), so that the comparison of
the two kernels could see the effect go missing. Effects user space cannot observe (`vm_private_data`, the page
protection's cache mode) are listed as such.

Prints one line per handler (what was tested, what covered it; what it does, what showed it) and exits 1 when a
property was not covered or an observable effect not observed (the cases must be widened: mmap-cases' table, or an
--open rdonly run of the handler's device), 2 on bad input.
"""
import json
import re
import sys

# A property and the case lines (mmap-cases: "TAG CASE: mmap(pages N, offset +O, prot rwx, shared|private)") that
# try it each way. A case is identified by what it asked for, so a widened table is picked up without edits here.
PROPERTIES = {
    "VM_WRITE": (lambda c: "w" in c["prot"], lambda c: "w" not in c["prot"]),
    "VM_SHARED": (lambda c: c["shared"], lambda c: not c["shared"]),
    "VM_MAYSHARE": (lambda c: c["shared"] and c["rdonly"], lambda c: not c["shared"]),
    "VM_MAYWRITE": (lambda c: not c["rdonly"] or not c["shared"], lambda c: c["rdonly"] and c["shared"]),
    "VM_EXEC": (lambda c: "x" in c["prot"], lambda c: "x" not in c["prot"]),
    "VM_READ": (lambda c: "r" in c["prot"], lambda c: c["prot"] == "---"),
    "size": (lambda c: c["pages"] == 1, lambda c: c["pages"] > 1),
    "offset": (lambda c: c["offset"] == 0, lambda c: c["offset"] != 0),
}
# Flags the kernel or the driver sets; no mmap(2) argument chooses them.
NOT_FROM_USER_SPACE = {"VM_IO", "VM_PFNMAP", "VM_DONTEXPAND", "VM_DONTDUMP", "VM_DONTCOPY", "VM_MIXEDMAP",
                       "VM_HUGEPAGE", "VM_NOHUGEPAGE", "VM_LOCKED", "VM_WIPEONFORK", "VM_SEQ_READ", "VM_RAND_READ",
                       "VM_SYNC", "VM_ACCOUNT", "VM_NORESERVE", "VM_GROWSDOWN", "VM_GROWSUP", "VM_MAYREAD",
                       "VM_MAYEXEC", "VM_SOFTDIRTY", "VM_UFFD_MISSING", "VM_HUGETLB", "VM_DROPPABLE"}

# Mapping calls that check the mapping's size and offset themselves (mm/memory.c vm_iomap_memory(): the length
# and vm_pgoff against the region it is given).
MAPPING_CHECKS = {"vm_iomap_memory": {"size", "offset"}}
# ... and the bound such a check makes when the call's size is a constant (the analysis's size_value), in the form
# of the analysis's bounds: vm_iomap_memory(vma, start, len) with a page-aligned start refuses unless vm_pgoff plus
# the mapping's pages fit in the pages len covers.
MAPPING_BOUNDS = {"vm_iomap_memory": lambda size, page: {"size": 0, "pages": 1, "pgoff": 1, "constant": 0,
                                                          "divisor": 1, "op": "<=", "value": -(-size // page)}}
PAGE_SIZE = 4096  # the guest's (x86_64)


def bounds_of(handler, page=PAGE_SIZE):
    """The comparisons of the mapping's extent with constants that decide the handler's checks (the analysis's
    `bounds`, and the bound a mapping call with a constant size makes), each once."""
    out = []
    for e in handler.get("effects", []):
        found = list(e.get("bounds", []))
        if e.get("kind") == "mapping" and "size_value" in e and e.get("name") in MAPPING_BOUNDS:
            found.append(MAPPING_BOUNDS[e["name"]](e["size_value"], page))
        for b in found:
            if b not in out:
                out.append(b)
    return out


def bound_holds(b, pages, pgoff, page=PAGE_SIZE):
    """Whether a mapping of PAGES pages at page offset PGOFF makes the comparison B true (C's division: toward 0)."""
    n = b["size"] * pages * page + b["pages"] * pages + b["pgoff"] * pgoff + b["constant"]
    d = b["divisor"]
    v = abs(n) // d * (1 if n >= 0 else -1)
    return {"<": v < b["value"], "<=": v <= b["value"], ">": v > b["value"], ">=": v >= b["value"],
            "==": v == b["value"], "!=": v != b["value"]}[b["op"]]


def bound_sides(b, page=PAGE_SIZE):
    """Pairs of mappings (pages, pgoff) next to each other on the two sides of the comparison B: the size varied at
    page offset 0 when B looks at the size, the offset varied at one page when it looks at the offset. Empty when no
    mapping user space can ask for (1 to 1024 pages, offsets below 2^20 pages) is on both sides: `size == 0` is
    never true of a mapping."""
    def flip(points, at):
        points = sorted(set(points))
        for lo, hi in zip(points, points[1:]):
            if bound_holds(b, *at(lo), page) != bound_holds(b, *at(hi), page):
                return at(lo), at(hi)
        return None

    def near(per_unit, fixed, low, high):
        # Where the comparison turns, solved for the varied quantity, and its neighbours.
        if not per_unit:
            return []
        root = int((b["value"] * b["divisor"] - b["constant"] - fixed) / per_unit)
        return [x for x in range(root - 1, root + 3) if low <= x <= high]

    pairs = []
    per_page = b["size"] * page + b["pages"]
    if per_page:
        pairs.append(flip(list(range(1, 65)) + near(per_page, 0, 1, 1024) + [1024], lambda p: (p, 0)))
    if b["pgoff"]:
        pairs.append(flip(list(range(0, 65)) + near(b["pgoff"], per_page, 0, 1 << 20) + [(1 << 20) - 1],
                          lambda o: (1, o)))
    return [p for p in pairs if p]


def bound_text(b):
    terms = [t for t, k in (("size", "size"), ("pages", "pages"), ("pgoff", "pgoff")) if b[k]]
    lhs = " + ".join(f"{b[t]}*{t}" if b[t] != 1 else t for t in terms)
    if b["constant"]:
        lhs += f" + {b['constant']}"
    if b["divisor"] != 1:
        lhs = f"({lhs}) / {b['divisor']}"
    return f"{lhs} {b['op']} {b['value']}"

# fs/proc/task_mmu.c show_smap_vma_flags(): the VmFlags mnemonic of each flag.
MNEMONIC = {"VM_READ": "rd", "VM_WRITE": "wr", "VM_EXEC": "ex", "VM_SHARED": "sh", "VM_MAYREAD": "mr",
            "VM_MAYWRITE": "mw", "VM_MAYEXEC": "me", "VM_MAYSHARE": "ms", "VM_GROWSDOWN": "gd", "VM_PFNMAP": "pf",
            "VM_LOCKED": "lo", "VM_IO": "io", "VM_SEQ_READ": "sr", "VM_RAND_READ": "rr", "VM_DONTCOPY": "dc",
            "VM_DONTEXPAND": "de", "VM_LOCKONFAULT": "lf", "VM_ACCOUNT": "ac", "VM_NORESERVE": "nr",
            "VM_HUGETLB": "ht", "VM_SYNC": "sf", "VM_WIPEONFORK": "wf", "VM_DONTDUMP": "dd", "VM_SOFTDIRTY": "sd",
            "VM_MIXEDMAP": "mm", "VM_HUGEPAGE": "hg", "VM_NOHUGEPAGE": "nh", "VM_MERGEABLE": "mg"}

CASE_LINE = re.compile(r"^(\S+) (\S+): mmap\(pages (\d+), offset \+(-?\d+), prot ([r-][w-][x-]), (shared|private)\)$")
OPEN_LINE = re.compile(r"^(\S+) open: .* = ok$")
MAPS_LINE = re.compile(r"^(\S+) (\S+): maps \[.*\] .* flags ?(.*)$")
READ_LINE = re.compile(r"^(\S+) (\S+): (first|last) page (hash|SIGBUS|SIGSEGV)")


def effects_of(handler):
    """What the handler does that a transcript can show: (flags set, flags cleared, read through, unobservable)."""
    set_flags, cleared, read_through, hidden = set(), set(), [], set()
    for e in handler.get("effects", []):
        kind, name, ops = e.get("kind"), e.get("name", ""), e.get("operands", [])
        if kind == "flags-change":
            flags = [set(re.findall(r"\bVM_[A-Z_]+\b", o)) for o in ops]
            if name in ("vm_flags_set",) and flags:
                set_flags |= flags[0]
            elif name in ("vm_flags_clear",) and flags:
                cleared |= flags[0]
            elif name == "vm_flags_mod" and len(flags) == 2:
                set_flags |= flags[0]
                cleared |= flags[1]
            else:
                hidden.add(f"{name}()")
        elif kind == "field-write" and name == "vm_ops":
            read_through.append("vm_ops")
        elif kind == "mapping":
            read_through.append(f"{name}()")
        elif kind == "field-write":
            hidden.add(name)
    return set_flags, cleared, read_through, hidden


def properties_of(handler):
    """The properties the handler's code looks at, from its analysed effects."""
    props = set()
    for e in handler.get("effects", []):
        kind, name = e.get("kind"), e.get("name", "")
        if kind == "flags-test":
            for operand in e.get("operands", []) or [e.get("text", "")]:
                flags = set(re.findall(r"\bVM_[A-Z_]+\b", operand))
                # (VM_SHARED | VM_MAYSHARE) together is set exactly for a MAP_SHARED mapping (a read-only file's
                # has VM_MAYSHARE alone): shared against private tries it.
                if {"VM_SHARED", "VM_MAYSHARE"} <= flags:
                    flags -= {"VM_MAYSHARE"}
                props.update(flags)
        elif kind == "size-query" or (kind == "field-read" and name in ("vm_start", "vm_end")):
            props.add("size")
        elif kind == "field-read" and name == "vm_pgoff":
            props.add("offset")
        elif kind == "mapping" and name in MAPPING_CHECKS:
            props.update(MAPPING_CHECKS[name])
    return props


def load(check_json, handlers_tsv):
    """The analysed handlers by name (the first of a name), and handlers.tsv's rows. Raises OSError, ValueError."""
    check = json.load(open(check_json))
    rows = [l.rstrip("\n").split("\t") for l in open(handlers_tsv) if l.strip() and not l.startswith("#")]
    by_name = {}
    for h in check.get("handlers", []):
        by_name.setdefault(h["function"], h)
    return by_name, rows


def main(argv):
    if len(argv) != 4:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    try:
        by_name, rows = load(argv[1], argv[2])
        transcript = open(argv[3]).read().splitlines()
    except (OSError, ValueError, KeyError) as err:
        print(f"case-coverage: {err}", file=sys.stderr)
        return 2

    # The cases each tag ran, with the open mode its "open" line announced.
    rdonly = {m.group(1) for l in transcript for m in [OPEN_LINE.match(l)] if m and "(read-only)" in l}
    # The page the cases' offsets count from (mmap-cases --base; the handler sees it in vm_pgoff).
    base = {m.group(1): int(b.group(1)) for l in transcript for m in [OPEN_LINE.match(l)] if m
            for b in [re.search(r", base page (\d+) = ok$", l)] if b}
    cases = {}
    for l in transcript:
        m = CASE_LINE.match(l)
        if m:
            tag = m.group(1)
            cases.setdefault(tag, []).append({"name": m.group(2), "pages": int(m.group(3)),
                                              "offset": int(m.group(4)), "prot": m.group(5),
                                              "shared": m.group(6) == "shared", "rdonly": tag in rdonly,
                                              "pgoff": base.get(tag, 0) + int(m.group(4))})
    uncovered = 0
    for row in rows:
        if len(row) < 5 or row[3] == "-":
            continue
        name, tags = row[0], row[3].split(",")
        h = by_name.get(name)
        if h is None:
            print(f"case-coverage: {name}: not in the analysis (vmaprep check found no such handler)")
            uncovered += 1
            continue
        ran = [dict(c, tag=t) for t in tags for c in cases.get(t, [])]
        if not ran:
            print(f"case-coverage: {name}: no case ran on {', '.join(tags)}")
            uncovered += 1
            continue
        said, missing, fixed, never = [], [], [], []
        for p in sorted(properties_of(h)):
            if p in NOT_FROM_USER_SPACE:
                fixed.append(p)
                continue
            if p not in PROPERTIES:
                fixed.append(p + " (no case can choose it)")
                continue
            yes, no = PROPERTIES[p]
            a = next((c for c in ran if yes(c)), None)
            b = next((c for c in ran if no(c)), None)
            if a and b:
                said.append(f"{p} ({a['tag']} {a['name']} / {b['tag']} {b['name']})")
            else:
                missing.append(p + (" (no case had it)" if not a else " (every case had it)"))
        for b in bounds_of(h):
            a = next((c for c in ran if bound_holds(b, c["pages"], c["pgoff"])), None)
            z = next((c for c in ran if not bound_holds(b, c["pages"], c["pgoff"])), None)
            if a and z:
                said.append(f"{bound_text(b)} ({a['tag']} {a['name']} / {z['tag']} {z['name']})")
            elif not bound_sides(b):
                never.append(f"{bound_text(b)} ({'always' if a else 'never'} true)")
            else:
                missing.append(f"{bound_text(b)} ({'no case made it false' if a else 'no case made it true'})")
        line = f"{name}: tests " + ("; ".join(said) if said else "no property a case chooses")
        if fixed:
            line += "; set by the kernel or driver only: " + ", ".join(fixed)
        if never:
            line += "; the same for every mapping user space can ask for: " + ", ".join(never)
        # What it does, seen in the mappings that succeeded.
        flag_lines = [(m.group(1), m.group(2), m.group(3).split()) for l in transcript
                      for m in [MAPS_LINE.match(l)] if m and m.group(1) in tags]
        reads = [(m.group(1), m.group(2)) for l in transcript for m in [READ_LINE.match(l)] if m and m.group(1) in tags]
        set_flags, cleared, read_through, hidden = effects_of(h)
        shown = []
        for f in sorted(set_flags | cleared):
            mn = MNEMONIC.get(f)
            if not mn:
                hidden.add(f)
                continue
            want = f in set_flags
            seen = next(((t, c) for t, c, fl in flag_lines if (mn in fl) == want), None)
            if seen:
                shown.append(f"{'' if want else 'no '}{mn} ({seen[0]} {seen[1]})")
            else:
                missing.append(f"{f} {'set' if want else 'cleared'} (no mapping's VmFlags showed it)")
        for what in read_through:
            if reads:
                shown.append(f"{what} read through ({reads[0][0]} {reads[0][1]})")
            else:
                missing.append(f"{what} (no page of a mapping was read)")
        if shown:
            line += "; does, seen: " + ", ".join(shown)
        if hidden:
            line += "; does, not observable from user space: " + ", ".join(sorted(hidden))
        if missing:
            line += "; NOT COVERED: " + ", ".join(missing)
            uncovered += 1
        print(line)
    return 1 if uncovered else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
