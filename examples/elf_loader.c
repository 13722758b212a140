// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Runs an ELF guest with libvmctl: vmctl_vm_load_elf() puts its PT_LOAD
 * segments into guest memory (at their physical addresses) and gives the
 * entry point; the protected-mode helper starts it with flat 32-bit
 * segments and paging off.  The guest prints on the serial port and
 * talks to the host with ucalls.
 *
 * Run as root with vmctl.ko loaded: ./elf_loader elf_guest
 */
#include <inttypes.h>
#include <stdio.h>

#include <vmctl/libvmctl.h>

#define GUEST_MEM	(4 << 20)
#define GDT_GPA		0x1000
#define STACK_TOP	0x80000
#define SERIAL_PORT	0x3f8

static int serial(struct vmctl_vcpu *vcpu, uint16_t port, uint32_t *data, unsigned int size,
		  bool is_write, void *opaque)
{
	(void)vcpu; (void)port; (void)size; (void)opaque;
	if (is_write)
		putchar(*data & 0xff);
	return 0;
}

int main(int argc, char **argv)
{
	struct vmctl_protected_mode pm = { .gdt_gpa = GDT_GPA, .stack = STACK_TOP };
	struct vmctl_vcpu *vcpu;
	struct vmctl_exit exit;
	struct vmctl_ucall uc;
	struct vmctl_vm *vm;
	uint64_t entry;
	int err, ret = 1;

	if (argc != 2) {
		fprintf(stderr, "usage: %s ELF-FILE\n", argv[0]);
		return 2;
	}
	err = vmctl_vm_create_simple(GUEST_MEM, &vm, &vcpu, NULL);
	if (err) {
		fprintf(stderr, "elf_loader: %s\n", vmctl_strerror_call("vmctl_vm_create_simple", err));
		return 1;
	}
	err = vmctl_vm_load_elf(vm, argv[1], &entry);
	if (err) {
		/* The message fits the call: "not an ELF executable ...", "no such image file". */
		fprintf(stderr, "elf_loader: %s: %s\n", argv[1],
			vmctl_strerror_call("vmctl_vm_load_elf", err));
		goto out;
	}
	if (entry > UINT32_MAX) {
		fprintf(stderr, "elf_loader: entry 0x%" PRIx64 " is not a 32-bit address\n", entry);
		goto out;
	}
	pm.entry = entry;
	err = vmctl_vm_pio_register(vm, SERIAL_PORT, 1, serial, NULL);
	if (!err)
		err = vmctl_vcpu_setup_protected_mode(vcpu, &pm);
	if (err) {
		fprintf(stderr, "elf_loader: setting up: %s\n", vmctl_strerror(err));
		goto out;
	}

	for (;;) {
		err = vmctl_vcpu_run_loop(vcpu, &exit);
		fflush(stdout);
		if (err || vmctl_ucall_get(vcpu, &exit, &uc) != 1) {
			fprintf(stderr, "elf_loader: the guest stopped: %s\n",
				err ? vmctl_strerror_call("vmctl_vcpu_run_loop", err) : exit.message);
			goto out;
		}
		if (uc.code == VMCTL_UCALL_REPORT) {
			printf("the guest reports fib(24) = %" PRIu64 "\n", uc.arg);
		} else if (uc.code == VMCTL_UCALL_DONE) {
			printf("the guest is done after %" PRIu64 " loop turns\n", uc.arg);
			break;
		} else {
			fprintf(stderr, "elf_loader: the guest failed at line %" PRIu64 "\n", uc.arg);
			goto out;
		}
	}
	ret = 0;
out:
	vmctl_vm_destroy(vm);
	return ret;
}
