// SPDX-License-Identifier: GPL-2.0
/*
 * Events: exceptions, external interrupts and NMIs for the guest, the
 * interrupt and NMI windows, IDT-vectoring re-injection, HLT and kicks.
 *
 * The VM-entry interruption-information field is the one slot of "the
 * event the next entry delivers": an exception the kernel raises, an
 * event whose delivery an exit interrupted, or an interrupt or NMI from
 * user space once the guest can take it.  Interrupts and NMIs wait
 * outside it (v->irq, v->nmi_pending) until then; other threads post
 * them in v->requests and kick the vCPU.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/bitops.h>
#include <linux/kernel.h>
#include <linux/sched/signal.h>
#include <linux/smp.h>
#include <linux/string.h>
#include <linux/wait.h>
#include <asm/processor-flags.h>
#include <asm/trapnr.h>

#include "../stats.h"
#include "capabilities.h"
#include "events.h"
#include "vmx.h"
#include "vmx_ops.h"

/* Fields of the entry interruption information that VM entry looks at */
#define VMX_EVENT_INFO_MASK	(INTR_INFO_VALID | INTR_INFO_DELIVER_CODE | \
				 INTR_INFO_TYPE_MASK | INTR_INFO_VECTOR_MASK)
#define INTR_TYPE_PRIV_SW_EXCEPTION	(5U << 8)	/* INT1 */
#define INTR_TYPE_SW_EXCEPTION		(6U << 8)	/* INT3, INTO */

void vmx_init_events(struct vmx_vcpu *v)
{
	atomic_set(&v->irq, 0);
	init_waitqueue_head(&v->halt_wq);
}

static void vmx_count(struct vmx_vcpu *v, enum vmctl_stat stat)
{
	vmctl_stat_add(&v->vcpu->stats->counters[stat], 1);
}

/* Types delivered "after" an instruction: entry needs its length. */
static bool vmx_event_is_soft(u32 info)
{
	u32 type = info & INTR_INFO_TYPE_MASK;

	return type == INTR_TYPE_SW_INTR || type == INTR_TYPE_PRIV_SW_EXCEPTION ||
	       type == INTR_TYPE_SW_EXCEPTION;
}

/* Sets up the event the next entry delivers; the VMCS is current. */
static void vmx_write_event(u32 info, u32 error_code, u32 insn_len)
{
	if (info & INTR_INFO_DELIVER_CODE)
		vmcs_write32(VMCS_ENTRY_EXCEPTION_ERROR_CODE, error_code);
	if (vmx_event_is_soft(info))
		vmcs_write32(VMCS_ENTRY_INSTRUCTION_LEN, insn_len);
	vmcs_write32(VMCS_ENTRY_INTR_INFO, info);
}

/* Real mode delivers exceptions without an error code (and VM entry insists). */
static bool vmx_guest_protected(void)
{
	return vmcs_readl(VMCS_CR0_READ_SHADOW) & X86_CR0_PE;
}

/*
 * Raises an exception in the guest at the next entry, the one way the
 * kernel does.  A second exception while the first is not delivered yet
 * (the first was interrupted by this exit, or raised earlier in this
 * exit) follows the double-fault rules: #DF, or a triple fault that ends
 * the run with VMCTL_EXIT_SHUTDOWN.  The VMCS is current.
 */
void vmx_queue_exception(struct vmx_vcpu *v, unsigned int vector,
			 bool has_error_code, u32 error_code)
{
	u32 first = vmcs_read32(VMCS_ENTRY_INTR_INFO);
	u32 info;

	if ((first & INTR_INFO_VALID) &&
	    (first & INTR_INFO_TYPE_MASK) == INTR_TYPE_HW_EXCEPTION) {
		switch (vmx_merge_exceptions(first & INTR_INFO_VECTOR_MASK,
					     vector)) {
		case VMX_MERGE_TRIPLE_FAULT:
			vmcs_write32(VMCS_ENTRY_INTR_INFO, 0);
			v->triple_fault = true;
			set_bit(VMX_REQ_EVENTS, &v->requests);
			return;
		case VMX_MERGE_DOUBLE_FAULT:
			vector = X86_TRAP_DF;
			has_error_code = true;
			error_code = 0;
			break;
		case VMX_MERGE_SECOND:
			break;
		}
	}
	info = vector | INTR_TYPE_HW_EXCEPTION | INTR_INFO_VALID;
	if (has_error_code && vmx_guest_protected())
		info |= INTR_INFO_DELIVER_CODE;
	vmx_write_event(info, error_code, 0);
	vmx_count(v, VMCTL_STAT_INJECTED_EXCEPTIONS);
}

