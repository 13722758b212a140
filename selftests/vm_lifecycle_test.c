// SPDX-License-Identifier: GPL-2.0
/*
 * Creating and destroying VMs gives back everything: 1000 VMs, each with a
 * vCPU (run page mapped) and a slot of a few pages, most of them run to a
 * HLT (so VMLAUNCH and the VMCLEAR of a launched VMCS are in the cycle),
 * must leave the module's VMCTL_GET_USAGE counters exactly where they
 * started.  The module's counters are its own word, so the kernel's are
 * asked too: the pages pinned (nr_foll_pin_acquired - nr_foll_pin_released
 * in /proc/vmstat, which a pin leak moves even though it re-pins the same
 * pages and costs no memory) must come back exactly, unreclaimable slab
 * (SUnreclaim, where a leaked VM or vCPU structure stays) within a bound
 * far below one leaked VM structure per cycle, and MemAvailable (leaked
 * pages) within a small tolerance.  Also checks that VMX is on only while
 * a VM exists, and that a VM lives as long as any of its fds or mappings
 * does.  Raw ioctls, no library.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <linux/vmctl.h>

#include "../tests/tap.h"

#define PAGE_SIZE		4096UL
#define SLOT_PAGES		4
#define CYCLES			1000
#define WARMUP_CYCLES		20

/*
 * One page leaked per cycle would move MemAvailable by 4000 KiB over the
 * run; slab and per-CPU page lists move it by far less once warmed up.
 */
#define MEM_AVAILABLE_TOLERANCE_KB	2048

/*
 * A VM structure (struct vmctl_vm, about 830 bytes: kmalloc-cg-1k) leaked
 * per cycle would add about 1000 KiB of unreclaimable slab over the run.
 */
#define SUNRECLAIM_TOLERANCE_KB		256

/* Cycles with cycle % RUN_SKIP_EVERY == 0 leave their vCPU unrun. */
#define RUN_SKIP_EVERY			5

/* Real-mode CS:IP = 0:0 (guest memory is all HLT), interrupts off. */
static struct vmctl_sregs run_sregs;
static struct vmctl_regs run_regs;

static int dev_fd;
static void *guest_mem;

/* An ioctl's result as the kernel returned it: >= 0, or -errno. */
static long sys_ioctl(int fd, unsigned long request, void *arg)
{
	long ret = ioctl(fd, request, arg);

	return ret < 0 ? -errno : ret;
}

static struct vmctl_usage get_usage(void)
{
	struct vmctl_usage usage;

	if (sys_ioctl(dev_fd, VMCTL_GET_USAGE, &usage) < 0)
		tap_bail("VMCTL_GET_USAGE: %s", strerror(errno));
	return usage;
}

static int usage_equal(const struct vmctl_usage *a, const struct vmctl_usage *b)
{
	return a->vms == b->vms && a->vcpus == b->vcpus &&
	       a->kernel_pages == b->kernel_pages &&
	       a->pinned_pages == b->pinned_pages &&
	       a->kernel_bytes == b->kernel_bytes &&
	       a->vmx_enabled_cpus == b->vmx_enabled_cpus;
}

static void show_usage(const char *label, const struct vmctl_usage *u)
{
	tap_diag("    %s: vms %u vcpus %u kernel_pages %llu pinned_pages %llu",
		 label, u->vms, u->vcpus, (unsigned long long)u->kernel_pages,
		 (unsigned long long)u->pinned_pages);
	tap_diag("    %s: kernel_bytes %llu vmx_enabled_cpus %u", label,
		 (unsigned long long)u->kernel_bytes, u->vmx_enabled_cpus);
}

/* Writes text to a /proc/sys file; any failure is fatal. */
static void write_proc(const char *path, const char *text)
{
	size_t len = strlen(text);
	int fd;

	fd = open(path, O_WRONLY);
	if (fd < 0)
		tap_bail("open %s: %s", path, strerror(errno));
	if (write(fd, text, len) != (ssize_t)len)
		tap_bail("write %s: %s", path, strerror(errno));
	if (close(fd))
		tap_bail("close %s: %s", path, strerror(errno));
}

/*
 * The value of the line "name value" (/proc/vmstat) or "name: value kB"
 * (/proc/meminfo) of file; a missing file or line is fatal.
 */
static long long proc_value(const char *file, const char *name)
{
	char line[256], key[64];
	long long value;
	FILE *f;

	f = fopen(file, "r");
	if (!f)
		tap_bail("open %s: %s", file, strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%63[^: ]%*[: ]%lld", key, &value) == 2 &&
		    !strcmp(key, name)) {
			fclose(f);
			return value;
		}
	}
	fclose(f);
	tap_bail("%s has no %s", file, name);
}

