// SPDX-License-Identifier: GPL-2.0
/*
 * Per-vCPU statistics: each counter described once (name, unit, kind),
 * the tables the exit-path hook reads (the hook itself is inline, in
 * stats.h), and the RUN bookkeeping.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/math64.h>
#include <linux/minmax.h>
#include <linux/nospec.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "core.h"

#define VMCTL_STAT_DESC(idx, _name, _unit, _kind)			\
	[VMCTL_STAT_##idx] = {						\
		.name = _name,						\
		.unit = VMCTL_STAT_UNIT_##_unit,			\
		.kind = VMCTL_STAT_KIND_##_kind,			\
	}

const struct vmctl_stat_desc vmctl_stat_descs[VMCTL_STAT_NR] = {
	VMCTL_STAT_DESC(EXITS,		"exits",		NONE, CUMULATIVE),
	VMCTL_STAT_DESC(IO_EXITS,	"io_exits",		NONE, CUMULATIVE),
	VMCTL_STAT_DESC(MMIO_EXITS,	"mmio_exits",		NONE, CUMULATIVE),
	VMCTL_STAT_DESC(HYPERCALLS,	"hypercalls",		NONE, CUMULATIVE),
	VMCTL_STAT_DESC(HALTS,		"halts",		NONE, CUMULATIVE),
	VMCTL_STAT_DESC(INJECTED_IRQS,	"injected_irqs",	NONE, CUMULATIVE),
	VMCTL_STAT_DESC(INJECTED_EXCEPTIONS, "injected_exceptions", NONE, CUMULATIVE),
	VMCTL_STAT_DESC(GUEST_NS,	"guest_ns",		NS,   CUMULATIVE),
	VMCTL_STAT_DESC(HOST_NS,	"host_ns",		NS,   CUMULATIVE),
	VMCTL_STAT_DESC(RUNS,		"runs",			NONE, CUMULATIVE),
	VMCTL_STAT_DESC(USER_EXITS,	"user_exits",		NONE, CUMULATIVE),
};

/*
 * Sorted by port; the last entry takes what no other does.  A port the
 * guest uses for its own device (ucall, debug exit) counts as "other".
 */
const struct vmctl_port_range vmctl_port_ranges[VMCTL_PORT_RANGES] = {
	{ "pic1",	0x020, 0x021 },
	{ "pit",	0x040, 0x043 },
	{ "i8042",	0x060, 0x064 },
	{ "rtc",	0x070, 0x071 },
	{ "post",	0x080, 0x080 },
	{ "pic2",	0x0a0, 0x0a1 },
	{ "com2",	0x2f8, 0x2ff },
	{ "com1",	0x3f8, 0x3ff },
	{ "pci_config",	0xcf8, 0xcff },
	{ "other",	0x000, 0xffff },
};

/*
 * Every range but "other" lies below VMCTL_PORT_TABLE_PORTS: a lookup is
 * one load from a table filled at load, not a walk of the ranges, since
 * it is paid on every port exit.
 */
#define VMCTL_PORT_TABLE_PORTS	0x1000
static u8 vmctl_port_table[VMCTL_PORT_TABLE_PORTS] __read_mostly;

static void vmctl_port_table_init(void)
{
	unsigned int i, port;

	memset(vmctl_port_table, VMCTL_PORT_RANGES - 1, sizeof(vmctl_port_table));
	for (i = 0; i < VMCTL_PORT_RANGES - 1; i++)
		for (port = vmctl_port_ranges[i].first;
		     port <= vmctl_port_ranges[i].last && port < VMCTL_PORT_TABLE_PORTS;
		     port++)
			vmctl_port_table[port] = i;
}

static unsigned int vmctl_port_range_of(u16 port)
{
	if (port >= VMCTL_PORT_TABLE_PORTS)
		return VMCTL_PORT_RANGES - 1;
	return vmctl_port_table[array_index_nospec(port, VMCTL_PORT_TABLE_PORTS)];
}

static const enum vmctl_stat vmctl_class_stat[] = {
	[VMCTL_EXIT_CLASS_OTHER]	= VMCTL_STAT_NR,
	[VMCTL_EXIT_CLASS_IO]		= VMCTL_STAT_IO_EXITS,
	[VMCTL_EXIT_CLASS_MMIO]		= VMCTL_STAT_MMIO_EXITS,
	[VMCTL_EXIT_CLASS_HYPERCALL]	= VMCTL_STAT_HYPERCALLS,
	[VMCTL_EXIT_CLASS_HALT]		= VMCTL_STAT_HALTS,
};

