/* SPDX-License-Identifier: GPL-2.0 */
/* Guests of string_io_test.c (guests_strio.S): INS/OUTS in every form. */
#ifndef VMCTL_SELFTESTS_GUESTS_STRIO_H
#define VMCTL_SELFTESTS_GUESTS_STRIO_H

#define STRIO_PORT_B	0x300		/* strio_4k: REP INSB */
#define STRIO_PORT_W	0x302		/* strio_4k: REP OUTSW */
#define STRIO_PORT_L	0x304		/* strio_32: REP INSL */
#define STRIO_CASE_PORT	0x400		/* strio_cases: one port per case */
#define STRIO_NR_CASE_PORTS 32	/* STRIO_CASE_PORT + case */

#define STRIO_IN_BUF	0x200000	/* strio_4k: 4 KiB read by REP INSB */
#define STRIO_OUT_BUF	0x210000	/* strio_4k: 4 KiB written by REP OUTSW */
#define STRIO_TABLE	0x220000	/* strio_cases: 64 bytes a case */
#define STRIO_CASE_MEM	0x300000	/* strio_cases: 8 KiB a case */
#define STRIO_MEM_SIZE	0x800000	/* 64-bit guests' memory, all mapped */
#define STRIO_PF_HOLE	0x600000	/* strio_pf: a 2 MiB page the host unmaps */
#define STRIO_32_SRC	0x20000		/* strio_32: REP OUTSW source */
#define STRIO_32_DST	0x30000		/* strio_32: REP INSL (DF=1) buffer */
#define STRIO_ES_LIMIT	0x40fff		/* strio_32_limit: ES limit the host sets */
#define STRIO_16_SRC	0x6000		/* strio_16: DS offsets (DS = 0x100) */
#define STRIO_16_DST	0x7000

#ifndef __ASSEMBLER__
#include <stdint.h>

/*
 * 64-bit: REP INSB of 4 KiB to STRIO_IN_BUF from STRIO_PORT_B, then REP
 * OUTSW of 4 KiB from STRIO_OUT_BUF to STRIO_PORT_W; ucall DONE.
 */
extern const uint8_t strio_4k_begin[], strio_4k_end[];
/*
 * 64-bit: for each of STRIO_NR_CASES, RSI, RDI, RCX, RDX from the table
 * at STRIO_TABLE + 64 * case, one INS/OUTS form, then RSI, RDI, RCX back
 * to offsets 32, 40, 48; ucall DONE.  Forms in the order of the loops
 * size (b, w, l), direction (INS, OUTS), DF (0, 1), REP (yes, no); then
 * ADDR32 REP OUTSB.
 */
extern const uint8_t strio_cases_begin[], strio_cases_end[];
#define STRIO_NR_CASES	25
/*
 * 64-bit: a #PF handler, then REP INSB of 64 bytes to STRIO_PF_HOLE - 16
 * from STRIO_PORT_B: the handler reports CR2, then the error code.
 */
extern const uint8_t strio_pf_begin[], strio_pf_end[];
/*
 * 32-bit, no paging: REP OUTSW of 100 words from STRIO_32_SRC to
 * STRIO_PORT_W; ucall REPORT(ECX); REP INSL with DF of 50 dwords from
 * STRIO_PORT_L, the first at STRIO_32_DST + 196; DONE.
 */
extern const uint8_t strio_32_begin[], strio_32_end[];
/*
 * 32-bit: a #GP handler, then REP INSB of 32 bytes to STRIO_ES_LIMIT - 15
 * from STRIO_PORT_B: the handler reports EDI, ECX, the error code.
 */
extern const uint8_t strio_32_limit_begin[], strio_32_limit_end[];
/*
 * Real mode: ESI = 0xabcd0000 + STRIO_16_SRC, ECX = 0x55550000 + 10,
 * REP OUTSB to STRIO_PORT_B; REPORT(ECX); EDI = 0x12340000 + STRIO_16_DST,
 * ECX = 0x77770000 + 5, REP INSW from STRIO_PORT_W; DONE.
 */
extern const uint8_t strio_16_begin[], strio_16_end[];
#endif

#endif /* VMCTL_SELFTESTS_GUESTS_STRIO_H */
