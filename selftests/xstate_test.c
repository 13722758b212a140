// SPDX-License-Identifier: GPL-2.0
/*
 * The guest's XSAVE components: its XCR0 (XGETBV) and CPUID leaf 0xd are
 * the host's XCR0 without PKRU (bit 9) and AMX tile config/data (bits 17,
 * 18), CPUID leaf 0xd.0 EBX is the XSAVE size of exactly those, and leaf
 * 7 shows neither PKU/OSPKE nor AMX.  The expected values come from the
 * host's own XGETBV and CPUID in this process.  (On the Bochs models the
 * host has no PKRU or AMX to hide: there this guards the XCR0 switch and
 * the CPUID description; kmod/vmx/spec_kunit.c checks the hiding itself.)
 */
#include <cpuid.h>
#include <stdint.h>

#include "test_util.h"

#define HIDDEN_XFEATURES	((1ULL << 9) | (1ULL << 17) | (1ULL << 18))
#define CPUID7_ECX_PKU_OSPKE	((1U << 3) | (1U << 4))
#define CPUID7_EDX_AMX		((1U << 22) | (1U << 24) | (1U << 25))

#define STR_(x) #x
#define STR(x) STR_(x)
#define REPORT	"	mov $" STR(UCALL_REPORT) ", %eax\n	outl %eax, $" STR(UCALL_PORT) "\n"

DECLARE_GUEST(xstate);

/* Reports XCR0, CPUID 0xd.0 EDX:EAX, its EBX, leaf 7's PKU and AMX bits. */
asm(".pushsection .rodata.guests, \"a\"\n"
    ".code64\n"
    ".balign 16\n"
    "xstate_begin:\n"
    "	mov %cr4, %rax\n"
    "	or $0x40000, %rax\n"			/* CR4.OSXSAVE */
    "	mov %rax, %cr4\n"
    "	xor %ecx, %ecx\n"
    "	xgetbv\n"
    "	shl $32, %rdx\n"
    "	or %rax, %rdx\n"
    "	mov %rdx, %rbx\n"
    REPORT
    "	mov $0xd, %eax\n"
    "	xor %ecx, %ecx\n"
    "	cpuid\n"
    "	mov %ebx, %esi\n"
    "	shl $32, %rdx\n"
    "	mov %eax, %eax\n"
    "	or %rax, %rdx\n"
    "	mov %rdx, %rbx\n"
    REPORT
    "	mov %esi, %ebx\n"
    REPORT
    "	mov $7, %eax\n"
    "	xor %ecx, %ecx\n"
    "	cpuid\n"
    "	and $" STR(CPUID7_ECX_PKU_OSPKE) ", %ecx\n"
    "	and $" STR(CPUID7_EDX_AMX) ", %edx\n"
    "	or %rcx, %rdx\n"
    "	mov %rdx, %rbx\n"
    REPORT
    "	hlt\n"
    "xstate_end:\n"
    ".popsection\n");

static uint64_t report(struct tvm *t, const char *what)
{
	struct vmctl_exit exit;
	struct ucall uc = { 0 };
	int err;

	err = vmctl_vcpu_run_loop(t->vcpu, &exit);
	if (err || !ucall_get(t->vcpu, &exit, &uc) || uc.code != UCALL_REPORT)
		tap_bail("%s: no report (%d, %s)", what, err, exit.message);
	return uc.arg;
}

int main(void)
{
	unsigned int eax, ebx, ecx, edx, i, size = 576;
	uint64_t host_xcr0, want, got;
	struct vmctl_exit exit;
	struct tvm t;
	int err;

	tap_plan(5);
	asm volatile("xgetbv" : "=a" (eax), "=d" (edx) : "c" (0));
	host_xcr0 = (uint64_t)edx << 32 | eax;
	want = host_xcr0 & ~HIDDEN_XFEATURES;
	for (i = 2; i < 64; i++) {
		if (!(want & (1ULL << i)))
			continue;
		__cpuid_count(0xd, i, eax, ebx, ecx, edx);
		if (eax + ebx > size)
			size = eax + ebx;
	}
	tap_diag("host XCR0 %#llx, guest's should be %#llx, %u bytes",
		 (unsigned long long)host_xcr0, (unsigned long long)want, size);

	tvm_create(&t, 4 << 20);
	tvm_start_long(&t, xstate_begin, xstate_end);
	got = report(&t, "XGETBV");
	tap_ok(got == want, "guest XCR0 %#llx (want %#llx)",
	       (unsigned long long)got, (unsigned long long)want);
	got = report(&t, "CPUID 0xd.0 EDX:EAX");
	tap_ok(got == want, "guest CPUID 0xd.0 EDX:EAX %#llx (want %#llx)",
	       (unsigned long long)got, (unsigned long long)want);
	got = report(&t, "CPUID 0xd.0 EBX");
	tap_ok(got == size, "guest CPUID 0xd.0 EBX %llu bytes (want %u)",
	       (unsigned long long)got, size);
	got = report(&t, "CPUID 7");
	tap_ok(got == 0, "guest CPUID 7 shows no PKU, OSPKE or AMX (bits %#llx)",
	       (unsigned long long)got);
	err = vmctl_vcpu_run_loop(t.vcpu, &exit);
	tap_ok(err == 0 && exit.reason == VMCTL_EXIT_HLT, "then halts (%s)", exit.message);
	tvm_destroy(&t);
	return tap_finish();
}
