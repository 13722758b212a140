/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Private to the VT-x backend: per-VM and per-vCPU state, and what its
 * files call in each other (grouped by the file that defines it).
 */
#ifndef VMCTL_VMX_VMX_H
#define VMCTL_VMX_VMX_H

#include <linux/atomic.h>
#include <linux/list.h>
#include <linux/compiler.h>
#include <linux/percpu.h>
#include <linux/smp.h>
#include <linux/types.h>
#include <linux/wait.h>
#include <asm/trapnr.h>

#include "../vmctl.h"
#include "ept.h"
#include "vmcs.h"

/* x86 register numbers, as in instruction encodings and exit qualifications */
enum vmx_gpr {
	GPR_RAX, GPR_RCX, GPR_RDX, GPR_RBX, GPR_RSP, GPR_RBP, GPR_RSI, GPR_RDI,
	GPR_R8, GPR_R9, GPR_R10, GPR_R11, GPR_R12, GPR_R13, GPR_R14, GPR_R15,
	VMX_NR_GPRS
};

/* CR0 and CR4 bits the guest may own (writes do not exit, reads are real). */
#define CR0_GUEST_OWNED		X86_CR0_TS
#define CR4_GUEST_OWNED		(X86_CR4_PGE | X86_CR4_OSFXSR |		\
				 X86_CR4_OSXMMEXCPT | X86_CR4_TSD |	\
				 X86_CR4_DE | X86_CR4_PCE)

/* VPIDs are 16 bits; 0 is the host's. */
#define VMX_MAX_VPID		0xffff

/*
 * The guest MSRs of msr.c, as slots of vmx_vcpu.guest_msr[]: the
 * user-return MSRs first.
 */
enum vmx_guest_msr_slot {
	VMX_MSR_STAR,
	VMX_MSR_LSTAR,
	VMX_MSR_CSTAR,
	VMX_MSR_SFMASK,
	VMX_MSR_TSC_AUX,
	VMX_NR_USER_RETURN_MSRS,
	VMX_MSR_SPEC_CTRL = VMX_NR_USER_RETURN_MSRS,
	VMX_MSR_EFER,			/* lives in the VMCS */
	VMX_NR_GUEST_MSRS
};

struct vmx_vm {
	struct vmx_ept ept;
	u64 id;				/* never reused: see spec.c */
};

struct vmx_vcpu {
	/*
	 * Guest general-purpose registers, indexed by enum vmx_gpr; the
	 * RSP slot is unused (RSP lives in the VMCS).  vmenter.S gets the
	 * offsets from asm-offsets.c.
	 */
	unsigned long gpr[VMX_NR_GPRS];

	struct vmctl_vcpu *vcpu;
	struct vmx_vm *vm;

	void *vmcs;
	u64 vmcs_pa;
	int cpu;			/* where the VMCS is active, or -1 */
	bool launched;			/* VMLAUNCH done since the last VMCLEAR */
	struct list_head loaded_link;	/* on that CPU's list of active VMCSs */
	u16 vpid;			/* 0: VPID not used (none left) */

	/*
	 * The control words as last written to the VMCS, so that reading
	 * one costs no VMREAD and rewriting an unchanged one no VMWRITE.
	 * Only vmcs.c writes them (vmx_set_entry_controls() and the like).
	 */
	struct vmx_controls {
		u32 pin, proc, proc2, exit, entry;
	} ctls;

	/* guest state that the VMCS does not hold */
	unsigned long cr2;
	unsigned long db[4];		/* DR0-DR3 (debug.c) */
	unsigned long dr6;
	unsigned long dr7;		/* as in the VMCS, to test without VMREAD */
	u64 cr8;
	u64 kernel_gs_base;
	u64 guest_msr[VMX_NR_GUEST_MSRS];	/* by enum vmx_guest_msr_slot */
	u64 guest_msr_gen;		/* see msr.c */
	void *fpu;			/* XSAVE (or FXSAVE) image */
	unsigned int fpu_order;
	bool load_pdptes;		/* PAE paging changed: refetch PDPTEs */

	/* host state cached to skip redundant VMWRITEs */
	unsigned long host_cr3, host_cr4, host_fs_base;

	/* an IN exit waits for user space to supply the value */
	bool io_in_pending;
	u8 io_size;
	u8 io_insn_len;
	bool shutdown;			/* triple fault: cannot run again */
	bool check_guest_state;		/* user space set registers: check them */

