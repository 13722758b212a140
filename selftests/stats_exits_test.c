// SPDX-License-Identifier: GPL-2.0
/*
 * Exact counters for every kind of exit a device model sees: a guest makes
 * N port writes, M MMIO accesses (writes and reads to memory no slot
 * backs, answered by a libvmctl MMIO handler), K VMCALLs (answered by a
 * hypercall handler) and takes J interrupts the host injects while its IF
 * is set.  Two vCPUs run it, one after the other, each with its own plan.
 * The counts are this file's, written into the guests before they run;
 * the handlers and the guests' own records first prove that each guest
 * did as told, then io_exits, mmio_exits, hypercalls and injected_irqs
 * must match the plans exactly, per vCPU and summed per VM, through
 * libvmctl (netlink), `vmctl stats --json -v` and `vmtop -b --json` (which
 * shows the per-VM totals beside its rates; it has no per-vCPU view).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "guests_stats.h"
#include "test_util.h"

/*
 * What each vCPU's guest is to do; not all equal, within a vCPU or across,
 * so that one counter or vCPU standing in for another shows.
 */
static const uint32_t plan[2][STATS_NR_COUNTS] = {
	{
		[STATS_OUTS]		= 37,
		[STATS_MMIO_WRITES]	= 23,
		[STATS_MMIO_READS]	= 19,
		[STATS_HYPERCALLS]	= 29,
		[STATS_IRQS]		= 11,
	}, {
		[STATS_OUTS]		= 5,
		[STATS_MMIO_WRITES]	= 8,
		[STATS_MMIO_READS]	= 2,
		[STATS_HYPERCALLS]	= 13,
		[STATS_IRQS]		= 3,
	},
};

/* Where each vCPU's copy of the guest and its stack are. */
static const uint64_t load_gpa[2] = { GUEST_LOAD_ADDR, 0x20000 };
static const uint64_t stack_top[2] = { GUEST_STACK_TOP, 0x70000 };

#define MEM_SIZE	(4 << 20)
#define MAP_SIZE	(8 << 20)	/* covers STATS_MMIO_GPA */
#define MMIO_VALUE	0x1001		/* what every MMIO read returns */
#define HC_ANSWER	0x77		/* what every hypercall returns */
#define VM_NAME		"stats-exits"

/* What the handlers saw. */
struct seen {
	uint64_t outs, mmio_writes, mmio_reads, hypercalls, bad;
};

static int on_pio(struct vmctl_vcpu *vcpu, uint16_t port, uint32_t *data,
		  unsigned int size, bool is_write, void *opaque)
{
	struct seen *s = opaque;

	(void)vcpu, (void)data;
	if (port == STATS_PORT && size == 1 && is_write)
		s->outs++;
	else
		s->bad++;
	return 0;
}

static int on_mmio(struct vmctl_vcpu *vcpu, uint64_t addr, void *data, unsigned int len,
		   bool is_write, void *opaque)
{
	uint32_t value = MMIO_VALUE;
	struct seen *s = opaque;

	(void)vcpu;
	if (addr != STATS_MMIO_GPA || len != 4) {
		s->bad++;
		return -EINVAL;
	}
	if (is_write) {
		s->mmio_writes++;
	} else {
		s->mmio_reads++;
		memcpy(data, &value, sizeof(value));
	}
	return 0;
}

static int on_hypercall(struct vmctl_vcpu *vcpu, uint64_t nr, const uint64_t args[4],
			uint64_t *ret, void *opaque)
{
	struct seen *s = opaque;

	(void)vcpu, (void)args;
	if (nr != STATS_HC_NR) {
		s->bad++;
		return -ENOSYS;
	}
	s->hypercalls++;
	*ret = HC_ANSWER;
	return 0;
}

/* A record of vCPU n's copy of the guest. */
static uint64_t record(struct tvm *t, unsigned int n, const uint8_t *label)
{
	uint64_t v;

	memcpy(&v, t->mem + load_gpa[n] + (label - stats_mix_begin), sizeof(v));
	return v;
}

