// SPDX-License-Identifier: GPL-2.0
/*
 * Reading the VMX capability MSRs and choosing the control words.
 *
 * Each VM-execution, VM-exit and VM-entry control word is described by what
 * the module requires and what it merely uses when offered; one function
 * turns that into the word written to every VMCS, honouring the CPU's
 * allowed-0 and allowed-1 settings (SDM appendix "VMX Capability Reporting
 * Facility").
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/printk.h>
#include <asm/cpufeature.h>
#include <asm/msr.h>
#include <asm/processor.h>

#include "capabilities.h"

struct vmx_capabilities vmx_caps;

static const struct vmx_control_want pin_want = {
	/*
	 * Host interrupts and NMIs always leave the guest: the host keeps
	 * its timer tick, IPIs (kicks, TLB shootdowns) and NMI watchdog.
	 */
	.required = PIN_EXTINT_EXITING | PIN_NMI_EXITING,
	/*
	 * a backstop that bounds each stay in the guest (see vmx.c); the
	 * CPU tracking NMI blocking for the guest (events.c)
	 */
	.optional = PIN_PREEMPTION_TIMER | PIN_VIRTUAL_NMIS,
};

static const struct vmx_control_want proc_want = {
	.required = PROC_HLT_EXITING |
		    PROC_UNCOND_IO_EXITING |	/* all port I/O goes to user space */
		    PROC_MOV_DR_EXITING |	/* DR0-3/DR6 are the host's */
		    PROC_CR8_LOAD_EXITING |	/* CR8 is the host's TPR */
		    PROC_CR8_STORE_EXITING |
		    PROC_USE_MSR_BITMAPS |	/* only msr_policy.h's MSRs pass */
		    PROC_TSC_OFFSETTING |	/* the guest's TSC (WRMSR TSC) */
		    PROC_RDPMC_EXITING |	/* host performance counters */
		    PROC_MWAIT_EXITING |
		    PROC_MONITOR_EXITING |
		    PROC_SECONDARY_CONTROLS,
};

static const struct vmx_control_want proc2_want = {
	.required = PROC2_ENABLE_EPT | PROC2_UNRESTRICTED_GUEST,
	/*
	 * Without RDTSCP and INVPCID enabled these raise #UD in the guest
	 * although host CPUID, which the guest sees, offers them.  A
	 * guest's WBINVD must not flush the host's caches (a cheap way to
	 * slow every other CPU down): it exits and is skipped.
	 */
	.optional = PROC2_ENABLE_VPID | PROC2_ENABLE_RDTSCP |
		    PROC2_ENABLE_INVPCID | PROC2_WBINVD_EXITING,
};

/*
 * The debug controls give the guest its own DR7 and DEBUGCTL: without
 * them the host's DR7 stays live in the guest, and host breakpoints fire
 * on guest accesses to the same linear addresses.
 */
static const struct vmx_control_want exit_want = {
	.required = EXIT_HOST_ADDR_SPACE_SIZE | EXIT_SAVE_IA32_EFER |
		    EXIT_LOAD_IA32_EFER | EXIT_SAVE_DEBUG_CONTROLS,
	/* the guest's PAT in effect (without: stored only, see msr.c) */
	.optional = EXIT_SAVE_IA32_PAT | EXIT_LOAD_IA32_PAT,
};

static const struct vmx_control_want entry_want = {
	.required = ENTRY_LOAD_IA32_EFER | ENTRY_LOAD_DEBUG_CONTROLS,
	.optional = ENTRY_LOAD_IA32_PAT,
};

/*
 * The low half of a capability MSR holds the allowed-0 settings (a bit set
 * there must be 1 in the control), the high half the allowed-1 settings (a
 * bit clear there must be 0).  Returns -EOPNOTSUPP with the required bits
 * the CPU cannot set in *missing.
 */
int vmx_adjust_controls(u64 cap_msr, const struct vmx_control_want *want,
			u32 *ctl, u32 *missing)
{
	u32 must_be_one = lower_32_bits(cap_msr);
	u32 may_be_one = upper_32_bits(cap_msr);

	*missing = want->required & ~may_be_one;
	if (*missing)
		return -EOPNOTSUPP;
	*ctl = ((want->required | want->optional) & may_be_one) | must_be_one;
	return 0;
}

static int adjust_one(const char *what, u32 msr, const struct vmx_control_want *want,
		      u32 *ctl, u32 *allowed1)
{
	u32 missing;
	u64 cap;

	if (rdmsrl_safe(msr, &cap)) {
		pr_info("cannot load: %s capability MSR %#x unreadable\n",
			what, msr);
		return -EOPNOTSUPP;
	}
	*allowed1 = upper_32_bits(cap);
	if (vmx_adjust_controls(cap, want, ctl, &missing)) {
		pr_info("cannot load: VT-x lacks required %s controls %#x\n",
			what, missing);
		return -EOPNOTSUPP;
	}
	return 0;
}

