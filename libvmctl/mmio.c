// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * MMIO handler registry (sorted, non-overlapping guest-physical ranges, as
 * pio.c keeps ports) and the dispatch of VMCTL_EXIT_MMIO to it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

void mmio_map_init(struct mmio_map *map)
{
	memset(map, 0, sizeof(*map));
}

void mmio_map_free(struct mmio_map *map)
{
	free(map->ranges);
	mmio_map_init(map);
}

/* Index of the first range whose last byte is >= addr (count if none). */
static unsigned int mmio_map_search(const struct mmio_map *map, uint64_t addr)
{
	unsigned int lo = 0, hi = map->count;

	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;

		if (map->ranges[mid].last < addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int mmio_map_insert(struct mmio_map *map, uint64_t first, uint64_t size,
		    vmctl_mmio_handler_t handler, void *opaque)
{
	uint64_t last;
	unsigned int i;

	if (!handler || size == 0 || size - 1 > UINT64_MAX - first)
		return -EINVAL;
	last = first + size - 1;

	i = mmio_map_search(map, first);
	if (i < map->count && map->ranges[i].first <= last)
		return -EEXIST;

	if (map->count == map->capacity) {
		unsigned int cap = map->capacity ? map->capacity * 2 : 8;
		struct mmio_range *r = realloc(map->ranges, cap * sizeof(*r));

		if (!r)
			return -ENOMEM;
		map->ranges = r;
		map->capacity = cap;
	}
	memmove(&map->ranges[i + 1], &map->ranges[i],
		(map->count - i) * sizeof(map->ranges[0]));
	map->ranges[i] = (struct mmio_range){
		.first = first, .last = last, .handler = handler, .opaque = opaque,
	};
	map->count++;
	return 0;
}

int mmio_map_remove(struct mmio_map *map, uint64_t first)
{
	unsigned int i = mmio_map_search(map, first);

	if (i >= map->count || map->ranges[i].first != first)
		return -ENOENT;
	memmove(&map->ranges[i], &map->ranges[i + 1],
		(map->count - i - 1) * sizeof(map->ranges[0]));
	map->count--;
	return 0;
}

const struct mmio_range *mmio_map_lookup(const struct mmio_map *map, uint64_t addr)
{
	unsigned int i = mmio_map_search(map, addr);

	if (i < map->count && map->ranges[i].first <= addr)
		return &map->ranges[i];
	return NULL;
}

VMCTL_EXPORT int vmctl_vm_mmio_register(struct vmctl_vm *vm, uint64_t addr,
					uint64_t size, vmctl_mmio_handler_t handler,
					void *opaque)
{
	int ret;

	if (!vm)
		return -EINVAL;
	pthread_rwlock_wrlock(&vm->mmio_lock);
	ret = mmio_map_insert(&vm->mmio, addr, size, handler, opaque);
	pthread_rwlock_unlock(&vm->mmio_lock);
	return ret;
}

VMCTL_EXPORT int vmctl_vm_mmio_unregister(struct vmctl_vm *vm, uint64_t addr)
{
	int ret;

	if (!vm)
		return -EINVAL;
	pthread_rwlock_wrlock(&vm->mmio_lock);
	ret = mmio_map_remove(&vm->mmio, addr);
	pthread_rwlock_unlock(&vm->mmio_lock);
	return ret;
}

VMCTL_EXPORT int vmctl_vcpu_complete_mmio_read(struct vmctl_vcpu *vcpu,
					       const void *data, unsigned int len)
{
	if (!vcpu || !data || !vcpu->mmio_read_pending ||
	    len != vcpu->run->mmio.len)
		return -EINVAL;
	memcpy(vcpu->run->mmio.data, data, len);
	return 0;
}

/* Returns 1 if handled (run on), 0 if the exit is for the caller. */
int vcpu_dispatch_mmio(struct vmctl_vcpu *vcpu, struct vmctl_exit *exit)
{
	struct vmctl_vm *vm = vcpu->vm;
	const struct mmio_range *range;
	uint8_t data[sizeof(exit->mmio.data)];
	int err;

	pthread_rwlock_rdlock(&vm->mmio_lock);
	range = mmio_map_lookup(&vm->mmio, exit->mmio.addr);
	/* An access that runs past the range's end is not the range's. */
	if (!range || exit->mmio.len - 1 > range->last - exit->mmio.addr) {
		pthread_rwlock_unlock(&vm->mmio_lock);
		return 0;
	}
	memcpy(data, exit->mmio.is_write ? exit->mmio.data : vcpu->run->mmio.data,
	       sizeof(data));
	err = range->handler(vcpu, exit->mmio.addr, data, exit->mmio.len,
			     exit->mmio.is_write, range->opaque);
	pthread_rwlock_unlock(&vm->mmio_lock);
	if (err) {
		exit->reason = LIBVMCTL_EXIT_HANDLER_ERROR;
		exit->error = err;
		snprintf(exit->message, sizeof(exit->message),
			 "handler of MMIO at 0x%llx failed: %s",
			 (unsigned long long)exit->mmio.addr, strerror(-err));
		return 0;
	}
	if (!exit->mmio.is_write)
		vmctl_vcpu_complete_mmio_read(vcpu, data, exit->mmio.len);
	return 1;
}
