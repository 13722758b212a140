/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libvmctl: the C library for the vmctl.ko hypervisor module.
 *
 * Objects, each an opaque handle; callers never see file descriptors:
 *
 *   struct vmctl_sys    /dev/vmctl: API version, capabilities, creates VMs
 *   struct vmctl_vm     one virtual machine: guest memory, port-I/O handlers
 *   struct vmctl_vcpu   one virtual CPU of a VM: registers, run loop
 *
 * Conventions:
 *   - Functions that can fail return 0 (or a non-negative value where
 *     documented) on success and a negative errno on failure; errno itself
 *     is not part of the interface.  Each function's comment lists every
 *     errno it returns ("Errors:"), and only those; -EINVAL always
 *     includes a NULL handle or pointer argument.  vmctl_strerror_call()
 *     gives the message that fits the function and errno.
 *   - On failure a function leaves its out-pointers (and every other
 *     output) unchanged.
 *   - -EIO from a function that calls the kernel means this process did
 *     not create the VM (e.g. a child after fork()).  -ESHUTDOWN from one
 *     means the host is rebooting (reboot, kexec) and the module has
 *     turned VT-x off for good; vmctl_strerror() says so for any call.
 *   - Whoever creates destroys: an _open() or _create() function hands
 *     out a handle that the caller releases with the matching _close() or
 *     _destroy().  A VM
 *     outlives the vmctl_sys it came from; destroying a VM also destroys the
 *     vCPUs and guest memory the caller did not release, so a pointer into
 *     guest memory or a vCPU handle is invalid after vmctl_vm_destroy().
 *   - A handle is used by one thread at a time, except that different vCPUs
 *     of one VM may run in different threads.  Register port-I/O handlers
 *     before running vCPUs in other threads.
 *   - Guest-physical addresses (GPA) are uint64_t; sizes are bytes.
 */
#ifndef LIBVMCTL_H
#define LIBVMCTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/vmctl.h>
#include <vmctl/ucall.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Version of this library's interface, bumped when a function or structure
 * changes meaning.  VMCTL_API_VERSION (from <linux/vmctl.h>) is the kernel
 * ABI version the library was built against.
 */
#define LIBVMCTL_VERSION		2	/* 2: struct vmctl_exit grew (count, ...) */

struct vmctl_sys;
struct vmctl_vm;
struct vmctl_vcpu;

/* Returns LIBVMCTL_VERSION of the library actually linked. */
int vmctl_lib_version(void);

/* ------------------------------------------------------------------------ */
/* The system handle                                                          */
/* ------------------------------------------------------------------------ */

#define VMCTL_DEFAULT_DEVICE	"/dev/" VMCTL_DEVICE_NAME

/*
 * Opens /dev/vmctl and checks that the module speaks VMCTL_API_VERSION.
 * On success stores a new handle in *sysp (free with vmctl_sys_close()).
 * Errors: -ENOENT no /dev/vmctl (the module is not loaded); -EACCES not
 * permitted; -ENODEV the node could not be opened otherwise (e.g. no
 * driver behind it); -ENOTTY the node is not a vmctl device; -EPROTO the
 * module's API version differs; -EMFILE too many open files; -ENOMEM;
 * -EINVAL sysp is NULL.
 */
int vmctl_sys_open(struct vmctl_sys **sysp);

/*
 * As vmctl_sys_open(), with another device node (tests, containers).
 * Errors: -ENOENT nothing at path; -EACCES; -ENODEV; -ENOTTY path is not a
 * vmctl device (a regular file, a directory, another driver's node);
 * -EPROTO; -EMFILE; -ENOMEM; -EINVAL path or sysp is NULL.
 */
int vmctl_sys_open_path(const char *path, struct vmctl_sys **sysp);

/* Closes the handle; NULL is ignored.  VMs created from it live on. */
void vmctl_sys_close(struct vmctl_sys *sys);

/* Returns the module's API version (>= 0).  Errors: -EINVAL sys is NULL. */
int vmctl_sys_api_version(struct vmctl_sys *sys);

/* Copies the module's capabilities into *caps.  Errors: -EINVAL. */
int vmctl_sys_get_caps(struct vmctl_sys *sys, struct vmctl_caps *caps);

/* Copies the module's current resource usage into *usage.  Errors: -EINVAL. */
int vmctl_sys_get_usage(struct vmctl_sys *sys, struct vmctl_usage *usage);

/*
 * Name of one VMCTL_CAP_* bit (pass the bit itself, e.g. VMCTL_CAP_EPT),
 * e.g. "ept"; NULL for a bit this library does not know.  Static storage.
 */
const char *vmctl_cap_name(uint64_t cap_bit);

/*
 * The message for err (a negative errno) returned by the libvmctl function
 * named func (e.g. "vmctl_sys_open"), as documented beside that function:
 * -ENOENT from vmctl_sys_open() says the module is not loaded, from
 * vmctl_vm_mem_remove() that there is no such slot.  Falls back to
 * vmctl_strerror(err) for an unknown func or errno.  Static storage.
 */
const char *vmctl_strerror_call(const char *func, int err);

/*
 * Like strerror(), for a negative errno whose call is not known; hints only
 * where the errno means one thing in this library (-EPROTO).  Prefer
 * vmctl_strerror_call().  Static storage.
 */
const char *vmctl_strerror(int err);

/* ------------------------------------------------------------------------ */
/* Virtual machines and guest memory                                          */
/* ------------------------------------------------------------------------ */

/*
 * Creates a VM.  On success stores a new handle in *vmp (free with
 * vmctl_vm_destroy()).  Errors: -EBUSY another hypervisor holds VT-x (the
 * kernel log says what to do); -ENOMEM; -EMFILE too many open files;
 * -ESHUTDOWN the host is rebooting; -EINVAL sys or vmp is NULL.
 */
int vmctl_vm_create(struct vmctl_sys *sys, struct vmctl_vm **vmp);

/*
 * Destroys the VM with its remaining vCPUs, guest memory and port-I/O
 * handlers.  NULL is ignored.
 */
void vmctl_vm_destroy(struct vmctl_vm *vm);

/*
 * Flags of vmctl_vm_mem_add(): the uapi's VMCTL_SLOT_* (VMCTL_SLOT_READONLY:
 * guest writes fail, the host may write).  VMCTL_MEM_READONLY is the name
 * LIBVMCTL_VERSION 1 gave the same flag; it stays for old programs.
 */
#define VMCTL_MEM_READONLY	VMCTL_SLOT_READONLY

/*
 * Gives the guest size bytes of fresh zeroed memory at guest-physical gpa:
 * the library maps anonymous memory in this process and registers it as a
 * memory slot.  gpa and size must be multiples of the page size (4096).
 * If hostp is not NULL, *hostp receives the host address of the first
 * byte; it stays valid until the memory is removed or the VM destroyed (the
 * library unmaps it: never munmap() it yourself).
 * Returns the slot number (>= 0, for vmctl_vm_mem_remove()).  Errors:
 * -EINVAL unaligned, zero size, wrapping range, unknown flags, beyond the
 * guest's physical address width or the module's slot size, vm NULL;
 * -EEXIST the range overlaps guest memory already added; -ENOSPC no free
 * slot; -ENOMEM out of memory, or the slot would take this process's
 * pinned memory (VmPin) above RLIMIT_MEMLOCK without CAP_IPC_LOCK; -EIO.
 */
int vmctl_vm_mem_add(struct vmctl_vm *vm, uint64_t gpa, uint64_t size,
		     unsigned int flags, void **hostp);

/* Removes a slot returned by vmctl_vm_mem_add() and unmaps its memory.
 * Errors: -ENOENT no such slot; -EINVAL vm is NULL; -EIO. */
int vmctl_vm_mem_remove(struct vmctl_vm *vm, int slot);

/*
 * Translates guest-physical [gpa, gpa + len) into a host pointer.  Returns
 * NULL unless the whole range lies within one slot (len 0 counts as 1).
 */