	/* the current exit */
	u32 exit_reason;
	unsigned long exit_qual;
	u32 exit_intr_info;

	/*
	 * Events (events.c).  requests is the only field other threads
	 * write (VMCTL_INTERRUPT, VMCTL_NMI, VMCTL_KICK set bits in it
	 * atomically); irq is the queued interrupt, set by them only while
	 * 0 and cleared only by the vCPU thread when it injects it.  The run
	 * loop looks at events only while requests is not 0.
	 */
	unsigned long requests;		/* VMX_REQ_* */
	atomic_t irq;			/* VMX_IRQ_QUEUED | vector, or 0 */
	bool in_guest_mode;		/* kicks need an IPI */
	bool nmi_pending;
	bool halted;			/* HLT waits in the kernel */
	bool hlt_exits;			/* VMCTL_HLT_EXIT */
	bool want_irq_window;		/* run->request_interrupt_window */
	bool triple_fault;		/* an exception while delivering #DF */
	wait_queue_head_t halt_wq;

	u64 user_exits;			/* RUN returned to user space */
	/*
	 * What this RUN reported in run->exit_reason.  The kernel never reads
	 * the run page back: user space may rewrite it at any time, from
	 * another thread even while RUN is in progress.
	 */
	u32 user_exit;
};

/* What an exit handler tells the run loop. */
enum vmx_exit_action {
	ACTION_RESUME_GUEST,	/* handled in the kernel: enter again */
	ACTION_EXIT_TO_USER,	/* run->exit_reason is filled */
	ACTION_ERROR,		/* a VMX instruction failed */
};

/* The run structure shared with user space, where exits are reported. */
static inline struct vmctl_run *vmx_run(struct vmx_vcpu *v)
{
	return v->vcpu->run;
}

/* Reports an exit to user space; VMCTL_EXIT_NONE clears the report. */
static inline struct vmctl_run *vmx_report_exit(struct vmx_vcpu *v, u32 reason)
{
	v->user_exit = reason;
	WRITE_ONCE(vmx_run(v)->exit_reason, reason);
	return vmx_run(v);
}

/* Per-CPU VMX state, owned by hw.c. */
struct vmx_cpu {
	void *vmxon_region;
	bool vmx_on;			/* this module did VMXON here */
	bool busy;			/* enable: VMX was taken by someone else */
	struct vmx_vcpu *current_vcpu;	/* whose VMCS is current (VMPTRLD) */
	struct list_head loaded;	/* vmx_vcpu.loaded_link: active VMCSs */
	bool insn_failed;		/* a VMX instruction failed: see vmx_insn_failed() */
	u32 insn_error;
};

DECLARE_PER_CPU(struct vmx_cpu, vmx_cpu);

/*
 * An IPI handler may interrupt code between a failed VMX instruction and
 * the check of it: the handler stashes that failure first and puts it back
 * last, so that it neither clears nor adds to it (its own failures were
 * reported by vmx_insn_failed() and go no further).
 */
struct vmx_insn_failure {
	bool failed;
	u32 error;
};

static inline void vmx_insn_failure_stash(struct vmx_insn_failure *stash)
{
	struct vmx_cpu *c = this_cpu_ptr(&vmx_cpu);

	stash->failed = c->insn_failed;
	stash->error = c->insn_error;
	c->insn_failed = false;
}

static inline void vmx_insn_failure_unstash(const struct vmx_insn_failure *stash)
{
	struct vmx_cpu *c = this_cpu_ptr(&vmx_cpu);

	c->insn_failed = stash->failed;
	c->insn_error = stash->error;
}

/* A failure is waiting for vmx_take_insn_failure(): do not enter. */
static inline bool vmx_insn_failure_pending(void)
{
	return this_cpu_ptr(&vmx_cpu)->insn_failed;
}

/* hw.c */
extern bool vmx_rebooting;		/* the reboot notifier turned VMX off */
int vmx_hw_init(void);
void vmx_hw_exit(void);
int vmx_enable(void);
void vmx_disable(void);
unsigned int vmx_enabled_cpus_count(void);

/*
 * Returns and clears this CPU's VMX instruction failure, if any.  Inline:
 * the run loop asks after every entry.
 */
