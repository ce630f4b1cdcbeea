#!/usr/bin/env python3
"""Independent oracle for the vmaprep end-to-end test on a real kernel tree (python3 stdlib only).

    check-kernel-tree.py TREE_DIR LABELS_TSV VMAPREP_JSON     check vmaprep's JSON against the oracle and labels
    check-kernel-tree.py --list TREE_DIR                       print the oracle's handler list (TSV) and exit

TREE_DIR is a kernel tree built in place or a `make O=` build directory (its `source` link names the sources).

The oracle does not use Clang. It reads the sources of the translation units named in TREE_DIR/compile_commands.json
and finds every function registered as a `file_operations` `.mmap` or `.mmap_prepare` handler:
  * designated initializers `.mmap = f` / `.mmap_prepare = f` whose enclosing initializer declares a
    `struct file_operations` (also arrays of them, e.g. sound/core/pcm_native.c's snd_pcm_f_ops[2]);
  * macros whose body produces such a member (e.g. DRM's DEFINE_DRM_GEM_FOPS -> DRM_GEM_FOPS ->
    `.mmap = drm_gem_mmap`), found by scanning #defines in include/ and in the TU itself, resolved transitively;
  * assignments `x.mmap = f;` / `p->mmap = f;` where x/p is declared as a struct file_operations in the file.
Preprocessor conditionals are evaluated against include/generated/autoconf.h for CONFIG_* expressions
(defined(), IS_ENABLED(), IS_BUILTIN(), IS_MODULE(), IS_REACHABLE()); code under a conditional that depends on any
other macro is kept but its handlers are marked uncertain (listed, not asserted).

Checks (exit 1 on any failure, 2 on bad input):
  1. every certain oracle handler appears in vmaprep's "handlers" (same function name; the TU file is the handler's
     file or one of its ops[].file), with the same hook;
  2. every row of LABELS_TSV (path, function, hook, verdict, reason) matches vmaprep's verdict;
  3. every labelled row is also found by the oracle (keeps the labels honest when the tree changes);
  4. vmaprep reported no errors for the TUs (a TU that does not compile is a failure here);
  5. a handler defined in one TU of the database and registered in another is analysed at its definition: no
     handler is left "body-not-visible" when exactly one TU of the database defines it with external linkage
     (the whole-database join).
"""
import json
import os
import re
import sys

# A legacy handler's definition: `name(struct file *f, struct vm_area_struct *v) {`; whether it is static is
# read from its declaration specifiers, back to the previous `;`, `}` or `{` (kernel style may put them on the
# line before the name).
DEFINITION_RE = re.compile(r'\b([A-Za-z_]\w*)\s*\(\s*struct\s+file\s*\*\s*\w*\s*,'
                           r'\s*struct\s+vm_area_struct\s*\*\s*\w*\s*\)\s*\{')


def external_definitions(text):
    """Names of the legacy handlers \p text defines with external linkage."""
    for m in DEFINITION_RE.finditer(text):
        start = max(text.rfind(c, 0, m.start()) for c in ';}{')
        if not re.search(r'\bstatic\b', text[start + 1:m.start()]):
            yield m.group(1)
MEMBER_RE = re.compile(r'\.\s*(mmap_prepare|mmap)\s*=\s*&?\s*([A-Za-z_]\w*)')
DEFINE_RE = re.compile(r'^[ \t]*#[ \t]*define[ \t]+([A-Za-z_]\w*)(\([^)]*\))?(.*)$', re.M)


