// SPDX-License-Identifier: GPL-2.0
/*
 * vmctl-bench: runs the bench's rows on one hypervisor, or reports.
 *
 *   vmctl-bench run vmctl|kvm [--round N] [--quick]
 *       Measures every row on the hypervisor that is loaded now (vmctl:
 *       through libvmctl and through raw ioctls, interleaved; kvm: the
 *       minimal KVM client) and prints one result line per sample.
 *   vmctl-bench report --rounds R [--json FILE] RESULTS
 *       Prints the table (medians, spread, ratios) and writes the JSON;
 *       fails, printing no number, unless both hypervisors ran every row
 *       in every round.
 *   vmctl-bench check vmctl|kvm --rounds R RESULTS
 *       Exit status 0 when that hypervisor's sides ran every row.
 *   vmctl-bench rows
 *       The row ids, one a line.
 *
 * Result lines (the interface between `run` and `report`):
 *   meta KEY VALUE...
 *   sample ROW SIDE ROUND VALUE
 *   part ROW SIDE ROUND NAME VALUE   where a sample's value comes from
 *   unsupported ROW SIDE REASON...   a feature vmctl does not have yet
 *   error ROW SIDE MESSAGE...        ROW "-" for the whole side
 *   done HYPERVISOR ROUND            the run got to its end
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <x86intrin.h>

#include "bench.h"

static void usage(void)
{
	fprintf(stderr,
		"usage: vmctl-bench run vmctl|kvm [--round N] [--quick]\n"
		"       vmctl-bench report --rounds R [--json FILE] RESULTS\n"
		"       vmctl-bench check vmctl|kvm --rounds R RESULTS\n"
		"       vmctl-bench rows\n");
	exit(2);
}

/*
 * The rate of the TSC the guests read (the host's, plus an offset), found
 * against CLOCK_MONOTONIC over 100 ms: the kernel does not export its own
 * figure, and in an emulated PC both clocks are exact.
 */
static double tsc_khz(void)
{
	uint64_t t0 = now_ns(), c0 = __rdtsc(), t1, c1;

	do
		t1 = now_ns();
	while (t1 - t0 < 100000000ULL);
	c1 = __rdtsc();
	return (double)(c1 - c0) * 1e6 / (double)(t1 - t0);
}

static void print_cpu_model(void)
{
	char line[256];
	FILE *f = fopen("/proc/cpuinfo", "r");

	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *v = strchr(line, ':');

		if (strncmp(line, "model name", 10) || !v)
			continue;
		v += 1 + strspn(v + 1, " \t");
		v[strcspn(v, "\n")] = '\0';
		printf("meta cpu_model %s\n", v);
		break;
	}
	fclose(f);
}

/* KVM's module parameters that shape its exit paths, for the record. */
static void print_kvm_params(void)
{
	static const char *const names[] = {
		"ept", "vpid", "unrestricted_guest", "enable_apicv", "preemption_timer",
		"pml", "enable_shadow_vmcs", "nested",
	};
	char path[128], val[32];
	unsigned int i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		FILE *f;

		snprintf(path, sizeof(path), "/sys/module/kvm_intel/parameters/%s", names[i]);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (fgets(val, sizeof(val), f)) {
			val[strcspn(val, "\n")] = '\0';
			printf("meta kvm_intel.%s %s\n", names[i], val);
		}
		fclose(f);
	}
}

