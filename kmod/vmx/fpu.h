/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Which XSAVE components a guest gets: a pure function of the host's XCR0,
 * so that KUnit can check it.
 */
#ifndef VMCTL_VMX_FPU_H
#define VMCTL_VMX_FPU_H

#include <linux/types.h>
#include <asm/fpu/types.h>

/*
 * Components the guest never sees or changes.  PKRU is the host thread's
 * protection keys: the kernel does not restore it on the way back to user
 * space, so a guest XRSTOR of PKRU would outlive the run.  AMX tile state
 * is large, permission-gated per process (arch_prctl) and not offered
 * (CPUID hides it).
 */
#define VMX_XFEATURES_HIDDEN	(XFEATURE_MASK_PKRU | XFEATURE_MASK_XTILE)

/*
 * The guest's XCR0 and the mask of its XSAVE image: the host's, minus the
 * hidden components.  The guest cannot XSETBV (it exits unhandled), so it
 * runs with exactly this XCR0.
 */
static inline u64 vmx_guest_xfeatures(u64 host_xcr0)
{
	return host_xcr0 & ~(u64)VMX_XFEATURES_HIDDEN;
}

#endif /* VMCTL_VMX_FPU_H */
