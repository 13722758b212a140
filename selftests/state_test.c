// SPDX-License-Identifier: GPL-2.0
/*
 * vCPU state: debug registers and the XSAVE image round-trip and refuse
 * what the guest's CPU would fault on; the whole state saved as one blob
 * halfway through a computation (GPRs, XMM, YMM, an MSR the guest wrote,
 * an IN not yet completed) and restored into fresh VMs, from memory and
 * from a file, finishes with the right answer; every kind of bad blob is
 * refused with its documented errno and leaves the vCPU as it was.
 * (state_events_test.c saves vCPUs with events in flight.)
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test_util.h"
#include "guests_state.h"

#define XSAVE_MXCSR		24		/* byte offsets in the XSAVE area */
#define XSAVE_XMM0		160
#define XSAVE_XSTATE_BV		512
#define XSAVE_XCOMP_BV		520
#define IN_VALUE		1000		/* what state_sum's IN reads */
#define SUM			((uint64_t)STATE_SUM_N * (STATE_SUM_N + 1) / 2)
#define MSR_STAR		0xc0000081
#define MSR_LSTAR		0xc0000082
#define MSR_TSC			0x10

static void debugregs(struct tvm *t)
{
	struct vmctl_debugregs d = { .db = { 0x1000, 0x2000, 0xffffffff81000000ULL, 0x4008 },
				     .dr6 = 0x4001, .dr7 = 0x00d0030f }, got, bad;
	int err;

	err = vmctl_vcpu_set_debugregs(t->vcpu, &d);
	if (!err)
		err = vmctl_vcpu_get_debugregs(t->vcpu, &got);
	tap_ok(!err && !memcmp(got.db, d.db, sizeof(d.db)) && got.dr7 == (0x00d0030f | 0x400) &&
	       got.dr6 == (0x4001 | 0xffff0ff0),
	       "debug registers round-trip; DR6's always-1 bits and DR7 bit 10 read as 1 "
	       "(DR6 0x%" PRIx64 ", DR7 0x%" PRIx64 ", %d)", (uint64_t)got.dr6,
	       (uint64_t)got.dr7, err);
	bad = d;
	bad.dr7 |= 1 << 11;
	err = vmctl_vcpu_set_debugregs(t->vcpu, &bad);
	tap_ok(err == -EINVAL, "reserved DR7 bit 11: -EINVAL (%d)", err);
	bad = d;
	bad.dr6 |= 1ULL << 32;
	err = vmctl_vcpu_set_debugregs(t->vcpu, &bad);
	tap_ok(err == -EINVAL, "DR6 bit 32: -EINVAL (%d)", err);
	bad = d;
	bad.reserved[8] = 1;
	err = vmctl_vcpu_set_debugregs(t->vcpu, &bad);
	tap_ok(err == -EINVAL, "reserved field not 0: -EINVAL (%d)", err);
	err = vmctl_vcpu_get_debugregs(t->vcpu, &bad);
	tap_ok(!err && !memcmp(&bad, &got, sizeof(got)), "refused sets changed nothing");
	/* DR0 is a live execution breakpoint at the guest's entry point: off. */
	memset(&d, 0, sizeof(d));
	if (vmctl_vcpu_set_debugregs(t->vcpu, &d))
		tap_bail("clearing the debug registers");
}

static void xsave(struct tvm *t)
{
	static struct vmctl_xsave x, got, bad;
	uint8_t *b = (uint8_t *)x.region;
	uint64_t bv = 3, v = 0xfffe;
	uint32_t mxcsr = 0x1f80 | (1u << 31);
	int err;

	err = vmctl_vcpu_get_xsave(t->vcpu, &x);
	if (err)
		tap_bail("vmctl_vcpu_get_xsave: %s", vmctl_strerror(err));
	memset(b + XSAVE_XMM0, 0x5a, 16);
	memcpy(b + XSAVE_XSTATE_BV, &bv, 8);
	err = vmctl_vcpu_set_xsave(t->vcpu, &x);
	if (!err)
		err = vmctl_vcpu_get_xsave(t->vcpu, &got);
	tap_ok(!err && !memcmp(&got, &x, sizeof(x)), "XSAVE image with XMM0 set round-trips (%d)",
	       err);
	bad = x;
	v = 1ULL << 62;
	memcpy((uint8_t *)bad.region + XSAVE_XSTATE_BV, &v, 8);
	err = vmctl_vcpu_set_xsave(t->vcpu, &bad);
	tap_ok(err == -EINVAL, "XSTATE_BV bit 62 (not in XCR0): -EINVAL (%d)", err);
	bad = x;
	memcpy((uint8_t *)bad.region + XSAVE_MXCSR, &mxcsr, 4);
	err = vmctl_vcpu_set_xsave(t->vcpu, &bad);
	tap_ok(err == -EINVAL, "MXCSR bit 31: -EINVAL (%d)", err);
	bad = x;
	v = 1ULL << 63 | 3;
	memcpy((uint8_t *)bad.region + XSAVE_XCOMP_BV, &v, 8);
	err = vmctl_vcpu_set_xsave(t->vcpu, &bad);
	tap_ok(err == -EINVAL, "XCOMP_BV (compacted form): -EINVAL (%d)", err);
	err = vmctl_vcpu_get_xsave(t->vcpu, &got);
	tap_ok(!err && !memcmp(&got, &x, sizeof(x)), "refused sets changed nothing");
}

