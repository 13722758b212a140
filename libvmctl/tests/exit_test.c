// SPDX-License-Identifier: LGPL-2.1-or-later
/* Decoding of the run structure into struct vmctl_exit and its message. */
#include <string.h>

#include "tap.h"
#include "internal.h"

static struct vmctl_run run;
static struct vmctl_vm vm;
/* A whole run page, for the data area of string I/O. */
static union {
	struct vmctl_run run;
	uint8_t bytes[VMCTL_RUN_MMAP_SIZE];
} page;

/* INS/OUTS: the batch is found in the page, and a bad count is refused. */
static void check_string_io(void)
{
	struct vmctl_exit exit;
	const uint16_t words[3] = { 0x1234, 0x5678, 0x9abc };

	memset(&page, 0, sizeof(page));
	page.run.exit_reason = VMCTL_EXIT_IO;
	page.run.io.port = 0x1f0;
	page.run.io.size = 2;
	page.run.io.direction = VMCTL_IO_OUT;
	page.run.io.count = 3;
	page.run.io.data_offset = 2048;
	page.run.io.flags = VMCTL_IO_STRING | VMCTL_IO_REP;
	memcpy(page.bytes + 2048, words, sizeof(words));
	vcpu_decode_exit(&page.run, &exit);
	tap_ok(exit.io_batch.string && exit.io_batch.rep && exit.io_batch.count == 3 &&
	       exit.io_batch.data == page.bytes + 2048 && exit.io.data == 0x1234 &&
	       exit.io.is_write && exit.io.size == 2, "REP OUTSW: 3 words at offset 2048");
	tap_ok(strcmp(exit.message, "REP OUTS16 to port 0x1f0, 3 elements") == 0,
	       "REP OUTSW message: %s", exit.message);
	page.run.io.count = 1025;		/* 2050 bytes: beyond the data area */
	vcpu_decode_exit(&page.run, &exit);
	tap_ok(exit.io_batch.count == 0, "a batch larger than the data area is empty (%u)",
	       exit.io_batch.count);
	page.run.io.count = 3;
	page.run.io.data_offset = 64;
	vcpu_decode_exit(&page.run, &exit);
	tap_ok(exit.io_batch.count == 0, "a batch elsewhere in the page is empty (%u)",
	       exit.io_batch.count);
}

