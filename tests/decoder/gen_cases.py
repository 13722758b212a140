#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn the decoder's unit table (cases.txt) into a C header.

Each case's instruction is assembled by GNU as from its text (one .S per CPU
mode, .code16/.code32/.code64, Intel syntax), its bytes are cut out of the
object between the case's labels, and the expected fields are written as a
struct vmctl_insn initializer.  The header is used by the user-space unit
test, the fuzzer seeds, the benchmark and the KUnit suite alike.

usage: gen_cases.py CASES.txt OUT.h WORKDIR

Table syntax, one case per line ("#" starts a comment):

    MODE | ASM TEXT | EXPECT [| in: K=V ... | out: K=V ...]

MODE is 16, 32 or 64.  EXPECT is either "!status" (truncated, toolong,
unsupported, nomem, invalid, prefix) or the operation's name followed by:
    w=N        memory access width (required)
    R W RW     access of the memory operand (required)
    os=N       operand size (default: w)     as=N  address size (default: mode)
    src=REG    register operand, only read
    dst=REG    register operand, first operand and written (loads, XCHG, ...)
    cmp=REG    register operand, first operand, not written (CMP r, r/m)
    ext=zero|sign    imm=N    lock    rep    hint=f2|f3
    m=SEG:[EXPR]     memory operand (m2= the MOVS destination)
