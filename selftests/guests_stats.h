/* SPDX-License-Identifier: GPL-2.0 */
/* Guest code of the statistics tests (guests_stats.S). */
#ifndef VMCTL_SELFTESTS_GUESTS_STATS_H
#define VMCTL_SELFTESTS_GUESTS_STATS_H

#include "guests.h"

#define PORT_MIX_ENTRIES	16	/* (port, count) pairs in port_mix_table */

/* stats_mix: its devices, and the index of each count in stats_mix_counts */
#define STATS_PORT		0x80		/* the port its OUTs go to */
#define STATS_MMIO_GPA		0x600000	/* mapped by its page tables, no slot */
#define STATS_HC_NR		0x51		/* the hypercall it makes */
#define STATS_IRQ_VECTOR	0x41		/* the interrupt the host injects */
#define STATS_OUTS		0
#define STATS_MMIO_WRITES	1
#define STATS_MMIO_READS	2
#define STATS_HYPERCALLS	3
#define STATS_IRQS		4
#define STATS_NR_COUNTS		5

#ifndef __ASSEMBLER__
/*
 * Real mode: for each 16-bit (port, count) pair of port_mix_table, up to
 * the first count of 0, count byte OUTs to port; then ucall DONE(0), HLT.
 */
DECLARE_GUEST(port_mix);
extern const uint8_t port_mix_table[];
/*
 * Long mode, its own IDT: as many byte OUTs to STATS_PORT, 32-bit MMIO
 * writes and reads at STATS_MMIO_GPA, and VMCALLs STATS_HC_NR as the host
 * wrote into stats_mix_counts (32 bits each, STATS_* order); then with IF
 * set one ucall SYNC(remaining) per interrupt the host is to inject; CLI,
 * ucall DONE(0), HLT.  Records (64 bits each): interrupts its handler
 * took, the sum of the values it read and of the hypercalls' answers.
 */
DECLARE_GUEST(stats_mix);
extern const uint8_t stats_mix_counts[], stats_mix_irq_count[], stats_mix_read_sum[],
	stats_mix_hc_sum[];
#endif

#endif /* VMCTL_SELFTESTS_GUESTS_STATS_H */
