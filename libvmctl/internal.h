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

/*
 * Port ranges sorted by first port, never overlapping, so that lookup is a
 * binary search (an x86 port space has 65536 ports but a VM has a handful
 * of devices: a sorted array beats a 64K-entry table for memory and is
 * trivially checked for overlap on insert).
 */
struct pio_range {
	uint32_t first;			/* first port */
	uint32_t last;			/* last port, inclusive */
	vmctl_pio_handler_t handler;
	void *opaque;
};

struct pio_map {
	struct pio_range *ranges;
	unsigned int count;
	unsigned int capacity;
};

void pio_map_init(struct pio_map *map);
void pio_map_free(struct pio_map *map);
int pio_map_insert(struct pio_map *map, uint32_t first, uint32_t count,
		   vmctl_pio_handler_t handler, void *opaque);
int pio_map_remove(struct pio_map *map, uint32_t first);
const struct pio_range *pio_map_lookup(const struct pio_map *map, uint32_t port);

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
	struct pio_map pio;
	struct vmctl_vcpu *vcpus;	/* list, for vmctl_vm_destroy() */
};

struct vmctl_vcpu {
	struct vmctl_vm *vm;
	struct vmctl_vcpu *next;
	unsigned int id;
	int fd;
	struct vmctl_run *run;		/* mmap()ed VMCTL_RUN_MMAP_SIZE bytes */
	bool in_pending;		/* last exit was an IN not yet completed */
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

/* Fills exit from a run structure. */
void vcpu_decode_exit(const struct vmctl_run *run, struct vmctl_exit *exit);

/* EPT violation qualification: the access was a write (SDM Table 28-7). */
#define EPT_QUAL_WRITE		(1ULL << 1)

/* Names a write to a read-only slot as such in exit (after decoding). */
void vcpu_explain_ept_violation(const struct vmctl_vm *vm, struct vmctl_exit *exit);

#endif /* LIBVMCTL_INTERNAL_H */
