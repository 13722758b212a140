/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest of mmio_movs_test.c (guests_mmio_movs.S): one access or one
 * string instruction per run, chosen by the host through the registers.
 */
#ifndef VMCTL_SELFTESTS_GUESTS_MMIO_MOVS_H
#define VMCTL_SELFTESTS_GUESTS_MMIO_MOVS_H

/* R10: what mmio_access does */
#define ACCESS_LOAD	0	/* R14 = zero-extended R9 bytes at RBX */
#define ACCESS_STORE	1	/* R9 bytes of RDX to RBX */
#define ACCESS_ADD	2	/* ADD RDX to the R9 bytes at RBX */
#define ACCESS_MOVS	3	/* MOVS of width R9, RSI RDI RCX as set */
#define ACCESS_REP_MOVS	4	/* the same with REP */

/* R8 != 0: STD first.  R13: the record (RAM), as below. */
#define REC_IRQ_RCX	0	/* RCX when the interrupt arrived */
#define REC_IRQ_COUNT	8	/* interrupts taken */
#define REC_PF_CR2	16	/* CR2 of a #PF */
#define REC_PF_ERROR	24	/* its error code */
#define REC_PF_COUNT	32

#define IRQ_VECTOR	0x40

#ifndef __ASSEMBLER__
#include <stdint.h>

/*
 * 64-bit: installs an IRQ_VECTOR and a #PF handler, STI, does what R10
 * says, CLD, ucall DONE.  The #PF handler records and ends with DONE too.
 */
extern const uint8_t mmio_access_begin[], mmio_access_end[];
#endif

#endif /* VMCTL_SELFTESTS_GUESTS_MMIO_MOVS_H */
