/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest's MSR policy as data and pure functions, so that KUnit checks
 * exactly what msr.c uses: the table of MSRs the kernel handles (each MSR
 * once: index, name, where its value lives, what a write must pass, which
 * accesses need no exit), the MSR bitmap built from it, and the
 * reserved-bit rules of the MSRs with structure.
 *
 * An MSR may run without exits only if the CPU switches it between guest
 * and host by itself or it is the guest's whenever the guest runs:
 * FS/GS base and SYSENTER_* are VMCS guest-state fields (saved on every
 * exit, the host's loaded from the host-state area), KERNEL_GS_BASE is
 * loaded before and saved after every entry (vmx.c, host_state.h).  The
 * SYSCALL MSRs and TSC_AUX hold the guest's values while it runs, so a
 * read needs no exit, but a write must exit: msr.c has to know the value
 * to put back after a migration to another CPU and for the user-return
 * notifier.  Every other MSR exits on both reads and writes.
 */
#ifndef VMCTL_VMX_MSR_POLICY_H
#define VMCTL_VMX_MSR_POLICY_H

#include <linux/bits.h>
#include <linux/kernel.h>
#include <linux/types.h>
#include <asm/msr-index.h>

#include "vmcs.h"
#include "vmx.h"

/* The MTRRs (msr-index.h's names for them are CamelCase) */
#define MTRR_CAP_MSR		0xfe
#define MTRR_VAR_MSR		0x200	/* 8 PHYSBASE/PHYSMASK pairs */
#define MTRR_FIX64K_MSR		0x250
#define MTRR_FIX16K_MSR		0x258
#define MTRR_FIX4K_MSR		0x268
#define MTRR_DEF_TYPE_MSR	0x2ff

/* Where a handled MSR's value lives. */
enum vmx_msr_store {
	MSR_STORE_SLOT,		/* vmx_vcpu.guest_msr[slot + i] */
	MSR_STORE_VMCS,		/* the guest-state field .field of the VMCS */
	MSR_STORE_OTHER,	/* msr.c computes it or keeps it elsewhere */
};

/* What a write must pass besides .reserved, and what it does. */
enum vmx_msr_rule {
	MSR_RULE_PLAIN,		/* stored as written */
	MSR_RULE_CANONICAL,	/* an address: #GP unless canonical */
	MSR_RULE_READ_ONLY,	/* writes #GP */
	MSR_RULE_IGNORED,	/* writes are accepted and change nothing */
	MSR_RULE_TSC,		/* sets the TSC offset */
	MSR_RULE_TSC_ADJUST,	/* moves the TSC offset by the change */
	MSR_RULE_APIC_BASE,
	MSR_RULE_SPEC_CTRL,
	MSR_RULE_PRED_CMD,	/* write only: an IBPB */
	MSR_RULE_MISC_ENABLE,
	MSR_RULE_DEBUGCTL,
	MSR_RULE_MTRR_VAR,	/* even index PHYSBASE, odd PHYSMASK */
	MSR_RULE_MTRR_FIXED,
	MSR_RULE_PAT,
	MSR_RULE_MTRR_DEF_TYPE,
	MSR_RULE_EFER,
	MSR_RULE_MCG_CTL,
	MSR_RULE_MC_BANK,	/* MCi_CTL, _STATUS, _ADDR, _MISC by index % 4 */
};

/* Only on CPUs that have it; on others the MSR is not there (#GP). */
enum vmx_msr_feature {
	MSR_FEATURE_ALWAYS,
	MSR_FEATURE_TSC_AUX,
	MSR_FEATURE_SPEC_CTRL,
	MSR_FEATURE_PRED_CMD,
	MSR_FEATURE_TSC_ADJUST,
};

/* Accesses that need no exit (bits of vmx_msr_desc.pass). */
#define MSR_PASS_READ		BIT(0)
#define MSR_PASS_WRITE		BIT(1)

struct vmx_msr_desc {
	u32 index;
	u8 count;		/* consecutive MSRs this entry describes */
	u8 store;		/* enum vmx_msr_store */
	u8 rule;		/* enum vmx_msr_rule */
	u8 pass;		/* MSR_PASS_* */
	u8 feature;		/* enum vmx_msr_feature */
	u8 slot;		/* MSR_STORE_SLOT: first slot */
	u32 field;		/* MSR_STORE_VMCS: encoding */
	u64 reserved;		/* bits that #GP when written as 1 */
	const char *name;
};

/* The user-return MSRs' indices, by slot (enum vmx_guest_msr_slot). */
static const u32 vmx_user_return_msr_index[VMX_NR_USER_RETURN_MSRS] = {
	[VMX_MSR_STAR] = MSR_STAR,
	[VMX_MSR_LSTAR] = MSR_LSTAR,
	[VMX_MSR_CSTAR] = MSR_CSTAR,
	[VMX_MSR_SFMASK] = MSR_SYSCALL_MASK,
	[VMX_MSR_TSC_AUX] = MSR_TSC_AUX,
};

#define MSR_SLOT(idx, nm, s, r, ...) \
	{ .index = (idx), .count = 1, .store = MSR_STORE_SLOT, .slot = (s), \
	  .rule = (r), .name = (nm), __VA_ARGS__ }
#define MSR_VMCS(idx, nm, f, r, ...) \
	{ .index = (idx), .count = 1, .store = MSR_STORE_VMCS, .field = (f), \
	  .rule = (r), .name = (nm), __VA_ARGS__ }
#define MSR_OTHER(idx, nm, r, ...) \
	{ .index = (idx), .count = 1, .store = MSR_STORE_OTHER, \
	  .rule = (r), .name = (nm), __VA_ARGS__ }

/*
 * Every MSR the kernel handles, in ascending index order (the order of
 * VMCTL_GET_MSR_INDEX_LIST).  Any other index exits to user space.
 */
static const struct vmx_msr_desc vmx_msrs[] = {
	MSR_OTHER(MSR_IA32_TSC, "TSC", MSR_RULE_TSC),
	MSR_SLOT(MSR_IA32_APICBASE, "APIC_BASE", VMX_MSR_APIC_BASE,
		 MSR_RULE_APIC_BASE),
	/* Locked, VMX off: a guest must not try to turn VMX on. */
	MSR_OTHER(MSR_IA32_FEAT_CTL, "FEATURE_CONTROL", MSR_RULE_READ_ONLY),
	MSR_SLOT(MSR_IA32_TSC_ADJUST, "TSC_ADJUST", VMX_MSR_TSC_ADJUST,
		 MSR_RULE_TSC_ADJUST, .feature = MSR_FEATURE_TSC_ADJUST),
	MSR_SLOT(MSR_IA32_SPEC_CTRL, "SPEC_CTRL", VMX_MSR_SPEC_CTRL,
		 MSR_RULE_SPEC_CTRL, .feature = MSR_FEATURE_SPEC_CTRL),
	MSR_OTHER(MSR_IA32_PRED_CMD, "PRED_CMD", MSR_RULE_PRED_CMD,
		  .feature = MSR_FEATURE_PRED_CMD,
		  .reserved = ~(u64)PRED_CMD_IBPB),
	/* Linux writes it before CPUID to learn the revision: ignore. */
	MSR_OTHER(MSR_IA32_UCODE_REV, "UCODE_REV", MSR_RULE_IGNORED),
	MSR_OTHER(MTRR_CAP_MSR, "MTRRcap", MSR_RULE_READ_ONLY),
	MSR_VMCS(MSR_IA32_SYSENTER_CS, "SYSENTER_CS", VMCS_GUEST_SYSENTER_CS,
		 MSR_RULE_PLAIN, .reserved = GENMASK_ULL(63, 32),
		 .pass = MSR_PASS_READ | MSR_PASS_WRITE),
	MSR_VMCS(MSR_IA32_SYSENTER_ESP, "SYSENTER_ESP", VMCS_GUEST_SYSENTER_ESP,
		 MSR_RULE_CANONICAL, .pass = MSR_PASS_READ | MSR_PASS_WRITE),
	MSR_VMCS(MSR_IA32_SYSENTER_EIP, "SYSENTER_EIP", VMCS_GUEST_SYSENTER_EIP,
		 MSR_RULE_CANONICAL, .pass = MSR_PASS_READ | MSR_PASS_WRITE),
	/* Machine check: VMX_MCG_CAP's banks; MCi_CTL2 and above are unknown. */
	MSR_OTHER(MSR_IA32_MCG_CAP, "MCG_CAP", MSR_RULE_READ_ONLY),
	MSR_SLOT(MSR_IA32_MCG_STATUS, "MCG_STATUS", VMX_MSR_MCG_STATUS,
		 MSR_RULE_PLAIN, .reserved = GENMASK_ULL(63, 3)),
	MSR_SLOT(MSR_IA32_MCG_CTL, "MCG_CTL", VMX_MSR_MCG_CTL, MSR_RULE_MCG_CTL),
	MSR_SLOT(MSR_IA32_MISC_ENABLE, "MISC_ENABLE", VMX_MSR_MISC_ENABLE,
		 MSR_RULE_MISC_ENABLE),
	MSR_VMCS(MSR_IA32_DEBUGCTLMSR, "DEBUGCTL", VMCS_GUEST_IA32_DEBUGCTL,
		 MSR_RULE_DEBUGCTL),
	{ .index = MTRR_VAR_MSR, .count = 16, .store = MSR_STORE_SLOT,
	  .slot = VMX_MSR_MTRR_VAR, .rule = MSR_RULE_MTRR_VAR,
	  .name = "MTRRphysBase/Mask" },
	MSR_SLOT(MTRR_FIX64K_MSR, "MTRRfix64K_00000", VMX_MSR_MTRR_FIX64K,
		 MSR_RULE_MTRR_FIXED),
	{ .index = MTRR_FIX16K_MSR, .count = 2, .store = MSR_STORE_SLOT,
	  .slot = VMX_MSR_MTRR_FIX16K, .rule = MSR_RULE_MTRR_FIXED,
	  .name = "MTRRfix16K" },
	{ .index = MTRR_FIX4K_MSR, .count = 8, .store = MSR_STORE_SLOT,
	  .slot = VMX_MSR_MTRR_FIX4K, .rule = MSR_RULE_MTRR_FIXED,
	  .name = "MTRRfix4K" },
	MSR_OTHER(MSR_IA32_CR_PAT, "PAT", MSR_RULE_PAT),
	MSR_SLOT(MTRR_DEF_TYPE_MSR, "MTRRdefType", VMX_MSR_MTRR_DEF_TYPE,
		 MSR_RULE_MTRR_DEF_TYPE),
	{ .index = MSR_IA32_MC0_CTL, .count = 4 * VMX_MC_BANKS,
	  .store = MSR_STORE_SLOT, .slot = VMX_MSR_MC_BANKS,
	  .rule = MSR_RULE_MC_BANK, .name = "MCi_CTL/STATUS/ADDR/MISC" },
	MSR_VMCS(MSR_EFER, "EFER", VMCS_GUEST_IA32_EFER, MSR_RULE_EFER,
		 .reserved = ~(u64)(EFER_SCE | EFER_LME | EFER_LMA | EFER_NX)),
	MSR_SLOT(MSR_STAR, "STAR", VMX_MSR_STAR, MSR_RULE_PLAIN,
		 .pass = MSR_PASS_READ),
	MSR_SLOT(MSR_LSTAR, "LSTAR", VMX_MSR_LSTAR, MSR_RULE_CANONICAL,
		 .pass = MSR_PASS_READ),
	MSR_SLOT(MSR_CSTAR, "CSTAR", VMX_MSR_CSTAR, MSR_RULE_CANONICAL,
		 .pass = MSR_PASS_READ),
	MSR_SLOT(MSR_SYSCALL_MASK, "SFMASK", VMX_MSR_SFMASK, MSR_RULE_PLAIN,
		 .reserved = GENMASK_ULL(63, 32), .pass = MSR_PASS_READ),
	MSR_VMCS(MSR_FS_BASE, "FS_BASE", VMCS_GUEST_FS_BASE, MSR_RULE_CANONICAL,
		 .pass = MSR_PASS_READ | MSR_PASS_WRITE),
	MSR_VMCS(MSR_GS_BASE, "GS_BASE", VMCS_GUEST_GS_BASE, MSR_RULE_CANONICAL,
		 .pass = MSR_PASS_READ | MSR_PASS_WRITE),
	MSR_OTHER(MSR_KERNEL_GS_BASE, "KERNEL_GS_BASE", MSR_RULE_CANONICAL,
		  .pass = MSR_PASS_READ | MSR_PASS_WRITE),
	MSR_SLOT(MSR_TSC_AUX, "TSC_AUX", VMX_MSR_TSC_AUX, MSR_RULE_PLAIN,
		 .reserved = GENMASK_ULL(63, 32), .pass = MSR_PASS_READ,
		 .feature = MSR_FEATURE_TSC_AUX),
};

#undef MSR_SLOT
#undef MSR_VMCS
#undef MSR_OTHER

/* The entry describing index, or NULL: then the MSR exits to user space. */
static inline const struct vmx_msr_desc *vmx_find_msr(u32 index)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(vmx_msrs); i++)
		if (index - vmx_msrs[i].index < vmx_msrs[i].count)
			return &vmx_msrs[i];
	return NULL;
}