def strip_comments(text):
    """Replace comments and string/char literals by blanks, keeping newlines (line numbers stay valid)."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == '/' and i + 1 < n and text[i + 1] == '*':
            j = text.find('*/', i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r'[^\n]', ' ', text[i:j]))
            i = j
        elif c == '/' and i + 1 < n and text[i + 1] == '/':
            j = text.find('\n', i)
            j = n if j < 0 else j
            out.append(' ' * (j - i))
            i = j
        elif c in '"\'':
            j = i + 1
            while j < n and text[j] != c:
                if text[j] == '\\':
                    j += 1
                elif text[j] == '\n':
                    break
                j += 1
            j = min(j + 1, n)
            out.append(c + re.sub(r'[^\n]', ' ', text[i + 1:j - 1]) + (c if j - 1 > i else ''))
            i = j
        else:
            out.append(c)
            i += 1
    return ''.join(out)


def load_autoconf(tree):
    conf = {}
    path = os.path.join(tree, 'include', 'generated', 'autoconf.h')
    with open(path) as f:
        for line in f:
            m = re.match(r'#define (CONFIG_\w+) (.*)', line)
            if m:
                conf[m.group(1)] = m.group(2).strip()
    return conf


class Cond:
    """Evaluate #if expressions: True, False, or None (depends on non-CONFIG macros)."""

    def __init__(self, conf):
        self.conf = conf

    def _val(self, name):
        return 1 if name in self.conf else 0

    def eval(self, expr):
        e = expr
        unknown = [False]

        def enabled(m):
            fn, sym = m.group(1), m.group(2)
            y = sym in self.conf
            mod = (sym + '_MODULE') in self.conf
            if fn == 'IS_BUILTIN':
                r = y
            elif fn == 'IS_MODULE':
                r = mod
            else:
                r = y or mod
            return ' 1 ' if r else ' 0 '
        e = re.sub(r'\b(IS_ENABLED|IS_BUILTIN|IS_MODULE|IS_REACHABLE)\s*\(\s*(CONFIG_\w+)\s*\)', enabled, e)

        def defined(m):
            sym = m.group(1) or m.group(2)
            if sym.startswith('CONFIG_'):
                return ' 1 ' if sym in self.conf else ' 0 '
            unknown[0] = True
            return ' 0 '
        e = re.sub(r'\bdefined\s*(?:\(\s*(\w+)\s*\)|(\w+))', defined, e)

        def ident(m):
            s = m.group(0)
            if s.startswith('CONFIG_'):
                v = self.conf.get(s, '0')
                return ' %s ' % (v if re.fullmatch(r'-?\d+|0x[0-9a-fA-F]+', v) else '1')
            unknown[0] = True
            return ' 0 '
        e = re.sub(r'\b[A-Za-z_]\w*\b', ident, e)
        e = re.sub(r'(\d+)[uUlL]+\b', r'\1', e)
        e = e.replace('&&', ' and ').replace('||', ' or ')
        e = re.sub(r'!(?!=)', ' not ', e)
        if unknown[0]:
            return None
        try:
            return bool(eval(e, {'__builtins__': {}}, {}))
        except Exception:
            return None


def active_mask(lines, cond):
    """Per line: 'on', 'off' or 'maybe' according to the #if nesting."""
    state = []  # stack of (parent_state, taken_so_far, current_branch_state)
    cur = 'on'
    res = []
    i = 0
    n = len(lines)
    while i < n:
        line = lines[i]
        full = line
        j = i
        while full.endswith('\\') and j + 1 < n:
            j += 1
            full = full[:-1] + ' ' + lines[j]
        m = re.match(r'\s*#\s*(if|ifdef|ifndef|elif|else|endif)\b(.*)', full)
        if m:
            kw, rest = m.group(1), m.group(2).strip()
            if kw in ('if', 'ifdef', 'ifndef'):
                if kw == 'if':
                    v = cond.eval(rest)
                else:
                    sym = rest.split()[0] if rest.split() else ''
                    if sym.startswith('CONFIG_'):
                        v = sym in cond.conf
                    else:
                        v = None
                    if kw == 'ifndef' and v is not None:
                        v = not v
                branch = _combine(cur, v)
                state.append((cur, v))
                cur = branch
            elif kw == 'elif':
                if state:
                    parent, taken = state[-1]
                    v = cond.eval(rest)
                    if taken is True:
                        nv = False
                    elif taken is None or v is None:
                        nv = None
                    else:
                        nv = v
                    newtaken = True if taken is True or v is True else (None if (taken is None or v is None) else False)
                    state[-1] = (parent, newtaken)
                    cur = _combine(parent, nv)
            elif kw == 'else':
                if state:
                    parent, taken = state[-1]
                    nv = None if taken is None else (not taken)
                    state[-1] = (parent, True)
                    cur = _combine(parent, nv)
            elif kw == 'endif':
                if state:
                    parent, _ = state.pop()
                    cur = parent
            for _ in range(i, j + 1):
                res.append('directive')
            i = j + 1
            continue
        res.append(cur)
        i += 1
    return res


