// SPDX-License-Identifier: GPL-2.0
/*
 * The SYSCALL MSRs and TSC_AUX are the guest's while it runs and the
 * host's otherwise.  A long-mode guest sets EFER.SCE, writes STAR, LSTAR,
 * SFMASK and TSC_AUX with WRMSR, executes SYSCALL into its own handler and
 * RDTSCP, reporting what it sees over the ucall port.  Between the
 * reports the host thread, pinned to one CPU, checks that its own SYSCALL
 * still works and that RDTSCP gives it the host's TSC_AUX (the CPU
 * number), not the guest's.  A second guest writes TSC_AUX with reserved
 * bits set: that must #GP in the guest (no IDT: triple fault), never
 * reach the host's MSR.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "test_util.h"

#define GUEST_TSC_AUX	0xabcU		/* no CPU of the test machine has this number */
#define SFMASK_DF	0x400U		/* SFMASK clears RFLAGS.DF in the handler */
#define MSR_EFER	0xc0000080U
#define MSR_STAR	0xc0000081U
#define MSR_LSTAR	0xc0000082U
#define MSR_SFMASK	0xc0000084U
#define MSR_TSC_AUX	0xc0000103U

#define STR_(x) #x
#define STR(x) STR_(x)

DECLARE_GUEST(syscall_msrs);
DECLARE_GUEST(tsc_aux_reserved);
extern const uint8_t syscall_msrs_after[], syscall_msrs_handler[];

/*
 * syscall_msrs reports, in order: RCX in the handler (the return address),
 * DF in the handler's RFLAGS (bit 10) and in R11's saved RFLAGS (bit 11),
 * RDTSCP's ECX, LSTAR read back; then HLT.
 */
asm(".pushsection .rodata.guests, \"a\"\n"
    ".code64\n"
    ".balign 16\n"
    "syscall_msrs_begin:\n"
    "	mov $" STR(MSR_EFER) ", %ecx\n"
    "	rdmsr\n"
    "	or $1, %eax\n"				/* EFER.SCE */
    "	wrmsr\n"
    "	mov $" STR(MSR_STAR) ", %ecx\n"
    "	xor %eax, %eax\n"
    "	mov %cs, %edx\n"			/* SYSCALL's CS; SS = CS + 8 */
    "	wrmsr\n"
    "	mov $" STR(MSR_LSTAR) ", %ecx\n"
    "	lea syscall_msrs_handler(%rip), %rax\n"
    "	mov %rax, %rdx\n"
    "	shr $32, %rdx\n"
    "	wrmsr\n"
    "	mov $" STR(MSR_SFMASK) ", %ecx\n"
    "	mov $" STR(SFMASK_DF) ", %eax\n"
    "	xor %edx, %edx\n"
    "	wrmsr\n"
    "	std\n"
    "	syscall\n"
    "syscall_msrs_after:\n"
    "	hlt\n"					/* the handler does not return */
    "syscall_msrs_handler:\n"
    "	mov %rcx, %rbx\n"
    "	mov $" STR(UCALL_REPORT) ", %eax\n"
    "	outl %eax, $" STR(UCALL_PORT) "\n"
    "	pushfq\n"
    "	pop %rbx\n"
    "	and $0x400, %ebx\n"
    "	and $0x400, %r11d\n"
    "	shl $1, %r11d\n"
    "	or %r11, %rbx\n"
    "	mov $" STR(UCALL_REPORT) ", %eax\n"
    "	outl %eax, $" STR(UCALL_PORT) "\n"
    "	cld\n"
    "	mov $" STR(MSR_TSC_AUX) ", %ecx\n"
    "	mov $" STR(GUEST_TSC_AUX) ", %eax\n"
    "	xor %edx, %edx\n"
    "	wrmsr\n"
    "	rdtscp\n"
    "	mov %ecx, %ebx\n"
    "	mov $" STR(UCALL_REPORT) ", %eax\n"
    "	outl %eax, $" STR(UCALL_PORT) "\n"
    "	mov $" STR(MSR_LSTAR) ", %ecx\n"
    "	rdmsr\n"
    "	shl $32, %rdx\n"
    "	or %rax, %rdx\n"
    "	mov %rdx, %rbx\n"
    "	mov $" STR(UCALL_REPORT) ", %eax\n"
    "	outl %eax, $" STR(UCALL_PORT) "\n"
    "	hlt\n"
    "syscall_msrs_end:\n"
    ".balign 16\n"
    "tsc_aux_reserved_begin:\n"
    "	mov $" STR(MSR_TSC_AUX) ", %ecx\n"
    "	mov $1, %eax\n"
    "	mov $1, %edx\n"				/* bit 32: reserved */
    "	wrmsr\n"
    "	hlt\n"
    "tsc_aux_reserved_end:\n"
    ".popsection\n");

