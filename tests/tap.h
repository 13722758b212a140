/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A minimal TAP 13 (kselftest-style) producer shared by every user-space test
 * program of vmctl: the host unit tests, the decoder tests and the selftests
 * that run inside the emulated PC.  make check counts the "ok"/"not ok" lines.
 *
 *   tap_plan(3);
 *   tap_ok(x == 1, "x is one");
 *   tap_skip("needs VMX");          // counted as skipped, never as passed
 *   return tap_finish();            // exit status: 0 only if nothing failed
 *
 * tap_plan() must come before the first result (testbed/tap-summary fails a
 * plan that follows results).
 */
#ifndef VMCTL_TESTS_TAP_H
#define VMCTL_TESTS_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

static int tap_next_number = 1;
static int tap_failures;
static int tap_planned = -1;

static inline void tap_plan(int count)
{
	tap_planned = count;
	printf("TAP version 13\n1..%d\n", count);
	fflush(stdout);
}

static inline void tap_diag(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
static inline void tap_diag(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

static inline int tap_ok(int passed, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static inline int tap_ok(int passed, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d - ", passed ? "" : "not ", tap_next_number++);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	if (!passed)
		tap_failures++;
	return passed;
}

static inline void tap_skip(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
static inline void tap_skip(const char *fmt, ...)
{
	va_list ap;

	printf("ok %d # SKIP ", tap_next_number++);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

/*
 * Ends the stream.  The plan must have come first: a plan printed after the
 * results only restates what ran, so a test that lost cases would pass.
 * Harness verdicts are unnumbered, so they never pose as a planned test.
 */
static inline int tap_finish(void)
{
	int ran = tap_next_number - 1;

	if (tap_planned < 0) {
		printf("not ok - no plan was printed before the %d results\n", ran);
		tap_failures++;
	} else if (ran != tap_planned) {
		printf("not ok - planned %d tests but ran %d\n", tap_planned, ran);
		tap_failures++;
	}
	fflush(stdout);
	return tap_failures ? EXIT_FAILURE : EXIT_SUCCESS;
}

/* For a fatal setup error: report it as a failure and stop the program. */
static inline void tap_bail(const char *fmt, ...)
	__attribute__((format(printf, 1, 2), noreturn));
static inline void tap_bail(const char *fmt, ...)
{
	va_list ap;

	printf("not ok %d - ", tap_next_number++);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\nBail out!\n");
	fflush(stdout);
	exit(EXIT_FAILURE);
}

#endif /* VMCTL_TESTS_TAP_H */
