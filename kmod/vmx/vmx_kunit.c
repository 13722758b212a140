// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suites of the VT-x backend's pure logic: control-word adjustment
 * from capability MSR values and the controls the module asks for, the
 * model of the VM-entry guest-state checks, the EPT table builder, which
 * exits are machine checks for the host, and how IPI handlers keep the VMX
 * instruction failure of the code they interrupt.  Meant to be #included
 * by a file of kmod/tests/, which builds the stand-alone vmctl_kunit.ko:
 * it includes the .c files under test and needs neither VT-x nor vmctl.ko.
 */
/* Before any header, as in the files #included below. */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <kunit/test.h>
#include <linux/kernel.h>
#include <linux/module.h>

#include "capabilities.c"
#include "entry_checks.c"
#include "ept.c"
#include "host_state.h"
#include "vmx.h"

/* hw.c owns it in vmctl.ko; the stash helpers of vmx.h work on it. */
DEFINE_PER_CPU(struct vmx_cpu, vmx_cpu);

/* ept.c accounts its table pages; count them here instead. */
static long vmx_kunit_pages;

void vmctl_account_kernel_pages(long delta)
{
	vmx_kunit_pages += delta;
}

/* ---- control words ------------------------------------------------------ */

static void adjust_forces_allowed0_test(struct kunit *test)
{
	struct vmx_control_want want = { .required = BIT(3), .optional = BIT(5) };
	u32 ctl = 0, missing = 0;
	/* bits 1 and 4 must be 1; 1, 3, 4 and 5 may be 1 */
	u64 msr = ((u64)(BIT(1) | BIT(3) | BIT(4) | BIT(5)) << 32) | BIT(1) | BIT(4);

	KUNIT_EXPECT_EQ(test, vmx_adjust_controls(msr, &want, &ctl, &missing), 0);
	KUNIT_EXPECT_EQ(test, ctl, (u32)(BIT(1) | BIT(3) | BIT(4) | BIT(5)));
	KUNIT_EXPECT_EQ(test, missing, 0U);
}

static void adjust_drops_unoffered_optional_test(struct kunit *test)
{
	struct vmx_control_want want = { .required = BIT(3), .optional = BIT(6) };
	u32 ctl = 0, missing = 0;
	u64 msr = (u64)BIT(3) << 32;

	KUNIT_EXPECT_EQ(test, vmx_adjust_controls(msr, &want, &ctl, &missing), 0);
	KUNIT_EXPECT_EQ(test, ctl, (u32)BIT(3));
}

static void adjust_refuses_missing_required_test(struct kunit *test)
{
	struct vmx_control_want want = { .required = BIT(3) | BIT(7) };
	u32 ctl = 0xdead, missing = 0;
	u64 msr = (u64)BIT(3) << 32;

	KUNIT_EXPECT_EQ(test, vmx_adjust_controls(msr, &want, &ctl, &missing),
			-EOPNOTSUPP);
	KUNIT_EXPECT_EQ(test, missing, (u32)BIT(7));
	KUNIT_EXPECT_EQ(test, ctl, 0xdeadU);
}

/* ---- guest-state checks --------------------------------------------------- */

/* The x86 reset state as the backend writes it, on a Haswell-like CPU. */
static void reset_state(struct vmx_guest_state *s)
{
	int i;

	memset(s, 0, sizeof(*s));
	s->cr0 = X86_CR0_ET | X86_CR0_NE;
	s->cr4 = X86_CR4_VMXE;
	s->dr7 = 0x400;
	s->rflags = X86_EFLAGS_FIXED;
	s->rip = 0xfff0;
	s->gdtr_limit = 0xffff;
	s->idtr_limit = 0xffff;
	for (i = 0; i < VMX_NR_SEGS; i++) {
		s->seg[i].limit = 0xffff;
		s->seg[i].ar = 0x93;
	}
	s->seg[VMX_SEG_CS].selector = 0xf000;
	s->seg[VMX_SEG_CS].base = 0xffff0000;
	s->seg[VMX_SEG_CS].ar = 0x9b;
	s->seg[VMX_SEG_LDTR].ar = 0x82;
	s->seg[VMX_SEG_TR].ar = 0x8b;
	s->link_pointer = ~0ULL;
	s->entry_controls = ENTRY_LOAD_IA32_EFER;
	s->proc2_controls = PROC2_ENABLE_EPT | PROC2_UNRESTRICTED_GUEST;
	s->cr0_fixed0 = X86_CR0_PE | X86_CR0_NE | X86_CR0_PG;
	s->cr0_fixed1 = 0xffffffff;
	s->cr4_fixed0 = X86_CR4_VMXE;
	s->cr4_fixed1 = 0x3727ff;
	s->phys_bits = 40;
	s->virt_bits = 48;
}

