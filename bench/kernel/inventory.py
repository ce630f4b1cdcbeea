#!/usr/bin/env python3
"""The whole-kernel inventory (markdown) from bench/kernel/whole-kernel.sh's output.

    inventory.py SRCTREE OUTDIR ARCH...

Reads OUTDIR/ARCH/{check.json, check.time, fix.time, fix.stderr, kernel-db.time, build/compile_commands.json,
build/kernel-db-candidates.txt, build/kernel-db-failed.txt}; prints totals, legacy handlers by verdict and by
reason, by MAINTAINERS entry, subsystem hooks by ops member, and the handlers only some architectures build.
"""
import collections
import fnmatch
import json
import os
import sys


def rel(path, src):
    try:
        return os.path.relpath(os.path.realpath(path), os.path.realpath(src))
    except ValueError:
        return path


def maintainers(src):
    """(entry name, [F: patterns]) in file order."""
    entries, name, pats = [], None, []
    try:
        lines = open(os.path.join(src, 'MAINTAINERS'), errors='replace').read().split('\n')
    except OSError:
        return entries
    for line in lines:
        if line and not line[0].isspace() and len(line) > 2 and line[1] != ':':
            if name and pats:
                entries.append((name, pats))
            name, pats = line.strip(), []
        elif line.startswith('F:'):
            pats.append(line[2:].strip())
    if name and pats:
        entries.append((name, pats))
    return entries


def entry_for(path, entries):
    """The entry whose F: pattern matches PATH most specifically (longest pattern)."""
    best, best_len = '(none)', -1
    for name, pats in entries:
        for p in pats:
            ok = path.startswith(p) if p.endswith('/') else fnmatch.fnmatch(path, p)
            if ok and len(p) > best_len:
                best, best_len = name, len(p)
    return best


def read(path, default=''):
    try:
        return open(path).read().strip()
    except OSError:
        return default


def last_line(path):
    """/usr/bin/time -o puts "Command exited with non-zero status N" before its line when N > 0."""
    return (read(path).split('\n') or [''])[-1]


def lines(path):
    return [l for l in read(path).split('\n') if l]


def main(argv):
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    src, out, arches = argv[0], argv[1], argv[2:]
    entries = maintainers(src)
    docs, legacy = {}, {}
    print('# Whole-kernel inventory\n')
    print('| arch | candidates | built | not built | TUs analysed | input errors | legacy handlers | '
          'already mmap_prepare | subsystem hooks | kernel-db | check | fix --dry-run |')
    print('|---|---|---|---|---|---|---|---|---|---|---|---|')
    for a in arches:
        d = os.path.join(out, a)
        try:
            doc = json.load(open(os.path.join(d, 'check.json')))
        except (OSError, ValueError) as e:
            print('| %s | (no check.json: %s) |' % (a, e))
            continue
        docs[a] = doc
        hs = doc.get('handlers') or []
        legacy[a] = {(h['function'], rel(h['file'], src)): h for h in hs if h.get('hook') == 'mmap'}
        prep = sum(1 for h in hs if h.get('hook') == 'mmap_prepare')
        s = doc.get('summary') or {}
        db = os.path.join(d, 'build', 'compile_commands.json')
        built = len(json.load(open(db))) if os.path.exists(db) else 0
        print('| %s | %d | %d | %d | %s | %s | %d | %d | %d | %s | %s | %s |' % (
            a, len(lines(os.path.join(d, 'build', 'kernel-db-candidates.txt'))), built,
            len(lines(os.path.join(d, 'build', 'kernel-db-failed.txt'))), s.get('files_analysed'),
            s.get('input_errors'), len(legacy[a]), prep, len(doc.get('subsystem_hooks') or []),
            last_line(os.path.join(d, 'kernel-db.time')), last_line(os.path.join(d, 'check.time')),
            last_line(os.path.join(d, 'fix.time'))))
    print()
    for a in docs:
        fix = [l for l in lines(os.path.join(out, a, 'fix.stderr')) if l.startswith('vmaprep: converted')]
        if fix:
            print('- %s fix --dry-run: %s' % (a, fix[-1][len('vmaprep: '):]))
    print()

    union = {}
    for a in docs:
        for k, h in legacy[a].items():
            union.setdefault(k, (h, []))[1].append(a)
    print('## Legacy handlers (all architectures, each once): %d\n' % len(union))
    verdicts = collections.Counter(h['verdict'] for h, _ in union.values())
    print('| verdict | handlers |\n|---|---|')
    for v, n in verdicts.most_common():
        print('| %s | %d |' % (v, n))
    reasons = collections.Counter(r.get('id') for h, _ in union.values() for r in (h.get('reasons') or []))
    print('\n| reason | handlers |\n|---|---|')
    for r, n in reasons.most_common():
        print('| %s | %d |' % (r, n))
    by_entry = collections.defaultdict(collections.Counter)
    for (fn, path), (h, _) in union.items():
        by_entry[entry_for(path, entries)][h['verdict']] += 1
    print('\n## By MAINTAINERS entry (%d entries)\n' % len(by_entry))
    print('| entry | handlers | verdicts |\n|---|---|---|')
    for e, c in sorted(by_entry.items(), key=lambda kv: (-sum(kv[1].values()), kv[0])):
        print('| %s | %d | %s |' % (e, sum(c.values()), ', '.join('%s %d' % kv for kv in c.most_common())))
    if len(docs) > 1:
        print('\n## Handlers only some architectures build\n')
        print('| handler | file | verdict | built on |\n|---|---|---|---|')
        for (fn, path), (h, on) in sorted(union.items(), key=lambda kv: (kv[0][1], kv[0][0])):
            if len(on) < len(docs):
                print('| %s | %s | %s | %s |' % (fn, path, h['verdict'], ', '.join(on)))
    hooks = collections.Counter()
    # As if the subsystem had a prepare hook (check's verdict of each
    # implementation whose body it saw): what converting the subsystem costs.
    hook_verdicts = collections.defaultdict(collections.Counter)
    hook_reasons = collections.defaultdict(collections.Counter)
    seen = set()
    for a, doc in docs.items():
        for x in doc.get('subsystem_hooks') or []:
            # As vmaprep report counts: a body elsewhere is one shared function, a body
            # seen is one per file (static functions of one name in several drivers).
            key = (x.get('function'), rel(x.get('file', ''), src) if x.get('body_visible') else '',
                   x.get('record'), x.get('member'))
            if key not in seen:
                seen.add(key)
                member = '%s.%s' % (x.get('record'), x.get('member'))
                hooks[member] += 1
                hook_verdicts[member][x.get('verdict') or 'body elsewhere'] += 1
                if x.get('verdict') not in (None, 'auto-convertible') and x.get('reasons'):
                    hook_reasons[member][x['reasons'][0].get('id')] += 1
    print('\n## Subsystem hook implementations (all architectures, each once): %d\n' % sum(hooks.values()))
    print('Each implementation whose body check saw is classified as if its subsystem had a prepare hook.\n')
    print('| ops member | implementations | verdicts | what blocks them |\n|---|---|---|---|')
    for k, n in hooks.most_common():
        print('| %s | %d | %s | %s |' % (k, n, ', '.join('%s %d' % v for v in hook_verdicts[k].most_common()),
                                        ', '.join('%s %d' % r for r in hook_reasons[k].most_common(4))))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
