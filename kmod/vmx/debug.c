// SPDX-License-Identifier: GPL-2.0
/*
 * The guest's debug registers: MOV to and from DR0-DR7.
 *
 * DR7 and DEBUGCTL are the guest's in the VMCS (the debug controls load
 * and save them); DR0-DR3 and DR6 live in struct vmx_vcpu and are put in
 * the real registers only around entries while the guest's DR7 enables a
 * breakpoint (host_state.h), so that MOV DR always exits here.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/percpu.h>
#include <linux/string.h>
#include <asm/processor.h>
#include <asm/debugreg.h>
#include <asm/processor-flags.h>
#include <asm/trapnr.h>

#include "vmx.h"
#include "vmx_ops.h"

/* Exit qualification of MOV DR (SDM "Exit Qualification for MOV DR") */
#define DR_QUAL_NUMBER(q)	((q) & 7)
#define DR_QUAL_FROM_DR		BIT(4)
#define DR_QUAL_GPR(q)		(((q) >> 8) & 0xf)

/* DR7: bit 10 reads as 1; bits 11, 12, 14, 15 and 63:32 are reserved. */
#define VMX_DR7_FIXED_1		0x400UL
#define VMX_DR7_VALID		0xffff23ffUL
#define VMX_DR7_GD		BIT(13)		/* general detect */
#define VMX_DR6_BD		BIT(13)		/* general detect hit */

/* DR4 and DR5 alias DR6 and DR7 unless CR4.DE makes them #UD. */
static int vmx_dr_number(unsigned int dr)
{
	if (dr != 4 && dr != 5)
		return dr;
	if (vmcs_readl(VMCS_GUEST_CR4) & X86_CR4_DE)
		return -1;
	return dr + 2;
}

static unsigned long vmx_get_dr(struct vmx_vcpu *v, unsigned int dr)
{
	if (dr < 4)
		return v->db[dr];
	if (dr == 6)
		return v->dr6;
	return vmcs_readl(VMCS_GUEST_DR7);
}

/* Returns -EINVAL for a value the CPU refuses with #GP. */
static int vmx_set_dr(struct vmx_vcpu *v, unsigned int dr, unsigned long val)
{
	if (dr < 4) {
		v->db[dr] = val;
		return 0;
	}
	if (upper_32_bits(val))
		return -EINVAL;
	if (dr == 6) {
		v->dr6 = val | DR6_RESERVED;
		return 0;
	}
	/* Bit 10 reads as 1: writing back what was read must not fault. */
	if (val & ~(VMX_DR7_VALID | VMX_DR7_FIXED_1))
		return -EINVAL;
	v->dr7 = val | VMX_DR7_FIXED_1;
	vmcs_writel(VMCS_GUEST_DR7, v->dr7);
	return 0;
}

enum vmx_exit_action vmx_handle_dr_access(struct vmx_vcpu *v)
{
	unsigned long q = v->exit_qual;
	unsigned int reg = DR_QUAL_GPR(q);
	unsigned long val;
	int dr;

	/* CPL > 0 faults before the exit; check anyway, it is cheap. */
	if (vmcs_read32(VMCS_GUEST_SS_AR) & SEG_AR_DPL_MASK) {
		vmx_inject_gp(v);
		return ACTION_RESUME_GUEST;
	}
	dr = vmx_dr_number(DR_QUAL_NUMBER(q));
	if (dr < 0) {
		vmx_queue_exception(v, X86_TRAP_UD, false, 0);
		return ACTION_RESUME_GUEST;
	}
	/* General detect: the MOV becomes a #DB, and GD is cleared. */
	if (vmcs_readl(VMCS_GUEST_DR7) & VMX_DR7_GD) {
		v->dr6 = (v->dr6 & ~DR_TRAP_BITS) | VMX_DR6_BD;
		v->dr7 = vmcs_readl(VMCS_GUEST_DR7) & ~VMX_DR7_GD;
		vmcs_writel(VMCS_GUEST_DR7, v->dr7);
		vmx_queue_exception(v, X86_TRAP_DB, false, 0);
		return ACTION_RESUME_GUEST;
	}
	if (q & DR_QUAL_FROM_DR) {
		val = vmx_get_dr(v, dr);
		if (!vmx_guest_in_64bit_mode(v))
			val = (u32)val;
		vmx_write_gpr(v, reg, val);
	} else {
		val = vmx_read_gpr(v, reg);
		/* Outside 64-bit mode the operand is 32 bits. */
		if (!vmx_guest_in_64bit_mode(v))
			val = (u32)val;
		if (vmx_set_dr(v, dr, val)) {
			vmx_inject_gp(v);
			return ACTION_RESUME_GUEST;
		}
	}
	vmx_skip_exiting_instruction(v);
	return ACTION_RESUME_GUEST;
}

/* Architectural reset values (SDM "Initialization Overview"). */
void vmx_reset_debug_state(struct vmx_vcpu *v)
{
	memset(v->db, 0, sizeof(v->db));
	v->dr6 = DR6_RESERVED;
	v->dr7 = VMX_DR7_FIXED_1;
	vmcs_writel(VMCS_GUEST_DR7, v->dr7);
	vmcs_write64(VMCS_GUEST_IA32_DEBUGCTL, 0);
}

/* VMCTL_SET_DEBUGREGS: refuse what a guest MOV to DR6/DR7 would #GP on. */
int vmx_check_debugregs(const struct vmctl_debugregs *d)
{
	if (upper_32_bits(d->dr6) || upper_32_bits(d->dr7) ||
	    (d->dr7 & ~(VMX_DR7_VALID | VMX_DR7_FIXED_1)))
		return -EINVAL;
	return 0;
}

/* The VMCS is current.  DR7 from the VMCS: #DB delivery clears GD in it. */
void vmx_read_debugregs(struct vmx_vcpu *v, struct vmctl_debugregs *d)
{
	memcpy(d->db, v->db, sizeof(d->db));
	d->dr6 = v->dr6;
	d->dr7 = vmcs_readl(VMCS_GUEST_DR7);
}

/* The VMCS is current and d passed vmx_check_debugregs(). */
void vmx_write_debugregs(struct vmx_vcpu *v, const struct vmctl_debugregs *d)
{
	memcpy(v->db, d->db, sizeof(v->db));
	v->dr6 = d->dr6 | DR6_RESERVED;
	v->dr7 = d->dr7 | VMX_DR7_FIXED_1;
	vmcs_writel(VMCS_GUEST_DR7, v->dr7);
}
