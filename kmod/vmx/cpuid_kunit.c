// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite of the CPUID table rules (cpuid_table.c): every rejection of
 * VMCTL_SET_CPUID, lookup with and without significant indices and beyond
 * a range, and the values the kernel imposes for XSAVE, PKU and AMX.
 * #included by kmod/tests/cpuid_kunit.c.  Bits are spelled as SDM bit
 * numbers, not as the macros the code under test uses.
 */
#include <kunit/test.h>
#include <linux/bits.h>
#include <linux/kernel.h>

#include "cpuid_table.c"

#define SIG	VMCTL_CPUID_FLAG_SIGNIFICANT_INDEX

static struct vmctl_cpuid_entry leaf(u32 function, u32 index, u32 flags, u32 eax)
{
	return (struct vmctl_cpuid_entry){
		.function = function, .index = index, .flags = flags,
		.eax = eax, .ebx = ~eax, .ecx = eax ^ 0x5a5a5a5a, .edx = eax + 1,
	};
}

/* ---- validation --------------------------------------------------------- */

static void check_accepts_a_valid_table_and_sorts_it_test(struct kunit *test)
{
	struct vmctl_cpuid_entry e[] = {
		leaf(0x80000000, 0, 0, 0x80000001), leaf(7, 1, SIG, 71),
		leaf(1, 0, 0, 1), leaf(7, 0, SIG, 70), leaf(0, 0, 0, 7),
	};

	KUNIT_ASSERT_EQ(test, vmx_cpuid_check_and_sort(e, ARRAY_SIZE(e)), 0);
	KUNIT_EXPECT_EQ(test, e[0].function, 0U);
	KUNIT_EXPECT_EQ(test, e[1].function, 1U);
	KUNIT_EXPECT_EQ(test, e[2].eax, 70U);
	KUNIT_EXPECT_EQ(test, e[3].eax, 71U);
	KUNIT_EXPECT_EQ(test, e[4].function, 0x80000000U);
	KUNIT_EXPECT_EQ(test, vmx_cpuid_check_and_sort(e, 0), 0);
}

static void check_rejects_too_many_test(struct kunit *test)
{
	static struct vmctl_cpuid_entry e[VMCTL_CPUID_MAX_ENTRIES + 1];
	u32 i;

	for (i = 0; i < ARRAY_SIZE(e); i++)
		e[i] = leaf(i, 0, 0, i);
	KUNIT_EXPECT_EQ(test, vmx_cpuid_check_and_sort(e, 257), -E2BIG);
	KUNIT_EXPECT_EQ(test, vmx_cpuid_check_and_sort(e, 256), 0);
}

static void check_rejects_unknown_flags_test(struct kunit *test)
{
	struct vmctl_cpuid_entry e[] = { leaf(0, 0, 0, 1), leaf(4, 0, SIG | BIT(1), 4) };

	KUNIT_EXPECT_EQ(test, vmx_cpuid_check_and_sort(e, 2), -EINVAL);
	e[1].flags = BIT(31);
	KUNIT_EXPECT_EQ(test, vmx_cpuid_check_and_sort(e, 2), -EINVAL);
}

static void check_rejects_nonzero_padding_test(struct kunit *test)
{
	struct vmctl_cpuid_entry e;
	unsigned int i;

	for (i = 0; i < 3; i++) {
		e = leaf(1, 0, 0, 1);
		e.padding[i] = 1;
		KUNIT_EXPECT_EQ_MSG(test, vmx_cpuid_check_and_sort(&e, 1), -EINVAL,
				    "padding[%u]", i);
	}
}

static void check_rejects_index_without_flag_test(struct kunit *test)
{
	struct vmctl_cpuid_entry e = leaf(4, 1, 0, 4);

	KUNIT_EXPECT_EQ(test, vmx_cpuid_check_and_sort(&e, 1), -EINVAL);
}

static void check_rejects_mixed_flags_test(struct kunit *test)
{
	struct vmctl_cpuid_entry e[] = { leaf(7, 1, SIG, 71), leaf(7, 0, 0, 70) };

	KUNIT_EXPECT_EQ(test, vmx_cpuid_check_and_sort(e, 2), -EINVAL);
}

