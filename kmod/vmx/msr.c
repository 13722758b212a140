// SPDX-License-Identifier: GPL-2.0
/*
 * The guest's MSRs: which ones it may read and write, and how their values
 * are switched between guest and host.
 *
 * msr_policy.h describes each MSR the kernel handles once; the MSR bitmap
 * built from it lets through only accesses that need no exit.  Every
 * other MSR goes to user space as VMCTL_EXIT_MSR, so a guest never
 * reaches a host MSR by accident.
 *
 * The SYSCALL MSRs and TSC_AUX matter to the host only in user space: the
 * kernel takes no SYSCALL and, since it stopped using RDPID in its
 * paranoid entry, reads no TSC_AUX.  So the guest's values are loaded on
 * the first entry and stay while the thread loops between guest and
 * kernel; a user-return notifier puts the host's back before this CPU
 * next runs user code (as KVM's user-return MSRs do).  That costs next to
 * nothing per exit handled in the kernel, where the VMCS MSR load lists
 * would load every MSR on every entry and exit; it costs MSR writes per
 * return to user space instead.  Measured in Bochs (guest time, Haswell
 * model, testbed/bench): CPUID exit 3.36 us before, 3.65 us with this
 * (3.76 us with load lists); OUT round trip to user space 7.35 us before,
 * 9.29 us with this (7.75 us with load lists).  Reading the host's values
 * once per CPU, and the load out of line, took the raw OUT round trip
 * from 9.88 to 9.21 us together with skipping the SYSCALL MSRs while the
 * guest's EFER.SCE is clear.
 *
 * That skip is safe only because a guest with SCE clear runs on a second
 * MSR bitmap: with SCE clear SYSCALL and SYSRET raise #UD, so the CPU may
 * keep the host's STAR, LSTAR, CSTAR and SFMASK, but the normal bitmap
 * lets the guest read them without an exit, which would hand it the
 * host's LSTAR (a kernel address).  So while SCE is clear those reads
 * exit and are answered from the guest's stored values, and an EFER
 * change switches the bitmap and starts a new generation.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/kernel.h>
#include <linux/percpu.h>
#include <linux/smp.h>
#include <linux/user-return-notifier.h>
#include <asm/cpufeature.h>
#include <asm/io.h>
#include <asm/msr.h>
#include <asm/nospec-branch.h>
#include <asm/processor.h>

#include "capabilities.h"
#include "msr_policy.h"
#include "vmx.h"
#include "vmx_ops.h"

static bool vmx_has_tsc_aux(void)
{
	return boot_cpu_has(X86_FEATURE_RDTSCP) ||
	       boot_cpu_has(X86_FEATURE_RDPID);
}

static bool vmx_has_spec_ctrl(void)
{
	return boot_cpu_has(X86_FEATURE_MSR_SPEC_CTRL);
}

/*
 * What this CPU's user-return MSRs hold, and the host values to restore.
 * The host's are read once per CPU: the kernel sets them when the CPU
 * comes up and never again (TSC_AUX holds the CPU and node number), and
 * the hotplug callback forgets them when the CPU goes offline.
 */
struct vmx_user_return {
	struct user_return_notifier urn;
	bool registered;
	bool host_valid;	/* host[] has been read on this CPU */
	u64 loaded_gen;		/* curr[] holds what this generation needs */
	u64 host[VMX_NR_USER_RETURN_MSRS];
	u64 curr[VMX_NR_USER_RETURN_MSRS];
};

static DEFINE_PER_CPU(struct vmx_user_return, vmx_user_return);

/*
 * A vCPU's user-return MSR values get a new generation, unique among all
 * vCPUs, whenever they change: a CPU that still holds that generation
 * needs no MSR compared, the common case of an exit handled in the kernel.
 */
static atomic64_t vmx_guest_msr_gen = ATOMIC64_INIT(0);

/* TSC_AUX, the last of them, exists only with RDTSCP or RDPID. */
static unsigned int vmx_nr_user_return_msrs;
static u64 vmx_spec_ctrl_valid;		/* SPEC_CTRL bits this CPU has */

