// SPDX-License-Identifier: GPL-2.0
/*
 * The MSR policy, seen from a long-mode guest with an IDT (msr_service in
 * guests_msr.S): the host has it execute one RDMSR, WRMSR, XSETBV, RDTSC
 * or VMX instruction per round and learns the result and which exception
 * (if any) reached the guest's handler.
 *
 *   - an MSR the kernel does not handle reaches user space as
 *     VMCTL_EXIT_MSR (index, direction, value); the answer is a value or
 *     #GP, and the #GP arrives in the guest's handler at the RDMSR;
 *   - libvmctl: #GP by default, registered handlers by range, the probe
 *     flag (reads 0, writes ignored);
 *   - MISC_ENABLE, PAT, DEBUGCTL, APIC_BASE, MTRR round trips and their
 *     reserved bits; canonical checks of passed-through and handled MSRs;
 *   - the TSC: guest TSC = host TSC + offset, and WRMSR TSC (guest) or
 *     SET_MSRS TSC (host) move it; TSC_ADJUST and TSC move each other;
 *   - GET/SET_MSRS by list with the count of a partial failure, and the
 *     index list: every MSR in it can be read and written back;
 *   - XSETBV allowed and refused, VMX instructions #UD.
 * Expected values are spelled from the SDM here, not taken from the
 * module.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <x86intrin.h>

#include "test_util.h"
#include "guests_msr.h"

#define UNKNOWN_MSR		0x4b564d00U	/* nobody's MSR */
#define MSR_TSC			0x10U
#define MSR_APIC_BASE		0x1bU
#define MSR_TSC_ADJUST		0x3bU
#define MSR_FEATURE_CONTROL	0x3aU
#define MSR_MISC_ENABLE		0x1a0U
#define MSR_DEBUGCTL		0x1d9U
#define MSR_MTRR_PHYSBASE0	0x200U
#define MSR_MTRR_PHYSMASK0	0x201U
#define MSR_PAT			0x277U
#define MSR_MTRR_DEF_TYPE	0x2ffU
#define MSR_EFER		0xc0000080U
#define MSR_STAR		0xc0000081U
#define MSR_FS_BASE		0xc0000100U
#define MSR_KERNEL_GS_BASE	0xc0000102U

#define NO_FAULT		(-1)
#define UD			6
#define GP			13
#define NON_CANONICAL		0x0000800000000000ULL
#define CR4_OSXSAVE		(1ULL << 18)

struct result {
	int vector;		/* exception in the guest's handler, or NO_FAULT */
	uint64_t value;		/* EDX:EAX after the instruction */
	uint64_t fault_rip;	/* where the exception was raised */
};

static struct tvm t;

/* Runs through the library's loop (MSR exits to handlers) to a ucall. */
static struct ucall run_to_ucall(const char *what)
{
	struct vmctl_exit exit;
	struct ucall uc;
	int err;

	err = vmctl_vcpu_run_loop(t.vcpu, &exit);
	if (err || !ucall_get(t.vcpu, &exit, &uc))
		tap_bail("%s: %d, %s", what, err, exit.message);
	return uc;
}

static void start_op(int op, uint32_t ecx, uint64_t value)
{
	struct vmctl_regs r;

	if (vmctl_vcpu_get_regs(t.vcpu, &r))
		tap_bail("get_regs");
	r.rsi = op;
	r.rcx = ecx;
	r.rax = (uint32_t)value;
	r.rdx = value >> 32;
	r.r14 = (uint64_t)-1;
	if (vmctl_vcpu_set_regs(t.vcpu, &r))
		tap_bail("set_regs");
}

static struct result finish_op(void)
{
	struct vmctl_regs r;
	struct result res;
	struct ucall uc;

	uc = run_to_ucall("the op's report");
	if (uc.code != UCALL_REPORT || vmctl_vcpu_get_regs(t.vcpu, &r))
		tap_bail("expected REPORT, got ucall %u", uc.code);
	res.value = uc.arg;
	res.vector = (int64_t)r.r14 == -1 ? NO_FAULT : (int)r.r14;
	res.fault_rip = r.r13;
	uc = run_to_ucall("the next round");
	if (uc.code != UCALL_SYNC)
		tap_bail("expected SYNC, got ucall %u", uc.code);
	return res;
}

