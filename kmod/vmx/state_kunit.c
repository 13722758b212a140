// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite of the vCPU state blob's layout checks (state_check.c):
 * one good blob built here byte by byte, then each way to break it, with
 * the errno VMCTL_SET_STATE documents for it.  #included by
 * kmod/tests/state_kunit.c.
 */
#include <kunit/test.h>
#include <linux/kernel.h>
#include <linux/string.h>

#include "state_check.c"

#define TEST_BLOB_MAX	8192

struct test_blob {
	u8 bytes[TEST_BLOB_MAX];
	u32 len;
};

static struct vmctl_state_header *test_header(struct test_blob *b)
{
	return (struct vmctl_state_header *)b->bytes;
}

/* Appends a component with size bytes of data (zero, or an MSR count). */
static void *test_add(struct test_blob *b, u32 type, u32 size)
{
	struct vmctl_state_component *c = (void *)(b->bytes + b->len);

	c->type = type;
	c->size = size;
	memset(c + 1, 0, size);
	b->len += sizeof(*c) + size;
	test_header(b)->nr_components++;
	test_header(b)->size = b->len;
	return c + 1;
}

/* Header, REGS, SREGS, two MSRs, CPU: a valid layout. */
static void test_good_blob(struct test_blob *b)
{
	struct vmctl_state_msrs *m;

	memset(b, 0, sizeof(*b));
	b->len = sizeof(struct vmctl_state_header);
	test_header(b)->magic = 0x54534d56;		/* "VMST" */
	test_header(b)->version = 1;
	test_header(b)->size = b->len;
	test_add(b, 1, 144);				/* REGS: 18 u64 */
	test_add(b, 2, sizeof(struct vmctl_sregs));
	m = test_add(b, 6, 8 + 2 * 16);			/* MSRS: 2 entries */
	m->nmsrs = 2;
	test_add(b, 8, 32);				/* CPU */
}

static int test_parse(struct test_blob *b, struct vmx_state_parts *parts)
{
	return vmx_state_parse(b->bytes, b->len, parts);
}

static void state_good_blob_parses_test(struct kunit *test)
{
	struct vmx_state_parts parts;
	struct test_blob *b = kunit_kzalloc(test, sizeof(*b), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, b);
	test_good_blob(b);
	KUNIT_EXPECT_EQ(test, test_parse(b, &parts), 0);
	KUNIT_EXPECT_PTR_EQ(test, parts.data[1],
			    (const void *)(b->bytes + sizeof(struct vmctl_state_header) + 8));
	KUNIT_EXPECT_EQ(test, parts.size[6], 8U + 2 * 16);
	KUNIT_EXPECT_NULL(test, parts.data[4]);		/* no XSAVE: left alone */
	/* Header only: nothing to set, nothing wrong. */
	b->len = sizeof(struct vmctl_state_header);
	test_header(b)->size = b->len;
	test_header(b)->nr_components = 0;
	KUNIT_EXPECT_EQ(test, test_parse(b, &parts), 0);
}

static void state_header_rejections_test(struct kunit *test)
{
	struct vmx_state_parts parts;
	struct test_blob *b = kunit_kzalloc(test, sizeof(*b), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, b);
	test_good_blob(b);
	test_header(b)->magic ^= 0x100;
	KUNIT_EXPECT_EQ(test, test_parse(b, &parts), -EINVAL);
	test_good_blob(b);
	test_header(b)->version = 2;
	KUNIT_EXPECT_EQ(test, test_parse(b, &parts), -EPROTO);
	test_good_blob(b);
	test_header(b)->size += 8;			/* says more than there is */
	KUNIT_EXPECT_EQ(test, test_parse(b, &parts), -EINVAL);
	test_good_blob(b);
	test_header(b)->flags = 2;			/* only bit 0 is defined */
	KUNIT_EXPECT_EQ(test, test_parse(b, &parts), -EINVAL);
	test_good_blob(b);
	test_header(b)->pad = 1;
	KUNIT_EXPECT_EQ(test, test_parse(b, &parts), -EINVAL);
	test_good_blob(b);
	test_header(b)->reserved[0] = 1;
	KUNIT_EXPECT_EQ(test, test_parse(b, &parts), -EINVAL);
	test_good_blob(b);
	KUNIT_EXPECT_EQ(test, vmx_state_parse(b->bytes, 16, &parts), -EINVAL);
}

