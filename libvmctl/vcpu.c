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
	vcpu->mmio_read_pending = false;
	vcpu->hypercall_pending = false;
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
	vcpu->mmio_read_pending = false;
	vcpu->hypercall_pending = false;
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
	[VMCTL_EXIT_HYPERCALL]		= "HYPERCALL",
	[VMCTL_EXIT_IRQ_WINDOW_OPEN]	= "IRQ_WINDOW_OPEN",
};

VMCTL_EXPORT const char *vmctl_exit_reason_name(uint32_t reason)
{
	if (reason == LIBVMCTL_EXIT_UNHANDLED_IO)
		return "UNHANDLED_IO";
	if (reason == LIBVMCTL_EXIT_HANDLER_ERROR)
		return "HANDLER_ERROR";
	if (reason < sizeof(exit_names) / sizeof(exit_names[0]) && exit_names[reason])
		return exit_names[reason];
	return "unknown";
}

/* Intel SDM Vol. 3, Appendix C, "VMX Basic Exit Reasons". */
static const char *const vmx_exit_names[] = {
	[0] = "EXCEPTION_NMI",		[1] = "EXTERNAL_INTERRUPT",
	[2] = "TRIPLE_FAULT",		[3] = "INIT",
	[4] = "SIPI",			[5] = "IO_SMI",
	[6] = "OTHER_SMI",		[7] = "INTERRUPT_WINDOW",
	[8] = "NMI_WINDOW",		[9] = "TASK_SWITCH",
	[10] = "CPUID",			[11] = "GETSEC",
	[12] = "HLT",			[13] = "INVD",
	[14] = "INVLPG",		[15] = "RDPMC",
	[16] = "RDTSC",			[17] = "RSM",
	[18] = "VMCALL",		[19] = "VMCLEAR",
	[20] = "VMLAUNCH",		[21] = "VMPTRLD",
	[22] = "VMPTRST",		[23] = "VMREAD",
	[24] = "VMRESUME",		[25] = "VMWRITE",
	[26] = "VMXOFF",		[27] = "VMXON",
	[28] = "CR_ACCESS",		[29] = "DR_ACCESS",
	[30] = "IO_INSTRUCTION",	[31] = "RDMSR",
	[32] = "WRMSR",			[33] = "ENTRY_FAIL_GUEST_STATE",
	[34] = "ENTRY_FAIL_MSR_LOADING", [36] = "MWAIT",
	[37] = "MONITOR_TRAP_FLAG",	[39] = "MONITOR",
	[40] = "PAUSE",			[41] = "ENTRY_FAIL_MACHINE_CHECK",
	[43] = "TPR_BELOW_THRESHOLD",	[44] = "APIC_ACCESS",
	[45] = "VIRTUALIZED_EOI",	[46] = "GDTR_IDTR_ACCESS",
	[47] = "LDTR_TR_ACCESS",	[48] = "EPT_VIOLATION",
	[49] = "EPT_MISCONFIG",		[50] = "INVEPT",
	[51] = "RDTSCP",		[52] = "PREEMPTION_TIMER",
	[53] = "INVVPID",		[54] = "WBINVD",
	[55] = "XSETBV",		[56] = "APIC_WRITE",
	[57] = "RDRAND",		[58] = "INVPCID",
	[59] = "VMFUNC",		[60] = "ENCLS",
	[61] = "RDSEED",		[62] = "PML_FULL",
	[63] = "XSAVES",		[64] = "XRSTORS",
	[66] = "SPP_EVENT",		[67] = "UMWAIT",
	[68] = "TPAUSE",		[69] = "LOADIWKEY",
};

VMCTL_EXPORT const char *vmctl_vmx_exit_name(uint64_t hardware_reason)
{
	uint16_t basic = hardware_reason & 0xffff;

	if (basic < sizeof(vmx_exit_names) / sizeof(vmx_exit_names[0]))
		return vmx_exit_names[basic];
	return NULL;
}

