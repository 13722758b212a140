// SPDX-License-Identifier: GPL-2.0
/*
 * CPUID tables (VMCTL_SET_CPUID) seen from a guest:
 *   1. a table of made-up values: every probed leaf answers exactly as the
 *      uapi header's lookup rules say (significant index or not, a leaf
 *      missing inside its range, beyond it), leaf 0xd describes the
 *      guest's real XSAVE image whatever the table says, OSXSAVE follows
 *      the guest's CR4; VMCTL_GET_CPUID gives the table back as stored;
 *   2. libvmctl's default table: the rules of libvmctl.h, checked against
 *      this machine's own CPUID, XGETBV and /proc/cpuinfo;
 *   3. the documented errnos of bad tables, through raw ioctls, and that a
 *      refused table leaves the old one in place.
 * The expected values are spelled here, never taken from the module.
 */
#include "raw_util.h"	/* first: it defines _GNU_SOURCE */

#include <cpuid.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"
#include "guests_cpuid.h"

#define SIG		VMCTL_CPUID_FLAG_SIGNIFICANT_INDEX
#define BIT(n)		(1U << (n))
#define HIDDEN_XFEATURES	((1ULL << 9) | (1ULL << 17) | (1ULL << 18))

struct probe {
	uint32_t function, index;
	uint32_t want[4];		/* EAX..EDX */
};

struct regs4 {
	uint32_t r[4];
};

static uint64_t guest_xcr0;
static uint32_t guest_xsave_size = 576;

/* What this CPU's XSAVE image for a guest holds: see xstate_test.c. */
static void host_xsave(void)
{
	unsigned int eax, ebx, ecx, edx, i;

	asm volatile("xgetbv" : "=a" (eax), "=d" (edx) : "c" (0));
	guest_xcr0 = ((uint64_t)edx << 32 | eax) & ~HIDDEN_XFEATURES;
	for (i = 2; i < 64; i++) {
		if (!(guest_xcr0 & (1ULL << i)))
			continue;
		__cpuid_count(0xd, i, eax, ebx, ecx, edx);
		if (eax + ebx > guest_xsave_size)
			guest_xsave_size = eax + ebx;
	}
}

static uint64_t report(struct tvm *t)
{
	struct vmctl_exit exit;
	struct ucall uc = { 0 };
	int err;

	err = vmctl_vcpu_run_loop(t->vcpu, &exit);
	if (err || !ucall_get(t->vcpu, &exit, &uc) || uc.code != UCALL_REPORT)
		tap_bail("no report from the guest (%d, %s)", err, exit.message);
	return uc.arg;
}

/*
 * Runs cpuid_probe over n (function, index) pairs on a vCPU with table
 * (NULL: none set) and stores what the guest saw.
 */
static void run_probes(const struct vmctl_cpuid_table *table,
		       const uint32_t (*pairs)[2], unsigned int n, struct regs4 *out,
		       struct vmctl_cpuid_table *stored)
{
	uint8_t *list;
	struct vmctl_exit exit;
	struct tvm t;
	unsigned int i;
	uint64_t v;
	int err;

	if (n >= CPUID_PROBE_MAX)
		tap_bail("too many probes");
	tvm_create(&t, 4 << 20);
	if (table) {
		err = vmctl_vcpu_set_cpuid(t.vcpu, table);
		if (err)
			tap_bail("vmctl_vcpu_set_cpuid: %s",
				 vmctl_strerror_call("vmctl_vcpu_set_cpuid", err));
	}
	tvm_start_long(&t, cpuid_probe_begin, cpuid_probe_end);
	list = GUEST_PTR(&t, cpuid_probe, cpuid_probe_list);
	for (i = 0; i < n; i++) {
		guest_write32(list + 8 * i, pairs[i][0]);
		guest_write32(list + 8 * i + 4, pairs[i][1]);
	}
	guest_write32(list + 8 * n, CPUID_PROBE_END);
	for (i = 0; i < n; i++) {
		if (pairs[i][0] == CPUID_PROBE_OSXSAVE)
			continue;
		v = report(&t);
		out[i].r[0] = (uint32_t)v;
		out[i].r[1] = v >> 32;
		v = report(&t);
		out[i].r[2] = (uint32_t)v;
		out[i].r[3] = v >> 32;
	}
	err = vmctl_vcpu_run_loop(t.vcpu, &exit);
	if (err || exit.reason != VMCTL_EXIT_HLT)
		tap_bail("the probe guest did not halt (%d, %s)", err, exit.message);
	if (stored) {
		err = vmctl_vcpu_get_cpuid(t.vcpu, stored);
		if (err)
			tap_bail("vmctl_vcpu_get_cpuid: %s",
				 vmctl_strerror_call("vmctl_vcpu_get_cpuid", err));
	}
	tvm_destroy(&t);
}

