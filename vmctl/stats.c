// SPDX-License-Identifier: GPL-2.0
/* vmctl list and vmctl stats: the module's statistics, for people and scripts. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "vmctl.h"

/* Prints a JSON string; names are printable ASCII, but be safe anyway. */
static void json_string(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			printf("\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			printf("\\u%04x", (unsigned char)*s);
		else
			putchar(*s);
	}
	putchar('"');
}

int stats_open_or_say(const char *prog, struct vmctl_stats **stats)
{
	int err = vmctl_stats_open(stats);

	if (err)
		fprintf(stderr, "%s: cannot read statistics: %s\n", prog,
			vmctl_strerror_call("vmctl_stats_open", err));
	return err;
}

static void print_list_json(const struct vmctl_vm_list *list)
{
	size_t i;

	printf("[");
	for (i = 0; i < list->count; i++) {
		const struct vmctl_vm_info *vm = &list->vms[i];

		printf("%s\n  {\"id\": %" PRIu32 ", \"name\": ", i ? "," : "", vm->id);
		json_string(vm->name);
		printf(", \"pid\": %" PRIu32 ", \"uid\": %" PRIu32 ", \"vcpus\": %" PRIu32
		       ", \"mem_bytes\": %" PRIu64 ", \"state\": \"%s\", \"created_ns\": %" PRIu64
		       ", \"exits\": %" PRIu64 "}",
		       vm->pid, vm->uid, vm->nr_vcpus, vm->mem_bytes,
		       vmctl_vm_state_name(vm->state), vm->created_ns,
		       vm->counters[VMCTL_STAT_EXITS]);
	}
	printf("%s]\n", list->count ? "\n" : "");
}

static void format_age(uint64_t created_ns, char *buf, size_t len)
{
	struct timespec now;
	uint64_t s;

	clock_gettime(CLOCK_REALTIME, &now);
	s = (uint64_t)now.tv_sec > created_ns / 1000000000 ?
	    (uint64_t)now.tv_sec - created_ns / 1000000000 : 0;
	if (s < 3600)
		snprintf(buf, len, "%" PRIu64 ":%02" PRIu64, s / 60, s % 60);
	else
		snprintf(buf, len, "%" PRIu64 "h%02" PRIu64, s / 3600, s / 60 % 60);
}

static const char list_help[] =
"usage: vmctl list [--json]\n"
"One line per VM this user may see (root sees all): id, name, creator's pid\n"
"and uid, vCPUs, guest memory, state, exits so far, age.\n";

int cmd_list(const char *prog, int argc, char **argv)
{
	struct vmctl_vm_list *list;
	struct vmctl_stats *stats;
	bool json = false;
	size_t i;
	int err;

	for (i = 0; i < (size_t)argc; i++) {
		if (strcmp(argv[i], "--json") == 0) {
			json = true;
		} else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			fputs(list_help, stdout);
			return STATUS_OK;
		} else {
			fprintf(stderr, "%s: list: unexpected argument '%s'\n%s", prog, argv[i],
				list_help);
			return STATUS_USAGE;
		}
	}
	if (stats_open_or_say(prog, &stats))
		return STATUS_FAILURE;
	err = vmctl_stats_list_vms(stats, &list);
	vmctl_stats_close(stats);
	if (err) {
		fprintf(stderr, "%s: cannot list VMs: %s\n", prog,
			vmctl_strerror_call("vmctl_stats_list_vms", err));
		return STATUS_FAILURE;
	}
	if (json) {
		print_list_json(list);
	} else {
		printf("%5s %-16s %7s %5s %5s %9s %-8s %12s %8s\n", "ID", "NAME", "PID", "UID",
		       "VCPUS", "MEM", "STATE", "EXITS", "AGE");
		for (i = 0; i < list->count; i++) {
			const struct vmctl_vm_info *vm = &list->vms[i];
			char age[32];

			format_age(vm->created_ns, age, sizeof(age));
			printf("%5" PRIu32 " %-16s %7" PRIu32 " %5" PRIu32 " %5" PRIu32 " %8" PRIu64
			       "K %-8s %12" PRIu64 " %8s\n", vm->id, vm->name[0] ? vm->name : "-",
			       vm->pid, vm->uid, vm->nr_vcpus, vm->mem_bytes >> 10,
			       vmctl_vm_state_name(vm->state), vm->counters[VMCTL_STAT_EXITS], age);
		}
	}
	free(list);
	return STATUS_OK;
}