/* Intel SDM Vol. 3, "VM-Instruction Error Numbers". */
static const char *const vmx_insn_errors[] = {
	[1] = "VMCALL executed in VMX root operation",
	[2] = "VMCLEAR with invalid physical address",
	[3] = "VMCLEAR with VMXON pointer",
	[4] = "VMLAUNCH with non-clear VMCS",
	[5] = "VMRESUME with non-launched VMCS",
	[6] = "VMRESUME after VMXOFF",
	[7] = "VM entry with invalid control field(s)",
	[8] = "VM entry with invalid host-state field(s)",
	[9] = "VMPTRLD with invalid physical address",
	[10] = "VMPTRLD with VMXON pointer",
	[11] = "VMPTRLD with incorrect VMCS revision identifier",
	[12] = "VMREAD/VMWRITE from/to unsupported VMCS component",
	[13] = "VMWRITE to read-only VMCS component",
	[15] = "VMXON executed in VMX root operation",
	[16] = "VM entry with invalid executive-VMCS pointer",
	[17] = "VM entry with non-launched executive VMCS",
	[18] = "VM entry with executive-VMCS pointer not VMXON pointer",
	[19] = "VMCALL with non-clear VMCS",
	[20] = "VMCALL with invalid VM-exit control fields",
	[22] = "VMCALL with incorrect MSEG revision identifier",
	[23] = "VMXOFF under dual-monitor treatment of SMIs and SMM",
	[24] = "VMCALL with invalid SMM-monitor features",
	[25] = "VM entry with invalid VM-execution control fields in executive VMCS",
	[26] = "VM entry with events blocked by MOV SS",
	[28] = "invalid operand to INVEPT/INVVPID",
};

VMCTL_EXPORT const char *vmctl_vmx_insn_error_name(uint64_t error)
{
	if (error < sizeof(vmx_insn_errors) / sizeof(vmx_insn_errors[0]))
		return vmx_insn_errors[error];
	return NULL;
}

static const char *internal_name(uint32_t suberror)
{
	switch (suberror) {
	case VMCTL_INTERNAL_UNHANDLED_EXIT:	return "unhandled hardware exit";
	case VMCTL_INTERNAL_EPT_VIOLATION:	return "guest access outside its memory (EPT violation)";
	case VMCTL_INTERNAL_UNSUPPORTED_IO:	return "INS/OUTS not emulated (buffer not in RAM, or no exit information)";
	case VMCTL_INTERNAL_VMX_INSN_FAILED:	return "VMX instruction failed";
	case VMCTL_INTERNAL_MMIO_FAILED:	return "MMIO instruction not emulated";
	default:				return "unknown internal error";
	}
}

/* Why VMCTL_INTERNAL_MMIO_FAILED, from its data[2]. */
static const char *mmio_failure_name(uint64_t why)
{
	switch (why) {
	case VMCTL_MMIO_DECODE_TRUNCATED:	return "instruction truncated";
	case VMCTL_MMIO_DECODE_TOO_LONG:	return "instruction longer than 15 bytes";
	case VMCTL_MMIO_DECODE_UNSUPPORTED:	return "instruction not supported on MMIO";
	case VMCTL_MMIO_DECODE_NO_MEMORY:	return "instruction has no memory operand";
	case VMCTL_MMIO_DECODE_INVALID:		return "invalid (#UD) encoding";
	case VMCTL_MMIO_DECODE_PREFIX:		return "prefix refused";
	case VMCTL_MMIO_SPLIT_ACCESS:		return "access crosses a page";
	case VMCTL_MMIO_FETCH_FAILED:		return "instruction not in guest memory";
	case VMCTL_MMIO_PAGING_UNSUPPORTED:	return "5-level paging";
	case VMCTL_MMIO_TABLES_NOT_RAM:		return "page table outside guest memory";
	case VMCTL_MMIO_WRONG_ACCESS:		return "fetch, page walk or event delivery";
	default:				return "unknown reason";
	}
}

/* Names a VM-instruction error at the end of a message: ", SDM: <name>". */
static void append_insn_error(char *msg, size_t size, uint64_t error)
{
	const char *name = vmctl_vmx_insn_error_name(error);
	size_t len = strlen(msg);

	if (len < size)
		snprintf(msg + len, size - len, " (VM-instruction error %llu: %s)",
			 (unsigned long long)error, name ? name : "not in the SDM");
}

