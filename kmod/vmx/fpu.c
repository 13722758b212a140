// SPDX-License-Identifier: GPL-2.0
/*
 * The guest's FPU state: its XSAVE/FXSAVE format and switching.
 *
 * The format is chosen once from the host's; the state is loaded before
 * and saved after each entry.
 */
#include <linux/kernel.h>
#include <asm/cpufeature.h>
#include <asm/fpu/types.h>
#include <asm/fpu/xcr.h>
#include <asm/processor.h>

#include "fpu.h"
#include "vmx.h"

/* Guest FPU images: XSAVE with the host's XCR0 (minus AMX), or FXSAVE. */
u64 vmx_xsave_mask;
unsigned int vmx_fpu_size;

void vmx_setup_fpu_format(void)
{
	if (boot_cpu_has(X86_FEATURE_XSAVE)) {
		unsigned int eax, ebx, ecx, edx;

		/* The guest runs with the host's XCR0: it cannot XSETBV. */
		vmx_xsave_mask = xgetbv(XCR_XFEATURE_ENABLED_MASK) &
				 ~(u64)XFEATURE_MASK_XTILE;
		cpuid_count(0xd, 0, &eax, &ebx, &ecx, &edx);
		vmx_fpu_size = max_t(unsigned int, ebx, 576);
	} else {
		vmx_xsave_mask = 0;
		vmx_fpu_size = 512;
	}
}

void vmx_init_fpu(struct vmx_vcpu *v)
{
	struct fxregs_state *fx = v->fpu;

	/* x87 and SSE as after FNINIT; XSTATE_BV 0: the rest in init state */
	fx->cwd = 0x37f;
	fx->mxcsr = MXCSR_DEFAULT;
}
