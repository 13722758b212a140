// SPDX-License-Identifier: GPL-2.0
/*
 * The completion helper against the CPU: every decodable 64-bit case of the
 * unit table is executed natively (native.S) on ordinary memory with random
 * registers, flags and memory, and emulated with vmctl_insn_ea() and
 * vmctl_insn_complete() (the memory standing in for the device); registers,
 * the flags the SDM defines and the memory must come out the same.  REP
 * forms are emulated one iteration per call until RIP moves.
 *
 * The instruction is copied into an executable mapping below 2 GiB whose
 * middle 8 KiB are the memory: base registers are set so that the decoded
 * effective address lands there, RIP-relative forms are placed so that
 * theirs does, and the offset of MOV moffs is patched to point there.
 *
 * Every such case is one TAP line, planned from the table before anything is
 * decoded: a case the decoder refuses fails, and so does one that cannot be
 * placed, unless native_allow[] names it with the reason.  An allowlist entry
 * whose case runs after all, or that names no case, fails too, so the list
 * cannot quietly outgrow the few cases it is for.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <asm/prctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../tap.h"
#include "insn_case.h"
#include "generated/insn_cases.h"

#define MAP_SIZE	0x4000
#define DATA_OFF	0x1000
#define DATA_SIZE	0x2000
#define RUNS		64
#define JMP_LEN		14	/* jmp [rip + 0] and its 8-byte target */

extern struct vmctl_insn_regs native_in, native_out;
extern u64 native_target;
void native_run(void);
void native_return(void);

#define FL_CF	0x001ULL
#define FL_PF	0x004ULL
#define FL_AF	0x010ULL
#define FL_ZF	0x040ULL
#define FL_SF	0x080ULL
#define FL_DF	0x400ULL
#define FL_OF	0x800ULL
#define FL_ALL	(FL_CF | FL_PF | FL_AF | FL_ZF | FL_SF | FL_OF | FL_DF)

/*
 * The cases this layout cannot place, by their text in cases.txt.  Anything
 * else that cannot be placed fails: a refusal must not pass for a placement
 * problem.
 */
static const struct {
	const char *text, *why;
} native_allow[] = {
	{ "btc dword ptr [rip+0x10], eax",
	  "RIP+0x10 is 2 bytes past the return jump after the instruction, and the bit offset moves the address up to 64 bytes either way" },
	{ "mov eax, dword ptr [rip-0x80000000]",
	  "the memory would lie 2 GiB before the code; the mapping is 16 KiB" },
	{ "mov eax, dword ptr [rip+0x7fffffff]",
	  "the memory would lie 2 GiB after the code; the mapping is 16 KiB" },
	{ ".byte 0x41, 0x89, 0x04, 0x25, 0, 0x10, 0, 0",
	  "absolute address 0x1000 (not a moffs to patch) is below vm.mmap_min_addr" },
	{ "mov qword ptr gs:[0x28], rcx",
	  "absolute address 0x28 (not a moffs to patch) on the zero GS base is below vm.mmap_min_addr" },
};
#define NR_ALLOW	(sizeof(native_allow) / sizeof(native_allow[0]))

enum result { CASE_PASS, CASE_FAIL, CASE_REFUSED, CASE_UNPLACEABLE };

static u8 *map, *data;
static u64 seg_base[6];		/* FS and GS bases from arch_prctl(); others 0 */
static u64 rng_state = 0x2545f4914f6cdd1dULL;

static u64 rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* Flags the SDM defines after the operation (others are not compared). */
static u64 defined_flags(unsigned int op)
{
	switch (op) {
	case VMCTL_INSN_OP_AND: case VMCTL_INSN_OP_OR:
	case VMCTL_INSN_OP_XOR: case VMCTL_INSN_OP_TEST:
		return FL_ALL & ~FL_AF;
	case VMCTL_INSN_OP_BT: case VMCTL_INSN_OP_BTS:
	case VMCTL_INSN_OP_BTR: case VMCTL_INSN_OP_BTC:
		return FL_CF | FL_ZF | FL_DF;
	default:
		return FL_ALL;
	}
}

static int in_data(u64 ea, unsigned int width)
{
	return ea >= (u64)(uintptr_t)data &&
	       ea + width <= (u64)(uintptr_t)data + DATA_SIZE;
}

static int is_bt(const struct vmctl_insn *in)
{
	return in->op == VMCTL_INSN_OP_BT || in->op == VMCTL_INSN_OP_BTS ||
	       in->op == VMCTL_INSN_OP_BTR || in->op == VMCTL_INSN_OP_BTC;
}