/* ---- 1. a table of made-up values ---------------------------------------- */

#define LEAF1_ECX	0x00801234U	/* no XSAVE, OSXSAVE, AVX bits */

static const struct vmctl_cpuid_entry made_up[] = {
	{ .function = 0, .eax = 0x10, .ebx = 0x11110000, .ecx = 0x22220000, .edx = 0x33330000 },
	{ .function = 1, .eax = 0x000306c3, .ebx = 0x00abcdef, .ecx = LEAF1_ECX, .edx = 0x0badf00d },
	{ .function = 2, .eax = 0x20202020, .ebx = 0x21212121, .ecx = 0x22222222, .edx = 0x23232323 },
	{ .function = 4, .index = 0, .flags = SIG, .eax = 0x40, .ebx = 0x41, .ecx = 0x42, .edx = 0x43 },
	{ .function = 4, .index = 1, .flags = SIG, .eax = 0x4100, .ebx = 0x4101, .ecx = 0x4102, .edx = 0x4103 },
	{ .function = 4, .index = 2, .flags = SIG, .eax = 0x4200, .ebx = 0x4201, .ecx = 0x4202, .edx = 0x4203 },
	/* offers everything up to AVX-512 and PKRU, with a wrong size */
	{ .function = 0xd, .index = 0, .flags = SIG, .eax = 0x2ff, .ebx = 1, .ecx = 2, .edx = 0 },
	{ .function = 0xd, .index = 9, .flags = SIG, .eax = 8, .ebx = 2688, .ecx = 0, .edx = 0 },
	{ .function = 0x10, .eax = 0x1000, .ebx = 0x1001, .ecx = 0x1002, .edx = 0x1003 },
	{ .function = 0x40000000, .eax = 0x40000001, .ebx = 0x4a4a4a4a, .ecx = 0x4b4b4b4b, .edx = 0x4c4c4c4c },
	{ .function = 0x80000000, .eax = 0x80000004, .ebx = 0, .ecx = 0, .edx = 0 },
	{ .function = 0x80000004, .eax = 0x80040000, .ebx = 0x80040001, .ecx = 0x80040002, .edx = 0x80040003 },
};

#define LEAF_10		{ 0x1000, 0x1001, 0x1002, 0x1003 }

