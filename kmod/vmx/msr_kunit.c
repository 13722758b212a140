// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite of the guest's MSR policy (msr_policy.h): which accesses
 * the MSR bitmap lets through, the table it is built from, and the
 * reserved-bit rules of PAT, the MTRRs, APIC_BASE, MISC_ENABLE, DEBUGCTL
 * and XCR0 (fpu.h).  #included by kmod/tests/msr_kunit.c.  Bitmap
 * positions and bit numbers are spelled from the SDM ("MSR-Bitmap
 * Address", the MSRs' own descriptions), not from the code under test.
 */
#include <kunit/test.h>
#include <linux/bits.h>
#include <linux/kernel.h>
#include <linux/mm.h>

#include "fpu.h"
#include "msr_policy.h"

static u8 msr_bitmap[4096];

static void build(void)
{
	vmx_fill_msr_bitmap(msr_bitmap, vmx_msrs, ARRAY_SIZE(vmx_msrs));
}

/* SDM layout: read low at 0, read high at 1024, write low 2048, high 3072. */
static bool sdm_exits(u32 msr, bool write)
{
	unsigned int base = write ? 2048 : 0;

	if (msr <= 0x1fff)
		return msr_bitmap[base + msr / 8] & BIT(msr % 8);
	if (msr >= 0xc0000000 && msr <= 0xc0001fff)
		return msr_bitmap[base + 1024 + (msr - 0xc0000000) / 8] &
		       BIT(msr % 8);
	return true;
}

static void bitmap_passes_switched_msrs_test(struct kunit *test)
{
	static const u32 both[] = {
		0x174, 0x175, 0x176,			/* SYSENTER_CS/ESP/EIP */
		0xc0000100, 0xc0000101, 0xc0000102,	/* FS, GS, KERNEL_GS base */
	};
	unsigned int i;

	build();
	for (i = 0; i < ARRAY_SIZE(both); i++) {
		KUNIT_EXPECT_FALSE_MSG(test, sdm_exits(both[i], false), "%#x", both[i]);
		KUNIT_EXPECT_FALSE_MSG(test, sdm_exits(both[i], true), "%#x", both[i]);
		KUNIT_EXPECT_FALSE(test, vmx_msr_bitmap_exits(msr_bitmap, both[i], false));
	}
}

static void bitmap_syscall_msrs_read_only_test(struct kunit *test)
{
	static const u32 read_only[] = {
		0xc0000081, 0xc0000082, 0xc0000083, 0xc0000084,	/* STAR..SFMASK */
		0xc0000103,					/* TSC_AUX */
	};
	unsigned int i;

	build();
	for (i = 0; i < ARRAY_SIZE(read_only); i++) {
		KUNIT_EXPECT_FALSE_MSG(test, sdm_exits(read_only[i], false), "%#x",
				       read_only[i]);
		KUNIT_EXPECT_TRUE_MSG(test, sdm_exits(read_only[i], true), "%#x",
				      read_only[i]);
		KUNIT_EXPECT_TRUE(test, vmx_msr_bitmap_exits(msr_bitmap, read_only[i], true));
	}
}

/*
 * With EFER.SCE clear the CPU keeps the host's SYSCALL MSRs, so their
 * reads must exit; nothing else may differ from the normal bitmap.
 */
static void bitmap_sce_clear_test(struct kunit *test)
{
	static u8 sce_clear[4096];
	unsigned int i, changed = 0;

	build();
	vmx_fill_msr_bitmap_sce_clear(sce_clear, msr_bitmap);
	/* STAR, LSTAR, CSTAR, SFMASK: read bits 0x81-0x84 of the high half. */
	for (i = 0; i < 4096; i++)
		changed += hweight8(sce_clear[i] ^ msr_bitmap[i]);
	KUNIT_EXPECT_EQ(test, changed, 4U);
	KUNIT_EXPECT_EQ(test, sce_clear[1024 + 0x80 / 8] ^ msr_bitmap[1024 + 0x80 / 8],
			0x1e);
	KUNIT_EXPECT_FALSE(test, vmx_msr_bitmap_exits(sce_clear, 0xc0000103, false));
}

static void bitmap_everything_else_exits_test(struct kunit *test)
{
	static const u32 exiting[] = {
		0x10,		/* TSC: writes move the offset */
		0x3b,		/* TSC_ADJUST: so do these */
		0x1b, 0x3a, 0x48, 0x49, 0x8b, 0xfe, 0x179, 0x17a, 0x1a0,
		0x1d9, 0x200, 0x20f, 0x250, 0x277, 0x2ff,
		0xc0000080,	/* EFER */
		0x0, 0x1fff, 0xc0000000, 0xc0001fff,	/* range ends */
		0x4b564d00,	/* outside both ranges */
		0xc0010000,
	};
	unsigned int i;

	build();
	for (i = 0; i < ARRAY_SIZE(exiting); i++) {
		KUNIT_EXPECT_TRUE_MSG(test, sdm_exits(exiting[i], false), "%#x", exiting[i]);
		KUNIT_EXPECT_TRUE_MSG(test, sdm_exits(exiting[i], true), "%#x", exiting[i]);
		KUNIT_EXPECT_TRUE(test, vmx_msr_bitmap_exits(msr_bitmap, exiting[i], false));
		KUNIT_EXPECT_TRUE(test, vmx_msr_bitmap_exits(msr_bitmap, exiting[i], true));
	}
}

static void bitmap_offsets_test(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, vmx_msr_bitmap_offset(0), 0);
	KUNIT_EXPECT_EQ(test, vmx_msr_bitmap_offset(0x1fff), 1023);
	KUNIT_EXPECT_EQ(test, vmx_msr_bitmap_offset(0xc0000000), 1024);
	KUNIT_EXPECT_EQ(test, vmx_msr_bitmap_offset(0xc0001fff), 2047);
	KUNIT_EXPECT_EQ(test, vmx_msr_bitmap_offset(0x2000), -1);
	KUNIT_EXPECT_EQ(test, vmx_msr_bitmap_offset(0xbfffffff), -1);
	KUNIT_EXPECT_EQ(test, vmx_msr_bitmap_offset(0xc0002000), -1);
}

