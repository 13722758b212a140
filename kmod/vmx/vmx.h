/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Private to the VT-x backend: per-VM and per-vCPU state, and what its
 * files call in each other (grouped by the file that defines it).
 */
#ifndef VMCTL_VMX_VMX_H
#define VMCTL_VMX_VMX_H

#include <linux/list.h>
#include <linux/percpu-defs.h>
#include <linux/types.h>

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

struct vmx_vm {
	struct vmx_ept ept;
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
	u16 vpid;			/* 0: VPID not used */

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
	u64 cr8;
	u64 kernel_gs_base;
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

	u64 user_exits;			/* RUN returned to user space */
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

/* hw.c */
extern bool vmx_rebooting;		/* the reboot notifier turned VMX off */
int vmx_hw_init(void);
void vmx_hw_exit(void);
int vmx_enable(void);
void vmx_disable(void);
unsigned int vmx_enabled_cpus_count(void);
bool vmx_take_insn_failure(u32 *error);

/* What a VM exit clobbers of the host and is put back afterwards. */
struct vmx_host_save {
	u16 ds, es, fs, gs, ldt;
	unsigned long fs_base;
	u64 kernel_gs_base;
	u64 debugctl;
};

/* vmcs.c */
void vmx_vmclear_ipi(void *data);
void vmx_vcpu_load(struct vmx_vcpu *v);
void vmx_vcpu_get(struct vmx_vcpu *v);
int vmx_vcpu_put(void);
void vmx_set_entry_controls(struct vmx_vcpu *v, u32 ctls);
void vmx_setup_host_state(void);
void vmx_setup_controls(struct vmx_vcpu *v);
void vmx_refresh_host_state(struct vmx_vcpu *v, struct vmx_host_save *h);
void vmx_dump_vmcs(struct vmx_vcpu *v);
void vmx_restore_host_state(struct vmx_vcpu *v, const struct vmx_host_save *h);

/* fpu.c */
extern unsigned int vmx_fpu_size;	/* bytes of a guest FPU image */
void vmx_setup_fpu_format(void);
void vmx_init_fpu(struct vmx_vcpu *v);
void vmx_fpu_load_guest(struct vmx_vcpu *v);
void vmx_fpu_save_guest(struct vmx_vcpu *v);

/* exit_reasons.c */
extern const struct vmctl_exit_reason_desc vmx_exit_reasons[VMX_NR_EXIT_REASONS];

/* state.c */
u64 vmx_get_cr4(void);
void vmx_write_pdptes(const u64 *pdpte);
void vmx_reset_guest_state(struct vmx_vcpu *v);
int vmx_get_regs(struct vmctl_vcpu *vcpu, struct vmctl_regs *regs);
int vmx_set_regs(struct vmctl_vcpu *vcpu, const struct vmctl_regs *regs);
int vmx_get_sregs(struct vmctl_vcpu *vcpu, struct vmctl_sregs *sregs);
int vmx_set_sregs(struct vmctl_vcpu *vcpu, const struct vmctl_sregs *sregs);
void vmx_skip_instruction(struct vmx_vcpu *v, unsigned int len);
void vmx_skip_exiting_instruction(struct vmx_vcpu *v);
enum vmx_exit_action vmx_handle_cr_access(struct vmx_vcpu *v);
struct vmx_guest_state;
void vmx_read_guest_state(struct vmx_vcpu *v, struct vmx_guest_state *s);

/* io.c */
enum vmx_exit_action vmx_handle_io(struct vmx_vcpu *v);
void vmx_complete_io_in(struct vmx_vcpu *v);
enum vmx_exit_action vmx_handle_ept_violation(struct vmx_vcpu *v);

/* entry_fail.c */
bool vmx_precheck_guest_state(struct vmx_vcpu *v);
enum vmx_exit_action vmx_entry_failed(struct vmx_vcpu *v, bool vmfail);

/* vmx.c */
enum vmx_exit_action vmx_internal_error(struct vmx_vcpu *v, u32 suberror,
					unsigned int ndata, const u64 *data);
enum vmx_exit_action vmx_unhandled_exit(struct vmx_vcpu *v);
extern void *vmx_msr_bitmap;		/* all ones: every MSR access exits */

/* vmenter.S */
int vmctl_vmx_vmenter(unsigned long *gpr, bool launched);
void vmctl_vmx_forward_nmi(void);
extern const char vmctl_vmx_vmexit[];

#endif /* VMCTL_VMX_VMX_H */