static void made_up_table(void)
{
	const struct probe probes[] = {
		{ 0, 0, { 0x10, 0x11110000, 0x22220000, 0x33330000 } },
		{ 1, 0, { 0x000306c3, 0x00abcdef, LEAF1_ECX, 0x0badf00d } },
		{ CPUID_PROBE_OSXSAVE, 0, { 0 } },
		{ 1, 5, { 0x000306c3, 0x00abcdef, LEAF1_ECX | BIT(27), 0x0badf00d } },
		{ 2, 0, { 0x20202020, 0x21212121, 0x22222222, 0x23232323 } },
		{ 2, 0xffffffff, { 0x20202020, 0x21212121, 0x22222222, 0x23232323 } },
		{ 4, 0, { 0x40, 0x41, 0x42, 0x43 } },
		{ 4, 2, { 0x4200, 0x4201, 0x4202, 0x4203 } },
		{ 4, 1, { 0x4100, 0x4101, 0x4102, 0x4103 } },
		{ 4, 3, { 0, 0, 0, 0 } },		/* in range, no entry */
		{ 7, 0, { 0, 0, 0, 0 } },
		{ 0xd, 0, { 0x2ff & (uint32_t)guest_xcr0, guest_xsave_size,
			    guest_xsave_size, 0 } },
		{ 0xd, 9, { 0, 0, 0, 0 } },		/* PKRU: never the guest's */
		{ 0x11, 0, LEAF_10 },			/* beyond 0x10 */
		{ 0xffff, 4, LEAF_10 },
		{ 0x40000000, 0, { 0x40000001, 0x4a4a4a4a, 0x4b4b4b4b, 0x4c4c4c4c } },
		{ 0x40000001, 0, { 0, 0, 0, 0 } },
		{ 0x40000002, 0, LEAF_10 },
		{ 0x80000004, 9, { 0x80040000, 0x80040001, 0x80040002, 0x80040003 } },
		{ 0x80000003, 0, { 0, 0, 0, 0 } },
		{ 0x80000005, 0, LEAF_10 },
	};
	const unsigned int n = sizeof(probes) / sizeof(probes[0]);
	static struct vmctl_cpuid_table table, stored;
	uint32_t pairs[CPUID_PROBE_MAX][2];
	struct regs4 got[CPUID_PROBE_MAX];
	const struct vmctl_cpuid_entry *e;
	unsigned int i, sorted = 1;

	table.nent = sizeof(made_up) / sizeof(made_up[0]);
	memcpy(table.entries, made_up, sizeof(made_up));
	for (i = 0; i < n; i++) {
		pairs[i][0] = probes[i].function;
		pairs[i][1] = probes[i].index;
	}
	run_probes(&table, pairs, n, got, &stored);
	for (i = 0; i < n; i++) {
		const struct probe *p = &probes[i];

		if (p->function == CPUID_PROBE_OSXSAVE)
			continue;
		tap_ok(!memcmp(got[i].r, p->want, sizeof(p->want)),
		       "made-up table: CPUID %#x.%u = %08x %08x %08x %08x (want %08x %08x %08x %08x)",
		       p->function, p->index, got[i].r[0], got[i].r[1], got[i].r[2],
		       got[i].r[3], p->want[0], p->want[1], p->want[2], p->want[3]);
	}

	for (i = 1; i < stored.nent; i++)
		if (stored.entries[i - 1].function > stored.entries[i].function ||
		    (stored.entries[i - 1].function == stored.entries[i].function &&
		     stored.entries[i - 1].index >= stored.entries[i].index))
			sorted = 0;
	tap_ok(stored.nent == table.nent && sorted,
	       "VMCTL_GET_CPUID: %u entries (want %u), sorted", stored.nent, table.nent);
	e = vmctl_cpuid_find(&stored, 0xd, 0);
	tap_ok(e && e->eax == (0x2ff & (uint32_t)guest_xcr0) && e->ebx == guest_xsave_size,
	       "VMCTL_GET_CPUID shows leaf 0xd.0 as clamped (EAX %#x, EBX %u)",
	       e ? e->eax : 0, e ? e->ebx : 0);
	e = vmctl_cpuid_find(&stored, 0x80000004, 0);
	tap_ok(e && !memcmp(&e->eax, &made_up[11].eax, 16),
	       "VMCTL_GET_CPUID gives leaf 0x80000004 back as set");
}

/* ---- 2. libvmctl's default ------------------------------------------------ */

/* The host's TSC kHz as /proc/cpuinfo says ("cpu MHz"), or 0. */
static uint32_t cpuinfo_khz(void)
{
	char line[256];
	double mhz = 0;
	FILE *f = fopen("/proc/cpuinfo", "r");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "cpu MHz : %lf", &mhz) == 1)
			break;
	fclose(f);
	return (uint32_t)(mhz * 1000);
}

enum {
	P_LEAF0, P_LEAF1, P_LEAF5, P_LEAF6, P_LEAF7, P_LEAFA, P_LEAFD,
	P_LEAF15, P_LEAF16, P_HV, P_TIMING, P_COUNT
};