/* The data of the blob's component of this type, NULL if none. */
static void *component(void *blob, uint32_t type, uint32_t *size)
{
	struct vmctl_state_header *h = blob;
	uint8_t *p = (uint8_t *)blob + sizeof(*h);
	uint32_t i;

	for (i = 0; i < h->nr_components; i++) {
		struct vmctl_state_component *c = (void *)p;

		if (c->type == type) {
			if (size)
				*size = c->size;
			return c + 1;
		}
		p += sizeof(*c) + c->size;
	}
	return NULL;
}

static uint64_t next_report(struct vmctl_vcpu *vcpu, const char *what)
{
	struct vmctl_exit exit;
	struct ucall uc = { 0 };
	int err;

	err = vmctl_vcpu_run_loop(vcpu, &exit);
	if (err || !ucall_get(vcpu, &exit, &uc) || uc.code != UCALL_REPORT)
		tap_bail("%s: expected a ucall REPORT, got %d, %s", what, err, exit.message);
	return uc.arg;
}

/* Runs a restored state_sum to its end and checks its four answers. */
static void finish_sum(struct tvm *t, const char *how)
{
	uint64_t r12, xmm, ymm, star;
	struct vmctl_exit exit;
	int err;

	r12 = next_report(t->vcpu, "R12");
	xmm = next_report(t->vcpu, "XMM1");
	ymm = next_report(t->vcpu, "YMM2");
	star = next_report(t->vcpu, "STAR");
	tap_ok(r12 == SUM + IN_VALUE && xmm == SUM && ymm == STATE_SUM_N && star == STATE_STAR,
	       "%s: R12 %" PRIu64 " (IN included), XMM1 %" PRIu64 ", YMM2 upper %" PRIu64
	       ", STAR 0x%" PRIx64, how, r12, xmm, ymm, star);
	err = vmctl_vcpu_run_loop(t->vcpu, &exit);
	tap_ok(err == 0 && exit.reason == VMCTL_EXIT_HLT, "%s: halts (%s)", how, exit.message);
}

/* A fresh VM with t's memory, its vCPU set from the blob. */
static void clone_vm(struct tvm *dst, const struct tvm *src)
{
	tvm_create(dst, src->mem_size);
	memcpy(dst->mem, src->mem, src->mem_size);
}

struct bad_case {
	const char *what;
	int err;
};

static bool same_state(const void *a, const void *b, size_t size);

/* Applies one corruption to a copy of good; checks errno and no change. */
static void try_bad(struct tvm *t, const void *good, size_t size, const void *now,
		    size_t now_size, void (*corrupt)(void *blob), const struct bad_case *c)
{
	void *blob = malloc(size), *after;
	size_t after_size;
	int err;

	if (!blob)
		tap_bail("out of memory");
	memcpy(blob, good, size);
	corrupt(blob);
	err = vmctl_vcpu_restore_state(t->vcpu, blob, ((struct vmctl_state_header *)blob)->size);
	if (vmctl_vcpu_save_state(t->vcpu, &after, &after_size))
		tap_bail("vmctl_vcpu_save_state after a refused restore");
	tap_ok(err == c->err && after_size == now_size && same_state(after, now, now_size),
	       "%s: %s (%d), state unchanged", c->what, strerror(-c->err), err);
	free(after);
	free(blob);
}

static void bad_magic(void *b) { ((struct vmctl_state_header *)b)->magic ^= 1; }
static void bad_version(void *b) { ((struct vmctl_state_header *)b)->version = 2; }
static void bad_count(void *b) { ((struct vmctl_state_header *)b)->nr_components++; }
static void bad_trailing(void *b) { ((struct vmctl_state_header *)b)->nr_components--; }
static void bad_reserved(void *b) { ((struct vmctl_state_header *)b)->reserved[1] = 1; }
static void bad_flags(void *b) { ((struct vmctl_state_header *)b)->flags = 2; }