/* Ascending, disjoint, named, slots in range, addresses canonical-checked. */
static void table_consistent_test(struct kunit *test)
{
	static const u32 addresses[] = {
		0x175, 0x176, 0xc0000082, 0xc0000083, 0xc0000100, 0xc0000101,
		0xc0000102,
	};
	const struct vmx_msr_desc *m;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(vmx_msrs); i++) {
		m = &vmx_msrs[i];
		KUNIT_EXPECT_NOT_NULL(test, m->name);
		KUNIT_EXPECT_GE(test, m->count, 1);
		if (i)
			KUNIT_EXPECT_GT_MSG(test, m->index, vmx_msrs[i - 1].index +
					    vmx_msrs[i - 1].count - 1, "%s", m->name);
		if (m->store == MSR_STORE_SLOT)
			KUNIT_EXPECT_LE_MSG(test, m->slot + m->count,
					    (unsigned int)VMX_NR_GUEST_MSRS, "%s", m->name);
	}
	for (i = 0; i < ARRAY_SIZE(addresses); i++) {
		m = vmx_find_msr(addresses[i]);
		KUNIT_ASSERT_NOT_NULL(test, m);
		KUNIT_EXPECT_EQ_MSG(test, m->rule, MSR_RULE_CANONICAL, "%#x", addresses[i]);
	}
	KUNIT_EXPECT_NULL(test, vmx_find_msr(0x4b564d00));
	KUNIT_EXPECT_NULL(test, vmx_find_msr(0x210));	/* past the 8th PHYSMASK */
	KUNIT_EXPECT_PTR_EQ(test, vmx_find_msr(0x20f), vmx_find_msr(0x200));
	KUNIT_EXPECT_EQ(test, vmx_user_return_msr_index[VMX_MSR_TSC_AUX], 0xc0000103U);
}

