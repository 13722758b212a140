// SPDX-License-Identifier: GPL-2.0
/*
 * vmctl through its raw ioctls, with no library in between: what the
 * module itself costs.  Together with side_lib.c this separates the
 * library's share of a round trip from the kernel's.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/vmctl.h>
#include <vmctl/libvmctl.h>

#include "bench.h"

static int raw_open(struct side *s)
{
	struct vmctl_caps caps;
	int v;

	s->sys_fd = open("/dev/" VMCTL_DEVICE_NAME, O_RDWR | O_CLOEXEC);
	if (s->sys_fd < 0)
		return side_fail(s, -errno, "open /dev/%s: %s", VMCTL_DEVICE_NAME,
				 strerror(errno));
	v = ioctl(s->sys_fd, VMCTL_GET_API_VERSION);
	if (v != VMCTL_API_VERSION)
		return side_fail(s, -EPROTO, "VMCTL_GET_API_VERSION: %d (%s), expected %d",
				 v, v < 0 ? strerror(errno) : "mismatch", VMCTL_API_VERSION);
	if (ioctl(s->sys_fd, VMCTL_GET_CAPS, &caps) < 0)
		return side_fail(s, -errno, "VMCTL_GET_CAPS: %s", strerror(errno));
	s->caps = caps.features;
	return 0;
}

static void raw_close(struct side *s)
{
	if (s->sys_fd >= 0)
		close(s->sys_fd);
	s->sys_fd = -1;
}

static const char *raw_unsupported(struct side *s, enum exit_kind kind)
{
	switch (kind) {
	case EXIT_MMIO_WRITE:
		/* Decoded MMIO: the module says whether it has it. */
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

static int raw_vm_create(struct side *s, struct bvm *b, struct device *dev)
{
	struct vmctl_create_vm args = { 0 };

	b->dev = dev;
	b->vm_fd = ioctl(s->sys_fd, VMCTL_CREATE_VM, &args);
	if (b->vm_fd < 0)
		return side_fail(s, -errno, "VMCTL_CREATE_VM: %s", strerror(errno));
	return 0;
}

