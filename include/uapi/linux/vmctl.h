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
#define VMCTL_CAP_DECODED_MMIO		(1ULL << 9)	/* VMCTL_EXIT_MMIO */
#define VMCTL_CAP_CPUID			(1ULL << 10)	/* VMCTL_SET_CPUID and friends */
/*
 * MSR policy: the kernel answers the MSRs of VMCTL_GET_MSR_INDEX_LIST,
 * every other RDMSR/WRMSR is a VMCTL_EXIT_MSR; VMCTL_GET/SET_MSRS work.
 */
#define VMCTL_CAP_MSR_POLICY		(1ULL << 11)
/* VMCTL_INTERRUPT, VMCTL_NMI, VMCTL_KICK, vCPU events, HLT in the kernel */
#define VMCTL_CAP_EVENTS		(1ULL << 12)
/* INS/OUTS, with and without REP: VMCTL_EXIT_IO batches (run.io.flags) */
#define VMCTL_CAP_STRING_IO		(1ULL << 13)
/* state: VMCALL exits as VMCTL_EXIT_HYPERCALL (run.hypercall) */
#define VMCTL_CAP_HYPERCALLS		(1ULL << 14)
/* VMCTL_GET/SET_STATE, with the events component (VMCTL_STATE_EVENTS) */
#define VMCTL_CAP_STATE_BLOB		(1ULL << 15)
/* VMCTL_GET_VCPU_DUMP */
#define VMCTL_CAP_VCPU_DUMP		(1ULL << 16)

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

/* state: debug, FPU and extended-control registers (as KVM's) */
struct vmctl_debugregs {
	__u64 db[4];			/* DR0-DR3 */
	__u64 dr6;			/* bits 63:32 0; the always-1 bits read as 1 */
	__u64 dr7;			/* bits 63:32, 15, 14, 12, 11 0; bit 10 reads as 1 */
	__u64 flags;			/* in: must be 0 */
	__u64 reserved[9];		/* in: must be 0 */
};

/*
 * The guest's x87/SSE/AVX/... state as the standard (non-compacted) form
 * of an XSAVE area: the legacy region (bytes 0-511, FXSAVE layout), the
 * XSAVE header (512-575: XSTATE_BV, then XCOMP_BV and reserved bytes,
 * all 0) and each component at the offset CPUID.(EAX=0xd, ECX=i).EBX
 * gives.  Only components of the guest's XCR0 (VMCTL_GET_XCRS) are used;
 * the rest of the 4 KiB is 0.
 */
struct vmctl_xsave {
	__u32 region[1024];
};

#define VMCTL_XCR_XFEATURE_ENABLED	0	/* XCR0 */
#define VMCTL_MAX_XCRS			16

struct vmctl_xcrs {
	__u32 nr_xcrs;			/* entries of xcrs[] in use */
	__u32 flags;			/* in: must be 0 */
	struct {
		__u32 xcr;		/* VMCTL_XCR_* */
		__u32 reserved;		/* in: must be 0 */
		__u64 value;
	} xcrs[VMCTL_MAX_XCRS];
	__u64 padding[16];		/* in: must be 0 */
};

/*
 * The whole vCPU state as one blob (VMCTL_GET_STATE, VMCTL_SET_STATE):
 * a header, then components, each a struct vmctl_state_component
 * followed by size bytes of data (size a multiple of 8), back to back
 * up to header.size.  What snapshot, restore and migration save: a vCPU
 * set from a blob continues exactly where the saved one stopped,
 * provided the memory is the same.
 */
#define VMCTL_STATE_MAGIC	0x54534d56	/* "VMST" little endian */
#define VMCTL_STATE_VERSION	1
#define VMCTL_STATE_MAX_SIZE	16384

/* header.flags (SET_STATE) */
#define VMCTL_STATE_IGNORE_UNKNOWN	(1U << 0)	/* skip unknown component types */

struct vmctl_state_header {
	__u32 magic;			/* VMCTL_STATE_MAGIC */
	__u32 version;			/* VMCTL_STATE_VERSION */
	__u32 size;			/* bytes, header included */
	__u32 flags;			/* VMCTL_STATE_* (0 from GET_STATE) */
	__u32 nr_components;
	__u32 pad;			/* 0 */
	__u64 reserved[2];		/* 0 */
};

enum vmctl_state_type {
	VMCTL_STATE_REGS	= 1,	/* struct vmctl_regs */
	VMCTL_STATE_SREGS	= 2,	/* struct vmctl_sregs */
	VMCTL_STATE_DEBUGREGS	= 3,	/* struct vmctl_debugregs */
	VMCTL_STATE_XSAVE	= 4,	/* struct vmctl_xsave */
	VMCTL_STATE_XCRS	= 5,	/* struct vmctl_xcrs */
	VMCTL_STATE_MSRS	= 6,	/* struct vmctl_state_msrs + entries */
	VMCTL_STATE_EVENTS	= 7,	/* struct vmctl_vcpu_events */
	VMCTL_STATE_CPU		= 8,	/* struct vmctl_state_cpu */
	VMCTL_STATE_PENDING	= 9,	/* struct vmctl_state_pending */
};