int vmx_probe_capabilities(void)
{
	struct vmx_capabilities *c = &vmx_caps;
	struct vmx_control_want want2 = proc2_want;
	u64 feat, ept_need;
	bool true_ctls;
	int err;

	if (!(cpuid_ecx(1) & BIT(5))) {
		pr_info("cannot load: CPU has no VT-x (CPUID.1:ECX.VMX is 0)\n");
		return -ENODEV;
	}
	if (rdmsrl_safe(MSR_IA32_FEAT_CTL, &feat) ||
	    !(feat & FEAT_CTL_LOCKED) ||
	    !(feat & FEAT_CTL_VMX_ENABLED_OUTSIDE_SMX)) {
		pr_info("cannot load: VT-x is disabled by the firmware (enable it in the BIOS setup)\n");
		return -EOPNOTSUPP;
	}
	if (rdmsrl_safe(MSR_IA32_VMX_BASIC, &c->basic)) {
		pr_info("cannot load: IA32_VMX_BASIC unreadable\n");
		return -EOPNOTSUPP;
	}
	c->revision = c->basic & CAP_BASIC_REVISION_MASK;
	if (CAP_BASIC_MEMTYPE(c->basic) != CAP_BASIC_MEMTYPE_WB ||
	    CAP_BASIC_REGION_SIZE(c->basic) > PAGE_SIZE ||
	    (c->basic & CAP_BASIC_32BIT_ADDRESSES)) {
		pr_info("cannot load: unsupported VMCS layout (IA32_VMX_BASIC %#llx)\n",
			c->basic);
		return -EOPNOTSUPP;
	}
	true_ctls = cpu_has_vmx_true_controls();

	err = adjust_one("pin-based", true_ctls ? MSR_IA32_VMX_TRUE_PINBASED_CTLS :
			 MSR_IA32_VMX_PINBASED_CTLS, &pin_want, &c->pin,
			 &c->pin_allowed1);
	if (err)
		return err;
	err = adjust_one("processor-based", true_ctls ?
			 MSR_IA32_VMX_TRUE_PROCBASED_CTLS :
			 MSR_IA32_VMX_PROCBASED_CTLS, &proc_want, &c->proc,
			 &c->proc_allowed1);
	if (err)
		return err;

	if (rdmsrl_safe(MSR_IA32_VMX_EPT_VPID_CAP, &c->ept_vpid))
		c->ept_vpid = 0;
	/* VPID is only worth having if stale translations can be flushed. */
	if (!(c->ept_vpid & CAP_VPID_INVVPID) ||
	    !(c->ept_vpid & (CAP_VPID_INVVPID_SINGLE | CAP_VPID_INVVPID_ALL)))
		want2.optional &= ~PROC2_ENABLE_VPID;
	if (rdmsrl_safe(MSR_IA32_VMX_PROCBASED_CTLS2, &feat))
		feat = 0;
	c->proc2_allowed1 = upper_32_bits(feat);
	if (!(c->proc2_allowed1 & PROC2_ENABLE_EPT)) {
		pr_info("cannot load: VT-x lacks EPT (extended page tables)\n");
		return -EOPNOTSUPP;
	}
	if (!(c->proc2_allowed1 & PROC2_UNRESTRICTED_GUEST)) {
		pr_info("cannot load: VT-x lacks unrestricted guest\n");
		return -EOPNOTSUPP;
	}
	err = adjust_one("secondary processor-based", MSR_IA32_VMX_PROCBASED_CTLS2,
			 &want2, &c->proc2, &c->proc2_allowed1);
	if (err)
		return err;

	ept_need = CAP_EPT_WALK_LENGTH_4 | CAP_EPT_MEMTYPE_WB | CAP_EPT_INVEPT;
	if ((c->ept_vpid & ept_need) != ept_need ||
	    !(c->ept_vpid & (CAP_EPT_INVEPT_SINGLE | CAP_EPT_INVEPT_ALL))) {
		pr_info("cannot load: EPT lacks 4-level tables, write-back memory or INVEPT (EPT_VPID_CAP %#llx)\n",
			c->ept_vpid);
		return -EOPNOTSUPP;
	}

	err = adjust_one("VM-exit", true_ctls ? MSR_IA32_VMX_TRUE_EXIT_CTLS :
			 MSR_IA32_VMX_EXIT_CTLS, &exit_want, &c->exit,
			 &c->exit_allowed1);
	if (err)
		return err;
	err = adjust_one("VM-entry", true_ctls ? MSR_IA32_VMX_TRUE_ENTRY_CTLS :
			 MSR_IA32_VMX_ENTRY_CTLS, &entry_want, &c->entry,
			 &c->entry_allowed1);
	if (err)
		return err;
	if (!(c->entry_allowed1 & ENTRY_IA32E_MODE_GUEST)) {
		pr_info("cannot load: VT-x cannot enter 64-bit guests\n");
		return -EOPNOTSUPP;
	}
	/* Set per entry from the guest's EFER.LMA. */
	c->entry &= ~ENTRY_IA32E_MODE_GUEST;

	if (rdmsrl_safe(MSR_IA32_VMX_MISC, &c->misc) ||
	    rdmsrl_safe(MSR_IA32_VMX_CR0_FIXED0, &c->cr0_fixed0) ||
	    rdmsrl_safe(MSR_IA32_VMX_CR0_FIXED1, &c->cr0_fixed1) ||
	    rdmsrl_safe(MSR_IA32_VMX_CR4_FIXED0, &c->cr4_fixed0) ||
	    rdmsrl_safe(MSR_IA32_VMX_CR4_FIXED1, &c->cr4_fixed1)) {
		pr_info("cannot load: VMX fixed-bit MSRs unreadable\n");
		return -EOPNOTSUPP;
	}
	if (!boot_cpu_has(X86_FEATURE_FXSR)) {
		pr_info("cannot load: CPU lacks FXSAVE\n");
		return -EOPNOTSUPP;
	}
	return 0;
}
