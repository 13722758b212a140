// SPDX-License-Identifier: GPL-2.0
/*
 * Decoded MMIO through libvmctl's MMIO handlers:
 *   - the forms the decoder knows, at several widths, against two devices
 *     that behave as memory; the results and the devices' final bytes are
 *     judged against this file's own model of each instruction (values
 *     and flags computed here, not by the decoder), and so are the number
 *     of reads and writes each device saw;
 *   - the same load/add/store in real mode, protected mode without paging,
 *     32-bit paging and PAE paging (through a non-identity mapping);
 *   - a #PF of an MMIO instruction (its destination not present) reaching
 *     the guest's handler with CR2, the error code and RSI/RDI/RCX as the
 *     CPU leaves them;
 *   - an instruction the decoder does not know (MOVDQU) ends the run with
 *     VMCTL_INTERNAL_MMIO_FAILED carrying its bytes and RIP.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "guests_mmio.h"
#include "test_util.h"

#define DEV_SIZE	4096
#define RESULTS_GPA	0x300000ULL
#define REAL_DEV_GPA	0xc0000ULL	/* below 1 MiB, above the real-mode slot */

/* RFLAGS bits by SDM bit number. */
#define CF	(1ULL << 0)
#define PF	(1ULL << 2)
#define AF	(1ULL << 4)
#define ZF	(1ULL << 6)
#define SF	(1ULL << 7)
#define OF	(1ULL << 11)
#define ARITH	(CF | PF | AF | ZF | SF | OF)
#define LOGIC	(ARITH & ~AF)		/* AF is undefined after logic ops */

/* A device that is plain memory, counting what reaches it. */
struct dev {
	uint64_t base;
	uint8_t bytes[DEV_SIZE];
	unsigned int reads, writes, bad;
};

static int dev_handler(struct vmctl_vcpu *vcpu, uint64_t addr, void *data,
		       unsigned int len, bool is_write, void *opaque)
{
	struct dev *d = opaque;
	uint64_t off = addr - d->base;

	(void)vcpu;
	if (off >= DEV_SIZE || len > DEV_SIZE - off ||
	    (len != 1 && len != 2 && len != 4 && len != 8)) {
		d->bad++;
		return -EINVAL;
	}
	if (is_write) {
		memcpy(d->bytes + off, data, len);
		d->writes++;
	} else {
		memcpy(data, d->bytes + off, len);
		d->reads++;
	}
	return 0;
}

static uint64_t get(const uint8_t *p, unsigned int len)
{
	uint64_t v = 0;

	memcpy(&v, p, len);
	return v;
}

static void put(uint8_t *p, unsigned int len, uint64_t v)
{
	memcpy(p, &v, len);
}

/* ---- the reference model's flags ------------------------------------- */

static uint64_t mask_of(unsigned int bits)
{
	return bits == 64 ? ~0ULL : (1ULL << bits) - 1;
}

static uint64_t szp(uint64_t r, unsigned int bits)
{
	uint64_t f = 0;

	r &= mask_of(bits);
	if (!r)
		f |= ZF;
	if ((r >> (bits - 1)) & 1)
		f |= SF;
	if (!__builtin_parity((unsigned int)(r & 0xff)))
		f |= PF;
	return f;
}

static uint64_t add_flags(uint64_t a, uint64_t b, unsigned int bits)
{
	uint64_t m = mask_of(bits), r = (a + b) & m, f = szp(r, bits);

	a &= m;
	b &= m;
	if (r < a)
		f |= CF;
	if ((a ^ b ^ r) & 0x10)
		f |= AF;
	if (((~(a ^ b) & (a ^ r)) >> (bits - 1)) & 1)
		f |= OF;
	return f;
}

static uint64_t sub_flags(uint64_t a, uint64_t b, unsigned int bits)
{
	uint64_t m = mask_of(bits), r = (a - b) & m, f = szp(r, bits);

	a &= m;
	b &= m;
	if (a < b)
		f |= CF;
	if ((a ^ b ^ r) & 0x10)
		f |= AF;
	if ((((a ^ b) & (a ^ r)) >> (bits - 1)) & 1)
		f |= OF;
	return f;
}

/* ---- every form, 64-bit mode ------------------------------------------ */