def _combine(parent, v):
    if parent == 'off' or v is False:
        return 'off'
    if parent == 'maybe' or v is None:
        return 'maybe'
    return 'on'


def line_of(text, pos):
    return text.count('\n', 0, pos) + 1


def enclosing_decl(text, pos):
    """Walk back from pos to the outermost '{' of the initializer; return the declaration text before '='."""
    depth = 0
    i = pos
    outer = None
    while i > 0:
        i -= 1
        c = text[i]
        if c == '}':
            depth += 1
        elif c == '{':
            if depth == 0:
                outer = i
                # is this brace the initializer's opening brace (preceded by '=') or a nested one?
                k = i - 1
                while k >= 0 and text[k] in ' \t\n':
                    k -= 1
                if k >= 0 and text[k] == '=':
                    break
                # nested brace (array element) or a function body: keep walking outwards
            else:
                depth -= 1
        elif c == ';' and depth == 0:
            # reached a statement boundary without finding an initializer's '= {'
            return None, None
    if outer is None:
        return None, None
    k = outer - 1
    while k >= 0 and text[k] in ' \t\n':
        k -= 1
    if k < 0 or text[k] != '=':
        return None, None
    start = max(text.rfind(';', 0, k), text.rfind('}', 0, k), text.rfind('{', 0, k)) + 1
    # a preceding directive line ends the declaration too
    decl = text[start:k]
    decl = '\n'.join(l for l in decl.split('\n') if not l.lstrip().startswith('#'))
    return ' '.join(decl.split()), outer


def decl_is_fops(decl):
    return decl is not None and re.search(r'\bstruct\s+file_operations\b', decl) is not None


def decl_name(decl):
    m = re.search(r'([A-Za-z_]\w*)\s*(\[[^\]]*\]\s*)*$', decl or '')
    return m.group(1) if m else None


class MacroIndex:
    """#defines whose expansion yields a file_operations mmap/mmap_prepare member."""

    def __init__(self, tree):
        self.defs = {}  # name -> (body, file, line)
        inc = os.path.join(tree, 'include')
        for root, _, files in os.walk(inc):
            if os.path.join('include', 'generated') in root:
                pass
            for fn in files:
                if fn.endswith('.h'):
                    self.add_file(os.path.join(root, fn))
        self.resolve()

    def add_file(self, path, text=None):
        if text is None:
            try:
                with open(path, errors='replace') as f:
                    text = f.read()
            except OSError:
                return
        if '.mmap' not in text and 'FOPS' not in text and 'fops' not in text and 'file_operations' not in text:
            return
        joined = text.replace('\\\n', '  ')
        for m in DEFINE_RE.finditer(joined):
            name, body = m.group(1), (m.group(3) or '')
            if '.mmap' in body or re.search(r'\b[A-Z_]*F?OPS\w*\b', body) or 'file_operations' in body:
                self.defs.setdefault(name, (body, path, text.count('\n', 0, m.start()) + 1))

    def resolve(self):
        self.provides = {}  # name -> list of (hook, func)
        for name, (body, _, _) in self.defs.items():
            mem = [(h, f) for h, f in MEMBER_RE.findall(strip_comments(body))]
            if mem:
                self.provides[name] = mem
        changed = True
        while changed:
            changed = False
            for name, (body, _, _) in self.defs.items():
                if name in self.provides:
                    continue
                for other in list(self.provides):
                    if other != name and re.search(r'\b%s\b' % re.escape(other), body):
                        self.provides[name] = list(self.provides[other])
                        changed = True
                        break

    def defines_fops(self, name, seen=None):
        seen = seen or set()
        if name in seen or name not in self.defs:
            return False
        seen.add(name)
        body = self.defs[name][0]
        if re.search(r'\bstruct\s+file_operations\b', body):
            return True
        return False


