/* SPDX-License-Identifier: GPL-2.0 */
/* Guest code of the statistics tests (guests_stats.S). */
#ifndef VMCTL_SELFTESTS_GUESTS_STATS_H
#define VMCTL_SELFTESTS_GUESTS_STATS_H

#include "guests.h"

#define PORT_MIX_ENTRIES	16	/* (port, count) pairs in port_mix_table */

#ifndef __ASSEMBLER__
/*
 * Real mode: for each 16-bit (port, count) pair of port_mix_table, up to
 * the first count of 0, count byte OUTs to port; then ucall DONE(0), HLT.
 */
DECLARE_GUEST(port_mix);
extern const uint8_t port_mix_table[];
#endif

#endif /* VMCTL_SELFTESTS_GUESTS_STATS_H */
