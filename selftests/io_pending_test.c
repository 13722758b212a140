// SPDX-License-Identifier: GPL-2.0
/*
 * The pending-IN rule (see struct vmctl_run's io in <linux/vmctl.h>): an IN
 * that user space did not complete (raw run, no handler, failing handler)
 * is discarded when SET_REGS or SET_SREGS succeeds, so the guest resumes
 * from exactly the state written; RUN with immediate_exit completes it
 * instead.  Before the rule, the next RUN completed the stale IN on top of
 * the new state: it skipped the first bytes of the new code and overwrote
 * AL, so "mov $0x11,%al; out %al,$0x97" wrote 0xff.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "test_util.h"

#define PEND_IN_PORT	0x96
#define PEND_OUT_PORT	0x97
#define PEND_VALUE	0x11
#define TARGET_IP	0x10		/* pend_target - pend_begin */
#define ALT_CS		0x200		/* a copy of pend_target at IP 0 */
#define RAX_START	0xdeadbeefULL

/*
 * Real mode, loaded at GUEST_LOAD_ADDR with IP 0.  The IN and the MOV are
 * both two bytes long: completing the IN on top of the moved state lands
 * exactly on the OUT, with AL all ones.
 */
extern const uint8_t pend_begin[], pend_target[], pend_end[];
asm("	.pushsection .rodata, \"a\"\n"
    "	.balign 16\n"
    "pend_begin:\n"
    "	.code16\n"
    "	inb	$0x96, %al\n"			/* IP 0, 2 bytes */
    "	hlt\n"					/* IP 2 */
    "	.balign 16\n"
    "pend_target:\n"				/* IP 0x10 */
    "	movb	$0x11, %al\n"
    "	outb	%al, $0x97\n"
    "	hlt\n"
    "pend_end:\n"
    "	.code64\n"
    "	.popsection\n");

static void check(int err, const char *what)
{
	if (err)
		tap_bail("%s: %s", what, vmctl_strerror(err));
}

static void set_rip(struct tvm *t, uint64_t rip)
{
	struct vmctl_regs regs;

	check(vmctl_vcpu_get_regs(t->vcpu, &regs), "get_regs");
	regs.rip = rip;
	check(vmctl_vcpu_set_regs(t->vcpu, &regs), "set_regs");
}

static void set_cs(struct tvm *t, uint16_t selector)
{
	struct vmctl_sregs sregs;

	check(vmctl_vcpu_get_sregs(t->vcpu, &sregs), "get_sregs");
	sregs.cs.selector = selector;
	sregs.cs.base = (uint64_t)selector << 4;
	check(vmctl_vcpu_set_sregs(t->vcpu, &sregs), "set_sregs");
}

/* Back to the IN at CS = GUEST_LOAD_ADDR / 16, IP 0, EAX = RAX_START. */
static void restart(struct tvm *t)
{
	struct vmctl_regs regs;

	set_cs(t, GUEST_LOAD_ADDR >> 4);
	check(vmctl_vcpu_get_regs(t->vcpu, &regs), "get_regs");
	regs.rip = 0;
	regs.rax = RAX_START;
	check(vmctl_vcpu_set_regs(t->vcpu, &regs), "set_regs");
}

static bool is_in(const struct vmctl_exit *exit, uint32_t reason)
{
	return exit->reason == reason && !exit->io.is_write &&
	       exit->io.port == PEND_IN_PORT && exit->io.size == 1;
}

static bool is_out(const struct vmctl_exit *exit, uint32_t reason)
{
	return exit->reason == reason && exit->io.is_write &&
	       exit->io.port == PEND_OUT_PORT && exit->io.size == 1;
}

/* Runs once; bails unless the guest stopped at its IN. */
static void run_to_in(struct tvm *t, const char *what)
{
	struct vmctl_exit exit;
	int err;

	err = vmctl_vcpu_run(t->vcpu, &exit);
	if (err || !is_in(&exit, VMCTL_EXIT_IO))
		tap_bail("%s: expected IN from port 0x%x, got %d, %s", what,
			 PEND_IN_PORT, err, exit.message);
}

static int failing_pio(struct vmctl_vcpu *vcpu, uint16_t port, uint32_t *data,
		       unsigned int size, bool is_write, void *opaque)
{
	(void)vcpu; (void)port; (void)data; (void)size; (void)is_write; (void)opaque;
	return -EIO;
}