static inline bool vmx_take_insn_failure(u32 *error)
{
	struct vmx_cpu *c = this_cpu_ptr(&vmx_cpu);

	if (likely(!c->insn_failed))
		return false;
	c->insn_failed = false;
	if (error)
		*error = c->insn_error;
	return true;
}

/* vmcs.c */
void vmx_vmclear_ipi(void *data);
void vmx_vcpu_load_slow(struct vmx_vcpu *v);
void vmx_vcpu_get(struct vmx_vcpu *v);
int vmx_vcpu_put(void);
void vmx_set_entry_controls(struct vmx_vcpu *v, u32 ctls);
void vmx_set_proc_controls(struct vmx_vcpu *v, u32 ctls);
void vmx_setup_host_state(void);
void vmx_setup_controls(struct vmx_vcpu *v);
void vmx_dump_vmcs(struct vmx_vcpu *v);

/*
 * Make v's VMCS current on this CPU.  Preemption is disabled and
 * interrupts are enabled.  Inline for the run loop's common case: the
 * VMCS is already current here.
 */
static inline void vmx_vcpu_load(struct vmx_vcpu *v)
{
	if (likely(READ_ONCE(v->cpu) == smp_processor_id() &&
		   this_cpu_read(vmx_cpu.current_vcpu) == v))
		return;
	vmx_vcpu_load_slow(v);
}

/* fpu.c */
extern unsigned int vmx_fpu_size;	/* bytes of a guest FPU image */
void vmx_setup_fpu_format(void);
void vmx_init_fpu(struct vmx_vcpu *v);
/* vmx_fpu_load_guest() and vmx_fpu_save_guest() are in fpu.h */
void vmx_guest_cpuid_xstate(u32 sub, u32 *eax, u32 *ebx, u32 *ecx, u32 *edx);

/* msr.c */
void vmx_setup_guest_msrs(void);
void vmx_msr_exit(void);
void vmx_init_guest_msrs(struct vmx_vcpu *v);
void vmx_msr_enter_guest(struct vmx_vcpu *v);
void vmx_msr_exit_guest(struct vmx_vcpu *v);
enum vmx_exit_action vmx_handle_rdmsr(struct vmx_vcpu *v);
enum vmx_exit_action vmx_handle_wrmsr(struct vmx_vcpu *v);

/* spec.c */
void vmx_setup_spec(void);
u64 vmx_new_vm_id(void);
void vmx_spec_enter_guest(struct vmx_vcpu *v);

/* exit_reasons.c */
extern const struct vmctl_exit_reason_desc vmx_exit_reasons[VMX_NR_EXIT_REASONS];

/* state.c */
u64 vmx_get_cr4(void);
void vmx_apply_efer(struct vmx_vcpu *v, u64 efer, u64 cr0);
void vmx_write_pdptes(const u64 *pdpte);
void vmx_reset_guest_state(struct vmx_vcpu *v);
int vmx_get_regs(struct vmctl_vcpu *vcpu, struct vmctl_regs *regs);
int vmx_set_regs(struct vmctl_vcpu *vcpu, const struct vmctl_regs *regs);
int vmx_get_sregs(struct vmctl_vcpu *vcpu, struct vmctl_sregs *sregs);
int vmx_set_sregs(struct vmctl_vcpu *vcpu, const struct vmctl_sregs *sregs);
bool vmx_guest_in_64bit_mode(struct vmx_vcpu *v);
unsigned long vmx_read_gpr(struct vmx_vcpu *v, unsigned int reg);
void vmx_write_gpr(struct vmx_vcpu *v, unsigned int reg, unsigned long val);
void vmx_skip_instruction(struct vmx_vcpu *v, unsigned int len);
void vmx_skip_exiting_instruction(struct vmx_vcpu *v);
enum vmx_exit_action vmx_handle_cr_access(struct vmx_vcpu *v);
struct vmx_guest_state;
void vmx_read_guest_state(struct vmx_vcpu *v, struct vmx_guest_state *s);

/*
 * Exceptions that exit: only #MC, which belongs to the host (see
 * vmx_exit_is_machine_check()).
 */
#define VMX_EXCEPTION_BITMAP	BIT(X86_TRAP_MC)

/* debug.c */
enum vmx_exit_action vmx_handle_dr_access(struct vmx_vcpu *v);
void vmx_reset_debug_state(struct vmx_vcpu *v);