static void state_component_rejections_test(struct kunit *test)
{
	struct vmx_state_parts parts;
	struct test_blob *b = kunit_kzalloc(test, sizeof(*b), GFP_KERNEL);
	struct vmctl_state_component *regs;
	struct vmctl_state_msrs *m;

	KUNIT_ASSERT_NOT_NULL(test, b);
	regs = (void *)(b->bytes + sizeof(struct vmctl_state_header));

	/* More components claimed than bytes hold. */
	test_good_blob(b);
	test_header(b)->nr_components++;
	KUNIT_EXPECT_EQ(test, test_parse(b, &parts), -EINVAL);
	/* Bytes left after the last component. */
	test_good_blob(b);
	test_header(b)->nr_components--;
	KUNIT_EXPECT_EQ(test, test_parse(b, &parts), -EINVAL);
	/* A size that is not a multiple of 8, one beyond the blob. */
	test_good_blob(b);
	regs->size = 140;
	KUNIT_EXPECT_EQ(test, test_parse(b, &parts), -EINVAL);
	test_good_blob(b);
	regs->size = 0xfffffff8;
	KUNIT_EXPECT_EQ(test, test_parse(b, &parts), -EINVAL);
	/* REGS of another size; the same type twice. */
	test_good_blob(b);
	test_add(b, 1, 152);
	KUNIT_EXPECT_EQ(test, test_parse(b, &parts), -EINVAL);
	test_good_blob(b);
	test_add(b, 8, 32);
	KUNIT_EXPECT_EQ(test, test_parse(b, &parts), -EINVAL);
	/* An MSR list whose count is not its size. */
	test_good_blob(b);
	m = (void *)(b->bytes + sizeof(struct vmctl_state_header) + 8 + 144 + 8 +
		    sizeof(struct vmctl_sregs) + 8);
	m->nmsrs = 3;
	KUNIT_EXPECT_EQ(test, test_parse(b, &parts), -EINVAL);
	m->nmsrs = 0xf0000001;				/* 16 * n wraps 32 bits */
	KUNIT_EXPECT_EQ(test, test_parse(b, &parts), -EINVAL);
}

static void state_unknown_types_test(struct kunit *test)
{
	struct vmx_state_parts parts;
	struct test_blob *b = kunit_kzalloc(test, sizeof(*b), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, b);
	test_good_blob(b);
	test_add(b, 0x77, 16);
	KUNIT_EXPECT_EQ(test, test_parse(b, &parts), -EOPNOTSUPP);
	test_header(b)->flags = 1;			/* IGNORE_UNKNOWN */
	KUNIT_EXPECT_EQ(test, test_parse(b, &parts), 0);
	KUNIT_EXPECT_PTR_NE(test, parts.data[1], (const void *)NULL);
	/* 0 is unknown too. */
	test_good_blob(b);
	test_add(b, 0, 8);
	KUNIT_EXPECT_EQ(test, test_parse(b, &parts), -EOPNOTSUPP);
}

/* EVENTS (7) is known: its fixed size, no more, no less. */
static void state_events_component_test(struct kunit *test)
{
	struct vmx_state_parts parts;
	struct test_blob *b = kunit_kzalloc(test, sizeof(*b), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, b);
	test_good_blob(b);
	test_add(b, 7, 56);				/* struct vmctl_vcpu_events */
	KUNIT_EXPECT_EQ(test, test_parse(b, &parts), 0);
	KUNIT_EXPECT_EQ(test, parts.size[7], 56U);
	test_good_blob(b);
	test_add(b, 7, 48);
	KUNIT_EXPECT_EQ(test, test_parse(b, &parts), -EINVAL);
	test_good_blob(b);
	test_add(b, 7, 64);
	KUNIT_EXPECT_EQ(test, test_parse(b, &parts), -EINVAL);
}

static struct kunit_case state_test_cases[] = {
	KUNIT_CASE(state_good_blob_parses_test),
	KUNIT_CASE(state_header_rejections_test),
	KUNIT_CASE(state_component_rejections_test),
	KUNIT_CASE(state_unknown_types_test),
	KUNIT_CASE(state_events_component_test),
	{}
};

static struct kunit_suite state_test_suite = {
	.name = "vmctl_vmx_state_blob",
	.test_cases = state_test_cases,
};

kunit_test_suite(state_test_suite);
