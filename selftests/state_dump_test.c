// SPDX-License-Identifier: GPL-2.0
/*
 * VMCTL_GET_VCPU_DUMP: after an OUT and after a triple fault, the VMCS
 * fields it returns hold the registers this test set (RSP, RFLAGS, FS
 * and GS bases, the IDT, CR3), the exit's reason, qualification and
 * length as the SDM defines them for these two exits, under the SDM's
 * field encodings; vmctl_vcpu_dump() prints them.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"
#include "guests_state.h"

/* The SDM's encodings (Appendix B) and exit facts, written here independently. */
#define ENC_EXIT_REASON		0x4402
#define ENC_EXIT_QUAL		0x6400
#define ENC_EXIT_INSN_LEN	0x440c
#define ENC_GUEST_RIP		0x681e
#define ENC_GUEST_RSP		0x681c
#define ENC_GUEST_RFLAGS	0x6820
#define ENC_GUEST_CR3		0x6802
#define ENC_GUEST_FS_BASE	0x680e
#define ENC_GUEST_GS_BASE	0x6810
#define ENC_GUEST_IDTR_BASE	0x6818
#define ENC_GUEST_IDTR_LIMIT	0x4812
#define ENC_GUEST_CS_SELECTOR	0x0802
#define EXIT_TRIPLE_FAULT	2
#define EXIT_IO			30
/* I/O qualification: size - 1 in bits 2:0, immediate operand bit 6, port in 31:16 */
#define OUT_IMM_QUAL(port, size)	(((uint64_t)(port) << 16) | 0x40 | ((size) - 1))

#define TEST_RSP	0x7ff00ULL
#define TEST_RFLAGS	0x843ULL		/* OF, ZF, CF and the always-1 bit */
#define TEST_FS_BASE	0x123456789000ULL
#define TEST_GS_BASE	0xffff800000001000ULL
#define TEST_IDT_BASE	0x5000ULL		/* zeroed memory: no present gate */
#define TEST_IDT_LIMIT	0xfffU

static struct vmctl_vcpu_dump dump;

/* The value of the field with this encoding; fatal if missing or named wrongly. */
static uint64_t field(uint32_t encoding, const char *name)
{
	uint32_t i;

	for (i = 0; i < dump.nr_fields && i < VMCTL_DUMP_MAX_FIELDS; i++)
		if (dump.fields[i].encoding == encoding) {
			if (strncmp(dump.fields[i].name, name, VMCTL_DUMP_NAME_LEN))
				tap_bail("field 0x%x is named %.*s, not %s", encoding,
					 VMCTL_DUMP_NAME_LEN, dump.fields[i].name, name);
			return dump.fields[i].value;
		}
	tap_bail("the dump has no field 0x%x (%s)", encoding, name);
}

static void get_dump(struct tvm *t, const char *when)
{
	int err;

	memset(&dump, 0xa5, sizeof(dump));
	err = vmctl_vcpu_get_vmcs_dump(t->vcpu, &dump);
	if (err)
		tap_bail("vmctl_vcpu_get_vmcs_dump %s: %s", when, vmctl_strerror(err));
}

