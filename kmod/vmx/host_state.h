/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The host state switched around every entry, for vmx.c's run loop only.
 *
 * Inline because it runs twice per exit: as out-of-line functions in
 * vmcs.c the calls and return thunks cost about 50 instructions per exit.
 * Host state of longer lifetime (constant, per CPU) is written by vmcs.c.
 */
#ifndef VMCTL_VMX_HOST_STATE_H
#define VMCTL_VMX_HOST_STATE_H

#include <linux/smp.h>
#include <linux/stringify.h>
#include <asm/cpufeature.h>
#include <asm/debugreg.h>
#include <asm/desc.h>
#include <asm/mmu_context.h>
#include <asm/msr.h>
#include <asm/processor.h>
#include <asm/segment.h>
#include <asm/special_insns.h>
#include <asm/tlbflush.h>
#include <asm/trapnr.h>

#include "vmx.h"
#include "vmx_ops.h"

/* What a VM exit clobbers of the host and is put back afterwards. */
struct vmx_host_save {
	u16 ds, es, fs, gs, ldt;
	unsigned long fs_base;
	u64 kernel_gs_base;
	u64 debugctl;
};

/*
 * Host state that may change between entries (SDM "Host-State Area").
 * Interrupts are off: an interrupt handler may change CR4 (its shadow is
 * per CPU) or DEBUGCTL, and the values read must be those at entry.
 */
static __always_inline void
vmx_refresh_host_state(struct vmx_vcpu *v, struct vmx_host_save *h)
{
	unsigned long cr3 = __get_current_cr3_fast();
	unsigned long cr4 = cr4_read_shadow();

	if (unlikely(cr3 != v->host_cr3)) {
		vmcs_writel(VMCS_HOST_CR3, cr3);
		v->host_cr3 = cr3;
	}
	if (unlikely(cr4 != v->host_cr4)) {
		vmcs_writel(VMCS_HOST_CR4, cr4);
		v->host_cr4 = cr4;
	}
	/* The kernel does not use FS: its base is user space's. */
	rdmsrl(MSR_FS_BASE, h->fs_base);
	if (unlikely(h->fs_base != v->host_fs_base)) {
		vmcs_writel(VMCS_HOST_FS_BASE, h->fs_base);
		v->host_fs_base = h->fs_base;
	}
	savesegment(ds, h->ds);
	savesegment(es, h->es);
	savesegment(fs, h->fs);
	savesegment(gs, h->gs);
	asm volatile("sldt %0" : "=r" (h->ldt));
	rdmsrl(MSR_KERNEL_GS_BASE, h->kernel_gs_base);
	rdmsrl(MSR_IA32_DEBUGCTLMSR, h->debugctl);
}

/*
 * After a VM exit (interrupts still disabled): the exit loaded null DS, ES,
 * FS, GS and LDTR, set the GDT and IDT limits to 0xffff and the TR limit to
 * 0x67, cleared DEBUGCTL and DR7; the guest may have changed
 * KERNEL_GS_BASE with SWAPGS.  Put back what the host relies on.
 */
static __always_inline void
vmx_restore_host_state(struct vmx_vcpu *v, const struct vmx_host_save *h)
{
	rdmsrl(MSR_KERNEL_GS_BASE, v->kernel_gs_base);
	if (unlikely(h->ldt))
		asm volatile("lldt %0" : : "rm" (h->ldt));
	if (unlikely(h->ds | h->es)) {
		loadsegment(ds, h->ds);
		loadsegment(es, h->es);
	}
	if (unlikely(h->fs)) {
		loadsegment(fs, h->fs);
		wrmsrl(MSR_FS_BASE, h->fs_base);
	}
	if (unlikely(h->gs))
		load_gs_index(h->gs);
	wrmsrl(MSR_KERNEL_GS_BASE, h->kernel_gs_base);
	/* TR limit: the I/O bitmap of ioperm() users lies beyond 0x67. */
	invalidate_tss_limit();
	/* GDT limit: keep user space from loading selectors past the GDT. */
	load_fixmap_gdt(smp_processor_id());
	if (h->debugctl)
		update_debugctlmsr(h->debugctl);
	if (hw_breakpoint_active())
		hw_breakpoint_restore();
}

/* The guest's DR7 enables a breakpoint: DR0-DR3 and DR6 must be its own. */
static __always_inline bool vmx_guest_debug_armed(struct vmx_vcpu *v)
{
	return v->dr7 & (DR_LOCAL_ENABLE_MASK | DR_GLOBAL_ENABLE_MASK);
}

/*
 * Before entry, interrupts off.  DR7 is the guest's from the VMCS; while it
 * enables nothing, DR0-DR3 and DR6 may keep the host's values (MOV DR
 * exits, so the guest never sees them).  Otherwise the host's DR7 is
 * turned off first, so that no host breakpoint is armed on a guest's
 * address in the meantime; vmx_restore_host_state() puts it back.
 */
static __always_inline void vmx_load_guest_debug(struct vmx_vcpu *v)
{
	if (likely(!vmx_guest_debug_armed(v)))
		return;
	if (hw_breakpoint_active())
		set_debugreg(0, 7);
	set_debugreg(v->db[0], 0);
	set_debugreg(v->db[1], 1);
	set_debugreg(v->db[2], 2);
	set_debugreg(v->db[3], 3);
	set_debugreg(v->dr6, 6);
}

/*
 * After exit, interrupts off: keep what the guest's #DBs wrote to DR6 and
 * give the host a clean one.  Even with nothing armed in its DR7 a guest
 * takes #DB for single steps (RFLAGS.TF) and the CPU sets DR6.BS in the
 * real register; left there, the host's #DB handler would take it for
 * its own at the next host breakpoint and send the thread a SIGTRAP.
 */
static __always_inline void vmx_save_guest_debug(struct vmx_vcpu *v)
{
	unsigned long dr6;

	if (unlikely(vmx_guest_debug_armed(v))) {
		get_debugreg(v->dr6, 6);
		set_debugreg(DR6_RESERVED, 6);
		return;
	}
	get_debugreg(dr6, 6);
	if (unlikely(dr6 != DR6_RESERVED)) {
		v->dr6 |= dr6 & ~DR6_RESERVED;
		set_debugreg(DR6_RESERVED, 6);
	}
}

/*
 * A machine check in guest mode (exception bitmap bit 18), or during VM
 * entry (exit reason 41), was taken by the CPU as a VM exit instead of
 * reaching the host's handler.  A guest's INT 18 exits as a software
 * interrupt and is not one.
 */
static __always_inline bool vmx_exit_is_machine_check(u32 exit_reason,
						      u32 intr_info)
{
	u32 basic = exit_reason & EXIT_REASON_BASIC_MASK;
	u32 mc = INTR_INFO_VALID | INTR_TYPE_HW_EXCEPTION | X86_TRAP_MC;

	if (basic == VMX_EXIT_MCE_DURING_ENTRY)
		return true;
	return basic == VMX_EXIT_EXCEPTION_NMI &&
	       (intr_info & (INTR_INFO_VALID | INTR_INFO_TYPE_MASK |
			     INTR_INFO_VECTOR_MASK)) == mc;
}

/*
 * Hand a machine check that exited to the host's handler, interrupts
 * still off and on the CPU where it happened, by raising #MC through the
 * IDT as the CPU would have (kvm_intel does the same).
 */
static __always_inline void vmx_raise_host_machine_check(void)
{
	if (boot_cpu_has(X86_FEATURE_MCE))
		asm volatile("int $" __stringify(X86_TRAP_MC));
}

#endif /* VMCTL_VMX_HOST_STATE_H */
