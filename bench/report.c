// SPDX-License-Identifier: GPL-2.0
/*
 * The report: reads the result lines of every `vmctl-bench run` of a boot,
 * refuses to show any number unless both hypervisors ran every row in
 * every round, and prints the medians, their spread and the ratios, as a
 * table and as JSON.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

#define MAX_ROUNDS	64

enum { LIB, RAW, KVM, NR_SIDES };
static const char *const side_names[NR_SIDES] = { "vmctl-lib", "vmctl-raw", "kvm" };
static const char *const side_keys[NR_SIDES] = { "vmctl_lib", "vmctl_raw", "kvm" };
static const char *const side_hv[NR_SIDES] = { "vmctl", "vmctl", "kvm" };

struct cell {
	double *v;
	unsigned int n, cap;
	struct part *parts;		/* breakdown of the samples, by name */
	unsigned int nparts;
	unsigned char rounds[MAX_ROUNDS + 1];	/* samples seen per round */
	char *unsupported;
	char *error;
};

struct part {
	char *name;
	double *v;
	unsigned int n, cap;
};

struct meta {
	char *key, *value;
};

struct results {
	struct cell *cells;		/* [row][side] */
	struct meta *meta;
	unsigned int nmeta;
	char **errors;			/* side-wide failures */
	unsigned int nerrors;
	unsigned char done[2][MAX_ROUNDS + 1];	/* vmctl, kvm */
	unsigned int malformed;
};

struct stats {
	double median, min, max;
};

static struct cell *cell(struct results *res, unsigned int row, unsigned int side)
{
	return &res->cells[row * NR_SIDES + side];
}

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n);
	if (!p) {
		fprintf(stderr, "vmctl-bench: out of memory\n");
		exit(1);
	}
	return p;
}

static char *xstrdup(const char *s)
{
	return strcpy(xrealloc(NULL, strlen(s) + 1), s);
}

static void push(double **v, unsigned int *n, unsigned int *cap, double x)
{
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		*v = xrealloc(*v, *cap * sizeof(**v));
	}
	(*v)[(*n)++] = x;
}

static int row_index(const char *id)
{
	unsigned int i;

	for (i = 0; i < nr_rows; i++)
		if (!strcmp(rows[i].id, id))
			return i;
	return -1;
}

static int side_index(const char *name)
{
	unsigned int i;

	for (i = 0; i < NR_SIDES; i++)
		if (!strcmp(side_names[i], name))
			return i;
	return -1;
}

static const char *meta_get(const struct results *res, const char *key)
{
	unsigned int i;

	for (i = 0; i < res->nmeta; i++)
		if (!strcmp(res->meta[i].key, key))
			return res->meta[i].value;
	return NULL;
}

/* "WORD WORD rest of line": the rest, or "" */
static char *rest(char *line, int words)
{
	char *p = line;

	while (words-- > 0) {
		p += strcspn(p, " ");
		p += strspn(p, " ");
	}
	return p;
}

