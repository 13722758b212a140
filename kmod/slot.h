/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Memory-slot rules as pure functions over a VM's slot table: no locking,
 * no allocation, no hardware, so that a KUnit suite can #include slot.c and
 * drive them with tables.  Callers hold vm->lock around both.
 */
#ifndef VMCTL_KMOD_SLOT_H
#define VMCTL_KMOD_SLOT_H

#include "vmctl.h"

/* What a slot may be, from the capabilities the core reports. */
struct vmctl_slot_limits {
	u64 max_slot_size;		/* bytes */
	u32 guest_phys_bits;		/* guest-physical addresses < 1 << bits */
	u32 valid_flags;		/* VMCTL_SLOT_* the backend supports */
};

/*
 * Checks a VMCTL_SET_MEMORY_SLOT request against the uapi rules and the
 * slots already present: 0, -EINVAL or -EEXIST.  The user range is not
 * looked at here; pinning it is what proves it is mapped.
 */
int vmctl_slot_check(const struct vmctl_memory_slot *req,
		     const struct vmctl_slot_limits *limits,
		     struct vmctl_slot *const slots[VMCTL_MAX_SLOTS]);

/* The slot whose guest-physical range holds gpa, or NULL. */
struct vmctl_slot *vmctl_slot_find(struct vmctl_slot *const slots[VMCTL_MAX_SLOTS],
				   u64 gpa);

#endif /* VMCTL_KMOD_SLOT_H */