/* Random registers with the memory operand(s) pointed into data[]. */
static void setup_regs(const struct vmctl_insn *in, struct vmctl_insn_regs *r,
		       u64 rip)
{
	const struct vmctl_insn_mem *m = &in->mem[0];
	u64 target, upper;
	unsigned int i;

	for (i = 0; i < 16; i++)
		r->gpr[i] = rnd();
	r->rip = rip;
	r->rflags = 0x2 | (rnd() & (FL_CF | FL_PF | FL_AF | FL_ZF | FL_SF | FL_OF));
	upper = in->addr_size == 4 ? rnd() << 32 : 0;
	if (in->op == VMCTL_INSN_OP_MOVS || in->op == VMCTL_INSN_OP_STOS ||
	    in->op == VMCTL_INSN_OP_LODS) {
		if (rnd() & 1)
			r->rflags |= FL_DF;
		r->gpr[VMCTL_INSN_RSI] = (uintptr_t)data + 0x800 + rnd() % 0x400 -
					 seg_base[m->seg];
		r->gpr[VMCTL_INSN_RDI] = (uintptr_t)data + 0x1400 + rnd() % 0x400;
		r->gpr[VMCTL_INSN_RSI] |= upper;
		r->gpr[VMCTL_INSN_RDI] |= upper;
		if (in->rep)
			r->gpr[VMCTL_INSN_RCX] = (rnd() % 5) | upper;
		return;
	}
	if (in->reg != VMCTL_INSN_REG_NONE && is_bt(in) && !in->reg_hi8)
		r->gpr[in->reg] = (u64)((s64)(rnd() % 1024) - 512);
	if (m->base == VMCTL_INSN_REG_RIP)
		return;
	target = (uintptr_t)data + 0x800 + rnd() % 0x800 - seg_base[m->seg];
	if (m->index != VMCTL_INSN_REG_NONE && m->index != m->base)
		r->gpr[m->index] = rnd() % 16;
	if (m->base == VMCTL_INSN_REG_NONE) {
		/* [index * scale + disp]: solve for the index. */
		if (m->index != VMCTL_INSN_REG_NONE) {
			target -= (target - (u64)m->disp) % m->scale;
			r->gpr[m->index] = (target - (u64)m->disp) / m->scale;
		}
		return;
	}
	if (m->base == m->index) {
		u64 t = target - m->disp;

		r->gpr[m->base] = t / (1 + m->scale);
	} else {
		r->gpr[m->base] = target - (u64)m->disp;
		if (m->index != VMCTL_INSN_REG_NONE)
			r->gpr[m->base] -= r->gpr[m->index] * m->scale;
		r->gpr[m->base] += upper;
	}
}

static u64 load(u64 ea, unsigned int width)
{
	u64 v = 0;

	memcpy(&v, (void *)(uintptr_t)ea, width);
	return v;
}

static void store(u64 ea, unsigned int width, u64 v)
{
	memcpy((void *)(uintptr_t)ea, &v, width);
}

/* Emulate with the decoder; memory is data[] itself. */
static int emulate(const struct vmctl_insn *in, struct vmctl_insn_regs *r,
		   char *why, size_t size)
{
	u64 start = r->rip, ea[2], rdata, wdata;
	unsigned int i, iter;
	int ret;

	for (iter = 0; iter < 64; iter++) {
		for (i = 0; i < in->nmem; i++) {
			ea[i] = vmctl_insn_ea(in, r, i) + seg_base[in->mem[i].seg];
			if (!in_data(ea[i], in->width)) {
				snprintf(why, size, "decoded address 0x%llx of operand %u is outside the test memory",
					 (unsigned long long)ea[i], i);
				return -1;
			}
		}
		rdata = 0;
		if (in->mem[0].access & VMCTL_INSN_READ)
			rdata = load(ea[0], in->width);
		ret = vmctl_insn_complete(in, r, rdata, &wdata);
		if (ret < 0) {
			snprintf(why, size, "complete failed");
			return -1;
		}
		if (ret & VMCTL_INSN_WRITE)
			store(ea[in->nmem - 1], in->width, wdata);
		if (r->rip != start)
			return 0;
	}
	snprintf(why, size, "RIP never advanced");
	return -1;
}

/* One case; why says what went wrong for anything but CASE_PASS. */
static enum result run_case(const struct insn_case *c, char *why, size_t size)
{
	u8 bytes[VMCTL_INSN_MAX_LEN], *code, saved[DATA_SIZE], emul[DATA_SIZE];
	struct vmctl_insn in;
	struct vmctl_insn_regs r, e;
	unsigned int run, i, off = 0x100;
	u64 mask;

