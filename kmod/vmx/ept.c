// SPDX-License-Identifier: GPL-2.0
/*
 * EPT table builder.  Leaves map guest-physical 4 KiB pages onto the pinned
 * pages of a memory slot, read/write/execute (read/execute for read-only
 * slots), write-back with "ignore PAT" so that the guest's own PAT and
 * CR0.CD cannot make host memory uncached (SDM "Memory Type Used for
 * Translated Guest-Physical Addresses").  Non-leaf entries allow everything;
 * the leaves decide.
 */
#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/slab.h>

#include "../vmctl.h"
#include "ept.h"
#include "vmcs.h"

#define EPT_TABLE_ENTRIES	512
#define EPT_NONLEAF		(EPT_READ | EPT_WRITE | EPT_EXEC)

static unsigned int ept_index(u64 gpa, int level)
{
	return (gpa >> (12 + 9 * (level - 1))) & (EPT_TABLE_ENTRIES - 1);
}

static u64 *ept_alloc_table(void)
{
	u64 *table = (u64 *)get_zeroed_page(GFP_KERNEL_ACCOUNT);

	if (table)
		vmctl_account_kernel_pages(1);
	return table;
}

static u64 *ept_next_table(u64 entry)
{
	return phys_to_virt(entry & EPT_ADDR_MASK);
}

int vmx_ept_init(struct vmx_ept *ept)
{
	mutex_init(&ept->lock);
	ept->root = ept_alloc_table();
	if (!ept->root)
		return -ENOMEM;
	ept->eptp = virt_to_phys(ept->root) | EPTP_WALK_LENGTH_4 |
		    EPTP_MEMTYPE_WB;
	return 0;
}

static void ept_free_table(u64 *table, int level)
{
	int i;

	if (level > 1) {
		for (i = 0; i < EPT_TABLE_ENTRIES; i++)
			if (table[i] & EPT_NONLEAF)
				ept_free_table(ept_next_table(table[i]),
					       level - 1);
	}
	free_page((unsigned long)table);
	vmctl_account_kernel_pages(-1);
}

/* The caller has made sure that no CPU caches translations of this EPTP. */
void vmx_ept_destroy(struct vmx_ept *ept)
{
	if (ept->root)
		ept_free_table(ept->root, EPT_LEVELS);
	ept->root = NULL;
}

/* The level-1 entry for gpa, allocating missing tables if asked to. */
static u64 *ept_walk(struct vmx_ept *ept, u64 gpa, bool alloc)
{
	u64 *table = ept->root;
	int level;

	for (level = EPT_LEVELS; level > 1; level--) {
		u64 *entry = &table[ept_index(gpa, level)];

		if (!(*entry & EPT_NONLEAF)) {
			u64 *next;

			if (!alloc)
				return NULL;
			next = ept_alloc_table();
			if (!next)
				return NULL;
			WRITE_ONCE(*entry, virt_to_phys(next) | EPT_NONLEAF);
		}
		table = ept_next_table(*entry);
	}
	return &table[ept_index(gpa, 1)];
}

static void ept_clear_range(struct vmx_ept *ept, u64 gpa, unsigned long npages)
{
	unsigned long i;

	for (i = 0; i < npages; i++) {
		u64 *pte = ept_walk(ept, gpa + i * PAGE_SIZE, false);

		if (pte)
			WRITE_ONCE(*pte, 0);
	}
}

int vmx_ept_map(struct vmx_ept *ept, u64 gpa, struct page **pages,
		unsigned long npages, bool writable)
{
	u64 prot = EPT_READ | EPT_EXEC | EPT_MEMTYPE_WB | EPT_IGNORE_PAT;
	unsigned long i;

	if (writable)
		prot |= EPT_WRITE;
	if ((gpa & ~PAGE_MASK) || gpa + (u64)npages * PAGE_SIZE < gpa ||
	    gpa + (u64)npages * PAGE_SIZE > BIT_ULL(EPT_MAX_GPA_BITS))
		return -EINVAL;

	mutex_lock(&ept->lock);
	for (i = 0; i < npages; i++) {
		u64 *pte = ept_walk(ept, gpa + i * PAGE_SIZE, true);

		if (!pte) {
			/*
			 * A running vCPU may already have used the new
			 * entries: the caller flushes after this error.
			 */
			ept_clear_range(ept, gpa, i);
			mutex_unlock(&ept->lock);
			return -ENOMEM;
		}
		WRITE_ONCE(*pte, page_to_phys(pages[i]) | prot);
	}
	mutex_unlock(&ept->lock);
	return 0;
}

void vmx_ept_unmap(struct vmx_ept *ept, u64 gpa, unsigned long npages)
{
	mutex_lock(&ept->lock);
	ept_clear_range(ept, gpa, npages);
	mutex_unlock(&ept->lock);
}

/* The leaf entry mapping gpa, or 0. */
u64 vmx_ept_lookup(struct vmx_ept *ept, u64 gpa)
{
	u64 *pte, val = 0;

	mutex_lock(&ept->lock);
	pte = ept_walk(ept, gpa, false);
	if (pte)
		val = READ_ONCE(*pte);
	mutex_unlock(&ept->lock);
	return val;
}
