// SPDX-License-Identifier: GPL-2.0
/*
 * Creating and destroying VMs gives back everything: 1000 VMs, each with a
 * vCPU (run page mapped) and a slot of a few pages, must leave the module's
 * VMCTL_GET_USAGE counters exactly where they started and the system's
 * MemAvailable within a small tolerance.  Also checks that VMX is on only
 * while a VM exists, and that a VM lives as long as any of its fds or
 * mappings does.  Raw ioctls, no library.
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

/* MemAvailable in KiB, after giving back what caches the kernel can drop. */
static long mem_available_kb(void)
{
	char line[256];
	long kb = -1;
	FILE *f;
	int fd;

	sync();
	fd = open("/proc/sys/vm/drop_caches", O_WRONLY);
	if (fd >= 0) {
		if (write(fd, "3\n", 2) < 0)
			tap_diag("    drop_caches: %s", strerror(errno));
		close(fd);
	}
	f = fopen("/proc/meminfo", "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "MemAvailable: %ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
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
		close(vm->vm_fd);
		close(vm->vcpu_fd);
		munmap(vm->run, VMCTL_RUN_MMAP_SIZE);
	} else {
		munmap(vm->run, VMCTL_RUN_MMAP_SIZE);
		close(vm->vcpu_fd);
		close(vm->vm_fd);
	}
}

static void test_vmx_on_only_with_vms(const struct vmctl_usage *idle)
{
	long online = sysconf(_SC_NPROCESSORS_ONLN);
	struct vmctl_usage live;
	struct vm vm;
	int ret;

	tap_ok(idle->vms == 0 && idle->vmx_enabled_cpus == 0,
	       "no VM and VMX off before the first VM (vms %u, vmx_enabled_cpus %u)",
	       idle->vms, idle->vmx_enabled_cpus);

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

	/* The mapping alone holds the vCPU file, hence the VM. */
	close(vm.vm_fd);
	close(vm.vcpu_fd);
	live = get_usage();
	tap_ok(live.vms == idle->vms + 1 && live.vmx_enabled_cpus > 0,
	       "a VM whose fds are closed lives on while its run page is mapped");
	munmap(vm.run, VMCTL_RUN_MMAP_SIZE);
	live = get_usage();
	show_usage("after the last VM", &live);
	tap_ok(usage_equal(&live, idle),
	       "unmapping the run page frees the VM and turns VMX off");
}

static int elapsed_ms(const struct timespec *start)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (int)((now.tv_sec - start->tv_sec) * 1000 +
		     (now.tv_nsec - start->tv_nsec) / 1000000);
}

static void test_cycles(const struct vmctl_usage *idle)
{
	unsigned int cycle, mismatches = 0, first_mismatch = 0;
	struct vmctl_usage now, mismatch = { 0 };
	long avail_before, avail_after;
	struct timespec start;
	struct vm vm;
	int ret;

	for (cycle = 0; cycle < WARMUP_CYCLES; cycle++) {
		ret = vm_create(&vm);
		if (ret)
			tap_bail("warm-up cycle %u: %s", cycle, strerror(-ret));
		vm_destroy(&vm, cycle);
	}
	avail_before = mem_available_kb();

	clock_gettime(CLOCK_MONOTONIC, &start);
	for (cycle = 0; cycle < CYCLES; cycle++) {
		ret = vm_create(&vm);
		if (ret) {
			tap_diag("    creating VM %u failed: %s", cycle,
				 strerror(-ret));
			break;
		}
		vm_destroy(&vm, cycle);
		now = get_usage();
		if (!usage_equal(&now, idle) && !mismatches++) {
			first_mismatch = cycle;
			mismatch = now;
		}
	}
	tap_diag("    %u cycles in %d ms", cycle, elapsed_ms(&start));
	tap_ok(cycle == CYCLES, "%d VMs created and destroyed", CYCLES);

	if (!tap_ok(!mismatches, "usage back to its idle values after every cycle")) {
		tap_diag("    %u cycles left something behind, first cycle %u:",
			 mismatches, first_mismatch);
		show_usage("idle", idle);
		show_usage("after", &mismatch);
	}
	now = get_usage();
	tap_ok(usage_equal(&now, idle) && now.vmx_enabled_cpus == 0,
	       "after %d cycles: nothing held, VMX off on every CPU", CYCLES);

	avail_after = mem_available_kb();
	tap_ok(avail_before > 0 && avail_after > 0 &&
	       avail_before - avail_after <= MEM_AVAILABLE_TOLERANCE_KB,
	       "MemAvailable drifts by at most %d KiB (%ld -> %ld KiB)",
	       MEM_AVAILABLE_TOLERANCE_KB, avail_before, avail_after);
}

int main(void)
{
	struct vmctl_usage idle;

	tap_plan(9);
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
