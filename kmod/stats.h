/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-vCPU statistics: the counters of enum vmctl_stat, exits by backend
 * exit reason and a latency histogram per reason.  Only the thread that
 * runs the vCPU (holding its run_lock) writes them, so the exit path takes
 * no lock and no atomic; readers (the netlink family) read each u64 with
 * READ_ONCE and may see one exit half counted, never a torn value.
 */
#ifndef VMCTL_KMOD_STATS_H
#define VMCTL_KMOD_STATS_H

#include <linux/bitops.h>
#include <linux/compiler.h>
#include <linux/math64.h>
#include <linux/minmax.h>
#include <linux/nospec.h>
#include <linux/timex.h>
#include <linux/types.h>
#include <linux/vmctl.h>

/* log2 buckets of host ns: the last one holds 2^23 ns (8 ms) and longer */
#define VMCTL_LATENCY_BUCKETS	24

/*
 * Port-I/O exits to user space by port range: a fixed table of the ranges
 * of the usual PC devices (vmctl_port_ranges[] in stats.c), the last entry
 * catching every other port.
 */
#define VMCTL_PORT_RANGES	10

struct vmctl_port_range {
	const char *name;
	u16 first, last;
};

extern const struct vmctl_port_range vmctl_port_ranges[VMCTL_PORT_RANGES];

struct vmctl_vcpu;

/* What kind of exit a backend's exit reason is, for the summary counters. */
enum vmctl_exit_class {
	VMCTL_EXIT_CLASS_OTHER,
	VMCTL_EXIT_CLASS_IO,
	VMCTL_EXIT_CLASS_MMIO,
	VMCTL_EXIT_CLASS_HYPERCALL,
	VMCTL_EXIT_CLASS_HALT,
};

/* A backend's exit reason as the statistics show it; name NULL: unused. */
struct vmctl_exit_reason_desc {
	const char *name;
	enum vmctl_exit_class class;
};

/* What a vCPU was last seen doing, for the VM's state. */
enum vmctl_vcpu_state {
	VMCTL_VCPU_CREATED,
	VMCTL_VCPU_RUNNING,
	VMCTL_VCPU_STOPPED,
	VMCTL_VCPU_HALTED,
	VMCTL_VCPU_SHUTDOWN,
};

struct vmctl_vcpu_stats {
	u64 counters[VMCTL_STAT_NR];
	u64 last_cycles;		/* start of RUN or end of the last exit */
	u32 state;			/* enum vmctl_vcpu_state */
	u32 nr_reasons;
	u64 *exits_by_reason;		/* [nr_reasons] */
	u64 (*latency)[VMCTL_LATENCY_BUCKETS];	/* [nr_reasons] */
	u64 io_ports[VMCTL_PORT_RANGES];	/* by vmctl_port_ranges[] */
};

/* One descriptor per counter of enum vmctl_stat. */
struct vmctl_stat_desc {
	const char *name;
	enum vmctl_stat_unit unit;
	enum vmctl_stat_kind kind;
};

extern const struct vmctl_stat_desc vmctl_stat_descs[VMCTL_STAT_NR];

struct vmctl_vcpu_stats *vmctl_vcpu_stats_alloc(void);
void vmctl_vcpu_stats_free(struct vmctl_vcpu_stats *stats);

/* Readers: one value, never torn. */
static inline u64 vmctl_stat_read(const u64 *counter)
{
	return READ_ONCE(*counter);
}

/* Writers: the vCPU's own thread only. */
static inline void vmctl_stat_add(u64 *counter, u64 delta)
{
	WRITE_ONCE(*counter, *counter + delta);
}

void vmctl_stats_init(void);
void vmctl_stats_run_begin(struct vmctl_vcpu *vcpu);
void vmctl_stats_run_end(struct vmctl_vcpu *vcpu, long ret, u32 exit_reason);

/*
 * The exit path's share, inline: it runs on every exit, in-kernel ones
 * included, and two calls cost more than what they count.  Set once at
 * load by vmctl_stats_init(), read on every exit:
 *   vmctl_cycles_mult: ns = cycles * vmctl_cycles_mult >> VMCTL_CYCLES_SHIFT
 *   vmctl_reason_stat: the summary counter of each backend exit reason
 *                      (VMCTL_STAT_NR: none)
 */
#define VMCTL_CYCLES_SHIFT	24
#define VMCTL_MAX_EXIT_REASONS	128

extern u32 vmctl_cycles_mult;
extern u8 vmctl_reason_stat[VMCTL_MAX_EXIT_REASONS];

static inline u64 vmctl_cycles_to_ns(u64 cycles)
{
	return mul_u64_u32_shr(cycles, vmctl_cycles_mult, VMCTL_CYCLES_SHIFT);
}

static inline unsigned int vmctl_latency_bucket(u64 ns)
{
	unsigned int bucket = ns ? fls64(ns) - 1 : 0;

	return min_t(unsigned int, bucket, VMCTL_LATENCY_BUCKETS - 1);
}

#ifdef VMCTL_NO_STATS
/* Built without counters (to measure their cost): the exit path as before. */
#define vmctl_stats_timed_exit(vcpu, reason, handling)	(handling)
#else
static __always_inline u64 vmctl_stats_exit_begin(struct vmctl_vcpu_stats *stats)
{
	u64 now = get_cycles();

	vmctl_stat_add(&stats->counters[VMCTL_STAT_GUEST_NS],
		       vmctl_cycles_to_ns(now - stats->last_cycles));
	return now;
}

static __always_inline void vmctl_stats_exit_end(struct vmctl_vcpu_stats *stats,
						 u32 reason, u64 begin)
{
	u64 now = get_cycles();
	u64 host_ns = vmctl_cycles_to_ns(now - begin);
	unsigned int counter;

	stats->last_cycles = now;
	vmctl_stat_add(&stats->counters[VMCTL_STAT_EXITS], 1);
	vmctl_stat_add(&stats->counters[VMCTL_STAT_HOST_NS], host_ns);
	/* A reason the backend does not describe counts only in the total. */
	if (reason >= stats->nr_reasons)
		return;
	reason = array_index_nospec(reason, stats->nr_reasons);
	vmctl_stat_add(&stats->exits_by_reason[reason], 1);
	vmctl_stat_add(&stats->latency[reason][vmctl_latency_bucket(host_ns)], 1);
	counter = vmctl_reason_stat[reason];
	if (counter < VMCTL_STAT_NR)
		vmctl_stat_add(&stats->counters[counter], 1);
}

/*
 * The backends' one hook: evaluates handling (the handling of one exit of
 * backend exit reason reason) and counts it, with the time since the
 * previous exit as guest time and the time handling took as host time.
 */
#define vmctl_stats_timed_exit(vcpu, reason, handling)			\
	({								\
		struct vmctl_vcpu_stats *__stats = (vcpu)->stats;	\
		u64 __begin = vmctl_stats_exit_begin(__stats);		\
		typeof(handling) __result = (handling);			\
		vmctl_stats_exit_end(__stats, reason, __begin);		\
		__result;						\
	})
#endif

#endif /* VMCTL_KMOD_STATS_H */
