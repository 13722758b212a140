// SPDX-License-Identifier: GPL-2.0
/*
 * Instructions that always exit and that the kernel answers itself: the
 * VMX instructions (no nested VMX: #UD, as on a CPU without VMX, which
 * is what the guest's CPUID says), MONITOR and MWAIT (likewise: #UD) and
 * XSETBV (checked against the XCR0 that fpu.c allows the guest).
 */
#include <linux/kernel.h>
#include <linux/mm.h>
#include <asm/fpu/xcr.h>
#include <asm/trapnr.h>

#include "fpu.h"
#include "vmx.h"
#include "vmx_ops.h"

/*
 * VMXON, VMCLEAR, VMPTRLD, VMPTRST, VMREAD, VMWRITE, VMLAUNCH, VMRESUME,
 * VMXOFF, INVEPT, INVVPID, VMFUNC.
 */
enum vmx_exit_action vmx_handle_vmx_insn(struct vmx_vcpu *v)
{
	vmx_queue_exception(v, X86_TRAP_UD, false, 0);
	return ACTION_RESUME_GUEST;
}

/*
 * MONITOR, MWAIT.  Waiting on a monitored line needs a wake-up on guest
 * writes that vmctl does not have; a guest that sees CPUID.1:ECX.MONITOR
 * clear (the host path and the supported table hide it) expects #UD,
 * and Linux then idles with HLT.
 */
enum vmx_exit_action vmx_handle_monitor_mwait(struct vmx_vcpu *v)
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
