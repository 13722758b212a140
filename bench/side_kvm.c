// SPDX-License-Identifier: GPL-2.0
/*
 * KVM through a minimal client of its own: plain ioctls on /dev/kvm, no
 * QEMU, no in-kernel interrupt controller (so that HLT comes back to user
 * space as on vmctl).  Set-up follows what every KVM VMM does: the vCPU
 * gets the CPUID KVM supports (KVM_GET_SUPPORTED_CPUID, once per run) and
 * the hypercall row's VM asks for hypercall exits (KVM_CAP_EXIT_HYPERCALL,
 * the only way KVM passes a VMCALL to user space).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/kvm.h>
#include <vmctl/libvmctl.h>

#include "bench.h"

static int kvm_open(struct side *s)
{
	struct kvm_cpuid2 *cpuid;
	int n, nent;

	s->sys_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (s->sys_fd < 0)
		return side_fail(s, -errno, "open /dev/kvm: %s (kvm_intel not loaded?)",
				 strerror(errno));
	n = ioctl(s->sys_fd, KVM_GET_API_VERSION, 0);
	if (n != KVM_API_VERSION)
		return side_fail(s, -EPROTO, "KVM_GET_API_VERSION: %d, expected %d",
				 n, KVM_API_VERSION);
	n = ioctl(s->sys_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (n <= 0)
		return side_fail(s, -errno, "KVM_GET_VCPU_MMAP_SIZE: %s", strerror(errno));
	s->kvm_run_size = n;
	n = ioctl(s->sys_fd, KVM_CHECK_EXTENSION, KVM_CAP_EXIT_HYPERCALL);
	if (n < 0)
		return side_fail(s, -errno, "KVM_CHECK_EXTENSION: %s", strerror(errno));
	s->kvm_hypercall_exit = n & (1 << HC_NR);

	/* The table grows until KVM stops answering E2BIG. */
	for (nent = 64; ; nent *= 2) {
		cpuid = calloc(1, sizeof(*cpuid) + nent * sizeof(cpuid->entries[0]));
		if (!cpuid)
			return side_fail(s, -ENOMEM, "out of memory");
		cpuid->nent = nent;
		if (ioctl(s->sys_fd, KVM_GET_SUPPORTED_CPUID, cpuid) == 0)
			break;
		n = errno;
		free(cpuid);
		if (n != E2BIG || nent >= 4096)
			return side_fail(s, -n, "KVM_GET_SUPPORTED_CPUID: %s", strerror(n));
	}
	s->kvm_cpuid = cpuid;
	return 0;
}

static void kvm_close(struct side *s)
{
	if (s->sys_fd >= 0)
		close(s->sys_fd);
	s->sys_fd = -1;
	free(s->kvm_cpuid);
	s->kvm_cpuid = NULL;
}

static const char *kvm_unsupported(struct side *s, enum exit_kind kind)
{
	/* KVM has every path; a missing one is a failure, not a gap. */
	(void)s;
	(void)kind;
	return NULL;
}

static int kvm_vm_create(struct side *s, struct bvm *b, struct device *dev)
{
	struct kvm_enable_cap cap = { .cap = KVM_CAP_EXIT_HYPERCALL };

	b->dev = dev;
	b->vm_fd = ioctl(s->sys_fd, KVM_CREATE_VM, 0);
	if (b->vm_fd < 0)
		return side_fail(s, -errno, "KVM_CREATE_VM: %s", strerror(errno));
	if (dev) {
		if (!s->kvm_hypercall_exit)
			return side_fail(s, -EOPNOTSUPP,
					 "KVM_CAP_EXIT_HYPERCALL does not offer hypercall %d",
					 HC_NR);
		cap.args[0] = 1ULL << HC_NR;
		if (ioctl(b->vm_fd, KVM_ENABLE_CAP, &cap) < 0)
			return side_fail(s, -errno, "KVM_ENABLE_CAP(KVM_CAP_EXIT_HYPERCALL): %s",
					 strerror(errno));
	}
	return 0;
}

