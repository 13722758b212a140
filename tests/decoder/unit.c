// SPDX-License-Identifier: GPL-2.0
/*
 * The decoder's unit table in user space: one TAP line per case of
 * cases.txt (fields, truncation, the 15-byte limit, completion checks), the
 * same checks the KUnit suite runs in the kernel.
 */
#include <stdio.h>
#include <string.h>

#include "../tap.h"
#include "insn_case.h"
#include "generated/insn_cases.h"

static const char *const mode_names[] = { "16-bit", "32-bit", "64-bit" };

int main(void)
{
	u8 scratch[2 * VMCTL_INSN_MAX_LEN];
	struct vmctl_insn insn;
	char why[160];
	unsigned int i;
	u8 nop = 0x90;

	tap_plan(INSN_NR_CASES + 2);
	for (i = 0; i < INSN_NR_CASES; i++) {
		const struct insn_case *c = &insn_cases[i];
		int bad;

		why[0] = 0;
		bad = insn_case_run(c, insn_cxs, scratch, why, sizeof(why));
		tap_ok(!bad, "cases.txt:%d %s %s%s%s", c->line,
		       mode_names[c->mode], c->text, bad ? ": " : "", why);
	}
	vmctl_insn_decode(&insn, &nop, 1, 3);
	tap_ok(insn.status == VMCTL_INSN_ERR_MODE, "a bad mode is refused");
	vmctl_insn_decode(&insn, NULL, 0, VMCTL_INSN_MODE_64);
	tap_ok(insn.status == VMCTL_INSN_ERR_TRUNCATED && insn.nbytes == 0,
	       "no bytes at all: truncated");
	return tap_finish();
}