/* ---- the MSR bitmap (SDM "MSR-Bitmap Address") -------------------------- */

#define VMX_MSR_BITMAP_LOW_END		0x2000U
#define VMX_MSR_BITMAP_HIGH		0xc0000000U
#define VMX_MSR_BITMAP_HIGH_END		0xc0002000U

/*
 * The byte offset of msr's read bit within the 4-KiB bitmap (the write
 * bit is 2048 bytes further), or -1 for an MSR outside both ranges,
 * which always exits.
 */
static inline int vmx_msr_bitmap_offset(u32 msr)
{
	if (msr < VMX_MSR_BITMAP_LOW_END)
		return msr / 8;
	if (msr >= VMX_MSR_BITMAP_HIGH && msr < VMX_MSR_BITMAP_HIGH_END)
		return 1024 + (msr - VMX_MSR_BITMAP_HIGH) / 8;
	return -1;
}

static inline bool vmx_msr_bitmap_exits(const u8 *bitmap, u32 msr, bool write)
{
	int off = vmx_msr_bitmap_offset(msr);

	if (off < 0)
		return true;
	return bitmap[off + (write ? 2048 : 0)] & BIT(msr % 8);
}

/* Every access exits except those that table entries let through. */
static inline void vmx_fill_msr_bitmap(u8 *bitmap,
				       const struct vmx_msr_desc *table,
				       unsigned int n)
{
	unsigned int i, j;
	int off;

	memset(bitmap, 0xff, 4096);
	for (i = 0; i < n; i++) {
		for (j = 0; j < table[i].count; j++) {
			u32 msr = table[i].index + j;

			off = vmx_msr_bitmap_offset(msr);
			if (off < 0)
				continue;
			if (table[i].pass & MSR_PASS_READ)
				bitmap[off] &= ~BIT(msr % 8);
			if (table[i].pass & MSR_PASS_WRITE)
				bitmap[off + 2048] &= ~BIT(msr % 8);
		}
	}
}