static int raw_mem_add(struct bvm *b, unsigned int slot, uint64_t gpa,
		       uint64_t size)
{
	struct vmctl_memory_slot m = { 0 };
	void *host;

	/* As libvmctl maps guest memory: private, anonymous, no reservation. */
	host = mmap(NULL, size, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (host == MAP_FAILED)
		return side_fail(b->side, -errno, "mmap of %llu bytes: %s",
				 (unsigned long long)size, strerror(errno));
	b->mem[slot].host = host;
	b->mem[slot].size = size;
	m.slot = slot;
	m.guest_phys_addr = gpa;
	m.size = size;
	m.userspace_addr = (uintptr_t)host;
	if (ioctl(b->vm_fd, VMCTL_SET_MEMORY_SLOT, &m) < 0)
		return side_fail(b->side, -errno, "VMCTL_SET_MEMORY_SLOT(0x%llx, %llu): %s",
				 (unsigned long long)gpa, (unsigned long long)size,
				 strerror(errno));
	return 0;
}

static int raw_vcpu_create(struct bvm *b)
{
	struct vmctl_create_vcpu args = { 0 };
	void *run;

	b->vcpu_fd = ioctl(b->vm_fd, VMCTL_CREATE_VCPU, &args);
	if (b->vcpu_fd < 0)
		return side_fail(b->side, -errno, "VMCTL_CREATE_VCPU: %s", strerror(errno));
	run = mmap(NULL, VMCTL_RUN_MMAP_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
		   b->vcpu_fd, 0);
	if (run == MAP_FAILED)
		return side_fail(b->side, -errno, "mmap of the run structure: %s",
				 strerror(errno));
	b->run = run;
	b->run_size = VMCTL_RUN_MMAP_SIZE;
	return 0;
}

static void seg(struct vmctl_segment *sg, uint64_t base, uint32_t limit, uint16_t sel,
		uint8_t type, uint8_t s, uint8_t l, uint8_t db, uint8_t g)
{
	memset(sg, 0, sizeof(*sg));
	sg->base = base;
	sg->limit = limit;
	sg->selector = sel;
	sg->type = type;
	sg->present = 1;
	sg->s = s;
	sg->l = l;
	sg->db = db;
	sg->g = g;
}

static int raw_set_regs(struct bvm *b, uint64_t rip, uint64_t rsp)
{
	struct vmctl_regs regs;

	memset(&regs, 0, sizeof(regs));
	regs.rip = rip;
	regs.rsp = rsp;
	regs.rflags = 0x2;
	if (ioctl(b->vcpu_fd, VMCTL_SET_REGS, &regs) < 0)
		return side_fail(b->side, -errno, "VMCTL_SET_REGS: %s", strerror(errno));
	return 0;
}

static int raw_setup_real(struct bvm *b, uint16_t cs)
{
	struct vmctl_sregs sr;

	if (ioctl(b->vcpu_fd, VMCTL_GET_SREGS, &sr) < 0)
		return side_fail(b->side, -errno, "VMCTL_GET_SREGS: %s", strerror(errno));
	seg(&sr.cs, (uint64_t)cs << 4, 0xffff, cs, 0xb, 1, 0, 0, 0);
	seg(&sr.ds, (uint64_t)cs << 4, 0xffff, cs, 0x3, 1, 0, 0, 0);
	sr.es = sr.fs = sr.gs = sr.ss = sr.ds;
	sr.idt.base = 0;
	sr.idt.limit = 0x3ff;		/* the real-mode interrupt vector table */
	if (ioctl(b->vcpu_fd, VMCTL_SET_SREGS, &sr) < 0)
		return side_fail(b->side, -errno, "VMCTL_SET_SREGS: %s", strerror(errno));
	return raw_set_regs(b, 0, 0);
}

static int raw_setup_long(struct bvm *b, uint64_t rip, uint64_t rsp)
{
	uint64_t size = vmctl_long_mode_tables_size(LONG_MAP_SIZE), cr3, gdt;
	void *tables = bvm_host(b, TABLES_GPA, size);
	struct vmctl_sregs sr;
	int err;

	if (!tables)
		return side_fail(b->side, -EFAULT, "no guest memory for the page tables");
	err = vmctl_build_long_mode_tables(tables, size, TABLES_GPA, LONG_MAP_SIZE,
					   &cr3, &gdt);
	if (err)
		return side_fail(b->side, err, "vmctl_build_long_mode_tables: %s",
				 strerror(-err));
	if (ioctl(b->vcpu_fd, VMCTL_GET_SREGS, &sr) < 0)
		return side_fail(b->side, -errno, "VMCTL_GET_SREGS: %s", strerror(errno));
	seg(&sr.cs, 0, 0xffffffff, 0x08, 0xb, 1, 1, 0, 1);
	seg(&sr.ds, 0, 0xffffffff, 0x10, 0x3, 1, 0, 1, 1);
	sr.es = sr.fs = sr.gs = sr.ss = sr.ds;
	seg(&sr.tr, 0, 0x67, 0x18, 0xb, 0, 0, 0, 0);
	memset(&sr.ldt, 0, sizeof(sr.ldt));
	sr.ldt.type = 0x2;
	sr.ldt.unusable = 1;
	memset(&sr.gdt, 0, sizeof(sr.gdt));
	sr.gdt.base = gdt;
	sr.gdt.limit = VMCTL_LONG_MODE_GDT_LIMIT;
	memset(&sr.idt, 0, sizeof(sr.idt));
	sr.cr0 = 0x80010033;		/* PG WP NE ET MP PE */
	sr.cr3 = cr3;
	sr.cr4 = 0x20;			/* PAE */
	sr.efer = 0x500;		/* LMA LME */
	if (ioctl(b->vcpu_fd, VMCTL_SET_SREGS, &sr) < 0)
		return side_fail(b->side, -errno, "VMCTL_SET_SREGS: %s", strerror(errno));
	return raw_set_regs(b, rip, rsp);
}

static int raw_run(struct bvm *b)
{
	struct vmctl_run *run = b->run;
	uint32_t data;
	uint64_t d64;

	for (;;) {
		if (ioctl(b->vcpu_fd, VMCTL_RUN) < 0) {
			if (errno == EINTR)
				continue;
			return side_fail(b->side, -errno, "VMCTL_RUN: %s", strerror(errno));
		}
		switch (run->exit_reason) {
		case VMCTL_EXIT_HLT:
			return 0;
		case VMCTL_EXIT_IO:
			if (!b->dev)
				goto unexpected;
			data = run->io.data;
			if (dev_pio(b->dev, run->io.port, run->io.direction == VMCTL_IO_OUT,
				    run->io.size, &data))
				return side_fail(b->side, -EINVAL, "%s", b->dev->error);
			if (run->io.direction == VMCTL_IO_IN)
				run->io.data = data;
			break;
		case VMCTL_EXIT_MMIO:
			/* Decoded MMIO (VMCTL_CAP_DECODED_MMIO): data is little-endian. */
			if (!b->dev)
				goto unexpected;
			memcpy(&d64, run->mmio.data, sizeof(d64));
			if (dev_mmio(b->dev, run->mmio.phys_addr, run->mmio.is_write,
				     run->mmio.len, &d64))
				return side_fail(b->side, -EINVAL, "%s", b->dev->error);
			if (!run->mmio.is_write)
				memcpy(run->mmio.data, &d64, sizeof(d64));
			break;
		case VMCTL_EXIT_HYPERCALL:
			if (!b->dev)
				goto unexpected;
			if (dev_hypercall(b->dev, run->hypercall.nr, run->hypercall.args[0],
					  run->hypercall.args[1], &d64))
				return side_fail(b->side, -EINVAL, "%s", b->dev->error);
			run->hypercall.ret = d64;
			break;
		default:
			goto unexpected;
		}
	}
unexpected:
	if (run->exit_reason == VMCTL_EXIT_INTERNAL_ERROR)
		return side_fail(b->side, -EINVAL,
				 "unexpected exit: internal error %u [0x%llx 0x%llx 0x%llx]",
				 run->internal.suberror,
				 (unsigned long long)run->internal.data[0],
				 (unsigned long long)run->internal.data[1],
				 (unsigned long long)run->internal.data[2]);
	if (run->exit_reason == VMCTL_EXIT_FAIL_ENTRY)
		return side_fail(b->side, -EINVAL, "VM entry failed: %.128s",
				 run->fail_entry.message);
	return side_fail(b->side, -EINVAL, "unexpected exit reason %u", run->exit_reason);
}

static void raw_vm_destroy(struct bvm *b)
{
	unsigned int i;

	if (b->run)
		munmap(b->run, b->run_size);
	if (b->vcpu_fd >= 0)
		close(b->vcpu_fd);
	if (b->vm_fd >= 0)
		close(b->vm_fd);
	for (i = 0; i < 2; i++)
		if (b->mem[i].host)
			munmap(b->mem[i].host, b->mem[i].size);
	b->run = NULL;
	b->vcpu_fd = b->vm_fd = -1;
	memset(b->mem, 0, sizeof(b->mem));
}

static int64_t raw_kernel_bytes(struct side *s)
{
	struct vmctl_usage u;

	if (ioctl(s->sys_fd, VMCTL_GET_USAGE, &u) < 0)
		return -1;
	return (int64_t)(u.kernel_pages * 4096 + u.kernel_bytes);
}

const struct side_ops side_vmctl_raw = {
	.name = "vmctl-raw",
	.hypervisor = "vmctl",
	.open = raw_open,
	.close = raw_close,
	.unsupported = raw_unsupported,
	.vm_create = raw_vm_create,
	.mem_add = raw_mem_add,
	.vcpu_create = raw_vcpu_create,
	.setup_real = raw_setup_real,
	.setup_long = raw_setup_long,
	.run = raw_run,
	.vm_destroy = raw_vm_destroy,
	.self_reported_kernel_bytes = raw_kernel_bytes,
};