/* A flat 64-bit state: CS type 11 L=1, data type 3, TR busy 64-bit TSS. */
static void long_state(struct vmx_guest_state *s)
{
	int i;

	reset_state(s);
	s->cr0 = X86_CR0_PE | X86_CR0_ET | X86_CR0_NE | X86_CR0_PG;
	s->cr4 = X86_CR4_PAE | X86_CR4_VMXE;
	s->efer = EFER_LME | EFER_LMA;
	s->entry_controls |= ENTRY_IA32E_MODE_GUEST;
	s->rip = 0x1000;
	for (i = VMX_SEG_ES; i <= VMX_SEG_GS; i++) {
		s->seg[i].selector = 0x10;
		s->seg[i].base = 0;
		s->seg[i].limit = 0xffffffff;
		s->seg[i].ar = 0x93 | SEG_AR_G | SEG_AR_DB;
	}
	s->seg[VMX_SEG_CS].selector = 8;
	s->seg[VMX_SEG_CS].ar = 0x9b | SEG_AR_G | SEG_AR_L;
}

struct state_case {
	const char *what;
	bool long_mode;
	void (*spoil)(struct vmx_guest_state *s);
	const char *expect;	/* substring of the message; NULL: passes */
};

static void none(struct vmx_guest_state *s)
{
}

static void cs_data(struct vmx_guest_state *s)
{
	s->seg[VMX_SEG_CS].ar = 0x91;
}

static void cs_type3(struct vmx_guest_state *s)
{
	s->seg[VMX_SEG_CS].ar = 0x93;
}

static void tr_avail(struct vmx_guest_state *s)
{
	s->seg[VMX_SEG_TR].ar = 0x81;
}

static void ss_dpl3(struct vmx_guest_state *s)
{
	s->seg[VMX_SEG_SS].ar |= 3 << 5;
}

static void pg_no_pe(struct vmx_guest_state *s)
{
	s->cr0 |= X86_CR0_PG;
}

static void no_vmxe(struct vmx_guest_state *s)
{
	s->cr4 = 0;
}

static void rflags_bit1(struct vmx_guest_state *s)
{
	s->rflags = 0;
}

static void lma_no_ia32e(struct vmx_guest_state *s)
{
	s->efer = EFER_LMA;
}

static void cs_l_and_d(struct vmx_guest_state *s)
{
	s->seg[VMX_SEG_CS].ar |= SEG_AR_DB;
}

static void tr_16bit_long(struct vmx_guest_state *s)
{
	s->seg[VMX_SEG_TR].ar = 0x83;
}

static void limit_g(struct vmx_guest_state *s)
{
	s->seg[VMX_SEG_DS].ar &= ~SEG_AR_G;
}

static void ds_unusable(struct vmx_guest_state *s)
{
	s->seg[VMX_SEG_DS].ar = SEG_AR_UNUSABLE;
}

static void rip_high(struct vmx_guest_state *s)
{
	s->rip = 1ULL << 32;
}

static void noncanon_gs(struct vmx_guest_state *s)
{
	s->seg[VMX_SEG_GS].base = 1ULL << 47;
}

static void hlt_dpl3(struct vmx_guest_state *s)
{
	s->activity = ACTIVITY_HLT;
	s->seg[VMX_SEG_SS].ar |= 3 << 5;
	s->seg[VMX_SEG_CS].ar |= 3 << 5;
}

