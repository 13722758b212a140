// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suites of the host-state decisions taken around guest entry: when
 * to flush the L1D and issue an IBPB (spec.h), and which XSAVE components
 * a guest gets (fpu.h).  #included by kmod/tests/spec_kunit.c, like
 * vmx_kunit.c.  Expected values are spelled as SDM bit numbers, not as the
 * kernel macros the code under test uses.
 */
#include <kunit/test.h>
#include <linux/bits.h>
#include <linux/kernel.h>

#include "fpu.h"
#include "spec.h"

/* ---- L1D flush ---------------------------------------------------------- */

static const struct vmx_spec_host l1tf_host = { .l1tf_bug = true };

static void l1d_flush_auto_follows_host_test(struct kunit *test)
{
	struct vmx_spec_host h = l1tf_host;

	KUNIT_EXPECT_TRUE(test, vmx_want_l1d_flush(VMX_L1D_FLUSH_AUTO, &h));
	h.l1tf_off = true;		/* l1tf=off */
	KUNIT_EXPECT_FALSE(test, vmx_want_l1d_flush(VMX_L1D_FLUSH_AUTO, &h));
	h = l1tf_host;
	h.l1d_flush_not_needed = true;	/* ARCH_CAPABILITIES bit 3 */
	KUNIT_EXPECT_FALSE(test, vmx_want_l1d_flush(VMX_L1D_FLUSH_AUTO, &h));
	h = (struct vmx_spec_host){ };	/* not affected */
	KUNIT_EXPECT_FALSE(test, vmx_want_l1d_flush(VMX_L1D_FLUSH_AUTO, &h));
}

static void l1d_flush_forced_modes_test(struct kunit *test)
{
	struct vmx_spec_host unaffected = { };
	struct vmx_spec_host off = { .l1tf_bug = true, .l1tf_off = true };

	KUNIT_EXPECT_TRUE(test, vmx_want_l1d_flush(VMX_L1D_FLUSH_ALWAYS, &unaffected));
	KUNIT_EXPECT_TRUE(test, vmx_want_l1d_flush(VMX_L1D_FLUSH_ALWAYS, &off));
	KUNIT_EXPECT_FALSE(test, vmx_want_l1d_flush(VMX_L1D_FLUSH_NEVER, &l1tf_host));
}

/* ---- IBPB --------------------------------------------------------------- */

static void ibpb_between_vms_only_test(struct kunit *test)
{
	struct vmx_spec_host h = { .use_ibpb = true };

	KUNIT_EXPECT_TRUE(test, vmx_want_ibpb(0, 1, &h));	/* first VM here */
	KUNIT_EXPECT_TRUE(test, vmx_want_ibpb(1, 2, &h));	/* another VM */
	KUNIT_EXPECT_TRUE(test, vmx_want_ibpb(2, 1, &h));	/* and back */
	KUNIT_EXPECT_FALSE(test, vmx_want_ibpb(2, 2, &h));	/* same VM, other vCPU */
}

static void ibpb_follows_kernel_choice_test(struct kunit *test)
{
	struct vmx_spec_host h = { .use_ibpb = false };

	KUNIT_EXPECT_FALSE(test, vmx_want_ibpb(1, 2, &h));
	KUNIT_EXPECT_FALSE(test, vmx_want_ibpb(0, 1, &h));
}

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
	KUNIT_CASE(l1d_flush_auto_follows_host_test),
	KUNIT_CASE(l1d_flush_forced_modes_test),
	KUNIT_CASE(ibpb_between_vms_only_test),
	KUNIT_CASE(ibpb_follows_kernel_choice_test),
	KUNIT_CASE(xfeatures_hide_pkru_and_amx_test),
	KUNIT_CASE(xfeatures_keep_the_rest_test),
	{}
};

static struct kunit_suite spec_test_suite = {
	.name = "vmctl_vmx_hoststate",
	.test_cases = spec_test_cases,
};

kunit_test_suite(spec_test_suite);