static void set_type(void *b, uint32_t from, uint32_t to)
{
	struct vmctl_state_component *c = component(b, from, NULL);

	c[-1].type = to;
}
static void bad_unknown(void *b) { set_type(b, VMCTL_STATE_PENDING, 0x77); }
static struct vmctl_vcpu_events *events(void *b)
{
	struct vmctl_vcpu_events *ev = component(b, VMCTL_STATE_EVENTS, NULL);

	if (!ev)
		tap_bail("the blob has no events component");
	return ev;
}
static void bad_events_two(void *b)
{
	events(b)->exception.injected = 1;
	events(b)->exception.nr = 6;
	events(b)->nmi.injected = 1;
}
static void bad_events_vector(void *b)
{
	events(b)->exception.injected = 1;
	events(b)->exception.nr = 2;
}
static void bad_events_shadow(void *b) { events(b)->shadow = VMCTL_SHADOW_MOV_SS; }
static void bad_events_sti_if(void *b)
{
	((struct vmctl_regs *)component(b, VMCTL_STATE_REGS, NULL))->rflags &= ~(1ULL << 9);
	events(b)->shadow = VMCTL_SHADOW_STI;
	((struct vmctl_state_cpu *)component(b, VMCTL_STATE_CPU, NULL))->interrupt_shadow =
		VMCTL_SHADOW_STI;
}
static void bad_events_reserved(void *b) { events(b)->reserved[2] = 1; }
static void bad_cpu_flags(void *b)
{
	((struct vmctl_state_cpu *)component(b, VMCTL_STATE_CPU, NULL))->flags = 2;
}
static void bad_twice(void *b) { set_type(b, VMCTL_STATE_XSAVE, VMCTL_STATE_REGS); }
static void bad_size(void *b) { set_type(b, VMCTL_STATE_CPU, VMCTL_STATE_PENDING); }
static void bad_rflags(void *b)
{
	((struct vmctl_regs *)component(b, VMCTL_STATE_REGS, NULL))->rflags |= 1 << 3;
}
static void bad_cr4(void *b)
{
	((struct vmctl_sregs *)component(b, VMCTL_STATE_SREGS, NULL))->cr4 |= 1 << 13;
}
static void bad_dr7(void *b)
{
	((struct vmctl_debugregs *)component(b, VMCTL_STATE_DEBUGREGS, NULL))->dr7 |= 1 << 12;
}
static void bad_mxcsr(void *b)
{
	uint8_t *x = component(b, VMCTL_STATE_XSAVE, NULL);

	x[XSAVE_MXCSR + 3] |= 0x80;
}
static void bad_xcr0(void *b)
{
	((struct vmctl_xcrs *)component(b, VMCTL_STATE_XCRS, NULL))->xcrs[0].value ^= 1ULL << 1;
}

static struct vmctl_msr_entry *msr_entry(void *b, uint32_t index)
{
	struct vmctl_state_msrs *m = component(b, VMCTL_STATE_MSRS, NULL);
	uint32_t i;

	for (i = 0; m && i < m->nmsrs; i++)
		if (m->entries[i].index == index)
			return &m->entries[i];
	tap_bail("MSR 0x%x is not in the blob", index);
}
/*
 * Two blobs hold the same state: byte for byte, but for the guest's TSC,
 * which runs on between two saves.
 */
static bool same_state(const void *a, const void *b, size_t size)
{
	void *ca = malloc(size), *cb = malloc(size);
	bool same;

	if (!ca || !cb)
		tap_bail("out of memory");
	memcpy(ca, a, size);
	memcpy(cb, b, size);
	msr_entry(ca, MSR_TSC)->data = 0;
	msr_entry(cb, MSR_TSC)->data = 0;
	same = !memcmp(ca, cb, size);
	free(ca);
	free(cb);
	return same;
}

/* KVM's paravirtual MSR range: never one of vmctl's. */
static void bad_msr_index(void *b) { msr_entry(b, MSR_STAR)->index = 0x4b564d00; }
static void bad_msr_value(void *b) { msr_entry(b, MSR_LSTAR)->data = 0x8000000000000000ULL; }
static void bad_shadow(void *b)
{
	((struct vmctl_state_cpu *)component(b, VMCTL_STATE_CPU, NULL))->interrupt_shadow =
		VMCTL_SHADOW_STI | VMCTL_SHADOW_MOV_SS;
}
static void bad_pending(void *b)
{
	((struct vmctl_state_pending *)component(b, VMCTL_STATE_PENDING, NULL))->size = 3;
}
static void bad_entry(void *b)
{
	/* SET_SREGS takes it; VM entry does not: CS.DPL 3 with SS.DPL 0. */
	((struct vmctl_sregs *)component(b, VMCTL_STATE_SREGS, NULL))->cs.dpl = 3;
}

