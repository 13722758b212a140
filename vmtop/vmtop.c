// SPDX-License-Identifier: GPL-2.0
/*
 * vmtop: the top-like monitor of vmctl VMs, over libvmctl's statistics.
 *
 * The model (model.c) fetches, computes rates and sorts; this file holds
 * the command line and batch mode (-b), which prints text, CSV or JSON for
 * scripts like top -b; screen.c draws the interactive screen.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <regex.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "vmtop.h"

static const char *prog = "vmtop";

/* -R: the VM's exits by the reasons that match, since creation. */
static void print_reasons(const struct monitor *m, const struct row *r, bool json)
{
	bool first = true;
	unsigned int i;

	for (i = 0; i < VMCTL_STATS_MAX_REASONS; i++) {
		const char *name = vmctl_stats_exit_reason_name(m->stats, i);

		if (!name || !r->info.exit_reasons[i] || !reason_wanted(m, name))
			continue;
		if (json)
			printf("%s\"%s\": %" PRIu64, first ? "" : ", ", name, r->info.exit_reasons[i]);
		else
			printf("%s%s %" PRIu64, first ? "      reasons: " : ", ", name,
			       r->info.exit_reasons[i]);
		first = false;
	}
	if (!json && !first)
		printf("\n");
}

static void print_json_string(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			putchar('\\');
		putchar(*s);
	}
	putchar('"');
}

static void batch_print(struct monitor *m, unsigned long iteration)
{
	char line[512];
	size_t i;
	int c;

	if (m->opt.json) {
		printf("{\"time\": %ld, \"interval\": %.3f, \"vms\": [", (long)time(NULL), m->elapsed);
		for (i = 0; i < m->nrows; i++) {
			const struct row *r = &m->rows[i];

			printf("%s{\"id\": %" PRIu32 ", \"name\": ", i ? ", " : "", r->info.id);
			print_json_string(r->info.name);
			printf(", \"pid\": %" PRIu32 ", \"vcpus\": %" PRIu32 ", \"mem_bytes\": %" PRIu64
			       ", \"state\": \"%s\", \"exits_per_s\": %.1f, \"io_per_s\": %.1f"
			       ", \"mmio_per_s\": %.1f, \"hlt_per_s\": %.1f, \"guest_pct\": %.1f"
			       ", \"counters\": {", r->info.pid, r->info.nr_vcpus, r->info.mem_bytes,
			       vmctl_vm_state_name(r->info.state), r->exits, r->io, r->mmio, r->hlt,
			       r->guest_pct);
			for (c = 0; c < VMCTL_STAT_NR; c++)
				printf("%s\"%s\": %" PRIu64, c ? ", " : "",
				       vmctl_stats_counter_info(m->stats, c)->name,
				       r->info.counters[c]);
			printf("}");
			if (m->opt.have_reason_re) {
				printf(", \"exit_reasons\": {");
				print_reasons(m, r, true);
				printf("}");
			}
			printf("}");
		}
		printf("]}\n");
	} else if (m->opt.csv) {
		if (iteration == 0) {
			printf("time,id,name,pid,vcpus,mem_bytes,state,exits_per_s,io_per_s,"
			       "mmio_per_s,hlt_per_s,guest_pct");
			for (c = 0; c < VMCTL_STAT_NR; c++)
				printf(",%s", vmctl_stats_counter_info(m->stats, c)->name);
			printf("\n");
		}
		for (i = 0; i < m->nrows; i++) {
			const struct row *r = &m->rows[i];

			/* Names are printable ASCII; quote them, doubling quotes. */
			printf("%ld,%" PRIu32 ",\"", (long)time(NULL), r->info.id);
			for (c = 0; r->info.name[c]; c++)
				printf(r->info.name[c] == '"' ? "\"\"" : "%c", r->info.name[c]);
			printf("\",%" PRIu32 ",%" PRIu32 ",%" PRIu64 ",%s,%.1f,%.1f,%.1f,%.1f,%.1f",
			       r->info.pid, r->info.nr_vcpus, r->info.mem_bytes,
			       vmctl_vm_state_name(r->info.state), r->exits, r->io, r->mmio, r->hlt,
			       r->guest_pct);
			for (c = 0; c < VMCTL_STAT_NR; c++)
				printf(",%" PRIu64, r->info.counters[c]);
			printf("\n");
		}
	} else {
		format_header_line(m, line, sizeof(line));
		printf("%s%s\n\n", iteration ? "\n" : "", line);
		format_titles(m, line, sizeof(line), false);
		printf("%s\n", line);
		for (i = 0; i < m->nrows; i++) {
			format_row(&m->rows[i], line, sizeof(line));
			printf("%s\n", line);
			if (m->opt.have_reason_re)
				print_reasons(m, &m->rows[i], false);
		}
	}
	fflush(stdout);
}

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void sleep_seconds(double s)
{
	struct timespec ts = { (time_t)s, (long)((s - (time_t)s) * 1e9) };

	nanosleep(&ts, NULL);
}

static int run_batch(struct monitor *m)
{
	unsigned long i;
	int err;

	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	/* The first sample only starts the interval the first rates cover. */
	err = fetch(m);
	for (i = 0; !err && !stop && (!m->opt.iterations || i < (unsigned long)m->opt.iterations);
	     i++) {
		sleep_seconds(m->opt.delay);
		err = fetch(m);
		if (err)
			break;
		sort_rows(m);
		batch_print(m, i);
	}
	if (err) {
		fprintf(stderr, "%s: cannot read statistics: %s\n", prog,
			vmctl_strerror_call("vmctl_stats_list_vms", err));
		return 1;
	}
	return 0;
}

