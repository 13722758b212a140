/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest's XSAVE components (a pure function of the host's XCR0, so that
 * KUnit can check it) and the loading and saving of its FPU image around
 * every entry (fpu.c chooses the format).  Inline: both run once per exit.
 */
#ifndef VMCTL_VMX_FPU_H
#define VMCTL_VMX_FPU_H

#include <linux/types.h>
#include <asm/fpu/types.h>
#include <asm/fpu/xcr.h>

#include "vmx.h"

/*
 * Components the guest never sees or changes.  PKRU is the host thread's
 * protection keys: the kernel does not restore it on the way back to user
 * space, so a guest XRSTOR of PKRU would outlive the run.  AMX tile state
 * is large, permission-gated per process (arch_prctl) and not offered
 * (CPUID hides it).
 */
#define VMX_XFEATURES_HIDDEN	(XFEATURE_MASK_PKRU | XFEATURE_MASK_XTILE)

/*
 * The mask of the guest's XSAVE image and the most its XCR0 may hold: the
 * host's, minus the hidden components.  A vCPU starts with all of it in
 * XCR0; XSETBV (guest_insn.c) may then choose a subset.
 */
static inline u64 vmx_guest_xfeatures(u64 host_xcr0)
{
	return host_xcr0 & ~(u64)VMX_XFEATURES_HIDDEN;
}

/*
 * Whether XSETBV may load xcr0 (SDM "XSETBV"): x87 always on, AVX only
 * with SSE, the MPX pair and the AVX-512 triple whole, AVX-512 only with
 * AVX; and nothing outside allowed.
 */
static inline bool vmx_xcr0_valid(u64 xcr0, u64 allowed)
{
	if (xcr0 & ~allowed)
		return false;
	if (!(xcr0 & XFEATURE_MASK_FP))
		return false;
	if ((xcr0 & XFEATURE_MASK_YMM) && !(xcr0 & XFEATURE_MASK_SSE))
		return false;
	if (!(xcr0 & XFEATURE_MASK_BNDREGS) != !(xcr0 & XFEATURE_MASK_BNDCSR))
		return false;
	if ((xcr0 & XFEATURE_MASK_AVX512) &&
	    ((xcr0 & XFEATURE_MASK_AVX512) != XFEATURE_MASK_AVX512 ||
	     !(xcr0 & XFEATURE_MASK_YMM)))
		return false;
	return true;
}

/* XSAVE components of the guest image and its XCR0, or 0 for FXSAVE */
extern u64 vmx_xsave_mask;
extern u64 vmx_host_xcr0;

/*
 * Preemption is off and kernel_fpu_begin() has saved the thread's state;
 * the kernel's in-kernel-FPU flag keeps interrupt handlers from XSAVE, so
 * the guest's XCR0 can stay from here until vmx_fpu_save_guest().
 */
static __always_inline void vmx_fpu_load_guest(struct vmx_vcpu *v)
{
	if (vmx_xsave_mask) {
		asm volatile("xrstor64 (%[area])"
			     : : [area] "r" (v->fpu),
			       "a" ((u32)vmx_xsave_mask),
			       "d" ((u32)(vmx_xsave_mask >> 32))
			     : "memory");
		if (v->guest_xcr0 != vmx_host_xcr0)
			xsetbv(XCR_XFEATURE_ENABLED_MASK, v->guest_xcr0);
	} else {
		asm volatile("fxrstor64 (%[area])" : : [area] "r" (v->fpu)
			     : "memory");
	}
}

static __always_inline void vmx_fpu_save_guest(struct vmx_vcpu *v)
{
	if (vmx_xsave_mask) {
		asm volatile("xsave64 (%[area])"
			     : : [area] "r" (v->fpu),
			       "a" ((u32)vmx_xsave_mask),
			       "d" ((u32)(vmx_xsave_mask >> 32))
			     : "memory");
		if (v->guest_xcr0 != vmx_host_xcr0)
			xsetbv(XCR_XFEATURE_ENABLED_MASK, vmx_host_xcr0);
	} else {
		asm volatile("fxsave64 (%[area])" : : [area] "r" (v->fpu)
			     : "memory");
	}
}

#endif /* VMCTL_VMX_FPU_H */