static const struct state_case state_cases[] = {
	{ "reset state", false, none, NULL },
	{ "64-bit state", true, none, NULL },
	{ "CS type 3 with unrestricted guest", false, cs_type3, NULL },
	{ "unusable DS in long mode", true, ds_unusable, NULL },
	{ "CS is data", false, cs_data, "CS.type 1" },
	{ "TR available", false, tr_avail, "TR.type 1" },
	{ "SS.DPL 3 in real mode", false, ss_dpl3, "SS.DPL (3)" },
	{ "SS.DPL 3 under a DPL 0 code segment", true, ss_dpl3,
	  "CS.DPL (0) must equal SS.DPL (3)" },
	{ "CR0.PG without PE", false, pg_no_pe, "CR0.PG is 1 but CR0.PE is 0" },
	{ "CR4.VMXE clear", false, no_vmxe, "IA32_VMX_CR4_FIXED0" },
	{ "RFLAGS bit 1 clear", false, rflags_bit1, "bit 1 must be 1" },
	{ "EFER.LMA without IA-32e mode", false, lma_no_ia32e, "IA32_EFER.LMA (1)" },
	{ "CS.L and CS.D", true, cs_l_and_d, "CS.L and CS.D/B" },
	{ "16-bit TSS in long mode", true, tr_16bit_long, "TR.type 3" },
	{ "limit beyond 1 MiB without G", true, limit_g, "DS.limit 0xffffffff" },
	{ "RIP beyond 4 GiB in real mode", false, rip_high, "RIP 0x100000000" },
	{ "non-canonical GS base", true, noncanon_gs, "GS.base" },
	{ "HLT at CPL 3", true, hlt_dpl3, "HLT activity state" },
};

