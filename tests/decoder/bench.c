// SPDX-License-Identifier: GPL-2.0
/*
 * Decoder benchmark (not a test): nanoseconds per vmctl_insn_decode() over
 * the unit corpus (every case of cases.txt, decodable or not), median and
 * spread over several runs.  Target: under 100 ns per instruction.  Time is
 * the thread's CPU time, so that other load on the machine does not count.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "insn_case.h"
#include "generated/insn_cases.h"

#define RUNS	15
#define ROUNDS	2000

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int main(void)
{
	static struct vmctl_insn insn;
	double ns[RUNS], t0;
	unsigned int run, round, i;
	volatile unsigned int sink = 0;

	for (run = 0; run < RUNS; run++) {
		t0 = now_ns();
		for (round = 0; round < ROUNDS; round++)
			for (i = 0; i < INSN_NR_CASES; i++) {
				const struct insn_case *c = &insn_cases[i];

				sink += vmctl_insn_decode(&insn, c->bytes,
							  c->nbytes, c->mode);
			}
		ns[run] = (now_ns() - t0) / ((double)ROUNDS * INSN_NR_CASES);
	}
	qsort(ns, RUNS, sizeof(ns[0]), cmp_double);
	printf("decode: %u instructions x %u rounds, %u runs: median %.1f ns per decode (min %.1f, max %.1f, spread %.1f%%)\n",
	       INSN_NR_CASES, ROUNDS, RUNS, ns[RUNS / 2], ns[0], ns[RUNS - 1],
	       100.0 * (ns[RUNS - 1] - ns[0]) / ns[RUNS / 2]);
	return 0;
}