int main(void)
{
	uint64_t after_out = GUEST_LOAD_ADDR + GUEST_OFF(state_dump, sdump_after_out);
	static char text[16384];
	struct vmctl_sregs sregs;
	struct vmctl_regs regs;
	struct vmctl_caps caps;
	struct vmctl_exit exit;
	struct tvm t;
	uint32_t i, j, bad_names = 0;
	bool ok;
	int err;

	tap_plan(9);
	tvm_create(&t, 4 << 20);
	err = vmctl_sys_get_caps(t.sys, &caps);
	tap_ok(!err && (caps.features & VMCTL_CAP_VCPU_DUMP),
	       "VMCTL_CAP_VCPU_DUMP is set (%d, features 0x%llx)", err,
	       (unsigned long long)caps.features);

	tvm_start_long(&t, state_dump_begin, state_dump_end);
	err = vmctl_vcpu_get_regs(t.vcpu, &regs);
	if (!err) {
		regs.rsp = TEST_RSP;
		regs.rflags = TEST_RFLAGS;
		err = vmctl_vcpu_set_regs(t.vcpu, &regs);
	}
	if (!err)
		err = vmctl_vcpu_get_sregs(t.vcpu, &sregs);
	if (!err) {
		sregs.fs.base = TEST_FS_BASE;
		sregs.gs.base = TEST_GS_BASE;
		sregs.idt.base = TEST_IDT_BASE;
		sregs.idt.limit = TEST_IDT_LIMIT;
		err = vmctl_vcpu_set_sregs(t.vcpu, &sregs);
	}
	if (err)
		tap_bail("setting the registers: %s", vmctl_strerror(err));

	/* The OUT: an I/O exit to user space. */
	err = vmctl_vcpu_run_loop(t.vcpu, &exit);
	if (err || exit.reason != LIBVMCTL_EXIT_UNHANDLED_IO || exit.io.port != SDUMP_PORT)
		tap_bail("expected the OUT to 0x%x, got %d, %s", SDUMP_PORT, err, exit.message);
	get_dump(&t, "after the OUT");
	for (i = 0; i < dump.nr_fields; i++)
		for (j = 0; j < i; j++)
			if (dump.fields[i].encoding == dump.fields[j].encoding ||
			    !memchr(dump.fields[i].name, 0, VMCTL_DUMP_NAME_LEN) ||
			    !strcmp(dump.fields[i].name, dump.fields[j].name))
				bad_names++;
	tap_ok(dump.nr_fields >= 60 && dump.nr_fields <= VMCTL_DUMP_MAX_FIELDS && !bad_names,
	       "%u fields, each encoding and NUL-terminated name once (%u bad)",
	       dump.nr_fields, bad_names);
	tap_ok(field(ENC_EXIT_REASON, "EXIT_REASON") == EXIT_IO &&
	       field(ENC_EXIT_QUAL, "EXIT_QUALIFICATION") == OUT_IMM_QUAL(SDUMP_PORT, 4) &&
	       field(ENC_EXIT_INSN_LEN, "EXIT_INSTRUCTION_LEN") == 2,
	       "OUT imm8, EAX: reason %d, qualification 0x%" PRIx64 ", length 2",
	       EXIT_IO, (uint64_t)OUT_IMM_QUAL(SDUMP_PORT, 4));
	tap_ok(field(ENC_GUEST_RIP, "GUEST_RIP") == after_out &&
	       field(ENC_GUEST_RSP, "GUEST_RSP") == TEST_RSP &&
	       field(ENC_GUEST_RFLAGS, "GUEST_RFLAGS") == TEST_RFLAGS,
	       "RIP past the OUT (0x%" PRIx64 "), the RSP and RFLAGS set (0x%" PRIx64
	       ", 0x%" PRIx64 ")", field(ENC_GUEST_RIP, "GUEST_RIP"),
	       field(ENC_GUEST_RSP, "GUEST_RSP"), field(ENC_GUEST_RFLAGS, "GUEST_RFLAGS"));
	tap_ok(field(ENC_GUEST_CR3, "GUEST_CR3") == GUEST_TABLES &&
	       field(ENC_GUEST_FS_BASE, "GUEST_FS_BASE") == TEST_FS_BASE &&
	       field(ENC_GUEST_GS_BASE, "GUEST_GS_BASE") == TEST_GS_BASE &&
	       field(ENC_GUEST_IDTR_BASE, "GUEST_IDTR_BASE") == TEST_IDT_BASE &&
	       field(ENC_GUEST_IDTR_LIMIT, "GUEST_IDTR_LIMIT") == TEST_IDT_LIMIT &&
	       field(ENC_GUEST_CS_SELECTOR, "GUEST_CS_SELECTOR") == sregs.cs.selector,
	       "CR3, FS/GS bases, IDTR and CS as set (CR3 0x%" PRIx64 ", FS 0x%" PRIx64 ")",
	       field(ENC_GUEST_CR3, "GUEST_CR3"), field(ENC_GUEST_FS_BASE, "GUEST_FS_BASE"));

	/* UD2 with no present gate: #UD, #NP, #DF, shutdown. */
	err = vmctl_vcpu_run_loop(t.vcpu, &exit);
	tap_ok(!err && exit.reason == VMCTL_EXIT_SHUTDOWN, "UD2 without an IDT: shutdown (%s)",
	       exit.message);
	get_dump(&t, "after the triple fault");
	tap_ok(field(ENC_EXIT_REASON, "EXIT_REASON") == EXIT_TRIPLE_FAULT &&
	       field(ENC_GUEST_RIP, "GUEST_RIP") == after_out,
	       "triple fault: reason %d at the UD2 (0x%" PRIx64 ", want 0x%" PRIx64 ")",
	       EXIT_TRIPLE_FAULT, field(ENC_GUEST_RIP, "GUEST_RIP"), after_out);

	err = vmctl_vcpu_dump(t.vcpu, text, sizeof(text));
	ok = !err && strstr(text, "EXIT_REASON                0000000000000002") &&
	     strstr(text, "GUEST_IDTR_BASE            0000000000005000");
	if (!ok)
		for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n"))
			tap_diag("%s", line);
	tap_ok(ok, "vmctl_vcpu_dump prints the fields by name (%d)", err);
	tap_ok(vmctl_vcpu_get_vmcs_dump(t.vcpu, NULL) == -EINVAL &&
	       vmctl_vcpu_get_vmcs_dump(NULL, &dump) == -EINVAL, "NULL arguments: -EINVAL");
	tvm_destroy(&t);
	return tap_finish();
}
