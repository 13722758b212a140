// SPDX-License-Identifier: GPL-2.0
/*
 * Guest and host exchange data through two memory slots that span 18 MiB
 * together, with a hole between them; 16 MiB of it goes both ways: the
 * guest writes a pattern the host checks qword by qword, then the host
 * writes one the guest checks.  Each qword holds its own guest-physical
 * address XOR a seed, so a page mapped at the wrong place, or twice, shows.
 */
#include <errno.h>
#include <inttypes.h>

#include "test_util.h"

#define MIB		(1ULL << 20)
#define SLOT0_SIZE	(8 * MIB)	/* code, stack, tables, then data */
#define SLOT1_GPA	(16 * MIB)	/* a hole of 8 MiB between the slots */
#define SLOT1_SIZE	(10 * MIB)
#define DATA0		(2 * MIB)	/* first range: [2 MiB, 8 MiB) */
#define SEED_GUEST	0x5a5a5a5a00000000ULL
#define SEED_HOST	0x00000000c3c3c3c3ULL

static uint64_t check(struct vmctl_vm *vm, uint64_t start, uint64_t end, uint64_t seed)
{
	uint64_t *p = vmctl_vm_gpa_to_host(vm, start, end - start), bad = 0, a;

	if (!p)
		tap_bail("no host view of guest 0x%" PRIx64 "-0x%" PRIx64, start, end);
	for (a = start; a < end; a += 8, p++)
		bad += *p != (a ^ seed);
	return bad;
}

static void fill(struct vmctl_vm *vm, uint64_t start, uint64_t end, uint64_t seed)
{
	uint64_t *p = vmctl_vm_gpa_to_host(vm, start, end - start), a;

	if (!p)
		tap_bail("no host view of guest 0x%" PRIx64 "-0x%" PRIx64, start, end);
	for (a = start; a < end; a += 8)
		*p++ = a ^ seed;
}

int main(void)
{
	struct vmctl_exit exit;
	struct vmctl_regs regs;
	struct ucall uc = { 0 };
	struct tvm t;
	uint8_t *slot1;
	uint64_t bad, t0;
	int slot, err;

	tap_plan(9);
	tvm_create(&t, SLOT0_SIZE);
	slot = vmctl_vm_mem_add(t.vm, SLOT1_GPA, SLOT1_SIZE, 0, (void **)&slot1);
	tap_ok(slot > 0, "second slot of %llu MiB at %llu MiB (slot %d)",
	       SLOT1_SIZE / MIB, SLOT1_GPA / MIB, slot);
	if (slot <= 0)
		tap_bail("cannot go on without the second slot");
	tap_ok(vmctl_vm_mem_add(t.vm, SLOT1_GPA + SLOT1_SIZE - 4096, 8192, 0, NULL) == -EEXIST,
	       "an overlapping slot is refused with -EEXIST");
	tap_ok(vmctl_vm_gpa_to_host(t.vm, SLOT1_GPA, SLOT1_SIZE) == slot1 &&
	       !vmctl_vm_gpa_to_host(t.vm, SLOT0_SIZE, 8) &&
	       !vmctl_vm_gpa_to_host(t.vm, SLOT1_GPA - 8, 16), "translation stops at slot edges");

	/* The page tables must reach the second slot: map 32 MiB. */
	t.mem_size = SLOT1_GPA + SLOT1_SIZE;
	tvm_start_long(&t, mem_pattern_begin, mem_pattern_end);
	err = vmctl_vcpu_get_regs(t.vcpu, &regs);
	if (err)
		tap_bail("vmctl_vcpu_get_regs: %s", vmctl_strerror(err));
	regs.rdi = DATA0;
	regs.rsi = SLOT0_SIZE;
	regs.rdx = SLOT1_GPA;
	regs.rcx = SLOT1_GPA + SLOT1_SIZE;
	regs.r8 = SEED_GUEST;
	regs.r9 = SEED_HOST;
	err = vmctl_vcpu_set_regs(t.vcpu, &regs);
	if (err)
		tap_bail("vmctl_vcpu_set_regs: %s", vmctl_strerror(err));
	tap_diag("guest writes %llu MiB, host checks; host writes, guest checks",
		 (SLOT0_SIZE - DATA0 + SLOT1_SIZE) / MIB);

	t0 = now_ns();
	err = vmctl_vcpu_run_loop(t.vcpu, &exit);
	if (!tap_ok(err == 0 && ucall_get(t.vcpu, &exit, &uc) && uc.code == UCALL_SYNC &&
		    uc.arg == 1, "guest finished writing (%d, %s) in %" PRIu64 " ms", err,
		    exit.message, (now_ns() - t0) / 1000000))
		tap_bail("the guest did not reach its SYNC");
	bad = check(t.vm, DATA0, SLOT0_SIZE, SEED_GUEST);
	tap_ok(bad == 0, "slot 0: every qword the guest wrote is right (%" PRIu64 " wrong)", bad);
	bad = check(t.vm, SLOT1_GPA, SLOT1_GPA + SLOT1_SIZE, SEED_GUEST);
	tap_ok(bad == 0, "slot 1: every qword the guest wrote is right (%" PRIu64 " wrong)", bad);

	fill(t.vm, DATA0, SLOT0_SIZE, SEED_HOST);
	fill(t.vm, SLOT1_GPA, SLOT1_GPA + SLOT1_SIZE, SEED_HOST);
	/* A planted error proves the guest's check can fail. */
	((uint64_t *)slot1)[12345] ^= 1;
	err = vmctl_vcpu_run_loop(t.vcpu, &exit);
	if (!tap_ok(err == 0 && ucall_get(t.vcpu, &exit, &uc) && uc.code == UCALL_DONE,
		    "guest finished checking (%d, %s)", err, exit.message))
		tap_bail("the guest did not reach its DONE");
	tap_ok(uc.arg == 1, "guest found exactly the one planted wrong qword (%" PRIu64 ")",
	       uc.arg);
	err = vmctl_vcpu_run_loop(t.vcpu, &exit);
	tap_ok(err == 0 && exit.reason == VMCTL_EXIT_HLT, "guest halts (%s)", exit.message);
	tvm_destroy(&t);
	return tap_finish();
}
