// SPDX-License-Identifier: LGPL-2.1-or-later
/* vCPUs: registers, running, exit decoding and port-I/O dispatch. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "internal.h"

VMCTL_EXPORT int vmctl_vcpu_create(struct vmctl_vm *vm, unsigned int id,
				   struct vmctl_vcpu **vcpup)
{
	struct vmctl_create_vcpu args = { 0 };
	struct vmctl_vcpu *vcpu;
	void *run;
	int err;

	if (!vm || !vcpup)
		return -EINVAL;
	*vcpup = NULL;

	vcpu = calloc(1, sizeof(*vcpu));
	if (!vcpu)
		return -ENOMEM;
	args.vcpu_id = id;
	vcpu->fd = ioctl(vm->fd, VMCTL_CREATE_VCPU, &args);
	if (vcpu->fd < 0) {
		err = errno == ENFILE ? -EMFILE : -errno;
		goto out_free;
	}
	run = mmap(NULL, VMCTL_RUN_MMAP_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
		   vcpu->fd, 0);
	if (run == MAP_FAILED) {
		err = errno == EIO ? -EIO : -ENOMEM;
		goto out_close;
	}
	vcpu->run = run;
	vcpu->vm = vm;
	vcpu->id = id;
	vcpu->next = vm->vcpus;
	vm->vcpus = vcpu;
	*vcpup = vcpu;
	return 0;

out_close:
	close(vcpu->fd);
out_free:
	free(vcpu);
	return err;
}

VMCTL_EXPORT void vmctl_vcpu_destroy(struct vmctl_vcpu *vcpu)
{
	struct vmctl_vcpu **pp;

	if (!vcpu)
		return;
	for (pp = &vcpu->vm->vcpus; *pp; pp = &(*pp)->next) {
		if (*pp == vcpu) {
			*pp = vcpu->next;
			break;
		}
	}
	munmap(vcpu->run, VMCTL_RUN_MMAP_SIZE);
	close(vcpu->fd);
	free(vcpu);
}

VMCTL_EXPORT struct vmctl_vm *vmctl_vcpu_vm(struct vmctl_vcpu *vcpu)
{
	return vcpu ? vcpu->vm : NULL;
}

VMCTL_EXPORT unsigned int vmctl_vcpu_id(struct vmctl_vcpu *vcpu)
{
	return vcpu ? vcpu->id : 0;
}

VMCTL_EXPORT int vmctl_vcpu_get_regs(struct vmctl_vcpu *vcpu, struct vmctl_regs *regs)
{
	if (!vcpu || !regs)
		return -EINVAL;
	if (!vcpu->regs_valid) {
		if (ioctl(vcpu->fd, VMCTL_GET_REGS, &vcpu->regs) < 0)
			return -errno;
		vcpu->regs_valid = true;
	}
	*regs = vcpu->regs;
	return 0;
}

VMCTL_EXPORT int vmctl_vcpu_set_regs(struct vmctl_vcpu *vcpu,
				     const struct vmctl_regs *regs)
{
	if (!vcpu || !regs)
		return -EINVAL;
	vcpu->regs_valid = false;
	if (ioctl(vcpu->fd, VMCTL_SET_REGS, regs) < 0)
		return -errno;
	/* The kernel discarded a pending IN: nothing left to complete. */
	vcpu->in_pending = false;
	return 0;
}

VMCTL_EXPORT int vmctl_vcpu_get_sregs(struct vmctl_vcpu *vcpu, struct vmctl_sregs *sregs)
{
	if (!vcpu || !sregs)
		return -EINVAL;
	if (!vcpu->sregs_valid) {
		if (ioctl(vcpu->fd, VMCTL_GET_SREGS, &vcpu->sregs) < 0)
			return -errno;
		vcpu->sregs_valid = true;
	}
	*sregs = vcpu->sregs;
	return 0;
}

VMCTL_EXPORT int vmctl_vcpu_set_sregs(struct vmctl_vcpu *vcpu,
				      const struct vmctl_sregs *sregs)
{
	if (!vcpu || !sregs)
		return -EINVAL;
	/* Re-read afterwards: the kernel may normalize what it was given. */
	vcpu->sregs_valid = false;
	if (ioctl(vcpu->fd, VMCTL_SET_SREGS, sregs) < 0)
		return -errno;
	vcpu->in_pending = false;
	return 0;
}

static const char *const exit_names[] = {
	[VMCTL_EXIT_NONE]		= "NONE",
	[VMCTL_EXIT_IO]			= "IO",
	[VMCTL_EXIT_HLT]		= "HLT",
	[VMCTL_EXIT_SHUTDOWN]		= "SHUTDOWN",
	[VMCTL_EXIT_FAIL_ENTRY]		= "FAIL_ENTRY",
	[VMCTL_EXIT_INTERNAL_ERROR]	= "INTERNAL_ERROR",
	[VMCTL_EXIT_INTR]		= "INTR",
	[VMCTL_EXIT_MMIO]		= "MMIO",
};

