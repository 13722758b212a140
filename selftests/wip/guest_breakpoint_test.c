// SPDX-License-Identifier: GPL-2.0
/*
 * A guest's own hardware breakpoints, armed by the guest itself (MOV to
 * DR0-DR2 and DR7, which exit): a long-mode guest with its own IDT takes
 * - an instruction breakpoint (DR0) on its own code: a fault, the pushed
 *   RIP is the breakpoint's, DR6.B0;
 * - an instruction breakpoint (DR1) on the first instruction after an OUT
 *   exit, so the #DB comes at the first instruction boundary after
 *   VMRESUME: DR6.B1;
 * - a data breakpoint (DR2, writes, 8 bytes): a trap, the pushed RIP is
 *   the next instruction's, DR6.B2.
 * Each #DB must come exactly once, pushed on the guest's own stack (RSP
 * 0x80000 less the five-quadword frame).  Stop 16 left a doubt: a guest
 * of the events work that armed DR0/DR7 triple-faulted under Bochs with
 * its #DB frame far from its stack; this is the minimal case.
 */
#include <stdint.h>

#include "test_util.h"

#define STR_(x) #x
#define STR(x) STR_(x)

/* The frame of an exception without error code, on a 16-byte aligned stack. */
#define FRAME_RSP	(GUEST_STACK_TOP - 5 * 8)
#define DR6_FIXED	0xffff0ff0	/* DR6 with no condition bit set */
/* L0, L1, L2; DR0/DR1 execute (R/W 00, LEN 00); DR2 write (01), 8 bytes (10). */
#define GUEST_DR7	(0x400 | 0x15 | (1 << 24) | (2 << 26))

#define REPORT(reg) \
	"	mov " reg ", %rbx\n" \
	"	mov $" STR(UCALL_REPORT) ", %eax\n" \
	"	outl %eax, $" STR(UCALL_PORT) "\n"
/* What the #DB handler saw last: count, pushed RIP, RSP, DR6. */
#define REPORT_DB \
	REPORT("bp_count(%rip)") REPORT("bp_rip(%rip)") \
	REPORT("bp_rsp(%rip)") REPORT("bp_dr6(%rip)")

DECLARE_GUEST(bp);
extern const uint8_t bp_exec0[], bp_exec1[], bp_after_write[];

asm(".pushsection .rodata.guests, \"a\"\n"
    ".code64\n"
    ".balign 16\n"
    "bp_begin:\n"
    "	lea bp_handler(%rip), %rax\n"	/* vector 1: 64-bit interrupt gate */
    "	lea bp_idt + 16(%rip), %rdi\n"
    "	mov %ax, (%rdi)\n"
    "	movw %cs, 2(%rdi)\n"
    "	movw $0x8e00, 4(%rdi)\n"
    "	shr $16, %rax\n"
    "	mov %ax, 6(%rdi)\n"
    "	shr $16, %rax\n"
    "	mov %eax, 8(%rdi)\n"
    "	movl $0, 12(%rdi)\n"
    "	lea bp_idt(%rip), %rax\n"
    "	mov %rax, bp_idtr + 2(%rip)\n"
    "	lidt bp_idtr(%rip)\n"
    "	lea bp_exec0(%rip), %rax\n"
    "	mov %rax, %db0\n"
    "	lea bp_exec1(%rip), %rax\n"
    "	mov %rax, %db1\n"
    "	lea bp_var(%rip), %rax\n"
    "	mov %rax, %db2\n"
    "	mov $" STR(GUEST_DR7) ", %eax\n"
    "	mov %rax, %db7\n"
    "	nop\n"
    "bp_exec0:\n"
    "	nop\n"
    REPORT_DB
    "	mov $" STR(UCALL_REPORT) ", %eax\n"
    "	xor %ebx, %ebx\n"
    "	outl %eax, $" STR(UCALL_PORT) "\n"
    "bp_exec1:\n"
    "	nop\n"
    REPORT_DB
    "	movq $5, bp_var(%rip)\n"
    "bp_after_write:\n"
    REPORT_DB
    "	hlt\n"
    "bp_handler:\n"
    "	mov %rsp, bp_rsp(%rip)\n"
    "	push %rax\n"
    "	mov 8(%rsp), %rax\n"
    "	mov %rax, bp_rip(%rip)\n"
    "	mov %db6, %rax\n"
    "	mov %rax, bp_dr6(%rip)\n"
    "	mov $" STR(DR6_FIXED) ", %eax\n"
    "	mov %rax, %db6\n"
    "	incq bp_count(%rip)\n"
    "	orq $0x10000, 24(%rsp)\n"		/* RF: resume past a fault */
    "	pop %rax\n"
    "	iretq\n"
    ".balign 16\n"
    "bp_idt: .fill 32, 1, 0\n"
    "bp_idtr: .word 31\n"
    "	.quad 0\n"
    ".balign 8\n"
    "bp_var: .quad 0\n"
    "bp_count: .quad 0\n"
    "bp_rip: .quad 0\n"
    "bp_rsp: .quad 0\n"
    "bp_dr6: .quad 0\n"
    "bp_end:\n"
    ".popsection\n");

