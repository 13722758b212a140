// SPDX-License-Identifier: GPL-2.0
/*
 * Machine-check MSRs (msr_policy.h): a guest's RDMSR/WRMSR of MCG_CAP,
 * MCG_STATUS, MCG_CTL and the four banks' CTL/STATUS/ADDR/MISC read
 * back or #GP as the SDM's rules (and KVM's) say, written out here; the
 * MSRs past the last bank #GP; user space may set MCi_STATUS, reads
 * what the guest wrote, and the state blob carries the banks into a new
 * VM; the default CPUID table has MCE and MCA.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"
#include "guests_state.h"

#define MCG_CAP		0x179
#define MCG_STATUS	0x17a
#define MCG_CTL		0x17b
#define MC_CTL(i)	(0x400 + 4 * (i))
#define MC_STATUS(i)	(0x401 + 4 * (i))
#define MC_ADDR(i)	(0x402 + 4 * (i))
#define MC_MISC(i)	(0x403 + 4 * (i))
#define MC0_CTL2	0x280
#define ALL_ONES	(~0ULL)
#define EXPECT_CAP	0x104ULL		/* MCG_CTL_P (bit 8), 4 banks */
#define LEAF1_EDX_MCE	(1U << 7)
#define LEAF1_EDX_MCA	(1U << 14)

#define R(idx, want)		{ MCE_OP_READ, idx, 0, want, false }
#define W(idx, val)		{ MCE_OP_WRITE, idx, val, 0, false }
#define R_GP(idx)		{ MCE_OP_READ, idx, 0, 0, true }
#define W_GP(idx, val)		{ MCE_OP_WRITE, idx, val, 0, true }

static const struct {
	uint32_t op, index;
	uint64_t value, want;
	bool gp;
} ops[] = {
	R(MCG_CAP, EXPECT_CAP),
	W_GP(MCG_CAP, EXPECT_CAP),		/* read-only */
	R(MCG_STATUS, 0),
	W(MCG_STATUS, 7), R(MCG_STATUS, 7),
	W_GP(MCG_STATUS, 8),			/* reserved bit 3 */
	W(MCG_STATUS, 0),
	R(MCG_CTL, ALL_ONES),			/* reset: all sources on */
	W(MCG_CTL, 0), R(MCG_CTL, 0),
	W_GP(MCG_CTL, 1),			/* 0 or all ones */
	W(MCG_CTL, ALL_ONES), R(MCG_CTL, ALL_ONES),
	R(MC_CTL(0), ALL_ONES),
	W(MC_CTL(0), 0), R(MC_CTL(0), 0),
	W_GP(MC_CTL(0), 0x1234),
	W(MC_CTL(3), ALL_ONES & ~(1ULL << 10)),	/* Linux's K8 GART workaround */
	R(MC_CTL(3), ALL_ONES & ~(1ULL << 10)),
	R(MC_STATUS(1), 0),
	W_GP(MC_STATUS(1), 0x8000000000000000ULL), /* the guest may only clear it */
	W(MC_STATUS(1), 0),
	W(MC_ADDR(2), 0x12345678), R(MC_ADDR(2), 0x12345678),
	W(MC_MISC(3), ALL_ONES), R(MC_MISC(3), ALL_ONES),
	R_GP(MC_CTL(4)),			/* past the last bank */
	W_GP(MC_STATUS(4), 0),
	R_GP(MC0_CTL2),				/* no CMCI */
};

#define NOPS	(sizeof(ops) / sizeof(ops[0]))

