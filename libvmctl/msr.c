// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * MSRs: handlers for the MSRs the kernel leaves to user space, registered
 * by range (range_map.c), answering MSR exits, and MSRs by list.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "internal.h"

int msr_map_insert(struct range_map *map, uint32_t first, uint32_t count,
		   vmctl_msr_handler_t handler, void *opaque)
{
	if (!handler || count == 0 || count - 1 > UINT32_MAX - first)
		return -EINVAL;
	return range_map_insert(map, &(struct range){
		.first = first, .last = (uint64_t)first + count - 1,
		.handler.msr = handler, .opaque = opaque,
	});
}

VMCTL_EXPORT int vmctl_vm_msr_register(struct vmctl_vm *vm, uint32_t first,
				       uint32_t count, vmctl_msr_handler_t handler,
				       void *opaque)
{
	int ret;

	if (!vm)
		return -EINVAL;
	pthread_rwlock_wrlock(&vm->pio_lock);
	ret = msr_map_insert(&vm->msr, first, count, handler, opaque);
	pthread_rwlock_unlock(&vm->pio_lock);
	return ret;
}

VMCTL_EXPORT int vmctl_vm_msr_unregister(struct vmctl_vm *vm, uint32_t first)
{
	int ret;

	if (!vm)
		return -EINVAL;
	pthread_rwlock_wrlock(&vm->pio_lock);
	ret = range_map_remove(&vm->msr, first);
	pthread_rwlock_unlock(&vm->pio_lock);
	return ret;
}

VMCTL_EXPORT int vmctl_vm_set_msr_probe(struct vmctl_vm *vm, bool probe)
{
	if (!vm)
		return -EINVAL;
	__atomic_store_n(&vm->msr_probe, probe, __ATOMIC_RELAXED);
	return 0;
}

VMCTL_EXPORT int vmctl_vcpu_complete_msr(struct vmctl_vcpu *vcpu, bool gp,
					 uint64_t value)
{
	if (!vcpu || !vcpu->msr_pending)
		return -EINVAL;
	vcpu->run->msr.error = gp;
	vcpu->run->msr.data = value;
	return 0;
}

/*
 * The run loop's MSR exit: the registered handler, else #GP or (probe)
 * 0.  Returns 1 if answered (run on), 0 if exit is for the caller.
 */
int vcpu_dispatch_msr(struct vmctl_vcpu *vcpu, struct vmctl_exit *exit)
{
	struct vmctl_vm *vm = vcpu->vm;
	const struct range *range;
	uint64_t data = exit->msr.is_write ? exit->msr.data : 0;
	int ret;

	pthread_rwlock_rdlock(&vm->pio_lock);
	range = range_map_lookup(&vm->msr, exit->msr.index);
	if (!range) {
		pthread_rwlock_unlock(&vm->pio_lock);
		if (__atomic_load_n(&vm->msr_probe, __ATOMIC_RELAXED))
			vmctl_vcpu_complete_msr(vcpu, false, 0);
		else
			vmctl_vcpu_complete_msr(vcpu, true, 0);
		return 1;
	}
	ret = range->handler.msr(vcpu, exit->msr.index, &data, exit->msr.is_write,
			     range->opaque);
	pthread_rwlock_unlock(&vm->pio_lock);
	if (ret < 0) {
		exit->reason = LIBVMCTL_EXIT_HANDLER_ERROR;
		exit->error = ret;
		snprintf(exit->message, sizeof(exit->message),
			 "handler of MSR 0x%x failed: %s", exit->msr.index,
			 strerror(-ret));
		return 0;
	}
	vmctl_vcpu_complete_msr(vcpu, ret == VMCTL_MSR_HANDLER_GP, data);
	return 1;
}

static int vcpu_msrs_ioctl(struct vmctl_vcpu *vcpu, unsigned long cmd,
			   const struct vmctl_msr_entry *entries, unsigned int n)
{
	struct vmctl_msrs req = {
		.nmsrs = n,
		.entries = (uintptr_t)entries,
	};
	int ret;

	if (!vcpu || (!entries && n))
		return -EINVAL;
	ret = ioctl(vcpu->fd, cmd, &req);
	return ret < 0 ? -errno : ret;
}

VMCTL_EXPORT int vmctl_vcpu_get_msrs(struct vmctl_vcpu *vcpu,
				     struct vmctl_msr_entry *entries, unsigned int n)
{
	return vcpu_msrs_ioctl(vcpu, VMCTL_GET_MSRS, entries, n);
}

VMCTL_EXPORT int vmctl_vcpu_set_msrs(struct vmctl_vcpu *vcpu,
				     const struct vmctl_msr_entry *entries,
				     unsigned int n)
{
	return vcpu_msrs_ioctl(vcpu, VMCTL_SET_MSRS, entries, n);
}

VMCTL_EXPORT int vmctl_sys_msr_index_list(struct vmctl_sys *sys, uint32_t *indices,
					  unsigned int room)
{
	struct vmctl_msr_list req = {
		.nmsrs = room,
		.indices = (uintptr_t)indices,
	};

	if (!sys || (!indices && room))
		return -EINVAL;
	if (ioctl(sys->fd, VMCTL_GET_MSR_INDEX_LIST, &req) < 0)
		return errno == E2BIG && room == 0 ? (int)req.nmsrs : -errno;
	return req.nmsrs;
}