struct vmctl_state_component {
	__u32 type;			/* enum vmctl_state_type */
	__u32 size;			/* bytes of data after this struct */
};

/*
 * Every MSR the module keeps for the guest (the list grows with the
 * module; EFER is in sregs).  On set, each entry is checked as a guest
 * WRMSR would be.
 */
struct vmctl_msr_entry {
	__u32 index;
	__u32 reserved;			/* must be 0 */
	__u64 data;
};

struct vmctl_state_msrs {
	__u32 nmsrs;			/* entries that follow */
	__u32 pad;			/* 0 */
	struct vmctl_msr_entry entries[];
};

/*
 * The events component (VMCTL_STATE_EVENTS) is what VMCTL_GET_VCPU_EVENTS
 * returns: an event injected but not delivered yet (one whose delivery
 * an exit interrupted, or one set with SET_VCPU_EVENTS), an interrupt or
 * NMI queued and not yet accepted, NMI masking and the STI/MOV-SS shadow.
 * On SET_STATE it is judged as SET_VCPU_EVENTS would judge it, against
 * the blob's RFLAGS and CR0 (or the vCPU's, when the blob lacks them),
 * and applied after the registers and the CPU component.
 */

/*
 * VMX-like CPU state that no register ioctl shows.  When a blob holds
 * both CPU and EVENTS, interrupt_shadow must say what the events say
 * (their shadow, and VMCTL_SHADOW_NMI for nmi.masked).
 */
#define VMCTL_SHADOW_STI	(1U << 0)	/* interrupts blocked by STI */
#define VMCTL_SHADOW_MOV_SS	(1U << 1)	/* ... by MOV SS / POP SS */
#define VMCTL_SHADOW_NMI	(1U << 3)	/* NMIs blocked */

/* struct vmctl_state_cpu.flags */
#define VMCTL_STATE_CPU_HALTED	(1U << 0)	/* in a HLT that waits in the kernel */

struct vmctl_state_cpu {
	__u32 interrupt_shadow;		/* VMCTL_SHADOW_* */
	__u32 flags;			/* VMCTL_STATE_CPU_*; other bits 0 */
	__u64 reserved[3];		/* 0 */
};

/* An instruction that exited to user space and completes on the next RUN. */
#define VMCTL_PENDING_IN	1	/* run.io: data is the value to read */
#define VMCTL_PENDING_HYPERCALL	2	/* run.hypercall: data is the return value */

struct vmctl_state_pending {
	__u32 kind;			/* 0 (nothing) or VMCTL_PENDING_* */
	__u8  size;			/* IN: 1, 2 or 4 */
	__u8  insn_len;			/* bytes to step over when completing */
	__u8  long_mode;		/* hypercall: 64-bit return value */
	__u8  pad;			/* 0 */
	__u64 data;
	__u64 reserved[2];		/* 0 */
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
	VMCTL_EXIT_MMIO			= 7,	/* decoded MMIO: run.mmio */
	VMCTL_EXIT_MSR			= 8,	/* RDMSR/WRMSR the kernel leaves: run.msr */
	VMCTL_EXIT_HYPERCALL		= 9,	/* guest VMCALL: run.hypercall */
	/*
	 * run.request_interrupt_window was set and the guest can take an
	 * interrupt now (run.ready_for_interrupt_injection is 1): inject it
	 * with VMCTL_INTERRUPT before the next RUN.
	 */
	VMCTL_EXIT_IRQ_WINDOW_OPEN	= 10,
};

/*
 * Hypercalls (VMCTL_EXIT_HYPERCALL), KVM's convention: the guest executes
 * VMCALL with the call number in RAX and up to four arguments in RBX,
 * RCX, RDX and RSI; the result comes back in RAX, every other register
 * unchanged.  Outside 64-bit mode number and arguments are the low 32
 * bits of the registers and only EAX is written back (zero-extended).
 *
 * VMCALL at CPL > 0 never reaches user space: the guest gets
 * -VMCTL_HC_EPERM in RAX and continues after the VMCALL, as under KVM
 * (its -KVM_EPERM), so that a user process in the guest cannot talk to
 * the VMM behind its kernel's back.  The error numbers are KVM's, so
 * that guests written for KVM's hypercall ABI read them alike.
 */
#define VMCTL_HC_EPERM			1	/* RAX = -1: VMCALL at CPL > 0 */
#define VMCTL_HC_ENOSYS			1000	/* what libvmctl answers for no handler */

#define VMCTL_HYPERCALL_LONG_MODE	(1U << 0)	/* hypercall.flags: 64-bit mode */

#define VMCTL_IO_IN			0
#define VMCTL_IO_OUT			1

/* run.io.flags */
#define VMCTL_IO_STRING			(1U << 0)	/* INS or OUTS */
#define VMCTL_IO_REP			(1U << 1)	/* ... with a REP prefix */

/*
 * Where the elements of a string I/O exit are: run.io.data_offset bytes
 * from the start of the run page, at most VMCTL_IO_DATA_SIZE bytes.
 */