static struct result op(int op, uint32_t ecx, uint64_t value)
{
	start_op(op, ecx, value);
	return finish_op();
}

static struct result rdmsr(uint32_t msr)
{
	return op(MSR_OP_RDMSR, msr, 0);
}

static struct result wrmsr(uint32_t msr, uint64_t value)
{
	return op(MSR_OP_WRMSR, msr, value);
}

/* ---- MSRs user space answers ----------------------------------------- */

/* One RUN: the RDMSR or WRMSR arrives as VMCTL_EXIT_MSR. */
static void check_raw_exit(void)
{
	struct vmctl_exit exit;
	struct result res;
	int err;

	start_op(MSR_OP_RDMSR, UNKNOWN_MSR, 0);
	err = vmctl_vcpu_run(t.vcpu, &exit);
	tap_ok(!err && exit.reason == VMCTL_EXIT_MSR && exit.msr.index == UNKNOWN_MSR &&
	       !exit.msr.is_write,
	       "RDMSR of an unknown MSR reaches user space (%d: %s)", err, exit.message);
	err = vmctl_vcpu_complete_msr(t.vcpu, false, 0x1122334455667788ULL);
	res = finish_op();
	tap_ok(!err && res.vector == NO_FAULT && res.value == 0x1122334455667788ULL,
	       "the guest reads user space's answer (vector %d, value %#llx)",
	       res.vector, (unsigned long long)res.value);

	start_op(MSR_OP_WRMSR, UNKNOWN_MSR + 1, 0xfedcba9876543210ULL);
	err = vmctl_vcpu_run(t.vcpu, &exit);
	tap_ok(!err && exit.reason == VMCTL_EXIT_MSR && exit.msr.index == UNKNOWN_MSR + 1 &&
	       exit.msr.is_write && exit.msr.data == 0xfedcba9876543210ULL,
	       "WRMSR of an unknown MSR reaches user space with EDX:EAX (%d: %s)",
	       err, exit.message);
	err = vmctl_vcpu_complete_msr(t.vcpu, true, 0);
	res = finish_op();
	tap_ok(!err && res.vector == GP, "user space's #GP answer reaches the guest's handler (%d)",
	       res.vector);
	tap_ok(vmctl_vcpu_complete_msr(t.vcpu, false, 0) == -EINVAL,
	       "no MSR answer is taken when no MSR exit waits");
}

static uint64_t handled_value;

static int test_msr_handler(struct vmctl_vcpu *vcpu, uint32_t index, uint64_t *data,
			    bool is_write, void *opaque)
{
	(void)vcpu;
	(void)opaque;
	if (index == UNKNOWN_MSR + 3)
		return VMCTL_MSR_HANDLER_GP;
	if (is_write)
		handled_value = *data;
	else
		*data = handled_value + index;
	return 0;
}

static void check_library_policy(void)
{
	struct result res;
	int err;

	res = rdmsr(UNKNOWN_MSR);
	tap_ok(res.vector == GP &&
	       res.fault_rip == GUEST_LOAD_ADDR + GUEST_OFF(msr_service, msr_service_rdmsr),
	       "library default: the unknown MSR #GPs at the RDMSR (vector %d at %#llx)",
	       res.vector, (unsigned long long)res.fault_rip);

	err = vmctl_vm_msr_register(t.vm, UNKNOWN_MSR, 4, test_msr_handler, NULL);
	tap_ok(!err, "a handler is registered for 4 MSRs (%d)", err);
	tap_ok(vmctl_vm_msr_register(t.vm, UNKNOWN_MSR + 3, 2, test_msr_handler, NULL) == -EEXIST,
	       "an overlapping range is refused");
	res = wrmsr(UNKNOWN_MSR + 2, 0x5000);
	tap_ok(res.vector == NO_FAULT && handled_value == 0x5000,
	       "WRMSR goes to the handler (vector %d, value %#llx)", res.vector,
	       (unsigned long long)handled_value);
	res = rdmsr(UNKNOWN_MSR + 1);
	tap_ok(res.vector == NO_FAULT && res.value == 0x5000 + UNKNOWN_MSR + 1,
	       "RDMSR gets the handler's value (%#llx)", (unsigned long long)res.value);
	res = rdmsr(UNKNOWN_MSR + 3);
	tap_ok(res.vector == GP, "a handler's VMCTL_MSR_HANDLER_GP is a #GP (%d)", res.vector);
	res = rdmsr(UNKNOWN_MSR + 4);
	tap_ok(res.vector == GP, "past the range: #GP again (%d)", res.vector);
	tap_ok(vmctl_vm_msr_unregister(t.vm, UNKNOWN_MSR) == 0, "the handler is removed");

	vmctl_vm_set_msr_probe(t.vm, true);
	res = rdmsr(UNKNOWN_MSR + 1);
	tap_ok(res.vector == NO_FAULT && res.value == 0,
	       "probe flag: an unknown MSR reads 0 without #GP (vector %d, %#llx)",
	       res.vector, (unsigned long long)res.value);
	res = wrmsr(UNKNOWN_MSR + 1, 0x1234);
	tap_ok(res.vector == NO_FAULT, "probe flag: a write is ignored without #GP (%d)",
	       res.vector);
	vmctl_vm_set_msr_probe(t.vm, false);
	res = wrmsr(UNKNOWN_MSR + 1, 0x1234);
	tap_ok(res.vector == GP, "probe flag off: #GP again (%d)", res.vector);
}