/*
 * The bitmap for a guest whose EFER.SCE is clear: a copy of the normal
 * one in which reads of STAR, LSTAR, CSTAR and SFMASK exit too, because
 * while SCE is clear the CPU holds the host's values of them (msr.c).
 */
static inline void vmx_fill_msr_bitmap_sce_clear(u8 *bitmap, const u8 *normal)
{
	unsigned int i;

	memcpy(bitmap, normal, 4096);
	for (i = 0; i < VMX_MSR_TSC_AUX; i++) {
		u32 msr = vmx_user_return_msr_index[i];

		bitmap[vmx_msr_bitmap_offset(msr)] |= BIT(msr % 8);
	}
}

/* ---- the rules of MSRs with structure ----------------------------------- */

/*
 * Machine check, as a KVM guest that QEMU set up sees it but smaller:
 * MCG_CAP says VMX_MC_BANKS banks and MCG_CTL present, nothing else (no
 * CMCI, threshold status, software recovery or local machine checks).
 * Nothing ever raises #MC in the guest or logs an error in a bank: the
 * banks only hold what the guest or user space writes, so that a
 * guest's MCE driver finds the registers the SDM promises.  MCG_CTL and
 * each MCi_CTL are 0 or all ones (MCi_CTL as KVM: bits 10 and 0 may be
 * clear, for the Linux K8 GART and UnixWare workarounds), all ones at
 * reset.  A guest may only write 0 to MCi_STATUS (clear it; a nonzero
 * write is AMD's McStatusWrEn, which an Intel guest lacks), user space
 * anything.  MCi_ADDR and MCi_MISC take any value.  CPUID's MCE and MCA
 * bits are the host's (cpuid.c hides neither), as under KVM.
 */
