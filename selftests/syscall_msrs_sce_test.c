// SPDX-License-Identifier: GPL-2.0
/*
 * The module leaves the host's STAR, LSTAR, CSTAR and SFMASK in the CPU
 * while a guest's EFER.SCE is clear (SYSCALL would #UD), which saves four
 * MSR writes each way.  The guest must not notice: with SCE clear it reads
 * all four (its reset values, 0, never the host's), writes its SYSCALL
 * MSRs, reads LSTAR and SFMASK back, only then sets SCE and executes
 * SYSCALL, which must land in its own handler, with its own SFMASK; it
 * then clears SCE, changes LSTAR, sets SCE again and must land in the new
 * handler.  Between the reports the host thread, pinned to one CPU, checks
 * that its own SYSCALL and TSC_AUX are intact.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "test_util.h"

#define SFMASK_DF	0x400U		/* SFMASK clears RFLAGS.DF in the handler */
#define MSR_EFER	0xc0000080U
#define MSR_STAR	0xc0000081U
#define MSR_LSTAR	0xc0000082U
#define MSR_SFMASK	0xc0000084U

#define MSR_CSTAR	0xc0000083U

#define STR_(x) #x
#define STR(x) STR_(x)

/* RDMSR of MSR, the 64-bit value reported (RBX). */
#define READ_AND_REPORT(msr) \
	"	mov $" STR(msr) ", %ecx\n" \
	"	rdmsr\n" \
	"	shl $32, %rdx\n" \
	"	or %rax, %rdx\n" \
	"	mov %rdx, %rbx\n" \
	"	mov $" STR(UCALL_REPORT) ", %eax\n" \
	"	outl %eax, $" STR(UCALL_PORT) "\n"

DECLARE_GUEST(sce_late);
extern const uint8_t sce_late_after[], sce_late_handler[], sce_late_after2[],
	sce_late_handler2[];

/*
 * Reports, in order: STAR, LSTAR, CSTAR and SFMASK as a fresh vCPU reads
 * them with SCE clear; LSTAR and SFMASK read back with SCE clear after
 * writing them; RCX in the first
 * handler; DF in that handler's RFLAGS; RCX in the second handler; then
 * HLT.
 */
asm(".pushsection .rodata.guests, \"a\"\n"
    ".code64\n"
    ".balign 16\n"
    "sce_late_begin:\n"
    READ_AND_REPORT(MSR_STAR)
    READ_AND_REPORT(MSR_LSTAR)
    READ_AND_REPORT(MSR_CSTAR)
    READ_AND_REPORT(MSR_SFMASK)
    "	mov $" STR(MSR_STAR) ", %ecx\n"
    "	xor %eax, %eax\n"
    "	mov %cs, %edx\n"			/* SYSCALL's CS; SS = CS + 8 */
    "	wrmsr\n"
    "	mov $" STR(MSR_LSTAR) ", %ecx\n"
    "	lea sce_late_handler(%rip), %rax\n"
    "	mov %rax, %rdx\n"
    "	shr $32, %rdx\n"
    "	wrmsr\n"
    "	mov $" STR(MSR_SFMASK) ", %ecx\n"
    "	mov $" STR(SFMASK_DF) ", %eax\n"
    "	xor %edx, %edx\n"
    "	wrmsr\n"
    READ_AND_REPORT(MSR_LSTAR)
    READ_AND_REPORT(MSR_SFMASK)
    "	mov $" STR(MSR_EFER) ", %ecx\n"
    "	rdmsr\n"
    "	or $1, %eax\n"				/* EFER.SCE, only now */
    "	wrmsr\n"
    "	std\n"
    "	syscall\n"
    "sce_late_after:\n"
    "	hlt\n"					/* the handler does not return */
    "sce_late_handler:\n"
    "	mov %rcx, %rbx\n"
    "	mov $" STR(UCALL_REPORT) ", %eax\n"
    "	outl %eax, $" STR(UCALL_PORT) "\n"
    "	pushfq\n"
    "	pop %rbx\n"
    "	and $0x400, %ebx\n"
    "	mov $" STR(UCALL_REPORT) ", %eax\n"
    "	outl %eax, $" STR(UCALL_PORT) "\n"
    "	cld\n"
    "	mov $" STR(MSR_EFER) ", %ecx\n"
    "	rdmsr\n"
    "	and $~1, %eax\n"			/* SCE off ... */
    "	wrmsr\n"
    "	mov $" STR(MSR_LSTAR) ", %ecx\n"	/* ... a new LSTAR ... */
    "	lea sce_late_handler2(%rip), %rax\n"
    "	mov %rax, %rdx\n"
    "	shr $32, %rdx\n"
    "	wrmsr\n"
    "	mov $" STR(MSR_EFER) ", %ecx\n"
    "	rdmsr\n"
    "	or $1, %eax\n"				/* ... and SCE on again */
    "	wrmsr\n"
    "	syscall\n"
    "sce_late_after2:\n"
    "	hlt\n"
    "sce_late_handler2:\n"
    "	mov %rcx, %rbx\n"
    "	mov $" STR(UCALL_REPORT) ", %eax\n"
    "	outl %eax, $" STR(UCALL_PORT) "\n"
    "	hlt\n"
    "sce_late_end:\n"
    ".popsection\n");

