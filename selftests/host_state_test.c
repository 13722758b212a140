// SPDX-License-Identifier: GPL-2.0
/*
 * The host's debug state and caches are not the guest's.
 *
 * Breakpoints: the VMM thread puts a perf write watchpoint on a dword it
 * maps at WATCH_GPA, a linear address that the flat real-mode guest also
 * writes (in its own memory).  The host's DR7 must not be live in the
 * guest: the guest's write raises no #DB there and does not count; the
 * watchpoint still counts the host's own writes after each exit, also
 * after the guest armed DR0/DR7 for a breakpoint of its own (so that the
 * module loaded the guest's DR0 into the real register), and the guest
 * reads back the DR0 it wrote.  The host's count is compared with the
 * number of writes the test itself made.
 *
 * Not tested: that the guest's own breakpoint fires.  In Bochs 3.0 a
 * guest write to its armed address set DR6.B0 but never reached the
 * guest's #DB handler (seen 2026-11-29, cause not found).
 *
 * Single steps: a guest with RFLAGS.TF set takes its #DB in guest mode and
 * the CPU sets DR6.BS in the real register.  The module must hand the host
 * a clean DR6 back even when no host breakpoint was active during the run
 * (then nothing else rewrites DR6): otherwise the first hit of a watchpoint
 * set up later on that CPU arrives as a SIGTRAP that kills the thread
 * (seen after the random exerciser's guests).  So the single-stepping guest
 * runs first, pinned to one CPU, before the watchpoint exists.
 *
 * Caches: a guest's WBINVD and INVD are skipped without flushing the
 * host's caches; the guest runs on past both (before, INVD ended the run
 * as an unhandled exit).
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <sched.h>
#include <string.h>
#include <unistd.h>
#include <linux/hw_breakpoint.h>
#include <linux/perf_event.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#include "test_util.h"

static int watch_fd = -1;
static volatile uint32_t *watch;

static uint64_t watch_count(void)
{
	uint64_t count = 0;

	if (read(watch_fd, &count, sizeof(count)) != sizeof(count))
		tap_bail("reading the watchpoint's count failed");
	return count;
}

/* The watchpoint: host writes to WATCH_GPA in this thread count. */
static void setup_watch(void)
{
	struct perf_event_attr attr;
	void *p;

	p = mmap((void *)WATCH_GPA, 4096, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	if (p != (void *)WATCH_GPA)
		tap_bail("cannot map the watched page at %#x", WATCH_GPA);
	watch = p;
	memset(&attr, 0, sizeof(attr));
	attr.type = PERF_TYPE_BREAKPOINT;
	attr.size = sizeof(attr);
	attr.bp_type = HW_BREAKPOINT_W;
	attr.bp_addr = WATCH_GPA;
	attr.bp_len = HW_BREAKPOINT_LEN_4;
	attr.exclude_kernel = 1;
	attr.exclude_hv = 1;
	watch_fd = syscall(SYS_perf_event_open, &attr, 0, -1, -1, 0);
	if (watch_fd < 0)
		tap_bail("perf_event_open(PERF_TYPE_BREAKPOINT) failed: %m");
}

static void test_breakpoints(void)
{
	struct vmctl_exit exit;
	struct ucall uc = { 0 };
	uint64_t count;
	struct tvm t;
	int err;

	setup_watch();
	*watch = 1;
	count = watch_count();
	tap_ok(count == 1, "the host's watchpoint counts a host write before any guest runs (%" PRIu64 ")",
	       count);

	tvm_create(&t, 1 << 20);
	tvm_start_real(&t, real_watch_begin, real_watch_end);
	err = vmctl_vcpu_run_loop(t.vcpu, &exit);
	if (err || !ucall_get(t.vcpu, &exit, &uc))
		uc.code = 0;
	tap_ok(uc.code == UCALL_SYNC && uc.arg == 1,
	       "the guest writes the watched linear address without a #DB: %s (%d, %s)",
	       uc.code == UCALL_SYNC ? "it went on" :
	       uc.code == UCALL_REPORT ? "its #DB handler ran" : "no ucall", err, exit.message);
	if (uc.code != UCALL_SYNC)
		tap_bail("the guest did not reach its SYNC");
	tap_ok(guest_read32(t.mem + WATCH_GPA) == WATCH_VALUE && *watch == 1,
	       "the guest's write went to guest memory (0x%x), the host's dword kept 1 (%u)",
	       guest_read32(t.mem + WATCH_GPA), *watch);
	count = watch_count();
	tap_ok(count == 1, "the guest's write did not count on the host's watchpoint (%" PRIu64 ")",
	       count);
	*watch = 2;
	count = watch_count();
	tap_ok(count == 2, "the host's watchpoint still counts after the exit (%" PRIu64 ")", count);

	err = vmctl_vcpu_run_loop(t.vcpu, &exit);
	if (err || !ucall_get(t.vcpu, &exit, &uc))
		uc.code = 0;
	tap_ok(uc.code == UCALL_REPORT && uc.arg == WATCH_GPA + 0x1000,
	       "the guest armed its own breakpoint and reads back its DR0, 0x%x (%s 0x%" PRIx64 ", %d, %s)",
	       WATCH_GPA + 0x1000, uc.code == UCALL_REPORT ? "got" :
	       uc.code == UCALL_DONE ? "a #DB, DR6" : "no ucall", uc.arg, err, exit.message);
	*watch = 3;
	count = watch_count();
	tap_ok(count == 3, "the host's watchpoint counts after the guest armed its own DR0/DR7 (%" PRIu64 ")",
	       count);
	tvm_destroy(&t);
}

/*
 * Real mode at CS = 0x100: NOP with RFLAGS.TF set, so that the #DB of the
 * single step goes through IVT vector 1 to the HLT at offset 3.
 */
static const uint8_t single_step_guest[] = {
	0x90,			/* 0: nop (traps after it) */
	0x90,			/* 1: nop */
	0xf4,			/* 2: hlt (not reached) */
	0xf4,			/* 3: vector 1: hlt */
};

static void test_single_step(void)
{
	struct vmctl_exit exit;
	uint64_t rflags = 0, rip = 0;
	uint16_t ivt1[2] = { 3, GUEST_LOAD_ADDR >> 4 };
	struct tvm t;
	int err;

	tvm_create(&t, 1 << 20);
	tvm_start_real(&t, single_step_guest,
		       single_step_guest + sizeof(single_step_guest));
	memcpy(t.mem + 1 * 4, ivt1, sizeof(ivt1));
	if (vmctl_vcpu_get_reg(t.vcpu, VMCTL_REG_RFLAGS, &rflags) ||
	    vmctl_vcpu_set_reg(t.vcpu, VMCTL_REG_RFLAGS, rflags | 0x100))
		tap_bail("cannot set RFLAGS.TF");
	err = vmctl_vcpu_run_loop(t.vcpu, &exit);
	if (vmctl_vcpu_get_reg(t.vcpu, VMCTL_REG_RIP, &rip))
		tap_bail("cannot read RIP");
	tap_ok(err == 0 && exit.reason == VMCTL_EXIT_HLT && rip == 4,
	       "a single-stepping guest takes its own #DB (%d, %s, RIP 0x%" PRIx64 ", want 0x4)",
	       err, exit.message, rip);
	tvm_destroy(&t);
}

static void test_wbinvd(void)
{
	struct vmctl_exit exit;
	struct ucall uc = { 0 };
	struct tvm t;
	int err;

	tvm_create(&t, 1 << 20);
	tvm_start_real(&t, real_wbinvd_begin, real_wbinvd_end);
	err = vmctl_vcpu_run_loop(t.vcpu, &exit);
	tap_ok(err == 0 && ucall_get(t.vcpu, &exit, &uc) && uc.code == UCALL_DONE &&
	       uc.arg == WBINVD_DONE,
	       "a guest runs on past WBINVD and INVD (%d, %s)", err, exit.message);
	tvm_destroy(&t);
}

int main(void)
{
	cpu_set_t cpu0;

	tap_plan(9);
	CPU_ZERO(&cpu0);
	CPU_SET(0, &cpu0);
	if (sched_setaffinity(0, sizeof(cpu0), &cpu0))
		tap_bail("cannot pin the test to CPU 0: %m");
	test_single_step();
	test_breakpoints();
	close(watch_fd);
	test_wbinvd();
	return tap_finish();
}
