// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Single-register reads and ucall decoding without a kernel: the vCPU's
 * register cache stands in for GET_REGS/GET_SREGS (the emulated PC's
 * selftests cover the kernel side).
 */
#include <errno.h>
#include <string.h>

#include "tap.h"
#include "internal.h"

int main(void)
{
	struct vmctl_vcpu vcpu = { 0 };
	struct vmctl_ucall uc = { 0 };
	struct vmctl_exit exit;
	__u64 *gpr = &vcpu.regs.rax;	/* struct vmctl_regs: 18 __u64 in enum order */
	uint64_t value;
	unsigned int i, bad = 0;

	tap_plan(9);
	vcpu.fd = -1;
	vcpu.regs_valid = vcpu.sregs_valid = true;
	for (i = 0; i < 18; i++)
		gpr[i] = 0x1000 + i;
	vcpu.sregs.cr0 = 0xc0;
	vcpu.sregs.cr2 = 0xc2;
	vcpu.sregs.cr3 = 0xc3;
	vcpu.sregs.cr4 = 0xc4;
	vcpu.sregs.cr8 = 0xc8;
	vcpu.sregs.efer = 0xefe;

	for (i = VMCTL_REG_RAX; i <= VMCTL_REG_RFLAGS; i++)
		if (vmctl_vcpu_get_reg(&vcpu, i, &value) || value != 0x1000 + i)
			bad++;
	tap_ok(bad == 0, "the 18 registers of struct vmctl_regs, each from its own field");
	tap_ok(!vmctl_vcpu_get_reg(&vcpu, VMCTL_REG_R15, &value) && value == vcpu.regs.r15 &&
	       !vmctl_vcpu_get_reg(&vcpu, VMCTL_REG_RIP, &value) && value == vcpu.regs.rip,
	       "R15 and RIP by name");
	tap_ok(!vmctl_vcpu_get_reg(&vcpu, VMCTL_REG_CR0, &value) && value == 0xc0 &&
	       !vmctl_vcpu_get_reg(&vcpu, VMCTL_REG_CR2, &value) && value == 0xc2 &&
	       !vmctl_vcpu_get_reg(&vcpu, VMCTL_REG_CR3, &value) && value == 0xc3 &&
	       !vmctl_vcpu_get_reg(&vcpu, VMCTL_REG_CR4, &value) && value == 0xc4 &&
	       !vmctl_vcpu_get_reg(&vcpu, VMCTL_REG_CR8, &value) && value == 0xc8 &&
	       !vmctl_vcpu_get_reg(&vcpu, VMCTL_REG_EFER, &value) && value == 0xefe,
	       "control registers and EFER");
	value = 42;
	tap_ok(vmctl_vcpu_get_reg(&vcpu, VMCTL_REG_COUNT, &value) == -EINVAL && value == 42,
	       "an unknown register: -EINVAL, *value unchanged");
	tap_ok(!strcmp(vmctl_reg_name(VMCTL_REG_RAX), "rax") &&
	       !strcmp(vmctl_reg_name(VMCTL_REG_R8), "r8") &&
	       !strcmp(vmctl_reg_name(VMCTL_REG_EFER), "efer") &&
	       vmctl_reg_name(VMCTL_REG_COUNT) == NULL, "register names");

	memset(&exit, 0, sizeof(exit));
	exit.reason = VMCTL_EXIT_IO;
	exit.io.port = VMCTL_UCALL_PORT;
	exit.io.size = 4;
	exit.io.is_write = true;
	exit.io.data = VMCTL_UCALL_REPORT;
	tap_ok(vmctl_ucall_get(&vcpu, &exit, &uc) == 1 && uc.code == VMCTL_UCALL_REPORT &&
	       uc.arg == vcpu.regs.rbx, "a raw OUT32 to the ucall port is a ucall, arg from RBX");
	exit.reason = LIBVMCTL_EXIT_UNHANDLED_IO;
	exit.io.data = VMCTL_UCALL_USER + 1;
	tap_ok(vmctl_ucall_get(&vcpu, &exit, &uc) == 1 && uc.code == VMCTL_UCALL_USER + 1,
	       "so is one the run loop found no handler for");
	memset(&uc, 0x5a, sizeof(uc));
	exit.io.size = 1;
	i = vmctl_ucall_get(&vcpu, &exit, &uc);
	exit.io.size = 4;
	exit.io.is_write = false;
	i += vmctl_ucall_get(&vcpu, &exit, &uc);
	exit.io.is_write = true;
	exit.io.port = VMCTL_UCALL_PORT + 1;
	i += vmctl_ucall_get(&vcpu, &exit, &uc);
	exit.io.port = VMCTL_UCALL_PORT;
	exit.reason = LIBVMCTL_EXIT_HANDLER_ERROR;
	i += vmctl_ucall_get(&vcpu, &exit, &uc);
	tap_ok(i == 0 && uc.code == 0x5a5a5a5a, "not ucalls: OUT8, IN32, another port, a handler's "
	       "error; uc unchanged");
	tap_ok(vmctl_ucall_get(&vcpu, NULL, &uc) == -EINVAL, "NULL exit: -EINVAL");
	return tap_finish();
}
