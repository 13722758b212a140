// SPDX-License-Identifier: GPL-2.0
/*
 * The guest's segmentation and paging in software (see walk.h), after the
 * SDM chapters "Segment-Level Protection" and "Paging": 32-bit paging with
 * and without 4-MByte pages, PAE paging with its PDPTE registers, 4-level
 * paging with 2-MByte and 1-GByte pages.  Only kernel headers: KUnit
 * includes this file as it is.
 */
#include <linux/bits.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <asm/processor-flags.h>
#include <asm/msr-index.h>
#include <asm/trapnr.h>

#include "walk.h"

/* Bits of a paging-structure entry. */
#define PTE_P		BIT_ULL(0)
#define PTE_RW		BIT_ULL(1)
#define PTE_US		BIT_ULL(2)
#define PTE_A		BIT_ULL(5)
#define PTE_D		BIT_ULL(6)
#define PTE_PS		BIT_ULL(7)
#define PTE_XD		BIT_ULL(63)

/* VMCS access rights of a segment (the descriptor's type, S, DPL, P, ...). */
#define SEG_TYPE_CODE		0x8
#define SEG_TYPE_EXPAND_DOWN	0x4	/* data segments */
#define SEG_TYPE_WRITABLE	0x2	/* data segments */
#define SEG_TYPE_READABLE	0x2	/* code segments */
#define SEG_AR_DB_BIT		BIT(14)
#define SEG_AR_UNUSABLE_BIT	BIT(16)
#define SEG_NR_SS		2
#define SEG_NR_FS		4
#define SEG_NR_GS		5

#define WALK_MAX_LEVELS		4

/* One entry used by a translation, to set its A (and D) bit afterwards. */
struct walk_entry {
	u64 gpa;
	u64 val;
	unsigned int size;		/* 4 or 8 */
	bool leaf;
};

struct walk {
	const struct vmx_paging *p;
	const struct vmx_walk_mem *mem;
	unsigned int access;
	struct walk_entry used[WALK_MAX_LEVELS];
	unsigned int nr_used;
	bool user_page;			/* U/S set at every level */
	bool writable;			/* R/W set at every level */
	bool no_exec;			/* XD set at some level, with NXE */
};

static bool walk_is_user(const struct walk *w)
{
	return !(w->access & VMX_WALK_IMPLICIT) && w->p->cpl == 3;
}

/* The error code bits that describe the access itself. */
static u32 walk_access_error(const struct walk *w)
{
	const struct vmx_paging *p = w->p;
	u32 err = 0;

	if (w->access & VMX_WALK_WRITE)
		err |= VMX_PF_WRITE;
	if (walk_is_user(w))
		err |= VMX_PF_USER;
	/* I/D is reported only where execute protection exists at all. */
	if ((w->access & VMX_WALK_FETCH) &&
	    ((p->cr4 & X86_CR4_SMEP) ||
	     ((p->cr4 & X86_CR4_PAE) && (p->efer & EFER_NX))))
		err |= VMX_PF_FETCH;
	return err;
}

static int walk_read_entry(struct walk *w, u64 gpa, unsigned int size,
			   bool leaf, u64 *val)
{
	u32 v32;
	int err;

	if (size == 4) {
		err = w->mem->read(w->mem->ctx, gpa, &v32, 4);
		*val = v32;
	} else {
		err = w->mem->read(w->mem->ctx, gpa, val, 8);
	}
	if (err)
		return -ENXIO;
	if (w->nr_used < WALK_MAX_LEVELS) {
		struct walk_entry *e = &w->used[w->nr_used];

		e->gpa = gpa;
		e->val = *val;
		e->size = size;
		e->leaf = leaf;
		w->nr_used++;
	}
	return 0;
}

static void walk_note_permissions(struct walk *w, u64 entry)
{
	if (!(entry & PTE_US))
		w->user_page = false;
	if (!(entry & PTE_RW))
		w->writable = false;
	if ((entry & PTE_XD) && (w->p->efer & EFER_NX))
		w->no_exec = true;
}

/* The checks of "Access Rights", once the leaf is known. */
static bool walk_access_allowed(const struct walk *w)
{
	const struct vmx_paging *p = w->p;
	bool write = w->access & VMX_WALK_WRITE;
	bool fetch = w->access & VMX_WALK_FETCH;

	if (fetch && w->no_exec)
		return false;
	if (walk_is_user(w))
		return w->user_page && (!write || w->writable);
	if (write && !w->writable && (p->cr0 & X86_CR0_WP))
		return false;
	if (fetch && w->user_page && (p->cr4 & X86_CR4_SMEP))
		return false;
	if (!fetch && w->user_page && (p->cr4 & X86_CR4_SMAP) &&
	    ((w->access & VMX_WALK_IMPLICIT) || !(p->rflags & X86_EFLAGS_AC)))
		return false;
	return true;
}

