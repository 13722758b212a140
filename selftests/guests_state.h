/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest code of the state feature's selftests (guests_state.S):
 * hypercalls, vCPU state and the FPU.
 */
#ifndef VMCTL_SELFTESTS_GUESTS_STATE_H
#define VMCTL_SELFTESTS_GUESTS_STATE_H

#include "guests.h"

#define HC_FIRST_NR	0x1234567890ULL	/* hc_long's first hypercall */
#define HC_FIRST_ARG0	0x1111111111111111ULL
#define HC_FIRST_ARG1	0x2222222222222222ULL
#define HC_FIRST_ARG2	0x3333333333333333ULL
#define HC_FIRST_ARG3	0x4444444444444444ULL
#define HC_LOOP_NR	0x100		/* hc_long's loop: numbers 0x100 + i */
#define HC_LOOP_COUNT	50
#define HC_RAW_NR	7		/* hc_long: answered with complete_hypercall() */
#define HC_NONE_NR	8		/* hc_long: never answered */

/* The answer hc_long expects to hypercall nr = HC_LOOP_NR + i, args (i, 2i, 3i, 4i). */
#define HC_LOOP_RET(nr, a0, a1, a2, a3) \
	((nr) * 0x10001 + (a0) + ((a1) << 8) + ((a2) << 16) + ((a3) << 24))

#define STATE_SUM_N	1000		/* state_sum adds 1 .. N */
#define STATE_IN_PORT	0x64		/* state_sum's IN halfway, at i == N / 2 */
#define STATE_STAR	0x0013000812345678	/* what state_sum writes to MSR_STAR */

#define FPU_KEEP_PORT	0x81		/* fpu_keep's OUTs */
#define FPU_KEEP_EXITS	3000		/* ... this many */

#define SEV_IRQ_VECTOR	0x41		/* state_ev: the interrupt the host queues */
#define SEV_GP_CODE	0x2468		/* state_ev: the #GP error code the host sets */
#define SEV_IN_PORT	0x65		/* state_ev: the IN in an STI shadow */
#define SEV_MEM_SIZE	(4 << 20)	/* state_ev's VMs: memory at first */
#define SEV_MAP_SIZE	(8 << 20)	/* ... what its page tables map */

#define MCE_OP_READ	0
#define MCE_OP_WRITE	1
#define MCE_MAX_OPS	64

#define SDUMP_PORT	0x66		/* state_dump's OUT */
#define SDUMP_VALUE	0xdeadbeef

#ifndef __ASSEMBLER__
#include <stdint.h>

/*
 * hc_long (long mode): VMCALL HC_FIRST_NR with HC_FIRST_ARG0..3: REPORT(RAX),
 * then REPORT(registers other than RAX changed by the VMCALL, as a bit mask);
 * HC_LOOP_COUNT VMCALLs checking each answer: REPORT(wrong answers);
 * VMCALL HC_RAW_NR: REPORT(RAX); VMCALL HC_NONE_NR: REPORT(RAX); HLT.
 */
DECLARE_GUEST(hc_long);
/*
 * hc_prot (32-bit protected mode, no paging): VMCALL with the registers as
 * the host set them, then REPORT(EAX) and spins.  Run at CPL 3 with IOPL 3
 * (so that the ucall's OUT works) to see the CPL check.
 */
DECLARE_GUEST(hc_prot);
/*
 * state_sum (long mode): sets CR4.OSFXSR and OSXSAVE, writes STATE_STAR to MSR_STAR,
 * then for i = 1 .. STATE_SUM_N adds i to R12 and to XMM1's low qword and
 * 1.0 to each double of YMM2; at i = N / 2 also adds what an IN from
 * STATE_IN_PORT reads to R12.  Then REPORTs R12, XMM1's low qword, YMM2's
 * third double (upper half) as an integer and MSR_STAR; HLT.
 */
DECLARE_GUEST(state_sum);
/*
 * fpu_keep (long mode): sets CR4.OSXSAVE, loads YMM0-YMM14 with distinct
 * patterns (fpu_keep_patterns), then FPU_KEEP_EXITS times OUTs to
 * FPU_KEEP_PORT and compares all fifteen registers with the patterns:
 * REPORT(OUTs after which one differed); HLT.
 */
DECLARE_GUEST(fpu_keep);
/*
 * dr7_rewrite (long mode): writes DR7 back as it reads it (bit 10 set),
 * then REPORT(DR7); HLT.  A #GP on the write has no IDT: triple fault.
 */
DECLARE_GUEST(dr7_rewrite);
/*
 * state_ev (long mode, own IDT for NMI, #GP and SEV_IRQ_VECTOR, whose
 * handlers count and record the RIP pushed, R12 and the error code):
 * stages SYNC 1-7 where state_events_test.c saves the vCPU in the middle
 * of an event and moves it to a new VM; see guests_state.S.
 */
DECLARE_GUEST(state_ev);
extern const uint8_t sev_after_sti[], sev_after_unbacked[], sev_gp_ret[],
	sev_nmi_ret[], sev_after_in[], sev_after_hlt[];
extern const uint8_t sev_irq_count[], sev_irq_rip[], sev_irq_r12[], sev_gp_count[],
	sev_gp_rip[], sev_gp_code[], sev_nmi_count[], sev_nmi_rip[];
/* mce_msr (long mode): see guests_state.S; SYNC 1 when done, then HLT. */
struct mce_op {
	uint32_t op;			/* MCE_OP_* */
	uint32_t index;
	uint64_t value;			/* written */
	uint64_t result;		/* read */
	uint64_t gp;			/* 1: the instruction raised #GP */
};
DECLARE_GUEST(mce_msr);
extern const uint8_t mce_nops[], mce_ops[];
/* state_dump (long mode): OUT SDUMP_VALUE to SDUMP_PORT, then UD2 at sdump_after_out. */
DECLARE_GUEST(state_dump);
extern const uint8_t sdump_after_out[];
#endif

#endif /* VMCTL_SELFTESTS_GUESTS_STATE_H */
