// SPDX-License-Identifier: LGPL-2.1-or-later
/* Hypercalls: the VM's handler and answering a VMCALL exit. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

VMCTL_EXPORT int vmctl_vm_hypercall_register(struct vmctl_vm *vm,
					     vmctl_hypercall_handler_t handler,
					     void *opaque)
{
	if (!vm)
		return -EINVAL;
	pthread_rwlock_wrlock(&vm->pio_lock);
	vm->hypercall = handler;
	vm->hypercall_opaque = opaque;
	pthread_rwlock_unlock(&vm->pio_lock);
	return 0;
}

VMCTL_EXPORT int vmctl_vcpu_complete_hypercall(struct vmctl_vcpu *vcpu, uint64_t ret)
{
	if (!vcpu || !vcpu->hypercall_pending)
		return -EINVAL;
	vcpu->run->hypercall.ret = ret;
	return 0;
}

int vcpu_dispatch_hypercall(struct vmctl_vcpu *vcpu, struct vmctl_exit *exit)
{
	struct vmctl_vm *vm = vcpu->vm;
	uint64_t ret = -(uint64_t)VMCTL_HC_ENOSYS;
	int err;

	pthread_rwlock_rdlock(&vm->pio_lock);
	if (!vm->hypercall) {
		pthread_rwlock_unlock(&vm->pio_lock);
		return 0;
	}
	err = vm->hypercall(vcpu, exit->hypercall.nr, exit->hypercall.args, &ret,
			    vm->hypercall_opaque);
	pthread_rwlock_unlock(&vm->pio_lock);
	vmctl_vcpu_complete_hypercall(vcpu, ret);
	if (err) {
		exit->reason = LIBVMCTL_EXIT_HANDLER_ERROR;
		exit->error = err;
		snprintf(exit->message, sizeof(exit->message),
			 "handler of hypercall %llu failed: %s",
			 (unsigned long long)exit->hypercall.nr, strerror(-err));
		return 0;
	}
	return 1;
}
