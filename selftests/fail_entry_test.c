// SPDX-License-Identifier: GPL-2.0
/*
 * Guest state that SET_SREGS accepts (the kernel leaves segment consistency
 * to the hardware) but VM entry refuses: the run ends in
 * VMCTL_EXIT_FAIL_ENTRY flagged as invalid guest state, with a message that
 * names the failing check.  Repairing the state lets the same vCPU run.
 */
#include <inttypes.h>
#include <string.h>

#include "test_util.h"

struct bad_state {
	const char *what;
	void (*spoil)(struct vmctl_sregs *s);
};

/* TR must be a busy TSS (type 3 or 11); 1 is an available 16-bit TSS. */
static void tr_available(struct vmctl_sregs *s)
{
	s->tr.type = 1;
}

/* In IA-32e mode a CS with L set must have D clear. */
static void cs_l_and_d(struct vmctl_sregs *s)
{
	s->cs.db = 1;
}

/* A usable LDTR must describe an LDT (type 2); 1 is a 16-bit TSS. */
static void ldtr_not_ldt(struct vmctl_sregs *s)
{
	s->ldt.unusable = 0;
	s->ldt.present = 1;
	s->ldt.type = 1;
	s->ldt.limit = 0xffff;
}

/*
 * Each breaks one VM-entry check on guest segment registers (SDM "Checks on
 * Guest Segment Registers"); none is one that "unrestricted guest" relaxes.
 */
static const struct bad_state cases[] = {
	{ "TR type 1 (available 16-bit TSS)", tr_available },
	{ "CS with both L and D in long mode", cs_l_and_d },
	{ "LDTR usable but not an LDT", ldtr_not_ldt },
};

int main(void)
{
	struct vmctl_sregs good, bad;
	struct vmctl_exit exit;
	struct tvm t;
	size_t i;
	int err;

	tap_plan(4 * (sizeof(cases) / sizeof(cases[0])));
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *what = cases[i].what;

		tvm_create(&t, 4 << 20);
		tvm_start_long(&t, long_ud2_begin, long_ud2_end);
		vmctl_vcpu_get_sregs(t.vcpu, &good);
		bad = good;
		cases[i].spoil(&bad);
		err = vmctl_vcpu_set_sregs(t.vcpu, &bad);
		tap_ok(err == 0, "%s: SET_SREGS accepts it (%d)", what, err);

		err = vmctl_vcpu_run(t.vcpu, &exit);
		tap_ok(err == 0 && exit.reason == VMCTL_EXIT_FAIL_ENTRY &&
		       (exit.fail_entry.flags & VMCTL_FAIL_ENTRY_INVALID_GUEST_STATE),
		       "%s: FAIL_ENTRY, invalid guest state (%d, %s, hardware reason 0x%" PRIx64 ")",
		       what, err, vmctl_exit_reason_name(exit.reason),
		       exit.fail_entry.hardware_reason);
		tap_ok(exit.fail_entry.message[0] && strstr(exit.message, exit.fail_entry.message),
		       "%s: the message names a check: \"%s\"", what, exit.message);

		/* Put the good state back: the same vCPU enters and triple-faults on UD2. */
		vmctl_vcpu_set_sregs(t.vcpu, &good);
		err = vmctl_vcpu_run(t.vcpu, &exit);
		tap_ok(err == 0 && exit.reason == VMCTL_EXIT_SHUTDOWN,
		       "%s: repaired, the vCPU enters the guest (%s)", what, exit.message);
		tvm_destroy(&t);
	}
	return tap_finish();
}
