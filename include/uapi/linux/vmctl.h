/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * vmctl: the ABI between the vmctl.ko hypervisor module and user space.
 *
 * This header is the only contract between the kernel module and user space.
 * Rules: fixed-width types only, explicit padding (which must be zero on input
 * and is zeroed on output), user pointers carried as __u64, one struct per
 * ioctl, ioctls listed in number order.  Structures only ever grow into their
 * reserved space; VMCTL_API_VERSION changes when their meaning changes.
 *
 * Objects:
 *   /dev/vmctl          system handle: API version, capabilities, create VM
 *   VM fd               anonymous inode: memory slots, create vCPU
 *   vCPU fd             anonymous inode: registers, run; mmap() of the first
 *                       page gives struct vmctl_run
 *
 * Every fd belongs to the address space (mm) that created the VM.  Any ioctl
 * or mmap from another address space (e.g. a child after fork()) fails with
 * -EIO and has no effect.
 */
#ifndef _UAPI_LINUX_VMCTL_H
#define _UAPI_LINUX_VMCTL_H

#include <linux/types.h>
#include <linux/ioctl.h>

#define VMCTL_API_VERSION	1

#define VMCTL_DEVICE_NAME	"vmctl"		/* /dev/vmctl */
#define VMCTL_IOCTL_MAGIC	0xB9

/* ------------------------------------------------------------------------ */
/* Capabilities (VMCTL_GET_CAPS)                                             */
/* ------------------------------------------------------------------------ */

enum vmctl_backend {
	VMCTL_BACKEND_NONE = 0,
	VMCTL_BACKEND_VMX  = 1,		/* Intel VT-x */
	VMCTL_BACKEND_SVM  = 2,		/* AMD-V (not yet) */
};

/* Bits of vmctl_caps.features */
#define VMCTL_CAP_UNRESTRICTED_GUEST	(1ULL << 0)	/* real mode guests */
#define VMCTL_CAP_EPT			(1ULL << 1)
#define VMCTL_CAP_VPID			(1ULL << 2)
#define VMCTL_CAP_LONG_MODE_GUEST	(1ULL << 3)
#define VMCTL_CAP_READONLY_SLOTS	(1ULL << 4)
#define VMCTL_CAP_EPT_2M_PAGES		(1ULL << 5)
#define VMCTL_CAP_EPT_1G_PAGES		(1ULL << 6)
#define VMCTL_CAP_EPT_AD_BITS		(1ULL << 7)
#define VMCTL_CAP_PREEMPTION_TIMER	(1ULL << 8)
#define VMCTL_CAP_DECODED_MMIO		(1ULL << 9)	/* not yet */
/* VMCTL_INTERRUPT, VMCTL_NMI, VMCTL_KICK, vCPU events, HLT in the kernel */
#define VMCTL_CAP_EVENTS		(1ULL << 12)

struct vmctl_caps {
	__u32 api_version;		/* == VMCTL_API_VERSION */
	__u32 backend;			/* enum vmctl_backend */
	__u64 features;			/* VMCTL_CAP_* */
	__u32 max_vcpus;		/* per VM */
	__u32 max_slots;		/* memory slots per VM */
	__u64 max_slot_size;		/* bytes */
	__u32 guest_phys_bits;		/* highest guest-physical address + 1 == 1 << bits */
	__u32 vmcs_revision;		/* backend specific: VMX revision id */
	/*
	 * Backend specific.  VMX: VMX_BASIC, the allowed-1 words of the pin,
	 * proc, proc2, exit and entry controls, EPT_VPID_CAP, MISC.
	 */
	__u64 backend_raw[8];
	char  backend_name[16];		/* NUL terminated, e.g. "vmx" */
	__u64 reserved[8];
};

/*
 * Module-wide resource accounting (VMCTL_GET_USAGE): what the module holds
 * right now, so that tests can prove that destroying VMs gives it all back.
 */
struct vmctl_usage {
	__u32 vms;			/* live VMs */
	__u32 vcpus;			/* live vCPUs */
	__u64 kernel_pages;		/* pages allocated for VMCS, EPT, run pages, ... */
	__u64 pinned_pages;		/* guest pages pinned for memory slots */
	__u64 kernel_bytes;		/* kmalloc'ed bytes for VM/vCPU/slot objects */
	__u32 vmx_enabled_cpus;		/* CPUs on which VMXON is currently in effect */
	__u32 pad;
	__u64 reserved[4];
};