static const struct {
	void (*corrupt)(void *blob);
	struct bad_case c;
} bad_blobs[] = {
	{ bad_magic, { "wrong magic", -EINVAL } },
	{ bad_version, { "version 2", -EPROTO } },
	{ bad_count, { "one component more than there is", -EINVAL } },
	{ bad_trailing, { "bytes after the last component", -EINVAL } },
	{ bad_reserved, { "header reserved not 0", -EINVAL } },
	{ bad_flags, { "unknown header flag", -EINVAL } },
	{ bad_unknown, { "unknown component type 0x77", -EOPNOTSUPP } },
	{ bad_events_two, { "events: an exception and an NMI injected", -EINVAL } },
	{ bad_events_vector, { "events: exception vector 2", -EINVAL } },
	{ bad_events_shadow, { "events: a shadow the CPU component lacks", -EINVAL } },
	{ bad_events_sti_if, { "events: STI shadow with the blob's RFLAGS.IF clear", -EINVAL } },
	{ bad_events_reserved, { "events: reserved not 0", -EINVAL } },
	{ bad_cpu_flags, { "CPU: unknown flag", -EINVAL } },
	{ bad_twice, { "a component type twice", -EINVAL } },
	{ bad_size, { "a component of the wrong size", -EINVAL } },
	{ bad_rflags, { "RFLAGS reserved bit 3", -EINVAL } },
	{ bad_cr4, { "CR4.VMXE", -EINVAL } },
	{ bad_dr7, { "DR7 reserved bit 12", -EINVAL } },
	{ bad_mxcsr, { "MXCSR bit 31", -EINVAL } },
	{ bad_xcr0, { "XCR0 other than the guest's", -EINVAL } },
	{ bad_msr_index, { "an MSR the module does not keep", -EINVAL } },
	{ bad_msr_value, { "non-canonical LSTAR", -EINVAL } },
	{ bad_shadow, { "STI and MOV-SS shadow at once", -EINVAL } },
	{ bad_pending, { "pending IN of 3 bytes", -EINVAL } },
	{ bad_entry, { "CS.DPL 3 with SS.DPL 0 (VM-entry check)", -EINVAL } },
};

#define NR_BAD	(sizeof(bad_blobs) / sizeof(bad_blobs[0]))

static void bad(struct tvm *t, const void *good, size_t size)
{
	void *now, *big, *skipped;
	size_t now_size;
	unsigned int i;
	int err;

	if (vmctl_vcpu_save_state(t->vcpu, &now, &now_size))
		tap_bail("vmctl_vcpu_save_state");
	for (i = 0; i < NR_BAD; i++)
		try_bad(t, good, size, now, now_size, bad_blobs[i].corrupt, &bad_blobs[i].c);

	big = calloc(1, VMCTL_STATE_MAX_SIZE + 8);
	if (!big)
		tap_bail("out of memory");
	memcpy(big, good, size);
	((struct vmctl_state_header *)big)->size = VMCTL_STATE_MAX_SIZE + 8;
	err = vmctl_vcpu_restore_state(t->vcpu, big, VMCTL_STATE_MAX_SIZE + 8);
	tap_ok(err == -E2BIG, "blob above VMCTL_STATE_MAX_SIZE: -E2BIG (%d)", err);
	free(big);

	/* With VMCTL_STATE_IGNORE_UNKNOWN an unknown component is skipped. */
	skipped = malloc(size);
	if (!skipped)
		tap_bail("out of memory");
	memcpy(skipped, good, size);
	bad_unknown(skipped);
	((struct vmctl_state_header *)skipped)->flags = VMCTL_STATE_IGNORE_UNKNOWN;
	err = vmctl_vcpu_restore_state(t->vcpu, skipped, size);
	tap_ok(err == 0, "unknown type with VMCTL_STATE_IGNORE_UNKNOWN: accepted (%d)", err);
	free(skipped);
	free(now);
}

