// SPDX-License-Identifier: GPL-2.0
/*
 * vmtop: the top-like monitor of vmctl VMs, over libvmctl's statistics.
 *
 * Each refresh fetches (one netlink dump of the VMs, and the selected VM's
 * vCPUs in the detail view), computes rates against the previous sample,
 * sorts and draws; the three steps stay apart.  Batch mode (-b) prints
 * text, CSV or JSON for scripts, like top -b.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <locale.h>
#include <math.h>
#include <regex.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curses.h>

#include <vmctl/libvmctl.h>

#define HISTORY		120	/* samples of exits/s kept per VM for the graph */
#define MAX_TRACKED	256	/* VMs whose history is kept */

enum column {
	COL_ID, COL_NAME, COL_PID, COL_VCPUS, COL_MEM, COL_STATE,
	COL_EXITS, COL_IO, COL_MMIO, COL_HLT, COL_GUEST,
	NR_COLUMNS
};

struct column_desc {
	const char *title;
	int width;		/* negative: left aligned */
	const char *description;
	bool descending;	/* default sort direction */
};

static const struct column_desc columns[NR_COLUMNS] = {
	[COL_ID]	= { "ID",	5,   "VM id",				false },
	[COL_NAME]	= { "NAME",	-16, "name given by its creator",	false },
	[COL_PID]	= { "PID",	7,   "creator's process id",		false },
	[COL_VCPUS]	= { "VCPUS",	5,   "vCPUs",				true },
	[COL_MEM]	= { "MEM",	8,   "guest memory",			true },
	[COL_STATE]	= { "STATE",	-8,  "running, stopped, halted, ...",	false },
	[COL_EXITS]	= { "EXITS/s",	9,   "VM exits per second",		true },
	[COL_IO]	= { "IO/s",	8,   "port-I/O exits per second",	true },
	[COL_MMIO]	= { "MMIO/s",	8,   "MMIO exits per second",		true },
	[COL_HLT]	= { "HLT/s",	7,   "halts per second",		true },
	[COL_GUEST]	= { "%GUEST",	6,   "share of its vCPUs' time in guest mode", true },
};

/* One VM at one refresh, with rates over the last interval. */
struct row {
	struct vmctl_vm_info info;
	double exits, io, mmio, hlt;	/* per second */
	double guest_pct;
};

struct history {
	uint32_t id;
	bool used;
	unsigned int count;		/* samples stored, at most HISTORY */
	unsigned int next;
	float exits[HISTORY];
};

struct options {
	bool batch, csv, json, zero_skip;
	long iterations;		/* -n; 0: until interrupted */
	double delay;			/* -d seconds */
	long pid;			/* -p; 0: any */
	const char *name;		/* -N: substring of the name */
	regex_t reason_re;		/* -R: exit reasons shown per VM */
	bool have_reason_re;
};

struct monitor {
	struct vmctl_stats *stats;
	struct options opt;
	struct vmctl_vm_list *prev;	/* last sample, for rates */
	double prev_time;
	struct row *rows;
	size_t nrows;
	enum column sort;
	bool sort_reverse;
	char name_filter[64];
	struct history hist[MAX_TRACKED];
	double elapsed;			/* seconds the last interval lasted */
};

static const char *prog = "vmtop";

static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ------------------------------------------------------------------------ */
/* Fetch                                                                      */
/* ------------------------------------------------------------------------ */

static const struct vmctl_vm_info *find_prev(const struct vmctl_vm_list *list, uint32_t id)
{
	size_t i;

	for (i = 0; list && i < list->count; i++)
		if (list->vms[i].id == id)
			return &list->vms[i];
	return NULL;
}

static struct history *history_of(struct monitor *m, uint32_t id, bool create)
{
	struct history *free_slot = NULL;
	unsigned int i;

	for (i = 0; i < MAX_TRACKED; i++) {
		if (m->hist[i].used && m->hist[i].id == id)
			return &m->hist[i];
		if (!m->hist[i].used && !free_slot)
			free_slot = &m->hist[i];
	}
	if (!create || !free_slot)
		return NULL;
	memset(free_slot, 0, sizeof(*free_slot));
	free_slot->used = true;
	free_slot->id = id;
	return free_slot;
}