/* #GP(0) at the next entry. */
void vmx_inject_gp(struct vmx_vcpu *v)
{
	vmx_queue_exception(v, X86_TRAP_GP, true, 0);
}

/*
 * After an exit that can happen during event delivery (interrupts off,
 * the VMCS current): an event whose delivery the exit interrupted is
 * delivered again, exactly once, at the next entry: with its error code,
 * and for INT n/INT3/INTO with the instruction length, so that the
 * guest's handler sees the return address past the instruction.
 */
void vmx_save_idt_vectoring(struct vmx_vcpu *v)
{
	u32 info = vmcs_read32(VMCS_IDT_VECTORING_INFO);
	u32 error_code = 0, len = 0;

	if (likely(!(info & INTR_INFO_VALID)))
		return;
	info &= VMX_EVENT_INFO_MASK;
	if (info & INTR_INFO_DELIVER_CODE)
		error_code = vmcs_read32(VMCS_IDT_VECTORING_ERROR_CODE);
	if (vmx_event_is_soft(info))
		len = vmcs_read32(VMCS_EXIT_INSTRUCTION_LEN);
	/* An NMI interrupted in delivery is not yet blocking NMIs. */
	if ((info & INTR_INFO_TYPE_MASK) == INTR_TYPE_NMI)
		vmcs_write32(VMCS_GUEST_INTERRUPTIBILITY,
			     vmcs_read32(VMCS_GUEST_INTERRUPTIBILITY) &
			     ~INTERRUPTIBILITY_NMI);
	vmx_write_event(info, error_code, len);
}

static void vmx_read_event_window(struct vmx_event_window *w)
{
	w->rflags = vmcs_readl(VMCS_GUEST_RFLAGS);
	w->interruptibility = vmcs_read32(VMCS_GUEST_INTERRUPTIBILITY);
	w->entry_intr_info = vmcs_read32(VMCS_ENTRY_INTR_INFO);
}

/*
 * Moves what can be delivered now into the entry slot and arms the
 * windows for the rest.  Returns whether the guest could take an
 * interrupt from user space right now.  The VMCS is current.
 */
static bool vmx_inject_pending(struct vmx_vcpu *v)
{
	struct vmx_event_window w;
	u32 proc = v->ctls.proc & ~(PROC_INTR_WINDOW_EXITING |
				    PROC_NMI_WINDOW_EXITING);
	int irq;

	vmx_read_event_window(&w);
	/* NMIs before interrupts (SDM "Priority Among Concurrent Events") */
	if (v->nmi_pending && vmx_nmi_allowed(&w)) {
		w.entry_intr_info = X86_TRAP_NMI | INTR_TYPE_NMI | INTR_INFO_VALID;
		vmx_write_event(w.entry_intr_info, 0, 0);
		v->nmi_pending = false;
	}
	irq = atomic_read(&v->irq);
	if (irq && vmx_irq_allowed(&w)) {
		w.entry_intr_info = (irq & INTR_INFO_VECTOR_MASK) |
				    INTR_TYPE_EXT_INTR | INTR_INFO_VALID;
		vmx_write_event(w.entry_intr_info, 0, 0);
		/* Only this thread clears it: the next VMCTL_INTERRUPT may go. */
		atomic_set(&v->irq, 0);
		irq = 0;
		vmx_count(v, VMCTL_STAT_INJECTED_IRQS);
	}
	if (vmx_event_slot_busy(&w))
		v->halted = false;	/* the event's delivery wakes the guest */
	if (v->nmi_pending)
		proc |= PROC_NMI_WINDOW_EXITING;
	if (irq || v->want_irq_window)
		proc |= PROC_INTR_WINDOW_EXITING;
	vmx_set_proc_controls(v, proc);
	return !irq && vmx_irq_allowed(&w);
}

