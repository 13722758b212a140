// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite of the string I/O batch arithmetic (string_io_batch.c):
 * how many elements a batch takes and where RSI/RDI and RCX end up.  The
 * expected numbers are worked out by hand from the SDM's INS/OUTS pages,
 * not computed with the functions under test.  #included by
 * kmod/tests/string_io_kunit.c; vmx_seg_linear() comes from the walk
 * suite, which includes walk.c into the same module.
 */
#include <kunit/test.h>
#include <linux/kernel.h>

#include "string_io_batch.c"

static const struct strio_op b64 = { .size = 1, .addr_bytes = 8, .rep = true };
static const struct strio_op w64 = { .size = 2, .addr_bytes = 8, .rep = true };
static const struct strio_op d64 = { .size = 4, .addr_bytes = 8, .rep = true };
static const struct strio_op d64_down = { .size = 4, .addr_bytes = 8, .df = true, .rep = true };
static const struct strio_op b16 = { .size = 1, .addr_bytes = 2, .rep = true };
static const struct strio_op b16_down = { .size = 1, .addr_bytes = 2, .df = true, .rep = true };

static void strio_register_writes_test(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, strio_addr_mask(2), 0xffffULL);
	KUNIT_EXPECT_EQ(test, strio_addr_mask(4), 0xffffffffULL);
	KUNIT_EXPECT_EQ(test, strio_addr_mask(8), ~0ULL);
	/* 16 bits keep 63:16, 32 bits zero-extend, 64 bits replace. */
	KUNIT_EXPECT_EQ(test, strio_write_reg(0x1111222233334444ULL, 0x5555, 2),
			0x1111222233335555ULL);
	KUNIT_EXPECT_EQ(test, strio_write_reg(0x1111222233334444ULL, 0x9999888877776666ULL, 4),
			0x77776666ULL);
	KUNIT_EXPECT_EQ(test, strio_write_reg(1, 0x9999888877776666ULL, 8),
			0x9999888877776666ULL);
}

static void strio_batch_limits_test(struct kunit *test)
{
	/* The data area: 2048 bytes, 1024 words; a page-aligned buffer. */
	KUNIT_EXPECT_EQ(test, strio_batch_count(&b64, 5000, 0x10000, 0x10000), 2048U);
	KUNIT_EXPECT_EQ(test, strio_batch_count(&w64, 5000, 0x10000, 0x10000), 1024U);
	/* RCX */
	KUNIT_EXPECT_EQ(test, strio_batch_count(&w64, 3, 0x10000, 0x10000), 3U);
	KUNIT_EXPECT_EQ(test, strio_batch_count(&w64, 0, 0x10000, 0x10000), 0U);
	/* The page: 21 bytes left hold 5 dwords (4075..4094). */
	KUNIT_EXPECT_EQ(test, strio_batch_count(&d64, 37, 0x10feb, 0x10feb), 5U);
	/* The second half of the page, upwards: 2048 bytes exactly. */
	KUNIT_EXPECT_EQ(test, strio_batch_count(&b64, 4096, 0x10800, 0x10800), 2048U);
	/* Downwards from offset 19: dwords at 19, 15, 11, 7, 3. */
	KUNIT_EXPECT_EQ(test, strio_batch_count(&d64_down, 37, 0x11013, 0x11013), 5U);
	/* An element across the page boundary goes alone. */
	KUNIT_EXPECT_EQ(test, strio_batch_count(&w64, 37, 0x10fff, 0x10fff), 1U);
	KUNIT_EXPECT_EQ(test, strio_batch_count(&d64_down, 37, 0x10fff, 0x10fff), 1U);
	/* The address size: DI 0xfffe and 0xffff, then it would wrap. */
	KUNIT_EXPECT_EQ(test, strio_batch_count(&b16, 10, 0xfffe, 0x1fffe), 2U);
	/* ... and downwards from DI 3: 3, 2, 1, 0. */
	KUNIT_EXPECT_EQ(test, strio_batch_count(&b16_down, 10, 3, 0x10103), 4U);
}