void *vmctl_vm_gpa_to_host(struct vmctl_vm *vm, uint64_t gpa, uint64_t len);

/* Copies between host buffers and guest memory; the whole range must lie in
 * one slot (read-only slots included).  Errors: -EFAULT otherwise. */
int vmctl_vm_write(struct vmctl_vm *vm, uint64_t gpa, const void *buf, size_t len);
int vmctl_vm_read(struct vmctl_vm *vm, uint64_t gpa, void *buf, size_t len);

/*
 * Loads a flat binary image (copied byte for byte) at gpa.  The image must
 * fit in guest memory already added.  Returns the number of bytes loaded
 * (>= 0).  Errors: -ENOENT no such file; -EACCES not permitted; -EISDIR a
 * directory; -ENOEXEC empty, or not a regular file (a FIFO, a device);
 * -ERANGE the image does not fit in one slot; -EMFILE too many open
 * files; -EIO reading failed; -EINVAL vm or path is NULL.
 */
long vmctl_vm_load_flat(struct vmctl_vm *vm, const char *path, uint64_t gpa);

/*
 * Names the VM (at most VMCTL_VM_NAME_LEN - 1 printable ASCII bytes) as
 * vmctl list, vmtop and the statistics show it.  Errors: -EINVAL name too
 * long or not printable ASCII, vm or name NULL; -EIO.
 */
int vmctl_vm_set_name(struct vmctl_vm *vm, const char *name);

/* ------------------------------------------------------------------------ */
/* Statistics (generic netlink, through libnl-genl-3)                         */
/* ------------------------------------------------------------------------ */

/*
 * A connection to the module's statistics family.  Counters are indexed by
 * enum vmctl_stat (<linux/vmctl.h>); their names, units and kinds, and the
 * names of the backend's exit reasons, come from the module.  Who may see
 * which VMs is the module's rule (see VMCTL_GENL_NAME in <linux/vmctl.h>):
 * a user sees the VMs they created, CAP_SYS_ADMIN sees all.
 */
struct vmctl_stats;

#define VMCTL_STATS_MAX_REASONS		128	/* exit reasons kept per VM/vCPU */
#define VMCTL_STATS_MAX_BUCKETS		32	/* latency buckets kept per reason */
#define VMCTL_STATS_MAX_PORT_RANGES	16	/* port ranges kept per VM/vCPU */

struct vmctl_stat_info {
	const char *name;		/* e.g. "io_exits"; owned by the connection */
	uint32_t unit;			/* enum vmctl_stat_unit */
	uint32_t kind;			/* enum vmctl_stat_kind */
};

/* A range of ports whose exits are counted together, e.g. "com1". */
struct vmctl_port_range_info {
	const char *name;		/* owned by the connection */
	uint16_t first, last;		/* inclusive */
};

struct vmctl_vm_info {
	uint32_t id;
	uint32_t pid;			/* creator's process id */
	uint32_t uid;			/* creator's effective uid */
	uint32_t nr_vcpus;
	uint32_t state;			/* enum vmctl_vm_state */
	uint64_t mem_bytes;
	uint64_t created_ns;		/* CLOCK_REALTIME */
	char name[VMCTL_VM_NAME_LEN];
	uint64_t counters[VMCTL_STAT_NR];	/* summed over its vCPUs */
	uint64_t exit_reasons[VMCTL_STATS_MAX_REASONS];
	/* port-I/O exits to user space, by vmctl_stats_port_range() */
	uint64_t io_ports[VMCTL_STATS_MAX_PORT_RANGES];
};

struct vmctl_vcpu_info {
	uint32_t vm_id;
	uint32_t vcpu_id;
	uint64_t counters[VMCTL_STAT_NR];
	uint64_t exit_reasons[VMCTL_STATS_MAX_REASONS];
	uint64_t io_ports[VMCTL_STATS_MAX_PORT_RANGES];
	/* exits whose handling took [2^b, 2^(b+1)) ns, per reason */
	uint64_t latency[VMCTL_STATS_MAX_REASONS][VMCTL_STATS_MAX_BUCKETS];
};

/* One allocation each: release with free(). */
struct vmctl_vm_list {
	size_t count;
	struct vmctl_vm_info vms[];	/* ordered by id */
};

struct vmctl_vm_stats {
	struct vmctl_vm_info vm;
	size_t nr_vcpus;
	struct vmctl_vcpu_info vcpus[];	/* ordered by vCPU id */
};

/*
 * Connects to the statistics family and reads its descriptors.  On success
 * stores a new handle in *statsp (free with vmctl_stats_close()).
 * Errors: -ENOENT the vmctl module is not loaded (no such family);
 * -EPROTO the module's answer is malformed or of another version;
 * -ENOMEM; -EIO netlink failed; -EINVAL statsp is NULL.
 */
int vmctl_stats_open(struct vmctl_stats **statsp);

/* Closes the connection; NULL is ignored. */
void vmctl_stats_close(struct vmctl_stats *stats);

/* The descriptor of counter i (enum vmctl_stat), NULL if out of range. */
const struct vmctl_stat_info *vmctl_stats_counter_info(struct vmctl_stats *stats,
							unsigned int i);

/* Name of a backend exit reason (e.g. "IO_INSTRUCTION"), NULL if unknown. */
const char *vmctl_stats_exit_reason_name(struct vmctl_stats *stats, unsigned int reason);

/* Latency buckets per exit reason the module keeps (at most VMCTL_STATS_MAX_BUCKETS). */
unsigned int vmctl_stats_latency_buckets(struct vmctl_stats *stats);

/*
 * Port range i, by which io_ports[] counts port-I/O exits; NULL past the
 * last.  The module's table of the usual PC devices' ports: no ranges
 * overlap except the last, which holds every port no other range does.
 */
const struct vmctl_port_range_info *vmctl_stats_port_range(struct vmctl_stats *stats,
							    unsigned int i);

/*
 * Every VM the caller may see.  On success *listp is one allocation that
 * the caller releases with free().  Errors: -EPROTO malformed answer;
 * -ENOMEM; -EIO; -EINVAL a NULL argument.
 */
int vmctl_stats_list_vms(struct vmctl_stats *stats, struct vmctl_vm_list **listp);

/*
 * One VM with its vCPUs.  On success *vmp is one allocation that the
 * caller releases with free().  Errors: -ENOENT no such VM, or not the
 * caller's to see; -EPROTO malformed answer; -ENOMEM; -EIO; -EINVAL a
 * NULL argument.
 */
int vmctl_stats_read_vm(struct vmctl_stats *stats, uint32_t id,
			struct vmctl_vm_stats **vmp);

struct vmctl_vm_event {
	uint32_t event;			/* enum vmctl_genl_event */
	uint32_t vm_id;
	/*
	 * With identity (CAP_SYS_ADMIN's events) the VM's creator and name;
	 * without, pid and uid are 0 and name is "": ask
	 * vmctl_stats_read_vm(), which answers for the caller's own VMs.
	 */
	bool identity;
	uint32_t pid;
	uint32_t uid;
	char name[VMCTL_VM_NAME_LEN];
};

/*
 * Starts receiving VM events (creation, destruction, shutdown) on this
 * connection, of every user's VMs: with their identity for CAP_SYS_ADMIN
 * (group VMCTL_GENL_MCGRP_EVENTS), as bare VM ids for anyone else
 * (VMCTL_GENL_MCGRP_NOTIFY).  Errors: -ENOENT the module is not loaded
 * any more; -ENOMEM; -EIO; -EINVAL stats is NULL.
 */
int vmctl_stats_subscribe(struct vmctl_stats *stats);

/*
 * Waits up to timeout_ms (-1: for ever) for the next event, in the order
 * the module sent them.  Errors: -EAGAIN none arrived in time; -EPROTO
 * malformed event; -EIO netlink failed or events were lost (the socket
 * overflowed); -EINVAL not subscribed, or a NULL argument.
 */