static bool vmx_events_waiting(struct vmx_vcpu *v)
{
	return v->halted || v->nmi_pending || atomic_read(&v->irq) ||
	       v->want_irq_window;
}

/*
 * Before entering, when v->requests is not 0 (the run loop's one test on
 * its fast path).  Returns 0 to enter, 1 when run is filled for user space
 * (window open, shutdown), or -EINTR (a kick, or a signal in HLT).  A
 * halted vCPU sleeps here, on halt_wq, until another thread posts an
 * arrival: the bit is set before the wake-up and tested after the
 * sleeper queued itself, so no wake-up is lost.
 */
int vmx_events_before_entry(struct vmx_vcpu *v)
{
	bool ready;

	for (;;) {
		if (test_and_clear_bit(VMX_REQ_KICK, &v->requests)) {
			vmx_report_exit(v, VMCTL_EXIT_INTR);
			return -EINTR;
		}
		clear_bit(VMX_REQ_EVENTS, &v->requests);
		clear_bit(VMX_REQ_IRQ, &v->requests);
		if (test_and_clear_bit(VMX_REQ_NMI, &v->requests))
			v->nmi_pending = true;
		if (v->triple_fault) {
			v->triple_fault = false;
			v->shutdown = true;
			vmx_report_exit(v, VMCTL_EXIT_SHUTDOWN);
			return 1;
		}

		vmx_vcpu_get(v);
		ready = vmx_inject_pending(v);
		if (vmx_vcpu_put())
			return -EIO;

		if (vmx_events_waiting(v))
			set_bit(VMX_REQ_EVENTS, &v->requests);
		if (v->want_irq_window && ready) {
			vmx_report_exit(v, VMCTL_EXIT_IRQ_WINDOW_OPEN);
			return 1;
		}
		if (!v->halted)
			return 0;
		if (wait_event_interruptible(v->halt_wq,
					     READ_ONCE(v->requests) & VMX_REQ_ARRIVALS)) {
			vmx_report_exit(v, VMCTL_EXIT_INTR);
			return -EINTR;
		}
	}
}

/* At every return from RUN: what user space needs to decide on injection. */
void vmx_events_fill_run(struct vmx_vcpu *v)
{
	struct vmctl_run *run = vmx_run(v);
	struct vmx_event_window w;

	vmx_vcpu_get(v);
	vmx_read_event_window(&w);
	vmx_vcpu_put();
	WRITE_ONCE(run->if_flag, !!(w.rflags & X86_EFLAGS_IF));
	WRITE_ONCE(run->ready_for_interrupt_injection,
		   !atomic_read(&v->irq) && vmx_irq_allowed(&w));
}

/*
 * HLT, RIP already past it.  With RFLAGS.IF set (or an NMI on its way) an
 * interrupt can end it: wait in the kernel (vmx_events_before_entry()).
 * Otherwise nothing but an NMI from user space could, and the HLT goes to
 * user space as it always did; so does every HLT in VMCTL_HLT_EXIT mode.
 */
enum vmx_exit_action vmx_handle_hlt(struct vmx_vcpu *v)
{
	vmx_skip_exiting_instruction(v);
	if (!v->hlt_exits &&
	    ((vmcs_readl(VMCS_GUEST_RFLAGS) & X86_EFLAGS_IF) || v->nmi_pending ||
	     test_bit(VMX_REQ_NMI, &v->requests))) {
		v->halted = true;
		set_bit(VMX_REQ_EVENTS, &v->requests);
		return ACTION_RESUME_GUEST;
	}
	vmx_report_exit(v, VMCTL_EXIT_HLT);
	return ACTION_EXIT_TO_USER;
}

