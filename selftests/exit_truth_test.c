// SPDX-License-Identifier: GPL-2.0
/*
 * What libvmctl says about an exit is what happened:
 *   - a guest write to a read-only slot is named as such, a write where no
 *     slot is stays "outside its memory";
 *   - an exit the module does not handle (RDPMC: the guest has no PMU and
 *     no handler serves it) is named, not only numbered;
 *   - a vCPU set up again after a triple fault says why it cannot run;
 *   - vmctl_vcpu_request_exit() from another thread stops a guest spinning
 *     without exits, and that stop is not reported as a signal;
 *   - exit.count counts the exits, one per RUN that returned one.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <string.h>
#include <time.h>

#include "test_util.h"

/*
 * Real mode: RDPMC of counter 0 (allowed at CPL 0; "RDPMC exiting" makes
 * it exit, and no handler takes that exit), then HLT.  Unknown MSRs are
 * no longer unhandled: they reach user space as VMCTL_EXIT_MSR.
 */
static const uint8_t rdpmc_guest[] = {
	0x66, 0x31, 0xc9,			/* xor %ecx, %ecx */
	0x0f, 0x33,				/* rdpmc */
	0xf4,					/* hlt */
};

static void check_readonly(void)
{
	struct vmctl_exit exit;
	struct ucall uc;
	struct tvm t;
	int slot, err;

	tvm_create(&t, RO_GPA);
	slot = vmctl_vm_mem_add(t.vm, RO_GPA, 0x10000, VMCTL_SLOT_READONLY, NULL);
	if (slot <= 0)
		tap_bail("read-only slot: %s", vmctl_strerror_call("vmctl_vm_mem_add", slot));
	tvm_start_real(&t, ro_probe_begin, ro_probe_end);
	err = vmctl_vcpu_run_loop(t.vcpu, &exit);
	if (err || !ucall_get(t.vcpu, &exit, &uc))
		tap_bail("expected the guest's first ucall: %d, %s", err, exit.message);
	err = vmctl_vcpu_run_loop(t.vcpu, &exit);
	tap_ok(err == 0 && exit.readonly_write &&
	       strstr(exit.message, "write to read-only memory at 0x80004"),
	       "a write to the read-only slot is called one (%d: %s)", err, exit.message);
	/* The store completed as an MMIO write: the next one follows. */
	err = vmctl_vcpu_run_loop(t.vcpu, &exit);
	tap_ok(err == 0 && !exit.readonly_write && strstr(exit.message, "outside its memory"),
	       "a write where no slot is is not (%d: %s)", err, exit.message);
	tvm_destroy(&t);
}

static void check_unhandled_name(void)
{
	struct vmctl_exit exit;
	struct tvm t;
	int err;

	tvm_create(&t, 1 << 20);
	tvm_start_real(&t, rdpmc_guest, rdpmc_guest + sizeof(rdpmc_guest));
	err = vmctl_vcpu_run_loop(t.vcpu, &exit);
	tap_ok(err == 0 && exit.reason == VMCTL_EXIT_INTERNAL_ERROR &&
	       exit.internal.suberror == VMCTL_INTERNAL_UNHANDLED_EXIT &&
	       exit.internal.data[0] == 15 &&
	       strstr(exit.message, "unhandled hardware exit RDPMC"),
	       "an unhandled RDPMC is named (%d: %s)", err, exit.message);
	tvm_destroy(&t);
}

static void check_after_shutdown(void)
{
	struct vmctl_exit exit;
	struct tvm t;
	int err;

	tvm_create(&t, 4 << 20);
	tvm_start_long(&t, long_ud2_begin, long_ud2_end);
	err = vmctl_vcpu_run_loop(t.vcpu, &exit);
	if (err || exit.reason != VMCTL_EXIT_SHUTDOWN)
		tap_bail("expected a triple fault: %d, %s", err, exit.message);
	tvm_start_real(&t, real_hello_begin, real_hello_end);
	memset(&exit, 0, sizeof(exit));
	err = vmctl_vcpu_run_loop(t.vcpu, &exit);
	tap_ok(err == -EINVAL && exit.reason == VMCTL_EXIT_SHUTDOWN &&
	       strstr(exit.message, "triple fault") && strstr(exit.message, "never run again"),
	       "set up again after a triple fault, the run says why it fails (%d: %s)",
	       err, exit.message);
	tvm_destroy(&t);
}

struct stopper {
	struct vmctl_vcpu *vcpu;
	const uint8_t *counter;		/* the spinning guest's turn counter */
};

/* Waits until the guest is spinning, then asks its vCPU to stop. */
static void *stop_later(void *arg)
{
	struct stopper *s = arg;
	struct timespec pause = { .tv_nsec = 1000000 };
	int i;

	for (i = 0; i < 10000 && guest_read32(s->counter) < 1000; i++)
		nanosleep(&pause, NULL);
	vmctl_vcpu_request_exit(s->vcpu);
	return NULL;
}

static void check_request_exit(void)
{
	struct vmctl_exit exit, first;
	struct stopper s;
	pthread_t thread;
	uint64_t t0, ms;
	struct tvm t;
	int err;

	tvm_create(&t, 1 << 20);
	tvm_start_real(&t, spin_flag_begin, spin_flag_end);
	s.vcpu = t.vcpu;
	s.counter = GUEST_PTR(&t, spin_flag, spin_flag_count);
	if (pthread_create(&thread, NULL, stop_later, &s))
		tap_bail("pthread_create failed");
	t0 = now_ns();
	err = vmctl_vcpu_run(t.vcpu, &exit);
	ms = (now_ns() - t0) / 1000000;
	pthread_join(thread, NULL);
	tap_ok(err == -EINTR && exit.reason == VMCTL_EXIT_INTR && exit.requested &&
	       strstr(exit.message, "vmctl_vcpu_request_exit") && !strstr(exit.message, "signal"),
	       "request_exit from another thread stops the spinning guest after %" PRIu64
	       " ms, reported as requested (%d: %s)", ms, err, exit.message);
	tap_ok(guest_read32(s.counter) >= 1000, "the guest had run (%u turns)",
	       guest_read32(s.counter));

	/* One request, one stop: the guest runs again and halts. */
	first = exit;
	t.mem[GUEST_LOAD_ADDR + GUEST_OFF(spin_flag, spin_flag_flag)] = 1;
	err = vmctl_vcpu_run(t.vcpu, &exit);
	tap_ok(err == 0 && exit.reason == VMCTL_EXIT_HLT && !exit.requested,
	       "the next run enters the guest again (%d: %s)", err, exit.message);
	err = vmctl_vcpu_run(t.vcpu, &exit);
	tap_ok(err == 0 && exit.reason == VMCTL_EXIT_HLT, "and once more (%d: %s)", err,
	       exit.message);
	tap_ok(first.count == 0 && exit.count == 2,
	       "exit.count counts the exits delivered: 0 at the stop, 2 after two HLTs "
	       "(%" PRIu64 ", %" PRIu64 ")", first.count, exit.count);
	tvm_destroy(&t);
}

int main(void)
{
	tap_plan(9);
	check_readonly();
	check_unhandled_name();
	check_after_shutdown();
	check_request_exit();
	return tap_finish();
}