static void pat_rules_test(struct kunit *test)
{
	KUNIT_EXPECT_TRUE(test, vmx_pat_valid(0x0007040600070406ULL));
	KUNIT_EXPECT_TRUE(test, vmx_pat_valid(0x0707070505040100ULL));	/* UC- WP WT WC UC */
	KUNIT_EXPECT_FALSE(test, vmx_pat_valid(0x0007040600070402ULL));	/* type 2 */
	KUNIT_EXPECT_FALSE(test, vmx_pat_valid(0x0307040600070406ULL));	/* type 3 */
	KUNIT_EXPECT_FALSE(test, vmx_pat_valid(0x0007040600070408ULL));	/* 8 */
	KUNIT_EXPECT_FALSE(test, vmx_pat_valid(0x1007040600070406ULL));	/* bit 60 */
}

static void mtrr_rules_test(struct kunit *test)
{
	KUNIT_EXPECT_TRUE(test, vmx_mtrr_def_type_valid(0xc06));
	KUNIT_EXPECT_TRUE(test, vmx_mtrr_def_type_valid(0));
	KUNIT_EXPECT_FALSE(test, vmx_mtrr_def_type_valid(0xc07));	/* UC- not an MTRR type */
	KUNIT_EXPECT_FALSE(test, vmx_mtrr_def_type_valid(0xc02));
	KUNIT_EXPECT_FALSE(test, vmx_mtrr_def_type_valid(BIT_ULL(9) | 6));
	KUNIT_EXPECT_FALSE(test, vmx_mtrr_def_type_valid(BIT_ULL(12) | 6));

	KUNIT_EXPECT_TRUE(test, vmx_mtrr_fixed_valid(0x0606060605050404ULL));
	KUNIT_EXPECT_FALSE(test, vmx_mtrr_fixed_valid(0x0606060605050403ULL));
	KUNIT_EXPECT_FALSE(test, vmx_mtrr_fixed_valid(0x0706060605050404ULL));

	/* 36 physical-address bits */
	KUNIT_EXPECT_TRUE(test, vmx_mtrr_var_valid(false, 0xfff00006ULL, 36));
	KUNIT_EXPECT_FALSE(test, vmx_mtrr_var_valid(false, 0xfff00106ULL, 36));	/* bit 8 */
	KUNIT_EXPECT_FALSE(test, vmx_mtrr_var_valid(false, 0xfff00002ULL, 36));	/* type 2 */
	KUNIT_EXPECT_FALSE(test, vmx_mtrr_var_valid(false, BIT_ULL(36) | 6, 36));
	KUNIT_EXPECT_TRUE(test, vmx_mtrr_var_valid(true, 0xff0000800ULL, 36));
	KUNIT_EXPECT_FALSE(test, vmx_mtrr_var_valid(true, 0xff0000801ULL, 36));	/* bit 0 */
	KUNIT_EXPECT_FALSE(test, vmx_mtrr_var_valid(true, BIT_ULL(36) | BIT(11), 36));
	KUNIT_EXPECT_TRUE(test, vmx_mtrr_var_valid(true, BIT_ULL(45) | BIT(11), 46));
}

static void apic_base_rules_test(struct kunit *test)
{
	KUNIT_EXPECT_TRUE(test, vmx_apic_base_valid(0xfee00900ULL, 36));
	KUNIT_EXPECT_TRUE(test, vmx_apic_base_valid(0xfee00000ULL, 36));
	KUNIT_EXPECT_FALSE(test, vmx_apic_base_valid(0xfee00001ULL, 36));	/* bit 0 */
	KUNIT_EXPECT_FALSE(test, vmx_apic_base_valid(0xfee00200ULL, 36));	/* bit 9 */
	KUNIT_EXPECT_FALSE(test, vmx_apic_base_valid(0xfee00c00ULL, 36));	/* x2APIC */
	KUNIT_EXPECT_FALSE(test, vmx_apic_base_valid(BIT_ULL(36) | 0x800, 36));
	KUNIT_EXPECT_TRUE(test, vmx_apic_base_valid(BIT_ULL(36) | 0x800, 39));
}

