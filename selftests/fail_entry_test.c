// SPDX-License-Identifier: GPL-2.0
/*
 * Guest state that SET_SREGS/SET_REGS accept (the kernel leaves segment
 * consistency to the hardware) but VM entry refuses: the run ends in
 * VMCTL_EXIT_FAIL_ENTRY flagged as invalid guest state, hardware reason
 * 0x80000021 (entry failure, exit reason 33), with a message that names the
 * failing check.  Repairing the state lets the same vCPU run.
 *
 * Each case starts from a state that enters (the repair puts it back and
 * must reach the guest) and changes one thing.  Two paths are covered:
 *  - states the module's own pre-check (kmod/vmx/entry_checks.c) refuses
 *    before asking the CPU: VMCTL_FAIL_ENTRY_MODULE_CHECK is set and the
 *    message is that check's text;
 *  - a state the pre-check does not model but the CPU refuses: RFLAGS.VM
 *    (virtual-8086 mode) in protected mode with segments that are not
 *    virtual-8086 ones (SDM "Checks on Guest Segment Registers": with
 *    RFLAGS.VM, base = selector << 4, limit 0xffff, access rights 0xf3).
 *    VMLAUNCH really runs and fails: no MODULE_CHECK flag, and the module
 *    says that none of its checks explains it.
 */
#include <inttypes.h>
#include <string.h>

#include "test_util.h"

#define X86_CR0_PE		0x1ULL
#define X86_EFLAGS_VM		(1ULL << 17)
#define ENTRY_FAIL_GUEST_STATE	0x80000021ULL	/* bit 31 | basic reason 33 */

/* What the library's one-line message says for the module's refusals. */
#define MODULE_REFUSAL_TEXT	"refused by vmctl.ko before entry"
/* What the module says when the CPU refuses a state its checks pass. */
#define NO_MODELLED_CHECK_TEXT	"invalid guest state (no modelled check fails)"

enum start {
	LONG_MODE,		/* long_ud2 in 64-bit mode */
	PROTECTED_16,		/* real_int_no_idt after CR0.PE := 1 */
};

struct bad_state {
	const char *what;
	enum start start;
	void (*spoil_sregs)(struct vmctl_sregs *s);
	void (*spoil_regs)(struct vmctl_regs *r);
	bool module_check;	/* refused by the module before VMLAUNCH */
	const char *message;	/* run.fail_entry.message, exactly */
};

/* TR must be a busy TSS (type 11 in IA-32e mode); 1 is an available 16-bit TSS. */
static void tr_available(struct vmctl_sregs *s)
{
	s->tr.type = 1;
}

/* In IA-32e mode a CS with L set must have D clear. */
static void cs_l_and_d(struct vmctl_sregs *s)
{
	s->cs.db = 1;
}

/* A usable LDTR must describe an LDT (type 2); 1 is a 16-bit TSS. */
static void ldtr_not_ldt(struct vmctl_sregs *s)
{
	s->ldt.unusable = 0;
	s->ldt.present = 1;
	s->ldt.type = 1;
	s->ldt.limit = 0xffff;
}

/*
 * Virtual-8086 mode: the segments stay what they are (DPL 0, code and data
 * types), which VM entry refuses for a virtual-8086 guest.
 */
static void rflags_vm(struct vmctl_regs *r)
{
	r->rflags |= X86_EFLAGS_VM;
}

static const struct bad_state cases[] = {
	{ "TR type 1 (available 16-bit TSS)", LONG_MODE, tr_available, NULL, true,
	  "TR.type 1: must be a busy TSS (11 in IA-32e mode)" },
	{ "CS with both L and D in long mode", LONG_MODE, cs_l_and_d, NULL, true,
	  "CS.L and CS.D/B must not both be 1 in IA-32e mode" },
	{ "LDTR usable but not an LDT", LONG_MODE, ldtr_not_ldt, NULL, true,
	  "LDTR.type 1: must be 2 (LDT)" },
	{ "RFLAGS.VM with protected-mode segments", PROTECTED_16, NULL, rflags_vm, false,
	  NO_MODELLED_CHECK_TEXT },
};

#define NR_CASES	(sizeof(cases) / sizeof(cases[0]))
#define CHECKS_PER_CASE	5