static int pinned_cpu;
static pid_t host_pid;		/* read before any guest ran */

/* The host's own view: SYSCALL works and TSC_AUX names this CPU. */
static void check_host(const char *when)
{
	unsigned int lo, hi, aux;
	unsigned int cpu = ~0U;
	pid_t pid;

	pid = syscall(SYS_getpid);
	tap_ok(pid == host_pid, "%s: the host thread's SYSCALL works (getpid %d, want %d)",
	       when, (int)pid, (int)host_pid);
	asm volatile("rdtscp" : "=a" (lo), "=d" (hi), "=c" (aux));
	(void)lo;
	(void)hi;
	if (syscall(SYS_getcpu, &cpu, NULL, NULL))
		tap_bail("getcpu: %s", strerror(errno));
	tap_ok((aux & 0xfff) == (unsigned int)pinned_cpu && cpu == (unsigned int)pinned_cpu,
	       "%s: host RDTSCP gives TSC_AUX %#x, its CPU %d (getcpu %u)",
	       when, aux, pinned_cpu, cpu);
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
	uint64_t handler = GUEST_LOAD_ADDR + GUEST_OFF(syscall_msrs, syscall_msrs_handler);
	uint64_t after = GUEST_LOAD_ADDR + GUEST_OFF(syscall_msrs, syscall_msrs_after);
	struct vmctl_exit exit;
	cpu_set_t set;
	struct tvm t;
	int err;

	tap_plan(14);
	host_pid = syscall(SYS_getpid);
	pinned_cpu = sched_getcpu();
	if (pinned_cpu < 0)
		tap_bail("sched_getcpu: %s", strerror(errno));
	CPU_ZERO(&set);
	CPU_SET(pinned_cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		tap_bail("sched_setaffinity: %s", strerror(errno));

	tvm_create(&t, 4 << 20);
	tvm_start_long(&t, syscall_msrs_begin, syscall_msrs_end);
	check_host("before the guest");
	run_to_report(&t, after, "SYSCALL lands in the guest's LSTAR handler, RCX");
	check_host("after the guest's SYSCALL");
	run_to_report(&t, SFMASK_DF << 1, "SFMASK cleared DF, R11 kept it");
	run_to_report(&t, GUEST_TSC_AUX, "guest RDTSCP returns the guest's TSC_AUX");
	check_host("after the guest's RDTSCP");
	run_to_report(&t, handler, "guest RDMSR LSTAR reads back its value");
	err = vmctl_vcpu_run_loop(t.vcpu, &exit);
	tap_ok(err == 0 && exit.reason == VMCTL_EXIT_HLT, "then halts (%s)", exit.message);
	check_host("after the guest halted");
	tvm_destroy(&t);

	tvm_create(&t, 4 << 20);
	tvm_start_long(&t, tsc_aux_reserved_begin, tsc_aux_reserved_end);
	err = vmctl_vcpu_run_loop(t.vcpu, &exit);
	tap_ok(err == 0 && exit.reason == VMCTL_EXIT_SHUTDOWN,
	       "WRMSR TSC_AUX with a reserved bit: #GP, no IDT, shutdown (%s)",
	       exit.message);
	tvm_destroy(&t);
	return tap_finish();
}