static void misc_enable_rules_test(struct kunit *test)
{
	u64 reset = BIT_ULL(0) | BIT_ULL(11) | BIT_ULL(12), v;

	KUNIT_EXPECT_EQ(test, (u64)VMX_MISC_ENABLE_RESET, reset);
	/* writable bits read back as written */
	KUNIT_ASSERT_TRUE(test, vmx_misc_enable_write(reset, BIT_ULL(22) | BIT_ULL(23) |
						      BIT_ULL(3) | BIT_ULL(16) |
						      BIT_ULL(11) | BIT_ULL(12), &v));
	KUNIT_EXPECT_EQ(test, v, BIT_ULL(22) | BIT_ULL(23) | BIT_ULL(3) | BIT_ULL(16) |
			BIT_ULL(11) | BIT_ULL(12));
	/* read-only bits 7, 11, 12 keep their value whatever is written */
	KUNIT_ASSERT_TRUE(test, vmx_misc_enable_write(reset, BIT_ULL(7), &v));
	KUNIT_EXPECT_EQ(test, v, BIT_ULL(11) | BIT_ULL(12));
	/* MONITOR enable (18), XD disable (34), bit 1: #GP */
	KUNIT_EXPECT_FALSE(test, vmx_misc_enable_write(reset, reset | BIT_ULL(18), &v));
	KUNIT_EXPECT_FALSE(test, vmx_misc_enable_write(reset, reset | BIT_ULL(34), &v));
	KUNIT_EXPECT_FALSE(test, vmx_misc_enable_write(reset, reset | BIT_ULL(1), &v));
}

static void debugctl_rules_test(struct kunit *test)
{
	KUNIT_EXPECT_TRUE(test, vmx_debugctl_valid(0));
	KUNIT_EXPECT_TRUE(test, vmx_debugctl_valid(BIT_ULL(1)));	/* BTF */
	KUNIT_EXPECT_FALSE(test, vmx_debugctl_valid(BIT_ULL(0)));	/* LBR */
	KUNIT_EXPECT_FALSE(test, vmx_debugctl_valid(BIT_ULL(6)));	/* TR */
	KUNIT_EXPECT_FALSE(test, vmx_debugctl_valid(BIT_ULL(7)));	/* BTS */
	KUNIT_EXPECT_FALSE(test, vmx_debugctl_valid(BIT_ULL(14)));	/* FREEZE_WHILE_SMM */
}