/* Runs with interrupts off on the way to user space, or in an IPI. */
static void vmx_on_user_return(struct user_return_notifier *urn)
{
	struct vmx_user_return *ur =
		container_of(urn, struct vmx_user_return, urn);
	unsigned long flags;
	unsigned int i;

	local_irq_save(flags);
	if (ur->registered) {
		ur->registered = false;
		user_return_notifier_unregister(urn);
	}
	for (i = 0; i < vmx_nr_user_return_msrs; i++) {
		if (ur->curr[i] != ur->host[i]) {
			wrmsrl(vmx_user_return_msr_index[i], ur->host[i]);
			ur->curr[i] = ur->host[i];
		}
	}
	local_irq_restore(flags);
}

/*
 * Before an entry, preemption off, when this CPU does not hold this
 * vCPU's generation of its SYSCALL MSRs and TSC_AUX: load them (and arm
 * the notifier if it is not armed).
 */
static noinline void vmx_load_user_return_msrs(struct vmx_vcpu *v,
					       struct vmx_user_return *ur)
{
	unsigned int i;

	if (!ur->registered) {
		if (!ur->host_valid) {
			for (i = 0; i < vmx_nr_user_return_msrs; i++)
				rdmsrl(vmx_user_return_msr_index[i], ur->host[i]);
			ur->host_valid = true;
		}
		/* The notifier put them back, or they never changed. */
		memcpy(ur->curr, ur->host, sizeof(ur->curr));
		ur->urn.on_user_return = vmx_on_user_return;
		user_return_notifier_register(&ur->urn);
		ur->registered = true;
	}
	for (i = 0; i < vmx_nr_user_return_msrs; i++) {
		/* SCE clear: the SYSCALL MSRs may stay (or become) the host's. */
		u64 want = i < VMX_MSR_TSC_AUX && !v->guest_syscall ?
			   ur->host[i] : v->guest_msr[i];

		if (ur->curr[i] != want) {
			wrmsrl(vmx_user_return_msr_index[i], want);
			ur->curr[i] = want;
		}
	}
	ur->loaded_gen = v->guest_msr_gen;
}

/*
 * EFER was written (reset, SET_SREGS, a state blob, WRMSR, a CR0 write
 * that changes LMA), the VMCS loaded: whether the CPU must hold the
 * guest's SYSCALL MSRs follows SCE, and so do the bitmap and the next
 * entry's load.  The bitmap is written every time: vmx_setup_controls()
 * set the normal one before the reset got here.
 */
void vmx_msr_efer_changed(struct vmx_vcpu *v, u64 efer)
{
	bool syscall = efer & EFER_SCE;

	vmcs_write64(VMCS_MSR_BITMAP, virt_to_phys(vmx_msr_bitmap) +
				      (syscall ? 0 : PAGE_SIZE));
	if (syscall == v->guest_syscall)
		return;
	v->guest_syscall = syscall;
	v->guest_msr_gen = atomic64_inc_return(&vmx_guest_msr_gen);
}

/* Interrupts off, just before entry. */
void vmx_msr_enter_guest(struct vmx_vcpu *v)
{
	struct vmx_user_return *ur = this_cpu_ptr(&vmx_user_return);

	/* Out of line: an exit handled in the kernel needs no MSR write. */
	if (unlikely(!ur->registered || ur->loaded_gen != v->guest_msr_gen))
		vmx_load_user_return_msrs(v, ur);
	if (vmx_has_spec_ctrl() &&
	    v->guest_msr[VMX_MSR_SPEC_CTRL] != spec_ctrl_current())
		wrmsrl(MSR_IA32_SPEC_CTRL, v->guest_msr[VMX_MSR_SPEC_CTRL]);
}

/*
 * Interrupts off, right after the exit: the host's SPEC_CTRL back before
 * the host runs more than the return from vmenter.S.  The guest cannot
 * write SPEC_CTRL without an exit, so its value is the one we loaded.
 */
