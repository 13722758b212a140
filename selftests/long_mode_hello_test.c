// SPDX-License-Identifier: GPL-2.0
/*
 * A 64-bit guest on page tables and a GDT built by the library prints a line,
 * hands the host a 64-bit constant in RBX (only long mode has it), halts.
 */
#include <string.h>

#include "test_util.h"

int main(void)
{
	struct capture com1 = { .len = 0 };
	struct vmctl_sregs sregs;
	struct vmctl_exit exit;
	struct ucall uc = { 0 };
	struct tvm t;
	int err;

	tap_plan(7);
	tvm_create(&t, 4 << 20);
	err = vmctl_vm_pio_register(t.vm, COM1, 8, capture_pio, &com1);
	if (err)
		tap_bail("vmctl_vm_pio_register(COM1): %s", vmctl_strerror(err));
	tvm_start_long(&t, long_hello_begin, long_hello_end);

	err = vmctl_vcpu_get_sregs(t.vcpu, &sregs);
	if (err)
		tap_bail("vmctl_vcpu_get_sregs: %s", vmctl_strerror(err));
	tap_ok((sregs.efer & 0x500) == 0x500 && sregs.cs.l == 1 &&
	       (sregs.cr0 & 0x80000001) == 0x80000001,
	       "sregs read back: EFER.LME|LMA, CS.L, CR0.PE|PG");

	err = vmctl_vcpu_run_loop(t.vcpu, &exit);
	tap_ok(err == 0 && ucall_get(t.vcpu, &exit, &uc) && uc.code == UCALL_REPORT,
	       "guest reports over the ucall port (%d, %s)", err, exit.message);
	tap_ok(uc.arg == LONG_MAGIC, "RBX holds the 64-bit constant 0x%llx",
	       (unsigned long long)uc.arg);
	tap_ok(strcmp(com1.text, LONG_HELLO_TEXT) == 0, "guest printed \"%.*s\"",
	       (int)strcspn(com1.text, "\n"), com1.text);

	err = vmctl_vcpu_run_loop(t.vcpu, &exit);
	tap_ok(err == 0 && exit.reason == VMCTL_EXIT_HLT, "then halts (%s)", exit.message);
	err = vmctl_vcpu_get_sregs(t.vcpu, &sregs);
	if (err)
		tap_bail("vmctl_vcpu_get_sregs after running: %s", vmctl_strerror(err));
	tap_ok(sregs.efer & 0x400, "still in long mode after running (EFER 0x%llx)",
	       (unsigned long long)sregs.efer);
	tap_ok(com1.len == strlen(LONG_HELLO_TEXT), "%zu bytes of output", com1.len);
	tvm_destroy(&t);
	return tap_finish();
}