static int kvm_mem_add(struct bvm *b, unsigned int slot, uint64_t gpa,
		       uint64_t size)
{
	struct kvm_userspace_memory_region m = { 0 };
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
	m.memory_size = size;
	m.userspace_addr = (uintptr_t)host;
	if (ioctl(b->vm_fd, KVM_SET_USER_MEMORY_REGION, &m) < 0)
		return side_fail(b->side, -errno, "KVM_SET_USER_MEMORY_REGION(0x%llx, %llu): %s",
				 (unsigned long long)gpa, (unsigned long long)size,
				 strerror(errno));
	return 0;
}

static int kvm_vcpu_create(struct bvm *b)
{
	struct side *s = b->side;
	void *run;

	b->vcpu_fd = ioctl(b->vm_fd, KVM_CREATE_VCPU, 0);
	if (b->vcpu_fd < 0)
		return side_fail(s, -errno, "KVM_CREATE_VCPU: %s", strerror(errno));
	run = mmap(NULL, s->kvm_run_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		   b->vcpu_fd, 0);
	if (run == MAP_FAILED)
		return side_fail(s, -errno, "mmap of kvm_run: %s", strerror(errno));
	b->run = run;
	b->run_size = s->kvm_run_size;
	if (ioctl(b->vcpu_fd, KVM_SET_CPUID2, s->kvm_cpuid) < 0)
		return side_fail(s, -errno, "KVM_SET_CPUID2: %s", strerror(errno));
	return 0;
}