void vmx_msr_exit_guest(struct vmx_vcpu *v)
{
	if (vmx_has_spec_ctrl() &&
	    v->guest_msr[VMX_MSR_SPEC_CTRL] != spec_ctrl_current())
		wrmsrl(MSR_IA32_SPEC_CTRL, spec_ctrl_current());
}

static void vmx_drop_user_return_ipi(void *unused)
{
	struct vmx_user_return *ur = this_cpu_ptr(&vmx_user_return);

	vmx_on_user_return(&ur->urn);
}

/*
 * On a CPU going offline, from its hotplug callback.  When it comes back
 * its SYSCALL MSRs and TSC_AUX hold the kernel's boot values, so a record
 * still saying "the guest's are loaded" would let the next entry skip
 * loading them: the guest would run with the host's.  And the task that
 * carries the notifier's flag may never return to user space here.
 */
void vmx_msr_cpu_offline(void)
{
	vmx_drop_user_return_ipi(NULL);
	this_cpu_ptr(&vmx_user_return)->host_valid = false;
}

/*
 * Before the module goes away: no CPU may keep a guest value or a
 * notifier that points into the module.
 */
void vmx_msr_exit(void)
{
	on_each_cpu(vmx_drop_user_return_ipi, NULL, 1);
}

/* Which guest MSRs this CPU has, once at load. */
void vmx_setup_guest_msrs(void)
{
	BUILD_BUG_ON(VMX_NR_USER_RETURN_MSRS - 1 != VMX_MSR_TSC_AUX);
	vmx_nr_user_return_msrs = VMX_NR_USER_RETURN_MSRS;
	if (!vmx_has_tsc_aux())
		vmx_nr_user_return_msrs--;

	vmx_spec_ctrl_valid = 0;
	if (vmx_has_spec_ctrl())
		vmx_spec_ctrl_valid |= SPEC_CTRL_IBRS;
	if (boot_cpu_has(X86_FEATURE_STIBP))
		vmx_spec_ctrl_valid |= SPEC_CTRL_STIBP;
	if (boot_cpu_has(X86_FEATURE_SPEC_CTRL_SSBD))
		vmx_spec_ctrl_valid |= SPEC_CTRL_SSBD;
}

/*
 * The two MSR bitmaps every VMCS points at, one for all (the policy is
 * fixed), in two consecutive pages: the normal one, then the one for a
 * guest whose EFER.SCE is clear.
 */
void vmx_build_msr_bitmap(void *bitmap)
{
	vmx_fill_msr_bitmap(bitmap, vmx_msrs, ARRAY_SIZE(vmx_msrs));
	vmx_fill_msr_bitmap_sce_clear(bitmap + PAGE_SIZE, bitmap);
}

/*
 * A vCPU's MSRs at reset (SDM "Initialization of the Processor" state):
 * the SYSCALL MSRs and TSC_AUX 0, PAT its power-up value, the APIC
 * enabled at its default base (BSP on vCPU 0), MTRRs off, MCG_CTL and
 * the MCi_CTLs all ones, the other machine-check registers 0.
 */
void vmx_init_guest_msrs(struct vmx_vcpu *v)
{
	unsigned int i;

	memset(v->guest_msr, 0, sizeof(v->guest_msr));
	v->guest_syscall = false;	/* EFER is 0 at reset */
	v->guest_msr[VMX_MSR_PAT] = VMX_PAT_RESET;
	v->guest_msr[VMX_MSR_APIC_BASE] = VMX_APIC_BASE_DEFAULT |
					  VMX_APIC_BASE_ENABLE;
	if (v->vcpu->id == 0)
		v->guest_msr[VMX_MSR_APIC_BASE] |= VMX_APIC_BASE_BSP;
	v->guest_msr[VMX_MSR_MISC_ENABLE] = VMX_MISC_ENABLE_RESET;
	/* Every machine-check source enabled, as the BIOS leaves them. */
	v->guest_msr[VMX_MSR_MCG_CTL] = ~0ULL;
	for (i = 0; i < VMX_MC_BANKS; i++)
		v->guest_msr[VMX_MSR_MC_BANKS + 4 * i] = ~0ULL;
	v->guest_msr_gen = atomic64_inc_return(&vmx_guest_msr_gen);
	v->tsc_offset = 0;
}

