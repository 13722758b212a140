// SPDX-License-Identifier: GPL-2.0
/*
 * The Intel VT-x backend of vmctl: VMX on and off, VMCS set-up, the run loop
 * and its table of exit handlers.  Field encodings are in vmcs.h, the VMX
 * instructions in vmx_ops.h, capability checks in capabilities.c, EPT tables
 * in ept.c and the guest-state checker for failed entries in entry_checks.c.
 */
#include <linux/cpu.h>
#include <linux/cpuhotplug.h>
#include <linux/gfp.h>
#include <linux/highmem.h>
#include <linux/idr.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/percpu.h>
#include <linux/reboot.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <asm/cpu_entry_area.h>
#include <asm/debugreg.h>
#include <asm/desc.h>
#include <asm/fpu/api.h>
#include <asm/fpu/types.h>
#include <asm/fpu/xcr.h>
#include <asm/io.h>
#include <asm/mmu_context.h>
#include <asm/msr.h>
#include <asm/perf_event.h>
#include <asm/processor.h>
#include <asm/reboot.h>
#include <asm/segment.h>
#include <asm/special_insns.h>
#include <asm/tlbflush.h>
#include <asm/trapnr.h>
#include <asm/tsc.h>

#include "../vmctl.h"
#include "capabilities.h"
#include "entry_checks.h"
#include "vmx.h"
#include "vmx_ops.h"

/* ------------------------------------------------------------------------ */
/* Per-CPU VMX state                                                          */
/* ------------------------------------------------------------------------ */

struct vmx_cpu {
	void *vmxon_region;
	bool vmx_on;			/* this module did VMXON here */
	bool busy;			/* enable: VMX was taken by someone else */
	struct vmx_vcpu *current_vcpu;	/* whose VMCS is current (VMPTRLD) */
	struct list_head loaded;	/* vmx_vcpu.loaded_link: active VMCSs */
	bool insn_failed;		/* a VMX instruction failed: see vmx_insn_failed() */
	u32 insn_error;
};

static DEFINE_PER_CPU(struct vmx_cpu, vmx_cpu);

static bool vmx_enabled;		/* between enable() and disable() */
static bool vmx_rebooting;		/* the reboot notifier turned VMX off */
static bool vmx_emergency_registered;	/* we hold the emergency callback */
static atomic_t vmx_enabled_cpus = ATOMIC_INIT(0);
static atomic_t vmx_enable_failures = ATOMIC_INIT(0);
static int vmx_cpuhp_state = -1;
static void *vmx_msr_bitmap;		/* all ones: every MSR access exits */
static DEFINE_IDA(vmx_vpids);

/* Guest FPU images: XSAVE with the host's XCR0 (minus AMX), or FXSAVE. */
static u64 vmx_xsave_mask;
static unsigned int vmx_fpu_size;

/* CR0 and CR4 bits the guest may own (writes do not exit, reads are real). */
#define CR0_GUEST_OWNED		X86_CR0_TS
#define CR4_GUEST_OWNED		(X86_CR4_PGE | X86_CR4_OSFXSR |		\
				 X86_CR4_OSXMMEXCPT | X86_CR4_TSD |	\
				 X86_CR4_DE | X86_CR4_PCE)
/* bits a guest may set at all */
#define CR0_VALID_BITS		(X86_CR0_PE | X86_CR0_MP | X86_CR0_EM |	\
				 X86_CR0_TS | X86_CR0_ET | X86_CR0_NE |	\
				 X86_CR0_WP | X86_CR0_AM | X86_CR0_NW |	\
				 X86_CR0_CD | X86_CR0_PG)
#define CR4_VALID_BITS		(X86_CR4_VME | X86_CR4_PVI | X86_CR4_TSD | \
				 X86_CR4_DE | X86_CR4_PSE | X86_CR4_PAE | \
				 X86_CR4_MCE | X86_CR4_PGE | X86_CR4_PCE | \
				 X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT |	\
				 X86_CR4_UMIP | X86_CR4_FSGSBASE |	\
				 X86_CR4_PCIDE | X86_CR4_OSXSAVE |	\
				 X86_CR4_SMEP | X86_CR4_SMAP)
#define EFER_VALID_BITS		(EFER_SCE | EFER_LME | EFER_LMA | EFER_NX)
#define RFLAGS_RESERVED		(GENMASK_ULL(63, 22) | BIT(15) | BIT(5) | BIT(3))

/*
 * A failed or faulting VMX instruction is a bug in this module.  Warn once
 * (not WARN(): a guest must not be able to taint the host), remember it for
 * this CPU, and let the run loop end the run with
 * VMCTL_INTERNAL_VMX_INSN_FAILED.  Callers run with preemption disabled.
 */
void vmx_insn_failed(const char *insn, u64 arg, bool fault)
{
	struct vmx_cpu *c = this_cpu_ptr(&vmx_cpu);
	unsigned long err = 0;

	if (!fault)
		asm volatile("vmread %[field], %[err]" : [err] "=r" (err)
			     : [field] "r" ((unsigned long)VMCS_INSTRUCTION_ERROR)
			     : "cc");
	pr_warn_once("vmctl: %s failed (argument %#llx, %s, VM-instruction error %lu)\n",
		     insn, arg, fault ? "fault" : "VMfail", err);
	c->insn_failed = true;
	c->insn_error = err;
}

/* Returns and clears this CPU's VMX instruction failure, if any. */
static bool vmx_take_insn_failure(u32 *error)
{
	struct vmx_cpu *c = this_cpu_ptr(&vmx_cpu);

	if (likely(!c->insn_failed))
		return false;
	c->insn_failed = false;
	if (error)
		*error = c->insn_error;
	return true;
}

/* ------------------------------------------------------------------------ */
/* VMX on and off                                                             */
/* ------------------------------------------------------------------------ */

static void vmx_flush_all_contexts(void)
{
	if (vmx_caps.ept_vpid & CAP_EPT_INVEPT_ALL)
		vmx_invept(INVEPT_ALL_CONTEXT, 0);
	if (cpu_has_vmx_vpid() && (vmx_caps.ept_vpid & CAP_VPID_INVVPID_ALL))
		vmx_invvpid(INVVPID_ALL_CONTEXT, 0);
}

/* On this CPU, with interrupts disabled. */
static int vmx_cpu_on(void)
{
	struct vmx_cpu *c = this_cpu_ptr(&vmx_cpu);

	if (c->vmx_on)
		return 0;
	/*
	 * CR4.VMXE set by someone else: kvm_intel (on Linux >= 6.12 from
	 * the moment it is loaded), VirtualBox, ...  Do not touch it.
	 */
	if (__read_cr4() & X86_CR4_VMXE)
		return -EBUSY;
	if (!c->vmxon_region)
		return -ENOMEM;

	intel_pt_handle_vmx(1);
	cr4_set_bits(X86_CR4_VMXE);
	if (vmx_vmxon(virt_to_phys(c->vmxon_region))) {
		cr4_clear_bits(X86_CR4_VMXE);
		intel_pt_handle_vmx(0);
		return -EBUSY;
	}
	c->vmx_on = true;
	atomic_inc(&vmx_enabled_cpus);
	/* Nothing cached by an earlier user of VMX may survive. */
	vmx_flush_all_contexts();
	return 0;
}

static void vmx_clear_loaded_vmcss(struct vmx_cpu *c)
{
	struct vmx_vcpu *v, *tmp;

	list_for_each_entry_safe(v, tmp, &c->loaded, loaded_link) {
		vmx_vmclear(v->vmcs_pa);
		list_del_init(&v->loaded_link);
		WRITE_ONCE(v->cpu, -1);
		v->launched = false;
	}
	c->current_vcpu = NULL;
}

/* On this CPU, with interrupts disabled. */
static void vmx_cpu_off(void)
{
	struct vmx_cpu *c = this_cpu_ptr(&vmx_cpu);

	if (!c->vmx_on)
		return;
	vmx_clear_loaded_vmcss(c);
	vmx_vmxoff();
	cr4_clear_bits(X86_CR4_VMXE);
	intel_pt_handle_vmx(0);
	c->vmx_on = false;
	atomic_dec(&vmx_enabled_cpus);
}

static void vmx_cpu_on_ipi(void *unused)
{
	int err = vmx_cpu_on();

	if (err) {
		this_cpu_ptr(&vmx_cpu)->busy = err == -EBUSY;
		atomic_inc(&vmx_enable_failures);
	}
}

static void vmx_cpu_off_ipi(void *unused)
{
	vmx_cpu_off();
}

/*
 * Reboot, kexec and crash dumps call this on every CPU, possibly in NMI
 * context: VMX blocks INIT, so leave VMX operation, flushing the VMCSs.
 */
static void vmx_emergency_disable(void)
{
	struct vmx_cpu *c = this_cpu_ptr(&vmx_cpu);
	struct vmx_vcpu *v;

	if (!c->vmx_on)
		return;
	list_for_each_entry(v, &c->loaded, loaded_link)
		vmx_vmclear(v->vmcs_pa);
	vmx_vmxoff();
	cr4_clear_bits(X86_CR4_VMXE);
	c->vmx_on = false;
}

/* kvm.ko is loaded (on Intel: kvm_intel, which holds the callback slot). */
static bool vmx_kvm_loaded(void)
{
	if (!__symbol_get("kvm_rebooting"))
		return false;
	__symbol_put("kvm_rebooting");
	return true;
}