/* ---- MSRs the kernel handles ------------------------------------------ */

/* Writes value, reads back: the vector of the write, and what was read. */
static bool round_trip(uint32_t msr, uint64_t value, uint64_t expect, const char *what)
{
	struct result w = wrmsr(msr, value);
	struct result r = rdmsr(msr);

	return tap_ok(w.vector == NO_FAULT && r.vector == NO_FAULT && r.value == expect,
		      "%s: wrote %#llx, read %#llx, want %#llx (vectors %d, %d)", what,
		      (unsigned long long)value, (unsigned long long)r.value,
		      (unsigned long long)expect, w.vector, r.vector);
}

static bool refused(uint32_t msr, uint64_t value, const char *what)
{
	struct result before = rdmsr(msr);
	struct result w = wrmsr(msr, value);
	struct result after = rdmsr(msr);

	return tap_ok(w.vector == GP && after.value == before.value,
		      "%s: WRMSR %#x of %#llx #GPs and changes nothing (vector %d, %#llx -> %#llx)",
		      what, msr, (unsigned long long)value, w.vector,
		      (unsigned long long)before.value, (unsigned long long)after.value);
}

static void check_handled(void)
{
	struct result res;

	/* MISC_ENABLE: fast strings (0), BTS (11) and PEBS (12) unavailable */
	res = rdmsr(MSR_MISC_ENABLE);
	tap_ok(res.vector == NO_FAULT && res.value == 0x1801,
	       "MISC_ENABLE reads 0x1801 at reset (%#llx)", (unsigned long long)res.value);
	round_trip(MSR_MISC_ENABLE, 0x1800 | (1ULL << 22), 0x1800 | (1ULL << 22),
		   "MISC_ENABLE limit-CPUID set, fast strings cleared");
	round_trip(MSR_MISC_ENABLE, 0x1 | (1ULL << 7), 0x1801,
		   "MISC_ENABLE read-only bits keep their value");
	refused(MSR_MISC_ENABLE, 0x1801 | (1ULL << 18), "MISC_ENABLE MONITOR enable");
	refused(MSR_MISC_ENABLE, 0x1801 | (1ULL << 34), "MISC_ENABLE XD disable");

	res = rdmsr(MSR_PAT);
	tap_ok(res.vector == NO_FAULT && res.value == 0x0007040600070406ULL,
	       "PAT reads its power-up value (%#llx)", (unsigned long long)res.value);
	round_trip(MSR_PAT, 0x0007010600070106ULL, 0x0007010600070106ULL, "PAT with WC");
	refused(MSR_PAT, 0x0007040600070402ULL, "PAT type 2");
	refused(MSR_PAT, 0x0007040600070416ULL, "PAT bits above the type");

	round_trip(MSR_DEBUGCTL, 2, 2, "DEBUGCTL.BTF");
	refused(MSR_DEBUGCTL, 1, "DEBUGCTL.LBR");
	round_trip(MSR_DEBUGCTL, 0, 0, "DEBUGCTL cleared");

	res = rdmsr(MSR_APIC_BASE);
	tap_ok(res.vector == NO_FAULT && res.value == 0xfee00900ULL,
	       "APIC_BASE of vCPU 0: default base, enabled, BSP (%#llx)",
	       (unsigned long long)res.value);
	round_trip(MSR_APIC_BASE, 0xfec00800ULL, 0xfec00900ULL,
		   "APIC_BASE moves; the BSP bit is not the guest's");
	refused(MSR_APIC_BASE, 0xfee00a00ULL, "APIC_BASE bit 9");
	refused(MSR_APIC_BASE, 0xfee00d00ULL, "APIC_BASE x2APIC");

	round_trip(MSR_MTRR_DEF_TYPE, 0xc06, 0xc06, "MTRRdefType enabled, WB");
	refused(MSR_MTRR_DEF_TYPE, 0xc02, "MTRRdefType type 2");
	round_trip(MSR_MTRR_PHYSMASK0, 0xfff0000800ULL, 0xfff0000800ULL, "MTRRphysMask0");
	refused(MSR_MTRR_PHYSMASK0, 0xfff0000801ULL, "MTRRphysMask0 bit 0");
	refused(MSR_MTRR_PHYSBASE0, 0x7, "MTRRphysBase0 type 7");

	res = rdmsr(MSR_FEATURE_CONTROL);
	tap_ok(res.vector == NO_FAULT && res.value == 1,
	       "FEATURE_CONTROL: locked, VMX off (%#llx)", (unsigned long long)res.value);
	refused(MSR_FEATURE_CONTROL, 5, "FEATURE_CONTROL");

	refused(MSR_KERNEL_GS_BASE, NON_CANONICAL, "KERNEL_GS_BASE non-canonical");
	refused(MSR_FS_BASE, NON_CANONICAL, "FS_BASE non-canonical");
	round_trip(MSR_FS_BASE, 0x7000, 0x7000, "FS_BASE (passed through)");
}