def scan_tu(path, tree, macros, cond):
    """Return the oracle's handlers for one TU source file."""
    with open(path, errors='replace') as f:
        raw = f.read()
    local = MacroIndex.__new__(MacroIndex)
    local.defs = dict(macros.defs)
    local.add_file(path, raw)
    local.resolve()
    text = strip_comments(raw)
    lines = text.split('\n')
    mask = active_mask(lines, cond)
    # blank out inactive lines and directive lines so that later regexes see only live code
    live = []
    for ln, st in zip(lines, mask):
        live.append(' ' * len(ln) if st in ('off', 'directive') else ln)
    ltext = '\n'.join(live)
    rel = os.path.relpath(path, tree)
    found = []

    def state_at(pos):
        return mask[line_of(ltext, pos) - 1]

    # (a) designated initializers
    for m in MEMBER_RE.finditer(ltext):
        decl, _ = enclosing_decl(ltext, m.start())
        if decl_is_fops(decl):
            found.append(dict(file=rel, line=line_of(ltext, m.start()), function=m.group(2), hook=m.group(1),
                              table=decl_name(decl), macro=None, certain=state_at(m.start()) == 'on',
                              form='designated'))
    # (b) macro uses
    for name, mem in local.provides.items():
        for m in re.finditer(r'\b%s\b' % re.escape(name), ltext):
            # skip uses inside other macro bodies that are themselves providers (already counted by expansion)
            fops = local.defines_fops(name)
            table = None
            if fops:
                am = re.match(r'\s*\(\s*([A-Za-z_]\w*)', ltext[m.end():])
                table = am.group(1) if am else None
            else:
                decl, _ = enclosing_decl(ltext, m.start())
                fops = decl_is_fops(decl)
                table = decl_name(decl) if fops else None
            if not fops:
                continue
            for hook, func in mem:
                found.append(dict(file=rel, line=line_of(ltext, m.start()), function=func, hook=hook, table=table,
                                  macro=name, certain=state_at(m.start()) == 'on', form='macro'))
    # (c) assignments to a file_operations variable or pointer declared in this file
    fops_vars = set(re.findall(r'\bstruct\s+file_operations\s*\*?\s*(?:const\s+)?\*?\s*([A-Za-z_]\w*)', ltext))
    for m in re.finditer(r'([A-Za-z_]\w*)\s*(?:\.|->)\s*(mmap_prepare|mmap)\s*=\s*&?\s*([A-Za-z_]\w*)\s*;', ltext):
        if m.group(1) in fops_vars:
            found.append(dict(file=rel, line=line_of(ltext, m.start()), function=m.group(3), hook=m.group(2),
                              table=m.group(1), macro=None, certain=state_at(m.start()) == 'on', form='assignment'))
    return found


def source_dir(tree):
    """The source tree of TREE_DIR: TREE_DIR itself, or, for a `make O=` build directory, where its `source` link
    points (kbuild makes it); autoconf.h and compile_commands.json stay in the build directory."""
    src = os.path.join(tree, 'source')
    return os.path.realpath(src) if os.path.isfile(os.path.join(src, 'Makefile')) else tree