/* ---- vmctl stats ---- */

struct stats_opts {
	bool json, verbose, latency;
	double watch;			/* seconds; 0: once */
	const char *vm;
};

static const char stats_help[] =
"usage: vmctl stats [--json] [-v] [--latency] [-w SECONDS] VM\n"
"Counters of one VM (its id, or its name) summed over its vCPUs, and its\n"
"exits by reason and its port-I/O exits by port range.\n"
"  --json            one JSON object (with -w: one per line)\n"
"  -v, --verbose     also each vCPU\n"
"  --latency         histograms of the host time handling each exit reason\n"
"  -w, --watch SECS  repeat every SECS seconds until interrupted\n";

/* Resolves VM (an id, or a name) to an id. */
static int find_vm(const char *prog, struct vmctl_stats *stats, const char *vm, uint32_t *id)
{
	struct vmctl_vm_list *list;
	char *end;
	unsigned long n;
	size_t i;
	int err;

	n = strtoul(vm, &end, 10);
	if (*vm && !*end && n <= UINT32_MAX) {
		*id = n;
		return 0;
	}
	err = vmctl_stats_list_vms(stats, &list);
	if (err) {
		fprintf(stderr, "%s: cannot list VMs: %s\n", prog,
			vmctl_strerror_call("vmctl_stats_list_vms", err));
		return err;
	}
	err = -ENOENT;
	for (i = 0; i < list->count; i++) {
		if (strcmp(list->vms[i].name, vm) == 0) {
			*id = list->vms[i].id;
			err = 0;
			break;
		}
	}
	free(list);
	if (err)
		fprintf(stderr, "%s: stats: no VM named '%s' visible to this user\n", prog, vm);
	return err;
}

/* "io_ports": {"com1": N, ...}, ranges without exits left out. */
static void json_io_ports(struct vmctl_stats *stats, const uint64_t *io_ports)
{
	const struct vmctl_port_range_info *range;
	bool first = true;
	unsigned int i;

	printf(", \"io_ports\": {");
	for (i = 0; (range = vmctl_stats_port_range(stats, i)); i++) {
		if (!io_ports[i])
			continue;
		printf("%s", first ? "" : ", ");
		json_string(range->name);
		printf(": %" PRIu64, io_ports[i]);
		first = false;
	}
	printf("}");
}

static void json_counters(struct vmctl_stats *stats, const uint64_t *counters,
			  const uint64_t *reasons)
{
	unsigned int i;
	bool first = true;

	printf("\"counters\": {");
	for (i = 0; i < VMCTL_STAT_NR; i++) {
		printf("%s", i ? ", " : "");
		json_string(vmctl_stats_counter_info(stats, i)->name);
		printf(": %" PRIu64, counters[i]);
	}
	printf("}, \"exit_reasons\": {");
	for (i = 0; i < VMCTL_STATS_MAX_REASONS; i++) {
		const char *name = vmctl_stats_exit_reason_name(stats, i);
		char fallback[16];

		if (!reasons[i])
			continue;
		if (!name) {
			snprintf(fallback, sizeof(fallback), "%u", i);
			name = fallback;
		}
		printf("%s", first ? "" : ", ");
		json_string(name);
		printf(": %" PRIu64, reasons[i]);
		first = false;
	}
	printf("}");
}

static void json_latency(struct vmctl_stats *stats, const struct vmctl_vcpu_info *vcpu)
{
	unsigned int r, b, nb = vmctl_stats_latency_buckets(stats);
	bool first = true;

	printf(", \"latency_log2_ns\": {");
	for (r = 0; r < VMCTL_STATS_MAX_REASONS; r++) {
		const char *name = vmctl_stats_exit_reason_name(stats, r);

		if (!vcpu->exit_reasons[r] || !name)
			continue;
		printf("%s", first ? "" : ", ");
		json_string(name);
		printf(": [");
		for (b = 0; b < nb; b++)
			printf("%s%" PRIu64, b ? ", " : "", vcpu->latency[r][b]);
		printf("]");
		first = false;
	}
	printf("}");
}

