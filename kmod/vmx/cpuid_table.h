/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A vCPU's CPUID table: validation, the values the kernel imposes, and
 * lookup.  Pure functions of their arguments, so that KUnit can check them
 * (cpuid_kunit.c) without VT-x.
 */
#ifndef VMCTL_VMX_CPUID_TABLE_H
#define VMCTL_VMX_CPUID_TABLE_H

#include <linux/types.h>
#include <linux/vmctl.h>

/* Functions 0-0x1f, 0x40000000-0x4000001f, 0x80000000-0x8000001f. */
#define VMX_CPUID_DIRECT_RANGES	3
#define VMX_CPUID_DIRECT_LEAVES	32

struct vmx_cpuid_table {
	u32 nent;
	/*
	 * 1 + the index of the first entry of each function of the direct
	 * ranges, 0 for none: the leaves guests ask for are found without a
	 * search (vmx_cpuid_index() fills it).
	 */
	u16 direct[VMX_CPUID_DIRECT_RANGES][VMX_CPUID_DIRECT_LEAVES];
	struct vmctl_cpuid_entry entries[];	/* sorted by function, index */
};

/* What the guest's FPU state switching supports (fpu.c). */
struct vmx_cpuid_xsave {
	u64 xfeatures;		/* the guest's XCR0; 0 without XSAVE */
	u32 size;		/* bytes of its XSAVE image */
};

/*
 * Checks nent entries (nent <= VMCTL_CPUID_MAX_ENTRIES) and sorts them for
 * lookup.  0, or the errno that VMCTL_SET_CPUID documents.
 */
int vmx_cpuid_check_and_sort(struct vmctl_cpuid_entry *entries, u32 nent);

/* Fills t->direct from the sorted entries. */
void vmx_cpuid_index(struct vmx_cpuid_table *t);

/* Rewrites what the guest must see whatever the table says. */
void vmx_cpuid_clamp(struct vmctl_cpuid_entry *e,
		     const struct vmx_cpuid_xsave *xsave);

/*
 * The entry answering CPUID(function, index) under the rules of
 * VMCTL_SET_CPUID, or NULL when the answer is all zero.
 */
const struct vmctl_cpuid_entry *
vmx_cpuid_lookup(const struct vmx_cpuid_table *t, u32 function, u32 index);

#endif /* VMCTL_VMX_CPUID_TABLE_H */
