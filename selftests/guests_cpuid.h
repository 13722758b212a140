/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest code of the CPUID selftests (guests_cpuid.S).
 *
 * cpuid_probe (long mode) walks the list at cpuid_probe_list, pairs of
 * dwords (function, index) that the host writes after loading the guest,
 * ended by CPUID_PROBE_END.  For each pair it executes CPUID and makes two
 * ucall REPORTs: RBX = EBX:EAX, then RBX = EDX:ECX.  The pair
 * (CPUID_PROBE_OSXSAVE, 0) sets CR4.OSXSAVE instead.  Then HLT.
 */
#ifndef VMCTL_SELFTESTS_GUESTS_CPUID_H
#define VMCTL_SELFTESTS_GUESTS_CPUID_H

#define CPUID_PROBE_END		0xffffffff
#define CPUID_PROBE_OSXSAVE	0xfffffffe
#define CPUID_PROBE_MAX		64	/* pairs, the end marker included */

#ifndef __ASSEMBLER__
#include <stdint.h>

extern const uint8_t cpuid_probe_begin[], cpuid_probe_end[];
extern const uint8_t cpuid_probe_list[];
#endif

#endif /* VMCTL_SELFTESTS_GUESTS_CPUID_H */