static void state_case_desc(const struct state_case *c, char *desc)
{
	strscpy(desc, c->what, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(state_case, state_cases, state_case_desc);

static void guest_state_test(struct kunit *test)
{
	const struct state_case *c = test->param_value;
	struct vmx_guest_state s;
	const char *msg;
	char buf[128];

	if (c->long_mode)
		long_state(&s);
	else
		reset_state(&s);
	c->spoil(&s);
	msg = vmx_check_guest_state(&s, buf, sizeof(buf));
	if (!c->expect) {
		KUNIT_EXPECT_PTR_EQ_MSG(test, msg, NULL, "unexpected: %s", msg);
		return;
	}
	KUNIT_ASSERT_NOT_NULL(test, msg);
	KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(msg, c->expect),
				  "message \"%s\" lacks \"%s\"", msg, c->expect);
}

/* ---- EPT builder ------------------------------------------------------------ */

static void ept_map_unmap_test(struct kunit *test)
{
	struct page *pages[3];
	struct vmx_ept ept;
	u64 e;
	int i;

	vmx_kunit_pages = 0;
	KUNIT_ASSERT_EQ(test, vmx_ept_init(&ept), 0);
	KUNIT_EXPECT_EQ(test, ept.eptp & 0xfff, EPTP_WALK_LENGTH_4 | EPTP_MEMTYPE_WB);
	for (i = 0; i < 3; i++) {
		pages[i] = alloc_page(GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, pages[i]);
	}

	KUNIT_EXPECT_EQ(test, vmx_ept_map(&ept, 0x7fe000, pages, 2, true), 0);
	KUNIT_EXPECT_EQ(test, vmx_ept_map(&ept, 0x10000000, &pages[2], 1, false), 0);
	e = vmx_ept_lookup(&ept, 0x7fe000);
	KUNIT_EXPECT_EQ(test, e & EPT_ADDR_MASK, (u64)page_to_phys(pages[0]));
	KUNIT_EXPECT_EQ(test, e & 0x7f, EPT_READ | EPT_WRITE | EPT_EXEC |
			EPT_MEMTYPE_WB | EPT_IGNORE_PAT);
	/* crosses into the next page table */
	e = vmx_ept_lookup(&ept, 0x7ff000);
	KUNIT_EXPECT_EQ(test, e & EPT_ADDR_MASK, (u64)page_to_phys(pages[1]));
	e = vmx_ept_lookup(&ept, 0x10000000);
	KUNIT_EXPECT_EQ(test, e & (EPT_READ | EPT_WRITE), EPT_READ);
	KUNIT_EXPECT_EQ(test, vmx_ept_lookup(&ept, 0x800000), 0ULL);
	KUNIT_EXPECT_EQ(test, vmx_ept_lookup(&ept, 0x7fd000), 0ULL);

	/* beyond 48 bits, or unaligned: refused, nothing mapped */
	KUNIT_EXPECT_EQ(test, vmx_ept_map(&ept, 1ULL << 48, pages, 1, true), -EINVAL);
	KUNIT_EXPECT_EQ(test, vmx_ept_map(&ept, 0x1800, pages, 1, true), -EINVAL);

	vmx_ept_unmap(&ept, 0x7fe000, 2);
	KUNIT_EXPECT_EQ(test, vmx_ept_lookup(&ept, 0x7fe000), 0ULL);
	KUNIT_EXPECT_EQ(test, vmx_ept_lookup(&ept, 0x7ff000), 0ULL);
	KUNIT_EXPECT_NE(test, vmx_ept_lookup(&ept, 0x10000000), 0ULL);

	vmx_ept_destroy(&ept);
	KUNIT_EXPECT_EQ(test, vmx_kunit_pages, 0L);
	for (i = 0; i < 3; i++)
		__free_page(pages[i]);
}

/* ---- the controls asked for ------------------------------------------- */

/* A capability MSR that allows every control to be 0 or 1. */
#define ANY_CONTROL_MSR		(0xffffffffULL << 32)

/*
 * Without the debug controls the host's DR7 stays live in the guest: a
 * CPU that cannot load and save them is refused, not run without them.
 */
static void debug_controls_required_test(struct kunit *test)
{
	u32 ctl = 0, missing = 0;

	KUNIT_EXPECT_EQ(test, vmx_adjust_controls(ANY_CONTROL_MSR, &entry_want,
						  &ctl, &missing), 0);
	KUNIT_EXPECT_TRUE(test, ctl & ENTRY_LOAD_DEBUG_CONTROLS);
	KUNIT_EXPECT_EQ(test, vmx_adjust_controls(ANY_CONTROL_MSR, &exit_want,
						  &ctl, &missing), 0);
	KUNIT_EXPECT_TRUE(test, ctl & EXIT_SAVE_DEBUG_CONTROLS);
	KUNIT_EXPECT_EQ(test,
			vmx_adjust_controls(ANY_CONTROL_MSR &
					    ~((u64)ENTRY_LOAD_DEBUG_CONTROLS << 32),
					    &entry_want, &ctl, &missing),
			-EOPNOTSUPP);
	KUNIT_EXPECT_EQ(test, missing, (u32)ENTRY_LOAD_DEBUG_CONTROLS);
	KUNIT_EXPECT_EQ(test,
			vmx_adjust_controls(ANY_CONTROL_MSR &
					    ~((u64)EXIT_SAVE_DEBUG_CONTROLS << 32),
					    &exit_want, &ctl, &missing),
			-EOPNOTSUPP);
	KUNIT_EXPECT_EQ(test, missing, (u32)EXIT_SAVE_DEBUG_CONTROLS);
}

/* A guest's WBINVD exits (and is skipped) wherever the CPU can make it. */
static void wbinvd_exiting_wanted_test(struct kunit *test)
{
	u32 ctl = 0, missing = 0;

	KUNIT_EXPECT_EQ(test, vmx_adjust_controls(ANY_CONTROL_MSR, &proc2_want,
						  &ctl, &missing), 0);
	KUNIT_EXPECT_TRUE(test, ctl & PROC2_WBINVD_EXITING);
}

/* ---- machine checks ----------------------------------------------------- */

static void machine_check_intercepted_test(struct kunit *test)
{
	KUNIT_EXPECT_TRUE(test, VMX_EXCEPTION_BITMAP & BIT(18));
}

static void machine_check_exits_test(struct kunit *test)
{
	const u32 hw = INTR_INFO_VALID | INTR_TYPE_HW_EXCEPTION;

	/* #MC in guest mode: exception exit, hardware exception 18 */
	KUNIT_EXPECT_TRUE(test, vmx_exit_is_machine_check(0, hw | 18));
	/* #MC during VM entry: reason 41 with the entry-failure bit */
	KUNIT_EXPECT_TRUE(test, vmx_exit_is_machine_check(BIT(31) | 41, 0));
	/* the guest's INT 18 is a software interrupt, not a machine check */
	KUNIT_EXPECT_FALSE(test, vmx_exit_is_machine_check(0, INTR_INFO_VALID |
							   INTR_TYPE_SW_INTR | 18));
	/* an NMI, another exception, an invalid field, another exit */
	KUNIT_EXPECT_FALSE(test, vmx_exit_is_machine_check(0, INTR_INFO_VALID |
							   INTR_TYPE_NMI | 2));
	KUNIT_EXPECT_FALSE(test, vmx_exit_is_machine_check(0, hw | 13));
	KUNIT_EXPECT_FALSE(test, vmx_exit_is_machine_check(0, INTR_TYPE_HW_EXCEPTION | 18));
	KUNIT_EXPECT_FALSE(test, vmx_exit_is_machine_check(1, hw | 18));
	KUNIT_EXPECT_FALSE(test, vmx_exit_is_machine_check(BIT(31) | 33, 0));
}

/* ---- VMX instruction failures and IPIs -------------------------------- */

/* What vmx_insn_failed() leaves behind, without executing a VMX insn. */
static void record_failure(u32 error)
{
	struct vmx_cpu *c = this_cpu_ptr(&vmx_cpu);

	c->insn_failed = true;
	c->insn_error = error;
}

/*
 * An IPI handler that itself fails, landing between the interrupted
 * code's failed instruction and its check: that failure (VM-instruction
 * error 12) must still be there afterwards, the IPI's (7) must not.
 */
static void ipi_keeps_interrupted_failure_test(struct kunit *test)
{
	struct vmx_insn_failure stash;
	struct vmx_cpu *c;

	preempt_disable();
	c = this_cpu_ptr(&vmx_cpu);
	record_failure(12);
	vmx_insn_failure_stash(&stash);
	KUNIT_EXPECT_FALSE(test, vmx_insn_failure_pending());
	record_failure(7);
	vmx_insn_failure_unstash(&stash);
	KUNIT_EXPECT_TRUE(test, vmx_insn_failure_pending());
	KUNIT_EXPECT_EQ(test, c->insn_error, 12U);
	c->insn_failed = false;
	preempt_enable();
}

/* ... and an IPI's failure does not become the interrupted code's. */
static void ipi_failure_stays_in_ipi_test(struct kunit *test)
{
	struct vmx_insn_failure stash;

	preempt_disable();
	vmx_insn_failure_stash(&stash);
	record_failure(7);
	vmx_insn_failure_unstash(&stash);
	KUNIT_EXPECT_FALSE(test, vmx_insn_failure_pending());
	preempt_enable();
}

static struct kunit_case vmx_test_cases[] = {
	KUNIT_CASE(debug_controls_required_test),
	KUNIT_CASE(wbinvd_exiting_wanted_test),
	KUNIT_CASE(machine_check_intercepted_test),
	KUNIT_CASE(machine_check_exits_test),
	KUNIT_CASE(adjust_forces_allowed0_test),
	KUNIT_CASE(adjust_drops_unoffered_optional_test),
	KUNIT_CASE(adjust_refuses_missing_required_test),
	KUNIT_CASE_PARAM(guest_state_test, state_case_gen_params),
	KUNIT_CASE(ept_map_unmap_test),
	KUNIT_CASE(ipi_keeps_interrupted_failure_test),
	KUNIT_CASE(ipi_failure_stays_in_ipi_test),
	{}
};

static struct kunit_suite vmx_test_suite = {
	.name = "vmctl_vmx",
	.test_cases = vmx_test_cases,
};

kunit_test_suite(vmx_test_suite);
