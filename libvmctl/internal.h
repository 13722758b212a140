/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libvmctl internals shared by its source files and its unit tests; nothing
 * here is part of the public interface.
 */
#ifndef LIBVMCTL_INTERNAL_H
#define LIBVMCTL_INTERNAL_H

#include <pthread.h>
#include <stdint.h>

#include "vmctl/libvmctl.h"

#define VMCTL_PAGE_SIZE		4096ULL

#define VMCTL_EXPORT		__attribute__((visibility("default")))

/* A handler's range of ports, guest-physical bytes or MSRs (range_map.c). */
struct range {
	uint64_t first;
	uint64_t last;			/* inclusive */
	union {
		vmctl_pio_handler_t pio;
		vmctl_mmio_handler_t mmio;
		vmctl_msr_handler_t msr;
	} handler;
	void *opaque;
};

struct range_map {
	struct range *ranges;		/* sorted by first, never overlapping */
	unsigned int count, capacity;
};

void range_map_init(struct range_map *map);
void range_map_free(struct range_map *map);
/* -EEXIST it overlaps a range already there; -ENOMEM. */
int range_map_insert(struct range_map *map, const struct range *range);
/* -ENOENT no range starts at first. */
int range_map_remove(struct range_map *map, uint64_t first);
const struct range *range_map_lookup(const struct range_map *map, uint64_t at);

/* The typed inserts: -EINVAL for a NULL handler or a range empty or out of bounds. */
int pio_map_insert(struct range_map *map, uint32_t first, uint32_t count,
		   vmctl_pio_handler_t handler, void *opaque);
int mmio_map_insert(struct range_map *map, uint64_t first, uint64_t size,
		    vmctl_mmio_handler_t handler, void *opaque);
int msr_map_insert(struct range_map *map, uint32_t first, uint32_t count,
		   vmctl_msr_handler_t handler, void *opaque);
/* The run loop's VMCTL_EXIT_MSR: 1 answered (run on), 0 for the caller. */
int vcpu_dispatch_msr(struct vmctl_vcpu *vcpu, struct vmctl_exit *exit);

struct vmctl_sys {
	int fd;
};

struct vmctl_mem {
	bool used;
	uint32_t flags;			/* VMCTL_MEM_* */
	uint64_t gpa;
	uint64_t size;
	void *host;
};

int vcpu_dispatch_mmio(struct vmctl_vcpu *vcpu, struct vmctl_exit *exit);

struct vmctl_vm {
	int fd;
	struct vmctl_caps caps;
	struct vmctl_mem mem[VMCTL_MAX_SLOTS];
	/*
	 * Handlers are looked up under the read lock and run with it held,
	 * so that unregistering (write lock) waits until no vCPU is inside
	 * the handler being removed: its opaque may be freed right after.
	 */
	pthread_rwlock_t pio_lock;
	struct range_map pio;
	pthread_rwlock_t mmio_lock;	/* as pio_lock */
	struct range_map mmio;
	/* under pio_lock, as the port handlers */
	vmctl_hypercall_handler_t hypercall;
	void *hypercall_opaque;
	struct range_map msr;		/* under pio_lock too */
	bool msr_probe;			/* unknown MSRs: reads 0, writes ignored */
	struct vmctl_vcpu *vcpus;	/* list, for vmctl_vm_destroy() */
};

struct vmctl_vcpu {
	struct vmctl_vm *vm;
	struct vmctl_vcpu *next;
	unsigned int id;
	int fd;
	struct vmctl_run *run;		/* mmap()ed VMCTL_RUN_MMAP_SIZE bytes */
	bool in_pending;		/* last exit was an IN not yet completed */
	bool mmio_read_pending;		/* last exit was an MMIO read not yet completed */
	bool hypercall_pending;		/* last exit was a VMCALL not yet answered */
	bool msr_pending;		/* last exit was an MSR access not yet answered */
	bool shut_down;			/* it triple-faulted: RUN fails with -EINVAL */
	bool exit_requested;		/* by vmctl_vcpu_request_exit(), not yet seen */
	bool kicked;			/* by vmctl_vcpu_kick(), not yet seen */
	/*
	 * Register state fetched at most once per exit: a run loop that looks
	 * at registers on every ucall should not pay an ioctl each time.  Only
	 * RUN changes the vCPU's state behind our back, so it invalidates.
	 */
	bool regs_valid, sregs_valid;
	struct vmctl_regs regs;
	struct vmctl_sregs sregs;
};

/* Memory layout bookkeeping without a kernel (unit-tested). */
int vm_mem_check_new(const struct vmctl_mem *mem, unsigned int nmem,
		     uint64_t gpa, uint64_t size, unsigned int flags);
void *vm_mem_translate(const struct vmctl_mem *mem, unsigned int nmem,
		       uint64_t gpa, uint64_t len);

/*
 * The errors each public function documents, with a message for each
 * (errors.c): what vmctl_strerror_call() says, and what errors_test
 * checks against libvmctl.h and against the functions themselves.
 */
struct err_msg {
	const char *func;		/* e.g. "vmctl_sys_open" */
	int err;			/* negative errno */
	const char *msg;
};
extern const struct err_msg err_msgs[];
extern const unsigned int err_nmsgs;

/* open(2)'s errno as vmctl_vm_load_flat() and _load_elf() report it. */
long load_open_error(int e);

/*
 * The page walk behind vmctl_vcpu_translate() for the paging mode that
 * sregs describes, reading the tables through vm's slots (unit-tested).
 */
int paging_walk(struct vmctl_vm *vm, const struct vmctl_sregs *sregs, uint64_t gva,
		struct vmctl_translation *tr);

/* Hands a hypercall exit to the VM's handler: 1 handled, 0 for the caller. */
int vcpu_dispatch_hypercall(struct vmctl_vcpu *vcpu, struct vmctl_exit *exit);

/* Adds where the guest was (CS:RIP, CRs, ...) to exit's message. */
void vcpu_append_state(struct vmctl_vcpu *vcpu, struct vmctl_exit *exit);

/* Fills exit from a run structure. */
void vcpu_decode_exit(const struct vmctl_run *run, struct vmctl_exit *exit);

/* EPT violation qualification: the access was a write (SDM Table 28-7). */
#define EPT_QUAL_WRITE		(1ULL << 1)

/* Names a write to a read-only slot as such in exit (after decoding). */
void vcpu_explain_ept_violation(const struct vmctl_vm *vm, struct vmctl_exit *exit);

/* cpuid.c: the default table's rules, applied to a supported table. */
void cpuid_apply_default_policy(struct vmctl_cpuid_table *t);

#endif /* LIBVMCTL_INTERNAL_H */
