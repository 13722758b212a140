// SPDX-License-Identifier: GPL-2.0
/*
 * The guest's MSRs: which ones it may read and write, and how their values
 * are switched between guest and host.
 *
 * vmx_guest_msrs[] describes each guest MSR once.  Every MSR not in it
 * still exits to user space as an unhandled exit (the MSR bitmap is all
 * ones), so a guest never reaches a host MSR by accident.
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
 * once per CPU and leaving the SYSCALL MSRs alone while the guest's
 * EFER.SCE is clear took the raw OUT round trip from 9.88 to 9.21 us and
 * the CPUID exit from 3.98 to 3.97 us (one boot, against 3962f72).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/kernel.h>
#include <linux/percpu.h>
#include <linux/smp.h>
#include <linux/user-return-notifier.h>
#include <asm/cpufeature.h>
#include <asm/msr.h>
#include <asm/nospec-branch.h>
#include <asm/processor.h>

#include "vmx.h"
#include "vmx_ops.h"

/* How a guest MSR's value reaches the CPU while the guest runs. */
enum vmx_msr_switch {
	MSR_SWITCH_VMCS,	/* a guest-state field of the VMCS */
	MSR_SWITCH_USER_RETURN,	/* loaded lazily, host's back on return to user */
	MSR_SWITCH_ENTRY_EXIT,	/* written before entry and after exit if it differs */
};

struct vmx_guest_msr {
	u32 index;
	enum vmx_msr_switch kind;
	u64 reserved;		/* bits that #GP when written as 1 */
	/* SPEC_CTRL's reserved bits depend on the CPU: vmx_spec_ctrl_valid */
	bool canonical;		/* an address: #GP when not canonical */
	bool (*present)(void);	/* NULL: every CPU with VMX has it */
};

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
 * The user-return MSRs come first, in the order of their slots in
 * struct vmx_vcpu's guest_msr[] and the per-CPU state below.
 */
static const struct vmx_guest_msr vmx_guest_msrs[VMX_NR_GUEST_MSRS] = {
	[VMX_MSR_STAR] = { MSR_STAR, MSR_SWITCH_USER_RETURN },
	[VMX_MSR_LSTAR] = { MSR_LSTAR, MSR_SWITCH_USER_RETURN,
			    .canonical = true },
	[VMX_MSR_CSTAR] = { MSR_CSTAR, MSR_SWITCH_USER_RETURN,
			    .canonical = true },
	[VMX_MSR_SFMASK] = { MSR_SYSCALL_MASK, MSR_SWITCH_USER_RETURN,
			     .reserved = GENMASK_ULL(63, 32) },
	[VMX_MSR_TSC_AUX] = { MSR_TSC_AUX, MSR_SWITCH_USER_RETURN,
			      .reserved = GENMASK_ULL(63, 32),
			      .present = vmx_has_tsc_aux },
	[VMX_MSR_SPEC_CTRL] = { MSR_IA32_SPEC_CTRL, MSR_SWITCH_ENTRY_EXIT,
				.present = vmx_has_spec_ctrl },
	[VMX_MSR_EFER] = { MSR_EFER, MSR_SWITCH_VMCS,
			   .reserved = ~(u64)(EFER_SCE | EFER_LME | EFER_LMA |
					      EFER_NX) },
};

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
	u64 loaded_gen;		/* curr[] is the guest's of this generation */
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
			wrmsrl(vmx_guest_msrs[i].index, ur->host[i]);
			ur->curr[i] = ur->host[i];
		}
	}
	local_irq_restore(flags);
}

/*
 * Before an entry, preemption off, when this CPU does not hold this
 * vCPU's generation of its SYSCALL MSRs and TSC_AUX: load them (and arm
 * the notifier if it is not armed).  While the guest's EFER.SCE
 * is clear, SYSCALL and SYSRET raise #UD and RDMSR/WRMSR of these MSRs
 * exit, so nothing in the guest can see the real STAR, LSTAR, CSTAR and
 * SFMASK: the host's stay (or are put back), and a return to user space
 * has only TSC_AUX to restore.
 */
static noinline void vmx_load_user_return_msrs(struct vmx_vcpu *v,
					       struct vmx_user_return *ur)
{
	unsigned int first_guest = v->guest_syscall ? 0 : VMX_MSR_TSC_AUX;
	unsigned int i;

	if (!ur->registered) {
		if (!ur->host_valid) {
			for (i = 0; i < vmx_nr_user_return_msrs; i++)
				rdmsrl(vmx_guest_msrs[i].index, ur->host[i]);
			ur->host_valid = true;
		}
		/* The notifier put them back, or they never changed. */
		memcpy(ur->curr, ur->host, sizeof(ur->curr));
		ur->urn.on_user_return = vmx_on_user_return;
		user_return_notifier_register(&ur->urn);
		ur->registered = true;
	}
	for (i = 0; i < vmx_nr_user_return_msrs; i++) {
		u64 want = i < first_guest ? ur->host[i] : v->guest_msr[i];

		if (ur->curr[i] != want) {
			wrmsrl(vmx_guest_msrs[i].index, want);
			ur->curr[i] = want;
		}
	}
	ur->loaded_gen = v->guest_msr_gen;
}

/*
 * EFER changed (WRMSR or SET_SREGS): whether the SYSCALL MSRs must be the
 * guest's follows SCE, so the next entry loads again.
 */
