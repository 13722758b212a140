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
#include "../x86/insn_decode.h"
#include "ept.h"
#include "string_io.h"
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
 * The guest MSRs that msr.c keeps in vmx_vcpu.guest_msr[] (msr_policy.h
 * says which MSR lives where): the user-return MSRs first.
 */
#define VMX_MC_BANKS		4	/* machine-check banks (msr_policy.h) */

enum vmx_guest_msr_slot {
	VMX_MSR_STAR,
	VMX_MSR_LSTAR,
	VMX_MSR_CSTAR,
	VMX_MSR_SFMASK,
	VMX_MSR_TSC_AUX,
	VMX_NR_USER_RETURN_MSRS,
	VMX_MSR_SPEC_CTRL = VMX_NR_USER_RETURN_MSRS,
	VMX_MSR_PAT,			/* without the VMCS's PAT controls */
	VMX_MSR_APIC_BASE,
	VMX_MSR_MISC_ENABLE,
	VMX_MSR_MCG_STATUS,
	VMX_MSR_TSC_ADJUST,
	VMX_MSR_MTRR_DEF_TYPE,
	VMX_MSR_MTRR_VAR,		/* 8 PHYSBASE/PHYSMASK pairs */
	VMX_MSR_MTRR_FIX64K = VMX_MSR_MTRR_VAR + 16,
	VMX_MSR_MTRR_FIX16K,		/* 2 */
	VMX_MSR_MTRR_FIX4K = VMX_MSR_MTRR_FIX16K + 2,	/* 8 */
	VMX_MSR_MCG_CTL = VMX_MSR_MTRR_FIX4K + 8,
	VMX_MSR_MC_BANKS,		/* MCi_CTL/STATUS/ADDR/MISC, VMX_MC_BANKS of them */
	VMX_NR_GUEST_MSRS = VMX_MSR_MC_BANKS + 4 * VMX_MC_BANKS
};

struct vmx_vm {
	struct vmx_ept ept;
	u64 id;				/* never reused: see spec.c */
};

/* string_io.c: the batch of an INS/OUTS exit */
struct vmx_strio {
	struct strio_op op;
	u16 port;
	u8 insn_len;
	bool in_pending;		/* INS: the next RUN brings the values */
	u32 count;			/* elements in the batch */
	u64 gpa[2];			/* its bytes: one range, or two for */
	u32 len[2];			/* an element across a page boundary */
	u8 buf[VMCTL_IO_DATA_SIZE];	/* the batch in guest-memory order */
};

/* mmio.c: where one page's part of a memory operand is */
struct vmx_mmio_piece {
	u64 gpa;
	u8 offset;			/* of its first byte in the operand */
	u8 len;
};

/* mmio.c: an MMIO instruction between its exits and its completion */
struct vmx_mmio {
	struct vmctl_insn insn;
	/* insn.mem[0] and mem[1], each one piece, or two across a page */
	struct vmx_mmio_piece piece[2][2];
	u8 npieces[2];
	u8 next_piece;			/* of the read or write in progress */
	/*
	 * The next RUN continues the instruction: it brings the value of a
	 * read piece, or sends the next piece of a write.
	 */
	bool pending;
	bool writing;			/* what is pending is a write */
	u8 data[16];			/* the value read, then the one to write */
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
	bool guest_syscall;		/* EFER.SCE: the CPU needs its SYSCALL MSRs */
	s64 tsc_offset;			/* guest TSC - host TSC, as in the VMCS */
	u64 guest_xcr0;			/* XCR0 while the guest runs (XSETBV) */
	void *fpu;			/* XSAVE (or FXSAVE) image */
	unsigned int fpu_order;
	bool load_pdptes;		/* PAE paging changed: refetch PDPTEs */
	struct vmx_cpuid_table *cpuid;	/* NULL until VMCTL_SET_CPUID (cpuid.c) */

	/* host state cached to skip redundant VMWRITEs */
	unsigned long host_cr3, host_cr4, host_fs_base;

