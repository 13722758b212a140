// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite of the event-injection decisions (events.h): when an
 * interrupt or NMI may be injected, and what a second exception does to a
 * first.  #included by kmod/tests/events_kunit.c.  Expected values follow
 * the SDM's tables ("Interruptibility State", "Conditions for Generating a
 * Double Fault"), spelled as numbers, not as the macros under test.
 */
#include <kunit/test.h>
#include <linux/bits.h>
#include <linux/kernel.h>

#include "events.h"

#define IF		BIT(9)		/* RFLAGS.IF */
#define STI_SHADOW	BIT(0)		/* interruptibility bits */
#define MOV_SS_SHADOW	BIT(1)
#define NMI_BLOCKED	BIT(3)
#define SLOT_VALID	BIT(31)

static void irq_needs_if_test(struct kunit *test)
{
	struct vmx_event_window w = { .rflags = 0x2 };

	KUNIT_EXPECT_FALSE(test, vmx_irq_allowed(&w));
	w.rflags |= IF;
	KUNIT_EXPECT_TRUE(test, vmx_irq_allowed(&w));
}

static void irq_waits_for_shadows_test(struct kunit *test)
{
	struct vmx_event_window w = { .rflags = 0x2 | IF };

	w.interruptibility = STI_SHADOW;
	KUNIT_EXPECT_FALSE(test, vmx_irq_allowed(&w));
	w.interruptibility = MOV_SS_SHADOW;
	KUNIT_EXPECT_FALSE(test, vmx_irq_allowed(&w));
	/* An NMI in service does not hold back interrupts. */
	w.interruptibility = NMI_BLOCKED;
	KUNIT_EXPECT_TRUE(test, vmx_irq_allowed(&w));
}

static void one_event_per_entry_test(struct kunit *test)
{
	struct vmx_event_window w = { .rflags = 0x2 | IF };

	w.entry_intr_info = SLOT_VALID | (3 << 8) | 13;	/* #GP set up */
	KUNIT_EXPECT_FALSE(test, vmx_irq_allowed(&w));
	KUNIT_EXPECT_FALSE(test, vmx_nmi_allowed(&w));
	/* A vector left over with the valid bit clear is no event. */
	w.entry_intr_info = 13;
	KUNIT_EXPECT_TRUE(test, vmx_irq_allowed(&w));
	KUNIT_EXPECT_TRUE(test, vmx_nmi_allowed(&w));
}

static void nmi_blocking_test(struct kunit *test)
{
	struct vmx_event_window w = { .rflags = 0x2 };

	/* IF does not mask NMIs. */
	KUNIT_EXPECT_TRUE(test, vmx_nmi_allowed(&w));
	w.interruptibility = NMI_BLOCKED;
	KUNIT_EXPECT_FALSE(test, vmx_nmi_allowed(&w));
	w.interruptibility = MOV_SS_SHADOW;
	KUNIT_EXPECT_FALSE(test, vmx_nmi_allowed(&w));
	w.rflags |= IF;
	w.interruptibility = STI_SHADOW;
	KUNIT_EXPECT_FALSE(test, vmx_nmi_allowed(&w));
}

static void contributory_pairs_double_fault_test(struct kunit *test)
{
	static const unsigned int contributory[] = { 0, 10, 11, 12, 13 };
	unsigned int i, j;

	for (i = 0; i < ARRAY_SIZE(contributory); i++)
		for (j = 0; j < ARRAY_SIZE(contributory); j++)
			KUNIT_EXPECT_EQ(test, vmx_merge_exceptions(contributory[i],
								   contributory[j]),
					VMX_MERGE_DOUBLE_FAULT);
}

static void page_fault_then_test(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, vmx_merge_exceptions(14, 14), VMX_MERGE_DOUBLE_FAULT);
	KUNIT_EXPECT_EQ(test, vmx_merge_exceptions(14, 13), VMX_MERGE_DOUBLE_FAULT);
	KUNIT_EXPECT_EQ(test, vmx_merge_exceptions(14, 0), VMX_MERGE_DOUBLE_FAULT);
	/* benign second: serial */
	KUNIT_EXPECT_EQ(test, vmx_merge_exceptions(14, 6), VMX_MERGE_SECOND);
	KUNIT_EXPECT_EQ(test, vmx_merge_exceptions(14, 1), VMX_MERGE_SECOND);
	/* contributory first, page fault second: serial */
	KUNIT_EXPECT_EQ(test, vmx_merge_exceptions(13, 14), VMX_MERGE_SECOND);
}

static void benign_first_is_serial_test(struct kunit *test)
{
	static const unsigned int benign[] = { 1, 3, 4, 5, 6, 7, 9, 16, 17, 18, 19 };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(benign); i++) {
		KUNIT_EXPECT_EQ(test, vmx_merge_exceptions(benign[i], 13), VMX_MERGE_SECOND);
		KUNIT_EXPECT_EQ(test, vmx_merge_exceptions(benign[i], 14), VMX_MERGE_SECOND);
	}
}

static void double_fault_then_shutdown_test(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, vmx_merge_exceptions(8, 13), VMX_MERGE_TRIPLE_FAULT);
	KUNIT_EXPECT_EQ(test, vmx_merge_exceptions(8, 14), VMX_MERGE_TRIPLE_FAULT);
	KUNIT_EXPECT_EQ(test, vmx_merge_exceptions(8, 6), VMX_MERGE_TRIPLE_FAULT);
}

static void error_code_vectors_test(struct kunit *test)
{
	static const unsigned int with_code[] = { 8, 10, 11, 12, 13, 14, 17, 21 };
	unsigned int v, i, expected;

	for (v = 0; v < 32; v++) {
		expected = 0;
		for (i = 0; i < ARRAY_SIZE(with_code); i++)
			expected |= v == with_code[i];
		KUNIT_EXPECT_EQ_MSG(test, vmx_exception_has_error_code(v), (bool)expected,
				    "vector %u", v);
	}
}

static struct kunit_case events_test_cases[] = {
	KUNIT_CASE(irq_needs_if_test),
	KUNIT_CASE(irq_waits_for_shadows_test),
	KUNIT_CASE(one_event_per_entry_test),
	KUNIT_CASE(nmi_blocking_test),
	KUNIT_CASE(contributory_pairs_double_fault_test),
	KUNIT_CASE(page_fault_then_test),
	KUNIT_CASE(benign_first_is_serial_test),
	KUNIT_CASE(double_fault_then_shutdown_test),
	KUNIT_CASE(error_code_vectors_test),
	{}
};

static struct kunit_suite events_test_suite = {
	.name = "vmctl_vmx_events",
	.test_cases = events_test_cases,
};

kunit_test_suite(events_test_suite);