VMCTL_EXPORT const char *vmctl_exit_reason_name(uint32_t reason)
{
	if (reason == VMCTL_EXIT_UNHANDLED_IO)
		return "UNHANDLED_IO";
	if (reason == VMCTL_EXIT_HANDLER_ERROR)
		return "HANDLER_ERROR";
	if (reason < sizeof(exit_names) / sizeof(exit_names[0]) && exit_names[reason])
		return exit_names[reason];
	return "unknown";
}

static const char *internal_name(uint32_t suberror)
{
	switch (suberror) {
	case VMCTL_INTERNAL_UNHANDLED_EXIT:	return "unhandled hardware exit";
	case VMCTL_INTERNAL_EPT_VIOLATION:	return "guest access outside its memory (EPT violation)";
	case VMCTL_INTERNAL_UNSUPPORTED_IO:	return "unsupported string/REP port I/O";
	case VMCTL_INTERNAL_VMX_INSN_FAILED:	return "VMX instruction failed";
	default:				return "unknown internal error";
	}
}

static void describe_io(struct vmctl_exit *exit, const char *what)
{
	if (exit->io.is_write)
		snprintf(exit->message, sizeof(exit->message),
			 "%sOUT%u to port 0x%x, value 0x%x", what,
			 exit->io.size * 8, exit->io.port, exit->io.data);
	else
		snprintf(exit->message, sizeof(exit->message),
			 "%sIN%u from port 0x%x", what, exit->io.size * 8,
			 exit->io.port);
}

void vcpu_decode_exit(const struct vmctl_run *run, struct vmctl_exit *exit)
{
	char msg[sizeof(exit->fail_entry.message)];
	uint32_t i;
	int n;

	memset(exit, 0, sizeof(*exit));
	exit->reason = run->exit_reason;
	switch (run->exit_reason) {
	case VMCTL_EXIT_IO:
		exit->io.port = run->io.port;
		exit->io.size = run->io.size;
		exit->io.is_write = run->io.direction == VMCTL_IO_OUT;
		exit->io.data = exit->io.is_write ? (uint32_t)run->io.data : 0;
		describe_io(exit, "");
		break;
	case VMCTL_EXIT_HLT:
		snprintf(exit->message, sizeof(exit->message), "guest halted");
		break;
	case VMCTL_EXIT_SHUTDOWN:
		snprintf(exit->message, sizeof(exit->message),
			 "guest shut down (triple fault)");
		break;
	case VMCTL_EXIT_FAIL_ENTRY:
		exit->fail_entry.hardware_reason = run->fail_entry.hardware_reason;
		exit->fail_entry.qualification = run->fail_entry.qualification;
		exit->fail_entry.flags = run->fail_entry.flags;
		/* The kernel promises a NUL; do not trust a shared page with it. */
		memcpy(msg, run->fail_entry.message, sizeof(msg) - 1);
		msg[sizeof(msg) - 1] = '\0';
		memcpy(exit->fail_entry.message, msg, sizeof(msg));
		snprintf(exit->message, sizeof(exit->message),
			 "VM entry failed%s (%s 0x%llx, qualification 0x%llx)%s%s",
			 run->fail_entry.flags & VMCTL_FAIL_ENTRY_INVALID_GUEST_STATE ?
			 ": invalid guest state" :
			 run->fail_entry.flags & VMCTL_FAIL_ENTRY_VMFAIL ?
			 ": VMLAUNCH/VMRESUME failed" : "",
			 run->fail_entry.flags & VMCTL_FAIL_ENTRY_MODULE_CHECK ?
			 "refused by vmctl.ko before entry; hardware reason would be" :
			 "hardware reason",
			 (unsigned long long)run->fail_entry.hardware_reason,
			 (unsigned long long)run->fail_entry.qualification,
			 msg[0] ? ": " : "", msg);
		break;
	case VMCTL_EXIT_INTERNAL_ERROR:
		exit->internal.suberror = run->internal.suberror;
		exit->internal.ndata = run->internal.ndata < 16 ? run->internal.ndata : 16;
		for (i = 0; i < exit->internal.ndata; i++)
			exit->internal.data[i] = run->internal.data[i];
		n = snprintf(exit->message, sizeof(exit->message),
			     "internal error %u: %s", run->internal.suberror,
			     internal_name(run->internal.suberror));
		for (i = 0; i < exit->internal.ndata && n > 0 &&
			    (size_t)n < sizeof(exit->message); i++)
			n += snprintf(exit->message + n, sizeof(exit->message) - n,
				      "%s0x%llx", i ? " " : " [",
				      (unsigned long long)exit->internal.data[i]);
		if (exit->internal.ndata && n > 0 && (size_t)n < sizeof(exit->message))
			snprintf(exit->message + n, sizeof(exit->message) - n, "]");
		break;
	case VMCTL_EXIT_INTR:
		snprintf(exit->message, sizeof(exit->message), "interrupted by a signal");
		break;
	case VMCTL_EXIT_MMIO:
		snprintf(exit->message, sizeof(exit->message),
			 "MMIO %s at 0x%llx, %u bytes", run->mmio.is_write ? "write" : "read",
			 (unsigned long long)run->mmio.phys_addr, run->mmio.len);
		break;
	default:
		snprintf(exit->message, sizeof(exit->message),
			 "unknown exit reason %u", run->exit_reason);
		break;
	}
}