static void vmx_free_vmxon_regions(void)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		struct vmx_cpu *c = per_cpu_ptr(&vmx_cpu, cpu);

		if (c->vmxon_region) {
			free_page((unsigned long)c->vmxon_region);
			vmctl_account_kernel_pages(-1);
			c->vmxon_region = NULL;
		}
	}
}

static int vmx_alloc_vmxon_regions(void)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		struct vmx_cpu *c = per_cpu_ptr(&vmx_cpu, cpu);
		void *p = (void *)get_zeroed_page(GFP_KERNEL);

		if (!p) {
			vmx_free_vmxon_regions();
			return -ENOMEM;
		}
		vmctl_account_kernel_pages(1);
		*(u32 *)p = vmx_caps.revision;
		c->vmxon_region = p;
	}
	return 0;
}

static int vmx_enable(void)
{
	int err, cpu;

	if (vmx_rebooting)
		return -EBUSY;
	err = vmx_alloc_vmxon_regions();
	if (err)
		return err;

	cpus_read_lock();
	atomic_set(&vmx_enable_failures, 0);
	for_each_online_cpu(cpu)
		per_cpu_ptr(&vmx_cpu, cpu)->busy = false;
	on_each_cpu(vmx_cpu_on_ipi, NULL, 1);
	if (atomic_read(&vmx_enable_failures)) {
		int busy_cpu = -1;

		for_each_online_cpu(cpu)
			if (per_cpu_ptr(&vmx_cpu, cpu)->busy)
				busy_cpu = cpu;
		on_each_cpu(vmx_cpu_off_ipi, NULL, 1);
		cpus_read_unlock();
		vmx_free_vmxon_regions();
		if (busy_cpu >= 0)
			pr_err("vmctl: VT-x is in use by another hypervisor on CPU %d (kvm_intel?): unload it (rmmod kvm_intel), or on Linux >= 6.12 boot with kvm.enable_virt_at_load=0\n",
			       busy_cpu);
		return busy_cpu >= 0 ? -EBUSY : -ENOMEM;
	}
	vmx_enabled = true;
	cpus_read_unlock();
	/*
	 * The kernel has one emergency callback slot and WARNs when a second
	 * one is registered.  Take it only while VMX is on, so that kvm_intel
	 * can be loaded in between; kvm_intel takes it when it loads and
	 * keeps it, and its callback turns VMX off on every CPU, ours too.
	 */
	vmx_emergency_registered = !vmx_kvm_loaded();
	if (vmx_emergency_registered)
		cpu_emergency_register_virt_callback(vmx_emergency_disable);
	return 0;
}

static void vmx_disable(void)
{
	if (vmx_emergency_registered)
		cpu_emergency_unregister_virt_callback(vmx_emergency_disable);
	vmx_emergency_registered = false;
	cpus_read_lock();
	on_each_cpu(vmx_cpu_off_ipi, NULL, 1);
	vmx_enabled = false;
	cpus_read_unlock();
	vmx_free_vmxon_regions();
}

static unsigned int vmx_enabled_cpus_count(void)
{
	return atomic_read(&vmx_enabled_cpus);
}

/* CPU hotplug: a CPU coming online while VMs exist needs VMX too. */
static int vmx_cpu_online(unsigned int cpu)
{
	int err = 0;

	if (!vmx_enabled)
		return 0;
	local_irq_disable();
	err = vmx_cpu_on();
	local_irq_enable();
	if (err)
		pr_err("vmctl: cannot enable VT-x on CPU %u (%d)\n", cpu, err);
	return err;
}

static int vmx_cpu_offline(unsigned int cpu)
{
	local_irq_disable();
	vmx_cpu_off();
	local_irq_enable();
	return 0;
}

static int vmx_reboot_notify(struct notifier_block *nb, unsigned long code,
			     void *unused)
{
	/* INIT is blocked in VMX operation: a reboot would hang. */
	vmx_rebooting = true;
	if (vmx_enabled)
		on_each_cpu(vmx_cpu_off_ipi, NULL, 1);
	return NOTIFY_OK;
}

static struct notifier_block vmx_reboot_nb = {
	.notifier_call = vmx_reboot_notify,
};

/* ------------------------------------------------------------------------ */
/* Probe and capabilities                                                     */
/* ------------------------------------------------------------------------ */

static void vmx_setup_fpu_format(void)
{
	if (boot_cpu_has(X86_FEATURE_XSAVE)) {
		unsigned int eax, ebx, ecx, edx;

		/* The guest runs with the host's XCR0: it cannot XSETBV. */
		vmx_xsave_mask = xgetbv(XCR_XFEATURE_ENABLED_MASK) &
				 ~(u64)XFEATURE_MASK_XTILE;
		cpuid_count(0xd, 0, &eax, &ebx, &ecx, &edx);
		vmx_fpu_size = max_t(unsigned int, ebx, 576);
	} else {
		vmx_xsave_mask = 0;
		vmx_fpu_size = 512;
	}
}

static int vmx_probe(void)
{
	int err, cpu;

	err = vmx_probe_capabilities();
	if (err)
		return err;
	vmx_setup_fpu_format();
	for_each_possible_cpu(cpu)
		INIT_LIST_HEAD(&per_cpu_ptr(&vmx_cpu, cpu)->loaded);

	vmx_msr_bitmap = (void *)__get_free_page(GFP_KERNEL);
	if (!vmx_msr_bitmap) {
		pr_info("vmctl: cannot load: out of memory\n");
		return -ENOMEM;
	}
	memset(vmx_msr_bitmap, 0xff, PAGE_SIZE);

	err = cpuhp_setup_state_nocalls(CPUHP_AP_ONLINE_DYN, "vmctl/vmx:online",
					vmx_cpu_online, vmx_cpu_offline);
	if (err < 0) {
		pr_info("vmctl: cannot load: CPU hotplug state unavailable (%d)\n",
			err);
		goto out_bitmap;
	}
	vmx_cpuhp_state = err;
	register_reboot_notifier(&vmx_reboot_nb);
	return 0;

out_bitmap:
	free_page((unsigned long)vmx_msr_bitmap);
	vmx_msr_bitmap = NULL;
	return err;
}

static void vmx_exit(void)
{
	unregister_reboot_notifier(&vmx_reboot_nb);
	if (vmx_cpuhp_state >= 0)
		cpuhp_remove_state_nocalls(vmx_cpuhp_state);
	free_page((unsigned long)vmx_msr_bitmap);
	vmx_msr_bitmap = NULL;
}

static void vmx_fill_caps(struct vmctl_caps *caps)
{
	u64 f = VMCTL_CAP_UNRESTRICTED_GUEST | VMCTL_CAP_EPT |
		VMCTL_CAP_LONG_MODE_GUEST | VMCTL_CAP_READONLY_SLOTS;

	if (cpu_has_vmx_vpid())
		f |= VMCTL_CAP_VPID;
	if (cpu_has_vmx_ept_2m_pages())
		f |= VMCTL_CAP_EPT_2M_PAGES;
	if (cpu_has_vmx_ept_1g_pages())
		f |= VMCTL_CAP_EPT_1G_PAGES;
	if (cpu_has_vmx_ept_ad_bits())
		f |= VMCTL_CAP_EPT_AD_BITS;
	if (cpu_has_vmx_preemption_timer())
		f |= VMCTL_CAP_PREEMPTION_TIMER;
	caps->backend = VMCTL_BACKEND_VMX;
	caps->features = f;
	caps->guest_phys_bits = min_t(u32, boot_cpu_data.x86_phys_bits,
				      EPT_MAX_GPA_BITS);
	caps->vmcs_revision = vmx_caps.revision;
	caps->backend_raw[0] = vmx_caps.basic;
	caps->backend_raw[1] = vmx_caps.pin_allowed1;
	caps->backend_raw[2] = vmx_caps.proc_allowed1;
	caps->backend_raw[3] = vmx_caps.proc2_allowed1;
	caps->backend_raw[4] = vmx_caps.exit_allowed1;
	caps->backend_raw[5] = vmx_caps.entry_allowed1;
	caps->backend_raw[6] = vmx_caps.ept_vpid;
	caps->backend_raw[7] = vmx_caps.misc;
	strscpy(caps->backend_name, "vmx", sizeof(caps->backend_name));
}

/* ------------------------------------------------------------------------ */
/* VMs and EPT                                                                */
/* ------------------------------------------------------------------------ */

static void vmx_invept_ipi(void *data)
{
	u64 eptp = *(u64 *)data;

	if (!this_cpu_ptr(&vmx_cpu)->vmx_on)
		return;
	if (cpu_has_vmx_invept_single())
		vmx_invept(INVEPT_SINGLE_CONTEXT, eptp);
	else
		vmx_invept(INVEPT_ALL_CONTEXT, 0);
	vmx_take_insn_failure(NULL);
}

/*
 * Drop every cached translation of this EPT on every CPU.  The IPI also
 * forces a vCPU that is in guest mode out of it (external-interrupt
 * exiting), so when this returns no CPU can reach an unmapped page.
 */
static void vmx_ept_flush_all_cpus(struct vmx_vm *xv)
{
	on_each_cpu(vmx_invept_ipi, &xv->ept.eptp, 1);
}

