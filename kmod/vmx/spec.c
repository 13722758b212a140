// SPDX-License-Identifier: GPL-2.0
/*
 * Speculation mitigations around guest entry, following the host kernel's
 * choices as kvm_intel does: an IBPB when a CPU moves between vCPUs of
 * different VMs (if the kernel uses IBPB), an L1D flush before entry where
 * the host reports L1TF (module parameter l1d_flush).  The guest's
 * SPEC_CTRL is switched with its other MSRs in msr.c.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/kernel.h>
#include <linux/moduleparam.h>
#include <linux/percpu.h>
#include <linux/string.h>
#include <linux/sysfs.h>
#include <asm/cpufeature.h>
#include <asm/msr.h>
#include <asm/nospec-branch.h>
#include <asm/processor.h>

#include "spec.h"
#include "vmx.h"

static struct vmx_spec_host vmx_spec_host;
static bool vmx_l1d_flush_on_entry;
static DEFINE_PER_CPU(u64, vmx_last_vm_id);
static atomic64_t vmx_vm_ids = ATOMIC64_INIT(0);

static const char * const vmx_l1d_flush_names[] = {
	[VMX_L1D_FLUSH_AUTO]	= "auto",
	[VMX_L1D_FLUSH_ALWAYS]	= "always",
	[VMX_L1D_FLUSH_NEVER]	= "never",
};

static enum vmx_l1d_flush_mode vmx_l1d_flush_mode = VMX_L1D_FLUSH_AUTO;

static void vmx_update_l1d_flush(void)
{
	bool want = vmx_want_l1d_flush(vmx_l1d_flush_mode, &vmx_spec_host);

	/* "always" is refused without the command; "auto" says why not. */
	if (want && !boot_cpu_has(X86_FEATURE_FLUSH_L1D)) {
		pr_info("L1TF: the CPU has no L1D flush command (IA32_FLUSH_CMD); guests run without L1D flushes\n");
		want = false;
	}
	WRITE_ONCE(vmx_l1d_flush_on_entry, want);
}

static int vmx_set_l1d_flush(const char *val, const struct kernel_param *kp)
{
	int mode = sysfs_match_string(vmx_l1d_flush_names, val);

	if (mode < 0) {
		pr_info("l1d_flush: expected auto, always or never\n");
		return -EINVAL;
	}
	if (mode == VMX_L1D_FLUSH_ALWAYS && !boot_cpu_has(X86_FEATURE_FLUSH_L1D)) {
		pr_info("l1d_flush=always: the CPU has no L1D flush command (IA32_FLUSH_CMD)\n");
		return -EOPNOTSUPP;
	}
	vmx_l1d_flush_mode = mode;
	/* At insmod the host is not read yet; vmx_setup_spec() decides again. */
	vmx_update_l1d_flush();
	return 0;
}

static int vmx_get_l1d_flush(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%s\n", vmx_l1d_flush_names[vmx_l1d_flush_mode]);
}

static const struct kernel_param_ops vmx_l1d_flush_ops = {
	.set = vmx_set_l1d_flush,
	.get = vmx_get_l1d_flush,
};

module_param_cb(l1d_flush, &vmx_l1d_flush_ops, NULL, 0644);
MODULE_PARM_DESC(l1d_flush,
		 "Flush the L1D cache before each guest entry: auto (default: where the host reports L1TF and has not turned its mitigation off), always, never");

/* Once at load, before any VM exists. */
void vmx_setup_spec(void)
{
	u64 caps = 0;

	vmx_spec_host.l1tf_bug = boot_cpu_has_bug(X86_BUG_L1TF);
	vmx_spec_host.l1tf_off = l1tf_mitigation == L1TF_MITIGATION_OFF;
	if (boot_cpu_has(X86_FEATURE_ARCH_CAPABILITIES))
		rdmsrl_safe(MSR_IA32_ARCH_CAPABILITIES, &caps);
	vmx_spec_host.l1d_flush_not_needed = caps & ARCH_CAP_SKIP_VMENTRY_L1DFLUSH;
	vmx_spec_host.use_ibpb = boot_cpu_has(X86_FEATURE_USE_IBPB);
	vmx_update_l1d_flush();
}

u64 vmx_new_vm_id(void)
{
	return atomic64_inc_return(&vmx_vm_ids);
}

/*
 * Interrupts off, as late before entry as C allows: nothing the host
 * touches after the flush may bring its secrets back into the L1D.
 */
void vmx_spec_enter_guest(struct vmx_vcpu *v)
{
	u64 *last = this_cpu_ptr(&vmx_last_vm_id);

	if (vmx_want_ibpb(*last, v->vm->id, &vmx_spec_host)) {
		indirect_branch_prediction_barrier();
		*last = v->vm->id;
	}
	if (READ_ONCE(vmx_l1d_flush_on_entry))
		wrmsrl(MSR_IA32_FLUSH_CMD, L1D_FLUSH);
}
