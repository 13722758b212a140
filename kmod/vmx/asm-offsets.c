// SPDX-License-Identifier: GPL-2.0
/*
 * Constants for vmenter.S, generated at build time (see kmod/Kbuild).
 *
 * Compiled to assembly and turned into vmx/asm-offsets.h, so that the
 * assembly never retypes a structure layout or a VMCS encoding.
 */
#include <linux/kbuild.h>
#include <linux/stddef.h>

#include "vmcs.h"
#include "vmx.h"

#define GPR(reg)	DEFINE(VMX_GPR_##reg, GPR_##reg * sizeof(unsigned long))

static void __used vmx_asm_offsets(void)
{
	COMMENT("Offsets in struct vmx_vcpu's gpr[], by x86 register number");
	GPR(RAX);
	GPR(RCX);
	GPR(RDX);
	GPR(RBX);
	GPR(RBP);
	GPR(RSI);
	GPR(RDI);
	GPR(R8);
	GPR(R9);
	GPR(R10);
	GPR(R11);
	GPR(R12);
	GPR(R13);
	GPR(R14);
	GPR(R15);
	BLANK();

	COMMENT("VMCS field encodings");
	DEFINE(VMCS_HOST_RSP, VMCS_HOST_RSP);
	BLANK();

	COMMENT("What vmctl_vmx_vmenter() returns");
	DEFINE(VMENTER_EXITED, VMENTER_EXITED);
	DEFINE(VMENTER_VMFAIL, VMENTER_VMFAIL);
	DEFINE(VMENTER_FAULT, VMENTER_FAULT);
}