	memcpy(bytes, c->bytes, c->nbytes);
	if (vmctl_insn_decode(&in, bytes, c->nbytes, VMCTL_INSN_MODE_64) !=
	    VMCTL_INSN_OK) {
		snprintf(why, size, "the decoder refuses it: %s",
			 vmctl_insn_status_name(in.status));
		return CASE_REFUSED;
	}
	/* A 32-bit offset cannot reach data[] from the FS base (TLS). */
	if (seg_base[in.mem[0].seg] && in.addr_size == 4) {
		snprintf(why, size, "a 32-bit offset from a segment base cannot reach the test memory");
		return CASE_UNPLACEABLE;
	}
	if (in.mem[0].base == VMCTL_INSN_REG_RIP) {
		/*
		 * Put the instruction before or after data[] so that its
		 * RIP-relative address falls inside.
		 */
		s64 lo = DATA_OFF + 0x10 - (s64)in.len - in.mem[0].disp;
		s64 hi = DATA_OFF + DATA_SIZE - 0x20 - (s64)in.len - in.mem[0].disp;
		/* A small displacement fits only with the return jump ending where data[] starts. */
		s64 tight = DATA_OFF - JMP_LEN - (s64)in.len;
		s64 tight_ea = DATA_OFF - JMP_LEN + in.mem[0].disp;
		/* setup_regs() moves a BT bit offset's address up to 64 bytes. */
		s64 slack = is_bt(&in) && in.reg != VMCTL_INSN_REG_NONE ? 64 : 0;

		if (lo >= 0 && lo < DATA_OFF - 32)
			off = lo;
		else if (hi >= DATA_OFF + DATA_SIZE && hi < MAP_SIZE - 32)
			off = hi;
		else if (tight >= 0 && tight_ea >= DATA_OFF + slack &&
			 tight_ea + in.width + slack <= DATA_OFF + DATA_SIZE)
			off = tight;
		else {
			snprintf(why, size, "no place for the code puts RIP%+lld into the test memory",
				 (long long)in.mem[0].disp);
			return CASE_UNPLACEABLE;
		}
	} else if (in.mem[0].base == VMCTL_INSN_REG_NONE &&
		   in.mem[0].index == VMCTL_INSN_REG_NONE) {
		u64 addr = (uintptr_t)data + 0x1000 - seg_base[in.mem[0].seg];

		/* MOV moffs: patch the offset (the last bytes) to point into data[]. */
		if (in.len <= in.addr_size ||
		    (bytes[in.len - in.addr_size - 1] & 0xfc) != 0xa0) {
			snprintf(why, size, "fixed address 0x%llx, not a moffs to patch",
				 (unsigned long long)in.mem[0].disp);
			return CASE_UNPLACEABLE;
		}
		memcpy(bytes + in.len - in.addr_size, &addr, in.addr_size);
		if (vmctl_insn_decode(&in, bytes, c->nbytes, VMCTL_INSN_MODE_64) !=
		    VMCTL_INSN_OK) {
			snprintf(why, size, "the decoder refuses it with the offset patched: %s",
				 vmctl_insn_status_name(in.status));
			return CASE_REFUSED;
		}
	}
	code = map + off;
	memcpy(code, bytes, in.len);
	code[in.len] = 0xff;		/* jmp qword ptr [rip + 0] */
	code[in.len + 1] = 0x25;
	memset(code + in.len + 2, 0, 4);
	{
		u64 ret = (uintptr_t)native_return;

		memcpy(code + in.len + 6, &ret, 8);
	}
	mask = defined_flags(in.op);

