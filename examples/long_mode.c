// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * A 64-bit guest with libvmctl: the one-call VM set-up, the long-mode
 * helper (identity-mapped page tables and a GDT written into guest
 * memory), ucalls as the guest's way to talk to its host without any
 * device, single-register access and the guest page walk.
 *
 * Run as root with vmctl.ko loaded: ./long_mode
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <vmctl/libvmctl.h>

#define GUEST_MEM	(4 << 20)
#define LOAD_ADDR	0x1000
#define STACK_TOP	0x80000
#define TABLES		0x100000	/* page tables and GDT: a few pages */

extern const uint8_t guest_begin[], guest_end[];

static int fail(const char *what, const char *why)
{
	fprintf(stderr, "long_mode: %s: %s\n", what, why);
	return 1;
}

int main(void)
{
	struct vmctl_long_mode lm = {
		.tables_gpa = TABLES, .map_size = GUEST_MEM,
		.entry = LOAD_ADDR, .stack = STACK_TOP,
	};
	struct vmctl_translation tr;
	struct vmctl_vcpu *vcpu;
	struct vmctl_exit exit;
	struct vmctl_ucall uc;
	struct vmctl_vm *vm;
	uint64_t value, rip;
	int err, ret = 1;
	uint8_t *mem;

	err = vmctl_vm_create_simple(GUEST_MEM, &vm, &vcpu, (void **)&mem);
	if (err)
		return fail("creating the VM", vmctl_strerror_call("vmctl_vm_create_simple", err));
	memcpy(mem + LOAD_ADDR, guest_begin, guest_end - guest_begin);
	err = vmctl_vcpu_setup_long_mode(vcpu, &lm);
	if (err) {
		fail("long mode", vmctl_strerror_call("vmctl_vcpu_setup_long_mode", err));
		goto out;
	}

	/*
	 * No handler is registered for the ucall port: the run loop returns
	 * each ucall to us as an unhandled OUT, and the next run continues
	 * after it.
	 */
	for (;;) {
		err = vmctl_vcpu_run_loop(vcpu, &exit);
		if (err) {
			fail("running", vmctl_strerror_call("vmctl_vcpu_run_loop", err));
			goto out;
		}
		err = vmctl_ucall_get(vcpu, &exit, &uc);
		if (err < 0) {
			fail("ucall", vmctl_strerror_call("vmctl_ucall_get", err));
			goto out;
		}
		if (err == 0) {
			fail("the guest stopped", exit.message);
			goto out;
		}
		if (uc.code == VMCTL_UCALL_REPORT) {
			printf("the guest reports the sum of 1..100: %" PRIu64 "\n", uc.arg);
			continue;
		}
		if (uc.code == VMCTL_UCALL_DONE)
			break;
	}

	/* The DONE ucall's argument is a guest-virtual address: walk to it. */
	err = vmctl_vcpu_translate(vcpu, uc.arg, &tr);
	if (err) {
		fail("translating", vmctl_strerror_call("vmctl_vcpu_translate", err));
		goto out;
	}
	if (vmctl_vm_read(vm, tr.gpa, &value, sizeof(value)))
		goto out;
	printf("guest-virtual 0x%" PRIx64 " is guest-physical 0x%" PRIx64
	       " (a %s page) and holds 0x%" PRIx64 "\n", uc.arg, tr.gpa,
	       tr.level == 2 ? "2 MiB" : "4 KiB", value);

	/* One register, without fetching all of them by hand. */
	err = vmctl_vcpu_get_reg(vcpu, VMCTL_REG_RIP, &rip);
	if (err) {
		fail("RIP", vmctl_strerror_call("vmctl_vcpu_get_reg", err));
		goto out;
	}
	printf("RIP is 0x%" PRIx64 ", guest offset 0x%" PRIx64 "\n", rip, rip - LOAD_ADDR);
	ret = 0;
out:
	vmctl_vm_destroy(vm);
	return ret;
}