"in:" sets registers (rax..r15, rip, rfl; default 0, rip 0x1000, rfl 0x2)
and rd= (value the device returns); "out:" lists the registers that change,
and wd= (value written), ea= (vmctl_insn_ea of operand 0 before completion),
ret= (vmctl_insn_complete's return; default: the access bits).
"""
import os
import re
import subprocess
import sys

STATUS = {
    'ok': 'VMCTL_INSN_OK', 'truncated': 'VMCTL_INSN_ERR_TRUNCATED',
    'toolong': 'VMCTL_INSN_ERR_TOO_LONG',
    'unsupported': 'VMCTL_INSN_ERR_UNSUPPORTED',
    'nomem': 'VMCTL_INSN_ERR_NO_MEMORY', 'invalid': 'VMCTL_INSN_ERR_INVALID',
    'prefix': 'VMCTL_INSN_ERR_PREFIX',
}
OPS = ['mov', 'movzx', 'movsx', 'add', 'or', 'adc', 'sbb', 'and', 'sub',
       'xor', 'cmp', 'test', 'not', 'neg', 'inc', 'dec', 'xchg', 'bt', 'bts',
       'btr', 'btc', 'movs', 'stos', 'lods', 'cmpxchg', 'xadd']
SEGS = {'es': 0, 'cs': 1, 'ss': 2, 'ds': 3, 'fs': 4, 'gs': 5}

REGS = {}
for i, n in enumerate(['ax', 'cx', 'dx', 'bx', 'sp', 'bp', 'si', 'di']):
    REGS['r' + n] = (i, 8, 0)
    REGS['e' + n] = (i, 4, 0)
    REGS[n] = (i, 2, 0)
for i, n in enumerate(['al', 'cl', 'dl', 'bl']):
    REGS[n] = (i, 1, 0)
for i, n in enumerate(['ah', 'ch', 'dh', 'bh']):
    REGS[n] = (i, 1, 1)
for i, n in enumerate(['spl', 'bpl', 'sil', 'dil']):
    REGS[n] = (i + 4, 1, 0)
for i in range(8, 16):
    REGS['r%d' % i] = (i, 8, 0)
    REGS['r%dd' % i] = (i, 4, 0)
    REGS['r%dw' % i] = (i, 2, 0)
    REGS['r%db' % i] = (i, 1, 0)
CX_REGS = {n: REGS[n][0] for n in REGS if REGS[n][1] == 8}


class Bad(Exception):
    pass


def num(s):
    return int(s, 0)


def parse_mem(text, mode):
    m = re.fullmatch(r'(\w\w):\[(.*)\]', text)
    if not m:
        raise Bad('bad memory operand ' + text)
    seg = SEGS[m.group(1)]
    base, index, scale, disp = 'VMCTL_INSN_REG_NONE', 'VMCTL_INSN_REG_NONE', 1, 0
    expr = m.group(2).replace(' ', '')
    for sign, term in re.findall(r'([+-]?)([^+-]+)', expr):
        neg = sign == '-'
        if '*' in term:
            r, s = term.split('*')
            index, scale = str(REGS[r][0]), num(s)
        elif term == 'rip' or term == 'eip':
            base = 'VMCTL_INSN_REG_RIP'
        elif term in REGS:
            if base == 'VMCTL_INSN_REG_NONE':
                base = str(REGS[term][0])
            else:
                index = str(REGS[term][0])
        else:
            disp += -num(term) if neg else num(term)
    return seg, base, index, scale, disp


def parse_expect(text, mode):
    toks = text.split()
    if not toks:
        raise Bad('empty expectation')
    e = {'status': 'ok', 'as': mode // 8, 'mem': [], 'lock': 0, 'rep': 0,
         'hint': 0, 'reg': None, 'dst': 0, 'wr': 0, 'ext': 'NONE',
         'imm': None}
    if toks[0].startswith('!'):
        st = toks[0][1:]
        if st not in STATUS:
            raise Bad('unknown status ' + st)
        e['status'] = st
        return e
    if toks[0] not in OPS:
        raise Bad('unknown operation ' + toks[0])
    e['op'] = toks[0]
    for t in toks[1:]:
        k, _, v = t.partition('=')
        if t in ('R', 'W', 'RW'):
            e['acc'] = t
        elif k == 'w':
            e['w'] = num(v)
        elif k == 'os':
            e['os'] = num(v)
        elif k == 'as':
            e['as'] = num(v)
        elif k in ('src', 'dst', 'cmp'):
            e['reg'] = REGS[v]
            e['dst'] = int(k != 'src')
            e['wr'] = int(k == 'dst')
        elif k == 'ext':
            e['ext'] = v.upper()
        elif k == 'imm':
            e['imm'] = num(v)
        elif t in ('lock', 'rep'):
            e[t] = 1
        elif k == 'hint':
            e['hint'] = num('0x' + v)
        elif k in ('m', 'm2'):
            e['mem'].append(parse_mem(v, mode))
        else:
            raise Bad('unknown field ' + t)
    if 'w' not in e or 'acc' not in e or not e['mem']:
        raise Bad('w=, R/W/RW and m= are required')
    e.setdefault('os', e['w'])
    return e


def parse_cx(text, which):
    text = text.strip()
    if not text.startswith(which + ':'):
        raise Bad('expected "%s:"' % which)
    vals = {}
    for t in text[len(which) + 1:].split():
        k, _, v = t.partition('=')
        if k not in CX_REGS and k not in ('rip', 'rfl', 'rd', 'wd', 'ea', 'ret'):
            raise Bad('unknown register ' + k)
        vals[k] = num(v)
    return vals


def c_s64(v):
    if v < 0:
        return '-0x%xLL' % -v
    return '0x%xLL' % v


def c_u64(v):
    return '0x%xULL' % (v & (2**64 - 1))


def assemble(cases, workdir):
    """Fill case['bytes'] from GNU as, one object per mode."""
    os.makedirs(workdir, exist_ok=True)
    for mode in (16, 32, 64):
        mine = [c for c in cases if c['mode'] == mode]
        if not mine:
            continue
        src = os.path.join(workdir, 'cases%d.S' % mode)
        obj = os.path.join(workdir, 'cases%d.o' % mode)
        binf = os.path.join(workdir, 'cases%d.bin' % mode)
        with open(src, 'w') as f:
            f.write('\t.intel_syntax noprefix\n\t.code%d\n\t.text\n' % mode)
            for c in mine:
                f.write('# line %d\nc%d:\n\t%s\nc%d_end:\n' %
                        (c['line'], c['line'], c['asm'], c['line']))
        arch = '--64' if mode == 64 else '--32'
        r = subprocess.run(['as', arch, '-o', obj, src],
                           capture_output=True, text=True)
        if r.returncode:
            sys.stderr.write(r.stderr)
            raise Bad('as failed for mode %d (see %s)' % (mode, src))
        subprocess.run(['objcopy', '-O', 'binary', '-j', '.text', obj, binf],
                       check=True)
        syms = {}
        out = subprocess.run(['nm', obj], capture_output=True, text=True,
                             check=True).stdout
        for line in out.splitlines():
            p = line.split()
            if len(p) == 3:
                syms[p[2]] = int(p[0], 16)
        data = open(binf, 'rb').read()
        for c in mine:
            a, b = syms['c%d' % c['line']], syms['c%d_end' % c['line']]
            c['bytes'] = data[a:b]
            if not 0 < len(c['bytes']) <= 15:
                raise Bad('line %d: assembled to %d bytes' %
                          (c['line'], len(c['bytes'])))


def emit_case(f, c):
    e = c['expect']
    b = c['bytes']
    f.write('\t{ /* line %d */\n' % c['line'])
    f.write('\t\t.line = %d, .mode = %d, .nbytes = %d,\n' %
            (c['line'], {16: 0, 32: 1, 64: 2}[c['mode']], len(b)))
    f.write('\t\t.text = "%s",\n' % c['asm'].replace('\\', '\\\\').replace('"', '\\"'))
    f.write('\t\t.bytes = { %s },\n' % ', '.join('0x%02x' % x for x in b))
    f.write('\t\t.cx = %d,\n' % c['cx'])
    f.write('\t\t.expect = {\n')
    f.write('\t\t\t.status = %s,\n' % STATUS[e['status']])
    if e['status'] == 'ok':
        f.write('\t\t\t.len = %d, .op = VMCTL_INSN_OP_%s,\n' %
                (len(b), e['op'].upper()))
        f.write('\t\t\t.width = %d, .opsize = %d, .addr_size = %d,\n' %
                (e['w'], e['os'], e['as']))
        f.write('\t\t\t.lock = %d, .rep = %d, .hint = 0x%x,\n' %
                (e['lock'], e['rep'], e['hint']))
        if e['reg']:
            r = e['reg']
            f.write('\t\t\t.reg = %d, .reg_width = %d, .reg_hi8 = %d,\n' % r)
        else:
            f.write('\t\t\t.reg = VMCTL_INSN_REG_NONE,\n')
        f.write('\t\t\t.ext = VMCTL_INSN_EXT_%s, .reg_is_dst = %d, .writes_reg = %d,\n' %
                (e['ext'], e['dst'], e['wr']))
        if e['imm'] is not None:
            f.write('\t\t\t.has_imm = 1, .imm = %s,\n' % c_s64(e['imm']))
        f.write('\t\t\t.nmem = %d,\n' % len(e['mem']))
        f.write('\t\t\t.mem = {\n')
        acc = {'R': 'VMCTL_INSN_READ', 'W': 'VMCTL_INSN_WRITE',
               'RW': 'VMCTL_INSN_READ | VMCTL_INSN_WRITE'}[e['acc']]
        for i, (seg, base, index, scale, disp) in enumerate(e['mem']):
            a = acc
            if e['op'] == 'movs':
                a = 'VMCTL_INSN_READ' if i == 0 else 'VMCTL_INSN_WRITE'
            f.write('\t\t\t\t{ .base = %s, .index = %s, .scale = %d, .seg = %d, .access = %s, .disp = %s },\n' %
                    (base, index, scale, seg, a, c_s64(disp)))
        if len(e['mem']) == 1:
            f.write('\t\t\t\t{ .base = VMCTL_INSN_REG_NONE, .index = VMCTL_INSN_REG_NONE },\n')
        f.write('\t\t\t},\n')
    f.write('\t\t},\n\t},\n')


def emit_cx(f, c):
    cin, cout = c['in'], c['out']
    regs_in = [0] * 16
    rip, rfl = 0x1000, 0x2
    for k, v in cin.items():
        if k in CX_REGS:
            regs_in[CX_REGS[k]] = v
    rip = cin.get('rip', rip)
    rfl = cin.get('rfl', rfl)
    regs_out = list(regs_in)
    for k, v in cout.items():
        if k in CX_REGS:
            regs_out[CX_REGS[k]] = v
    e = c['expect']
    acc = {'R': 1, 'W': 2, 'RW': 3}[e['acc']]
    if e['op'] == 'movs':
        acc = 3
    f.write('\t{ /* line %d */\n' % c['line'])
    for name, regs, rp, rf in (('in', regs_in, rip, rfl),
                               ('out', regs_out, cout.get('rip', rip),
                                cout.get('rfl', rfl))):
        f.write('\t\t.%s = { .gpr = { %s },\n\t\t\t.rip = %s, .rflags = %s },\n' %
                (name, ', '.join(c_u64(x) for x in regs), c_u64(rp), c_u64(rf)))
    f.write('\t\t.rdata = %s, .wdata = %s, .ea = %s, .check_ea = %d, .ret = %d,\n\t},\n' %
            (c_u64(cin.get('rd', 0)), c_u64(cout.get('wd', 0)),
             c_u64(cout.get('ea', 0)), int('ea' in cout), cout.get('ret', acc)))


def main():
    args = sys.argv[1:]
    if len(args) != 3:
        sys.exit(__doc__)
    table, out, workdir = args
    cases = []
    errors = 0
    for n, line in enumerate(open(table), 1):
        line = line.split('#', 1)[0].strip()
        if not line:
            continue
        parts = [p.strip() for p in line.split('|')]
        try:
            if len(parts) not in (3, 5):
                raise Bad('expected 3 or 5 "|"-separated fields')
            mode = int(parts[0])
            if mode not in (16, 32, 64):
                raise Bad('mode must be 16, 32 or 64')
            c = {'line': n, 'mode': mode, 'asm': parts[1],
                 'expect': parse_expect(parts[2], mode), 'cx': -1}
            if len(parts) == 5:
                if c['expect']['status'] != 'ok':
                    raise Bad('completion checks need a decodable case')
                c['in'] = parse_cx(parts[3], 'in')
                c['out'] = parse_cx(parts[4], 'out')
            cases.append(c)
        except (Bad, KeyError, ValueError) as ex:
            sys.stderr.write('%s:%d: %s\n' % (table, n, ex))
            errors += 1
    if errors:
        sys.exit(1)
    try:
        assemble(cases, workdir)
    except Bad as ex:
        sys.exit('gen_cases: %s' % ex)
    ncx = 0
    for c in cases:
        if 'in' in c:
            c['cx'] = ncx
            ncx += 1
    tmp = out + '.tmp'
    with open(tmp, 'w') as f:
        f.write('/* SPDX-License-Identifier: GPL-2.0 */\n')
        f.write('/* Generated by tests/decoder/gen_cases.py from %s: do not edit. */\n' %
                os.path.basename(table))
        f.write('#include "insn_case.h"\n\n')
        f.write('#define INSN_NR_CASES %d\n#define INSN_NR_CX %d\n\n' %
                (len(cases), ncx))
        f.write('static const struct insn_case insn_cases[INSN_NR_CASES] = {\n')
        for c in cases:
            emit_case(f, c)
        f.write('};\n\n')
        f.write('static const struct insn_cx insn_cxs[%d] = {\n' % max(ncx, 1))
        for c in cases:
            if 'in' in c:
                emit_cx(f, c)
        f.write('};\n')
    os.replace(tmp, out)


if __name__ == '__main__':
    main()