static void init_dev_a(uint8_t *a)
{
	unsigned int i;

	for (i = 0; i < DEV_SIZE; i++)
		a[i] = (uint8_t)(i * 37 + 0x91);
	a[66] = 0xa5;			/* negative byte, word 0x96a5 */
	a[67] = 0x96;
	put(a + 68, 4, 0x87654321);	/* negative dword */
	a[84] = 0xff;			/* ADD 1 carries out */
	put(a + 86, 2, 0);		/* SUB 1 borrows */
	put(a + 96, 4, 0x7fffffff);	/* INC overflows */
	put(a + 124, 4, 0x1000);	/* CMP equal */
	put(a + 160, 4, 0x11223344);	/* CMPXCHG equal */
	a[200] = 0x08;			/* BT: bit 3 set */
	a[223] = 0x80;			/* BTR: bit 63 set */
}

struct expect {
	const char *what;
	uint64_t value;
	uint64_t flag_mask;		/* 0: a value; else compare these flags */
};

static void check_forms(void)
{
	static struct dev a, b;
	static uint8_t init[DEV_SIZE], ea[DEV_SIZE], eb[DEV_SIZE];
	const uint64_t fill = 0xdeadbeefcafebabeULL;
	struct expect e[48];
	struct vmctl_exit exit;
	struct vmctl_regs regs;
	struct ucall uc;
	unsigned int n = 0, i, bad = 0;
	uint64_t v, rdx, *got;
	struct tvm t;
	int err;

	tvm_create(&t, 4 << 20);
	a.base = MMIO_A_GPA;
	b.base = MMIO_B_GPA;
	init_dev_a(a.bytes);
	memcpy(init, a.bytes, DEV_SIZE);
	if (vmctl_vm_mmio_register(t.vm, MMIO_A_GPA, DEV_SIZE, dev_handler, &a) ||
	    vmctl_vm_mmio_register(t.vm, MMIO_B_GPA, DEV_SIZE, dev_handler, &b))
		tap_bail("cannot register the MMIO devices");
	tvm_start_long(&t, mmio_forms_begin, mmio_forms_end);
	err = vmctl_vcpu_get_regs(t.vcpu, &regs);
	if (err)
		tap_bail("vmctl_vcpu_get_regs: %s", vmctl_strerror(err));
	regs.rbx = MMIO_A_GPA;
	regs.r12 = MMIO_B_GPA;
	regs.r15 = RESULTS_GPA;
	err = vmctl_vcpu_set_regs(t.vcpu, &regs);
	if (err)
		tap_bail("vmctl_vcpu_set_regs: %s", vmctl_strerror(err));

	err = vmctl_vcpu_run_loop(t.vcpu, &exit);
	tap_ok(err == 0 && ucall_get(t.vcpu, &exit, &uc) && uc.code == UCALL_DONE,
	       "forms: the guest runs through every form (%d: %s)", err, exit.message);

	/* The model: stores. */
	memcpy(ea, init, DEV_SIZE);
	ea[0] = 0x5a;
	put(ea + 2, 2, 0x1234);
	put(ea + 4, 4, 0x89abcdef);
	put(ea + 8, 8, 0xfffffffffffffffeULL);
	put(ea + 16, 8, 0x1122334455667788ULL);
	put(ea + 24, 4, 0x55667788);
	put(ea + 28, 2, 0x7788);
	ea[30] = 0x88;
	ea[31] = 0x77;			/* AH */
	ea[32] = 0x77;			/* R9B */
	put(ea + 36, 4, 0x55667788);	/* moffs */
	/* loads */
	e[n++] = (struct expect){ "mov al", (fill & ~0xffULL) | init[64], 0 };
	e[n++] = (struct expect){ "mov ax", (fill & ~0xffffULL) | get(init + 64, 2), 0 };
	e[n++] = (struct expect){ "mov eax (zero-extends)", get(init + 64, 4), 0 };
	e[n++] = (struct expect){ "mov rax", get(init + 64, 8), 0 };
	e[n++] = (struct expect){ "mov ch", (fill & ~0xff00ULL) | (uint64_t)init[65] << 8, 0 };
	e[n++] = (struct expect){ "mov rax, moffs64", get(init + 72, 8), 0 };
	e[n++] = (struct expect){ "mov r10d", get(init + 72, 4), 0 };
	e[n++] = (struct expect){ "movzx ecx, byte", init[66], 0 };
	e[n++] = (struct expect){ "movzx ecx, word", get(init + 66, 2), 0 };
	e[n++] = (struct expect){ "movsx rcx, byte", (uint64_t)(int64_t)(int8_t)init[66], 0 };
	e[n++] = (struct expect){ "movsx ecx, word",
				  (uint32_t)(int32_t)(int16_t)get(init + 66, 2), 0 };
	e[n++] = (struct expect){ "movsxd rcx", (uint64_t)(int64_t)(int32_t)get(init + 68, 4), 0 };
	e[n++] = (struct expect){ "movsx cx, byte (merges)",
				  (fill & ~0xffffULL) | (uint16_t)(int16_t)(int8_t)init[66], 0 };
	/* read-modify-write */
	v = get(init + 80, 4) | 0x0f0f0000;
	put(ea + 80, 4, v);
	e[n++] = (struct expect){ "or dword: flags", szp(v, 32), LOGIC };
	ea[84] = 0;
	e[n++] = (struct expect){ "add byte: flags", add_flags(0xff, 1, 8), ARITH };
	put(ea + 86, 2, 0xffff);
	e[n++] = (struct expect){ "sub word: flags", sub_flags(0, 1, 16), ARITH };
	v = get(init + 88, 8) & 0xff00ff00ff00ff00ULL;
	put(ea + 88, 8, v);
	e[n++] = (struct expect){ "and qword: flags", szp(v, 64), LOGIC };
	put(ea + 96, 4, 0x80000000);
	e[n++] = (struct expect){ "inc dword: flags, CF kept",
				  (add_flags(0x7fffffff, 1, 32) & ~CF) | CF, ARITH };
	ea[100] = init[100] - 1;
	put(ea + 102, 2, ~get(init + 102, 2));
	v = get(init + 104, 4);
	put(ea + 104, 4, -v);
	e[n++] = (struct expect){ "neg dword: flags", sub_flags(0, v, 32), ARITH };
	rdx = get(init + 112, 8);
	put(ea + 112, 8, 0x0102030405060708ULL);
	e[n++] = (struct expect){ "xchg: old value in rdx", rdx, 0 };
	v = get(init + 120, 4);
	put(ea + 120, 4, v | 0x20);
	e[n++] = (struct expect){ "bts: CF is the old bit", (v >> 5) & 1 ? CF : 0, CF };
	ea[121] ^= (uint8_t)rdx;
	/* reads only */
	e[n++] = (struct expect){ "cmp dword: flags", sub_flags(0x1000, 0x1000, 32), ARITH };
	e[n++] = (struct expect){ "test byte: flags", szp(init[66] & 0x80, 8), LOGIC };
	e[n++] = (struct expect){ "add rdx, [mem]: flags",
				  add_flags(rdx, get(init + 64, 8), 64), ARITH };
	e[n++] = (struct expect){ "add rdx, [mem]", rdx + get(init + 64, 8), 0 };
	/* CMPXCHG, XADD, BT/BTR with a register offset */
	put(ea + 160, 4, 0x55667788);
	e[n++] = (struct expect){ "cmpxchg dword, equal: flags",
				  sub_flags(0x11223344, 0x11223344, 32), ARITH };
	e[n++] = (struct expect){ "cmpxchg dword, equal: rax kept", 0x11223344, 0 };
	v = get(init + 168, 8);
	e[n++] = (struct expect){ "cmpxchg qword, not equal: flags", sub_flags(0x99, v, 64), ARITH };
	e[n++] = (struct expect){ "cmpxchg qword, not equal: rax loaded", v, 0 };
	v = get(init + 176, 8);
	put(ea + 176, 8, v + 5);
	e[n++] = (struct expect){ "xadd qword: flags", add_flags(v, 5, 64), ARITH };
	e[n++] = (struct expect){ "xadd qword: old value in rdx", v, 0 };
	ea[184] = init[184] + 0x81;
	e[n++] = (struct expect){ "xadd byte: flags", add_flags(init[184], 0x81, 8), ARITH };
	e[n++] = (struct expect){ "xadd byte: old value in dl, edx zero above", init[184], 0 };
	e[n++] = (struct expect){ "bt dword +67: CF from byte 200", CF, CF };
	ea[223] = 0;
	e[n++] = (struct expect){ "btr qword -1: CF from byte 223", CF, CF };
	/* strings */
	memset(eb, 0, sizeof(eb));
	memcpy(eb, init + 128, 8);			/* movsq A to B */
	put(eb + 8, 4, 0xfeedf00d);			/* movsl RAM to B */
	e[n++] = (struct expect){ "movsw A to RAM", get(init + 136, 2), 0 };
	eb[16] = 0xa7;					/* stosb */
	e[n++] = (struct expect){ "lodsl", get(init + 140, 4), 0 };
	memcpy(eb + 24, init + 144, 8);			/* rep movsb */
	memcpy(eb + 36, init + 156, 4);			/* std; rep movsb */
	e[n++] = (struct expect){ "rsi after std rep movsb", MMIO_A_GPA + 155, 0 };
	e[n++] = (struct expect){ "rdi after std rep movsb", MMIO_B_GPA + 35, 0 };
	e[n++] = (struct expect){ "rcx after rep movsb", 0, 0 };

	tap_ok(uc.arg == n, "forms: %u results saved (%" PRIu64 ")", n, uc.arg);
	got = (uint64_t *)(t.mem + RESULTS_GPA);
	for (i = 0; i < n && i < uc.arg; i++) {
		uint64_t m = e[i].flag_mask ? e[i].flag_mask : ~0ULL;

		if ((got[i] & m) != (e[i].value & m)) {
			bad++;
			tap_diag("%s: got 0x%" PRIx64 ", want 0x%" PRIx64 " (mask 0x%" PRIx64 ")",
				 e[i].what, got[i], e[i].value, m);
		}
	}
	tap_ok(!bad, "forms: every loaded value and flag as the model says (%u wrong)", bad);
	for (bad = 0, i = 0; i < DEV_SIZE; i++)
		if (a.bytes[i] != ea[i] && bad++ < 8)
			tap_diag("device A byte %u: 0x%02x, want 0x%02x", i, a.bytes[i], ea[i]);
	tap_ok(!bad, "forms: device A holds what the model wrote (%u bytes differ)", bad);
	for (bad = 0, i = 0; i < DEV_SIZE; i++)
		if (b.bytes[i] != eb[i] && bad++ < 8)
			tap_diag("device B byte %u: 0x%02x, want 0x%02x", i, b.bytes[i], eb[i]);
	tap_ok(!bad, "forms: device B holds what the strings moved (%u bytes differ)", bad);
	/*
	 * 11 stores and 16 read-modify-writes (CMPXCHG and XADD included,
	 * BTR too) write A; 13 loads, 16 RMW, CMP, TEST, ADD, BT and 15
	 * string elements read it; 15 string elements write B.  One
	 * access, one handler call.
	 */
	tap_ok(a.reads == 48 && a.writes == 27 && b.reads == 0 && b.writes == 15 &&
	       !a.bad && !b.bad,
	       "forms: A read 48 and written 27 times, B written 15 (%u %u %u %u, %u bad)",
	       a.reads, a.writes, b.reads, b.writes, a.bad + b.bad);
	tvm_destroy(&t);
}

