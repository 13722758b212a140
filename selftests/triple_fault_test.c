// SPDX-License-Identifier: GPL-2.0
/*
 * Guests that triple-fault (long mode: UD2 with no IDT; real mode: INT with
 * an IVT limit of 0) end RUN with VMCTL_EXIT_SHUTDOWN; the dead vCPU refuses
 * to run again, and a new VM afterwards runs a guest normally.
 */
#include <errno.h>
#include <string.h>

#include "test_util.h"

static void expect_shutdown(const char *what, const uint8_t *begin, const uint8_t *end,
			    bool long_mode)
{
	struct vmctl_exit exit;
	struct tvm t;
	int err;

	tvm_create(&t, 4 << 20);
	if (long_mode)
		tvm_start_long(&t, begin, end);
	else
		tvm_start_real(&t, begin, end);
	err = vmctl_vcpu_run_loop(t.vcpu, &exit);
	tap_ok(err == 0 && exit.reason == VMCTL_EXIT_SHUTDOWN, "%s: SHUTDOWN exit (%d, %s: %s)",
	       what, err, vmctl_exit_reason_name(exit.reason), exit.message);
	err = vmctl_vcpu_run(t.vcpu, &exit);
	tap_ok(err == -EINVAL, "%s: running the shut-down vCPU again fails with -EINVAL (%d)",
	       what, err);
	tvm_destroy(&t);
}

int main(void)
{
	struct capture com1 = { .len = 0 };
	struct vmctl_exit exit;
	struct tvm t;
	int err;

	tap_plan(6);
	expect_shutdown("long mode UD2", long_ud2_begin, long_ud2_end, true);
	expect_shutdown("real mode INT", real_int_no_idt_begin, real_int_no_idt_end, false);

	tvm_create(&t, 1 << 20);
	err = vmctl_vm_pio_register(t.vm, COM1, 8, capture_pio, &com1);
	if (err)
		tap_bail("vmctl_vm_pio_register(COM1): %s", vmctl_strerror(err));
	tvm_start_real(&t, real_hello_begin, real_hello_end);
	err = vmctl_vcpu_run_loop(t.vcpu, &exit);
	tap_ok(err == 0 && exit.reason == VMCTL_EXIT_HLT, "a new VM afterwards runs to HLT (%s)",
	       exit.message);
	tap_ok(strcmp(com1.text, REAL_HELLO_TEXT) == 0, "and prints its greeting");
	tvm_destroy(&t);
	return tap_finish();
}