void vmx_msr_efer_changed(struct vmx_vcpu *v, u64 efer)
{
	bool syscall = efer & EFER_SCE;

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

/* A vCPU's MSRs at reset: the SYSCALL MSRs and TSC_AUX are 0. */
void vmx_init_guest_msrs(struct vmx_vcpu *v)
{
	memset(v->guest_msr, 0, sizeof(v->guest_msr));
	v->guest_syscall = false;	/* EFER is 0 at reset */
	v->guest_msr_gen = atomic64_inc_return(&vmx_guest_msr_gen);
}

static const struct vmx_guest_msr *
vmx_find_guest_msr(u32 index, unsigned int *slot)
{
	unsigned int i;

	for (i = 0; i < VMX_NR_GUEST_MSRS; i++) {
		if (vmx_guest_msrs[i].index == index) {
			*slot = i;
			return &vmx_guest_msrs[i];
		}
	}
	return NULL;
}

static bool vmx_guest_msr_present(const struct vmx_guest_msr *m)
{
	return !m->present || m->present();
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

enum vmx_exit_action vmx_handle_rdmsr(struct vmx_vcpu *v)
{
	const struct vmx_guest_msr *m;
	unsigned int slot;
	u64 val;

	m = vmx_find_guest_msr(v->gpr[GPR_RCX], &slot);
	if (!m)
		return vmx_unhandled_exit(v);
	if (!vmx_guest_msr_present(m)) {
		vmx_inject_gp(v);
		return ACTION_RESUME_GUEST;
	}
	if (m->kind == MSR_SWITCH_VMCS)
		val = vmcs_read64(VMCS_GUEST_IA32_EFER);
	else
		val = v->guest_msr[slot];
	v->gpr[GPR_RAX] = lower_32_bits(val);
	v->gpr[GPR_RDX] = upper_32_bits(val);
	vmx_skip_exiting_instruction(v);
	return ACTION_RESUME_GUEST;
}

enum vmx_exit_action vmx_handle_wrmsr(struct vmx_vcpu *v)
{
	u64 val = (u64)(u32)v->gpr[GPR_RDX] << 32 | (u32)v->gpr[GPR_RAX];
	const struct vmx_guest_msr *m;
	unsigned int slot;

	m = vmx_find_guest_msr(v->gpr[GPR_RCX], &slot);
	if (!m)
		return vmx_unhandled_exit(v);
	if (!vmx_guest_msr_present(m) || (val & m->reserved) ||
	    (m->canonical &&
	     !__is_canonical_address(val, boot_cpu_data.x86_virt_bits)))
		goto gp;
	if (m->index == MSR_IA32_SPEC_CTRL && (val & ~vmx_spec_ctrl_valid))
		goto gp;
	if (m->kind == MSR_SWITCH_VMCS) {
		if (vmx_write_guest_efer(v, val))
			goto gp;
	} else {
		v->guest_msr[slot] = val;
		if (m->kind == MSR_SWITCH_USER_RETURN)
			v->guest_msr_gen = atomic64_inc_return(&vmx_guest_msr_gen);
	}
	vmx_skip_exiting_instruction(v);
	return ACTION_RESUME_GUEST;

gp:
	vmx_inject_gp(v);
	return ACTION_RESUME_GUEST;
}

/*
 * The vCPU state blob (state_blob.c): every MSR value this file keeps for
 * the guest, found through the table above so that an MSR added there is
 * saved and restored too.  EFER is left out (it is in sregs); the
 * kernel's GS base for SWAPGS, kept beside the table, is added.
 */
unsigned int vmx_state_msr_list(u32 *indices, unsigned int max)
{
	unsigned int i, n = 0;

	for (i = 0; i < VMX_NR_GUEST_MSRS; i++) {
		const struct vmx_guest_msr *m = &vmx_guest_msrs[i];

		if (m->kind == MSR_SWITCH_VMCS || !vmx_guest_msr_present(m))
			continue;
		if (n < max)
			indices[n] = m->index;
		n++;
	}
	if (n < max)
		indices[n] = MSR_KERNEL_GS_BASE;
	return n + 1;
}

/* As a guest WRMSR would be checked: -EINVAL where it would #GP. */
int vmx_state_check_msr(u32 index, u64 val)
{
	const struct vmx_guest_msr *m;
	unsigned int slot;

	if (index == MSR_KERNEL_GS_BASE)
		return __is_canonical_address(val, boot_cpu_data.x86_virt_bits) ?
		       0 : -EINVAL;
	m = vmx_find_guest_msr(index, &slot);
	if (!m || m->kind == MSR_SWITCH_VMCS || !vmx_guest_msr_present(m) ||
	    (val & m->reserved) ||
	    (m->canonical &&
	     !__is_canonical_address(val, boot_cpu_data.x86_virt_bits)))
		return -EINVAL;
	if (m->index == MSR_IA32_SPEC_CTRL && (val & ~vmx_spec_ctrl_valid))
		return -EINVAL;
	return 0;
}

/* index is one of vmx_state_msr_list()'s. */
u64 vmx_state_get_msr(struct vmx_vcpu *v, u32 index)
{
	unsigned int slot;

	if (index == MSR_KERNEL_GS_BASE)
		return v->kernel_gs_base;
	if (!vmx_find_guest_msr(index, &slot))
		return 0;
	return v->guest_msr[slot];
}

/* index and val passed vmx_state_check_msr(). */
void vmx_state_set_msr(struct vmx_vcpu *v, u32 index, u64 val)
{
	unsigned int slot;

	if (index == MSR_KERNEL_GS_BASE) {
		v->kernel_gs_base = val;
		return;
	}
	if (!vmx_find_guest_msr(index, &slot))
		return;
	v->guest_msr[slot] = val;
	if (vmx_guest_msrs[slot].kind == MSR_SWITCH_USER_RETURN)
		v->guest_msr_gen = atomic64_inc_return(&vmx_guest_msr_gen);
}
