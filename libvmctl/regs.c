// SPDX-License-Identifier: LGPL-2.1-or-later
/* Single-register access, the one-call VM set-up and ucalls. */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "internal.h"

/* Where each register lives: in struct vmctl_regs or struct vmctl_sregs. */
static const struct {
	const char *name;
	bool sreg;
	size_t offset;
} regs_table[VMCTL_REG_COUNT] = {
#define GPR(r, field)	[VMCTL_REG_##r] = { #field, false, offsetof(struct vmctl_regs, field) }
#define SREG(r, field)	[VMCTL_REG_##r] = { #field, true, offsetof(struct vmctl_sregs, field) }
	GPR(RAX, rax), GPR(RBX, rbx), GPR(RCX, rcx), GPR(RDX, rdx),
	GPR(RSI, rsi), GPR(RDI, rdi), GPR(RSP, rsp), GPR(RBP, rbp),
	GPR(R8, r8), GPR(R9, r9), GPR(R10, r10), GPR(R11, r11),
	GPR(R12, r12), GPR(R13, r13), GPR(R14, r14), GPR(R15, r15),
	GPR(RIP, rip), GPR(RFLAGS, rflags),
	SREG(CR0, cr0), SREG(CR2, cr2), SREG(CR3, cr3), SREG(CR4, cr4),
	SREG(CR8, cr8), SREG(EFER, efer),
#undef GPR
#undef SREG
};

static bool reg_known(enum vmctl_reg reg)
{
	return (unsigned int)reg < VMCTL_REG_COUNT;
}

VMCTL_EXPORT const char *vmctl_reg_name(enum vmctl_reg reg)
{
	return reg_known(reg) ? regs_table[reg].name : NULL;
}

VMCTL_EXPORT int vmctl_vcpu_get_reg(struct vmctl_vcpu *vcpu, enum vmctl_reg reg,
				    uint64_t *value)
{
	struct vmctl_sregs sregs;
	struct vmctl_regs regs;
	const char *base;
	int err;

	if (!vcpu || !value || !reg_known(reg))
		return -EINVAL;
	if (regs_table[reg].sreg) {
		err = vmctl_vcpu_get_sregs(vcpu, &sregs);
		base = (const char *)&sregs;
	} else {
		err = vmctl_vcpu_get_regs(vcpu, &regs);
		base = (const char *)&regs;
	}
	if (err)
		return err;
	/* memcpy: the fields are __u64, not uint64_t, to the compiler. */
	memcpy(value, base + regs_table[reg].offset, sizeof(*value));
	return 0;
}

VMCTL_EXPORT int vmctl_vcpu_set_reg(struct vmctl_vcpu *vcpu, enum vmctl_reg reg,
				    uint64_t value)
{
	struct vmctl_sregs sregs;
	struct vmctl_regs regs;
	int err;

	if (!vcpu || !reg_known(reg))
		return -EINVAL;
	if (regs_table[reg].sreg) {
		err = vmctl_vcpu_get_sregs(vcpu, &sregs);
		if (err)
			return err;
		memcpy((char *)&sregs + regs_table[reg].offset, &value, sizeof(value));
		return vmctl_vcpu_set_sregs(vcpu, &sregs);
	}
	err = vmctl_vcpu_get_regs(vcpu, &regs);
	if (err)
		return err;
	memcpy((char *)&regs + regs_table[reg].offset, &value, sizeof(value));
	return vmctl_vcpu_set_regs(vcpu, &regs);
}

/* Maps errnos of the steps into those vmctl_vm_create_simple() documents. */
static int simple_error(int err)
{
	/* -ENOSPC/-EEXIST cannot happen on a new VM; -EIO neither (ours). */
	return err == -EIO || err == -ENOSPC || err == -EEXIST ? -ENOMEM : err;
}

VMCTL_EXPORT int vmctl_vm_create_simple(uint64_t mem_size, struct vmctl_vm **vmp,
					struct vmctl_vcpu **vcpup, void **memp)
{
	struct vmctl_vcpu *vcpu;
	struct vmctl_sys *sys;
	struct vmctl_vm *vm;
	void *mem;
	int err;

	if (!vmp || !vcpup || mem_size == 0 || mem_size % VMCTL_PAGE_SIZE)
		return -EINVAL;
	err = vmctl_sys_open(&sys);
	if (err)
		return err;
	err = vmctl_vm_create(sys, &vm);
	vmctl_sys_close(sys);
	if (err)
		return err;
	err = vmctl_vm_mem_add(vm, 0, mem_size, 0, &mem);
	if (err < 0)
		goto out_vm;
	err = vmctl_vcpu_create(vm, 0, &vcpu);
	if (err)
		goto out_vm;
	*vmp = vm;
	*vcpup = vcpu;
	if (memp)
		*memp = mem;
	return 0;

out_vm:
	vmctl_vm_destroy(vm);
	return simple_error(err);
}

VMCTL_EXPORT int vmctl_ucall_get(struct vmctl_vcpu *vcpu, const struct vmctl_exit *exit,
				 struct vmctl_ucall *uc)
{
	uint64_t rbx;
	int err;

	if (!vcpu || !exit || !uc)
		return -EINVAL;
	if (exit->reason != VMCTL_EXIT_IO && exit->reason != LIBVMCTL_EXIT_UNHANDLED_IO)
		return 0;
	if (exit->io.port != VMCTL_UCALL_PORT || !exit->io.is_write || exit->io.size != 4)
		return 0;
	err = vmctl_vcpu_get_reg(vcpu, VMCTL_REG_RBX, &rbx);
	if (err)
		return err;
	uc->code = exit->io.data;
	uc->arg = rbx;
	return 1;
}
