// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The handler registry of ports, MMIO and MSRs: ranges sorted by first
 * address and never overlapping, so that lookup is a binary search.  A VM
 * has a handful of devices: a sorted array beats a table of every port
 * (or MSR) for memory, and overlap is checked on insert.  The typed
 * inserts (pio.c, mmio.c, msr.c) check their own address space's bounds.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

void range_map_init(struct range_map *map)
{
	memset(map, 0, sizeof(*map));
}

void range_map_free(struct range_map *map)
{
	free(map->ranges);
	range_map_init(map);
}

/* Index of the first range whose last address is >= at (count if none). */
static unsigned int range_map_search(const struct range_map *map, uint64_t at)
{
	unsigned int lo = 0, hi = map->count;

	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;

		if (map->ranges[mid].last < at)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int range_map_insert(struct range_map *map, const struct range *range)
{
	unsigned int i = range_map_search(map, range->first);

	if (i < map->count && map->ranges[i].first <= range->last)
		return -EEXIST;
	if (map->count == map->capacity) {
		unsigned int cap = map->capacity ? map->capacity * 2 : 8;
		struct range *r = realloc(map->ranges, cap * sizeof(*r));

		if (!r)
			return -ENOMEM;
		map->ranges = r;
		map->capacity = cap;
	}
	memmove(&map->ranges[i + 1], &map->ranges[i],
		(map->count - i) * sizeof(map->ranges[0]));
	map->ranges[i] = *range;
	map->count++;
	return 0;
}

int range_map_remove(struct range_map *map, uint64_t first)
{
	unsigned int i = range_map_search(map, first);

	if (i >= map->count || map->ranges[i].first != first)
		return -ENOENT;
	memmove(&map->ranges[i], &map->ranges[i + 1],
		(map->count - i - 1) * sizeof(map->ranges[0]));
	map->count--;
	return 0;
}

const struct range *range_map_lookup(const struct range_map *map, uint64_t at)
{
	unsigned int i = range_map_search(map, at);

	if (i < map->count && map->ranges[i].first <= at)
		return &map->ranges[i];
	return NULL;
}
