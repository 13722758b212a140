// SPDX-License-Identifier: GPL-2.0
/*
 * A guest's own MOV to CR4 and CR0 obeys the rule that SET_SREGS enforces:
 * IA-32e mode needs CR4.PAE.  The module checks that rule twice, once with
 * the CR0 rules (CR0.PG with EFER.LME needs PAE) and once with the CR4 rules
 * (EFER.LMA needs PAE).  Through SET_SREGS the two always agree (LMA is
 * derived from LME and PG there), so ioctl_errors_test cannot tell them
 * apart; here each stands alone on a guest path:
 *  - a long-mode guest clears CR4.PAE (the CR4 rule);
 *  - a 32-bit guest, paging off, EFER.LME set, CR4.PAE clear, sets CR0.PG
 *    (the CR0 rule).
 * Each MOV must raise #GP: the guest's own handler reports the RIP in its
 * exception frame, which must be the MOV's, and the register keeps its
 * value.  A module that let either write through would enter a long-mode
 * guest without PAE, which VM entry refuses.
 *
 * Outside 64-bit mode MOV to CR0/CR4 takes a 32-bit operand: a 32-bit
 * guest whose ESI and EDI hold the new CR4 and CR0, with the upper halves
 * of RSI and RDI set through SET_REGS, must get exactly the low halves (a
 * module that used all 64 bits would see reserved bits and raise #GP).
 */
#include <inttypes.h>

#include "test_util.h"

#define X86_CR0_PE	0x1ULL
#define X86_CR0_WP	0x10000ULL
#define X86_CR4_PSE	0x10ULL
#define X86_CR0_PG	0x80000000ULL
#define X86_CR4_PAE	0x20ULL
#define EFER_LME	0x100ULL
#define EFER_LMA	0x400ULL

/* Runs to the guest's ucall SYNC(1), which it makes just before its MOV. */
static void run_to_sync(struct tvm *t, const char *what)
{
	struct vmctl_exit exit;
	struct ucall uc = { 0 };
	int err;

	err = vmctl_vcpu_run_loop(t->vcpu, &exit);
	tap_ok(err == 0 && ucall_get(t->vcpu, &exit, &uc) && uc.code == UCALL_SYNC &&
	       uc.arg == 1, "%s: the guest set up its #GP handler and reached the MOV (%d, %s)",
	       what, err, exit.message);
	if (uc.code != UCALL_SYNC)
		tap_bail("%s: the guest did not reach its MOV", what);
}

/* Runs on: the MOV at mov_gpa must fault, and the handler report its RIP. */
static void expect_gp_at(struct tvm *t, uint64_t mov_gpa, const char *what)
{
	struct vmctl_exit exit;
	struct ucall uc = { 0 };
	int err;

	err = vmctl_vcpu_run_loop(t->vcpu, &exit);
	if (err || !ucall_get(t->vcpu, &exit, &uc))
		uc.code = 0;
	tap_ok(uc.code == UCALL_REPORT && uc.arg == mov_gpa,
	       "%s: #GP at the MOV (0x%" PRIx64 "): %s, RIP 0x%" PRIx64 " (%d, %s)",
	       what, mov_gpa, uc.code == UCALL_REPORT ? "the handler ran" :
	       uc.code == UCALL_DONE ? "the MOV went through" : "no report",
	       uc.arg, err, exit.message);
}

static void get_sregs(struct tvm *t, struct vmctl_sregs *s)
{
	int err = vmctl_vcpu_get_sregs(t->vcpu, s);

	if (err)
		tap_bail("vmctl_vcpu_get_sregs: %s", vmctl_strerror(err));
}

static void test_cr4_clear_pae(void)
{
	const char *what = "long mode, MOV to CR4 without PAE";
	struct vmctl_sregs s;
	struct tvm t;

	tvm_create(&t, 4 << 20);
	tvm_start_long(&t, long_cr4_clear_pae_begin, long_cr4_clear_pae_end);
	run_to_sync(&t, what);
	expect_gp_at(&t, GUEST_LOAD_ADDR + GUEST_OFF(long_cr4_clear_pae,
						     long_cr4_clear_pae_mov), what);
	get_sregs(&t, &s);
	tap_ok((s.cr4 & X86_CR4_PAE) && (s.efer & EFER_LMA),
	       "%s: CR4.PAE and EFER.LMA stay set (CR4 0x%llx, EFER 0x%llx)", what,
	       (unsigned long long)s.cr4, (unsigned long long)s.efer);
	tvm_destroy(&t);
}

static struct vmctl_segment flat32(uint16_t selector, uint8_t type)
{
	struct vmctl_segment seg = {
		.base = 0, .limit = 0xffffffff, .selector = selector, .type = type,
		.present = 1, .dpl = 0, .db = 1, .s = 1, .l = 0, .g = 1,
	};

	return seg;
}

