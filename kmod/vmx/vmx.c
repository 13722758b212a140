// SPDX-License-Identifier: GPL-2.0
/*
 * The VT-x backend: ops table, VMs and EPT, vCPUs, run loop, exit table.
 *
 * VMX operation is in hw.c, the VMCS in vmcs.c, guest registers in
 * state.c, I/O exits in io.c, the FPU in fpu.c and failed entries in
 * entry_fail.c; field encodings in vmcs.h, the VMX instructions in
 * vmx_ops.h.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/gfp.h>
#include <linux/idr.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/nospec.h>
#include <linux/percpu.h>
#include <linux/ratelimit.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/smp.h>
#include <asm/fpu/api.h>
#include <asm/io.h>
#include <asm/msr.h>
#include <asm/processor.h>
#include <asm/special_insns.h>

#include "../vmctl.h"
#include "capabilities.h"
#include "fpu.h"
#include "host_state.h"
#include "vmx.h"
#include "vmx_ops.h"

void *vmx_msr_bitmap;			/* built by msr.c */
static DEFINE_IDA(vmx_vpids);

/*
 * How many VPIDs vCPUs may hold at once (1 ... this number; VPID 0 is the
 * host's).  A test aid: lowered, it shows that vCPUs beyond the pool run
 * without a VPID, which 65535 live vCPUs would show too slowly.  Read at
 * each vCPU creation.
 */
static unsigned int vpid_pool_size = VMX_MAX_VPID;

static int vpid_pool_size_set(const char *val, const struct kernel_param *kp)
{
	return param_set_uint_minmax(val, kp, 0, VMX_MAX_VPID);
}

static const struct kernel_param_ops vpid_pool_size_ops = {
	.set = vpid_pool_size_set,
	.get = param_get_uint,
};

module_param_cb(vpid_pool_size, &vpid_pool_size_ops, &vpid_pool_size, 0644);
MODULE_PARM_DESC(vpid_pool_size,
		 "VPIDs handed to vCPUs, 0-65535; vCPUs beyond it run without one (test aid)");

/* ------------------------------------------------------------------------ */
/* Probe and capabilities                                                     */
/* ------------------------------------------------------------------------ */

static int vmx_probe(void)
{
	int err;

	err = vmx_probe_capabilities();
	if (err)
		return err;
	vmx_setup_fpu_format();
	vmx_setup_guest_msrs();
	vmx_setup_spec();

	vmx_msr_bitmap = (void *)__get_free_page(GFP_KERNEL);
	if (!vmx_msr_bitmap) {
		pr_info("cannot load: out of memory\n");
		return -ENOMEM;
	}
	vmx_build_msr_bitmap(vmx_msr_bitmap);

	err = vmx_hw_init();
	if (err)
		goto out_bitmap;
	return 0;

out_bitmap:
	free_page((unsigned long)vmx_msr_bitmap);
	vmx_msr_bitmap = NULL;
	return err;
}

static void vmx_exit(void)
{
	vmx_msr_exit();
	vmx_hw_exit();
	free_page((unsigned long)vmx_msr_bitmap);
	vmx_msr_bitmap = NULL;
}

