// SPDX-License-Identifier: GPL-2.0
/*
 * CPUID tables set by user space (VMCTL_SET_CPUID).  They are sorted once
 * when set, so that the exit handler finds an entry with a binary search:
 * at most 2 * 8 comparisons for a full table, against the ~1000 emulated
 * instructions of the exit itself.
 */
#include <linux/bits.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/sort.h>

#include "cpuid_table.h"

#define SIGNIFICANT	VMCTL_CPUID_FLAG_SIGNIFICANT_INDEX

/* CPUID bits the kernel rewrites, by SDM name. */
#define LEAF1_ECX_XSAVE		BIT(26)
#define LEAF1_ECX_OSXSAVE	BIT(27)
#define LEAF1_ECX_AVX		BIT(28)
#define LEAF7_ECX_PKU		BIT(3)
#define LEAF7_ECX_OSPKE		BIT(4)
#define LEAF7_EDX_AMX		(BIT(22) | BIT(24) | BIT(25))	/* BF16, TILE, INT8 */
#define LEAFD1_EAX_XSAVES	BIT(3)
#define XFEATURE_YMM		BIT_ULL(2)

static int cpuid_entry_cmp(const void *a, const void *b)
{
	const struct vmctl_cpuid_entry *x = a, *y = b;

	if (x->function != y->function)
		return x->function < y->function ? -1 : 1;
	if (x->index != y->index)
		return x->index < y->index ? -1 : 1;
	return 0;
}

static int cpuid_entry_check(const struct vmctl_cpuid_entry *e)
{
	if (e->flags & ~SIGNIFICANT)
		return -EINVAL;
	if (e->padding[0] || e->padding[1] || e->padding[2])
		return -EINVAL;
	/* An index that would be ignored is a caller's mistake. */
	if (!(e->flags & SIGNIFICANT) && e->index)
		return -EINVAL;
	return 0;
}

int vmx_cpuid_check_and_sort(struct vmctl_cpuid_entry *entries, u32 nent)
{
	u32 i;
	int err;

	if (nent > VMCTL_CPUID_MAX_ENTRIES)
		return -E2BIG;
	for (i = 0; i < nent; i++) {
		err = cpuid_entry_check(&entries[i]);
		if (err)
			return err;
	}
	sort(entries, nent, sizeof(*entries), cpuid_entry_cmp, NULL);
	/* Sorted, the entries of one function are neighbours. */
	for (i = 1; i < nent; i++) {
		const struct vmctl_cpuid_entry *prev = &entries[i - 1];
		const struct vmctl_cpuid_entry *e = &entries[i];

		if (prev->function != e->function)
			continue;
		if ((prev->flags ^ e->flags) & SIGNIFICANT)
			return -EINVAL;
		/* Without SIGNIFICANT both have index 0 (checked above). */
		if (prev->index == e->index)
			return -EEXIST;
	}
	return 0;
}

/*
 * The guest runs with the XCR0 of its FPU image whatever the table says
 * (it cannot XSETBV), so leaf 0xd must describe that image: a guest sizing
 * its XSAVE buffer from a smaller EBX would have it overrun.  Features
 * whose state the image does not hold are taken away, and PKU and AMX,
 * which fpu.h never gives a guest, with them.  Clamping instead of
 * refusing lets user space pass tables made for other hosts or for KVM;
 * VMCTL_GET_CPUID shows what was stored.
 */
void vmx_cpuid_clamp(struct vmctl_cpuid_entry *e,
		     const struct vmx_cpuid_xsave *xsave)
{
	u64 xf = xsave->xfeatures;

	switch (e->function) {
	case 1:
		/* OSXSAVE follows the guest's CR4 at run time. */
		e->ecx &= ~LEAF1_ECX_OSXSAVE;
		if (!xf)
			e->ecx &= ~LEAF1_ECX_XSAVE;
		if (!(xf & XFEATURE_YMM))
			e->ecx &= ~LEAF1_ECX_AVX;
		break;
	case 7:
		if (e->index == 0) {
			e->ecx &= ~(LEAF7_ECX_PKU | LEAF7_ECX_OSPKE);
			e->edx &= ~LEAF7_EDX_AMX;
		}
		break;
	case 0xd:
		if (e->index == 0) {
			e->eax &= lower_32_bits(xf);
			e->edx &= upper_32_bits(xf);
			e->ebx = xf ? xsave->size : 0;
			e->ecx = xf ? xsave->size : 0;
		} else if (e->index == 1) {
			e->eax &= xf ? ~LEAFD1_EAX_XSAVES : 0;
			e->ebx = 0;
			e->ecx = 0;
			e->edx = 0;
		} else if (e->index >= 64 || !(xf & BIT_ULL(e->index))) {
			e->eax = 0;
			e->ebx = 0;
			e->ecx = 0;
			e->edx = 0;
		}
		break;
	}
}

/* The first entry not below (function, index), or t->nent. */
static u32 cpuid_lower_bound(const struct vmx_cpuid_table *t, u32 lo,
			     u32 function, u32 index)
{
	u32 hi = t->nent;

	while (lo < hi) {
		u32 mid = lo + (hi - lo) / 2;
		const struct vmctl_cpuid_entry *e = &t->entries[mid];

		if (e->function < function ||
		    (e->function == function && e->index < index))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static const struct vmctl_cpuid_entry *
cpuid_find(const struct vmx_cpuid_table *t, u32 function, u32 index)
{
	const struct vmctl_cpuid_entry *e;
	u32 i = cpuid_lower_bound(t, 0, function, 0);

	if (i == t->nent || t->entries[i].function != function)
		return NULL;
	e = &t->entries[i];
	if (!(e->flags & SIGNIFICANT))
		return e;
	i = cpuid_lower_bound(t, i, function, index);
	if (i == t->nent)
		return NULL;
	e = &t->entries[i];
	return e->function == function && e->index == index ? e : NULL;
}

/*
 * The base of the range a function belongs to, whose EAX names the range's
 * highest leaf: 0, 0x40000000-0x4fffff00 in steps of 0x100 (hypervisor
 * ranges), 0x80000000 and 0xc0000000.
 */
static u32 cpuid_range_base(u32 function)
{
	if (function >= 0x40000000 && function <= 0x4fffffff)
		return function & 0xffffff00;
	if (function >= 0xc0000000)
		return 0xc0000000;
	return function & 0x80000000;
}

const struct vmctl_cpuid_entry *
vmx_cpuid_lookup(const struct vmx_cpuid_table *t, u32 function, u32 index)
{
	const struct vmctl_cpuid_entry *e, *range, *basic;

	e = cpuid_find(t, function, index);
	if (e)
		return e;
	range = cpuid_find(t, cpuid_range_base(function), 0);
	if (range && function <= range->eax)
		return NULL;
	/* Beyond its range: Intel CPUs answer with the highest basic leaf. */
	basic = cpuid_find(t, 0, 0);
	if (!basic)
		return NULL;
	return cpuid_find(t, basic->eax, index);
}