int main(void)
{
	struct vmctl_regs regs;
	struct vmctl_exit exit;
	struct tvm t;
	int err;

	tap_plan(20);
	tvm_create(&t, 1 << 20);
	memcpy(t.mem + ((uint64_t)ALT_CS << 4), pend_target,
	       (size_t)(pend_end - pend_target));
	tvm_start_real(&t, pend_begin, pend_end);
	if (pend_target - pend_begin != TARGET_IP)
		tap_bail("guest layout: target at 0x%x", (int)(pend_target - pend_begin));

	/* 1. Raw run, IN left pending, SET_REGS moves RIP. */
	restart(&t);
	err = vmctl_vcpu_run(t.vcpu, &exit);
	tap_ok(err == 0 && is_in(&exit, VMCTL_EXIT_IO), "raw run stops at the IN (%s)",
	       exit.message);
	set_rip(&t, TARGET_IP);
	err = vmctl_vcpu_complete_in(t.vcpu, 0x42);
	tap_ok(err == -EINVAL, "complete_in after set_regs: %d (-EINVAL: IN discarded)", err);
	err = vmctl_vcpu_run(t.vcpu, &exit);
	tap_ok(err == 0 && is_out(&exit, VMCTL_EXIT_IO), "set_regs: next exit is the OUT (%s)",
	       exit.message);
	tap_ok(exit.io.data == PEND_VALUE, "set_regs: the moved guest wrote 0x%x (want 0x%x)",
	       exit.io.data, PEND_VALUE);
	check(vmctl_vcpu_get_regs(t.vcpu, &regs), "get_regs");
	tap_ok(regs.rax == ((RAX_START & ~0xffULL) | PEND_VALUE) && regs.rip == TARGET_IP + 4,
	       "set_regs: RAX 0x%" PRIx64 " RIP 0x%" PRIx64 " (only the MOV touched AL)",
	       (uint64_t)regs.rax, (uint64_t)regs.rip);

	/* 2. SET_SREGS alone moves the guest: same IP, another CS. */
	restart(&t);
	run_to_in(&t, "sregs");
	set_cs(&t, ALT_CS);
	err = vmctl_vcpu_run(t.vcpu, &exit);
	tap_ok(err == 0 && is_out(&exit, VMCTL_EXIT_IO), "set_sregs: next exit is the OUT (%s)",
	       exit.message);
	tap_ok(exit.io.data == PEND_VALUE, "set_sregs: the moved guest wrote 0x%x (want 0x%x)",
	       exit.io.data, PEND_VALUE);

	/* 3. Completing first: immediate_exit flushes the IN, then move. */
	restart(&t);
	run_to_in(&t, "flush");
	err = vmctl_vcpu_complete_in(t.vcpu, 0x5a);
	tap_ok(err == 0, "complete_in(0x5a) on a pending IN: %d", err);
	vmctl_vcpu_request_exit(t.vcpu);
	err = vmctl_vcpu_run(t.vcpu, &exit);
	tap_ok(err == -EINTR && exit.reason == VMCTL_EXIT_INTR,
	       "run with immediate_exit: %d (-EINTR), %s", err, exit.message);
	check(vmctl_vcpu_get_regs(t.vcpu, &regs), "get_regs");
	tap_ok(regs.rip == 2 && regs.rax == ((RAX_START & ~0xffULL) | 0x5a),
	       "the interrupted run completed the IN: RIP 0x%" PRIx64 " RAX 0x%" PRIx64,
	       (uint64_t)regs.rip, (uint64_t)regs.rax);
	err = vmctl_vcpu_complete_in(t.vcpu, 0x42);
	tap_ok(err == -EINVAL, "complete_in after the flush: %d (-EINVAL)", err);
	set_rip(&t, TARGET_IP);
	err = vmctl_vcpu_run(t.vcpu, &exit);
	tap_ok(err == 0 && is_out(&exit, VMCTL_EXIT_IO) && exit.io.data == PEND_VALUE,
	       "after the flush the moved guest wrote 0x%x (%s)", exit.io.data, exit.message);

	/* 4. Writing back unchanged registers runs the IN again. */
	restart(&t);
	run_to_in(&t, "round trip");
	check(vmctl_vcpu_get_regs(t.vcpu, &regs), "get_regs");
	tap_ok(regs.rip == 0, "a pending IN: GET_REGS shows RIP at the IN (0x%" PRIx64 ")",
	       (uint64_t)regs.rip);
	check(vmctl_vcpu_set_regs(t.vcpu, &regs), "set_regs");
	err = vmctl_vcpu_run(t.vcpu, &exit);
	tap_ok(err == 0 && is_in(&exit, VMCTL_EXIT_IO),
	       "set_regs of the same state: the IN executes again (%s)", exit.message);
	check(vmctl_vcpu_complete_in(t.vcpu, 0x33), "complete_in");
	err = vmctl_vcpu_run(t.vcpu, &exit);
	tap_ok(err == 0 && exit.reason == VMCTL_EXIT_HLT, "then completes and halts (%s)",
	       exit.message);
	check(vmctl_vcpu_get_regs(t.vcpu, &regs), "get_regs");
	tap_ok(regs.rip == 3 && (regs.rax & 0xff) == 0x33,
	       "the second IN read 0x%02x, RIP 0x%" PRIx64, (unsigned int)(regs.rax & 0xff),
	       (uint64_t)regs.rip);

	/* 5. Run loop, no handler. */
	restart(&t);
	err = vmctl_vcpu_run_loop(t.vcpu, &exit);
	tap_ok(err == 0 && is_in(&exit, LIBVMCTL_EXIT_UNHANDLED_IO), "run loop: unhandled IN (%s)",
	       exit.message);
	set_rip(&t, TARGET_IP);
	err = vmctl_vcpu_run_loop(t.vcpu, &exit);
	tap_ok(err == 0 && is_out(&exit, LIBVMCTL_EXIT_UNHANDLED_IO) && exit.io.data == PEND_VALUE,
	       "run loop, no handler, then set_regs: wrote 0x%x (%s)", exit.io.data, exit.message);

	/* 6. Run loop, failing handler. */
	check(vmctl_vm_pio_register(t.vm, PEND_IN_PORT, 1, failing_pio, NULL), "pio_register");
	restart(&t);
	err = vmctl_vcpu_run_loop(t.vcpu, &exit);
	tap_ok(err == 0 && is_in(&exit, LIBVMCTL_EXIT_HANDLER_ERROR) && exit.error == -EIO,
	       "run loop: the handler failed (%s)", exit.message);
	set_rip(&t, TARGET_IP);
	err = vmctl_vcpu_run_loop(t.vcpu, &exit);
	tap_ok(err == 0 && is_out(&exit, LIBVMCTL_EXIT_UNHANDLED_IO) && exit.io.data == PEND_VALUE,
	       "run loop, failed handler, then set_regs: wrote 0x%x (%s)", exit.io.data,
	       exit.message);
	check(vmctl_vm_pio_unregister(t.vm, PEND_IN_PORT), "pio_unregister");

	tvm_destroy(&t);
	return tap_finish();
}