/* With the VMCS loaded: the VMCS's part of the reset state. */
void vmx_reset_guest_msrs_vmcs(struct vmx_vcpu *v)
{
	if (cpu_has_vmx_pat())
		vmcs_write64(VMCS_GUEST_IA32_PAT, VMX_PAT_RESET);
	vmcs_write64(VMCS_TSC_OFFSET, v->tsc_offset);
}

static bool vmx_msr_present(const struct vmx_msr_desc *m)
{
	switch (m->feature) {
	case MSR_FEATURE_TSC_AUX:
		return vmx_has_tsc_aux();
	case MSR_FEATURE_SPEC_CTRL:
		return vmx_has_spec_ctrl();
	case MSR_FEATURE_PRED_CMD:
		return boot_cpu_has(X86_FEATURE_IBPB);
	case MSR_FEATURE_TSC_ADJUST:
		return boot_cpu_has(X86_FEATURE_TSC_ADJUST);
	}
	return true;
}

/* The width of guest-physical addresses, for reserved-bit checks. */
static unsigned int vmx_guest_phys_bits(void)
{
	return boot_cpu_data.x86_phys_bits;
}

/* EFER through the VMCS: LME changes only with paging off, LMA is read-only. */
static int vmx_write_guest_efer(struct vmx_vcpu *v, u64 val)
{
	u64 old = vmcs_read64(VMCS_GUEST_IA32_EFER);
	unsigned long cr0 = vmcs_readl(VMCS_CR0_READ_SHADOW);

	if ((val ^ old) & EFER_LME && (cr0 & X86_CR0_PG))
		return -EINVAL;
	if ((val & EFER_NX) && !boot_cpu_has(X86_FEATURE_NX))
		return -EINVAL;
	vmx_apply_efer(v, val, cr0);
	return 0;
}

static u64 vmx_read_vmcs_msr(const struct vmx_msr_desc *m)
{
	switch (m->field) {
	case VMCS_GUEST_SYSENTER_CS:
		return vmcs_read32(m->field);
	case VMCS_GUEST_IA32_EFER:
	case VMCS_GUEST_IA32_DEBUGCTL:
		return vmcs_read64(m->field);
	}
	return vmcs_readl(m->field);
}

static void vmx_write_vmcs_msr(const struct vmx_msr_desc *m, u64 val)
{
	switch (m->field) {
	case VMCS_GUEST_SYSENTER_CS:
		vmcs_write32(m->field, val);
		return;
	case VMCS_GUEST_IA32_DEBUGCTL:
		vmcs_write64(m->field, val);
		return;
	}
	vmcs_writel(m->field, val);
}

/*
 * Reads a handled MSR, the VMCS loaded.  Returns 0, -ENOENT for an MSR
 * the kernel does not handle (user space's), -EINVAL for one the guest
 * gets #GP from (absent on this CPU, or write-only).
 */
static int vmx_get_msr(struct vmx_vcpu *v, u32 index, u64 *val)
{
	const struct vmx_msr_desc *m = vmx_find_msr(index);

	if (!m)
		return -ENOENT;
	if (!vmx_msr_present(m) || m->rule == MSR_RULE_PRED_CMD)
		return -EINVAL;
	switch (m->store) {
	case MSR_STORE_SLOT:
		*val = v->guest_msr[m->slot + index - m->index];
		return 0;
	case MSR_STORE_VMCS:
		*val = vmx_read_vmcs_msr(m);
		return 0;
	}
	switch (index) {
	case MSR_IA32_TSC:
		*val = rdtsc() + v->tsc_offset;
		break;
	case MSR_IA32_FEAT_CTL:
		*val = FEAT_CTL_LOCKED;
		break;
	case MSR_IA32_UCODE_REV:
		*val = 0x100000000ULL;	/* revision 1, in EDX */
		break;
	case MTRR_CAP_MSR:
		*val = VMX_MTRR_CAP;
		break;
	case MSR_IA32_MCG_CAP:
		*val = VMX_MCG_CAP;
		break;
	case MSR_IA32_CR_PAT:
		*val = cpu_has_vmx_pat() ? vmcs_read64(VMCS_GUEST_IA32_PAT) :
					   v->guest_msr[VMX_MSR_PAT];
		break;
	case MSR_KERNEL_GS_BASE:
		*val = v->kernel_gs_base;
		break;
	default:
		return -ENOENT;
	}
	return 0;
}