static void vmx_fill_caps(struct vmctl_caps *caps)
{
	u64 f = VMCTL_CAP_UNRESTRICTED_GUEST | VMCTL_CAP_EPT |
		VMCTL_CAP_LONG_MODE_GUEST | VMCTL_CAP_READONLY_SLOTS |
		VMCTL_CAP_DECODED_MMIO | VMCTL_CAP_HYPERCALLS;

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
	f |= VMCTL_CAP_CPUID;
	f |= VMCTL_CAP_MSR_POLICY;
	f |= VMCTL_CAP_EVENTS;
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
	struct vmx_insn_failure interrupted;

	if (!this_cpu_ptr(&vmx_cpu)->vmx_on)
		return;
	vmx_insn_failure_stash(&interrupted);
	if (cpu_has_vmx_invept_single())
		vmx_invept(INVEPT_SINGLE_CONTEXT, eptp);
	else
		vmx_invept(INVEPT_ALL_CONTEXT, 0);
	vmx_insn_failure_unstash(&interrupted);
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

	xv = vmctl_zalloc_accounted(sizeof(*xv));
	if (!xv)
		return -ENOMEM;
	err = vmx_ept_init(&xv->ept);
	if (err) {
		vmctl_free_accounted(xv, sizeof(*xv));
		return err;
	}
	xv->id = vmx_new_vm_id();
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
	vmctl_free_accounted(xv, sizeof(*xv));
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

/* ------------------------------------------------------------------------ */
/* vCPUs                                                                      */
/* ------------------------------------------------------------------------ */

static void vmx_free_vcpu_memory(struct vmx_vcpu *v)
{
	vmx_cpuid_free(v);
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
	vmctl_free_accounted(v, sizeof(*v));
}

/*
 * A VPID for a new vCPU, or 0 when VPIDs are unsupported or all taken: the
 * vCPU then runs with "enable VPID" off (a VM entry with VPID 0 and the
 * control on fails), its translations flushed on every entry and exit.
 */
static u16 vmx_alloc_vpid(void)
{
	unsigned int pool = READ_ONCE(vpid_pool_size);
	int vpid;

	if (!cpu_has_vmx_vpid() || !pool)
		return 0;
	vpid = ida_alloc_range(&vmx_vpids, 1, pool, GFP_KERNEL);
	return vpid < 0 ? 0 : vpid;
}

static int vmx_vcpu_create(struct vmctl_vcpu *vcpu)
{
	struct vmx_vcpu *v;
	int err;

	v = vmctl_zalloc_accounted(sizeof(*v));
	if (!v)
		return -ENOMEM;
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
	vmx_init_guest_msrs(v);
	vmx_init_events(v);

	v->vpid = vmx_alloc_vpid();

	preempt_disable();
	/* VMCLEAR initializes the region and sets its launch state. */
	vmx_vmclear(v->vmcs_pa);
	vmx_vcpu_load(v);
	vmx_setup_controls(v);
	vmx_setup_host_state();
	vmx_reset_guest_state(v);
	vmx_reset_guest_msrs_vmcs(v);
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
/* Exit handlers                                                              */
/* ------------------------------------------------------------------------ */

enum vmx_exit_action vmx_internal_error(struct vmx_vcpu *v, u32 suberror,
					unsigned int ndata, const u64 *data)
{
	struct vmctl_run *run = vmx_run(v);

	vmx_report_exit(v, VMCTL_EXIT_INTERNAL_ERROR);
	run->internal.suberror = suberror;
	run->internal.ndata = ndata;
	memcpy(run->internal.data, data, ndata * sizeof(u64));
	return ACTION_EXIT_TO_USER;
}

/*
 * An exit no handler expects (an empty slot of the exit table, or a case a
 * handler does not model) ends the run with the raw reason.  The guest
 * can cause it at will, so the VMCS dump that comes with it is info level
 * and rate-limited: one dump per unexpected exit, a few per minute at most.
 */
enum vmx_exit_action vmx_unhandled_exit(struct vmx_vcpu *v)
{
	static DEFINE_RATELIMIT_STATE(dump_rs, 10 * HZ, 1);
	u64 data[3] = { v->exit_reason, v->exit_qual,
			vmcs_readl(VMCS_GUEST_RIP) };

	if (__ratelimit(&dump_rs)) {
		pr_info("unhandled VM exit %u (qualification %#lx, RIP %#llx)\n",
			v->exit_reason, v->exit_qual, data[2]);
		vmx_dump_vmcs(v);
	}
	return vmx_internal_error(v, VMCTL_INTERNAL_UNHANDLED_EXIT, 3, data);
}

static enum vmx_exit_action handle_exception_nmi(struct vmx_vcpu *v)
{
	/*
	 * The NMI or machine check itself went to the host's handler right
	 * after the exit.
	 */
	if ((v->exit_intr_info & INTR_INFO_TYPE_MASK) == INTR_TYPE_NMI ||
	    vmx_exit_is_machine_check(v->exit_reason, v->exit_intr_info))
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
	vmx_report_exit(v, VMCTL_EXIT_SHUTDOWN);
	return ACTION_EXIT_TO_USER;
}

/*
 * WBINVD and INVD would write back or drop the host's caches (INVD even
 * other VMs' and the host's dirty lines): the guest's memory is ordinary
 * cached memory, so there is nothing to flush for it.  Skip them.
 */
static enum vmx_exit_action handle_wbinvd(struct vmx_vcpu *v)
{
	vmx_skip_exiting_instruction(v);
	return ACTION_RESUME_GUEST;
}

typedef enum vmx_exit_action (*vmx_exit_handler_t)(struct vmx_vcpu *v);

/*
 * Every exit reason this backend handles.  An empty slot is an exit the
 * guest can cause but that is not supported yet (GETSEC, RDPMC,
 * ...): it ends the run with VMCTL_INTERNAL_UNHANDLED_EXIT.
 */
static const vmx_exit_handler_t vmx_exit_handlers[VMX_NR_EXIT_REASONS] = {
	[VMX_EXIT_EXCEPTION_NMI]	= handle_exception_nmi,
	[VMX_EXIT_EXTERNAL_INTERRUPT]	= handle_external_interrupt,
	[VMX_EXIT_TRIPLE_FAULT]		= handle_triple_fault,
	[VMX_EXIT_CPUID]		= vmx_handle_cpuid,
	[VMX_EXIT_INTERRUPT_WINDOW]	= vmx_handle_irq_window,
	[VMX_EXIT_NMI_WINDOW]		= vmx_handle_nmi_window,
	[VMX_EXIT_HLT]			= vmx_handle_hlt,
	[VMX_EXIT_VMCALL]		= vmx_handle_vmcall,
	[VMX_EXIT_INVD]			= handle_wbinvd,
	[VMX_EXIT_CR_ACCESS]		= vmx_handle_cr_access,
	[VMX_EXIT_DR_ACCESS]		= vmx_handle_dr_access,
	[VMX_EXIT_IO_INSTRUCTION]	= vmx_handle_io,
	[VMX_EXIT_RDMSR]		= vmx_handle_rdmsr,
	[VMX_EXIT_WRMSR]		= vmx_handle_wrmsr,
	[VMX_EXIT_EPT_VIOLATION]	= vmx_handle_ept_violation,
	[VMX_EXIT_PREEMPTION_TIMER]	= handle_preemption_timer,
	[VMX_EXIT_WBINVD]		= handle_wbinvd,
	[VMX_EXIT_VMCLEAR]		= vmx_handle_vmx_insn,
	[VMX_EXIT_VMLAUNCH]		= vmx_handle_vmx_insn,
	[VMX_EXIT_VMPTRLD]		= vmx_handle_vmx_insn,
	[VMX_EXIT_VMPTRST]		= vmx_handle_vmx_insn,
	[VMX_EXIT_VMREAD]		= vmx_handle_vmx_insn,
	[VMX_EXIT_VMRESUME]		= vmx_handle_vmx_insn,
	[VMX_EXIT_VMWRITE]		= vmx_handle_vmx_insn,
	[VMX_EXIT_VMXOFF]		= vmx_handle_vmx_insn,
	[VMX_EXIT_VMXON]		= vmx_handle_vmx_insn,
	[VMX_EXIT_INVEPT]		= vmx_handle_vmx_insn,
	[VMX_EXIT_INVVPID]		= vmx_handle_vmx_insn,
	[VMX_EXIT_VMFUNC]		= vmx_handle_vmx_insn,
	[VMX_EXIT_XSETBV]		= vmx_handle_xsetbv,
	[VMX_EXIT_MONITOR]		= vmx_handle_monitor_mwait,
	[VMX_EXIT_MWAIT]		= vmx_handle_monitor_mwait,
};

/*
 * The basic exit reason comes from the CPU, but a mispredicted bounds
 * check must not let speculation call through a pointer read from past
 * the table.  The most frequent exits are called directly: an indirect
 * call goes through a retpoline on most hosts.
 */
static enum vmx_exit_action vmx_dispatch_exit(struct vmx_vcpu *v, u32 basic)
{
	vmx_exit_handler_t handler = NULL;

	switch (basic) {
	case VMX_EXIT_IO_INSTRUCTION:
		return vmx_handle_io(v);
	case VMX_EXIT_CPUID:
		return vmx_handle_cpuid(v);
	case VMX_EXIT_EPT_VIOLATION:
		return vmx_handle_ept_violation(v);
	case VMX_EXIT_EXTERNAL_INTERRUPT:
		return handle_external_interrupt(v);
	}
	if (basic < VMX_NR_EXIT_REASONS)
		handler = vmx_exit_handlers[array_index_nospec(basic,
							       VMX_NR_EXIT_REASONS)];
	if (!handler)
		return vmx_unhandled_exit(v);
	return handler(v);
}

/* Every exit is counted here, and only here. */
static enum vmx_exit_action vmx_handle_exit(struct vmx_vcpu *v)
{
	u32 basic = v->exit_reason & EXIT_REASON_BASIC_MASK;

	return vmctl_stats_timed_exit(v->vcpu, basic,
				      vmx_dispatch_exit(v, basic));
}

/* ------------------------------------------------------------------------ */
/* The run loop                                                               */
/* ------------------------------------------------------------------------ */

/*
 * One entry into the guest and the handling of the exit.  Preemption is
 * disabled (kernel_fpu_begin) and the VMCS is current.
 */
static enum vmx_exit_action vmx_enter_guest(struct vmx_vcpu *v)
{
	struct vmx_host_save h;
	unsigned int basic;
	int entry;

	vmx_fpu_load_guest(v);

	local_irq_disable();
	vmx_refresh_host_state(v, &h);
	/*
	 * Last look, with interrupts off: a VMWRITE, VMPTRLD or VMREAD that
	 * failed since the last exit means the VMCS is not what it should
	 * be; pending work (a signal, a reschedule) is done first.  Either
	 * way back to the run loop, which sees which it was.  A signal or
	 * reschedule after this check comes with an IPI, which makes the
	 * guest exit at once (other work waits for the next exit at most).
	 * So does an event another thread posts once in_guest_mode is
	 * visible (events.c); one posted before is seen here.
	 */
	smp_store_mb(v->in_guest_mode, true);
	if (unlikely(vmx_insn_failure_pending() || vmx_entry_work_pending() ||
		     (READ_ONCE(v->requests) & VMX_REQ_ARRIVALS))) {
		WRITE_ONCE(v->in_guest_mode, false);
		local_irq_enable();
		vmx_fpu_save_guest(v);
		return ACTION_RESUME_GUEST;
	}
	vmx_load_guest_debug(v);
	wrmsrl(MSR_KERNEL_GS_BASE, v->kernel_gs_base);
	if (native_read_cr2() != v->cr2)
		native_write_cr2(v->cr2);
	vmx_msr_enter_guest(v);
	vmx_spec_enter_guest(v);

	entry = vmctl_vmx_vmenter(v->gpr, v->launched);
	WRITE_ONCE(v->in_guest_mode, false);
	vmx_msr_exit_guest(v);

	v->cr2 = native_read_cr2();
	vmx_save_guest_debug(v);
	if (entry == VMENTER_EXITED) {
		v->exit_reason = vmcs_read32(VMCS_EXIT_REASON);
		basic = v->exit_reason & EXIT_REASON_BASIC_MASK;
		v->exit_intr_info = 0;
		if (basic == VMX_EXIT_EXCEPTION_NMI) {
			v->exit_intr_info = vmcs_read32(VMCS_EXIT_INTR_INFO);
			if ((v->exit_intr_info & INTR_INFO_TYPE_MASK) ==
			    INTR_TYPE_NMI)
				vmctl_vmx_forward_nmi();
		}
		if (unlikely(vmx_exit_is_machine_check(v->exit_reason,
						       v->exit_intr_info)))
			vmx_raise_host_machine_check();
		if (basic < 64 && (BIT_ULL(basic) & VMX_EXITS_DURING_DELIVERY))
			vmx_save_idt_vectoring(v);
		if (!(v->exit_reason & EXIT_REASON_ENTRY_FAILURE))
			v->launched = true;
	}
	vmx_restore_host_state(v, &h);
	local_irq_enable();	/* host interrupts that made us exit run now */

	vmx_fpu_save_guest(v);

	if (unlikely(entry == VMENTER_FAULT)) {
		vmx_insn_failed(v->launched ? "vmresume" : "vmlaunch", 0, true);
		return ACTION_ERROR;
	}
	if (entry == VMENTER_VMFAIL)
		return vmx_entry_failed(v, true);
	v->exit_qual = vmcs_readl(VMCS_EXIT_QUALIFICATION);
	if (v->exit_reason & EXIT_REASON_ENTRY_FAILURE)
		return vmx_entry_failed(v, false);

	return vmx_handle_exit(v);
}

static int __vmx_vcpu_run(struct vmctl_vcpu *vcpu)
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
		return -ESHUTDOWN;
	vmx_report_exit(v, VMCTL_EXIT_NONE);

	if (v->check_guest_state) {
		if (vmx_precheck_guest_state(v))
			goto out;
		v->check_guest_state = false;
	}

	if (v->io_in_pending) {
		vmx_vcpu_get(v);
		vmx_complete_io_in(v);
		if (vmx_vcpu_put())
			goto insn_failed;
	}
	if (v->mmio.pending_read) {
		/* A read-modify-write may report its write at once. */
		action = vmx_mmio_complete_read(v);
		if (action == ACTION_EXIT_TO_USER)
			goto out;
		if (action == ACTION_ERROR)
			goto insn_failed;
	}
	if (v->hypercall_pending) {
		vmx_vcpu_get(v);
		vmx_complete_hypercall(v);
		if (vmx_vcpu_put())
			goto insn_failed;
	}
	if (v->msr_pending) {
		u8 error = READ_ONCE(run->msr.error);

		if (error > 1)
			return -EINVAL;
		vmx_vcpu_get(v);
		vmx_complete_msr_exit(v, error, READ_ONCE(run->msr.data));
		if (vmx_vcpu_put())
			goto insn_failed;
	}

	v->want_irq_window = READ_ONCE(run->request_interrupt_window);
	if (v->want_irq_window)
		set_bit(VMX_REQ_EVENTS, &v->requests);

	for (;;) {
		/*
		 * Signals, rescheduling and TIF_NOTIFY_RESUME work before each
		 * entry; vmx_enter_guest() looks again with interrupts off.
		 */
		if (READ_ONCE(run->immediate_exit) || vmx_handle_entry_work()) {
			vmx_report_exit(v, VMCTL_EXIT_INTR);
			return -EINTR;
		}
		if (READ_ONCE(vmx_rebooting))
			return -ESHUTDOWN;

		/* Events, windows, HLT and kicks: off the fast path. */
		if (unlikely(READ_ONCE(v->requests))) {
			int ret = vmx_events_before_entry(v);

			if (ret < 0)
				return ret;
			if (ret > 0)
				goto out;
		}

		if (v->load_pdptes) {
			/* PAE paging was turned on by the guest: fetch PDPTEs. */
			u64 cr3;

			vmx_vcpu_get(v);
			cr3 = vmcs_readl(VMCS_GUEST_CR3);
			vmx_vcpu_put();
			if (vmctl_read_guest_phys(vcpu->vm, cr3 & ~0x1fULL,
						  pdpte, sizeof(pdpte)))
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
		if (action == ACTION_EMULATE_MMIO)
			action = vmx_mmio_emulate(v);

		/* "Resumed" and "user exit filled" never hold together. */
		resumed = action == ACTION_RESUME_GUEST;
		user_exit = v->user_exit != VMCTL_EXIT_NONE;
		if (action != ACTION_ERROR && resumed == user_exit) {
			pr_warn_once("exit %u handled as %d with user exit %u\n",
				     v->exit_reason, action, v->user_exit);
			action = ACTION_ERROR;
		}
		if (action != ACTION_RESUME_GUEST)
			break;
	}
	if (action != ACTION_ERROR)
		goto out;

insn_failed:
	/* VMX was turned off for a reboot: that, not the VMCS, failed. */
	if (READ_ONCE(vmx_rebooting))
		return -ESHUTDOWN;
	{
		u64 data[1] = { error };

		vmx_internal_error(v, VMCTL_INTERNAL_VMX_INSN_FAILED, 1, data);
	}
out:
	/* Every return to user space with run filled, counted once. */
	run->exit_count = ++v->user_exits;
	return 0;
}

static int vmx_vcpu_run(struct vmctl_vcpu *vcpu)
{
	int ret = __vmx_vcpu_run(vcpu);

	/* With VT-x off for a reboot, the VMCS cannot be read. */
	if (ret != -EIO)
		vmx_events_fill_run(vcpu->arch);
	return ret;
}

const struct vmctl_backend_ops vmctl_vmx_ops = {
	.name		= "vmx",
	.exit_reasons	= vmx_exit_reasons,
	.nr_exit_reasons = VMX_NR_EXIT_REASONS,
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
	.cycles_khz	= vmx_cycles_khz,
	.set_cpuid	= vmx_set_cpuid,
	.get_cpuid	= vmx_get_cpuid,
	.get_supported_cpuid = vmx_get_supported_cpuid,
	.get_debugregs	= vmx_get_debugregs,
	.set_debugregs	= vmx_set_debugregs,
	.get_xsave	= vmx_get_xsave,
	.set_xsave	= vmx_set_xsave,
	.get_xcrs	= vmx_get_xcrs,
	.set_xcrs	= vmx_set_xcrs,
	.get_state	= vmx_get_state,
	.set_state	= vmx_set_state,
	.get_msrs	= vmx_get_msrs,
	.set_msrs	= vmx_set_msrs,
	.msr_index_list	= vmx_msr_index_list,
	.interrupt	= vmx_vcpu_interrupt,
	.nmi		= vmx_vcpu_nmi,
	.kick		= vmx_vcpu_kick,
	.get_events	= vmx_get_vcpu_events,
	.set_events	= vmx_set_vcpu_events,
	.set_hlt_mode	= vmx_set_hlt_mode,
};