static void default_table(struct vmctl_sys *sys)
{
	static const uint32_t pairs[P_COUNT][2] = {
		[P_LEAF0] = { 0, 0 }, [P_LEAF1] = { 1, 0 }, [P_LEAF5] = { 5, 0 },
		[P_LEAF6] = { 6, 0 }, [P_LEAF7] = { 7, 0 }, [P_LEAFA] = { 0xa, 0 },
		[P_LEAFD] = { 0xd, 0 }, [P_LEAF15] = { 0x15, 0 }, [P_LEAF16] = { 0x16, 0 },
		[P_HV] = { 0x40000000, 0 }, [P_TIMING] = { 0x40000010, 0 },
	};
	const uint32_t leaf1_ecx_hidden = BIT(2) | BIT(3) | BIT(4) | BIT(5) | BIT(6) |
					  BIT(15) | BIT(21) | BIT(24);
	static struct vmctl_cpuid_table table;
	struct regs4 got[P_COUNT];
	unsigned int eax, ebx, ecx, edx;
	uint32_t khz, host_khz;
	uint64_t tsc_hz;
	int err;

	err = vmctl_cpuid_default(sys, &table);
	if (err)
		tap_bail("vmctl_cpuid_default: %s", vmctl_strerror_call("vmctl_cpuid_default", err));
	run_probes(&table, pairs, P_COUNT, got, NULL);

	__cpuid(0, eax, ebx, ecx, edx);
	tap_ok(got[P_LEAF0].r[1] == ebx && got[P_LEAF0].r[2] == ecx && got[P_LEAF0].r[3] == edx &&
	       got[P_LEAF0].r[0] >= 0x16 && got[P_LEAF0].r[0] >= eax,
	       "default: leaf 0 has this CPU's vendor, max leaf %#x >= 0x16 and >= %#x",
	       got[P_LEAF0].r[0], eax);
	__cpuid(1, eax, ebx, ecx, edx);
	tap_ok(got[P_LEAF1].r[0] == eax && (got[P_LEAF1].r[1] >> 24) == 0,
	       "default: leaf 1 EAX %#x is this CPU's (%#x), APIC ID 0 = vCPU 0 (%u)",
	       got[P_LEAF1].r[0], eax, got[P_LEAF1].r[1] >> 24);
	tap_ok((got[P_LEAF1].r[2] & BIT(31)) && !(got[P_LEAF1].r[2] & leaf1_ecx_hidden) &&
	       !(got[P_LEAF1].r[3] & BIT(21)),
	       "default: leaf 1 hypervisor bit set; no DTES64, MONITOR, DS-CPL, VMX, SMX, "
	       "PDCM, x2APIC, TSC-deadline, DS (ECX %#x, EDX %#x)",
	       got[P_LEAF1].r[2], got[P_LEAF1].r[3]);
	tap_ok(!(got[P_LEAF1].r[2] & BIT(27)), "default: OSXSAVE clear while CR4.OSXSAVE is");
	tap_ok(!memcmp(got[P_LEAF5].r, (uint32_t[4]){ 0 }, 16) &&
	       !memcmp(got[P_LEAF6].r, (uint32_t[4]){ 0 }, 16) &&
	       !memcmp(got[P_LEAFA].r, (uint32_t[4]){ 0 }, 16),
	       "default: leaves 5 (MONITOR), 6 (power), 0xa (PMU) all zero");
	tap_ok(!(got[P_LEAF7].r[2] & (BIT(3) | BIT(4) | BIT(5))),
	       "default: leaf 7 without PKU, OSPKE, WAITPKG (ECX %#x)", got[P_LEAF7].r[2]);
	tap_ok(got[P_LEAFD].r[0] == (uint32_t)guest_xcr0 &&
	       got[P_LEAFD].r[3] == (uint32_t)(guest_xcr0 >> 32) &&
	       got[P_LEAFD].r[1] == guest_xsave_size,
	       "default: leaf 0xd.0 = XCR0 %#llx without PKRU/AMX, %u bytes (got %#x, %u)",
	       (unsigned long long)guest_xcr0, guest_xsave_size, got[P_LEAFD].r[0],
	       got[P_LEAFD].r[1]);
	tap_ok(got[P_HV].r[0] == 0x40000010 && !memcmp(&got[P_HV].r[1], "vmctlvmctlvm", 12),
	       "default: leaf 0x40000000 = max 0x40000010, \"%.12s\"", (char *)&got[P_HV].r[1]);

	khz = got[P_TIMING].r[0];
	host_khz = cpuinfo_khz();
	tap_ok(khz && host_khz && khz / 100 <= host_khz / 99 && host_khz / 100 <= khz / 99,
	       "default: leaf 0x40000010 TSC %u kHz, /proc/cpuinfo %u kHz (within 1%%)",
	       khz, host_khz);
	tsc_hz = got[P_LEAF15].r[0] ? (uint64_t)got[P_LEAF15].r[2] * got[P_LEAF15].r[1] /
				      got[P_LEAF15].r[0] : 0;
	tap_ok(tsc_hz / 1000 == khz || tsc_hz / 1000 + 1 == khz,
	       "default: leaf 0x15 %u/%u x %u Hz = %llu kHz", got[P_LEAF15].r[1],
	       got[P_LEAF15].r[0], got[P_LEAF15].r[2], (unsigned long long)tsc_hz / 1000);
	tap_ok(got[P_LEAF16].r[0] == khz / 1000 && got[P_LEAF16].r[1] == khz / 1000,
	       "default: leaf 0x16 base and max %u, %u MHz", got[P_LEAF16].r[0],
	       got[P_LEAF16].r[1]);
}