/* ------------------------------------------------------------------------ */
/* VM creation (on /dev/vmctl)                                                */
/* ------------------------------------------------------------------------ */

struct vmctl_create_vm {
	__u32 flags;			/* in: must be 0 */
	__u32 pad;			/* in: must be 0 */
	__u64 reserved[2];		/* in: must be 0 */
};

/* ------------------------------------------------------------------------ */
/* Memory slots (on the VM fd)                                                */
/* ------------------------------------------------------------------------ */

#define VMCTL_MAX_SLOTS			32
#define VMCTL_SLOT_READONLY		(1U << 0)	/* guest writes exit as EPT violation */
#define VMCTL_SLOT_VALID_FLAGS		(VMCTL_SLOT_READONLY)

struct vmctl_memory_slot {
	__u32 slot;			/* in: 0 .. VMCTL_MAX_SLOTS - 1 */
	__u32 flags;			/* in: VMCTL_SLOT_* */
	__u64 guest_phys_addr;		/* in: page aligned */
	__u64 size;			/* in: bytes, page aligned, > 0 */
	__u64 userspace_addr;		/* in: page aligned; memory of the calling process */
	__u64 reserved[2];		/* in: must be 0 */
};

struct vmctl_slot_id {
	__u32 slot;			/* in */
	__u32 pad;			/* in: must be 0 */
};

#define VMCTL_VM_NAME_LEN		32

struct vmctl_vm_name {
	char name[VMCTL_VM_NAME_LEN];	/* in: NUL terminated, printable ASCII */
};

/* ------------------------------------------------------------------------ */
/* vCPUs (on the VM fd, then on the vCPU fd)                                  */
/* ------------------------------------------------------------------------ */

struct vmctl_create_vcpu {
	__u32 vcpu_id;			/* in: 0 .. caps.max_vcpus - 1, unique per VM */
	__u32 flags;			/* in: must be 0 */
	__u64 reserved[2];		/* in: must be 0 */
};

/*
 * A new vCPU is in the x86 reset state: real mode, CS selector 0xf000 with
 * base 0xffff0000, RIP 0xfff0, RFLAGS 0x2, CR0 0x60000010, all other general
 * registers 0 except RDX (family/model/stepping).  User space moves it
 * elsewhere (any real-mode CS:IP, or protected/long mode) with
 * VMCTL_SET_REGS and VMCTL_SET_SREGS.
 */
struct vmctl_regs {
	__u64 rax, rbx, rcx, rdx;
	__u64 rsi, rdi, rsp, rbp;
	__u64 r8,  r9,  r10, r11;
	__u64 r12, r13, r14, r15;
	__u64 rip, rflags;
};

struct vmctl_segment {
	__u64 base;
	__u32 limit;			/* byte granular: the limit as the CPU applies it */
	__u16 selector;
	__u8  type;			/* 4-bit type field */
	__u8  present;
	__u8  dpl;
	__u8  db;
	__u8  s;
	__u8  l;
	__u8  g;
	__u8  avl;
	__u8  unusable;
	__u8  pad;
};

struct vmctl_dtable {
	__u64 base;
	__u16 limit;
	__u16 pad[3];
};

struct vmctl_sregs {
	struct vmctl_segment cs, ds, es, fs, gs, ss;
	struct vmctl_segment tr, ldt;
	struct vmctl_dtable gdt, idt;
	__u64 cr0, cr2, cr3, cr4, cr8;
	__u64 efer;
	__u64 reserved[8];		/* in: must be 0 */
};

/* ------------------------------------------------------------------------ */
/* The run structure: mmap(vcpu_fd, 0) of VMCTL_RUN_MMAP_SIZE bytes           */
/* ------------------------------------------------------------------------ */

/*
 * mmap(NULL, VMCTL_RUN_MMAP_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
 * vcpu_fd, 0).  Errors: -EINVAL other length or offset, or MAP_PRIVATE (the
 * page is shared with the kernel); -EPERM PROT_EXEC.  The mapping is not
 * inherited by fork(), and madvise(MADV_DOFORK) on it fails with -EINVAL.
 * The kernel only writes the out fields and never reads them back: user
 * space may overwrite them at any time without effect on the vCPU.
 */