int vmctl_stats_next_event(struct vmctl_stats *stats, struct vmctl_vm_event *event,
			   int timeout_ms);

/* "created", "running", ... for enum vmctl_vm_state; "unknown" otherwise. */
const char *vmctl_vm_state_name(uint32_t state);

/* "created", "destroyed", "shutdown" for enum vmctl_genl_event; "unknown" otherwise. */
const char *vmctl_vm_event_name(uint32_t event);

/* ------------------------------------------------------------------------ */
/* Port I/O handlers                                                          */
/* ------------------------------------------------------------------------ */

/*
 * Called by vmctl_vcpu_run_loop() for IN/OUT to a port in a registered
 * range.  size is 1, 2 or 4.  For OUT (is_write) *data holds the value
 * written (low size bytes); for IN the handler stores the value the guest
 * reads in *data (pre-set to all ones; the library keeps the low size
 * bytes and merges them into AL/AX/EAX).  Returns 0, or a negative errno
 * that ends the run loop with VMCTL_EXIT_HANDLER_ERROR.
 */
typedef int (*vmctl_pio_handler_t)(struct vmctl_vcpu *vcpu, uint16_t port,
				   uint32_t *data, unsigned int size,
				   bool is_write, void *opaque);

/*
 * Routes ports [port, port + count) to handler.  Errors: -EINVAL count 0,
 * range beyond port 0xffff, vm or handler NULL; -EEXIST overlaps a
 * registered range; -ENOMEM.
 */
int vmctl_vm_pio_register(struct vmctl_vm *vm, uint16_t port, uint32_t count,
			  vmctl_pio_handler_t handler, void *opaque);

/* Removes the range registered at exactly this first port.  Waits for
 * handlers still running.  Errors: -ENOENT none starts there; -EINVAL. */
int vmctl_vm_pio_unregister(struct vmctl_vm *vm, uint16_t port);

/* ------------------------------------------------------------------------ */
/* MMIO handlers                                                              */
/* ------------------------------------------------------------------------ */

/*
 * Called by vmctl_vcpu_run_loop() for a guest access (VMCTL_EXIT_MMIO) to
 * guest-physical addr in a registered range, where no memory slot is (or
 * a write to a read-only slot).  len is 1, 2, 4 or 8, or 1 to 7 for one
 * page's piece of an access that crosses a page; data holds len bytes,
 * little-endian: for a write the value written, for a read the handler
 * stores the value the guest reads (pre-set to all ones).  The kernel
 * decodes the instruction: a read-modify-write (e.g. OR to memory) comes as
 * a read, then a write of the result; MOVS between two MMIO ranges too;
 * REP MOVS/STOS/LODS call once per element.  Returns 0, or a negative errno that
 * ends the run loop with LIBVMCTL_EXIT_HANDLER_ERROR.
 */
typedef int (*vmctl_mmio_handler_t)(struct vmctl_vcpu *vcpu, uint64_t addr,
				    void *data, unsigned int len, bool is_write,
				    void *opaque);

/*
 * Routes guest-physical [addr, addr + size) to handler; an access that
 * runs past the end is not routed.  Errors: -EINVAL size 0, range beyond
 * 2^64, vm or handler NULL; -EEXIST overlaps a registered range; -ENOMEM.
 */
int vmctl_vm_mmio_register(struct vmctl_vm *vm, uint64_t addr, uint64_t size,
			   vmctl_mmio_handler_t handler, void *opaque);

/* Removes the range registered at exactly this address.  Waits for
 * handlers still running.  Errors: -ENOENT none starts there; -EINVAL. */
int vmctl_vm_mmio_unregister(struct vmctl_vm *vm, uint64_t addr);

/*
 * Sets the value the pending MMIO read returns (exit->mmio.len bytes,
 * little-endian), for a VMCTL_EXIT_MMIO read that the run loop returned
 * (no handler).  Without it the guest reads all ones.  Errors: -EINVAL no
 * MMIO read is pending, len is not the access's width, or NULL.
 */
int vmctl_vcpu_complete_mmio_read(struct vmctl_vcpu *vcpu, const void *data,
				  unsigned int len);

/* ------------------------------------------------------------------------ */
/* Hypercalls (state.c)                                                       */
/* ------------------------------------------------------------------------ */

/*
 * Called by vmctl_vcpu_run_loop() for a guest VMCALL at CPL 0 (the ABI is
 * in <linux/vmctl.h> at VMCTL_EXIT_HYPERCALL): nr is the guest's RAX,
 * args its RBX, RCX, RDX and RSI (32-bit values outside 64-bit mode).
 * The handler stores the guest's new RAX in *ret (pre-set to
 * -VMCTL_HC_ENOSYS).  Returns 0, or a negative errno that ends the run
 * loop with VMCTL_EXIT_HANDLER_ERROR (running again gives the guest
 * *ret as it was left).
 */
typedef int (*vmctl_hypercall_handler_t)(struct vmctl_vcpu *vcpu, uint64_t nr,
					 const uint64_t args[4], uint64_t *ret,
					 void *opaque);

/*
 * Makes handler the VM's hypercall handler, replacing any; NULL removes
 * it, and vmctl_vcpu_run_loop() then returns VMCTL_EXIT_HYPERCALL to its
 * caller.  Waits for handlers still running.  Errors: -EINVAL vm NULL.
 */
int vmctl_vm_hypercall_register(struct vmctl_vm *vm, vmctl_hypercall_handler_t handler,
				void *opaque);

/*
 * Sets what the pending hypercall returns in the guest's RAX.  Errors:
 * -EINVAL no hypercall is pending (the last exit was not one, or
 * registers were set since).
 */
int vmctl_vcpu_complete_hypercall(struct vmctl_vcpu *vcpu, uint64_t ret);

/* ------------------------------------------------------------------------ */
/* vCPU state (state.c)                                                       */
/* ------------------------------------------------------------------------ */

/*
 * The guest's DR0-DR3, DR6, DR7 (VMCTL_GET/SET_DEBUGREGS).  Errors:
 * -EINVAL a NULL argument, or (set) flags or reserved not 0, DR6/DR7 bits
 * 63:32 or a reserved DR7 bit set; -EBUSY the vCPU is running in another
 * thread; -EIO.
 */
int vmctl_vcpu_get_debugregs(struct vmctl_vcpu *vcpu, struct vmctl_debugregs *d);
int vmctl_vcpu_set_debugregs(struct vmctl_vcpu *vcpu, const struct vmctl_debugregs *d);

/*
 * The guest's FPU/SSE/AVX state in XSAVE layout (VMCTL_GET/SET_XSAVE).
 * Errors: -EINVAL a NULL argument, or (set) XSTATE_BV beyond the guest's
 * XCR0, XCOMP_BV or reserved header bytes not 0, or a reserved MXCSR bit;
 * -EBUSY the vCPU is running in another thread; -EIO.
 */
int vmctl_vcpu_get_xsave(struct vmctl_vcpu *vcpu, struct vmctl_xsave *x);
int vmctl_vcpu_set_xsave(struct vmctl_vcpu *vcpu, const struct vmctl_xsave *x);

/*
 * The whole vCPU state as one blob (VMCTL_GET_STATE; its layout is in
 * <linux/vmctl.h>).  On success *blobp is a new allocation of *sizep
 * bytes that the caller releases with free().  Errors: -EINVAL a NULL
 * argument; -EBUSY the vCPU is running in another thread; -ENOMEM; -EIO.
 */
int vmctl_vcpu_save_state(struct vmctl_vcpu *vcpu, void **blobp, size_t *sizep);

/*
 * Sets the vCPU from a blob of size bytes (VMCTL_SET_STATE): checked as a
 * whole, nothing changes on error.  Errors: -EINVAL a NULL argument, size
 * not the blob's, or a blob the module refuses (bad magic, sizes, reserved
 * bits, values, state that would fail VM entry); -EPROTO another blob
 * version; -E2BIG larger than VMCTL_STATE_MAX_SIZE; -EOPNOTSUPP a
 * component type this module does not know; -EBUSY the vCPU is running
 * in another thread; -EIO.
 */
