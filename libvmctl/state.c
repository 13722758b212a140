// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Hypercalls (the VM's handler, answering a VMCALL exit) and the vCPU's
 * state: debug registers, XSAVE image, the whole-state blob in memory and
 * in files.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "internal.h"

VMCTL_EXPORT int vmctl_vm_hypercall_register(struct vmctl_vm *vm,
					     vmctl_hypercall_handler_t handler,
					     void *opaque)
{
	if (!vm)
		return -EINVAL;
	pthread_rwlock_wrlock(&vm->pio_lock);
	vm->hypercall = handler;
	vm->hypercall_opaque = opaque;
	pthread_rwlock_unlock(&vm->pio_lock);
	return 0;
}

VMCTL_EXPORT int vmctl_vcpu_complete_hypercall(struct vmctl_vcpu *vcpu, uint64_t ret)
{
	if (!vcpu || !vcpu->hypercall_pending)
		return -EINVAL;
	vcpu->run->hypercall.ret = ret;
	return 0;
}

int vcpu_dispatch_hypercall(struct vmctl_vcpu *vcpu, struct vmctl_exit *exit)
{
	struct vmctl_vm *vm = vcpu->vm;
	uint64_t ret = -(uint64_t)VMCTL_HC_ENOSYS;
	int err;

	pthread_rwlock_rdlock(&vm->pio_lock);
	if (!vm->hypercall) {
		pthread_rwlock_unlock(&vm->pio_lock);
		return 0;
	}
	err = vm->hypercall(vcpu, exit->hypercall.nr, exit->hypercall.args, &ret,
			    vm->hypercall_opaque);
	pthread_rwlock_unlock(&vm->pio_lock);
	vmctl_vcpu_complete_hypercall(vcpu, ret);
	if (err) {
		exit->reason = LIBVMCTL_EXIT_HANDLER_ERROR;
		exit->error = err;
		snprintf(exit->message, sizeof(exit->message),
			 "handler of hypercall %llu failed: %s",
			 (unsigned long long)exit->hypercall.nr, strerror(-err));
		return 0;
	}
	return 1;
}

/* The register caches and pending-instruction flags no longer hold. */
static void vcpu_state_changed(struct vmctl_vcpu *vcpu)
{
	vcpu->regs_valid = vcpu->sregs_valid = false;
	vcpu->in_pending = vcpu->hypercall_pending = false;
}

VMCTL_EXPORT int vmctl_vcpu_get_debugregs(struct vmctl_vcpu *vcpu, struct vmctl_debugregs *d)
{
	struct vmctl_debugregs tmp;

	if (!vcpu || !d)
		return -EINVAL;
	if (ioctl(vcpu->fd, VMCTL_GET_DEBUGREGS, &tmp) < 0)
		return -errno;
	*d = tmp;
	return 0;
}

VMCTL_EXPORT int vmctl_vcpu_set_debugregs(struct vmctl_vcpu *vcpu,
					  const struct vmctl_debugregs *d)
{
	if (!vcpu || !d)
		return -EINVAL;
	return ioctl(vcpu->fd, VMCTL_SET_DEBUGREGS, d) < 0 ? -errno : 0;
}

VMCTL_EXPORT int vmctl_vcpu_get_xsave(struct vmctl_vcpu *vcpu, struct vmctl_xsave *x)
{
	if (!vcpu || !x)
		return -EINVAL;
	return ioctl(vcpu->fd, VMCTL_GET_XSAVE, x) < 0 ? -errno : 0;
}

VMCTL_EXPORT int vmctl_vcpu_set_xsave(struct vmctl_vcpu *vcpu, const struct vmctl_xsave *x)
{
	if (!vcpu || !x)
		return -EINVAL;
	return ioctl(vcpu->fd, VMCTL_SET_XSAVE, x) < 0 ? -errno : 0;
}

VMCTL_EXPORT int vmctl_vcpu_save_state(struct vmctl_vcpu *vcpu, void **blobp, size_t *sizep)
{
	struct vmctl_state_header h = { .size = sizeof(h) };
	void *blob;

	if (!vcpu || !blobp || !sizep)
		return -EINVAL;
	/* Ask for the size first: it depends on the module and the CPU. */
	if (ioctl(vcpu->fd, VMCTL_GET_STATE, &h) == 0 || errno != E2BIG)
		return errno == E2BIG ? -EIO : -errno;
	blob = calloc(1, h.size);
	if (!blob)
		return -ENOMEM;
	((struct vmctl_state_header *)blob)->size = h.size;
	if (ioctl(vcpu->fd, VMCTL_GET_STATE, blob) < 0) {
		int err = -errno;

		free(blob);
		return err;
	}
	*blobp = blob;
	*sizep = ((struct vmctl_state_header *)blob)->size;
	return 0;
}

