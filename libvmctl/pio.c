// SPDX-License-Identifier: LGPL-2.1-or-later
/* Port-I/O handlers: registered by range (range_map.c). */
#include <errno.h>

#include "internal.h"

int pio_map_insert(struct range_map *map, uint32_t first, uint32_t count,
		   vmctl_pio_handler_t handler, void *opaque)
{
	if (!handler || count == 0 || first > 0xffff || count > 0x10000 - first)
		return -EINVAL;
	return range_map_insert(map, &(struct range){
		.first = first, .last = first + count - 1,
		.handler.pio = handler, .opaque = opaque,
	});
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
	ret = range_map_remove(&vm->pio, port);
	pthread_rwlock_unlock(&vm->pio_lock);
	return ret;
}