int main(void)
{
	struct vmctl_exit exit;

	tap_plan(27 + 4);

	memset(&run, 0, sizeof(run));
	run.exit_reason = VMCTL_EXIT_IO;
	run.io.port = 0x3f8;
	run.io.size = 1;
	run.io.direction = VMCTL_IO_OUT;
	run.io.data = 0x41;
	vcpu_decode_exit(&run, &exit);
	tap_ok(exit.reason == VMCTL_EXIT_IO && exit.io.port == 0x3f8 && exit.io.size == 1 &&
	       exit.io.is_write && exit.io.data == 0x41, "OUT decoded");
	tap_ok(strcmp(exit.message, "OUT8 to port 0x3f8, value 0x41") == 0, "OUT message: %s",
	       exit.message);

	run.io.direction = VMCTL_IO_IN;
	run.io.size = 4;
	run.io.data = 0x12345678;	/* stale: an IN has no data yet */
	vcpu_decode_exit(&run, &exit);
	tap_ok(!exit.io.is_write && exit.io.data == 0 &&
	       strcmp(exit.message, "IN32 from port 0x3f8") == 0, "IN decoded: %s", exit.message);

	memset(&run, 0, sizeof(run));
	run.exit_reason = VMCTL_EXIT_FAIL_ENTRY;
	run.fail_entry.hardware_reason = 0x80000021;
	run.fail_entry.flags = VMCTL_FAIL_ENTRY_INVALID_GUEST_STATE;
	strcpy(run.fail_entry.message, "TR.type is not 3 or 11");
	vcpu_decode_exit(&run, &exit);
	tap_ok(exit.reason == VMCTL_EXIT_FAIL_ENTRY && exit.fail_entry.hardware_reason == 0x80000021 &&
	       exit.fail_entry.flags == VMCTL_FAIL_ENTRY_INVALID_GUEST_STATE, "entry failure decoded");
	tap_ok(strstr(exit.message, "invalid guest state") &&
	       strstr(exit.message, "0x80000021") && strstr(exit.message, ": TR.type is not 3 or 11"),
	       "entry failure message: %s", exit.message);
	tap_ok(strcmp(exit.fail_entry.message, "TR.type is not 3 or 11") == 0,
	       "the kernel's explanation on its own");

	/* Refused by the module's own checks: say so, not "hardware reason". */
	run.fail_entry.flags |= VMCTL_FAIL_ENTRY_MODULE_CHECK;
	vcpu_decode_exit(&run, &exit);
	tap_ok(strstr(exit.message, "refused by vmctl.ko before entry") &&
	       strstr(exit.message, "0x80000021") && strstr(exit.message, ": TR.type is not 3 or 11"),
	       "module-check message: %s", exit.message);

	/* A message without its NUL must not run off the shared page. */
	memset(run.fail_entry.message, 'x', sizeof(run.fail_entry.message));
	vcpu_decode_exit(&run, &exit);
	tap_ok(strlen(exit.message) < sizeof(exit.message) && strstr(exit.message, "xxxx"),
	       "unterminated kernel message is cut safely");

	memset(&run, 0, sizeof(run));
	run.exit_reason = VMCTL_EXIT_INTERNAL_ERROR;
	run.internal.suberror = VMCTL_INTERNAL_EPT_VIOLATION;
	run.internal.ndata = 3;
	run.internal.data[0] = 0x80004;
	run.internal.data[1] = 0x182;
	run.internal.data[2] = 0x1010;
	vcpu_decode_exit(&run, &exit);
	tap_ok(exit.internal.suberror == VMCTL_INTERNAL_EPT_VIOLATION && exit.internal.ndata == 3 &&
	       exit.internal.data[0] == 0x80004, "internal error decoded");
	tap_ok(strstr(exit.message, "EPT violation") && strstr(exit.message, "[0x80004 0x182 0x1010]"),
	       "internal error message: %s", exit.message);
	run.internal.ndata = 1000;
	vcpu_decode_exit(&run, &exit);
	tap_ok(exit.internal.ndata == 16 && strlen(exit.message) < sizeof(exit.message),
	       "ndata beyond 16 is clamped");

	memset(&run, 0, sizeof(run));
	run.exit_reason = VMCTL_EXIT_HLT;
	vcpu_decode_exit(&run, &exit);
	tap_ok(strcmp(exit.message, "guest halted") == 0, "HLT message");
	run.exit_reason = 77;
	vcpu_decode_exit(&run, &exit);
	tap_ok(exit.reason == 77 && strstr(exit.message, "77"), "unknown reason kept: %s",
	       exit.message);

	run.exit_count = 0x123456789ULL;
	vcpu_decode_exit(&run, &exit);
	tap_ok(exit.count == 0x123456789ULL, "exit count copied (0x%llx)",
	       (unsigned long long)exit.count);

	/* An unhandled hardware exit is named, not only numbered. */
	memset(&run, 0, sizeof(run));
	run.exit_reason = VMCTL_EXIT_INTERNAL_ERROR;
	run.internal.suberror = VMCTL_INTERNAL_UNHANDLED_EXIT;
	run.internal.ndata = 3;
	run.internal.data[0] = 31;
	vcpu_decode_exit(&run, &exit);
	tap_ok(strstr(exit.message, "unhandled hardware exit RDMSR [0x1f ") != NULL,
	       "unhandled RDMSR message: %s", exit.message);
	run.internal.data[0] = 0x8000000a;	/* bit 31 set: only the basic reason counts */
	vcpu_decode_exit(&run, &exit);
	tap_ok(strstr(exit.message, " CPUID [") != NULL, "upper bits ignored: %s", exit.message);
	run.internal.data[0] = 35;		/* a hole in the SDM's list */
	vcpu_decode_exit(&run, &exit);
	tap_ok(strstr(exit.message, "(not in the SDM)") != NULL, "undefined reason: %s",
	       exit.message);
	tap_ok(!strcmp(vmctl_vmx_exit_name(32), "WRMSR") && !strcmp(vmctl_vmx_exit_name(0), "EXCEPTION_NMI") &&
	       !strcmp(vmctl_vmx_exit_name(69), "LOADIWKEY") && !vmctl_vmx_exit_name(70) &&
	       !vmctl_vmx_exit_name(65) && !vmctl_vmx_exit_name(0xffff),
	       "VMX exit names at both ends and holes");

	/* A write to a read-only slot is named as such; other faults are not. */
	vm.mem[3] = (struct vmctl_mem){ .used = true, .flags = VMCTL_SLOT_READONLY,
					.gpa = 0x80000, .size = 0x10000 };
	vm.mem[4] = (struct vmctl_mem){ .used = true, .gpa = 0x90000, .size = 0x1000 };
	memset(&run, 0, sizeof(run));
	run.exit_reason = VMCTL_EXIT_INTERNAL_ERROR;
	run.internal.suberror = VMCTL_INTERNAL_EPT_VIOLATION;
	run.internal.ndata = 3;
	run.internal.data[0] = 0x8fffc;
	run.internal.data[1] = 0x18a;		/* write, readable */
	run.internal.data[2] = 0x1010;
	vcpu_decode_exit(&run, &exit);
	vcpu_explain_ept_violation(&vm, &exit);
	tap_ok(exit.readonly_write && strstr(exit.message, "write to read-only memory at 0x8fffc") &&
	       strstr(exit.message, "slot 3"), "write to a read-only slot: %s", exit.message);
	run.internal.data[1] = 0x189;		/* a read (an instruction fetch alike) */
	vcpu_decode_exit(&run, &exit);
	vcpu_explain_ept_violation(&vm, &exit);
	tap_ok(!exit.readonly_write && strstr(exit.message, "EPT violation"),
	       "a read there is not called a write: %s", exit.message);
	run.internal.data[0] = 0x90000;		/* writable slot */
	run.internal.data[1] = 0x18a;
	vcpu_decode_exit(&run, &exit);
	vcpu_explain_ept_violation(&vm, &exit);
	tap_ok(!exit.readonly_write, "a write to writable memory is not a read-only write");
	run.internal.data[0] = 0x91000;		/* just past it: no slot */
	vcpu_decode_exit(&run, &exit);
	vcpu_explain_ept_violation(&vm, &exit);
	tap_ok(!exit.readonly_write && strstr(exit.message, "outside its memory"),
	       "a write where no slot is stays an access outside guest memory: %s", exit.message);

	/* VM-instruction errors by their names in the SDM ("VM-Instruction Error Numbers"). */
	memset(&run, 0, sizeof(run));
	run.exit_reason = VMCTL_EXIT_FAIL_ENTRY;
	run.fail_entry.flags = VMCTL_FAIL_ENTRY_VMFAIL;
	run.fail_entry.hardware_reason = 7;
	vcpu_decode_exit(&run, &exit);
	tap_ok(strstr(exit.message, "VM-instruction error 7: VM entry with invalid control field(s)") != NULL,
	       "VMFAIL names its error: %s", exit.message);
	memset(&run, 0, sizeof(run));
	run.exit_reason = VMCTL_EXIT_INTERNAL_ERROR;
	run.internal.suberror = VMCTL_INTERNAL_VMX_INSN_FAILED;
	run.internal.ndata = 1;
	run.internal.data[0] = 12;
	vcpu_decode_exit(&run, &exit);
	tap_ok(strstr(exit.message, "error 12: VMREAD/VMWRITE from/to unsupported VMCS component") != NULL,
	       "a failed VMX instruction names its error: %s", exit.message);
	run.internal.data[0] = 14;
	vcpu_decode_exit(&run, &exit);
	tap_ok(strstr(exit.message, "error 14: not in the SDM") != NULL,
	       "a reserved number says so: %s", exit.message);
	tap_ok(vmctl_vmx_insn_error_name(28) && strstr(vmctl_vmx_insn_error_name(28), "INVEPT") &&
	       vmctl_vmx_insn_error_name(26) && strstr(vmctl_vmx_insn_error_name(26), "MOV SS"),
	       "the last ones: 26 \"%s\", 28 \"%s\"", vmctl_vmx_insn_error_name(26),
	       vmctl_vmx_insn_error_name(28));
	tap_ok(!vmctl_vmx_insn_error_name(0) && !vmctl_vmx_insn_error_name(21) &&
	       !vmctl_vmx_insn_error_name(29) && !vmctl_vmx_insn_error_name(1ULL << 32),
	       "0, 21 (reserved), 29 and beyond have no name");
	check_string_io();
	return tap_finish();
}
