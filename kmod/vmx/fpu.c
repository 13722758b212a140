// SPDX-License-Identifier: GPL-2.0
/*
 * The guest's FPU state: its XSAVE/FXSAVE format and switching.
 *
 * The format is chosen once from the host's; the state is loaded before
 * and saved after each entry.  The guest runs with its own XCR0, the
 * host's minus the components of VMX_XFEATURES_HIDDEN (fpu.h).
 */
#include <linux/kernel.h>
#include <linux/string.h>
#include <asm/cpufeature.h>
#include <asm/fpu/api.h>
#include <asm/fpu/types.h>
#include <asm/fpu/xcr.h>
#include <asm/processor.h>

#include "fpu.h"
#include "vmx.h"

/*
 * Guest FPU images: XSAVE of the guest's XCR0 components, or FXSAVE.
 * vmx_xsave_mask is also the guest's XCR0.
 */
u64 vmx_xsave_mask;
u64 vmx_host_xcr0;
static unsigned int vmx_guest_xsave_size;	/* CPUID 0xd.0 EBX for the guest */
unsigned int vmx_fpu_size;
static u32 vmx_mxcsr_mask;		/* MXCSR bits this CPU lets XRSTOR load */

/* Offsets in the standard-form XSAVE area (SDM Vol. 1 13.4) */
#define XSAVE_HEADER_OFFSET	512
#define XSAVE_HEADER_SIZE	64
#define XSAVE_MXCSR_OFFSET	24

/* The MXCSR_MASK field of FXSAVE; 0 there means the original 0xffbf. */
static u32 vmx_read_mxcsr_mask(void)
{
	static struct fxregs_state fx;

	kernel_fpu_begin();
	asm volatile("fxsave64 %0" : "=m" (fx));
	kernel_fpu_end();
	return fx.mxcsr_mask ? fx.mxcsr_mask : 0xffbf;
}

/* Bytes of a standard-format XSAVE image of the components in mask. */
static unsigned int vmx_xsave_size(u64 mask)
{
	unsigned int eax, ebx, ecx, edx, size = 576, i;

	for (i = 2; i < 64; i++) {
		if (!(mask & BIT_ULL(i)))
			continue;
		cpuid_count(0xd, i, &eax, &ebx, &ecx, &edx);
		size = max(size, eax + ebx);	/* size + offset */
	}
	return size;
}

void vmx_setup_fpu_format(void)
{
	vmx_mxcsr_mask = vmx_read_mxcsr_mask();
	if (boot_cpu_has(X86_FEATURE_XSAVE)) {
		vmx_host_xcr0 = xgetbv(XCR_XFEATURE_ENABLED_MASK);
		vmx_xsave_mask = vmx_guest_xfeatures(vmx_host_xcr0);
		vmx_guest_xsave_size = vmx_xsave_size(vmx_xsave_mask);
		vmx_fpu_size = vmx_guest_xsave_size;
	} else {
		vmx_host_xcr0 = 0;
		vmx_xsave_mask = 0;
		vmx_fpu_size = 512;
	}
}

/* CPUID leaf 0xd as the guest's XCR0 makes it. */
void vmx_guest_cpuid_xstate(u32 sub, u32 *eax, u32 *ebx, u32 *ecx, u32 *edx)
{
	switch (sub) {
	case 0:
		*eax = lower_32_bits(vmx_xsave_mask);
		*edx = upper_32_bits(vmx_xsave_mask);
		*ebx = vmx_guest_xsave_size;
		*ecx = vmx_guest_xsave_size;
		break;
	case 1:
		*eax &= ~BIT(3);		/* XSAVES not enabled */
		*ebx = 0;
		*ecx = 0;
		*edx = 0;
		break;
	default:
		if (sub >= 64 || !(vmx_xsave_mask & BIT_ULL(sub))) {
			*eax = 0;
			*ebx = 0;
			*ecx = 0;
			*edx = 0;
		}
		break;
	}
}

void vmx_init_fpu(struct vmx_vcpu *v)
{
	struct fxregs_state *fx = v->fpu;

	/* x87 and SSE as after FNINIT; XSTATE_BV 0: the rest in init state */
	fx->cwd = 0x37f;
	fx->mxcsr = MXCSR_DEFAULT;
	v->guest_xcr0 = vmx_xsave_mask;
}

/*
 * VMCTL_SET_XSAVE: an image XRSTOR (FXRSTOR) loads without a fault, for
 * it is loaded with nothing to catch one.  Standard form only: XCOMP_BV
 * and the reserved header bytes 0.
 */
int vmx_check_xsave(const void *image)
{
	const u8 *hdr = (const u8 *)image + XSAVE_HEADER_OFFSET;
	u32 mxcsr;
	u64 xstate_bv;

	memcpy(&mxcsr, (const u8 *)image + XSAVE_MXCSR_OFFSET, sizeof(mxcsr));
	if (mxcsr & ~vmx_mxcsr_mask)
		return -EINVAL;
	memcpy(&xstate_bv, hdr, sizeof(xstate_bv));
	if (xstate_bv & ~vmx_xsave_mask)
		return -EINVAL;
	if (memchr_inv(hdr + sizeof(xstate_bv), 0,
		       XSAVE_HEADER_SIZE - sizeof(xstate_bv)))
		return -EINVAL;
	return 0;
}

/* image is VMCTL_XSAVE_SIZE bytes; the guest's image is copied into it. */
void vmx_read_xsave(struct vmx_vcpu *v, void *image, size_t size)
{
	memset(image, 0, size);
	memcpy(image, v->fpu, min_t(size_t, size, vmx_fpu_size));
}

/* image passed vmx_check_xsave(). */
void vmx_write_xsave(struct vmx_vcpu *v, const void *image, size_t size)
{
	memcpy(v->fpu, image, min_t(size_t, size, vmx_fpu_size));
}