#define VMCTL_IO_DATA_OFFSET		2048
#define VMCTL_IO_DATA_SIZE		2048

#define VMCTL_MSR_READ			0
#define VMCTL_MSR_WRITE			1

/* run.internal.suberror */
enum vmctl_internal_error {
	/* data[0] = hardware exit reason, [1] = qualification, [2] = RIP */
	VMCTL_INTERNAL_UNHANDLED_EXIT	= 1,
	/*
	 * No slot (or a read-only one) backs the access: data[0] =
	 * guest-physical address, [1] = qualification, [2] = guest RIP.
	 */
	VMCTL_INTERNAL_EPT_VIOLATION	= 2,
	/*
	 * Port I/O that cannot be emulated: data[0] = qualification, [1] =
	 * guest RIP, [2] = guest-physical address of the string operand,
	 * which is not RAM (MMIO, or for INS a read-only slot), or ~0 (the
	 * CPU does not describe INS/OUTS exits: IA32_VMX_BASIC bit 54 clear;
	 * the paging structures are not RAM; an exit no CPU makes).
	 * Registers and RIP are as before the batch.
	 */
	VMCTL_INTERNAL_UNSUPPORTED_IO	= 3,
	VMCTL_INTERNAL_VMX_INSN_FAILED	= 4,	/* data[0] = VM-instruction error */
	/*
	 * An access no slot backs that cannot be delivered as
	 * VMCTL_EXIT_MMIO: data[0] = guest-physical address, [1] = guest
	 * RIP, [2] = why (enum vmctl_mmio_failure), [3] = number of
	 * instruction bytes fetched, [4] and [5] = those bytes (byte 0 in
	 * the low byte of [4]).  The guest is left at the instruction.
	 */
	VMCTL_INTERNAL_MMIO_FAILED	= 5,
};

/* run.internal.data[2] of VMCTL_INTERNAL_MMIO_FAILED */
enum vmctl_mmio_failure {
	/*
	 * 1-6: the decoder refused the bytes (enum vmctl_insn_status:
	 * truncated, too long, unsupported opcode, no memory operand, #UD
	 * encoding, refused prefix)
	 */
	VMCTL_MMIO_DECODE_TRUNCATED	= 1,
	VMCTL_MMIO_DECODE_TOO_LONG	= 2,
	VMCTL_MMIO_DECODE_UNSUPPORTED	= 3,
	VMCTL_MMIO_DECODE_NO_MEMORY	= 4,
	VMCTL_MMIO_DECODE_INVALID	= 5,
	VMCTL_MMIO_DECODE_PREFIX	= 6,
	/* no longer produced: accesses that cross a page are split */
	VMCTL_MMIO_SPLIT_ACCESS		= 0x100,
	VMCTL_MMIO_FETCH_FAILED		= 0x101,	/* instruction not in guest RAM */
	VMCTL_MMIO_PAGING_UNSUPPORTED	= 0x102,	/* 5-level paging */
	VMCTL_MMIO_TABLES_NOT_RAM	= 0x103,	/* a page table outside guest RAM */
	/* a fetch from MMIO, the page walk's own access, event delivery */
	VMCTL_MMIO_WRONG_ACCESS		= 0x104,
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
		/*
		 * String I/O (INS/OUTS, flags has VMCTL_IO_STRING): one exit
		 * per batch of count elements of size bytes, as KVM's
		 * io.count and io.data_offset.  The elements lie at
		 * data_offset (VMCTL_IO_DATA_OFFSET) in the run page in the
		 * order the port sees them, whatever RFLAGS.DF: element 0
		 * is the first one read or written.  For OUTS they hold the
		 * values written, and RSI, RCX and RIP are already advanced
		 * past the batch.  For INS user space stores count values
		 * there; the next RUN writes them to the guest's buffer and
		 * advances RDI, RCX and RIP, under the pending-IN rule above.
		 * RSI/RDI move by size per element, down with DF set, and
		 * wrap at the address size (16, 32 or 64 bits; a 32-bit
		 * address size zero-extends the register, a 16-bit one keeps
		 * its upper bits), as do RCX's decrements.
		 *
		 * A batch ends at the first of: RCX elements (1 without
		 * REP), VMCTL_IO_DATA_SIZE bytes, the end of the guest page
		 * the buffer is in (an element that straddles two pages is
		 * a batch of its own), the end of the segment (limit) or of
		 * the address size.  While RCX is not 0 RIP stays at the
		 * instruction, which runs again on the next entry: events
		 * and signals may come in between, as on the CPU.  A 4 KiB
		 * REP OUTSW from a page-aligned buffer is 2 exits.  REP with
		 * RCX = 0 (at the address size) does nothing and does not
		 * reach user space.  A pending INS batch is not part of the
		 * VMCTL_GET_STATE blob: complete it first (RUN with
		 * immediate_exit set).
		 *
		 * The buffer (ES:RDI for INS; DS:RSI or the prefix's segment
		 * for OUTS; in 64-bit mode only FS and GS have a base) goes
		 * through the guest's segmentation and page tables with its
		 * privilege checks before anything reaches user space: a
		 * fault (#GP or #SS for the segment, #PF with CR2) is
		 * delivered to the guest instead, with the registers of the
		 * first element not yet done.  A buffer outside RAM ends
		 * the run with VMCTL_INTERNAL_UNSUPPORTED_IO.
		 *
		 * Without VMCTL_IO_STRING, count is 1 and data_offset points
		 * at data.
		 */
		struct {
			__u16 port;
			__u8  size;		/* 1, 2 or 4 */
			__u8  direction;	/* VMCTL_IO_IN or VMCTL_IO_OUT */
			__u32 count;		/* elements */
			__u64 data;
			__u32 data_offset;	/* in the run page */
			__u32 flags;		/* VMCTL_IO_* */
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

