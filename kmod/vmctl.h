/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmctl.ko internals shared by the arch-neutral core (main.c, mem.c) and a
 * hardware backend (vmx/ now, svm/ later).  The core owns file descriptors,
 * object lifetimes, ownership checks, argument validation, memory slots and
 * page pinning.  The backend owns the hardware: turning virtualization on and
 * off, the second-level page tables, and running a vCPU.
 */
#ifndef VMCTL_KMOD_VMCTL_H
#define VMCTL_KMOD_VMCTL_H

#include <linux/types.h>
#include <linux/mutex.h>
#include <linux/mm_types.h>
#include <linux/uidgid.h>
#include <linux/vmctl.h>

#include "stats.h"

#define VMCTL_MAX_VCPUS		64

struct vmctl_slot {
	u32 id;
	u32 flags;			/* VMCTL_SLOT_* */
	u64 guest_phys_addr;
	u64 size;
	u64 userspace_addr;
	unsigned long npages;
	struct page **pages;		/* pinned with pin_user_pages_fast() */
};

struct vmctl_vm {
	struct mm_struct *mm;		/* owner: every ioctl/mmap checks current->mm */
	struct kref ref;		/* VM fd + one per vCPU fd */
	struct mutex lock;		/* slots[], vcpus[] */
	struct vmctl_slot *slots[VMCTL_MAX_SLOTS];
	struct vmctl_vcpu *vcpus[VMCTL_MAX_VCPUS];
	void *arch;			/* backend private */

	/* what the statistics family shows (netlink.c) */
	u32 id;				/* unique among live VMs */
	pid_t pid;			/* creator's thread group */
	kuid_t uid;			/* creator's effective uid */
	u64 created_ns;			/* CLOCK_REALTIME */
	char name[VMCTL_VM_NAME_LEN];	/* under lock */
	bool shutdown_announced;	/* under lock */
};

struct vmctl_vcpu {
	struct vmctl_vm *vm;
	u32 id;
	struct vmctl_run *run;		/* one page, mmap()ed by user space */
	struct mutex run_lock;		/* RUN and register access; trylock -> -EBUSY */
	struct vmctl_vcpu_stats *stats;	/* written under run_lock only */
	void *arch;			/* backend private */
};

/*
 * One backend, picked at load time.  Every hook returns 0 or a negative
 * errno; none may be called before probe() succeeded.
 */
struct vmctl_backend_ops {
	const char *name;

	/*
	 * The backend's exit reasons, indexed by the reason it passes to
	 * vmctl_stats_timed_exit(): names for the statistics, and which
	 * summary counter each one feeds.
	 */
	const struct vmctl_exit_reason_desc *exit_reasons;
	u32 nr_exit_reasons;

	/*
	 * At module load: check that the CPU and firmware allow this backend.
	 * On failure log exactly one line "vmctl: cannot load: <reason>" and
	 * return -ENODEV (no such hardware) or -EOPNOTSUPP (present but
	 * unusable: disabled by firmware, a required feature missing).
	 */
	int (*probe)(void);
	void (*exit)(void);		/* module unload: undo probe() */
	void (*fill_caps)(struct vmctl_caps *caps);

	/*
	 * Hardware virtualization on every online CPU.  Called by the core
	 * under its global lock when the first VM is created / the last VM is
	 * destroyed.  enable() fails with -EBUSY (after logging what to do)
	 * when another hypervisor holds VMX on some CPU, and leaves nothing on.
	 */
	int (*enable)(void);
	void (*disable)(void);
	unsigned int (*enabled_cpus)(void);

	int (*vm_init)(struct vmctl_vm *vm);
	void (*vm_destroy)(struct vmctl_vm *vm);

	/*
	 * Map npages pinned pages at guest-physical gpa (page aligned, range
	 * known to be free).  On error nothing stays mapped.
	 */
	int (*map_pages)(struct vmctl_vm *vm, u64 gpa, struct page **pages,
			 unsigned long npages, bool writable);
	/*
	 * Unmap the range and make sure no CPU can still reach the pages
	 * through a cached translation when this returns: the core unpins
	 * right after.
	 */
	void (*unmap_pages)(struct vmctl_vm *vm, u64 gpa, unsigned long npages);

	int (*vcpu_create)(struct vmctl_vcpu *vcpu);
	void (*vcpu_destroy)(struct vmctl_vcpu *vcpu);
	/*
	 * Called with vcpu->run_lock held, by the owning process.  Returns 0
	 * with vcpu->run filled, -EINTR (run->exit_reason VMCTL_EXIT_INTR),
	 * -EINVAL after a shutdown, or another errno on a host-side failure.
	 */
	int (*vcpu_run)(struct vmctl_vcpu *vcpu);
	int (*get_regs)(struct vmctl_vcpu *vcpu, struct vmctl_regs *regs);
	int (*set_regs)(struct vmctl_vcpu *vcpu, const struct vmctl_regs *regs);
	int (*get_sregs)(struct vmctl_vcpu *vcpu, struct vmctl_sregs *sregs);
	int (*set_sregs)(struct vmctl_vcpu *vcpu, const struct vmctl_sregs *sregs);