/* The guest can take what was waiting: vmx_events_before_entry() injects. */
enum vmx_exit_action vmx_handle_irq_window(struct vmx_vcpu *v)
{
	vmx_set_proc_controls(v, v->ctls.proc & ~PROC_INTR_WINDOW_EXITING);
	set_bit(VMX_REQ_EVENTS, &v->requests);
	return ACTION_RESUME_GUEST;
}

enum vmx_exit_action vmx_handle_nmi_window(struct vmx_vcpu *v)
{
	vmx_set_proc_controls(v, v->ctls.proc & ~PROC_NMI_WINDOW_EXITING);
	set_bit(VMX_REQ_EVENTS, &v->requests);
	return ACTION_RESUME_GUEST;
}

/* ---- from any thread ----------------------------------------------------- */

static void vmx_kick_ipi(void *unused)
{
	/* Nothing to do: the interrupt itself made the guest exit. */
}

/*
 * Makes the vCPU look at v->requests soon: wakes it from HLT, and forces
 * an exit if it is in guest mode.  The vCPU publishes in_guest_mode
 * before its last look at requests with interrupts off, and we post the
 * request before looking at in_guest_mode (both with full barriers): either
 * it sees the request or we see it in the guest and the IPI, pending
 * while its interrupts are off, makes it exit right after entry.
 */
static void vmx_post_request(struct vmx_vcpu *v, unsigned int req)
{
	int cpu;

	set_bit(req, &v->requests);
	smp_mb__after_atomic();	/* pairs with smp_store_mb(in_guest_mode) */
	if (READ_ONCE(v->in_guest_mode)) {
		cpu = READ_ONCE(v->cpu);
		if (cpu >= 0 && cpu != raw_smp_processor_id())
			smp_call_function_single(cpu, vmx_kick_ipi, NULL, 0);
	}
	wake_up_interruptible(&v->halt_wq);
}

int vmx_vcpu_interrupt(struct vmctl_vcpu *vcpu, u32 vector)
{
	struct vmx_vcpu *v = vcpu->arch;

	if (vector > 255)
		return -EINVAL;
	if (atomic_cmpxchg(&v->irq, 0, VMX_IRQ_QUEUED | vector))
		return -EEXIST;
	vmx_post_request(v, VMX_REQ_IRQ);
	return 0;
}

int vmx_vcpu_nmi(struct vmctl_vcpu *vcpu)
{
	if (!cpu_has_vmx_virtual_nmis())
		return -EOPNOTSUPP;
	vmx_post_request(vcpu->arch, VMX_REQ_NMI);
	return 0;
}

int vmx_vcpu_kick(struct vmctl_vcpu *vcpu)
{
	vmx_post_request(vcpu->arch, VMX_REQ_KICK);
	return 0;
}

/* ---- GET/SET_VCPU_EVENTS (run_lock held) ------------------------------- */