static void describe_io(struct vmctl_exit *exit, const char *what)
{
	if (exit->io_batch.string)
		snprintf(exit->message, sizeof(exit->message),
			 "%s%s%s%u %s port 0x%x, %u element%s", what,
			 exit->io_batch.rep ? "REP " : "",
			 exit->io.is_write ? "OUTS" : "INS", exit->io.size * 8,
			 exit->io.is_write ? "to" : "from", exit->io.port,
			 exit->io_batch.count, exit->io_batch.count == 1 ? "" : "s");
	else if (exit->io.is_write)
		snprintf(exit->message, sizeof(exit->message),
			 "%sOUT%u to port 0x%x, value 0x%x", what,
			 exit->io.size * 8, exit->io.port, exit->io.data);
	else
		snprintf(exit->message, sizeof(exit->message),
			 "%sIN%u from port 0x%x", what, exit->io.size * 8,
			 exit->io.port);
}

/*
 * The kernel's count and size are checked against the data area: a run
 * page that says otherwise is a kernel bug, shown as an empty batch.
 */
static void decode_string_io(const struct vmctl_run *run, struct vmctl_exit *exit)
{
	uint32_t size = run->io.size, count = run->io.count;

	exit->io_batch.string = true;
	exit->io_batch.rep = run->io.flags & VMCTL_IO_REP;
	exit->io_batch.data = (uint8_t *)run + VMCTL_IO_DATA_OFFSET;
	if (run->io.data_offset != VMCTL_IO_DATA_OFFSET ||
	    (size != 1 && size != 2 && size != 4) || count > VMCTL_IO_DATA_SIZE / size)
		count = 0;
	exit->io_batch.count = count;
	exit->io.data = 0;
	if (exit->io.is_write && count)
		memcpy(&exit->io.data, exit->io_batch.data, size);
}