		/*
		 * VMCTL_EXIT_MMIO: an access to guest-physical memory that no
		 * slot backs, or a write to a read-only slot, decoded.  data
		 * is little-endian, len bytes of it valid.
		 *
		 * A write: data holds the value written; the instruction is
		 * complete (registers, flags and RIP updated).  A read: user
		 * space stores the value read in data; the next RUN completes
		 * the instruction (destination register with the zero or
		 * sign extension and partial-register rules of the
		 * instruction, flags, RIP), under the same pending rule as an
		 * IN (see io above; SET_REGS/SET_SREGS discard it).
		 *
		 * Read-modify-write instructions (ADD/OR/AND/XOR/... to
		 * memory, NOT, NEG, INC, DEC, XCHG, BTS/BTR/BTC, XADD,
		 * CMPXCHG) are a read exit, then, on the next RUN, a write
		 * exit with the result: the read exit does not know the value
		 * to write.  CMPXCHG writes in both cases, as the CPU does:
		 * the source when the comparison succeeds, the value read
		 * otherwise.  CMP, TEST
		 * and BT only read.  LOCK is honoured only in that nothing
		 * else of this vCPU runs in between; another vCPU or device
		 * thread may touch the device between the two exits.  MOVS
		 * between two MMIO ranges is a read exit and then a write
		 * exit; with RAM on one side, only the MMIO side exits (the
		 * RAM side is done in the kernel, through the guest's page
		 * tables).  REP string forms exit once per element (a 4 KiB
		 * REP MOVSB to MMIO is 4096 exits); RCX, RSI and RDI are
		 * advanced by one element at each (backwards with DF set), and
		 * RIP stays at the instruction until RCX reaches 0, so the
		 * guest takes interrupts between elements as on the CPU.  A
		 * RUN that completes a read whose instruction then writes
		 * MMIO returns that write exit at once, even with
		 * immediate_exit set.
		 *
		 * An access that crosses a page is done in two pieces, one per
		 * page; both pages are translated and checked before either
		 * piece is accessed.  A piece in RAM is done in the kernel;
		 * each MMIO piece is an exit of its own, lower address first,
		 * with len the piece's length (1 to 7 bytes; e.g. a 4-byte
		 * store at page offset 0xffe is two write exits of 2 bytes,
		 * even when both pages are one device, as under KVM).  The
		 * second write exit of a store comes on the next RUN, like
		 * the write of a read-modify-write; SET_REGS or SET_SREGS in
		 * between drop it.
		 *
		 * The instruction is fetched and its operands translated
		 * through the guest's segments and page tables with its
		 * privilege checks; a fault the CPU would raise (#PF with
		 * CR2, #GP, #SS) is delivered to the guest instead, before
		 * any access.  Accessed and dirty bits are set as the CPU
		 * sets them.  Forms the decoder does not know (SSE moves,
		 * CMPXCHG8B/16B, ...) and fetches from MMIO end the run with
		 * VMCTL_INTERNAL_MMIO_FAILED instead.
		 */
		struct {
			__u64 phys_addr;
			__u8  data[16];
			__u32 len;		/* 1, 2, 4 or 8; a page's piece: 1-7 */
			__u8  is_write;
			__u8  pad[3];
		} mmio;

		/*
		 * VMCTL_EXIT_HYPERCALL.  RIP still points at the VMCALL;
		 * the next RUN puts ret into RAX (EAX outside 64-bit mode)
		 * and moves RIP past the VMCALL.  ret starts as
		 * -VMCTL_HC_ENOSYS, so a VMM that does not answer gives
		 * the guest "no such hypercall".  SET_REGS and SET_SREGS
		 * discard a pending hypercall as they discard a pending
		 * IN (see run.io): the VMCALL executes again.
		 */
		struct {
			__u64 nr;		/* out: RAX */
			__u64 args[4];		/* out: RBX, RCX, RDX, RSI */
			__u64 ret;		/* in: the guest's RAX */
			__u32 flags;		/* out: VMCTL_HYPERCALL_* */
			__u32 pad;
		} hypercall;

