/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Speculation mitigations around guest entry: the decisions, as pure
 * functions of what the host reports, so that KUnit can check them.
 */
#ifndef VMCTL_VMX_SPEC_H
#define VMCTL_VMX_SPEC_H

#include <linux/types.h>

/* The l1d_flush module parameter. */
enum vmx_l1d_flush_mode {
	VMX_L1D_FLUSH_AUTO,	/* where the host reports L1TF and mitigates it */
	VMX_L1D_FLUSH_ALWAYS,
	VMX_L1D_FLUSH_NEVER,
};

/* What the host kernel and CPU report, read once at load. */
struct vmx_spec_host {
	bool l1tf_bug;		/* X86_BUG_L1TF */
	bool l1tf_off;		/* l1tf=off on the kernel command line */
	bool l1d_flush_not_needed; /* ARCH_CAPABILITIES.SKIP_VMENTRY_L1DFLUSH */
	bool use_ibpb;		/* the kernel's spectre_v2_user choice */
};

/* Flush the L1D before each entry? */
static inline bool vmx_want_l1d_flush(enum vmx_l1d_flush_mode mode,
				      const struct vmx_spec_host *host)
{
	switch (mode) {
	case VMX_L1D_FLUSH_ALWAYS:
		return true;
	case VMX_L1D_FLUSH_NEVER:
		return false;
	case VMX_L1D_FLUSH_AUTO:
	default:
		return host->l1tf_bug && !host->l1tf_off &&
		       !host->l1d_flush_not_needed;
	}
}

/*
 * Barrier before entering a vCPU of @vm_id on a CPU that last entered one
 * of @last_vm_id (0: none yet)?  vCPUs of one VM trust each other; a
 * guest must not steer the branch predictions of another VM's guest.
 */
static inline bool vmx_want_ibpb(u64 last_vm_id, u64 vm_id,
				 const struct vmx_spec_host *host)
{
	return host->use_ibpb && last_vm_id != vm_id;
}

#endif /* VMCTL_VMX_SPEC_H */
