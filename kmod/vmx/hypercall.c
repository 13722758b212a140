// SPDX-License-Identifier: GPL-2.0
/*
 * Hypercalls: a guest VMCALL goes to user space with its number and
 * arguments, and the next RUN hands the answer back in RAX (the ABI is in
 * the uapi header, at VMCTL_EXIT_HYPERCALL).
 */
#include <linux/kernel.h>

#include "vmx.h"
#include "vmx_ops.h"

enum vmx_exit_action vmx_handle_vmcall(struct vmx_vcpu *v)
{
	bool long_mode = vmx_guest_in_64bit_mode(v);
	u64 mask = long_mode ? ~0ULL : U32_MAX;
	struct vmctl_run *run;

	/* CPL is SS.DPL: a guest user process gets an error, not the VMM. */
	if (vmcs_read32(VMCS_GUEST_SS_AR) & SEG_AR_DPL_MASK) {
		v->gpr[GPR_RAX] = -(u64)VMCTL_HC_EPERM & mask;
		vmx_skip_exiting_instruction(v);
		return ACTION_RESUME_GUEST;
	}

	run = vmx_report_exit(v, VMCTL_EXIT_HYPERCALL);
	run->hypercall.nr = v->gpr[GPR_RAX] & mask;
	run->hypercall.args[0] = v->gpr[GPR_RBX] & mask;
	run->hypercall.args[1] = v->gpr[GPR_RCX] & mask;
	run->hypercall.args[2] = v->gpr[GPR_RDX] & mask;
	run->hypercall.args[3] = v->gpr[GPR_RSI] & mask;
	run->hypercall.ret = -(u64)VMCTL_HC_ENOSYS;
	run->hypercall.flags = long_mode ? VMCTL_HYPERCALL_LONG_MODE : 0;
	run->hypercall.pad = 0;
	v->hypercall_pending = true;
	v->hypercall_long_mode = long_mode;
	v->hypercall_insn_len = vmcs_read32(VMCS_EXIT_INSTRUCTION_LEN);
	return ACTION_EXIT_TO_USER;
}

/* The VMCS is current: RAX := user space's answer, RIP past the VMCALL. */
void vmx_complete_hypercall(struct vmx_vcpu *v)
{
	u64 ret = READ_ONCE(vmx_run(v)->hypercall.ret);

	/* Outside 64-bit mode a write to EAX zero-extends, as in the CPU. */
	v->gpr[GPR_RAX] = v->hypercall_long_mode ? ret : (u32)ret;
	vmx_skip_instruction(v, v->hypercall_insn_len);
	v->hypercall_pending = false;
}