		/*
		 * VMCTL_EXIT_MSR: the guest read or wrote an MSR that the
		 * kernel does not handle (not in VMCTL_GET_MSR_INDEX_LIST).
		 * RIP still points at the RDMSR/WRMSR.  For a read, user
		 * space stores the value in data; for a write, data holds
		 * the value written (EDX:EAX).  The next RUN completes the
		 * instruction: with error 0 it puts data into EDX:EAX (read)
		 * and moves RIP past it; with error 1 the guest gets #GP(0)
		 * instead, as for an MSR that does not exist (KVM's
		 * KVM_EXIT_X86_RDMSR/WRMSR "error").  Other error values
		 * make that RUN fail with -EINVAL.  SET_REGS or SET_SREGS
		 * in between discard the access (as for a pending IN).
		 */
		struct {
			__u32 index;		/* out: ECX */
			__u8  direction;	/* out: VMCTL_MSR_READ/WRITE */
			__u8  error;		/* in: 0 done, 1 inject #GP */
			__u8  pad[2];
			__u64 data;		/* read: in; write: out */
		} msr;

		__u8 exit_union_space[1024];
	};
};

/* ------------------------------------------------------------------------ */
/* CPUID                                                                      */
/* ------------------------------------------------------------------------ */

/*
 * One CPUID leaf as the guest sees it, after KVM's struct kvm_cpuid_entry2
 * (same layout).  With VMCTL_CPUID_FLAG_SIGNIFICANT_INDEX the entry answers
 * only for ECX == index (leaves 4, 7, 0xb, 0xd, ...); without it, it
 * answers for every ECX and index must be 0.
 */
struct vmctl_cpuid_entry {
	__u32 function;			/* EAX on input */
	__u32 index;			/* ECX on input */
	__u32 flags;			/* VMCTL_CPUID_FLAG_* */
	__u32 eax;
	__u32 ebx;
	__u32 ecx;
	__u32 edx;
	__u32 padding[3];		/* must be 0 */
};

#define VMCTL_CPUID_FLAG_SIGNIFICANT_INDEX	(1U << 0)

/* Entries of one vCPU's table (and of the supported table) at most. */
#define VMCTL_CPUID_MAX_ENTRIES		256

/*
 * Argument of the CPUID ioctls: nent entries at the user address entries.
 * GET ioctls write the number of entries back into nent, also when they
 * fail with -E2BIG because nent was too small, so that the caller can
 * retry with a buffer of the right size.
 */
struct vmctl_cpuid {
	__u32 nent;
	__u32 padding;			/* must be 0 */
	__u64 entries;			/* struct vmctl_cpuid_entry *, as __u64 */
};

/*
 * The supported table (VMCTL_GET_SUPPORTED_CPUID) holds the host's leaves
 * with every feature that vmctl cannot give a guest cleared, and a
 * hypervisor range the module fills itself:
 *   0x40000000  EAX: highest hypervisor leaf; EBX, ECX, EDX: the signature
 *               "vmctlvmctlvm" (VMCTL_CPUID_SIGNATURE_EBX/ECX/EDX);
 *   0x40000010  EAX: the host's TSC frequency in kHz, which a guest sees
 *               unscaled (0 if the host does not know it); EBX: 0 (there
 *               is no local APIC timer yet).
 */
#define VMCTL_CPUID_HYPERVISOR_LEAF	0x40000000U
#define VMCTL_CPUID_TIMING_LEAF		0x40000010U
#define VMCTL_CPUID_SIGNATURE_EBX	0x74636d76U	/* "vmct" */
#define VMCTL_CPUID_SIGNATURE_ECX	0x636d766cU	/* "lvmc" */
#define VMCTL_CPUID_SIGNATURE_EDX	0x6d766c74U	/* "tlvm" */

/* ------------------------------------------------------------------------ */
/* MSRs by list (VMCTL_GET_MSRS, VMCTL_SET_MSRS, VMCTL_GET_MSR_INDEX_LIST)    */
/* ------------------------------------------------------------------------ */

#define VMCTL_MAX_MSR_ENTRIES		256	/* per VMCTL_GET/SET_MSRS call */

/* struct vmctl_msr_entry: see the vCPU state blob above. */

struct vmctl_msrs {
	__u32 nmsrs;			/* in: entries, 0 .. VMCTL_MAX_MSR_ENTRIES */
	__u32 pad;			/* in: must be 0 */
	__u64 entries;			/* in: user pointer to struct vmctl_msr_entry[nmsrs] */
};

struct vmctl_msr_list {
	__u32 nmsrs;			/* in: room in indices; out: indices there are */
	__u32 pad;			/* in: must be 0 */
	__u64 indices;			/* in: user pointer to __u32[nmsrs] */
};

/* ------------------------------------------------------------------------ */
/* ioctls                                                                      */
/*                                                                            */
/* Common errors: -EFAULT bad user pointer; -EINVAL nonzero pad/reserved       */
/* or flags; -ENOTTY unknown ioctl; -EIO caller is not the owning process;    */
/* -ESHUTDOWN the host is rebooting (reboot, kexec) and VT-x is off for good.  */
/* ------------------------------------------------------------------------ */

