// SPDX-License-Identifier: LGPL-2.1-or-later
/* Guest-virtual to guest-physical translation: the guest's own page walk. */
#include <errno.h>
#include <string.h>

#include "internal.h"

#define X86_CR0_PG	(1ULL << 31)
#define X86_CR4_PSE	(1ULL << 4)
#define X86_CR4_PAE	(1ULL << 5)
#define X86_CR4_LA57	(1ULL << 12)
#define X86_EFER_LMA	(1ULL << 10)

#define PTE_PRESENT	(1ULL << 0)
#define PTE_LARGE	(1ULL << 7)	/* PDPTE: 1 GiB page; PDE: 2 or 4 MiB page */
/* Bits 51:12 of a 64-bit entry; the guest's MAXPHYADDR is not known here. */
#define PTE_ADDR_MASK	0x000ffffffffff000ULL

static int read_entry(struct vmctl_vm *vm, uint64_t gpa, unsigned int size,
		      uint64_t *entry, struct vmctl_translation *tr, int level)
{
	uint32_t e32;

	tr->level = level;
	tr->entry = 0;
	if (size == 4) {
		if (vmctl_vm_read(vm, gpa, &e32, 4))
			goto fault;
		*entry = e32;
	} else if (vmctl_vm_read(vm, gpa, entry, 8)) {
		goto fault;
	}
	tr->entry = *entry;
	if (!(*entry & PTE_PRESENT))
		return -ENOENT;
	return 0;
fault:
	tr->gpa = gpa;
	return -EFAULT;
}

/* Legacy 32-bit paging: two levels of 1024 four-byte entries. */
static int walk_32bit(struct vmctl_vm *vm, const struct vmctl_sregs *sregs, uint64_t gva,
		      struct vmctl_translation *tr)
{
	uint64_t pde, pte;
	int err;

	err = read_entry(vm, (sregs->cr3 & 0xfffff000) + ((gva >> 22) & 0x3ff) * 4, 4, &pde,
			 tr, 2);
	if (err)
		return err;
	if ((pde & PTE_LARGE) && (sregs->cr4 & X86_CR4_PSE)) {
		/* PSE-36: PDE bits 20:13 are physical address bits 39:32. */
		tr->gpa = (pde & 0xffc00000) | (((pde >> 13) & 0xff) << 32) | (gva & 0x3fffff);
		return 0;
	}
	err = read_entry(vm, (pde & 0xfffff000) + ((gva >> 12) & 0x3ff) * 4, 4, &pte, tr, 1);
	if (err)
		return err;
	tr->gpa = (pte & 0xfffff000) | (gva & 0xfff);
	return 0;
}

/*
 * 4-level and PAE paging share the lower levels: 512 eight-byte entries,
 * 9 bits of the address each.  PAE starts at the PDPTE level with a
 * 4-entry table at CR3 bits 31:5; 4-level at the PML4.
 */
static int walk_64bit(struct vmctl_vm *vm, const struct vmctl_sregs *sregs, uint64_t gva,
		      struct vmctl_translation *tr, bool pae)
{
	uint64_t table, entry, page_mask;
	int level, err;

	if (pae) {
		err = read_entry(vm, (sregs->cr3 & 0xffffffe0) + ((gva >> 30) & 3) * 8, 8, &entry,
				 tr, 3);
		if (err)
			return err;
		table = entry & PTE_ADDR_MASK;
		level = 2;
	} else {
		table = sregs->cr3 & PTE_ADDR_MASK;
		level = 4;
	}
	for (; level >= 1; level--) {
		unsigned int shift = 12 + 9 * (level - 1);

		err = read_entry(vm, table + ((gva >> shift) & 0x1ff) * 8, 8, &entry, tr, level);
		if (err)
			return err;
		/* 1 GiB pages at the PDPTE of 4-level paging, 2 MiB at any PDE. */
		if (level == 1 || ((entry & PTE_LARGE) && (level == 2 || (level == 3 && !pae)))) {
			page_mask = (1ULL << shift) - 1;
			tr->gpa = (entry & PTE_ADDR_MASK & ~page_mask) | (gva & page_mask);
			return 0;
		}
		table = entry & PTE_ADDR_MASK;
	}
	return -ENOENT;	/* not reached: level 1 always returns */
}

int paging_walk(struct vmctl_vm *vm, const struct vmctl_sregs *sregs, uint64_t gva,
		struct vmctl_translation *tr)
{
	memset(tr, 0, sizeof(*tr));
	if (!(sregs->cr0 & X86_CR0_PG)) {
		if (gva >> 32 && !(sregs->efer & X86_EFER_LMA))
			return -ERANGE;
		tr->gpa = gva;
		return 0;
	}
	if (sregs->efer & X86_EFER_LMA) {
		if (sregs->cr4 & X86_CR4_LA57)
			return -ENOTSUP;
		/* Canonical: bits 63:47 all equal. */
		if ((uint64_t)((int64_t)(gva << 16) >> 16) != gva)
			return -ERANGE;
		return walk_64bit(vm, sregs, gva, tr, false);
	}
	if (gva >> 32)
		return -ERANGE;
	if (sregs->cr4 & X86_CR4_PAE)
		return walk_64bit(vm, sregs, gva, tr, true);
	return walk_32bit(vm, sregs, gva, tr);
}

VMCTL_EXPORT int vmctl_vcpu_translate(struct vmctl_vcpu *vcpu, uint64_t gva,
				      struct vmctl_translation *tr)
{
	struct vmctl_translation result;
	struct vmctl_sregs sregs;
	int err;

	if (!vcpu || !tr)
		return -EINVAL;
	err = vmctl_vcpu_get_sregs(vcpu, &sregs);
	if (err)
		return err;
	err = paging_walk(vcpu->vm, &sregs, gva, &result);
	if (err == 0 || err == -ENOENT || err == -EFAULT)
		*tr = result;
	return err;
}