static bool row_wanted(const struct monitor *m, const struct row *r)
{
	if (m->opt.pid && r->info.pid != (uint32_t)m->opt.pid)
		return false;
	if (m->opt.name && !strstr(r->info.name, m->opt.name))
		return false;
	if (m->name_filter[0] && !strstr(r->info.name, m->name_filter))
		return false;
	if (m->opt.zero_skip && r->exits == 0)
		return false;
	return true;
}

static double rate(uint64_t now, uint64_t before, double seconds)
{
	return seconds > 0 && now >= before ? (now - before) / seconds : 0;
}

/*
 * Takes a sample and turns it into rows with rates since the last one.  A
 * VM seen for the first time gets rates since its creation.  Returns 0 or
 * a negative errno.
 */
static int fetch(struct monitor *m)
{
	struct vmctl_vm_list *list;
	double t = now_seconds();
	struct timespec real;
	size_t i, n = 0;
	unsigned int h;
	int err;

	err = vmctl_stats_list_vms(m->stats, &list);
	if (err)
		return err;
	clock_gettime(CLOCK_REALTIME, &real);
	free(m->rows);
	m->rows = calloc(list->count ? list->count : 1, sizeof(*m->rows));
	if (!m->rows) {
		free(list);
		return -ENOMEM;
	}
	m->elapsed = m->prev ? t - m->prev_time : 0;
	for (i = 0; i < list->count; i++) {
		const struct vmctl_vm_info *vm = &list->vms[i];
		const struct vmctl_vm_info *before = find_prev(m->prev, vm->id);
		struct vmctl_vm_info zero = { 0 };
		struct row *r = &m->rows[n];
		double seconds = m->elapsed;
		struct history *hist;

		if (!before) {
			/* New since the last sample: average over its life. */
			double age = real.tv_sec + real.tv_nsec / 1e9 - vm->created_ns / 1e9;

			before = &zero;
			seconds = age > 0.001 ? age : 0.001;
		}
		r->info = *vm;
		r->exits = rate(vm->counters[VMCTL_STAT_EXITS], before->counters[VMCTL_STAT_EXITS],
				seconds);
		r->io = rate(vm->counters[VMCTL_STAT_IO_EXITS],
			     before->counters[VMCTL_STAT_IO_EXITS], seconds);
		r->mmio = rate(vm->counters[VMCTL_STAT_MMIO_EXITS],
			       before->counters[VMCTL_STAT_MMIO_EXITS], seconds);
		r->hlt = rate(vm->counters[VMCTL_STAT_HALTS], before->counters[VMCTL_STAT_HALTS],
			      seconds);
		if (vm->nr_vcpus)
			r->guest_pct = 100.0 * rate(vm->counters[VMCTL_STAT_GUEST_NS],
						    before->counters[VMCTL_STAT_GUEST_NS],
						    seconds) / 1e9 / vm->nr_vcpus;
		if (r->guest_pct > 100)
			r->guest_pct = 100;
		hist = history_of(m, vm->id, true);
		if (hist) {
			hist->exits[hist->next] = r->exits;
			hist->next = (hist->next + 1) % HISTORY;
			if (hist->count < HISTORY)
				hist->count++;
		}
		if (row_wanted(m, r))
			n++;
	}
	/* Forget the history of VMs that are gone. */
	for (h = 0; h < MAX_TRACKED; h++)
		if (m->hist[h].used && !find_prev(list, m->hist[h].id))
			m->hist[h].used = false;
	m->nrows = n;
	free(m->prev);
	m->prev = list;
	m->prev_time = t;
	return 0;
}

/* ------------------------------------------------------------------------ */
/* Sort                                                                       */
/* ------------------------------------------------------------------------ */

static double column_number(const struct row *r, enum column c)
{
	switch (c) {
	case COL_ID:	return r->info.id;
	case COL_PID:	return r->info.pid;
	case COL_VCPUS:	return r->info.nr_vcpus;
	case COL_MEM:	return r->info.mem_bytes;
	case COL_EXITS:	return r->exits;
	case COL_IO:	return r->io;
	case COL_MMIO:	return r->mmio;
	case COL_HLT:	return r->hlt;
	case COL_GUEST:	return r->guest_pct;
	default:	return 0;
	}
}

static enum column sort_column;
static bool sort_descending;

