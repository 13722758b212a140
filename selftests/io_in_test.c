// SPDX-License-Identifier: GPL-2.0
/*
 * IN of 1, 2 and 4 bytes (immediate and DX forms) completes on the next RUN
 * with the value merged into EAX as the CPU does: AL and AX leave the upper
 * bits alone.  Values come from a handler (wider than the access, to prove
 * the library masks them), from vmctl_vcpu_complete_in() on a raw exit, and
 * from nobody (all ones).  Unhandled ports end the run loop with a clear
 * error exit.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "test_util.h"

static int in_pio(struct vmctl_vcpu *vcpu, uint16_t port, uint32_t *data,
		  unsigned int size, bool is_write, void *opaque)
{
	(void)vcpu; (void)size; (void)opaque;
	if (is_write)
		return -EINVAL;
	/* Deliberately wider than the access. */
	switch (port - IN_PORT_BASE) {
	case 0: *data = 0xa5a5a511; break;
	case 2: *data = 0xa5a52233; break;
	case 4: *data = 0x44556677; break;
	case 6: *data = 0xffffff88; break;
	default: return -EIO;
	}
	return 0;
}

/* Runs to the next ucall REPORT and returns its value. */
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

int main(void)
{
	struct vmctl_exit exit;
	struct tvm t;
	uint64_t v;
	int err;

	tap_plan(12);
	tvm_create(&t, 1 << 20);
	err = vmctl_vm_pio_register(t.vm, IN_PORT_BASE, 8, in_pio, NULL);
	if (err)
		tap_bail("vmctl_vm_pio_register(0x%x, 8): %s", IN_PORT_BASE, vmctl_strerror(err));
	tvm_start_real(&t, io_in_begin, io_in_end);

	v = next_report(t.vcpu, "inb");
	tap_ok(v == 0xdeadbe11, "inb $0x60,%%al: EAX 0x%08" PRIx64 " (AL replaced only)", v);
	v = next_report(t.vcpu, "inw");
	tap_ok(v == 0xdead2233, "inw $0x62,%%ax: EAX 0x%08" PRIx64 " (AX replaced only)", v);
	v = next_report(t.vcpu, "inl");
	tap_ok(v == 0x44556677, "inl $0x64,%%eax: EAX 0x%08" PRIx64, v);
	v = next_report(t.vcpu, "inb dx");
	tap_ok(v == 0xdeadbe88, "inb (%%dx),%%al: EAX 0x%08" PRIx64, v);

	/* Port IN_PORT_RAW has no handler: the run loop hands it back. */
	err = vmctl_vcpu_run_loop(t.vcpu, &exit);
	tap_ok(err == 0 && exit.reason == LIBVMCTL_EXIT_UNHANDLED_IO && !exit.io.is_write &&
	       exit.io.port == IN_PORT_RAW && exit.io.size == 2,
	       "unhandled IN: error exit naming port and width (%s)", exit.message);
	tap_ok(strstr(exit.message, "0x70") && strstr(exit.message, "IN16"),
	       "message says what happened: \"%s\"", exit.message);
	err = vmctl_vcpu_complete_in(t.vcpu, 0x12349999);
	tap_ok(err == 0, "complete it by hand (%d)", err);
	v = next_report(t.vcpu, "raw inw");
	tap_ok(v == 0xdead9999, "the guest got 0x9999 in AX: EAX 0x%08" PRIx64, v);

	/* IN_PORT_NONE: left uncompleted, the guest reads all ones. */
	err = vmctl_vcpu_run_loop(t.vcpu, &exit);
	tap_ok(err == 0 && exit.reason == LIBVMCTL_EXIT_UNHANDLED_IO, "unhandled inb (%s)",
	       exit.message);
	v = next_report(t.vcpu, "floating inb");
	tap_ok(v == 0xdeadbeff, "uncompleted inb reads 0xff: EAX 0x%08" PRIx64, v);
	err = vmctl_vcpu_run_loop(t.vcpu, &exit);
	if (err || exit.reason != LIBVMCTL_EXIT_UNHANDLED_IO || exit.io.port != IN_PORT_NONE ||
	    exit.io.size != 4 || exit.io.is_write)
		tap_bail("expected the unhandled inl from port 0x%x, got %d, %s", IN_PORT_NONE,
			 err, exit.message);
	v = next_report(t.vcpu, "floating inl");
	tap_ok(v == 0xffffffff, "uncompleted inl reads all ones: EAX 0x%08" PRIx64, v);

	err = vmctl_vcpu_run_loop(t.vcpu, &exit);
	tap_ok(err == 0 && exit.reason == VMCTL_EXIT_HLT, "guest halts (%s)", exit.message);
	tvm_destroy(&t);
	return tap_finish();
}