static int load_results(const char *path, struct results *res)
{
	char line[1024], kind[32], a[64], b[64];
	unsigned int round;
	double x;
	FILE *f = fopen(path, "r");
	int r, s;

	memset(res, 0, sizeof(*res));
	if (!f) {
		printf("vmctl-bench: cannot read %s: %s\n", path, strerror(errno));
		return -1;
	}
	res->cells = xrealloc(NULL, nr_rows * NR_SIDES * sizeof(struct cell));
	memset(res->cells, 0, nr_rows * NR_SIDES * sizeof(struct cell));
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (sscanf(line, "%31s", kind) != 1)
			continue;
		if (!strcmp(kind, "meta")) {
			if (sscanf(line, "meta %63s", a) != 1)
				goto bad;
			if (meta_get(res, a))
				continue;
			res->meta = xrealloc(res->meta, (res->nmeta + 1) * sizeof(*res->meta));
			res->meta[res->nmeta].key = xstrdup(a);
			res->meta[res->nmeta].value = xstrdup(rest(line, 2));
			res->nmeta++;
			continue;
		}
		if (!strcmp(kind, "done")) {
			if (sscanf(line, "done %63s %u", a, &round) != 2 ||
			    round == 0 || round > MAX_ROUNDS)
				goto bad;
			res->done[strcmp(a, "kvm") == 0][round] = 1;
			continue;
		}
		if (sscanf(line, "%*s %63s %63s", a, b) != 2)
			goto bad;
		s = side_index(b);
		r = row_index(a);
		if (!strcmp(kind, "error") && !strcmp(a, "-")) {
			res->errors = xrealloc(res->errors, (res->nerrors + 1) * sizeof(char *));
			res->errors[res->nerrors++] = xstrdup(rest(line, 2));
			continue;
		}
		if (r < 0 || s < 0)
			goto bad;
		if (!strcmp(kind, "sample")) {
			struct cell *c = cell(res, r, s);

			if (sscanf(line, "%*s %*s %*s %u %lf", &round, &x) != 2 ||
			    round == 0 || round > MAX_ROUNDS)
				goto bad;
			push(&c->v, &c->n, &c->cap, x);
			c->rounds[round]++;
		} else if (!strcmp(kind, "part")) {
			struct cell *c = cell(res, r, s);
			char name[64];
			unsigned int p;

			if (sscanf(line, "%*s %*s %*s %u %63s %lf", &round, name, &x) != 3)
				goto bad;
			for (p = 0; p < c->nparts && strcmp(c->parts[p].name, name); p++)
				;
			if (p == c->nparts) {
				c->parts = xrealloc(c->parts, (p + 1) * sizeof(*c->parts));
				memset(&c->parts[p], 0, sizeof(c->parts[p]));
				c->parts[p].name = xstrdup(name);
				c->nparts++;
			}
			push(&c->parts[p].v, &c->parts[p].n, &c->parts[p].cap, x);
		} else if (!strcmp(kind, "unsupported")) {
			if (!cell(res, r, s)->unsupported)
				cell(res, r, s)->unsupported = xstrdup(rest(line, 3));
		} else if (!strcmp(kind, "error")) {
			if (!cell(res, r, s)->error)
				cell(res, r, s)->error = xstrdup(rest(line, 3));
		} else {
			goto bad;
		}
		continue;
bad:
		printf("vmctl-bench: malformed result line: %s\n", line);
		res->malformed++;
	}
	fclose(f);
	return 0;
}

/*
 * Every way in which a side did not run, one line each; hv limits the
 * check to one hypervisor's sides (NULL: both).  Returns the count.
 */
