// SPDX-License-Identifier: GPL-2.0
/*
 * A real-mode guest polls COM1's line status and prints a line through the
 * library's port-I/O dispatch, then halts; HLT can be resumed.
 */
#include <string.h>

#include "test_util.h"

int main(void)
{
	struct capture com1 = { .len = 0 };
	struct vmctl_exit exit;
	struct vmctl_regs regs;
	struct tvm t;
	int err;

	tap_plan(7);
	tvm_create(&t, 1 << 20);
	tap_ok(vmctl_vm_pio_register(t.vm, COM1, 8, capture_pio, &com1) == 0,
	       "register COM1 at 0x3f8-0x3ff");
	tvm_start_real(&t, real_hello_begin, real_hello_end);

	err = vmctl_vcpu_run_loop(t.vcpu, &exit);
	tap_ok(err == 0, "run loop returns 0 (%d)", err);
	tap_ok(exit.reason == VMCTL_EXIT_HLT, "exit is HLT (%s: %s)",
	       vmctl_exit_reason_name(exit.reason), exit.message);
	tap_ok(strcmp(com1.text, REAL_HELLO_TEXT) == 0, "guest printed \"%.*s\"",
	       (int)strcspn(com1.text, "\n"), com1.text);
	/* Fetched first: the format arguments may be evaluated before the call. */
	err = vmctl_vcpu_get_regs(t.vcpu, &regs);
	tap_ok(err == 0 && regs.rip > 0 && regs.rip < GUEST_SIZE(real_hello),
	       "RIP 0x%llx is past the HLT, inside the guest", (unsigned long long)regs.rip);

	/* The guest loops back to HLT: a halted vCPU runs again. */
	err = vmctl_vcpu_run_loop(t.vcpu, &exit);
	tap_ok(err == 0 && exit.reason == VMCTL_EXIT_HLT, "runs again after HLT (%s)",
	       exit.message);
	tap_ok(com1.len == strlen(REAL_HELLO_TEXT), "and prints nothing more");
	tvm_destroy(&t);
	return tap_finish();
}