	/*
	 * The rate of get_cycles(), by which the statistics turn the time
	 * spent in guest and host into ns; 0 if unknown.  Asked once, after
	 * probe().
	 */
	unsigned int (*cycles_khz)(void);

	/*
	 * CPUID (kmod/cpuid.c copies and locks).  set_cpuid() checks the
	 * entries (nent <= VMCTL_CPUID_MAX_ENTRIES) and replaces the vCPU's
	 * table, under run_lock.  The getters fill up to *nent entries and
	 * set *nent to the table's size, -E2BIG if that did not fit.
	 */
	int (*set_cpuid)(struct vmctl_vcpu *vcpu,
			 const struct vmctl_cpuid_entry *entries, u32 nent);
	int (*get_cpuid)(struct vmctl_vcpu *vcpu,
			 struct vmctl_cpuid_entry *entries, u32 *nent);
	int (*get_supported_cpuid)(struct vmctl_cpuid_entry *entries, u32 *nent);

	/*
	 * state: called with run_lock held like the register hooks.  The
	 * set hooks check everything first and change nothing on error.
	 */
	int (*get_debugregs)(struct vmctl_vcpu *vcpu, struct vmctl_debugregs *d);
	int (*set_debugregs)(struct vmctl_vcpu *vcpu, const struct vmctl_debugregs *d);
	int (*get_xsave)(struct vmctl_vcpu *vcpu, struct vmctl_xsave *x);
	int (*set_xsave)(struct vmctl_vcpu *vcpu, const struct vmctl_xsave *x);
	int (*get_xcrs)(struct vmctl_vcpu *vcpu, struct vmctl_xcrs *x);
	int (*set_xcrs)(struct vmctl_vcpu *vcpu, const struct vmctl_xcrs *x);
	/*
	 * The blob into a kernel buffer of max bytes: returns its size or
	 * an errno.  set_state gets len bytes whose header says len.
	 */
	int (*get_state)(struct vmctl_vcpu *vcpu, void *blob, u32 max);
	int (*set_state)(struct vmctl_vcpu *vcpu, const void *blob, u32 len);
	/* VMCTL_GET_VCPU_DUMP, under run_lock; d is zeroed. */
	int (*get_dump)(struct vmctl_vcpu *vcpu, struct vmctl_vcpu_dump *d);
	/*
	 * MSRs by list (VMCTL_GET/SET_MSRS), under run_lock: the number of
	 * entries processed before the first MSR that failed, or an errno.
	 */
	int (*get_msrs)(struct vmctl_vcpu *vcpu, struct vmctl_msr_entry *e, u32 n);
	int (*set_msrs)(struct vmctl_vcpu *vcpu, const struct vmctl_msr_entry *e,
			u32 n);
	/* Fills up to room indices; returns how many there are. */
	u32 (*msr_index_list)(u32 *indices, u32 room);

	/*
	 * Events (VMCTL_CAP_EVENTS).  interrupt, nmi and kick are called
	 * from any thread of the owner, without run_lock, also while RUN is
	 * in progress; the others with run_lock held.
	 */
	int (*interrupt)(struct vmctl_vcpu *vcpu, u32 vector);
	int (*nmi)(struct vmctl_vcpu *vcpu);
	int (*kick)(struct vmctl_vcpu *vcpu);
	int (*get_events)(struct vmctl_vcpu *vcpu, struct vmctl_vcpu_events *ev);
	int (*set_events)(struct vmctl_vcpu *vcpu, const struct vmctl_vcpu_events *ev);
	int (*set_hlt_mode)(struct vmctl_vcpu *vcpu, u32 mode);
};

extern const struct vmctl_backend_ops vmctl_vmx_ops;

/* Accounting for VMCTL_GET_USAGE; backends report what they allocate too. */
void vmctl_account_kernel_pages(long delta);
void vmctl_account_pinned_pages(long delta);
void vmctl_account_kernel_bytes(long delta);

/*
 * kzalloc()/kfree() that keep VMCTL_GET_USAGE's kernel_bytes exact: the
 * caller passes the same size to both, so every byte counted on the way in
 * is uncounted on the way out.
 */
void *vmctl_zalloc_accounted(size_t size);
void vmctl_free_accounted(const void *object, size_t size);

/*
 * Guest memory as the backend may touch it: copies to or from
 * guest-physical addresses through the VM's slots, so that no backend
 * walks the slot array or takes vm->lock itself.  0, or -EFAULT when part
 * of the range is in no slot (or, for a write, in a read-only slot).  They
 * take vm->lock: process context only, never with the VMCS loaded.
 */
int vmctl_read_guest_phys(struct vmctl_vm *vm, u64 gpa, void *buf, size_t len);
int vmctl_write_guest_phys(struct vmctl_vm *vm, u64 gpa, const void *buf,
			   size_t len);

#endif /* VMCTL_KMOD_VMCTL_H */
