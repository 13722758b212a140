// SPDX-License-Identifier: LGPL-2.1-or-later
/* Port-I/O handler registry: sorted, non-overlapping ranges. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

void pio_map_init(struct pio_map *map)
{
	memset(map, 0, sizeof(*map));
}

void pio_map_free(struct pio_map *map)
{
	free(map->ranges);
	pio_map_init(map);
}

/* Index of the first range whose last port is >= port (count if none). */
static unsigned int pio_map_search(const struct pio_map *map, uint32_t port)
{
	unsigned int lo = 0, hi = map->count;

	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;

		if (map->ranges[mid].last < port)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int pio_map_insert(struct pio_map *map, uint32_t first, uint32_t count,
		   vmctl_pio_handler_t handler, void *opaque)
{
	uint32_t last;
	unsigned int i;

	if (!handler || count == 0 || first > 0xffff || count > 0x10000 - first)
		return -EINVAL;
	last = first + count - 1;

	i = pio_map_search(map, first);
	if (i < map->count && map->ranges[i].first <= last)
		return -EEXIST;

	if (map->count == map->capacity) {
		unsigned int cap = map->capacity ? map->capacity * 2 : 8;
		struct pio_range *r = realloc(map->ranges, cap * sizeof(*r));

		if (!r)
			return -ENOMEM;
		map->ranges = r;
		map->capacity = cap;
	}
	memmove(&map->ranges[i + 1], &map->ranges[i],
		(map->count - i) * sizeof(map->ranges[0]));
	map->ranges[i] = (struct pio_range){
		.first = first, .last = last, .handler = handler, .opaque = opaque,
	};
	map->count++;
	return 0;
}

int pio_map_remove(struct pio_map *map, uint32_t first)
{
	unsigned int i = pio_map_search(map, first);

	if (i >= map->count || map->ranges[i].first != first)
		return -ENOENT;
	memmove(&map->ranges[i], &map->ranges[i + 1],
		(map->count - i - 1) * sizeof(map->ranges[0]));
	map->count--;
	return 0;
}

const struct pio_range *pio_map_lookup(const struct pio_map *map, uint32_t port)
{
	unsigned int i = pio_map_search(map, port);

	if (i < map->count && map->ranges[i].first <= port)
		return &map->ranges[i];
	return NULL;
}

VMCTL_EXPORT int vmctl_vm_pio_register(struct vmctl_vm *vm, uint16_t port,
				       uint32_t count, vmctl_pio_handler_t handler,
				       void *opaque)
{
	int ret;

	if (!vm)
		return -EINVAL;
	pthread_rwlock_wrlock(&vm->pio_lock);
	ret = pio_map_insert(&vm->pio, port, count, handler, opaque);
	pthread_rwlock_unlock(&vm->pio_lock);
	return ret;
}

VMCTL_EXPORT int vmctl_vm_pio_unregister(struct vmctl_vm *vm, uint16_t port)
{
	int ret;

	if (!vm)
		return -EINVAL;
	pthread_rwlock_wrlock(&vm->pio_lock);
	ret = pio_map_remove(&vm->pio, port);
	pthread_rwlock_unlock(&vm->pio_lock);
	return ret;
}