static void print_json(struct vmctl_stats *stats, const struct vmctl_vm_stats *s,
		       const struct stats_opts *o)
{
	const struct vmctl_vm_info *vm = &s->vm;
	size_t i;

	printf("{\"id\": %" PRIu32 ", \"name\": ", vm->id);
	json_string(vm->name);
	printf(", \"pid\": %" PRIu32 ", \"uid\": %" PRIu32 ", \"vcpus\": %" PRIu32
	       ", \"mem_bytes\": %" PRIu64 ", \"state\": \"%s\", \"created_ns\": %" PRIu64 ", ",
	       vm->pid, vm->uid, vm->nr_vcpus, vm->mem_bytes, vmctl_vm_state_name(vm->state),
	       vm->created_ns);
	json_counters(stats, vm->counters, vm->exit_reasons);
	json_io_ports(stats, vm->io_ports);
	if (o->verbose || o->latency) {
		printf(", \"vcpu_stats\": [");
		for (i = 0; i < s->nr_vcpus; i++) {
			printf("%s{\"vcpu\": %" PRIu32 ", ", i ? ", " : "", s->vcpus[i].vcpu_id);
			json_counters(stats, s->vcpus[i].counters, s->vcpus[i].exit_reasons);
			json_io_ports(stats, s->vcpus[i].io_ports);
			if (o->latency)
				json_latency(stats, &s->vcpus[i]);
			printf("}");
		}
		printf("]");
	}
	printf("}\n");
}

static void print_counter(struct vmctl_stats *stats, unsigned int i, uint64_t value)
{
	const struct vmctl_stat_info *info = vmctl_stats_counter_info(stats, i);

	printf("  %-22s %16" PRIu64 "%s\n", info->name, value,
	       info->unit == VMCTL_STAT_UNIT_NS ? " ns" :
	       info->unit == VMCTL_STAT_UNIT_BYTES ? " bytes" : "");
}

static void print_reasons(struct vmctl_stats *stats, const uint64_t *reasons)
{
	unsigned int r;

	for (r = 0; r < VMCTL_STATS_MAX_REASONS; r++) {
		const char *name = vmctl_stats_exit_reason_name(stats, r);

		if (!reasons[r])
			continue;
		if (name)
			printf("  %-22s %16" PRIu64 "\n", name, reasons[r]);
		else
			printf("  reason %-15u %16" PRIu64 "\n", r, reasons[r]);
	}
}

static void print_io_ports(struct vmctl_stats *stats, const uint64_t *io_ports)
{
	const struct vmctl_port_range_info *range;
	unsigned int i;
	char ports[24];

	for (i = 0; (range = vmctl_stats_port_range(stats, i)); i++) {
		if (!io_ports[i])
			continue;
		if (range->first == range->last)
			snprintf(ports, sizeof(ports), "0x%x", range->first);
		else
			snprintf(ports, sizeof(ports), "0x%x-0x%x", range->first, range->last);
		printf("  %-10s %-11s %16" PRIu64 "\n", range->name,
		       vmctl_stats_port_range(stats, i + 1) ? ports : "rest", io_ports[i]);
	}
}

/* Bucket b's lower bound as "512ns", "4us", "2ms". */
static void bucket_label(unsigned int b, char *buf, size_t len)
{
	uint64_t ns = b ? 1ULL << b : 0;

	if (ns < 1000)
		snprintf(buf, len, "%" PRIu64 "ns", ns);
	else if (ns < 1000000)
		snprintf(buf, len, "%" PRIu64 "us", ns / 1000);
	else
		snprintf(buf, len, "%" PRIu64 "ms", ns / 1000000);
}

/* The histogram of each reason, summed over vCPUs, as text bars. */
static void print_latency(struct vmctl_stats *stats, const struct vmctl_vm_stats *s)
{
	unsigned int r, b, nb = vmctl_stats_latency_buckets(stats);
	uint64_t sum[VMCTL_STATS_MAX_BUCKETS];
	size_t i;

	for (r = 0; r < VMCTL_STATS_MAX_REASONS; r++) {
		const char *name = vmctl_stats_exit_reason_name(stats, r);
		unsigned int lo = nb, hi = 0;
		uint64_t max = 0;

		if (!s->vm.exit_reasons[r] || !name)
			continue;
		memset(sum, 0, sizeof(sum));
		for (i = 0; i < s->nr_vcpus; i++)
			for (b = 0; b < nb; b++)
				sum[b] += s->vcpus[i].latency[r][b];
		for (b = 0; b < nb; b++) {
			if (!sum[b])
				continue;
			lo = lo < b ? lo : b;
			hi = b;
			max = max > sum[b] ? max : sum[b];
		}
		printf("\nlatency of %s (host time handling one exit):\n", name);
		for (b = lo; b <= hi && b < nb; b++) {
			char from[16], to[16];
			int bar = max ? (int)((sum[b] * 40 + max - 1) / max) : 0;

			bucket_label(b, from, sizeof(from));
			bucket_label(b + 1, to, sizeof(to));
			if (b == nb - 1)
				snprintf(to, sizeof(to), "...");
			printf("  %6s - %-6s %-40.*s %" PRIu64 "\n", from, to, bar,
			       "########################################", sum[b]);
		}
	}
}