def oracle(build):
    tree = source_dir(build)
    dbp = os.path.join(build, 'compile_commands.json')
    try:
        with open(dbp) as f:
            db = json.load(f)
    except (OSError, ValueError) as e:
        sys.exit('error: cannot read %s: %s' % (dbp, e))
    cond = Cond(load_autoconf(build))
    macros = MacroIndex(tree)
    files = []
    for e in db:
        p = os.path.normpath(os.path.join(e.get('directory', build), e['file']))
        if p not in files:
            files.append(p)
    handlers = []
    for p in files:
        handlers.extend(scan_tu(p, tree, macros, cond))
    return files, handlers


def norm(p, tree):
    if not p:
        return ''
    p = os.path.normpath(p if os.path.isabs(p) else os.path.join(tree, p))
    try:
        return os.path.relpath(os.path.realpath(p), os.path.realpath(tree))
    except ValueError:
        return p


def vm_files(h, tree):
    fs = {norm(h.get('file'), tree)}
    for o in h.get('ops') or []:
        fs.add(norm(o.get('file'), tree))
    return fs


def find_vm(vm_handlers, tree, func, rel):
    return [h for h in vm_handlers if h.get('function') == func and rel in vm_files(h, tree)]


def print_table(title, rows, header):
    print('%s (%d)' % (title, len(rows)))
    if not rows:
        return
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows)]
    fmt = '  ' + '  '.join('%%-%ds' % w for w in widths)
    print(fmt % tuple(header))
    for r in rows:
        print(fmt % tuple(str(x) for x in r))


def read_labels(path):
    rows = []
    with open(path) as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip('\n')
            if not line.strip() or line.startswith('#'):
                continue
            parts = line.split('\t')
            if len(parts) < 4:
                sys.exit('error: %s:%d: expected path<TAB>function<TAB>hook<TAB>verdict<TAB>reason' % (path, n))
            rows.append(dict(file=parts[0], function=parts[1], hook=parts[2], verdict=parts[3],
                             reason=parts[4] if len(parts) > 4 else '', lineno=n))
    return rows