/* ------------------------------------------------------------------------ */
/* Command line                                                               */
/* ------------------------------------------------------------------------ */

static void usage(FILE *f)
{
	fprintf(f,
"usage: vmtop [-b] [-1] [-n N] [-d SECONDS] [--csv|--json] [-z] [-p PID]\n"
"             [-N NAME] [-R REGEX]\n"
"Live statistics of the vmctl VMs this user may see (root: all of them).\n"
"  -b, --batch        print instead of drawing a screen (for scripts)\n"
"  -1, --once         one batch sample (-b -n 1)\n"
"  -n, --iterations N batch: stop after N samples\n"
"  -d, --delay SECS   seconds between samples (default 2, at least 0.1)\n"
"      --csv, --json  batch output format (default: text like the screen)\n"
"  -z, --skip-zero    leave out VMs without exits in the interval\n"
"  -p, --pid PID      only the VMs of this process\n"
"  -N, --name NAME    only the VMs whose name contains NAME\n"
"  -R, --reason RE    exit reasons matching the extended regular expression RE:\n"
"                     batch mode adds each VM's exits by them since its\n"
"                     creation; the screen's detail view shows only them\n"
"Keys on the screen: h help, s sort, f filter, R reasons, d delay, r reset,\n"
"Enter detail, q quit.  Exit status: 0, 1 no statistics (module not loaded), 2 usage.\n");
}

static int parse_options(int argc, char **argv, struct options *o, const char **reason)
{
	static const struct option longopts[] = {
		{ "batch", no_argument, NULL, 'b' },
		{ "once", no_argument, NULL, '1' },
		{ "iterations", required_argument, NULL, 'n' },
		{ "delay", required_argument, NULL, 'd' },
		{ "csv", no_argument, NULL, 'C' },
		{ "json", no_argument, NULL, 'J' },
		{ "skip-zero", no_argument, NULL, 'z' },
		{ "pid", required_argument, NULL, 'p' },
		{ "name", required_argument, NULL, 'N' },
		{ "reason", required_argument, NULL, 'R' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char *end;
	int c;

	o->delay = 2;
	while ((c = getopt_long(argc, argv, "b1n:d:zp:N:R:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'b':
			o->batch = true;
			break;
		case '1':
			o->batch = true;
			o->iterations = 1;
			break;
		case 'n':
			o->iterations = strtol(optarg, &end, 10);
			if (*end || o->iterations < 1) {
				fprintf(stderr, "%s: -n wants a count of at least 1\n", prog);
				return 2;
			}
			break;
		case 'd':
			o->delay = strtod(optarg, &end);
			if (*end || !(o->delay >= 0.1 && o->delay <= 3600)) {
				fprintf(stderr, "%s: -d wants seconds from 0.1 to 3600\n", prog);
				return 2;
			}
			break;
		case 'C':
			o->csv = true;
			break;
		case 'J':
			o->json = true;
			break;
		case 'z':
			o->zero_skip = true;
			break;
		case 'p':
			o->pid = strtol(optarg, &end, 10);
			if (*end || o->pid < 1) {
				fprintf(stderr, "%s: -p wants a process id\n", prog);
				return 2;
			}
			break;
		case 'N':
			o->name = optarg;
			break;
		case 'R':
			*reason = optarg;
			break;
		case 'h':
			usage(stdout);
			return -1;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "%s: unexpected argument '%s'\n", prog, argv[optind]);
		return 2;
	}
	if (o->csv && o->json) {
		fprintf(stderr, "%s: --csv or --json, not both\n", prog);
		return 2;
	}
	if ((o->csv || o->json) && !o->batch) {
		fprintf(stderr, "%s: --csv and --json are batch output (add -b)\n", prog);
		return 2;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct monitor m = { 0 };
	const char *reason = NULL;
	int ret, err;

	ret = parse_options(argc, argv, &m.opt, &reason);
	if (ret)
		return ret < 0 ? 0 : ret;
	if (reason && set_reason_regex(&m, reason)) {
		fprintf(stderr, "%s: -R: not a regular expression: %s\n", prog, reason);
		return 2;
	}
	if (!m.opt.batch && (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))) {
		fprintf(stderr, "%s: not a terminal: use -b for batch output\n", prog);
		return 2;
	}
	err = vmctl_stats_open(&m.stats);
	if (err) {
		fprintf(stderr, "%s: cannot read statistics: %s\n", prog,
			vmctl_strerror_call("vmctl_stats_open", err));
		return 1;
	}
	m.sort = COL_EXITS;
	if (m.opt.batch) {
		ret = run_batch(&m);
	} else {
		err = run_screen(&m);
		if (err)
			fprintf(stderr, "%s: cannot read statistics: %s\n", prog,
				vmctl_strerror_call("vmctl_stats_list_vms", err));
		ret = err ? 1 : 0;
	}
	vmctl_stats_close(m.stats);
	free(m.rows);
	free(m.prev);
	if (m.opt.have_reason_re)
		regfree(&m.opt.reason_re);
	return ret;
}
