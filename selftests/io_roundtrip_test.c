// SPDX-License-Identifier: GPL-2.0
/*
 * 100000 OUTs, each a round trip guest -> kernel -> library -> handler ->
 * guest: the guest's own count and the handler's must both be exact.  The
 * time per round trip is reported (Bochs: tens of microseconds).
 */
#include <inttypes.h>

#include "test_util.h"

#define ROUND_TRIPS	100000

static int count_pio(struct vmctl_vcpu *vcpu, uint16_t port, uint32_t *data,
		     unsigned int size, bool is_write, void *opaque)
{
	uint64_t *count = opaque;

	(void)vcpu; (void)data;
	if (port == IO_LOOP_PORT && size == 1 && is_write)
		(*count)++;
	return 0;
}

int main(void)
{
	struct vmctl_exit exit;
	struct vmctl_regs regs;
	uint64_t host_count = 0, t0, elapsed;
	struct ucall uc;
	struct tvm t;
	int err;

	tap_plan(5);
	tvm_create(&t, 1 << 20);
	tap_ok(vmctl_vm_pio_register(t.vm, IO_LOOP_PORT, 1, count_pio, &host_count) == 0,
	       "counting handler on port 0x%x", IO_LOOP_PORT);
	tvm_start_real(&t, io_loop_begin, io_loop_end);
	vmctl_vcpu_get_regs(t.vcpu, &regs);
	regs.rcx = ROUND_TRIPS;
	vmctl_vcpu_set_regs(t.vcpu, &regs);

	t0 = now_ns();
	err = vmctl_vcpu_run_loop(t.vcpu, &exit);
	elapsed = now_ns() - t0;
	tap_ok(err == 0 && ucall_get(t.vcpu, &exit, &uc) && uc.code == UCALL_DONE,
	       "guest finished its loop (%d, %s)", err, exit.message);
	tap_ok(uc.arg == ROUND_TRIPS, "guest counted %" PRIu64 " OUTs", uc.arg);
	tap_ok(host_count == ROUND_TRIPS, "host handled %" PRIu64 " OUTs", host_count);
	tap_diag("%d round trips in %" PRIu64 " ms: %.2f us per port-I/O exit to user space",
		 ROUND_TRIPS, elapsed / 1000000, elapsed / 1000.0 / ROUND_TRIPS);
	err = vmctl_vcpu_run_loop(t.vcpu, &exit);
	tap_ok(err == 0 && exit.reason == VMCTL_EXIT_HLT, "guest halts (%s)", exit.message);
	tvm_destroy(&t);
	return tap_finish();
}