/* /dev/vmctl */

/* Returns VMCTL_API_VERSION. */
#define VMCTL_GET_API_VERSION	_IO(VMCTL_IOCTL_MAGIC, 0x00)

/* Fills struct vmctl_caps. */
#define VMCTL_GET_CAPS		_IOR(VMCTL_IOCTL_MAGIC, 0x01, struct vmctl_caps)

/*
 * Returns a new VM fd (O_CLOEXEC).  Errors: -EINVAL flags/pad/reserved not 0;
 * -EBUSY another hypervisor holds VMX on some CPU (the module logs what to
 * do); -ENOMEM; -EMFILE; -ESHUTDOWN the host is rebooting.
 */
#define VMCTL_CREATE_VM		_IOW(VMCTL_IOCTL_MAGIC, 0x02, struct vmctl_create_vm)

/* Fills struct vmctl_usage. */
#define VMCTL_GET_USAGE		_IOR(VMCTL_IOCTL_MAGIC, 0x03, struct vmctl_usage)

/*
 * Fills entries with the CPUID leaves vmctl can virtualise (see struct
 * vmctl_cpuid): a starting point for VMCTL_SET_CPUID, not a table to pass
 * unchanged (libvmctl's vmctl_cpuid_default() makes one).  Errors:
 * -E2BIG nent too small (nent says how many are needed); -EINVAL padding.
 */
#define VMCTL_GET_SUPPORTED_CPUID _IOWR(VMCTL_IOCTL_MAGIC, 0x04, struct vmctl_cpuid)

/*
 * The MSRs the kernel handles for a guest (and saves and restores through
 * VMCTL_GET/SET_MSRS), in ascending order, into indices.  Returns 0 with
 * nmsrs set to the count; -E2BIG with nmsrs set to the count when nmsrs
 * was smaller (nothing copied); -EINVAL pad != 0.
 */
#define VMCTL_GET_MSR_INDEX_LIST _IOWR(VMCTL_IOCTL_MAGIC, 0x05, struct vmctl_msr_list)

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
 * another thread; -ESHUTDOWN the host is rebooting (reboot, kexec) and has
 * turned VT-x off (also for a RUN that was in the guest then); -EIO the
 * caller is not the owning process, as for every ioctl.
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
 * Replaces the vCPU's CPUID table; from then on the kernel answers every
 * guest CPUID from it.  A vCPU that never had a table set answers with the
 * host's values minus what vmctl hides (as before this ioctl existed).
 * Lookup follows KVM: an entry matches the function and, if it has
 * VMCTL_CPUID_FLAG_SIGNIFICANT_INDEX, the index.  A function with no entry
 * that lies above the highest leaf of its range (entry 0, 0x40000000 or
 * 0x80000000 EAX, or a range without that entry) gets the entry of the
 * highest basic leaf (entry 0's EAX) for the same index, as Intel CPUs do;
 * one inside its range, or without such an entry, reads as all zero.
 * (KVM's special cases for leaves 0xb and 0x1f and for AMD vendors are not
 * followed.)
 * The kernel changes some values as it stores them, and VMCTL_GET_CPUID
 * shows the result: leaf 0xd describes exactly the XSAVE components the
 * guest's FPU state switching supports (subleaf 0: EAX/EDX ANDed with them,
 * EBX/ECX their XSAVE size; subleaf 1: no XSAVES, EBX-EDX 0; subleaves 2-63
 * of other components 0), leaf 1 ECX drops XSAVE and AVX when those
 * components are missing, leaf 7.0 drops PKU, OSPKE and AMX.  At run time
 * leaf 1 ECX OSXSAVE follows the guest's CR4.OSXSAVE.
 * Errors: -E2BIG nent > VMCTL_CPUID_MAX_ENTRIES; -EINVAL unknown flags,
 * nonzero padding, index != 0 without SIGNIFICANT_INDEX, or one function
 * with and without SIGNIFICANT_INDEX; -EEXIST two entries for the same
 * function and index; -ENOMEM; -EBUSY vCPU in use.  On error the old
 * table stays.  nent 0 is a valid, empty table (every leaf reads 0).
 */
#define VMCTL_SET_CPUID		_IOW(VMCTL_IOCTL_MAGIC, 0x30, struct vmctl_cpuid)
/*
 * The table as stored (sorted by function, then index).  Errors: -E2BIG
 * nent too small (nent says how many); -ENOENT no table was set;
 * -EINVAL padding; -EBUSY.
 */
#define VMCTL_GET_CPUID		_IOWR(VMCTL_IOCTL_MAGIC, 0x31, struct vmctl_cpuid)
/* state: 0x44-0x4f */
#define VMCTL_GET_DEBUGREGS	_IOR(VMCTL_IOCTL_MAGIC, 0x44, struct vmctl_debugregs)
/*
 * Errors: -EINVAL flags or reserved not 0, DR6 or DR7 bits 63:32 set, a
 * reserved DR7 bit set (the values a guest MOV to DR6/DR7 would #GP on).
 * DR6's always-1 bits and DR7 bit 10 are set whatever is written.
 */