/* Four banks with MCG_CTL, the SDM's write rules, KVM's MCi_CTL leniency. */
static void mce_rules_test(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, (u64)VMX_MCG_CAP, 0x104ULL);
	KUNIT_EXPECT_PTR_EQ(test, vmx_find_msr(0x40f), vmx_find_msr(0x400));
	KUNIT_EXPECT_NULL(test, vmx_find_msr(0x410));	/* MC4_CTL: no fifth bank */
	KUNIT_EXPECT_NULL(test, vmx_find_msr(0x280));	/* MC0_CTL2: no CMCI */
	KUNIT_EXPECT_NOT_NULL(test, vmx_find_msr(0x17b));

	KUNIT_EXPECT_TRUE(test, vmx_mcg_ctl_valid(0));
	KUNIT_EXPECT_TRUE(test, vmx_mcg_ctl_valid(~0ULL));
	KUNIT_EXPECT_FALSE(test, vmx_mcg_ctl_valid(1));
	KUNIT_EXPECT_FALSE(test, vmx_mcg_ctl_valid(~0ULL >> 1));

	/* MCi_CTL (offset 0, 4, ...): 0 or all ones, bits 10 and 0 may be clear */
	KUNIT_EXPECT_TRUE(test, vmx_mc_bank_write_valid(0, 0, false));
	KUNIT_EXPECT_TRUE(test, vmx_mc_bank_write_valid(4, ~0ULL, false));
	KUNIT_EXPECT_TRUE(test, vmx_mc_bank_write_valid(8, ~BIT_ULL(10), false));
	KUNIT_EXPECT_TRUE(test, vmx_mc_bank_write_valid(8, ~BIT_ULL(0), false));
	KUNIT_EXPECT_FALSE(test, vmx_mc_bank_write_valid(12, ~BIT_ULL(1), false));
	KUNIT_EXPECT_FALSE(test, vmx_mc_bank_write_valid(0, 0x1234, true));
	/* MCi_STATUS: the guest may only clear it, user space set anything */
	KUNIT_EXPECT_TRUE(test, vmx_mc_bank_write_valid(1, 0, false));
	KUNIT_EXPECT_FALSE(test, vmx_mc_bank_write_valid(5, BIT_ULL(63), false));
	KUNIT_EXPECT_TRUE(test, vmx_mc_bank_write_valid(5, BIT_ULL(63), true));
	/* MCi_ADDR, MCi_MISC: anything */
	KUNIT_EXPECT_TRUE(test, vmx_mc_bank_write_valid(2, ~0ULL, false));
	KUNIT_EXPECT_TRUE(test, vmx_mc_bank_write_valid(15, 0x1234, false));
}

static void xcr0_rules_test(struct kunit *test)
{
	u64 allowed = 0xe7;	/* x87 SSE AVX opmask ZMM_Hi256 Hi16_ZMM */

	KUNIT_EXPECT_TRUE(test, vmx_xcr0_valid(0x1, allowed));
	KUNIT_EXPECT_TRUE(test, vmx_xcr0_valid(0x3, allowed));
	KUNIT_EXPECT_TRUE(test, vmx_xcr0_valid(0x7, allowed));
	KUNIT_EXPECT_TRUE(test, vmx_xcr0_valid(0xe7, allowed));
	KUNIT_EXPECT_FALSE(test, vmx_xcr0_valid(0x2, allowed));		/* no x87 */
	KUNIT_EXPECT_FALSE(test, vmx_xcr0_valid(0x5, allowed));		/* AVX, no SSE */
	KUNIT_EXPECT_FALSE(test, vmx_xcr0_valid(0x27, allowed));	/* AVX-512 in part */
	KUNIT_EXPECT_FALSE(test, vmx_xcr0_valid(0xe3, allowed));	/* AVX-512, no AVX */
	KUNIT_EXPECT_FALSE(test, vmx_xcr0_valid(0x207, allowed));	/* PKRU: not allowed */
	KUNIT_EXPECT_FALSE(test, vmx_xcr0_valid(0x0b, 0x1f));		/* BNDREGS alone */
	KUNIT_EXPECT_TRUE(test, vmx_xcr0_valid(0x1f, 0x1f));		/* the MPX pair */
}

static struct kunit_case msr_test_cases[] = {
	KUNIT_CASE(bitmap_passes_switched_msrs_test),
	KUNIT_CASE(bitmap_syscall_msrs_read_only_test),
	KUNIT_CASE(bitmap_sce_clear_test),
	KUNIT_CASE(bitmap_everything_else_exits_test),
	KUNIT_CASE(bitmap_offsets_test),
	KUNIT_CASE(table_consistent_test),
	KUNIT_CASE(pat_rules_test),
	KUNIT_CASE(mtrr_rules_test),
	KUNIT_CASE(apic_base_rules_test),
	KUNIT_CASE(misc_enable_rules_test),
	KUNIT_CASE(debugctl_rules_test),
	KUNIT_CASE(xcr0_rules_test),
	KUNIT_CASE(mce_rules_test),
	{}
};

static struct kunit_suite msr_test_suite = {
	.name = "vmctl_vmx_msr",
	.test_cases = msr_test_cases,
};

kunit_test_suite(msr_test_suite);
