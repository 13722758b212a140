// SPDX-License-Identifier: GPL-2.0
/*
 * A vCPU's VMCS: loading it on a CPU, its control words, host state.
 *
 * A VMCS is active on one CPU at a time: a thread that moved VMCLEARs it
 * on the old CPU first.  Host state is written by lifetime: constant at
 * creation, per CPU on load; per entry (inline, in host_state.h) before
 * each entry.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/percpu.h>
#include <linux/smp.h>
#include <asm/cpu_entry_area.h>
#include <asm/debugreg.h>
#include <asm/desc.h>
#include <asm/io.h>
#include <asm/mmu_context.h>
#include <asm/msr.h>
#include <asm/processor.h>
#include <asm/segment.h>
#include <asm/special_insns.h>
#include <asm/tlbflush.h>
#include <asm/tsc.h>

#include "capabilities.h"
#include "vmx.h"
#include "vmx_ops.h"

/* IPI on the CPU where the VMCS is active. */
void vmx_vmclear_ipi(void *data)
{
	struct vmx_vcpu *v = data;
	struct vmx_cpu *c = this_cpu_ptr(&vmx_cpu);
	struct vmx_insn_failure interrupted;

	if (READ_ONCE(v->cpu) != smp_processor_id())
		return;		/* cleared meanwhile (CPU going offline) */
	vmx_insn_failure_stash(&interrupted);
	vmx_vmclear(v->vmcs_pa);
	vmx_insn_failure_unstash(&interrupted);
	list_del_init(&v->loaded_link);
	if (c->current_vcpu == v)
		c->current_vcpu = NULL;
	v->launched = false;
	WRITE_ONCE(v->cpu, -1);
}

/* Host state that differs between CPUs (SDM "Host-State Area"). */
static void vmx_set_host_percpu_state(int cpu)
{
	unsigned long gs_base, sysenter_esp;

	vmcs_writel(VMCS_HOST_TR_BASE,
		    (unsigned long)&get_cpu_entry_area(cpu)->tss.x86_tss);
	vmcs_writel(VMCS_HOST_GDTR_BASE, (unsigned long)get_cpu_gdt_ro(cpu));
	rdmsrl(MSR_GS_BASE, gs_base);
	vmcs_writel(VMCS_HOST_GS_BASE, gs_base);
	rdmsrl(MSR_IA32_SYSENTER_ESP, sysenter_esp);
	vmcs_writel(VMCS_HOST_IA32_SYSENTER_ESP, sysenter_esp);
}

/*
 * vmx_vcpu_load() when v's VMCS is not already current here.  A VMCS may
 * be active on one CPU only: if the thread moved, VMCLEAR it over there
 * first (which also writes its cached state back to memory), then VMPTRLD
 * here and refresh the per-CPU host fields.
 */
void vmx_vcpu_load_slow(struct vmx_vcpu *v)
{
	int cpu = smp_processor_id();
	struct vmx_cpu *c = this_cpu_ptr(&vmx_cpu);
	int old = READ_ONCE(v->cpu);

	if (old == cpu) {
		if (c->current_vcpu != v) {
			vmx_vmptrld(v->vmcs_pa);
			c->current_vcpu = v;
		}
		return;
	}
	if (old >= 0)
		smp_call_function_single(old, vmx_vmclear_ipi, v, 1);

	local_irq_disable();
	list_add(&v->loaded_link, &c->loaded);
	WRITE_ONCE(v->cpu, cpu);
	v->launched = false;
	local_irq_enable();

	vmx_vmptrld(v->vmcs_pa);
	c->current_vcpu = v;
	vmx_set_host_percpu_state(cpu);
	/*
	 * The guest may have changed its page tables since it last ran
	 * here, invalidating only on the CPU it ran on: drop this CPU's
	 * translations for its VPID.
	 */
	if (v->vpid) {
		if (cpu_has_vmx_invvpid_single())
			vmx_invvpid(INVVPID_SINGLE_CONTEXT, v->vpid);
		else
			vmx_invvpid(INVVPID_ALL_CONTEXT, 0);
	}
}

/* VMCS access from an ioctl: pin the thread and load the VMCS. */
void vmx_vcpu_get(struct vmx_vcpu *v)
{
	preempt_disable();
	vmx_vcpu_load(v);
}

