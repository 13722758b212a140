// SPDX-License-Identifier: GPL-2.0
/*
 * The run page belongs to its owner and is output only:
 * - madvise(MADV_DOFORK) on it fails with EINVAL, and a forked child that
 *   touches its address dies instead of seeing the parent's vCPU;
 * - user space overwriting every out field between RUNs changes nothing:
 *   each OUT of a guest arrives with its own port, size and value, the
 *   kernel's exit_count goes on from its own count, and the guest's result
 *   is exact;
 * - another thread scribbling over the out fields while RUN is in the
 *   kernel (the guest spinning, its in-kernel exits resumed) does not end
 *   the run: it ends when the guest halts, and the kernel log stays clean.
 */
#include "raw_util.h"

#include <dirent.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "test_util.h"

#define OUTS		64
#define SCRIBBLE_NS	400000000ULL	/* guest-kernel time the scribbler runs */

/* A second mapping of the library's vCPU: the only vCPU fd of this process. */
static struct vmctl_run *map_run_page_again(void)
{
	struct dirent *d;
	char path[300], target[64];
	DIR *dir = opendir("/proc/self/fd");
	void *run = MAP_FAILED;

	if (!dir)
		tap_bail("opendir /proc/self/fd: %s", strerror(errno));
	while (run == MAP_FAILED && (d = readdir(dir))) {
		ssize_t n;

		snprintf(path, sizeof(path), "/proc/self/fd/%s", d->d_name);
		n = readlink(path, target, sizeof(target) - 1);
		if (n < 0)
			continue;
		target[n] = '\0';
		if (strcmp(target, "anon_inode:vmctl-vcpu"))
			continue;
		run = mmap(NULL, VMCTL_RUN_MMAP_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
			   atoi(d->d_name), 0);
	}
	closedir(dir);
	if (run == MAP_FAILED)
		tap_bail("no vCPU fd to map the run page from");
	return run;
}

/* Everything the kernel writes, overwritten with lies. */
static void scribble(struct vmctl_run *run, uint32_t round)
{
	static const uint32_t reasons[] = {
		VMCTL_EXIT_IO, VMCTL_EXIT_INTERNAL_ERROR, VMCTL_EXIT_FAIL_ENTRY,
		VMCTL_EXIT_SHUTDOWN, 0xffffffffu,
	};

	run->exit_reason = reasons[round % (sizeof(reasons) / sizeof(reasons[0]))];
	run->exit_count = 0;
	run->io.port = 0x1234;
	run->io.size = 3;
	run->io.direction = VMCTL_IO_IN;
	run->io.data = 0xbadbadbadULL + round;
	run->internal.ndata = 0xffffffffu;
}

static void test_madv_dofork(struct tvm *t)
{
	struct vmctl_run *run = map_run_page_again();
	volatile uint32_t *reason = &run->exit_reason;
	int ret, status;
	pid_t child;

	(void)t;
	ret = madvise(run, VMCTL_RUN_MMAP_SIZE, MADV_DOFORK);
	tap_ok(ret == -1 && errno == EINVAL, "madvise(MADV_DOFORK) on the run page fails with EINVAL (%s)",
	       ret ? strerror(errno) : "succeeded");
	child = fork();
	if (child < 0)
		tap_bail("fork: %s", strerror(errno));
	if (child == 0) {
		/* Reading the address must kill us: it is not mapped here. */
		_exit(*reason == 0xffffffffu ? 3 : 4);
	}
	if (waitpid(child, &status, 0) != child)
		tap_bail("waitpid: %s", strerror(errno));
	tap_ok(WIFSIGNALED(status) && (WTERMSIG(status) == SIGSEGV || WTERMSIG(status) == SIGBUS),
	       "a forked child touching the run page dies of SIGSEGV/SIGBUS (status 0x%x)", status);
	munmap(run, VMCTL_RUN_MMAP_SIZE);
}

