/* SPDX-License-Identifier: GPL-2.0 */
/* Guests of mmio_test.c (guests_mmio.S) and where their devices are. */
#ifndef VMCTL_SELFTESTS_GUESTS_MMIO_H
#define VMCTL_SELFTESTS_GUESTS_MMIO_H

#define MMIO_A_GPA	0x20000000	/* device A: 4 KiB, no slot */
#define MMIO_B_GPA	0x20001000	/* device B: 4 KiB, no slot */
#define MMIO_LINEAR	0x40000000	/* 32-bit paging modes: maps MMIO_A_GPA */
#define MMIO_NOT_PRESENT 0x40000123	/* long mode: beyond the identity map */

#ifndef __ASSEMBLER__
#include <stdint.h>

/*
 * 64-bit: every decoded form against devices A (RBX) and B (R12), saving
 * results at R15 (RAM); ucall DONE(number of results).
 */
extern const uint8_t mmio_forms_begin[], mmio_forms_end[];
/* 64-bit: installs a #PF handler, MOVSB from A to MMIO_NOT_PRESENT. */
extern const uint8_t mmio_pf_begin[], mmio_pf_end[];
/* 64-bit: MOVDQU from A, which the decoder does not know. */
extern const uint8_t mmio_sse_begin[], mmio_sse_end[];
extern const uint8_t mmio_sse_insn[];
/* 32-bit, EBX = the device's linear address: load, add, store; DONE(EAX). */
extern const uint8_t mmio_32_begin[], mmio_32_end[];
/* Real mode, ES = MMIO_A_GPA >> 4 (set by the host): the same. */
extern const uint8_t mmio_16_begin[], mmio_16_end[];
#endif

#endif /* VMCTL_SELFTESTS_GUESTS_MMIO_H */