static unsigned int problems(const struct results *res, const char *hv,
			     unsigned int rounds)
{
	unsigned int n = res->malformed, i, s, rd;

	for (i = 0; i < res->nerrors; i++) {
		if (hv && strncmp(res->errors[i], hv, strlen(hv)))
			continue;
		/* "SIDE message" */
		printf("FAILED: %.*s: %s\n", (int)strcspn(res->errors[i], " "), res->errors[i],
		       rest(res->errors[i], 1));
		n++;
	}
	for (s = 0; s < 2; s++) {
		const char *name = s ? "kvm" : "vmctl";

		if (hv && strcmp(hv, name))
			continue;
		for (rd = 1; rd <= rounds; rd++)
			if (!res->done[s][rd]) {
				printf("FAILED: the %s side did not run to its end in round %u\n",
				       name, rd);
				n++;
			}
	}
	for (i = 0; i < nr_rows; i++) {
		for (s = 0; s < NR_SIDES; s++) {
			struct cell *c = cell((struct results *)res, i, s);

			if (hv && strcmp(hv, side_hv[s]))
				continue;
			if (c->error) {
				printf("FAILED: %s on %s: %s\n", rows[i].id, side_names[s], c->error);
				n++;
				continue;
			}
			if (c->unsupported && s == KVM) {
				printf("FAILED: %s on kvm: %s\n", rows[i].id, c->unsupported);
				n++;
				continue;
			}
			if (c->unsupported && !c->n)
				continue;
			for (rd = 1; rd <= rounds; rd++)
				if (!c->rounds[rd]) {
					printf("FAILED: %s on %s: no sample in round %u\n",
					       rows[i].id, side_names[s], rd);
					n++;
					break;
				}
		}
	}
	return n;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static struct stats stats_of(const double *v, unsigned int n)
{
	double *s = xrealloc(NULL, n * sizeof(*s));
	struct stats st;

	memcpy(s, v, n * sizeof(*s));
	qsort(s, n, sizeof(*s), cmp_double);
	st.median = n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
	st.min = s[0];
	st.max = s[n - 1];
	free(s);
	return st;
}

/* Half the range, relative to the median, in percent. */
static double spread(const struct stats *st)
{
	return st->median > 0 ? (st->max - st->min) / 2 / st->median * 100 : 0;
}

static bool measured(const struct cell *c)
{
	return c->n > 0 && !c->unsupported && !c->error;
}

static void fmt_cell(char *buf, size_t len, const struct cell *c)
{
	struct stats st;

	if (!measured(c)) {
		snprintf(buf, len, "n/a");
		return;
	}
	st = stats_of(c->v, c->n);
	snprintf(buf, len, "%.2f ±%.1f%%", st.median, spread(&st));
}

static void fmt_ratio(char *buf, size_t len, const struct cell *a, const struct cell *k)
{
	if (!measured(a) || !measured(k)) {
		snprintf(buf, len, "-");
		return;
	}
	snprintf(buf, len, "%.2f", stats_of(a->v, a->n).median / stats_of(k->v, k->n).median);
}

static double ratio(const struct cell *a, const struct cell *k)
{
	if (!measured(a) || !measured(k))
		return -1;
	return stats_of(a->v, a->n).median / stats_of(k->v, k->n).median;
}

static bool is_exit_path(const struct row *r)
{
	return r->measure == measure_loop && !r->floor;
}

static void print_table(struct results *res)
{
	char l[40], w[40], k[40], rl[16], rw[16];
	unsigned int i;

	printf("%-2s %-40s %-4s %16s %16s %16s %8s %8s\n", "#", "metric", "unit",
	       "vmctl (lib)", "vmctl (raw)", "KVM", "lib/KVM", "raw/KVM");
	for (i = 0; i < nr_rows; i++) {
		struct cell *cl = cell(res, i, LIB), *cw = cell(res, i, RAW),
			    *ck = cell(res, i, KVM);

		fmt_cell(l, sizeof(l), cl);
		fmt_cell(w, sizeof(w), cw);
		fmt_cell(k, sizeof(k), ck);
		fmt_ratio(rl, sizeof(rl), cl, ck);
		fmt_ratio(rw, sizeof(rw), cw, ck);
		/* "±" is two bytes and one column: pad by hand. */
		printf("%-2u %-40s %-4s %*s %*s %*s %8s %8s\n", i + 1, rows[i].label, rows[i].unit,
		       16 + (strstr(l, "±") ? 1 : 0), l, 16 + (strstr(w, "±") ? 1 : 0), w,
		       16 + (strstr(k, "±") ? 1 : 0), k, rl, rw);
	}
	printf("\nmedian ±half the range over all samples; ratios of medians (below 1: vmctl is better).\n");
	for (i = 0; i < nr_rows; i++) {
		struct cell *cw = cell(res, i, RAW);

		if (!measured(cw) && cw->unsupported)
			printf("#%u %s: %s\n", i + 1, rows[i].id, cw->unsupported);
	}
}

/* Median of the part called name in c, or -1 if c has none. */
static double part_median(const struct cell *c, const char *name)
{
	unsigned int p;

	if (!measured(c))
		return -1;
	for (p = 0; p < c->nparts; p++)
		if (!strcmp(c->parts[p].name, name))
			return stats_of(c->parts[p].v, c->parts[p].n).median;
	return -1;
}

/* The parts of the rows that have them, side by side (medians). */
static void print_breakdown(struct results *res)
{
	unsigned int i, p, s, t;

	for (i = 0; i < nr_rows; i++) {
		bool any = false;

		for (s = 0; s < NR_SIDES; s++)
			any |= measured(cell(res, i, s)) && cell(res, i, s)->nparts;
		if (!any)
			continue;
		printf("\n%u %s, broken down (%s, medians):\n", i + 1, rows[i].label,
		       rows[i].unit);
		/* Every part name once, in the order the sides list them. */
		for (s = 0; s < NR_SIDES; s++) {
			struct cell *c = cell(res, i, s);

			for (p = 0; p < c->nparts; p++) {
				const char *name = c->parts[p].name;
				bool seen = false;

				for (t = 0; t < s; t++)
					seen |= part_median(cell(res, i, t), name) >= 0;
				if (seen)
					continue;
				printf("   %-40s", name);
				for (t = 0; t < NR_SIDES; t++) {
					double m = part_median(cell(res, i, t), name);

					if (m >= 0)
						printf(" %16.2f", m);
					else
						printf(" %16s", "-");
				}
				printf("\n");
			}
		}
	}
}

/* The issue's targets, judged on the module (raw) against KVM. */
static void print_targets(struct results *res)
{
	double floor_us = -1;
	unsigned int i;

	for (i = 0; i < nr_rows; i++)
		if (rows[i].floor && measured(cell(res, i, RAW))) {
			floor_us = stats_of(cell(res, i, RAW)->v, cell(res, i, RAW)->n).median;
		}
	printf("\ntargets (vmctl raw against KVM; vmctl lib in brackets):\n");
	for (i = 0; i < nr_rows; i++) {
		double rr = ratio(cell(res, i, RAW), cell(res, i, KVM));
		double rl = ratio(cell(res, i, LIB), cell(res, i, KVM));
		char extra[96] = "";

		if (rr < 0)
			continue;
		if (is_exit_path(&rows[i]) && floor_us > 0)
			snprintf(extra, sizeof(extra), ", %.2fx the floor%s",
				 stats_of(cell(res, i, RAW)->v, cell(res, i, RAW)->n).median / floor_us,
				 stats_of(cell(res, i, RAW)->v, cell(res, i, RAW)->n).median / floor_us
				 <= 1.5 ? "" : " (aim: 1.5x)");
		printf("  %-14s ratio %.2f [%.2f] %s%s\n", rows[i].id, rr, rl,
		       rr > 1.0 ? "OVER 1.00" :
		       is_exit_path(&rows[i]) && rr > 0.5 ? "(aim for exit paths: 0.50)" : "ok",
		       extra);
	}
}

static void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; s && *s; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(f, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			fprintf(f, "\\u%04x", *s);
		else
			fputc(*s, f);
	}
	fputc('"', f);
}