/* ---- the paging modes ------------------------------------------------- */

enum mode { REAL, PROTECTED, PAGING32, PAE, NR_MODES };
static const char *const mode_names[] = { "real mode", "protected mode, no paging",
					  "32-bit paging", "PAE paging" };

static void put32(struct tvm *t, uint64_t gpa, uint32_t v)
{
	put(t->mem + gpa, 4, v);
}

static void put64(struct tvm *t, uint64_t gpa, uint64_t v)
{
	put(t->mem + gpa, 8, v);
}

/* Paging structures at 2 MiB, mapping [0, 4 MiB) 1:1 and MMIO_LINEAR to A. */
static void build_tables(struct tvm *t, enum mode m, struct vmctl_sregs *s)
{
	unsigned int i;

	if (m == PAGING32) {
		put32(t, 0x200000, 0x201000 | 3);
		for (i = 0; i < 1024; i++)
			put32(t, 0x201000 + i * 4, (i << 12) | 3);
		put32(t, 0x200000 + (MMIO_LINEAR >> 22) * 4, 0x202000 | 3);
		put32(t, 0x202000, MMIO_A_GPA | 3);
		s->cr3 = 0x200000;
		s->cr4 &= ~(1ULL << 5);
	} else {
		put64(t, 0x203000, 0x204000 | 1);
		put64(t, 0x203008, 0x205000 | 1);
		put64(t, 0x204000, 0x000000 | 0x83);	/* 2 MiB pages */
		put64(t, 0x204008, 0x200000 | 0x83);
		put64(t, 0x205000, 0x206000 | 3);
		put64(t, 0x206000, MMIO_A_GPA | 3);
		s->cr3 = 0x203000;
		s->cr4 |= 1ULL << 5;
	}
	s->cr0 |= 1ULL << 31;
}

