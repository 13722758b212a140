// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for the memory-slot rules (slot.c): every check of a
 * VMCTL_SET_MEMORY_SLOT request, one rule broken per case, and the lookup
 * at the first, last and just-outside bytes of each slot.  The expected
 * errnos are the ones include/uapi/linux/vmctl.h documents.
 */
#include <kunit/test.h>

#include "../slot.c"

#define PG		0x1000ULL
#define LAST_PAGE	(~0ULL - PG + 1)
#define UA		0x7f0000000000ULL	/* a page-aligned user address */

static const struct vmctl_slot_limits test_limits = {
	.max_slot_size = 16ULL << 30,
	.guest_phys_bits = 40,
	.valid_flags = VMCTL_SLOT_VALID_FLAGS,
};

/* Two slots already present: [1 MiB, 3 MiB) as id 1 and [8 MiB, 8 MiB + 4 KiB) as id 5. */
static struct vmctl_slot present_low = {
	.id = 1, .guest_phys_addr = 0x100000, .size = 0x200000,
};

static struct vmctl_slot present_high = {
	.id = 5, .guest_phys_addr = 0x800000, .size = PG,
};

static void fill_slots(struct vmctl_slot *slots[VMCTL_MAX_SLOTS])
{
	memset(slots, 0, sizeof(slots[0]) * VMCTL_MAX_SLOTS);
	slots[present_low.id] = &present_low;
	slots[present_high.id] = &present_high;
}

struct slot_check_case {
	const char *name;
	u32 slot;
	u32 flags;
	u64 gpa;
	u64 size;
	u64 uaddr;
	u64 reserved1;
	int expected;
};

static const struct slot_check_case slot_check_cases[] = {
	/* name, slot, flags, gpa, size, user address, reserved[1], errno */
	{ "valid below both", 2, 0, 0, 0x100000, UA, 0, 0 },
	{ "valid between both", 2, 0, 0x300000, 0x500000, UA, 0, 0 },
	{ "valid read-only", 2, VMCTL_SLOT_READONLY, 0x1000000, PG, UA, 0, 0 },
	{ "valid ends at 2^40", 2, 0, (1ULL << 40) - PG, PG, UA, 0, 0 },
	{ "valid last slot index", VMCTL_MAX_SLOTS - 1, 0, 0x2000000, PG, UA, 0, 0 },
	{ "slot index out of range", VMCTL_MAX_SLOTS, 0, 0x2000000, PG, UA, 0, -EINVAL },
	{ "unknown flag", 2, 1U << 1, 0x2000000, PG, UA, 0, -EINVAL },
	{ "reserved word set", 2, 0, 0x2000000, PG, UA, 1, -EINVAL },
	{ "size zero", 2, 0, 0x2000000, 0, UA, 0, -EINVAL },
	{ "size not page aligned", 2, 0, 0x2000000, PG + 1, UA, 0, -EINVAL },
	{ "gpa not page aligned", 2, 0, 0x2000010, PG, UA, 0, -EINVAL },
	{ "user address not aligned", 2, 0, 0x2000000, PG, UA + 8, 0, -EINVAL },
	{ "larger than the limit", 2, 0, 0, (16ULL << 30) + PG, UA, 0, -EINVAL },
	{ "wraps past 2^64", 2, 0, LAST_PAGE, 2 * PG, UA, 0, -EINVAL },
	{ "ends exactly at 2^64", 2, 0, LAST_PAGE, PG, UA, 0, -EINVAL },
	{ "ends past 2^40", 2, 0, (1ULL << 40) - PG, 2 * PG, UA, 0, -EINVAL },
	{ "slot index in use", 1, 0, 0x2000000, PG, UA, 0, -EEXIST },
	{ "overlaps the first byte", 2, 0, 0, 0x101000, UA, 0, -EEXIST },
	{ "overlaps the last byte", 2, 0, 0x2ff000, PG, UA, 0, -EEXIST },
	{ "inside another", 2, 0, 0x200000, PG, UA, 0, -EEXIST },
	{ "covers another", 2, 0, 0, 0x1000000, UA, 0, -EEXIST },
	{ "same range as a 4K slot", 2, 0, 0x800000, PG, UA, 0, -EEXIST },
	{ "touches from below", 2, 0, 0x7ff000, PG, UA, 0, 0 },
	{ "touches from above", 2, 0, 0x801000, PG, UA, 0, 0 },
};

static void slot_check_case_desc(const struct slot_check_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(slot_check, slot_check_cases, slot_check_case_desc);

static void slot_check_test(struct kunit *test)
{
	const struct slot_check_case *c = test->param_value;
	struct vmctl_slot *slots[VMCTL_MAX_SLOTS];
	struct vmctl_memory_slot req = {
		.slot = c->slot,
		.flags = c->flags,
		.guest_phys_addr = c->gpa,
		.size = c->size,
		.userspace_addr = c->uaddr,
		.reserved = { 0, c->reserved1 },
	};

	fill_slots(slots);
	KUNIT_EXPECT_EQ(test, vmctl_slot_check(&req, &test_limits, slots), c->expected);
}

static void slot_find_test(struct kunit *test)
{
	struct vmctl_slot *slots[VMCTL_MAX_SLOTS];

	fill_slots(slots);
	KUNIT_EXPECT_PTR_EQ(test, vmctl_slot_find(slots, 0xfffff), NULL);
	KUNIT_EXPECT_PTR_EQ(test, vmctl_slot_find(slots, 0x100000), &present_low);
	KUNIT_EXPECT_PTR_EQ(test, vmctl_slot_find(slots, 0x2fffff), &present_low);
	KUNIT_EXPECT_PTR_EQ(test, vmctl_slot_find(slots, 0x300000), NULL);
	KUNIT_EXPECT_PTR_EQ(test, vmctl_slot_find(slots, 0x7fffff), NULL);
	KUNIT_EXPECT_PTR_EQ(test, vmctl_slot_find(slots, 0x800000), &present_high);
	KUNIT_EXPECT_PTR_EQ(test, vmctl_slot_find(slots, 0x800fff), &present_high);
	KUNIT_EXPECT_PTR_EQ(test, vmctl_slot_find(slots, 0x801000), NULL);
	KUNIT_EXPECT_PTR_EQ(test, vmctl_slot_find(slots, ~0ULL), NULL);

	/* An empty table finds nothing, even at 0. */
	memset(slots, 0, sizeof(slots));
	KUNIT_EXPECT_PTR_EQ(test, vmctl_slot_find(slots, 0), NULL);
}

static struct kunit_case slot_test_cases[] = {
	KUNIT_CASE_PARAM(slot_check_test, slot_check_gen_params),
	KUNIT_CASE(slot_find_test),
	{}
};

static struct kunit_suite slot_test_suite = {
	.name = "vmctl_slot",
	.test_cases = slot_test_cases,
};

kunit_test_suite(slot_test_suite);