static void json_cell(FILE *f, const struct cell *c)
{
	struct stats st;
	unsigned int i;

	if (!measured(c)) {
		fprintf(f, "{\"unsupported\": ");
		json_str(f, c->unsupported ? c->unsupported : "not measured");
		fprintf(f, "}");
		return;
	}
	st = stats_of(c->v, c->n);
	fprintf(f, "{\"median\": %.6g, \"min\": %.6g, \"max\": %.6g, \"spread_pct\": %.3g, \"samples\": [",
		st.median, st.min, st.max, spread(&st));
	for (i = 0; i < c->n; i++)
		fprintf(f, "%s%.6g", i ? ", " : "", c->v[i]);
	fprintf(f, "]");
	if (c->nparts) {
		/* The breakdown, medians in the row's unit. */
		fprintf(f, ", \"parts\": {");
		for (i = 0; i < c->nparts; i++) {
			fprintf(f, "%s", i ? ", " : "");
			json_str(f, c->parts[i].name);
			fprintf(f, ": %.6g", stats_of(c->parts[i].v, c->parts[i].n).median);
		}
		fprintf(f, "}");
	}
	fprintf(f, "}");
}

static void json_ratio(FILE *f, double r)
{
	if (r < 0)
		fprintf(f, "null");
	else
		fprintf(f, "%.4g", r);
}