/*
 * The kernel's statistics as they stand: the per-CPU differences folded
 * in (vm.stat_refresh), after giving back what caches the kernel can drop.
 */
struct kernel_stats {
	long long pins_held;	/* nr_foll_pin_acquired - nr_foll_pin_released */
	long long sunreclaim_kb;
	long long mem_available_kb;
};

static struct kernel_stats kernel_stats(void)
{
	struct kernel_stats k;

	sync();
	write_proc("/proc/sys/vm/drop_caches", "3\n");
	write_proc("/proc/sys/vm/stat_refresh", "1\n");
	k.pins_held = proc_value("/proc/vmstat", "nr_foll_pin_acquired") -
		      proc_value("/proc/vmstat", "nr_foll_pin_released");
	k.sunreclaim_kb = proc_value("/proc/meminfo", "SUnreclaim");
	k.mem_available_kb = proc_value("/proc/meminfo", "MemAvailable");
	return k;
}

static void show_kernel_stats(const char *label, const struct kernel_stats *k)
{
	tap_diag("    %s: pins held %lld, SUnreclaim %lld KiB, MemAvailable %lld KiB",
		 label, k->pins_held, k->sunreclaim_kb, k->mem_available_kb);
}

struct vm {
	int vm_fd;
	int vcpu_fd;
	struct vmctl_run *run;
};

/* A VM with vCPU 0 (run page mapped) and slot 0 of SLOT_PAGES pages at 0. */
static int vm_create(struct vm *vm)
{
	struct vmctl_create_vm create = { 0 };
	struct vmctl_create_vcpu vcpu = { .vcpu_id = 0 };
	struct vmctl_memory_slot slot = {
		.slot = 0, .guest_phys_addr = 0, .size = SLOT_PAGES * PAGE_SIZE,
		.userspace_addr = (uintptr_t)guest_mem,
	};
	long ret;

	ret = sys_ioctl(dev_fd, VMCTL_CREATE_VM, &create);
	if (ret < 0)
		return (int)ret;
	vm->vm_fd = (int)ret;
	ret = sys_ioctl(vm->vm_fd, VMCTL_SET_MEMORY_SLOT, &slot);
	if (ret < 0)
		goto out_close_vm;
	ret = sys_ioctl(vm->vm_fd, VMCTL_CREATE_VCPU, &vcpu);
	if (ret < 0)
		goto out_close_vm;
	vm->vcpu_fd = (int)ret;
	vm->run = mmap(NULL, VMCTL_RUN_MMAP_SIZE, PROT_READ | PROT_WRITE,
		       MAP_SHARED, vm->vcpu_fd, 0);
	if (vm->run == MAP_FAILED) {
		ret = -errno;
		goto out_close_vcpu;
	}
	return 0;

out_close_vcpu:
	close(vm->vcpu_fd);
out_close_vm:
	close(vm->vm_fd);
	return (int)ret;
}

/*
 * Runs vCPU 0 from CS:IP 0:0 into the HLT there; returns 0 if RUN returned 0
 * with a HLT exit, else RUN's errno or -EPROTO for another exit.
 */
static int vm_run_to_hlt(struct vm *vm)
{
	long ret;

	ret = sys_ioctl(vm->vcpu_fd, VMCTL_SET_SREGS, &run_sregs);
	if (!ret)
		ret = sys_ioctl(vm->vcpu_fd, VMCTL_SET_REGS, &run_regs);
	if (!ret)
		ret = sys_ioctl(vm->vcpu_fd, VMCTL_RUN, NULL);
	if (ret)
		return (int)ret;
	return vm->run->exit_reason == VMCTL_EXIT_HLT ? 0 : -EPROTO;
}

/*
 * Tear down in an order that varies with the cycle, since any fd or the
 * run-page mapping keeps the VM alive: slot deleted or left to the
 * release; VM fd closed before or after the vCPU fd; mapping last or first.
 */
static void vm_destroy(struct vm *vm, unsigned int cycle)
{
	if (cycle % 3 == 0) {
		struct vmctl_slot_id id = { .slot = 0 };

		if (sys_ioctl(vm->vm_fd, VMCTL_DELETE_MEMORY_SLOT, &id))
			tap_bail("DELETE_MEMORY_SLOT in cycle %u", cycle);
	}
	if (cycle % 2) {
		if (close(vm->vm_fd) || close(vm->vcpu_fd) ||
		    munmap(vm->run, VMCTL_RUN_MMAP_SIZE))
			tap_bail("tearing down VM %u: %s", cycle, strerror(errno));
	} else {
		if (munmap(vm->run, VMCTL_RUN_MMAP_SIZE) || close(vm->vcpu_fd) ||
		    close(vm->vm_fd))
			tap_bail("tearing down VM %u: %s", cycle, strerror(errno));
	}
}