/* Loads the case's guest and puts the vCPU in its (valid) starting state. */
static void start(struct tvm *t, enum start how)
{
	struct vmctl_sregs s;
	int err;

	if (how == LONG_MODE) {
		tvm_start_long(t, long_ud2_begin, long_ud2_end);
		return;
	}
	tvm_start_real(t, real_int_no_idt_begin, real_int_no_idt_end);
	err = vmctl_vcpu_get_sregs(t->vcpu, &s);
	if (err)
		tap_bail("vmctl_vcpu_get_sregs: %s", vmctl_strerror(err));
	s.cr0 |= X86_CR0_PE;
	err = vmctl_vcpu_set_sregs(t->vcpu, &s);
	if (err)
		tap_bail("vmctl_vcpu_set_sregs with CR0.PE: %s", vmctl_strerror(err));
}

static void run_case(const struct bad_state *c)
{
	struct vmctl_sregs good_sregs, bad_sregs;
	struct vmctl_regs good_regs, bad_regs;
	struct vmctl_exit exit;
	const char *what = c->what;
	uint32_t flags;
	struct tvm t;
	int err;

	tvm_create(&t, 4 << 20);
	start(&t, c->start);
	err = vmctl_vcpu_get_sregs(t.vcpu, &good_sregs);
	if (err)
		tap_bail("%s: vmctl_vcpu_get_sregs: %s", what, vmctl_strerror(err));
	err = vmctl_vcpu_get_regs(t.vcpu, &good_regs);
	if (err)
		tap_bail("%s: vmctl_vcpu_get_regs: %s", what, vmctl_strerror(err));
	bad_sregs = good_sregs;
	bad_regs = good_regs;
	if (c->spoil_sregs) {
		c->spoil_sregs(&bad_sregs);
		err = vmctl_vcpu_set_sregs(t.vcpu, &bad_sregs);
	} else {
		c->spoil_regs(&bad_regs);
		err = vmctl_vcpu_set_regs(t.vcpu, &bad_regs);
	}
	tap_ok(err == 0, "%s: SET_%sREGS accepts it (%d)", what, c->spoil_sregs ? "S" : "", err);

	memset(&exit, 0, sizeof(exit));
	err = vmctl_vcpu_run(t.vcpu, &exit);
	flags = exit.fail_entry.flags;
	tap_ok(err == 0 && exit.reason == VMCTL_EXIT_FAIL_ENTRY &&
	       (flags & VMCTL_FAIL_ENTRY_INVALID_GUEST_STATE) &&
	       !(flags & VMCTL_FAIL_ENTRY_VMFAIL) &&
	       !!(flags & VMCTL_FAIL_ENTRY_MODULE_CHECK) == c->module_check,
	       "%s: FAIL_ENTRY, invalid guest state, %s (%d, %s, flags 0x%x)", what,
	       c->module_check ? "refused by the module's check" : "refused by the CPU itself",
	       err, vmctl_exit_reason_name(exit.reason), flags);
	tap_ok(exit.fail_entry.hardware_reason == ENTRY_FAIL_GUEST_STATE &&
	       exit.fail_entry.qualification == 0,
	       "%s: hardware reason 0x%" PRIx64 ", qualification 0x%" PRIx64, what,
	       exit.fail_entry.hardware_reason, exit.fail_entry.qualification);
	tap_ok(strcmp(exit.fail_entry.message, c->message) == 0 &&
	       strstr(exit.message, c->message) &&
	       !strstr(exit.message, MODULE_REFUSAL_TEXT) == !c->module_check,
	       "%s: the message names the check: \"%s\"", what, exit.message);

	/* Put the good state back: the same vCPU enters and triple-faults. */
	err = vmctl_vcpu_set_sregs(t.vcpu, &good_sregs);
	if (err)
		tap_bail("%s: restoring the sregs: %s", what, vmctl_strerror(err));
	err = vmctl_vcpu_set_regs(t.vcpu, &good_regs);
	if (err)
		tap_bail("%s: restoring the regs: %s", what, vmctl_strerror(err));
	err = vmctl_vcpu_run(t.vcpu, &exit);
	tap_ok(err == 0 && exit.reason == VMCTL_EXIT_SHUTDOWN,
	       "%s: repaired, the vCPU enters the guest (%d, %s)", what, err, exit.message);
	tvm_destroy(&t);
}

int main(void)
{
	size_t i;

	tap_plan(CHECKS_PER_CASE * NR_CASES);
	for (i = 0; i < NR_CASES; i++)
		run_case(&cases[i]);
	return tap_finish();
}