int vmx_get_vcpu_events(struct vmctl_vcpu *vcpu, struct vmctl_vcpu_events *ev)
{
	struct vmx_vcpu *v = vcpu->arch;
	u32 info, type, intr;
	int irq;

	vmx_vcpu_get(v);
	info = vmcs_read32(VMCS_ENTRY_INTR_INFO);
	intr = vmcs_read32(VMCS_GUEST_INTERRUPTIBILITY);
	if (info & INTR_INFO_VALID) {
		type = info & INTR_INFO_TYPE_MASK;
		if (vmx_event_is_soft(info))
			ev->instruction_len = vmcs_read32(VMCS_ENTRY_INSTRUCTION_LEN);
		if (type == INTR_TYPE_EXT_INTR || type == INTR_TYPE_SW_INTR) {
			ev->interrupt.injected = 1;
			ev->interrupt.nr = info & INTR_INFO_VECTOR_MASK;
			ev->interrupt.soft = type == INTR_TYPE_SW_INTR;
		} else if (type == INTR_TYPE_NMI) {
			ev->nmi.injected = 1;
		} else {
			ev->exception.injected = 1;
			ev->exception.nr = info & INTR_INFO_VECTOR_MASK;
			if (type == INTR_TYPE_SW_EXCEPTION)
				ev->exception_soft = VMCTL_EXCEPTION_SOFT;
			else if (type == INTR_TYPE_PRIV_SW_EXCEPTION)
				ev->exception_soft = VMCTL_EXCEPTION_ICEBP;
			if (info & INTR_INFO_DELIVER_CODE) {
				ev->exception.has_error_code = 1;
				ev->exception.error_code =
					vmcs_read32(VMCS_ENTRY_EXCEPTION_ERROR_CODE);
			}
		}
	}
	if (vmx_vcpu_put())
		return -EIO;
	ev->nmi.masked = !!(intr & INTERRUPTIBILITY_NMI);
	ev->nmi.pending = v->nmi_pending || test_bit(VMX_REQ_NMI, &v->requests);
	irq = atomic_read(&v->irq);
	if (irq) {
		ev->interrupt.pending = 1;
		/* One interrupt at a time: the pending one has the nr field. */
		if (!ev->interrupt.injected)
			ev->interrupt.nr = irq & INTR_INFO_VECTOR_MASK;
	}
	if (intr & INTERRUPTIBILITY_STI)
		ev->shadow |= VMCTL_SHADOW_STI;
	if (intr & INTERRUPTIBILITY_MOV_SS)
		ev->shadow |= VMCTL_SHADOW_MOV_SS;
	return 0;
}

static bool vmx_flag_ok(u8 flag)
{
	return flag <= 1;
}

/* The entry interruption information for ev, or 0; -EINVAL if invalid. */
static int vmx_events_entry_info(const struct vmctl_vcpu_events *ev,
				 bool protected, u32 *info)
{
	bool exc = ev->exception.injected || ev->exception.pending;
	unsigned int injected = exc + ev->interrupt.injected + ev->nmi.injected;
	bool soft = ev->interrupt.soft || ev->exception_soft;
	u8 nr = ev->exception.nr;

	*info = 0;
	if (injected > 1 || ev->exception_soft > VMCTL_EXCEPTION_ICEBP)
		return -EINVAL;
	if (soft != !!ev->instruction_len || ev->instruction_len > 15)
		return -EINVAL;
	if (ev->interrupt.soft && !ev->interrupt.injected)
		return -EINVAL;
	if (ev->exception_soft && !exc)
		return -EINVAL;
	if (exc) {
		if (nr > 31 || nr == X86_TRAP_NMI ||
		    ev->exception.has_error_code != vmx_exception_has_error_code(nr))
			return -EINVAL;
		if (ev->exception_soft == VMCTL_EXCEPTION_SOFT) {
			if (nr != X86_TRAP_BP && nr != X86_TRAP_OF)
				return -EINVAL;
			*info = INTR_TYPE_SW_EXCEPTION;
		} else if (ev->exception_soft == VMCTL_EXCEPTION_ICEBP) {
			if (nr != X86_TRAP_DB)
				return -EINVAL;
			*info = INTR_TYPE_PRIV_SW_EXCEPTION;
		} else {
			*info = INTR_TYPE_HW_EXCEPTION;
		}
		*info |= nr | INTR_INFO_VALID;
		if (ev->exception.has_error_code && protected)
			*info |= INTR_INFO_DELIVER_CODE;
	} else if (ev->interrupt.injected) {
		*info = ev->interrupt.nr | INTR_INFO_VALID |
			(ev->interrupt.soft ? INTR_TYPE_SW_INTR : INTR_TYPE_EXT_INTR);
	} else if (ev->nmi.injected) {
		*info = X86_TRAP_NMI | INTR_TYPE_NMI | INTR_INFO_VALID;
	}
	return 0;
}

/*
 * Every rule of VMCTL_SET_VCPU_EVENTS, for a guest in protected mode or
 * not and with these RFLAGS: SET_VCPU_EVENTS judges ev against the vCPU
 * as it is, the state blob against the registers it brings along.  Fills
 * *info with the entry interruption information ev stands for.
 */