static int write_json(struct results *res, const struct report_opts *o)
{
	static const char *const nums[] = {
		"tsc_khz", "iterations", "repeats", "lifecycle_cycles", "touch_mib", "idle_vms",
	};
	char tmp[4096];
	unsigned int i, s;
	bool first;
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.tmp", o->json_path);
	f = fopen(tmp, "w");
	if (!f) {
		printf("vmctl-bench: cannot write %s: %s\n", tmp, strerror(errno));
		return -1;
	}
	fprintf(f, "{\n  \"bench\": \"vmctl-bench\",\n  \"cpu_model\": ");
	json_str(f, meta_get(res, "cpu_model"));
	fprintf(f, ",\n  \"kernel\": ");
	json_str(f, meta_get(res, "kernel"));
	fprintf(f, ",\n  \"clocksource\": ");
	json_str(f, meta_get(res, "clocksource"));
	fprintf(f, ",\n  \"rounds\": %u", o->rounds);
	for (i = 0; i < sizeof(nums) / sizeof(nums[0]); i++) {
		const char *v = meta_get(res, nums[i]);

		fprintf(f, ",\n  \"%s\": %s", nums[i], v && *v ? v : "null");
	}
	fprintf(f, ",\n  \"kvm_intel\": {");
	for (i = 0, first = true; i < res->nmeta; i++) {
		if (strncmp(res->meta[i].key, "kvm_intel.", 10))
			continue;
		fprintf(f, "%s", first ? "" : ", ");
		json_str(f, res->meta[i].key + 10);
		fprintf(f, ": ");
		json_str(f, res->meta[i].value);
		first = false;
	}
	fprintf(f, "},\n  \"metrics\": [\n");
	for (i = 0; i < nr_rows; i++) {
		fprintf(f, "    {\"number\": %u, \"id\": ", i + 1);
		json_str(f, rows[i].id);
		fprintf(f, ", \"label\": ");
		json_str(f, rows[i].label);
		fprintf(f, ", \"title\": ");
		json_str(f, rows[i].title);
		fprintf(f, ", \"unit\": ");
		json_str(f, rows[i].unit);
		for (s = 0; s < NR_SIDES; s++) {
			fprintf(f, ",\n     \"%s\": ", side_keys[s]);
			json_cell(f, cell(res, i, s));
		}
		fprintf(f, ",\n     \"ratio_lib_kvm\": ");
		json_ratio(f, ratio(cell(res, i, LIB), cell(res, i, KVM)));
		fprintf(f, ", \"ratio_raw_kvm\": ");
		json_ratio(f, ratio(cell(res, i, RAW), cell(res, i, KVM)));
		fprintf(f, "}%s\n", i + 1 < nr_rows ? "," : "");
	}
	fprintf(f, "  ]\n}\n");
	if (fclose(f)) {
		printf("vmctl-bench: writing %s failed\n", tmp);
		return -1;
	}
	if (rename(tmp, o->json_path)) {
		printf("vmctl-bench: cannot rename %s: %s\n", tmp, strerror(errno));
		return -1;
	}
	return 0;
}

int report(const char *path, const struct report_opts *o)
{
	struct results res;
	unsigned int n;

	if (o->rounds > MAX_ROUNDS) {
		printf("vmctl-bench: at most %d rounds\n", MAX_ROUNDS);
		return -1;
	}
	if (o->json_path)
		remove(o->json_path);	/* never leave an old report behind */
	if (load_results(path, &res))
		return -1;
	n = problems(&res, NULL, o->rounds);
	if (n) {
		printf("vmctl-bench: %u failure(s): no figures are reported\n", n);
		return -1;
	}
	printf("vmctl against KVM: %u round(s) of (vmctl, KVM) in one boot; kernel %s; CPU %s; clock %s\n",
	       o->rounds, meta_get(&res, "kernel"), meta_get(&res, "cpu_model"),
	       meta_get(&res, "clocksource"));
	print_table(&res);
	print_breakdown(&res);
	print_targets(&res);
	if (o->json_path && write_json(&res, o))
		return -1;
	return 0;
}

int check_side(const char *path, const char *hv, unsigned int rounds)
{
	struct results res;

	if (rounds > MAX_ROUNDS || load_results(path, &res))
		return -1;
	return problems(&res, hv, rounds) ? -1 : 0;
}