static int pinned_cpu;
static pid_t host_pid;		/* read before any guest ran */

/* The host's own view: SYSCALL works and TSC_AUX names this CPU. */
static void check_host(const char *when)
{
	unsigned int lo, hi, aux;
	pid_t pid;

	pid = syscall(SYS_getpid);
	asm volatile("rdtscp" : "=a" (lo), "=d" (hi), "=c" (aux));
	(void)lo;
	(void)hi;
	tap_ok(pid == host_pid && (aux & 0xfff) == (unsigned int)pinned_cpu,
	       "%s: the host's SYSCALL works (getpid %d, want %d), RDTSCP gives TSC_AUX %#x (CPU %d)",
	       when, (int)pid, (int)host_pid, aux, pinned_cpu);
}

static void run_to_report(struct tvm *t, uint64_t want, const char *what)
{
	struct vmctl_exit exit;
	struct ucall uc = { 0 };
	int err;

	err = vmctl_vcpu_run_loop(t->vcpu, &exit);
	if (err || !ucall_get(t->vcpu, &exit, &uc) || uc.code != UCALL_REPORT) {
		tap_ok(false, "%s: no report (%d, %s)", what, err, exit.message);
		return;
	}
	tap_ok(uc.arg == want, "%s: %#llx (want %#llx)", what,
	       (unsigned long long)uc.arg, (unsigned long long)want);
}

int main(void)
{
	uint64_t handler = GUEST_LOAD_ADDR + GUEST_OFF(sce_late, sce_late_handler);
	uint64_t after = GUEST_LOAD_ADDR + GUEST_OFF(sce_late, sce_late_after);
	uint64_t after2 = GUEST_LOAD_ADDR + GUEST_OFF(sce_late, sce_late_after2);
	struct vmctl_exit exit;
	cpu_set_t set;
	struct tvm t;
	int err;

	tap_plan(13);
	host_pid = syscall(SYS_getpid);
	pinned_cpu = sched_getcpu();
	if (pinned_cpu < 0)
		tap_bail("sched_getcpu: %s", strerror(errno));
	CPU_ZERO(&set);
	CPU_SET(pinned_cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		tap_bail("sched_setaffinity: %s", strerror(errno));

	tvm_create(&t, 4 << 20);
	tvm_start_long(&t, sce_late_begin, sce_late_end);
	/*
	 * A vCPU's SYSCALL MSRs are 0 at reset; with SCE clear the CPU holds
	 * the host's (non-zero: its SYSCALL entry, segments and flags mask).
	 */
	run_to_report(&t, 0, "fresh vCPU with SCE clear: RDMSR STAR gives the guest's 0, not the host's");
	run_to_report(&t, 0, "fresh vCPU with SCE clear: RDMSR LSTAR gives the guest's 0, not the host's");
	run_to_report(&t, 0, "fresh vCPU with SCE clear: RDMSR CSTAR gives the guest's 0, not the host's");
	run_to_report(&t, 0, "fresh vCPU with SCE clear: RDMSR SFMASK gives the guest's 0, not the host's");
	run_to_report(&t, handler, "with SCE clear, RDMSR LSTAR reads back the guest's value");
	run_to_report(&t, SFMASK_DF, "with SCE clear, RDMSR SFMASK reads back the guest's value");
	check_host("after the guest wrote its SYSCALL MSRs with SCE clear");
	run_to_report(&t, after, "SCE set after the MSRs: SYSCALL lands in the guest's handler, RCX");
	run_to_report(&t, 0, "and the guest's SFMASK cleared DF, DF");
	run_to_report(&t, after2,
		      "SCE cleared, LSTAR changed, SCE set again: SYSCALL lands in the new handler, RCX");
	check_host("after the guest's SYSCALLs");
	err = vmctl_vcpu_run_loop(t.vcpu, &exit);
	tap_ok(err == 0 && exit.reason == VMCTL_EXIT_HLT, "then halts (%s)", exit.message);
	check_host("after the guest halted");
	tvm_destroy(&t);
	return tap_finish();
}
