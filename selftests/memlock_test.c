// SPDX-License-Identifier: GPL-2.0
/*
 * Pinned guest memory is charged to the creating process's RLIMIT_MEMLOCK,
 * as VmPin in /proc/PID/status: an unprivileged process (no CAP_IPC_LOCK)
 * gets ENOMEM for a slot above its limit, with nothing left pinned or
 * charged; within the limit the slot works and VmPin grows by exactly its
 * size; deleting the slot, closing the VM, and closing it from another
 * process after the creator has exited all return every count to its start
 * value.  Root (CAP_IPC_LOCK) may go above the limit but is still charged.
 */
#include "raw_util.h"

#include <signal.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>

#define LIMIT_PAGES	16
#define LIMIT_BYTES	(LIMIT_PAGES * RAW_PAGE_SIZE)
#define PAGE_KB		((long long)(RAW_PAGE_SIZE / 1024))
#define UNPRIV_TESTS	12

static int dev_fd;
static uint64_t pinned_at_start;

static void *map_anon(size_t pages)
{
	void *p = mmap(NULL, pages * RAW_PAGE_SIZE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		tap_bail("mmap %zu pages: %s", pages, strerror(errno));
	return p;
}

static void set_memlock_limit(rlim_t bytes)
{
	struct rlimit lim = { .rlim_cur = bytes, .rlim_max = bytes };

	if (setrlimit(RLIMIT_MEMLOCK, &lim))
		tap_bail("setrlimit(RLIMIT_MEMLOCK, %llu): %s",
			 (unsigned long long)bytes, strerror(errno));
}

/* Root keeps CAP_IPC_LOCK: above the limit is allowed, and still counted. */
static void test_root_exempt(void)
{
	void *mem = map_anon(2 * LIMIT_PAGES);
	int vm = raw_create_vm(dev_fd);
	long long pin0 = vmpin_kb();
	long ret;

	set_memlock_limit(LIMIT_BYTES);
	ret = raw_slot_add(vm, 0, 0, mem, 2 * LIMIT_BYTES, 0);
	tap_ok(ret == 0, "root (CAP_IPC_LOCK) may pin twice its RLIMIT_MEMLOCK (%s)",
	       strerror((int)-ret));
	tap_ok(vmpin_kb() == pin0 + 2 * LIMIT_PAGES * PAGE_KB,
	       "and VmPin counts it: %lld kB, expected %lld", vmpin_kb(),
	       pin0 + 2 * LIMIT_PAGES * PAGE_KB);
	close(vm);
	tap_ok(vmpin_kb() == pin0 && raw_pinned_pages(dev_fd) == pinned_at_start,
	       "closing the VM returns VmPin (%lld kB) and the module's pinned pages (%llu)",
	       vmpin_kb(), (unsigned long long)raw_pinned_pages(dev_fd));
	munmap(mem, 2 * LIMIT_BYTES);
}

/*
 * The creator exits with the VM still open in its child; the child's close
 * must uncharge the creator's (dead) mm, not the child's own.
 */
static void test_owner_gone(void)
{
	int done[2];
	pid_t creator;
	int status;

	if (pipe(done))
		tap_bail("pipe: %s", strerror(errno));
	creator = fork();
	if (creator < 0)
		tap_bail("fork: %s", strerror(errno));
	if (creator == 0) {
		pid_t creator_pid = getpid();
		void *mem = map_anon(LIMIT_PAGES);
		int vm = raw_create_vm(dev_fd);
		long long pin0;
		pid_t heir;
		char c;

		if (raw_slot_add(vm, 0, 0, mem, LIMIT_BYTES, 0))
			_exit(2);
		heir = fork();
		if (heir < 0)
			_exit(2);
		if (heir > 0)
			_exit(0);	/* the creator is gone; its heir holds vm */
		close(done[0]);
		/* Reparented once the creator has exited. */
		while (getppid() == creator_pid)
			usleep(10000);
		pin0 = vmpin_kb();
		close(vm);
		c = vmpin_kb() == pin0 ? 'y' : 'n';
		if (write(done[1], &c, 1) != 1)
			_exit(2);
		_exit(0);
	}
	close(done[1]);
	if (waitpid(creator, &status, 0) != creator || !WIFEXITED(status) ||
	    WEXITSTATUS(status))
		tap_bail("the creating process failed (status 0x%x)", status);
	{
		char c = 0;
		ssize_t n = read(done[0], &c, 1);

		tap_ok(n == 1 && c == 'y',
		       "closing a VM whose creator has exited leaves the closer's VmPin alone (%c)",
		       n == 1 ? c : '-');
	}
	close(done[0]);
	tap_ok(raw_pinned_pages(dev_fd) == pinned_at_start,
	       "and unpins its pages (module's pinned pages %llu, at start %llu)",
	       (unsigned long long)raw_pinned_pages(dev_fd),
	       (unsigned long long)pinned_at_start);
}

/* As an ordinary user: UNPRIV_TESTS results. */
static void test_unprivileged(void)
{
	void *big = map_anon(LIMIT_PAGES + 1);
	void *fits = map_anon(LIMIT_PAGES);
	long long pin0;
	long ret;
	int vm;

	drop_root(UNPRIV_UID, UNPRIV_GID, NULL, 0);
	set_memlock_limit(LIMIT_BYTES);
	vm = raw_create_vm(dev_fd);
	pin0 = vmpin_kb();
	tap_ok(pin0 == 0, "an unprivileged process starts with VmPin 0 kB (%lld)", pin0);

	ret = raw_slot_add(vm, 0, 0, big, (LIMIT_PAGES + 1) * RAW_PAGE_SIZE, 0);
	tap_ok(ret == -ENOMEM, "a slot one page above RLIMIT_MEMLOCK fails with ENOMEM (%s)",
	       strerror((int)-ret));
	tap_ok(vmpin_kb() == pin0, "and charges nothing (VmPin %lld kB)", vmpin_kb());
	tap_ok(raw_pinned_pages(dev_fd) == pinned_at_start,
	       "and pins nothing (module's pinned pages %llu)",
	       (unsigned long long)raw_pinned_pages(dev_fd));

	ret = raw_slot_add(vm, 0, 0, fits, LIMIT_BYTES, 0);
	tap_ok(ret == 0, "a slot of exactly RLIMIT_MEMLOCK works (%s)", strerror((int)-ret));
	tap_ok(vmpin_kb() == pin0 + LIMIT_PAGES * PAGE_KB,
	       "VmPin grows by the slot's %lld kB (%lld kB)", LIMIT_PAGES * PAGE_KB, vmpin_kb());
	tap_ok(raw_pinned_pages(dev_fd) == pinned_at_start + LIMIT_PAGES,
	       "the module pins its %d pages (%llu)", LIMIT_PAGES,
	       (unsigned long long)raw_pinned_pages(dev_fd));

	ret = raw_slot_add(vm, 1, LIMIT_BYTES, big, RAW_PAGE_SIZE, 0);
	tap_ok(ret == -ENOMEM, "one more page in another slot fails: the limit is per process (%s)",
	       strerror((int)-ret));

	ret = raw_slot_delete(vm, 0);
	tap_ok(ret == 0 && vmpin_kb() == pin0,
	       "deleting the slot returns VmPin to %lld kB (%lld, %s)", pin0, vmpin_kb(),
	       strerror((int)-ret));
	tap_ok(raw_slot_add(vm, 0, 0, fits, LIMIT_BYTES, 0) == 0,
	       "after which the whole limit can be used again");
	close(vm);
	tap_ok(vmpin_kb() == pin0, "closing the VM uncharges its slots (VmPin %lld kB)",
	       vmpin_kb());
	tap_ok(raw_pinned_pages(dev_fd) == pinned_at_start,
	       "and unpins them (module's pinned pages %llu)",
	       (unsigned long long)raw_pinned_pages(dev_fd));
}

int main(void)
{
	pid_t child;
	int status;

	tap_plan(3 + UNPRIV_TESTS + 2);
	dev_fd = raw_open_dev();
	pinned_at_start = raw_pinned_pages(dev_fd);

	child = fork();
	if (child < 0)
		tap_bail("fork: %s", strerror(errno));
	if (child == 0) {
		test_root_exempt();
		exit(tap_failures ? 1 : 0);
	}
	if (waitpid(child, &status, 0) != child)
		tap_bail("waitpid: %s", strerror(errno));
	tap_next_number += 3;
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		tap_failures++;

	child = fork();
	if (child < 0)
		tap_bail("fork: %s", strerror(errno));
	if (child == 0) {
		test_unprivileged();
		exit(tap_failures ? 1 : 0);
	}
	if (waitpid(child, &status, 0) != child)
		tap_bail("waitpid: %s", strerror(errno));
	tap_next_number += UNPRIV_TESTS;
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		tap_failures++;

	test_owner_gone();
	close(dev_fd);
	return tap_finish();
}