/* ---- TSC -------------------------------------------------------------- */

static bool get_msr(uint32_t index, uint64_t *value)
{
	struct vmctl_msr_entry e = { .index = index };
	int n = vmctl_vcpu_get_msrs(t.vcpu, &e, 1);

	*value = e.data;
	return n == 1;
}

static void check_tsc(void)
{
	struct vmctl_msr_entry e = { .index = MSR_TSC, .data = 1ULL << 48 };
	uint64_t h0, h1, h2, h3, g, lo, hi;
	struct result res;
	bool ok;

	tap_ok(vmctl_vcpu_set_msrs(t.vcpu, &e, 1) == 1, "SET_MSRS TSC");
	h0 = __rdtsc();
	ok = get_msr(MSR_TSC, &g);
	h1 = __rdtsc();
	/* offset = guest - host lies in [g - h1, g - h0] */
	h2 = __rdtsc();
	res = op(MSR_OP_RDTSC, 0, 0);
	h3 = __rdtsc();
	lo = h2 + (g - h1);
	hi = h3 + (g - h0);
	tap_ok(ok && g >= 1ULL << 48 && res.value >= lo && res.value <= hi,
	       "guest TSC = host TSC + offset: %#llx in [%#llx, %#llx]",
	       (unsigned long long)res.value, (unsigned long long)lo, (unsigned long long)hi);

	res = wrmsr(MSR_TSC, 1ULL << 52);
	h0 = __rdtsc();
	ok = get_msr(MSR_TSC, &g);
	res = op(MSR_OP_RDTSC, 0, 0);
	tap_ok(ok && res.vector == NO_FAULT && g >= 1ULL << 52 && res.value > g &&
	       res.value - (1ULL << 52) < (1ULL << 44),
	       "guest WRMSR TSC moves the guest's TSC (%#llx, then %#llx)",
	       (unsigned long long)g, (unsigned long long)res.value);
	(void)h0;
}

static bool handled_by_kernel(uint32_t index)
{
	uint32_t idx[512];
	int i, n = vmctl_sys_msr_index_list(t.sys, idx, 512);

	for (i = 0; i < n; i++)
		if (idx[i] == index)
			return true;
	return false;
}