/* Sets A in every entry used, and D in the leaf for a write. */
static int walk_set_accessed_dirty(struct walk *w)
{
	unsigned int i;

	for (i = 0; i < w->nr_used; i++) {
		struct walk_entry *e = &w->used[i];
		u64 val = e->val | PTE_A;
		u32 v32;

		if (e->leaf && (w->access & VMX_WALK_WRITE))
			val |= PTE_D;
		if (val == e->val)
			continue;
		v32 = val;
		if (w->mem->write(w->mem->ctx, e->gpa,
				  e->size == 4 ? (void *)&v32 : (void *)&val,
				  e->size))
			return -ENXIO;
	}
	return 0;
}

static u64 walk_phys_mask(const struct vmx_paging *p)
{
	return GENMASK_ULL(p->phys_bits - 1, 12);
}

static int walk_32bit(struct walk *w, u64 la, u64 *gpa, u32 *pf_error)
{
	const struct vmx_paging *p = w->p;
	u64 pde, pte;
	u32 err = walk_access_error(w);

	if (walk_read_entry(w, (p->cr3 & 0xfffff000) + ((la >> 22) & 0x3ff) * 4,
			    4, false, &pde))
		return -ENXIO;
	if (!(pde & PTE_P))
		goto not_present;
	walk_note_permissions(w, pde);
	if ((pde & PTE_PS) && (p->cr4 & X86_CR4_PSE)) {
		/* 4 MByte page: bits 20:13 are address bits 39:32 (PSE-36). */
		unsigned int high_bits = min(p->phys_bits, 40U) - 32;
		u64 rsvd = GENMASK_ULL(21, 13 + high_bits);

		if (pde & rsvd)
			goto reserved;
		w->used[w->nr_used - 1].leaf = true;
		*gpa = (pde & 0xffc00000) |
		       (((pde >> 13) & (BIT_ULL(high_bits) - 1)) << 32) |
		       (la & 0x3fffff);
		goto leaf;
	}
	if (walk_read_entry(w, (pde & 0xfffff000) + ((la >> 12) & 0x3ff) * 4,
			    4, true, &pte))
		return -ENXIO;
	if (!(pte & PTE_P))
		goto not_present;
	walk_note_permissions(w, pte);
	*gpa = (pte & 0xfffff000) | (la & 0xfff);
leaf:
	if (!walk_access_allowed(w)) {
		*pf_error = err | VMX_PF_PRESENT;
		return -EFAULT;
	}
	return walk_set_accessed_dirty(w);
not_present:
	*pf_error = err;
	return -EFAULT;
reserved:
	*pf_error = err | VMX_PF_PRESENT | VMX_PF_RSVD;
	return -EFAULT;
}

/*
 * PAE and 4-level paging share the entry format.  @level is where the walk
 * starts (4: PML4, 2: the page directory, after a PDPTE register).
 */
static int walk_64bit_entries(struct walk *w, u64 table, int level, u64 la,
			      u64 *gpa, u32 *pf_error)
{
	const struct vmx_paging *p = w->p;
	bool four_level = p->efer & EFER_LMA;
	u64 rsvd = four_level ? GENMASK_ULL(51, p->phys_bits) :
				GENMASK_ULL(62, p->phys_bits);
	u32 err = walk_access_error(w);
	u64 entry;

	if (!(p->efer & EFER_NX))
		rsvd |= PTE_XD;
	for (; level >= 1; level--) {
		unsigned int shift = 12 + 9 * (level - 1);
		u64 page_mask = BIT_ULL(shift) - 1;
		u64 ps_rsvd = GENMASK_ULL(shift - 1, 13);
		bool large;

		if (walk_read_entry(w, table + ((la >> shift) & 0x1ff) * 8,
				    8, level == 1, &entry))
			return -ENXIO;
		if (!(entry & PTE_P))
			goto not_present;
		if (entry & rsvd)
			goto reserved;
		large = level > 1 && (entry & PTE_PS);
		if (large && level == 4)
			goto reserved;		/* PS is reserved in a PML4E */
		walk_note_permissions(w, entry);
		if (large) {
			if (entry & ps_rsvd)
				goto reserved;
			w->used[w->nr_used - 1].leaf = true;
			*gpa = (entry & walk_phys_mask(p) & ~page_mask) |
			       (la & page_mask);
			goto leaf;
		}
		table = entry & walk_phys_mask(p);
	}
	*gpa = table | (la & 0xfff);
leaf:
	if (!walk_access_allowed(w)) {
		*pf_error = err | VMX_PF_PRESENT;
		return -EFAULT;
	}
	return walk_set_accessed_dirty(w);
not_present:
	*pf_error = err;
	return -EFAULT;
reserved:
	*pf_error = err | VMX_PF_PRESENT | VMX_PF_RSVD;
	return -EFAULT;
}

