/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The events guest: long mode, its own IDT (vectors 2, 13 and
 * EV_IRQ_VECTOR), each handler recording what the CPU pushed.  Stages
 * (ucall SYNC n), with what the host does at each in events_test.c:
 *  1, 2  IF clear: the host queues EV_IRQ_VECTOR, which must wait
 *  3     after STI and the one instruction in its shadow: delivered
 *  4     after the interrupt window the host asked for opened
 *  5     after the #GP(EV_GP_CODE) the host set with SET_VCPU_EVENTS
 *  6     after the #GP(0) the kernel raises for a bad MOV to DR7
 *  7     after the NMI the host queued at stage 6
 *  12, 13 an interrupt whose delivery pushes to memory no slot backs:
 *        the exit in mid-delivery, then the interrupt delivered once
 *  9, 10 after HLTs that the host ends with a kick, a signal, an
 *        interrupt, and in VMCTL_HLT_EXIT mode
 */
#include "guests.h"
#include "guests_events.h"

#define GUEST(name)	.globl name##_begin, name##_end; .balign 16; name##_begin:
#define END(name)	name##_end:

.macro SYNC n
	mov	$\n, %ebx
	mov	$UCALL_SYNC, %eax
	outl	%eax, $UCALL_PORT
.endm

/* A 64-bit interrupt gate for vector vec to handler, in ev_idt. */
.macro SET_GATE vec, handler
	lea	\handler(%rip), %rax
	lea	ev_idt + \vec * 16(%rip), %rdi
	mov	%ax, (%rdi)
	movw	%cs, 2(%rdi)
	movw	$0x8e00, 4(%rdi)
	shr	$16, %rax
	mov	%ax, 6(%rdi)
	shr	$16, %rax
	mov	%eax, 8(%rdi)
	movl	$0, 12(%rdi)
.endm

	.section .rodata.guests, "a"
	.code64
GUEST(ev_guest)
	SET_GATE 2, ev_nmi_handler
	SET_GATE 13, ev_gp_handler
	SET_GATE EV_IRQ_VECTOR, ev_irq_handler
	lea	ev_idt(%rip), %rax
	mov	%rax, ev_idtr + 2(%rip)
	lidt	ev_idtr(%rip)

	cli
	xor	%r12, %r12
	SYNC 1
	mov	$1, %r12
	SYNC 2
	sti
	mov	$2, %r12		/* in the STI shadow: runs first */
	.globl	ev_after_sti
ev_after_sti:
	cli
	SYNC 3
	mov	$3, %r12
	sti
	nop
	.globl	ev_window
ev_window:
	cli
	SYNC 4
	.globl	ev_gp_ret
ev_gp_ret:
	SYNC 5
	mov	$1, %rax
	shl	$32, %rax		/* DR7 bits 63:32 are reserved: #GP(0) */
	.globl	ev_bad_dr7
ev_bad_dr7:
	mov	%rax, %db7
	SYNC 6
	.globl	ev_nmi_ret
ev_nmi_ret:
	SYNC 7
	SYNC 12				/* the host moves RSP to memory no slot backs */
	sti
	nop
	.globl	ev_after_unbacked
ev_after_unbacked:
	cli
	SYNC 13


	sti
	hlt				/* ended by a kick, then a signal, then an interrupt */
	.globl	ev_after_hlt
ev_after_hlt:
	cli
	SYNC 9
	sti
	hlt				/* in VMCTL_HLT_EXIT mode: straight to user space */
	.globl	ev_after_hlt2
ev_after_hlt2:
	cli
	SYNC 10
	hlt				/* IF clear: straight to user space */

ev_irq_handler:
	push	%rax
	mov	8(%rsp), %rax
	mov	%rax, ev_irq_rip(%rip)
	mov	%r12, ev_irq_r12(%rip)
	incq	ev_irq_count(%rip)
	pop	%rax
	iretq

ev_gp_handler:
	push	%rax
	mov	8(%rsp), %rax		/* error code */
	mov	%rax, ev_gp_code(%rip)
	mov	16(%rsp), %rax
	mov	%rax, ev_gp_rip(%rip)
	incq	ev_gp_count(%rip)
	/* the faulting MOV to DR7 (3 bytes) is skipped, an injected #GP is not */
	lea	ev_bad_dr7(%rip), %rax
	cmp	%rax, 16(%rsp)
	jne	1f
	addq	$3, 16(%rsp)
1:	pop	%rax
	add	$8, %rsp		/* the error code */
	iretq

ev_nmi_handler:
	push	%rax
	mov	8(%rsp), %rax
	mov	%rax, ev_nmi_rip(%rip)
	incq	ev_nmi_count(%rip)
	pop	%rax
	iretq

	.balign	16
ev_idt:
	.skip	256 * 16
ev_idtr:
	.word	256 * 16 - 1
	.quad	0
	.balign	8
#define RECORD(name)	.globl name; name: .quad 0
	RECORD(ev_irq_count)
	RECORD(ev_irq_rip)
	RECORD(ev_irq_r12)
	RECORD(ev_gp_count)
	RECORD(ev_gp_rip)
	RECORD(ev_gp_code)
	RECORD(ev_nmi_count)
	RECORD(ev_nmi_rip)
END(ev_guest)
	.section .note.GNU-stack, "", @progbits