static void start_guest(struct tvm *t, struct vmctl_vcpu *vcpu, unsigned int n)
{
	struct vmctl_long_mode lm = {
		.tables_gpa = GUEST_TABLES,
		.map_size = MAP_SIZE,
		.entry = load_gpa[n],
		.stack = stack_top[n],
	};
	unsigned int i;
	int err;

	err = vmctl_vm_write(t->vm, load_gpa[n], stats_mix_begin,
			     stats_mix_end - stats_mix_begin);
	if (!err)
		err = vmctl_vcpu_setup_long_mode(vcpu, &lm);
	if (err)
		tap_bail("loading vCPU %u's guest: %s", n, vmctl_strerror(err));
	for (i = 0; i < STATS_NR_COUNTS; i++)
		guest_write32(t->mem + load_gpa[n] + (stats_mix_counts - stats_mix_begin) + 4 * i,
			      plan[n][i]);
}

/* Runs a guest to its HLT, injecting one interrupt at each SYNC. */
static void run_guest(struct vmctl_vcpu *vcpu, unsigned int *syncs, unsigned int *dones)
{
	struct vmctl_exit exit;
	struct ucall uc;
	int err;

	for (;;) {
		err = vmctl_vcpu_run_loop(vcpu, &exit);
		if (err)
			tap_bail("run: %s", vmctl_strerror(err));
		if (exit.reason == VMCTL_EXIT_HLT)
			return;
		if (!ucall_get(vcpu, &exit, &uc))
			tap_bail("unexpected exit: %s", exit.message);
		if (uc.code == UCALL_DONE) {
			++*dones;
			continue;
		}
		if (uc.code != UCALL_SYNC)
			tap_bail("unexpected ucall %u", uc.code);
		++*syncs;
		err = vmctl_vcpu_interrupt(vcpu, STATS_IRQ_VECTOR);
		if (err)
			tap_bail("vmctl_vcpu_interrupt: %s", vmctl_strerror(err));
	}
}

/*
 * Runs vCPU n's guest (one after the other: the handlers' counts are
 * then vCPU n's alone) and checks that it did as planned.
 */
static void run_and_check(struct tvm *t, struct vmctl_vcpu *vcpu, unsigned int n,
			  struct seen *seen)
{
	const uint32_t *p = plan[n];
	unsigned int syncs = 0, dones = 0;

	memset(seen, 0, sizeof(*seen));
	run_guest(vcpu, &syncs, &dones);
	tap_ok(seen->outs == p[STATS_OUTS] && seen->mmio_writes == p[STATS_MMIO_WRITES] &&
	       seen->mmio_reads == p[STATS_MMIO_READS] &&
	       seen->hypercalls == p[STATS_HYPERCALLS] && !seen->bad,
	       "vCPU %u's handlers: %" PRIu64 " OUTs, %" PRIu64 " MMIO writes, %" PRIu64
	       " MMIO reads, %" PRIu64 " hypercalls, %" PRIu64 " strays", n, seen->outs,
	       seen->mmio_writes, seen->mmio_reads, seen->hypercalls, seen->bad);
	tap_ok(record(t, n, stats_mix_read_sum) == (uint64_t)p[STATS_MMIO_READS] * MMIO_VALUE &&
	       record(t, n, stats_mix_hc_sum) == (uint64_t)p[STATS_HYPERCALLS] * HC_ANSWER,
	       "vCPU %u's guest read every MMIO value and hypercall answer given", n);
	tap_ok(syncs == p[STATS_IRQS] && dones == 1 &&
	       record(t, n, stats_mix_irq_count) == p[STATS_IRQS],
	       "vCPU %u: %u interrupts injected at %u SYNCs, the guest's handler took %" PRIu64,
	       n, p[STATS_IRQS], syncs, record(t, n, stats_mix_irq_count));
}

/* The four counters checked, as the plan for vCPU n (or both, n = 2) wants them. */
static void planned(unsigned int n, uint64_t want[4])
{
	unsigned int i;

	memset(want, 0, 4 * sizeof(*want));
	for (i = 0; i < 2; i++) {
		if (n != 2 && n != i)
			continue;
		/* Every ucall is a port write too: one SYNC per interrupt, one DONE. */
		want[0] += plan[i][STATS_OUTS] + plan[i][STATS_IRQS] + 1;
		want[1] += plan[i][STATS_MMIO_WRITES] + plan[i][STATS_MMIO_READS];
		want[2] += plan[i][STATS_HYPERCALLS];
		want[3] += plan[i][STATS_IRQS];
	}
}

