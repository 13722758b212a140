// SPDX-License-Identifier: GPL-2.0
/*
 * CPUID tables set by user space (VMCTL_SET_CPUID).  They are sorted and
 * indexed once when set, so that the exit handler finds the first entry
 * of a common leaf (0-0x1f and the first 32 of the hypervisor and
 * extended ranges) in one array access, and that of any other leaf with a
 * binary search.  Measured in Bochs (guest time per CPUID exit, 200 MHz
 * TSC): a binary search for every exit cost 0.37 us over the 3.98 us of
 * an exit without a table (+9%, +14% with 256 entries).
 */
#include <linux/bits.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/sort.h>
#include <linux/string.h>

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

/* The first entry of function or of a later one, or t->nent. */
static u32 cpuid_first_entry(const struct vmx_cpuid_table *t, u32 function)
{
	u32 lo = 0, hi = t->nent;

	while (lo < hi) {
		u32 mid = lo + (hi - lo) / 2;

		if (t->entries[mid].function < function)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The direct range of a function (or -1), and its slot there. */
static int cpuid_direct_range(u32 function)
{
	if (function < VMX_CPUID_DIRECT_LEAVES)
		return 0;
	if (function - 0x40000000 < VMX_CPUID_DIRECT_LEAVES)
		return 1;
	if (function - 0x80000000 < VMX_CPUID_DIRECT_LEAVES)
		return 2;
	return -1;
}

void vmx_cpuid_index(struct vmx_cpuid_table *t)
{
	u32 i;

	memset(t->direct, 0, sizeof(t->direct));
	for (i = t->nent; i-- > 0; ) {
		u32 function = t->entries[i].function;
		int range = cpuid_direct_range(function);

		/* Walking backwards, the first entry of a function wins. */
		if (range >= 0)
			t->direct[range][function % VMX_CPUID_DIRECT_LEAVES] = i + 1;
	}
}

static const struct vmctl_cpuid_entry *
cpuid_find(const struct vmx_cpuid_table *t, u32 function, u32 index)
{
	const struct vmctl_cpuid_entry *e, *end = t->entries + t->nent;
	int range = cpuid_direct_range(function);
	u32 i;

	if (range >= 0) {
		i = t->direct[range][function % VMX_CPUID_DIRECT_LEAVES];
		if (!i)
			return NULL;
		i--;
	} else {
		i = cpuid_first_entry(t, function);
		if (i == t->nent || t->entries[i].function != function)
			return NULL;
	}
	e = &t->entries[i];
	if (!(e->flags & SIGNIFICANT))
		return e;
	/* Subleaves are few and sorted: scan them. */
	for (; e < end && e->function == function && e->index <= index; e++)
		if (e->index == index)
			return e;
	return NULL;
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