int vmctl_vcpu_restore_state(struct vmctl_vcpu *vcpu, const void *blob, size_t size);

/*
 * vmctl_vcpu_save_state() into a file (created mode 0600 or truncated).
 * Errors: those of vmctl_vcpu_save_state() (-EINVAL, -EBUSY, -ENOMEM,
 * -EIO), and open(2)'s or write(2)'s: -ENOENT, -EACCES, -EISDIR, -ENOSPC.
 */
int vmctl_vcpu_save_state_file(struct vmctl_vcpu *vcpu, const char *path);

/*
 * vmctl_vcpu_restore_state() from a file.  Errors: those of
 * vmctl_vcpu_restore_state() (-EINVAL, -EPROTO, -E2BIG also for a file
 * larger than a blob can be, -EOPNOTSUPP, -EBUSY, -EIO), -ENOMEM, and
 * open(2)'s: -ENOENT, -EACCES.
 */
int vmctl_vcpu_restore_state_file(struct vmctl_vcpu *vcpu, const char *path);

/*
 * The guest state the VMCS holds, as text for a human after an exit
 * nobody expected: general registers, RIP, RFLAGS, segments, descriptor
 * tables, control registers, EFER, DR6/DR7 and the interrupt shadow, one
 * group a line, then (VMCTL_CAP_VCPU_DUMP) every field of
 * vmctl_vcpu_get_vmcs_dump() as "NAME value", three a line, NUL
 * terminated (cut to size; 8 KiB holds it all).  vmctl_vcpu_run() puts the
 * first line's essentials (CS:RIP, RSP, RFLAGS, CR0, CR3, CR4, EFER) at
 * the end of the message of an internal error or shutdown.  Errors:
 * -EINVAL a NULL argument or size 0; -EBUSY the vCPU is running in
 * another thread; -EIO.
 */
int vmctl_vcpu_dump(struct vmctl_vcpu *vcpu, char *buf, size_t size);

/*
 * The VMCS fields of the guest state and of the last exit, raw, each with
 * its SDM encoding and name (VMCTL_GET_VCPU_DUMP in the uapi header).
 * Errors: -EINVAL a NULL argument; -EBUSY the vCPU is running in another
 * thread; -EOPNOTSUPP the module is too old to have it; -EIO.
 */
int vmctl_vcpu_get_vmcs_dump(struct vmctl_vcpu *vcpu, struct vmctl_vcpu_dump *d);

/* ------------------------------------------------------------------------ */
/* MSRs                                                                       */
/* ------------------------------------------------------------------------ */

/*
 * The kernel answers the MSRs of vmctl_sys_msr_index_list() itself; a
 * guest RDMSR/WRMSR of any other MSR arrives as VMCTL_EXIT_MSR.
 * vmctl_vcpu_run_loop() hands it to the handler registered for that
 * index; with none, the guest gets #GP (as from an MSR that does not
 * exist), unless vmctl_vm_set_msr_probe() made unknown MSRs read as 0 and
 * ignore writes.
 */

/* A handler's answer that the guest gets #GP(0) instead. */
#define VMCTL_MSR_HANDLER_GP	1

/*
 * Called for RDMSR/WRMSR of an index in a registered range.  For a write
 * *data holds EDX:EAX; for a read the handler stores the value (pre-set
 * to 0).  Returns 0, VMCTL_MSR_HANDLER_GP, or a negative errno that ends
 * the run loop with LIBVMCTL_EXIT_HANDLER_ERROR (the access then #GPs
 * if the guest runs again without vmctl_vcpu_complete_msr()).
 */
typedef int (*vmctl_msr_handler_t)(struct vmctl_vcpu *vcpu, uint32_t index,
				   uint64_t *data, bool is_write, void *opaque);

/*
 * Routes MSRs [first, first + count) to handler.  Errors: -EINVAL count
 * 0, range wrapping past 0xffffffff, vm or handler NULL; -EEXIST overlaps
 * a registered range; -ENOMEM.
 */
int vmctl_vm_msr_register(struct vmctl_vm *vm, uint32_t first, uint32_t count,
			  vmctl_msr_handler_t handler, void *opaque);

/* Removes the range registered at exactly this first index.  Waits for
 * handlers still running.  Errors: -ENOENT none starts there; -EINVAL. */
int vmctl_vm_msr_unregister(struct vmctl_vm *vm, uint32_t first);

/*
 * probe true: MSRs without a handler read as 0 and ignore writes, for
 * guests that probe MSRs without handling #GP; false (the default): they
 * #GP.  Errors: -EINVAL vm is NULL.
 */
int vmctl_vm_set_msr_probe(struct vmctl_vm *vm, bool probe);

/*
 * Answers the VMCTL_EXIT_MSR that vmctl_vcpu_run() just returned: gp
 * true gives the guest #GP(0), else a read gets value (a write ignores
 * it).  Unanswered, the access #GPs on the next run.  Errors: -EINVAL no
 * MSR exit is pending (or vcpu NULL).
 */
int vmctl_vcpu_complete_msr(struct vmctl_vcpu *vcpu, bool gp, uint64_t value);

/*
 * KVM_GET_MSRS/KVM_SET_MSRS: reads or writes entries[0..n) in order,
 * stopping at the first MSR the kernel does not handle or refuses (for
 * a write: reserved bits, non-canonical address, read-only MSR).
 * Returns the number processed (0 .. n).  Errors: -EINVAL n >
 * VMCTL_MAX_MSR_ENTRIES, an entry's reserved field not 0, or a NULL
 * argument; -EBUSY; -EIO; -ENOMEM.
 */
int vmctl_vcpu_get_msrs(struct vmctl_vcpu *vcpu, struct vmctl_msr_entry *entries,
			unsigned int n);
int vmctl_vcpu_set_msrs(struct vmctl_vcpu *vcpu, const struct vmctl_msr_entry *entries,
			unsigned int n);

/*
 * Stores up to room indices of the MSRs the kernel handles (ascending)
 * and returns how many there are.  Errors: -EINVAL sys or (with room)
 * indices NULL; -E2BIG room is too small (call with room 0 to learn the
 * count: that returns it, not -E2BIG); -ENOMEM.
 */
int vmctl_sys_msr_index_list(struct vmctl_sys *sys, uint32_t *indices,
			     unsigned int room);

/* ------------------------------------------------------------------------ */
/* vCPUs                                                                      */
/* ------------------------------------------------------------------------ */

/*
 * Creates vCPU number id (0 .. caps.max_vcpus - 1) in the x86 reset state
 * (see <linux/vmctl.h>) and maps its run structure.  On success stores a new
 * handle in *vcpup (free with vmctl_vcpu_destroy() or with the VM).
 * Errors: -EEXIST id in use; -EINVAL id out of range, vm or vcpup NULL;
 * -ENOMEM; -EMFILE too many open files; -EIO.
 */
int vmctl_vcpu_create(struct vmctl_vm *vm, unsigned int id,
		      struct vmctl_vcpu **vcpup);

/* Destroys the vCPU; NULL is ignored. */
void vmctl_vcpu_destroy(struct vmctl_vcpu *vcpu);

/* The VM the vCPU belongs to and its id. */
struct vmctl_vm *vmctl_vcpu_vm(struct vmctl_vcpu *vcpu);
unsigned int vmctl_vcpu_id(struct vmctl_vcpu *vcpu);

/*
 * Register access.  Reads are fetched from the kernel at most once between
 * two runs (the library caches them); writes go to the kernel at once.
 *
 * Pending IN: after an IN exit the instruction completes on the next run
 * (see vmctl_vcpu_run()), and until then RIP points at the IN.  A
 * successful vmctl_vcpu_set_regs() or vmctl_vcpu_set_sregs() discards that
 * pending IN: the guest resumes from exactly the state set, and if that
 * state still points at the IN, it executes again.  To complete the IN
 * first, call vmctl_vcpu_request_exit() and then vmctl_vcpu_run(), which
 * completes it and returns -EINTR.
 *
 * Errors of all four: -EINVAL a NULL argument, or (set) registers the
 * kernel refuses (see VMCTL_SET_REGS, VMCTL_SET_SREGS); -EBUSY the vCPU
 * is running in another thread; -EIO.
 */