/* io.c */
enum vmx_exit_action vmx_handle_io(struct vmx_vcpu *v);
void vmx_complete_io_in(struct vmx_vcpu *v);
enum vmx_exit_action vmx_handle_ept_violation(struct vmx_vcpu *v);

/* events.c */
#define VMX_REQ_IRQ		0	/* VMCTL_INTERRUPT queued one */
#define VMX_REQ_NMI		1	/* VMCTL_NMI */
#define VMX_REQ_KICK		2	/* VMCTL_KICK: return to user space */
#define VMX_REQ_EVENTS		3	/* the vCPU's own: events to look at */
/* what other threads post; any of these wakes a halted vCPU */
#define VMX_REQ_ARRIVALS	(BIT(VMX_REQ_IRQ) | BIT(VMX_REQ_NMI) | BIT(VMX_REQ_KICK))
#define VMX_IRQ_QUEUED		0x100

void vmx_init_events(struct vmx_vcpu *v);
void vmx_queue_exception(struct vmx_vcpu *v, unsigned int vector,
			 bool has_error_code, u32 error_code);
void vmx_inject_gp(struct vmx_vcpu *v);
void vmx_save_idt_vectoring(struct vmx_vcpu *v);
int vmx_events_before_entry(struct vmx_vcpu *v);
void vmx_events_fill_run(struct vmx_vcpu *v);
enum vmx_exit_action vmx_handle_hlt(struct vmx_vcpu *v);
enum vmx_exit_action vmx_handle_irq_window(struct vmx_vcpu *v);
enum vmx_exit_action vmx_handle_nmi_window(struct vmx_vcpu *v);
int vmx_vcpu_interrupt(struct vmctl_vcpu *vcpu, u32 vector);
int vmx_vcpu_nmi(struct vmctl_vcpu *vcpu);
int vmx_vcpu_kick(struct vmctl_vcpu *vcpu);
int vmx_get_vcpu_events(struct vmctl_vcpu *vcpu, struct vmctl_vcpu_events *ev);
int vmx_set_vcpu_events(struct vmctl_vcpu *vcpu, const struct vmctl_vcpu_events *ev);
int vmx_set_hlt_mode(struct vmctl_vcpu *vcpu, u32 mode);

/*
 * Exits that can interrupt the delivery of an event through the guest's
 * IDT (SDM "Information for VM Exits During Event Delivery"); only after
 * these is the IDT-vectoring field read.  Instruction exits (CPUID, I/O,
 * ...) never happen mid-delivery.
 */
#define VMX_EXITS_DURING_DELIVERY					\
	(BIT_ULL(VMX_EXIT_EXCEPTION_NMI) | BIT_ULL(VMX_EXIT_EXTERNAL_INTERRUPT) | \
	 BIT_ULL(VMX_EXIT_TASK_SWITCH) |					\
	 BIT_ULL(VMX_EXIT_EPT_VIOLATION) | BIT_ULL(VMX_EXIT_EPT_MISCONFIG) | \
	 BIT_ULL(VMX_EXIT_PREEMPTION_TIMER))

/* entry_fail.c */
bool vmx_precheck_guest_state(struct vmx_vcpu *v);
enum vmx_exit_action vmx_entry_failed(struct vmx_vcpu *v, bool vmfail);

/* entry_work.c */
int vmx_handle_entry_work(void);
bool vmx_entry_work_pending(void);

/* vmx.c */
enum vmx_exit_action vmx_internal_error(struct vmx_vcpu *v, u32 suberror,
					unsigned int ndata, const u64 *data);
enum vmx_exit_action vmx_unhandled_exit(struct vmx_vcpu *v);
extern void *vmx_msr_bitmap;		/* all ones: every MSR access exits */

/* vmenter.S */
enum vmx_vmenter_result {
	VMENTER_EXITED,		/* a VM exit, or an entry failure as one */
	VMENTER_VMFAIL,		/* VMLAUNCH/VMRESUME or a VMWRITE failed */
	VMENTER_FAULT,		/* a VMX instruction faulted: VMX is off */
};

int vmctl_vmx_vmenter(unsigned long *gpr, bool launched);
void vmctl_vmx_forward_nmi(void);
extern const char vmctl_vmx_vmexit[];

#endif /* VMCTL_VMX_VMX_H */
