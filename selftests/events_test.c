// SPDX-License-Identifier: GPL-2.0
/*
 * Events, judged by what the guest's own IDT handlers saw (guests_events.S
 * records the RIP, error code and DR6 the CPU gave them, in guest memory
 * the host reads directly), against the addresses of the guest's labels:
 * - an interrupt queued while IF is clear arrives right after the
 *   instruction in STI's shadow, not before;
 * - request_interrupt_window ends RUN once the window opens;
 * - a #GP with an error code set through SET_VCPU_EVENTS, and the #GP(0)
 *   the kernel raises, reach the handler with their codes and RIPs;
 * - an NMI is delivered once;
 * - an interrupt whose delivery an EPT violation interrupts shows as
 *   injected and is delivered exactly once on the next RUN;
 * - a HLT with IF set waits in the kernel without using CPU, and a kick
 *   from another thread, a signal and an interrupt from another thread
 *   each end it; VMCTL_HLT_EXIT and IF clear make HLT exit;
 * - bad events and vectors are refused with -EINVAL / -EEXIST.
 */
#define _GNU_SOURCE		/* RUSAGE_THREAD */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "test_util.h"
#include "guests_events.h"

static struct tvm t;

static uint64_t rec(const uint8_t *label)
{
	uint64_t v;

	memcpy(&v, GUEST_PTR(&t, ev_guest, label), sizeof(v));
	return v;
}

/* The guest's linear address of a label (identity mapped). */
static uint64_t addr(const uint8_t *label)
{
	return GUEST_LOAD_ADDR + (uint64_t)(label - ev_guest_begin);
}

/* Runs once and expects ucall SYNC(stage). */
static bool run_to_sync(uint64_t stage)
{
	struct vmctl_exit exit;
	struct ucall uc = { 0 };
	int err;

	err = vmctl_vcpu_run(t.vcpu, &exit);
	if (err || !ucall_get(t.vcpu, &exit, &uc) || uc.code != UCALL_SYNC ||
	    uc.arg != stage) {
		tap_diag("stage %llu: run %d, %s, ucall %u(%llu)",
			 (unsigned long long)stage, err, exit.message, uc.code,
			 (unsigned long long)uc.arg);
		return false;
	}
	return true;
}

static uint64_t rip(void)
{
	struct vmctl_regs regs;
	int err = vmctl_vcpu_get_regs(t.vcpu, &regs);

	if (err)
		tap_bail("vmctl_vcpu_get_regs: %s", vmctl_strerror(err));
	return regs.rip;
}

/* ---- another thread acts on the vCPU while it is halted ------------------ */

enum helper_action { HELPER_KICK, HELPER_SIGNAL, HELPER_INTERRUPT };

struct helper {
	pthread_t vcpu_thread;
	enum helper_action action;
	unsigned int delay_ms;
	int err;
};