int vmctl_vcpu_get_regs(struct vmctl_vcpu *vcpu, struct vmctl_regs *regs);
int vmctl_vcpu_set_regs(struct vmctl_vcpu *vcpu, const struct vmctl_regs *regs);
int vmctl_vcpu_get_sregs(struct vmctl_vcpu *vcpu, struct vmctl_sregs *sregs);
int vmctl_vcpu_set_sregs(struct vmctl_vcpu *vcpu, const struct vmctl_sregs *sregs);

/*
 * Puts the vCPU in real mode at cs:ip with all data segments (DS, ES, FS,
 * GS, SS) equal to cs, SP = sp, RFLAGS = 0x2, other general registers 0.
 * Errors: -EINVAL vcpu is NULL; -EBUSY; -EIO.
 */
int vmctl_vcpu_setup_real_mode(struct vmctl_vcpu *vcpu, uint16_t cs,
			       uint16_t ip, uint16_t sp);

/*
 * 64-bit mode set-up.  The library writes into guest memory at tables_gpa
 * (which must lie in one writable-by-host slot, 4 KiB aligned, at least
 * vmctl_long_mode_tables_size(map_size) bytes):
 *   - page tables identity-mapping guest-physical [0, map_size) with 2 MiB
 *     pages (map_size rounded up to 1 GiB; at most 512 GiB), writable,
 *     executable, supervisor-only;
 *   - a GDT: 0x08 64-bit code, 0x10 data, 0x18 a 64-bit TSS (base 0).
 * and loads CR0 (PE, PG, NE, ET, WP), CR4.PAE, EFER (LME, LMA), CR3, flat
 * segments, an empty IDT (any exception triple-faults), RIP = entry,
 * RSP = stack, RFLAGS = 0x2, other general registers 0.
 * vmctl_vcpu_setup_long_mode() errors: -EINVAL map_size 0 or above 512
 * GiB, tables_gpa unaligned, a NULL argument; -EFAULT the tables do not
 * fit in one slot at tables_gpa; -EBUSY; -EIO.
 */
struct vmctl_long_mode {
	uint64_t tables_gpa;
	uint64_t map_size;
	uint64_t entry;
	uint64_t stack;
};

int vmctl_vcpu_setup_long_mode(struct vmctl_vcpu *vcpu,
			       const struct vmctl_long_mode *lm);

/* Bytes of guest memory the long-mode tables need for map_size; 0 if
 * map_size is 0 or above 512 GiB. */
uint64_t vmctl_long_mode_tables_size(uint64_t map_size);

/*
 * The page-table and GDT builder behind vmctl_vcpu_setup_long_mode(),
 * working on any buffer: buf (len bytes) will be guest-physical buf_gpa.
 * Stores the CR3 value in *cr3 and the GDT base in *gdt_gpa (GDT limit is
 * VMCTL_LONG_MODE_GDT_LIMIT).  Errors: -EINVAL unaligned buf_gpa, map_size
 * 0 or too large, a NULL pointer; -ENOSPC len too small.
 */
#define VMCTL_LONG_MODE_GDT_LIMIT	(5 * 8 - 1)	/* null, code, data, TSS (16 bytes) */
int vmctl_build_long_mode_tables(void *buf, size_t len, uint64_t buf_gpa,
				 uint64_t map_size, uint64_t *cr3,
				 uint64_t *gdt_gpa);

/*
 * 32-bit protected mode set-up, paging off.  The library writes a GDT of
 * VMCTL_PROTECTED_MODE_GDT_SIZE bytes at gdt_gpa (which must lie in one
 * slot, 8-byte aligned): 0x08 flat 32-bit code, 0x10 flat data, 0x18 a
 * 32-bit TSS (base 0); and loads CR0 (PE, NE, ET), flat 4 GiB segments,
 * an empty IDT (any exception triple-faults), EIP = entry, ESP = stack,
 * EFLAGS = 0x2, other general registers 0; CR4 and EFER are cleared.
 * Errors: -EINVAL gdt_gpa unaligned, a NULL argument; -EFAULT the GDT
 * does not fit in one slot at gdt_gpa; -EBUSY; -EIO.
 */
#define VMCTL_PROTECTED_MODE_GDT_SIZE	32	/* null, code, data, TSS */
struct vmctl_protected_mode {
	uint64_t gdt_gpa;
	uint32_t entry;
	uint32_t stack;
};

int vmctl_vcpu_setup_protected_mode(struct vmctl_vcpu *vcpu,
				    const struct vmctl_protected_mode *pm);

/* ------------------------------------------------------------------------ */
/* Running                                                                    */
/* ------------------------------------------------------------------------ */

/*
 * Exit reasons of struct vmctl_exit: the kernel's VMCTL_EXIT_* (from
 * <linux/vmctl.h>) plus these, which the library's run loop produces and
 * the kernel never does.  The VMCTL_EXIT_ spellings are the names
 * LIBVMCTL_VERSION 1 gave them; they stay for old programs.
 */
#define LIBVMCTL_EXIT_UNHANDLED_IO	0x1000	/* port I/O with no handler: exit.io */
#define LIBVMCTL_EXIT_HANDLER_ERROR	0x1001	/* a handler failed: exit.io or exit.msr,
						 * exit.error */
#define VMCTL_EXIT_UNHANDLED_IO		LIBVMCTL_EXIT_UNHANDLED_IO
#define VMCTL_EXIT_HANDLER_ERROR	LIBVMCTL_EXIT_HANDLER_ERROR

/* Why a vCPU stopped, as returned by vmctl_vcpu_run() and _run_loop(). */
struct vmctl_exit {
	uint32_t reason;	/* VMCTL_EXIT_*, LIBVMCTL_EXIT_* */
	int error;		/* LIBVMCTL_EXIT_HANDLER_ERROR: the handler's errno */
	struct {
		uint16_t port;
		uint8_t size;
		bool is_write;
		uint32_t data;	/* OUT: the value written */
	} io;			/* VMCTL_EXIT_IO, LIBVMCTL_EXIT_UNHANDLED_IO, _HANDLER_ERROR */
	struct {
		uint64_t hardware_reason;
		uint64_t qualification;
		uint32_t flags;	/* VMCTL_FAIL_ENTRY_* */
		char message[128]; /* the kernel's explanation, "" if none */
	} fail_entry;		/* VMCTL_EXIT_FAIL_ENTRY */
	struct {
		uint32_t suberror;
		uint32_t ndata;
		uint64_t data[16];
	} internal;		/* VMCTL_EXIT_INTERNAL_ERROR */
	/* One line for humans, always set, e.g. "guest halted", "VM entry
	 * failed: invalid guest state: CS.base ..." */
	char message[320];
	/* Since LIBVMCTL_VERSION 2: */
	uint64_t count;		/* run.exit_count: exits with a reason this vCPU's
				 * RUNs returned so far, this one included; an
				 * -EINTR run is not one */
	bool requested;		/* VMCTL_EXIT_INTR: vmctl_vcpu_request_exit() asked
				 * for it (else a signal) */
	bool readonly_write;	/* VMCTL_INTERNAL_EPT_VIOLATION or VMCTL_EXIT_MMIO:
				 * a guest write to memory added with
				 * VMCTL_SLOT_READONLY */
	/* Since decoded MMIO (VMCTL_CAP_DECODED_MMIO): */
	struct {
		uint64_t addr;	/* guest-physical */
		uint32_t len;	/* 1, 2, 4 or 8 */
		bool is_write;
		uint8_t data[16]; /* write: the value written, little-endian */
	} mmio;			/* VMCTL_EXIT_MMIO */
	struct {
		uint64_t nr;		/* RAX */
		uint64_t args[4];	/* RBX, RCX, RDX, RSI */
		bool long_mode;		/* else 32-bit values */
	} hypercall;		/* VMCTL_EXIT_HYPERCALL (no handler registered) */
	struct {
		uint32_t index;
		bool is_write;
		uint64_t data;	/* WRMSR: the value written */
	} msr;			/* VMCTL_EXIT_MSR, or a handler's error */
	/*
	 * Since string I/O (VMCTL_CAP_STRING_IO), for the exits of io above:
	 * INS/OUTS arrive in batches of count elements of io.size bytes
	 * (see run.io in <linux/vmctl.h>).  data points into the run page,
	 * valid until the next run: count elements in the order the port
	 * sees them.  OUTS: the values written (io.data is element 0).  INS:
	 * store the values read there before running again (pre-set to all
	 * ones).  The run loop calls a port's handler once per element.
	 */
	struct {
		uint32_t count;		/* 1 for IN/OUT */
		bool string;		/* INS or OUTS */
		bool rep;		/* with a REP prefix */
		uint8_t *data;
	} io_batch;
};

