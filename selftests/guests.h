/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest code of the selftests (guests.S) and the host<->guest conventions.
 *
 * Each guest is position independent: real-mode guests run with CS = DS =
 * their load address / 16 and IP = 0, long-mode guests use RIP-relative
 * addressing.  A guest talks to its host with libvmctl's "ucall"
 * (<vmctl/ucall.h>): EAX = UCALL_*, RBX = argument, then a 32-bit OUT to
 * UCALL_PORT; the host reads the registers.
 */
#ifndef VMCTL_SELFTESTS_GUESTS_H
#define VMCTL_SELFTESTS_GUESTS_H

#include <vmctl/ucall.h>

#define UCALL_PORT	VMCTL_UCALL_PORT
#define UCALL_DONE	VMCTL_UCALL_DONE	/* RBX: result */
#define UCALL_REPORT	VMCTL_UCALL_REPORT	/* RBX: a value for the host to check */
#define UCALL_SYNC	VMCTL_UCALL_SYNC	/* RBX: stage; the host acts, then resumes */

#define COM1		0x3f8
#define IO_LOOP_PORT	0x80	/* io_loop's OUT target */
#define IN_PORT_BASE	0x60	/* io_in reads 0x60 (b), 0x62 (w), 0x64 (l), 0x66 (b, DX) */
#define IN_PORT_RAW	0x70	/* io_in: no handler; completed with vmctl_vcpu_complete_in() */
#define IN_PORT_NONE	0x72	/* io_in: no handler and never completed: all ones */
#define RO_GPA		0x80000	/* ro_probe: a read-only slot */
#define NO_SLOT_GPA	0x90000	/* ro_probe: no slot */
#define WATCH_GPA	0x30000	/* real_watch: written by the guest, watched by the host */
#define WATCH_VALUE	0x5a5a5a5a
#define WBINVD_DONE	0x1bd	/* real_wbinvd's ucall DONE argument */

#define REAL_HELLO_TEXT	"Hello from real mode!\n"
#define LONG_HELLO_TEXT	"Hello from 64-bit long mode!\n"
#define LONG_MAGIC	0x0123456789abcdef	/* no suffix: also used by guests.S */

#ifndef __ASSEMBLER__
#include <stdint.h>

#define DECLARE_GUEST(name) \
	extern const uint8_t name##_begin[], name##_end[]

DECLARE_GUEST(real_hello);	/* real mode: prints REAL_HELLO_TEXT on COM1, HLT */
DECLARE_GUEST(long_hello);	/* long mode: prints LONG_HELLO_TEXT, ucall REPORT
				 * of a 64-bit constant, HLT */
DECLARE_GUEST(mem_pattern);	/* long mode: see memory_slots_test.c */
DECLARE_GUEST(long_ud2);	/* long mode: UD2 without an IDT */
DECLARE_GUEST(real_int_no_idt);	/* real mode: INT with an empty IVT limit */
DECLARE_GUEST(io_loop);		/* real mode: io_loop_limit 32-bit OUTs of 1, 2, ... to
				 * IO_LOOP_PORT, counted in io_loop_count; ucall DONE(count) */
DECLARE_GUEST(io_in);		/* real mode: INs of every width, a ucall REPORT each */
DECLARE_GUEST(ro_probe);	/* real mode: reads, then writes RO_GPA, NO_SLOT_GPA */
DECLARE_GUEST(spin_flag);	/* real mode: spins, counting turns in spin_flag_count,
				 * until its flag byte is set, HLT */
extern const uint8_t spin_flag_flag[], spin_flag_count[];
extern const uint8_t spin_flag_loop[], spin_flag_loop_end[];
extern const uint8_t io_loop_count[], io_loop_limit[];
DECLARE_GUEST(long_cr4_clear_pae);	/* long mode: MOV to CR4 without PAE at
					 * long_cr4_clear_pae_mov; see guests.S */
extern const uint8_t long_cr4_clear_pae_mov[];
DECLARE_GUEST(prot_cr0_pg_no_pae);	/* 32-bit protected mode, EFER.LME: MOV to CR0
					 * with PG at prot_cr0_pg_no_pae_mov */
extern const uint8_t prot_cr0_pg_no_pae_mov[];
DECLARE_GUEST(real_watch);	/* real mode: writes WATCH_GPA, SYNC(1), then arms its
				 * own DR0/DR7 breakpoint: REPORT(DR0); see guests.S */
DECLARE_GUEST(real_wbinvd);	/* real mode: WBINVD, INVD, ucall DONE(WBINVD_DONE) */
DECLARE_GUEST(prot_cr_write_low32);	/* 32-bit protected mode: MOV to CR4 from
					 * ESI, to CR0 from EDI, ucall DONE(0) */

#define GUEST_SIZE(name) ((uint64_t)(name##_end - name##_begin))

#endif

#endif /* VMCTL_SELFTESTS_GUESTS_H */