#define VMCTL_SET_DEBUGREGS	_IOW(VMCTL_IOCTL_MAGIC, 0x45, struct vmctl_debugregs)

#define VMCTL_GET_XSAVE		_IOR(VMCTL_IOCTL_MAGIC, 0x46, struct vmctl_xsave)
/*
 * Errors: -EINVAL XSTATE_BV names a component outside the guest's XCR0,
 * XCOMP_BV or the reserved header bytes (520-575) not 0, MXCSR with a
 * bit set that the CPU's MXCSR_MASK does not allow: everything XRSTOR
 * would fault on.  On error nothing changes.
 */
#define VMCTL_SET_XSAVE		_IOW(VMCTL_IOCTL_MAGIC, 0x47, struct vmctl_xsave)

/* XCR0 only (nr_xcrs 1); 0 entries when the CPU has no XSAVE. */
#define VMCTL_GET_XCRS		_IOR(VMCTL_IOCTL_MAGIC, 0x48, struct vmctl_xcrs)
/*
 * Errors: -EINVAL nr_xcrs > VMCTL_MAX_XCRS, flags, reserved or padding not
 * 0, an XCR other than XCR0, or an XCR0 other than the one the guest runs
 * with: the guest's XCR0 is fixed (the host's minus PKRU and AMX) until
 * guest XSETBV is handled.
 */
#define VMCTL_SET_XCRS		_IOW(VMCTL_IOCTL_MAGIC, 0x49, struct vmctl_xcrs)

/*
 * Fills the buffer that starts with a struct vmctl_state_header whose
 * size field (in) gives the buffer's bytes: the header, then one component
 * of each type the module has, in type order.  A pending IN or hypercall
 * is saved as such (VMCTL_STATE_PENDING), with the value user space has
 * put in the run page so far.  Errors: -E2BIG the buffer is too small
 * (header.size is set to the bytes needed, nothing else is written);
 * -EINVAL size below the header.
 */
#define VMCTL_GET_STATE		_IOWR(VMCTL_IOCTL_MAGIC, 0x4a, struct vmctl_state_header)
/*
 * Sets the components the blob holds; those it lacks stay as they are.
 * Everything is checked before anything changes.  Errors: -EINVAL bad
 * magic, size below the header or not what the components add up to,
 * flags/pad/reserved not 0, a component whose size is not its type's, a
 * type twice, a value the matching single ioctl (SET_REGS, SET_SREGS,
 * ...) refuses, an MSR the module does not keep or a value a guest WRMSR
 * would #GP on, events SET_VCPU_EVENTS refuses (judged against the
 * blob's RFLAGS and CR0) or whose shadows differ from the CPU
 * component's, an unknown CPU flag, or a state the module's VM-entry
 * checks refuse (with the old state kept); -EPROTO another version;
 * -E2BIG size above VMCTL_STATE_MAX_SIZE; -EOPNOTSUPP an unknown
 * component type without VMCTL_STATE_IGNORE_UNKNOWN.
 */
#define VMCTL_SET_STATE		_IOW(VMCTL_IOCTL_MAGIC, 0x4b, struct vmctl_state_header)

/*
 * A debugging aid (VMCTL_CAP_VCPU_DUMP): the VMCS fields that say what
 * the guest was doing when it last exited, raw as the CPU left them:
 * the guest-state area (segments, CRs, RIP, RSP, RFLAGS, interruptibility,
 * activity, EFER, PAT, PDPTEs, ...), the exit information (reason,
 * qualification, linear and guest-physical address, exit interruption and
 * IDT-vectoring information with their error codes, instruction length
 * and information, VM-instruction error), the event set up for the next
 * entry and the execution controls.  Each entry names its field with the
 * SDM's encoding (Appendix B) and a name ("GUEST_RIP", "EXIT_REASON"),
 * so a program can print what it does not know.  The general-purpose
 * registers other than RSP are not VMCS fields: VMCTL_GET_REGS has them.
 * Register fields of a vCPU that never ran show the state it would enter
 * with; exit fields are 0 until its first exit.  Errors: -EBUSY the vCPU
 * is running; -EFAULT.
 */
#define VMCTL_DUMP_NAME_LEN	28
#define VMCTL_DUMP_MAX_FIELDS	96

struct vmctl_vmcs_field {
	__u32 encoding;			/* VMCS field encoding */
	char name[VMCTL_DUMP_NAME_LEN];	/* NUL-terminated */
	__u64 value;			/* zero-extended */
};

struct vmctl_vcpu_dump {
	__u32 nr_fields;		/* entries of fields[] used */
	__u32 pad;
	__u64 reserved[3];
	struct vmctl_vmcs_field fields[VMCTL_DUMP_MAX_FIELDS];
};

#define VMCTL_GET_VCPU_DUMP	_IOR(VMCTL_IOCTL_MAGIC, 0x4c, struct vmctl_vcpu_dump)

