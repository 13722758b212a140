// SPDX-License-Identifier: GPL-2.0
/*
 * 100000 OUTs, each a round trip guest -> kernel -> library -> handler ->
 * guest.  Two counts that neither side can vouch for alone: the host's
 * handler counts the OUTs it was given (and checks that each carries the
 * next number: none lost, none repeated, none out of order), and the guest
 * counts the OUTs it completed in its own memory, which the host reads
 * directly, not through the module.  Both must equal the limit the host
 * wrote into guest memory.  The time per round trip is reported (Bochs:
 * tens of microseconds).
 */
#include <inttypes.h>

#include "test_util.h"

#define ROUND_TRIPS	100000

struct host_count {
	uint64_t outs;		/* OUTs handed to the handler */
	uint64_t out_of_sequence;	/* ... whose data was not outs + 1 */
	uint64_t other;		/* anything else that reached the handler */
};

static int count_pio(struct vmctl_vcpu *vcpu, uint16_t port, uint32_t *data,
		     unsigned int size, bool is_write, void *opaque)
{
	struct host_count *c = opaque;

	(void)vcpu;
	if (port != IO_LOOP_PORT || size != 4 || !is_write) {
		c->other++;
		return 0;
	}
	if (*data != c->outs + 1)
		c->out_of_sequence++;
	c->outs++;
	return 0;
}

int main(void)
{
	struct host_count host = { 0 };
	struct vmctl_exit exit;
	uint64_t t0, elapsed;
	uint32_t guest_count;
	struct ucall uc = { 0 };
	struct tvm t;
	int err;

	tap_plan(7);
	tvm_create(&t, 1 << 20);
	err = vmctl_vm_pio_register(t.vm, IO_LOOP_PORT, 1, count_pio, &host);
	tap_ok(err == 0, "counting handler on port 0x%x (%d)", IO_LOOP_PORT, err);
	if (err)
		tap_bail("cannot count without the handler");
	tvm_start_real(&t, io_loop_begin, io_loop_end);
	if (guest_read32(GUEST_PTR(&t, io_loop, io_loop_count)) != 0)
		tap_bail("the loaded guest's count is not 0");
	guest_write32(GUEST_PTR(&t, io_loop, io_loop_limit), ROUND_TRIPS);

	t0 = now_ns();
	err = vmctl_vcpu_run_loop(t.vcpu, &exit);
	elapsed = now_ns() - t0;
	tap_ok(err == 0 && ucall_get(t.vcpu, &exit, &uc) && uc.code == UCALL_DONE,
	       "guest finished its loop (%d, %s)", err, exit.message);
	guest_count = guest_read32(GUEST_PTR(&t, io_loop, io_loop_count));
	tap_ok(guest_count == ROUND_TRIPS,
	       "the guest's count in guest memory: %" PRIu32 " OUTs completed", guest_count);
	tap_ok(host.outs == ROUND_TRIPS, "the host's handler was given %" PRIu64 " OUTs",
	       host.outs);
	tap_ok(host.out_of_sequence == 0 && host.other == 0,
	       "each OUT carried the next number (%" PRIu64 " out of sequence, %" PRIu64
	       " other accesses)", host.out_of_sequence, host.other);
	tap_diag("%d round trips in %" PRIu64 " ms: %.2f us per port-I/O exit to user space",
		 ROUND_TRIPS, elapsed / 1000000, elapsed / 1000.0 / ROUND_TRIPS);
	tap_ok(uc.code == UCALL_DONE && uc.arg == guest_count,
	       "the guest's DONE ucall reports the same count (%" PRIu64 ")", uc.arg);
	err = vmctl_vcpu_run_loop(t.vcpu, &exit);
	tap_ok(err == 0 && exit.reason == VMCTL_EXIT_HLT, "guest halts (%d, %s)", err,
	       exit.message);
	tvm_destroy(&t);
	return tap_finish();
}
