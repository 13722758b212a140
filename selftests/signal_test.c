// SPDX-License-Identifier: GPL-2.0
/*
 * A signal ends RUN of a spinning guest with -EINTR and VMCTL_EXIT_INTR; the
 * vCPU then runs on from where it was.  vmctl_vcpu_request_exit() makes the
 * next RUN return at once.
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

	setitimer(ITIMER_REAL, &it, NULL);
}

int main(void)
{
	struct sigaction sa;
	struct vmctl_exit exit;
	struct vmctl_regs regs;
	uint64_t t0, flag_off;
	struct tvm t;
	int err, i;

	tap_plan(8);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;	/* no SA_RESTART: the ioctl must see EINTR */
	sigaction(SIGALRM, &sa, NULL);

	tvm_create(&t, 1 << 20);
	tvm_start_real(&t, spin_flag_begin, spin_flag_end);
	flag_off = spin_flag_flag - spin_flag_begin;

	t0 = now_ns();
	timer(100000);
	err = vmctl_vcpu_run(t.vcpu, &exit);
	timer(0);
	tap_ok(err == -EINTR, "SIGALRM ends RUN with -EINTR (%d) after %" PRIu64 " ms",
	       err, (now_ns() - t0) / 1000000);
	tap_ok(exit.reason == VMCTL_EXIT_INTR, "exit reason INTR (%s)",
	       vmctl_exit_reason_name(exit.reason));
	tap_ok(alarms > 0, "the handler ran (%d)", (int)alarms);
	err = vmctl_vcpu_get_regs(t.vcpu, &regs);
	tap_ok(err == 0 && regs.rip < flag_off, "RIP 0x%llx is inside the spin loop",
	       (unsigned long long)regs.rip);

	/* Interrupted again and again: still consistent. */
	for (i = 0; i < 3; i++) {
		timer(20000);
		err = vmctl_vcpu_run(t.vcpu, &exit);
		timer(0);
		if (err != -EINTR)
			break;
	}
	tap_ok(i == 3, "three more interrupted runs (%d)", err);

	vmctl_vcpu_request_exit(t.vcpu);
	err = vmctl_vcpu_run(t.vcpu, &exit);
	tap_ok(err == -EINTR && exit.reason == VMCTL_EXIT_INTR,
	       "vmctl_vcpu_request_exit: the next RUN returns -EINTR at once (%d)", err);

	/* Release the guest: it sees the flag and halts. */
	t.mem[GUEST_LOAD_ADDR + flag_off] = 1;
	err = vmctl_vcpu_run(t.vcpu, &exit);
	tap_ok(err == 0 && exit.reason == VMCTL_EXIT_HLT,
	       "the vCPU runs again and halts once the flag is set (%d, %s)", err, exit.message);
	err = vmctl_vcpu_run(t.vcpu, &exit);
	tap_ok(err == 0 && exit.reason == VMCTL_EXIT_HLT, "and again (%s)", exit.message);
	tvm_destroy(&t);
	return tap_finish();
}