/* Whether val passes m's rule; *store gets the value to keep. */
static bool vmx_msr_write_valid(struct vmx_vcpu *v,
				const struct vmx_msr_desc *m, u32 index,
				u64 val, bool host, u64 *store)
{
	u64 old;

	*store = val;
	if (val & m->reserved)
		return false;
	switch (m->rule) {
	case MSR_RULE_PLAIN:
	case MSR_RULE_IGNORED:
	case MSR_RULE_TSC:
	case MSR_RULE_TSC_ADJUST:
	case MSR_RULE_PRED_CMD:
	case MSR_RULE_EFER:
		return true;
	case MSR_RULE_CANONICAL:
		return __is_canonical_address(val, boot_cpu_data.x86_virt_bits);
	case MSR_RULE_READ_ONLY:
		return false;
	case MSR_RULE_APIC_BASE:
		if (!vmx_apic_base_valid(val, vmx_guest_phys_bits()))
			return false;
		/* Which CPU is the BSP is the host's to say. */
		if (!host) {
			old = v->guest_msr[VMX_MSR_APIC_BASE];
			*store = (val & ~VMX_APIC_BASE_BSP) |
				 (old & VMX_APIC_BASE_BSP);
		}
		return true;
	case MSR_RULE_SPEC_CTRL:
		return !(val & ~vmx_spec_ctrl_valid);
	case MSR_RULE_MISC_ENABLE:
		old = v->guest_msr[VMX_MSR_MISC_ENABLE];
		return vmx_misc_enable_write(old, val, store);
	case MSR_RULE_DEBUGCTL:
		return vmx_debugctl_valid(val);
	case MSR_RULE_MTRR_VAR:
		return vmx_mtrr_var_valid((index - m->index) & 1, val,
					  vmx_guest_phys_bits());
	case MSR_RULE_MTRR_FIXED:
		return vmx_mtrr_fixed_valid(val);
	case MSR_RULE_PAT:
		return vmx_pat_valid(val);
	case MSR_RULE_MTRR_DEF_TYPE:
		return vmx_mtrr_def_type_valid(val);
	case MSR_RULE_MCG_CTL:
		return vmx_mcg_ctl_valid(val);
	case MSR_RULE_MC_BANK:
		return vmx_mc_bank_write_valid(index - m->index, val, host);
	}
	return false;
}

/*
 * The guest's TSC jumps by delta.  As on a CPU, a guest write of TSC
 * moves TSC_ADJUST by as much and a write of TSC_ADJUST moves the TSC
 * (SDM "Time-Stamp Counter Adjustment"); the host restoring a saved TSC
 * or TSC_ADJUST sets only that one (as KVM does).
 */
static void vmx_move_guest_tsc(struct vmx_vcpu *v, s64 delta, bool adjust)
{
	v->tsc_offset += delta;
	vmcs_write64(VMCS_TSC_OFFSET, v->tsc_offset);
	if (adjust)
		v->guest_msr[VMX_MSR_TSC_ADJUST] += delta;
}

/*
 * Writes a handled MSR, the VMCS loaded; host is true for SET_MSRS.
 * Returns 0, -ENOENT (user space's MSR) or -EINVAL (#GP).
 */