/* The value of "key" in the nth (from 0) "counters" object of json, or -1. */
static int64_t json_counter(const char *json, unsigned int nth, const char *key)
{
	const char *obj = json, *end, *at;
	char needle[64];

	for (;;) {
		obj = strstr(obj, "\"counters\": {");
		if (!obj)
			return -1;
		if (!nth--)
			break;
		obj++;
	}
	end = strchr(obj, '}');
	snprintf(needle, sizeof(needle), "\"%s\": ", key);
	at = strstr(obj, needle);
	if (!at || !end || at > end)
		return -1;
	return strtoll(at + strlen(needle), NULL, 10);
}

/* Runs cmd; its output in buf, its exit status the result. */
static int run_cmd(const char *cmd, char *buf, size_t size)
{
	FILE *p = popen(cmd, "r");
	size_t len = p ? fread(buf, 1, size - 1, p) : 0;

	buf[len] = '\0';
	return p ? pclose(p) : -1;
}

static const char *const counter_names[] = {
	"io_exits", "mmio_exits", "hypercalls", "injected_irqs",
};

/* Checks the four counters of the nth "counters" object against want. */
static void check_json(const char *what, const char *json, unsigned int nth,
		       const uint64_t want[4])
{
	unsigned int i, wrong = 0;
	int64_t got[4];

	for (i = 0; i < 4; i++) {
		got[i] = json_counter(json, nth, counter_names[i]);
		wrong += got[i] < 0 || (uint64_t)got[i] != want[i];
	}
	tap_ok(!wrong, "%s: io_exits %" PRId64 ", mmio_exits %" PRId64 ", hypercalls %"
	       PRId64 ", injected_irqs %" PRId64 " (want %" PRIu64 ", %" PRIu64 ", %" PRIu64
	       ", %" PRIu64 ")", what, got[0], got[1], got[2], got[3], want[0], want[1],
	       want[2], want[3]);
}

static void check_counters(const char *what, const uint64_t *counters, const uint64_t want[4])
{
	uint64_t got[4] = {
		counters[VMCTL_STAT_IO_EXITS], counters[VMCTL_STAT_MMIO_EXITS],
		counters[VMCTL_STAT_HYPERCALLS], counters[VMCTL_STAT_INJECTED_IRQS],
	};

	tap_ok(!memcmp(got, want, sizeof(got)),
	       "%s: io_exits %" PRIu64 ", mmio_exits %" PRIu64 ", hypercalls %" PRIu64
	       ", injected_irqs %" PRIu64 " (want %" PRIu64 ", %" PRIu64 ", %" PRIu64 ", %"
	       PRIu64 ")", what, got[0], got[1], got[2], got[3], want[0], want[1], want[2],
	       want[3]);
}

