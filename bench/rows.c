// SPDX-License-Identifier: GPL-2.0
/*
 * What the bench measures, one entry per metric, in the order of the
 * report.  Adding a metric is adding an entry here (and, for a new exit
 * path, its guest in guests.S); every side then runs it, and a side that
 * cannot yet (vmctl before a feature lands) says so through its
 * unsupported() operation instead of failing.
 */
#include "bench.h"

#define LOOP(id_, label_, title_, guest_, kind_, arg_) \
	{ .id = id_, .label = label_, .title = title_, .unit = "us", .measure = measure_loop, \
	  .guest = GUEST_OF(guest_), .kind = kind_, .arg = arg_ }

const struct row rows[] = {
	LOOP("cpuid", "CPUID (in the kernel)",
	     "CPUID round trip, handled in the kernel (leaf 0)",
	     bench_cpuid, EXIT_KERNEL, 0),
	LOOP("pio_out", "port-I/O OUT (user space)",
	     "port-I/O OUT round trip through user space",
	     bench_out, EXIT_PIO_OUT, 0),
	LOOP("pio_in", "port-I/O IN (user space)",
	     "port-I/O IN round trip through user space",
	     bench_in, EXIT_PIO_IN, 0),
	LOOP("mmio_write", "MMIO write (user space, decoded)",
	     "MMIO write round trip through user space (decoded)",
	     bench_mmio, EXIT_MMIO_WRITE, 0),
	LOOP("hypercall", "hypercall VMCALL (user space)",
	     "hypercall (VMCALL) round trip through user space",
	     bench_vmcall, EXIT_HYPERCALL, 0),
	{ .id = "vm_lifecycle", .label = "VM lifecycle (create, run, destroy)",
	  .unit = "ms", .measure = measure_lifecycle,
	  .title = "VM lifecycle: create (1 vCPU, 16 MiB), run to the first exit, destroy" },
	{ .id = "memory_touch", .label = "guest memory (register, touch)",
	  .unit = "ms", .measure = measure_touch,
	  .title = "guest memory: register 256 MiB (quick: 32), the guest writes to every 4 KiB page once" },
	{ .id = "kernel_memory", .label = "kernel memory per idle VM",
	  .unit = "KiB", .measure = measure_kernel_memory,
	  .title = "kernel memory per idle VM with one vCPU, never run: pages allocated and not freed (/proc/vmstat pgalloc - pgfree) while 32 VMs (quick: 8) are created, per VM" },
	{ .id = "floor", .label = "floor: CPUID 0x40000000 (in the kernel)",
	  .unit = "us", .measure = measure_loop,
	  .guest = GUEST_OF(bench_cpuid), .kind = EXIT_KERNEL, .arg = 0x40000000,
	  .floor = true,
	  .title = "floor: cheapest vmctl exit (CPUID 0x40000000, in the kernel)" },
};

const unsigned int nr_rows = sizeof(rows) / sizeof(rows[0]);