#define VMCTL_RUN_MMAP_SIZE		4096

enum vmctl_exit_reason {
	VMCTL_EXIT_NONE			= 0,
	VMCTL_EXIT_IO			= 1,	/* port I/O: run.io */
	VMCTL_EXIT_HLT			= 2,	/* guest executed HLT; RIP is past it */
	VMCTL_EXIT_SHUTDOWN		= 3,	/* triple fault: the vCPU cannot run again */
	VMCTL_EXIT_FAIL_ENTRY		= 4,	/* VM entry failed: run.fail_entry */
	VMCTL_EXIT_INTERNAL_ERROR	= 5,	/* run.internal */
	VMCTL_EXIT_INTR			= 6,	/* a signal or immediate_exit ended RUN (-EINTR) */
	VMCTL_EXIT_MMIO			= 7,	/* reserved for decoded MMIO */
	/*
	 * run.request_interrupt_window was set and the guest can take an
	 * interrupt now (run.ready_for_interrupt_injection is 1): inject it
	 * with VMCTL_INTERRUPT before the next RUN.
	 */
	VMCTL_EXIT_IRQ_WINDOW_OPEN	= 10,
};

#define VMCTL_IO_IN			0
#define VMCTL_IO_OUT			1

/* run.internal.suberror */
enum vmctl_internal_error {
	/* data[0] = hardware exit reason, [1] = qualification, [2] = RIP */
	VMCTL_INTERNAL_UNHANDLED_EXIT	= 1,
	/*
	 * No slot (or a read-only one) backs the access: data[0] =
	 * guest-physical address, [1] = qualification, [2] = guest RIP.
	 */
	VMCTL_INTERNAL_EPT_VIOLATION	= 2,
	/* String or REP port I/O: data[0] = qualification, [1] = guest RIP */
	VMCTL_INTERNAL_UNSUPPORTED_IO	= 3,
	VMCTL_INTERNAL_VMX_INSN_FAILED	= 4,	/* data[0] = VM-instruction error */
};

/* run.fail_entry.flags */
#define VMCTL_FAIL_ENTRY_INVALID_GUEST_STATE	(1U << 0)
/* VMLAUNCH/VMRESUME itself failed */
#define VMCTL_FAIL_ENTRY_VMFAIL			(1U << 1)
/*
 * The module's own checks refused the state before the CPU was asked to
 * enter (so that a bad state fails alike on every CPU, emulated ones that
 * skip checks included); hardware_reason is what the CPU would report.
 */
#define VMCTL_FAIL_ENTRY_MODULE_CHECK		(1U << 2)

struct vmctl_run {
	/* in */
	__u8  immediate_exit;		/* set: RUN returns -EINTR before entering */
	/*
	 * Set: RUN returns VMCTL_EXIT_IRQ_WINDOW_OPEN as soon as the guest
	 * can take an external interrupt and none is pending (as KVM's).
	 * Read once at the start of each RUN.
	 */
	__u8  request_interrupt_window;
	__u8  pad0[6];

	/* out */
	__u32 exit_reason;		/* enum vmctl_exit_reason */
	__u32 pad1;
	__u64 exit_count;		/* exits delivered to user space so far */
	/*
	 * At every return from RUN: 1 if VMCTL_INTERRUPT now would be
	 * delivered at the next entry (RFLAGS.IF set, no STI or MOV-SS
	 * shadow, no interrupt pending and no event being delivered);
	 * if_flag is the guest's RFLAGS.IF.
	 */
	__u8  ready_for_interrupt_injection;
	__u8  if_flag;
	__u8  pad2[6];
	__u64 reserved0[4];

