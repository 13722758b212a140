// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * A port-I/O device model with libvmctl: a real-mode guest prints over a
 * write-only "serial port" and uses a device that squares numbers.  Each
 * device is a handler registered for its ports; vmctl_vcpu_run_loop()
 * calls it for every IN or OUT there and returns only for what the
 * program must see (here, the guest's HLT).
 *
 * Run as root with vmctl.ko loaded: ./pio_device
 */
#include <inttypes.h>
#include <stdio.h>

#include <vmctl/libvmctl.h>

#include "pio_device.h"

#define GUEST_MEM	(1 << 20)
#define LOAD_ADDR	0x1000

extern const uint8_t guest_begin[], guest_end[];

/* The squarer's state: what the guest gave it last. */
struct squarer {
	uint32_t last;
};

static int serial(struct vmctl_vcpu *vcpu, uint16_t port, uint32_t *data, unsigned int size,
		  bool is_write, void *opaque)
{
	(void)vcpu; (void)port; (void)size; (void)opaque;
	if (is_write)
		putchar(*data & 0xff);
	return 0;	/* an IN reads all ones, as from a port with nothing behind it */
}

static int squarer(struct vmctl_vcpu *vcpu, uint16_t port, uint32_t *data, unsigned int size,
		   bool is_write, void *opaque)
{
	struct squarer *sq = opaque;

	(void)vcpu; (void)size;
	if (port == SQUARE_IN && is_write)
		sq->last = *data & 0xffff;
	else if (port == SQUARE_OUT && !is_write)
		*data = sq->last * sq->last;	/* the library keeps the low size bytes */
	return 0;
}

static int result(struct vmctl_vcpu *vcpu, uint16_t port, uint32_t *data, unsigned int size,
		  bool is_write, void *opaque)
{
	(void)vcpu; (void)port; (void)size; (void)opaque;
	if (is_write)
		printf("the guest got %" PRIu32 " from the squarer\n", *data);
	return 0;
}

int main(void)
{
	struct squarer sq = { 0 };
	struct vmctl_vcpu *vcpu;
	struct vmctl_exit exit;
	struct vmctl_vm *vm;
	int err;

	/* One VM, 1 MiB of memory at guest-physical 0, vCPU 0. */
	err = vmctl_vm_create_simple(GUEST_MEM, &vm, &vcpu, NULL);
	if (err) {
		fprintf(stderr, "pio_device: %s\n",
			vmctl_strerror_call("vmctl_vm_create_simple", err));
		return 1;
	}
	/* Each device owns a range of ports. */
	err = vmctl_vm_pio_register(vm, SERIAL_PORT, 1, serial, NULL);
	if (!err)
		err = vmctl_vm_pio_register(vm, SQUARE_IN, 4, squarer, &sq);
	if (!err)
		err = vmctl_vm_pio_register(vm, RESULT_PORT, 1, result, NULL);
	if (!err)
		err = vmctl_vm_write(vm, LOAD_ADDR, guest_begin, guest_end - guest_begin);
	if (!err)
		err = vmctl_vcpu_setup_real_mode(vcpu, LOAD_ADDR >> 4, 0, 0);
	if (err) {
		fprintf(stderr, "pio_device: setting up: %s\n", vmctl_strerror(err));
		vmctl_vm_destroy(vm);
		return 1;
	}

	err = vmctl_vcpu_run_loop(vcpu, &exit);
	fflush(stdout);
	if (err || exit.reason != VMCTL_EXIT_HLT) {
		fprintf(stderr, "pio_device: the guest stopped: %s\n",
			err ? vmctl_strerror_call("vmctl_vcpu_run_loop", err) : exit.message);
		vmctl_vm_destroy(vm);
		return 1;
	}
	printf("guest halted after %" PRIu64 " exits\n", exit.count);
	vmctl_vm_destroy(vm);
	return 0;
}