void vcpu_decode_exit(const struct vmctl_run *run, struct vmctl_exit *exit)
{
	char msg[sizeof(exit->fail_entry.message)];
	uint32_t i;
	int n;

	memset(exit, 0, sizeof(*exit));
	exit->reason = run->exit_reason;
	exit->count = run->exit_count;
	switch (run->exit_reason) {
	case VMCTL_EXIT_IO:
		exit->io.port = run->io.port;
		exit->io.size = run->io.size;
		exit->io.is_write = run->io.direction == VMCTL_IO_OUT;
		exit->io.data = exit->io.is_write ? (uint32_t)run->io.data : 0;
		exit->io_batch.count = 1;
		exit->io_batch.data = (uint8_t *)&run->io.data;
		if (run->io.flags & VMCTL_IO_STRING)
			decode_string_io(run, exit);
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
		if (run->fail_entry.flags & VMCTL_FAIL_ENTRY_VMFAIL)
			append_insn_error(exit->message, sizeof(exit->message),
					  run->fail_entry.hardware_reason);
		break;
	case VMCTL_EXIT_INTERNAL_ERROR:
		exit->internal.suberror = run->internal.suberror;
		exit->internal.ndata = run->internal.ndata < 16 ? run->internal.ndata : 16;
		for (i = 0; i < exit->internal.ndata; i++)
			exit->internal.data[i] = run->internal.data[i];
		n = snprintf(exit->message, sizeof(exit->message),
			     "internal error %u: %s", run->internal.suberror,
			     internal_name(run->internal.suberror));
		if (run->internal.suberror == VMCTL_INTERNAL_UNHANDLED_EXIT &&
		    exit->internal.ndata >= 1 && n > 0 && (size_t)n < sizeof(exit->message)) {
			const char *name = vmctl_vmx_exit_name(exit->internal.data[0]);

			n += snprintf(exit->message + n, sizeof(exit->message) - n, " %s",
				      name ? name : "(not in the SDM)");
		}
		if (run->internal.suberror == VMCTL_INTERNAL_MMIO_FAILED &&
		    exit->internal.ndata >= 6 && n > 0 && (size_t)n < sizeof(exit->message)) {
			uint8_t bytes[16];
			uint64_t nbytes = exit->internal.data[3] < 15 ? exit->internal.data[3] : 15;
			uint64_t b;

			memcpy(bytes, &exit->internal.data[4], sizeof(bytes));
			n += snprintf(exit->message + n, sizeof(exit->message) - n,
				      ": %s at 0x%llx, RIP 0x%llx, bytes",
				      mmio_failure_name(exit->internal.data[2]),
				      (unsigned long long)exit->internal.data[0],
				      (unsigned long long)exit->internal.data[1]);
			for (b = 0; b < nbytes && n > 0 && (size_t)n < sizeof(exit->message); b++)
				n += snprintf(exit->message + n, sizeof(exit->message) - n,
					      " %02x", bytes[b]);
			break;
		}
		for (i = 0; i < exit->internal.ndata && n > 0 &&
			    (size_t)n < sizeof(exit->message); i++)
			n += snprintf(exit->message + n, sizeof(exit->message) - n,
				      "%s0x%llx", i ? " " : " [",
				      (unsigned long long)exit->internal.data[i]);
		if (exit->internal.ndata && n > 0 && (size_t)n < sizeof(exit->message))
			snprintf(exit->message + n, sizeof(exit->message) - n, "]");
		if (run->internal.suberror == VMCTL_INTERNAL_VMX_INSN_FAILED &&
		    exit->internal.ndata >= 1)
			append_insn_error(exit->message, sizeof(exit->message),
					  exit->internal.data[0]);
		break;
	case VMCTL_EXIT_INTR:
		snprintf(exit->message, sizeof(exit->message), "interrupted by a signal");
		break;
	case VMCTL_EXIT_IRQ_WINDOW_OPEN:
		snprintf(exit->message, sizeof(exit->message),
			 "the guest can take an interrupt");
		break;
	case VMCTL_EXIT_MSR:
		exit->msr.index = run->msr.index;
		exit->msr.is_write = run->msr.direction == VMCTL_MSR_WRITE;
		exit->msr.data = exit->msr.is_write ? run->msr.data : 0;
		if (exit->msr.is_write)
			snprintf(exit->message, sizeof(exit->message),
				 "WRMSR 0x%x, value 0x%llx", exit->msr.index,
				 (unsigned long long)exit->msr.data);
		else
			snprintf(exit->message, sizeof(exit->message),
				 "RDMSR 0x%x", exit->msr.index);
		break;
	case VMCTL_EXIT_HYPERCALL:
		exit->hypercall.nr = run->hypercall.nr;
		for (i = 0; i < 4; i++)
			exit->hypercall.args[i] = run->hypercall.args[i];
		exit->hypercall.long_mode = run->hypercall.flags & VMCTL_HYPERCALL_LONG_MODE;
		snprintf(exit->message, sizeof(exit->message),
			 "hypercall %llu (0x%llx, 0x%llx, 0x%llx, 0x%llx)",
			 (unsigned long long)run->hypercall.nr,
			 (unsigned long long)run->hypercall.args[0],
			 (unsigned long long)run->hypercall.args[1],
			 (unsigned long long)run->hypercall.args[2],
			 (unsigned long long)run->hypercall.args[3]);
		break;
	case VMCTL_EXIT_MMIO:
		exit->mmio.addr = run->mmio.phys_addr;
		exit->mmio.len = run->mmio.len <= 16 ? run->mmio.len : 16;
		exit->mmio.is_write = run->mmio.is_write;
		if (exit->mmio.is_write)
			memcpy(exit->mmio.data, run->mmio.data, exit->mmio.len);
		snprintf(exit->message, sizeof(exit->message),
			 "MMIO %s of %u bytes at 0x%llx (outside its memory)",
			 exit->mmio.is_write ? "write" : "read", exit->mmio.len,
			 (unsigned long long)exit->mmio.addr);
		break;
	default:
		snprintf(exit->message, sizeof(exit->message),
			 "unknown exit reason %u", run->exit_reason);
		break;
	}
}

/*
 * The kernel reports a write to a read-only slot as it reports an access
 * where no slot is; only the library knows which slots it made read-only.
 */
