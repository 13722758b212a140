// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The MSR-range registry: overlap rejection (also at the top of the
 * 32-bit index space, where a careless end computation wraps), interval
 * lookup across the low and high MSR ranges, removal.
 */
#include <errno.h>
#include <stdint.h>

#include "tap.h"
#include "internal.h"

static int dummy(struct vmctl_vcpu *vcpu, uint32_t index, uint64_t *data,
		 bool is_write, void *opaque)
{
	(void)vcpu; (void)index; (void)data; (void)is_write; (void)opaque;
	return 0;
}

int main(void)
{
	struct range_map map = { 0 };
	const struct range *r;
	int tag;

	tap_plan(16);
	tap_ok(msr_map_insert(&map, 0xc0010000, 0x100, dummy, &tag) == 0,
	       "insert 0xc0010000-0xc00100ff");
	tap_ok(msr_map_insert(&map, 0x4b564d00, 4, dummy, NULL) == 0, "insert 0x4b564d00-03");
	tap_ok(msr_map_insert(&map, 0x4b564d03, 1, dummy, NULL) == -EEXIST,
	       "overlap at the end: -EEXIST");
	tap_ok(msr_map_insert(&map, 0x4b564c00, 0x101, dummy, NULL) == -EEXIST,
	       "overlap at the start: -EEXIST");
	tap_ok(msr_map_insert(&map, 0x4b564d04, 1, dummy, NULL) == 0, "adjacent above fits");
	tap_ok(msr_map_insert(&map, 0, 0, dummy, NULL) == -EINVAL, "count 0: -EINVAL");
	tap_ok(msr_map_insert(&map, 0xfffffff0, 0x11, dummy, NULL) == -EINVAL,
	       "past 0xffffffff: -EINVAL");
	tap_ok(msr_map_insert(&map, 0xfffffff0, 0x10, dummy, NULL) == 0,
	       "up to 0xffffffff exactly fits");
	tap_ok(msr_map_insert(&map, 0x10, 1, NULL, NULL) == -EINVAL, "NULL handler: -EINVAL");

	r = range_map_lookup(&map, 0xc00100ff);
	tap_ok(r && r->first == 0xc0010000 && r->last == 0xc00100ff && r->opaque == &tag,
	       "lookup of the last MSR of a range finds it");
	tap_ok(!range_map_lookup(&map, 0xc0010100) && !range_map_lookup(&map, 0x4b564cff) &&
	       !range_map_lookup(&map, 0x10), "lookups in gaps find nothing");
	r = range_map_lookup(&map, 0xffffffff);
	tap_ok(r && r->first == 0xfffffff0, "lookup of 0xffffffff");
	tap_ok(range_map_remove(&map, 0x4b564d01) == -ENOENT, "remove by an index inside: -ENOENT");
	tap_ok(range_map_remove(&map, 0x4b564d00) == 0, "remove 0x4b564d00");
	tap_ok(!range_map_lookup(&map, 0x4b564d02) && range_map_lookup(&map, 0x4b564d04),
	       "the removed range is gone, its neighbour stays");
	tap_ok(msr_map_insert(&map, 0x4b564d00, 4, dummy, NULL) == 0, "and can be registered again");
	range_map_free(&map);
	return tap_finish();
}