static bool next_report(struct tvm *t, uint64_t *value, const char *what)
{
	struct vmctl_exit exit;
	struct ucall uc = { 0 };
	int err;

	err = vmctl_vcpu_run_loop(t->vcpu, &exit);
	if (err || !ucall_get(t->vcpu, &exit, &uc) || uc.code != UCALL_REPORT) {
		tap_ok(false, "%s: no report (%d, %s)", what, err, exit.message);
		return false;
	}
	*value = uc.arg;
	return true;
}

/* The handler's record after one more #DB: 4 checks. */
static void check_db(struct tvm *t, uint64_t count, uint64_t rip,
		     uint64_t dr6_bit, const char *what)
{
	uint64_t got_count, got_rip, got_rsp, got_dr6;

	if (!next_report(t, &got_count, what) || !next_report(t, &got_rip, what) ||
	    !next_report(t, &got_rsp, what) || !next_report(t, &got_dr6, what))
		tap_bail("%s: the guest stopped reporting", what);
	tap_ok(got_count == count, "%s: #DB taken %llu time(s) in all (want %llu)", what,
	       (unsigned long long)got_count, (unsigned long long)count);
	tap_ok(got_rip == rip, "%s: pushed RIP %#llx (want %#llx)", what,
	       (unsigned long long)got_rip, (unsigned long long)rip);
	tap_ok(got_rsp == FRAME_RSP, "%s: frame on the guest's stack, RSP %#llx (want %#llx)",
	       what, (unsigned long long)got_rsp, (unsigned long long)FRAME_RSP);
	tap_ok(got_dr6 == (DR6_FIXED | dr6_bit), "%s: DR6 %#llx (want %#llx)", what,
	       (unsigned long long)got_dr6, (unsigned long long)(DR6_FIXED | dr6_bit));
}

int main(void)
{
	struct vmctl_exit exit;
	struct tvm t;
	uint64_t sync;
	int err;

	tap_plan(14);
	tvm_create(&t, 4 << 20);
	tvm_start_long(&t, bp_begin, bp_end);
	check_db(&t, 1, GUEST_LOAD_ADDR + GUEST_OFF(bp, bp_exec0), 1,
		 "DR0 on the guest's code");
	if (!next_report(&t, &sync, "the OUT before DR1's target"))
		tap_bail("the guest stopped before DR1's target");
	tap_ok(sync == 0, "the OUT before DR1's target reports 0 (%#llx)",
	       (unsigned long long)sync);
	check_db(&t, 2, GUEST_LOAD_ADDR + GUEST_OFF(bp, bp_exec1), 2,
		 "DR1 on the first instruction after VMRESUME");
	check_db(&t, 3, GUEST_LOAD_ADDR + GUEST_OFF(bp, bp_after_write), 4,
		 "DR2 on a write to guest data (trap)");
	err = vmctl_vcpu_run_loop(t.vcpu, &exit);
	tap_ok(err == 0 && exit.reason == VMCTL_EXIT_HLT, "then halts (%s)", exit.message);
	tvm_destroy(&t);
	return tap_finish();
}