#define VMX_MCG_CTL_P		BIT_ULL(8)
#define VMX_MCG_CAP		(VMX_MCG_CTL_P | VMX_MC_BANKS)

static inline bool vmx_mcg_ctl_valid(u64 val)
{
	return !val || val == ~0ULL;
}

/* offset: the MSR's distance from MC0_CTL. */
static inline bool vmx_mc_bank_write_valid(unsigned int offset, u64 val,
					   bool host)
{
	switch (offset % 4) {
	case 0:		/* MCi_CTL */
		return !val || (val | BIT_ULL(10) | BIT_ULL(0)) == ~0ULL;
	case 1:		/* MCi_STATUS */
		return host || !val;
	default:	/* MCi_ADDR, MCi_MISC */
		return true;
	}
}

/* PAT at power-up: WB, WT, UC-, UC, repeated. */
#define VMX_PAT_RESET		0x0007040600070406ULL

/* MTRRcap: 8 variable ranges, fixed ranges, write-combining; no SMRR. */
#define VMX_MTRR_CAP		(8 | BIT_ULL(8) | BIT_ULL(10))

/* Memory types of MTRRs and PAT: UC, WC, WT, WP, WB (2 and 3 reserved). */
static inline bool vmx_mtrr_type_valid(u8 type)
{
	return type < 8 && type != 2 && type != 3 && type != 7;
}

