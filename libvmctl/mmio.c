// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * MMIO handlers, registered by guest-physical range (range_map.c), and
 * the dispatch of VMCTL_EXIT_MMIO to them.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

int mmio_map_insert(struct range_map *map, uint64_t first, uint64_t size,
		    vmctl_mmio_handler_t handler, void *opaque)
{
	if (!handler || size == 0 || size - 1 > UINT64_MAX - first)
		return -EINVAL;
	return range_map_insert(map, &(struct range){
		.first = first, .last = first + size - 1,
		.handler.mmio = handler, .opaque = opaque,
	});
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
	ret = range_map_remove(&vm->mmio, addr);
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
	const struct range *range;
	uint8_t data[sizeof(exit->mmio.data)];
	int err;

	pthread_rwlock_rdlock(&vm->mmio_lock);
	range = range_map_lookup(&vm->mmio, exit->mmio.addr);
	/* An access that runs past the range's end is not the range's. */
	if (!range || exit->mmio.len - 1 > range->last - exit->mmio.addr) {
		pthread_rwlock_unlock(&vm->mmio_lock);
		return 0;
	}
	memcpy(data, exit->mmio.is_write ? exit->mmio.data : vcpu->run->mmio.data,
	       sizeof(data));
	err = range->handler.mmio(vcpu, exit->mmio.addr, data, exit->mmio.len,
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
