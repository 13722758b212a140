// SPDX-License-Identifier: GPL-2.0
/*
 * The conveniences of libvmctl against the real module: the one-call VM,
 * single registers (and the kernel's refusals through them), the 32-bit
 * protected-mode set-up running a guest whose result only 32-bit code
 * computes, and vmctl_vcpu_translate() in the modes the helpers set up.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "test_util.h"

/*
 * 32-bit code: mov $0x12345678, %ebx; mov $VMCTL_UCALL_REPORT, %eax;
 * out %eax, $VMCTL_UCALL_PORT; hlt.  Decoded as 16-bit code the first
 * instruction would load 0x5678 and run 0x34 0x12 as another one.
 */
static const uint8_t prot_guest[] = {
	0xbb, 0x78, 0x56, 0x34, 0x12, 0xb8, VMCTL_UCALL_REPORT, 0, 0, 0,
	0xe7, VMCTL_UCALL_PORT, 0xf4,
};

#define PROT_ENTRY	0x2000
#define PROT_GDT	0x1000
#define PROT_STACK	0x8000

int main(void)
{
	struct vmctl_protected_mode pm = { .gdt_gpa = PROT_GDT, .entry = PROT_ENTRY,
					   .stack = PROT_STACK };
	struct vmctl_long_mode lm = { .tables_gpa = 0x100000, .map_size = 4 << 20,
				      .entry = 0x1000, .stack = 0x80000 };
	struct vmctl_translation tr;
	struct vmctl_vcpu *vcpu;
	struct vmctl_exit exit;
	struct vmctl_ucall uc;
	struct vmctl_vm *vm;
	uint64_t value;
	uint8_t *mem;
	int err;

	tap_plan(11);
	err = vmctl_vm_create_simple(4 << 20, &vm, &vcpu, (void **)&mem);
	if (err)
		tap_bail("vmctl_vm_create_simple: %s", vmctl_strerror_call("vmctl_vm_create_simple", err));
	tap_ok(vmctl_vcpu_id(vcpu) == 0 && vmctl_vcpu_vm(vcpu) == vm &&
	       vmctl_vm_gpa_to_host(vm, (4 << 20) - 1, 1) == mem + (4 << 20) - 1 &&
	       !vmctl_vm_gpa_to_host(vm, 4 << 20, 1),
	       "one call: vCPU 0 of the VM, 4 MiB of guest memory at 0");

	err = vmctl_vcpu_set_reg(vcpu, VMCTL_REG_R13, 0xfeedface12345678ULL);
	value = 0;
	if (!err)
		err = vmctl_vcpu_get_reg(vcpu, VMCTL_REG_R13, &value);
	tap_ok(err == 0 && value == 0xfeedface12345678ULL, "R13 set and read back (0x%" PRIx64 ")",
	       value);
	err = vmctl_vcpu_set_reg(vcpu, VMCTL_REG_RFLAGS, 0x2 | (1 << 3));
	tap_ok(err == -EINVAL, "RFLAGS with reserved bit 3: the kernel's -EINVAL (%d)", err);
	err = vmctl_vcpu_set_reg(vcpu, VMCTL_REG_CR4, 1 << 13);
	tap_ok(err == -EINVAL, "CR4.VMXE: the kernel's -EINVAL (%d)", err);

	memcpy(mem + PROT_ENTRY, prot_guest, sizeof(prot_guest));
	err = vmctl_vcpu_setup_protected_mode(vcpu, &pm);
	tap_ok(err == 0, "protected-mode set-up (%d)", err);
	err = vmctl_vcpu_get_reg(vcpu, VMCTL_REG_CR0, &value);
	tap_ok(err == 0 && (value & 0x80000001) == 1, "CR0.PE without PG (0x%" PRIx64 ")", value);
	err = vmctl_vcpu_translate(vcpu, 0x12345, &tr);
	tap_ok(err == 0 && tr.gpa == 0x12345 && tr.level == 0,
	       "paging off: translate is the identity (%d, 0x%" PRIx64 ", level %d)", err, tr.gpa,
	       tr.level);
	err = vmctl_vcpu_run_loop(vcpu, &exit);
	memset(&uc, 0, sizeof(uc));
	if (!err)
		err = vmctl_ucall_get(vcpu, &exit, &uc) == 1 ? 0 : -1;
	tap_ok(err == 0 && uc.code == VMCTL_UCALL_REPORT && uc.arg == 0x12345678,
	       "the 32-bit guest reports 0x12345678 (%d, %s, arg 0x%" PRIx64 ")", err,
	       exit.message, uc.arg);
	err = vmctl_vcpu_run_loop(vcpu, &exit);
	tap_ok(err == 0 && exit.reason == VMCTL_EXIT_HLT, "and halts (%d, %s)", err, exit.message);

	err = vmctl_vcpu_setup_long_mode(vcpu, &lm);
	if (err)
		tap_bail("vmctl_vcpu_setup_long_mode: %s", vmctl_strerror(err));
	err = vmctl_vcpu_translate(vcpu, 0x3abcde, &tr);
	tap_ok(err == 0 && tr.gpa == 0x3abcde && tr.level == 2,
	       "long mode: identity-mapped 2 MiB page (%d, 0x%" PRIx64 ", level %d)", err, tr.gpa,
	       tr.level);
	err = vmctl_vcpu_translate(vcpu, 0x40000000, &tr);
	tap_ok(err == -ENOENT && tr.level == 3, "long mode: unmapped, stops at the PDPTE "
	       "(%d, level %d)", err, tr.level);
	vmctl_vm_destroy(vm);
	return tap_finish();
}