static int compare_rows(const void *a, const void *b)
{
	const struct row *x = a, *y = b;
	int cmp;

	if (sort_column == COL_NAME)
		cmp = strcmp(x->info.name, y->info.name);
	else if (sort_column == COL_STATE)
		cmp = strcmp(vmctl_vm_state_name(x->info.state), vmctl_vm_state_name(y->info.state));
	else
		cmp = (column_number(x, sort_column) > column_number(y, sort_column)) -
		      (column_number(x, sort_column) < column_number(y, sort_column));
	if (!cmp)
		cmp = (x->info.id > y->info.id) - (x->info.id < y->info.id);
	return sort_descending ? -cmp : cmp;
}

static void sort_rows(struct monitor *m)
{
	sort_column = m->sort;
	sort_descending = columns[m->sort].descending != m->sort_reverse;
	qsort(m->rows, m->nrows, sizeof(*m->rows), compare_rows);
}

/* ------------------------------------------------------------------------ */
/* Draw: text shared by batch mode and the screen                             */
/* ------------------------------------------------------------------------ */

static void format_cell(const struct row *r, enum column c, char *buf, size_t len)
{
	switch (c) {
	case COL_ID:	snprintf(buf, len, "%" PRIu32, r->info.id); break;
	case COL_NAME:	snprintf(buf, len, "%s", r->info.name[0] ? r->info.name : "-"); break;
	case COL_PID:	snprintf(buf, len, "%" PRIu32, r->info.pid); break;
	case COL_VCPUS:	snprintf(buf, len, "%" PRIu32, r->info.nr_vcpus); break;
	case COL_MEM:
		if (r->info.mem_bytes >= 10ULL << 30)
			snprintf(buf, len, "%" PRIu64 "G", r->info.mem_bytes >> 30);
		else if (r->info.mem_bytes >= 10ULL << 20)
			snprintf(buf, len, "%" PRIu64 "M", r->info.mem_bytes >> 20);
		else
			snprintf(buf, len, "%" PRIu64 "K", r->info.mem_bytes >> 10);
		break;
	case COL_STATE:	snprintf(buf, len, "%s", vmctl_vm_state_name(r->info.state)); break;
	case COL_EXITS:	snprintf(buf, len, "%.0f", r->exits); break;
	case COL_IO:	snprintf(buf, len, "%.0f", r->io); break;
	case COL_MMIO:	snprintf(buf, len, "%.0f", r->mmio); break;
	case COL_HLT:	snprintf(buf, len, "%.0f", r->hlt); break;
	case COL_GUEST:	snprintf(buf, len, "%.1f", r->guest_pct); break;
	default:	buf[0] = '\0';
	}
}

static void format_header_line(const struct monitor *m, char *buf, size_t len)
{
	unsigned int vcpus = 0;
	double exits = 0, guest = 0;
	char clock[16];
	time_t t = time(NULL);
	size_t i;

	for (i = 0; m->prev && i < m->prev->count; i++)
		vcpus += m->prev->vms[i].nr_vcpus;
	for (i = 0; i < m->nrows; i++) {
		exits += m->rows[i].exits;
		guest += m->rows[i].guest_pct * m->rows[i].info.nr_vcpus;
	}
	strftime(clock, sizeof(clock), "%H:%M:%S", localtime(&t));
	snprintf(buf, len, "vmtop - %s  VMs: %zu  vCPUs: %u  exits/s: %.0f  guest: %.1f%%",
		 clock, m->prev ? m->prev->count : 0, vcpus, exits, vcpus ? guest / vcpus : 0.0);
}

static void format_titles(const struct monitor *m, char *buf, size_t len, bool mark_sort)
{
	size_t n = 0;
	int c;

	for (c = 0; c < NR_COLUMNS && n < len; c++) {
		char title[16];

		snprintf(title, sizeof(title), "%s%s", columns[c].title,
			 mark_sort && c == (int)m->sort ?
			 (columns[c].descending != m->sort_reverse ? "v" : "^") : "");
		n += snprintf(buf + n, len - n, "%s%*s", c ? " " : "", columns[c].width, title);
	}
}

static void format_row(const struct row *r, char *buf, size_t len)
{
	size_t n = 0;
	int c;

	for (c = 0; c < NR_COLUMNS && n < len; c++) {
		char cell[40];

		format_cell(r, c, cell, sizeof(cell));
		n += snprintf(buf + n, len - n, "%s%*.*s", c ? " " : "", columns[c].width,
			      abs(columns[c].width), cell);
	}
}

