// SPDX-License-Identifier: GPL-2.0
/*
 * Pure memory-slot logic: argument checks and lookup by guest-physical
 * address.  See slot.h for why it stands alone.
 */
#include <linux/errno.h>
#include <linux/mm.h>

#include "slot.h"

static bool vmctl_slot_reserved_clear(const struct vmctl_memory_slot *req)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(req->reserved); i++)
		if (req->reserved[i])
			return false;
	return true;
}

/* Both ranges are non-empty and neither wraps, so end - 1 is safe. */
static bool vmctl_ranges_overlap(u64 a_base, u64 a_size, u64 b_base, u64 b_size)
{
	return a_base <= b_base + b_size - 1 && b_base <= a_base + a_size - 1;
}

int vmctl_slot_check(const struct vmctl_memory_slot *req,
		     const struct vmctl_slot_limits *limits,
		     struct vmctl_slot *const slots[VMCTL_MAX_SLOTS])
{
	u64 gpa = req->guest_phys_addr;
	u64 size = req->size;
	unsigned int i;

	if (req->slot >= VMCTL_MAX_SLOTS)
		return -EINVAL;
	if (req->flags & ~limits->valid_flags)
		return -EINVAL;
	if (!vmctl_slot_reserved_clear(req))
		return -EINVAL;
	if (!size || !PAGE_ALIGNED(size) || !PAGE_ALIGNED(gpa) ||
	    !PAGE_ALIGNED(req->userspace_addr))
		return -EINVAL;
	if (size > limits->max_slot_size)
		return -EINVAL;
	/* gpa + size may be exactly 2^64 only if it wraps to 0: refuse that too. */
	if (gpa + size <= gpa)
		return -EINVAL;
	if (limits->guest_phys_bits < 64 &&
	    gpa + size > BIT_ULL(limits->guest_phys_bits))
		return -EINVAL;

	if (slots[req->slot])
		return -EEXIST;
	for (i = 0; i < VMCTL_MAX_SLOTS; i++) {
		const struct vmctl_slot *other = slots[i];

		if (other && vmctl_ranges_overlap(gpa, size,
						  other->guest_phys_addr,
						  other->size))
			return -EEXIST;
	}
	return 0;
}

struct vmctl_slot *vmctl_slot_find(struct vmctl_slot *const slots[VMCTL_MAX_SLOTS],
				   u64 gpa)
{
	unsigned int i;

	for (i = 0; i < VMCTL_MAX_SLOTS; i++) {
		struct vmctl_slot *slot = slots[i];

		if (slot && gpa >= slot->guest_phys_addr &&
		    gpa - slot->guest_phys_addr < slot->size)
			return slot;
	}
	return NULL;
}