u32 vmctl_cycles_mult __read_mostly = 1U << VMCTL_CYCLES_SHIFT;
u8 vmctl_reason_stat[VMCTL_MAX_EXIT_REASONS] __read_mostly;

/* Reasons past VMCTL_MAX_EXIT_REASONS count only in the total. */
static u32 vmctl_nr_reasons(void)
{
	return min_t(u32, vmctl_backend->nr_exit_reasons, VMCTL_MAX_EXIT_REASONS);
}

/*
 * Exit timing reads the cycle counter, not ktime_get_ns(): where the
 * clocksource is not the TSC (HPET in the emulated test machines), two
 * clock reads per exit cost more than the exit itself.  The backend knows
 * the counter's rate; an unknown rate (0) counts cycles as ns.
 */
void vmctl_stats_init(void)
{
	unsigned int khz = vmctl_backend->cycles_khz();
	u32 i;

	if (khz)
		vmctl_cycles_mult = div_u64(1000000ULL << VMCTL_CYCLES_SHIFT, khz);
	for (i = 0; i < vmctl_nr_reasons(); i++)
		vmctl_reason_stat[i] = vmctl_class_stat[vmctl_backend->exit_reasons[i].class];
	vmctl_port_table_init();
}

/* One allocation: the structure, then the per-reason arrays. */
static size_t vmctl_vcpu_stats_size(u32 nr_reasons)
{
	return sizeof(struct vmctl_vcpu_stats) +
	       nr_reasons * (sizeof(u64) + VMCTL_LATENCY_BUCKETS * sizeof(u64));
}

struct vmctl_vcpu_stats *vmctl_vcpu_stats_alloc(void)
{
	u32 nr_reasons = vmctl_nr_reasons();
	struct vmctl_vcpu_stats *stats;

	stats = vmctl_zalloc_accounted(vmctl_vcpu_stats_size(nr_reasons));
	if (!stats)
		return NULL;
	stats->nr_reasons = nr_reasons;
	stats->exits_by_reason = (u64 *)(stats + 1);
	stats->latency = (void *)(stats->exits_by_reason + nr_reasons);
	return stats;
}

void vmctl_vcpu_stats_free(struct vmctl_vcpu_stats *stats)
{
	if (stats)
		vmctl_free_accounted(stats,
				     vmctl_vcpu_stats_size(stats->nr_reasons));
}

void vmctl_stats_run_begin(struct vmctl_vcpu *vcpu)
{
	struct vmctl_vcpu_stats *stats = vcpu->stats;

	vmctl_stat_add(&stats->counters[VMCTL_STAT_RUNS], 1);
	WRITE_ONCE(stats->state, VMCTL_VCPU_RUNNING);
	stats->last_cycles = get_cycles();
}

/*
 * ret is RUN's result: a refused RUN (-EINVAL after a shutdown) leaves the
 * previous exit in the run page, which must not count again.  Port I/O is
 * counted by range here, once per RUN rather than on the exit path, from
 * the port the backend wrote to the run page: every port exit reaches
 * user space.  The owner may change its run page meanwhile, and so skew
 * its own VM's ranges, nothing else.
 */
void vmctl_stats_run_end(struct vmctl_vcpu *vcpu, long ret, u32 exit_reason)
{
	struct vmctl_vcpu_stats *stats = vcpu->stats;
	u32 state = VMCTL_VCPU_STOPPED;

	if (!ret && exit_reason != VMCTL_EXIT_NONE)
		vmctl_stat_add(&stats->counters[VMCTL_STAT_USER_EXITS], 1);
#ifndef VMCTL_NO_STATS
	if (!ret && exit_reason == VMCTL_EXIT_IO) {
		unsigned int range = vmctl_port_range_of(READ_ONCE(vcpu->run->io.port));

		vmctl_stat_add(&stats->io_ports[range], 1);
	}
#endif
	if (exit_reason == VMCTL_EXIT_HLT)
		state = VMCTL_VCPU_HALTED;
	else if (exit_reason == VMCTL_EXIT_SHUTDOWN)
		state = VMCTL_VCPU_SHUTDOWN;
	WRITE_ONCE(stats->state, state);
}
