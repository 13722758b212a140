// SPDX-License-Identifier: GPL-2.0
/*
 * Hypercalls: a guest VMCALL reaches the VM's handler with RAX and
 * RBX/RCX/RDX/RSI, the answer arrives in RAX, no other register changes;
 * without a handler the run loop hands the exit to the caller, who answers
 * with vmctl_vcpu_complete_hypercall() or not at all (-VMCTL_HC_ENOSYS);
 * SET_REGS discards a pending hypercall (the VMCALL runs again); outside
 * 64-bit mode only 32 bits go each way; at CPL 3 the guest gets
 * -VMCTL_HC_EPERM and user space sees nothing.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "test_util.h"
#include "guests_state.h"

#define PROT_NR		0xdead000000000042ULL	/* RAX; a 32-bit guest passes 0x42 */
#define PROT_ARG0	0xbeef000000000011ULL

struct calls {
	unsigned int first, loop, other;
	bool first_args_ok;
	unsigned int bad_loop_args;
};

static int hc_handler(struct vmctl_vcpu *vcpu, uint64_t nr, const uint64_t args[4],
		      uint64_t *ret, void *opaque)
{
	struct calls *c = opaque;
	uint64_t i = nr - HC_LOOP_NR;

	(void)vcpu;
	if (nr == HC_FIRST_NR) {
		c->first++;
		c->first_args_ok = args[0] == HC_FIRST_ARG0 && args[1] == HC_FIRST_ARG1 &&
				   args[2] == HC_FIRST_ARG2 && args[3] == HC_FIRST_ARG3;
		*ret = 0xfedcba9876543210ULL;
		return 0;
	}
	if (nr >= HC_LOOP_NR && i < HC_LOOP_COUNT) {
		c->loop++;
		if (args[0] != i || args[1] != 2 * i || args[2] != 3 * i || args[3] != 4 * i)
			c->bad_loop_args++;
		/* Computed from what the guest should have sent, not from args. */
		*ret = HC_LOOP_RET(nr, i, 2 * i, 3 * i, 4 * i);
		return 0;
	}
	c->other++;
	return -ENOSYS;
}

static uint64_t next_report(struct vmctl_vcpu *vcpu, const char *what)
{
	struct vmctl_exit exit;
	struct ucall uc = { 0 };
	int err;

	err = vmctl_vcpu_run_loop(vcpu, &exit);
	if (err || !ucall_get(vcpu, &exit, &uc) || uc.code != UCALL_REPORT)
		tap_bail("%s: expected a ucall REPORT, got %d, %s", what, err, exit.message);
	return uc.arg;
}

static void long_mode(void)
{
	struct calls c = { 0 };
	struct vmctl_exit exit;
	struct vmctl_regs regs;
	struct tvm t;
	uint64_t v;
	int err;

	tvm_create(&t, 4 << 20);
	tvm_start_long(&t, hc_long_begin, hc_long_end);
	err = vmctl_vm_hypercall_register(t.vm, hc_handler, &c);
	if (err)
		tap_bail("vmctl_vm_hypercall_register: %s", vmctl_strerror(err));

	v = next_report(t.vcpu, "first hypercall");
	tap_ok(c.first == 1 && c.first_args_ok,
	       "handler got nr 0x%llx with RBX, RCX, RDX, RSI as the guest set them (%u calls)",
	       HC_FIRST_NR, c.first);
	tap_ok(v == 0xfedcba9876543210ULL, "guest RAX is the handler's 64-bit answer: 0x%" PRIx64, v);
	v = next_report(t.vcpu, "registers");
	tap_ok(v == 0, "VMCALL left RBX, RCX, RDX, RSI, RDI, R8 alone (changed: mask 0x%" PRIx64 ")",
	       v);
	v = next_report(t.vcpu, "loop");
	tap_ok(c.loop == HC_LOOP_COUNT && c.bad_loop_args == 0,
	       "%u hypercalls in a loop reached the handler with their own arguments "
	       "(%u wrong)", c.loop, c.bad_loop_args);
	tap_ok(v == 0, "each of them got its own answer (%" PRIu64 " wrong)", v);

	/* No handler: the caller gets the exit and answers by hand. */
	vmctl_vm_hypercall_register(t.vm, NULL, NULL);
	err = vmctl_vcpu_run_loop(t.vcpu, &exit);
	tap_ok(err == 0 && exit.reason == VMCTL_EXIT_HYPERCALL && exit.hypercall.nr == HC_RAW_NR &&
	       exit.hypercall.long_mode,
	       "without a handler the run loop returns the hypercall (%s)", exit.message);
	/* SET_REGS discards it: the VMCALL executes again, a second exit. */
	err = vmctl_vcpu_get_regs(t.vcpu, &regs);
	if (!err)
		err = vmctl_vcpu_set_regs(t.vcpu, &regs);
	if (err)
		tap_bail("get/set regs: %s", vmctl_strerror(err));
	tap_ok(vmctl_vcpu_complete_hypercall(t.vcpu, 1) == -EINVAL,
	       "after SET_REGS no hypercall is pending");
	err = vmctl_vcpu_run(t.vcpu, &exit);
	tap_ok(err == 0 && exit.reason == VMCTL_EXIT_HYPERCALL && exit.hypercall.nr == HC_RAW_NR,
	       "the discarded VMCALL runs again and exits again (%s)", exit.message);
	err = vmctl_vcpu_complete_hypercall(t.vcpu, 0x77);
	tap_ok(err == 0, "vmctl_vcpu_complete_hypercall (%d)", err);
	v = next_report(t.vcpu, "raw");
	tap_ok(v == 0x77, "guest RAX is the value completed by hand: 0x%" PRIx64, v);

	err = vmctl_vcpu_run_loop(t.vcpu, &exit);
	if (err || exit.reason != VMCTL_EXIT_HYPERCALL || exit.hypercall.nr != HC_NONE_NR)
		tap_bail("expected hypercall %d, got %d, %s", HC_NONE_NR, err, exit.message);
	v = next_report(t.vcpu, "unanswered");
	tap_ok(v == (uint64_t)-VMCTL_HC_ENOSYS, "an unanswered hypercall returns -%d: 0x%" PRIx64,
	       VMCTL_HC_ENOSYS, v);
	err = vmctl_vcpu_run_loop(t.vcpu, &exit);
	tap_ok(err == 0 && exit.reason == VMCTL_EXIT_HLT && c.other == 0,
	       "guest halts, the handler saw no other call (%s)", exit.message);
	tvm_destroy(&t);
}