VMCTL_EXPORT int vmctl_vcpu_run(struct vmctl_vcpu *vcpu, struct vmctl_exit *exit)
{
	int err;

	if (!vcpu || !exit)
		return -EINVAL;
	vcpu->regs_valid = vcpu->sregs_valid = false;
	err = ioctl(vcpu->fd, VMCTL_RUN) < 0 ? -errno : 0;
	if (err == -EINTR) {
		/*
		 * RUN completes a pending IN before it looks for a signal or
		 * immediate_exit: the IN (if any) is done, with the value
		 * in run->io.data.
		 */
		vcpu->in_pending = false;
		memset(exit, 0, sizeof(*exit));
		exit->reason = VMCTL_EXIT_INTR;
		snprintf(exit->message, sizeof(exit->message), "interrupted by a signal");
		vcpu->run->immediate_exit = 0;
		return err;
	}
	if (err)
		return err;
	vcpu->in_pending = false;
	vcpu_decode_exit(vcpu->run, exit);
	if (exit->reason == VMCTL_EXIT_IO && !exit->io.is_write) {
		vcpu->in_pending = true;
		/* A guest reading a port nobody answers sees all ones, as on a PC. */
		vcpu->run->io.data = 0xffffffffu;
	}
	return 0;
}

VMCTL_EXPORT int vmctl_vcpu_complete_in(struct vmctl_vcpu *vcpu, uint32_t value)
{
	uint32_t mask;

	if (!vcpu || !vcpu->in_pending)
		return -EINVAL;
	mask = vcpu->run->io.size >= 4 ? 0xffffffffu : (1u << (vcpu->run->io.size * 8)) - 1;
	vcpu->run->io.data = value & mask;
	return 0;
}

VMCTL_EXPORT void vmctl_vcpu_request_exit(struct vmctl_vcpu *vcpu)
{
	if (vcpu)
		__atomic_store_n(&vcpu->run->immediate_exit, 1, __ATOMIC_SEQ_CST);
}

/* Returns 1 if handled (run on), 0 if exit is for the caller. */
static int vcpu_dispatch_io(struct vmctl_vcpu *vcpu, struct vmctl_exit *exit)
{
	struct vmctl_vm *vm = vcpu->vm;
	const struct pio_range *range;
	uint32_t data;
	int err;

	pthread_rwlock_rdlock(&vm->pio_lock);
	range = pio_map_lookup(&vm->pio, exit->io.port);
	if (!range) {
		pthread_rwlock_unlock(&vm->pio_lock);
		exit->reason = VMCTL_EXIT_UNHANDLED_IO;
		describe_io(exit, "no handler for ");
		return 0;
	}
	data = exit->io.is_write ? exit->io.data : 0xffffffffu;
	err = range->handler(vcpu, exit->io.port, &data, exit->io.size,
			     exit->io.is_write, range->opaque);
	pthread_rwlock_unlock(&vm->pio_lock);
	if (err) {
		exit->reason = VMCTL_EXIT_HANDLER_ERROR;
		exit->error = err;
		snprintf(exit->message, sizeof(exit->message),
			 "handler of port 0x%x failed: %s", exit->io.port,
			 strerror(-err));
		return 0;
	}
	if (!exit->io.is_write)
		vmctl_vcpu_complete_in(vcpu, data);
	return 1;
}

VMCTL_EXPORT int vmctl_vcpu_run_loop(struct vmctl_vcpu *vcpu, struct vmctl_exit *exit)
{
	int err;

	if (!vcpu || !exit)
		return -EINVAL;
	for (;;) {
		err = vmctl_vcpu_run(vcpu, exit);
		if (err)
			return err;
		if (exit->reason != VMCTL_EXIT_IO)
			return 0;
		if (!vcpu_dispatch_io(vcpu, exit))
			return 0;
	}
}