static void check_mode(enum mode m)
{
	static struct dev a;
	struct vmctl_protected_mode pm = { .gdt_gpa = 0x10000, .entry = GUEST_LOAD_ADDR,
					   .stack = 0x80000 };
	uint8_t init[16];
	struct vmctl_sregs sregs;
	struct vmctl_regs regs;
	struct vmctl_exit exit;
	struct ucall uc = { 0 };
	uint32_t sum;
	struct tvm t;
	int err;

	memset(&a, 0, sizeof(a));
	a.base = m == REAL ? REAL_DEV_GPA : MMIO_A_GPA;
	init_dev_a(a.bytes);
	memcpy(init, a.bytes, sizeof(init));
	tvm_create(&t, m == REAL ? 0x80000 : 4 << 20);
	if (vmctl_vm_mmio_register(t.vm, a.base, DEV_SIZE, dev_handler, &a))
		tap_bail("cannot register the MMIO device");
	if (m == REAL) {
		tvm_start_real(&t, mmio_16_begin, mmio_16_end);
	} else {
		memcpy(t.mem + GUEST_LOAD_ADDR, mmio_32_begin, mmio_32_end - mmio_32_begin);
		err = vmctl_vcpu_setup_protected_mode(t.vcpu, &pm);
		if (err)
			tap_bail("vmctl_vcpu_setup_protected_mode: %s", vmctl_strerror(err));
	}
	err = vmctl_vcpu_get_sregs(t.vcpu, &sregs);
	if (!err && m == REAL) {
		sregs.es.selector = REAL_DEV_GPA >> 4;
		sregs.es.base = REAL_DEV_GPA;
	}
	if (!err && (m == PAGING32 || m == PAE))
		build_tables(&t, m, &sregs);
	if (!err)
		err = vmctl_vcpu_set_sregs(t.vcpu, &sregs);
	if (!err)
		err = vmctl_vcpu_get_regs(t.vcpu, &regs);
	if (!err && m != REAL) {
		regs.rbx = m == PROTECTED ? MMIO_A_GPA : MMIO_LINEAR;
		err = vmctl_vcpu_set_regs(t.vcpu, &regs);
	}
	if (err)
		tap_bail("%s: setting registers: %s", mode_names[m], vmctl_strerror(err));

	err = vmctl_vcpu_run_loop(t.vcpu, &exit);
	if (!err && !ucall_get(t.vcpu, &exit, &uc))
		err = -1;
	sum = (uint32_t)get(init, 4) + 1 + (uint32_t)get(init + 8, 2);
	tap_ok(err == 0 && uc.code == UCALL_DONE && uc.arg == sum,
	       "%s: load, add, store and OR through MMIO give 0x%x (%d: %s, 0x%" PRIx64 ")",
	       mode_names[m], sum, err, exit.message, uc.arg);
	tap_ok(get(a.bytes + 4, 4) == (uint32_t)(get(init, 4) + 1) &&
	       a.bytes[12] == (init[12] | 0x80) && a.reads == 3 && a.writes == 2,
	       "%s: the device saw 3 reads and 2 writes with the right values (%u, %u)",
	       mode_names[m], a.reads, a.writes);
	tvm_destroy(&t);
}