/* hc_prot at CPL cpl: returns the exit of the first run loop. */
static void prot_mode(unsigned int cpl, struct vmctl_exit *exit, uint64_t *report)
{
	struct vmctl_protected_mode pm = {
		.gdt_gpa = GUEST_TABLES, .entry = GUEST_LOAD_ADDR, .stack = 0x8000,
	};
	struct vmctl_sregs sregs;
	struct vmctl_regs regs;
	struct ucall uc = { 0 };
	struct tvm t;
	int err;

	tvm_create(&t, 2 << 20);
	memcpy(t.mem + GUEST_LOAD_ADDR, hc_prot_begin, GUEST_SIZE(hc_prot));
	err = vmctl_vcpu_setup_protected_mode(t.vcpu, &pm);
	if (!err)
		err = vmctl_vcpu_get_sregs(t.vcpu, &sregs);
	if (!err)
		err = vmctl_vcpu_get_regs(t.vcpu, &regs);
	if (err)
		tap_bail("protected-mode set-up: %s", vmctl_strerror(err));
	sregs.cs.dpl = cpl;
	sregs.cs.selector |= cpl;
	sregs.ss.dpl = cpl;
	sregs.ss.selector |= cpl;
	regs.rflags |= 3 << 12;		/* IOPL 3: the ucall's OUT works at CPL 3 */
	regs.rax = PROT_NR;
	regs.rbx = PROT_ARG0;
	err = vmctl_vcpu_set_sregs(t.vcpu, &sregs);
	if (!err)
		err = vmctl_vcpu_set_regs(t.vcpu, &regs);
	if (err)
		tap_bail("CPL %u set-up: %s", cpl, vmctl_strerror(err));
	err = vmctl_vcpu_run_loop(t.vcpu, exit);
	if (err)
		tap_bail("CPL %u run: %s", cpl, vmctl_strerror(err));
	*report = ~0ULL;
	if (exit->reason == VMCTL_EXIT_HYPERCALL) {
		vmctl_vcpu_complete_hypercall(t.vcpu, 0xabcdef0123456789ULL);
		*report = next_report(t.vcpu, "32-bit hypercall");
	} else if (ucall_get(t.vcpu, exit, &uc) && uc.code == UCALL_REPORT) {
		*report = uc.arg;
	}
	tvm_destroy(&t);
}

int main(void)
{
	struct vmctl_exit exit;
	uint64_t v;

	tap_plan(15);
	long_mode();

	prot_mode(0, &exit, &v);
	tap_ok(exit.reason == VMCTL_EXIT_HYPERCALL && exit.hypercall.nr == (uint32_t)PROT_NR &&
	       exit.hypercall.args[0] == (uint32_t)PROT_ARG0 && !exit.hypercall.long_mode,
	       "32-bit guest: number and arguments are the low halves (%s)", exit.message);
	tap_ok(v == 0x23456789, "32-bit guest: EAX gets the low half, zero-extended: 0x%" PRIx64, v);
	prot_mode(3, &exit, &v);
	tap_ok(v == 0xffffffff, "CPL 3: no exit to user space, EAX = -VMCTL_HC_EPERM "
	       "(0x%" PRIx64 ", first exit %s)", v, vmctl_exit_reason_name(exit.reason));
	return tap_finish();
}