static void test_vmx_on_only_with_vms(const struct vmctl_usage *idle)
{
	long online = sysconf(_SC_NPROCESSORS_ONLN);
	struct kernel_stats k_idle, k_live, k_after;
	struct vmctl_usage live;
	struct vm vm;
	long ret;

	if (online < 1)
		tap_bail("sysconf(_SC_NPROCESSORS_ONLN): %s", strerror(errno));
	tap_ok(idle->vms == 0 && idle->vmx_enabled_cpus == 0,
	       "no VM and VMX off before the first VM (vms %u, vmx_enabled_cpus %u)",
	       idle->vms, idle->vmx_enabled_cpus);

	k_idle = kernel_stats();
	show_kernel_stats("idle", &k_idle);
	ret = vm_create(&vm);
	if (ret)
		tap_bail("creating a VM: %s", strerror(-ret));
	live = get_usage();
	show_usage("one VM", &live);
	tap_ok((long)live.vmx_enabled_cpus == online,
	       "VMX on, on all %ld online CPUs, while a VM exists (%u)",
	       online, live.vmx_enabled_cpus);
	tap_ok(live.vms == idle->vms + 1 && live.vcpus == idle->vcpus + 1 &&
	       live.pinned_pages == idle->pinned_pages + SLOT_PAGES &&
	       live.kernel_pages >= idle->kernel_pages + 1 &&
	       live.kernel_bytes > idle->kernel_bytes,
	       "usage counts the VM, its vCPU, run page and %d pinned pages",
	       SLOT_PAGES);
	k_live = kernel_stats();
	show_kernel_stats("one VM", &k_live);
	tap_ok(k_live.pins_held == k_idle.pins_held + SLOT_PAGES,
	       "the kernel's pin counters see the slot's %d pins (%lld -> %lld held)",
	       SLOT_PAGES, k_idle.pins_held, k_live.pins_held);

	/* The state every cycle's vCPU runs from: its reset state at 0:0. */
	if (sys_ioctl(vm.vcpu_fd, VMCTL_GET_SREGS, &run_sregs) ||
	    sys_ioctl(vm.vcpu_fd, VMCTL_GET_REGS, &run_regs))
		tap_bail("GET_SREGS/GET_REGS of a new vCPU");
	run_sregs.cs.selector = 0;
	run_sregs.cs.base = 0;
	run_regs.rip = 0;
	run_regs.rflags = 0x2;
	ret = vm_run_to_hlt(&vm);
	tap_ok(ret == 0, "the vCPU runs to the HLT at 0:0 (%ld, exit reason %u)", ret,
	       vm.run->exit_reason);

	/* The mapping alone holds the vCPU file, hence the VM. */
	if (close(vm.vm_fd) || close(vm.vcpu_fd))
		tap_bail("close of the VM and vCPU fds: %s", strerror(errno));
	live = get_usage();
	tap_ok(live.vms == idle->vms + 1 && live.vmx_enabled_cpus > 0,
	       "a VM whose fds are closed lives on while its run page is mapped");
	if (munmap(vm.run, VMCTL_RUN_MMAP_SIZE))
		tap_bail("munmap of the run page: %s", strerror(errno));
	live = get_usage();
	show_usage("after the last VM", &live);
	tap_ok(usage_equal(&live, idle),
	       "unmapping the run page frees the VM and turns VMX off");
	k_after = kernel_stats();
	show_kernel_stats("after the last VM", &k_after);
	tap_ok(k_after.pins_held == k_idle.pins_held,
	       "and the kernel counts its pins released (%lld held, %lld before)",
	       k_after.pins_held, k_idle.pins_held);
}

static int elapsed_ms(const struct timespec *start)
{
	struct timespec now;

	if (clock_gettime(CLOCK_MONOTONIC, &now))
		tap_bail("clock_gettime: %s", strerror(errno));
	return (int)((now.tv_sec - start->tv_sec) * 1000 +
		     (now.tv_nsec - start->tv_nsec) / 1000000);
}

/* One cycle: create, run unless cycle % RUN_SKIP_EVERY == 0, destroy. */
static int cycle_once(unsigned int cycle, int *run_ret)
{
	struct vm vm;
	int ret;

	ret = vm_create(&vm);
	if (ret)
		return ret;
	*run_ret = 0;
	if (cycle % RUN_SKIP_EVERY)
		*run_ret = vm_run_to_hlt(&vm);
	vm_destroy(&vm, cycle);
	return 0;
}

