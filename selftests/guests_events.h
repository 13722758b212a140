/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The events guest (guests_events.S): a long-mode guest with its own IDT
 * that records what its handlers saw, driven by events_test.c through
 * ucall SYNC stages.
 */
#ifndef VMCTL_SELFTESTS_GUESTS_EVENTS_H
#define VMCTL_SELFTESTS_GUESTS_EVENTS_H

#define EV_IRQ_VECTOR	0x40	/* the external interrupt the host injects */
#define EV_GP_CODE	0x1234	/* the #GP error code the host injects */
#define EV_MEM_SIZE	(4 << 20)	/* the VM's memory at first */
#define EV_MAP_SIZE	(8 << 20)	/* what its page tables map */

#ifndef __ASSEMBLER__
#include <stdint.h>

DECLARE_GUEST(ev_guest);
/* instructions whose addresses the host expects in the records */
extern const uint8_t ev_after_sti[], ev_window[], ev_gp_ret[], ev_bad_dr7[],
	ev_nmi_ret[], ev_after_unbacked[], ev_after_hlt[],
	ev_after_hlt2[];
/* records (8 bytes each): counts, the last RIP pushed, R12, error code */
extern const uint8_t ev_irq_count[], ev_irq_rip[], ev_irq_r12[],
	ev_gp_count[], ev_gp_rip[], ev_gp_code[], ev_nmi_count[], ev_nmi_rip[];
#endif

#endif /* VMCTL_SELFTESTS_GUESTS_EVENTS_H */