	for (run = 0; run < RUNS; run++) {
		setup_regs(&in, &r, (uintptr_t)code);
		for (i = 0; i < DATA_SIZE; i++)
			data[i] = rnd();
		memcpy(saved, data, DATA_SIZE);

		e = r;
		if (emulate(&in, &e, why, size))
			return CASE_FAIL;
		memcpy(emul, data, DATA_SIZE);
		memcpy(data, saved, DATA_SIZE);

		native_in = r;
		native_target = (uintptr_t)code;
		native_run();

		for (i = 0; i < 16; i++) {
			if (native_out.gpr[i] != e.gpr[i]) {
				snprintf(why, size, "run %u: gpr[%u]: CPU 0x%llx, helper 0x%llx (in 0x%llx)",
					 run, i, (unsigned long long)native_out.gpr[i],
					 (unsigned long long)e.gpr[i],
					 (unsigned long long)r.gpr[i]);
				return CASE_FAIL;
			}
		}
		if ((native_out.rflags ^ e.rflags) & mask) {
			snprintf(why, size, "run %u: rflags: CPU 0x%llx, helper 0x%llx (in 0x%llx)",
				 run, (unsigned long long)native_out.rflags,
				 (unsigned long long)e.rflags,
				 (unsigned long long)r.rflags);
			return CASE_FAIL;
		}
		if (e.rip != (uintptr_t)code + in.len) {
			snprintf(why, size, "run %u: helper RIP is not past the instruction", run);
			return CASE_FAIL;
		}
		if (memcmp(data, emul, DATA_SIZE)) {
			for (i = 0; i < DATA_SIZE && data[i] == emul[i]; i++)
				;
			snprintf(why, size, "run %u: memory differs at data+0x%x: CPU 0x%02x, helper 0x%02x",
				 run, i, data[i], emul[i]);
			return CASE_FAIL;
		}
	}
	return CASE_PASS;
}

/* Only the table decides which cases are planned, never the decoder. */
static int native_case(const struct insn_case *c)
{
	return c->mode == VMCTL_INSN_MODE_64 && c->expect.status == VMCTL_INSN_OK;
}

static int allowed(const struct insn_case *c)
{
	unsigned int a;

	for (a = 0; a < NR_ALLOW; a++)
		if (!strcmp(native_allow[a].text, c->text))
			return a;
	return -1;
}

int main(void)
{
	unsigned int i, a, ncases = 0, ran = 0, failed = 0;
	unsigned int matches[NR_ALLOW] = { 0 };
	char why[200];

	for (i = 0; i < INSN_NR_CASES; i++)
		ncases += native_case(&insn_cases[i]);
	tap_plan(ncases + NR_ALLOW);

	map = mmap(NULL, MAP_SIZE, PROT_READ | PROT_WRITE | PROT_EXEC,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
	if (map == MAP_FAILED)
		tap_bail("cannot map executable memory below 2 GiB");
	data = map + DATA_OFF;
	if (syscall(SYS_arch_prctl, ARCH_GET_FS, &seg_base[VMCTL_INSN_SEG_FS]) ||
	    syscall(SYS_arch_prctl, ARCH_GET_GS, &seg_base[VMCTL_INSN_SEG_GS]))
		tap_bail("arch_prctl(ARCH_GET_FS/GS) failed");
	for (i = 0; i < INSN_NR_CASES; i++) {
		const struct insn_case *c = &insn_cases[i];
		enum result res;
		int allow;

		if (!native_case(c))
			continue;
		why[0] = 0;
		if (getenv("NATIVE_DEBUG"))
			fprintf(stderr, "cases.txt:%d %s\n", c->line, c->text);
		res = run_case(c, why, sizeof(why));
		allow = allowed(c);
		if (allow >= 0)
			matches[allow]++;
		if (res == CASE_PASS || res == CASE_FAIL)
			ran++;
		if (res == CASE_REFUSED)
			tap_ok(0, "cases.txt:%d %s: %s", c->line, c->text, why);
		else if (allow >= 0 && res == CASE_UNPLACEABLE)
			tap_ok(1, "cases.txt:%d %s: not run natively, as allowed: %s",
			       c->line, c->text, native_allow[allow].why);
		else if (allow >= 0)
			tap_ok(0, "cases.txt:%d %s: allowed not to run natively, but it runs now (%s): drop it from native_allow[]",
			       c->line, c->text, res == CASE_PASS ? "and passes" : why);
		else if (res == CASE_UNPLACEABLE)
			tap_ok(0, "cases.txt:%d %s: cannot be placed natively and not allowed: %s",
			       c->line, c->text, why);
		else
			tap_ok(res == CASE_PASS, "cases.txt:%d %s: %d native runs match the helper%s%s",
			       c->line, c->text, RUNS, res == CASE_PASS ? "" : ": ", why);
		failed += res != CASE_PASS;
	}
	for (a = 0; a < NR_ALLOW; a++)
		tap_ok(matches[a] == 1, "native_allow[] entry \"%s\" names %u 64-bit case(s) of the table, want 1",
		       native_allow[a].text, matches[a]);
	tap_diag("%u planned 64-bit cases, %u run natively, %zu allowed not to be",
		 ncases, ran, NR_ALLOW);
	return tap_finish();
}