static int vmx_set_msr(struct vmx_vcpu *v, u32 index, u64 val, bool host)
{
	const struct vmx_msr_desc *m = vmx_find_msr(index);
	u64 store;

	if (!m)
		return -ENOENT;
	/* Restoring a saved state writes read-only MSRs with their value. */
	if (host && m->rule == MSR_RULE_READ_ONLY) {
		if (vmx_get_msr(v, index, &store) || store != val)
			return -EINVAL;
		return 0;
	}
	if (!vmx_msr_present(m) ||
	    !vmx_msr_write_valid(v, m, index, val, host, &store))
		return -EINVAL;

	switch (m->rule) {
	case MSR_RULE_IGNORED:
		return 0;
	case MSR_RULE_EFER:
		return vmx_write_guest_efer(v, store);
	case MSR_RULE_TSC:
		vmx_move_guest_tsc(v, store - (rdtsc() + v->tsc_offset), !host);
		return 0;
	case MSR_RULE_TSC_ADJUST:
		if (host)
			v->guest_msr[VMX_MSR_TSC_ADJUST] = store;
		else
			vmx_move_guest_tsc(v, store - v->guest_msr[VMX_MSR_TSC_ADJUST],
					   true);
		return 0;
	case MSR_RULE_PRED_CMD:
		if (store)
			wrmsrl(MSR_IA32_PRED_CMD, store);
		return 0;
	case MSR_RULE_PAT:
		v->guest_msr[VMX_MSR_PAT] = store;
		if (cpu_has_vmx_pat())
			vmcs_write64(VMCS_GUEST_IA32_PAT, store);
		return 0;
	}
	switch (m->store) {
	case MSR_STORE_SLOT:
		v->guest_msr[m->slot + index - m->index] = store;
		if (m->slot < VMX_NR_USER_RETURN_MSRS)
			v->guest_msr_gen = atomic64_inc_return(&vmx_guest_msr_gen);
		return 0;
	case MSR_STORE_VMCS:
		vmx_write_vmcs_msr(m, store);
		return 0;
	}
	if (index == MSR_KERNEL_GS_BASE) {
		v->kernel_gs_base = store;
		return 0;
	}
	return -ENOENT;
}

/*
 * An MSR the kernel does not handle goes to user space, RIP still at the
 * instruction; vmx_complete_msr_exit() finishes it on the next RUN.
 */
static enum vmx_exit_action vmx_msr_to_user(struct vmx_vcpu *v, bool write,
					    u64 val)
{
	struct vmctl_run *run = vmx_report_exit(v, VMCTL_EXIT_MSR);

	run->msr.index = v->gpr[GPR_RCX];
	run->msr.direction = write ? VMCTL_MSR_WRITE : VMCTL_MSR_READ;
	run->msr.error = 0;
	memset(run->msr.pad, 0, sizeof(run->msr.pad));
	run->msr.data = write ? val : 0;
	v->msr_pending = true;
	return ACTION_EXIT_TO_USER;
}

/* The VMCS loaded: user space's answer to a VMCTL_EXIT_MSR. */
void vmx_complete_msr_exit(struct vmx_vcpu *v, u8 error, u64 data)
{
	v->msr_pending = false;
	if (error) {
		vmx_inject_gp(v);
		return;
	}
	if ((v->exit_reason & EXIT_REASON_BASIC_MASK) == VMX_EXIT_RDMSR) {
		v->gpr[GPR_RAX] = lower_32_bits(data);
		v->gpr[GPR_RDX] = upper_32_bits(data);
	}
	vmx_skip_exiting_instruction(v);
}

enum vmx_exit_action vmx_handle_rdmsr(struct vmx_vcpu *v)
{
	u64 val;
	int err;

	err = vmx_get_msr(v, v->gpr[GPR_RCX], &val);
	if (err == -ENOENT)
		return vmx_msr_to_user(v, false, 0);
	if (err) {
		vmx_inject_gp(v);
		return ACTION_RESUME_GUEST;
	}
	v->gpr[GPR_RAX] = lower_32_bits(val);
	v->gpr[GPR_RDX] = upper_32_bits(val);
	vmx_skip_exiting_instruction(v);
	return ACTION_RESUME_GUEST;
}

enum vmx_exit_action vmx_handle_wrmsr(struct vmx_vcpu *v)
{
	u64 val = (u64)(u32)v->gpr[GPR_RDX] << 32 | (u32)v->gpr[GPR_RAX];
	int err;