void vcpu_explain_ept_violation(const struct vmctl_vm *vm, struct vmctl_exit *exit)
{
	uint64_t gpa = exit->internal.data[0];
	const struct vmctl_mem *m;
	unsigned int i;

	if (exit->reason == VMCTL_EXIT_MMIO && exit->mmio.is_write) {
		for (i = 0; i < VMCTL_MAX_SLOTS; i++) {
			m = &vm->mem[i];
			if (m->used && (m->flags & VMCTL_SLOT_READONLY) &&
			    exit->mmio.addr >= m->gpa && exit->mmio.addr - m->gpa < m->size) {
				exit->readonly_write = true;
				snprintf(exit->message, sizeof(exit->message),
					 "guest write to read-only memory at 0x%llx (slot %u at "
					 "0x%llx, %u bytes), as MMIO",
					 (unsigned long long)exit->mmio.addr, i,
					 (unsigned long long)m->gpa, exit->mmio.len);
				return;
			}
		}
		return;
	}
	if (exit->reason != VMCTL_EXIT_INTERNAL_ERROR ||
	    exit->internal.suberror != VMCTL_INTERNAL_EPT_VIOLATION || exit->internal.ndata < 3 ||
	    !(exit->internal.data[1] & EPT_QUAL_WRITE))
		return;
	for (i = 0; i < VMCTL_MAX_SLOTS; i++) {
		m = &vm->mem[i];
		if (m->used && (m->flags & VMCTL_SLOT_READONLY) && gpa >= m->gpa &&
		    gpa - m->gpa < m->size) {
			exit->readonly_write = true;
			snprintf(exit->message, sizeof(exit->message),
				 "guest write to read-only memory at 0x%llx (slot %u at 0x%llx, "
				 "RIP 0x%llx)", (unsigned long long)gpa, i,
				 (unsigned long long)m->gpa,
				 (unsigned long long)exit->internal.data[2]);
			return;
		}
	}
}

static void vcpu_interrupted(struct vmctl_vcpu *vcpu, struct vmctl_exit *exit)
{
	bool kicked;

	memset(exit, 0, sizeof(*exit));
	exit->reason = VMCTL_EXIT_INTR;
	exit->count = vcpu->run->exit_count;
	/*
	 * Clear the kernel's flag before taking the request, so that a
	 * request made in between is not lost: it stops the next run too.
	 */
	__atomic_store_n(&vcpu->run->immediate_exit, 0, __ATOMIC_SEQ_CST);
	exit->requested = __atomic_exchange_n(&vcpu->exit_requested, false, __ATOMIC_SEQ_CST);
	kicked = __atomic_exchange_n(&vcpu->kicked, false, __ATOMIC_SEQ_CST);
	snprintf(exit->message, sizeof(exit->message), "%s",
		 exit->requested ? "stopped by vmctl_vcpu_request_exit()" :
		 kicked ? "stopped by vmctl_vcpu_kick() (or a signal)" :
		 "interrupted by a signal");
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
		vcpu->mmio_read_pending = false;
		vcpu->hypercall_pending = false;
		vcpu->msr_pending = false;
		vcpu_interrupted(vcpu, exit);
		return err;
	}
	if (err == -EINVAL && vcpu->shut_down) {
		memset(exit, 0, sizeof(*exit));
		exit->reason = VMCTL_EXIT_SHUTDOWN;
		exit->count = vcpu->run->exit_count;
		snprintf(exit->message, sizeof(exit->message),
			 "vCPU %u shut down (triple fault) earlier and can never run again, "
			 "whatever its registers: create a new vCPU", vcpu->id);
		return err;
	}
	if (err)
		return err;
	vcpu->in_pending = false;
	vcpu->mmio_read_pending = false;
	vcpu->hypercall_pending = false;
	vcpu->msr_pending = false;
	vcpu_decode_exit(vcpu->run, exit);
	vcpu_explain_ept_violation(vcpu->vm, exit);
	if (exit->reason == VMCTL_EXIT_SHUTDOWN)
		vcpu->shut_down = true;
	if (exit->reason == VMCTL_EXIT_SHUTDOWN || exit->reason == VMCTL_EXIT_INTERNAL_ERROR)
		vcpu_append_state(vcpu, exit);
	if (exit->reason == VMCTL_EXIT_IO && !exit->io.is_write) {
		vcpu->in_pending = true;
		/* A guest reading a port nobody answers sees all ones, as on a PC. */
		vcpu->run->io.data = 0xffffffffu;
		if (exit->io_batch.string)
			memset(exit->io_batch.data, 0xff,
			       (size_t)exit->io_batch.count * exit->io.size);
	}
	if (exit->reason == VMCTL_EXIT_MMIO && !exit->mmio.is_write) {
		/* Nothing answers: all ones, as a PC's bus gives. */
		vcpu->mmio_read_pending = true;
		memset(vcpu->run->mmio.data, 0xff, sizeof(vcpu->run->mmio.data));
	}
	if (exit->reason == VMCTL_EXIT_HYPERCALL)
		vcpu->hypercall_pending = true;
	if (exit->reason == VMCTL_EXIT_MSR) {
		vcpu->msr_pending = true;
		/* Unanswered, an MSR is one that does not exist: #GP. */
		vmctl_vcpu_complete_msr(vcpu, true, 0);
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
	if (vcpu->run->io.flags & VMCTL_IO_STRING) {
		uint8_t *data = (uint8_t *)vcpu->run + VMCTL_IO_DATA_OFFSET;
		uint32_t size = vcpu->run->io.size, i;

		for (i = 0; size <= 4 && i < vcpu->run->io.count &&
			    i < VMCTL_IO_DATA_SIZE / size; i++)
			memcpy(data + i * size, &value, size);
	}
	return 0;
}

