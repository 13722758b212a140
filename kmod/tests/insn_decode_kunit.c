// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite of the MMIO instruction decoder: the unit table of
 * tests/decoder/cases.txt, run on the kernel build of the decoder (kernel
 * compiler flags, no SSE) with exactly the checks the user-space test runs,
 * one parameterized case per table line.
 */
#include <kunit/test.h>
#include <linux/kernel.h>
#include <linux/module.h>

#include "../x86/insn_decode.c"
#include "insn_case.h"
#include "generated/insn_cases.h"

static const char *const mode_names[] = { "16", "32", "64" };

static void insn_case_desc(const struct insn_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "cases.txt:%d %s-bit %s",
		 c->line, mode_names[c->mode], c->text);
}

KUNIT_ARRAY_PARAM(insn_case, insn_cases, insn_case_desc);

static void insn_case_test(struct kunit *test)
{
	const struct insn_case *c = test->param_value;
	u8 scratch[2 * VMCTL_INSN_MAX_LEN];
	char why[160] = "";
	int bad;

	bad = insn_case_run(c, insn_cxs, scratch, why, sizeof(why));
	KUNIT_EXPECT_EQ_MSG(test, bad, 0, "cases.txt:%d %s: %s", c->line,
			    c->text, why);
}

static void insn_bad_mode_test(struct kunit *test)
{
	struct vmctl_insn insn;
	u8 nop = 0x90;

	vmctl_insn_decode(&insn, &nop, 1, 3);
	KUNIT_EXPECT_EQ(test, insn.status, VMCTL_INSN_ERR_MODE);
	vmctl_insn_decode(&insn, NULL, 0, VMCTL_INSN_MODE_64);
	KUNIT_EXPECT_EQ(test, insn.status, VMCTL_INSN_ERR_TRUNCATED);
}

static struct kunit_case insn_decode_test_cases[] = {
	KUNIT_CASE_PARAM(insn_case_test, insn_case_gen_params),
	KUNIT_CASE(insn_bad_mode_test),
	{}
};

static struct kunit_suite insn_decode_test_suite = {
	.name = "vmctl_insn_decode",
	.test_cases = insn_decode_test_cases,
};

kunit_test_suite(insn_decode_test_suite);

MODULE_DESCRIPTION("KUnit tests of vmctl's MMIO instruction decoder");
MODULE_LICENSE("GPL");