static void strio_advance_test(struct kunit *test)
{
	struct strio_op norep = { .size = 1, .addr_bytes = 8 };
	struct strio_op b32 = { .size = 1, .addr_bytes = 4, .rep = true };
	u64 index, rcx;

	index = 0x1000;
	rcx = 12;
	strio_advance(&w64, 10, &index, &rcx);
	KUNIT_EXPECT_EQ(test, index, 0x1014ULL);
	KUNIT_EXPECT_EQ(test, rcx, 2ULL);

	index = 0x100;
	rcx = 3;
	strio_advance(&d64_down, 3, &index, &rcx);
	KUNIT_EXPECT_EQ(test, index, 0xf4ULL);
	KUNIT_EXPECT_EQ(test, rcx, 0ULL);

	/* 16-bit: DI wraps to 0, the upper bits stay. */
	index = 0xabcdfffeULL;
	rcx = 0x55550002ULL;
	strio_advance(&b16, 2, &index, &rcx);
	KUNIT_EXPECT_EQ(test, index, 0xabcd0000ULL);
	KUNIT_EXPECT_EQ(test, rcx, 0x55550000ULL);

	/* ADDR32 in 64-bit mode: both written zero-extended. */
	index = BIT_ULL(32) | 0x10;
	rcx = (5ULL << 32) | 1;
	strio_advance(&b32, 1, &index, &rcx);
	KUNIT_EXPECT_EQ(test, index, 0x11ULL);
	KUNIT_EXPECT_EQ(test, rcx, 0ULL);

	/* Without REP, RCX is no counter. */
	index = 0x2000;
	rcx = 5;
	strio_advance(&norep, 1, &index, &rcx);
	KUNIT_EXPECT_EQ(test, index, 0x2001ULL);
	KUNIT_EXPECT_EQ(test, rcx, 5ULL);
}

static void strio_seg_clamp_test(struct kunit *test)
{
	/* Writable data, expand-up, limit 0x40fff: 0x40ff0..0x40fff pass. */
	struct vmx_walk_seg up = { .base = 0, .limit = 0x40fff, .ar = 0x93 };
	/* Writable data, expand-down, limit 0xfff: offsets above 0xfff pass. */
	struct vmx_walk_seg down = { .base = 0, .limit = 0xfff, .ar = 0x97 };
	struct strio_op b32 = { .size = 1, .addr_bytes = 4, .rep = true };
	struct strio_op b32_down = { .size = 1, .addr_bytes = 4, .df = true, .rep = true };

	KUNIT_EXPECT_EQ(test, strio_seg_clamp(&b32, &up, 0, false, 48, 0x40ff0,
					      VMX_WALK_WRITE, 32), 16U);
	KUNIT_EXPECT_EQ(test, strio_seg_clamp(&b32, &up, 0, false, 48, 0x40000,
					      VMX_WALK_WRITE, 32), 32U);
	KUNIT_EXPECT_EQ(test, strio_seg_clamp(&b32_down, &down, 0, false, 48, 0x1010,
					      VMX_WALK_WRITE, 32), 17U);
	/* 64-bit mode: no limit. */
	KUNIT_EXPECT_EQ(test, strio_seg_clamp(&b64, &up, 0, true, 48, 0x40ff0,
					      VMX_WALK_WRITE, 32), 32U);
}

static struct kunit_case strio_test_cases[] = {
	KUNIT_CASE(strio_register_writes_test),
	KUNIT_CASE(strio_batch_limits_test),
	KUNIT_CASE(strio_advance_test),
	KUNIT_CASE(strio_seg_clamp_test),
	{}
};

static struct kunit_suite strio_test_suite = {
	.name = "vmctl_string_io",
	.test_cases = strio_test_cases,
};

kunit_test_suite(strio_test_suite);