/* TSC_ADJUST and TSC move each other (SDM "Time-Stamp Counter Adjustment"). */
static void check_tsc_adjust(void)
{
	struct result a0, t0, w, t1, a1, a2;
	const uint64_t step = 1ULL << 40, slack = 1ULL << 36;

	if (!handled_by_kernel(MSR_TSC_ADJUST)) {
		tap_ok(rdmsr(MSR_TSC_ADJUST).vector == GP, "no TSC_ADJUST on this CPU: RDMSR #GPs");
		tap_ok(wrmsr(MSR_TSC_ADJUST, 0).vector == GP, "and WRMSR #GPs");
		return;
	}
	a0 = rdmsr(MSR_TSC_ADJUST);
	t0 = op(MSR_OP_RDTSC, 0, 0);
	w = wrmsr(MSR_TSC_ADJUST, a0.value + step);
	t1 = op(MSR_OP_RDTSC, 0, 0);
	tap_ok(a0.vector == NO_FAULT && w.vector == NO_FAULT && t1.value - t0.value >= step &&
	       t1.value - t0.value < step + slack,
	       "WRMSR TSC_ADJUST +2^40 moves the guest TSC by as much (%#llx -> %#llx)",
	       (unsigned long long)t0.value, (unsigned long long)t1.value);
	a1 = rdmsr(MSR_TSC_ADJUST);
	w = wrmsr(MSR_TSC, t1.value + 2 * step);
	a2 = rdmsr(MSR_TSC_ADJUST);
	tap_ok(a1.value == a0.value + step && w.vector == NO_FAULT &&
	       a2.value - a1.value > 2 * step - slack && a2.value - a1.value <= 2 * step,
	       "TSC_ADJUST reads back, and WRMSR TSC moves it (%#llx, %#llx -> %#llx)",
	       (unsigned long long)a0.value, (unsigned long long)a1.value,
	       (unsigned long long)a2.value);
}

/* ---- by list ---------------------------------------------------------- */

static void check_lists(void)
{
	struct vmctl_msr_entry set[4] = {
		{ .index = MSR_PAT, .data = 0x0006060606060606ULL },
		{ .index = MSR_MISC_ENABLE, .data = 0x1801 },
		{ .index = UNKNOWN_MSR, .data = 1 },
		{ .index = MSR_STAR, .data = 0x0023001000000000ULL },
	};
	struct vmctl_msr_entry get[4] = {
		{ .index = MSR_PAT }, { .index = MSR_MISC_ENABLE },
		{ .index = UNKNOWN_MSR, .data = 0xdead }, { .index = MSR_STAR, .data = 0xdead },
	};
	struct vmctl_msr_entry bad = { .index = MSR_PAT, .reserved = 1 };
	struct vmctl_msr_entry *all;
	uint32_t idx[512];
	unsigned int i;
	int n, count;
	bool sorted = true, has_pat = false, has_efer = false;

	n = vmctl_vcpu_set_msrs(t.vcpu, set, 4);
	tap_ok(n == 2, "SET_MSRS stops at the unknown MSR: 2 processed (%d)", n);
	n = vmctl_vcpu_get_msrs(t.vcpu, get, 4);
	tap_ok(n == 2 && get[0].data == 0x0006060606060606ULL && get[1].data == 0x1801 &&
	       get[2].data == 0xdead,
	       "GET_MSRS: 2 processed, the first two written, the third untouched (%d, %#llx)",
	       n, (unsigned long long)get[0].data);
	get[0].index = MSR_STAR;
	n = vmctl_vcpu_get_msrs(t.vcpu, get, 1);
	tap_ok(n == 1 && get[0].data == 0, "STAR after the failure was not written (%#llx)",
	       (unsigned long long)get[0].data);
	set[1].data = 0x1801 | (1ULL << 18);
	n = vmctl_vcpu_set_msrs(t.vcpu, set, 2);
	tap_ok(n == 1, "SET_MSRS stops at a refused value: 1 processed (%d)", n);
	tap_ok(vmctl_vcpu_get_msrs(t.vcpu, &bad, 1) == -EINVAL, "a reserved field: -EINVAL");
	tap_ok(vmctl_vcpu_get_msrs(t.vcpu, set, VMCTL_MAX_MSR_ENTRIES + 1) == -EINVAL,
	       "more than VMCTL_MAX_MSR_ENTRIES entries: -EINVAL");

	count = vmctl_sys_msr_index_list(t.sys, NULL, 0);
	n = vmctl_sys_msr_index_list(t.sys, idx, count > 1 ? count - 1 : 0);
	tap_ok(count > 20 && n == -E2BIG, "the index list has %d MSRs; less room: -E2BIG (%d)",
	       count, n);
	n = vmctl_sys_msr_index_list(t.sys, idx, 512);
	for (i = 0; n > 0 && i < (unsigned int)n; i++) {
		if (i && idx[i] <= idx[i - 1])
			sorted = false;
		has_pat |= idx[i] == MSR_PAT;
		has_efer |= idx[i] == MSR_EFER;
	}
	tap_ok(n == count && sorted && has_pat && has_efer,
	       "the list is ascending and names PAT and EFER (%d)", n);
	all = calloc(count > 0 ? count : 1, sizeof(*all));
	for (i = 0; all && n > 0 && i < (unsigned int)n; i++)
		all[i].index = idx[i];
	n = all ? vmctl_vcpu_get_msrs(t.vcpu, all, count) : -ENOMEM;
	tap_ok(n == count, "every listed MSR can be read (%d of %d)", n, count);
	n = all ? vmctl_vcpu_set_msrs(t.vcpu, all, count) : -ENOMEM;
	tap_ok(n == count, "and written back as read (%d of %d; stopped at %#x)", n, count,
	       all && n >= 0 && n < count ? all[n].index : 0);
	free(all);
}