/* PAT entries may also be UC- (7). */
static inline bool vmx_pat_valid(u64 pat)
{
	unsigned int i;

	for (i = 0; i < 8; i++) {
		u8 type = pat >> (i * 8);

		if (type >= 8 || type == 2 || type == 3)
			return false;
	}
	return true;
}

/* Eight memory types, one per byte. */
static inline bool vmx_mtrr_fixed_valid(u64 val)
{
	unsigned int i;

	for (i = 0; i < 8; i++)
		if (!vmx_mtrr_type_valid(val >> (i * 8)))
			return false;
	return true;
}

#define VMX_MTRR_DEF_TYPE_FE	BIT_ULL(10)
#define VMX_MTRR_DEF_TYPE_E	BIT_ULL(11)

static inline bool vmx_mtrr_def_type_valid(u64 val)
{
	if (val & ~(0xffULL | VMX_MTRR_DEF_TYPE_FE | VMX_MTRR_DEF_TYPE_E))
		return false;
	return vmx_mtrr_type_valid(val & 0xff);
}

/*
 * PHYSBASE: type in bits 7:0, base from bit 12; PHYSMASK: valid bit 11,
 * mask from bit 12; nothing at or above the physical-address width.
 */
static inline bool vmx_mtrr_var_valid(bool is_mask, u64 val,
				      unsigned int phys_bits)
{
	u64 above = phys_bits < 64 ? GENMASK_ULL(63, phys_bits) : 0;

	if (is_mask)
		return !(val & (above | GENMASK_ULL(10, 0)));
	if (val & (above | GENMASK_ULL(11, 8)))
		return false;
	return vmx_mtrr_type_valid(val & 0xff);
}

#define VMX_APIC_BASE_BSP	BIT_ULL(8)
#define VMX_APIC_BASE_EXTD	BIT_ULL(10)	/* x2APIC: not offered */
#define VMX_APIC_BASE_ENABLE	BIT_ULL(11)
#define VMX_APIC_BASE_DEFAULT	0xfee00000ULL

static inline bool vmx_apic_base_valid(u64 val, unsigned int phys_bits)
{
	u64 reserved = GENMASK_ULL(7, 0) | BIT_ULL(9) | VMX_APIC_BASE_EXTD;

	if (phys_bits < 64)
		reserved |= GENMASK_ULL(63, phys_bits);
	return !(val & reserved);
}

/*
 * MISC_ENABLE: fast strings, automatic thermal control, Enhanced
 * SpeedStep, limit CPUID maxval and xTPR disable read back as written;
 * "performance monitoring available" (0: no PMU), "BTS unavailable" and
 * "PEBS unavailable" (both 1) are read-only and keep their value; every
 * other bit #GPs, among them the MONITOR/MWAIT enable (MWAIT exits) and
 * XD disable (NX is the guest's through EFER).
 */
#define VMX_MISC_ENABLE_WRITABLE	(BIT_ULL(0) | BIT_ULL(3) | BIT_ULL(16) | \
					 BIT_ULL(22) | BIT_ULL(23))
#define VMX_MISC_ENABLE_READ_ONLY	(BIT_ULL(7) | BIT_ULL(11) | BIT_ULL(12))
#define VMX_MISC_ENABLE_RESET		(BIT_ULL(0) | BIT_ULL(11) | BIT_ULL(12))

/* Returns false for a write that #GPs, else the new value in *new. */
static inline bool vmx_misc_enable_write(u64 old, u64 val, u64 *new)
{
	if (val & ~(VMX_MISC_ENABLE_WRITABLE | VMX_MISC_ENABLE_READ_ONLY))
		return false;
	*new = (val & VMX_MISC_ENABLE_WRITABLE) |
	       (old & VMX_MISC_ENABLE_READ_ONLY);
	return true;
}

/*
 * DEBUGCTL bits a guest may set: BTF (single-step on branches) only
 * affects the guest's own #DB.  LBR and the branch-trace bits would
 * record into the host's LBR stack and BTS buffer, the PMU freeze bits
 * act on a PMU the guest does not have: #GP.
 */
#define VMX_DEBUGCTL_GUEST_BITS		BIT_ULL(1)

static inline bool vmx_debugctl_valid(u64 val)
{
	return !(val & ~VMX_DEBUGCTL_GUEST_BITS);
}

#endif /* VMCTL_VMX_MSR_POLICY_H */