/* ---- 3. bad tables -------------------------------------------------------- */

static long set_raw(int fd, struct vmctl_cpuid_entry *e, uint32_t nent, uint32_t pad)
{
	struct vmctl_cpuid arg = { .nent = nent, .padding = pad, .entries = (uintptr_t)e };

	return raw_ioctl(fd, VMCTL_SET_CPUID, &arg);
}

static const char *errname(long ret)
{
	return ret < 0 ? strerror((int)-ret) : "success";
}

static void bad_tables(void)
{
	static struct vmctl_cpuid_entry e[VMCTL_CPUID_MAX_ENTRIES + 1], got[4];
	struct vmctl_create_vcpu vreq = { 0 };
	struct vmctl_cpuid arg;
	int dev, vm, vcpu;
	long ret;
	unsigned int i;

	dev = raw_open_dev();
	vm = raw_create_vm(dev);
	ret = raw_ioctl(vm, VMCTL_CREATE_VCPU, &vreq);
	if (ret < 0)
		tap_bail("VMCTL_CREATE_VCPU: %s", errname(ret));
	vcpu = (int)ret;

	arg = (struct vmctl_cpuid){ .nent = 4, .entries = (uintptr_t)got };
	ret = raw_ioctl(vcpu, VMCTL_GET_CPUID, &arg);
	tap_ok(ret == -ENOENT, "GET_CPUID before any SET: -ENOENT (%s)", errname(ret));

	for (i = 0; i < VMCTL_CPUID_MAX_ENTRIES + 1; i++)
		e[i] = (struct vmctl_cpuid_entry){ .function = i, .eax = i };
	ret = set_raw(vcpu, e, VMCTL_CPUID_MAX_ENTRIES + 1, 0);
	tap_ok(ret == -E2BIG, "257 entries: -E2BIG (%s)", errname(ret));
	ret = set_raw(vcpu, e, VMCTL_CPUID_MAX_ENTRIES, 0);
	tap_ok(ret == 0, "256 entries: accepted (%s)", errname(ret));

	/* The good table that every refusal below must leave in place. */
	e[0] = (struct vmctl_cpuid_entry){ .function = 0, .eax = 1, .ebx = 0xaa };
	e[1] = (struct vmctl_cpuid_entry){ .function = 4, .index = 1, .flags = SIG, .eax = 0x41 };
	e[2] = (struct vmctl_cpuid_entry){ .function = 4, .index = 0, .flags = SIG, .eax = 0x40 };
	ret = set_raw(vcpu, e, 3, 0);
	tap_ok(ret == 0, "a good table of 3: accepted (%s)", errname(ret));

	e[3] = (struct vmctl_cpuid_entry){ .function = 2, .flags = 2 };
	ret = set_raw(vcpu, e, 4, 0);
	tap_ok(ret == -EINVAL, "unknown flag: -EINVAL (%s)", errname(ret));
	e[3] = (struct vmctl_cpuid_entry){ .function = 2, .padding = { 0, 1, 0 } };
	ret = set_raw(vcpu, e, 4, 0);
	tap_ok(ret == -EINVAL, "nonzero entry padding: -EINVAL (%s)", errname(ret));
	e[3] = (struct vmctl_cpuid_entry){ .function = 2, .index = 1 };
	ret = set_raw(vcpu, e, 4, 0);
	tap_ok(ret == -EINVAL, "index without SIGNIFICANT_INDEX: -EINVAL (%s)", errname(ret));
	e[3] = (struct vmctl_cpuid_entry){ .function = 4, .index = 0 };
	ret = set_raw(vcpu, e, 4, 0);
	tap_ok(ret == -EINVAL, "leaf 4 with and without SIGNIFICANT_INDEX: -EINVAL (%s)",
	       errname(ret));
	e[3] = (struct vmctl_cpuid_entry){ .function = 4, .index = 1, .flags = SIG };
	ret = set_raw(vcpu, e, 4, 0);
	tap_ok(ret == -EEXIST, "leaf 4.1 twice: -EEXIST (%s)", errname(ret));
	e[3] = (struct vmctl_cpuid_entry){ .function = 0 };
	ret = set_raw(vcpu, e, 4, 0);
	tap_ok(ret == -EEXIST, "leaf 0 twice: -EEXIST (%s)", errname(ret));
	ret = set_raw(vcpu, e, 3, 1);
	tap_ok(ret == -EINVAL, "nonzero header padding: -EINVAL (%s)", errname(ret));
	ret = set_raw(vcpu, NULL, 3, 0);
	tap_ok(ret == -EFAULT, "entries at NULL: -EFAULT (%s)", errname(ret));

	arg = (struct vmctl_cpuid){ .nent = 2, .entries = (uintptr_t)got };
	ret = raw_ioctl(vcpu, VMCTL_GET_CPUID, &arg);
	tap_ok(ret == -E2BIG && arg.nent == 3,
	       "GET_CPUID with room for 2: -E2BIG, nent 3 (%s, %u)", errname(ret), arg.nent);
	memset(got, 0, sizeof(got));
	arg = (struct vmctl_cpuid){ .nent = 4, .entries = (uintptr_t)got };
	ret = raw_ioctl(vcpu, VMCTL_GET_CPUID, &arg);
	tap_ok(ret == 0 && arg.nent == 3 && got[0].function == 0 && got[0].ebx == 0xaa &&
	       got[1].function == 4 && got[1].index == 0 && got[1].eax == 0x40 &&
	       got[2].index == 1 && got[2].eax == 0x41,
	       "after the refusals GET_CPUID gives the good table, sorted (%s, %u)",
	       errname(ret), arg.nent);
	ret = set_raw(vcpu, NULL, 0, 0);
	arg = (struct vmctl_cpuid){ .nent = 0 };
	tap_ok(ret == 0 && raw_ioctl(vcpu, VMCTL_GET_CPUID, &arg) == 0 && arg.nent == 0,
	       "an empty table: accepted, read back empty (%s)", errname(ret));

	arg = (struct vmctl_cpuid){ .nent = 1, .entries = (uintptr_t)got };
	ret = raw_ioctl(dev, VMCTL_GET_SUPPORTED_CPUID, &arg);
	tap_ok(ret == -E2BIG && arg.nent > 10 && arg.nent <= VMCTL_CPUID_MAX_ENTRIES,
	       "GET_SUPPORTED_CPUID with room for 1: -E2BIG, nent %u (%s)", arg.nent,
	       errname(ret));
	arg.padding = 1;
	ret = raw_ioctl(dev, VMCTL_GET_SUPPORTED_CPUID, &arg);
	tap_ok(ret == -EINVAL, "GET_SUPPORTED_CPUID, nonzero padding: -EINVAL (%s)", errname(ret));
	close(vcpu);
	close(vm);
	close(dev);
}

int main(void)
{
	struct vmctl_caps caps;
	struct vmctl_sys *sys;
	int err;

	tap_plan(20 + 3 + 11 + 17);
	host_xsave();
	tap_diag("guest XCR0 %#llx, %u bytes", (unsigned long long)guest_xcr0, guest_xsave_size);
	err = vmctl_sys_open(&sys);
	if (err)
		tap_bail("vmctl_sys_open: %s", vmctl_strerror_call("vmctl_sys_open", err));
	err = vmctl_sys_get_caps(sys, &caps);
	if (err || !(caps.features & VMCTL_CAP_CPUID))
		tap_bail("VMCTL_CAP_CPUID missing (%d)", err);
	made_up_table();
	default_table(sys);
	bad_tables();
	vmctl_sys_close(sys);
	return tap_finish();
}