static void check_rejects_duplicates_test(struct kunit *test)
{
	struct vmctl_cpuid_entry plain[] = {
		leaf(1, 0, 0, 1), leaf(2, 0, 0, 2), leaf(1, 0, 0, 3),
	};
	struct vmctl_cpuid_entry indexed[] = {
		leaf(4, 2, SIG, 1), leaf(4, 1, SIG, 2), leaf(4, 2, SIG, 3),
	};

	KUNIT_EXPECT_EQ(test, vmx_cpuid_check_and_sort(plain, 3), -EEXIST);
	KUNIT_EXPECT_EQ(test, vmx_cpuid_check_and_sort(indexed, 3), -EEXIST);
}

/* ---- lookup -------------------------------------------------------------- */

static struct vmx_cpuid_table *make_table(struct kunit *test,
					  const struct vmctl_cpuid_entry *e, u32 n)
{
	struct vmx_cpuid_table *t;

	t = kunit_kzalloc(test, struct_size(t, entries, n), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, t);
	memcpy(t->entries, e, n * sizeof(*e));
	t->nent = n;
	KUNIT_ASSERT_EQ(test, vmx_cpuid_check_and_sort(t->entries, n), 0);
	vmx_cpuid_index(t);
	return t;
}

/*
 * Basic leaves 0-0xd, 0x40000000-1, 0x80000000-8, as on Bochs's Haswell,
 * and two leaves beyond the direct index (vmx_cpuid_index()).
 */
static const struct vmctl_cpuid_entry lookup_entries[] = {
	{ .function = 0, .eax = 0xd },
	{ .function = 1, .eax = 0x100 },
	{ .function = 4, .index = 0, .flags = SIG, .eax = 0x400 },
	{ .function = 4, .index = 1, .flags = SIG, .eax = 0x401 },
	{ .function = 4, .index = 3, .flags = SIG, .eax = 0x403 },
	{ .function = 0xd, .index = 0, .flags = SIG, .eax = 0xd00 },
	{ .function = 0xd, .index = 2, .flags = SIG, .eax = 0xd02 },
	/* beyond leaf 0's EAX and the direct index: found by the search */
	{ .function = 0x20, .index = 0, .flags = SIG, .eax = 0x2000 },
	{ .function = 0x20, .index = 1, .flags = SIG, .eax = 0x2001 },
	{ .function = 0x30, .eax = 0x3000 },
	{ .function = 0x40000000, .eax = 0x40000001 },
	{ .function = 0x80000000, .eax = 0x80000008 },
	{ .function = 0x80000001, .eax = 0x80000100 },
};

static u32 lookup_eax(const struct vmx_cpuid_table *t, u32 function, u32 index)
{
	const struct vmctl_cpuid_entry *e = vmx_cpuid_lookup(t, function, index);

	return e ? e->eax : 0xdead;
}

static void lookup_indexed_leaf_matches_index_test(struct kunit *test)
{
	struct vmx_cpuid_table *t = make_table(test, lookup_entries,
					       ARRAY_SIZE(lookup_entries));

	KUNIT_EXPECT_EQ(test, lookup_eax(t, 4, 0), 0x400U);
	KUNIT_EXPECT_EQ(test, lookup_eax(t, 4, 1), 0x401U);
	KUNIT_EXPECT_EQ(test, lookup_eax(t, 4, 3), 0x403U);
	KUNIT_EXPECT_EQ(test, lookup_eax(t, 4, 2), 0xdeadU);	/* in range: zero */
	KUNIT_EXPECT_EQ(test, lookup_eax(t, 4, 4), 0xdeadU);
	KUNIT_EXPECT_EQ(test, lookup_eax(t, 0xd, 2), 0xd02U);
	KUNIT_EXPECT_EQ(test, lookup_eax(t, 0xd, 1), 0xdeadU);
	KUNIT_EXPECT_EQ(test, lookup_eax(t, 0x20, 0), 0x2000U);
	KUNIT_EXPECT_EQ(test, lookup_eax(t, 0x20, 1), 0x2001U);
	/* No 0x20.2 and 0x20 is beyond leaf 0's EAX: 0xd.2 answers. */
	KUNIT_EXPECT_EQ(test, lookup_eax(t, 0x20, 2), 0xd02U);
}

static void lookup_plain_leaf_ignores_index_test(struct kunit *test)
{
	struct vmx_cpuid_table *t = make_table(test, lookup_entries,
					       ARRAY_SIZE(lookup_entries));

	KUNIT_EXPECT_EQ(test, lookup_eax(t, 1, 0), 0x100U);
	KUNIT_EXPECT_EQ(test, lookup_eax(t, 1, 5), 0x100U);
	KUNIT_EXPECT_EQ(test, lookup_eax(t, 1, 0xffffffff), 0x100U);
	KUNIT_EXPECT_EQ(test, lookup_eax(t, 0x80000001, 9), 0x80000100U);
	KUNIT_EXPECT_EQ(test, lookup_eax(t, 0x30, 7), 0x3000U);
	KUNIT_EXPECT_EQ(test, lookup_eax(t, 2, 0), 0xdeadU);	/* in range: zero */
	KUNIT_EXPECT_EQ(test, lookup_eax(t, 0x80000005, 0), 0xdeadU);
}

