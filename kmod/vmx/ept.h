/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The second-level (EPT) page tables of one VM: four levels, 4 KiB leaves,
 * write-back memory.  Only pages handed over by map() are ever reachable.
 * The table code does not flush translations; vmx.c does that (INVEPT on
 * every CPU) after an unmap and before the tables are freed.
 */
#ifndef VMCTL_VMX_EPT_H
#define VMCTL_VMX_EPT_H

#include <linux/mm_types.h>
#include <linux/mutex.h>
#include <linux/types.h>

#define EPT_READ		BIT_ULL(0)
#define EPT_WRITE		BIT_ULL(1)
#define EPT_EXEC		BIT_ULL(2)
#define EPT_MEMTYPE_WB		(6ULL << 3)
#define EPT_IGNORE_PAT		BIT_ULL(6)
#define EPT_ADDR_MASK		GENMASK_ULL(51, 12)
#define EPT_LEVELS		4
#define EPT_MAX_GPA_BITS	48

struct vmx_ept {
	struct mutex lock;	/* the tables */
	u64 *root;		/* PML4 */
	u64 eptp;
};

int vmx_ept_init(struct vmx_ept *ept);
void vmx_ept_destroy(struct vmx_ept *ept);
int vmx_ept_map(struct vmx_ept *ept, u64 gpa, struct page **pages,
		unsigned long npages, bool writable);
void vmx_ept_unmap(struct vmx_ept *ept, u64 gpa, unsigned long npages);
u64 vmx_ept_lookup(struct vmx_ept *ept, u64 gpa);

#endif /* VMCTL_VMX_EPT_H */