static void test_cr0_pg_no_pae(void)
{
	const char *what = "EFER.LME without PAE, MOV to CR0 with PG";
	struct vmctl_regs regs;
	struct vmctl_sregs s;
	struct tvm t;
	int err;

	tvm_create(&t, 1 << 20);
	tvm_start_real(&t, prot_cr0_pg_no_pae_begin, prot_cr0_pg_no_pae_end);
	/* 32-bit protected mode, flat segments, paging off, long mode enabled. */
	get_sregs(&t, &s);
	s.cr0 |= X86_CR0_PE;
	s.cr4 &= ~X86_CR4_PAE;
	s.efer = EFER_LME;
	s.cs = flat32(0x08, 11);
	s.ds = s.es = s.fs = s.gs = s.ss = flat32(0x10, 3);
	err = vmctl_vcpu_set_sregs(t.vcpu, &s);
	tap_ok(err == 0, "%s: SET_SREGS accepts 32-bit protected mode with EFER.LME (%d)",
	       what, err);
	if (err)
		tap_bail("cannot set up the 32-bit guest");
	err = vmctl_vcpu_get_regs(t.vcpu, &regs);
	if (err)
		tap_bail("vmctl_vcpu_get_regs: %s", vmctl_strerror(err));
	regs.rip = GUEST_LOAD_ADDR;
	regs.rsp = GUEST_STACK_TOP;
	err = vmctl_vcpu_set_regs(t.vcpu, &regs);
	if (err)
		tap_bail("vmctl_vcpu_set_regs: %s", vmctl_strerror(err));

	run_to_sync(&t, what);
	expect_gp_at(&t, GUEST_LOAD_ADDR + GUEST_OFF(prot_cr0_pg_no_pae,
						     prot_cr0_pg_no_pae_mov), what);
	get_sregs(&t, &s);
	tap_ok(!(s.cr0 & X86_CR0_PG) && !(s.efer & EFER_LMA),
	       "%s: CR0.PG and EFER.LMA stay clear (CR0 0x%llx, EFER 0x%llx)", what,
	       (unsigned long long)s.cr0, (unsigned long long)s.efer);
	tvm_destroy(&t);
}

static void test_cr_write_low32(void)
{
	const char *what = "32-bit guest, MOV to CR4/CR0 from registers with upper halves set";
	const uint64_t high = 0xdead000100000000ULL;
	uint64_t want_cr0, want_cr4;
	struct vmctl_regs regs;
	struct vmctl_sregs s;
	struct vmctl_exit exit;
	struct ucall uc = { 0 };
	struct tvm t;
	int err;

	tvm_create(&t, 1 << 20);
	tvm_start_real(&t, prot_cr_write_low32_begin, prot_cr_write_low32_end);
	get_sregs(&t, &s);
	s.cr0 |= X86_CR0_PE;
	s.cr0 &= ~X86_CR0_WP;
	s.cr4 &= ~X86_CR4_PSE;
	s.efer = 0;
	s.cs = flat32(0x08, 11);
	s.ds = s.es = s.fs = s.gs = s.ss = flat32(0x10, 3);
	err = vmctl_vcpu_set_sregs(t.vcpu, &s);
	if (err)
		tap_bail("%s: SET_SREGS: %s", what, vmctl_strerror(err));
	/* Bits the guest does not own, so both MOVs exit to the module. */
	want_cr4 = s.cr4 | X86_CR4_PSE;
	want_cr0 = s.cr0 | X86_CR0_WP;
	err = vmctl_vcpu_get_regs(t.vcpu, &regs);
	if (err)
		tap_bail("vmctl_vcpu_get_regs: %s", vmctl_strerror(err));
	regs.rip = GUEST_LOAD_ADDR;
	regs.rsp = GUEST_STACK_TOP;
	regs.rsi = high | want_cr4;
	regs.rdi = high | want_cr0;
	err = vmctl_vcpu_set_regs(t.vcpu, &regs);
	if (err)
		tap_bail("vmctl_vcpu_set_regs: %s", vmctl_strerror(err));

	err = vmctl_vcpu_run_loop(t.vcpu, &exit);
	tap_ok(err == 0 && ucall_get(t.vcpu, &exit, &uc) && uc.code == UCALL_DONE,
	       "%s: both MOVs complete without #GP (%d, %s)", what, err, exit.message);
	get_sregs(&t, &s);
	tap_ok(s.cr4 == want_cr4, "%s: CR4 is the low half, 0x%llx (got 0x%llx)", what,
	       (unsigned long long)want_cr4, (unsigned long long)s.cr4);
	tap_ok(s.cr0 == want_cr0, "%s: CR0 is the low half, 0x%llx (got 0x%llx)", what,
	       (unsigned long long)want_cr0, (unsigned long long)s.cr0);
	tvm_destroy(&t);
}

int main(void)
{
	tap_plan(10);
	test_cr4_clear_pae();
	test_cr0_pg_no_pae();
	test_cr_write_low32();
	return tap_finish();
}