VMCTL_EXPORT int vmctl_vcpu_restore_state(struct vmctl_vcpu *vcpu, const void *blob,
					  size_t size)
{
	struct vmctl_state_header h;

	if (!vcpu || !blob || size < sizeof(h))
		return -EINVAL;
	memcpy(&h, blob, sizeof(h));
	if (h.size != size)
		return -EINVAL;
	if (ioctl(vcpu->fd, VMCTL_SET_STATE, blob) < 0)
		return -errno;
	vcpu_state_changed(vcpu);
	return 0;
}

VMCTL_EXPORT int vmctl_vcpu_save_state_file(struct vmctl_vcpu *vcpu, const char *path)
{
	size_t size, done = 0;
	void *blob;
	int fd, err;

	if (!path)
		return -EINVAL;
	err = vmctl_vcpu_save_state(vcpu, &blob, &size);
	if (err)
		return err;
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		err = -errno;
		goto out;
	}
	while (done < size) {
		ssize_t n = write(fd, (char *)blob + done, size - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			err = n < 0 ? -errno : -EIO;
			break;
		}
		done += n;
	}
	if (close(fd) < 0 && !err)
		err = -errno;
out:
	free(blob);
	return err;
}

VMCTL_EXPORT int vmctl_vcpu_restore_state_file(struct vmctl_vcpu *vcpu, const char *path)
{
	char *blob = NULL;
	size_t size = 0, cap = 0;
	int fd, err = 0;

	if (!vcpu || !path)
		return -EINVAL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	for (;;) {
		ssize_t n;

		if (size == cap) {
			char *p;

			/* A blob is at most VMCTL_STATE_MAX_SIZE: more is not one. */
			if (cap > VMCTL_STATE_MAX_SIZE) {
				err = -E2BIG;
				break;
			}
			cap = cap ? cap * 2 : 8192;
			p = realloc(blob, cap);
			if (!p) {
				err = -ENOMEM;
				break;
			}
			blob = p;
		}
		n = read(fd, blob + size, cap - size);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			err = -errno;
		if (n <= 0)
			break;
		size += n;
	}
	close(fd);
	if (!err)
		err = vmctl_vcpu_restore_state(vcpu, blob, size);
	free(blob);
	return err;
}

static void dump_segment(char *buf, size_t size, size_t *len, const char *name,
			 const struct vmctl_segment *s)
{
	if (*len < size)
		*len += snprintf(buf + *len, size - *len,
				 "%-3s %04x base %016llx limit %08x type %x s%u dpl%u p%u "
				 "db%u l%u g%u%s\n", name, s->selector,
				 (unsigned long long)s->base, s->limit, s->type, s->s,
				 s->dpl, s->present, s->db, s->l, s->g,
				 s->unusable ? " unusable" : "");
}

VMCTL_EXPORT int vmctl_vcpu_get_vmcs_dump(struct vmctl_vcpu *vcpu, struct vmctl_vcpu_dump *d)
{
	if (!vcpu || !d)
		return -EINVAL;
	if (ioctl(vcpu->fd, VMCTL_GET_VCPU_DUMP, d) == 0)
		return 0;
	/* An older module does not know the ioctl. */
	return errno == ENOTTY ? -EOPNOTSUPP : -errno;
}

/* The module's VMCS fields, four a line, after what vmctl_vcpu_dump() wrote. */
static void dump_vmcs(struct vmctl_vcpu *vcpu, char *buf, size_t size, size_t *len)
{
	struct vmctl_vcpu_dump *d = calloc(1, sizeof(*d));
	uint32_t i;

	if (!d)
		return;
	if (!vmctl_vcpu_get_vmcs_dump(vcpu, d)) {
		for (i = 0; i < d->nr_fields && i < VMCTL_DUMP_MAX_FIELDS && *len < size; i++)
			*len += snprintf(buf + *len, size - *len, "%-26.*s %016llx%s",
					 VMCTL_DUMP_NAME_LEN, d->fields[i].name,
					 (unsigned long long)d->fields[i].value,
					 i % 3 == 2 || i + 1 == d->nr_fields ? "\n" : "  ");
	}
	free(d);
}