	union {
		/*
		 * VMCTL_EXIT_IO.  For OUT, data holds the value written (low
		 * size bytes); RIP is already past the instruction.  For IN,
		 * user space stores the value to read in data; the next RUN
		 * puts it into AL/AX/EAX and completes the instruction.  RIP
		 * (and GET_REGS) still shows the IN until then.
		 *
		 * Pending IN rule: VMCTL_SET_REGS and VMCTL_SET_SREGS, when
		 * they succeed, discard a pending IN: the guest resumes from
		 * exactly the state written, and an IN that state still
		 * points at executes again (a new exit).  To complete the IN
		 * first (e.g. before saving or changing state), RUN with
		 * immediate_exit set: RUN completes a pending IN before it
		 * looks at immediate_exit, then returns -EINTR.
		 */
		struct {
			__u16 port;
			__u8  size;		/* 1, 2 or 4 */
			__u8  direction;	/* VMCTL_IO_IN or VMCTL_IO_OUT */
			__u32 pad;
			__u64 data;
		} io;

		/* VMCTL_EXIT_FAIL_ENTRY */
		struct {
			/*
			 * VMX: the exit reason with bit 31 set, or the
			 * VM-instruction error for VMFAIL.
			 */
			__u64 hardware_reason;
			__u64 qualification;
			__u32 flags;		/* VMCTL_FAIL_ENTRY_* */
			__u32 pad;
			/*
			 * NUL terminated: the first guest-state check that
			 * fails, e.g. "CS.base ...".
			 */
			char  message[128];
		} fail_entry;

		/* VMCTL_EXIT_INTERNAL_ERROR */
		struct {
			__u32 suberror;		/* enum vmctl_internal_error */
			__u32 ndata;		/* valid entries in data[] */
			__u64 data[16];
		} internal;

		/* VMCTL_EXIT_MMIO (reserved for the decoded-MMIO work) */
		struct {
			__u64 phys_addr;
			__u64 data;
			__u32 len;
			__u8  is_write;
			__u8  pad[3];
		} mmio;

		__u8 exit_union_space[1024];
	};
};

/* ------------------------------------------------------------------------ */
/* ioctls                                                                      */
/*                                                                            */
/* Common errors: -EFAULT bad user pointer; -EINVAL nonzero pad/reserved       */
/* or flags; -ENOTTY unknown ioctl; -EIO caller is not the owning process.     */
/* ------------------------------------------------------------------------ */

/* /dev/vmctl */

/* Returns VMCTL_API_VERSION. */
#define VMCTL_GET_API_VERSION	_IO(VMCTL_IOCTL_MAGIC, 0x00)

/* Fills struct vmctl_caps. */
#define VMCTL_GET_CAPS		_IOR(VMCTL_IOCTL_MAGIC, 0x01, struct vmctl_caps)

/*
 * Returns a new VM fd (O_CLOEXEC).  Errors: -EINVAL flags/pad/reserved not 0;
 * -EBUSY another hypervisor holds VMX on some CPU (the module logs what to
 * do); -ENOMEM; -EMFILE.
 */
#define VMCTL_CREATE_VM		_IOW(VMCTL_IOCTL_MAGIC, 0x02, struct vmctl_create_vm)

/* Fills struct vmctl_usage. */
#define VMCTL_GET_USAGE		_IOR(VMCTL_IOCTL_MAGIC, 0x03, struct vmctl_usage)

/* VM fd */

/*
 * Adds a memory slot: pins the user pages and maps them in the guest's EPT.
 * Errors: -EINVAL slot >= VMCTL_MAX_SLOTS, unknown flags, nonzero reserved,
 * size 0, address or size not page aligned, guest range wrapping or beyond
 * 1 << caps.guest_phys_bits, size > caps.max_slot_size;
 * -EEXIST slot id in use or guest range overlaps another slot;
 * -EFAULT user range not mapped (or not writable for a writable slot);
 * -EOPNOTSUPP a writable slot over a MAP_SHARED file mapping whose
 * filesystem writes pages back (ext4, xfs, NFS, ...: the guest's writes
 * would bypass it); anonymous memory, MAP_PRIVATE file mappings, shmem
 * (tmpfs, memfd, SysV shm), hugetlbfs and ramfs are accepted, and a
 * read-only slot may map any file;
 * -ENOMEM out of memory, or the slot's pages would take the caller's
 * pinned memory (VmPin in /proc/PID/status) above RLIMIT_MEMLOCK and the
 * caller lacks CAP_IPC_LOCK.  Pinned pages stay charged to the creator's
 * VmPin until the slot is deleted or the VM destroyed.  On error nothing
 * is pinned, charged or mapped.
 */