static void lookup_beyond_range_gives_highest_basic_test(struct kunit *test)
{
	struct vmx_cpuid_table *t = make_table(test, lookup_entries,
					       ARRAY_SIZE(lookup_entries));

	/* Leaf 0xd, the highest basic one, with the caller's index. */
	KUNIT_EXPECT_EQ(test, lookup_eax(t, 0xe, 0), 0xd00U);
	KUNIT_EXPECT_EQ(test, lookup_eax(t, 0x1000, 2), 0xd02U);
	KUNIT_EXPECT_EQ(test, lookup_eax(t, 0x1000, 1), 0xdeadU);
	KUNIT_EXPECT_EQ(test, lookup_eax(t, 0x80000009, 0), 0xd00U);
	KUNIT_EXPECT_EQ(test, lookup_eax(t, 0x40000002, 0), 0xd00U);
	/* A hypervisor range with no base entry is out of range too. */
	KUNIT_EXPECT_EQ(test, lookup_eax(t, 0x40000101, 0), 0xd00U);
	KUNIT_EXPECT_EQ(test, lookup_eax(t, 0xc0000000, 0), 0xd00U);
	KUNIT_EXPECT_EQ(test, lookup_eax(t, 0x40000001, 0), 0xdeadU);
}

static void lookup_without_leaf0_is_zero_test(struct kunit *test)
{
	struct vmx_cpuid_table *t = make_table(test, lookup_entries + 1,
					       ARRAY_SIZE(lookup_entries) - 1);
	struct vmx_cpuid_table *empty = make_table(test, lookup_entries, 0);

	KUNIT_EXPECT_EQ(test, lookup_eax(t, 0x1000, 0), 0xdeadU);
	KUNIT_EXPECT_EQ(test, lookup_eax(t, 1, 0), 0x100U);
	KUNIT_EXPECT_EQ(test, lookup_eax(empty, 0, 0), 0xdeadU);
	KUNIT_EXPECT_EQ(test, lookup_eax(empty, 0x1000, 0), 0xdeadU);
}

/* ---- clamp --------------------------------------------------------------- */

#define X87_SSE_AVX	0x7ULL
static const struct vmx_cpuid_xsave haswell = { .xfeatures = X87_SSE_AVX, .size = 832 };
static const struct vmx_cpuid_xsave no_xsave = { };

static struct vmctl_cpuid_entry clamped(u32 function, u32 index, u32 eax,
					u32 ebx, u32 ecx, u32 edx,
					const struct vmx_cpuid_xsave *x)
{
	struct vmctl_cpuid_entry e = {
		.function = function, .index = index, .flags = SIG,
		.eax = eax, .ebx = ebx, .ecx = ecx, .edx = edx,
	};

	vmx_cpuid_clamp(&e, x);
	return e;
}

static void clamp_leaf_d_to_guest_xcr0_test(struct kunit *test)
{
	struct vmctl_cpuid_entry e;

	/* The table offers AVX-512 (5-7) and PKRU (9), a 2.5 KiB image. */
	e = clamped(0xd, 0, 0x2e7, 2696, 2696, 0x1, &haswell);
	KUNIT_EXPECT_EQ(test, e.eax, 0x7U);
	KUNIT_EXPECT_EQ(test, e.edx, 0U);
	KUNIT_EXPECT_EQ(test, e.ebx, 832U);
	KUNIT_EXPECT_EQ(test, e.ecx, 832U);
	/* Offering less than the guest's XCR0 is kept; the size is not. */
	e = clamped(0xd, 0, 0x3, 576, 576, 0, &haswell);
	KUNIT_EXPECT_EQ(test, e.eax, 0x3U);
	KUNIT_EXPECT_EQ(test, e.ebx, 832U);
	e = clamped(0xd, 1, 0xf, 1, 2, 3, &haswell);	/* XSAVEOPT, C, XGETBV1, S */
	KUNIT_EXPECT_EQ(test, e.eax, 0x7U);
	KUNIT_EXPECT_EQ(test, e.ebx | e.ecx | e.edx, 0U);
	e = clamped(0xd, 2, 256, 576, 0, 0, &haswell);	/* AVX: kept */
	KUNIT_EXPECT_EQ(test, e.eax, 256U);
	KUNIT_EXPECT_EQ(test, e.ebx, 576U);
	e = clamped(0xd, 9, 8, 2688, 0, 0, &haswell);	/* PKRU: not in XCR0 */
	KUNIT_EXPECT_EQ(test, e.eax | e.ebx | e.ecx | e.edx, 0U);
	e = clamped(0xd, 64, 8, 8, 8, 8, &haswell);
	KUNIT_EXPECT_EQ(test, e.eax | e.ebx | e.ecx | e.edx, 0U);
	e = clamped(0xd, 0, 0x7, 832, 832, 0, &no_xsave);
	KUNIT_EXPECT_EQ(test, e.eax | e.ebx | e.ecx | e.edx, 0U);
	e = clamped(0xd, 1, 0xf, 0, 0, 0, &no_xsave);
	KUNIT_EXPECT_EQ(test, e.eax, 0U);
}