/*
 * Enters the guest once (one VMCTL_RUN) and describes the exit in *exit,
 * without dispatching anything.  After a VMCTL_EXIT_IO for IN, call
 * vmctl_vcpu_complete_in() before running again, or the guest reads all
 * ones; setting registers in between discards the IN instead (see
 * "Pending IN" above).  Returns 0.  Errors: -EINTR a signal or
 * vmctl_vcpu_request_exit() interrupted the run, after completing a
 * pending IN (exit->reason VMCTL_EXIT_INTR, exit->requested tells which;
 * run again to continue); -EINVAL the vCPU shut down (triple fault) and
 * can never run again, whatever registers are set since (exit->reason is
 * VMCTL_EXIT_SHUTDOWN and exit->message says so), or a NULL argument;
 * -EBUSY running in another thread; -ESHUTDOWN the host is rebooting and
 * VT-x is off (a guest that was running is stopped for good); -EIO.
 */
int vmctl_vcpu_run(struct vmctl_vcpu *vcpu, struct vmctl_exit *exit);

/*
 * Sets the value the pending IN reads (low size bytes); for a batch of
 * INS, the value of every element.  Errors: -EINVAL
 * no IN is pending (the last exit was not an IN, or registers were set or
 * the run interrupted since).
 */
int vmctl_vcpu_complete_in(struct vmctl_vcpu *vcpu, uint32_t value);

/*
 * Runs the guest, dispatching port I/O and MSR exits to the VM's
 * registered handlers (an MSR without one #GPs: see "MSRs" above),
 * until an exit the caller must see: HLT, shutdown, entry failure,
 * internal error, MMIO, VMCTL_EXIT_UNHANDLED_IO, VMCTL_EXIT_HANDLER_ERROR.
 * After the last two, running again completes the instruction as if no
 * device were there (an IN reads all ones), unless registers are set
 * first (see "Pending IN").  Returns 0 with *exit filled.  Errors, as
 * vmctl_vcpu_run(): -EINTR (exit->reason is VMCTL_EXIT_INTR; calling
 * again resumes); -EINVAL; -EBUSY; -ESHUTDOWN; -EIO.
 */
int vmctl_vcpu_run_loop(struct vmctl_vcpu *vcpu, struct vmctl_exit *exit);

/*
 * Stops the vCPU: a run in progress (in another thread) returns -EINTR
 * at the guest's next exit to the kernel, within a few milliseconds (the
 * VMX-preemption timer or the host's timer interrupt forces one), and a
 * run not yet started returns -EINTR without entering the guest.  One
 * request ends one run (exit->reason VMCTL_EXIT_INTR, exit->requested
 * true): the run after it enters the guest again.  Async-signal-safe.
 */
void vmctl_vcpu_request_exit(struct vmctl_vcpu *vcpu);

/* Name of an exit reason, e.g. "HLT"; "unknown" otherwise. */
const char *vmctl_exit_reason_name(uint32_t reason);

/*
 * Name of a VMX basic exit reason (Intel SDM, Appendix C), e.g. "RDMSR"
 * for 31, as found in exit->internal.data[0] of
 * VMCTL_INTERNAL_UNHANDLED_EXIT (bits 16 and up are ignored); NULL for a
 * number the SDM does not define.  Static storage.
 */
const char *vmctl_vmx_exit_name(uint64_t hardware_reason);

/*
 * What a VM-instruction error number means (Intel SDM Vol. 3, "VM-Instruction
 * Error Numbers"), e.g. "VM entry with invalid control field(s)" for 7, as
 * found in exit->fail_entry.hardware_reason with VMCTL_FAIL_ENTRY_VMFAIL
 * and in exit->internal.data[0] of VMCTL_INTERNAL_VMX_INSN_FAILED; NULL
 * for a number the SDM does not define.  Static storage.
 */
const char *vmctl_vmx_insn_error_name(uint64_t error);

/* ------------------------------------------------------------------------ */
/* Single registers                                                           */
/* ------------------------------------------------------------------------ */

/* One register of struct vmctl_regs or struct vmctl_sregs. */
enum vmctl_reg {
	VMCTL_REG_RAX, VMCTL_REG_RBX, VMCTL_REG_RCX, VMCTL_REG_RDX,
	VMCTL_REG_RSI, VMCTL_REG_RDI, VMCTL_REG_RSP, VMCTL_REG_RBP,
	VMCTL_REG_R8, VMCTL_REG_R9, VMCTL_REG_R10, VMCTL_REG_R11,
	VMCTL_REG_R12, VMCTL_REG_R13, VMCTL_REG_R14, VMCTL_REG_R15,
	VMCTL_REG_RIP, VMCTL_REG_RFLAGS,
	VMCTL_REG_CR0, VMCTL_REG_CR2, VMCTL_REG_CR3, VMCTL_REG_CR4,
	VMCTL_REG_CR8, VMCTL_REG_EFER,
	VMCTL_REG_COUNT			/* not a register */
};

/*
 * Reads or writes one register, through the same cache and kernel checks
 * as vmctl_vcpu_get_regs() and friends (a set of a general register costs
 * one VMCTL_SET_REGS, of a control register one VMCTL_SET_SREGS; the
 * pending-IN rule applies).  On failure *value is unchanged.
 * vmctl_vcpu_get_reg() errors: -EINVAL unknown reg, a NULL argument;
 * -EBUSY the vCPU is running in another thread; -EIO.
 */
int vmctl_vcpu_get_reg(struct vmctl_vcpu *vcpu, enum vmctl_reg reg, uint64_t *value);

/*
 * Errors: -EINVAL unknown reg, a value the kernel refuses (e.g. reserved
 * RFLAGS or CR4 bits), vcpu NULL; -EBUSY; -EIO.
 */
int vmctl_vcpu_set_reg(struct vmctl_vcpu *vcpu, enum vmctl_reg reg, uint64_t value);

/* Name of a register, e.g. "rax", "cr3"; NULL for an unknown one. */
const char *vmctl_reg_name(enum vmctl_reg reg);

/* ------------------------------------------------------------------------ */
/* Small programs and tests                                                   */
/* ------------------------------------------------------------------------ */

/*
 * One call for the common case: opens VMCTL_DEFAULT_DEVICE, creates a VM
 * with mem_size bytes of zeroed guest memory at guest-physical 0 (one
 * slot) and vCPU 0 in the reset state, and closes the system handle.
 * Stores the VM in *vmp (free with vmctl_vm_destroy(), which frees the
 * rest), the vCPU in *vcpup and, if memp is not NULL, the host address
 * of guest-physical 0 in *memp.  On failure nothing is left behind and
 * the out-pointers are unchanged.  Errors: -ENOENT the module is not
 * loaded; -EACCES; -ENODEV; -ENOTTY; -EPROTO (as vmctl_sys_open());
 * -EBUSY another hypervisor holds VT-x; -EINVAL mem_size 0, unaligned or
 * too large for one slot, vmp or vcpup NULL; -ENOMEM; -EMFILE.
 */