	/* an IN exit waits for user space to supply the value */
	bool io_in_pending;
	u8 io_size;
	u8 io_insn_len;
	struct vmx_mmio mmio;
	struct vmx_strio strio;
	/* a VMCALL waits for user space's answer (hypercall.c) */
	bool hypercall_pending;
	bool hypercall_long_mode;
	u8 hypercall_insn_len;
	bool msr_pending;		/* a VMCTL_EXIT_MSR waits for its answer */
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
	/*
	 * Needs guest memory (which may sleep): vmx_mmio_emulate() runs
	 * once the guest's FPU state is saved and preemption is enabled.
	 */
	ACTION_EMULATE_MMIO,
	/* The same for INS/OUTS: vmx_string_io_emulate(). */
	ACTION_EMULATE_STRING_IO,
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

/* cpuid.c */
enum vmx_exit_action vmx_handle_cpuid(struct vmx_vcpu *v);
void vmx_cpuid_free(struct vmx_vcpu *v);
int vmx_set_cpuid(struct vmctl_vcpu *vcpu, const struct vmctl_cpuid_entry *entries,
		  u32 nent);
int vmx_get_cpuid(struct vmctl_vcpu *vcpu, struct vmctl_cpuid_entry *entries,
		  u32 *nent);
int vmx_get_supported_cpuid(struct vmctl_cpuid_entry *entries, u32 *nent);

/* msr.c */
void vmx_setup_guest_msrs(void);
void vmx_msr_exit(void);
void vmx_msr_cpu_offline(void);
void vmx_init_guest_msrs(struct vmx_vcpu *v);
void vmx_reset_guest_msrs_vmcs(struct vmx_vcpu *v);
void vmx_msr_enter_guest(struct vmx_vcpu *v);
void vmx_msr_exit_guest(struct vmx_vcpu *v);
enum vmx_exit_action vmx_handle_rdmsr(struct vmx_vcpu *v);
enum vmx_exit_action vmx_handle_wrmsr(struct vmx_vcpu *v);
void vmx_complete_msr_exit(struct vmx_vcpu *v, u8 error, u64 data);
void vmx_build_msr_bitmap(void *bitmap);
void vmx_msr_efer_changed(struct vmx_vcpu *v, u64 efer);
int vmx_get_msrs(struct vmctl_vcpu *vcpu, struct vmctl_msr_entry *e, u32 n);
int vmx_set_msrs(struct vmctl_vcpu *vcpu, const struct vmctl_msr_entry *e,
		 u32 n);
u32 vmx_msr_index_list(u32 *indices, u32 room);

/* guest_insn.c */
enum vmx_exit_action vmx_handle_vmx_insn(struct vmx_vcpu *v);
enum vmx_exit_action vmx_handle_monitor_mwait(struct vmx_vcpu *v);
enum vmx_exit_action vmx_handle_xsetbv(struct vmx_vcpu *v);

/* spec.c */
void vmx_setup_spec(void);
u64 vmx_new_vm_id(void);
void vmx_spec_enter_guest(struct vmx_vcpu *v);

/* exit_reasons.c */
extern const struct vmctl_exit_reason_desc vmx_exit_reasons[VMX_NR_EXIT_REASONS];
unsigned int vmx_cycles_khz(void);

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

/* mmio.c */
enum vmx_exit_action vmx_handle_ept_violation(struct vmx_vcpu *v);
enum vmx_exit_action vmx_mmio_emulate(struct vmx_vcpu *v);
enum vmx_exit_action vmx_mmio_continue(struct vmx_vcpu *v);
void vmx_read_guest_paging(struct vmx_paging *p);

/* string_io.c */
enum vmx_exit_action vmx_string_io_emulate(struct vmx_vcpu *v);
enum vmx_exit_action vmx_string_io_complete_in(struct vmx_vcpu *v);

/* hypercall.c */
enum vmx_exit_action vmx_handle_vmcall(struct vmx_vcpu *v);
void vmx_complete_hypercall(struct vmx_vcpu *v);

/* state checks (state.c, debug.c, fpu.c, msr.c) and state_blob.c */
#define VMX_STATE_MAX_MSRS	96	/* MSRs in a state blob, at most */
int vmx_check_regs(const struct vmctl_regs *regs);
int vmx_check_sregs(const struct vmctl_sregs *s);
int vmx_check_debugregs(const struct vmctl_debugregs *d);
void vmx_read_debugregs(struct vmx_vcpu *v, struct vmctl_debugregs *d);
void vmx_write_debugregs(struct vmx_vcpu *v, const struct vmctl_debugregs *d);
int vmx_check_xsave(const void *image);
void vmx_read_xsave(struct vmx_vcpu *v, void *image, size_t size);
void vmx_write_xsave(struct vmx_vcpu *v, const void *image, size_t size);
unsigned int vmx_state_msr_list(u32 *indices, unsigned int max);
int vmx_state_check_msr(struct vmx_vcpu *v, u32 index, u64 val);
u64 vmx_state_get_msr(struct vmx_vcpu *v, u32 index);
int vmx_state_set_msr(struct vmx_vcpu *v, u32 index, u64 val);
int vmx_get_debugregs(struct vmctl_vcpu *vcpu, struct vmctl_debugregs *d);
int vmx_set_debugregs(struct vmctl_vcpu *vcpu, const struct vmctl_debugregs *d);
int vmx_get_xsave(struct vmctl_vcpu *vcpu, struct vmctl_xsave *x);
int vmx_set_xsave(struct vmctl_vcpu *vcpu, const struct vmctl_xsave *x);
int vmx_get_xcrs(struct vmctl_vcpu *vcpu, struct vmctl_xcrs *x);
int vmx_set_xcrs(struct vmctl_vcpu *vcpu, const struct vmctl_xcrs *x);
int vmx_get_state(struct vmctl_vcpu *vcpu, void *blob, u32 max);
int vmx_set_state(struct vmctl_vcpu *vcpu, const void *blob, u32 len);

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
/* dump.c */
int vmx_get_vcpu_dump(struct vmctl_vcpu *vcpu, struct vmctl_vcpu_dump *d);

int vmx_check_vcpu_events(const struct vmctl_vcpu_events *ev, bool protected,
			  unsigned long rflags, u32 *info);
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
extern void *vmx_msr_bitmap;		/* two pages, built by msr.c */

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
