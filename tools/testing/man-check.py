#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# man-check.py TOP
# Keeps sriov_helper(4) true to the code: every module parameter, configfs
# attribute, pf= and vf= key and inventory field the module's sources
# define is documented in the page, and the page documents no other. The
# names are read from the sources as the compiler sees them (module_param
# calls, configfs attribute names, the parser's key tables, the inventory's
# format strings), so a name added, renamed or removed on either side fails
# here. Then both man pages must render without a warning from man/groff.
# Prints TAP lines "ok docs/NAME" or "not ok docs/NAME # why" for run.sh.
import os
import re
import subprocess
import sys

top = sys.argv[1] if len(sys.argv) > 1 else '.'
src = os.path.join(top, 'sriov_helper')
page = os.path.join(top, 'man', 'sriov_helper.4')
pages = [page, os.path.join(top, 'tools', 'sriovctl', 'sriovctl.8')]


def read(path):
    with open(path, encoding='utf-8') as f:
        return f.read()


def sources():
    return {n: read(os.path.join(src, n))
            for n in sorted(os.listdir(src)) if n.endswith('.c')}


def strip_comments(c):
    return re.sub(r'/\*.*?\*/|//[^\n]*', '', c, flags=re.S)


# ---- names in the sources ---------------------------------------------
def module_params(srcs):
    names = set()
    for c in srcs.values():
        names |= set(re.findall(
            r'\bmodule_param(?:_cb|_named|_array|_string)?\s*\(\s*(\w+)',
            strip_comments(c)))
    return names


def configfs_attrs(c):
    """Attribute names of one configfs file: .ca_name literals, and the
    names its attribute-making macros are called with (NAME_ATTR(x);)."""
    c = strip_comments(c)
    names = set(re.findall(r'\.ca_name\s*=\s*"(\w+)"', c))
    for macro in re.findall(r'#define\s+(\w+)\s*\(\s*\w+\s*\)[^\n]*\\\n'
                            r'(?:[^\n]*\\\n)*?[^\n]*ca_name', c):
        names |= set(re.findall(r'^\s*' + macro + r'\s*\(\s*(\w+)\s*\)\s*;',
                                c, flags=re.M))
    return names


def key_table(c, table):
    """The strings of a designated-initializer table of names."""
    m = re.search(r'\b' + table + r'\s*\[[^]]*\]\s*=\s*\{(.*?)\};',
                  strip_comments(c), flags=re.S)
    return set(re.findall(r'=\s*"(\w+)"', m.group(1))) if m else set()


def inventory_fields(srcs):
    """key= names in the format strings of the inventory's seq_file calls."""
    fields = set()
    lit = r'"(?:[^"\\]|\\.)*"'
    for c in srcs.values():
        for call in re.findall(r'\bseq_(?:printf|puts)\s*\(\s*\w+\s*,\s*'
                               r'((?:' + lit + r'\s*)+)', strip_comments(c)):
            text = ''.join(re.findall(r'"((?:[^"\\]|\\.)*)"', call))
            fields |= set(re.findall(r'(?:^|\s)([a-z_]+)=', text))
    return fields


# ---- names in the page ---------------------------------------------------
def page_sections(text):
    """{section title: [tags of its .TP/.TQ items]}, .SH and .SS alike."""
    secs, cur, lines = {}, None, text.split('\n')
    for i, line in enumerate(lines):
        if line.startswith(('.SH', '.SS')):
            cur = re.sub(r'[\\"]', '', line[3:]).strip()
            secs.setdefault(cur, [])
        elif line in ('.TP', '.TQ') and cur and i + 1 < len(lines):
            tag = re.sub(r'^\.[A-Z]+\s*', '', lines[i + 1])
            tag = re.sub(r'\\f[BIRP]|\\', '', tag).lstrip('"')
            m = re.match(r'[a-z_]+', tag)
            if m:
                secs[cur].append(m.group(0))
    return secs


def compare(name, code, doc, what):
    missing, extra = sorted(code - doc), sorted(doc - code)
    if not code:
        print(f'not ok docs/{name} # no {what} found in the sources: the '
              'extraction is broken')
    elif missing or extra:
        why = []
        if missing:
            why.append('not in sriov_helper(4): ' + ', '.join(missing))
        if extra:
            why.append('in sriov_helper(4) but not in the sources: '
                       + ', '.join(extra))
        print(f'not ok docs/{name} # ' + '; '.join(why))
    else:
        print(f'ok docs/{name} # {len(code)} {what}')


def render(path):
    env = dict(os.environ, MANWIDTH='80', LC_ALL='C.UTF-8')
    r = subprocess.run(['man', '--warnings', '-l', path], env=env,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                       text=True)
    name = 'man-render-' + os.path.basename(path)
    err = r.stderr.strip().split('\n')[0] if r.stderr.strip() else ''
    if r.returncode or err:
        print(f'not ok docs/{name} # {err or "man exited " + str(r.returncode)}')
    else:
        print(f'ok docs/{name}')


def main():
    srcs = sources()
    secs = page_sections(read(page))
    doc_entry = set(secs.get('Entry attributes', []))
    doc_vf = set(secs.get('Per-VF attributes', []))
    compare('man-parameters', module_params(srcs),
            set(secs.get('PARAMETERS', [])), 'module parameters')
    compare('man-entry-attributes', configfs_attrs(srcs['configfs.c']),
            doc_entry, 'entry attributes')
    compare('man-vf-attributes', configfs_attrs(srcs['configfs_vf.c']),
            doc_vf, 'vfN attributes')
    # The parser's keys: pf= takes an entry's attributes, vf= a vfN's,
    # status apart (it is read-only).
    compare('man-pf-keys', key_table(srcs['parse.c'], 'sriovh_key_names'),
            doc_entry - {'status'}, 'pf= keys')
    compare('man-vf-keys', key_table(srcs['parse.c'], 'sriovh_vf_key_names'),
            doc_vf - {'status'}, 'vf= and vfN keys')
    compare('man-inventory-fields', inventory_fields(srcs),
            set(secs.get('pf lines', [])) | set(secs.get('vf lines', [])),
            'inventory fields')
    for p in pages:
        render(p)


main()
