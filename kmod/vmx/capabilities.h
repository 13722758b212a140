/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the CPU offers and which VMX controls the backend uses.  probe()
 * reads the capability MSRs once; everything else asks the predicates below
 * and never looks at raw MSR bits.
 */
#ifndef VMCTL_VMX_CAPABILITIES_H
#define VMCTL_VMX_CAPABILITIES_H

#include <linux/bits.h>
#include <linux/types.h>

#include "vmcs.h"

/* IA32_VMX_BASIC */
#define CAP_BASIC_REVISION_MASK		0x7fffffffULL
#define CAP_BASIC_REGION_SIZE(b)	(((b) >> 32) & 0x1fff)
#define CAP_BASIC_32BIT_ADDRESSES	BIT_ULL(48)
#define CAP_BASIC_MEMTYPE(b)		(((b) >> 50) & 0xf)
#define CAP_BASIC_MEMTYPE_WB		6
#define CAP_BASIC_INOUT_INFO		BIT_ULL(54)	/* INS/OUTS exits describe their operand */
#define CAP_BASIC_TRUE_CTLS		BIT_ULL(55)

/* IA32_VMX_EPT_VPID_CAP */
#define CAP_EPT_EXECUTE_ONLY		BIT_ULL(0)
#define CAP_EPT_WALK_LENGTH_4		BIT_ULL(6)
#define CAP_EPT_MEMTYPE_WB		BIT_ULL(14)
#define CAP_EPT_2M_PAGES		BIT_ULL(16)
#define CAP_EPT_1G_PAGES		BIT_ULL(17)
#define CAP_EPT_INVEPT			BIT_ULL(20)
#define CAP_EPT_AD_BITS			BIT_ULL(21)
#define CAP_EPT_INVEPT_SINGLE		BIT_ULL(25)
#define CAP_EPT_INVEPT_ALL		BIT_ULL(26)
#define CAP_VPID_INVVPID		BIT_ULL(32)
#define CAP_VPID_INVVPID_SINGLE		BIT_ULL(41)
#define CAP_VPID_INVVPID_ALL		BIT_ULL(42)

/* A control word the module uses: what it needs and what it would like. */
struct vmx_control_want {
	u32 required;
	u32 optional;
};

struct vmx_capabilities {
	u64 basic;
	u64 misc;
	u64 ept_vpid;
	u64 cr0_fixed0, cr0_fixed1;
	u64 cr4_fixed0, cr4_fixed1;
	u32 revision;

	/* allowed-1 settings as reported (for VMCTL_GET_CAPS) */
	u32 pin_allowed1, proc_allowed1, proc2_allowed1;
	u32 exit_allowed1, entry_allowed1;

	/* the control words every VMCS starts with */
	u32 pin, proc, proc2, exit, entry;
};

extern struct vmx_capabilities vmx_caps;

int vmx_adjust_controls(u64 cap_msr, const struct vmx_control_want *want,
			u32 *ctl, u32 *missing);
int vmx_probe_capabilities(void);

/* EPT and unrestricted guest need no predicate: probe() requires them. */
static inline bool cpu_has_vmx_vpid(void)
{
	return vmx_caps.proc2 & PROC2_ENABLE_VPID;
}

static inline bool cpu_has_vmx_invept_single(void)
{
	return vmx_caps.ept_vpid & CAP_EPT_INVEPT_SINGLE;
}

static inline bool cpu_has_vmx_invvpid_single(void)
{
	return vmx_caps.ept_vpid & CAP_VPID_INVVPID_SINGLE;
}

static inline bool cpu_has_vmx_ept_2m_pages(void)
{
	return vmx_caps.ept_vpid & CAP_EPT_2M_PAGES;
}

static inline bool cpu_has_vmx_ept_1g_pages(void)
{
	return vmx_caps.ept_vpid & CAP_EPT_1G_PAGES;
}

static inline bool cpu_has_vmx_ept_ad_bits(void)
{
	return vmx_caps.ept_vpid & CAP_EPT_AD_BITS;
}

static inline bool cpu_has_vmx_preemption_timer(void)
{
	return vmx_caps.pin & PIN_PREEMPTION_TIMER;
}

/* NMI injection, NMI blocking and NMI-window exiting for the guest */
static inline bool cpu_has_vmx_virtual_nmis(void)
{
	return (vmx_caps.pin & PIN_VIRTUAL_NMIS) &&
	       (vmx_caps.proc_allowed1 & PROC_NMI_WINDOW_EXITING);
}

/* IA32_VMX_MISC[4:0]: the timer counts down once every 2^n TSC cycles. */
static inline unsigned int vmx_preemption_timer_shift(void)
{
	return vmx_caps.misc & 0x1f;
}

/* The guest's PAT is loaded on entry and saved on exit by the VMCS. */
static inline bool cpu_has_vmx_pat(void)
{
	return (vmx_caps.entry & ENTRY_LOAD_IA32_PAT) &&
	       (vmx_caps.exit & (EXIT_SAVE_IA32_PAT | EXIT_LOAD_IA32_PAT)) ==
	       (EXIT_SAVE_IA32_PAT | EXIT_LOAD_IA32_PAT);
}

static inline bool cpu_has_vmx_true_controls(void)
{
	return vmx_caps.basic & CAP_BASIC_TRUE_CTLS;
}

#endif /* VMCTL_VMX_CAPABILITIES_H */