static int vmx_vm_init(struct vmctl_vm *vm)
{
	struct vmx_vm *xv;
	int err;

	xv = kzalloc(sizeof(*xv), GFP_KERNEL_ACCOUNT);
	if (!xv)
		return -ENOMEM;
	vmctl_account_kernel_bytes(sizeof(*xv));
	err = vmx_ept_init(&xv->ept);
	if (err) {
		vmctl_account_kernel_bytes(-(long)sizeof(*xv));
		kfree(xv);
		return err;
	}
	vm->arch = xv;
	return 0;
}

static void vmx_vm_destroy(struct vmctl_vm *vm)
{
	struct vmx_vm *xv = vm->arch;

	if (!xv)
		return;
	/* A later VM may get the same root page: no stale entries for it. */
	vmx_ept_flush_all_cpus(xv);
	vmx_ept_destroy(&xv->ept);
	vmctl_account_kernel_bytes(-(long)sizeof(*xv));
	kfree(xv);
	vm->arch = NULL;
}

static int vmx_map_pages(struct vmctl_vm *vm, u64 gpa, struct page **pages,
			 unsigned long npages, bool writable)
{
	struct vmx_vm *xv = vm->arch;
	int err;

	err = vmx_ept_map(&xv->ept, gpa, pages, npages, writable);
	if (err)
		vmx_ept_flush_all_cpus(xv);
	return err;
}

static void vmx_unmap_pages(struct vmctl_vm *vm, u64 gpa, unsigned long npages)
{
	struct vmx_vm *xv = vm->arch;

	vmx_ept_unmap(&xv->ept, gpa, npages);
	vmx_ept_flush_all_cpus(xv);
}

/* Copies len bytes at gpa (within one page) out of the VM's slots. */
static int vmx_read_guest_phys(struct vmctl_vm *vm, u64 gpa, void *buf,
			       size_t len)
{
	int i, err = -EFAULT;

	mutex_lock(&vm->lock);
	for (i = 0; i < VMCTL_MAX_SLOTS; i++) {
		struct vmctl_slot *s = vm->slots[i];
		unsigned long idx;

		if (!s || gpa < s->guest_phys_addr ||
		    gpa - s->guest_phys_addr >= s->size)
			continue;
		idx = (gpa - s->guest_phys_addr) >> PAGE_SHIFT;
		memcpy_from_page(buf, s->pages[idx], offset_in_page(gpa), len);
		err = 0;
		break;
	}
	mutex_unlock(&vm->lock);
	return err;
}

/* ------------------------------------------------------------------------ */
/* Loading a VMCS on this CPU                                                 */
/* ------------------------------------------------------------------------ */