VMCTL_EXPORT void vmctl_vcpu_request_exit(struct vmctl_vcpu *vcpu)
{
	if (!vcpu)
		return;
	__atomic_store_n(&vcpu->exit_requested, true, __ATOMIC_SEQ_CST);
	__atomic_store_n(&vcpu->run->immediate_exit, 1, __ATOMIC_SEQ_CST);
}

/* Returns 1 if handled (run on), 0 if exit is for the caller. */
static int vcpu_dispatch_io(struct vmctl_vcpu *vcpu, struct vmctl_exit *exit)
{
	struct vmctl_vm *vm = vcpu->vm;
	const struct range *range;
	uint32_t data, i;
	int err;

	pthread_rwlock_rdlock(&vm->pio_lock);
	range = range_map_lookup(&vm->pio, exit->io.port);
	if (!range) {
		pthread_rwlock_unlock(&vm->pio_lock);
		exit->reason = LIBVMCTL_EXIT_UNHANDLED_IO;
		describe_io(exit, "no handler for ");
		return 0;
	}
	/* Element by element, so that every handler takes string I/O too. */
	for (i = 0, err = 0; i < exit->io_batch.count && !err; i++) {
		uint8_t *element = exit->io_batch.data + i * exit->io.size;

		data = 0xffffffffu;
		if (exit->io.is_write) {
			data = 0;
			memcpy(&data, element, exit->io.size);
		}
		err = range->handler.pio(vcpu, exit->io.port, &data, exit->io.size,
					 exit->io.is_write, range->opaque);
		if (!err && !exit->io.is_write)
			memcpy(element, &data, exit->io.size);
	}
	pthread_rwlock_unlock(&vm->pio_lock);
	if (err) {
		exit->reason = LIBVMCTL_EXIT_HANDLER_ERROR;
		exit->error = err;
		snprintf(exit->message, sizeof(exit->message),
			 "handler of port 0x%x failed: %s", exit->io.port,
			 strerror(-err));
		return 0;
	}
	if (!exit->io.is_write && !exit->io_batch.string)
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
		switch (exit->reason) {
		case VMCTL_EXIT_IO:
			if (!vcpu_dispatch_io(vcpu, exit))
				return 0;
			break;
		case VMCTL_EXIT_MMIO:
			if (!vcpu_dispatch_mmio(vcpu, exit))
				return 0;
			break;
		case VMCTL_EXIT_MSR:
			if (!vcpu_dispatch_msr(vcpu, exit))
				return 0;
			break;
		case VMCTL_EXIT_HYPERCALL:
			if (!vcpu_dispatch_hypercall(vcpu, exit))
				return 0;
			break;
		default:
			return 0;
		}
	}
}