#define VMCTL_SET_MEMORY_SLOT	_IOW(VMCTL_IOCTL_MAGIC, 0x10, struct vmctl_memory_slot)

/*
 * Removes a slot: unmaps it from the EPT, flushes translations, unpins.
 * Errors: -EINVAL slot >= VMCTL_MAX_SLOTS or pad != 0; -ENOENT no such slot.
 */
#define VMCTL_DELETE_MEMORY_SLOT _IOW(VMCTL_IOCTL_MAGIC, 0x11, struct vmctl_slot_id)

/*
 * Returns a new vCPU fd (O_CLOEXEC).  Errors: -EINVAL vcpu_id >= max_vcpus,
 * flags/reserved not 0; -EEXIST vcpu_id in use; -ENOMEM.  Running out of
 * VPIDs (VMCTL_CAP_VPID) is no error: such a vCPU runs without one.
 */
#define VMCTL_CREATE_VCPU	_IOW(VMCTL_IOCTL_MAGIC, 0x12, struct vmctl_create_vcpu)

/*
 * Names the VM for vmctl list, vmtop and the statistics family (struct
 * vmctl_vm_name).  Errors: -EINVAL no NUL in name, or a byte that is not
 * printable ASCII before it.
 */
#define VMCTL_SET_VM_NAME	_IOW(VMCTL_IOCTL_MAGIC, 0x13, struct vmctl_vm_name)

/*
 * vCPU fd.  A vCPU serves one ioctl at a time: any vCPU ioctl issued while
 * another thread is inside RUN or a register ioctl of the same vCPU fails
 * with -EBUSY instead of waiting.  Exceptions: VMCTL_INTERRUPT, VMCTL_NMI
 * and VMCTL_KICK work from any thread of the owner at any time.
 */

/*
 * Enters the guest until an exit that user space must see; the reason is in
 * the mmap()ed struct vmctl_run.  Returns 0, or: -EINTR a signal is pending or
 * immediate_exit was set (exit_reason VMCTL_EXIT_INTR); -EINVAL the vCPU is
 * shut down (after VMCTL_EXIT_SHUTDOWN); -EBUSY the vCPU is running in
 * another thread; -EIO the host is rebooting and has turned VT-x off (also
 * for a RUN that was in the guest then).
 */
#define VMCTL_RUN		_IO(VMCTL_IOCTL_MAGIC, 0x20)

#define VMCTL_GET_REGS		_IOR(VMCTL_IOCTL_MAGIC, 0x21, struct vmctl_regs)
/*
 * Errors: -EINVAL RFLAGS reserved bits (bit 1 must be 1; 3, 5, 15, 22-63 0).
 * On success a pending IN is discarded (see run.io).
 */
#define VMCTL_SET_REGS		_IOW(VMCTL_IOCTL_MAGIC, 0x22, struct vmctl_regs)

#define VMCTL_GET_SREGS		_IOR(VMCTL_IOCTL_MAGIC, 0x23, struct vmctl_sregs)
/*
 * Errors: -EINVAL reserved bits set in CR0/CR3/CR4/EFER/CR8, CR0.PG without
 * CR0.PE, CR0.NW without CR0.CD, CR4.VMXE, EFER.LME|CR0.PG without CR4.PAE,
 * reserved not 0.  The state is checked as a whole; on error nothing
 * changes, on success a pending IN is discarded (see run.io).  Segment
 * and descriptor-table consistency is the hardware's to judge: a bad one
 * makes the next RUN end in VMCTL_EXIT_FAIL_ENTRY whose message names the
 * first failing check.
 */
#define VMCTL_SET_SREGS		_IOW(VMCTL_IOCTL_MAGIC, 0x24, struct vmctl_sregs)

/*
 * Events (VMCTL_CAP_EVENTS).  VMCTL_INTERRUPT, VMCTL_NMI and VMCTL_KICK
 * are the only vCPU ioctls that another thread may issue while RUN is in
 * progress (they never return -EBUSY): a device model's timer thread
 * injects with them.  Each wakes a vCPU halted in the kernel and makes
 * one in guest mode exit at once so that the event is looked at.
 *
 * HLT: with RFLAGS.IF set, a guest's HLT waits in the kernel (sleeping,
 * no CPU used) until an interrupt or NMI can be delivered, a signal
 * arrives (RUN returns -EINTR, VMCTL_EXIT_INTR; the next RUN halts on)
 * or VMCTL_KICK.  A HLT with IF clear and no NMI pending, which nothing
 * but an NMI could wake, returns VMCTL_EXIT_HLT as it always did (so does
 * every HLT after VMCTL_SET_HLT_MODE(VMCTL_HLT_EXIT), as KVM's without an
 * in-kernel interrupt controller).  RIP is past the HLT in all cases.
 */
