/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmtop's pieces: the model (model.c: samples, rates, sorting, the text of
 * a row) that batch mode (vmtop.c) and the screen (screen.c) both draw.
 */
#ifndef VMTOP_H
#define VMTOP_H

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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

extern const struct column_desc columns[NR_COLUMNS];

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
	regex_t reason_re;		/* -R, or R on the screen: exit reasons shown */
	bool have_reason_re;
	char reason_text[64];		/* reason_re as typed */
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

/* ---- model.c ---- */

double now_seconds(void);
/* The exits/s history of VM id; with create, a new one if there is none. */
struct history *history_of(struct monitor *m, uint32_t id, bool create);
/* Per second from two samples of a cumulative counter (0 if it went back). */
double rate(uint64_t now, uint64_t before, double seconds);
/* Takes a sample, makes m->rows with rates since the last one; 0 or -errno. */
int fetch(struct monitor *m);
void sort_rows(struct monitor *m);
/* Whether exit reason name passes the reason regex (all do without one). */
bool reason_wanted(const struct monitor *m, const char *name);
/* Sets the reason regex from text ("" clears it); 0, or -EINVAL not a regex. */
int set_reason_regex(struct monitor *m, const char *text);

/* The text of the header line, the column titles and a row. */
void format_header_line(const struct monitor *m, char *buf, size_t len);
void format_titles(const struct monitor *m, char *buf, size_t len, bool mark_sort);
void format_row(const struct row *r, char *buf, size_t len);

/* ---- screen.c ---- */

/* The interactive screen until q; 0 or the -errno that ended it. */
int run_screen(struct monitor *m);

#endif /* VMTOP_H */
