// SPDX-License-Identifier: GPL-2.0
/*
 * Load for vmtop's tests (not a test itself): VM "a-idle" runs to HLT and
 * stays, VM "b-busy" makes port writes until the process is killed.
 */
#include <errno.h>
#include <stdio.h>

#include "test_util.h"

static int ignore_pio(struct vmctl_vcpu *vcpu, uint16_t port, uint32_t *data,
		      unsigned int size, bool is_write, void *opaque)
{
	(void)vcpu, (void)port, (void)data, (void)size, (void)is_write, (void)opaque;
	return 0;
}

int main(void)
{
	struct vmctl_exit exit;
	struct tvm idle, busy;
	int err;

	tvm_create(&idle, 1 << 20);
	tvm_create(&busy, 1 << 20);
	if (vmctl_vm_set_name(idle.vm, "a-idle") || vmctl_vm_set_name(busy.vm, "b-busy"))
		tap_bail("cannot name the VMs");
	tvm_start_real(&idle, real_hello_begin, real_hello_end);
	do
		err = vmctl_vcpu_run(idle.vcpu, &exit);
	while (!err && exit.reason != VMCTL_EXIT_HLT);
	if (vmctl_vm_pio_register(busy.vm, IO_LOOP_PORT, 1, ignore_pio, NULL))
		tap_bail("cannot register the port");
	tvm_start_real(&busy, io_loop_begin, io_loop_end);
	guest_write32(GUEST_PTR(&busy, io_loop, io_loop_limit), 0x7fffffff);
	printf("ready\n");
	fflush(stdout);
	for (;;) {
		err = vmctl_vcpu_run_loop(busy.vcpu, &exit);
		if (err && err != -EINTR)
			tap_bail("busy VM stopped: %d", err);
	}
}