static void clamp_leaf1_xsave_bits_test(struct kunit *test)
{
	u32 xsave_osxsave_avx = BIT(26) | BIT(27) | BIT(28), other = BIT(0) | BIT(31);
	struct vmctl_cpuid_entry e;

	e = clamped(1, 0, 1, 2, xsave_osxsave_avx | other, 4, &haswell);
	KUNIT_EXPECT_EQ(test, e.ecx, (u32)(BIT(26) | BIT(28)) | other);
	KUNIT_EXPECT_EQ(test, e.eax, 1U);
	KUNIT_EXPECT_EQ(test, e.ebx, 2U);
	KUNIT_EXPECT_EQ(test, e.edx, 4U);
	e = clamped(1, 0, 1, 2, xsave_osxsave_avx | other, 4,
		    &(struct vmx_cpuid_xsave){ .xfeatures = 0x3, .size = 576 });
	KUNIT_EXPECT_EQ(test, e.ecx, (u32)BIT(26) | other);
	e = clamped(1, 0, 1, 2, xsave_osxsave_avx | other, 4, &no_xsave);
	KUNIT_EXPECT_EQ(test, e.ecx, other);
}

static void clamp_leaf7_pku_amx_test(struct kunit *test)
{
	struct vmctl_cpuid_entry e;

	e = clamped(7, 0, 0, 0xffffffff, 0xffffffff, 0xffffffff, &haswell);
	KUNIT_EXPECT_EQ(test, e.ebx, 0xffffffffU);
	KUNIT_EXPECT_EQ(test, e.ecx, ~(u32)(BIT(3) | BIT(4)));
	KUNIT_EXPECT_EQ(test, e.edx, ~(u32)(BIT(22) | BIT(24) | BIT(25)));
	e = clamped(7, 1, 0, 0xffffffff, 0xffffffff, 0xffffffff, &haswell);
	KUNIT_EXPECT_EQ(test, e.ecx & e.edx, 0xffffffffU);
	e = clamped(6, 0, 0, 0xffffffff, 0xffffffff, 0xffffffff, &haswell);
	KUNIT_EXPECT_EQ(test, e.ecx & e.edx & e.ebx, 0xffffffffU);
}

static struct kunit_case cpuid_test_cases[] = {
	KUNIT_CASE(check_accepts_a_valid_table_and_sorts_it_test),
	KUNIT_CASE(check_rejects_too_many_test),
	KUNIT_CASE(check_rejects_unknown_flags_test),
	KUNIT_CASE(check_rejects_nonzero_padding_test),
	KUNIT_CASE(check_rejects_index_without_flag_test),
	KUNIT_CASE(check_rejects_mixed_flags_test),
	KUNIT_CASE(check_rejects_duplicates_test),
	KUNIT_CASE(lookup_indexed_leaf_matches_index_test),
	KUNIT_CASE(lookup_plain_leaf_ignores_index_test),
	KUNIT_CASE(lookup_beyond_range_gives_highest_basic_test),
	KUNIT_CASE(lookup_without_leaf0_is_zero_test),
	KUNIT_CASE(clamp_leaf_d_to_guest_xcr0_test),
	KUNIT_CASE(clamp_leaf1_xsave_bits_test),
	KUNIT_CASE(clamp_leaf7_pku_amx_test),
	{}
};

static struct kunit_suite cpuid_test_suite = {
	.name = "vmctl_vmx_cpuid",
	.test_cases = cpuid_test_cases,
};

kunit_test_suite(cpuid_test_suite);