static void print_text(struct vmctl_stats *stats, const struct vmctl_vm_stats *s,
		       const struct stats_opts *o)
{
	const struct vmctl_vm_info *vm = &s->vm;
	unsigned int i;
	size_t v;

	printf("VM %" PRIu32 " %s: pid %" PRIu32 ", uid %" PRIu32 ", %" PRIu32 " vCPU%s, %" PRIu64
	       " KiB, %s\n", vm->id, vm->name[0] ? vm->name : "(no name)", vm->pid, vm->uid,
	       vm->nr_vcpus, vm->nr_vcpus == 1 ? "" : "s", vm->mem_bytes >> 10,
	       vmctl_vm_state_name(vm->state));
	printf("counters:\n");
	for (i = 0; i < VMCTL_STAT_NR; i++)
		print_counter(stats, i, vm->counters[i]);
	printf("exits by reason:\n");
	print_reasons(stats, vm->exit_reasons);
	printf("port-I/O exits by port range:\n");
	print_io_ports(stats, vm->io_ports);
	for (v = 0; o->verbose && v < s->nr_vcpus; v++) {
		printf("vCPU %" PRIu32 ":\n", s->vcpus[v].vcpu_id);
		for (i = 0; i < VMCTL_STAT_NR; i++)
			print_counter(stats, i, s->vcpus[v].counters[i]);
		print_reasons(stats, s->vcpus[v].exit_reasons);
		print_io_ports(stats, s->vcpus[v].io_ports);
	}
	if (o->latency)
		print_latency(stats, s);
}

static int parse_stats_opts(const char *prog, int argc, char **argv, struct stats_opts *o)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "latency", no_argument, NULL, 'l' },
		{ "watch", required_argument, NULL, 'w' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char *end;
	int c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+vw:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'j':
			o->json = true;
			break;
		case 'v':
			o->verbose = true;
			break;
		case 'l':
			o->latency = true;
			break;
		case 'w':
			o->watch = strtod(optarg, &end);
			if (*end || !(o->watch >= 0.1 && o->watch <= 3600)) {
				fprintf(stderr, "%s: stats: -w wants seconds from 0.1 to 3600, not '%s'\n",
					prog, optarg);
				return STATUS_USAGE;
			}
			break;
		case 'h':
			fputs(stats_help, stdout);
			return -1;
		default:
			fprintf(stderr, "%s: stats: unknown option '%s'\n%s", prog, argv[optind - 1],
				stats_help);
			return STATUS_USAGE;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "%s: stats: name exactly one VM\n%s", prog, stats_help);
		return STATUS_USAGE;
	}
	o->vm = argv[optind];
	return 0;
}

int cmd_stats(const char *prog, int argc, char **argv)
{
	struct stats_opts o = { 0 };
	struct vmctl_stats *stats;
	struct vmctl_vm_stats *s;
	uint32_t id;
	int ret, err;

	/* getopt wants argv[0] to be the command. */
	ret = parse_stats_opts(prog, argc + 1, argv - 1, &o);
	if (ret)
		return ret < 0 ? STATUS_OK : ret;
	if (stats_open_or_say(prog, &stats))
		return STATUS_FAILURE;
	ret = STATUS_FAILURE;
	if (find_vm(prog, stats, o.vm, &id))
		goto out;
	for (;;) {
		err = vmctl_stats_read_vm(stats, id, &s);
		if (err) {
			fprintf(stderr, "%s: stats: VM %s: %s\n", prog, o.vm,
				vmctl_strerror_call("vmctl_stats_read_vm", err));
			goto out;
		}
		if (o.json)
			print_json(stats, s, &o);
		else
			print_text(stats, s, &o);
		free(s);
		fflush(stdout);
		if (!o.watch)
			break;
		usleep((useconds_t)(o.watch * 1e6));
		if (!o.json)
			printf("\n");
	}
	ret = STATUS_OK;
out:
	vmctl_stats_close(stats);
	return ret;
}
