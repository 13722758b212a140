// SPDX-License-Identifier: GPL-2.0
/*
 * MONITOR and MWAIT: vmctl does not emulate them, so the guest must see
 * a CPU without them: CPUID.1:ECX.MONITOR clear (with or without a CPUID
 * table) and #UD from both instructions, as on such a CPU.  Linux's idle
 * loop uses MWAIT whenever that bit is set; a vCPU without a table showed
 * the host's bit, and the first MONITOR ended the run with an internal
 * error.
 */
#include <stdlib.h>
#include <string.h>

#include "test_util.h"
#include "guests_linux.h"

#define LEAF1_ECX_MONITOR	(1u << 3)

/* Runs to the next ucall; false (with the exit described) if another exit came. */
static bool next_ucall(struct tvm *t, struct ucall *uc)
{
	struct vmctl_exit exit;
	int err = vmctl_vcpu_run_loop(t->vcpu, &exit);

	if (!err && ucall_get(t->vcpu, &exit, uc))
		return true;
	tap_diag("run: %d, %s", err, exit.message);
	memset(uc, 0, sizeof(*uc));
	return false;
}

static void run_case(const char *what, bool with_table)
{
	uint64_t monitor_rip = GUEST_LOAD_ADDR + GUEST_OFF(mw_guest, mw_monitor);
	uint64_t mwait_rip = GUEST_LOAD_ADDR + GUEST_OFF(mw_guest, mw_mwait);
	struct vmctl_cpuid_table *table;
	struct ucall uc;
	bool got;
	int err;
	struct tvm t;

	tvm_create(&t, 4 << 20);
	if (with_table) {
		table = malloc(sizeof(*table));
		if (!table)
			tap_bail("out of memory");
		err = vmctl_cpuid_default(t.sys, table);
		if (!err)
			err = vmctl_vcpu_set_cpuid(t.vcpu, table);
		free(table);
		if (err)
			tap_bail("default CPUID table: %s", vmctl_strerror(err));
	}
	tvm_start_long(&t, mw_guest_begin, mw_guest_end);

	got = next_ucall(&t, &uc);
	tap_ok(got && uc.code == UCALL_REPORT && !(uc.arg & LEAF1_ECX_MONITOR),
	       "%s: CPUID.1:ECX hides MONITOR/MWAIT (0x%llx)", what, (unsigned long long)uc.arg);
	got = next_ucall(&t, &uc);
	tap_ok(got && uc.code == UCALL_REPORT && uc.arg == monitor_rip,
	       "%s: MONITOR raises #UD at its own RIP (0x%llx, want 0x%llx)", what,
	       (unsigned long long)uc.arg, (unsigned long long)monitor_rip);
	got = next_ucall(&t, &uc);
	tap_ok(got && uc.code == UCALL_REPORT && uc.arg == mwait_rip,
	       "%s: MWAIT raises #UD at its own RIP (0x%llx, want 0x%llx)", what,
	       (unsigned long long)uc.arg, (unsigned long long)mwait_rip);
	got = next_ucall(&t, &uc);
	tap_ok(got && uc.code == UCALL_DONE && uc.arg == 2,
	       "%s: the guest went on after its handler, two #UDs in all (%llu)", what,
	       (unsigned long long)uc.arg);
	tvm_destroy(&t);
}

int main(void)
{
	tap_plan(8);
	run_case("no CPUID table", false);
	run_case("default CPUID table", true);
	return tap_finish();
}