int vmctl_vm_create_simple(uint64_t mem_size, struct vmctl_vm **vmp,
			   struct vmctl_vcpu **vcpup, void **memp);

/* ------------------------------------------------------------------------ */
/* Guest paging                                                               */
/* ------------------------------------------------------------------------ */

/* Where a guest-virtual address leads, or where its page walk stopped. */
struct vmctl_translation {
	uint64_t gpa;		/* the guest-physical address; on -EFAULT where
				 * the entry at level should be, not in memory */
	int level;		/* the level the walk ended at: 4 PML4E, 3 PDPTE,
				 * 2 PDE, 1 PTE; 0 paging off (gpa = gva) */
	uint64_t entry;		/* the entry read at that level (0 if none) */
};

/*
 * Translates guest-virtual gva (a linear address: segment bases are not
 * added) to guest-physical with the vCPU's current paging mode: none
 * (CR0.PG clear), 32-bit (4 MiB pages with CR4.PSE), PAE, or 4-level
 * (2 MiB and 1 GiB pages), walking the guest's page tables in guest
 * memory as the CPU would, without setting accessed bits.  Access rights
 * (writable, user, NX) and reserved bits are not checked.  *tr is filled
 * on success and on -ENOENT and -EFAULT, where tr->level names the level
 * that failed.  Errors: -ENOENT the entry at tr->level is not present;
 * -EFAULT the table at tr->level is not in guest memory; -ERANGE gva is
 * not canonical (long mode) or above 4 GiB (other modes); -ENOTSUP 5-level
 * paging (CR4.LA57); -EINVAL a NULL argument; -EBUSY; -EIO.
 */
int vmctl_vcpu_translate(struct vmctl_vcpu *vcpu, uint64_t gva,
			 struct vmctl_translation *tr);

/* ------------------------------------------------------------------------ */
/* ELF images                                                                 */
/* ------------------------------------------------------------------------ */

/*
 * Loads an ELF executable (ELF64 x86-64 or ELF32 i386, little-endian,
 * ET_EXEC): each PT_LOAD segment is copied to guest-physical p_paddr, the
 * rest of its p_memsz zeroed, and the entry point (e_entry) is stored in
 * *entry if entry is not NULL.  Each segment must lie within one slot of
 * guest memory.  Everything is checked before anything is written: on
 * failure guest memory and *entry are unchanged.  The image errors:
 * -ENOEXEC not an ELF executable this library loads (bad magic, class,
 * byte order, version, type or machine; headers, the program header
 * table or a segment's bytes beyond the image; p_filesz > p_memsz; an
 * address range that wraps; no PT_LOAD segment); -ERANGE a segment is not
 * within one slot of guest memory; -EINVAL vm or image is NULL.
 */
int vmctl_vm_load_elf_image(struct vmctl_vm *vm, const void *image, size_t size,
			    uint64_t *entry);

/*
 * As vmctl_vm_load_elf_image(), from a file.  Errors: as the image's
 * (-ENOEXEC also for an empty file or one that is not regular; -ERANGE;
 * -EINVAL vm or path NULL), and -ENOENT no such file; -EACCES not
 * permitted; -EISDIR a directory; -EMFILE too many open files; -ENOMEM
 * the file cannot be mapped; -EIO reading failed.
 */
int vmctl_vm_load_elf(struct vmctl_vm *vm, const char *path, uint64_t *entry);

/* ------------------------------------------------------------------------ */
/* CPUID                                                                      */
/* ------------------------------------------------------------------------ */

/*
 * A CPUID table as a vCPU gets it (entries as in <linux/vmctl.h>, struct
 * vmctl_cpuid_entry; the kernel's lookup rules are at VMCTL_SET_CPUID).
 * Plain data: the caller owns it (about 10 KiB).
 */
struct vmctl_cpuid_table {
	uint32_t nent;
	struct vmctl_cpuid_entry entries[VMCTL_CPUID_MAX_ENTRIES];
};

/*
 * The module's supported table: the host's leaves without what vmctl
 * cannot virtualise, and leaf 0x40000010 EAX = the host's TSC kHz.
 * Errors: -EINVAL a NULL argument; -ENOTSUP the module has no CPUID
 * tables (VMCTL_CAP_CPUID clear).
 */
int vmctl_sys_get_supported_cpuid(struct vmctl_sys *sys,
				  struct vmctl_cpuid_table *table);

/*
 * The library's default table: the supported one with the hypervisor bit
 * (leaf 1 ECX 31) set; hidden: VMX, SMX, MONITOR/MWAIT (leaf 5 zero),
 * DTES64, DS, DS-CPL, PDCM, x2APIC and TSC-deadline (no local APIC yet),
 * thermal and power (leaf 6 zero), the PMU (leaf 0xa zero), TSC_ADJUST,
 * ARCH_CAPABILITIES and CORE_CAPABILITIES (their MSRs are not handled),
 * PKU, OSPKE, WAITPKG.  Leaf 0x40000000 says "vmctlvmctlvm" with EAX =
 * 0x40000010, the highest hypervisor leaf, whose EAX is the TSC in kHz;
 * when that is known, leaf 0x15 gives TSC = crystal (EAX 1, EBX 1, ECX the
 * frequency in Hz; EBX 2 and half of it above 4.29 GHz), leaf 0x16 the
 * base and maximum MHz (bus 100 MHz), and leaf 0 EAX is at least 0x16.
 * XSAVE features are what the kernel clamps them to (see VMCTL_SET_CPUID).
 * Sorted by function, then index.  Errors: -EINVAL a NULL argument;
 * -ENOTSUP.
 */
int vmctl_cpuid_default(struct vmctl_sys *sys, struct vmctl_cpuid_table *table);

/*
 * The entry answering CPUID(function, index) exactly (no out-of-range
 * rule), or NULL; the pointer stays valid while the table is not edited.
 */
struct vmctl_cpuid_entry *vmctl_cpuid_find(struct vmctl_cpuid_table *table,
					   uint32_t function, uint32_t index);

/*
 * Replaces the entry for entry's function and index, or adds it.
 * Errors: -EINVAL a NULL argument, unknown flags, nonzero padding, an
 * index without VMCTL_CPUID_FLAG_SIGNIFICANT_INDEX, or the function has
 * entries with the other flag; -ENOSPC the table is full.
 */
int vmctl_cpuid_set_entry(struct vmctl_cpuid_table *table,
			  const struct vmctl_cpuid_entry *entry);

/*
 * Gives the vCPU the table (a copy whose initial APIC IDs, leaf 1 EBX
 * 31:24 and leaves 0xb/0x1f EDX, are the vCPU's id); from then on the
 * kernel answers every guest CPUID from it.  Errors: -EINVAL a NULL
 * argument or a table the kernel refuses (see VMCTL_SET_CPUID); -EEXIST
 * two entries for one function and index; -E2BIG more than
 * VMCTL_CPUID_MAX_ENTRIES; -ENOMEM; -EBUSY; -EIO; -ENOTSUP.
 */
int vmctl_vcpu_set_cpuid(struct vmctl_vcpu *vcpu,
			 const struct vmctl_cpuid_table *table);

/*
 * The vCPU's table as the kernel stores it: sorted, XSAVE leaves clamped.
 * Errors: -EINVAL a NULL argument; -ENOENT no table was set; -EBUSY;
 * -EIO; -ENOTSUP.
 */
int vmctl_vcpu_get_cpuid(struct vmctl_vcpu *vcpu, struct vmctl_cpuid_table *table);

/* ------------------------------------------------------------------------ */
/* Events: interrupts, NMIs, kicks, HLT                                       */
/* ------------------------------------------------------------------------ */