int main(void)
{
	struct vmctl_msr_entry e[3] = { { .index = MC_STATUS(1) }, { .index = MC_ADDR(2) },
					{ .index = MC_CTL(3) } };
	struct vmctl_cpuid_table *table;
	struct vmctl_cpuid_entry *leaf1;
	struct mce_op *gops;
	struct vmctl_exit exit;
	struct ucall uc = { 0 };
	struct tvm t, t2;
	unsigned int i, bad = 0;
	uint64_t n = NOPS;
	size_t size;
	void *blob;
	int err;

	tap_plan(7);
	_Static_assert(NOPS <= MCE_MAX_OPS, "mce_msr has room for MCE_MAX_OPS");
	tvm_create(&t, 4 << 20);
	tvm_start_long(&t, mce_msr_begin, mce_msr_end);
	gops = GUEST_PTR(&t, mce_msr, mce_ops);
	memcpy(GUEST_PTR(&t, mce_msr, mce_nops), &n, sizeof(n));
	for (i = 0; i < NOPS; i++) {
		gops[i].op = ops[i].op;
		gops[i].index = ops[i].index;
		gops[i].value = ops[i].value;
	}
	err = vmctl_vcpu_run_loop(t.vcpu, &exit);
	tap_ok(!err && ucall_get(t.vcpu, &exit, &uc) && uc.code == UCALL_SYNC && uc.arg == 1,
	       "the guest ran its %u MSR accesses (%d, %s)", (unsigned int)NOPS, err, exit.message);
	for (i = 0; i < NOPS; i++) {
		bool ok = gops[i].gp == ops[i].gp &&
			  (ops[i].gp || ops[i].op != MCE_OP_READ || gops[i].result == ops[i].want);

		if (!ok) {
			tap_diag("%s 0x%x: %s, read 0x%" PRIx64 "; want %s 0x%" PRIx64,
				 ops[i].op == MCE_OP_READ ? "RDMSR" : "WRMSR", ops[i].index,
				 gops[i].gp ? "#GP" : "no #GP", gops[i].result,
				 ops[i].gp ? "#GP" : "no #GP", ops[i].want);
			bad++;
		}
	}
	tap_ok(!bad, "each read and #GP as the rules say (%u wrong)", bad);

	/* User space sees what the guest wrote, and may set MCi_STATUS. */
	err = vmctl_vcpu_get_msrs(t.vcpu, e, 3);
	tap_ok(err == 3 && e[0].data == 0 && e[1].data == 0x12345678 &&
	       e[2].data == (ALL_ONES & ~(1ULL << 10)),
	       "GET_MSRS: MC1_STATUS 0, MC2_ADDR 0x%" PRIx64 ", MC3_CTL 0x%" PRIx64 " (%d)",
	       (uint64_t)e[1].data, (uint64_t)e[2].data, err);
	e[0].data = 0xb200000000000001ULL;
	err = vmctl_vcpu_set_msrs(t.vcpu, e, 1);
	{
		struct vmctl_msr_entry cap = { .index = MCG_CAP, .data = 0x10a };
		int err2 = vmctl_vcpu_set_msrs(t.vcpu, &cap, 1);

		tap_ok(err == 1 && err2 == 0,
		       "SET_MSRS: MC1_STATUS takes a logged error (%d); MCG_CAP only its own "
		       "value (%d processed)", err, err2);
	}

	/* The blob carries the banks. */
	err = vmctl_vcpu_save_state(t.vcpu, &blob, &size);
	if (err)
		tap_bail("vmctl_vcpu_save_state: %s", vmctl_strerror(err));
	tvm_create(&t2, 4 << 20);
	err = vmctl_vcpu_restore_state(t2.vcpu, blob, size);
	memset(e, 0, sizeof(e));
	e[0].index = MC_STATUS(1);
	e[1].index = MC_ADDR(2);
	e[2].index = MCG_CTL;
	if (!err)
		err = vmctl_vcpu_get_msrs(t2.vcpu, e, 3);
	tap_ok(err == 3 && e[0].data == 0xb200000000000001ULL && e[1].data == 0x12345678 &&
	       e[2].data == ALL_ONES,
	       "restored into a new VM: MC1_STATUS 0x%" PRIx64 ", MC2_ADDR 0x%" PRIx64 " (%d)",
	       (uint64_t)e[0].data, (uint64_t)e[1].data, err);
	free(blob);
	tvm_destroy(&t2);

	table = calloc(1, sizeof(*table));
	if (!table)
		tap_bail("out of memory");
	err = vmctl_cpuid_default(t.sys, table);
	leaf1 = err ? NULL : vmctl_cpuid_find(table, 1, 0);
	tap_ok(leaf1 && (leaf1->edx & LEAF1_EDX_MCE) && (leaf1->edx & LEAF1_EDX_MCA),
	       "the default CPUID has MCE and MCA (%d, EDX 0x%x)", err, leaf1 ? leaf1->edx : 0);
	free(table);
	err = vmctl_vcpu_run_loop(t.vcpu, &exit);
	tap_ok(!err && exit.reason == VMCTL_EXIT_HLT, "the guest halts (%s)", exit.message);
	tvm_destroy(&t);
	return tap_finish();
}
