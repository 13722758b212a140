// SPDX-License-Identifier: GPL-2.0
/*
 * vmtop's screen (ncurses): the list of VMs, a VM's detail view with its
 * exits/s graph, exits by reason and port range, vCPUs and latency bars,
 * the help; keys as top, htop and kvm_stat have them.
 */
#include <inttypes.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curses.h>

#include "vmtop.h"

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
	"  R             regular expression on exit reasons: the detail view",
	"                shows only those that match (empty: all)",
	"  d             change the refresh delay (seconds)",
	"  r             reset: filters, reason regex, sort order and the graphs",
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

/* Exit reason r passes the reason regex (R, -R); unnamed ones are "?". */
static bool reason_shown(const struct monitor *m, unsigned int r)
{
	const char *name = vmctl_stats_exit_reason_name(m->stats, r);

	return reason_wanted(m, name ? name : "?");
}

/* Port-I/O exits by port range, as rates with bars; returns the next row. */
static int draw_io_ports(const struct monitor *m, const struct screen *s,
			 const struct vmctl_vm_stats *vm, const struct vmctl_vm_stats *before,
			 double seconds, int y, int last_row)
{
	const struct vmctl_port_range_info *range;
	double max = 0, d;
	char ports[24];
	unsigned int i;

	if (!vm->vm.counters[VMCTL_STAT_IO_EXITS])
		return y;
	for (i = 0; vmctl_stats_port_range(m->stats, i); i++) {
		d = before ? rate(vm->vm.io_ports[i], before->vm.io_ports[i], seconds) : 0;
		max = d > max ? d : max;
	}
	paint_on(s, PAIR_TITLES, A_REVERSE);
	mvprintw(++y, 0, "%-10s %-11s %12s %14s", "PORTS", "RANGE", "IO/s", "TOTAL");
	paint_off(s, PAIR_TITLES, A_REVERSE);
	y++;
	for (i = 0; (range = vmctl_stats_port_range(m->stats, i)) && y < last_row; i++) {
		if (!vm->vm.io_ports[i])
			continue;
		if (!vmctl_stats_port_range(m->stats, i + 1))
			snprintf(ports, sizeof(ports), "rest");
		else if (range->first == range->last)
			snprintf(ports, sizeof(ports), "0x%x", range->first);
		else
			snprintf(ports, sizeof(ports), "0x%x-0x%x", range->first, range->last);
		d = before ? rate(vm->vm.io_ports[i], before->vm.io_ports[i], seconds) : 0;
		mvprintw(y, 0, "%-10s %-11s %12.0f %14" PRIu64, range->name, ports, d,
			 vm->vm.io_ports[i]);
		draw_bar(s, y++, 52, COLS - 53, d, max);
	}
	return y;
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
	mvprintw(++y, 0, "%-22s %12s %14s  %s", "EXIT REASON", "EXITS/s", "TOTAL",
		 m->opt.have_reason_re ? m->opt.reason_text : "");
	paint_off(s, PAIR_TITLES, A_REVERSE);
	y++;
	max = 0;
	for (r = 0; r < VMCTL_STATS_MAX_REASONS; r++) {
		double d = before ? rate(vm->vm.exit_reasons[r], before->vm.exit_reasons[r], seconds)
				  : 0;

		if (!reason_shown(m, r))
			continue;
		max = d > max ? d : max;
		if (vm->vm.exit_reasons[r] > vm->vm.exit_reasons[top] || !reason_shown(m, top))
			top = r;
	}
	for (r = 0; r < VMCTL_STATS_MAX_REASONS && y < rows / 2; r++) {
		const char *name = vmctl_stats_exit_reason_name(m->stats, r);
		double d = before ? rate(vm->vm.exit_reasons[r], before->vm.exit_reasons[r], seconds)
				  : 0;

		if (!vm->vm.exit_reasons[r] || !reason_shown(m, r))
			continue;
		mvprintw(y, 0, "%-22s %12.0f %14" PRIu64, name ? name : "?", d,
			 vm->vm.exit_reasons[r]);
		draw_bar(s, y++, 52, width - 53, d, max);
	}

	y = draw_io_ports(m, s, vm, before, seconds, y, rows * 2 / 3);

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

	if (vm->vm.exit_reasons[top] && reason_shown(m, top)) {
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
	mvprintw(1, 0, "sort: %s%s  delay: %.1fs  filter: %s  reasons: %s   h: help",
		 columns[m->sort].title, m->sort_reverse ? " (inverted)" : "", m->opt.delay,
		 m->name_filter[0] ? m->name_filter : "-",
		 m->opt.have_reason_re ? m->opt.reason_text : "-");

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
	case 'R':
		if (!prompt("exit reasons (extended regex): ", buf, sizeof(buf)))
			break;
		if (set_reason_regex(m, buf))
			snprintf(s->message, sizeof(s->message), "not a regular expression: %s",
				 buf);
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
		set_reason_regex(m, "");
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

int run_screen(struct monitor *m)
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
	return err;
}