int main(void)
{
	struct tvm t, t2, t3;
	struct vmctl_sregs sregs;
	struct vmctl_state_header *h;
	struct vmctl_exit exit;
	char path[] = "/tmp/vmctl-state-XXXXXX";
	size_t size;
	void *blob;
	int err, fd;

	tap_plan(10 + 11 + NR_BAD + 2 + 1 + 1);

	tvm_create(&t, 4 << 20);
	debugregs(&t);
	xsave(&t);
	tvm_start_long(&t, state_sum_begin, state_sum_end);

	/* Halfway: the IN is answered but not completed when the state is saved. */
	err = vmctl_vcpu_run_loop(t.vcpu, &exit);
	if (err || exit.reason != LIBVMCTL_EXIT_UNHANDLED_IO || exit.io.port != STATE_IN_PORT)
		tap_bail("expected the IN from port 0x%x, got %d, %s", STATE_IN_PORT, err,
			 exit.message);
	err = vmctl_vcpu_complete_in(t.vcpu, IN_VALUE);
	if (!err)
		err = vmctl_vcpu_save_state(t.vcpu, &blob, &size);
	if (err)
		tap_bail("saving the state: %s", vmctl_strerror(err));
	h = blob;
	tap_ok(h->magic == VMCTL_STATE_MAGIC && h->version == VMCTL_STATE_VERSION &&
	       h->size == size && component(blob, VMCTL_STATE_REGS, NULL) &&
	       component(blob, VMCTL_STATE_XSAVE, NULL) && component(blob, VMCTL_STATE_MSRS, NULL),
	       "blob: magic, version 1, %zu bytes, %u components", size, h->nr_components);
	tap_ok(msr_entry(blob, MSR_STAR)->data == STATE_STAR &&
	       ((struct vmctl_state_pending *)component(blob, VMCTL_STATE_PENDING, NULL))->kind ==
	       VMCTL_PENDING_IN,
	       "blob holds the guest's STAR and the pending IN");

	/* Restored into a fresh VM with a copy of the memory. */
	clone_vm(&t2, &t);
	err = vmctl_vcpu_restore_state(t2.vcpu, blob, size);
	tap_ok(err == 0, "restore into a new VM (%d)", err);
	finish_sum(&t2, "restored VM");

	/* The same through a file, into a third VM. */
	fd = mkstemp(path);
	if (fd < 0)
		tap_bail("mkstemp");
	close(fd);
	err = vmctl_vcpu_save_state_file(t.vcpu, path);
	tap_ok(err == 0, "vmctl_vcpu_save_state_file (%d)", err);
	clone_vm(&t3, &t);
	err = vmctl_vcpu_restore_state_file(t3.vcpu, path);
	tap_ok(err == 0, "vmctl_vcpu_restore_state_file (%d)", err);
	unlink(path);
	finish_sum(&t3, "VM restored from a file");

	/* The original goes on as if nothing happened. */
	finish_sum(&t, "original VM");

	/* Bad blobs, on a vCPU set to the good state again. */
	err = vmctl_vcpu_restore_state(t2.vcpu, blob, size);
	if (err || vmctl_vcpu_get_sregs(t2.vcpu, &sregs))
		tap_bail("restoring the good blob: %d", err);
	bad(&t2, blob, size);

	/* The text dump shows the state saved halfway: i (R13) is N / 2. */
	{
		static char dump[4096];

		err = vmctl_vcpu_restore_state(t2.vcpu, blob, size);
		if (!err)
			err = vmctl_vcpu_dump(t2.vcpu, dump, sizeof(dump));
		tap_ok(!err && strstr(dump, "R13 00000000000001f4") &&
		       strstr(dump, "CR3 0000000000100000") && strstr(dump, "CS  0008"),
		       "vmctl_vcpu_dump shows R13 = 500, CR3 = the page tables, CS 8 (%d):\n%s",
		       err, dump);
	}

	free(blob);

	/* A guest writing DR7 back as it read it (bit 10 set) gets no #GP. */
	tvm_start_long(&t3, dr7_rewrite_begin, dr7_rewrite_end);
	err = vmctl_vcpu_run_loop(t3.vcpu, &exit);
	{
		struct ucall uc = { 0 };
		bool reported = !err && ucall_get(t3.vcpu, &exit, &uc) &&
				uc.code == UCALL_REPORT;

		tap_ok(reported && uc.arg == 0x400, "guest MOV to DR7 of the value read (0x400): "
		       "no #GP, reads back 0x%" PRIx64 " (%s)", uc.arg, exit.message);
	}
	tvm_destroy(&t3);
	tvm_destroy(&t2);
	tvm_destroy(&t);
	return tap_finish();
}