int vmx_vcpu_put(void)
{
	int err = 0;

	/* The reboot notifier's VMXOFF, not the VMCS, made it fail. */
	if (vmx_take_insn_failure(NULL))
		err = READ_ONCE(vmx_rebooting) ? -ESHUTDOWN : -EIO;

	preempt_enable();
	return err;
}

/* Writes a control word through its shadow in struct vmx_controls. */
static __always_inline void vmx_write_controls(u32 *shadow,
					       unsigned long field, u32 ctls)
{
	if (*shadow != ctls) {
		vmcs_write32(field, ctls);
		*shadow = ctls;
	}
}

void vmx_set_entry_controls(struct vmx_vcpu *v, u32 ctls)
{
	vmx_write_controls(&v->ctls.entry, VMCS_ENTRY_CONTROLS, ctls);
}

void vmx_set_proc_controls(struct vmx_vcpu *v, u32 ctls)
{
	vmx_write_controls(&v->ctls.proc, VMCS_PROC_CONTROLS, ctls);
}

/*
 * A fresh VMCS holds no known control words: write each once and start
 * the shadows from there.
 */
static void vmx_init_controls(struct vmx_vcpu *v)
{
	v->ctls.pin = vmx_caps.pin;
	v->ctls.proc = vmx_caps.proc;
	v->ctls.proc2 = vmx_caps.proc2;
	/* No VPID left for this vCPU: VPID 0 with the control on VMfails. */
	if (!v->vpid)
		v->ctls.proc2 &= ~PROC2_ENABLE_VPID;
	v->ctls.exit = vmx_caps.exit;
	v->ctls.entry = vmx_caps.entry;
	vmcs_write32(VMCS_PIN_CONTROLS, v->ctls.pin);
	vmcs_write32(VMCS_PROC_CONTROLS, v->ctls.proc);
	vmcs_write32(VMCS_PROC2_CONTROLS, v->ctls.proc2);
	vmcs_write32(VMCS_EXIT_CONTROLS, v->ctls.exit);
	vmcs_write32(VMCS_ENTRY_CONTROLS, v->ctls.entry);
}

void vmx_setup_host_state(void)
{
	struct desc_ptr idt;
	u64 val;

	/* CR0 does not change in a running 64-bit kernel. */
	vmcs_writel(VMCS_HOST_CR0, read_cr0());
	/*
	 * Selectors with RPL 0 (a VM-entry check).  DS, ES, FS and GS are
	 * null: user space's values are put back after each exit.
	 */
	vmcs_write16(VMCS_HOST_CS_SELECTOR, __KERNEL_CS);
	vmcs_write16(VMCS_HOST_SS_SELECTOR, __KERNEL_DS);
	vmcs_write16(VMCS_HOST_DS_SELECTOR, 0);
	vmcs_write16(VMCS_HOST_ES_SELECTOR, 0);
	vmcs_write16(VMCS_HOST_FS_SELECTOR, 0);
	vmcs_write16(VMCS_HOST_GS_SELECTOR, 0);
	vmcs_write16(VMCS_HOST_TR_SELECTOR, GDT_ENTRY_TSS * 8);
	/* The IDT is mapped at the same address on every CPU. */
	store_idt(&idt);
	vmcs_writel(VMCS_HOST_IDTR_BASE, idt.address);
	vmcs_writel(VMCS_HOST_RIP, (unsigned long)vmctl_vmx_vmexit);
	rdmsrl(MSR_IA32_SYSENTER_CS, val);
	vmcs_write32(VMCS_HOST_IA32_SYSENTER_CS, val);
	rdmsrl(MSR_IA32_SYSENTER_EIP, val);
	vmcs_writel(VMCS_HOST_IA32_SYSENTER_EIP, val);
	rdmsrl(MSR_EFER, val);
	vmcs_write64(VMCS_HOST_IA32_EFER, val);
	if (cpu_has_vmx_pat()) {
		rdmsrl(MSR_IA32_CR_PAT, val);
		vmcs_write64(VMCS_HOST_IA32_PAT, val);
	}
}

/*
 * The VMX-preemption timer forces an exit after about a millisecond in the
 * guest, whatever happens to external-interrupt exiting.  Bochs needs it: it
 * leaves host interrupts masked in a guest entered with RFLAGS.IF 0 from a
 * host with IF 0, so a spinning guest would never exit.  Elsewhere it only
 * bounds how long pending host work waits.  The timer value is not saved on
 * exit, so every entry starts from the full period.
 */