static int walk_pae(struct walk *w, u64 la, u64 *gpa, u32 *pf_error)
{
	const struct vmx_paging *p = w->p;
	u64 pdpte = p->pdpte[(la >> 30) & 3];
	u64 rsvd = GENMASK_ULL(63, p->phys_bits) | GENMASK_ULL(8, 5) |
		   GENMASK_ULL(2, 1);

	/*
	 * The PDPTE registers were loaded with CR3; a bad one there is #GP
	 * on the CPU and never reaches a translation.  Report it as the
	 * reserved-bit fault it would be in a table.
	 */
	if (!(pdpte & PTE_P)) {
		*pf_error = walk_access_error(w);
		return -EFAULT;
	}
	if (pdpte & rsvd) {
		*pf_error = walk_access_error(w) | VMX_PF_PRESENT | VMX_PF_RSVD;
		return -EFAULT;
	}
	return walk_64bit_entries(w, pdpte & walk_phys_mask(p), 2, la, gpa,
				  pf_error);
}

int vmx_walk(const struct vmx_paging *p, const struct vmx_walk_mem *mem,
	     u64 la, unsigned int access, u64 *gpa, u32 *pf_error)
{
	struct walk w = {
		.p = p, .mem = mem, .access = access,
		.user_page = true, .writable = true,
	};

	*pf_error = 0;
	if (!(p->cr0 & X86_CR0_PG)) {
		*gpa = (p->efer & EFER_LMA) ? la : (u32)la;
		return 0;
	}
	if (!(p->cr4 & X86_CR4_PAE))
		return walk_32bit(&w, (u32)la, gpa, pf_error);
	if (!(p->efer & EFER_LMA))
		return walk_pae(&w, (u32)la, gpa, pf_error);
	if (p->cr4 & X86_CR4_LA57)
		return -EOPNOTSUPP;
	return walk_64bit_entries(&w, p->cr3 & walk_phys_mask(p), 4, la, gpa,
				  pf_error);
}

static bool seg_is_canonical(u64 la, unsigned int virt_bits)
{
	return (u64)(((s64)la << (64 - virt_bits)) >> (64 - virt_bits)) == la;
}

int vmx_seg_linear(const struct vmx_walk_seg *seg, unsigned int seg_nr,
		   bool long_mode, unsigned int virt_bits, u64 offset,
		   unsigned int size, unsigned int access, u64 *la)
{
	int fault = seg_nr == SEG_NR_SS ? -X86_TRAP_SS : -X86_TRAP_GP;
	unsigned int type = seg->ar & 0xf;
	u64 last = offset + size - 1;

	if (long_mode) {
		/* Only FS and GS keep a base; no limits, no type checks. */
		u64 base = (seg_nr == SEG_NR_FS || seg_nr == SEG_NR_GS) ?
			   seg->base : 0;

		*la = base + offset;
		if (!seg_is_canonical(*la, virt_bits) ||
		    !seg_is_canonical(*la + size - 1, virt_bits))
			return fault;
		return 0;
	}
	if (seg->ar & SEG_AR_UNUSABLE_BIT)
		return fault;
	if (type & SEG_TYPE_CODE) {
		if (access & VMX_WALK_WRITE)
			return fault;
		if (!(access & VMX_WALK_FETCH) && !(type & SEG_TYPE_READABLE))
			return fault;
	} else if ((access & VMX_WALK_WRITE) && !(type & SEG_TYPE_WRITABLE)) {
		return fault;
	}
	if (!(type & SEG_TYPE_CODE) && (type & SEG_TYPE_EXPAND_DOWN)) {
		u64 upper = (seg->ar & SEG_AR_DB_BIT) ? 0xffffffffULL : 0xffffULL;

		if (offset <= seg->limit || last > upper)
			return fault;
	} else if (last > seg->limit) {
		return fault;
	}
	*la = (u32)(seg->base + offset);
	return 0;
}