int vmx_check_vcpu_events(const struct vmctl_vcpu_events *ev, bool protected,
			  unsigned long rflags, u32 *info)
{
	int err;

	if (ev->flags || ev->pad || ev->nmi.pad ||
	    memchr_inv(ev->reserved, 0, sizeof(ev->reserved)))
		return -EINVAL;
	if (!vmx_flag_ok(ev->exception.injected) || !vmx_flag_ok(ev->exception.pending) ||
	    !vmx_flag_ok(ev->exception.has_error_code) ||
	    !vmx_flag_ok(ev->interrupt.injected) || !vmx_flag_ok(ev->interrupt.pending) ||
	    !vmx_flag_ok(ev->interrupt.soft) || !vmx_flag_ok(ev->nmi.injected) ||
	    !vmx_flag_ok(ev->nmi.pending) || !vmx_flag_ok(ev->nmi.masked))
		return -EINVAL;
	if (ev->shadow & ~(VMCTL_SHADOW_STI | VMCTL_SHADOW_MOV_SS) ||
	    ev->shadow == (VMCTL_SHADOW_STI | VMCTL_SHADOW_MOV_SS))
		return -EINVAL;
	if ((ev->nmi.injected || ev->nmi.pending || ev->nmi.masked) &&
	    !cpu_has_vmx_virtual_nmis())
		return -EINVAL;
	/* Both interrupt states name one vector: nr. */
	if (ev->interrupt.injected && ev->interrupt.pending)
		return -EINVAL;
	err = vmx_events_entry_info(ev, protected, info);
	if (err)
		return err;
	if ((ev->shadow & VMCTL_SHADOW_STI) && !(rflags & X86_EFLAGS_IF))
		return -EINVAL;
	if (ev->interrupt.injected && !ev->interrupt.soft &&
	    !(rflags & X86_EFLAGS_IF))
		return -EINVAL;
	return 0;
}

int vmx_set_vcpu_events(struct vmctl_vcpu *vcpu, const struct vmctl_vcpu_events *ev)
{
	struct vmx_vcpu *v = vcpu->arch;
	u32 info, intr = 0;
	int err;

	vmx_vcpu_get(v);
	err = vmx_check_vcpu_events(ev, vmx_guest_protected(),
				    vmcs_readl(VMCS_GUEST_RFLAGS), &info);
	if (err) {
		vmx_vcpu_put();
		return err;
	}
	if (ev->shadow & VMCTL_SHADOW_STI)
		intr |= INTERRUPTIBILITY_STI;
	if (ev->shadow & VMCTL_SHADOW_MOV_SS)
		intr |= INTERRUPTIBILITY_MOV_SS;
	if (ev->nmi.masked)
		intr |= INTERRUPTIBILITY_NMI;
	intr |= vmcs_read32(VMCS_GUEST_INTERRUPTIBILITY) & INTERRUPTIBILITY_SMI;
	vmcs_write32(VMCS_GUEST_INTERRUPTIBILITY, intr);
	vmx_write_event(info, ev->exception.error_code, ev->instruction_len);
	err = vmx_vcpu_put();

	v->nmi_pending = ev->nmi.pending;
	clear_bit(VMX_REQ_NMI, &v->requests);
	atomic_set(&v->irq, ev->interrupt.pending ?
		   VMX_IRQ_QUEUED | ev->interrupt.nr : 0);
	set_bit(VMX_REQ_EVENTS, &v->requests);
	v->check_guest_state = true;
	return err;
}

int vmx_set_hlt_mode(struct vmctl_vcpu *vcpu, u32 mode)
{
	struct vmx_vcpu *v = vcpu->arch;

	if (mode != VMCTL_HLT_WAIT && mode != VMCTL_HLT_EXIT)
		return -EINVAL;
	v->hlt_exits = mode == VMCTL_HLT_EXIT;
	return 0;
}
