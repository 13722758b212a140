/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Private to the arch-neutral core of vmctl.ko (main.c, mem.c): what the
 * files of the core share with each other but a backend has no business
 * calling.
 */
#ifndef VMCTL_KMOD_CORE_H
#define VMCTL_KMOD_CORE_H

#include "vmctl.h"

/* The backend picked at module load; never NULL once the device exists. */
extern const struct vmctl_backend_ops *vmctl_backend;

/* Capabilities and limits, fixed once the backend has probed. */
extern struct vmctl_caps vmctl_caps;

/* mem.c: memory slots of a VM, called with vm->lock held. */
int vmctl_slot_add(struct vmctl_vm *vm, const struct vmctl_memory_slot *req);
int vmctl_slot_delete(struct vmctl_vm *vm, u32 id);
void vmctl_slots_release(struct vmctl_vm *vm);

/* netlink.c: the statistics family and the list of live VMs it shows. */
int vmctl_genl_init(void);
void vmctl_genl_exit(void);
int vmctl_genl_vm_add(struct vmctl_vm *vm);
void vmctl_genl_vm_del(struct vmctl_vm *vm);
void vmctl_genl_announce(struct vmctl_vm *vm, enum vmctl_genl_event event);

/* cpuid.c: the CPUID ioctls. */
long vmctl_vcpu_set_cpuid(struct vmctl_vcpu *vcpu, void __user *argp);
long vmctl_vcpu_get_cpuid(struct vmctl_vcpu *vcpu, void __user *argp);
long vmctl_dev_get_supported_cpuid(void __user *argp);
/* state.c: the vCPU state ioctls */
long vmctl_vcpu_state_ioctl(struct vmctl_vcpu *vcpu, unsigned int cmd,
			    void __user *argp);
long vmctl_vcpu_get_state(struct vmctl_vcpu *vcpu, void __user *argp);
long vmctl_vcpu_set_state(struct vmctl_vcpu *vcpu, void __user *argp);
/* msr_list.c: MSRs by list and the list of handled MSRs. */
long vmctl_vcpu_get_msrs(struct vmctl_vcpu *vcpu, void __user *argp);
long vmctl_vcpu_set_msrs(struct vmctl_vcpu *vcpu, void __user *argp);
long vmctl_dev_get_msr_index_list(void __user *argp);
/* events.c: the events ioctls of a vCPU fd */
long vmctl_vcpu_interrupt(struct vmctl_vcpu *vcpu, void __user *argp);
long vmctl_vcpu_nmi(struct vmctl_vcpu *vcpu);
long vmctl_vcpu_kick(struct vmctl_vcpu *vcpu);
long vmctl_vcpu_get_events(struct vmctl_vcpu *vcpu, void __user *argp);
long vmctl_vcpu_set_events(struct vmctl_vcpu *vcpu, void __user *argp);
long vmctl_vcpu_set_hlt_mode(struct vmctl_vcpu *vcpu, void __user *argp);

#endif /* VMCTL_KMOD_CORE_H */