VMCTL_EXPORT int vmctl_vcpu_dump(struct vmctl_vcpu *vcpu, char *buf, size_t size)
{
	struct vmctl_debugregs d;
	struct vmctl_sregs s;
	struct vmctl_regs r;
	size_t len = 0;
	int err;

	if (!vcpu || !buf || !size)
		return -EINVAL;
	err = vmctl_vcpu_get_regs(vcpu, &r);
	if (!err)
		err = vmctl_vcpu_get_sregs(vcpu, &s);
	if (!err)
		err = vmctl_vcpu_get_debugregs(vcpu, &d);
	if (err)
		return err;
#define DUMP(...) do { if (len < size) len += snprintf(buf + len, size - len, __VA_ARGS__); } while (0)
	DUMP("RIP %016llx RSP %016llx RFLAGS %08llx\n", (unsigned long long)r.rip,
	     (unsigned long long)r.rsp, (unsigned long long)r.rflags);
	DUMP("RAX %016llx RBX %016llx RCX %016llx RDX %016llx\n", (unsigned long long)r.rax,
	     (unsigned long long)r.rbx, (unsigned long long)r.rcx, (unsigned long long)r.rdx);
	DUMP("RSI %016llx RDI %016llx RBP %016llx R8  %016llx\n", (unsigned long long)r.rsi,
	     (unsigned long long)r.rdi, (unsigned long long)r.rbp, (unsigned long long)r.r8);
	DUMP("R9  %016llx R10 %016llx R11 %016llx R12 %016llx\n", (unsigned long long)r.r9,
	     (unsigned long long)r.r10, (unsigned long long)r.r11, (unsigned long long)r.r12);
	DUMP("R13 %016llx R14 %016llx R15 %016llx\n", (unsigned long long)r.r13,
	     (unsigned long long)r.r14, (unsigned long long)r.r15);
	dump_segment(buf, size, &len, "CS", &s.cs);
	dump_segment(buf, size, &len, "SS", &s.ss);
	dump_segment(buf, size, &len, "DS", &s.ds);
	dump_segment(buf, size, &len, "ES", &s.es);
	dump_segment(buf, size, &len, "FS", &s.fs);
	dump_segment(buf, size, &len, "GS", &s.gs);
	dump_segment(buf, size, &len, "TR", &s.tr);
	dump_segment(buf, size, &len, "LDT", &s.ldt);
	DUMP("GDT %016llx/%04x IDT %016llx/%04x\n", (unsigned long long)s.gdt.base, s.gdt.limit,
	     (unsigned long long)s.idt.base, s.idt.limit);
	DUMP("CR0 %08llx CR2 %016llx CR3 %016llx CR4 %08llx CR8 %llx EFER %llx\n",
	     (unsigned long long)s.cr0, (unsigned long long)s.cr2, (unsigned long long)s.cr3,
	     (unsigned long long)s.cr4, (unsigned long long)s.cr8, (unsigned long long)s.efer);
	DUMP("DR0 %llx DR1 %llx DR2 %llx DR3 %llx DR6 %llx DR7 %llx\n",
	     (unsigned long long)d.db[0], (unsigned long long)d.db[1], (unsigned long long)d.db[2],
	     (unsigned long long)d.db[3], (unsigned long long)d.dr6, (unsigned long long)d.dr7);
#undef DUMP
	dump_vmcs(vcpu, buf, size, &len);
	return 0;
}

/* ", at CS:RIP ..." for the message of an exit nobody expected. */
void vcpu_append_state(struct vmctl_vcpu *vcpu, struct vmctl_exit *exit)
{
	size_t len = strlen(exit->message);
	struct vmctl_sregs s;
	struct vmctl_regs r;

	if (vmctl_vcpu_get_regs(vcpu, &r) || vmctl_vcpu_get_sregs(vcpu, &s) ||
	    len >= sizeof(exit->message))
		return;
	snprintf(exit->message + len, sizeof(exit->message) - len,
		 "; guest at %04x:%llx RSP %llx RFLAGS %llx CR0 %llx CR3 %llx CR4 %llx EFER %llx",
		 s.cs.selector, (unsigned long long)r.rip, (unsigned long long)r.rsp,
		 (unsigned long long)r.rflags, (unsigned long long)s.cr0,
		 (unsigned long long)s.cr3, (unsigned long long)s.cr4,
		 (unsigned long long)s.efer);
}