static void test_cycles(const struct vmctl_usage *idle)
{
	unsigned int cycle, mismatches = 0, first_mismatch = 0, runs = 0, bad_runs = 0;
	const unsigned int expected_runs = CYCLES - (CYCLES + RUN_SKIP_EVERY - 1) / RUN_SKIP_EVERY;
	struct vmctl_usage now, mismatch = { 0 };
	struct kernel_stats before, after;
	struct timespec start;
	int ret, run_ret, first_bad_run = 0;

	for (cycle = 0; cycle < WARMUP_CYCLES; cycle++) {
		ret = cycle_once(cycle, &run_ret);
		if (ret)
			tap_bail("warm-up cycle %u: %s", cycle, strerror(-ret));
		if (run_ret)
			tap_bail("warm-up cycle %u: running to HLT: %s", cycle,
				 run_ret == -EPROTO ? "another exit" : strerror(-run_ret));
	}
	before = kernel_stats();
	show_kernel_stats("before the cycles", &before);

	if (clock_gettime(CLOCK_MONOTONIC, &start))
		tap_bail("clock_gettime: %s", strerror(errno));
	for (cycle = 0; cycle < CYCLES; cycle++) {
		ret = cycle_once(cycle, &run_ret);
		if (ret) {
			tap_diag("    creating VM %u failed: %s", cycle,
				 strerror(-ret));
			break;
		}
		if (cycle % RUN_SKIP_EVERY) {
			if (run_ret && !bad_runs++)
				first_bad_run = run_ret;
			runs++;
		}
		now = get_usage();
		if (!usage_equal(&now, idle) && !mismatches++) {
			first_mismatch = cycle;
			mismatch = now;
		}
	}
	tap_diag("    %u cycles (%u vCPUs run) in %d ms", cycle, runs, elapsed_ms(&start));
	tap_ok(cycle == CYCLES, "%d VMs created and destroyed", CYCLES);
	tap_ok(runs == expected_runs && bad_runs == 0,
	       "%u of them ran their vCPU to HLT (%u did not, first: %s)", expected_runs,
	       bad_runs, first_bad_run == -EPROTO ? "another exit" :
	       first_bad_run ? strerror(-first_bad_run) : "none");

	if (!tap_ok(!mismatches, "usage back to its idle values after every cycle")) {
		tap_diag("    %u cycles left something behind, first cycle %u:",
			 mismatches, first_mismatch);
		show_usage("idle", idle);
		show_usage("after", &mismatch);
	}
	now = get_usage();
	tap_ok(usage_equal(&now, idle) && now.vmx_enabled_cpus == 0,
	       "after %d cycles: nothing held, VMX off on every CPU", CYCLES);

	after = kernel_stats();
	show_kernel_stats("after the cycles", &after);
	tap_ok(after.pins_held == before.pins_held,
	       "the kernel's pin counters: every pin released (%lld -> %lld held)",
	       before.pins_held, after.pins_held);
	tap_ok(after.sunreclaim_kb - before.sunreclaim_kb <= SUNRECLAIM_TOLERANCE_KB,
	       "SUnreclaim grows by at most %d KiB (%lld -> %lld KiB)",
	       SUNRECLAIM_TOLERANCE_KB, before.sunreclaim_kb, after.sunreclaim_kb);
	tap_ok(before.mem_available_kb - after.mem_available_kb <= MEM_AVAILABLE_TOLERANCE_KB,
	       "MemAvailable drifts by at most %d KiB (%lld -> %lld KiB)",
	       MEM_AVAILABLE_TOLERANCE_KB, before.mem_available_kb, after.mem_available_kb);
}

int main(void)
{
	struct vmctl_usage idle;

	tap_plan(15);
	dev_fd = open("/dev/" VMCTL_DEVICE_NAME, O_RDWR | O_CLOEXEC);
	if (dev_fd < 0)
		tap_bail("open /dev/vmctl: %s", strerror(errno));
	guest_mem = mmap(NULL, SLOT_PAGES * PAGE_SIZE, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (guest_mem == MAP_FAILED)
		tap_bail("mmap of guest memory");
	memset(guest_mem, 0xf4, SLOT_PAGES * PAGE_SIZE);	/* hlt */

	idle = get_usage();
	show_usage("idle", &idle);
	test_vmx_on_only_with_vms(&idle);
	test_cycles(&idle);
	return tap_finish();
}