def main(argv):
    if len(argv) >= 2 and argv[0] == '--list':
        tree = os.path.realpath(argv[1])
        files, hs = oracle(tree)
        print('# %d TUs, %d handler registrations (%d uncertain)' % (
            len(files), len(hs), sum(1 for h in hs if not h['certain'])))
        for h in hs:
            print('\t'.join(str(x) for x in (h['file'], h['line'], h['function'], h['hook'], h['table'],
                                             h['macro'] or '-', h['form'], 'certain' if h['certain'] else 'uncertain')))
        return 0
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    tree, labels_path, json_path = os.path.realpath(argv[0]), argv[1], argv[2]
    try:
        with open(json_path) as f:
            vm = json.load(f)
    except (OSError, ValueError) as e:
        print('error: cannot read vmaprep JSON %s: %s' % (json_path, e), file=sys.stderr)
        return 2
    if not isinstance(vm, dict) or vm.get('schema') != 'vmaprep-check':
        print('error: %s is not vmaprep-check JSON (schema=%r)' % (json_path, vm.get('schema') if isinstance(vm, dict)
                                                                   else None), file=sys.stderr)
        return 2
    vmh = vm.get('handlers') or []
    labels = read_labels(labels_path)
    files, ora = oracle(tree)
    tree = source_dir(tree)
    failures = 0

    # 1. every oracle handler found
    missing, hook_mismatch, uncertain_missing = [], [], []
    for h in ora:
        got = find_vm(vmh, tree, h['function'], h['file'])
        if not got:
            (missing if h['certain'] else uncertain_missing).append(
                (h['file'] + ':' + str(h['line']), h['function'], h['hook'], h['table'], h['macro'] or '-'))
        elif not any(g.get('hook') == h['hook'] for g in got):
            hook_mismatch.append((h['file'] + ':' + str(h['line']), h['function'], h['hook'],
                                  ','.join(sorted({str(g.get('hook')) for g in got}))))
    print('oracle: %d TUs, %d handler registrations, vmaprep: %d handlers' % (len(files), len(ora), len(vmh)))
    print_table('MISSING: handlers the oracle found but vmaprep did not', missing,
                ('location', 'function', 'hook', 'table', 'macro'))
    print_table('HOOK MISMATCH', hook_mismatch, ('location', 'function', 'oracle hook', 'vmaprep hook'))
    if uncertain_missing:
        print_table('note: not found, under a conditional the oracle cannot evaluate (not a failure)',
                    uncertain_missing, ('location', 'function', 'hook', 'table', 'macro'))
    failures += len(missing) + len(hook_mismatch)

    # extra handlers vmaprep reports that the oracle did not see (informational)
    ora_keys = {(h['function'], h['file']) for h in ora}
    extra = []
    for g in vmh:
        if not any((g.get('function'), f) in ora_keys for f in vm_files(g, tree)):
            extra.append((norm(g.get('file'), tree) + ':' + str(g.get('line')), g.get('function'), g.get('hook'),
                          g.get('verdict')))
    if extra:
        print_table('note: vmaprep handlers the oracle did not list (not a failure)', extra,
                    ('location', 'function', 'hook', 'verdict'))

    # 2./3. labels
    ora_funcs = {(h['function'], h['file']) for h in ora}
    bad, unlabelled_in_oracle = [], []
    for r in labels:
        if (r['function'], r['file']) not in ora_funcs:
            unlabelled_in_oracle.append((r['file'], r['function'], 'labelled but not registered in the built TUs'))
        got = find_vm(vmh, tree, r['function'], r['file'])
        if not got:
            bad.append((r['file'], r['function'], r['hook'], r['verdict'], '(not reported)', ''))
            continue
        verdicts = sorted({str(g.get('verdict')) for g in got})
        hooks = sorted({str(g.get('hook')) for g in got})
        if verdicts != [r['verdict']] or hooks != [r['hook']]:
            reasons = '; '.join(x.get('text', '') for g in got for x in (g.get('reasons') or []))[:160]
            bad.append((r['file'], r['function'], r['hook'] + ('' if hooks == [r['hook']] else '(vm:%s)' % ','.join(hooks)),
                        r['verdict'], ','.join(verdicts), reasons))
    print('labels: %d rows' % len(labels))
    print_table('VERDICT MISMATCH: labelled rows', bad,
                ('file', 'function', 'hook', 'expected', 'vmaprep', 'vmaprep reasons'))
    print_table('STALE LABELS: rows the oracle does not find', unlabelled_in_oracle, ('file', 'function', 'problem'))
    failures += len(bad) + len(unlabelled_in_oracle)

    # 5. the whole-database join: a registration whose body another TU of the
    # database defines (external linkage, exactly once) must be reported there.
    defined = {}
    for p in files:
        try:
            with open(p, errors='replace') as f:
                text = strip_comments(f.read())
        except OSError:
            continue
        for name in external_definitions(text):
            defined.setdefault(name, set()).add(norm(p, tree))
    unjoined = []
    for g in vmh:
        first = (g.get('reasons') or [{}])[0].get('id')
        if g.get('body_visible') or g.get('static') or first != 'body-not-visible':
            continue
        where = defined.get(g.get('function'), set())
        if len(where) == 1:
            unjoined.append((norm(g.get('file'), tree) + ':' + str(g.get('line')), g.get('function'), next(iter(where))))
    print_table('NOT JOINED: registrations whose handler another TU of the database defines', unjoined,
                ('registration', 'function', 'defined in'))
    failures += len(unjoined)

    # 4. errors
    errs = [(norm(e.get('file'), tree), (e.get('message') or '')[:160]) for e in (vm.get('errors') or [])]
    print_table('VMAPREP ERRORS', errs, ('file', 'message'))
    failures += len(errs)

    print('RESULT: %s (%d failure%s)' % ('FAIL' if failures else 'PASS', failures, '' if failures == 1 else 's'))
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