/*
 * Queues external interrupt vector (0-255) for the guest: delivered as
 * soon as it can take one (RFLAGS.IF set, no STI/MOV-SS shadow); a vCPU
 * halted in the kernel wakes.  Unlike the other vCPU calls,
 * vmctl_vcpu_interrupt(), _nmi() and _kick() may be called from any
 * thread, also while another runs the vCPU.  Errors: -EINVAL vector >
 * 255 or NULL; -EEXIST one is queued and not delivered yet (see
 * vmctl_vcpu_ready_for_interrupt() and _request_irq_window()); -EIO this
 * process did not create the VM.
 */
int vmctl_vcpu_interrupt(struct vmctl_vcpu *vcpu, unsigned int vector);

/* Queues an NMI (merged with one already queued).  -EOPNOTSUPP: no virtual NMIs. */
int vmctl_vcpu_nmi(struct vmctl_vcpu *vcpu);

/*
 * Ends the vCPU's current run (or its next one) at once: vmctl_vcpu_run()
 * returns -EINTR with exit->reason VMCTL_EXIT_INTR.  Any thread.
 */
int vmctl_vcpu_kick(struct vmctl_vcpu *vcpu);

/* The kernel's struct vmctl_vcpu_events (see <linux/vmctl.h>). */
int vmctl_vcpu_get_events(struct vmctl_vcpu *vcpu, struct vmctl_vcpu_events *events);
int vmctl_vcpu_set_events(struct vmctl_vcpu *vcpu, const struct vmctl_vcpu_events *events);

/*
 * on: runs end with VMCTL_EXIT_IRQ_WINDOW_OPEN as soon as the guest can
 * take an interrupt and none is queued.  Stays set until turned off.
 */
void vmctl_vcpu_request_irq_window(struct vmctl_vcpu *vcpu, bool on);

/* After a run: would vmctl_vcpu_interrupt() be delivered at the next entry? */
bool vmctl_vcpu_ready_for_interrupt(struct vmctl_vcpu *vcpu);

/*
 * VMCTL_HLT_WAIT (default): a HLT with interrupts enabled waits in the
 * kernel for an interrupt, a signal or a kick; VMCTL_HLT_EXIT: every HLT
 * ends the run with VMCTL_EXIT_HLT.  Errors: -EINVAL unknown mode or
 * NULL; -EBUSY the vCPU is running in another thread; -EIO.
 */
int vmctl_vcpu_set_hlt_mode(struct vmctl_vcpu *vcpu, unsigned int mode);

/* ------------------------------------------------------------------------ */
/* Guest-to-host calls                                                        */
/* ------------------------------------------------------------------------ */

/*
 * A "ucall": the guest stores a code in EAX and an argument in RBX (EBX)
 * and executes a 32-bit OUT of EAX to VMCTL_UCALL_PORT; <vmctl/ucall.h>
 * has the guest side (an assembler macro and a C function) and the codes.
 * No port-I/O handler is needed: vmctl_vcpu_run() returns it as
 * VMCTL_EXIT_IO, vmctl_vcpu_run_loop() as LIBVMCTL_EXIT_UNHANDLED_IO
 * (unless a handler is registered at the port), and the guest continues
 * after the OUT on the next run.
 */
struct vmctl_ucall {
	uint32_t code;		/* VMCTL_UCALL_* or the program's own */
	uint64_t arg;		/* RBX at the OUT */
};

/*
 * Returns 1 and fills *uc if exit is a ucall, 0 if it is not (*uc
 * unchanged).  Errors: -EINVAL a NULL argument; -EBUSY; -EIO (reading
 * RBX).
 */
int vmctl_ucall_get(struct vmctl_vcpu *vcpu, const struct vmctl_exit *exit,
		    struct vmctl_ucall *uc);

/* ------------------------------------------------------------------------ */
/* Linux kernels (bzImage, 64-bit boot protocol)                              */
/* ------------------------------------------------------------------------ */

/*
 * A Linux bzImage entered through its 64-bit entry point (boot protocol
 * 2.12 or newer with XLF_KERNEL_64), with guest RAM as one slot at
 * guest-physical 0.  The caller fills the inputs; the loader fills the
 * rest.  The layout below 1 MiB: GDT 0x6000 (code 0x10, data 0x18, TSS
 * 0x20), boot_params 0x7000, page tables 0x10000, command line 0x20000;
 * the kernel at its preferred address (pref_address, needing init_size
 * bytes from there), the initrd at the highest page below both the end of
 * RAM and the kernel's initrd_addr_max.
 */
struct vmctl_linux_boot {
	/* in */
	const void *kernel;		/* the whole bzImage file */
	size_t kernel_size;
	const void *initrd;		/* NULL: none */
	size_t initrd_size;
	const char *cmdline;		/* NULL: empty */
	/* out */
	uint16_t protocol;		/* boot protocol version, e.g. 0x020f */
	uint32_t setup_size;		/* bytes of real-mode set-up code skipped */
	uint32_t header_end;		/* setup header bytes copied end at this offset */
	uint64_t kernel_gpa, kernel_end;	/* [load address, + init_size) */
	uint64_t entry;			/* 64-bit entry point: kernel_gpa + 0x200 */
	uint64_t boot_params_gpa, cmdline_gpa, initrd_gpa, gdt_gpa, tables_gpa;
	uint64_t stack, mem_size;
	char message[160];		/* on failure: what was wrong, for humans */
};

/*
 * Checks boot's kernel, initrd and command line against a guest of
 * mem_size bytes of RAM at guest-physical 0 and, if mem is not NULL (the
 * host address of that RAM), writes the kernel, a zeroed boot_params with
 * the image's setup header, type_of_loader 0xff, the command line and
 * initrd pointers and an e820 map (RAM below 0x9fc00 and from 1 MiB up),
 * the command line, the initrd and the GDT into it.  With mem NULL it only
 * checks (e.g. before opening the device).  Everything is checked before
 * anything is written.  On failure boot->message says why.  Errors:
 * -ENOEXEC not a bzImage this loader boots (bad magic, truncated, protocol
 * older than 2.12, no 64-bit entry point, bad alignment or addresses);
 * -ERANGE the kernel (with init_size) does not fit in mem_size; -ENOSPC
 * the initrd does not fit above the kernel; -E2BIG the command line is
 * longer than the kernel's cmdline_size; -EINVAL boot or its kernel is
 * NULL.
 */
int vmctl_linux_load_image(void *mem, uint64_t mem_size, struct vmctl_linux_boot *boot);

/*
 * Puts the vCPU at the 64-bit entry point of a kernel loaded by
 * vmctl_linux_load_image(): identity-mapped page tables over the guest's
 * RAM at boot->tables_gpa, the loader's GDT with CS 0x10 and DS/ES/FS/GS/SS
 * 0x18, 64-bit mode, RFLAGS 0x2 (interrupts off), RSI = boot_params.
 * Errors: -EINVAL boot was not loaded, a NULL argument; -EFAULT the tables
 * do not fit in guest memory; -EBUSY; -EIO.
 */
int vmctl_vcpu_setup_linux(struct vmctl_vcpu *vcpu, const struct vmctl_linux_boot *boot);

/*
 * Reads the files into boot's kernel and initrd (initrd_path NULL: none),
 * allocated: release them with vmctl_linux_free_files().  On failure
 * boot->message names the file.  Errors: -ENOENT no such file; -EACCES
 * not permitted; -EISDIR a directory; -ENOEXEC empty or not a regular
 * file; -EMFILE too many open files; -ENOMEM; -EIO reading failed;
 * -EINVAL kernel_path or boot is NULL.
 */
int vmctl_linux_read_files(const char *kernel_path, const char *initrd_path,
			   struct vmctl_linux_boot *boot);

/* Frees what vmctl_linux_read_files() read; NULL is ignored. */
void vmctl_linux_free_files(struct vmctl_linux_boot *boot);

#ifdef __cplusplus
}
#endif

#endif /* LIBVMCTL_H */
