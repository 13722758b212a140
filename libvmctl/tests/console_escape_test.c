// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The console escape of struct vmctl_pc (as QEMU's): Ctrl-A x quits,
 * Ctrl-A Ctrl-A sends one Ctrl-A, Ctrl-A then another key sends both, and
 * an escape split across two reads still works.
 */
#include <errno.h>
#include <string.h>

#include "tap.h"
#include "internal.h"
#include "devices/dev.h"

int main(void)
{
	struct pc_escape st = { 0 };
	uint8_t out[32];
	bool quit = false;
	size_t n;

	tap_plan(7);
	n = pc_console_filter(&st, (const uint8_t *)"ls\r", 3, out, &quit);
	tap_ok(n == 3 && !memcmp(out, "ls\r", 3) && !quit, "plain input passes unchanged");
	n = pc_console_filter(&st, (const uint8_t *)"a\001\001b", 4, out, &quit);
	tap_ok(n == 3 && !memcmp(out, "a\001b", 3) && !quit, "Ctrl-A Ctrl-A sends one Ctrl-A");
	n = pc_console_filter(&st, (const uint8_t *)"\001c", 2, out, &quit);
	tap_ok(n == 2 && !memcmp(out, "\001c", 2) && !quit, "Ctrl-A c sends both");
	n = pc_console_filter(&st, (const uint8_t *)"q\001", 2, out, &quit);
	tap_ok(n == 1 && out[0] == 'q' && !quit && st.after_ctrl_a, "a Ctrl-A at the end waits");
	n = pc_console_filter(&st, (const uint8_t *)"x", 1, out, &quit);
	tap_ok(n == 0 && quit, "and x in the next read quits");
	quit = false;
	st.after_ctrl_a = false;
	n = pc_console_filter(&st, (const uint8_t *)"ab\001xcd", 6, out, &quit);
	tap_ok(n == 2 && !memcmp(out, "ab", 2) && quit, "bytes before Ctrl-A x go through, none after");
	quit = false;
	n = pc_console_filter(&st, (const uint8_t *)"x", 1, out, &quit);
	tap_ok(n == 1 && out[0] == 'x' && !quit, "x alone is just x");
	return tap_finish();
}
