// SPDX-License-Identifier: GPL-2.0
/*
 * Instructions that always exit and that the kernel answers itself: the
 * VMX instructions (no nested VMX: #UD, as on a CPU without VMX, which
 * is what the guest's CPUID says) and XSETBV (checked against the XCR0
 * that fpu.c allows the guest).
 */
#include <linux/kernel.h>
#include <linux/mm.h>
#include <asm/fpu/xcr.h>
#include <asm/trapnr.h>

#include "fpu.h"
#include "vmx.h"
#include "vmx_ops.h"

/*
 * Until events.c lands: an exception for the next entry.  The error code
 * is delivered only in protected mode, as the CPU does.
 */
void vmx_queue_exception(struct vmx_vcpu *v, u32 vector, bool has_error_code,
			 u32 error_code)
{
	u32 info = vector | INTR_TYPE_HW_EXCEPTION | INTR_INFO_VALID;

	if (has_error_code &&
	    (vmcs_readl(VMCS_CR0_READ_SHADOW) & X86_CR0_PE)) {
		info |= INTR_INFO_DELIVER_CODE;
		vmcs_write32(VMCS_ENTRY_EXCEPTION_ERROR_CODE, error_code);
	}
	vmcs_write32(VMCS_ENTRY_INTR_INFO, info);
}

/*
 * VMXON, VMCLEAR, VMPTRLD, VMPTRST, VMREAD, VMWRITE, VMLAUNCH, VMRESUME,
 * VMXOFF, INVEPT, INVVPID, VMFUNC.
 */
enum vmx_exit_action vmx_handle_vmx_insn(struct vmx_vcpu *v)
{
	vmx_queue_exception(v, X86_TRAP_UD, false, 0);
	return ACTION_RESUME_GUEST;
}

static unsigned int vmx_guest_cpl(void)
{
	return (vmcs_read32(VMCS_GUEST_SS_AR) & SEG_AR_DPL_MASK) >>
	       SEG_AR_DPL_SHIFT;
}

/*
 * The CPU raised #UD itself for CR4.OSXSAVE clear (that check comes
 * before the exit); CPL, ECX and the value are ours to check.
 */
enum vmx_exit_action vmx_handle_xsetbv(struct vmx_vcpu *v)
{
	u64 val = (u64)(u32)v->gpr[GPR_RDX] << 32 | (u32)v->gpr[GPR_RAX];

	if (!vmx_xsave_mask) {
		vmx_queue_exception(v, X86_TRAP_UD, false, 0);
		return ACTION_RESUME_GUEST;
	}
	if (vmx_guest_cpl() != 0 || (u32)v->gpr[GPR_RCX] != 0 ||
	    !vmx_xcr0_valid(val, vmx_xsave_mask)) {
		vmx_queue_exception(v, X86_TRAP_GP, true, 0);
		return ACTION_RESUME_GUEST;
	}
	v->guest_xcr0 = val;
	vmx_skip_exiting_instruction(v);
	return ACTION_RESUME_GUEST;
}