int main(void)
{
	uint64_t want[3][4];
	unsigned int r, n, io_reason = 0, ept_reason = 0, vmcall_reason = 0;
	struct vmctl_vm_stats *s = NULL;
	struct vmctl_vcpu *vcpus[2];
	struct vmctl_stats *stats;
	struct vmctl_vm_list *list;
	struct seen seen;
	char cmd[128], json[16384];
	long id = -1;
	struct tvm t;
	size_t i;
	int err;

	tap_plan(15);
	err = vmctl_stats_open(&stats);
	if (err)
		tap_bail("no statistics family: %s", vmctl_strerror_call("vmctl_stats_open", err));
	tvm_create(&t, MEM_SIZE);
	vcpus[0] = t.vcpu;
	err = vmctl_vcpu_create(t.vm, 1, &vcpus[1]);
	if (!err)
		err = vmctl_vm_set_name(t.vm, VM_NAME);
	if (!err)
		err = vmctl_vm_pio_register(t.vm, STATS_PORT, 1, on_pio, &seen);
	if (!err)
		err = vmctl_vm_mmio_register(t.vm, STATS_MMIO_GPA, 0x1000, on_mmio, &seen);
	if (!err)
		err = vmctl_vm_hypercall_register(t.vm, on_hypercall, &seen);
	if (err)
		tap_bail("setting up the VM: %s", vmctl_strerror(err));
	for (n = 0; n < 2; n++) {
		start_guest(&t, vcpus[n], n);
		run_and_check(&t, vcpus[n], n, &seen);
		planned(n, want[n]);
	}
	planned(2, want[2]);

	err = vmctl_stats_list_vms(stats, &list);
	for (i = 0; !err && i < list->count; i++)
		if (strcmp(list->vms[i].name, VM_NAME) == 0 &&
		    list->vms[i].pid == (uint32_t)getpid())
			id = list->vms[i].id;
	if (!err)
		free(list);
	err = id >= 0 ? vmctl_stats_read_vm(stats, id, &s) : -ENOENT;
	if (err || s->nr_vcpus != 2)
		tap_bail("no statistics of %s's two vCPUs: %d", VM_NAME, err);
	check_counters("netlink, VM", s->vm.counters, want[2]);
	for (n = 0; n < 2; n++) {
		/* vcpus[] comes in the module's order; find each by its id. */
		for (i = 0; i < s->nr_vcpus && s->vcpus[i].vcpu_id != n; i++)
			;
		if (i == s->nr_vcpus)
			tap_bail("no statistics of vCPU %u", n);
		snprintf(cmd, sizeof(cmd), "netlink, vCPU %u", n);
		check_counters(cmd, s->vcpus[i].counters, want[n]);
	}
	tap_ok(s->vm.counters[VMCTL_STAT_HALTS] == 2 &&
	       s->vm.counters[VMCTL_STAT_INJECTED_EXCEPTIONS] == 0,
	       "one halt per vCPU, no injected exception (%" PRIu64 ", %" PRIu64 ")",
	       s->vm.counters[VMCTL_STAT_HALTS],
	       s->vm.counters[VMCTL_STAT_INJECTED_EXCEPTIONS]);

	for (r = 0; r < VMCTL_STATS_MAX_REASONS; r++) {
		const char *name = vmctl_stats_exit_reason_name(stats, r);

		if (!name)
			continue;
		if (strcmp(name, "IO_INSTRUCTION") == 0)
			io_reason = r;
		else if (strcmp(name, "EPT_VIOLATION") == 0)
			ept_reason = r;
		else if (strcmp(name, "VMCALL") == 0)
			vmcall_reason = r;
	}
	tap_ok(io_reason && ept_reason && vmcall_reason &&
	       s->vm.exit_reasons[io_reason] == want[2][0] &&
	       s->vm.exit_reasons[ept_reason] == want[2][1] &&
	       s->vm.exit_reasons[vmcall_reason] == want[2][2],
	       "exits by reason: IO_INSTRUCTION %" PRIu64 ", EPT_VIOLATION %" PRIu64
	       ", VMCALL %" PRIu64, s->vm.exit_reasons[io_reason],
	       s->vm.exit_reasons[ept_reason], s->vm.exit_reasons[vmcall_reason]);

	/* The VM's counters come first, then each of vcpu_stats[]'s. */
	snprintf(cmd, sizeof(cmd), "bin/vmctl stats --json -v %ld", id);
	err = run_cmd(cmd, json, sizeof(json));
	if (err)
		tap_diag("%s: status %d: %s", cmd, err, json);
	check_json("vmctl stats --json, VM", json, 0, want[2]);
	for (n = 0; n < 2; n++) {
		snprintf(cmd, sizeof(cmd), "vmctl stats --json -v, vCPU %u", s->vcpus[n].vcpu_id);
		check_json(cmd, json, n + 1, want[s->vcpus[n].vcpu_id]);
	}

	err = run_cmd("bin/vmtop -b -n 1 -d 0.1 --json -N " VM_NAME, json, sizeof(json));
	if (err || !strstr(json, "\"name\": \"" VM_NAME "\""))
		tap_diag("vmtop: status %d: %s", err, json);
	check_json("vmtop -b -n 1 --json, VM", json, 0, want[2]);

	free(s);
	vmctl_vcpu_destroy(vcpus[1]);
	tvm_destroy(&t);
	vmctl_stats_close(stats);
	return tap_finish();
}