/* IPI on the CPU where the VMCS is active. */
static void vmx_vmclear_ipi(void *data)
{
	struct vmx_vcpu *v = data;
	struct vmx_cpu *c = this_cpu_ptr(&vmx_cpu);

	if (READ_ONCE(v->cpu) != smp_processor_id())
		return;		/* cleared meanwhile (CPU going offline) */
	vmx_vmclear(v->vmcs_pa);
	vmx_take_insn_failure(NULL);
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
 * Make v's VMCS current on this CPU.  Preemption is disabled and interrupts
 * are enabled.  A VMCS may be active on one CPU only: if the thread moved,
 * VMCLEAR it over there first (which also writes its cached state back to
 * memory), then VMPTRLD here and refresh the per-CPU host fields.
 */
static void vmx_vcpu_load(struct vmx_vcpu *v)
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
static void vmx_vcpu_get(struct vmx_vcpu *v)
{
	preempt_disable();
	vmx_vcpu_load(v);
}

static int vmx_vcpu_put(void)
{
	int err = vmx_take_insn_failure(NULL) ? -EIO : 0;

	preempt_enable();
	return err;
}

/* ------------------------------------------------------------------------ */
/* Guest register state                                                       */
/* ------------------------------------------------------------------------ */

static const struct vmx_seg_field {
	u32 selector, base, limit, ar;
} vmx_seg_fields[VMX_NR_SEGS] = {
#define SEG(s) { VMCS_GUEST_##s##_SELECTOR, VMCS_GUEST_##s##_BASE, \
		 VMCS_GUEST_##s##_LIMIT, VMCS_GUEST_##s##_AR }
	[VMX_SEG_ES] = SEG(ES),
	[VMX_SEG_CS] = SEG(CS),
	[VMX_SEG_SS] = SEG(SS),
	[VMX_SEG_DS] = SEG(DS),
	[VMX_SEG_FS] = SEG(FS),
	[VMX_SEG_GS] = SEG(GS),
	[VMX_SEG_LDTR] = SEG(LDTR),
	[VMX_SEG_TR] = SEG(TR),
#undef SEG
};

/* The one place where uapi segments and VMCS access rights meet. */
static u32 vmx_segment_to_ar(const struct vmctl_segment *s)
{
	u32 ar = (s->type & SEG_AR_TYPE_MASK) |
		 (s->s ? SEG_AR_S : 0) |
		 ((s->dpl & 3) << SEG_AR_DPL_SHIFT) |
		 (s->present ? SEG_AR_P : 0) |
		 (s->avl ? SEG_AR_AVL : 0) |
		 (s->l ? SEG_AR_L : 0) |
		 (s->db ? SEG_AR_DB : 0) |
		 (s->g ? SEG_AR_G : 0);

	return s->unusable ? ar | SEG_AR_UNUSABLE : ar;
}

static void vmx_ar_to_segment(u32 ar, struct vmctl_segment *s)
{
	s->type = ar & SEG_AR_TYPE_MASK;
	s->s = !!(ar & SEG_AR_S);
	s->dpl = (ar & SEG_AR_DPL_MASK) >> SEG_AR_DPL_SHIFT;
	s->present = !!(ar & SEG_AR_P);
	s->avl = !!(ar & SEG_AR_AVL);
	s->l = !!(ar & SEG_AR_L);
	s->db = !!(ar & SEG_AR_DB);
	s->g = !!(ar & SEG_AR_G);
	s->unusable = !!(ar & SEG_AR_UNUSABLE);
	s->pad = 0;
}

static void vmx_write_segment(enum vmx_seg seg, const struct vmctl_segment *s)
{
	const struct vmx_seg_field *f = &vmx_seg_fields[seg];

	__vmcs_write(f->selector, s->selector);
	__vmcs_write(f->base, s->base);
	__vmcs_write(f->limit, s->limit);
	__vmcs_write(f->ar, vmx_segment_to_ar(s));
}

static void vmx_read_segment(enum vmx_seg seg, struct vmctl_segment *s)
{
	const struct vmx_seg_field *f = &vmx_seg_fields[seg];

	memset(s, 0, sizeof(*s));
	s->selector = __vmcs_read(f->selector);
	s->base = __vmcs_read(f->base);
	s->limit = __vmcs_read(f->limit);
	vmx_ar_to_segment(__vmcs_read(f->ar), s);
}

static void vmx_set_entry_controls(struct vmx_vcpu *v, u32 ctls)
{
	if (v->entry_ctls != ctls) {
		vmcs_write32(VMCS_ENTRY_CONTROLS, ctls);
		v->entry_ctls = ctls;
	}
}

/* What the guest reads: its own bits from the shadow, owned bits live. */
static u64 vmx_get_cr0(void)
{
	return (vmcs_readl(VMCS_GUEST_CR0) & CR0_GUEST_OWNED) |
	       (vmcs_readl(VMCS_CR0_READ_SHADOW) & ~CR0_GUEST_OWNED);
}

static u64 vmx_get_cr4(void)
{
	return (vmcs_readl(VMCS_GUEST_CR4) & CR4_GUEST_OWNED) |
	       (vmcs_readl(VMCS_CR4_READ_SHADOW) & ~CR4_GUEST_OWNED);
}

static u64 vmx_guest_cr4_valid_bits(void)
{
	return CR4_VALID_BITS & vmx_caps.cr4_fixed1;
}

/* Validation shared by SET_SREGS and guest MOV to CR0/CR4. */
static int vmx_check_cr0(u64 cr0, u64 cr4, u64 efer)
{
	if (cr0 & ~(u64)CR0_VALID_BITS)
		return -EINVAL;
	if ((cr0 & X86_CR0_PG) && !(cr0 & X86_CR0_PE))
		return -EINVAL;
	if ((cr0 & X86_CR0_NW) && !(cr0 & X86_CR0_CD))
		return -EINVAL;
	if ((cr0 & X86_CR0_PG) && (efer & EFER_LME) && !(cr4 & X86_CR4_PAE))
		return -EINVAL;
	return 0;
}

static int vmx_check_cr4(u64 cr4, u64 efer)
{
	if (cr4 & ~vmx_guest_cr4_valid_bits())
		return -EINVAL;
	if ((efer & EFER_LMA) && !(cr4 & X86_CR4_PAE))
		return -EINVAL;
	if ((cr4 & X86_CR4_PCIDE) && !(efer & EFER_LMA))
		return -EINVAL;
	return 0;
}

static bool vmx_pae_paging(u64 cr0, u64 cr4, u64 efer)
{
	return (cr0 & X86_CR0_PG) && (cr4 & X86_CR4_PAE) && !(efer & EFER_LMA);
}

/*
 * The real CR0 keeps the bits VMX operation needs (CR0.NE, and whatever
 * IA32_VMX_CR0_FIXED0 demands besides PE/PG, which unrestricted guest
 * frees) and never lets the guest disable caching: with EPT and "ignore
 * PAT" the memory type is the host's choice.
 */
static u64 vmx_hw_cr0(u64 cr0)
{
	u64 fixed0 = vmx_caps.cr0_fixed0 & ~(u64)(X86_CR0_PE | X86_CR0_PG);

	return (cr0 | fixed0 | X86_CR0_NE) & ~(u64)(X86_CR0_CD | X86_CR0_NW);
}

/* Apply EFER (LMA derived from LME and CR0.PG) and the IA-32e control. */
static void vmx_apply_efer(struct vmx_vcpu *v, u64 efer, u64 cr0)
{
	u32 entry = v->entry_ctls & ~ENTRY_IA32E_MODE_GUEST;

	if ((efer & EFER_LME) && (cr0 & X86_CR0_PG))
		efer |= EFER_LMA;
	else
		efer &= ~(u64)EFER_LMA;
	if (efer & EFER_LMA)
		entry |= ENTRY_IA32E_MODE_GUEST;
	vmcs_write64(VMCS_GUEST_IA32_EFER, efer);
	vmx_set_entry_controls(v, entry);
}

static void vmx_write_cr0(u64 cr0)
{
	vmcs_writel(VMCS_CR0_READ_SHADOW, cr0);
	vmcs_writel(VMCS_GUEST_CR0, vmx_hw_cr0(cr0));
}

static void vmx_write_cr4(u64 cr4)
{
	vmcs_writel(VMCS_CR4_READ_SHADOW, cr4);
	vmcs_writel(VMCS_GUEST_CR4, cr4 | vmx_caps.cr4_fixed0);
}

static void vmx_write_pdptes(const u64 *pdpte)
{
	vmcs_write64(VMCS_GUEST_PDPTE0, pdpte[0]);
	vmcs_write64(VMCS_GUEST_PDPTE1, pdpte[1]);
	vmcs_write64(VMCS_GUEST_PDPTE2, pdpte[2]);
	vmcs_write64(VMCS_GUEST_PDPTE3, pdpte[3]);
}

/* ------------------------------------------------------------------------ */
/* vCPU creation: the VMCS                                                    */
/* ------------------------------------------------------------------------ */

static void vmx_setup_host_state(void)
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

static void vmx_setup_controls(struct vmx_vcpu *v)
{
	vmcs_write32(VMCS_PIN_CONTROLS, vmx_caps.pin);
	vmcs_write32(VMCS_PROC_CONTROLS, vmx_caps.proc |
		     PROC_CR8_LOAD_EXITING | PROC_CR8_STORE_EXITING);
	vmcs_write32(VMCS_PROC2_CONTROLS, vmx_caps.proc2);
	vmcs_write32(VMCS_EXIT_CONTROLS, vmx_caps.exit);
	vmcs_write32(VMCS_ENTRY_CONTROLS, vmx_caps.entry);
	v->entry_ctls = vmx_caps.entry;
	vmcs_write32(VMCS_EXCEPTION_BITMAP, 0);
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

/* The x86 reset state (SDM "Processor State After Reset"). */
static void vmx_reset_guest_state(struct vmx_vcpu *v)
{
	static const struct vmctl_segment code = {
		.selector = 0xf000, .base = 0xffff0000, .limit = 0xffff,
		.type = 0xb, .s = 1, .present = 1,
	};
	static const struct vmctl_segment data = {
		.limit = 0xffff, .type = 0x3, .s = 1, .present = 1,
	};
	static const struct vmctl_segment ldt = {
		.limit = 0xffff, .type = 0x2, .present = 1,
	};
	/* VM entry wants a busy TSS in TR even in real mode. */
	static const struct vmctl_segment tss = {
		.limit = 0xffff, .type = 0xb, .present = 1,
	};
	static const u64 no_pdptes[4];
	int seg;

	for (seg = VMX_SEG_ES; seg <= VMX_SEG_GS; seg++)
		vmx_write_segment(seg, seg == VMX_SEG_CS ? &code : &data);
	vmx_write_segment(VMX_SEG_LDTR, &ldt);
	vmx_write_segment(VMX_SEG_TR, &tss);
	vmcs_writel(VMCS_GUEST_GDTR_BASE, 0);
	vmcs_write32(VMCS_GUEST_GDTR_LIMIT, 0xffff);
	vmcs_writel(VMCS_GUEST_IDTR_BASE, 0);
	vmcs_write32(VMCS_GUEST_IDTR_LIMIT, 0xffff);

	vmx_write_cr0(X86_CR0_CD | X86_CR0_NW | X86_CR0_ET);
	vmcs_writel(VMCS_GUEST_CR3, 0);
	vmx_write_cr4(0);
	vmx_apply_efer(v, 0, 0);
	vmx_write_pdptes(no_pdptes);
	vmcs_writel(VMCS_GUEST_DR7, 0x400);	/* reset value */
	vmcs_writel(VMCS_GUEST_RSP, 0);
	vmcs_writel(VMCS_GUEST_RIP, 0xfff0);
	vmcs_writel(VMCS_GUEST_RFLAGS, X86_EFLAGS_FIXED);
	vmcs_writel(VMCS_GUEST_PENDING_DBG, 0);
	vmcs_write32(VMCS_GUEST_INTERRUPTIBILITY, 0);
	vmcs_write32(VMCS_GUEST_ACTIVITY_STATE, ACTIVITY_ACTIVE);
	vmcs_write32(VMCS_GUEST_SYSENTER_CS, 0);
	vmcs_writel(VMCS_GUEST_SYSENTER_ESP, 0);
	vmcs_writel(VMCS_GUEST_SYSENTER_EIP, 0);
	vmcs_write64(VMCS_GUEST_IA32_DEBUGCTL, 0);
	vmcs_write64(VMCS_LINK_POINTER, ~0ULL);

	memset(v->gpr, 0, sizeof(v->gpr));
	v->gpr[GPR_RDX] = cpuid_eax(1);	/* family, model, stepping */
	v->cr2 = 0;
	v->cr8 = 0;
	v->kernel_gs_base = 0;
}

static void vmx_init_fpu(struct vmx_vcpu *v)
{
	struct fxregs_state *fx = v->fpu;

	/* x87 and SSE as after FNINIT; XSTATE_BV 0: the rest in init state */
	fx->cwd = 0x37f;
	fx->mxcsr = MXCSR_DEFAULT;
}

static void vmx_free_vcpu_memory(struct vmx_vcpu *v)
{
	if (v->fpu) {
		free_pages((unsigned long)v->fpu, v->fpu_order);
		vmctl_account_kernel_pages(-(1L << v->fpu_order));
	}
	if (v->vmcs) {
		free_page((unsigned long)v->vmcs);
		vmctl_account_kernel_pages(-1);
	}
	if (v->vpid)
		ida_free(&vmx_vpids, v->vpid);
	vmctl_account_kernel_bytes(-(long)sizeof(*v));
	kfree(v);
}

static int vmx_vcpu_create(struct vmctl_vcpu *vcpu)
{
	struct vmx_vcpu *v;
	int err;

	v = kzalloc(sizeof(*v), GFP_KERNEL_ACCOUNT);
	if (!v)
		return -ENOMEM;
	vmctl_account_kernel_bytes(sizeof(*v));
	v->vcpu = vcpu;
	v->vm = vcpu->vm->arch;
	v->cpu = -1;
	INIT_LIST_HEAD(&v->loaded_link);

	err = -ENOMEM;
	v->vmcs = (void *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
	if (!v->vmcs)
		goto out_free;
	vmctl_account_kernel_pages(1);
	*(u32 *)v->vmcs = vmx_caps.revision;
	v->vmcs_pa = virt_to_phys(v->vmcs);

	v->fpu_order = get_order(vmx_fpu_size);
	v->fpu = (void *)__get_free_pages(GFP_KERNEL_ACCOUNT | __GFP_ZERO,
					  v->fpu_order);
	if (!v->fpu)
		goto out_free;
	vmctl_account_kernel_pages(1L << v->fpu_order);
	vmx_init_fpu(v);

	if (cpu_has_vmx_vpid()) {
		err = ida_alloc_range(&vmx_vpids, 1, 0xffff, GFP_KERNEL);
		if (err < 0)
			err = 0;	/* out of VPIDs: run without one */
		v->vpid = err;
	}

	preempt_disable();
	/* VMCLEAR initializes the region and sets its launch state. */
	vmx_vmclear(v->vmcs_pa);
	vmx_vcpu_load(v);
	vmx_setup_controls(v);
	vmx_setup_host_state();
	vmx_reset_guest_state(v);
	err = vmx_vcpu_put();
	if (err)
		goto out_clear;
	vcpu->arch = v;
	return 0;

out_clear:
	if (v->cpu >= 0)
		smp_call_function_single(v->cpu, vmx_vmclear_ipi, v, 1);
out_free:
	vmx_free_vcpu_memory(v);
	return err;
}

static void vmx_vcpu_destroy(struct vmctl_vcpu *vcpu)
{
	struct vmx_vcpu *v = vcpu->arch;
	int cpu;

	if (!v)
		return;
	cpu = READ_ONCE(v->cpu);
	if (cpu >= 0)
		smp_call_function_single(cpu, vmx_vmclear_ipi, v, 1);
	vmx_free_vcpu_memory(v);
	vcpu->arch = NULL;
}

/* ------------------------------------------------------------------------ */
/* Register ioctls                                                            */
/* ------------------------------------------------------------------------ */

static int vmx_get_regs(struct vmctl_vcpu *vcpu, struct vmctl_regs *regs)
{
	struct vmx_vcpu *v = vcpu->arch;

	regs->rax = v->gpr[GPR_RAX];
	regs->rbx = v->gpr[GPR_RBX];
	regs->rcx = v->gpr[GPR_RCX];
	regs->rdx = v->gpr[GPR_RDX];
	regs->rsi = v->gpr[GPR_RSI];
	regs->rdi = v->gpr[GPR_RDI];
	regs->rbp = v->gpr[GPR_RBP];
	regs->r8 = v->gpr[GPR_R8];
	regs->r9 = v->gpr[GPR_R9];
	regs->r10 = v->gpr[GPR_R10];
	regs->r11 = v->gpr[GPR_R11];
	regs->r12 = v->gpr[GPR_R12];
	regs->r13 = v->gpr[GPR_R13];
	regs->r14 = v->gpr[GPR_R14];
	regs->r15 = v->gpr[GPR_R15];
	vmx_vcpu_get(v);
	regs->rsp = vmcs_readl(VMCS_GUEST_RSP);
	regs->rip = vmcs_readl(VMCS_GUEST_RIP);
	regs->rflags = vmcs_readl(VMCS_GUEST_RFLAGS);
	return vmx_vcpu_put();
}

static int vmx_set_regs(struct vmctl_vcpu *vcpu, const struct vmctl_regs *regs)
{
	struct vmx_vcpu *v = vcpu->arch;

	if ((regs->rflags & RFLAGS_RESERVED) ||
	    !(regs->rflags & X86_EFLAGS_FIXED))
		return -EINVAL;
	v->gpr[GPR_RAX] = regs->rax;
	v->gpr[GPR_RBX] = regs->rbx;
	v->gpr[GPR_RCX] = regs->rcx;
	v->gpr[GPR_RDX] = regs->rdx;
	v->gpr[GPR_RSI] = regs->rsi;
	v->gpr[GPR_RDI] = regs->rdi;
	v->gpr[GPR_RBP] = regs->rbp;
	v->gpr[GPR_R8] = regs->r8;
	v->gpr[GPR_R9] = regs->r9;
	v->gpr[GPR_R10] = regs->r10;
	v->gpr[GPR_R11] = regs->r11;
	v->gpr[GPR_R12] = regs->r12;
	v->gpr[GPR_R13] = regs->r13;
	v->gpr[GPR_R14] = regs->r14;
	v->gpr[GPR_R15] = regs->r15;
	vmx_vcpu_get(v);
	vmcs_writel(VMCS_GUEST_RSP, regs->rsp);
	vmcs_writel(VMCS_GUEST_RIP, regs->rip);
	vmcs_writel(VMCS_GUEST_RFLAGS, regs->rflags);
	/* The state written is the state resumed: drop a pending IN. */
	v->io_in_pending = false;
	v->check_guest_state = true;
	return vmx_vcpu_put();
}

/* Where each VMCS segment lives in struct vmctl_sregs. */
static const struct {
	enum vmx_seg seg;
	size_t offset;
} sregs_segs[] = {
	{ VMX_SEG_CS, offsetof(struct vmctl_sregs, cs) },
	{ VMX_SEG_DS, offsetof(struct vmctl_sregs, ds) },
	{ VMX_SEG_ES, offsetof(struct vmctl_sregs, es) },
	{ VMX_SEG_FS, offsetof(struct vmctl_sregs, fs) },
	{ VMX_SEG_GS, offsetof(struct vmctl_sregs, gs) },
	{ VMX_SEG_SS, offsetof(struct vmctl_sregs, ss) },
	{ VMX_SEG_TR, offsetof(struct vmctl_sregs, tr) },
	{ VMX_SEG_LDTR, offsetof(struct vmctl_sregs, ldt) },
};

static struct vmctl_segment *sregs_seg(struct vmctl_sregs *s, int i)
{
	return (struct vmctl_segment *)((char *)s + sregs_segs[i].offset);
}

static int vmx_get_sregs(struct vmctl_vcpu *vcpu, struct vmctl_sregs *sregs)
{
	struct vmx_vcpu *v = vcpu->arch;
	int i;

	memset(sregs, 0, sizeof(*sregs));
	vmx_vcpu_get(v);
	for (i = 0; i < ARRAY_SIZE(sregs_segs); i++)
		vmx_read_segment(sregs_segs[i].seg, sregs_seg(sregs, i));
	sregs->gdt.base = vmcs_readl(VMCS_GUEST_GDTR_BASE);
	sregs->gdt.limit = vmcs_read32(VMCS_GUEST_GDTR_LIMIT);
	sregs->idt.base = vmcs_readl(VMCS_GUEST_IDTR_BASE);
	sregs->idt.limit = vmcs_read32(VMCS_GUEST_IDTR_LIMIT);
	sregs->cr0 = vmx_get_cr0();
	sregs->cr3 = vmcs_readl(VMCS_GUEST_CR3);
	sregs->cr4 = vmx_get_cr4();
	sregs->efer = vmcs_read64(VMCS_GUEST_IA32_EFER);
	sregs->cr2 = v->cr2;
	sregs->cr8 = v->cr8;
	return vmx_vcpu_put();
}

static int vmx_set_sregs(struct vmctl_vcpu *vcpu,
			 const struct vmctl_sregs *sregs)
{
	struct vmx_vcpu *v = vcpu->arch;
	struct vmctl_sregs s = *sregs;
	u64 efer = s.efer, pdpte[4] = { 0 };
	int i;

	for (i = 0; i < ARRAY_SIZE(s.reserved); i++)
		if (s.reserved[i])
			return -EINVAL;
	if ((efer & ~(u64)EFER_VALID_BITS) || (s.cr8 & ~0xfULL) ||
	    (s.cr3 >> boot_cpu_data.x86_phys_bits) || (s.cr4 & X86_CR4_VMXE))
		return -EINVAL;
	/* LMA is the CPU's to compute: active when LME and CR0.PG are. */
	if ((efer & EFER_LME) && (s.cr0 & X86_CR0_PG))
		efer |= EFER_LMA;
	else
		efer &= ~(u64)EFER_LMA;
	if (vmx_check_cr0(s.cr0, s.cr4, efer) || vmx_check_cr4(s.cr4, efer))
		return -EINVAL;
	/*
	 * PAE paging outside long mode takes its PDPTEs from the VMCS at
	 * entry.  No memory there: not present, as for a guest reading
	 * nothing.
	 */
	if (vmx_pae_paging(s.cr0, s.cr4, efer) &&
	    vmx_read_guest_phys(vcpu->vm, s.cr3 & ~0x1fULL, pdpte, sizeof(pdpte)))
		memset(pdpte, 0, sizeof(pdpte));

	vmx_vcpu_get(v);
	for (i = 0; i < ARRAY_SIZE(sregs_segs); i++)
		vmx_write_segment(sregs_segs[i].seg, sregs_seg(&s, i));
	vmcs_writel(VMCS_GUEST_GDTR_BASE, s.gdt.base);
	vmcs_write32(VMCS_GUEST_GDTR_LIMIT, s.gdt.limit);
	vmcs_writel(VMCS_GUEST_IDTR_BASE, s.idt.base);
	vmcs_write32(VMCS_GUEST_IDTR_LIMIT, s.idt.limit);
	vmx_write_cr0(s.cr0);
	vmcs_writel(VMCS_GUEST_CR3, s.cr3);
	vmx_write_cr4(s.cr4);
	vmx_apply_efer(v, efer, s.cr0);
	vmx_write_pdptes(pdpte);
	v->cr2 = s.cr2;
	v->cr8 = s.cr8;
	v->load_pdptes = false;
	/* As SET_REGS: completing an IN would move RIP from what was set. */
	v->io_in_pending = false;
	v->check_guest_state = true;
	return vmx_vcpu_put();
}

/* ------------------------------------------------------------------------ */
/* Exit handlers                                                              */
/* ------------------------------------------------------------------------ */

enum vmx_exit_action {
	ACTION_RESUME_GUEST,	/* handled in the kernel: enter again */
	ACTION_EXIT_TO_USER,	/* run->exit_reason is filled */
	ACTION_ERROR,		/* a VMX instruction failed */
};

static struct vmctl_run *vmx_run(struct vmx_vcpu *v)
{
	return v->vcpu->run;
}

/*
 * Step over the instruction that caused the exit.  Emulating it ends any
 * STI or MOV-SS interrupt shadow, as executing it would have.
 */
static void vmx_skip_instruction(struct vmx_vcpu *v, unsigned int len)
{
	unsigned long rip = vmcs_readl(VMCS_GUEST_RIP) + len;
	u32 intr = vmcs_read32(VMCS_GUEST_INTERRUPTIBILITY);

	if (!((v->entry_ctls & ENTRY_IA32E_MODE_GUEST) &&
	      (vmcs_read32(VMCS_GUEST_CS_AR) & SEG_AR_L)))
		rip = (u32)rip;
	vmcs_writel(VMCS_GUEST_RIP, rip);
	if (intr & (INTERRUPTIBILITY_STI | INTERRUPTIBILITY_MOV_SS))
		vmcs_write32(VMCS_GUEST_INTERRUPTIBILITY,
			     intr & ~(INTERRUPTIBILITY_STI | INTERRUPTIBILITY_MOV_SS));
}

static void vmx_skip_exiting_instruction(struct vmx_vcpu *v)
{
	vmx_skip_instruction(v, vmcs_read32(VMCS_EXIT_INSTRUCTION_LEN));
}

/* Deliver #GP(0) to the guest at the next entry. */
static void vmx_inject_gp(struct vmx_vcpu *v)
{
	u32 info = X86_TRAP_GP | INTR_TYPE_HW_EXCEPTION | INTR_INFO_VALID;

	/* Real mode delivers exceptions without an error code. */
	if (vmcs_readl(VMCS_CR0_READ_SHADOW) & X86_CR0_PE) {
		info |= INTR_INFO_DELIVER_CODE;
		vmcs_write32(VMCS_ENTRY_EXCEPTION_ERROR_CODE, 0);
	}
	vmcs_write32(VMCS_ENTRY_INTR_INFO, info);
}

static enum vmx_exit_action vmx_internal_error(struct vmx_vcpu *v, u32 suberror,
					       unsigned int ndata, const u64 *data)
{
	struct vmctl_run *run = vmx_run(v);

	run->exit_reason = VMCTL_EXIT_INTERNAL_ERROR;
	run->internal.suberror = suberror;
	run->internal.ndata = ndata;
	memcpy(run->internal.data, data, ndata * sizeof(u64));
	return ACTION_EXIT_TO_USER;
}

static enum vmx_exit_action vmx_unhandled_exit(struct vmx_vcpu *v)
{
	u64 data[3] = { v->exit_reason, v->exit_qual,
			vmcs_readl(VMCS_GUEST_RIP) };

	pr_info_ratelimited("vmctl: unhandled VM exit %u (qualification %#lx, RIP %#llx, CR0 %#lx, EFER %#llx)\n",
			    v->exit_reason, v->exit_qual, data[2],
			    vmcs_readl(VMCS_CR0_READ_SHADOW),
			    vmcs_read64(VMCS_GUEST_IA32_EFER));
	return vmx_internal_error(v, VMCTL_INTERNAL_UNHANDLED_EXIT, 3, data);
}

static enum vmx_exit_action handle_exception_nmi(struct vmx_vcpu *v)
{
	/* The NMI itself went to the host's handler right after the exit. */
	if ((v->exit_intr_info & INTR_INFO_TYPE_MASK) == INTR_TYPE_NMI)
		return ACTION_RESUME_GUEST;
	return vmx_unhandled_exit(v);
}

static enum vmx_exit_action handle_external_interrupt(struct vmx_vcpu *v)
{
	/* Delivered to the host when the run loop re-enables interrupts. */
	return ACTION_RESUME_GUEST;
}

static enum vmx_exit_action handle_preemption_timer(struct vmx_vcpu *v)
{
	/* Only here to let the host run pending work: enter again. */
	return ACTION_RESUME_GUEST;
}

static enum vmx_exit_action handle_triple_fault(struct vmx_vcpu *v)
{
	v->shutdown = true;
	vmx_run(v)->exit_reason = VMCTL_EXIT_SHUTDOWN;
	return ACTION_EXIT_TO_USER;
}

static enum vmx_exit_action handle_cpuid(struct vmx_vcpu *v)
{
	u32 leaf = v->gpr[GPR_RAX], sub = v->gpr[GPR_RCX];
	u32 eax, ebx, ecx, edx;

	cpuid_count(leaf, sub, &eax, &ebx, &ecx, &edx);
	switch (leaf) {
	case 1:
		/* No nested VMX or SMX; say that a hypervisor is present. */
		ecx &= ~(BIT(5) | BIT(6) | BIT(21));	/* VMX, SMX, x2APIC */
		ecx |= BIT(31);
		ecx &= ~BIT(27);			/* OSXSAVE: guest's CR4 */
		if (vmx_get_cr4() & X86_CR4_OSXSAVE)
			ecx |= BIT(27);
		ebx = (ebx & 0x00ffffff) | (v->vcpu->id << 24);
		break;
	case 7:
		if (sub == 0)
			ecx &= ~(BIT(3) | BIT(4));	/* PKU, OSPKE */
		break;
	case 0xa:
		/* No PMU: RDPMC and the PMU MSRs exit. */
		eax = 0;
		ebx = 0;
		ecx = 0;
		edx = 0;
		break;
	case 0xd:
		if (sub == 1)
			eax &= ~BIT(3);			/* XSAVES not enabled */
		break;
	case 0x40000000:
		eax = 0x40000000;
		ebx = 0x74636d76;			/* "vmct" */
		ecx = 0x0000006c;			/* "l" */
		edx = 0;
		break;
	default:
		if (leaf > 0x40000000 && leaf < 0x40000100) {
			eax = 0;
			ebx = 0;
			ecx = 0;
			edx = 0;
		}
		break;
	}
	v->gpr[GPR_RAX] = eax;
	v->gpr[GPR_RBX] = ebx;
	v->gpr[GPR_RCX] = ecx;
	v->gpr[GPR_RDX] = edx;
	vmx_skip_exiting_instruction(v);
	return ACTION_RESUME_GUEST;
}

static enum vmx_exit_action handle_hlt(struct vmx_vcpu *v)
{
	vmx_skip_exiting_instruction(v);
	vmx_run(v)->exit_reason = VMCTL_EXIT_HLT;
	return ACTION_EXIT_TO_USER;
}

static unsigned long vmx_read_gpr(struct vmx_vcpu *v, unsigned int reg)
{
	return reg == GPR_RSP ? vmcs_readl(VMCS_GUEST_RSP) : v->gpr[reg];
}

static void vmx_write_gpr(struct vmx_vcpu *v, unsigned int reg,
			  unsigned long val)
{
	if (reg == GPR_RSP)
		vmcs_writel(VMCS_GUEST_RSP, val);
	else
		v->gpr[reg] = val;
}

/* Guest MOV to CR0 (or LMSW): validate like the CPU, then apply. */
static int vmx_guest_set_cr0(struct vmx_vcpu *v, u64 cr0)
{
	u64 efer = vmcs_read64(VMCS_GUEST_IA32_EFER);
	u64 cr4 = vmx_get_cr4();
	u64 old = vmx_get_cr0();

	if (vmx_check_cr0(cr0, cr4, efer))
		return -EINVAL;
	/* Leaving long mode needs a compatibility-mode CS (not modelled). */
	if ((efer & EFER_LMA) && !(cr0 & X86_CR0_PG))
		return -EINVAL;
	vmx_write_cr0(cr0);
	if ((cr0 ^ old) & X86_CR0_PG)
		vmx_apply_efer(v, efer, cr0);
	if (vmx_pae_paging(cr0, cr4, vmcs_read64(VMCS_GUEST_IA32_EFER)) &&
	    ((cr0 ^ old) & (X86_CR0_PG | X86_CR0_CD | X86_CR0_NW)))
		v->load_pdptes = true;
	return 0;
}

static int vmx_guest_set_cr4(struct vmx_vcpu *v, u64 cr4)
{
	u64 efer = vmcs_read64(VMCS_GUEST_IA32_EFER);
	u64 cr0 = vmx_get_cr0();
	u64 old = vmx_get_cr4();

	if (vmx_check_cr4(cr4, efer))
		return -EINVAL;
	vmx_write_cr4(cr4);
	if (vmx_pae_paging(cr0, cr4, efer) &&
	    ((cr4 ^ old) & (X86_CR4_PAE | X86_CR4_PSE | X86_CR4_PGE)))
		v->load_pdptes = true;
	return 0;
}

static enum vmx_exit_action handle_cr_access(struct vmx_vcpu *v)
{
	unsigned long q = v->exit_qual;
	unsigned int reg = CR_QUAL_GPR(q);
	int err;

	switch (CR_QUAL_TYPE(q)) {
	case CR_QUAL_TYPE_MOV_TO_CR: {
		unsigned long val = vmx_read_gpr(v, reg);

		switch (CR_QUAL_NUMBER(q)) {
		case 0:
			err = vmx_guest_set_cr0(v, val);
			break;
		case 4:
			err = vmx_guest_set_cr4(v, val);
			break;
		case 8:
			err = val & ~0xfUL ? -EINVAL : 0;
			if (!err)
				v->cr8 = val;
			break;
		default:
			return vmx_unhandled_exit(v);
		}
		break;
	}
	case CR_QUAL_TYPE_MOV_FROM_CR:
		if (CR_QUAL_NUMBER(q) != 8)
			return vmx_unhandled_exit(v);
		vmx_write_gpr(v, reg, v->cr8);
		err = 0;
		break;
	case CR_QUAL_TYPE_LMSW: {
		/* LMSW loads PE, MP, EM and TS but cannot clear PE. */
		u64 cr0 = vmx_get_cr0();

		cr0 = (cr0 & ~0xeULL) | (CR_QUAL_LMSW_DATA(q) & 0xf);
		err = vmx_guest_set_cr0(v, cr0);
		break;
	}
	default:
		return vmx_unhandled_exit(v);
	}
	if (err)
		vmx_inject_gp(v);
	else
		vmx_skip_exiting_instruction(v);
	return ACTION_RESUME_GUEST;
}

static enum vmx_exit_action handle_io(struct vmx_vcpu *v)
{
	struct vmctl_run *run = vmx_run(v);
	unsigned long q = v->exit_qual;
	unsigned int size = IO_QUAL_SIZE(q);

	if ((q & (IO_QUAL_STRING | IO_QUAL_REP)) || size == 3 || size > 4) {
		u64 data[2] = { q, vmcs_readl(VMCS_GUEST_RIP) };

		return vmx_internal_error(v, VMCTL_INTERNAL_UNSUPPORTED_IO,
					  2, data);
	}
	run->exit_reason = VMCTL_EXIT_IO;
	run->io.port = IO_QUAL_PORT(q);
	run->io.size = size;
	run->io.pad = 0;
	if (q & IO_QUAL_IN) {
		run->io.direction = VMCTL_IO_IN;
		run->io.data = 0;
		/* Completed by the next RUN, with the value user space stores. */
		v->io_in_pending = true;
		v->io_size = size;
		v->io_insn_len = vmcs_read32(VMCS_EXIT_INSTRUCTION_LEN);
	} else {
		run->io.direction = VMCTL_IO_OUT;
		run->io.data = v->gpr[GPR_RAX] & GENMASK_ULL(size * 8 - 1, 0);
		vmx_skip_exiting_instruction(v);
	}
	return ACTION_EXIT_TO_USER;
}

/* IN: AL and AX keep the other bits of RAX, EAX zero-extends into RAX. */
static void vmx_complete_io_in(struct vmx_vcpu *v)
{
	u64 data = vmx_run(v)->io.data;
	unsigned long *rax = &v->gpr[GPR_RAX];

	switch (v->io_size) {
	case 1:
		*rax = (*rax & ~0xffUL) | (data & 0xff);
		break;
	case 2:
		*rax = (*rax & ~0xffffUL) | (data & 0xffff);
		break;
	default:
		*rax = (u32)data;
		break;
	}
	vmx_skip_instruction(v, v->io_insn_len);
	v->io_in_pending = false;
}

static enum vmx_exit_action handle_ept_violation(struct vmx_vcpu *v)
{
	u64 data[3] = { vmcs_read64(VMCS_GUEST_PHYSICAL_ADDRESS), v->exit_qual,
			vmcs_readl(VMCS_GUEST_RIP) };

	/* No slot there, or a write to a read-only one (MMIO comes later). */
	return vmx_internal_error(v, VMCTL_INTERNAL_EPT_VIOLATION, 3, data);
}

typedef enum vmx_exit_action (*vmx_exit_handler_t)(struct vmx_vcpu *v);

/*
 * Every exit reason this backend handles.  An empty slot is an exit the
 * guest can cause but that is not supported yet (RDMSR/WRMSR, XSETBV,
 * INVD, GETSEC, VMX instructions, ...): it ends the run with
 * VMCTL_INTERNAL_UNHANDLED_EXIT.
 */
static const vmx_exit_handler_t vmx_exit_handlers[VMX_NR_EXIT_REASONS] = {
	[VMX_EXIT_EXCEPTION_NMI]	= handle_exception_nmi,
	[VMX_EXIT_EXTERNAL_INTERRUPT]	= handle_external_interrupt,
	[VMX_EXIT_TRIPLE_FAULT]		= handle_triple_fault,
	[VMX_EXIT_CPUID]		= handle_cpuid,
	[VMX_EXIT_HLT]			= handle_hlt,
	[VMX_EXIT_CR_ACCESS]		= handle_cr_access,
	[VMX_EXIT_IO_INSTRUCTION]	= handle_io,
	[VMX_EXIT_EPT_VIOLATION]	= handle_ept_violation,
	[VMX_EXIT_PREEMPTION_TIMER]	= handle_preemption_timer,
};

/* ------------------------------------------------------------------------ */
/* Failed VM entries                                                          */
/* ------------------------------------------------------------------------ */

static void vmx_read_guest_state(struct vmx_vcpu *v, struct vmx_guest_state *s)
{
	int i;

	memset(s, 0, sizeof(*s));
	s->cr0 = vmcs_readl(VMCS_GUEST_CR0);
	s->cr3 = vmcs_readl(VMCS_GUEST_CR3);
	s->cr4 = vmcs_readl(VMCS_GUEST_CR4);
	s->dr7 = vmcs_readl(VMCS_GUEST_DR7);
	s->efer = vmcs_read64(VMCS_GUEST_IA32_EFER);
	s->rflags = vmcs_readl(VMCS_GUEST_RFLAGS);
	s->rip = vmcs_readl(VMCS_GUEST_RIP);
	s->gdtr_base = vmcs_readl(VMCS_GUEST_GDTR_BASE);
	s->gdtr_limit = vmcs_read32(VMCS_GUEST_GDTR_LIMIT);
	s->idtr_base = vmcs_readl(VMCS_GUEST_IDTR_BASE);
	s->idtr_limit = vmcs_read32(VMCS_GUEST_IDTR_LIMIT);
	for (i = 0; i < VMX_NR_SEGS; i++) {
		const struct vmx_seg_field *f = &vmx_seg_fields[i];

		s->seg[i].selector = __vmcs_read(f->selector);
		s->seg[i].base = __vmcs_read(f->base);
		s->seg[i].limit = __vmcs_read(f->limit);
		s->seg[i].ar = __vmcs_read(f->ar);
	}
	s->activity = vmcs_read32(VMCS_GUEST_ACTIVITY_STATE);
	s->interruptibility = vmcs_read32(VMCS_GUEST_INTERRUPTIBILITY);
	s->link_pointer = vmcs_read64(VMCS_LINK_POINTER);
	s->pdpte[0] = vmcs_read64(VMCS_GUEST_PDPTE0);
	s->pdpte[1] = vmcs_read64(VMCS_GUEST_PDPTE1);
	s->pdpte[2] = vmcs_read64(VMCS_GUEST_PDPTE2);
	s->pdpte[3] = vmcs_read64(VMCS_GUEST_PDPTE3);
	s->entry_controls = v->entry_ctls;
	s->proc2_controls = vmx_caps.proc2;
	s->entry_intr_info = vmcs_read32(VMCS_ENTRY_INTR_INFO);
	s->cr0_fixed0 = vmx_caps.cr0_fixed0;
	s->cr0_fixed1 = vmx_caps.cr0_fixed1;
	s->cr4_fixed0 = vmx_caps.cr4_fixed0;
	s->cr4_fixed1 = vmx_caps.cr4_fixed1;
	s->phys_bits = boot_cpu_data.x86_phys_bits;
	s->virt_bits = boot_cpu_data.x86_virt_bits;
}

/* The first modelled guest-state check that fails, in msg; or NULL. */
static const char *vmx_explain_guest_state(struct vmx_vcpu *v, char *msg,
					   size_t len, gfp_t gfp)
{
	struct vmx_guest_state *s = kmalloc(sizeof(*s), gfp);
	const char *what = NULL;

	if (s) {
		vmx_read_guest_state(v, s);
		what = vmx_check_guest_state(s, msg, len);
		kfree(s);
	}
	return what;
}

/*
 * State set by user space is checked before the first entry with it, so
 * that a bad state fails the same way on every CPU, including emulated
 * ones that skip some of the checks (Bochs accepts SS.DPL != CS.DPL).
 * Returns true, with the FAIL_ENTRY exit filled, if a check fails.
 */
static bool vmx_precheck_guest_state(struct vmx_vcpu *v)
{
	struct vmctl_run *run = vmx_run(v);
	const char *what;

	vmx_vcpu_get(v);
	what = vmx_explain_guest_state(v, run->fail_entry.message,
				       sizeof(run->fail_entry.message),
				       GFP_ATOMIC);
	vmx_vcpu_put();
	if (!what)
		return false;
	run->exit_reason = VMCTL_EXIT_FAIL_ENTRY;
	run->fail_entry.hardware_reason = EXIT_REASON_ENTRY_FAILURE |
					  VMX_EXIT_INVALID_GUEST_STATE;
	run->fail_entry.qualification = 0;
	run->fail_entry.flags = VMCTL_FAIL_ENTRY_INVALID_GUEST_STATE |
				VMCTL_FAIL_ENTRY_MODULE_CHECK;
	run->fail_entry.pad = 0;
	return true;
}

static enum vmx_exit_action vmx_entry_failed(struct vmx_vcpu *v, bool vmfail)
{
	struct vmctl_run *run = vmx_run(v);
	char *msg = run->fail_entry.message;
	size_t len = sizeof(run->fail_entry.message);

	run->exit_reason = VMCTL_EXIT_FAIL_ENTRY;
	run->fail_entry.pad = 0;
	if (vmfail) {
		u32 err = vmcs_read32(VMCS_INSTRUCTION_ERROR);

		run->fail_entry.hardware_reason = err;
		run->fail_entry.qualification = 0;
		run->fail_entry.flags = VMCTL_FAIL_ENTRY_VMFAIL;
		snprintf(msg, len, "VM%s failed: VM-instruction error %u%s",
			 v->launched ? "RESUME" : "LAUNCH", err,
			 err == VMXERR_ENTRY_INVALID_CONTROL ? " (invalid control field)" :
			 err == VMXERR_ENTRY_INVALID_HOST_STATE ? " (invalid host state)" : "");
		return ACTION_EXIT_TO_USER;
	}

	run->fail_entry.hardware_reason = v->exit_reason;
	run->fail_entry.qualification = v->exit_qual;
	run->fail_entry.flags = 0;
	switch (v->exit_reason & EXIT_REASON_BASIC_MASK) {
	case VMX_EXIT_INVALID_GUEST_STATE:
		run->fail_entry.flags = VMCTL_FAIL_ENTRY_INVALID_GUEST_STATE;
		if (!vmx_explain_guest_state(v, msg, len, GFP_ATOMIC))
			snprintf(msg, len, "invalid guest state (no modelled check fails)");
		break;
	case VMX_EXIT_MSR_LOAD_FAIL:
		snprintf(msg, len, "MSR loading failed at entry %lu", v->exit_qual);
		break;
	case VMX_EXIT_MCE_DURING_ENTRY:
		snprintf(msg, len, "machine-check event during VM entry");
		break;
	default:
		snprintf(msg, len, "VM entry failed with exit reason %u",
			 v->exit_reason & EXIT_REASON_BASIC_MASK);
		break;
	}
	return ACTION_EXIT_TO_USER;
}

/* ------------------------------------------------------------------------ */
/* The run loop                                                               */
/* ------------------------------------------------------------------------ */

/* What a VM exit clobbers of the host and is put back afterwards. */
struct vmx_host_save {
	u16 ds, es, fs, gs, ldt;
	unsigned long fs_base;
	u64 kernel_gs_base;
	u64 debugctl;
};

static void vmx_fpu_load_guest(struct vmx_vcpu *v)
{
	if (vmx_xsave_mask)
		asm volatile("xrstor64 (%[area])"
			     : : [area] "r" (v->fpu),
			       "a" ((u32)vmx_xsave_mask),
			       "d" ((u32)(vmx_xsave_mask >> 32))
			     : "memory");
	else
		asm volatile("fxrstor64 (%[area])" : : [area] "r" (v->fpu)
			     : "memory");
}

static void vmx_fpu_save_guest(struct vmx_vcpu *v)
{
	if (vmx_xsave_mask)
		asm volatile("xsave64 (%[area])"
			     : : [area] "r" (v->fpu),
			       "a" ((u32)vmx_xsave_mask),
			       "d" ((u32)(vmx_xsave_mask >> 32))
			     : "memory");
	else
		asm volatile("fxsave64 (%[area])" : : [area] "r" (v->fpu)
			     : "memory");
}

/* Host state that may change between entries (SDM "Host-State Area"). */
static void vmx_refresh_host_state(struct vmx_vcpu *v,
				   struct vmx_host_save *h)
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
static void vmx_restore_host_state(struct vmx_vcpu *v,
				   const struct vmx_host_save *h)
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

/*
 * One entry into the guest and the handling of the exit.  Preemption is
 * disabled (kernel_fpu_begin) and the VMCS is current.
 */
static enum vmx_exit_action vmx_enter_guest(struct vmx_vcpu *v)
{
	struct vmx_host_save h;
	enum vmx_exit_action action;
	vmx_exit_handler_t handler;
	unsigned int basic;
	bool vmfail;

	vmx_refresh_host_state(v, &h);
	vmx_fpu_load_guest(v);

	local_irq_disable();
	wrmsrl(MSR_KERNEL_GS_BASE, v->kernel_gs_base);
	if (native_read_cr2() != v->cr2)
		native_write_cr2(v->cr2);

	vmfail = vmctl_vmx_vmenter(v->gpr, v->launched);

	v->cr2 = native_read_cr2();
	if (!vmfail) {
		v->exit_reason = vmcs_read32(VMCS_EXIT_REASON);
		basic = v->exit_reason & EXIT_REASON_BASIC_MASK;
		v->exit_intr_info = 0;
		if (basic == VMX_EXIT_EXCEPTION_NMI) {
			v->exit_intr_info = vmcs_read32(VMCS_EXIT_INTR_INFO);
			if ((v->exit_intr_info & INTR_INFO_TYPE_MASK) ==
			    INTR_TYPE_NMI)
				vmctl_vmx_forward_nmi();
		}
		if (!(v->exit_reason & EXIT_REASON_ENTRY_FAILURE))
			v->launched = true;
	}
	vmx_restore_host_state(v, &h);
	local_irq_enable();	/* host interrupts that made us exit run now */

	vmx_fpu_save_guest(v);

	if (vmfail)
		return vmx_entry_failed(v, true);
	v->exit_qual = vmcs_readl(VMCS_EXIT_QUALIFICATION);
	if (v->exit_reason & EXIT_REASON_ENTRY_FAILURE)
		return vmx_entry_failed(v, false);

	basic = v->exit_reason & EXIT_REASON_BASIC_MASK;
	if (basic >= VMX_NR_EXIT_REASONS)
		return vmx_unhandled_exit(v);
	v->exits[basic]++;
	handler = vmx_exit_handlers[basic];
	if (!handler)
		return vmx_unhandled_exit(v);
	action = handler(v);
	return action;
}

static int vmx_vcpu_run(struct vmctl_vcpu *vcpu)
{
	struct vmx_vcpu *v = vcpu->arch;
	struct vmctl_run *run = vcpu->run;
	enum vmx_exit_action action;
	bool resumed, user_exit;
	u32 error = 0;
	u64 pdpte[4];

	if (v->shutdown)
		return -EINVAL;
	if (READ_ONCE(vmx_rebooting))
		return -EIO;
	run->exit_reason = VMCTL_EXIT_NONE;

	if (v->check_guest_state) {
		if (vmx_precheck_guest_state(v)) {
			run->exit_count = ++v->user_exits;
			return 0;
		}
		v->check_guest_state = false;
	}

	if (v->io_in_pending) {
		vmx_vcpu_get(v);
		vmx_complete_io_in(v);
		if (vmx_vcpu_put())
			goto insn_failed;
	}

	for (;;) {
		/*
		 * Reschedule first: a signal may arrive while another task
		 * runs, and must be seen before the next entry.
		 */
		cond_resched();
		if (READ_ONCE(run->immediate_exit) || signal_pending(current)) {
			run->exit_reason = VMCTL_EXIT_INTR;
			return -EINTR;
		}

		if (v->load_pdptes) {
			/* PAE paging was turned on by the guest: fetch PDPTEs. */
			u64 cr3;

			vmx_vcpu_get(v);
			cr3 = vmcs_readl(VMCS_GUEST_CR3);
			vmx_vcpu_put();
			if (vmx_read_guest_phys(vcpu->vm, cr3 & ~0x1fULL, pdpte,
						sizeof(pdpte)))
				memset(pdpte, 0, sizeof(pdpte));
			vmx_vcpu_get(v);
			vmx_write_pdptes(pdpte);
			v->load_pdptes = false;
			if (vmx_vcpu_put())
				goto insn_failed;
		}

		/*
		 * The guest's x87/SSE/AVX state is loaded into the real
		 * registers; kernel_fpu_begin() has saved user space's and
		 * keeps preemption off until kernel_fpu_end().
		 */
		kernel_fpu_begin_mask(0);
		vmx_vcpu_load(v);
		action = vmx_enter_guest(v);
		if (vmx_take_insn_failure(&error))
			action = ACTION_ERROR;
		kernel_fpu_end();

		/* "Resumed" and "user exit filled" never hold together. */
		resumed = action == ACTION_RESUME_GUEST;
		user_exit = run->exit_reason != VMCTL_EXIT_NONE;
		if (action != ACTION_ERROR && resumed == user_exit) {
			pr_warn_once("vmctl: exit %u handled as %d with user exit %u\n",
				     v->exit_reason, action, run->exit_reason);
			action = ACTION_ERROR;
		}
		if (action != ACTION_RESUME_GUEST)
			break;
	}
	if (action == ACTION_ERROR)
		goto insn_failed;
	run->exit_count = ++v->user_exits;
	return 0;

insn_failed:
	{
		u64 data[1] = { error };

		vmx_internal_error(v, VMCTL_INTERNAL_VMX_INSN_FAILED, 1, data);
	}
	run->exit_count = ++v->user_exits;
	return 0;
}

const struct vmctl_backend_ops vmctl_vmx_ops = {
	.name		= "vmx",
	.probe		= vmx_probe,
	.exit		= vmx_exit,
	.fill_caps	= vmx_fill_caps,
	.enable		= vmx_enable,
	.disable	= vmx_disable,
	.enabled_cpus	= vmx_enabled_cpus_count,
	.vm_init	= vmx_vm_init,
	.vm_destroy	= vmx_vm_destroy,
	.map_pages	= vmx_map_pages,
	.unmap_pages	= vmx_unmap_pages,
	.vcpu_create	= vmx_vcpu_create,
	.vcpu_destroy	= vmx_vcpu_destroy,
	.vcpu_run	= vmx_vcpu_run,
	.get_regs	= vmx_get_regs,
	.set_regs	= vmx_set_regs,
	.get_sregs	= vmx_get_sregs,
	.set_sregs	= vmx_set_sregs,
};