static void seg(struct kvm_segment *sg, uint64_t base, uint32_t limit, uint16_t sel,
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

static int kvm_set_regs(struct bvm *b, uint64_t rip, uint64_t rsp)
{
	struct kvm_regs regs;

	memset(&regs, 0, sizeof(regs));
	regs.rip = rip;
	regs.rsp = rsp;
	regs.rflags = 0x2;
	if (ioctl(b->vcpu_fd, KVM_SET_REGS, &regs) < 0)
		return side_fail(b->side, -errno, "KVM_SET_REGS: %s", strerror(errno));
	return 0;
}

static int kvm_setup_real(struct bvm *b, uint16_t cs)
{
	struct kvm_sregs sr;

	if (ioctl(b->vcpu_fd, KVM_GET_SREGS, &sr) < 0)
		return side_fail(b->side, -errno, "KVM_GET_SREGS: %s", strerror(errno));
	seg(&sr.cs, (uint64_t)cs << 4, 0xffff, cs, 0xb, 1, 0, 0, 0);
	seg(&sr.ds, (uint64_t)cs << 4, 0xffff, cs, 0x3, 1, 0, 0, 0);
	sr.es = sr.fs = sr.gs = sr.ss = sr.ds;
	sr.idt.base = 0;
	sr.idt.limit = 0x3ff;
	if (ioctl(b->vcpu_fd, KVM_SET_SREGS, &sr) < 0)
		return side_fail(b->side, -errno, "KVM_SET_SREGS: %s", strerror(errno));
	return kvm_set_regs(b, 0, 0);
}

static int kvm_setup_long(struct bvm *b, uint64_t rip, uint64_t rsp)
{
	uint64_t size = vmctl_long_mode_tables_size(LONG_MAP_SIZE), cr3, gdt;
	void *tables = bvm_host(b, TABLES_GPA, size);
	struct kvm_sregs sr;
	int err;

	if (!tables)
		return side_fail(b->side, -EFAULT, "no guest memory for the page tables");
	/* The same tables and GDT as on vmctl, from the same builder. */
	err = vmctl_build_long_mode_tables(tables, size, TABLES_GPA, LONG_MAP_SIZE,
					   &cr3, &gdt);
	if (err)
		return side_fail(b->side, err, "vmctl_build_long_mode_tables: %s",
				 strerror(-err));
	if (ioctl(b->vcpu_fd, KVM_GET_SREGS, &sr) < 0)
		return side_fail(b->side, -errno, "KVM_GET_SREGS: %s", strerror(errno));
	seg(&sr.cs, 0, 0xffffffff, 0x08, 0xb, 1, 1, 0, 1);
	seg(&sr.ds, 0, 0xffffffff, 0x10, 0x3, 1, 0, 1, 1);
	sr.es = sr.fs = sr.gs = sr.ss = sr.ds;
	seg(&sr.tr, 0, 0x67, 0x18, 0xb, 0, 0, 0, 0);
	memset(&sr.ldt, 0, sizeof(sr.ldt));
	sr.ldt.type = 0x2;
	sr.ldt.unusable = 1;
	sr.gdt.base = gdt;
	sr.gdt.limit = VMCTL_LONG_MODE_GDT_LIMIT;
	sr.idt.base = 0;
	sr.idt.limit = 0;
	sr.cr0 = 0x80010033;		/* PG WP NE ET MP PE */
	sr.cr3 = cr3;
	sr.cr4 = 0x20;			/* PAE */
	sr.efer = 0x500;		/* LMA LME */
	if (ioctl(b->vcpu_fd, KVM_SET_SREGS, &sr) < 0)
		return side_fail(b->side, -errno, "KVM_SET_SREGS: %s", strerror(errno));
	return kvm_set_regs(b, rip, rsp);
}

static int kvm_run(struct bvm *b)
{
	struct kvm_run *run = b->run;
	uint8_t *io;
	uint32_t data;
	uint64_t d64;

	for (;;) {
		if (ioctl(b->vcpu_fd, KVM_RUN, 0) < 0) {
			if (errno == EINTR)
				continue;
			return side_fail(b->side, -errno, "KVM_RUN: %s", strerror(errno));
		}
		switch (run->exit_reason) {
		case KVM_EXIT_HLT:
			return 0;
		case KVM_EXIT_IO:
			if (!b->dev || run->io.count != 1 || run->io.size > 4)
				goto unexpected;
			io = (uint8_t *)run + run->io.data_offset;
			data = 0;
			memcpy(&data, io, run->io.size);
			if (dev_pio(b->dev, run->io.port, run->io.direction == KVM_EXIT_IO_OUT,
				    run->io.size, &data))
				return side_fail(b->side, -EINVAL, "%s", b->dev->error);
			if (run->io.direction == KVM_EXIT_IO_IN)
				memcpy(io, &data, run->io.size);
			break;
		case KVM_EXIT_MMIO:
			if (!b->dev || run->mmio.len > 8)
				goto unexpected;
			d64 = 0;
			memcpy(&d64, run->mmio.data, run->mmio.len);
			if (dev_mmio(b->dev, run->mmio.phys_addr, run->mmio.is_write,
				     run->mmio.len, &d64))
				return side_fail(b->side, -EINVAL, "%s", b->dev->error);
			if (!run->mmio.is_write)
				memcpy(run->mmio.data, &d64, run->mmio.len);
			break;
		case KVM_EXIT_HYPERCALL:
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
	if (run->exit_reason == KVM_EXIT_INTERNAL_ERROR)
		return side_fail(b->side, -EINVAL, "KVM internal error, suberror %u",
				 run->internal.suberror);
	if (run->exit_reason == KVM_EXIT_FAIL_ENTRY)
		return side_fail(b->side, -EINVAL, "KVM: VM entry failed, reason 0x%llx",
				 (unsigned long long)run->fail_entry.hardware_entry_failure_reason);
	return side_fail(b->side, -EINVAL, "unexpected KVM exit reason %u", run->exit_reason);
}

static void kvm_vm_destroy(struct bvm *b)
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

const struct side_ops side_kvm = {
	.name = "kvm",
	.hypervisor = "kvm",
	.open = kvm_open,
	.close = kvm_close,
	.unsupported = kvm_unsupported,
	.vm_create = kvm_vm_create,
	.mem_add = kvm_mem_add,
	.vcpu_create = kvm_vcpu_create,
	.setup_real = kvm_setup_real,
	.setup_long = kvm_setup_long,
	.run = kvm_run,
	.vm_destroy = kvm_vm_destroy,
};