/* ---- #PF from an MMIO instruction ------------------------------------- */

static void check_page_fault(void)
{
	static struct dev a;
	struct vmctl_exit exit;
	struct vmctl_regs regs;
	struct ucall uc = { 0 };
	struct tvm t;
	int err;

	a.base = MMIO_A_GPA;
	tvm_create(&t, 4 << 20);
	if (vmctl_vm_mmio_register(t.vm, MMIO_A_GPA, DEV_SIZE, dev_handler, &a))
		tap_bail("cannot register the MMIO device");
	tvm_start_long(&t, mmio_pf_begin, mmio_pf_end);
	err = vmctl_vcpu_run_loop(t.vcpu, &exit);
	/* Asked first: the format arguments may be evaluated before the call. */
	if (!err && !ucall_get(t.vcpu, &exit, &uc))
		err = -1;
	tap_ok(err == 0 && uc.code == UCALL_REPORT && uc.arg == MMIO_NOT_PRESENT,
	       "#PF: the guest's handler runs with CR2 0x%x (%d: %s, 0x%" PRIx64 ")",
	       MMIO_NOT_PRESENT, err, exit.message, uc.arg);
	err = vmctl_vcpu_run_loop(t.vcpu, &exit);
	if (!err && !ucall_get(t.vcpu, &exit, &uc))
		err = -1;
	tap_ok(err == 0 && uc.code == UCALL_REPORT && uc.arg == 0x2,
	       "#PF: error code 0x2, a supervisor write to a page not present (0x%" PRIx64 ")",
	       uc.arg);
	err = vmctl_vcpu_get_regs(t.vcpu, &regs);
	tap_ok(!err && regs.rsi == MMIO_A_GPA && regs.rdi == MMIO_NOT_PRESENT && regs.rcx == 3,
	       "#PF: RSI, RDI, RCX as before the first element (0x%llx 0x%llx %llu)",
	       (unsigned long long)regs.rsi, (unsigned long long)regs.rdi,
	       (unsigned long long)regs.rcx);
	tvm_destroy(&t);
}

