// SPDX-License-Identifier: GPL-2.0
/*
 * VMX operation on every CPU: VMXON/VMXOFF, hotplug, reboot.
 *
 * VMX is on only while VMs exist, on every online CPU; it is turned off
 * before a reboot or crash (INIT is blocked in VMX operation), and it takes
 * turns with kvm_intel for CR4.VMXE and the emergency callback.
 *
 * The kernel has one emergency-disable slot and WARNs when a second
 * callback is registered or a foreign one unregistered.  kvm_intel takes it
 * without asking (6.1: from load to unload; 6.12: while its virtualization
 * is on, from load by default) and its callback leaves VMX operation on
 * every CPU whose CR4.VMXE is set, whoever set it.  So vmctl holds the slot
 * only while it has VMX on and kvm_intel is not loaded: a module notifier
 * hands the slot over before kvm_intel's init runs and takes it back once
 * kvm_intel is gone.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpu.h>
#include <linux/cpuhotplug.h>
#include <linux/gfp.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/string.h>
#include <linux/reboot.h>
#include <linux/smp.h>
#include <asm/io.h>
#include <asm/perf_event.h>
#include <asm/reboot.h>
#include <asm/special_insns.h>
#include <asm/tlbflush.h>

#include "../compat.h"
#include "../vmctl.h"
#include "capabilities.h"
#include "vmx.h"
#include "vmx_ops.h"

DEFINE_PER_CPU(struct vmx_cpu, vmx_cpu);

static bool vmx_enabled;		/* between enable() and disable() */
bool vmx_rebooting;			/* the reboot notifier turned VMX off */

/* Serialises the emergency slot's hand-overs with kvm_intel. */
static DEFINE_MUTEX(vmx_emergency_lock);
static bool vmx_emergency_wanted;	/* VMX is on for vmctl's VMs */
static bool vmx_emergency_registered;	/* we hold the emergency callback */
static bool vmx_kvm_intel_live;		/* kvm_intel may hold the slot */
static atomic_t vmx_enabled_cpus = ATOMIC_INIT(0);
static atomic_t vmx_enable_failures = ATOMIC_INIT(0);
static int vmx_cpuhp_state = -1;

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
	/* The reboot notifier turned VMX off: faults are expected now. */
	if (!(fault && READ_ONCE(vmx_rebooting)))
		pr_warn_once("%s failed (argument %#llx, %s, VM-instruction error %lu)\n",
			     insn, arg, fault ? "fault" : "VMfail", err);
	c->insn_failed = true;
	c->insn_error = err;
}

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
	struct vmx_insn_failure interrupted;

	/* The reboot notifier's IPI may land in the run loop. */
	vmx_insn_failure_stash(&interrupted);
	vmx_cpu_off();
	vmx_insn_failure_unstash(&interrupted);
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

/*
 * kvm.ko is loaded: on Intel, kvm_intel is or soon will be (kvm.ko alone
 * never takes the slot, so this only errs towards not taking it).  Used
 * once at load; the module notifier tracks kvm_intel from then on.
 */
static bool vmx_kvm_loaded(void)
{
	if (!__symbol_get("kvm_rebooting"))
		return false;
	__symbol_put("kvm_rebooting");
	return true;
}

/* Takes or gives up the emergency slot as the rules above say. */
static void vmx_emergency_update(void)
{
	bool hold = vmx_emergency_wanted && !vmx_kvm_intel_live;

	lockdep_assert_held(&vmx_emergency_lock);
	if (hold == vmx_emergency_registered)
		return;
	if (hold)
		cpu_emergency_register_virt_callback(vmx_emergency_disable);
	else
		cpu_emergency_unregister_virt_callback(vmx_emergency_disable);
	vmx_emergency_registered = hold;
}

static int vmx_module_notify(struct notifier_block *nb, unsigned long state,
			     void *data)
{
	struct module *mod = data;

	if (strcmp(mod->name, "kvm_intel"))
		return NOTIFY_DONE;
	mutex_lock(&vmx_emergency_lock);
	switch (state) {
	case MODULE_STATE_COMING:
		/* Before its init: it registers its callback there (6.1). */
		vmx_kvm_intel_live = true;
		if (vmx_emergency_wanted)
			pr_info("kvm_intel is loading while vmctl VMs use VT-x: KVM cannot turn it on until they are gone%s\n",
				VMCTL_KVM_ENABLES_VIRT_AT_LOAD ?
				", so this load fails unless kvm.enable_virt_at_load=0" : "");
		break;
	case MODULE_STATE_GOING:
		/* After its exit (or failed init) gave the slot back. */
		vmx_kvm_intel_live = false;
		break;
	default:
		break;
	}
	vmx_emergency_update();
	mutex_unlock(&vmx_emergency_lock);
	return NOTIFY_DONE;
}

static struct notifier_block vmx_module_nb = {
	.notifier_call = vmx_module_notify,
};

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

int vmx_enable(void)
{
	int err, cpu;

	if (vmx_rebooting)
		return -ESHUTDOWN;
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
			pr_warn_ratelimited("VT-x is in use by another hypervisor on CPU %d: %s\n",
					    busy_cpu, VMCTL_VTX_BUSY_ADVICE);
		return busy_cpu >= 0 ? -EBUSY : -ENOMEM;
	}
	vmx_enabled = true;
	cpus_read_unlock();
	mutex_lock(&vmx_emergency_lock);
	vmx_emergency_wanted = true;
	vmx_emergency_update();
	mutex_unlock(&vmx_emergency_lock);
	return 0;
}

void vmx_disable(void)
{
	mutex_lock(&vmx_emergency_lock);
	vmx_emergency_wanted = false;
	vmx_emergency_update();
	mutex_unlock(&vmx_emergency_lock);
	cpus_read_lock();
	on_each_cpu(vmx_cpu_off_ipi, NULL, 1);
	vmx_enabled = false;
	cpus_read_unlock();
	vmx_free_vmxon_regions();
}

unsigned int vmx_enabled_cpus_count(void)
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
		pr_err("cannot enable VT-x on CPU %u (%d)\n", cpu, err);
	return err;
}

static int vmx_cpu_offline(unsigned int cpu)
{
	local_irq_disable();
	vmx_cpu_off();
	local_irq_enable();
	vmx_msr_cpu_offline();
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

/* At module load: the per-CPU lists, CPU hotplug and the reboot notifier. */
int vmx_hw_init(void)
{
	int err, cpu;

	for_each_possible_cpu(cpu)
		INIT_LIST_HEAD(&per_cpu_ptr(&vmx_cpu, cpu)->loaded);
	err = cpuhp_setup_state_nocalls(CPUHP_AP_ONLINE_DYN, "vmctl/vmx:online",
					vmx_cpu_online, vmx_cpu_offline);
	if (err < 0) {
		pr_info("cannot load: CPU hotplug state unavailable (%d)\n",
			err);
		return err;
	}
	vmx_cpuhp_state = err;
	register_reboot_notifier(&vmx_reboot_nb);
	/* Notifier first: a kvm_intel loading meanwhile is seen either way. */
	register_module_notifier(&vmx_module_nb);
	mutex_lock(&vmx_emergency_lock);
	vmx_kvm_intel_live = vmx_kvm_intel_live || vmx_kvm_loaded();
	mutex_unlock(&vmx_emergency_lock);
	return 0;
}

void vmx_hw_exit(void)
{
	unregister_module_notifier(&vmx_module_nb);
	unregister_reboot_notifier(&vmx_reboot_nb);
	if (vmx_cpuhp_state >= 0)
		cpuhp_remove_state_nocalls(vmx_cpuhp_state);
}