/* ---- instructions ------------------------------------------------------ */

static void check_insns(void)
{
	struct vmctl_sregs s;
	struct result res, x;

	if (vmctl_vcpu_get_sregs(t.vcpu, &s))
		tap_bail("get_sregs");
	s.cr4 |= CR4_OSXSAVE;
	if (vmctl_vcpu_set_sregs(t.vcpu, &s))
		tap_bail("set_sregs CR4.OSXSAVE");
	x = op(MSR_OP_XGETBV, 0, 0);
	res = op(MSR_OP_XSETBV, 0, 3);
	tap_ok(x.vector == NO_FAULT && (x.value & 3) == 3 && res.vector == NO_FAULT,
	       "XSETBV x87|SSE is allowed (XCR0 was %#llx; vector %d)",
	       (unsigned long long)x.value, res.vector);
	res = op(MSR_OP_XGETBV, 0, 0);
	tap_ok(res.vector == NO_FAULT && res.value == 3, "XGETBV reads it back (%#llx)",
	       (unsigned long long)res.value);
	res = op(MSR_OP_XSETBV, 0, 2);
	tap_ok(res.vector == GP, "XSETBV without x87: #GP (%d)", res.vector);
	res = op(MSR_OP_XSETBV, 0, 5);
	tap_ok(res.vector == GP, "XSETBV AVX without SSE: #GP (%d)", res.vector);
	res = op(MSR_OP_XSETBV, 0, 3 | (1ULL << 9));
	tap_ok(res.vector == GP, "XSETBV PKRU, which the guest may not use: #GP (%d)",
	       res.vector);
	res = op(MSR_OP_XSETBV, 1, 3);
	tap_ok(res.vector == GP, "XSETBV of XCR1: #GP (%d)", res.vector);
	op(MSR_OP_XSETBV, 0, x.value);

	res = op(MSR_OP_VMXOFF, 0, 0);
	tap_ok(res.vector == UD, "VMXOFF: #UD (%d)", res.vector);
	res = op(MSR_OP_VMCLEAR, 0, 0);
	tap_ok(res.vector == UD, "VMCLEAR: #UD (%d)", res.vector);
}

int main(void)
{
	cpu_set_t cpus;
	struct ucall uc;

	tap_plan(65);
	/* One CPU: the TSC checks compare this thread's TSC with the guest's. */
	CPU_ZERO(&cpus);
	CPU_SET(0, &cpus);
	if (sched_setaffinity(0, sizeof(cpus), &cpus))
		tap_bail("sched_setaffinity: %s", strerror(errno));
	tvm_create(&t, 4 << 20);
	tvm_start_long(&t, msr_service_begin, msr_service_end);
	uc = run_to_ucall("the first round");
	if (uc.code != UCALL_SYNC)
		tap_bail("expected SYNC, got %u", uc.code);

	check_raw_exit();
	check_library_policy();
	check_handled();
	check_tsc();
	check_tsc_adjust();
	check_lists();
	check_insns();
	tvm_destroy(&t);
	return tap_finish();
}
