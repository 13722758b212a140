// SPDX-License-Identifier: GPL-2.0
/*
 * A signal ends RUN of a spinning guest with -EINTR and VMCTL_EXIT_INTR; the
 * vCPU then runs on from where it was.  vmctl_vcpu_request_exit() makes the
 * next RUN return at once.
 *
 * That the guest really ran is judged by the guest's own work, never by what
 * the module reports: the spin loop adds one to a counter in guest memory on
 * every turn, the host reads that memory directly, and the RIP of an
 * interrupted run must lie inside the loop (past the set-up code, so that
 * the entry RIP 0 of a guest that never entered cannot pass).
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <string.h>
#include <sys/time.h>

#include "test_util.h"

static volatile sig_atomic_t alarms;

static void on_alarm(int sig)
{
	(void)sig;
	alarms++;
}

static void timer(long usec)
{
	struct itimerval it = {
		/* Repeats: a signal that lands before RUN starts is not lost. */
		.it_interval = { .tv_sec = 0, .tv_usec = usec },
		.it_value = { .tv_sec = 0, .tv_usec = usec },
	};

	if (setitimer(ITIMER_REAL, &it, NULL))
		tap_bail("setitimer(%ld us): %s", usec, strerror(errno));
}

/* RIP (an offset in the guest: CS base is the load address) is in the loop. */
static bool rip_in_loop(uint64_t rip)
{
	return rip >= GUEST_OFF(spin_flag, spin_flag_loop) &&
	       rip < GUEST_OFF(spin_flag, spin_flag_loop_end);
}

int main(void)
{
	struct sigaction sa;
	struct vmctl_exit exit;
	struct vmctl_regs regs;
	uint32_t count, before;
	uint8_t *counter;
	uint64_t t0;
	struct tvm t;
	int err, i;

	tap_plan(12);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;	/* no SA_RESTART: the ioctl must see EINTR */
	if (sigaction(SIGALRM, &sa, NULL))
		tap_bail("sigaction(SIGALRM): %s", strerror(errno));

	tvm_create(&t, 1 << 20);
	tvm_start_real(&t, spin_flag_begin, spin_flag_end);
	counter = GUEST_PTR(&t, spin_flag, spin_flag_count);
	if (guest_read32(counter) != 0)
		tap_bail("the loaded guest's counter is not 0");

	t0 = now_ns();
	timer(100000);
	err = vmctl_vcpu_run(t.vcpu, &exit);
	timer(0);
	tap_ok(err == -EINTR, "SIGALRM ends RUN with -EINTR (%d) after %" PRIu64 " ms",
	       err, (now_ns() - t0) / 1000000);
	tap_ok(exit.reason == VMCTL_EXIT_INTR, "exit reason INTR (%s)",
	       vmctl_exit_reason_name(exit.reason));
	tap_ok(alarms > 0, "the handler ran (%d)", (int)alarms);
	count = guest_read32(counter);
	tap_ok(count > 0, "the guest ran: its loop counter in guest memory is %" PRIu32, count);
	err = vmctl_vcpu_get_regs(t.vcpu, &regs);
	if (err)
		tap_bail("vmctl_vcpu_get_regs: %s", vmctl_strerror(err));
	tap_ok(rip_in_loop(regs.rip), "RIP 0x%llx is inside the spin loop [0x%" PRIx64 ", 0x%" PRIx64 ")",
	       (unsigned long long)regs.rip, GUEST_OFF(spin_flag, spin_flag_loop),
	       GUEST_OFF(spin_flag, spin_flag_loop_end));

	/* Interrupted again and again: each run goes on where the last one stopped. */
	for (i = 0; i < 3; i++) {
		before = guest_read32(counter);
		timer(20000);
		err = vmctl_vcpu_run(t.vcpu, &exit);
		timer(0);
		if (err != -EINTR || exit.reason != VMCTL_EXIT_INTR)
			break;
		count = guest_read32(counter);
		if (count <= before)
			break;
		err = vmctl_vcpu_get_regs(t.vcpu, &regs);
		if (err)
			tap_bail("vmctl_vcpu_get_regs: %s", vmctl_strerror(err));
		if (!rip_in_loop(regs.rip))
			break;
	}
	tap_ok(i == 3, "three more interrupted runs, each advancing the guest's counter "
	       "(run %d: %d, %s, counter %" PRIu32 " -> %" PRIu32 ", RIP 0x%llx)",
	       i, err, vmctl_exit_reason_name(exit.reason), before, guest_read32(counter),
	       (unsigned long long)regs.rip);

	before = guest_read32(counter);
	vmctl_vcpu_request_exit(t.vcpu);
	err = vmctl_vcpu_run(t.vcpu, &exit);
	tap_ok(err == -EINTR && exit.reason == VMCTL_EXIT_INTR,
	       "vmctl_vcpu_request_exit: the next RUN returns -EINTR (%d, %s)", err,
	       vmctl_exit_reason_name(exit.reason));
	count = guest_read32(counter);
	tap_ok(count == before, "at once: the guest did not run (counter %" PRIu32 " -> %" PRIu32 ")",
	       before, count);

	/* Release the guest: it sees the flag and halts. */
	t.mem[GUEST_LOAD_ADDR + GUEST_OFF(spin_flag, spin_flag_flag)] = 1;
	err = vmctl_vcpu_run(t.vcpu, &exit);
	tap_ok(err == 0 && exit.reason == VMCTL_EXIT_HLT,
	       "the vCPU runs again and halts once the flag is set (%d, %s)", err, exit.message);
	err = vmctl_vcpu_get_regs(t.vcpu, &regs);
	if (err)
		tap_bail("vmctl_vcpu_get_regs: %s", vmctl_strerror(err));
	tap_ok(regs.rip == GUEST_OFF(spin_flag, spin_flag_loop_end) + 1,
	       "RIP 0x%llx is just past the loop's HLT", (unsigned long long)regs.rip);

	count = guest_read32(counter);
	err = vmctl_vcpu_run(t.vcpu, &exit);
	tap_ok(err == 0 && exit.reason == VMCTL_EXIT_HLT, "and halts again (%d, %s)", err,
	       exit.message);
	tap_ok(guest_read32(counter) == count + 1,
	       "after exactly one more turn of the loop (counter %" PRIu32 " -> %" PRIu32 ")",
	       count, guest_read32(counter));
	tvm_destroy(&t);
	return tap_finish();
}
