// SPDX-License-Identifier: GPL-2.0
/*
 * vmctl through libvmctl: what an application built on the library pays.
 * Exits are dispatched by vmctl_vcpu_run_loop() to registered handlers,
 * which call the shared device (device.c) like every other side.
 */
#include <errno.h>
#include <string.h>

#include <vmctl/libvmctl.h>

#include "bench.h"

static int lib_open(struct side *s)
{
	struct vmctl_caps caps;
	int err;

	err = vmctl_sys_open(&s->sys);
	if (err)
		return side_fail(s, err, "vmctl_sys_open: %s", vmctl_strerror(err));
	err = vmctl_sys_get_caps(s->sys, &caps);
	if (err)
		return side_fail(s, err, "vmctl_sys_get_caps: %s", vmctl_strerror(err));
	s->caps = caps.features;
	return 0;
}

static void lib_close(struct side *s)
{
	vmctl_sys_close(s->sys);
	s->sys = NULL;
}

static const char *lib_unsupported(struct side *s, enum exit_kind kind)
{
	switch (kind) {
	case EXIT_MMIO_WRITE:
		if (!(s->caps & VMCTL_CAP_DECODED_MMIO))
			return "not yet supported by vmctl (no decoded-MMIO exit)";
		return NULL;
	case EXIT_HYPERCALL:
		if (!(s->caps & VMCTL_CAP_HYPERCALLS))
			return "not supported by this vmctl module (no hypercall exit)";
		return NULL;
	default:
		return NULL;
	}
}

static int lib_hypercall(struct vmctl_vcpu *vcpu, uint64_t nr, const uint64_t args[4],
			 uint64_t *ret, void *opaque)
{
	struct bvm *b = opaque;

	(void)vcpu;
	return dev_hypercall(b->dev, nr, args[0], args[1], ret);
}

static int lib_pio(struct vmctl_vcpu *vcpu, uint16_t port, uint32_t *data,
		   unsigned int size, bool is_write, void *opaque)
{
	struct bvm *b = opaque;

	(void)vcpu;
	return dev_pio(b->dev, port, is_write, size, data);
}

static int lib_mmio(struct vmctl_vcpu *vcpu, uint64_t addr, void *data,
		    unsigned int len, bool is_write, void *opaque)
{
	struct bvm *b = opaque;
	uint64_t d64 = 0;
	int err;

	(void)vcpu;
	memcpy(&d64, data, len);
	err = dev_mmio(b->dev, addr, is_write, len, &d64);
	if (!err && !is_write)
		memcpy(data, &d64, len);
	return err;
}

static int lib_vm_create(struct side *s, struct bvm *b, struct device *dev)
{
	int err;

	err = vmctl_vm_create(s->sys, &b->vm);
	if (err)
		return side_fail(s, err, "vmctl_vm_create: %s", vmctl_strerror(err));
	b->dev = dev;
	if (dev) {
		err = vmctl_vm_pio_register(b->vm, BENCH_PORT, 1, lib_pio, b);
		if (err)
			return side_fail(s, err, "vmctl_vm_pio_register: %s",
					 vmctl_strerror(err));
		err = vmctl_vm_mmio_register(b->vm, MMIO_GPA, 1, lib_mmio, b);
		if (err)
			return side_fail(s, err, "vmctl_vm_mmio_register: %s",
					 vmctl_strerror(err));
		err = vmctl_vm_hypercall_register(b->vm, lib_hypercall, b);
		if (err)
			return side_fail(s, err, "vmctl_vm_hypercall_register: %s",
					 vmctl_strerror(err));
	}
	return 0;
}

static int lib_mem_add(struct bvm *b, unsigned int slot, uint64_t gpa,
		       uint64_t size)
{
	int ret = vmctl_vm_mem_add(b->vm, gpa, size, 0, &b->mem[slot].host);

	if (ret < 0)
		return side_fail(b->side, ret, "vmctl_vm_mem_add(0x%llx, %llu): %s",
				 (unsigned long long)gpa, (unsigned long long)size,
				 vmctl_strerror(ret));
	b->mem[slot].size = size;
	return 0;
}

static int lib_vcpu_create(struct bvm *b)
{
	int err = vmctl_vcpu_create(b->vm, 0, &b->vcpu);

	if (err)
		return side_fail(b->side, err, "vmctl_vcpu_create: %s", vmctl_strerror(err));
	return 0;
}

static int lib_setup_real(struct bvm *b, uint16_t cs)
{
	int err = vmctl_vcpu_setup_real_mode(b->vcpu, cs, 0, 0);

	if (err)
		return side_fail(b->side, err, "vmctl_vcpu_setup_real_mode: %s",
				 vmctl_strerror(err));
	return 0;
}

static int lib_setup_long(struct bvm *b, uint64_t rip, uint64_t rsp)
{
	struct vmctl_long_mode lm = {
		.tables_gpa = TABLES_GPA,
		.map_size = LONG_MAP_SIZE,
		.entry = rip,
		.stack = rsp,
	};
	int err;

	err = vmctl_vcpu_setup_long_mode(b->vcpu, &lm);
	if (err)
		return side_fail(b->side, err, "vmctl_vcpu_setup_long_mode: %s",
				 vmctl_strerror(err));
	return 0;
}

static int lib_run(struct bvm *b)
{
	struct vmctl_exit exit;
	int err;

	for (;;) {
		err = vmctl_vcpu_run_loop(b->vcpu, &exit);
		if (err == -EINTR)
			continue;
		if (err)
			return side_fail(b->side, err, "vmctl_vcpu_run_loop: %s",
					 vmctl_strerror(err));
		if (exit.reason == VMCTL_EXIT_HLT)
			return 0;
		if (b->dev && b->dev->error[0])
			return side_fail(b->side, -EINVAL, "%s", b->dev->error);
		return side_fail(b->side, -EINVAL, "unexpected exit %s: %s",
				 vmctl_exit_reason_name(exit.reason), exit.message);
	}
}

static void lib_vm_destroy(struct bvm *b)
{
	/* The library unmaps the guest memory it mapped. */
	vmctl_vm_destroy(b->vm);
	b->vm = NULL;
	b->vcpu = NULL;
	memset(b->mem, 0, sizeof(b->mem));
}

static int64_t lib_kernel_bytes(struct side *s)
{
	struct vmctl_usage u;

	if (vmctl_sys_get_usage(s->sys, &u))
		return -1;
	return (int64_t)(u.kernel_pages * 4096 + u.kernel_bytes);
}

const struct side_ops side_vmctl_lib = {
	.name = "vmctl-lib",
	.hypervisor = "vmctl",
	.open = lib_open,
	.close = lib_close,
	.unsupported = lib_unsupported,
	.vm_create = lib_vm_create,
	.mem_add = lib_mem_add,
	.vcpu_create = lib_vcpu_create,
	.setup_real = lib_setup_real,
	.setup_long = lib_setup_long,
	.run = lib_run,
	.vm_destroy = lib_vm_destroy,
	.self_reported_kernel_bytes = lib_kernel_bytes,
};