struct vmctl_interrupt {
	__u32 vector;			/* in: 0-255 */
	__u32 pad;			/* in: must be 0 */
};

/*
 * Queues an external interrupt: delivered at the first entry at which
 * RFLAGS.IF is set and no STI/MOV-SS shadow or event delivery blocks it
 * (interrupt-window exiting waits for that).  Errors: -EINVAL vector >
 * 255 or pad; -EEXIST an interrupt is already queued and not delivered
 * (as KVM's with a split irqchip; KVM without one overwrites it): wait
 * for run.ready_for_interrupt_injection or request the window.
 */
#define VMCTL_INTERRUPT		_IOW(VMCTL_IOCTL_MAGIC, 0x38, struct vmctl_interrupt)

/*
 * Queues an NMI, delivered once the guest does not block NMIs (its
 * handler's IRET unblocks them; NMI-window exiting waits).  A second NMI
 * while one is queued is merged with it.  Errors: -EOPNOTSUPP the CPU
 * lacks virtual NMIs.
 */
#define VMCTL_NMI		_IO(VMCTL_IOCTL_MAGIC, 0x39)

/*
 * Makes the vCPU's current RUN, or its next one if none is in progress,
 * return -EINTR with VMCTL_EXIT_INTR at once (leaving a HLT wait).  One
 * kick ends one RUN.
 */
#define VMCTL_KICK		_IO(VMCTL_IOCTL_MAGIC, 0x3a)

/* struct vmctl_vcpu_events.shadow */
#define VMCTL_SHADOW_STI	(1U << 0)	/* the last instruction was STI */
#define VMCTL_SHADOW_MOV_SS	(1U << 1)	/* ... MOV SS or POP SS */

/* struct vmctl_vcpu_events.exception_soft */
#define VMCTL_EXCEPTION_HARD	0	/* an exception the CPU raised */
#define VMCTL_EXCEPTION_SOFT	1	/* INT3 (#BP) or INTO (#OF) */
#define VMCTL_EXCEPTION_ICEBP	2	/* INT1 (#DB) */

/*
 * Events of a vCPU, as KVM_GET/SET_VCPU_EVENTS without the payload
 * capability: an event the next entry delivers (queued by the kernel, by
 * SET, or interrupted mid-delivery by an exit) is "injected"; one still
 * waiting for the guest to accept it is "pending".  At most one event
 * is injected.  Every __u8 flag is 0 or 1.
 */
struct vmctl_vcpu_events {
	struct {
		__u8  injected;
		__u8  pending;		/* GET: always 0; SET: same as injected */
		__u8  nr;		/* 0-31, not 2 (NMI) */
		__u8  has_error_code;	/* must match nr: 8, 10-14, 17, 21 */
		__u32 error_code;
	} exception;
	struct {
		__u8  injected;
		__u8  pending;		/* VMCTL_INTERRUPT queued it */
		__u8  nr;
		__u8  soft;		/* injected: an INT n being re-delivered */
	} interrupt;
	struct {
		__u8  injected;
		__u8  pending;
		__u8  masked;		/* blocked until the guest's IRET */
		__u8  pad;
	} nmi;
	__u8  shadow;			/* VMCTL_SHADOW_*; STI needs RFLAGS.IF */
	__u8  exception_soft;		/* VMCTL_EXCEPTION_*, with exception.injected */
	__u8  instruction_len;		/* 1-15 for a soft event, else 0 */
	__u8  pad;
	__u32 flags;			/* in: must be 0 */
	__u64 reserved[4];		/* in: must be 0 */
};

