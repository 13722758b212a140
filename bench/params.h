/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the bench's guests and hosts agree on: where guest code and the
 * parameter block live, which port and address the exits use.  Shared by
 * guests.S and the C sides, so one number cannot drift between them.
 *
 * Every guest reads its parameters from, and leaves its results in, a block
 * at guest-physical PARAMS (below the code, which is loaded at LOAD_GPA),
 * so that the host side needs no symbol of the guest to talk to it.
 */
#ifndef VMCTL_BENCH_PARAMS_H
#define VMCTL_BENCH_PARAMS_H

#define LOAD_GPA	0x1000		/* real mode: CS = 0x100, IP = 0 */
#define PARAMS		0x500
#define P_ITERS		(PARAMS + 0x00)	/* u32 in: loop iterations */
#define P_ARG		(PARAMS + 0x04)	/* u32 in: CPUID leaf */
#define P_T0		(PARAMS + 0x08)	/* u64: guest scratch */
#define P_DELTA		(PARAMS + 0x10)	/* u64 out: TSC ticks of the whole loop */
#define P_SUM		(PARAMS + 0x18)	/* u32 out: sum of the values the guest read */
#define P_BASE		(PARAMS + 0x20)	/* u64 in: first byte to touch (long mode) */
#define P_END		(PARAMS + 0x28)	/* u64 in: end of the range to touch */

#define BENCH_PORT	0x80		/* the port-I/O rows' port */
#define MMIO_GPA	0xa0000		/* no memory there: the MMIO row's target */
#define HC_NR		12		/* the hypercall number KVM hands to user space
					 * (KVM_HC_MAP_GPA_RANGE) */
#define HC_GPA		0x1000		/* its arguments: a page-aligned GPA ... */
#define HC_NPAGES	1		/* ... and a page count, which KVM checks */

#define EXIT_MEM_SIZE	0x80000		/* guest memory of the exit rows: 512 KiB */
#define TOUCH_GPA	0x40000000ULL	/* the memory-touch row's big slot */
#define TABLES_GPA	0x10000		/* long mode page tables and GDT */
#define LONG_MAP_SIZE	(2 * TOUCH_GPA)	/* what they map 1:1 */
#define STACK_GPA	0x80000

#endif