/*
 * MSRs by list, as KVM_GET_MSRS/KVM_SET_MSRS: entries are processed in
 * order and processing stops at the first one that fails (an MSR the
 * kernel does not handle, or for SET a value the MSR refuses: reserved
 * bits, a non-canonical address, a read-only MSR).  Returns the number
 * of entries processed; only that many data fields are written back by
 * GET.  Host writes obey the guest's rules, except that a write of TSC
 * sets the guest's TSC offset (guest TSC = host TSC + offset, as for a
 * guest WRMSR), APIC_BASE's BSP bit is the host's to set, and a read-only
 * MSR (FEATURE_CONTROL, MTRRcap, MCG_CAP) accepts its own value, so that
 * a list saved with GET restores with SET.
 *
 * Machine check: MCG_CAP is 0x104 (MCG_CTL present, four banks; no
 * CMCI, LMCE or software error recovery), as CPUID's MCE and MCA bits
 * (the host's) promise.  MCG_CTL and MCi_CTL take 0 or all ones (MCi_CTL
 * also all ones but bits 10 and 0, as KVM) and are all ones at reset;
 * MCG_STATUS bits 2:0; MCi_ADDR and MCi_MISC anything.  A guest may
 * only write 0 to MCi_STATUS, user space any value.  MCi_CTL2 and the
 * banks past the fourth are not the kernel's (they reach user space as
 * unknown MSRs).  Nothing raises #MC in the guest.  Errors: -EINVAL nmsrs >
 * VMCTL_MAX_MSR_ENTRIES, pad or an entry's reserved != 0 (nothing
 * processed); -EBUSY; -EFAULT; -ENOMEM.
 */
#define VMCTL_GET_MSRS		_IOWR(VMCTL_IOCTL_MAGIC, 0x34, struct vmctl_msrs)
#define VMCTL_SET_MSRS		_IOW(VMCTL_IOCTL_MAGIC, 0x35, struct vmctl_msrs)

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
 * SET_REGS and SET_SREGS leave events alone (an event whose delivery an
 * exit interrupted is still delivered at the next entry): clear them
 * with SET_VCPU_EVENTS when the state written is unrelated.
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
 * skipped by dumps and is -ENOENT for a request naming it.
 *
 * Events: multicast cannot be filtered per listener, so there are two
 * groups with the same events.  Only CAP_SYS_ADMIN may join
 * VMCTL_GENL_MCGRP_EVENTS, whose events name the VM, its creator's pid
 * and uid.  Anyone may join VMCTL_GENL_MCGRP_NOTIFY, whose events carry
 * only EVENT and VM_ID: that some VM came or went, no more than the ids
 * in use reveal; a VM's owner (or a monitor it runs) then asks GET_VM,
 * which answers for its own VMs only.  Every attribute is validated strictly: unknown or
 * malformed ones give -EINVAL with an extended ack, never a partial
 * answer.
 */
#define VMCTL_GENL_NAME		"vmctl"
#define VMCTL_GENL_VERSION	1
#define VMCTL_GENL_MCGRP_EVENTS	"events"
#define VMCTL_GENL_MCGRP_NOTIFY	"notify"

enum vmctl_genl_cmd {
	VMCTL_CMD_UNSPEC,
	/*
	 * Dump: one message per VM visible to the caller (VM_ID, NAME, PID,
	 * UID, NR_VCPUS, MEM_BYTES, STATE, CREATED_NS, COUNTERS, EXIT_REASONS
	 * and IO_PORTS summed over its vCPUs).  Optional VM_ID: only that VM
	 * (-ENOENT if not visible).
	 */
	VMCTL_CMD_GET_VM,
	/*
	 * Dump of one VM's vCPUs: needs VM_ID (-EINVAL without, -ENOENT if
	 * not visible); one message per vCPU with VM_ID, VCPU_ID, COUNTERS,
	 * EXIT_REASONS, LATENCY and IO_PORTS.
	 */
	VMCTL_CMD_GET_VCPU,
	/*
	 * Do: the descriptors, so that readers need no list of their own:
	 * COUNTER_DESCS, EXIT_REASON_NAMES, LATENCY_BUCKETS, IO_PORT_DESCS.
	 */
	VMCTL_CMD_GET_DESC,
	/*
	 * Multicast on VMCTL_GENL_MCGRP_EVENTS: EVENT, VM_ID, PID, UID, NAME;
	 * on VMCTL_GENL_MCGRP_NOTIFY: EVENT, VM_ID.
	 */
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
	/*
	 * nested: attribute type i + 1 holds the port-I/O exits to user
	 * space whose port lies in port range i (u64); empty ranges left out
	 */
	VMCTL_ATTR_IO_PORTS,
	/*
	 * nested: attribute type i + 1 is a nested descriptor of port range
	 * i: DESC_NAME (e.g. "com1"), PORT_FIRST, PORT_LAST.  Ranges do not
	 * overlap, except the last, which takes every port no other range
	 * holds.
	 */
	VMCTL_ATTR_IO_PORT_DESCS,
	VMCTL_ATTR_PORT_FIRST,		/* u16 */
	VMCTL_ATTR_PORT_LAST,		/* u16 */
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
