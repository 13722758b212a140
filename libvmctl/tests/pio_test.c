// SPDX-License-Identifier: LGPL-2.1-or-later
/* The port-range registry: overlap rejection, interval lookup, removal. */
#include <errno.h>

#include "tap.h"
#include "internal.h"

static int dummy(struct vmctl_vcpu *vcpu, uint16_t port, uint32_t *data,
		 unsigned int size, bool is_write, void *opaque)
{
	(void)vcpu; (void)port; (void)data; (void)size; (void)is_write; (void)opaque;
	return 0;
}

static int other(struct vmctl_vcpu *vcpu, uint16_t port, uint32_t *data,
		 unsigned int size, bool is_write, void *opaque)
{
	return dummy(vcpu, port, data, size, is_write, opaque);
}

int main(void)
{
	struct range_map map;
	const struct range *r;
	int tag_a, tag_b, i, ok;

	tap_plan(22);
	range_map_init(&map);

	tap_ok(pio_map_insert(&map, 0x3f8, 8, dummy, &tag_a) == 0, "insert 0x3f8-0x3ff");
	tap_ok(pio_map_insert(&map, 0xf4, 1, other, &tag_b) == 0, "insert 0xf4");
	tap_ok(pio_map_insert(&map, 0x3f8, 1, dummy, NULL) == -EEXIST, "same first port: -EEXIST");
	tap_ok(pio_map_insert(&map, 0x3ff, 4, dummy, NULL) == -EEXIST, "overlap at the end: -EEXIST");
	tap_ok(pio_map_insert(&map, 0x3f0, 9, dummy, NULL) == -EEXIST, "overlap at the start: -EEXIST");
	tap_ok(pio_map_insert(&map, 0x300, 0x200, dummy, NULL) == -EEXIST, "range containing another: -EEXIST");
	tap_ok(pio_map_insert(&map, 0x3f0, 8, dummy, NULL) == 0, "adjacent below 0x3f0-0x3f7 fits");
	tap_ok(pio_map_insert(&map, 0x400, 1, dummy, NULL) == 0, "adjacent above 0x400 fits");
	tap_ok(pio_map_insert(&map, 0, 0, dummy, NULL) == -EINVAL, "count 0: -EINVAL");
	tap_ok(pio_map_insert(&map, 0xfff0, 0x11, dummy, NULL) == -EINVAL, "beyond 0xffff: -EINVAL");
	tap_ok(pio_map_insert(&map, 0x10, 1, NULL, NULL) == -EINVAL, "NULL handler: -EINVAL");
	tap_ok(pio_map_insert(&map, 0xffff, 1, dummy, NULL) == 0, "last port 0xffff");

	r = range_map_lookup(&map, 0x3fd);
	tap_ok(r && r->first == 0x3f8 && r->opaque == &tag_a, "lookup inside a range finds it");
	r = range_map_lookup(&map, 0xf4);
	tap_ok(r && r->handler.pio == other && r->opaque == &tag_b, "lookup a one-port range");
	tap_ok(!range_map_lookup(&map, 0xf5) && !range_map_lookup(&map, 0) &&
	       !range_map_lookup(&map, 0x401), "lookup in gaps finds nothing");
	tap_ok(range_map_lookup(&map, 0x3f7) && range_map_lookup(&map, 0x3f7)->first == 0x3f0,
	       "lookup the last port of the lower neighbour");

	tap_ok(range_map_remove(&map, 0x3f9) == -ENOENT, "remove by a port inside: -ENOENT");
	tap_ok(range_map_remove(&map, 0x3f8) == 0, "remove 0x3f8");
	tap_ok(!range_map_lookup(&map, 0x3fd), "removed range is gone");
	tap_ok(pio_map_insert(&map, 0x3f8, 8, dummy, NULL) == 0, "and can be registered again");

	/* Many ranges force the array to grow and keep it sorted. */
	range_map_free(&map);
	ok = 1;
	for (i = 1000; i > 0; i--)
		ok &= pio_map_insert(&map, i * 16, 8, dummy, NULL) == 0;
	for (i = 1; i <= 1000; i++) {
		r = range_map_lookup(&map, i * 16 + 7);
		ok &= r && r->first == (uint32_t)i * 16 && !range_map_lookup(&map, i * 16 + 8);
	}
	tap_ok(ok, "1000 ranges inserted in reverse order are all found");
	for (i = 1; i <= 1000; i += 2)
		ok &= range_map_remove(&map, i * 16) == 0;
	for (i = 1; i <= 1000; i++)
		ok &= !!range_map_lookup(&map, i * 16) == (i % 2 == 0);
	tap_ok(ok && map.count == 500, "removing every other range keeps the rest");
	range_map_free(&map);
	return tap_finish();
}
