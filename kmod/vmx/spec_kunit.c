// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suites of the host-state decisions taken around guest entry:
 * which XSAVE components a guest gets (fpu.h).  #included by
 * kmod/tests/spec_kunit.c, like vmx_kunit.c.  Expected values are spelled as SDM bit numbers, not as the
 * kernel macros the code under test uses.
 */
#include <kunit/test.h>
#include <linux/bits.h>
#include <linux/kernel.h>

#include "fpu.h"

/* ---- XSAVE components ---------------------------------------------------- */

#define X87		BIT_ULL(0)
#define SSE		BIT_ULL(1)
#define AVX		BIT_ULL(2)
#define AVX512		(BIT_ULL(5) | BIT_ULL(6) | BIT_ULL(7))
#define PKRU		BIT_ULL(9)
#define TILECFG		BIT_ULL(17)
#define TILEDATA	BIT_ULL(18)

static void xfeatures_hide_pkru_and_amx_test(struct kunit *test)
{
	u64 host = X87 | SSE | AVX | AVX512 | PKRU | TILECFG | TILEDATA;

	KUNIT_EXPECT_EQ(test, vmx_guest_xfeatures(host), X87 | SSE | AVX | AVX512);
	KUNIT_EXPECT_EQ(test, vmx_guest_xfeatures(X87 | SSE | PKRU), X87 | SSE);
	KUNIT_EXPECT_EQ(test, vmx_guest_xfeatures(host) & (PKRU | TILECFG | TILEDATA), 0ULL);
}

static void xfeatures_keep_the_rest_test(struct kunit *test)
{
	/* Haswell in Bochs: nothing to hide, so no XSETBV around entry. */
	KUNIT_EXPECT_EQ(test, vmx_guest_xfeatures(X87 | SSE | AVX), X87 | SSE | AVX);
	KUNIT_EXPECT_EQ(test, vmx_guest_xfeatures(X87 | SSE), X87 | SSE);
}

static struct kunit_case spec_test_cases[] = {
	KUNIT_CASE(xfeatures_hide_pkru_and_amx_test),
	KUNIT_CASE(xfeatures_keep_the_rest_test),
	{}
};

static struct kunit_suite spec_test_suite = {
	.name = "vmctl_vmx_hoststate",
	.test_cases = spec_test_cases,
};

kunit_test_suite(spec_test_suite);