static void test_between_runs(struct tvm *t)
{
	struct vmctl_run *run = map_run_page_again();
	uint64_t count, last_count = 0;
	struct vmctl_exit exit;
	struct ucall uc = { 0 };
	uint32_t i, bad = 0;
	int err = 0;

	tvm_start_real(t, io_loop_begin, io_loop_end);
	guest_write32(GUEST_PTR(t, io_loop, io_loop_limit), OUTS);
	for (i = 1; i <= OUTS && !bad; i++) {
		err = vmctl_vcpu_run(t->vcpu, &exit);
		count = run->exit_count;
		if (err || exit.reason != VMCTL_EXIT_IO || exit.io.port != IO_LOOP_PORT ||
		    !exit.io.is_write || exit.io.size != 4 || exit.io.data != i ||
		    (i > 1 && count != last_count + 1))
			bad = i;
		last_count = count;
		scribble(run, i);
	}
	tap_ok(!bad, "%d OUTs with every out field overwritten before each RUN arrive intact, "
	       "exit_count counting on (first wrong: %" PRIu32 ", %d, %s, data %" PRIu32
	       ", exit_count %" PRIu64 ")", OUTS, bad, err, exit.message, exit.io.data, count);
	err = vmctl_vcpu_run(t->vcpu, &exit);
	tap_ok(!err && ucall_get(t->vcpu, &exit, &uc) && uc.code == UCALL_DONE && uc.arg == OUTS,
	       "the guest finishes with DONE(%d) (%d, %s, code %" PRIu32 ", arg %" PRIu64 ")",
	       OUTS, err, exit.message, uc.code, uc.arg);
	tap_ok(guest_read32(GUEST_PTR(t, io_loop, io_loop_count)) == OUTS,
	       "its count in guest memory is %d (%" PRIu32 ")", OUTS,
	       guest_read32(GUEST_PTR(t, io_loop, io_loop_count)));
	munmap(run, VMCTL_RUN_MMAP_SIZE);
}

struct scribbler {
	struct tvm *t;
	struct vmctl_run *run;
	uint64_t rounds;
	uint32_t count_at_release;
};

/* Scribbles while the guest spins, then stops and lets the guest halt. */
static void *scribble_during_run(void *arg)
{
	struct scribbler *s = arg;
	const uint8_t *counter = GUEST_PTR(s->t, spin_flag, spin_flag_count);
	uint64_t t0 = now_ns();

	while (now_ns() - t0 < SCRIBBLE_NS || guest_read32(counter) == 0) {
		scribble(s->run, (uint32_t)s->rounds);
		s->rounds++;
	}
	s->count_at_release = guest_read32(counter);
	atomic_thread_fence(memory_order_seq_cst);
	s->t->mem[GUEST_LOAD_ADDR + GUEST_OFF(spin_flag, spin_flag_flag)] = 1;
	return NULL;
}

static void test_during_run(struct tvm *t)
{
	struct scribbler s = { .t = t, .run = map_run_page_again() };
	struct vmctl_regs regs;
	struct vmctl_exit exit;
	pthread_t thread;
	int err, ret;

	tvm_start_real(t, spin_flag_begin, spin_flag_end);
	ret = pthread_create(&thread, NULL, scribble_during_run, &s);
	if (ret)
		tap_bail("pthread_create: %s", strerror(ret));
	err = vmctl_vcpu_run(t->vcpu, &exit);
	ret = pthread_join(thread, NULL);
	if (ret)
		tap_bail("pthread_join: %s", strerror(ret));
	tap_ok(err == 0 && exit.reason == VMCTL_EXIT_HLT,
	       "RUN ends when the guest halts, not earlier, though another thread "
	       "scribbled %" PRIu64 " times over the out fields (%d, %s)", s.rounds, err,
	       exit.message);
	err = vmctl_vcpu_get_regs(t->vcpu, &regs);
	if (err)
		tap_bail("vmctl_vcpu_get_regs: %s", vmctl_strerror(err));
	tap_ok(regs.rip == GUEST_OFF(spin_flag, spin_flag_loop_end) + 1 &&
	       s.count_at_release > 0,
	       "the guest spun (%" PRIu32 " turns before its release) and halted at the end "
	       "(RIP 0x%llx)", s.count_at_release, (unsigned long long)regs.rip);
	munmap(s.run, VMCTL_RUN_MMAP_SIZE);
}

int main(void)
{
	struct tvm t;

	tap_plan(7);
	tvm_create(&t, 1 << 20);
	test_madv_dofork(&t);
	test_between_runs(&t);
	test_during_run(&t);
	tvm_destroy(&t);
	return tap_finish();
}