/* ---- an instruction the decoder refuses ------------------------------- */

static void check_undecodable(void)
{
	static struct dev a;
	const uint64_t rip = GUEST_LOAD_ADDR + (mmio_sse_insn - mmio_sse_begin);
	struct vmctl_sregs sregs;
	uint8_t bytes[16];
	struct vmctl_exit exit;
	struct tvm t;
	int err;

	a.base = MMIO_A_GPA;
	tvm_create(&t, 4 << 20);
	if (vmctl_vm_mmio_register(t.vm, MMIO_A_GPA, DEV_SIZE, dev_handler, &a))
		tap_bail("cannot register the MMIO device");
	tvm_start_long(&t, mmio_sse_begin, mmio_sse_end);
	/* SSE instructions need CR4.OSFXSR (bit 9), or they are #UD. */
	err = vmctl_vcpu_get_sregs(t.vcpu, &sregs);
	if (!err) {
		sregs.cr4 |= 1ULL << 9;
		err = vmctl_vcpu_set_sregs(t.vcpu, &sregs);
	}
	if (err)
		tap_bail("CR4.OSFXSR: %s", vmctl_strerror(err));
	err = vmctl_vcpu_run_loop(t.vcpu, &exit);
	tap_ok(err == 0 && exit.reason == VMCTL_EXIT_INTERNAL_ERROR &&
	       exit.internal.suberror == VMCTL_INTERNAL_MMIO_FAILED && exit.internal.ndata == 6 &&
	       exit.internal.data[0] == MMIO_A_GPA && exit.internal.data[1] == rip &&
	       exit.internal.data[2] == VMCTL_MMIO_DECODE_UNSUPPORTED,
	       "MOVDQU: internal error at 0x%x, RIP 0x%" PRIx64 ", unsupported (%d: %s)",
	       MMIO_A_GPA, rip, err, exit.message);
	memcpy(bytes, &exit.internal.data[4], sizeof(bytes));
	tap_ok(exit.internal.data[3] >= 4 && !memcmp(bytes, "\xf3\x0f\x6f\x03", 4) &&
	       strstr(exit.message, "bytes f3 0f 6f 03"),
	       "MOVDQU: the exit carries its bytes f3 0f 6f 03, and the message says so");
	tap_ok(a.reads == 0 && a.writes == 0, "MOVDQU: no access reached the device");
	tvm_destroy(&t);
}

int main(void)
{
	struct vmctl_caps caps;
	struct tvm t;
	int m;

	tap_plan(1 + 6 + 2 * NR_MODES + 3 + 3);
	tvm_create(&t, 1 << 20);
	tap_ok(!vmctl_sys_get_caps(t.sys, &caps) && (caps.features & VMCTL_CAP_DECODED_MMIO),
	       "the module offers decoded MMIO");
	tvm_destroy(&t);
	check_forms();
	for (m = 0; m < NR_MODES; m++)
		check_mode(m);
	check_page_fault();
	check_undecodable();
	return tap_finish();
}