/* -R: the VM's exits by the reasons that match, since creation. */
static void print_reasons(const struct monitor *m, const struct row *r, bool json)
{
	bool first = true;
	unsigned int i;

	for (i = 0; i < VMCTL_STATS_MAX_REASONS; i++) {
		const char *name = vmctl_stats_exit_reason_name(m->stats, i);

		if (!name || !r->info.exit_reasons[i] ||
		    regexec(&m->opt.reason_re, name, 0, NULL, 0))
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
/* The screen                                                                 */
/* ------------------------------------------------------------------------ */

enum color_pair { PAIR_HEADER = 1, PAIR_TITLES, PAIR_SELECTED, PAIR_BAR, PAIR_HOT };

struct screen {
	bool help, detail, colors;
	size_t selected;		/* index into rows */
	uint32_t detail_id;
	char message[128];
};

static void paint_on(const struct screen *s, enum color_pair pair, int attr)
{
	if (s->colors)
		attron(COLOR_PAIR(pair));
	attron(attr);
}

static void paint_off(const struct screen *s, enum color_pair pair, int attr)
{
	if (s->colors)
		attroff(COLOR_PAIR(pair));
	attroff(attr);
}

static const char *const help_lines[] = {
	"vmtop: live statistics of vmctl VMs",
	"",
	"  h, F1, ?      this help (any key returns)",
	"  s, F6, >      sort by the next column      <  the previous one",
	"  i             invert the sort order",
	"  f, F4         filter by name (empty: no filter)",
	"  d             change the refresh delay (seconds)",
	"  r             reset: filters, sort order and the graphs",
	"  Up, Down      select a VM       Enter  its detail view",
	"  Esc, Left     back to the list",
	"  q, F10        quit",
	"",
	"Columns:",
};

static void draw_help(const struct screen *s)
{
	unsigned int i;
	int y = 0;

	paint_on(s, PAIR_HEADER, A_BOLD);
	mvprintw(y++, 0, "%s", help_lines[0]);
	paint_off(s, PAIR_HEADER, A_BOLD);
	for (i = 1; i < sizeof(help_lines) / sizeof(help_lines[0]); i++)
		mvprintw(y++, 0, "%s", help_lines[i]);
	for (i = 0; i < NR_COLUMNS; i++)
		mvprintw(y++, 2, "%-8s %s", columns[i].title, columns[i].description);
}

/* A graph of values, one column each, 8 levels, scaled to the largest. */
static void draw_sparkline(const struct screen *s, int y, int x, int width, const float *values,
			   unsigned int count)
{
	static const char levels[] = " ._-=+*#";
	float max = 0;
	unsigned int i, first;

	if (width <= 0)
		return;
	first = count > (unsigned int)width ? count - width : 0;
	for (i = first; i < count; i++)
		max = values[i] > max ? values[i] : max;
	paint_on(s, PAIR_BAR, A_BOLD);
	for (i = first; i < count; i++) {
		int level = max > 0 ? (int)(values[i] * 7 / max + 0.5) : 0;

		mvaddch(y, x + (i - first), levels[level]);
	}
	paint_off(s, PAIR_BAR, A_BOLD);
}

static void draw_bar(const struct screen *s, int y, int x, int width, double value, double max)
{
	int n = max > 0 ? (int)(value * width / max + 0.5) : 0;

	paint_on(s, PAIR_BAR, 0);
	for (; n > 0; n--)
		mvaddch(y, x++, '#');
	paint_off(s, PAIR_BAR, 0);
}

static void draw_detail(struct monitor *m, const struct screen *s)
{
	static struct vmctl_vm_stats *before;
	static uint32_t before_id;
	static double before_time;
	struct vmctl_vm_stats *vm;
	const struct history *hist;
	float ordered[HISTORY];
	double t = now_seconds(), seconds, max = 0;
	uint64_t lat[VMCTL_STATS_MAX_BUCKETS] = { 0 }, latmax = 0;
	unsigned int r, b, top = 0, nb = vmctl_stats_latency_buckets(m->stats);
	int y = 0, rows = LINES, width = COLS, err;
	size_t v;

	err = vmctl_stats_read_vm(m->stats, s->detail_id, &vm);
	if (err) {
		mvprintw(0, 0, "VM %" PRIu32 ": %s (Esc: back)", s->detail_id,
			 vmctl_strerror_call("vmctl_stats_read_vm", err));
		return;
	}
	if (before && before_id != s->detail_id) {
		free(before);
		before = NULL;
	}
	seconds = before ? t - before_time : 0;

	paint_on(s, PAIR_HEADER, A_BOLD);
	mvprintw(y++, 0, "VM %" PRIu32 " %s  pid %" PRIu32 "  %" PRIu32 " vCPU(s)  %" PRIu64
		 " KiB  %s   (Esc: back, q: quit)", vm->vm.id, vm->vm.name[0] ? vm->vm.name : "-",
		 vm->vm.pid, vm->vm.nr_vcpus, vm->vm.mem_bytes >> 10,
		 vmctl_vm_state_name(vm->vm.state));
	paint_off(s, PAIR_HEADER, A_BOLD);

	hist = history_of(m, s->detail_id, false);
	if (hist && hist->count) {
		unsigned int start = (hist->next + HISTORY - hist->count) % HISTORY, i;

		for (i = 0; i < hist->count; i++)
			ordered[i] = hist->exits[(start + i) % HISTORY];
		for (i = 0; i < hist->count; i++)
			max = ordered[i] > max ? ordered[i] : max;
		mvprintw(++y, 0, "exits/s, last %u samples (max %.0f):", hist->count, max);
		draw_sparkline(s, ++y, 2, width - 4, ordered, hist->count);
		y++;
	}

	paint_on(s, PAIR_TITLES, A_REVERSE);
	mvprintw(++y, 0, "%-22s %12s %14s", "EXIT REASON", "EXITS/s", "TOTAL");
	paint_off(s, PAIR_TITLES, A_REVERSE);
	y++;
	max = 0;
	for (r = 0; r < VMCTL_STATS_MAX_REASONS; r++) {
		double d = before ? rate(vm->vm.exit_reasons[r], before->vm.exit_reasons[r], seconds)
				  : 0;

		max = d > max ? d : max;
		if (vm->vm.exit_reasons[r] > vm->vm.exit_reasons[top])
			top = r;
	}
	for (r = 0; r < VMCTL_STATS_MAX_REASONS && y < rows / 2; r++) {
		const char *name = vmctl_stats_exit_reason_name(m->stats, r);
		double d = before ? rate(vm->vm.exit_reasons[r], before->vm.exit_reasons[r], seconds)
				  : 0;

		if (!vm->vm.exit_reasons[r])
			continue;
		mvprintw(y, 0, "%-22s %12.0f %14" PRIu64, name ? name : "?", d,
			 vm->vm.exit_reasons[r]);
		draw_bar(s, y++, 52, width - 53, d, max);
	}

	paint_on(s, PAIR_TITLES, A_REVERSE);
	mvprintw(++y, 0, "%-6s %12s %10s %10s %8s", "VCPU", "EXITS/s", "IO/s", "HLT/s", "%GUEST");
	paint_off(s, PAIR_TITLES, A_REVERSE);
	y++;
	for (v = 0; v < vm->nr_vcpus && y < rows - 4; v++) {
		const struct vmctl_vcpu_info *c = &vm->vcpus[v];
		const struct vmctl_vcpu_info *p = NULL;
		size_t k;

		for (k = 0; before && k < before->nr_vcpus; k++)
			if (before->vcpus[k].vcpu_id == c->vcpu_id)
				p = &before->vcpus[k];
		mvprintw(y++, 0, "%-6" PRIu32 " %12.0f %10.0f %10.0f %8.1f", c->vcpu_id,
			 p ? rate(c->counters[VMCTL_STAT_EXITS], p->counters[VMCTL_STAT_EXITS],
				  seconds) : 0,
			 p ? rate(c->counters[VMCTL_STAT_IO_EXITS],
				  p->counters[VMCTL_STAT_IO_EXITS], seconds) : 0,
			 p ? rate(c->counters[VMCTL_STAT_HALTS], p->counters[VMCTL_STAT_HALTS],
				  seconds) : 0,
			 p ? 100 * rate(c->counters[VMCTL_STAT_GUEST_NS],
					p->counters[VMCTL_STAT_GUEST_NS], seconds) / 1e9 : 0);
	}

	if (vm->vm.exit_reasons[top]) {
		for (v = 0; v < vm->nr_vcpus; v++)
			for (b = 0; b < nb; b++)
				lat[b] += vm->vcpus[v].latency[top][b];
		for (b = 0; b < nb; b++)
			latmax = lat[b] > latmax ? lat[b] : latmax;
		mvprintw(++y, 0, "handling time of %s (log2 ns buckets, since start):",
			 vmctl_stats_exit_reason_name(m->stats, top) ?: "?");
		y++;
		for (b = 0; b < nb && y < rows; b++) {
			if (!lat[b])
				continue;
			mvprintw(y, 0, "  >= %8" PRIu64 " ns %10" PRIu64, b ? (uint64_t)1 << b : 0, lat[b]);
			draw_bar(s, y++, 27, width - 28, lat[b], latmax);
		}
	}
	free(before);
	before = vm;
	before_id = s->detail_id;
	before_time = t;
}

static void draw_list(struct monitor *m, struct screen *s)
{
	char line[512];
	size_t i, first = 0;
	int y;

	format_header_line(m, line, sizeof(line));
	paint_on(s, PAIR_HEADER, A_BOLD);
	mvprintw(0, 0, "%.*s", COLS, line);
	paint_off(s, PAIR_HEADER, A_BOLD);
	mvprintw(1, 0, "sort: %s%s  delay: %.1fs  filter: %s   h: help",
		 columns[m->sort].title, m->sort_reverse ? " (inverted)" : "", m->opt.delay,
		 m->name_filter[0] ? m->name_filter : "-");

	format_titles(m, line, sizeof(line), true);
	paint_on(s, PAIR_TITLES, A_REVERSE);
	mvprintw(3, 0, "%-*.*s", COLS, COLS, line);
	paint_off(s, PAIR_TITLES, A_REVERSE);
	if (s->selected >= m->nrows)
		s->selected = m->nrows ? m->nrows - 1 : 0;
	if (LINES > 5 && s->selected >= (size_t)(LINES - 5))
		first = s->selected - (LINES - 5) + 1;
	for (i = first, y = 4; i < m->nrows && y < LINES - 1; i++, y++) {
		bool hot = m->rows[i].exits > 0;

		format_row(&m->rows[i], line, sizeof(line));
		if (i == s->selected)
			paint_on(s, PAIR_SELECTED, A_REVERSE);
		else if (hot)
			paint_on(s, PAIR_HOT, 0);
		mvprintw(y, 0, "%-*.*s", COLS, COLS, line);
		if (i == s->selected)
			paint_off(s, PAIR_SELECTED, A_REVERSE);
		else if (hot)
			paint_off(s, PAIR_HOT, 0);
	}
	if (!m->nrows)
		mvprintw(4, 0, "(no VMs visible to this user)");
	if (s->message[0])
		mvprintw(LINES - 1, 0, "%.*s", COLS, s->message);
}

static void draw(struct monitor *m, struct screen *s)
{
	erase();
	if (s->help)
		draw_help(s);
	else if (s->detail)
		draw_detail(m, s);
	else
		draw_list(m, s);
	refresh();
}

/* Reads a line at the bottom of the screen; false if cancelled (Esc). */
static bool prompt(const char *question, char *buf, size_t len)
{
	size_t n = 0;
	int ch;

	buf[0] = '\0';
	timeout(-1);
	for (;;) {
		move(LINES - 1, 0);
		clrtoeol();
		mvprintw(LINES - 1, 0, "%s%s", question, buf);
		refresh();
		ch = getch();
		if (ch == '\n' || ch == KEY_ENTER)
			return true;
		if (ch == 27)
			return false;
		if ((ch == KEY_BACKSPACE || ch == 127 || ch == 8) && n > 0)
			buf[--n] = '\0';
		else if (ch >= 0x20 && ch < 0x7f && n + 1 < len) {
			buf[n++] = ch;
			buf[n] = '\0';
		}
	}
}

/* Handles one key; false when it is time to quit. */
static bool handle_key(struct monitor *m, struct screen *s, int ch)
{
	char buf[64];
	char *end;
	double d;

	s->message[0] = '\0';
	if (s->help) {
		s->help = false;
		return ch != 'q' && ch != KEY_F(10);
	}
	switch (ch) {
	case 'q':
	case KEY_F(10):
		return false;
	case 'h':
	case '?':
	case KEY_F(1):
		s->help = true;
		break;
	case 's':
	case '>':
	case KEY_F(6):
		m->sort = (m->sort + 1) % NR_COLUMNS;
		break;
	case '<':
		m->sort = (m->sort + NR_COLUMNS - 1) % NR_COLUMNS;
		break;
	case 'i':
		m->sort_reverse = !m->sort_reverse;
		break;
	case 'f':
	case KEY_F(4):
		if (prompt("filter by name: ", buf, sizeof(buf)))
			snprintf(m->name_filter, sizeof(m->name_filter), "%s", buf);
		break;
	case 'd':
		if (!prompt("delay in seconds: ", buf, sizeof(buf)))
			break;
		d = strtod(buf, &end);
		if (*end || !(d >= 0.1 && d <= 3600))
			snprintf(s->message, sizeof(s->message), "not a delay from 0.1 to 3600: %s",
				 buf);
		else
			m->opt.delay = d;
		break;
	case 'r':
		m->name_filter[0] = '\0';
		m->sort = COL_EXITS;
		m->sort_reverse = false;
		memset(m->hist, 0, sizeof(m->hist));
		break;
	case KEY_UP:
		if (s->selected)
			s->selected--;
		break;
	case KEY_DOWN:
		s->selected++;
		break;
	case '\n':
	case KEY_ENTER:
	case KEY_RIGHT:
		if (!s->detail && s->selected < m->nrows) {
			s->detail = true;
			s->detail_id = m->rows[s->selected].info.id;
		}
		break;
	case 27:
	case KEY_LEFT:
	case KEY_BACKSPACE:
		s->detail = false;
		break;
	}
	return true;
}

static int run_screen(struct monitor *m)
{
	struct screen s = { 0 };
	double next;
	int err, ch;
	bool go = true;

	setlocale(LC_ALL, "");
	initscr();
	cbreak();
	noecho();
	keypad(stdscr, TRUE);
	curs_set(0);
	set_escdelay(25);
	if (has_colors()) {
		start_color();
		use_default_colors();
		init_pair(PAIR_HEADER, COLOR_CYAN, -1);
		init_pair(PAIR_TITLES, COLOR_BLACK, COLOR_GREEN);
		init_pair(PAIR_SELECTED, COLOR_BLACK, COLOR_CYAN);
		init_pair(PAIR_BAR, COLOR_GREEN, -1);
		init_pair(PAIR_HOT, COLOR_YELLOW, -1);
		s.colors = true;
	}
	err = fetch(m);
	next = now_seconds() + m->opt.delay;
	while (!err && go) {
		sort_rows(m);
		draw(m, &s);
		timeout((int)((next - now_seconds()) * 1000 > 0 ? (next - now_seconds()) * 1000 : 0));
		ch = getch();
		if (ch == KEY_RESIZE)
			continue;	/* LINES and COLS are new: draw again */
		if (ch != ERR) {
			go = handle_key(m, &s, ch);
			continue;
		}
		err = fetch(m);
		next = now_seconds() + m->opt.delay;
	}
	endwin();
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
"  -R, --reason RE    batch: also each VM's exits by the reasons matching the\n"
"                     extended regular expression RE, since its creation\n"
"Keys on the screen: h help, s sort, f filter, d delay, r reset, Enter detail,\n"
"q quit.  Exit status: 0, 1 no statistics (module not loaded), 2 usage.\n");
}

static int parse_options(int argc, char **argv, struct options *o)
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
			if (regcomp(&o->reason_re, optarg, REG_EXTENDED | REG_NOSUB)) {
				fprintf(stderr, "%s: -R: not a regular expression: %s\n", prog, optarg);
				return 2;
			}
			o->have_reason_re = true;
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
	int ret, err;

	ret = parse_options(argc, argv, &m.opt);
	if (ret)
		return ret < 0 ? 0 : ret;
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
	ret = m.opt.batch ? run_batch(&m) : run_screen(&m);
	vmctl_stats_close(m.stats);
	free(m.rows);
	free(m.prev);
	if (m.opt.have_reason_re)
		regfree(&m.opt.reason_re);
	return ret;
}
