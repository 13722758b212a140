/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Loading and saving the guest's FPU image around every entry (fpu.c
 * chooses the format).  Inline: both run once per exit.
 */
#ifndef VMCTL_VMX_FPU_H
#define VMCTL_VMX_FPU_H

#include <linux/types.h>

#include "vmx.h"

/* XSAVE components of the guest image, or 0 for FXSAVE */
extern u64 vmx_xsave_mask;

static __always_inline void vmx_fpu_load_guest(struct vmx_vcpu *v)
{
	if (vmx_xsave_mask)
		asm volatile("xrstor64 (%[area])"
			     : : [area] "r" (v->fpu),
			       "a" ((u32)vmx_xsave_mask),
			       "d" ((u32)(vmx_xsave_mask >> 32))
			     : "memory");
	else
		asm volatile("fxrstor64 (%[area])" : : [area] "r" (v->fpu)
			     : "memory");
}

static __always_inline void vmx_fpu_save_guest(struct vmx_vcpu *v)
{
	if (vmx_xsave_mask)
		asm volatile("xsave64 (%[area])"
			     : : [area] "r" (v->fpu),
			       "a" ((u32)vmx_xsave_mask),
			       "d" ((u32)(vmx_xsave_mask >> 32))
			     : "memory");
	else
		asm volatile("fxsave64 (%[area])" : : [area] "r" (v->fpu)
			     : "memory");
}

#endif /* VMCTL_VMX_FPU_H */