static void *helper_main(void *arg)
{
	struct helper *h = arg;
	struct timespec ts = { h->delay_ms / 1000, (h->delay_ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
	switch (h->action) {
	case HELPER_KICK:
		h->err = vmctl_vcpu_kick(t.vcpu);
		break;
	case HELPER_SIGNAL:
		h->err = -pthread_kill(h->vcpu_thread, SIGUSR1);
		break;
	case HELPER_INTERRUPT:
		h->err = vmctl_vcpu_interrupt(t.vcpu, EV_IRQ_VECTOR);
		break;
	}
	return NULL;
}

static void on_usr1(int sig)
{
	(void)sig;
}

static uint64_t thread_cpu_ns(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_THREAD, &ru))
		tap_bail("getrusage: %s", strerror(errno));
	return (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000000ULL +
	       (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1000ULL;
}

/* Runs with a helper acting after delay_ms; returns RUN's result. */
static int run_with_helper(enum helper_action action, unsigned int delay_ms,
			   struct vmctl_exit *exit, uint64_t *wall_ns, uint64_t *cpu_ns)
{
	struct helper h = { pthread_self(), action, delay_ms, 0 };
	uint64_t t0, c0;
	pthread_t th;
	int err;

	if (pthread_create(&th, NULL, helper_main, &h))
		tap_bail("pthread_create");
	t0 = now_ns();
	c0 = thread_cpu_ns();
	err = vmctl_vcpu_run(t.vcpu, exit);
	*cpu_ns = thread_cpu_ns() - c0;
	*wall_ns = now_ns() - t0;
	pthread_join(th, NULL);
	if (h.err)
		tap_diag("helper action %d failed: %s", action, vmctl_strerror(h.err));
	return err;
}

/*
 * The guest at GUEST_LOAD_ADDR in long mode, with page tables that map
 * EV_MAP_SIZE although only EV_MEM_SIZE is backed yet: an access above
 * is an EPT violation, not a page fault.
 */
static void start_guest(void)
{
	struct vmctl_long_mode lm = {
		.tables_gpa = GUEST_TABLES,
		.map_size = EV_MAP_SIZE,
		.entry = GUEST_LOAD_ADDR,
		.stack = GUEST_STACK_TOP,
	};
	int err;

	tvm_create(&t, EV_MEM_SIZE);
	err = vmctl_vm_write(t.vm, GUEST_LOAD_ADDR, ev_guest_begin,
			     ev_guest_end - ev_guest_begin);
	if (!err)
		err = vmctl_vcpu_setup_long_mode(t.vcpu, &lm);
	if (err)
		tap_bail("loading the events guest: %s", vmctl_strerror(err));
}

/*
 * An interrupt whose delivery pushes its frame to memory that no slot
 * backs: the EPT violation interrupts the delivery, RUN reports it, and
 * the interrupt shows as injected.  Once memory is there, the next RUN
 * delivers it, exactly once (IDT-vectoring re-injection).
 */
static void check_reinjection(void)
{
	struct vmctl_vcpu_events ev;
	struct vmctl_exit exit;
	struct vmctl_regs regs;
	uint64_t count;
	void *host;
	bool ok;
	int err;

	ok = run_to_sync(12);
	count = rec(ev_irq_count);
	err = vmctl_vcpu_get_regs(t.vcpu, &regs);
	if (!err) {
		regs.rsp = EV_MEM_SIZE + 0x10000;
		err = vmctl_vcpu_set_regs(t.vcpu, &regs);
	}
	if (!err)
		err = vmctl_vcpu_interrupt(t.vcpu, EV_IRQ_VECTOR);
	tap_ok(ok && !err, "stage 12: RSP above the memory, interrupt queued (%d)", err);
	err = vmctl_vcpu_run(t.vcpu, &exit);
	tap_ok(!err && exit.reason == VMCTL_EXIT_INTERNAL_ERROR &&
	       exit.internal.suberror == VMCTL_INTERNAL_MMIO_FAILED &&
	       exit.internal.data[2] == VMCTL_MMIO_WRONG_ACCESS &&
	       exit.internal.data[0] >= EV_MEM_SIZE && exit.internal.data[0] < EV_MEM_SIZE + 0x10000,
	       "its delivery stops at an EPT violation below the new RSP (%s)", exit.message);
	memset(&ev, 0, sizeof(ev));
	err = vmctl_vcpu_get_events(t.vcpu, &ev);
	tap_ok(!err && ev.interrupt.injected && ev.interrupt.nr == EV_IRQ_VECTOR &&
	       !ev.interrupt.pending && rec(ev_irq_count) == count,
	       "GET_VCPU_EVENTS shows it injected, the handler has not run (%d, injected %u, nr %u)",
	       err, ev.interrupt.injected, ev.interrupt.nr);
	err = vmctl_vm_mem_add(t.vm, EV_MEM_SIZE, EV_MAP_SIZE - EV_MEM_SIZE, 0, &host);
	if (err < 0)
		tap_bail("vmctl_vm_mem_add: %s", vmctl_strerror(err));
	ok = run_to_sync(13);
	tap_ok(ok && rec(ev_irq_count) == count + 1 && rec(ev_irq_rip) == addr(ev_after_unbacked),
	       "stage 13: with memory there it is delivered once, after STI; NOP "
	       "(count +%llu, RIP 0x%llx)", (unsigned long long)(rec(ev_irq_count) - count),
	       (unsigned long long)rec(ev_irq_rip));
}

/* ---- bad input --------------------------------------------------------- */

static void check_bad_events(void)
{
	struct vmctl_vcpu_events good, ev, after;
	int err, bad = 0, i;

	err = vmctl_vcpu_get_events(t.vcpu, &good);
	tap_ok(err == 0 && !good.exception.injected && !good.interrupt.pending &&
	       !good.nmi.pending && !good.shadow,
	       "a new vCPU has no events (%d)", err);
	for (i = 0; i < 10; i++) {
		ev = good;
		switch (i) {
		case 0: ev.flags = 1; break;
		case 1: ev.reserved[3] = 1; break;
		case 2: ev.pad = 1; break;
		case 3: ev.exception.injected = 1; ev.exception.nr = 2; break;
		case 4: ev.exception.injected = 1; ev.exception.nr = 13; break;
		case 5: ev.exception.injected = 1; ev.exception.nr = 32; break;
		case 6: ev.exception.injected = 1; ev.exception.nr = 6;
			ev.nmi.injected = 1; break;
		case 7: ev.shadow = 3; break;
		case 8: ev.instruction_len = 2; break;
		case 9: ev.nmi.masked = 2; break;
		}
		err = vmctl_vcpu_set_events(t.vcpu, &ev);
		if (err != -EINVAL) {
			tap_diag("bad events case %d: %s", i, vmctl_strerror(err));
			bad++;
		}
	}
	err = vmctl_vcpu_get_events(t.vcpu, &after);
	tap_ok(!bad && !err && !memcmp(&good, &after, sizeof(good)),
	       "10 bad event structs refused with -EINVAL, nothing changed");
	tap_ok(vmctl_vcpu_interrupt(t.vcpu, 256) == -EINVAL &&
	       vmctl_vcpu_set_hlt_mode(t.vcpu, 2) == -EINVAL,
	       "vector 256 and HLT mode 2 refused with -EINVAL");
}

int main(void)
{
	struct vmctl_vcpu_events ev;
	struct vmctl_exit exit;
	struct sigaction sa;
	uint64_t wall, cpu, irqs;
	bool ok;
	int err;

	tap_plan(28);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;	/* no SA_RESTART: RUN returns -EINTR */
	if (sigaction(SIGUSR1, &sa, NULL))
		tap_bail("sigaction: %s", strerror(errno));
	start_guest();
	check_bad_events();

	/* 1, 2: IF clear, so the queued interrupt waits. */
	tap_ok(run_to_sync(1), "stage 1: IF clear");
	err = vmctl_vcpu_interrupt(t.vcpu, EV_IRQ_VECTOR);
	tap_ok(err == 0 && vmctl_vcpu_interrupt(t.vcpu, EV_IRQ_VECTOR + 1) == -EEXIST,
	       "interrupt queued (%d); a second one while it waits: -EEXIST", err);
	ok = run_to_sync(2);
	tap_ok(ok && rec(ev_irq_count) == 0 &&
	       !vmctl_vcpu_ready_for_interrupt(t.vcpu),
	       "stage 2: not delivered while IF is clear (count %llu)",
	       (unsigned long long)rec(ev_irq_count));
	memset(&ev, 0, sizeof(ev));
	err = vmctl_vcpu_get_events(t.vcpu, &ev);
	tap_ok(!err && ev.interrupt.pending && ev.interrupt.nr == EV_IRQ_VECTOR &&
	       !ev.interrupt.injected, "GET_VCPU_EVENTS shows it pending (%d, nr %u)",
	       err, ev.interrupt.nr);

	/* 3: STI; MOV $2, %r12 (in the shadow); then the interrupt. */
	ok = run_to_sync(3);
	tap_ok(ok && rec(ev_irq_count) == 1 &&
	       rec(ev_irq_rip) == addr(ev_after_sti) && rec(ev_irq_r12) == 2,
	       "stage 3: delivered once, right after the STI shadow (count %llu, RIP 0x%llx, "
	       "want 0x%llx, R12 %llu)", (unsigned long long)rec(ev_irq_count),
	       (unsigned long long)rec(ev_irq_rip),
	       (unsigned long long)addr(ev_after_sti), (unsigned long long)rec(ev_irq_r12));

	/* 4: the window the host asked for. */
	vmctl_vcpu_request_irq_window(t.vcpu, true);
	err = vmctl_vcpu_run(t.vcpu, &exit);
	ok = vmctl_vcpu_ready_for_interrupt(t.vcpu);
	tap_ok(!err && exit.reason == VMCTL_EXIT_IRQ_WINDOW_OPEN &&
	       rip() == addr(ev_window) && ok,
	       "window exit after STI; NOP with ready set (%d, %s, RIP 0x%llx)", err,
	       exit.message, (unsigned long long)rip());
	vmctl_vcpu_request_irq_window(t.vcpu, false);
	err = vmctl_vcpu_interrupt(t.vcpu, EV_IRQ_VECTOR);
	ok = !err && run_to_sync(4);
	tap_ok(ok && rec(ev_irq_count) == 2 &&
	       rec(ev_irq_rip) == addr(ev_window),
	       "stage 4: injected in the window, delivered there (RIP 0x%llx)",
	       (unsigned long long)rec(ev_irq_rip));

	/* 5: #GP with an error code from user space. */
	memset(&ev, 0, sizeof(ev));
	ev.exception.injected = 1;
	ev.exception.nr = 13;
	ev.exception.has_error_code = 1;
	ev.exception.error_code = EV_GP_CODE;
	err = vmctl_vcpu_set_events(t.vcpu, &ev);
	tap_ok(err == 0, "SET_VCPU_EVENTS #GP(0x%x) (%d)", EV_GP_CODE, err);
	ok = run_to_sync(5);
	tap_ok(ok && rec(ev_gp_count) == 1 && rec(ev_gp_code) == EV_GP_CODE &&
	       rec(ev_gp_rip) == addr(ev_gp_ret),
	       "stage 5: handler saw error code 0x%llx at RIP 0x%llx (want 0x%llx)",
	       (unsigned long long)rec(ev_gp_code), (unsigned long long)rec(ev_gp_rip),
	       (unsigned long long)addr(ev_gp_ret));

	/* 6: the kernel's #GP(0) for DR7 bit 32. */
	ok = run_to_sync(6);
	tap_ok(ok && rec(ev_gp_count) == 2 && rec(ev_gp_code) == 0 &&
	       rec(ev_gp_rip) == addr(ev_bad_dr7),
	       "stage 6: MOV to DR7 with bit 32 faults #GP(0) at the MOV (RIP 0x%llx)",
	       (unsigned long long)rec(ev_gp_rip));

	/* 7: NMI */
	err = vmctl_vcpu_nmi(t.vcpu);
	ok = !err && run_to_sync(7);
	tap_ok(ok && rec(ev_nmi_count) == 1 &&
	       rec(ev_nmi_rip) == addr(ev_nmi_ret),
	       "stage 7: one NMI at RIP 0x%llx (%d, count %llu)",
	       (unsigned long long)rec(ev_nmi_rip), err,
	       (unsigned long long)rec(ev_nmi_count));

	check_reinjection();
	irqs = rec(ev_irq_count);

	/* 9: STI; HLT waits in the kernel. */
	err = run_with_helper(HELPER_KICK, 1000, &exit, &wall, &cpu);
	tap_ok(err == -EINTR && exit.reason == VMCTL_EXIT_INTR && wall >= 900000000ULL,
	       "HLT with IF set waits until a kick from another thread (%d, %s, %llu ms)",
	       err, exit.message, (unsigned long long)(wall / 1000000));
	tap_ok(cpu < wall / 10, "halted, the vCPU thread used %llu ms of CPU in %llu ms",
	       (unsigned long long)(cpu / 1000000), (unsigned long long)(wall / 1000000));
	err = run_with_helper(HELPER_SIGNAL, 300, &exit, &wall, &cpu);
	tap_ok(err == -EINTR && exit.reason == VMCTL_EXIT_INTR && !exit.requested &&
	       wall >= 250000000ULL && rec(ev_irq_count) == irqs,
	       "still halted; a signal ends RUN (%d, %s, %llu ms)", err, exit.message,
	       (unsigned long long)(wall / 1000000));
	err = run_with_helper(HELPER_INTERRUPT, 300, &exit, &wall, &cpu);
	tap_ok(err == 0 && exit.reason == VMCTL_EXIT_IO && wall >= 250000000ULL,
	       "an interrupt from another thread wakes it (%d, %s, %llu ms)", err,
	       exit.message, (unsigned long long)(wall / 1000000));
	tap_ok(rec(ev_irq_count) == irqs + 1 && rec(ev_irq_rip) == addr(ev_after_hlt) &&
	       rip() > addr(ev_after_hlt),
	       "its handler returned past the HLT (count %llu, RIP 0x%llx)",
	       (unsigned long long)rec(ev_irq_count), (unsigned long long)rec(ev_irq_rip));

	/* 10: VMCTL_HLT_EXIT */
	err = vmctl_vcpu_set_hlt_mode(t.vcpu, VMCTL_HLT_EXIT);
	tap_ok(err == 0, "VMCTL_SET_HLT_MODE(VMCTL_HLT_EXIT) (%d)", err);
	err = vmctl_vcpu_run(t.vcpu, &exit);
	tap_ok(!err && exit.reason == VMCTL_EXIT_HLT && rip() == addr(ev_after_hlt2),
	       "then HLT with IF set exits to user space (%s, RIP 0x%llx)", exit.message,
	       (unsigned long long)rip());
	err = vmctl_vcpu_set_hlt_mode(t.vcpu, VMCTL_HLT_WAIT);
	tap_ok(!err && run_to_sync(10), "stage 10");
	err = vmctl_vcpu_run(t.vcpu, &exit);
	tap_ok(!err && exit.reason == VMCTL_EXIT_HLT,
	       "HLT with IF clear exits to user space in VMCTL_HLT_WAIT mode (%s)",
	       exit.message);
	err = vmctl_vcpu_kick(t.vcpu);
	tap_ok(!err && vmctl_vcpu_run(t.vcpu, &exit) == -EINTR && !exit.requested &&
	       exit.reason == VMCTL_EXIT_INTR,
	       "a kick before RUN ends the next RUN at once (%s)", exit.message);
	tvm_destroy(&t);
	return tap_finish();
}