/*
 * GET: the vCPU's events.  SET: replaces them.  Errors: -EINVAL a flag
 * not 0 or 1, pad/flags/reserved not 0, more than one event injected, an
 * exception vector > 31 or 2, has_error_code not matching the vector, a
 * soft event without instruction_len 1-15 (or a length without one),
 * both shadows, an STI shadow with RFLAGS.IF clear, an NMI injected or
 * pending without virtual-NMI support.  On error nothing changes.
 */
#define VMCTL_GET_VCPU_EVENTS	_IOR(VMCTL_IOCTL_MAGIC, 0x3b, struct vmctl_vcpu_events)
#define VMCTL_SET_VCPU_EVENTS	_IOW(VMCTL_IOCTL_MAGIC, 0x3c, struct vmctl_vcpu_events)

#define VMCTL_HLT_WAIT		0	/* default: HLT waits in the kernel (above) */
#define VMCTL_HLT_EXIT		1	/* every HLT returns VMCTL_EXIT_HLT */

struct vmctl_hlt_mode {
	__u32 mode;			/* in: VMCTL_HLT_* */
	__u32 pad;			/* in: must be 0 */
};

/* Errors: -EINVAL unknown mode or pad not 0. */
#define VMCTL_SET_HLT_MODE	_IOW(VMCTL_IOCTL_MAGIC, 0x3d, struct vmctl_hlt_mode)

/* ------------------------------------------------------------------------ */
/* Statistics: the generic-netlink family VMCTL_GENL_NAME                     */
/* ------------------------------------------------------------------------ */

/*
 * Who may read what: a VM is visible to the user whose effective uid
 * created it and to CAP_SYS_ADMIN (both judged on the credentials of the
 * process that opened the netlink socket); a VM of another user is
 * skipped by dumps and is -ENOENT for a request naming it.  Only
 * CAP_SYS_ADMIN may join VMCTL_GENL_MCGRP_EVENTS (events name every
 * user's VMs).  Every attribute is validated strictly: unknown or
 * malformed ones give -EINVAL with an extended ack, never a partial
 * answer.
 */
#define VMCTL_GENL_NAME		"vmctl"
#define VMCTL_GENL_VERSION	1
#define VMCTL_GENL_MCGRP_EVENTS	"events"

enum vmctl_genl_cmd {
	VMCTL_CMD_UNSPEC,
	/*
	 * Dump: one message per VM visible to the caller (VM_ID, NAME, PID,
	 * UID, NR_VCPUS, MEM_BYTES, STATE, CREATED_NS, COUNTERS and
	 * EXIT_REASONS summed over its vCPUs).  Optional VM_ID: only that VM
	 * (-ENOENT if not visible).
	 */
	VMCTL_CMD_GET_VM,
	/*
	 * Dump of one VM's vCPUs: needs VM_ID (-EINVAL without, -ENOENT if
	 * not visible); one message per vCPU with VM_ID, VCPU_ID, COUNTERS,
	 * EXIT_REASONS and LATENCY.
	 */
	VMCTL_CMD_GET_VCPU,
	/*
	 * Do: the descriptors, so that readers need no list of their own:
	 * COUNTER_DESCS, EXIT_REASON_NAMES, LATENCY_BUCKETS.
	 */
	VMCTL_CMD_GET_DESC,
	/* Multicast on VMCTL_GENL_MCGRP_EVENTS: EVENT, VM_ID, PID, UID, NAME. */
	VMCTL_CMD_EVENT,
	__VMCTL_CMD_MAX,
};

#define VMCTL_CMD_MAX	(__VMCTL_CMD_MAX - 1)

