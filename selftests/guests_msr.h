/* SPDX-License-Identifier: GPL-2.0 */
/*
 * msr_service (guests_msr.S), the guest of msr_test.c: a long-mode loop
 * that runs one instruction per round for the host.  Each round: ucall
 * SYNC(0); the host sets RSI (MSR_OP_*), RCX, EAX, EDX and R14 = -1 with
 * SET_REGS; the guest executes the instruction and reports EDX:EAX with
 * ucall REPORT.  Its IDT sends #UD and #GP to handlers that store the
 * vector in R14 and the faulting RIP in R13 and resume after the
 * instruction; so R14 says which exception (or -1: none) the instruction
 * raised.
 */
#ifndef VMCTL_SELFTESTS_GUESTS_MSR_H
#define VMCTL_SELFTESTS_GUESTS_MSR_H

#define MSR_OP_RDMSR	0
#define MSR_OP_WRMSR	1
#define MSR_OP_XSETBV	2
#define MSR_OP_XGETBV	3
#define MSR_OP_RDTSC	4
#define MSR_OP_VMXOFF	5
#define MSR_OP_VMCLEAR	6

#ifndef __ASSEMBLER__
#include <stdint.h>

extern const uint8_t msr_service_begin[], msr_service_end[];
extern const uint8_t msr_service_rdmsr[];	/* the RDMSR instruction */
#endif

#endif /* VMCTL_SELFTESTS_GUESTS_MSR_H */