static u32 vmx_preemption_timer_value(void)
{
	u64 ticks = ((u64)tsc_khz ?: 1000000) >> vmx_preemption_timer_shift();

	return clamp_t(u64, ticks, 1, U32_MAX);
}

void vmx_setup_controls(struct vmx_vcpu *v)
{
	vmx_init_controls(v);
	vmcs_write32(VMCS_EXCEPTION_BITMAP, VMX_EXCEPTION_BITMAP);
	vmcs_write32(VMCS_PF_ERROR_CODE_MASK, 0);
	vmcs_write32(VMCS_PF_ERROR_CODE_MATCH, 0);
	vmcs_write32(VMCS_CR3_TARGET_COUNT, 0);
	vmcs_write32(VMCS_EXIT_MSR_STORE_COUNT, 0);
	vmcs_write32(VMCS_EXIT_MSR_LOAD_COUNT, 0);
	vmcs_write32(VMCS_ENTRY_MSR_LOAD_COUNT, 0);
	vmcs_write32(VMCS_ENTRY_INTR_INFO, 0);
	vmcs_write64(VMCS_MSR_BITMAP, virt_to_phys(vmx_msr_bitmap));
	vmcs_write64(VMCS_EPT_POINTER, v->vm->ept.eptp);
	vmcs_write64(VMCS_TSC_OFFSET, 0);
	if (v->vpid)
		vmcs_write16(VMCS_VPID, v->vpid);
	if (cpu_has_vmx_preemption_timer())
		vmcs_write32(VMCS_PREEMPTION_TIMER_VALUE, vmx_preemption_timer_value());
	vmcs_writel(VMCS_CR0_GUEST_HOST_MASK, ~(unsigned long)CR0_GUEST_OWNED);
	vmcs_writel(VMCS_CR4_GUEST_HOST_MASK, ~(unsigned long)CR4_GUEST_OWNED);
}

/*
 * What a report of an unexpected exit needs, for the current VMCS.  Info
 * level: a guest can cause it.  Callers rate-limit.
 */
void vmx_dump_vmcs(struct vmx_vcpu *v)
{
	pr_info("vCPU %u: exit reason %#x qualification %#lx interruption %#x length %u IDT vectoring %#x\n",
		v->vcpu->id, v->exit_reason, v->exit_qual,
		vmcs_read32(VMCS_EXIT_INTR_INFO),
		vmcs_read32(VMCS_EXIT_INSTRUCTION_LEN),
		vmcs_read32(VMCS_IDT_VECTORING_INFO));
	pr_info("  RIP %#lx RSP %#lx RFLAGS %#lx interruptibility %#x activity %u\n",
		vmcs_readl(VMCS_GUEST_RIP), vmcs_readl(VMCS_GUEST_RSP),
		vmcs_readl(VMCS_GUEST_RFLAGS),
		vmcs_read32(VMCS_GUEST_INTERRUPTIBILITY),
		vmcs_read32(VMCS_GUEST_ACTIVITY_STATE));
	pr_info("  CR0 %#lx (read shadow %#lx) CR3 %#lx CR4 %#lx (read shadow %#lx) EFER %#llx\n",
		vmcs_readl(VMCS_GUEST_CR0), vmcs_readl(VMCS_CR0_READ_SHADOW),
		vmcs_readl(VMCS_GUEST_CR3), vmcs_readl(VMCS_GUEST_CR4),
		vmcs_readl(VMCS_CR4_READ_SHADOW),
		vmcs_read64(VMCS_GUEST_IA32_EFER));
	pr_info("  CS %#x base %#lx limit %#x AR %#x, SS %#x AR %#x\n",
		vmcs_read16(VMCS_GUEST_CS_SELECTOR),
		vmcs_readl(VMCS_GUEST_CS_BASE),
		vmcs_read32(VMCS_GUEST_CS_LIMIT),
		vmcs_read32(VMCS_GUEST_CS_AR),
		vmcs_read16(VMCS_GUEST_SS_SELECTOR),
		vmcs_read32(VMCS_GUEST_SS_AR));
	pr_info("  guest-physical %#llx linear %#lx\n",
		vmcs_read64(VMCS_GUEST_PHYSICAL_ADDRESS),
		vmcs_readl(VMCS_GUEST_LINEAR_ADDRESS));
	pr_info("  controls pin %#x proc %#x proc2 %#x exit %#x entry %#x\n",
		v->ctls.pin, v->ctls.proc, v->ctls.proc2, v->ctls.exit,
		v->ctls.entry);
}
