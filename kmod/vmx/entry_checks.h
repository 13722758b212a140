/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A software model of the key checks the CPU makes on the guest-state area
 * at VM entry (SDM "Checks on Guest-State Area").  When VM entry fails with
 * "invalid guest state" the hardware says no more than that; this names the
 * first check that fails so that user space learns what to fix.
 *
 * Pure logic over a struct: no VMCS access, no kernel state, so that a KUnit
 * suite can feed it states directly.
 */
#ifndef VMCTL_VMX_ENTRY_CHECKS_H
#define VMCTL_VMX_ENTRY_CHECKS_H

#include <linux/types.h>

enum vmx_seg {
	VMX_SEG_ES,
	VMX_SEG_CS,
	VMX_SEG_SS,
	VMX_SEG_DS,
	VMX_SEG_FS,
	VMX_SEG_GS,
	VMX_SEG_LDTR,
	VMX_SEG_TR,
	VMX_NR_SEGS
};

struct vmx_seg_state {
	u64 base;
	u32 limit;
	u32 ar;			/* VMCS access-rights format */
	u16 selector;
};

struct vmx_guest_state {
	u64 cr0, cr3, cr4, dr7, efer, rflags, rip;
	u64 gdtr_base, idtr_base;
	u32 gdtr_limit, idtr_limit;
	struct vmx_seg_state seg[VMX_NR_SEGS];
	u32 activity;
	u32 interruptibility;
	u64 link_pointer;
	u64 pdpte[4];

	/* controls and CPU facts the checks depend on */
	u32 entry_controls;
	u32 proc2_controls;
	u32 entry_intr_info;
	u64 cr0_fixed0, cr0_fixed1;
	u64 cr4_fixed0, cr4_fixed1;
	unsigned int phys_bits;		/* MAXPHYADDR */
	unsigned int virt_bits;		/* linear-address width */
};

extern const char *const vmx_seg_names[VMX_NR_SEGS];

/*
 * Returns NULL when every modelled check passes, else a message naming the
 * first failing one, formatted into buf.
 */
const char *vmx_check_guest_state(const struct vmx_guest_state *s,
				  char *buf, size_t len);

#endif /* VMCTL_VMX_ENTRY_CHECKS_H */