	err = vmx_set_msr(v, v->gpr[GPR_RCX], val, false);
	if (err == -ENOENT)
		return vmx_msr_to_user(v, true, val);
	if (err) {
		vmx_inject_gp(v);
		return ACTION_RESUME_GUEST;
	}
	vmx_skip_exiting_instruction(v);
	return ACTION_RESUME_GUEST;
}

/* VMCTL_GET_MSRS: the number of entries read before the first failure. */
int vmx_get_msrs(struct vmctl_vcpu *vcpu, struct vmctl_msr_entry *e, u32 n)
{
	struct vmx_vcpu *v = vcpu->arch;
	u32 i;
	int err;

	vmx_vcpu_get(v);
	for (i = 0; i < n; i++)
		if (vmx_get_msr(v, e[i].index, &e[i].data))
			break;
	err = vmx_vcpu_put();
	return err ?: i;
}

/* VMCTL_SET_MSRS: the number of entries written before the first failure. */
int vmx_set_msrs(struct vmctl_vcpu *vcpu, const struct vmctl_msr_entry *e,
		 u32 n)
{
	struct vmx_vcpu *v = vcpu->arch;
	u32 i;
	int err;

	vmx_vcpu_get(v);
	for (i = 0; i < n; i++)
		if (vmx_set_msr(v, e[i].index, e[i].data, true))
			break;
	err = vmx_vcpu_put();
	return err ?: i;
}

/*
 * The indices of vmx_msrs[] that hold state (PRED_CMD is a command),
 * ascending; returns how many there are.
 */
u32 vmx_msr_index_list(u32 *indices, u32 room)
{
	unsigned int i, j;
	u32 n = 0;

	for (i = 0; i < ARRAY_SIZE(vmx_msrs); i++) {
		if (!vmx_msr_present(&vmx_msrs[i]) ||
		    vmx_msrs[i].rule == MSR_RULE_PRED_CMD)
			continue;
		for (j = 0; j < vmx_msrs[i].count; j++, n++)
			if (n < room)
				indices[n] = vmx_msrs[i].index + j;
	}
	return n;
}

/*
 * The vCPU state blob's MSRs (state_blob.c): those of the index list but
 * EFER, which the blob keeps in its sregs.  Returns how many there are.
 */
unsigned int vmx_state_msr_list(u32 *indices, unsigned int max)
{
	u32 all[VMX_STATE_MAX_MSRS];
	unsigned int i, n = 0;
	u32 total;

	total = min_t(u32, vmx_msr_index_list(all, ARRAY_SIZE(all)),
		      ARRAY_SIZE(all));
	for (i = 0; i < total; i++) {
		if (all[i] == MSR_EFER)
			continue;
		if (n < max)
			indices[n] = all[i];
		n++;
	}
	return n;
}

/*
 * As SET_MSRS would check it, without changing anything: -EINVAL for an
 * MSR the blob does not hold or a value the MSR refuses.  The VMCS need
 * not be loaded: the rules that compare with the current value (the
 * read-only MSRs) are checked again when the blob is applied.
 */
int vmx_state_check_msr(struct vmx_vcpu *v, u32 index, u64 val)
{
	const struct vmx_msr_desc *m = vmx_find_msr(index);
	u64 store;

	if (!m || index == MSR_EFER || !vmx_msr_present(m) ||
	    m->rule == MSR_RULE_PRED_CMD)
		return -EINVAL;
	if (m->rule == MSR_RULE_READ_ONLY)
		return 0;
	return vmx_msr_write_valid(v, m, index, val, true, &store) ?
	       0 : -EINVAL;
}

/* index is one of vmx_state_msr_list()'s; the VMCS is loaded. */
u64 vmx_state_get_msr(struct vmx_vcpu *v, u32 index)
{
	u64 val = 0;

	vmx_get_msr(v, index, &val);
	return val;
}

/* index and val passed vmx_state_check_msr(); the VMCS is loaded. */
int vmx_state_set_msr(struct vmx_vcpu *v, u32 index, u64 val)
{
	return vmx_set_msr(v, index, val, true);
}