enum vmctl_genl_attr {
	VMCTL_ATTR_UNSPEC,
	VMCTL_ATTR_VM_ID,		/* u32: the VM's id, unique while it lives */
	VMCTL_ATTR_NAME,		/* string: VMCTL_SET_VM_NAME, "" if unset */
	VMCTL_ATTR_PID,			/* u32: thread group id of the creator */
	VMCTL_ATTR_UID,			/* u32: effective uid of the creator */
	VMCTL_ATTR_NR_VCPUS,		/* u32 */
	VMCTL_ATTR_MEM_BYTES,		/* u64: guest memory in slots */
	VMCTL_ATTR_STATE,		/* u32: enum vmctl_vm_state */
	VMCTL_ATTR_CREATED_NS,		/* u64: CLOCK_REALTIME at creation */
	VMCTL_ATTR_VCPU_ID,		/* u32 */
	/* nested: attribute type i + 1 holds counter i (u64), enum vmctl_stat */
	VMCTL_ATTR_COUNTERS,
	/*
	 * nested: attribute type r + 1 holds the exits of backend exit
	 * reason r (u64); reasons never seen are left out
	 */
	VMCTL_ATTR_EXIT_REASONS,
	/*
	 * nested: one VMCTL_ATTR_LATENCY_REASON per reason seen, itself
	 * nested: attribute type b + 1 holds bucket b (u64, exits whose
	 * handling took [2^b, 2^(b+1)) ns; bucket 0 also holds 0 ns, the
	 * last bucket everything longer); empty buckets left out
	 */
	VMCTL_ATTR_LATENCY,
	VMCTL_ATTR_LATENCY_REASON,	/* nested in LATENCY; type = reason + 1 */
	/* nested: attribute type i + 1 is a nested descriptor of counter i */
	VMCTL_ATTR_COUNTER_DESCS,
	VMCTL_ATTR_DESC_NAME,		/* string, e.g. "io_exits" */
	VMCTL_ATTR_DESC_UNIT,		/* u32: enum vmctl_stat_unit */
	VMCTL_ATTR_DESC_KIND,		/* u32: enum vmctl_stat_kind */
	/* nested: attribute type r + 1 is the name (string) of exit reason r */
	VMCTL_ATTR_EXIT_REASON_NAMES,
	VMCTL_ATTR_LATENCY_BUCKETS,	/* u32: buckets per histogram */
	VMCTL_ATTR_EVENT,		/* u32: enum vmctl_genl_event */
	VMCTL_ATTR_PAD,
	__VMCTL_ATTR_MAX,
};

#define VMCTL_ATTR_MAX	(__VMCTL_ATTR_MAX - 1)

enum vmctl_vm_state {
	VMCTL_VM_STATE_CREATED,		/* no vCPU has run yet */
	VMCTL_VM_STATE_RUNNING,		/* a vCPU is inside RUN */
	VMCTL_VM_STATE_STOPPED,		/* every vCPU is back in user space */
	VMCTL_VM_STATE_HALTED,		/* every vCPU's last exit was HLT */
	VMCTL_VM_STATE_SHUTDOWN,	/* a vCPU shut down (triple fault) */
};

enum vmctl_genl_event {
	VMCTL_EVENT_CREATED = 1,
	VMCTL_EVENT_DESTROYED,
	VMCTL_EVENT_SHUTDOWN,		/* first vCPU shutdown of the VM */
};

/*
 * Counters of each vCPU (and summed per VM), indexed as here.  Their
 * names, units and kinds come from VMCTL_CMD_GET_DESC; new counters are
 * only ever added at the end.
 */
enum vmctl_stat {
	VMCTL_STAT_EXITS,		/* VM exits handled, every reason */
	VMCTL_STAT_IO_EXITS,		/* port I/O */
	VMCTL_STAT_MMIO_EXITS,		/* EPT violations (MMIO) */
	VMCTL_STAT_HYPERCALLS,		/* VMCALL */
	VMCTL_STAT_HALTS,		/* HLT */
	VMCTL_STAT_INJECTED_IRQS,	/* interrupts injected */
	VMCTL_STAT_INJECTED_EXCEPTIONS,	/* exceptions injected */
	VMCTL_STAT_GUEST_NS,		/* in the run loop, not handling exits */
	VMCTL_STAT_HOST_NS,		/* handling exits */
	VMCTL_STAT_RUNS,		/* VMCTL_RUN calls */
	VMCTL_STAT_USER_EXITS,		/* RUN calls that returned an exit */
	VMCTL_STAT_NR,
};

enum vmctl_stat_unit {
	VMCTL_STAT_UNIT_NONE,		/* a count */
	VMCTL_STAT_UNIT_NS,		/* nanoseconds */
	VMCTL_STAT_UNIT_BYTES,
};

enum vmctl_stat_kind {
	VMCTL_STAT_KIND_CUMULATIVE,	/* only grows: rates are differences */
	VMCTL_STAT_KIND_INSTANT,	/* a current value */
};

#endif /* _UAPI_LINUX_VMCTL_H */
