/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guests for what booting Linux exposed (guests_linux.S), driven by
 * monitor_mwait_test.c.
 */
#ifndef VMCTL_SELFTESTS_GUESTS_LINUX_H
#define VMCTL_SELFTESTS_GUESTS_LINUX_H

#define MW_LEAF1_ECX	1	/* ucall REPORT stages: CPUID.1:ECX, then */
#define MW_UD_RIP	2	/* the RIP of each #UD the handler took */

#ifndef __ASSEMBLER__
#include <stdint.h>

/*
 * Long mode with an IDT whose #UD handler reports the faulting RIP and
 * skips the 3-byte instruction: REPORT(CPUID.1:ECX), MONITOR, MWAIT,
 * DONE(number of #UDs taken).
 */
DECLARE_GUEST(mw_guest);
extern const uint8_t mw_monitor[], mw_mwait[];
#endif

#endif /* VMCTL_SELFTESTS_GUESTS_LINUX_H */