/* Keeps a message on one result line. */
static const char *one_line(char *msg)
{
	char *p;

	for (p = msg; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	return msg[0] ? msg : "failed without a message";
}

static int cmd_run(int argc, char **argv)
{
	static const struct side_ops *const vmctl_sides[] = { &side_vmctl_lib, &side_vmctl_raw };
	static const struct side_ops *const kvm_sides[] = { &side_kvm };
	const struct side_ops *const *ops;
	struct side sides[2];
	struct config c = {
		.iterations = 10000, .repeats = 3, .lifecycle_cycles = 10,
		.touch_size = 256ULL << 20, .idle_vms = 32,
	};
	unsigned int nsides, round = 1, i, rep, k, j;
	const char *hv;
	struct utsname u;
	int status = 0;

	if (argc < 1)
		usage();
	hv = argv[0];
	if (!strcmp(hv, "vmctl")) {
		ops = vmctl_sides;
		nsides = 2;
	} else if (!strcmp(hv, "kvm")) {
		ops = kvm_sides;
		nsides = 1;
	} else {
		usage();
	}
	for (i = 1; i < (unsigned int)argc; i++) {
		if (!strcmp(argv[i], "--round") && i + 1 < (unsigned int)argc) {
			round = strtoul(argv[++i], NULL, 10);
		} else if (!strcmp(argv[i], "--quick")) {
			/* Every path once more than trivially, in a few seconds. */
			c.iterations = 1000;
			c.repeats = 1;
			c.lifecycle_cycles = 2;
			c.touch_size = 32ULL << 20;
			c.idle_vms = 8;
		} else {
			usage();
		}
	}
	setvbuf(stdout, NULL, _IOLBF, 0);

	c.tsc_khz = tsc_khz();
	printf("meta tsc_khz %.0f\n", c.tsc_khz);
	if (uname(&u) == 0)
		printf("meta kernel %s\n", u.release);
	print_cpu_model();
	printf("meta iterations %u\nmeta repeats %u\nmeta lifecycle_cycles %u\n"
	       "meta touch_mib %llu\nmeta idle_vms %u\n", c.iterations, c.repeats,
	       c.lifecycle_cycles, (unsigned long long)(c.touch_size >> 20), c.idle_vms);
	if (!strcmp(hv, "kvm"))
		print_kvm_params();

	for (k = 0; k < nsides; k++) {
		memset(&sides[k], 0, sizeof(sides[k]));
		sides[k].ops = ops[k];
		sides[k].sys_fd = -1;
		if (ops[k]->open(&sides[k])) {
			printf("error - %s %s\n", ops[k]->name, one_line(sides[k].error));
			status = 1;
		}
	}
	for (i = 0; i < nr_rows; i++) {
		const struct row *r = &rows[i];
		bool failed[2] = { false, false };

		/* Samples of the sides alternate, so that drift hits all alike. */
		for (rep = 0; rep < c.repeats; rep++) {
			for (k = 0; k < nsides; k++) {
				struct side *s = &sides[k];
				struct sample smp = { 0 };
				const char *why;

				/* A side that could not open was reported once. */
				if (s->error[0] || failed[k])
					continue;
				why = r->measure == measure_loop ?
					s->ops->unsupported(s, r->kind) : NULL;
				if (why) {
					if (rep == 0)
						printf("unsupported %s %s %s\n", r->id,
						       s->ops->name, why);
					continue;
				}
				if (r->measure(s, r, &c, &smp)) {
					printf("error %s %s %s\n", r->id, s->ops->name,
					       one_line(s->error));
					/* The next row starts afresh. */
					s->error[0] = '\0';
					failed[k] = true;
					status = 1;
					continue;
				}
				printf("sample %s %s %u %.6g\n", r->id, s->ops->name,
				       round, smp.value);
				for (j = 0; j < smp.nparts; j++)
					printf("part %s %s %u %s %.6g\n", r->id, s->ops->name,
					       round, smp.parts[j].name, smp.parts[j].value);
			}
		}
	}
	for (k = 0; k < nsides; k++)
		ops[k]->close(&sides[k]);
	printf("done %s %u\n", hv, round);
	return status;
}

int main(int argc, char **argv)
{
	struct report_opts o = { 0 };
	const char *results = NULL, *hv = NULL;
	bool check;
	int i;

	if (argc < 2)
		usage();
	if (!strcmp(argv[1], "run"))
		return cmd_run(argc - 2, argv + 2);
	if (!strcmp(argv[1], "rows")) {
		for (i = 0; i < (int)nr_rows; i++)
			printf("%s\n", rows[i].id);
		return 0;
	}
	check = !strcmp(argv[1], "check");
	if (!check && strcmp(argv[1], "report"))
		usage();
	i = 2;
	if (check) {
		if (argc < 3)
			usage();
		hv = argv[i++];
	}
	for (; i < argc; i++) {
		if (!strcmp(argv[i], "--rounds") && i + 1 < argc)
			o.rounds = strtoul(argv[++i], NULL, 10);
		else if (!check && !strcmp(argv[i], "--json") && i + 1 < argc)
			o.json_path = argv[++i];
		else if (argv[i][0] != '-' && !results)
			results = argv[i];
		else
			usage();
	}
	if (!results || o.rounds == 0)
		usage();
	if (check)
		return check_side(results, hv, o.rounds) ? 1 : 0;
	return report(results, &o) ? 1 : 0;
}
