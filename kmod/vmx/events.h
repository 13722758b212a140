/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Event-injection decisions, pure functions of guest state so that KUnit
 * (events_kunit.c) can check them without a VMCS: may an interrupt or NMI
 * be injected now, and what a second exception raised while a first is
 * being delivered becomes (SDM "Conditions for Generating a Double Fault").
 */
#ifndef VMCTL_VMX_EVENTS_H
#define VMCTL_VMX_EVENTS_H

#include <linux/bits.h>
#include <linux/types.h>
#include <asm/processor-flags.h>
#include <asm/trapnr.h>

#include "vmcs.h"

/* What the guest's state allows at the next entry. */
struct vmx_event_window {
	unsigned long rflags;
	u32 interruptibility;		/* VMCS guest interruptibility state */
	u32 entry_intr_info;		/* an event already set up for injection */
};

/* Only one event can be injected per entry. */
static inline bool vmx_event_slot_busy(const struct vmx_event_window *w)
{
	return w->entry_intr_info & INTR_INFO_VALID;
}

/*
 * An external interrupt is taken with RFLAGS.IF set and no STI or MOV-SS
 * shadow (SDM "Interruptibility State"); VM entry refuses to inject one
 * otherwise.
 */
static inline bool vmx_irq_allowed(const struct vmx_event_window *w)
{
	return !vmx_event_slot_busy(w) && (w->rflags & X86_EFLAGS_IF) &&
	       !(w->interruptibility &
		 (INTERRUPTIBILITY_STI | INTERRUPTIBILITY_MOV_SS));
}

/*
 * An NMI is blocked by an NMI in service (until IRET) and by MOV-SS.
 * STI blocking may or may not block NMIs depending on the processor, and
 * an NMI injected with it set fails VM entry on some: treat it as
 * blocking, as KVM does.
 */
static inline bool vmx_nmi_allowed(const struct vmx_event_window *w)
{
	return !vmx_event_slot_busy(w) &&
	       !(w->interruptibility &
		 (INTERRUPTIBILITY_NMI | INTERRUPTIBILITY_STI |
		  INTERRUPTIBILITY_MOV_SS));
}

/* Exception classes of the double-fault rules. */
enum vmx_exception_class {
	VMX_EXC_BENIGN,
	VMX_EXC_CONTRIBUTORY,
	VMX_EXC_PAGE_FAULT,
};

static inline enum vmx_exception_class vmx_exception_class(unsigned int vector)
{
	switch (vector) {
	case X86_TRAP_DE:
	case X86_TRAP_TS:
	case X86_TRAP_NP:
	case X86_TRAP_SS:
	case X86_TRAP_GP:
		return VMX_EXC_CONTRIBUTORY;
	case X86_TRAP_PF:
		return VMX_EXC_PAGE_FAULT;
	default:
		return VMX_EXC_BENIGN;
	}
}

/* Whether the CPU pushes an error code for this exception vector. */
static inline bool vmx_exception_has_error_code(unsigned int vector)
{
	switch (vector) {
	case X86_TRAP_DF:
	case X86_TRAP_TS:
	case X86_TRAP_NP:
	case X86_TRAP_SS:
	case X86_TRAP_GP:
	case X86_TRAP_PF:
	case X86_TRAP_AC:
	case X86_TRAP_CP:
		return true;
	default:
		return false;
	}
}

/* What a second exception does to a first one not yet delivered. */
enum vmx_exception_merge {
	VMX_MERGE_SECOND,		/* the second replaces the first */
	VMX_MERGE_DOUBLE_FAULT,		/* both become #DF(0) */
	VMX_MERGE_TRIPLE_FAULT,		/* a fault while delivering #DF: shutdown */
};

static inline enum vmx_exception_merge
vmx_merge_exceptions(unsigned int first, unsigned int second)
{
	enum vmx_exception_class c1 = vmx_exception_class(first);
	enum vmx_exception_class c2 = vmx_exception_class(second);

	if (first == X86_TRAP_DF)
		return VMX_MERGE_TRIPLE_FAULT;
	if ((c1 == VMX_EXC_CONTRIBUTORY && c2 == VMX_EXC_CONTRIBUTORY) ||
	    (c1 == VMX_EXC_PAGE_FAULT && c2 != VMX_EXC_BENIGN))
		return VMX_MERGE_DOUBLE_FAULT;
	/*
	 * Handled serially: the CPU would deliver the second, and the first
	 * comes back when the faulting instruction runs again.
	 */
	return VMX_MERGE_SECOND;
}

#endif /* VMCTL_VMX_EVENTS_H */
