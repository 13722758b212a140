// SPDX-License-Identifier: GPL-2.0
/*
 * vmtop's model: each refresh fetches (one netlink dump of the VMs),
 * computes rates against the previous sample and sorts; the text of the
 * header, titles and rows is shared by batch mode and the screen.
 */
#include <errno.h>
#include <inttypes.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "vmtop.h"

const struct column_desc columns[NR_COLUMNS] = {
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

double now_seconds(void)
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

struct history *history_of(struct monitor *m, uint32_t id, bool create)
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

double rate(uint64_t now, uint64_t before, double seconds)
{
	return seconds > 0 && now >= before ? (now - before) / seconds : 0;
}

/*
 * Takes a sample and turns it into rows with rates since the last one.  A
 * VM seen for the first time gets rates since its creation.  Returns 0 or
 * a negative errno.
 */
int fetch(struct monitor *m)
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

void sort_rows(struct monitor *m)
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

void format_header_line(const struct monitor *m, char *buf, size_t len)
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

void format_titles(const struct monitor *m, char *buf, size_t len, bool mark_sort)
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

void format_row(const struct row *r, char *buf, size_t len)
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

/* ------------------------------------------------------------------------ */
/* Exit reasons                                                               */
/* ------------------------------------------------------------------------ */

bool reason_wanted(const struct monitor *m, const char *name)
{
	return !m->opt.have_reason_re || regexec(&m->opt.reason_re, name, 0, NULL, 0) == 0;
}

int set_reason_regex(struct monitor *m, const char *text)
{
	regex_t re;

	if (text[0] && regcomp(&re, text, REG_EXTENDED | REG_NOSUB))
		return -EINVAL;
	if (m->opt.have_reason_re)
		regfree(&m->opt.reason_re);
	m->opt.have_reason_re = text[0] != '\0';
	if (m->opt.have_reason_re)
		m->opt.reason_re = re;
	snprintf(m->opt.reason_text, sizeof(m->opt.reason_text), "%s", text);
	return 0;
}
